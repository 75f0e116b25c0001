from parsl import python_app

from parsl_lint.runtime import unwrap_parsl_future


@python_app
def mean(values):
    return sum(values) / len(values)


checked = unwrap_parsl_future(mean([1, 2, 3]), "mean")
unchecked = mean([4, 5, 6]).result()
