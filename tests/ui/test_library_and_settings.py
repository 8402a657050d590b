"""Library imports (a recording with Audacity labels, a Piper voice), settings that reach
the practice, the player's section list and volumes, and closing mid-practice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from mit_desktop import paths
from mit_desktop.playback import events as ev

RENDER_TIMEOUT_MS = 60_000


def test_importing_a_recording_with_labels_lists_it(window, qtbot, tmp_path: Path) -> None:
    audio = tmp_path / "my_practice.wav"
    sf.write(audio, np.zeros(22_050 * 3, dtype=np.float32), 22_050)
    labels = tmp_path / "labels.txt"
    labels.write_text("1.0\t1.0\tHow does that feel?\n", encoding="utf-8")
    window.show_page("library")
    messages = []
    window.library.message.connect(messages.append)
    window.library.import_recording(audio, labels)
    assert "Imported" in messages[-1], messages
    ids = [window.library.session_list.item(i).data(Qt.ItemDataRole.UserRole)
           for i in range(window.library.session_list.count())]
    assert "my-practice" in ids
    script = (paths.data_dir() / "sessions" / "my_practice.session.md").read_text()
    assert "How does that feel?" in script and "[clip " in script
    assert (paths.data_dir() / "sessions" / "recordings" / "my_practice.wav").is_file()


def test_a_damaged_recording_is_named_at_import_not_when_it_plays(window, tmp_path: Path) -> None:
    """The window decodes the recording before importing it, as the command line does: a
    recording cut short (its header still promising the whole) is refused, nothing written."""
    audio = tmp_path / "cut.flac"
    tone = (0.3 * np.sin(np.arange(22_050 * 3) / 10)).astype(np.float32)
    sf.write(audio, tone, 22_050)
    whole = audio.read_bytes()
    audio.write_bytes(whole[: len(whole) // 2])  # its header still says 3 s
    labels = tmp_path / "labels.txt"
    labels.write_text("1.0\t1.0\tHow does that feel?\n", encoding="utf-8")
    messages = []
    window.library.message.connect(messages.append)
    window.library.import_recording(audio, labels)
    assert "could not be imported" in messages[-1] and "cut.flac" in messages[-1], messages
    assert "damaged" in messages[-1]
    assert not (paths.data_dir() / "sessions" / "cut.session.md").exists()


def test_a_bad_label_file_is_explained(window, tmp_path: Path) -> None:
    audio = tmp_path / "a.wav"
    sf.write(audio, np.zeros(22_050, dtype=np.float32), 22_050)
    labels = tmp_path / "labels.txt"
    labels.write_text("not a label\n", encoding="utf-8")
    messages = []
    window.library.message.connect(messages.append)
    window.library.import_recording(audio, labels)
    assert "could not be imported" in messages[-1] and "Audacity" in messages[-1]


def test_adding_a_piper_voice_copies_both_files(window, tmp_path: Path) -> None:
    model = tmp_path / "en_GB-test-low.onnx"
    model.write_bytes(b"not really a model")
    (tmp_path / "en_GB-test-low.onnx.json").write_text(
        json.dumps({"audio": {"sample_rate": 16000}, "language": {"code": "en_GB"}}))
    messages = []
    window.library.message.connect(messages.append)
    window.library.add_voice(model)
    assert "Voice added: en_GB-test-low" in messages[-1]
    assert (paths.voices_dir() / "en_GB-test-low.onnx").is_file()
    assert (paths.voices_dir() / "en_GB-test-low.onnx.json").is_file()
    window.library.add_voice(tmp_path / "missing.onnx")
    assert "settings file" in messages[-1]


def test_settings_reach_the_practice(window, store) -> None:
    settings = window.settings
    window.show_page("settings")
    settings.loved_one.setText("Mum")
    settings.loved_one.editingFinished.emit()
    settings.region.setCurrentIndex(settings.region.findData("IE"))
    settings.rate.setCurrentIndex(settings.rate.findData(0.65))
    settings.mode.setCurrentIndex(settings.mode.findData("interactive"))
    profile = store.get_profile(window.ctx.profile_id)
    assert profile.variables == {"loved_one": "Mum"} and profile.region == "IE"
    listening = window.flow.settings("hands-free")
    assert listening.variables["loved_one"] == "Mum" and listening.rate == 0.65
    assert window.ctx.prefs.mode == "interactive"
    settings.evening.setTime(settings.evening.time().addSecs(3600))
    settings.evening.editingFinished.emit()
    assert store.settings(window.ctx.profile_id).evening_reminder.hour == 20


def test_two_clicks_from_today_to_listening(window, qtbot, tiny_session: Path, store) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    assert window.today.data.next_entry.id == "stretch-breathe"
    window.today.startRequested.disconnect()  # the tiny session instead, to be quick
    window.today.startRequested.connect(lambda _ref, resume: window.start_practice(
        str(tiny_session), resume))
    QTest.mouseClick(window.today.start_button, Qt.MouseButton.LeftButton)  # click 1
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)  # click 2
    qtbot.waitUntil(lambda: window.ctx.player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)


def test_sections_volumes_and_closing_mid_practice(window, qtbot, tiny_session: Path,
                                                   store, monkeypatch) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    player = window.ctx.player
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)
    screen = window.player
    screen.more_button.setChecked(True)
    qtbot.waitUntil(lambda: screen.section_list.count() == 2, timeout=5000)
    assert screen.section_list.item(1).text().endswith("Ending")
    jumps = []
    monkeypatch.setattr(player, "seek_section", jumps.append)
    screen.section_list.setCurrentRow(1)
    screen.section_list.itemActivated.emit(screen.section_list.item(1))
    assert jumps == [1]
    screen.volumes["ambience"].slider.setValue(40)
    assert abs(player.volumes.ambience - 0.4) < 1e-9
    assert window.ctx.prefs.ambience_volume == 0.4
    qtbot.waitUntil(lambda: window.flow.practice_id is not None, timeout=5000)
    practice_id = window.flow.practice_id
    window.close()  # mid-practice: kept open, to be continued
    practice = store.get_practice(practice_id)
    assert practice.status == "in_progress" and practice.position_ms > 0
