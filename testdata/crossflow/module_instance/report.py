import parsl
from parsl.configs.local_threads import config

from ledger import ledger
from submit import launch

parsl.load(config)
launch(3)
print(ledger.pending[0].result())  # PSL101
print(ledger.last.result())  # PSL101
print(ledger.by_name["final"].result())  # PSL101
print([f.result() for f in ledger.pending], ledger.size())  # PSL101
