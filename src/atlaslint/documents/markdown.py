"""SOUL.md through markdown-it-pyrs: headings, sections and word counts with exact spans.

markdown-it-pyrs (the Rust twin of markdown-it-py, same token model) gives a
source map for every block *and* inline node, which is what lets prose rules
point at a word's exact column; it also parses about 9x faster. Its source
maps are UTF-8 byte offsets; :class:`ByteMap` turns them into character offsets.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.documents.source import SourceFile
from atlaslint.positions import Span

WORD = re.compile(r"[\w'’]+")
"""A word as the SOUL Atlas counts it: a run of word characters and apostrophes
(checked against every section of the seed record's wordCount)."""

NON_PROSE = frozenset({"code_inline", "fence", "code_block", "html_block", "html_inline"})
_md = None


def _parser():
    global _md
    if _md is None:
        from markdown_it_pyrs import MarkdownIt

        _md = MarkdownIt("commonmark").enable_many(["table", "strikethrough"])
    return _md


class ByteMap:
    """UTF-8 byte offsets (markdown-it-pyrs source maps) to character offsets.

    Only non-ASCII characters make the two differ, and prose has few of them
    (dashes, quotes, accents), so we record just those: after each one, how
    many extra bytes have been seen so far.
    """

    __slots__ = ("_after", "_extra")

    def __init__(self, text: str) -> None:
        after: list[int] = []
        extra: list[int] = []
        total = 0
        if not text.isascii():
            for match in _NON_ASCII.finditer(text):
                total += len(match.group().encode("utf-8")) - 1
                after.append(match.end() + total)
                extra.append(total)
        self._after = after
        self._extra = extra

    def char(self, byte_offset: int) -> int:
        i = bisect.bisect_right(self._after, byte_offset) - 1
        return byte_offset - (self._extra[i] if i >= 0 else 0)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@dataclass(slots=True)
class Heading:
    """An ATX or setext heading: its level, plain text and exact spans."""

    level: int
    text: str
    span: Span
    start: int
    end: int


@dataclass(slots=True)
class Section:
    """An H2 section: from its heading to the next heading of level 1 or 2."""

    heading: Heading
    body_start: int
    body_end: int
    words: int
    nodes: list[Any] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.heading.text


@dataclass
class MarkdownDocument:
    """A parsed SOUL.md: the tree, its H1 titles and its H2 sections."""

    source: SourceFile
    tree: Any = None
    bytemap: ByteMap | None = None
    titles: list[Heading] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    preamble_nodes: list[Any] = field(default_factory=list)
    problems: list[Diagnostic] = field(default_factory=list)
    content_start: int = 0

    @property
    def path(self) -> str:
        return self.source.path

    @property
    def ok(self) -> bool:
        return self.tree is not None

    def node_range(self, node: Any) -> tuple[int, int]:
        """Character offsets of a node of the tree."""
        start, end = node.srcmap
        assert self.bytemap is not None
        return self.content_start + self.bytemap.char(start), self.content_start + (
            self.bytemap.char(end)
        )

    def section_markdown(self, section: Section) -> str:
        """The section's body as written, without its heading and surrounding blank lines."""
        return (self.source.text or "")[section.body_start : section.body_end].strip("\n")

    def words_between(self, start: int, end: int, nodes: list[Any]) -> int:
        """Words in ``text[start:end]`` outside code spans, fenced code and HTML."""
        text = self.source.text or ""
        holes = sorted(self.node_range(n) for n in _walk(nodes) if n.name in NON_PROSE)
        count, pos = 0, start
        for hole_start, hole_end in holes:
            if hole_end <= pos:
                continue
            count += len(WORD.findall(text, pos, max(pos, hole_start)))
            pos = max(pos, hole_end)
        return count + len(WORD.findall(text, pos, end))


def _walk(nodes: list[Any]) -> Iterator[Any]:
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        yield node
        if node.name not in NON_PROSE:
            stack.extend(reversed(node.children))


def plain_text(node: Any) -> str:
    """Concatenated text of a node's inline children (heading text, list item text)."""
    parts = []
    for child in _walk(node.children):
        if child.name == "text":
            parts.append(child.meta.get("content", ""))
        elif child.name in ("code_inline",):
            parts.extend(c.meta.get("content", "") for c in child.children)
        elif child.name in ("softbreak", "hardbreak"):
            parts.append(" ")
    return "".join(parts).strip()


def _front_matter(source: SourceFile) -> tuple[int, Diagnostic | None]:
    """Skip YAML front matter; an unterminated one is a syntax error."""
    text = source.text or ""
    if not text.startswith("---\n"):
        return 0, None
    match = re.search(r"^(---|\.\.\.)[ \t]*$", text[4:], re.MULTILINE)
    if match is None:
        return 0, Diagnostic(
            source.path,
            Span(1, 1, 1, 4),
            "syntax/front-matter",
            Severity.ERROR,
            "front matter opened with '---' is never closed",
        )
    end = 4 + match.end()
    return (end + 1 if text[end : end + 1] == "\n" else end), None


def load_markdown(source: SourceFile) -> MarkdownDocument:
    """Parse SOUL.md into headings and sections with exact spans."""
    doc = MarkdownDocument(source)
    if not source.ok:
        doc.problems.extend(source.problems)
        return doc
    text = source.text or ""
    doc.content_start, problem = _front_matter(source)
    if problem:
        doc.problems.append(problem)
        return doc
    body = text[doc.content_start :]
    doc.bytemap = ByteMap(body)
    doc.tree = _parser().tree(body)
    current: Section | None = None
    for node in doc.tree.children:
        if node.name == "heading" and node.meta.get("level", 9) <= 2:
            start, end = doc.node_range(node)
            end = min(end, len(text))
            while end > start and text[end - 1] == "\n":
                end -= 1
            heading = Heading(
                node.meta["level"], plain_text(node), source.index.span(start, end), start, end
            )
            if current is not None:
                current.body_end = start
            if heading.level == 1:
                doc.titles.append(heading)
                current = None
                continue
            current = Section(heading, end, len(text), 0)
            doc.sections.append(current)
        elif current is not None:
            current.nodes.append(node)
        else:
            doc.preamble_nodes.append(node)
    for section in doc.sections:
        section.words = doc.words_between(section.body_start, section.body_end, section.nodes)
    return doc


def count_words(markdown: str) -> int:
    """Words in a Markdown fragment (a section body), counted exactly as the section rules
    count them: outside code spans, fenced code and HTML. No front matter is looked for,
    so a body that opens with a ``---`` rule is read as Markdown."""
    if not markdown.strip():
        return 0
    doc = MarkdownDocument(SourceFile("<fragment>", None, markdown))
    doc.bytemap = ByteMap(markdown)
    doc.tree = _parser().tree(markdown)
    return doc.words_between(0, len(markdown), list(doc.tree.children))


def inline_text(markdown: str) -> str:
    """The plain text of one line of inline Markdown (a heading's text as written)."""
    tree = _parser().tree("# " + markdown.replace("\n", " "))
    for node in tree.children:
        if node.name == "heading":
            return plain_text(node)
    return markdown.strip()


def render_html(markdown: str) -> str:
    """HTML of Markdown with the same parser (CommonMark plus tables and strikethrough)
    that the checks read it with."""
    return _parser().render(markdown)


def has_raw_html(markdown: str) -> bool:
    """Does a fragment hold raw HTML (blocks or inline tags)?"""
    return any(node.name in ("html_block", "html_inline") for node in _walk_all(markdown))


def _walk_all(markdown: str) -> Iterator[Any]:
    stack = list(_parser().tree(markdown).children)
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)
