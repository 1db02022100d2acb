"""A LanguageTool client through language-tool-python, safe for a linter.

language-tool-python can download a Java LanguageTool (hundreds of MB) and start
it on its own; a linter must never do that behind a contributor's back. So this
module talks only to a server named by URL (``remote_server``), or starts a
LanguageTool that is *already installed* where language-tool-python keeps its
downloads, with downloads switched off.

What it uses of language-tool-python: the server handshake (``/v2/languages``,
which also checks the language), request parameters (rules, categories, picky
level) and the HTTP exchange with its error types. What it does itself: reading
the answer. ``language_tool_python.Match`` keeps per-class state (not safe with
the request threads used here), drops the category's name, and leaves lengths
in UTF-16 units; the raw answer has everything we need.

Every failure of the server (down, slow, garbage, wrong language) becomes one
:class:`Unavailable` with a short reason for the one line the user sees.
"""

from __future__ import annotations

import bisect
import contextlib
import functools
import os
import re
import threading
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DEFAULT_LANGUAGE = "en-US"
DEFAULT_TIMEOUT = 10.0
DEFAULT_CONCURRENCY = 4
DEFAULT_MAX_REQUEST_CHARS = 6000
"""Well under the public API's 20,000-character limit, and small enough that a
typical SOUL.md (about 17,000 characters) becomes a few requests run in parallel."""


class Unavailable(Exception):
    """The server could not answer; ``reason`` completes "LanguageTool at URL ..."."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ServerConfig:
    """The ``languagetool`` settings that shape requests, hashable to key caches."""

    url: str
    language: str = DEFAULT_LANGUAGE
    enabled_rules: tuple[str, ...] = ()
    disabled_rules: tuple[str, ...] = ()
    enabled_categories: tuple[str, ...] = ()
    disabled_categories: tuple[str, ...] = ()
    picky: bool = False
    words: frozenset[str] = frozenset()
    required: bool = False
    timeout: float = DEFAULT_TIMEOUT
    concurrency: int = DEFAULT_CONCURRENCY
    max_request_chars: int = DEFAULT_MAX_REQUEST_CHARS

    @classmethod
    def from_dict(cls, lt: dict | None) -> ServerConfig | None:
        """From the config's ``languagetool`` mapping; ``None`` when it names no server."""
        lt = lt or {}
        url = lt.get("url")
        if not isinstance(url, str) or not url.strip():
            return None
        return cls(
            url=url.strip(),
            language=lt.get("language") or DEFAULT_LANGUAGE,
            enabled_rules=tuple(lt.get("enabled-rules") or ()),
            disabled_rules=tuple(lt.get("disabled-rules") or ()),
            enabled_categories=tuple(lt.get("enabled-categories") or ()),
            disabled_categories=tuple(lt.get("disabled-categories") or ()),
            picky=bool(lt.get("picky", False)),
            words=frozenset(lt.get("words") or ()),
            required=bool(lt.get("required", False)),
            timeout=float(lt.get("timeout") or DEFAULT_TIMEOUT),
            concurrency=int(lt.get("concurrency") or DEFAULT_CONCURRENCY),
            max_request_chars=int(lt.get("max-request-chars") or DEFAULT_MAX_REQUEST_CHARS),
        )

    @property
    def base_url(self) -> str:
        """The server root, so that language-tool-python's ``v2/`` lands once:
        ``http://host:8081``, ``http://host:8081/v2`` and ``host:8081/`` all work."""
        url = self.url.rstrip("/")
        if url.endswith("/v2"):
            url = url[: -len("/v2")]
        if "://" not in url:
            url = "http://" + url
        return url + "/"


@dataclass(frozen=True)
class LTMatch:
    """One LanguageTool match, offsets in code points of the checked text."""

    rule_id: str
    message: str
    replacements: tuple[str, ...]
    start: int
    end: int
    category_id: str
    category_name: str
    issue_type: str

    @property
    def spelling(self) -> bool:
        """A spelling rule (whose flagged word a domain word list can accept)."""
        return (
            self.issue_type == "misspelling"
            or self.category_id == "TYPOS"
            or any(k in self.rule_id for k in ("MORFOLOGIK", "HUNSPELL", "SPELLER"))
        )


@functools.cache
def _client_class() -> type:
    from language_tool_python import LanguageTool

    class Client(LanguageTool):
        """A remote-only client with our timeout and one try per request."""

        def __init__(self, config: ServerConfig) -> None:
            # Read by language-tool-python's every request, the handshake included.
            self._TIMEOUT = config.timeout  # type: ignore[misc]
            super().__init__(
                language=config.language, remote_server=config.base_url, host="127.0.0.1"
            )
            self.enabled_rules = set(config.enabled_rules)
            self.disabled_rules = set(config.disabled_rules)
            self.enabled_categories = set(config.enabled_categories)
            self.disabled_categories = set(config.disabled_categories)
            self.picky = config.picky

        def check_raw(self, text: str) -> Any:
            """POST ``/v2/check`` and return the decoded answer as it came."""
            url = urllib.parse.urljoin(self.url, "check")
            return self._query_server(url, self._create_params(text), num_tries=1, method="post")

    return Client


_lock = threading.Lock()
_clients: dict[ServerConfig, Any] = {}
_broken: dict[ServerConfig, str] = {}


def reset() -> None:
    """Forget clients and failures: each run starts afresh (also in long-lived processes)."""
    with _lock:
        _clients.clear()
        _broken.clear()


def broken(config: ServerConfig) -> str | None:
    """The reason this server failed earlier in this process, if it did."""
    return _broken.get(config)


def mark_broken(config: ServerConfig, reason: str) -> str:
    """Remember the first failure, so the rest of the run skips the server at once
    and every unit reports the same one line."""
    with _lock:
        return _broken.setdefault(config, reason)


def connect(config: ServerConfig) -> Any:
    """A client for ``config``, made once per process: the handshake asks the
    server for its languages, so a dead server or a wrong language shows here."""
    with _lock:
        client = _clients.get(config)
        if client is not None:
            return client
        try:
            client = _client_class()(config)
        except ValueError as exc:  # language-tool-python's LanguageTag
            if "unsupported language" in str(exc):
                raise Unavailable(f"does not support the language '{config.language}'") from None
            raise Unavailable(describe(exc, config.timeout)) from None
        except Exception as exc:
            raise Unavailable(describe(exc, config.timeout)) from None
        _clients[config] = client
        return client


def check(client: Any, text: str, timeout: float) -> list[LTMatch]:
    """Send one text; its matches, or :class:`Unavailable`."""
    try:
        answer = client.check_raw(text)
    except Exception as exc:
        raise Unavailable(describe(exc, timeout)) from None
    return parse_answer(answer, text)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def describe(exc: BaseException, timeout: float) -> str:
    """A short reason for a failed exchange, without the traceback."""
    import requests
    from language_tool_python.exceptions import RateLimitError

    chain = list(_causes(exc))
    for item in chain:
        if isinstance(item, requests.exceptions.Timeout):
            return f"did not answer within {timeout:g} s (languagetool.timeout)"
    for item in chain:
        if isinstance(item, requests.exceptions.ConnectionError):
            return "cannot be reached (is the server running?)"
        if isinstance(item, RateLimitError):
            return "refused the request: rate limit exceeded"
        if isinstance(item, (ValueError, UnicodeError)) and item is not exc:
            body = str(exc).strip().splitlines()
            shown = body[0][:80] if body else ""
            return f"gave an answer that is not LanguageTool JSON ({shown!r})"
    text = " ".join(str(exc).split())[:120]
    return f"failed: {type(exc).__name__}: {text}" if text else f"failed: {type(exc).__name__}"


class _Utf16:
    """LanguageTool (Java) counts offsets in UTF-16 units; Python in code points."""

    def __init__(self, text: str) -> None:
        self._units: list[int] = []
        if not text.isascii():
            astral = [i for i, char in enumerate(text) if ord(char) > 0xFFFF]
            self._units = [index + k for k, index in enumerate(astral)]

    def code_point(self, units: int) -> int:
        return units - bisect.bisect_left(self._units, units) if self._units else units


def parse_answer(answer: Any, text: str) -> list[LTMatch]:
    """Read a ``/v2/check`` answer strictly: anything unexpected is a malformed answer."""
    malformed = Unavailable("gave a malformed answer (not a LanguageTool /v2/check result)")
    if not isinstance(answer, dict) or not isinstance(answer.get("matches"), list):
        raise malformed
    utf16 = _Utf16(text)
    out: list[LTMatch] = []
    for match in answer["matches"]:
        try:
            rule = match["rule"]
            category = rule.get("category") or {}
            offset, length = match["offset"], match["length"]
            rule_id, message = rule["id"], match.get("message") or rule.get("description") or ""
            if not (isinstance(offset, int) and isinstance(length, int) and offset >= 0):
                raise malformed
            if length < 0 or not isinstance(rule_id, str) or not re.fullmatch(r"[\w.:-]+", rule_id):
                raise malformed
            start, end = utf16.code_point(offset), utf16.code_point(offset + length)
            if end > len(text):
                raise malformed
            replacements = tuple(
                r["value"]
                for r in match.get("replacements") or ()
                if isinstance(r, dict) and isinstance(r.get("value"), str)
            )
            out.append(
                LTMatch(
                    rule_id=rule_id,
                    message=" ".join(str(message).split()),
                    replacements=replacements,
                    start=start,
                    end=end,
                    category_id=str(category.get("id") or ""),
                    category_name=str(category.get("name") or ""),
                    issue_type=str(rule.get("issueType") or ""),
                )
            )
        except (KeyError, TypeError, AttributeError):
            raise malformed from None
    return out


# -- a LanguageTool already installed on this machine -------------------------

_VERSION_DIR = re.compile(r"LanguageTool-(\d+\.\d+|\d{8})")


def download_folder() -> Path:
    """Where language-tool-python keeps LanguageTool (``LTP_PATH``), not created here."""
    return Path(os.environ.get("LTP_PATH") or Path.home() / ".cache" / "language_tool_python")


def find_local_install() -> tuple[str, Path] | None:
    """The newest LanguageTool that language-tool-python downloaded earlier, if Java
    is there to run it: ``(version, folder)``. Never downloads, never creates folders.

    Asked at every start without a server: the folder is looked at first, and only
    where it exists is Java looked for (``shutil`` and what it imports take 2 ms)."""
    folder = download_folder()
    if not folder.is_dir():
        return None
    import shutil

    if shutil.which("java") is None:
        return None
    found: list[tuple[tuple[int, ...], str, Path]] = []
    for path in folder.glob("LanguageTool-*"):
        match = _VERSION_DIR.fullmatch(path.name)
        if not match or not path.is_dir():
            continue
        if not any(
            (path / jar).is_file() for jar in ("languagetool-server.jar", "languagetool.jar")
        ):
            continue
        version = match.group(1)
        # Releases sort by number; dated snapshots (newer builds) after every release.
        key = (1, int(version)) if "." not in version else (0, *map(int, version.split(".")))
        found.append((key, version, path))
    if not found:
        return None
    _, version, path = max(found)
    return version, path


@contextlib.contextmanager
def _no_downloads(jar_dir: Path) -> Iterator[None]:
    """language-tool-python skips its download step when ``LTP_JAR_DIR_PATH`` is set:
    a second guard, beside starting only a version that is installed."""
    old = os.environ.get("LTP_JAR_DIR_PATH")
    os.environ["LTP_JAR_DIR_PATH"] = str(jar_dir)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("LTP_JAR_DIR_PATH", None)
        else:
            os.environ["LTP_JAR_DIR_PATH"] = old


def start_local(version: str, folder: Path, language: str) -> tuple[Any, str]:
    """Start the installed LanguageTool on a free loopback port: ``(server, url)``.
    The caller closes the server when the run ends."""
    from language_tool_python import LanguageTool

    try:
        with _no_downloads(folder):
            server = LanguageTool(
                language=language, host="127.0.0.1", language_tool_download_version=version
            )
    except BaseException as exc:  # SystemExit from its Java version check included
        if isinstance(exc, KeyboardInterrupt):
            raise
        raise Unavailable(describe(exc, DEFAULT_TIMEOUT)) from None
    return server, server.url
