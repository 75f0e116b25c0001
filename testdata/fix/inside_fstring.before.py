from parsl import python_app


@python_app
def train(x):
    return x


fut = train(1)
print(f"result: {fut.result()}")
print(f'result: {fut.result()}')
futs = [train(i) for i in range(3)]
for i, f in enumerate(futs):
    print(f"member {i}: {f.result():>5}")
print(f"""{train(2).result()}""")
