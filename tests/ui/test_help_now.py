"""Crisis help that is right for where the listener lives, and reachable from everywhere:
"Where do you live?" (never guessed), Help now (header, F1, tray), the stop screen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def open_help_now(window, qtbot):
    window.today.start_button.setFocus()
    QTest.keyClick(window.today.start_button, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "help_dialog", None) is not None
                    and window.help_dialog.isVisible(), timeout=2000)
    return window.help_dialog


def test_f1_opens_help_now_with_every_region_until_the_listener_says(window, qtbot,
                                                                      store) -> None:
    assert store.get_profile(window.ctx.profile_id).region is None
    dialog = open_help_now(window, qtbot)
    page = dialog.help_now
    assert dialog.tabs.currentWidget() is page
    assert "Feel your feet on the floor" in page.grounding.text()
    assert "has stopped" not in page.grounding.text()
    text = page.crisis.crisis_label.text()
    for number in ("988", "116 123", "13 11 14", "911", "999", "000"):
        assert number in text, number
    assert not page.chooser.isHidden()  # asked here, not guessed from the computer
    page.chooser.combo.setCurrentIndex(page.chooser.combo.findData("IE"))
    page.chooser.combo.activated.emit(page.chooser.combo.currentIndex())
    qtbot.waitUntil(lambda: store.get_profile(window.ctx.profile_id).region == "IE", timeout=2000)
    assert "Help in Ireland" in page.crisis.region_label.text()
    assert "116 123" in page.crisis.crisis_label.text()
    assert "call 112 or 999" in page.crisis.crisis_label.text()
    assert "988" not in page.crisis.crisis_label.text()
    dialog.accept()


def test_help_now_is_on_the_header_of_every_page_and_shows_the_profiles_region(
        window, qtbot, store) -> None:
    store.set_region(window.ctx.profile_id, "US")
    window.ctx.reload_profile()
    for key in ("today", "library", "history", "settings"):
        window.show_page(key)
        assert window.help_now_button.isVisible() and window.help_now_button.isEnabled()
    QTest.mouseClick(window.help_now_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.help_dialog.isVisible(), timeout=2000)
    page = window.help_dialog.help_now
    assert page.chooser.isHidden()
    assert "988" in page.crisis.crisis_label.text()
    assert "call 911" in page.crisis.crisis_label.text()
    window.help_dialog.accept()


def test_the_stop_screen_names_the_emergency_number(window, store) -> None:
    screen = window.stop_screen
    region = screen.show_for_region("GB")
    assert region is not None and region.code == "GB"
    assert "Samaritans" in screen.crisis_label.text() and "116 123" in screen.crisis_label.text()
    assert "call 999 or 112" in screen.crisis_label.text()
    assert screen.chooser.isHidden()
    assert screen.show_for_region(None) is None  # not chosen: every region, and the question
    assert not screen.chooser.isHidden() and "13 11 14" in screen.crisis_label.text()
    screen.show_for_region("elsewhere")
    assert "local emergency number" in screen.crisis_label.text()


def test_a_new_profile_says_where_that_person_lives(window, qtbot, store) -> None:
    window.show_page("settings")
    QTest.mouseClick(window.settings.new_profile_button, Qt.MouseButton.LeftButton)
    dialog = window.settings.new_profile_dialog
    qtbot.waitUntil(dialog.isVisible, timeout=2000)
    QTest.keyClicks(dialog.name, "Client D")
    assert not dialog.ok_button.isEnabled()  # a name alone is not enough
    dialog.chooser.combo.setCurrentIndex(dialog.chooser.combo.findData("CA"))
    assert dialog.ok_button.isEnabled()
    QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.ctx.profile.name == "Client D", timeout=2000)
    assert store.get_profile(window.ctx.profile_id).region == "CA"
