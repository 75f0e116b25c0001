from geodata.apps import count_rows, read_shapes


class Dataset:
    def __init__(self, path, limit=None):
        self.path = path
        self.limit = limit

    def __getitem__(self, window):
        return Dataset(self.path, limit=window.stop)

    def length(self):
        return count_rows(self.path, self.limit)

    def geometries(self):
        return read_shapes(self.path, self.limit)

    @classmethod
    def from_catalog(cls, catalog, name):
        return cls(catalog[name])


def load_dataset(path, limit=None):
    return Dataset(path, limit)
