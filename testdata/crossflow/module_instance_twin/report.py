import parsl
from parsl.configs.local_threads import config

from ledger import ledger, shared
from submit import launch, score

parsl.load(config)
launch(3)
ledger.pending.append(score(1))
print(ledger.pending[0].result())
print(ledger.last.result())
print(shared.last.result())
