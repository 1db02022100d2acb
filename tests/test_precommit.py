"""pre-commit: the published hook, the README's snippet run by the real pre-commit
in a new git repository, and this repository's own hook config."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from tests.conftest import REPO, edit
from tests.example_atlas import make_atlas

BIN = Path(sys.executable).parent
needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def readme_section(title: str) -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end > 0 else None]


def readme_precommit_config() -> str:
    """The first YAML block of "Use with pre-commit", exactly as a user copies it."""
    match = re.search(r"```yaml\n(.*?)```", readme_section("Use with pre-commit"), re.S)
    assert match, "no yaml block in the README section 'Use with pre-commit'"
    return match.group(1)


def load_yaml(text: str):
    return YAML(typ="safe").load(text)


def manifest_hook() -> dict:
    (hook,) = load_yaml((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return hook


def pre_commit(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def git_env(tmp_path: Path) -> dict[str, str]:
    """An environment isolated from the user's git and pre-commit state, with the
    installed atlaslint on PATH (as after `pip install atlaslint pre-commit`)."""
    if shutil.which("atlaslint", path=str(BIN)) is None:
        pytest.skip(f"atlaslint is not installed in {BIN}")
    home = tmp_path / "home"
    home.mkdir()
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}",
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-cache"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test",
        GIT_AUTHOR_EMAIL="test@example.invalid",
        GIT_COMMITTER_NAME="Test",
        GIT_COMMITTER_EMAIL="test@example.invalid",
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_WORK_TREE", None)
    return env


def git(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


@pytest.fixture
def atlas_repo(tmp_path: Path, git_env: dict[str, str]) -> Path:
    """A new git repository holding two profiles, committed clean."""
    repo = make_atlas(tmp_path / "atlas")
    make_atlas(repo, "border-agent")
    assert git("init", "-q", "-b", "main", cwd=repo, env=git_env).returncode == 0
    git("add", "-A", cwd=repo, env=git_env)
    assert git("commit", "-qm", "atlas", cwd=repo, env=git_env).returncode == 0
    return repo


def test_published_hook_manifest_is_valid(git_env) -> None:
    run = pre_commit("validate-manifest", ".pre-commit-hooks.yaml", cwd=REPO, env=git_env)
    assert run.returncode == 0, run.stdout + run.stderr
    hook = manifest_hook()
    assert (hook["id"], hook["language"], hook["entry"]) == (
        "atlaslint",
        "python",
        "atlaslint check --force-exclude",
    )
    assert hook["require_serial"] is True


@pytest.mark.parametrize(
    ("path", "matched"),
    [
        ("carpenter/SOUL.md", True),
        ("atlas/souls/carpenter/metadata.yaml", True),
        ("SOUL.md", True),
        ("frameworks/customs.framework.yaml", True),
        ("customs.framework.yml", True),
        ("out/carpenter.record.json", True),
        ("site/records/carpenter.json", True),
        ("carpenter/NOTSOUL.md", False),
        ("carpenter/README.md", False),
        ("carpenter/metadata.yml", False),
        ("config/settings.yaml", False),
        ("package.json", False),
        ("records/nested/carpenter.json", False),
    ],
)
def test_hook_files_pattern(path: str, matched: bool) -> None:
    """pre-commit filters with re.search on the repository-relative path."""
    assert bool(re.search(manifest_hook()["files"], path)) is matched


def test_readme_snippet_agrees_with_the_published_hook() -> None:
    (repo,) = load_yaml(readme_precommit_config())["repos"]
    (hook,) = repo["hooks"]
    published = manifest_hook()
    assert repo["repo"] == "local"
    for key in ("id", "entry", "files", "require_serial"):
        assert hook[key] == published[key], key


@needs_git
def test_readme_snippet_stops_a_broken_commit_then_lets_the_fix_through(
    atlas_repo: Path, git_env: dict[str, str]
) -> None:
    repo = atlas_repo
    (repo / ".pre-commit-config.yaml").write_text(readme_precommit_config(), encoding="utf-8")
    installed = pre_commit("install", cwd=repo, env=git_env)
    assert installed.returncode == 0, installed.stderr
    meta = repo / "customs-officer/metadata.yaml"
    edit(meta, "category: Government", "category: Goverment")
    git("add", "-A", cwd=repo, env=git_env)
    blocked = git("commit", "-m", "typo", cwd=repo, env=git_env)
    assert blocked.returncode == 1
    output = blocked.stdout + blocked.stderr
    assert "atlaslint" in output and "Failed" in output
    assert "customs-officer/metadata.yaml:7:11: error schema/enum category 'Goverment'" in output
    assert "7 | category: Goverment" in output

    edit(meta, "category: Goverment", "category: Public Service")
    git("add", "-A", cwd=repo, env=git_env)
    passed = git("commit", "-m", "fixed", cwd=repo, env=git_env)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert re.search(r"atlaslint\.+Passed", passed.stdout + passed.stderr)


@needs_git
def test_cross_file_rules_see_the_whole_repository(
    atlas_repo: Path, git_env: dict[str, str]
) -> None:
    """Only the changed file is passed, yet the other profiles are known."""
    repo = atlas_repo
    (repo / ".pre-commit-config.yaml").write_text(readme_precommit_config(), encoding="utf-8")
    edit(
        repo / "customs-officer/metadata.yaml",
        "related: []",
        "related: [{slug: border-agent}, {slug: joiner}]",
    )
    run = pre_commit(
        "run", "--files", "customs-officer/metadata.yaml", "--verbose", cwd=repo, env=git_env
    )
    output = run.stdout + run.stderr
    assert run.returncode == 0, output  # warnings do not stop a commit
    assert "metadata.yaml:22:40: warning xref/unknown-slug related profile 'joiner'" in output
    assert "'border-agent' does not exist" not in output
    assert "in 2 files" in output  # the named file's profile: SOUL.md and metadata.yaml


@needs_git
def test_repository_hook_config_is_valid(git_env) -> None:
    run = pre_commit("validate-config", ".pre-commit-config.yaml", cwd=REPO, env=git_env)
    assert run.returncode == 0, run.stdout + run.stderr
    hooks = {
        h["id"]: h
        for r in load_yaml((REPO / ".pre-commit-config.yaml").read_text())["repos"]
        for h in r["hooks"]
    }
    assert set(hooks) == {"ruff", "ruff-format", "atlaslint"}
    assert re.search(hooks["atlaslint"]["files"], "examples/profiles/customs-officer/SOUL.md")
    assert not re.search(hooks["atlaslint"]["files"], "tests/fixtures/x/SOUL.md")


@needs_git
@pytest.mark.skipif(
    os.environ.get("ATLASLINT_TEST_TRY_REPO") != "1",
    reason="slow (about 40 s: pre-commit pip-installs atlaslint); set ATLASLINT_TEST_TRY_REPO=1",
)
def test_published_hook_installs_and_runs_with_try_repo(
    atlas_repo: Path, git_env: dict[str, str]
) -> None:
    """What a user of `repo: <url of atlaslint>` gets: pre-commit builds atlaslint from
    this repository with pip (dependencies come from the package index)."""
    if not (REPO / ".git").exists():
        pytest.skip("try-repo needs this repository as a git checkout")
    meta = atlas_repo / "customs-officer/metadata.yaml"
    edit(meta, "category: Government", "category: Goverment")
    args = ("try-repo", str(REPO), "atlaslint", "--files", "customs-officer/metadata.yaml")
    run = pre_commit(*args, cwd=atlas_repo, env=git_env)
    output = run.stdout + run.stderr
    if run.returncode == 3 and re.search(
        r"NewConnectionError|Temporary failure in name resolution|No matching distribution",
        output,
    ):
        pytest.skip("the package index is unreachable, so pre-commit cannot build the hook")
    assert run.returncode == 1, output
    assert "customs-officer/metadata.yaml:7:11: error schema/enum" in output
    edit(meta, "category: Goverment", "category: Government")
    run = pre_commit(*args, cwd=atlas_repo, env=git_env)
    assert run.returncode == 0, run.stdout + run.stderr
