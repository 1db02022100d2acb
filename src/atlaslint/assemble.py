"""``atlaslint assemble``: the record of one profile, in the shape of the atlas's API
(SPEC §1.2), built with the loaders and counting the checks use.

So an atlas that publishes what ``assemble`` prints publishes records that
``atlaslint check`` agrees with. What comes from outside the profile folder:

- ``computed.backlinks``: profiles under the project root whose ``related`` names this
  one (the atlas keeps only links between existing profiles, as here);
- ``git``: the history of SOUL.md from ``git log --follow`` when the folder is in a git
  work tree with commits (left out otherwise, or with ``git=False``);
- ``citation``: only with a URL base for the profile pages, which a checkout cannot know.

Section HTML is rendered with markdown-it (CommonMark, tables, strikethrough) where the
atlas uses marked; apostrophes are written ``&#39;`` as marked writes them, except in
sections holding raw HTML, which are passed through untouched.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
from collections import Counter
from pathlib import Path
from typing import Any

from atlaslint.checks import schema
from atlaslint.checks.sections import completeness
from atlaslint.checks.sink import Sink
from atlaslint.derived import reading_time, review_flags, rounded_share
from atlaslint.discovery import universe
from atlaslint.documents.data import DataDocument
from atlaslint.documents.headings import github_slug
from atlaslint.documents.markdown import MarkdownDocument, Section, has_raw_html, render_html
from atlaslint.kinds.profile import Profile, index_profile
from atlaslint.settings import Settings
from atlaslint.units import PROFILE, Unit

OPTIONAL_LISTS = (
    "aliases",
    "tags",
    "contributors",
    "related",
    "specializations",
    "country_variants",
    "sources",
    "reviewers",
)
"""List fields the atlas's loader sets to ``[]`` when absent, so readers never meet null."""

GIT_TIMEOUT_SECONDS = 10
TIMELINE_LENGTH = 30


class AssembleError(Exception):
    """The folder is not a profile that can be assembled (message for the user)."""


def assemble(
    folder: Path,
    settings: Settings,
    *,
    git: bool = True,
    url_base: str | None = None,
    site_name: str = "SOUL Atlas",
    links: dict[str, list[str]] | None = None,
) -> dict[str, Any]:
    """The record of the profile in ``folder``; ``links`` is a :func:`backlink_index`
    to reuse when assembling many profiles."""
    unit = Unit(PROFILE, str(folder), folder)
    profile = Profile(unit, settings)
    soul, meta = profile.soul, profile.meta
    for name, doc in (("SOUL.md", soul), ("metadata.yaml", meta)):
        if doc is None:
            raise AssembleError(f"{folder}: no {name}; not a profile folder")
        if not doc.ok:
            first = doc.problems[0]
            where = f"{first.path}:{first.span.line}:{first.span.column}"
            raise AssembleError(f"{where}: {first.message}")
    assert soul is not None and meta is not None
    if not isinstance(meta.data, dict):
        raise AssembleError(f"{meta.path}:1:1: metadata must be a mapping")
    _require_valid_metadata(meta, settings)
    metadata = _json_safe(meta.data)
    for key in OPTIONAL_LISTS:
        metadata.setdefault(key, [])
    slug = profile.slug
    title = metadata.get("title") or (soul.titles[0].text if soul.titles else slug)
    sections = [_section(soul, section) for section in soul.sections]
    words = sum(section.words for section in soul.sections)
    record: dict[str, Any] = {
        "slug": slug,
        "title": title,
        "metadata": metadata,
        "sections": sections,
        "computed": {
            "wordCount": words,
            "readingTimeMinutes": reading_time(words),
            "completeness": rounded_share(completeness(soul)[0]),
            "backlinks": (links if links is not None else backlink_index(settings)).get(slug, []),
            **review_flags(metadata).as_record(),
        },
    }
    history = git_history(folder / "SOUL.md") if git else None
    if history is not None:
        record["git"] = history
    if url_base:
        record["citation"] = citation(record, url_base, site_name)
    return record


def _require_valid_metadata(meta: DataDocument, settings: Settings) -> None:
    """A record is only as valid as its metadata: refuse, naming the first schema error,
    rather than print a record that ``check`` would reject."""
    sink = Sink(settings.registry)
    schema.validate(meta, "metadata.schema.json", sink)
    if sink.items:
        first = min(sink.items, key=lambda d: d.sort_key())
        where = f"{first.path}:{first.span.line}:{first.span.column}"
        more = f" (and {len(sink.items) - 1} more)" if len(sink.items) > 1 else ""
        raise AssembleError(f"{where}: {first.message}{more}; see 'atlaslint check'")


def _section(soul: MarkdownDocument, section: Section) -> dict[str, Any]:
    ident = github_slug(section.name)
    markdown = soul.section_markdown(section)
    heading_source = (soul.source.text or "")[section.heading.start : section.heading.end]
    heading_html = render_html(heading_source).replace("<h2>", f'<h2 id="{html.escape(ident)}">', 1)
    body = heading_html + render_html(markdown)
    if not has_raw_html(heading_source + "\n\n" + markdown):
        body = body.replace("'", "&#39;")
    return {
        "heading": section.name,
        "id": ident,
        "markdown": markdown,
        "html": body,
        "wordCount": section.words,
    }


def backlink_index(settings: Settings) -> dict[str, list[str]]:
    """For every slug, the profiles under the project root whose ``related`` name it."""
    found: dict[str, set[str]] = {}
    for unit in universe(settings):
        if unit.kind != PROFILE:
            continue
        entry = index_profile(unit, settings)
        for ref in entry.related:
            found.setdefault(ref.value, set()).add(entry.slug or unit.slug)
    return {slug: sorted(sources) for slug, sources in found.items()}


def git_history(path: Path) -> dict[str, Any] | None:
    """created, updated, revisions, authors and timeline of one file, from git; None
    when git, the work tree or the file's history is absent."""
    try:
        done = subprocess.run(
            ["git", "log", "--follow", "--format=%aI%x09%an", "--", path.name],
            cwd=path.parent,
            capture_output=True,
            text=True,
            timeout=GIT_TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    rows = []
    for line in done.stdout.splitlines():
        stamp, _, name = line.strip().partition("\t")
        if stamp:
            rows.append((stamp[:10], name or "Unknown"))
    if not rows:
        return None
    counts = Counter(name for _, name in rows)
    return {
        "created": rows[-1][0],
        "updated": rows[0][0],
        "revisions": len(rows),
        "authors": [{"name": n, "commits": c} for n, c in counts.most_common()],
        "timeline": [
            {"date": date, "author": name} for date, name in reversed(rows[:TIMELINE_LENGTH])
        ],
    }


def citation(record: dict[str, Any], url_base: str, site_name: str) -> dict[str, str]:
    """APA, BibTeX and plain-text references, in the atlas's own format."""
    metadata, history = record["metadata"], record.get("git") or {}
    slug, title = record["slug"], record["title"]
    names = [*metadata.get("contributors", []), *(a["name"] for a in history.get("authors", []))]
    authors = list(dict.fromkeys(str(n) for n in names)) or [site_name]
    version = (
        history.get("updated")
        or metadata.get("updated")
        or history.get("created")
        or metadata.get("created")
        or ""
    )
    year = str(version)[:4] or str(dt.date.today().year)
    url = f"{url_base.rstrip('/')}/{slug}"
    key = re.sub(r"[^a-z0-9]", "", site_name.lower()) or "atlas"
    note = f"SOUL.md, version {version}" if version else "SOUL.md"
    bibtex = "\n".join(
        [
            f"@misc{{{key}-{slug},",
            f"  title        = {{{title}}},",
            f"  author       = {{{' and '.join(authors)}}},",
            f"  year         = {{{year}}},",
            f"  howpublished = {{{site_name}}},",
            f"  note         = {{{note}}},",
            f"  url          = {{{url}}}",
            "}",
        ]
    )
    text_authors = ", ".join(authors)
    return {
        "apa": f"{text_authors} ({year}). {title} [SOUL]. {site_name}. {url}",
        "bibtex": bibtex,
        "text": f'{text_authors}. "{title}." {site_name}, {year}. {url}.',
    }


def _json_safe(value: Any) -> Any:
    """Metadata as JSON values: YAML dates become ISO strings."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
