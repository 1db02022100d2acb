"""YAML loading: values, positions of keys and values in block and flow style."""

from __future__ import annotations

import datetime as dt

from atlaslint.documents.source import decode
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.positions import Span

TEXT = """\
title: 'Café Owner'
tags:
  - one
  - {slug: two, note: "x"}
summary: >-
  folded
  text
created: 2026-06-26
n: 3
"""


def _load(text: str):
    return load_yaml(decode("m.yaml", text.encode("utf-8")))


def test_values_and_types():
    doc = _load(TEXT)
    assert doc.data["title"] == "Café Owner"
    assert doc.data["tags"][1] == {"slug": "two", "note": "x"}
    assert doc.data["summary"] == "folded text"
    assert doc.data["created"] == dt.date(2026, 6, 26)
    assert doc.data["n"] == 3


def test_block_and_flow_positions():
    doc = _load(TEXT)
    assert doc.value_span(("title",)) == Span(1, 8, 1, 20)  # columns count characters
    assert doc.key_span(("title",)) == Span(1, 1, 1, 6)
    assert doc.value_span(("tags", 0)) == Span(3, 5, 3, 8)
    assert doc.value_span(("tags", 1, "slug")) == Span(4, 12, 4, 15)
    assert doc.key_span(("tags", 1, "note")) == Span(4, 17, 4, 21)
    assert doc.value_span(("summary",)) == Span(5, 10, 7, 7)


def test_missing_path_falls_back_to_nearest_ancestor():
    doc = _load(TEXT)
    assert doc.value_span(("tags", 1, "nope")) == doc.value_span(("tags", 1))


def test_syntax_error_at_parser_position():
    doc = _load("title: 'open\nslug: x\n")
    (problem,) = doc.problems
    assert problem.rule == "syntax/yaml"
    assert (problem.span.line, problem.span.column) == (3, 1)
    assert doc.data is None


def test_duplicate_key_reported_at_second_key():
    doc = _load("title: a\nslug: b\ntitle: c\n")
    (problem,) = doc.problems
    assert problem.rule == "syntax/duplicate-key"
    assert problem.span == Span(3, 1, 3, 6)
    assert doc.data["title"] == "a"


def test_python_tags_are_never_constructed():
    doc = _load("title: !!python/object/apply:os.system ['touch /tmp/pwned']\n")
    assert [p.rule for p in doc.problems] == ["syntax/yaml-tag"]


def test_alias_bomb_is_refused():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        name = chr(ord("a") + i)
        lines.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    doc = _load("\n".join(lines) + "\n")
    assert [p.rule for p in doc.problems] == ["syntax/yaml"]
    assert "alias bomb" in doc.problems[0].message


def test_suppression_comment_lines():
    doc = _load("a: 1  # atlaslint: disable=schema/enum\n# atlaslint: disable=xref\nb: 2\n")
    assert doc.suppressions[1] == frozenset({"schema/enum"})
    assert doc.suppressions[3] == frozenset({"xref"})
