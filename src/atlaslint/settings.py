"""Resolved settings: what a run does, after config files and command-line options.

Plain, picklable data: worker processes receive it whole, and its fingerprint
keys the cache.
"""

from __future__ import annotations

import fnmatch
import functools
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from atlaslint.diagnostics import Severity
from atlaslint.digest import blake2b
from atlaslint.documents.source import DEFAULT_MAX_BYTES
from atlaslint.registry import Registry

DEFAULT_INCLUDE = (
    "**/SOUL.md",
    "**/metadata.yaml",
    "**/*.framework.yaml",
    "**/*.framework.yml",
    "**/*.record.json",
    "**/records/*.json",
)
ALWAYS_SKIPPED = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        ".venv",
        "venv",
        "node_modules",
        "__pycache__",
        ".atlaslint_cache",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)


def matches(selector: str, rule: str) -> bool:
    """Does a selector (``ALL``, a family, a prefix, or an id) cover ``rule``?"""
    selector = selector.rstrip("/")
    if selector in ("ALL", "*"):
        return True
    return rule == selector or rule.startswith(selector + "/")


def _specificity(selector: str) -> int:
    return 0 if selector in ("ALL", "*") else selector.count("/") + 1


@dataclass
class Settings:
    """Everything that decides which rules run and how findings are judged."""

    root: Path = field(default_factory=Path.cwd)
    config_path: Path | None = None
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fail_on: str = "error"
    max_file_size: int = DEFAULT_MAX_BYTES
    rule_packs: tuple[str, ...] = ()
    cache_dir: str | None = None
    min_per_level: int = 1
    languagetool: dict = field(default_factory=dict)
    force_exclude: bool = False
    sources: dict[str, str] = field(default_factory=dict)
    jobs: int = 0
    """Worker processes (0: one per core); never changes a result."""
    cache: bool = True
    """Reuse and store per-unit results in ``cache_dir`` (``--no-cache`` turns it off)."""

    @functools.cached_property
    def registry(self) -> Registry:
        from atlaslint.registry import default_registry

        registry = Registry(default_registry(stored=self.cache).all())
        try:
            from atlaslint.phrases.loading import add_packs
        except ImportError:  # prose rules not installed in this build
            return registry
        add_packs(registry, self.rule_packs, stored=self.cache)
        return registry

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state.pop("registry", None)
        return state

    def enabled(self, rule: str) -> bool:
        """Selected and not ignored; the most specific selector wins."""
        best_select = max((_specificity(s) for s in self.select if matches(s, rule)), default=-1)
        best_ignore = max((_specificity(s) for s in self.ignore if matches(s, rule)), default=-1)
        if best_select < 0 or best_ignore >= best_select:
            return False
        return self.severity_of(rule, Severity.INFO) is not None

    def severity_of(self, rule: str, default: Severity) -> Severity | None:
        """The configured severity (the most specific override), ``None`` when 'off'."""
        chosen, best = None, -1
        for selector, value in self.severity.items():
            if matches(selector, rule) and _specificity(selector) > best:
                chosen, best = value, _specificity(selector)
        if chosen is None:
            return default
        return None if chosen == "off" else Severity.parse(chosen)

    def ignored_in_file(self, rule: str, relative: str) -> bool:
        for pattern, rules in self.per_file_ignores.items():
            if fnmatch.fnmatch(relative, pattern) and any(matches(r, rule) for r in rules):
                return True
        return False

    @property
    def fail_level(self) -> Severity:
        return Severity.parse(self.fail_on)

    def fingerprint(self) -> str:
        """A hash of everything that changes per-file results (for the cache key)."""
        state = asdict(self)
        for volatile in ("root", "config_path", "sources", "fail_on", "cache_dir", "force_exclude"):
            state.pop(volatile, None)
        for volatile in ("jobs", "cache"):  # how a run goes, never what it finds
            state.pop(volatile, None)
        return blake2b(json.dumps(state, sort_keys=True, default=str).encode()).hexdigest()
