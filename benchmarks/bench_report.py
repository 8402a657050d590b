"""The therapist's report of a year of daily practice (``bench_bundle``'s year: 413
practices, 500 reflections shown, 413 body maps): how long saving it holds the GUI
thread, beside how long it held it before the report was read on the database lane.

- ``report.gui_thread_year_ms``: what the window does on the GUI thread now when the
  report is saved: lay it out (charts, and the body map pictures and each feeling's
  average, already drawn) and print the PDF. The store is read and every body map drawn
  on the database lane (``read_report``, logged). Baseline, in the same run: the GUI
  thread's part before the pictures moved to the lane (eleventh session): draw the body
  maps of the reflections and each feeling's average, lay out, print. Before the store
  was read on the lane (and the silhouette worked out once per size), the whole report
  took about 11 s on this thread (tenth session's run: 11,011 ms beside 3,996 ms).

Times are the median of three runs, in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

REPEATS = 3


def _median_ms(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


def run() -> list[dict]:
    """The report record (see the module docstring)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from benchmarks.bench_bundle import _fill_year
    from mit_desktop.history.diary import body_map_ids, body_maps_by_id
    from mit_desktop.history.store import HistoryStore
    from mit_desktop.history.timeutil import local_day_of
    from mit_desktop.ui.history.report import lay_out_report, write_report_pdf
    from mit_desktop.ui.history.report_data import _averages, _pictures, read_report
    from mit_desktop.ui.history.text import store_now

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "year.sqlite"
        _fill_year(db_path)
        with HistoryStore.open(db_path) as store:
            pid = store.list_profiles()[0].id
            last = local_day_of(store_now(store), 0)
            first = last - dt.timedelta(days=366)
            pdf = Path(folder) / "report.pdf"
            data = read_report(store, pid, first, last)
            log.info("report of a year: %d reflections, %d body maps drawn, %d averages; read "
                     "and drawn on the lane in %.0f ms", len(data.entries),
                     len(data.pictures), len(data.averages),
                     _median_ms(lambda: read_report(store, pid, first, last)))
            now = _median_ms(lambda: write_report_pdf(lay_out_report(data), pdf))
            maps = list(data.maps.values())
            averaged = list(body_maps_by_id(store, pid, list(body_map_ids(
                store, pid, first_day=first, last_day=last))).values())

            def drawn_here() -> None:
                _pictures(maps)
                _averages(averaged)
                write_report_pdf(lay_out_report(data), pdf)

            before = _median_ms(drawn_here)
    app.processEvents()
    return [{"name": "report.gui_thread_year_ms", "value": now, "unit": "ms",
             "baseline": "the GUI thread before the body maps were drawn on the lane (draw "
                         "them, lay out, print)", "baseline_value": before}]
