"""The one-pass YAML loader (``yaml_stream``) builds what the general loader
(compose, then build) builds: values, every position, every finding, in order.

Generated documents mix block and flow collections, comments and blank lines
after the last value, quoted and block scalars, tags (allowed and refused),
duplicate keys, anchors and aliases (where the one-pass loader hands over).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlaslint.documents import yaml_stream
from atlaslint.documents.source import SourceFile
from atlaslint.documents.yaml_loader import load_yaml
from tests.conftest import EXAMPLES


def snapshot(text: str) -> tuple:
    doc = load_yaml(SourceFile("m.yaml", None, text))
    positions = [(p, v.start, v.end, v.key, v.value, v.style) for p, v in doc.positions.items()]
    problems = [(d.rule, d.span, d.message) for d in doc.problems]
    return repr(doc.data), positions, problems, doc.suppressions


def both_ways(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[tuple, tuple]:
    one_pass = snapshot(text)
    with monkeypatch.context() as patched:

        def give_up(*args: object) -> None:
            raise yaml_stream.GiveUp

        patched.setattr(yaml_stream, "stream_load", give_up)
        general = snapshot(text)
    return one_pass, general


SCALARS = ["x", "a b", "12", "1.5", "true", "~", "2024-01-31", "'q''s'", '"d\\u00e9"', "é—ü"]
SCALARS += ["!!str 5", "!!python/object x", "&a v", "*a", "|\n  lit\n  text\n", ">\n  fold\n\n"]
KEYS = ["k", "title", "a b", "k", "'q'", "1", "? [c]"]
TAILS = ["", "", "  # note", "\n", "\n\n# trailing comment\n", "\n  \n"]


@st.composite
def node(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(SCALARS))
    indent = "  " * (depth + 1)
    kind = draw(st.sampled_from(["map", "seq", "flow-map", "flow-seq", "tagged"]))
    size = draw(st.integers(0, 3))
    if kind == "flow-seq":
        return "[" + ", ".join(draw(st.sampled_from(SCALARS[:6])) for _ in range(size)) + "]"
    if kind == "flow-map":
        return "{" + ", ".join(f"{draw(st.sampled_from(KEYS[:5]))}: x" for _ in range(size)) + "}"
    if kind == "tagged":
        return draw(st.sampled_from(["!!set {a, b}", f"!!omap\n{indent}- a: 1", "!!map\n  k: v"]))
    if size == 0:
        return "{}" if kind == "map" else "[]"
    lines = []
    for _ in range(size):
        child = draw(node(depth + 1))
        lead = f"{draw(st.sampled_from(KEYS))}: " if kind == "map" else "- "
        lines.append(f"\n{indent}{lead}{child}{draw(st.sampled_from(TAILS))}")
    return "".join(lines)


documents = st.builds(
    lambda body, tail: body + tail,
    st.lists(st.tuples(st.sampled_from(KEYS[:5]), node(0), st.sampled_from(TAILS)), max_size=5).map(
        lambda items: "".join(f"{k}: {v}{t}\n" for k, v, t in items)
    ),
    st.sampled_from(["", "# atlaslint: disable=bias/age\n", "---\n", "...\n", "\n\n"]),
)


@given(documents)
def test_one_pass_equals_the_general_loader(text: str) -> None:
    with pytest.MonkeyPatch.context() as monkeypatch:
        one_pass, general = both_ways(text, monkeypatch)
    assert one_pass == general


def test_one_pass_equals_the_general_loader_on_the_corpus(corpus_dir: Path, monkeypatch) -> None:
    files = sorted(corpus_dir.rglob("*.yaml")) + sorted(EXAMPLES.rglob("*.yaml"))
    assert len(files) > 79
    for path in files:
        text = path.read_text(encoding="utf-8")
        one_pass, general = both_ways(text, monkeypatch)
        assert one_pass == general, path


def test_anchors_and_duplicate_keys_are_left_to_the_general_loader(monkeypatch) -> None:
    for text in ("a: &x 1\nb: *x\n", "a: 1\na: 2\n", "? [a]\n: 1\n"):
        with pytest.raises(yaml_stream.GiveUp):
            yaml_stream.stream_load(text, SourceFile("m.yaml", None, text).index, "m.yaml")
        one_pass, general = both_ways(text, monkeypatch)
        assert one_pass == general


def test_too_many_values_is_refused_at_the_same_value_both_ways(monkeypatch) -> None:
    text = "v: [" + "1, " * 200_001 + "1]\n"
    one_pass, general = both_ways(text, monkeypatch)
    assert one_pass == general
    (problem,) = one_pass[2]
    assert problem[0] == "syntax/yaml" and "over 200,000 values" in problem[2]
    assert problem[1].column == 5 + 3 * 199_997  # value 200,001 (with the map, key, list)


def test_without_the_c_parser_the_pure_parser_gives_the_same(monkeypatch) -> None:
    """ruamel.yaml.clib missing (no wheel for the platform): the same values, positions
    and findings from ruamel's pure-Python parser."""
    import sys

    text = "title: Café — x\nlist:\n  - a\n  - !!python/object x\nmap: {k: [1, 2]}\n# end\n"

    def plain(found: tuple) -> tuple:  # the pure parser calls a plain style None, C ''
        data, positions, problems, suppressions = found
        positions = [(*rest, style or None) for *rest, style in positions]
        return data, positions, problems, suppressions

    with_c = plain(snapshot(text))
    monkeypatch.setitem(sys.modules, "_ruamel_yaml", None)  # import fails
    assert plain(snapshot(text)) == with_c
    assert with_c[2][0][0] == "syntax/yaml-tag"
