# Over 400 lines: one editor page whose text, live checks, strip, previews, saving and drafts act on the same script; the maths is Qt-free in authoring/.
"""The script editor: a session script with colours, checked as it is typed (each problem
underlined with a wavy line and listed with the message ``mit-desktop validate`` prints,
the strict safety checks as advice in their own colour and section), the timeline strip
under it, and previews of the sentence, paragraph or section under the cursor.

Nothing typed is lost: shortly after typing stops (and every DRAFT_EVERY_MS while there
are unsaved changes) the text is kept as a private draft (:mod:`mit_desktop.authoring.
drafts`); opening the script again offers it back. Saving writes the file atomically and
drops the draft. The checks run on the general pool, the preview renders on the player's
own threads; the GUI thread only parses the small part to hear.

Keys: Ctrl+S saves; F5, F6 and F7 play the sentence, paragraph and section under the
cursor; F8 stops; Tab leaves the text (it does not type a tab).
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeySequence, QShortcut, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.authoring import drafts
from mit_desktop.authoring.checks import ADVICE, CheckResult, Finding, check_text
from mit_desktop.authoring.my_sessions import MySessionsError, save_script
from mit_desktop.authoring.preview import (
    PARAGRAPH,
    SECTION,
    SENTENCE,
    NothingToPlay,
    preview_session,
)
from mit_desktop.authoring.strip import clock_ms, estimate_strip, items_on_line
from mit_desktop.session.errors import SessionError
from mit_desktop.ui.studio.button_grid import ButtonGrid
from mit_desktop.ui.studio.highlighter import ScriptHighlighter
from mit_desktop.ui.studio.timeline_strip import KIND_COLOURS, KIND_WORDS, TimelineStrip
from mit_desktop.ui.theme import colours
from mit_desktop.ui.widgets import button, label, named

log = logging.getLogger(__name__)

CHECK_DELAY_MS = 400  # the checks run this long after typing stops
DRAFT_DELAY_MS = 800  # a draft is kept this long after typing stops
#: the safety advice is checked on real speech (as validate --strict) this long after typing stops
EXACT_CHECK_DELAY_MS = 3000
DRAFT_EVERY_MS = 10_000  # and at least this often while there are unsaved changes
_TOKEN = re.compile(r"[^\s\[\]:]+")  # a word of the line: what a column points at
LINE_ROLE = Qt.ItemDataRole.UserRole
COLUMN_ROLE = Qt.ItemDataRole.UserRole + 1



class _CheckStopped(Exception):
    """A check on real speech was ended before it finished (newer text, or closing)."""

def keep_ring_clear(widget: QWidget) -> None:
    """A little room between the border and what is inside (a scroll bar, a chosen row), so
    the 3 px focus ring stands out on every side against what it borders."""
    name = f"studio{type(widget).__name__}{id(widget)}"
    widget.setObjectName(name)
    widget.setStyleSheet(f"#{name} {{ padding: 3px; }}")


class ScriptEditor(QWidget):
    """One script open for editing. ``ctx`` is the AppContext (tasks, prefs, a player for
    previews). ``back`` when the user goes back to the list; ``playWholeRequested(path)``
    to play the saved script in the normal player; ``message(text)`` to tell the user."""

    back = Signal()
    playWholeRequested = Signal(str)
    message = Signal(str)
    saved = Signal(str)
    recordRequested = Signal(str)

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path: Path | None = None
        self.profile_id: int = 0
        self.saved_text = ""
        self.result: CheckResult | None = None
        self._generation = 0
        self._exact_running = False  # one check on real speech at a time
        self._exact_stop = threading.Event()  # set: the running one ends at its next sentence
        self._preview_player: Any = None
        self.last_record_notice = ""  # what record_narration said before the recorder opened
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 12, 24, 12)
        self.title_label = label("", "title", self)
        named(self.title_label, self.tr("The script being edited"))
        layout.addWidget(self.title_label)
        self.save_button = button(self.tr("Save"), self.tr("Save the script"),
                                  self.tr("Save the script (Ctrl+S)."), "primary", self)
        self.save_button.clicked.connect(self.save)
        self.sentence_button = button(self.tr("Hear sentence"), self.tr("Hear the sentence"),
                                      self.tr("Hear the sentence under the cursor (F5)."), None,
                                      self)
        self.paragraph_button = button(self.tr("Hear paragraph"), self.tr("Hear the paragraph"),
                                       self.tr("Hear the paragraph under the cursor (F6)."), None,
                                       self)
        self.section_button = button(self.tr("Hear section"), self.tr("Hear the section"),
                                     self.tr("Hear the section with the cursor, from its "
                                             "heading (F7)."), None, self)
        self.stop_button = button(self.tr("Stop"), self.tr("Stop hearing"),
                                  self.tr("Stop the part you are hearing (F8)."), None, self)
        self.whole_button = button(self.tr("Play whole session"), self.tr("Play the whole session"),
                                   self.tr("Save, then play the whole session in the player, "
                                           "as a listener hears it."), None, self)
        self.record_button = button(self.tr("Record narration…"),
                                    self.tr("Record narration for this script"),
                                    self.tr("Read this script aloud paragraph by paragraph; "
                                            "unsaved changes are saved first."), None, self)
        self.back_button = button(self.tr("Back to my sessions"), self.tr("Back to my sessions"),
                                  self.tr("Back to the list; what is not saved is kept as a "
                                          "draft."), None, self)
        self.sentence_button.clicked.connect(lambda: self.preview(SENTENCE))
        self.paragraph_button.clicked.connect(lambda: self.preview(PARAGRAPH))
        self.section_button.clicked.connect(lambda: self.preview(SECTION))
        self.stop_button.clicked.connect(self.stop_preview)
        self.whole_button.clicked.connect(self.play_whole)
        self.record_button.clicked.connect(self.record_narration)
        self.back_button.clicked.connect(self._go_back)
        self.tools = ButtonGrid([self.save_button, self.sentence_button, self.paragraph_button,
                                 self.section_button, self.stop_button, self.whole_button,
                                 self.record_button, self.back_button], self)
        layout.addWidget(self.tools)
        self.text = QPlainTextEdit(self)
        named(self.text, self.tr("Script"),
              self.tr("The session script. Problems are underlined and listed below; Tab "
                      "moves on to the next control."))
        self.text.setTabChangesFocus(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.text.setMinimumHeight(120)
        keep_ring_clear(self.text)
        self.highlighter = ScriptHighlighter(self.text.document())
        layout.addWidget(self.text, 3)
        self.strip = TimelineStrip(self)
        layout.addWidget(self.strip)
        self.strip_label = label("", "muted", self)
        named(self.strip_label, self.tr("About the timeline"))
        layout.addWidget(self.strip_label)
        self.legend = label("", "muted", self)
        named(self.legend, self.tr("Colours of the timeline"))
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setText(self._legend_html())
        layout.addWidget(self.legend)
        self.problems = QListWidget(self)
        named(self.problems, self.tr("Problems and advice"),
              self.tr("Problems to fix, then advice from the safety checks. Enter or a click "
                      "puts the cursor on the line."))
        self.problems.setWordWrap(True)
        self.problems.setMinimumHeight(90)
        keep_ring_clear(self.problems)
        self.problems.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.problems.itemActivated.connect(self.go_to_problem)
        self.problems.itemClicked.connect(self.go_to_problem)
        layout.addWidget(self.problems, 1)
        self.check_timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self.check_timer.timeout.connect(self.run_checks)
        self.exact_timer = QTimer(self, singleShot=True, interval=EXACT_CHECK_DELAY_MS)
        self.exact_timer.timeout.connect(self.run_exact_check)
        self.draft_timer = QTimer(self, singleShot=True, interval=DRAFT_DELAY_MS)
        self.draft_timer.timeout.connect(self.keep_draft)
        self.periodic_draft = QTimer(self, interval=DRAFT_EVERY_MS)
        self.periodic_draft.timeout.connect(self.keep_draft)
        self.periodic_draft.start()
        self.text.textChanged.connect(self._changed)
        self.text.cursorPositionChanged.connect(self._cursor_moved)
        self.strip.lineRequested.connect(lambda line: self.go_to(line, None))
        self.strip.itemChosen.connect(self.strip_label.setText)
        for keys, act in (("Ctrl+S", self.save), ("F5", lambda: self.preview(SENTENCE)),
                          ("F6", lambda: self.preview(PARAGRAPH)),
                          ("F7", lambda: self.preview(SECTION)), ("F8", self.stop_preview)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(act)

    def _legend_html(self) -> str:
        import html

        return " &nbsp; ".join(f'<span style="color:{KIND_COLOURS[k]}">■</span> '
                               f"{html.escape(self.tr(w))}" for k, w in KIND_WORDS.items()) + \
            " &nbsp; " + html.escape(self.tr("| section start"))

    # -- opening, saving, drafts -------------------------------------------------------

    @property
    def dirty(self) -> bool:
        return self.path is not None and self.text.toPlainText() != self.saved_text

    def load(self, path: Path, profile_id: int) -> None:
        """Open the script at ``path`` for ``profile_id``; a kept draft of it is offered back
        (:meth:`offer_draft`). Unsaved text of the script open before is kept as its draft."""
        self.stop_preview()
        self.keep_draft()
        self.path, self.profile_id = Path(path), int(profile_id)
        try:
            self.saved_text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.saved_text = ""
            self.message.emit(self.tr("The script could not be read: {why}").format(why=exc))
        self.text.setPlainText(self.saved_text)
        self.text.document().setModified(False)
        self.text.moveCursor(QTextCursor.MoveOperation.Start)
        self._show_title()
        self.run_checks()
        draft = drafts.load_draft(self.profile_id, self.path)
        if draft is not None and draft.text != self.saved_text:
            self.offer_draft(draft)
        elif draft is not None:
            drafts.discard_draft(self.profile_id, self.path)

    def offer_draft(self, draft: drafts.Draft) -> None:
        """Ask whether to carry on with the unsaved text kept at ``draft.saved_at``; yes puts
        it in the editor (unsaved), no discards it."""
        when = draft.saved_at.astimezone().strftime("%d %B %Y, %H:%M")
        answer = self.ask(self.tr("Unsaved changes were kept"), self.tr(
            "Changes to this script were not saved when the program closed ({when}). Carry on "
            "with them? (No throws them away and keeps the saved script.)").format(when=when),
            ("yes", "no"))
        if answer == "yes":
            self.text.setPlainText(draft.text)
            self.message.emit(self.tr("Your unsaved changes are back; save them when you are "
                                      "ready."))
        elif self.path is not None:  # (a draft is offered only for an open script)
            drafts.discard_draft(self.profile_id, self.path)

    def ask(self, title: str, text: str, choices: tuple[str, ...]) -> str:
        """Ask the user; one of ``choices`` ("yes", "no", "save", "discard", "cancel").
        Tests replace this."""
        buttons = {"yes": QMessageBox.StandardButton.Yes, "no": QMessageBox.StandardButton.No,
                   "save": QMessageBox.StandardButton.Save,
                   "discard": QMessageBox.StandardButton.Discard,
                   "cancel": QMessageBox.StandardButton.Cancel}
        flags = QMessageBox.StandardButton.NoButton
        for choice in choices:
            flags |= buttons[choice]
        answer = QMessageBox.question(self, title, text, flags, buttons[choices[0]])
        return next((k for k, v in buttons.items() if v == answer), choices[-1])

    def _show_title(self) -> None:
        name = self.path.name if self.path else ""
        self.title_label.setText(self.tr("{name} – not saved").format(name=name) if self.dirty
                                 else name)

    def _changed(self) -> None:
        self._show_title()
        self.check_timer.start()
        if self.dirty:
            self.draft_timer.start()

    def keep_draft(self) -> None:
        """Keep the text as a draft now if it differs from the saved file."""
        if not self.dirty or self.path is None:
            return
        try:
            drafts.save_draft(self.profile_id, self.path, self.text.toPlainText())
        except OSError as exc:
            log.error("a draft could not be kept: %s", exc.strerror)

    def save(self, quiet: bool = False) -> bool:
        """Save atomically; True when saved. The draft goes once the file holds the text.
        ``quiet``: the caller says what happened (no "Saved." message)."""
        if self.path is None:
            return False
        text = self.text.toPlainText()
        try:
            save_script(self.path, text)
        except MySessionsError as exc:
            self.message.emit(str(exc))
            return False
        self.saved_text = text
        drafts.discard_draft(self.profile_id, self.path)
        self._show_title()
        n = len(self.result.errors) if self.result else 0
        if not quiet:
            self.message.emit(self.tr("Saved.") if not n else self.tr(
                "Saved. The script still has {n} problem(s) to fix before it can be played.")
                .format(n=n))
        self.saved.emit(str(self.path))
        return True

    def may_close(self) -> bool:
        """Before the window closes: with unsaved changes, ask to save, discard or cancel.
        False: stay open. Whatever is answered, a draft is kept until saved or discarded."""
        self.stop_preview()
        if not self.dirty:
            return True
        self.keep_draft()
        answer = self.ask(self.tr("Save your script?"), self.tr(
            "“{name}” has changes that are not saved. Save them now?").format(
            name=self.path.name if self.path else ""), ("save", "discard", "cancel"))
        if answer == "cancel":
            return False
        if answer == "save":
            return self.save()
        if self.path is not None:  # (only an open script has changes: see ``dirty``)
            drafts.discard_draft(self.profile_id, self.path)
        self.saved_text = self.text.toPlainText()  # nothing left to ask about
        return True

    def reload_saved(self) -> None:
        """Show the file as it is on disk now (another part of the program, the recorder,
        rewrote it); only when nothing typed here is unsaved, so no text is lost."""
        if self.path is None or self.dirty:
            return
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.message.emit(self.tr("The script could not be read: {why}").format(why=exc))
            return
        if text == self.saved_text:
            return
        line = self.text.textCursor().blockNumber() + 1
        self.saved_text = text
        self.text.setPlainText(text)
        self.text.document().setModified(False)
        self.go_to(line, None)
        self._show_title()
        self.run_checks()

    def record_narration(self) -> None:
        """Record narration for the text the editor shows: a text that does not parse is
        not recorded (the first problem is said with its line, and the cursor put on it);
        unsaved changes are saved first (takes belong to the paragraphs of the saved file),
        then ``recordRequested(path)``."""
        if self.path is None:
            return
        from mit_desktop.session.parser import parse_text

        text = self.text.toPlainText()
        try:
            parse_text(text.removeprefix("\ufeff"), self.path)
        except SessionError as exc:
            first = exc.problems[0] if exc.problems else None
            if first is None:
                self.message.emit(self.tr("This script cannot be recorded until its problems "
                                          "are fixed."))
                return
            self.message.emit(self.tr(
                "This script cannot be recorded until this problem is fixed – line {line}: "
                "{why}").format(line=first.line, why=first.message))
            self.go_to(first.line, first.column)
            return
        notice = ""
        if self.dirty:
            if not self.save(quiet=True):
                return
            notice = self.tr("Saved your changes before recording.")
            self.message.emit(notice)
        self.stop_preview()
        self.last_record_notice = notice
        self.recordRequested.emit(str(self.path))

    def _go_back(self) -> None:
        self.keep_draft()
        self.stop_preview()
        self.back.emit()

    # -- checks ------------------------------------------------------------------------

    def run_checks(self) -> None:
        """Check the text now on the general pool; the newest result alone is shown."""
        if self.path is None:
            return
        self._generation += 1
        self._exact_stop.set()  # a check on real speech of older text is not wanted any more
        generation, text, path = self._generation, self.text.toPlainText(), self.path
        self.ctx.tasks.run(lambda: check_text(text, path),
                           lambda result: self._show_result(generation, result),
                           lambda exc: log.error("checking the script failed", exc_info=exc))

    def run_exact_check(self) -> None:
        """Check the safety advice on real speech now, on the general pool, exactly as
        ``validate --strict`` does (authoring.checks.check_text with exact=True): its lines
        replace the estimate's "at about" ones. One at a time: typing, opening another
        script or closing the program ends it at its next sentence (stop_exact_check), and
        the newest text is checked after."""
        if self.path is None or self._exact_running:
            return
        self._exact_running = True
        stop = self._exact_stop = threading.Event()
        generation, text, path = self._generation, self.text.toPlainText(), self.path

        def progress(_done: int, _total: int) -> None:
            if stop.is_set():
                raise _CheckStopped

        def done(result: CheckResult) -> None:
            self._exact_running = False
            self._show_result(generation, result)

        def failed(exc: BaseException) -> None:
            self._exact_running = False  # the estimate's advice stays
            if isinstance(exc, _CheckStopped):
                if generation != self._generation and self.result is not None \
                        and not self.result.exact:
                    self.exact_timer.start()  # the newest text's turn
            elif isinstance(exc, SessionError):  # a voice or recording it cannot use yet
                log.warning("the script could not be checked on real speech: %s", exc)
            else:
                log.error("checking the script on real speech failed", exc_info=exc)

        self.ctx.tasks.run(lambda: check_text(text, path, exact=True, progress=progress),
                           done, failed)

    def stop_exact_check(self) -> None:
        """End a running check on real speech at its next sentence (the program is closing)."""
        self.exact_timer.stop()
        self._exact_stop.set()

    def _show_result(self, generation: int, result: CheckResult) -> None:
        if generation != self._generation:
            if self.result is not None and not self.result.exact:
                self.exact_timer.start()  # the newest text still waits for its exact check
            return  # typed since: a newer check is on its way
        self.result = result
        if result.exact:
            self.exact_timer.stop()
        else:
            self.exact_timer.start()
        self._underline(result)
        self._list(result)
        if result.session is not None:
            strip = estimate_strip(result.session, result.clip_ms)
            self.strip.set_strip(strip)
            self.strip_label.setText(self.tr(
                "About {length} in all (hands-free, the usual pace); {n} reflection(s).")
                .format(length=clock_ms(strip.duration_ms), n=len(result.session.reflections)))
        else:
            self.strip_label.setText(self.tr("The timeline shows again once the problems are "
                                             "fixed."))
        self._cursor_moved()

    def _selection(self, finding: Finding) -> QTextEdit.ExtraSelection:
        doc = self.text.document()
        block = doc.findBlockByNumber(min(finding.line, doc.blockCount()) - 1)
        cursor = QTextCursor(block)
        line = block.text()
        if finding.column is not None and line:
            start = min(finding.column - 1, max(0, len(line) - 1))
            match = _TOKEN.search(line, start)
            end = match.end() if match and match.start() == start else start + 1
            cursor.setPosition(block.position() + start)
            cursor.setPosition(block.position() + min(end, len(line)), QTextCursor.MoveMode.KeepAnchor)
        else:
            cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        c = colours()
        fmt.setUnderlineColor(QColor(c.banner_border if finding.kind == ADVICE else c.danger_border))
        fmt.setToolTip(finding.text)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = fmt
        return selection

    def _underline(self, result: CheckResult) -> None:
        self.text.setExtraSelections([self._selection(f) for f in result.errors + result.advice])

    def _list(self, result: CheckResult) -> None:
        self.problems.clear()
        c = colours()

        def heading(text: str) -> None:
            item = QListWidgetItem(text)
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            font = item.font()
            font.setBold(True)
            item.setFont(font)
            item.setForeground(QColor(c.fg))
            self.problems.addItem(item)

        if not result.errors and not result.advice:
            heading(self.tr("No problems found."))
            return
        if result.errors:
            heading(self.tr("Problems to fix ({n}): the session cannot be played until they "
                            "are fixed").format(n=len(result.errors)))
        for finding in result.errors + result.advice:
            if finding is (result.advice[0] if result.advice else None):
                heading(self.tr("Advice from the safety checks ({n}): the session plays, "
                                "but consider these").format(n=len(result.advice)))
            item = QListWidgetItem(finding.text)
            item.setData(LINE_ROLE, finding.line)
            item.setData(COLUMN_ROLE, finding.column)
            item.setData(Qt.ItemDataRole.AccessibleTextRole,
                         (self.tr("Advice: ") if finding.kind == ADVICE else
                          self.tr("Problem: ")) + finding.text)
            item.setForeground(QColor(c.fg if finding.kind == ADVICE else c.danger))
            self.problems.addItem(item)

    def go_to_problem(self, item: QListWidgetItem) -> None:
        line = item.data(LINE_ROLE)
        if line:
            self.go_to(int(line), item.data(COLUMN_ROLE))

    def go_to(self, line: int, column: int | None) -> None:
        """Put the cursor at ``line`` (1-based) and ``column`` (1-based; None: the line's
        start) and the keyboard focus in the text."""
        doc = self.text.document()
        block = doc.findBlockByNumber(max(0, min(line, doc.blockCount()) - 1))
        cursor = QTextCursor(block)
        if column:
            cursor.setPosition(block.position() + min(column - 1, len(block.text())))
        self.text.setTextCursor(cursor)
        self.text.centerCursor()
        self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _cursor_moved(self) -> None:
        if self.strip.strip is not None:
            line = self.text.textCursor().blockNumber() + 1
            self.strip.set_current(items_on_line(self.strip.strip, line))

    # -- hearing -----------------------------------------------------------------------

    def preview(self, scope: str) -> None:
        """Hear the ``scope`` (sentence, paragraph, section) under the cursor at once: the
        part is parsed here, its speech made and played on the preview player's threads."""
        if self.path is None:
            return
        cursor = self.text.textCursor()
        try:
            session = preview_session(self.text.toPlainText(), self.path,
                                      cursor.blockNumber() + 1, cursor.positionInBlock(), scope)
        except NothingToPlay as exc:
            self.message.emit(str(exc))
            return
        except SessionError as exc:
            self.message.emit(self.tr("This part has a problem to fix first: {why}")
                              .format(why=exc.problems[0].message if exc.problems else exc))
            return
        from mit_desktop.ui.preparer import listening_settings

        player = self.preview_player()
        player.open(session, listening_settings(self.ctx, "hands-free"))
        player.play()
        self.message.emit("")

    def preview_player(self) -> Any:
        """The editor's own player (not the practice's: a preview is no practice in the
        history), made on first use."""
        if self._preview_player is None:
            self._preview_player = self.ctx.new_player()
        return self._preview_player

    def stop_preview(self) -> None:
        if self._preview_player is not None and self._preview_player.session is not None:
            self._preview_player.stop()

    def close_preview(self) -> None:
        """Close the preview player and end a check on real speech (the program is closing)."""
        self.stop_exact_check()
        if self._preview_player is not None:
            self._preview_player.close()
            self._preview_player = None

    def play_whole(self) -> None:
        """Save, then ask for the whole session in the normal player (only when it has no
        problems; otherwise say so)."""
        if self.path is None or (self.dirty and not self.save()):
            return
        self.run_checks()
        if self.result is not None and self.result.errors:
            self.message.emit(self.tr("Fix the problems listed under the script first; then "
                                      "the whole session can be played."))
            return
        self.stop_preview()
        self.playWholeRequested.emit(str(self.path))
