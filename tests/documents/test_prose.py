"""Prose extraction: the text a reader sees, mapped back to exact file positions."""

from __future__ import annotations

import re

from atlaslint.documents.markdown import load_markdown
from atlaslint.documents.prose import markdown_segments, yaml_segments
from atlaslint.documents.source import decode
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.positions import Span


def _find(segments, word):
    """Span of ``word`` in the extracted text, mapped back to the file."""
    for segment in segments:
        match = re.search(re.escape(word), segment.text)
        if match:
            return segment.source_range(*match.span())
    raise AssertionError(f"{word!r} not in prose")


def _md(text):
    doc = load_markdown(decode("SOUL.md", text.encode("utf-8")))
    return doc, markdown_segments(doc)


def test_markdown_prose_skips_code_urls_and_link_targets():
    doc, segments = _md(
        "# Café\n\n## Purpose\n\nSee `delve()` and [the realm](https://realm.example) at "
        "https://x.example/realm or <b>here</b>.\n\n```\nrealm\n```\n"
    )
    texts = [s.text for s in segments]
    assert texts[0] == "Café" and segments[0].context == "heading"
    body = next(s for s in segments if s.context == "prose")
    assert "delve" not in body.text and "https" not in body.text
    assert body.text.count("realm") == 1  # only the link text
    assert body.section == "Purpose"
    start, end = _find(segments, "realm")
    assert doc.source.index.span(start, end) == Span(5, 24, 5, 29)


def test_match_across_emphasis_and_line_break_maps_to_exact_span():
    doc, segments = _md("# T\n\n## A\n\nit is **very\nimportant** to\n")
    start, end = _find(segments, "very important")
    assert doc.source.index.span(start, end) == Span(5, 9, 6, 10)


def test_unicode_columns_in_list_items_and_tables():
    doc, segments = _md("# T\n\n- **Être** naïve chairman\n\n| a | é chairman |\n|---|---|\n")
    spans = [
        doc.source.index.span(*s.source_range(m.start(), m.end()))
        for s in segments
        for m in re.finditer("chairman", s.text)
    ]
    assert spans == [Span(3, 18, 3, 26), Span(5, 9, 5, 17)]


def _yaml(text, fields):
    doc = load_yaml(decode("m.yaml", text.encode("utf-8")))
    return doc, yaml_segments(doc, fields, "metadata")


def test_yaml_plain_quoted_folded_literal():
    text = (
        "a: plain café chairman\n"
        "b: 'it''s the chairman'\n"
        'c: "caf\\u00e9 chairman"\n'
        "d: >-\n  folded text\n  the chairman\n"
        "e: |\n  literal\n  chairman here\n"
        "f: plain folded\n  over chairman\n"
    )
    doc, segments = _yaml(text, ["*"])
    spans = {
        s.yaml_path[0]: doc.source.index.span(*s.source_range(m.start(), m.end()))
        for s in segments
        for m in re.finditer("chairman", s.text)
    }
    assert spans == {
        "a": Span(1, 15, 1, 23),
        "b": Span(2, 15, 2, 23),
        "c": Span(3, 15, 3, 23),
        "d": Span(6, 7, 6, 15),
        "e": Span(9, 3, 9, 11),
        "f": Span(11, 8, 11, 16),
    }


def test_yaml_field_globs():
    _, segments = _yaml(
        "summary: x y\nrelated:\n  - {slug: a, note: the note}\ntags: [t]\n",
        ["summary", "related/*/note"],
    )
    assert [(s.yaml_path, s.text) for s in segments] == [
        (("summary",), "x y"),
        (("related", 0, "note"), "the note"),
    ]
