"""Phrase rules (bias, style packs) over the prose of a unit's files, at exact spans.

The prose comes from ``documents/prose.py`` (the same segments grammar checks), so
code, URLs, link targets, markup and YAML quoting are already left out and every
character maps back to the file. Each hit becomes a diagnostic with the rule's
first suggestion, and a :class:`~atlaslint.diagnostics.Fix` when the term has one
safe replacement *and* the matched words are written in the file exactly as
matched: a hit across a line break, an escape or markup (``**chair**man``) is
reported but never rewritten, since replacing its span would change the markup.
"""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Callable, Iterable, Sequence

from atlaslint.checks.grammar import Prose
from atlaslint.checks.sink import Sink
from atlaslint.diagnostics import Fix
from atlaslint.documents.markdown import MarkdownDocument
from atlaslint.documents.prose import Segment
from atlaslint.phrases.loading import anchored_plans_for, asked_words_for, packs_for
from atlaslint.phrases.patterns import VOCAB_TABLE, apply_case, plan_present, texts_holding
from atlaslint.settings import Settings

SCOPE_OF_CONTEXT = {
    "prose": "prose",
    "heading": "headings",
    "metadata": "metadata",
    "framework": "framework",
}
"""Segment context (documents/prose.py) -> rule scope (rule packs)."""


def wanted(settings: Settings) -> bool:
    """Would any phrase finding be reported? (Cheap; skips building prose when not.)"""
    return any(
        settings.enabled(rule.id) for pack in packs_for(settings.rule_packs) for rule in pack.rules
    )


@functools.cache
def _field_lists(key: str) -> dict[str, tuple[tuple[str, ...], ...]]:
    from atlaslint.resources import load_data_yaml

    data = load_data_yaml("prose-fields.yaml")
    section = data.get(key) if isinstance(data, dict) else None
    return {
        kind: tuple(tuple(glob.split("/")) for glob in globs)
        for kind, globs in (section or {}).items()
    }


def _in_fields(segment: Segment, key: str) -> bool:
    """Is the segment's YAML value one of the fields listed under ``key`` in
    rules/prose-fields.yaml (``phrase-exempt``, ``no-fix``)?"""
    if segment.yaml_path is None:
        return False
    patterns = _field_lists(key).get(segment.context, ())
    parts = [str(p) for p in segment.yaml_path]
    return any(
        len(p) == len(parts)
        and all(fnmatch.fnmatchcase(a, b) for a, b in zip(parts, p, strict=True))
        for p in patterns
    )


_SAFE_IN_MARKDOWN = frozenset(" -.,'’/")
_SAFE_IN_YAML = frozenset(" -./")
"""Besides letters and digits, what a replacement may hold: nothing that is markup in
Markdown, or that could end or re-type a YAML scalar (quotes, ': ', ' #', ',' in flow)."""


def _fixable_here(segment: Segment, replacement: str) -> bool:
    """Titles are names: the H1 heading and the title fields are reported, not fixed.
    Elsewhere a replacement must be plain words, so it cannot change the markup."""
    if segment.context == "heading" and segment.section is None:
        return False
    if segment.yaml_path is not None and _in_fields(segment, "no-fix"):
        return False
    safe = _SAFE_IN_MARKDOWN if segment.yaml_path is None else _SAFE_IN_YAML
    return all(ch.isalnum() or ch in safe for ch in replacement)


_INCHES = re.compile(r'(?<=\d)"')
"""An inch mark (a 6" board) is no quotation mark."""


def quoted(text: str, start: int, end: int) -> bool:
    """Is ``text[start:end]`` inside double quotation marks in its paragraph?

    A quoted word is mentioned or reported, not used: 'never call a patient
    "senile"', 'dispatch says a man is "acting crazy"'. Straight quotes pair up in
    order (an odd count before the hit opens a quotation; inch marks aside), curly
    ones by direction.
    """
    before, after = _INCHES.sub("", text[:start]), _INCHES.sub("", text[end:])
    if before.count('"') % 2 == 1 and '"' in after:
        return True
    opened = before.rfind("“")
    return opened > before.rfind("”") and "”" in after


def _viable_words(folders: Sequence[str], text_words: Iterable[bytes]) -> set[bytes] | None:
    """Given a file's words, the anchor words of every term of the packs (bundled and
    in ``folders``) that could match in it (``None``: some pack cannot rule any
    text out). Only the segments holding one of these are scanned: the same hits
    as scanning every segment, since a term matches only where all its words are
    and only next to its anchor.

    The words are kept only if a pack asks about them: a few hundred words, against
    thousands in a file, so no set of the file's whole vocabulary is built.
    """
    vocabulary = asked_words_for(folders).intersection(text_words)
    words: set[bytes] = set()
    for pack in packs_for(folders):
        viable = pack.viable_anchor_words(vocabulary)
        if viable is None:
            return None
        words |= viable
    return words


_ENTITY = re.compile(rb"&#?[A-Za-z0-9]+;")
_KELVIN = "\u212a".encode()
_GLUE_CLASSES = bytes(
    97 if chr(b).isalnum() and b < 128 else 42 if chr(b) in "*~[]" else 32 for b in range(256)
)
"""An ASCII letter or digit as ``a``, an emphasis or bracket character as ``*``."""
_GLUE_REST = re.compile(rb"\*+a")


def _unspelled(raw: bytes) -> list[int]:
    """Where a Markdown body's prose may hold a word its source does not spell out.

    By the bytes: an entity (decoded: ``chair&#109;an``), a link's destination left
    out between the link text and what follows (``[chair](url)man``), emphasis or
    brackets between two letters (``**chair**man``, ``[chair][ref]man``), and the
    underscore, a word byte that is also an emphasis delimiter (``_the_`` reads
    ``the``). An escape needs no place of its own: the only word byte it can
    produce is ``\\_``, whose underscore is listed. With ``bytes.find``, not one
    regular expression, which is ten times slower over a file's worth of text.
    """
    found: list[int] = []
    position = raw.find(b"_")
    while position != -1:
        found.append(position)
        position = raw.find(b"_", position + 1)
    # "](" by its rarer second byte: one byte is found with memchr, and a pair of
    # bytes was looked for much more slowly (14 µs of a profile's 58 here)
    position = raw.find(b"(", 1)
    while position != -1:
        if raw[position - 1] == 0x5D:  # "]"
            found.append(position - 1)
        position = raw.find(b"(", position + 1)
    if b"&" in raw:
        found.extend(match.start() for match in _ENTITY.finditer(raw))
    classes = raw.translate(_GLUE_CLASSES)
    position = classes.find(b"a*")
    while position != -1:
        if _GLUE_REST.match(classes, position + 1):
            found.append(position)
        position = classes.find(b"a*", position + 2)
    return found


def markdown_focus(doc: MarkdownDocument, settings: Settings) -> list[int] | None:
    """Offsets (into the body's UTF-8 bytes, as :func:`markdown_segments` takes them)
    of every place in a SOUL.md where a phrase could match, or ``None`` for all.

    The prose of a block spells its words in the block's source, separated by
    the same non-word bytes or by markup, except where :func:`_unspelled` finds:
    so the words of the source, cut the way the prose is cut, hold every word
    of the prose. The anchor words viable in that vocabulary, and the
    :func:`_unspelled` places, are all a phrase rule needs to see.

    A block of prose never spans a blank line, so an anchor word is kept only
    where its own stretch between two blank lines holds every word of one of
    its terms: most anchors are common words ("just", "point") whose terms'
    other words are elsewhere in the file, if at all.
    """
    if doc.bytemap is None:
        return None
    raw = doc.bytemap.utf8
    if _KELVIN in raw or b"\t" in raw:
        # the Kelvin sign lowers to 'k' (lengths change); by a tab, the parser's
        # source maps can lie a few bytes past the text (prose._tab_shifted)
        return None
    translated = b" " + raw.translate(VOCAB_TABLE) + b" "
    words = _viable_words(settings.rule_packs, translated.split())
    if words is None:
        return None
    offsets = _unspelled(raw)
    anchored = anchored_plans_for(settings.rule_packs)
    for word in words:
        plans = anchored[word]
        # The word with the space before it, its end checked by hand: a needle that
        # ends in a space (the commonest byte here) is found 20% slower.
        needle = b" " + word
        after = len(needle)
        position = translated.find(needle)  # translated[position + 1] is raw[position]
        stretch_end = -1
        while position != -1:
            if translated[position + after] != 32:  # a longer word
                position = translated.find(needle, position + 1)
                continue
            if position >= stretch_end:  # into the next stretch holding the word
                start = raw.rfind(b"\n\n", 0, position) + 1
                end = raw.find(b"\n\n", position)
                stretch_end = end if end != -1 else len(raw)
                # raw[start:stretch_end] with a space either side:
                stop = stretch_end + 2
                anchors = any(plan_present(plan, translated, start, stop) for plan in plans)
            if anchors:
                offsets.append(position)
            position = translated.find(needle, position + 1)
    offsets.sort()
    return offsets


def value_focus(settings: Settings) -> Callable[[list[str]], list[int]]:
    """For :func:`yaml_segments`: of a file's prose values, the indices of those that
    hold an anchor word viable in all of them (a value's prose holds no word the
    value does not, so no other value can hold a match)."""
    folders = settings.rule_packs
    return lambda values: texts_holding(values, lambda words: _viable_words(folders, words))


def check_files(files: Sequence[Prose], settings: Settings, sink: Sink) -> None:
    """Run every enabled phrase rule over the prose of ``files``; findings to ``sink``."""
    packs = packs_for(settings.rule_packs)
    enabled: dict[str, bool] = {}
    for file in files:
        text = file.index.text
        scoped = [
            (segment, scope)
            for segment in file.segments
            if (scope := SCOPE_OF_CONTEXT.get(segment.context)) is not None
            and not _in_fields(segment, "phrase-exempt")
        ]
        texts = [segment.text for segment, _ in scoped]
        chosen = texts_holding(texts, lambda words: _viable_words(settings.rule_packs, words))
        for segment, scope in (scoped[i] for i in chosen):
            for pack in packs:
                for rule, hit in pack.scan(segment.text, scope):
                    on = enabled.get(rule.id)
                    if on is None:
                        on = enabled[rule.id] = settings.enabled(rule.id)
                    if not on or quoted(segment.text, hit.start, hit.end):
                        continue
                    start, end = segment.source_range(hit.start, hit.end)
                    message = rule.format_message(hit)
                    first = hit.suggestions[0] if hit.suggestions else None
                    if first is not None and first.startswith("("):
                        message = f"{message} {first}"  # advice, not replacement text
                        first = None
                    fix = None
                    replacement = rule.fix_for(hit)
                    if (
                        replacement is not None
                        and text[start:end] == hit.matched_text
                        and _fixable_here(segment, replacement)
                    ):
                        fix = Fix(start, end, replacement)
                    if first is not None:
                        first = apply_case(hit.matched_text, first)
                    sink.emit(file.path, file.index.span(start, end), rule.id, message, first, fix)
