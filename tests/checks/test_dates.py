"""record/date-order and record/future-date on a profile's metadata.yaml."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from atlaslint.checks.dates import as_date, latest_today
from tests.checks.frameworks import position_of, span
from tests.conftest import EXAMPLES, edit, find

PROFILE = EXAMPLES / "profiles" / "customs-officer"


def _profile(tmp_path: Path) -> Path:
    target = tmp_path / "customs-officer"
    shutil.copytree(PROFILE, target)
    return target / "metadata.yaml"


@pytest.mark.parametrize(
    ("old", "new", "token"),
    [
        ("updated: '2026-06-26'", "updated: '2026-06-25'", "'2026-06-25'"),
        ("last_reviewed: null", "last_reviewed: '2026-01-02'", "'2026-01-02'"),
        (
            "reviewers: []",
            "reviewers:\n  - {name: A. Officer, date: '2025-12-31'}",
            "'2025-12-31'",
        ),
    ],
)
def test_date_before_created(tmp_path, cli, old, new, token):
    path = _profile(tmp_path)
    edit(path, old, new)
    run = cli("check", "--format", "json", "--select", "record", "customs-officer", cwd=tmp_path)
    (diag,) = run.diagnostics
    assert diag["rule"] == "record/date-order"
    assert diag["severity"] == "error"
    assert diag["path"] == "customs-officer/metadata.yaml"
    assert span(diag) == position_of(path, token, token)
    created = position_of(path, "created: '2026-06-26'", "created")[0]
    assert diag["message"].endswith(f"is before created 2026-06-26 (line {created})")
    assert run.exit_code == 1


def test_future_dates_are_warnings(tmp_path, cli):
    path = _profile(tmp_path)
    edit(path, "updated: '2026-06-26'", "updated: '2999-06-26'")
    run = cli("check", "--format", "json", "--select", "record", "customs-officer", cwd=tmp_path)
    (diag,) = run.diagnostics
    assert (diag["rule"], diag["severity"]) == ("record/future-date", "warning")
    assert span(diag) == position_of(path, "'2999-06-26'", "'2999-06-26'")
    assert run.exit_code == 0
    run = cli("check", "--format", "json", "--fail-on", "warning", "customs-officer", cwd=tmp_path)
    assert run.exit_code == 1


def test_today_anywhere_is_not_the_future():
    assert latest_today() >= dt.datetime.now(dt.timezone.utc).date()
    assert latest_today() <= dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)


def test_unquoted_and_timestamp_dates_are_read():
    assert as_date(dt.date(2026, 6, 26)) == dt.date(2026, 6, 26)
    assert as_date("2026-06-26T10:00:00Z") == dt.date(2026, 6, 26)
    assert as_date("2026-13-01") is None
    assert as_date(None) is None


def test_the_example_profile_has_no_date_findings(cli):
    run = cli("check", "--format", "json", "--select", "record", str(PROFILE))
    assert find(run.diagnostics, "record/date-order") == []
    assert run.diagnostics == []
