"""``--fix`` and ``--diff``: exactly the safe fixes, byte for byte, idempotent, atomic,
never on a file that does not parse."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from atlaslint.diagnostics import Fix
from atlaslint.fixes import apply_fixes
from tests.conftest import EXAMPLES, edit

SELECT = ("--select", "bias,style")

# (original text in carpenter/SOUL.md, with a term inserted, and after --fix)
FIVE = [
    (
        "spans the rough framer",
        "spans the rough fireman framer",
        "spans the rough firefighter framer",
    ),
    (
        "Leave the pencil line",
        "Policeman, leave the pencil line",
        "Police officer, leave the pencil line",
    ),
    (
        "The load path must be continuous.",
        "The load path must be continuous for his or her safety.",
        "The load path must be continuous for their safety.",
    ),
    (
        "Carpenters frame the shell",
        "Carpenters frame the stewardess shell",
        "Carpenters frame the flight attendant shell",
    ),
    (
        "A triangle is the only",
        "A senility triangle is the only",
        "A dementia triangle is the only",
    ),
]
# reported, never fixed: several suggestions; a word split by markup
UNFIXABLE = [
    ("Get the structure true", "Get the chairman structure true"),
    ("Sharp tools, safe work.", "Sharp tools, **fire**man work."),
]


@pytest.fixture
def carpenter(atlas) -> Path:
    return atlas("carpenter")


def insert(path: Path, pairs) -> None:
    for old, new, *_ in pairs:
        edit(path, old, new)


def test_fix_applies_exactly_the_five_safe_fixes(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    original = soul.read_text(encoding="utf-8")
    insert(soul, FIVE + UNFIXABLE)
    expected = original
    for old, _, fixed in FIVE:
        expected = expected.replace(old, fixed, 1)
    for old, new in UNFIXABLE:
        expected = expected.replace(old, new, 1)
    meta_before = (carpenter / "carpenter/metadata.yaml").read_bytes()

    run = cli("check", ".", "--fix", "--format", "json", *SELECT, cwd=carpenter)
    assert soul.read_bytes() == expected.encode("utf-8")
    assert (carpenter / "carpenter/metadata.yaml").read_bytes() == meta_before
    assert "Fixed 5 findings in 1 file." in run.stderr
    # what remains is reported, the fixed findings are not
    remaining = [(d["rule"], d["line"]) for d in run.diagnostics if d["rule"].startswith("bias")]
    assert sorted(remaining) == sorted(
        [
            ("bias/gendered-title", expected.split("\n").index(line) + 1)
            for line in expected.split("\n")
            if "chairman structure" in line or "**fire**man" in line
        ]
    )
    assert run.exit_code == 0  # warnings only

    again = cli("check", ".", "--fix", "--format", "json", *SELECT, cwd=carpenter)
    assert soul.read_bytes() == expected.encode("utf-8")
    assert "No fixes applied." in again.stderr


def test_diff_shows_the_change_and_writes_nothing(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    insert(soul, FIVE[:1])
    before = soul.read_bytes()
    run = cli("check", ".", "--diff", *SELECT, cwd=carpenter)
    assert soul.read_bytes() == before
    assert run.exit_code == 1
    assert run.stdout.splitlines()[:2] == ["--- a/carpenter/SOUL.md", "+++ b/carpenter/SOUL.md"]
    assert (
        "-the loads and codes that keep them standing. The craft spans the rough fireman framer"
        in run.stdout
    )
    assert (
        "+the loads and codes that keep them standing. The craft spans the rough firefighter framer"
        in run.stdout
    )
    assert "Would fix 1 finding in 1 file." in run.stderr
    # nothing to fix: no diff, exit 0
    soul.write_bytes(before.replace(b"fireman", b"rough"))
    quiet = cli("check", ".", "--diff", *SELECT, cwd=carpenter)
    assert (quiet.exit_code, quiet.stdout) == (0, "")


def test_fix_keeps_crlf_bom_and_mode(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    insert(soul, FIVE[:2])
    text = soul.read_text(encoding="utf-8")
    soul.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    os.chmod(soul, 0o640)
    cli("check", ".", "--fix", *SELECT, cwd=carpenter)
    data = soul.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\n" not in data.replace(b"\r\n", b"")
    fixed = data[3:].decode("utf-8").replace("\r\n", "\n")
    assert fixed == text.replace("rough fireman", "rough firefighter").replace(
        "Policeman,", "Police officer,"
    )
    assert stat.S_IMODE(soul.stat().st_mode) == 0o640


def test_fix_never_touches_a_file_that_does_not_parse(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    meta = carpenter / "carpenter/metadata.yaml"
    insert(soul, FIVE[:1])
    edit(meta, "summary: 'Turns moving", "summary: 'The fireman turns moving")
    edit(meta, "difficulty: advanced", "difficulty: [advanced")  # a YAML syntax error
    broken = meta.read_bytes()
    run = cli("check", ".", "--fix", "--select", "bias,style,syntax", cwd=carpenter)
    assert meta.read_bytes() == broken
    assert "rough firefighter framer" in soul.read_text(encoding="utf-8")  # its sibling is fixed
    assert "Fixed 1 finding in 1 file." in run.stderr
    assert run.exit_code == 1  # the syntax error remains


def test_a_fix_offered_for_a_broken_file_is_refused(monkeypatch, tmp_path: Path) -> None:
    """The guard itself: even a (buggy) check offering a fix for a file with a YAML
    syntax error does not get it applied."""
    from atlaslint import engine
    from atlaslint.diagnostics import Diagnostic, Severity
    from atlaslint.fixes import fix_paths
    from atlaslint.positions import Span
    from atlaslint.settings import Settings
    from atlaslint.units import UnitResult

    path = tmp_path / "x.framework.yaml"
    path.write_bytes(b"atlaslint: framework/1\noccupation: [fireman\n")

    def fake(unit, settings):
        diag = Diagnostic(
            unit.display,
            Span(2, 14, 2, 21),
            "bias/gendered-title",
            Severity.WARNING,
            "m",
            fix=Fix(36, 43, "firefighter"),
        )
        return UnitResult([diag], engine.IndexEntry(unit.kind))

    monkeypatch.setattr(engine, "check_unit", fake)
    outcome = fix_paths([(str(path), path)], Settings(root=tmp_path))
    assert outcome.files == []
    assert path.read_bytes() == b"atlaslint: framework/1\noccupation: [fireman\n"


def test_fix_respects_ignore_and_suppression_comments(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    insert(soul, FIVE[:2])
    edit(soul, "Policeman, leave", "<!-- atlaslint-disable-next-line bias -->\nPoliceman, leave")
    before = soul.read_text(encoding="utf-8")
    cli("check", ".", "--fix", "--select", "style", cwd=carpenter)
    assert soul.read_text(encoding="utf-8") == before  # bias not selected: nothing fixed
    cli("check", ".", "--fix", *SELECT, cwd=carpenter)
    after = soul.read_text(encoding="utf-8")
    assert "rough firefighter framer" in after and "Policeman, leave" in after


def test_titles_are_reported_not_fixed(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(soul, "# Carpenter\n", "# Carpenter and Fireman\n")
    before = soul.read_bytes()
    run = cli("check", ".", "--fix", "--format", "json", "--select", "bias", cwd=carpenter)
    assert soul.read_bytes() == before
    assert [(d["rule"], d["line"], d["column"]) for d in run.diagnostics] == [
        ("bias/gendered-title", 1, 17)
    ]


def test_record_fixes_apply(cli, tmp_path: Path) -> None:
    records = tmp_path / "records"
    records.mkdir()
    path = records / "customs-officer.json"
    original = (EXAMPLES / "records/customs-officer.json").read_text(encoding="utf-8")
    path.write_text(
        original.replace('"readingTimeMinutes": 10', '"readingTimeMinutes": 3', 1), "utf-8"
    )
    run = cli("check", "records", "--fix", "--format", "json", "--select", "record", cwd=tmp_path)
    assert path.read_text(encoding="utf-8") == original
    assert run.diagnostics == [] and run.exit_code == 0
    assert json.loads(original)["computed"]["readingTimeMinutes"] == 10


def test_overlapping_fixes_apply_in_turn() -> None:
    text = "abcdef"
    fixes = [Fix(0, 3, "X"), Fix(2, 4, "Y"), Fix(4, 6, "Z"), Fix(4, 6, "Z"), Fix(1, 1, "")]
    assert apply_fixes(text, fixes) == ("XdZ", 2)  # the overlap and the no-op are left
    # an insertion and a replacement at one point overlap: the second waits a pass
    assert apply_fixes("abc", [Fix(1, 1, "+"), Fix(1, 2, "B")]) == ("a+bc", 1)


def test_fix_refuses_stdin(cli, carpenter: Path) -> None:
    run = cli(
        "check", "-", "--stdin-filename", "carpenter/SOUL.md", "--fix", cwd=carpenter, input="x"
    )
    assert run.exit_code == 2
    assert "do not read stdin" in run.stderr


def test_fix_in_yaml_scalars_keeps_the_yaml(cli, tmp_path: Path) -> None:
    from tests.checks.frameworks import copy

    path = copy(tmp_path, "block")
    edit(path, "title: Test Occupation", "title: Test Fireman")  # a title: not fixed
    edit(path, "topic: Topic A", "topic: 'Topic for the fireman'")
    edit(path, "topic: Topic B", 'topic: "Topic \\"B\\" for a policeman"')
    edit(path, "text: does a thing", "text: >-\n          briefs every\n          stewardess")
    edit(path, "text: does a harder thing", "text: does a harder thing for mankind")
    before = path.read_text(encoding="utf-8")
    run = cli("check", path.name, "--fix", "--format", "json", "--select", "bias", cwd=tmp_path)
    assert "Fixed 3 findings in 1 file." in run.stderr
    assert path.read_text(encoding="utf-8") == (
        before.replace("the fireman'", "the firefighter'")
        .replace("a policeman", "a police officer")
        .replace("stewardess", "flight attendant")
    )
    # left: the title, and "mankind" (two suggestions: the author's choice)
    lines = path.read_text(encoding="utf-8").split("\n")
    mankind = next(i for i, line in enumerate(lines, start=1) if "mankind" in line)
    assert sorted(d["line"] for d in run.diagnostics) == [3, mankind]


def test_subject_pronoun_is_reported_not_fixed(cli, carpenter: Path) -> None:
    """'he or she knows' -> 'they knows' would be wrong: reported with the advice."""
    soul = carpenter / "carpenter/SOUL.md"
    edit(soul, "Leave the pencil line", "He or she leaves the pencil line")
    before = soul.read_bytes()
    run = cli("check", ".", "--fix", "--format", "json", "--select", "bias", cwd=carpenter)
    assert soul.read_bytes() == before
    (diag,) = run.diagnostics
    assert diag["suggestion"] == "They"
    assert diag["message"] == "'He or she' assumes two genders; use 'they'"
