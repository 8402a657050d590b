"""Listen to a take: the WAV played through the program's own sound output.

The same output as a practice (`playback.output.create_backend`: the `stream` output
to the chosen device unless ``MIT_AUDIO_BACKEND`` says otherwise), fed in 100 ms pieces
with about half a second queued, so Stop is heard within that. Blocks until the take has
been heard or `stop` is set; call it off the GUI thread.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from mit_desktop.playback.output import BackendError, create_backend

log = logging.getLogger(__name__)

PIECE_MS = 100
QUEUED_MS = 500


class ListenProblem(Exception):
    """The take could not be played; the message says why."""


def play_take(path: Path, device: str | None = None, stop: threading.Event | None = None,
              start_ms: int = 0, end_ms: int | None = None) -> int:
    """Play the take at `path` (from `start_ms` to `end_ms`, None: its end) on `device`
    (None: the system default); returns how many ms were written to the device.
    ListenProblem if the file cannot be read or no device can play it."""
    try:
        data, rate = sf.read(str(path), dtype="int16", always_2d=True)
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        raise ListenProblem(f"The take {Path(path).name} could not be read ({exc}).") from None
    first = max(0, rate * start_ms // 1000)
    last = len(data) if end_ms is None else min(len(data), rate * end_ms // 1000)
    samples = np.ascontiguousarray(data[first:last, 0])
    backend = create_backend(device=device)
    try:
        backend.open(rate)
    except BackendError as exc:
        raise ListenProblem(f"The take could not be played: no sound output ({exc.detail}).") \
            from None
    piece, ahead = rate * PIECE_MS // 1000, rate * QUEUED_MS // 1000
    position = 0
    try:
        while position < len(samples) or backend.queued_samples() > 0:
            if stop is not None and stop.is_set():
                backend.flush()
                break
            backend.check()
            while position < len(samples) and backend.queued_samples() < ahead:
                backend.write(samples[position:position + piece])
                position += piece
            time.sleep(0.02)
    except BackendError as exc:
        raise ListenProblem(f"The sound output stopped while playing the take ({exc.detail}).") \
            from None
    finally:
        backend.close()
    return min(position, len(samples)) * 1000 // rate
