"""structure/*: the headings of SOUL.md against the canonical section list (data in
``rules/sections.yaml``): missing, order, unknown, duplicate, thin, title."""

from __future__ import annotations

import bisect
import difflib
import functools
from collections.abc import Iterable
from dataclasses import dataclass

from atlaslint.checks.sink import Sink
from atlaslint.documents.markdown import MarkdownDocument, Section
from atlaslint.resources import load_data_yaml


@dataclass(frozen=True)
class SectionSpec:
    name: str
    min_words: int
    optional: bool


@functools.cache
def canonical_sections() -> tuple[SectionSpec, ...]:
    data = load_data_yaml("sections.yaml")
    return tuple(
        SectionSpec(s["name"], int(s.get("min_words", 0)), bool(s.get("optional", False)))
        for s in data["sections"]
    )


def _increasing_subsequence(ranks: list[int]) -> set[int]:
    """Positions (in ``ranks``) of one longest strictly increasing subsequence.

    Sections outside it are the ones out of order: this names the fewest moves.
    """
    tails: list[int] = []
    tail_pos: list[int] = []
    parent = [-1] * len(ranks)
    for i, rank in enumerate(ranks):
        j = bisect.bisect_left(tails, rank)
        if j == len(tails):
            tails.append(rank)
            tail_pos.append(i)
        else:
            tails[j] = rank
            tail_pos[j] = i
        parent[i] = tail_pos[j - 1] if j else -1
    keep: set[int] = set()
    i = tail_pos[-1] if tail_pos else -1
    while i != -1:
        keep.add(i)
        i = parent[i]
    return keep


def completeness(doc: MarkdownDocument) -> tuple[float, list[str]]:
    """Share of required sections present and at their minimum, and the ones that are not."""
    return completeness_of((s.name, s.words) for s in doc.sections)


def completeness_of(sections: Iterable[tuple[str, int]]) -> tuple[float, list[str]]:
    """:func:`completeness` from (heading, words) pairs in document order (the first of
    repeated headings counts), so that assembled records are judged the same way."""
    specs = [s for s in canonical_sections() if not s.optional]
    found = dict(reversed(list(sections)))
    short = [
        spec.name for spec in specs if spec.name not in found or found[spec.name] < spec.min_words
    ]
    return (len(specs) - len(short)) / len(specs) if specs else 1.0, short


def check_sections(doc: MarkdownDocument, title: str | None, sink: Sink) -> None:
    """Run every structure rule over one SOUL.md."""
    path = doc.path
    _check_title(doc, title, sink)
    specs = canonical_sections()
    rank = {spec.name: i for i, spec in enumerate(specs)}
    by_name = {spec.name: spec for spec in specs}
    first_seen: dict[str, Section] = {}
    known: list[Section] = []
    for section in doc.sections:
        name = section.name
        if name in first_seen:
            line = first_seen[name].heading.span.line
            sink.emit(
                path,
                section.heading.span,
                "structure/duplicate-section",
                f"section '{name}' appears twice (first at line {line})",
            )
            continue
        first_seen[name] = section
        if name not in rank:
            guess = difflib.get_close_matches(name, list(rank), n=1, cutoff=0.75)
            lowered = {n.lower(): n for n in rank}
            guess_name = lowered.get(name.lower()) or (guess[0] if guess else None)
            hint = f"; did you mean '{guess_name}'?" if guess_name else ""
            sink.emit(
                path,
                section.heading.span,
                "structure/unknown-section",
                f"'{name}' is not a canonical section{hint}",
                guess_name,
            )
            continue
        known.append(section)
        spec = by_name[name]
        if section.words < spec.min_words:
            sink.emit(
                path,
                section.heading.span,
                "structure/thin-section",
                f"section '{name}' has {section.words} words; at least {spec.min_words} expected",
            )
    ranks = [rank[s.name] for s in known]
    in_order = _increasing_subsequence(ranks)
    for i, section in enumerate(known):
        if i in in_order:
            continue
        before = [known[j] for j in sorted(in_order) if ranks[j] < ranks[i]]
        after = [known[j] for j in sorted(in_order) if ranks[j] > ranks[i]]
        if before:
            where = f"after '{before[-1].name}'"
        else:
            where = f"before '{after[0].name}'" if after else "elsewhere"
        sink.emit(
            path,
            section.heading.span,
            "structure/section-order",
            f"section '{section.name}' is out of order; it belongs {where}",
        )
    ordered = [known[j] for j in sorted(in_order)]
    for spec in specs:
        if spec.optional or spec.name in first_seen:
            continue
        following = [s for s in ordered if rank[s.name] > rank[spec.name]]
        if following:
            span = following[0].heading.span
            where = f"before '{following[0].name}'"
        else:
            span = doc.source.index.end_span()
            where = "at the end"
        sink.emit(
            path,
            span,
            "structure/missing-section",
            f"required section '{spec.name}' is missing; add '## {spec.name}' {where}",
        )


def _check_title(doc: MarkdownDocument, title: str | None, sink: Sink) -> None:
    if not doc.titles:
        first_line = doc.source.index.line_span(1)
        sink.emit(doc.path, first_line, "structure/title", "no '# Title' heading")
        return
    for extra in doc.titles[1:]:
        sink.emit(
            doc.path,
            extra.span,
            "structure/title",
            f"a second H1 heading; the profile has one title (line {doc.titles[0].span.line})",
        )
    heading = doc.titles[0]
    if title is not None and heading.text != title:
        sink.emit(
            doc.path,
            heading.span,
            "structure/title",
            f"H1 '{heading.text}' differs from metadata title '{title}'",
            f"# {title}",
        )
