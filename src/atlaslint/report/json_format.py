"""``--format json``: the machine contract of SPEC §3."""

from __future__ import annotations

import json

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
    return json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
