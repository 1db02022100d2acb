"""record/date-order and record/future-date: the dates of a profile's metadata (in
metadata.yaml or inside an assembled record) agree with each other and with the clock.

A profile cannot be updated or reviewed before it was created, and a date that has
not happened yet is almost always a typo in the year or month.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from atlaslint.checks.schema import field_name
from atlaslint.checks.sink import Sink
from atlaslint.documents.data import DataDocument, Path_

LATEST_UTC_OFFSET = dt.timedelta(hours=14)
"""Dates are written in the contributor's time zone: a date is in the future only once it
is later than today's date everywhere on Earth (UTC+14), so CI running in UTC never flags
a profile written today in Auckland."""


def latest_today() -> dt.date:
    return (dt.datetime.now(dt.timezone.utc) + LATEST_UTC_OFFSET).date()


def as_date(value: Any) -> dt.date | None:
    """A date from a YAML/JSON value (``'2026-06-26'``, a timestamp, a YAML date), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and len(value) >= 10:
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def check_metadata_dates(
    doc: DataDocument, sink: Sink, prefix: Path_ = (), today: dt.date | None = None
) -> None:
    """Profile metadata: updated, last_reviewed and reviewers' dates not before created;
    none of them, nor source.fetched, in the future."""
    meta = _get(doc.data, prefix)
    if not isinstance(meta, dict):
        return
    created = (*prefix, "created")
    later = [(*prefix, "updated"), (*prefix, "last_reviewed")]
    reviewers = meta.get("reviewers")
    if isinstance(reviewers, list):
        later += [(*prefix, "reviewers", i, "date") for i in range(len(reviewers))]
    for path in later:
        check_order(doc, sink, created, path)
    for path in (created, *later, (*prefix, "source", "fetched")):
        check_future(doc, sink, path, today)


def check_order(doc: DataDocument, sink: Sink, earlier: Path_, later: Path_) -> None:
    """``later`` must not be before ``earlier``; reported on ``later``'s value."""
    first, second = as_date(_get(doc.data, earlier)), as_date(_get(doc.data, later))
    if first is None or second is None or second >= first:
        return
    line = doc.value_span(earlier).line
    sink.emit(
        doc.path,
        doc.value_span(later),
        "record/date-order",
        f"{field_name(later)} {second.isoformat()} is before {field_name(earlier)} "
        f"{first.isoformat()} (line {line})",
    )


def check_future(doc: DataDocument, sink: Sink, path: Path_, today: dt.date | None = None) -> None:
    value = as_date(_get(doc.data, path))
    limit = today or latest_today()
    if value is not None and value > limit:
        sink.emit(
            doc.path,
            doc.value_span(path),
            "record/future-date",
            f"{field_name(path)} {value.isoformat()} is in the future (today is at most "
            f"{limit.isoformat()} anywhere)",
        )


def _get(data: Any, path: Path_) -> Any:
    for part in path:
        if isinstance(part, int) and isinstance(data, list) and 0 <= part < len(data):
            data = data[part]
        elif isinstance(part, str) and isinstance(data, dict):
            data = data.get(part)
        else:
            return None
    return data
