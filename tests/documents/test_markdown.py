"""SOUL.md parsing: sections, spans and word counts as the atlas counts them."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlaslint.documents.markdown import ByteMap, load_markdown
from atlaslint.documents.source import decode
from atlaslint.positions import Span
from tests.conftest import SHARED


def _load(text: str):
    return load_markdown(decode("SOUL.md", text.encode("utf-8")))


def test_headings_and_spans_with_unicode():
    doc = _load("# Café\n\n## Purpose\n\nÉtude `code here` <b>x</b> words.\n\n## Core Mission\n")
    assert [t.text for t in doc.titles] == ["Café"]
    assert doc.titles[0].span == Span(1, 1, 1, 7)
    assert [s.name for s in doc.sections] == ["Purpose", "Core Mission"]
    assert doc.sections[0].heading.span == Span(3, 1, 3, 11)
    assert doc.sections[0].words == 3  # Étude, x, words: not code, not tags


def test_heading_in_code_fence_is_not_a_section():
    doc = _load("# T\n\n## A\n\n```\n## B\n```\n")
    assert [s.name for s in doc.sections] == ["A"]


def test_unterminated_front_matter():
    doc = _load("---\ntitle: x\n# T\n")
    assert [p.rule for p in doc.problems] == ["syntax/front-matter"]


def test_word_counts_match_the_seed_record():
    seed = SHARED / "seeds" / "004_6f151e1808202a5b.txt"
    if not seed.is_file():
        pytest.skip(f"seed record not found at {seed}")
    record = json.loads(seed.read_text(encoding="utf-8"))
    text = f"# {record['title']}\n" + "".join(
        f"\n## {s['heading']}\n\n{s['markdown']}\n" for s in record["sections"]
    )
    doc = _load(text)
    assert [s.words for s in doc.sections] == [s["wordCount"] for s in record["sections"]]
    assert [doc.section_markdown(s) for s in doc.sections] == [
        s["markdown"] for s in record["sections"]
    ]


@given(st.text(alphabet=st.sampled_from("ab \n*é—😀ü"), max_size=60))
def test_byte_map_agrees_with_encoding(text):
    """Every character boundary's byte offset maps back to that character offset."""
    byte_map = ByteMap(text)
    offset = 0
    for index, char in enumerate(text):
        assert byte_map.char(offset) == index
        offset += len(char.encode("utf-8"))
    assert byte_map.char(offset) == len(text)
