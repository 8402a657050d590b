"""The `file:PATH` output: exactly what would be played, written as fast as it is made."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from mit_desktop.playback.output.base import Backend, BackendError


class FileBackend(Backend):
    """Writes exactly what would be played to `path`, unpaced (nothing is ever queued).

    `.wav`/`.flac`: a 16-bit mono file (complete once closed); any other
    name: raw 16-bit little-endian mono, appended as it comes.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.name = f"file:{self.path}"
        self._sound: Any = None
        self._raw: Any = None
        self._lock = threading.Lock()
        self._written = 0

    def open(self, sample_rate: int) -> None:
        with self._lock:
            if self._sound is not None or self._raw is not None:
                return
            try:
                if self.path.suffix.lower() in (".wav", ".flac"):
                    import soundfile as sf

                    fmt = "WAV" if self.path.suffix.lower() == ".wav" else "FLAC"
                    self._sound = sf.SoundFile(
                        str(self.path),
                        "w",
                        samplerate=sample_rate,
                        channels=1,
                        format=fmt,
                        subtype="PCM_16",
                    )
                else:
                    self._raw = open(self.path, "wb")  # noqa: SIM115 - closed in close()
            except (OSError, RuntimeError) as exc:
                raise BackendError(f"cannot write {self.path}: {exc}", opened=False,
                                   device=str(self.path)) from None

    def write(self, samples: np.ndarray) -> None:
        with self._lock:
            try:
                if self._sound is not None:
                    self._sound.write(np.asarray(samples, dtype="<i2"))
                elif self._raw is not None:
                    self._raw.write(np.asarray(samples, dtype="<i2").tobytes())
                    self._raw.flush()
                else:
                    raise BackendError(f"{self.path} is not open", opened=self._written > 0)
            except (OSError, RuntimeError) as exc:
                raise BackendError(
                    f"cannot write {self.path}: {exc}", opened=self._written > 0
                ) from None
            self._written += len(samples)

    def queued_samples(self) -> int:
        return 0

    def discard_pending(self) -> int:
        return 0

    def flush(self) -> None:
        pass

    def close(self) -> None:
        with self._lock:
            if self._sound is not None:
                self._sound.close()
                self._sound = None
            if self._raw is not None:
                self._raw.close()
                self._raw = None
