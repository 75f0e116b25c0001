"""The ``parsl-lint`` executable: answers an unchanged project's ``check`` before importing the
command-line framework, and hands everything else to :mod:`parsl_lint.cli`.

Importing click costs about as much as replaying a stored result for thousands of files, so
``check`` is first read by a deliberately small parser that knows only the options a replay
needs. Anything it does not recognise (another command, ``-`` for standard input, combined short
flags, ``--help``, a value that click would reject, ...) goes to click unchanged, which also
tries the snapshot itself; both compute the snapshot key with the same function, so a replay
answers exactly what the full run answered.
"""

from __future__ import annotations

import os
import sys

#: The formats a snapshot stores (``snapshot.STORED_FORMATS``), and ``text``, ``full``'s
#: older name.
_FORMATS = ("full", "concise", "github", "pylint", "json", "json-lines", "sarif")
_FORMAT_ALIASES = {"text": "full"}
_VALUED = {
    "--select": "select",
    "--ignore": "ignore",
    "--extend-select": "extend_select",
    "--output-format": "fmt",
    "--format": "fmt",
    "--config": "config",
    "--cache-dir": "cache_dir",
    "--jobs": "jobs",
    "-j": "jobs",
}
_FLAGS = {"--exit-zero": "exit_zero", "--quiet": "quiet", "-q": "quiet"}


class CheckArgs:
    """``check``'s options as far as a replay is concerned."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.select: list[str] = []
        self.ignore: list[str] = []
        self.extend_select: list[str] = []
        self.fmt = "full"
        self.config: str | None = None
        self.cache_dir: str | None = None
        self.jobs: str | None = None
        self.exit_zero = False
        self.quiet = False

    def key(self) -> str:
        """The run's snapshot key (see :func:`parsl_lint.snapshot.check_key`)."""
        from parsl_lint.snapshot import check_key

        return check_key(
            self.paths,
            select=self.select,
            ignore=self.ignore,
            extend_select=self.extend_select,
            config=self.config,
            cache_dir=self.cache_dir,
            fmt=self.fmt,
        )


def parse_check(argv: list[str]) -> CheckArgs | None:
    """The options of ``check`` in ``argv`` (after the command name), or None when anything
    is outside the small grammar this parser accepts or when click would reject a value."""
    args = CheckArgs()
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            args.paths.extend(tokens)
            break
        if not token.startswith("-"):
            args.paths.append(token)
            continue
        name, eq, value = token.partition("=")
        if name in _FLAGS and not eq:
            setattr(args, _FLAGS[name], True)
            continue
        if name not in _VALUED or (eq and name == "-j"):
            return None
        if not eq:
            value = next(tokens, None)  # type: ignore[arg-type]
            if value is None:
                return None
        attr = _VALUED[name]
        if attr == "config" and args.config is not None:
            return None  # a second --config: click tells a file from a KEY=VALUE override
        current = getattr(args, attr)
        if isinstance(current, list):
            current.append(value)
        else:
            setattr(args, attr, value)
    args.fmt = _FORMAT_ALIASES.get(args.fmt, args.fmt)
    if any(p == "-" or not p for p in args.paths) or args.fmt not in _FORMATS:
        return None
    if args.jobs is not None and not (args.jobs.isdigit() and args.jobs.isascii()):
        return None
    if args.config is not None and not os.path.isfile(args.config):
        return None  # click reports it
    if args.cache_dir is not None and os.path.isfile(args.cache_dir):
        return None
    # click hands the CLI ``pathlib.Path`` objects: keys use the form they print in.
    args.paths = [as_path_prints(p) for p in args.paths]
    args.config = as_path_prints(args.config) if args.config else None
    args.cache_dir = as_path_prints(args.cache_dir) if args.cache_dir else None
    return args


def as_path_prints(path: str) -> str:
    """``str(pathlib.Path(path))`` without importing pathlib (which costs more than the rest
    of a replay): empty and ``.`` parts and repeated or trailing slashes go; a leading ``//``
    (exactly two) stays, as POSIX allows."""
    if os.sep != "/" or os.altsep:
        from pathlib import Path

        return str(Path(path))
    root = ""
    if path.startswith("/"):
        root = "//" if path.startswith("//") and not path.startswith("///") else "/"
    return root + "/".join(p for p in path.split("/") if p and p != ".") or "."


def replay_check(argv: list[str]) -> int | None:
    """Print the stored result of this ``check`` and return its exit status, when the
    arguments are simple and nothing the last identical run read has changed; else None."""
    args = parse_check(argv)
    if args is None:
        return None
    from parsl_lint.color import use_color
    from parsl_lint.snapshot import lookup_roots, stored_report

    roots = lookup_roots(args.paths, args.cache_dir, args.config)
    stored = stored_report(args.key(), roots, args.fmt, args.quiet, use_color(sys.stdout))
    if stored is None:
        return None
    output, count = stored
    sys.stdout.write(output)
    return 0 if args.exit_zero or not count else 1


def tune_gc() -> None:
    """Collect garbage less often than CPython's default (every 700 allocations).

    A run keeps the parsed trees of a project alive while the model makes many small values
    that die young; with the default thresholds the collector scanned the whole heap often
    enough to take a fifth of a cold run on the parsl package (1.1 s of 4.5 s), against a
    tenth of that with these. Reference cycles are still collected, in larger batches."""
    import gc

    gc.set_threshold(10_000, 10, 10)


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["check"]:
        status = replay_check(argv[1:])
        if status is not None:
            sys.stdout.flush()
            sys.exit(status)
    tune_gc()
    from parsl_lint.cli import main as cli_main

    cli_main()
