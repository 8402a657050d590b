"""A whole practice driven through the window, and "I need to stop"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtTest import QTest

from mit_desktop.bodymap import Layer
from mit_desktop.playback import events as ev

RENDER_TIMEOUT_MS = 60_000  # the first run synthesises the sentences with Piper


def day_starts_half_a_day_away(store, profile_id: int) -> None:
    """Put the profile's day boundary 12 hours from now. A practice started before the
    boundary (03:00 by default) belongs to the day before, so a test that checks "practiced
    today" must not straddle it: CI once ran this one across 03:00."""
    boundary = (dt.datetime.now() + dt.timedelta(hours=12)).time().replace(second=0,
                                                                           microsecond=0)
    store.update_settings(profile_id, day_starts_at=boundary)


def accept_first_run(window, qtbot) -> None:
    qtbot.waitUntil(lambda: window.pages.first_run is not None and window.pages.first_run.isVisible(),
                    timeout=5000)
    window.pages.first_run.chooser.set_code("GB")  # "Where do you live?" must be answered
    QTest.mouseClick(window.pages.first_run.accept_button, Qt.MouseButton.LeftButton)


def at(body, layer: Layer, u: float, v: float) -> QPoint:
    panel = body.canvas.panel_rect(layer)
    return QPointF(panel.x() + u * panel.width() / 171, panel.y() + v * panel.height() / 522).toPoint()


def paint_chest(body) -> None:
    points = [at(body, Layer.ACTIVATION, 60 + 50 * t, 170 + 10 * np.sin(3 * t))
              for t in np.linspace(0, 1, 12)]
    QTest.mousePress(body.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     points[0])
    for p in points[1:]:
        QTest.mouseMove(body.canvas, p)
    QTest.mouseRelease(body.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       points[-1])


def test_a_whole_interactive_practice_is_found_in_the_history(window, qtbot, tiny_session: Path,
                                                              store) -> None:
    day_starts_half_a_day_away(store, window.ctx.profile_id)
    window.start_practice(str(tiny_session))
    accept_first_run(window, qtbot)
    checkin = window.checkin
    qtbot.waitUntil(lambda: window.current_page() is checkin and checkin.go_button.isEnabled(),
                    timeout=5000)
    assert "Tiny practice" in checkin.session_label.text()
    assert checkin.safety_label.text() == "Stop whenever you like."
    QTest.mouseClick(checkin.mood.buttons[4], Qt.MouseButton.LeftButton)
    QTest.mouseClick(checkin.stress.buttons[7], Qt.MouseButton.LeftButton)
    QTest.mouseClick(checkin.interactive, Qt.MouseButton.LeftButton)
    QTest.mouseClick(checkin.go_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.player

    reflection = window.reflection
    qtbot.waitUntil(lambda: window.current_page() is reflection, timeout=RENDER_TIMEOUT_MS)
    assert window.ctx.player.state == ev.REFLECTION
    assert reflection.prompt_label.text() == "What do you notice in your body?"
    assert window.player.caption_label.text() == "Breathe in."
    QTest.keyClicks(reflection.note, "A warm chest")
    practice_id = window.flow.practice_id
    qtbot.waitUntil(lambda: store.drafts(practice_id).get("reflection-1") == "A warm chest",
                    timeout=2000)  # the draft is kept within 2 s
    QTest.mouseClick(reflection.rating.buttons[6], Qt.MouseButton.LeftButton)
    body = reflection.body_map_widget
    assert body is not None
    paint_chest(body)
    assert len(body.body_map().strokes) == 1
    QTest.mouseClick(reflection.continue_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: window.current_page() is checkin and checkin.phase == "after",
                    timeout=RENDER_TIMEOUT_MS)
    assert window.player.caption_label.text() == "Breathe out."
    QTest.mouseClick(checkin.mood.buttons[8], Qt.MouseButton.LeftButton)
    QTest.mouseClick(checkin.stress.buttons[2], Qt.MouseButton.LeftButton)
    QTest.mouseClick(checkin.go_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.today

    practice = store.get_practice(practice_id)
    assert practice.session_id == "tiny" and practice.completed and practice.mode == "interactive"
    assert practice.listened_ms > 0
    moods = {(c.phase, c.mood, c.stress) for c in store.check_ins(practice_id)}
    assert moods == {("before", 4, 7), ("after", 8, 2)}
    [saved] = store.reflections(practice_id)
    assert saved.note == "A warm chest" and saved.rating == 6
    assert saved.prompt == "What do you notice in your body?"
    assert saved.body_map_id is not None
    record = store.get_body_map(saved.body_map_id, window.ctx.profile_id)
    assert record.practice_id == practice_id and len(record.data) > 0
    assert store.drafts(practice_id) == {}
    assert window.today.week_text.text().endswith("You have practiced today.")


def test_i_need_to_stop_silences_at_once_and_shows_help_for_the_region(window, qtbot,
                                                                       tiny_session: Path,
                                                                       store) -> None:
    store.set_region(window.ctx.profile_id, "GB")
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)  # hands-free
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING and window.flow.practice_id is not None,
                    timeout=RENDER_TIMEOUT_MS)  # the row is written as the sound starts
    practice_id = window.flow.practice_id
    assert window.player.stop_button.isVisible()
    QTest.mouseClick(window.player.stop_button, Qt.MouseButton.LeftButton)
    assert player.wait_state([ev.STOPPED], 0.5)  # the sound stops at once
    writes = player.stats.writes
    assert window.current_page() is window.stop_screen
    text = window.stop_screen.crisis_label.text()
    assert "Samaritans" in text and "116 123" in text
    assert "feet on the floor" in window.stop_screen.grounding.text().lower()
    practice = store.get_practice(practice_id)
    assert practice.status == "partial"
    qtbot.wait(300)
    assert player.stats.writes == writes  # nothing more is sent to the device
    # "I need to stop" is its own event: where it happened, and then the grounding answer
    qtbot.waitUntil(lambda: len(store.safety_events(window.ctx.profile_id)) == 1, timeout=5000)
    event = store.safety_events(window.ctx.profile_id)[0]
    assert event.kind == "need_to_stop" and event.practice_id == practice_id
    assert event.session_id == "tiny" and event.section == "Arriving"
    assert event.position_ms is not None and 0 <= event.position_ms <= practice.position_ms + 500
    assert event.grounding_used is None
    QTest.mouseClick(window.stop_screen.tried_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.safety_events(window.ctx.profile_id)[0].grounding_used is True,
                    timeout=5000)
    QTest.mouseClick(window.stop_screen.done_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.today


def test_stop_screen_numbers_for_the_united_states_and_elsewhere(qtbot) -> None:
    from mit_desktop.ui.safety import StopScreen

    screen = StopScreen()
    qtbot.addWidget(screen)
    screen.show_for_region("US")
    assert "988" in screen.crisis_label.text()
    assert screen.show_for_region("ZZ") is None  # not a listed region: every region is shown
    assert "13 11 14" in screen.crisis_label.text() and "988" in screen.crisis_label.text()
    region = screen.show_for_region("elsewhere")
    shown = (screen.crisis_label.text() + screen.notes_label.text()).lower()
    assert region.is_fallback and "local emergency number" in shown
    screen.show_for_region("AU")
    assert "13 11 14" in screen.crisis_label.text()
    screen.show_for_region("CA")
    assert "988" in screen.crisis_label.text()


def test_hands_free_reflections_are_offered_again_at_the_end(window, qtbot, tiny_session: Path,
                                                             store) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.skip_button, Qt.MouseButton.LeftButton)
    reflection = window.reflection
    qtbot.waitUntil(lambda: window.current_page() is reflection, timeout=RENDER_TIMEOUT_MS)
    assert window.flow.mode == "hands-free" and not window.flow.active
    assert "1 of 1" in reflection.step_label.text()
    QTest.keyClicks(reflection.note, "later note")
    QTest.mouseClick(reflection.continue_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.checkin and window.checkin.phase == "after"
    QTest.mouseClick(window.checkin.skip_button, Qt.MouseButton.LeftButton)
    practice = store.list_practices(window.ctx.profile_id)[0]
    assert practice.completed
    assert store.check_ins(practice.id) == []
    assert [r.note for r in store.reflections(practice.id)] == ["later note"]


def test_a_lost_sound_device_shows_a_banner_and_can_continue_silently(window, qtbot,
                                                                      monkeypatch) -> None:
    player = window.ctx.player
    window.player.attach()
    window.flow.active = True
    calls = []
    monkeypatch.setattr(player, "continue_silently", lambda: calls.append("silent"))
    player.events.error.emit(ev.PlayerError("device", "gone", 61_000, can_continue_silently=True))
    qtbot.waitUntil(lambda: not window.player.banner.isHidden(), timeout=2000)
    assert "1:01" in window.player.banner_label.text()
    QTest.mouseClick(window.player.silent_button, Qt.MouseButton.LeftButton)
    assert calls == ["silent"] and window.player.banner.isHidden()
    assert "captions" in window.player.status_label.text()
    window.flow.active = False


def test_suspend_pauses_the_practice_at_an_exact_position(window, qtbot, tiny_session: Path,
                                                          store) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)
    window.flow._sleep.prepare_for_sleep(True)  # as logind's PrepareForSleep(true)
    assert player.wait_state([ev.PAUSED], 1.0)
    assert window.flow.active  # the practice goes on after waking, from the same place


def test_a_draft_from_an_interrupted_practice_comes_back(window, qtbot, tiny_session: Path,
                                                         store) -> None:
    pid = window.ctx.profile_id
    store.accept_notice(pid)
    window.ctx.reload_profile()
    old = store.start_practice(pid, "tiny", "x", "interactive")
    store.save_draft(old, "reflection-1", "half a thought")
    store._open_here.discard(old)  # as if the process had died
    window.show_page("today")
    [interrupted] = store.interrupted_practices(pid)
    window.start_practice(str(tiny_session), interrupted)
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    assert window.checkin.mode_box.isHidden()  # continues in the mode it was started in
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.reflection,
                    timeout=RENDER_TIMEOUT_MS)
    assert window.reflection.note.toPlainText() == "half a thought"
    assert store.get_practice(old).status == "partial"
    assert store.get_practice(window.flow.practice_id).resumed_from == old


def test_switching_to_stop_at_each_reflection_during_a_practice(window, qtbot,
                                                                tiny_session: Path,
                                                                store) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)  # hands-free
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)
    box = window.player.stop_at_reflections
    assert not box.isChecked()
    window.player.more_button.setChecked(True)
    qtbot.waitUntil(box.isVisible, timeout=2000)
    box.click()
    assert window.flow.mode == "interactive" and player.mode == "interactive"
    qtbot.waitUntil(lambda: window.current_page() is window.reflection,
                    timeout=RENDER_TIMEOUT_MS)
    assert player.state == ev.REFLECTION


def test_preparing_a_practice_can_be_cancelled(window, qtbot, tiny_session: Path, store,
                                               monkeypatch) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    player = window.ctx.player
    monkeypatch.setattr(player, "play", lambda: None)  # as if the first words were not ready
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    assert window.player.cancel_button.isVisible()
    QTest.mouseClick(window.player.cancel_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.today
    # nothing was played: no practice is recorded (as with `mit-desktop play`), none offered
    assert store.list_practices(window.ctx.profile_id) == []
    assert store.interrupted_practices(window.ctx.profile_id) == []


def test_i_need_to_stop_is_on_the_reflection_page_too(window, qtbot, tiny_session: Path,
                                                      store) -> None:
    store.set_region(window.ctx.profile_id, "US")
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.ctx.prefs.mode = "interactive"
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.current_page() is window.reflection,
                    timeout=RENDER_TIMEOUT_MS)
    QTest.keyClicks(window.reflection.note, "too much")
    assert window.reflection.stop_button.isVisible()
    practice_id = window.flow.practice_id
    QTest.mouseClick(window.reflection.stop_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.stop_screen
    assert "988" in window.stop_screen.crisis_label.text()
    assert window.ctx.player.wait_state([ev.STOPPED], 1.0)
    assert store.get_practice(practice_id).status == "partial"
    # nothing typed is lost: what was entered on the page is saved as its answer
    [saved] = store.reflections(practice_id)
    assert (saved.reflection_key, saved.note) == ("reflection-1", "too much")
    assert store.drafts(practice_id) == {}
