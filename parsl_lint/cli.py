"""The command line: ``parsl-lint check|fix|rules|rule|server``, exit codes 0/1/2 as ruff's.
The options of ``check`` and ``fix`` are in :mod:`parsl_lint.cli_options`, ``check``'s ruff
modes (``--fix``, ``--diff``, ``--statistics``, ``--add-noqa``) in :mod:`parsl_lint.cli_check`."""

from __future__ import annotations

import sys
from typing import Any

import click

from parsl_lint import __version__
from parsl_lint.cli_options import (
    Options,
    check_mode_options,
    common_options,
    split_values,
)
from parsl_lint.snapshot import split_codes

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
