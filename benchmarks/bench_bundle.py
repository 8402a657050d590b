"""Practice bundles: time and peak memory for a year of daily practice, each beside a
baseline measured in the same run.

The year: 365 days of practice (one a day, a second on one day in ten), each with
before/after check-ins, five reflections and one body map (real ``mit_desktop.bodymap``
blobs, as ``bench_history`` makes them), PHQ-9, GAD-7 and WHO-5 every week, and a
time they needed to stop every fortnight. Written in bulk to a real SQLite history.

Each operation runs in a fresh interpreter (``spawn``), three times: the time is the
median; the memory is the peak resident memory during the operation above what the
process held just before it (Linux: ``VmHWM`` reset through ``/proc/self/clear_refs``
before, read after; the median of the three), so SQLite's, OpenSSL's and numpy's
allocations count, not only Python's.

- ``bundle.export_year_ms`` / ``bundle.export_year_peak_mb``: ``export_bundle`` of the
  year (read, check, zip, write atomically); baseline: the plain JSON export of the same
  profile (``history export --format json``).
- ``bundle.export_protected_year_ms`` / ``..._peak_mb``: the same with a passphrase
  (scrypt n = 2^17, AES-256-GCM); baseline: the unprotected bundle.
- ``bundle.import_year_ms`` / ``bundle.import_year_peak_mb``: ``import_bundle`` of that
  bundle into an empty history (checks, then every row written in one transaction);
  baseline: ``json.loads`` of the plain JSON export of the same year.
- ``bundle.import_protected_year_ms`` / ``..._peak_mb``: the protected bundle; baseline:
  the unprotected import.
- ``bundle.import_again_year_ms``: the same bundle imported a second time (nothing new);
  baseline: the first import.
- ``bundle.year_mb``: the bundle file; baseline: the plain JSON export's file.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

DAY_MS = 86_400_000
DAYS = 365
REPEATS = 3
PASSPHRASE = "a kettle on the window sill"
INSTRUMENTS = {"phq9": 9, "gad7": 7, "who5": 5}


def _record(name: str, value: float, baseline: str, baseline_value: float,
            unit: str = "ms") -> dict:
    return {"name": name, "value": value, "unit": unit, "baseline": baseline,
            "baseline_value": baseline_value}


def _fill_year(db_path: Path) -> None:
    """A client's history with one year of daily practice (see the module docstring)."""
    import random

    from benchmarks.bench_history import (
        PROMPTS,
        SESSIONS,
        WORDS,
        _body_map_blobs,
        insert_practices,
    )
    from mit_desktop.history.store import HistoryStore

    rng = random.Random(17)
    blobs = _body_map_blobs(12)
    emotions = ["sadness", "anxiety", "calm", "love", "anger", None]
    with HistoryStore.open(db_path) as store:
        profile = store.create_profile("A year")
        end_ms = store.clock() - DAY_MS
        practices, check_ins, reflections, body_maps, measures, stops = [], [], [], [], [], []
        pid = map_id = 0
        for day in range(DAYS):
            day_ms = end_ms - (DAYS - day) * DAY_MS
            for _ in range(2 if rng.random() < 0.1 else 1):
                pid += 1
                started = day_ms + rng.randrange(6, 23) * 3_600_000
                listened = rng.randrange(300_000, 1_500_000)
                practices.append((pid, profile, rng.choice(list(SESSIONS)), "0" * 64,
                                  "interactive", "player", "completed", started, 60,
                                  started + listened + 5000, started + listened, listened,
                                  listened))
                check_ins.append((pid, "before", started, rng.randrange(11), rng.randrange(11)))
                check_ins.append((pid, "after", started + listened, rng.randrange(11),
                                  rng.randrange(11)))
                map_id += 1
                body_maps.append((map_id, profile, pid, started + 60_000, 60,
                                  rng.choice(emotions), rng.randrange(11), rng.choice(blobs)))
                for k, prompt in enumerate(PROMPTS):
                    note = " ".join(rng.choice(WORDS) for _ in range(rng.randrange(3, 40)))
                    reflections.append((pid, f"r{k}", prompt, note, rng.randrange(11),
                                        map_id if k == 0 else None, started + 60_000 * (k + 1)))
                if day % 14 == 3 and (not stops or stops[-1][1] != pid - 1):
                    stops.append((profile, pid, "need_to_stop", started + 300_000, 60,
                                  "nesting-doll", "The doll", 300_000, 1, "{}"))
            if day % 7 == 0:
                for instrument, items in INSTRUMENTS.items():
                    answers = [rng.randrange(0, 4 if instrument != "who5" else 6)
                               for _ in range(items)]
                    measures.append((profile, instrument, day_ms + 9 * 3_600_000, 60,
                                     json.dumps(answers), None, "weekly"))
        with store.transaction():
            insert_practices(store, practices, check_ins, body_maps, reflections)
            store.conn.executemany(
                "INSERT INTO measure_responses (profile_id, instrument, recorded_ms, "
                "utc_offset_min, answers, follow_up, occasion) VALUES (?, ?, ?, ?, ?, ?, ?)",
                measures)
            store.conn.executemany(
                "INSERT INTO safety_events (profile_id, practice_id, kind, recorded_ms, "
                "utc_offset_min, session_id, section, position_ms, grounding_used, detail) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", stops)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log.info("a year: %d practices, %d reflections, %d body maps, %d questionnaires, "
             "%d stops", len(practices), len(reflections), len(body_maps), len(measures),
             len(stops))


# ------------------------------------------------------------------ one operation, measured


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _operation(kind: str, folder: Path, target: Path) -> Callable[[], object]:
    """The operation ``kind`` on the year in ``folder``, prepared (stores opened) so that
    only the operation itself is measured; writes to ``target``."""
    from mit_desktop.history import bundle, export
    from mit_desktop.history.store import HistoryStore

    source = folder / "client" / "history.sqlite3"
    if kind.startswith("export"):
        store = HistoryStore.open(source)
        profile = store.profile_by_name("A year").id
        if kind == "export_json":
            return lambda: export.export(store, profile, "json", target)
        phrase = PASSPHRASE if kind == "export_protected" else None
        return lambda: bundle.export_bundle(store, profile, target, passphrase=phrase)
    if kind == "load_json":
        return lambda: json.loads((folder / "year.json").read_text(encoding="utf-8"))
    # imports: into a copy of an empty history (or of one that already holds the year)
    start = folder / ("imported" if kind == "import_again" else "empty") / "history.sqlite3"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(start, target)
    store = HistoryStore.open(target)
    path = folder / ("year-protected.mitbundle" if kind == "import_protected"
                     else "year.mitbundle")
    phrase = PASSPHRASE if kind == "import_protected" else None
    return lambda: bundle.import_bundle(store, path, "A year (client)", passphrase=phrase)


def _child(kind: str, folder: str, target: str) -> tuple[float, float]:
    """Run one operation in this (fresh) process: (seconds, peak MB above the start)."""
    logging.disable(logging.INFO)
    action = _operation(kind, Path(folder), Path(target))
    before_kb = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset the high-water mark
    start = time.perf_counter()
    action()
    seconds = time.perf_counter() - start
    peak_kb = _status_kb("VmHWM")
    return seconds, max(0, peak_kb - before_kb) / 1024


def _measure(kind: str, folder: Path) -> tuple[float, float]:
    """Median ms and median peak MB of :data:`REPEATS` runs, each in a fresh process."""
    context = multiprocessing.get_context("spawn")
    times, peaks = [], []
    for i in range(REPEATS):
        target = folder / "out" / f"{kind}-{i}" / ("history.sqlite3" if "import" in kind
                                                    else "out.file")
        target.parent.mkdir(parents=True, exist_ok=True)
        with context.Pool(1) as pool:
            seconds, peak_mb = pool.apply(_child, (kind, str(folder), str(target)))
        times.append(seconds * 1000)
        peaks.append(peak_mb)
        shutil.rmtree(target.parent, ignore_errors=True)
    log.info("%s: %s ms, %s MB", kind, [round(t) for t in times], [round(p, 1) for p in peaks])
    return statistics.median(times), statistics.median(peaks)


def run() -> list[dict]:
    """Measure and return the records (see the module docstring)."""
    from mit_desktop.history import bundle, export
    from mit_desktop.history.store import HistoryStore

    with tempfile.TemporaryDirectory(prefix="mit-bench-bundle-") as tmp:
        folder = Path(tmp)
        _fill_year(folder / "client" / "history.sqlite3")
        with HistoryStore.open(folder / "empty" / "history.sqlite3"):
            pass
        with HistoryStore.open(folder / "client" / "history.sqlite3") as store:
            profile = store.profile_by_name("A year").id
            export.export(store, profile, "json", folder / "year.json")
            bundle.export_bundle(store, profile, folder / "year.mitbundle")
            bundle.export_bundle(store, profile, folder / "year-protected.mitbundle",
                                 passphrase=PASSPHRASE)
        shutil.copytree(folder / "empty", folder / "imported")
        with HistoryStore.open(folder / "imported" / "history.sqlite3") as store:
            bundle.import_bundle(store, folder / "year.mitbundle", "A year (client)")

        figures = {kind: _measure(kind, folder) for kind in (
            "export_json", "export_bundle", "export_protected", "load_json",
            "import_bundle", "import_protected", "import_again")}
        records = []
        for name, kind, baseline, base_kind in (
                ("export_year", "export_bundle", "plain JSON export of the same year",
                 "export_json"),
                ("export_protected_year", "export_protected", "the same bundle without a "
                 "passphrase", "export_bundle"),
                ("import_year", "import_bundle", "json.loads of the plain JSON export",
                 "load_json"),
                ("import_protected_year", "import_protected", "the same bundle without a "
                 "passphrase", "import_bundle")):
            records.append(_record(f"bundle.{name}_ms", figures[kind][0], baseline,
                                   figures[base_kind][0]))
            records.append(_record(f"bundle.{name}_peak_mb", figures[kind][1], baseline,
                                   figures[base_kind][1], unit="MB"))
        records.append(_record("bundle.import_again_year_ms", figures["import_again"][0],
                               "the first import", figures["import_bundle"][0]))
        records.append(_record("bundle.year_mb", (folder / "year.mitbundle").stat().st_size / 1e6,
                               "the plain JSON export's file",
                               (folder / "year.json").stat().st_size / 1e6, unit="MB"))
    return records
