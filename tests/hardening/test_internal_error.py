"""A check that raises is a diagnostic naming it (exit 2); every other file is still checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from atlaslint.checks import sections
from atlaslint.kinds import profile as profile_kind


def test_a_raising_check_is_reported_and_the_others_still_run(
    tmp_path: Path,
    example_profile: Callable[..., Path],
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    example_profile("broken-check")
    other = example_profile("still-checked")
    meta = other / "metadata.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("status: draft", "status: drafty"))
    real = sections._check_title

    def flaky(soul, title, sink):
        if "broken-check" in soul.path:
            raise ValueError("boom in the section rules")
        return real(soul, title, sink)

    monkeypatch.setattr(sections, "_check_title", flaky)
    run = cli("check", "--format", "json", ".", cwd=tmp_path)
    assert run.exit_code == 2
    [internal] = [d for d in run.diagnostics if d["rule"] == "internal/error"]
    assert (internal["path"], internal["line"], internal["column"]) == (
        "broken-check/SOUL.md",
        1,
        1,
    )
    assert internal["severity"] == "error"
    assert internal["message"].startswith("internal error in check checks.sections.check_sections")
    assert "ValueError: boom in the section rules" in internal["message"]
    # the other profile's own findings are all still there
    enum = [d for d in run.diagnostics if d["rule"] == "schema/enum"]
    assert [(d["path"], d["line"]) for d in enum] == [("still-checked/metadata.yaml", 37)]


def test_the_message_names_the_check_module(
    tmp_path: Path,
    example_profile: Callable[..., Path],
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The innermost frame inside atlaslint/checks names the check."""
    example_profile("customs-officer")
    monkeypatch.setattr(sections, "canonical_sections", lambda: None)  # fails inside the check

    run = cli("check", "--format", "json", ".", cwd=tmp_path)
    assert run.exit_code == 2
    [internal] = [d for d in run.diagnostics if d["rule"] == "internal/error"]
    message = internal["message"]
    assert message.startswith(
        "internal error in check checks.sections.check_sections (sections.py:"
    )
    assert "TypeError" in message


def test_text_output_shows_it_and_exits_2(
    tmp_path: Path,
    example_profile: Callable[..., Path],
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    example_profile("customs-officer")

    def fail(*_args: object) -> None:
        raise RuntimeError("kaput")

    monkeypatch.setattr(profile_kind, "_check_identity", fail)
    run = cli("check", "-q", ".", cwd=tmp_path)
    assert run.exit_code == 2
    assert "customs-officer/SOUL.md:1:1: error internal/error internal error in check" in (
        run.stdout
    )
    assert "kinds.profile.check_profile (profile.py:" in run.stdout
    assert "Traceback" not in run.stdout + run.stderr


def test_a_failure_indexing_an_unnamed_profile_is_reported_too(
    tmp_path: Path,
    example_profile: Callable[..., Path],
    cli: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Cross-file rules index every profile under the root; one failing there is an
    internal error too, and the named profile is still reported."""
    named = example_profile("named")
    example_profile("elsewhere")
    (tmp_path / ".atlaslint.yaml").write_text("select: [ALL]\n")
    meta = named / "metadata.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("status: draft", "status: drafty"))

    def broken_index(*_args: object) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr(profile_kind, "index_profile", broken_index)
    run = cli("check", "--format", "json", "named", cwd=tmp_path)
    assert run.exit_code == 2
    rules = {(d["path"].rsplit("/", 2)[-2], d["rule"]) for d in run.diagnostics}
    assert ("elsewhere", "internal/error") in rules
    assert ("named", "schema/enum") in rules
