"""Inline suppression comments, applied per file before results leave a unit.

YAML: ``# atlaslint: disable=RULE[,RULE]`` on a line (or alone on the line above it),
read by the YAML loader. Markdown (SOUL.md), read here from the parsed tree's
HTML nodes, so a comment inside a code block or code span is only text:

- ``<!-- atlaslint-disable RULE -->`` ... ``<!-- atlaslint-enable RULE -->``: a
  range (to the end of the file when never enabled again); no RULE means every rule;
- ``<!-- atlaslint-disable-next-line RULE -->``: the line after the comment.

RULE is an id or a family (``bias``), several separated by commas or spaces. A
rule that does not exist is reported (``syntax/unknown-suppression``): a typo in a
suppression would otherwise silently suppress nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from atlaslint.checks.sink import Sink
from atlaslint.diagnostics import Diagnostic
from atlaslint.documents.markdown import MarkdownDocument
from atlaslint.positions import Span
from atlaslint.registry import Registry
from atlaslint.settings import matches

UNKNOWN = "syntax/unknown-suppression"
ALL = "ALL"
_COMMENT = re.compile(r"<!--\s*atlaslint-([A-Za-z][\w-]*)(.*?)-->", re.DOTALL)
_DIRECTIVES = ("disable", "enable", "disable-next-line")

Position = tuple[int, int]


def filter_suppressed(
    diagnostics: list[Diagnostic], by_path: dict[str, dict[int, frozenset[str]]]
) -> list[Diagnostic]:
    """Drop diagnostics whose line carries a suppression naming their rule or family."""
    if not any(by_path.values()):
        return diagnostics
    kept = []
    for diag in diagnostics:
        rules = by_path.get(diag.path, {}).get(diag.span.line)
        if rules and any(matches(r, diag.rule) for r in rules):
            continue
        kept.append(diag)
    return kept


@dataclass
class MarkdownSuppressions:
    """The suppression comments of one Markdown file."""

    lines: dict[int, frozenset[str]] = field(default_factory=dict)
    """``disable-next-line``: line -> rules."""
    ranges: list[tuple[str, Position, Position | None]] = field(default_factory=list)
    """``disable`` ... ``enable``: (rule, from, to); ``to`` is exclusive, ``None`` = file end."""
    refs: list[tuple[str, Span]] = field(default_factory=list)
    """Every rule named, with its span (unknown ones are reported)."""
    bad: list[tuple[str, Span]] = field(default_factory=list)
    """``atlaslint-<something>`` comments that are no directive, with the word's span."""

    def __bool__(self) -> bool:
        return bool(self.lines or self.ranges)

    def covers(self, diag: Diagnostic) -> bool:
        rules = self.lines.get(diag.span.line)
        if rules and any(matches(r, diag.rule) for r in rules):
            return True
        where = (diag.span.line, diag.span.column)
        return any(
            start <= where and (end is None or where < end) and matches(rule, diag.rule)
            for rule, start, end in self.ranges
        )


def _html_nodes(nodes: list[Any]) -> Iterator[Any]:
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if node.name in ("html_block", "html_inline"):
            yield node
        elif node.name not in ("fence", "code_block", "code_inline"):
            stack.extend(reversed(node.children))


def markdown_suppressions(doc: MarkdownDocument) -> MarkdownSuppressions:
    """Read the suppression comments of a parsed SOUL.md."""
    found = MarkdownSuppressions()
    if not doc.ok or "atlaslint-" not in (doc.source.text or ""):
        return found
    text = doc.source.text or ""
    index = doc.source.index
    open_ranges: list[tuple[str, Position]] = []
    for node in _html_nodes(list(doc.tree.children)):
        start, end = doc.node_range(node)
        for match in _COMMENT.finditer(text, start, end):
            directive = match.group(1)
            if directive not in _DIRECTIVES:
                found.bad.append((directive, index.span(match.start(1), match.end(1))))
                continue
            rules: list[str] = []
            for token in re.finditer(r"[^,\s]+", match.group(2)):
                offset = match.start(2) + token.start()
                found.refs.append((token.group(), index.span(offset, offset + len(token.group()))))
                rules.append(token.group())
            here = index.position(match.start())
            if directive == "disable-next-line":
                line = index.position(match.end())[0] + 1
                found.lines[line] = found.lines.get(line, frozenset()) | set(rules or [ALL])
            elif directive == "disable":
                open_ranges.extend((rule, here) for rule in rules or [ALL])
            else:
                closing = rules or [ALL]
                still_open = []
                for rule, opened in open_ranges:
                    if any(c == ALL or matches(c, rule) for c in closing):
                        found.ranges.append((rule, opened, here))
                    else:
                        still_open.append((rule, opened))
                open_ranges = still_open
    found.ranges.extend((rule, opened, None) for rule, opened in open_ranges)
    return found


def filter_markdown(
    diagnostics: list[Diagnostic], path: str, suppressions: MarkdownSuppressions
) -> list[Diagnostic]:
    """Drop the diagnostics of ``path`` that a Markdown suppression comment covers."""
    if not suppressions:
        return diagnostics
    return [d for d in diagnostics if d.path != path or not suppressions.covers(d)]


def check_references(
    path: str, refs: list[tuple[str, Span]], registry: Registry, sink: Sink
) -> None:
    """Report rules named in suppression comments that do not exist."""
    for rule, span in refs:
        if not registry.known_selector(rule):
            sink.emit(
                path,
                span,
                UNKNOWN,
                f"suppression names unknown rule or family '{rule}' (see 'atlaslint rules')",
            )


def check_directives(path: str, bad: list[tuple[str, Span]], sink: Sink) -> None:
    """Report ``<!-- atlaslint-... -->`` comments that are no known directive."""
    for word, span in bad:
        sink.emit(
            path,
            span,
            UNKNOWN,
            f"unknown suppression comment 'atlaslint-{word}'; use atlaslint-disable, "
            "atlaslint-enable or atlaslint-disable-next-line",
        )
