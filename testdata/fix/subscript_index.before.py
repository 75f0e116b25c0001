from parsl import python_app


@python_app
def square(x):
    return x * x


futs = [square(i) for i in range(4)]
total = 0
for i in range(len(futs)):
    total += futs[i].result()
first = futs[0].result()
