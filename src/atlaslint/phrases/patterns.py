"""Phrase templates: a tiny, regex-free pattern language compiled to safe ``re``.

Rule packs are edited by contributors, not by regex experts, and run on every
file of a corpus.  Raw regexes would invite both mistakes (``man`` matching
inside ``manage``) and catastrophic backtracking.  A template is therefore a
sequence of tokens separated by single spaces:

``word``            a literal word or punctuation run (``it's``, ``conclusion,``)
``a|b|c``           one of several literals
``word?``           an optional literal; ``(a|b)?`` optional alternatives
``(a b|c)``         a parenthesised group whose alternatives may be several
                    literal words (``(it's|it is)``); this is the only place a
                    space may appear inside a token
``_``               any one word; ``_{m,n}`` between m and n words (n <= 8)

A "word" for ``_`` is one whitespace-delimited run of the text, attached
punctuation included: in "a tool, it's a mindset" the words are ``a``,
``tool,``, ``it's`` ...  A backslash escapes a special character
(``\\?``, ``\\|``, ``\\(``, ``\\)``, ``\\_``, ``\\\\``).

Generated regexes contain only literals (with ``'`` also matching ``’`` and
``-`` matching the Unicode hyphens), fixed-width look-arounds for word
boundaries, possessive whitespace/word runs and bounded repetition, so every
match attempt is bounded and the scan is linear in the text.

Matching.  The obvious design, one alternation of all of a rule's terms, is
far too slow in CPython's ``re``: it tries every alternative at every
position of the text (tens of seconds for 650 profiles).  So a term is
matched on its own, and only when it can match:

1. :func:`index_text` builds, once per text, the set of its lower-case ASCII
   word pieces (one ``bytes.translate`` and ``split``);
2. a term is tried only if every required token has an alternative whose
   pieces are all in that set (:class:`TermPlan`);
3. it then runs only in a window of whitespace-delimited words around each
   occurrence of its most selective literal, found by a literal search;
4. each start found there is re-matched on the whole text, so the result is
   exactly that of ``finditer`` over the whole text (see the tests).

:func:`compile_templates` still builds the one-pattern-per-rule alternation,
used for exceptions (checked only next to a hit) and as the reference.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

__all__ = [
    "MAX_WILDCARD_WORDS",
    "VOCAB_TABLE",
    "Anchor",
    "SpanSet",
    "TemplateError",
    "TermPlan",
    "TextIndex",
    "Token",
    "anchor_words",
    "apply_case",
    "compile_lowered",
    "compile_template",
    "compile_templates",
    "find_template",
    "index_text",
    "parse_template",
    "plan_present",
    "plan_template",
    "plan_viable",
    "spans_overlapping",
    "template_regex",
    "text_vocabulary",
    "texts_holding",
]

#: Upper bound for ``_{m,n}``: keeps each match attempt short.
MAX_WILDCARD_WORDS = 8

_SPECIAL = set("|()?\\")
_RANGE_RE = re.compile(r"_\{(\d+),(\d+)\}\Z")

# Word boundaries.  A hyphen or apostrophe glued to a word keeps the word
# going on the left ("non-fat", "o'man") and a hyphen does on the right
# ("lame-duck"), so a term never fires on part of a compound; a trailing
# apostrophe is allowed on the right so possessives ("chairman's") match.
# The left boundary is checked by a look-behind placed AFTER the first word
# (see _literal_regex), so every pattern starts with a literal and the regex
# engine can use its fast literal-prefix search instead of trying each
# position.
_RIGHT_BOUNDARY = r"(?!\w)(?![-‐‑]\w)"
# Possessive runs (3.11+) never give characters back; on 3.10 the plain runs
# are still bounded, since each is followed by something that fails at once.
_PLUS = "++" if sys.version_info >= (3, 11) else "+"
_GAP = r"\s" + _PLUS  # whitespace between tokens, newlines included
_ANY_WORD = r"\S" + _PLUS  # one whitespace-delimited word

_CHAR_CLASSES = {
    "'": "['’]",
    "’": "['’]",
    "-": "[-‐‑]",
    "‐": "[-‐‑]",
    "‑": "[-‐‑]",
}


class TemplateError(ValueError):
    """A malformed template; ``offset`` is the 0-based character offset in it."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Token:
    """One parsed template token.

    ``alternatives`` holds, for a literal token, each alternative as a tuple
    of words (one word except inside parenthesised groups); it is empty for
    a wildcard, which uses ``min_words``/``max_words`` instead.
    """

    alternatives: tuple[tuple[str, ...], ...]
    optional: bool = False
    min_words: int = 1
    max_words: int = 1
    offset: int = 0

    @property
    def is_wildcard(self) -> bool:
        return not self.alternatives


def _split_unescaped(text: str, sep: str, base: int) -> list[tuple[str, int]]:
    """Split ``text`` on unescaped ``sep``; keep escapes for the literal pass."""
    parts: list[tuple[str, int]] = []
    start = 0
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == sep:
            parts.append((text[start:i], base + start))
            start = i + 1
        i += 1
    parts.append((text[start:], base + start))
    return parts


def _unescape_literal(raw: str, base: int) -> str:
    """Resolve backslash escapes; reject unescaped special characters."""
    out: list[str] = []
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\\":
            if i + 1 >= len(raw):
                raise TemplateError("dangling backslash", base + i)
            out.append(raw[i + 1])
            i += 2
            continue
        if ch in _SPECIAL:
            raise TemplateError(f"unexpected {ch!r} in a literal (escape it as '\\{ch}')", base + i)
        if ch.isspace():
            raise TemplateError("unexpected whitespace inside a word", base + i)
        out.append(ch)
        i += 1
    if not out:
        raise TemplateError("empty word", base)
    return "".join(out)


def _parse_alternatives(raw: str, base: int, allow_spaces: bool) -> tuple[tuple[str, ...], ...]:
    alternatives: list[tuple[str, ...]] = []
    for alt, alt_base in _split_unescaped(raw, "|", base):
        if alt == "":
            raise TemplateError(
                "empty alternative (make a token optional with '?' instead)", alt_base
            )
        if allow_spaces:
            words = []
            for word, word_base in _split_unescaped(alt, " ", alt_base):
                if word == "":
                    raise TemplateError(
                        "words inside a group are separated by single spaces", word_base
                    )
                words.append(_unescape_literal(word, word_base))
            alternatives.append(tuple(words))
        else:
            alternatives.append((_unescape_literal(alt, alt_base),))
    # Longest first, so "man's|man" prefers the longer spelling at one start.
    return tuple(sorted(alternatives, key=lambda a: -len(" ".join(a))))


def _scan_tokens(template: str) -> list[tuple[str, int]]:
    """Split a template into raw tokens, keeping parenthesised groups whole."""
    tokens: list[tuple[str, int]] = []
    i = 0
    n = len(template)
    while i < n:
        start = i
        if template[i] == " ":
            raise TemplateError("tokens are separated by single spaces", i)
        if template[i] == "(":
            depth_end = -1
            j = i + 1
            while j < n:
                if template[j] == "\\":
                    j += 2
                    continue
                if template[j] == "(":
                    raise TemplateError("groups cannot be nested", j)
                if template[j] == ")":
                    depth_end = j
                    break
                j += 1
            if depth_end < 0:
                raise TemplateError("unclosed '('", i)
            i = depth_end + 1
            if i < n and template[i] == "?":
                i += 1
            if i < n and template[i] != " ":
                raise TemplateError("a group must be followed by a space or the end", i)
        else:
            while i < n and template[i] != " ":
                i += 2 if template[i] == "\\" else 1
            i = min(i, n)
        tokens.append((template[start:i], start))
        if i < n:  # skip the single separating space
            i += 1
            if i == n:
                raise TemplateError("trailing space", i - 1)
    return tokens


def parse_template(template: str) -> list[Token]:
    """Parse and validate a template; raise :class:`TemplateError` if malformed.

    Remembered per template (tokens are frozen; each caller gets its own list):
    a pack's templates are parsed when it is loaded and again when its terms are
    planned, and the same pack serves every file."""
    if not isinstance(template, str):
        raise TemplateError("empty template", 0)
    return list(_parsed(template))


@functools.lru_cache(maxsize=8192)
def _parsed(template: str) -> tuple[Token, ...]:
    if not template.strip():
        raise TemplateError("empty template", 0)
    if template != template.strip():
        raise TemplateError("leading or trailing whitespace", 0)
    for i, ch in enumerate(template):
        if ch.isspace() and ch != " ":
            raise TemplateError("only single spaces may separate tokens", i)
    tokens: list[Token] = []
    for raw, base in _scan_tokens(template):
        optional = raw.endswith("?") and not raw.endswith("\\?")
        body = raw[:-1] if optional else raw
        if body == "":
            raise TemplateError("'?' must follow a word or group", base)
        if body.startswith("_") and (body == "_" or body.startswith("_{")):
            if body == "_":
                lo, hi = (0, 1) if optional else (1, 1)
            else:
                if optional:
                    raise TemplateError("write an optional range as '_{0,n}'", base)
                m = _RANGE_RE.match(body)
                if not m:
                    raise TemplateError("a word range is written '_{m,n}'", base)
                lo, hi = int(m.group(1)), int(m.group(2))
                if hi < 1 or lo > hi:
                    raise TemplateError("'_{m,n}' needs 0 <= m <= n and n >= 1", base)
                if hi > MAX_WILDCARD_WORDS:
                    raise TemplateError(
                        f"'_{{m,n}}' allows at most {MAX_WILDCARD_WORDS} words", base
                    )
            tokens.append(Token((), optional=lo == 0, min_words=lo, max_words=hi, offset=base))
            continue
        if body.startswith("("):
            if not body.endswith(")"):
                raise TemplateError("a group must end with ')'", base)
            alts = _parse_alternatives(body[1:-1], base + 1, allow_spaces=True)
        else:
            if optional and len(_split_unescaped(body, "|", base)) > 1:
                raise TemplateError("put optional alternatives in parentheses: '(a|b)?'", base)
            alts = _parse_alternatives(body, base, allow_spaces=False)
        tokens.append(Token(alts, optional=optional, offset=base))
    required = [i for i, t in enumerate(tokens) if not t.optional and not t.is_wildcard]
    if not required:
        raise TemplateError("a template needs at least one required word", 0)
    for i, tok in enumerate(tokens):
        if tok.is_wildcard and not required[0] < i < required[-1]:
            # A leading or trailing '_' would make any neighbouring word part
            # of the hit, and would need a look-behind of unbounded width.
            raise TemplateError("'_' must lie between two required words", tok.offset)
    return tuple(tokens)


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _literal_regex(word: str, left: bool) -> str:
    body = "".join(_CHAR_CLASSES.get(ch) or re.escape(ch) for ch in word)
    if left and _is_word_char(word[0]):
        # Every character of a word matches exactly one character, so the
        # look-behind has a fixed width: "not preceded by a word character,
        # nor by a word character plus hyphen or apostrophe". The joiners are
        # split into an ASCII and a non-ASCII class: one class of all five is
        # compiled through a table of all 65,536 code points (sre's BIGCHARSET),
        # which made compiling a term twice as slow (each worker compiles every
        # term it meets).
        n = len(word)
        body += f"(?<!\\w.{{{n}}})(?<!\\w[-'].{{{n}}})(?<!\\w[‐‑’].{{{n}}})"
    if _is_word_char(word[-1]):
        body += _RIGHT_BOUNDARY
    return body


def _token_regex(token: Token, left: bool) -> str:
    alts = [
        _GAP.join(_literal_regex(w, left and j == 0) for j, w in enumerate(alt))
        for alt in token.alternatives
    ]
    return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"


def template_regex(template: str | Sequence[Token]) -> str:
    """Regex source (no capturing groups) for one template.

    Tokens before the first required one carry their trailing gap, the rest
    their leading gap, so an absent optional token leaves no stray whitespace.
    Only the words that can open a match need a left boundary: every later
    word follows whitespace.
    """
    tokens = parse_template(template) if isinstance(template, str) else list(template)
    first_required = next(i for i, t in enumerate(tokens) if not t.optional)
    parts: list[str] = []
    for i, tok in enumerate(tokens):
        if tok.is_wildcard:
            # Never first or last, so always after a word: leading gaps.
            lo, hi = tok.min_words, tok.max_words
            parts.append(f"(?:{_GAP}{_ANY_WORD}){{{lo},{hi}}}")
            continue
        body = _token_regex(tok, left=i <= first_required)
        if i < first_required:
            parts.append(f"(?:{body}{_GAP})?")
        elif i == first_required:
            parts.append(body)
        elif tok.optional:
            parts.append(f"(?:{_GAP}{body})?")
        else:
            parts.append(_GAP + body)
    return "".join(parts)


def compile_template(template: str, case_sensitive: bool = False) -> re.Pattern[str]:
    """One template as a pattern (case-insensitive unless asked otherwise)."""
    return re.compile(template_regex(template), 0 if case_sensitive else re.IGNORECASE)


def compile_lowered(template: str) -> re.Pattern[str]:
    """A case-insensitive template for a lower-cased text, compiled without
    IGNORECASE so that the engine's literal-prefix search applies (it does
    not for case-folded literals): several times faster on long prose.
    """
    return re.compile(template_regex(template.lower()))


def compile_templates(templates: Sequence[str], case_sensitive: bool = False) -> re.Pattern[str]:
    """Compile templates into ONE pattern; group ``t<i>`` tells which fired.

    ``match.lastgroup`` names the term, since the per-term groups are the
    only capturing groups.  Used for exceptions and as the reference
    matcher; the hot path runs only the terms the prefilter lets through.
    """
    if not templates:
        raise ValueError("no templates")
    source = "|".join(f"(?P<t{i}>{template_regex(t)})" for i, t in enumerate(templates))
    return re.compile(source, 0 if case_sensitive else re.IGNORECASE)


# --- prefilter and search plan ------------------------------------------------
#
# A rule has dozens of terms and a text usually contains none of them.  One
# pass builds the set of word pieces in the text (bytes: lower-case, every
# byte that is not an ASCII letter, digit or underscore turned into a space).
# A template's pieces are cut from its lower-cased literals the same way,
# and a literal is always delimited in the text by a word boundary, so a
# piece of a matching literal is always a piece of the text: the filter has
# no false negatives, only cheap false positives.

# Byte table: ASCII letters to lower case, digits and "_" kept, all else a space.
VOCAB_TABLE = bytes(
    b + 32 if 65 <= b <= 90 else b if (97 <= b <= 122 or 48 <= b <= 57 or b == 95) else 32
    for b in range(256)
)

# Words too common to be worth using as an anchor.
_COMMON = frozenset(
    b"a an and are as at be by for from he her his i in is it its me my of on or "
    b"s she so that the their them they this to was we were with you your".split()
)


def _token_words(token: Token) -> int:
    """Most whitespace-delimited words of text one token can span."""
    return token.max_words if token.is_wildcard else max(len(a) for a in token.alternatives)


_VARIANT_CHARS = frozenset("'’-‐‑")
_ASCII_RUN_RE = re.compile(r"[a-z0-9_]+")


@dataclass(frozen=True, slots=True)
class Anchor:
    """Where to look for one alternative of a template's anchor token.

    ``piece`` is the vocabulary word that must be present; ``needle`` the
    longest stretch of the lower-cased literal around it that the text
    contains verbatim (no apostrophe or hyphen, which have variants), so
    that ``str.find`` can look for "s/he" rather than for every "he".
    ``left``/``right`` say whether the needle sits at the edge of the word,
    where a word boundary must hold.
    """

    piece: bytes
    needle: str
    left: bool
    right: bool


def _piece_score(piece: str) -> tuple[int, int]:
    return (int(piece.encode() not in _COMMON), len(piece))


def _word_anchor(word: str) -> tuple[tuple[int, int], Anchor] | None:
    lowered = word.lower()
    runs = list(_ASCII_RUN_RE.finditer(lowered))
    if not runs:
        return None
    # Best piece; on a tie the later one (the head of "man-made" is "made").
    best = max(enumerate(runs), key=lambda r: (_piece_score(r[1].group()), r[0]))[1]
    start, end = best.span()
    while start > 0 and lowered[start - 1] not in _VARIANT_CHARS:
        start -= 1
    while end < len(lowered) and lowered[end] not in _VARIANT_CHARS:
        end += 1
    anchor = Anchor(
        piece=best.group().encode(),
        needle=lowered[start:end],
        left=start == 0 and lowered[0] in _ASCII_WORD,
        right=end == len(lowered) and lowered[-1] in _ASCII_WORD,
    )
    return _piece_score(best.group()), anchor


def _token_anchors(token: Token) -> tuple[tuple[int, int], tuple[Anchor, ...]] | None:
    """One anchor per alternative (its best word), and how selective the weakest is."""
    anchors: list[Anchor] = []
    score: tuple[int, int] | None = None
    for alt in token.alternatives:
        found = [a for a in (_word_anchor(w) for w in alt) if a is not None]
        if not found:
            return None
        key, anchor = max(found, key=lambda f: (f[0], len(f[1].needle)))
        anchors.append(anchor)
        score = key if score is None else min(score, key)
    assert score is not None
    return score, tuple(anchors)


@dataclass(frozen=True, slots=True)
class TermPlan:
    """How to find one template cheaply.

    ``required`` holds, for every required literal token, the word pieces
    of each alternative: some alternative must have all its pieces in the
    text's vocabulary, for every such token, or the template cannot match.  ``anchors``
    belong to the most selective of those tokens: their needles are found
    with ``str.find`` and the template is matched only in a window of
    ``words_before``/``words_after`` whitespace-delimited words around each
    occurrence.  Both bounds are exact (a literal never spans whitespace, a
    wildcard spans at most n words), so windowing loses no match.  No
    anchors means the template is run over the whole text.
    """

    required: tuple[tuple[frozenset[bytes], ...], ...]
    anchors: tuple[Anchor, ...]
    words_before: int
    words_after: int
    must: frozenset[bytes] = field(init=False)
    """Every piece of the tokens with a single alternative (one subset test)."""
    choices: tuple[tuple[frozenset[bytes], ...], ...] = field(init=False)
    """The tokens with several alternatives."""

    needles: tuple[tuple[tuple[bytes, ...], ...], ...] = field(init=False)
    """:attr:`must` and :attr:`choices` as needles: for each required token, each
    alternative's pieces with a space either side (see :func:`plan_present`)."""

    def __post_init__(self) -> None:
        single = [alternatives[0] for alternatives in self.required if len(alternatives) == 1]
        object.__setattr__(self, "must", frozenset().union(*single))
        choices = tuple(alternatives for alternatives in self.required if len(alternatives) > 1)
        object.__setattr__(self, "choices", choices)
        needles = [((b" " + piece + b" ",),) for piece in sorted(self.must)]
        needles += [
            tuple(tuple(b" " + piece + b" " for piece in sorted(pieces)) for pieces in alternatives)
            for alternatives in choices
        ]
        object.__setattr__(self, "needles", tuple(needles))

    @property
    def anchor_words(self) -> frozenset[bytes]:
        return frozenset(a.piece for a in self.anchors)


def plan_template(template: str | Sequence[Token]) -> TermPlan:
    """Work out the prefilter words and the search window of a template."""
    tokens = parse_template(template) if isinstance(template, str) else list(template)
    required: list[tuple[tuple[int, int], tuple[frozenset[bytes], ...]]] = []
    best: tuple[tuple[int, int, int], int, tuple[Anchor, ...]] | None = None
    for i, tok in enumerate(tokens):
        if tok.optional or tok.is_wildcard:
            continue
        found = _token_anchors(tok)
        if found is None:
            continue
        score, anchors = found
        required.append((score, tuple(_alternative_pieces(alt) for alt in tok.alternatives)))
        key = (score[0], min(len(a.needle) for a in anchors), i)  # ties: the later word
        if best is None or key > best[0]:
            best = (key, i, anchors)
    if best is None:
        return TermPlan((), (), 0, 0)
    _key, k, anchors = best
    own = _token_words(tokens[k]) - 1
    before = sum(_token_words(t) for t in tokens[:k]) + own
    after = sum(_token_words(t) for t in tokens[k + 1 :]) + own
    # Most selective token first, so a missing word ends the check early.
    ordered = tuple(alts for _score, alts in sorted(required, key=lambda r: r[0], reverse=True))
    return TermPlan(ordered, anchors, before, after)


def _alternative_pieces(alt: tuple[str, ...]) -> frozenset[bytes]:
    return frozenset(
        m.group().encode() for word in alt for m in _ASCII_RUN_RE.finditer(word.lower())
    )


def anchor_words(template: str | Sequence[Token]) -> frozenset[bytes] | None:
    """The vocabulary words a template's search starts from (None: none)."""
    return plan_template(template).anchor_words or None


_ASCII_WORD = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_BACK: dict[int, re.Pattern[str]] = {}
_AHEAD: dict[int, re.Pattern[str]] = {}


def _words_pattern(cache: dict[int, re.Pattern[str]], n: int) -> re.Pattern[str]:
    pattern = cache.get(n)
    if pattern is None:
        pattern = cache[n] = re.compile(r"\S*(?:\s+\S+){0," + str(n) + "}")
    return pattern


_UNSET: object = object()
_NEEDLES: dict[tuple[str, bool, bool], re.Pattern[str]] = {}


def _needle_pattern(key: tuple[str, bool, bool]) -> re.Pattern[str]:
    """A needle as a pattern that starts with its literal (fast prefix search)
    and checks the ASCII word boundaries after it, in C."""
    pattern = _NEEDLES.get(key)
    if pattern is None:
        needle, left, right = key
        source = re.escape(needle)
        if left:
            source += f"(?<![a-z0-9_].{{{len(needle)}}})"
        if right:
            source += "(?![a-z0-9_])"
        pattern = _NEEDLES[key] = re.compile(source, re.DOTALL)
    return pattern


class TextIndex:
    """What every rule needs from one text, computed once and shared.

    ``vocabulary`` is the set of lower-case ASCII word pieces (see the
    prefilter notes).  ``lowered`` is ``text.lower()`` when that keeps every
    offset (it does not for a few characters such as 'İ'), else None, and
    matching falls back to whole-text case-insensitive patterns; it is made
    only when some term gets past the vocabulary check.
    """

    __slots__ = ("_lowered", "_occurrences", "_reversed", "text", "vocabulary")

    def __init__(self, text: str, vocabulary: frozenset[bytes]) -> None:
        self.text = text
        self.vocabulary = vocabulary
        self._lowered: object = _UNSET
        self._reversed: str | None = None
        self._occurrences: dict[tuple[str, bool, bool], list[int]] = {}

    @property
    def lowered(self) -> str | None:
        lowered = self._lowered
        if lowered is _UNSET:
            low = self.text.lower()
            lowered = self._lowered = low if len(low) == len(self.text) else None
        return lowered  # type: ignore[return-value]

    def occurrences(self, needle: str, left: bool, right: bool) -> list[int]:
        """Offsets of ``needle``, at an ASCII word boundary where asked."""
        key = (needle, left, right)
        cached = self._occurrences.get(key)
        if cached is None:
            lowered = self.lowered
            assert lowered is not None
            pattern = _needle_pattern(key)
            cached = self._occurrences[key] = [m.start() for m in pattern.finditer(lowered)]
        return cached

    def window(self, start: int, end: int, before: int, after: int) -> tuple[int, int]:
        """Span from ``before`` words before ``start`` to ``after`` words past ``end``."""
        lowered = self.lowered
        assert lowered is not None
        rev = self._reversed
        if rev is None:
            rev = self._reversed = lowered[::-1]
        n = len(lowered)
        back = _words_pattern(_BACK, before).match(rev, n - start)
        ahead = _words_pattern(_AHEAD, after).match(lowered, end)
        assert back is not None and ahead is not None  # both can match empty
        return start - (back.end() - (n - start)), ahead.end()


def index_text(text: str) -> TextIndex:
    """Build the :class:`TextIndex` of ``text``.

    The vocabulary is cut from the UTF-8 bytes with one translate that also
    lower-cases ASCII; the only non-ASCII characters whose lower case is an
    ASCII letter are 'İ' (whose lower case changes length, so such a text
    takes the slow path) and the Kelvin sign, handled here.
    """
    source = text.lower() if "\u212a" in text else text
    vocabulary = frozenset(source.encode("utf-8", "surrogatepass").translate(VOCAB_TABLE).split())
    return TextIndex(text, vocabulary)


def texts_holding(
    texts: Sequence[str], choose: Callable[[list[bytes]], Collection[bytes] | None]
) -> list[int]:
    """Indices of the ``texts`` whose vocabulary (:func:`index_text`) holds one of the
    words ``choose`` picks from the words of all of them, as a list in text order
    with repeats (``None``: every text).

    A file's prose is many short texts, and indexing each costs more than the
    few scans it saves: here the texts are joined (a newline is no word byte, so
    it keeps words apart) and translated once, ``choose`` sees the vocabulary of
    the lot, and each word it picks is found as a whole space-delimited piece
    with ``bytes.find`` and given to its text by its offset. Exact: a text is
    listed if and only if its own index holds one of the picked words.
    """
    if not texts:
        return []
    encoded = [
        (t.lower() if "\u212a" in t else t).encode("utf-8", "surrogatepass") for t in texts
    ]  # each text as index_text reads it
    translated = b" " + b"\n".join(encoded).translate(VOCAB_TABLE) + b" "
    words = choose(translated.split())
    if words is None:
        return list(range(len(texts)))
    if not words:
        return []
    # text i is translated[starts[i] : starts[i + 1] - 1]
    starts = list(itertools.accumulate((len(e) + 1 for e in encoded), initial=1))
    found: set[int] = set()
    for word in words:
        needle = b" " + word + b" "
        position = translated.find(needle)
        while position != -1:
            i = bisect_right(starts, position + 1) - 1
            found.add(i)
            # that text is listed: go on from the next one
            position = translated.find(needle, max(position + 1, starts[i + 1] - 1))
    return sorted(found)


def plan_viable(plan: TermPlan, vocabulary: frozenset[bytes]) -> bool:
    """Can the template match in a text with this vocabulary? (Every required token
    has an alternative whose pieces are all there.)"""
    if not plan.must <= vocabulary:
        return False
    for alternatives in plan.choices:
        for pieces in alternatives:
            if pieces <= vocabulary:
                break
        else:
            return False
    return True


def plan_present(plan: TermPlan, translated: bytes, start: int, end: int) -> bool:
    """:func:`plan_viable` for the vocabulary of ``translated[start:end]``, a stretch of
    :data:`VOCAB_TABLE` bytes with a space at either end, without building it: a
    word is in that vocabulary if and only if it is found there with a space
    either side."""
    find = translated.find
    for alternatives in plan.needles:
        for needles in alternatives:
            if len(needles) == 1:  # most alternatives are one word: no generator
                if find(needles[0], start, end) != -1:
                    break
            elif all(find(needle, start, end) != -1 for needle in needles):
                break
        else:
            return False
    return True


def text_vocabulary(text: str) -> frozenset[bytes]:
    """The prefilter's word set for ``text``."""
    return index_text(text).vocabulary


def find_template(
    plan: TermPlan, pattern: re.Pattern[str], index: TextIndex, target: str
) -> list[tuple[int, int]]:
    """Spans of one template in ``target`` (the text or its lower-cased copy).

    The result equals ``[m.span() for m in pattern.finditer(target)]`` (a
    caller that wants it cheap asks :func:`plan_viable` first: with a required
    word missing nothing can match): every start
    position where the template matches inside a window around an anchor
    occurrence (every whole-text match lies inside the window of an anchor
    it contains), each re-matched on the whole text so quantifiers are as
    greedy as in a full scan, and overlapping starts dropped as
    ``finditer`` drops them.
    """
    vocab = index.vocabulary
    if not plan.anchors or index.lowered is None:
        return [m.span() for m in pattern.finditer(target)]
    starts: set[int] = set()
    for anchor in plan.anchors:
        if anchor.piece not in vocab:
            continue
        size = len(anchor.needle)
        for pos in index.occurrences(anchor.needle, anchor.left, anchor.right):
            lo, hi = index.window(pos, pos + size, plan.words_before, plan.words_after)
            m = pattern.search(target, lo, hi)
            while m is not None:
                starts.add(m.start())
                m = pattern.search(target, m.start() + 1, hi)
    spans: list[tuple[int, int]] = []
    last_end = -1
    for start in sorted(starts):
        if start < last_end:
            continue
        m = pattern.match(target, start)
        if m is not None:
            spans.append(m.span())
            last_end = m.end()
    return spans


# --- case -------------------------------------------------------------------


def apply_case(original: str, replacement: str) -> str:
    """Give ``replacement`` the case shape of ``original``.

    A fix must not turn "Chairman" into "chair" at the start of a sentence
    or "FIREMAN" into "firefighter" in a heading.  All-caps (two or more
    cased letters, all upper) gives all-caps; a capitalised original gives a
    capitalised replacement; anything else keeps the replacement as written
    (so suggested proper nouns and acronyms survive).
    """
    if not replacement:
        return replacement
    cased = [c for c in original if c.isupper() or c.islower()]
    if len(cased) >= 2 and all(c.isupper() for c in cased):
        return replacement.upper()
    if cased and cased[0].isupper() and original.lstrip()[:1] == cased[0]:
        return replacement[0].upper() + replacement[1:]
    return replacement


def spans_overlapping(
    pattern: re.Pattern[str], text: str, start: int, end: int, window: int = 400
) -> bool:
    """Does a match of ``pattern`` overlap ``text[start:end]``?

    Exceptions are checked only around a hit, every start position in a
    window of ``window`` characters either side, so an exception found
    after an earlier overlapping one ("master's degree") is not missed.
    """
    lo = max(0, start - window)
    hi = min(len(text), end + window)
    pos = lo
    while pos < end:
        m = pattern.search(text, pos, hi)
        if m is None or m.start() >= end:
            return False
        if m.end() > start and m.start() < end:
            return True
        pos = m.start() + 1
    return False


class SpanSet:
    """All matches of a pattern in a text (one per start), for overlap queries.

    Used when a rule has many hits in one text: one pass over the text
    instead of a window search per hit.
    """

    def __init__(self, pattern: re.Pattern[str], text: str) -> None:
        starts: list[int] = []
        max_ends: list[int] = []
        top = -1
        pos = 0
        while True:
            m = pattern.search(text, pos)
            if m is None:
                break
            top = max(top, m.end())
            starts.append(m.start())
            max_ends.append(top)
            pos = m.start() + 1
        self._starts = starts
        self._max_ends = max_ends

    def overlaps(self, start: int, end: int) -> bool:
        """Does any span overlap ``[start, end)``?"""
        i = bisect_left(self._starts, end)
        return i > 0 and self._max_ends[i - 1] > start
