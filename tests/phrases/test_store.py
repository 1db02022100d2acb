"""The bundled packs kept prepared across runs: the same rules as loading the YAML,
never read when stale, foreign, broken or someone else's, never run as code, and
never written under --no-cache."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from atlaslint.cache import ENV_DIR, ENV_OFF
from atlaslint.phrases import pack as pack_module
from atlaslint.phrases.pack import load_builtin_packs
from atlaslint.phrases.store import PREFIX, stored_builtin_packs
from atlaslint.prepared import ENV_USER_DIR, KEPT, SUFFIX, key_of
from tests.example_atlas import SLUG, make_atlas

TEXT = (
    "The chairman and his foreman met the elderly at the end of the day; "
    "in order to utilize the data, each policeman will leverage a whitelist."
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    where = tmp_path / "user-cache"
    monkeypatch.setenv(ENV_USER_DIR, str(where))
    return where


def kept(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{PREFIX}*{SUFFIX}"))


def summary(packs: tuple) -> list:
    """What a pack does: its rules, their terms and plans, and their hits in TEXT."""
    return [
        (
            pack.name,
            pack.structure,
            sorted(pack.asked_words()),
            [
                (
                    rule.id,
                    rule.terms,
                    rule._state().plans,
                    [(h.start, h.end, h.term_index) for h in rule.find(TEXT)],
                )
                for rule in pack.rules
            ],
        )
        for pack in packs
    ]


def no_yaml(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make loading the packs from their YAML fail, so a pass proves they were read."""

    def refuse() -> tuple:
        raise AssertionError("the packs were loaded from YAML")

    monkeypatch.setattr(pack_module, "load_builtin_packs", refuse)


def test_the_first_run_keeps_the_packs_and_the_next_reads_the_same_rules(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fresh = stored_builtin_packs()
    assert len(kept(folder)) == 1
    no_yaml(monkeypatch)
    again = stored_builtin_packs()
    assert again is not fresh
    assert summary(again) == summary(load_builtin_packs.__wrapped__())
    assert any(hits for pack in summary(again) for *_, hits in pack[3])  # TEXT does hit


def test_compiled_patterns_are_not_kept(folder: Path) -> None:
    packs = load_builtin_packs.__wrapped__()
    rule = packs[0].rules[0]
    list(rule.find(TEXT))
    _ = rule.pattern
    state = pickle.loads(pickle.dumps(rule))._state()
    assert state.combined is None
    assert state.lowered == [None] * len(rule.terms)
    assert state.original == [None] * len(rule.terms)


@pytest.mark.parametrize(
    "payload",
    [
        b"",
        b"not a pickle",
        pickle.dumps((1, 2)),
        pickle.dumps(["a list", "of strings"]),
    ],
)
def test_a_broken_file_is_prepared_again_and_replaced(folder: Path, payload: bytes) -> None:
    stored_builtin_packs()
    (path,) = kept(folder)
    path.write_bytes(payload)
    packs = stored_builtin_packs()
    assert summary(packs) == summary(load_builtin_packs.__wrapped__())
    assert path.read_bytes() != payload


def test_a_truncated_file_is_prepared_again(folder: Path) -> None:
    stored_builtin_packs()
    (path,) = kept(folder)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    assert summary(stored_builtin_packs()) == summary(load_builtin_packs.__wrapped__())


class _Planted:
    """Unpickled, this would create a file: what a planted cache file could try."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self) -> tuple:
        return (os.mkdir, (self.target,))


def test_a_planted_pickle_runs_no_code(folder: Path, tmp_path: Path) -> None:
    stored_builtin_packs()
    (path,) = kept(folder)
    target = tmp_path / "pwned"
    path.write_bytes(pickle.dumps((_Planted(str(target)),)))
    packs = stored_builtin_packs()
    assert not target.exists()
    assert summary(packs) == summary(load_builtin_packs.__wrapped__())


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX file modes")
def test_a_file_others_may_write_is_not_read(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stored_builtin_packs()
    (path,) = kept(folder)
    path.chmod(0o666)
    calls = []
    real = pack_module.load_builtin_packs
    monkeypatch.setattr(pack_module, "load_builtin_packs", lambda: calls.append(1) or real())
    stored_builtin_packs()
    assert calls == [1]


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="symbolic links")
def test_a_link_in_place_of_the_file_is_not_followed(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored_builtin_packs()
    (path,) = kept(folder)
    elsewhere = tmp_path / "elsewhere.pickle"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    calls = []
    real = pack_module.load_builtin_packs
    monkeypatch.setattr(pack_module, "load_builtin_packs", lambda: calls.append(1) or real())
    stored_builtin_packs()
    assert calls == [1]


def test_the_key_follows_the_packs_and_the_code(tmp_path: Path) -> None:
    pack, code = tmp_path / "style.yaml", tmp_path / "pack.py"
    pack.write_text("pack: style\n")
    code.write_text("x = 1\n")
    first = key_of([pack], [code])
    assert key_of([pack], [code]) == first
    pack.write_text("pack: style \n")
    second = key_of([pack], [code])
    code.write_text("x = 2\n")
    third = key_of([pack], [code])
    moved = tmp_path / "moved"
    moved.mkdir()
    (moved / "style.yaml").write_bytes(pack.read_bytes())
    fourth = key_of([moved / "style.yaml"], [code])
    assert len({first, second, third, fourth}) == 4


def test_an_unwritable_folder_only_costs_the_loading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(ENV_USER_DIR, str(blocker / "atlaslint"))
    assert summary(stored_builtin_packs()) == summary(load_builtin_packs.__wrapped__())


def test_disabled_it_neither_writes_nor_reads(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stored_builtin_packs(enabled=False)
    assert not folder.exists()
    stored_builtin_packs()
    no_yaml(monkeypatch)
    with pytest.raises(AssertionError, match="loaded from YAML"):
        stored_builtin_packs(enabled=False)


def test_only_the_newest_other_files_are_kept(folder: Path) -> None:
    folder.mkdir(parents=True)
    for i in range(KEPT + 3):
        old = folder / f"{PREFIX}{i:032x}{SUFFIX}"
        old.write_bytes(b"")
        os.utime(old, ns=(i * 10**9, i * 10**9))
    stored_builtin_packs()
    names = [p.name for p in kept(folder)]
    assert len(names) == KEPT + 1
    assert f"{PREFIX}{0:032x}{SUFFIX}" not in names
    assert f"{PREFIX}{KEPT + 2:032x}{SUFFIX}" in names


def _check(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "from atlaslint.cli import entry; entry()", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        timeout=120,
    )


def test_the_command_line_keeps_them_and_reports_the_same_bytes(tmp_path: Path) -> None:
    root = make_atlas(tmp_path / "atlas", config=False)
    soul = root / SLUG / "SOUL.md"
    soul.write_text(
        soul.read_text(encoding="utf-8") + "\nThe foreman will delve into a really long log.\n"
    )
    where = tmp_path / "user-cache"
    env = {k: v for k, v in os.environ.items() if k not in (ENV_DIR, ENV_OFF)}
    env[ENV_USER_DIR] = str(where)
    args = ["check", "--format", "json", "--no-cache", "."]
    without = _check(args, env, root)
    assert not where.exists()  # --no-cache: the folder is not touched
    env_off = dict(env, **{ENV_OFF: "1"})
    assert _check(["check", "--format", "json", "."], env_off, root).stdout == without.stdout
    assert not where.exists()  # nor with ATLASLINT_NO_CACHE
    env[ENV_DIR] = str(tmp_path / "results")
    first = _check(["check", "--format", "json", "."], env, root)
    assert len(kept(where)) == 1
    assert len(list(where.glob("rules-*.pickle"))) == 1  # the built-in rules beside them
    (tmp_path / "results").rename(tmp_path / "results-before")  # cold again, packs kept
    second = _check(["check", "--format", "json", "."], env, root)
    assert first.returncode == second.returncode == without.returncode == 0
    assert first.stdout == second.stdout == without.stdout
    rules = {d["rule"] for d in json.loads(first.stdout)["diagnostics"]}
    assert {"bias/gendered-title", "style/banned-phrase", "style/intensifier"} <= rules
    assert len(kept(where)) == 1
