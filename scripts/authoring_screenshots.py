"""Make the authoring guide's screenshots (docs/images/studio-*.png, record-*.png) from the real window,
offscreen, over a throw-away data folder: ``.venv/bin/python scripts/authoring_screenshots.py``.

``--scale 200`` makes them at 200 % text (Settings › Text size) in a 1024×768 window, the
smallest screen the program is made for, as ``studio-*-200.png`` and ``record-*-200.png``;
the recorders are then as large as Sessions I made opens them there (900×700).
"""

from __future__ import annotations

import argparse
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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100, choices=(100, 150, 200),
                        help="text size in per cent (default 100)")
    args = parser.parse_args()
    return make_shots(args.scale)


def make_shots(scale: int) -> int:
    """Every screenshot at ``scale`` per cent text; 100: the guide's own size (1100×860),
    otherwise 1024×768 and a ``-<scale>`` name."""
    from mit_desktop.history import HistoryStore
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state
    from mit_desktop.ui.theme import apply_theme

    app = QApplication(sys.argv[:1])
    apply_theme(app, scale, False)
    tail = "" if scale == 100 else f"-{scale}"
    store = HistoryStore.open()
    ctx = AppContext(store, load_state())
    store.accept_notice(ctx.profile_id)
    window = MainWindow(ctx)
    window.resize(*((1100, 860) if scale == 100 else (1024, 768)))
    window.show()
    studio = window.studio
    studio.new_from_template("nesting-doll", "Evening calm for Ana")
    studio.new_blank("Walking with my mother")
    studio.show_list()
    window.show_page("studio")
    window.show_message("")
    for _ in range(5):
        app.processEvents()
    window.grab().save(str(OUT / f"studio-list{tail}.png"))
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
    show_problems(app, studio, tail)
    window.grab().save(str(OUT / f"studio-editor{tail}.png"))
    long = ("Bring your attention to your center, a place in the lower chest, and notice "
            "whatever is there right now without trying to change it in any way at all.")
    text = text.replace("[paws 5s]", "[pause 5s]").replace(
        '// Write here what the listener hears in "Your center".', long, 1)
    editor.text.setPlainText(text)
    editor.run_checks()
    line = next(i for i, t in enumerate(text.split("\n"), 1) if t.startswith("Bring your"))
    editor.go_to(line, 5)
    editor.text.moveCursor(QTextCursor.MoveOperation.StartOfBlock)
    show_problems(app, studio, tail)
    window.grab().save(str(OUT / f"studio-advice{tail}.png"))
    editor.saved_text = editor.text.toPlainText()  # nothing to ask about on closing
    recorder_shots(app, studio, tail)
    window.flow.shutdown()
    window.close()
    ctx.close()
    return 0


def show_problems(app: QApplication, studio, tail: str) -> None:  # type: ignore[no-untyped-def]
    """Let the editor settle; at large text, where the page scrolls, scroll it down to the
    list of problems and advice (the line with the cursor stays in the text above it)."""
    from PySide6.QtWidgets import QScrollArea

    for _ in range(5):
        app.processEvents()
    if tail:
        bar = studio.findChild(QScrollArea).verticalScrollBar()
        bar.setValue(bar.maximum())
        studio.editor.text.centerCursor()
        for _ in range(5):
            app.processEvents()


def recorder_shots(app: QApplication, studio, tail: str) -> None:  # type: ignore[no-untyped-def]
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
    dialog.resize(*((900, 640) if not tail else (900, 700)))
    dialog.show()
    dialog.devices.combo.clear()
    dialog.devices.combo.addItem(mic, "source:mic")
    dialog.meter.show_state(LevelState(BlockLevel(0, 50, -14.2, -24.0), -12.0, "ok"))
    dialog.status.setText("Recording. Read the paragraph, then press Stop.")
    dialog.record_button.setEnabled(False)
    dialog.stop_button.setEnabled(True)
    for _ in range(5):
        app.processEvents()
    if tail:  # scrolled down to the paragraph and the buttons, as when recording
        dialog.findChild(QScrollArea).ensureWidgetVisible(dialog.stop_button, 0, 12)
        for _ in range(5):
            app.processEvents()
    dialog.grab().save(str(OUT / f"record-paragraphs{tail}.png"))
    dialog.close()
    whole = RecordWholeTakeDialog(studio, folder=my_sessions.made_dir(studio.profile_id))
    whole.resize(*((900, 900) if not tail else (900, 700)))
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
    whole.grab().save(str(OUT / f"record-whole-take{tail}.png"))
    whole.close()


if __name__ == "__main__":
    raise SystemExit(main())
