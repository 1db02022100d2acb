"""Schemas resolve ``$ref`` only among the packaged schemas: a remote one is an error,
never a network fetch."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from atlaslint.checks import schema
from atlaslint.checks.schema_fast import keyword_values
from atlaslint.resources import data_dir


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach the network fails the test."""

    def refuse(*args: object, **_kwargs: object) -> None:
        pytest.fail(f"atlaslint tried to reach the network: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(urllib.request, "urlopen", refuse)


@pytest.mark.parametrize(
    "ref",
    [
        "https://example.com/evil.schema.json",
        "http://169.254.169.254/latest/meta-data#/x",
        "file:///etc/passwd",
        "../../../etc/passwd",
        "other.schema.json#/$defs/x",
    ],
)
def test_a_remote_ref_is_an_error_before_validation(ref: str, no_network: None) -> None:
    bad = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"a": {"$ref": ref}},
    }
    with pytest.raises(schema.RemoteRefError, match="outside the packaged schemas"):
        schema.compile_schema(bad, "bad.schema.json")


def test_the_registry_itself_never_fetches(no_network: None) -> None:
    """Even a validator built around our check refuses to retrieve the URI."""
    from jsonschema import Draft202012Validator
    from referencing.exceptions import Unresolvable

    validator = Draft202012Validator(
        {"$ref": "https://example.com/evil.schema.json"}, registry=schema._registry()
    )
    with pytest.raises(Unresolvable):
        validator.validate({"a": 1})


@pytest.mark.parametrize("name", sorted(p.name for p in data_dir("schemas").glob("*.json")))
def test_packaged_schemas_reference_only_each_other(name: str, no_network: None) -> None:
    contents = json.loads((data_dir("schemas") / name).read_text(encoding="utf-8"))
    schema.compile_schema(contents, name)
    resolver = schema._registry().resolver(base_uri=contents["$id"])
    refs = keyword_values(contents, "$ref")
    for ref in refs:  # every reference resolves, offline
        assert resolver.lookup(ref).contents is not None, ref
