"""``add_noqa_text``: the edit ``check --add-noqa`` and the editor's "disable for this line"
make, as ``(source, findings' rows and codes, expected)`` pairs."""

from __future__ import annotations

import pytest

from parsl_lint.add_noqa import add_noqa_text
from parsl_lint.ftypes import Diagnostic, Location


def finding(row: int, code: str = "PSL101") -> Diagnostic:
    at = Location(row, 1)
    return Diagnostic(code, "name", "message", "x.py", at, at, noqa_row=row)


@pytest.mark.parametrize(
    ("source", "rows", "expected"),
    [
        pytest.param("a = f()\n", [(1, "PSL101")], "a = f()  # noqa: PSL101\n", id="plain"),
        pytest.param(
            "a = f()   \n", [(1, "PSL101")], "a = f()  # noqa: PSL101\n", id="trailing-blanks"
        ),
        pytest.param(
            "a = f()\r\nb = 1\r\n",
            [(1, "PSL101")],
            "a = f()  # noqa: PSL101\r\nb = 1\r\n",
            id="crlf-kept",
        ),
        pytest.param(
            "a = f()  # why\n", [(1, "PSL101")], "a = f()  # why  # noqa: PSL101\n", id="comment"
        ),
        pytest.param(
            "a = f()  # noqa: E501\n",
            [(1, "PSL101"), (1, "PSL102"), (1, "PSL101")],
            "a = f()  # noqa: E501, PSL101, PSL102\n",
            id="merged-once-each",
        ),
        pytest.param(
            "a = f()  # noqa: PSL1\n", [(1, "PSL101")], "a = f()  # noqa: PSL1\n", id="covered"
        ),
        pytest.param("a = f()  # noqa\n", [(1, "PSL101")], "a = f()  # noqa\n", id="blanket"),
        pytest.param(
            "a = f(\n    1)\n", [(1, "PSL101")], "a = f(  # noqa: PSL101\n    1)\n", id="open-paren"
        ),
        pytest.param("a = 1 + \\\n    f()\n", [(1, "PSL101")], None, id="backslash"),
        pytest.param('a = f("""\n""")\n', [(1, "PSL101")], None, id="inside-a-string"),
        pytest.param("def f(:\n", [(1, "PSL101")], None, id="does-not-parse"),
    ],
)
def test_add_noqa_text(source: str, rows: list[tuple[int, str]], expected: str | None) -> None:
    text, added = add_noqa_text(source, [finding(r, c) for r, c in rows])
    if expected is None:
        assert (text, added) == (source, 0)
    else:
        assert text == expected
        assert added == (text != source)
