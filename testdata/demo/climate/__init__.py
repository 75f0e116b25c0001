"""A small climate ensemble: simulate members with Parsl, regrid them, compute anomalies."""

from .apps import simulate

__all__ = ["simulate"]
