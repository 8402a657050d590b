"""What a screen reader gets, through Qt's accessibility interfaces (what Qt puts on the
AT-SPI bus on Linux; Orca itself is not run here): every visible text has an accessible
equivalent, every control a name, exclusive choices are radio buttons, and live changes
are announced."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QDateEdit,
    QLabel,
    QScrollArea,
    QTextEdit,
    QTimeEdit,
    QWidget,
)
from screen_walk import walk
from test_keyboard_and_access import interactive_widgets

from mit_desktop.playback import events as ev
from mit_desktop.ui import access

RENDER_TIMEOUT_MS = 60_000
NAME = QAccessible.Text.Name


def iface(w: QWidget):  # type: ignore[no-untyped-def]
    return QAccessible.queryAccessibleInterface(w)


def _plain(text: str) -> str:
    from PySide6.QtGui import QTextDocument

    doc = QTextDocument()
    doc.setHtml(text) if "<" in text else doc.setPlainText(text)
    return " ".join(doc.toPlainText().split())


def _words_heard(text: str, name: str) -> bool:
    """Every word and number of ``text`` is in ``name`` (a short form as part of a longer
    word: "Mon" in "Monday"); signs (○, –, ✓) may be said in words instead."""
    words = re.findall(r"\w+", _plain(text).lower())
    heard = _plain(name).lower()
    return bool(words) and all(word in heard for word in words)


def unheard_texts(page: QWidget) -> list[str]:
    """Visible texts a screen reader cannot get: a label whose accessible name is not its
    text, or a long text without a text interface."""
    missing = []
    for w in page.findChildren(QWidget):
        if not w.isVisible():
            continue
        if isinstance(w, QLabel) and w.text().strip() and w.pixmap().isNull():
            name = " ".join((iface(w).text(NAME) or "").split())
            if _plain(w.text()) not in _plain(name) and not _words_heard(w.text(), name):
                missing.append(f"label {w.text()[:40]!r} is heard as {name[:40]!r}")
        elif isinstance(w, QTextEdit) and w.toPlainText().strip():
            text_iface = iface(w).textInterface()
            if text_iface is None or not text_iface.text(0, text_iface.characterCount()).strip():
                missing.append(f"text {w.toPlainText()[:40]!r} has no text interface")
    return missing


def test_every_visible_text_is_reachable_by_a_screen_reader(window, qtbot) -> None:
    """Once ~20 labels had fixed names ("Caption", "Crisis help for your region") that hid
    their text: 988 was never spoken."""
    problems = {}
    for screen, page in walk(window):
        missing = unheard_texts(page)
        if missing:
            problems[screen] = missing
    assert problems == {}, problems
    stop = window.stop_screen
    assert "988" in iface(stop.crisis_label).text(NAME)
    grounding = iface(stop.grounding).textInterface()
    assert "feet" in grounding.text(0, grounding.characterCount())  # line by line


def test_first_run_notice_and_help_are_readable(window, qtbot) -> None:
    from mit_desktop.ui.help import HelpDialog
    from mit_desktop.ui.safety import FirstRunDialog

    for dialog in (FirstRunDialog(window), HelpDialog(window)):
        dialog.show()
        QApplication.processEvents()
        if isinstance(dialog, HelpDialog):
            for i in range(dialog.tabs.count()):
                dialog.tabs.setCurrentIndex(i)
                assert unheard_texts(dialog) == [], dialog.tabs.tabText(i)
        else:
            assert unheard_texts(dialog) == []
        dialog.close()


def test_the_first_run_notice_says_what_its_scrolling_part_holds(window, qtbot) -> None:
    """Tab from "Where do you live?" stops on the notice's scrolling part (the arrow keys
    scroll it); Orca said only its name, "Safety information". What a reader hears there now
    is the crisis help it shows, every word and number, for the region chosen, and that the
    notice follows."""
    from mit_desktop.ui.safety import FirstRunDialog

    dialog = FirstRunDialog(window)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(dialog.chooser.combo.hasFocus, timeout=2000)
    said_for = {}
    for code in ("", "US", "GB"):
        dialog.chooser.set_code(code)
        dialog.chooser.combo.setFocus()
        QTest.keyClick(dialog.chooser.combo, Qt.Key.Key_Tab)
        area = QApplication.focusWidget()
        assert isinstance(area, QScrollArea), area
        said = _crisis_heard(area, dialog.crisis, code)
        assert "Crisis help" in said and dialog.windowTitle() in said and "Tab" in said
        said_for[code] = said
    assert "988" in said_for["US"] and "999" in said_for["GB"]
    dialog.close()


def _crisis_heard(area: QScrollArea, crisis: Any, code: str) -> str:
    """What a screen reader says on `area`'s Tab stop (name, then description); asserts that
    every word and number the crisis panel shows (at least two of its texts) is in it."""
    i = iface(area)
    said = f"{i.text(NAME)}. {i.text(QAccessible.Text.Description)}"
    shown = [w.text() for w in (crisis.region_label, crisis.crisis_label, crisis.notes_label)
             if w.text()]
    assert len(shown) >= 2
    for text in shown:
        assert _words_heard(text, said), (code, text, said)
    return said


def test_help_now_says_whom_to_call_on_its_tab_stop(window, qtbot) -> None:
    """Help now's scrolling page was heard as "Help now" alone; its description is whom to
    call, every word and number, for everywhere and then for the region chosen there."""
    from mit_desktop.ui.help import HELP_NOW, HelpDialog

    dialog = HelpDialog(window, None)
    dialog.show_page(HELP_NOW)
    dialog.show()
    page = dialog.help_now
    area = page.findChild(QScrollArea)
    for code in ("", "GB"):
        if code:
            index = page.chooser.combo.findData(code)
            page.chooser.combo.setCurrentIndex(index)
            page.chooser.combo.activated.emit(index)
        said = _crisis_heard(area, page.crisis, code)
    assert "116 123" in said and "Canada" not in said
    dialog.close()


def test_every_control_has_a_name_and_exclusive_choices_are_radio_buttons(window, qtbot) -> None:
    unnamed, wrong_roles = [], []
    checked = 0
    for screen, page in itertools.chain(walk(window), [("header", window.centralWidget())]):
        for w in interactive_widgets(page):
            if not w.isVisible():
                continue
            i = iface(w)
            checked += 1
            if not (i.text(NAME) or "").strip():
                unnamed.append(f"{screen}: {type(w).__name__}")
            exclusive = isinstance(w, QAbstractButton) and w.isCheckable() and (
                (w.group() is not None and w.group().exclusive()) or w.autoExclusive())
            if exclusive and i.role() != QAccessible.Role.RadioButton:
                wrong_roles.append(f"{screen}: {i.text(NAME)!r} is a {i.role().name}")
    assert checked > 100
    assert unnamed == []
    assert wrong_roles == []
    for b in window.nav_buttons.values():  # the sections are one choice, not check boxes
        assert iface(b).role() == QAccessible.Role.RadioButton


def checked_choices(group) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the checked radio buttons among an accessible group's children."""
    found = []
    for i in range(group.childCount()):
        child = group.child(i)
        if child.role() == QAccessible.Role.RadioButton and child.state().checked:
            found.append(child.text(NAME))
    return found


def test_rating_rows_and_progress_expose_their_value(window, qtbot) -> None:
    """Once the value was only in descriptions, then only in the checked radio button (a
    reader entering the row says the group's name, not which button is checked): a rating
    row is a group of radio buttons whose checked one is the value, and whose name is its
    question with the value; the progress is a slider whose value (seconds played) and
    maximum (the length) a reader gets as numbers."""
    window.show_page("checkin")
    rating = window.checkin.mood
    row = iface(rating)
    assert row.role() == QAccessible.Role.Grouping
    assert row.text(NAME) == "How is your mood?: not chosen yet"
    assert checked_choices(row) == []
    assert "not chosen" in rating.accessibleDescription().lower()
    rating.buttons[7].click()
    assert checked_choices(row) == ["How is your mood?: 7 of 10"]
    assert row.text(NAME) == "How is your mood?: 7 of 10"
    assert "7" in row.text(QAccessible.Text.Description)
    rating.buttons[6].setFocus()
    QTest.keyClick(rating.buttons[6], Qt.Key.Key_Space)  # by keyboard too
    assert row.text(NAME) == "How is your mood?: 6 of 10"
    rating.set_value(3)
    assert row.text(NAME) == "How is your mood?: 3 of 10"
    rating.set_value(None)
    assert checked_choices(row) == []
    assert row.text(NAME) == "How is your mood?: not chosen yet"
    progress = window.player.progress
    progress.set_state(65_000, 600_000, [0], [])
    value = iface(progress).valueInterface()
    assert value is not None
    assert (value.currentValue(), value.minimumValue(), value.maximumValue()) == (65, 0, 600)
    progress.set_state(69_000, 600_000, [0], [])  # while playing: every 10 s, not every second
    assert value.currentValue() == 65
    progress.set_state(75_000, 600_000, [0], [])
    assert value.currentValue() == 75
    progress.set_state(300_000, 600_000, [0], [])  # a jump: at once
    assert value.currentValue() == 300
    assert "5:00" in iface(progress).text(QAccessible.Text.Description)
    assert "10:00" in iface(progress).text(QAccessible.Text.Description)


def test_live_texts_keep_their_text_as_their_name(window, qtbot) -> None:
    player = window.player
    for label in (player.caption_label, player.section_label, player.status_label,
                  player.elapsed_label):
        label.setText("Feel your feet on the floor.")
        assert iface(label).text(NAME) == "Feel your feet on the floor."


@pytest.fixture
def heard() -> list[tuple[str, bool]]:
    said: list[tuple[str, bool]] = []

    def listen(_widget, text: str, assertive: bool) -> None:
        said.append((text, assertive))

    access.listeners.append(listen)
    yield said
    access.listeners.remove(listen)


def test_practice_changes_are_announced(window, qtbot, tiny_session: Path, store,
                                        heard) -> None:
    window.ctx.prefs.mode = "interactive"
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    window.checkin.go_button.click()
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)
    window.player.toggle_play()
    qtbot.waitUntil(lambda: ("Paused", False) in heard, timeout=2000)
    window.player.toggle_play()
    qtbot.waitUntil(lambda: ("Playing", False) in heard, timeout=2000)
    qtbot.waitUntil(lambda: window.current_page() is window.reflection,
                    timeout=RENDER_TIMEOUT_MS)
    question = "What do you notice in your body?"
    assert any(question in text for text, _ in heard)  # the reflection question, spoken
    focused = QApplication.focusWidget()
    assert question in focused.accessibleDescription()  # and on the focused control
    window.reflection.stop_button.click()
    assert any("988" in text or "116 123" in text or "emergency" in text
               for text, assertive in heard if assertive)


def test_sound_problems_and_messages_are_announced(window, qtbot, heard) -> None:
    window.player._on_error(ev.PlayerError(kind="device", message="gone", position_ms=5000,
                                           device_state="no-device", can_continue_silently=True))
    assert any("No sound device" in text and assertive for text, assertive in heard)
    window.show_message("The backup was made.")
    assert ("The backup was made.", False) in heard


def test_the_more_controls_toggle_is_named_by_its_label(window) -> None:
    window.show_page("player")
    more = window.player.more_button
    more.setChecked(not more.isChecked())
    assert more.accessibleName() == more.text()
    more.setChecked(not more.isChecked())
    assert more.accessibleName() == more.text()


def test_preparing_is_announced_in_steps(window, monkeypatch, heard) -> None:
    monkeypatch.setattr(window.flow, "active", True)
    player = window.player
    player._duration_ms = None
    player._preparing_heard = None
    for percent in (3, 10, 21, 35, 41):
        player._on_preparing(percent)
    assert [text for text, _ in heard] == ["Preparing… 3 %", "Preparing… 21 %",
                                           "Preparing… 41 %"]


def test_tab_onto_a_long_text_reads_its_text(window, qtbot) -> None:
    """Once the long texts were text browsers, which Qt shows a screen reader as a label:
    Tab onto the safety notice made Orca say its name ("Before you begin") and nothing
    more. Now each is read-only text: Orca says its name, then the line at the caret, and
    the arrows read on line by line."""
    from mit_desktop.ui.access import ReadingText
    from mit_desktop.ui.safety import FirstRunDialog

    dialog = FirstRunDialog(window)
    dialog.show()
    window.show_page("stop")
    texts = dialog.findChildren(ReadingText) + window.stop_screen.findChildren(ReadingText)
    assert len(texts) >= 2
    for text in texts:
        text.window().activateWindow()
        text.setFocus()
        qtbot.waitUntil(text.hasFocus, timeout=2000)
        i = iface(text)
        assert i.role() == QAccessible.Role.EditableText  # read-only text, not a label
        assert i.state().readOnly
        reading = i.textInterface()
        assert reading.cursorPosition() == 0
        first_line = text.toPlainText().strip().splitlines()[0]
        assert reading.text(0, reading.characterCount()).startswith(first_line)
    dialog.close()


def date_and_time_boxes(window):  # type: ignore[no-untyped-def]
    """Every date, time and date-and-time box of every screen and dialog, by where it is
    and its name; and the dialogs opened to find them (to close)."""
    from PySide6.QtWidgets import QDateTimeEdit

    from mit_desktop.ui.reminders.tray import ReminderSettingsDialog

    boxes: dict[str, QDateTimeEdit] = {}
    for screen, page in walk(window):
        for edit in page.findChildren(QDateTimeEdit):
            boxes[f"{screen}: {edit.accessibleName()}"] = edit
    window.show_page("history")
    manual = window.history.open_manual_log()
    reminders = ReminderSettingsDialog(window.ctx.store, window.ctx.profile_id)
    for dialog in (manual, reminders):
        for edit in dialog.findChildren(QDateTimeEdit):
            boxes[f"{dialog.accessibleName()}: {edit.accessibleName()}"] = edit
    kinds = {type(edit).__name__ for edit in boxes.values()}
    assert kinds == {"QDateEdit", "QTimeEdit", "QDateTimeEdit"}, kinds
    assert len(boxes) >= 8, sorted(boxes)
    return boxes, (manual, reminders)


def test_date_and_time_boxes_are_heard_as_the_text_they_show(window, qtbot) -> None:
    """Once a date or time box gave a reader only Qt's numeric value, which it does not
    have ("0 of 0..0" over AT-SPI). Each is named, and its description is what it shows in
    words, following every change."""
    from PySide6.QtCore import QDate, QDateTime, QTime

    boxes, (manual, reminders) = date_and_time_boxes(window)
    wrong = []
    for where, edit in boxes.items():
        i = iface(edit)
        edit.setMinimumDateTime(QDateTime(QDate(2000, 1, 1), QTime(0, 0)))
        edit.setDateTime(QDateTime(QDate(2026, 12, 1), QTime(9, 30)))
        first = i.text(QAccessible.Text.Description)
        edit.setDateTime(QDateTime(QDate(2026, 11, 30), QTime(21, 5)))
        second = i.text(QAccessible.Text.Description)
        if not i.text(NAME).strip():
            wrong.append(f"{where}: no name")
        if isinstance(edit, QTimeEdit):
            expected = ("09:30", "21:05")
        elif isinstance(edit, QDateEdit):
            expected = ("Tuesday 1 December 2026", "Monday 30 November 2026")
        else:
            expected = ("Tuesday 1 December 2026, 09:30", "Monday 30 November 2026, 21:05")
        if not (first.startswith(expected[0]) and second.startswith(expected[1])):
            wrong.append(f"{where}: heard {first!r}, then {second!r}")
    manual.close()
    reminders.close()
    assert wrong == []


def test_date_and_time_boxes_have_a_true_value(window, qtbot) -> None:
    """Over AT-SPI every date and time box had the value "0 of 0..0" (Qt's spin-box value,
    which such a box does not have). Its value is what it shows as a number, ISO 8601's
    digits (20261201 for 1 December 2026, 930 for 09:30), within its first and last
    possible dates as numbers, and follows every change; the range a box allows is true
    once it has the focus."""
    from PySide6.QtCore import QDate, QDateTime, QTime

    boxes, dialogs = date_and_time_boxes(window)
    wrong = []
    for where, edit in boxes.items():
        edit.setMinimumDateTime(QDateTime(QDate(2000, 1, 1), QTime(0, 0)))
        edit.setDateTime(QDateTime(QDate(2026, 12, 1), QTime(9, 30)))
        value = iface(edit).valueInterface()
        first = (value.currentValue(), value.minimumValue(), value.maximumValue())
        edit.setDateTime(QDateTime(QDate(2026, 11, 30), QTime(21, 5)))
        second = value.currentValue()
        if isinstance(edit, QTimeEdit):
            expected = (930, 0), 2105
        elif isinstance(edit, QDateEdit):
            expected = (20261201, 20000101), 20261130
        else:
            expected = (202612010930, 200001010000), 202611302105
        if first[:2] != expected[0] or second != expected[1] or not first[2] >= first[0]:
            wrong.append(f"{where}: value {first}, then {second}")
    assert wrong == []
    history = window.history
    window.show_page("history")
    history.to_edit.setMinimumDate(QDate(2026, 11, 2))  # (no signal: the date is unchanged)
    window.activateWindow()
    history.to_edit.setFocus()
    qtbot.waitUntil(history.to_edit.hasFocus, timeout=2000)
    assert iface(history.to_edit).valueInterface().minimumValue() == 20261102
    for dialog in dialogs:
        dialog.close()


def test_the_check_in_page_is_heard_from_the_button_that_has_the_focus(
        window, qtbot, tiny_session: Path, store) -> None:
    """Under Orca the check-in said only "Start listening push button": the practice, its
    safety note and the advice before every practice are labels, which focus never
    reaches. The focused button's description now says them first."""
    checkin = window.checkin
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(checkin.go_button.isEnabled, timeout=5000)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is checkin.go_button, timeout=2000)
    checkin.show_training("Noticing the body.")
    heard = iface(checkin.go_button).text(QAccessible.Text.Description)
    for said in ("Before you listen", "Tiny practice", "Stop whenever you like.",
                 "Noticing the body.", "I need to stop", "You can skip this.",
                 "start the practice"):
        assert said in heard, said
    checkin.show_phase("after", "Tiny practice")
    heard = iface(checkin.go_button).text(QAccessible.Text.Description)
    assert heard.startswith("Well done. Tiny practice. How are you now?"), heard
    assert "Stop whenever" not in heard and "return to Today" in heard


def test_while_preparing_keys_say_so_and_orca_43_hears_the_steps(window, qtbot, monkeypatch,
                                                                  heard) -> None:
    """Under Orca 43 (no announcements) "Preparing… N %" was silent for half a minute,
    and Space or an arrow then raised an error ("open() a session before playing it").
    Each step is now also the focused button's description, which Orca speaks when it
    changes, and the keys say the practice is still being prepared."""
    monkeypatch.setattr(window.flow, "active", True)
    monkeypatch.setattr(window.flow, "opened", False, raising=False)
    window.ctx.player  # noqa: B018 - the player exists, no session is open in it yet
    window.show_page("player")
    screen = window.player
    screen._duration_ms = None
    screen._preparing_heard = None
    screen.play_button.setFocus()
    qtbot.waitUntil(screen.play_button.hasFocus, timeout=2000)
    original = screen.play_button.accessibleDescription()
    descriptions: list[str] = []
    set_description = screen.play_button.setAccessibleDescription

    def record(text: str) -> None:
        descriptions.append(text)
        set_description(text)

    monkeypatch.setattr(screen.play_button, "setAccessibleDescription", record)
    screen._on_preparing(3)
    screen._on_preparing(21)
    # each step once, straight to the new text (Orca speaks every change of it)
    assert descriptions == [f"Preparing… 3 % {original}", f"Preparing… 21 % {original}"]
    screen.toggle_play()  # Space
    screen.seek_by(10_000)  # Right arrow
    screen.next_section()  # End
    assert any("still being prepared" in text for text, _ in heard)
    assert "still being prepared" in screen.play_button.accessibleDescription()
    assert window.ctx.player.session is None
