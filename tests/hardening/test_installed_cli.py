"""Acceptance: the whole bad-input set of SPEC §1.4, run through the installed command.

Every case lives in one temporary atlas; the installed ``atlaslint`` (the one
next to this Python) runs on it as a user would. Nothing may print a traceback,
the exit code is the documented one, each bad file gets its diagnostic at its
position, every position lies inside its file, and not a byte changes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from atlaslint.prepared import ENV_USER_DIR
from tests.hardening.hardening_support import (
    EXAMPLE_PROFILE,
    assert_unchanged,
    assert_within_file,
    snapshot,
)

BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 9) + "]\n"
    for i in range(1, 10)
)


def atlaslint_command() -> str:
    found = shutil.which("atlaslint", path=str(Path(sys.executable).parent))
    if found is None:
        pytest.fail(f"atlaslint is not installed next to {sys.executable}")
    return found


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    # A user's environment, but for the suite's own user cache folder (see conftest)
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("ATLASLINT_") or k == ENV_USER_DIR
    }
    env["NO_COLOR"] = "1"
    env["RUST_BACKTRACE"] = "1"  # a Rust panic would print a backtrace: there must be none
    return subprocess.run(
        [atlaslint_command(), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def has_checker(kind: str) -> bool:
    return importlib.util.find_spec(f"atlaslint.kinds.{kind}") is not None


def build_bad_atlas(root: Path, marker: Path) -> set[tuple[str, str, int, int]]:
    """Write every bad input under ``root``; return the (path, rule, line, column)
    each must produce (paths relative to root's parent, as the user names them)."""
    expected: set[tuple[str, str, int, int]] = set()

    def profile(slug: str) -> Path:
        target = root / slug
        shutil.copytree(EXAMPLE_PROFILE, target)
        meta = target / "metadata.yaml"
        meta.write_bytes(
            meta.read_bytes().replace(b"slug: customs-officer", f"slug: {slug}".encode())
        )
        return target

    def expect(path: str, rule: str, line: int, column: int) -> None:
        expected.add((f"{root.name}/{path}", rule, line, column))

    profile("good")
    (root / "good" / "up").symlink_to("..")  # a folder loop
    (root / "stray.framework.yaml").mkdir()  # a folder named like a file

    (profile("bad-yaml") / "metadata.yaml").write_text('title: "Customs Officer\nslug: bad-yaml\n')
    expect("bad-yaml/metadata.yaml", "syntax/yaml", 3, 1)

    (profile("front-matter") / "SOUL.md").write_text("---\ntitle: x\n# Customs\n\n## Purpose\n")
    expect("front-matter/SOUL.md", "syntax/front-matter", 1, 1)

    meta = profile("bad-utf8") / "metadata.yaml"
    meta.write_bytes(meta.read_bytes().replace(b"category: Government", b"category: Gov\xe9rnment"))
    expect("bad-utf8/metadata.yaml", "syntax/encoding", 7, 14)

    folder = profile("bom-crlf")
    for name in ("metadata.yaml", "SOUL.md"):
        data = (folder / name).read_bytes().replace(b"status: draft", b"status: drafty")
        (folder / name).write_bytes(b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"))
    expect("bom-crlf/metadata.yaml", "schema/enum", 37, 9)

    (profile("empty") / "metadata.yaml").write_bytes(b"")
    expect("empty/metadata.yaml", "syntax/empty", 1, 1)

    (profile("binary") / "SOUL.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00")
    expect("binary/SOUL.md", "syntax/encoding", 1, 1)

    with open(profile("too-large") / "SOUL.md", "r+b") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB that take no disk
    expect("too-large/SOUL.md", "syntax/too-large", 1, 1)

    (profile("alias-bomb") / "metadata.yaml").write_text(BILLION_LAUGHS)
    expect("alias-bomb/metadata.yaml", "syntax/yaml", 6, 12)

    meta = profile("python-tag") / "metadata.yaml"
    tagged = f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
    meta.write_text(tagged + meta.read_text(encoding="utf-8").split("\n", 1)[1])
    expect("python-tag/metadata.yaml", "syntax/yaml-tag", 1, 8)

    meta = profile("duplicate-key") / "metadata.yaml"
    meta.write_text(meta.read_text(encoding="utf-8") + "title: Another Title\n")
    expect("duplicate-key/metadata.yaml", "syntax/duplicate-key", 39, 1)

    (profile("deep-yaml") / "metadata.yaml").write_text("[" * 100_000 + "]" * 100_000)
    expect("deep-yaml/metadata.yaml", "syntax/too-deep", 1, 101)

    (profile("deep-markdown") / "SOUL.md").write_text("> " * 100_000 + "x\n")
    expect("deep-markdown/SOUL.md", "syntax/too-deep", 1, 1001)

    folder = profile("folder-file")
    (folder / "metadata.yaml").unlink()
    (folder / "metadata.yaml").mkdir()
    expect("folder-file/metadata.yaml", "syntax/unreadable", 1, 1)

    folder = profile("looping-link")
    (folder / "metadata.yaml").unlink()
    (folder / "metadata.yaml").symlink_to("metadata.yaml")
    expect("looping-link/metadata.yaml", "syntax/unreadable", 1, 1)

    folder = profile("fifo")
    (folder / "metadata.yaml").unlink()
    os.mkfifo(folder / "metadata.yaml")
    expect("fifo/metadata.yaml", "syntax/unreadable", 1, 1)

    soul = profile("parser-panic") / "SOUL.md"  # markdown-it-pyrs panics on '[' then '`'
    soul.write_text(
        soul.read_text(encoding="utf-8").replace("## Purpose\n", "## Purpose\n\nsee [the `x\n", 1)
    )

    frameworks = root / "frameworks"
    frameworks.mkdir()
    (frameworks / "broken.framework.yaml").write_text("atlaslint: framework/1\noccupation: {x\n")
    (frameworks / "bomb.framework.yaml").write_text(BILLION_LAUGHS)
    (frameworks / "tag.framework.yaml").write_text(
        f'atlaslint: !!python/object/apply:os.system ["touch {marker}"]\n'
    )
    if has_checker("framework"):
        expect("frameworks/broken.framework.yaml", "syntax/yaml", 3, 1)
        expect("frameworks/bomb.framework.yaml", "syntax/yaml", 6, 12)
        expect("frameworks/tag.framework.yaml", "syntax/yaml-tag", 1, 12)

    records = root / "records"
    records.mkdir()
    (records / "nan.json").write_text('{"slug": NaN}')
    (records / "duplicate.json").write_text('{"slug": "a", "slug": "b"}')
    (records / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (records / "trailing-comma.json").write_text('{"slug": "a",}')
    if has_checker("record"):
        expect("records/nan.json", "syntax/json", 1, 10)
        expect("records/duplicate.json", "syntax/duplicate-key", 1, 15)
        expect("records/deep.json", "syntax/too-deep", 1, 101)
        expect("records/trailing-comma.json", "syntax/json", 1, 14)
    return expected


@pytest.fixture
def bad_atlas(tmp_path: Path) -> Callable[[], tuple[Path, set, Path]]:
    def make() -> tuple[Path, set, Path]:
        marker = tmp_path / "code-was-executed"
        expected = build_bad_atlas(tmp_path / "atlas", marker)
        return tmp_path, expected, marker

    return make


def test_whole_bad_input_set_json(bad_atlas) -> None:
    cwd, expected, marker = bad_atlas()
    before = snapshot(cwd)
    result = run("check", "--format", "json", "atlas", cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    assert "panicked" not in result.stderr, result.stderr
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    found = {(d["path"], d["rule"], d["line"], d["column"]) for d in report["diagnostics"]}
    assert expected <= found, sorted(expected - found)
    for diag in report["diagnostics"]:
        assert_within_file(diag, cwd)
    assert not any(d["rule"] == "internal/error" for d in report["diagnostics"])
    assert not marker.exists()
    assert_unchanged(before, snapshot(cwd))


def test_whole_bad_input_set_text(bad_atlas) -> None:
    """The text report shows source lines: it must not read the FIFO or the 50 MB file."""
    cwd, expected, marker = bad_atlas()
    before = snapshot(cwd)
    result = run("check", "atlas", cwd=cwd)
    assert "Traceback" not in result.stderr, result.stderr
    assert "panicked" not in result.stderr, result.stderr
    assert result.returncode == 1
    for path, rule, line, column in expected:
        assert f"{path}:{line}:{column}: error {rule} " in result.stdout
    assert "\x1b" not in result.stdout
    assert not marker.exists()
    assert_unchanged(before, snapshot(cwd))


def _broken_link(cwd: Path) -> str:
    (cwd / "gone.framework.yaml").symlink_to("nowhere")
    return "gone.framework.yaml"


def _looping_link(cwd: Path) -> str:
    (cwd / "self.framework.yaml").symlink_to("self.framework.yaml")
    return "self.framework.yaml"


def _fifo(cwd: Path) -> str:
    os.mkfifo(cwd / "pipe.framework.yaml")
    return "pipe.framework.yaml"


@pytest.mark.parametrize(
    "make",
    [lambda cwd: "does-not-exist", _broken_link, _looping_link, _fifo],
    ids=["missing", "broken-link", "looping-link", "fifo"],
)
def test_a_named_path_that_cannot_be_read_exits_2_with_one_line(
    tmp_path: Path, make: Callable[[Path], str]
) -> None:
    named = make(tmp_path)
    result = run("check", named, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"atlaslint: {named}: ")
    assert result.stderr.count("\n") == 1, result.stderr


def test_size_limit_lowered_in_config(tmp_path: Path) -> None:
    shutil.copytree(EXAMPLE_PROFILE, tmp_path / "customs-officer")
    (tmp_path / ".atlaslint.yaml").write_text("max-file-size: 1000\n")
    before = snapshot(tmp_path)
    result = run("check", "--format", "json", ".", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    found = {(d["path"], d["rule"], d["line"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert found == {
        ("customs-officer/SOUL.md", "syntax/too-large", 1),
        ("customs-officer/metadata.yaml", "syntax/too-large", 1),
    }
    assert_unchanged(before, snapshot(tmp_path))


def test_endless_stdin_is_read_only_up_to_the_limit(tmp_path: Path) -> None:
    """``check -`` with a stream that never ends: too large, not a hang or a memory blow-up."""
    with open("/dev/zero", "rb") as zeros:
        result = subprocess.run(
            [
                atlaslint_command(),
                "check",
                "--format",
                "json",
                "-",
                "--stdin-filename",
                "p/SOUL.md",
            ],
            cwd=tmp_path,
            stdin=zeros,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1, result.stderr
    found = json.loads(result.stdout)["diagnostics"]
    [diag] = [d for d in found if d["rule"] == "syntax/too-large"]
    assert (diag["path"], diag["line"], diag["column"]) == ("p/SOUL.md", 1, 1)
    assert "stdin" in diag["message"]
