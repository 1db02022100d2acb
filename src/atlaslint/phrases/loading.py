"""The packs a run uses, loaded once per process, and their rules in the registry.

The bundled packs (``rules/bias.yaml``, ``rules/style.yaml``) always load; the
config's ``rule-packs`` folders add theirs. Settings build the registry through
:func:`add_packs`, so ``atlaslint rules``, ``explain``, select/ignore checks and
the checks themselves all see the same rules. A pack that cannot be used stops
the run: :class:`~atlaslint.config.ConfigError` carries the pack's file, line
and column to the command line's one-line message (exit 2).
"""

from __future__ import annotations

import functools
from typing import Any

from atlaslint.diagnostics import Severity
from atlaslint.phrases.pack import (
    Pack,
    PackError,
    PhraseRule,
    builtin_pack_paths,
    load_pack,
    pack_paths,
    reject_duplicate_ids,
)
from atlaslint.phrases.patterns import TermPlan, parse_template
from atlaslint.registry import Registry, RuleInfo

_builtin: tuple[Pack, ...] | None = None


def builtin_packs(stored: bool = True) -> tuple[Pack, ...]:
    """The bundled packs, prepared once per process: kept in the user's cache folder
    across runs unless ``stored`` is false or ``ATLASLINT_NO_CACHE`` is set (see
    :mod:`atlaslint.phrases.store`). The first call decides; the packs are the
    same either way."""
    global _builtin
    if _builtin is None:
        from atlaslint.cache import cache_disabled_by_env
        from atlaslint.phrases.store import stored_builtin_packs

        _builtin = stored_builtin_packs(stored and not cache_disabled_by_env())
    return _builtin


@functools.cache
def _packs(folders: tuple[str, ...]) -> tuple[Pack, ...]:
    extra = [load_pack(path) for folder in folders for path in pack_paths(folder)]
    packs = (*builtin_packs(), *extra)
    reject_duplicate_ids(packs)
    return packs


def packs_for(folders: tuple[str, ...] | list[str] = ()) -> tuple[Pack, ...]:
    """The bundled packs plus those in ``folders`` (compiled once per folder list).

    Raises :class:`PackError` for a pack that cannot be used.
    """
    return _packs(tuple(str(f) for f in folders))


@functools.cache
def _structure(folders: tuple[str, ...]) -> dict[str, Any]:
    merged: dict[str, Any] = {}
    for pack in _packs(folders):
        merged.update(pack.structure or {})
    return merged


def structure_for(folders: tuple[str, ...] | list[str] = ()) -> dict[str, Any]:
    """The thresholds of the structural style checks: the ``structure:`` blocks of the
    packs, later packs overriding earlier ones key by key."""
    return _structure(tuple(str(f) for f in folders))


@functools.cache
def _asked(folders: tuple[str, ...]) -> frozenset[bytes]:
    return frozenset().union(*(pack.asked_words() for pack in _packs(folders)))


def asked_words_for(folders: tuple[str, ...] | list[str] = ()) -> frozenset[bytes]:
    """Every word the packs' terms look for (:meth:`Pack.asked_words` of them all)."""
    return _asked(tuple(str(f) for f in folders))


@functools.cache
def _anchored(folders: tuple[str, ...]) -> dict[bytes, tuple[TermPlan, ...]]:
    merged: dict[bytes, list[TermPlan]] = {}
    for pack in _packs(folders):
        for word, plans in pack.anchored_plans().items():
            merged.setdefault(word, []).extend(plans)
    return {word: tuple(plans) for word, plans in merged.items()}


def anchored_plans_for(
    folders: tuple[str, ...] | list[str] = (),
) -> dict[bytes, tuple[TermPlan, ...]]:
    """Anchor word -> the plans of every term it anchors, over all the packs: what a
    place holding the word is tested against, without a walk through each pack."""
    return _anchored(tuple(str(f) for f in folders))


def _origin(pack: Pack) -> str:
    builtin = {str(p.resolve()) for p in builtin_pack_paths()}
    if str(pack.path.resolve()) in builtin:
        return f"builtin pack rules/{pack.path.name}"
    return str(pack.path)


def _example(rule: PhraseRule) -> tuple[str, str]:
    """A failing and a passing example made from the first plain term (no wildcard,
    a real replacement): the shortest spelling of each required word."""
    for term in rule.terms:
        if term.has_wildcard:
            continue
        words = [
            " ".join(min(token.alternatives, key=lambda a: len(" ".join(a))))
            for token in parse_template(term.match)
            if not token.optional
        ]
        bad = " ".join(words)
        plain = [s for s in term.suggestions if not s.startswith("(")]
        return bad, (plain[0] if plain else "")
    return "", ""


def rule_info(rule: PhraseRule, origin: str) -> RuleInfo:
    """A pack rule as the registry documents it."""
    bad, good = _example(rule)
    return RuleInfo(
        id=rule.id,
        severity=Severity.parse(rule.severity),
        summary=rule.summary,
        why=" ".join(rule.reason.split()),
        bad=bad,
        good=good,
        origin=origin,
        fixable=rule.fixable,
    )


def add_packs(
    registry: Registry, folders: tuple[str, ...] | list[str] = (), stored: bool = True
) -> None:
    """Register every rule of the bundled packs and of the packs in ``folders``
    (``stored``: as :func:`builtin_packs`).

    A pack rule may not take the id of a rule implemented in code (the ``style``
    family has both): that is an error at the pack rule's line.
    """
    from atlaslint.config import ConfigError

    builtin_packs(stored)
    try:
        packs = packs_for(folders)
        for pack in packs:
            origin = _origin(pack)
            for rule in pack.rules:
                if rule.id in registry:
                    taken = registry.get(rule.id).origin
                    raise PackError(
                        rule.source,
                        rule.line,
                        rule.column,
                        f"rule id {rule.id!r} is taken by a built-in rule ({taken})",
                    )
                registry.add(rule_info(rule, origin))
    except PackError as exc:
        raise ConfigError(f"{exc.path}:{exc.line}:{exc.column}: {exc.message}") from None
