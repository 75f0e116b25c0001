"""Benchmark parsl-lint against its floors and its peers, as ratios measured in one invocation.

    python bench/run.py --fixit auto    # both corpora, all rows, fixit included
    python bench/run.py --files 500     # a smaller generated project
    python bench/run.py --memory        # also peak RSS at 500 and 5,000 generated files
    python bench/run.py --memory-only   # only those
    python bench/run.py --sites-only    # cost by PSL101 sites in one module, and a 20 MB module
    python bench/run.py --server-only   # only the language server's rows (bench/server.py)
    python bench/run.py --against 4a3f19a   # parsl-lint's rows beside a baseline commit's

Corpora: the installed ``parsl`` package (its source and its test-suite) and a generated
project of ~5,000 files of which ~5% use Parsl. Every row runs as a separate process over the
same files, so wall time and peak RSS (of that process) compare like with like:

* ``libcst.parse_module`` over every file: the floor of any LibCST-based tool;
* ``python -c "import libcst"``: the start-up floor;
* ``fixit lint`` (fixit pins click < 8.2, which parsl-lint cannot share, so it runs from a
  virtualenv of its own: ``--fixit auto`` makes one under ``~/.cache/parsl-lint-bench`` the
  first time, ``--fixit PATH`` names an executable you installed) and
  ``ruff check --no-cache``;
* parsl-lint cold with ``--jobs 1``, cold with ``--jobs N``, warm cache (nothing changed: the
  run snapshot), warm with one file edited (the per-file cache), and a one-file run.

``--against REV`` also runs parsl-lint's own rows with the code of commit ``REV`` (a git
worktree of this checkout, run with this environment's packages) on the same files, taking
turns row by row, and prints each row's ratio to that baseline in CPU and wall time.

Nothing here runs in the test-suite; numbers are ratios, never assertions.
"""

from __future__ import annotations

import argparse
import compileall
import importlib.util
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


@dataclass
class Row:
    name: str
    seconds: float
    files: int
    rss_mb: float
    status: str = "ok"


def run(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MiB) and exit status of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    rss_kib = usage.ru_maxrss  # KiB on Linux
    return elapsed, rss_kib / 1024, os.waitstatus_to_exitcode(status)


def run_cpu(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int]:
    """CPU seconds (user + system), peak RSS (MiB) and exit status of one child process: on
    a shared machine CPU time is what a ratio between sizes can trust."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


SITE_MODULE_HEAD = "from parsl import python_app\n\n\n@python_app\ndef f(x):\n    return x\n\n\n"


def site_module(path: Path, sites: int) -> None:
    """One module with ``sites`` bare ``.result()`` calls, each between two plain lines."""
    body = "".join(f"a{i} = g({i})\nv{i} = f({i}).result()\nb{i} = h(a{i})\n" for i in range(sites))
    path.write_text(SITE_MODULE_HEAD + body)


def big_module(path: Path, size: int, sites: int) -> None:
    """A module of about ``size`` bytes of ordinary functions with ``sites`` sites spread
    through it (the shape of a generated 20 MB module)."""
    chunks, total, i = [SITE_MODULE_HEAD], len(SITE_MODULE_HEAD), 0
    every = max(1, size // 200 // max(sites, 1))
    placed = 0
    while total < size:
        chunk = f"def helper_{i}(a, b):\n    c = a + b * {i}\n    return [c, a, b]\n\n\n"
        if i % every == 0 and placed < sites:
            chunk += f"r{placed} = f({placed}).result()\n\n\n"
            placed += 1
        chunks.append(chunk)
        total += len(chunk)
        i += 1
    path.write_text("".join(chunks))


def sites_rows(repeat: int) -> None:
    """Check and fix (as a diff) one module with 1k..8k sites: CPU seconds per site should
    stay flat (linear cost). Then a 20 MB module, which is reported as too large at once."""
    print("\n## cost by PSL101 sites in one module (CPU seconds, best of runs)\n")
    print(
        "| sites | check s | check s/site × smallest | fix s | fix s/site × smallest | "
        "fix peak RSS MiB |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: |")
    exe = str(BIN / "parsl-lint")
    base: tuple[float, float] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "pyproject.toml").write_text("[tool.parsl-lint]\nmax-file-size = 100_000_000\n")
        for sites in (1000, 2000, 4000, 8000):
            module = root / f"m{sites}.py"
            site_module(module, sites)
            check, _, _ = best(
                [run_cpu([exe, "check", "--no-cache", "-q", str(module)]) for _ in range(repeat)]
            )
            fix, rss, _ = best(
                [run_cpu([exe, "fix", "--no-cache", "-q", str(module)]) for _ in range(repeat)]
            )
            base = base or (check / sites, fix / sites)
            print(
                f"| {sites} | {check:.2f} | {check / sites / base[0]:.2f} | {fix:.2f} | "
                f"{fix / sites / base[1]:.2f} | {rss:.0f} |"
            )
        big = root / "big.py"
        big_module(big, 20_000_000, 497)
        (root / "pyproject.toml").write_text("[tool.parsl-lint]\n")
        print("\n| a 20 MB module, 497 sites (default max-file-size) | wall s | peak RSS MiB |")
        print("| --- | ---: | ---: |")
        for command in ("check", "fix"):
            elapsed, rss, code = run([exe, command, "--no-cache", str(big)])
            print(f"| {command} (exit {code}: reported as too large) | {elapsed:.2f} | {rss:.0f} |")


def python_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


def fixit_executable() -> str:
    """fixit in a virtualenv of its own (its click pin conflicts with parsl-lint's), made once
    and kept under the user's cache directory."""
    home = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    venv = home / "parsl-lint-bench" / "fixit-venv"
    exe = venv / "bin" / "fixit"
    if not exe.exists():
        print(f"installing fixit into {venv} ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "fixit"]
        subprocess.run(pip, check=True)
    return str(exe)


def parse_floor(files: list[Path]) -> list[str]:
    script = textwrap.dedent(
        """
        import sys, libcst
        for path in sys.argv[1:]:
            try:
                libcst.parse_module(open(path, "rb").read())
            except Exception:
                pass
        """
    )
    return [sys.executable, "-c", script, *map(str, files)]


def generate(root: Path, count: int, parsl_share: float = 0.05, seed: int = 7) -> None:
    """A synthetic project: ``count`` modules, ``parsl_share`` of them using Parsl apps."""
    rng = random.Random(seed)
    pkg = root / "genproj"
    n_pkgs = max(1, count // 100)
    for p in range(n_pkgs):
        (pkg / f"sub{p}").mkdir(parents=True, exist_ok=True)
        (pkg / f"sub{p}" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (root / "pyproject.toml").write_text('[project]\nname = "genproj"\nversion = "0"\n')
    n_parsl = max(2, int(count * parsl_share))
    n_apps = max(1, n_parsl // 5)
    plain = textwrap.dedent(
        """
        import concurrent.futures
        import json
        from dataclasses import dataclass


        @dataclass
        class Record{i}:
            name: str
            value: float

            def scaled(self, factor: float) -> float:
                return self.value * factor


        def load_{i}(path: str) -> list[Record{i}]:
            with open(path) as fh:
                rows = json.load(fh)
            return [Record{i}(r["name"], float(r["value"])) for r in rows]


        def summarise_{i}(records: list[Record{i}]) -> dict[str, float]:
            out: dict[str, float] = {{}}
            for rec in records:
                out[rec.name] = out.get(rec.name, 0.0) + rec.scaled({i} % 7 + 1)
            return out


        def parallel_{i}(paths: list[str]) -> list[dict[str, float]]:
            with concurrent.futures.ThreadPoolExecutor() as pool:
                futs = [pool.submit(load_{i}, p) for p in paths]
                return [summarise_{i}(f.result()) for f in futs]
        """
    )
    apps = textwrap.dedent(
        """
        from parsl import bash_app, python_app


        @python_app
        def simulate_{i}(member: int, years: int = 10) -> dict:
            import random
            rng = random.Random(member)
            return {{"member": member, "temps": [rng.gauss(14, 1) for _ in range(years)]}}


        @bash_app
        def render_{i}(path: str, stdout=None, stderr=None):
            return f"plot {{path}}"


        def _regrid_{i}(run: dict, factor: int = 5) -> dict:
            return {{"member": run["member"], "temps": run["temps"][::factor]}}


        regrid_{i} = python_app(_regrid_{i}, executors=["threads"])
        """
    )
    user = textwrap.dedent(
        """
        import logging

        from genproj.sub{p}.apps{a} import regrid_{a}, simulate_{a}

        log = logging.getLogger(__name__)


        class Ensemble{i}:
            def __init__(self, members: int) -> None:
                self.members = members

            def submit(self, member: int):
                return regrid_{a}(simulate_{a}(member))

            def run(self) -> list[dict]:
                futs = [self.submit(m) for m in range(self.members)]
                return [f.result() for f in futs]


        def drain_{i}(n: int) -> list[dict]:
            futs = {{m: simulate_{a}(m) for m in range(n)}}
            out = []
            for m, fut in futs.items():
                log.info("member %s", m)
                out.append(fut.result())
            return out
        """
    )
    app_homes: list[tuple[int, int]] = []
    for a in range(n_apps):
        p = a % n_pkgs
        (pkg / f"sub{p}" / f"apps{a}.py").write_text(apps.format(i=a))
        app_homes.append((p, a))
    for i in range(n_parsl - n_apps):
        p, a = rng.choice(app_homes)
        (pkg / f"sub{i % n_pkgs}" / f"user{i}.py").write_text(user.format(i=i, p=p, a=a))
    for i in range(count - n_parsl):
        (pkg / f"sub{i % n_pkgs}" / f"mod{i}.py").write_text(plain.format(i=i))


def best(samples: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    """The fastest of several runs (as ``timeit`` reports), the largest RSS, the worst exit."""
    return (
        min(s[0] for s in samples),
        max(s[1] for s in samples),
        max(samples, key=lambda s: s[2] not in (0, 1))[2],
    )


def against_rows(
    label: str, root: Path, files: list[Path], jobs: int, repeat: int, baseline: Path
) -> None:
    """parsl-lint's cold, one-file and warm rows, now and at the baseline checkout, taking
    turns so that a busy machine slows both alike: the best CPU and wall time of each."""
    now = [sys.executable, "-m", "parsl_lint", "check", "--exit-zero", "-q"]
    env_base = {**os.environ, "PYTHONPATH": str(baseline)}
    parsl_files = [f for f in files if "parsl" in f.read_text(errors="replace")]
    leaves = ([f for f in parsl_files if f.name.startswith("test_")] or parsl_files)[-1:]
    one = leaves[0] if leaves else files[-1]
    edited = one
    hub = most_imported(root, files)

    def timed(cmd: list[str], env: dict[str, str] | None, prepare=None) -> tuple[float, float]:
        if prepare is not None:
            prepare()
        start = time.perf_counter()
        # From a directory of no package: ``python -m`` puts the working directory first on
        # the path, where this checkout's own package would shadow the baseline's.
        proc = subprocess.Popen(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=root.parent
        )
        _, _, usage = os.wait4(proc.pid, 0)
        return usage.ru_utime + usage.ru_stime, time.perf_counter() - start

    print(f"\n## {label}: parsl-lint now / at the baseline ({len(files)} files)\n")
    print("| row | now CPU s | base CPU s | × CPU | now wall s | base wall s | × wall |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        caches = {"now": Path(tmp) / "now", "base": Path(tmp) / "base"}
        original = edited.read_bytes()

        def fresh(which: str):
            return lambda: shutil.rmtree(caches[which], ignore_errors=True)

        def edit():
            edited.write_bytes(edited.read_bytes() + b"\n# edited\n")

        rows = [
            ("cold --jobs 1", ["--jobs", "1", str(root)], True, None),
            (f"cold --jobs {jobs}", ["--jobs", str(jobs), str(root)], True, None),
            ("one file, no cache", ["--no-cache", str(one)], False, None),
            (
                f"the most imported file ({hub.relative_to(root)}), no cache",
                ["--no-cache", str(hub)],
                False,
                None,
            ),
            ("warm cache", [str(root)], False, None),
            ("warm, one file edited", [str(root)], False, edit),
            ("one file, warm cache", [str(one)], False, None),
        ]
        try:
            for name, extra, cold, change in rows:
                if not cold and "--no-cache" not in extra:
                    # A file changed less than 2 s before a run is not trusted: let the
                    # copy settle, then one run of each writes what the next ones reuse.
                    time.sleep(2.5)
                    for which, env in (("now", None), ("base", env_base)):
                        timed([*now, "--cache-dir", str(caches[which]), *extra], env)
                samples: dict[str, list[tuple[float, float]]] = {"now": [], "base": []}
                for _ in range(repeat):
                    for which, env in (("now", None), ("base", env_base)):
                        cmd = [*now, "--cache-dir", str(caches[which]), *extra]
                        if "--no-cache" in extra:
                            cmd = [*now, *extra]
                        if change is not None:
                            edited.write_bytes(original)
                            timed(cmd, env)  # warm the cache on the unedited file
                        samples[which].append(timed(cmd, env, fresh(which) if cold else change))
                    edited.write_bytes(original)
                cpu = {k: min(c for c, _ in v) for k, v in samples.items()}
                wall = {k: min(w for _, w in v) for k, v in samples.items()}
                print(
                    f"| {name} | {cpu['now']:.2f} | {cpu['base']:.2f} | "
                    f"{cpu['now'] / cpu['base']:.2f} | {wall['now']:.2f} | {wall['base']:.2f} | "
                    f"{wall['now'] / wall['base']:.2f} |"
                )
        finally:
            edited.write_bytes(original)


def most_imported(root: Path, files: list[Path]) -> Path:
    """The module the most other files import by name (the worst case for a one-file run:
    what callers pass its functions is read from every importer)."""
    texts = [f.read_text(errors="replace") for f in files]

    def importers(path: Path) -> int:
        name = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        name = name.removesuffix(".__init__")
        return sum(f"import {name}" in t or f"from {name} import" in t for t in texts)

    return max(files, key=importers)


def baseline_checkout(rev: str, into: Path) -> Path:
    """A worktree of this checkout at ``rev`` (removed by the caller's ``git worktree prune``
    once ``into`` is gone)."""
    repo = Path(__file__).resolve().parents[1]
    subprocess.run(
        ["git", "-C", str(repo), "worktree", "add", "--detach", "-q", str(into), rev],
        check=True,
    )
    compileall.compile_dir(str(into / "parsl_lint"), quiet=1)
    return into


def corpus_rows(
    label: str, root: Path, files: list[Path], jobs: int, fixit: str | None, repeat: int
) -> list[Row]:
    """Every row for one corpus. The floors of whole-corpus parsing and fixit run once (they
    take minutes); every other row is the best of ``repeat`` runs, each in the state the row
    names (a fresh cache for cold runs, a different file for one-file and edited runs)."""
    rows: list[Row] = []
    n = len(files)
    lint = [str(BIN / "parsl-lint"), "check", "--exit-zero", "-q"]

    def status(code: int) -> str:
        return "ok" if code in (0, 1) else f"exit {code}"

    elapsed, rss, _ = run(parse_floor(files))
    rows.append(Row("libcst.parse_module (floor)", elapsed, n, rss))
    elapsed, rss, _ = best([run([sys.executable, "-c", "import libcst"]) for _ in range(repeat)])
    rows.append(Row('python -c "import libcst"', elapsed, 0, rss))
    if fixit:
        elapsed, rss, code = run([fixit, "lint", str(root)])
        rows.append(Row("fixit lint", elapsed, n, rss, status(code)))
    else:
        rows.append(Row("fixit lint", float("nan"), n, 0, "not run (no --fixit)"))
    ruff = shutil.which("ruff", path=str(BIN)) or shutil.which("ruff")
    if ruff:
        cmd = [ruff, "check", "--no-cache", "--exit-zero", "-q", str(root)]
        elapsed, rss, _ = best([run(cmd) for _ in range(repeat)])
        rows.append(Row("ruff check --no-cache", elapsed, n, rss))
    parsl_files = [f for f in files if "parsl" in f.read_text(errors="replace")]
    # The files a developer edits between runs, and pre-commit names: test modules when the
    # corpus has them, else its last Parsl modules (the generated project's workflow scripts).
    # Never a module half the project imports, which would measure a near-cold run.
    leaves = [f for f in parsl_files if f.name.startswith("test_")] or parsl_files
    leaves = leaves[-repeat:] or files[-1:]
    with tempfile.TemporaryDirectory() as cache:
        for name, extra in (
            ("parsl-lint cold --jobs 1", ["--jobs", "1"]),
            (f"parsl-lint cold --jobs {jobs}", ["--jobs", str(jobs)]),
        ):
            samples = []
            for _ in range(repeat):
                shutil.rmtree(cache, ignore_errors=True)
                samples.append(run([*lint, "--cache-dir", cache, *extra, str(root)]))
            elapsed, rss, code = best(samples)
            rows.append(Row(name, elapsed, n, rss, status(code)))
        # Nothing changed since the last run: the run snapshot answers.
        elapsed, rss, code = best(
            [run([*lint, "--cache-dir", cache, str(root)]) for _ in range(repeat)]
        )
        rows.append(Row("parsl-lint warm cache", elapsed, n, rss, status(code)))
        # The edit-and-rerun loop: one Parsl file changed since the last run (a different one
        # each time), so the snapshot does not apply and the per-file cache does the work.
        samples = []
        for edited in leaves:
            original = edited.read_bytes()
            edited.write_bytes(original + b"\n# edited\n")
            samples.append(run([*lint, "--cache-dir", cache, str(root)]))
            edited.write_bytes(original)
        elapsed, rss, code = best(samples)
        rows.append(Row("parsl-lint warm, one file edited", elapsed, n, rss, status(code)))
        # pre-commit's case: one changed file named, the project's cache already there.
        elapsed, rss, code = best(
            [run([*lint, "--cache-dir", cache, str(one)], cwd=root) for one in leaves]
        )
        rows.append(Row("parsl-lint one file (warm index)", elapsed, 1, rss, status(code)))
    elapsed, rss, code = best([run([*lint, "--no-cache", str(one)], cwd=root) for one in leaves])
    rows.append(Row("parsl-lint one file (no cache)", elapsed, 1, rss, status(code)))
    print_table(label, rows)
    return rows


def print_table(label: str, rows: list[Row]) -> None:
    floor = next(r.seconds for r in rows if r.name.startswith("libcst.parse_module"))
    start = next(r.seconds for r in rows if r.name.startswith('python -c "import libcst"'))
    cold = next((r.seconds for r in rows if r.name == "parsl-lint cold --jobs 1"), float("nan"))
    print(f"\n## {label}: {rows[0].files} files\n")
    print("| run | wall s | files/s | × parse floor | × import floor | × cold | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        if r.status != "ok":
            print(f"| {r.name} | {r.status} | | | | | |")
            continue
        rate = f"{r.files / r.seconds:,.0f}" if r.files else ""
        print(
            f"| {r.name} | {r.seconds:.2f} | {rate} | {r.seconds / floor:.2f} | "
            f"{r.seconds / start:.2f} | {r.seconds / cold:.3f} | {r.rss_mb:.0f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=5000, help="size of the generated project")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--memory", action="store_true", help="peak RSS at 500 vs --files")
    parser.add_argument(
        "--fixit", help="the fixit executable, or `auto` for a virtualenv this script makes"
    )
    parser.add_argument("--skip-parsl", action="store_true", help="only the generated project")
    parser.add_argument("--memory-only", action="store_true", help="only the peak-RSS rows")
    parser.add_argument("--sites", action="store_true", help="also cost by sites per module")
    parser.add_argument("--sites-only", action="store_true", help="only the sites rows")
    parser.add_argument(
        "--server-only", action="store_true", help="only the language server's rows"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs per row (best kept) for the cheap rows"
    )
    parser.add_argument(
        "--against", metavar="REV", help="parsl-lint's rows now and at commit REV, as ratios"
    )
    args = parser.parse_args()

    # An editable install has no bytecode until its modules are first imported (never, when
    # PYTHONDONTWRITEBYTECODE is set): compile it once, so every row starts up as installed.
    import parsl_lint

    compileall.compile_dir(os.path.dirname(parsl_lint.__file__), quiet=1)
    if args.server_only:
        from server import main as server_main  # bench/server.py, beside this script

        server_main()
        return
    if args.against:
        spec = importlib.util.find_spec("parsl")
        assert spec and spec.submodule_search_locations, "parsl is not installed"
        source = Path(next(iter(spec.submodule_search_locations)))
        repo = Path(__file__).resolve().parents[1]
        # The baseline apart from the corpora: a project's files are everything under its
        # root, and the checkout must not become part of what is linted.
        with tempfile.TemporaryDirectory() as tmp, tempfile.TemporaryDirectory() as code:
            baseline = baseline_checkout(args.against, Path(code) / "baseline")
            try:
                copy = Path(tmp) / "parsl"
                shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
                files = python_files(copy)
                against_rows(
                    "installed parsl package", copy, files, args.jobs, args.repeat, baseline
                )
                gen = Path(tmp) / "gen"
                generate(gen, args.files)
                against_rows(
                    "generated project", gen, python_files(gen), args.jobs, args.repeat, baseline
                )
            finally:
                subprocess.run(
                    ["git", "-C", str(repo), "worktree", "remove", "--force", str(baseline)],
                    check=False,
                )
        return
    if args.fixit == "auto":
        args.fixit = fixit_executable()
    spec = importlib.util.find_spec("parsl")
    corpora = not args.memory_only and not args.sites_only
    if corpora and not args.skip_parsl and spec and spec.submodule_search_locations:
        root = Path(next(iter(spec.submodule_search_locations)))
        with tempfile.TemporaryDirectory() as tmp:
            # A copy: tools skip paths under site-packages by default.
            copy = Path(tmp) / "parsl"
            shutil.copytree(root, copy, ignore=shutil.ignore_patterns("__pycache__"))
            files = python_files(copy)
            corpus_rows("installed parsl package", copy, files, args.jobs, args.fixit, args.repeat)
    if corpora:
        with tempfile.TemporaryDirectory() as tmp:
            gen = Path(tmp) / "gen"
            generate(gen, args.files)
            files = python_files(gen)
            corpus_rows("generated project", gen, files, args.jobs, args.fixit, args.repeat)
    if args.sites or args.sites_only:
        sites_rows(args.repeat)
    if args.memory or args.memory_only:
        print("\n## peak RSS (cold, --jobs 1, no cache) by project size\n")
        print("| files | wall s | peak RSS MiB | × the smallest |")
        print("| ---: | ---: | ---: | ---: |")
        smallest = None
        for size in (500, args.files):
            with tempfile.TemporaryDirectory() as tmp:
                gen = Path(tmp) / "gen"
                generate(gen, size)
                cmd = [str(BIN / "parsl-lint"), "check", "--exit-zero", "-q", "--no-cache"]
                elapsed, rss, _ = best(
                    [run([*cmd, "--jobs", "1", str(gen)]) for _ in range(args.repeat)]
                )
                smallest = smallest or rss
                print(f"| {size} | {elapsed:.2f} | {rss:.1f} | {rss / smallest:.2f} |")


if __name__ == "__main__":
    main()
