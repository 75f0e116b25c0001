"""The command line: ``parsl-lint check|fix|rules|rule``, exit codes 0/1/2 as ruff's."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TextIO

import click

from parsl_lint import __version__
from parsl_lint.snapshot import split_codes

EXIT_OK, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "sarif", "github")


def common_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        click.argument("paths", nargs=-1, type=click.Path(path_type=Path)),
        click.option(
            "--select",
            multiple=True,
            metavar="CODES",
            help="Rule codes or prefixes to enable, replacing the configured selection "
            "(comma-separated, repeatable; e.g. PSL1,PSL201).",
        ),
        click.option(
            "--ignore",
            multiple=True,
            metavar="CODES",
            help="Rule codes or prefixes to disable, on top of the configuration.",
        ),
        click.option(
            "--extend-select",
            multiple=True,
            metavar="CODES",
            help="Rule codes or prefixes to enable in addition (opt in to off-by-default rules).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            default="text",
            show_default=True,
            help="Output format.",
        ),
        click.option(
            "--config",
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Read settings from this file instead of the nearest pyproject.toml.",
        ),
        click.option("--no-cache", is_flag=True, help="Do not read or write the cache."),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Where the cache lives (default: .parsl_lint_cache/ at the project root).",
        ),
        click.option(
            "--jobs",
            "-j",
            type=click.IntRange(min=0),
            default=None,
            help="Worker processes (default: the number of CPUs).",
        ),
        click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found."),
        click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, no summary."),
        click.option(
            "--stdin-filename",
            type=click.Path(path_type=Path),
            help="The file name to report (and configure) for source read from `-`.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="parsl-lint")
def main() -> None:
    """Find the code that hides or causes Parsl worker failures, and fix it.

    \b
    Examples:
      parsl-lint check src/              report problems
      parsl-lint fix src/                show the fixes as a diff
      parsl-lint fix --write src/        apply them
      parsl-lint rules                   list every rule
      parsl-lint rule PSL101             explain one rule
      parsl-lint server                  language server for editors (LSP)

    Exit status: 0 no problems, 1 problems found (or, for `fix`, changes to make),
    2 usage, configuration or internal error.
    """


@dataclass
class Options:
    paths: tuple[Path, ...]
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    fmt: str
    config: Path | None
    no_cache: bool
    cache_dir: Path | None
    jobs: int | None
    exit_zero: bool
    quiet: bool
    stdin_filename: Path | None


def _fail(message: str) -> None:
    click.echo(f"parsl-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _snapshot_key(opts: Options) -> str | None:
    """The key of this ``check`` run's snapshot; None when there is none (no cache, stdin)."""
    if opts.no_cache or any(str(p) == "-" for p in opts.paths):
        return None
    from parsl_lint.snapshot import check_key

    return check_key(
        [str(p) for p in opts.paths],
        select=opts.select,
        ignore=opts.ignore,
        extend_select=opts.extend_select,
        config=str(opts.config) if opts.config else None,
        cache_dir=str(opts.cache_dir) if opts.cache_dir else None,
        fmt=opts.fmt,
    )


def _stored_report(opts: Options, key: str) -> tuple[str, int] | None:
    """The last identical run's report and diagnostic count, when nothing it read has
    changed since (else None)."""
    from parsl_lint.snapshot import lookup_roots, stored_report

    roots = lookup_roots(
        [str(p) for p in opts.paths],
        str(opts.cache_dir) if opts.cache_dir else None,
        str(opts.config) if opts.config else None,
    )
    return stored_report(key, roots, opts.fmt, opts.quiet)


def _session(opts: Options, import_edits: bool = False, snapshot_key: str | None = None) -> Any:
    from parsl_lint.session import Session, SessionError

    try:
        return Session.create(
            paths=opts.paths,
            config=opts.config,
            select=split_codes(opts.select) if opts.select else None,
            ignore=split_codes(opts.ignore),
            extend_select=split_codes(opts.extend_select),
            stdin_filename=opts.stdin_filename,
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
def check(**kwargs: Any) -> None:
    """Report problems in PATHS (files or directories; default: the current directory).

    Use `-` as the path to read source from standard input.
    """
    opts = Options(**kwargs)
    import_edits = opts.fmt in ("json", "sarif")
    key = _snapshot_key(opts)
    stored = _stored_report(opts, key) if key is not None else None
    if stored is not None:  # nothing changed since the same run: print its report
        output, count = stored
        sys.stdout.write(output)
        sys.exit(EXIT_OK if opts.exit_zero or not count else EXIT_FOUND)
    session = _session(opts, import_edits=import_edits, snapshot_key=key)
    from parsl_lint.reporters import report

    outcome = _check_with_progress(session, show=opts.fmt == "text" and not opts.quiet)
    stream: TextIO = sys.stdout
    report(
        outcome.diagnostics,
        opts.fmt,
        stream,
        files_checked=outcome.files_checked,
        quiet=opts.quiet,
        rule_summaries=session.rule_summaries(),
    )
    for error in outcome.errors:
        click.echo(f"parsl-lint: error: {error}", err=True)
    if outcome.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK if opts.exit_zero or not outcome.diagnostics else EXIT_FOUND)


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
    from parsl_lint.reporters import report

    outcome = session.fix(write=write, unsafe=unsafe_fixes)
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
@click.argument("code")
def rule_command(code: str) -> None:
    """Explain one rule: what it does, why, an example and what to use instead."""
    from parsl_lint.rules import all_rules

    rules = all_rules()
    rule = rules.get(code.upper())
    if rule is None:
        _fail(f"unknown rule code {code!r}; `parsl-lint rules` lists them")
        return
    click.echo(rule.help_text())


@main.command("server")
def server_command() -> None:
    """Run the language server for editors (LSP over standard input and output).

    Diagnostics as you type, quick fixes and rule documentation on hover; the README's
    "Editors" section shows how to configure VS Code, Neovim, Helix, Emacs and Zed.
    """
    from parsl_lint.lsp.server import serve

    serve()
