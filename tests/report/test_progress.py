"""The progress bar: on stderr, for long runs, only when stderr is a terminal."""

from __future__ import annotations

import io

from atlaslint.report.progress import CLEAR_LINE, ProgressBar


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_drawn_on_a_terminal_for_a_long_run_then_erased() -> None:
    stream = Terminal()
    bar = ProgressBar(stream, delay=0, min_units=10)
    for done in range(1, 51):
        bar(done, 50)
    assert bar.shown
    out = stream.getvalue()
    assert "Checking" in out and "49/50" in out
    bar.close()
    assert stream.getvalue().endswith(CLEAR_LINE)
    assert not bar.shown


def test_never_drawn_when_stderr_is_not_a_terminal() -> None:
    stream = io.StringIO()
    bar = ProgressBar(stream, delay=0, min_units=1)
    for done in range(1, 51):
        bar(done, 50)
    bar.close()
    assert (bar.shown, stream.getvalue()) == (False, "")


def test_never_drawn_for_short_runs() -> None:
    few = Terminal()
    bar = ProgressBar(few, delay=0, min_units=10)
    for done in range(1, 6):
        bar(done, 5)
    assert few.getvalue() == ""
    quick = Terminal()
    bar = ProgressBar(quick, delay=60, min_units=1)
    for done in range(1, 51):
        bar(done, 50)
    bar.close()
    assert quick.getvalue() == ""


def test_the_engine_reports_progress_per_unit(tmp_path) -> None:
    from atlaslint.config import resolve_settings
    from atlaslint.engine import check_paths
    from tests.example_atlas import make_atlas

    atlas = make_atlas(tmp_path / "atlas")
    make_atlas(atlas, "border-agent")
    calls: list[tuple[int, int]] = []
    settings = resolve_settings([atlas])
    result = check_paths(
        [(str(atlas), atlas)], settings, progress=lambda d, t: calls.append((d, t))
    )
    assert calls == [(1, 2), (2, 2)]
    assert result.diagnostics == []


def test_check_draws_the_bar_on_a_terminal_and_not_with_quiet(cli, tmp_path, monkeypatch) -> None:
    """The CLI wires the bar to the engine, erases it before the report, and
    leaves it out under --quiet."""
    import atlaslint.report.progress as progress
    from tests.example_atlas import make_atlas

    atlas = make_atlas(tmp_path / "atlas")
    for n in range(3):
        make_atlas(atlas, f"agent-{n}")
    terminal = Terminal()
    made: list[ProgressBar] = []

    class Eager(ProgressBar):
        def __init__(self, stream=None) -> None:
            super().__init__(terminal, delay=0, min_units=1)
            made.append(self)

    monkeypatch.setattr(progress, "ProgressBar", Eager)
    run = cli("check", ".", cwd=atlas)
    assert run.exit_code == 0
    assert len(made) == 1
    assert "Checking" in terminal.getvalue() and "3/4" in terminal.getvalue()
    assert terminal.getvalue().endswith(CLEAR_LINE)
    cli("check", ".", "--quiet", cwd=atlas)
    assert len(made) == 1
