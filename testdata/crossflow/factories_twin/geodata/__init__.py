"""Geometry datasets whose heavy operations run as Parsl tasks."""
