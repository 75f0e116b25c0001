import parsl
from parsl.configs.local_threads import config

parsl.load(config)

from campaign import runner, tracker  # noqa: E402

print("first:", tracker.tasks[0].result())  # PSL101
print("c1:", tracker.by_name["c1"].result())  # PSL101
print(tracker.wait(), runner.collect())
