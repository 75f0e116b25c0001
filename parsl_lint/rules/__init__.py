"""The rule registry: every module in this package defines one rule and is imported here."""

from __future__ import annotations

import importlib
import pkgutil

from parsl_lint.rule import Rule


def all_rules() -> dict[str, type[Rule]]:
    """Every registered rule, by code, in code order."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
    return dict(sorted(Rule.registry.items()))


def defaults() -> dict[str, bool]:
    """Every rule code mapped to whether it is on by default."""
    return {code: rule.default_enabled for code, rule in all_rules().items()}
