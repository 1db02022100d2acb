"""digest: BLAKE2b without loading OpenSSL, the same bytes as hashlib's."""

from __future__ import annotations

import hashlib
import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from atlaslint import digest
from atlaslint.cache import ENV_DIR, ENV_OFF


def test_the_digests_are_hashlibs() -> None:
    for data, size in ((b"", 16), (b"SOUL.md\x00metadata.yaml", 20), (bytes(range(256)) * 9, 64)):
        ours = digest.blake2b(data, digest_size=size).digest()
        assert ours == hashlib.blake2b(data, digest_size=size).digest()


def test_without_the_builtin_module_hashlib_serves(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "_blake2", None)  # as if the interpreter lacked it
    try:
        fallback = importlib.reload(digest)
        assert fallback.blake2b(b"x").digest() == hashlib.blake2b(b"x").digest()
    finally:
        monkeypatch.undo()
        importlib.reload(digest)


def test_a_check_run_does_not_import_hashlib(tmp_path: Path) -> None:
    """hashlib loads OpenSSL when imported: milliseconds of every run's start-up. A
    whole check run (cache written, then read) gets by without it."""
    examples = Path(__file__).resolve().parents[1] / "examples"
    code = (
        "import sys\n"
        "from atlaslint.cli import main\n"
        "for _ in range(2):\n"
        "    try:\n"
        f"        main(['check', {str(examples)!r}, '--cache-dir', {str(tmp_path)!r}, '-q'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print('hashlib' in sys.modules, '_hashlib' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in (ENV_DIR, ENV_OFF)}  # cache on
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env
    )
    assert run.stderr.split()[-2:] == ["False", "False"], run.stderr
    assert any(tmp_path.rglob("*.pkl"))  # the cache was written (and read by the second run)
