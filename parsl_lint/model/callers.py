"""Whole-program parameter facts: what the project's callers pass to each function's parameters.

A helper in one module (``def wait_all(futs): return [f.result() for f in futs]``) knows what
``futs`` holds only from its callers, which may live in other modules. For every project
function and method, :class:`CallerFacts` joins what every call of it in the project passes to
each parameter (``arguments.py``); the evaluator binds a parameter to that join when it holds a
future (or is an instance of one project class).

Where the calls are: the function's own module, and every module that may call into it (the
prefilter's :meth:`~parsl_lint.model.index.Prefilter.callers_of`: the importers of the module,
or of a package above it, whose text spells one of its names). Each of those is walked once,
in *collect* mode (an evaluator that records no facts, only what calls pass), with its own
functions' parameters bound from their facts in turn, so facts flow down a chain of helpers,
module by module, up to :data:`MAX_DEPTH` modules. A cycle (two modules whose facts need each
other) or a longer chain is cut: the facts asked for are unknown there, and a collect walk
then binds nothing, which can only make the model quieter. Precision comes first in three
more ways:

* every caller counts, Parsl or not: a helper also fed ``concurrent.futures`` futures by a
  module that never mentions Parsl joins to unknown;
* a function that *escapes* (is handed to code the model does not follow: an executor's
  ``submit``, a thread's ``target``, another function's parameter) may be called with
  anything, so its parameters get no facts at all;
* an app body's parameters never take facts: Parsl waits for a future passed to an app and
  hands the body its value (``tests/test_crossflow.py`` checks this on a real run).

Cost: a module's calls are walked at most once per run. Linting a file asks for the facts of
its functions only when it does something with futures (``.result()`` and the like, see
:meth:`CallerFacts.wanted_by`); an attribute summary (what ``self.tasks`` holds) asks for a
module that does so or that is not Parsl code by its text (the library part of a project,
whose objects carry Parsl code's futures); a return-value summary does not ask (it is
context-insensitive: asking would walk every caller of every function summarised).
"""

from __future__ import annotations

from typing import Callable

from parsl_lint.model.arguments import Passed, bindable, merge, usable
from parsl_lint.model.evaluator import Evaluator
from parsl_lint.model.index import ModuleIndex, ModuleInfo, Prefilter
from parsl_lint.model.interface import ProjectView
from parsl_lint.model.records import FuncRecord
from parsl_lint.model.values import Value, contains_future


def _any_bindable(passed: Passed) -> bool:
    return any(bindable(v) for entry in passed.values() for v in usable(entry).values())


#: How many modules up a chain of helpers the facts are followed (``run.py`` passes futures to
#: ``a.helper``, which passes them on to ``b.drain``: two).
MAX_DEPTH = 3


class CallerFacts:
    """The project's calls, walked on demand, and the parameter facts joined from them."""

    def __init__(self, index: ModuleIndex, prefilter: Prefilter, view: ProjectView) -> None:
        self.index = index
        self.prefilter = prefilter
        self.view = view  # what the collect-mode evaluators ask about the rest of the project
        self._calls: dict[str, Passed | None] = {}
        self._external: dict[str, Passed | None] = {}
        self._busy: set[tuple[str, str]] = set()
        #: Summaries worked out while some facts were incomplete, as ``(memo, key)``: they
        #: are forgotten once the outermost computation of facts is done.
        self.provisional: list[tuple[dict, str]] = []

    def clear(self) -> None:
        """Forget everything (a module's text changed)."""
        self._calls.clear()
        self._external.clear()

    def in_progress(self, module: str) -> bool:
        """Facts about ``module``'s functions are being worked out: what is derived from them
        now is incomplete, and is remembered only until they are done."""
        return ("external", module) in self._busy or ("calls", module) in self._busy

    # -- the facts --------------------------------------------------------------------------

    def parameters(self, fdef: FuncRecord) -> dict[str, Value]:
        """What the whole project passes to ``fdef``'s parameters, its own module included
        (empty when no other module passes it anything worth binding)."""
        info = self.index.modules.get(fdef.module)
        if info is None or not self._asks(info):
            return {}
        external = self.external(fdef.module)
        if external is None or not _any_bindable(external):
            return {}  # the module's own calls alone: the file walk's (or nothing to bind)
        local = self.calls_from(fdef.module)
        if local is None:
            return {}
        joined: Passed = {}
        merge(joined, external, [fdef.key])
        merge(joined, local, [fdef.key])
        return usable(joined.get(fdef.key))

    def external(self, module: str) -> Passed | None:
        """What the other modules' calls pass to ``module``'s functions (None: not known, as
        a module that may call them could not be walked: a cycle)."""
        if module in self._external:
            return self._external[module]
        if sum(kind == "external" for kind, _ in self._busy) >= MAX_DEPTH:
            return None  # too far up a chain of helpers: not followed
        found = self._guarded(("external", module), lambda: self._external_of(module))
        if found is not None:  # cut (a cycle, the depth): asked again once that is done
            self._external[module] = found
        return found

    def _external_of(self, module: str) -> Passed | None:
        info = self.index.modules.get(module)
        if info is None or info.path is None:
            return {}
        prefix = module + ":"
        out: Passed = {}
        for caller in self.prefilter.callers_of(info):
            calls = self.calls_from(caller.name)
            if calls is None:
                return None
            merge(out, calls, [key for key in calls if key.startswith(prefix)])
        return out

    def calls_from(self, module: str) -> Passed | None:
        """What ``module``'s calls pass to the project's functions: a collect-mode walk of
        the whole module, once (None while that walk is itself under way)."""
        if module in self._calls:
            return self._calls[module]
        found = self._guarded(("calls", module), lambda: self._walk(module))
        self._calls[module] = found
        return found

    def _guarded(
        self, guard: tuple[str, str], compute: Callable[[], Passed | None]
    ) -> Passed | None:
        if guard in self._busy:
            return None
        self._busy.add(guard)
        try:
            return compute()
        finally:
            self._busy.discard(guard)
            if not self._busy:
                for memo, key in self.provisional:
                    memo.pop(key, None)
                self.provisional = []

    def _walk(self, module: str) -> Passed:
        info = self.index.modules.get(module)
        tree = self.index.tree_of(info) if info is not None else None
        if info is None or tree is None:
            return {}
        evaluator = Evaluator(self.view, info)
        evaluator.collecting = True
        evaluator.walk_module(tree)
        return evaluator.passed

    # -- what asks --------------------------------------------------------------------------

    def _asks(self, info: ModuleInfo) -> bool:
        """Whether a summary of one of the module's functions (what its instances' attributes
        hold, once its methods are passed what callers pass) asks for the facts: the module
        does something with futures itself, or it is not Parsl code by its text (a library
        part of the project whose objects carry Parsl code's futures). A module that is
        Parsl code by its text and never consumes a future gets its facts only through the
        files that lint it (what it receives is consumed there, then)."""
        return self.prefilter.consumes_futures(info) or not self.prefilter.is_candidate(info)

    def wanted_by(self, module: str) -> bool:
        """Whether linting ``module`` asks for its functions' facts: it does something only
        the holder of a future does (the prefilter's ``consumes_futures``, from its text)."""
        info = self.index.modules.get(module)
        return info is not None and self.prefilter.consumes_futures(info)

    def receives_futures(self, info: ModuleInfo) -> bool:
        """Another module passes a future (or a container of futures) to one of ``info``'s
        functions, and it does something with futures: the prefilter lets it through though
        it never mentions Parsl."""
        if not self.wanted_by(info.name):
            return False
        external = self.external(info.name)
        return bool(external) and any(
            contains_future(value)
            for entry in external.values()
            for value in usable(entry).values()
        )
