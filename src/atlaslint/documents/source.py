"""Reading a file's bytes into text, safely: size limit, encoding, BOM, CRLF.

Every loader starts here so that bad bytes give one clear ``syntax/*``
diagnostic with a position instead of an exception.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.positions import LineIndex, Span

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@dataclass
class SourceFile:
    """A file's decoded text with its line index, or the reason it has none.

    ``text`` has line ends normalised to ``\\n`` and no BOM, so that offsets,
    lines and columns mean the same thing in every check. ``crlf`` and ``bom``
    remember what to restore when ``--fix`` writes the file back.
    """

    path: str
    fs_path: Path | None
    text: str | None
    bom: bool = False
    crlf: bool = False
    problems: list[Diagnostic] = field(default_factory=list)
    _index: LineIndex | None = None

    @property
    def index(self) -> LineIndex:
        if self._index is None:
            self._index = LineIndex(self.text or "")
        return self._index

    @property
    def ok(self) -> bool:
        return self.text is not None

    def encode(self, text: str) -> bytes:
        """Turn normalised text back into the file's own bytes (BOM, CRLF kept)."""
        if self.crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        return b"\xef\xbb\xbf" + data if self.bom else data


def _problem(path: str, span: Span, rule: str, message: str) -> Diagnostic:
    return Diagnostic(path, span, rule, Severity.ERROR, message)


def decode(path: str, data: bytes, fs_path: Path | None = None) -> SourceFile:
    """Decode bytes as UTF-8 text, reporting binary content and bad bytes exactly."""
    if b"\x00" in data[:8192]:
        return SourceFile(
            path,
            fs_path,
            None,
            problems=[
                _problem(path, Span.point(1, 1), "syntax/encoding", "binary file (NUL bytes)")
            ],
        )
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8")
        index = LineIndex(good.replace("\r\n", "\n"))
        line, column = index.position(len(index.text))
        bad = data[exc.start : exc.start + 1].hex()
        return SourceFile(
            path,
            fs_path,
            None,
            bom=bom,
            problems=[
                _problem(
                    path,
                    Span(line, column, line, column + 1),
                    "syntax/encoding",
                    f"invalid UTF-8: byte 0x{bad} cannot be decoded; save the file as UTF-8",
                )
            ],
        )
    crlf = "\r\n" in text
    if crlf:
        text = text.replace("\r\n", "\n")
    if "\r" in text:
        text = text.replace("\r", "\n")
    return SourceFile(path, fs_path, text, bom=bom, crlf=crlf)


def read_source(
    path: str, fs_path: Path, max_bytes: int = DEFAULT_MAX_BYTES, text: str | None = None
) -> SourceFile:
    """Read a file from disk; a file too large is reported without being read whole.

    ``text`` stands in for the file's content when it came from stdin (an editor's
    unsaved buffer): it is checked exactly as the bytes on disk would be.
    """
    if text is not None:
        data = text.encode("utf-8", errors="surrogateescape")
        if len(data) > max_bytes:
            return SourceFile(
                path,
                fs_path,
                None,
                problems=[
                    _problem(
                        path,
                        Span.point(1, 1),
                        "syntax/too-large",
                        f"file is {len(data):,} bytes, over the limit of {max_bytes:,} bytes "
                        "(max-file-size in config)",
                    )
                ],
            )
        return decode(path, data, fs_path)
    try:
        size = fs_path.stat().st_size
        if size > max_bytes:
            return SourceFile(
                path,
                fs_path,
                None,
                problems=[
                    _problem(
                        path,
                        Span.point(1, 1),
                        "syntax/too-large",
                        f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes "
                        "(max-file-size in config)",
                    )
                ],
            )
        data = fs_path.read_bytes()
    except OSError as exc:
        return SourceFile(
            path,
            fs_path,
            None,
            problems=[
                _problem(
                    path, Span.point(1, 1), "syntax/unreadable", f"cannot read file: {exc.strerror}"
                )
            ],
        )
    return decode(path, data, fs_path)
