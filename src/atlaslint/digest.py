"""The hash of cache keys and content digests: BLAKE2b.

Imported from the interpreter's built-in ``_blake2`` module, which is what
``hashlib.blake2b`` is: importing ``hashlib`` also loads OpenSSL for its other
algorithms, 3-7 ms of every run's start-up on this machine, before any file is read.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # an interpreter built without it: hashlib has one
    from hashlib import blake2b

__all__ = ["blake2b"]
