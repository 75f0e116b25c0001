"""Where a catalog's work runs: as Parsl tasks."""

from geodata.apps import count_rows


class ParslEngine:
    def count(self, path):
        return count_rows(path)
