# Over 400 lines: one screen: the list, its details and its import and share actions.
"""The Library: the program in order (grouped by week), with length, summary and safety
note; imported recordings and the user's own scripts; import a recording with its
Audacity labels; share one of your own practices as one file and take in one shared with
you; add a Piper voice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.content.library import LibraryEntry, list_sessions
from mit_desktop.content.program import load_program
from mit_desktop.session.parser import parse_session
from mit_desktop.ui.context import AppContext
from mit_desktop.ui.imports import add_voice, import_recording
from mit_desktop.ui.widgets import button, label, named, scroll_page
from mit_desktop.ui.workers import CancelToken

log = logging.getLogger(__name__)


def _load() -> tuple[list[LibraryEntry], list[str], dict[str, int | None]]:
    entries, errors = list_sessions()
    try:
        weeks = {e.id: e.week for e in load_program().entries}
    except Exception:  # noqa: BLE001 - the library still works without the program file
        weeks = {}
    return entries, [str(e) for e in errors], weeks


class LibraryScreen(QWidget):
    """``startRequested(session_ref, None)`` when the user starts a practice."""

    startRequested = Signal(str, object)
    message = Signal(str)
    studioRequested = Signal()  # "Sessions I made": the profile's own scripts and the editor
    templateRequested = Signal()  # "New from a template…": made and opened in the studio

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.entries: dict[str, LibraryEntry] = {}
        self._token: CancelToken | None = None
        self._dialog: QProgressDialog | None = None  # the progress of an import or a share
        self._record_dialog: QDialog | None = None  # kept while a recording dialog is open
        layout = self.outer = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        top = QHBoxLayout()
        top.addWidget(label(self.tr("All practices"), "heading", self), 1)
        self.record_whole_button = button(
            self.tr("Record a whole practice…"), self.tr("Record a whole practice"),
            self.tr("Record a practice in one take; pauses become reflection points and "
                    "sections you can check on its waveform."), None, self)
        self.record_whole_button.clicked.connect(self._ask_record_whole)
        top.addWidget(self.record_whole_button, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(top)
        body = QHBoxLayout()
        self.session_list = QListWidget(self)
        named(self.session_list, self.tr("Practices"),
              self.tr("The program in order, then your own recordings and scripts. Press Enter "
                      "to start the chosen practice."))
        self.session_list.setWordWrap(True)
        self.session_list.currentItemChanged.connect(self._selected)
        self.session_list.itemActivated.connect(lambda _i: self._start())
        body.addWidget(self.session_list, 3)
        detail_area, detail_widget, detail = scroll_page(
            self, self.tr("About the chosen practice"), horizontal=False)
        self.title = label("", "title", detail_widget)
        self.length = label("", "muted", detail_widget)
        self.summary = label("", None, detail_widget)
        self.safety = label("", "banner", detail_widget)
        named(self.safety, self.tr("Safety note for this practice"))
        # "Start this practice" stays below the scrolling details, never scrolled out of
        # sight (at 200 % text it was once 400 px below the visible part of the pane)
        self.start_button = button(self.tr("Start this practice"), self.tr("Start this practice"),
                                   self.tr("Start the practice chosen in the list."), "primary",
                                   self)
        self.start_button.clicked.connect(self._start)
        for w in (self.title, self.length, self.summary, self.safety):
            detail.addWidget(w)
        from mit_desktop.ui import own_session_actions as own

        self.own_buttons = QHBoxLayout()
        self.rename_button = button(self.tr("Rename…"), self.tr("Rename"),
                                    self.tr("Give your practice another name."), None, detail_widget)
        self.inputs_button = button(self.tr("Reflections…"), self.tr("What each reflection asks for"),
                                    self.tr("Choose a note, a rating or the body map at each "
                                            "reflection."), None, detail_widget)
        self.delete_button = button(self.tr("Delete…"), self.tr("Delete this practice"),
                                    self.tr("Delete your practice and its imported recording; "
                                            "its history is kept."), None, detail_widget)
        for b, act in ((self.rename_button, own.rename), (self.inputs_button, own.edit_inputs),
                       (self.delete_button, own.delete)):
            b.clicked.connect(lambda _c=False, act=act: self._own(act))
            self.own_buttons.addWidget(b)
        self.share_button = button(self.tr("Share this session…"), self.tr("Share this session"),
                                   self.tr("Save this practice and its recordings as one file "
                                           "you can give to someone who uses MIT Desktop."),
                                   None, detail_widget)
        self.share_button.clicked.connect(self._ask_share)
        self.own_buttons.addWidget(self.share_button)
        detail.addLayout(self.own_buttons)
        self.record_button = button(
            self.tr("Record narration…"), self.tr("Record narration"),
            self.tr("Read this practice's paragraphs aloud one by one; your recording "
                    "replaces the computer voice."), None, detail_widget)
        self.record_button.clicked.connect(self._ask_record)
        detail.addWidget(self.record_button)
        detail.addStretch(1)
        detail_column = QVBoxLayout()
        detail_column.addWidget(detail_area, 1)
        detail_column.addWidget(self.start_button)
        body.addLayout(detail_column, 2)
        layout.addLayout(body, 1)
        self.errors_label = label("", "banner", self)
        named(self.errors_label, self.tr("Problems with your scripts"))
        self.errors_label.hide()
        layout.addWidget(self.errors_label)
        row = QGridLayout()
        self.import_button = button(self.tr("Import a recording…"), self.tr("Import a recording"),
                                    self.tr("Choose a recording and its Audacity label file; "
                                            "each label becomes a reflection point."), None, self)
        self.import_button.clicked.connect(self._ask_import)
        self.import_shared_button = button(
            self.tr("Import a shared session…"), self.tr("Import a shared session"),
            self.tr("Choose a practice file someone shared with you from MIT Desktop; it is "
                    "added to your own practices."), None, self)
        self.import_shared_button.clicked.connect(self._ask_import_shared)
        self.template_button = button(
            self.tr("New from a template…"), self.tr("New practice from a template"),
            self.tr("Start your own script with the sections, pauses, reflections and safety "
                    "lines of one MIT module in place; it opens in the editor of "
                    "“Sessions I made”."), None, self)
        self.template_button.clicked.connect(self.templateRequested)
        self.voice_button = button(self.tr("Add a voice…"), self.tr("Add a voice"),
                                   self.tr("Choose a Piper voice (.onnx file with its .onnx.json)."),
                                   None, self)
        self.voice_button.clicked.connect(self._ask_voice)
        self.studio_button = button(
            self.tr("Sessions I made…"), self.tr("Sessions I made"),
            self.tr("Write, check and hear your own session scripts (Ctrl+5)."), None, self)
        self.studio_button.clicked.connect(self.studioRequested)
        self.bottom_row = row
        self.bottom_buttons = (self.studio_button, self.import_button, self.import_shared_button,
                               self.template_button, self.voice_button)
        self._bottom_columns = 0
        self._arrange_bottom(len(self.bottom_buttons))
        layout.addLayout(row)
        self.safety.hide()
        self._show_own_buttons(None)

    def _arrange_bottom(self, columns: int) -> None:
        """The bottom buttons in one row, or two by two when one row does not fit (large
        text on a small screen): never cut, never scrolling sideways."""
        if columns == self._bottom_columns:
            return
        self._bottom_columns = columns
        for b in self.bottom_buttons:
            self.bottom_row.removeWidget(b)
        for i, b in enumerate(self.bottom_buttons):
            self.bottom_row.addWidget(b, i // columns, i % columns)
        for column in range(len(self.bottom_buttons) + 1):
            self.bottom_row.setColumnStretch(column, 1 if column == columns else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        spacing = max(0, self.bottom_row.horizontalSpacing())
        needed = sum(b.sizeHint().width() for b in self.bottom_buttons) \
            + spacing * (len(self.bottom_buttons) - 1)
        margins = self.outer.contentsMargins()
        room = event.size().width() - margins.left() - margins.right()
        self._arrange_bottom(len(self.bottom_buttons) if needed <= room else 2)
        super().resizeEvent(event)

    # -- loading -------------------------------------------------------------------

    def refresh(self) -> None:
        self.ctx.tasks.run(_load, self._show, lambda exc: self.message.emit(str(exc)))

    def _show(self, loaded: tuple[list[LibraryEntry], list[str], dict[str, int | None]]) -> None:
        entries, errors, weeks = loaded
        current = self.current_id()
        self.session_list.clear()
        self.entries = {e.id: e for e in entries}
        group = None
        for entry in entries:
            heading = self._group(entry, weeks)
            if heading != group:
                group = heading
                head = QListWidgetItem(heading)
                head.setFlags(Qt.ItemFlag.NoItemFlags)
                font = head.font()
                font.setBold(True)
                head.setFont(font)
                self.session_list.addItem(head)
            minutes = self.tr(" · about {n} min").format(n=round(entry.minutes)) \
                if entry.minutes else ""
            item = QListWidgetItem(f"{entry.title}{minutes}")
            item.setData(Qt.ItemDataRole.UserRole, entry.id)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         f"{entry.title}{minutes}. {entry.summary}")
            self.session_list.addItem(item)
            if entry.id == current or (current is None and self.session_list.currentItem() is None):
                self.session_list.setCurrentItem(item)
        self.errors_label.setText(self.tr("Some of your scripts could not be read:\n") +
                                  "\n".join(errors) if errors else "")
        self.errors_label.setVisible(bool(errors))

    def _group(self, entry: LibraryEntry, weeks: dict[str, int | None]) -> str:
        if entry.source != "bundled":
            return self.tr("Your recordings and scripts")
        week = weeks.get(entry.id)
        return self.tr("Week {n}").format(n=week) if week else self.tr("Any time")

    def current_id(self) -> str | None:
        item = self.session_list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _selected(self, item: QListWidgetItem | None, _previous: object = None) -> None:
        entry = self.entries.get(item.data(Qt.ItemDataRole.UserRole)) if item else None
        self.start_button.setEnabled(entry is not None)
        self._show_own_buttons(entry)
        if entry is None:
            for w in (self.title, self.length, self.summary):
                w.setText("")
            self.safety.hide()
            return
        self.title.setText(entry.title)
        self.length.setText(self.tr("About {n} minutes").format(n=round(entry.minutes))
                            if entry.minutes else "")
        self.summary.setText(entry.summary)
        self.safety.hide()
        path = entry.path
        self.ctx.tasks.run(lambda: parse_session(path).safety,
                           lambda text: self._show_safety(entry.id, text),
                           lambda exc: log.warning("could not read %s: %s", path, exc))

    def _own(self, act: Callable[[LibraryScreen, LibraryEntry], None]) -> None:
        entry = self.entries.get(self.current_id() or "")
        if entry is not None and entry.source == "user":
            act(self, entry)

    def _show_own_buttons(self, entry: LibraryEntry | None) -> None:
        mine = entry is not None and entry.source == "user"
        for b in (self.rename_button, self.inputs_button, self.delete_button, self.share_button,
                  self.record_button):
            b.setVisible(mine)

    def _show_safety(self, session_id: str, text: str) -> None:
        if self.current_id() == session_id:
            self.safety.setText(text)
            self.safety.setVisible(bool(text))

    def _start(self) -> None:
        session_id = self.current_id()
        if session_id:
            entry = self.entries[session_id]
            self.startRequested.emit(str(entry.path) if entry.source == "user" else session_id,
                                     None)

    # -- imports ----------------------------------------------------------------------

    def _ask_import(self) -> None:
        audio, _ = QFileDialog.getOpenFileName(
            self, self.tr("Step 1 of 2: choose the recording (a WAV, FLAC, OGG, MP3 or M4A file)"),
            str(Path.home()),
            self.tr("Recordings (*.wav *.flac *.ogg *.mp3 *.m4a);;All files (*)"))
        if not audio:
            return
        labels, _ = QFileDialog.getOpenFileName(
            self, self.tr("Step 2 of 2: choose its label file (in Audacity: File › Export › "
                          "Export Labels; each label becomes a reflection)"), str(Path(audio).parent),
            self.tr("Label files (*.txt);;All files (*)"))
        if labels:
            self.import_recording(Path(audio), Path(labels))

    def _ask_record(self) -> None:
        """Record the chosen practice's narration, paragraph by paragraph."""
        entry = self.entries.get(self.current_id() or "")
        if entry is None or entry.source != "user":
            return
        from mit_desktop.authoring import drafts
        from mit_desktop.session.errors import SessionError
        from mit_desktop.ui.studio.record_paragraphs import RecordParagraphsDialog

        try:
            pid = self.ctx.profile_id
            dialog = RecordParagraphsDialog(
                entry.path, self, self.ctx.tasks.run, self.ctx.state.output_device,
                other_texts=lambda: [d.text for d in drafts.list_drafts(pid)])
        except (SessionError, OSError) as exc:
            self.message.emit(self.tr("This practice cannot be recorded until its script "
                                      "is mended: {why}").format(why=exc))
            return
        dialog.saved.connect(lambda _path: self.refresh())
        dialog.resize(min(900, self.window().width()), min(700, self.window().height()))
        dialog.open()
        self._record_dialog = dialog

    def _ask_record_whole(self) -> None:
        """Record a whole practice in one take."""
        from mit_desktop.ui.studio.record_whole import RecordWholeTakeDialog

        dialog = RecordWholeTakeDialog(self, self.ctx.tasks.run, self.ctx.state.output_device)
        dialog.saved.connect(lambda _path: self.refresh())
        dialog.resize(min(900, self.window().width()), min(700, self.window().height()))
        dialog.open()
        self._record_dialog = dialog

    def _ask_voice(self) -> None:
        model, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a Piper voice"),
                                               str(Path.home()),
                                               self.tr("Piper voices (*.onnx)"))
        if model:
            self.add_voice(Path(model))

    def _progress(self, text: str) -> CancelToken:
        token = CancelToken()
        dialog = QProgressDialog(text, self.tr("Cancel"), 0, 0, self)
        dialog.setWindowTitle(text)
        dialog.setMinimumDuration(400)
        dialog.canceled.connect(token.cancel)
        self._dialog = dialog
        return token

    def _close_progress(self) -> None:
        dialog = getattr(self, "_dialog", None)
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
            self._dialog = None

    def import_recording(self, audio: Path, labels: Path) -> None:
        """Import in the background; a message says what happened."""
        token = self._progress(self.tr("Importing the recording…"))

        def done(path: Path) -> None:
            self._close_progress()
            self.message.emit(self.tr("Imported: {name}. It is listed under your recordings.")
                              .format(name=path.name))
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self.message.emit(self.tr("The recording could not be imported: {why}")
                              .format(why=exc) if str(exc) else self.tr("Import cancelled."))

        self.ctx.tasks.run(lambda: import_recording(audio, labels, token), done, failed)

    def _ask_share(self) -> None:
        entry = self.entries.get(self.current_id() or "")
        if entry is None or entry.source != "user":
            return
        from mit_desktop.content.session_bundle import SHARE_SUFFIX

        out, _ = QFileDialog.getSaveFileName(
            self, self.tr("Where should the shared practice be saved? (for example on a USB "
                          "stick)"), str(Path.home() / f"{entry.id}{SHARE_SUFFIX}"),
            self.tr("Shared practices (*{suffix})").format(suffix=SHARE_SUFFIX))
        if out:
            out_path = Path(out)
            if not out_path.name.endswith(SHARE_SUFFIX):
                out_path = out_path.with_name(out_path.name + SHARE_SUFFIX)
            self.share(entry.id, out_path)

    def share(self, session_id: str, out: Path) -> None:
        """Write the user's practice ``session_id`` and its recordings to ``out`` in the
        background; a message says what happened."""
        from mit_desktop.content.session_bundle import export_session

        entry = self.entries[session_id]
        token = self._progress(self.tr("Saving the practice to share…"))

        def done(path: Path) -> None:
            self._close_progress()
            self.message.emit(self.tr("Saved “{title}” with its recordings as {file}. Give "
                                      "this one file to the other person; in MIT Desktop they "
                                      "choose “Import a shared session…”.")
                              .format(title=entry.title, file=path))

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self.message.emit(self.tr("The practice could not be shared: {why}").format(why=exc)
                              if str(exc) else self.tr("Cancelled; no file was saved."))

        self.ctx.tasks.run(lambda: export_session(entry.path, out, token), done, failed)

    def _ask_import_shared(self) -> None:
        from mit_desktop.content.session_bundle import SHARE_SUFFIX

        chosen, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose the practice file that was shared with you"), str(Path.home()),
            self.tr("Shared practices (*{suffix});;All files (*)").format(suffix=SHARE_SUFFIX))
        if chosen:
            self.import_shared(Path(chosen))

    def import_shared(self, bundle: Path) -> None:
        """Take a shared practice file into the user's own practices in the background; it
        never replaces one they have. A message says what happened."""
        from mit_desktop.content.library import user_sessions_dir
        from mit_desktop.content.session_bundle import ImportResult, import_bundle

        token = self._progress(self.tr("Adding the shared practice…"))

        def done(result: ImportResult) -> None:
            self._close_progress()
            text = self.tr("Added “{title}” to your practices.").format(title=result.title)
            if result.renamed_from:
                text += " " + self.tr("You already had a practice like it, so both are kept; "
                                      "the new one is called “{title}”.").format(title=result.title)
            self.message.emit(text)
            self.refresh()

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self.message.emit(self.tr("The shared practice was not added. {why}").format(why=exc)
                              if str(exc) else self.tr("Cancelled; nothing was added."))

        self.ctx.tasks.run(lambda: import_bundle(bundle, user_sessions_dir(), token), done,
                           failed)

    def add_voice(self, model: Path) -> None:
        token = self._progress(self.tr("Adding the voice…"))

        def done(voice_id: str) -> None:
            self._close_progress()
            self.message.emit(self.tr("Voice added: {v}. Choose it in Settings.").format(v=voice_id))

        def failed(exc: BaseException) -> None:
            self._close_progress()
            self.message.emit(self.tr("The voice could not be added: {why}").format(why=exc)
                              if str(exc) else self.tr("Cancelled."))

        self.ctx.tasks.run(lambda: add_voice(model, token), done, failed)
