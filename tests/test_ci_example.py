"""examples/ci/github-actions.yml: the README shows it verbatim, and its atlaslint
steps do what their comments say when run as GitHub runs them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import REPO, edit
from tests.example_atlas import make_atlas

WORKFLOW = REPO / "examples" / "ci" / "github-actions.yml"
BIN = Path(sys.executable).parent


def steps() -> list[dict]:
    doc = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    return doc["jobs"]["atlaslint"]["steps"]


def test_readme_use_in_ci_shows_the_example_verbatim() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("\n## Use in CI\n") :]
    block = section.split("<!-- ci-example:start")[1].split("<!-- ci-example:end -->")[0]
    body = block.split("```yaml\n", 1)[1].rsplit("```", 1)[0]
    assert body == WORKFLOW.read_text(encoding="utf-8")


def test_workflow_uploads_the_sarif_it_writes() -> None:
    found = steps()
    doc = YAML(typ="safe").load(WORKFLOW.read_text(encoding="utf-8"))
    assert doc["permissions"]["security-events"] == "write"
    upload = next(
        s for s in found if s.get("uses", "").startswith("github/codeql-action/upload-sarif")
    )
    sarif_step = next(s for s in found if "--format sarif" in s.get("run", ""))
    assert f"--output-file {upload['with']['sarif_file']}" in sarif_step["run"]
    assert upload["if"] == sarif_step["if"] == "always()"


def run_step(command: str, cwd: Path) -> subprocess.CompletedProcess:
    """As GitHub runs a `run:` step: bash -e -o pipefail."""
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    return subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_atlaslint_steps_gate_on_errors_and_still_write_sarif(tmp_path: Path) -> None:
    if shutil.which("atlaslint", path=str(BIN)) is None:
        pytest.skip(f"atlaslint is not installed in {BIN}")
    commands = [s["run"] for s in steps() if s.get("run", "").startswith("atlaslint")]
    assert len(commands) == 2
    lint, sarif = commands
    checkout = make_atlas(tmp_path / "checkout")
    assert run_step(lint, checkout).returncode == 0
    assert run_step(sarif, checkout).returncode == 0

    edit(checkout / "customs-officer/metadata.yaml", "category: Government", "category: Goverment")
    gate = run_step(lint, checkout)
    assert gate.returncode == 1
    assert gate.stdout.startswith("::error file=customs-officer/metadata.yaml,line=7,col=11,")
    upload = run_step(sarif, checkout)
    assert upload.returncode == 0, upload.stderr
    log = json.loads((checkout / "atlaslint.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["schema/enum"]
