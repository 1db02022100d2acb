"""``--format json``: the machine contract of SPEC §3."""

from __future__ import annotations

import json
from typing import Any

from atlaslint.diagnostics import Severity
from atlaslint.engine import RunResult


def document(result: RunResult) -> dict:
    return {
        "version": 1,
        "diagnostics": [d.to_json() for d in result.diagnostics],
        "summary": {
            "files": result.files,
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "info": result.count(Severity.INFO),
        },
    }


def render(result: RunResult, **_: object) -> str:
    return pretty(document(result)) + "\n"


_encode_string = json.encoder.encode_basestring  # the C escaper json itself uses


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
