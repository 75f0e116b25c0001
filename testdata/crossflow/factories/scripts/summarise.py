import parsl
from parsl.configs.local_threads import config

from geodata.dataset import Dataset, load_dataset
from geodata.model import Model

parsl.load(config)
ds = load_dataset("parcels.csv")
print(ds.length().result())  # PSL101
print(ds[:4].geometries().result())  # PSL101
print(Model().evaluate(ds).result())  # PSL101
roads = Dataset.from_catalog({"roads": "roads.csv"}, "roads")
print(roads.length().result())  # PSL101

from geodata.catalog import open_catalog  # noqa: E402
from geodata.engine import ParslEngine  # noqa: E402

catalog = open_catalog(ParslEngine(), ["parcels.csv"])
print(catalog.size("parcels.csv").result())  # PSL101
