"""JSON Schema validation with positions and messages a contributor understands.

Schemas are compiled once per process. ``$ref`` resolves only among our own
packaged schemas: a remote reference is an error, never a fetch.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from typing import Any
from urllib.parse import urljoin

from atlaslint.checks.schema_fast import keyword_values, known_valid, packaged_schemas
from atlaslint.checks.sink import Sink
from atlaslint.documents.data import DataDocument, Path_

_RULE_BY_KEYWORD = {
    "required": "schema/required",
    "additionalProperties": "schema/unknown-field",
    "unevaluatedProperties": "schema/unknown-field",
    "enum": "schema/enum",
    "type": "schema/type",
    "minLength": "schema/length",
    "maxLength": "schema/length",
    "pattern": "schema/pattern",
    "format": "schema/format",
    "uniqueItems": "schema/unique",
    "minimum": "schema/range",
    "maximum": "schema/range",
    "exclusiveMinimum": "schema/range",
    "exclusiveMaximum": "schema/range",
    "minItems": "schema/items",
    "maxItems": "schema/items",
    "const": "schema/const",
}
_TYPE_NAMES = {
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "null",
}


class RemoteRefError(Exception):
    """Raised when a schema names a ``$ref`` outside the packaged schemas."""


@functools.cache
def _registry():
    from referencing import Registry, Resource
    from referencing.exceptions import NoSuchResource

    def refuse(uri: str):
        raise NoSuchResource(ref=uri)

    resources = [
        (contents.get("$id", name), Resource.from_contents(contents))
        for name, contents in packaged_schemas().items()
    ]
    return Registry(retrieve=refuse).with_resources(resources)


@functools.cache
def validator(name: str):
    """The compiled validator of a packaged schema (once per process)."""
    return compile_schema(packaged_schemas()[name], name)


def compile_schema(schema: dict, name: str = "schema"):
    """A validator for ``schema`` whose ``$ref``s all resolve among the packaged schemas.

    A reference anywhere else (``https://...``, a file path) raises
    :class:`RemoteRefError` here, before any validation; and the registry's
    ``retrieve`` refuses every URI, so nothing is ever fetched.
    """
    from jsonschema import Draft202012Validator

    registry = _registry()
    base = schema.get("$id", "")
    for ref in keyword_values(schema, "$ref"):
        target = urljoin(base, ref.split("#", 1)[0]) if base else ref.split("#", 1)[0]
        if target and target != base and target not in registry:
            raise RemoteRefError(
                f"{name}: $ref {ref!r} points outside the packaged schemas; "
                "atlaslint never fetches schemas"
            )
    return Draft202012Validator(
        inline_local_refs(schema),
        registry=registry,
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    )


_ANNOTATIONS = frozenset({"description", "title", "$comment", "examples", "default"})


def inline_local_refs(schema: dict) -> dict:
    """The schema with each local ``{"$ref": "#/$defs/x"}`` replaced by ``x`` itself.

    jsonschema resolves a ``$ref`` through the registry every time an instance
    reaches it: a framework of a few hundred statements pays for thousands of
    look-ups, half its validation time. Replacing a reference by its (identical)
    target changes nothing a check sees (the same keywords, in the same order,
    with ``error.schema`` the very same subschema), so only references beside
    nothing but annotations are inlined, and never one that leads back to itself.
    """
    defs = schema.get("$defs")
    if not isinstance(defs, dict):
        return schema

    def target(node: dict) -> str | None:
        ref = node.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/$defs/"):
            return None
        name = ref[len("#/$defs/") :]
        if "/" in name or "~" in name or name not in defs:
            return None
        if any(key != "$ref" and key not in _ANNOTATIONS for key in node):
            return None
        return name

    resolved: dict[str, Any] = {}

    def walk(node: Any, trail: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [walk(item, trail) for item in node]
        if not isinstance(node, dict):
            return node
        name = target(node)
        if name is not None:
            if name in trail:  # recursive: keep the reference
                return node
            if name not in resolved:
                resolved[name] = walk(defs[name], (*trail, name))
            return resolved[name]
        return {key: walk(value, trail) for key, value in node.items()}

    return walk(schema, ())


def field_name(path: Path_) -> str:
    """``related[2].slug`` from ``("related", 2, "slug")``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "the document"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value) if len(value) <= 60 else repr(value[:57] + "...")
    return json.dumps(value, default=str)


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _closest(value: Any, options: list[Any]) -> str | None:
    strings = [str(o) for o in options if o is not None]
    if not isinstance(value, str):
        return None
    lowered = {s.lower(): s for s in strings}
    if value.lower() in lowered:
        return lowered[value.lower()]
    import difflib  # only for a value the schema refused

    match = difflib.get_close_matches(value, strings, n=1, cutoff=0.6)
    return match[0] if match else None


def _leaf(error):
    """Descend anyOf/oneOf to the error that explains the failure best."""
    from jsonschema.exceptions import best_match

    while error.validator in ("anyOf", "oneOf") and error.context:
        # A branch whose type fits the value explains more than "not null".
        fitting = [e for e in error.context if e.validator != "type"]
        deeper = best_match(fitting or error.context)
        if deeper is None:
            break
        error = deeper
    return error


def validate(doc: DataDocument, schema: str, sink: Sink) -> None:
    """Validate ``doc.data`` against a packaged schema; one diagnostic per real problem."""
    if known_valid(doc.data, schema):  # the common case, answered in Rust
        return
    seen: set[tuple] = set()
    for error in validator(schema).iter_errors(doc.data):
        error = _leaf(error)
        path = tuple(error.absolute_path)
        for rule, span, message, suggestion in _describe(doc, error, path):
            key = (rule, span, message)
            if key not in seen:
                seen.add(key)
                sink.emit(doc.path, span, rule, message, suggestion)


def _describe(doc: DataDocument, error, path: Path_):
    """Turn one jsonschema error into (rule, span, message, suggestion) tuples."""
    keyword = error.validator
    rule = _RULE_BY_KEYWORD.get(keyword, "schema/shape")
    name = field_name(path)
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}
    if keyword == "required":
        present = value if isinstance(value, dict) else {}
        first = next(iter(present), None)
        span = doc.key_span((*path, first)) if first is not None else doc.value_span(path)
        for missing in error.validator_value:
            if missing not in present:
                where = "" if not path else f" in {name}"
                yield rule, span, f"missing required field '{missing}'{where}", None
        return
    if keyword in ("additionalProperties", "unevaluatedProperties"):
        allowed = list(schema.get("properties", {}))
        for key in value:
            if key in allowed:
                continue
            guess = _closest(key, allowed)
            hint = f"; did you mean '{guess}'?" if guess else f"; allowed: {', '.join(allowed)}"
            where = f" in {name}" if path else ""
            yield rule, doc.key_span((*path, key)), f"unknown field '{key}'{where}{hint}", guess
        return
    span = doc.value_span(path)
    if keyword == "enum":
        options = error.validator_value
        guess = _closest(value, options)
        listed = ", ".join(str(o) for o in options)
        hint = f"; did you mean '{guess}'?" if guess else ""
        message = f"{name} {_show(value)} is not one of: {listed}{hint}"
        yield rule, span, message, guess
    elif keyword == "type":
        expected = error.validator_value
        expected = expected if isinstance(expected, list) else [expected]
        if isinstance(value, (dt.date, dt.datetime)) and "string" in expected:
            text = value.isoformat()
            message = f"{name} is an unquoted YAML date ({text}); quote it as a string: '{text}'"
            yield rule, span, message, f"'{text}'"
        else:
            wanted = " or ".join(_TYPE_NAMES.get(t, t) for t in expected)
            yield rule, span, f"{name} must be {wanted}, not {_type_of(value)}", None
    elif keyword in ("minLength", "maxLength"):
        limit = error.validator_value
        size = len(value)
        if keyword == "maxLength":
            message = f"{name} is {size} characters long; the most allowed is {limit}"
        else:
            message = f"{name} is {size} characters long; at least {limit} are required"
        yield rule, span, message, None
    elif keyword == "pattern":
        form = "lower-case words joined by hyphens" if "a-z0-9" in error.validator_value else ""
        form = f" ({form})" if form else f" ({error.validator_value})"
        yield rule, span, f"{name} {_show(value)} is not of the required form{form}", None
    elif keyword == "format":
        fmt = error.validator_value
        shown = "a real date written YYYY-MM-DD" if fmt == "date" else fmt
        yield rule, span, f"{name} {_show(value)} is not {shown}", None
    elif keyword == "uniqueItems":
        firsts: dict[str, int] = {}
        for index, item in enumerate(value):
            marker = json.dumps(item, sort_keys=True, default=str)
            if marker in firsts:
                message = (
                    f"{name}[{index}] repeats {_show(item)} (first at {name}[{firsts[marker]}])"
                )
                yield rule, doc.value_span((*path, index)), message, None
            else:
                firsts[marker] = index
    elif keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        limit = error.validator_value
        words = {
            "minimum": f"below the minimum {limit}",
            "maximum": f"above the maximum {limit}",
            "exclusiveMinimum": f"not above {limit}",
            "exclusiveMaximum": f"not below {limit}",
        }[keyword]
        yield rule, span, f"{name} {_show(value)} is {words}", None
    elif keyword in ("minItems", "maxItems"):
        limit = error.validator_value
        count = len(value)
        bound = "at least" if keyword == "minItems" else "at most"
        yield rule, span, f"{name} has {count} item(s); {bound} {limit} are allowed", None
    elif keyword == "const":
        expected = error.validator_value
        yield rule, span, f"{name} must be {_show(expected)}, not {_show(value)}", None
    else:
        description = schema.get("description") or error.message
        yield rule, span, f"{name}: {description}", None
