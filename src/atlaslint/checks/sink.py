"""Where checks put what they find; default severities come from the registry."""

from __future__ import annotations

from atlaslint.diagnostics import Diagnostic, Fix
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
    ) -> None:
        self.items.append(
            Diagnostic(path, span, rule, self.registry.severity(rule), message, suggestion, fix)
        )

    def extend(self, diagnostics: list[Diagnostic]) -> None:
        self.items.extend(diagnostics)
