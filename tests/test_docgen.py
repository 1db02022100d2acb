"""Rule docs: `atlaslint rules`, `atlaslint explain` and the README reference all
come from the registry; the README cannot drift from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from atlaslint import docgen
from atlaslint.registry import builtin_rules
from tests.conftest import REPO


def test_readme_rules_reference_is_in_sync() -> None:
    """Fails after a rule is added or changed until `python -m atlaslint.docgen` is run."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    expected = docgen.replace_section(readme, docgen.markdown(docgen.reference_registry()))
    assert readme == expected, "README.md is stale: run `python -m atlaslint.docgen`"


def test_docgen_rewrites_only_between_the_markers(tmp_path: Path, capsys) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"# Title\n\nintro\n\n{docgen.START}\nold\n{docgen.END}\n\nafter\n")
    assert docgen.main([str(readme), "--check"]) == 1
    assert docgen.main([str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith(f"# Title\n\nintro\n\n{docgen.START}\n\nEvery rule atlaslint")
    assert "| `schema/enum` | error | A value outside the allowed set |" in text
    assert text.endswith(f"{docgen.END}\n\nafter\n")
    assert docgen.main([str(readme), "--check"]) == 0
    assert docgen.main([str(tmp_path / "missing.md")]) == 2
    readme.write_text("no markers\n")
    assert docgen.main([str(readme)]) == 2
    assert "markers" in capsys.readouterr().err


def test_rules_markdown_matches_the_readme_section(cli) -> None:
    run = cli("rules", "--format", "markdown", cwd=REPO)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert run.exit_code == 0
    assert run.stdout in readme


def test_rules_text_and_json(cli) -> None:
    text = cli("rules", cwd=REPO)
    line = next(x for x in text.stdout.splitlines() if x.startswith("schema/enum "))
    assert line.split()[1] == "error"
    assert "A value outside the allowed set" in line
    rows = json.loads(cli("rules", "--format", "json", cwd=REPO).stdout)
    assert {"id": "structure/thin-section", "severity": "warning"}.items() <= next(
        r for r in rows if r["id"] == "structure/thin-section"
    ).items()
    assert len(rows) == len(text.stdout.splitlines())


@pytest.mark.parametrize("rule", [r for r in builtin_rules() if r.family != "internal"])
def test_every_builtin_rule_has_why_and_examples(rule) -> None:
    assert rule.why and rule.bad and rule.good, f"{rule.id} lacks why, bad or good"
    assert rule.bad != rule.good


def test_explain_has_what_why_examples_configure_and_suppress(cli) -> None:
    run = cli("explain", "structure/unknown-section", cwd=REPO)
    assert run.exit_code == 0
    out = run.stdout
    assert out.startswith("structure/unknown-section  (warning by default; builtin")
    sections = ["What:", "Why:", "Fails:", "Passes:", "Configure (.atlaslint.yaml):"]
    sections += ["Configure (pyproject.toml):", "Command line:", "Suppress one occurrence:"]
    positions = [out.index(s) for s in sections]
    assert positions == sorted(positions)
    assert "    ## Guiding Principals\n" in out
    assert "    ## Guiding Principles\n" in out
    assert '"structure/unknown-section": warning' in out
    assert "<!-- atlaslint-disable-next-line structure/unknown-section -->" in out
    assert "# atlaslint: disable=structure/unknown-section" in out


def test_explain_configure_snippets_are_valid_config(cli, tmp_path: Path) -> None:
    """The YAML shown under Configure is accepted by the config schema as is."""
    out = cli("explain", "xref/unknown-slug", cwd=REPO).stdout
    block = out.split("Configure (.atlaslint.yaml):\n")[1].split("Configure (pyproject")[0]
    yaml_text = "\n".join(line[4:] for line in block.splitlines()) + "\n"
    (tmp_path / ".atlaslint.yaml").write_text(yaml_text, encoding="utf-8")
    run = cli("config", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert run.json["settings"]["severity"]["value"] == {"xref/unknown-slug": "warning"}
    block = out.split("Configure (pyproject.toml):\n")[1].split("Command line:")[0]
    toml_text = "\n".join(line[4:] for line in block.splitlines()) + "\n"
    (tmp_path / ".atlaslint.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text(toml_text, encoding="utf-8")
    run = cli("config", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    assert run.json["settings"]["ignore"]["value"] == ["xref/unknown-slug"]


def test_explain_unknown_rule_exits_2(cli) -> None:
    run = cli("explain", "schema/nope", cwd=REPO)
    assert (run.exit_code, run.stderr) == (
        2,
        "atlaslint: unknown rule 'schema/nope' (see 'atlaslint rules')\n",
    )
