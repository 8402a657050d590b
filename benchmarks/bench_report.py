"""The therapist's report of a year of daily practice (``bench_bundle``'s year: 413
practices, 500 reflections shown, 413 body maps): how long saving it holds the GUI
thread, beside how long it held it before the report was read on the database lane.

- ``report.gui_thread_year_ms``: what the window does on the GUI thread now when the
  report is saved: lay it out (charts, the body maps of its reflections, the average of
  each feeling, with the silhouette worked out once per size) and print the PDF; the
  store is read on the database lane (``read_report``, logged). Baseline, in the same
  run: the whole report on the GUI thread as before (read the store, lay out with the
  silhouette worked out again for every body map, print the PDF).

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
    from mit_desktop.bodymap import render, silhouette
    from mit_desktop.history.store import HistoryStore
    from mit_desktop.history.timeutil import local_day_of
    from mit_desktop.ui.history.report import lay_out_report, write_report_pdf
    from mit_desktop.ui.history.report_data import read_report
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
            log.info("report of a year: %d reflections, %d body maps; read on the lane in "
                     "%.0f ms", len(data.entries), len(data.all_maps),
                     _median_ms(lambda: read_report(store, pid, first, last)))
            now = _median_ms(lambda: write_report_pdf(lay_out_report(data), pdf))
            cached = render.body_picture
            render.body_picture = silhouette.body_picture.__wrapped__  # type: ignore[attr-defined]
            try:
                before = _median_ms(lambda: write_report_pdf(
                    lay_out_report(read_report(store, pid, first, last)), pdf))
            finally:
                render.body_picture = cached
    app.processEvents()
    return [{"name": "report.gui_thread_year_ms", "value": now, "unit": "ms",
             "baseline": "the whole report on the GUI thread before (store read, silhouette "
                         "per map)", "baseline_value": before}]
