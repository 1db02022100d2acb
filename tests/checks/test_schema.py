"""schema/*: metadata.yaml against schemas/metadata.schema.json, at the exact key or value."""

from __future__ import annotations

from tests.conftest import edit, find


def test_enum_points_at_value_and_suggests(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "category: 'Skilled Trades'", "category: Goverment")
    run = cli("check", str(root), "--format", "json", "--select", "schema")
    assert run.exit_code == 1
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/enum"
    assert (diag["line"], diag["column"], diag["end_line"], diag["end_column"]) == (7, 11, 7, 20)
    assert "did you mean 'Government'?" in diag["message"]
    assert diag["suggestion"] == "Government"
    assert diag["severity"] == "error"


def test_unknown_field_points_at_key(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "difficulty: advanced", "dificulty: advanced")
    run = cli("check", str(root), "--format", "json", "--select", "schema")
    diags = sorted(run.diagnostics, key=lambda d: d["rule"])
    assert [d["rule"] for d in diags] == ["schema/unknown-field"]
    diag = diags[0]
    assert (diag["line"], diag["column"], diag["end_column"]) == (14, 1, 10)
    assert "did you mean 'difficulty'?" in diag["message"]


def test_missing_required_field_at_start_of_mapping(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "title: 'Carpenter'\n", "")
    run = cli("check", str(root), "--format", "json", "--select", "schema")
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/required"
    assert diag["message"] == "missing required field 'title'"
    assert (diag["line"], diag["column"], diag["end_column"]) == (1, 1, 5)
    assert run.exit_code == 1


def test_unquoted_date_says_to_quote_it(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "created: '2026-06-26'", "created: 2026-06-26")
    run = cli("check", str(root), "--format", "json", "--select", "schema")
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/type"
    assert (diag["line"], diag["column"], diag["end_column"]) == (20, 10, 20)
    assert "unquoted YAML date" in diag["message"] and "'2026-06-26'" in diag["message"]


def test_long_summary_reported_once_with_length(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "compounds.'", "compounds." + " more" * 40 + "'")
    run = cli("check", str(root), "--format", "json", "--select", "schema")
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/length"
    assert diag["line"] == 15 and diag["column"] == 10
    assert "the most allowed is 320" in diag["message"]


def test_bad_slug_pattern_and_duplicate_tag(atlas, cli):
    root = atlas("carpenter")
    path = root / "carpenter/metadata.yaml"
    edit(path, "  - joinery", "  - carpentry")
    run = cli("check", str(root), "--format", "json", "--select", "schema")
    (diag,) = find(run.diagnostics, "schema/unique")
    assert (diag["line"], diag["column"], diag["end_column"]) == (13, 5, 14)
    assert "tags[4] repeats 'carpentry'" in diag["message"]


def test_null_or_date_field_reports_the_date_problem(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "last_reviewed: null", "last_reviewed: 'soon'")
    run = cli("check", str(root), "--format", "json", "--select", "schema")
    (diag,) = run.diagnostics
    assert diag["rule"] == "schema/format"
    assert (diag["line"], diag["column"], diag["end_column"]) == (18, 16, 22)


def test_corpus_metadata_is_schema_valid(corpus_dir, cli):
    run = cli("check", str(corpus_dir), "--format", "json", "--select", "schema,syntax")
    assert run.exit_code == 0, run.stdout[:2000]
    assert run.diagnostics == []
