"""The options of ``check`` and ``fix``, in groups, spelled as ruff spells them.

Each group is a decorator that adds its options to a click command; :class:`Options` is what
they parse to. Kept apart from :mod:`parsl_lint.cli` so that commands and option groups can
change independently.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import click

from parsl_lint.reporters import FORMAT_ALIASES, FORMATS

F = Callable[..., Any]


def _apply(func: F, options: list[Callable[[F], F]]) -> F:
    for option in reversed(options):
        func = option(func)
    return func


def _codes_option(name: str, text: str) -> Callable[[F], F]:
    return click.option(name, multiple=True, metavar="CODES", help=text)


def selection_options(func: F) -> F:
    """Which rules, which files, which settings: ruff's rule and file selection options."""
    return _apply(
        func,
        [
            _codes_option(
                "--select",
                "Rule codes or prefixes to enable, replacing the configured selection "
                "(comma-separated, repeatable; e.g. PSL1,PSL201).",
            ),
            _codes_option("--ignore", "Rule codes or prefixes to disable."),
            _codes_option(
                "--extend-select",
                "Rule codes or prefixes to enable in addition (opt in to off-by-default rules).",
            ),
            _codes_option("--extend-ignore", "Like --ignore (ruff's older spelling)."),
            click.option(
                "--per-file-ignores",
                multiple=True,
                metavar="GLOB:CODES",
                help="Ignore codes in files matching a glob, replacing the configured table "
                "(repeatable; e.g. 'tests/*:PSL101').",
            ),
            click.option(
                "--extend-per-file-ignores",
                multiple=True,
                metavar="GLOB:CODES",
                help="Like --per-file-ignores, in addition to the configured table.",
            ),
            click.option(
                "--exclude",
                multiple=True,
                metavar="PATTERNS",
                help="Files and directories to skip, replacing the default excludes "
                "(gitignore-style, comma-separated, repeatable).",
            ),
            click.option(
                "--extend-exclude",
                multiple=True,
                metavar="PATTERNS",
                help="Files and directories to skip, in addition to the excludes.",
            ),
            click.option(
                "--config",
                multiple=True,
                metavar="FILE|KEY=VALUE",
                help="A configuration file to use instead of the nearest one, or a TOML "
                "`KEY = VALUE` pair that overrides one setting (repeatable).",
            ),
        ],
    )


def output_options(func: F) -> F:
    """How findings are shown and what the exit status says."""
    return _apply(
        func,
        [
            click.option(
                "--output-format",
                "--format",
                "fmt",
                type=click.Choice([*FORMATS, *FORMAT_ALIASES]),
                default="full",
                show_default=True,
                help="Output format (`--format` and `text`, the name of `full`, are older "
                "spellings).",
            ),
            click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found."),
            click.option("--quiet", "-q", is_flag=True, help="Print diagnostics only, no summary."),
        ],
    )


def run_options(func: F) -> F:
    """Where input comes from, and how the run is carried out."""
    return _apply(
        func,
        [
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
            click.option(
                "--stdin-filename",
                type=click.Path(path_type=Path),
                help="The file name to report (and configure) for source read from `-`.",
            ),
        ],
    )


def common_options(func: F) -> F:
    """Everything ``check`` and ``fix`` share: paths and the three groups above."""
    func = selection_options(output_options(run_options(func)))
    return click.argument("paths", nargs=-1, type=click.Path(path_type=Path))(func)


def check_mode_options(func: F) -> F:
    """``check``'s ruff flags for fixing and reporting."""
    return _apply(
        func,
        [
            click.option("--fix", is_flag=True, help="Apply the fixes, then report what remains."),
            click.option(
                "--unsafe-fixes",
                is_flag=True,
                help="With --fix or --diff, also apply fixes marked unsafe.",
            ),
            click.option(
                "--diff",
                is_flag=True,
                help="Print the fixes as a unified diff and change nothing (exit 1 if any).",
            ),
            click.option(
                "--show-fixes", is_flag=True, help="With --fix, list what was fixed per file."
            ),
            click.option("--statistics", is_flag=True, help="Count the findings per rule instead."),
            click.option(
                "--add-noqa",
                is_flag=True,
                help="Add `# noqa: CODE` to every reported line (merging codes already there).",
            ),
        ],
    )


@dataclass
class Options:
    """``check``/``fix`` options as parsed."""

    paths: tuple[Path, ...]
    select: tuple[str, ...]
    ignore: tuple[str, ...]
    extend_select: tuple[str, ...]
    extend_ignore: tuple[str, ...]
    per_file_ignores: tuple[str, ...]
    extend_per_file_ignores: tuple[str, ...]
    exclude: tuple[str, ...]
    extend_exclude: tuple[str, ...]
    config: tuple[str, ...]
    fmt: str
    exit_zero: bool
    quiet: bool
    no_cache: bool
    cache_dir: Path | None
    jobs: int | None
    stdin_filename: Path | None

    def __post_init__(self) -> None:
        self.fmt = FORMAT_ALIASES.get(self.fmt, self.fmt)

    @property
    def config_file(self) -> Path | None:
        """The one ``--config`` that names a file (a usage error when there are two)."""
        files = [Path(v) for v in self.config if _is_file_argument(v)]
        if len(files) > 1:
            raise click.UsageError(
                "--config names more than one file: " + ", ".join(map(str, files))
            )
        return files[0] if files else None

    @property
    def config_overrides(self) -> tuple[str, ...]:
        """The ``--config KEY=VALUE`` pairs."""
        return tuple(v for v in self.config if not _is_file_argument(v))

    @property
    def beyond_snapshot(self) -> bool:
        """Options the run snapshot's key does not describe: such runs are never replayed."""
        return bool(
            self.extend_ignore
            or self.per_file_ignores
            or self.extend_per_file_ignores
            or self.exclude
            or self.extend_exclude
            or len(self.config) > 1
            or self.config_overrides
        )


def _is_file_argument(value: str) -> bool:
    """ruff's reading of ``--config``: an existing file is a file; a value that cannot be a
    TOML pair (no ``=``) is also taken as a file, so a missing one is reported as missing."""
    return os.path.isfile(value) or "=" not in value


def split_values(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--exclude a,b --exclude c`` -> ``("a", "b", "c")``."""
    return tuple(v.strip() for item in values for v in item.split(",") if v.strip())
