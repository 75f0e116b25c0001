from parsl import bash_app
from parsl_lint.runtime import unwrap_parsl_future


@bash_app
def compress(path, stdout=None, stderr=None):
    return f"gzip -k {path}"


jobs = {name: compress(name, stderr=name + ".err") for name in ["a.csv", "b.csv"]}
for name, job in jobs.items():
    status = unwrap_parsl_future(job, f"compress[{name}]")
    print(name, status)
