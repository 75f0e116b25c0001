from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def simulate(member, years=10):
    return [member * 0.01 * y for y in range(years)]


futs = [simulate(m) for m in range(8)]
series = []
for i, f in enumerate(futs):
    series.append(unwrap_parsl_future(f, f"simulate[{i}]"))
