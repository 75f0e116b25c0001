"""The executor labels a project's Parsl configurations define, when they are all known.

A module is read with ``ast`` only (no model walk): Parsl's names are recognised by how the
module imports them (``from parsl.config import Config``, ``import parsl`` then
``parsl.config.Config``), as in :func:`parsl_lint.model._parsl_executor_calls`. A
configuration is *literal* when its ``executors=`` is a list or tuple of Parsl executor
constructors whose ``label=`` is a string literal (or absent: the class's default label).
Anything else (a label or an executor list from a variable, ``Config(**loaded_yaml)``, a
configuration from ``parsl.configs`` or another package, executors added later) makes the
answer unknown: :func:`scan_module` then reports the module as not literal.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from dataclasses import dataclass

#: The label each Parsl executor class has when none is given (Parsl 2026.10).
DEFAULT_LABELS: dict[str, str] = {
    "ThreadPoolExecutor": "threads",
    "HighThroughputExecutor": "HighThroughputExecutor",
    "MPIExecutor": "MPIExecutor",
    "FluxExecutor": "FluxExecutor",
    "WorkQueueExecutor": "WorkQueueExecutor",
    "TaskVineExecutor": "TaskVineExecutor",
    "GlobusComputeExecutor": "GlobusComputeExecutor",
    "RadicalPilotExecutor": "RPEX",
}
#: The executor every DataFlowKernel adds for join apps.
INTERNAL_LABEL = "_parsl_internal"
#: How a configuration reaches Parsl: ``parsl.load(config)`` / ``DataFlowKernel(config)``.
_LOADERS = frozenset({"load", "DataFlowKernel"})
#: Calls that add executors to a configuration or a running DataFlowKernel.
_ADDS_EXECUTORS = frozenset({"add_executors"})
_LIST_MUTATORS = frozenset({"append", "extend", "insert", "__setitem__", "__iadd__"})


@dataclass(frozen=True)
class ModuleConfigs:
    """What one module contributes: the labels of its literal configurations, how many
    configurations it builds, and whether every one of them is literal."""

    labels: frozenset[str]
    configs: int
    literal: bool
    #: Modules outside Parsl that the configuration handed to ``parsl.load`` comes from: the
    #: answer is unknown unless each is a project module.
    loaded_from: frozenset[str] = frozenset()

    def known(self, is_project_module: Callable[[str], bool]) -> bool:
        """Every configuration of the module is literal and built in the project."""
        return self.literal and all(is_project_module(m) for m in self.loaded_from)


def scan_module(tree: ast.Module) -> ModuleConfigs:
    """The configurations ``tree`` builds."""
    nodes = list(ast.walk(tree))  # one walk: the imports and the calls are read from it
    names = _parsl_names(nodes)
    if names is None:  # the module uses ``parsl.configs``: a configuration from a package
        return ModuleConfigs(frozenset(), 0, False)
    labels: set[str] = set()
    configs = 0
    literal = True
    imported = _imports(nodes)
    loaded_from: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.ClassDef) and any(_names(b, names) == "Config" for b in node.bases):
            literal = False  # a subclass of Config builds its executors its own way
        if _mutates_executors(node):
            literal = False
        if not isinstance(node, ast.Call):
            continue
        called = _names(node.func, names)
        if isinstance(node.func, ast.Attribute) and node.func.attr in _ADDS_EXECUTORS:
            literal = False
        if called == "Config":
            configs += 1
            found = _config_labels(node, names)
            if found is None:
                literal = False
            else:
                labels |= found
        elif called in _LOADERS:
            if not node.args and not node.keywords and called == "load":
                configs += 1  # ``parsl.load()``: the default configuration, one thread pool
                labels.add(DEFAULT_LABELS["ThreadPoolExecutor"])
            elif node.args:
                loaded_from.update(_sources(node.args[0], imported))
    return ModuleConfigs(frozenset(labels), configs, literal, frozenset(loaded_from))


#: Words a module's text holds when it may build, load, subclass or change a configuration
#: (an import spells what it imports): without any of them, it contributes nothing.
_CONFIG_WORDS = re.compile(r"Config|load|DataFlowKernel|configs|executors")


#: What each module text configures, by (module name, text): a run asks once per file that
#: pins labels, and the modules it reads (released after linting) would be parsed each time.
_SCANNED: dict[tuple[str, str], ModuleConfigs | None] = {}
_SCANNED_MAX = 4096


def scan_text(name: str, text: str) -> ModuleConfigs | None:
    """:func:`scan_module` of a module's text (None when it does not parse), remembered for
    as long as the text is the same."""
    key = (name, text)
    if key not in _SCANNED:
        if len(_SCANNED) >= _SCANNED_MAX:
            _SCANNED.clear()
        if not _CONFIG_WORDS.search(text):
            _SCANNED[key] = ModuleConfigs(frozenset(), 0, True)
            return _SCANNED[key]
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            _SCANNED[key] = None
        else:
            _SCANNED[key] = scan_module(tree)
    return _SCANNED[key]


def _parsl_names(nodes: list[ast.AST]) -> dict[str, str] | None:
    """Names the module binds to Parsl objects or modules: bound name -> Parsl's name
    (``"parsl"`` for a Parsl module). None when it imports ``parsl.configs``."""
    names: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("parsl.configs") or (
                node.module == "parsl" and any(a.name == "configs" for a in node.names)
            ):
                return None
            if node.module.split(".")[0] == "parsl":
                for alias in node.names:
                    names[alias.asname or alias.name] = alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("parsl.configs"):
                    return None
                if alias.name.split(".")[0] == "parsl":
                    names[alias.asname or alias.name.split(".")[0]] = "parsl"
        elif isinstance(node, ast.Attribute) and node.attr == "configs":
            if isinstance(node.value, ast.Name) and names.get(node.value.id) == "parsl":
                return None
    return names


def _names(func: ast.expr, names: dict[str, str]) -> str | None:
    """The Parsl name a callee spells (``Config``, ``load``, ``ThreadPoolExecutor``), if any."""
    if isinstance(func, ast.Name):
        found = names.get(func.id)
        return found if found != "parsl" else None
    if isinstance(func, ast.Attribute):
        root = func.value
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and names.get(root.id) == "parsl":
            return func.attr
    return None


def _config_labels(call: ast.Call, names: dict[str, str]) -> frozenset[str] | None:
    """The labels of a ``Config(...)`` call's executors; None unless all are literal."""
    if any(kw.arg is None for kw in call.keywords):
        return None  # Config(**settings)
    executors: ast.expr | None = call.args[0] if call.args else None
    for kw in call.keywords:
        if kw.arg == "executors":
            executors = kw.value
    if executors is None:
        return frozenset({DEFAULT_LABELS["ThreadPoolExecutor"]})
    if not isinstance(executors, (ast.List, ast.Tuple)):
        return None
    labels: set[str] = set()
    for element in executors.elts:
        label = _executor_label(element, names)
        if label is None:
            return None
        labels.add(label)
    return frozenset(labels)


def _executor_label(node: ast.expr, names: dict[str, str]) -> str | None:
    if not isinstance(node, ast.Call):
        return None
    cls = _names(node.func, names)
    if cls is None or not cls.endswith("Executor"):
        return None
    if any(kw.arg is None for kw in node.keywords):
        return None
    for kw in node.keywords:
        if kw.arg == "label":
            value = kw.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
            return None
    if node.args:
        return None  # the label given positionally (or not): do not guess
    return DEFAULT_LABELS.get(cls)


def _mutates_executors(node: ast.AST) -> bool:
    """``config.executors = ...``, ``config.executors += ...``, ``config.executors.append(...)``."""
    targets: list[ast.expr] = []
    if isinstance(node, ast.Assign):
        targets = node.targets
    elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
        targets = [node.target]
    elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        if node.func.attr in _LIST_MUTATORS:
            targets = [node.func.value]
    return any(isinstance(t, ast.Attribute) and t.attr == "executors" for t in targets)


def _imports(nodes: list[ast.AST]) -> dict[str, str]:
    """Names the module imports from absolute modules other than Parsl: name -> module."""
    out: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "parsl":
                out.update((a.asname or a.name, node.module) for a in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] != "parsl":
                    out[alias.asname or alias.name.split(".")[0]] = alias.name
    return out


def _sources(arg: ast.expr, imported: dict[str, str]) -> set[str]:
    """The imported modules the configuration handed to Parsl is read from."""
    return {imported[n.id] for n in ast.walk(arg) if isinstance(n, ast.Name) and n.id in imported}
