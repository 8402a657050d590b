"""Importing a long labelled recording (issue 15).

- ``import.render_30min_100labels_s``: `import-recording` of a 30-minute recording with 100
  Audacity labels, then rendering the whole practice (interactive mode: the recording's own
  length) to a WAV file, in a fresh process with an empty cache. Baseline: decoding the same
  file alone (into the clip cache) in a fresh process.
- ``import.render_30min_100labels_peak_mb``: that process's peak resident memory. Baseline:
  the peak of the decoding-alone process.

The recording is 44.1 kHz mono noise shaped like speech (made by the benchmark; resampled to
22,050 Hz by the import, as a therapist's recording would be).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
MINUTES = 30
LABELS = 100
SOURCE_RATE = 44_100

DECODE = """
import json, resource, sys, time
from pathlib import Path
from mit_desktop.render.clips import decode_clip
t = time.perf_counter()
clip = decode_clip(Path(sys.argv[1]), 22_050, Path(sys.argv[2]))
print(json.dumps({"s": time.perf_counter() - t, "n": clip.n_samples,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

IMPORT_RENDER = """
import json, resource, sys, time
from mit_desktop.cli.main import main
audio, labels, script, out = sys.argv[1:5]
t = time.perf_counter()
assert main(["import-recording", audio, "--labels", labels, "-o", script]) == 0
assert main(["render", script, "-o", out, "--mode", "interactive", "--ambience", "off"]) == 0
print(json.dumps({"s": time.perf_counter() - t,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _make_recording(folder: Path) -> tuple[Path, Path]:
    import soundfile as sf

    rng = np.random.default_rng(30)
    audio = folder / "talk.wav"
    n = MINUTES * 60 * SOURCE_RATE
    with sf.SoundFile(audio, "w", SOURCE_RATE, 1, "PCM_16") as out:
        for start in range(0, n, SOURCE_RATE * 10):
            m = min(SOURCE_RATE * 10, n - start)
            swell = 0.55 + 0.45 * np.sin(2 * np.pi * 3.1 * (start + np.arange(m)) / SOURCE_RATE)
            out.write((rng.standard_normal(m) * swell * 0.1).astype(np.float32))
    starts = np.sort(rng.uniform(1.0, MINUTES * 60 - 1.0, LABELS))
    labels = folder / "labels.txt"
    labels.write_text("".join(f"{t:.6f}\t{t + 0.5:.6f}\tWhat do you notice, {i}?\n"
                              for i, t in enumerate(starts)), encoding="utf-8")
    return audio, labels


def _child(code: str, folder: Path, *args: str) -> dict:
    env = dict(os.environ, MIT_DESKTOP_DATA_DIR=str(folder / "data"),
               MIT_DESKTOP_CACHE_DIR=str(folder / "cache"), PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=ROOT,
                         capture_output=True, text=True, timeout=1800, check=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def run() -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="bench-import-") as name:
        folder = Path(name)
        audio, labels = _make_recording(folder)
        (folder / "a").mkdir()
        (folder / "b").mkdir()
        decode = _child(DECODE, folder / "a", str(audio), str(folder / "a" / "clips"))
        both = _child(IMPORT_RENDER, folder / "b", str(audio), str(labels),
                      str(folder / "talk.session.md"), str(folder / "out.wav"))
    log.info("30-minute recording: decode alone %s; import and render %s", decode, both)
    return [
        {"name": "import.render_30min_100labels_s", "value": both["s"], "unit": "s",
         "baseline": "decoding the same recording alone", "baseline_value": decode["s"]},
        {"name": "import.render_30min_100labels_peak_mb", "value": both["peak_mb"], "unit": "MB",
         "baseline": "peak memory decoding it alone", "baseline_value": decode["peak_mb"]},
    ]
