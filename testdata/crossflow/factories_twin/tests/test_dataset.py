from geodata.model import Model


def test_length(dataset):
    assert dataset.length().result() == 2


def test_small(small):
    assert len(small.geometries().result()) == 1


def test_fit(small):
    assert Model(epochs=1).evaluate(small).result()["epochs"] == 1


def test_catalog(catalog, path):
    assert catalog.size(path).result() == 2
