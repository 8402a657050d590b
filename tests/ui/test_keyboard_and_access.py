"""Keyboard-only use of a practice, and an accessible name on every interactive widget."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from mit_desktop.playback import events as ev
from mit_desktop.practice.answers import AnswerTarget

RENDER_TIMEOUT_MS = 60_000


def press(key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """A key press delivered where the keyboard focus is, as a user's would be."""
    focus = QApplication.focusWidget()
    assert focus is not None, "nothing has the keyboard focus"
    QTest.keyClick(focus, key, modifier)


def test_a_practice_by_keyboard_alone(window, qtbot, tiny_session: Path, store) -> None:
    window.ctx.prefs.mode = "interactive"
    window.activateWindow()
    window.today.start_button.setFocus()  # where the keyboard starts when the program opens
    press(Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # All practices
    lib = window.library
    qtbot.waitUntil(lambda: lib.session_list.count() > 6, timeout=5000)
    for _ in range(12):  # Tab through the header to the list
        if QApplication.focusWidget() is lib.session_list:
            break
        press(Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is lib.session_list
    while lib.current_id() != "tiny":
        press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Return)  # Enter starts the chosen practice
    dialog = window.pages.first_run
    qtbot.waitUntil(lambda: dialog is not None and dialog.isVisible(), timeout=5000)
    assert dialog.focusWidget() is dialog.chooser.combo  # "Where do you live?" first
    QTest.keyClick(dialog.chooser.combo, Qt.Key.Key_Down)  # the first listed region
    assert dialog.region() != "" and dialog.accept_button.isEnabled()
    QTest.keyClick(dialog.accept_button, Qt.Key.Key_Return)  # the default button
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    assert QApplication.focusWidget() is window.checkin.go_button
    press(Qt.Key.Key_Return)  # Start listening
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state in (ev.PLAYING, ev.REFLECTION),
                    timeout=RENDER_TIMEOUT_MS)
    if player.state == ev.PLAYING:
        press(Qt.Key.Key_Space)  # pause (the tiny session may reach its reflection first)
        qtbot.waitUntil(lambda: player.state in (ev.PAUSED, ev.REFLECTION), timeout=5000)
        if player.state == ev.PAUSED:
            press(Qt.Key.Key_Space)  # and on
    reflection = window.reflection
    qtbot.waitUntil(lambda: window.current_page() is reflection, timeout=RENDER_TIMEOUT_MS)
    assert QApplication.focusWidget() is reflection.note
    for ch in "ok":
        press(getattr(Qt.Key, f"Key_{ch.upper()}"))
    QTest.keyClicks(QApplication.focusWidget(), " now")
    press(Qt.Key.Key_Tab)  # leave the note; Tab goes on to the rating
    assert QApplication.focusWidget() is reflection.rating.buttons[0]
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Space)  # chooses 2
    assert reflection.rating.value() == 2
    press(Qt.Key.Key_Return)  # Enter outside the note: Continue
    checkin = window.checkin
    qtbot.waitUntil(lambda: window.current_page() is checkin and checkin.phase == "after",
                    timeout=RENDER_TIMEOUT_MS)
    assert QApplication.focusWidget() is checkin.go_button
    press(Qt.Key.Key_Return)
    practice = store.list_practices(window.ctx.profile_id)[0]
    assert practice.completed
    [saved] = store.reflections(practice.id)
    assert saved.note == "ok now" and saved.rating == 2


def test_space_and_arrows_control_the_player(window, qtbot, tiny_session: Path, store,
                                             monkeypatch) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    press(Qt.Key.Key_Return)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)
    seeks = []
    monkeypatch.setattr(player, "seek_ms", seeks.append)
    window.player.progress.setFocus()
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Left)
    assert len(seeks) == 2 and seeks[0] > seeks[1]
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state == ev.PAUSED, timeout=2000)
    # the player's state changes on its own thread; the button follows when the queued signal lands
    qtbot.waitUntil(lambda: window.player.play_button.text() == "Play", timeout=2000)
    press(Qt.Key.Key_Escape)  # I need to stop
    assert window.current_page() is window.stop_screen


def test_help_lists_the_shortcuts(window, qtbot) -> None:
    press_target = window.today.start_button
    press_target.setFocus()
    QTest.keyClick(press_target, Qt.Key.Key_F1)
    qtbot.waitUntil(lambda: getattr(window, "help_dialog", None) is not None
                    and window.help_dialog.isVisible(), timeout=2000)
    text = window.help_dialog.table.text()
    for keys in ("Space", "Left / Right arrow", "Escape", "F1", "Tab"):
        assert keys in text
    window.help_dialog.accept()


INTERACTIVE = (QAbstractButton, QComboBox, QAbstractSlider, QLineEdit, QPlainTextEdit,
               QAbstractSpinBox, QAbstractItemView)


def inside_combo_popup(w: QWidget) -> bool:
    """True for the parts of a combo box's popup list, or of a spin box."""
    w = w.parentWidget()
    while w is not None:
        if isinstance(w, (QComboBox, QAbstractSpinBox)):
            return True
        w = w.parentWidget()
    return False


def in_body_map(w: QWidget) -> bool:
    """The body-map widget's own controls are checked in its own tests."""
    while w is not None:
        if type(w).__name__ == "BodyMapWidget":
            return True
        w = w.parentWidget()
    return False


def interactive_widgets(root: QWidget) -> list[QWidget]:
    """Every widget a user can operate, without the parts inside compound widgets."""
    found = []
    for w in [root, *root.findChildren(QWidget)]:
        parent = w.parentWidget()
        if isinstance(parent, (QComboBox, QAbstractSpinBox)) or inside_combo_popup(w):
            continue  # the parts inside a combo box or spin box
        if type(w).__name__ in ("QScrollBar",):
            continue  # scroll bars are reached through their area
        if isinstance(w, INTERACTIVE) or w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            if w.focusPolicy() == Qt.FocusPolicy.NoFocus and not isinstance(w, INTERACTIVE):
                continue
            found.append(w)
    return found


def unnamed(root: QWidget) -> list[str]:
    return [f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r} in "
            f"{type(w.parentWidget()).__name__}"
            for w in interactive_widgets(root) if not w.accessibleName()]


def test_every_interactive_widget_has_an_accessible_name(window, qtbot, tiny_session: Path,
                                                         store) -> None:
    from mit_desktop.ui.help import HelpDialog
    from mit_desktop.ui.safety import FirstRunDialog

    for key in ("today", "library", "history", "settings"):
        window.show_page(key)
    window.player.more_button.setChecked(True)
    window.player.show_presenter()
    window.reflection.show_reflection(AnswerTarget(window.ctx.profile_id, "reflection-1"),
                                      "What now?", ("note", "rating", "body-map"))
    window.stop_screen.show_for_region("US")
    window.checkin.show_phase("before", "Tiny")
    widgets = interactive_widgets(window)
    assert len(widgets) > 150  # the walk reaches every page, the body map included
    assert unnamed(window) == []
    undescribed = [f"{type(w).__name__} {w.accessibleName()}" for w in widgets
                   if not w.accessibleDescription()
                   and not in_body_map(w) and isinstance(w, INTERACTIVE)]
    assert undescribed == [], "\n".join(undescribed)
    for dialog_type in (HelpDialog, FirstRunDialog):
        dialog = dialog_type(window)
        assert unnamed(dialog) == []
        dialog.deleteLater()
    assert unnamed(window.player.presenter) == []
    window.player.presenter.close()


def test_targets_are_at_least_44_pixels(window, qtbot) -> None:
    window.show_page("today")
    small = [w.accessibleName() for w in window.today.findChildren(QAbstractButton)
             if w.isVisible() and (w.height() < 44 or w.width() < 44)]
    assert small == []
    window.show_page("settings")
    small = [w.accessibleName() for w in window.settings.findChildren(QWidget)
             if isinstance(w, INTERACTIVE) and w.isVisible() and w.height() < 44
             and not isinstance(w.parentWidget(), (QComboBox, QAbstractSpinBox))
             and type(w).__name__ != "QScrollBar"]
    assert small == []

