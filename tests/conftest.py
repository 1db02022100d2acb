"""Shared fixtures: the real corpus (skipped with a reason where absent), copies of
real profiles to mutate, and a runner for the command line."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from atlaslint.cli import main
from atlaslint.prepared import ENV_USER_DIR

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
EXAMPLES = REPO / "examples"


@pytest.fixture(autouse=True, scope="session")
def _private_user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every run of the suite, in-process or not, keeps its prepared rule packs in a
    folder of the session's, never in the user's own cache folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_USER_DIR, str(tmp_path_factory.mktemp("user-cache")))
        yield


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """In-process runs never reuse results cached by another test (which may have
    patched a check) nor write caches beside the real corpus; the cache has its
    own tests (test_parallel_cache.py), which opt back in."""
    monkeypatch.setenv("ATLASLINT_NO_CACHE", "1")


@pytest.fixture
def corpus_dir() -> Path:
    if not (CORPUS / "souls").is_dir():
        pytest.skip(f"the real corpus is not at {CORPUS} (../shared/corpus beside the repo)")
    return CORPUS


@pytest.fixture
def atlas(tmp_path: Path, corpus_dir: Path) -> Callable[..., Path]:
    """Copy real profiles into a fresh atlas folder: ``atlas("carpenter", "electrician")``."""
    root = tmp_path / "atlas"
    root.mkdir(exist_ok=True)

    def make(*slugs: str) -> Path:
        for slug in slugs:
            shutil.copytree(corpus_dir / "souls" / slug, root / slug)
        return root

    return make


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict:
        return json.loads(self.stdout)

    @property
    def diagnostics(self) -> list[dict]:
        return self.json["diagnostics"]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """Run ``atlaslint`` in-process from a folder: ``cli("check", "x", cwd=tmp)``."""

    def run(*args: str, cwd: Path | None = None, input: str | None = None) -> Run:
        if cwd is not None:
            monkeypatch.chdir(cwd)
        result = CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace text in a fixture file, failing loudly if the text is not there."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def find(diagnostics: list[dict], rule: str) -> list[dict]:
    return [d for d in diagnostics if d["rule"] == rule]


# Hypothesis: a bounded number of examples in the default suite; a long run with
# HYPOTHESIS_PROFILE=ci-long (or --hypothesis-profile=ci-long). No deadline and no
# "too slow" health check: this machine slows by half for minutes at a time, and the
# tests assert what the code answers, not how fast examples are made.
from hypothesis import HealthCheck  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

hypothesis_settings.register_profile(
    "default-suite",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
hypothesis_settings.register_profile(
    "ci-long",
    parent=hypothesis_settings.get_profile("default-suite"),
    max_examples=1000,
)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default-suite"))
