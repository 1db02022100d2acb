"""JSON with a position for every key and value.

The standard library validates the syntax (its error gives the exact line and
column); a small scanner over the same text then records where each value
sits. Duplicate keys are reported instead of silently keeping the last one.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.documents.data import DataDocument, Located, Path_
from atlaslint.documents.source import SourceFile
from atlaslint.positions import Span

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}


class _Scanner:
    def __init__(self, doc: DataDocument) -> None:
        self.doc = doc
        self.text = doc.source.text or ""
        self.index = doc.source.index

    def ws(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()

    def record(self, path: Path_, start: int, end: int, key: Span | None) -> None:
        self.doc.positions[path] = Located(self.index.span(start, end), key, start, end)

    def value(self, pos: int, path: Path_, key: Span | None) -> tuple[Any, int]:
        char = self.text[pos]
        if char == "{":
            result, end = self.obj(pos, path)
        elif char == "[":
            result, end = self.array(pos, path)
        elif char == '"':
            result, end = scanstring(self.text, pos + 1)
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
    if not source.ok:
        doc.problems.extend(source.problems)
        return doc
    text = source.text or ""
    if not text.strip():
        doc.problems.append(
            Diagnostic(
                source.path, Span.point(1, 1), "syntax/empty", Severity.ERROR, "file is empty"
            )
        )
        return doc
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        doc.problems.append(
            Diagnostic(
                source.path,
                Span(exc.lineno, exc.colno, exc.lineno, exc.colno + 1),
                "syntax/json",
                Severity.ERROR,
                f"invalid JSON: {exc.msg}",
            )
        )
        return doc
    except RecursionError:
        doc.problems.append(
            Diagnostic(
                source.path,
                Span.point(1, 1),
                "syntax/json",
                Severity.ERROR,
                "invalid JSON: nested too deeply",
            )
        )
        return doc
    scanner = _Scanner(doc)
    try:
        doc.data, _ = scanner.value(scanner.ws(0), (), None)
    except RecursionError:
        doc.data = None
        doc.problems.append(
            Diagnostic(
                source.path,
                Span.point(1, 1),
                "syntax/json",
                Severity.ERROR,
                "invalid JSON: nested too deeply",
            )
        )
    return doc
