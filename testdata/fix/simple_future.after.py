from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def train(epochs):
    return epochs * 0.1


fut = train(10)
loss = unwrap_parsl_future(fut, "train (fut)")
print(f"final loss: {loss}")
