"""The Rust fast path may only ever say "valid" where the Python validator finds nothing.

Real documents (the examples, and the corpus where it is present) are mutated at a
random place with values chosen to sit on the edges where two implementations
could part: numbers that are also booleans, 1 and 1.0 in a unique list, a year 0
date, Unicode digits and a trailing newline against a pattern, wrong types.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from atlaslint.checks.schema import validator
from atlaslint.checks.schema_fast import fast_validity, is_date, known_valid
from atlaslint.documents.json_loader import load_json
from atlaslint.documents.source import read_source
from atlaslint.documents.yaml_loader import load_yaml
from tests.conftest import CORPUS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _load(path: Path) -> Any:
    source = read_source(str(path), path)
    return (load_json if path.suffix == ".json" else load_yaml)(source).data


def _documents() -> list[tuple[str, Any]]:
    found = [
        ("metadata.schema.json", _load(EXAMPLES / "profiles/customs-officer/metadata.yaml")),
        (
            "framework.schema.json",
            _load(EXAMPLES / "frameworks/customs-and-border-protection-officers.framework.yaml"),
        ),
        ("record.schema.json", _load(EXAMPLES / "records/customs-officer.json")),
    ]
    for path in sorted(CORPUS.glob("souls/*/metadata.yaml"))[:20]:
        found.append(("metadata.schema.json", _load(path)))
    return found


DOCUMENTS = _documents()

EDGE_VALUES = [
    None,
    True,
    False,
    0,
    1,
    1.0,
    1.5,
    -1,
    2**70,
    float("nan"),
    "",
    " ",
    "x",
    "draft",
    "stable",
    "2020-01-01",
    "0000-01-01",
    "2021-02-29",
    "2020-1-1",
    dt.date(2020, 1, 1),
    "ab-cd",
    "ab-cd\n",
    "AB",
    "11-1011",
    "١١-1011",
    "11-1011\n",
    "https://example.org",
    [],
    ["x", "x"],
    ["x", "y"],
    [1, 1.0],
    [True, 1],
    [{"a": 1}, {"a": 1.0}],
    {},
    {"unknown": 1},
]


def _paths(data: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(data, dict):
        for key, value in data.items():
            out += _paths(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out += _paths(value, (*path, i))
    return out


def _mutate(data: Any, path: tuple, action: str, value: Any) -> Any:
    data = copy.deepcopy(data)
    if not path:
        return value if action == "set" else data
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if action == "set":
        parent[last] = copy.deepcopy(value)
    elif action == "delete":
        del parent[last]
    elif action == "add" and isinstance(parent, dict):
        parent["zz_unknown"] = copy.deepcopy(value)
    elif action == "add" and isinstance(parent, list):
        parent.append(copy.deepcopy(value))
    return data


def _python_valid(data: Any, schema: str) -> bool:
    return next(iter(validator(schema).iter_errors(data)), None) is None


@pytest.mark.parametrize(("schema", "data"), DOCUMENTS, ids=lambda item: str(item)[:30])
def test_fast_path_accepts_every_valid_real_document(schema: str, data: Any) -> None:
    assert fast_validity(schema) is not None
    assert _python_valid(data, schema)
    assert known_valid(data, schema)  # else the fast path would never be taken


@given(
    st.sampled_from(range(len(DOCUMENTS))),
    st.integers(0, 10_000),
    st.sampled_from(["set", "delete", "add"]),
    st.sampled_from(EDGE_VALUES),
)
def test_fast_yes_is_always_the_python_validators_yes(index, where, action, value) -> None:
    schema, original = DOCUMENTS[index]
    paths = _paths(original)
    data = _mutate(original, paths[where % len(paths)], action, value)
    if known_valid(data, schema):
        assert _python_valid(data, schema), json.dumps(data, default=str)[:300]


@pytest.mark.parametrize(
    "value",
    ["2020-01-01", "0000-01-01", "2021-02-29", "2020-02-29", "20200101", "2020-01-01\n", 7],
)
def test_date_format_is_the_python_validators(value: object) -> None:
    from jsonschema import Draft202012Validator

    assert is_date(value) == Draft202012Validator.FORMAT_CHECKER.conforms(value, "date")


def test_without_jsonschema_rs_the_python_validator_decides_alone(monkeypatch) -> None:
    """A platform without a jsonschema-rs wheel loses speed, not findings."""
    import sys

    from atlaslint.checks.schema import validate
    from atlaslint.checks.sink import Sink
    from atlaslint.documents.source import decode

    monkeypatch.setitem(sys.modules, "jsonschema_rs", None)  # import fails
    fast_validity.cache_clear()
    try:
        assert fast_validity("metadata.schema.json") is None
        assert not known_valid({}, "metadata.schema.json")
        doc = load_yaml(decode("metadata.yaml", b"title: X\nstatus: drafty\n"))
        sink = Sink()
        validate(doc, "metadata.schema.json", sink)
        assert "schema/enum" in {d.rule for d in sink.items}
    finally:
        fast_validity.cache_clear()
