"""Project-wide questions: what a file's findings learned from modules it does not import.

Most of what the rules ask about a file comes from the file and the project modules it imports
(directly or not), which the result cache's key already covers (the prefilter's dependency
digest). A few questions read other modules:

* the executor labels of every configuration of the project (PSL402) and whether any module
  sets ``dependency_resolver=`` (PSL206) read every module that mentions parsl: scope
  :data:`PARSL_MODULES`;
* which modules define a function of a name at top level (the PSL101 fix's own
  ``unwrap_parsl_future``): scope ``defines:<name>``;
* whether another project module imports a module (a script's classes are then not
  ``__main__``'s, PSL305; its globals reach workers, PSL204): scope ``imported:<module>``;
* what the project's calls pass to a function's parameters (``callers.py``): the modules that
  import its module and spell its name, with what they import: scope
  ``callers:<module>:<names>``, asked for each function whose facts the file's model used
  (those of the helpers they were worked out through included).

While a file is linted, each question asked is recorded (:meth:`WideQuestions.ask`); the cache
stores each scope's :meth:`~WideQuestions.fingerprint` with the file's result and reuses the
result only while every one is unchanged. A file that asked nothing project-wide pays nothing.
Fingerprints are computed from the prefilter's scans (content digests, ``mentions parsl``), once
per scope and run.
"""

from __future__ import annotations

import ast
import hashlib
from collections.abc import Callable, Sequence

from parsl_lint.model.index import ModuleIndex, ModuleInfo, Prefilter

#: ``Project.functions_named``: the modules that define a top-level function of a name.
FunctionsNamed = Callable[[str], Sequence[tuple[ModuleInfo, ast.AST]]]

#: Every module that mentions parsl, by name and content, and the names of all modules.
PARSL_MODULES = "parsl-modules"
_DEFINES = "defines:"
_IMPORTED = "imported:"
_CALLERS = "callers:"


def defines(name: str) -> str:
    """The scope of "which modules define a top-level function ``name``"."""
    return _DEFINES + name


def imported(module: str) -> str:
    """The scope of "does another project module import ``module``"."""
    return _IMPORTED + module


def callers(module: str, names: frozenset[str]) -> str:
    """The scope of "what do the modules that may call ``module``'s functions spelled
    ``names`` pass them"."""
    return f"{_CALLERS}{module}:{','.join(sorted(names))}"


class WideQuestions:
    """The project-wide questions asked while linting one file, and their fingerprints."""

    def __init__(
        self, index: ModuleIndex, prefilter: Prefilter, functions_named: FunctionsNamed
    ) -> None:
        self.index = index
        self.prefilter = prefilter
        self.functions_named = functions_named
        self.asked: set[str] = set()
        self._fingerprints: dict[str, str] = {}
        self._state: tuple[int, int] = (-1, -1)

    def ask(self, scope: str) -> None:
        """A rule is about to use the answer of a project-wide question."""
        self.asked.add(scope)

    def take(self) -> frozenset[str]:
        """The scopes asked since the last call (each file's, when called around its lint)."""
        asked = frozenset(self.asked)
        self.asked.clear()
        return asked

    def fingerprints(self, scopes: frozenset[str]) -> dict[str, str]:
        return {scope: self.fingerprint(scope) for scope in sorted(scopes)}

    def fingerprint(self, scope: str) -> str:
        """What the answers of a scope depend on, as a digest (once per scope and run).
        Computing it asks nothing on the linted file's behalf."""
        index = self.index
        state = (index.version, index.edits)
        if state != self._state:
            self._fingerprints.clear()
            self._state = state
        known = self._fingerprints.get(scope)
        if known is None:
            asked = set(self.asked)
            try:
                known = self._fingerprints[scope] = self._compute(scope)
            finally:
                self.asked = asked
        return known

    def _compute(self, scope: str) -> str:
        prefilter, modules = self.prefilter, self.index.modules
        h = hashlib.sha256(scope.encode("utf-8", "surrogatepass") + b"\0")
        if scope == PARSL_MODULES:
            prefilter.candidates()  # every module scanned
            for name in sorted(modules):
                info = modules[name]
                own = prefilter.content_digest(info) if prefilter.mentions_parsl(info) else ""
                h.update(f"{name}\0{own}\0".encode("utf-8", "surrogatepass"))
        elif scope.startswith(_DEFINES):
            # A new module can change how a definer's name resolves from a file: all names.
            for name in sorted(modules):
                h.update(f"{name}\0".encode("utf-8", "surrogatepass"))
            for info, _ in self.functions_named(scope[len(_DEFINES) :]):
                own = prefilter.content_digest(info)
                h.update(f"{info.name}\0{own}\0".encode("utf-8", "surrogatepass"))
        elif scope.startswith(_CALLERS):
            module, _, spelled = scope[len(_CALLERS) :].rpartition(":")
            info = modules.get(module)
            names = set(spelled.split(","))
            if info is None:
                h.update(b"absent")
            else:
                # Their texts spell at least what their code does: a superset of the callers.
                for caller in prefilter.callers_of(info):
                    if not names.isdisjoint(prefilter.words_of(caller)):
                        own = prefilter.content_digest(caller)
                        imports = prefilter.dependency_digest(caller)
                        line = f"{caller.name}\0{own}\0{imports}\0"
                        h.update(line.encode("utf-8", "surrogatepass"))
        elif scope.startswith(_IMPORTED):
            info = modules.get(scope[len(_IMPORTED) :])
            h.update(b"absent" if info is None else str(prefilter.is_imported(info)).encode())
        else:
            raise ValueError(f"unknown project-wide scope: {scope}")
        return h.hexdigest()
