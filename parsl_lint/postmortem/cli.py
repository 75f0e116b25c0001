"""The body of ``parsl-lint postmortem`` (the click command in :mod:`parsl_lint.cli` only
declares the options): read, explain, print, and choose the exit status."""

from __future__ import annotations

import sys

from parsl_lint.postmortem.analysis import RunDirError, analyse
from parsl_lint.postmortem.model import FAILED_STATES
from parsl_lint.postmortem.render import write_json, write_task_text, write_text

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def run_postmortem(
    run_dir: str, fmt: str, task_id: int | None, tail: int, run_id: str | None
) -> int:
    """Print the post-mortem of ``run_dir``; return 0 (no task failed), 1 or 2."""
    try:
        analysis = analyse(run_dir, run_id=run_id)
    except RunDirError as err:
        print(f"parsl-lint: error: {err}", file=sys.stderr)
        return EXIT_ERROR
    if task_id is not None and task_id not in analysis.tasks:
        print(
            f"parsl-lint: error: task {task_id} is not in {analysis.log_path} "
            f"(it holds {len(analysis.tasks)} tasks)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    out = sys.stdout
    if fmt == "json":
        write_json(analysis, out, tail, task_id)
    elif task_id is not None:
        write_task_text(analysis, task_id, out, tail)
    else:
        write_text(analysis, out, tail)
    if task_id is not None:
        return EXIT_FAILED if analysis.tasks[task_id].state in FAILED_STATES else EXIT_OK
    return EXIT_FAILED if analysis.failed else EXIT_OK
