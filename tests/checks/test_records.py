"""record/*: an assembled record's derived fields against its own content, each at the
wrong value with the expected one; the seed record is clean."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.checks.frameworks import position_of, span
from tests.conftest import EXAMPLES, REPO, edit

RECORD = EXAMPLES / "records" / "customs-officer.json"


def _copy(tmp_path: Path) -> Path:
    (tmp_path / "records").mkdir()
    target = tmp_path / "records" / "customs-officer.json"
    shutil.copy(RECORD, target)
    return target


def _record_diags(run) -> list[dict]:
    return [d for d in run.diagnostics if d["rule"].startswith("record/")]


def test_seed_record_is_clean(cli):
    run = cli("check", "--format", "json", str(RECORD.relative_to(REPO)), cwd=REPO)
    assert run.diagnostics == []
    assert run.exit_code == 0


def test_seed_record_is_the_seed():
    seed = REPO.parent / "shared" / "seeds" / "004_6f151e1808202a5b.txt"
    if not seed.is_file():
        pytest.skip(f"the seeds are not at {seed.parent}")
    assert json.loads(RECORD.read_text(encoding="utf-8")) == json.loads(seed.read_text("utf-8"))


# (old text, new text, rule, line of the value to find, token, expected suggestion)
CASES = [
    pytest.param(
        '"title": "Customs Officer",\n  "metadata"',
        '"title": "Customs Inspector",\n  "metadata"',
        "record/title",
        '"title": "Customs Inspector"',
        '"Customs Inspector"',
        '"Customs Officer"',
        id="title",
    ),
    pytest.param(
        '"slug": "customs-officer",\n  "title"',
        '"slug": "customs-inspector",\n  "title"',
        "record/slug",
        '"slug": "customs-inspector"',
        '"customs-inspector"',
        '"customs-officer"',
        id="slug",
    ),
    pytest.param(
        '"id": "common-tradeoffs"',
        '"id": "common_tradeoffs"',
        "record/section-id",
        '"id": "common_tradeoffs"',
        '"common_tradeoffs"',
        '"common-tradeoffs"',
        id="section-id",
    ),
    pytest.param(
        '"wordCount": 185',
        '"wordCount": 180',
        "record/word-count",
        '"wordCount": 180',
        "180",
        "185",
        id="section-word-count",
    ),
    pytest.param(
        '"wordCount": 2218',
        '"wordCount": 2000',
        "record/word-count",
        '"wordCount": 2000',
        "2000",
        "2218",
        id="total-word-count",
    ),
    pytest.param(
        '"readingTimeMinutes": 10',
        '"readingTimeMinutes": 9',
        "record/reading-time",
        '"readingTimeMinutes": 9',
        "9",
        "10",
        id="reading-time",
    ),
    pytest.param(
        '"completeness": 1,',
        '"completeness": 0.9,',
        "record/completeness",
        '"completeness": 0.9',
        "0.9",
        "1",
        id="completeness",
    ),
    pytest.param(
        '"aiDrafted": true',
        '"aiDrafted": false',
        "record/ai-flags",
        '"aiDrafted": false',
        "false",
        "true",
        id="ai-drafted",
    ),
    pytest.param(
        '"verified": false',
        '"verified": true',
        "record/ai-flags",
        '"verified": true',
        "true",
        "false",
        id="verified",
    ),
    pytest.param(
        '"unverifiedAiDraft": true',
        '"unverifiedAiDraft": false',
        "record/ai-flags",
        '"unverifiedAiDraft": false',
        "false",
        "true",
        id="unverified-ai-draft",
    ),
]


@pytest.mark.parametrize(("old", "new", "rule", "line_text", "token", "expected"), CASES)
def test_wrong_value_at_its_span(tmp_path, cli, old, new, rule, line_text, token, expected):
    path = _copy(tmp_path)
    edit(path, old, new)
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    (diag,) = _record_diags(run)
    assert diag["rule"] == rule
    assert diag["severity"] == "error"
    assert span(diag) == position_of(path, line_text, token)
    assert diag["suggestion"] == expected
    assert diag["message"].endswith(f"; expected {expected}")
    assert diag["path"] == "records/customs-officer.json"
    assert run.exit_code == 1


def _rewrite(path: Path, change) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _thin_core_mission(data: dict) -> None:
    """Core Mission (minimum 15 words) cut to 4 words, counts updated: 17 of 18 complete."""
    section = data["sections"][1]
    assert section["heading"] == "Core Mission"
    section["markdown"] = "Facilitate lawful trade `and` <b>travel</b>."
    section["wordCount"] = 4  # the code span and the tags are not words
    data["computed"]["wordCount"] = 2218 - 29 + 4


def test_completeness_is_recomputed_from_section_minimums(tmp_path, cli):
    path = _copy(tmp_path)
    _rewrite(path, _thin_core_mission)
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    (diag,) = _record_diags(run)
    assert diag["rule"] == "record/completeness"
    assert diag["suggestion"] == "0.944"
    assert "missing or thin: Core Mission" in diag["message"]
    _rewrite(path, lambda d: d["computed"].update(completeness=0.944))
    assert _record_diags(cli("check", "--format", "json", "records", cwd=tmp_path)) == []
    _rewrite(path, lambda d: d["computed"].update(completeness=17 / 18))
    assert _record_diags(cli("check", "--format", "json", "records", cwd=tmp_path)) == []


def test_review_makes_it_verified(tmp_path, cli):
    path = _copy(tmp_path)
    _rewrite(path, lambda d: d["metadata"].update(reviewers=[{"name": "A. Officer"}]))
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    diags = _record_diags(run)
    assert [(d["rule"], d["suggestion"]) for d in diags] == [
        ("record/ai-flags", "true"),
        ("record/ai-flags", "false"),
    ]
    assert span(diags[0]) == position_of(path, '"verified": false', "false")
    assert "has reviewers or a last_reviewed date" in diags[0]["message"]
    assert span(diags[1]) == position_of(path, '"unverifiedAiDraft": true', "true")


def test_human_provenance_is_not_ai_drafted(tmp_path, cli):
    path = _copy(tmp_path)
    edit(path, '"provenance": "ai-generated"', '"provenance": "human"')
    diags = _record_diags(cli("check", "--format", "json", "records", cwd=tmp_path))
    assert [(d["line"], d["suggestion"]) for d in diags] == [
        (position_of(path, '"aiDrafted": true', "true")[0], "false"),
        (position_of(path, '"unverifiedAiDraft": true', "true")[0], "false"),
    ]


def test_metadata_dates_in_a_record(tmp_path, cli):
    path = _copy(tmp_path)
    edit(path, '"updated": "2026-06-26"', '"updated": "2026-06-01"')
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    (diag,) = _record_diags(run)
    assert diag["rule"] == "record/date-order"
    assert span(diag) == position_of(path, '"updated": "2026-06-01"', '"2026-06-01"')
    created_line = position_of(path, '"created": "2026-06-26"', "2026")[0]
    assert diag["message"] == (
        f"metadata.updated 2026-06-01 is before metadata.created 2026-06-26 (line {created_line})"
    )
    assert run.exit_code == 1


def test_git_dates_in_a_record(tmp_path, cli):
    path = _copy(tmp_path)
    _rewrite(path, lambda d: d["git"].update(created="2026-07-01"))
    (diag,) = _record_diags(cli("check", "--format", "json", "records", cwd=tmp_path))
    assert diag["rule"] == "record/date-order"
    assert diag["message"].startswith("git.updated 2026-06-26 is before git.created 2026-07-01")


def test_future_date_in_a_record_is_a_warning(tmp_path, cli):
    path = _copy(tmp_path)
    _rewrite(path, lambda d: d["git"].update(updated="2999-01-01"))
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    (diag,) = _record_diags(run)
    assert (diag["rule"], diag["severity"]) == ("record/future-date", "warning")
    assert span(diag) == position_of(path, '"updated": "2999-01-01"', '"2999-01-01"')
    assert run.exit_code == 0


def test_ill_typed_record_gives_schema_errors_only(tmp_path, cli):
    (tmp_path / "records").mkdir()
    path = tmp_path / "records" / "x.json"
    path.write_text(
        json.dumps(
            {
                "slug": 3,
                "title": ["x"],
                "metadata": "none",
                "sections": [1, {"heading": 2, "markdown": None, "wordCount": "7"}],
                "computed": {"wordCount": True, "completeness": "full"},
            }
        ),
        encoding="utf-8",
    )
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    assert run.diagnostics
    assert {d["rule"].split("/")[0] for d in run.diagnostics} == {"schema"}
    assert run.exit_code == 1


def test_record_that_is_not_an_object(tmp_path, cli):
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "x.json").write_text("[1, 2]\n", encoding="utf-8")
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    (diag,) = run.diagnostics
    assert (diag["rule"], diag["line"], diag["column"]) == ("schema/type", 1, 1)


def test_naming_the_records_folder_itself_finds_its_records(tmp_path, cli):
    """With no config and no git, the project root is the named `records` folder."""
    _copy(tmp_path)
    (tmp_path / "records" / "notes.txt").write_text("not a record\n", encoding="utf-8")
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    assert run.json["summary"]["files"] == 1
    run = cli("check", "--format", "json", ".", cwd=tmp_path / "records")
    assert run.json["summary"]["files"] == 1
