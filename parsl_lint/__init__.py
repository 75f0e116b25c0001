"""parsl-lint: find the code that hides or causes Parsl worker failures, and fix it."""

__version__ = "0.1.0"

#: Where a crash (an internal error) should be reported.
ISSUES_URL = "https://github.com/parsl-lint/parsl-lint/issues"
