"""structure/*: SOUL.md headings against rules/sections.yaml, on a real profile."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import edit, find


def _cut_section(path: Path, name: str) -> str:
    """Remove a whole ``## name`` section; return its text."""
    text = path.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(name)}\n.*?(?=^## |\Z)", text, re.M | re.S)
    assert match, name
    path.write_text(text[: match.start()] + text[match.end() :], encoding="utf-8")
    return match.group()


def _span(diag: dict) -> tuple[int, int, int, int]:
    return diag["line"], diag["column"], diag["end_line"], diag["end_column"]


def test_missing_section_points_at_the_heading_it_should_precede(atlas, cli):
    root = atlas("carpenter")
    _cut_section(root / "carpenter/SOUL.md", "Core Mission")
    run = cli("check", str(root), "--format", "json", "--select", "structure")
    assert run.exit_code == 1
    (diag,) = run.diagnostics
    assert diag["rule"] == "structure/missing-section"
    assert diag["path"].endswith("carpenter/SOUL.md")
    assert _span(diag) == (14, 1, 14, 28)  # "## Primary Responsibilities" moved up to line 14
    assert "'Core Mission'" in diag["message"]


def test_missing_last_section_points_at_file_end(atlas, cli):
    root = atlas("carpenter")
    soul = root / "carpenter/SOUL.md"
    _cut_section(soul, "References")
    _cut_section(soul, "Related Occupations")
    lines = soul.read_text(encoding="utf-8").split("\n")
    run = cli("check", str(root), "--format", "json", "--select", "structure/missing-section")
    (diag,) = run.diagnostics
    assert (diag["line"], diag["column"]) == (len(lines), len(lines[-1]) + 1)


def test_section_order(atlas, cli):
    root = atlas("carpenter")
    soul = root / "carpenter/SOUL.md"
    workflow = _cut_section(soul, "Workflow")
    edit(soul, "## Decision Frameworks\n", workflow + "## Decision Frameworks\n")
    run = cli("check", str(root), "--format", "json", "--select", "structure")
    (diag,) = run.diagnostics
    assert diag["rule"] == "structure/section-order"
    assert _span(diag) == (87, 1, 87, 12)
    assert diag["message"] == (
        "section 'Workflow' is out of order; it belongs after 'Decision Frameworks'"
    )
    assert run.exit_code == 1


def test_unknown_section_suggests_and_the_real_one_is_missing(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/SOUL.md", "## Tools\n", "## Toolz\n")
    run = cli("check", str(root), "--format", "json", "--select", "structure")
    (unknown,) = find(run.diagnostics, "structure/unknown-section")
    assert _span(unknown) == (183, 1, 183, 9)
    assert unknown["severity"] == "warning"
    assert unknown["suggestion"] == "Tools"
    (missing,) = find(run.diagnostics, "structure/missing-section")
    assert missing["line"] == 192  # before "## Collaboration"


def test_duplicate_section(atlas, cli):
    root = atlas("carpenter")
    soul = root / "carpenter/SOUL.md"
    text = soul.read_text(encoding="utf-8")
    soul.write_text(text + "\n## Ethics\n\nAgain.\n", encoding="utf-8")
    line = text.count("\n") + 2
    run = cli("check", str(root), "--format", "json", "--select", "structure")
    (diag,) = run.diagnostics
    assert diag["rule"] == "structure/duplicate-section"
    assert _span(diag) == (line, 1, line, 10)
    assert "first at line 203" in diag["message"]


def test_thin_section_counts_words_outside_code(atlas, cli):
    root = atlas("carpenter")
    soul = root / "carpenter/SOUL.md"
    body = (
        "Build square, plumb, level structures that carry their loads for decades.\n\n"
        "```\n## not a heading\n" + "code " * 50 + "\n```\n\n"
    )
    text = soul.read_text(encoding="utf-8")
    start = text.index("## Core Mission\n") + len("## Core Mission\n\n")
    end = text.index("## Primary Responsibilities")
    soul.write_text(text[:start] + body + text[end:], encoding="utf-8")
    run = cli("check", str(root), "--format", "json", "--select", "structure")
    (diag,) = run.diagnostics  # the fenced "## not a heading" is no section
    assert diag["rule"] == "structure/thin-section"
    assert _span(diag) == (14, 1, 14, 16)
    assert diag["message"] == "section 'Core Mission' has 11 words; at least 15 expected"
    assert run.exit_code == 0  # a warning by default


def test_title_differs_from_metadata(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/SOUL.md", "# Carpenter\n", "# Carpentry\n")
    run = cli("check", str(root), "--format", "json", "--select", "structure")
    (diag,) = run.diagnostics
    assert diag["rule"] == "structure/title"
    assert _span(diag) == (1, 1, 1, 12)
    assert diag["suggestion"] == "# Carpenter"


def test_second_h1(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/SOUL.md", "## Ethics\n", "# Ethics\n")
    run = cli("check", str(root), "--format", "json", "--select", "structure/title")
    (diag,) = run.diagnostics
    assert _span(diag) == (203, 1, 203, 9)


def test_federated_profiles_skip_section_rules(corpus_dir, cli):
    mirrored = corpus_dir / "mirrored"
    run = cli("check", str(mirrored), "--format", "json", "--select", "structure")
    assert run.exit_code == 0
    assert run.diagnostics == []


def test_stable_but_incomplete(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "status: draft", "status: stable")
    _cut_section(root / "carpenter/SOUL.md", "Tools")
    run = cli("check", str(root), "--format", "json", "--select", "structure/stable-incomplete")
    (diag,) = run.diagnostics
    assert diag["path"].endswith("metadata.yaml")
    assert "94% complete" in diag["message"] and "Tools" in diag["message"]
