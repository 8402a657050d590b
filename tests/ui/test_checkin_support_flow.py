"""Check-ins that act, in the window: a very low mood before, or a marked drop after, leads to
the support page (grounding, BAM, talking to someone, with the numbers), kept in the history."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mit_desktop.playback import events as ev

RENDER_TIMEOUT_MS = 60_000


def ready_checkin(window, qtbot, store, tiny_session: Path) -> None:
    store.set_region(window.ctx.profile_id, "AU")
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)


def test_the_general_note_is_shown_before_every_practice(window, qtbot, store,
                                                         tiny_session: Path) -> None:
    ready_checkin(window, qtbot, store, tiny_session)
    note = window.checkin.before_label
    assert note.isVisible() and 'press "I need to stop"' in note.text()
    assert "Help now" in note.text() and "#" not in note.text()


def test_a_very_low_mood_before_offers_care_and_the_practice_can_still_go_on(
        window, qtbot, store, tiny_session: Path) -> None:
    ready_checkin(window, qtbot, store, tiny_session)
    QTest.mouseClick(window.checkin.mood.buttons[1], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    support = window.support
    assert window.current_page() is support
    assert "mood is very low" in support.message.text()
    assert "13 11 14" in support.crisis.crisis_label.text() and "000" in support.crisis.crisis_label.text()
    assert "feet on the floor" in support.grounding.text().lower()
    assert support.go_button.isVisible() and support.bam_button.isVisible()
    qtbot.waitUntil(lambda: len(store.safety_events(window.ctx.profile_id)) == 1, timeout=5000)
    event = store.safety_events(window.ctx.profile_id)[0]
    assert event.kind == "support_offered" and event.practice_id is None
    assert event.detail == {"phase": "before", "reasons": ["very_low_mood"]}
    QTest.mouseClick(support.go_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.player
    qtbot.waitUntil(lambda: window.flow.practice_id is not None, timeout=RENDER_TIMEOUT_MS)
    practice_id = window.flow.practice_id
    qtbot.waitUntil(lambda: store.check_ins(practice_id) != [], timeout=5000)
    assert store.check_ins(practice_id)[0].mood == 1  # the check-in given is kept
    window.flow.stop_now()


def test_bam_from_the_support_page_starts_at_once(window, qtbot, store,
                                                  tiny_session: Path) -> None:
    ready_checkin(window, qtbot, store, tiny_session)
    QTest.mouseClick(window.checkin.stress.buttons[10], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.support
    assert "extremely stressed" in window.support.message.text()
    QTest.mouseClick(window.support.bam_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.player, timeout=10_000)
    assert window.flow.session is not None and window.flow.session.id == "bam"
    window.flow.stop_now()


def test_a_marked_drop_after_the_practice_offers_care(window, qtbot, store,
                                                      tiny_session: Path) -> None:
    ready_checkin(window, qtbot, store, tiny_session)
    QTest.mouseClick(window.checkin.mood.buttons[7], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.interactive, Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.player  # a mood of 7 asks for nothing
    qtbot.waitUntil(lambda: window.current_page() is window.reflection, timeout=RENDER_TIMEOUT_MS)
    QTest.mouseClick(window.reflection.continue_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.checkin
                    and window.checkin.phase == "after", timeout=RENDER_TIMEOUT_MS)
    practice_id = window.flow.practice_id
    QTest.mouseClick(window.checkin.mood.buttons[4], Qt.MouseButton.LeftButton)  # 7 -> 4
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    support = window.support
    assert window.current_page() is support
    assert "lower than before the practice" in support.message.text()
    assert not support.go_button.isVisible()
    qtbot.waitUntil(lambda: len(store.safety_events(window.ctx.profile_id)) == 1, timeout=5000)
    event = store.safety_events(window.ctx.profile_id)[0]
    assert event.kind == "support_offered" and event.practice_id == practice_id
    assert event.detail == {"phase": "after", "reasons": ["mood_drop"]}
    assert [c.mood for c in store.check_ins(practice_id)] == [7, 4]
    QTest.mouseClick(support.back_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.today


def test_pausing_and_quitting_are_not_safety_events(window, qtbot, store,
                                                    tiny_session: Path) -> None:
    ready_checkin(window, qtbot, store, tiny_session)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING and window.flow.practice_id is not None,
                    timeout=RENDER_TIMEOUT_MS)
    window.flow.toggle_play()
    qtbot.waitUntil(lambda: player.state == ev.PAUSED, timeout=2000)
    window.flow.stop_now()  # an ordinary stop (the window closing, Cancel)
    qtbot.wait(200)
    assert store.safety_events(window.ctx.profile_id) == []
