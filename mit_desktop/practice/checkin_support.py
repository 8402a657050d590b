"""When a mood or stress check-in should offer help, and which help.

Qt-free; the window (and tests) ask :func:`support_offer` after each check-in. The
check-ins are 0-10 (mood: 0 "very low" to 10 "very good"; stress: 0 "not at all" to
10 "extremely"). Help is *offered*, never forced: grounding steps, the BAM quick
practice, or talking to someone (with the crisis numbers for where the listener
lives); the listener may also simply go on.

Thresholds (a careful, deliberately low bar; MIT's studies did not publish one):

- **before a practice**: mood at or below :data:`VERY_LOW_MOOD` (2 of 10), or stress
  at or above :data:`VERY_HIGH_STRESS` (9 of 10): twenty minutes of eyes-closed
  imagery may not be the right thing just now;
- **after a practice**: mood at or below :data:`VERY_LOW_MOOD`, or mood at least
  :data:`MARKED_MOOD_DROP` (3) points lower than before the practice (a marked drop:
  mood usually rises within a practice, so a fall of three is unusual).

A skipped rating (None) never triggers anything.
"""

from __future__ import annotations

from dataclasses import dataclass

VERY_LOW_MOOD = 2
"""A mood at or below this (0-10) is very low."""
VERY_HIGH_STRESS = 9
"""A stress at or above this (0-10) before a practice is very high."""
MARKED_MOOD_DROP = 3
"""A mood this many points (or more) lower after a practice than before is a marked drop."""

VERY_LOW_MOOD_REASON = "very_low_mood"
VERY_HIGH_STRESS_REASON = "very_high_stress"
MOOD_DROP_REASON = "mood_drop"
OPTIONS: tuple[str, ...] = ("grounding", "bam", "talk_to_someone")
"""What is offered, in this order."""


@dataclass(frozen=True)
class SupportOffer:
    """Help to offer after a check-in: the ``phase`` (``before``/``after``), why
    (``reasons``, in the order above) and what (:data:`OPTIONS`)."""

    phase: str
    reasons: tuple[str, ...]
    options: tuple[str, ...] = OPTIONS

    def as_detail(self) -> dict[str, object]:
        """The offer as it is kept in the history (a safety event's ``detail``)."""
        return {"phase": self.phase, "reasons": list(self.reasons)}


def support_offer(phase: str, mood: int | None, stress: int | None,
                  mood_before: int | None = None) -> SupportOffer | None:
    """The help to offer after a check-in, or None (see module docstring for the rules).

    ``mood_before``: the mood given before the practice (for the ``after`` check-in).
    """
    if phase not in ("before", "after"):
        raise ValueError(f"phase must be 'before' or 'after', not {phase!r}")
    reasons: list[str] = []
    if mood is not None and mood <= VERY_LOW_MOOD:
        reasons.append(VERY_LOW_MOOD_REASON)
    if phase == "before" and stress is not None and stress >= VERY_HIGH_STRESS:
        reasons.append(VERY_HIGH_STRESS_REASON)
    if (phase == "after" and mood is not None and mood_before is not None
            and mood_before - mood >= MARKED_MOOD_DROP):
        reasons.append(MOOD_DROP_REASON)
    return SupportOffer(phase, tuple(reasons)) if reasons else None
