"""citation/*: every statement cites a declared source, every cited id and anchor id
resolves, every declared source is used, and no id is declared twice.

A framework is only as trustworthy as its citations: a statement without one, or
one that points at nothing, cannot be traced back to its evidence.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from atlaslint.checks.sink import Sink
from atlaslint.documents.data import Path_
from atlaslint.documents.framework import Declared, FrameworkView

_KINDS = {"levels": "level", "sources": "source", "anchors": "anchor"}


def check_citations(view: FrameworkView, sink: Sink) -> None:
    """Run every citation rule over one framework."""
    _check_duplicates(view, sink)
    sources = {d.id for d in view.declared("sources")}
    anchors = {d.id for d in view.declared("anchors")}
    # Without a registry at all the schema says so once; resolving against nothing
    # would repeat it for every citation.
    registry = isinstance(view.data.get("sources"), list)
    used: set[str] = set()
    for statement in view.statements():
        cites = statement.data.get("cites")
        if "cites" not in statement.data or (isinstance(cites, list) and not cites):
            where = (*statement.path, "cites") if "cites" in statement.data else statement.path
            topic = statement.data.get("topic")
            named = f" '{topic}'" if isinstance(topic, str) else ""
            sink.emit(
                view.doc.path,
                view.doc.value_span(where),
                "citation/missing",
                f"statement{named} cites no source; add `cites: [<source id>]`",
            )
        for ident, path in _ids(cites, (*statement.path, "cites")):
            used.add(ident)
            if registry and ident not in sources:
                _unresolved(view, sink, path, ident, sources, "source")
        for ident, path in _ids(statement.data.get("anchors"), (*statement.path, "anchors")):
            if ident not in anchors:
                _unresolved(view, sink, path, ident, anchors, "anchor")
    for anchor in view.declared("anchors"):
        ident = anchor.data.get("source")
        if isinstance(ident, str):
            used.add(ident)
            if registry and ident not in sources:
                _unresolved(view, sink, (*anchor.path, "source"), ident, sources, "source")
    reported: set[str] = set()
    for source in view.declared("sources"):
        if source.id in used or source.id in reported:
            continue
        reported.add(source.id)
        sink.emit(
            view.doc.path,
            view.doc.value_span((*source.path, "id")),
            "citation/unused-source",
            f"source '{source.id}' is declared but no statement or anchor cites it",
        )


def _ids(value: object, path: Path_) -> Iterable[tuple[str, Path_]]:
    if isinstance(value, list):
        for i, item in enumerate(value):
            if isinstance(item, str):
                yield item, (*path, i)


def _unresolved(
    view: FrameworkView, sink: Sink, path: Path_, ident: str, known: set[str], what: str
) -> None:
    guess = difflib.get_close_matches(ident, sorted(known), n=1, cutoff=0.6)
    hint = f"; did you mean '{guess[0]}'?" if guess else ""
    sink.emit(
        view.doc.path,
        view.doc.value_span(path),
        "citation/unresolved",
        f"{what} '{ident}' is not declared in `{what}s`{hint}",
        guess[0] if guess else None,
    )


def _check_duplicates(view: FrameworkView, sink: Sink) -> None:
    for key, kind in _KINDS.items():
        _report_repeats(view, view.declared(key), kind, sink)
    parts = [
        Declared(part["id"], path, part)
        for part, path in view.parts()
        if isinstance(part.get("id"), str)
    ]
    _report_repeats(view, parts, "part", sink)
    for part, path in view.parts():
        domains = [
            Declared(domain["id"], domain_path, domain)
            for domain, domain_path in view.domains(part, path)
            if isinstance(domain.get("id"), str)
        ]
        _report_repeats(view, domains, "domain", sink)


def _report_repeats(view: FrameworkView, declared: list[Declared], kind: str, sink: Sink) -> None:
    first: dict[str, Declared] = {}
    for item in declared:
        if item.id not in first:
            first[item.id] = item
            continue
        line = view.doc.value_span((*first[item.id].path, "id")).line
        sink.emit(
            view.doc.path,
            view.doc.value_span((*item.path, "id")),
            "citation/duplicate-id",
            f"{kind} id '{item.id}' is declared twice (first at line {line})",
        )
