import parsl
from parsl_lint.runtime import unwrap_parsl_future


@parsl.python_app
def align(sample):
    return sample.upper()


TIMEOUT = 120
aligned = align("acgt")
print(unwrap_parsl_future(aligned, "align (aligned)", timeout=TIMEOUT))
