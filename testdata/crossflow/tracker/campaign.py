from parsl import python_app

from tracking import Runner, make_tracker


@python_app
def score(candidate):
    return len(str(candidate))


tracker = make_tracker()
for i in range(4):
    tracker.add(f"c{i}", score(i))

runner = Runner([score(c) for c in "abc"], label="letters")
