"""The command line: click commands only; the work happens in engine and report."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from atlaslint import __version__

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
) -> None:
    """Check PATHS (files or folders; default: the current folder)."""
    from atlaslint.config import ConfigError, resolve_settings
    from atlaslint.discovery import PathError
    from atlaslint.engine import check_paths
    from atlaslint.report import formatter

    named = [(p, Path(p)) for p in (paths or (".",))]
    overrides = {"select": _split(select), "ignore": _split(ignore), "fail_on": fail_on}
    overrides["languagetool_url"] = languagetool_url or None
    try:
        settings = resolve_settings([p for _, p in named], config_file, overrides)
        for selector in (*settings.select, *settings.ignore):
            if not settings.registry.known_selector(selector):
                raise ConfigError(f"unknown rule or family '{selector}' in select/ignore")
        result = check_paths(named, settings)
    except (ConfigError, PathError) as exc:
        _fail(str(exc))
        return
    for skipped in result.skipped:
        click.echo(f"atlaslint: {skipped}: not a profile, framework or record; skipped", err=True)
    for notice in result.notices:
        click.echo(f"atlaslint: {notice}", err=True)
    colour = sys.stdout.isatty()
    if statistics:
        from atlaslint.report.text import statistics as stats

        text = stats(result)
        click.echo(text if text else "No findings.")
    elif output_format == "text":
        from atlaslint.report.text import format_line, render

        if quiet:
            for diag in result.diagnostics:
                click.echo(format_line(diag, colour))
        else:
            click.echo(render(result, colour=colour), nl=False)
    else:
        click.echo(formatter(output_format)(result), nl=False)
    if result.internal_errors or result.failed:
        sys.exit(EXIT_TROUBLE)
    failing = any(d.severity >= settings.fail_level for d in result.diagnostics)
    sys.exit(EXIT_FINDINGS if failing else EXIT_OK)


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text")
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
    lines = [f"{info.id} ({info.severity.label}, {info.origin})", "", info.summary + "."]
    if info.why:
        lines += ["", "Why: " + info.why]
    if info.bad:
        lines += ["", "Fails:", *("    " + x for x in info.bad.rstrip("\n").split("\n"))]
    if info.good:
        lines += ["", "Passes:", *("    " + x for x in info.good.rstrip("\n").split("\n"))]
    lines += [
        "",
        "Configure:",
        f'    severity = {{ "{info.id}" = "warning" }}   # or error, info, off',
        f'    ignore = ["{info.id}"]',
        "Suppress:",
        f"    <!-- atlaslint-disable-next-line {info.id} -->   (Markdown)",
        f"    # atlaslint: disable={info.id}                    (YAML)",
    ]
    click.echo("\n".join(lines))


if __name__ == "__main__":  # pragma: no cover
    main()
