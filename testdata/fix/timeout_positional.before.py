from parsl import python_app


@python_app
def fetch(url):
    import urllib.request

    return urllib.request.urlopen(url).read()


page = fetch("https://example.org").result(30)
