"""One take from a microphone into a 48 kHz mono 16-bit WAV, written atomically.

The stream is opened mono (a sound server mixes a stereo microphone down itself); a card
reached directly through ALSA that refuses one channel is opened with two, averaged.

:class:`Capture` opens one PortAudio input stream (the same library the player plays
through) on the chosen :mod:`sources` device. PortAudio's callback only copies each
block of :data:`levels.BLOCK_MS` ms into a queue; a `recorder-writer` thread writes the
blocks to a temporary file beside the target (``fsutil.atomic_path``), measures each
block's level and reports it to ``on_level`` (on that thread: a GUI passes it on to its
own thread). :meth:`Capture.stop` closes the stream and renames the finished file into
place, so the target only ever holds a complete, playable WAV.

A device that vanishes mid-take (unplugged, the sound server gone, the source removed)
is noticed in one of two ways: PortAudio ends the stream by itself, or no block arrives
for :data:`STALL_S` seconds (:data:`START_GRACE_S` right after opening). Either way the
take is finished at once with what was recorded (the WAV is kept), ``on_stopped`` is
called with a :class:`TakeResult` whose ``device_lost`` says so in plain words, and
:meth:`Capture.stop` returns the same result.

Qt-free: numpy, soundfile, sounddevice.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import soundfile as sf

from mit_desktop.fsutil import atomic_path, disk_message
from mit_desktop.playback.output.base import BackendError
from mit_desktop.playback.output.devices import portaudio_devices, pulse_device
from mit_desktop.playback.output.stream import (
    THROUGH_SERVER,
    _pa_lock,
    load_library,
    portaudio_stream_open,
    refresh_portaudio,
)
from mit_desktop.recording.levels import BLOCK_MS, LevelState, LevelWatch, block_level
from mit_desktop.recording.sources import server_sources, source_of

log = logging.getLogger(__name__)

SAMPLE_RATE = 48_000
"""Takes are recorded and written at 48 kHz (the usual rate of microphones and servers)."""
STALL_S = 1.0
"""No block for this long while recording: the microphone stopped."""
START_GRACE_S = 3.0
"""A stream just opened may take this long to deliver its first block (through ALSA's
PulseAudio plugin a new stream starts after 0.5 to 1.5 s; see playback/output/stream.py)."""


class CaptureError(Exception):
    """The take could not be started or saved; the message says what to do."""


@dataclass(frozen=True)
class TakeResult:
    """A finished take: the WAV at `path` (None if nothing was recorded), its length,
    the loudest peak in dBFS, how many level blocks clipped, and `device_lost`: a
    sentence for the therapist when the microphone stopped mid-take ("" otherwise)."""

    path: Path | None
    n_samples: int
    sample_rate: int
    max_peak_dbfs: float
    clipped_blocks: int
    device_lost: str = ""

    @property
    def duration_ms(self) -> int:
        return self.n_samples * 1000 // self.sample_rate


def lost_message(recorded_ms: int) -> str:
    """What the therapist reads when the microphone stops mid-take."""
    return (f"The microphone stopped sending sound (it was unplugged, switched off or taken "
            f"by another program). What was recorded until then ({recorded_ms / 1000:.1f} s) "
            "is kept. Check the microphone, choose it again in the list and record again.")


class Capture:
    """Records from `device` (an `AudioDevice.name`; None: the system default) into `out`.

    `on_level(state)` is called for every block, `on_stopped(result)` once if the device
    stops by itself; both on the writer thread. Use: ``start()``, then ``stop()`` (or
    ``cancel()`` to keep nothing).
    """

    def __init__(self, out: Path, device: str | None = None,
                 on_level: Callable[[LevelState], None] | None = None,
                 on_stopped: Callable[[TakeResult], None] | None = None,
                 sample_rate: int = SAMPLE_RATE, block_ms: int = BLOCK_MS,
                 stall_s: float = STALL_S, start_grace_s: float = START_GRACE_S) -> None:
        self.out = Path(out)
        self.device = device or None
        self.on_level = on_level
        self.on_stopped = on_stopped
        self.sample_rate = sample_rate
        self.block_samples = sample_rate * block_ms // 1000
        self.stall_s = stall_s
        self.start_grace_s = start_grace_s
        self.device_used = ""
        self._blocks: queue.SimpleQueue[np.ndarray | None] = queue.SimpleQueue()
        self._stream: Any = None
        self._pa_hold: contextlib.AbstractContextManager[None] | None = None
        self._atomic: contextlib.AbstractContextManager[Path] | None = None
        self._file: sf.SoundFile | None = None
        self._writer: threading.Thread | None = None
        self._stopping = threading.Event()
        self._lost = ""
        self._lock = threading.Lock()
        self._result: TakeResult | None = None
        self._n_samples = 0
        self._max_peak = -120.0
        self._clipped = 0
        self._write_error: OSError | None = None

    # -- opening --------------------------------------------------------------------

    def _choose(self, sd: ModuleType) -> tuple[int | None, str | None, str]:
        """(PortAudio index or None for the default, PULSE_SOURCE, name shown)."""
        inputs = portaudio_devices(sd, "input")
        if not inputs:
            raise CaptureError("No microphone was found. Plug one in (or switch it on), "
                               "then choose it in the list.")
        source = source_of(self.device)
        if source is not None:
            sources = {d.name: d for d in server_sources()}
            if self.device not in sources:
                raise CaptureError(f"The microphone '{source}' is not connected now. Choose "
                                   "another in the list, or plug it in and look again.")
            pulse = [index for index, d in inputs if d.name == "pulse"] or \
                [index for index, d in inputs if d.name in THROUGH_SERVER]
            return (pulse[0] if pulse else None), source, sources[self.device].shown
        if self.device is None:
            default = next((d for _i, d in inputs if d.is_default), inputs[0][1])
            return None, None, default.name
        for index, d in inputs:
            if self.device in (d.name, f"{d.name} [{d.host_api}]"):
                return index, None, d.name
        raise CaptureError(f"The microphone '{self.device}' is not connected now. Choose "
                           "another in the list, or plug it in and look again.")

    def start(self) -> None:
        """Open the microphone and start recording. CaptureError if it cannot be opened
        or the file cannot be made (nothing is left behind then)."""
        try:
            sd = load_library()
        except BackendError as exc:
            raise CaptureError(f"The sound library could not be loaded: {exc}") from None
        try:
            self.out.parent.mkdir(parents=True, exist_ok=True)
            self._atomic = atomic_path(self.out)
            tmp = self._atomic.__enter__()
            self._file = sf.SoundFile(str(tmp), "w", self.sample_rate, 1, "PCM_16", format="WAV")
        except OSError as exc:
            self._discard()
            raise CaptureError(disk_message(exc, self.out)) from None
        try:
            with _pa_lock:
                refresh_portaudio(sd)
                index, source, shown = self._choose(sd)
                with pulse_device("input", source):
                    try:
                        stream = self._open(sd, index, 1)
                    except Exception as exc:  # noqa: BLE001 - a card that only does stereo
                        log.info("mono input refused (%s); trying two channels", exc)
                        stream = self._open(sd, index, 2)
                self._pa_hold = portaudio_stream_open()
                self._pa_hold.__enter__()
        except CaptureError:
            self._discard()
            raise
        except Exception as exc:  # noqa: BLE001 - sd.PortAudioError, ValueError: settings
            self._discard()
            log.info("input %r could not be opened: %s", self.device, exc)
            raise CaptureError("The microphone could not be opened (another program may be "
                               "using it). Close that program or choose another microphone."
                               ) from None
        self._stream = stream
        self.device_used = shown
        self._started_s = time.monotonic()
        self._writer = threading.Thread(target=self._write_loop, name="recorder-writer",
                                        daemon=True)
        self._writer.start()
        log.info("recording from %s at %d Hz", shown or "the default microphone",
                 self.sample_rate)

    def _open(self, sd: ModuleType, index: int | None, channels: int) -> Any:
        stream = sd.InputStream(
            samplerate=self.sample_rate, channels=channels, dtype="float32", device=index,
            blocksize=self.block_samples, callback=self._callback,
            finished_callback=self._finished)
        try:
            stream.start()
        except Exception:
            stream.close(ignore_errors=True)
            raise
        return stream

    # -- PortAudio's thread ---------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status:
            log.info("input status: %s", status)
        # mono; a stereo-only card's two sides are averaged
        self._blocks.put(indata[:, 0].copy() if indata.shape[1] == 1 else indata.mean(axis=1))

    def _finished(self) -> None:
        if not self._stopping.is_set():
            log.info("the input stream ended by itself")
            with self._lock:
                self._lost = self._lost or "ended"
            self._blocks.put(None)

    # -- the writer thread ----------------------------------------------------------

    def _write_loop(self) -> None:
        watch = LevelWatch()
        last_block_s = time.monotonic()
        first = True
        while True:
            try:
                block = self._blocks.get(timeout=0.1)
            except queue.Empty:
                if self._stopping.is_set():
                    return
                waited = time.monotonic() - last_block_s
                if waited >= (self.start_grace_s if first else self.stall_s):
                    log.info("no sound from the microphone for %.1f s", waited)
                    with self._lock:
                        self._lost = self._lost or "stalled"
                    break
                continue
            if block is None:
                if self._stopping.is_set():
                    return
                break
            first = False
            last_block_s = time.monotonic()
            self._write(block, watch)
        # the device went away: keep what was recorded, and say so
        result = self._finish(keep=True)
        if self.on_stopped is not None:
            self.on_stopped(result)

    def _write(self, block: np.ndarray, watch: LevelWatch) -> None:
        if self._file is None or self._write_error is not None:
            return
        try:
            self._file.write(block)
        except (OSError, RuntimeError) as exc:  # soundfile raises RuntimeError on I/O
            self._write_error = exc if isinstance(exc, OSError) else OSError(str(exc))
            log.info("the take could not be written: %s", exc)
            return
        start_ms = self._n_samples * 1000 // self.sample_rate
        self._n_samples += len(block)
        state = watch.feed(block_level(block, start_ms, self.sample_rate))
        self._max_peak = state.max_peak_dbfs
        self._clipped += state.level.clipped
        if self.on_level is not None:
            try:
                self.on_level(state)
            except Exception:  # noqa: BLE001 - a listener's fault must not stop the take
                log.exception("level listener failed")

    # -- ending ---------------------------------------------------------------------

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is not None:
            with _pa_lock:
                try:
                    stream.abort(ignore_errors=True)
                    stream.close(ignore_errors=True)
                except Exception as exc:  # noqa: BLE001 - the device is gone already
                    log.info("closing the input stream: %s", exc)
        hold, self._pa_hold = self._pa_hold, None
        if hold is not None:
            hold.__exit__(None, None, None)

    def _discard(self) -> None:
        if self._file is not None:
            with contextlib.suppress(Exception):
                self._file.close()
            self._file = None
        if self._atomic is not None:
            atomic, self._atomic = self._atomic, None
            with contextlib.suppress(Exception):
                atomic.__exit__(CaptureError, CaptureError("discarded"), None)

    def _finish(self, keep: bool) -> TakeResult:
        with self._lock:
            if self._result is not None:
                return self._result
            self._stopping.set()
            lost = self._lost
            self._close_stream()
            path: Path | None = None
            if self._file is not None:
                self._file.close()
                self._file = None
            if keep and self._n_samples and self._write_error is None:
                assert self._atomic is not None
                try:
                    self._atomic.__exit__(None, None, None)
                    self._atomic = None
                    path = self.out
                except OSError as exc:
                    self._write_error = exc
            self._discard()
            message = lost_message(self._n_samples * 1000 // self.sample_rate) if lost else ""
            if self._write_error is not None and keep:
                message = disk_message(self._write_error, self.out)
            self._result = TakeResult(path, self._n_samples, self.sample_rate,
                                      self._max_peak, self._clipped, message)
            log.info("take finished: %s, %d samples%s", path, self._n_samples,
                     f" ({lost})" if lost else "")
            return self._result

    def stop(self) -> TakeResult:
        """Stop recording and save the take (what was recorded up to now). Blocks until
        the file is in place (a few ms). Returns the same result when already stopped."""
        self._stopping.set()
        self._close_stream()
        writer = self._writer
        if writer is not None and writer is not threading.current_thread():
            self._blocks.put(None)
            writer.join(5)
        # whatever PortAudio handed over before it closed is written too
        watch = LevelWatch()
        while True:
            try:
                block = self._blocks.get_nowait()
            except queue.Empty:
                break
            if block is not None:
                self._write(block, watch)
        return self._finish(keep=True)

    def cancel(self) -> None:
        """Stop and keep nothing."""
        self._stopping.set()
        self._close_stream()
        if self._writer is not None and self._writer is not threading.current_thread():
            self._blocks.put(None)
            self._writer.join(5)
        self._finish(keep=False)

    @property
    def recorded_ms(self) -> int:
        return self._n_samples * 1000 // self.sample_rate
