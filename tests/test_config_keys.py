"""Every configuration key is honoured, bad configs stop with file:line and the
key, and ``atlaslint config`` shows where each setting came from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, edit
from tests.example_atlas import FAMILIES, make_atlas

META = "customs-officer/metadata.yaml"
DRAFT = "drafts/border-agent/metadata.yaml"


@pytest.fixture
def atlas(tmp_path: Path) -> Path:
    """published/customs-officer (clean) and drafts/border-agent (schema/enum, and
    xref/unknown-slug)."""
    root = tmp_path / "atlas"
    make_atlas(root / "published", config=False)
    make_atlas(root / "drafts", "border-agent", config=False)
    edit(root / DRAFT, "category: Government", "category: Goverment")
    edit(root / DRAFT, "related: []", "related: [{slug: joiner}]")
    return root


def config(root: Path, text: str, name: str = ".atlaslint.yaml", pin: bool = True) -> Path:
    """Write a config; a YAML one also pins the families these tests are about
    (see example_atlas) unless it selects its own or ``pin`` is false."""
    path = root / name
    if pin and name.endswith(".yaml") and "select:" not in text:
        text = FAMILIES + text
    path.write_text(text, encoding="utf-8")
    return path


def paths_and_rules(run) -> list[tuple[str, str]]:
    return [(d["path"], d["rule"]) for d in run.diagnostics]


def test_include_limits_what_walking_finds(cli, atlas: Path) -> None:
    config(atlas, 'include: ["published/**"]\n')
    run = cli("check", "--format", "json", cwd=atlas)
    assert (run.exit_code, run.diagnostics, run.json["summary"]["files"]) == (0, [], 2)


def test_exclude_skips_folders_when_walking(cli, atlas: Path) -> None:
    config(atlas, 'exclude: ["drafts/**"]\n')
    run = cli("check", "--format", "json", cwd=atlas)
    assert (run.exit_code, run.json["summary"]["files"]) == (0, 2)


def test_select_and_ignore(cli, atlas: Path) -> None:
    config(atlas, "select: [xref]\n")
    assert paths_and_rules(cli("check", "--format", "json", cwd=atlas)) == [
        (DRAFT, "xref/unknown-slug")
    ]
    config(atlas, "ignore: [xref/unknown-slug]\n")
    assert paths_and_rules(cli("check", "--format", "json", cwd=atlas)) == [(DRAFT, "schema/enum")]
    # The command line replaces the config's list, and says so in `atlaslint config`.
    run = cli("check", "--format", "json", "--ignore", "schema", cwd=atlas)
    assert paths_and_rules(run) == [(DRAFT, "xref/unknown-slug")]


def test_severity_overrides_and_off(cli, atlas: Path) -> None:
    config(atlas, 'severity: {"schema/enum": warning, xref: "off"}\n')
    run = cli("check", "--format", "json", cwd=atlas)
    assert run.exit_code == 0
    assert [(d["rule"], d["severity"]) for d in run.diagnostics] == [("schema/enum", "warning")]


def test_per_file_ignores(cli, atlas: Path) -> None:
    make_atlas(atlas / "other", "port-inspector", config=False)
    edit(
        atlas / "other/port-inspector/metadata.yaml", "category: Government", "category: Goverment"
    )
    config(atlas, 'per-file-ignores: {"drafts/**": [schema/enum]}\n')
    assert paths_and_rules(cli("check", "--format", "json", cwd=atlas)) == [
        (DRAFT, "xref/unknown-slug"),
        ("other/port-inspector/metadata.yaml", "schema/enum"),
    ]


def test_fail_on(cli, atlas: Path) -> None:
    config(atlas, "ignore: [schema]\n")
    assert cli("check", cwd=atlas).exit_code == 0
    config(atlas, "ignore: [schema]\nfail-on: warning\n")
    assert cli("check", cwd=atlas).exit_code == 1
    assert cli("check", "--fail-on", "error", cwd=atlas).exit_code == 0


def test_max_file_size(cli, atlas: Path) -> None:
    config(atlas, "max-file-size: 100\n")
    run = cli("check", "published", "--format", "json", cwd=atlas)
    found = {(d["path"], d["rule"], d["line"]) for d in run.diagnostics}
    assert found == {
        ("published/customs-officer/SOUL.md", "syntax/too-large", 1),
        ("published/customs-officer/metadata.yaml", "syntax/too-large", 1),
    }
    assert "over the limit of 100 bytes" in run.diagnostics[0]["message"]


def test_force_exclude(cli, atlas: Path) -> None:
    config(atlas, 'exclude: ["drafts/**"]\nforce-exclude: true\n')
    run = cli("check", "drafts/border-agent/SOUL.md", "--format", "json", cwd=atlas)
    assert (run.exit_code, run.json["summary"]["files"]) == (0, 0)


def test_discovered_upward_and_pyproject(cli, atlas: Path) -> None:
    config(
        atlas,
        '[project]\nname = "x"\n\n[tool.atlaslint]\nignore = ["xref", "style"]\n',
        "pyproject.toml",
    )
    run = cli("check", ".", "--format", "json", cwd=atlas / "drafts" / "border-agent")
    assert [d["rule"] for d in run.diagnostics] == ["schema/enum"]
    # The nearer .atlaslint.yaml wins over the pyproject.toml above it.
    config(atlas / "drafts", "ignore: [schema]\n")
    run = cli("check", ".", "--format", "json", cwd=atlas / "drafts" / "border-agent")
    assert [d["rule"] for d in run.diagnostics] == ["xref/unknown-slug"]


def test_settings_for_other_families_resolve_with_their_source(cli, atlas: Path) -> None:
    """rule-packs (relative to the config file), levels, languagetool and cache-dir
    reach the settings the prose, framework, grammar and cache code read."""
    (atlas / "packs").mkdir()
    path = config(
        atlas,
        "rule-packs: [packs]\n"
        "levels: {min-per-level: 3}\n"
        "languagetool: {url: 'http://localhost:8081', language: en-GB}\n"
        "cache-dir: .cache/atlaslint\n",
        pin=False,
    )
    run = cli("config", "--format", "json", cwd=atlas / "drafts")
    assert run.exit_code == 0
    shown = run.json["settings"]
    assert shown["rule-packs"] == {"value": [str((atlas / "packs").resolve())], "source": str(path)}
    assert shown["levels.min-per-level"] == {"value": 3, "source": str(path)}
    assert shown["languagetool"]["value"] == {"url": "http://localhost:8081", "language": "en-GB"}
    assert shown["cache-dir"] == {"value": ".cache/atlaslint", "source": str(path)}
    assert shown["select"] == {"value": ["ALL"], "source": "default"}
    assert run.json["config_file"] == str(path)
    assert run.json["root"] == str(atlas.resolve())


def test_config_command_text(cli, atlas: Path) -> None:
    path = config(atlas, "fail-on: warning\nexclude: [drafts/**]\n", pin=False)
    run = cli("config", cwd=atlas)
    assert run.exit_code == 0
    lines = run.stdout.splitlines()
    assert lines[0] == f"config file: {path}"
    assert f'fail-on              = "warning"    # {path}' in lines
    assert f'exclude              = ["drafts/**"]    # {path}' in lines
    assert 'select               = ["ALL"]    # default' in lines
    elsewhere = config(atlas, "ignore: [xref]\n", "other.yaml", pin=False)
    run = cli("config", "--config", str(elsewhere), cwd=atlas)
    assert f'ignore               = ["xref"]    # {elsewhere}' in run.stdout.splitlines()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "select: [xref]\nseverty: {xref: error}\n",
            ".atlaslint.yaml:2:1: invalid config: unknown field 'severty'; "
            "did you mean 'severity'?",
        ),
        (
            "levels:\n  min-per-level: 0\n",
            ".atlaslint.yaml:2:18: invalid config: levels.min-per-level 0 is below the minimum 1",
        ),
        (
            "fail-on: sometimes\n",
            ".atlaslint.yaml:1:10: invalid config: fail-on 'sometimes' is not one of: "
            "error, warning, info",
        ),
        (
            "ignore:\n  - schema\n  - sytax\n",
            ".atlaslint.yaml:3:5: invalid config: ignore: unknown rule or family 'sytax' "
            "(see 'atlaslint rules')",
        ),
        (
            "per-file-ignores:\n  'a/**': [xref, nope/x]\n",
            ".atlaslint.yaml:2:18: invalid config: per-file-ignores.a/**: unknown rule or "
            "family 'nope/x' (see 'atlaslint rules')",
        ),
        (
            "rule-packs: [missing]\n",
            ".atlaslint.yaml:1:14: invalid config: rule-packs: folder 'missing' does not exist",
        ),
        ("select: [xref\n", ".atlaslint.yaml:2:1: "),
    ],
)
def test_bad_yaml_config_exits_2_naming_file_line_and_key(
    cli, atlas: Path, text: str, message: str
) -> None:
    path = config(atlas, text, pin=False)
    run = cli("check", cwd=atlas)
    assert run.exit_code == 2
    assert run.stdout == ""
    assert run.stderr.startswith(f"atlaslint: {path.parent}/{message}")
    assert run.stderr.count("\n") == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[tool.atlaslint]\nselect = ["xref"]\nfail_on = "warning"\n',
            "pyproject.toml:3:1: invalid config: unknown field 'fail_on'; did you mean 'fail-on'?",
        ),
        (
            '[tool.atlaslint]\nselect = ["xref"]\n\n[tool.atlaslint.severity]\n'
            '"schema/enum" = "loud"\n',
            "pyproject.toml:5:2: invalid config: severity.schema/enum 'loud' is not one of: "
            "error, warning, info, off",
        ),
        (
            '[tool.atlaslint]\nmax-file-size = "big"\n',
            "pyproject.toml:2:1: invalid config: max-file-size must be a whole number",
        ),
        (
            '[tool.atlaslint]\nselect = ["schemas"]\n',
            "pyproject.toml:2:1: invalid config: select: unknown rule or family 'schemas'",
        ),
        ('[tool.atlaslint]\nselect = ["xref"\n', "pyproject.toml: cannot read config:"),
    ],
)
def test_bad_pyproject_config_exits_2_naming_file_line_and_key(
    cli, atlas: Path, text: str, message: str
) -> None:
    path = config(atlas, text, "pyproject.toml")
    run = cli("check", cwd=atlas)
    assert run.exit_code == 2
    assert run.stderr.startswith(f"atlaslint: {path.parent}/{message}"), run.stderr
    assert run.stderr.count("\n") == 1
    shown = cli("config", cwd=atlas)
    assert (shown.exit_code, shown.stderr) == (2, run.stderr)


def test_json_round_trip_of_config_command(cli, atlas: Path) -> None:
    """`atlaslint config --format json` is valid JSON even with no config file."""
    run = cli("config", "--format", "json", cwd=atlas)
    doc = json.loads(run.stdout)
    assert doc["config_file"] is None
    assert doc["settings"]["fail-on"] == {"value": "error", "source": "default"}


def test_readme_configuration_example_is_accepted(cli, tmp_path: Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Configuration\n") :]
    block = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    config(tmp_path, block, pin=False)
    run = cli("config", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 0, run.stderr
    shown = run.json["settings"]
    assert shown["severity"]["value"] == {"xref/unknown-slug": "error", "structure/title": "off"}
    assert shown["languagetool"]["value"]["language"] == "en-US"
