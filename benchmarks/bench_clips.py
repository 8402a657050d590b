"""Clip decoding figures, each beside its baseline measured in the same run.

- ``clips.decode_mp3_x_realtime``: :func:`decode_clip` of a generated 2-minute stereo
  MP3 (44.1 kHz -> 22,050 Hz mono, cache written), against libsndfile's bare read of
  the same file into memory (no mixing, resampling, loudness or cache).
- ``clips.decode_aac_x_realtime``: the ffmpeg fallback on the real ``format_test.m4a``,
  against piping ffmpeg's raw float32 output into memory.
- ``clips.cached_open_ms``: opening an already decoded clip (sha256 of the source,
  cache lookup, memory map; the in-process hash memo cleared) against decoding it.
- ``clips.decode_peak_mb``: tracemalloc peak while decoding a 10-minute WAV, against
  the size of the decoded clip as one buffer.
"""

from __future__ import annotations

import logging
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np
import soundfile as sf

from mit_desktop.render import clips, ffmpeg_decode

log = logging.getLogger(__name__)

RATE = 22050
_REAL_AUDIO = Path(__file__).resolve().parents[1].parent / "shared" / "testing" / "real-audio"


def _best_seconds(action: Callable[[], object], repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


def _record(name: str, value: float, unit: str, baseline: str, baseline_value: float) -> dict:
    return {"name": name, "value": value, "unit": unit, "baseline": baseline,
            "baseline_value": baseline_value}


def _fresh_decode(path: Path, work: Path) -> Callable[[], object]:
    """A decode that cannot hit the cache: a new cache folder every call."""
    counter = iter(range(1_000_000))
    return lambda: clips.decode_clip(path, RATE, work / f"cache-{next(counter)}")


def _generated_mp3(work: Path, seconds: int) -> Path:
    rate = 44100
    t = np.arange(seconds * rate) / rate
    rng = np.random.default_rng(3)
    left = 0.3 * np.sin(2 * np.pi * 220 * t) + 0.02 * rng.standard_normal(t.size)
    right = 0.3 * np.sin(2 * np.pi * 330 * t) + 0.02 * rng.standard_normal(t.size)
    path = work / "speech-like.mp3"
    sf.write(str(path), np.stack([left, right], axis=1).astype(np.float32), rate,
             format="MP3", subtype="MPEG_LAYER_III")
    return path


def _mp3_records(work: Path) -> list[dict]:
    seconds = 120
    path = _generated_mp3(work, seconds)
    decode_s = _best_seconds(_fresh_decode(path, work), 3)
    bare_s = _best_seconds(lambda: sf.read(str(path), dtype="float32"), 3)
    return [_record("clips.decode_mp3_x_realtime", seconds / decode_s, "x",
                    "soundfile.read_mp3_x_realtime", seconds / bare_s)]


def _aac_records(work: Path) -> list[dict]:
    path = _REAL_AUDIO / "format_test.m4a"
    if not path.exists():
        log.warning("%s not found; AAC figure left out", path)
        return []
    seconds = clips.probe_clip(path).duration_ms / 1000
    decode_s = _best_seconds(_fresh_decode(path, work), 5)
    command = [ffmpeg_decode.ffmpeg_exe(), "-v", "error", "-nostdin", "-i", str(path),
               "-f", "f32le", "-ac", "1", "-ar", str(RATE), "-"]
    bare_s = _best_seconds(lambda: subprocess.run(command, capture_output=True, check=True), 5)
    return [_record("clips.decode_aac_x_realtime", seconds / decode_s, "x",
                    "ffmpeg_pipe_f32le_x_realtime", seconds / bare_s)]


def _long_wav(work: Path, minutes: int) -> Path:
    rate = 44100
    path = work / "long.wav"
    block = (0.3 * np.sin(2 * np.pi * 220 * np.arange(10 * rate) / rate)).astype(np.float32)
    with sf.SoundFile(str(path), "w", rate, 1, "PCM_16") as out:
        for _ in range(minutes * 6):
            out.write(block)
    return path


def _cache_and_memory_records(work: Path) -> list[dict]:
    minutes = 10
    path = _long_wav(work, minutes)
    cache = work / "cache-long"

    tracemalloc.start()
    try:
        started = time.perf_counter()
        clips.decode_clip(path, RATE, cache)
        decode_ms = (time.perf_counter() - started) * 1000
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    def cached_open() -> None:
        clips._digest_memo.clear()  # as in a new run of the app: the source is hashed again
        clips.decode_clip(path, RATE, cache).samples()

    open_ms = _best_seconds(cached_open, 5) * 1000
    decoded_mb = 4 * minutes * 60 * RATE / 1e6
    return [
        _record("clips.cached_open_ms", open_ms, "ms", "clips.decode_10min_wav_ms", decode_ms),
        _record("clips.decode_peak_mb", peak_bytes / 1e6, "MB", "decoded_buffer_mb", decoded_mb),
    ]


def run() -> list[dict]:
    """All clip figures; temporary files live in a folder removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="bench-clips-") as folder:
        work = Path(folder)
        return _mp3_records(work) + _aac_records(work) + _cache_and_memory_records(work)
