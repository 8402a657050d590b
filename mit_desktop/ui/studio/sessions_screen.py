""""Sessions I made": the profile's own scripts, with New (blank or from an MIT module's
template), Open, Duplicate, Delete (asked first) and Share (the shared-session file), and
the script editor they open in. The files are plain ``.session.md`` in the profile's
folder (:func:`mit_desktop.authoring.my_sessions.made_dir`), which the page names so the
therapist can back it up."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.authoring import my_sessions
from mit_desktop.ui.studio.button_grid import ButtonGrid
from mit_desktop.ui.studio.editor import ScriptEditor, keep_ring_clear
from mit_desktop.ui.widgets import button, label, named, scroll_page

log = logging.getLogger(__name__)

PATH_ROLE = Qt.ItemDataRole.UserRole


class SessionsList(QWidget):
    """The list of the profile's scripts and what can be done with them."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(label(self.tr("Sessions I made"), "heading", self))
        self.folder_label = label("", "muted", self)
        named(self.folder_label, self.tr("Where your scripts are kept"))
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.sessions = QListWidget(self)
        named(self.sessions, self.tr("Sessions I made"),
              self.tr("Your own session scripts. Enter opens the chosen one in the editor."))
        self.sessions.setWordWrap(True)
        self.sessions.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.sessions.setMinimumHeight(140)
        keep_ring_clear(self.sessions)
        layout.addWidget(self.sessions, 1)
        self.empty_label = label(self.tr("You have not made a session yet. Start with “New "
                                         "from a template…”: the sections, pauses, reflections "
                                         "and safety lines of an MIT module are then in place."),
                                 None, self)
        layout.addWidget(self.empty_label)
        self.open_button = button(self.tr("Open"), self.tr("Open in the editor"),
                                  self.tr("Open the chosen script in the editor."), "primary", self)
        self.new_template_button = button(self.tr("New from a template…"),
                                          self.tr("New session from a template"),
                                          self.tr("A new script with the structure and safety "
                                                  "lines of one MIT module."), None, self)
        self.new_blank_button = button(self.tr("New blank…"), self.tr("New blank session"),
                                       self.tr("A new script with only a beginning and an "
                                               "ending."), None, self)
        self.duplicate_button = button(self.tr("Duplicate"), self.tr("Duplicate the chosen script"),
                                       self.tr("A copy of the chosen script with a new name."),
                                       None, self)
        self.delete_button = button(self.tr("Delete…"), self.tr("Delete the chosen script"),
                                    self.tr("Delete the chosen script (asked first); its "
                                            "history is kept."), None, self)
        self.share_button = button(self.tr("Share…"), self.tr("Share the chosen script"),
                                   self.tr("Save the chosen session and its recordings as one "
                                           "file for someone who uses MIT Desktop."), None, self)
        self.record_button = button(self.tr("Record narration…"),
                                    self.tr("Record narration for the chosen script"),
                                    self.tr("Read the chosen script aloud paragraph by paragraph; "
                                            "your recording replaces the computer voice."),
                                    None, self)
        self.record_whole_button = button(self.tr("Record a whole take…"),
                                          self.tr("Record a whole session in one take"),
                                          self.tr("Record a session in one take; its pauses "
                                                  "become reflection points and sections."),
                                          None, self)
        self.row = ButtonGrid([self.open_button, self.new_template_button, self.new_blank_button,
                               self.duplicate_button, self.delete_button, self.share_button,
                               self.record_button, self.record_whole_button], self)
        layout.addWidget(self.row)


class StudioScreen(QWidget):
    """``message(text)`` tells the user; ``playRequested(path)`` plays a script in the normal
    player (the window's practice flow)."""

    message = Signal(str)
    playRequested = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.made: list[my_sessions.MadeSession] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # at 200 % text on 1024×768, with a message under the page, the list and editor
        # scroll rather than push the window past the bottom of the screen
        area, inner, inner_layout = scroll_page(self, self.tr("Sessions I made"),
                                                margins=(0, 0, 0, 0), horizontal=False,
                                                focusable=False)
        self.pages = QStackedWidget(inner)
        inner_layout.addWidget(self.pages)
        layout.addWidget(area)
        self.list = SessionsList(self.pages)
        self.editor = ScriptEditor(ctx, self.pages)
        self.pages.addWidget(self.list)
        self.pages.addWidget(self.editor)
        lst = self.list
        lst.sessions.itemActivated.connect(lambda _i: self.open_chosen())
        lst.sessions.currentItemChanged.connect(lambda *_a: self._enable())
        lst.open_button.clicked.connect(self.open_chosen)
        lst.new_template_button.clicked.connect(self.ask_template)
        lst.new_blank_button.clicked.connect(self._ask_blank)
        lst.duplicate_button.clicked.connect(self.duplicate_chosen)
        lst.delete_button.clicked.connect(self._ask_delete)
        lst.share_button.clicked.connect(self._ask_share)
        lst.record_button.clicked.connect(self.record_chosen)
        lst.record_whole_button.clicked.connect(self.record_whole)
        self.editor.back.connect(self.show_list)
        self.editor.message.connect(self.message)
        self.editor.playWholeRequested.connect(self.playRequested)
        self.editor.saved.connect(lambda _p: self.refresh())
        self.editor.recordRequested.connect(
            lambda p: self.record_script(Path(p), self.editor.last_record_notice))
        self._enable()

    # -- the list ------------------------------------------------------------------------

    @property
    def profile_id(self) -> int:
        return int(self.ctx.profile_id)

    def refresh(self) -> None:
        """Read the profile's folder again (on the general pool) and show it."""
        pid = self.profile_id

        def load() -> tuple[Path, list[my_sessions.MadeSession]]:
            return my_sessions.made_dir(pid), my_sessions.list_made(pid)

        self.ctx.tasks.run(load, lambda loaded: self._show(pid, *loaded),
                           lambda exc: self.message.emit(
                               self.tr("Your sessions could not be read: {why}").format(why=exc)))

    def _show(self, pid: int, folder: Path, made: list[my_sessions.MadeSession]) -> None:
        if pid != self.profile_id:
            return
        lst = self.list
        chosen = self.chosen_path()
        lst.folder_label.setText(self.tr("Kept as plain files in {folder} – back up or copy "
                                         "this folder like any other.").format(folder=folder))
        self.made = made
        lst.sessions.clear()
        for entry in made:
            text = entry.title
            if entry.has_draft:
                text += self.tr(" – unsaved changes kept")
            if entry.problem:
                text += self.tr(" – has a problem to fix")
            item = QListWidgetItem(text)
            item.setData(PATH_ROLE, str(entry.path))
            item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{text}. {entry.path.name}")
            lst.sessions.addItem(item)
            if str(entry.path) == chosen or lst.sessions.currentItem() is None:
                lst.sessions.setCurrentItem(item)
        lst.empty_label.setVisible(not made)
        self._enable()

    def chosen_path(self) -> str | None:
        item = self.list.sessions.currentItem()
        return item.data(PATH_ROLE) if item else None

    def _enable(self) -> None:
        has = self.chosen_path() is not None
        for b in (self.list.open_button, self.list.duplicate_button, self.list.delete_button,
                  self.list.share_button, self.list.record_button):
            b.setEnabled(has)

    def show_list(self) -> None:
        self.pages.setCurrentWidget(self.list)
        self.refresh()
        self.list.sessions.setFocus()

    # -- actions -------------------------------------------------------------------------

    def open_script(self, path: Path) -> None:
        """Open ``path`` in the editor (its kept draft offered back)."""
        self.pages.setCurrentWidget(self.editor)
        self.editor.load(Path(path), self.profile_id)
        self.editor.text.setFocus()

    def record_chosen(self) -> None:
        """Record narration for the chosen script, paragraph by paragraph (ui/studio/
        record_paragraphs.py). When the editor holds unsaved changes to it, the editor
        records (saving them first); when only a kept draft has them, the therapist is
        told to open it, so takes never go to paragraphs the script no longer has."""
        path = self.chosen_path()
        if not path:
            return
        editor = self.editor
        if editor.path is not None and Path(path) == editor.path and editor.dirty:
            editor.record_narration()
            return
        if any(m.has_draft for m in self.made if str(m.path) == path):
            self.message.emit(self.tr(
                "“{name}” has unsaved changes kept from the editor. Open it and press "
                "“Record narration…” there: your changes are saved first.")
                .format(name=Path(path).name))
            return
        self.record_script(Path(path))

    def record_script(self, path: Path, notice: str = "") -> None:
        """Open the paragraph recorder on the saved script at ``path``; ``notice`` (such as
        "Saved your changes before recording.") is shown in its status line. When the
        recordings go into the script, the editor shows the new file if it has it open."""
        from mit_desktop.session.errors import SessionError
        from mit_desktop.ui.studio.record_paragraphs import RecordParagraphsDialog

        try:
            dialog = RecordParagraphsDialog(Path(path), self, self.ctx.tasks.run,
                                            self.ctx.state.output_device,
                                            other_texts=self._draft_texts)
        except (SessionError, OSError) as exc:
            self.message.emit(self.tr("This script cannot be recorded until it is mended: "
                                      "{why}").format(why=exc))
            return
        if notice:  # before what the recorder said on opening (no microphone, …)
            dialog.put_first(notice)
        dialog.saved.connect(lambda _p: self.refresh())
        dialog.saved.connect(lambda p: self._recorded(Path(p)))
        self._open_recorder(dialog)

    def _draft_texts(self) -> list[str]:
        """The unsaved text of every script this profile has open or kept as a draft: a
        tidy keeps the recordings they name."""
        from mit_desktop.authoring import drafts

        texts = [d.text for d in drafts.list_drafts(self.profile_id)]
        if self.editor.dirty:
            texts.append(self.editor.text.toPlainText())
        return texts

    def _recorded(self, path: Path) -> None:
        if self.editor.path is not None and self.editor.path == Path(path):
            self.editor.reload_saved()

    def record_whole(self) -> None:
        """Record a whole session in one take into this profile's folder
        (ui/studio/record_whole.py)."""
        from mit_desktop.ui.studio.record_whole import RecordWholeTakeDialog

        dialog = RecordWholeTakeDialog(self, self.ctx.tasks.run, self.ctx.state.output_device,
                                       my_sessions.made_dir(self.profile_id))
        dialog.saved.connect(lambda _p: self.refresh())
        self._open_recorder(dialog)

    def _open_recorder(self, dialog: QDialog) -> None:
        window = self.window()
        dialog.resize(min(900, window.width()), min(700, window.height()))
        dialog.open()
        self.recorder_dialog = dialog

    def open_chosen(self) -> None:
        path = self.chosen_path()
        if path:
            self.open_script(Path(path))

    def _made(self, make: Any, what: str) -> None:
        def done(path: Path) -> None:
            self.message.emit(self.tr("Made “{name}”. Write your own words where it says "
                                      "“Write here”, then Save.").format(name=path.name))
            self.refresh()
            self.open_script(path)

        def failed(exc: BaseException) -> None:
            self.message.emit(self.tr("The {what} could not be made: {why}")
                              .format(what=what, why=exc))

        self.ctx.tasks.run(make, done, failed)

    def _ask_blank(self) -> None:
        title, ok = QInputDialog.getText(self, self.tr("New blank session"),
                                         self.tr("A name for the new session:"))
        if ok and title.strip():
            self.new_blank(title)

    def new_blank(self, title: str) -> None:
        pid = self.profile_id
        self._made(lambda: my_sessions.new_blank(pid, title), self.tr("new session"))

    def ask_template(self) -> None:
        """Ask which MIT module to follow, then make the new script in this profile's folder
        and open it in the editor (also the Library's "New from a template…")."""
        from mit_desktop.content.library import list_sessions
        from mit_desktop.content.session_template import template_modules

        titles = {}
        entries = [e for e in list_sessions(include_user=False)[0] if e.module]
        for module in template_modules():
            title = next((e.title for e in entries if e.module == module), module)
            titles[title] = module
        chosen, ok = QInputDialog.getItem(
            self, self.tr("New session from a template"),
            self.tr("Which MIT module should your session follow?"), list(titles), 0, False)
        if ok and chosen:
            self.new_from_template(titles[chosen])

    def new_from_template(self, module: str, title: str | None = None) -> None:
        pid = self.profile_id
        self._made(lambda: my_sessions.new_from_template(pid, module, title),
                   self.tr("new session"))

    def duplicate_chosen(self) -> None:
        path, pid = self.chosen_path(), self.profile_id
        if path:
            self._made(lambda: my_sessions.duplicate(pid, Path(path)), self.tr("copy"))

    def confirm(self, title: str, text: str) -> bool:
        """Ask yes or no (tests replace this)."""
        return QMessageBox.question(self, title, text) == QMessageBox.StandardButton.Yes

    def _ask_delete(self) -> None:
        path = self.chosen_path()
        if not path:
            return
        entry = next((m for m in self.made if str(m.path) == path), None)
        name = entry.title if entry else Path(path).name
        if self.confirm(self.tr("Delete this session?"), self.tr(
                "Delete “{name}” ({file}) and the recordings only it uses? This cannot be undone; "
                "the history of practising it is kept.").format(name=name, file=Path(path).name)):
            self.delete(Path(path))

    def delete(self, path: Path) -> None:
        pid = self.profile_id

        def done(_removed: list[Path]) -> None:
            self.message.emit(self.tr("Deleted {file}.").format(file=path.name))
            self.refresh()

        self.ctx.tasks.run(lambda: my_sessions.delete_made(pid, path), done,
                           lambda exc: self.message.emit(str(exc)))

    def _ask_share(self) -> None:
        from mit_desktop.content.session_bundle import SHARE_SUFFIX

        path = self.chosen_path()
        if not path:
            return
        stem = Path(path).name.removesuffix(".session.md")
        out, _ = QFileDialog.getSaveFileName(
            self, self.tr("Where should the shared session be saved? (for example on a USB "
                          "stick)"), str(Path.home() / f"{stem}{SHARE_SUFFIX}"),
            self.tr("Shared sessions (*{suffix})").format(suffix=SHARE_SUFFIX))
        if out:
            out_path = Path(out)
            if not out_path.name.endswith(SHARE_SUFFIX):
                out_path = out_path.with_name(out_path.name + SHARE_SUFFIX)
            self.share(Path(path), out_path)

    def share(self, path: Path, out: Path) -> None:
        """Export the script and its recordings as one shared-session file (in the
        background); a message says what happened."""
        from mit_desktop.content.session_bundle import export_session
        from mit_desktop.ui.workers import CancelToken

        def done(written: Path) -> None:
            self.message.emit(self.tr("Saved as {file}. Give this one file to the other "
                                      "person; in MIT Desktop they choose “Import a shared "
                                      "session…” under All practices.").format(file=written))

        def failed(exc: BaseException) -> None:
            self.message.emit(self.tr("The session could not be shared: {why}").format(why=exc))

        self.ctx.tasks.run(lambda: export_session(path, out, CancelToken()), done, failed)

    # -- the window ----------------------------------------------------------------------

    def may_close(self) -> bool:
        """False when the user chose to stay (unsaved changes, Cancel)."""
        return self.editor.may_close()

    def profile_changed(self) -> None:
        """Another profile was chosen: keep what was typed as a draft and show its list."""
        self.editor.keep_draft()
        self.editor.stop_preview()
        self.editor.path = None
        self.editor.saved_text = ""
        self.editor.text.clear()
        self.show_list()
