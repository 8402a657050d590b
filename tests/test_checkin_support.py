"""Check-ins that act: very low mood or very high stress before, very low mood or a marked
drop after, offer grounding, BAM or talking to someone; anything else offers nothing."""

from __future__ import annotations

import pytest

from mit_desktop.practice.checkin_support import (
    MARKED_MOOD_DROP,
    MOOD_DROP_REASON,
    OPTIONS,
    VERY_HIGH_STRESS,
    VERY_HIGH_STRESS_REASON,
    VERY_LOW_MOOD,
    VERY_LOW_MOOD_REASON,
    support_offer,
)


def test_the_documented_thresholds() -> None:
    assert (VERY_LOW_MOOD, VERY_HIGH_STRESS, MARKED_MOOD_DROP) == (2, 9, 3)
    assert OPTIONS == ("grounding", "bam", "talk_to_someone")


@pytest.mark.parametrize(("mood", "stress", "reasons"), [
    (0, None, (VERY_LOW_MOOD_REASON,)),
    (2, 5, (VERY_LOW_MOOD_REASON,)),
    (3, 8, ()),
    (5, 9, (VERY_HIGH_STRESS_REASON,)),
    (1, 10, (VERY_LOW_MOOD_REASON, VERY_HIGH_STRESS_REASON)),
    (None, None, ()),
    (None, 8, ()),
])
def test_before_a_practice(mood, stress, reasons) -> None:
    offer = support_offer("before", mood, stress)
    assert (offer.reasons if offer else ()) == reasons
    if offer:
        assert offer.phase == "before" and offer.options == OPTIONS


@pytest.mark.parametrize(("before", "after", "reasons"), [
    (7, 4, (MOOD_DROP_REASON,)),  # a drop of three
    (7, 5, ()),  # two is not marked
    (5, 2, (VERY_LOW_MOOD_REASON, MOOD_DROP_REASON)),
    (None, 2, (VERY_LOW_MOOD_REASON,)),  # very low after, whatever came before
    (None, 5, ()),
    (4, None, ()),  # the mood after was skipped
    (3, 6, ()),  # mood rose
])
def test_after_a_practice(before, after, reasons) -> None:
    offer = support_offer("after", after, None, mood_before=before)
    assert (offer.reasons if offer else ()) == reasons


def test_stress_after_a_practice_alone_offers_nothing_and_the_detail_is_kept() -> None:
    assert support_offer("after", 6, 10, mood_before=6) is None
    offer = support_offer("after", 3, None, mood_before=8)
    assert offer is not None and offer.as_detail() == {"phase": "after", "reasons": ["mood_drop"]}
    with pytest.raises(ValueError):
        support_offer("during", 1, 1)
