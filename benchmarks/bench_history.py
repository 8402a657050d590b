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
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from mit_desktop.history import stats
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


def _record(name: str, value: float, baseline: str, baseline_value: float) -> dict:
    return {"name": name, "value": value, "unit": "ms", "baseline": baseline,
            "baseline_value": baseline_value}


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
    return records
