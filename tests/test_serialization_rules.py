"""What the PSL102/103/3xx/401 examples cannot show: the model's resource values, the rules'
default switches, fix applicability, and that generators still carry futures for PSL101."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from parsl_lint.config import Settings
from parsl_lint.engine import Linter
from parsl_lint.fixer import fix_text
from parsl_lint.ftypes import Diagnostic
from parsl_lint.model import Project, analyze, resources
from parsl_lint.rules import defaults

APP = "from parsl import python_app\n\n\n@python_app\ndef app(x=None):\n"


def returned_kind(body: str, prelude: str = "") -> str | None:
    """The resource kind of what the one app of ``prelude + APP + body`` returns."""
    text = prelude + APP + body
    tree = ast.parse(text)
    project = Project(Path.cwd())
    info = project.add_source("example", text, tree)
    results = analyze(project, info, tree).app_results()
    assert len(results) == 1, results
    _, _, value = results[0]
    found = resources.find(value, resources.UNSERIALIZABLE | resources.COPIED | resources.DEVICE)
    if found is None:
        return resources.kind_of(value)
    return resources.kind_of(found)


@pytest.mark.parametrize(
    ("prelude", "body", "kind"),
    [
        ("", "    return open('f.txt')\n", "file"),
        ("def open(p):\n    return p\n", "    return open('f.txt')\n", None),
        ("import io\n", "    return io.open('f.txt')\n", "file"),
        ("", "    with open('f.txt') as f:\n        return f\n", "file"),
        (
            "",
            "    import threading\n    with threading.Lock() as held:\n        return held\n",
            None,
        ),
        ("import subprocess\n", "    return subprocess.Popen(['ls'])\n", "subprocess"),
        (
            "import subprocess as sp\n",
            "    return sp.Popen(['ls'], stdout=sp.PIPE)\n",
            "subprocess-pipes",
        ),
        ("import socket\n", "    return socket.socketpair()\n", "socket"),
        ("import sqlite3\n", "    return sqlite3.connect('db').cursor()\n", "db-cursor"),
        ("import sqlite3\n", "    return sqlite3.connect('db').execute('x').fetchall()\n", None),
        ("import multiprocessing as mp\n", "    return mp.Queue()\n", "mp-sync"),
        ("import os\n", "    return os.walk('.')\n", "generator"),
        ("import logging\n", "    return logging.getLogger('x')\n", "logger"),
        (
            "import jax.numpy as jnp\nimport numpy as np\n",
            "    return np.ones(3) + jnp.ones(3)\n",
            "jax-array",
        ),
        ("import torch\n", "    return torch.zeros(3).cuda().cpu()\n", "torch-tensor"),
        (
            "import torch\n",
            "    return torch.zeros(3, device=torch.device('cuda:0')).detach()\n",
            "cuda-tensor",
        ),
        (
            "import torch\n",
            "    return torch.zeros(3).to(torch.float16).to('cuda')\n",
            "cuda-tensor",
        ),
        ("", "    return x.to('cuda')\n", "cuda-object"),
        ("import torch\n", "    return torch.cuda.device_count()\n", None),
        ("", "    return [i for i in range(3)]\n", None),
        ("", "    yield 1\n    return open('f')\n", "generator"),
    ],
)
def test_resource_values(prelude: str, body: str, kind: str | None) -> None:
    assert returned_kind(body, prelude) == kind


def lint(tmp_path: Path, text: str, codes: set[str]) -> tuple[list[Diagnostic], Linter, Path]:
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    main = package / "main.py"
    main.write_text(text)
    linter = Linter.create(Settings(project_root=tmp_path), codes, [main])
    result, _ = linter.lint_file(main)
    return list(result.diagnostics), linter, main


def test_generators_still_carry_futures(tmp_path: Path) -> None:
    text = APP + "    return x\n\n\nfor f in (app(i) for i in range(3)):\n    f.result()\n"
    diagnostics, _, _ = lint(tmp_path, text, {"PSL101"})
    assert [d.location.row for d in diagnostics] == [10]


def test_default_switches() -> None:
    on = defaults()
    assert on["PSL102"] and on["PSL103"] and on["PSL301"] and on["PSL302"] and on["PSL303"]
    assert not on["PSL304"] and not on["PSL401"]


def test_fix_applicability(tmp_path: Path) -> None:
    """PSL102's rewrite is safe (applied by default); PSL303's changes the type (unsafe)."""
    text = (
        "import logging\nimport jax.numpy as jnp\n"
        + APP
        + "    return jnp.zeros(3)\n\n\nlog = logging.getLogger(__name__)\n"
        + "try:\n    app().result()\nexcept Exception as e:\n    log.error('failed: %s', e)\n"
    )
    diagnostics, linter, main = lint(tmp_path, text, {"PSL102", "PSL303"})
    assert sorted(d.code for d in diagnostics) == ["PSL102", "PSL303"]

    def again(source: str) -> list[Diagnostic]:
        return list(linter.lint_text(source, "main.py", main).diagnostics)

    safe = fix_text(text, "main.py", again, unsafe=False)
    assert "log.exception('failed: %s', e)" in safe.fixed
    assert "return jnp.zeros(3)" in safe.fixed and safe.held_back == 1
    unsafe = fix_text(text, "main.py", again, unsafe=True)
    assert "return numpy.asarray(jnp.zeros(3))" in unsafe.fixed
    assert "\nimport numpy\n" in unsafe.fixed
