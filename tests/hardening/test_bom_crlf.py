"""A BOM and CRLF line ends lint like any file, with the same positions as LF."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import find

VARIANTS = {
    "plain-lf": (False, False),
    "plain-crlf": (False, True),
    "bom-lf": (True, False),
    "bom-crlf": (True, True),
}


def rewrite(path: Path, bom: bool, crlf: bool) -> None:
    data = path.read_bytes()
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    if bom:
        data = b"\xef\xbb\xbf" + data
    path.write_bytes(data)


def test_bom_and_crlf_give_the_same_diagnostics_as_lf(
    tmp_path: Path, example_profile: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    for name, (bom, crlf) in VARIANTS.items():
        folder = example_profile(name)
        meta, soul = folder / "metadata.yaml", folder / "SOUL.md"
        meta.write_text(
            meta.read_text(encoding="utf-8").replace(
                "category: Government", "category: Gövernment"
            ),
            encoding="utf-8",
        )
        soul.write_text(
            soul.read_text(encoding="utf-8").replace("## Core Mission", "## Core Misson"),
            encoding="utf-8",
        )
        rewrite(meta, bom, crlf)
        rewrite(soul, bom, crlf)
    run = cli("check", "--format", "json", ".", cwd=tmp_path)
    assert run.exit_code == 1
    by_variant: dict[str, list[tuple]] = {name: [] for name in VARIANTS}
    for d in run.diagnostics:
        folder, _, file = d["path"].partition("/")
        if d["rule"].startswith("xref/duplicate"):  # the four copies share a title
            continue
        key = (file, d["rule"], d["line"], d["column"], d["end_line"], d["end_column"])
        by_variant[folder].append(key)
    reference = by_variant["plain-lf"]
    # The LF positions are the right ones: the value after 'category: ' on line 7,
    # ten code points long (eleven bytes), and the misspelt heading on line 16.
    enum = find(run.diagnostics, "schema/enum")
    assert {(d["line"], d["column"], d["end_line"], d["end_column"]) for d in enum} == {
        (7, 11, 7, 21)
    }
    assert ("SOUL.md", "structure/unknown-section", 16, 1, 16, 15) in reference
    for name, found in by_variant.items():
        assert found == reference, name


def test_crlf_file_is_not_rewritten(
    tmp_path: Path, example_profile: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    folder = example_profile("customs-officer")
    rewrite(folder / "metadata.yaml", True, True)
    before = (folder / "metadata.yaml").read_bytes()
    run = cli("check", "--format", "json", str(folder), cwd=tmp_path)
    assert run.exit_code == 0, run.stdout
    assert (folder / "metadata.yaml").read_bytes() == before
