"""The speaking speed chosen in the player itself, for the rest of one practice."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mit_desktop.playback import events as ev

RENDER_TIMEOUT_MS = 60_000


def test_a_speed_chosen_in_the_player_starts_at_the_next_section(window, qtbot,
                                                                 tiny_session: Path,
                                                                 store) -> None:
    window.ctx.prefs.mode = "interactive"
    usual = window.ctx.prefs.rate
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)
    screen = window.player
    screen.more_button.setChecked(True)
    box = screen.speed_box
    qtbot.waitUntil(box.isVisible, timeout=2000)
    assert box.accessibleName() == "Speaking speed for this practice"
    assert box.itemData(box.currentIndex()) == usual
    quicker = box.findData(1.0)
    assert quicker >= 0 and box.itemText(quicker) == "The voice's natural speed"
    qtbot.waitUntil(lambda: player.state == ev.REFLECTION, timeout=RENDER_TIMEOUT_MS)
    box.setCurrentIndex(quicker)
    box.activated.emit(quicker)  # (as a click or Enter in its list does)
    assert "next section" in screen.speed_note.text()
    assert player.settings.rate == usual  # the first section keeps its speed
    window.flow.continue_after_reflection()
    qtbot.waitUntil(lambda: player.settings.rate == 1.0, timeout=RENDER_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.flow.section_index == 1 and player.state == ev.PLAYING
                    or player.state == ev.FINISHED, timeout=RENDER_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "now speaks" in screen.speed_note.text(), timeout=5000)
    assert window.ctx.prefs.rate == usual  # Settings keep the usual speed
    qtbot.waitUntil(lambda: not window.flow.active, timeout=RENDER_TIMEOUT_MS)
    window.start_practice(str(tiny_session))  # the next practice: the usual speed again
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    assert window.flow.settings("hands-free").rate == usual


LAST_SECTION_SCRIPT = """+++
id = "speedy"
title = "Speed practice"
summary = "A reflection in the last section, then two sentences."
safety = "Stop whenever you like."
+++

# Arriving

Breathe in.

# Ending

Now listen.
[reflect 1s note: What do you notice?]

Breathe out slowly. Rest your hands.
"""


def start_interactive(window, qtbot, path: Path, store, resume=None) -> None:  # type: ignore[no-untyped-def]
    window.ctx.prefs.mode = "interactive"
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(path), resume)
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)


def test_in_the_last_section_the_new_speed_starts_at_the_next_pause(
        window, qtbot, private_folders: Path, store) -> None:
    """Once a speed chosen in the last section was refused ("the speed stays as it is"):
    there is no next section. Now it starts in the next gap between sentences, at the
    same place: the practice does not go back to the start of the section."""
    path = private_folders / "sessions" / "speedy.session.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(LAST_SECTION_SCRIPT, encoding="utf-8")
    usual = window.ctx.prefs.rate
    assert usual != 1.0
    start_interactive(window, qtbot, path, store)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.REFLECTION, timeout=RENDER_TIMEOUT_MS)
    qtbot.waitUntil(lambda: window.flow.section_index == 1, timeout=5000)
    screen = window.player
    screen.more_button.setChecked(True)
    box = screen.speed_box
    natural = box.findData(1.0)
    box.setCurrentIndex(natural)
    box.activated.emit(natural)
    assert "next pause" in screen.speed_note.text()
    assert player.settings.rate == usual
    window.flow.continue_after_reflection()
    qtbot.waitUntil(lambda: player.settings.rate == 1.0, timeout=RENDER_TIMEOUT_MS)
    qtbot.waitUntil(lambda: "now speaks" in screen.speed_note.text(), timeout=RENDER_TIMEOUT_MS)
    timeline = player.timeline
    speech = [s for s in timeline.segments if s.kind == "speech"]
    assert [s.text for s in speech] == ["Breathe in.", "Now listen.", "Breathe out slowly.",
                                        "Rest your hands."]
    # went on after "Breathe out slowly." (in the gap after it), not from the section's start
    assert player.sync(5.0)
    assert player.position_sample >= speech[2].end_sample
    practice_id = window.flow.practice_id
    qtbot.waitUntil(lambda: not window.flow.active, timeout=RENDER_TIMEOUT_MS)
    assert window.ctx.player.state == ev.FINISHED
    qtbot.waitUntil(lambda: store.get_practice(practice_id).speech_rate == 1.0, timeout=5000)
    assert window.ctx.prefs.rate == usual  # Settings keep the usual speed


def test_a_continued_practice_goes_on_at_the_speed_it_was_played_at(
        window, qtbot, tiny_session: Path, store) -> None:
    """Once a continued practice played at the speed in Settings, though the listener had
    chosen another in it (and its saved position is a place at that speed)."""
    usual = window.ctx.prefs.rate
    pid = window.ctx.profile_id
    store.start_practice(pid, "tiny", "", "interactive", speech_rate=1.0)
    store._open_here.clear()  # as a new process's store sees the practice it left open
    [interrupted] = store.interrupted_practices(pid)
    assert interrupted.speech_rate == 1.0 != usual
    start_interactive(window, qtbot, tiny_session, store, interrupted)
    player = window.ctx.player
    assert player.settings.rate == 1.0
    box = window.player.speed_box
    assert box.itemData(box.currentIndex()) == 1.0  # the player shows the speed it plays at
    qtbot.waitUntil(lambda: window.flow.practice_id not in (None, interrupted.id), timeout=5000)
    assert store.get_practice(window.flow.practice_id).speech_rate == 1.0
    assert window.ctx.prefs.rate == usual
