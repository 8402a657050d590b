"""The practice's way through the window's pages: first-run notice, check-in before,
player, reflections (interactive, or offered again at the end when hands-free),
check-in after, and "I need to stop" from the player or a reflection.

:class:`PracticePages` is owned by :class:`~mit_desktop.ui.main_window.MainWindow`
(``window.pages``): the window owns the pages, the context (``ctx``) and the practice flow
(``flow``); this object holds what one practice's way through them needs to remember.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mit_desktop.history import Practice
    from mit_desktop.playback.events import ReflectionReached
    from mit_desktop.practice.answers import AnswerTarget, ReflectionAnswer
    from mit_desktop.session.model import RatingScale, Session
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.practice.flow import PendingReflection
    from mit_desktop.ui.safety import FirstRunDialog

log = logging.getLogger(__name__)

#: a check-in's answers: (mood, stress), each None when skipped
CheckIn = tuple[int | None, int | None]


class PracticePages:
    """Moves between the pages of one practice in ``window`` (see module docstring)."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        #: the first-run notice while it is open
        self.first_run: FirstRunDialog | None = None
        self._pending_start: tuple[str, Practice | None] | None = None
        self._after_queue: list[PendingReflection] = []
        #: (mode, check-in) of a practice not begun while the support page is shown
        self._support_pending: tuple[str, CheckIn] | None = None
        self._support_checkin: CheckIn = (None, None)
        #: BAM chosen on the support page begins at once, with this (mode, check-in)
        self._auto_begin: tuple[str, CheckIn] | None = None
        self._mood_before: int | None = None
        #: the "I need to stop" event shown on the stop page
        self._stop_event: int | None = None

    def connect(self) -> None:
        """Connect the pages' and the flow's signals to the steps below (once, when the
        window has built its screens)."""
        w = self.window
        w.today.startRequested.connect(self.start_practice)
        w.library.startRequested.connect(self.start_practice)
        w.checkin.submitted.connect(self._checked_in)
        w.checkin.back.connect(self.cancel_start)
        w.flow.sessionReady.connect(self._session_ready)
        w.flow.sessionFailed.connect(self._session_failed)
        w.flow.reflectionReached.connect(self._reflection_reached)
        w.flow.ended.connect(self._practice_ended)
        w.player.stopRequested.connect(self.need_to_stop)
        w.player.cancelRequested.connect(self._cancel_preparing)
        w.reflection.answered.connect(self._answered)
        w.reflection.stopRequested.connect(self.need_to_stop)
        w.stop_screen.groundingAnswered.connect(self._grounding_answered)
        w.support.bamRequested.connect(self._support_bam)
        w.support.goOn.connect(self._support_go_on)
        w.support.done.connect(self._support_done)

    def _to_today(self) -> None:
        """Leave the practice's pages for Today."""
        self.window.show_today_after_practice()

    def start_practice(self, ref: str, resume: Practice | None = None) -> None:
        """Start a practice: first-run notice if needed, then the check-in screen."""
        from mit_desktop.ui.safety import FirstRunDialog
        from mit_desktop.ui.screens.today import quiet_session_path

        if not self.window.ready or self.window.in_practice():
            return
        if resume is not None and resume.session_id.startswith("quiet-"):
            ref = str(quiet_session_path())
        if self.window.ctx.profile.notice_accepted_ms is None:
            self._pending_start = (ref, resume)
            self.first_run = FirstRunDialog(self.window, self.window.ctx.profile.region)
            self.first_run.accepted.connect(self._notice_accepted)
            self.first_run.open()
            return
        self._begin_checkin(ref, resume)

    def _notice_accepted(self) -> None:
        store, pid = self.window.ctx.store, self.window.ctx.profile_id
        pending = self._pending_start
        self._pending_start = None
        region = ""
        if self.first_run is not None:
            region = self.first_run.region()
            self.first_run.deleteLater()
            self.first_run = None
        self.window.activateWindow()

        def accept() -> None:
            with store.transaction():
                if region:
                    store.set_region(pid, region)
                store.accept_notice(pid)

        ctx = self.window.ctx
        ctx.db(accept, lambda _r: ctx.reload_profile(
            lambda: self._begin_checkin(*pending) if pending else None))

    def _begin_checkin(self, ref: str, resume: Practice | None) -> None:
        w = self.window
        w.checkin.show_phase("before", w.tr("Getting ready…"), "", w.ctx.prefs.mode,
                             can_choose_mode=resume is None, resuming=resume is not None)
        w.checkin.go_button.setEnabled(False)
        self.window.show_page("checkin")
        self.window.flow.prepare(ref, resume)

    def _session_ready(self, session: Session) -> None:
        checkin = self.window.checkin
        checkin.show_session(session.title, session.safety)
        checkin.go_button.setEnabled(True)
        checkin.go_button.setFocus()
        self._offer_training(session)
        auto, self._auto_begin = self._auto_begin, None
        if auto is not None:  # BAM chosen on the support page: no second check-in
            mode, (mood, stress) = auto
            self._checked_in("before", mood, stress, mode, offer_support=False)

    def _offer_training(self, session: Session) -> None:
        """Before the first practice of a module, "What this practice trains"."""
        from mit_desktop.content.module_training import (
            first_time_for_module,
            load_module_training,
            module_session_ids,
        )
        from mit_desktop.content.program import load_program

        try:
            training = load_module_training().get(session.module or "")
            entries = load_program().entries
        except ValueError as error:  # ProgramDataError: logged; the practice goes on
            log.error("%s", error)
            return
        if training is None:
            return
        ids = module_session_ids(training.id, entries, session.id)
        store, pid = self.window.ctx.store, self.window.ctx.profile_id
        checkin = self.window.checkin

        def shown(first: bool) -> None:
            if first and checkin.phase == "before":
                checkin.show_training(training.trains)

        self.window.ctx.db(lambda: first_time_for_module(store, pid, ids), shown,
                           lambda exc: log.error("could not read the history", exc_info=exc))

    def _session_failed(self, message: str) -> None:
        w = self.window
        w.show_message(w.tr("The practice could not be started: {why}").format(why=message))
        self._to_today()

    def cancel_start(self) -> None:
        """Back from the check-in before: no practice, back to Today."""
        self._to_today()

    def _checked_in(self, phase: str, mood: int | None, stress: int | None, mode: str,
                    offer_support: bool = True) -> None:
        """A check-in was given (or skipped). One that asks for care leads to the support
        page first (``mit_desktop.practice.checkin_support``: very low mood or very high stress
        before, very low mood or a marked drop after); the offer is kept in the history."""
        from mit_desktop.practice.checkin_support import support_offer

        if phase == "before":
            self._mood_before = mood
            offer = support_offer("before", mood, stress) if offer_support else None
            if offer is not None:
                self._support_pending = (mode, (mood, stress))
                self.window.flow.record_support_offered(offer.as_detail(), with_practice=False)
                self.window.support.show_offer(offer, self.window.ctx.profile.region)
                self.window.show_page("support")
                return
            self.window.show_page("player")
            self.window.flow.begin(mode, (mood, stress))
            self.window.player.attach()  # player events are queued: none is missed
        else:
            self.window.flow.record_after(mood, stress)
            offer = support_offer("after", mood, stress,
                                  self._mood_before)
            if offer is not None:
                self._support_pending = None
                self._support_checkin = (mood, stress)
                self.window.flow.record_support_offered(offer.as_detail(), with_practice=True)
                self.window.support.show_offer(offer, self.window.ctx.profile.region)
                self.window.show_page("support")
                return
            self._to_today()

    def _support_go_on(self) -> None:
        """The listener chose to start the practice after all."""
        pending, self._support_pending = self._support_pending, None
        if pending is None or self.window.flow.session is None:
            self._support_done()
            return
        mode, (mood, stress) = pending
        self._checked_in("before", mood, stress, mode, offer_support=False)

    def _support_bam(self) -> None:
        """BAM instead (or after): it starts at once, with the check-in just given."""
        pending, self._support_pending = self._support_pending, None
        if pending is not None:
            mode, before = pending
        else:
            mode, before = self.window.ctx.prefs.mode, self._support_checkin
        self._auto_begin = (mode, before)
        self._to_today()
        self.start_practice("bam")

    def _support_done(self) -> None:
        self._support_pending = None
        self._to_today()

    def _grounding_answered(self, used: bool) -> None:
        """Whether the grounding steps were used after "I need to stop", on its event."""
        event_id = self._stop_event
        if event_id is None:
            return
        ctx = self.window.ctx
        store = ctx.store
        ctx.db(lambda: store.set_grounding_used(event_id, used),
               lambda _r: ctx.historyChanged.emit())

    def _cancel_preparing(self) -> None:
        """Cancel before the sound started: stop rendering, back to Today (kept as partial)."""
        self.window.flow.stop_now()
        self._to_today()

    def need_to_stop(self) -> None:
        """Stop the sound at once; grounding and crisis help; the practice stays partial."""
        w = self.window
        if not w.flow.active and w.current_page() not in (w.player, w.reflection):
            return
        self._after_queue = []
        self.leave_reflection(save=True)
        self._stop_event = None

        def recorded(event_id: int) -> None:
            self._stop_event = event_id

        w.flow.record_need_to_stop(recorded)
        w.flow.stop_now()
        w.stop_screen.show_for_region(w.ctx.profile.region)
        w.show_page("stop")
        from mit_desktop.ui.access import announce

        stop = w.stop_screen  # a reader hears where help is at once, the number included
        announce(stop, f"{stop.title.text()}. {stop.crisis_label.text()}", assertive=True)

    def _reflection_reached(self, r: ReflectionReached) -> None:
        from mit_desktop.ui.practice.flow import reflection_key

        if not r.waiting:
            return
        self._show_reflection(reflection_key(r.index), r.prompt, tuple(r.inputs), scale=r.scale)

    def _show_reflection(self, key: str, prompt: str, inputs: tuple[str, ...], step: str = "",
                         continue_text: str | None = None,
                         scale: RatingScale | None = None) -> None:
        """Show one reflection of the current practice, bound to it, with its kept draft
        (``scale``: what its rating measures)."""
        w = self.window
        target = w.flow.target_for(key)
        w.reflection.show_reflection(target, prompt, inputs, step, continue_text, scale)
        w.show_page("reflection")
        if "note" in inputs:
            w.flow.read_draft(target, lambda text: w.reflection.restore_draft(target, text))

    def _answered(self, target: AnswerTarget, answer: ReflectionAnswer) -> None:
        self.window.flow.save_answer(target, answer)
        if self._after_queue:
            self._next_after()
            return
        if self.window.flow.active:
            self.window.show_page("player")
            self.window.flow.continue_after_reflection()
            self.window.player.play_button.setFocus()
        else:
            self._after_checkin()

    def _practice_ended(self, how: str) -> None:
        if how != "completed":
            return
        self._after_queue = list(self.window.flow.pending)
        if self._after_queue:
            self._next_after()
        else:
            self._after_checkin()

    def _next_after(self) -> None:
        total = len(self.window.flow.pending)
        item = self._after_queue.pop(0)
        step = self.window.tr("Looking back – reflection {i} of {n}").format(
            i=total - len(self._after_queue), n=total)
        self._show_reflection(item.key, item.prompt, tuple(item.inputs), step,
                              continue_text=self.window.tr("Save and go on"), scale=item.scale)

    def leave_reflection(self, save: bool) -> None:
        """Leave the reflection page's reflection (if any): with ``save``, what was
        entered there is saved as its answer (nothing entered: nothing saved), else it is
        kept as a draft; either way under its own practice and profile."""
        page = self.window.reflection
        target = page.target
        if save and target is not None and page.has_input():
            page.flush_draft()
            answer = page.answer()
            page.target = None
            self.window.flow.save_answer(target, answer)
        page.leave()

    def _after_checkin(self) -> None:
        self.leave_reflection(save=False)
        w = self.window
        w.checkin.show_phase("after", w.flow.session.title if w.flow.session else "")
        w.show_page("checkin")
