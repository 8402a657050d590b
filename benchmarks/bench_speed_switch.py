"""The silence a listener hears when the speaking speed changes in the last section of a
practice (issue 13): the new speed starts in the next gap between sentences, at the same
place (``session.speed_switch.same_place``), after the session is opened again at it.

- speed_switch.gap_heard_ms: through the real player with the recording null backend on
  the real clock and the real voice (both speeds prepared, as the player prepares the new
  one before switching), the silence heard in the gap where the speed changed (0.75 ->
  1.0), as the device played it: the longest run of samples under -60 dBFS around the
  switch, median of 5 switches. Baseline: the same gap played through without a switch.
  The difference is what the switch adds (opening the session again, building its
  timeline from the cache, the seek).
"""

from __future__ import annotations

import logging
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

RUNS = 5
SILENT = 32768 * 10 ** (-60 / 20)  # -60 dBFS in 16-bit samples

SCRIPT = """+++
id = "speed-switch"
title = "Speed switch"
+++

# Arriving

Breathe in slowly, and let the breath go.

# Ending

Feel your feet on the floor. Notice the chair holding you. Let your shoulders soften.
"""


def _silence_around(heard: np.ndarray, sample: int) -> int:
    """Samples in the run of silence (under -60 dBFS) that contains ``sample``."""
    quiet = np.abs(heard.astype(np.int32)) < SILENT
    if not 0 <= sample < len(quiet) or not quiet[sample]:
        return 0
    start = sample
    while start > 0 and quiet[start - 1]:
        start -= 1
    end = sample
    while end < len(quiet) and quiet[end]:
        end += 1
    return end - start


def _device_audio(backend) -> np.ndarray:  # type: ignore[no-untyped-def]
    """What the virtual device played, with silence where it had nothing (int16)."""
    with backend._lock:
        pieces = list(zip(backend._kept_starts, backend._kept, strict=True))
    end = max((start + len(chunk) for start, chunk in pieces), default=0)
    out = np.zeros(end, dtype=np.int16)
    for start, chunk in pieces:
        out[start:start + len(chunk)] = chunk
    return out


def _one(engine, session, switch: bool) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Play to the first gap of the last section (switching the speed there if ``switch``)
    and on to the end; return (silence heard around that place in ms, switch time in ms)."""
    from mit_desktop.playback import events as ev
    from mit_desktop.playback.output.null import NullBackend
    from mit_desktop.playback.player import Player
    from mit_desktop.session.speed_switch import in_a_pause, same_place
    from mit_desktop.session.timeline import ListeningSettings

    usual = ListeningSettings(rate=0.75, ambience="off")
    quicker = ListeningSettings(rate=1.0, ambience="off")
    backend = NullBackend(record=True)
    player = Player(engine, backend)
    finished = threading.Event()
    player.events.finished.connect(lambda _f: finished.set())
    try:
        player.open(session, usual)
        player.wait_rendered(60)
        timeline = player.timeline
        last_section = timeline.sections[-1].start_sample
        player.play()
        while True:
            position = player.position_sample
            if position > last_section and in_a_pause(timeline, position):
                break
            time.sleep(0.005)
        device_at = round((backend.clock.now() - backend._origin) * backend.rate)
        took_ms = 0.0
        if switch:
            started = time.monotonic()
            old, heard = player.timeline, player.position_sample
            player.open(session, quicker, 0, answered=player.answered_reflections)
            player.wait_rendered(60)
            player.seek_sample(same_place(old, heard, player.timeline))
            player.play()
            took_ms = (time.monotonic() - started) * 1000
        if not finished.wait(120):
            raise RuntimeError("the practice did not finish")
        time.sleep(0.2)
        player.wait_state([ev.FINISHED], 5)
        audio = _device_audio(backend)
        return _silence_around(audio, device_at) * 1000 / backend.rate, took_ms
    finally:
        player.close()


def run() -> list[dict]:
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.parser import parse_session
    from mit_desktop.session.timeline import ListeningSettings

    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "speed-switch.session.md"
        script.write_text(SCRIPT, encoding="utf-8")
        session = parse_session(script)
        engine = Engine(cache_dir=Path(folder) / "cache")
        for rate in (0.75, 1.0):  # both speeds prepared, as before a switch
            engine.timeline(session, ListeningSettings(rate=rate, ambience="off"))
        plain = [_one(engine, session, switch=False)[0] for _ in range(RUNS)]
        switched = [_one(engine, session, switch=True) for _ in range(RUNS)]
    heard = [s for s, _ in switched]
    log.info("gap heard with a switch %s ms (switch took %s ms); without %s ms",
             [round(s) for s in heard], [round(t) for _, t in switched],
             [round(s) for s in plain])
    return [{"name": "speed_switch.gap_heard_ms", "value": statistics.median(heard),
             "unit": "ms", "baseline": "the same gap without a switch",
             "baseline_value": statistics.median(plain)}]
