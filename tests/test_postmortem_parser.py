"""The parsl.log reader on logs that are cut short, hold several DFK starts, or have lines it
does not know; the inputs are real logs of the session's runs (see postmortem_runs), changed."""

from __future__ import annotations

import io
from pathlib import Path

from click.testing import CliRunner

from parsl_lint.cli import main
from parsl_lint.postmortem import WRITTEN_FOR, analyse
from parsl_lint.postmortem.analysis import likely_oom
from parsl_lint.postmortem.logparse import parse_log
from parsl_lint.postmortem.model import Failure, Memory, Task


def threads_log(runs: dict[str, Path], number: str = "000") -> bytes:
    return (runs["threads"] / "runinfo" / number / "parsl.log").read_bytes()


def run_dir_with(tmp_path: Path, data: bytes) -> Path:
    run = tmp_path / "000"
    run.mkdir()
    (run / "parsl.log").write_bytes(data)
    return run


def text_report(run: Path) -> str:
    return CliRunner().invoke(main, ["postmortem", str(run)]).stdout


def test_log_cut_mid_line(runs, tmp_path):
    data = threads_log(runs)
    cut = data.index(b"Task 7 changing state from launched to failed")
    (tmp_path / "whole").mkdir()
    whole = analyse(str(run_dir_with(tmp_path / "whole", data)))
    run_dir = run_dir_with(tmp_path, data[: cut + 10])
    analysis = analyse(str(run_dir))
    assert analysis.log.cut_mid_line and analysis.log.unrecognised == 0
    # What was logged before the cut is still explained: a failed task all of whose lines,
    # and its roots', come before it. Which of them the worker threads logged before task
    # 7's state change varies from run to run.
    explained = [
        task
        for task, roots in whole.roots.items()
        if roots and all(data.rfind(b"Task %d " % t) in range(cut) for t in (task, *roots))
    ]
    assert explained
    assert all(analysis.roots[task] == whole.roots[task] for task in explained)
    assert analysis.tasks[7].state == "launched" and not analysis.tasks[7].finished
    report = text_report(run_dir)
    assert "parsl.log ends in the middle of a line: it is still being written" in report
    assert "The run did not finish" in report
    assert "task 7 (simulate): launched" in report


def test_log_cut_inside_a_traceback(runs):
    data = threads_log(runs)
    start = data.index(b"Task 3 failed after 0 retry attempts")
    cut = data.index(b'  File "', start)  # inside the traceback, before its exception line
    run, report = parse_log(io.BytesIO(data[:cut]))
    assert report.ends_in_traceback
    assert run.tasks[3].state == "launched" and run.tasks[3].failure is None
    assert run.tasks[3].try_errors == ["ValueError"]  # the try's line came before the cut


def test_several_dfk_starts_in_one_log(runs, tmp_path):
    first, second = threads_log(runs, "000"), threads_log(runs, "001")
    run_dir = run_dir_with(tmp_path, first + second)
    analysis = analyse(str(run_dir))
    first_id = parse_log(io.BytesIO(first))[0].run_id
    second_id = parse_log(io.BytesIO(second))[0].run_id
    assert analysis.log.dfk_starts == [first_id, second_id]
    assert analysis.run.run_id == second_id and len(analysis.tasks) == 9  # the last start
    assert f"parsl.log holds 2 DFK starts (run ids {first_id}, {second_id})" in text_report(run_dir)
    chosen = analyse(str(run_dir), run_id=first_id)
    assert chosen.run.run_id == first_id and len(chosen.tasks) == 13
    assert chosen.roots[6] == (3, 4)


def test_unrecognised_lines_are_counted_and_quoted_not_fatal(runs, tmp_path):
    data = threads_log(runs)
    header = data[: data.index(b"Task 0 submitted for App")]
    header = header[header.rindex(b"\n") + 1 :]  # the header columns of a real dflow line
    new_line = header + b"Task 0 was weighed and found wanting\n"
    odd = b"1796440967.1 2026-12-05 03:22:47 not the layout Parsl writes\n"
    at = data.index(b"\n", data.index(b"Task 0 submitted for App")) + 1
    run_dir = run_dir_with(tmp_path, data[:at] + new_line + odd + data[at:])
    analysis = analyse(str(run_dir))
    assert analysis.log.unrecognised == 2
    assert analysis.log.unrecognised_examples[0].endswith("Task 0 was weighed and found wanting")
    assert analysis.roots[6] == (3, 4) and len(analysis.causes) == 3
    report = text_report(run_dir)
    assert "2 lines of parsl.log not recognised (this reader was written for Parsl" in report


def test_a_file_that_is_not_a_parsl_log(tmp_path):
    run_dir = run_dir_with(tmp_path, b"hello\nworld\n")
    result = CliRunner().invoke(main, ["postmortem", str(run_dir)])
    assert result.exit_code == 2
    assert "no line is in the layout Parsl writes" in result.stderr


def lost(percent: float | None, peak: float, total: float | None, kind: str = "WorkerLost"):
    task = Task(1)
    task.failure = Failure(f"parsl.executors.high_throughput.errors.{kind}", "lost", "")
    task.memory = Memory(peak, percent, peak, total)
    return task


def test_likely_out_of_memory_kill_is_named_only_for_a_lost_worker_near_its_limit():
    gib = 1024**3
    assert likely_oom(lost(92.0, 29 * gib, 32 * gib), None)
    assert not likely_oom(lost(3.0, 1 * gib, 32 * gib), None)
    assert likely_oom(lost(None, 3.9 * gib, None), mem_per_worker_gb=4)  # over its share
    assert not likely_oom(lost(92.0, 29 * gib, 32 * gib, kind="BadStateException"), None)


def test_a_log_of_another_parsl_version_is_named(runs, tmp_path):
    data = threads_log(runs)
    at = data.index(b"Parsl version: ") + len(b"Parsl version: ")
    end = data.index(b"\n", at)
    run_dir = run_dir_with(tmp_path, data[:at] + b"2027.01.05" + data[end:])
    report = text_report(run_dir)
    assert (
        "parsl.log was written by Parsl 2027.01.05; this reader was written for Parsl "
        f"{WRITTEN_FOR}. Every line was recognised" in report
    )
    assert "13 tasks: 1 exec_done, 8 failed, 4 dep_fail" in report
