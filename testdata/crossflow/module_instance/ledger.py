"""A ledger of the work out: one module-level instance the whole workflow shares."""


class Ledger:
    def __init__(self):
        self.pending = []

    def size(self):
        return len(self.pending)


ledger = Ledger()
