"""JSON loading with positions and exact syntax-error locations."""

from __future__ import annotations

from atlaslint.documents.json_loader import load_json
from atlaslint.documents.source import decode
from atlaslint.positions import Span


def _load(text: str):
    return load_json(decode("r.json", text.encode("utf-8")))


def test_positions_of_keys_and_values():
    doc = _load('{\n  "slug": "café",\n  "sections": [{"id": "x", "wordCount": 12}]\n}\n')
    assert doc.data["sections"][0]["wordCount"] == 12
    assert doc.value_span(("slug",)) == Span(2, 11, 2, 17)
    assert doc.key_span(("slug",)) == Span(2, 3, 2, 9)
    assert doc.value_span(("sections", 0, "wordCount")) == Span(3, 41, 3, 43)


def test_syntax_error_at_parser_position():
    doc = _load('{\n  "slug": "x",\n}\n')
    (problem,) = doc.problems
    assert problem.rule == "syntax/json"
    assert (problem.span.line, problem.span.column) == (3, 1)


def test_duplicate_key():
    doc = _load('{"a": 1, "a": 2}')
    (problem,) = doc.problems
    assert problem.rule == "syntax/duplicate-key"
    assert problem.span == Span(1, 10, 1, 13)
    assert doc.data == {"a": 1}
