import parsl
from parsl.configs.local_threads import config

from geodata.dataset import Dataset, load_dataset
from geodata.model import Model

parsl.load(config)
ds = load_dataset("parcels.csv")
print(ds.length().result())
print(ds[:4].geometries().result())
print(Model().evaluate(ds).result())
roads = Dataset.from_catalog({"roads": "roads.csv"}, "roads")
print(roads.length().result())

from geodata.catalog import open_catalog  # noqa: E402
from geodata.engine import LocalEngine, ParslEngine  # noqa: E402

remote = open_catalog(ParslEngine(), ["parcels.csv"])
local = open_catalog(LocalEngine())
print(local.size("parcels.csv").result(), remote.paths)
