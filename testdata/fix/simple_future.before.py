from parsl import python_app


@python_app
def train(epochs):
    return epochs * 0.1


fut = train(10)
loss = fut.result()
print(f"final loss: {loss}")
