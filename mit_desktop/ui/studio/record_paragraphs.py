"""Record narration paragraph by paragraph against a script.

The paragraph to read is shown large; Record starts a take, Stop ends it, Record again
makes a retake (every take is kept on disk until the script is given its clips). The
"Take to keep" box chooses which take a paragraph keeps (the latest by default). "Put the
recordings into the script" trims and matches each kept take and writes the script
with clips in place of those paragraphs (`recording.paragraphs`).

Listen (Alt+L) plays the chosen take through the program's sound output.

"Tidy up recordings…" lists the takes and clips of this script that nothing uses any more
(`recording.tidy`: retakes once a paragraph plays its kept recording, the recordings of
paragraphs since deleted) with their sizes, and removes them once the therapist agrees.

Everything is reachable by keyboard: Tab through the controls, Alt+R Record, Alt+S Stop,
Alt+N / Alt+P the next and previous paragraph.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.recording.capture import CaptureError, TakeResult
from mit_desktop.recording.paragraphs import (
    ScriptParagraph,
    TakeFolder,
    apply_takes,
    keep_take,
    script_paragraphs,
)
from mit_desktop.recording.tidy import (
    TidyProblem,
    UnusedRecording,
    remove_unused,
    size_words,
    unused_recordings,
)
from mit_desktop.recording.trim import TakeProblem
from mit_desktop.session.errors import SessionError
from mit_desktop.ui.studio.record_meter import RecorderBridge, RecordingDialog, TakeListener
from mit_desktop.ui.widgets import FlowRow, button, clock, label, named, scroll_page
from mit_desktop.ui.workers import DbRunner, run_here

log = logging.getLogger(__name__)


class RecordParagraphsDialog(RecordingDialog):
    """Record the paragraphs of the script at `script`. ``saved(path)`` when the script
    was given its clips. `run` runs the saving off the GUI thread (a TaskManager's run).
    `other_texts` gives the texts of unsaved drafts, whose recordings a tidy keeps."""

    saved = Signal(object)

    def __init__(self, script: Path, parent: QWidget | None = None,
                 run: DbRunner | None = None, output_device: str | None = None,
                 other_texts: Callable[[], list[str]] | None = None) -> None:
        super().__init__(parent)
        self.script = Path(script)
        self.other_texts = other_texts or list
        self.run = run or run_here
        self.paragraphs: list[ScriptParagraph] = script_paragraphs(self.script)
        self.folder = TakeFolder(self.script)
        self.index = 0
        self.kept: dict[int, Path] = {}
        self.bridge = RecorderBridge(self)
        self.bridge.stopped.connect(self._stopped)
        self.bridge.started.connect(self._started)
        self.setWindowTitle(self.tr("Record your narration"))
        outer = QVBoxLayout(self)
        area, page, layout = scroll_page(self, self.tr("Record your narration"), margins=None, horizontal=False)
        layout.addWidget(label(self.tr("Record your narration"), "heading", page))
        layout.addWidget(label(self.tr(
            "Read each paragraph aloud in your own voice. Silence before and after is cut, "
            "and the level is matched to the rest of the program."), "muted", page))
        self.add_microphone(page, layout)
        self.where = label("", "title", page)
        layout.addWidget(self.where)
        self.text = label("", "prompt", page)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.text, self.tr("The paragraph to read"))
        layout.addWidget(self.text)
        controls = FlowRow(page)
        self.previous_button = button(self.tr("&Previous paragraph"), self.tr("Previous paragraph"),
                                      "", None, page)
        self.record_button = button(self.tr("&Record"), self.tr("Record"),
                                    self.tr("Start recording this paragraph."), "primary", page)
        self.stop_button = button(self.tr("&Stop"), self.tr("Stop recording"),
                                  self.tr("Stop and keep this take."), None, page)
        self.next_button = button(self.tr("&Next paragraph"), self.tr("Next paragraph"), "",
                                  None, page)
        for b in (self.previous_button, self.record_button, self.stop_button, self.next_button):
            controls.add(b)
        layout.addWidget(controls)
        takes_row = QHBoxLayout()
        takes_caption = label(self.tr("Take to keep:"), None, page, wrap=False)
        self.takes = QComboBox(page)
        named(self.takes, self.tr("Take to keep"),
              self.tr("Which of this paragraph's takes goes into the script."))
        takes_caption.setBuddy(self.takes)
        self.listen_button = button(self.tr("&Listen"), self.tr("Listen to this take"),
                                    self.tr("Play the chosen take (press again to stop)."),
                                    None, page)
        takes_row.addWidget(takes_caption)
        takes_row.addWidget(self.takes, 1)
        takes_row.addWidget(self.listen_button)
        layout.addLayout(takes_row)
        self.status = label("", None, page)
        named(self.status, self.tr("What happened"))
        layout.addWidget(self.status)
        tidy_row = QHBoxLayout()  # beside the takes, not with the dialog's two last buttons,
        self.tidy_button = button(self.tr("Tidy up recordings…"),  # which fit side by side
                                  self.tr("Tidy up recordings"),
                                  self.tr("List the takes no paragraph uses any more, with their "
                                          "size, and remove them if you agree."), None, page)
        tidy_row.addWidget(self.tidy_button)
        tidy_row.addStretch(1)
        layout.addLayout(tidy_row)
        layout.addStretch(1)
        outer.addWidget(area, 1)
        bottom = FlowRow(self)
        self.save_button = button(self.tr("Put the recordings into the script"),
                                  self.tr("Put the recordings into the script"),
                                  self.tr("Each kept take replaces its paragraph's spoken text; "
                                          "the text stays in the script as a note."), None, self)
        self.close_button = button(self.tr("Close"), self.tr("Close"), "", None, self)
        bottom.add(self.save_button)
        bottom.add(self.close_button)
        outer.addWidget(bottom)
        self.previous_button.clicked.connect(lambda: self.show_paragraph(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_paragraph(self.index + 1))
        self.record_button.clicked.connect(self.record)
        self.stop_button.clicked.connect(self.stop)
        self.takes.activated.connect(self._take_chosen)
        self.save_button.clicked.connect(self.save)
        self.tidy_button.clicked.connect(self.tidy)
        self.close_button.clicked.connect(self.reject)
        self.listener = TakeListener(self.listen_button, self.run, output_device, self._say)
        self.listen_button.clicked.connect(self._listen)
        self.find_microphones()
        if not self.paragraphs:
            self._say(self.tr("This script has no paragraphs to read yet. Write some text "
                              "in it first."))
        self.show_paragraph(0)

    # -- paragraphs ------------------------------------------------------------------

    def current(self) -> ScriptParagraph | None:
        return self.paragraphs[self.index] if self.paragraphs else None

    def show_paragraph(self, index: int) -> None:
        if self.bridge.recording or not self.paragraphs:
            self._update_buttons()
            return
        self.index = max(0, min(index, len(self.paragraphs) - 1))
        paragraph = self.paragraphs[self.index]
        self.where.setText(self.tr("Paragraph {n} of {total}")
                           .format(n=self.index + 1, total=len(self.paragraphs)))
        self.text.setText(paragraph.text)
        self._fill_takes()
        self._update_buttons()

    def _fill_takes(self) -> None:
        paragraph = self.current()
        self.takes.clear()
        if paragraph is None:
            return
        takes = self.folder.takes(paragraph.key)
        for n, path in enumerate(takes, start=1):
            self.takes.addItem(self.tr("Take {n}").format(n=n), str(path))
        if takes:
            kept = self.kept.setdefault(paragraph.number, takes[-1])
            self.takes.setCurrentIndex(max(0, self.takes.findData(str(kept))))

    def _take_chosen(self, index: int) -> None:
        paragraph = self.current()
        data = self.takes.itemData(index)
        if paragraph is not None and data:
            self.kept[paragraph.number] = Path(data)

    def _update_buttons(self) -> None:
        recording = self.bridge.recording
        has = bool(self.paragraphs)
        self.record_button.setEnabled(has and not recording)
        self.stop_button.setEnabled(recording)
        self.previous_button.setEnabled(has and not recording and self.index > 0)
        self.next_button.setEnabled(has and not recording and self.index < len(self.paragraphs) - 1)
        self.devices.setEnabled(not recording)
        self.takes.setEnabled(not recording and self.takes.count() > 0)
        self.listen_button.setEnabled(not recording and self.takes.count() > 0)
        self.save_button.setEnabled(not recording and bool(self.kept))
        self.tidy_button.setEnabled(not recording)
        paragraph = self.current()
        retake = paragraph is not None and bool(self.folder.takes(paragraph.key))
        self.record_button.setText(self.tr("&Record again (retake)") if retake
                                   else self.tr("&Record"))

    # -- recording -------------------------------------------------------------------

    def _listen(self) -> None:
        data = self.takes.currentData()
        if data:
            self.listener.toggle(Path(data))

    def record(self) -> None:
        paragraph = self.current()
        if paragraph is None or self.bridge.recording:
            return
        self.listener.stop()
        try:
            self.bridge.start(self.folder.new_take_path(paragraph.key), self.devices.device())
        except (CaptureError, OSError) as exc:
            self._say(str(exc))
            return
        self._say(self.tr("Starting the microphone…"))
        self._update_buttons()
        self.stop_button.setFocus()

    def _started(self) -> None:
        self._say(self.tr("Recording. Read the paragraph, then press Stop."))

    def stop(self) -> None:
        self.bridge.stop()

    def _stopped(self, result: TakeResult) -> None:
        paragraph = self.current()
        if result.path is not None and paragraph is not None:
            self.kept[paragraph.number] = result.path
        self.meter.reset()
        self._fill_takes()
        self._update_buttons()
        if result.device_lost:
            self._say(result.device_lost)
        elif result.path is None:
            self._say(self.tr("Nothing was recorded."))
        else:
            self._say(self.tr("Take saved ({length}). Record again for a retake, or go on to "
                              "the next paragraph.").format(length=clock(result.duration_ms)))
        self.record_button.setFocus()

    # -- saving ----------------------------------------------------------------------

    def save(self) -> None:
        if self.bridge.recording or not self.kept:
            return
        by_number = {p.number: p for p in self.paragraphs}
        kept = dict(self.kept)
        folder, script = self.folder, self.script

        def work() -> int:
            clips = {number: keep_take(folder, by_number[number], take).path
                     for number, take in sorted(kept.items())}
            return apply_takes(script, clips)

        def done(count: int) -> None:
            said = self.tr("{n} paragraph(s) of the script now play your recording.").format(
                n=count)
            unused = self._unused_quietly()
            if unused:
                said += " " + self.tr("{k} recording(s) ({size}) are no longer used; “Tidy "
                                      "up recordings…” removes them.").format(
                    k=len(unused), size=size_words(sum(u.size_bytes for u in unused)))
            self._say(said)
            self.saved.emit(self.script)
            try:
                self.paragraphs = script_paragraphs(self.script)
            except SessionError as exc:
                log.warning("script unreadable after saving: %s", exc)
                self.paragraphs = []
            self.kept.clear()
            self.show_paragraph(0)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, TakeProblem | SessionError | OSError):
                self._say(self.tr("The recordings could not be put into the script: {why}")
                          .format(why=exc))
            else:
                log.error("saving takes failed", exc_info=exc)
                self._say(self.tr("The recordings could not be put into the script."))

        self.save_button.setEnabled(False)
        self.run(work, done, failed)

    # -- tidying ---------------------------------------------------------------------

    def _unused_quietly(self) -> list[UnusedRecording]:
        try:
            return unused_recordings(self.script, self.other_texts())
        except (SessionError, TidyProblem, OSError) as exc:
            log.info("unused takes not counted: %s", type(exc).__name__)
            return []

    def tidy(self) -> None:
        """List the recordings nothing uses (with sizes), and remove them once confirmed;
        what is used, or outside this script's recordings folder, is never touched."""
        if self.bridge.recording:
            return
        self.listener.stop()
        script, other_texts = self.script, self.other_texts()

        def listed(unused: list[UnusedRecording]) -> None:
            if not unused:
                self._say(self.tr("Every recording of this script is in use; there is "
                                  "nothing to tidy."))
                return
            if not self.confirm_tidy(unused):
                self._say(self.tr("Nothing was removed."))
                return
            self.run(lambda: remove_unused(script, [u.path for u in unused], other_texts),
                     removed, failed)

        def removed(paths: list[Path]) -> None:
            wavs = [p for p in paths if p.suffix == ".wav"]
            self._say(self.tr("{n} recording(s) no longer used were removed.")
                      .format(n=len(wavs)))
            self._fill_takes()
            self._update_buttons()

        def failed(exc: BaseException) -> None:
            if isinstance(exc, TidyProblem | SessionError | OSError):
                self._say(self.tr("The recordings could not be tidied: {why}").format(why=exc))
            else:
                log.error("tidying recordings failed", exc_info=exc)
                self._say(self.tr("The recordings could not be tidied."))

        self.run(lambda: unused_recordings(script, other_texts), listed, failed)

    def tidy_question(self, unused: list[UnusedRecording]) -> str:
        """The question before removing: how many files, how much space, and each file
        with its size and why it is no longer used (the first 12)."""
        total = size_words(sum(u.size_bytes for u in unused))
        lines = [self.tr("These {n} recording(s) of this script are no longer used ({size} "
                         "in all). Remove them? This cannot be undone; the recordings your "
                         "script plays are kept.").format(n=len(unused), size=total), ""]
        whys = {"take of a paragraph that now plays its kept recording":
                self.tr("a take of a paragraph that now plays its kept recording"),
                "take of a paragraph no longer in the script":
                self.tr("a take of a paragraph no longer in the script"),
                "recording no script plays any more":
                self.tr("a recording no script plays any more")}
        for u in unused[:12]:
            lines.append(f"• {u.path.name} ({size_words(u.size_bytes)}): "
                         f"{whys.get(u.why, u.why)}")
        if len(unused) > 12:
            lines.append(self.tr("… and {n} more.").format(n=len(unused) - 12))
        return "\n".join(lines)

    def confirm_tidy(self, unused: list[UnusedRecording]) -> bool:
        """Ask before removing (tests replace this)."""
        answer = QMessageBox.question(self, self.tr("Remove recordings no longer used?"),
                                      self.tidy_question(unused))
        return answer == QMessageBox.StandardButton.Yes

    def put_first(self, notice: str) -> None:
        """Say ``notice`` (such as "Saved your changes before recording.") before what the
        status line already says."""
        self._say(f"{notice} {self.status.text()}".strip())
