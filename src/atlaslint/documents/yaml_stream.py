"""YAML values and positions in one pass over the parser's events.

The general loader composes a node graph (:mod:`yaml_compose`) and then walks it
to build values and positions (:mod:`yaml_loader`): two passes, and a node
object per value. A document without anchors, aliases, complex keys or
duplicate keys - every atlas file we have seen - needs neither: each event
becomes its value and position at once, in the same order, with the same
bounds and the same findings. On anything else this pass gives up and the
general loader reads the file (a test holds the two equal on the corpus and on
generated documents).
"""

from __future__ import annotations

from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.documents.data import MAX_DEPTH, Path_
from atlaslint.documents.yaml_compose import (
    MAX_NODES,
    STD,
    implicit_tags,
    parser_events,
    second_document,
    too_deep,
    too_many_values,
)
from atlaslint.documents.yaml_loader import SAFE_TAGS, LazyPositions, scalar

_SEQ, _MAP, _STR = STD + "seq", STD + "map", STD + "str"


class _Frame:
    """An open mapping or sequence: its value, where it is, the key waiting for its
    value (a mapping's), and where its last value ends."""

    __slots__ = ("block", "container", "is_map", "key", "key_range", "last", "own_key", "path")
    __slots__ += ("placed", "problem", "start", "tag")

    def __init__(
        self, is_map: bool, path: Path_, start: int, own_key: tuple[int, int] | None, tag: str
    ) -> None:
        self.is_map = is_map
        self.container: Any = {} if is_map else []
        self.path = path
        self.start = start
        self.own_key = own_key  # where its own key is
        self.tag = tag
        self.placed = True  # its position is the one recorded for its path
        self.block = True  # a block collection, not [...] or {...}
        self.key: str | None = None
        self.key_range: tuple[int, int] | None = None  # of the key waiting for a value
        self.last = -1  # where its last value ends
        self.problem: int | None = None


class GiveUp(Exception):
    """The document uses what only the general loader handles."""


def stream_load(
    text: str, index: Any, path_name: str
) -> tuple[bool, Any, LazyPositions, list[Diagnostic]]:
    """``(found, data, positions, problems)`` of ``text`` as the general loader builds
    them (``found`` is false for a stream without a document). Raises
    :exc:`GiveUp` for a document it does not handle, and what
    :func:`yaml_compose.compose` raises for one that breaks a bound or the syntax."""
    from ruamel.yaml import events as ev

    scalar_event, alias_event = ev.ScalarEvent, ev.AliasEvent
    seq_start, map_start = ev.SequenceStartEvent, ev.MappingStartEvent
    seq_end, map_end, doc_start = ev.SequenceEndEvent, ev.MappingEndEvent, ev.DocumentStartEvent
    positions = LazyPositions(index)
    store = dict.__setitem__  # the raw (start, end, key range, style), made lazily
    problems: list[Any] = []  # a collection's problem is a None until its end
    frames: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    expanded = 0

    def trimmed(start: int, end: int) -> int:
        # Block scalars end after their trailing line breaks, and a block collection's
        # end mark lies at the next line's indentation: the value ends earlier. A
        # window of the text is stripped at once (one slice, not a slice per space).
        while end > start:
            window = text[max(start, end - 32) : end]
            kept = window.rstrip("\n ")
            end -= len(window) - len(kept)
            if kept:
                break
        return end

    def problem(rule: str, message: str, start: int, end: int) -> Diagnostic:
        return Diagnostic(path_name, index.span(start, end), rule, Severity.ERROR, message)

    def tag_problem(tag: str, start: int, end: int) -> Diagnostic:
        return problem(
            "syntax/yaml-tag",
            f"YAML tag {tag!r} is not allowed; atlaslint never constructs tagged objects",
            start,
            end,
        )

    try:  # the C parser asked for each event directly: no generator to resume
        from _ruamel_yaml import CParser

        parser = CParser(text)
        next_event, dispose = parser.get_event, parser.dispose
    except ImportError:  # no C extension: ruamel's pure parser
        next_event, dispose = iter(parser_events(text)).__next__, lambda: None
    stream_end = ev.StreamEndEvent
    implicit = implicit_tags()
    try:
        while True:
            event = next_event()
            if event is None:
                break
            kind = type(event)
            if kind is scalar_event:
                if event.anchor is not None:
                    raise GiveUp
                expanded += 1
                if expanded > MAX_NODES:
                    raise too_many_values(event.start_mark.index)
                start, end = event.start_mark.index, event.end_mark.index
                if text[end - 1 : end] in ("\n", " "):
                    end = trimmed(start, end)
                value = event.value
                # _place, scalar_tag and _attach written out: this branch runs for most
                # events (two thousand in a framework), where a call costs a tenth
                if frames:
                    parent = frames[-1]
                    if parent.is_map:
                        key = parent.key
                        if key is None:  # this scalar is a key
                            if value in parent.container:
                                raise GiveUp  # a duplicate key
                            parent.key, parent.key_range = value, (start, end)
                            continue
                        path, key_range = (*parent.path, key), parent.key_range
                    else:
                        path, key_range = (*parent.path, len(parent.container)), None
                else:
                    parent, path, key_range = None, (), None
                tag = event.tag
                if tag is not None and tag != "!":
                    tag = str(tag)
                else:
                    tag = _STR
                    if event.implicit[0]:  # plain: 12 is an int, ~ is null...
                        for candidate, regexp in implicit.get(value[:1], ()):
                            if regexp.match(value):
                                tag = candidate
                                break
                if path not in positions:
                    store(positions, path, (start, end, key_range, event.style))
                if tag != _STR:
                    if tag not in SAFE_TAGS:
                        problems.append(tag_problem(tag, start, end))
                    value = scalar(tag, value)
                if parent is None:
                    root.append(value)
                else:
                    if parent.is_map:
                        parent.container[parent.key] = value
                        parent.key = None
                    else:
                        parent.container.append(value)
                    parent.last = end
                continue
            elif kind is map_start or kind is seq_start:
                if event.anchor is not None:
                    raise GiveUp
                expanded += 1
                start = event.start_mark.index
                if len(frames) >= MAX_DEPTH:
                    raise too_deep(start)
                parent = frames[-1] if frames else None
                if parent is not None and parent.is_map and parent.key is None:
                    raise GiveUp  # a mapping or sequence as a key
                is_map = kind is map_start
                tag = event.tag
                if tag is None or tag == "!":
                    tag = _MAP if is_map else _SEQ
                path, key_range = _place(parent)
                placed = path not in positions
                if placed:
                    store(positions, path, (start, start, key_range, None))  # ends at its end
                frame = _Frame(is_map, path, start, key_range, str(tag))
                frame.placed, frame.block = placed, not event.flow_style
                if frame.tag not in SAFE_TAGS:
                    frame.problem = len(problems)
                    problems.append(None)  # its span is known at its end
                _attach(parent, root, frame.container)
                frames.append(frame)
            elif kind is map_end or kind is seq_end:
                frame = frames.pop()
                start = frame.start
                end = trimmed(start, event.end_mark.index)
                if frame.problem is not None:
                    problems[frame.problem] = tag_problem(frame.tag, start, end)
                if frame.placed:
                    # A block collection ends where its last value ends: the parser's end
                    # mark lies after any comments and blank lines that follow.
                    last = frame.last
                    if frame.block and frame.container and start <= last < end:
                        end = last
                    store(positions, frame.path, (start, end, frame.own_key, None))
                if frames:
                    frames[-1].last = end
            elif kind is alias_event:
                raise GiveUp
            elif kind is doc_start:
                documents += 1
                if documents > 1:
                    raise second_document(event.start_mark.index)
            if expanded > MAX_NODES:
                raise too_many_values(event.start_mark.index)
            if kind is stream_end:
                break
    finally:
        dispose()
    return bool(root), (root[0] if root else None), positions, problems


def _place(parent: _Frame | None) -> tuple[Path_, tuple[int, int] | None]:
    """The path and key span of the next value of ``parent`` (the root: none)."""
    if parent is None:
        return (), None
    if parent.is_map:
        return (*parent.path, parent.key), parent.key_range  # type: ignore[arg-type]
    return (*parent.path, len(parent.container)), None


def _attach(parent: _Frame | None, root: list[Any], value: Any) -> None:
    if parent is None:
        root.append(value)
        return
    if parent.is_map:
        parent.container[parent.key] = value
        parent.key = None
    else:
        parent.container.append(value)
