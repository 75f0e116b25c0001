from parsl import python_app


@python_app
def count_rows(path, limit=None):
    with open(path) as handle:
        rows = sum(1 for _ in handle)
    return rows if limit is None else min(rows, limit)


@python_app
def read_shapes(path, limit=None):
    with open(path) as handle:
        return [line.split(",") for line in handle][:limit]


@python_app
def fit(path, epochs):
    return {"path": path, "epochs": epochs}
