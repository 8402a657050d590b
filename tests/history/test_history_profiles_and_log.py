"""Profiles (create, rename, variables, settings, delete with cascade) and the practice log API."""

from __future__ import annotations

import datetime as dt

import pytest
from history_helpers import FakeClock

from mit_desktop.history.errors import InvalidInputError, UnknownPracticeError, UnknownProfileError
from mit_desktop.history.store import HistoryStore


def test_create_rename_list_and_variables(store: HistoryStore) -> None:
    ann = store.create_profile("Ann", variables={"loved_one": "Mum"}, region="GB")
    store.create_profile("bea", "client")
    assert [p.name for p in store.list_profiles()] == ["Ann", "bea"]
    store.rename_profile(ann, "Anne")
    store.set_variables(ann, {"loved_one": "Dad"})
    profile = store.profile_by_name("ANNE")
    assert (profile.id, profile.kind, profile.variables, profile.region) == (
        ann, "caregiver", {"loved_one": "Dad"}, "GB")
    assert profile.notice_accepted_ms is None
    store.accept_notice(ann)
    assert store.get_profile(ann).notice_accepted_ms == store.clock()


def test_profile_names_are_unique_ignoring_case(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    bea = store.create_profile("Bea")
    with pytest.raises(InvalidInputError, match="already a profile"):
        store.create_profile("ann")
    with pytest.raises(InvalidInputError, match="already a profile"):
        store.rename_profile(bea, "ANN")
    with pytest.raises(InvalidInputError):
        store.create_profile("   ")
    with pytest.raises(InvalidInputError):
        store.create_profile("Cat", "patient")
    with pytest.raises(InvalidInputError):
        store.set_variables(ann, {"loved one": "Mum"})
    with pytest.raises(UnknownProfileError, match="Ann, Bea"):
        store.profile_by_name("Zoe")


def test_settings_defaults_and_validation(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    settings = store.settings(ann)
    assert settings.day_starts_at == dt.time(3, 0)
    assert (settings.weekly_target_days, settings.weekly_minimum_days) == (5, 2)
    assert settings.streaks_enabled is False
    changed = store.update_settings(ann, morning_reminder="07:45", evening_reminder=None)
    assert changed.morning_reminder == dt.time(7, 45) and changed.evening_reminder is None
    assert store.settings(ann) == changed
    for bad in ({"morning_reminder": "25:00"}, {"weekly_target_days": 9},
                {"streaks_enabled": "yes"}, {"color": "blue"}, {"weekly_minimum_days": 6}):
        with pytest.raises(InvalidInputError):
            store.update_settings(ann, **bad)
    assert store.settings(ann) == changed


def _fill(store: HistoryStore, profile: int) -> None:
    body = store.add_body_map(profile, b"map", emotion="anxiety", intensity=4)
    for i in range(3):
        pid = store.start_practice(profile, "nesting-doll-1", "h", "interactive")
        store.record_check_in(pid, "before", mood=4, stress=6)
        store.record_check_in(pid, "after", mood=6, stress=3)
        store.save_reflection(pid, "felt", note=f"n{i}", body_map_id=body)
        store.save_draft(pid, "wish", "may you")
        store.finish_practice(pid, True, 1000, 1000)


def test_delete_profile_reports_then_deletes_everything_of_it(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    bea = store.create_profile("Bea")
    _fill(store, ann)
    _fill(store, bea)
    expected = {"practices": 3, "check_ins": 6, "reflections": 3, "drafts": 3, "body_maps": 1}
    assert store.profile_data_counts(ann) == expected
    assert store.delete_profile(ann) == expected
    with pytest.raises(UnknownProfileError):
        store.get_profile(ann)
    for table in ("practices", "check_ins", "reflections", "drafts", "body_maps"):
        remaining = store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert remaining == expected[table], table  # only Bea's rows are left
    assert store.profile_data_counts(bea) == expected


def test_check_ins_validate_and_replace(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    pid = store.start_practice(ann, "bam-1", "h", "hands-free")
    store.record_check_in(pid, "before", mood=3)
    store.record_check_in(pid, "before", mood=4, stress=7)
    [check] = store.check_ins(pid)
    assert (check.phase, check.mood, check.stress) == ("before", 4, 7)
    for kwargs in ({"mood": 11}, {"mood": -1}, {"stress": 2.5}, {}):
        with pytest.raises(InvalidInputError):
            store.record_check_in(pid, "after", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError):
        store.record_check_in(pid, "during", mood=5)
    with pytest.raises(UnknownPracticeError):
        store.record_check_in(9999, "after", mood=5)


def test_practice_inputs_are_validated(store: HistoryStore, clock: FakeClock) -> None:
    ann = store.create_profile("Ann")
    with pytest.raises(InvalidInputError):
        store.start_practice(ann, "bam-1", "h", "shuffle")
    with pytest.raises(UnknownProfileError):
        store.start_practice(999, "bam-1", "h", "hands-free")
    pid = store.start_practice(ann, "bam-1", "h", "hands-free")
    with pytest.raises(InvalidInputError):
        store.checkpoint(pid, -1, 0)
    with pytest.raises(UnknownPracticeError):
        store.checkpoint(4242, 1, 1)
    store.finish_practice(pid, False, 5000, 4000)
    assert store.get_practice(pid).status == "partial"
    with pytest.raises(InvalidInputError, match="already finished"):
        store.finish_practice(pid, True, 6000, 5000)
    with pytest.raises(InvalidInputError, match="future"):
        store.log_manual_practice(ann, "bam-1", clock.ms + 60_000, 60_000)


def test_manual_practice_is_logged_complete(store: HistoryStore, clock: FakeClock) -> None:
    ann = store.create_profile("Ann")
    started = clock.ms - 3_600_000
    pid = store.log_manual_practice(ann, "life-globe-1", started, 1_200_000)
    practice = store.get_practice(pid)
    assert (practice.source, practice.status, practice.listened_ms, practice.ended_ms) == (
        "manual", "completed", 1_200_000, started + 1_200_000)
    assert store.interrupted_practices(ann) == []


def test_reflection_body_map_must_be_the_same_profiles(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    bea = store.create_profile("Bea")
    beas_map = store.add_body_map(bea, b"m")
    pid = store.start_practice(ann, "bam-1", "h", "hands-free")
    with pytest.raises(InvalidInputError):
        store.save_reflection(pid, "felt", note="x", body_map_id=beas_map)
    with pytest.raises(InvalidInputError):
        store.save_reflection(pid, "felt", note="x", rating=12)
    with pytest.raises(UnknownPracticeError):
        store.save_draft(31337, "felt", "x")


def test_saving_a_reflection_again_replaces_it(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    pid = store.start_practice(ann, "bam-1", "h", "hands-free")
    first = store.save_reflection(pid, "word", note="tired", rating=3)
    second = store.save_reflection(pid, "word", note="calmer", rating=6)
    assert first == second
    [saved] = store.reflections(pid)
    assert (saved.note, saved.rating) == ("calmer", 6)


def test_explicit_note_wins_over_draft_and_clears_it(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    pid = store.start_practice(ann, "bam-1", "h", "hands-free")
    store.save_draft(pid, "word", "half-typed")
    store.save_reflection(pid, "word", note="final words")
    assert store.drafts(pid) == {}
    assert store.reflections(pid)[0].note == "final words"
