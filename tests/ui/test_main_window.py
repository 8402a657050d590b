from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from mit_desktop.ui.main_window import MainWindow


def test_window_lists_the_bundled_program_in_order(qtbot, tmp_path: Path) -> None:
    window = MainWindow()
    qtbot.addWidget(window)
    ids = [window.session_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(window.session_list.count())]
    assert ids[:6] == ["stretch-breathe", "eye-center", "nesting-doll", "situation-solver", "life-globe", "bam"]
    assert "Stretching" in window.session_list.item(0).text()
    shot = tmp_path / "main.png"
    assert window.grab().save(str(shot)) and shot.stat().st_size > 1000


def test_a_broken_user_script_is_named_not_fatal(qtbot, private_folders: Path) -> None:
    folder = private_folders / "sessions"
    folder.mkdir(parents=True)
    (folder / "mine.session.md").write_text("no front matter\n", encoding="utf-8")
    window = MainWindow()
    qtbot.addWidget(window)
    assert "mine.session.md:1:1" in window.errors_label.text()
    assert not window.errors_label.isHidden()
    assert window.session_list.count() >= 6
