"""Property tests: random bytes and random mutations of real files.

Whatever the input, no exception escapes, every diagnostic (and every position a
loader records) lies inside its file, the JSON output parses, and no input is
modified. The number of examples comes from the Hypothesis profile registered in
tests/conftest.py (40 by default; ``HYPOTHESIS_PROFILE=ci-long`` for a long run).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from atlaslint.cli import main
from atlaslint.documents.json_loader import load_json
from atlaslint.documents.markdown import load_markdown
from atlaslint.documents.source import decode
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.positions import Span
from tests.hardening.hardening_support import (
    EXAMPLE_FRAMEWORK,
    EXAMPLE_PROFILE,
    assert_unchanged,
    assert_within_file,
    file_lines,
    snapshot,
)

FUZZ = settings(suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

YAML_TOKENS = [
    *":-[]{}&*!|>'\"#?,%@`~ \t\n\r",
    *("a", "é", "1", "0x1F", ".nan", "2024-01-02", "null", "yes", "\ufeff", "\u2028", "\x85"),
    *("title", "slug", "related", "status", "  ", "- ", ": ", "\r\n", "---\n", "...\n"),
    *("!!python/object/apply:os.system", "!!str", "&a ", "*a", "<<: ", "? ", "%YAML 1.1\n"),
]
MARKDOWN_TOKENS = [
    *"#-*_>[]()!`~|<>\\ \t\n\r",
    *("## Purpose\n", "# Title\n", "---\n", "```\n", "1. ", "- ", "> ", "    ", "\n\n"),
    *("word ", "é", "\u00a0", "<!-- atlaslint-disable-next-line -->", "[a](b)", "**b**"),
]
JSON_TOKENS = [
    *'{}[],:"\\ \n\t\r',
    *("1", "-0.5e3", "true", "null", "NaN", "Infinity", '"slug"', '"a"', "\ufeff", "é"),
]


def tokens(alphabet: list[str]) -> st.SearchStrategy[bytes]:
    return st.lists(st.sampled_from(alphabet), max_size=200).map(lambda t: "".join(t).encode())


def junk(alphabet: list[str]) -> st.SearchStrategy[bytes]:
    return st.one_of(
        st.binary(max_size=2048),
        st.text(max_size=512).map(lambda s: s.encode("utf-8", "surrogatepass")),
        tokens(alphabet),
    )


def lint(*paths: Path) -> list[dict]:
    """``atlaslint check --format json`` in-process; exceptions propagate (and fail)."""
    result = CliRunner().invoke(
        main, ["check", "--format", "json", *map(str, paths)], catch_exceptions=False
    )
    assert result.exit_code in (0, 1), (result.exit_code, result.stdout, result.stderr)
    report = json.loads(result.stdout)
    assert set(report) >= {"version", "diagnostics", "summary"}
    for diag in report["diagnostics"]:
        assert diag["rule"] != "internal/error", diag
        assert_within_file(diag)
    return report["diagnostics"]


def lint_unchanged(root: Path) -> list[dict]:
    before = snapshot(root)
    found = lint(root)
    assert_unchanged(before, snapshot(root))
    return found


def assert_loader_positions(path: Path, data: bytes) -> None:
    """Every span a loader records - problems, values, keys, headings - is in the file."""
    lines = file_lines(path)
    assert lines is not None
    source = decode(path.name, data)

    def inside(span: Span) -> None:
        for line, column in ((span.line, span.column), (span.end_line, span.end_column)):
            assert 1 <= line <= len(lines), span
            assert 1 <= column <= len(lines[line - 1]) + 1, span
        assert (span.end_line, span.end_column) >= (span.line, span.column), span

    for loader in (load_yaml, load_json):
        doc = loader(source)
        for problem in doc.problems:
            inside(problem.span)
        for located in doc.positions.values():
            inside(located.value)
            if located.key is not None:
                inside(located.key)
    markdown = load_markdown(source)
    for problem in markdown.problems:
        inside(problem.span)
    for heading in (*markdown.titles, *(s.heading for s in markdown.sections)):
        inside(heading.span)


def copy_profile(into: Path, source: Path = EXAMPLE_PROFILE) -> Path:
    folder = into / source.name
    shutil.copytree(source, folder)
    return folder


@FUZZ
@given(name=st.sampled_from(["SOUL.md", "metadata.yaml"]), data=st.data())
def test_random_bytes_as_a_profile_file(name: str, data: st.DataObject) -> None:
    content = data.draw(junk(MARKDOWN_TOKENS if name == "SOUL.md" else YAML_TOKENS))
    with tempfile.TemporaryDirectory() as temp:
        folder = copy_profile(Path(temp))
        (folder / name).write_bytes(content)
        lint_unchanged(folder)
        assert_loader_positions(folder / name, content)


@FUZZ
@given(framework=junk(YAML_TOKENS), record=junk(JSON_TOKENS))
def test_random_bytes_as_framework_and_record(framework: bytes, record: bytes) -> None:
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        (root / "records").mkdir()
        (root / "x.framework.yaml").write_bytes(framework)
        (root / "x.record.json").write_bytes(record)
        (root / "records" / "y.json").write_bytes(record)
        lint_unchanged(root)
        assert_loader_positions(root / "x.framework.yaml", framework)
        assert_loader_positions(root / "x.record.json", record)


MUTATIONS = ("delete-line", "duplicate-line", "truncate", "swap-chars", "swap-bytes")


def mutate(data: bytes, steps: list[tuple[str, int, int]]) -> bytes:
    """Apply deleted lines, duplicated lines, truncation and swapped characters."""
    for kind, a, b in steps:
        if kind in ("delete-line", "duplicate-line"):
            lines = data.split(b"\n")
            i = a % len(lines)
            if kind == "delete-line":
                del lines[i]
            else:
                lines[i:i] = [lines[i]] * (1 + b % 3)
            data = b"\n".join(lines)
        elif kind == "truncate":
            data = data[: a % (len(data) + 1)]
        elif kind == "swap-chars":
            text = data.decode("utf-8", "surrogateescape")
            if len(text) >= 2:
                i, j = a % len(text), b % len(text)
                chars = list(text)
                chars[i], chars[j] = chars[j], chars[i]
                data = "".join(chars).encode("utf-8", "surrogateescape")
        elif len(data) >= 2:  # swap-bytes: may split a multi-byte character
            i = a % (len(data) - 1)
            data = data[:i] + data[i + 1 : i + 2] + data[i : i + 1] + data[i + 2 :]
    return data


STEPS = st.lists(
    st.tuples(
        st.sampled_from(MUTATIONS),
        st.integers(0, 1_000_000),
        st.integers(0, 1_000_000),
    ),
    min_size=1,
    max_size=4,
)


@pytest.fixture
def corpus_slugs(corpus_dir: Path) -> list[Path]:
    return sorted(p for p in (corpus_dir / "souls").iterdir() if (p / "metadata.yaml").is_file())


@FUZZ
@given(data=st.data(), name=st.sampled_from(["SOUL.md", "metadata.yaml"]), steps=STEPS)
def test_mutated_real_profiles(
    corpus_slugs: list[Path], data: st.DataObject, name: str, steps: list
) -> None:
    source = data.draw(st.sampled_from(corpus_slugs), label="profile")
    with tempfile.TemporaryDirectory() as temp:
        folder = copy_profile(Path(temp), source)
        original = (folder / name).read_bytes()
        mutated = mutate(original, steps)
        (folder / name).write_bytes(mutated)
        lint_unchanged(folder)
        assert_loader_positions(folder / name, mutated)


@FUZZ
@given(steps=STEPS)
def test_mutated_example_framework(steps: list) -> None:
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / EXAMPLE_FRAMEWORK.name
        mutated = mutate(EXAMPLE_FRAMEWORK.read_bytes(), steps)
        path.write_bytes(mutated)
        lint_unchanged(Path(temp))
        assert_loader_positions(path, mutated)


@FUZZ
@given(name=st.sampled_from(["SOUL.md", "metadata.yaml"]), steps=STEPS)
def test_mutated_example_profile_with_bom_and_crlf(name: str, steps: list) -> None:
    with tempfile.TemporaryDirectory() as temp:
        folder = copy_profile(Path(temp))
        data = mutate((folder / name).read_bytes(), steps)
        data = b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n")
        (folder / name).write_bytes(data)
        lint_unchanged(folder)
        assert_loader_positions(folder / name, data)


def test_mutate_does_what_it_says() -> None:
    """The mutation helper itself (so the properties above test what they claim)."""
    data = b"one\ntwo\nthree"
    assert mutate(data, [("delete-line", 1, 0)]) == b"one\nthree"
    assert mutate(data, [("duplicate-line", 0, 0)]) == b"one\none\ntwo\nthree"
    assert mutate(data, [("truncate", 5, 0)]) == b"one\nt"
    assert mutate("aé".encode(), [("swap-chars", 0, 1)]) == "éa".encode()
    assert mutate(b"ab", [("swap-bytes", 0, 0)]) == b"ba"


@pytest.mark.parametrize("make", [lambda: None])
def test_example_files_are_clean(make: Callable[[], None], tmp_path: Path) -> None:
    """The unmutated starting points lint without errors (so mutations are what fail)."""
    copy_profile(tmp_path)
    shutil.copy(EXAMPLE_FRAMEWORK, tmp_path)
    found = lint_unchanged(tmp_path)
    assert not [d for d in found if d["severity"] == "error"]
