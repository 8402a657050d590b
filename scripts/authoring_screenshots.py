"""Make the authoring guide's screenshots (docs/images/studio-*.png, record-*.png) from the real window,
offscreen, over a throw-away data folder: ``.venv/bin/python scripts/authoring_screenshots.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["MIT_DESKTOP_DATA_DIR"] = tempfile.mkdtemp(prefix="mit-shots-")
os.environ.setdefault("MIT_AUDIO_BACKEND", "null")
os.environ["MIT_DESKTOP_PREPARE_AHEAD"] = "0"
os.environ["MIT_DESKTOP_SYNC_WORKERS"] = "1"

from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"


def main() -> int:
    from mit_desktop.history import HistoryStore
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state
    from mit_desktop.ui.theme import apply_theme

    app = QApplication(sys.argv)
    apply_theme(app, 100, False)
    store = HistoryStore.open()
    ctx = AppContext(store, load_state())
    store.accept_notice(ctx.profile_id)
    window = MainWindow(ctx)
    window.resize(1100, 860)
    window.show()
    studio = window.studio
    studio.new_from_template("nesting-doll", "Evening calm for Ana")
    studio.new_blank("Walking with my mother")
    studio.show_list()
    window.show_page("studio")
    window.show_message("")
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(OUT / "studio-list.png"))
    studio.list.sessions.setCurrentRow(0)
    studio.open_chosen()
    editor = studio.editor
    text = editor.text.toPlainText()
    text = text.replace("// Write here what the listener hears in \"Arriving\".",
                        "Let yourself arrive here, in this room, at your own pace.\n[paws 5s]", 1)
    editor.text.setPlainText(text)
    editor.run_checks()
    line = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith("Let yourself"))
    editor.go_to(line, 5)
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(OUT / "studio-editor.png"))
    long = ("Bring your attention to your center, a place in the lower chest, and notice "
            "whatever is there right now without trying to change it in any way at all.")
    text = text.replace("[paws 5s]", "[pause 5s]").replace(
        '// Write here what the listener hears in "Your center".', long, 1)
    editor.text.setPlainText(text)
    editor.run_checks()
    line = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith("Bring your"))
    editor.go_to(line, 5)
    editor.text.moveCursor(QTextCursor.MoveOperation.StartOfBlock)
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(OUT / "studio-advice.png"))
    editor.saved_text = editor.text.toPlainText()  # nothing to ask about on closing
    recorder_shots(app, studio)
    window.flow.shutdown()
    window.close()
    ctx.close()
    return 0


def recorder_shots(app: QApplication, studio) -> None:  # type: ignore[no-untyped-def]
    """The recorder: a paragraph being recorded, and a whole take's proposals (a generated
    take with known pauses, tests/recording/synthetic.py; the microphone's name made up)."""
    import soundfile as sf
    from PySide6.QtWidgets import QScrollArea

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from recording.synthetic import RATE, recording
    from recording.test_record_silences import PARTS

    from mit_desktop.authoring import my_sessions
    from mit_desktop.recording.capture import TakeResult
    from mit_desktop.recording.levels import BlockLevel, LevelState
    from mit_desktop.ui.studio.record_paragraphs import RecordParagraphsDialog
    from mit_desktop.ui.studio.record_whole import RecordWholeTakeDialog

    mic = "Built-in Audio Analog Stereo (the system's choice)"
    studio.list.sessions.setCurrentRow(1)
    dialog = RecordParagraphsDialog(Path(studio.chosen_path()), studio)
    dialog.resize(900, 640)
    dialog.show()
    dialog.devices.combo.clear()
    dialog.devices.combo.addItem(mic, "source:mic")
    dialog.meter.show_state(LevelState(BlockLevel(0, 50, -14.2, -24.0), -12.0, "ok"))
    dialog.status.setText("Recording. Read the paragraph, then press Stop.")
    dialog.record_button.setEnabled(False)
    dialog.stop_button.setEnabled(True)
    for _ in range(5):
        app.processEvents()
    dialog.grab().save(str(OUT / "record-paragraphs.png"))
    dialog.close()
    whole = RecordWholeTakeDialog(studio, folder=my_sessions.made_dir(studio.profile_id))
    whole.resize(900, 900)
    whole.show()
    whole.devices.combo.clear()
    whole.devices.combo.addItem(mic, "source:mic")
    take = recording(PARTS)
    audio = whole.folder / "recordings" / "my-recorded-practice.wav"
    audio.parent.mkdir(parents=True, exist_ok=True)
    sf.write(str(audio), take, RATE, subtype="PCM_16")
    whole.audio, whole.script = audio, whole.folder / "my-recorded-practice.session.md"
    whole.bridge.stopped.emit(TakeResult(audio, len(take), RATE, -10.0, 0))
    whole.points.setCurrentRow(1)
    area = whole.findChild(QScrollArea)
    for _ in range(5):
        app.processEvents()
    area.verticalScrollBar().setValue(area.verticalScrollBar().maximum())
    for _ in range(5):
        app.processEvents()
    whole.grab().save(str(OUT / "record-whole-take.png"))
    whole.close()


if __name__ == "__main__":
    raise SystemExit(main())
