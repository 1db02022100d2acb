"""Phrase rules as data: rule packs of word lists compiled to safe regexes.

The bias and style families are lists of phrases, not code, so they live in
``rules/*.yaml``; this package loads those packs, validates them and finds
their phrases in text.  Callers (the checks) decide which text is prose,
headings, metadata or framework and map offsets back to lines.
"""

from __future__ import annotations

from .pack import (
    DEFAULT_SCOPE,
    SCOPES,
    Hit,
    Pack,
    PackError,
    PhraseRule,
    Term,
    builtin_pack_paths,
    default_schema_path,
    is_rule_pack,
    load_builtin_packs,
    load_pack,
    load_packs,
    pack_paths,
)
from .patterns import (
    TemplateError,
    apply_case,
    compile_templates,
    parse_template,
    template_regex,
    text_vocabulary,
)

__all__ = [
    "DEFAULT_SCOPE",
    "SCOPES",
    "Hit",
    "Pack",
    "PackError",
    "PhraseRule",
    "TemplateError",
    "Term",
    "apply_case",
    "builtin_pack_paths",
    "compile_templates",
    "default_schema_path",
    "is_rule_pack",
    "load_builtin_packs",
    "load_pack",
    "load_packs",
    "pack_paths",
    "parse_template",
    "template_regex",
    "text_vocabulary",
]
