"""Ready before Start (issue 15): the window's memory and the first-run preparation time.

- ``gui.rss_playing_rendered_mb``: the window's resident memory (VmRSS) while it plays a
  practice prepared ahead by the worker process (the quick reset), peak over a few seconds.
  Baseline: the same window idle, before anything was prepared, in the same process.
- ``gui.rss_after_render_mb``: the window's resident memory a minute after the worker has
  finished preparing. Baseline: the same idle figure.
- ``prepare.first_practice_s``: first-run preparation of the program's first practice with
  an empty cache, as the program does it (the worker process: Python start, Piper load,
  synthesis of every phrase, cache writes). Baseline: Piper's own synthesis time for the
  same practice's phrases (the time inside ``PiperSpeech.synthesize`` only), in this run.

Everything runs in child processes (offscreen Qt, null audio output, temporary folders).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
AFTER_RENDER_S = 60.0

MEMORY = """
import json, os, sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
app = QApplication(sys.argv)
from mit_desktop.ui.application import create_window
from mit_desktop.ui.preparer import preparer_for
window = create_window(app); window.resize(1024, 768); window.show()
window.ctx.store.accept_notice(window.ctx.profile_id); window.ctx.reload_profile()
after_s = float(sys.argv[1])
out = {}
def wait(seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        app.processEvents(); time.sleep(0.02)
wait(3.0)
out["idle_mb"] = rss_mb()
preparer = preparer_for(window.ctx)
preparer.cancel()  # whatever Today started: prepare exactly the quick reset
started = time.monotonic()
preparer.ensure(["bam"])
while preparer.busy:
    wait(0.2)
out["prepare_s"] = time.monotonic() - started
out["ready"] = "bam" in preparer.ready_sessions
out["after_render_now_mb"] = rss_mb()
wait(after_s)
out["after_render_mb"] = rss_mb()
window.start_practice("bam")
wait(1.0)
window.checkin.go_button.click()
peak = 0.0
end = time.monotonic() + 8.0
while time.monotonic() < end:
    wait(0.25); peak = max(peak, rss_mb())
out["playing_mb"] = peak
out["state"] = window.ctx.player.state
out["synthesised_in_window"] = window.ctx.player.engine.speech.synthesis_count
print(json.dumps(out), flush=True)
os._exit(0)
"""

PIPER_ALONE = """
import json, sys, time
from mit_desktop.content.library import find_session
from mit_desktop.render.engine import Engine
from mit_desktop.session.timeline import ListeningSettings
engine = Engine()
spent = [0.0, 0]
real = engine.speech.synthesize
def timed(*args, **kwargs):
    t = time.perf_counter(); audio = real(*args, **kwargs)
    spent[0] += time.perf_counter() - t; spent[1] += 1
    return audio
engine.speech.synthesize = timed
engine.speech.voice(None); engine.speech._model(engine.speech.voice(None))  # load outside the timing
engine.timeline(find_session(sys.argv[1]), ListeningSettings())
print(json.dumps({"synthesis_s": spent[0], "phrases": spent[1]}), flush=True)
"""

WORKER_PREPARE = """
import json, sys, time
from mit_desktop.practice.prepare import Preparation, PrepareJob
from mit_desktop.session.timeline import ListeningSettings
started = time.perf_counter()
run = Preparation([PrepareJob(sys.argv[1], ListeningSettings())], prune=False)
run.run()
print(json.dumps({"prepare_s": time.perf_counter() - started, "ready": sorted(run.ready),
                  "failures": run.failures}), flush=True)
"""


def _env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM="offscreen", MIT_AUDIO_BACKEND="null",
               MIT_DESKTOP_DATA_DIR=str(folder / "data"), MIT_DESKTOP_CACHE_DIR=str(folder / "cache"),
               MIT_DESKTOP_PREPARE_AHEAD="1", PYTHONPATH=str(ROOT))
    env.pop("MIT_DESKTOP_SYNC_WORKERS", None)
    return env


def _child(code: str, *args: str, timeout: float = 900) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-prepare-") as folder:
        out = subprocess.run([sys.executable, "-c", code, *args], env=_env(Path(folder)),
                             cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                             check=True).stdout
        return json.loads(out.strip().splitlines()[-1])


def memory_records() -> list[dict]:
    m = _child(MEMORY, str(AFTER_RENDER_S))
    log.info("window memory: %s", m)
    if m["state"] not in ("playing", "reflection", "buffering"):
        log.warning("the quick reset was not playing while measured (%s)", m["state"])
    idle = f"the idle window before anything was prepared ({m['idle_mb']:.0f} MB)"
    return [
        {"name": "gui.rss_playing_rendered_mb", "value": m["playing_mb"], "unit": "MB",
         "baseline": idle, "baseline_value": m["idle_mb"]},
        {"name": "gui.rss_after_render_mb", "value": m["after_render_mb"], "unit": "MB",
         "baseline": f"{idle}; {AFTER_RENDER_S:.0f} s after the worker finished "
                     f"({m['after_render_now_mb']:.0f} MB at once)",
         "baseline_value": m["idle_mb"]},
    ]


def first_practice_records(session_id: str | None = None) -> list[dict]:
    from mit_desktop.content.program import load_program

    first = session_id or load_program().entries[0].id
    started = time.perf_counter()
    prepared = _child(WORKER_PREPARE, first)
    wall = time.perf_counter() - started
    piper = _child(PIPER_ALONE, first)
    log.info("first practice %s: worker %s (%.1f s with the child), Piper alone %s",
             first, prepared, wall, piper)
    return [{"name": "prepare.first_practice_s", "value": prepared["prepare_s"], "unit": "s",
             "baseline": f"Piper's own synthesis of the same {piper['phrases']} phrases of {first}",
             "baseline_value": piper["synthesis_s"]}]


def run() -> list[dict]:
    return memory_records() + first_practice_records()
