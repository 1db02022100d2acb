"""An occupation profile: ``<slug>/SOUL.md`` plus ``<slug>/metadata.yaml``."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable

from atlaslint.checks import dates, grammar, phrases, schema, sections, style_structure
from atlaslint.checks.sink import Sink
from atlaslint.documents.data import DataDocument
from atlaslint.documents.markdown import MarkdownDocument, load_markdown
from atlaslint.documents.prose import markdown_segments, prose_fields, yaml_segments
from atlaslint.documents.source import read_source
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.phrases.loading import structure_for
from atlaslint.positions import Span
from atlaslint.settings import Settings
from atlaslint.suppress import (
    check_directives,
    check_references,
    filter_markdown,
    filter_suppressed,
    markdown_suppressions,
)
from atlaslint.units import PROFILE, IndexEntry, Ref, Unit, UnitResult

SOUL, METADATA = "SOUL.md", "metadata.yaml"


def join(display: str, name: str) -> str:
    """A child path that stays as relative as the user's own."""
    if display in ("", "."):
        return name
    return display.rstrip("/") + "/" + name


class Profile:
    """The two loaded documents of a profile (either may be missing)."""

    def __init__(self, unit: Unit, settings: Settings) -> None:
        self.unit = unit
        self.slug = unit.slug
        self.soul_path = join(unit.display, SOUL)
        self.meta_path = join(unit.display, METADATA)
        self.soul: MarkdownDocument | None = None
        self.meta: DataDocument | None = None
        soul_fs = unit.fs_path / SOUL
        meta_fs = unit.fs_path / METADATA
        limit = settings.max_file_size
        soul_text, meta_text = unit.text_for(soul_fs), unit.text_for(meta_fs)
        # lexists: a folder, a pipe or a broken link in its place is syntax/unreadable
        if soul_text is not None or os.path.lexists(soul_fs):
            self.soul = load_markdown(read_source(self.soul_path, soul_fs, limit, soul_text))
        if meta_text is not None or os.path.lexists(meta_fs):
            self.meta = load_yaml(read_source(self.meta_path, meta_fs, limit, meta_text))

    @property
    def metadata(self) -> dict:
        if self.meta is not None and isinstance(self.meta.data, dict):
            return self.meta.data
        return {}

    @property
    def federated(self) -> bool:
        source = self.metadata.get("source")
        return isinstance(source, dict) and bool(source.get("origin"))


def check_profile(unit: Unit, settings: Settings) -> UnitResult:
    sink = Sink(settings.registry)
    profile = Profile(unit, settings)
    index = IndexEntry(PROFILE, slug=profile.slug)
    for name, doc in ((SOUL, profile.soul), (METADATA, profile.meta)):
        if doc is None:
            other = profile.meta_path if name == SOUL else profile.soul_path
            sink.emit(
                other,
                Span.point(1, 1),
                "syntax/missing-file",
                f"profile '{profile.slug}' has no {name} beside this file",
            )
        else:
            sink.extend(doc.problems)
    meta = profile.meta
    meta_ok = meta is not None and meta.ok
    if meta_ok and not isinstance(meta.data, dict):
        sink.emit(meta.path, meta.value_span(()), "schema/type", "metadata must be a mapping")
        meta_ok = False
    if meta_ok:
        schema.validate(meta, "metadata.schema.json", sink)
        _check_identity(meta, sink, index, profile.slug)
        dates.check_metadata_dates(meta, sink)
    soul = profile.soul
    if soul is not None and soul.ok and not profile.federated:
        title = profile.metadata.get("title") if meta_ok else None
        sections.check_sections(soul, title if isinstance(title, str) else None, sink)
        if meta_ok and profile.metadata.get("status") == "stable":
            _check_stable(soul, meta, sink)
        style_structure.check_structure(soul, structure_for(settings.rule_packs), sink)
    outcome = grammar.Outcome()
    run_grammar, run_phrases = grammar.active(settings), phrases.wanted(settings)
    if run_grammar or run_phrases:
        # built once, read by both; for phrases alone, only where a phrase may match
        focus, keep = None, None
        if not run_grammar:
            keep = phrases.value_focus(settings)
            if soul is not None and soul.ok:
                focus = phrases.markdown_focus(soul, settings)
        prose = _prose(soul, meta if meta_ok else None, focus, keep)
        if run_phrases:
            phrases.check_files(prose, settings, sink)
        if run_grammar:
            outcome = grammar.check_files(prose, settings, sink)
    result = UnitResult(_unsuppressed(profile, sink, settings), index)
    if profile.meta is not None and profile.meta.suppressions:
        result.suppressions[profile.meta_path] = profile.meta.suppressions
    return outcome.apply(result)


def _unsuppressed(profile: Profile, sink: Sink, settings: Settings) -> list:
    """The unit's findings minus what suppression comments silence, plus the comments
    that name rules which do not exist."""
    meta, soul = profile.meta, profile.soul
    suppressions = {profile.meta_path: meta.suppressions} if meta is not None else {}
    items = filter_suppressed(sink.items, suppressions)
    checked = Sink(settings.registry)
    if soul is not None and soul.ok:
        comments = markdown_suppressions(soul)
        items = filter_markdown(items, soul.path, comments)
        check_references(soul.path, comments.refs, settings.registry, checked)
        check_directives(soul.path, comments.bad, checked)
    if meta is not None:
        check_references(meta.path, meta.suppression_refs, settings.registry, checked)
    return items + checked.items


def _prose(
    soul: MarkdownDocument | None,
    meta: DataDocument | None,
    focus: list[int] | None = None,
    keep: Callable[[list[str]], Iterable[int]] | None = None,
) -> list[grammar.Prose]:
    """The prose of SOUL.md (only the blocks holding a ``focus`` offset, if given) and of
    metadata's prose fields (only the values ``keep`` chooses, if given)."""
    files = []
    if soul is not None and soul.ok:
        segments = markdown_segments(soul, focus)
        files.append(grammar.Prose(soul.path, segments, soul.source.index))
    if meta is not None:
        segments = yaml_segments(meta, prose_fields("metadata"), "metadata", keep)
        files.append(grammar.Prose(meta.path, segments, meta.source.index))
    return files


def index_profile(unit: Unit, settings: Settings) -> IndexEntry:
    """The index entry of a profile that is not reported on: metadata only."""
    index = IndexEntry(PROFILE, slug=unit.slug)
    meta_fs = unit.fs_path / METADATA
    if meta_fs.is_file():
        meta = load_yaml(read_source(join(unit.display, METADATA), meta_fs, settings.max_file_size))
        if meta.ok and isinstance(meta.data, dict):
            _check_identity(meta, Sink(settings.registry), index, unit.slug)
    return index


def _check_identity(meta: DataDocument, sink: Sink, index: IndexEntry, folder: str) -> None:
    """slug = folder, no self-reference; and the index entry for cross-file rules."""
    data = meta.data
    slug = data.get("slug")
    if isinstance(slug, str) and slug != folder:
        sink.emit(
            meta.path,
            meta.value_span(("slug",)),
            "xref/slug-mismatch",
            f"slug '{slug}' differs from the folder name '{folder}'",
            folder,
        )
    title = data.get("title")
    if isinstance(title, str):
        index.titles.append(Ref(title, meta.path, meta.value_span(("title",))))
    aliases = data.get("aliases")
    if isinstance(aliases, list):
        for i, alias in enumerate(aliases):
            if isinstance(alias, str):
                index.titles.append(Ref(alias, meta.path, meta.value_span(("aliases", i))))
    related = data.get("related")
    if isinstance(related, list):
        for i, item in enumerate(related):
            target = item.get("slug") if isinstance(item, dict) else None
            if not isinstance(target, str):
                continue
            span = meta.value_span(("related", i, "slug"))
            if target in (folder, slug):
                sink.emit(
                    meta.path,
                    span,
                    "xref/self-reference",
                    f"profile '{folder}' lists itself as related",
                )
            else:
                index.related.append(Ref(target, meta.path, span))


def _check_stable(soul: MarkdownDocument, meta: DataDocument, sink: Sink) -> None:
    share, short = sections.completeness(soul)
    if short:
        sink.emit(
            meta.path,
            meta.value_span(("status",)),
            "structure/stable-incomplete",
            f"status is 'stable' but the profile is {share:.0%} complete "
            f"(missing or thin: {', '.join(short)})",
        )
