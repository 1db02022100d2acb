"""Helpers for the framework rule tests: copy a fixture (or the bundled example), break
it, check it, and read back one rule's diagnostics."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.conftest import EXAMPLES, edit

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLE = EXAMPLES / "frameworks" / "customs-and-border-protection-officers.framework.yaml"


def copy(tmp_path: Path, name: str) -> Path:
    """``block``, ``flow`` (the small fixtures) or ``example`` into ``tmp_path``."""
    source = EXAMPLE if name == "example" else FIXTURES / f"{name}.framework.yaml"
    target = tmp_path / ("example.framework.yaml" if name == "example" else source.name)
    shutil.copy(source, target)
    return target


def broken(tmp_path: Path, name: str, *edits: tuple[str, str]) -> Path:
    path = copy(tmp_path, name)
    for old, new in edits:
        edit(path, old, new)
    return path


def span(diag: dict) -> tuple[int, int, int, int]:
    return diag["line"], diag["column"], diag["end_line"], diag["end_column"]


def position_of(path: Path, line_text: str, token: str, nth: int = 1) -> tuple[int, int, int, int]:
    """Where ``token`` sits on the ``nth`` line that contains ``line_text`` (an oracle
    computed from the file text, independent of the YAML loader)."""
    seen = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line_text in line:
            seen += 1
            if seen == nth:
                column = line.index(token, line.index(line_text) if token in line_text else 0)
                return number, column + 1, number, column + 1 + len(token)
    raise AssertionError(f"{line_text!r} not found {nth} time(s) in {path}")
