"""Replays a recorded campaign from stored values: its own future-like records."""

from campaign import Campaign, watch


class Recorded:
    def __init__(self, value):
        self.value = value

    def result(self):
        return self.value

    def add_done_callback(self, callback):
        callback(self)


def replay(values):
    records = [Recorded(v) for v in values]
    watch(records, "replay")
    campaign = Campaign()
    campaign.submit("first", records[0])
    print(campaign.run(records), campaign.finish())
