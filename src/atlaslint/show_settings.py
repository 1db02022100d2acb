"""``atlaslint config``: the resolved settings, each with where it came from.

Keys are shown as they are written in a config file, so a user can copy a line
into ``.atlaslint.yaml`` or ``[tool.atlaslint]``.
"""

from __future__ import annotations

import json
from typing import Any

from atlaslint.settings import Settings

# (key as written in config, Settings attribute, keys under which sources are recorded)
KEYS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("include", "include", ("include",)),
    ("exclude", "exclude", ("exclude",)),
    ("force-exclude", "force_exclude", ("force-exclude", "force_exclude")),
    ("select", "select", ("select", "extend-select")),
    ("ignore", "ignore", ("ignore", "extend-ignore")),
    ("severity", "severity", ("severity",)),
    ("per-file-ignores", "per_file_ignores", ("per-file-ignores", "per_file_ignores")),
    ("fail-on", "fail_on", ("fail-on", "fail_on")),
    ("max-file-size", "max_file_size", ("max-file-size", "max_file_size")),
    ("rule-packs", "rule_packs", ("rule-packs", "rule_packs")),
    ("cache-dir", "cache_dir", ("cache-dir", "cache_dir")),
    ("levels.min-per-level", "min_per_level", ("levels",)),
    ("languagetool", "languagetool", ("languagetool",)),
)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def describe(settings: Settings) -> list[tuple[str, Any, str]]:
    """``(key, value, source)`` rows; source is a config file, 'command line' or 'default'."""
    rows = []
    for key, attribute, recorded in KEYS:
        source = next((settings.sources[k] for k in recorded if k in settings.sources), "default")
        rows.append((key, _plain(getattr(settings, attribute)), source))
    return rows


def render_json(settings: Settings) -> str:
    doc = {
        "config_file": str(settings.config_path) if settings.config_path else None,
        "root": str(settings.root),
        "settings": {key: {"value": v, "source": src} for key, v, src in describe(settings)},
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_text(settings: Settings) -> str:
    rows = describe(settings)
    width = max(len(key) for key, _, _ in rows)
    lines = [
        f"config file: {settings.config_path or '(none found; defaults)'}",
        f"project root: {settings.root}",
        "",
    ]
    for key, value, source in rows:
        shown = json.dumps(value, ensure_ascii=False)
        lines.append(f"{key:<{width}} = {shown}    # {source}")
    return "\n".join(lines) + "\n"
