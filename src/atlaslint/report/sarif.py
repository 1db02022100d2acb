"""``--format sarif``: SARIF 2.1.0, for GitHub code scanning and other viewers.

The driver lists every rule of the registry (so a viewer can show the docs of a
rule that found nothing today), each result points at its rule by id and index,
and regions use our own position model: 1-based lines, columns in Unicode code
points (``columnKind: unicodeCodePoints``), exclusive end column - exactly
SARIF's convention, so spans are copied, never recomputed.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from atlaslint import __version__
from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.docgen import explain, explain_markdown
from atlaslint.engine import RunResult
from atlaslint.registry import Registry, RuleInfo, default_registry
from atlaslint.report.json_format import pretty

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def descriptor(rule: RuleInfo) -> dict:
    """One ``reportingDescriptor`` of ``tool.driver.rules``."""
    return {
        "id": rule.id,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.why or rule.summary},
        "help": {"text": explain(rule), "markdown": explain_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": [rule.family], "origin": rule.origin, "fixable": rule.fixable},
    }


def artifact_location(path: str) -> dict:
    """A relative path stays relative (to ``%SRCROOT%``, the working folder); an
    absolute one becomes a ``file:`` URI."""
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(Path(path).as_posix()), "uriBaseId": SRCROOT}


def _folder_uri(folder: Path) -> str:
    uri = folder.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def result(diag: Diagnostic, index: int) -> dict:
    """One SARIF ``result`` at the diagnostic's exact span."""
    message = diag.message
    if diag.suggestion is not None:
        message += f" (suggestion: {diag.suggestion})"
    out: dict = {
        "ruleId": diag.rule,
        "ruleIndex": index,
        "level": LEVELS[diag.severity],
        "message": {"text": message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": artifact_location(diag.path),
                    "region": {
                        "startLine": diag.span.line,
                        "startColumn": diag.span.column,
                        "endLine": diag.span.end_line,
                        "endColumn": diag.span.end_column,
                    },
                }
            }
        ],
    }
    if diag.suggestion is not None:
        out["properties"] = {"suggestion": diag.suggestion}
    return out


def document(result_: RunResult, registry: Registry | None = None) -> dict:
    """The SARIF log as a dict."""
    registry = registry or default_registry()
    rules = registry.all()
    known = {rule.id for rule in rules}
    for rule_id in sorted({d.rule for d in result_.diagnostics} - known):
        rules.append(registry.get(rule_id))  # run-time ids (grammar/<LanguageTool id>)
    index = {rule.id: i for i, rule in enumerate(rules)}
    notes = [f"{path}: not a profile, framework or record; skipped" for path in result_.skipped]
    notes += result_.notices
    invocation: dict = {"executionSuccessful": result_.internal_errors == 0}
    if notes:
        invocation["toolExecutionNotifications"] = [
            {"level": "warning", "message": {"text": note}} for note in notes
        ]
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "atlaslint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": [descriptor(rule) for rule in rules],
                    }
                },
                "invocations": [invocation],
                "originalUriBaseIds": {SRCROOT: {"uri": _folder_uri(Path.cwd())}},
                "columnKind": "unicodeCodePoints",
                "results": [result(d, index[d.rule]) for d in result_.diagnostics],
            }
        ],
    }


def render(result: RunResult, *, registry: Registry | None = None, **_: object) -> str:
    return pretty(document(result, registry)) + "\n"
