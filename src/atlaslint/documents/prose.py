"""Prose extraction with an offset map back to the source file.

Phrase rules and grammar check *text*: the words a reader sees, without code,
URLs, link targets, markup or YAML quoting. This module builds that text for
Markdown blocks and YAML string scalars and keeps, for every character, where
it came from, so a match in the text becomes an exact span in the file.
"""

from __future__ import annotations

import bisect
import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from atlaslint.documents.data import DataDocument, Path_
from atlaslint.documents.markdown import MarkdownDocument

URL = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]+[^\s<>()\[\].,;:!?'\"]")
INLINE = frozenset(
    {
        "text",
        "text_special",
        "strong",
        "em",
        "link",
        "code_inline",
        "softbreak",
        "hardbreak",
        "html_inline",
        "image",
        "autolink",
        "strikethrough",
    }
)
SKIPPED_INLINE = frozenset({"code_inline", "html_inline", "image", "autolink"})
SKIPPED_BLOCKS = frozenset({"fence", "code_block", "html_block", "hr", "front_matter"})


@dataclass(slots=True)
class Run:
    """``text[text_start:text_end]`` came from ``source[src_start:src_end]``.

    Equal lengths map character by character; unequal ones (an escape such as
    ``\\*`` or ``&amp;``) map as a whole.
    """

    text_start: int
    text_end: int
    src_start: int
    src_end: int

    @property
    def exact(self) -> bool:
        return self.text_end - self.text_start == self.src_end - self.src_start


@dataclass
class Segment:
    """One block of prose (a paragraph, heading, table cell, list item, YAML value)."""

    text: str
    runs: list[Run]
    context: str
    section: str | None = None
    yaml_path: Path_ | None = None
    _starts: list[int] = field(default_factory=list, repr=False)

    def _run_at(self, offset: int, *, end: bool) -> Run:
        if not self._starts:
            self._starts = [r.text_start for r in self.runs]
        i = bisect.bisect_right(self._starts, offset - (1 if end else 0)) - 1
        return self.runs[max(i, 0)]

    def source_offset(self, offset: int, *, end: bool = False) -> int:
        """The file offset of a text offset (``end=True`` for an exclusive end)."""
        run = self._run_at(offset, end=end)
        if run.exact:
            return run.src_start + (offset - run.text_start)
        return run.src_end if end else run.src_start

    def source_range(self, start: int, end: int) -> tuple[int, int]:
        return self.source_offset(start), self.source_offset(end, end=True)


class _Builder:
    def __init__(self, context: str, section: str | None = None, path: Path_ | None = None):
        self.parts: list[str] = []
        self.runs: list[Run] = []
        self.length = 0
        self.context, self.section, self.path = context, section, path

    def add(self, text: str, src_start: int, src_end: int) -> None:
        """Append ``text``, written at ``source[src_start:src_end]``. Text written as it
        is, right after the last such run in both, extends that run: a paragraph's
        words and line breaks make one run, not one per parser node."""
        size = len(text)
        if not size:
            return
        runs = self.runs
        if runs and size == src_end - src_start:
            last = runs[-1]
            if (
                last.src_end == src_start
                and last.text_end == self.length
                and last.text_end - last.text_start == last.src_end - last.src_start
            ):
                last.text_end += size
                last.src_end = src_end
                self.parts.append(text)
                self.length += size
                return
        runs.append(Run(self.length, self.length + size, src_start, src_end))
        self.parts.append(text)
        self.length += size

    def add_without_urls(self, text: str, src_start: int, src_end: int) -> None:
        """Add text, leaving bare URLs out (their characters map nowhere)."""
        if len(text) != src_end - src_start or ("http" not in text and "www." not in text):
            self.add(text, src_start, src_end)
            return
        pos = 0
        for match in URL.finditer(text):
            self.add(text[pos : match.start()], src_start + pos, src_start + match.start())
            self.add(" ", src_start + match.start(), src_start + match.end())
            pos = match.end()
        self.add(text[pos:], src_start + pos, src_end)

    def segment(self) -> Segment | None:
        text = "".join(self.parts)
        if not text.strip():
            return None
        return Segment(text, self.runs, self.context, self.section, self.path)


def markdown_segments(doc: MarkdownDocument, focus: Sequence[int] | None = None) -> list[Segment]:
    """Every prose block of a SOUL.md, headings marked as such, code and HTML left out.

    ``focus``: sorted offsets into the UTF-8 bytes of the body (after any front
    matter), the parser's own unit; only the blocks whose source holds one of
    them are read (``None``: every block). A caller that needs only the prose
    around a few words skips the rest of the file without building its text.
    """
    if not doc.ok:
        return []
    walk = _ProseWalk(doc, focus)
    for node, section in zip(doc.blocks, doc.block_sections, strict=True):
        walk.blocks(node, section)
    return walk.out


class _ProseWalk:
    """One pass over the parsed tree collecting prose segments.

    The tree's nodes live in Rust and every attribute read crosses into it, so
    the walk reads each node's name and source map once, and a text node's
    content (a dictionary built on every read) only when its source is not
    plain: without an entity, an escape, a line break or whitespace at either
    end, a text node's content is its source text exactly. (Not in a file with
    tabs, where the parser's offsets can be off: see :func:`_tab_shifted`.)
    """

    def __init__(self, doc: MarkdownDocument, focus: Sequence[int] | None = None) -> None:
        self.out: list[Segment] = []
        self.focus = focus
        self.text = doc.source.text or ""
        self.base = doc.content_start
        assert doc.bytemap is not None
        self.bytemap = doc.bytemap
        self.tabless = "\t" not in self.text

    def blocks(self, node: Any, section: str | None) -> None:
        """The segments of a block: each run of inline children is one."""
        focus = self.focus
        if focus is not None:
            srcmap = node.srcmap
            if srcmap is not None:
                i = bisect.bisect_left(focus, srcmap[0])
                if i == len(focus) or focus[i] >= srcmap[1]:
                    return  # nothing of interest in this block
        name = node.name
        if name in SKIPPED_BLOCKS:
            return
        context = "heading" if name == "heading" else "prose"
        run: list[Any] | None = None
        for child in node.children:
            if child.name in INLINE:
                if run is None:
                    run = [child]
                else:
                    run.append(child)
                continue
            if run is not None:
                self.segment(run, context, section)
                run = None
            self.blocks(child, section)
        if run is not None:
            self.segment(run, context, section)

    def segment(self, nodes: list[Any], context: str, section: str | None) -> None:
        """One segment from a run of inline nodes and what they hold, in order.

        The hot loop of prose extraction, so written flat: no call per node, and a
        piece written as it is right after the previous one extends that run.
        """
        text, base, bytemap = self.text, self.base, self.bytemap
        char = None if bytemap.identity else bytemap.char
        if char is not None:
            after, extra = bytemap.tables()
        # The parser's offsets count a tab as the spaces it expands to in places, so
        # a file with tabs reads every text node's content from the parser.
        from_source = self.tabless
        parts: list[str] = []
        runs: list[Run] = []
        length = 0
        extendable: Run | None = None  # the last run, when written as it is
        stack = nodes[::-1]
        while stack:
            node = stack.pop()
            name = node.name
            if name == "text" or name == "text_special":
                start, end = node.srcmap
                if char is not None:  # ByteMap.char, inlined: this runs per text node
                    i = bisect.bisect_right(after, start) - 1
                    start -= extra[i] if i >= 0 else 0
                    i = bisect.bisect_right(after, end) - 1
                    end -= extra[i] if i >= 0 else 0
                start += base
                end += base
                piece = text[start:end]
                if (
                    not from_source
                    or "&" in piece
                    or "\\" in piece
                    or "\n" in piece
                    or piece[:1].isspace()
                    or piece[-1:].isspace()
                ):
                    written = piece
                    piece = node.meta.get("content", "")
                    if not from_source and written != piece and len(piece) == end - start:
                        start, end = _tab_shifted(text, piece, start, end)
                if "http" in piece or "www." in piece:
                    pieces = _without_urls(piece, start, end)
                else:
                    pieces = ((piece, start, end),)
            elif name in SKIPPED_INLINE or name == "softbreak" or name == "hardbreak":
                start, end = node.srcmap
                if char is not None:
                    start, end = char(start), char(end)
                pieces = ((" ", base + start, base + end),)  # keeps the words apart
            else:
                children = node.children
                if children:
                    stack.extend(reversed(children))
                continue
            for piece, start, end in pieces:
                size = len(piece)
                if not size:
                    continue
                plain = size == end - start
                if plain and extendable is not None and extendable.src_end == start:
                    extendable.text_end += size
                    extendable.src_end = end
                else:
                    added = Run(length, length + size, start, end)
                    runs.append(added)
                    extendable = added if plain else None
                parts.append(piece)
                length += size
        joined = "".join(parts)
        if joined.strip():
            self.out.append(Segment(joined, runs, context, section))


def _tab_shifted(text: str, content: str, start: int, end: int) -> tuple[int, int]:
    """Where a text node really is in a line with tabs.

    markdown-it-pyrs counts a tab that it expands for indentation as the spaces it
    stands for, so on such a line a node's source map lies up to a few characters
    past the text. The text is then the last copy of the node's content that ends
    by the mapped end on that line (the map itself, if none is)."""
    line_start = text.rfind("\n", 0, start) + 1
    found = text.rfind(content, line_start, end)
    return (found, found + len(content)) if found != -1 else (start, end)


def _without_urls(text: str, start: int, end: int) -> list[tuple[str, int, int]]:
    """``text`` (at ``source[start:end]``) in pieces, each bare URL a single space that
    maps over the whole URL (its characters map nowhere else)."""
    if len(text) != end - start:
        return [(text, start, end)]
    pieces = []
    pos = 0
    for match in URL.finditer(text):
        pieces.append((text[pos : match.start()], start + pos, start + match.start()))
        pieces.append((" ", start + match.start(), start + match.end()))
        pos = match.end()
    pieces.append((text[pos:], start + pos, end))
    return pieces


def _escape_char(source: str, j: int) -> tuple[str, int]:
    """The character a double-quoted YAML escape at ``source[j]`` stands for, and its length."""
    simple = {
        "n": "\n",
        "t": "\t",
        "\\": "\\",
        '"': '"',
        "/": "/",
        "0": "\0",
        " ": " ",
        "_": "\xa0",
        "N": "\x85",
        "L": "\u2028",
        "P": "\u2029",
        "a": "\a",
        "b": "\b",
        "e": "\x1b",
        "f": "\f",
        "r": "\r",
        "v": "\v",
    }
    code = source[j + 1 : j + 2]
    if code in simple:
        return simple[code], 2
    width = {"x": 2, "u": 4, "U": 8}.get(code)
    if width:
        try:
            return chr(int(source[j + 2 : j + 2 + width], 16)), 2 + width
        except ValueError:
            return "", 1
    return "", 1


Aligned = list[list[int]]
"""Runs ``[value_start, value_end, source_start]``: ``value[value_start:value_end]`` is
written at ``source[source_start:]`` character for character."""


def _push(runs: Aligned, at: int, source_at: int, length: int) -> None:
    """Add a run, extending the last one when it continues it in both texts."""
    if runs:
        last = runs[-1]
        if last[1] == at and last[2] + (last[1] - last[0]) == source_at:
            last[1] += length
            return
    runs.append([at, at + length, source_at])


def align_scalar(value: str, source: str, style: str | None) -> Aligned:
    """Where each character of a YAML string value is written in its scalar's source
    (offsets relative to the scalar's first source character), through quoting,
    escapes and line folding.

    Each character is matched to the first source character at or after the
    previous one's that equals it (or, in double quotes, an escape that decodes to
    it). Runs of characters written as they are - nearly all of any value - are
    matched a word at a time with one slice comparison: a run found in one piece
    is exactly where character-by-character matching would put it.
    """
    j = 0
    if style in ("'", '"'):
        j = 1
    elif style in ("|", ">"):
        newline = source.find("\n")
        j = newline + 1 if newline != -1 else len(source)
    escapes = style == '"' and "\\" in source
    if not escapes and source.startswith(value, j):
        return [[0, len(value), j]]
    runs: Aligned = []
    for run in _RUNS.finditer(value):
        chunk = run.group()
        if not escapes:
            first = source.find(chunk[0], j)
            if first != -1 and source.startswith(chunk, first):
                _push(runs, run.start(), first, len(chunk))
                j = first + len(chunk)
                continue
        j = _align_chars(chunk, run.start(), source, j, style, runs)
    return runs


_RUNS = re.compile(r"\S+|\s+")


def _align_chars(chunk: str, at: int, source: str, j: int, style: str | None, runs: Aligned) -> int:
    """:func:`align_scalar` one character at a time from ``source[j]`` (escapes, quote
    doubling) for ``chunk``, found at ``at`` in the value; returns where the next
    character is looked for."""
    for i, char in enumerate(chunk, start=at):
        while j < len(source):
            here = source[j]
            if style == '"' and here == "\\":
                decoded, width = _escape_char(source, j)
                if decoded == char:
                    _push(runs, i, j, 1)
                    j += width
                    break
                j += width
                continue
            if here == char:
                _push(runs, i, j, 1)
                j += 1
                break
            j += 1
        else:
            _push(runs, i, max(len(source) - 1, 0), 1)
    return j


def yaml_segments(
    doc: DataDocument,
    fields: Iterable[str],
    context: str,
    keep: Callable[[list[str]], Iterable[int]] | None = None,
) -> list[Segment]:
    """Prose of the string values whose path matches one of ``fields`` (``a/*/b`` globs).

    ``keep``: given the values, the indices of those to build segments for (a
    value's prose is the value with its URLs left out, so a caller that needs only
    the prose holding certain words can choose by the values); ``None``: all.
    """
    if not doc.ok:
        return []
    text = doc.source.text or ""
    out: list[Segment] = []
    values = list(_field_values(doc.data, _compiled_fields(tuple(fields))))
    if keep is not None:
        values = [values[i] for i in keep([value for _, value in values])]
    for path, value in values:
        located = doc.positions.get(path)
        if located is None or not value.strip():
            continue
        base = located.start
        builder = _Builder(context, path=path)
        for start, end, source_at in align_scalar(value, text[base : located.end], located.style):
            builder.add_without_urls(
                value[start:end], base + source_at, base + source_at + end - start
            )
        found = builder.segment()
        if found:
            out.append(found)
    return out


class _FieldTrie:
    """Field globs (``a/*/b``) merged by their leading parts: a key is looked up
    among the literal parts and ``*``, and tested against the other patterns only,
    instead of every glob being tested against every key."""

    __slots__ = ("deeper", "ends", "literals", "patterns", "star")

    def __init__(self, globs: list[tuple[str, ...]]) -> None:
        self.ends = any(not glob for glob in globs)
        literals: dict[str, list[tuple[str, ...]]] = {}
        patterns: dict[str, list[tuple[str, ...]]] = {}
        star: list[tuple[str, ...]] = []
        for glob in globs:
            if not glob:
                continue
            first, rest = glob[0], glob[1:]
            if first == "*":
                star.append(rest)
            elif _is_glob(first):
                patterns.setdefault(first, []).append(rest)
            else:
                literals.setdefault(first, []).append(rest)
        self.literals = {key: _FieldTrie(rests) for key, rests in literals.items()}
        self.patterns = [
            (re.compile(fnmatch.translate(part)).match, _FieldTrie(rests))
            for part, rests in patterns.items()
        ]
        self.star = _FieldTrie(star) if star else None
        self.deeper = bool(self.literals or self.patterns or self.star)

    def step(self, name: str) -> list[_FieldTrie]:
        """The tries for what follows a key called ``name``."""
        found = []
        literal = self.literals.get(name)
        if literal is not None:
            found.append(literal)
        if self.star is not None:
            found.append(self.star)
        for match, following in self.patterns:
            if match(name) is not None:
                found.append(following)
        return found


@functools.cache
def _compiled_fields(fields: tuple[str, ...]) -> _FieldTrie:
    return _FieldTrie([tuple(field_glob.split("/")) for field_glob in fields])


def _field_values(data: Any, fields: _FieldTrie) -> Iterator[tuple[Path_, str]]:
    """The string values at paths the globs match, in document order.

    The walk follows the globs into the data instead of testing every path of the
    document: a framework has thousands of values and most lie on no prose path.
    Mappings and sequences keep the order of the file, so the values come out in
    the order they are written, as the positions map holds them.
    """
    stack: list[tuple[Any, Path_, tuple[_FieldTrie, ...] | None]] = [(data, (), (fields,))]
    while stack:
        node, path, tries = stack.pop()
        if tries is None:  # a string value on a prose path
            yield path, node
            continue
        if isinstance(node, dict):
            items: Iterable[tuple[Any, Any]] = node.items()
        elif isinstance(node, list):
            items = enumerate(node)
        else:
            continue
        children: list[tuple[Any, Path_, tuple[_FieldTrie, ...] | None]] = []
        for key, child in items:
            name = str(key)
            if len(tries) == 1:
                following = tries[0].step(name)
            else:
                following = [after for trie in tries for after in trie.step(name)]
            if not following:
                continue
            if isinstance(child, str):
                if any(after.ends for after in following):
                    children.append((child, (*path, key), None))
                continue
            deeper = tuple(after for after in following if after.deeper)
            if deeper:
                children.append((child, (*path, key), deeper))
        stack.extend(reversed(children))


def _is_glob(part: str) -> bool:
    return any(char in part for char in "*?[")


def prose_fields(kind: str) -> tuple[str, ...]:
    """The prose field globs of ``metadata`` or ``framework`` (rules/prose-fields.yaml)."""
    from atlaslint.resources import load_data_yaml

    data = load_data_yaml("prose-fields.yaml")
    return tuple(data.get(kind, ()))
