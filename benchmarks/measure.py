"""Run a command as a whole process and measure it: wall, CPU, peak memory.

CPU and the peak resident set come from ``os.wait4`` (the child's own usage plus
that of the worker processes it waited for). Since ``ru_maxrss`` is the peak of
the largest single process, a sampler also adds up the memory of the child and
its direct children (Linux ``/proc`` only; every 50 ms, the PSS every 250 ms or
when the tree has grown), to show what a process pool costs in total: their
resident sets (RSS), which count every page a forked worker shares with its
parent once per process, and their proportional sets (PSS), which split each
shared page among the processes sharing it, so that their sum is the memory the
tree really holds.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_SECONDS = 0.05
PSS_EVERY = 5
"""Rounds between two readings of the PSS (every 0.25 s), unless the summed RSS has
grown by 2% since the last one. The kernel makes it by walking each process's page
tables: read every round, it took 6% of a core (0.26 s of system time in 5 s), on a
2-core machine a share taken from the run measured. The cheap RSS is read every
round."""
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


@dataclass
class Sample:
    """One run of one command."""

    wall: float
    user: float
    system: float
    max_rss_mb: float
    tree_rss_mb: float
    tree_pss_mb: float
    exit_code: int
    stdout: bytes
    stderr: bytes

    @property
    def cpu(self) -> float:
        return self.user + self.system


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", "rb") as handle:
            return int(handle.read().split()[1]) * _PAGE / 2**20
    except (OSError, IndexError, ValueError):
        return 0.0


def _pss_mb(pid: int) -> float:
    """The process's proportional set size (0 where the kernel does not tell it)."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) / 1024  # kilobytes
    except (OSError, IndexError, ValueError):
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    """The processes ``pid`` started, from the kernel's list of them where it keeps one
    (one small read), else from a scan of every process in /proc."""
    try:
        with open(f"/proc/{pid}/task/{pid}/children", "rb") as handle:
            return [int(child) for child in handle.read().split()]
    except (OSError, ValueError):
        return _scanned_children(pid)


def _scanned_children(pid: int) -> list[int]:
    found = []
    try:
        names = os.listdir("/proc")
    except OSError:
        return found
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(name))
    return found


class _TreeSampler(threading.Thread):
    """Peaks of the summed RSS and PSS of a process and its children while it runs."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0.0
        self.peak_pss = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        if not Path("/proc").is_dir():
            return
        rounds = 0
        children: list[int] = []
        rss_at_pss = 0.0  # the summed RSS when the PSS was last read
        while not self.done.wait(SAMPLE_SECONDS):
            if rounds % 4 == 0:  # the children (see _children): every fourth round
                children = _children(self.pid)
            rounds += 1
            tree = [self.pid, *children]
            rss = sum(_rss_mb(p) for p in tree)
            self.peak = max(self.peak, rss)
            # The first round, every PSS_EVERY, and whenever the tree has grown since.
            if rounds % PSS_EVERY == 1 or rss > 1.02 * rss_at_pss:
                rss_at_pss = rss
                self.peak_pss = max(self.peak_pss, sum(_pss_mb(p) for p in tree))


def run(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> Sample:
    """Run ``argv`` in ``cwd``; its output is captured in temporary files."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=out, stderr=err, env=env)
        sampler = _TreeSampler(process.pid)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        sampler.done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    max_rss = usage.ru_maxrss / 1024  # kilobytes on Linux
    return Sample(
        wall=wall,
        user=usage.ru_utime,
        system=usage.ru_stime,
        max_rss_mb=max_rss,
        tree_rss_mb=max(sampler.peak, max_rss),
        tree_pss_mb=sampler.peak_pss,
        exit_code=process.returncode,
        stdout=stdout,
        stderr=stderr,
    )
