"""The benchmark harness: its synthetic atlases are valid atlases, and it measures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from benchmarks import __main__ as bench
from benchmarks.corpus import generate, load_templates, sample_folder
from benchmarks.measure import run


def test_a_generated_atlas_is_valid_and_coherent(tmp_path: Path, cli) -> None:
    templates = load_templates(sample_folder())
    size = len(templates) + 5  # a second copy of some profiles: varied slugs and titles
    root = generate(size, home=tmp_path)
    souls = sorted(p.name for p in (root / "souls").iterdir())
    assert len(souls) == size
    report = cli("check", "--format", "json", "--no-cache", str(root)).json
    assert report["summary"]["errors"] == 0
    assert report["summary"]["files"] == 2 * size + len(list((root / "frameworks").iterdir()))
    titles = [d for d in report["diagnostics"] if d["rule"] == "xref/duplicate-title"]
    copies = [d for d in titles if "-v1/" in d["path"]]
    assert copies == []  # a copy's title and aliases differ from its original's


def test_generation_is_reused_until_its_inputs_change(tmp_path: Path) -> None:
    root = generate(3, home=tmp_path)
    stamp = (root / ".generated.json").stat().st_mtime_ns
    assert generate(3, home=tmp_path) == root
    assert (root / ".generated.json").stat().st_mtime_ns == stamp


def test_measure_reports_the_childs_cpu_and_memory(tmp_path: Path) -> None:
    code = "x = bytearray(60 * 2**20); sum(range(3 * 10**6))"
    sample = run([sys.executable, "-c", code], tmp_path)
    assert sample.exit_code == 0
    assert sample.cpu > 0.02
    assert sample.wall >= sample.cpu * 0.5
    assert sample.max_rss_mb > 60


def test_the_tree_s_proportional_memory_counts_a_forked_copy_once(tmp_path: Path) -> None:
    """A forked worker shares its parent's pages: the summed RSS counts them twice,
    the summed PSS once."""
    code = (
        "import os, time\n"
        "x = bytearray(80 * 2**20)\n"
        "x[::4096] = b'x' * len(x[::4096])\n"  # every page touched, no temporary copy
        "if os.fork() == 0:\n    time.sleep(0.8)\n    os._exit(0)\n"
        "os.wait()\n"
    )
    sample = run([sys.executable, "-c", code], tmp_path)
    assert sample.exit_code == 0
    if sample.tree_pss_mb == 0:
        pytest.skip("this kernel does not report PSS (/proc/PID/smaps_rollup)")
    assert sample.tree_rss_mb > 150  # the buffer, counted in both processes
    assert 80 < sample.tree_pss_mb < 0.7 * sample.tree_rss_mb


def test_a_quick_run_writes_comparable_results(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(bench, "generate", lambda size: generate(size, home=tmp_path / "c"))
    out = tmp_path / "r.json"
    assert bench.main(["--sizes", "6", "--repeat", "1", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert f"profiles copied from {sample_folder()}" in printed
    result = json.loads(out.read_text())
    stamp = json.loads((tmp_path / "c" / "atlas-6" / ".generated.json").read_text())
    assert result["sizes"]["6"]["atlas_fingerprint"] == stamp["fingerprint"]
    rows = {row["scenario"]: row for row in result["sizes"]["6"]["scenarios"]}
    assert set(rows) == {"cold", "warm", "changed-one", "cold-jobs1", "cold-first"}
    assert rows["cold-first"]["files"] == rows["cold"]["files"]
    # the first run after an install prepared the bundled packs in its own user cache
    assert len(list((tmp_path / "c" / ".first-run-user-cache").glob("packs-*.pickle"))) == 1
    assert rows["cold"]["files"] == rows["warm"]["files"] > 12
    assert rows["changed-one"]["files"] == 2
    assert all(row["exit_codes"] in ([0], [1]) for row in rows.values())
    assert result["startup"]["importtime_atlaslint_cli_us"] > 0
    # the interpreter build that ran (two builds of one version differ by several %)
    binary = result["interpreter"].split(" (")[0]
    assert Path(binary).is_file() and Path(binary).samefile(sys._base_executable)
    if Path("/proc/self/maps").exists():
        loaded = "libpython" in Path("/proc/self/maps").read_text()
        assert result["interpreter"].endswith("(shared libpython)" if loaded else "(no libpython)")
    if Path("/proc/self/smaps_rollup").exists():  # Linux 4.14 and later
        assert all(row["tree_pss_mb"] > 0 for row in rows.values())
    for key in ("calibration_s", "calibration_memory_s"):  # the machine's speed, both ends
        before, after = result["sizes"]["6"][key]
        assert 0 < before < 10 and 0 < after < 10
    assert "a memory-bound one" in printed


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="Linux /proc only")
def test_the_children_are_found_with_or_without_the_kernels_list() -> None:
    """The sampler finds a run's workers from /proc/PID/task/PID/children, or by a scan
    of every process where the kernel keeps no such list: the same processes."""
    from benchmarks.measure import _children, _scanned_children

    code = "import os, time\nif os.fork() == 0:\n    time.sleep(2)\n    os._exit(0)\nos.wait()\n"
    parent = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.monotonic() + 5
        while not _scanned_children(parent.pid) and time.monotonic() < deadline:
            time.sleep(0.02)
        scanned = _scanned_children(parent.pid)
        assert len(scanned) == 1
        assert _children(parent.pid) == scanned
    finally:
        parent.wait()


def test_two_builds_run_in_turn_on_the_same_cold_atlas(tmp_path: Path, monkeypatch) -> None:
    """``python -m benchmarks.alternate``: pairs of cold runs, old then new, each with
    its own sample, the atlas's files evicted from the page cache but unchanged."""
    from benchmarks import alternate

    monkeypatch.setattr(alternate, "generate", lambda size: generate(size, home=tmp_path / "c"))
    atlaslint = str(Path(sys.executable).with_name("atlaslint"))
    out = tmp_path / "alt.json"
    root = generate(6, home=tmp_path / "c")
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    monkeypatch.chdir(Path(atlaslint).parent)  # a path relative to where it is typed
    argv = [atlaslint, "./atlaslint", "--size", "6", "--pairs", "2", "--evict", "--out", str(out)]
    assert alternate.main([*argv, "--", "--jobs", "1"]) == 0
    result = json.loads(out.read_text())
    assert result["builds"] == {"old": atlaslint, "new": atlaslint}
    assert result["extra"] == ["--jobs", "1"] and result["evict"] is True
    runs = result["samples"]["old"] + result["samples"]["new"]
    assert len(result["samples"]["old"]) == len(result["samples"]["new"]) == 2
    assert len({r["files"] for r in runs}) == 1 and runs[0]["files"] > 12
    assert all(r["exit_code"] in (0, 1) and r["wall_s"] > 0 for r in runs)
    assert 0 <= result["summary"]["new_faster_in"] <= 2
    assert not (root / ".atlaslint_cache").exists()  # each run started cold; none left
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before
    if hasattr(os, "posix_fadvise"):
        assert alternate.evict(root) == len(before)


def test_a_comparison_says_when_the_atlases_differ(tmp_path: Path, capsys) -> None:
    """Atlases made from other profiles (a checkout without ../shared/corpus copies
    the one bundled example) give other figures: a comparison says so."""
    row = {"scenario": "cold", "wall_s": 1.0}
    earlier = tmp_path / "earlier.json"
    earlier.write_text(
        json.dumps({"sizes": {"654": {"atlas_fingerprint": "a", "scenarios": [row]}}})
    )
    same = {"sizes": {"654": {"atlas_fingerprint": "a", "scenarios": [row]}}}
    bench.compare(same, earlier)
    assert "not comparable" not in capsys.readouterr().out
    other = {"sizes": {"654": {"atlas_fingerprint": "b", "scenarios": [row]}}}
    bench.compare(other, earlier)
    assert "the 654-profile atlases differ" in capsys.readouterr().out


def test_a_comparison_says_when_the_machine_ran_at_another_speed(tmp_path: Path, capsys) -> None:
    """Figures taken while the machine ran a fifth slower (by its calibrations) are
    not put side by side without a word; within 15% they are."""
    row = {"scenario": "cold", "wall_s": 1.0}

    def result(memory: list[float]) -> dict:
        size = {
            "atlas_fingerprint": "a",
            "calibration_s": [0.042, 0.043],
            "calibration_memory_s": memory,
            "scenarios": [row],
        }
        return {"sizes": {"654": size}}

    earlier = tmp_path / "earlier.json"
    earlier.write_text(json.dumps(result([0.40, 0.41])))
    bench.compare(result([0.41, 0.45]), earlier)
    assert "another speed" not in capsys.readouterr().out
    bench.compare(result([0.40, 0.50]), earlier)
    printed = capsys.readouterr().out
    assert "the machine ran at another speed for the 654-profile runs" in printed
    assert "calibration_memory_s 0.410 s -> 0.500 s" in printed
    assert "calibration_s " not in printed  # the small loop did not move


def test_the_bundled_example_is_named_as_a_sample_of_its_own() -> None:
    from benchmarks.corpus import REPO, describe_sample

    examples = describe_sample(REPO / "examples")
    assert "../shared/corpus is absent" in examples and "not comparable" in examples
    if sample_folder() != REPO / "examples":
        assert "not comparable" not in describe_sample()
