import parsl


@parsl.python_app
def align(sample):
    return sample.upper()


TIMEOUT = 120
aligned = align("acgt")
print(aligned.result(timeout=TIMEOUT))
