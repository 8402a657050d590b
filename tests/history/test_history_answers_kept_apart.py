"""The store keeps every answer and draft with its own practice and profile, and a continued
practice keeps its check-ins and drafts together (on the row that continues it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlite_utils import Database

from mit_desktop import paths
from mit_desktop.bodymap import BodyMap, Layer
from mit_desktop.bodymap.strokes import Brush, Stroke, StrokeKind
from mit_desktop.history import schema
from mit_desktop.history.errors import UnknownPracticeError
from mit_desktop.history.store import HistoryStore
from mit_desktop.practice.answers import (
    AnswerTarget,
    ReflectionAnswer,
    answer_for,
    read_draft,
    write_answer,
    write_draft,
)


def chest_stroke() -> Stroke:
    return Stroke.create(StrokeKind.PAINT, Layer.ACTIVATION, Brush.MEDIUM,
                         [(0, 80.0, 170.0), (40, 90.0, 171.0)])


def two_profiles(store: HistoryStore) -> tuple[int, int, int, int]:
    me = store.create_profile("Me", "caregiver")
    client = store.create_profile("Client AJ", "client")
    mine = store.start_practice(me, "bam", "h", "interactive")
    theirs = store.start_practice(client, "bam", "h", "interactive")
    return me, client, mine, theirs


def test_a_draft_or_answer_for_another_profiles_practice_is_refused(store: HistoryStore) -> None:
    me, client, mine, theirs = two_profiles(store)
    store.save_draft(theirs, "reflection-1", "CLIENT AJ PRIVATE NOTE", profile_id=client)
    with pytest.raises(UnknownPracticeError):
        store.save_draft(theirs, "reflection-1", "mine", profile_id=me)
    with pytest.raises(UnknownPracticeError):
        store.save_reflection(theirs, "reflection-1", note="mine", profile_id=me)
    with pytest.raises(UnknownPracticeError):
        store.discard_draft(theirs, "reflection-1", profile_id=me)
    assert store.drafts(theirs, profile_id=me) == {}  # never read across profiles
    assert store.drafts(theirs, profile_id=client) == {"reflection-1": "CLIENT AJ PRIVATE NOTE"}
    assert store.reflections(theirs) == [] and store.reflections(mine) == []


def test_an_answer_is_written_to_its_target_and_removes_its_draft(store: HistoryStore) -> None:
    _me, client, mine, theirs = two_profiles(store)
    target = AnswerTarget(client, "reflection-2", theirs)
    write_draft(store, target, "half")
    assert read_draft(store, target) == "half"
    body = BodyMap(strokes=(chest_stroke(),), emotion="sadness", intensity=6)
    write_answer(store, target, ReflectionAnswer("reflection-2", "Where?", "half done", 4, body))
    [saved] = store.reflections(theirs)
    assert (saved.reflection_key, saved.note, saved.rating) == ("reflection-2", "half done", 4)
    assert store.get_body_map(saved.body_map_id, client).practice_id == theirs
    assert store.drafts(theirs) == {} and store.reflections(mine) == []
    write_draft(store, target, "")  # an emptied note leaves no draft behind
    assert store.drafts(theirs) == {}
    with pytest.raises(ValueError):
        write_answer(store, target, ReflectionAnswer("reflection-3", "Other?", "x"))


def test_an_answer_holds_only_the_inputs_its_reflection_asks_for() -> None:
    body = BodyMap(strokes=(chest_stroke(),))
    only_map = answer_for(("body-map",), "k", "Where?", "left in the box", 7, body)
    assert only_map.note == "" and only_map.rating is None and only_map.body_map is body
    only_note = answer_for(("note",), "k", "What?", "  a word \n", 7, body)
    assert only_note.note == "a word" and only_note.rating is None and only_note.body_map is None
    assert answer_for(("rating",), "k", "How?", "x", None, None).is_empty


def test_a_continued_practice_takes_its_before_check_in_and_drafts_along(
        store: HistoryStore) -> None:
    me = store.create_profile("Me", "caregiver")
    first = store.start_practice(me, "nesting-doll", "h", "interactive")
    store.record_check_in(first, "before", mood=3, stress=8)
    store.save_draft(first, "reflection-2", "half a thought")
    store.save_reflection(first, "reflection-1", note="answered before the break")
    store._open_here.clear()  # the process died

    second = store.start_practice(me, "nesting-doll", "h", "interactive", resume_of=first,
                                  position_ms=60_000)
    store.record_check_in(second, "after", mood=6, stress=4)

    assert store.check_ins(first) == []
    assert [(c.phase, c.mood, c.stress) for c in store.check_ins(second)] == [
        ("before", 3, 8), ("after", 6, 4)]
    assert store.drafts(first) == {} and store.drafts(second) == {"reflection-2": "half a thought"}
    assert [r.note for r in store.reflections(first)] == ["answered before the break"]
    store.save_reflection(second, "reflection-2", note="whole thought")
    assert store.conn.execute("SELECT count(*) FROM drafts").fetchone() == (0,)


def test_existing_continued_practices_get_their_check_ins_together_on_upgrade(
        data_dir: Path) -> None:
    path = paths.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(path)
    known = schema.known_steps()
    step = known.index("m004_continued_practices_keep_check_ins")
    schema.MIGRATIONS.apply(db, stop_before=known[step])
    db.execute(f"PRAGMA user_version = {step}")
    db.execute("INSERT INTO profiles (name, kind, created_ms) VALUES ('Me', 'caregiver', 1)")
    for pid, resumed in ((1, None), (2, 1), (3, 2), (4, None)):
        db.execute(
            "INSERT INTO practices (id, profile_id, session_id, session_hash, mode, source, status, "
            "started_ms, utc_offset_min, ended_ms, position_ms, listened_ms, resumed_from) "
            "VALUES (?, 1, 'x', 'h', 'hands-free', 'player', 'partial', ?, 0, ?, 0, 0, ?)",
            (pid, pid * 1000, pid * 1000 + 500, resumed))
    db.execute("INSERT INTO check_ins (practice_id, phase, recorded_ms, mood) "
               "VALUES (1, 'before', 1000, 2)")
    db.execute("INSERT INTO check_ins (practice_id, phase, recorded_ms, mood) "
               "VALUES (3, 'after', 3500, 7)")
    db.execute("INSERT INTO check_ins (practice_id, phase, recorded_ms, mood) "
               "VALUES (4, 'before', 4000, 5)")
    db.execute("INSERT INTO drafts (practice_id, reflection_key, text, updated_ms) "
               "VALUES (1, 'r', 'kept', 1200)")
    db.close()

    with HistoryStore.open() as store:
        together = [(c.phase, c.mood) for c in store.check_ins(3)]
        assert together == [("before", 2), ("after", 7)]
        assert store.check_ins(1) == [] and store.check_ins(2) == []
        assert [(c.phase, c.mood) for c in store.check_ins(4)] == [("before", 5)]  # alone
        assert store.drafts(3) == {"r": "kept"}
