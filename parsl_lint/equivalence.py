"""What the PSL101 and PSL102 fixes may change in a module's AST, undone: the normal form two
versions of a file share when the fixer made only its intended rewrites.

* ``unwrap_parsl_future(x, name[, timeout=t])`` is ``x.result([t])`` again (the timeout always
  as a keyword, as ``x.result(t)`` is too);
* ``log.exception(...)`` is ``log.error(...)`` (PSL102; applied to both sides alike);
* the helper's ``from ... import unwrap_parsl_future`` goes (alone, or as one name of several).

Used by the property-based test (tests/test_fuzz.py) and the whole-corpus check
(bench/fix_equivalence.py).
"""

from __future__ import annotations

import ast

HELPER = "unwrap_parsl_future"


class _Undo(ast.NodeTransformer):
    def __init__(self, helper: str) -> None:
        self.helper = helper

    def visit_Call(self, node: ast.Call) -> ast.AST:
        self.generic_visit(node)
        func = node.func
        if isinstance(func, ast.Name) and func.id == self.helper and node.args:
            return ast.Call(
                func=ast.Attribute(value=node.args[0], attr="result", ctx=ast.Load()),
                args=[],
                keywords=node.keywords,
            )
        if isinstance(func, ast.Attribute) and func.attr == "result" and len(node.args) == 1:
            keyword = ast.keyword(arg="timeout", value=node.args[0])
            return ast.Call(func=func, args=[], keywords=[*node.keywords, keyword])
        if isinstance(func, ast.Attribute) and func.attr == "exception" and node.args:
            func.attr = "error"
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST | None:
        names = [a for a in node.names if not (a.name == self.helper and a.asname is None)]
        if not names:
            return None
        node.names = names
        return node


def normal_form(text: str, helper: str = HELPER) -> str:
    """``ast.dump`` of ``text`` with the fixer's intended rewrites undone."""
    return ast.dump(_Undo(helper).visit(ast.parse(text)))
