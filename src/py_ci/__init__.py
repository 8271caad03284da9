"""py-ci: production-grade CI for Python repositories on GitHub."""

__version__ = "0.1.0"
