"""One project through every machine-readable format, each checked against its definition:
SARIF 2.1.0 and GitLab's Code Quality report against JSON schemas, JUnit XML by its structure,
JSON, JSON Lines and pylint's line format by their fields. And colour: on a terminal (a real
pseudo-terminal), never when piped."""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from parsl_lint.rule import rule_url
from tests.conftest import schema_errors
from tests.test_cli import BARE, cli_runner, make_project

NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "source": [
                "from parsl import python_app\n",
                "@python_app\n",
                "def f(x):\n",
                "    return x\n",
                "f(1).result()\n",
            ],
        }
    ],
    "metadata": {"language_info": {"name": "python"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}
HANDLER = (
    "import logging\n\nfrom flow import train\n\nlog = logging.getLogger(__name__)\n\n"
    "try:\n    train(1).result()\nexcept Exception as e:\n    log.error('failed: %s', str(e))\n"
)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The same project in every format (5 findings: 3 files, one of them a notebook)."""
    root = make_project(
        tmp_path_factory.mktemp("formats"),
        {
            "flow.py": BARE + "again = train(2).result()\n",
            "handler.py": HANDLER,
            "nb.ipynb": json.dumps(NOTEBOOK, indent=1),
        },
    )
    out = {}
    cwd = os.getcwd()
    os.chdir(root)
    try:
        for fmt in ("json", "json-lines", "sarif", "gitlab", "junit", "pylint"):
            result = cli_runner().invoke(
                main_command(), ["check", "--no-cache", "--output-format", fmt, "."]
            )
            assert result.exit_code == 1, result.output
            out[fmt] = result.stdout
    finally:
        os.chdir(cwd)
    return out


def main_command() -> Any:
    from parsl_lint.cli import main

    return main


def test_json(outputs: dict[str, str]) -> None:
    items = json.loads(outputs["json"])
    assert [(i["filename"], i["code"]) for i in items] == [
        ("flow.py", "PSL101"),
        ("flow.py", "PSL101"),
        ("handler.py", "PSL101"),
        ("handler.py", "PSL102"),
        ("nb.ipynb", "PSL101"),
    ]
    for item in items:
        assert item["url"] == rule_url(item["code"])
        assert {"row", "column"} == set(item["location"]) == set(item["end_location"])


def test_json_lines_holds_the_json_objects(outputs: dict[str, str]) -> None:
    lines = outputs["json-lines"].splitlines()
    assert [json.loads(line) for line in lines] == json.loads(outputs["json"])


def test_sarif_against_the_schema(outputs: dict[str, str], sarif_validator: Any) -> None:
    log = json.loads(outputs["sarif"])
    assert schema_errors(sarif_validator, log) == []
    [run] = log["runs"]
    assert len(run["results"]) == 5
    for rule in run["tool"]["driver"]["rules"]:
        assert rule["helpUri"] == rule_url(rule["id"])
        assert rule["fullDescription"]["text"] and rule["help"]["markdown"].startswith("## ")
    notebook = [r for r in run["results"] if r["message"]["text"].startswith("cell 1")]
    row = json.dumps(NOTEBOOK, indent=1).splitlines().index('    "f(1).result()\\n"') + 1
    assert notebook[0]["locations"][0]["physicalLocation"]["region"] == {"startLine": row}


def test_gitlab_against_the_schema(outputs: dict[str, str], gitlab_validator: Any) -> None:
    report = json.loads(outputs["gitlab"])
    assert schema_errors(gitlab_validator, report) == []
    assert len(report) == 5
    fingerprints = [issue["fingerprint"] for issue in report]
    assert len(set(fingerprints)) == len(fingerprints)  # GitLab keys issues by fingerprint
    assert report[0]["location"] == {
        "path": "flow.py",
        "positions": {"begin": {"line": 10, "column": 9}, "end": {"line": 10, "column": 21}},
    }
    assert report[-1]["location"]["path"] == "nb.ipynb" and "lines" in report[-1]["location"]


def test_gitlab_schema_rejects_what_gitlab_would(gitlab_validator: Any) -> None:
    good = {
        "description": "d",
        "check_name": "PSL101",
        "fingerprint": "f",
        "severity": "major",
        "location": {"path": "a.py", "lines": {"begin": 1}},
    }
    assert schema_errors(gitlab_validator, [good]) == []
    for broken in (
        {**good, "severity": "error"},
        {k: v for k, v in good.items() if k != "fingerprint"},
        {**good, "location": {"path": "a.py"}},
        {**good, "location": {"path": "./a.py", "lines": {"begin": 1}}},
    ):
        assert schema_errors(gitlab_validator, [broken]), broken


def test_gitlab_paths_are_relative_to_the_ci_project_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path / "repo", {"sub/flow.py": BARE})
    monkeypatch.chdir(tmp_path / "repo" / "sub")
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path / "repo"))
    result = cli_runner().invoke(main_command(), ["check", "--output-format", "gitlab", "."])
    assert json.loads(result.stdout)[0]["location"]["path"] == "sub/flow.py"


def test_junit_structure(outputs: dict[str, str]) -> None:
    text = outputs["junit"]
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
    root = ET.fromstring(text.split("\n", 1)[1])
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "5", "0")
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == ["flow.py", "handler.py", "nb.ipynb"]
    for suite in suites:
        cases = suite.findall("testcase")
        assert suite.get("tests") == suite.get("failures") == str(len(cases))
        for case in cases:
            assert re.fullmatch(r"org\.parsl-lint\.PSL\d{3}", case.get("name", ""))
            assert int(case.get("line", "0")) >= 1
            [failure] = case.findall("failure")
            assert failure.get("message") and failure.text


def test_junit_clean_run_is_one_passing_case(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_project(tmp_path, {"ok.py": "import parsl\n"})
    monkeypatch.chdir(tmp_path)
    result = cli_runner().invoke(main_command(), ["check", "--output-format", "junit", "."])
    root = ET.fromstring(result.stdout.split("\n", 1)[1])
    assert root.get("failures") == "0"
    [case] = root.iter("testcase")
    assert case.find("failure") is None


def test_pylint_lines(outputs: dict[str, str]) -> None:
    lines = outputs["pylint"].splitlines()
    assert len(lines) == 5
    for line in lines:
        assert re.fullmatch(r"\S+:\d+: \[PSL\d{3}\] \S.*", line), line
    assert lines[0].startswith("flow.py:10: [PSL101] `fut.result()`")
    assert lines[-1].startswith("nb.ipynb:")
    assert "] cell 1, line 5, column 1: " in lines[-1]


# -- colour --------------------------------------------------------------------------------------


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    env.update(TERM="xterm", **extra)
    return env


def run_on_terminal(args: list[str], cwd: Path, env: dict[str, str]) -> tuple[int, bytes]:
    """Run with standard output on a pseudo-terminal; return the status and what it printed."""
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        args, cwd=cwd, env=env, stdout=follower, stderr=subprocess.DEVNULL, close_fds=True
    )
    os.close(follower)
    data = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 1.0)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the process is done
                break
            if not chunk:
                break
            data += chunk
    finally:
        os.close(leader)
        status = proc.wait(timeout=60)
    return status, data


@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX")
def test_colour_on_a_terminal_and_never_when_piped(tmp_path: Path) -> None:
    make_project(tmp_path, {"flow.py": BARE})
    command = [sys.executable, "-m", "parsl_lint", "check", "flow.py"]
    status, tty = run_on_terminal(command, tmp_path, _env())
    assert status == 1
    assert b"\x1b[1m\x1b[91mPSL101\x1b[0m" in tty and b"^^^^" in tty
    piped = subprocess.run(command, cwd=tmp_path, env=_env(), capture_output=True, timeout=60)
    assert piped.returncode == 1 and b"\x1b[" not in piped.stdout
    plain = re.sub(rb"\x1b\[[0-9;]*m", b"", tty).replace(b"\r\n", b"\n")
    assert plain == piped.stdout  # the same words, only styled
    _, no_color = run_on_terminal(command, tmp_path, _env(NO_COLOR="1"))
    assert b"\x1b[" not in no_color
    forced = subprocess.run(
        command, cwd=tmp_path, env=_env(FORCE_COLOR="1"), capture_output=True, timeout=60
    )
    assert b"\x1b[1m\x1b[91mPSL101\x1b[0m" in forced.stdout
    concise = [*command[:-1], "--output-format", "concise", "flow.py"]
    _, tty_concise = run_on_terminal(concise, tmp_path, _env())
    assert b"\x1b[" in tty_concise
