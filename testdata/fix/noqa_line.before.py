from parsl import python_app


@python_app
def count(words):
    return len(words)


kept = count(["a", "b"]).result()  # noqa: PSL101
fixed = count(["c"]).result()
