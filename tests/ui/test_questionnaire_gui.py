"""The questionnaire screen: offered quietly on Today, one question per screen, answered
from the keyboard alone; PHQ-9 item 9 above "Not at all" shows the safety message (with
the crisis numbers for where the listener lives) before the next question and the score,
and keeps a safety event the therapist sees."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _answer_by_keyboard(qtbot, screen, downs: int) -> None:
    """Move down `downs` answers with the arrow key, choose with Space, go on with Enter."""
    focused = screen.focusWidget()
    assert focused in screen.option_buttons
    for _ in range(downs):
        qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_Down)
    qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_Space)
    qtbot.keyClick(screen.focusWidget(), Qt.Key.Key_Return)


def test_today_offers_the_first_questionnaire_and_not_today_hides_it(window) -> None:
    today = window.today
    window.show_page("today")
    assert today.measure_card.isVisibleTo(today)
    assert "PHQ-9" in today.measure_text.text() and "start of the program" in \
        today.measure_text.text()
    assert today.measure_button.accessibleName()
    today.measure_later.click()
    today.refresh()
    assert not today.measure_card.isVisibleTo(today)


def test_phq9_by_keyboard_with_item_9_shows_safety_first(window, qtbot, store) -> None:
    pid = window.ctx.profile_id
    store.set_region(pid, "GB")
    window.ctx.reload_profile()
    window.today.refresh()
    window.today.measure_button.click()
    screen = window.questionnaire
    assert window.current_page() is screen
    assert screen.pages.currentWidget() is screen.intro_page
    qtbot.keyClick(screen.begin_button, Qt.Key.Key_Space)
    for number in range(1, 9):
        assert screen.progress_label.text() == f"PHQ-9: question {number} of 9"
        assert not screen.next_button.isEnabled()  # an answer first
        _answer_by_keyboard(qtbot, screen, 0)  # "Not at all"
    assert screen.question_label.text().startswith("Thoughts that you would be better off dead")
    _answer_by_keyboard(qtbot, screen, 1)  # "Several days"
    # at once: the safety page, before any further question or score, event recorded
    assert screen.pages.currentWidget() is screen.safety_page
    assert "999" in screen.crisis.crisis_label.text()
    assert "today" in screen.safety_text.toPlainText()
    events = store.safety_events(pid)
    assert [e.detail.get("reasons") for e in events] == [["self_harm_thoughts"]]
    assert store.measure_responses(pid) == []
    assert screen.focusWidget() is screen.safety_continue
    qtbot.keyClick(screen.safety_continue, Qt.Key.Key_Space)
    # the PHQ's "how difficult" question, since a problem was checked
    assert screen.progress_label.text() == "PHQ-9: question 10 of 10"
    _answer_by_keyboard(qtbot, screen, 0)
    assert screen.pages.currentWidget() is screen.result_page
    assert screen.result_score.text().startswith("Score 1 ")
    assert screen.result_band.text() == "Minimal"
    assert "contact your therapist, doctor or counselor today" in screen.result_note.text()
    saved = store.measure_responses(pid)
    assert saved[0].answers == (0,) * 8 + (1,) and saved[0].occasion == "start"
    screen.result_done.click()
    assert window.current_page() is window.today


def test_back_keeps_the_answer_and_stop_keeps_nothing(window, qtbot, store) -> None:
    window.start_questionnaire("who5", "")
    screen = window.questionnaire
    screen.begin_button.click()
    _answer_by_keyboard(qtbot, screen, 2)  # "More than half of the time" (3)
    screen.back_button.click()
    assert screen.group.checkedId() == 3
    screen.stop_button.click()
    assert window.current_page() is window.today
    assert store.measure_responses(window.ctx.profile_id) == []


def test_questionnaire_event_reads_as_a_flag_for_the_therapist(window, store) -> None:
    from mit_desktop.ui.history.data import SessionCatalog
    from mit_desktop.ui.history.safety import event_text

    pid = window.ctx.profile_id
    store.record_safety_event(pid, "support_offered", detail={
        "source": "questionnaire", "reasons": ["self_harm_thoughts"], "instrument": "phq9",
        "item": 9, "answer": 2, "answer_label": "More than half the days"})
    text = event_text(store.safety_events(pid)[0], SessionCatalog())
    assert "question 9 of the PHQ-9" in text and "More than half the days" in text


def test_a_clients_imported_copy_is_not_offered_questionnaires(window, store,
                                                               tmp_path) -> None:
    from mit_desktop.history import bundle

    pid = window.ctx.profile_id
    store.record_measure(pid, "phq9", [0] * 9)
    out = tmp_path / "me.mitbundle"
    bundle.export_bundle(store, pid, out)
    client = bundle.import_bundle(store, out, "Ann").profile_id
    window.ctx.set_profile(client)
    window.show_page("today")
    assert window.today.data.due == ()
    assert not window.today.measure_card.isVisibleTo(window.today)
