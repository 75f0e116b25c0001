"""Discovery: .gitignore, default and configured excludes, and paths named explicitly."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from parsl_lint.config import Settings, load_settings
from parsl_lint.discovery import _Walker, discover, discover_with_project, iter_project_files

RULES = {"PSL000": True, "PSL101": True, "PSL201": True, "PSL304": False, "PSL401": False}

PYPROJECT = """
[tool.parsl-lint]
extend-exclude = ["generated", "src/legacy/*.py", "/src/vendor"]
"""

# Every file of the fixture project, and whether walking the project finds it.
TREE = {
    "pyproject.toml": False,
    ".gitignore": False,
    "setup_helper.py": True,
    "src/app.py": True,
    "src/notes.pyi": False,
    "src/data.txt": False,
    "src/pkg/__init__.py": True,
    "src/pkg/.gitignore": False,
    "src/pkg/mod.py": True,
    "src/pkg/local_only.py": False,  # nested .gitignore
    "src/pkg/other_pb2.py": False,  # root .gitignore: *_pb2.py
    "src/pkg/keep_pb2.py": True,  # nested .gitignore re-includes it
    "src/generated/gen.py": False,  # extend-exclude by name, at any depth
    "src/legacy/old.py": False,  # extend-exclude glob, relative to the project root
    "src/legacy/sub/deep.py": True,  # ... whose * does not cross a slash
    "src/vendor/lib.py": False,  # extend-exclude, anchored
    "src/vendor/build/x.py": False,
    "ignored_dir/a.py": False,  # root .gitignore: ignored_dir/
    "build/gen.py": False,  # default exclude
    "build/.venv/x.py": False,
    ".venv/lib/python3.11/site-packages/parsl/__init__.py": False,
    "node_modules/pkg/x.py": False,
    "tests/test_app.py": True,
    "tests/__pycache__/cached.py": False,
    "bin/tool": False,  # no .py suffix
}
FOUND = sorted(path for path, found in TREE.items() if found)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    for relative in TREE:
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("", encoding="utf-8")
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (root / ".gitignore").write_text("# generated\nignored_dir/\n*_pb2.py\n", encoding="utf-8")
    (root / "src/pkg/.gitignore").write_text("local_only.py\n!keep_pb2.py\n", encoding="utf-8")
    return root


def settings_for(root: Path) -> Settings:
    settings = load_settings(None, [root], RULES)
    assert settings.project_root == root
    return settings


def relative(paths: list[Path], root: Path) -> list[str]:
    return [path.relative_to(root).as_posix() for path in paths]


def test_discover_project(project: Path) -> None:
    found = discover([project], settings_for(project))
    assert relative(found, project) == FOUND
    assert all(path.is_absolute() for path in found)


def test_discover_keeps_relative_form(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    settings = settings_for(project)
    assert [p.as_posix() for p in discover([Path(".")], settings)] == FOUND
    assert [p.as_posix() for p in discover([Path("src/pkg")], settings)] == [
        "src/pkg/__init__.py",
        "src/pkg/keep_pb2.py",
        "src/pkg/mod.py",
    ]


def test_iter_project_files_matches_discover(project: Path) -> None:
    settings = settings_for(project)
    assert iter_project_files(project, settings) == discover([project], settings)


def test_explicit_files_always_included(project: Path) -> None:
    named = [
        project / "build/gen.py",
        project / "ignored_dir/a.py",
        project / "src/pkg/other_pb2.py",
        project / "src/legacy/old.py",
        project / "bin/tool",
    ]
    found = discover(named, settings_for(project))
    assert sorted(relative(found, project)) == sorted(relative(named, project))


def test_explicit_excluded_directory_is_walked(project: Path) -> None:
    settings = settings_for(project)
    # "build" excludes the directory itself, not what is inside it; ".venv" still applies.
    assert relative(discover([project / "build"], settings), project) == ["build/gen.py"]
    # The same for a glob; "build" still excludes a directory of that name inside.
    assert relative(discover([project / "src/vendor"], settings), project) == ["src/vendor/lib.py"]
    assert relative(discover([project / "ignored_dir"], settings), project) == ["ignored_dir/a.py"]
    assert relative(discover([project / "src/legacy"], settings), project) == [
        "src/legacy/sub/deep.py"
    ]


def test_duplicates_removed_and_sorted(project: Path) -> None:
    settings = settings_for(project)
    found = discover([project / "src/pkg/mod.py", project / "src", project / "src/pkg"], settings)
    assert relative(found, project) == [p for p in FOUND if p.startswith("src/")]


def test_missing_path_raises(project: Path) -> None:
    with pytest.raises(FileNotFoundError, match="nope.py"):
        discover([project / "src", project / "nope.py"], settings_for(project))


def test_excluded_directories_are_not_listed(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scanned: list[str] = []
    real_scandir = os.scandir

    def recording_scandir(path: str) -> Any:
        scanned.append(os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", recording_scandir)
    discover([project], settings_for(project))
    real_root = Path(os.path.realpath(project))
    names = {Path(p).relative_to(real_root).as_posix() for p in scanned}
    assert "src/pkg" in names
    assert not {".venv", "build", "ignored_dir", "node_modules", "src/generated"} & names


def test_exclude_replaces_defaults(project: Path) -> None:
    settings = Settings(exclude=(), project_root=project)
    found = relative(discover([project], settings), project)
    assert ".venv/lib/python3.11/site-packages/parsl/__init__.py" in found
    assert "build/gen.py" in found
    assert "ignored_dir/a.py" not in found  # .gitignore still applies


def test_dir_only_pattern(project: Path) -> None:
    (project / "src" / "cache").mkdir()
    (project / "src" / "cache" / "x.py").write_text("", encoding="utf-8")
    (project / "src" / "cache.py").write_text("", encoding="utf-8")
    settings = Settings(extend_exclude=("cache/",), project_root=project)
    found = relative(discover([project / "src"], settings), project)
    assert "src/cache.py" in found
    assert "src/cache/x.py" not in found


def test_symlink_loop_terminates(project: Path) -> None:
    try:
        os.symlink(project / "src", project / "src" / "pkg" / "loop", target_is_directory=True)
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")
    found = discover([project / "src"], settings_for(project))
    names = relative(found, project)
    assert len(names) == len(set(names))
    assert {"src/app.py", "src/pkg/mod.py"} <= set(names)


def test_git_root_above_project(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git" / "info").mkdir(parents=True)
    (repo / ".git" / "info" / "exclude").write_text("secret.py\n", encoding="utf-8")
    (repo / ".gitignore").write_text("*_tmp.py\n/proj/top_only.py\n", encoding="utf-8")
    proj = repo / "proj"
    for name in ("pyproject.toml", "a.py", "a_tmp.py", "secret.py", "top_only.py", "s/b.py"):
        (proj / name).parent.mkdir(parents=True, exist_ok=True)
        (proj / name).write_text("", encoding="utf-8")
    (proj / "s" / "top_only.py").write_text("", encoding="utf-8")
    settings = Settings(project_root=proj)
    assert relative(discover([proj], settings), proj) == ["a.py", "s/b.py", "s/top_only.py"]
    assert relative(discover([proj / "s"], settings), proj) == ["s/b.py", "s/top_only.py"]


def test_gitignored_project_root_is_walked(tmp_path: Path) -> None:
    # e.g. linting a package inside .venv/site-packages: the named root is the project root.
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text(".env/\n*_gen.py\n", encoding="utf-8")
    root = tmp_path / ".env" / "pkg"
    root.mkdir(parents=True)
    for name in ("a.py", "b_gen.py"):
        (root / name).write_text("", encoding="utf-8")
    settings = Settings(project_root=root)
    assert relative(discover([root], settings), root) == ["a.py"]
    assert relative(iter_project_files(root, settings), root) == ["a.py"]


@pytest.mark.parametrize(
    "named",
    [
        ["."],
        ["src"],
        ["src/pkg", "tests"],
        ["src/vendor"],  # excluded itself: walked on its own, its patterns set aside
        ["ignored_dir", "src"],
        ["src/app.py", "src"],
        ["build/.venv", "src/generated/gen.py", "."],
    ],
)
def test_one_walk_gives_what_two_give(
    project: Path, monkeypatch: pytest.MonkeyPatch, named: list[str]
) -> None:
    monkeypatch.chdir(project)
    settings = settings_for(project)
    paths = [Path(p) for p in named]
    targets, files = discover_with_project(paths, settings)
    assert [str(p) for p in targets] == [str(p) for p in discover(paths, settings)]
    assert files == [str(p) for p in iter_project_files(project, settings)]


def test_one_walk_with_a_symlinked_directory(project: Path) -> None:
    (project / "linked").symlink_to(project / "src" / "pkg")
    settings = settings_for(project)
    paths = [project / "linked", project]
    targets, _ = discover_with_project(paths, settings)
    assert targets == [str(p) for p in discover(paths, settings)]


def test_the_project_walk_is_reused_only_where_it_applies(project: Path) -> None:
    walker = _Walker(settings_for(project))
    walker.walk(str(project), {})
    assert walker.walked_alike(os.path.realpath(project / "src" / "pkg"))
    assert not walker.walked_alike(os.path.realpath(project / "src" / "vendor"))  # excluded
    (project / "linked").symlink_to(project / "src" / "pkg")
    again = _Walker(settings_for(project))
    again.walk(str(project), {})
    assert not again.walked_alike(os.path.realpath(project / "src" / "pkg"))
