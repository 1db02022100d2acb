"""Configuration files: discovery, settings honoured, bad config rejected with a position."""

from __future__ import annotations

from tests.conftest import edit


def test_yaml_config_ignore_and_unknown_key(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "slug: 'carpenter'", "slug: 'x'")
    (root / ".atlaslint.yaml").write_text("ignore: [xref]\n", encoding="utf-8")
    assert cli("check", str(root)).exit_code == 0
    (root / ".atlaslint.yaml").write_text("ignore: [xref]\nselct: [schema]\n", encoding="utf-8")
    run = cli("check", str(root))
    assert run.exit_code == 2
    assert run.stderr.strip() == (
        f"atlaslint: {root / '.atlaslint.yaml'}:2:1: invalid config: "
        "unknown field 'selct'; did you mean 'select'?"
    )


def test_pyproject_config_with_position(atlas, cli):
    root = atlas("carpenter")
    (root / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.atlaslint]\nfail-on = "warning"\nexclud = []\n',
        encoding="utf-8",
    )
    run = cli("check", str(root))
    assert run.exit_code == 2
    assert f"{root / 'pyproject.toml'}:6:1: invalid config: unknown field 'exclud'" in run.stderr


def test_pyproject_fail_on_and_severity_override(atlas, cli):
    root = atlas("carpenter")
    (root / "pyproject.toml").write_text(
        '[tool.atlaslint]\nfail-on = "warning"\n', encoding="utf-8"
    )
    assert cli("check", str(root)).exit_code == 1  # xref/unknown-slug warnings now fail
    (root / "pyproject.toml").write_text(
        '[tool.atlaslint]\nfail-on = "warning"\nseverity = { "xref/unknown-slug" = "info" }\n',
        encoding="utf-8",
    )
    run = cli("check", str(root), "--format", "json")
    assert run.exit_code == 0
    assert {d["severity"] for d in run.diagnostics} == {"info"}


def test_exclude_glob_skips_walked_profiles(atlas, cli):
    root = atlas("carpenter", "barista")
    (root / ".atlaslint.yaml").write_text("exclude: ['barista/**']\n", encoding="utf-8")
    run = cli("check", str(root), "--format", "json")
    assert run.json["summary"]["files"] == 2
    assert not [d for d in run.diagnostics if "barista" in d["path"]]


def test_per_file_ignores(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "slug: 'carpenter'", "slug: 'x'")
    (root / ".atlaslint.yaml").write_text(
        "per-file-ignores:\n  'carpenter/metadata.yaml': [xref]\n", encoding="utf-8"
    )
    assert cli("check", str(root)).exit_code == 0
