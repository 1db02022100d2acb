"""citation/*: missing, unresolved and unused citations and duplicate ids, at the exact
span in block and flow YAML alike."""

from __future__ import annotations

import pytest

from tests.checks.frameworks import broken, copy, position_of, span
from tests.conftest import edit, find

# (fixture, edits, rule, span, severity)
CASES = [
    pytest.param(
        "block",
        [("        cites:\n          - wef\n", "        cites: []\n")],
        "citation/missing",
        (29, 16, 29, 18),
        "error",
        id="missing-empty-block",
    ),
    pytest.param(
        "flow",
        [("cites: [wef]", "cites: []")],
        "citation/missing",
        (6, 195, 6, 197),
        "error",
        id="missing-empty-flow",
    ),
    pytest.param(
        "block",
        [("        cites:\n          - wef\n", "")],
        "citation/missing",
        (26, 9, 28, 34),  # the whole statement: no `cites` to point at
        "error",
        id="missing-absent-block",
    ),
    pytest.param(
        "flow",
        [(", cites: [wef]}", "}")],
        "citation/missing",
        (6, 129, 6, 187),
        "error",
        id="missing-absent-flow",
    ),
    pytest.param(
        "block",
        [("          - wef\n", "          - wff\n")],
        "citation/unresolved",
        (30, 13, 30, 16),
        "error",
        id="unresolved-cite-block",
    ),
    pytest.param(
        "flow",
        [("cites: [wef]", "cites: [onet, wff]")],
        "citation/unresolved",
        (6, 202, 6, 205),
        "error",
        id="unresolved-cite-flow",
    ),
    pytest.param(
        "block",
        [("          - task-one", "          - task-two")],
        "citation/unresolved",
        (25, 13, 25, 21),
        "error",
        id="unresolved-anchor-block",
    ),
    pytest.param(
        "flow",
        [("anchors: [task-one]", "anchors: [task-two]")],
        "citation/unresolved",
        (6, 117, 6, 125),
        "error",
        id="unresolved-anchor-flow",
    ),
    pytest.param(
        "block",
        [("    source: onet", "    source: o-net")],
        "citation/unresolved",
        (34, 13, 34, 18),
        "error",
        id="unresolved-anchor-source-block",
    ),
    pytest.param(
        "flow",
        [("source: onet}", "source: o-net}")],
        "citation/unresolved",
        (7, 60, 7, 65),
        "error",
        id="unresolved-anchor-source-flow",
    ),
    pytest.param(
        "block",
        [("          - wef\n", "          - onet\n")],
        "citation/unused-source",
        (13, 9, 13, 12),
        "warning",
        id="unused-source-block",
    ),
    pytest.param(
        "flow",
        [("cites: [wef]", "cites: [onet]")],
        "citation/unused-source",
        (4, 48, 4, 51),
        "warning",
        id="unused-source-flow",
    ),
    pytest.param(
        "block",
        [("  - id: wef\n", "  - id: onet\n"), ("          - wef\n", "          - onet\n")],
        "citation/duplicate-id",
        (13, 9, 13, 13),
        "error",
        id="duplicate-source-block",
    ),
    pytest.param(
        "flow",
        [("{id: wef,", "{id: onet,"), ("cites: [wef]", "cites: [onet]")],
        "citation/duplicate-id",
        (4, 48, 4, 52),
        "error",
        id="duplicate-source-flow",
    ),
    pytest.param(
        "block",
        [("  - id: expert\n", "  - id: basic\n")],
        "citation/duplicate-id",
        (8, 9, 8, 14),
        "error",
        id="duplicate-level-block",
    ),
    pytest.param(
        "flow",
        [("{id: expert,", "{id: basic,")],
        "citation/duplicate-id",
        (3, 41, 3, 46),
        "error",
        id="duplicate-level-flow",
    ),
]


@pytest.mark.parametrize(("fixture", "edits", "rule", "where", "severity"), CASES)
def test_rule_at_exact_span(tmp_path, cli, fixture, edits, rule, where, severity):
    path = broken(tmp_path, fixture, *edits)
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, rule)
    assert span(diag) == where
    assert diag["severity"] == severity
    assert diag["path"] == path.name
    assert run.exit_code == (1 if severity == "error" else 0)


def test_missing_message_names_the_statement(tmp_path, cli):
    path = broken(tmp_path, "block", ("        cites:\n          - wef\n", "        cites: []\n"))
    (diag,) = find(cli("check", "--format", "json", str(path)).diagnostics, "citation/missing")
    assert "'Topic B' cites no source" in diag["message"]


def test_unresolved_suggests_the_declared_id(tmp_path, cli):
    path = broken(tmp_path, "block", ("          - wef\n", "          - wff\n"))
    (diag,) = find(cli("check", "--format", "json", str(path)).diagnostics, "citation/unresolved")
    assert diag["message"] == "source 'wff' is not declared in `sources`; did you mean 'wef'?"
    assert diag["suggestion"] == "wef"


def test_a_source_used_only_by_an_anchor_is_used(tmp_path, cli):
    # onet is cited by statement A and by the anchor; drop statement A's citation of it
    path = broken(tmp_path, "block", ("          - onet\n", "          - wef\n"))
    run = cli("check", "--format", "json", str(path))
    assert find(run.diagnostics, "citation/unused-source") == []


@pytest.mark.parametrize(
    ("line_text", "new", "kind"),
    [
        ("  - id: examine-documents", "  - id: detain-violators", "anchor"),
        ("  - id: ai-at-work", "  - id: occupational", "part"),
        ("      - id: leadership", "      - id: communication", "domain"),
    ],
)
def test_duplicate_ids_in_the_example(tmp_path, cli, line_text, new, kind):
    path = copy(tmp_path, "example")
    edit(path, line_text + "\n", new + "\n")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "citation/duplicate-id")
    ident = new.split("id: ")[1]
    assert span(diag) == position_of(path, new, ident, nth=2)
    assert diag["message"].startswith(f"{kind} id '{ident}' is declared twice (first at line ")
    assert run.exit_code == 1


def test_example_statement_without_citation(tmp_path, cli):
    path = copy(tmp_path, "example")
    line = "        cites: [aei, safi]"
    edit(path, line, "        cites: []")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "citation/missing")
    assert span(diag) == position_of(path, "        cites: []", "[]")
    assert "'Cargo manifest analysis'" in diag["message"]
    assert run.exit_code == 1


def test_example_unresolved_cite_in_flow_list(tmp_path, cli):
    path = copy(tmp_path, "example")
    edit(path, "        cites: [aei, safi]", "        cites: [aei, safi2]")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "citation/unresolved")
    assert span(diag) == position_of(path, "cites: [aei, safi2]", "safi2")
    assert diag["suggestion"] == "safi"


def test_lerme_is_unused_without_its_suppression(tmp_path, cli):
    path = copy(tmp_path, "example")
    edit(path, "  - id: lerme  # atlaslint: disable=citation/unused-source", "  - id: lerme")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "citation/unused-source")
    assert span(diag) == position_of(path, "  - id: lerme", "lerme")
    assert run.exit_code == 0
    assert run.json["summary"]["errors"] == 0


def test_no_registry_is_one_schema_error_not_one_per_citation(tmp_path, cli):
    path = broken(
        tmp_path,
        "block",
        (
            "sources:\n  - id: onet\n    title: O*NET v30.2\n"
            "  - id: wef\n    title: WEF Skills Taxonomy 2021\n",
            "",
        ),
    )
    run = cli("check", "--format", "json", "--ignore", "xref", path.name, cwd=tmp_path)
    assert [d["rule"] for d in run.diagnostics] == ["schema/required"]
    assert "missing required field 'sources'" in run.diagnostics[0]["message"]
