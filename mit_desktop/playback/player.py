"""The real-time player: a session's timeline, mixed block by block, fed to a backend.

One feeder thread per opened session renders ~100 ms blocks with the mixer
and hands them to the backend, keeping at most `queue_blocks` queued, so
pausing, seeking and volume changes act within a block or two. The player
owns the position: `sent` (the next sample to hand over) minus what the
backend still holds is what the listener has heard.

Contracts:

- Every sample from 0 to the end is handed over exactly once, in order, unless
  the listener seeks; with the volumes at their defaults and no pause, what is
  handed over equals `mixer.render()` (and so `mit-desktop render`) sample for
  sample.
- Interactive mode: the feeder never hands over a sample at or after a
  reflection's `start_sample` before `continue_()`; it waits for the backend to
  play out, then emits `reflection` with the position exactly there.
- Pause and stop drop the queued blocks that have not started, add a short
  fade (`declick_ms`) and wait for the device to play out, so the position
  they report is exact and resume continues from that very sample (with a
  matching fade in).
- Volumes (per stem, linear 0..1.5) ramp over `volume_ramp_ms` starting at the
  first sample not yet started, so a change is heard within about 150 ms.
- Public methods only post a request and return at once; the feeder applies
  requests in order. Events are emitted from the feeder thread.
"""

from __future__ import annotations

import collections
import dataclasses
import logging
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from mit_desktop.playback import events as ev
from mit_desktop.playback.clock import Clock, RealClock
from mit_desktop.playback.messages import device_message, render_message
from mit_desktop.playback.moments import Moments
from mit_desktop.playback.output import Backend, BackendError, create_backend
from mit_desktop.playback.output.null import NullBackend
from mit_desktop.playback.render_ahead import RenderAhead
from mit_desktop.playback.shaping import BlockShaper
from mit_desktop.render.engine import Engine
from mit_desktop.render.levels import to_int16
from mit_desktop.render.mixer import STEMS, Mixer, StemGains
from mit_desktop.session.model import Session
from mit_desktop.session.timeline import INTERACTIVE, ListeningSettings, Timeline

log = logging.getLogger(__name__)

BLOCK_MS = 100
QUEUE_BLOCKS = 2
TICK_S = 0.05  # the feeder looks at the clock at least this often while playing
CHECKPOINT_INTERVAL_S = 4.0  # periodic checkpoints (the goal is "at least every 5 s")
VOLUME_RAMP_MS = 40
DECLICK_MS = 10  # a fade this short is still click-free, and pause is heard 10 ms sooner
MAX_GAIN = 1.5
FALLBACKS = ("pause", "null")
_ACTIVE = (ev.PLAYING, ev.BUFFERING)


@dataclass
class PlayerStats:
    """Clock times (s) of moments the benchmarks measure; None until they happen."""

    play_requested_s: float | None = None
    first_write_s: float | None = None
    reflection_events_s: list[float] = dataclasses.field(default_factory=list)
    writes: int = 0


class Player:
    """Plays one session at a time through a backend. See the module docstring for contracts.

    `backend`: a Backend, or a name for `create_backend` (None: $MIT_AUDIO_BACKEND or
    the continuous `stream` output to the system's default device). `fallback`: on a
    device failure, "pause" (wait for `continue_silently()` or Play) or "null" (go on
    silently at once). `silent_backend(clock)` makes the backend
    used to go on without sound (default: a NullBackend on the player's clock).
    """

    def __init__(
        self,
        engine: Engine | None = None,
        backend: Backend | str | None = None,
        clock: Clock | None = None,
        *,
        block_ms: int = BLOCK_MS,
        queue_blocks: int = QUEUE_BLOCKS,
        declick_ms: int = DECLICK_MS,
        volume_ramp_ms: int = VOLUME_RAMP_MS,
        fallback: str = "pause",
        silent_backend: Callable[[Clock], Backend] | None = None,
    ) -> None:
        if fallback not in FALLBACKS:
            raise ValueError(f"fallback must be one of {FALLBACKS}")
        self.engine = engine or Engine()
        self.clock: Clock = clock or RealClock()
        self.backend: Backend = (
            backend if isinstance(backend, Backend) else create_backend(backend, self.clock)
        )
        self.backend.on_progress = self._wake
        self.rate = self.engine.sample_rate
        self.block = self.rate * block_ms // 1000
        self.capacity = self.block * queue_blocks
        self.declick = self.rate * declick_ms // 1000
        self.ramp = max(1, self.rate * volume_ramp_ms // 1000)
        self.fallback = fallback
        self._silent_backend = silent_backend or (lambda clock: NullBackend(clock))
        self.events = ev.PlayerEvents()
        self.stats = PlayerStats()
        self._cond = threading.Condition()
        self._commands: collections.deque[tuple[str, Any]] = collections.deque()
        self._posted = self._taken = 0
        self._state = ev.IDLE
        self._quit = False
        self._thread: threading.Thread | None = None
        self._session: Session | None = None
        self._settings: ListeningSettings | None = None
        self._ahead: RenderAhead | None = None
        self._backend_open = False
        self._target_gains = StemGains()
        self._reset_feeder_state(0)

    def _reset_feeder_state(self, start_sample: int) -> None:
        self._sent = start_sample
        self._mixer: Mixer | None = None
        self._timeline: Timeline | None = None
        self._final = 0
        self._complete = False
        self._next_reflection = 0
        self._answered: set[int] = set()  # reflections continued from (interactive mode)
        self._shaper = BlockShaper(self._target_gains, self.ramp, self.declick)
        self._preroll: tuple[int, np.ndarray] | None = None
        self._needs_fade_in = start_sample > 0
        self._paused_for: str | None = None
        self._tried_early = False
        self._moments = Moments()
        self._last_position_s = -math.inf
        self._last_checkpoint_s = -math.inf
        self._last_emitted: tuple[int, str] | None = None

    # -- public API (any thread) -------------------------------------------------

    def open(self, session: Session, settings: ListeningSettings, start_ms: int = 0,
             answered: Iterable[int] = ()) -> None:
        """Load `session` (stopping any other) and start rendering ahead; playback waits for play().

        `start_ms` resumes a practice from a checkpoint. The mode comes from `settings`.
        `answered`: indices of reflections already continued from in this practice (when
        it is opened again in another mode or speed), which a seek does not stop at.
        """
        self._shutdown_feeder()
        if self._backend_open:
            self.backend.flush()  # what the last session had queued is not heard after this
        self._session, self._settings = session, settings
        self._reset_feeder_state(self._ms_to_sample(start_ms))
        self._answered = set(answered)
        self._state = ev.IDLE
        self.stats = PlayerStats()
        self._quit = False
        self._ahead = RenderAhead(self.engine, session, settings, self._wake).start()
        self._thread = threading.Thread(target=self._feed, name="player-feeder", daemon=True)
        self._thread.start()

    def play(self) -> None:
        """Start (from the current position; from the start once finished), or resume."""
        self.stats.play_requested_s = self.clock.now()
        self._post("play")

    def pause(self) -> None:
        self._post("pause")

    def resume(self) -> None:
        """Go on after pause() or a fault (retrying a failed render); at a reflection: continue_."""
        self._post("resume")

    def stop(self) -> None:
        """Stop; the position is kept (a checkpoint is emitted) and play() goes on from it."""
        self._post("stop")

    def seek_ms(self, position_ms: int) -> None:
        """Jump to `position_ms` (milliseconds from the start), keeping play/pause."""
        self._post("seek", self._ms_to_sample(position_ms))

    def seek_sample(self, position_sample: int) -> None:
        self._post("seek", int(position_sample))

    def seek_section(self, index: int) -> None:
        """Jump to the start of section `index` (0-based, in script order)."""
        self._post("section", int(index))

    def continue_(self) -> None:
        """Interactive mode: go on from the reflection point the player stopped at."""
        self._post("continue")

    continue_after_reflection = continue_

    def set_volume(self, stem: str, value: float) -> None:
        """Set one stem's volume ('voice', 'bells' or 'ambience'), linear 0..1.5."""
        if stem not in STEMS:
            raise ValueError(f"stem must be one of {', '.join(STEMS)}")
        if not 0.0 <= value <= MAX_GAIN:
            raise ValueError(f"volume must be between 0 and {MAX_GAIN}")
        with self._cond:
            setattr(self._target_gains, stem, float(value))
        if self._session is not None:
            self._post("volume")

    def set_volumes(self, gains: StemGains) -> None:
        for stem in STEMS:
            self.set_volume(stem, getattr(gains, stem))

    @property
    def volumes(self) -> StemGains:
        with self._cond:
            return dataclasses.replace(self._target_gains)

    def continue_silently(self) -> None:
        """After a device fault: switch to the null backend and go on (captions still advance)."""
        self._post("silent")

    def set_backend(self, backend: Backend) -> None:
        """Use another backend from the current position on (at once if no session is open)."""
        if self._session is None or self._thread is None:
            old, self.backend = self.backend, backend
            backend.on_progress = self._wake
            self._backend_open = False
            if old is not backend:
                old.close()
            return
        self._post("backend", backend)

    def close(self, timeout_s: float = 10.0) -> None:
        """Stop everything and release the device. The player can open another session.

        Waits (up to `timeout_s`) for a sentence being synthesised to finish, so the
        process can exit safely afterwards (onnxruntime aborts if torn down mid-run).
        """
        self._shutdown_feeder()
        if self._ahead is not None and not self._ahead.wait(timeout_s):
            log.warning("speech synthesis still running after %.1f s", timeout_s)
        try:
            self.backend.close()
        finally:
            self._backend_open = False

    @property
    def state(self) -> str:
        with self._cond:
            return self._state

    @property
    def session(self) -> Session | None:
        """The opened session."""
        return self._session

    @property
    def answered_reflections(self) -> frozenset[int]:
        """Indices of the reflections continued from since open() (interactive mode)."""
        return frozenset(self._answered)

    @property
    def settings(self) -> ListeningSettings | None:
        """The listening settings of the session open now (None before open())."""
        return self._settings

    @property
    def mode(self) -> str | None:
        return self._settings.mode if self._settings else None

    @property
    def position_sample(self) -> int:
        """Heard position in samples: exact unless playing, then within a few ms."""
        with self._cond:
            sent, state = self._sent, self._state
        if state in _ACTIVE:
            sent -= self.backend.queued_samples()
        return max(0, sent)

    @property
    def position_ms(self) -> int:
        return self.position_sample * 1000 // self.rate

    @property
    def timeline(self) -> Timeline | None:
        """The timeline as far as it is built."""
        return self._ahead.state()[0] if self._ahead else None

    @property
    def duration_ms(self) -> int | None:
        """The session's length once fully built, else None."""
        if not self._ahead:
            return None
        snapshot, _final, complete = self._ahead.state()
        return snapshot.duration_ms if complete and self._ahead.error is None else None

    def wait_rendered(self, timeout_s: float) -> bool:
        """Block (real time) until the whole timeline is built (or its build failed)."""
        ahead = self._ahead
        return ahead.wait(timeout_s) if ahead is not None else False

    def wait_state(self, states: Iterable[str], timeout_s: float) -> bool:
        """Block (real time) until the state is one of `states`; False on timeout."""
        wanted = set(states)
        with self._cond:
            return self._cond.wait_for(lambda: self._state in wanted, timeout_s)

    # -- plumbing -----------------------------------------------------------------

    def _ms_to_sample(self, value_ms: int) -> int:
        return max(0, round(int(value_ms) * self.rate / 1000))

    def _post(self, name: str, arg: Any = None) -> None:
        if self._session is None:
            raise RuntimeError("open() a session before playing it")
        with self._cond:
            self._commands.append((name, arg))
            self._posted += 1
            self._cond.notify_all()

    def sync(self, timeout_s: float = 5.0) -> bool:
        """Block (real time) until the feeder has picked up every request posted so far.

        With a fake clock, a test calls this before advancing time, so a request
        takes effect at the moment it was made.
        """
        with self._cond:
            return self._cond.wait_for(
                lambda: self._taken >= self._posted or self._thread is None, timeout_s
            )

    def _wake(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _wait(self, timeout_s: float) -> None:
        with self._cond:
            if not self._commands and not self._quit:
                self.clock.wait(self._cond, timeout_s)

    def _shutdown_feeder(self) -> None:
        thread = self._thread
        with self._cond:
            self._quit = True
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5.0)
        self._thread = None
        if self._ahead is not None:
            self._ahead.cancel()
        with self._cond:
            self._commands.clear()
            self._taken = self._posted

    def _set_state(self, state: str) -> None:
        with self._cond:
            changed = state != self._state
            self._state = state
            self._cond.notify_all()
        if changed:
            self.events.state.emit(state)

    def _set_sent(self, value: int) -> None:
        with self._cond:
            self._sent = value

    def _heard(self) -> int:
        if self._state in _ACTIVE:
            return max(0, self._sent - self.backend.queued_samples())
        return self._sent

    # -- the feeder thread ----------------------------------------------------------

    def _feed(self) -> None:
        while True:
            with self._cond:
                if self._quit:
                    return
                commands = list(self._commands)
                self._commands.clear()
                self._taken = self._posted
                self._cond.notify_all()
            try:
                for name, arg in commands:
                    self._apply(name, arg)
                    if self._quit:
                        return
                if self._state in _ACTIVE:
                    self._step()
                else:
                    if self._state == ev.IDLE:
                        self._open_early()
                        self._prepare_preroll()
                    self._tick()
                    self._wait(0.5)
            except Exception as exc:
                log.exception("the player failed")
                self._set_state(ev.PAUSED)
                self._paused_for = "render"
                self.events.error.emit(
                    ev.PlayerError(
                        "internal",
                        f"Playback stopped because of an internal error ({exc}). "
                        "Press Play to try again.",
                        self._sent * 1000 // self.rate,
                    )
                )

    def _apply(self, name: str, arg: Any) -> None:
        state = self._state
        if name == "play":
            if state == ev.FINISHED:
                self._seek(0)
            if state in (ev.IDLE, ev.STOPPED, ev.FINISHED, ev.PAUSED):
                self._start()
            elif state == ev.REFLECTION:
                self._continue()
        elif name == "resume":
            if state == ev.REFLECTION:
                self._continue()
            elif state in (ev.PAUSED, ev.STOPPED, ev.IDLE):
                self._start()
        elif name == "continue":
            if state == ev.REFLECTION:
                self._continue()
        elif name == "pause":
            if state in _ACTIVE and self._settle():
                self._set_state(ev.PAUSED)
                self._after_stop("pause")
        elif name == "stop":
            if state in _ACTIVE and not self._settle():
                return
            if state not in (ev.STOPPED, ev.FINISHED):
                self._set_state(ev.STOPPED)
                self._after_stop("stop")
        elif name == "seek":
            self._seek(arg)
        elif name == "section":
            self._seek_section(arg)
        elif name == "volume":
            self._apply_volume()
        elif name == "silent":
            active = state in _ACTIVE
            if active:
                self._settle()
            self._switch_backend(self._silent_backend(self.clock), "continuing without sound")
            if active or self._paused_for == "device":
                self._start()
        elif name == "backend":
            active = state in _ACTIVE
            if active:
                self._settle()
            self._switch_backend(arg, "changed by request")
            if active:
                self._start()

    def _open_early(self) -> None:
        """While a session waits for Play: open the device, so Play is heard at once.

        A failure is not reported here; Play tries again and reports it.
        """
        if self._backend_open or self._tried_early:
            return
        self._tried_early = True
        try:
            self.backend.open(self.rate)
            self._backend_open = True
        except BackendError as exc:
            log.info("the sound device is not ready yet: %s", exc.detail)

    def _start(self) -> None:
        if self._paused_for == "render":
            self._restart_render()
        self._paused_for = None
        if self._backend_open:
            try:
                self.backend.check()
            except BackendError as exc:  # failed while paused: try it (or the default) again
                log.info("the sound device failed while paused (%s); opening it again", exc.detail)
                self._close_backend()
        if not self._backend_open:
            try:
                self.backend.open(self.rate)
                self._backend_open = True
            except BackendError as exc:
                self._device_failed(exc)
                return
        if self._needs_fade_in and self.declick and self._sent > 0:
            self._shaper.fade_in_at = self._sent
        self._needs_fade_in = False
        self._set_state(ev.PLAYING)
        self._emit_position(force=True)

    def _continue(self) -> None:
        self._answered.add(self._next_reflection)
        self._next_reflection += 1
        self._start()

    def _restart_render(self) -> None:
        assert self._session is not None and self._settings is not None
        if self._ahead is not None:
            self._ahead.cancel()
        self._ahead = RenderAhead(self.engine, self._session, self._settings, self._wake).start()
        self._mixer, self._timeline, self._final, self._complete = None, None, 0, False

    # -- one step of playing ----------------------------------------------------------

    def _refresh(self) -> None:
        """Take the newest snapshot when the current one limits playback (or has just completed)."""
        assert self._ahead is not None
        snapshot, final, complete = self._ahead.state()
        if self._mixer is not None and snapshot is self._timeline:
            return
        if (
            self._mixer is None
            or self._sent + self.block > self._final
            or (complete and not self._complete)
        ):
            self._mixer = self.engine.mixer(snapshot)
            self._timeline, self._final, self._complete = snapshot, final, complete
            self._moments.use(snapshot)

    def _next_stop(self) -> int | None:
        """Interactive mode: the next reflection sample at or after `sent` not yet continued."""
        if self.mode != INTERACTIVE or self._timeline is None:
            return None
        starts = self._moments.reflection_starts
        while self._next_reflection < len(starts) and starts[self._next_reflection] < self._sent:
            self._next_reflection += 1
        return starts[self._next_reflection] if self._next_reflection < len(starts) else None

    def _step(self) -> None:
        try:
            self.backend.check()
        except BackendError as exc:
            self._device_failed(exc)
            return
        self._tick()
        self._refresh()
        stop = self._next_stop()
        if stop is not None and self._sent >= stop:
            if self._drain():
                self._reached_reflection()
            return
        if self._complete and self._sent >= self._final:
            if self._drain():
                assert self._ahead is not None
                if self._ahead.error is not None:
                    self._render_failed(self._ahead.error)
                else:
                    self._finish()
            return
        limit = self._final if stop is None else min(self._final, stop)
        if limit <= self._sent:
            self._set_state(ev.BUFFERING)
            self._wait(TICK_S)
            return
        n = min(self.block, limit - self._sent)
        queued = self.backend.queued_samples()
        capacity = self._capacity()
        if queued + n > capacity:
            self._wait(min(TICK_S, (queued + n - capacity) / self.rate))
            return
        try:
            audio = self._render(self._sent, n)
        except Exception as exc:  # noqa: BLE001 - speech, clip or cache: play out the queue, pause
            log.warning("render failed at sample %d: %s", self._sent, exc)
            if self._drain():
                self._render_failed(exc)
            return
        try:
            self.backend.write(audio)
        except BackendError as exc:
            self._device_failed(exc)
            return
        self._set_sent(self._sent + n)
        self.stats.writes += 1
        if self.stats.first_write_s is None:
            self.stats.first_write_s = self.clock.now()
        if self._state == ev.BUFFERING:
            self._set_state(ev.PLAYING)

    def _capacity(self) -> int:
        """Samples to keep queued: `queue_blocks` blocks, or more if the backend asks."""
        wanted = self.backend.queue_ms
        return max(self.capacity, wanted * self.rate // 1000 if wanted else 0)

    def _drain(self) -> bool:
        """Wait until the backend has played everything handed over. False if the device failed."""
        while True:
            try:
                self.backend.check()
            except BackendError as exc:
                self._device_failed(exc)
                return False
            queued = self.backend.queued_samples()
            if queued == 0 or self._quit:
                return not self._quit
            self._tick()
            with self._cond:
                if self._quit:
                    return False
                self.clock.wait(self._cond, min(TICK_S, queued / self.rate))

    def _settle(self) -> bool:
        """Drop unstarted blocks, fade out over `declick` samples, play out.

        False if the device failed meanwhile.
        """
        dropped = self.backend.discard_pending()
        self._set_sent(self._sent - dropped)
        self._preroll = None
        self._needs_fade_in = True
        if self.declick and self._mixer is not None and self._state == ev.PLAYING:
            stop = self._next_stop()
            limit = self._final if stop is None else min(self._final, stop)
            tail = min(self.declick, limit - self._sent)
            if tail > 0:
                try:
                    audio = self._render_float(self._sent, tail)
                    audio *= np.linspace(1.0, 0.0, tail + 1, dtype=np.float32)[1:]
                    self.backend.write(to_int16(audio))
                    self._set_sent(self._sent + tail)
                except BackendError as exc:
                    self._device_failed(exc)
                    return False
                except Exception as exc:  # noqa: BLE001 - only a nicety; position stays exact
                    log.warning("no fade at pause: %s", exc)
        return self._drain()

    # -- rendering a block --------------------------------------------------------------

    def _render_float(self, start: int, n: int) -> np.ndarray:
        assert self._mixer is not None
        return self._shaper.render(self._mixer, start, n)

    def _render(self, start: int, n: int) -> np.ndarray:
        if self._preroll is not None:
            at, audio = self._preroll
            self._preroll = None
            if at == start and len(audio) == n and self._shaper.steady(start, n):
                return audio
        return to_int16(self._render_float(start, n))

    def _prepare_preroll(self) -> None:
        """While idle: get the first block ready, so Play hands it over at once."""
        if self._preroll is not None or self._ahead is None:
            return
        self._refresh()
        stop = self._next_stop()
        limit = self._final if stop is None else min(self._final, stop)
        n = min(self.block, limit - self._sent)
        if n <= 0 or (n < self.block and not self._complete):
            return
        try:
            self._preroll = (self._sent, to_int16(self._render_float(self._sent, n)))
        except Exception as exc:  # noqa: BLE001 - reported when playback gets there
            log.debug("preroll failed: %s", exc)

    def _apply_volume(self) -> None:
        with self._cond:
            target = dataclasses.replace(self._target_gains)
        self._preroll = None
        if self._state in _ACTIVE:
            dropped = self.backend.discard_pending()
            self._set_sent(self._sent - dropped)
            self._shaper.set_gains(target, ramp_from=self._sent)
        else:
            self._shaper.set_gains(target, ramp_from=None)

    # -- seeking --------------------------------------------------------------------------

    def _seek(self, target: int) -> None:
        if self._ahead is not None:
            self._refresh()
            if self._complete:
                target = min(target, self._final)
        target = self._not_past_a_reflection(max(0, target))
        if self._state in _ACTIVE:
            self.backend.flush()
        self._set_sent(target)
        self._preroll = None
        self._shaper.settle_gains()
        self._next_reflection = self._moments.jumped(target)
        starts = self._moments.reflection_starts
        while self._next_reflection < len(starts) and starts[self._next_reflection] == target \
                and self._next_reflection in self._answered:
            self._next_reflection += 1  # landing on an answered reflection: not asked again
        self._needs_fade_in = True
        if self._state in _ACTIVE and self.declick and target > 0:
            self._shaper.fade_in_at = target
            self._needs_fade_in = False
        if self._state in (ev.REFLECTION, ev.FINISHED):
            self._set_state(ev.PAUSED)
        self._emit_position(force=True)
        self._checkpoint("seek")

    def _not_past_a_reflection(self, target: int) -> int:
        """Interactive mode: a seek forward over a reflection not yet continued from lands on
        that reflection (whose stop then offers it) instead of jumping over it silently."""
        if self.mode != INTERACTIVE or self._timeline is None or target <= self._sent:
            return target
        for index, start in enumerate(self._moments.reflection_starts):
            if self._sent <= start < target and index not in self._answered:
                log.info("seek to sample %d stops at reflection %d first", target, index + 1)
                return start
        return target

    def _seek_section(self, index: int) -> None:
        assert self._ahead is not None
        snapshot, _final, complete = self._ahead.state()
        if 0 <= index < len(snapshot.sections):
            self._seek(snapshot.sections[index].start_sample)
            return
        message = (
            "That section is still being prepared; try again in a moment."
            if not complete and index >= 0
            else f"There is no section {index + 1} in this session."
        )
        self.events.error.emit(ev.PlayerError("input", message, self._sent * 1000 // self.rate))

    # -- moments ----------------------------------------------------------------------------

    def _tick(self) -> None:
        """Emit what the listener's position implies: position, section, caption, checkpoints."""
        if self._timeline is None:
            return
        heard = self._heard()
        changes = self._moments.advance(
            heard, at_stop=self._next_stop() == heard, hands_free=self.mode != INTERACTIVE
        )
        if changes.section is not None:
            self.events.section.emit(changes.section)
        if changes.caption is not None:
            self.events.caption.emit(changes.caption)
        if changes.reflection_index is not None:
            self._emit_reflection(changes.reflection_index, waiting=False)
        if self._state in _ACTIVE:
            self._emit_position()
            if self.clock.now() - self._last_checkpoint_s >= CHECKPOINT_INTERVAL_S:
                self._checkpoint("periodic")

    def _emit_position(self, force: bool = False) -> None:
        now = self.clock.now()
        if not force and now - self._last_position_s < TICK_S / 2:
            return
        self._last_position_s = now
        heard = self._heard()
        duration = None
        if (
            self._complete
            and self._timeline is not None
            and self._ahead
            and self._ahead.error is None
        ):
            duration = self._timeline.duration_ms
        self.events.position.emit(
            ev.Position(heard, heard * 1000 // self.rate, duration, self._state)
        )

    def _emit_reflection(self, index: int, waiting: bool) -> None:
        assert self._timeline is not None
        r = self._timeline.reflections[index]
        self.events.reflection.emit(
            ev.ReflectionReached(
                index,
                r.prompt,
                r.inputs,
                r.start_sample,
                r.start_sample * 1000 // self.rate,
                waiting,
                r.scale,
            )
        )
        self.stats.reflection_events_s.append(self.clock.now())

    def _checkpoint(self, reason: str) -> None:
        if self._session is None or self._settings is None:
            return
        self._last_checkpoint_s = self.clock.now()
        heard = self._heard()
        self.events.checkpoint.emit(
            ev.Checkpoint(
                self._session.id,
                self._session.content_sha256,
                heard * 1000 // self.rate,
                heard,
                self._settings.mode,
                reason,
            )
        )

    def _after_stop(self, reason: str) -> None:
        self._tick()
        self._emit_position(force=True)
        self._checkpoint(reason)

    def _reached_reflection(self) -> None:
        self._set_state(ev.REFLECTION)
        self._tick()
        self._emit_reflection(self._next_reflection, waiting=True)
        self._emit_position(force=True)
        self._checkpoint("reflection")

    def _finish(self) -> None:
        self._set_state(ev.FINISHED)
        self._tick()
        self._emit_position(force=True)
        self.events.finished.emit(ev.Finished(self._sent * 1000 // self.rate))
        self._checkpoint("finished")

    # -- faults -------------------------------------------------------------------------------

    def _device_failed(self, exc: BackendError) -> None:
        dropped = self.backend.discard_pending()
        self._set_sent(max(0, self._sent - dropped))
        self._preroll = None
        self._needs_fade_in = True
        self._close_backend()
        position_ms = self._sent * 1000 // self.rate
        continuing = self.fallback == "null"
        log.info("audio device failed at %d ms: %s", position_ms, exc.detail)
        self._set_state(ev.PAUSED)
        self._paused_for = "device"
        self.events.error.emit(
            ev.PlayerError(
                "device",
                device_message(exc, position_ms, continuing),
                position_ms,
                can_continue_silently=True,
                detail=exc.detail,
                device_state=exc.state,
            )
        )
        self._checkpoint("error")
        if continuing:
            self._switch_backend(self._silent_backend(self.clock), "the sound device failed")
            self._start()

    def _close_backend(self) -> None:
        try:
            self.backend.close()
        except Exception as exc:  # noqa: BLE001 - the device is already gone
            log.debug("closing failed backend: %s", exc)
        self._backend_open = False

    def _render_failed(self, exc: BaseException) -> None:
        position_ms = self._sent * 1000 // self.rate
        self._set_state(ev.PAUSED)
        self._paused_for = "render"
        self.events.error.emit(
            ev.PlayerError(
                "render",
                render_message(exc, position_ms),
                position_ms,
                detail=f"{exc.__class__.__name__}: {exc}",
            )
        )
        self._checkpoint("error")

    def _switch_backend(self, backend: Backend, reason: str) -> None:
        old = self.backend
        if old is not backend:
            try:
                old.close()
            except Exception as exc:  # noqa: BLE001 - already broken
                log.debug("closing old backend: %s", exc)
        backend.on_progress = self._wake
        self.backend = backend
        self._backend_open = False
        try:
            backend.open(self.rate)
            self._backend_open = True
        except BackendError as exc:
            log.warning("new backend %s failed to open: %s", backend.name, exc)
        self.events.backend_changed.emit(ev.BackendChanged(backend.name, reason))
