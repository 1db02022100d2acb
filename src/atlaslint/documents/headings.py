"""GitHub-style heading ids: what a section's ``id`` must be in an assembled record.

The atlas renders each section with marked and marked-gfm-heading-id, which slugs a
heading the way github-slugger does: lower-case the heading's text, drop punctuation and
symbols (keeping letters, marks, numbers, ``_`` and ``-``), and turn each space into
``-``. Each section is rendered on its own, so repeated headings are not numbered.
"""

from __future__ import annotations

import unicodedata

from atlaslint.documents.markdown import inline_text

_KEPT = frozenset("-_ ")


def github_slug(text: str) -> str:
    """github-slugger's slug of plain text (without its numbering of repeats)."""
    kept = (
        char for char in text.lower() if char in _KEPT or unicodedata.category(char)[0] in "LMN"
    )
    return "".join(kept).replace(" ", "-")


def heading_id(heading: str) -> str:
    """The id of a heading written as inline Markdown (``Anti-patterns``, ``The `x` tool``)."""
    return github_slug(inline_text(heading))
