"""Phrase rules (bias and style packs) at exact spans in real profiles and frameworks.

Each test inserts terms into a copy of a real corpus profile (or a framework) and
asserts the rule, the exact span and the suggestion. Expected positions come from
the file text itself (``where``), not from the loaders under test.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.checks.frameworks import copy
from tests.conftest import edit, find

SELECT = ("--select", "bias,style/banned-phrase,style/throat-clearing,style/intensifier")


def where(path: Path, line_text: str, token: str) -> tuple[int, int, int, int]:
    """The span of ``token`` on the first line holding ``line_text`` (an oracle)."""
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line_text in line:
            column = line.index(token, line.index(line_text)) + 1
            return number, column, number, column + len(token)
    raise AssertionError(f"{line_text!r} not in {path}")


def span(diag: dict) -> tuple[int, int, int, int]:
    return diag["line"], diag["column"], diag["end_line"], diag["end_column"]


def check(cli, root: Path, *paths: str) -> list[dict]:
    run = cli("check", *paths, "--format", "json", *SELECT, cwd=root)
    assert run.exit_code in (0, 1), run.stderr
    return run.diagnostics


@pytest.fixture
def carpenter(atlas) -> Path:
    return atlas("carpenter")


def test_terms_in_soul_md_prose_at_exact_spans(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(soul, "spans the rough framer", "spans the chairman framer")
    edit(soul, "in that order of consequence.**", "as the Foreman orders.**")  # in bold
    edit(soul, "Leave the pencil line", "Leave an elderly line")
    edit(soul, "Carpenters frame the shell", "Carpenters delve into the shell")
    diags = check(cli, carpenter, "carpenter")
    got = {(d["rule"], d.get("suggestion"), span(d)) for d in diags}
    assert got == {
        (
            "bias/gendered-title",
            "chair",
            where(soul, "spans the chairman", "chairman"),
        ),
        (
            "bias/gendered-title",
            "Supervisor",  # the case of the original
            where(soul, "as the Foreman orders", "Foreman"),
        ),
        ("bias/age", "older", where(soul, "Leave an elderly", "elderly")),
        ("style/banned-phrase", "explore", where(soul, "Carpenters delve", "delve")),
    }
    chairman = next(d for d in diags if d["suggestion"] == "chair")
    assert chairman["severity"] == "warning"
    assert chairman["message"] == "'chairman' is a gendered job title; consider 'chair'"


def test_span_through_italics_links_and_a_line_break(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    # A phrase across emphasis: the span runs from "the" to the end of "elderly".
    edit(soul, "spans the rough framer", "spans the *elderly* framer")
    # Only link text is prose: the URL's "fireman" is not reported.
    edit(soul, "Leave the pencil line", "Leave [the chairman](https://example.org/fireman) line")
    # A multi-word term across a soft line break inside a list item.
    edit(soul, "Get the structure true\n  early;", "Get his or\n  her structure true early;")
    diags = check(cli, carpenter, "carpenter")
    age = find(diags, "bias/age")
    assert [span(d) for d in age] == [
        (8, where(soul, "spans the *elderly*", "the")[1], 8, where(soul, "*elderly*", "elderly")[3])
    ]
    assert age[0]["message"].startswith("'the elderly' stereotypes")
    (title,) = find(diags, "bias/gendered-title")
    assert span(title) == where(soul, "[the chairman]", "chairman")
    (pronoun,) = find(diags, "bias/gendered-pronoun")
    line = where(soul, "Get his or", "his")[0]
    assert span(pronoun) == (line, where(soul, "Get his or", "his")[1], line + 1, 6)
    assert pronoun["suggestion"] == "their"


def test_code_urls_comments_and_quoted_mentions_are_not_prose(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(soul, "spans the rough framer", "spans the `chairman` framer")
    edit(soul, "Leave the pencil line", "Leave https://example.org/chairman the pencil line")
    edit(soul, "## Tools\n", "## Tools\n\n<!-- the foreman's list -->\n")
    edit(soul, "Carpenters frame the shell", 'Never call a client "senile"; carpenters frame')
    assert check(cli, carpenter, "carpenter") == []


def test_heading_scope_and_metadata_fields(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    meta = carpenter / "carpenter/metadata.yaml"
    edit(soul, "## Tools\n", "## Tools\n\n### Tools of the Cameraman\n")
    edit(meta, "summary: 'Turns moving wood", "summary: 'The handyman turns moving wood")
    # aliases are old names on purpose: not reported
    edit(meta, "aliases:\n", "aliases:\n  - Stewardess\n")
    diags = check(cli, carpenter, "carpenter")
    assert {(d["path"], d["rule"], span(d), d["suggestion"]) for d in diags} == {
        (
            "carpenter/SOUL.md",
            "bias/gendered-title",
            where(soul, "### Tools of the", "Cameraman"),
            "Camera operator",
        ),
        (
            "carpenter/metadata.yaml",
            "bias/gendered-title",
            where(meta, "summary: 'The handyman", "handyman"),
            "handyperson",
        ),
    }


def test_intensifier_is_info_and_advice_goes_into_the_message(cli, carpenter: Path) -> None:
    soul = carpenter / "carpenter/SOUL.md"
    edit(soul, "spans the rough framer", "spans a very rough framer")
    edit(soul, "Leave the pencil line", "In conclusion, leave the pencil line")
    diags = check(cli, carpenter, "carpenter")
    (very,) = find(diags, "style/intensifier")
    assert (very["severity"], span(very)) == ("info", where(soul, "a very rough", "very"))
    assert "suggestion" not in very
    (banned,) = find(diags, "style/banned-phrase")
    assert span(banned) == where(soul, "In conclusion,", "In conclusion")
    assert banned["message"].endswith("(end without announcing it)")
    assert "suggestion" not in banned


FRAMEWORK_FIELDS = [
    # (old text, new text, line text to find, token, rule, suggestion)
    (
        "title: Test Occupation",
        "title: Test Chairman",
        "title: Test Chairman",
        "Chairman",
        "bias/gendered-title",
        "Chair",
    ),
    (
        "topic: Topic A",
        "topic: 'Topic for the elderly'",
        "topic: 'Topic",
        "the elderly",
        "bias/age",
        "older adults",
    ),
    (
        "text: does a harder thing",
        'text: "leads the \\"best\\" manpower plan"',
        'text: "leads',
        "manpower",
        "bias/gendered-phrase",
        "workforce",
    ),
]


@pytest.mark.parametrize("old, new, line_text, token, rule, suggestion", FRAMEWORK_FIELDS)
def test_framework_plain_and_quoted_scalars(
    cli, tmp_path: Path, old, new, line_text, token, rule, suggestion
) -> None:
    path = copy(tmp_path, "block")
    edit(path, old, new)
    diags = check(cli, tmp_path, path.name)
    assert [(d["rule"], span(d), d["suggestion"]) for d in diags] == [
        (rule, where(path, line_text, token), suggestion)
    ]


def test_framework_folded_and_literal_scalars(cli, tmp_path: Path) -> None:
    path = copy(tmp_path, "block")
    edit(
        path,
        "text: does a thing",
        "text: >-\n          supervises the\n          workmen on site",
    )
    edit(path, "    text: Do the first task.", "    text: |\n      Brief the\n      foreman daily.")
    diags = check(cli, tmp_path, path.name)
    assert sorted((d["rule"], span(d), d["suggestion"]) for d in diags) == [
        ("bias/gendered-title", where(path, "workmen on site", "workmen"), "workers"),
        ("bias/gendered-title", where(path, "foreman daily", "foreman"), "supervisor"),
    ]


def test_example_profile_and_framework_have_no_phrase_findings(cli) -> None:
    from tests.conftest import EXAMPLES

    run = cli("check", "--format", "json", *SELECT, str(EXAMPLES))
    assert run.diagnostics == []


def test_a_specific_persons_pronoun_is_not_generic(cli, carpenter: Path) -> None:
    """Only binary generic pronouns ("he or she") are reported, never "he" or "his"
    about a specific person (the example profile's officer 'rehearsed his story')."""
    soul = carpenter / "carpenter/SOUL.md"
    edit(soul, "Leave the pencil line", "The apprentice rehearsed his story; she said he")
    assert check(cli, carpenter, "carpenter") == []


@pytest.mark.parametrize(
    "text, expected",
    [
        ('never call a patient "the elderly" here', True),
        ("never call a patient “the elderly” here", True),
        ('He said "hi" to the elderly and "bye"', False),  # between two quotations
        ('a 6" board for the elderly, a 4" gap', False),  # inch marks
        ('an opening " with no close: the elderly', False),
    ],
)
def test_quoted_words_are_mentions(text: str, expected: bool) -> None:
    from atlaslint.checks.phrases import quoted

    start = text.index("elderly")
    assert quoted(text, start, start + len("elderly")) is expected


def test_scanning_only_the_prefiltered_segments_loses_no_hit(cli, corpus_dir, monkeypatch):
    """Every phrase finding on the real corpus, with the prefilters (the blocks of
    SOUL.md read, the YAML values read, the segments scanned) and with every
    segment of every block and value scanned, is the same (the prefilters are
    optimisations only)."""
    import atlaslint.checks.phrases as phrases

    args = ("check", str(corpus_dir), "--format", "json", "--jobs", "1", *SELECT)
    prefiltered = cli(*args).diagnostics
    monkeypatch.setattr(phrases, "texts_holding", lambda texts, choose: list(range(len(texts))))
    monkeypatch.setattr(phrases, "markdown_focus", lambda doc, settings: None)
    monkeypatch.setattr(phrases, "value_focus", lambda settings: None)
    everything = cli(*args).diagnostics
    assert len(prefiltered) >= 25  # the corpus does hold phrase findings
    assert prefiltered == everything
