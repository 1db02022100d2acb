"""Block collections end where their last value ends, not after the comments and blank
lines that follow them (ruamel's end mark), so a diagnostic on a whole statement covers
the statement only."""

from __future__ import annotations

from atlaslint.documents.source import decode
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.positions import Span

TEXT = """\
items:
  - level: basic
    cites:
      - onet
    # a comment about the next item

  - {level: expert, cites: [wef]}
  - level: basic
    text: last

# trailing comment
after: 1
"""


def test_block_spans_end_at_their_last_value():
    doc = load_yaml(decode("x.yaml", TEXT.encode("utf-8")))
    assert doc.value_span(("items", 0)) == Span(2, 5, 4, 13)
    assert doc.value_span(("items", 0, "cites")) == Span(4, 7, 4, 13)
    assert doc.value_span(("items", 1)) == Span(7, 5, 7, 34)
    assert doc.value_span(("items", 2)) == Span(8, 5, 9, 15)
    assert doc.value_span(("items",)) == Span(2, 3, 9, 15)


def test_duplicate_last_key_does_not_shrink_the_span():
    doc = load_yaml(decode("x.yaml", b"m:\n  a: 1\n  b: 2\n  a: 3\n"))
    assert doc.value_span(("m",)) == Span(2, 3, 4, 7)
