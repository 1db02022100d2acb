"""Suppression comments: Markdown ranges and next-line, YAML line comments, by id or
family, for every rule on the file; unknown rules in a suppression are reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import edit, find

SELECT = ("--select", "bias,style,structure,syntax,xref")


def where(path: Path, line_text: str, token: str) -> tuple[int, int, int, int]:
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line_text in line:
            column = line.index(token, line.index(line_text)) + 1
            return number, column, number, column + len(token)
    raise AssertionError(f"{line_text!r} not in {path}")


def span(diag: dict) -> tuple[int, int, int, int]:
    return diag["line"], diag["column"], diag["end_line"], diag["end_column"]


@pytest.fixture
def carpenter(atlas) -> Path:
    return atlas("carpenter")


def run(cli, root: Path) -> list[dict]:
    result = cli("check", ".", "--format", "json", *SELECT, cwd=root)
    assert result.exit_code in (0, 1), result.stderr
    return [d for d in result.diagnostics if d["rule"] != "xref/unknown-slug"]


def rules(diags: list[dict]) -> list[str]:
    return sorted(d["rule"] for d in diags)


def test_next_line_by_id_and_by_family(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(
        soul,
        "Carpenters frame the shell",
        "<!-- atlaslint-disable-next-line bias/gendered-title -->\n"
        "The foreman: carpenters frame the shell",
    )
    edit(
        soul,
        "- **Cut to the line, not over it.**",
        "<!-- atlaslint-disable-next-line bias -->\n- **Cut to the line, as the elderly do.**",
    )
    # a different rule on the suppressed line is still reported
    edit(soul, "spans the rough framer", "spans the rough fireman framer")
    edit(
        soul,
        "spans the rough fireman framer",
        "spans the rough fireman framer <!-- atlaslint-disable-next-line style -->",
    )
    assert [(d["rule"], span(d)) for d in run(cli, carpenter) if d["severity"] != "info"] == [
        ("bias/gendered-title", where(soul, "rough fireman", "fireman"))
    ]


def test_disable_enable_range_and_disable_all(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(
        soul,
        "## Guiding Principles\n",
        "<!-- atlaslint-disable bias/age -->\n## Guiding Principles\n",
    )
    edit(soul, "- **Cut to the line, not over it.**", "- **Cut to the line, as the elderly do.**")
    edit(soul, "## Mental Models\n", "<!-- atlaslint-enable bias/age -->\n## Mental Models\n")
    edit(soul, "A triangle is the only", "The elderly triangle is the only")
    diags = run(cli, carpenter)
    assert [(d["rule"], span(d)) for d in find(diags, "bias/age")] == [
        ("bias/age", where(soul, "The elderly triangle", "The elderly"))
    ]
    # no rule named: everything, to the end of the file (the Tools info included)
    edit(
        soul,
        "## Primary Responsibilities\n",
        "<!-- atlaslint-disable -->\n## Primary Responsibilities\n",
    )
    assert run(cli, carpenter) == []


def test_suppression_covers_structure_rules_on_headings(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(soul, "## Tools\n", "## Toolbox\n")
    assert "structure/unknown-section" in rules(run(cli, carpenter))
    edit(soul, "## Toolbox\n", "<!-- atlaslint-disable-next-line structure -->\n## Toolbox\n")
    assert "structure/unknown-section" not in rules(run(cli, carpenter))


def test_comment_in_code_is_not_a_suppression(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(
        soul,
        "Carpenters frame the shell",
        "`<!-- atlaslint-disable-next-line bias -->`\nThe foreman: carpenters frame the shell",
    )
    assert rules(run(cli, carpenter)) == ["bias/gendered-title", "style/list-section"]


def test_unknown_rule_in_markdown_suppression_is_reported(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(
        soul,
        "Carpenters frame the shell",
        "<!-- atlaslint-disable-next-line bias/gendered-titel, style -->\n"
        "Carpenters frame the shell",
    )
    edit(soul, "## Tools\n", "<!-- atlaslint-disabel bias -->\n## Tools\n")
    diags = find(run(cli, carpenter), "syntax/unknown-suppression")
    assert [(span(d), d["severity"]) for d in diags] == [
        (where(soul, "<!-- atlaslint-disabel", "disabel"), "warning"),
        (where(soul, "next-line bias/gendered-titel", "bias/gendered-titel"), "warning"),
    ]
    assert "'bias/gendered-titel'" in diags[1]["message"]


def test_yaml_suppression_by_family_and_unknown_rule(cli, carpenter: Path) -> None:
    meta = carpenter / "carpenter/metadata.yaml"
    edit(meta, "summary: 'Turns moving", "summary: 'The foreman turns moving")
    assert rules(run(cli, carpenter)) == ["bias/gendered-title", "style/list-section"]
    text = meta.read_text(encoding="utf-8")
    line = next(x for x in text.split("\n") if x.startswith("summary:"))
    meta.write_text(text.replace(line, line + "  # atlaslint: disable=bias, xref/nope"), "utf-8")
    diags = run(cli, carpenter)
    assert [(d["rule"], span(d)) for d in diags if d["severity"] != "info"] == [
        ("syntax/unknown-suppression", where(meta, "disable=bias, xref/nope", "xref/nope"))
    ]


def test_yaml_suppression_silences_cross_file_rules(cli, carpenter: Path) -> None:
    meta = carpenter / "carpenter/metadata.yaml"
    before = cli("check", ".", "--format", "json", "--select", "xref", cwd=carpenter).diagnostics
    assert [d["line"] for d in before] == [24, 29, 34, 39, 44]  # related slugs not in this atlas
    edit(
        meta, "slug: 'electrician',", "slug: 'electrician', # atlaslint: disable=xref/unknown-slug"
    )
    after = cli("check", ".", "--format", "json", "--select", "xref", cwd=carpenter).diagnostics
    assert [d["line"] for d in after] == [29, 34, 39, 44]
