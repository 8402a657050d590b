"""Make the authoring guide's screenshots (docs/images/studio-*.png) from the real window,
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
    window.flow.shutdown()
    window.close()
    ctx.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
