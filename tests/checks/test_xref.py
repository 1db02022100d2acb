"""xref/*: slugs, related profiles, duplicate titles - across the profiles under the root."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from atlaslint.cache import GUESSES
from atlaslint.checks.xref import Guesser
from tests.conftest import edit, find


def _span(diag: dict) -> tuple[int, int, int, int]:
    return diag["line"], diag["column"], diag["end_line"], diag["end_column"]


def test_slug_must_equal_folder(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "slug: 'carpenter'", "slug: 'carpentr'")
    run = cli("check", str(root), "--format", "json", "--select", "xref/slug-mismatch")
    (diag,) = run.diagnostics
    assert _span(diag) == (2, 7, 2, 17)
    assert diag["severity"] == "error" and run.exit_code == 1


def test_self_reference_is_an_error(atlas, cli):
    root = atlas("carpenter")
    edit(root / "carpenter/metadata.yaml", "slug: 'electrician'", "slug: 'carpenter'")
    run = cli("check", str(root), "--format", "json", "--select", "xref")
    (diag,) = find(run.diagnostics, "xref/self-reference")
    assert _span(diag) == (24, 13, 24, 24)
    assert run.exit_code == 1


def test_unknown_related_slug_is_a_warning_and_known_ones_pass(atlas, cli):
    root = atlas("auditor", "financial-analyst")
    run = cli("check", str(root / "auditor"), "--format", "json", "--select", "xref")
    unknown = {d["message"].split("'")[1] for d in find(run.diagnostics, "xref/unknown-slug")}
    # financial-analyst exists beside it even though only auditor was named
    assert unknown == {"accountant", "compliance-officer", "lawyer", "management-consultant"}
    assert all(d["path"].endswith("auditor/metadata.yaml") for d in run.diagnostics)
    assert run.exit_code == 0


def test_duplicate_title_across_profiles(atlas, cli):
    root = atlas("carpenter", "barista")
    edit(root / "barista/metadata.yaml", "title: 'Barista'", "title: 'joiner'")
    run = cli("check", str(root), "--format", "json", "--select", "xref/duplicate-title")
    paths = sorted(d["path"].split("/")[-2] for d in run.diagnostics)
    assert paths == ["barista", "carpenter"]
    carpenter = next(d for d in run.diagnostics if "carpenter" in d["path"])
    assert _span(carpenter) == (4, 5, 4, 13)
    assert "barista" in carpenter["message"]


def test_only_named_files_get_diagnostics(atlas, cli):
    root = atlas("carpenter", "barista")
    edit(root / "barista/metadata.yaml", "category:", "categry:")
    run = cli("check", str(root / "carpenter" / "SOUL.md"), "--format", "json")
    assert not [d for d in run.diagnostics if "barista" in d["path"]]
    assert run.exit_code == 0


def test_shared_search_gives_the_same_guesses_as_one_process(monkeypatch) -> None:
    """A large atlas's "did you mean" search runs over forked processes; the answers
    are the ones difflib gives one by one."""
    import random

    from atlaslint.checks.xref import Guesser

    rng = random.Random(7)
    words = ["nurse", "welder", "pilot", "farmer", "judge", "baker", "coach", "miner"]
    slugs = {f"{rng.choice(words)}-{rng.choice(words)}-v{i}" for i in range(1500)}
    values = [slug[:-1] + "x" for slug in sorted(slugs)[:60]] + ["nothing-like-it"]
    alone = Guesser(slugs)
    expected = {value: alone(value) for value in values}
    shared = Guesser(slugs)
    monkeypatch.setattr(Guesser, "PARALLEL_FROM", 1)
    shared.prepare(values, jobs=2)
    assert shared.known == expected
    assert any(guess is not None for guess in expected.values())


def test_guesses_made_during_the_run_serve_only_the_slugs_they_were_made_for() -> None:
    """The engine guesses while a pool checks the atlas, from the slugs of the folders;
    xref uses those answers only if the results name exactly those slugs."""
    from atlaslint.checks.sink import Sink
    from atlaslint.checks.xref import Guesser, check_xref
    from atlaslint.positions import Span
    from atlaslint.units import PROFILE, IndexEntry, Ref

    def entry(slug: str, related: str) -> IndexEntry:
        found = IndexEntry(PROFILE, slug=slug)
        found.related.append(Ref(related, f"{slug}/metadata.yaml", Span(3, 9, 3, 20)))
        return found

    entries = [(entry("welder", "pilots"), True), (entry("pilot", "welder"), True)]
    early = Guesser({"welder", "pilot"})
    early.known["pilots"] = "planted"  # an answer only this guesser holds
    sink = Sink()
    check_xref(entries, sink, guesses=early)
    assert [d.suggestion for d in sink.items] == ["planted"]  # the same slugs: used

    stale = Guesser({"welder", "pilot", "pilotss"})
    stale.known["pilots"] = "planted"
    sink = Sink()
    check_xref(entries, sink, guesses=stale)
    assert [(d.rule, d.suggestion) for d in sink.items] == [("xref/unknown-slug", "pilot")]


@settings(max_examples=300)
@given(
    slugs=st.sets(st.text("abcde-", min_size=1, max_size=24), min_size=1, max_size=40),
    change=st.tuples(st.integers(0, 40), st.integers(0, 30), st.text("abcde-", max_size=6)),
    prefilter=st.booleans(),
)
def test_a_guess_is_the_one_difflib_gives_over_every_slug(
    slugs: set[str], change: tuple[int, int, str], prefilter: bool
) -> None:
    """Only slugs of a length that could match are compared, with or without the
    rapidfuzz prefilter; the answer is difflib's over all of them. The value is a
    slug with a part replaced, so that it is often near one, sometimes several."""
    import difflib

    from atlaslint.checks.xref import Guesser

    which, at, inserted = change
    near = sorted(slugs)[which % len(slugs)]
    value = near[:at] + inserted + near[at + len(inserted) // 2 :] or "a"
    guesser = Guesser(slugs)
    if prefilter:
        guesser.compared = Guesser.PREFILTER_FROM  # rapidfuzz from the first value
    expected = difflib.get_close_matches(value, sorted(slugs), n=1, cutoff=0.8)
    assert guesser(value) == (expected[0] if expected else None)


@settings(max_examples=300)
@given(
    words=st.lists(st.text("aab-é\u212a", max_size=30), min_size=2, max_size=6),
)
def test_the_characters_two_slugs_share_are_the_bits_they_share(words: list[str]) -> None:
    """The bits prefilter keeps exactly the slugs difflib's quick_ratio test keeps:
    characters counted with their repeats, whichever strings gave the bits first."""
    import difflib

    guesser = Guesser(set())
    for a in words:
        for b in words:
            shared = (guesser._counted(a) & guesser._counted(b)).bit_count()
            matcher = difflib.SequenceMatcher(None, b, a)
            assert shared == round(matcher.quick_ratio() * (len(a) + len(b)) / 2)
            kept = guesser._sharing_enough(a, [b]) == [b]
            assert kept == (not a or matcher.quick_ratio() >= 0.8)


def test_guesses_come_out_the_same_as_results_arrive_or_at_the_end(atlas, cli, monkeypatch) -> None:
    """A small atlas guesses "did you mean" slugs while its units are checked, a large
    one at the end over every core; the findings are the same either way."""
    from atlaslint import engine

    root = atlas("carpenter", "tile-setter")
    edit(root / "carpenter/metadata.yaml", "slug: 'electrician'", "slug: 'tile-settr'")
    made: list[object] = []
    real_init = engine._MeanwhileWork.__init__

    def spied(self, targets, slugs) -> None:
        real_init(self, targets, slugs)
        made.append(self.guesses)

    monkeypatch.setattr(engine._MeanwhileWork, "__init__", spied)
    runs = {}
    for below in (10**9, 0):
        monkeypatch.setattr(engine, "GUESS_MEANWHILE_BELOW", below)
        runs[below] = cli("check", str(root), "--format", "json", "--no-cache", "--select", "xref")
    early, late = made
    assert early is not None and early.known["tile-settr"] == "tile-setter"
    assert late is None  # guessed in check_xref, after the run
    assert runs[0].stdout == runs[10**9].stdout
    (diag,) = [d for d in find(runs[0].diagnostics, "xref/unknown-slug") if "settr" in d["message"]]
    assert diag["suggestion"] == "tile-setter" and "did you mean 'tile-setter'?" in diag["message"]


def _did_you_mean(run) -> list[tuple[str, str | None]]:
    found = find(run.diagnostics, "xref/unknown-slug")
    return sorted((d["message"], d.get("suggestion")) for d in found)


@pytest.fixture
def guessing_atlas(atlas, monkeypatch) -> Path:
    """Two profiles, one naming a misspelt slug, with the result cache turned on."""
    monkeypatch.delenv("ATLASLINT_NO_CACHE")
    root = atlas("carpenter", "tile-setter")
    edit(root / "carpenter/metadata.yaml", "slug: 'electrician'", "slug: 'tile-settr'")
    return root


def _searches(monkeypatch) -> list[str]:
    """The values the "did you mean" search runs for (not answered from memory)."""
    searched: list[str] = []
    real = Guesser._closest
    monkeypatch.setattr(Guesser, "_closest", lambda self, v: searched.append(v) or real(self, v))
    return searched


def test_a_warm_run_answers_did_you_mean_from_the_last_run(guessing_atlas, cli, monkeypatch):
    cache = guessing_atlas / "cache"
    args = ("check", str(guessing_atlas), "--format", "json", "--cache-dir", str(cache))
    first = cli(*args)
    assert ("tile-settr", "tile-setter") in json.loads((cache / GUESSES).read_text())[
        "answers"
    ].items()
    searched = _searches(monkeypatch)
    again = cli(*args)
    assert searched == []
    assert _did_you_mean(again) == _did_you_mean(first)
    assert any(s == "tile-setter" for _, s in _did_you_mean(again))
    # a pre-commit run of one file keeps every answer for the next full run
    cli("check", str(guessing_atlas / "carpenter"), "--format", "json", "--cache-dir", str(cache))
    assert "tile-settr" in json.loads((cache / GUESSES).read_text())["answers"]
    assert searched == []


def test_answers_are_for_the_slugs_they_were_found_among(guessing_atlas, atlas, cli, monkeypatch):
    cache = guessing_atlas / "cache"
    args = ("check", str(guessing_atlas), "--format", "json", "--cache-dir", str(cache))
    cli(*args)
    atlas("barista")  # one more profile: another set of slugs, another search
    searched = _searches(monkeypatch)
    run = cli(*args)
    assert "tile-settr" in searched
    assert any(s == "tile-setter" for _, s in _did_you_mean(run))


@pytest.mark.parametrize(
    "planted",
    [
        '{"answers": {"tile-settr": "rm -rf ~ (not a slug)"}}',  # right key added below
        '{"answers": {"tile-settr": ["tile-setter"], "x": {"y": 1}}}',  # nor a string
        "not json at all {",
        '["a", "list"]',
    ],
)
def test_remembered_answers_that_are_not_slugs_are_not_taken(
    guessing_atlas, cli, monkeypatch, planted: str
):
    cache = guessing_atlas / "cache"
    args = ("check", str(guessing_atlas), "--format", "json", "--cache-dir", str(cache))
    first = cli(*args)
    stored = json.loads((cache / GUESSES).read_text())
    if planted.startswith('{"answers"'):  # under the right key: only the answers are wrong
        planted = json.dumps({**json.loads(planted), "key": stored["key"]})
    (cache / GUESSES).write_text(planted)
    searched = _searches(monkeypatch)
    again = cli(*args)
    assert "tile-settr" in searched  # the search ran again
    assert _did_you_mean(again) == _did_you_mean(first)
    assert json.loads((cache / GUESSES).read_text()) == stored  # rewritten as it was


def test_no_cache_remembers_no_answers(guessing_atlas, cli):
    cli("check", str(guessing_atlas), "--format", "json", "--no-cache")
    assert not list(guessing_atlas.rglob(GUESSES))
