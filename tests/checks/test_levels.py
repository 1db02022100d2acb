"""level/*: unknown levels, coverage per part and domain (threshold from config or the
framework), and level order; exact spans in block and flow YAML; 2 to 7 levels."""

from __future__ import annotations

import pytest

from tests.checks.frameworks import broken, copy, position_of, span
from tests.conftest import edit, find

CASES = [
    pytest.param(
        "block",
        [("      - level: expert", "      - level: expart")],
        "level/unknown",
        (26, 16, 26, 22),
        "error",
        id="unknown-block",
    ),
    pytest.param(
        "flow",
        [("{level: expert,", "{level: expart,")],
        "level/unknown",
        (6, 137, 6, 143),
        "error",
        id="unknown-flow",
    ),
    pytest.param(
        "block",
        [("      - level: expert", "      - level: basic")],
        "level/coverage",
        (16, 9, 16, 13),
        "error",
        id="coverage-block",
    ),
    pytest.param(
        "flow",
        [("{level: expert,", "{level: basic,")],
        "level/coverage",
        (6, 10, 6, 14),
        "error",
        id="coverage-flow",
    ),
    pytest.param(
        "block",
        [
            ("      - level: basic", "      - level: expert"),
            ("level: expert\n        topic: Topic B", "level: basic\n        topic: Topic B"),
        ],
        "level/order",
        (19, 16, 19, 22),
        "warning",
        id="order-block",
    ),
    pytest.param(
        "flow",
        [
            ("{level: basic,", "{level: expert,"),
            ("{level: expert, topic: Topic B", "{level: basic, topic: Topic B"),
        ],
        "level/order",
        (6, 49, 6, 55),
        "warning",
        id="order-flow",
    ),
]


@pytest.mark.parametrize(("fixture", "edits", "rule", "where", "severity"), CASES)
def test_rule_at_exact_span(tmp_path, cli, fixture, edits, rule, where, severity):
    path = broken(tmp_path, fixture, *edits)
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, rule)
    assert span(diag) == where
    assert diag["severity"] == severity
    assert run.exit_code == (1 if severity == "error" else 0)


def test_unknown_level_names_the_declared_ones(tmp_path, cli):
    path = broken(tmp_path, "block", ("      - level: expert", "      - level: expart"))
    (diag,) = find(cli("check", "--format", "json", str(path)).diagnostics, "level/unknown")
    assert diag["message"] == (
        "level 'expart' is not declared in `levels` (basic, expert); did you mean 'expert'?"
    )
    assert diag["suggestion"] == "expert"


def test_coverage_names_the_missing_level(tmp_path, cli):
    path = broken(tmp_path, "block", ("      - level: expert", "      - level: basic"))
    (diag,) = find(cli("check", "--format", "json", str(path)).diagnostics, "level/coverage")
    assert diag["message"] == "part 'core' has no statement at level 'expert'"


def test_order_names_the_statement_it_is_out_of_order_with(tmp_path, cli):
    path = broken(
        tmp_path,
        "block",
        ("      - level: basic", "      - level: expert"),
        ("level: expert\n        topic: Topic B", "level: basic\n        topic: Topic B"),
    )
    (diag,) = find(cli("check", "--format", "json", str(path)).diagnostics, "level/order")
    assert diag["message"].startswith(
        "statement at level 'expert' comes before a 'basic' statement (line 26)"
    )


def test_order_flags_only_the_statement_that_moved(tmp_path, cli):
    """A leading statement pasted among the developing ones: one warning, not ten."""
    path = copy(tmp_path, "example")
    first_developing = "      - level: developing\n        topic: Immigration visas"
    edit(path, first_developing, first_developing.replace("developing", "leading"))
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "level/order")
    assert span(diag) == position_of(path, "      - level: leading", "leading")
    assert run.exit_code == 0


def test_coverage_in_a_domain_of_the_example(tmp_path, cli):
    """Communication has two leading statements; demote both and the domain's id is flagged."""
    path = copy(tmp_path, "example")
    text = path.read_text(encoding="utf-8")
    start = text.index("      - id: communication")
    end = text.index("      - id: leadership")
    domain = text[start:end].replace("level: leading", "level: proficient")
    path.write_text(text[:start] + domain + text[end:], encoding="utf-8")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    diags = find(run.diagnostics, "level/coverage")
    assert [span(d) for d in diags] == [
        position_of(path, "      - id: communication", "communication")
    ]
    assert diags[0]["message"] == (
        "domain 'communication' of part 'durable-skills' has no statement at level 'leading'"
    )
    assert run.exit_code == 1


def test_config_threshold_is_honoured(tmp_path, cli):
    path = copy(tmp_path, "example")
    (tmp_path / ".atlaslint.yaml").write_text("levels: {min-per-level: 3}\n", encoding="utf-8")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    diags = find(run.diagnostics, "level/coverage")
    # 14 AI-at-Work statements: 2 foundational, 3 developing...; ten domains with 2 per level
    flagged = [d["message"].split(" has ")[0] for d in diags]
    assert flagged[0] == "part 'ai-at-work'"
    assert len(flagged) == 11
    communication = next(d for d in diags if "'communication'" in d["message"])
    assert communication["message"] == (
        "domain 'communication' of part 'durable-skills' has fewer than 3 statements at "
        "level 'foundational' (2), 'leading' (2)"
    )
    assert span(communication) == position_of(path, "      - id: communication", "communication")
    assert run.exit_code == 1


def test_framework_may_raise_the_threshold_but_not_lower_it(tmp_path, cli):
    path = broken(tmp_path, "block", ("levels:\n", "min_per_level: 2\nlevels:\n"))
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "level/coverage")
    assert "fewer than 2 statements at level 'basic' (1), 'expert' (1)" in diag["message"]
    (tmp_path / ".atlaslint.yaml").write_text("levels: {min-per-level: 3}\n", encoding="utf-8")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, "level/coverage")
    assert "fewer than 3 statements" in diag["message"]


def _ladder(count: int) -> str:
    levels = [f"l{i}" for i in range(1, count + 1)]
    lines = [
        "atlaslint: framework/1",
        "occupation: {title: Ladder}",
        "levels:",
        *(f"  - {{id: {lv}, name: Level {lv}}}" for lv in levels),
        "sources: [{id: onet, title: O*NET}]",
        "parts:",
        "  - id: only",
        "    name: Only",
        "    statements:",
        *(f"      - {{level: {lv}, topic: T, text: x, cites: [onet]}}" for lv in levels),
    ]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("count", [2, 7])
def test_two_and_seven_levels_work(tmp_path, cli, count):
    path = tmp_path / "ladder.framework.yaml"
    path.write_text(_ladder(count), encoding="utf-8")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    assert run.diagnostics == []
    assert run.exit_code == 0
    # and the last level is really checked: drop its statement
    text = _ladder(count)
    path.write_text(
        text.replace(f"      - {{level: l{count}, topic: T, text: x, cites: [onet]}}\n", "")
    )
    (diag,) = cli("check", "--format", "json", path.name, cwd=tmp_path).diagnostics
    assert diag["rule"] == "level/coverage"
    assert diag["message"] == f"part 'only' has no statement at level 'l{count}'"


@pytest.mark.parametrize(("count", "rule"), [(1, "schema/items"), (8, "schema/items")])
def test_one_or_eight_levels_are_refused(tmp_path, cli, count, rule):
    path = tmp_path / "ladder.framework.yaml"
    path.write_text(_ladder(count), encoding="utf-8")
    run = cli("check", "--format", "json", path.name, cwd=tmp_path)
    (diag,) = find(run.diagnostics, rule)
    assert (diag["line"], diag["column"]) == (4, 3)
    assert run.exit_code == 1
