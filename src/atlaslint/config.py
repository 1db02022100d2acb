"""Configuration: discovery, loading, and validation against our own schema.

``.atlaslint.yaml`` or ``[tool.atlaslint]`` in ``pyproject.toml``, found by
walking up from the checked paths (``--config`` overrides). A bad config stops
the run with exit 2 naming file, line and key.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from atlaslint.checks.schema import validate
from atlaslint.checks.sink import Sink
from atlaslint.documents.data import DataDocument, Located
from atlaslint.documents.source import read_source
from atlaslint.documents.yaml_loader import load_yaml
from atlaslint.fsutil import real_path
from atlaslint.positions import Span
from atlaslint.settings import Settings

CONFIG_NAMES = (".atlaslint.yaml", ".atlaslint.yml", "pyproject.toml")


class ConfigError(Exception):
    """A configuration problem: printed as one line, exit code 2."""


@dataclass
class ConfigFile:
    path: Path
    data: dict


def _has_tool_table(path: Path) -> bool:
    try:
        return "[tool.atlaslint" in path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def find_config(start: Path) -> Path | None:
    """The nearest config file at or above ``start``."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_NAMES:
            path = candidate / name
            if path.is_file() and (name != "pyproject.toml" or _has_tool_table(path)):
                return path
    return None


def git_root(start: Path) -> Path | None:
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _toml_positions(text: str, data: dict) -> DataDocument:
    """Approximate key positions inside ``[tool.atlaslint]`` for error messages
    (tomllib reports no positions)."""
    from atlaslint.documents.source import SourceFile

    source = SourceFile("pyproject.toml", None, text)
    doc = DataDocument(source, data)
    lines = text.split("\n")
    table: tuple[str, ...] | None = None
    for number, line in enumerate(lines, start=1):
        header = re.match(r"\s*\[([^\[\]]+)\]\s*$", line)
        if header:
            parts = tuple(p.strip().strip('"') for p in header.group(1).split("."))
            table = parts[2:] if parts[:2] == ("tool", "atlaslint") else None
            if table is not None:
                doc.positions[table] = Located(Span(number, 1, number, len(line) + 1))
            continue
        if table is None:
            continue
        key = re.match(r'\s*("?)([\w\-*./]+)\1\s*=', line)
        if key:
            start = key.start(2) + 1
            span = Span(number, start, number, start + len(key.group(2)))
            doc.positions[(*table, key.group(2))] = Located(span, span)
    doc.positions.setdefault((), Located(Span.point(1, 1)))
    return doc


def load_config(
    path: Path, memo: Callable[[dict], Path | None] | None = None
) -> tuple[dict, DataDocument]:
    """Read and schema-check one config file; raises :class:`ConfigError`.

    ``memo(data)`` names the cache folder where a config that passed is marked, so
    that the same text is not validated (nor jsonschema imported) again.
    """
    if path.name == "pyproject.toml":
        try:
            import tomllib
        except ImportError:  # Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        try:
            text = path.read_text(encoding="utf-8")
            data = tomllib.loads(text).get("tool", {}).get("atlaslint", {})
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read config: {exc}") from None
        doc = _toml_positions(text, data)
        doc.source.path = str(path)
    else:
        doc = load_yaml(read_source(str(path), path))
        if doc.problems:
            first = doc.problems[0]
            raise ConfigError(f"{path}:{first.span.line}:{first.span.column}: {first.message}")
        data = doc.data if doc.data is not None else {}
        if not isinstance(data, dict):
            raise ConfigError(f"{path}:1:1: config must be a mapping")
    from atlaslint import cache

    folder = memo(data) if memo is not None else None
    text = doc.source.text or ""
    if folder is not None and cache.config_known_valid(folder, path, text):
        return data, doc
    sink = Sink()
    validate(doc, "config.schema.json", sink)
    if sink.items:
        first = sorted(sink.items, key=lambda d: d.sort_key())[0]
        raise ConfigError(
            f"{path}:{first.span.line}:{first.span.column}: invalid config: {first.message}"
        )
    if folder is not None:
        cache.remember_valid_config(folder, path, text)
    return data, doc


def _atlas_folder(path: Path) -> Path:
    """The folder a named path belongs to: a profile's files and folder count as
    the folder holding the profile, so its siblings are in view."""
    folder = path if path.is_dir() else path.parent
    if (folder / "SOUL.md").is_file() or (folder / "metadata.yaml").is_file():
        return folder.parent
    return folder


def project_root(config_path: Path | None, paths: Sequence[Path]) -> Path:
    """The folder holding the config, else the git work tree, else the common parent."""
    if config_path is not None:
        return config_path.parent.resolve()
    resolved = [_atlas_folder(real_path(p)) for p in paths] or [Path.cwd().resolve()]
    found = git_root(resolved[0])
    if found is not None and all(found in (p, *p.parents) for p in resolved):
        return found
    common = Path(os.path.commonpath([str(p) for p in resolved]))
    return common if common.is_dir() else common.parent


def resolve_settings(
    paths: Sequence[Path],
    config: Path | None = None,
    overrides: dict[str, Any] | None = None,
) -> Settings:
    """Settings from the discovered (or given) config file plus command-line overrides."""
    if config is None:
        start = real_path(paths[0]) if paths else Path.cwd()
        config = find_config(start if start.exists() else Path.cwd())
    elif not config.is_file():
        raise ConfigError(f"{config}: config file not found")
    data: dict = {}
    doc: DataDocument | None = None
    if config is not None:
        from atlaslint.cache import config_memo_folder

        chosen = config
        data, doc = load_config(
            config, lambda data: config_memo_folder(chosen, data, overrides or {})
        )
    settings = Settings(root=project_root(config, list(paths)), config_path=config)
    origin = str(config) if config else "default"
    for key, value in data.items():
        _apply(settings, key, value)
        settings.sources[key] = origin
    for key, value in (overrides or {}).items():
        if value is None or value == ():
            continue
        _apply(settings, key, value)
        settings.sources[key] = "command line"
    if config is not None and settings.rule_packs:
        settings.rule_packs = tuple(str((config.parent / p).resolve()) for p in settings.rule_packs)
    if config is not None and doc is not None:
        check_references(settings, data, doc, config)
    return settings


def check_references(settings: Settings, data: dict, doc: DataDocument, path: Path) -> None:
    """What the schema cannot know: rule ids and families exist, rule-pack folders exist.

    Raises :class:`ConfigError` at the offending entry's line, naming the key.
    """

    def fail(where: tuple, key: str, message: str) -> None:
        span = doc.value_span(where)
        raise ConfigError(f"{path}:{span.line}:{span.column}: invalid config: {key}: {message}")

    for i, (given, resolved) in enumerate(
        zip(data.get("rule-packs") or (), settings.rule_packs, strict=True)
    ):
        if not Path(resolved).is_dir():
            fail(("rule-packs", i), "rule-packs", f"folder '{given}' does not exist")
    registry = settings.registry
    for key in ("select", "ignore", "extend-select", "extend-ignore"):
        for i, selector in enumerate(data.get(key) or ()):
            if not registry.known_selector(selector):
                fail((key, i), key, f"unknown rule or family '{selector}' (see 'atlaslint rules')")
    for selector in data.get("severity") or {}:
        if not registry.known_selector(selector):
            span = doc.key_span(("severity", selector))
            raise ConfigError(
                f"{path}:{span.line}:{span.column}: invalid config: severity: "
                f"unknown rule or family '{selector}' (see 'atlaslint rules')"
            )
    for pattern, rules in (data.get("per-file-ignores") or {}).items():
        for i, selector in enumerate(rules):
            if not registry.known_selector(selector):
                fail(
                    ("per-file-ignores", pattern, i),
                    f"per-file-ignores.{pattern}",
                    f"unknown rule or family '{selector}' (see 'atlaslint rules')",
                )


def _apply(settings: Settings, key: str, value: Any) -> None:
    name = key.replace("-", "_")
    if name == "levels":
        settings.min_per_level = int(value.get("min-per-level", settings.min_per_level))
    elif name == "per_file_ignores":
        settings.per_file_ignores = {k: tuple(v) for k, v in value.items()}
    elif name in ("include", "exclude", "select", "ignore", "rule_packs"):
        setattr(settings, name, tuple(value))
    elif name in ("extend_select",):
        settings.select = (*settings.select, *value)
    elif name in ("extend_ignore",):
        settings.ignore = (*settings.ignore, *value)
    elif name == "languagetool_url":  # --languagetool-url / ATLASLINT_LANGUAGETOOL_URL
        settings.languagetool = {**settings.languagetool, "url": value}
    else:
        setattr(settings, name, value)
