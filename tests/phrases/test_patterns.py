"""Phrase templates: syntax, exact offsets, word boundaries, and linear time."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from atlaslint.phrases.patterns import (
    MAX_WILDCARD_WORDS,
    VOCAB_TABLE,
    SpanSet,
    TemplateError,
    apply_case,
    compile_lowered,
    compile_template,
    compile_templates,
    find_template,
    index_text,
    parse_template,
    plan_present,
    plan_template,
    plan_viable,
    template_regex,
    texts_holding,
)


def spans(template: str, text: str) -> list[tuple[int, int]]:
    """Matches of one template, through the same windowed path rules use."""
    index = index_text(text)
    assert index.lowered is not None
    return find_template(plan_template(template), compile_lowered(template), index, index.lowered)


def full_spans(template: str, text: str) -> list[tuple[int, int]]:
    """The reference: the plain case-insensitive pattern over the whole text."""
    return [m.span() for m in compile_template(template).finditer(text)]


# --- offsets and boundaries -------------------------------------------------


def test_literal_offsets_are_exact() -> None:
    text = "The chairman met the Chairman."
    assert spans("chairman", text) == [(4, 12), (21, 29)]


@pytest.mark.parametrize(
    "text",
    ["manage", "human", "manual", "woman", "Manhattan", "mansion", "a_man", "man2"],
)
def test_word_boundary_never_matches_inside_a_word(text: str) -> None:
    assert spans("man", text) == []


def test_word_boundary_at_punctuation_and_edges() -> None:
    assert spans("man", "man") == [(0, 3)]
    assert spans("man", "(man)") == [(1, 4)]
    assert spans("man", "**man**,") == [(2, 5)]
    assert spans("man", "the man.") == [(4, 7)]


def test_possessive_matches_but_compounds_do_not() -> None:
    # A trailing apostrophe is fine ("chairman's"); a hyphen glued on either
    # side continues the word ("non-fat", "fat-tailed").
    assert spans("chairman", "the chairman's report") == [(4, 12)]
    assert spans("fat", "non-fat milk") == []
    assert spans("fat", "fat-tailed risk") == []
    assert spans("fat", "a fat cat") == [(2, 5)]


def test_apostrophe_variants() -> None:
    text = "it's here; it’s there"
    assert spans("it's", text) == [(0, 4), (11, 15)]
    assert spans("it’s", text) == [(0, 4), (11, 15)]


def test_hyphen_variants() -> None:
    assert spans("man-made", "man‑made and man-made") == [(0, 8), (13, 21)]


def test_case_insensitive_by_default_and_sensitive_on_request() -> None:
    assert spans("ocd", "So OCD about it") == [(3, 6)]
    sensitive = compile_template("OCD", case_sensitive=True)
    assert [m.span() for m in sensitive.finditer("ocd OCD")] == [(4, 7)]


def test_whitespace_between_tokens_spans_line_breaks() -> None:
    text = "a he or\n   she b"
    assert spans("he or she", text) == [(2, 14)]
    assert spans("he or she", "he\tor\r\nshe") == [(0, 10)]


def test_alternatives_prefer_the_longer_spelling() -> None:
    assert spans("layman|layman's", "in layman's terms") == [(3, 11)]


def test_optional_tokens() -> None:
    text = "a testament to x; testament to y"
    assert spans("a? testament to", text) == [(0, 14), (18, 30)]
    assert spans("in (the|this)? realm", "in realm; in the realm") == [(0, 8), (10, 22)]


def test_group_with_multi_word_alternatives() -> None:
    text = "it is not just; it's not just"
    assert spans("(it's|it is) not just", text) == [(0, 14), (16, 29)]


def test_wildcard_counts_words_with_attached_punctuation() -> None:
    template = "(it's|it is) not just _{1,6} (it's|it is)"
    text = "Well, it's not just a tool, it's a mindset."
    assert spans(template, text) == [(6, 32)]
    # An em dash is a word of its own; curly apostrophes work too.
    text = "It’s not just a tool — it’s a mindset."
    assert spans(template, text) == [(0, 27)]
    # Zero words between is below the minimum; seven is above the maximum.
    assert spans(template, "it's not just it's") == []
    assert spans(template, "it's not just a b c d e f g it's") == []
    assert spans(template, "it's not just a b c d e f it's") == [(0, 30)]


def test_wildcard_exact_range() -> None:
    assert spans("a _{2,3} b", "a x b") == []
    assert spans("a _{2,3} b", "a x y b") == [(0, 7)]
    assert spans("a _{2,3} b", "a x y z b") == [(0, 9)]
    assert spans("a _{2,3} b", "a x y z w b") == []


def test_escaped_special_characters() -> None:
    assert spans(r"\(s\)he", "ask (s)he now") == [(4, 9)]
    assert spans(r"why\?", "but why? then") == [(4, 8)]


# --- windowed search agrees with a whole-text scan ---------------------------


@pytest.mark.parametrize(
    "template",
    [
        "man-made",
        "he or she",
        "(it's|it is|this is) not just _{1,6} (it's|it is)",
        "(is|are|was|were) over the hill",
        "the elderly",
        r"\(s\)he",
        "s/he",
        "at the end of the day, (it's|what)",
        "unlock (your|the)? potential|value",
        "a _{0,3} b",
    ],
)
def test_windowed_search_equals_full_scan(template: str) -> None:
    text = (
        "It's not just a tool, it's a mindset. The man-made lake; he or\nshe said "
        "(s)he and s/he. They are over the hill, was  over\tthe hill. The elderly — "
        "the Elderly. At the end of the day, it's fine; at the end of the day, what "
        "now? Unlock your potential, unlock value, unlock the value. a b a x b a x y z b "
        "a x y z w b. This is not just — it is. "
    ) * 3
    assert spans(template, text) == full_spans(template, text)


def test_combined_pattern_names_the_term() -> None:
    pattern = compile_templates(["fireman", "firemen", "he or she"])
    found = [(m.lastgroup, m.span()) for m in pattern.finditer("Firemen: he or she, a fireman")]
    assert found == [("t1", (0, 7)), ("t2", (9, 18)), ("t0", (22, 29))]


def test_span_set_overlaps() -> None:
    spans_ = SpanSet(re.compile(r"ab|bc"), "abc abc")
    assert spans_.overlaps(1, 2)
    assert spans_.overlaps(2, 3)
    assert not spans_.overlaps(3, 4)


# --- generated regex shape --------------------------------------------------


def test_generated_regex_is_only_literals_lookarounds_and_bounded_runs() -> None:
    source = template_regex("(it's|it is) not just _{1,6} (it's|it is)")
    # No unbounded repetition of a group: the only group quantifier is {m,n}.
    assert re.search(r"\)[*+]", source) is None
    assert "{1,6}" in source
    assert source.startswith("(?:it")  # literal alternatives: a common literal prefix


# --- syntax errors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("template", "offset", "fragment"),
    [
        ("", 0, "empty"),
        (" man", 0, "whitespace"),
        ("he  or she", 3, "single spaces"),
        ("he|", 3, "empty alternative"),
        ("a|b? c", 0, "parentheses"),
        ("(a|b c", 0, "unclosed"),
        ("(a (b)) c", 3, "nested"),
        ("_ man", 0, "between two required words"),
        ("man _", 4, "between two required words"),
        ("a _{1,9} b", 2, "at most"),
        ("a _{3,2} b", 2, "m <= n"),
        ("a _{x} b", 2, "_{m,n}"),
        ("a? b?", 0, "required word"),
        ("why?x", 3, "unexpected"),
        ("a)b", 1, "unexpected"),
        ("a\\", 1, "dangling"),
        ("a\tb", 1, "single spaces"),
    ],
)
def test_bad_templates_are_rejected_with_an_offset(
    template: str, offset: int, fragment: str
) -> None:
    with pytest.raises(TemplateError) as caught:
        parse_template(template)
    assert fragment in caught.value.message
    assert caught.value.offset == offset


def test_wildcard_limit_is_eight_words() -> None:
    assert MAX_WILDCARD_WORDS == 8
    parse_template("a _{0,8} b")


# --- case -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("original", "replacement", "expected"),
    [
        ("chairman", "chair", "chair"),
        ("Chairman", "chair", "Chair"),
        ("CHAIRMAN", "chair", "CHAIR"),
        ("He or she", "they", "They"),
        ("HE OR SHE", "they", "THEY"),
        ("he or she", "they", "they"),
        ("A", "they", "They"),  # one capital letter is capitalised, not all caps
        ("fireman", "firefighter", "firefighter"),
        ("elderly", "Deaf community", "Deaf community"),  # as written
        ("Elderly", "older", "Older"),
        ("cHairman", "chair", "chair"),
        ("", "x", "x"),
        ("x", "", ""),
    ],
)
def test_apply_case(original: str, replacement: str, expected: str) -> None:
    assert apply_case(original, replacement) == expected


# --- worst cases --------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a " * 50_000,
        "it's not just " * 7_200,
        "it's not just a " * 6_300,
        "x" * 100_000,
        " " * 100_000,
        "he or " * 17_000,
    ],
    ids=["a-a-a", "not-just", "not-just-a", "one-long-word", "spaces", "he-or"],
)
def test_worst_case_templates_run_in_linear_time(text: str) -> None:
    templates = [
        "(it's|it is) not just _{1,6} (it's|it is)",
        "a _{0,8} a _{0,8} b",
        "he or she",
        "a a a a b",
    ]
    index = index_text(text)
    assert index.lowered is not None
    started = time.perf_counter()
    for template in templates:
        find_template(plan_template(template), compile_lowered(template), index, index.lowered)
        list(compile_template(template).finditer(text))  # the whole-text fallback too
    assert (
        time.perf_counter() - started < 3.0
    )  # bounded: catastrophic backtracking would take minutes


@given(
    st.lists(st.text(alphabet=st.sampled_from("ab c\nK\u212aİé-_'1"), max_size=12), max_size=6),
    st.sets(st.sampled_from([b"a", b"b", b"ab", b"k", b"i", b"c1", b"_"]), max_size=3),
)
def test_texts_holding_equals_indexing_each_text(texts, words) -> None:
    """The one-pass search over a file's joined prose lists exactly the texts whose
    own index holds a picked word."""
    expected = [i for i, text in enumerate(texts) if words & index_text(text).vocabulary]
    assert texts_holding(texts, lambda found: words.intersection(found)) == expected
    assert texts_holding(texts, lambda vocabulary: None) == list(range(len(texts)))


def test_texts_holding_sees_the_vocabulary_of_all_texts() -> None:
    seen = []
    texts_holding(["The Chair", "a chair-man"], lambda found: seen.append(found))
    assert seen == [[b"the", b"chair", b"a", b"chair", b"man"]]


PRESENT_TEMPLATES = [
    "when it comes to",
    "(third-world|third world) country|nation",
    "elevate|elevates (your|the)? game|craft",
    "at the end of the day, (it's|it is|we)",
    "man-hours",
]


STRETCH_WORDS = "when whenever it comes comest to third thirds world country nation game games"
STRETCH_WORDS += " elevates day days end endless we man manning hours s - \n \n\n"


@settings(max_examples=400)  # cheap, and a wrong needle needs a rare stretch to show
@example("when it comes to", ["whenever", "it", "comes", "to"], 0, -1)  # a longer word
@example("when it comes to", ["when", "it", "comes", "to"], 0, -2)  # a stretch too short
@given(
    st.sampled_from(PRESENT_TEMPLATES),
    st.lists(st.sampled_from(STRETCH_WORDS.split(" ")), max_size=14),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_plan_present_is_plan_viable_for_the_words_of_a_stretch(template, words, a, b) -> None:
    """Looking for each needle in a stretch of the translated text answers as the set
    of the stretch's words would, wherever the stretch starts and ends (on a space)."""
    translated = (" " + " ".join(words) + " ").encode().translate(VOCAB_TABLE)
    spaces = [i for i, byte in enumerate(translated) if byte == 32]
    first, last = sorted((spaces[a % len(spaces)], spaces[b % len(spaces)]))
    start, end = first, last + 1  # a space at either end
    plan = plan_template(template)
    vocabulary = frozenset(translated[start:end].split())
    assert plan_present(plan, translated, start, end) == plan_viable(plan, vocabulary)
