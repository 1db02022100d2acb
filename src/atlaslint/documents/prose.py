"""Prose extraction with an offset map back to the source file.

Phrase rules and grammar check *text*: the words a reader sees, without code,
URLs, link targets, markup or YAML quoting. This module builds that text for
Markdown blocks and YAML string scalars and keeps, for every character, where
it came from, so a match in the text becomes an exact span in the file.
"""

from __future__ import annotations

import bisect
import fnmatch
import re
from collections.abc import Iterable, Iterator
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
        if not text:
            return
        self.runs.append(Run(self.length, self.length + len(text), src_start, src_end))
        self.parts.append(text)
        self.length += len(text)

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


def markdown_segments(doc: MarkdownDocument) -> list[Segment]:
    """Every prose block of a SOUL.md, headings marked as such, code and HTML left out."""
    if not doc.ok:
        return []
    out: list[Segment] = []
    section: str | None = None
    for node in doc.tree.children:
        if node.name == "heading" and node.meta.get("level", 9) <= 2:
            section = None if node.meta["level"] == 1 else _heading_text(doc, node)
        out.extend(_blocks(doc, node, section))
    return out


def _heading_text(doc: MarkdownDocument, node: Any) -> str:
    start, _ = doc.node_range(node)
    for section in doc.sections:
        if section.heading.start == start:
            return section.name
    return ""


def _blocks(doc: MarkdownDocument, node: Any, section: str | None) -> Iterator[Segment]:
    if node.name in SKIPPED_BLOCKS:
        return
    context = "heading" if node.name == "heading" else "prose"
    builder: _Builder | None = None
    for child in node.children:
        if child.name in INLINE:
            if builder is None:
                builder = _Builder(context, section)
            _inline(doc, child, builder)
            continue
        if builder is not None:
            found = builder.segment()
            if found:
                yield found
            builder = None
        yield from _blocks(doc, child, section)
    if builder is not None:
        found = builder.segment()
        if found:
            yield found


def _inline(doc: MarkdownDocument, node: Any, builder: _Builder) -> None:
    name = node.name
    if name in SKIPPED_INLINE:
        start, end = doc.node_range(node)
        builder.add(" ", start, end)  # keeps words on either side apart
        return
    if name in ("softbreak", "hardbreak"):
        start, end = doc.node_range(node)
        builder.add(" ", start, end)
        return
    if name in ("text", "text_special"):
        start, end = doc.node_range(node)
        builder.add_without_urls(node.meta.get("content", ""), start, end)
        return
    for child in node.children:
        _inline(doc, child, builder)


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


def align_scalar(value: str, source: str, style: str | None) -> list[int]:
    """Source offset (relative to the scalar's first source character) of every
    character of a YAML string value, through quoting, escapes and line folding."""
    j = 0
    if style in ("'", '"'):
        j = 1
    elif style in ("|", ">"):
        newline = source.find("\n")
        j = newline + 1 if newline != -1 else len(source)
    offsets: list[int] = []
    for char in value:
        while j < len(source):
            here = source[j]
            if style == '"' and here == "\\":
                decoded, width = _escape_char(source, j)
                if decoded == char:
                    offsets.append(j)
                    j += width
                    break
                j += width
                continue
            if here == char:
                offsets.append(j)
                j += 1
                break
            j += 1
        else:
            offsets.append(max(len(source) - 1, 0))
    return offsets


def yaml_segments(doc: DataDocument, fields: Iterable[str], context: str) -> list[Segment]:
    """Prose of the string values whose path matches one of ``fields`` (``a/*/b`` globs)."""
    if not doc.ok:
        return []
    matcher = _FieldMatcher(tuple(fields))
    text = doc.source.text or ""
    out: list[Segment] = []
    for path, located in doc.positions.items():
        if not matcher(path):
            continue
        value = _value_at(doc.data, path)
        if not isinstance(value, str) or not value.strip():
            continue
        source = text[located.start : located.end]
        offsets = align_scalar(value, source, located.style)
        builder = _Builder(context, path=path)
        run_start = 0
        for i in range(1, len(value) + 1):
            if i == len(value) or offsets[i] != offsets[i - 1] + 1:
                builder.add_without_urls(
                    value[run_start:i],
                    located.start + offsets[run_start],
                    located.start + offsets[i - 1] + 1,
                )
                run_start = i
        found = builder.segment()
        if found:
            out.append(found)
    return out


class _FieldMatcher:
    """:func:`_field_matches` with the globs compiled once and grouped by depth: a
    document has a position for every key and value, and most match nothing."""

    def __init__(self, fields: tuple[str, ...]) -> None:
        self.by_depth: dict[int, list[tuple[Any, ...]]] = {}
        for field_glob in fields:
            parts = field_glob.split("/")
            compiled = tuple(
                re.compile(fnmatch.translate(part)).match if _is_glob(part) else part
                for part in parts
            )
            self.by_depth.setdefault(len(parts), []).append(compiled)

    def __call__(self, path: Path_) -> bool:
        candidates = self.by_depth.get(len(path))
        if not candidates:
            return False
        parts = [str(p) for p in path]
        return any(
            all(
                (test == part) if isinstance(test, str) else test(part) is not None
                for part, test in zip(parts, pattern, strict=True)
            )
            for pattern in candidates
        )


def _is_glob(part: str) -> bool:
    return any(char in part for char in "*?[")


def _field_matches(path: Path_, patterns: list[tuple[str, ...]]) -> bool:
    parts = [str(p) for p in path]
    return any(
        len(p) == len(parts)
        and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, p, strict=True))
        for p in patterns
    )


def _value_at(data: Any, path: Path_) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def prose_fields(kind: str) -> tuple[str, ...]:
    """The prose field globs of ``metadata`` or ``framework`` (rules/prose-fields.yaml)."""
    from atlaslint.resources import load_data_yaml

    data = load_data_yaml("prose-fields.yaml")
    return tuple(data.get(kind, ()))
