"""The style guide's structural conventions, read from the Markdown tree of SOUL.md.

Which sections are lists, which lists are numbered, which items open with a bold
lead-in, how many scenarios, how long a profile runs: thresholds that are data in
the style pack's ``structure:`` block (rules/style.yaml); this module only knows
how to look at a section's block nodes (``MarkdownDocument.sections[i].nodes``).

A section entry in the data is a name or ``{section: NAME, severity: info}``: the
atlas writes some sections (Tools, Decision Frameworks) as prose in about half its
profiles, so there the finding is information, not a warning.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from atlaslint.checks.sink import Sink
from atlaslint.diagnostics import Severity
from atlaslint.documents.markdown import MarkdownDocument, Section
from atlaslint.positions import Span

LISTS = ("bullet_list", "ordered_list")
LIST_SECTION = "style/list-section"
BOLD_LEAD_IN = "style/bold-lead-in"
NUMBERED = "style/numbered-list"
GLOSSARY = "style/glossary-entry"
SCENARIOS = "style/scenario-count"
LENGTH = "style/profile-length"


def _entries(value: Any) -> dict[str, Severity | None]:
    """Section name -> the severity the data gives it (``None``: the rule's default)."""
    out: dict[str, Severity | None] = {}
    for entry in value or ():
        if isinstance(entry, str):
            out[entry] = None
        elif isinstance(entry, dict) and isinstance(entry.get("section"), str):
            severity = entry.get("severity")
            out[entry["section"]] = Severity.parse(severity) if severity else None
    return out


def _items(section: Section) -> list[Any]:
    """The items of the lists directly in a section's body."""
    return [item for node in section.nodes if node.name in LISTS for item in node.children]


def _inline(item: Any) -> list[Any]:
    """A list item's first inline nodes (tight items hold them directly, loose ones in a
    paragraph)."""
    children = list(item.children)
    if children and children[0].name == "paragraph":
        return list(children[0].children)
    if children and children[0].name in ("bullet_list", "ordered_list", "heading"):
        return []
    return children


def _opens_bold(inline: list[Any]) -> bool:
    first = inline[0] if inline else None
    if first is not None and first.name == "text" and not first.meta.get("content", "").strip():
        first = inline[1] if len(inline) > 1 else None
    return first is not None and first.name == "strong"


def _first_line(doc: MarkdownDocument, node: Any) -> Span:
    """The span of a node's first line (a whole paragraph would underline a screenful)."""
    start, end = doc.node_range(node)
    index = doc.source.index
    line, _ = index.position(start)
    end = min(end, index.line_end(line))
    return index.span(start, max(start, end))


def _item_span(doc: MarkdownDocument, item: Any) -> Span:
    inline = _inline(item)
    return _first_line(doc, inline[0] if inline else item)


def check_structure(doc: MarkdownDocument, structure: dict[str, Any], sink: Sink) -> None:
    """Every structural style rule over one SOUL.md (not for federated profiles)."""
    sections = {s.name: s for s in doc.sections}
    _list_sections(doc, sections, _entries(structure.get("list_sections")), sink)
    _numbered(doc, sections, _entries(structure.get("numbered_sections")), sink)
    _bold_lead_ins(doc, sections, _entries(structure.get("bold_lead_in_sections")), sink)
    _glossaries(doc, sections, _entries(structure.get("glossary_sections")), sink)
    scenarios = structure.get("scenarios")
    if isinstance(scenarios, dict):
        _scenarios(doc, sections, scenarios, sink)
    length = structure.get("length")
    if isinstance(length, dict):
        _length(doc, length, sink)


def _written(
    sections: dict[str, Section], wanted: dict[str, Severity | None]
) -> Iterator[tuple[str, Severity | None, Section]]:
    """The wanted sections that are present and hold more than their heading."""
    for name, severity in wanted.items():
        section = sections.get(name)
        if section is not None and _has_body(section):
            yield name, severity, section


def _has_body(section: Section) -> bool:
    return bool(section.nodes)


def _list_sections(
    doc: MarkdownDocument,
    sections: dict[str, Section],
    wanted: dict[str, Severity | None],
    sink: Sink,
) -> None:
    for name, severity, section in _written(sections, wanted):
        if not any(node.name in LISTS for node in section.nodes):
            sink.emit(
                doc.path,
                section.heading.span,
                LIST_SECTION,
                f"section '{name}' is written as prose; the style guide makes it a "
                "bulleted list, one point per item",
                severity=severity,
            )


def _numbered(
    doc: MarkdownDocument,
    sections: dict[str, Section],
    wanted: dict[str, Severity | None],
    sink: Sink,
) -> None:
    for name, severity, section in _written(sections, wanted):
        if any(node.name == "ordered_list" for node in section.nodes):
            continue
        shape = "a bulleted list" if any(n.name in LISTS for n in section.nodes) else "prose"
        sink.emit(
            doc.path,
            section.heading.span,
            NUMBERED,
            f"section '{name}' is {shape}; the style guide makes it a numbered list of steps",
            severity=severity,
        )


def _bold_lead_ins(
    doc: MarkdownDocument,
    sections: dict[str, Section],
    wanted: dict[str, Severity | None],
    sink: Sink,
) -> None:
    for name, severity in wanted.items():
        section = sections.get(name)
        if section is None:
            continue
        items = _items(section)
        missing = [item for item in items if not _opens_bold(_inline(item))]
        if not missing:
            continue
        if len(missing) == len(items):  # a convention not followed: say it once
            sink.emit(
                doc.path,
                _item_span(doc, items[0]),
                BOLD_LEAD_IN,
                f"the items of '{name}' open without a bold lead-in; start each with "
                "its point in bold ('- **Measure twice.** ...')",
                severity=severity,
            )
            continue
        for item in missing:  # most items have one: these few stand out
            sink.emit(
                doc.path,
                _item_span(doc, item),
                BOLD_LEAD_IN,
                f"this item of '{name}' opens without a bold lead-in, unlike the others",
                severity=severity,
            )


def _words_after(doc: MarkdownDocument, inline: list[Any]) -> bool:
    """Does anything but the bold term itself carry words (the gloss)?"""
    rest = inline[1:]
    if _opens_bold(inline) and inline[0].name != "strong":
        rest = inline[2:]
    text = doc.source.text or ""
    for node in rest:
        start, end = doc.node_range(node)
        if any(ch.isalnum() for ch in text[start:end]):
            return True
    return False


def _glossaries(
    doc: MarkdownDocument,
    sections: dict[str, Section],
    wanted: dict[str, Severity | None],
    sink: Sink,
) -> None:
    for name, severity in wanted.items():
        section = sections.get(name)
        if section is None:
            continue
        for item in _items(section):
            inline = _inline(item)
            if not _opens_bold(inline):
                message = f"a '{name}' entry should open with the term in bold, then its gloss"
            elif not _words_after(doc, inline):
                message = f"this '{name}' entry names a term but gives no gloss"
            else:
                continue
            sink.emit(doc.path, _item_span(doc, item), GLOSSARY, message, severity=severity)


def _cases(section: Section) -> int:
    """Worked cases: subheadings if any, else list items, else bold-led paragraphs, else
    paragraphs."""
    headings = [n for n in section.nodes if n.name == "heading"]
    if headings:
        return len(headings)
    lists = [n for n in section.nodes if n.name in LISTS]
    if lists:
        return sum(len(n.children) for n in lists)
    paragraphs = [n for n in section.nodes if n.name == "paragraph"]
    bold = [p for p in paragraphs if _opens_bold(list(p.children))]
    return len(bold) if bold else len(paragraphs)


def _scenarios(
    doc: MarkdownDocument, sections: dict[str, Section], spec: dict[str, Any], sink: Sink
) -> None:
    section = sections.get(str(spec.get("section")))
    if section is None or not _has_body(section):
        return
    low, high = int(spec.get("min", 0)), int(spec.get("max", 0))
    count = _cases(section)
    if low <= count <= high:
        return
    severity = spec.get("severity")
    sink.emit(
        doc.path,
        section.heading.span,
        SCENARIOS,
        f"'{section.name}' holds {count} worked case{'s' if count != 1 else ''}; "
        f"the style guide asks for {low} to {high}",
        severity=Severity.parse(severity) if severity else None,
    )


def _length(doc: MarkdownDocument, spec: dict[str, Any], sink: Sink) -> None:
    words = sum(section.words for section in doc.sections)
    low, high = int(spec.get("min_words", 0)), int(spec.get("max_words", 0))
    if low <= words <= high:
        return
    where = "over" if words > high else "under"
    span = doc.titles[0].span if doc.titles else doc.source.index.line_span(1)
    severity = spec.get("severity")
    sink.emit(
        doc.path,
        span,
        LENGTH,
        f"the profile runs {words:,} words, {where} the style guide's {low:,}-{high:,}",
        severity=Severity.parse(severity) if severity else None,
    )
