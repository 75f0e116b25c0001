"""The on-disk cache: one entry per linted file, reused while nothing it depends on changed.

Like ruff's, it lives in ``.parsl_lint_cache/`` at the project root (with a ``.gitignore`` that
ignores it all). An entry's key covers the file's bytes, the effective settings, the tool and
Python versions, and the digest of every project module the file imports, directly or not, so
editing an app's module invalidates exactly the files that import it. An entry also holds the
fingerprint of each project-wide question the file's rules asked (the project's configurations,
the modules defining the fix's helper...: see :mod:`parsl_lint.model.wide`), and is reused only
while each is unchanged. Writes are atomic (temp file + ``os.replace``); an entry that cannot be
read or does not match is ignored.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from pathlib import Path
from typing import Any, Callable

from parsl_lint.ftypes import FileResult, Outcome, diagnostic_from_json, diagnostic_to_json
from parsl_lint.snapshot import CACHE_DIR_NAME, VERSION_DIR, replace_atomically

CACHE_DIR = CACHE_DIR_NAME
#: The prefilter's scans of every project file (see ``Project.scan_cache``).
SCANS_FILE = "scans.marshal"
#: What callers pass the project's functions (see ``CallerFacts.export``).
FACTS_FILE = "facts.marshal"
#: Bumped when what an entry stores changes (entries of another layout are never read).
ENTRY_FORMAT = "3"  # 2: snippets, rule links, notebook rows, noqa warnings; 3: project-wide


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
        self.directory = directory / VERSION_DIR
        self.settings_key = settings_key
        self.hits = 0
        self.misses = 0

    def _entry(self, path: Path) -> Path:
        return self.directory / (digest(os.path.abspath(path))[:32] + ".json")

    def key(self, raw: bytes, dependencies: str) -> str:
        return digest(raw, self.settings_key, dependencies, ENTRY_FORMAT)

    def get(
        self, path: Path, key: str, shown: str, fingerprint: Callable[[str], str]
    ) -> FileResult | None:
        """The stored result, when its key matches and every project-wide question it
        recorded still has the same ``fingerprint``."""
        try:
            data = json.loads(self._entry(path).read_text(encoding="utf-8"))
            if data.get("key") != key:
                raise ValueError("stale")
            for scope, recorded in data["wide"].items():
                if fingerprint(scope) != recorded:
                    raise ValueError("stale")
            diagnostics = tuple(diagnostic_from_json(d, shown) for d in data["diagnostics"])
            warnings = tuple(str(w) for w in data.get("warnings", ()))
            result = FileResult(shown, Outcome(data["outcome"]), diagnostics, warnings=warnings)
        except (OSError, ValueError, KeyError, TypeError):
            self.misses += 1
            return None
        self.hits += 1
        return result

    def put(self, path: Path, key: str, result: FileResult, wide: dict[str, str]) -> None:
        """Store a result with the fingerprints of the project-wide questions it asked."""
        if result.outcome is Outcome.FAILED:
            return
        data = {
            "key": key,
            "wide": wide,
            "outcome": result.outcome.value,
            "diagnostics": [diagnostic_to_json(d) for d in result.diagnostics],
            "warnings": list(result.warnings),
        }
        try:
            self._ensure()
            # dumps: the C encoder; dump is not
            replace_atomically(str(self._entry(path)), json.dumps(data).encode("utf-8"))
        except OSError:
            pass  # a read-only tree: run without the cache

    def load_scans(self) -> dict[str, list[Any]]:
        """The prefilter's per-file scans from the last run (keyed by path; checked by the
        index against each file's modification time, size and status-change time before
        use). Stored with ``marshal``: several times faster than JSON for thousands of
        entries, and the cache directory is per Python version anyway."""
        return self._load(SCANS_FILE, "scans")

    def load_facts(self) -> dict[str, dict[str, tuple]]:
        """The model's parameter facts from the last run (``CallerFacts.export``; each is
        checked against what its callers are now before use)."""
        return self._load(FACTS_FILE, "facts")

    def save_facts(self, facts: dict[str, dict[str, tuple]]) -> None:
        self._save(FACTS_FILE, "facts", facts)

    def save_scans(self, scans: dict[str, list[Any]]) -> None:
        self._save(SCANS_FILE, "scans", scans)

    def _load(self, name: str, field: str) -> dict:
        """A ``marshal`` file of this cache directory, written for this project root (else,
        or when missing or corrupt, empty)."""
        try:
            data = marshal.loads((self.directory / name).read_bytes())
            found = data[field] if data.get("root") == str(self.root) else {}
            return found if isinstance(found, dict) else {}
        except (OSError, EOFError, ValueError, KeyError, TypeError, AttributeError):
            return {}

    def _save(self, name: str, field: str, value: dict) -> None:
        try:
            self._ensure()
            data = marshal.dumps({"root": str(self.root), field: value})
            replace_atomically(str(self.directory / name), data)
        except (OSError, ValueError):
            pass  # a read-only tree: run without it

    def ensure(self) -> bool:
        """Create the cache directory (and its ``.gitignore``); False when it cannot be."""
        try:
            self._ensure()
        except OSError:
            return False
        return True

    def _ensure(self) -> None:
        if not self.directory.is_dir():
            self.directory.mkdir(parents=True, exist_ok=True)
            ignore = self.root / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by parsl-lint\n*\n", encoding="utf-8")
