"""``--format junit``: a JUnit XML report for CI systems that show test results
(GitLab, Jenkins, Azure Pipelines).

One test case per checked file. Each diagnostic at or above the fail level is a
``<failure>`` of its file's test case, so the report fails exactly when the exit
code does; findings below the fail level are listed in the case's
``<system-out>`` so they are seen without failing the build.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.engine import RunResult


def _line(diag: Diagnostic) -> str:
    text = (
        f"{diag.path}:{diag.span.line}:{diag.span.column}: "
        f"{diag.severity.label} {diag.rule} {diag.message}"
    )
    if diag.suggestion is not None:
        text += f" (suggestion: {diag.suggestion})"
    return text


def document(result: RunResult, fail_level: Severity = Severity.INFO) -> ET.Element:
    """The ``<testsuites>`` element."""
    by_file: dict[str, list[Diagnostic]] = defaultdict(list)
    for diag in result.diagnostics:
        by_file[diag.path].append(diag)
    files = list(dict.fromkeys([*result.checked, *by_file]))
    failed = sum(1 for f in files if any(d.severity >= fail_level for d in by_file[f]))
    counts = {"tests": str(len(files)), "failures": str(failed), "errors": "0", "skipped": "0"}
    root = ET.Element("testsuites", {"name": "atlaslint", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "atlaslint", **counts, "time": "0"})
    ET.SubElement(
        ET.SubElement(suite, "properties"),
        "property",
        {"name": "diagnostics", "value": str(len(result.diagnostics))},
    )
    for path in files:
        case = ET.SubElement(
            suite, "testcase", {"name": path, "classname": "atlaslint", "file": path}
        )
        below: list[str] = []
        for diag in by_file[path]:
            if diag.severity >= fail_level:
                failure = ET.SubElement(
                    case,
                    "failure",
                    {
                        "type": diag.rule,
                        "message": f"{diag.span.line}:{diag.span.column}: {diag.message}",
                    },
                )
                failure.text = _line(diag)
            else:
                below.append(_line(diag))
        if below:
            ET.SubElement(case, "system-out").text = "\n".join(below)
    return root


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
"""Characters XML 1.0 cannot hold even escaped (a JSON key may carry them)."""


def render(result: RunResult, *, fail_level: Severity = Severity.INFO, **_: object) -> str:
    root = document(result, fail_level)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + _NOT_XML.sub("\ufffd", text) + "\n"
