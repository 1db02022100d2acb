"""documents/source.py on bad bytes: encodings, NUL, size limit, things that are not files."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

from atlaslint.documents import source as source_module
from atlaslint.documents.source import decode, read_source
from atlaslint.positions import Span


def only_problem(result) -> tuple[str, Span, str]:
    assert result.text is None
    assert len(result.problems) == 1, result.problems
    problem = result.problems[0]
    return problem.rule, problem.span, problem.message


@pytest.mark.parametrize(
    ("data", "line", "column"),
    [
        (b"title: ok\nsummary: caf\xe9 au lait\n", 2, 13),
        (b"a: 1\r\nb: \xff\r\n", 2, 4),  # CRLF counts as one line end
        (b"a\rb\xff", 2, 2),  # so does a lone CR
        ("é€x".encode() + b"\xff", 1, 4),  # columns count code points, not bytes
        (b"\xef\xbb\xbfab\x80", 1, 3),  # the BOM is not a column
        (b"ok\n\xc3(", 2, 1),  # a truncated two-byte sequence
    ],
)
def test_invalid_utf8_points_at_the_first_bad_byte(data: bytes, line: int, column: int) -> None:
    rule, span, message = only_problem(decode("f.yaml", data))
    assert rule == "syntax/encoding"
    assert span == Span(line, column, line, column + 1)
    assert "UTF-8" in message


def test_nul_byte_is_binary_and_reported_where_it_sits() -> None:
    rule, span, message = only_problem(decode("f.md", b"# Title\n\nsome \x00 text\n"))
    assert rule == "syntax/encoding"
    assert span == Span(3, 6, 3, 7)
    assert "binary" in message


def test_nul_beyond_the_first_kilobytes_is_still_caught() -> None:
    data = b"a: b\n" * 5000 + b"c: \x00\n"
    rule, span, _ = only_problem(decode("f.yaml", data))
    assert (rule, span) == ("syntax/encoding", Span(5001, 4, 5001, 5))


def test_binary_file_with_undecodable_prefix_points_at_file_start() -> None:
    rule, span, _ = only_problem(decode("f.md", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
    assert (rule, span) == ("syntax/encoding", Span(1, 1, 1, 2))


def test_a_bad_byte_before_a_nul_is_reported_where_it_sits() -> None:
    """Found by the fuzzer: the NUL's position could not be computed past the bad byte,
    and 1:1-1:2 lay beyond an empty first line."""
    rule, span, message = only_problem(decode("f.md", b"\n\x80\x00"))
    assert (rule, span) == ("syntax/encoding", Span(2, 1, 2, 2))
    assert "0x80" in message


def test_utf16_is_named() -> None:
    rule, _, message = only_problem(decode("f.md", "# Title\n".encode("utf-16")))
    assert rule == "syntax/encoding"
    assert "UTF-16" in message


def test_bom_and_crlf_are_normalised_and_remembered() -> None:
    result = decode("f.yaml", b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
    assert result.text == "a: 1\nb: 2\n"
    assert result.bom and result.crlf
    assert result.encode(result.text) == b"\xef\xbb\xbfa: 1\r\nb: 2\r\n"


@pytest.mark.parametrize(
    ("data", "crlf", "line_ends"),
    [
        ("a: “1”\nb: 2\n".encode(), False, None),  # LF only (non-ASCII text)
        ("a: “1”\r\nb: 2\r\n".encode(), True, None),  # CRLF throughout
        ("a: “1”\rb: 2\r".encode(), False, ("\r", "\r")),  # lone CRs
        ("a: “1”\r\nb: 2\nc: 3\r".encode(), True, ("\r\n", "\n", "\r")),  # mixed
    ],
)
def test_line_ends_are_normalised_and_each_kind_restored(data, crlf, line_ends) -> None:
    result = decode("f.yaml", data)
    assert "\r" not in result.text
    assert (result.crlf, result.line_ends) == (crlf, line_ends)
    assert result.encode(result.text) == data


def test_empty_file_decodes_to_empty_text() -> None:
    result = decode("f.md", b"")
    assert result.text == "" and not result.problems


def _forbid_reads(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_read(*_args, **_kwargs):
        raise AssertionError("a file over the size limit was read")

    monkeypatch.setattr(source_module.os, "read", no_read)


def test_sparse_50mb_file_is_too_large_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    big = tmp_path / "SOUL.md"
    with open(big, "wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    _forbid_reads(monkeypatch)
    rule, span, message = only_problem(read_source("SOUL.md", big))
    assert rule == "syntax/too-large"
    assert span == Span.point(1, 1)
    assert "52,428,800 bytes" in message and "10,485,760" in message


def test_lowered_limit_is_honoured_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "metadata.yaml"
    path.write_bytes(b"title: x\n" * 20)
    _forbid_reads(monkeypatch)
    rule, _, message = only_problem(read_source("metadata.yaml", path, max_bytes=100))
    assert rule == "syntax/too-large"
    assert "180 bytes" in message


def test_a_file_that_grows_is_read_only_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "metadata.yaml"
    path.write_bytes(b"x" * 10_000)
    real_fstat = os.fstat

    def shrunk(fd: int) -> os.stat_result:  # the size measured before the file grew
        info = list(real_fstat(fd))
        info[6] = 10
        return os.stat_result(info)

    got: list[int] = []
    real_read = os.read

    def counting_read(fd: int, n: int) -> bytes:
        data = real_read(fd, n)
        got.append(len(data))
        return data

    monkeypatch.setattr(source_module.os, "fstat", shrunk)
    monkeypatch.setattr(source_module.os, "read", counting_read)
    rule, _, message = only_problem(read_source("metadata.yaml", path, max_bytes=100))
    assert rule == "syntax/too-large" and "grew" in message
    assert sum(got) == 101


@pytest.mark.parametrize(
    ("measured", "actual"),
    [(10, 60), (90, 50), (60, 60), (0, 60)],
    ids=["grew-within-limit", "shrank", "unchanged", "measured-empty"],
)
def test_a_file_is_read_to_its_end_whatever_its_measured_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, measured: int, actual: int
) -> None:
    """The first read is sized by fstat; a file that changed size since is still
    read whole (up to the limit), never cut at the size first measured."""
    path = tmp_path / "metadata.yaml"
    content = b"title: " + b"x" * (actual - 8) + b"\n"
    path.write_bytes(content)
    real_fstat = os.fstat

    def measured_size(fd: int) -> os.stat_result:
        info = list(real_fstat(fd))
        info[6] = measured
        return os.stat_result(info)

    monkeypatch.setattr(source_module.os, "fstat", measured_size)
    source = read_source("metadata.yaml", path, max_bytes=100)
    assert source.text == content.decode()


@pytest.fixture
def alarm():
    """Fail instead of hanging forever if a read blocks."""

    def timeout(*_args):
        raise TimeoutError("reading blocked")

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.alarm(5)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_fifo_is_unreadable_and_never_blocks(tmp_path: Path, alarm) -> None:
    fifo = tmp_path / "metadata.yaml"
    os.mkfifo(fifo)
    rule, span, message = only_problem(read_source("metadata.yaml", fifo))
    assert (rule, span) == ("syntax/unreadable", Span.point(1, 1))
    assert "not a regular file" in message


def test_folder_named_like_a_file_is_unreadable(tmp_path: Path) -> None:
    folder = tmp_path / "metadata.yaml"
    folder.mkdir()
    rule, _, message = only_problem(read_source("metadata.yaml", folder))
    assert rule == "syntax/unreadable" and "folder" in message


@pytest.mark.parametrize("target", ["nowhere", "metadata.yaml"])
def test_broken_or_looping_link_is_unreadable(tmp_path: Path, target: str) -> None:
    link = tmp_path / "metadata.yaml"
    link.symlink_to(target)
    rule, _, _ = only_problem(read_source("metadata.yaml", link))
    assert rule == "syntax/unreadable"


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read any file")
def test_file_without_read_permission_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "metadata.yaml"
    path.write_text("title: x\n")
    path.chmod(0)
    try:
        rule, _, message = only_problem(read_source("metadata.yaml", path))
    finally:
        path.chmod(0o644)
    assert rule == "syntax/unreadable" and "ermission" in message


@pytest.mark.parametrize(
    "data",
    [b"a\r\nb\nc\rd", b"x\ry\r", b"\xef\xbb\xbfa\r\nb\nc", b"a\r\nb\r\n", b"a\nb\n"],
)
def test_every_line_ending_is_restored(data: bytes) -> None:
    """Mixed endings and lone CRs survive a round trip, and a change within the lines
    changes nothing else (what --fix writes back)."""
    source = decode("f.md", data)
    assert source.encode(source.text) == data
    assert source.encode(source.text.replace("b", "B")) == data.replace(b"b", b"B")


def test_fix_in_a_file_with_mixed_line_endings_changes_only_the_word(
    tmp_path: Path, example_profile, cli
) -> None:
    folder = example_profile("customs-officer")
    soul = folder / "SOUL.md"
    lines = soul.read_bytes().split(b"\n")
    lines[4] = lines[4].replace(b"borders", b"fireman borders", 1)
    assert b"fireman" in lines[4]
    ends = [b"\r\n", b"\n", b"\r"]
    mixed = b"".join(line + ends[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    soul.write_bytes(mixed)
    run = cli("check", ".", "--fix", "--select", "bias", "--format", "json", cwd=tmp_path)
    assert run.exit_code in (0, 1), run.stderr
    assert soul.read_bytes() == mixed.replace(b"fireman borders", b"firefighter borders", 1)
