"""What atlaslint prepares once per installation and keeps across runs.

Some work depends only on the installed atlaslint, never on the files checked:
loading and planning the bundled rule packs (about 40 ms), reading the built-in
rules' descriptions from ``rules/builtin/*.yaml`` (about 4 ms). Every run did it
before reading a single file, while the other cores waited. So, like Python's own
bytecode, the result is kept once prepared: a pickle in the user's cache folder,
read back in a fraction of the time.

Each pickle is named by a digest of everything that shapes it: the atlaslint
version, the Python version, the path and bytes of each data file it was made
from, and the source of the modules that make it (an edited checkout never
reads a pickle of the code before the edit). Loading goes through the cache's
restricted unpickler, which builds atlaslint's own data classes and plain
values only, so a planted file cannot run code; a file that is not the current
user's, or that others may write, is not read at all. A missing, stale or
broken file is prepared again and replaced; a folder that cannot be written
only costs the preparing. ``--no-cache`` and ``ATLASLINT_NO_CACHE`` leave the
folder untouched.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from atlaslint import __version__
from atlaslint.digest import blake2b

ENV_USER_DIR = "ATLASLINT_USER_CACHE_DIR"
"""Where atlaslint keeps what it prepares once per installation (default: the
``atlaslint`` folder in ``$XDG_CACHE_HOME``, else in ``~/.cache``)."""
FORMAT = 1
"""Bumped when what a pickle holds changes shape in a way the sources don't show."""
KEPT = 4
"""Pickles of other keys kept per name (other installations, other Pythons)
besides the current one."""
SUFFIX = ".pickle"

T = TypeVar("T")


def user_cache_dir() -> Path | None:
    """The folder for what is prepared once per installation, or ``None`` when there
    is no home to put it in."""
    configured = os.environ.get(ENV_USER_DIR)
    if configured:
        return Path(configured).expanduser().absolute()
    base = os.environ.get("XDG_CACHE_HOME")
    if base and os.path.isabs(base):
        return Path(base) / "atlaslint"
    try:
        return Path.home() / ".cache" / "atlaslint"
    except RuntimeError:  # no home directory
        return None


def key_of(sources: Sequence[Path], code: Sequence[Path]) -> str:
    """The digest naming what is made from the files ``sources`` by the modules ``code``."""
    digest = blake2b(digest_size=16)
    digest.update(f"{FORMAT}\x00{__version__}\x00{sys.version}\x00".encode())
    for path in (*sources, *code):
        digest.update(str(path.resolve()).encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(path.read_bytes())
        digest.update(b"\x00")
    return digest.hexdigest()


def _trusted(fd: int) -> bool:
    """A regular file of this user's that no one else may write."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def read(path: Path, unpickler: type[pickle.Unpickler] | None = None) -> Any | None:
    """What is pickled at ``path``, or ``None`` (missing, untrusted or broken).

    ``unpickler``: the cache's restricted unpickler unless a subclass of it, one
    allowing a few more of atlaslint's classes, is given."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not _trusted(fd):
            return None
        with os.fdopen(os.dup(fd), "rb") as handle:
            data = handle.read()
    except OSError:
        return None
    finally:
        os.close(fd)
    if unpickler is None:
        from atlaslint.cache import SafeUnpickler

        unpickler = SafeUnpickler
    try:
        return unpickler(io.BytesIO(data)).load()
    except Exception:  # truncated, foreign or from other code: prepared again
        return None


def write(folder: Path, prefix: str, key: str, value: object) -> None:
    """Keep ``value`` as ``<prefix><key>.pickle`` (best effort) and drop all but the
    newest :data:`KEPT` others of the same prefix."""
    from atlaslint.cache import write_atomically_in

    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    target = folder / f"{prefix}{key}{SUFFIX}"
    if not write_atomically_in(target, payload):
        return
    with contextlib.suppress(OSError):
        others = [p for p in folder.glob(f"{prefix}*{SUFFIX}") if p != target]
        others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in others[KEPT:]:
            old.unlink()


def kept(
    prefix: str,
    sources: Sequence[Path],
    code: Sequence[Path],
    make: Callable[[], T],
    valid: Callable[[Any], bool],
    enabled: bool = True,
    unpickler: type[pickle.Unpickler] | None = None,
) -> T:
    """``make()``, or what an earlier run kept of it in the user's cache folder.

    ``sources`` and ``code`` name the pickle (:func:`key_of`); a pickle read back is
    used only if ``valid`` accepts it, else made again and replaced. ``enabled``
    false: made here, nothing read or kept."""
    folder = user_cache_dir() if enabled else None
    if folder is None:
        return make()
    try:
        key = key_of(sources, code)
    except OSError:
        return make()
    found = read(folder / f"{prefix}{key}{SUFFIX}", unpickler)
    if found is not None and valid(found):
        return found  # type: ignore[no-any-return]
    made = make()
    write(folder, prefix, key, made)
    return made
