"""A small atlas to break on purpose: the bundled example profile, copied into a
temporary folder with its `related` links (to profiles not in the copy) removed,
so that it lints with no finding at all until a test edits it.

The atlas's ``.atlaslint.yaml`` pins the rule families these tests are about, so
that prose families (bias, style, grammar) added elsewhere do not change the
exact findings they assert; ``add_config`` appends to it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "profiles" / "customs-officer"
SLUG = "customs-officer"
FAMILIES = "select: [syntax, schema, structure, xref]\n"


def add_config(root: Path, text: str) -> Path:
    """Append ``text`` to ``root/.atlaslint.yaml`` (which pins the families)."""
    path = root / ".atlaslint.yaml"
    before = path.read_text(encoding="utf-8") if path.is_file() else FAMILIES
    path.write_text(before + text, encoding="utf-8")
    return path


def make_atlas(root: Path, slug: str = SLUG, config: bool = True) -> Path:
    """Copy the example profile to ``root/<slug>/``; return ``root``. With ``config``,
    ``root/.atlaslint.yaml`` pins the families (unless it exists already)."""
    root.mkdir(parents=True, exist_ok=True)
    if config and not (root / ".atlaslint.yaml").exists():
        (root / ".atlaslint.yaml").write_text(FAMILIES, encoding="utf-8")
    target = root / slug
    shutil.copytree(EXAMPLE, target)
    meta = target / "metadata.yaml"
    text = meta.read_text(encoding="utf-8")
    text, count = re.subn(r"related:\n(  - .*\n)+", "related: []\n", text)
    assert count == 1
    if slug != SLUG:
        text = re.sub(r"aliases:\n(  - .*\n)+", "aliases: []\n", text)
        text = text.replace(f"slug: {SLUG}", f"slug: {slug}").replace(
            "title: Customs Officer", f"title: {slug.replace('-', ' ').title()}"
        )
        soul = target / "SOUL.md"
        soul.write_text(
            soul.read_text(encoding="utf-8").replace(
                "# Customs Officer", f"# {slug.replace('-', ' ').title()}", 1
            ),
            encoding="utf-8",
        )
    meta.write_text(text, encoding="utf-8")
    return root
