"""Audio output backends behind one small interface: simpleaudio, null and file.

A backend is a queue of mono int16 buffers in front of a device. The player
owns the position, pausing and pacing; a backend only says how many samples it
holds that have not been heard yet (:meth:`Backend.queued_samples`), can drop
the buffers that have not started (:meth:`Backend.discard_pending`) and reports
a failed device by raising :class:`BackendError`.

Chosen by name (:func:`create_backend`): a setting, else the environment
variable ``MIT_AUDIO_BACKEND``, else ``simpleaudio``:

- ``simpleaudio``: the sound card through ALSA (each buffer is one short
  simpleaudio stream, played strictly one after another by a worker thread);
- ``null``: silence, paced in real time by the player's clock (tests replace
  the clock); it can keep what it was given (``record=True``);
- ``file:PATH``: writes exactly what would be played, as fast as it is made
  (WAV or FLAC by extension, otherwise raw 16-bit little-endian mono).
"""

from __future__ import annotations

import abc
import collections
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np

from mit_desktop.playback.clock import Clock, RealClock

log = logging.getLogger(__name__)

ENV_VAR = "MIT_AUDIO_BACKEND"
DEFAULT_BACKEND = "simpleaudio"


class BackendError(Exception):
    """The sound device could not be opened or stopped working.

    `opened` is False when the device never played anything (it could not be
    opened at all); `detail` is the underlying technical message (for logs).
    """

    def __init__(self, detail: str, opened: bool) -> None:
        super().__init__(detail)
        self.detail = detail
        self.opened = opened


class Backend(abc.ABC):
    """Where the player's audio goes. All methods are thread-safe.

    Contract: `write` never blocks for long (the player keeps at most a few
    buffers queued by watching `queued_samples`); `queued_samples` counts
    samples written but not yet heard (within a few ms for a real device).
    """

    name: str = "?"
    #: Called (from any thread) when queued audio has been consumed; the player wakes on it.
    on_progress: Callable[[], None] | None = None

    @abc.abstractmethod
    def open(self, sample_rate: int) -> None:
        """Get ready to play mono 16-bit audio at `sample_rate` Hz. BackendError if impossible."""

    @abc.abstractmethod
    def write(self, samples: np.ndarray) -> None:
        """Queue int16 mono `samples` after everything written before. BackendError on failure."""

    @abc.abstractmethod
    def queued_samples(self) -> int:
        """Samples written but not yet heard."""

    @abc.abstractmethod
    def discard_pending(self) -> int:
        """Drop every buffer that has not started playing; return how many samples were dropped."""

    @abc.abstractmethod
    def flush(self) -> None:
        """Stop at once and drop everything queued (the sound stops mid-buffer)."""

    def check(self) -> None:
        """Raise BackendError if the device failed since the last call (default: never)."""

    def close(self) -> None:
        """Release the device. The backend may be opened again."""

    def _notify(self) -> None:
        callback = self.on_progress
        if callback is not None:
            callback()


class NullBackend(Backend):
    """Silence, consumed in real time as measured by `clock`.

    A virtual device: buffers play one after another with no gap, starting
    when written if the device is idle. With `record=True` it keeps what was
    handed over and not discarded (:meth:`recorded`), which is exactly what a
    listener would have heard once the queue has played out.
    """

    name = "null"

    def __init__(self, clock: Clock | None = None, record: bool = False) -> None:
        self.clock: Clock = clock or RealClock()
        self.record = record
        self.rate = 0
        self._origin = 0.0
        self._lock = threading.Lock()
        self._buffers: collections.deque[tuple[int, int]] = (
            collections.deque()
        )  # (start, n) device samples
        self._end = 0
        self._kept: list[np.ndarray] = []
        self._kept_starts: list[int] = []

    def open(self, sample_rate: int) -> None:
        with self._lock:
            self.rate = sample_rate
            self._origin = self.clock.now()
            self._buffers.clear()
            self._end = 0

    def _device_now(self) -> int:
        return round((self.clock.now() - self._origin) * self.rate)

    def _expire(self, now: int) -> None:
        while self._buffers and self._buffers[0][0] + self._buffers[0][1] <= now:
            self._buffers.popleft()

    def write(self, samples: np.ndarray) -> None:
        with self._lock:
            now = self._device_now()
            self._expire(now)
            start = max(now, self._end)
            n = len(samples)
            self._buffers.append((start, n))
            self._end = start + n
            if self.record:
                self._kept.append(np.array(samples, dtype="<i2"))
                self._kept_starts.append(start)

    def queued_samples(self) -> int:
        with self._lock:
            now = self._device_now()
            self._expire(now)
            return max(0, self._end - now) if self._buffers else 0

    def finished_at(self) -> float:
        """Clock time (s) at which the last sample written so far is (or was) heard."""
        with self._lock:
            return self._origin + self._end / self.rate if self.rate else self.clock.now()

    def discard_pending(self) -> int:
        with self._lock:
            now = self._device_now()
            self._expire(now)
            dropped = 0
            while self._buffers and self._buffers[-1][0] >= now:
                dropped += self._buffers.pop()[1]
                if self.record:
                    self._kept.pop()
                    self._kept_starts.pop()
            self._end = (
                (self._buffers[-1][0] + self._buffers[-1][1])
                if self._buffers
                else min(self._end, now)
            )
            return dropped

    def flush(self) -> None:
        with self._lock:
            now = self._device_now()
            self._expire(now)
            while self._buffers:
                start, _n = self._buffers.pop()
                if self.record:
                    heard = max(0, now - start)
                    kept = self._kept.pop()
                    self._kept_starts.pop()
                    if heard:
                        self._kept.append(kept[:heard])
                        self._kept_starts.append(start)
            self._end = now

    def recorded(self) -> np.ndarray:
        """Everything handed over and not discarded, in order (int16)."""
        with self._lock:
            return np.concatenate(self._kept) if self._kept else np.zeros(0, dtype="<i2")


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
                    import soundfile as sf  # type: ignore[import-untyped]

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
                raise BackendError(f"cannot write {self.path}: {exc}", opened=False) from None

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


class _WorkerQueue:
    """`write` and `check` for backends whose worker thread plays a queue of buffers.

    The backend provides `_cond` (a Condition), `_pending` (a deque of int16
    buffers), `_thread` (None until opened) and `_error` (a BackendError kept
    from the worker, raised on the next call).
    """

    _cond: threading.Condition
    _pending: collections.deque[np.ndarray]
    _thread: threading.Thread | None
    _error: BackendError | None

    def write(self, samples: np.ndarray) -> None:
        with self._cond:
            if self._error is not None:
                raise self._error
            if self._thread is None:
                raise BackendError("the sound device is not open", opened=False)
            self._pending.append(np.ascontiguousarray(samples, dtype="<i2"))
            self._cond.notify_all()

    def check(self) -> None:
        with self._cond:
            if self._error is not None:
                raise self._error


class SimpleaudioBackend(_WorkerQueue, Backend):
    """The sound card through simpleaudio (ALSA on Linux).

    simpleaudio has no pause, no position and no queue: every `play_buffer`
    call is one stream. A worker thread plays the queued buffers strictly one
    after another, polling the play object every `poll_s` seconds, so at most
    one stream is open at a time. `queued_samples` estimates the playing
    buffer's remainder from the clock. A failure to start a stream (no device,
    device gone) is kept and raised by the next `write`/`check`; the failed
    buffer stays queued so `discard_pending` accounts for it.
    """

    name = "simpleaudio"

    def __init__(
        self,
        clock: Clock | None = None,
        module: ModuleType | Any | None = None,
        poll_s: float = 0.002,
    ) -> None:
        self.clock: Clock = clock or RealClock()
        self._module = module
        self.poll_s = poll_s
        self.rate = 0
        self._cond = threading.Condition()
        self._pending: collections.deque[np.ndarray] = collections.deque()
        self._current: tuple[Any, float, int] | None = None  # (play object, started_s, n)
        self._error: BackendError | None = None
        self._played_any = False
        self._closing = False
        self._thread: threading.Thread | None = None

    def open(self, sample_rate: int) -> None:
        if self._module is None:
            try:
                import simpleaudio  # type: ignore[import-untyped]
            except ImportError as exc:
                raise BackendError(f"simpleaudio is not installed ({exc})", opened=False) from None
            self._module = simpleaudio
        with self._cond:
            if self._thread is not None and self._thread.is_alive() and self._error is None:
                return
            self.rate = sample_rate
            self._error = None
            self._closing = False
            self._pending.clear()
            self._thread = threading.Thread(
                target=self._worker, name="simpleaudio-out", daemon=True
            )
            self._thread.start()

    def _worker(self) -> None:
        module = self._module
        assert module is not None
        while True:
            with self._cond:
                while not self._pending and not self._closing:
                    self._cond.wait()
                if self._closing:
                    return
                buffer = self._pending[0]
            try:
                play = module.play_buffer(buffer.tobytes(), 1, 2, self.rate)
            except Exception as exc:  # noqa: BLE001 - simpleaudio raises its own error type
                log.warning("simpleaudio could not play: %s", exc)
                with self._cond:
                    self._error = BackendError(
                        str(exc).splitlines()[0] if str(exc) else repr(exc), opened=self._played_any
                    )
                    self._cond.notify_all()
                self._notify()
                return
            with self._cond:
                if self._pending and self._pending[0] is buffer:
                    self._pending.popleft()
                started = self.clock.now()
                self._current = (play, started, len(buffer))
                # Poll briefly at first (a device may consume at once), then sleep until
                # just before the buffer's expected end, then poll closely again.
                expected_end = started + len(buffer) / self.rate - 0.004
                while not self._closing and play.is_playing():
                    now = self.clock.now()
                    wait = (
                        self.poll_s
                        if now < started + 0.01
                        else max(self.poll_s, expected_end - now)
                    )
                    self._cond.wait(min(wait, 0.05))
                self._current = None
                self._played_any = True
                self._cond.notify_all()
            self._notify()

    def queued_samples(self) -> int:
        with self._cond:
            queued = sum(len(b) for b in self._pending)
            if self._current is not None:
                _play, started, n = self._current
                heard = int((self.clock.now() - started) * self.rate)
                queued += min(n, max(0, n - heard))
            return queued

    def discard_pending(self) -> int:
        with self._cond:
            dropped = sum(len(b) for b in self._pending)
            self._pending.clear()
            return dropped

    def flush(self) -> None:
        with self._cond:
            self._pending.clear()
            if self._current is not None:
                try:
                    self._current[0].stop()
                except Exception as exc:  # noqa: BLE001 - stopping a finished stream is harmless
                    log.debug("stop: %s", exc)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._pending.clear()
            self._cond.notify_all()
            thread = self._thread
            self._thread = None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)


def backend_spec(setting: str | None = None) -> str:
    """The backend name to use: `setting`, else $MIT_AUDIO_BACKEND, else 'simpleaudio'."""
    return (setting or os.environ.get(ENV_VAR) or DEFAULT_BACKEND).strip()


def create_backend(setting: str | None = None, clock: Clock | None = None) -> Backend:
    """A backend from its name: 'simpleaudio', 'alsa[:DEVICE]', 'null' or 'file:PATH'.

    ValueError if unknown.
    """
    spec = backend_spec(setting)
    if spec == "simpleaudio":
        return SimpleaudioBackend(clock)
    if spec == "alsa" or spec.startswith("alsa:"):
        from mit_desktop.playback.alsa import AlsaBackend

        return AlsaBackend(spec[5:] or "default")
    if spec == "null":
        return NullBackend(clock)
    if spec.startswith("file:") and len(spec) > 5:
        return FileBackend(Path(spec[5:]).expanduser())
    raise ValueError(
        f"unknown audio backend '{spec}'; use simpleaudio, alsa, null or file:PATH "
        f"(in --backend or {ENV_VAR})"
    )
