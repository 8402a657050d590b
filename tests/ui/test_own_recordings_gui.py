"""An imported recording is first-class in the library: its length shown, renamed, its
reflections' inputs chosen and deleted from the window."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QInputDialog, QMessageBox

from mit_desktop import paths
from mit_desktop.session.parser import parse_session
from mit_desktop.ui import own_session_actions


def _select(library, session_id: str) -> None:
    for i in range(library.session_list.count()):
        if library.session_list.item(i).data(Qt.ItemDataRole.UserRole) == session_id:
            library.session_list.setCurrentRow(i)
            return
    raise AssertionError(f"{session_id} is not listed")


def test_a_recording_is_renamed_given_inputs_and_deleted(window, tmp_path: Path,
                                                          monkeypatch) -> None:
    audio = tmp_path / "evening_talk.wav"
    sf.write(audio, np.zeros(22_050 * 100, dtype=np.int16), 22_050)
    labels = tmp_path / "labels.txt"
    labels.write_text("30.0\t30.0\tHow does that feel?\n60.5\t61\tWhere in your body?\n",
                      encoding="utf-8")
    (tmp_path / "evening_talk.srt").write_text("1\n00:00:01,000 --> 00:00:02,000\nGood evening.\n",
                                              encoding="utf-8")
    library = window.library
    window.show_page("library")
    library.import_recording(audio, labels)
    recordings = paths.data_dir() / "sessions" / "recordings"
    assert (recordings / "evening_talk.srt").is_file()  # its captions came with it
    _select(library, "evening-talk")
    script = paths.data_dir() / "sessions" / "evening_talk.session.md"
    assert library.length.text() == "About 3 minutes"  # 100 s of talk, two 30 s reflections: 2.7 min
    assert library.rename_button.isVisible() and library.delete_button.isVisible()

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Anna's evening talk", True))
    library.rename_button.click()
    assert parse_session(script).title == "Anna's evening talk"
    _select(library, "evening-talk")
    assert library.title.text() == "Anna's evening talk"

    def accept(dialog) -> int:
        dialog.boxes["note"].setChecked(False)
        dialog.boxes["body-map"].setChecked(True)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(own_session_actions.InputsDialog, "exec", accept)
    library.inputs_button.click()
    assert [r.inputs for r in parse_session(script).reflections] == [("body-map",), ("body-map",)]

    _select(library, "stretch-breathe")
    assert not library.delete_button.isVisible()  # the program's practices are not the user's
    _select(library, "evening-talk")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    library.delete_button.click()
    assert not script.exists()
    assert not (recordings / "evening_talk.wav").exists()
    assert not (recordings / "evening_talk.srt").exists()
    ids = [library.session_list.item(i).data(Qt.ItemDataRole.UserRole)
           for i in range(library.session_list.count())]
    assert "evening-talk" not in ids
