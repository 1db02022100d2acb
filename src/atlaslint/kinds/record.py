"""An assembled profile record: one JSON file (SPEC §1.2)."""

from __future__ import annotations

from atlaslint.checks import records, schema
from atlaslint.checks.sink import Sink
from atlaslint.documents.json_loader import load_json
from atlaslint.documents.source import read_source
from atlaslint.settings import Settings
from atlaslint.units import RECORD, IndexEntry, Unit, UnitResult


def check_record(unit: Unit, settings: Settings) -> UnitResult:
    """Syntax, the record schema (metadata included), then the record/* rules.

    A record is generated from a profile, so it adds nothing to the cross-file index:
    related slugs and titles are checked on the profile it was built from.
    """
    sink = Sink(settings.registry)
    text = unit.text_for(unit.fs_path)  # an editor's buffer read from stdin
    doc = load_json(read_source(unit.display, unit.fs_path, settings.max_file_size, text))
    sink.extend(doc.problems)
    if doc.ok and not isinstance(doc.data, dict):
        sink.emit(doc.path, doc.value_span(()), "schema/type", "a record must be a JSON object")
    elif doc.ok:
        schema.validate(doc, "record.schema.json", sink)
        records.check_record_fields(doc, sink)
    return UnitResult(sink.items, IndexEntry(RECORD))
