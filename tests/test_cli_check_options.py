"""One behavioural test (at least) for every option of ``atlaslint check``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, edit, find
from tests.example_atlas import FAMILIES, add_config, make_atlas

META = "customs-officer/metadata.yaml"
SOUL = "customs-officer/SOUL.md"
ENUM_LINE = "customs-officer/metadata.yaml:7:11: error schema/enum category 'Goverment' is not one"


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """An atlas with one error (schema/enum) and one warning (xref/unknown-slug)."""
    atlas = make_atlas(tmp_path / "atlas")
    edit(atlas / META, "category: Government", "category: Goverment")
    edit(atlas / META, "related: []", "related: [{slug: joiner}]")
    return atlas


def rules_of(run) -> list[str]:
    return [d["rule"] for d in run.diagnostics]


def test_paths_default_to_the_current_folder(cli, broken: Path) -> None:
    run = cli("check", "--format", "json", cwd=broken)
    assert run.exit_code == 1
    assert {d["path"] for d in run.diagnostics} == {META}
    assert run.json["summary"]["files"] == 2


def test_naming_one_file_checks_its_profile_with_paths_as_given(cli, broken: Path) -> None:
    run = cli("check", "./customs-officer/SOUL.md", "--format", "json", cwd=broken)
    assert {d["path"] for d in run.diagnostics} == {"./customs-officer/metadata.yaml"}
    missing = cli("check", "nowhere/SOUL.md", cwd=broken)
    assert missing.exit_code == 2
    assert missing.stderr == "atlaslint: nowhere/SOUL.md: no such file or directory\n"


def test_format_text_shows_the_line_and_a_caret(cli, broken: Path) -> None:
    run = cli("check", "--format", "text", cwd=broken)
    lines = run.stdout.splitlines()
    assert lines[0].startswith(ENUM_LINE)
    assert lines[1:4] == [
        "  |",
        "7 | category: Goverment",
        "  |           ^^^^^^^^^",
    ]
    assert lines[-1] == "Found 1 error(s), 1 warning(s), 0 info in 2 files."


def test_format_json_is_the_machine_contract(cli, broken: Path) -> None:
    run = cli("check", "--format", "json", cwd=broken)
    assert run.json["version"] == 1
    assert run.json["summary"] == {"files": 2, "errors": 1, "warnings": 1, "info": 0}
    first = run.diagnostics[0]
    assert {k: first[k] for k in ("path", "line", "column", "end_line", "end_column")} == {
        "path": META,
        "line": 7,
        "column": 11,
        "end_line": 7,
        "end_column": 20,
    }
    assert first["suggestion"] == "Government"


@pytest.mark.parametrize(
    ("fmt", "start"),
    [
        ("sarif", '{\n  "$schema": "https://json.schemastore.org/sarif-2.1.0.json"'),
        ("github", f"::error file={META},line=7,col=11,"),
        ("junit", '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="atlaslint"'),
    ],
)
def test_format_ci_formats(cli, broken: Path, fmt: str, start: str) -> None:
    run = cli("check", "--format", fmt, cwd=broken)
    assert run.exit_code == 1
    assert run.stdout.startswith(start)


def test_select_runs_only_the_named_rules_or_families(cli, broken: Path) -> None:
    assert rules_of(cli("check", "--format", "json", "--select", "xref", cwd=broken)) == [
        "xref/unknown-slug"
    ]
    both = cli("check", "--format", "json", "--select", "schema/enum,xref/unknown-slug", cwd=broken)
    assert rules_of(both) == ["schema/enum", "xref/unknown-slug"]
    unknown = cli("check", "--select", "xrefs", cwd=broken)
    assert unknown.exit_code == 2
    assert "unknown rule or family 'xrefs'" in unknown.stderr


def test_ignore_drops_rules_or_families(cli, broken: Path) -> None:
    run = cli("check", "--format", "json", "--ignore", "schema", cwd=broken)
    assert (run.exit_code, rules_of(run)) == (0, ["xref/unknown-slug"])
    run = cli(
        "check", "--format", "json", "--ignore", "schema/enum", "--ignore", "xref", cwd=broken
    )
    assert (run.exit_code, rules_of(run)) == (0, [])


def test_fail_on_sets_the_exit_code_threshold(cli, broken: Path) -> None:
    warning_only = ["--ignore", "schema"]
    assert cli("check", *warning_only, cwd=broken).exit_code == 0
    assert cli("check", *warning_only, "--fail-on", "warning", cwd=broken).exit_code == 1
    assert cli("check", *warning_only, "--fail-on", "error", cwd=broken).exit_code == 0


def test_config_uses_the_given_file_instead_of_the_discovered_one(
    cli, broken: Path, tmp_path: Path
) -> None:
    add_config(broken, "ignore: [xref]\n")
    other = tmp_path / "elsewhere.yaml"
    other.write_text(FAMILIES + "ignore: [schema]\n", encoding="utf-8")
    assert rules_of(cli("check", "--format", "json", cwd=broken)) == ["schema/enum"]
    run = cli("check", "--format", "json", "--config", str(other), cwd=broken)
    assert rules_of(run) == ["xref/unknown-slug"]
    missing = cli("check", "--config", "nope.yaml", cwd=broken)
    assert (missing.exit_code, missing.stderr) == (
        2,
        "atlaslint: nope.yaml: config file not found\n",
    )


def test_statistics_counts_per_rule(cli, broken: Path) -> None:
    edit(broken / META, "status: draft", "status: drafty")
    run = cli("check", "--statistics", cwd=broken)
    assert run.exit_code == 1
    assert run.stdout == "2  schema/enum  (error)\n1  xref/unknown-slug  (warning)\n"
    as_json = cli("check", "--statistics", "--format", "json", cwd=broken)
    assert as_json.json == [
        {"rule": "schema/enum", "severity": "error", "count": 2},
        {"rule": "xref/unknown-slug", "severity": "warning", "count": 1},
    ]
    clean = cli("check", "--statistics", "--select", "structure", cwd=broken)
    assert (clean.exit_code, clean.stdout) == (0, "No findings.\n")


def test_quiet_prints_findings_only(cli, broken: Path) -> None:
    run = cli("check", "-q", cwd=broken)
    lines = run.stdout.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(ENUM_LINE)
    assert lines[1].startswith(f"{META}:22:18: warning xref/unknown-slug")
    assert cli("check", "--quiet", "--select", "structure", cwd=broken).stdout == ""


def test_stdin_filename_checks_the_buffer_not_the_file_on_disk(cli, broken: Path) -> None:
    buffer = (
        (broken / SOUL).read_text(encoding="utf-8").replace("## Core Mission", "## Core Mision", 1)
    )
    run = cli("check", "-", "--stdin-filename", SOUL, "--format", "json", input=buffer, cwd=broken)
    assert run.exit_code == 1
    # Only the buffer's findings: the broken metadata.yaml on disk is not reported.
    assert {d["path"] for d in run.diagnostics} == {SOUL}
    unknown = find(run.diagnostics, "structure/unknown-section")[0]
    assert (unknown["line"], unknown["column"], unknown["end_column"]) == (16, 1, 15)
    assert run.json["summary"]["files"] == 1
    # The text report shows the buffer's line, not the file's.
    text = cli("check", "-", "--stdin-filename", SOUL, input=buffer, cwd=broken)
    assert "16 | ## Core Mision" in text.stdout


def test_stdin_metadata_still_sees_the_atlas(cli, broken: Path) -> None:
    """Cross-file rules know the other profiles under the project root (here: the
    folder of the config file) when the buffer is metadata.yaml."""
    make_atlas(broken, "border-agent")
    buffer = (broken / META).read_text(encoding="utf-8").replace("joiner", "border-agent")
    run = cli("check", "-", "--stdin-filename", META, "--format", "json", input=buffer, cwd=broken)
    assert rules_of(run) == ["schema/enum"]
    buffer = buffer.replace("category: Goverment", "category: Government")
    clean = cli("check", "-", "--stdin-filename", META, input=buffer, cwd=broken)
    assert (clean.exit_code, clean.stdout) == (0, "All checks passed (1 file).\n")


def test_stdin_bytes_are_checked_as_bytes(cli, broken: Path) -> None:
    data = (broken / SOUL).read_bytes().replace(b"Core Mission", b"Core Mis\xe9ion", 1)
    run = cli("check", "-", "--stdin-filename", SOUL, "--format", "json", input=data, cwd=broken)
    (diag,) = run.diagnostics
    assert (diag["rule"], diag["line"], diag["column"]) == ("syntax/encoding", 16, 12)


def test_stdin_needs_a_filename_and_stands_alone(cli, broken: Path) -> None:
    run = cli("check", "-", input="x", cwd=broken)
    assert (run.exit_code, run.stderr) == (
        2,
        "atlaslint: reading from stdin ('-') needs --stdin-filename PATH\n",
    )
    run = cli("check", "-", "customs-officer", "--stdin-filename", SOUL, input="x", cwd=broken)
    assert run.exit_code == 2
    run = cli("check", "customs-officer", "--stdin-filename", SOUL, input="x", cwd=broken)
    assert (run.exit_code, run.stderr) == (
        2,
        "atlaslint: --stdin-filename reads stdin: give '-' as the only path\n",
    )
    # With no path at all, --stdin-filename reads stdin (as ruff does).
    run = cli("check", "--stdin-filename", SOUL, "--format", "json", input="# T\n", cwd=broken)
    assert {d["path"] for d in run.diagnostics} == {SOUL}
    other = cli("check", "-", "--stdin-filename", "notes.txt", input="hello", cwd=broken)
    assert other.exit_code == 0
    assert other.stderr == "atlaslint: notes.txt: not a profile, framework or record; skipped\n"


def test_output_file_receives_the_report(cli, broken: Path) -> None:
    run = cli("check", "--format", "json", "--output-file", "out/report.json", cwd=broken)
    assert (run.exit_code, run.stdout) == (1, "")
    report = json.loads((broken / "out/report.json").read_text(encoding="utf-8"))
    assert [d["rule"] for d in report["diagnostics"]] == ["schema/enum", "xref/unknown-slug"]
    run = cli("check", "-o", "report.txt", cwd=broken)
    text = (broken / "report.txt").read_text(encoding="utf-8")
    assert text.startswith(ENUM_LINE)
    assert "\x1b[" not in text
    (broken / "blocked").write_text("a file, not a folder", encoding="utf-8")
    failed = cli("check", "-o", "blocked/report.txt", cwd=broken)
    assert failed.exit_code == 2
    assert failed.stderr.startswith("atlaslint: blocked/report.txt: cannot write the report")


def test_force_exclude_applies_exclude_to_named_files(cli, broken: Path) -> None:
    drafts = broken / "drafts"
    drafts.mkdir()
    (broken / "customs-officer").rename(drafts / "customs-officer")
    add_config(broken, 'exclude: ["drafts/**"]\n')
    named = "drafts/customs-officer/metadata.yaml"
    assert cli("check", cwd=broken).exit_code == 0  # walking skips drafts/
    assert cli("check", named, cwd=broken).exit_code == 1  # naming it checks it
    run = cli("check", named, "--force-exclude", cwd=broken)
    assert (run.exit_code, run.stdout) == (0, "All checks passed (0 files).\n")
    stdin = cli(
        "check", "-", "--stdin-filename", named, "--force-exclude", input="x: [", cwd=broken
    )
    assert (stdin.exit_code, stdin.stdout) == (0, "All checks passed (0 files).\n")
    (broken / ".atlaslint.yaml").write_text(
        'exclude: ["drafts/"]\nforce-exclude: true\n', encoding="utf-8"
    )
    assert cli("check", named, cwd=broken).exit_code == 0


def test_help_lists_every_option(cli) -> None:
    run = cli("check", "--help", cwd=REPO)
    assert run.exit_code == 0
    for option in _check_options():
        assert option in run.stdout
    assert cli("check", "-h", cwd=REPO).stdout == run.stdout


def _check_options() -> list[str]:
    from atlaslint.cli import check

    return [
        name
        for param in check.params
        for name in param.opts
        if name.startswith("--") and name != "--help"
    ]


def test_every_check_option_has_a_behavioural_test() -> None:
    """Each option of ``atlaslint check`` is passed, as a literal, by some test (the
    option names above are read from click, so they do not count)."""
    texts = [path.read_text(encoding="utf-8") for path in (REPO / "tests").rglob("test_*.py")]
    untested = [o for o in _check_options() if not any(f'"{o}"' in t for t in texts)]
    assert untested == []
