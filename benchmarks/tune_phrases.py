#!/usr/bin/env python3
"""Run the phrase packs over a corpus and print every hit with context.

Precision is the point of the bias and style packs: a warning a maintainer
would not accept is a bug in the pack.  This script is the tuning loop: run
it, read every hit, rework terms and exceptions, run it again.  It also
times the matching (without extraction) scaled to a 650-profile corpus.

    python benchmarks/tune_phrases.py [CORPUS] [--rule PREFIX] [--counts]
                                      [--pack FILE ...] [--time] [--naive]

CORPUS defaults to ../shared/corpus beside the repository.  --time reports
the matching time (extraction excluded) for 650 profiles' worth of text;
--naive also times one alternation of all terms per rule, for comparison.

Prose is SOUL.md minus fenced code, inline code, URLs, link targets and
HTML comments/tags (masked, so offsets and line numbers stay true), split
into headings and body; plus the string values of metadata.yaml.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from atlaslint.phrases import Pack, PackError, load_pack, load_packs  # noqa: E402
from atlaslint.phrases.pack import builtin_pack_paths  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
MASK = "\u00b7"  # not whitespace, not a word character: breaks phrase matches

_FENCE_RE = re.compile(r"^( {0,3})(`{3,}|~{3,})[^\n]*\n.*?(?:^\1?\2[`~]*[ \t]*$|\Z)", re.M | re.S)
_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_INLINE_CODE_RE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
_URL_RE = re.compile(r"<?\bhttps?://[^\s<>)\]]+>?|\bwww\.[^\s<>)\]]+")
_LINK_TARGET_RE = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][^<>]*>")
# Not prose: identifiers, links, dates; and `aliases`, which exist to list
# the other names (old titles included) a profile should be found by.
_METADATA_SKIP = {
    "aliases",
    "url",
    "repo",
    "slug",
    "tags",
    "license",
    "fetched",
    "created",
    "updated",
    "date",
}


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    def repl(m: re.Match[str]) -> str:
        return "".join(ch if ch == "\n" else MASK for ch in m.group())

    return pattern.sub(repl, text)


def soul_texts(markdown: str) -> dict[str, str]:
    """Split masked SOUL.md into a 'prose' and a 'headings' text, same offsets."""
    text = markdown
    for pattern in (
        _FENCE_RE,
        _COMMENT_RE,
        _INLINE_CODE_RE,
        _URL_RE,
        _LINK_TARGET_RE,
        _HTML_TAG_RE,
    ):
        text = _mask(text, pattern)
    prose_lines, heading_lines = [], []
    for line in text.split("\n"):
        if re.match(r" {0,3}#{1,6}\s", line):
            heading_lines.append(line)
            prose_lines.append(MASK * len(line))
        else:
            prose_lines.append(line)
            heading_lines.append(MASK * len(line))
    return {"prose": "\n".join(prose_lines), "headings": "\n".join(heading_lines)}


def metadata_strings(path: Path) -> list[tuple[str, str]]:
    """(key path, value) for every string value worth reading in metadata.yaml."""
    from ruamel.yaml import YAML

    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    out: list[tuple[str, str]] = []

    def walk(value: object, where: str, key: str) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}" if where else str(k), str(k))
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]", key)
        elif isinstance(value, str) and key not in _METADATA_SKIP:
            out.append((where, value))

    walk(data, "", "")
    return out


def collect(corpus: Path) -> list[tuple[str, str, str]]:
    """(location, scope, text) for every scannable text in the corpus."""
    items: list[tuple[str, str, str]] = []
    profiles = sorted(
        {p.parent for p in corpus.rglob("SOUL.md")}
        | {p.parent for p in corpus.rglob("metadata.yaml")}
    )
    for folder in profiles:
        rel = folder.relative_to(corpus)
        soul = folder / "SOUL.md"
        if soul.is_file():
            for scope, text in soul_texts(soul.read_text(encoding="utf-8")).items():
                items.append((f"{rel}/SOUL.md", scope, text))
        meta = folder / "metadata.yaml"
        if meta.is_file():
            for where, value in metadata_strings(meta):
                items.append((f"{rel}/metadata.yaml:{where}", "metadata", value))
    return items


def count_profiles(corpus: Path) -> int:
    return len(
        {p.parent for p in corpus.rglob("SOUL.md")}
        | {p.parent for p in corpus.rglob("metadata.yaml")}
    )


def _context(text: str, start: int, end: int, width: int) -> str:
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    flat = lambda s: " ".join(s.replace(MASK, " ").split())  # noqa: E731
    return f"…{flat(before)} [[{flat(text[start:end])}]] {flat(after)}…"


Hits = dict[str, list[tuple[str, str]]]


def run(packs: list[Pack], items: list[tuple[str, str, str]]) -> Hits:
    """Rule id -> [(where, context and message)] over every text."""
    hits: Hits = defaultdict(list)
    for location, scope, text in items:
        for pack in packs:
            for rule, hit in pack.scan(text, scope):
                line = text.count("\n", 0, hit.start) + 1
                where = f"{location}:{line}" if scope != "metadata" else location
                context = _context(text, hit.start, hit.end, 40)
                hits[rule.id].append((where, f"{context}  -> {rule.format_message(hit)}"))
    return hits


def _realistic(items: list[tuple[str, str, str]]) -> list[tuple[str, str]]:
    """Texts as a checker passes them: headings as one short text, not masked prose."""
    out: list[tuple[str, str]] = []
    for _loc, scope, text in items:
        if scope == "headings":
            text = "\n".join(line for line in text.split("\n") if line.strip(MASK))
        out.append((scope, text))
    return out


def time_scan(
    packs: list[Pack], items: list[tuple[str, str, str]], profiles: int, target: int = 650
) -> float:
    """CPU seconds to scan ``target`` profiles' worth of text with every rule.

    The corpus is repeated up to ``target`` profiles; CPU time (best of 5)
    keeps the figure stable on a shared machine.
    """
    scale = max(1, round(target / max(profiles, 1)))
    # Fresh string objects per copy, so no per-text cache carries over.
    work = [(scope, text + " ") for _ in range(scale) for scope, text in _realistic(items)]
    best = float("inf")
    for _ in range(5):
        t0 = time.process_time()
        for scope, text in work:
            for pack in packs:
                for _hit in pack.scan(text, scope):
                    pass
        best = min(best, time.process_time() - t0)
    return best * target / (scale * profiles)


def time_naive(
    packs: list[Pack], items: list[tuple[str, str, str]], profiles: int, target: int = 650
) -> float:
    """The same with one IGNORECASE alternation of all terms per rule, no prefilter."""
    rules = [(rule, rule.pattern) for pack in packs for rule in pack.rules]
    t0 = time.process_time()
    for scope, text in _realistic(items):
        for rule, pattern in rules:
            if scope in rule.scope:
                for _m in pattern.finditer(text):
                    pass
    return (time.process_time() - t0) * target / max(profiles, 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pack", action="append", type=Path, help="pack file (default: shipped)")
    parser.add_argument("--rule", default="", help="only rules whose id starts with this")
    parser.add_argument("--counts", action="store_true", help="counts only, no hit listing")
    parser.add_argument("--time", action="store_true", help="time matching for 650 profiles")
    parser.add_argument("--naive", action="store_true", help="also time one regex per rule")
    args = parser.parse_args(argv)

    try:
        packs = [load_pack(p) for p in args.pack] if args.pack else load_packs(builtin_pack_paths())
    except PackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not args.corpus.is_dir():
        print(f"error: no corpus at {args.corpus}", file=sys.stderr)
        return 2
    items = collect(args.corpus)
    profiles = count_profiles(args.corpus)
    hits = run(packs, items)

    rules = [r for p in packs for r in p.rules if r.id.startswith(args.rule)]
    if not args.counts:
        for rule in rules:
            for where, context in hits.get(rule.id, []):
                print(f"{rule.id}\t{where}\t{context}")
        print()
    by_severity: Counter[str] = Counter()
    print(f"{'rule':32} {'severity':8} {'hits':>5}")
    for rule in rules:
        n = len(hits.get(rule.id, []))
        by_severity[rule.severity] += n
        print(f"{rule.id:32} {rule.severity:8} {n:5}")
    print(f"profiles: {profiles}; entries: { ({p.name: p.entry_count for p in packs}) }")
    for severity in ("error", "warning", "info"):
        n = by_severity[severity]
        if n:
            print(f"{severity}: {n} total, {n / max(profiles, 1):.2f} per profile")
    if args.time:
        seconds = time_scan(packs, items, profiles)
        print(f"matching time for 650 profiles (all packs, all scopes): {seconds:.3f} s CPU")
    if args.naive:
        seconds = time_naive(packs, items, profiles)
        print(f"naive, one alternation per rule, for 650 profiles: {seconds:.1f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
