"""A small LanguageTool stand-in on 127.0.0.1 that speaks the ``/v2`` HTTP protocol.

Answers are built from the request text, like LanguageTool's own (offsets in
UTF-16 units, as Java counts them):

- every "teh" -> TEH_TYPO (category TYPOS), replacement "the";
- a doubled word ("the the") -> ENGLISH_WORD_REPEAT_RULE (MISC), replacement "the";
- "AEO", "GRIs", "aeo", "transshipment" -> MORFOLOGIK_RULE_EN_US (a misspelling);
- two spaces -> WHITESPACE_RULE; a space before a comma -> COMMA_PARENTHESIS_WHITESPACE;
- a paragraph that starts lower-case -> UPPERCASE_SENTENCE_START.

``mode`` makes it misbehave: "invalid-json" (HTTP 200, not JSON), "http-500",
"bad-shape" (JSON without matches), "sleep" (answers after ``delay`` seconds).
``max_inflight`` records how many requests it ever had at once.
Run as a script (``--port N``) it stands in for a local LanguageTool's Java server.
"""

from __future__ import annotations

import json
import re
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LANGUAGES = [
    {"name": "English (US)", "code": "en", "longCode": "en-US"},
    {"name": "English (GB)", "code": "en", "longCode": "en-GB"},
    {"name": "German (Germany)", "code": "de", "longCode": "de-DE"},
]
UNKNOWN_WORDS = ("AEO", "GRIs", "aeo", "transshipment")


def _units(text: str, offset: int) -> int:
    """UTF-16 offset of a code-point offset."""
    return offset + sum(1 for char in text[:offset] if ord(char) > 0xFFFF)


def _match(text, start, end, rule, category, name, issue, message, replacement=None):
    return {
        "message": message,
        "shortMessage": "",
        "replacements": [{"value": replacement}] if replacement is not None else [],
        "offset": _units(text, start),
        "length": _units(text, end) - _units(text, start),
        "context": {"text": text[max(0, start - 20) : end + 20], "offset": 0, "length": 0},
        "sentence": text[start:end],
        "rule": {
            "id": rule,
            "description": message,
            "issueType": issue,
            "category": {"id": category, "name": name},
        },
    }


def matches(text: str) -> list[dict]:
    """The matches LanguageTool would give for ``text`` under the rules above."""
    out = []
    for m in re.finditer(r"\bteh\b", text):
        out.append(
            _match(text, *m.span(), "TEH_TYPO", "TYPOS", "Possible Typo", "misspelling",
                   "Possible spelling mistake found.", "the")
        )  # fmt: skip
    for m in re.finditer(r"\b(\w+) \1\b", text, re.IGNORECASE):
        out.append(
            _match(text, *m.span(), "ENGLISH_WORD_REPEAT_RULE", "MISC", "Miscellaneous",
                   "duplication", "Possible typo: you repeated a word.", m.group(1))
        )  # fmt: skip
    for word in UNKNOWN_WORDS:
        for m in re.finditer(rf"\b{word}\b", text):
            out.append(
                _match(text, *m.span(), "MORFOLOGIK_RULE_EN_US", "TYPOS", "Possible Typo",
                       "misspelling", "Possible spelling mistake found.")
            )  # fmt: skip
    for m in re.finditer(r"  +", text):
        out.append(
            _match(text, *m.span(), "WHITESPACE_RULE", "TYPOGRAPHY", "Typography",
                   "whitespace", "Possible typo: you repeated a whitespace", " ")
        )  # fmt: skip
    for m in re.finditer(r" +,", text):
        out.append(
            _match(text, *m.span(), "COMMA_PARENTHESIS_WHITESPACE", "TYPOGRAPHY", "Typography",
                   "whitespace", "Don't put a space before the comma.", ",")
        )  # fmt: skip
    for m in re.finditer(r"(?:^|\n\n)([a-z])", text):
        out.append(
            _match(text, *m.span(1), "UPPERCASE_SENTENCE_START", "CASING", "Capitalization",
                   "typographical", "This sentence does not start with an uppercase letter.",
                   m.group(1).upper())
        )  # fmt: skip
    return sorted(out, key=lambda item: item["offset"])


class Handler(BaseHTTPRequestHandler):
    server: FakeServer

    def log_message(self, *args) -> None:  # quiet
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = urllib.parse.urlparse(self.path).path
        if path == "/v2/languages":
            self._send(200, json.dumps(LANGUAGES).encode())
        elif path == "/v2/healthcheck":
            self._send(200, b"OK", "text/plain")
        else:
            self._send(404, b"not found", "text/plain")

    def do_POST(self) -> None:
        path = urllib.parse.urlparse(self.path).path
        size = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in urllib.parse.parse_qs(self.rfile.read(size).decode()).items()}
        if path != "/v2/check":
            self._send(404, b"not found", "text/plain")
            return
        with self.server.lock:
            self.server.requests.append(form)
            self.server.inflight += 1
            self.server.max_inflight = max(self.server.max_inflight, self.server.inflight)
        try:
            self._answer(form)
        finally:
            with self.server.lock:
                self.server.inflight -= 1

    def _answer(self, form: dict) -> None:
        mode = self.server.mode
        if mode == "sleep":
            time.sleep(self.server.delay)
        if mode == "invalid-json":
            self._send(200, b"<html><body>Welcome to nginx!</body></html>", "text/html")
            return
        if mode == "http-500":
            self._send(500, b"Error: Internal Error: java.lang.NullPointerException", "text/plain")
            return
        if mode == "bad-shape":
            self._send(200, json.dumps({"software": {"name": "x"}}).encode())
            return
        text = form.get("text", "")
        language = form.get("language", "")
        if language not in {entry["longCode"] for entry in LANGUAGES}:
            self._send(400, f"Error: '{language}' is not a language code known".encode())
            return
        answer = {
            "software": {"name": "LanguageTool", "version": "6.8", "apiVersion": 1},
            "language": {"name": "English (US)", "code": language},
            "matches": matches(text),
        }
        self._send(200, json.dumps(answer).encode())


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), Handler)
        self.lock = threading.Lock()
        self.requests: list[dict] = []
        self.mode = "ok"
        self.delay = 0.0
        self.inflight = self.max_inflight = 0

    def handle_error(self, request, client_address) -> None:
        """A client that gave up (a timeout test) is not an error of the server."""
        if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FakeServer:
        threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


if __name__ == "__main__":  # the stand-in for `java ... HTTPServer -p PORT`
    port = int(sys.argv[sys.argv.index("--port") + 1])
    FakeServer(port).serve_forever()
