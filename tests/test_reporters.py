"""Reporters: exact text, ruff's JSON fields, schema-valid SARIF and GitHub annotations."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

import parsl_lint
from parsl_lint.ftypes import Applicability, Diagnostic, Edit, Fix, Location, Snippet
from parsl_lint.reporters import FORMATS, report
from parsl_lint.rule import rule_url
from parsl_lint.rules import all_rules

FIXED = Diagnostic(
    code="PSL101",
    name="bare-result",
    message="`.result()` on a Parsl future hides the remote error; use `unwrap_parsl_future`",
    path="src/app.py",
    location=Location(12, 5),
    end_location=Location(12, 18),
    fix=Fix(
        message="Replace with `unwrap_parsl_future(fut, ...)`",
        edits=(Edit('unwrap_parsl_future(fut, "fut")', Location(12, 5), Location(12, 18)),),
        imports=(("parsl_lint.runtime", "unwrap_parsl_future"),),
    ),
    url="https://example.invalid/rules/bare-result",
    noqa_row=12,
)
UNFIXED = Diagnostic(
    code="PSL201",
    name="bad-decorator-kwarg",
    message="`executor=` is not a decorator keyword; use `executors=[...]`",
    path="src/we,ird:name.py",
    location=Location(3, 1),
    end_location=Location(4, 7),
)
UNSAFE = Diagnostic(
    code="PSL303",
    name="device-array-return",
    message="returns a device array 100% of the time\nconvert with `np.asarray`",
    path="pkg/dev ice.py",
    location=Location(1, 1),
    end_location=Location(1, 9),
    fix=Fix(
        message="Wrap in `np.asarray`",
        edits=(Edit("np.asarray(x)", Location(1, 8), Location(1, 9)),),
        applicability=Applicability.UNSAFE,
    ),
)
SYNTAX = Diagnostic(
    code="PSL000",
    name="syntax-error",
    message="cannot parse the file: invalid syntax",
    path="bad.py",
    location=Location(2, 4),
    end_location=Location(2, 4),
)
DIAGNOSTICS = [FIXED, UNFIXED]


def render(diagnostics: list[Diagnostic], fmt: str, **options: Any) -> str:
    stream = io.StringIO()
    report(diagnostics, fmt, stream, files_checked=options.pop("files_checked", 3), **options)
    return stream.getvalue()


# --------------------------------------------------------------------------- text


def test_concise_lines_and_summary() -> None:
    assert render(DIAGNOSTICS, "concise") == (
        "src/app.py:12:5: PSL101 [*] `.result()` on a Parsl future hides the remote error; "
        "use `unwrap_parsl_future`\n"
        "src/we,ird:name.py:3:1: PSL201 `executor=` is not a decorator keyword; "
        "use `executors=[...]`\n"
        "Found 2 errors.\n"
        "[*] 1 fixable with `--fix`.\n"
    )


@pytest.mark.parametrize(
    ("diagnostics", "options", "summary"),
    [
        pytest.param([], {}, ["All checks passed!"], id="none"),
        pytest.param([UNFIXED], {}, ["Found 1 error."], id="singular-no-fix"),
        pytest.param([FIXED], {}, ["Found 1 error.", "[*] 1 fixable with `--fix`."], id="one-fix"),
        pytest.param([FIXED, UNFIXED], {"fix_mode_note": False}, ["Found 2 errors."], id="no-note"),
        pytest.param(
            [UNSAFE, FIXED, UNFIXED],
            {},
            [
                "Found 3 errors.",
                "[*] 1 fixable with `--fix` (1 hidden fix can be enabled with the "
                "`--unsafe-fixes` option).",
            ],
            id="unsafe",
        ),
        pytest.param(
            [UNSAFE],
            {},
            [
                "Found 1 error.",
                "No fixes available (1 hidden fix can be enabled with the `--unsafe-fixes` "
                "option).",
            ],
            id="only-unsafe",
        ),
        pytest.param(
            [UNSAFE, FIXED],
            {"unsafe": True},
            ["Found 2 errors.", "[*] 2 fixable with `--fix`."],
            id="unsafe-fixes-on",
        ),
        pytest.param(
            [UNFIXED], {"fixed": 2}, ["Found 3 errors (2 fixed, 1 remaining)."], id="after-fix"
        ),
    ],
)
def test_text_summary(
    diagnostics: list[Diagnostic], options: dict[str, Any], summary: list[str]
) -> None:
    lines = render(diagnostics, "concise", **options).splitlines()
    assert len(lines) == len(diagnostics) + len(summary)
    assert lines[len(diagnostics) :] == summary


def test_text_quiet_has_no_summary() -> None:
    assert render([UNFIXED], "concise", quiet=True) == (
        "src/we,ird:name.py:3:1: PSL201 `executor=` is not a decorator keyword; "
        "use `executors=[...]`\n"
    )
    assert render([], "concise", quiet=True) == ""
    assert render([], "full", quiet=True) == ""


def test_unsafe_fix_is_marked_only_with_unsafe_fixes() -> None:
    assert render([UNSAFE], "concise", quiet=True).startswith("pkg/dev ice.py:1:1: PSL303 ")
    assert render([UNSAFE], "concise", quiet=True, unsafe=True).startswith(
        "pkg/dev ice.py:1:1: PSL303 [*] "
    )


SNIPPED = dataclasses.replace(
    FIXED,
    snippet=Snippet(10, ("def f(fut):", "    # wait", "    x = fut.result()", "    return x")),
)


def test_full_shows_the_line_carets_and_fix_title() -> None:
    assert render([SNIPPED, UNSAFE], "full") == (
        "PSL101 [*] `.result()` on a Parsl future hides the remote error; "
        "use `unwrap_parsl_future`\n"
        "  --> src/app.py:12:5\n"
        "   |\n"
        "10 | def f(fut):\n"
        "11 |     # wait\n"
        "12 |     x = fut.result()\n"
        "   |     ^^^^^^^^^^^^^\n"
        "13 |     return x\n"
        "   |\n"
        "help: Replace with `unwrap_parsl_future(fut, ...)`\n"
        "\n"
        "PSL303 returns a device array 100% of the time convert with `np.asarray`\n"
        " --> pkg/dev ice.py:1:1\n"
        "help: Wrap in `np.asarray`\n"
        "note: This is an unsafe fix and may change runtime behavior\n"
        "\n"
        "Found 2 errors.\n"
        "[*] 1 fixable with `--fix` (1 hidden fix can be enabled with the `--unsafe-fixes` "
        "option).\n"
    )


def test_full_with_tabs_and_a_multiline_range() -> None:
    d = dataclasses.replace(
        UNFIXED,
        location=Location(3, 2),
        end_location=Location(4, 3),
        snippet=Snippet(3, ("\tcall(", "\t  x)")),
    )
    lines = render([d], "full", quiet=True).splitlines()
    assert lines[3:6] == ["3 |     call(", "  |     ^^^^^", "4 |       x)"]


def test_colour_only_when_asked() -> None:
    plain = render([SNIPPED], "full")
    coloured = render([SNIPPED], "full", color=True)
    assert "\x1b[" not in plain and "\x1b[1m\x1b[91mPSL101\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain
    concise = render([SNIPPED], "concise", color=True)
    assert re.sub(r"\x1b\[[0-9;]*m", "", concise) == render([SNIPPED], "concise")


def test_text_is_the_old_name_of_full() -> None:
    assert render([SNIPPED], "text") == render([SNIPPED], "full")


# --------------------------------------------------------------------------- json


def test_json_fields_match_ruff() -> None:
    data = json.loads(render(DIAGNOSTICS + [UNSAFE], "json"))
    assert isinstance(data, list) and len(data) == 3
    keys = {
        "code",
        "name",
        "message",
        "filename",
        "location",
        "end_location",
        "fix",
        "url",
        "noqa_row",
    }
    assert all(set(item) == keys for item in data)
    fixed, unfixed, unsafe = data
    assert fixed == {
        "code": "PSL101",
        "name": "bare-result",
        "message": FIXED.message,
        "filename": "src/app.py",
        "location": {"row": 12, "column": 5},
        "end_location": {"row": 12, "column": 18},
        "fix": {
            "applicability": "safe",
            "message": "Replace with `unwrap_parsl_future(fut, ...)`",
            "edits": [
                {
                    "content": 'unwrap_parsl_future(fut, "fut")',
                    "location": {"row": 12, "column": 5},
                    "end_location": {"row": 12, "column": 18},
                }
            ],
        },
        "url": "https://example.invalid/rules/bare-result",
        "noqa_row": 12,
    }
    assert unfixed["fix"] is None and unfixed["noqa_row"] is None
    # Without a link of its own, a finding links to its rule's documentation page.
    assert unfixed["url"] == rule_url("PSL201")
    assert unfixed["filename"] == "src/we,ird:name.py"
    assert unfixed["end_location"] == {"row": 4, "column": 7}
    assert unsafe["fix"]["applicability"] == "unsafe"


def test_json_empty_is_empty_list() -> None:
    assert render([], "json") == "[]\n"


# --------------------------------------------------------------------------- sarif


@pytest.mark.parametrize(
    "diagnostics",
    [
        pytest.param([], id="empty"),
        pytest.param([FIXED], id="one-fix"),
        pytest.param([UNFIXED], id="no-fix-multiline"),
        pytest.param([SYNTAX, FIXED, FIXED, UNFIXED, UNSAFE], id="mixed"),
    ],
)
def test_sarif_is_schema_valid(sarif_validator: Any, diagnostics: list[Diagnostic]) -> None:
    log = json.loads(render(diagnostics, "sarif"))
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in sarif_validator.iter_errors(log)]
    assert errors == []
    assert len(log["runs"][0]["results"]) == len(diagnostics)


def test_sarif_validator_catches_errors(sarif_validator: Any) -> None:
    # The check above is meaningful: a broken log does not validate.
    log = json.loads(render([FIXED], "sarif"))
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    del log["version"]
    assert len(list(sarif_validator.iter_errors(log))) == 2


def test_sarif_content() -> None:
    log = json.loads(render([SYNTAX, FIXED, UNFIXED, UNSAFE], "sarif", files_checked=7))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "parsl-lint"
    assert driver["version"] == parsl_lint.__version__
    assert [rule["id"] for rule in driver["rules"]] == ["PSL000", "PSL101", "PSL201", "PSL303"]
    assert driver["rules"][1]["helpUri"] == "https://example.invalid/rules/bare-result"
    psl101 = all_rules()["PSL101"]
    assert driver["rules"][1]["shortDescription"] == {"text": psl101.summary}
    assert driver["rules"][1]["fullDescription"]["text"].startswith("Finds ")
    assert driver["rules"][1]["help"] == {
        "text": psl101.documentation(),
        "markdown": psl101.documentation(),
    }
    results = {r["ruleId"]: r for r in run["results"]}
    fixed = results["PSL101"]
    assert fixed["level"] == "error"
    assert driver["rules"][fixed["ruleIndex"]]["id"] == "PSL101"
    assert fixed["message"] == {"text": FIXED.message}
    location = fixed["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/app.py"}
    assert location["region"] == {"startLine": 12, "startColumn": 5, "endLine": 12, "endColumn": 18}
    replacement = fixed["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert replacement["insertedContent"] == {"text": 'unwrap_parsl_future(fut, "fut")'}
    assert "fixes" not in results["PSL201"]
    assert results["PSL303"]["locations"][0]["physicalLocation"]["artifactLocation"] == {
        "uri": "pkg/dev%20ice.py"
    }
    assert run["properties"] == {"filesChecked": 7}


def test_sarif_rule_summaries() -> None:
    stream = io.StringIO()
    report([FIXED], "sarif", stream, files_checked=1, rule_summaries={"PSL101": "Bare result"})
    rule = json.loads(stream.getvalue())["runs"][0]["tool"]["driver"]["rules"][0]
    assert rule["shortDescription"] == {"text": "Bare result"}


def test_sarif_absolute_paths_become_relative(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    inside = dataclasses.replace(UNFIXED, path=str(tmp_path / "src" / "x.py"))
    log = json.loads(render([inside], "sarif"))
    location = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "src/x.py"}


# --------------------------------------------------------------------------- github


def test_github_workflow_commands() -> None:
    assert render([FIXED, UNFIXED, UNSAFE], "github").splitlines() == [
        "::error file=src/app.py,line=12,col=5,endLine=12,endColumn=18,title=PSL101"
        f"::PSL101 {FIXED.message}",
        "::error file=src/we%2Cird%3Aname.py,line=3,col=1,endLine=4,"
        f"endColumn=7,title=PSL201::PSL201 {UNFIXED.message}",
        "::error file=pkg/dev ice.py,line=1,col=1,endLine=1,endColumn=9,title=PSL303"
        "::PSL303 returns a device array 100%25 of the time%0Aconvert with `np.asarray`",
    ]


def test_github_no_diagnostics_prints_nothing() -> None:
    assert render([], "github") == ""


# --------------------------------------------------------------------------- dispatch


def test_every_format_renders() -> None:
    assert FORMATS == (
        "full",
        "concise",
        "json",
        "json-lines",
        "sarif",
        "github",
        "gitlab",
        "junit",
        "pylint",
    )
    for fmt in FORMATS:
        assert render(DIAGNOSTICS, fmt).endswith("\n")


def test_unknown_format() -> None:
    with pytest.raises(ValueError, match="xml"):
        render(DIAGNOSTICS, "xml")


def test_text_message_newlines_are_joined() -> None:
    assert render([UNSAFE], "concise", quiet=True) == (
        "pkg/dev ice.py:1:1: PSL303 returns a device array 100% of the time "
        "convert with `np.asarray`\n"
    )
