from geodata.apps import fit


class Model:
    def __init__(self, epochs=3):
        self.epochs = epochs

    def evaluate(self, dataset):
        return fit(dataset.path, self.epochs)
