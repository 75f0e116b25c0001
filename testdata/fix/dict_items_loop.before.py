from parsl import bash_app


@bash_app
def compress(path, stdout=None, stderr=None):
    return f"gzip -k {path}"


jobs = {name: compress(name, stderr=name + ".err") for name in ["a.csv", "b.csv"]}
for name, job in jobs.items():
    status = job.result()
    print(name, status)
