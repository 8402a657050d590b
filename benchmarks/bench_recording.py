"""The recorder: where recorded narration sits against the program's voice, and how fast a
long whole take is read for its pauses. Each figure beside a baseline from the same run.

- ``recording.take_lufs``: the loudness (render.loudness, BS.1770) of recorded takes as
  the mixer plays them, for takes made at -38, -31 and -15 dBFS (generated "narration":
  tests/recording/synthetic.py) and prepared by `recording.trim.prepare_take`; the value is
  the loudest of the three, baseline: the synthetic voice's loudness in the same render
  (two sentences, the real Piper voice). The spread of the three is logged.
- ``recording.summarize_22min_ms``: `recording.silences.summarize_take` of a 22.5-minute
  take (ten seconds at a time); baseline: reading the whole file into memory
  (soundfile.read) and `find_silences` on its samples.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

log = logging.getLogger(__name__)

REPEATS = 3
TEXT = ("Find a position that lets you be both relaxed and alert, and let your eyes close. "
        "Notice the weight of your body resting on the chair.")


def _record(name: str, value: float, baseline: str, baseline_value: float,
            unit: str) -> dict:
    return {"name": name, "value": value, "unit": unit, "baseline": baseline,
            "baseline_value": baseline_value}


def _synthetic():  # type: ignore[no-untyped-def]
    tests = Path(__file__).resolve().parent.parent / "tests"
    sys.path.insert(0, str(tests))
    from recording.synthetic import RATE, recording
    from recording.test_record_silences import PARTS

    return RATE, recording, PARTS


def _take_lufs(folder: Path) -> dict:
    import soundfile as sf

    from mit_desktop.recording.trim import prepare_take
    from mit_desktop.render.engine import Engine
    from mit_desktop.render.loudness import loudness_lufs
    from mit_desktop.session.parser import parse_session
    from mit_desktop.session.timeline import ListeningSettings

    rate, recording, _parts = _synthetic()
    clips = []
    for level in (-38, -31, -15):
        raw = folder / f"raw{-level}.wav"
        sf.write(str(raw), recording([("pause", 500), ("voice", 6000), ("pause", 500)],
                                     voice_dbfs=level), rate, subtype="PCM_16")
        clips.append(prepare_take(raw, folder / f"take{-level}.wav").path.name)
    script = folder / "levels.session.md"
    script.write_text('+++\nid = "levels"\ntitle = "Levels"\n+++\n\n' + TEXT + "\n\n"
                      + "".join(f"[clip {name}]\n" for name in clips), encoding="utf-8")
    engine = Engine(cache_dir=folder / "cache")
    timeline = engine.timeline(parse_session(script), ListeningSettings())
    mixer = engine.mixer(timeline)
    import numpy as np

    speech = np.concatenate([mixer.render(s.start_sample, s.n_samples)
                             for s in timeline.segments if s.kind == "speech"])
    voice = loudness_lufs(speech, timeline.sample_rate)
    takes = [loudness_lufs(mixer.render(s.start_sample, s.n_samples), timeline.sample_rate)
             for s in timeline.segments if s.kind == "clip"]
    log.info("recorded takes as played: %s LUFS; synthetic voice %.2f LUFS",
             ", ".join(f"{v:.2f}" for v in takes), voice)
    return _record("recording.take_lufs", round(max(takes), 2), "synthetic voice LUFS",
                   round(voice, 2), "LUFS")


def _summarize(folder: Path) -> dict:
    import soundfile as sf

    from mit_desktop.recording.silences import find_silences, summarize_take

    rate, recording, parts = _synthetic()
    path = folder / "long.wav"
    block = recording(parts)  # 39.7 s
    with sf.SoundFile(str(path), "w", rate, 1, "PCM_16") as f:
        for _ in range(34):
            f.write(block)
    ours, whole = [], []
    for _ in range(REPEATS):
        start = time.perf_counter()
        summarize_take(path)
        ours.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        data, file_rate = sf.read(str(path), dtype="float32")
        find_silences(data, file_rate)
        whole.append((time.perf_counter() - start) * 1000)
        del data
    return _record("recording.summarize_22min_ms", round(statistics.median(ours), 1),
                   "whole file read + find_silences", round(statistics.median(whole), 1), "ms")


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-recording-") as tmp:
        folder = Path(tmp)
        os.environ.setdefault("MIT_DESKTOP_CACHE_DIR", str(folder / "cache"))
        return [_take_lufs(folder), _summarize(folder)]
