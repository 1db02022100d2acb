"""Fixtures for the bad-input tests."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hardening.hardening_support import EXAMPLE_PROFILE


@pytest.fixture
def example_profile(tmp_path: Path) -> Callable[..., Path]:
    """Copy the bundled example profile into ``tmp_path/<slug>`` (slug rewritten)."""

    def make(slug: str, root: Path | None = None) -> Path:
        target = (root or tmp_path) / slug
        shutil.copytree(EXAMPLE_PROFILE, target)
        meta = target / "metadata.yaml"
        meta.write_text(
            meta.read_text(encoding="utf-8").replace("slug: customs-officer", f"slug: {slug}", 1),
            encoding="utf-8",
        )
        return target

    return make
