# Over 400 lines: one practice's life (player, store calls, drafts, keep-awake) on one shared state.
"""One practice from start to end: opens the session in the player, keeps the
check-ins, reflections and drafts in the history store (on the database thread)
and keeps the computer awake.

The practice itself (its row, checkpoints, listened time, completed or partial)
is recorded by :class:`~mit_desktop.practice.recorder.PracticeRecorder`, exactly
as ``mit-desktop play`` records it; its store calls go through the GUI's
database lane (``ctx.db``), in order with the window's own.

The screens only call this object and listen to its signals; it owns the
:class:`PlayerBridge`, so player events reach the GUI thread as Qt signals.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

from mit_desktop.content.library import find_session
from mit_desktop.history import Practice
from mit_desktop.playback import events as ev
from mit_desktop.practice.answers import (
    AnswerTarget,
    ReflectionAnswer,
    read_draft,
    write_answer,
    write_draft,
)
from mit_desktop.practice.prepare import (
    Preparation,
    PrepareError,
    PrepareJob,
    missing_sentences,
    percent,
)
from mit_desktop.practice.recorder import PracticeRecorder
from mit_desktop.session.model import RatingScale, Session
from mit_desktop.session.speed_switch import same_place
from mit_desktop.session.timeline import HANDS_FREE, INTERACTIVE, ListeningSettings
from mit_desktop.ui.bridge import PlayerBridge
from mit_desktop.ui.context import AppContext
from mit_desktop.ui.inhibit import SleepInhibitor, SleepWatcher
from mit_desktop.ui.practice.speed import PracticeSpeed
from mit_desktop.ui.preparer import prepare_ahead_enabled, preparer_for

log = logging.getLogger(__name__)


@dataclass
class PendingReflection:
    """A hands-free reflection, offered again at the end of the session."""

    key: str
    prompt: str
    inputs: tuple[str, ...] = field(default_factory=tuple)
    scale: RatingScale | None = None


SECTION_READY_S = 30.0  # at most, for the timeline of a prepared session to reach a section
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
    saveFailed = Signal(str)  # a message for the window: the practice could not be saved
    preparing = Signal(int)  # (any thread) percent of the practice prepared before it plays
    _written = Signal()  # (any thread) a practice row was written
    _failed = Signal(str)  # (any thread) a store call of the recorder failed

    def __init__(self, ctx: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session: Session | None = None
        self.resume: Practice | None = None
        self.mode = HANDS_FREE
        self.pending: list[PendingReflection] = []
        self.active = False
        self.opened = False
        self.section_index = 0
        self.section_title = ""
        self._before: tuple[int | None, int | None] | None = None  # for the next practice row
        self._bridge: PlayerBridge | None = None
        self._recorder: PracticeRecorder | None = None
        self._shut = False
        self._written.connect(self.saved, Qt.ConnectionType.QueuedConnection)
        self._failed.connect(self._show_failure, Qt.ConnectionType.QueuedConnection)
        self._inhibitor = SleepInhibitor()
        self._sleep = SleepWatcher()
        self._sleep.aboutToSleep.connect(self.pause_for_sleep)
        self.speed = PracticeSpeed(self)

    # -- bridge and recorder ----------------------------------------------------------

    @property
    def bridge(self) -> PlayerBridge:
        """The player's events as Qt signals (the player is created on first use)."""
        if self._bridge is None:
            self.recorder  # noqa: B018 - listens to the player before the bridge does
            self._bridge = PlayerBridge(self.ctx.player.events, self)
            self._bridge.reflection.connect(self._on_reflection)
            self._bridge.finished.connect(self._on_finished)
            self._bridge.state.connect(self._on_state)
            self._bridge.section.connect(self._on_section)
            self._bridge.position.connect(self._on_position)
        return self._bridge

    @property
    def recorder(self) -> PracticeRecorder:
        """Records what the player plays in the history (as ``mit-desktop play`` does).

        Created before the bridge, so on the feeder thread it hears each event
        first: its store call is queued before the GUI can react to the event.
        """
        if self._recorder is None:
            self._recorder = PracticeRecorder(
                self.ctx.player, self.ctx.store, self.ctx.profile_id, submit=self.ctx.db,
                on_error=self._record_failed, on_started=self._practice_started)
        return self._recorder

    @property
    def practice_id(self) -> int | None:
        """The current (or last) practice's id; None until its row is written."""
        return None if self._recorder is None else self._recorder.practice_id

    def with_practice(self, fn: Callable[[int], Any],
                      on_done: Callable[[Any], None] | None = None, what: str = "saving") -> None:
        """Run ``fn(practice_id)`` on the database thread, after the recorder's writes so
        far: the id is known there even if the row was written a moment ago."""
        recorder = self._recorder
        if recorder is None or self._shut:
            return  # (after shutdown the store may be closed before the job would run)

        def job() -> Any:
            practice_id = recorder.practice_id
            return None if practice_id is None else fn(practice_id)

        self.ctx.db(job, on_done, lambda exc: log.error("%s failed", what, exc_info=exc))

    def _practice_started(self, practice_id: int) -> None:
        """(database thread) The practice's row is written: the "before" check-in follows."""
        before, self._before = self._before, None
        if before is not None and before != (None, None):
            self.ctx.store.record_check_in(practice_id, "before", mood=before[0],
                                           stress=before[1])
        self._written.emit()

    def _record_failed(self, exc: BaseException) -> None:
        """(database thread) A write of the recorder failed; playback goes on."""
        from mit_desktop.history.errors import describe_write_failure

        log.error("the practice could not be saved", exc_info=exc)
        self._failed.emit(describe_write_failure(exc))

    def _show_failure(self, why: str) -> None:
        self.saveFailed.emit(self.tr("This practice could not be saved in the history: {why}")
                             .format(why=why))

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
        rate = prefs.rate if self.speed.rate is None else self.speed.rate  # (this practice's)
        return ListeningSettings(voice=prefs.voice, rate=rate, pacing=prefs.pacing,
                                 ambience=prefs.ambience, voice_clarity=prefs.voice_clarity,
                                 mode=mode, variables=MappingProxyType(variables))

    # -- running ----------------------------------------------------------------------

    def begin(self, mode: str, before: tuple[int | None, int | None] | None = None) -> None:
        """Open the session in the player, then play; the recorder writes the practice
        (and the "before" check-in) once the sound starts. A failed open writes nothing."""
        if self.session is None:
            raise RuntimeError("begin() before the session is ready")
        session = self.session
        self.mode = self.resume.mode if self.resume else mode
        if self.mode not in (HANDS_FREE, INTERACTIVE):
            self.mode = HANDS_FREE
        start_ms = self.resume.position_ms if self.resume else 0
        resume_of = self.resume.id if self.resume else None
        self.pending, self.active = [], True
        self.opened = False  # True once the session is open in the player (after preparing)
        # a continued practice goes on at the speed it was played at: its position is a
        # place at that speed (None: not known, the usual speed)
        self.speed.reset(self.resume.speech_rate if self.resume else None)
        bridge = self.bridge  # the recorder, then the bridge: connected before the player emits
        del bridge
        recorder = self.recorder
        recorder.profile_id = self.ctx.profile_id  # the profile chosen now
        # a continued practice keeps the "before" answers it was started with (the store
        # moves them to the continuing row); they are not asked or written again
        self._before = None if resume_of is not None else before
        player = self.ctx.player
        prefs = self.ctx.prefs
        for stem in ("voice", "bells", "ambience"):
            player.set_volume(stem, getattr(prefs, f"{stem}_volume"))
        settings = self.settings(self.mode)

        prepare_first = prepare_ahead_enabled() and session.path is not None
        if prepare_first:
            preparer_for(self.ctx).cancel()  # this practice first; the rest after it

        def open_player() -> None:
            if prepare_first:
                self._prepare_before_playing(session, settings)
            recorder.open(session, settings, start_ms, resume_of=resume_of)
            lower_render_priority()

        def opened(_: object) -> None:
            if self.active:
                self.opened = True
                player.play()
                self._inhibitor.inhibit("Guided practice playing")
                self.started.emit()

        self.ctx.tasks.run(open_player, opened, self._open_failed)

    def _prepare_before_playing(self, session: Session, settings: ListeningSettings) -> None:
        """(worker thread) Prepare what of the practice is not ready, in the worker process,
        so it plays with its final length and marks from the first second and no speech is
        synthesised in this process; ``preparing`` says how far. If the worker cannot run,
        the player prepares the rest while it plays."""
        job = PrepareJob(str(session.path), settings)
        if missing_sentences(self.ctx.player.engine, job) == 0:
            return
        self.preparing.emit(0)
        run = Preparation([job], prune=False,
                          on_progress=lambda _i, done, total: self.preparing.emit(percent(done, total)))
        try:
            run.run()
        except PrepareError as exc:
            log.warning("preparing before playing: %s", exc)
        self.preparing.emit(100)

    def _open_failed(self, exc: BaseException) -> None:
        log.error("could not start the practice", exc_info=exc)
        self.active = False
        self._before = None
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
            log.info("pausing for suspend at %d ms", self.ctx.player.position_ms)
            self.ctx.player.pause()

    def record_need_to_stop(self, on_done: Callable[[int], None] | None = None) -> None:
        """Keep "I need to stop" as its own safety event: the session, the section and the
        position where it happened (call it before :meth:`stop_now`). ``on_done(event_id)``
        follows on the GUI thread, so the stop page can add whether grounding was used."""
        session = self.session
        if session is None:
            return
        position = self.ctx.player.position_ms if self.ctx.has_player else 0
        section = self.section_title
        timeline = self.ctx.player.timeline if self.ctx.has_player else None
        if timeline is not None:  # the section event may still be on its way to this thread
            section = timeline.section_title_at(position) or section
        profile_id, store = self.ctx.profile_id, self.ctx.store
        recorder = self._recorder

        def write() -> int:
            practice_id = recorder.practice_id if recorder is not None else None
            return store.record_safety_event(
                profile_id, "need_to_stop", practice_id=practice_id, session_id=session.id,
                section=section, position_ms=max(0, position))

        def done(event_id: int) -> None:
            self.saved.emit()
            if on_done is not None:
                on_done(event_id)

        self.ctx.db(write, done, lambda exc: log.error("the stop was not recorded",
                                                          exc_info=exc))

    def record_support_offered(self, detail: dict[str, object], with_practice: bool) -> None:
        """Keep the help offered after a check-in (``detail``: phase and reasons) as a safety
        event, linked to the practice when there is one (the check-in after it)."""
        profile_id, store = self.ctx.profile_id, self.ctx.store
        session_id = self.session.id if self.session is not None else ""
        recorder = self._recorder if with_practice else None

        def write() -> int:
            practice_id = recorder.practice_id if recorder is not None else None
            return store.record_safety_event(profile_id, "support_offered",
                                             practice_id=practice_id, session_id=session_id,
                                             detail=detail)

        self.ctx.db(write, lambda _id: self.saved.emit(),
                      lambda exc: log.error("the offer of help was not recorded", exc_info=exc))

    def stop_now(self) -> None:
        """"I need to stop": silence at once, keep the practice as partial (durable on return)."""
        if self.ctx.has_player and self.ctx.player.session is not None:
            if not self.recorder.stop(timeout_s=2.0):
                log.warning("the stopped practice was not saved in time")
        self._inhibitor.release()
        self._close(completed=False)

    def _close(self, completed: bool) -> None:
        """The practice ended (the recorder has closed it, or queued its closing)."""
        if not self.active:
            return
        self.active = False
        self.speed.reset()  # a speed chosen in the player was for this practice only
        self.ctx.db(lambda: None, lambda _: self.saved.emit())  # after the recorder's write
        self.ended.emit("completed" if completed else "partial")

    # -- player events (GUI thread) ------------------------------------------------------

    def _on_section(self, s: ev.SectionEntered) -> None:
        self.section_index = s.index
        self.section_title = s.title
        if self.active:
            self.speed.section_entered(s.index)

    def switch_mode(self, mode: str) -> None:
        """Hands-free <-> stop at each reflection during a practice: the session is opened
        again in the other mode and goes on from the start of the current section (the
        two modes have different timelines). The history keeps the mode it started in:
        the recorder goes on recording the same practice."""
        if not self.active or mode == self.mode or self.session is None:
            return
        self.mode = mode
        self.reopen_at_section(self.section_index, lambda: self.modeChanged.emit(mode))

    def reopen_at_section(self, section: int, on_done: Callable[[], None]) -> None:
        """Open the session again with :meth:`settings` (mode, this practice's speed) and
        play on from the start of section ``section`` (0-based). The recorder goes on
        recording the same practice."""
        if self.session is None:
            return
        session, settings = self.session, self.settings(self.mode)
        player = self.ctx.player

        def reopen() -> None:
            player.open(session, settings, 0, answered=player.answered_reflections)
            lower_render_priority()
            if section > 0:
                player.wait_rendered(SECTION_READY_S)  # the section's place is known
                player.seek_section(section)
            player.play()

        self.ctx.tasks.run(reopen, lambda _r: on_done(), self._open_failed)

    def reopen_in_place(self, on_done: Callable[[], None]) -> None:
        """Open the session again with :meth:`settings` (this practice's new speed) and go
        on from the same place (``session.speed_switch.same_place``: as far into the same
        gap or pause, or the start of the same sentence). The recorder goes on recording
        the same practice."""
        if self.session is None:
            return
        session, settings = self.session, self.settings(self.mode)
        player = self.ctx.player

        def reopen() -> None:
            old, heard = player.timeline, player.position_sample
            player.open(session, settings, 0, answered=player.answered_reflections)
            lower_render_priority()
            player.wait_rendered(SECTION_READY_S)
            new = player.timeline
            if old is not None and new is not None:
                player.seek_sample(same_place(old, heard, new))
            player.play()

        self.ctx.tasks.run(reopen, lambda _r: on_done(), self._open_failed)

    def note_speech_rate(self, rate: float) -> None:
        """The practice now plays at ``rate``: its row keeps it (continued another day, it
        goes on at that speed)."""
        if self._recorder is not None:
            self._recorder.set_speech_rate(rate)

    def _on_position(self, p: ev.Position) -> None:
        if self.active:
            self.speed.position(p.position_sample, p.state)

    def _on_state(self, state: str) -> None:
        if state in (ev.PAUSED, ev.STOPPED):
            self._inhibitor.release()
        elif state in (ev.PLAYING, ev.BUFFERING) and self.active:
            self._inhibitor.inhibit("Guided practice playing")

    def _on_reflection(self, r: ev.ReflectionReached) -> None:
        if not self.active:
            return
        if not r.waiting and r.inputs:
            key = reflection_key(r.index)
            if all(p.key != key for p in self.pending):
                self.pending.append(PendingReflection(key, r.prompt, tuple(r.inputs), r.scale))
        self.reflectionReached.emit(r)

    def _on_finished(self, _f: ev.Finished) -> None:
        self._inhibitor.release()
        self._close(completed=True)

    # -- answers ---------------------------------------------------------------------------

    def continue_after_reflection(self) -> None:
        if self.ctx.has_player and self.ctx.player.state == ev.REFLECTION:
            self.ctx.player.continue_()

    def target_for(self, key: str) -> AnswerTarget:
        """The reflection ``key`` of the practice playing now, in the current profile.

        Its practice id is resolved on the database thread after the recorder's
        writes so far; every answer and draft for it is written there and nowhere else.
        """
        target = AnswerTarget(self.ctx.profile_id, key)
        recorder = self._recorder

        def resolve() -> None:
            target.practice_id = None if recorder is None else recorder.practice_id

        if not self._shut:
            self.ctx.db(resolve, None, lambda exc: log.error("resolving a reflection failed",
                                                               exc_info=exc))
        return target

    def save_draft(self, target: AnswerTarget, text: str) -> None:
        """Keep the unsaved note of ``target`` (on the database thread)."""
        if self._shut:
            return
        store = self.ctx.store
        self.ctx.db(lambda: write_draft(store, target, text), None,
                      lambda exc: log.error("saving a draft failed", exc_info=exc))

    def read_draft(self, target: AnswerTarget, on_done: Callable[[str], None]) -> None:
        """Read the unsaved note of ``target``; ``on_done(text)`` on the GUI thread."""
        if self._shut:
            return
        store = self.ctx.store
        self.ctx.db(lambda: read_draft(store, target), on_done,
                      lambda exc: log.error("reading a draft failed", exc_info=exc))

    def save_answer(self, target: AnswerTarget, answer: ReflectionAnswer) -> None:
        """Write one reflection (and its body map) as ``target``; its draft is removed."""
        if self._shut:
            return
        store = self.ctx.store
        self.ctx.db(lambda: write_answer(store, target, answer), lambda _: self.saved.emit(),
                      self._answer_failed)

    def _answer_failed(self, exc: BaseException) -> None:
        log.error("saving a reflection failed", exc_info=exc)
        from mit_desktop.history.errors import describe_write_failure

        self.saveFailed.emit(self.tr("What you wrote at this reflection could not be saved: "
                                     "{why}").format(why=describe_write_failure(exc)))

    def record_after(self, mood: int | None, stress: int | None) -> None:
        store = self.ctx.store
        if mood is None and stress is None:
            return
        self.with_practice(
            lambda practice_id: store.record_check_in(practice_id, "after", mood=mood,
                                                      stress=stress),
            lambda _: self.saved.emit(), "saving the check-in")

    def shutdown(self) -> None:
        """At exit: a running practice stays open with its latest position, so Today offers
        to continue it next time (the recorder keeps it open, then the player stops)."""
        self._shut = True
        running = self.active and self.ctx.has_player and self.ctx.player.session is not None
        if self._recorder is not None and not self._recorder.close(keep_open=running):
            log.warning("the practice was not saved in time")
        if running:
            self.ctx.player.stop()
        self.active = False
        self._inhibitor.release()
        if self._bridge is not None:
            self._bridge.detach()
