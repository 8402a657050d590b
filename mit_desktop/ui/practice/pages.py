"""The practice's way through the window's pages: first-run notice, check-in before,
player, reflections (interactive, or offered again at the end when hands-free),
check-in after, and "I need to stop" from the player or a reflection.

A mixin of :class:`~mit_desktop.ui.main_window.MainWindow`, which owns the pages,
the context (``ctx``) and the practice flow (``flow``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mit_desktop.history import Practice
    from mit_desktop.playback.events import ReflectionReached
    from mit_desktop.session.model import Session

log = logging.getLogger(__name__)


class PracticePages:
    """Moves between the pages of one practice (mixed into the main window)."""

    # provided by MainWindow
    ctx: Any
    flow: Any
    checkin: Any
    player: Any
    reflection: Any
    stop_screen: Any
    today: Any
    stack: Any
    _holders: Any
    _first_run: Any
    _pending_start: Any
    _after_queue: list[Any]
    _support_pending: Any
    _support_checkin: Any
    _auto_begin: Any
    _mood_before: Any
    _stop_event: int | None
    support: Any
    ready: bool


    def start_practice(self, ref: str, resume: Practice | None = None) -> None:
        """Start a practice: first-run notice if needed, then the check-in screen."""
        from mit_desktop.ui.safety import FirstRunDialog
        from mit_desktop.ui.screens.today import quiet_session_path

        if not self.ready or self._in_practice():
            return
        if resume is not None and resume.session_id.startswith("quiet-"):
            ref = str(quiet_session_path())
        if self.ctx.profile.notice_accepted_ms is None:
            self._pending_start = (ref, resume)
            self._first_run = FirstRunDialog(self, self.ctx.profile.region)
            self._first_run.accepted.connect(self._notice_accepted)
            self._first_run.open()
            return
        self._begin_checkin(ref, resume)

    def _notice_accepted(self) -> None:
        store, pid = self.ctx.store, self.ctx.profile_id
        pending = self._pending_start
        self._pending_start = None
        region = ""
        if self._first_run is not None:
            region = self._first_run.region()
            self._first_run.deleteLater()
            self._first_run = None
        self.activateWindow()

        def accept() -> None:
            with store.transaction():
                if region:
                    store.set_region(pid, region)
                store.accept_notice(pid)

        self.ctx.db(accept,
                    lambda _r: self.ctx.reload_profile(
                        lambda: self._begin_checkin(*pending) if pending else None))

    def _begin_checkin(self, ref: str, resume: Practice | None) -> None:
        self.checkin.show_phase("before", self.tr("Getting ready…"), "", self.ctx.prefs.mode,
                                can_choose_mode=resume is None, resuming=resume is not None)
        self.checkin.go_button.setEnabled(False)
        self.show_page("checkin")
        self.flow.prepare(ref, resume)

    def _session_ready(self, session: Session) -> None:
        self.checkin.session_label.setText(session.title)
        self.checkin.session_label.show()
        if session.safety:
            self.checkin.safety_label.setText(session.safety)
            self.checkin.safety_label.show()
        self.checkin.go_button.setEnabled(True)
        self.checkin.go_button.setFocus()
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
        store, pid = self.ctx.store, self.ctx.profile_id
        checkin = self.checkin

        def shown(first: bool) -> None:
            if first and checkin.phase == "before":
                checkin.show_training(training.trains)

        self.ctx.db(lambda: first_time_for_module(store, pid, ids), shown,
                    lambda exc: log.error("could not read the history", exc_info=exc))

    def _session_failed(self, message: str) -> None:
        self.show_message(self.tr("The practice could not be started: {why}").format(why=message))
        self.stack.setCurrentWidget(self._holders[self.today])
        self.show_page("today")

    def _cancel_start(self) -> None:
        self.stack.setCurrentWidget(self._holders[self.today])
        self.show_page("today")

    def _checked_in(self, phase: str, mood: object, stress: object, mode: str,
                    offer_support: bool = True) -> None:
        """A check-in was given (or skipped). One that asks for care leads to the support
        page first (``mit_desktop.practice.checkin_support``: very low mood or very high stress
        before, very low mood or a marked drop after); the offer is kept in the history."""
        from mit_desktop.practice.checkin_support import support_offer

        if phase == "before":
            self._mood_before = mood
            offer = support_offer("before", mood, stress) if offer_support else None  # type: ignore[arg-type]
            if offer is not None:
                self._support_pending = (mode, (mood, stress))
                self.flow.record_support_offered(offer.as_detail(), with_practice=False)
                self.support.show_offer(offer, self.ctx.profile.region)
                self.show_page("support")
                return
            self.show_page("player")
            self.flow.begin(mode, (mood, stress))  # type: ignore[arg-type]
            self.player.attach()  # player events are queued: none is missed
        else:
            self.flow.record_after(mood, stress)  # type: ignore[arg-type]
            offer = support_offer("after", mood, stress,  # type: ignore[arg-type]
                                  self._mood_before)
            if offer is not None:
                self._support_pending = None
                self._support_checkin = (mood, stress)
                self.flow.record_support_offered(offer.as_detail(), with_practice=True)
                self.support.show_offer(offer, self.ctx.profile.region)
                self.show_page("support")
                return
            self.stack.setCurrentWidget(self._holders[self.today])
            self.show_page("today")

    def _support_go_on(self) -> None:
        """The listener chose to start the practice after all."""
        pending, self._support_pending = self._support_pending, None
        if pending is None or self.flow.session is None:
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
            mode, before = self.ctx.prefs.mode, self._support_checkin
        self._auto_begin = (mode, before)
        self.stack.setCurrentWidget(self._holders[self.today])
        self.show_page("today")
        self.start_practice("bam")

    def _support_done(self) -> None:
        self._support_pending = None
        self.stack.setCurrentWidget(self._holders[self.today])
        self.show_page("today")

    def _grounding_answered(self, used: bool) -> None:
        """Whether the grounding steps were used after "I need to stop", on its event."""
        event_id = self._stop_event
        if event_id is None:
            return
        store = self.ctx.store
        self.ctx.db(lambda: store.set_grounding_used(event_id, used),
                    lambda _r: self.ctx.historyChanged.emit())

    def _cancel_preparing(self) -> None:
        """Cancel before the sound started: stop rendering, back to Today (kept as partial)."""
        self.flow.stop_now()
        self.stack.setCurrentWidget(self._holders[self.today])
        self.show_page("today")

    def need_to_stop(self) -> None:
        """Stop the sound at once; grounding and crisis help; the practice stays partial."""
        if not self.flow.active and self.current_page() not in (self.player, self.reflection):
            return
        self._after_queue = []
        self.leave_reflection(save=True)
        self._stop_event = None
        self.flow.record_need_to_stop(lambda event_id: setattr(self, "_stop_event", event_id))
        self.flow.stop_now()
        self.stop_screen.show_for_region(self.ctx.profile.region)
        self.show_page("stop")
        from mit_desktop.ui.access import announce

        stop = self.stop_screen  # a reader hears where help is at once, the number included
        announce(stop, f"{stop.title.text()}. {stop.crisis_label.text()}", assertive=True)

    def _reflection_reached(self, r: ReflectionReached) -> None:
        from mit_desktop.ui.practice.flow import reflection_key

        if not r.waiting:
            return
        self._show_reflection(reflection_key(r.index), r.prompt, tuple(r.inputs), scale=r.scale)

    def _show_reflection(self, key: str, prompt: str, inputs: tuple[str, ...], step: str = "",
                         continue_text: str | None = None, scale: Any = None) -> None:
        """Show one reflection of the current practice, bound to it, with its kept draft
        (``scale``: what its rating measures)."""
        target = self.flow.target_for(key)
        self.reflection.show_reflection(target, prompt, inputs, step, continue_text, scale)
        self.show_page("reflection")
        if "note" in inputs:
            self.flow.read_draft(target, lambda text: self.reflection.restore_draft(target, text))

    def _answered(self, target: Any, answer: Any) -> None:
        self.flow.save_answer(target, answer)
        if self._after_queue:
            self._next_after()
            return
        if self.flow.active:
            self.show_page("player")
            self.flow.continue_after_reflection()
            self.player.play_button.setFocus()
        else:
            self._after_checkin()

    def _practice_ended(self, how: str) -> None:
        if how != "completed":
            return
        self._after_queue = list(self.flow.pending)
        if self._after_queue:
            self._next_after()
        else:
            self._after_checkin()

    def _next_after(self) -> None:
        total = len(self.flow.pending)
        item = self._after_queue.pop(0)
        step = self.tr("Looking back – reflection {i} of {n}").format(
            i=total - len(self._after_queue), n=total)
        self._show_reflection(item.key, item.prompt, tuple(item.inputs), step,
                              continue_text=self.tr("Save and go on"), scale=item.scale)

    def leave_reflection(self, save: bool) -> None:
        """Leave the reflection page's reflection (if any): with ``save``, what was
        entered there is saved as its answer (nothing entered: nothing saved), else it is
        kept as a draft; either way under its own practice and profile."""
        page = self.reflection
        target = page.target
        if save and target is not None and page.has_input():
            page.flush_draft()
            answer = page.answer()
            page.target = None
            self.flow.save_answer(target, answer)
        page.leave()

    def _after_checkin(self) -> None:
        self.leave_reflection(save=False)
        self.checkin.show_phase("after", self.flow.session.title if self.flow.session else "")
        self.show_page("checkin")
