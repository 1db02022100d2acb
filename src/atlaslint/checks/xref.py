"""xref/*: rules across files, read from the per-unit index (never by re-parsing).

Every profile and framework under the project root is in the index; only units
the user named get diagnostics.
"""

from __future__ import annotations

import difflib
from collections import defaultdict
from collections.abc import Iterable

from atlaslint.checks.sink import Sink
from atlaslint.units import PROFILE, IndexEntry, Ref


def check_xref(
    entries: list[tuple[IndexEntry, bool]],
    sink: Sink,
    jobs: int = 1,
    guesses: Guesser | None = None,
) -> None:
    """``entries``: each unit's index and whether its diagnostics are reported;
    ``jobs``: processes that may share the "did you mean" search of a large atlas;
    ``guesses``: a guesser that may already know some answers (used only if it
    was made for the slugs ``entries`` hold)."""
    slugs = profile_slugs(entries)
    if guesses is None or guesses.slug_set != slugs:
        guesses = Guesser(slugs)
    unknown = [
        ref.value
        for entry, reported in entries
        if reported
        for ref in (*entry.related, *((entry.profile_ref,) if entry.profile_ref else ()))
        if ref.value not in slugs
    ]
    guesses.prepare(unknown, jobs)
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
                _unknown(ref, guesses, sink, "related profile")
        if entry.profile_ref is not None and entry.profile_ref.value not in slugs:
            _unknown(entry.profile_ref, guesses, sink, "profile")
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


def profile_slugs(entries: Iterable[tuple[IndexEntry, bool]]) -> set[str]:
    """The slugs that exist: those of the profiles among ``entries``."""
    return {e.slug for e, _ in entries if e.kind == PROFILE and e.slug}


class Guesser:
    """The closest existing slug to an unknown one, as ``difflib.get_close_matches``
    (n=1, cutoff 0.8) finds it over every slug, but fast on large atlases.

    Only the slugs difflib could accept reach it, picked by one of two exact
    prefilters:

    - difflib's own ``quick_ratio`` test, 2·(characters in common, counted with
      their repeats)/T ≥ 0.8, made with integers: each slug is a set of bits, one
      per character and occurrence (the second 'e' is a bit of its own), so the
      characters two strings share are the bits of their AND. The same number as
      ``quick_ratio``'s, in the same float arithmetic, about ten times faster.
    - once a run has compared many slugs, rapidfuzz's Indel ratio in C++: difflib's
      ratio 2·M/T counts matching blocks, which form a common subsequence, so it
      never exceeds the Indel ratio 2·LCS/T, and every slug difflib would accept
      passes rapidfuzz's cut at 80.

    difflib then picks among those few exactly as it would among all. Answers are
    remembered, since atlases repeat the same missing slug.
    """

    PREFILTER_FROM = 50_000
    """Slug comparisons made with bits before rapidfuzz pays for its import. Bits cost
    2-3 µs to make for each slug met, then 0.13 µs a comparison; rapidfuzz, 15 ms to
    import, then 0.05 µs. At 654 profiles (18,000 comparisons) rapidfuzz is never
    imported: 4.4 ms, against 13 ms of difflib alone and then 16 ms of rapidfuzz. At
    5,000 (1.1 M comparisons, made at the end of the run) 68 ms plus the import, as
    before the bits; with bits alone it would be 140 ms."""

    def __init__(self, slugs: set[str]) -> None:
        self.slug_set = frozenset(slugs)
        self.slugs = sorted(slugs)
        self.by_length: dict[int, list[str]] = defaultdict(list)
        """The slugs of each length, each list sorted."""
        for slug in self.slugs:
            self.by_length[len(slug)].append(slug)
        self.known: dict[str, str | None] = {}
        """Every answer found, or taken from an earlier run (:meth:`remember`)."""
        self.compared = 0
        self._bits: dict[tuple[str, int], int] = {}
        """(character, its occurrence in a string) -> its bit (:meth:`_counted`)."""
        self._masks: dict[str, int] = {}
        """Slug -> its characters as bits, made as slugs are compared."""

    PARALLEL_FROM = 2_000_000
    """Slug comparisons from which the search is shared among processes (a few
    hundred unknown slugs in an atlas of thousands: a second or more alone)."""

    def __call__(self, value: str) -> str | None:
        if value not in self.known:
            self.known[value] = self._closest(value)
        return self.known[value]

    def remember(self, answers: dict[str, str | None]) -> None:
        """Take answers found earlier over these same slugs (an answer must be one of
        them, or none: anything else is not taken)."""
        for value, guess in answers.items():
            if isinstance(value, str) and (
                guess is None or (isinstance(guess, str) and guess in self.slug_set)
            ):
                self.known.setdefault(value, guess)

    def prepare(self, values: Iterable[str], jobs: int) -> None:
        """Find the guesses for many values at once: over ``jobs`` forked processes
        when there are enough comparisons to pay for them, else one by one later."""
        todo = sorted({value for value in values if value not in self.known})
        if jobs < 2 or len(todo) * len(self.slugs) < self.PARALLEL_FROM:
            return
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        if "fork" not in multiprocessing.get_all_start_methods():
            return  # workers would have to be sent every slug: not worth it
        self.compared = self.PREFILTER_FROM  # the workers use rapidfuzz from the start
        global _shared
        _shared = self
        try:
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(jobs, mp_context=context) as pool:
                # sixteen chunks a process: they end within one chunk of each other, a
                # few dozen guesses (0.7 ms each at 20,000 profiles), not a few hundred
                chunk = max(1, len(todo) // (16 * jobs))
                found = list(pool.map(_guess, todo, chunksize=chunk))
        except OSError:  # no process could be started: the search runs here, later
            return
        finally:
            _shared = None
        self.known.update(zip(todo, found, strict=True))

    def _closest(self, value: str) -> str | None:
        candidates = self._of_near_length(len(value))
        self.compared += len(candidates)
        kept = None
        if self.compared > self.PREFILTER_FROM:
            kept = _indel_kept(value, candidates)
        if kept is None:
            kept = self._sharing_enough(value, candidates)
        guess = difflib.get_close_matches(value, kept, n=1, cutoff=0.8)
        return guess[0] if guess else None

    def _sharing_enough(self, value: str, candidates: list[str]) -> list[str]:
        """The ``candidates`` passing difflib's ``quick_ratio`` test with ``value``
        (in their order): get_close_matches rejects every other one."""
        if not value:
            return candidates
        mine, length, masks = self._counted(value), len(value), self._masks
        kept = []
        for slug in candidates:
            theirs = masks.get(slug)
            if theirs is None:
                theirs = masks[slug] = self._counted(slug)
            # difflib: _calculate_ratio(matches, la + lb) >= cutoff, to the same float
            if 2.0 * (mine & theirs).bit_count() / (length + len(slug)) >= 0.8:
                kept.append(slug)
        return kept

    def _counted(self, text: str) -> int:
        """``text``'s characters, counted with their repeats, as bits: the bits two
        strings share are the characters they share, as ``quick_ratio`` counts them."""
        bits = self._bits
        seen: dict[str, int] = {}
        mask = 0
        for char in text:
            nth = seen.get(char, 0)
            seen[char] = nth + 1
            bit = bits.get((char, nth))
            if bit is None:
                bit = bits[(char, nth)] = 1 << len(bits)
            mask |= bit
        return mask

    def _of_near_length(self, length: int) -> list[str]:
        """The slugs whose length allows a match with a value of ``length``.

        Both ratios are at most 2·min(a, b)/(a + b) for lengths a and b (difflib's
        ``real_quick_ratio``), so a slug passing rapidfuzz's cut (79.5%) has
        159·(a + b) ≤ 400·min(a, b): from 159/241 to 241/159 of the value's
        length. Most slugs of an atlas fall outside that range for any one
        value, and are never compared (difflib would reject them anyway).
        """
        shortest = -(-159 * length // 241)
        longest = 241 * length // 159
        lengths: Iterable[int] = range(shortest, longest + 1)
        if longest - shortest >= len(self.by_length):  # a very long value: fewer keys
            lengths = [n for n in self.by_length if shortest <= n <= longest]
        return [slug for n in lengths for slug in self.by_length.get(n, ())]


def _indel_kept(value: str, candidates: list[str]) -> list[str] | None:
    """The ``candidates`` passing rapidfuzz's Indel cut (see :class:`Guesser`), sorted,
    or ``None`` without rapidfuzz (an optional speed-up: the bits give the same answer)."""
    try:
        from rapidfuzz import fuzz, process
    except ImportError:
        return None
    found = process.extract(value, candidates, scorer=fuzz.ratio, score_cutoff=79.5, limit=None)
    return sorted(choice for choice, _, _ in found)


_shared: Guesser | None = None
"""The guesser a forked worker inherits (set only while :meth:`Guesser.prepare` runs)."""


def _guess(value: str) -> str | None:
    assert _shared is not None
    return _shared._closest(value)


def _unknown(ref: Ref, guesses: Guesser, sink: Sink, what: str) -> None:
    found = guesses(ref.value)
    guess = [found] if found else []
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    sink.emit(
        ref.path,
        ref.span,
        "xref/unknown-slug",
        f"{what} '{ref.value}' does not exist in this atlas{hint}",
        guess[0] if guess else None,
    )
