"""Safety events in words, for the History screen and the therapist's report: each time
"I need to stop" was pressed (when, in which practice, in which section and at what point,
and whether the grounding steps were then used), and each time a check-in offered help.
They are listed on their own, never mixed with pauses or practices left unfinished."""

from __future__ import annotations

import datetime as dt

from mit_desktop.history.models import SafetyEvent
from mit_desktop.history.safety_events import events_between
from mit_desktop.history.store import HistoryStore
from mit_desktop.history.timeutil import local_day
from mit_desktop.ui.history.data import SessionCatalog
from mit_desktop.ui.history.text import long_date, tr
from mit_desktop.ui.widgets import clock

_REASONS = {
    "very_low_mood": "a very low mood",
    "very_high_stress": "very high stress",
    "mood_drop": "a marked drop in mood",
}
_INSTRUMENT_NAMES = {"phq9": "PHQ-9"}


def safety_events_in(store: HistoryStore, profile_id: int, first: dt.date, last: dt.date
                     ) -> list[SafetyEvent]:
    """The profile's safety events on the local days ``first`` to ``last``, oldest first."""
    boundary = store.settings(profile_id).day_boundary_min
    return events_between(store.safety_events(profile_id), first, last, boundary)


def event_text(event: SafetyEvent, catalog: SessionCatalog, boundary_min: int = 0) -> str:
    """One event in a sentence, with its date."""
    day = long_date(local_day(event.recorded_ms, event.utc_offset_min, boundary_min))
    title = catalog.title(event.session_id) if event.session_id else tr("a practice")
    if event.kind == "need_to_stop":
        where = ""
        if event.section:
            where += tr(", in “{section}”").format(section=event.section)
        if event.position_ms is not None:
            where += tr(", at {position}").format(position=clock(event.position_ms))
        grounding = {True: tr("The grounding steps were used afterwards."),
                     False: tr("The grounding steps were not used."),
                     None: tr("Not said whether the grounding steps were used.")}
        return (tr("{day}: “I need to stop” in {title}{where}.").format(
            day=day, title=title, where=where) + " " + grounding[event.grounding_used])
    if event.detail.get("source") == "questionnaire":
        return tr("{day}: help offered after question {item} of the {instrument} (thoughts of "
                  "being better off dead or of self-harm) was answered “{answer}”. Please follow "
                  "this up.").format(
            day=day, item=event.detail.get("item", ""),
            instrument=_INSTRUMENT_NAMES.get(str(event.detail.get("instrument")),
                                             tr("questionnaire")),
            answer=event.detail.get("answer_label", ""))
    reasons = [tr(_REASONS[r]) for r in event.detail.get("reasons", []) if r in _REASONS]
    when = (tr("before {title}") if event.detail.get("phase") == "before"
            else tr("after {title}")).format(title=title)
    return tr("{day}: help offered after the check-in {when}, for {reasons}.").format(
        day=day, when=when, reasons=tr(" and ").join(reasons) or tr("the answers given"))
