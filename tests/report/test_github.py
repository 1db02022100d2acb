"""--format github: workflow commands GitHub turns into annotations on the diff."""

from __future__ import annotations

from pathlib import Path

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.positions import Span
from atlaslint.report.github import command, escape_data, escape_property
from tests.conftest import edit
from tests.example_atlas import add_config, make_atlas


def test_errors_and_warnings_as_workflow_commands(cli, tmp_path: Path) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    edit(atlas / "customs-officer/metadata.yaml", "category: Government", "category: Goverment")
    edit(atlas / "customs-officer/metadata.yaml", "related: []", "related: [{slug: joiner}]")
    run = cli("check", ".", "--format", "github", cwd=atlas)
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(
        "::error file=customs-officer/metadata.yaml,line=7,col=11,endLine=7,endColumn=20,"
        "title=schema/enum::category 'Goverment' is not one of: Technology, Healthcare"
    )
    assert lines[0].endswith("(suggestion: Government)")
    assert lines[1] == (
        "::warning file=customs-officer/metadata.yaml,line=22,col=18,endLine=22,endColumn=24,"
        "title=xref/unknown-slug::related profile 'joiner' does not exist in this atlas"
    )
    assert len(lines) == 2


def test_info_is_a_notice_and_clean_runs_print_nothing(cli, tmp_path: Path) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    run = cli("check", ".", "--format", "github", cwd=atlas)
    assert (run.exit_code, run.stdout) == (0, "")
    add_config(atlas, 'severity: {"schema/enum": info}\n')
    edit(atlas / "customs-officer/metadata.yaml", "category: Government", "category: Goverment")
    run = cli("check", ".", "--format", "github", cwd=atlas)
    assert run.stdout.startswith("::notice file=customs-officer/metadata.yaml,line=7,col=11,")


def test_escaping_follows_the_runner_rules() -> None:
    assert escape_data("100% done\r\nnext: a, b") == "100%25 done%0D%0Anext: a, b"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    diag = Diagnostic(
        "dir,with:odd/SOUL.md",
        Span(3, 2, 3, 5),
        "style/x",
        Severity.WARNING,
        "line one\nline two: 50%",
    )
    assert command(diag) == (
        "::warning file=dir%2Cwith%3Aodd/SOUL.md,line=3,col=2,endLine=3,endColumn=5,"
        "title=style/x::line one%0Aline two: 50%25"
    )


def test_a_multi_line_span_gives_lines_only() -> None:
    """GitHub accepts columns only on single-line annotations."""
    diag = Diagnostic("a/SOUL.md", Span(3, 2, 5, 1), "x/y", Severity.ERROR, "m")
    assert command(diag) == "::error file=a/SOUL.md,line=3,endLine=5,title=x/y::m"
