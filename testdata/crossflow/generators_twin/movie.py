import parsl
from parsl.configs.local_threads import config

from pipeline.apps import encode, render
from pipeline.polling import Poller, as_done, in_order


def main():
    parsl.load(config)
    frames = [render(i) for i in range(24)]
    for path in as_done(frames):
        print("rendered", path)
    thumbs = list(in_order([render(i, width=64) for i in range(4)]))
    for code in Poller([encode("frame-%04d.png")]):
        print("exit code", code, thumbs)


if __name__ == "__main__":
    main()
