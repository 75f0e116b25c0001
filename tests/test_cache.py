"""The on-disk cache, the prefilter's scan cache and worker processes: same answers, less work."""

from __future__ import annotations

from pathlib import Path

from parsl_lint.ftypes import Diagnostic
from parsl_lint.session import PARALLEL_MIN_FILES, Session

APPS = "from parsl import python_app\n\n\n@python_app\ndef train(x):\n    return x\n"
USER = "from pkg.apps import train\n\nfut = train(1)\nfut.result()\n"
OTHER = "def helper():\n    return 1\n"


def _project(root: Path, users: int = 1) -> None:
    root.mkdir()
    (root / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "apps.py").write_text(APPS)
    for i in range(users):
        (pkg / f"user{i}.py").write_text(USER)
    (pkg / "other.py").write_text(OTHER)


def _check(root: Path, cache: Path | None, jobs: int = 1) -> tuple[list[Diagnostic], Session]:
    session = Session.create(
        [root], jobs=jobs, cache=cache is not None, cache_dir=cache, select=["PSL101"]
    )
    return session.check().diagnostics, session


def test_warm_run_reuses_every_entry_and_agrees(tmp_path: Path) -> None:
    _project(tmp_path / "p")
    cold, first = _check(tmp_path / "p", tmp_path / "cache")
    warm, second = _check(tmp_path / "p", tmp_path / "cache")
    assert cold == warm and len(cold) == 1
    assert first.cache is not None and first.cache.hits == 0
    assert second.cache is not None and second.cache.misses == 0 and second.cache.hits > 0
    assert (tmp_path / "cache" / ".gitignore").read_text().strip().endswith("*")


def test_changing_an_app_module_invalidates_its_importers(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root)
    cache = tmp_path / "cache"
    assert len(_check(root, cache)[0]) == 1
    # ``train`` is no longer an app: the importer's cached finding must not survive.
    (root / "pkg" / "apps.py").write_text("import parsl\n\n\ndef train(x):\n    return x\n")
    diagnostics, session = _check(root, cache)
    assert diagnostics == []
    assert session.cache is not None and session.cache.misses >= 1


def test_corrupt_entries_are_ignored(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root)
    cache = tmp_path / "cache"
    expected = _check(root, cache)[0]
    for entry in cache.rglob("*.json"):
        entry.write_text("{not json")
    assert _check(root, cache)[0] == expected


def test_workers_give_the_same_ordered_output(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root, users=PARALLEL_MIN_FILES + 2)
    one = _check(root, None, jobs=1)[0]
    two = _check(root, None, jobs=2)[0]
    assert len(one) == PARALLEL_MIN_FILES + 2
    assert one == two


def test_an_edit_invalidates_exactly_the_files_that_depend_on_it(tmp_path: Path) -> None:
    root = tmp_path / "p"
    _project(root)  # apps.py, user0.py (imports apps), other.py (no Parsl: never linted)
    pkg = root / "pkg"
    mid = "from pkg.apps import train\n\n\ndef start():\n    return train(1)\n"
    (pkg / "mid.py").write_text(mid)
    (pkg / "top.py").write_text("from pkg.mid import start\n\nstart().result()\n")
    (pkg / "solo.py").write_text("import parsl\n\nparsl.clear()\n")
    cache = tmp_path / "cache"
    cold, first = _check(root, cache)
    assert first.cache is not None and (first.cache.hits, first.cache.misses) == (0, 5)
    assert sorted(Path(d.path).name for d in cold) == ["top.py", "user0.py"]

    # apps.py changes: it, its importer, and the importers of its importer (transitively).
    (pkg / "apps.py").write_text(APPS + "\n\n@python_app\ndef other(x):\n    return x\n")
    again, second = _check(root, cache)
    assert second.cache is not None and (second.cache.hits, second.cache.misses) == (1, 4)
    assert again == cold

    # solo.py changes: nothing imports it, so only it is linted again.
    (pkg / "solo.py").write_text("import parsl\n\nparsl.clear()\nparsl.clear()\n")
    _, third = _check(root, cache)
    assert third.cache is not None and (third.cache.hits, third.cache.misses) == (4, 1)
