"""Where checks put what they find; default severities come from the registry."""

from __future__ import annotations

from atlaslint.diagnostics import Diagnostic, Fix, Severity
from atlaslint.positions import Span
from atlaslint.registry import Registry, default_registry


class Sink:
    """Collects diagnostics for one unit of work (a profile, a framework, a record)."""

    def __init__(self, registry: Registry | None = None) -> None:
        self._registry = registry
        self.items: list[Diagnostic] = []

    @property
    def registry(self) -> Registry:
        """The registry given, else the built-in rules, read only once a finding needs a
        severity: validating a config that holds no error reads none (a run's first
        reading decides whether the rules come kept ready, see ``builtin_rules``)."""
        if self._registry is None:
            self._registry = default_registry()
        return self._registry

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
