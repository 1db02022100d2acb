# ruff: noqa: E501  (fixture lines keep their real length: columns are asserted)
"""Grammar through LanguageTool: a real HTTP server on 127.0.0.1 speaking the /v2
protocol (tests/checks/fake_languagetool.py), reached through language-tool-python.

Every test runs with connections to anything but loopback recorded and failed, and
with no LanguageTool download folder, so nothing can phone home or download.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import time
from pathlib import Path

import pytest

from atlaslint import languagetool
from atlaslint.engine import check_unit
from atlaslint.settings import Settings
from atlaslint.units import PROFILE, Unit
from tests.checks.fake_languagetool import FakeServer
from tests.conftest import EXAMPLES

LOOPBACK = {"127.0.0.1", "::1", "localhost"}

META = """\
title: Customs Officer
slug: {slug}
category: Government
summary: How a border officer facilitates lawful trade and travel at the border.
created: '2026-01-01'
updated: '2026-01-02'
status: draft
"""


@pytest.fixture(autouse=True)
def loopback_only(monkeypatch, tmp_path):
    """Fail any connection or name lookup that leaves this machine."""
    attempts: list[object] = []
    real_connect, real_connect_ex = socket.socket.connect, socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def allowed(sock, address) -> bool:
        if sock.family not in (socket.AF_INET, socket.AF_INET6):
            return True
        return address[0] in LOOPBACK

    def connect(sock, address):
        if not allowed(sock, address):
            attempts.append(address)
            raise ConnectionRefusedError(f"test forbids connecting to {address}")
        return real_connect(sock, address)

    def connect_ex(sock, address):
        if not allowed(sock, address):
            attempts.append(address)
            return 111
        return real_connect_ex(sock, address)

    def getaddrinfo(host, *args, **kwargs):
        if host not in LOOPBACK and host is not None:
            attempts.append(host)
            raise socket.gaierror(f"test forbids looking up {host}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("LTP_PATH", str(tmp_path / "no-languagetool-here"))
    monkeypatch.delenv("ATLASLINT_LANGUAGETOOL_URL", raising=False)
    languagetool.reset()
    yield
    languagetool.reset()
    assert attempts == [], f"tried to reach beyond loopback: {attempts}"
    assert not (tmp_path / "no-languagetool-here").exists(), "created a download folder"


@pytest.fixture
def lt():
    server = FakeServer().start()
    yield server
    server.stop()


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def make_profile(root: Path, slug: str, soul: str, meta: str | None = None) -> Path:
    folder = root / slug
    folder.mkdir(parents=True)
    (folder / "SOUL.md").write_text(soul, encoding="utf-8")
    (folder / "metadata.yaml").write_text(meta or META.format(slug=slug), encoding="utf-8")
    return folder


def write_config(root: Path, **languagetool) -> None:
    """``.atlaslint.yaml`` with these ``languagetool`` settings (JSON is YAML)."""
    settings = {key.replace("_", "-"): value for key, value in languagetool.items()}
    (root / ".atlaslint.yaml").write_text(json.dumps({"languagetool": settings}), encoding="utf-8")


def grammar(run) -> list[tuple]:
    return [
        (d["path"], d["rule"], d["line"], d["column"], d["end_line"], d["end_column"])
        for d in run.diagnostics
        if d["rule"].startswith("grammar/")
    ]


def grammar_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if "grammar" in line]


SOUL = """\
# Customs Officer

## Purpose

Officers check **teh cargo** and [teh manifest](https://teh.example/teh) before `teh()` runs, then _teh_ seals.

They read the
the declaration twice. See `x`, then decide, with two  spaces.

they start lower-case here. Ships 🚢 carry teh goods.

```
teh code block
```
"""


def test_markdown_matches_land_on_the_exact_words(tmp_path, lt, cli):
    make_profile(tmp_path, "officer", SOUL)
    run = cli("check", "officer", "--format", "json", "--select", "grammar",
              "--languagetool-url", lt.url, cwd=tmp_path)  # fmt: skip
    assert run.exit_code == 0  # warnings only
    soul = "officer/SOUL.md"
    assert grammar(run) == [
        (soul, "grammar/TEH_TYPO", 5, 18, 5, 21),  # inside **bold**
        (soul, "grammar/TEH_TYPO", 5, 35, 5, 38),  # link text; not the URL target
        (soul, "grammar/TEH_TYPO", 5, 101, 5, 104),  # inside _emphasis_; not in `code`
        (soul, "grammar/ENGLISH_WORD_REPEAT_RULE", 7, 11, 8, 4),  # across the line break
        (soul, "grammar/WHITESPACE_RULE", 8, 54, 8, 56),  # a real double space
        (soul, "grammar/UPPERCASE_SENTENCE_START", 10, 1, 10, 2),
        (soul, "grammar/TEH_TYPO", 10, 43, 10, 46),  # after an astral character (🚢)
    ]
    first = run.diagnostics[0]
    assert first["severity"] == "warning"
    assert first["message"] == "Possible spelling mistake found. (Possible Typo)"
    assert first["suggestion"] == "the"
    # The blank standing for `x` made "  ," in the text sent; not reported.
    assert "grammar/COMMA_PARENTHESIS_WHITESPACE" not in {d["rule"] for d in run.diagnostics}
    sent = "".join(r["text"] for r in lt.requests)
    assert "https" not in sent and "teh()" not in sent and "teh code" not in sent


META_PROSE = """\
title: Customs Officer
slug: officer
aliases:
  - 'customs teh inspector'
  - "border teh officer"
  - AEO specialist
category: Government
summary: >-
  How a border officer facilitates lawful trade and
  travel while reading teh story behind the answer.
related:
  - {slug: detective, type: related, note: shares teh habit of reading GRIs and transshipment}
created: '2026-01-01'
updated: '2026-01-02'
status: draft
tags: [teh]
"""


def test_yaml_matches_land_in_plain_quoted_and_folded_scalars(tmp_path, lt, cli):
    make_profile(tmp_path, "officer", "# Customs Officer\n", META_PROSE)
    write_config(tmp_path, url=lt.url, words=["AEO", "GRIs"])
    run = cli("check", "officer", "--format", "json", "--select", "grammar", cwd=tmp_path)
    meta = "officer/metadata.yaml"
    assert grammar(run) == [
        (meta, "grammar/TEH_TYPO", 4, 14, 4, 17),  # single-quoted
        (meta, "grammar/TEH_TYPO", 5, 13, 5, 16),  # double-quoted
        (meta, "grammar/TEH_TYPO", 10, 24, 10, 27),  # second line of a folded scalar
        (meta, "grammar/TEH_TYPO", 12, 51, 12, 54),  # flow mapping, a prose field
        (meta, "grammar/MORFOLOGIK_RULE_EN_US", 12, 81, 12, 94),  # not in the word list
    ]
    # AEO and GRIs are accepted words; tags are not prose; aliases starting lower-case
    # are fragments, not sentences (no UPPERCASE_SENTENCE_START).


def test_word_list_is_case_sensitive_and_only_for_spelling(tmp_path, lt, cli):
    make_profile(tmp_path, "officer", "# T\n\n## Purpose\n\nThe AEO and aeo teh.\n")
    write_config(tmp_path, url=lt.url, words=["AEO", "teh"])
    run = cli("check", "officer", "--format", "json", "--select", "grammar", cwd=tmp_path)
    rules = [(d["rule"], d["column"]) for d in run.diagnostics]
    # "teh" is in the list but TEH_TYPO is a spelling rule too -> accepted; "aeo" is not "AEO".
    assert rules == [("grammar/MORFOLOGIK_RULE_EN_US", 13)]


def test_request_parameters_follow_the_config(tmp_path, lt, cli):
    make_profile(tmp_path, "officer", "# T\n\n## Purpose\n\nFine words.\n")
    write_config(
        tmp_path,
        url=lt.url + "/v2/",
        language="en-GB",
        enabled_rules=["A_RULE"],
        disabled_rules=["B_RULE"],
        enabled_categories=["C_CAT"],
        disabled_categories=["D_CAT"],
        picky=True,
    )
    run = cli("check", "officer", "--select", "grammar", cwd=tmp_path)
    assert run.exit_code == 0
    (request,) = lt.requests
    assert {k: v for k, v in request.items() if k != "text"} == {
        "language": "en-GB",
        "enabledRules": "A_RULE",
        "disabledRules": "B_RULE",
        "enabledCategories": "C_CAT",
        "disabledCategories": "D_CAT",
        "level": "picky",
    }


def test_environment_variable_names_the_server(tmp_path, lt, cli, monkeypatch):
    make_profile(tmp_path, "officer", "# T\n\n## Purpose\n\nSee teh cargo.\n")
    monkeypatch.setenv("ATLASLINT_LANGUAGETOOL_URL", lt.url)
    run = cli("check", "officer", "--format", "json", "--select", "grammar/TEH_TYPO", cwd=tmp_path)
    assert grammar(run) == [("officer/SOUL.md", "grammar/TEH_TYPO", 5, 5, 5, 8)]
    assert grammar_lines(run.stderr) == []


def test_long_document_is_split_at_paragraphs_within_the_limit(tmp_path, lt, cli):
    filler = "Officers weigh the risk of every shipment against the cost of delay. " * 2
    paragraphs = [f"Paragraph {i}. {filler.strip()}" for i in range(40)]
    paragraphs[37] = "Near the end the officer reads teh manifest."
    long_one = ("Every declaration is read in full. " * 40) + "Then teh seal."
    body = "\n\n".join([*paragraphs, long_one])
    make_profile(tmp_path, "officer", f"# T\n\n## Purpose\n\n{body}\n")
    write_config(tmp_path, url=lt.url, max_request_chars=500, concurrency=3)
    lt.mode, lt.delay = "sleep", 0.05  # slow enough for requests to overlap
    run = cli("check", "officer", "--format", "json", "--select", "grammar", cwd=tmp_path)
    assert len(lt.requests) >= 10
    assert 1 < lt.max_inflight <= 3  # in parallel, bounded by languagetool.concurrency
    assert all(len(r["text"]) <= 500 for r in lt.requests)
    # Each paragraph goes whole into one request; only the one too long is cut.
    assert all(sum(p in r["text"] for r in lt.requests) == 1 for p in paragraphs)
    assert not any(long_one in r["text"] for r in lt.requests)
    line_37 = 5 + 2 * 37
    line_long = 5 + 2 * 40
    col = len(long_one) - len("teh seal.") + 1
    assert grammar(run) == [
        ("officer/SOUL.md", "grammar/TEH_TYPO", line_37, 32, line_37, 35),
        ("officer/SOUL.md", "grammar/TEH_TYPO", line_long, col, line_long, col + 3),
    ]


def _two_profiles(root: Path) -> None:
    make_profile(root, "alpha", "# Alpha\n\n## Purpose\n\nSee teh cargo.\n")
    bad = META.format(slug="beta").replace("category: Government", "category: Goverment")
    make_profile(root, "beta", "# Beta\n\n## Purpose\n\nSee teh cargo.\n", bad)


def test_server_down_gives_one_line_and_other_rules_still_report(tmp_path, cli):
    _two_profiles(tmp_path)
    url = closed_port_url()
    started = time.monotonic()
    run = cli("check", ".", "--format", "json", "--languagetool-url", url, cwd=tmp_path)
    assert time.monotonic() - started < 10
    baseline = cli("check", ".", "--format", "json", "--ignore", "grammar", cwd=tmp_path)
    assert run.exit_code == baseline.exit_code == 1
    assert run.stdout == baseline.stdout
    assert "schema/enum" in {d["rule"] for d in run.diagnostics}
    assert grammar_lines(run.stderr) == [
        f"atlaslint: grammar: LanguageTool at {url} cannot be reached (is the server "
        "running?); grammar findings are incomplete"
    ]
    assert "Traceback" not in run.stderr


def test_required_grammar_with_the_server_down_exits_2(tmp_path, cli):
    _two_profiles(tmp_path)
    write_config(tmp_path, url=closed_port_url(), required=True)
    run = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 2
    assert "schema/enum" in {d["rule"] for d in run.diagnostics}
    (line,) = grammar_lines(run.stderr)
    assert line.endswith("(languagetool.required is set, so the run fails)")


def test_required_grammar_without_a_server_exits_2(tmp_path, cli):
    _two_profiles(tmp_path)
    (tmp_path / ".atlaslint.yaml").write_text("languagetool: {required: true}\n")
    run = cli("check", ".", cwd=tmp_path)
    assert run.exit_code == 2
    (line,) = grammar_lines(run.stderr)
    assert "grammar checks are off" in line and "required" in line


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("invalid-json", "gave an answer that is not LanguageTool JSON ('<html><body>Welcome"),
        ("http-500", "gave an answer that is not LanguageTool JSON ('Error: Internal Error"),
        ("bad-shape", "gave a malformed answer (not a LanguageTool /v2/check result)"),
    ],
)
def test_malformed_answers_give_one_line(tmp_path, lt, cli, mode, reason):
    _two_profiles(tmp_path)
    lt.mode = mode
    run = cli("check", ".", "--format", "json", "--languagetool-url", lt.url, cwd=tmp_path)
    baseline = cli("check", ".", "--format", "json", "--ignore", "grammar", cwd=tmp_path)
    assert run.exit_code == baseline.exit_code == 1
    assert run.stdout == baseline.stdout
    (line,) = grammar_lines(run.stderr)
    assert reason in line
    assert len(lt.requests) == 1  # the server is not asked again once it answered garbage


def test_required_grammar_with_garbage_answers_exits_2(tmp_path, lt, cli):
    _two_profiles(tmp_path)
    lt.mode = "http-500"
    write_config(tmp_path, url=lt.url, required=True)
    run = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert run.exit_code == 2
    assert "schema/enum" in {d["rule"] for d in run.diagnostics}
    (line,) = grammar_lines(run.stderr)
    assert "not LanguageTool JSON" in line and "languagetool.required" in line


def test_slow_server_times_out_once(tmp_path, lt, cli):
    _two_profiles(tmp_path)
    lt.mode, lt.delay = "sleep", 6.0
    write_config(tmp_path, url=lt.url, timeout=0.2)
    started = time.monotonic()
    run = cli("check", ".", "--format", "json", cwd=tmp_path)
    assert time.monotonic() - started < 4.0  # one short timeout, not the 6 s answer
    assert run.exit_code == 1
    (line,) = grammar_lines(run.stderr)
    assert "did not answer within 0.2 s (languagetool.timeout)" in line


def test_unsupported_language_is_one_clear_line(tmp_path, lt, cli):
    _two_profiles(tmp_path)
    write_config(tmp_path, url=lt.url, language="xx-XX")
    run = cli("check", ".", cwd=tmp_path)
    assert run.exit_code == 1
    (line,) = grammar_lines(run.stderr)
    assert "does not support the language 'xx-XX'" in line
    assert lt.requests == []


def test_failed_grammar_results_are_not_cacheable(tmp_path, lt):
    folder = make_profile(tmp_path, "alpha", "# A\n\n## Purpose\n\nSee teh cargo.\n")
    unit = Unit(PROFILE, "alpha", folder)
    good = check_unit(unit, Settings(root=tmp_path, languagetool={"url": lt.url}))
    assert good.cacheable and good.notices == []
    assert [d.rule for d in good.diagnostics if d.rule.startswith("grammar/")] == [
        "grammar/TEH_TYPO"
    ]
    lt.mode = "http-500"
    languagetool.reset()
    bad = check_unit(unit, Settings(root=tmp_path, languagetool={"url": lt.url}))
    assert not bad.cacheable and not bad.failed
    assert len(bad.notices) == 1 and "grammar findings are incomplete" in bad.notices[0]


def test_without_a_server_output_is_unchanged_and_says_so_once(cli):
    plain = cli("check", str(EXAMPLES))
    ignored = cli("check", str(EXAMPLES), "--ignore", "grammar")
    assert plain.stdout == ignored.stdout
    assert plain.exit_code == ignored.exit_code
    assert grammar_lines(ignored.stderr) == []
    (line,) = grammar_lines(plain.stderr)
    assert line.startswith("atlaslint: grammar checks are off: no LanguageTool server;")
    assert "--languagetool-url" in line and "ATLASLINT_LANGUAGETOOL_URL" in line


def test_grammar_selectors_and_explain(cli):
    assert cli("check", str(EXAMPLES), "--select", "grammar").exit_code == 0
    explained = cli("explain", "grammar/MORFOLOGIK_RULE_EN_US")
    assert explained.exit_code == 0
    assert explained.stdout.startswith("grammar/MORFOLOGIK_RULE_EN_US  (warning by default")
    assert "languagetool.words" in explained.stdout


# -- a LanguageTool installed on this machine ----------------------------------

FAKE_JAVA = """\
#!/bin/sh
if [ "$1" = "-version" ]; then echo 'openjdk version "17.0.2" 2022-01-18'; exit 0; fi
while [ $# -gt 0 ]; do
  if [ "$1" = "-p" ]; then PORT="$2"; fi
  shift
done
exec "{python}" "{server}" --port "$PORT"
"""


@pytest.fixture
def local_install(tmp_path, monkeypatch):
    """A LanguageTool 6.8 folder where language-tool-python keeps downloads, and a
    `java` on PATH whose HTTP server is the fake one."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    java = bin_dir / "java"
    server = Path(__file__).with_name("fake_languagetool.py")
    java.write_text(FAKE_JAVA.format(python=sys.executable, server=server))
    java.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    downloads = tmp_path / "lt-downloads"
    (downloads / "LanguageTool-6.8").mkdir(parents=True)
    (downloads / "LanguageTool-6.8" / "languagetool-server.jar").write_bytes(b"")
    (downloads / "LanguageTool-latest").mkdir()  # never chosen: it would mean a download
    monkeypatch.setenv("LTP_PATH", str(downloads))
    return downloads


def test_local_install_is_found_without_downloading(local_install):
    assert languagetool.find_local_install() == ("6.8", local_install / "LanguageTool-6.8")


def test_no_local_install_without_java(local_install, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    assert languagetool.find_local_install() is None


@pytest.mark.skipif(sys.platform == "win32", reason="the fake java is a shell script")
def test_local_install_is_started_used_and_stopped(tmp_path, local_install, cli):
    from language_tool_python.server import RUNNING_SERVER_PROCESSES

    make_profile(tmp_path / "atlas", "officer", "# T\n\n## Purpose\n\nSee teh cargo.\n")
    run = cli("check", "atlas", "--format", "json", "--select", "grammar", cwd=tmp_path)
    assert grammar(run) == [("atlas/officer/SOUL.md", "grammar/TEH_TYPO", 5, 5, 5, 8)]
    (line,) = grammar_lines(run.stderr)
    assert line.startswith("atlaslint: grammar: started the local LanguageTool 6.8 from ")
    assert RUNNING_SERVER_PROCESSES == []  # stopped when the run ended


FRAMEWORK = """\
atlaslint: framework/1
occupation:
  title: Customs Officers
  context: >-
    This framework covers teh work
    of officers at the border.
parts:
  - id: occupational
    statements:
      - level: foundational
        text: review and verify teh documents
        cites: [onet]
"""


def test_framework_prose_fields_through_check_data(tmp_path, lt):
    from atlaslint.checks.grammar import check_data
    from atlaslint.checks.sink import Sink
    from atlaslint.documents.source import decode
    from atlaslint.documents.yaml_loader import load_yaml

    doc = load_yaml(decode("x.framework.yaml", FRAMEWORK.encode()))
    sink = Sink()
    outcome = check_data(doc, "framework", Settings(languagetool={"url": lt.url}), sink)
    assert outcome.notice is None
    found = [(d.rule, d.span.line, d.span.column, d.span.end_column) for d in sink.items]
    # Statements start lower-case by design: no UPPERCASE_SENTENCE_START there.
    assert found == [("grammar/TEH_TYPO", 5, 27, 30), ("grammar/TEH_TYPO", 11, 33, 36)]
    assert check_data(doc, "framework", Settings(), Sink()).notice is None  # off: no request
    assert len(lt.requests) == 1


def test_framework_grammar_through_the_command_line(tmp_path, lt, cli):
    (tmp_path / "x.framework.yaml").write_text(FRAMEWORK, encoding="utf-8")
    run = cli(
        "check",
        "x.framework.yaml",
        "--format",
        "json",
        "--select",
        "grammar",
        "--languagetool-url",
        lt.url,
        cwd=tmp_path,
    )
    assert grammar(run) == [
        ("x.framework.yaml", "grammar/TEH_TYPO", 5, 27, 5, 30),
        ("x.framework.yaml", "grammar/TEH_TYPO", 11, 33, 11, 36),
    ]
