"""Statistics on known data. Expected values are computed here, independently, from
the generated practices with ``zoneinfo`` date arithmetic (not from the store's SQL)."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
from history_helpers import FakeClock

from mit_desktop.history import stats
from mit_desktop.history.diary import body_map_ids, reflection_diary
from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.store import HistoryStore

LONDON = ZoneInfo("Europe/London")  # the clocks go forward on 2026-03-29, inside the data
FIRST = dt.date(2026, 3, 2)  # a Monday
DAYS = 42
SESSIONS = {
    "stretch-breathe-1": "stretch-breathe",
    "eye-center-1": "eye-center",
    "nesting-doll-1": "nesting-doll",
    "bam-1": "bam",
}


@dataclass
class Made:
    id: int
    start: dt.datetime  # aware, London
    session: str
    listened_ms: int
    mood: tuple[int, int] | None
    stress: tuple[int, int] | None


def ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


def day_of(moment: dt.datetime) -> dt.date:
    """Independent rule: a day starts at 03:00 local time."""
    local = moment.astimezone(LONDON)
    return (local.replace(tzinfo=None) - dt.timedelta(hours=3)).date()


@pytest.fixture
def london_store(data_dir, clock: FakeClock):
    clock.ms = ms(dt.datetime(2026, 6, 1, tzinfo=dt.UTC))
    store = HistoryStore.open(clock=clock, tz=LONDON)
    yield store
    store.close()


def populate(store: HistoryStore, profile: int, seed: int = 7) -> list[Made]:
    rng = random.Random(seed)
    made: list[Made] = []
    for offset in range(DAYS):
        date = FIRST + dt.timedelta(days=offset)
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2])):
            hour = rng.choice([0, 1, 2, 3, 8, 13, 19, 23])
            minute = rng.randrange(60)
            start = dt.datetime(date.year, date.month, date.day, hour, minute, tzinfo=LONDON)
            if start.astimezone(dt.UTC).astimezone(LONDON) != start:
                continue  # a wall time the clocks skipped over
            session = rng.choice(list(SESSIONS) + ["unmapped-session"])
            listened = rng.choice([0, 60_000, 300_000, 1_380_000, 1_500_000])
            pid = store.start_practice(profile, session, "h", "hands-free", started_ms=ms(start))
            ending = rng.choice(["completed", "partial", "interrupted"])
            if ending == "interrupted":
                store.checkpoint(pid, listened, listened)
            else:
                store.finish_practice(pid, ending == "completed", listened, listened)
            mood = stress = None
            if rng.random() < 0.6:
                mood = (rng.randrange(11), rng.randrange(11))
                stress = (rng.randrange(11), rng.randrange(11)) if rng.random() < 0.7 else None
                store.record_check_in(pid, "before", mood=mood[0],
                                      stress=stress[0] if stress else None)
                store.record_check_in(pid, "after", mood=mood[1],
                                      stress=stress[1] if stress else None)
            made.append(Made(pid, start, session, listened, mood, stress))
    return made


def counted(made: list[Made]) -> list[Made]:
    return [m for m in made if m.listened_ms > 0]


def test_daily_totals_match_independent_count(london_store: HistoryStore) -> None:
    profile = london_store.create_profile("Ann")
    made = populate(london_store, profile)
    expected: dict[dt.date, list[int]] = defaultdict(lambda: [0, 0])
    for m in counted(made):
        expected[day_of(m.start)][0] += 1
        expected[day_of(m.start)][1] += m.listened_ms
    last = FIRST + dt.timedelta(days=DAYS - 1)
    result = stats.daily_totals(london_store, profile, FIRST, last)
    assert [t.day for t in result] == [FIRST + dt.timedelta(days=i) for i in range(DAYS)]
    for total in result:
        assert [total.practices, total.listened_ms] == expected.get(total.day, [0, 0]), total.day
    assert sum(t.practices for t in result) > 10  # the data is not trivial
    assert any(m.start.hour < 3 for m in counted(made))  # some count for the day before


def test_weekly_totals_and_dose(london_store: HistoryStore) -> None:
    profile = london_store.create_profile("Ann")
    made = populate(london_store, profile)
    weeks: dict[dt.date, dict] = defaultdict(lambda: {"days": set(), "n": 0, "ms": 0})
    for m in counted(made):
        d = day_of(m.start)
        w = weeks[d - dt.timedelta(days=d.weekday())]
        w["days"].add(d)
        w["n"] += 1
        w["ms"] += m.listened_ms
    last = FIRST + dt.timedelta(days=DAYS - 1)
    result = stats.weekly_totals(london_store, profile, FIRST, last)
    assert [w.week_start for w in result] == [FIRST + dt.timedelta(weeks=i) for i in range(6)]
    for week in result:
        exp = weeks[week.week_start]
        assert (week.days_practiced, week.practices, week.listened_ms) == (
            len(exp["days"]), exp["n"], exp["ms"])
        assert week.met_minimum == (len(exp["days"]) >= 2)
        assert week.met_target == (len(exp["days"]) >= 5)


def test_week_progress_this_week(london_store: HistoryStore) -> None:
    profile = london_store.create_profile("Ann")
    made = populate(london_store, profile)
    now = dt.datetime(2026, 3, 26, 2, 30, tzinfo=LONDON)  # Thursday 02:30: still Wednesday
    today = dt.date(2026, 3, 25)
    monday, sunday = dt.date(2026, 3, 23), dt.date(2026, 3, 29)
    week = [m for m in counted(made) if monday <= day_of(m.start) <= sunday]
    progress = stats.week_progress(london_store, profile, now)
    assert progress.today == today
    assert progress.week_start == dt.date(2026, 3, 23)
    assert progress.days_practiced == len({day_of(m.start) for m in week})
    assert progress.practices == len(week)
    assert progress.practiced_today == any(day_of(m.start) == today for m in week)
    assert (progress.target_days, progress.minimum_days) == (5, 2)


def test_mood_change_per_practice_and_weekly_trend(london_store: HistoryStore) -> None:
    profile = london_store.create_profile("Ann")
    made = populate(london_store, profile)
    with_pairs = sorted((m for m in made if m.mood), key=lambda m: (day_of(m.start), m.id))
    changes = stats.mood_changes(london_store, profile)
    assert [c.practice_id for c in changes] == [m.id for m in with_pairs]
    for change, m in zip(changes, with_pairs, strict=True):
        assert m.mood is not None
        assert change.mood_change == m.mood[1] - m.mood[0]
        assert change.stress_change == (m.stress[1] - m.stress[0] if m.stress else None)
    by_week: dict[dt.date, list[Made]] = defaultdict(list)
    for m in with_pairs:
        d = day_of(m.start)
        by_week[d - dt.timedelta(days=d.weekday())].append(m)
    trend = stats.mood_trend(london_store, profile)
    assert [t.week_start for t in trend] == sorted(by_week)
    for t in trend:
        group = by_week[t.week_start]
        assert t.practices == len(group)
        assert t.mean_mood_change == pytest.approx(
            sum(m.mood[1] - m.mood[0] for m in group) / len(group))  # type: ignore[index]
        stress = [m.stress[1] - m.stress[0] for m in group if m.stress]
        if stress:
            assert t.mean_stress_change == pytest.approx(sum(stress) / len(stress))
        else:
            assert t.mean_stress_change is None


def test_module_coverage_in_program_order(london_store: HistoryStore) -> None:
    profile = london_store.create_profile("Ann")
    made = populate(london_store, profile)
    mapping = dict(SESSIONS)
    mapping["situation-solver-1"] = "situation-solver"  # never practiced
    result = stats.module_coverage(london_store, profile, mapping)
    assert [c.module_id for c in result] == [
        "stretch-breathe", "eye-center", "nesting-doll", "bam", "situation-solver", None]
    for coverage in result:
        mine = [m for m in counted(made) if mapping.get(m.session) == coverage.module_id]
        assert coverage.practices == len(mine)
        assert coverage.listened_ms == sum(m.listened_ms for m in mine)
        days = [day_of(m.start) for m in mine]
        assert coverage.first_day == (min(days) if days else None)
        assert coverage.last_day == (max(days) if days else None)


def test_profiles_are_kept_apart(london_store: HistoryStore) -> None:
    ann = london_store.create_profile("Ann")
    bea = london_store.create_profile("Bea", "client")
    populate(london_store, ann, seed=1)
    bea_made = populate(london_store, bea, seed=2)
    last = FIRST + dt.timedelta(days=DAYS - 1)
    totals = stats.daily_totals(london_store, bea, FIRST, last)
    assert sum(t.practices for t in totals) == len(counted(bea_made))
    assert stats.totals(london_store, bea)["practices"] == len(counted(bea_made))
    assert {c.practice_id for c in stats.mood_changes(london_store, bea)} == {
        m.id for m in bea_made if m.mood}


def test_day_boundary_puts_half_past_midnight_on_the_day_before(
    store: HistoryStore, clock: FakeClock
) -> None:
    clock.ms = ms(dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    profile = store.create_profile("Ann")
    utc = dt.UTC
    for hour, minute in ((0, 30), (2, 59), (3, 0)):
        start = dt.datetime(2026, 4, 10, hour, minute, tzinfo=utc)
        store.log_manual_practice(profile, "bam-1", ms(start), 120_000)
    day = {t.day: t.practices for t in stats.daily_totals(
        store, profile, dt.date(2026, 4, 9), dt.date(2026, 4, 10))}
    assert day == {dt.date(2026, 4, 9): 2, dt.date(2026, 4, 10): 1}
    store.update_settings(profile, day_starts_at="00:00")
    day = {t.day: t.practices for t in stats.daily_totals(
        store, profile, dt.date(2026, 4, 9), dt.date(2026, 4, 10))}
    assert day == {dt.date(2026, 4, 9): 0, dt.date(2026, 4, 10): 3}


def test_local_day_uses_offset_at_the_time_of_practice(data_dir, clock: FakeClock) -> None:
    clock.ms = ms(dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    tokyo = ZoneInfo("Asia/Tokyo")
    with HistoryStore.open(clock=clock, tz=tokyo) as store:
        profile = store.create_profile("Ann")
        # 20:00 UTC on 9 April is 05:00 on 10 April in Tokyo
        store.log_manual_practice(profile, "bam-1", ms(dt.datetime(2026, 4, 9, 20, 0,
                                                                   tzinfo=dt.UTC)), 60_000)
        assert stats.practice_days(store, profile) == {dt.date(2026, 4, 10)}


def test_streak_only_when_turned_on(store: HistoryStore, clock: FakeClock) -> None:
    clock.ms = ms(dt.datetime(2026, 5, 1, tzinfo=dt.UTC))
    profile = store.create_profile("Ann")
    utc = dt.UTC
    for day in (1, 3, 4, 5, 6):  # a gap on the 2nd
        store.log_manual_practice(profile, "bam-1", ms(dt.datetime(2026, 4, day, 12, tzinfo=utc)),
                                  60_000)
    now = dt.datetime(2026, 4, 7, 9, 0, tzinfo=utc)  # not yet practiced today
    assert stats.current_streak(store, profile, now) is None
    store.update_settings(profile, streaks_enabled=True)
    assert stats.current_streak(store, profile, now) == 4
    assert stats.current_streak(store, profile, now + dt.timedelta(days=1)) == 0
    assert stats.current_streak(store, profile, dt.datetime(2026, 4, 2, 12, tzinfo=utc)) == 1


def test_resumed_practice_adds_minutes_not_a_second_practice(
    store: HistoryStore, clock: FakeClock
) -> None:
    profile = store.create_profile("Ann")
    first = store.start_practice(profile, "nesting-doll-1", "h", "interactive")
    store.checkpoint(first, 452_000, 450_000)
    second = store.start_practice(profile, "nesting-doll-1", "h", "interactive",
                                  resume_of=first, position_ms=452_000)
    clock.advance(900_000)
    store.finish_practice(second, True, 1_352_000, 900_000)
    totals = stats.totals(store, profile)
    assert (totals["practices"], totals["listened_ms"]) == (1, 1_350_000)


def test_reflection_diary_filters_and_order(store: HistoryStore, clock: FakeClock) -> None:
    profile = store.create_profile("Ann")
    other = store.create_profile("Bea")
    body = store.add_body_map(profile, b"blob", emotion="Anxiety", intensity=6)
    entries = []
    for day, session in enumerate(["nesting-doll-1", "bam-1", "nesting-doll-1"]):
        pid = store.start_practice(profile, session, "h", "interactive")
        clock.advance(60_000)
        rid = store.save_reflection(pid, "felt", prompt="What did you feel?", note=f"note {day}",
                                    rating=day, body_map_id=body if day == 2 else None)
        entries.append((rid, session))
        clock.advance(86_400_000)
    hidden = store.start_practice(other, "bam-1", "h", "interactive")
    store.save_reflection(hidden, "felt", note="not Ann's")
    diary = reflection_diary(store, profile)
    assert [e.reflection_id for e in diary] == [rid for rid, _ in reversed(entries)]
    assert diary[0].body_map_id == body and diary[0].rating == 2
    assert diary[0].prompt == "What did you feel?"
    bam_only = reflection_diary(store, profile, session_id="bam-1")
    assert [e.note for e in bam_only] == ["note 1"]
    by_module = reflection_diary(store, profile, module_id="nesting-doll",
                                       session_modules=SESSIONS)
    assert [e.note for e in by_module] == ["note 2", "note 0"]
    assert {e.module_id for e in by_module} == {"nesting-doll"}
    start_day = dt.date(2026, 3, 3)
    assert [e.note for e in reflection_diary(store, profile, first_day=start_day,
                                                   last_day=start_day)] == ["note 1"]
    with pytest.raises(InvalidInputError):
        reflection_diary(store, profile, module_id="bam")


def test_body_map_selection_by_emotion_and_dates(store: HistoryStore) -> None:
    profile = store.create_profile("Ann")
    other = store.create_profile("Bea")
    utc = dt.UTC
    ids = {}
    for day, emotion in ((1, "anxiety"), (8, "Anxiety "), (15, "love"), (22, "anxiety")):
        created = ms(dt.datetime(2026, 2, day, 12, tzinfo=utc))
        ids[day] = store.add_body_map(profile, b"x", emotion=emotion, intensity=5,
                                      created_ms=created)
    store.add_body_map(other, b"x", emotion="anxiety", created_ms=ms(dt.datetime(2026, 2, 9,
                                                                                 tzinfo=utc)))
    assert body_map_ids(store, profile, emotion="anxiety") == [ids[1], ids[8], ids[22]]
    assert body_map_ids(store, profile, emotion="ANXIETY", first_day=dt.date(2026, 2, 5),
                              last_day=dt.date(2026, 2, 22)) == [ids[8], ids[22]]
    assert body_map_ids(store, profile) == [ids[1], ids[8], ids[15], ids[22]]
    record = store.get_body_map(ids[15], profile)
    assert (record.emotion, record.intensity, record.data) == ("love", 5, b"x")
    with pytest.raises(InvalidInputError):
        store.get_body_map(ids[15], other)


def test_summary_is_json_ready(london_store: HistoryStore) -> None:
    import json

    profile = london_store.create_profile("Ann")
    made = populate(london_store, profile)
    summary = stats.summary(london_store, profile, dt.datetime(2026, 4, 12, 20, tzinfo=LONDON))
    json.dumps(summary)
    assert summary["totals"]["practices"] == len(counted(made))
    assert len(summary["weeks"]) == 8
    assert summary["weeks"][-1]["week_start"] == "2026-04-06"
    assert summary["streak"] is None


def test_bad_ranges_are_refused(store: HistoryStore) -> None:
    profile = store.create_profile("Ann")
    with pytest.raises(InvalidInputError):
        stats.daily_totals(store, profile, dt.date(2026, 1, 2), dt.date(2026, 1, 1))
    with pytest.raises(InvalidInputError):
        stats.daily_totals(store, profile, dt.date(2000, 1, 1), dt.date(2026, 1, 1))
