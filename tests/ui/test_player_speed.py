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
