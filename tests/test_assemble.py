"""``atlaslint assemble``: the seed record rebuilt from the example profile with the
checker's own counting, and records it prints pass ``atlaslint check``."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from atlaslint.assemble import assemble, backlink_index, git_history
from atlaslint.config import resolve_settings
from tests.conftest import EXAMPLES, REPO, edit

PROFILE = EXAMPLES / "profiles" / "customs-officer"
RECORD = EXAMPLES / "records" / "customs-officer.json"
SEED_URL_BASE = "https://soul-atlas.github.io/occupations"


def _seed() -> dict:
    return json.loads(RECORD.read_text(encoding="utf-8"))


def _assembled(cli, *options: str) -> dict:
    run = cli("assemble", "examples/profiles/customs-officer", *options, cwd=REPO)
    assert run.exit_code == 0, run.stderr
    return json.loads(run.stdout)


def test_reproduces_the_seed_sections_and_computed_fields(cli):
    seed, ours = _seed(), _assembled(cli, "--no-git")
    assert [(s["heading"], s["id"], s["markdown"], s["wordCount"]) for s in ours["sections"]] == [
        (s["heading"], s["id"], s["markdown"], s["wordCount"]) for s in seed["sections"]
    ]
    derived = ("wordCount", "readingTimeMinutes", "completeness", "verified", "aiDrafted")
    for key in (*derived, "unverifiedAiDraft"):
        assert ours["computed"][key] == seed["computed"][key], key
    assert ours["computed"]["wordCount"] == 2218
    assert (ours["slug"], ours["title"], ours["metadata"]) == (
        seed["slug"],
        seed["title"],
        seed["metadata"],
    )


def test_html_matches_the_seed(cli):
    seed, ours = _seed(), _assembled(cli, "--no-git")
    assert [s["html"] for s in ours["sections"]] == [s["html"] for s in seed["sections"]]


def test_compact_output_is_the_seed_but_for_backlinks_and_git(cli):
    """Byte for byte: postal-worker (the seed's backlink) and the atlas's git history are
    not in this repository."""
    run = cli(
        "assemble",
        "examples/profiles/customs-officer",
        "--indent",
        "0",
        "--no-git",
        "--url-base",
        SEED_URL_BASE,
        cwd=REPO,
    )
    seed = _seed()
    seed["computed"]["backlinks"] = []
    del seed["git"]
    assert run.stdout == json.dumps(seed, ensure_ascii=False, separators=(",", ":")) + "\n"


def test_assembled_record_passes_check(tmp_path, cli):
    run = cli("assemble", str(PROFILE), "--url-base", SEED_URL_BASE)
    records = tmp_path / "records"
    records.mkdir()
    (records / "customs-officer.json").write_text(run.stdout, encoding="utf-8")
    check = cli("check", "--format", "json", "records", cwd=tmp_path)
    assert check.diagnostics == []
    assert check.exit_code == 0


def test_backlinks_come_from_profiles_under_the_root(tmp_path):
    shutil.copytree(PROFILE, tmp_path / "customs-officer")
    other = tmp_path / "postal-worker"
    other.mkdir()
    meta = (PROFILE / "metadata.yaml").read_text(encoding="utf-8")
    meta = meta.replace("slug: customs-officer", "slug: postal-worker").replace(
        "{slug: police-officer,", "{slug: customs-officer,"
    )
    (other / "metadata.yaml").write_text(meta, encoding="utf-8")
    settings = resolve_settings([tmp_path / "customs-officer"])
    assert backlink_index(settings)["customs-officer"] == ["postal-worker"]
    record = assemble(tmp_path / "customs-officer", settings, git=False)
    assert record["computed"]["backlinks"] == ["postal-worker"]


def test_edited_profile_changes_the_counts(tmp_path):
    shutil.copytree(PROFILE, tmp_path / "customs-officer")
    soul = tmp_path / "customs-officer" / "SOUL.md"
    edit(soul, "## Core Mission\n\n", "## Core Mission\n\nFive `code` more <i>words</i> here now. ")
    settings = resolve_settings([tmp_path])
    record = assemble(tmp_path / "customs-officer", settings, git=False)
    core = record["sections"][1]
    assert core["wordCount"] == 29 + 5
    assert record["computed"]["wordCount"] == 2218 + 5
    assert "<code>code</code>" in core["html"]


def test_raw_html_keeps_its_apostrophes(tmp_path):
    shutil.copytree(PROFILE, tmp_path / "customs-officer")
    soul = tmp_path / "customs-officer" / "SOUL.md"
    edit(soul, "## Core Mission\n\n", "## Core Mission\n\n<span title='x'>it's</span>\n\n")
    record = assemble(tmp_path / "customs-officer", resolve_settings([tmp_path]), git=False)
    assert "<span title='x'>it's</span>" in record["sections"][1]["html"]
    assert "&#39;" in record["sections"][0]["html"]  # other sections are escaped as marked does


def _git(cwd: Path, *args: str, when: str = "2026-06-26T10:00:00+00:00", who: str = "A") -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": who,
        "GIT_AUTHOR_EMAIL": "a@example.invalid",
        "GIT_COMMITTER_NAME": who,
        "GIT_COMMITTER_EMAIL": "a@example.invalid",
        "GIT_AUTHOR_DATE": when,
        "GIT_COMMITTER_DATE": when,
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_history_of_soul_md(tmp_path):
    shutil.copytree(PROFILE, tmp_path / "customs-officer")
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "one", who="soul-atlas")
    edit(tmp_path / "customs-officer" / "SOUL.md", "## Purpose\n", "## Purpose\n\nMore.\n")
    _git(tmp_path, "commit", "-qam", "two", when="2026-07-01T10:00:00+00:00", who="B")
    assert git_history(tmp_path / "customs-officer" / "SOUL.md") == {
        "created": "2026-06-26",
        "updated": "2026-07-01",
        "revisions": 2,
        "authors": [{"name": "B", "commits": 1}, {"name": "soul-atlas", "commits": 1}],
        "timeline": [
            {"date": "2026-06-26", "author": "soul-atlas"},
            {"date": "2026-07-01", "author": "B"},
        ],
    }
    assert git_history(tmp_path.parent / "no-such-file.md") is None


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "nowhere", "not a profile folder"),
        (lambda p: p, "no SOUL.md; not a profile folder"),
    ],
)
def test_not_a_profile_exits_2(tmp_path, cli, make, message):
    run = cli("assemble", str(make(tmp_path)))
    assert run.exit_code == 2
    assert message in run.stderr
    assert run.stdout == ""


def test_unreadable_soul_exits_2_with_its_position(tmp_path, cli):
    shutil.copytree(PROFILE, tmp_path / "customs-officer")
    (tmp_path / "customs-officer" / "SOUL.md").write_bytes(b"# Customs Officer\n\n\xff\n")
    run = cli("assemble", str(tmp_path / "customs-officer"))
    assert run.exit_code == 2
    assert "SOUL.md:3:1: invalid UTF-8" in run.stderr


def test_every_corpus_profile_assembles_to_a_clean_record(tmp_path, cli, corpus_dir):
    souls = corpus_dir / "souls"
    settings = resolve_settings([souls])
    links = backlink_index(settings)
    records = tmp_path / "records"
    records.mkdir()
    for folder in sorted(p for p in souls.iterdir() if p.is_dir()):
        record = assemble(folder, settings, git=False, links=links)
        text = json.dumps(record, indent=2, ensure_ascii=False)
        (records / f"{folder.name}.json").write_text(text, encoding="utf-8")
    run = cli("check", "--format", "json", "records", cwd=tmp_path)
    assert run.diagnostics == []
    assert run.json["summary"]["files"] == 68
    assert any(links.values())


def test_invalid_metadata_is_refused_with_its_position(tmp_path, cli):
    shutil.copytree(PROFILE, tmp_path / "customs-officer")
    edit(
        tmp_path / "customs-officer" / "metadata.yaml",
        "contributors:\n  - soul-atlas",
        "contributors: 3",
    )
    run = cli("assemble", "customs-officer", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.startswith("atlaslint: customs-officer/metadata.yaml:16:15: contributors")
    assert run.stdout == ""
