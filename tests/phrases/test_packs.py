"""Rule packs: loading, validation errors with positions, the shipped packs."""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path
from textwrap import dedent

import pytest

from atlaslint.phrases import (
    Pack,
    PackError,
    PhraseRule,
    builtin_pack_paths,
    load_builtin_packs,
    load_pack,
    load_packs,
    parse_template,
)

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def write(tmp_path: Path, text: str, name: str = "pack.yaml") -> Path:
    path = tmp_path / name
    path.write_text(dedent(text).lstrip("\n"), encoding="utf-8")
    return path


MINIMAL = """
pack: demo
description: A test pack.
rules:
  - id: bias/demo
    severity: warning
    summary: Demo rule
    message: "'{match}' -> '{suggestion}'"
    reason: Because.
    exceptions: ["master electrician"]
    terms:
      - match: master|masters
        suggest: expert
        exceptions: ["master's degree"]
      - match: fireman
        suggest: firefighter
      - match: chairman
        suggest: [chair, chairperson]
      - match: suffers from _{0,2} autism
        suggest: has autism
"""


@pytest.fixture
def demo(tmp_path: Path) -> PhraseRule:
    return load_pack(write(tmp_path, MINIMAL)).rules[0]


def hits(rule: PhraseRule, text: str) -> list[tuple[int, int, str, int]]:
    return [(h.start, h.end, h.matched_text, h.term_index) for h in rule.find(text)]


# --- matching through a loaded rule -------------------------------------------


def test_find_gives_exact_offsets_and_term(demo: PhraseRule) -> None:
    text = "The Fireman and the chairman."
    assert hits(demo, text) == [(4, 11, "Fireman", 1), (20, 28, "chairman", 2)]


def test_rule_level_exception_suppresses_overlapping_hit(demo: PhraseRule) -> None:
    assert hits(demo, "a master electrician") == []
    assert hits(demo, "a Master\nElectrician") == []
    assert hits(demo, "a master plumber") == [(2, 8, "master", 0)]


def test_term_exception_only_applies_to_its_term(demo: PhraseRule) -> None:
    # "master's degree" overlaps the hit "master" and suppresses it ...
    assert hits(demo, "her master's degree") == []
    assert hits(demo, "her master’s degree") == []
    # ... but not a hit of another term next to it.
    assert hits(demo, "fireman master's degree") == [(0, 7, "fireman", 1)]


def test_exception_found_after_an_overlapping_one(tmp_path: Path) -> None:
    pack = write(
        tmp_path,
        """
        pack: demo
        rules:
          - id: style/demo
            severity: info
            summary: Demo
            message: "{match}"
            exceptions: ["a b", "b c"]
            terms:
              - match: c
        """,
    )
    rule = load_pack(pack).rules[0]
    # "a b" matches first, and "b c" (which covers the hit) starts inside it.
    assert hits(rule, "a b c") == []


def test_message_fix_and_case(demo: PhraseRule) -> None:
    (hit,) = demo.find("FIREMAN")
    assert demo.format_message(hit) == "'FIREMAN' -> 'firefighter'"
    assert demo.fix_for(hit) == "FIREFIGHTER"
    (hit,) = demo.find("Fireman")
    assert demo.fix_for(hit) == "Firefighter"
    (hit,) = demo.find("the chairman")
    assert hit.suggestions == ("chair", "chairperson")
    assert demo.fix_for(hit) is None  # two suggestions: the author chooses
    (hit,) = demo.find("he suffers from severe autism")
    assert demo.fix_for(hit) is None  # a wildcard: the suggestion cannot restate it
    assert demo.format_message(hit) == "'suffers from severe autism' -> 'has autism'"


def test_message_flattens_line_breaks(demo: PhraseRule) -> None:
    (hit,) = demo.find("suffers\n   from autism")
    assert demo.format_message(hit).startswith("'suffers from autism'")


def test_rule_metadata(demo: PhraseRule, tmp_path: Path) -> None:
    assert demo.id == "bias/demo"
    assert demo.family == "bias"
    assert demo.severity == "warning"
    assert demo.scope == ("prose", "metadata", "framework")  # the default
    assert demo.source == tmp_path / "pack.yaml"
    assert (demo.line, demo.column) == (4, 5)
    assert (demo.terms[1].line, demo.terms[1].column) == (14, 16)
    assert demo.terms[1].fixable and not demo.terms[2].fixable
    assert demo.term_reason(next(demo.find("fireman"))) == "Because."


def test_first_listed_term_wins_and_hits_do_not_overlap(tmp_path: Path) -> None:
    pack = write(
        tmp_path,
        """
        pack: demo
        rules:
          - id: bias/age-demo
            severity: warning
            summary: Demo
            message: "{match}"
            terms:
              - match: the elderly
                suggest: older adults
              - match: elderly
                suggest: older
        """,
    )
    rule = load_pack(pack).rules[0]
    assert hits(rule, "the elderly; elderly people") == [
        (0, 11, "the elderly", 0),
        (13, 20, "elderly", 1),
    ]


def test_case_sensitive_rule(tmp_path: Path) -> None:
    pack = write(
        tmp_path,
        """
        pack: demo
        rules:
          - id: style/acronym
            severity: info
            summary: Demo
            message: "{match}"
            case_sensitive: true
            terms:
              - match: OCD
        """,
    )
    rule = load_pack(pack).rules[0]
    assert hits(rule, "ocd, Ocd, OCD") == [(10, 13, "OCD", 0)]


def test_text_whose_lower_case_changes_length(demo: PhraseRule) -> None:
    # 'İ'.lower() is two characters: the slow path must keep offsets right.
    text = "İİ the fireman İ"
    assert hits(demo, text) == [(7, 14, "fireman", 1)]


def test_pack_scan_equals_rule_find() -> None:
    text = (
        "It's not just a tool, it's a mindset. The fireman and the chairman; he or she "
        "is very elderly. In conclusion, the elderly. Delve into the realm of ideas."
    )
    for pack in load_builtin_packs():
        via_scan = [(r.id, h) for r, h in pack.scan(text)]
        via_find = [(r.id, h) for r in pack.rules for h in r.find(text)]
        assert via_scan == via_find
        assert via_scan


def test_scan_filters_by_scope() -> None:
    style = next(p for p in load_builtin_packs() if p.name == "style")
    text = "It is really very good."
    assert {r.id for r, _ in style.scan(text, "prose")} == {"style/intensifier"}
    assert [r.id for r, _ in style.scan(text, "headings")] == []


# --- errors with positions ----------------------------------------------------


def test_bad_template_names_file_line_and_column(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        pack: demo
        rules:
          - id: bias/demo
            severity: warning
            summary: Demo
            message: "{match}"
            terms:
              - match: fireman
                suggest: firefighter
              - match: chair||man
                suggest: chair
        """,
    )
    with pytest.raises(PackError) as caught:
        load_pack(path)
    err = caught.value
    assert (err.path, err.line, err.column) == (str(path), 10, 22)
    assert "empty alternative" in err.message
    assert str(err).startswith(f"{path}:10:22: ")


def test_bad_template_in_quotes_and_in_exceptions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        pack: demo
        rules:
          - id: bias/demo
            severity: warning
            summary: Demo
            message: "{match}"
            exceptions: ["ok", "a _{1,9} b"]
            terms:
              - match: "x"
                suggest: y
        """,
    )
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert (caught.value.line, caught.value.column) == (7, 27)
    assert "at most 8" in caught.value.message


@pytest.mark.parametrize(
    ("body", "line", "column", "fragment"),
    [
        ("pack: demo\nrules: [\n", 3, 1, "invalid YAML"),
        ("", 1, 1, "empty"),
        ("pack: demo\n", 1, 1, "'rules' is a required property"),
        ("pack: demo\nrules: []\nextra: 1\n", 3, 1, "unknown key 'extra'"),
        (
            "pack: demo\nrules:\n  - id: bias/x\n    severity: fatal\n    summary: s\n"
            "    message: m\n    terms: [{match: a, suggest: b}]\n",
            4,
            15,
            "is not one of",
        ),
        (
            "pack: demo\nrules:\n  - id: Bias/X\n    severity: info\n    summary: s\n"
            "    message: m\n    terms: [{match: a, suggest: b}]\n",
            3,
            9,
            "does not match",
        ),
        (
            "pack: demo\nrules:\n  - id: bias/x\n    severity: info\n    summary: s\n"
            "    message: m\n    terms: [{match: a, suggest: b, sugest: c}]\n",
            7,
            36,
            "unknown key 'sugest'",
        ),
        (
            "pack: demo\nrules:\n  - id: bias/x\n    severity: info\n    summary: s\n"
            "    message: m\n    terms: [{match: a}]\n",
            7,
            13,
            "needs a suggestion",
        ),
        (
            "pack: demo\nrules:\n  - id: style/x\n    severity: info\n    summary: s\n"
            "    message: '{match} {term}'\n    terms: [{match: a}]\n",
            6,
            15,
            "{term}",
        ),
        (
            "pack: demo\nrules:\n  - id: style/x\n    severity: info\n    summary: s\n"
            "    message: 'use {suggestion}'\n    terms: [{match: a}]\n",
            7,
            13,
            "uses {suggestion}",
        ),
        (
            "pack: demo\nrules:\n  - id: schema/x\n    severity: info\n    summary: s\n"
            "    message: m\n    terms: [{match: a}]\n",
            3,
            9,
            "built in",
        ),
        (
            "pack: demo\nrules:\n  - id: style/x\n    severity: info\n    summary: s\n"
            "    message: m\n    terms: [{match: a}, {match: a}]\n",
            7,
            33,
            "duplicate term",
        ),
        (
            "pack: demo\nrules:\n  - &r {id: style/x, severity: info, summary: s, message: m,"
            " terms: [{match: a}]}\n  - *r\n",
            3,
            5,
            "aliases",
        ),
        ("pack: !!python/object:os.system demo\nrules: []\n", 1, 7, "tag"),
        ("pack: demo\npack: other\nrules: []\n", 2, 1, "duplicate key"),
    ],
)
def test_pack_errors_have_positions(
    tmp_path: Path, body: str, line: int, column: int, fragment: str
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(PackError) as caught:
        load_pack(path)
    assert fragment in caught.value.message
    assert (caught.value.line, caught.value.column) == (line, column)


def test_duplicate_rule_ids(tmp_path: Path) -> None:
    rule = "  - {id: style/x, severity: info, summary: s, message: m, terms: [{match: a}]}\n"
    one = write(tmp_path, "pack: one\nrules:\n" + rule, "one.yaml")
    with pytest.raises(PackError, match="duplicate rule id"):
        load_pack(write(tmp_path, "pack: two\nrules:\n" + rule + rule, "two.yaml"))
    other = write(tmp_path, "pack: three\nrules:\n" + rule, "three.yaml")
    with pytest.raises(PackError, match="already defined"):
        load_packs([one, other])


def test_unreadable_and_undecodable_packs(tmp_path: Path) -> None:
    with pytest.raises(PackError, match="cannot read"):
        load_pack(tmp_path / "missing.yaml")
    bad = tmp_path / "latin1.yaml"
    bad.write_bytes(b"pack: caf\xe9\nrules: []\n")
    with pytest.raises(PackError, match="UTF-8"):
        load_pack(bad)


def test_structure_block_is_validated(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        pack: demo
        rules: []
        structure:
          scenarios: {section: Scenarios, min: 2}
        """,
    )
    with pytest.raises(PackError, match="'max' is a required property"):
        load_pack(path)


# --- the shipped packs --------------------------------------------------------


def test_builtin_pack_paths_are_the_two_packs_only() -> None:
    assert [p.name for p in builtin_pack_paths()] == ["bias.yaml", "style.yaml"]


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return {p.name: p for p in load_builtin_packs()}


def test_bias_pack_has_150_entries_each_with_a_suggestion(packs: dict[str, Pack]) -> None:
    bias = packs["bias"]
    assert bias.entry_count >= 150
    for rule in bias.rules:
        assert rule.family == "bias"
        assert rule.severity == "warning"
        assert rule.reason and rule.summary
        for term in rule.terms:
            assert term.suggestions, f"{rule.id}: {term.match}"
    ids = {r.id for r in bias.rules}
    assert {
        "bias/gendered-title",
        "bias/gendered-pronoun",
        "bias/gendered-phrase",
        "bias/age",
        "bias/disability",
        "bias/ethnicity",
        "bias/immigration-status",
        "bias/appearance",
    } <= ids


def test_style_pack_rules_and_structure(packs: dict[str, Pack]) -> None:
    style = packs["style"]
    severities = {r.id: r.severity for r in style.rules}
    assert severities == {
        "style/banned-phrase": "warning",
        "style/throat-clearing": "warning",
        "style/intensifier": "info",
    }
    structure = style.structure
    assert structure is not None
    assert structure["numbered_sections"] == ["Workflow"]
    assert structure["glossary_sections"] == ["Vocabulary"]
    assert structure["scenarios"] == {"section": "Scenarios", "min": 2, "max": 3}
    assert structure["length"] == {"min_words": 1500, "max_words": 2200, "severity": "info"}
    assert "Guiding Principles" in structure["list_sections"]


def _example(template: str) -> str:
    """The shortest text a template matches: required words, last alternatives."""
    words: list[str] = []
    for token in parse_template(template):
        if token.optional:
            continue
        if token.is_wildcard:
            words += ["word"] * token.min_words
        else:
            words += list(token.alternatives[-1])
    return " ".join(words)


def test_every_shipped_term_matches_its_own_example(packs: dict[str, Pack]) -> None:
    for pack in packs.values():
        for rule in pack.rules:
            for i, term in enumerate(rule.terms):
                text = f"Words before. {_example(term.match)} and after."
                found = list(rule.find(text))
                assert found and found[0].term_index == i, (rule.id, term.match, text)


def test_find_equals_one_alternation_per_rule(packs: dict[str, Pack]) -> None:
    """The planned, windowed search gives exactly the hits of the obvious
    design: one alternation of all terms per rule, scanned over the text."""
    from atlaslint.phrases.patterns import compile_templates, spans_overlapping

    for pack in packs.values():
        for rule in pack.rules:
            samples = [_example(t.match) for t in rule.terms]
            samples += [_example(e) for e in rule.exceptions]
            samples += [_example(e) for t in rule.terms for e in t.exceptions]
            text = "Prose, then " + ".\n  And ".join(samples) + " — the end. " + " ".join(samples)
            exceptions = compile_templates(rule.exceptions) if rule.exceptions else None
            per_term = [
                compile_templates(t.exceptions) if t.exceptions else None for t in rule.terms
            ]
            expected = []
            for m in rule.pattern.finditer(text):
                i = int(m.lastgroup[1:])  # type: ignore[index]
                start, end = m.span()
                if exceptions is not None and spans_overlapping(exceptions, text, start, end):
                    continue
                if per_term[i] is not None and spans_overlapping(per_term[i], text, start, end):
                    continue
                expected.append((start, end, i))
            assert [(h.start, h.end, h.term_index) for h in rule.find(text)] == expected, rule.id


def test_advice_in_parentheses_is_never_a_fix(packs: dict[str, Pack]) -> None:
    # A fix replaces the matched text, so "(end without announcing it)" is
    # advice for the message, never text to insert.
    style = packs["style"]
    rule = next(r for r in style.rules if r.id == "style/banned-phrase")
    (hit,) = rule.find("In conclusion, we won.")
    assert hit.suggestions == ("(end without announcing it)",)
    assert rule.fix_for(hit) is None
    for pack in packs.values():
        for rule in pack.rules:
            for term in rule.terms:
                if term.fixable:
                    assert not term.suggestions[0].startswith("("), (rule.id, term.match)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("He or she files the claim.", "bias/gendered-pronoun"),
        ("Ask him/her first.", "bias/gendered-pronoun"),
        ("The chairman's report.", "bias/gendered-title"),
        ("Call a fireman.", "bias/gendered-title"),
        ("Firemen and policemen", "bias/gendered-title"),
        ("the cleaning lady", "bias/gendered-title"),
        ("in layman's terms", "bias/gendered-title"),
        ("manpower planning", "bias/gendered-phrase"),
        ("400 man-hours", "bias/gendered-phrase"),
        ("Man the phones.", "bias/gendered-phrase"),
        ("Falls in the elderly", "bias/age"),
        ("an old-timer", "bias/age"),
        ("they are over the hill", "bias/age"),
        ("wheelchair-bound", "bias/disability"),
        ("confined to a wheelchair", "bias/disability"),
        ("she suffers from epilepsy", "bias/disability"),
        ('acting "crazy"', "bias/disability"),
        ("I'm so OCD about labels", "bias/disability"),
        ("services for the blind", "bias/disability"),
        ("illegal aliens", "bias/immigration-status"),
        ("an illegal immigrant", "bias/immigration-status"),
        ("third-world countries", "bias/ethnicity"),
        ("we got gypped", "bias/ethnicity"),
        ("an exotic woman", "bias/ethnicity"),
        ("a fat person", "bias/appearance"),
        ("It's not just a tool, it's a mindset.", "style/banned-phrase"),
        ("We delve into it.", "style/banned-phrase"),
        ("in the realm of possibility", "style/banned-phrase"),
        ("Elevate your game.", "style/banned-phrase"),
        ("unlock your potential", "style/banned-phrase"),
        ("The unlock is trust.", "style/banned-phrase"),
        ("In conclusion, we won.", "style/banned-phrase"),
        ("a testament to care", "style/banned-phrase"),
        ("an ever-evolving field", "style/banned-phrase"),
        ("In today's fast-paced world", "style/banned-phrase"),
        ("It is important to note that x", "style/throat-clearing"),
        ("It's worth noting that x", "style/throat-clearing"),
        ("Needless to say, x", "style/throat-clearing"),
        ("very good", "style/intensifier"),
    ],
)
def test_shipped_packs_find(text: str, rule: str, packs: dict[str, Pack]) -> None:
    found = {r.id for pack in packs.values() for r, _ in pack.scan(text)}
    assert rule in found


@pytest.mark.parametrize(
    "text",
    [
        "A master electrician with a master's degree and mastery of code.",
        "Failure modes: fire a client who lies; disease progression.",
        "It just works; he said he would call.",
        "## Mental Models",
        "Every model has a blind spot; run a blind review and a blind test.",
        "Read the manual. Human factors. The craftsmanship of joinery.",
        "Fat tails and the tenth man rule.",
        "Elevate the legs above the heart. The coin of the realm.",
        "Unlock the door. Unlock the cabinet.",
        "At the end of the day, count the till.",
        "Cripple / jack / king stud",
        "The horse went lame on the left fore.",
        "Senile plaques and neurofibrillary tangles.",
        "The deaf community and Deaf culture.",
        "He is not just late; he is lost.",  # "X, not just Y" is fine prose
        "Audit the process, not just the numbers.",
        "The Hollywood blacklist.",
        "The crew flew an unmanned aircraft system under Part 107.",
        "Tie a fisherman's knot.",
        "The very first step. It was really raining.",
    ],
)
def test_shipped_packs_leave_literal_and_harmless_uses_alone(
    text: str, packs: dict[str, Pack]
) -> None:
    found = [
        (r.id, h.matched_text)
        for pack in packs.values()
        for r, h in pack.scan(text)
        if r.severity != "info" or "really" not in h.matched_text
    ]
    assert found == []


def _load_tuner():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "tune_phrases", REPO / "benchmarks" / "tune_phrases.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(
    not (CORPUS / "souls").is_dir(), reason="the real corpus is not beside the repo"
)
def test_real_corpus_stays_within_the_warning_budget(packs: dict[str, Pack]) -> None:
    tuner = _load_tuner()
    items = tuner.collect(CORPUS)
    hits = tuner.run(list(packs.values()), items)
    profiles = tuner.count_profiles(CORPUS)
    warnings = sum(
        len(v)
        for k, v in hits.items()
        if next(r for p in packs.values() for r in p.rules if r.id == k).severity == "warning"
    )
    # Measured 14 over 79 profiles when written; the target is at most ~1 each.
    assert warnings <= profiles * 0.5, hits
    assert not hits.get("style/banned-phrase")
    assert not hits.get("bias/gendered-pronoun")


def test_worst_case_inputs_with_every_shipped_rule(packs: dict[str, Pack]) -> None:
    texts = ["a " * 50_000, "it's not just " * 7_200, "the very " * 11_000, "he or " * 17_000]
    started = time.perf_counter()
    for text in texts:
        for pack in packs.values():
            for _ in pack.scan(text):
                pass
    assert (
        time.perf_counter() - started < 3.0
    )  # bounded: catastrophic backtracking would take minutes
