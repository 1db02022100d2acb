"""SOUL.md through markdown-it-pyrs: headings, sections and word counts with exact spans.

markdown-it-pyrs (the Rust twin of markdown-it-py, same token model) gives a
source map for every block *and* inline node, which is what lets prose rules
point at a word's exact column; it also parses about 9x faster. Its source
maps are UTF-8 byte offsets; :class:`ByteMap` turns them into character offsets.
"""

from __future__ import annotations

import bisect
import contextlib
import itertools
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.documents.data import MAX_DEPTH
from atlaslint.documents.source import SourceFile
from atlaslint.positions import Span

WORD = re.compile(r"[\w'’]+")
"""A word as the SOUL Atlas counts it: a run of word characters and apostrophes
(checked against every section of the seed record's wordCount)."""

_HOLE_MARKERS = (b"`", b"~~~", b"<", b"    ", b"\t")
"""Without one of these in its text a section can hold no code span, fenced or
indented code block or HTML (a blockquote's indented code still has 4 spaces)."""
NON_PROSE = frozenset({"code_inline", "fence", "code_block", "html_block", "html_inline"})
_md = None

_CONTAINER_PREFIX = re.compile(
    r"^(?:[ \t]|>|[-+*](?=[ \t]|$)|[0-9]{1,9}[.)](?=[ \t]|$))+", re.MULTILINE
)
_MAYBE_LONG_PREFIX = re.compile(r"\n[ \t>+*\-0-9.)]{26}")
"""A line starting with 26 characters that container prefixes are made of: a prefix
of fewer units (at most 250 characters, 4 columns each) cannot pass
:data:`MAX_PREFIX_COLUMNS`, so a text without such a line needs no closer look.
(It starts with a literal newline, which ``re`` finds fast.)"""
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_DELIMITERS = "*_~["
"""Emphasis and link openers."""
MAX_PREFIX_COLUMNS = 1000
"""Widest run of indentation and container markers (``>``, ``-``, ``1.``) at a line
start: each nesting level of lists and quotes needs at least one column of it."""
MAX_DELIMITERS = 5000
"""Most emphasis and link openers (``* _ ~ [``) in one paragraph-like block: inline
nesting needs one per level, and the parser slows quadratically with that depth."""


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

    __slots__ = ("_after", "_char_after", "_extra", "non_ascii", "utf8")

    def __init__(self, text: str) -> None:
        self._after: list[int] = []
        self._extra: list[int] = []
        self._char_after: list[int] | None = None
        self.utf8 = text.encode("utf-8", "surrogatepass")
        """The text's UTF-8 bytes, the parser's own unit."""
        self.non_ascii = ""
        """Every non-ASCII character of the text, in order."""
        if len(self.utf8) == len(text):
            return
        # The bytes, not the characters, are searched: a non-ASCII character starts
        # at each lead byte (0xC0 and up), found with bytes.find, and is as wide as
        # that byte says.
        utf8 = self.utf8
        leads = utf8.translate(_LEAD_BYTES)
        after, extra, seen = self._after, self._extra, 0
        chars = []
        position = leads.find(b"L")
        while position != -1:
            width = _WIDTH[utf8[position]]
            chars.append(utf8[position : position + width])
            seen += width - 1
            position += width
            after.append(position)
            extra.append(seen)
            position = leads.find(b"L", position)
        self.non_ascii = b"".join(chars).decode("utf-8", "surrogatepass")

    @property
    def identity(self) -> bool:
        """Are byte and character offsets the same (an ASCII text)?"""
        return not self._after

    def tables(self) -> tuple[list[int], list[int]]:
        """The byte offset after each non-ASCII character, and the extra bytes seen by
        then (for a caller that maps many offsets in a loop)."""
        return self._after, self._extra

    def char(self, byte_offset: int) -> int:
        i = bisect.bisect_right(self._after, byte_offset) - 1
        return byte_offset - (self._extra[i] if i >= 0 else 0)

    def byte(self, char_offset: int) -> int:
        """The inverse of :meth:`char`: the byte offset of a character offset."""
        if self._char_after is None:
            self._char_after = [a - e for a, e in zip(self._after, self._extra, strict=True)]
        i = bisect.bisect_right(self._char_after, char_offset) - 1
        return char_offset + (self._extra[i] if i >= 0 else 0)


_LEAD_BYTES = bytes(76 if byte >= 0xC0 else 32 for byte in range(256))
"""A UTF-8 lead byte as ``L``, every other byte as a space."""
_WIDTH = bytes(2 if byte < 0xE0 else 3 if byte < 0xF0 else 4 for byte in range(256))
"""The length of the UTF-8 sequence a lead byte opens."""


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
    blocks: list[Any] = field(default_factory=list)
    """The top-level nodes of the tree, in order."""
    block_sections: list[str | None] = field(default_factory=list)
    """For each of :attr:`blocks`, the H2 section it is in (``None``: before any, or
    after an H1)."""
    problems: list[Diagnostic] = field(default_factory=list)
    content_start: int = 0
    _marked: bytes | None = field(default=None, repr=False)
    _hole_markers: tuple[bytes, ...] = field(default=(), repr=False)
    """The :data:`_HOLE_MARKERS` the body holds (known once ``_marked`` is made)."""

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
        """Words in ``text[start:end]`` (a part of the body) outside code spans, fenced
        code and HTML, counted in the body's UTF-8 bytes."""
        bytemap = self.bytemap
        assert bytemap is not None
        utf8 = bytemap.utf8
        marked = self._marked
        if marked is None:
            marked = self._marked = word_bytes(utf8, bytemap.non_ascii)
            # most files hold no code, HTML or indented block anywhere: ask once (a
            # marker's first byte first: absent, it is found absent ten times faster)
            self._hole_markers = tuple(
                marker for marker in _HOLE_MARKERS if marker[:1] in utf8 and marker in utf8
            )
        start = bytemap.byte(start - self.content_start)
        end = bytemap.byte(end - self.content_start)
        if not any(utf8.find(marker, start, end) >= 0 for marker in self._hole_markers):
            return count_marked(marked, start, end)
        holes = sorted(n.srcmap for n in _walk(nodes) if n.name in NON_PROSE)
        count, pos = 0, start
        for hole_start, hole_end in holes:
            if hole_end <= pos:
                continue
            count += count_marked(marked, pos, max(pos, hole_start))
            pos = max(pos, hole_end)
        return count + count_marked(marked, pos, end)


_WORD_BYTES = bytes(
    0x61 if b >= 0x80 or chr(b).isalnum() or chr(b) in "_'" else 0x20 for b in range(256)
)
"""Every ASCII byte a :data:`WORD` may hold and every byte of a non-ASCII character
(see :func:`word_bytes`) as ``a``, every other byte as a space."""


def word_bytes(utf8: bytes, non_ascii: str) -> bytes:
    """The UTF-8 bytes of a text with every byte of a :data:`WORD` character as ``a``
    and every other byte as a space (offsets unchanged). ``non_ascii``: the text's
    non-ASCII characters; those that cannot be part of a word (a dash, a curly
    double quote, a bullet) become spaces first, so every non-ASCII byte left
    belongs to a word character."""
    for char in set(non_ascii):
        if not (char.isalnum() or char == "’"):
            encoded = char.encode("utf-8", "surrogatepass")
            utf8 = utf8.replace(encoded, b" " * len(encoded))
    return utf8.translate(_WORD_BYTES)


def count_marked(marked: bytes, start: int = 0, end: int | None = None) -> int:
    """How many :data:`WORD` matches ``marked[start:end]`` (a :func:`word_bytes`) holds.

    The same count as ``len(WORD.findall(text))`` at a fraction of its cost: a word
    starts at each ``" a"`` (or at the very start), counted in C with
    ``bytes.count``, without a list of words or a copy of the part (a property
    test holds the two equal).
    """
    if end is None:
        end = len(marked)
    if start >= end:
        return 0
    return marked.count(b" a", start, end) + (marked[start] == 0x61)


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


def _single_text(doc: MarkdownDocument, node: Any) -> str | None:
    """:func:`plain_text` of a heading whose only child is one plain text node (nearly
    every heading), read from the source: a text node without an entity, an escape
    or a line break is its source text (reading the parser's content builds a
    dictionary). ``None`` for any other heading."""
    children = node.children
    if len(children) != 1 or children[0].name != "text":
        return None
    start, end = doc.node_range(children[0])
    piece = (doc.source.text or "")[start:end]
    if "&" in piece or "\\" in piece or "\n" in piece:
        return None
    return piece.strip()


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


class ParserPanic(Exception):
    """markdown-it-pyrs panicked (a Rust bug) on every version of the text we tried."""


_BACKTICKS = re.compile(r"`+")


def _unpaired_backticks(text: str, scope: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """The runs of backticks in ``text`` that cannot open a code span - no run of the
    same length after it within its ``scope`` (a blank-line block, or a line).

    Runs pair as CommonMark pairs them: an opener takes the next run of its length
    and everything between is code. An unpaired run is plain text either way.
    """
    for part in scope.finditer(text):
        if "`" not in part.group():
            continue
        runs = [(m.start(), m.end()) for m in _BACKTICKS.finditer(part.group())]
        i = 0
        while i < len(runs):
            start, end = runs[i]
            closer = next(
                (j for j in range(i + 1, len(runs)) if runs[j][1] - runs[j][0] == end - start),
                None,
            )
            if closer is not None:
                i = closer + 1
                continue
            yield part.start() + start, part.start() + end
            i += 1


def _unmatched_backticks(text: str, scope: re.Pattern[str], inert: str = "^") -> str:
    """``text`` with each :func:`_unpaired_backticks` run replaced by as many ``inert``:
    ``^`` has the same byte length and is as inert as an unpaired run, so every
    offset stays put."""
    out = list(text)
    for start, end in _unpaired_backticks(text, scope):
        for k in range(start, end):
            out[k] = inert
    return "".join(out)


_BLOCKS = re.compile(r"(?:[^\n]++|\n(?![ \t]*\n))+")
"""The text between blank lines. (A run of other characters is one step, not one
step per character: several times faster, the same matches.)"""
_LINES = re.compile(r"[^\n]+")


def _panic_safe(call: Callable[[str], Any], body: str, inert: str | None = "^") -> Any:
    """``call(body)`` on markdown-it-pyrs, working around the parser's one known panic.

    markdown-it 0.6.0 (inside markdown-it-pyrs 0.4.0, the latest) indexes out of
    bounds when a backtick run without a closing run follows an unclosed ``[``
    (markdown-it-rust/markdown-it#40): ``see [the `foo`` is enough. Its
    ``PanicException`` is a ``BaseException`` that would escape every handler. We
    retry with unmatched runs neutralised, first per block, then per line, then all:
    replaced by ``inert`` (``^`` keeps every byte offset; ``&#96;`` renders as a
    backtick, for HTML; ``None``: no retry).
    """
    attempts: tuple[Callable[[str], str], ...] = (lambda text: text,)
    if inert is not None:
        attempts += (
            lambda text: _unmatched_backticks(text, _BLOCKS, inert),
            lambda text: _unmatched_backticks(text, _LINES, inert),
            lambda text: text.replace("`", inert),
        )
    message = ""
    # Rust prints a panic to the process's stderr before Python sees it; when one is
    # likely (a backtick run without a partner), keep that noise from the user.
    quiet = "`" in body and "[" in body and any(_unpaired_backticks(body, _BLOCKS))
    with _stderr_silenced() if quiet else contextlib.nullcontext():
        for attempt in attempts:
            try:
                return call(attempt(body))
            except BaseException as exc:  # pyo3's PanicException derives from BaseException
                if type(exc).__name__ != "PanicException":
                    raise
                message = str(exc)
    raise ParserPanic(f"markdown-it-pyrs: {message}")


@contextlib.contextmanager
def _stderr_silenced() -> Iterator[None]:
    """File descriptor 2 pointed at the null device for the duration."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        null = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):  # no usable stderr: nothing to silence
        yield
        return
    try:
        os.dup2(null, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(null)


def parse_tree(body: str, inert: str | None = "^") -> Any:
    """The markdown-it-pyrs tree of ``body`` (see :func:`_panic_safe`)."""
    return _panic_safe(lambda text: _parser().tree(text), body, inert)


def safe_tree(markdown: str, inert: str | None = "^") -> Any | None:
    """The tree of a Markdown fragment from an untrusted place (a record's section), or
    ``None`` when it is nested beyond the bounds or the parser cannot read it."""
    if _nesting_offset(markdown) is not None:
        return None
    try:
        tree = parse_tree(markdown, inert)
    except ParserPanic:
        return None
    return None if _deeper_than(tree, MAX_DEPTH) is not None else tree


def _nesting_problem(source: SourceFile, span: Span) -> Diagnostic:
    return Diagnostic(
        source.path,
        span,
        "syntax/too-deep",
        Severity.ERROR,
        f"Markdown nested more than {MAX_DEPTH} levels deep; refused",
    )


def _too_nested(source: SourceFile, body: str, offset: int) -> Diagnostic | None:
    """Refuse, before parsing, text whose nesting would crash or stall the parser."""
    at = _nesting_offset(body)
    if at is None:
        return None
    return _nesting_problem(source, source.index.char_span(offset + at))


def _nesting_offset(body: str) -> int | None:
    """Where ``body`` passes a cheap bound on its nesting, or ``None``.

    markdown-it-pyrs builds and frees its tree recursively (a few tens of
    thousands of levels overflow the stack: a crash, not an exception) and slows
    quadratically with depth, so this bound runs before parsing; the exact depth
    is checked on the parsed tree (:func:`_deeper_than`).
    """
    if _MAYBE_LONG_PREFIX.search("\n" + body[:32]) or _MAYBE_LONG_PREFIX.search(body):
        for match in _CONTAINER_PREFIX.finditer(body):
            prefix = match.group()
            if len(prefix) + 3 * prefix.count("\t") > MAX_PREFIX_COLUMNS:
                return min(match.start() + MAX_PREFIX_COLUMNS, match.end() - 1)
    if sum(body.count(c) for c in _DELIMITERS) <= MAX_DELIMITERS:
        return None  # no paragraph can hold more than the whole text
    bounds = [0, *(m.end() for m in _BLANK_LINE.finditer(body)), len(body)]
    for start, end in itertools.pairwise(bounds):
        chunk = body[start:end]
        if sum(chunk.count(c) for c in _DELIMITERS) > MAX_DELIMITERS:
            return start
    return None


def _deeper_than(tree: Any, limit: int) -> Any | None:
    """The first node (in document order) nested deeper than ``limit`` levels, or ``None``.

    Level by level, without recursion: each level's nodes, in document order, are
    gathered with one ``list.extend`` per node, so the walk costs one attribute
    read per node and no Python frame.
    """
    level = [tree]
    for _ in range(limit):
        deeper: list[Any] = []
        for node in level:
            deeper.extend(node.children)
        if not deeper:
            return None
        level = deeper
    for node in level:
        children = node.children
        if children:
            return children[0]
    return None


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
    problem = _too_nested(source, body, doc.content_start)
    if problem:
        doc.problems.append(problem)
        return doc
    try:
        doc.tree = parse_tree(body)
    except ParserPanic as exc:
        doc.problems.append(
            Diagnostic(
                source.path,
                Span.point(1, 1),
                "internal/error",
                Severity.ERROR,
                f"the Markdown parser failed on this file ({exc}); please report it with the file",
            )
        )
        return doc
    # After the parse: the parser had the text's UTF-8 made and kept with it, so this
    # encoding is a copy (17 µs less for a profile of 16 KB with a few accents).
    doc.bytemap = ByteMap(body)
    deep = _deeper_than(doc.tree, MAX_DEPTH)
    if deep is not None:
        start = doc.node_range(deep)[0] if deep.srcmap else doc.content_start
        doc.problems.append(_nesting_problem(source, source.index.char_span(start)))
        doc.tree = None
        return doc
    current: Section | None = None
    doc.blocks = doc.tree.children  # each read of .children makes new wrappers
    contexts = doc.block_sections
    tabless = "\t" not in body
    for node in doc.blocks:
        level = node.meta.get("level", 9) if node.name == "heading" else 9
        if level <= 2:
            start, end = doc.node_range(node)
            end = min(end, len(text))
            while end > start and text[end - 1] == "\n":
                end -= 1
            heading_text = _single_text(doc, node) if tabless else None
            if heading_text is None:
                heading_text = plain_text(node)
            heading = Heading(level, heading_text, source.index.span(start, end), start, end)
            if current is not None:
                current.body_end = start
            if heading.level == 1:
                doc.titles.append(heading)
                current = None
                contexts.append(None)
                continue
            current = Section(heading, end, len(text), 0)
            doc.sections.append(current)
        elif current is not None:
            current.nodes.append(node)
        else:
            doc.preamble_nodes.append(node)
        contexts.append(current.name if current is not None else None)
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
    doc.tree = safe_tree(markdown)
    if doc.tree is None:  # beyond the nesting bounds: every word counts
        return len(WORD.findall(markdown))
    doc.bytemap = ByteMap(markdown)  # after the parse, as load_markdown does
    return doc.words_between(0, len(markdown), list(doc.tree.children))


def inline_text(markdown: str) -> str:
    """The plain text of one line of inline Markdown (a heading's text as written)."""
    tree = safe_tree("# " + markdown.replace("\n", " "), None)  # unreadable: as written
    for node in tree.children if tree is not None else ():
        if node.name == "heading":
            return plain_text(node)
    return markdown.strip()


def render_html(markdown: str) -> str:
    """HTML of Markdown with the same parser (CommonMark plus tables and strikethrough)
    that the checks read it with."""
    import html  # only assembling records renders; html's import builds its entity table

    if _nesting_offset(markdown) is not None:
        return "<p>" + html.escape(markdown) + "</p>\n"
    try:
        return _panic_safe(lambda text: _parser().render(text), markdown, "&#96;")
    except ParserPanic:
        return "<p>" + html.escape(markdown) + "</p>\n"


def has_raw_html(markdown: str) -> bool:
    """Does a fragment hold raw HTML (blocks or inline tags)?"""
    return any(node.name in ("html_block", "html_inline") for node in _walk_all(markdown))


def _walk_all(markdown: str) -> Iterator[Any]:
    tree = safe_tree(markdown)
    stack = list(tree.children) if tree is not None else []
    while stack:
        node = stack.pop()
        yield node
        stack.extend(node.children)
