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
    from ruamel.yaml import YAML

    return YAML(typ="safe", pure=False).load(rules_path(name).read_text(encoding="utf-8"))
