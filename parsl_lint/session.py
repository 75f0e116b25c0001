"""One invocation of ``check`` or ``fix``: settings, files, the shared index, the results.

The CLI turns options into a :class:`Session`; the session resolves the configuration, finds the
files, builds the project index once (from the whole project, even when only a few files are
named, as pre-commit does) and runs the linter or the fixer over every file.
"""

from __future__ import annotations

import os
import sys
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from parsl_lint.cache import CACHE_DIR, Cache, digest
from parsl_lint.config import (
    ConfigError,
    Settings,
    load_settings,
    parse_per_file_ignores,
    validate_selectors,
)
from parsl_lint.discovery import discover_with_project, iter_project_files
from parsl_lint.engine import Linter, SourceError, decode_source
from parsl_lint.ftypes import Diagnostic, FileResult, Outcome
from parsl_lint.notebook import is_notebook
from parsl_lint.rules import all_rules, defaults
from parsl_lint.snapshot import STORED_FORMATS, Watch, now_ns
from parsl_lint.snapshot import write as write_snapshot

if TYPE_CHECKING:
    from parsl_lint.fixer import FixResult

STDIN = Path("-")
#: Below this many files to lint, worker processes cost more than they save.
PARALLEL_MIN_FILES = 48

_WORKER_LINTER: Linter | None = None


#: Whether the workers fingerprint the questions each file asked (the run has a cache).
_WORKER_PRINTS = False

#: A file's result, the fingerprints of the project-wide questions its rules asked (see
#: ``model/wide.py``; only when the run has a cache), and the caller facts a worker process
#: worked out for it (the parent keeps them for next run).
Linted = tuple[int, FileResult, dict[str, str], dict]


def _lint_asking(
    linter: Linter, raw: bytes, path: str, shown: str, prints: bool
) -> tuple[FileResult, dict[str, str]]:
    """Lint one file, and fingerprint the project-wide questions its rules asked (where the
    answers are at hand: a worker's, not the parent's)."""
    wide = linter.project.wide
    wide.take()
    result = linter.lint_bytes(raw, path, shown)[0]
    asked = wide.take()
    return result, wide.fingerprints(asked) if prints else {}


def _lint_in_worker(item: tuple[int, str, str, bytes]) -> Linted:
    """Runs in a forked worker process, which inherited the parent's linter and index."""
    index, path, shown, raw = item
    assert _WORKER_LINTER is not None
    result, prints = _lint_asking(_WORKER_LINTER, raw, path, shown, _WORKER_PRINTS)
    return (index, result, prints, _WORKER_LINTER.project.callers.take_new())


def read_bytes(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


class SessionError(Exception):
    """A usage or configuration error: the CLI prints it and exits 2."""


@dataclass(frozen=True)
class FileOptions:
    """The command line's file options (ruff's): ``--extend-ignore``, ``--exclude``,
    ``--extend-exclude``, ``--per-file-ignores`` and ``--extend-per-file-ignores``."""

    extend_ignore: tuple[str, ...] = ()
    exclude: tuple[str, ...] | None = None
    extend_exclude: tuple[str, ...] = ()
    per_file_ignores: tuple[str, ...] = ()
    extend_per_file_ignores: tuple[str, ...] = ()


@dataclass
class CheckOutcome:
    diagnostics: list[Diagnostic]
    files_checked: int
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass
class FixOutcome:
    diffs: list[str] = field(default_factory=list)
    remaining: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    errors: list[str] = field(default_factory=list)
    applied: int = 0
    files_changed: int = 0
    held_back: int = 0
    stdin_text: str | None = None
    #: Files left unfixed for a reason that is not an error, and noqa warnings.
    warnings: list[str] = field(default_factory=list)
    #: The codes of the fixes applied, per file (``check --fix --show-fixes``).
    fixed_codes: dict[str, Counter[str]] = field(default_factory=dict)

    @property
    def would_change(self) -> bool:
        return self.files_changed > 0

    def summary(self, write: bool) -> str:
        files = f"{self.files_changed} file{'s' if self.files_changed != 1 else ''}"
        if write:
            text = f"Fixed {self.applied} error{'s' if self.applied != 1 else ''} in {files}"
        else:
            text = f"Would fix {self.applied} error{'s' if self.applied != 1 else ''} in {files}"
        text += f"; {len(self.remaining)} remaining" if write else ""
        if self.held_back:
            text += f" ({self.held_back} more fixable with --unsafe-fixes)"
        return text + "."


def _notes(results: Sequence[FileResult]) -> list[str]:
    """The warnings of skipped files (a file over ``max-file-size``)."""
    return [f"{r.path}: {r.error}" for r in results if r.outcome is Outcome.SKIPPED and r.error]


def display_path(path: str | Path) -> str:
    absolute = os.path.abspath(path)
    relative = os.path.relpath(absolute)
    return absolute if relative.startswith("..") else relative


@dataclass
class Session:
    settings: Settings
    linter: Linter
    targets: list[str]  # strings, not Paths: a large project has thousands
    stdin_name: Path | None = None
    use_stdin: bool = False
    jobs: int | None = None
    cache: Cache | None = None
    #: ``(run key, what the run depends on, when it started)`` when a snapshot is to be written.
    snapshot: tuple[str, Watch, int] | None = None
    #: Directories that could not be read while finding the files (each an error line).
    discovery_errors: list[str] = field(default_factory=list)

    @classmethod
    def create(
        cls,
        paths: Sequence[Path],
        config: Path | None = None,
        select: Sequence[str] | None = None,
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
        stdin_filename: Path | None = None,
        *,
        config_overrides: Sequence[str] = (),
        files: FileOptions | None = None,
        import_edits: bool = False,
        jobs: int | None = None,
        cache: bool = True,
        cache_dir: Path | None = None,
        snapshot_key: str | None = None,
    ) -> Session:
        """Resolve settings and files for a run. With ``snapshot_key`` (and the cache on),
        :meth:`check` also records a snapshot the next identical run can replay.
        ``config_overrides`` are ``--config KEY=VALUE`` pairs; ``files`` the command line's
        exclude and per-file-ignores options."""
        files = files or FileOptions()
        started = now_ns()
        use_stdin = STDIN in paths
        if use_stdin and len(paths) > 1:
            raise SessionError("`-` (standard input) cannot be combined with other paths")
        anchor = [stdin_filename] if use_stdin and stdin_filename else list(paths)
        if use_stdin and not stdin_filename:
            anchor = []
        known = defaults()
        try:
            settings = load_settings(config, anchor, known, config_overrides)
            for option, values in (
                ("--select", select or ()),
                ("--ignore", ignore),
                ("--extend-select", extend_select),
                ("--extend-ignore", files.extend_ignore),
            ):
                validate_selectors(values, option, option, known)
            per_file = files.per_file_ignores
            settings = settings.with_overrides(
                select,
                (*ignore, *files.extend_ignore),
                extend_select,
                exclude=files.exclude,
                extend_exclude=files.extend_exclude,
                per_file_ignores=(
                    parse_per_file_ignores(per_file, "--per-file-ignores", known)
                    if per_file
                    else None
                ),
                extend_per_file_ignores=parse_per_file_ignores(
                    files.extend_per_file_ignores, "--extend-per-file-ignores", known
                ),
            )
        except ConfigError as exc:
            raise SessionError(str(exc)) from exc
        enabled = settings.enabled_codes(known)
        store = None
        if cache and not use_stdin:
            key = digest(repr(settings), ",".join(sorted(enabled)), str(import_edits))
            store = Cache(cache_dir or settings.project_root / CACHE_DIR, key)
        watch = None
        if store is not None and snapshot_key is not None and store.ensure():
            # The cache directory exists before the walk, so creating it changes no mtime the
            # snapshot records.
            watch = Watch()
            watch.add_ancestors(os.fspath(paths[0]) if paths else os.curdir)
            for read in (config, *settings.config_files):
                if read is not None:
                    watch.probes.add(os.path.abspath(read))
        targets: list[str] = []
        unreadable: list[str] = []
        if use_stdin:
            project_files = (
                iter_project_files(settings.project_root, settings, errors=unreadable)
                if settings.project_root.is_dir()  # `--stdin-filename` may name a new folder
                else []
            )
        else:
            try:
                targets, project_files = discover_with_project(
                    list(paths) or [Path(".")], settings, watch, unreadable
                )
            except FileNotFoundError as exc:
                raise SessionError(f"no such file or directory: {exc.filename or exc}") from exc
        linter = Linter.create(settings, enabled, [*project_files, *targets])
        linter.import_edits = import_edits
        if store is not None:
            linter.project.scan_cache = store.load_scans()
            # The last run's parameter facts, each used only while its callers are unchanged.
            linter.project.callers.load(store.load_facts())
            linter.project.callers.fingerprint = linter.project.wide.fingerprint
        snapshot = (snapshot_key, watch, started) if snapshot_key and watch else None
        if unreadable:
            snapshot = None  # a run with errors is never replayed
        session = cls(settings, linter, targets, stdin_filename, use_stdin, jobs, store, snapshot)
        session.discovery_errors = unreadable
        return session

    def rule_summaries(self) -> dict[str, str]:
        return {code: rule.summary for code, rule in all_rules().items()}

    # -- check ----------------------------------------------------------------------------

    def _stdin(self) -> tuple[str, str, Path | None, FileResult | None]:
        """Standard input: its text, its name, its path, and a result when it cannot be
        decoded (a ``PSL000`` as for a file; the text then keeps the bytes as they came)."""
        raw = sys.stdin.buffer.read()
        name = str(self.stdin_name) if self.stdin_name else "-"
        path = self.stdin_name.resolve() if self.stdin_name else None
        try:
            text = decode_source(raw, name).text
        except SourceError as exc:
            failed = self.linter.unreadable(name, str(exc), exc.location)
            return raw.decode("utf-8", "surrogateescape"), name, path, failed
        return text, name, path, None

    def _lint_targets(self, progress: Callable[[int], None] | None) -> list[FileResult | None]:
        """Lint every target: prefilter, cache, then in-process or in worker processes. The
        results are in the order of the targets; a file the prefilter skips gets None, not a
        result object (most files of a large project)."""
        results: list[FileResult | None] = [None] * len(self.targets)
        keys: dict[int, str] = {}
        work: list[tuple[int, str, str, bytes]] = []
        for i, path in enumerate(self.targets):
            if not self.linter.is_candidate(path):
                continue
            shown = display_path(path)
            try:
                raw = read_bytes(path)
            except OSError as exc:
                results[i] = FileResult(shown, Outcome.FAILED, error=f"cannot read: {exc}")
                continue
            if self.cache is not None:
                info = self.linter.project.add_file(path)
                keys[i] = self.cache.key(raw, self.linter.project.dependency_digest(info))
                hit = self.cache.get(path, keys[i], shown, self.linter.project.wide.fingerprint)
                if hit is not None:
                    results[i] = hit
                    continue
            work.append((i, path, shown, raw))
        if progress is not None:
            progress(len(self.targets) - len(work))
        for i, result, prints, facts in self._run(work, progress):
            results[i] = result
            if facts:
                self.linter.project.callers.adopt(facts)
            if self.cache is not None and i in keys:
                self.cache.put(self.targets[i], keys[i], result, prints)
        if self.cache is not None and self.linter.project.scanned != self.linter.project.scan_cache:
            self.cache.save_scans(self.linter.project.scanned)
        if self.cache is not None and work:
            self.cache.save_facts(self.linter.project.callers.export())
        return results

    def _run(
        self, work: list[tuple[int, str, str, bytes]], progress: Callable[[int], None] | None
    ) -> Iterator[Linted]:
        self.linter.release_trees = len(work) > 1
        jobs = self.jobs if self.jobs else (os.cpu_count() or 1)
        parallel = jobs > 1 and len(work) >= PARALLEL_MIN_FILES
        if parallel:
            import multiprocessing  # only here: it costs a one-file run a tenth of its start-up

            parallel = "fork" in multiprocessing.get_all_start_methods()
        if not parallel:
            for i, path, shown, raw in work:
                prints = self.cache is not None
                yield (i, *_lint_asking(self.linter, raw, path, shown, prints), {})
                if progress is not None:
                    progress(1)
            return
        global _WORKER_LINTER, _WORKER_PRINTS
        project = self.linter.project
        for _, path, _, _ in work:
            project.add_file(path)
        _WORKER_LINTER = self.linter  # inherited by the forked workers, never pickled
        _WORKER_PRINTS = self.cache is not None
        try:
            with multiprocessing.get_context("fork").Pool(min(jobs, len(work))) as pool:
                # Neighbouring files share imports and callers: a worker that lints a run of
                # them works out what they share once (small chunks spread each pair over
                # both workers); four chunks a worker keep the load even.
                chunk = max(4, -(-len(work) // (jobs * 4)))
                for item in pool.imap_unordered(_lint_in_worker, work, chunksize=chunk):
                    yield item
                    if progress is not None:
                        progress(1)
        finally:
            _WORKER_LINTER = None

    def check(self, progress: Callable[[int], None] | None = None) -> CheckOutcome:
        results: list[FileResult] = []
        checked = 1
        if self.use_stdin:
            text, name, path, failed = self._stdin()
            results.append(failed or self.linter.lint_source(text, name, path))
        else:
            results = [r for r in self._lint_targets(progress) if r is not None]
            checked = len(self.targets)
        diagnostics = sorted((d for r in results for d in r.diagnostics), key=Diagnostic.sort_key)
        errors = [f"{r.path}: {r.error}" for r in results if r.outcome is Outcome.FAILED]
        errors = [*self.discovery_errors, *errors]
        warnings = [*_notes(results), *(w for r in results for w in r.warnings)]
        if self.snapshot is not None and self.cache is not None and not errors and not warnings:
            key, watch, started = self.snapshot
            write_snapshot(
                str(self.cache.root),
                key,
                watch,
                started,
                files_checked=checked,
                diagnostics=diagnostics,
                summaries=self.rule_summaries(),
                formats=STORED_FORMATS[self.linter.import_edits],
            )
        return CheckOutcome(diagnostics, checked, errors, warnings)

    # -- fix ------------------------------------------------------------------------------

    def fix(self, write: bool, unsafe: bool) -> FixOutcome:
        from parsl_lint.fixer import FixError, clean_temps, unified_diff, write_atomic

        outcome = FixOutcome(errors=list(self.discovery_errors))
        if self.use_stdin:
            text, name, path, failed = self._stdin()
            size = len(text.encode("utf-8", "surrogateescape"))
            too_large = None
            if failed is None and size > self.settings.max_file_size:
                too_large = self.linter.too_large(name, size)
            if failed is not None or too_large is not None or is_notebook(name):  # not rewritten
                found = failed or too_large or self.linter.lint_source(text, name, path)
                outcome.remaining.extend(found.diagnostics)
                outcome.warnings.extend(_notes([found]))
                outcome.stdin_text = text
                return outcome
            result = self._fix_one(text, name, path, unsafe, outcome)
            outcome.stdin_text = result.fixed if result else text
            if not write and result is not None and result.changed:
                outcome.diffs.append(unified_diff(name, result.original, result.fixed))
            return outcome
        # The same lint as ``check`` (prefilter, cache, workers) decides which files have
        # something to fix; only those are read again and rewritten.
        outcome.files_checked = len(self.targets)
        if write:  # what a run killed while writing left behind
            clean_temps(sorted({os.path.dirname(os.path.realpath(p)) for p in self.targets}))
        for path, first in zip(self.targets, self._lint_targets(None)):
            if first is None:
                continue
            shown = first.path
            outcome.warnings.extend(_notes([first]))
            outcome.warnings.extend(first.warnings)
            if first.outcome is Outcome.FAILED:
                outcome.errors.append(f"{shown}: {first.error}")
                continue
            if not any(d.fix for d in first.diagnostics):
                outcome.remaining.extend(first.diagnostics)
                self._why_unfixed(path, shown, first.diagnostics, outcome)
                continue
            try:
                source = decode_source(read_bytes(path), shown)
            except (OSError, SourceError) as exc:  # changed since it was linted
                outcome.errors.append(f"{shown}: cannot read: {exc}")
                continue
            result = self._fix_one(source.text, shown, path, unsafe, outcome)
            if result is None or not result.changed:
                continue
            if write:
                try:
                    write_atomic(Path(path), source, result.fixed)
                except FixError as exc:
                    outcome.errors.append(f"{shown}: {exc}")
                    continue
                except (OSError, ValueError) as exc:
                    outcome.errors.append(f"{shown}: not written: {exc}")
                    continue
            else:
                outcome.diffs.append(unified_diff(shown, result.original, result.fixed))
        outcome.remaining.sort(key=Diagnostic.sort_key)
        return outcome

    def _why_unfixed(
        self, path: str, shown: str, diagnostics: Sequence[Diagnostic], outcome: FixOutcome
    ) -> None:
        """A note for a file whose findings a rule could fix but the fixer will not touch."""
        rules = all_rules()
        if not any(rules[d.code].fixable for d in diagnostics if d.code in rules):
            return
        from parsl_lint.fixer import unfixable_reason

        try:
            text = decode_source(read_bytes(path), shown).text
        except (OSError, SourceError):
            return
        reason = unfixable_reason(text)
        if reason is not None:
            outcome.warnings.append(f"{shown}: not fixed: {reason}")

    def _fix_one(
        self, text: str, shown: str, path: str | Path | None, unsafe: bool, outcome: FixOutcome
    ) -> FixResult | None:
        def lint(current: str) -> list[Diagnostic]:
            result = self.linter.lint_text(current, shown, path)
            if result.outcome is Outcome.FAILED:
                raise RuntimeError(result.error)
            return list(result.diagnostics)

        from parsl_lint.fixer import fix_text

        try:
            result = fix_text(text, shown, lint, unsafe, self.linter.first_party)
        except RuntimeError as exc:
            outcome.errors.append(f"{shown}: {exc}")
            return None
        finally:
            if path is not None:
                # Leave the index describing the file as it is on disk until it is written.
                self.linter.module_for(path, text)
        if result.error:
            outcome.errors.append(f"{shown}: {result.error}")
        if result.note:
            outcome.warnings.append(f"{shown}: {result.note}")
        outcome.remaining.extend(result.remaining)
        outcome.held_back += result.held_back
        if result.changed:
            outcome.applied += result.applied
            outcome.files_changed += 1
            outcome.fixed_codes.setdefault(shown, Counter()).update(result.applied_codes)
        return result
