"""A bounded YAML composer: ruamel.yaml's event stream (C parser) to a node graph.

ruamel.yaml's own C composer recurses once per nesting level and crashes the
interpreter (a segmentation fault, not an exception) on a few tens of thousands
of ``[``; libyaml also slows down quadratically with nesting depth. So we
pull the parser's events one at a time, build nodes without recursion, and stop
as soon as a limit is crossed: nesting depth, values after alias expansion (an
"alias bomb" of a few lines expands to billions), and aliases that refer to a
node containing them. Every limit is reported at the offending event's offset.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from atlaslint.documents.data import MAX_DEPTH

MAX_NODES = 200_000
"""Most values a document may have once aliases are expanded."""

STD = "tag:yaml.org,2002:"
_SEQ, _MAP, _STR = STD + "seq", STD + "map", STD + "str"
_VALUE, _YAML = STD + "value", STD + "yaml"


class ComposeError(Exception):
    """A limit or structural rule was broken at character ``offset``."""

    def __init__(self, message: str, offset: int, rule: str = "syntax/yaml") -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset
        self.rule = rule


def too_deep(offset: int) -> ComposeError:
    return ComposeError(
        f"nested more than {MAX_DEPTH} levels deep; refused", offset, "syntax/too-deep"
    )


def second_document(offset: int) -> ComposeError:
    return ComposeError("a second YAML document starts here; a file holds one document", offset)


def too_many_values(offset: int) -> ComposeError:
    return ComposeError(f"the document has over {MAX_NODES:,} values; refused", offset)


@dataclass(slots=True, eq=False)
class Node:
    """One YAML node with the character offsets the parser gave it.

    ``id`` is ``"scalar"``, ``"sequence"`` or ``"mapping"``; ``value`` is a string,
    a list of nodes, or a list of (key node, value node) pairs. ``size`` counts
    the values under this node with aliases expanded (``0`` while still open);
    ``flow_style`` tells ``[...]``/``{...}`` (True) from block collections (False).
    """

    id: str
    tag: str
    value: Any
    start: int
    end: int
    style: str | None = None
    size: int = 0
    flow_style: bool | None = None
    pending_key: Node | None = field(default=None, repr=False)


def parser_events(text: str) -> Iterator[Any]:
    """The parser's events for ``text``: libyaml through ruamel.yaml.clib when it is
    installed (the common case), else ruamel.yaml's pure-Python parser."""
    try:
        from _ruamel_yaml import CParser
    except ImportError:
        from ruamel.yaml import YAML

        yield from YAML(typ="safe", pure=True).parse(text)
        return
    parser = CParser(text)
    try:
        while True:
            event = parser.get_event()
            yield event
            if event is None or type(event).__name__ == "StreamEndEvent":
                return
    finally:
        parser.dispose()


@functools.cache
def implicit_tags() -> dict[str, list[tuple[str, re.Pattern[str]]]]:
    """YAML 1.2 implicit tags of plain scalars, by first character (ruamel's table).

    YAML 1.1's ``=`` (value) and ``!``/``&``/``*`` (yaml) entries are left out: a
    plain ``=`` is a string to anyone writing an atlas.
    """
    from ruamel.yaml.resolver import VersionedResolver

    table: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in VersionedResolver(version=(1, 2)).versioned_resolver.items():
        kept = [(str(tag), regexp) for tag, regexp in entries]
        kept = [(tag, regexp) for tag, regexp in kept if tag not in (_VALUE, _YAML)]
        if first is not None and kept:
            table[first] = kept
    return table


def scalar_tag(event: Any) -> str:
    tag = event.tag
    if tag is not None and tag != "!":
        return str(tag)
    if event.implicit[0]:  # plain: 12 is an int, ~ is null, 2020-01-01 a date...
        value = event.value
        for candidate, regexp in implicit_tags().get(value[:1], ()):
            if regexp.match(value):
                return candidate
    return _STR


def compose(text: str) -> Node | None:
    """The single document of ``text`` as a node graph (``None`` for an empty stream).

    Raises :class:`ComposeError` for a broken limit and ruamel's ``YAMLError``
    for a syntax error (both carry a character offset).
    """
    from ruamel.yaml import events as ev

    anchors: dict[str, Node] = {}
    stack: list[Node] = []
    root: Node | None = None
    documents = 0
    expanded = 0

    def attach(node: Node) -> None:
        nonlocal root
        if not stack:
            root = node
            return
        parent = stack[-1]
        if parent.id == "sequence":
            parent.value.append(node)
        elif parent.pending_key is None:
            parent.pending_key = node
        else:
            parent.value.append((parent.pending_key, node))
            parent.pending_key = None

    for event in parser_events(text):
        kind = type(event)
        if kind is ev.ScalarEvent:
            expanded += 1
            node = Node(
                "scalar",
                scalar_tag(event),
                event.value,
                event.start_mark.index,
                event.end_mark.index,
                event.style,
                1,
            )
            if event.anchor is not None:
                anchors[event.anchor] = node
            attach(node)
        elif kind is ev.SequenceStartEvent or kind is ev.MappingStartEvent:
            expanded += 1
            start = event.start_mark.index
            if len(stack) >= MAX_DEPTH:
                raise too_deep(start)
            is_seq = kind is ev.SequenceStartEvent
            tag = event.tag
            if tag is None or tag == "!":
                tag = _SEQ if is_seq else _MAP
            node = Node("sequence" if is_seq else "mapping", str(tag), [], start, start)
            node.flow_style = event.flow_style
            if event.anchor is not None:
                anchors[event.anchor] = node
            attach(node)
            stack.append(node)
        elif kind is ev.SequenceEndEvent or kind is ev.MappingEndEvent:
            node = stack.pop()
            node.end = event.end_mark.index
            children = node.value if node.id == "sequence" else [n for kv in node.value for n in kv]
            node.size = 1 + sum(child.size for child in children)
        elif kind is ev.AliasEvent:
            start = event.start_mark.index
            target = anchors.get(event.anchor)
            if target is None:
                raise ComposeError(
                    f"alias *{event.anchor} names no anchor defined before it", start
                )
            if target.size == 0:
                raise ComposeError(
                    f"alias *{event.anchor} refers to a collection that contains it "
                    "(a recursive structure); refused",
                    start,
                )
            expanded += target.size
            if expanded > MAX_NODES:
                raise ComposeError(
                    f"aliases expand the document to over {MAX_NODES:,} values "
                    "(an alias bomb?); refused",
                    start,
                )
            attach(target)
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise second_document(event.start_mark.index)
        if expanded > MAX_NODES:
            raise too_many_values(event.start_mark.index)
    return root
