"""GUI figures, each against a baseline measured in the same run.

- ``gui.startup_vs_bare_qt``: process start -> main window painted, divided by the same
  for a bare PySide6 window (goal <= 1.5). Median of several fresh processes each.
- ``gui.max_stall_ms``: the longest event-loop stall seen by a 5 ms QTimer heartbeat
  while a session is prepared cold (empty speech cache; the prepare worker process, about
  30 s for the quick reset) and then plays through the real window and its background
  workers (goal <= 50). Baseline: the same heartbeat with nothing running.

Everything runs in child processes on Qt's offscreen platform with the null audio
backend and temporary data and cache folders.
"""

from __future__ import annotations

import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7

_PAINTED = """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication
class Painted(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            sys.stdout.write(repr(time.time()) + "\\n"); sys.stdout.flush()
            QTimer.singleShot(0, QApplication.instance().quit)
        return False
"""

BARE = _PAINTED + """
from PySide6.QtWidgets import QLabel, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow(); window.setCentralWidget(QLabel("Hello")); window.resize(1024, 768)
spy = Painted(); window.installEventFilter(spy)
window.show(); app.exec()
"""

APP = _PAINTED + """
from mit_desktop.app import configure_logging
configure_logging()
app = QApplication(sys.argv)
from mit_desktop.ui.application import start
window = start(app); window.resize(1024, 768)
spy = Painted(); window.installEventFilter(spy)
window.show(); app.exec()
"""

STALL = """
import json, sys
from PySide6.QtCore import QElapsedTimer, QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
mode, seconds = sys.argv[1], float(sys.argv[2])
gaps = []
clock = QElapsedTimer(); clock.start(); last = [0]
def beat():
    now = clock.elapsed(); gaps.append(now - last[0]); last[0] = now
heart = QTimer(); heart.setInterval(5); heart.timeout.connect(beat)
if mode == "app":
    from mit_desktop.ui.application import create_window
    window = create_window(app); window.resize(1024, 768); window.show()
    window.ctx.store.accept_notice(window.ctx.profile_id); window.ctx.reload_profile()
    def start():
        window.start_practice("bam")
        QTimer.singleShot(300, lambda: window.checkin.go_button.click())
    QTimer.singleShot(500, start)
def begin():
    last[0] = clock.elapsed(); heart.start()
QTimer.singleShot(400, begin)
QTimer.singleShot(int(400 + seconds * 1000), app.quit)
app.exec()
state = window.ctx.player.state if mode == "app" else ""
caption = window.player.caption_label.text() if mode == "app" else ""
worst = max(range(len(gaps)), key=gaps.__getitem__)
at_ms = sum(gaps[:worst + 1])
print(json.dumps({"max_gap_ms": max(gaps) - 5, "at_ms": at_ms, "beats": len(gaps), "state": state,
                  "caption": caption}), flush=True)
import os
os._exit(0)  # skip interpreter teardown: only the figures matter here
"""


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", MIT_AUDIO_BACKEND="null",
               MIT_DESKTOP_DATA_DIR=str(folder / "data"), MIT_DESKTOP_CACHE_DIR=str(folder / "cache"),
               PYTHONPATH=str(ROOT))
    env.pop("MIT_DESKTOP_SYNC_WORKERS", None)
    return env


def _startup_s(code: str) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as folder:
        start = time.time()
        out = subprocess.run([sys.executable, "-c", code], env=_env(Path(folder)), cwd=ROOT,
                             capture_output=True, text=True, timeout=120, check=True).stdout
        return float(out.strip().splitlines()[-1]) - start


def startup_records() -> list[dict]:
    _startup_s(BARE), _startup_s(APP)  # warm the file cache for both alike
    bare = statistics.median(_startup_s(BARE) for _ in range(RUNS))
    app = statistics.median(_startup_s(APP) for _ in range(RUNS))
    log.info("startup: app %.3f s, bare Qt %.3f s", app, bare)
    return [{"name": "gui.startup_vs_bare_qt", "value": app / bare, "unit": "ratio",
             "baseline": f"bare PySide6 window ({bare * 1000:.0f} ms; app {app * 1000:.0f} ms)",
             "baseline_value": 1.0}]


def _stall(mode: str, seconds: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-gui-") as folder:
        out = subprocess.run([sys.executable, "-c", STALL, mode, str(seconds)],
                             env=_env(Path(folder)), cwd=ROOT, capture_output=True, text=True,
                             timeout=300, check=True).stdout
        return json.loads(out.strip().splitlines()[-1])


def stall_records(seconds: float = 60.0) -> list[dict]:
    idle = _stall("idle", seconds)
    busy = _stall("app", seconds)
    log.info("stall: idle %s, rendering and playing %s", idle, busy)
    if busy["state"] not in ("playing", "buffering", "reflection"):
        log.warning("the practice was not playing at the end (%s)", busy["state"])
    return [{"name": "gui.max_stall_ms", "value": float(busy["max_gap_ms"]), "unit": "ms",
             "baseline": "the same heartbeat with nothing running",
             "baseline_value": float(idle["max_gap_ms"])}]


def run() -> list[dict]:
    return startup_records() + stall_records()
