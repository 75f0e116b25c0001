"""The model tests' harness: small named facts about one example file, in the manner of
pyflakes' ``self.flakes(code, ...)`` and LibCST's scope-provider tests.

``model_of(code, files={...})`` writes the example (dedented; ``model_of(prelude, code)``
joins parts, each dedented on its own) as ``example.py`` of a
temporary package, with any sibling ``files``, builds the real project index over them and
returns a :class:`Facts` over the real :class:`~parsl_lint.model.FileModel`. An expression is
named by its source text: ``facts.is_future("d[0]")`` asks about the ``d[0]`` of the file
(spacing and quotes do not matter). The model records a value wherever a call uses one: the
callee (``train`` in ``train(1)``), the receiver (``d[0]`` in ``d[0].result()``) and each
argument (``futs`` in ``print(futs)``). Those are the expressions a test can name.
"""

from __future__ import annotations

import ast
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

from parsl_lint.model import FileModel, Project, analyze
from parsl_lint.model.values import (
    App,
    BoundApp,
    Future,
    Mapping,
    MaybeFuture,
    Resource,
    Seq,
    Tup,
    Value,
    contains_future,
)

MAIN = "example.py"


def _canonical(text: str) -> str:
    return ast.unparse(ast.parse(textwrap.dedent(text).strip(), mode="eval").body)


class Facts:
    """What the model found in one example file, asked by expression."""

    def __init__(self, model: FileModel) -> None:
        self.model = model

    def _probes(self) -> Iterator[tuple[ast.expr, Value, Future | None]]:
        """Every expression a call uses: (node, its value, the future a method call on it
        is made on, per :meth:`FileModel.receiver_future`)."""
        for fact in self.model.calls():
            func = fact.node.func
            yield func, fact.callee, fact.callee if isinstance(fact.callee, Future) else None
            if isinstance(func, ast.Attribute) and fact.receiver is not None:
                yield func.value, fact.receiver, self.model.receiver_future(fact)
            for node, value in zip(fact.node.args, fact.args):
                yield node, value, value if isinstance(value, Future) else None
            for keyword in fact.node.keywords:
                value = fact.kwargs.get(keyword.arg)
                if value is not None:
                    yield keyword.value, value, value if isinstance(value, Future) else None

    def _matches(self, expr: str) -> list[tuple[Value, Future | None]]:
        wanted = _canonical(expr)
        found = [(v, f) for node, v, f in self._probes() if ast.unparse(node) == wanted]
        assert found, f"no call uses `{expr}` in the example (so the model recorded no value)"
        return found

    def values(self, expr: str) -> list[Value]:
        """The value of each use of ``expr``, in source order."""
        return [value for value, _ in self._matches(expr)]

    def value(self, expr: str) -> Value:
        """The value of ``expr``, which the file uses once (or always the same way)."""
        values = self.values(expr)
        assert len(set(values)) == 1, f"`{expr}` is used with different values: {values}"
        return values[0]

    def future(self, expr: str) -> Future | None:
        """The Parsl future ``expr`` is, when every use of it is one (a receiver counts when
        the method can only be the future's, see :meth:`FileModel.receiver_future`)."""
        futures = [future for _, future in self._matches(expr)]
        if any(f is None for f in futures):
            return None
        assert len(set(futures)) == 1, f"`{expr}` is different futures: {futures}"
        return futures[0]

    def is_future(self, expr: str, app: str | None = None) -> bool:
        """Every use of ``expr`` is a Parsl future (of the app ``app``, when given)."""
        future = self.future(expr)
        return future is not None and (app is None or future.app == app)

    def is_not_future(self, expr: str) -> bool:
        """No use of ``expr`` is taken for a Parsl future (a receiver may still be one on
        some paths, when the method is also another value's: see :meth:`maybe_future`)."""
        return all(future is None for _, future in self._matches(expr))

    def receiver_is_future(self, call: str, app: str | None = None) -> bool:
        """In the method call ``call`` (``"x.result()"``), the receiver is a Parsl future
        (of the app ``app``, when given): the fact PSL101 and PSL103 start from."""
        wanted = _canonical(call)
        facts = [f for f in self.model.calls() if ast.unparse(f.node) == wanted]
        assert facts, f"no call `{call}` in the example"
        futures = [self.model.receiver_future(f) for f in facts]
        return all(f is not None and (app is None or f.app == app) for f in futures)

    def is_app(self, expr: str, name: str | None = None) -> bool:
        """``expr`` is a Parsl app (calling it makes a future)."""
        value = self.value(expr)
        return isinstance(value, (App, BoundApp)) and (name is None or value.info.name == name)

    def holds_futures(self, expr: str) -> bool:
        """``expr`` is a container (list, tuple, dict, generator) with Parsl futures in it."""
        value = self.value(expr)
        return isinstance(value, (Seq, Tup, Mapping)) and contains_future(value)

    def maybe_future(self, expr: str) -> bool:
        """``expr`` is a Parsl future on some paths only."""
        return isinstance(self.value(expr), MaybeFuture)

    def resource(self, expr: str) -> str | None:
        """The kind of process-bound resource ``expr`` is (``"socket"``, ...), if one."""
        value = self.value(expr)
        return value.kind if isinstance(value, Resource) else None


ModelOf = Callable[..., Facts]


def build(root: Path, *parts: str, files: dict[str, str] | None = None) -> Facts:
    """Write the example under ``root`` and model it (see the module docstring). The example
    is ``parts`` joined, each dedented on its own (a shared prelude, then the case)."""
    package = root / "examplepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    for name, text in (files or {}).items():
        target = package / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text).lstrip("\n"))
    main = package / MAIN
    source = "\n".join(textwrap.dedent(part).lstrip("\n") for part in parts)
    main.write_text(source)
    project = Project.from_files(root, sorted(package.rglob("*.py")))
    info = project.add_file(main)
    return Facts(analyze(project, info, ast.parse(source)))
