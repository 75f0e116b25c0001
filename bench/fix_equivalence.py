"""Whole-corpus fix-equivalence check: ``fix --write`` over real code, then the fixer's promises.

    python bench/fix_equivalence.py                  # the installed parsl package
    python bench/fix_equivalence.py ~/src/a ~/src/b  # and these folders too
    python bench/fix_equivalence.py --no-parsl DIR   # only DIR

Each corpus is copied to a temporary directory (tools skip site-packages, and the originals
are never touched), then fixed in-process as ``parsl-lint fix --write --select PSL101,PSL102``
does (``--unsafe-fixes`` and ``--select`` change that). For every Python file the check then
asks:

* does the fixed file compile?
* is its AST the original's but for the intended rewrites (``parsl_lint.equivalence``)?
* does a second ``fix --write`` change nothing?

and prints the counts: files, files changed, sites rewritten (helper calls added), compile
failures, AST mismatches, second-run changes and errors, naming each file that failed. It is
opt-in (not part of the test-suite): a corpus of thousands of files takes minutes.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from parsl_lint.equivalence import HELPER, normal_form
from parsl_lint.session import Session


@dataclass
class Counts:
    files: int = 0
    changed: int = 0
    sites: int = 0
    compile_failures: list[str] = field(default_factory=list)
    ast_mismatches: list[str] = field(default_factory=list)
    second_run_changes: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def fix(root: Path, select: list[str], unsafe: bool) -> tuple[int, list[str]]:
    session = Session.create(paths=[root], select=select, cache=False)
    outcome = session.fix(write=True, unsafe=unsafe)
    return outcome.files_changed, outcome.errors


def check_corpus(source: Path, select: list[str], unsafe: bool) -> Counts:
    counts = Counts()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / source.name
        shutil.copytree(source, root, ignore=shutil.ignore_patterns("__pycache__", ".git"))
        if not (root / "pyproject.toml").exists():
            (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")  # its own project
        files = python_files(root)
        before = {p: p.read_bytes() for p in files}
        counts.files = len(files)
        _, errors = fix(root, select, unsafe)
        counts.errors.extend(errors)
        after = {p: p.read_bytes() for p in files}
        for path in files:
            if after[path] == before[path]:
                continue
            shown = str(path.relative_to(root))
            counts.changed += 1
            text = after[path].decode("utf-8", "replace")
            counts.sites += text.count(f"{HELPER}(") - before[path].decode(
                "utf-8", "replace"
            ).count(f"{HELPER}(")
            try:
                compile(after[path], shown, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as exc:
                counts.compile_failures.append(f"{shown}: {exc}")
                continue
            try:
                same = normal_form(text) == normal_form(before[path].decode("utf-8", "replace"))
            except (SyntaxError, ValueError, RecursionError):
                same = False
            if not same:
                counts.ast_mismatches.append(shown)
        _, errors = fix(root, select, unsafe)
        counts.errors.extend(f"second run: {e}" for e in errors)
        for path in files:
            if path.read_bytes() != after[path]:
                counts.second_run_changes.append(str(path.relative_to(root)))
    return counts


def report(label: str, counts: Counts) -> None:
    print(f"\n## {label}\n")
    print(
        "| files | changed | sites | compile failures | AST mismatches | second-run changes "
        "| errors |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(
        f"| {counts.files} | {counts.changed} | {counts.sites} | "
        f"{len(counts.compile_failures)} | {len(counts.ast_mismatches)} | "
        f"{len(counts.second_run_changes)} | {len(counts.errors)} |"
    )
    for kind, items in (
        ("compile failure", counts.compile_failures),
        ("AST mismatch", counts.ast_mismatches),
        ("second-run change", counts.second_run_changes),
        ("error", counts.errors),
    ):
        for item in items:
            print(f"- {kind}: {item}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="more corpora to check")
    parser.add_argument("--no-parsl", action="store_true", help="skip the parsl package")
    parser.add_argument("--select", default="PSL101,PSL102", help="the rules whose fixes run")
    parser.add_argument("--unsafe-fixes", action="store_true")
    args = parser.parse_args()
    select = [c.strip() for c in args.select.split(",") if c.strip()]
    corpora: list[tuple[str, Path]] = []
    spec = importlib.util.find_spec("parsl")
    if not args.no_parsl and spec and spec.submodule_search_locations:
        corpora.append(
            ("installed parsl package", Path(next(iter(spec.submodule_search_locations))))
        )
    corpora.extend((str(folder), folder) for folder in args.folders)
    failed = False
    total = Counts()
    for label, folder in corpora:
        counts = check_corpus(folder, select, args.unsafe_fixes)
        report(label, counts)
        total.files += counts.files
        total.changed += counts.changed
        total.sites += counts.sites
        for name in ("compile_failures", "ast_mismatches", "second_run_changes", "errors"):
            getattr(total, name).extend(getattr(counts, name))
    if len(corpora) > 1:
        report("all corpora", total)
    failed = bool(
        total.compile_failures or total.ast_mismatches or total.second_run_changes or total.errors
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
