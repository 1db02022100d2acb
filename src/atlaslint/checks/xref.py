"""xref/*: rules across files, read from the per-unit index (never by re-parsing).

Every profile and framework under the project root is in the index; only units
the user named get diagnostics.
"""

from __future__ import annotations

import difflib
from collections import defaultdict

from atlaslint.checks.sink import Sink
from atlaslint.units import PROFILE, IndexEntry, Ref


def check_xref(entries: list[tuple[IndexEntry, bool]], sink: Sink) -> None:
    """``entries``: each unit's index and whether its diagnostics are reported."""
    slugs = {e.slug for e, _ in entries if e.kind == PROFILE and e.slug}
    holders: dict[str, list[tuple[Ref, IndexEntry]]] = defaultdict(list)
    for entry, _ in entries:
        if entry.kind != PROFILE:
            continue
        seen_here: set[str] = set()
        for ref in entry.titles:
            key = ref.value.strip().casefold()
            if key and key not in seen_here:
                seen_here.add(key)
                holders[key].append((ref, entry))
    for entry, reported in entries:
        if not reported:
            continue
        for ref in entry.related:
            if ref.value not in slugs:
                _unknown(ref, slugs, sink, "related profile")
        if entry.profile_ref is not None and entry.profile_ref.value not in slugs:
            _unknown(entry.profile_ref, slugs, sink, "profile")
        for ref in entry.titles:
            others = [(r, e) for r, e in holders[ref.value.strip().casefold()] if e is not entry]
            if others:
                other_ref, other = others[0]
                sink.emit(
                    ref.path,
                    ref.span,
                    "xref/duplicate-title",
                    f"'{ref.value}' is also a title or alias of profile '{other.slug}' "
                    f"({other_ref.path}:{other_ref.span.line})",
                )


def _unknown(ref: Ref, slugs: set[str], sink: Sink, what: str) -> None:
    guess = difflib.get_close_matches(ref.value, sorted(slugs), n=1, cutoff=0.8)
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    sink.emit(
        ref.path,
        ref.span,
        "xref/unknown-slug",
        f"{what} '{ref.value}' does not exist in this atlas{hint}",
        guess[0] if guess else None,
    )
