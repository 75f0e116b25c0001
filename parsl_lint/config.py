"""Configuration: ``parsl-lint.toml``, the ``[tool.parsl-lint]`` table, rule selection and
per-file ignores.

Settings come from, in order of precedence: the command line (``Settings.with_overrides``),
``--config KEY=VALUE`` overrides, ``--config FILE``, the nearest configuration file found by
walking up from the first path, and the defaults below. In each directory, as ruff looks for
``.ruff.toml``, ``ruff.toml`` and ``pyproject.toml``, the first of ``.parsl-lint.toml``,
``parsl-lint.toml`` (keys at the top level) and a ``pyproject.toml`` with a ``[tool.parsl-lint]``
table wins. ``extend = "PATH"`` reads another file first and lets this one override it. Every
key, value type and rule code is checked when the file is read: a mistake is a ``ConfigError``
that names the file and the key, never a setting that is silently ignored.

Rule selectors follow ruff: an exact code (``PSL101``), a prefix (``PSL1``, ``PSL``) or ``ALL``.
A prefix selects only the rules that are on by default; an exact code selects its rule even when
it is off by default; ``ignore`` always wins. Glob patterns (``exclude``, ``per-file-ignores``)
use ``.gitignore`` syntax and are matched relative to the project root.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import keyword
import os
import sys
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pathspec

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python < 3.11 only
    import tomli as tomllib

__all__ = [
    "CONFIG_KEYS",
    "DEFAULT_EXCLUDES",
    "DEFAULT_HELPER",
    "SYNTAX_ERROR_CODE",
    "CONFIG_FILE_NAMES",
    "ConfigError",
    "Settings",
    "parse_per_file_ignores",
    "find_config",
    "find_project_root",
    "is_valid_selector",
    "load_settings",
    "selector_matches",
    "validate_selectors",
]

#: The runtime helper that ``parsl-lint fix`` rewrites bare ``future.result()`` calls to.
DEFAULT_HELPER = "parsl_lint.runtime:unwrap_parsl_future"

#: The code of the diagnostic for a file that does not parse; reported unless ignored.
SYNTAX_ERROR_CODE = "PSL000"

#: Directories and files never linted unless named on the command line (ruff's list, plus our
#: own cache, ``__pycache__`` and Parsl's default run directory, which can hold many files).
DEFAULT_EXCLUDES: tuple[str, ...] = (
    ".bzr",
    ".direnv",
    ".eggs",
    ".git",
    ".git-rewrite",
    ".hg",
    ".ipynb_checkpoints",
    ".mypy_cache",
    ".nox",
    ".pants.d",
    ".parsl_lint_cache",
    ".pyenv",
    ".pytest_cache",
    ".pytype",
    ".ruff_cache",
    ".svn",
    ".tox",
    ".venv",
    ".vscode",
    "__pycache__",
    "__pypackages__",
    "_build",
    "buck-out",
    "build",
    "dist",
    "node_modules",
    "runinfo",
    "site-packages",
    "venv",
)

#: The keys of ``[tool.parsl-lint]``, spelled as in the file.
CONFIG_KEYS: tuple[str, ...] = (
    "extend",
    "select",
    "ignore",
    "extend-select",
    "exclude",
    "extend-exclude",
    "per-file-ignores",
    "helper",
    "max-file-size",
)

#: Files larger than this many bytes are neither checked nor fixed (a warning names them).
#: Parsing costs about 200 bytes of memory per byte of source with ``ast`` and about 1,700
#: with LibCST (which the fixer needs), so 512 KiB keeps a fix of one file under 1 GB.
DEFAULT_MAX_FILE_SIZE = 512 * 1024

#: Files that hold the settings at their top level, in the order they are looked for.
CONFIG_FILE_NAMES: tuple[str, ...] = (".parsl-lint.toml", "parsl-lint.toml")
_TABLE = "[tool.parsl-lint]"
_PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", ".git", ".hg")


class ConfigError(Exception):
    """A configuration mistake; the message names the file (or option) and the key."""


@dataclass(frozen=True)
class Settings:
    """The resolved configuration of one run (hashable, so it can key a cache).

    ``select`` is ``None`` for "the rules that are on by default". ``exclude`` replaces the
    default excludes and ``extend_exclude`` adds to them, as in ruff. ``per_file_ignores`` maps a
    glob to the codes it removes; ``load_settings`` stores exact codes there (prefixes expanded).
    """

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    exclude: tuple[str, ...] = DEFAULT_EXCLUDES
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    helper: str = DEFAULT_HELPER
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    config_path: Path | None = None
    project_root: Path = field(default_factory=Path.cwd)
    #: Every file the settings were read from (``config_path`` and what it extends).
    config_files: tuple[Path, ...] = ()

    @property
    def helper_module(self) -> str:
        """The module the PSL101 fix imports its helper from (``helper`` before the colon)."""
        return self.helper.partition(":")[0]

    @property
    def helper_function(self) -> str:
        """The function the PSL101 fix calls (``helper`` after the colon)."""
        return self.helper.partition(":")[2]

    def enabled_codes(self, rules: Mapping[str, bool]) -> frozenset[str]:
        """The codes to report, given every known code mapped to "on by default".

        Start from ``select`` (or every default-on rule), add ``extend_select``, remove
        ``ignore``. ``PSL000`` is always enabled unless an ``ignore`` selector matches it.
        """
        known = dict(rules)
        known.setdefault(SYNTAX_ERROR_CODE, True)
        selectors = ("ALL",) if self.select is None else self.select
        enabled: set[str] = {SYNTAX_ERROR_CODE}
        for selector in (*selectors, *self.extend_select):
            enabled |= _expand(selector, known, default_only=True)
        for selector in self.ignore:
            enabled -= _expand(selector, known, default_only=False)
        return frozenset(enabled)

    def ignored_for(self, path: Path) -> frozenset[str]:
        """The codes that ``per-file-ignores`` removes for ``path``.

        Globs use ``.gitignore`` syntax against the path relative to the project root:
        ``tests/*.py``, ``**/test_*.py``, ``tests/`` and a bare ``conftest.py`` (any directory)
        all work; a leading ``!`` applies the codes to every file the rest does *not* match.
        """
        if not self.per_file_ignores:
            return frozenset()
        rel = _relative_posix(path, self.project_root)
        ignored: set[str] = set()
        for glob, codes in self.per_file_ignores:
            negated = glob.startswith("!")
            if _glob_matches(glob[1:] if negated else glob, rel) != negated:
                ignored.update(codes)
        return frozenset(ignored)

    def with_overrides(
        self,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
        *,
        exclude: Sequence[str] | None = None,
        extend_exclude: Sequence[str] = (),
        per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] | None = None,
        extend_per_file_ignores: Sequence[tuple[str, tuple[str, ...]]] = (),
    ) -> Settings:
        """Apply command-line options (validate them first with ``validate_selectors`` and
        ``parse_per_file_ignores``), as ruff's overrides do.

        ``select`` replaces the configured selection, including the config's ``extend-select``
        (``--select PSL101`` reports PSL101 only); ``ignore`` and ``extend_select`` add to it.
        ``exclude`` and ``per_file_ignores`` replace the configured ones; the ``extend_``
        forms add to them.
        """
        if select is None:
            new_select, base_extend = self.select, self.extend_select
        else:
            new_select, base_extend = tuple(select), ()
        return dataclasses.replace(
            self,
            select=new_select,
            ignore=(*self.ignore, *ignore),
            extend_select=(*base_extend, *extend_select),
            exclude=self.exclude if exclude is None else tuple(exclude),
            extend_exclude=(*self.extend_exclude, *extend_exclude),
            per_file_ignores=(
                *(self.per_file_ignores if per_file_ignores is None else per_file_ignores),
                *extend_per_file_ignores,
            ),
        )


def selector_matches(selector: str, code: str) -> bool:
    """Whether a selector (exact code, prefix or ``ALL``) covers ``code``."""
    return selector == "ALL" or code.startswith(selector)


def _expand(selector: str, known: Mapping[str, bool], *, default_only: bool) -> set[str]:
    if selector in known:  # an exact code selects its rule even when it is off by default
        return {selector}
    return {
        code
        for code, on in known.items()
        if selector_matches(selector, code) and (on or not default_only)
    }


def _relative_posix(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` (either may go through symlinks), with forward slashes;
    a path outside the root keeps its absolute form minus the leading slash."""
    absolute = os.path.abspath(path)
    for candidate in (absolute, os.path.realpath(absolute)):
        for base in (root, Path(os.path.realpath(root))):
            try:
                return Path(candidate).relative_to(base).as_posix()
            except ValueError:
                pass
    return Path(absolute).as_posix().lstrip("/")


@lru_cache(maxsize=256)
def _compiled_glob(pattern: str) -> pathspec.PathSpec:
    return pathspec.GitIgnoreSpec.from_lines([pattern])


def _glob_matches(pattern: str, rel: str) -> bool:
    return _compiled_glob(pattern).match_file(rel)


# --------------------------------------------------------------------------- locating files


def find_config(start: Path) -> Path | None:
    """The nearest configuration file, walking up from ``start`` (a file or directory):
    in each directory ``.parsl-lint.toml``, then ``parsl-lint.toml``, then a ``pyproject.toml``
    with a ``[tool.parsl-lint]`` table; ``None`` when there is none.

    A ``pyproject.toml`` without the table is skipped, as ruff does. One that is not valid TOML
    raises ``ConfigError``.
    """
    start = Path(os.path.abspath(start))
    directory = start if start.is_dir() else start.parent
    for folder in (directory, *directory.parents):
        for name in CONFIG_FILE_NAMES:
            if (folder / name).is_file():
                return folder / name
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            tool = _read_toml(candidate).get("tool")
            if isinstance(tool, dict):
                if "parsl-lint" in tool:
                    return candidate
                if "parsl_lint" in tool:
                    raise ConfigError(
                        f"{_display(candidate)}: found [tool.parsl_lint]; "
                        f"the table is spelled {_TABLE}"
                    )
    return None


def find_project_root(paths: Sequence[Path]) -> Path:
    """The directory the cross-module index is built from.

    Walking up from the first path (or the current directory), the nearest directory holding a
    ``pyproject.toml``, ``setup.py``, ``setup.cfg``, ``.git`` or ``.hg``; when there is none,
    the first path's directory (the path itself when it is a directory). Always absolute.
    """
    first = Path(os.path.abspath(paths[0])) if paths else Path.cwd()
    directory = first if first.is_dir() else first.parent
    for folder in (directory, *directory.parents):
        if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
            return folder
    return directory


# --------------------------------------------------------------------------- reading files


def load_settings(
    config: Path | None,
    paths: Sequence[Path],
    known_codes: Collection[str],
    overrides: Sequence[str] = (),
) -> Settings:
    """Read and validate the settings for a run.

    ``config`` (``--config FILE``) may be a ``pyproject.toml`` with a ``[tool.parsl-lint]``
    table or a standalone TOML file (e.g. ``parsl-lint.toml``) holding the keys at its top
    level. Without it, the nearest configuration file above the first path (or the current
    directory) is used (see ``find_config``), else the defaults. ``overrides`` are
    ``--config "KEY = VALUE"`` TOML pairs, applied last. Patterns are relative to the directory
    of a configuration file that was found (or of a ``pyproject.toml`` given), else to
    ``find_project_root(paths)``. ``known_codes`` lists every rule code (a mapping of code to
    "on by default" works too).
    """
    explicit = config is not None
    if config is None:
        config = find_config(paths[0] if paths else Path.cwd())
    values: dict[str, Any] = {}
    files: list[Path] = []
    project_root = find_project_root(paths)
    if config is not None:
        values, files = _load_file(config, known_codes, ())
        if not explicit or config.name == "pyproject.toml":
            project_root = Path(os.path.abspath(config)).parent
    for override in overrides:
        values = _merge(values, _parse_override(override, known_codes))
    if config is None and not overrides:
        return Settings(project_root=project_root)
    return Settings(
        **values, config_path=config, project_root=project_root, config_files=tuple(files)
    )


def _load_file(
    config: Path, known_codes: Collection[str], chain: tuple[Path, ...]
) -> tuple[dict[str, Any], list[Path]]:
    """The validated values of one file, over those of the file it ``extend``s."""
    data = _read_toml(config)
    display = _display(config)
    tool = data.get("tool")
    if config.name not in CONFIG_FILE_NAMES and isinstance(tool, dict) and "parsl-lint" in tool:
        table: object = tool["parsl-lint"]
        source = f"{display}: {_TABLE}"
        if not isinstance(table, dict):
            raise ConfigError(f"{display}: {_TABLE} must be a table, got {_show(table)}")
    elif config.name == "pyproject.toml":
        raise ConfigError(f"{display}: no {_TABLE} table")
    else:
        table, source = data, f"{display}:"
    values = _parse_values(table, source, known_codes)
    files = [config]
    if "extend" not in table:
        return values, files
    base = _extend_path(table["extend"], config, _where(source, "extend"))
    here = Path(os.path.realpath(config))
    if Path(os.path.realpath(base)) in (*chain, here):
        cycle = " -> ".join(_display(p) for p in (*chain, here, Path(os.path.realpath(base))))
        raise ConfigError(f"{_where(source, 'extend')}: the files extend each other ({cycle})")
    base_values, base_files = _load_file(base, known_codes, (*chain, here))
    return _merge(base_values, values), [*files, *base_files]


def _extend_path(value: object, config: Path, where: str) -> Path:
    if not isinstance(value, str) or not value:
        raise ConfigError(f"{where} must be the path of a TOML file, got {_show(value)}")
    path = Path(os.path.expanduser(value))
    if not path.is_absolute():
        path = Path(os.path.abspath(config)).parent / path
    if not path.is_file():
        raise ConfigError(f"{where}: no such file {_show(value)} (read as {_display(path)})")
    return path


def _merge(base: Mapping[str, Any], child: Mapping[str, Any]) -> dict[str, Any]:
    """``child``'s values over ``base``'s: ``select`` starts the selection over (dropping the
    base's ``extend-select`` and ``ignore``, as in ruff); ``ignore``, ``extend-select`` and
    ``extend-exclude`` add up; ``per-file-ignores`` merge by glob; the rest are replaced."""
    merged = dict(base)
    if "select" in child:
        merged.pop("extend_select", None)
        merged.pop("ignore", None)
    for key, value in child.items():
        if key in ("ignore", "extend_select", "extend_exclude") and key in merged:
            merged[key] = (*merged[key], *value)
        elif key == "per_file_ignores" and key in merged:
            table = dict(merged[key])
            table.update(dict(value))
            merged[key] = tuple(table.items())
        else:
            merged[key] = value
    return merged


def _parse_override(text: str, known_codes: Collection[str]) -> dict[str, Any]:
    """One ``--config "KEY = VALUE"`` pair, read as TOML and checked like a file's keys."""
    source = "--config override"
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(
            f"--config {_show(text)} is neither a file nor a TOML `KEY = VALUE` pair ({exc})"
        ) from exc
    if "extend" in table:
        raise ConfigError(f'{source} key "extend": only a configuration file can extend another')
    return _parse_values(table, f"{source} {_show(text)}:", known_codes)


def parse_per_file_ignores(
    values: Sequence[str], option: str, known_codes: Collection[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``--per-file-ignores GLOB:CODES`` values (repeatable; codes comma-separated) as the
    settings store them (exact codes, prefixes expanded). Raises ``ConfigError``."""
    table: dict[str, list[str]] = {}
    for value in values:
        glob, sep, codes = value.rpartition(":")
        if not sep or not glob:
            raise ConfigError(
                f"{option}: expected GLOB:CODES (e.g. 'tests/*:PSL101'), got {_show(value)}"
            )
        table.setdefault(glob, []).extend(c.strip().upper() for c in codes.split(",") if c.strip())
    return _per_file_ignores(table, option, _with_syntax_error(known_codes))


def _parse_values(
    table: Mapping[str, Any], source: str, known_codes: Collection[str]
) -> dict[str, Any]:
    """The validated values of one table, by ``Settings`` field name (``extend`` aside)."""
    for key in table:
        if key not in CONFIG_KEYS:
            hint = _did_you_mean(key, CONFIG_KEYS)
            raise ConfigError(f"{source} unknown key {_show(key)}{hint}")
    known = _with_syntax_error(known_codes)
    values: dict[str, Any] = {}
    if "select" in table:
        values["select"] = validate_selectors(table["select"], "select", source, known)
    for key in ("ignore", "extend-select"):
        if key in table:
            values[key.replace("-", "_")] = validate_selectors(table[key], key, source, known)
    for key in ("exclude", "extend-exclude"):
        if key in table:
            values[key.replace("-", "_")] = _string_list(table[key], _where(source, key))
    if "per-file-ignores" in table:
        values["per_file_ignores"] = _per_file_ignores(table["per-file-ignores"], source, known)
    if "helper" in table:
        values["helper"] = _helper(table["helper"], _where(source, "helper"))
    if "max-file-size" in table:
        values["max_file_size"] = _size(table["max-file-size"], _where(source, "max-file-size"))
    return values


def _read_toml(path: Path) -> dict[str, Any]:
    display = _display(path)
    try:
        with open(path, "rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{display}: cannot read the file: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display}: invalid TOML: {exc}") from exc


def _display(path: Path) -> str:
    """``path`` relative to the current directory when it is below it, else as given."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            pass
    return str(path)


# --------------------------------------------------------------------------- validating values


def validate_selectors(
    values: object, key: str, source: str, known_codes: Collection[str]
) -> tuple[str, ...]:
    """Check a list of rule selectors and return it as a tuple.

    ``source`` is a command-line option (``"--select"``: errors read ``--select: unknown rule
    code or prefix "PSL999"``) or a config location (``'pyproject.toml: [tool.parsl-lint]'``:
    errors read ``pyproject.toml: [tool.parsl-lint] key "select": ...``). A valid selector is
    ``ALL``, a known code, or a prefix of one that keeps the code's letters whole (``PSL``,
    ``PSL1``, ``PSL10``; not ``PS``). Raises ``ConfigError``.
    """
    return _selectors(values, _where(source, key), _with_syntax_error(known_codes))


def _where(source: str, key: str) -> str:
    if source.startswith("-") and not source.endswith(":"):  # an option names itself
        return source
    return f'{source} key "{key}"'


def _with_syntax_error(known_codes: Collection[str]) -> frozenset[str]:
    return frozenset(known_codes) | {SYNTAX_ERROR_CODE}


def _selectors(values: object, where: str, known: frozenset[str]) -> tuple[str, ...]:
    selectors = _string_list(values, where, what="rule codes")
    for selector in selectors:
        if not _is_valid_selector(selector, known):
            upper = selector.strip().upper()
            if upper != selector and _is_valid_selector(upper, known):
                hint = f' (codes are upper-case: "{upper}")'
            else:
                hint = _did_you_mean(selector, sorted(known))
            raise ConfigError(f"{where}: unknown rule code or prefix {_show(selector)}{hint}")
    return selectors


def is_valid_selector(selector: str, known: Collection[str]) -> bool:
    """``ALL``, a known code, or a prefix of one that keeps its letters whole."""
    return _is_valid_selector(selector, frozenset(known))


def _is_valid_selector(selector: str, known: frozenset[str]) -> bool:
    if selector == "ALL":
        return True
    letters = selector.rstrip("0123456789")
    return any(code.startswith(selector) and code.rstrip("0123456789") == letters for code in known)


def _string_list(values: object, where: str, *, what: str = "strings") -> tuple[str, ...]:
    if not isinstance(values, (list, tuple)) or not all(
        isinstance(value, str) and value for value in values
    ):
        raise ConfigError(f"{where} must be a list of {what}, got {_show(values)}")
    return tuple(values)


def _per_file_ignores(
    value: object, source: str, known: frozenset[str]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    where = _where(source, "per-file-ignores")
    if not isinstance(value, dict):
        raise ConfigError(f'{where} must be a table of "glob" = [codes], got {_show(value)}')
    entries = []
    for glob, selectors in value.items():
        if not glob or glob == "!":
            raise ConfigError(f"{where} has an empty glob")
        checked = _selectors(selectors, f"{where} glob {_show(glob)}", known)
        codes = sorted({code for s in checked for code in known if selector_matches(s, code)})
        entries.append((glob, tuple(codes)))
    return tuple(entries)


def _helper(value: object, where: str) -> str:
    expected = 'must be a string "module:function"'
    if not isinstance(value, str):
        raise ConfigError(f"{where} {expected}, got {_show(value)}")
    module, sep, function = value.partition(":")
    if not (sep and _is_dotted_name(module) and _is_dotted_name(function)):
        raise ConfigError(f"{where} {expected} (both parts dotted identifiers), got {_show(value)}")
    return value


def _size(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ConfigError(f"{where} must be a positive number of bytes, got {_show(value)}")
    return value


def _is_dotted_name(text: str) -> bool:
    parts = text.split(".")
    return all(part.isidentifier() and not keyword.iskeyword(part) for part in parts)


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {_show(close[0])}?)" if close else ""


def _show(value: object) -> str:
    """A TOML value as the user would recognise it: strings in double quotes."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)
