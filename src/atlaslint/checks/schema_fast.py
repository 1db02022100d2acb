"""A fast first answer to "is this document valid?", from jsonschema-rs.

Nearly every document a run sees is valid, and the Python validator spends most
of a framework's checking time proving it (it builds a validator object per
subschema it descends into). jsonschema-rs answers the same question in Rust,
about fifty times faster. Only its *yes* is trusted: a document it finds valid
has no schema findings; any other answer - invalid, or a value JSON has no type
for (a date the YAML loader made from an unquoted date) - goes to the Python
validator, which alone writes the findings, so messages and positions never
depend on which library ran.

A yes must mean the same as the Python validator's, so the fast path is used
only for schemas whose every keyword both implement alike (JSON Schema 2020-12,
tested against the official suite by both projects) and whose ``format``s are
ones checked here by the very function jsonschema uses; ``$ref``s resolve among
the packaged schemas only, and anything else is refused, never fetched.
A test compares the two on mutated real documents.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from collections.abc import Callable
from typing import Any

from atlaslint.resources import data_dir

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def is_date(value: object) -> bool:
    """jsonschema's ``date`` format check, exactly (``jsonschema._format.is_date``)."""
    if not isinstance(value, str):
        return True
    try:
        return bool(_DATE.fullmatch(value) and dt.date.fromisoformat(value))
    except ValueError:
        return False


FORMATS: dict[str, Callable[[object], bool]] = {"date": is_date}
"""The formats the fast path checks, each as the Python validator checks it."""


@functools.cache
def packaged_schemas() -> dict[str, dict]:
    """Every packaged schema by file name, read once per process (both validators
    and the ``$ref`` registry are built from these)."""
    folder = data_dir("schemas")
    return {
        path.name: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(folder.glob("*.schema.json"))
    }


def keyword_values(node: Any, keyword: str) -> list[str]:
    """Every string value of ``keyword`` anywhere in a schema, found without recursion."""
    found, stack = [], [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            value = item.get(keyword)
            if isinstance(value, str):
                found.append(value)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _refuse(uri: str) -> Any:
    raise ValueError(f"atlaslint never fetches schemas ({uri})")


@functools.cache
def fast_validity(name: str) -> Callable[[Any], bool] | None:
    """``is_valid`` of a packaged schema in jsonschema-rs, or ``None`` when the fast
    path cannot stand in for the Python validator (not installed, a format it does
    not check as jsonschema does, a schema it cannot compile)."""
    try:
        import jsonschema_rs
    except ImportError:
        return None
    schemas = packaged_schemas()
    schema = schemas.get(name)
    if schema is None or not set(keyword_values(schema, "format")) <= FORMATS.keys():
        return None
    resources = [(s.get("$id", n), s) for n, s in schemas.items()]
    try:
        registry = jsonschema_rs.Registry(resources, retriever=_refuse)
        compiled = jsonschema_rs.validator_for(
            schema,
            registry=registry,
            retriever=_refuse,
            validate_formats=True,
            formats=FORMATS,
        )
    except Exception:  # a schema it cannot compile: the Python validator decides alone
        return None
    return compiled.is_valid


def known_valid(data: Any, name: str) -> bool:
    """True only when ``data`` is certainly valid against the packaged schema ``name``."""
    check = fast_validity(name)
    if check is None:
        return False
    try:
        return bool(check(data))
    except Exception:  # a value JSON has no type for (a date, NaN): not known here
        return False
