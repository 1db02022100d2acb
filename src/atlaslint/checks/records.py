"""record/*: the derived fields of an assembled record agree with its own content.

Each wrong value is reported on the value itself, with the value it should have (as
the suggestion, and as a safe fix): section ids and word counts are recomputed from
the section's heading and Markdown with the checker's own counting, the totals and
flags from those and from the record's metadata.
"""

from __future__ import annotations

import json
from typing import Any

from atlaslint.checks import dates
from atlaslint.checks.sections import completeness_of
from atlaslint.checks.sink import Sink
from atlaslint.derived import reading_time, review_flags, rounded_share, same_share
from atlaslint.diagnostics import Fix
from atlaslint.documents.data import DataDocument, Path_
from atlaslint.documents.headings import heading_id
from atlaslint.documents.markdown import count_words


def check_record_fields(doc: DataDocument, sink: Sink) -> None:
    """Run every record rule over one parsed record (a mapping)."""
    data: dict = doc.data
    meta = data.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    for key, rule in (("title", "record/title"), ("slug", "record/slug")):
        given, expected = data.get(key), meta.get(key)
        if isinstance(given, str) and isinstance(expected, str) and given != expected:
            message = f"{key} {given!r} differs from metadata.{key}"
            _wrong(doc, sink, (key,), rule, message, expected)
    counted = _check_sections(doc, sink, data.get("sections"))
    computed = data.get("computed")
    if isinstance(computed, dict):
        if counted is not None:
            _check_totals(doc, sink, computed, counted)
        if meta:
            _check_flags(doc, sink, computed, meta)
    dates.check_metadata_dates(doc, sink, ("metadata",))
    dates.check_order(doc, sink, ("git", "created"), ("git", "updated"))
    for key in ("created", "updated"):
        dates.check_future(doc, sink, ("git", key))


def _check_sections(doc: DataDocument, sink: Sink, sections: Any) -> list[tuple[str, int]] | None:
    """Section ids and word counts; the (heading, words) of every section, or None when
    some section has no Markdown to count (the schema reports that)."""
    if not isinstance(sections, list):
        return None
    counted: list[tuple[str, int]] = []
    complete = True
    for i, section in enumerate(sections):
        if not isinstance(section, dict):
            complete = False
            continue
        heading, markdown = section.get("heading"), section.get("markdown")
        given_id = section.get("id")
        if isinstance(heading, str) and isinstance(given_id, str):
            expected = heading_id(heading)
            if given_id != expected:
                _wrong(
                    doc,
                    sink,
                    ("sections", i, "id"),
                    "record/section-id",
                    f"sections[{i}].id {given_id!r} is not the GitHub-style id of "
                    f"heading {heading!r}",
                    expected,
                )
        if not isinstance(markdown, str):
            complete = False
            continue
        words = count_words(markdown)
        counted.append((heading if isinstance(heading, str) else "", words))
        given = section.get("wordCount")
        if _is_int(given) and given != words:
            _wrong(
                doc,
                sink,
                ("sections", i, "wordCount"),
                "record/word-count",
                f"sections[{i}].wordCount is {given}, but the section's Markdown has "
                f"{words} words (outside code and HTML)",
                words,
            )
    return counted if complete else None


def _check_totals(
    doc: DataDocument, sink: Sink, computed: dict, counted: list[tuple[str, int]]
) -> None:
    total = sum(words for _, words in counted)
    given = computed.get("wordCount")
    if _is_int(given) and given != total:
        _wrong(
            doc,
            sink,
            ("computed", "wordCount"),
            "record/word-count",
            f"computed.wordCount is {given}, but the sections hold {total} words",
            total,
        )
    minutes = reading_time(total)
    given = computed.get("readingTimeMinutes")
    if _is_int(given) and given != minutes:
        _wrong(
            doc,
            sink,
            ("computed", "readingTimeMinutes"),
            "record/reading-time",
            f"computed.readingTimeMinutes is {given}, but {total} words at 225 a minute "
            f"take {minutes} (max(1, round(words / 225)))",
            minutes,
        )
    share, short = completeness_of(counted)
    given = computed.get("completeness")
    if _is_number(given) and not same_share(given, share):
        missing = f"; missing or thin: {', '.join(short)}" if short else ""
        _wrong(
            doc,
            sink,
            ("computed", "completeness"),
            "record/completeness",
            f"computed.completeness is {given}, but {share:.1%} of the required sections "
            f"meet their minimum{missing}",
            rounded_share(share),
        )


def _check_flags(doc: DataDocument, sink: Sink, computed: dict, meta: dict) -> None:
    flags = review_flags(meta)
    reviewed = (
        "has reviewers or a last_reviewed date"
        if flags.verified
        else ("has no reviewers and no last_reviewed date")
    )
    provenance = meta.get("provenance")
    drafted = f"provenance is {provenance!r}" if provenance is not None else "no provenance"
    reasons = {
        "verified": f"the profile {reviewed}",
        "aiDrafted": f"{drafted} (AI-drafted means ai-generated or ai-assisted)",
        "unverifiedAiDraft": f"it is AI-drafted and unverified only when both hold "
        f"({drafted}; the profile {reviewed})",
    }
    for key, expected in flags.as_record().items():
        given = computed.get(key)
        if isinstance(given, bool) and given != expected:
            _wrong(
                doc,
                sink,
                ("computed", key),
                "record/ai-flags",
                f"computed.{key} is {json.dumps(given)}, but {reasons[key]}",
                expected,
            )


def _wrong(
    doc: DataDocument, sink: Sink, path: Path_, rule: str, message: str, expected: Any
) -> None:
    """Report a wrong derived value on the value, with the right one to put there."""
    shown = json.dumps(expected, ensure_ascii=False)
    located = doc.locate(path)
    fix = Fix(located.start, located.end, shown) if doc.has(path) else None
    sink.emit(
        doc.path,
        located.value,
        rule,
        f"{message}; expected {shown}",
        shown,
        fix,
    )


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
