"""Property-based test of ``check`` and ``fix --write`` on generated programs.

hypothesmith generates Python programs (from LibCST's node types and from the grammar); into
each one, at random places (the module, function and class bodies, loops, ``with`` and
``try`` blocks), go statements that call ``.result()`` on a Parsl app's futures in the
shapes the fixer must handle: plain, with a timeout, inside f-strings (nested and
concatenated too), comprehensions, lambdas, a handler that logs only ``str(e)``, a ``# noqa``
line. The module is checked and fixed in-process, and the test asserts:

* no crash: every file gets a result, no error line;
* the fixed file compiles;
* fixing it again changes nothing;
* its AST equals the original's but for the intended rewrites: ``unwrap_parsl_future(x,
  name[, timeout=t])`` for ``x.result([t])``, the helper's import, and PSL102's
  ``.error(`` to ``.exception(``.

CI runs a bounded, derandomized number of examples (well under a minute). To fuzz for
longer, with fresh random programs each run::

    PARSL_LINT_FUZZ_EXAMPLES=5000 python -m pytest tests/test_fuzz.py -q
"""

from __future__ import annotations

import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import hypothesmith
import libcst as cst
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from parsl_lint.equivalence import normal_form
from parsl_lint.session import Session

LONG = "PARSL_LINT_FUZZ_EXAMPLES" in os.environ
EXAMPLES = int(os.environ.get("PARSL_LINT_FUZZ_EXAMPLES", "300"))
HELPER = "unwrap_parsl_future"

HEAD = """import logging

from parsl import python_app

_psl_log = logging.getLogger(__name__)


@python_app
def _psl_app(x=None):
    return x


_psl_fut = _psl_app(1)
_psl_futs = [_psl_app(i) for i in range(3)]
"""

#: What goes into the program: ``.result()`` on the app's futures, in the fixer's hard cases.
INJECTIONS = [
    "_psl_v = _psl_fut.result()",
    "print(_psl_fut.result(timeout=5))",
    "print(_psl_fut.result(7))",
    'print(f"got {_psl_fut.result()}")',
    "print(f\"{f'{_psl_fut.result()}'}\")",
    "print(f\"a{_psl_fut.result()}\" f'b{_psl_fut.result()}')",
    "_psl_l = [f.result() for f in _psl_futs]",
    "_psl_d = {i: f.result() for i, f in enumerate(_psl_futs)}",
    "_psl_g = (lambda: _psl_fut.result())()",
    "_psl_fut.result()  # noqa: PSL101",
    "_psl_app(_psl_fut.result()).result()",
    "try:\n    _psl_w = _psl_fut.result()\n"
    "except Exception as _psl_e:\n    _psl_log.error(str(_psl_e))",
    "for _psl_f in _psl_futs:\n    _psl_f.result()",
]


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="parsl-lint-fuzz-"))
    (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
    yield root
    shutil.rmtree(root, ignore_errors=True)


class _Inject(cst.CSTTransformer):
    """Put the chosen statements at the chosen places: ``(block, position, code)`` puts
    ``code`` before statement ``position`` of statement list number ``block`` (modulo how many
    there are: the module body and every indented block, in the order LibCST leaves them)."""

    def __init__(self, plan: list[tuple[int, int, str]], blocks: int) -> None:
        self.plan = plan
        self.blocks = max(blocks, 1)
        self.seen = 0

    def _insert(self, body: tuple[cst.BaseStatement, ...]) -> list[cst.BaseStatement]:
        index = self.seen
        self.seen += 1
        out = list(body)
        for block, at, code in self.plan:
            if block % self.blocks == index:
                out.insert(min(at, len(out)), cst.parse_statement(code + "\n"))
        return out

    def leave_IndentedBlock(
        self, original: cst.IndentedBlock, updated: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        return updated.with_changes(body=self._insert(updated.body))

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        return updated.with_changes(body=self._insert(updated.body))


class _Blocks(cst.CSTVisitor):
    def __init__(self) -> None:
        self.count = 1  # the module's body

    def visit_IndentedBlock(self, node: cst.IndentedBlock) -> None:
        self.count += 1


def _program(generated: str, plan: list[tuple[int, int, str]]) -> str | None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)  # generated code: `1()` and the like
        return _injected(generated, plan)


def _injected(generated: str, plan: list[tuple[int, int, str]]) -> str | None:
    try:
        module = cst.parse_module(generated)
        blocks = _Blocks()
        module.visit(blocks)
        injected = module.visit(_Inject(plan, blocks.count)).code
        text = HEAD + "\n" + injected
        compile(text, "<fuzz>", "exec", dont_inherit=True)
    except Exception:  # a program LibCST or this Python cannot take: not this test's subject
        return None
    return text


def _fix(path: Path) -> tuple[int, list[str]]:
    session = Session.create(paths=[path], cache=False)
    outcome = session.fix(write=True, unsafe=False)
    return outcome.files_changed, outcome.errors


COUNTS = {"examples": 0, "fixed": 0, "sites": 0}


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=not LONG,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    generated=st.one_of(hypothesmith.from_node(cst.Module), hypothesmith.from_grammar()),
    plan=st.lists(
        st.tuples(st.integers(0, 20), st.integers(0, 8), st.sampled_from(INJECTIONS)),
        min_size=1,
        max_size=6,
    ),
)
def test_check_and_fix_on_generated_programs(
    workdir: Path, generated: str, plan: list[tuple[int, int, str]]
) -> None:
    text = _program(generated, plan)
    assume(text is not None)
    assert text is not None
    path = workdir / "flow.py"
    path.write_text(text, encoding="utf-8")
    check = Session.create(paths=[path], cache=False).check()
    assert not check.errors, check.errors
    changed, errors = _fix(path)
    assert not errors, errors
    fixed = path.read_text(encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        compile(fixed, "flow.py", "exec", dont_inherit=True)
    assert normal_form(fixed) == normal_form(text)
    again, errors = _fix(path)
    assert not errors and not again, "a second fix changed the file"
    assert path.read_text(encoding="utf-8") == fixed
    COUNTS["examples"] += 1
    COUNTS["fixed"] += bool(changed)
    COUNTS["sites"] += fixed.count(f"{HELPER}(")


def test_fuzz_counts_are_reported(capsys: pytest.CaptureFixture[str]) -> None:
    """Runs after the property: says how many programs it ran and how many the fixer changed
    (``-s`` shows it), and that the generated programs did reach the fixer."""
    with capsys.disabled():
        print(
            f"\nfuzz: {COUNTS['examples']} programs, {COUNTS['fixed']} fixed, "
            f"{COUNTS['sites']} helper calls"
        )
    if COUNTS["examples"]:
        assert COUNTS["fixed"] > 0
