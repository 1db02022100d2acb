"""The result cache: one file per unit, reused while nothing that decides the result changed.

A unit's result (its diagnostics and its :class:`~atlaslint.units.IndexEntry`) is a
pure function of the unit's files and the settings, so it is keyed by

- the content hash of every file of the unit (a missing file counts too),
- the atlaslint version and a stamp of its code,
- ``settings.fingerprint()`` (select/ignore, severities, thresholds, ...),
- a hash of the packaged ``rules/`` and ``schemas/`` and of every rule-pack folder.

Each unit has one entry, named by a hash of its kind and path, so the folder holds
at most one file per unit ever checked: a changed file overwrites its entry instead
of adding one, and :meth:`ResultCache.prune` drops the oldest entries of units a run
did not touch once the folder outgrows the atlas. Entries are written to a temporary
file and moved into place with ``os.replace``, so concurrent runs never see half an
entry; an entry that cannot be read or decoded is ignored and rewritten.

Entries are pickles read through an unpickler that builds nothing but atlaslint's
own data classes and plain values, so a cache folder from an untrusted source can
at worst give wrong findings, never run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import hashlib
import io
import os
import pickle
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from atlaslint import __version__
from atlaslint.units import PROFILE, Unit, UnitResult

FORMAT = 2
"""Bumped when the entry layout changes; older entries are then simply misses."""
DEFAULT_DIR = ".atlaslint_cache"
ENV_DIR = "ATLASLINT_CACHE_DIR"
ENV_OFF = "ATLASLINT_NO_CACHE"
"""Set (to anything but 0/false/no) to turn the cache off, as ``--no-cache`` does."""
ENTRIES = f"v{FORMAT}"
CHECK, INDEX = "check", "index"
"""What an entry holds: a full check of the unit, or only its index entry."""
MIN_KEPT = 10_000
"""Pruning starts only past this many entries (and twice the units of the run)."""
PROFILE_FILES = ("SOUL.md", "metadata.yaml")
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
"""A temporary file this old was left by a run that died before renaming it."""
_SAFE_BUILTINS = frozenset({"set", "frozenset", "complex", "bytearray", "slice", "range"})


def unit_files(unit: Unit) -> tuple[Path, ...]:
    """The files a unit's result depends on."""
    if unit.kind == PROFILE:
        return tuple(unit.fs_path / name for name in PROFILE_FILES)
    return (unit.fs_path,)


def content_digest(unit: Unit, max_bytes: int) -> bytes | None:
    """A hash of every file of the unit, or ``None`` when it cannot be cached.

    A file over ``max_bytes`` is not read: the checks report only its size, so the
    size is what is hashed.
    """
    if unit.stdin_text is not None:
        return None
    digest = hashlib.blake2b(digest_size=20)
    for path in unit_files(unit):
        try:
            size = os.stat(path).st_size
        except FileNotFoundError:
            digest.update(b"\x00missing\x00")
            continue
        except OSError:
            return None
        if size > max_bytes:
            digest.update(f"\x00large {size}\x00".encode())
            continue
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.digest()


def _tree_digest(digest: Any, folder: Path, label: str) -> None:
    """Feed every file under ``folder`` (path and content) into ``digest``."""
    digest.update(f"\x00{label}\x00".encode())
    if not folder.is_dir():
        digest.update(b"\x00absent\x00")
        return
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if "__pycache__" in path.parts:
            continue
        digest.update(path.relative_to(folder).as_posix().encode() + b"\x00")
        try:
            digest.update(path.read_bytes())
        except OSError:
            digest.update(b"\x00unreadable\x00")


@functools.cache
def _code_stamp() -> str:
    """Size and modification time of atlaslint's own modules.

    A released version is covered by ``__version__``; this catches an edited
    checkout (an editable install keeps its version while its checks change).
    """
    package = Path(__file__).resolve().parent
    digest = hashlib.blake2b(digest_size=16)
    for path in sorted(package.rglob("*.py")):
        try:
            stat = path.stat()
        except OSError:
            continue
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


@functools.cache
def _packaged_digest() -> str:
    """The code and the packaged rules and schemas: fixed for the life of a process
    (the registry and the compiled schemas are read once per process too)."""
    from atlaslint.resources import data_dir

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"atlaslint {__version__} format {FORMAT} code {_code_stamp()}".encode())
    for name in ("rules", "schemas"):
        try:
            _tree_digest(digest, data_dir(name), name)
        except FileNotFoundError:
            digest.update(f"\x00no {name}\x00".encode())
    return digest.hexdigest()


def data_digest(rule_packs: tuple[str, ...] = ()) -> str:
    """A hash of the packaged rules and schemas, the extra rule packs and the code.

    Rule packs are read again on every call: they are loaded per run, and a pack
    edited between two runs of one process must not reuse the old results.
    """
    digest = hashlib.blake2b(_packaged_digest().encode(), digest_size=16)
    for pack in rule_packs:
        _tree_digest(digest, Path(pack), f"pack {pack}")
    return digest.hexdigest()


def run_salt(settings: Any) -> bytes:
    """Everything but the unit's own files that decides its result."""
    text = f"{data_digest(tuple(settings.rule_packs))}|{settings.fingerprint()}"
    return hashlib.blake2b(text.encode(), digest_size=20).digest()


def cache_disabled_by_env() -> bool:
    return os.environ.get(ENV_OFF, "").strip().lower() not in ("", "0", "false", "no")


def cache_folder(settings: Any) -> Path:
    """Where the cache lives, first found of: ``--cache-dir`` (relative to the current
    folder), ``ATLASLINT_CACHE_DIR`` (likewise), ``cache-dir`` in the config (relative
    to the project root), else ``.atlaslint_cache`` under the project root."""
    origin = settings.sources.get("cache_dir") or settings.sources.get("cache-dir")
    configured = settings.cache_dir
    from_cli = configured and origin == "command line"
    if not from_cli and os.environ.get(ENV_DIR):
        configured, origin = os.environ[ENV_DIR], "command line"
    if not configured:
        return Path(settings.root) / DEFAULT_DIR
    folder = Path(configured).expanduser()
    if folder.is_absolute():
        return folder
    base = Path.cwd() if origin in (None, "command line") else Path(settings.root)
    return base / folder


class _SafeUnpickler(pickle.Unpickler):
    """Builds atlaslint's data classes and enums and plain values, nothing else."""

    def find_class(self, module: str, name: str) -> Any:
        if module == "builtins" and name in _SAFE_BUILTINS:
            return super().find_class(module, name)
        if module == "pathlib" and name in ("PosixPath", "WindowsPath", "PurePosixPath"):
            return super().find_class(module, name)
        if module.startswith("atlaslint.") and "." not in name:
            found = super().find_class(module, name)
            if isinstance(found, type) and (
                dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)
            ):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a cache entry")


def _prefix(display: str) -> str:
    return "" if display in ("", ".") else display.rstrip("/") + "/"


def _move(path: str, old: str, new: str) -> str:
    if path == old:
        return new
    before = _prefix(old)
    if path.startswith(before):
        return _prefix(new) + path[len(before) :]
    return path


def rebase(value: Any, old: str, new: str) -> Any:
    """``value`` with every ``path`` field under the display ``old`` moved under ``new``.

    The same unit named two ways (``souls/x`` on the command line, ``/abs/souls/x``
    when only indexed for cross-file rules) has the same index but for its paths.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {}
        for f in dataclasses.fields(value):
            if not f.init:
                continue
            item = getattr(value, f.name)
            moved = (
                _move(item, old, new)
                if f.name == "path" and isinstance(item, str)
                else rebase(item, old, new)
            )
            if moved is not item:
                changes[f.name] = moved
        return dataclasses.replace(value, **changes) if changes else value
    if isinstance(value, list):
        moved_items = [rebase(item, old, new) for item in value]
        return (
            moved_items
            if any(a is not b for a, b in zip(moved_items, value, strict=True))
            else value
        )
    if isinstance(value, tuple):
        moved_tuple = tuple(rebase(item, old, new) for item in value)
        return (
            moved_tuple
            if any(a is not b for a, b in zip(moved_tuple, value, strict=True))
            else value
        )
    return value


def _texts(value: Any) -> Any:
    """Every string inside ``value`` but its ``path`` fields."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            if f.name != "path":
                yield from _texts(getattr(value, f.name))
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)


def portable(result: UnitResult, display: str) -> bool:
    """Can ``result`` serve the same unit named another way, by :func:`rebase`?

    Only if no message (or other text) repeats the display path, which rebasing
    the ``path`` fields would leave stale.
    """
    needle = display.rstrip("/")
    if needle in ("", "."):
        return False
    return not any(needle in text for text in _texts(result))


@dataclasses.dataclass
class Lookup:
    """What :meth:`ResultCache.lookup` found: a result, or how to store one."""

    result: UnitResult | None
    key: bytes | None
    entry: Path


class ResultCache:
    """Per-unit results on disk, keyed by content, code, rules and settings."""

    def __init__(self, folder: Path, salt: bytes, max_bytes: int) -> None:
        self.folder = folder
        self.entries = folder / ENTRIES
        self.salt = salt
        self.max_bytes = max_bytes
        self.touched: set[str] = set()
        self.writes = 0
        """Entries this run asked to (re)write; pruning only runs after writes."""
        self._ready = False

    @classmethod
    def for_settings(cls, settings: Any) -> ResultCache | None:
        """The cache a run should use, or ``None`` when caching is off."""
        if not getattr(settings, "cache", True) or cache_disabled_by_env():
            return None
        return cls(cache_folder(settings), run_salt(settings), settings.max_file_size)

    def entry_path(self, unit: Unit) -> Path:
        name = f"{unit.kind}\x00{os.path.abspath(unit.fs_path)}"
        return self.entries / (hashlib.blake2b(name.encode(), digest_size=16).hexdigest() + ".pkl")

    def key(self, unit: Unit) -> bytes | None:
        digest = content_digest(unit, self.max_bytes)
        return None if digest is None else self.salt + digest

    def lookup(self, unit: Unit, mode: str) -> Lookup:
        """A cached result for ``unit`` (``mode``: CHECK or INDEX), or a miss."""
        entry = self.entry_path(unit)
        self.touched.add(entry.name)
        try:
            with open(entry, "rb") as handle:
                raw = handle.read()
        except OSError:
            return Lookup(None, self.key(unit), entry)
        key = self.key(unit)
        if key is None:
            return Lookup(None, None, entry)
        try:
            fmt, stored_key, stored_mode, display, movable, result = _SafeUnpickler(
                io.BytesIO(raw)
            ).load()
        except Exception:  # a corrupt or foreign entry is a miss; it is rewritten
            return Lookup(None, key, entry)
        if fmt != FORMAT or stored_key != key or not isinstance(result, UnitResult):
            return Lookup(None, key, entry)
        if mode == CHECK:
            if stored_mode != CHECK or (display != unit.display and not movable):
                return Lookup(None, key, entry)
            if display != unit.display:
                result = rebase(result, display, unit.display)
            return Lookup(result, key, entry)
        index = result.index
        if display != unit.display:
            index = rebase(index, display, unit.display)
        return Lookup(UnitResult([], index), key, entry)

    def store(self, lookup: Lookup, unit: Unit, mode: str, result: UnitResult) -> None:
        """Write a result; failures (read-only folder, full disk) only cost speed.

        Called where the result was computed (a worker process, in parallel runs),
        so pickling and writing are spread over the pool too.
        """
        if lookup.key is None:
            return
        movable = mode == INDEX or portable(result, unit.display)
        payload = pickle.dumps(
            (FORMAT, lookup.key, mode, unit.display, movable, result),
            protocol=pickle.HIGHEST_PROTOCOL,
        )
        write_entry(self, lookup.entry, payload)

    def prepare(self) -> bool:
        """Create the folder (with a .gitignore and CACHEDIR.TAG) once per run."""
        if self._ready:
            return True
        try:
            self.entries.mkdir(parents=True, exist_ok=True)
            ignore = self.folder / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# Created by atlaslint; safe to delete.\n*\n")
                (self.folder / "CACHEDIR.TAG").write_text(
                    "Signature: 8a477f597d28d172789f06886806bc55\n"
                    "# This folder is a cache made by atlaslint.\n"
                )
        except OSError:
            return False
        self._ready = True
        return True

    def prune(self, keep: Iterable[str] = ()) -> int:
        """Drop the oldest entries of untouched units once the folder outgrows the run."""
        if not self.writes:
            return 0
        touched = self.touched | set(keep)
        limit = max(MIN_KEPT, 2 * len(touched))
        try:
            names = os.listdir(self.entries)
        except OSError:
            return 0
        if len(names) <= limit:
            return 0
        aged, doomed = [], []
        stale = time.time_ns() - STALE_TEMP_SECONDS * 1_000_000_000
        for name in names:
            if name in touched:
                continue
            try:
                mtime = os.stat(self.entries / name).st_mtime_ns
            except OSError:
                continue
            if name.startswith(TEMP_PREFIX):
                if mtime < stale:
                    doomed.append(name)
            else:
                aged.append((mtime, name))
        aged.sort()
        doomed += [name for _, name in aged[: max(0, len(names) - limit)]]
        removed = 0
        for name in doomed:
            try:
                os.unlink(self.entries / name)
                removed += 1
            except OSError:
                pass
        return removed


def write_entry(cache: ResultCache, entry: Path, payload: bytes) -> None:
    """Atomically write one entry: a temporary file in the same folder, then replace."""
    if not cache.prepare():
        return
    temporary = entry.with_name(f"{TEMP_PREFIX}{os.getpid()}-{entry.name}")
    try:
        with open(temporary, "wb") as out:
            out.write(payload)
        os.replace(temporary, entry)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
