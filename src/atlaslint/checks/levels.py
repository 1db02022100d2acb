"""level/*: statements name declared levels, every part or domain covers every level,
and statements run in level order.

A framework is a ladder: a level with no statement in some domain is a missing rung,
and statements out of order make the progression hard to read.
"""

from __future__ import annotations

import difflib

from atlaslint.checks.sections import _increasing_subsequence
from atlaslint.checks.sink import Sink
from atlaslint.documents.framework import FrameworkView, Group, Statement


def threshold(view: FrameworkView, configured: int) -> int:
    """Statements required per level: the config's ``levels: {min-per-level}`` is the
    project's floor; a framework may raise it for itself with ``min_per_level``."""
    own = view.data.get("min_per_level")
    if isinstance(own, int) and not isinstance(own, bool) and own > configured:
        return own
    return configured


def check_levels(view: FrameworkView, min_per_level: int, sink: Sink) -> None:
    """Run every level rule over one framework."""
    levels = view.level_ids()
    if not levels:
        return  # the schema reports missing or malformed levels
    rank = {level: i for i, level in enumerate(levels)}
    needed = threshold(view, min_per_level)
    for group in view.groups():
        known: list[Statement] = []
        for statement in group.statements:
            level = statement.data.get("level")
            if not isinstance(level, str):
                continue
            if level in rank:
                known.append(statement)
                continue
            guess = difflib.get_close_matches(level, levels, n=1, cutoff=0.6)
            hint = f"; did you mean '{guess[0]}'?" if guess else ""
            sink.emit(
                view.doc.path,
                view.doc.value_span((*statement.path, "level")),
                "level/unknown",
                f"level '{level}' is not declared in `levels` ({', '.join(levels)}){hint}",
                guess[0] if guess else None,
            )
        if group.statements:
            _check_coverage(view, group, known, levels, needed, sink)
        _check_order(view, known, rank, sink)


def _check_coverage(
    view: FrameworkView,
    group: Group,
    known: list[Statement],
    levels: list[str],
    needed: int,
    sink: Sink,
) -> None:
    counts = dict.fromkeys(levels, 0)
    for statement in known:
        counts[statement.data["level"]] += 1
    short = [(level, n) for level, n in counts.items() if n < needed]
    if not short:
        return
    if needed == 1:
        names = ", ".join(f"'{level}'" for level, _ in short)
        message = f"{group.label} has no statement at level {names}"
    else:
        names = ", ".join(f"'{level}' ({n})" for level, n in short)
        message = f"{group.label} has fewer than {needed} statements at level {names}"
    where = (*group.path, "id") if view.doc.has((*group.path, "id")) else group.path
    sink.emit(view.doc.path, view.doc.value_span(where), "level/coverage", message)


def _check_order(
    view: FrameworkView, known: list[Statement], rank: dict[str, int], sink: Sink
) -> None:
    """Flag the fewest statements whose moving would put the group in level order."""
    ranks = [rank[s.data["level"]] for s in known]
    size = len(ranks)
    # (rank, position) is strictly increasing exactly where rank is non-decreasing.
    keep = _increasing_subsequence([r * size + i for i, r in enumerate(ranks)])
    for i, statement in enumerate(known):
        if i in keep:
            continue
        level = statement.data["level"]
        higher_before = [j for j in sorted(keep) if j < i and ranks[j] > ranks[i]]
        lower_after = [j for j in sorted(keep) if j > i and ranks[j] < ranks[i]]
        if higher_before:
            other = known[higher_before[-1]]
            relation = "comes after"
        else:
            other = known[lower_after[0]]
            relation = "comes before"
        line = view.doc.value_span((*other.path, "level")).line
        sink.emit(
            view.doc.path,
            view.doc.value_span((*statement.path, "level")),
            "level/order",
            f"statement at level '{level}' {relation} a '{other.data['level']}' statement "
            f"(line {line}); list statements from the first level to the last",
        )
