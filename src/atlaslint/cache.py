"""The result cache: per-unit results reused while nothing that decides them changed.

A unit's result (its diagnostics and its :class:`~atlaslint.units.IndexEntry`) is a
pure function of the unit's files and the settings, so an entry is keyed by

- the content hash of every file of the unit (a missing file counts too),
- the atlaslint version and a stamp of its code,
- ``settings.fingerprint()`` (select/ignore, severities, thresholds, ...),
- a hash of the packaged ``rules/`` and ``schemas/`` and of every rule-pack folder.

Layout: each unit has one slot, named by a hash of its kind and path, in one of
:data:`SHARDS` shard files. Shards, not one file per unit, because creating a file
costs far more than writing one on common file systems (0.3-0.7 ms here, against
0.05 ms to rewrite): a cold run of 20,000 profiles writes 64 files, not 20,000.
A shard is rewritten only when one of its entries changed, by writing a temporary
file and moving it into place with ``os.replace`` after merging what is on disk
then, so concurrent runs never see half a shard and rarely undo each other's work
(the worst case is a lost entry: a later miss, never a wrong result). A shard or
entry that cannot be read or decoded is ignored and rewritten. A slot is
overwritten when its unit changes, and a shard that holds more than twice the
entries a run touched drops the oldest untouched ones, so the folder stays about
the size of the atlas.

Entries are pickles read through an unpickler that builds nothing but atlaslint's
own data classes and plain values, so a cache folder from an untrusted source can
at worst give wrong findings, never run code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import functools
import io
import json
import os
import pickle
import stat as stat_module
import time
from pathlib import Path
from typing import Any, ClassVar

from atlaslint import __version__
from atlaslint.diagnostics import Diagnostic
from atlaslint.digest import blake2b
from atlaslint.fsutil import hand_over, read_regular
from atlaslint.positions import Span
from atlaslint.units import PROFILE, IndexEntry, Ref, Unit, UnitResult

FORMAT = 5
"""Bumped when the entry layout changes; older folders are then simply ignored."""
DEFAULT_DIR = ".atlaslint_cache"
ENTRIES = f"v{FORMAT}"
ENV_DIR = "ATLASLINT_CACHE_DIR"
ENV_OFF = "ATLASLINT_NO_CACHE"
"""Set (to anything but 0/false/no) to turn the cache off, as ``--no-cache`` does."""
CHECK, INDEX = "check", "index"
"""What an entry holds: a full check of the unit, or only its index entry."""
SHARDS = 64
FLUSH_BYTES = 24 * 2**20
"""Entries waiting to be written past this size are written at once."""
MIN_KEPT = 10_000
"""Pruning starts only past this many entries (and twice the units of the run)."""
PROFILE_FILES = ("SOUL.md", "metadata.yaml")
RACY_SECONDS = 2.0
TEMP_PREFIX = ".tmp-"
STALE_TEMP_SECONDS = 3600
"""A temporary file this old was left by a run that died before renaming it."""
GUESSES = "guesses.json"
"""The "did you mean" answers of the last run, for the slugs it saw (JSON)."""
_SAFE_BUILTINS = frozenset({"set", "frozenset", "complex", "bytearray", "slice", "range"})


def unit_files(unit: Unit) -> tuple[str, ...]:
    """The files a unit's result depends on (as strings: a warm run of a large atlas
    asks this of every unit, and joining strings costs a tenth of making paths)."""
    if unit.kind == PROFILE:
        folder = os.fspath(unit.fs_path)
        return tuple(os.path.join(folder, name) for name in PROFILE_FILES)
    return (os.fspath(unit.fs_path),)


def content_digest(unit: Unit, max_bytes: int, hand: bool = False) -> bytes | None:
    """A hash of every file of the unit, or ``None`` when it cannot be cached.

    A file over ``max_bytes`` is not read: the checks report only its size, so the
    size is what is hashed. ``hand``: the unit is checked next, here; the bytes
    read are handed over to it (:func:`~atlaslint.fsutil.hand_over`).
    """
    if unit.stdin_text is not None:
        return None
    digest = blake2b(digest_size=20)
    for path in unit_files(unit):
        try:
            info = os.stat(path)
        except FileNotFoundError:
            digest.update(b"\x00missing\x00")
            continue
        except OSError:
            return None
        if not stat_module.S_ISREG(info.st_mode):  # a FIFO or device: never read it
            digest.update(f"\x00special {stat_module.S_IFMT(info.st_mode)}\x00".encode())
            continue
        size = info.st_size
        if size > max_bytes:
            digest.update(f"\x00large {size}\x00".encode())
            continue
        data = read_regular(path, max_bytes)
        if data is None:  # replaced or grown since the stat: not cached this time
            return None
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
        if hand:
            hand_over(path, data)  # the check reads these bytes, not the disk again
    return digest.digest()


Signature = tuple[tuple[int, ...] | None, ...]


def file_signature(unit: Unit, now: float) -> Signature | None:
    """Size, times and inode of every file of the unit, or ``None`` to hash instead.

    Like git's index: a file whose signature is unchanged since its content was
    hashed still has that content, so a warm run stats files instead of reading
    them. The change time (``ctime``) cannot be set by tools that restore
    modification times, and a signature younger than :data:`RACY_SECONDS` is not
    trusted, since a file written twice within one clock tick keeps its times.
    """
    if unit.stdin_text is not None:
        return None
    found: list[tuple[int, ...] | None] = []
    limit = (now - RACY_SECONDS) * 1e9
    for path in unit_files(unit):
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            found.append(None)
            continue
        except OSError:
            return None
        if not stat_module.S_ISREG(stat.st_mode):
            return None
        if stat.st_mtime_ns > limit or stat.st_ctime_ns > limit:
            return None
        found.append((stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino, stat.st_dev))
    return tuple(found)


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
    digest = blake2b(digest_size=16)
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

    digest = blake2b(digest_size=16)
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
    digest = blake2b(_packaged_digest().encode(), digest_size=16)
    for pack in rule_packs:
        _tree_digest(digest, Path(pack), f"pack {pack}")
    return digest.hexdigest()


def run_salt(settings: Any) -> bytes:
    """Everything but the unit's own files that decides its result."""
    text = f"{data_digest(tuple(settings.rule_packs))}|{settings.fingerprint()}"
    return blake2b(text.encode(), digest_size=20).digest()


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


CONFIG_MARKS_KEPT = 16


def config_memo_folder(config: Path, data: dict, overrides: dict) -> Path | None:
    """Where a run keeps its "this config was valid" marks (the cache folder the
    run will use), or ``None`` when the cache is off."""
    if overrides.get("cache") is False or cache_disabled_by_env():
        return None
    if overrides.get("cache_dir"):
        return Path(str(overrides["cache_dir"])).expanduser().absolute()
    if os.environ.get(ENV_DIR):
        return Path(os.environ[ENV_DIR]).expanduser().absolute()
    configured = data.get("cache-dir")
    if isinstance(configured, str) and configured:
        folder = Path(configured).expanduser()
        return folder if folder.is_absolute() else config.parent.resolve() / folder
    return config.parent.resolve() / DEFAULT_DIR


def _config_mark(folder: Path, config: Path, text: str) -> Path:
    from atlaslint.resources import data_dir

    digest = blake2b(digest_size=16)
    digest.update(f"{__version__}\x00{config.resolve()}\x00".encode())
    with contextlib.suppress(OSError):
        digest.update((data_dir("schemas") / "config.schema.json").read_bytes())
    digest.update(b"\x00" + text.encode("utf-8", "surrogatepass"))
    return folder / ENTRIES / "config" / digest.hexdigest()


def config_known_valid(folder: Path, config: Path, text: str) -> bool:
    """Did this very config text pass the config schema before?

    Validating it needs jsonschema, the costliest import of a run that finds all
    its results in the cache; a config that passed once passes again.
    """
    return _config_mark(folder, config, text).is_file()


def remember_valid_config(folder: Path, config: Path, text: str) -> None:
    mark = _config_mark(folder, config, text)
    if not _prepare(folder) or not write_atomically_in(mark, b""):
        return
    with contextlib.suppress(OSError):
        marks = sorted(mark.parent.iterdir(), key=lambda p: p.stat().st_mtime_ns)
        for old in marks[:-CONFIG_MARKS_KEPT]:
            old.unlink()


def write_atomically_in(path: Path, payload: bytes) -> bool:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return _write_atomically(path, payload)


def _prepare(folder: Path) -> bool:
    """Create the cache folder (with a .gitignore and CACHEDIR.TAG)."""
    try:
        (folder / ENTRIES).mkdir(parents=True, exist_ok=True)
        ignore = folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# Created by atlaslint; safe to delete.\n*\n")
            (folder / "CACHEDIR.TAG").write_text(
                "Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This folder is a cache made by atlaslint.\n"
            )
    except OSError:
        return False
    return True


class SafeUnpickler(pickle.Unpickler):
    """Builds atlaslint's data classes and enums and plain values, nothing else."""

    _allowed: ClassVar[dict[tuple[str, str], Any]] = {}
    """Names already allowed: every entry names the same few classes, and the checks
    below cost more than the rest of loading a small entry. (A subclass with
    :attr:`extra` needs a dict of its own.)"""
    extra: ClassVar[frozenset[tuple[str, str]]] = frozenset()
    """Further atlaslint classes a subclass allows by name (module, class)."""

    def find_class(self, module: str, name: str) -> Any:
        found = self._allowed.get((module, name))
        if found is None:
            found = self._allowed[module, name] = self._allow(module, name)
        return found

    def _allow(self, module: str, name: str) -> Any:
        if (module, name) in self.extra or (module == "builtins" and name in _SAFE_BUILTINS):
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


def safe_loads(data: bytes) -> Any:
    return SafeUnpickler(io.BytesIO(data)).load()


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
    when only indexed for cross-file rules) has the same result but for its paths.
    ``value`` is changed in place (it is a fresh copy, just unpickled from the
    cache); a tuple is the one thing rebuilt.
    """
    if isinstance(value, (str, *_SCALARS, Span)):
        return value
    if type(value) is IndexEntry:  # what a pre-commit run looks up for every other unit
        return _rebase_index(value, old, new)
    if type(value) is Ref:  # the bulk of an index: only its path moves
        value.path = _move(value.path, old, new)
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name in _init_fields(type(value)):
            item = getattr(value, name)
            if name == "path" and isinstance(item, str):
                moved = _move(item, old, new)
            else:
                moved = rebase(item, old, new)
            if moved is not item:
                object.__setattr__(value, name, moved)  # frozen data classes too
        return value
    if isinstance(value, list):
        for i, item in enumerate(value):
            moved = rebase(item, old, new)
            if moved is not item:
                value[i] = moved
        return value
    if isinstance(value, tuple):
        items = [rebase(item, old, new) for item in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else tuple(items)
    if isinstance(value, dict):  # e.g. suppressions by path
        moved_dict = {
            (_move(k, old, new) if isinstance(k, str) else k): rebase(v, old, new)
            for k, v in value.items()
        }
        value.clear()
        value.update(moved_dict)
    return value


def _rebase_index(entry: IndexEntry, old: str, new: str) -> IndexEntry:
    """:func:`rebase` of an index entry, written out: its only paths are its refs'. A
    pre-commit run of an atlas of 20,000 profiles rebases an entry for every other
    profile, and the general walk (a dozen calls an entry) took a seventh of it."""
    before, after = _prefix(old), _prefix(new)
    cut = len(before)
    refs = [*entry.titles, *entry.related]
    if entry.profile_ref is not None:
        refs.append(entry.profile_ref)
    for ref in refs:
        path = ref.path
        if path == old:
            ref.path = new
        elif path.startswith(before):
            ref.path = after + path[cut:]
    return entry


_INIT_FIELDS: dict[type, tuple[str, ...]] = {}


def _init_fields(cls: type) -> tuple[str, ...]:
    names = _INIT_FIELDS.get(cls)
    if names is None:
        names = _INIT_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.init)
    return names


_SCALARS = (int, float, bool, type(None), enum.Enum, bytes)
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(
            f.name for f in dataclasses.fields(cls) if f.name != "path"
        )
    return names


def _texts(value: Any) -> Any:
    """Every string inside ``value`` but its ``path`` fields."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, (*_SCALARS, Span)):
        return
    elif isinstance(value, Diagnostic):  # the common case, without reflection
        yield value.message
        if value.suggestion is not None:
            yield value.suggestion
        if value.fix is not None:
            yield value.fix.replacement
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for name in _field_names(type(value)):
            yield from _texts(getattr(value, name))
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            yield from _texts(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(key)
            yield from _texts(item)


def portable(result: UnitResult, display: str) -> bool:
    """Can ``result`` serve the same unit named another way, by :func:`rebase`?

    Only if no message (or other text) repeats the display path, which rebasing
    the ``path`` fields would leave stale. Asked when a result is looked up under
    another name, the rare case, not when it is stored: walking a result's texts
    cost as much as pickling it (30 us a profile, in every cold run).
    """
    needle = display.rstrip("/")
    if needle in ("", "."):
        return False
    return not any(needle in text for text in _texts(result))


def make_payload(key: bytes, unit: Unit, mode: str, result: UnitResult) -> bytes:
    """One entry, as stored: built where the result was computed (a worker, when
    there is a pool), so pickling is spread over the pool too."""
    return pickle.dumps((FORMAT, key, mode, unit.display, result), protocol=pickle.HIGHEST_PROTOCOL)


def result_of(payload: bytes) -> UnitResult:
    """The result inside a payload this run made itself (trusted: no safe unpickler)."""
    return pickle.loads(payload)[-1]


Slot = tuple[int, "Signature | None", "bytes | None", bytes]
"""A stored entry: when it was written, its files' signature and content hash, and
the pickled ``(FORMAT, key, mode, display, result)``."""


def _slot_signature(stored: Any) -> Any:
    return stored[1] if isinstance(stored, tuple) and len(stored) == 4 else None


def _well_formed(slot: Any, value: Any) -> bool:
    """A slot as :meth:`ResultCache.put` makes them (anything else is dropped)."""
    return (
        isinstance(slot, bytes)
        and isinstance(value, tuple)
        and len(value) == 4
        and isinstance(value[0], int)
        and isinstance(value[3], bytes)
    )


@dataclasses.dataclass
class Lookup:
    """What :meth:`ResultCache.lookup` found: a result, or the key to store one under."""

    result: UnitResult | None
    key: bytes | None
    slot: bytes
    signature: Signature | None = None
    digest: bytes | None = None
    cacheable: bool = True
    """False for a unit that cannot be keyed (stdin, an unreadable file)."""


@dataclasses.dataclass(frozen=True)
class Keying:
    """What a worker needs to key a unit the parent did not hash (:meth:`fill` hashes
    the unit's files and hands the bytes to the check that follows)."""

    salt: bytes
    max_bytes: int
    now: float

    def fill(self, unit: Unit, lookup: Lookup) -> Lookup:
        signature = file_signature(unit, self.now)
        digest = content_digest(unit, self.max_bytes, hand=True)
        if digest is None:
            return dataclasses.replace(lookup, cacheable=False)
        return dataclasses.replace(
            lookup, key=self.salt + digest, signature=signature, digest=digest
        )


class ResultCache:
    """Per-unit results on disk, keyed by content, code, rules and settings."""

    def __init__(self, folder: Path, salt: bytes, max_bytes: int) -> None:
        self.folder = folder
        self.entries = folder / ENTRIES
        self.salt = salt
        self.max_bytes = max_bytes
        self.touched: set[bytes] = set()
        self._shards: dict[int, dict[bytes, Slot]] = {}
        self._new: dict[int, dict[bytes, Slot]] = {}
        self._now = time.time()
        self._pending_bytes = 0
        self._guesses: Any = None
        """guesses.json as read (once a run: the run asks before and after its search)."""

    @classmethod
    def for_settings(cls, settings: Any) -> ResultCache | None:
        """The cache a run should use, or ``None`` when caching is off."""
        if not getattr(settings, "cache", True) or cache_disabled_by_env():
            return None
        return cls(cache_folder(settings), run_salt(settings), settings.max_file_size)

    @staticmethod
    def slot_of(unit: Unit) -> bytes:
        name = f"{unit.kind}\x00{os.path.abspath(unit.fs_path)}"
        return blake2b(name.encode(), digest_size=16).digest()

    def shard_path(self, shard: int) -> Path:
        return self.entries / f"{shard:02x}.pkl"

    def _read_shard(self, shard: int) -> dict[bytes, Slot]:
        """A shard's slots from disk; a missing or corrupt shard is empty."""
        try:
            with open(self.shard_path(shard), "rb") as handle:
                slots = safe_loads(handle.read())
        except Exception:  # missing, unreadable or corrupt: every slot is a miss
            return {}
        if not isinstance(slots, dict):
            return {}
        return {slot: value for slot, value in slots.items() if _well_formed(slot, value)}

    def _shard(self, shard: int) -> dict[bytes, Slot]:
        found = self._shards.get(shard)
        if found is None:
            found = self._shards[shard] = self._read_shard(shard)
        return found

    def key(self, unit: Unit) -> bytes | None:
        digest = content_digest(unit, self.max_bytes)
        return None if digest is None else self.salt + digest

    def lookup(self, unit: Unit, mode: str) -> Lookup:
        """A cached result for ``unit`` (``mode``: CHECK or INDEX), or a miss."""
        slot = self.slot_of(unit)
        self.touched.add(slot)
        # Popped: each unit is looked up once a run, and the payloads of a large
        # atlas are tens of megabytes (flush merges with the file, not with this).
        stored = self._shard(slot[0] % SHARDS).pop(slot, None)
        if stored is None:  # never seen: hashed where it is checked (see Keying)
            if unit.stdin_text is not None:
                return Lookup(None, None, slot, cacheable=False)
            return Lookup(None, None, slot)
        signature = file_signature(unit, self._now)
        if (
            signature is not None
            and _slot_signature(stored) == signature
            and isinstance(stored[2], bytes)
        ):
            digest: bytes | None = stored[2]  # unchanged files: the hash made then
        else:
            digest = content_digest(unit, self.max_bytes)
        if digest is None:
            return Lookup(None, None, slot, cacheable=False)
        key = self.salt + digest
        miss = Lookup(None, key, slot, signature, digest)
        try:
            fmt, stored_key, stored_mode, display, result = safe_loads(stored[3])
        except Exception:  # a corrupt or foreign entry is a miss; it is rewritten
            return miss
        if fmt != FORMAT or stored_key != key or not isinstance(result, UnitResult):
            return miss
        if mode == CHECK:
            if stored_mode != CHECK:
                return miss
            if display != unit.display:
                if not portable(result, display):
                    return miss
                result = rebase(result, display, unit.display)
            return Lookup(result, key, slot)
        index = result.index
        if display != unit.display:
            index = rebase(index, display, unit.display)
        return Lookup(UnitResult([], index), key, slot)

    def keying(self) -> Keying:
        return Keying(self.salt, self.max_bytes, self._now)

    def put(self, lookup: Lookup, payload: bytes) -> None:
        """Remember an entry; :meth:`flush` writes it (early, once many are pending,
        so a cold run of a large atlas does not hold every entry in memory)."""
        slot = lookup.slot
        value = (time.time_ns(), lookup.signature, lookup.digest, payload)
        self._new.setdefault(slot[0] % SHARDS, {})[slot] = value
        self._pending_bytes += len(payload)
        if self._pending_bytes > FLUSH_BYTES:
            self.flush()

    def flush(self) -> int:
        """Write every shard that gained entries; failures only cost speed later.
        Returns how many shards were written (entries share them)."""
        written = 0
        if not self._new or not self.prepare():
            self._new.clear()
            return written
        limit = max(MIN_KEPT, 2 * len(self.touched)) // SHARDS + 1
        for shard, new in sorted(self._new.items()):
            slots = self._read_shard(shard)  # what concurrent runs wrote meanwhile
            slots.update(new)
            slots = self._pruned(slots, limit)
            payload = pickle.dumps(slots, protocol=pickle.HIGHEST_PROTOCOL)
            if _write_atomically(self.shard_path(shard), payload):
                written += 1
        self._new.clear()
        self._pending_bytes = 0
        self._remove_stale_temporaries()
        return written

    def _pruned(self, slots: dict[bytes, Slot], limit: int) -> dict[bytes, Slot]:
        """Without its oldest untouched entries when a shard outgrew ``limit``."""
        if len(slots) <= limit:
            return slots
        untouched = sorted(
            (value[0], slot) for slot, value in slots.items() if slot not in self.touched
        )
        for _, slot in untouched[: len(slots) - limit]:
            del slots[slot]
        return slots

    def prepare(self) -> bool:
        """Create the folder (with a .gitignore and CACHEDIR.TAG)."""
        return _prepare(self.folder)

    def _guess_key(self, slugs: set[str] | frozenset[str]) -> str:
        digest = blake2b(self.salt, digest_size=16)
        for slug in sorted(slugs):
            digest.update(slug.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()

    def known_guesses(self, slugs: set[str] | frozenset[str]) -> dict[str, str | None]:
        """The "did you mean" answers the last run found over exactly these slugs (and
        this version, code and settings), or none. Each answer compared an unknown slug
        with every slug; a warm run of 654 profiles spent a seventh of its time on them,
        one of 20,000 a quarter. The caller still checks each answer (Guesser.remember)."""
        if self._guesses is None:
            try:
                self._guesses = json.loads((self.folder / GUESSES).read_bytes())
            except (OSError, ValueError):
                self._guesses = {}
        data = self._guesses
        if not isinstance(data, dict) or data.get("key") != self._guess_key(slugs):
            return {}
        answers = data.get("answers")
        return answers if isinstance(answers, dict) else {}

    def remember_guesses(
        self, slugs: set[str] | frozenset[str], answers: dict[str, str | None]
    ) -> None:
        """Keep a run's answers, those it took from the last run included, for the next
        run over the same slugs (written only when they changed; a failure costs the
        next run the search, nothing else)."""
        if not answers or answers == self.known_guesses(slugs) or not self.prepare():
            return
        data = {"key": self._guess_key(slugs), "answers": answers}
        if _write_atomically(self.folder / GUESSES, json.dumps(data, sort_keys=True).encode()):
            self._guesses = data

    def _remove_stale_temporaries(self) -> None:
        stale = time.time() - STALE_TEMP_SECONDS
        try:
            names = os.listdir(self.entries)
        except OSError:
            return
        for name in names:
            if name.startswith(TEMP_PREFIX):
                path = self.entries / name
                with contextlib.suppress(OSError):
                    if path.stat().st_mtime < stale:
                        path.unlink()


def _write_atomically(path: Path, payload: bytes) -> bool:
    """Write a temporary file beside ``path``, then move it into place."""
    temporary = path.with_name(f"{TEMP_PREFIX}{os.getpid()}-{path.name}")
    try:
        with open(temporary, "wb") as out:
            out.write(payload)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        return False
    return True
