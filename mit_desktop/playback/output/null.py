"""The `null` output: silence, consumed in real time by the player's clock.

For machines without sound, for going on silently after a device failure, and for
tests (their clock is a FakeClock, so hours of playback take milliseconds).
"""

from __future__ import annotations

import collections
import threading

import numpy as np

from mit_desktop.playback.clock import Clock, RealClock
from mit_desktop.playback.output.base import Backend


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
