"""What a listener enters at a reflection point, and where it is written (Qt-free).

Every answer and every draft is bound, when its reflection page is shown, to an
:class:`AnswerTarget`: the profile, the practice row and the reflection it belongs
to. Writes go to that target and nowhere else, so a note typed at one reflection
can never be saved under a later reflection, another practice or another profile,
however late the write runs or whatever the window shows by then.

The functions here run on the store's thread (the GUI's database lane, or the
CLI's own); they take the store as their first argument.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from mit_desktop.bodymap import BodyMap, to_bytes
from mit_desktop.history.store import HistoryStore

log = logging.getLogger(__name__)

NOTE = "note"
RATING = "rating"
BODY_MAP = "body-map"


@dataclass
class AnswerTarget:
    """One reflection of one practice of one profile.

    ``practice_id`` is None until it is resolved on the store's thread (the row
    of a practice is written once its sound starts); every later job on that
    thread sees it. ``key`` is the reflection's key within its session
    (``reflection-1`` …).
    """

    profile_id: int
    key: str
    practice_id: int | None = None


@dataclass
class ReflectionAnswer:
    """What the listener gave at one reflection point (any part may be empty).

    Only the inputs the reflection asks for are ever filled: :func:`answer_for`
    drops the others.
    """

    key: str
    prompt: str
    note: str = ""
    rating: int | None = None
    body_map: BodyMap | None = None

    @property
    def is_empty(self) -> bool:
        """True when nothing at all was entered."""
        painted = self.body_map is not None and bool(self.body_map.strokes)
        return not self.note and self.rating is None and not painted


def answer_for(inputs: tuple[str, ...], key: str, prompt: str, note: str,
               rating: int | None, body_map: BodyMap | None) -> ReflectionAnswer:
    """The answer to a reflection whose script asks for ``inputs``: fields it does
    not ask for are left empty, whatever a widget may still hold."""
    return ReflectionAnswer(
        key, prompt,
        note.strip() if NOTE in inputs else "",
        rating if RATING in inputs else None,
        body_map if BODY_MAP in inputs else None,
    )


def write_answer(store: HistoryStore, target: AnswerTarget, answer: ReflectionAnswer) -> int | None:
    """Save ``answer`` (and its body map) as the reflection ``target`` names; remove its draft.

    Returns the reflection's id, or None (logged) when the target's practice was
    never written (its start failed, which has already been reported).
    """
    if target.practice_id is None:
        log.warning("an answer for a practice that was never recorded was not saved")
        return None
    if answer.key != target.key:
        raise ValueError("the answer belongs to another reflection")
    body = answer.body_map
    map_id = None
    with store.transaction():
        if body is not None and body.strokes:
            map_id = store.add_body_map(target.profile_id, to_bytes(body),
                                        emotion=body.emotion or None, intensity=body.intensity,
                                        practice_id=target.practice_id)
        return store.save_reflection(target.practice_id, target.key, prompt=answer.prompt,
                                     note=answer.note, rating=answer.rating, body_map_id=map_id,
                                     profile_id=target.profile_id)


def write_draft(store: HistoryStore, target: AnswerTarget, text: str) -> None:
    """Keep ``text`` as the unsaved note of ``target`` (an empty text removes the draft)."""
    if target.practice_id is None:
        log.warning("a draft for a practice that was never recorded was not kept")
        return
    if text:
        store.save_draft(target.practice_id, target.key, text, profile_id=target.profile_id)
    else:
        store.discard_draft(target.practice_id, target.key, profile_id=target.profile_id)


def read_draft(store: HistoryStore, target: AnswerTarget) -> str:
    """The unsaved note of ``target``, or ""."""
    if target.practice_id is None:
        return ""
    return store.drafts(target.practice_id, profile_id=target.profile_id).get(target.key, "")
