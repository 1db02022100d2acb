"""JSON with a position for every key and value.

The standard library validates the syntax (its error gives the exact line and
column); a small scanner over the same text then records where each value
sits. Duplicate keys are reported instead of silently keeping the last one;
``NaN`` and ``Infinity`` (which ``json.loads`` accepts but JSON does not) are
syntax errors; nesting beyond :data:`MAX_DEPTH` is refused.
"""

from __future__ import annotations

import json
import re
import sys
from json.decoder import scanstring
from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.documents.data import MAX_DEPTH, DataDocument, Located, Path_
from atlaslint.documents.source import SourceFile
from atlaslint.positions import Span

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_NOT_JSON = ("NaN", "Infinity", "-Infinity")
_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[\]{}]|-?[0-9]+')


class _Refused(Exception):
    """The scanner met something it reports instead of reading on."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


def _locate(text: str, too_deep: bool = False, digits: int = 0) -> int | None:
    """Offset of the first bracket nested beyond :data:`MAX_DEPTH` (``too_deep``) or of
    the first number with more than ``digits`` digits, skipping strings. Used when
    ``json.loads`` fails without saying where."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        first = token[0]
        if first in "[{":
            depth += 1
            if too_deep and depth > MAX_DEPTH:
                return match.start()
        elif first in "]}":
            depth -= 1
        elif digits and first != '"' and len(token.lstrip("-")) > digits:
            return match.start()
    return None


class _Scanner:
    def __init__(self, doc: DataDocument) -> None:
        self.doc = doc
        self.text = doc.source.text or ""
        self.index = doc.source.index

    def ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()

    def record(self, path: Path_, start: int, end: int, key: Span | None) -> None:
        self.doc.positions[path] = Located(self.index.span(start, end), key, start, end)

    def refuse(self, start: int, end: int, rule: str, message: str) -> _Refused:
        span = self.index.span(start, end)
        return _Refused(Diagnostic(self.doc.path, span, rule, Severity.ERROR, message))

    def value(self, pos: int, path: Path_, key: Span | None) -> tuple[Any, int]:
        char = self.text[pos]
        if char in "{[" and len(path) >= MAX_DEPTH:
            raise self.refuse(
                pos,
                pos + 1,
                "syntax/too-deep",
                f"nested more than {MAX_DEPTH} levels deep; refused",
            )
        if char == "{":
            result, end = self.obj(pos, path)
        elif char == "[":
            result, end = self.array(pos, path)
        elif char == '"':
            result, end = scanstring(self.text, pos + 1)
        elif self.text.startswith(_NOT_JSON, pos):
            word = next(w for w in _NOT_JSON if self.text.startswith(w, pos))
            raise self.refuse(
                pos,
                pos + len(word),
                "syntax/json",
                f"invalid JSON: {word} is not a JSON number (write null or a string)",
            )
        else:
            for word, literal in _LITERALS.items():
                if self.text.startswith(word, pos):
                    result, end = literal, pos + len(word)
                    break
            else:
                match = _NUMBER.match(self.text, pos)
                number = match.group()
                result = float(number) if any(c in number for c in ".eE") else int(number)
                end = match.end()
        self.record(path, pos, end, key)
        return result, end

    def obj(self, pos: int, path: Path_) -> tuple[dict, int]:
        out: dict = {}
        pos = self.ws(pos + 1)
        if self.text[pos] == "}":
            return out, pos + 1
        while True:
            key_start = pos
            key, pos = scanstring(self.text, pos + 1)
            key_span = self.index.span(key_start, pos)
            pos = self.ws(self.ws(pos) + 1)  # skip ':'
            if key in out:
                self.doc.problems.append(
                    Diagnostic(
                        self.doc.path,
                        key_span,
                        "syntax/duplicate-key",
                        Severity.ERROR,
                        f"duplicate key '{key}': a second value would silently replace the first",
                    )
                )
                _, pos = self.value(pos, (*path, f"\0dup{key_start}"), key_span)
            else:
                out[key], pos = self.value(pos, (*path, key), key_span)
            pos = self.ws(pos)
            if self.text[pos] == "}":
                return out, pos + 1
            pos = self.ws(pos + 1)  # skip ','

    def array(self, pos: int, path: Path_) -> tuple[list, int]:
        out: list = []
        pos = self.ws(pos + 1)
        if self.text[pos] == "]":
            return out, pos + 1
        while True:
            item, pos = self.value(pos, (*path, len(out)), None)
            out.append(item)
            pos = self.ws(pos)
            if self.text[pos] == "]":
                return out, pos + 1
            pos = self.ws(pos + 1)


def load_json(source: SourceFile) -> DataDocument:
    """Parse JSON into a :class:`DataDocument`; syntax errors become diagnostics."""
    doc = DataDocument(source)
    text = doc.readable_text()
    if text is None:
        return doc
    index = source.index
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        doc.problems.append(_error(source, index.char_span(exc.pos), f"invalid JSON: {exc.msg}"))
        return doc
    except RecursionError:
        where = _locate(text, too_deep=True)
        span = index.char_span(where) if where is not None else Span.point(1, 1)
        doc.problems.append(
            _error(source, span, f"nested more than {MAX_DEPTH} levels deep; refused", "too-deep")
        )
        return doc
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        limit = sys.get_int_max_str_digits() if hasattr(sys, "get_int_max_str_digits") else 0
        where = _locate(text, digits=limit) if limit else None
        if where is None:
            doc.problems.append(_error(source, Span.point(1, 1), f"invalid JSON: {exc}"))
        else:
            message = f"invalid JSON: a number longer than {limit:,} digits"
            doc.problems.append(_error(source, index.char_span(where), message))
        return doc
    scanner = _Scanner(doc)
    try:
        doc.data, _ = scanner.value(scanner.ws(0), (), None)
    except _Refused as refused:
        doc.data = None
        doc.positions.clear()
        doc.problems.append(refused.diagnostic)
    return doc


def _error(source: SourceFile, span: Span, message: str, rule: str = "json") -> Diagnostic:
    return Diagnostic(source.path, span, f"syntax/{rule}", Severity.ERROR, message)
