"""A practice keeps the speaking speed it plays at, so continuing it goes on at that speed
(its position is a place at that speed)."""

from __future__ import annotations

import pytest

from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.store import HistoryStore
from mit_desktop.practice.recorder import settings_to_continue
from mit_desktop.session.timeline import ListeningSettings


def test_a_practice_keeps_its_speed_and_a_change_of_it(store: HistoryStore) -> None:
    pid = store.create_profile("Ann", "caregiver")
    practice = store.start_practice(pid, "bam", "h", "hands-free", speech_rate=0.75)
    assert store.get_practice(practice).speech_rate == 0.75
    assert store.set_speech_rate(practice, 1.0) is True
    assert store.get_practice(practice).speech_rate == 1.0
    assert store.list_practices(pid)[0].speech_rate == 1.0
    store.finish_practice(practice, False, 5_000, 5_000)
    assert store.set_speech_rate(practice, 0.5) is False  # a closed practice stays as it was
    assert store.get_practice(practice).speech_rate == 1.0
    unknown = store.start_practice(pid, "bam", "h", "hands-free")
    assert store.get_practice(unknown).speech_rate is None
    logged = store.log_manual_practice(pid, "bam", 0, 60_000)
    assert store.get_practice(logged).speech_rate is None


@pytest.mark.parametrize("rate", [0.2, 2.5, float("nan"), True, "1"])
def test_a_speed_out_of_range_is_refused(store: HistoryStore, rate) -> None:  # type: ignore[no-untyped-def]
    pid = store.create_profile("Ann", "caregiver")
    with pytest.raises(InvalidInputError, match="speaking speed"):
        store.start_practice(pid, "bam", "h", "hands-free", speech_rate=rate)
    practice = store.start_practice(pid, "bam", "h", "hands-free")
    with pytest.raises(InvalidInputError, match="speaking speed"):
        store.set_speech_rate(practice, rate)


def test_continuing_uses_the_practice_s_speed_not_the_usual_one(store: HistoryStore) -> None:
    pid = store.create_profile("Ann", "caregiver")
    usual = ListeningSettings(rate=0.75)
    chosen = store.get_practice(store.start_practice(pid, "bam", "h", "hands-free",
                                                     speech_rate=1.0))
    assert settings_to_continue(chosen, usual).rate == 1.0
    older = store.get_practice(store.start_practice(pid, "bam", "h", "hands-free"))
    assert settings_to_continue(older, usual) is usual  # not known: the usual speed
