"""The rule registry: every rule's id, default severity and documentation.

Built-in rules are described as data in ``rules/builtin/*.yaml`` (the code in
``checks/`` implements them); phrase rules come from rule packs. ``atlaslint
rules``, ``explain``, SARIF and the README's reference all read this one list.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path

from atlaslint.diagnostics import Severity
from atlaslint.resources import data_dir

DYNAMIC_FAMILIES = ("grammar/",)
"""Families whose ids are made at run time (LanguageTool rule ids)."""


@dataclass(frozen=True)
class RuleInfo:
    """What a rule checks and why, as shown by ``atlaslint rules`` and ``explain``."""

    id: str
    severity: Severity
    summary: str
    why: str = ""
    bad: str = ""
    good: str = ""
    origin: str = "builtin"
    fixable: bool = False

    @property
    def family(self) -> str:
        return self.id.split("/", 1)[0]


class Registry:
    """Rules by id; unknown ids of dynamic families get a generic entry."""

    def __init__(self, rules: list[RuleInfo]) -> None:
        self._rules = {rule.id: rule for rule in rules}

    def add(self, rule: RuleInfo) -> None:
        self._rules[rule.id] = rule

    def __contains__(self, rule_id: str) -> bool:
        return rule_id in self._rules or rule_id.startswith(DYNAMIC_FAMILIES)

    def get(self, rule_id: str) -> RuleInfo:
        found = self._rules.get(rule_id)
        if found is not None:
            return found
        if rule_id.startswith(DYNAMIC_FAMILIES):
            family = rule_id.split("/", 1)[0] + "/*"
            documented = self._rules.get(family)  # rules/builtin/<family>.yaml documents it
            if documented is not None:
                return replace(documented, id=rule_id)
            return RuleInfo(rule_id, Severity.WARNING, "LanguageTool match", origin="LanguageTool")
        raise KeyError(rule_id)

    def severity(self, rule_id: str) -> Severity:
        return self.get(rule_id).severity

    def all(self) -> list[RuleInfo]:
        return sorted(self._rules.values(), key=lambda r: r.id)

    def families(self) -> set[str]:
        return {r.family for r in self._rules.values()} | {f.rstrip("/") for f in DYNAMIC_FAMILIES}

    def known_selector(self, selector: str) -> bool:
        """Is ``selector`` a rule id, a family, or a family prefix like ``bias/``?"""
        selector = selector.rstrip("/")
        return selector in ("ALL", "*") or selector in self or selector in self.families()


RULES_PREFIX = "rules-"

_builtin: tuple[RuleInfo, ...] | None = None


def builtin_rules(stored: bool = False) -> tuple[RuleInfo, ...]:
    """Rules described in ``rules/builtin/*.yaml``, read once per process; kept ready
    in the user's cache folder across runs when ``stored`` (a check run, unless
    ``--no-cache`` or ``ATLASLINT_NO_CACHE``: reading the YAML took 4 ms of every
    start, see :mod:`atlaslint.prepared`). The first call decides; the rules are
    the same either way."""
    global _builtin
    if _builtin is None:
        from atlaslint.cache import cache_disabled_by_env
        from atlaslint.prepared import kept

        _builtin = kept(
            RULES_PREFIX,
            _builtin_rule_paths(),
            [Path(__file__)],
            _read_builtin_rules,
            _valid_rules,
            stored and not cache_disabled_by_env(),
        )
    return _builtin


def _builtin_rule_paths() -> list[Path]:
    return sorted((data_dir("rules") / "builtin").glob("*.yaml"))


def _read_builtin_rules() -> tuple[RuleInfo, ...]:
    from atlaslint.resources import read_data_yaml

    rules: list[RuleInfo] = []
    for path in _builtin_rule_paths():
        pack = read_data_yaml(path)
        for entry in pack["rules"]:
            rules.append(
                RuleInfo(
                    id=entry["id"],
                    severity=Severity.parse(entry["severity"]),
                    summary=entry["summary"],
                    why=entry.get("why", ""),
                    bad=entry.get("bad", ""),
                    good=entry.get("good", ""),
                    origin=f"builtin ({path.name})",
                    fixable=bool(entry.get("fixable", False)),
                )
            )
    return tuple(rules)


def _valid_rules(found: object) -> bool:
    return isinstance(found, tuple) and all(isinstance(rule, RuleInfo) for rule in found)


@functools.cache
def default_registry(stored: bool = False) -> Registry:
    """The built-in rules (rule packs are added by the engine per configuration);
    ``stored`` as for :func:`builtin_rules`."""
    return Registry(list(builtin_rules(stored)))
