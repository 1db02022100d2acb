"""The YAML loader makes spans only when a check asks for them: the same spans."""

from __future__ import annotations

from atlaslint.documents.source import decode
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.positions import Span

TEXT = """\
title: 'Carpenter'   # a comment
slug: carpenter
aliases: [Joiner, "Cabinet maker"]
when: 2026-01-02
flags: {on: yes, count: 0x1F, ratio: .inf}
related:
  - slug: mason
    note: |
      block text
      over lines

  - slug: tile-setter
summary: >-
  folded
  text
"""


def test_spans_are_those_of_the_offsets() -> None:
    doc = load_yaml(decode("m.yaml", TEXT.encode()))
    index = doc.source.index
    assert doc.value_span(("slug",)) == Span(2, 7, 2, 16)
    assert doc.key_span(("slug",)) == Span(2, 1, 2, 5)
    assert doc.value_span(("related", 1, "slug")) == Span(12, 11, 12, 22)
    assert doc.value_span(("related", 0, "note")) == Span(8, 11, 10, 17)
    for located in doc.positions.values():
        assert located.value == index.span(located.start, located.end)
    assert doc.value_span(("related",)) == Span(7, 3, 12, 22)  # not over the next key


def test_a_span_set_by_the_loader_wins_over_the_offsets() -> None:
    doc = load_yaml(decode("m.yaml", TEXT.encode()))
    located = doc.positions[("related",)]
    assert located.end < len(TEXT.split("summary:")[0])  # trimmed to its last value
    assert located.value == doc.source.index.span(located.start, located.end)


def test_a_complex_key_ending_a_block_mapping_is_reported_not_a_crash() -> None:
    doc = load_yaml(decode("m.yaml", b"a: 1\n? [x]\n: 3\n"))
    assert [(p.rule, p.span.line) for p in doc.problems] == [("syntax/yaml", 2)]
    assert doc.data == {"a": 1}
