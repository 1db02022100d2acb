"""Real paths as ``os.path.realpath`` gives them, each folder resolved once."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from atlaslint.fspaths import _has_parent_step, forget, real_path


@given(st.text(alphabet="a./", max_size=12))
def test_a_parent_step_is_found_as_path_parts_find_it(path: str) -> None:
    assert _has_parent_step(path) == (".." in Path(path).parts)


def test_real_path_is_realpath_through_links_and_parent_steps(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "atlas" / "souls" / "welder").mkdir(parents=True)
    (tmp_path / "link").symlink_to(tmp_path / "atlas" / "souls")
    (tmp_path / "atlas" / "souls" / "pilot").symlink_to(tmp_path / "atlas" / "souls" / "welder")
    monkeypatch.chdir(tmp_path)
    forget()
    for path in [
        "link/welder",
        "link/pilot",
        "atlas/souls/../souls/pilot",
        "atlas/./souls//welder",
        str(tmp_path / "link" / "pilot"),
        "link/../atlas",
        "missing/folder",
    ]:
        assert real_path(path) == os.path.realpath(path), path
