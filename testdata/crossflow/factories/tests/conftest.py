import pytest

from geodata.dataset import load_dataset


@pytest.fixture
def path(tmp_path):
    csv = tmp_path / "parcels.csv"
    csv.write_text("a,b\nc,d\n")
    return str(csv)


@pytest.fixture
def dataset(path):
    return load_dataset(path)


@pytest.fixture
def small(dataset):
    return dataset[:1]


@pytest.fixture
def catalog(path):
    from geodata.catalog import open_catalog
    from geodata.engine import ParslEngine

    return open_catalog(ParslEngine(), [path])
