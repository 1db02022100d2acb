"""The JSON report's own encoder writes exactly what ``json.dumps(indent=2)`` writes."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from atlaslint.report.json_format import pretty

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
