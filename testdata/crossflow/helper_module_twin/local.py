"""Quick checks on this machine, without Parsl."""

from concurrent.futures import ThreadPoolExecutor

from util import first_done, gather, wait_all


def square(x):
    return x * x


def main():
    with ThreadPoolExecutor(max_workers=4) as pool:
        print(wait_all([pool.submit(square, i) for i in range(8)]))
        print(gather({i: pool.submit(square, i) for i in range(3)}))
        print(first_done([pool.submit(square, 5)]))


if __name__ == "__main__":
    main()
