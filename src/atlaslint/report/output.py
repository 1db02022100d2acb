"""The report of one ``check`` run as text, in the chosen format (the CLI only
decides where it goes: stdout or ``--output-file``)."""

from __future__ import annotations

import json
from collections import Counter

from atlaslint.engine import RunResult
from atlaslint.report import formatter
from atlaslint.settings import Settings


def statistics_json(result: RunResult) -> str:
    """``--statistics --format json``: counts per rule, most frequent first."""
    counts = Counter((d.rule, d.severity.label) for d in result.diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    doc = [{"rule": rule, "severity": sev, "count": n} for (rule, sev), n in rows]
    return json.dumps(doc, indent=2) + "\n"


def render_report(
    result: RunResult,
    settings: Settings,
    output_format: str,
    *,
    statistics: bool = False,
    quiet: bool = False,
    colour: bool = False,
    given: dict[str, str] | None = None,
) -> str:
    """The whole report; ``given`` holds text read from stdin, shown in snippets."""
    if statistics:
        if output_format == "json":
            return statistics_json(result)
        from atlaslint.report.text import statistics as stats

        text = stats(result)
        return (text if text else "No findings.") + "\n"
    if output_format == "text":
        from atlaslint.report.sources import SourceLines
        from atlaslint.report.text import format_line, render

        if quiet:
            return "".join(format_line(d, colour) + "\n" for d in result.diagnostics)
        return render(result, colour=colour, sources=SourceLines(given))
    return formatter(output_format)(
        result, registry=settings.registry, fail_level=settings.fail_level
    )
