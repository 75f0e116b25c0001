"""``python -m parsl_lint`` runs the command-line interface (as the ``parsl-lint`` script)."""

from parsl_lint.entry import main

if __name__ == "__main__":
    main()
