"""Packs in the registry: config rule-pack folders, where each rule came from, and a
broken pack stopping the run with exit 2 at its file and line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import edit

PACK = """\
pack: house
rules:
  - id: house/jargon
    severity: warning
    summary: House jargon
    message: "'{match}' is house jargon; say '{suggestion}'"
    terms:
      - match: synergy
        suggest: cooperation
"""


def folder(root: Path, text: str, name: str = "house.yaml") -> Path:
    packs = root / "packs"
    packs.mkdir(exist_ok=True)
    (packs / name).write_text(text, encoding="utf-8")
    (root / ".atlaslint.yaml").write_text("rule-packs: [packs]\n", encoding="utf-8")
    return packs / name


def test_extra_pack_rules_run_and_show_their_origin(cli, atlas) -> None:
    root = atlas("carpenter")
    pack = folder(root, PACK)
    edit(root / "carpenter/SOUL.md", "Carpenters frame the shell", "Synergy: carpenters frame")
    run = cli("check", ".", "--format", "json", "--select", "house", cwd=root)
    (diag,) = run.diagnostics
    assert (diag["rule"], diag["suggestion"], diag["severity"]) == (
        "house/jargon",
        "Cooperation",
        "warning",
    )
    rules = {r["id"]: r for r in json.loads(cli("rules", "--format", "json", cwd=root).stdout)}
    assert rules["house/jargon"]["origin"] == str(pack.resolve())
    assert rules["house/jargon"]["fixable"] is True
    assert rules["bias/age"]["origin"] == "builtin pack rules/bias.yaml"
    assert rules["style/list-section"]["origin"] == "builtin (style.yaml)"
    text = cli("rules", cwd=root).stdout
    assert f"House jargon  [{pack.resolve()}]" in text


@pytest.mark.parametrize("command", [("check", "."), ("rules",), ("explain", "bias/age")])
def test_broken_pattern_exits_2_naming_file_and_line(cli, tmp_path: Path, command) -> None:
    pack = folder(tmp_path, PACK.replace("match: synergy", "match: syn(ergy"))
    run = cli(*command, cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"atlaslint: {pack.resolve()}:8:")
    assert "bad template" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(
    "rule_id, why",
    [
        ("style/list-section", "taken by a built-in rule"),  # a rule implemented in code
        ("bias/age", "already defined in"),  # a rule of the bundled packs
    ],
)
def test_pack_rule_cannot_take_an_existing_id(cli, tmp_path: Path, rule_id, why) -> None:
    pack = folder(tmp_path, PACK.replace("house/jargon", rule_id))
    run = cli("check", ".", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"atlaslint: {pack.resolve()}:3:")
    assert why in run.stderr


def test_invalid_yaml_in_a_pack(cli, tmp_path: Path) -> None:
    pack = folder(tmp_path, "pack: house\nrules: [\n")
    run = cli("check", ".", cwd=tmp_path)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"atlaslint: {pack.resolve()}:3:")


def test_shipped_packs_pass_their_schema() -> None:
    """Runs load the shipped packs without the schema pass; this is that pass."""
    from atlaslint.phrases.pack import builtin_pack_paths, load_pack

    packs = [load_pack(path) for path in builtin_pack_paths()]
    assert [p.name for p in packs] == ["bias", "style"]
