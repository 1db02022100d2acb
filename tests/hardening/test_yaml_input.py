"""documents/yaml_loader.py on hostile YAML: syntax errors, bombs, depth, tags, duplicates."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from atlaslint.documents.source import decode
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.positions import Span


def load(text: str):
    return load_yaml(decode("metadata.yaml", text.encode("utf-8")))


def problems(text: str) -> list[tuple[str, Span]]:
    return [(p.rule, p.span) for p in load(text).problems]


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ('title: "Customs\nslug: x\n', 3, 1),
        ("a: [1, 2\nb: 3\n", 2, 2),
        ("a:\n  - b\n c: d\n", 3, 2),
        ("key: value: other\n", 1, 11),
        ("a: b\n\tc: d\n", 2, 1),
    ],
)
def test_syntax_error_at_the_parsers_position(text: str, line: int, column: int) -> None:
    """The position is the one ruamel.yaml's own error names (1-based here)."""
    from ruamel.yaml import YAML

    with pytest.raises(Exception) as raised:
        list(YAML(typ="safe", pure=True).parse(text))
    mark = raised.value.problem_mark
    assert (mark.line + 1, mark.column + 1) == (line, column)
    found = problems(text)
    assert len(found) == 1
    rule, span = found[0]
    assert rule == "syntax/yaml"
    assert (span.line, span.column) == (line, column)


def test_syntax_error_position_is_exact_after_bom_and_crlf() -> None:
    lf = load_yaml(decode("m.yaml", b"a: 1\nb: [1, 2\nc: 3\n"))
    crlf = load_yaml(decode("m.yaml", b"\xef\xbb\xbfa: 1\r\nb: [1, 2\r\nc: 3\r\n"))
    assert [p.span for p in lf.problems] == [p.span for p in crlf.problems] == [Span(3, 2, 3, 3)]


def billion_laughs(levels: int = 9) -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels + 1):
        name, prev = chr(ord("a") + i), chr(ord("a") + i - 1)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_quickly_at_the_alias() -> None:
    text = billion_laughs()
    started = time.perf_counter()
    doc = load(text)
    elapsed = time.perf_counter() - started
    assert elapsed < 3.0, f"alias bomb took {elapsed:.2f}s"
    assert doc.data is None
    [problem] = doc.problems
    assert problem.rule == "syntax/yaml"
    assert "alias" in problem.message
    # 200,000 values are passed at the second '*e' of the 'f' list: 74,700 values
    # before it, then 66,430 per '*e'.
    assert problem.span == Span(6, 12, 6, 13)
    assert text.split("\n")[5][11:13] == "*e"


def test_recursive_alias_is_refused() -> None:
    assert problems("&a [*a]\n") == [("syntax/yaml", Span(1, 5, 1, 6))]


def test_undefined_alias_is_reported() -> None:
    assert problems("a: *nowhere\n") == [("syntax/yaml", Span(1, 4, 1, 5))]


def test_aliases_within_bounds_still_work() -> None:
    doc = load("base: &b {x: 1}\ncopy: *b\n")
    assert doc.data == {"base": {"x": 1}, "copy": {"x": 1}}


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("[" * 100_000 + "]" * 100_000, 101),  # crashed the C composer (SIGSEGV)
        ("a: " + "[" * 101 + "]" * 101 + "\n", 103),  # the mapping is level 1
        ("- " * 100_000 + "x\n", 201),
        ("{a: " * 50_000 + "1" + "}" * 50_000, 401),
    ],
)
def test_deep_nesting_is_refused_quickly(text: str, column: int) -> None:
    started = time.perf_counter()
    found = problems(text)
    assert time.perf_counter() - started < 3.0
    assert found == [("syntax/too-deep", Span(1, column, 1, column + 1))]


def test_one_hundred_levels_are_allowed() -> None:
    doc = load("[" * 100 + "]" * 100)
    assert doc.ok


def test_python_tags_are_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = (
        f'a: !!python/object/apply:os.system ["touch {marker}"]\n'
        f'b: !!python/object/apply:subprocess.check_call [["touch", "{marker}"]]\n'
        "c: !!python/name:os.system\n"
        f'd: !!python/object/new:os.system ["touch {marker}"]\n'
        "e: !custom {x: 1}\n"
    )
    doc = load(text)
    assert not marker.exists()
    assert [(p.rule, p.span.line, p.span.column) for p in doc.problems] == [
        ("syntax/yaml-tag", 1, 4),
        ("syntax/yaml-tag", 2, 4),
        ("syntax/yaml-tag", 3, 4),
        ("syntax/yaml-tag", 4, 4),
        ("syntax/yaml-tag", 5, 4),
    ]
    assert "python/object/apply:os.system" in doc.problems[0].message
    assert not doc.ok


def test_duplicate_keys_are_reported_at_the_second_key() -> None:
    assert problems("title: A\nslug: a\ntitle: B\nrelated:\n  - {slug: x, slug: y}\n") == [
        ("syntax/duplicate-key", Span(3, 1, 3, 6)),
        ("syntax/duplicate-key", Span(5, 15, 5, 19)),
    ]


def test_second_document_is_reported() -> None:
    assert problems("a: 1\n---\nb: 2\n") == [("syntax/yaml", Span(2, 1, 2, 2))]


def test_control_character_is_reported_where_it_sits() -> None:
    [(rule, span)] = problems("a: ok\nb: x\x07y\n")
    assert (rule, span) == ("syntax/yaml", Span(2, 5, 2, 6))


@pytest.mark.parametrize("text", ["", "\n\n", "# only a comment\n"])
def test_empty_document(text: str) -> None:
    assert problems(text) == [("syntax/empty", Span.point(1, 1))]


def test_plain_equals_sign_is_a_string() -> None:
    """YAML 1.1's '=' value tag is not a tag anyone writes on purpose."""
    doc = load("a: =\n")
    assert doc.ok and doc.data == {"a": "="}


def test_yaml_line_separators_do_not_shift_positions() -> None:
    """libyaml counts U+2028 and NEL as line breaks; positions use our own lines."""
    doc = load('a: "x\u2028y"\nb: [1,\n')  # libyaml says line 4; the file has 3
    [problem] = doc.problems
    assert problem.span == Span(3, 1, 3, 1)


@pytest.mark.parametrize(
    ("text", "span"),
    [("? -\n", Span(1, 3, 1, 4)), ("a: 1\n? [x]\n: 2\n", Span(2, 3, 2, 6))],
)
def test_non_scalar_key_is_reported_even_last_in_a_block_mapping(text: str, span: Span) -> None:
    """Found by fuzzing: a block mapping whose last key is a collection."""
    assert problems(text) == [("syntax/yaml", span)]
