import json

from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def summarize(n):
    return {"n": n, "mean": n / 2}


fut = summarize(10)
print(json.dumps(unwrap_parsl_future(fut, "summarize (fut)"), indent=2))
report = "\n".join(str(unwrap_parsl_future(summarize(k), "summarize")) for k in range(3))
