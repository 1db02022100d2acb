"""Prose extraction: the text a reader sees, mapped back to exact file positions."""

from __future__ import annotations

import re

from hypothesis import assume, given
from hypothesis import strategies as st

from atlaslint.documents.markdown import load_markdown
from atlaslint.documents.prose import (
    INLINE,
    URL,
    _escape_char,
    align_scalar,
    markdown_segments,
    yaml_segments,
)
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


def _char_by_char(value, source, style):
    """The reference alignment: each character at the first source character at or
    after the previous one's that equals it, or a double-quoted escape decoding to it."""
    j = {"'": 1, '"': 1}.get(style, 0)
    if style in ("|", ">"):
        j = source.find("\n") + 1 if "\n" in source else len(source)
    offsets = []
    for char in value:
        while j < len(source):
            if style == '"' and source[j] == "\\":
                decoded, width = _escape_char(source, j)
                if decoded == char:
                    offsets.append(j)
                    j += width
                    break
                j += width
                continue
            if source[j] == char:
                offsets.append(j)
                j += 1
                break
            j += 1
        else:
            offsets.append(max(len(source) - 1, 0))
    return offsets


def _yaml_scalar(value, style):
    """``summary:`` written in a YAML style, or None where the style cannot hold it."""
    if style == '"':
        escaped = value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return 'summary: "' + escaped.replace("é", "\\u00e9").replace("\t", "\\t") + '"\n'
    if style == "'":
        return None if "\n" in value else "summary: '" + value.replace("'", "''") + "'\n"
    lines = value.split("\n")
    if any(not line.strip() or line != line.strip() for line in lines):
        return None
    if style is None:
        return None if any(c in value for c in ":#'\"-\\") else "summary: " + "\n  ".join(lines)
    return f"summary: {style}\n" + "".join(f"  {line}\n" for line in lines)


@given(
    st.text(alphabet=st.sampled_from("ab c\\'\"\n\té’-x"), min_size=1, max_size=14),
    st.sampled_from([None, "'", '"', "|", ">"]),
)
def test_scalar_alignment_equals_matching_character_by_character(value, style):
    text = _yaml_scalar(value, style)
    assume(text is not None)
    doc = load_yaml(decode("m.yaml", text.encode("utf-8")))
    assume(doc.ok and isinstance(doc.data.get("summary"), str))
    located = doc.positions[("summary",)]
    read = doc.data["summary"]
    source = doc.source.text[located.start : located.end]
    offsets = [
        source_at + k
        for start, end, source_at in align_scalar(read, source, located.style)
        for k in range(end - start)
    ]
    assert offsets == _char_by_char(read, source, located.style)


def _reference_prose(doc):
    """Each prose block's text read from the parser's own content of every text node."""
    texts = []

    def inline(node, parts):
        if node.name in ("text", "text_special"):
            content = node.meta.get("content", "")
            start, end = doc.node_range(node)
            parts.append(URL.sub(" ", content) if len(content) == end - start else content)
        elif node.name in (
            "code_inline",
            "html_inline",
            "image",
            "autolink",
            "softbreak",
            "hardbreak",
        ):
            parts.append(" ")
        else:
            for child in node.children:
                inline(child, parts)

    def blocks(node):
        if node.name in ("fence", "code_block", "html_block", "hr", "front_matter"):
            return
        parts = None
        for child in node.children:
            if child.name in INLINE:
                parts = [] if parts is None else parts
                inline(child, parts)
                continue
            if parts is not None and "".join(parts).strip():
                texts.append("".join(parts))
            parts = None
            blocks(child)
        if parts is not None and "".join(parts).strip():
            texts.append("".join(parts))

    for node in doc.tree.children:
        blocks(node)
    return texts


@given(
    st.lists(
        st.sampled_from(
            [
                "word",
                " ",
                "  ",
                "\n",
                "\n\n",
                "*",
                "**",
                "_",
                "`",
                "&amp;",
                "&#42;",
                "\\*",
                "\\",
                "é",
                "—",
                "[a](u)",
                "<b>",
                "- ",
                "> ",
                "# ",
                "https://x.io/a",
                "\t",
                "|",
            ]
        ),
        max_size=24,
    )
)
def test_text_nodes_read_from_the_source_equal_the_parser_content(pieces):
    """Prose reads a plain text node from the file instead of the parser's content:
    the texts must be the same."""
    doc, segments = _md("".join(pieces))
    assume(doc.ok)
    assert [s.text for s in segments] == _reference_prose(doc)
    source = doc.source.text
    for segment in segments:  # a run written as it is maps each character to itself
        for run in segment.runs:
            if run.exact:
                written = source[run.src_start : run.src_end].replace("\n", " ")
                assert segment.text[run.text_start : run.text_end] == written


def _every_field_value(data, globs):
    """The reference: every string leaf, in document order, whose path matches a glob."""
    import fnmatch as fnmatch_module

    found = []

    def walk(node, path):
        if isinstance(node, str):
            parts = [str(p) for p in path]
            for glob in globs:
                pattern = glob.split("/")
                if len(pattern) == len(parts) and all(
                    fnmatch_module.fnmatchcase(a, b) for a, b in zip(parts, pattern, strict=True)
                ):
                    found.append((path, node))
                    return
            return
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            if isinstance(child, (dict, list, str)):
                walk(child, (*path, key))

    walk(data, ())
    return found


_KEYS = st.sampled_from(["a", "b", "level", "levels", "name", "x1"])
_DATA = st.recursive(
    st.sampled_from(["v", "w"]),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=12,
)
_GLOBS = st.lists(
    st.sampled_from(["a", "a/*", "*/name", "level*/*/name", "b/?", "*", "*/*/*", "a/b", "x1/*"]),
    min_size=1,
    max_size=4,
)


@given(_DATA, _GLOBS)
def test_field_globs_find_exactly_the_matching_values_in_order(data, globs) -> None:
    from atlaslint.documents.prose import _compiled_fields, _field_values

    found = list(_field_values(data, _compiled_fields(tuple(globs))))
    assert found == _every_field_value(data, globs)
