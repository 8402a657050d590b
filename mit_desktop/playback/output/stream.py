# Over 400 lines: one PortAudio stream: callback, queue and device recovery share one lock and state.
"""The `stream` output (the default): one continuous stream through PortAudio.

PortAudio (through the `sounddevice` package) reaches PulseAudio, PipeWire and
bare ALSA on Linux, CoreAudio on macOS and WASAPI/DirectSound/MME on Windows
with no code of ours per platform. The stream is opened once and runs for as
long as the backend is open: PortAudio calls :meth:`StreamBackend._callback`
on its own thread every few milliseconds, and the callback copies the next
samples from the queue the player writes into (silence when the queue is
empty: at a reflection, when paused). So buffers follow one another with no
seam, however short they are.

The heard position: each callback notes when its first sample will reach the
listener (PortAudio's ``outputBufferDacTime``, else now + the stream's latency)
and how many of the player's samples it took, so `queued_samples` (written but
not heard) is known within a millisecond or two at any time.

A device can fail in three ways, each reported as :class:`BackendError`:
PortAudio ends the stream by itself (the sound server went away, the sink was
removed), the device stops asking for sound (suspended: no callback for
`stall_s`), or it cannot be opened at all. After a failure, `open()` finds the
devices again (PortAudio is re-initialised when no stream is open) and opens the
chosen device, or the system default if the chosen one is gone.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from types import ModuleType
from typing import Any

import numpy as np

from mit_desktop.playback.output.base import (
    NO_DEVICE,
    NOT_OPENED,
    STOPPED,
    Backend,
    BackendError,
)
from mit_desktop.playback.output.devices import AudioDevice, portaudio_devices, pulse_device
from mit_desktop.render.levels import fade_out_ramp

log = logging.getLogger(__name__)

#: Asked of the device: how far ahead of the listener the stream runs, and in how many
#: blocks PortAudio calls back for it. ALSA's PulseAudio plugin asks for sound in blocks of
#: that size, so smaller blocks keep the server's buffer fuller. Measured through the
#: private PulseAudio server (1 December, fifth session; "held" is the least the device
#: held while a 60 s tone played, the margin before a dropout; pause is pause to silence,
#: median of 5):
#:
#: ====== ====== ============== ================ ===============================
#: asked  blocks least held    pause to silence  dropouts
#: ====== ====== ============== ================ ===============================
#: 70 ms  4      16, 53, 32 ms  83 ms            none here; the BAM test found some
#: 70 ms  8      51, 63, 65 ms  101-103 ms       none in 3 runs
#: 65 ms  8      58, 56, 50 ms  81 ms            none in 3 runs
#: 60 ms  8      17, 15 ms      75 ms            one 4 ms gap in 2 runs
#: 50 ms  8      0, 0 ms        75 ms            3 and 6 gaps in 2 runs
#: ====== ====== ============== ================ ===============================
#:
#: (Pause to silence comes in steps: the server holds what the plugin's blocks add up to.)
#: Those runs had the sound threads at real-time priority (tried and taken back, see
#: docs/playback.md); without it, 2 runs each: 65 ms in eighths held at least 56 and 35 ms
#: with no gap, 70 ms in quarters 50 and 0 ms, with 5 gaps (the longest 56 ms) in the second.
LATENCY_S = 0.065
#: How much the player keeps queued here ahead of the device: enough to ride out a feeder
#: thread kept off the CPU for a while. Pausing, seeking and volume changes drop what is
#: queued, so this adds nothing to how fast they are heard.
QUEUE_MS = 500
#: See LATENCY_S: 8 blocks of 65 ms at 22,050 Hz are 179 frames, about 125 calls a second.
#: What each choice costs in CPU (blocksize 0 too) is in docs/playback.md.
BLOCKS_PER_LATENCY = 8
#: No request for sound for this long while the stream runs: the device stopped.
STALL_S = 1.0
#: A stream just started may take this long to ask for its first samples. Through ALSA's
#: PulseAudio plugin a new stream asks for a few ms, then nothing for up to 2 s: an idle
#: null sink mixes 2 s ahead and cannot rewind that far for it (docs/playback.md, Faults).
START_GRACE_S = 3.0
#: A stream just opened plays silence this long before the first queued sample: through
#: PulseAudio the first few ms a new stream sends can be lost while the server starts it.
SETTLE_S = 0.15
#: After a failure, this much more than the stream's latency counts as not heard.
FAILURE_REWIND_S = 0.05
#: Samples faded out when a flush cuts the sound mid-buffer.
FLUSH_FADE_S = 0.005

_pa_lock = threading.RLock()  # PortAudio's own calls: open, start, stop, close, query, re-init
_open_streams = 0
_sd: ModuleType | None = None


def load_library() -> ModuleType:
    """Import `sounddevice` (which loads PortAudio). BackendError if it cannot be loaded."""
    global _sd
    if _sd is not None:
        return _sd
    from mit_desktop.playback.output.quiet import route_native_stderr_to_log

    route_native_stderr_to_log()
    try:
        import sounddevice
    except (ImportError, OSError) as exc:  # OSError: the PortAudio library is missing
        raise BackendError(
            f"the audio library could not be loaded ({exc}); on Debian or Ubuntu install "
            "libportaudio2",
            state=NOT_OPENED,
        ) from None
    _sd = sounddevice
    return sounddevice


def _refresh(sd: ModuleType) -> bool:
    """Re-initialise PortAudio so it sees devices and servers that came or went.

    Only when no stream is open (re-initialising closes every stream). True if done.
    """
    with _pa_lock:
        if _open_streams:
            return False
        try:
            sd._terminate()
            sd._initialize()
        except Exception as exc:  # noqa: BLE001 - PortAudio could not start: no devices
            log.info("PortAudio could not be re-initialised: %s", exc)
            return False
        return True


@contextlib.contextmanager
def portaudio_stream_open() -> Iterator[None]:
    """For other PortAudio streams of the program (the recorder's input): while inside,
    PortAudio is not re-initialised by a device listing (that would close the stream)."""
    global _open_streams
    with _pa_lock:
        _open_streams += 1
    try:
        yield
    finally:
        with _pa_lock:
            _open_streams -= 1


def refresh_portaudio(sd: ModuleType) -> bool:
    """Re-initialise PortAudio (see `_refresh`) unless a stream is open. True if done."""
    return _refresh(sd)


#: PortAudio's (ALSA's) names for "through the sound server": replaced by the server's own
#: outputs when it lists them.
THROUGH_SERVER = ("default", "pulse", "pipewire")


def list_output_devices(refresh: bool = True) -> list[AudioDevice]:
    """The output devices there are now, the system default marked (may be empty).

    When a sound server lists its outputs (`sinks.server_sinks`) and PortAudio reaches
    it, those come first, by their descriptions (named "sink:NAME"), in place of ALSA's
    "default" and "pulse"; then any other device PortAudio sees (a card the server
    does not hold). Otherwise PortAudio's own names. `refresh` re-initialises PortAudio
    first (unless a stream is open), so devices plugged in or a sound server started
    since are seen. BackendError if the audio library itself cannot be loaded.
    """
    from mit_desktop.playback.output.sinks import SINK_PREFIX, server_sinks

    sd = load_library()
    with _pa_lock:
        if refresh:
            _refresh(sd)
        found = [device for _index, device in portaudio_devices(sd, "output")]
    if not any(device.name in THROUGH_SERVER for device in found):
        return found
    sinks = server_sinks()
    if not sinks:
        return found
    return [AudioDevice(SINK_PREFIX + sink.name, "PulseAudio", sink.is_default,
                        sink.description) for sink in sinks] + [
        device for device in found if device.name not in THROUGH_SERVER]


class StreamBackend(Backend):
    """One continuous PortAudio output stream on `device` (None: the system default).

    `device` is an :attr:`AudioDevice.name` (or "NAME [HOST API]" when a name exists
    under several host APIs). See the module docstring for how it plays and fails.
    """

    name = "stream"
    queue_ms = QUEUE_MS

    def __init__(self, device: str | None = None, latency_s: float = LATENCY_S,
                 stall_s: float = STALL_S) -> None:
        self.device = device or None
        self.latency_s = latency_s
        self.stall_s = stall_s
        self.rate = 0
        self.device_used = ""  # the name of the device actually opened ("" until opened)
        self._lock = threading.Lock()
        self._stream: Any = None
        self._pending: collections.deque[np.ndarray] = collections.deque()
        self._offset = 0  # samples of _pending[0] already played
        self._tail: np.ndarray | None = None  # a flush's fade-out, played before new samples
        self._written = 0  # samples written since open/flush
        self._consumed = 0  # of those, handed to the device
        # (time the callback's first player sample is heard, _consumed before it, its count)
        self._marks: collections.deque[tuple[float, int, int]] = collections.deque(maxlen=256)
        self._error: BackendError | None = None
        self._failed_at: float | None = None
        self._started_s = 0.0
        self._last_callback_s = 0.0
        self._closing = False
        self._underflows = 0
        self._stale = False  # PortAudio's device list may be out of date
        self._generation = 0  # which opened stream the callbacks belong to

    # -- opening and closing ---------------------------------------------------------

    def open(self, sample_rate: int) -> None:
        with self._lock:
            if self._stream is not None and self._error is None:
                return
        if self._stream is not None:
            self.close()
        sd = load_library()
        with self._lock:
            self.rate = sample_rate
            self._reset_counts()
            self._pending.clear()
            self._offset = 0
            self._tail = None
            self._error = None
            self._failed_at = None
            self._closing = False
            self._underflows = 0
            self._started_s = self._last_callback_s = time.monotonic()
            self._generation += 1
        with _pa_lock:
            try:
                stream, used = self._open_stream(sd, sample_rate, refresh=self._stale)
            except BackendError:
                if not _refresh(sd):
                    raise
                stream, used = self._open_stream(sd, sample_rate, refresh=False)
            global _open_streams
            _open_streams += 1
        with self._lock:
            self.device_used = used
            self._stale = False
            self._error = None  # (a stream that failed to open may have said it ended)
            self._failed_at = None
            self._started_s = time.monotonic()
            self._stream = stream
        log.info("sound output: %s (latency %.0f ms)", used or "system default",
                 stream.latency * 1000)

    def _open_stream(self, sd: ModuleType, sample_rate: int, refresh: bool) -> tuple[Any, str]:
        if refresh:
            _refresh(sd)
        outputs = portaudio_devices(sd, "output")
        if not outputs:
            raise BackendError("PortAudio lists no output device", state=NO_DEVICE)
        sink, shown = self._chosen_sink()
        if sink is None:
            index, used = self._choose(outputs)
        else:
            index, used = self._through_server(outputs)
        stream = None
        generation = self._generation
        try:
            with pulse_device("output", sink):
                stream = sd.OutputStream(
                    samplerate=sample_rate, channels=1, dtype="int16", device=index,
                    latency=self.latency_s,
                    blocksize=max(1, int(sample_rate * self.latency_s / BLOCKS_PER_LATENCY)),
                    callback=self._callback,
                    finished_callback=lambda: self._finished(generation),
                )
                stream.start()
        except Exception as exc:  # noqa: BLE001 - sd.PortAudioError, ValueError for bad settings
            if stream is not None:
                try:
                    stream.close(ignore_errors=True)
                except Exception:  # noqa: BLE001 - already broken
                    pass
            raise BackendError(f"cannot open {shown or used.name!r}: {exc}", state=NOT_OPENED,
                               device=self._named(shown or used.name)) from None
        return stream, shown or used.name

    def _chosen_sink(self) -> tuple[str | None, str]:
        """The sound server's sink the listener chose and its description, if it is there now.

        (None, "") when no sink was chosen, or when it is gone (then the system default
        plays, as for any device not found).
        """
        from mit_desktop.playback.output.sinks import server_sinks, sink_of

        wanted = sink_of(self.device)
        if wanted is None:
            return None, ""
        for sink in server_sinks():
            if sink.name == wanted:
                return sink.name, sink.description
        log.info("the chosen sound output is not found; using the system default")
        return None, ""

    def _through_server(self, outputs: list[tuple[int, AudioDevice]]
                        ) -> tuple[int, AudioDevice]:
        """PortAudio's way to the sound server: "pulse", else the system default."""
        for index, device in outputs:
            if device.name == "pulse":
                return index, device
        for index, device in outputs:
            if device.is_default:
                return index, device
        return outputs[0]

    def _choose(self, outputs: list[tuple[int, AudioDevice]]) -> tuple[int, AudioDevice]:
        """The chosen device if PortAudio sees it, else the system default (else the first)."""
        if self.device:
            for index, device in outputs:
                if self.device in (device.name, f"{device.name} [{device.host_api}]"):
                    return index, device
            log.info("the chosen sound device is not found; using the system default")
        for index, device in outputs:
            if device.is_default:
                return index, device
        return outputs[0]

    def _named(self, used: str | None = None) -> str:
        """The device's name for messages: "" when the listener chose the system default."""
        return (used or self.device_used or self.device or "") if self.device else ""

    def close(self) -> None:
        with self._lock:
            stream, self._stream = self._stream, None
            self._closing = True
            self._pending.clear()
            self._offset = 0
            self._tail = None
        if stream is None:
            return
        with _pa_lock:
            global _open_streams
            _open_streams -= 1
            try:
                stream.abort(ignore_errors=True)
                stream.close(ignore_errors=True)
            except Exception as exc:  # noqa: BLE001 - the device is gone already
                log.info("closing the sound stream: %s", exc)

    # -- the device's side -----------------------------------------------------------

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        now = time.monotonic()
        out = outdata[:, 0]
        filled = 0
        with self._lock:
            if now - self._started_s < SETTLE_S:
                out[:] = 0
                self._last_callback_s = now
                return
            if self._tail is not None:
                n = min(frames, len(self._tail))
                out[:n] = self._tail[:n]
                self._tail = self._tail[n:] if n < len(self._tail) else None
                filled = n
            first_counted = filled
            while filled < frames and self._pending:
                head = self._pending[0]
                n = min(frames - filled, len(head) - self._offset)
                out[filled:filled + n] = head[self._offset:self._offset + n]
                filled += n
                self._offset += n
                if self._offset >= len(head):
                    self._pending.popleft()
                    self._offset = 0
            counted = filled - first_counted
            out[filled:] = 0
            delay = 0.0
            try:
                delay = float(time_info.outputBufferDacTime - time_info.currentTime)
            except (AttributeError, TypeError):
                pass
            if not 0.0 < delay < 2.0:
                delay = self._stream_latency()
            if counted:
                self._marks.append((now + delay + first_counted / self.rate, self._consumed,
                                    counted))
                self._consumed += counted
                if status and status.output_underflow:
                    self._underflows += 1
            self._last_callback_s = now
            ran_dry = counted > 0 and not self._pending
        if ran_dry:
            # Only when the queue has just run dry (a drain waiting for the end, or a feeder
            # that fell behind): waking the feeder at every callback (50 a second) cost more
            # CPU than everything else while playing; it wakes on its own clock otherwise.
            self._notify()

    def _stream_latency(self) -> float:
        stream = self._stream
        try:
            return float(stream.latency) if stream is not None else self.latency_s
        except Exception:  # noqa: BLE001 - closed meanwhile
            return self.latency_s

    def _finished(self, generation: int) -> None:
        with self._lock:
            if self._closing or self._error is not None or generation != self._generation:
                return
            if self._stream is None:
                return  # not opened yet: open() reports the failure itself
            self._fail("the sound stream ended by itself (the sound server or device went away)")
        self._notify()

    def _fail(self, detail: str) -> None:
        """Keep a STOPPED error (the caller holds the lock)."""
        log.info("sound device %r stopped: %s", self.device_used or "default", detail)
        self._error = BackendError(detail, state=STOPPED, device=self._named())
        # What the device held when it stopped was probably not heard, and a suspended
        # device may still take a little before it stops asking: count all that as unheard
        # (about a tenth of a second is heard twice on resume; nothing is skipped).
        self._failed_at = (min(time.monotonic(), self._last_callback_s)
                           - self._stream_latency() - FAILURE_REWIND_S)

    # -- the player's side -----------------------------------------------------------

    def write(self, samples: np.ndarray) -> None:
        data = np.ascontiguousarray(samples, dtype="<i2")
        with self._lock:
            self._check_locked()
            if self._stream is None:
                raise BackendError("the sound device is not open", state=NOT_OPENED,
                                   device=self._named())
            self._pending.append(data)
            self._written += len(data)

    def check(self) -> None:
        with self._lock:
            self._check_locked()

    def _check_locked(self) -> None:
        if self._error is None and self._stream is not None and not self._closing:
            now = time.monotonic()
            if (now - self._last_callback_s > self.stall_s
                    and now - self._started_s > START_GRACE_S):
                self._fail(f"the device asked for no sound for {now - self._last_callback_s:.1f} s"
                           " (suspended or taken by another program)")
        if self._error is not None:
            self._stale = True
            raise self._error

    def _heard(self, now: float) -> int:
        """Player samples heard by `now` (the lock is held)."""
        if self._failed_at is not None:
            now = min(now, self._failed_at)
        for at, before, count in reversed(self._marks):
            if at <= now:
                return before + min(count, int((now - at) * self.rate))
        # Before every mark kept: the oldest one's start (or nothing since open/flush).
        return self._marks[0][1] if self._marks else self._consumed

    def queued_samples(self) -> int:
        with self._lock:
            return max(0, self._written - self._heard(time.monotonic()))

    def discard_pending(self) -> int:
        with self._lock:
            dropped = sum(len(b) for b in self._pending) - self._offset
            self._pending.clear()
            self._offset = 0
            self._written -= dropped
            if self._error is not None:  # what the device held was not heard either
                unheard = self._written - self._heard(time.monotonic())
                self._written -= unheard
                dropped += unheard
            return dropped

    def fade_out_pending(self, samples: int) -> tuple[int, int]:
        """See :meth:`Backend.fade_out_pending`: under the lock the callback takes, so the
        callback finds either the queue as it was or the faded head, never an empty queue.

        The fade is the player's declick ramp (`levels.fade_out_ramp` over the `n`
        samples kept) applied to the samples already queued, which are the player's
        shaped output: the sound the player would render for its own fade, within one
        step of int16 rounding.
        """
        with self._lock:
            if self._error is None and samples > 0 and self._pending:
                head: list[np.ndarray] = []
                have = 0
                for index, block in enumerate(self._pending):
                    start = self._offset if index == 0 else 0
                    piece = block[start:start + samples - have]
                    head.append(piece)
                    have += len(piece)
                    if have >= samples:
                        break
                dropped = sum(len(b) for b in self._pending) - self._offset - have
                self._pending.clear()
                self._pending.append(_faded(np.concatenate(head)))
                self._offset = 0
                self._written -= dropped
                return dropped, have
        return self.discard_pending(), 0

    def flush(self) -> None:
        with self._lock:
            fade = max(1, int(FLUSH_FADE_S * (self.rate or 22_050)))
            if self._pending:
                self._tail = _faded(self._pending[0][self._offset:self._offset + fade])
            self._pending.clear()
            self._offset = 0
            self._reset_counts()

    def _reset_counts(self) -> None:
        self._written = self._consumed = 0
        self._marks.clear()

    @property
    def underflows(self) -> int:
        """Callbacks that found the device had run dry while player samples were due."""
        with self._lock:
            return self._underflows


def _faded(samples: np.ndarray) -> np.ndarray:
    """int16 `samples` faded to silence over their length (levels.fade_out_ramp)."""
    return np.round(samples.astype(np.float32) * fade_out_ramp(len(samples))).astype("<i2")


TEST_SOUND_RATE = 22_050


def chime(sample_rate: int = TEST_SOUND_RATE) -> np.ndarray:
    """Two soft chime strikes a fifth apart (about 1.6 s), int16, peak about -12 dBFS."""
    from mit_desktop.render.bells import bell_strike

    strike = np.asarray(bell_strike("chime", sample_rate), dtype=np.float32)
    n = min(len(strike), int(0.8 * sample_rate))
    fade = np.ones(n, dtype=np.float32)
    fade[-n // 4:] = np.linspace(1.0, 0.0, n // 4, dtype=np.float32)
    first = strike[:n] * fade
    # the same strike, resampled up a fifth (3:2) by reading it faster
    positions = np.arange(0, n, 1.5, dtype=np.float32)
    second = np.interp(positions, np.arange(n, dtype=np.float32), first).astype(np.float32)
    audio = np.concatenate([first, second]) * 0.25
    return np.round(audio * 32767).astype("<i2")


def play_test_sound(device: str | None = None, timeout_s: float = 5.0) -> str:
    """Play :func:`chime` on `device` (None: the system default) and wait for its end.

    Returns the name of the device that played it. BackendError if no device could
    play it (the error's `state` says what was found).
    """
    backend = StreamBackend(device)
    backend.open(TEST_SOUND_RATE)
    try:
        sound = chime()
        backend.write(sound)
        deadline = time.monotonic() + len(sound) / TEST_SOUND_RATE + timeout_s
        while backend.queued_samples() > 0:
            backend.check()
            if time.monotonic() > deadline:
                raise BackendError("the test sound did not finish playing", state=STOPPED,
                                   device=backend.device_used)
            time.sleep(0.02)
        return backend.device_used
    finally:
        backend.close()
