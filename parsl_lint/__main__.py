"""``python -m parsl_lint`` runs the command-line interface."""

from parsl_lint.cli import main

if __name__ == "__main__":
    main()
