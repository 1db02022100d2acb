"""File-system helpers that never lose a byte and never trip over odd paths.

``atomic_write`` is what ``--fix`` and the cache use to write: a reader (an
editor, another atlaslint process, a crash) sees either the old bytes or the
new ones, never half a file. ``real_path`` resolves a path without raising on a
symbolic-link loop (``Path.resolve`` raises ``RuntimeError`` there on Python
3.10-3.12), so one looping link cannot crash a run.
"""

from __future__ import annotations

import contextlib
import functools
import os
import stat
from collections.abc import Iterable
from pathlib import Path


def real_path(path: Path | str) -> Path:
    """The absolute path with symbolic links resolved as far as they go; never raises."""
    try:
        return Path(os.path.realpath(path))
    except (OSError, RuntimeError, ValueError):
        return Path(os.path.abspath(path))


@functools.cache
def _current_umask() -> int:
    """The process umask, for the mode of a new file (read once; ``os.umask`` can only
    be read by setting it, which is not thread-safe, so prefer /proc where it exists)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (best effort: not every platform allows it)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write(path: Path | str, data: bytes) -> None:
    """Replace the file at ``path`` with ``data`` atomically.

    The bytes go to a temporary file in the same folder (so the final rename
    never crosses file systems), are flushed to disk, get the original file's
    permission bits (and owner, where allowed), and then replace the original
    in one ``os.replace``. A symbolic link is followed: its target is rewritten
    and the link stays a link. On any failure the original is untouched and the
    temporary file is removed.
    """
    target = Path(path)
    if target.is_symlink():
        target = real_path(target)
    folder = target.parent
    try:
        before = os.stat(target)
    except FileNotFoundError:
        before = None
    if before is not None and not stat.S_ISREG(before.st_mode):
        raise IsADirectoryError(f"{target}: not a regular file")
    import tempfile  # here, not at start-up: only --fix writes (tempfile and shutil: 2-3 ms)

    fd, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if before is not None:
            os.chmod(temp, stat.S_IMODE(before.st_mode))
            if hasattr(os, "chown"):
                with contextlib.suppress(OSError):  # only root may give files away
                    os.chown(temp, before.st_uid, before.st_gid)
        else:
            os.chmod(temp, 0o666 & ~_current_umask())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    _fsync_folder(folder)


def read_regular(path: Path | str, max_bytes: int) -> bytes | None:
    """The bytes of a regular file of at most ``max_bytes``, else ``None``.

    Never blocks on a FIFO (opened non-blocking, then refused), never reads a
    folder or a device, and never reads more than ``max_bytes + 1`` bytes: for
    code that only wants to show a file's lines.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
            return None
        data = read_at_most(fd, max_bytes + 1, info.st_size)
    except OSError:
        return None
    finally:
        os.close(fd)
    return data if len(data) <= max_bytes else None


def read_at_most(fd: int, limit: int, size: int | None = None) -> bytes:
    """Up to ``limit`` bytes from an open descriptor, to its end (a file that grows
    while it is read is still never read past ``limit``).

    ``size`` is the length ``fstat`` gave a regular file: the first read asks for one
    byte more, so a file that did not grow is read in one call into a buffer of its
    size, and a short read (the end of a regular file) needs no second call to find
    the end. Without it, reads go by 1 MiB: a fresh process then paid about 20 µs
    per file for buffers of a mebibyte to shrink to a few kilobytes.
    """
    chunks: list[bytes] = []
    remaining = limit
    ask = min(remaining, size + 1) if size is not None else min(remaining, 1 << 20)
    while remaining > 0:
        chunk = os.read(fd, ask)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
        if size is not None and len(chunk) < ask:
            break  # a regular file's end (it may grow later; what was read is checked)
        ask = min(remaining, 1 << 20)
    return b"".join(chunks)  # one chunk: that very object, not a copy


def prefetch(paths: Iterable[str]) -> None:
    """Ask the kernel to start reading the regular files among ``paths`` into its page
    cache, without waiting for them (``posix_fadvise(WILLNEED)``; a no-op where the
    platform lacks it).

    A worker hints a chunk's files before checking its first unit, so the disk
    reads the rest while the checks run: where the page cache had been emptied,
    a cold run of 654 profiles otherwise waited on about 1,300 reads one after
    another. Opened as :func:`read_regular` opens them (never blocking on a FIFO).
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None:
        return
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    for path in paths:
        try:
            fd = os.open(path, flags)
        except OSError:
            continue
        try:
            if stat.S_ISREG(os.fstat(fd).st_mode):
                advise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
        except OSError:
            pass
        finally:
            os.close(fd)


_handed: dict[str, bytes] = {}


def hand_over(path: str, data: bytes) -> None:
    """Keep the bytes just read from ``path`` for the next :func:`take_over` of it.

    The cache hashes a unit's files before the unit is checked; handing the bytes
    over means each file is read once, and the result is stored under the hash
    of exactly the bytes that were checked."""
    _handed[path] = data


def take_over(path: str) -> bytes | None:
    """The bytes handed over for ``path`` (once), or ``None``."""
    return _handed.pop(path, None)


def drop_handed() -> None:
    """Forget whatever was handed over and not taken (a unit is done)."""
    _handed.clear()
