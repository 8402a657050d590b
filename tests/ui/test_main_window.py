"""The window: library in program order, broken scripts named, first-run notice once per
profile, state kept between runs, one instance at a time."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest


def test_library_lists_the_bundled_program_in_order(window, qtbot, tmp_path: Path) -> None:
    window.show_page("library")
    lst = window.library.session_list
    ids = [lst.item(i).data(Qt.ItemDataRole.UserRole) for i in range(lst.count())]
    ids = [i for i in ids if i]
    assert ids[:6] == ["stretch-breathe", "eye-center", "nesting-doll", "situation-solver",
                       "life-globe", "bam"]
    headings = [lst.item(i).text() for i in range(lst.count())
                if not lst.item(i).data(Qt.ItemDataRole.UserRole)]
    assert headings[:2] == ["Week 1", "Week 2"] and "Any time" in headings
    lst.setCurrentRow(1)
    assert window.library.title.text() == "Stretching and Breathing"
    assert "minutes" in window.library.length.text()


def test_a_broken_user_script_is_named_not_fatal(window, private_folders: Path) -> None:
    folder = private_folders / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "mine.session.md").write_text("no front matter\n", encoding="utf-8")
    window.show_page("library")
    assert "mine.session.md:1:1" in window.library.errors_label.text()
    assert not window.library.errors_label.isHidden()
    assert window.library.session_list.count() >= 6


def test_today_suggests_the_first_practice_and_shows_the_week(window) -> None:
    today = window.today
    assert today.next_title.text() == "Stretching and Breathing"
    assert "Week 1" in today.next_reason.text()
    assert "No practice yet this week" in today.week_text.text()
    assert today.resume_card.isHidden()


def test_an_interrupted_practice_can_be_continued(window, store) -> None:
    pid = window.ctx.profile_id
    old = store.start_practice(pid, "eye-center", "x", "hands-free")
    store.checkpoint(old, 452_000, 400_000)
    store._open_here.discard(old)  # as if the process had died
    window.show_page("today")
    assert not window.today.resume_card.isHidden()
    assert "7:32" in window.today.resume_label.text()
    assert "Eye in the Center" in window.today.resume_label.text()


def test_first_run_notice_once_per_profile(window, qtbot, tiny_session: Path, store) -> None:
    window.start_practice(str(tiny_session))
    dialog = window.pages.first_run
    assert dialog is not None and dialog.isVisible()
    assert "does not replace" in dialog.body.text()
    assert "Talk to a clinician first if" in dialog.body.text()
    # "Where do you live?" is asked, never guessed: nothing is chosen and the notice waits
    assert dialog.region() == "" and not dialog.accept_button.isEnabled()
    assert "Help, wherever you live" in dialog.crisis.region_label.text()
    assert all(n in dialog.crisis.crisis_label.text() for n in ("988", "116 123", "13 11 14"))
    index = dialog.chooser.combo.findData("AU")
    dialog.chooser.combo.setCurrentIndex(index)
    assert dialog.accept_button.isEnabled()
    assert "13 11 14" in dialog.crisis.crisis_label.text()
    assert "call 000" in dialog.crisis.crisis_label.text() and "988" not in dialog.crisis.crisis_label.text()
    QTest.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    profile = store.get_profile(window.ctx.profile_id)
    assert profile.notice_accepted_ms is not None and profile.region == "AU"
    qtbot.waitUntil(lambda: window.current_page() is window.checkin, timeout=5000)
    QTest.mouseClick(window.checkin.back_button, Qt.MouseButton.LeftButton)
    window.start_practice(str(tiny_session))
    assert window.pages.first_run is None and window.current_page() is window.checkin
    QTest.mouseClick(window.checkin.back_button, Qt.MouseButton.LeftButton)
    window.settings.create_profile("Client A")
    assert store.get_profile(window.ctx.profile_id).name == "Client A"
    assert window.profile_combo.currentText() == "Client A"
    window.start_practice(str(tiny_session))
    assert window.pages.first_run is not None and window.pages.first_run.isVisible()
    window.pages.first_run.reject()


def test_state_is_saved_and_the_last_profile_comes_back(window, store, private_folders) -> None:
    second = store.create_profile("Client B", "client")
    window.refresh_profiles()
    window.ctx.set_profile(second)
    window.close()
    saved = json.loads((private_folders / "gui-state.json").read_text())
    assert saved["last_profile_id"] == second and saved["geometry"]
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.state import load_state

    assert AppContext(store, load_state()).profile_id == second


def test_a_second_instance_is_refused_politely(qtbot, store, monkeypatch) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    from mit_desktop.ui.application import create_window

    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda *a: shown.append(a[1:]))
    assert create_window(QApplication.instance()) is None
    assert shown and "already open" in shown[0][0]


def test_text_size_and_contrast_apply_to_the_whole_window(window, qtbot) -> None:
    from PySide6.QtWidgets import QApplication

    window.show_page("settings")
    base = QApplication.instance().font().pointSizeF()
    window.settings.text_size.setCurrentIndex(window.settings.text_size.findData(200))
    assert QApplication.instance().font().pointSizeF() == 2 * base
    window.settings.high_contrast.setChecked(True)
    assert QApplication.instance().palette().window().color().name() == "#000000"
    assert window.ctx.state.text_scale == 200 and window.ctx.state.high_contrast


def test_the_frame_is_painted_before_the_history_opens(qtbot, store, sync_tasks) -> None:
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state

    calls = []

    def opener():
        calls.append(window.loading.isVisible())
        return AppContext(store, load_state())

    window = MainWindow(None, opener)
    qtbot.addWidget(window)
    assert not window.ready and window.stack.currentWidget() is window.loading
    window.show()
    qtbot.waitUntil(lambda: window.ready, timeout=5000)
    assert calls == [True]  # the loading frame was on screen when the history was opened
    assert window.current_page() is window.today


def test_the_window_closes_when_the_history_cannot_be_opened(qtbot) -> None:
    from mit_desktop.ui.main_window import MainWindow

    window = MainWindow(None, lambda: None)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)


def test_quick_reset_and_quiet_practice_are_one_click_away(window, qtbot, store) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    QTest.mouseClick(window.today.bam_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    assert window.flow.session.id == "bam"
    QTest.mouseClick(window.checkin.back_button, Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.today.quiet_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    assert window.flow.session.id == "quiet-10" and window.flow.session.module == "quiet"
    assert "Quiet practice" in window.checkin.session_label.text()


def test_the_window_title_names_the_profile(window, store) -> None:
    assert window.windowTitle() == "MIT Desktop – Me"
    client = store.create_profile("Client C", "client")
    window.refresh_profiles()
    window.ctx.set_profile(client)
    assert window.windowTitle() == "MIT Desktop – Client C"
    assert window.profile_combo.currentText() == "Client C"
