"""Write docs/rules/: one page per rule, from its docstring, and the index.

Run from anywhere: ``python docs/generate.py`` (``--check`` only says whether the pages are
up to date, exit 1 when not). The test-suite fails until the pages match the rules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from parsl_lint.ruledocs import DOCS_DIR, stale_pages, write_pages

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args()
    directory = ROOT / DOCS_DIR
    if args.check:
        stale = stale_pages(directory)
        for name in stale:
            print(f"{DOCS_DIR / name} is out of date")
        return 1 if stale else 0
    for name in write_pages(directory):
        print(f"wrote {DOCS_DIR / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
