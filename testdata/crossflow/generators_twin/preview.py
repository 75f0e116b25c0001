"""A preview on a dask cluster: the same polling helpers, fed dask futures."""

from dask.distributed import Client

from pipeline.polling import Poller, as_done, in_order


def draw(frame):
    return f"preview-{frame}.png"


def main():
    client = Client(processes=False)
    for path in as_done([client.submit(draw, i) for i in range(24)]):
        print(path)
    print(list(in_order(client.map(draw, range(4)))))
    for path in Poller(client.map(draw, range(2))):
        print(path)


if __name__ == "__main__":
    main()
