"""Reading a file's bytes into text, safely: size limit, encoding, BOM, CRLF.

Every loader starts here so that bad bytes give one clear ``syntax/*``
diagnostic with a position instead of an exception.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.fsutil import read_at_most, take_over
from atlaslint.positions import LineIndex, Span

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
_LINE_END = re.compile(r"\r\n|\r|\n")


@dataclass
class SourceFile:
    """A file's decoded text with its line index, or the reason it has none.

    ``text`` has line ends normalised to ``\\n`` and no BOM, so that offsets,
    lines and columns mean the same thing in every check. ``crlf`` and ``bom``
    remember what to restore when ``--fix`` writes the file back; ``line_ends``
    holds each line's own ending when they are mixed (or lone CRs), so that a fix
    changes the fixed words and not a single line ending besides.
    """

    path: str
    fs_path: Path | None
    text: str | None
    bom: bool = False
    crlf: bool = False
    problems: list[Diagnostic] = field(default_factory=list)
    _index: LineIndex | None = None
    line_ends: tuple[str, ...] | None = None

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
        lines = text.split("\n") if self.line_ends is not None else []
        if self.line_ends is not None and len(lines) == len(self.line_ends) + 1:
            text = "".join(a + b for a, b in zip(lines, (*self.line_ends, ""), strict=True))
        elif self.crlf:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        return b"\xef\xbb\xbf" + data if self.bom else data


def _refused(
    path: str,
    fs_path: Path | None,
    span: Span,
    rule: str,
    message: str,
    bom: bool = False,
) -> SourceFile:
    """A file with no text, and the one error that says why."""
    problem = Diagnostic(path, span, rule, Severity.ERROR, message)
    return SourceFile(path, fs_path, None, bom=bom, problems=[problem])


def _normalise(text: str) -> str:
    """Line ends as LF (CRLF and lone CR alike): the one form every check sees."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _position_after(data: bytes) -> tuple[int, int]:
    """(line, column) just after ``data``, a prefix known to be valid UTF-8."""
    index = LineIndex(_normalise(data.decode("utf-8")))
    return index.position(len(index.text))


def decode(path: str, data: bytes, fs_path: Path | None = None) -> SourceFile:
    """Decode bytes as UTF-8 text, reporting binary content and bad bytes exactly.

    A NUL byte anywhere makes the file binary (no text format here allows one,
    and parsers treat it differently, which would shift positions); it is
    reported where it sits when the bytes before it are text.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _refused(
            path,
            fs_path,
            Span(1, 1, 1, 2),
            "syntax/encoding",
            "UTF-16 file (it starts with a UTF-16 byte-order mark); save it as UTF-8",
        )
    bom = data.startswith(b"\xef\xbb\xbf")
    if bom:
        data = data[3:]
    nul = data.find(b"\x00")
    if nul != -1:
        try:
            line, column = _position_after(data[:nul])
        except UnicodeDecodeError:
            pass  # a bad byte comes first: reported below, where it sits
        else:
            return _refused(
                path,
                fs_path,
                Span(line, column, line, column + 1),
                "syntax/encoding",
                "binary file: NUL byte (0x00); atlaslint reads UTF-8 text only",
                bom=bom,
            )
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _position_after(data[: exc.start])
        bad = data[exc.start : exc.start + 1].hex()
        return _refused(
            path,
            fs_path,
            Span(line, column, line, column + 1),
            "syntax/encoding",
            f"invalid UTF-8: byte 0x{bad} cannot be decoded; save the file as UTF-8",
            bom=bom,
        )
    if "\r" not in text:  # one character is found fast; "\r\n" in most text, slowly
        return SourceFile(path, fs_path, text, bom=bom)
    source = SourceFile(path, fs_path, _normalise(text), bom=bom, crlf="\r\n" in text)
    ends = tuple(_LINE_END.findall(text))
    if any(end != "\r\n" for end in ends):  # mixed, or lone CRs: keep each one
        source.line_ends = ends
    return source


def _unreadable(path: str, fs_path: Path, reason: str) -> SourceFile:
    return _refused(
        path, fs_path, Span.point(1, 1), "syntax/unreadable", f"cannot read file: {reason}"
    )


def read_source(
    path: str, fs_path: Path, max_bytes: int = DEFAULT_MAX_BYTES, text: str | None = None
) -> SourceFile:
    """Read a file from disk; a file too large is reported without being read whole.

    The file is opened once and checked through its descriptor, so what is
    measured is what is read: not a regular file (a folder, a FIFO that would
    block forever, a device) is unreadable, and at most ``max_bytes + 1`` bytes
    are ever read, even from a file that grows meanwhile.

    ``text`` stands in for the file's content when it came from stdin (an editor's
    unsaved buffer): it is checked exactly as the bytes on disk would be.
    """
    if text is not None:
        data = text.encode("utf-8", errors="surrogateescape")
        if len(data) > max_bytes:
            return _too_large(path, fs_path, len(data), max_bytes, stdin=True)
        return decode(path, data, fs_path)
    handed = take_over(os.fspath(fs_path))  # read (and hashed) for the cache just now
    if handed is not None and len(handed) <= max_bytes:
        return decode(path, handed, fs_path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(fs_path, flags)
    except IsADirectoryError:
        return _unreadable(path, fs_path, "it is a folder, not a file")
    except OSError as exc:
        return _unreadable(path, fs_path, exc.strerror or str(exc))
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            return _unreadable(path, fs_path, "it is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            return _unreadable(path, fs_path, "not a regular file (a pipe, socket or device)")
        if info.st_size > max_bytes:
            return _too_large(path, fs_path, info.st_size, max_bytes)
        data = read_at_most(fd, max_bytes + 1, info.st_size)
    except OSError as exc:
        return _unreadable(path, fs_path, exc.strerror or str(exc))
    finally:
        os.close(fd)
    if len(data) > max_bytes:
        return _too_large(path, fs_path, len(data), max_bytes, grew=True)
    return decode(path, data, fs_path)


def _too_large(
    path: str, fs_path: Path, size: int, max_bytes: int, grew: bool = False, stdin: bool = False
) -> SourceFile:
    if stdin:  # read only up to the limit: its real size is unknown
        message = f"the text on stdin is over the limit of {max_bytes:,} bytes"
    elif grew:
        message = f"file grew past the limit of {max_bytes:,} bytes while being read"
    else:
        message = f"file is {size:,} bytes, over the limit of {max_bytes:,} bytes"
    return _refused(
        path, fs_path, Span.point(1, 1), "syntax/too-large", message + " (max-file-size in config)"
    )
