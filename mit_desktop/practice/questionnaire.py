"""Answering one questionnaire, one question at a time (Qt-free; the GUI form and the
tests drive it).

:class:`QuestionnaireRun` steps through the instrument's items, then its unscored
follow-up question when the instrument asks it ("If you checked off any problems").
Answering the safety item (PHQ-9 item 9) above "Not at all" records a safety event
at once, before anything else is shown or saved (``support_offered`` with
``detail = {"source": "questionnaire", "reasons": ["self_harm_thoughts"], …}``), and
:attr:`QuestionnaireRun.safety_pending` tells the form to show the safety message
before the next question and before any score. :meth:`QuestionnaireRun.finish` saves
the answers; the score is then computed from them.
"""

from __future__ import annotations

import logging
from typing import Any

from mit_desktop.content.measures import (
    Instrument,
    Option,
    Score,
    asks_follow_up,
    needs_safety_message,
    score,
)

log = logging.getLogger(__name__)

#: ``reasons`` entry of the safety event recorded for PHQ-9 item 9.
SELF_HARM_REASON = "self_harm_thoughts"


def safety_detail(instrument: Instrument, item_number: int, answer: int) -> dict[str, Any]:
    """The ``detail`` of the safety event recorded for a safety-item answer."""
    return {"source": "questionnaire", "reasons": [SELF_HARM_REASON],
            "instrument": instrument.id, "item": item_number, "answer": answer,
            "answer_label": instrument.option_label(answer)}


class QuestionnaireRun:
    """One sitting of one questionnaire for one profile.

    ``store``: the history store (anything with ``record_safety_event`` and
    ``record_measure``); ``occasion``: ``start``/``weekly``/``end``/``''``. Positions run
    0…len(items)-1 for the items, then len(items) for the follow-up when it is asked.
    """

    def __init__(self, store: Any, profile_id: int, instrument: Instrument,
                 occasion: str = "") -> None:
        self.store = store
        self.profile_id = profile_id
        self.instrument = instrument
        self.occasion = occasion
        self.answers: list[int | None] = [None] * len(instrument.items)
        self.follow_up: int | None = None
        self.position = 0
        self.safety_pending = False
        self.safety_recorded = False
        self.saved = False

    @property
    def count(self) -> int:
        """How many questions this sitting has now (the follow-up counts once it is asked)."""
        return len(self.answers) + (1 if asks_follow_up(self.instrument, self.answers) else 0)

    @property
    def on_follow_up(self) -> bool:
        return self.position == len(self.answers)

    @property
    def question(self) -> str:
        if self.on_follow_up:
            return self.instrument.follow_up
        return self.instrument.items[self.position].text

    @property
    def options(self) -> tuple[Option, ...]:
        if self.on_follow_up:
            return self.instrument.follow_up_options
        return self.instrument.options

    @property
    def current_answer(self) -> int | None:
        return self.follow_up if self.on_follow_up else self.answers[self.position]

    @property
    def complete(self) -> bool:
        """Every item answered (the follow-up may be left)."""
        return all(a is not None for a in self.answers)

    def answer(self, value: int) -> bool:
        """Answer the current question with option `value`; return True when this answer
        needs the safety message first (a safety event has then been recorded)."""
        if value not in {o.value for o in self.options}:
            raise ValueError(f"{value!r} is not an answer to this question")
        if self.on_follow_up:
            self.follow_up = value
            return False
        number = self.position + 1
        self.answers[self.position] = value
        if needs_safety_message(self.instrument, number, value):
            if not self.safety_recorded:
                self.safety_recorded = True
                self.store.record_safety_event(
                    self.profile_id, "support_offered",
                    detail=safety_detail(self.instrument, number, value))
                log.info("safety message offered after a questionnaire answer")
            self.safety_pending = True
            return True
        return False

    def safety_seen(self) -> None:
        """The listener has seen (and closed) the safety message."""
        self.safety_pending = False

    def next(self) -> bool:
        """Move on; return False when there is no next question (then :meth:`finish`)."""
        if self.position + 1 < self.count:
            self.position += 1
            return True
        return False

    def back(self) -> bool:
        """Go back one question; False on the first."""
        if self.position > 0:
            self.position -= 1
            return True
        return False

    def finish(self) -> Score:
        """Save the answers (once) and return the score. Refused while the safety message
        is still to be seen: the score never comes before it."""
        if self.safety_pending:
            raise RuntimeError("the safety message comes before the score")
        follow_up = self.follow_up if asks_follow_up(self.instrument, self.answers) else None
        if not self.saved:
            self.saved = True
            self.store.record_measure(
                self.profile_id, self.instrument.id, self.answers, follow_up=follow_up,
                occasion=self.occasion)
        return score(self.instrument, self.answers)
