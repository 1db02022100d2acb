"""Structured documents (YAML, JSON) as plain data plus a position map.

Both loaders fill the same :class:`DataDocument`, so schema and rule checks
ask "where is ``related/2/slug``?" without knowing which syntax it came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.documents.source import SourceFile
from atlaslint.positions import Span

Path_ = tuple[str | int, ...]

MAX_DEPTH = 100
"""Deepest nesting any loader accepts (a framework needs about 8). Beyond it the
document is refused with ``syntax/too-deep``: parsers recurse per level, and a
few kilobytes of ``[`` would otherwise crash or stall them."""


@dataclass(slots=True)
class Located:
    """Where one value sits: its own span, and its key's span inside a mapping."""

    value: Span
    key: Span | None = None
    start: int = 0
    end: int = 0
    style: str | None = None


@dataclass
class DataDocument:
    """Parsed data (``None`` when the syntax is broken) and its positions."""

    source: SourceFile
    data: Any = None
    positions: dict[Path_, Located] = field(default_factory=dict)
    problems: list[Diagnostic] = field(default_factory=list)
    suppressions: dict[int, frozenset[str]] = field(default_factory=dict)
    suppression_refs: list[tuple[str, Span]] = field(default_factory=list)
    """Every rule named in a suppression comment, with its span (unknown ones are reported)."""

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(
            p.rule.startswith("syntax/") for p in self.problems
        )

    def readable_text(self) -> str | None:
        """The text to parse, or ``None`` after recording why there is none
        (unreadable bytes, or an empty file)."""
        if not self.source.ok:
            self.problems.extend(self.source.problems)
            return None
        text = self.source.text or ""
        if not text.strip():
            self.problems.append(
                Diagnostic(
                    self.path, Span.point(1, 1), "syntax/empty", Severity.ERROR, "file is empty"
                )
            )
            return None
        return text

    def locate(self, path: Path_) -> Located:
        """The location of ``path``, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path and path not in self.positions:
            path = path[:-1]
        found = self.positions.get(path)
        return found if found is not None else Located(Span.point(1, 1))

    def value_span(self, path: Path_) -> Span:
        return self.locate(path).value

    def key_span(self, path: Path_) -> Span:
        """The key's span for a mapping entry, else the value's."""
        loc = self.locate(path)
        return loc.key or loc.value

    def has(self, path: Path_) -> bool:
        return tuple(path) in self.positions
