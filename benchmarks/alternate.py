"""``python -m benchmarks.alternate``: two builds of atlaslint, run in turn.

On a shared virtual machine a core's speed drifts by a third within minutes, so two
builds timed minutes apart are not comparable. Here each pair of runs is made back
to back, old then new, on the same atlas with an empty cache (the ``cold`` scenario
of ``python -m benchmarks``), and the pairs are summed up by their medians and by
how often the new build won. ``--evict`` first drops the atlas's files from the
page cache (``posix_fadvise(DONTNEED)``), as a machine that reclaims idle page cache
does between runs.

    python -m benchmarks.alternate OLD/.venv/bin/atlaslint NEW/.venv/bin/atlaslint \\
        --size 654 --pairs 10 [--evict] [-- --jobs 1]

(after ``--``: arguments given to both builds' ``atlaslint check``)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

from benchmarks.__main__ import BENCH_CACHE, RESULTS, child_env, files_of
from benchmarks.corpus import describe_sample, fingerprint_of, generate
from benchmarks.measure import run


def evict(root: Path) -> int:
    """Drop the files under ``root`` from the page cache; how many were asked."""
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return 0
    count = 0
    for folder, _, names in os.walk(root):
        for name in names:
            try:
                fd = os.open(os.path.join(folder, name), os.O_RDONLY | os.O_NONBLOCK)
            except OSError:
                continue
            try:
                advise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                count += 1
            except OSError:
                pass
            finally:
                os.close(fd)
    return count


def alternate(
    builds: dict[str, str], root: Path, pairs: int, extra: list[str], drop: bool
) -> dict[str, list[dict]]:
    """``pairs`` cold runs of each build on ``root``, old and new in turn."""
    env = child_env()
    samples: dict[str, list[dict]] = {name: [] for name in builds}
    for _ in range(pairs):
        for name, command in builds.items():
            shutil.rmtree(root / BENCH_CACHE, ignore_errors=True)
            if drop:
                evict(root)
            sample = run([command, "check", "--format", "json", *extra, "."], root, env)
            samples[name].append(
                {
                    "wall_s": round(sample.wall, 4),
                    "cpu_s": round(sample.cpu, 4),
                    "files": files_of(sample),
                    "exit_code": sample.exit_code,
                }
            )
    shutil.rmtree(root / BENCH_CACHE, ignore_errors=True)
    return samples


def summary(samples: dict[str, list[dict]]) -> dict:
    old, new = samples["old"], samples["new"]
    out: dict = {}
    for name, runs in samples.items():
        walls = [r["wall_s"] for r in runs]
        out[name] = {
            "wall_median_s": statistics.median(walls),
            "wall_min_s": min(walls),
            "cpu_median_s": statistics.median(r["cpu_s"] for r in runs),
        }
    out["new_faster_in"] = sum(n["wall_s"] < o["wall_s"] for o, n in zip(old, new, strict=True))
    out["pairs"] = len(old)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.alternate", description=__doc__.split("\n")[0]
    )
    parser.add_argument("old", help="the old build's atlaslint command")
    parser.add_argument("new", help="the new build's atlaslint command")
    parser.add_argument("--size", type=int, default=654, help="profiles in the atlas [654]")
    parser.add_argument("--pairs", type=int, default=10, help="runs of each build [10]")
    parser.add_argument("--evict", action="store_true", help="drop the atlas from the page cache")
    parser.add_argument("--out", type=Path, help="results file [benchmarks/results/…]")
    argv = list(sys.argv[1:] if argv is None else argv)
    extra = argv[argv.index("--") + 1 :] if "--" in argv else []  # for both builds
    args = parser.parse_args(argv[: argv.index("--")] if "--" in argv else argv)
    builds: dict[str, str] = {}
    for name, command in (("old", args.old), ("new", args.new)):
        found = shutil.which(command)
        if found is None:
            parser.error(f"{command}: not an executable")
        builds[name] = os.path.abspath(found)  # the runs start in the atlas's folder
    root = generate(args.size)
    print(describe_sample())
    samples = alternate(builds, root, args.pairs, extra, args.evict)
    if len({r["files"] for runs in samples.values() for r in runs}) != 1:
        print("note: the builds did not check the same number of files", file=sys.stderr)
    result = {
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "atlas": str(root),
        "atlas_fingerprint": fingerprint_of(root),
        "builds": builds,
        "evict": args.evict,
        "extra": extra,
        "samples": samples,
        "summary": summary(samples),
    }
    s = result["summary"]
    for name in builds:
        row = s[name]
        print(
            f"{name}: wall median {row['wall_median_s']:.3f} s (min {row['wall_min_s']:.3f}), "
            f"cpu median {row['cpu_median_s']:.3f} s"
        )
    print(f"new faster in {s['new_faster_in']} of {s['pairs']} pairs")
    out = args.out or RESULTS / f"alternate-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"results: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
