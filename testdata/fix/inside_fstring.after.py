from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def train(x):
    return x


fut = train(1)
print(f"result: {unwrap_parsl_future(fut, 'train (fut)')}")
print(f'result: {unwrap_parsl_future(fut, "train (fut)")}')
futs = [train(i) for i in range(3)]
for i, f in enumerate(futs):
    print(f"member {i}: {unwrap_parsl_future(f, f'train[{i}]'):>5}")
print(f"""{unwrap_parsl_future(train(2), 'train')}""")
