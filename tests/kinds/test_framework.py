"""Frameworks as a whole: the bundled example is complete and clean, the format marker
is told apart, the schema's ranges hold, and occupation.profile is cross-checked."""

from __future__ import annotations

import shutil

import pytest

from atlaslint.documents.framework import FrameworkView
from atlaslint.documents.source import read_source
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.kinds.framework import index_framework
from atlaslint.settings import Settings
from atlaslint.units import FRAMEWORK, Unit
from tests.checks.frameworks import EXAMPLE, broken, copy, position_of, span
from tests.conftest import EXAMPLES, REPO, edit, find


def _view() -> FrameworkView:
    return FrameworkView(load_yaml(read_source("example", EXAMPLE)))


def test_example_is_converted_completely():
    view = _view()
    parts = {part["id"]: part for part, _ in view.parts()}
    assert len(parts["occupational"]["statements"]) == 40
    assert len(parts["ai-at-work"]["statements"]) == 14
    domains = [len(d["statements"]) for d in parts["durable-skills"]["domains"]]
    assert domains == [10, 9, 8, 9, 8, 9, 8, 8, 8, 9]
    assert sum(domains) == 86
    assert len(view.declared("anchors")) == 8
    assert sum(1 for _ in view.statements()) == 140
    levels = [s.data["level"] for s in view.groups().__next__().statements]
    assert [levels.count(lv) for lv in view.level_ids()] == [10, 10, 10, 10]
    evidence = parts["ai-at-work"]["evidence"]
    assert evidence["aei"] == {
        "task_observations": 644,
        "augment_share": 64.4,
        "time_saved": 87.7,
        "autonomy": 3.11,
    }
    assert evidence["safi"]["score"] == 57.9
    assert evidence["wef"]["id"] == "technology_use_monitoring_control"


def test_check_examples_has_no_errors(cli):
    run = cli("check", "--format", "json", "examples/", cwd=REPO)
    assert run.json["summary"]["errors"] == 0
    assert run.exit_code == 0
    assert run.json["summary"]["files"] == 4  # framework, SOUL.md, metadata.yaml, record
    rules = {d["rule"] for d in run.diagnostics if d["severity"] != "info"}
    assert rules <= {"xref/unknown-slug"}  # the example profile's related slugs
    # info only: the real profile it copies runs 2,218 words, over the guide's 2,200
    infos = {d["rule"] for d in run.diagnostics if d["severity"] == "info"}
    assert infos <= {"style/profile-length"}


def test_example_framework_is_clean(cli):
    run = cli("check", "--format", "json", str(EXAMPLE.relative_to(REPO)), cwd=REPO)
    assert run.diagnostics == []
    assert run.exit_code == 0


def test_missing_format_marker_is_the_only_finding(tmp_path, cli):
    path = broken(tmp_path, "example", ("atlaslint: framework/1\n", ""))
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/required"
    assert span(diag) == position_of(path, "occupation:", "occupation")
    assert "missing format marker 'atlaslint: framework/1'" in diag["message"]
    assert run.exit_code == 1


@pytest.mark.parametrize("marker", ["framework/2", "'1'", "profile/1"])
def test_other_format_marker_is_the_only_finding(tmp_path, cli, marker):
    path = broken(tmp_path, "flow", ("atlaslint: framework/1", f"atlaslint: {marker}"))
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/const"
    assert span(diag) == (1, 12, 1, 12 + len(marker))
    assert diag["message"].endswith("this atlaslint reads 'framework/1'")
    assert run.exit_code == 1


def test_framework_that_is_not_a_mapping(tmp_path, cli):
    path = tmp_path / "x.framework.yaml"
    path.write_text("- just\n- a list\n", encoding="utf-8")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = run.diagnostics
    assert (diag["rule"], diag["line"], diag["column"]) == ("schema/type", 1, 1)
    assert run.exit_code == 1


@pytest.mark.parametrize(
    ("old", "new", "token"),
    [
        ("augment_share: 64.4", "augment_share: 164.4", "164.4"),
        ("autonomy: 3.11", "autonomy: 0.5", "0.5"),
        ("score: 57.9", "score: 101", "101"),
    ],
)
def test_evidence_ranges(tmp_path, cli, old, new, token):
    path = broken(tmp_path, "example", (old, new))
    run = cli("check", "--format", "json", "--select", "schema", path.name, cwd=tmp_path)
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/range"
    assert span(diag) == position_of(path, new, token)
    assert run.exit_code == 1


def test_part_with_statements_and_domains(tmp_path, cli):
    path = broken(
        tmp_path,
        "example",
        (
            "    name: Pathsmith Durable Skills Framework\n",
            "    name: Pathsmith Durable Skills Framework\n    statements: []\n",
        ),
    )
    run = cli("check", "--format", "json", "--ignore", "xref", path.name, cwd=tmp_path)
    assert {d["rule"] for d in run.diagnostics} == {"schema/shape", "schema/items"}
    assert run.exit_code == 1


def test_block_spans_stop_at_the_last_value_not_the_comment_after_it(tmp_path, cli):
    """A statement followed by a comment line: the statement's span ends on its own line."""
    path = broken(
        tmp_path,
        "block",
        ("        cites:\n          - onet\n", "        cites: []\n      # a comment\n"),
    )
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "citation/missing")
    assert span(diag) == (22, 16, 22, 18)


def test_framework_profile_must_exist(tmp_path, cli):
    path = copy(tmp_path, "example")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = run.diagnostics
    assert diag["rule"] == "xref/unknown-slug"
    assert diag["severity"] == "warning"
    assert diag["message"] == "profile 'customs-officer' does not exist in this atlas"
    assert span(diag) == position_of(path, "  profile: customs-officer", "customs-officer")
    assert run.exit_code == 0
    shutil.copytree(EXAMPLES / "profiles" / "customs-officer", tmp_path / "customs-officer")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    assert run.diagnostics == []


def test_index_framework_records_the_profile_reference():
    entry = index_framework(Unit(FRAMEWORK, "ex.framework.yaml", EXAMPLE), Settings())
    assert entry.kind == FRAMEWORK
    assert entry.profile_ref is not None
    assert entry.profile_ref.value == "customs-officer"
    assert entry.profile_ref.span.line == position_of(EXAMPLE, "  profile:", "customs")[0]


def test_yaml_suppression_comment_applies(tmp_path, cli):
    path = broken(
        tmp_path,
        "block",
        ("          - wef\n", "          - wff  # atlaslint: disable=citation/unresolved\n"),
    )
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    assert find(run.diagnostics, "citation/unresolved") == []
    edit(path, "  # atlaslint: disable=citation/unresolved", "")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    assert len(find(run.diagnostics, "citation/unresolved")) == 1


def test_framework_from_stdin(tmp_path, cli):
    text = (copy(tmp_path, "flow")).read_text(encoding="utf-8").replace("[wef]", "[wff]")
    run = cli(
        "check",
        "--format",
        "json",
        "--select",
        "citation",
        "-",
        "--stdin-filename",
        "flow.framework.yaml",
        cwd=tmp_path,
        input=text,
    )
    (diag,) = find(run.diagnostics, "citation/unresolved")
    assert (diag["path"], diag["line"], diag["column"]) == ("flow.framework.yaml", 6, 196)
    assert run.exit_code == 1
