"""SOUL.md parsing: sections, spans and word counts as the atlas counts them."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlaslint.documents.markdown import (
    _BLOCKS,
    ByteMap,
    _deeper_than,
    count_marked,
    count_words,
    load_markdown,
    parse_tree,
    word_bytes,
)
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


_WORD = re.compile(r"[\w'’]+")


@given(st.text(alphabet=st.sampled_from("ab1_'’ \n\t-—–“”•éß²٣中\u0301\u200b.,😀"), max_size=80))
def test_fast_word_count_equals_the_word_pattern(text):
    """The byte-based count is the atlas's definition: runs of ``[\\w'’]``, in the
    whole text and in any part of it cut at character boundaries."""
    byte_map = ByteMap(text)
    marked = word_bytes(byte_map.utf8, byte_map.non_ascii)
    assert count_marked(marked) == len(_WORD.findall(text))
    for start in range(0, len(text) + 1, 3):
        for end in range(start, len(text) + 1, 5):
            expected = len(_WORD.findall(text[start:end]))
            assert count_marked(marked, byte_map.byte(start), byte_map.byte(end)) == expected


@given(st.text(alphabet=st.sampled_from("ab é—😀\n`<"), max_size=40))
def test_byte_offsets_invert_character_offsets(text):
    byte_map = ByteMap(text)
    for index in range(len(text) + 1):
        assert byte_map.byte(index) == len(text[:index].encode("utf-8"))
        assert byte_map.char(byte_map.byte(index)) == index


def test_words_outside_code_and_html_count_in_fragments():
    assert count_words("Two words `not these` and <b>x</b> — café’s\n\n```\nno\n```\n") == 5


@pytest.mark.parametrize(
    ("markdown", "words"),
    [
        ("one two\n\n~~~\nthree four\n~~~\n", 2),  # a tilde fence
        ("one two ~~three~~ four\n", 4),  # tildes, but no fence: every word counts
        ("one two\n\n    three four\n", 2),  # indented code
        ("one two\n\n\tthree four\n", 2),  # indented by a tab
        ("- one\n    - two three\n", 3),  # four spaces that open no code block
    ],
)
def test_each_kind_of_code_is_left_out_of_the_count(markdown: str, words: int) -> None:
    """Each marker of a possible code block or span, present or absent, gives the count
    the parser's tree does (the markers only decide where the tree is read)."""
    assert count_words(markdown) == words


def _deepest_first(tree, limit):
    """The reference: depth-first, the first node deeper than ``limit``."""
    stack = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return node
        stack.extend((child, depth + 1) for child in reversed(node.children))
    return None


@given(
    st.lists(
        st.tuples(st.integers(0, 12), st.sampled_from(["> ", "- ", "1. ", "  ", "*a* ", "[b "])),
        max_size=12,
    ),
    st.integers(1, 8),
)
def test_depth_bound_finds_the_same_node_as_a_depth_first_walk(lines, limit):
    text = "".join(marker * count + "word\n" for count, marker in lines)
    tree = parse_tree(text)
    expected = _deepest_first(tree, limit)
    found = _deeper_than(tree, limit)
    assert (found is None) == (expected is None)
    if expected is not None:
        assert (found.name, found.srcmap) == (expected.name, expected.srcmap)


@given(
    st.lists(
        st.sampled_from(["Core", " ", "Mission", "&amp;", "\\*", "*em*", "`x`", "é—", "# ", "\t"]),
        min_size=1,
        max_size=6,
    ),
    st.sampled_from(["", " ##", "  ", " #"]),
)
def test_heading_text_read_from_the_source_is_the_parsers(parts, closing):
    from atlaslint.documents.markdown import plain_text

    text = f"# Title\n\n## {''.join(parts)}{closing}\n\nBody.\n"
    doc = _load(text)
    headings = [n for n in doc.blocks if n.name == "heading" and n.meta["level"] <= 2]
    expected = [plain_text(n) for n in headings]
    found = [h.text for h in doc.titles] + [s.heading.text for s in doc.sections]
    assert found == expected


@given(st.text(alphabet="\n \ta`😀", max_size=40))
def test_blocks_are_the_text_between_blank_lines(text: str) -> None:
    """The block pattern (a run of characters as one step) matches what the plain
    one-character-at-a-time pattern matches."""
    plain = re.compile(r"(?:[^\n]|\n(?![ \t]*\n))+")
    assert [m.span() for m in _BLOCKS.finditer(text)] == [m.span() for m in plain.finditer(text)]
