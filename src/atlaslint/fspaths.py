"""Real (symlink-free) paths, with each folder resolved once per run.

``Path.resolve()`` makes one ``lstat`` per path component, so resolving every
file of a large atlas costs more than checking it from the cache. A file's real
path is its folder's real path plus its name unless the file itself is a link,
so folders are resolved once and remembered; :func:`forget` clears that memory
at the start of each run, so a long-lived process never sees a stale answer.
"""

from __future__ import annotations

import functools
import os


def _realpath(path: str) -> str:
    """``os.path.realpath`` that never raises (a link loop, an odd name)."""
    try:
        return os.path.realpath(path)
    except (OSError, RuntimeError, ValueError):
        return os.path.abspath(path)


@functools.lru_cache(maxsize=1 << 16)
def _real_folder(folder: str) -> str:
    """Real path of an absolute, normalised folder: its parent's plus its name."""
    parent, name = os.path.split(folder)
    if not name or parent == folder:
        return _realpath(folder)
    joined = os.path.join(_real_folder(parent), name)
    return _realpath(joined) if os.path.islink(joined) else joined


def real_path(path: str | os.PathLike[str]) -> str:
    """The same string as ``os.path.realpath(path)`` (``fsutil.real_path``, as text)."""
    text = os.fspath(path)
    head, tail = os.path.split(text)
    if not tail or tail in (".", "..") or _has_parent_step(head):
        return _realpath(text)
    folder = head if os.path.isabs(head) else os.path.join(os.getcwd(), head)
    parent = _real_folder(os.path.normpath(folder))
    joined = os.path.join(parent, tail)
    return _realpath(joined) if os.path.islink(joined) else joined


def _has_parent_step(path: str) -> bool:
    """Does ``path`` hold a ``..`` component? (``".." in Path(path).parts``, which
    builds a path object: a third of the time of :func:`real_path`.)"""
    if os.altsep:
        path = path.replace(os.altsep, os.sep)
    return f"{os.sep}..{os.sep}" in f"{os.sep}{path}{os.sep}"


def relative_to(path: str | os.PathLike[str], root: str) -> str | None:
    """``path``'s real path relative to the real folder ``root`` in POSIX form, else None."""
    real = real_path(path)
    if real == root:
        return "."
    prefix = root if root.endswith(os.sep) else root + os.sep
    if not real.startswith(prefix):
        return None
    rest = real[len(prefix) :]
    return rest.replace(os.sep, "/") if os.sep != "/" else rest


def forget() -> None:
    """Drop remembered folders (called at the start of every run)."""
    _real_folder.cache_clear()
