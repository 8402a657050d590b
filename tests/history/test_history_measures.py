"""Questionnaire answers in the history: item by item, per profile, shape-checked; the
PHQ-9 item 9 safety path records its event before anything is saved or scored."""

from __future__ import annotations

import pytest

from mit_desktop.content import measures
from mit_desktop.history.errors import InvalidInputError
from mit_desktop.history.measures import MeasureSchedule
from mit_desktop.history.store import HistoryStore
from mit_desktop.practice.questionnaire import SELF_HARM_REASON, QuestionnaireRun


def test_answers_are_kept_item_by_item_per_profile(store: HistoryStore, clock) -> None:
    ann, ben = store.create_profile("Ann"), store.create_profile("Ben")
    first = store.record_measure(ann, "phq9", [0, 1, 2, 3, 0, 1, 2, 3, None], follow_up=1,
                                 occasion="start")
    clock.advance(1000)
    store.record_measure(ann, "gad7", [1] * 7)
    store.record_measure(ben, "phq9", [0] * 9)
    rows = store.measure_responses(ann)
    assert [r.instrument for r in rows] == ["phq9", "gad7"]
    assert rows[0].id == first and rows[0].answers == (0, 1, 2, 3, 0, 1, 2, 3, None)
    assert (rows[0].follow_up, rows[0].occasion) == (1, "start")
    assert [r.instrument for r in store.measure_responses(ann, "gad7")] == ["gad7"]
    assert len(store.measure_responses(ben)) == 1


@pytest.mark.parametrize("answers", [[], [11], [-1], ["2"], [True], "0123", [0] * 51])
def test_answers_of_the_wrong_shape_are_refused_and_nothing_is_written(
        store: HistoryStore, answers) -> None:
    ann = store.create_profile("Ann")
    with pytest.raises(InvalidInputError):
        store.record_measure(ann, "phq9", answers)
    assert store.measure_responses(ann) == []


def test_unknown_names_and_occasions_are_refused(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    with pytest.raises(InvalidInputError):
        store.record_measure(ann, "../phq9", [0])
    with pytest.raises(InvalidInputError):
        store.record_measure(ann, "phq9", [0], occasion="monthly")


def test_schedules_are_kept_per_profile_and_replaced(store: HistoryStore) -> None:
    ann, ben = store.create_profile("Ann"), store.create_profile("Ben")
    store.set_measure_schedule(ann, MeasureSchedule("phq9", True, 2, False))
    store.set_measure_schedule(ann, MeasureSchedule("phq9", False, 1, True))
    assert store.measure_schedules(ann) == {"phq9": MeasureSchedule("phq9", False, 1, True)}
    assert store.measure_schedules(ben) == {}
    with pytest.raises(InvalidInputError):
        store.set_measure_schedule(ann, MeasureSchedule("phq9", True, 53, True))


def _phq9() -> measures.Instrument:
    return measures.instrument("phq9")


def test_item_9_above_not_at_all_records_a_safety_event_before_the_score(
        store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    run = QuestionnaireRun(store, ann, _phq9(), occasion="weekly")
    for _ in range(8):
        assert run.answer(0) is False
        assert run.next()
    assert run.answer(1) is True  # "Several days"
    # recorded at once: before the form moves on, before anything is saved
    events = store.safety_events(ann)
    assert [e.kind for e in events] == ["support_offered"]
    assert events[0].detail["reasons"] == [SELF_HARM_REASON]
    assert events[0].detail["answer_label"] == "Several days"
    assert store.measure_responses(ann) == []
    with pytest.raises(RuntimeError):
        run.finish()  # no score before the safety message was seen
    run.safety_seen()
    assert run.next()  # the follow-up question ("how difficult"), since a problem was checked
    assert run.on_follow_up
    run.answer(2)
    assert not run.next()
    result = run.finish()
    assert result.value == 1 and result.band and result.band.label == "Minimal"
    saved = store.measure_responses(ann)
    assert saved[0].answers == (0,) * 8 + (1,) and saved[0].follow_up == 2
    run.finish()
    assert len(store.measure_responses(ann)) == 1  # saved once


def test_item_9_not_at_all_records_no_safety_event(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    run = QuestionnaireRun(store, ann, _phq9())
    for index in range(9):
        assert run.answer(0) is False
        moved = run.next()
        assert moved is (index < 8)
    assert run.finish().value == 0
    assert store.safety_events(ann) == []
    assert store.measure_responses(ann)[0].follow_up is None


def test_changing_the_item_9_answer_records_one_event_only(store: HistoryStore) -> None:
    ann = store.create_profile("Ann")
    run = QuestionnaireRun(store, ann, _phq9())
    run.position = 8
    run.answer(3)
    run.safety_seen()
    run.answer(2)
    assert len(store.safety_events(ann)) == 1


def test_exports_carry_item_level_answers_with_score_and_band(store: HistoryStore,
                                                               tmp_path) -> None:
    import csv
    import io
    import json
    import zipfile

    from mit_desktop.history import export

    ann = store.create_profile("Ann")
    store.record_measure(ann, "phq9", [2, 2, 2, 2, 1, 1, 0, 0, 0], follow_up=1, occasion="start")
    store.record_measure(ann, "scs_sf", [3] * 11 + [None])
    scorer = measures.export_scorer()
    export.export(store, ann, "json", tmp_path / "h.json", scorer=scorer)
    document = json.loads((tmp_path / "h.json").read_text("utf-8"))
    first, second = document["measures"]
    assert first["answers"] == [2, 2, 2, 2, 1, 1, 0, 0, 0]
    assert (first["score"], first["band"], first["follow_up"], first["occasion"]) == (
        10, "Moderate", 1, "start")
    assert second["answers"][-1] is None and second["score"] is None
    export.export(store, ann, "csv", tmp_path / "h.zip", scorer=scorer)
    with zipfile.ZipFile(tmp_path / "h.zip") as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("measures.csv").decode("utf-8"))))
    assert rows[0]["instrument"] == "phq9" and rows[0]["score"] == "10"
    assert [rows[0][f"item_{n}"] for n in range(1, 10)] == ["2", "2", "2", "2", "1", "1", "0",
                                                            "0", "0"]
    assert rows[0]["item_10"] == "" and rows[1]["item_12"] == ""
