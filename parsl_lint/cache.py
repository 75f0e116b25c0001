"""The on-disk cache: one entry per linted file, reused while nothing it depends on changed.

Like ruff's, it lives in ``.parsl_lint_cache/`` at the project root (with a ``.gitignore`` that
ignores it all). An entry's key covers the file's bytes, the effective settings, the tool and
Python versions, and the digest of every project module the file imports, directly or not, so
editing an app's module invalidates exactly the files that import it. Writes are atomic (temp
file + ``os.replace``); an entry that cannot be read or does not match is ignored.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from parsl_lint import __version__
from parsl_lint.types import Applicability, Diagnostic, Edit, FileResult, Fix, Location, Outcome

CACHE_DIR = ".parsl_lint_cache"


def digest(*parts: str | bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part)
        h.update(b"\0")
    return h.hexdigest()


class Cache:
    """Per-file lint results on disk, under ``<directory>/<tool+python version>/``."""

    def __init__(self, directory: Path, settings_key: str) -> None:
        self.root = directory
        version = f"{__version__}-py{sys.version_info[0]}.{sys.version_info[1]}"
        self.directory = directory / version
        self.settings_key = settings_key
        self.hits = 0
        self.misses = 0

    def _entry(self, path: Path) -> Path:
        return self.directory / (digest(os.path.abspath(path))[:32] + ".json")

    def key(self, raw: bytes, dependencies: str) -> str:
        return digest(raw, self.settings_key, dependencies)

    def get(self, path: Path, key: str, shown: str) -> FileResult | None:
        try:
            data = json.loads(self._entry(path).read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError("stale")
            diagnostics = tuple(_diagnostic(d, shown) for d in data["diagnostics"])
            result = FileResult(shown, Outcome(data["outcome"]), diagnostics)
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, path: Path, key: str, result: FileResult) -> None:
        if result.outcome is Outcome.FAILED:
            return
        data = {
            "key": key,
            "outcome": result.outcome.value,
            "diagnostics": [_encode(d) for d in result.diagnostics],
        }
        try:
            self._ensure()
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
            os.replace(tmp, self._entry(path))
        except OSError:
            pass  # a read-only tree: run without the cache

    def load_scans(self) -> dict[str, list[Any]]:
        """The prefilter's per-file scans from the last run (keyed by path; checked by the
        index against each file's modification time and size before use)."""
        try:
            data = json.loads((self.directory / "index.json").read_text(encoding="utf-8"))
            scans = data["scans"] if data.get("root") == str(self.root) else {}
            return scans if isinstance(scans, dict) else {}
        except (OSError, ValueError, KeyError, TypeError):
            return {}

    def save_scans(self, scans: dict[str, list[Any]]) -> None:
        try:
            self._ensure()
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"root": str(self.root), "scans": scans}, handle)
            os.replace(tmp, self.directory / "index.json")
        except OSError:
            pass

    def _ensure(self) -> None:
        if not self.directory.is_dir():
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by parsl-lint\n*\n", encoding="utf-8")


def _loc(loc: Location) -> list[int]:
    return [loc.row, loc.column]


def _encode(d: Diagnostic) -> dict[str, Any]:
    fix = None
    if d.fix is not None:
        fix = {
            "message": d.fix.message,
            "applicability": d.fix.applicability.value,
            "edits": [[e.content, _loc(e.location), _loc(e.end_location)] for e in d.fix.edits],
            "imports": [list(i) for i in d.fix.imports],
        }
    return {
        "code": d.code,
        "name": d.name,
        "message": d.message,
        "location": _loc(d.location),
        "end_location": _loc(d.end_location),
        "fix": fix,
        "url": d.url,
        "noqa_row": d.noqa_row,
    }


def _diagnostic(data: dict[str, Any], shown: str) -> Diagnostic:
    fix = None
    if data["fix"] is not None:
        f = data["fix"]
        fix = Fix(
            f["message"],
            tuple(Edit(c, Location(*a), Location(*b)) for c, a, b in f["edits"]),
            Applicability(f["applicability"]),
            tuple((m, n) for m, n in f["imports"]),
        )
    return Diagnostic(
        code=data["code"],
        name=data["name"],
        message=data["message"],
        path=shown,
        location=Location(*data["location"]),
        end_location=Location(*data["end_location"]),
        fix=fix,
        url=data["url"],
        noqa_row=data["noqa_row"],
    )
