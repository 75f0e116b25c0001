"""``parsl-lint postmortem``: explain a finished (or interrupted) Parsl run from its records.

The package owns reading a run directory after the fact, without Parsl running:

* :mod:`.logparse` reads ``parsl.log`` as a stream (flat memory) into tasks;
* :mod:`.monitoring` reads ``monitoring.db`` with the standard library's sqlite3;
* :mod:`.analysis` finds every failed task's root tasks and groups identical root causes;
* :mod:`.workerlogs` reads the HTEX worker, manager and interchange logs and the block's
  submit-script output about a task;
* :mod:`.tbtext` trims logged tracebacks as the runtime helper trims live ones;
* :mod:`.render` prints the result as text or JSON.

Hints are worded by :func:`parsl_lint.runtime.failure_hint`, so a post-mortem and the runtime
helper explain a failure the same way. Nothing here imports libcst or Parsl.
"""

from __future__ import annotations

from parsl_lint.postmortem.analysis import Analysis, RunDirError, analyse, resolve_run_dir
from parsl_lint.postmortem.logparse import WRITTEN_FOR

__all__ = ["WRITTEN_FOR", "Analysis", "RunDirError", "analyse", "resolve_run_dir"]
