"""parsl-lint: find the code that hides or causes Parsl worker failures, and fix it."""

__version__ = "0.1.0"
