"""Whole-program parameter facts: what the project's callers pass to each function's parameters.

A helper in one module (``def wait_all(futs): return [f.result() for f in futs]``) knows what
``futs`` holds only from its callers, which may live in other modules. For every project
function and method, :class:`CallerFacts` joins what every call of it in the project passes to
each parameter (``arguments.py``); the evaluator binds a parameter to that join when it holds a
future (or is an instance of one project class).

Where the calls are: the function's own module, and the modules that import it (or a
package above it) and whose code spells its name (``spelling.py``: its class's for a
constructor; none for a fixture, a ``singledispatch`` registration or a nested function only
called where it is defined); more than :data:`MAX_CALLERS` such modules, and it is a
library's entry point, not followed. Each is walked in *collect* mode (an evaluator that
records no facts, only what calls pass): its own code, and of its functions and methods
only those that may call the function (``ModuleSpelling.units_calling``: they spell its
name, or a name bound to it, or call such a function passing it what they are passed),
with their parameters bound from their facts in turn where they pass them on to such a
call, so facts flow down a chain of helpers, module by module, up to :data:`MAX_DEPTH`
modules. A cycle (two modules whose facts need each other) or a longer
chain is cut: the facts asked for are unknown there, and a collect walk then binds nothing,
which can only make the model quieter. Precision comes first in three more ways:

* every caller counts, Parsl or not: a helper also fed ``concurrent.futures`` futures by a
  module that never mentions Parsl joins to unknown;
* a function that *escapes* (is handed to code the model does not follow: an executor's
  ``submit``, a thread's ``target``, another function's parameter) may be called with
  anything, so its parameters get no facts at all;
* an app body's parameters never take facts: Parsl waits for a future passed to an app and
  hands the body its value (``tests/test_crossflow.py`` checks this on a real run).

Cost: facts are asked for only where they can change something (``flows.py``, from the
syntax): linting a file, for its functions whose parameters reach something a future's
holder does (in a module that does so at all: :meth:`CallerFacts.wanted_by`); an attribute
summary, for the methods that store them into an attribute of ``self`` (in a module that
consumes futures, or that is not Parsl code by its text: the library part of a project); a
collect walk, for the functions that pass them on to the calls it is about; a return-value
summary never asks (it is context-insensitive); a parameter whose annotation already says
what it holds (``x: AppFuture``, ``job: Job``) takes nothing from callers, the evaluator
reading the annotation first. A function of a module is walked for its
calls at most once per run (the walk of a module goes on where it stopped when asked about
other functions); the callers already walked are joined first, then those whose walk asks
nothing of their own callers, then the smaller ones, and the join stops once every
parameter is unknown. Each
function's facts record the callers they were read from (``wide.callers`` scopes): the
linted file's cache entry depends on them, and the result cache keeps the facts for the next
run (:meth:`CallerFacts.export`, ``persist.py``), read back while those callers are unchanged.
"""

from __future__ import annotations

import ast
from typing import Callable

from parsl_lint.model.arguments import ESCAPED, Passed, bindable, escape, merge, usable
from parsl_lint.model.evaluator import Evaluator
from parsl_lint.model.flows import Flows, param_flows, returned_words
from parsl_lint.model.index import ModuleIndex, ModuleInfo, Prefilter
from parsl_lint.model.interface import ProjectView
from parsl_lint.model.persist import Unstorable, decode, encode
from parsl_lint.model.records import FuncRecord, MethodKind
from parsl_lint.model.spelling import (
    ModuleSpelling,
    Position,
    kept_inside,
    position,
    spelled_by,
)
from parsl_lint.model.values import UNKNOWN, Value, contains_future
from parsl_lint.model.wide import callers as callers_scope


def _any_bindable(passed: Passed) -> bool:
    return any(bindable(v) for entry in passed.values() for v in usable(entry).values())


#: How many modules up a chain of helpers the facts are followed (``run.py`` passes futures to
#: ``a.helper``, which passes them on to ``b.drain``: two).
MAX_DEPTH = 3

#: How many other modules may spell a function's name before its callers are not followed:
#: a function called from more is a library's entry point (a class every test builds, a
#: ``submit`` every executor spells), not a workflow's helper; its parameters take no facts,
#: as if it escaped (quiet), and the cost of a run stays bounded by the helpers it has.
MAX_CALLERS = 16


class CallerFacts:
    """The project's calls, walked on demand, and the parameter facts joined from them."""

    def __init__(self, index: ModuleIndex, prefilter: Prefilter, view: ProjectView) -> None:
        self.index = index
        self.prefilter = prefilter
        self.view = view  # what the collect-mode evaluators ask about the rest of the project
        self._calls: dict[str, Passed | None] = {}
        #: Per module walked in collect mode: the evaluator (kept to walk more of the module
        #: when asked), and the top-level functions and methods walked (None: all).
        self._collectors: dict[str, Evaluator] = {}
        self._units_walked: dict[str, frozenset[Position] | None] = {}
        self._names_walked: dict[str, frozenset[str] | None] = {}
        self._units_memo: dict[tuple[str, frozenset[str]], _Units] = {}
        #: What the syntax says, per module: nested functions no other module can call,
        #: the top-level functions and methods, where each one's parameters flow, and the
        #: names of the functions whose parameters reach each kind of use.
        self._kept: dict[str, frozenset[Position]] = {}
        self._spelling: dict[str, ModuleSpelling] = {}
        self._tops: dict[str, list[FuncRecord]] = {}
        self._flow_memo: dict[str, tuple[ast.AST, Flows]] = {}
        self._returned: dict[str, tuple[ast.AST, frozenset[str]]] = {}
        self._promised: dict[str, tuple[ast.AST, frozenset[str]]] = {}
        self._kinds: dict[tuple[str, str], frozenset[str]] = {}
        self._external: dict[str, Passed | None] = {}
        self._busy: set[tuple[str, str]] = set()
        #: The project-wide questions (``wide.py``) each function's facts were read from, and
        #: those of the facts being worked out now; ``ask`` records one for the linted file.
        self._scopes: dict[str, frozenset[str]] = {}
        self._open_scopes: list[set[str]] = []
        self.ask: Callable[[str], None] = lambda scope: None
        #: The last run's facts (``export``), and how to fingerprint a scope now: set by a
        #: run that has a cache.
        self.stored: dict[str, tuple] = {}
        self.stored_calls: dict[str, tuple] = {}
        self.fingerprint: Callable[[str], str] | None = None
        self._call_scopes: dict[str, frozenset[str]] = {}
        self._taken: dict[str, tuple] = {}
        self._taken_calls: dict[str, tuple] = {}
        self._busy_modules: dict[str, int] = {}
        #: How many times facts asked for were not known yet (a cycle, the depth bound), or
        #: a provisional summary was used: a summary that saw this change is provisional.
        self.cuts = 0
        #: Provisional summaries, as ``(memo, key)``: forgotten once the outermost
        #: computation of facts is done.
        self.provisional: list[tuple[dict, str]] = []
        self._provisional_ids: set[tuple[int, str]] = set()

    def clear(self) -> None:
        """Forget everything (a module's text changed)."""
        self._calls.clear()
        self._collectors.clear()
        self._units_walked.clear()
        self._names_walked.clear()
        self._units_memo.clear()
        self._external.clear()
        self._scopes.clear()
        self._call_scopes.clear()
        self.stored.clear()
        self.stored_calls.clear()
        self._kept.clear()
        self._spelling.clear()
        self._tops.clear()
        self._flow_memo.clear()
        self._returned.clear()
        self._promised.clear()
        self._kinds.clear()

    def walked(self) -> set[str]:
        """The modules walked in collect mode so far (what the facts have cost)."""
        return {module for module, calls in self._calls.items() if calls is not None}

    def walked_in(self, module: str) -> frozenset[Position] | None:
        """Where the top-level functions and methods of ``module`` walked in collect mode so
        far are (None: all of them)."""
        return self._units_walked.get(module, frozenset())

    def remember_provisional(self, memo: dict, key: str) -> None:
        """A summary worked out from facts not known yet: forgotten once they are."""
        self.provisional.append((memo, key))
        self._provisional_ids.add((id(memo), key))

    def recalled(self, memo: dict, key: str) -> None:
        """A remembered summary is used: a provisional one makes its user provisional."""
        if (id(memo), key) in self._provisional_ids:
            self.cuts += 1

    def in_progress(self, module: str) -> bool:
        """Facts about ``module``'s functions are being worked out: what is derived from them
        now is incomplete, and is remembered only until they are done."""
        return self._busy_modules.get(module, 0) > 0

    # -- the facts --------------------------------------------------------------------------

    def parameters(self, fdef: FuncRecord) -> dict[str, Value]:
        """What the whole project passes to ``fdef``'s parameters, its own module included
        (empty when no other module passes it anything worth binding)."""
        info = self.index.modules.get(fdef.module)
        if info is None or not self._asks(info):
            return {}
        if not (self.keeps(fdef) or self.consumes(fdef)):
            return {}  # what it is passed goes nowhere a summary looks
        external = self.external(fdef)
        if external is None:
            return {}
        if not _any_bindable(external) and not self._fed_locally(fdef, info):
            return {}  # the module's own calls alone: the file walk's (or nothing to bind)
        local = self.calls_from(fdef.module, spelled_by(fdef) or None)
        if local is None:
            return {}
        joined: Passed = {}
        merge(joined, external, [fdef.key])
        merge(joined, local, [fdef.key])
        return usable(joined.get(fdef.key))

    def external(self, fdef: FuncRecord) -> Passed | None:
        """What the other modules' calls pass to ``fdef`` (None: not known, as a module that
        may call it could not be walked: a cycle, or too far up a chain of helpers)."""
        key = fdef.key
        if key in self._external:
            self._consulted(self._scopes.get(key, frozenset()))
            return self._external[key]
        if self._restore(key):
            return self._external[key]
        if sum(kind == "external" for kind, _ in self._busy) >= MAX_DEPTH:
            self.cuts += 1
            return None  # too far up a chain of helpers: not followed
        self._open_scopes.append(set())
        try:
            found = self._guarded(("external", key), lambda: self._external_of(fdef))
        finally:
            scopes = frozenset(self._open_scopes.pop())
        self._consulted(scopes)
        if found is not None:  # cut (a cycle, the depth): asked again once that is done
            self._external[key] = found
            self._scopes[key] = scopes
        return found

    def _restore(self, key: str) -> bool:
        """Take ``key``'s facts from the last run when every caller they were read from is
        as it was then (the fingerprint of each of their ``wide.callers`` scopes)."""
        entry = self.stored.pop(key, None)
        if entry is None or self.fingerprint is None:
            return False
        try:
            scopes, prints, encoded = entry
            if not self._unchanged(scopes, prints):
                return False
            facts = decode(encoded)
        except (Unstorable, TypeError, ValueError):
            return False
        self._external[key] = {key: dict(facts)} if facts else {}
        self._scopes[key] = frozenset(scopes)
        self._consulted(self._scopes[key])
        return True

    def _unchanged(self, scopes: tuple[str, ...], prints: tuple[str, ...]) -> bool:
        """Every caller the last run's facts were read from is as it was then."""
        fingerprint = self.fingerprint
        assert fingerprint is not None
        return len(scopes) == len(prints) and all(
            fingerprint(scope) == known for scope, known in zip(scopes, prints)
        )

    def export(self, only_new: bool = False) -> dict[str, dict[str, tuple]]:
        """The facts to keep for the next run (and the last run's not used since): what
        each function is passed, and what each module's calls pass, with the scopes they
        were read from and those scopes' fingerprints now."""
        functions: dict[str, tuple] = {} if only_new else dict(self.stored)
        modules: dict[str, tuple] = {} if only_new else dict(self.stored_calls)
        if self.fingerprint is None:
            return {"functions": functions, "modules": modules}
        fingerprint = self.fingerprint
        for key, passed in self._external.items():
            if only_new and key in self._taken:
                continue
            scopes = tuple(sorted(self._scopes.get(key, ())))
            try:
                encoded = encode(tuple(sorted(passed.get(key, {}).items())))
            except Unstorable:
                continue
            functions[key] = (scopes, tuple(fingerprint(s) for s in scopes), encoded)
        for module, calls in self._calls.items():
            info = self.index.modules.get(module)
            if calls is None or info is None or info.path is None:
                continue
            units = self._units_walked.get(module)
            walked = None if units is None else tuple(sorted(units))
            names = self._names_walked.get(module)
            walked_for = None if names is None else tuple(sorted(names))
            taken = self._taken_calls.get(module)
            if only_new and taken is not None and taken[4:] == (walked, walked_for):
                continue
            scopes = tuple(sorted(self._call_scopes.get(module, ())))
            try:
                encoded = encode(tuple((k, tuple(sorted(v.items()))) for k, v in calls.items()))
            except Unstorable:
                continue
            prints = tuple(fingerprint(s) for s in scopes)
            digest = self._module_digest(info)
            modules[module] = (digest, scopes, prints, encoded, walked, walked_for)
        return {"functions": functions, "modules": modules}

    def take_new(self) -> dict[str, dict[str, tuple]]:
        """The facts worked out since the last call, as :meth:`export` gives them (a worker
        process hands them to the run that keeps them)."""
        everything = self.export(only_new=True)
        self._taken.update(everything["functions"])
        self._taken_calls.update(everything["modules"])
        return everything

    def adopt(self, facts: dict[str, dict[str, tuple]]) -> None:
        """Facts another process worked out (``take_new``): kept with this run's."""
        self.stored.update(facts.get("functions", {}))
        self.stored_calls.update(facts.get("modules", {}))

    def load(self, stored: dict[str, dict[str, tuple]]) -> None:
        """The last run's facts (``export``), each used only while it still holds."""
        functions, modules = stored.get("functions"), stored.get("modules")
        self.stored = functions if isinstance(functions, dict) else {}
        self.stored_calls = modules if isinstance(modules, dict) else {}

    def _consulted(self, scopes: frozenset[str]) -> None:
        """Facts read from these callers (``wide.callers`` scopes) were used: the file being
        linted depends on them, and so do the facts being worked out around this."""
        for scope in scopes:
            self.ask(scope)
        if self._open_scopes:
            self._open_scopes[-1].update(scopes)

    def _external_of(self, fdef: FuncRecord) -> Passed | None:
        info = self.index.modules.get(fdef.module)
        if info is None or info.path is None:
            return {}
        params = self._unpromised(fdef)
        if not params:
            return {}  # nothing to bind: every parameter's annotation says what it holds
        names = self._names(fdef)
        if not names:
            return {}  # nothing calls it by name: no module but its own passes it anything
        # A call may spell none of its names (``obj(...)``): the callers are walked whole.
        walk_for = names if spelled_by(fdef) is not None else None
        self._open_scopes[-1].add(callers_scope(fdef.module, names))
        callers = [
            caller
            for caller in self.prefilter.callers_of(info)
            if not names.isdisjoint(self.prefilter.words_of(caller))  # its text, cheaply
        ]
        if len(callers) > MAX_CALLERS:
            return escaped(fdef.key)  # a library's entry point, not a helper: not followed
        callers = [c for c in callers if not names.isdisjoint(self._spelled_in(c))]  # its code
        # The modules already walked first: once every parameter has joined to unknown (or
        # the function escaped), no further call can make one worth binding. Then those
        # whose walk asks nothing of their own callers, then the smaller ones (what they
        # spell is a measure of how much there is to walk).
        callers.sort(
            key=lambda c: (
                c.name not in self._calls,
                self._units(c.name, walk_for)[2],
                len(self._spelled_in(c)),
            )
        )
        out: Passed = {}
        for caller in callers:
            calls = self.calls_from(caller.name, walk_for)
            if calls is None:
                return None
            merge(out, calls, [fdef.key])
            if _settled(out.get(fdef.key), params):
                break
        entry = out.get(fdef.key)
        if entry:  # what is passed to an annotated parameter binds nothing: not kept
            kept = {*params, ESCAPED}
            out[fdef.key] = {p: v for p, v in entry.items() if p in kept}
        return out

    def _unpromised(self, fdef: FuncRecord) -> list[str]:
        """The parameters callers pass values to (``_parameters``) that no annotation
        already binds: the evaluator takes an annotation's promise (``x: AppFuture``,
        ``job: Job``) before what callers pass, so what they pass to those binds nothing."""
        params = _parameters(fdef)
        node = fdef.node
        if fdef.closure is not None or isinstance(node, ast.Lambda):
            return params  # an annotation there is read in a scope of a walk: not here
        info = self.index.modules.get(fdef.module)
        if info is None:
            return params
        known = self._promised.get(fdef.key)
        if known is None or known[0] is not node:
            args = node.args
            annotated = {
                a.arg: a.annotation
                for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]
                if a.annotation is not None
            }
            promised: set[str] = set()
            if annotated:
                evaluator = Evaluator(self.view, info)
                scope = evaluator.module_scope()
                with evaluator.quiet():
                    for name, annotation in annotated.items():
                        if evaluator.annotation(annotation, scope) is not UNKNOWN:
                            promised.add(name)
            known = self._promised[fdef.key] = (node, frozenset(promised))
        return [p for p in params if p not in known[1]]

    def _fed_locally(self, fdef: FuncRecord, info: ModuleInfo) -> bool:
        """Another function of ``fdef``'s module passes what it is passed on to ``fdef``
        (directly or through others: ``flows.py``), and other modules pass it something
        worth binding: the module's own calls of ``fdef`` may carry that."""
        for other in self._feeders(info.name, self._names(fdef)):
            if other.key != fdef.key:
                external = self.external(other)
                if external is not None and _any_bindable(external):
                    return True
        return False

    def _names(self, fdef: FuncRecord) -> frozenset[str]:
        """The words a call of ``fdef`` spells (``spelling.py``): none for a nested function
        only called where it is defined, every name its module defines where a call may
        spell none of its own."""
        names = spelled_by(fdef)
        if names is not None:
            return names
        info = self.index.modules.get(fdef.module)
        if info is None:
            return frozenset()
        if position(fdef.node) in self._kept_inside(info):
            return frozenset()
        return self.prefilter.defined_names(info)

    def _spelled_in(self, info: ModuleInfo) -> frozenset[str]:
        """The words a module's code spells (``spelling.py``): what its text spells less
        its comments and the words inside its strings (code in a docstring calls nothing)."""
        spelling = self._spelling_of(info)
        return spelling.words if spelling is not None else frozenset()

    def _spelling_of(self, info: ModuleInfo) -> ModuleSpelling | None:
        known = self._spelling.get(info.name)
        if known is None:
            tree = self.index.tree_of(info)
            if tree is None:
                return None
            text = self.index.text_of(info)
            known = self._spelling[info.name] = ModuleSpelling(text, tree, self._top(info))
        return known

    def _units(self, module: str, names: frozenset[str] | None) -> _Units:
        """The top-level functions and methods of ``module`` a collect walk visits to see
        every call of the functions spelled ``names``, and the names such calls may spell
        (None: all of them)."""
        if names is None:
            return None, None, True
        key = (module, names)
        if key in self._units_memo:
            return self._units_memo[key]
        info = self.index.modules.get(module)
        spelling = self._spelling_of(info) if info is not None else None
        chosen = spelling.units_calling(names, self._relays) if spelling is not None else None
        found: _Units = (None, None, True)
        if chosen is not None:
            found = frozenset(position(f.node) for f in chosen[0]), chosen[1], chosen[2]
        self._units_memo[key] = found
        return found

    def _kept_inside(self, info: ModuleInfo) -> frozenset[Position]:
        known = self._kept.get(info.name)
        if known is None:
            tree = self.index.tree_of(info)
            known = self._kept[info.name] = kept_inside(tree) if tree is not None else frozenset()
        return known

    def calls_from(self, module: str, names: frozenset[str] | None = None) -> Passed | None:
        """What ``module``'s calls pass to the project's functions (None while a walk of it
        is itself under way), from a collect-mode walk of the module: its own code, and the
        functions and methods that may call one spelled ``names`` (``spelling.py``; all of
        them without ``names``). The calls of those functions are complete; the walk goes on
        to more of the module when asked about others."""
        units, wanted, _ = self._units(module, names)
        if module in self._calls:
            found = self._calls[module]
            if found is None:
                self.cuts += 1  # its walk is under way
                return None
            if _covers(self._units_walked.get(module), units) and _covers(
                self._names_walked.get(module), wanted
            ):
                self._consulted(self._call_scopes.get(module, frozenset()))
                return found
        elif self._restore_calls(module, units, wanted):
            return self._calls[module]
        self._open_scopes.append(set())
        try:
            found = self._guarded(("calls", module), lambda: self._walk(module, units, wanted))
        finally:
            scopes = frozenset(self._open_scopes.pop())
        self._consulted(scopes)
        self._calls[module] = found
        if found is not None:
            self._call_scopes[module] = scopes | self._call_scopes.get(module, frozenset())
        return found

    def _restore_calls(
        self, module: str, units: frozenset[Position] | None, wanted: frozenset[str] | None
    ) -> bool:
        """Take what ``module``'s calls pass from the last run when the module, what it
        imports and every caller the facts its walk used were read from are unchanged, and
        that walk visited the functions asked for."""
        entry = self.stored_calls.get(module)
        info = self.index.modules.get(module)
        if entry is None or self.fingerprint is None or info is None or info.path is None:
            return False
        try:
            own, scopes, prints, encoded, walked, walked_for = entry
            if walked is not None:
                walked = frozenset((int(line), int(col)) for line, col in walked)
            if walked_for is not None:
                walked_for = frozenset(str(name) for name in walked_for)
            if not (_covers(walked, units) and _covers(walked_for, wanted)):
                return False  # kept for the next run, unless this one walks more of it
            del self.stored_calls[module]
            if own != self._module_digest(info):
                return False
            if not self._unchanged(scopes, prints):
                return False
            passed = {key: dict(params) for key, params in decode(encoded)}
        except (Unstorable, TypeError, ValueError):
            return False
        self._calls[module] = passed
        self._units_walked[module] = walked
        self._names_walked[module] = walked_for
        self._call_scopes[module] = frozenset(scopes)
        self._consulted(self._call_scopes[module])
        return True

    def _module_digest(self, info: ModuleInfo) -> str:
        return self.prefilter.content_digest(info) + ":" + self.prefilter.dependency_digest(info)

    def _guarded(
        self, guard: tuple[str, str], compute: Callable[[], Passed | None]
    ) -> Passed | None:
        if guard in self._busy:
            self.cuts += 1
            return None
        self._busy.add(guard)
        module = guard[1].partition(":")[0]
        self._busy_modules[module] = self._busy_modules.get(module, 0) + 1
        try:
            return compute()
        finally:
            self._busy.discard(guard)
            self._busy_modules[module] -= 1
            if not self._busy:
                for memo, key in self.provisional:
                    memo.pop(key, None)
                self.provisional = []
                self._provisional_ids.clear()

    def _walk(
        self, module: str, units: frozenset[Position] | None, wanted: frozenset[str] | None
    ) -> Passed:
        """Walk ``module`` in collect mode for these functions and names and those walked
        for before: on with the walk kept, or anew where the functions it walked would now
        bind parameters they did not."""
        info = self.index.modules.get(module)
        tree = self.index.tree_of(info) if info is not None else None
        if info is None or tree is None:
            return {}
        units = _union(units, self._units_walked.get(module, frozenset()))
        wanted = _union(wanted, self._names_walked.get(module, frozenset()))
        self._units_walked[module], self._names_walked[module] = units, wanted
        tops = self._top(info)
        ids = None if units is None else {id(f.node) for f in tops if position(f.node) in units}
        evaluator = self._collectors.get(module)
        if evaluator is not None and any(
            self.passes_on(fdef, wanted) and not self.passes_on(fdef, evaluator.collect_names)
            for fdef, _ in evaluator.walked.values()
        ):
            evaluator = None  # what they pass would now depend on what they are passed
        if evaluator is None:
            evaluator = self._collectors[module] = Evaluator(self.view, info)
            evaluator.collecting = True
            evaluator.collect_names = wanted
            evaluator.hold_back({id(f.node) for f in tops}, ids)
            evaluator.walk_module(tree)
        else:
            evaluator.collect_names = wanted
            evaluator.walk_more(ids)
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

    def consumes(self, fdef: FuncRecord) -> bool:
        """Whether ``fdef``'s parameters may reach something only the holder of a future
        does, in it or in a function of its module it passes them to (``flows.py``): only
        then can what it is passed change what is reported in it."""
        return self._reaches(fdef, "consumed")

    def keeps(self, fdef: FuncRecord) -> bool:
        """Whether ``fdef``'s parameters may be stored into an object (``self.tasks``), by it
        or by a function of its module it passes them to: only then can what it is passed
        change what an instance holds."""
        return self._reaches(fdef, "stored")

    def _relays(self, fdef: FuncRecord, names: frozenset[str]) -> bool:
        """Whether what ``fdef``'s callers do can change how a call spelling ``names`` is
        made: it passes them what it is passed (:meth:`passes_on`), or it may return what
        such a name holds (``def drainer(): return helper``: its callers call ``helper``)."""
        if self.passes_on(fdef, names):
            return True
        known = self._returned.get(fdef.key)
        if known is None or known[0] is not fdef.node:
            known = self._returned[fdef.key] = (fdef.node, returned_words(fdef.node))
        return not known[1].isdisjoint(names)

    def kept_attributes(self, fdef: FuncRecord) -> frozenset[str]:
        """The attributes of ``self`` a method stores what it is passed into: only those of
        its class's summary can change with what its callers pass (``flows.py``)."""
        if fdef.cls is None or fdef.method_kind not in (MethodKind.METHOD, MethodKind.PROPERTY):
            return frozenset()
        return self._flows(fdef).kept

    def passes_on(self, fdef: FuncRecord, names: frozenset[str] | None = None) -> bool:
        """Whether ``fdef`` passes (something made from) its parameters to a call (one that
        may call a function spelled ``names``): only then can what it is passed change what
        a collect walk of its module notes (about those functions)."""
        flows = self._flows(fdef)
        if not flows.passed:
            return False
        if names is None or flows.unnamed or flows.nested:
            return True
        return not (flows.callees.isdisjoint(names) and flows.handed.isdisjoint(names))

    def _flows(self, fdef: FuncRecord) -> Flows:
        known = self._flow_memo.get(fdef.key)
        if known is None or known[0] is not fdef.node:
            node = fdef.node
            bound = fdef.cls is not None and not isinstance(node, ast.Lambda)
            if bound and MethodKind.of(node) is MethodKind.STATIC:  # type: ignore[arg-type]
                bound = False
            known = self._flow_memo[fdef.key] = (node, param_flows(node, bound))
        return known[1]

    def _reaches(self, fdef: FuncRecord, kind: str) -> bool:
        """``fdef``'s parameters flow to ``kind`` (a :class:`Flows` field), directly or
        through the module's functions it passes them to."""
        flows = self._flows(fdef)
        if getattr(flows, kind):
            return True
        if not flows.callees:
            return False
        key = (fdef.module, kind)
        names = self._kinds.get(key)
        if names is None:
            info = self.index.modules.get(fdef.module)
            seeds = frozenset().union(
                *(spelled_by(f) or () for f in self._top(info) if getattr(self._flows(f), kind))
            )
            names = self._kinds[key] = self._passing_on(info, seeds)[1]
        return not flows.callees.isdisjoint(names)

    def _feeders(self, module: str, names: frozenset[str]) -> list[FuncRecord]:
        """The module's functions that pass what they are passed to a function spelled
        ``names``, directly or through the others."""
        return self._passing_on(self.index.modules.get(module), names)[0]

    def _passing_on(
        self, info: ModuleInfo | None, names: frozenset[str]
    ) -> tuple[list[FuncRecord], frozenset[str]]:
        """The module's functions that pass what they are passed on to a function spelled
        ``names``, directly or through the others; and ``names`` with theirs added."""
        wanted = set(names)
        found: list[FuncRecord] = []
        pending = list(self._top(info))
        grew = True
        while grew:
            grew = False
            for function in list(pending):
                if not self._flows(function).callees.isdisjoint(wanted):
                    found.append(function)
                    pending.remove(function)
                    wanted |= spelled_by(function) or frozenset()
                    grew = True
        return found, frozenset(wanted)

    def _top(self, info: ModuleInfo | None) -> list[FuncRecord]:
        """The module's top-level functions and the methods of its top-level classes."""
        if info is None:
            return []
        known = self._tops.get(info.name)
        if known is None:
            tree = self.index.tree_of(info)
            known = self._tops[info.name] = top_functions(info.name, tree) if tree else []
        return known

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
        for fdef in self._top(info):
            if not (self.consumes(fdef) or self.keeps(fdef)):
                continue  # what it is passed goes nowhere that holds or consumes a future
            external = self.external(fdef)
            if external and any(
                contains_future(value)
                for entry in external.values()
                for value in usable(entry).values()
            ):
                return True
        return False


def _parameters(fdef: FuncRecord) -> list[str]:
    """The parameters calls pass values to (not ``self``/``cls``, not ``*args``/``**kw``)."""
    node = fdef.node
    args = node.args
    names = [a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]]
    if fdef.cls is not None and not isinstance(node, ast.Lambda) and names:
        if MethodKind.of(node) is not MethodKind.STATIC:  # type: ignore[arg-type]
            names = names[1:]
    return names


#: A collect walk's top-level functions and methods, the names whose calls it sees whole
#: (None: all), and whether it asks what their callers pass.
_Units = tuple[frozenset[Position] | None, frozenset[str] | None, bool]


def escaped(key: str) -> Passed:
    """The facts of a function whose callers are not all followed: none."""
    passed: Passed = {}
    escape(passed, key)
    return passed


def _covers(walked: frozenset | None, asked: frozenset | None) -> bool:
    """What a walk visited (None: all) includes what is asked."""
    return walked is None or (asked is not None and asked <= walked)


def _union(one: frozenset | None, other: frozenset | None) -> frozenset | None:
    return None if one is None or other is None else one | other


def _settled(entry: dict[str, Value] | None, params: list[str]) -> bool:
    """No further call can change what ``entry`` binds: the function escaped, or every
    parameter is already unknown (the join's top)."""
    if not entry:
        return False
    return ESCAPED in entry or all(entry.get(p) is UNKNOWN for p in params)


def top_functions(module: str, tree: ast.Module) -> list[FuncRecord]:
    """The module's top-level functions and the methods of its top-level classes."""
    out: list[FuncRecord] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            out.append(FuncRecord(f"{module}:{node.name}", node, module))
        elif isinstance(node, ast.ClassDef):
            cls = f"{module}:{node.name}"
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    key = f"{cls[len(module) + 1 :]}.{item.name}"
                    out.append(FuncRecord(f"{module}:{key}", item, module, cls=cls))
    return out
