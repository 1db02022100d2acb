"""The real corpus is valid: no errors anywhere, and only the warnings we stand behind."""

from __future__ import annotations

from collections import Counter


def test_real_corpus_has_no_errors(corpus_dir, cli):
    run = cli("check", str(corpus_dir), "--format", "json")
    errors = [d for d in run.diagnostics if d["severity"] == "error"]
    assert errors == []
    assert run.exit_code == 0
    assert run.json["summary"]["files"] == 158


def test_real_corpus_structure_is_clean(corpus_dir, cli):
    run = cli("check", str(corpus_dir), "--format", "json", "--select", "syntax,schema,structure")
    assert Counter(d["rule"] for d in run.diagnostics) == Counter()
