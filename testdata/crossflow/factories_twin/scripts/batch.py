import parsl
from parsl import python_app
from parsl.configs.local_threads import config


@python_app
def archive(path):
    return path + ".tar"


parsl.load(config)
print(archive("parcels.csv"))
