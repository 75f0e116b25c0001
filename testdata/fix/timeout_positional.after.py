from parsl import python_app
from parsl_lint.runtime import unwrap_parsl_future


@python_app
def fetch(url):
    import urllib.request

    return urllib.request.urlopen(url).read()


page = unwrap_parsl_future(fetch("https://example.org"), "fetch", timeout=30)
