# Over 400 lines: one screen's layout and its refresh from the history.
"""The Today screen: the next practice in the program and why, "Continue where you left
off" after an interrupted practice, the BAM quick reset and a quiet practice one click
away, and this week's full practices against the aim, with BAM, quiet practice and shorter
practices named beside it (:mod:`mit_desktop.practice.dose`; no streak pressure).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from mit_desktop import paths
from mit_desktop.content.measures import INSTRUMENT_ORDER
from mit_desktop.content.measures import instrument as find_instrument
from mit_desktop.content.program import ProgramEntry, load_program
from mit_desktop.history import HistoryStore, Practice
from mit_desktop.history.stats import WeekProgress, week_progress
from mit_desktop.practice.dose import Dose, dose_between, program_session_modules
from mit_desktop.practice.measures_due import DueMeasure, due_today
from mit_desktop.practice.program_weeks import Offer, today_offer
from mit_desktop.ui.context import AppContext
from mit_desktop.ui.history.text import long_date
from mit_desktop.ui.preparer import QUICK_RESET_ID, preparer_for
from mit_desktop.ui.theme import set_role
from mit_desktop.ui.widgets import FlowRow, button, clock, label, named, scroll_page

log = logging.getLogger(__name__)

QUIET_MINUTES = 10
BAM_ID = "bam"


def quiet_session_path(minutes: int = QUIET_MINUTES) -> Path:
    """A generated "quiet practice" script: a bell, silence with soft ambience, three bells."""
    folder = paths.private_dir(paths.cache_dir() / "quiet")
    path = folder / f"quiet-{minutes}.session.md"
    text = (
        "+++\n"
        f'id = "quiet-{minutes}"\n'
        f'title = "Quiet practice ({minutes} minutes)"\n'
        'module = "quiet"\n'
        'summary = "A bell, quiet time with a soft stream, and three bells to end."\n'
        f"minutes = {minutes}\n"
        "+++\n\n# Quiet\n\n[ambience stream 10%]\n[bell]\n"
        "Rest with your breath, in your own way. Three bells will mark the end.\n"
        f"[pause {minutes}m]\n[bell 3]\n[ambience off]\n"
    )
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


@dataclass(frozen=True)
class TodayData:
    """What the Today screen shows, gathered on the database thread."""

    next_entry: ProgramEntry | None
    reason: str
    interrupted: Practice | None
    interrupted_title: str
    week: WeekProgress
    dose: Dose
    offer: Offer
    """Why ``next_entry`` (the program week, an assignment, no start date …)."""
    weeks: int
    """The program's length in weeks."""
    due: tuple[DueMeasure, ...] = ()
    """Questionnaires the schedule offers today (:mod:`mit_desktop.practice.measures_due`)."""


def next_in_program(entries: list[ProgramEntry], completed: list[str]) -> tuple[ProgramEntry | None, str]:
    """The next practice: the first in program order not yet completed, else the one
    after the most recently completed. Returns the entry and a reason code."""
    course = [e for e in entries if e.week is not None]
    if not course:
        return None, "none"
    done = set(completed)
    for entry in course:
        if entry.id not in done:
            return entry, "first" if not done else "new"
    last = completed[0]
    ids = [e.id for e in course]
    following = course[(ids.index(last) + 1) % len(course)] if last in ids else course[0]
    return following, "again"


def gather(store: HistoryStore, profile_id: int) -> TodayData:
    """Read everything Today needs (runs on the database thread)."""
    program = load_program()
    entries = list(program.entries)
    titles = {e.id: e.title for e in entries}
    settings = store.settings(profile_id)
    practices = store.list_practices(profile_id, limit=500)
    completed = [p.session_id for p in practices if p.completed]
    interrupted = store.interrupted_practices(profile_id)
    first = interrupted[0] if interrupted else None
    now = dt.datetime.now().astimezone()
    week = week_progress(store, profile_id, now, settings)
    offer = today_offer(store, profile_id, program, week.today, settings)
    if offer.kind == "no-plan":
        entry, reason = next_in_program(entries, completed)
    else:
        entry, reason = offer.entry, offer.kind
    # the dose of the program week while following the program, else the calendar week
    first_day, last_day = ((offer.first_day, offer.last_day)
                           if offer.first_day is not None and offer.last_day is not None
                           else (week.week_start, week.week_start + dt.timedelta(days=6)))
    dose = dose_between(store, profile_id, first_day, last_day,
                        program_session_modules(program), settings)
    # a client's practice imported from bundles is the therapist's read-only copy: the
    # client answers questionnaires on their own computer, never here
    from mit_desktop.history.bundle import imported_sources

    due = () if imported_sources(store, profile_id) else tuple(
        due_today(store, profile_id, INSTRUMENT_ORDER, program.weeks, week.today))
    return TodayData(entry, reason, first,
                     titles.get(first.session_id, first.session_id) if first else "", week,
                     dose, offer, program.weeks, due)


def dose_words(dose: Dose, tr: Callable[[str], str] = lambda text: text) -> tuple[str, str]:
    """(the week against its aim, what else was practiced) in plain words.

    Only full practices (a program practice heard for at least 15 minutes) count towards
    the aim; BAM, quiet practice and shorter parts are named beside it, never added to it."""
    if not dose.anything:
        main = tr("No practice yet this week. Whenever you are ready – even a few minutes "
                  "helps.")
    elif dose.met_target:
        main = (tr("1 full practice this week: that is this week's aim. Well done.")
                if dose.full == 1 else
                tr("{f} full practices this week: that is this week's aim. Well done.").format(
                    f=dose.full))
    elif dose.full == 1:
        main = tr("1 of about {t} full practices this week.").format(t=dose.target)
    else:
        main = tr("{f} of about {t} full practices this week.").format(f=dose.full,
                                                                       t=dose.target)
    others = []
    for count, one, many in (
            (dose.partial, tr("1 shorter practice (under 15 minutes)"),
             tr("{n} shorter practices (under 15 minutes)")),
            (dose.bam, tr("1 quick reset (BAM)"), tr("{n} quick resets (BAM)")),
            (dose.quiet, tr("1 quiet practice"), tr("{n} quiet practices")),
            (dose.other, tr("1 practice of your own"), tr("{n} practices of your own"))):
        if count:
            others.append(one if count == 1 else many.format(n=count))
    also = ""
    if others:
        also = tr("Also this week: {list}. They help too; the aim counts full practices.").format(
            list=", ".join(others))
    return main, also


class TodayScreen(QWidget):
    """``startRequested(session_ref, resume_practice_or_None)``."""

    startRequested = Signal(str, object)
    libraryRequested = Signal()
    questionnaireRequested = Signal(str, str)  # instrument id, occasion

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: TodayData | None = None
        self._not_today: dt.date | None = None  # "Not today" on the questionnaire card
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll, inner, layout = scroll_page(self, self.tr("Today page"), margins=(24, 16, 24, 16),
                                            spacing=14)
        self.greeting = label(self.tr("Today"), "heading", inner)
        layout.addWidget(self.greeting)

        self.resume_card = self._card(inner)
        rl = QVBoxLayout(self.resume_card)
        self.resume_label = label("", "title", self.resume_card)
        self.resume_button = button(self.tr("Continue where you left off"),
                                    self.tr("Continue where you left off"),
                                    self.tr("Go on with the interrupted practice from where it "
                                            "stopped."), "primary",
                                    self.resume_card)
        self.resume_button.clicked.connect(self._resume)
        rl.addWidget(self.resume_label)
        rl.addWidget(self.resume_button)
        layout.addWidget(self.resume_card)

        self.next_card = self._card(inner)
        nl = QVBoxLayout(self.next_card)
        nl.addWidget(label(self.tr("Your next practice"), "muted", self.next_card))
        self.next_title = label("", "heading", self.next_card)
        self.next_reason = label("", None, self.next_card)
        self.next_summary = label("", "muted", self.next_card)
        self.start_button = button(self.tr("Start"), self.tr("Start the next practice"), "",
                                   "big", self.next_card)
        self.start_button.clicked.connect(self._start_next)
        self.prepare_label = label("", "muted", self.next_card)
        named(self.prepare_label, self.tr("Preparing the practice"))
        self.prepare_label.hide()
        for w in (self.next_title, self.next_reason, self.next_summary, self.start_button,
                  self.prepare_label):
            nl.addWidget(w)
        self._preparer = preparer_for(ctx)
        self._preparer.progress.connect(self._show_preparing)
        self._preparer.ready.connect(self._show_preparing)
        self.plan_text = label(self.tr("To follow the program week by week, as a group does, "
                                       "choose the day it starts. Each week then offers that "
                                       "week's practice."), "muted", self.next_card)
        self.plan_button = button(self.tr("Start the program today"),
                                  self.tr("Start the program today"),
                                  self.tr("Today becomes the first day of week 1. You can change "
                                          "the date in Settings, under Program."), None,
                                  self.next_card)
        self.plan_button.clicked.connect(self._start_program_today)
        nl.addWidget(self.plan_text)
        nl.addWidget(self.plan_button)
        layout.addWidget(self.next_card)

        quick = FlowRow(inner)
        self.bam_button = button(self.tr("Quick reset (3 minutes)"),
                                 self.tr("Quick reset, about 3 minutes"),
                                 self.tr("Breathing, Awareness, Motivation: a short reset for a "
                                         "stressful moment."), None, inner)
        self.bam_button.clicked.connect(lambda: self.startRequested.emit(BAM_ID, None))
        self.quiet_button = button(self.tr("Quiet practice ({n} minutes)").format(
            n=QUIET_MINUTES), self.tr("Quiet practice, {n} minutes").format(n=QUIET_MINUTES),
            self.tr("A bell, quiet time with a soft stream, and three bells to end."), None,
            inner)
        self.quiet_button.clicked.connect(
            lambda: self.startRequested.emit(str(quiet_session_path()), None))
        self.library_button = button(self.tr("All practices…"), self.tr("All practices"),
                                     self.tr("Open the library of practices."), None, inner)
        self.library_button.clicked.connect(self.libraryRequested.emit)
        for b in (self.bam_button, self.quiet_button, self.library_button):
            quick.add(b)
        layout.addWidget(quick)

        self.measure_card = self._card(inner)
        ml = QVBoxLayout(self.measure_card)
        ml.addWidget(label(self.tr("A short questionnaire"), "title", self.measure_card))
        self.measure_text = label("", None, self.measure_card)
        ml.addWidget(self.measure_text)
        measure_row = FlowRow(self.measure_card)
        self.measure_button = button(self.tr("Answer now"), self.tr("Answer the questionnaire "
                                     "now"), "", None, self.measure_card)
        self.measure_later = button(self.tr("Not today"), self.tr("Not today"),
                                    self.tr("Hides the questionnaire until tomorrow."), None,
                                    self.measure_card)
        self.measure_button.clicked.connect(self._answer_measure)
        self.measure_later.clicked.connect(self._measure_not_today)
        measure_row.add(self.measure_button)
        measure_row.add(self.measure_later)
        ml.addWidget(measure_row)
        layout.addWidget(self.measure_card)
        self.measure_card.hide()

        self.week_card = self._card(inner)
        wl = QVBoxLayout(self.week_card)
        wl.addWidget(label(self.tr("This week"), "title", self.week_card))
        self.week_dots = label("", "big", self.week_card)
        named(self.week_dots, self.tr("Practice days this week"))
        self.week_text = label("", None, self.week_card)
        self.week_also = label("", None, self.week_card)
        self.week_rule = label(self.tr("A full practice is one of the program's practices, "
                                       "listened to for at least 15 minutes."), "muted",
                               self.week_card)
        wl.addWidget(self.week_dots)
        wl.addWidget(self.week_text)
        wl.addWidget(self.week_also)
        wl.addWidget(self.week_rule)
        layout.addWidget(self.week_card)
        self.notice = label(self.tr("MIT Desktop supports, and does not replace, care from a "
                                    "clinician."), "muted", inner)
        layout.addWidget(self.notice)
        layout.addStretch(1)
        outer.addWidget(scroll)
        self.resume_card.hide()

    @staticmethod
    def _card(parent: QWidget) -> QFrame:
        frame = QFrame(parent)
        set_role(frame, "card")
        return frame

    def refresh(self) -> None:
        """Reload from the history (on the database thread)."""
        store, profile_id = self.ctx.store, self.ctx.profile_id
        self.ctx.db(lambda: gather(store, profile_id), self._show,
                    lambda exc: log.error("Today could not be loaded", exc_info=exc))

    def _show(self, data: TodayData) -> None:
        self.data = data
        name = self.ctx.profile.name
        self.greeting.setText(self.tr("Today – {name}").format(name=name))
        if data.interrupted is not None:
            self.resume_label.setText(self.tr("{title} was interrupted at {t}.").format(
                title=data.interrupted_title, t=clock(data.interrupted.position_ms)))
            self.resume_button.setAccessibleDescription(self.tr(
                "Go on with {title} from {t}.").format(title=data.interrupted_title,
                                                      t=clock(data.interrupted.position_ms)))
            self.resume_card.show()
        else:
            self.resume_card.hide()
        entry = data.next_entry
        self.next_card.setVisible(entry is not None)
        no_plan = data.offer.kind == "no-plan"
        self.plan_text.setVisible(no_plan)
        self.plan_button.setVisible(no_plan)
        if entry is not None:
            self.next_title.setText(entry.title)
            self.next_reason.setText(self._reason(data, entry))
            self.next_summary.setText(entry.summary)
            self.start_button.setAccessibleDescription(
                self.tr("Start {title}.").format(title=entry.title))
            # the next practice and the quick reset, ready before Start (in the background)
            self._preparer.ensure([entry.id, QUICK_RESET_ID])
        self._show_preparing()
        self._show_measure(data)
        w, dose = data.week, data.dose
        done = min(dose.full, 7)
        self.week_dots.setText("●" * done + "○" * max(0, dose.target - done))
        self.week_dots.setAccessibleDescription(
            self.tr("{d} of {t} full practices").format(d=dose.full, t=dose.target))
        text, also = dose_words(dose, self.tr)
        if w.practiced_today:
            text += " " + self.tr("You have practiced today.")
        self.week_text.setText(text)
        self.week_also.setText(also)
        self.week_also.setVisible(bool(also))

    def _show_preparing(self, *_args: object) -> None:
        """"Preparing your first practice… 40 %" while the next practice is made ready
        (a real percentage: sentences prepared); nothing once it is ready."""
        entry = self.data.next_entry if self.data is not None else None
        done = entry is None or entry.id in self._preparer.ready_sessions
        n = self._preparer.percent.get(entry.id) if entry is not None else None
        if done or n is None or not self._preparer.busy:
            self.prepare_label.hide()
            return
        first = self.data is not None and self.data.dose.full == 0 and self.data.interrupted is None
        text = (self.tr("Preparing your first practice… {n} %") if first else
                self.tr("Preparing your next practice… {n} %"))
        self.prepare_label.setText(text.format(n=n))
        self.prepare_label.show()

    def _reason(self, data: TodayData, entry: ProgramEntry) -> str:
        """Why ``entry`` (the practice offered) today, in plain words."""
        offer = data.offer
        if offer.kind == "no-plan":
            week = self.tr("Week {n} of the program.").format(n=entry.week)
            reason = {"first": self.tr("A good place to begin."),
                      "new": self.tr("The next practice you have not done yet."),
                      "again": self.tr("You have done every practice once; coming back to them "
                                       "deepens them.")}.get(data.reason, "")
            return f"{week} {reason}"
        if offer.kind == "before-start":
            assert offer.start_day is not None  # (a plan that starts later)
            return self.tr("Your program starts on {day}. Until then you can try the first "
                           "practice.").format(day=long_date(offer.start_day))
        # every other kind is a week of a plan, so its days are known
        assert offer.first_day is not None and offer.last_day is not None
        days = self.tr("{first} to {last}").format(first=long_date(offer.first_day),
                                                   last=long_date(offer.last_day))
        if offer.kind == "after":
            return self.tr("Week {n} ({days}). The {w} weeks of the program are done: this is "
                           "the practice you have not done for longest. Keep the ones that "
                           "help.").format(n=offer.week, days=days, w=data.weeks)
        if offer.kind == "assigned":
            text = self.tr("Week {n} of {w} ({days}). Your therapist chose this practice for "
                           "this week.").format(n=offer.week, w=data.weeks, days=days)
        else:
            text = self.tr("Week {n} of {w} ({days}): this week's practice.").format(
                n=offer.week, w=data.weeks, days=days)
        times = offer.times_this_week
        if times == 1:
            text += " " + self.tr("You have practiced it once this week; coming back to it "
                                  "through the week deepens it.")
        elif times > 1:
            text += " " + self.tr("You have practiced it {n} times this week; coming back to "
                                  "it through the week deepens it.").format(n=times)
        return text

    def _show_measure(self, data: TodayData) -> None:
        """The first questionnaire due, quietly (hidden after "Not today" until tomorrow)."""
        due = data.due[0] if data.due else None
        show = due is not None and self._not_today != data.week.today
        self.measure_card.setVisible(show)
        if not show or due is None:
            return
        found = find_instrument(due.instrument)
        why = {"start": self.tr("at the start of the program"),
               "weekly": self.tr("this week"),
               "end": self.tr("at the end of the program")}.get(due.occasion, "")
        text = self.tr("Your program asks for the {title} {why}: {n} questions, a few "
                       "minutes. It helps you and your clinician see how you are doing.").format(
            title=found.short_name, why=why, n=len(found.items))
        if len(data.due) > 1:
            text += " " + self.tr("({n} questionnaires in all.)").format(n=len(data.due))
        self.measure_text.setText(text)
        self.measure_button.setAccessibleDescription(
            self.tr("Answer the {title} now.").format(title=found.short_name))

    def _answer_measure(self) -> None:
        if self.data and self.data.due:
            due = self.data.due[0]
            self.questionnaireRequested.emit(due.instrument, due.occasion)

    def _measure_not_today(self) -> None:
        if self.data is not None:
            self._not_today = self.data.week.today
        self.measure_card.hide()
        self.start_button.setFocus()

    def _start_program_today(self) -> None:
        if self.data is None:
            return
        store, pid, day = self.ctx.store, self.ctx.profile_id, self.data.week.today
        self.ctx.db(lambda: store.set_program_start(pid, day), lambda _r: self.refresh(),
                    lambda exc: log.error("could not set the program's start", exc_info=exc))

    def _start_next(self) -> None:
        if self.data and self.data.next_entry:
            self.startRequested.emit(self.data.next_entry.id, None)

    def _resume(self) -> None:
        if self.data and self.data.interrupted:
            self.startRequested.emit(self.data.interrupted.session_id, self.data.interrupted)
