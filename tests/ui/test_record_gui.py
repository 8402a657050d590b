"""The recorder's windows: the level meter, paragraph takes with retakes, the whole take's
proposals on the waveform, keyboard and 200 % text; one take through a real microphone
(the private PulseAudio server's)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QWidget
from recording.synthetic import RATE, recording
from recording.test_record_silences import PARTS
from ui.test_text_size import layout_problems

from mit_desktop.recording.capture import TakeResult
from mit_desktop.recording.levels import CLIPPING, TOO_QUIET, BlockLevel, LevelState
from mit_desktop.recording.silences import SECTION
from mit_desktop.session.model import Clip
from mit_desktop.session.parser import parse_session
from mit_desktop.ui import access
from mit_desktop.ui.studio.record_meter import LevelMeter
from mit_desktop.ui.studio.record_paragraphs import RecordParagraphsDialog
from mit_desktop.ui.studio.record_whole import RecordWholeTakeDialog
from mit_desktop.ui.theme import apply_theme

SCRIPT = """+++
id = "my-evening"
title = "My evening practice"
+++

# Arriving

Find a comfortable position.
Let your eyes close.

Notice your breathing.
[reflect 20s note: What do you notice?]
"""


@pytest.fixture
def script(private_folders: Path) -> Path:
    folder = private_folders / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "my-evening.session.md"
    path.write_text(SCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def heard() -> list[str]:
    said: list[str] = []
    listener = lambda _w, text, _a: said.append(text)  # noqa: E731
    access.listeners.append(listener)
    yield said
    access.listeners.remove(listener)


def fake_take(path: Path, parts: list[tuple[str, int]]) -> TakeResult:
    """A take as the microphone would have left it (the capture itself is tested through
    the sound server)."""
    audio = recording(parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(path), audio, RATE, subtype="PCM_16")
    return TakeResult(path, len(audio), RATE, -10.0, 0)


def tab_chain(dialog: QWidget) -> list[QWidget]:
    first = dialog.focusWidget() or dialog
    seen: list[QWidget] = []
    w = first.nextInFocusChain()
    while w is not first and len(seen) < 200:
        if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus:
            seen.append(w)
        w = w.nextInFocusChain()
    return seen


def test_the_meter_gives_its_value_to_a_screen_reader_and_warns_in_words(qtbot, heard) -> None:
    meter = LevelMeter()
    qtbot.addWidget(meter)
    meter.show()
    meter.show_state(LevelState(BlockLevel(0, 50, -18.4, -27.0), -18.4, "ok"))
    value = QAccessible.queryAccessibleInterface(meter.bar).valueInterface()
    assert value.currentValue() == -18
    assert meter.bar.accessibleName() == "Microphone level"
    assert meter.bar.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert "peak -18 dB, average -27 dB" in meter.value.text()
    assert not meter.warning.isVisible()
    meter.show_state(LevelState(BlockLevel(3000, 50, -50.0, -58.0), -18.4, TOO_QUIET))
    assert meter.warning.isVisible() and meter.warning.text().startswith("Too quiet")
    meter.show_state(LevelState(BlockLevel(3050, 50, 0.0, -8.0), 0.0, CLIPPING))
    assert meter.warning.text().startswith("Clipping")
    assert [t.split(":")[0] for t in heard] == ["Too quiet", "Clipping"]


def test_paragraph_takes_retake_choose_and_go_into_the_script(qtbot, script: Path,
                                                              monkeypatch, heard) -> None:
    dialog = RecordParagraphsDialog(script)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.where.text() == "Paragraph 1 of 2"
    assert dialog.text.text() == "Find a comfortable position. Let your eyes close."
    assert dialog.text.property("role") == "prompt"  # shown large
    assert dialog.record_button.text() == "&Record" and not dialog.save_button.isEnabled()

    takes = []
    monkeypatch.setattr(dialog.bridge, "start", lambda out, _device: takes.append(out))
    for _ in range(2):
        dialog.record_button.click()
        dialog.bridge.stopped.emit(fake_take(takes[-1], [("pause", 600), ("voice", 1500),
                                                         ("pause", 600)]))
    assert dialog.record_button.text() == "&Record again (retake)"
    assert [dialog.takes.itemText(i) for i in range(dialog.takes.count())] == ["Take 1",
                                                                               "Take 2"]
    assert dialog.takes.currentIndex() == 1  # the latest is kept
    dialog.takes.setCurrentIndex(0)
    dialog.takes.activated.emit(0)  # the therapist keeps the first
    assert any(t.startswith("Take saved") for t in heard)

    dialog.next_button.click()
    assert dialog.where.text() == "Paragraph 2 of 2" and dialog.takes.count() == 0
    dialog.save_button.click()
    session = parse_session(script)
    clips = [c for c in session.cues if isinstance(c, Clip)]
    assert len(clips) == 1 and len(session.reflections) == 1
    assert "// recorded: Find a comfortable position." in script.read_text(encoding="utf-8")
    data, _ = sf.read(str(clips[0].path))
    assert len(data) / RATE == pytest.approx(1.5 + 0.45, abs=0.05)  # trimmed
    assert dialog.where.text() == "Paragraph 1 of 1"  # what is left to read


def test_listen_plays_the_chosen_take_and_around_the_chosen_point(qtbot, script: Path,
                                                                 private_folders: Path,
                                                                 monkeypatch) -> None:
    from mit_desktop.ui.studio import record_meter

    played = []
    monkeypatch.setattr(record_meter, "play_take",
                        lambda take, device, stop, start, end: played.append((take, start, end)))
    dialog = RecordParagraphsDialog(script, output_device="sink:speakers")
    qtbot.addWidget(dialog)
    assert not dialog.listen_button.isEnabled()
    takes = []
    monkeypatch.setattr(dialog.bridge, "start", lambda out, _device: takes.append(out))
    for _ in range(2):
        dialog.record_button.click()
        dialog.bridge.stopped.emit(fake_take(takes[-1], [("voice", 500)]))
    dialog.takes.setCurrentIndex(0)
    dialog.listen_button.click()
    assert played == [(takes[0], 0, None)]
    assert dialog.listen_button.text() == "&Listen"  # back once it was heard

    whole = whole_take_dialog(qtbot, private_folders)
    whole.points.setCurrentRow(1)
    whole.listen_button.click()
    at = whole.proposals()[1].at_ms
    assert played[-1] == (whole.audio, at - 3000, at + 3000)


def test_a_microphone_that_went_away_is_said_and_the_take_kept(qtbot, script: Path,
                                                               monkeypatch) -> None:
    dialog = RecordParagraphsDialog(script)
    qtbot.addWidget(dialog)
    takes = []
    monkeypatch.setattr(dialog.bridge, "start", lambda out, _device: takes.append(out))
    dialog.record_button.click()
    lost = fake_take(takes[0], [("voice", 800)])
    lost = TakeResult(lost.path, lost.n_samples, RATE, -10.0, 0, "The microphone stopped ...")
    dialog.bridge.stopped.emit(lost)
    assert dialog.status.text() == "The microphone stopped ..."
    assert dialog.takes.count() == 1 and dialog.record_button.isEnabled()


def whole_take_dialog(qtbot, private_folders: Path) -> RecordWholeTakeDialog:
    dialog = RecordWholeTakeDialog()
    qtbot.addWidget(dialog)
    dialog.resize(1024, 768)
    dialog.show()
    audio = private_folders / "sessions" / "recordings" / "my-recorded-practice.wav"
    dialog.audio, dialog.script = audio, audio.parent.parent / "my-recorded-practice.session.md"
    dialog.bridge.stopped.emit(fake_take(audio, PARTS))
    return dialog


def test_whole_take_proposals_are_checked_moved_and_written(qtbot, private_folders: Path) -> None:
    dialog = whole_take_dialog(qtbot, private_folders)
    assert dialog.points.count() == 3
    assert [p.kind for p in dialog.proposals()][1] == SECTION
    assert dialog.points.item(0).text().startswith("Reflection point at 0:09.3")

    view = dialog.waveform
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right)  # the section start
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # 100 ms later
    section_at = dialog.proposals()[1].at_ms
    assert section_at == 24_700 + 100
    assert dialog.points.currentRow() == 1
    qtbot.keyClick(view, Qt.Key.Key_Right)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # drop the last
    assert dialog.points.item(2).checkState() == Qt.CheckState.Unchecked

    dialog.points.setCurrentRow(0)
    dialog.later_button.click()  # half a second later
    assert dialog.proposals()[0].at_ms == 9_300 + 500

    dialog.save_button.click()
    session = parse_session(dialog.script)
    assert len(session.reflections) == 1 and [h.title for h in session.headings][1:] == ["Part 2"]
    assert [c.to_us for c in session.cues if isinstance(c, Clip)][:2] == [9_800_000,
                                                                         section_at * 1000]
    assert "made" in dialog.status.text()


def test_the_threshold_and_minimum_length_find_other_pauses(qtbot, private_folders: Path) -> None:
    dialog = whole_take_dialog(qtbot, private_folders)
    dialog.min_length.setValue(0.9)
    dialog.find_button.click()
    assert dialog.points.count() == 5
    dialog.threshold.setValue(-90)
    dialog.find_button.click()
    assert dialog.points.count() == 0 and not dialog.save_button.isEnabled()


def test_every_control_of_the_whole_take_is_reached_by_tab(qtbot, private_folders: Path) -> None:
    dialog = whole_take_dialog(qtbot, private_folders)
    dialog.points.setCurrentRow(0)
    dialog.close_button.setFocus()
    reached = tab_chain(dialog)
    for w in (dialog.name, dialog.devices.combo, dialog.meter.bar, dialog.record_button,
              dialog.threshold, dialog.min_length, dialog.section_length, dialog.find_button,
              dialog.waveform, dialog.points, dialog.earlier_button, dialog.later_button,
              dialog.kind_button, dialog.listen_button, dialog.add_at, dialog.add_button,
              dialog.save_button):
        assert w in reached, w.accessibleName()
    unnamed = [type(w).__name__ for w in reached if not w.accessibleName()
               and not w.parent().inherits("QAbstractSpinBox")]  # a spin box's own field
    assert unnamed == []


@pytest.mark.parametrize("which", ["paragraphs", "whole"])
def test_the_recorder_fits_1024_by_768_at_200_percent_text(qtbot, script: Path,
                                                          private_folders: Path,
                                                          which: str) -> None:
    apply_theme(QApplication.instance(), 200, False)
    if which == "whole":
        dialog = whole_take_dialog(qtbot, private_folders)
    else:
        dialog = RecordParagraphsDialog(script)
        qtbot.addWidget(dialog)
        dialog.resize(1024, 768)
        dialog.show()
    qtbot.waitExposed(dialog)
    QApplication.processEvents()
    assert layout_problems(dialog) == []


def test_the_library_opens_the_recorder_for_my_practice(window, script: Path) -> None:
    from ui.test_own_recordings_gui import _select

    library = window.library
    window.show_page("library")
    library.refresh()
    _select(library, "my-evening")
    assert library.record_button.isVisible()
    library.record_button.click()
    assert isinstance(library._record_dialog, RecordParagraphsDialog)
    assert library._record_dialog.script == script
    library._record_dialog.reject()
    _select(library, "stretch-breathe")
    assert not library.record_button.isVisible()
    library.record_whole_button.click()
    assert isinstance(library._record_dialog, RecordWholeTakeDialog)
    library._record_dialog.reject()


def test_a_paragraph_recorded_through_the_microphone(qtbot, pulse, script: Path,
                                                     tmp_path: Path) -> None:
    from realtime.microphone import MIC_DESCRIPTION, microphone, tone_file

    with microphone(pulse):
        dialog = RecordParagraphsDialog(script)
        qtbot.addWidget(dialog)
        dialog.show()
        combo = dialog.devices.combo
        combo.setCurrentIndex(next(i for i in range(combo.count())
                                   if combo.itemText(i).startswith(MIC_DESCRIPTION)))
        shown: list[int] = []
        dialog.meter.bar.valueChanged.connect(shown.append)
        with qtbot.waitSignal(dialog.bridge.started, timeout=10_000):
            dialog.record_button.click()
        played = subprocess.run(["paplay", "-d", "micfeed", str(tone_file(tmp_path))],
                                env=dict(os.environ, **pulse.env), timeout=30, check=False)
        assert played.returncode == 0
        qtbot.wait(200)  # the levels queued meanwhile reach the meter
        assert max(shown) == pytest.approx(-20, abs=1)  # the tone's peak
        dialog.stop_button.click()
    assert dialog.takes.count() == 1
    data, rate = sf.read(dialog.takes.itemData(0))
    assert rate == 48_000 and np.max(np.abs(data)) == pytest.approx(0.1, abs=0.01)


def test_no_microphone_is_said_in_words_and_recording_explains(qtbot, script: Path,
                                                                monkeypatch) -> None:
    from mit_desktop.ui.studio import record_meter

    monkeypatch.setattr(record_meter, "list_input_devices", lambda: [])
    dialog = RecordParagraphsDialog(script)
    qtbot.addWidget(dialog)
    assert dialog.status.text().startswith("No microphone was found")
    assert dialog.devices.combo.count() == 0


def test_sessions_i_made_opens_the_recorder_for_the_chosen_script(window, monkeypatch) -> None:
    from mit_desktop.authoring import my_sessions
    from mit_desktop.ui.studio.editor import ScriptEditor

    monkeypatch.setattr(ScriptEditor, "ask", lambda self, title, text, choices:
                        "discard" if "discard" in choices else "no")
    studio = window.studio
    window.show_page("studio")
    studio.new_blank("Evening calm")
    studio.editor.back_button.click()
    studio.list.sessions.setCurrentRow(0)
    assert studio.list.record_button.isEnabled()
    studio.list.record_button.click()
    dialog = studio.recorder_dialog
    assert isinstance(dialog, RecordParagraphsDialog)
    assert dialog.script == Path(studio.chosen_path())
    assert dialog.paragraphs  # the blank script's paragraphs, ready to read
    dialog.reject()
    studio.list.record_whole_button.click()
    whole = studio.recorder_dialog
    assert isinstance(whole, RecordWholeTakeDialog)
    assert whole.folder == my_sessions.made_dir(window.ctx.profile_id)
    whole.reject()
