"""Safety events in the store: "I need to stop" and the help offered after a check-in, each
its own row, never mixed with the practice's pauses or its partial ending."""

from __future__ import annotations

import datetime as dt

import pytest

from mit_desktop.history import HistoryStore, InvalidInputError, UnknownPracticeError
from mit_desktop.history.safety_events import events_between


def test_a_stop_keeps_where_it_happened_and_the_grounding_answer(store: HistoryStore,
                                                                 clock) -> None:
    pid = store.create_profile("Ann")
    practice = store.start_practice(pid, "nesting-doll", "h", "hands-free")
    store.checkpoint(practice, 500_000, 490_000)
    event = store.record_safety_event(pid, "need_to_stop", practice_id=practice,
                                      session_id="nesting-doll", section="The nesting doll",
                                      position_ms=504_980)
    store.finish_practice(practice, False, 504_980, 495_000)
    [stop] = store.safety_events(pid)
    assert (stop.kind, stop.practice_id, stop.section, stop.position_ms) == (
        "need_to_stop", practice, "The nesting doll", 504_980)
    assert stop.grounding_used is None and stop.recorded_ms == clock.ms
    store.set_grounding_used(event, False)
    assert store.safety_events(pid)[0].grounding_used is False
    store.set_grounding_used(event, True)
    assert store.safety_events(pid)[0].grounding_used is True
    assert store.get_practice(practice).status == "partial"  # the practice is as any stop


def test_support_offers_keep_their_reasons_and_cannot_take_a_grounding_answer(
        store: HistoryStore) -> None:
    pid = store.create_profile("Ann")
    offer = store.record_safety_event(pid, "support_offered", session_id="bam",
                                      detail={"phase": "before", "reasons": ["very_low_mood"]})
    assert store.safety_events(pid)[0].detail == {"phase": "before", "reasons": ["very_low_mood"]}
    with pytest.raises(InvalidInputError):
        store.set_grounding_used(offer, True)


def test_bad_events_are_refused(store: HistoryStore) -> None:
    ann, ben = store.create_profile("Ann"), store.create_profile("Ben")
    bens = store.start_practice(ben, "bam", "h", "hands-free")
    with pytest.raises(InvalidInputError):
        store.record_safety_event(ann, "paused")
    with pytest.raises(UnknownPracticeError):  # another profile's practice
        store.record_safety_event(ann, "need_to_stop", practice_id=bens)
    with pytest.raises(InvalidInputError):
        store.record_safety_event(ann, "need_to_stop", position_ms=-1)
    with pytest.raises(InvalidInputError):
        store.set_grounding_used(99, True)
    assert store.safety_events(ann) == []


def test_events_go_with_their_profile_and_outlive_a_deleted_practice(store: HistoryStore
                                                                     ) -> None:
    ann = store.create_profile("Ann")
    practice = store.start_practice(ann, "bam", "h", "hands-free")
    store.record_safety_event(ann, "need_to_stop", practice_id=practice, position_ms=1)
    store.conn.execute("DELETE FROM practices WHERE id = ?", (practice,))
    assert store.safety_events(ann)[0].practice_id is None
    store.delete_profile(ann)
    assert store.conn.execute("SELECT count(*) FROM safety_events").fetchone()[0] == 0


def test_events_between_local_days(store: HistoryStore, clock) -> None:
    pid = store.create_profile("Ann")
    store.record_safety_event(pid, "need_to_stop")
    clock.advance(2 * 86_400_000)
    store.record_safety_event(pid, "need_to_stop")
    events = store.safety_events(pid)
    day = dt.date(2026, 3, 2)
    assert len(events_between(events, day, day)) == 1
    assert len(events_between(events, day, day + dt.timedelta(days=2))) == 2
