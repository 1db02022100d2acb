"""The one position model shared by every loader, check and report.

Lines and columns are 1-based and count Unicode code points; ``end_column`` is
exclusive (it names the column just after the span), as in ruff's JSON and in
SARIF. Loaders produce spans; checks only pass them on.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True, order=True, slots=True)
class Span:
    """A region of one file: start inclusive, end exclusive."""

    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, line: int, column: int) -> Span:
        """An empty span, for "something is missing here"."""
        return cls(line, column, line, column)


class LineIndex:
    """Converts character offsets of a text into line/column positions.

    Built once per document so that every span is computed from offsets the
    parser reported, never by searching the text again.
    """

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    @property
    def line_count(self) -> int:
        return len(self._starts)

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        offset = max(0, min(offset, len(self.text)))
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def span(self, start: int, end: int) -> Span:
        """The span of characters ``text[start:end]``."""
        line, column = self.position(start)
        end_line, end_column = self.position(end)
        return Span(line, column, end_line, end_column)

    def char_span(self, offset: int) -> Span:
        """The one character at ``offset`` - where a parser says "here" - or an empty
        span at a line end or the end of the text, so the span never leaves its line."""
        offset = max(0, min(offset, len(self.text)))
        end = offset + 1 if offset < len(self.text) and self.text[offset] != "\n" else offset
        return self.span(offset, end)

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line."""
        return self._starts[min(max(line, 1), len(self._starts)) - 1]

    def line_end(self, line: int) -> int:
        """Offset just past the last character of a 1-based line (before its newline)."""
        if line < len(self._starts):
            return self._starts[line] - 1
        return len(self.text)

    def line_span(self, line: int) -> Span:
        """The span of a whole line, without its line break."""
        return self.span(self.line_start(line), self.line_end(line))

    def end_span(self) -> Span:
        """An empty span at the end of the text (for "missing at file end")."""
        line, column = self.position(len(self.text))
        return Span.point(line, column)
