"""``--format json``: the machine contract of SPEC §3."""

from __future__ import annotations

import json
from typing import Any

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.engine import RunResult


def document(result: RunResult) -> dict:
    return {
        "version": 1,
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "summary": _summary(result),
    }


def _summary(result: RunResult) -> dict:
    return {
        "files": result.files,
        "errors": result.count(Severity.ERROR),
        "warnings": result.count(Severity.WARNING),
        "info": result.count(Severity.INFO),
    }


def render(result: RunResult, **_: object) -> str:
    """``pretty(document(result))``, byte for byte: each finding is written with one
    template, not built as a dict and walked (a large atlas reports tens of thousands;
    a property test holds the two equal)."""
    findings = result.diagnostics
    listed = "[\n" + ",\n".join(map(_finding, findings)) + "\n  ]" if findings else "[]"
    return (
        '{\n  "version": 1,\n  "diagnostics": '
        + listed
        + ',\n  "summary": '
        + pretty(_summary(result), 1)
        + "\n}\n"
    )


_encode_string = json.encoder.encode_basestring  # the C escaper json itself uses
_SEVERITY = {severity: _encode_string(severity.label) for severity in Severity}


def _finding(d: Diagnostic) -> str:
    """``pretty(d.to_json(), 2)`` from the fields themselves."""
    span = d.span
    text = (
        f'    {{\n      "path": {_encode_string(d.path)},\n'
        f'      "line": {int.__repr__(span.line)},\n'
        f'      "column": {int.__repr__(span.column)},\n'
        f'      "end_line": {int.__repr__(span.end_line)},\n'
        f'      "end_column": {int.__repr__(span.end_column)},\n'
        f'      "rule": {_encode_string(d.rule)},\n'
        f'      "severity": {_SEVERITY[d.severity]},\n'
        f'      "message": {_encode_string(d.message)}'
    )
    if d.suggestion is not None:
        text += f',\n      "suggestion": {_encode_string(d.suggestion)}'
    return text + "\n    }"


def pretty(value: Any, level: int = 0) -> str:
    """``json.dumps(value, indent=2, ensure_ascii=False)``, byte for byte, faster.

    With an indent, the json module encodes in Python, one generator step per
    token: a report of 50,000 findings took over a second. Here each string goes
    through json's own C escaper and each container is one join (a property test
    holds the two equal).
    """
    if isinstance(value, str):
        return _encode_string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if type(value) is int:
        return int.__repr__(value)
    inner = "\n" + "  " * (level + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{_key(key)}: {pretty(item, level + 1)}" for key, item in value.items())
        return "{" + inner + ("," + inner).join(items) + "\n" + "  " * level + "}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = (pretty(item, level + 1) for item in value)
        return "[" + inner + ("," + inner).join(items) + "\n" + "  " * level + "]"
    return json.dumps(value, ensure_ascii=False)  # a float, or what json makes of it


def _key(key: Any) -> str:
    """A mapping key as json writes it (always a string)."""
    if isinstance(key, str):
        return _encode_string(key)
    return _encode_string(json.dumps(key) if not isinstance(key, float) else float.__repr__(key))
