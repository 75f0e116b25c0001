from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def count(words):
    return len(words)


kept = count(["a", "b"]).result()  # noqa: PSL101
fixed = unwrap_parsl_future(count(["c"]), "count")
