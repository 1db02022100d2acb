"""The style guide's structural rules on real profiles: list form, numbered Workflow,
bold lead-ins, glossary entries, scenario count and whole-profile length."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import edit

SELECT = (
    "--select",
    "style/list-section,style/numbered-list,style/bold-lead-in,style/glossary-entry,"
    "style/scenario-count,style/profile-length",
)


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line starting with ``text`` (an oracle)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith(text):
            return number
    raise AssertionError(f"{text!r} not in {path}")


def found(cli, root: Path) -> list[tuple[str, str, int, int, int, int]]:
    run = cli("check", ".", "--format", "json", *SELECT, cwd=root)
    assert run.exit_code in (0, 1), run.stderr
    return [
        (d["rule"], d["severity"], d["line"], d["column"], d["end_line"], d["end_column"])
        for d in run.diagnostics
    ]


@pytest.fixture
def carpenter(atlas) -> Path:
    return atlas("carpenter")


def soul(root: Path) -> Path:
    return root / "carpenter/SOUL.md"


def test_real_profile_has_only_the_info_the_atlas_often_ignores(cli, carpenter: Path) -> None:
    # carpenter writes Tools as prose, like half the atlas: info, on the heading
    tools = line_of(soul(carpenter), "## Tools")
    assert found(cli, carpenter) == [("style/list-section", "info", tools, 1, tools, 9)]


def test_list_section_written_as_prose_is_a_warning(cli, carpenter: Path) -> None:
    path = soul(carpenter)
    text = path.read_text(encoding="utf-8")
    body = text.split("## Mental Models\n", 1)[1].split("\n## ", 1)[0]
    prose = re.sub(r"^- |^  ", "", body, flags=re.M)  # the same words, no bullets
    path.write_text(text.replace(body, prose), encoding="utf-8")
    heading = line_of(path, "## Mental Models")
    assert ("style/list-section", "warning", heading, 1, heading, 17) in found(cli, carpenter)


def test_workflow_as_bullets_is_info(cli, carpenter: Path) -> None:
    path = soul(carpenter)
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"^\d\. \*\*", "- **", text, flags=re.M), encoding="utf-8")
    heading = line_of(path, "## Workflow")
    assert ("style/numbered-list", "info", heading, 1, heading, 12) in found(cli, carpenter)


def test_bold_lead_ins_once_per_list_or_per_odd_item(cli, carpenter: Path) -> None:
    path = soul(carpenter)
    # One item of Guiding Principles without its lead-in: that item is reported.
    edit(path, "- **Wood moves; build for it.** Lumber", "- Wood moves; build for it. Lumber")
    # No item of Failure Modes with one: reported once, at the first item.
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("## Failure Modes\n", 1)
    body, tail = rest.split("\n## ", 1)
    path.write_text(
        head + "## Failure Modes\n" + body.replace("**", "") + "\n## " + tail, encoding="utf-8"
    )
    odd = line_of(path, "- Wood moves; build for it.")
    first = line_of(path, "- Out of square at the start.")
    lines = path.read_text(encoding="utf-8").split("\n")
    got = [f for f in found(cli, carpenter) if f[0] == "style/bold-lead-in"]
    # from the item's text to the end of its first line
    assert got == [
        ("style/bold-lead-in", "warning", odd, 3, odd, len(lines[odd - 1]) + 1),
        ("style/bold-lead-in", "warning", first, 3, first, len(lines[first - 1]) + 1),
    ]


def test_glossary_entries_need_bold_term_and_gloss(cli, carpenter: Path) -> None:
    path = soul(carpenter)
    edit(path, "- **Crown** — the natural", "- Crown — the natural")
    edit(
        path,
        "- **Scribe** — to trace an irregular surface onto a board so it fits tightly.",
        "- **Scribe**",
    )
    plain, bare = line_of(path, "- Crown — the"), line_of(path, "- **Scribe**")
    got = [f for f in found(cli, carpenter) if f[0] == "style/glossary-entry"]
    assert got == [
        (
            "style/glossary-entry",
            "warning",
            plain,
            3,
            plain,
            3 + len("Crown — the natural upward bow in a board; installed up."),
        ),
        ("style/glossary-entry", "warning", bare, 3, bare, 13),
    ]


def test_scenarios_counts_worked_cases(cli, carpenter: Path) -> None:
    path = soul(carpenter)
    heading = line_of(path, "## Scenarios")
    edit(
        path,
        "**A door that won't stay latched.**",
        "**A fourth case.** Short.\n\n**A door that won't stay latched.**",
    )
    assert ("style/scenario-count", "warning", heading, 1, heading, 13) in found(cli, carpenter)


def test_length_is_info_at_the_title(cli, carpenter: Path) -> None:
    path = soul(carpenter)
    edit(path, "## Collaboration\n", "## Collaboration\n\n" + "More words here. " * 100 + "\n")
    assert ("style/profile-length", "info", 1, 1, 1, 12) in found(cli, carpenter)


def test_federated_profile_keeps_its_own_shape(cli, tmp_path: Path, corpus_dir: Path) -> None:
    source = corpus_dir / "mirrored/souls-directory/thedaviddias-kuma"
    shutil.copytree(source, tmp_path / "thedaviddias-kuma")
    assert found(cli, tmp_path) == []


def test_thresholds_come_from_a_config_pack(cli, carpenter: Path) -> None:
    packs = carpenter / "packs"
    packs.mkdir()
    (packs / "house.yaml").write_text(
        "pack: house\nrules: []\nstructure:\n  scenarios: {section: Scenarios, min: 4, max: 5}\n",
        encoding="utf-8",
    )
    (carpenter / ".atlaslint.yaml").write_text("rule-packs: [packs]\n", encoding="utf-8")
    heading = line_of(soul(carpenter), "## Scenarios")
    assert ("style/scenario-count", "warning", heading, 1, heading, 13) in found(cli, carpenter)
