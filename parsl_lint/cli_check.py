"""``check``'s ruff modes: ``--fix`` (with ``--show-fixes``), ``--diff``, ``--statistics`` and
``--add-noqa``. Each runs on the session the command built and ends the process with ruff's
exit status."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

import click

from parsl_lint.cli_options import Options
from parsl_lint.ftypes import Diagnostic

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _errors_exit(errors: Sequence[str]) -> None:
    for error in errors:
        click.echo(f"parsl-lint: error: {error}", err=True)
    if errors:
        sys.exit(EXIT_ERROR)


def run_fix(
    session: Any, opts: Options, *, write: bool, unsafe: bool, show_fixes: bool, color: bool
) -> None:
    """``check --fix``: apply the fixes (the engine of ``parsl-lint fix --write``), then report
    what remains, as ruff does; ``check --diff``: print the fixes as a diff, change nothing."""
    from parsl_lint.report_text import text_summary, write_show_fixes
    from parsl_lint.reporters import report

    outcome = session.fix(write=write, unsafe=unsafe)
    for warning in outcome.warnings:
        click.echo(f"parsl-lint: warning: {warning}", err=True)
    out = sys.stdout
    if not write:
        for diff in outcome.diffs:
            out.write(diff)
        if not opts.quiet:
            count = outcome.applied
            click.echo(f"Would fix {count} error{'s' if count != 1 else ''}.", err=True)
        _errors_exit(outcome.errors)
        sys.exit(EXIT_FOUND if outcome.would_change and not opts.exit_zero else EXIT_OK)
    stdin = outcome.stdin_text is not None
    if stdin:  # the fixed source goes to standard output, the findings to standard error
        out.write(outcome.stdin_text)
        out = sys.stderr
    report(
        outcome.remaining,
        opts.fmt,
        out,
        files_checked=outcome.files_checked,
        quiet=True,
        rule_summaries=session.rule_summaries(),
        color=color and not stdin,
        unsafe=unsafe,
    )
    if opts.fmt in ("full", "concise") and not opts.quiet:
        if show_fixes:
            names = {d.code: d.name for d in outcome.remaining}
            from parsl_lint.rules import all_rules

            names.update({code: rule.name for code, rule in all_rules().items()})
            write_show_fixes(outcome.fixed_codes, names, out)
        summary = text_summary(outcome.remaining, unsafe=unsafe, fixed=outcome.applied)
        out.write(summary + "\n")
    _errors_exit(outcome.errors)
    sys.exit(EXIT_FOUND if outcome.remaining and not opts.exit_zero else EXIT_OK)


def print_statistics(diagnostics: Sequence[Diagnostic], opts: Options, *, unsafe: bool) -> None:
    """``--statistics``: one row per rule, most frequent first (JSON with ``json``)."""
    from parsl_lint.report_text import write_statistics

    if opts.fmt in ("json", "json-lines"):
        counts: dict[str, dict[str, Any]] = {}
        for d in diagnostics:
            row = counts.setdefault(
                d.code, {"code": d.code, "name": d.name, "count": 0, "fixable": False}
            )
            row["count"] += 1
            row["fixable"] = row["fixable"] or d.fix is not None
        rows = sorted(counts.values(), key=lambda r: (-r["count"], r["code"]))
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    write_statistics(diagnostics, sys.stdout, unsafe=unsafe, summary=not opts.quiet)


def run_add_noqa(outcome: Any) -> None:
    """``--add-noqa``: every reported line gets a ``# noqa`` for what it reported."""
    from parsl_lint.add_noqa import add_noqa

    added = add_noqa(outcome.diagnostics)
    count = added.added
    click.echo(f"Added {count} noqa directive{'s' if count != 1 else ''}.", err=True)
    _errors_exit([*outcome.errors, *added.errors])
    sys.exit(EXIT_OK)
