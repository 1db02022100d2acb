"""The one position model shared by every loader, check and report.

Lines and columns are 1-based and count Unicode code points; ``end_column`` is
exclusive (it names the column just after the span), as in ruff's JSON and in
SARIF. Loaders produce spans; checks only pass them on.
"""

from __future__ import annotations

import bisect
import itertools
import operator
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

    def __reduce__(self) -> tuple:
        # Pickled as a constructor call: twice as fast to load as the default state
        # of a frozen slots dataclass, and results (cache, worker pipes) hold many.
        return (Span, (self.line, self.column, self.end_line, self.end_column))


class LineIndex:
    """Converts character offsets of a text into line/column positions.

    Built once per document so that every span is computed from offsets the
    parser reported, never by searching the text again.
    """

    __slots__ = ("_starts", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        # The offset after each line break: line k starts at the lengths of the lines
        # before it plus k (their breaks), all computed by iterators in C.
        lengths = itertools.accumulate(map(len, text.split("\n")), initial=0)
        self._starts = list(map(operator.add, lengths, itertools.count()))
        self._starts.pop()

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
        starts = self._starts
        size = len(self.text)
        start = 0 if start < 0 else size if start > size else start
        end = 0 if end < 0 else size if end > size else end
        line = bisect.bisect_right(starts, start) - 1
        first = starts[line]
        if start <= end and (line + 1 == len(starts) or end < starts[line + 1]):
            return Span(line + 1, start - first + 1, line + 1, end - first + 1)  # one line
        end_line = bisect.bisect_right(starts, end) - 1
        return Span(line + 1, start - first + 1, end_line + 1, end - starts[end_line] + 1)

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
