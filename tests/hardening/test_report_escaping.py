"""Hostile text inside a finding (a JSON key may hold any character) cannot break an
output format: no terminal escapes in text, no injected workflow command in GitHub
output, well-formed XML in JUnit, valid JSON and SARIF."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

KEY = "a\\n::error file=x::pwned\\u0001\\u001b[31m"  # as written in the JSON file


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / "records").mkdir()
    (tmp_path / "records" / "r.json").write_text(f'{{"{KEY}": 1, "{KEY}": 2}}')
    return tmp_path


def run(cli: Callable[..., Any], cwd: Path, fmt: str) -> str:
    result = cli("check", "--format", fmt, "records/r.json", cwd=cwd)
    assert result.exit_code == 1, result.stderr
    assert "duplicate" in result.stdout
    return result.stdout


def test_text_has_no_control_characters(hostile: Path, cli: Callable[..., Any]) -> None:
    out = run(cli, hostile, "text")
    assert "\x1b" not in out and "\x01" not in out
    assert all(line.isprintable() for line in out.splitlines())


def test_github_cannot_inject_a_command(hostile: Path, cli: Callable[..., Any]) -> None:
    out = run(cli, hostile, "github")
    commands = [line for line in out.splitlines() if line.startswith("::")]
    assert len(commands) == 1  # the finding itself, and no second '::error' line
    assert commands[0].startswith("::error file=records/r.json,line=1,")


def test_junit_is_well_formed(hostile: Path, cli: Callable[..., Any]) -> None:
    root = ET.fromstring(run(cli, hostile, "junit").split("\n", 1)[1])
    assert root.find(".//failure").get("type") == "syntax/duplicate-key"


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_formats_parse(hostile: Path, cli: Callable[..., Any], fmt: str) -> None:
    json.loads(run(cli, hostile, fmt))
