"""The bundled rule packs, prepared once per installation and kept across runs.

Loading ``rules/bias.yaml`` and ``rules/style.yaml`` (composing the YAML with
positions, parsing every template) and planning their terms took about 40 ms
of every run, before any file was read: a sixth of a pre-commit run, and time
the second core sits idle in a run over a whole atlas. The result depends only
on the installed atlaslint, so it is kept once prepared (:mod:`atlaslint.prepared`:
named by the packs' bytes and the code that plans them, read back through the
restricted unpickler in about 4 ms).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from atlaslint.prepared import kept

PREFIX = "packs-"


def _code_files() -> list[Path]:
    """The modules whose code decides what a loaded, planned pack holds."""
    from atlaslint.phrases import pack, patterns

    return [Path(pack.__file__), Path(patterns.__file__)]


def _unpickler() -> type:
    """The cache's restricted unpickler, also allowing a rule's planned state."""
    from atlaslint.cache import SafeUnpickler

    class PackUnpickler(SafeUnpickler):
        _allowed: ClassVar[dict[tuple[str, str], Any]] = {}
        extra = frozenset({("atlaslint.phrases.pack", "_Compiled")})

    return PackUnpickler


def _valid(found: Any) -> bool:
    from atlaslint.phrases.pack import Pack

    return isinstance(found, tuple) and all(isinstance(p, Pack) for p in found)


def prepare(packs: tuple) -> tuple:
    """Plan every term of ``packs`` now (what the first check would do), in place."""
    for pack in packs:
        pack.asked_words()
    return packs


def stored_builtin_packs(enabled: bool = True) -> tuple:
    """The bundled packs, prepared: from the user's cache folder when kept there,
    else loaded from their YAML and kept (``enabled`` false: loaded, nothing kept)."""
    from atlaslint.phrases.pack import builtin_pack_paths, load_builtin_packs

    return kept(
        PREFIX,
        builtin_pack_paths(),
        _code_files(),
        lambda: prepare(load_builtin_packs()),
        _valid,
        enabled,
        _unpickler(),
    )
