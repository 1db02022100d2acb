"""The derived fields of an assembled record, defined once.

``atlaslint assemble`` computes them and the record/* rules recompute them with these
same functions (and the same word counting as structure/thin-section), so a record
that ``assemble`` printed always passes ``check``. The definitions follow the SOUL
Atlas build (its corpus loader) and reproduce the seed record exactly.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

WORDS_PER_MINUTE = 225
AI_PROVENANCE = frozenset({"ai-generated", "ai-assisted"})


def reading_time(words: int) -> int:
    """Minutes at an adult's 225 words a minute, rounded, at least one."""
    return max(1, _round_half_up(words / WORDS_PER_MINUTE))


def rounded_share(share: float) -> float | int:
    """Completeness as published: three decimals, rounded half up (JavaScript's
    ``Math.round(x * 1000) / 1000``); whole numbers print as ``1`` and ``0``."""
    value = _round_half_up(share * 1000) / 1000
    return int(value) if value.is_integer() else value


def same_share(published: float, share: float) -> bool:
    """Does a published completeness agree with the true share to three decimals?"""
    return abs(published - share) <= 0.0005 + 1e-9


def _round_half_up(value: float) -> int:
    return math.floor(value + 0.5)


@dataclass(frozen=True)
class ReviewFlags:
    """Has a person stood behind this profile, and did an AI draft it?

    verified: at least one reviewer or a last_reviewed date. aiDrafted: provenance
    ai-generated or ai-assisted. unverifiedAiDraft: aiDrafted and not verified.
    """

    verified: bool
    ai_drafted: bool

    @property
    def unverified_ai_draft(self) -> bool:
        return self.ai_drafted and not self.verified

    def as_record(self) -> dict[str, bool]:
        return {
            "verified": self.verified,
            "aiDrafted": self.ai_drafted,
            "unverifiedAiDraft": self.unverified_ai_draft,
        }


def review_flags(metadata: Mapping[str, Any]) -> ReviewFlags:
    reviewers = metadata.get("reviewers")
    verified = bool(reviewers) or bool(metadata.get("last_reviewed"))
    provenance = metadata.get("provenance")
    return ReviewFlags(verified, isinstance(provenance, str) and provenance in AI_PROVENANCE)
