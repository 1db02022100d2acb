"""documents/json_loader.py on hostile JSON: syntax errors, NaN, duplicates, depth, huge numbers."""

from __future__ import annotations

import time

import pytest

from atlaslint.documents.json_loader import load_json
from atlaslint.documents.source import decode
from atlaslint.positions import Span


def problems(data: bytes | str) -> list[tuple[str, Span, str]]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    doc = load_json(decode("x.record.json", raw))
    return [(p.rule, p.span, p.message) for p in doc.problems]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ('{"slug": "carpenter",}', Span(1, 22, 1, 23)),
        ('{\n  "a": 1\n  "b": 2\n}', Span(3, 3, 3, 4)),
        ('{"a": ', Span(1, 7, 1, 7)),  # at the end of the text: an empty span
        ("{}\n\n]", Span(3, 1, 3, 2)),
        ('{"a": "tab\there"}', Span(1, 11, 1, 12)),
    ],
)
def test_syntax_error_at_the_parsers_position(text: str, span: Span) -> None:
    [(rule, found, message)] = problems(text)
    assert (rule, found) == ("syntax/json", span)
    assert message.startswith("invalid JSON: ")


def test_position_is_exact_with_bom_and_crlf() -> None:
    lf = problems(b'{\n  "a": 1,\n}\n')
    crlf = problems(b'\xef\xbb\xbf{\r\n  "a": 1,\r\n}\r\n')
    assert [s for _, s, _ in lf] == [s for _, s, _ in crlf] == [Span(3, 1, 3, 2)]


@pytest.mark.parametrize(
    ("text", "span", "word"),
    [
        ('{"score": NaN}', Span(1, 11, 1, 14), "NaN"),
        ('{\n  "a": [1, Infinity]\n}', Span(2, 12, 2, 20), "Infinity"),
        ('{"a": -Infinity}', Span(1, 7, 1, 16), "-Infinity"),
    ],
)
def test_nan_and_infinity_are_syntax_errors(text: str, span: Span, word: str) -> None:
    """json.loads accepts them; JSON does not."""
    [(rule, found, message)] = problems(text)
    assert (rule, found) == ("syntax/json", span)
    assert word in message


def test_duplicate_keys_are_reported_at_each_repeat() -> None:
    found = problems('{"a": 1, "b": {"c": 1, "c": 2}, "a": 3}')
    assert [(r, s) for r, s, _ in found] == [
        ("syntax/duplicate-key", Span(1, 24, 1, 27)),
        ("syntax/duplicate-key", Span(1, 33, 1, 36)),
    ]


@pytest.mark.parametrize("depth", [101, 500, 100_000])
def test_deep_nesting_is_refused_quickly(depth: int) -> None:
    """500 passes json.loads but not our bound; 100,000 makes json.loads recurse out."""
    started = time.perf_counter()
    found = problems("[" * depth + "]" * depth)
    assert time.perf_counter() - started < 3.0
    assert [(r, s) for r, s, _ in found] == [("syntax/too-deep", Span(1, 101, 1, 102))]


def test_one_hundred_levels_are_allowed() -> None:
    assert problems('{"a": ' + "[" * 99 + "]" * 99 + "}") == []


def test_number_over_the_digit_limit_is_located() -> None:
    [(rule, span, message)] = problems('{"a": "1111",\n "b": ' + "7" * 5000 + "}")
    assert (rule, span) == ("syntax/json", Span(2, 7, 2, 8))
    assert "digits" in message


@pytest.mark.parametrize("data", [b"", b"  \n\t\n"])
def test_empty_file(data: bytes) -> None:
    assert [(r, s) for r, s, _ in problems(data)] == [("syntax/empty", Span.point(1, 1))]
