"""Output formats: one module per format, each a function of a :class:`RunResult`."""

from __future__ import annotations

from collections.abc import Callable

Formatter = Callable[..., str]


def formatter(name: str) -> Formatter:
    """The formatter for ``--format NAME`` (imported only when used)."""
    if name == "text":
        from atlaslint.report.text import render
    elif name == "json":
        from atlaslint.report.json_format import render
    elif name == "sarif":
        from atlaslint.report.sarif import render
    elif name == "github":
        from atlaslint.report.github import render
    elif name == "junit":
        from atlaslint.report.junit import render
    else:
        raise ValueError(f"unknown format {name!r}")
    return render


FORMATS = ("text", "json", "sarif", "github", "junit")
