"""Practice-history figures, each with its baseline measured in the same run.

- ``history.checkpoint_ms``: one durable ``HistoryStore.checkpoint`` (WAL,
  ``synchronous=FULL``), median of many; baseline: the same UPDATE on a bare
  SQLite file with ``synchronous=OFF`` (no fsync).
- ``history.save_draft_ms``: one durable draft save; same baseline.
- ``history.stats_ms``: ``stats.summary`` for a profile with two years of daily
  practice (730 practices, before/after check-ins, a reflection each);
  baseline: a bare ``COUNT(*)`` over the same practices.
- ``history.stats_two_years_ms``: daily and weekly totals over the whole two
  years plus every mood change (the calendar and trend charts); same baseline.
- ``history.open_ms``: opening that database (lock, integrity check, schema
  check); baseline: a bare ``sqlite3.connect`` plus one query.
- ``history.stats_10y_ms`` (goal ≤ 50): every statistic the history view and
  ``history stats`` show, over ten generated years of daily practice (about
  4,000 practices with before/after check-ins, 20,000 reflections, 4,000 body
  maps of real ``mit_desktop.bodymap`` blobs): the summary, daily and weekly
  totals over the ten years, practice days, every mood change and the weekly
  trend, module coverage, the diary's first page and body-map ids per emotion;
  baseline: a bare ``COUNT(*)`` of the same practices.
- ``history.export_10y_ms``: the JSON export of those ten years (query, build,
  serialise); baseline: ``json.dumps`` of the same document already in memory.
- ``history.db_mb_per_year``: the database file (after a WAL checkpoint) per
  simulated year; baseline: the raw size of the rows' values (text as UTF-8,
  blobs as their bytes, numbers as 8 bytes) per year.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mit_desktop.history import export, stats
from mit_desktop.history.diary import body_map_ids, reflection_diary
from mit_desktop.history.store import HistoryStore

log = logging.getLogger(__name__)

DAY_MS = 86_400_000


def _median_ms(action: Callable[[int], object], repeats: int) -> float:
    samples = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def _record(name: str, value: float, baseline: str, baseline_value: float,
            unit: str = "ms") -> dict:
    return {"name": name, "value": value, "unit": unit, "baseline": baseline,
            "baseline_value": baseline_value}


def insert_practices(store: HistoryStore, practices: list[tuple], check_ins: list[tuple],
                     body_maps: list[tuple], reflections: list[tuple]) -> None:
    """Bulk-insert generated rows (the caller holds a transaction): practices (id,
    profile_id, session_id, session_hash, mode, source, status, started_ms,
    utc_offset_min, ended_ms, checkpoint_ms, position_ms, listened_ms), check-ins
    (practice_id, phase, recorded_ms, mood, stress), body maps (id, profile_id,
    practice_id, created_ms, utc_offset_min, emotion, intensity, data) and reflections
    (practice_id, reflection_key, prompt, note, rating, body_map_id, saved_ms)."""
    store.conn.executemany(
        "INSERT INTO practices (id, profile_id, session_id, session_hash, mode, source, "
        "status, started_ms, utc_offset_min, ended_ms, checkpoint_ms, position_ms, "
        "listened_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", practices)
    store.conn.executemany(
        "INSERT INTO check_ins (practice_id, phase, recorded_ms, mood, stress) "
        "VALUES (?, ?, ?, ?, ?)", check_ins)
    store.conn.executemany(
        "INSERT INTO body_maps (id, profile_id, practice_id, created_ms, utc_offset_min, "
        "emotion, intensity, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", body_maps)
    store.conn.executemany(
        "INSERT INTO reflections (practice_id, reflection_key, prompt, note, rating, "
        "body_map_id, saved_ms) VALUES (?, ?, ?, ?, ?, ?, ?)", reflections)


def _bare_update_ms(folder: Path, repeats: int) -> float:
    conn = sqlite3.connect(folder / "bare.sqlite3", isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, position_ms INTEGER, listened_ms INTEGER)"
    )
    conn.execute("INSERT INTO t VALUES (1, 0, 0)")
    try:
        return _median_ms(
            lambda i: conn.execute("UPDATE t SET position_ms = ?, listened_ms = ? WHERE id = 1",
                                   (i * 5000, i * 5000)),
            repeats,
        )
    finally:
        conn.close()


def _two_years(store: HistoryStore, profile: int, end_ms: int) -> None:
    with store.transaction():
        for day in range(730):
            started = end_ms - (730 - day) * DAY_MS + 8 * 3_600_000
            pid = store.log_manual_practice(profile, f"session-{day % 6}", started, 1_380_000)
            store.record_check_in(pid, "before", mood=day % 7, stress=(day * 3) % 11,
                                  recorded_ms=started)
            store.record_check_in(pid, "after", mood=min(10, day % 7 + 2), stress=(day * 3) % 9,
                                  recorded_ms=started + 1_380_000)
            store.save_reflection(pid, "felt", prompt="What did you notice?", note="calmer",
                                  rating=day % 11)


YEARS = 10
SESSIONS = {f"session-{i}": f"module-{i // 3}" for i in range(18)}
EMOTIONS = ["sadness", "anxiety", "calm", "love", "anger", None]
PROMPTS = ["Where in your body do you notice it?", "What might they be feeling right now?",
           "What did you notice in yourself?", "How strong is it, from 0 to 10?",
           "What would you like to remember from today?"]
WORDS = ("warm heavy tight chest calm worried mum tired hands breath soft sad hopeful "
         "shoulders quiet kitchen morning afraid gentle lighter").split()


def _body_map_blobs(count: int) -> list[bytes]:
    """``count`` real body-map blobs: a few smooth painted strokes each (about 8 KB)."""
    import numpy as np

    from mit_desktop.bodymap import BodyMap, Brush, Layer, Stroke, StrokeKind, to_bytes

    rng = np.random.default_rng(5)
    blobs = []
    for _ in range(count):
        strokes = []
        for k in range(int(rng.integers(3, 9))):
            walk = rng.normal(0, 3, (80, 2)).cumsum(axis=0)
            x0, y0 = rng.uniform(250, 650), rng.uniform(150, 750)
            layer = Layer.ACTIVATION if k % 3 else Layer.DEACTIVATION
            strokes.append(Stroke.create(StrokeKind.PAINT, layer, Brush.POINT, np.column_stack(
                [np.arange(80) * 16, x0 + walk[:, 0], y0 + walk[:, 1]])))
        blobs.append(to_bytes(BodyMap(strokes=tuple(strokes), emotion="sadness", intensity=6)))
    return blobs


def _ten_years(store: HistoryStore, profile: int, end_ms: int) -> int:
    """Fill ``profile`` with ten years of daily practice (bulk SQL); return the raw bytes."""
    import random

    rng = random.Random(10)
    blobs = _body_map_blobs(12)
    days = YEARS * 365 + YEARS // 4
    practices, check_ins, reflections, body_maps = [], [], [], []
    pid = store.conn.execute("SELECT coalesce(max(id), 0) FROM practices").fetchone()[0]
    map_id = store.conn.execute("SELECT coalesce(max(id), 0) FROM body_maps").fetchone()[0]
    for day in range(days):
        for _ in range(2 if rng.random() < 0.1 else 1):
            pid += 1
            started = end_ms - (days - day) * DAY_MS + rng.randrange(6, 23) * 3_600_000
            listened = rng.randrange(300_000, 1_500_000)
            status = "completed" if rng.random() < 0.85 else "partial"
            practices.append((pid, profile, rng.choice(list(SESSIONS)), "0" * 64,
                              rng.choice(("hands-free", "interactive")), "player", status,
                              started, 60, started + listened + 5000, started + listened,
                              listened, listened))
            check_ins.append((pid, "before", started, rng.randrange(11), rng.randrange(11)))
            check_ins.append((pid, "after", started + listened, rng.randrange(11),
                              rng.randrange(11)))
            map_id += 1
            body_maps.append((map_id, profile, pid, started + 60_000, 60, rng.choice(EMOTIONS),
                              rng.randrange(11), rng.choice(blobs)))
            for k, prompt in enumerate(PROMPTS):
                note = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 40)))
                reflections.append((pid, f"r{k}", prompt, note, rng.randrange(11),
                                    map_id if k == 0 else None, started + 60_000 * (k + 1)))
    with store.transaction():
        insert_practices(store, practices, check_ins, body_maps, reflections)
    log.info("ten years: %d practices, %d check-ins, %d reflections, %d body maps",
             len(practices), len(check_ins), len(reflections), len(body_maps))

    def raw(value: object) -> int:
        if isinstance(value, (bytes, str)):
            return len(value.encode("utf-8") if isinstance(value, str) else value)
        return 0 if value is None else 8

    return sum(raw(v) for rows in (practices, check_ins, reflections, body_maps)
               for row in rows for v in row)


def all_statistics(store: HistoryStore, profile: int, now: dt.datetime) -> None:
    """Everything the history view and ``history stats`` compute for one profile."""
    settings = store.settings(profile)
    today = now.date()
    first = today - dt.timedelta(days=YEARS * 365 + YEARS // 4)
    stats.summary(store, profile, now)
    stats.daily_totals(store, profile, first, today, settings)
    stats.weekly_totals(store, profile, first, today, settings)
    stats.practice_days(store, profile, settings=settings)
    stats.mood_changes(store, profile, settings)
    stats.module_coverage(store, profile, SESSIONS, settings)
    reflection_diary(store, profile, limit=50, settings=settings)
    for emotion in ("sadness", "anxiety", "calm", "love", "anger"):
        body_map_ids(store, profile, emotion=emotion, settings=settings)


def run_ten_years(folder: Path) -> list[dict]:
    """The ten-year figures (see module docstring)."""
    records = []
    db_path = folder / "ten-years" / "history.sqlite3"
    with HistoryStore.open(db_path) as store:
        profile = store.create_profile("Ten years")
        raw_bytes = _ten_years(store, profile, store.clock())
        now = dt.datetime.now().astimezone()
        all_statistics(store, profile, now)  # warm the page cache, as a running program has
        stats_ms = _median_ms(lambda i: all_statistics(store, profile, now), 15)
        cpu = []
        for _ in range(15):
            start = time.process_time()
            all_statistics(store, profile, now)
            cpu.append((time.process_time() - start) * 1000)
        log.info("stats_10y: median %.1f ms of wall time, %.1f ms of CPU time", stats_ms,
                 statistics.median(cpu))
        count_ms = _median_ms(lambda i: store.conn.execute(
            "SELECT count(*) FROM practices WHERE profile_id = ?", (profile,)).fetchone(), 15)
        records.append(_record("history.stats_10y_ms", stats_ms,
                               "bare COUNT(*) of the same practices", count_ms))
        export_ms = _median_ms(lambda i: export.to_json(export.collect(store, profile)), 5)
        document = export.collect(store, profile)
        dumps_ms = _median_ms(lambda i: json.dumps(document, ensure_ascii=False), 5)
        records.append(_record("history.export_10y_ms", export_ms,
                               "json.dumps of the same document in memory", dumps_ms))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = db_path.stat().st_size + Path(f"{db_path}-wal").stat().st_size
    records.append(_record("history.db_mb_per_year", size / YEARS / 1e6,
                           "raw size of the rows' values per year", raw_bytes / YEARS / 1e6,
                           unit="MB"))
    return records


def run() -> list[dict]:
    """Measure and return the records (see module docstring)."""
    records = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare_ms = _bare_update_ms(folder, 300)
        db_path = folder / "data" / "history.sqlite3"
        with HistoryStore.open(db_path) as store:
            profile = store.create_profile("Bench")
            practice = store.start_practice(profile, "nesting-doll", "h", "interactive")
            checkpoint_ms = _median_ms(
                lambda i: store.checkpoint(practice, i * 5000, i * 5000), 300)
            draft_ms = _median_ms(
                lambda i: store.save_draft(practice, "felt", "word " * (i % 50)), 300)
            store.finish_practice(practice, True, 1_500_000, 1_500_000)
            records.append(_record("history.checkpoint_ms", checkpoint_ms,
                                   "bare UPDATE, synchronous=OFF", bare_ms))
            records.append(_record("history.save_draft_ms", draft_ms,
                                   "bare UPDATE, synchronous=OFF", bare_ms))

            two_years = store.create_profile("Two years")
            _two_years(store, two_years, store.clock())
            now = dt.datetime.now().astimezone()
            stats_ms = _median_ms(lambda i: stats.summary(store, two_years, now), 20)
            count_ms = _median_ms(
                lambda i: store.conn.execute(
                    "SELECT count(*) FROM practices WHERE profile_id = ?", (two_years,)
                ).fetchone(),
                20,
            )
            records.append(_record("history.stats_ms", stats_ms,
                                   "bare COUNT(*) of the same practices", count_ms))
            today = now.date()
            first = today - dt.timedelta(days=730)
            full_ms = _median_ms(
                lambda i: (stats.daily_totals(store, two_years, first, today),
                           stats.weekly_totals(store, two_years, first, today),
                           stats.mood_changes(store, two_years)),
                20,
            )
            records.append(_record("history.stats_two_years_ms", full_ms,
                                   "bare COUNT(*) of the same practices", count_ms))
        open_ms = _median_ms(lambda i: HistoryStore.open(db_path).close(), 10)

        def bare_open(_: int) -> None:
            conn = sqlite3.connect(db_path)
            conn.execute("SELECT count(*) FROM practices").fetchone()
            conn.close()

        records.append(_record("history.open_ms", open_ms,
                               "bare sqlite3.connect + one query", _median_ms(bare_open, 10)))
        records.extend(run_ten_years(folder))
    return records
