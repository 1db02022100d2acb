"""Moving the paths of a cached index entry to the display a unit has in this run."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st

from atlaslint import cache
from atlaslint.positions import Span
from atlaslint.units import IndexEntry, Ref

DISPLAYS = ["souls/carpenter", "/abs/atlas/souls/carpenter", ".", "", "souls/carpenter/"]
PATHS = st.sampled_from(
    [
        "souls/carpenter",
        "souls/carpenter/metadata.yaml",
        "souls/carpentry/metadata.yaml",  # a sibling sharing the prefix, not under it
        "/abs/atlas/souls/carpenter/SOUL.md",
        "metadata.yaml",
        "elsewhere/x.yaml",
    ]
)
REFS = st.builds(Ref, st.text(max_size=5), PATHS, st.just(Span(1, 1, 1, 2)))


def general_walk(value, old, new):
    """The rebase every other value takes: field by field (no shortcut for entries)."""
    for name in ("titles", "related", "profile_ref"):
        item = getattr(value, name)
        moved = cache.rebase(item, old, new)
        if moved is not item:
            setattr(value, name, moved)
    return value


@given(
    st.lists(REFS, max_size=3),
    st.lists(REFS, max_size=4),
    st.none() | REFS,
    st.sampled_from(DISPLAYS),
    st.sampled_from(DISPLAYS),
)
def test_an_index_entry_moves_as_every_other_value_does(titles, related, profile, old, new):
    def entry() -> IndexEntry:
        copy = [dataclasses.replace(r) for r in (*titles, *related)]
        ref = dataclasses.replace(profile) if profile is not None else None
        return IndexEntry("profile", "carpenter", copy[: len(titles)], copy[len(titles) :], ref)

    assert cache.rebase(entry(), old, new) == general_walk(entry(), old, new)


def test_an_index_entry_holds_paths_only_in_its_refs() -> None:
    """The rebase of an entry moves its refs' paths alone: a new field must be added
    there (and to this list) if it holds a path."""
    fields = {f.name: f.type for f in dataclasses.fields(IndexEntry)}
    assert fields == {
        "kind": "str",
        "slug": "str | None",
        "titles": "list[Ref]",
        "related": "list[Ref]",
        "profile_ref": "Ref | None",
    }
