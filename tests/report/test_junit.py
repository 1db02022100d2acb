"""--format junit: one test case per checked file; findings at or above the fail
level are its failures, the rest are listed in its output."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from tests.conftest import edit
from tests.example_atlas import make_atlas


def cases(xml: str) -> dict[str, ET.Element]:
    root = ET.fromstring(xml)
    return {case.get("name"): case for case in root.iter("testcase")}


def test_one_case_per_file_and_a_failure_per_finding(cli, tmp_path: Path) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    make_atlas(atlas, "border-agent")
    meta = atlas / "customs-officer/metadata.yaml"
    edit(meta, "category: Government", "category: Goverment")
    edit(meta, "status: draft", "status: drafty")
    run = cli("check", ".", "--format", "junit", cwd=atlas)
    assert run.exit_code == 1
    root = ET.fromstring(run.stdout)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures")) == ("4", "1")
    found = cases(run.stdout)
    assert sorted(found) == [
        "border-agent/SOUL.md",
        "border-agent/metadata.yaml",
        "customs-officer/SOUL.md",
        "customs-officer/metadata.yaml",
    ]
    failures = found["customs-officer/metadata.yaml"].findall("failure")
    assert [(f.get("type"), f.get("message")[:5]) for f in failures] == [
        ("schema/enum", "7:11:"),
        ("schema/enum", "32:9:"),
    ]
    assert failures[0].text.startswith(
        "customs-officer/metadata.yaml:7:11: error schema/enum category 'Goverment'"
    )
    assert found["customs-officer/SOUL.md"].findall("failure") == []
    assert found["border-agent/metadata.yaml"].findall("failure") == []


def test_findings_below_the_fail_level_do_not_fail_the_case(cli, tmp_path: Path) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    edit(atlas / "customs-officer/metadata.yaml", "related: []", "related: [{slug: joiner}]")
    run = cli("check", ".", "--format", "junit", cwd=atlas)
    assert run.exit_code == 0
    case = cases(run.stdout)["customs-officer/metadata.yaml"]
    assert case.findall("failure") == []
    assert "22:18: warning xref/unknown-slug" in case.find("system-out").text
    run = cli("check", ".", "--format", "junit", "--fail-on", "warning", cwd=atlas)
    assert run.exit_code == 1
    case = cases(run.stdout)["customs-officer/metadata.yaml"]
    assert [f.get("type") for f in case.findall("failure")] == ["xref/unknown-slug"]


def test_special_characters_are_escaped(cli, tmp_path: Path) -> None:
    atlas = make_atlas(tmp_path / "atlas")
    edit(atlas / "customs-officer/metadata.yaml", "category: Government", 'category: "<a&b>"')
    run = cli("check", ".", "--format", "junit", cwd=atlas)
    failure = cases(run.stdout)["customs-officer/metadata.yaml"].find("failure")
    assert "'<a&b>'" in failure.get("message")
