"""No import cycle inside the package: every ``parsl_lint.*`` import counts, including the ones
inside functions and under ``TYPE_CHECKING`` (a cycle hidden in a function is still a cycle,
only one that waits for the first call to bite)."""

from __future__ import annotations

import ast
from pathlib import Path

import parsl_lint

PACKAGE_DIR = Path(parsl_lint.__file__).parent


def module_files(package_dir: Path) -> dict[str, Path]:
    """Every module of the package under ``package_dir``, by dotted name."""
    package = package_dir.name
    out: dict[str, Path] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join([package, *parts])] = path
    return out


def _imported(node: ast.AST, module: str, is_package: bool, known: set[str]) -> list[str]:
    """The package's modules one import statement imports (``from pkg import sub``: the
    submodule when ``sub`` is one, else ``pkg`` itself)."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names if a.name in known]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        parts = module.split(".") if is_package else module.split(".")[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, base] if base else parts)
    out = []
    for alias in node.names:
        submodule = f"{base}.{alias.name}"
        if submodule in known:
            out.append(submodule)
        elif base in known:
            out.append(base)
    return out


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """module -> the package's modules it imports anywhere in its source."""
    files = module_files(package_dir)
    known = set(files)
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        is_package = path.name == "__init__.py"
        edges = graph.setdefault(module, set())
        for node in ast.walk(tree):
            edges.update(m for m in _imported(node, module, is_package, known) if m != module)
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle (``[a, b, ..., a]``), or None when the graph has none."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for target in sorted(graph.get(module, ())):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done:
                cycle = visit(target)
                if cycle is not None:
                    return cycle
        path.pop()
        on_path.discard(module)
        done.add(module)
        return None

    for module in sorted(graph):
        if module not in done:
            cycle = visit(module)
            if cycle is not None:
                return cycle
    return None


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE_DIR)
    assert "parsl_lint.model.evaluator" in graph  # the walk found the package's modules
    cycle = find_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def test_the_model_does_not_import_the_layers_above_it() -> None:
    """The model depends on values, Parsl facts and notebooks only: never on the run's
    layers (engine, session, snapshot, cache, rules, reporters, the CLI)."""
    graph = import_graph(PACKAGE_DIR)
    above = {
        "parsl_lint.engine",
        "parsl_lint.session",
        "parsl_lint.snapshot",
        "parsl_lint.cache",
        "parsl_lint.rule",
        "parsl_lint.rules",
        "parsl_lint.reporters",
        "parsl_lint.cli",
    }
    for module, edges in graph.items():
        if module.startswith("parsl_lint.model"):
            assert not edges & above, (module, edges & above)


def test_the_index_knows_nothing_of_the_evaluator() -> None:
    graph = import_graph(PACKAGE_DIR)
    semantic = {
        m
        for m in graph
        if m.startswith("parsl_lint.model.")
        and m.split(".")[2] in ("evaluator", "summaries", "symbols", "builtins", "interface")
    }
    for module, edges in graph.items():
        if module.startswith("parsl_lint.model.index"):
            assert not edges & semantic, (module, edges & semantic)


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root / "pkg"


def test_a_cycle_through_a_function_level_import_is_found(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "pkg/__init__.py": "",
            "pkg/a.py": "from pkg.b import g\n\ndef f():\n    return g()\n",
            "pkg/b.py": "def g():\n    from pkg import c\n    return c.h()\n",
            "pkg/c.py": "def h():\n    from .a import f\n    return f\n",
            "pkg/d.py": "import pkg.a\n",
        },
    )
    graph = import_graph(package)
    assert graph["pkg.b"] == {"pkg.c"}  # ``from pkg import c``: the submodule
    assert graph["pkg.c"] == {"pkg.a"}  # relative
    assert find_cycle(graph) == ["pkg.a", "pkg.b", "pkg.c", "pkg.a"]


def test_an_acyclic_package_passes(tmp_path: Path) -> None:
    package = _package(
        tmp_path,
        {
            "pkg/__init__.py": "from pkg.a import f\n",
            "pkg/a.py": "from pkg.sub import g\n\ndef f():\n    return g()\n",
            "pkg/sub/__init__.py": "from .leaf import g\n",
            "pkg/sub/leaf.py": "def g():\n    return 1\n",
        },
    )
    graph = import_graph(package)
    assert graph["pkg.sub"] == {"pkg.sub.leaf"}
    assert find_cycle(graph) is None
