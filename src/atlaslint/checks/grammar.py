"""Grammar and spelling through LanguageTool, at the exact words in the file.

The prose a reader sees (``documents/prose.py``: no code, URLs, link targets,
markup or YAML quoting) is packed, paragraph by paragraph, into requests of at
most ``languagetool.max-request-chars``; the requests of one unit run on a
small thread pool. Each match becomes ``grammar/<LanguageTool rule id>``: match
offset in the request -> offset in the segment -> file offsets through the
segment's offset map -> a Span.

Two halves, because units may be checked in worker processes:

- :func:`start_session` runs once per run in the main process: it picks the
  server (URL, or a local LanguageTool already installed), says once when
  grammar is off, and probes the server so that a dead one costs one message,
  not one wait per file.
- :func:`check_files` runs inside a unit's checks. A failure there is kept per
  process (:func:`languagetool.mark_broken`), so the rest of the run skips the
  server at once; the unit reports it as a notice (the engine prints each
  distinct notice once) and marks its result as not cacheable.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Any

from atlaslint import languagetool
from atlaslint.checks.sink import Sink
from atlaslint.documents.data import DataDocument
from atlaslint.documents.prose import Segment, prose_fields, yaml_segments
from atlaslint.languagetool import LTMatch, ServerConfig, Unavailable
from atlaslint.positions import LineIndex
from atlaslint.settings import Settings
from atlaslint.units import FRAMEWORK, PROFILE, Unit, UnitResult

SEPARATOR = "\n\n"
"""Between segments in one request: LanguageTool sees a paragraph break."""

HOW_TO_ENABLE = (
    "pass --languagetool-url URL, set ATLASLINT_LANGUAGETOOL_URL, or set languagetool.url "
    "in the config (README: 'Grammar with LanguageTool')"
)


def wanted(settings: Settings) -> bool:
    """Would any grammar finding be reported (selected, not ignored, not 'off')?"""
    if settings.enabled("grammar/\x00"):
        return True
    return any(s.startswith("grammar/") and settings.enabled(s) for s in settings.select)


def active(settings: Settings) -> bool:
    """Grammar runs in this unit: a server is set and grammar findings are wanted."""
    return ServerConfig.from_dict(settings.languagetool) is not None and wanted(settings)


# -- what one unit sends ------------------------------------------------------


@dataclass
class Prose:
    """The prose segments of one file, with what maps them back to positions."""

    path: str
    segments: Sequence[Segment]
    index: LineIndex


@dataclass(frozen=True)
class _Piece:
    """``segment.text[seg_start:seg_end]`` sits at ``start`` in a request's text."""

    start: int
    file: Prose
    segment: Segment
    seg_start: int
    seg_end: int


@dataclass
class Chunk:
    """The text of one request and where each of its pieces came from."""

    text: str
    pieces: list[_Piece]

    def locate(self, start: int, end: int) -> tuple[_Piece, int, int] | None:
        """The piece holding a match and the match's offsets in its segment's text;
        ``None`` for a match in the separators between pieces."""
        i = bisect.bisect_right([p.start for p in self.pieces], start) - 1
        if i < 0:
            return None
        piece = self.pieces[i]
        size = piece.seg_end - piece.seg_start
        rel_start, rel_end = start - piece.start, min(end - piece.start, size)
        if rel_start >= size:
            return None
        return piece, piece.seg_start + rel_start, piece.seg_start + max(rel_end, rel_start)


def _split_long(text: str, limit: int) -> list[tuple[int, int]]:
    """Ranges of a segment longer than one request: cut after a sentence, else at a space."""
    ranges, start = [], 0
    while len(text) - start > limit:
        window = text[start : start + limit]
        cut = max(window.rfind(". "), window.rfind("! "), window.rfind("? "))
        cut = cut + 2 if cut > 0 else window.rfind(" ") + 1
        if cut <= 0:
            cut = limit
        ranges.append((start, start + cut))
        start += cut
    ranges.append((start, len(text)))
    return ranges


def chunks(files: Sequence[Prose], limit: int) -> list[Chunk]:
    """Pack segments, in order, into requests of at most ``limit`` characters,
    breaking only between segments (paragraphs) unless one alone is too long."""
    out: list[Chunk] = []
    parts: list[str] = []
    pieces: list[_Piece] = []
    length = 0
    for file in files:
        for segment in file.segments:
            for a, b in _split_long(segment.text, limit):
                if pieces and length + len(SEPARATOR) + (b - a) > limit:
                    out.append(Chunk("".join(parts), pieces))
                    parts, pieces, length = [], [], 0
                if pieces:
                    parts.append(SEPARATOR)
                    length += len(SEPARATOR)
                pieces.append(_Piece(length, file, segment, a, b))
                parts.append(segment.text[a:b])
                length += b - a
    if pieces:
        out.append(Chunk("".join(parts), pieces))
    return out


# -- what comes back ----------------------------------------------------------


@functools.cache
def _fragment_rules() -> tuple[frozenset[str], frozenset[str]]:
    from atlaslint.resources import load_data_yaml

    data = load_data_yaml("grammar.yaml")
    fragments = data.get("fragments", {}) if isinstance(data, dict) else {}
    return frozenset(fragments.get("contexts", ())), frozenset(fragments.get("ignored-rules", ()))


def _over_placeholder(segment: Segment, start: int, end: int) -> bool:
    """Does the match touch a blank that stands for left-out code, a URL or markup?
    Those blanks make "double space" and "space before comma" matches that the
    file does not have."""
    for run in segment.runs:
        if run.text_start >= max(end, start + 1):
            break
        if run.text_end > start and not run.exact and segment.text[run.text_start] == " ":
            return True
    return False


def _keep(match: LTMatch, segment: Segment, start: int, end: int, config: ServerConfig) -> bool:
    flagged = segment.text[start:end]
    if _over_placeholder(segment, start, end):
        return False
    contexts, ignored = _fragment_rules()
    if segment.context in contexts and match.rule_id in ignored:
        return False
    return not (match.spelling and flagged in config.words)


def _emit(chunk: Chunk, matches: list[LTMatch], config: ServerConfig, sink: Sink) -> None:
    for match in matches:
        found = chunk.locate(match.start, match.end)
        if found is None:
            continue
        piece, start, end = found
        if not _keep(match, piece.segment, start, end, config):
            continue
        span = piece.file.index.span(*piece.segment.source_range(start, end))
        message = match.message or match.rule_id
        if match.category_name:
            message = f"{message} ({match.category_name})"
        suggestion = match.replacements[0] if match.replacements else None
        sink.emit(piece.file.path, span, f"grammar/{match.rule_id}", message, suggestion)


# -- one unit -----------------------------------------------------------------


@dataclass
class Outcome:
    """Whether a unit's grammar ran whole; folded into its UnitResult by ``apply``."""

    notice: str | None = None
    required: bool = False

    def apply(self, result: UnitResult) -> UnitResult:
        if self.notice is not None:
            result.notices.append(self.notice)
            result.cacheable = False
            result.failed = result.failed or self.required
        return result


def failure_notice(config: ServerConfig, reason: str) -> str:
    """The one line a failed server gives, the same from every unit."""
    line = f"grammar: LanguageTool at {config.url} {reason}; grammar findings are incomplete"
    if config.required:
        line += " (languagetool.required is set, so the run fails)"
    return line


def check_files(files: Sequence[Prose], settings: Settings, sink: Sink) -> Outcome:
    """Check the prose of one unit's files; findings go to ``sink``."""
    config = ServerConfig.from_dict(settings.languagetool)
    if config is None or not wanted(settings):
        return Outcome()
    earlier = languagetool.broken(config)
    if earlier is not None:
        return Outcome(failure_notice(config, earlier), config.required)
    requests = chunks(files, config.max_request_chars)
    if not requests:
        return Outcome()
    failure: str | None = None
    try:
        client = languagetool.connect(config)
    except Unavailable as exc:
        failure = exc.reason
    else:
        failure = _run(client, requests, config, sink)
    if failure is None:
        return Outcome()
    reason = languagetool.mark_broken(config, failure)
    return Outcome(failure_notice(config, reason), config.required)


def _run(client: Any, requests: list[Chunk], config: ServerConfig, sink: Sink) -> str | None:
    """Send the requests on a bounded pool; emit what answered; the first failure."""
    failure: str | None = None
    workers = max(1, min(config.concurrency, len(requests)))
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="languagetool") as pool:
        futures = [
            pool.submit(languagetool.check, client, chunk.text, config.timeout)
            for chunk in requests
        ]
        for chunk, future in zip(requests, futures, strict=True):
            if future.cancelled():
                continue
            try:
                matches = future.result()
            except Unavailable as exc:
                failure = failure or exc.reason
                for other in futures:  # a failing server: stop sending
                    other.cancel()
                continue
            _emit(chunk, matches, config, sink)
    return failure


def check_segments(
    path: str, segments: Sequence[Segment], index: LineIndex, settings: Settings, sink: Sink
) -> Outcome:
    """Check one file's prose segments (as returned by ``documents/prose.py``)."""
    return check_files([Prose(path, segments, index)], settings, sink)


def check_data(doc: DataDocument, kind: str, settings: Settings, sink: Sink) -> Outcome:
    """Check the prose fields of a YAML document (``kind``: "metadata" or "framework",
    as listed in rules/prose-fields.yaml). Cheap when grammar is off."""
    if not active(settings) or not doc.ok:
        return Outcome()
    segments = yaml_segments(doc, prose_fields(kind), kind)
    return check_segments(doc.path, segments, doc.source.index, settings, sink)


# -- one run ------------------------------------------------------------------


@dataclass
class Session:
    """The grammar side of one run: effective settings for the units, the lines to
    print once, whether the run must fail, and a local server to stop at the end."""

    settings: Settings
    notices: list[str] = field(default_factory=list)
    failed: bool = False
    server: Any = None

    def close(self) -> None:
        if self.server is not None:
            try:
                self.server.close()
            finally:
                self.server = None


def start_session(settings: Settings, units: Sequence[Unit]) -> Session:
    """Pick and probe the server once, before any unit is checked."""
    languagetool.reset()
    session = Session(settings)
    if not wanted(settings) or not any(u.kind in (PROFILE, FRAMEWORK) for u in units):
        return session
    lt = dict(settings.languagetool or {})
    required = bool(lt.get("required"))
    if ServerConfig.from_dict(lt) is None:
        local = languagetool.find_local_install()
        if local is None:
            _off(
                session,
                required,
                f"grammar checks are off: no LanguageTool server; {HOW_TO_ENABLE}",
            )
            return session
        version, folder = local
        try:
            session.server, url = languagetool.start_local(
                version, folder, lt.get("language") or languagetool.DEFAULT_LANGUAGE
            )
        except Unavailable as exc:
            _off(
                session,
                required,
                f"grammar checks are off: the local LanguageTool {version} "
                f"in {folder} did not start ({exc.reason}); {HOW_TO_ENABLE}",
            )
            return session
        lt["url"] = url
        session.notices.append(
            f"grammar: started the local LanguageTool {version} from {folder} "
            "(a running server given by --languagetool-url is faster)"
        )
        session.settings = replace(settings, languagetool=lt)
    config = ServerConfig.from_dict(lt)
    assert config is not None
    try:
        languagetool.connect(config)
    except Unavailable as exc:
        languagetool.mark_broken(config, exc.reason)
        session.notices.append(failure_notice(config, exc.reason))
        session.failed = config.required
        # The units run without grammar (and may be cached so: that is what ran).
        session.settings = replace(settings, languagetool={})
        session.close()
    return session


def _off(session: Session, required: bool, line: str) -> None:
    if required:
        line += " (languagetool.required is set, so the run fails)"
    session.notices.append(line)
    session.failed = required
