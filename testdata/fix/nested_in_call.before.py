import json

from parsl import python_app


@python_app
def summarize(n):
    return {"n": n, "mean": n / 2}


fut = summarize(10)
print(json.dumps(fut.result(), indent=2))
report = "\n".join(str(summarize(k).result()) for k in range(3))
