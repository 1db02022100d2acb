"""The bundled rule packs, prepared once per installation and kept across runs.

Loading ``rules/bias.yaml`` and ``rules/style.yaml`` (composing the YAML with
positions, parsing every template) and planning their terms took about 40 ms
of every run, before any file was read: a sixth of a pre-commit run, and time
the second core sits idle in a run over a whole atlas. The result depends only
on the installed atlaslint, so, like Python's own bytecode, it is kept once
prepared: a pickle in the user's cache folder, read back in about 4 ms.

The key is a digest of everything that shapes the packs: the atlaslint
version, the Python version, the path and bytes of each bundled pack, and the
source of the modules that load and plan them (an edited checkout never reads
a pickle of the code before the edit). Loading goes through the cache's
restricted unpickler, which builds atlaslint's own classes and plain values
only, so a planted file cannot run code; a file that is not the current
user's, or that others may write, is not read at all. A missing, stale or
broken file is prepared again and replaced; a folder that cannot be written
only costs the 40 ms. ``--no-cache`` and ``ATLASLINT_NO_CACHE`` leave the
folder untouched.
"""

from __future__ import annotations

import contextlib
import io
import os
import pickle
import stat
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from atlaslint import __version__
from atlaslint.digest import blake2b

ENV_USER_DIR = "ATLASLINT_USER_CACHE_DIR"
"""Where atlaslint keeps what it prepares once per installation (default: the
``atlaslint`` folder in ``$XDG_CACHE_HOME``, else in ``~/.cache``)."""
FORMAT = 1
"""Bumped when what the pickle holds changes shape in a way the sources don't show."""
KEPT = 4
"""Pickles of other keys kept (other installations, other Pythons) besides the current."""
PREFIX, SUFFIX = "packs-", ".pickle"


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


def store_key(pack_paths: Sequence[Path], code: Sequence[Path]) -> str:
    """The digest naming the pickle of ``pack_paths`` loaded by the modules in ``code``."""
    digest = blake2b(digest_size=16)
    digest.update(f"{FORMAT}\x00{__version__}\x00{sys.version}\x00".encode())
    for path in (*pack_paths, *code):
        digest.update(str(path.resolve()).encode("utf-8", "surrogatepass") + b"\x00")
        digest.update(path.read_bytes())
        digest.update(b"\x00")
    return digest.hexdigest()


def _code_files() -> list[Path]:
    """The modules whose code decides what a loaded, planned pack holds."""
    from atlaslint.phrases import pack, patterns

    return [Path(pack.__file__), Path(patterns.__file__)]


def _trusted(fd: int) -> bool:
    """A regular file of this user's that no one else may write."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return False
    getuid = getattr(os, "getuid", None)
    return getuid is None or info.st_uid == getuid()


def _unpickler() -> type:
    """The cache's restricted unpickler, also allowing a rule's planned state."""
    from atlaslint.cache import SafeUnpickler

    class PackUnpickler(SafeUnpickler):
        _allowed: ClassVar[dict[tuple[str, str], Any]] = {}
        extra = frozenset({("atlaslint.phrases.pack", "_Compiled")})

    return PackUnpickler


def _read(path: Path) -> Any | None:
    """The packs pickled at ``path``, or ``None`` (missing, untrusted or broken)."""
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
    try:
        packs = _unpickler()(io.BytesIO(data)).load()
    except Exception:  # truncated, foreign or from other code: prepared again
        return None
    from atlaslint.phrases.pack import Pack

    if not isinstance(packs, tuple) or not all(isinstance(p, Pack) for p in packs):
        return None
    return packs


def _write(folder: Path, key: str, packs: tuple) -> None:
    """Keep ``packs`` under ``key`` (best effort) and drop all but the newest others."""
    from atlaslint.cache import write_atomically_in

    try:
        payload = pickle.dumps(packs, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError):
        return
    target = folder / f"{PREFIX}{key}{SUFFIX}"
    if not write_atomically_in(target, payload):
        return
    with contextlib.suppress(OSError):
        others = [p for p in folder.glob(f"{PREFIX}*{SUFFIX}") if p != target]
        others.sort(key=lambda p: p.stat().st_mtime_ns, reverse=True)
        for old in others[KEPT:]:
            old.unlink()


def prepare(packs: tuple) -> tuple:
    """Plan every term of ``packs`` now (what the first check would do), in place."""
    for pack in packs:
        pack.asked_words()
    return packs


def stored_builtin_packs(enabled: bool = True) -> tuple:
    """The bundled packs, prepared: from the user's cache folder when kept there,
    else loaded from their YAML and kept (``enabled`` false: loaded, nothing kept)."""
    from atlaslint.phrases.pack import builtin_pack_paths, load_builtin_packs

    folder = user_cache_dir() if enabled else None
    if folder is None:
        return prepare(load_builtin_packs())
    try:
        key = store_key(builtin_pack_paths(), _code_files())
    except OSError:
        return prepare(load_builtin_packs())
    packs = _read(folder / f"{PREFIX}{key}{SUFFIX}")
    if packs is None:
        packs = prepare(load_builtin_packs())
        _write(folder, key, packs)
    return packs
