"""The project implements the interface the evaluator asks it through."""

from __future__ import annotations

import inspect

from parsl_lint.model.interface import ProjectView
from parsl_lint.model.project import Project


def _members(cls: type) -> dict[str, object]:
    return {
        name: value
        for name, value in vars(cls).items()
        if not name.startswith("_") and (callable(value) or isinstance(value, property))
    }


def test_project_has_every_member_of_the_project_view_with_the_same_parameters() -> None:
    wanted = _members(ProjectView)
    assert {"symbol", "returns_of", "find_method", "modules"} <= wanted.keys()
    for name, member in wanted.items():
        assert hasattr(Project, name), f"Project lacks {name}"
        implemented = getattr(Project, name)
        if isinstance(member, property):
            assert isinstance(implemented, property), f"Project.{name} is not a property"
            continue
        expected = list(inspect.signature(member).parameters)  # type: ignore[arg-type]
        got = list(inspect.signature(implemented).parameters)
        assert got == expected, f"Project.{name}{got} is not ProjectView.{name}{expected}"
