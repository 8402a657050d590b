"""One practice from start to end: opens the session in the player, writes the
practice, check-ins, reflections and drafts to the history store (on the database
thread), counts the minutes actually heard and keeps the computer awake.

The screens only call this object and listen to its signals; it owns the
:class:`PlayerBridge`, so player events reach the GUI thread as Qt signals.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass, field
from types import MappingProxyType

from PySide6.QtCore import QObject, Signal

from mit_desktop.bodymap import BodyMap, to_bytes
from mit_desktop.history import Practice
from mit_desktop.library import find_session
from mit_desktop.playback import events as ev
from mit_desktop.session.model import Session
from mit_desktop.session.timeline import HANDS_FREE, INTERACTIVE, ListeningSettings
from mit_desktop.ui.bridge import PlayerBridge
from mit_desktop.ui.context import AppContext
from mit_desktop.ui.inhibit import SleepInhibitor, SleepWatcher

log = logging.getLogger(__name__)

MAX_LISTENED_STEP_MS = 1500  # larger jumps between position events are seeks, not listening


@dataclass
class ReflectionAnswer:
    """What the listener gave at one reflection point (any part may be empty)."""

    key: str
    prompt: str
    note: str = ""
    rating: int | None = None
    body_map: BodyMap | None = None


@dataclass
class PendingReflection:
    """A hands-free reflection, offered again at the end of the session."""

    key: str
    prompt: str
    inputs: tuple[str, ...] = field(default_factory=tuple)


RENDER_NICE = 10  # background speech synthesis yields the CPU to the window and the audio


def lower_render_priority() -> None:
    """Lower the CPU priority of the player's render-ahead threads (Linux, per thread).

    On a two-core computer Piper's synthesis (onnxruntime's worker threads, which
    inherit the priority of the thread that loads the model) can otherwise starve the
    event loop for a few hundred ms. The feeder thread that hands sound to the device
    keeps its normal priority. Elsewhere this does nothing.
    """
    if not hasattr(os, "setpriority"):
        return
    for thread in threading.enumerate():
        if thread.name.startswith("render-ahead-") and thread.native_id is not None:
            try:
                os.setpriority(os.PRIO_PROCESS, thread.native_id, RENDER_NICE)
            except OSError as exc:
                log.debug("could not lower the priority of %s: %s", thread.name, exc)


def reflection_key(index: int) -> str:
    return f"reflection-{index + 1}"


class PracticeFlow(QObject):
    """The current practice. Signals are emitted on the GUI thread."""

    sessionReady = Signal(object)  # Session parsed
    sessionFailed = Signal(str)
    started = Signal()  # the player is open and asked to play
    modeChanged = Signal(str)
    reflectionReached = Signal(object)  # events.ReflectionReached
    ended = Signal(str)  # "completed" or "partial"
    saved = Signal()  # something was written to the history

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session: Session | None = None
        self.practice_id: int | None = None
        self.resume: Practice | None = None
        self.mode = HANDS_FREE
        self.listened_ms = 0
        self.position_ms = 0
        self.pending: list[PendingReflection] = []
        self.active = False
        self._last_position: int | None = None
        self.section_index = 0
        self._before: tuple[int | None, int | None] | None = None
        self._bridge: PlayerBridge | None = None
        self._inhibitor = SleepInhibitor()
        self._sleep = SleepWatcher()
        self._sleep.aboutToSleep.connect(self.pause_for_sleep)

    # -- bridge -------------------------------------------------------------------

    @property
    def bridge(self) -> PlayerBridge:
        """The player's events as Qt signals (the player is created on first use)."""
        if self._bridge is None:
            self._bridge = PlayerBridge(self.ctx.player.events, self)
            self._bridge.position.connect(self._on_position)
            self._bridge.reflection.connect(self._on_reflection)
            self._bridge.finished.connect(self._on_finished)
            self._bridge.checkpoint.connect(self._on_checkpoint)
            self._bridge.state.connect(self._on_state)
            self._bridge.section.connect(self._on_section)
        return self._bridge

    # -- preparing ------------------------------------------------------------------

    def prepare(self, session_ref: str, resume: Practice | None = None) -> None:
        """Parse the session in the background; ``sessionReady`` or ``sessionFailed`` follows."""
        self.session, self.resume = None, resume
        self.ctx.tasks.run(lambda: find_session(session_ref), self._ready,
                           lambda exc: self.sessionFailed.emit(str(exc)))

    def _ready(self, session: Session) -> None:
        self.session = session
        self.sessionReady.emit(session)

    def settings(self, mode: str) -> ListeningSettings:
        prefs = self.ctx.prefs
        variables = dict(self.ctx.profile.variables)
        return ListeningSettings(voice=prefs.voice, rate=prefs.rate, pacing=prefs.pacing,
                                 mode=mode, variables=MappingProxyType(variables))

    # -- running ----------------------------------------------------------------------

    def begin(self, mode: str, before: tuple[int | None, int | None] | None = None) -> None:
        """Open the session in the player, write the practice row, then play."""
        if self.session is None:
            raise RuntimeError("begin() before the session is ready")
        session = self.session
        self.mode = self.resume.mode if self.resume else mode
        if self.mode not in (HANDS_FREE, INTERACTIVE):
            self.mode = HANDS_FREE
        start_ms = self.resume.position_ms if self.resume else 0
        self.listened_ms, self.position_ms, self._last_position = 0, start_ms, None
        self.pending, self._before, self.active = [], before, True
        bridge = self.bridge  # connect before the player can emit
        del bridge
        player = self.ctx.player
        prefs = self.ctx.prefs
        for stem in ("voice", "bells", "ambience"):
            player.set_volume(stem, getattr(prefs, f"{stem}_volume"))
        settings = self.settings(self.mode)
        profile_id, resume_of = self.ctx.profile_id, self.resume.id if self.resume else None
        store = self.ctx.store

        def write() -> int:
            practice_id = store.start_practice(profile_id, session.id, session.content_sha256,
                                               self.mode, resume_of=resume_of,
                                               position_ms=start_ms)
            if before is not None and before != (None, None):
                store.record_check_in(practice_id, "before", mood=before[0], stress=before[1])
            return practice_id

        def opened(_: object) -> None:
            if self.active:
                player.play()
                self._inhibitor.inhibit("Guided practice playing")
                self.started.emit()

        def written(practice_id: int) -> None:
            self.practice_id = practice_id
            self.saved.emit()
            def open_player() -> None:
                player.open(session, settings, start_ms)
                lower_render_priority()

            self.ctx.tasks.run(open_player, opened, self._open_failed)

        self.ctx.db(write, written, self._open_failed)

    def _open_failed(self, exc: BaseException) -> None:
        log.error("could not start the practice", exc_info=exc)
        self.active = False
        self.sessionFailed.emit(str(exc))

    def toggle_play(self) -> None:
        player = self.ctx.player
        state = player.state
        if state in (ev.PLAYING, ev.BUFFERING):
            player.pause()
        elif state == ev.REFLECTION:
            player.continue_()
        else:
            player.play()

    def pause_for_sleep(self) -> None:
        """The computer is about to suspend: pause (an exact, saved position) to resume later."""
        if self.active and self.ctx.has_player and self.ctx.player.state in (ev.PLAYING,
                                                                             ev.BUFFERING):
            log.info("pausing for suspend at %d ms", self.position_ms)
            self.ctx.player.pause()

    def stop_now(self) -> None:
        """"I need to stop": silence at once, keep the practice as partial."""
        if self.ctx.has_player:
            self.ctx.player.stop()
        self._inhibitor.release()
        self._close(completed=False)

    def _close(self, completed: bool) -> None:
        if not self.active:
            return
        self.active = False
        practice_id, position, listened = self.practice_id, self.position_ms, self.listened_ms
        store = self.ctx.store
        if practice_id is not None:
            self.ctx.db(lambda: store.finish_practice(practice_id, completed, position, listened),
                        lambda _: self.saved.emit(),
                        lambda exc: log.error("finishing practice failed", exc_info=exc))
        self.ended.emit("completed" if completed else "partial")

    # -- player events (GUI thread) ------------------------------------------------------

    def _on_position(self, p: ev.Position) -> None:
        if not self.active:
            return
        if self._last_position is not None and p.state in (ev.PLAYING, ev.BUFFERING,
                                                             ev.FINISHED, ev.REFLECTION):
            step = p.position_ms - self._last_position
            if 0 < step <= MAX_LISTENED_STEP_MS:
                self.listened_ms += step
        self._last_position = p.position_ms
        self.position_ms = p.position_ms

    def _on_section(self, s: ev.SectionEntered) -> None:
        self.section_index = s.index

    def switch_mode(self, mode: str) -> None:
        """Hands-free <-> stop at each reflection during a practice: the session is opened
        again in the other mode and goes on from the start of the current section (the
        two modes have different timelines). The history keeps the mode it started in."""
        if not self.active or mode == self.mode or self.session is None:
            return
        self.mode = mode
        session, settings, section = self.session, self.settings(mode), self.section_index
        player = self.ctx.player
        self._last_position = None

        def reopen() -> None:
            player.open(session, settings, 0)
            lower_render_priority()
            if section > 0:
                player.seek_section(section)
            player.play()

        self.ctx.tasks.run(reopen, lambda _r: self.modeChanged.emit(mode), self._open_failed)

    def _on_state(self, state: str) -> None:
        if state in (ev.PAUSED, ev.STOPPED):
            self._last_position = None
            self._inhibitor.release()
        elif state in (ev.PLAYING, ev.BUFFERING) and self.active:
            self._inhibitor.inhibit("Guided practice playing")

    def _on_reflection(self, r: ev.ReflectionReached) -> None:
        if not self.active:
            return
        if not r.waiting and r.inputs:
            key = reflection_key(r.index)
            if all(p.key != key for p in self.pending):
                self.pending.append(PendingReflection(key, r.prompt, tuple(r.inputs)))
        self.reflectionReached.emit(r)

    def _on_checkpoint(self, c: ev.Checkpoint) -> None:
        if not self.active or self.practice_id is None or c.reason == "finished":
            return
        practice_id, listened, store = self.practice_id, self.listened_ms, self.ctx.store
        self.ctx.db(lambda: store.checkpoint(practice_id, c.position_ms, listened))

    def _on_finished(self, f: ev.Finished) -> None:
        self.position_ms = max(self.position_ms, f.position_ms)
        self._inhibitor.release()
        self._close(completed=True)

    # -- answers ---------------------------------------------------------------------------

    def continue_after_reflection(self) -> None:
        if self.ctx.has_player and self.ctx.player.state == ev.REFLECTION:
            self.ctx.player.continue_()

    def save_draft(self, key: str, text: str) -> None:
        practice_id, store = self.practice_id, self.ctx.store
        if practice_id is None:
            return
        self.ctx.db(lambda: store.save_draft(practice_id, key, text), None,
                    lambda exc: log.error("saving a draft failed", exc_info=exc))

    def save_answer(self, answer: ReflectionAnswer) -> None:
        """Write one reflection (and its body map) to the history."""
        practice_id, profile_id, store = self.practice_id, self.ctx.profile_id, self.ctx.store
        if practice_id is None:
            return
        body = answer.body_map
        blob = to_bytes(body) if body is not None and body.strokes else None

        def write() -> int:
            map_id = None
            if blob is not None and body is not None:
                map_id = store.add_body_map(profile_id, blob, emotion=body.emotion or None,
                                            intensity=body.intensity, practice_id=practice_id)
            return store.save_reflection(practice_id, answer.key, prompt=answer.prompt,
                                         note=answer.note, rating=answer.rating,
                                         body_map_id=map_id)

        self.ctx.db(write, lambda _: self.saved.emit(),
                    lambda exc: log.error("saving a reflection failed", exc_info=exc))

    def record_after(self, mood: int | None, stress: int | None) -> None:
        practice_id, store = self.practice_id, self.ctx.store
        if practice_id is None or (mood is None and stress is None):
            return
        self.ctx.db(lambda: store.record_check_in(practice_id, "after", mood=mood, stress=stress),
                    lambda _: self.saved.emit(),
                    lambda exc: log.error("saving the check-in failed", exc_info=exc))

    def shutdown(self) -> None:
        """At exit: a running practice stays open with its latest position, so Today offers
        to continue it next time."""
        if self.active and self.ctx.has_player:
            player = self.ctx.player
            player.stop()
            position = max(self.position_ms, player.position_ms)
            practice_id, listened, store = self.practice_id, self.listened_ms, self.ctx.store
            if practice_id is not None:
                self.ctx.db(lambda: store.checkpoint(practice_id, position, listened))
            self.active = False
        self._inhibitor.release()
        if self._bridge is not None:
            self._bridge.detach()
