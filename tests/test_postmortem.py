"""``parsl-lint postmortem`` on real Parsl runs (made once per session by postmortem_runs).

The runs: ``threads`` holds two DFKs (run 000: a three-deep chain, a fan-in with two failed
parents, a bash app exiting 3, four more failures of the same app; run 001: retries=2);
``htex`` and ``htex_monitoring`` are the same HTEX workflow (a worker killed mid-task, an
argument that cannot be pickled, a task blocked by the lost one) without and with
monitoring; ``interrupted`` exits without cleanup() while tasks are running and pending.
"""

from __future__ import annotations

import json
import platform
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest
from click.testing import CliRunner

from parsl_lint.cli import main
from parsl_lint.postmortem import WRITTEN_FOR, analyse
from parsl_lint.postmortem.analysis import root_paths

ROOT_CAUSE_FIELDS = {
    "id", "app", "exception_type", "message", "messages", "where", "count", "tasks",
    "blocked_count", "blocked", "retries_used", "traceback", "hint_kind", "hint",
}  # fmt: skip
TASK_FIELDS = {
    "id", "app", "executor", "depends", "state", "finished", "tries", "try_exceptions",
    "executor_task_ids", "duration_s", "exception", "root_cause", "root_tasks", "bash", "host",
    "block", "memory", "worker_logs", "sources", "disagreements", "joins",
}  # fmt: skip


def postmortem(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["postmortem", *args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def as_json(*args: str) -> dict:
    code, out, _ = postmortem(*args, "--format", "json")
    assert code in (0, 1)
    return json.loads(out)


# --- the first screen ----------------------------------------------------------------------


def test_first_screen_says_what_went_wrong(runs):
    code, out, _ = postmortem(str(runs["threads"] / "runinfo" / "000"))
    assert code == 1
    lines = out.splitlines()
    assert lines[1] == "13 tasks: 1 exec_done, 8 failed, 4 dep_fail"
    assert lines[2] == "3 root causes, 4 tasks blocked by them:"
    assert lines[3] == (
        "  1. FileNotFoundError in load: 6 tasks (0, 4, 8, 9, 10, 11), blocked 4 (1, 2, 5, 6)"
    )
    assert lines[5].startswith("  2. ValueError in parse: 1 task (3), blocked 2 (5, 6)")
    assert lines[7] == "  3. BashExitFailure in simulate: 1 task (7)"


def test_identical_root_causes_are_shown_once_with_count_and_ids(runs):
    doc = as_json(str(runs["threads"] / "runinfo" / "000"))
    load = next(c for c in doc["root_causes"] if c["app"] == "load")
    assert load["count"] == 6 and load["tasks"] == [0, 4, 8, 9, 10, 11]
    assert load["exception_type"] == "FileNotFoundError"
    assert load["where"].endswith("pm_apps.py:7")
    assert len(load["messages"]) == 3  # the first few distinct ones, each with its count
    assert load["messages"][0] == {
        "message": "[Errno 2] No such file or directory: 'inputs/missing.csv'",
        "count": 1,
    }
    assert "with open(path) as fh:" in load["traceback"]


# --- chains and fan-in ---------------------------------------------------------------------


def test_three_deep_chain_reaches_its_root(runs):
    analysis = analyse(str(runs["threads"] / "runinfo" / "000"))
    assert [analysis.tasks[t].state for t in (0, 1, 2)] == ["failed", "dep_fail", "dep_fail"]
    assert analysis.roots[2] == (0,)
    assert root_paths(analysis, 2) == [[2, 1, 0]]
    code, out, _ = postmortem(str(runs["threads"] / "runinfo" / "000"), "--task", "2")
    assert code == 1
    assert (
        "    1. task 2 (fit) <- task 1 (clean) <- task 0 (load): FileNotFoundError: "
        "[Errno 2] No such file or directory: 'inputs/missing.csv'" in out.splitlines()
    )
    assert "    with open(path) as fh:" in out


def test_fan_in_lists_every_failed_parent(runs):
    doc = as_json(str(runs["threads"] / "runinfo" / "000"))
    tasks = {t["id"]: t for t in doc["tasks"]}
    assert tasks[5]["app"] == "merge" and tasks[5]["depends"] == [3, 4]
    assert tasks[5]["root_tasks"] == [3, 4]
    assert tasks[6]["root_tasks"] == [3, 4]  # through the fan-in, one level further
    code, out, _ = postmortem(str(runs["threads"] / "runinfo" / "000"), "--task", "6")
    assert "  2 failed root tasks caused this:" in out
    assert "task 6 (ok) <- task 5 (merge) <- task 3 (parse): ValueError" in out
    assert "task 6 (ok) <- task 5 (merge) <- task 4 (load): FileNotFoundError" in out


# --- retries -------------------------------------------------------------------------------


def test_retries_are_counted_and_the_newest_run_is_read(runs):
    doc = as_json(str(runs["threads"] / "runinfo"))  # a directory of numbered runs
    assert doc["run_dir"].endswith("001")
    tasks = {t["id"]: t for t in doc["tasks"]}
    assert tasks[0]["tries"] == 3 and tasks[0]["try_exceptions"] == ["RuntimeError"] * 3
    assert tasks[0]["state"] == "failed"
    assert tasks[1]["state"] == "exec_done" and tasks[1]["tries"] == 3
    assert tasks[1]["try_exceptions"] == ["ValueError", "ValueError"]
    cause = doc["root_causes"][0]
    assert cause["app"] == "always_fails" and cause["tasks"][0] == 0
    assert cause["retries_used"] == 2 * len(cause["tasks"])
    assert cause["blocked"][0] == 2


def test_a_join_app_is_explained_by_the_tasks_it_joined(runs):
    doc = as_json(str(runs["threads"] / "runinfo"))
    tasks = {t["id"]: t for t in doc["tasks"]}
    (outer,) = [t for t in tasks.values() if t["app"] == "gather"]
    inner_failed = sorted(j for j in outer["joins"] if tasks[j]["state"] == "failed")
    assert len(outer["joins"]) == 4 and len(inner_failed) == 2
    assert all(tasks[j]["app"] == "always_fails" for j in inner_failed)
    assert outer["state"] == "failed" and outer["root_tasks"] == inner_failed
    (after,) = [t for t in tasks.values() if t["depends"] == [outer["id"]]]
    assert after["state"] == "dep_fail" and after["root_tasks"] == inner_failed
    cause = doc["root_causes"][0]
    assert cause["tasks"] == [0, *inner_failed]  # the same error, from the same line
    assert outer["id"] in cause["blocked"] and after["id"] in cause["blocked"]
    _, text, _ = postmortem(str(runs["threads"] / "runinfo"), "--task", str(outer["id"]))
    assert f"  its failure blocked 1 task: {after['id']} (ok)" in text
    assert "  2 failed root tasks caused this:" in text


# --- bash apps -----------------------------------------------------------------------------


def test_bash_app_exit_code_paths_and_tails(runs):
    run = runs["threads"] / "runinfo" / "000"
    code, out, _ = postmortem(str(run), "--tail", "3")
    assert "Bash app 'simulate' (task 7) exited with code 3." in out
    stdout = run / "task_logs" / "0000" / "task_0007_simulate.stdout"
    assert f"stdout: {stdout} (last 3 lines):\n  | step 28 of 30\n  | step 29 of 30\n" in out
    assert "  | cannot open mesh.dat" in out
    task = next(t for t in as_json(str(run))["tasks"] if t["id"] == 7)
    assert task["bash"]["exit_code"] == 3 and task["bash"]["stdout"]["readable"] is True


def test_bash_output_file_gone_is_said(runs, tmp_path):
    copy = tmp_path / "000"
    shutil.copytree(runs["threads"] / "runinfo" / "000", copy)
    (copy / "task_logs" / "0000" / "task_0007_simulate.stdout").unlink()
    # the log names the original paths; remove them from the copy's log's point of view
    log = copy / "parsl.log"
    log.write_text(log.read_text().replace(str(runs["threads"] / "runinfo" / "000"), str(copy)))
    _, out, _ = postmortem(str(copy))
    assert (
        "task_0007_simulate.stdout (not readable from here: No such file or directory; if the "
        "task ran on another host, the file is on that host)" in out
    )


# --- worker side (HTEX) --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["htex", "htex_monitoring"])
def test_worker_lost_shows_the_worker_logs_and_a_hint(runs, name):
    doc = as_json(str(runs[name] / "runinfo"))
    lost = next(c for c in doc["root_causes"] if c["app"] == "die")
    assert lost["exception_type"].endswith("WorkerLost") and lost["blocked"] == [3]
    assert lost["hint_kind"] == "lost"
    assert lost["hint"].startswith("The worker process died without raising a Python exception")
    task = next(t for t in doc["tasks"] if t["id"] == 1)
    (eid,) = task["executor_task_ids"]
    lines = [line for e in task["worker_logs"]["excerpts"] for line in e["lines"]]
    assert any(line.endswith(f"INFO: Received executor task {eid}") for line in lines)
    assert any("ERROR: Worker" in line and "has died" in line for line in lines)
    paths = [e["path"] for e in task["worker_logs"]["excerpts"]]
    assert any(p.endswith(".sh.out") for p in paths) and any(p.endswith(".sh.err") for p in paths)


def test_unserializable_argument(runs):
    code, out, _ = postmortem(str(runs["htex"] / "runinfo"))
    assert code == 1
    assert "SerializationError in echo: 1 task (2)" in out
    assert "TypeError: cannot pickle 'generator' object" in out
    assert (
        "Hint: Parsl could not pickle the arguments of 'echo' to send them to a worker "
        "(TypeError: cannot pickle 'generator' object)." in out
    )
    assert "worker logs: the task never reached a worker" in out


def test_monitoring_on_and_off_agree_and_monitoring_adds_host_and_memory(runs):
    off = as_json(str(runs["htex"] / "runinfo"))
    on = as_json(str(runs["htex_monitoring"] / "runinfo"))
    assert off["monitoring_db"] is None and not off["monitoring_used"]
    assert on["monitoring_used"] and on["monitoring_db"].endswith("monitoring.db")
    assert on["summary"]["disagreeing_tasks"] == 0

    def shape(doc):
        causes = doc["root_causes"]
        return [(c["app"], c["exception_type"], c["tasks"], c["blocked"]) for c in causes]

    assert shape(on) == shape(off)
    on_tasks = {t["id"]: t for t in on["tasks"]}
    assert on_tasks[1]["host"] == platform.node() and on_tasks[1]["block"] == "0"
    assert on_tasks[0]["sources"] == ["parsl.log", "monitoring.db"]
    assert on_tasks[0]["memory"]["rss_bytes"] > 0
    assert on_tasks[0]["memory"]["likely_oom"] is False
    assert all(t["host"] is None for t in off["tasks"])
    _, text, _ = postmortem(str(runs["htex_monitoring"] / "runinfo"))
    assert text.splitlines()[0].endswith("read from parsl.log and " + on["monitoring_db"])
    assert "worker: ran on host " + platform.node() + ", block 0" in text


def test_name_error_on_a_worker(runs):
    doc = as_json(str(runs["htex"] / "runinfo"))
    cause = next(c for c in doc["root_causes"] if c["app"] == "uses_a_script_global")
    assert cause["exception_type"] == "NameError" and cause["hint_kind"] == "name-error"
    assert cause["message"] == "name 'undefined_helper' is not defined"
    line = _line_of(runs, "return undefined_helper()")
    assert cause["where"].endswith(f"pm_apps.py:{line}")
    task = next(t for t in doc["tasks"] if t["id"] == 4)
    (eid,) = task["executor_task_ids"]
    lines = [line for e in task["worker_logs"]["excerpts"] for line in e["lines"]]
    assert any(line.endswith(f"INFO: Received executor task {eid}") for line in lines)
    _, text, _ = postmortem(str(runs["htex"] / "runinfo"), "--task", "4")
    assert "Hint: A name used in the app body is not defined where the app runs." in text


def _line_of(runs, source: str) -> int:
    apps = (runs["htex"].parent / "pm_apps.py").read_text().splitlines()
    return next(i for i, line in enumerate(apps, 1) if source in line)


def test_log_and_monitoring_disagree_or_the_log_is_cut(runs, tmp_path):
    import sqlite3

    runinfo = tmp_path / "runinfo"
    shutil.copytree(runs["htex_monitoring"] / "runinfo", runinfo)
    db = sqlite3.connect(runinfo / "monitoring.db")
    with db:
        (run_id, last) = db.execute(
            "SELECT run_id, MAX(timestamp) FROM status WHERE task_id = 3"
        ).fetchone()
        db.execute("INSERT INTO status VALUES (3, 'failed', ?, ?, 0)", (last + "9", run_id))
    db.close()
    doc = as_json(str(runinfo))
    task = next(t for t in doc["tasks"] if t["id"] == 3)
    assert task["state"] == "dep_fail"
    used_log = {"parsl_log": "dep_fail", "monitoring_db": "failed", "used": "parsl.log"}
    assert task["disagreements"] == [{"field": "state", **used_log}]
    _, text, _ = postmortem(str(runinfo))
    assert (
        "parsl.log and monitoring.db disagree on 1 task; parsl.log is used (the DFK writes it "
        "as things happen; monitoring messages can be lost at the end of a run) unless it ends "
        "before the task did: task 3 state: dep_fail in parsl.log, failed in monitoring.db "
        "(used parsl.log)" in text
    )
    # A log cut before task 3 was submitted: the database fills it in, and says so.
    runinfo = tmp_path / "cut"
    shutil.copytree(runs["htex_monitoring"] / "runinfo", runinfo)
    log = runinfo / "000" / "parsl.log"
    data = log.read_bytes()
    log.write_bytes(data[: data.index(b"Task 3 will be sent to executor")])
    doc = as_json(str(runinfo))
    task = next(t for t in doc["tasks"] if t["id"] == 3)
    assert task["sources"] == ["monitoring.db"] and task["app"] == "ok"
    assert task["depends"] == [1] and task["root_tasks"] == [1]
    lost = next(t for t in doc["tasks"] if t["id"] == 1)  # the log ends before it failed
    assert lost["state"] == "failed" and lost["exception"]["type"] == "WorkerLost"
    (note,) = lost["disagreements"]
    assert note["field"] == "state" and note["parsl_log"] in ("pending", "launched")
    assert note["monitoring_db"] == "failed"
    assert lost["disagreements"][0]["used"] == "monitoring.db"


def test_failed_block_shows_the_blocks_own_output(runs):
    code, out, _ = postmortem(str(runs["failed_block"] / "runinfo"))
    assert code == 1
    assert out.splitlines()[3] == "  1. BadStateException in ok: 1 task (0)"
    assert "EXIT CODE: 3" in out.splitlines()[4]  # the message's lines, joined
    assert "the block's exit code: 3" in out
    assert "  | no such environment: /opt/missing/venv" in out
    assert "Hint: The executor's block (the batch job or local process running the workers)" in out
    task = as_json(str(runs["failed_block"] / "runinfo"))["tasks"][0]
    assert task["worker_logs"]["block_exit_code"] == "3"
    assert any(e["path"].endswith(".sh.err") for e in task["worker_logs"]["excerpts"])


# --- interrupted runs ----------------------------------------------------------------------


def test_interrupted_run_lists_what_never_finished(runs):
    code, out, _ = postmortem(str(runs["interrupted"] / "runinfo"))
    assert code == 0  # nothing failed
    assert "No task failed." in out
    assert "The run did not finish: parsl.log has no end of the DFK's cleanup" in out
    assert "3 tasks never finished (last state recorded):" in out
    assert "  task 1 (slow): launched, executor 'threads', tries 1" in out
    assert "  task 3 (ok): pending, executor 'threads', tries 0, waiting on 1" in out
    doc = as_json(str(runs["interrupted"] / "runinfo"))
    assert doc["run_finished"] is False and doc["summary"]["unfinished"] == 3


# --- the parser and the installed Parsl ----------------------------------------------------


def test_installed_parsl_logs_are_read_without_unrecognised_lines(runs):
    installed = version("parsl")
    for name in runs:
        for run in sorted((runs[name] / "runinfo").glob("[0-9]*")):
            analysis = analyse(str(run))
            assert analysis.run.parsl_version == installed
            assert analysis.log.unrecognised == 0, analysis.log.unrecognised_examples
            assert analysis.log.recognised > 0
    assert as_json(str(runs["htex"] / "runinfo"))["parser_written_for"] == WRITTEN_FOR


def test_json_field_names_are_stable(runs):
    for name in ("threads", "htex_monitoring"):
        doc = as_json(str(runs[name] / "runinfo"))
        assert all(set(c) == ROOT_CAUSE_FIELDS for c in doc["root_causes"])
        assert all(set(t) == TASK_FIELDS for t in doc["tasks"])


# --- usage ---------------------------------------------------------------------------------


def test_default_run_dir_is_runinfo_in_the_current_directory(runs, monkeypatch):
    monkeypatch.chdir(runs["threads"])
    code, out, _ = postmortem()
    assert code == 1 and out.startswith("Post-mortem of runinfo/001:")


def test_nothing_to_read_is_a_clear_error(tmp_path):
    code, out, err = postmortem(str(tmp_path / "nope"))
    assert code == 2 and out == "" and "no such directory" in err
    code, _, err = postmortem(str(tmp_path))
    assert code == 2
    assert "nothing to read: no parsl.log here and no numbered run directory" in err
    (tmp_path / "000").mkdir()
    (tmp_path / "000" / "parsl.log").write_text("")
    code, _, err = postmortem(str(tmp_path))
    assert code == 2 and "(the file is empty)" in err


def test_unknown_task_is_a_usage_error(runs):
    code, _, err = postmortem(str(runs["interrupted"] / "runinfo"), "--task", "99")
    assert code == 2 and "task 99 is not in" in err
    code, _, _ = postmortem(str(runs["interrupted"] / "runinfo"), "--task", "0")
    assert code == 0


# --- the README stays true -----------------------------------------------------------------


def _readme_section(title: str) -> str:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    start = readme.index(f"\n{title}\n")
    end = readme.find("\n#", start + len(title) + 2)
    return readme[start:end]


def test_readme_first_screen_is_what_the_run_prints(runs):
    section = _readme_section("### What it prints")
    shown = section.split("```text\n", 1)[1].split("```", 1)[0].splitlines()
    _, out, _ = postmortem(str(runs["threads"] / "runinfo" / "000"), "--tail", "3")
    assert shown[1:10] == out.splitlines()[1:10]  # past the header (run id, paths)


def test_readme_documents_every_json_field(runs):
    section = _readme_section("### JSON")
    doc = as_json(str(runs["htex_monitoring"] / "runinfo"))
    task = next(t for t in doc["tasks"] if t["id"] == 1)
    names = set(doc) | set(doc["log_notes"]) | set(doc["summary"]) | set(task)
    names |= set(task["memory"] or {}) | set(task["worker_logs"]) | ROOT_CAUSE_FIELDS
    missing = sorted(n for n in names if f"`{n}`" not in section and f"{n}`" not in section)
    assert missing == []
