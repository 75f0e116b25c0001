"""Fixtures shared by the tests: the runtime helper's log capture, the output-format schemas
and the post-mortem's Parsl runs."""

from __future__ import annotations

import json
import logging
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable

import pytest

LOGGER = "parsl_lint.runtime"


@pytest.fixture
def log_text(caplog: pytest.LogCaptureFixture) -> Callable[[], list[str]]:
    """Call it to get the messages the helper logged, one string per record."""
    caplog.set_level(logging.ERROR, logger=LOGGER)

    def messages() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == LOGGER]

    return messages


DATA = Path(__file__).resolve().parent / "data"


def _validator(name: str) -> Any:
    import jsonschema

    schema = json.loads((DATA / name).read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="session")
def sarif_validator() -> Any:
    """The official SARIF 2.1.0 schema (vendored in tests/data), as a Draft 4 validator."""
    validator = _validator("sarif-schema-2.1.0.json")
    assert validator.schema["$schema"].startswith("http://json-schema.org/draft-04/schema")
    return validator


@pytest.fixture(scope="session")
def gitlab_validator() -> Any:
    """GitLab's Code Quality report, as its documentation defines the fields."""
    return _validator("gitlab-code-quality.schema.json")


def schema_errors(validator: Any, instance: Any) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]


@pytest.fixture(scope="session")
def runs() -> Iterator[dict[str, Path]]:
    """Real Parsl runs to explain (see postmortem_runs), made once per session."""
    from postmortem_runs import make_runs

    # A directory of its own rather than pytest's basetemp: other pytest sessions of the same
    # user prune old basetemps, which must not happen under a run that is still going.
    with tempfile.TemporaryDirectory(prefix="parsl-lint-postmortem-") as base:
        yield make_runs(Path(base))
