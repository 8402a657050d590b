"""The `alsa` backend: one continuous ALSA stream through libasound (ctypes), so no gaps.

simpleaudio opens a new ALSA stream for every buffer, and a real device needs a
few milliseconds to start each one; this backend keeps a single stream open for
the whole session, so buffers follow each other without a seam. It needs only
libasound (which simpleaudio also needs), no extra Python package.

A worker thread writes the queued buffers in 20 ms chunks with
`snd_pcm_writei` (blocking, outside the GIL). `queued_samples` = chunks not yet
written + what the device still holds (`snd_pcm_delay`). When the player stops
feeding (a reflection, the end), the stream runs dry; the next write recovers
it (`snd_pcm_recover`) and it starts again.
"""

from __future__ import annotations

import collections
import ctypes
import errno
import logging
import threading
from typing import Any

import numpy as np

from mit_desktop.playback.backends import Backend, BackendError, _WorkerQueue

log = logging.getLogger(__name__)

_PLAYBACK = 0
_FORMAT_S16_LE = 2
_ACCESS_RW_INTERLEAVED = 3
_STATE_PREPARED = 2
_CHUNK_MS = 20


def _load() -> Any:
    try:
        lib = ctypes.CDLL("libasound.so.2")
    except OSError as exc:
        raise BackendError(f"libasound is not available ({exc})", opened=False) from None
    lib.snd_strerror.restype = ctypes.c_char_p
    lib.snd_strerror.argtypes = [ctypes.c_int]
    lib.snd_pcm_open.argtypes = [
        ctypes.POINTER(ctypes.c_void_p),
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_int,
    ]
    lib.snd_pcm_set_params.argtypes = [
        ctypes.c_void_p,
        ctypes.c_int,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
    ]
    lib.snd_pcm_writei.restype = ctypes.c_long
    lib.snd_pcm_writei.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_ulong]
    lib.snd_pcm_delay.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_long)]
    lib.snd_pcm_recover.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
    for name in (
        "snd_pcm_drop",
        "snd_pcm_drain",
        "snd_pcm_close",
        "snd_pcm_prepare",
        "snd_pcm_start",
        "snd_pcm_state",
    ):
        getattr(lib, name).argtypes = [ctypes.c_void_p]
    return lib


class AlsaBackend(_WorkerQueue, Backend):
    """A continuous ALSA playback stream on `device` with about `latency_ms` of buffer."""

    name = "alsa"

    def __init__(self, device: str = "default", latency_ms: int = 100) -> None:
        self.device = device
        self.latency_ms = latency_ms
        self.rate = 0
        self._lib: Any = None
        self._pcm = ctypes.c_void_p()
        self._cond = threading.Condition()
        self._io = threading.Lock()  # one libasound call at a time on this stream
        self._pending: collections.deque[np.ndarray] = collections.deque()
        self._offset = 0  # samples of _pending[0] already written
        self._in_flight = 0
        self._partial = 0  # samples of the chunk being written that the device took
        self._error: BackendError | None = None
        self._written_any = False
        self._closing = False
        self._thread: threading.Thread | None = None

    def _message(self, code: int) -> str:
        text = self._lib.snd_strerror(code)
        return text.decode("utf-8", "replace") if text else f"ALSA error {code}"

    def open(self, sample_rate: int) -> None:
        if self._thread is not None and self._thread.is_alive() and self._error is None:
            return
        self.close()
        self._lib = self._lib or _load()
        pcm = ctypes.c_void_p()
        code = self._lib.snd_pcm_open(ctypes.byref(pcm), self.device.encode(), _PLAYBACK, 0)
        if code < 0:
            raise BackendError(
                f"cannot open ALSA device '{self.device}': {self._message(code)}", opened=False
            )
        code = self._lib.snd_pcm_set_params(
            pcm, _FORMAT_S16_LE, _ACCESS_RW_INTERLEAVED, 1, sample_rate, 1, self.latency_ms * 1000
        )
        if code < 0:
            self._lib.snd_pcm_close(pcm)
            raise BackendError(
                f"ALSA device '{self.device}' refuses 16-bit mono at {sample_rate} Hz: "
                f"{self._message(code)}",
                opened=False,
            )
        with self._cond:
            self._pcm = pcm
            self.rate = sample_rate
            self._error = None
            self._closing = False
            self._pending.clear()
            self._offset = 0
            self._thread = threading.Thread(target=self._worker, name="alsa-out", daemon=True)
            self._thread.start()

    def _worker(self) -> None:
        chunk = max(1, self.rate * _CHUNK_MS // 1000)
        while True:
            with self._cond:
                while not self._pending and not self._closing:
                    self._start_if_waiting()
                    self._cond.wait()
                if self._closing:
                    return
                head = self._pending[0]
                part = head[self._offset : self._offset + chunk]
                self._offset += len(part)
                if self._offset >= len(head):
                    self._pending.popleft()
                    self._offset = 0
                self._in_flight = len(part)
            try:
                self._write(part)
            except BackendError as exc:
                with self._cond:
                    self._error = exc
                    # Never heard: the player counts it as unplayed.
                    self._pending.appendleft(part[self._partial :])
                    self._offset = 0
                    self._in_flight = 0
                    self._cond.notify_all()
                self._notify()
                return
            with self._cond:
                self._in_flight = 0
                self._written_any = True
                self._cond.notify_all()
            self._notify()

    def _start_if_waiting(self) -> None:
        """Nothing more to write: start a stream that holds too little to start by itself."""
        with self._io:
            if self._lib.snd_pcm_state(self._pcm) == _STATE_PREPARED:
                self._lib.snd_pcm_start(self._pcm)

    def _write(self, part: np.ndarray) -> None:
        data = np.ascontiguousarray(part, dtype="<i2")
        done = self._partial = 0
        while done < len(data):
            with self._io:
                pointer = data[done:].ctypes.data
                code = self._lib.snd_pcm_writei(self._pcm, pointer, len(data) - done)
                if code == -errno.EAGAIN:
                    continue
                if code < 0:
                    code = self._lib.snd_pcm_recover(self._pcm, int(code), 1)
                    if code < 0:
                        raise BackendError(self._message(int(code)), opened=self._written_any)
                    continue
            done += int(code)
            self._partial = done

    def _device_delay(self) -> int:
        if self._lib is None or not self._pcm:
            return 0
        frames = ctypes.c_long(0)
        # No `_io` lock: libasound locks the stream itself, and a blocked write must not
        # hold up the player's position.
        code = self._lib.snd_pcm_delay(self._pcm, ctypes.byref(frames))
        return max(0, frames.value) if code == 0 else 0  # not running (ran dry): nothing held

    def queued_samples(self) -> int:
        with self._cond:
            waiting = sum(len(b) for b in self._pending) - self._offset + self._in_flight
        return waiting + self._device_delay()

    def discard_pending(self) -> int:
        with self._cond:
            dropped = sum(len(b) for b in self._pending) - self._offset
            self._pending.clear()
            self._offset = 0
            return dropped

    def flush(self) -> None:
        with self._cond:
            self._pending.clear()
            self._offset = 0
        if self._lib is not None and self._pcm:
            with self._io:
                self._lib.snd_pcm_drop(self._pcm)
                self._lib.snd_pcm_prepare(self._pcm)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._pending.clear()
            self._cond.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
        if self._lib is not None and self._pcm:
            with self._io:
                if self._error is None:
                    self._lib.snd_pcm_drain(self._pcm)
                self._lib.snd_pcm_close(self._pcm)
            self._pcm = ctypes.c_void_p()
