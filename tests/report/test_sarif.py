"""--format sarif: valid SARIF 2.1.0 (the official schema), every rule in the
driver, results at the exact span."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import referencing.jsonschema

from atlaslint.docgen import reference_registry
from tests.conftest import REPO, SHARED, edit
from tests.example_atlas import add_config, make_atlas

SARIF_SCHEMA = SHARED / "standards" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def sarif_validator() -> jsonschema.Draft7Validator:
    """The official schema, resolved locally only (its own $id is never fetched)."""
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"the SARIF 2.1.0 schema is not at {SARIF_SCHEMA} (../shared beside the repo)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    # This copy keeps the root object's schema under definitions/Root.
    rooted = {**schema, "$ref": "#/definitions/Root"} if "Root" in schema["definitions"] else schema
    resource = referencing.Resource.from_contents(rooted, referencing.jsonschema.DRAFT7)
    registry = referencing.Registry().with_resource(schema["$id"], resource)
    return jsonschema.Draft7Validator(rooted, registry=registry)


def errors(validator: jsonschema.Draft7Validator, doc: dict) -> list[str]:
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(doc)]


def test_examples_validate_against_the_sarif_schema(cli, sarif_validator) -> None:
    run = cli("check", "examples/", "--format", "sarif", cwd=REPO)
    assert run.exit_code == 0, run.stderr
    doc = json.loads(run.stdout)
    assert errors(sarif_validator, doc) == []
    assert doc["version"] == "2.1.0"
    assert doc["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_the_validator_rejects_a_broken_log(sarif_validator) -> None:
    """The schema check is real: a log missing its version does not pass."""
    assert errors(sarif_validator, {"runs": []})
    bad_region = {
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": "x"}},
                "results": [
                    {
                        "message": {"text": "m"},
                        "locations": [{"physicalLocation": {"region": {"startLine": 0}}}],
                    }
                ],
            }
        ],
    }
    assert errors(sarif_validator, bad_region)


def test_results_point_at_the_exact_span(cli, tmp_path: Path, sarif_validator) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    edit(atlas / "customs-officer/metadata.yaml", "category: Government", "category: Goverment")
    run = cli("check", "customs-officer", "--format", "sarif", cwd=atlas)
    assert run.exit_code == 1
    doc = json.loads(run.stdout)
    assert errors(sarif_validator, doc) == []
    sarif_run = doc["runs"][0]
    rules = sarif_run["tool"]["driver"]["rules"]
    (found,) = sarif_run["results"]
    assert found["ruleId"] == "schema/enum"
    assert rules[found["ruleIndex"]]["id"] == "schema/enum"
    assert found["level"] == "error"
    assert "Goverment" in found["message"]["text"]
    assert "suggestion: Government" in found["message"]["text"]
    location = found["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "customs-officer/metadata.yaml",
        "uriBaseId": "%SRCROOT%",
    }
    assert location["region"] == {"startLine": 7, "startColumn": 11, "endLine": 7, "endColumn": 20}
    assert sarif_run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == atlas.resolve().as_uri() + "/"


def test_driver_lists_every_rule_with_its_docs(cli) -> None:
    run = cli("check", "examples/", "--format", "sarif", cwd=REPO)
    rules = json.loads(run.stdout)["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [r.id for r in reference_registry().all()]
    enum = next(r for r in rules if r["id"] == "schema/enum")
    assert enum["shortDescription"]["text"] == "A value outside the allowed set"
    assert enum["fullDescription"]["text"].startswith("Categories, kinds and statuses")
    assert "category: Goverment" in enum["help"]["text"]
    assert "```\ncategory: Government\n```" in enum["help"]["markdown"]
    assert enum["defaultConfiguration"] == {"level": "error"}
    thin = next(r for r in rules if r["id"] == "structure/thin-section")
    assert thin["defaultConfiguration"] == {"level": "warning"}


def test_levels_follow_configured_severity(cli, tmp_path: Path) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    add_config(atlas, 'severity: {"schema/enum": info}\n')
    edit(atlas / "customs-officer/metadata.yaml", "category: Government", "category: Goverment")
    run = cli("check", ".", "--format", "sarif", cwd=atlas)
    assert run.exit_code == 0
    (found,) = json.loads(run.stdout)["runs"][0]["results"]
    assert found["level"] == "note"


def test_absolute_paths_become_file_uris_and_odd_names_are_escaped(cli, tmp_path: Path) -> None:
    atlas = make_atlas(tmp_path / "my atlas")
    edit(atlas / "customs-officer/metadata.yaml", "category: Government", "category: Goverment")
    absolute = str(atlas / "customs-officer")
    run = cli("check", absolute, "--format", "sarif", cwd=tmp_path)
    (found,) = json.loads(run.stdout)["runs"][0]["results"]
    location = found["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (atlas / "customs-officer/metadata.yaml").as_uri()}
    run = cli("check", "my atlas", "--format", "sarif", cwd=tmp_path)
    (found,) = json.loads(run.stdout)["runs"][0]["results"]
    location = found["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location["uri"] == "my%20atlas/customs-officer/metadata.yaml"


def test_skipped_files_are_tool_notifications(cli, tmp_path: Path, sarif_validator) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    (atlas / "notes.txt").write_text("hello\n", encoding="utf-8")
    run = cli("check", "notes.txt", "customs-officer", "--format", "sarif", cwd=atlas)
    doc = json.loads(run.stdout)
    assert errors(sarif_validator, doc) == []
    invocation = doc["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is True
    notes = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert notes == ["notes.txt: not a profile, framework or record; skipped"]
