"""Rule packs: YAML files of phrase rules, validated and compiled once.

A pack is data written by contributors, so a mistake in it must stop the run
with the file, line and column of the offending value (:class:`PackError`),
never with a traceback or, worse, a silently dead rule.  Loading composes the
YAML into nodes (to keep positions and refuse anchors, aliases and
non-standard tags), validates the plain data against
``schemas/rulepack.schema.json`` and parses every template; each rule
compiles its patterns and search plans on first use (see
:mod:`atlaslint.phrases.patterns` for why matching is planned per term
rather than one alternation per rule).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from .patterns import (
    SpanSet,
    TemplateError,
    TermPlan,
    TextIndex,
    apply_case,
    compile_lowered,
    compile_template,
    compile_templates,
    find_template,
    index_text,
    parse_template,
    plan_template,
    plan_viable,
    spans_overlapping,
)

__all__ = [
    "DEFAULT_SCOPE",
    "SCOPES",
    "Hit",
    "Pack",
    "PackError",
    "PhraseRule",
    "Term",
    "builtin_pack_paths",
    "default_schema_path",
    "is_rule_pack",
    "load_builtin_packs",
    "load_pack",
    "load_packs",
    "pack_paths",
]

#: Where a phrase rule may apply; the caller decides which text is which.
SCOPES = ("prose", "headings", "metadata", "framework")
DEFAULT_SCOPE: tuple[str, ...] = ("prose", "metadata", "framework")

#: Families implemented in code; a pack must not define rules in them.
RESERVED_FAMILIES = frozenset(
    {"syntax", "schema", "structure", "citation", "level", "grammar", "xref", "record"}
)
_MESSAGE_FIELDS = frozenset({"match", "suggestion"})
_MANY_HITS = 16

_REPO_ROOT = Path(__file__).resolve().parents[3]
_PACKAGE_DIR = Path(__file__).resolve().parents[1]


class PackError(Exception):
    """A rule pack that cannot be used; positions are 1-based."""

    def __init__(self, path: str | Path, line: int, column: int, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.column = column
        self.message = message
        super().__init__(f"{self.path}:{line}:{column}: {message}")


class Hit(NamedTuple):
    """One match of a phrase rule: ``text[start:end] == matched_text``."""

    start: int
    end: int
    matched_text: str
    term_index: int
    suggestions: tuple[str, ...]


@dataclass(frozen=True)
class Term:
    """One entry of a rule: a template with its suggestions and exceptions."""

    match: str
    suggestions: tuple[str, ...]
    reason: str | None
    exceptions: tuple[str, ...]
    line: int
    column: int
    has_wildcard: bool

    @property
    def fixable(self) -> bool:
        """A fix is safe only with one suggestion for a fixed-width phrase.

        With a wildcard the hit includes words the suggestion does not
        restate; with several suggestions the choice is the author's; and a
        suggestion in parentheses, "(end without announcing it)", is advice
        for the reader, not replacement text.
        """
        return (
            len(self.suggestions) == 1
            and not self.has_wildcard
            and not self.suggestions[0].startswith("(")
        )


# One-slot cache: every rule of every pack asks about the same text in a
# row.  Identity (not equality) keeps the lookup O(1), and holding the text
# stops its id from being reused by another string.
_index_slot: TextIndex | None = None


def _index(text: str) -> TextIndex:
    global _index_slot
    slot = _index_slot
    if slot is not None and slot.text is text:
        return slot
    slot = _index_slot = index_text(text)
    return slot


class _Compiled:
    """A rule's compiled state, built lazily on first use.

    Per term: its search plan and two patterns, one for the lower-cased text
    (compiled without IGNORECASE, the fast path) and one for the original
    text (case-sensitive rules, and texts whose lower-casing moves offsets).
    Per rule: the inverted index from anchor word to terms, and the
    exception patterns.
    """

    def __init__(self, rule: PhraseRule) -> None:
        n = len(rule.terms)
        self.plans: list[TermPlan] = [plan_template(t.match) for t in rule.terms]
        self.lowered: list[re.Pattern[str] | None] = [None] * n
        self.original: list[re.Pattern[str] | None] = [None] * n
        self.anchor_index: dict[bytes, list[int]] = {}
        self.always: list[int] = []
        for i, plan in enumerate(self.plans):
            if not plan.anchors:
                self.always.append(i)
            for word in plan.anchor_words:
                self.anchor_index.setdefault(word, []).append(i)
        self.anchor_words = frozenset(self.anchor_index)
        self._rule = rule
        self._rule_exceptions: re.Pattern[str] | bool | None = False
        self._term_exceptions: list[re.Pattern[str] | bool | None] = [False] * n
        self.combined: re.Pattern[str] | None = None

    def __getstate__(self) -> dict[str, Any]:
        """The plans without the patterns: a pickled pattern is compiled again when
        loaded, so a kept pack (:mod:`atlaslint.phrases.store`) compiles them on first
        use, as a freshly loaded one does."""
        state = dict(self.__dict__)
        n = len(self.plans)
        state.update(
            lowered=[None] * n,
            original=[None] * n,
            combined=None,
            _rule_exceptions=False,
            _term_exceptions=[False] * n,
        )
        return state

    # Exceptions are compiled when a hit first needs them, each term's on its own: most
    # runs hit few terms of a rule (a pre-commit run on one file, a worker's share of
    # an atlas), and compiling every term's exceptions at the first hit cost a
    # worker more than the terms it met.
    @property
    def rule_exceptions(self) -> re.Pattern[str] | None:
        if self._rule_exceptions is False:
            rule = self._rule
            self._rule_exceptions = (
                compile_templates(rule.exceptions, rule.case_sensitive) if rule.exceptions else None
            )
        return self._rule_exceptions  # type: ignore[return-value]

    def term_exceptions(self, i: int) -> re.Pattern[str] | None:
        """Term ``i``'s exceptions as one pattern, or None when it has none."""
        compiled = self._term_exceptions[i]
        if compiled is False:
            rule = self._rule
            term = rule.terms[i]
            compiled = self._term_exceptions[i] = (
                compile_templates(term.exceptions, rule.case_sensitive) if term.exceptions else None
            )
        return compiled  # type: ignore[return-value]


@dataclass(eq=False)
class PhraseRule:
    """A compiled phrase rule.  ``find`` is the hot path."""

    id: str
    severity: str
    summary: str
    message: str
    reason: str
    scope: tuple[str, ...]
    case_sensitive: bool
    terms: tuple[Term, ...]
    exceptions: tuple[str, ...]
    source: Path
    line: int
    column: int
    _compiled: _Compiled | None = field(default=None, repr=False)

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]

    @property
    def fixable(self) -> bool:
        """Whether any term of this rule can be fixed automatically."""
        return any(t.fixable for t in self.terms)

    def _state(self) -> _Compiled:
        state = self._compiled
        if state is None:
            state = self._compiled = _Compiled(self)
        return state

    @property
    def pattern(self) -> re.Pattern[str]:
        """All terms as ONE pattern (group ``t<i>`` = term i), compiled once.

        The reference matcher and a tool for exports; :meth:`find` gives the
        same hits far faster (see :mod:`atlaslint.phrases.patterns`).
        """
        state = self._state()
        if state.combined is None:
            state.combined = compile_templates([t.match for t in self.terms], self.case_sensitive)
        return state.combined

    def candidates(self, text: str) -> list[int]:
        """Indices of the terms the prefilter cannot rule out for ``text``."""
        return self._candidates(_index(text))

    def _candidates(self, index: TextIndex) -> list[int]:
        state = self._state()
        found = state.anchor_words & index.vocabulary
        if not found:
            return list(state.always)
        picked = set(state.always)
        for word in found:
            picked.update(state.anchor_index[word])
        return sorted(picked)

    def _term_pattern(self, i: int, lowered: bool) -> re.Pattern[str]:
        state = self._state()
        cache = state.lowered if lowered else state.original
        pattern = cache[i]
        if pattern is None:
            template = self.terms[i].match
            pattern = cache[i] = (
                compile_lowered(template)
                if lowered
                else compile_template(template, self.case_sensitive)
            )
        return pattern

    def find(self, text: str) -> Iterator[Hit]:
        """Yield hits in ``text`` in order, minus those an exception covers.

        Behaves like one alternation of all terms: at a given start the
        first term listed wins, and hits never overlap.  Only terms whose
        words all occur in the text are tried, each near its anchor word.
        """
        if not text:
            return iter(())
        index = _index(text)
        return self._find(index, self._candidates(index))

    def _find(self, index: TextIndex, candidates: Sequence[int]) -> Iterator[Hit]:
        if not candidates:
            return
        text = index.text
        state = self._state()
        use_lowered = not self.case_sensitive and index.lowered is not None
        target = index.lowered if use_lowered else text
        assert target is not None
        found: list[tuple[int, int, int]] = []
        vocabulary = index.vocabulary
        for i in candidates:
            plan = state.plans[i]
            if not plan_viable(plan, vocabulary):
                continue  # cannot match: its pattern need not even be compiled
            pattern = self._term_pattern(i, use_lowered)
            for start, end in find_template(plan, pattern, index, target):
                found.append((start, i, end))
        if not found:
            return
        found.sort()
        kept: list[tuple[int, int, int]] = []
        last_end = -1
        for start, i, end in found:
            if start >= last_end:
                kept.append((start, i, end))
                last_end = end
        # Few hits: look for exceptions in a window around each.  Many hits
        # (a pathological text): one pass per exception pattern instead.
        many = len(kept) > _MANY_HITS
        span_sets: dict[int, SpanSet] = {}

        def excepted(key: int, pattern: re.Pattern[str], start: int, end: int) -> bool:
            if not many:
                return spans_overlapping(pattern, text, start, end)
            spans = span_sets.get(key)
            if spans is None:
                spans = span_sets[key] = SpanSet(pattern, text)
            return spans.overlaps(start, end)

        for start, i, end in kept:
            if state.rule_exceptions is not None and excepted(
                -1, state.rule_exceptions, start, end
            ):
                continue
            term_exceptions = state.term_exceptions(i)
            if term_exceptions is not None and excepted(i, term_exceptions, start, end):
                continue
            yield Hit(start, end, text[start:end], i, self.terms[i].suggestions)

    def format_message(self, hit: Hit) -> str:
        """The diagnostic message: ``{match}`` and ``{suggestion}`` filled in."""
        matched = " ".join(hit.matched_text.split())
        suggestion = hit.suggestions[0] if hit.suggestions else ""
        return self.message.format(match=matched, suggestion=suggestion)

    def term_reason(self, hit: Hit) -> str:
        """The term's own reason if it has one, else the rule's."""
        return self.terms[hit.term_index].reason or self.reason

    def fix_for(self, hit: Hit) -> str | None:
        """Replacement text for ``--fix``, case-matched, or None if unsafe."""
        term = self.terms[hit.term_index]
        if not term.fixable:
            return None
        return apply_case(hit.matched_text, term.suggestions[0])


@dataclass
class Pack:
    """A loaded rule pack.  ``structure`` holds the style pack's thresholds."""

    name: str
    description: str
    path: Path
    rules: list[PhraseRule]
    structure: dict[str, Any] | None = None
    _index: dict[bytes, list[tuple[int, int]]] | None = field(default=None, repr=False)
    _always: list[tuple[int, int]] = field(default_factory=list, repr=False)
    _words: frozenset[bytes] = field(default_factory=frozenset, repr=False)
    _asked: frozenset[bytes] = field(default_factory=frozenset, repr=False)

    def _anchor_index(self) -> dict[bytes, list[tuple[int, int]]]:
        """Anchor word -> (rule, term) for the whole pack, built once."""
        if self._index is None:
            index: dict[bytes, list[tuple[int, int]]] = {}
            always: list[tuple[int, int]] = []
            for r, rule in enumerate(self.rules):
                state = rule._state()
                always += [(r, t) for t in state.always]
                for word, terms in state.anchor_index.items():
                    index.setdefault(word, []).extend((r, t) for t in terms)
            self._always = always
            self._words = frozenset(index)
            self._asked = self._words.union(
                *(
                    pieces
                    for rule in self.rules
                    for plan in rule._state().plans
                    for alternatives in plan.required
                    for pieces in alternatives
                )
            )
            self._index = index
        return self._index

    def asked_words(self) -> frozenset[bytes]:
        """Every word :meth:`viable_anchor_words` looks for: its answer for a vocabulary
        is its answer for the part of it made of these words."""
        self._anchor_index()
        return self._asked

    def viable_anchor_words(self, vocabulary: frozenset[bytes]) -> set[bytes] | None:
        """The anchor words of the terms that can match in a text with this vocabulary
        (every required word there, not just the anchor), or ``None`` when the pack
        has terms without an anchor word, which no vocabulary rules out.

        Most anchors are common words ("just", "point"); the other words of their
        terms are not. Asked with a whole file's vocabulary, this leaves the few
        words whose segments need a :meth:`scan` at all.
        """
        anchors = self._anchor_index()
        if self._always:
            return None
        viable: set[bytes] = set()
        for word in self._words & vocabulary:
            for r, t in anchors[word]:
                if plan_viable(self.rules[r]._state().plans[t], vocabulary):
                    viable.add(word)
                    break
        return viable

    def anchored_plans(self) -> dict[bytes, list[TermPlan]]:
        """Anchor word -> the plans of the terms it anchors (a fresh dict)."""
        return {
            word: [self.rules[r]._state().plans[t] for r, t in terms]
            for word, terms in self._anchor_index().items()
        }

    def scan(self, text: str, scope: str | None = None) -> Iterator[tuple[PhraseRule, Hit]]:
        """Every hit of every rule (optionally only rules applying to ``scope``).

        Same result as calling each rule's ``find``, with one vocabulary
        intersection for the whole pack instead of one per rule.
        """
        if not text:
            return
        anchors = self._anchor_index()
        index = _index(text)
        by_rule: dict[int, list[int]] = {}
        for r, t in self._always:
            by_rule.setdefault(r, []).append(t)
        for word in self._words & index.vocabulary:
            for r, t in anchors[word]:
                by_rule.setdefault(r, []).append(t)
        for r in sorted(by_rule):
            rule = self.rules[r]
            if scope is not None and scope not in rule.scope:
                continue
            for hit in rule._find(index, sorted(set(by_rule[r]))):
                yield rule, hit

    @property
    def entry_count(self) -> int:
        """Number of terms (entries) over all rules."""
        return sum(len(r.terms) for r in self.rules)


# --- YAML with positions ----------------------------------------------------

_STR = "tag:yaml.org,2002:str"
_CORE_TAGS = {
    _STR,
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:timestamp",
}

Path_ = tuple[Any, ...]


class _Located:
    """Plain data plus the YAML node of every value and mapping key."""

    def __init__(self, source: Path, index: Any) -> None:
        self.source = source
        self.index = index
        self.values: dict[Path_, Any] = {}
        self.keys: dict[Path_, Any] = {}
        self._seen: set[int] = set()

    def position(self, node: Any, offset: int = 0) -> tuple[int, int]:
        line, column = self.index.position(node.start)
        style = node.style
        if style in ("|", ">"):
            return line, column
        if style in ("'", '"'):
            column += 1
        return line, column + offset

    def error(self, node: Any, message: str, offset: int = 0) -> PackError:
        line, column = self.position(node, offset) if node is not None else (1, 1)
        return PackError(self.source, line, column, message)

    def at(self, path: Path_, message: str, *, key: bool = False, offset: int = 0) -> PackError:
        node = (self.keys.get(path) if key else None) or self.values.get(path)
        while node is None and path:
            path = path[:-1]
            node = self.values.get(path)
        return self.error(node, message, offset)

    def convert(self, node: Any, path: Path_ = ()) -> Any:
        if id(node) in self._seen:
            raise self.error(node, "anchors and aliases are not allowed in a rule pack")
        self._seen.add(id(node))
        tag = node.tag
        if tag not in _CORE_TAGS:
            raise self.error(node, f"YAML tag {tag!r} is not allowed in a rule pack")
        self.values[path] = node
        kind = node.id
        if kind == "mapping":
            out: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.id != "scalar":
                    raise self.error(key_node, "mapping keys must be plain strings")
                key = key_node.value
                if key in out:
                    raise self.error(key_node, f"duplicate key {key!r}")
                self.keys[path + (key,)] = key_node
                out[key] = self.convert(value_node, path + (key,))
            return out
        if kind == "sequence":
            return [self.convert(item, path + (i,)) for i, item in enumerate(node.value)]
        return _scalar(tag, node.value)


def _scalar(tag: str, value: str) -> Any:
    if tag == "tag:yaml.org,2002:null":
        return None
    if tag == "tag:yaml.org,2002:bool":
        return value.lower() in ("true", "yes", "on", "y")
    if tag == "tag:yaml.org,2002:int":
        digits = value.replace("_", "")
        try:
            return int(digits, 0)
        except ValueError:
            return int(digits)
    if tag == "tag:yaml.org,2002:float":
        low = value.lower().replace("_", "")
        if low in (".inf", "+.inf"):
            return float("inf")
        if low == "-.inf":
            return float("-inf")
        if low == ".nan":
            return float("nan")
        return float(low)
    return value  # str, and timestamps kept as text


def _compose(path: Path) -> tuple[Any, _Located]:
    """The pack's plain data and the node of every value, for errors at exact positions.

    Through the same bounded composer as the documents (ruamel's C parser, our node
    graph with depth and alias limits): it keeps offsets and constructs nothing.
    """
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from atlaslint.documents.yaml_compose import ComposeError, compose
    from atlaslint.positions import LineIndex

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise PackError(path, 1, 1, f"cannot read rule pack: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(path, 1, 1, f"rule pack is not valid UTF-8 (byte {exc.start})") from None
    index = LineIndex(text)
    located = _Located(path, index)
    try:
        node = compose(text)
    except ComposeError as exc:
        line, column = index.position(exc.offset)
        raise PackError(path, line, column, exc.message) from None
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise PackError(path, line, column, f"invalid YAML: {exc.problem or exc}") from None
    except YAMLError as exc:
        raise PackError(path, 1, 1, f"invalid YAML: {exc}") from None
    if node is None:
        raise PackError(path, 1, 1, "empty rule pack")
    return located.convert(node), located


# --- schema -----------------------------------------------------------------


def _data_dirs(name: str) -> list[Path]:
    """Candidate folders for packaged ``schemas``/``rules`` (wheel, then checkout)."""
    dirs: list[Path] = []
    try:
        from atlaslint.resources import data_dir

        dirs.append(data_dir(name))
    except (ImportError, FileNotFoundError):
        pass
    dirs += [_PACKAGE_DIR / "_data" / name, _REPO_ROOT / name]
    return dirs


def default_schema_path() -> Path:
    """Locate ``rulepack.schema.json`` in an installed package or a checkout."""
    for folder in _data_dirs("schemas"):
        candidate = folder / "rulepack.schema.json"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError("rulepack.schema.json is missing from the atlaslint installation")


_PACK_MARKER = re.compile(rb"^pack[ \t]*:", re.M)


def is_rule_pack(path: Path) -> bool:
    """A rule pack is a YAML file with a top-level ``pack:`` key.

    ``rules/`` also holds other data (the section list, built-in rule docs),
    so a folder of packs is filtered by this marker, cheaply, without parsing.
    """
    try:
        return bool(_PACK_MARKER.search(path.read_bytes()))
    except OSError:
        return False


def pack_paths(folder: str | Path) -> list[Path]:
    """The rule packs directly in ``folder`` (``*.yaml``/``*.yml``), sorted."""
    folder = Path(folder)
    found = [p for ext in ("*.yaml", "*.yml") for p in folder.glob(ext)]
    return sorted(p for p in found if p.is_file() and is_rule_pack(p))


def builtin_pack_paths() -> list[Path]:
    """The shipped packs (``rules/bias.yaml``, ``rules/style.yaml``)."""
    for folder in _data_dirs("rules"):
        if folder.is_dir():
            return pack_paths(folder)
    return []


@lru_cache(maxsize=4)
def _validator(schema_path: str) -> Any:
    from jsonschema import Draft202012Validator

    schema = json.loads(Path(schema_path).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _schema_error(located: _Located, data: Any, schema_path: Path) -> PackError | None:
    from jsonschema.exceptions import best_match

    errors = list(_validator(str(schema_path)).iter_errors(data))
    if not errors:
        return None

    def where(err: Any) -> tuple[int, int]:
        node = located.values.get(tuple(err.absolute_path))
        return located.position(node) if node is not None else (0, 0)

    err = min(errors, key=where)
    if err.context:
        err = best_match(err.context)
    path = tuple(err.absolute_path)
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        allowed = set(err.schema.get("properties", {}))
        extra = sorted(k for k in err.instance if k not in allowed)
        if extra:
            return located.at(path + (extra[0],), f"unknown key {extra[0]!r}", key=True)
    where_text = "/".join(str(p) for p in path) or "top level"
    return located.at(path, f"{where_text}: {err.message}")


# --- loading ----------------------------------------------------------------


def _as_tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _check_template(located: _Located, path: Path_, template: str) -> bool:
    """Validate one template; raise PackError at its exact column."""
    try:
        tokens = parse_template(template)
    except TemplateError as exc:
        raise located.at(
            path, f"bad template {template!r}: {exc.message}", offset=exc.offset
        ) from None
    return any(t.is_wildcard for t in tokens)


def _check_message(located: _Located, path: Path_, message: str) -> set[str]:
    fields: set[str] = set()
    try:
        for _literal, name, spec, conversion in string.Formatter().parse(message):
            if name is None:
                continue
            if name not in _MESSAGE_FIELDS or spec or conversion:
                raise located.at(
                    path, f"message may only use {{match}} and {{suggestion}}, not {{{name}}}"
                )
            fields.add(name)
    except ValueError as exc:
        raise located.at(path, f"bad message: {exc} (write '{{{{' for a brace)") from None
    return fields


def load_pack(
    path: str | Path, schema_path: str | Path | None = None, *, validate: bool = True
) -> Pack:
    """Load, validate and compile one pack; raise :class:`PackError` if unusable.

    ``validate=False`` skips the JSON Schema pass (half the load time) for the packs
    we ship, which the test suite validates; templates are still parsed.
    """
    path = Path(path)
    data, located = _compose(path)
    if validate:
        schema = Path(schema_path) if schema_path is not None else default_schema_path()
        problem = _schema_error(located, data, schema)
        if problem is not None:
            raise problem

    rules: list[PhraseRule] = []
    seen_ids: set[str] = set()
    for r_index, raw in enumerate(data["rules"]):
        r_path: Path_ = ("rules", r_index)
        rule_id = raw["id"]
        family = rule_id.split("/", 1)[0]
        if rule_id in seen_ids:
            raise located.at(r_path + ("id",), f"duplicate rule id {rule_id!r}")
        seen_ids.add(rule_id)
        if family in RESERVED_FAMILIES:
            raise located.at(
                r_path + ("id",), f"family {family!r} is built in; a pack cannot define {rule_id!r}"
            )
        fields = _check_message(located, r_path + ("message",), raw["message"])
        exceptions = _as_tuple(raw.get("exceptions"))
        for e_index, template in enumerate(exceptions):
            _check_template(located, r_path + ("exceptions", e_index), template)

        terms: list[Term] = []
        seen_templates: set[str] = set()
        for t_index, raw_term in enumerate(raw["terms"]):
            t_path = r_path + ("terms", t_index)
            template = raw_term["match"]
            has_wildcard = _check_template(located, t_path + ("match",), template)
            if template in seen_templates:
                raise located.at(t_path + ("match",), f"duplicate term {template!r}")
            seen_templates.add(template)
            suggestions = _as_tuple(raw_term.get("suggest"))
            if family == "bias" and not suggestions:
                raise located.at(t_path, "every bias term needs a suggestion ('suggest')")
            if "suggestion" in fields and not suggestions:
                raise located.at(
                    t_path, "the rule's message uses {suggestion} but this term has no 'suggest'"
                )
            term_exceptions = _as_tuple(raw_term.get("exceptions"))
            for e_index, exc_template in enumerate(term_exceptions):
                _check_template(located, t_path + ("exceptions", e_index), exc_template)
            line, column = located.position(located.values[t_path + ("match",)])
            terms.append(
                Term(
                    match=template,
                    suggestions=suggestions,
                    reason=raw_term.get("reason"),
                    exceptions=term_exceptions,
                    line=line,
                    column=column,
                    has_wildcard=has_wildcard,
                )
            )
        line, column = located.position(located.values[r_path])
        rule = PhraseRule(
            id=rule_id,
            severity=raw["severity"],
            summary=raw["summary"],
            message=raw["message"],
            reason=raw.get("reason", raw["summary"]),
            scope=tuple(raw.get("scope", DEFAULT_SCOPE)),
            case_sensitive=bool(raw.get("case_sensitive", False)),
            terms=tuple(terms),
            exceptions=exceptions,
            source=path,
            line=line,
            column=column,
        )
        rules.append(rule)

    return Pack(
        name=data["pack"],
        description=data.get("description", ""),
        path=path,
        rules=rules,
        structure=data.get("structure"),
    )


def load_packs(
    paths: Iterable[str | Path], schema_path: str | Path | None = None, *, validate: bool = True
) -> list[Pack]:
    """Load several packs; a rule id defined twice across them is an error."""
    packs = [load_pack(p, schema_path, validate=validate) for p in paths]
    reject_duplicate_ids(packs)
    return packs


def reject_duplicate_ids(packs: Sequence[Pack]) -> None:
    """A rule id defined twice across packs is an error at the second definition."""
    owners: dict[str, PhraseRule] = {}
    for pack in packs:
        for rule in pack.rules:
            other = owners.get(rule.id)
            if other is not None:
                raise PackError(
                    rule.source,
                    rule.line,
                    rule.column,
                    f"rule {rule.id!r} is already defined in {other.source}:{other.line}",
                )
            owners[rule.id] = rule


@lru_cache(maxsize=1)
def load_builtin_packs() -> tuple[Pack, ...]:
    """The shipped packs, loaded once per process (schema-checked by the tests)."""
    return tuple(load_packs(builtin_pack_paths(), validate=False))
