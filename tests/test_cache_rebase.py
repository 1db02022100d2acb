"""Moving the paths of a cached result or index entry to the display a unit has in this run."""

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


def _stored_then_looked_up(tmp_path, message: str):
    """A profile's checked result stored under ``souls/carpenter`` (as a full run names
    it), then looked up for the same folder named by its absolute path (as a run given
    that path names it): what the second run gets."""
    from pathlib import Path

    from atlaslint.diagnostics import Diagnostic, Severity
    from atlaslint.units import Unit, UnitResult

    folder = tmp_path / "souls" / "carpenter"
    folder.mkdir(parents=True)
    (folder / "SOUL.md").write_text("# Carpenter\n", encoding="utf-8")
    (folder / "metadata.yaml").write_text("slug: carpenter\n", encoding="utf-8")
    stored = cache.ResultCache(tmp_path / "cache", b"salt", 10**6)
    named = Unit("profile", "souls/carpenter", folder)
    miss = stored.lookup(named, cache.CHECK)
    miss = cache.Keying(stored.salt, stored.max_bytes, 0.0).fill(named, miss)
    path = "souls/carpenter/SOUL.md"
    result = UnitResult(
        [Diagnostic(path, Span(1, 1, 1, 3), "style/x", Severity.WARNING, message)],
        IndexEntry("profile", "carpenter"),
    )
    stored.put(miss, cache.make_payload(miss.key, named, cache.CHECK, result))
    stored.flush()
    again = cache.ResultCache(tmp_path / "cache", b"salt", 10**6)
    absolute = Unit("profile", str(folder), Path(folder))
    return again.lookup(absolute, cache.CHECK).result, str(folder)


def test_a_result_is_reused_under_another_name_with_its_paths_moved(tmp_path) -> None:
    found, absolute = _stored_then_looked_up(tmp_path, "a message without the path")
    assert found is not None
    assert [d.path for d in found.diagnostics] == [f"{absolute}/SOUL.md"]


def test_a_result_whose_message_repeats_its_path_is_checked_again_under_another_name(
    tmp_path,
) -> None:
    """Moving the path fields would leave the message naming the old path: a miss."""
    found, _ = _stored_then_looked_up(tmp_path, "see souls/carpenter/metadata.yaml")
    assert found is None
