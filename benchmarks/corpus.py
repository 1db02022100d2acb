"""Synthetic atlases of N profiles, made from real-shaped content.

Each generated profile is a copy of a real one (from ``../shared/corpus`` when it
is there, else from ``examples/``) with its slug, title, aliases and H1 varied, so
that slugs and titles stay unique and cross-file rules see a coherent atlas:
most ``related`` slugs point at profiles that exist, a few do not (as in a real
atlas), and one framework in fifty profiles names a profile of the atlas.

Corpora are cached under ``benchmarks/.corpus/`` and only regenerated when the
size, the sample or this generator changes.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zlib
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

GENERATOR_VERSION = 2
HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS_HOME = HERE / ".corpus"
PROFILES_PER_FRAMEWORK = 50
UNKNOWN_EVERY = 50
"""One related link in this many names a profile that does not exist."""

_TOP_KEY = re.compile(r"^[A-Za-z_][\w-]*:", re.MULTILINE)
_SLUG_VALUE = re.compile(r"(\bslug:\s*)(['\"]?)([a-z0-9]+(?:-[a-z0-9]+)*)\2")


@dataclass
class Template:
    """One real profile, as text with what must vary per copy."""

    slug: str
    title: str
    aliases: list[str]
    soul: str
    meta: str


def sample_folder() -> Path:
    """The real corpus beside the repository, else the bundled examples."""
    shared = REPO.parent / "shared" / "corpus"
    return shared if (shared / "souls").is_dir() else REPO / "examples"


def describe_sample(folder: Path | None = None) -> str:
    """Where the atlases' profiles are copied from, for the top of a report: figures
    from atlases made of the one bundled example (a checkout with no
    ``../shared/corpus`` beside it) are not comparable with those made of the real
    profiles."""
    folder = folder or sample_folder()
    count = len(load_templates(folder))
    line = f"profiles copied from {folder} ({count} real profile{'s' if count != 1 else ''})"
    if folder == REPO / "examples":
        line += (
            "; ../shared/corpus is absent, so these atlases are not those made from"
            " the real corpus and their figures are not comparable with them"
        )
    return line


def fingerprint_of(root: Path) -> str | None:
    """The fingerprint a generated atlas was made with (its profiles, size and this
    generator): two results are comparable only for atlases of equal fingerprints."""
    try:
        return str(json.loads((root / ".generated.json").read_text())["fingerprint"])
    except (OSError, ValueError, KeyError):
        return None


def load_templates(folder: Path) -> list[Template]:
    """Every profile under ``folder`` whose metadata parses and names a slug and title."""
    yaml = YAML(typ="safe", pure=False)
    out: list[Template] = []
    for meta_path in sorted(folder.rglob("metadata.yaml")):
        soul_path = meta_path.with_name("SOUL.md")
        if not soul_path.is_file():
            continue
        meta = meta_path.read_text(encoding="utf-8")
        data = yaml.load(meta)
        if not isinstance(data, dict) or not data.get("slug") or not data.get("title"):
            continue
        aliases = [a for a in data.get("aliases") or [] if isinstance(a, str)]
        out.append(
            Template(
                str(data["slug"]),
                str(data["title"]),
                aliases,
                soul_path.read_text(encoding="utf-8"),
                meta,
            )
        )
    if not out:
        raise SystemExit(f"no profiles to sample under {folder}")
    return out


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _region(text: str, key: str) -> tuple[int, int]:
    """Offsets of a top-level key's block (from its line to the next top-level key)."""
    match = re.search(rf"^{re.escape(key)}:", text, re.MULTILINE)
    if match is None:
        return 0, 0
    following = _TOP_KEY.search(text, match.end())
    return match.start(), following.start() if following else len(text)


def _suffixed(title: str, block: int) -> str:
    if block == 0:
        return title
    tail = f" {block}"
    return title[: 80 - len(tail)] + tail


def slug_of(template: Template, block: int) -> str:
    return template.slug if block == 0 else f"{template.slug}-v{block}"


def render(
    template: Template,
    block: int,
    index: int,
    slug_for: dict[str, str],
    all_slugs: list[str],
    existing: set[str],
) -> tuple[str, str]:
    """The SOUL.md and metadata.yaml of copy ``block`` of ``template``."""
    slug = slug_of(template, block)
    title = _suffixed(template.title, block)
    meta = template.meta
    meta = re.sub(r"^title:.*$", lambda _: f"title: {_quote(title)}", meta, count=1, flags=re.M)
    meta = re.sub(r"^slug:.*$", lambda _: f"slug: {_quote(slug)}", meta, count=1, flags=re.M)
    start, end = _region(meta, "aliases")
    if start < end and template.aliases:
        part = meta[start:end]
        for alias in template.aliases:
            part = part.replace(alias, _suffixed(alias, block), 1)
        meta = meta[:start] + part + meta[end:]
    start, end = _region(meta, "related")
    if start < end:
        counter = [0]

        def link(match: re.Match) -> str:
            counter[0] += 1
            target = match.group(3)
            mixed = zlib.crc32(f"{index}:{counter[0]}:{target}".encode())
            if mixed % UNKNOWN_EVERY == 0:
                new = f"{target}-retired-{index}"
            elif target in slug_for:
                new = slug_for[target] if block == 0 else f"{target}-v{block}"
                if new not in existing:  # this block is short of that profile
                    new = target
            else:
                new = all_slugs[mixed % len(all_slugs)]
                if new == slug:
                    new = all_slugs[(mixed + 1) % len(all_slugs)]
            return f"{match.group(1)}{match.group(2)}{new}{match.group(2)}"

        meta = meta[:start] + _SLUG_VALUE.sub(link, meta[start:end]) + meta[end:]
    soul = template.soul
    first, _, rest = soul.partition("\n")
    if first.strip() == f"# {template.title}":
        soul = f"# {title}\n{rest}"
    return soul, meta


def _framework_texts() -> list[str]:
    folder = REPO / "examples" / "frameworks"
    return [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.framework.y*ml"))]


def vary_framework(text: str, number: int, profile: str) -> str:
    """A framework copy for another occupation: its title and profile slug changed."""
    text = re.sub(
        r"^(  title:\s*)(.*)$",
        lambda m: f"{m.group(1)}{m.group(2).strip()} {number}",
        text,
        count=1,
        flags=re.M,
    )
    return re.sub(r"^(  profile:\s*).*$", lambda m: m.group(1) + profile, text, count=1, flags=re.M)


def _fingerprint(size: int, templates: list[Template]) -> str:
    digest = hashlib.sha256(f"{GENERATOR_VERSION}:{size}".encode())
    for t in templates:
        digest.update(t.meta.encode())
        digest.update(t.soul.encode())
    for text in _framework_texts():
        digest.update(text.encode())
    return digest.hexdigest()


def generate(size: int, home: Path = CORPUS_HOME, source: Path | None = None) -> Path:
    """The folder of a synthetic atlas of ``size`` profiles (made if missing or stale)."""
    templates = load_templates(source or sample_folder())
    root = home / f"atlas-{size}"
    stamp = root / ".generated.json"
    fingerprint = _fingerprint(size, templates)
    if stamp.is_file():
        try:
            if json.loads(stamp.read_text())["fingerprint"] == fingerprint:
                return root
        except (ValueError, KeyError):
            pass
    if root.exists():
        shutil.rmtree(root)
    souls = root / "souls"
    souls.mkdir(parents=True)
    plan = [(templates[i % len(templates)], i // len(templates)) for i in range(size)]
    all_slugs = [slug_of(t, b) for t, b in plan]
    existing = set(all_slugs)
    slug_for = {t.slug: t.slug for t in templates}
    for index, (template, block) in enumerate(plan):
        soul, meta = render(template, block, index, slug_for, all_slugs, existing)
        folder = souls / slug_of(template, block)
        folder.mkdir()
        (folder / "SOUL.md").write_text(soul, encoding="utf-8")
        (folder / "metadata.yaml").write_text(meta, encoding="utf-8")
    frameworks = _framework_texts()
    if frameworks:
        (root / "frameworks").mkdir()
        for number in range(max(1, size // PROFILES_PER_FRAMEWORK)):
            text = frameworks[number % len(frameworks)]
            profile = all_slugs[(number * PROFILES_PER_FRAMEWORK) % len(all_slugs)]
            name = f"occupation-{number:05d}.framework.yaml"
            (root / "frameworks" / name).write_text(
                vary_framework(text, number, profile), encoding="utf-8"
            )
    (root / ".atlaslint.yaml").write_text(
        "# Synthetic atlas for the benchmarks (see benchmarks/corpus.py).\nexclude: []\n",
        encoding="utf-8",
    )
    stamp.write_text(json.dumps({"fingerprint": fingerprint, "size": size}))
    return root
