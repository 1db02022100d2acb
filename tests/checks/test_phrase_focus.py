"""The phrase check reads only the Markdown blocks where a phrase could match
(``phrases.markdown_focus``): it must find exactly what reading every block finds.

The risky places are those where the prose spells a word its source does not:
emphasis or a link between two halves of a word, entities, escapes, the
underscore. The property test builds Markdown from pack words glued by every kind
of markup and compares the findings, rule, span and all, both ways.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from atlaslint.checks import phrases
from atlaslint.checks.grammar import Prose
from atlaslint.checks.sink import Sink
from atlaslint.documents.markdown import load_markdown
from atlaslint.documents.prose import markdown_segments, prose_fields, yaml_segments
from atlaslint.documents.source import SourceFile
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.settings import Settings

SETTINGS = Settings()

TERMS = ["chairman", "foreman", "the elderly", "his or her", "very", "delve", "policemen"]
TERMS += ["when it comes to", "third world"]  # two words no common word stands in for
FILLER = ["the", "man", "chair", "fore", "or", "her", "x", "a1", "Ä", "—", "'", ".", "|", "\t"]
FILLER += ["when", "comes", "third", "world"]
SPACING = [" ", " ", " ", "\n", "\n\n", "\n- ", "\n> ", "\n# ", "\n## ", "\n1. ", "\n    "]
SPACING += ["\n| a | b |\n|---|---|\n| ", "\n```\n", "\n<div>\n", "\n\n---\n"]
MARKUP = ["*", "**", "_", "~~", "[", "]", "`", "<b>", "\\", "&amp;"]


@st.composite
def broken_term(draw: st.DrawFn) -> str:
    """A pack term cut in two by markup, or with a letter or space written otherwise."""
    term = draw(st.sampled_from(TERMS))
    cut = draw(st.integers(0, len(term)))
    a, b = term[:cut], term[cut:]
    ways = ["plain", "*", "**", "_", "~~", "`", "link", "ref", "entity", "\\", "line", "quoted"]
    way = draw(st.sampled_from(ways))
    if way in ("*", "**", "_", "~~"):
        return f"{way}{a}{way}{b}"
    if way == "`":
        return f"`{a}`{b}"
    if way == "link":
        return f"[{a}](https://u.org){b}"
    if way == "ref":
        return f"[{a}][r]{b}"
    if way == "entity" and a:
        return f"{a[:-1]}&#{ord(a[-1])};{b}"
    if way == "\\":  # a hard break for a space, an escape elsewhere
        return f"{a}\\\n{b[1:]}" if b.startswith(" ") else f"{a}\\{b}"
    if way in ("line", "quoted") and " " in term:  # a phrase over two lines
        spaces = [i for i, char in enumerate(term) if char == " "]
        at = spaces[cut % len(spaces)]
        return f"{term[:at]}\n{'> ' if way == 'quoted' else ''}{term[at + 1 :]}"
    return term


pieces = st.one_of(broken_term(), st.sampled_from(FILLER + SPACING + MARKUP))
documents = st.lists(pieces, max_size=30).map(lambda parts: "".join(parts) + "\n\n[r]: /u\n")


def findings(text: str, focused: bool) -> list[tuple]:
    doc = load_markdown(SourceFile("SOUL.md", None, text))
    if not doc.ok:
        return []
    focus = phrases.markdown_focus(doc, SETTINGS) if focused else None
    prose = [Prose(doc.path, markdown_segments(doc, focus), doc.source.index)]
    sink = Sink(SETTINGS.registry)
    phrases.check_files(prose, SETTINGS, sink)
    return [(d.rule, d.span, d.message, d.suggestion, d.fix) for d in sink.items]


@given(documents)
def test_reading_only_the_focus_finds_what_reading_everything_finds(text: str) -> None:
    assert findings(text, True) == findings(text, False)


def test_words_the_source_does_not_spell_are_found() -> None:
    """Each case joins or decodes a term that the source's own words do not hold;
    the finding is where the full read puts it (span as line, column, end)."""
    cases = {
        "The **chair**man said.\n": ("bias/gendered-title", (1, 7, 1, 17)),
        "The [chair](https://x.org)man said.\n": ("bias/gendered-title", (1, 6, 1, 30)),
        "The [chair][r]man said.\n\n[r]: /u\n": ("bias/gendered-title", (1, 6, 1, 18)),
        "The chair&#109;an said.\n": ("bias/gendered-title", (1, 5, 1, 18)),
        "The *fore*man and more.\n": ("bias/gendered-title", (1, 6, 1, 14)),
        "Ask _the_ elderly.\n": ("bias/age", (1, 6, 1, 18)),
        "Ask the\\\nelderly.\n": ("bias/age", (1, 5, 2, 8)),
        "When it\ncomes to pay.\n": ("style/banned-phrase", (1, 1, 2, 9)),
        # the anchor word first as the start of a longer word, then whole
        "Elderlyish chairs.\n\nAsk the elderly.\n": ("bias/age", (3, 5, 3, 16)),
    }
    for text, (rule, (line, column, end_line, end_column)) in cases.items():
        found = findings(text, True)
        assert found == findings(text, False), text
        assert [(f[0], f[1].line, f[1].column, f[1].end_line, f[1].end_column) for f in found] == [
            (rule, line, column, end_line, end_column)
        ], text


def test_a_file_without_any_viable_word_reads_no_block() -> None:
    doc = load_markdown(SourceFile("SOUL.md", None, "# Title\n\nPlain words only.\n\n- a list\n"))
    assert phrases.markdown_focus(doc, SETTINGS) == []
    assert markdown_segments(doc, []) == []


YAML_VALUES = ["the elderly", "see https://x.org/chairman", '"chair\\x6Dan"', "'Foreman'", "very"]
YAML_VALUES += ["plain words", ">\n    the\n    elderly", "\u212aelvin chairman", "his or her", ""]


def yaml_findings(text: str, focused: bool) -> list[tuple]:
    doc = load_yaml(SourceFile("metadata.yaml", None, text))
    keep = phrases.value_focus(SETTINGS) if focused else None
    segments = yaml_segments(doc, prose_fields("metadata"), "metadata", keep)
    sink = Sink(SETTINGS.registry)
    phrases.check_files([Prose(doc.path, segments, doc.source.index)], SETTINGS, sink)
    return [(d.rule, d.span, d.message, d.suggestion, d.fix) for d in sink.items]


@given(st.lists(st.sampled_from(YAML_VALUES), min_size=1, max_size=6))
def test_choosing_yaml_values_by_their_words_finds_what_reading_all_finds(values) -> None:
    summary, *aliases = values
    text = f"title: Nurse\nsummary: {summary}\naliases:\n"
    text += "".join(f"  - {alias}\n" for alias in aliases) or "  - x\n"
    assert yaml_findings(text, True) == yaml_findings(text, False)


def test_yaml_values_without_a_viable_word_build_no_segment() -> None:
    text = "title: Nurse\nsummary: Caring for the elderly.\naliases:\n  - Plain words\n"
    doc = load_yaml(SourceFile("metadata.yaml", None, text))
    keep = phrases.value_focus(SETTINGS)
    segments = yaml_segments(doc, prose_fields("metadata"), "metadata", keep)
    assert [segment.text for segment in segments] == ["Caring for the elderly."]
    found = yaml_findings(text, True)
    assert [(rule, span.line, span.column) for rule, span, *_ in found] == [("bias/age", 2, 21)]
