"""The same book-keeping around a local process pool (no Parsl)."""

from concurrent.futures import ProcessPoolExecutor

from tracking import Runner, Tracker


def score(candidate):
    return len(str(candidate))


def main():
    with ProcessPoolExecutor() as pool:
        tracker = Tracker()
        tracker.add("local", pool.submit(score, 1))
        print(tracker.wait())
        print(Runner([pool.submit(score, c) for c in "xyz"]).collect())


if __name__ == "__main__":
    main()
