"""Exception classes for the PSL305 tests. This module does not import Parsl, so a worker
defines these classes only when an app body imports it, after Parsl has set up its pickling
of exceptions (which covers only the classes that existed then)."""

from __future__ import annotations


class StageError(Exception):
    """Cannot be rebuilt from its args: pickle calls StageError("stage align failed ...")."""

    def __init__(self, stage, code):
        super().__init__(f"stage {stage} failed with {code}")
        self.stage = stage
        self.code = code


class PlainError(Exception):
    """Hands its arguments to BaseException unchanged: rebuilt as PlainError(stage, code)."""

    def __init__(self, stage, code):
        super().__init__(stage, code)


class ReducedError(Exception):
    """Formats its message but says how to rebuild itself."""

    def __init__(self, stage, code):
        super().__init__(f"stage {stage} failed with {code}")
        self.stage, self.code = stage, code

    def __reduce__(self):
        return (type(self), (self.stage, self.code))
