"""A progress bar on stderr for long runs, and nothing otherwise.

It appears only when stderr is a terminal (never in CI logs, pipes or editors)
and only once a run has taken ``delay`` seconds with at least ``min_units`` to
check, so a pre-commit run on a few files never flickers. Built on
``click.progressbar`` (click is already a dependency); it erases itself at the
end so that the report below starts on a clean line.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

import click

CLEAR_LINE = "\r\x1b[2K\x1b[?25h"


class ProgressBar:
    """A callable ``progress(done, total)`` for ``engine.check_paths``."""

    def __init__(
        self, stream: TextIO | None = None, delay: float = 0.5, min_units: int = 20
    ) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.delay = delay
        self.min_units = min_units
        self.enabled = _isatty(self.stream)
        self._start = time.monotonic()
        self._bar: click.progressbar | None = None  # type: ignore[valid-type]

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if not self.enabled or total < self.min_units or done >= total:
                return
            if time.monotonic() - self._start < self.delay:
                return
            self._bar = click.progressbar(
                length=total,
                label="Checking",
                file=self.stream,
                show_pos=True,
                show_eta=True,
                update_min_steps=max(1, total // 200),  # redraw at most ~200 times
            )
            self._bar.__enter__()
        self._bar.update(done - self._bar.pos)

    @property
    def shown(self) -> bool:
        return self._bar is not None

    def close(self) -> None:
        """Erase the bar (if it was ever drawn) and give the cursor back."""
        if self._bar is not None:
            self.stream.write(CLEAR_LINE)
            self.stream.flush()
            self._bar = None


def _isatty(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
