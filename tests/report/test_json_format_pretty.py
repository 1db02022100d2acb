"""The JSON report's own encoder writes exactly what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from atlaslint.diagnostics import Diagnostic, Severity
from atlaslint.engine import RunResult
from atlaslint.positions import Span
from atlaslint.report.json_format import document, pretty, render

SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),
)
KEYS = st.one_of(st.text(max_size=6), st.integers(), st.booleans(), st.none())
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)),
    max_leaves=20,
)


@given(VALUES)
def test_pretty_is_json_dumps_with_an_indent_of_two(value) -> None:
    assert pretty(value) == json.dumps(value, indent=2, ensure_ascii=False)


TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
FINDINGS = st.builds(
    Diagnostic,
    path=TEXT,
    span=st.builds(Span, *[st.integers(min_value=1, max_value=10**6)] * 4),
    rule=TEXT,
    severity=st.sampled_from(Severity),
    message=TEXT,
    suggestion=st.none() | TEXT,
)


@given(st.lists(FINDINGS, max_size=4), st.integers(min_value=0, max_value=10**6))
def test_the_report_is_the_document_dumped_with_an_indent_of_two(findings, files) -> None:
    """The findings are written from one template each: still exactly what json writes
    for the contract's document (SPEC §3)."""
    result = RunResult(findings, files)
    assert render(result) == json.dumps(document(result), indent=2, ensure_ascii=False) + "\n"
