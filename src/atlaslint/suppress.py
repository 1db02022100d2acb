"""Inline suppression comments, applied per file before results leave a unit."""

from __future__ import annotations

from atlaslint.diagnostics import Diagnostic
from atlaslint.settings import matches


def filter_suppressed(
    diagnostics: list[Diagnostic], by_path: dict[str, dict[int, frozenset[str]]]
) -> list[Diagnostic]:
    """Drop diagnostics whose line carries a suppression naming their rule or family."""
    if not any(by_path.values()):
        return diagnostics
    kept = []
    for diag in diagnostics:
        rules = by_path.get(diag.path, {}).get(diag.span.line)
        if rules and any(matches(r, diag.rule) for r in rules):
            continue
        kept.append(diag)
    return kept
