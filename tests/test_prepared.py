"""The built-in rules' descriptions kept prepared across runs (atlaslint.prepared,
which the bundled packs use too: tests/phrases/test_store.py): the same rules as
reading rules/builtin/*.yaml, never taken from a broken, planted or foreign file,
never written when the cache is off."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest

from atlaslint import registry
from atlaslint.prepared import ENV_USER_DIR, SUFFIX
from atlaslint.registry import RULES_PREFIX, RuleInfo, builtin_rules


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "user-cache"
    monkeypatch.setenv(ENV_USER_DIR, str(where))
    monkeypatch.delenv("ATLASLINT_NO_CACHE", raising=False)
    monkeypatch.setattr(registry, "_builtin", None)  # this process has read none yet
    return where


def kept(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{RULES_PREFIX}*{SUFFIX}"))


def from_yaml() -> tuple[RuleInfo, ...]:
    return registry._read_builtin_rules()


def fresh_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "_builtin", None)


def refuse_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> tuple:
        raise AssertionError("the rules were read from YAML")

    monkeypatch.setattr(registry, "_read_builtin_rules", refuse)


def test_a_run_keeps_the_rules_and_the_next_reads_the_same_without_the_yaml(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = builtin_rules(stored=True)
    assert len(kept(folder)) == 1
    assert first == from_yaml()
    assert {r.id for r in first} >= {"schema/required", "xref/unknown-slug", "internal/error"}
    fresh_process(monkeypatch)
    refuse_yaml(monkeypatch)
    again = builtin_rules(stored=True)
    assert again is not first
    assert again == first
    assert [r.severity for r in again] == [r.severity for r in first]


def test_not_stored_it_neither_writes_nor_reads(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert builtin_rules() == from_yaml()  # stored=False: what `atlaslint rules` does
    assert not folder.exists()
    fresh_process(monkeypatch)
    builtin_rules(stored=True)
    fresh_process(monkeypatch)
    refuse_yaml(monkeypatch)
    with pytest.raises(AssertionError, match="read from YAML"):
        builtin_rules(stored=False)


def test_the_environment_switch_turns_it_off(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ATLASLINT_NO_CACHE", "1")
    builtin_rules(stored=True)
    assert not folder.exists()


class _Planted:
    """Unpickled, this would create a folder: what a planted file could try."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self) -> tuple:
        return (os.mkdir, (self.target,))


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not a pickle",
        pickle.dumps(("a tuple", "of strings")),
        pickle.dumps([]),
        "planted",
    ],
)
def test_a_broken_or_planted_file_is_read_again_from_yaml_and_replaced(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, payload: bytes | str
) -> None:
    builtin_rules(stored=True)
    (path,) = kept(folder)
    target = tmp_path / "pwned"
    if payload == "planted":
        payload = pickle.dumps((_Planted(str(target)),))
    assert isinstance(payload, bytes)
    path.write_bytes(payload)
    fresh_process(monkeypatch)
    assert builtin_rules(stored=True) == from_yaml()
    assert not target.exists()
    assert path.read_bytes() != payload  # replaced by a good one
    fresh_process(monkeypatch)
    refuse_yaml(monkeypatch)
    assert builtin_rules(stored=True) == registry._builtin


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_file_others_may_write_is_not_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    builtin_rules(stored=True)
    (path,) = kept(folder)
    path.chmod(0o666)
    fresh_process(monkeypatch)
    refuse_yaml(monkeypatch)
    with pytest.raises(AssertionError, match="read from YAML"):
        builtin_rules(stored=True)


def test_the_key_follows_the_rule_files(folder: Path, tmp_path: Path, monkeypatch) -> None:
    """An edited rules/builtin/*.yaml (a checkout) is read again, not taken from the
    pickle of the old text."""
    copy = tmp_path / "builtin"
    copy.mkdir()
    for path in registry._builtin_rule_paths():
        (copy / path.name).write_bytes(path.read_bytes())
    monkeypatch.setattr(registry, "_builtin_rule_paths", lambda: sorted(copy.glob("*.yaml")))
    before = builtin_rules(stored=True)
    xref = copy / "xref.yaml"
    xref.write_text(
        xref.read_text(encoding="utf-8").replace("severity: warning", "severity: error", 1),
        encoding="utf-8",
    )
    fresh_process(monkeypatch)
    after = builtin_rules(stored=True)
    assert len(kept(folder)) == 2
    changed = {r.id for r in after} - {r.id for r in before} | {
        a.id for a, b in zip(after, before, strict=True) if a != b
    }
    assert len(changed) == 1
    assert next(r for r in after if r.id in changed).severity.label == "error"


def test_a_cold_check_run_reads_the_kept_rules_not_the_yaml(tmp_path: Path) -> None:
    """The whole command, with an empty result cache (so the config is validated, the
    step that used to read the rules first): the second run never reads the YAML."""
    import subprocess
    import sys

    from tests.example_atlas import make_atlas

    root = make_atlas(tmp_path / "atlas")
    env = {k: v for k, v in os.environ.items() if not k.startswith("ATLASLINT_")}
    env[ENV_USER_DIR] = str(tmp_path / "user-cache")
    refusing = (
        "import atlaslint.registry as r\n"
        "def refuse():\n"
        "    raise SystemExit('the rules were read from YAML')\n"
        "r._read_builtin_rules = refuse\n"
        "from atlaslint.cli import entry\n"
        "entry()\n"
    )

    def run(code: str, results: str) -> subprocess.CompletedProcess:
        args = ["check", "--format", "json", "--cache-dir", str(tmp_path / results), "."]
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    first = run("from atlaslint.cli import entry; entry()", "results-1")
    assert len(kept(tmp_path / "user-cache")) == 1
    second = run(refusing, "results-2")
    assert "read from YAML" not in second.stderr
    assert (second.returncode, second.stdout) == (first.returncode, first.stdout)
