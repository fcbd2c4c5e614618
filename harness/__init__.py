"""pyo3-frontend-harness: measure what PEP 517 frontends make cargo recompile, and why."""

__version__ = "0.1.0"
