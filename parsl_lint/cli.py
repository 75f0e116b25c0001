"""The command line: ``parsl-lint check|fix|rules|rule|server|postmortem|vendor-helper``, exit
codes 0/1/2 as ruff's (an internal error is 2, with its traceback only under ``--verbose``).
The options of ``check`` and ``fix`` are in :mod:`parsl_lint.cli_options`, ``check``'s ruff
modes (``--fix``, ``--diff``, ``--statistics``, ``--add-noqa``) in :mod:`parsl_lint.cli_check`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from parsl_lint import ISSUES_URL, __version__
from parsl_lint.cli_options import (
    Options,
    check_mode_options,
    common_options,
    split_values,
)
from parsl_lint.snapshot import split_codes

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


#: ``--verbose``: an internal error prints its traceback too.
_VERBOSE = False


def _set_verbose(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    global _VERBOSE
    _VERBOSE = _VERBOSE or value


VERBOSE_OPTION = click.option(
    "--verbose",
    "-v",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_set_verbose,
    help="On an internal error, print the traceback too.",
)


class _Main(click.Group):
    """The command group; an exception that escapes a command is an internal error: one line
    saying so and where to report it, exit 2 (never 1, which CI reads as "findings"); the
    traceback only with ``--verbose``."""

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        global _VERBOSE
        _VERBOSE = False  # set again by the option's callback while the arguments are parsed
        return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        _tolerant_streams()
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:  # noqa: BLE001 - the last line of defence
            if _VERBOSE:
                import traceback

                traceback.print_exc(file=sys.stderr)
            where = "" if _VERBOSE else "; run again with --verbose for the traceback"
            click.echo(
                f"parsl-lint: error: internal error: {type(exc).__name__}: {exc} "
                f"(parsl-lint {__version__}; please report it at {ISSUES_URL}{where})",
                err=True,
            )
            sys.exit(EXIT_ERROR)


def _tolerant_streams() -> None:
    """A file name that is not UTF-8 (``\xff.py``) is printed as its own bytes, whatever the
    locale, instead of stopping the report with a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and getattr(stream, "errors", None) == "strict":
            try:
                reconfigure(errors="surrogateescape")
            except (ValueError, OSError):  # pragma: no cover - a closed or odd stream
                pass


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@VERBOSE_OPTION
@click.version_option(__version__, "--version", "-V", prog_name="parsl-lint")
def main() -> None:
    """Find the code that hides or causes Parsl worker failures, and fix it.

    \b
    Examples:
      parsl-lint check src/              report problems
      parsl-lint check --diff src/       show the fixes as a diff
      parsl-lint check --fix src/        apply them, report what remains
      parsl-lint rules                   list every rule
      parsl-lint rule PSL101             explain one rule
      parsl-lint server                  language server for editors (LSP)

    Exit status: 0 no problems, 1 problems found (or, for `--diff`, changes to make),
    2 usage, configuration or internal error.
    """


def _fail(message: str) -> None:
    click.echo(f"parsl-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _snapshot_key(opts: Options) -> str | None:
    """The key of this ``check`` run's snapshot; None when there is none (no cache, stdin,
    options the key does not describe)."""
    if opts.no_cache or opts.beyond_snapshot or any(str(p) == "-" for p in opts.paths):
        return None
    from parsl_lint.snapshot import check_key

    config = opts.config_file
    return check_key(
        [str(p) for p in opts.paths],
        select=opts.select,
        ignore=opts.ignore,
        extend_select=opts.extend_select,
        config=str(config) if config else None,
        cache_dir=str(opts.cache_dir) if opts.cache_dir else None,
        fmt=opts.fmt,
    )


def _stored_report(opts: Options, key: str, color: bool) -> tuple[str, int] | None:
    """The last identical run's report and diagnostic count, when nothing it read has
    changed since (else None)."""
    from parsl_lint.snapshot import lookup_roots, stored_report

    config = opts.config_file
    roots = lookup_roots(
        [str(p) for p in opts.paths],
        str(opts.cache_dir) if opts.cache_dir else None,
        str(config) if config else None,
    )
    return stored_report(key, roots, opts.fmt, opts.quiet, color)


def _session(opts: Options, import_edits: bool = False, snapshot_key: str | None = None) -> Any:
    from parsl_lint.session import FileOptions, Session, SessionError

    config = opts.config_file
    if config is not None and not config.is_file():
        raise click.BadParameter(f"File '{config}' does not exist.", param_hint="'--config'")
    files = FileOptions(
        extend_ignore=split_codes(opts.extend_ignore),
        exclude=split_values(opts.exclude) if opts.exclude else None,
        extend_exclude=split_values(opts.extend_exclude),
        per_file_ignores=opts.per_file_ignores,
        extend_per_file_ignores=opts.extend_per_file_ignores,
    )
    try:
        return Session.create(
            paths=opts.paths,
            config=config,
            select=split_codes(opts.select) if opts.select else None,
            ignore=split_codes(opts.ignore),
            extend_select=split_codes(opts.extend_select),
            stdin_filename=opts.stdin_filename,
            config_overrides=opts.config_overrides,
            files=files,
            import_edits=import_edits,
            jobs=opts.jobs,
            cache=not opts.no_cache,
            cache_dir=opts.cache_dir,
            snapshot_key=snapshot_key,
        )
    except SessionError as exc:
        _fail(str(exc))


@main.command()
@common_options
@check_mode_options
@VERBOSE_OPTION
def check(
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    show_fixes: bool,
    statistics: bool,
    add_noqa: bool,
    **kwargs: Any,
) -> None:
    """Report problems in PATHS (files or directories; default: the current directory).

    Use `-` as the path to read source from standard input. `--fix` applies the fixes and
    reports what remains; `--diff` shows them instead; `--add-noqa` suppresses every finding
    with a `# noqa` comment.
    """
    opts = Options(**kwargs)
    from parsl_lint.color import use_color
    from parsl_lint.snapshot import IMPORT_EDIT_FORMATS

    if sum((fix, diff, add_noqa)) > 1:
        raise click.UsageError("--fix, --diff and --add-noqa cannot be used together")
    if add_noqa and any(str(p) == "-" for p in opts.paths):
        raise click.UsageError("--add-noqa edits files; it cannot read standard input")
    color = use_color(sys.stdout)
    if fix or diff:
        from parsl_lint.cli_check import run_fix

        session = _session(opts)
        run_fix(session, opts, write=fix, unsafe=unsafe_fixes, show_fixes=show_fixes, color=color)
        return
    key = None if (statistics or add_noqa) else _snapshot_key(opts)
    stored = _stored_report(opts, key, color) if key is not None else None
    if stored is not None:  # nothing changed since the same run: print its report
        output, count = stored
        sys.stdout.write(output)
        sys.exit(EXIT_OK if opts.exit_zero or not count else EXIT_FOUND)
    import_edits = opts.fmt in IMPORT_EDIT_FORMATS
    session = _session(opts, import_edits=import_edits, snapshot_key=key)
    outcome = _check_with_progress(session, show=opts.fmt == "full" and not opts.quiet)
    _print_warnings(outcome.warnings)
    if add_noqa:
        from parsl_lint.cli_check import run_add_noqa

        run_add_noqa(outcome)
        return
    from parsl_lint.reporters import report

    if statistics:
        from parsl_lint.cli_check import print_statistics

        print_statistics(outcome.diagnostics, opts, unsafe=unsafe_fixes)
    else:
        report(
            outcome.diagnostics,
            opts.fmt,
            sys.stdout,
            files_checked=outcome.files_checked,
            quiet=opts.quiet,
            rule_summaries=session.rule_summaries(),
            color=color,
            unsafe=unsafe_fixes,
        )
    for error in outcome.errors:
        click.echo(f"parsl-lint: error: {error}", err=True)
    if outcome.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK if opts.exit_zero or not outcome.diagnostics else EXIT_FOUND)


def _print_warnings(warnings: list[str]) -> None:
    for warning in warnings:
        click.echo(f"parsl-lint: warning: {warning}", err=True)


#: A progress bar appears on a terminal for runs with more files than this.
PROGRESS_MIN_FILES = 300


def _check_with_progress(session: Any, show: bool) -> Any:
    stderr = sys.stderr
    if not (show and stderr.isatty() and len(session.targets) > PROGRESS_MIN_FILES):
        return session.check()
    with click.progressbar(
        length=len(session.targets), label="Linting", file=stderr, show_pos=True
    ) as bar:
        return session.check(progress=bar.update)


@main.command()
@common_options
@VERBOSE_OPTION
@click.option("--diff", "diff_flag", is_flag=True, help="Print a unified diff (the default).")
@click.option("--write", is_flag=True, help="Apply the fixes to the files.")
@click.option("--unsafe-fixes", is_flag=True, help="Also apply fixes marked unsafe.")
def fix(diff_flag: bool, write: bool, unsafe_fixes: bool, **kwargs: Any) -> None:
    """Fix problems in PATHS: print a diff (default), or apply it with --write.

    Only safe fixes are applied unless --unsafe-fixes is given. Each file is re-parsed after
    fixing and written atomically; a file that would not parse is left untouched.
    """
    if diff_flag and write:
        raise click.UsageError("--diff and --write cannot be used together")
    opts = Options(**kwargs)
    session = _session(opts)
    from parsl_lint.color import use_color
    from parsl_lint.reporters import report

    outcome = session.fix(write=write, unsafe=unsafe_fixes)
    _print_warnings(outcome.warnings)
    out = sys.stdout
    if write and outcome.stdin_text is not None:
        out.write(outcome.stdin_text)
    elif not write:
        for diff in outcome.diffs:
            out.write(diff)
        for d in outcome.remaining:
            if d.code == "PSL000":  # a file that does not parse is never fixed: say so
                row, col = d.location.row, d.location.column
                click.echo(f"{d.path}:{row}:{col}: {d.code} {d.message} (not fixed)", err=True)
    if write and outcome.stdin_text is None:
        report(
            outcome.remaining,
            opts.fmt,
            out,
            files_checked=outcome.files_checked,
            quiet=opts.quiet,
            fix_mode_note=False,
            rule_summaries=session.rule_summaries(),
            color=use_color(out),
            unsafe=unsafe_fixes,
        )
    if not opts.quiet:
        click.echo(outcome.summary(write), err=True)
    for error in outcome.errors:
        click.echo(f"parsl-lint: error: {error}", err=True)
    if outcome.errors:
        sys.exit(EXIT_ERROR)
    if opts.exit_zero:
        sys.exit(EXIT_OK)
    if write:
        sys.exit(EXIT_FOUND if outcome.remaining else EXIT_OK)
    sys.exit(EXIT_FOUND if outcome.would_change else EXIT_OK)


@main.command("rules")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def rules_command(fmt: str) -> None:
    """List every rule: code, name, fixable, on by default."""
    import json

    from parsl_lint.rules import all_rules

    rows = [
        {
            "code": code,
            "name": rule.name,
            "summary": rule.summary,
            "fixable": rule.fixable,
            "default": rule.default_enabled,
            "url": rule.url(),
        }
        for code, rule in all_rules().items()
    ]
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    width = max(len(r["name"]) for r in rows)
    click.echo(f"{'code':<7} {'name':<{width}}  {'fix':<3}  {'default':<7}  summary")
    for r in rows:
        fixable = "yes" if r["fixable"] else "-"
        default = "on" if r["default"] else "off"
        click.echo(
            f"{r['code']:<7} {r['name']:<{width}}  {fixable:<3}  {default:<7}  {r['summary']}"
        )


@main.command("rule")
@click.argument("rule", metavar="CODE|NAME", required=False)
@click.option("--all", "show_all", is_flag=True, help="Print every rule's documentation.")
def rule_command(rule: str | None, show_all: bool) -> None:
    """Explain a rule, by code (PSL101) or name (bare-result): what it does, why, an example
    and what to use instead. The same page is docs/rules/<CODE>.md in the repository."""
    from parsl_lint.ruledocs import find_rule, rule_page
    from parsl_lint.rules import all_rules

    if show_all:
        if rule is not None:
            raise click.UsageError("give a rule or --all, not both")
        click.echo("\n".join(rule_page(r) for r in all_rules().values()), nl=False)
        return
    if rule is None:
        raise click.UsageError("give a rule's code or name, or --all")
    found = find_rule(rule)
    if found is None:
        _fail(f"unknown rule {rule!r}; `parsl-lint rules` lists them")
        return
    click.echo(rule_page(found), nl=False)


@main.command("server")
def server_command() -> None:
    """Run the language server for editors (LSP over standard input and output).

    Diagnostics as you type, quick fixes and rule documentation on hover; the README's
    "Editors" section shows how to configure VS Code, Neovim, Helix, Emacs and Zed.
    """
    from parsl_lint.lsp.server import serve

    serve()


@main.command("postmortem")
@click.argument("run_dir", required=False, default="runinfo", metavar="[RUN_DIR]")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.option("--task", "task_id", type=int, default=None, help="Tell one task's whole story.")
@click.option(
    "--tail",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Lines of a bash app's stdout/stderr (and a block's output) to show.",
)
@click.option("--run-id", default=None, help="Which DFK start of a parsl.log that holds several.")
def postmortem_command(
    run_dir: str, fmt: str, task_id: int | None, tail: int, run_id: str | None
) -> None:
    """Explain a finished Parsl run from RUN_DIR (default ./runinfo): each failed task's root
    cause and what it blocked.

    RUN_DIR is a run directory (runinfo/003) or a directory of numbered runs (the newest is
    read). Exit status: 0 no task failed, 1 some did, 2 nothing to read or usage error.
    """
    from parsl_lint.postmortem.cli import run_postmortem

    sys.exit(run_postmortem(run_dir, fmt, task_id, tail, run_id))


@main.command("vendor-helper")
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH even if it is not a vendored copy.")
def vendor_helper_command(path: Path, force: bool) -> None:
    """Write the runtime helper into your project as one module (PATH: a .py file, or a
    directory for parsl_debug.py), so the workflow does not need parsl-lint installed.

    It prints the `helper` setting that makes `parsl-lint fix` import it.
    """
    from parsl_lint.config import ConfigError
    from parsl_lint.vendor import VendorError, vendor

    try:
        done = vendor(path, force=force)
    except (VendorError, ConfigError, OSError) as exc:
        _fail(str(exc))
        return
    action = "Updated" if done.replaced else "Wrote"
    click.echo(f"{action} {done.path} (standard library only; it imports Parsl when it needs to).")
    click.echo("Add to [tool.parsl-lint] in pyproject.toml:\n")
    click.echo(f'helper = "{done.helper}"')
