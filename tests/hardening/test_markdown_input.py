"""documents/markdown.py on hostile SOUL.md: front matter, nesting that crashes the parser."""

from __future__ import annotations

import time

import pytest

from atlaslint.documents.markdown import load_markdown
from atlaslint.documents.source import decode
from atlaslint.positions import Span


def load(text: str):
    return load_markdown(decode("SOUL.md", text.encode("utf-8")))


@pytest.mark.parametrize(
    "text",
    ["---\ntitle: x\n# Title\n\n## Purpose\n", "---\n", "\ufeff---\nnever closed\n"],
)
def test_unterminated_front_matter(text: str) -> None:
    doc = load(text)
    assert [(p.rule, p.span) for p in doc.problems] == [("syntax/front-matter", Span(1, 1, 1, 4))]
    assert not doc.ok


def test_closed_front_matter_keeps_positions() -> None:
    doc = load("---\ntitle: x\n---\n# Title\n\n## Purpose\n\nText.\n")
    assert not doc.problems
    assert doc.titles[0].span == Span(4, 1, 4, 8)
    assert doc.sections[0].heading.span == Span(6, 1, 6, 11)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # Each of these crashed the interpreter (markdown-it-pyrs frees its tree
        # recursively) or took many seconds before the bound.
        ("> " * 100_000 + "x\n", Span(1, 1001, 1, 1002)),
        ("- " * 100_000 + "x\n", Span(1, 1001, 1, 1002)),
        ("> - " * 100_000 + "x\n", Span(1, 1001, 1, 1002)),
        ("*" * 100_000 + "x" + "*" * 100_000, Span(1, 1, 1, 2)),
        ("# T\n\n" + "*a\n" * 100_000 + "a*\n" * 100_000, Span(3, 1, 3, 2)),
        ("".join("  " * i + "- x\n" for i in range(3000)), Span(501, 1001, 501, 1002)),
    ],
)
def test_pathological_nesting_is_refused_quickly(text: str, span: Span) -> None:
    started = time.perf_counter()
    doc = load(text)
    assert time.perf_counter() - started < 3.0
    assert [(p.rule, p.span) for p in doc.problems] == [("syntax/too-deep", span)]
    assert not doc.ok


def test_exact_depth_is_checked_on_the_tree() -> None:
    """101 nested quotes pass the cheap bound; the tree walk refuses them at the text."""
    doc = load("# T\n\n## Purpose\n\n" + ">" * 101 + " x\n")
    assert [(p.rule, p.span) for p in doc.problems] == [("syntax/too-deep", Span(5, 101, 5, 102))]


def test_ordinary_nesting_is_fine() -> None:
    nested = "".join("  " * i + f"- level {i} with **bold *and [a link](x)*\n" for i in range(12))
    doc = load("# T\n\n## Purpose\n\n" + nested)
    assert doc.ok and not doc.problems
    assert doc.sections[0].words > 0


@pytest.mark.parametrize("text", ["", "\n", "   \n\n"])
def test_empty_soul_parses_to_no_sections(text: str) -> None:
    doc = load(text)
    assert doc.ok and not doc.problems
    assert doc.sections == [] and doc.titles == []


@pytest.mark.parametrize(
    "text",
    [
        "## Purpose\n\nsee [the `foo bar\n",  # markdown-it#40: unclosed '[' then a lone '`'
        "# T\n\n## Purpose\n\n*[`* and\n\na [b\n`c\n",
        "[\\-a1`~\n>`(\\-",  # found by fuzzing
        "1[<``*a`- `~-a",  # found by fuzzing
    ],
)
def test_parser_panic_is_worked_around(text: str) -> None:
    """markdown-it-pyrs panics (a BaseException) on these; positions stay exact."""
    from atlaslint.documents.markdown import _parser

    with pytest.raises(BaseException, match="index out of bounds"):
        _parser().tree(text)
    doc = load(text + "\n## Tools\n")
    assert doc.ok and not doc.problems
    tools = doc.sections[-1].heading
    assert tools.text == "Tools"
    last = len(text.split("\n")) + 1
    assert tools.span == Span(last, 1, last, 9)


def test_backticks_without_a_match_count_as_text() -> None:
    doc = load("## Purpose\n\nsee [the ``foo bar and `code` here\n")
    assert doc.sections[0].words == 6  # see the foo bar and here; `code` is code


def test_a_panic_that_cannot_be_worked_around_is_an_internal_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from atlaslint.documents import markdown

    class PanicException(BaseException):  # the name pyo3 gives it
        pass

    class Exploding:
        def tree(self, _text: str) -> None:
            raise PanicException("boom")

    monkeypatch.setattr(markdown, "_parser", Exploding)
    doc = load("# T\n")
    assert [(p.rule, p.span) for p in doc.problems] == [("internal/error", Span.point(1, 1))]
    assert "boom" in doc.problems[0].message
    assert not doc.ok


def test_fragment_helpers_survive_hostile_markdown() -> None:
    """Records carry Markdown too (sections[].markdown); the fragment helpers get the
    same bounds and the same panic workaround, without crashing."""
    from atlaslint.documents.markdown import count_words, has_raw_html, inline_text, render_html

    deep = "> " * 100_000 + "x"
    started = time.perf_counter()
    assert count_words(deep) == 1
    assert render_html(deep).startswith("<p>&gt; &gt;")
    assert not has_raw_html(deep)
    assert inline_text("[a" * 10_000) == "[a" * 10_000
    assert time.perf_counter() - started < 3.0
    panicky = "see [the `foo bar"
    assert count_words(panicky) == 4
    assert render_html(panicky) == "<p>see [the `foo bar</p>\n"
    assert inline_text("Tools [`") == "Tools [`"
