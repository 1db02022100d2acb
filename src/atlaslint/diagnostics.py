"""Diagnostics: what a check found, where, and how sure we are it matters."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from atlaslint.positions import Span


class Severity(enum.IntEnum):
    """Ordered so that ``severity >= fail_level`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __reduce_ex__(self, protocol: object) -> tuple:
        # By value, a constructor call, on every Python. Python 3.11.2 (Debian 12's
        # python3) pickles an enum member as ``getattr(Severity, "ERROR")``, which the
        # cache's restricted unpickler refuses (builtins.getattr could reach anything):
        # there every cached result holding a finding was a miss, checked again.
        return (Severity, (self.value,))

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> Severity:
        return cls[value.upper()]


@dataclass(frozen=True, slots=True)
class Fix:
    """A safe replacement of the diagnostic's exact span (offsets into the file text)."""

    start: int
    end: int
    replacement: str

    def __reduce__(self) -> tuple:
        return (Fix, (self.start, self.end, self.replacement))


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One violation at one exact span of one file.

    ``path`` is the path as the user named it (relative stays relative).
    """

    path: str
    span: Span
    rule: str
    severity: Severity
    message: str
    suggestion: str | None = None
    fix: Fix | None = field(default=None, compare=False)

    def __reduce__(self) -> tuple:
        # A constructor call, as for Span: results in the cache and on worker pipes
        # load twice as fast as the default state of a frozen slots dataclass.
        fields = (self.path, self.span, self.rule, self.severity, self.message)
        return (Diagnostic, (*fields, self.suggestion, self.fix))

    def sort_key(self) -> tuple:
        return (self.path, self.span.line, self.span.column, self.rule, self.message)

    def to_json(self) -> dict:
        """The machine contract of SPEC §3."""
        out = {
            "path": self.path,
            "line": self.span.line,
            "column": self.span.column,
            "end_line": self.span.end_line,
            "end_column": self.span.end_column,
            "rule": self.rule,
            "severity": self.severity.label,
            "message": self.message,
        }
        if self.suggestion is not None:
            out["suggestion"] = self.suggestion
        return out
