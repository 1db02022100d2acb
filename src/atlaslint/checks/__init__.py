"""Checks: one module per kind of check. Each emits diagnostics into a :class:`Sink`."""
