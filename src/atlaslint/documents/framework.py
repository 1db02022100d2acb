"""A loaded framework file seen as what the citation and level rules walk over.

The schema already reports every value of the wrong type; this view only hands the
rules the well-formed pieces (with their data paths, from which the loader's spans
come), so a broken part never makes a rule crash or report twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from atlaslint.documents.data import DataDocument, Path_

FORMAT_KEY = "atlaslint"
FORMAT = "framework/1"


@dataclass(frozen=True)
class Declared:
    """One declared id (a level, source, anchor, part or domain) and where it is written."""

    id: str
    path: Path_  # path of the declaring mapping; the id itself is at (*path, "id")
    data: dict


@dataclass(frozen=True)
class Statement:
    """One statement and its path in the document."""

    data: dict
    path: Path_


@dataclass(frozen=True)
class Group:
    """A part holding statements, or one domain of a part: the unit of level coverage."""

    path: Path_
    label: str
    statements: tuple[Statement, ...]


def _mappings(data: Any, path: Path_) -> Iterator[tuple[dict, Path_]]:
    if isinstance(data, list):
        for i, item in enumerate(data):
            if isinstance(item, dict):
                yield item, (*path, i)


class FrameworkView:
    """Levels, sources, anchors and statement groups of a framework document."""

    def __init__(self, doc: DataDocument) -> None:
        self.doc = doc
        self.data: dict = doc.data if isinstance(doc.data, dict) else {}

    def declared(self, key: str) -> list[Declared]:
        """Ids declared in a top-level list (``levels``, ``sources``, ``anchors``)."""
        return [
            Declared(item["id"], path, item)
            for item, path in _mappings(self.data.get(key), (key,))
            if isinstance(item.get("id"), str)
        ]

    def level_ids(self) -> list[str]:
        """Declared level ids in order, first declaration wins."""
        return list(dict.fromkeys(d.id for d in self.declared("levels")))

    def parts(self) -> Iterator[tuple[dict, Path_]]:
        yield from _mappings(self.data.get("parts"), ("parts",))

    def domains(self, part: dict, path: Path_) -> Iterator[tuple[dict, Path_]]:
        yield from _mappings(part.get("domains"), (*path, "domains"))

    def groups(self) -> Iterator[Group]:
        """Each part with statements, and each domain of a part with domains."""
        for part, path in self.parts():
            part_name = _name(part, "part")
            if "statements" in part:
                yield Group(path, part_name, _statements(part, path))
            for domain, domain_path in self.domains(part, path):
                label = f"{_name(domain, 'domain')} of {part_name}"
                yield Group(domain_path, label, _statements(domain, domain_path))

    def statements(self) -> Iterator[Statement]:
        for group in self.groups():
            yield from group.statements


def _name(item: dict, kind: str) -> str:
    ident = item.get("id")
    return f"{kind} '{ident}'" if isinstance(ident, str) else kind


def _statements(holder: dict, path: Path_) -> tuple[Statement, ...]:
    return tuple(
        Statement(item, item_path)
        for item, item_path in _mappings(holder.get("statements"), (*path, "statements"))
    )
