"""YAML through ruamel.yaml's parser (C when present), never its composer or constructor.

:mod:`yaml_compose` turns the parser's events into a node graph within fixed
bounds (depth, alias expansion); we then build plain Python values ourselves:
that keeps every key's and value's offsets, reports duplicate keys instead of
merging them, and never constructs a tagged Python object.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.documents.data import DataDocument, Located, Path_
from atlaslint.documents.source import SourceFile
from atlaslint.documents.yaml_compose import MAX_NODES, STD, ComposeError, Node, compose
from atlaslint.positions import Span

_STD = STD
SAFE_TAGS = {
    _STD + t for t in ("str", "null", "bool", "int", "float", "timestamp", "map", "seq", "merge")
}
_DISABLE = re.compile(r"#\s*atlaslint:\s*disable=([\w/*,\- ]+)")


class _TooLarge(Exception):
    pass


def _offsets(doc: DataDocument, node: Node) -> tuple[int, int]:
    start = node.start
    end = node.end
    text = doc.source.text or ""
    # Block scalars end after their trailing line breaks; the value ends earlier.
    while end > start and text[end - 1 : end] in ("\n", " "):
        end -= 1
    return start, end


def _span(doc: DataDocument, node: Node) -> tuple[Span, int, int]:
    start, end = _offsets(doc, node)
    return doc.source.index.span(start, end), start, end


class LazyLocated(Located):
    """A :class:`Located` whose spans are made from its offsets when first asked for.

    A document has a position for every key and value, but checks ask for a few:
    making the rest would cost a line look-up and a :class:`Span` each.
    """

    __slots__ = ("_index", "_key", "_key_range", "_value")

    def __init__(
        self,
        index: Any,
        start: int,
        end: int,
        key_range: tuple[int, int] | None,
        style: str | None,
    ) -> None:
        self._index = index
        self._value: Span | None = None
        self._key: Span | None = None
        self._key_range = key_range
        self.start = start
        self.end = end
        self.style = style

    @property  # type: ignore[override]
    def value(self) -> Span:
        if self._value is None:
            self._value = self._index.span(self.start, self.end)
        return self._value

    @value.setter
    def value(self, span: Span) -> None:
        self._value = span

    @property  # type: ignore[override]
    def key(self) -> Span | None:
        if self._key is None and self._key_range is not None:
            self._key = self._index.span(*self._key_range)
        return self._key

    @key.setter
    def key(self, span: Span | None) -> None:
        self._key, self._key_range = span, None


_ABSENT = object()


class LazyPositions(dict):
    """path -> :class:`LazyLocated`, each made when first asked for from the
    ``(start, end, key range, style)`` the loader stored: a framework has
    thousands of values, and checks ask where a few of them are."""

    __slots__ = ("_index",)

    def __init__(self, index: Any) -> None:
        super().__init__()
        self._index = index

    def _made(self, path: Any, found: Any) -> Any:
        if type(found) is tuple:
            found = LazyLocated(self._index, *found)
            dict.__setitem__(self, path, found)
        return found

    def __getitem__(self, path: Any) -> Any:
        return self._made(path, dict.__getitem__(self, path))

    def get(self, path: Any, default: Any = None) -> Any:
        found = dict.get(self, path, _ABSENT)
        return default if found is _ABSENT else self._made(path, found)

    def values(self) -> list[Any]:  # type: ignore[override]
        return [self[path] for path in self]

    def items(self) -> list[tuple[Any, Any]]:  # type: ignore[override]
        return [(path, self[path]) for path in self]


class _Builder:
    def __init__(self, doc: DataDocument) -> None:
        self.doc = doc
        self.count = 0

    def problem(self, node: Node, rule: str, message: str) -> None:
        span, _, _ = _span(self.doc, node)
        self.doc.problems.append(Diagnostic(self.doc.path, span, rule, Severity.ERROR, message))

    def build(self, node: Node, path: Path_, key_range: tuple[int, int] | None = None) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        start, end = _offsets(self.doc, node)
        if path not in self.doc.positions:
            self.doc.positions[path] = LazyLocated(
                self.doc.source.index, start, end, key_range, node.style
            )
        tag = node.tag
        if tag not in SAFE_TAGS:
            self.problem(
                node,
                "syntax/yaml-tag",
                f"YAML tag {tag!r} is not allowed; atlaslint never constructs tagged objects",
            )
        kind = node.id
        if kind == "mapping":
            value = self.mapping(node, path)
        elif kind == "sequence":
            value = [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        else:
            return scalar(tag, node.value)
        if not getattr(node, "flow_style", True) and node.value:
            self._end_at_last_child(node, path, start)
        return value

    def _end_at_last_child(self, node, path: Path_, start: int) -> None:
        """A block collection ends where its last value ends: ruamel's end mark lies after
        any comments and blank lines that follow, which would stretch the span over them."""
        if node.id == "mapping":
            key_node, value_node = node.value[-1]
            # a non-scalar key ("? [a]") was refused and recorded nothing
            child = (
                self.doc.positions.get((*path, key_node.value)) if key_node.id == "scalar" else None
            )
            if child is not None and child.key != _span(self.doc, key_node)[0]:
                child = None  # a duplicate key: the recorded entry is the first one
        else:
            value_node = node.value[-1]
            child = self.doc.positions.get((*path, len(node.value) - 1))
        end = child.end if child is not None else _offsets(self.doc, value_node)[1]
        located = self.doc.positions.get(path)
        if located is not None and located.start == start and start <= end < located.end:
            located.end = end
            located.value = self.doc.source.index.span(start, end)

    def mapping(self, node: Node, path: Path_) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            if key_node.id != "scalar":
                self.problem(key_node, "syntax/yaml", "a mapping key must be a plain string")
                continue
            key = key_node.value
            if key in out:
                self.problem(
                    key_node,
                    "syntax/duplicate-key",
                    f"duplicate key '{key}': a second value would silently replace the first",
                )
                continue
            out[key] = self.build(value_node, (*path, key), _offsets(self.doc, key_node))
        return out


_INT = re.compile(r"[-+]?(0|[1-9][0-9_]*|0o[0-7]+|0x[0-9a-fA-F]+)")


def scalar(tag: str, value: str) -> Any:
    """Plain values for the YAML 1.2 core tags; anything else stays a string."""
    if tag == _STD + "str":
        return value
    if tag == _STD + "null":
        return None
    if tag == _STD + "bool":
        return value.lower() in ("true", "yes", "on")
    if tag == _STD + "int" and _INT.fullmatch(value):
        try:
            return int(value.replace("_", ""), 0)
        except ValueError:
            return value
    if tag == _STD + "float":
        low = value.lower().replace("_", "")
        if low in (".inf", "+.inf"):
            return float("inf")
        if low == "-.inf":
            return float("-inf")
        if low == ".nan":
            return float("nan")
        try:
            return float(low)
        except ValueError:
            return value
    if tag == _STD + "timestamp":
        try:
            if len(value) == 10:
                return dt.date.fromisoformat(value)
            return dt.datetime.fromisoformat(value.replace(" ", "T").replace("Z", "+00:00"))
        except ValueError:
            return value
    return value


def _suppressions(
    text: str, refs: list[tuple[str, Span]] | None = None
) -> dict[int, frozenset[str]]:
    """``# atlaslint: disable=RULE`` comments: the line they sit on (and the next one
    when the comment stands alone on its line). Each rule named is added to ``refs``
    with its exact span, so that an unknown one can be reported."""
    found: dict[int, frozenset[str]] = {}
    if "atlaslint:" not in text:
        return found
    for number, line in enumerate(text.split("\n"), start=1):
        match = _DISABLE.search(line)
        if match:
            rules = frozenset(r.strip() for r in match.group(1).split(",") if r.strip())
            found[number] = found.get(number, frozenset()) | rules
            if not line[: match.start()].strip():
                found[number + 1] = found.get(number + 1, frozenset()) | rules
            if refs is not None:
                for token in re.finditer(r"[^,\s]+", match.group(1)):
                    column = match.start(1) + token.start() + 1
                    span = Span(number, column, number, column + len(token.group()))
                    refs.append((token.group(), span))
    return found


def load_yaml(source: SourceFile) -> DataDocument:
    """Parse a YAML file into a :class:`DataDocument`; syntax errors become diagnostics."""
    doc = DataDocument(source)
    text = doc.readable_text()
    if text is None:
        return doc
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    index = source.index
    try:
        found = _load_values(doc, text)
    except ComposeError as exc:
        doc.problems.append(
            Diagnostic(
                source.path, index.char_span(exc.offset), exc.rule, Severity.ERROR, exc.message
            )
        )
        return doc
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        doc.problems.append(
            Diagnostic(
                source.path,
                index.char_span(mark.index) if mark else Span.point(1, 1),
                "syntax/yaml",
                Severity.ERROR,
                f"invalid YAML: {problem}",
            )
        )
        return doc
    except ReaderError as exc:
        doc.problems.append(
            Diagnostic(
                source.path,
                index.char_span(exc.position),
                "syntax/yaml",
                Severity.ERROR,
                f"invalid YAML: character U+{exc.character:04X} is not allowed ({exc.reason})"
                if isinstance(exc.character, int)
                else f"invalid YAML: {exc.reason}",
            )
        )
        return doc
    except (YAMLError, RecursionError, ValueError) as exc:
        doc.problems.append(_at_start(doc, "syntax/yaml", f"invalid YAML: {exc}"))
        return doc
    if not found:
        doc.problems.append(_at_start(doc, "syntax/empty", "document is empty"))
        return doc
    doc.suppressions = _suppressions(text, doc.suppression_refs)
    return doc


def _at_start(doc: DataDocument, rule: str, message: str) -> Diagnostic:
    """An error about the whole file, at its first character."""
    return Diagnostic(doc.path, Span.point(1, 1), rule, Severity.ERROR, message)


def _load_values(doc: DataDocument, text: str) -> bool:
    """Fill ``doc``'s data, positions and value findings: in one pass where the
    document allows (:mod:`yaml_stream`), else by composing and building. False for
    a stream without a document; the parser's and the bounds' errors propagate."""
    from atlaslint.documents.yaml_stream import GiveUp, stream_load  # it imports this module

    try:
        found, data, positions, problems = stream_load(text, doc.source.index, doc.path)
    except GiveUp:  # anchors, aliases, complex or duplicate keys: the general way
        node = compose(text)
        if node is None:
            return False
        try:
            doc.data = _Builder(doc).build(node, ())
        except (_TooLarge, RecursionError):
            doc.data = None
            doc.positions.clear()
            message = f"document expands to over {MAX_NODES:,} nodes (an alias bomb?); refused"
            doc.problems.append(_at_start(doc, "syntax/yaml", message))
        return True
    if found:
        doc.data, doc.positions = data, positions
        doc.problems.extend(problems)
    return found
