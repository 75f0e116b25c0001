"""The project index: small per-file state, the scan cache, and the same answers either way."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parsl_lint.model.index import prefilter as prefilter_module
from parsl_lint.model.project import ModuleInfo, Project

APPS = "from parsl import python_app\n\n\n@python_app\ndef double(x):\n    return 2 * x\n"
USER = "import json\nimport os\n\nfrom .apps import double\n\nfuture = double(1)\n"
PLAIN = "import json\nimport os\n\nX = 1\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Files written a moment ago are "racily clean"; these tests want their scans recorded.
    monkeypatch.setattr(prefilter_module, "RACY_NS", 0)
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "apps.py").write_text(APPS)
    (pkg / "user.py").write_text(USER)
    for i in range(3):
        (pkg / f"plain{i}.py").write_text(PLAIN)
    return tmp_path


def _files(root: Path) -> list[Path]:
    return sorted(root.rglob("*.py"))


def test_module_info_is_slotted_and_holds_a_string_path(root: Path) -> None:
    project = Project.from_files(root, _files(root))
    info = project.add_file(root / "pkg" / "apps.py")
    assert isinstance(info, ModuleInfo)
    assert not hasattr(info, "__dict__")
    assert info.path == os.path.abspath(root / "pkg" / "apps.py")
    assert isinstance(info.path, str)
    assert info.name == "pkg.apps"


def test_add_file_takes_a_path_or_a_string_in_any_form(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = Project.from_files(root, _files(root))
    info = project.add_file(root / "pkg" / "user.py")
    assert project.add_file(str(root / "pkg" / "user.py")) is info
    monkeypatch.chdir(root)
    assert project.add_file(Path("pkg/user.py")) is info
    assert project.add_file("pkg/../pkg/user.py") is info
    assert len(project.by_path) == len(_files(root))


def test_same_imports_are_shared_between_modules(root: Path) -> None:
    project = Project.from_files(root, _files(root))
    assert project.candidates() == {"pkg.apps", "pkg.user"}
    plain = [project.modules[f"pkg.plain{i}"] for i in range(3)]
    assert plain[0].imports == ("json", "os")
    assert all(p.imports is plain[0].imports for p in plain)
    assert project.modules["pkg.user"].imports == ("json", "os", "pkg.apps")


def test_scans_are_recorded_only_for_a_cache(root: Path) -> None:
    project = Project.from_files(root, _files(root))
    project.candidates()
    assert project.scanned == {}
    assert all(i.digest is None for i in project.by_path.values())


def test_scan_cache_round_trip_gives_the_same_answers(root: Path) -> None:
    cold = Project.from_files(root, _files(root))
    cold.scan_cache = {}
    assert cold.record_scans
    found = cold.candidates()
    user = cold.modules["pkg.user"]
    digest = cold.dependency_digest(user)
    written = json.dumps(cold.scanned)
    saved = json.loads(written)
    assert set(saved) == {os.path.abspath(p) for p in _files(root)}
    stat, entry = os.stat(root / "pkg" / "user.py"), saved[user.path]
    assert entry[:3] == [stat.st_mtime_ns, stat.st_size, False]
    assert entry[3] == [[0, "json"], [0, "os"], [1, "apps"]]

    warm = Project.from_files(root, _files(root))
    warm.scan_cache = saved
    assert warm.candidates() == found
    assert warm.dependency_digest(warm.modules["pkg.user"]) == digest
    assert warm.scanned == warm.scan_cache  # nothing changed: nothing to save
    assert json.dumps(warm.scanned) == written

    # Without a cache the digest is taken on demand, and is the same.
    bare = Project.from_files(root, _files(root))
    assert bare.dependency_digest(bare.modules["pkg.user"]) == digest
    assert bare.modules["pkg.plain0"].text is None


def test_a_malformed_scan_cache_entry_is_a_miss(root: Path) -> None:
    path = os.path.abspath(root / "pkg" / "apps.py")
    st = os.stat(path)
    project = Project.from_files(root, _files(root))
    project.scan_cache = {path: [st.st_mtime_ns, st.st_size, True, [["x"]], "00"]}
    assert "pkg.apps" in project.candidates()
    assert project.scanned[path][3] == ((0, "parsl"),)


def test_a_changed_text_is_scanned_again(root: Path) -> None:
    project = Project.from_files(root, _files(root))
    user = project.modules["pkg.user"]
    before = project.dependency_digest(user)
    changed = APPS + "import json\n"
    apps = project.add_file(root / "pkg" / "apps.py", text=changed)
    assert apps is project.modules["pkg.apps"]
    assert project.imported_modules(apps) == ("parsl", "json")
    assert project.dependency_digest(user) != before
    (root / "pkg" / "apps.py").write_text(changed)  # the same text, read from disk
    fresh = Project.from_files(root, _files(root))
    assert fresh.dependency_digest(fresh.modules["pkg.user"]) == project.dependency_digest(user)


def test_a_file_changed_just_before_the_run_is_not_recorded(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(prefilter_module, "RACY_NS", 2 * 10**9)
    (root / "pkg" / "user.py").write_text(USER)
    project = Project.from_files(root, _files(root))
    project.scan_cache = {}
    project.candidates()
    assert os.path.abspath(root / "pkg" / "user.py") not in project.scanned


def test_a_restored_modification_time_is_a_miss(root: Path) -> None:
    """New content of the same size with the old mtime (``cp -p``): the ctime differs."""
    cold = Project.from_files(root, _files(root))
    cold.scan_cache = {}
    cold.candidates()
    saved = json.loads(json.dumps(cold.scanned))
    user = root / "pkg" / "user.py"
    before = os.stat(user)
    user.write_text(USER.replace(".apps", ".appz"))  # same size, no longer imports the app
    os.utime(user, ns=(before.st_atime_ns, before.st_mtime_ns))
    warm = Project.from_files(root, _files(root))
    warm.scan_cache = saved
    warm.candidates()
    assert "pkg.user" in cold.candidates() and "pkg.user" not in warm.candidates()
    assert warm.scanned[os.path.abspath(user)] != saved[os.path.abspath(user)]


def _lint(root: Path, target: str) -> list[str]:
    from parsl_lint.session import Session

    session = Session.create([root / target], cache=False)
    return [f"{d.code}:{d.location.row}" for d in session.check().diagnostics]


RUN = "import parsl\nfrom apps import double\n\nparsl.load()\ndouble(1).result()\n"


def test_a_script_beside_a_stray_root_init_imports_its_sibling(tmp_path: Path) -> None:
    """An ``__init__.py`` at the project root makes no importable package of it: the scripts
    there run from their folder and import their siblings by bare name."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    (tmp_path / "__init__.py").write_text("")
    (tmp_path / "apps.py").write_text(APPS)
    (tmp_path / "run.py").write_text(RUN)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "__init__.py").write_text("")
    (tmp_path / "lib" / "tasks.py").write_text(APPS)
    (tmp_path / "run2.py").write_text(RUN.replace("from apps", "from lib.tasks"))
    assert _lint(tmp_path, "run.py") == ["PSL101:5"]
    assert _lint(tmp_path, "run2.py") == ["PSL101:5"]


def test_a_package_module_named_like_parsl_does_not_shadow_parsl(tmp_path: Path) -> None:
    """Inside a package, ``import parsl`` is the real Parsl, even beside ``pkg/parsl.py``, and
    a bare import is absolute: ``from apps import`` is not the sibling ``pkg/apps.py``."""
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'p'\nversion = '0'\n")
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "parsl.py").write_text(
        "from parsl.executors import HighThroughputExecutor\n\nHighThroughputExecutor()\n"
    )
    (pkg / "apps.py").write_text(APPS)
    (pkg / "flow.py").write_text(
        "from parsl import python_app\nfrom apps import double\n\n\n"
        "@python_app\ndef one():\n    return 1\n\n\none().result()\ndouble(1).result()\n"
    )
    from parsl_lint.session import Session

    session = Session.create(
        [pkg / "parsl.py", pkg / "flow.py"], cache=False, extend_select=["PSL401"]
    )
    found = [f"{Path(d.path).name}:{d.code}:{d.location.row}" for d in session.check().diagnostics]
    assert found == ["flow.py:PSL101:10", "parsl.py:PSL401:3"]


@pytest.mark.parametrize(
    ("text", "consumes"),
    [
        ("x = f.result()", True),
        ("f.exception()", True),
        ("f.exception(timeout=3)", True),
        ("done = [f for f in fs if f.done()]", True),
        ("f.add_done_callback(cb)", True),
        ("for d in fut.outputs: pass", True),
        ("wait(fs)", True),
        ("concurrent.futures.wait(fs)", True),
        ("for f in as_completed(fs): pass", True),
        ('logger.exception("failed")', False),
        ("log.exception(f'failed {x}')", False),
        ("proc.wait()", False),
        ("self.done()", False),
        ("self.outputs = outputs", False),
        ("x.outputs = []", False),
        ("await_all(x)", False),
    ],
)
def test_what_counts_as_consuming_a_future(text: str, consumes: bool) -> None:
    """The prefilter's text question (``consumes_futures``): a logger's ``exception``, a
    process's ``wait`` and a class's own ``self.done()`` are not a future's holder at work."""
    assert bool(prefilter_module._CONSUMES_FUTURES.search(text)) is consumes
