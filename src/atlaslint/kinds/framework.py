"""A competency framework: one ``*.framework.yaml`` file (SPEC §1.3)."""

from __future__ import annotations

from atlaslint.checks import citations, grammar, levels, phrases, schema
from atlaslint.checks.sink import Sink
from atlaslint.documents.data import DataDocument
from atlaslint.documents.framework import FORMAT, FORMAT_KEY, FrameworkView
from atlaslint.documents.prose import prose_fields, yaml_segments
from atlaslint.documents.source import read_source
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.settings import Settings
from atlaslint.suppress import check_references, filter_suppressed
from atlaslint.units import FRAMEWORK, IndexEntry, Ref, Unit, UnitResult


def _load(unit: Unit, settings: Settings) -> DataDocument:
    text = unit.text_for(unit.fs_path)  # an editor's buffer read from stdin
    return load_yaml(read_source(unit.display, unit.fs_path, settings.max_file_size, text))


def check_framework(unit: Unit, settings: Settings) -> UnitResult:
    """Syntax, format marker, schema, then the citation and level rules."""
    sink = Sink(settings.registry)
    doc = _load(unit, settings)
    sink.extend(doc.problems)
    index = IndexEntry(FRAMEWORK)
    outcome = grammar.Outcome()
    if doc.ok and not isinstance(doc.data, dict):
        sink.emit(doc.path, doc.value_span(()), "schema/type", "a framework must be a mapping")
    elif doc.ok and _format_ok(doc, sink):
        schema.validate(doc, "framework.schema.json", sink)
        view = FrameworkView(doc)
        citations.check_citations(view, sink)
        levels.check_levels(view, settings.min_per_level, sink)
        _fill_index(doc, index)
        outcome = _prose(doc, settings, sink)
    items = filter_suppressed(sink.items, {doc.path: doc.suppressions})
    checked = Sink(settings.registry)
    check_references(doc.path, doc.suppression_refs, settings.registry, checked)
    result = UnitResult(items + checked.items, index)
    if doc.suppressions:
        result.suppressions[doc.path] = doc.suppressions
    return outcome.apply(result)


def _prose(doc: DataDocument, settings: Settings, sink: Sink) -> grammar.Outcome:
    """Phrase rules and grammar over the framework's prose fields (segments built once)."""
    run_grammar, run_phrases = grammar.active(settings), phrases.wanted(settings)
    if not (run_grammar or run_phrases):
        return grammar.Outcome()
    # for phrases alone, only the values where a phrase may match
    keep = None if run_grammar else phrases.value_focus(settings)
    segments = yaml_segments(doc, prose_fields("framework"), "framework", keep)
    prose = grammar.Prose(doc.path, segments, doc.source.index)
    if run_phrases:
        phrases.check_files([prose], settings, sink)
    if run_grammar:
        return grammar.check_files([prose], settings, sink)
    return grammar.Outcome()


def index_framework(unit: Unit, settings: Settings) -> IndexEntry:
    """The index entry of a framework that is not reported on: the profile it names."""
    index = IndexEntry(FRAMEWORK)
    doc = _load(unit, settings)
    if doc.ok and isinstance(doc.data, dict):
        _fill_index(doc, index)
    return index


def _fill_index(doc: DataDocument, index: IndexEntry) -> None:
    occupation = doc.data.get("occupation")
    profile = occupation.get("profile") if isinstance(occupation, dict) else None
    if isinstance(profile, str):
        path = ("occupation", "profile")
        index.profile_ref = Ref(profile, doc.path, doc.value_span(path))


def _format_ok(doc: DataDocument, sink: Sink) -> bool:
    """The format marker decides how the rest is read: without the right one, say only
    that, rather than a screen of schema errors for a format we do not know."""
    marker = doc.data.get(FORMAT_KEY)
    if marker == FORMAT:
        return True
    if FORMAT_KEY not in doc.data:
        first = next(iter(doc.data), None)
        span = doc.key_span((first,)) if first is not None else doc.value_span(())
        sink.emit(
            doc.path,
            span,
            "schema/required",
            f"missing format marker '{FORMAT_KEY}: {FORMAT}'; add it as the first line "
            "of the framework",
            f"{FORMAT_KEY}: {FORMAT}",
        )
    else:
        shown = marker if isinstance(marker, str) else repr(marker)
        sink.emit(
            doc.path,
            doc.value_span((FORMAT_KEY,)),
            "schema/const",
            f"unsupported format marker '{shown}'; this atlaslint reads '{FORMAT}'",
            FORMAT,
        )
    return False
