"""``--format text``: like ruff's full output - the location, the rule, the message,
the source line and a caret under the exact span, then a summary."""

from __future__ import annotations

import re
from collections import Counter

import click

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.engine import RunResult
from atlaslint.report.sources import SourceLines

_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "blue"}
_CONTROLS = {c: "\ufffd" for c in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if c != 0x09}


_CONTROL = re.compile("[" + "".join(re.escape(chr(c)) for c in _CONTROLS) + "]")


def printable(text: str) -> str:
    """Control characters from a linted file shown as U+FFFD, one for one (so carets
    stay aligned): an escape sequence in a file must not drive the user's terminal.
    (Most lines hold none: one search in C, and the translation only when needed.)"""
    return text.translate(_CONTROLS) if _CONTROL.search(text) else text


def _snippet(diag: Diagnostic, sources: SourceLines, colour: bool) -> list[str]:
    line = sources.line(diag.path, diag.span.line)
    if line is None:
        return []
    shown = printable(line.expandtabs(1))
    start = max(diag.span.column, 1)
    if diag.span.end_line == diag.span.line:
        end = max(diag.span.end_column, start + 1)
    else:
        end = max(len(shown) + 1, start + 1)
    gutter = str(diag.span.line)
    pad = " " * len(gutter)
    caret = " " * (start - 1) + "^" * (end - start)
    caret = click.style(caret, fg=_COLOURS[diag.severity], bold=True) if colour else caret
    return [f"{pad} |", f"{gutter} | {shown}", f"{pad} | {caret}", ""]


def format_line(diag: Diagnostic, colour: bool = False) -> str:
    """``path:line:col: severity rule message``."""
    location = f"{printable(diag.path)}:{diag.span.line}:{diag.span.column}:"
    severity = diag.severity.label
    rule = diag.rule
    if colour:
        location = click.style(location, bold=True)
        severity = click.style(severity, fg=_COLOURS[diag.severity], bold=True)
        rule = click.style(rule, fg="cyan")
    line = f"{location} {severity} {rule} {printable(diag.message)}"
    if diag.suggestion is not None:
        line += f" (suggestion: {printable(diag.suggestion)})"
    return line


def summary(result: RunResult) -> str:
    errors = result.count(Severity.ERROR)
    warnings = result.count(Severity.WARNING)
    infos = result.count(Severity.INFO)
    files = f"{result.files} file{'s' if result.files != 1 else ''}"
    if not result.diagnostics:
        return f"All checks passed ({files})."
    return f"Found {errors} error(s), {warnings} warning(s), {infos} info in {files}."


def statistics(result: RunResult) -> str:
    counts = Counter((d.rule, d.severity) for d in result.diagnostics)
    rows = sorted(counts.items(), key=lambda item: (-item[1], item[0][0]))
    width = max((len(str(n)) for n in counts.values()), default=1)
    return "\n".join(f"{n:>{width}}  {rule}  ({sev.label})" for (rule, sev), n in rows)


def render(
    result: RunResult,
    *,
    colour: bool = False,
    sources: SourceLines | None = None,
    show_source: bool = True,
    **_: object,
) -> str:
    sources = sources or SourceLines()
    out: list[str] = []
    for diag in result.diagnostics:
        out.append(format_line(diag, colour))
        if show_source:
            out.extend(_snippet(diag, sources, colour))
    out.append(summary(result))
    return "\n".join(out) + "\n"
