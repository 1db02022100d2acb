"""``python -m benchmarks``: time atlaslint on synthetic atlases of several sizes.

For each size it generates (or reuses) an atlas under ``benchmarks/.corpus/`` and
runs ``atlaslint check`` as a whole process in these scenarios:

- ``cold``: an empty cache, default ``--jobs`` (one worker per core);
- ``warm``: the same run again, every result from the cache;
- ``changed-one``: one SOUL.md edited, then ``atlaslint check <that file>`` from
  the atlas root (the pre-commit case: cross-file rules still see every profile);
- ``cold-jobs1``: an empty cache and ``--jobs 1`` (no pool);
- ``cold-first``: as ``cold``, and with an empty user cache folder too: the very
  first run after installing, which also prepares the bundled rule packs (kept
  in the user cache folder for every later run, as Python keeps bytecode).

Every other scenario runs as any run after the first does: the bundled packs
prepared already (a run over one profile, with a cache folder of its own, makes
sure of it before the scenarios start).

It prints wall time, CPU (user + system of the process and its workers), files
per second, milliseconds per profile and peak memory, and writes everything to
``benchmarks/results/<time>.json``; ``--compare`` shows the change against an
earlier results file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import (
    CORPUS_HOME,
    describe_sample,
    fingerprint_of,
    generate,
    sample_folder,
)
from benchmarks.measure import Sample, run

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
SCENARIOS = ("cold", "warm", "changed-one", "cold-jobs1", "cold-first")
BENCH_CACHE = ".atlaslint_cache"
USER_CACHE_ENV = "ATLASLINT_USER_CACHE_DIR"


def atlaslint_command() -> list[str]:
    """The atlaslint of this interpreter's environment."""
    script = Path(sys.executable).with_name("atlaslint")
    if script.is_file():
        return [str(script)]
    return [sys.executable, "-c", "from atlaslint.cli import entry; entry()"]


def child_env() -> dict[str, str]:
    """The environment of a user's shell: bytecode caching on, as after an install."""
    env = dict(os.environ)
    for name in ("PYTHONDONTWRITEBYTECODE", "ATLASLINT_CACHE_DIR", "ATLASLINT_NO_CACHE"):
        env.pop(name, None)  # the scenarios decide about the cache themselves
    return env


class Atlas:
    """One generated atlas and the edits the scenarios make to it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.cache = root / BENCH_CACHE
        self.first_run_user_cache = root.parent / ".first-run-user-cache"
        """The user cache folder of ``cold-first`` runs, emptied before each."""
        souls = sorted((root / "souls").iterdir())
        self.profiles = len(souls)
        self.target = souls[len(souls) // 2] / "SOUL.md"
        self.original = self.target.read_bytes()
        self.edits = 0

    def clear_cache(self) -> None:
        shutil.rmtree(self.cache, ignore_errors=True)

    def edit(self) -> None:
        """Change one profile's prose (still a valid profile) so its entry misses."""
        self.edits += 1
        self.target.write_bytes(self.original + f"\nEdited for run {self.edits}.\n".encode())

    def restore(self) -> None:
        self.target.write_bytes(self.original)


def scenario_argv(name: str, atlas: Atlas) -> list[str]:
    base = [*atlaslint_command(), "check", "--format", "json"]
    if name == "changed-one":
        return [*base, str(atlas.target.relative_to(atlas.root))]
    if name == "cold-jobs1":
        return [*base, "--jobs", "1", "."]
    return [*base, "."]


def prepare(name: str, atlas: Atlas, env: dict[str, str]) -> dict[str, str]:
    """Set the scene for one run of ``name``; the environment it runs with."""
    if name in ("cold", "cold-jobs1", "cold-first"):
        atlas.clear_cache()
    elif name == "changed-one":
        atlas.edit()
    if name == "cold-first":
        shutil.rmtree(atlas.first_run_user_cache, ignore_errors=True)
        return {**env, USER_CACHE_ENV: str(atlas.first_run_user_cache)}
    return env


def prepare_packs(atlas: Atlas, env: dict[str, str]) -> None:
    """Have the bundled rule packs prepared in the user cache folder, as after any run."""
    scratch = atlas.root.parent / ".scratch-cache"
    argv = [*atlaslint_command(), "check", "--cache-dir", str(scratch), "--format", "json"]
    run([*argv, str(atlas.target.relative_to(atlas.root))], atlas.root, env)
    shutil.rmtree(scratch, ignore_errors=True)


def files_of(sample: Sample) -> int:
    try:
        return int(json.loads(sample.stdout)["summary"]["files"])
    except (ValueError, KeyError, TypeError):
        return 0


def summarise(name: str, samples: list[Sample], profiles: int) -> dict:
    walls = [s.wall for s in samples]
    wall = statistics.median(walls)
    files = files_of(samples[-1])
    return {
        "scenario": name,
        "runs": len(samples),
        "files": files,
        "wall_s": round(wall, 4),
        "wall_min_s": round(min(walls), 4),
        "wall_all_s": [round(w, 4) for w in walls],
        "cpu_s": round(statistics.median(s.cpu for s in samples), 4),
        "user_s": round(statistics.median(s.user for s in samples), 4),
        "system_s": round(statistics.median(s.system for s in samples), 4),
        "files_per_s": round(files / wall, 1) if wall else 0.0,
        "ms_per_profile": round(1000 * wall / profiles, 4) if name != "changed-one" else None,
        "max_rss_mb": round(max(s.max_rss_mb for s in samples), 1),
        "tree_rss_mb": round(max(s.tree_rss_mb for s in samples), 1),
        "tree_pss_mb": round(max(s.tree_pss_mb for s in samples), 1),
        "exit_codes": sorted({s.exit_code for s in samples}),
    }


CALIBRATION = (
    "import time\n"
    "started = time.process_time()\n"
    "total = 0\n"
    "for i in range(300_000):\n"
    "    total += len(str(i * 7))\n"
    "print(time.process_time() - started)\n"
)
"""A fixed piece of pure Python: its CPU time says how fast the machine is right now.
On a shared virtual machine that changes by a factor of three within minutes, so
runs are comparable only when their calibrations are alike."""

CALIBRATION_MEMORY = (
    "import random, time\n"
    "random.seed(1)\n"
    "started = time.process_time()\n"
    "table = {str(i * 7919 % 1_000_003): (i, str(i)) for i in range(200_000)}\n"
    "keys = list(table)\n"
    "random.shuffle(keys)\n"
    "total = sum(table[key][0] for key in keys)\n"
    "keys.sort()\n"
    "print(time.process_time() - started)\n"
)
"""A fixed piece of Python that works through a table of tens of megabytes, far past
a core's own caches, as atlaslint's runs do. The loop above stays in the fastest
cache and misses the slow spells of a machine whose memory is shared with others:
over 95 rounds of both loops and a ``--jobs 1`` check of the 654-profile atlas
(whose CPU time varied from 1.5 to 3.0 s for the same work), this one's time went
with atlaslint's (correlation 0.56), the small loop's hardly (0.22)."""

CALIBRATIONS = {"calibration_s": CALIBRATION, "calibration_memory_s": CALIBRATION_MEMORY}
"""Results key -> the code timed before and after each atlas."""

COMPARABLE = 0.15
"""Calibrations further apart than this (relative) make two results not comparable."""


def calibrate(env: dict[str, str], code: str) -> float:
    """Seconds of CPU a calibration (``code``) takes now (the best of three)."""
    times = []
    for _ in range(3):
        sample = run([sys.executable, "-c", code], HERE, env)
        times.append(float(sample.stdout.decode().strip()))
    return round(min(times), 4)


def calibrations(env: dict[str, str]) -> dict[str, float]:
    """Every calibration of :data:`CALIBRATIONS`, timed now."""
    return {key: calibrate(env, code) for key, code in CALIBRATIONS.items()}


def describe(timed: dict[str, float]) -> str:
    """The calibrations as printed before and after an atlas's runs."""
    return (
        f"a fixed loop takes {1000 * timed['calibration_s']:.0f} ms, a memory-bound one"
        f" {1000 * timed['calibration_memory_s']:.0f} ms"
    )


def bench_size(size: int, scenarios: list[str], repeat: int, env: dict[str, str]) -> dict:
    root = generate(size)
    atlas = Atlas(root)
    before = calibrations(env)
    print(f"\n{size} profiles ({root}); {describe(before)}:", flush=True)
    rows = []
    try:
        run([*atlaslint_command(), "--version"], root, env)  # write bytecode caches
        prepare_packs(atlas, env)
        for name in scenarios:
            if name == "warm" and not atlas.cache.is_dir():
                run(scenario_argv("cold", atlas), root, env)
            samples = []
            for _ in range(repeat):
                sample = run(scenario_argv(name, atlas), root, prepare(name, atlas, env))
                if sample.exit_code not in (0, 1):
                    sys.stderr.write(sample.stderr.decode(errors="replace"))
                    raise SystemExit(
                        f"atlaslint failed in scenario {name} (exit {sample.exit_code})"
                    )
                samples.append(sample)
            row = summarise(name, samples, atlas.profiles)
            rows.append(row)
            print(format_row(row), flush=True)
    finally:
        atlas.restore()
    after = calibrations(env)
    print(f"  (after these runs, {describe(after)})", flush=True)
    return {
        "profiles": atlas.profiles,
        "root": str(root),
        "atlas_fingerprint": fingerprint_of(root),
        **{key: [before[key], after[key]] for key in CALIBRATIONS},
        "scenarios": rows,
    }


def format_row(row: dict) -> str:
    per = f"{row['ms_per_profile']:7.3f}" if row["ms_per_profile"] is not None else "      -"
    return (
        f"  {row['scenario']:<12} files {row['files']:>6}  wall {row['wall_s']:7.3f} s"
        f"  cpu {row['cpu_s']:7.3f} s  {row['files_per_s']:>9.1f} files/s"
        f"  {per} ms/profile  peak {row['max_rss_mb']:6.1f} MB"
        f" (tree RSS {row['tree_rss_mb']:6.1f}, PSS {row['tree_pss_mb']:6.1f})"
    )


def startup(env: dict[str, str]) -> dict:
    """Interpreter plus ``import atlaslint.cli``, and what -X importtime says of it."""
    code = "import atlaslint.cli"
    run([sys.executable, "-c", code], HERE, env)
    walls = [run([sys.executable, "-c", code], HERE, env).wall for _ in range(5)]
    bare = [run([sys.executable, "-c", "pass"], HERE, env).wall for _ in range(5)]
    sample = run([sys.executable, "-X", "importtime", "-c", code], HERE, env)
    total_us = 0
    for line in sample.stderr.decode(errors="replace").splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[2].strip() == "atlaslint.cli":
            total_us = int(parts[1].strip())
    return {
        "import_cli_wall_s": round(statistics.median(walls), 4),
        "bare_python_wall_s": round(statistics.median(bare), 4),
        "importtime_atlaslint_cli_us": total_us,
    }


def interpreter() -> str:
    """The interpreter binary running the benchmark (and the atlaslint beside it), and
    whether it runs on a shared ``libpython``: two builds of one Python differ by
    several percent here (README, "Speed"), so results name the build they came from."""
    binary = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    try:  # what this process has loaded (Linux): a single binary loads no libpython
        shared = "libpython" in Path("/proc/self/maps").read_text()
    except OSError:
        return binary
    return f"{binary} ({'shared' if shared else 'no'} libpython)"


def git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=HERE,
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def compare(current: dict, earlier_path: Path) -> None:
    earlier = json.loads(earlier_path.read_text())
    before = {
        (size, row["scenario"]): row
        for size, result in earlier.get("sizes", {}).items()
        for row in result["scenarios"]
    }
    print(f"\nCompared with {earlier_path.name}:")
    for size, result in current["sizes"].items():
        earlier_atlas = earlier.get("sizes", {}).get(size, {}).get("atlas_fingerprint")
        if earlier_atlas != result.get("atlas_fingerprint"):
            print(
                f"  note: the {size}-profile atlases differ (other profiles copied, or"
                " another generator): the figures are not comparable"
            )
        slower = _speed_changed(earlier.get("sizes", {}).get(size, {}), result)
        if slower:
            print(
                f"  note: the machine ran at another speed for the {size}-profile runs"
                f" ({slower}): the figures are not comparable"
            )
        for row in result["scenarios"]:
            old = before.get((size, row["scenario"]))
            if old and old["wall_s"]:
                ratio = row["wall_s"] / old["wall_s"]
                print(
                    f"  {size:>6} {row['scenario']:<12} {old['wall_s']:7.3f} s -> "
                    f"{row['wall_s']:7.3f} s  ({ratio:5.2f}x)"
                )


def _speed_changed(earlier: dict, current: dict) -> str:
    """How the calibrations of two results for one atlas differ by more than
    :data:`COMPARABLE`, or ``""`` (results without a calibration are not judged)."""
    changes = []
    for key in CALIBRATIONS:
        old, new = earlier.get(key), current.get(key)
        if not old or not new:
            continue
        ratio = max(new) / max(old)
        if abs(ratio - 1) > COMPARABLE:
            changes.append(f"{key} {max(old):.3f} s -> {max(new):.3f} s")
    return "; ".join(changes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--sizes", default="650,5000,20000", help="profiles per atlas, comma-separated"
    )
    parser.add_argument(
        "--scenarios", default=",".join(SCENARIOS), help=f"any of {', '.join(SCENARIOS)}"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs per scenario (median shown)")
    parser.add_argument("--out", type=Path, help="results file [benchmarks/results/<time>.json]")
    parser.add_argument("--compare", type=Path, help="an earlier results file to compare with")
    parser.add_argument("--clean", action="store_true", help="delete the generated atlases")
    args = parser.parse_args(argv)
    if args.clean:
        shutil.rmtree(CORPUS_HOME, ignore_errors=True)
        return 0
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    unknown = sorted(set(scenarios) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(unknown)}")
    env = child_env()
    load = os.getloadavg() if hasattr(os, "getloadavg") else None
    result: dict = {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "commit": git_commit(),
        "python": platform.python_version(),
        "interpreter": interpreter(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average_at_start": load,
        "sample": str(sample_folder()),
        "command": atlaslint_command(),
        "repeat": args.repeat,
        "sizes": {},
    }
    result["startup"] = startup(env)
    s = result["startup"]
    print(f"python {result['python']}: {result['interpreter']}")
    print(describe_sample())
    print(
        f"start-up: python -c pass {s['bare_python_wall_s']:.3f} s; "
        f"import atlaslint.cli {s['import_cli_wall_s']:.3f} s "
        f"(-X importtime: {s['importtime_atlaslint_cli_us'] / 1000:.1f} ms)"
    )
    if load and load[0] > (os.cpu_count() or 1) * 0.5:
        print(f"note: load average {load[0]:.2f} at start; other work skews wall times")
    for size in sizes:
        result["sizes"][str(size)] = bench_size(size, scenarios, args.repeat, env)
    out = args.out or RESULTS / f"{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nresults: {out}")
    if args.compare:
        compare(result, args.compare)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
