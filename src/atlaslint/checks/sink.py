"""Where checks put what they find; default severities come from the registry."""

from __future__ import annotations

from atlaslint.diagnostics import Diagnostic, Fix, Severity
from atlaslint.positions import Span
from atlaslint.registry import Registry, default_registry


class Sink:
    """Collects diagnostics for one unit of work (a profile, a framework, a record)."""

    def __init__(self, registry: Registry | None = None) -> None:
        self.registry = registry or default_registry()
        self.items: list[Diagnostic] = []

    def emit(
        self,
        path: str,
        span: Span,
        rule: str,
        message: str,
        suggestion: str | None = None,
        fix: Fix | None = None,
        *,
        severity: Severity | None = None,
    ) -> None:
        """``severity`` replaces the rule's default where the rule's data sets one (a
        structural style convention the atlas mostly does not follow is only info)."""
        level = severity if severity is not None else self.registry.severity(rule)
        self.items.append(Diagnostic(path, span, rule, level, message, suggestion, fix))

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.items.extend(diagnostics)
