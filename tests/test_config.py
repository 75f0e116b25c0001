"""Configuration: every key of [tool.parsl-lint], rule selection, and named errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from parsl_lint.config import (
    DEFAULT_EXCLUDES,
    DEFAULT_HELPER,
    ConfigError,
    Settings,
    find_config,
    find_project_root,
    load_settings,
    validate_selectors,
)

RULES = {"PSL000": True, "PSL101": True, "PSL201": True, "PSL304": False, "PSL401": False}
DEFAULT_ON = {"PSL000", "PSL101", "PSL201"}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- rule selection


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(Settings(), DEFAULT_ON, id="defaults"),
        pytest.param(Settings(select=("PSL1",)), {"PSL000", "PSL101"}, id="select-prefix"),
        pytest.param(Settings(select=("PSL",)), DEFAULT_ON, id="prefix-skips-off-by-default"),
        pytest.param(Settings(select=("ALL",)), DEFAULT_ON, id="all-is-default-on"),
        pytest.param(Settings(select=()), {"PSL000"}, id="select-nothing-keeps-syntax-error"),
        pytest.param(
            Settings(extend_select=("PSL401",)), DEFAULT_ON | {"PSL401"}, id="exact-opts-in"
        ),
        pytest.param(Settings(extend_select=("PSL4",)), DEFAULT_ON, id="prefix-does-not-opt-in"),
        pytest.param(
            Settings(select=("PSL304", "PSL1")),
            {"PSL000", "PSL101", "PSL304"},
            id="select-exact-off-by-default",
        ),
        pytest.param(Settings(ignore=("PSL101",)), {"PSL000", "PSL201"}, id="ignore-exact"),
        pytest.param(Settings(ignore=("PSL000",)), {"PSL101", "PSL201"}, id="ignore-psl000"),
        pytest.param(Settings(ignore=("ALL",)), set(), id="ignore-all"),
        pytest.param(Settings(select=("PSL401",), ignore=("PSL4",)), {"PSL000"}, id="ignore-wins"),
        pytest.param(
            Settings(extend_select=("PSL101",), ignore=("PSL1",)),
            {"PSL000", "PSL201"},
            id="ignore-prefix-wins-over-exact",
        ),
    ],
)
def test_enabled_codes(settings: Settings, expected: set[str]) -> None:
    assert settings.enabled_codes(RULES) == expected


def test_syntax_error_enabled_even_when_not_a_known_rule() -> None:
    rules = {"PSL101": True}
    assert Settings(select=("PSL1",)).enabled_codes(rules) == {"PSL000", "PSL101"}


def test_with_overrides_select_replaces_ignore_and_extend_add() -> None:
    base = Settings(select=("PSL1",), ignore=("PSL201",), extend_select=("PSL401",))
    assert base.with_overrides() == base
    added = base.with_overrides(ignore=["PSL101"], extend_select=["PSL304"])
    assert added.select == ("PSL1",)
    assert added.ignore == ("PSL201", "PSL101")
    assert added.extend_select == ("PSL401", "PSL304")
    assert added.enabled_codes(RULES) == {"PSL000", "PSL304", "PSL401"}
    # --select replaces the configured selection (including its extend-select).
    replaced = base.with_overrides(select=["PSL2"])
    assert replaced.select == ("PSL2",)
    assert replaced.extend_select == ()
    assert replaced.ignore == ("PSL201",)
    assert replaced.enabled_codes(RULES) == {"PSL000"}


# --------------------------------------------------------------------------- locating files


def test_find_config_skips_pyproject_without_table(tmp_path: Path) -> None:
    top = write(tmp_path / "pyproject.toml", '[tool.parsl-lint]\nselect = ["PSL1"]\n')
    write(tmp_path / "pkg" / "pyproject.toml", '[project]\nname = "pkg"\n')
    module = write(tmp_path / "pkg" / "src" / "mod.py", "")
    assert find_config(module) == top
    assert find_config(module.parent) == top
    assert find_config(tmp_path) == top


def test_find_config_stops_at_nearest_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.parsl-lint]\n")
    inner = write(tmp_path / "pkg" / "pyproject.toml", "[tool.parsl-lint]\n")
    assert find_config(tmp_path / "pkg") == inner


def test_find_config_none_without_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.ruff]\nline-length = 100\n")
    if any((p / "pyproject.toml").exists() for p in tmp_path.parents):
        pytest.skip("an ancestor of the temporary directory holds a pyproject.toml")
    assert find_config(tmp_path) is None


def test_find_config_rejects_misspelt_table(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", "[tool.parsl_lint]\nselect = []\n")
    with pytest.raises(ConfigError, match=r"pyproject\.toml.*\[tool\.parsl-lint\]"):
        find_config(tmp_path)


@pytest.mark.parametrize("marker", ["pyproject.toml", "setup.py", "setup.cfg", ".git", ".hg"])
def test_find_project_root_markers(tmp_path: Path, marker: str) -> None:
    root = tmp_path / "proj"
    (root / "src" / "pkg").mkdir(parents=True)
    if marker.startswith("."):
        (root / marker).mkdir()
    else:
        write(root / marker, "")
    module = write(root / "src" / "pkg" / "mod.py", "")
    assert find_project_root([module]) == root
    assert find_project_root([root / "src"]) == root


def test_find_project_root_without_markers(tmp_path: Path) -> None:
    markers = ("pyproject.toml", "setup.py", "setup.cfg", ".git", ".hg")
    if any((p / m).exists() for p in (tmp_path, *tmp_path.parents) for m in markers):
        pytest.skip("an ancestor of the temporary directory looks like a project root")
    module = write(tmp_path / "src" / "mod.py", "")
    assert find_project_root([module]) == tmp_path / "src"
    assert find_project_root([tmp_path / "src"]) == tmp_path / "src"


def test_find_project_root_defaults_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "setup.cfg", "")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    assert find_project_root([]) == tmp_path


# --------------------------------------------------------------------------- loading


FULL_TABLE = """
[project]
name = "demo"

[tool.parsl-lint]
select = ["PSL1", "PSL2"]
ignore = ["PSL201"]
extend-select = ["PSL401"]
exclude = ["vendored"]
extend-exclude = ["generated/", "src/legacy/*.py"]
helper = "myproj.debug:unwrap"

[tool.parsl-lint.per-file-ignores]
"tests/*.py" = ["PSL1"]
"**/test_*.py" = ["PSL201"]
"conftest.py" = ["ALL"]
"scripts/" = ["PSL101", "PSL2"]
"!src/**" = ["PSL401"]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    write(tmp_path / "pyproject.toml", FULL_TABLE)
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    return tmp_path


def test_load_settings_reads_every_key(project: Path) -> None:
    settings = load_settings(None, [project / "src" / "pkg"], RULES)
    assert settings.config_path == project / "pyproject.toml"
    assert settings.project_root == project
    assert settings.select == ("PSL1", "PSL2")
    assert settings.ignore == ("PSL201",)
    assert settings.extend_select == ("PSL401",)
    assert settings.exclude == ("vendored",)
    assert settings.extend_exclude == ("generated/", "src/legacy/*.py")
    assert settings.helper == "myproj.debug:unwrap"
    # Prefixes are expanded to the known codes they cover (off-by-default ones included).
    assert dict(settings.per_file_ignores) == {
        "tests/*.py": ("PSL101",),
        "**/test_*.py": ("PSL201",),
        "conftest.py": tuple(sorted(RULES)),
        "scripts/": ("PSL101", "PSL201"),
        "!src/**": ("PSL401",),
    }
    assert settings.enabled_codes(RULES) == {"PSL000", "PSL101", "PSL401"}


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        pytest.param("tests/test_app.py", {"PSL101", "PSL201", "PSL401"}, id="two-globs"),
        pytest.param("tests/sub/helpers.py", {"PSL401"}, id="star-does-not-cross-slash"),
        pytest.param("src/pkg/test_mod.py", {"PSL201"}, id="double-star"),
        pytest.param("src/pkg/mod.py", set(), id="no-match"),
        pytest.param("src/deep/conftest.py", set(RULES), id="bare-filename-any-depth"),
        pytest.param("scripts/run/go.py", {"PSL101", "PSL201", "PSL401"}, id="directory"),
        pytest.param("app.py", {"PSL401"}, id="negated"),
    ],
)
def test_ignored_for(project: Path, relative: str, expected: set[str]) -> None:
    settings = load_settings(None, [project], RULES)
    assert settings.ignored_for(project / relative) == expected


def test_ignored_for_relative_path(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = load_settings(None, [project], RULES)
    monkeypatch.chdir(project / "src")
    assert settings.ignored_for(Path("pkg/test_mod.py")) == {"PSL201"}
    assert settings.ignored_for(Path("../tests/x.py")) == {"PSL101", "PSL401"}


def test_ignored_for_empty() -> None:
    assert Settings().ignored_for(Path("tests/test_x.py")) == frozenset()


def test_load_settings_defaults_without_config(tmp_path: Path) -> None:
    write(tmp_path / "setup.py", "")
    module = write(tmp_path / "pkg" / "mod.py", "")
    settings = load_settings(None, [module], RULES)
    if settings.config_path is not None:
        pytest.skip(f"an ancestor holds a parsl-lint config: {settings.config_path}")
    assert settings == Settings(project_root=tmp_path)
    assert settings.exclude == DEFAULT_EXCLUDES
    assert settings.helper == DEFAULT_HELPER
    assert {".venv", "build", ".git", "node_modules"} <= set(DEFAULT_EXCLUDES)


def test_load_settings_explicit_standalone_file(tmp_path: Path) -> None:
    config = write(
        tmp_path / "conf" / "parsl-lint.toml",
        'select = ["PSL2"]\n[per-file-ignores]\n"x.py" = ["PSL201"]\n',
    )
    write(tmp_path / "proj" / "pyproject.toml", '[tool.parsl-lint]\nselect = ["PSL1"]\n')
    settings = load_settings(config, [tmp_path / "proj"], RULES)
    assert settings.select == ("PSL2",)
    assert settings.config_path == config
    assert settings.project_root == tmp_path / "proj"
    assert settings.ignored_for(tmp_path / "proj" / "x.py") == {"PSL201"}


def test_load_settings_explicit_pyproject(tmp_path: Path) -> None:
    config = write(tmp_path / "other" / "pyproject.toml", '[tool.parsl-lint]\nignore = ["PSL"]\n')
    settings = load_settings(config, [tmp_path], RULES)
    assert settings.ignore == ("PSL",)
    assert settings.project_root == tmp_path / "other"
    assert settings.enabled_codes(RULES) == frozenset()


def test_load_settings_explicit_pyproject_without_table(tmp_path: Path) -> None:
    config = write(tmp_path / "pyproject.toml", '[project]\nname = "x"\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml: no \[tool\.parsl-lint\] table"):
        load_settings(config, [tmp_path], RULES)


def test_load_settings_missing_config_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.toml: cannot read"):
        load_settings(tmp_path / "nope.toml", [tmp_path], RULES)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            'selectt = ["PSL1"]',
            '[tool.parsl-lint] unknown key "selectt" (did you mean "select"?)',
            id="unknown-key",
        ),
        pytest.param(
            'extend_select = ["PSL1"]',
            'unknown key "extend_select" (did you mean "extend-select"?)',
            id="snake-case-key",
        ),
        pytest.param(
            'ignore = ["PSL999"]',
            '[tool.parsl-lint] key "ignore": unknown rule code or prefix "PSL999"',
            id="unknown-code",
        ),
        pytest.param(
            'select = ["psl101"]',
            'key "select": unknown rule code or prefix "psl101" (codes are upper-case: "PSL101")',
            id="lower-case-code",
        ),
        pytest.param(
            'extend-select = ["PS"]',
            'key "extend-select": unknown rule code or prefix "PS"',
            id="partial-letters",
        ),
        pytest.param(
            'select = "PSL1"',
            'key "select" must be a list of rule codes, got "PSL1"',
            id="select-not-a-list",
        ),
        pytest.param(
            'exclude = ["build", 3]',
            'key "exclude" must be a list of strings, got ["build", 3]',
            id="exclude-wrong-item",
        ),
        pytest.param(
            'extend-exclude = ""',
            'key "extend-exclude" must be a list of strings',
            id="extend-exclude-string",
        ),
        pytest.param(
            "helper = 3",
            '[tool.parsl-lint] key "helper" must be a string "module:function", got 3',
            id="helper-type",
        ),
        pytest.param(
            'helper = "parsl_lint.runtime.unwrap"',
            'key "helper" must be a string "module:function"',
            id="helper-no-colon",
        ),
        pytest.param(
            'helper = "my-pkg:unwrap"',
            'key "helper" must be a string "module:function"',
            id="helper-not-identifier",
        ),
        pytest.param(
            'per-file-ignores = ["tests/*.py"]',
            'key "per-file-ignores" must be a table',
            id="per-file-ignores-type",
        ),
        pytest.param(
            '[tool.parsl-lint.per-file-ignores]\n"tests/*.py" = ["PSL9"]',
            'key "per-file-ignores" glob "tests/*.py": unknown rule code or prefix "PSL9"',
            id="per-file-ignores-code",
        ),
        pytest.param(
            '[tool.parsl-lint.per-file-ignores]\n"tests/*.py" = "PSL1"',
            'key "per-file-ignores" glob "tests/*.py" must be a list of rule codes',
            id="per-file-ignores-value",
        ),
    ],
)
def test_config_errors_name_file_and_key(tmp_path: Path, body: str, expected: str) -> None:
    header = "" if body.startswith("[") else "[tool.parsl-lint]\n"
    write(tmp_path / "pyproject.toml", header + body + "\n")
    with pytest.raises(ConfigError) as info:
        load_settings(None, [tmp_path], RULES)
    message = str(info.value)
    assert "pyproject.toml" in message
    assert expected in message


def test_toml_syntax_error_names_file(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", '[tool.parsl-lint]\nselect = ["PSL1"\n')
    with pytest.raises(ConfigError, match=r"pyproject\.toml: invalid TOML"):
        load_settings(None, [tmp_path], RULES)


def test_standalone_file_errors_name_file(tmp_path: Path) -> None:
    config = write(tmp_path / "parsl-lint.toml", 'ignore = ["PSL7"]\n')
    with pytest.raises(ConfigError, match=r'parsl-lint\.toml: key "ignore": unknown rule code'):
        load_settings(config, [tmp_path], RULES)


def test_error_paths_are_relative_to_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "pyproject.toml", "[tool.parsl-lint]\nbogus = 1\n")
    (tmp_path / "src").mkdir()
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError) as info:
        load_settings(None, [Path("src")], RULES)
    assert str(info.value) == 'pyproject.toml: [tool.parsl-lint] unknown key "bogus"'


# --------------------------------------------------------------------------- CLI selectors


@pytest.mark.parametrize("selector", ["ALL", "PSL", "PSL1", "PSL10", "PSL101", "PSL000", "PSL4"])
def test_validate_selectors_accepts(selector: str) -> None:
    assert validate_selectors([selector], "select", "--select", RULES) == (selector,)


@pytest.mark.parametrize("selector", ["PSL999", "PSL9", "PSL1010", "PS", "P", "X1", "all"])
def test_validate_selectors_rejects(selector: str) -> None:
    with pytest.raises(ConfigError) as info:
        validate_selectors(["PSL1", selector], "ignore", "--ignore", RULES)
    assert str(info.value).startswith(f'--ignore: unknown rule code or prefix "{selector}"')


def test_validate_selectors_suggests_close_code() -> None:
    with pytest.raises(ConfigError, match=r'did you mean "PSL101"\?'):
        validate_selectors(["PSL1O1"], "extend-select", "--extend-select", RULES)
