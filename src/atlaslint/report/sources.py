"""Source lines for reports that show them (text, SARIF snippets)."""

from __future__ import annotations

from atlaslint.documents.source import DEFAULT_MAX_BYTES
from atlaslint.fsutil import read_regular


class SourceLines:
    """Reads each reported file once, lazily; stdin text is handed in."""

    def __init__(self, given: dict[str, str] | None = None) -> None:
        self._lines: dict[str, list[str]] = {
            path: text.split("\n") for path, text in (given or {}).items()
        }

    def line(self, path: str, number: int) -> str | None:
        lines = self._lines.get(path)
        if lines is None:
            data = read_regular(path, DEFAULT_MAX_BYTES)  # never a FIFO, never 50 MB
            if data is None:
                lines = []
            else:
                text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
                if "\r" in text:
                    text = text.replace("\r\n", "\n").replace("\r", "\n")
                lines = text.split("\n")
            self._lines[path] = lines
        if 1 <= number <= len(lines):
            return lines[number - 1]
        return None
