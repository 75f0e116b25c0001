"""A catalog of datasets; it runs its work on the engine it is given."""


class Catalog:
    def __init__(self, engine, paths=()):
        self.engine = engine
        self.paths = list(paths)

    def size(self, path):
        return self.engine.count(path)


def open_catalog(engine, paths=()):
    return Catalog(engine, paths)
