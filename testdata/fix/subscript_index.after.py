from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def square(x):
    return x * x


futs = [square(i) for i in range(4)]
total = 0
for i in range(len(futs)):
    total += unwrap_parsl_future(futs[i], f"square[{i}]")
first = unwrap_parsl_future(futs[0], "square[0]")
