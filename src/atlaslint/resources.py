"""Where the packaged data lives: ``schemas/`` and ``rules/``.

In a wheel they are installed as ``atlaslint/_data/``; in a source checkout
(editable install, tests) they are the top-level folders of the repository.
"""

from __future__ import annotations

import functools
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def data_dir(name: str) -> Path:
    """The folder holding packaged ``schemas`` or ``rules``."""
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parent.parent / name
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"atlaslint data folder '{name}' is missing from the installation")


def schema_path(name: str) -> Path:
    return data_dir("schemas") / name


def rules_path(name: str) -> Path:
    return data_dir("rules") / name


@functools.cache
def load_data_yaml(name: str) -> object:
    """Load one of our own packaged YAML files (trusted, small; read once per process)."""
    return read_data_yaml(rules_path(name))


def read_data_yaml(path: Path) -> object:
    """A packaged YAML file's data, through the loader the documents use: plain
    values, no tags, about ten times faster here than ruamel's own constructor
    (a test holds the two equal on every packaged file). A file that loader
    refuses (it never should be) is read by ruamel instead."""
    from atlaslint.documents.source import SourceFile
    from atlaslint.documents.yaml_loader import load_yaml

    text = path.read_text(encoding="utf-8")
    doc = load_yaml(SourceFile(str(path), None, text))
    if doc.problems:
        from ruamel.yaml import YAML

        return YAML(typ="safe", pure=False).load(text)
    return doc.data
