"""The command line as users meet it: formats, selection, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import EXAMPLES, edit


def test_text_output_shows_location_source_line_and_caret(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "category: 'Skilled Trades'", "category: Goverment")
    run = cli("check", "atlas", "--ignore", "xref/unknown-slug,bias,style", cwd=root.parent)
    assert run.exit_code == 1
    lines = run.stdout.splitlines()
    assert lines[0].startswith(
        "atlas/carpenter/metadata.yaml:7:11: error schema/enum category 'Goverment' is not one of"
    )
    assert lines[1:4] == ["  |", "7 | category: Goverment", "  |           ^^^^^^^^^"]
    assert lines[-1] == "Found 1 error(s), 0 warning(s), 0 info in 2 files."


def test_json_contract(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "slug: 'carpenter'", "slug: 'x'")
    run = cli(
        "check",
        "atlas",
        "--format",
        "json",
        "--ignore",
        "xref/unknown-slug,bias,style",
        cwd=root.parent,
    )
    data = json.loads(run.stdout)
    assert data["version"] == 1
    assert data["summary"] == {"files": 2, "errors": 1, "warnings": 0, "info": 0}
    (diag,) = data["diagnostics"]
    assert diag == {
        "path": "atlas/carpenter/metadata.yaml",
        "line": 2,
        "column": 7,
        "end_line": 2,
        "end_column": 10,
        "rule": "xref/slug-mismatch",
        "severity": "error",
        "message": "slug 'x' differs from the folder name 'carpenter'",
        "suggestion": "carpenter",
    }


def test_clean_profile_exits_zero(atlas, cli):
    root = atlas("carpenter")
    run = cli("check", str(root), "--select", "schema,structure")
    assert run.exit_code == 0
    assert run.stdout.strip().endswith("All checks passed (2 files).")


def test_ignore_by_family_and_select_by_id(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "slug: 'carpenter'", "slug: 'x'")
    assert cli("check", str(root), "--ignore", "xref").exit_code == 0
    run = cli(
        "check", str(root), "--format", "json", "--select", "xref", "--ignore", "xref/unknown-slug"
    )
    assert {d["rule"] for d in run.diagnostics} == {"xref/slug-mismatch"}


def test_fail_on_warning(atlas, cli):
    root = atlas("carpenter")
    assert cli("check", str(root)).exit_code == 0  # unknown related slugs are warnings
    assert cli("check", str(root), "--fail-on", "warning").exit_code == 1


def test_unknown_selector_is_a_usage_error(cli, tmp_path):
    run = cli("check", str(tmp_path), "--select", "nosuch/rule")
    assert run.exit_code == 2
    assert "unknown rule or family 'nosuch/rule'" in run.stderr


def test_missing_path_exits_two_with_one_line(cli, tmp_path):
    run = cli("check", str(tmp_path / "nope"))
    assert run.exit_code == 2
    assert run.stderr.count("\n") == 1 and "no such file or directory" in run.stderr
    assert "Traceback" not in run.stderr


def test_profile_missing_metadata(atlas, cli):
    root = atlas("carpenter")
    (root / "carpenter/metadata.yaml").unlink()
    run = cli("check", str(root), "--format", "json", "--select", "syntax")
    (diag,) = run.diagnostics
    assert diag["rule"] == "syntax/missing-file"
    assert diag["path"].endswith("carpenter/SOUL.md")
    assert run.exit_code == 1


def test_broken_metadata_does_not_lose_other_findings(atlas, cli):
    root = atlas("carpenter", "barista")
    (root / "carpenter/metadata.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    edit(root / "barista/SOUL.md", "## Tools\n", "## Toolz\n")
    run = cli("check", str(root), "--format", "json")
    rules = {(d["path"].split("/")[-2], d["rule"]) for d in run.diagnostics}
    assert ("carpenter", "syntax/yaml") in rules
    assert ("barista", "structure/unknown-section") in rules


def test_examples_lint_without_errors(cli):
    run = cli("check", str(EXAMPLES), "--format", "json")
    assert run.json["summary"]["errors"] == 0, run.stdout[:3000]
    assert run.exit_code == 0


def test_rules_and_explain(cli):
    run = cli("rules", "--format", "json")
    ids = {r["id"] for r in json.loads(run.stdout)}
    assert {"schema/enum", "structure/missing-section", "xref/unknown-slug"} <= ids
    explained = cli("explain", "structure/missing-section")
    assert explained.exit_code == 0 and "Why:" in explained.stdout
    assert cli("explain", "nope/nope").exit_code == 2


def run_entry(prelude: str, root: Path) -> subprocess.CompletedProcess:
    """``atlaslint check --no-cache -q root`` through the installed command's function,
    in a fresh interpreter that first runs ``prelude`` (hooks that report on stderr)."""
    code = (
        f"{prelude}"
        "from atlaslint.cli import entry\n"
        f"sys.argv = ['atlaslint', 'check', '--no-cache', '-q', {str(root)!r}]\n"
        "entry()\n"
    )
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)


def test_the_command_exits_with_mains_code_and_skips_the_last_collection(atlas) -> None:
    """The installed command is ``entry``: ``main``'s exit code, with everything the run
    left frozen before the interpreter's final garbage collection (which would walk
    it all to free nothing)."""
    from importlib.metadata import entry_points

    (script,) = [ep for ep in entry_points(group="console_scripts") if ep.name == "atlaslint"]
    assert script.value == "atlaslint.cli:entry"
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "slug: 'carpenter'", "slug: 'x'")  # an error
    run = run_entry(
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 1000, file=sys.stderr))\n",
        root,
    )
    assert run.returncode == 1, run.stderr
    assert "xref/slug-mismatch" in run.stdout
    assert run.stderr.splitlines()[-1] == "frozen True"


def test_the_command_starts_without_the_collector_and_a_run_turns_it_on(atlas) -> None:
    """Starting up (imports, settings) runs with the garbage collector off; a check
    runs with it on, at the run's threshold, and a library caller's setting is
    restored afterwards."""
    import gc

    from atlaslint import engine

    run = run_entry(
        "import gc, sys\n"
        "import atlaslint.engine as engine\n"
        "real = engine.few_collections\n"
        "def spy():\n"
        "    print('starting', gc.isenabled(), file=sys.stderr)\n"
        "    return real()\n"
        "engine.few_collections = spy\n"
        "real_run = engine.run_units\n"
        "engine.run_units = lambda *a, **k: print('checking', gc.isenabled(), file=sys.stderr)"
        " or real_run(*a, **k)\n",
        atlas("carpenter"),
    )
    assert run.returncode == 0, run.stderr
    assert [
        line for line in run.stderr.splitlines() if line.startswith(("starting", "checking"))
    ] == ["starting False", "checking True"]
    gc.disable()
    try:
        with engine.few_collections():
            assert gc.isenabled() and gc.get_threshold()[0] == engine.COLLECT_EVERY
        assert not gc.isenabled()
    finally:
        gc.enable()
