"""``--format github``: GitHub Actions workflow commands, shown as annotations on
the pull request's diff.

``::error file=F,line=L,col=C,endLine=EL,endColumn=EC,title=RULE::message`` -
warnings as ``::warning``, info as ``::notice``. Escaping follows the runner's
rules (actions/toolkit ``command.ts``): in the message ``%``, CR and LF; in
property values also ``:`` and ``,``. GitHub accepts columns only when the
annotation starts and ends on one line, so a multi-line span gives lines only.
"""

from __future__ import annotations

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.engine import RunResult

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(value: str) -> str:
    """The message part of a workflow command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """A ``key=value`` property of a workflow command."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(diag: Diagnostic) -> str:
    """One workflow command for one diagnostic."""
    span = diag.span
    props = [("file", diag.path), ("line", str(span.line))]
    if span.end_line == span.line:
        props += [("col", str(span.column)), ("endLine", str(span.end_line))]
        props += [("endColumn", str(span.end_column))]
    else:
        props += [("endLine", str(span.end_line))]
    props += [("title", diag.rule)]
    message = diag.message
    if diag.suggestion is not None:
        message += f" (suggestion: {diag.suggestion})"
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[diag.severity]} {joined}::{escape_data(message)}"


def render(result: RunResult, **_: object) -> str:
    return "".join(command(d) + "\n" for d in result.diagnostics)
