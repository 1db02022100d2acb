"""The command line: click commands only; the work happens in engine and report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from atlaslint import __version__

if TYPE_CHECKING:
    from atlaslint.settings import Settings
    from atlaslint.units import Unit

EXIT_OK, EXIT_FINDINGS, EXIT_TROUBLE = 0, 1, 2


def _split(values: tuple[str, ...]) -> tuple[str, ...]:
    """``--select a,b --select c`` -> ``("a", "b", "c")``."""
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def _fail(message: str) -> None:
    click.echo(f"atlaslint: {message}", err=True)
    sys.exit(EXIT_TROUBLE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="atlaslint")
def main() -> None:
    """Lint occupation atlases: profiles, competency frameworks and records."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json", "sarif", "github", "junit"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--select", multiple=True, help="Rule ids or families to enable (comma-separated).")
@click.option("--ignore", multiple=True, help="Rule ids or families to disable (comma-separated).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that makes the exit code 1 [default: error].",
)
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Use this config file."
)
@click.option("--statistics", is_flag=True, help="Print counts per rule instead of findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print only findings, no source or summary.")
@click.option(
    "--languagetool-url",
    envvar="ATLASLINT_LANGUAGETOOL_URL",
    show_envvar=True,
    metavar="URL",
    help="LanguageTool server for the grammar rules, e.g. http://localhost:8081.",
)
@click.option(
    "--stdin-filename",
    metavar="PATH",
    help="Read the file's text from stdin ('-' as the path) and report it as PATH (editors).",
)
@click.option(
    "--output-file",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this file instead of stdout.",
)
@click.option(
    "--force-exclude",
    is_flag=True,
    default=None,
    help="Honour exclude globs even for files named explicitly (pre-commit, editors).",
)
@click.option("--fix", is_flag=True, help="Apply safe fixes in place, then report what remains.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff; change nothing.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=None,
    help="Worker processes [default: one per core; 1 checks in this process].",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the result cache.")
@click.option(
    "--cache-dir",
    type=click.Path(file_okay=False, path_type=str),
    default=None,
    help="Cache folder [default: .atlaslint_cache under the project root].",
)
def check(
    paths: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_file: Path | None,
    statistics: bool,
    quiet: bool,
    languagetool_url: str | None,
    stdin_filename: str | None,
    output_file: Path | None,
    force_exclude: bool | None,
    jobs: int | None,
    no_cache: bool,
    cache_dir: str | None,
    fix: bool = False,
    diff: bool = False,
) -> None:
    """Check PATHS (files or folders; default: the current folder)."""
    from atlaslint.config import ConfigError, resolve_settings
    from atlaslint.discovery import PathError
    from atlaslint.engine import check_paths
    from atlaslint.report.output import render_report
    from atlaslint.report.progress import ProgressBar

    from_stdin = paths == ("-",) or (not paths and stdin_filename is not None)
    if "-" in paths and not from_stdin:
        _fail("'-' (stdin) cannot be combined with other paths")
    if stdin_filename is not None and not from_stdin:
        _fail("--stdin-filename reads stdin: give '-' as the only path")
    if from_stdin and not stdin_filename:
        _fail("reading from stdin ('-') needs --stdin-filename PATH")
    if from_stdin and (fix or diff):
        _fail("--fix and --diff change files on disk; they do not read stdin")
    named = [] if from_stdin else [(p, Path(p)) for p in (paths or (".",))]
    located = [Path(stdin_filename)] if from_stdin and stdin_filename else [p for _, p in named]
    overrides = {
        "select": _split(select),
        "ignore": _split(ignore),
        "fail_on": fail_on,
        "force_exclude": force_exclude,
    }
    progress = None if quiet or from_stdin else ProgressBar(sys.stderr)
    overrides["languagetool_url"] = languagetool_url or None
    overrides.update(jobs=jobs, cache_dir=cache_dir, cache=False if no_cache else None)
    try:
        settings = resolve_settings(located, config_file, overrides)
        for selector in (*settings.select, *settings.ignore):
            if not settings.registry.known_selector(selector):
                raise ConfigError(f"unknown rule or family '{selector}' in select/ignore")
        stdin, given, unknown = None, {}, False
        if from_stdin and stdin_filename:
            stdin, given, unknown = _read_stdin(stdin_filename, settings)
        if fix or diff:
            fixed = _apply_fixes(named, settings, diff)
        result = check_paths(named, settings, progress, stdin=stdin)
        if unknown:
            result.skipped.append(str(stdin_filename))
    except (ConfigError, PathError) as exc:
        _fail(str(exc))
        return
    finally:
        if progress is not None:
            progress.close()
    for skipped in result.skipped:
        click.echo(f"atlaslint: {skipped}: not a profile, framework or record; skipped", err=True)
    for notice in result.notices:
        click.echo(f"atlaslint: {notice}", err=True)
    report = render_report(
        result,
        settings,
        output_format,
        statistics=statistics,
        quiet=quiet,
        colour=output_file is None and sys.stdout.isatty(),
        given=given,
    )
    if output_file is None:
        click.echo(report, nl=False)
    else:
        try:
            output_file.parent.mkdir(parents=True, exist_ok=True)
            output_file.write_text(report, encoding="utf-8")
        except OSError as exc:
            _fail(f"{output_file}: cannot write the report: {exc.strerror or exc}")
    if fix:
        click.echo(fixed.summary(dry_run=False), err=True)
    if result.internal_errors or result.failed or (fix and fixed.errors):
        sys.exit(EXIT_TROUBLE)
    failing = any(d.severity >= settings.fail_level for d in result.diagnostics)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


def _apply_fixes(named: list[tuple[str, Path]], settings: Settings, diff: bool):
    """``--fix``: fix the files (from a fresh check; the report that follows checks the
    fixed files). ``--diff``: print what would change and exit, 1 when anything would."""
    from atlaslint.fixes import fix_paths

    fixed = fix_paths(named, settings, write=not diff)
    for error in fixed.errors:
        click.echo(f"atlaslint: {error}", err=True)
    if diff:
        click.echo(fixed.diff(), nl=False)
        click.echo(fixed.summary(dry_run=True), err=True)
        sys.exit(EXIT_FINDINGS if fixed.files else EXIT_OK)
    return fixed


def _read_stdin(filename: str, settings: Settings) -> tuple[Unit | None, dict[str, str], bool]:
    """The unit for stdin standing for ``filename``, the text for report snippets, and
    whether the name is of no known kind. No unit when ``--force-exclude`` excludes it."""
    from atlaslint.discovery import Walker, stdin_unit

    binary = getattr(sys.stdin, "buffer", None)
    limit = settings.max_file_size + 1  # enough to know it is too large; never endless
    data = binary.read(limit) if binary is not None else sys.stdin.read(limit).encode()
    given = {filename: data.decode("utf-8", errors="replace")}
    if settings.force_exclude and Walker(settings).excluded_anywhere(Path(filename)):
        return None, given, False
    unit = stdin_unit(filename, data.decode("utf-8", errors="surrogateescape"))
    return unit, given, unit is None


@main.command("config")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--config", "config_file", type=click.Path(path_type=Path), help="Use this config file."
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
def config_command(paths: tuple[Path, ...], config_file: Path | None, output_format: str) -> None:
    """Show the resolved settings for PATHS and where each came from."""
    from atlaslint.config import ConfigError, resolve_settings
    from atlaslint.show_settings import render_json, render_text

    try:
        settings = resolve_settings(list(paths or (Path("."),)), config_file)
    except ConfigError as exc:
        _fail(str(exc))
        return
    render = render_json if output_format == "json" else render_text
    click.echo(render(settings), nl=False)


@main.command("rules")
@click.option(
    "--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text"
)
def rules_command(output_format: str) -> None:
    """List every rule: id, default severity, summary."""
    import json

    from atlaslint.config import ConfigError, resolve_settings

    try:
        settings = resolve_settings([Path.cwd()])
    except ConfigError as exc:
        _fail(str(exc))
        return
    rules = settings.registry.all()
    if output_format == "markdown":
        from atlaslint.docgen import markdown

        click.echo(markdown(settings.registry), nl=False)
        return
    if output_format == "json":
        rows = [
            {
                "id": r.id,
                "severity": r.severity.label,
                "summary": r.summary,
                "origin": r.origin,
                "fixable": r.fixable,
            }
            for r in rules
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    width = max(len(r.id) for r in rules)
    for r in rules:
        click.echo(f"{r.id:<{width}}  {r.severity.label:<7}  {r.summary}  [{r.origin}]")


@main.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Explain one rule: what it checks, why, examples, how to configure it."""
    from atlaslint.config import ConfigError, resolve_settings

    try:
        settings = resolve_settings([Path.cwd()])
        info = settings.registry.get(rule)
    except ConfigError as exc:
        _fail(str(exc))
        return
    except KeyError:
        _fail(f"unknown rule '{rule}' (see 'atlaslint rules')")
        return
    from atlaslint.docgen import explain as explain_text

    click.echo(explain_text(info), nl=False)


@main.command()
@click.argument("profile_dir", type=click.Path(path_type=Path))
@click.option(
    "--indent",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="JSON indent; 0 prints compact JSON.",
)
@click.option(
    "--git/--no-git",
    default=True,
    show_default=True,
    help="Add the SOUL.md history from git when there is one.",
)
@click.option(
    "--url-base",
    default=None,
    help="URL under which profile pages live (<url-base>/<slug>); adds 'citation'.",
)
@click.option(
    "--site-name", default="SOUL Atlas", show_default=True, help="The atlas's name in citations."
)
def assemble(
    profile_dir: Path, indent: int, git: bool, url_base: str | None, site_name: str
) -> None:
    """Print the assembled JSON record of the profile in PROFILE_DIR."""
    import json

    from atlaslint.assemble import AssembleError
    from atlaslint.assemble import assemble as build
    from atlaslint.config import ConfigError, resolve_settings

    if not profile_dir.is_dir():
        _fail(f"{profile_dir}: not a profile folder")
    try:
        settings = resolve_settings([profile_dir])
        record = build(profile_dir, settings, git=git, url_base=url_base, site_name=site_name)
    except (ConfigError, AssembleError) as exc:
        _fail(str(exc))
        return
    if indent:
        click.echo(json.dumps(record, indent=indent, ensure_ascii=False))
    else:
        click.echo(json.dumps(record, ensure_ascii=False, separators=(",", ":")))


def entry() -> None:
    """The ``atlaslint`` command: :func:`main` with the garbage collector off until a
    run starts, then an exit without the interpreter's last collection.

    Importing the program and reading its settings make objects that live as long
    as the process and no garbage worth a look (the only cyclic garbage a run
    leaves, some hundreds of objects, comes from class-building libraries at
    import), yet the collector walked them some 57 times: about 10 ms of every
    start, before the first file is read. A run turns it on again
    (:func:`atlaslint.engine.few_collections`). The last collection walks every
    object the run leaves behind (parsers, compiled rule packs, results) to find
    nothing to free: about 30 ms after a run over 654 profiles. Frozen
    (``gc.freeze``), they are skipped; exit handlers and the flushing of output
    still run as usual.
    """
    import gc

    gc.disable()
    try:
        main()
    finally:
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    entry()
