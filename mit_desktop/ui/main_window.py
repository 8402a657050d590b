# Over 400 lines: the window's frame, navigation, profiles and closing (the practice's pages are ui/practice/pages.py).
"""The main window: a header (sections, profile, help), a stack of screens, and the
practice flow that leads from Today to check-in, player, reflections and back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QTimer
from PySide6.QtGui import QCloseEvent, QKeySequence, QPaintEvent, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.ui.practice.pages import PracticePages
from mit_desktop.ui.theme import apply_theme, set_role
from mit_desktop.ui.widgets import FlowRow, button, label, named

if TYPE_CHECKING:  # imported when the window is filled in, after its first paint
    from mit_desktop.history import Practice, Profile
    from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)


def _history_page(ctx: AppContext, parent: QWidget) -> QWidget:
    """The history views of the history issue, or a simple placeholder until they exist."""
    try:
        from mit_desktop.ui.history.view import HistoryView
    except ImportError:
        holder = QWidget(parent)
        layout = QVBoxLayout(holder)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addWidget(label(holder.tr("History"), "heading", holder))
        layout.addWidget(label(holder.tr("Your practice history will be shown here."), None,
                               holder))
        layout.addStretch(1)
        return holder
    return HistoryView(ctx.store, ctx.profile_id, parent, run_db=ctx.db)


class MainWindow(QMainWindow):
    """The MIT Desktop window (see module docstring).

    ``MainWindow(ctx)`` builds everything at once (tests). ``MainWindow(None, opener)``
    paints an empty frame first and then, right after the first paint, calls
    ``opener()`` for the context (None: give up and close) and builds the screens, so
    the window appears as fast as a bare Qt window.
    """

    NAV = ("today", "library", "history", "settings")

    def __init__(self, ctx: AppContext | None = None,
                 opener: Callable[[], AppContext | None] | None = None) -> None:
        super().__init__()
        self._opener = opener
        self._painted = False
        self.setWindowTitle(self.tr("MIT Desktop"))
        self.resize(1024, 760)
        self._fit_screen()
        self.pages = PracticePages(self)  # the way through one practice's pages
        self._holders: dict[QWidget, QWidget] = {}
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self._build_header(central))
        self.message_label = QLabel(central)  # plain text is set on first use (show_message)
        self.message_label.setWordWrap(True)
        set_role(self.message_label, "banner")
        named(self.message_label, self.tr("Message"))
        self.message_label.hide()
        layout.addWidget(self.message_label)
        self.stack = QStackedWidget(central)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.loading = QLabel(self.tr("Opening your practices…"), self.stack)  # fixed text
        set_role(self.loading, "title")
        self.loading.setIndent(48)  # (no Qt enums before the first paint: they cost 15 ms)
        self.stack.addWidget(self.loading)
        for b in self.nav_buttons.values():
            b.setEnabled(False)
        self.ready = False
        if ctx is not None:
            self.attach(ctx)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            if self._opener is not None:
                QTimer.singleShot(0, self._open)

    def _open(self) -> None:
        """Open the history and build the screens; any failure is one message, then close
        (never a window stuck on "Opening your practices…")."""
        opener, self._opener = self._opener, None
        try:
            ctx = opener() if opener else None
            if ctx is not None:
                self.attach(ctx)
        except Exception as exc:  # noqa: BLE001 - the start-up catch-all
            from mit_desktop.ui.startup import report_startup_failure

            log.exception("start-up failed")
            report_startup_failure(exc, self)
            ctx = None
        if ctx is None:
            self.close()

    def attach(self, ctx: AppContext) -> None:
        """Build the screens over the shared context (after the first paint in the program)."""

        from mit_desktop.ui.practice.checkin import CheckInScreen
        from mit_desktop.ui.practice.flow import PracticeFlow
        from mit_desktop.ui.practice.player import PlayerScreen
        from mit_desktop.ui.practice.reflection import ReflectionScreen
        from mit_desktop.ui.safety import StopScreen
        from mit_desktop.ui.screens.library import LibraryScreen
        from mit_desktop.ui.screens.questionnaire import QuestionnaireScreen
        from mit_desktop.ui.screens.settings import SettingsScreen
        from mit_desktop.ui.screens.support import SupportScreen
        from mit_desktop.ui.screens.today import TodayScreen
        from mit_desktop.ui.studio.sessions_screen import StudioScreen

        self.ctx = ctx
        self.flow = PracticeFlow(ctx, self)
        self.today = TodayScreen(ctx, self)
        self.library = LibraryScreen(ctx, self)
        self.history = _history_page(ctx, self)
        self.settings = SettingsScreen(ctx, self)
        self.settings.is_practising = lambda: self.flow.active
        self.checkin = CheckInScreen(self)
        self.player = PlayerScreen(self.flow, self)
        self.reflection = ReflectionScreen(self)
        self.stop_screen = StopScreen(self)
        self.support = SupportScreen(self)
        self.questionnaire = QuestionnaireScreen(ctx, self)
        self.studio = StudioScreen(ctx, self)
        for page in (self.today, self.library, self.history, self.settings, self.checkin,
                     self.player, self.reflection, self.stop_screen, self.support,
                     self.questionnaire, self.studio):
            # (no page scrolls as a whole: the parts that can grow scroll inside it, so its
            # main action, e.g. "Start this practice", stays in view at any text size)
            holder = page
            self._holders[page] = holder
            self.stack.addWidget(holder)
        self._connect()
        self._shortcuts()
        self._restore()
        self._start_reminders()
        self.ready = True
        self.refresh_profiles()
        self.show_page("today")
        self._start_housekeeping()

    # -- building ------------------------------------------------------------------

    def _build_header(self, parent: QWidget) -> QWidget:
        header = FlowRow(parent, spacing=4)
        nav = QWidget(header)
        row = QHBoxLayout(nav)
        row.setContentsMargins(0, 0, 0, 0)
        self.nav_buttons = {}
        for key, text, desc in (
                ("today", self.tr("Today"), self.tr("Your next practice and this week (Ctrl+1).")),
                ("library", self.tr("All practices"), self.tr("Every practice (Ctrl+2).")),
                ("history", self.tr("History"), self.tr("What you have done so far (Ctrl+3).")),
                ("settings", self.tr("Settings"), self.tr("Voice, text size, reminders, "
                                                          "profiles (Ctrl+4)."))):
            b = button(text, text, desc, "nav", parent)
            b.setCheckable(True)
            b.setAutoExclusive(True)  # one section at a time: radio buttons to a screen reader
            b.clicked.connect(lambda _c=False, k=key: self.show_page(k))
            self.nav_buttons[key] = b
            row.addWidget(b)
        row.addStretch(1)
        header.add(nav)
        right = QWidget(header)
        row = QHBoxLayout(right)
        row.setContentsMargins(0, 0, 0, 0)
        row.addStretch(1)
        self.profile_combo = QComboBox(parent)
        named(self.profile_combo, self.tr("Profile"),
              self.tr("Whose practice this is. Therapists keep one profile per client."))
        self.profile_combo.activated.connect(self._profile_chosen)
        self.profile_combo.setMinimumContentsLength(8)
        self.profile_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        row.addWidget(QLabel(self.tr("Profile:"), parent))
        row.addWidget(self.profile_combo)
        self.help_now_button = button(self.tr("Help now"), self.tr("Help now"),
                                      self.tr("What to do, and whom to call, if you are upset "
                                              "(F1)."), "danger", parent)
        self.help_now_button.clicked.connect(self.show_help_now)
        row.addWidget(self.help_now_button)
        self.help_button = button(self.tr("Help"), self.tr("Help"),
                                  self.tr("About the practices, and the keyboard shortcuts."),
                                  None, parent)
        self.help_button.clicked.connect(lambda: self.show_help("keyboard"))
        row.addWidget(self.help_button)
        header.add(right)
        return header

    def _connect(self) -> None:
        self.today.libraryRequested.connect(lambda: self.show_page("library"))
        self.today.questionnaireRequested.connect(self.start_questionnaire)
        self.questionnaire.done.connect(lambda: self.show_page("today"))
        self.questionnaire.regionChosen.connect(self.set_region)
        self.questionnaire.message.connect(self.show_message)
        if hasattr(self.history, "bundleImported"):
            self.history.bundleImported.connect(self.refresh_profiles)
        self.library.message.connect(self.show_message)
        self.library.studioRequested.connect(lambda: self.show_page("studio"))
        self.library.templateRequested.connect(self.new_from_template)
        self.studio.message.connect(self.show_message)
        self.studio.playRequested.connect(self.start_practice)
        self.settings.message.connect(self.show_message)
        self.settings.displayChanged.connect(self._display_changed)
        self.settings.profilesChanged.connect(self.refresh_profiles)
        self.ctx.profileChanged.connect(self._profile_changed)
        self.flow.saved.connect(self.ctx.historyChanged.emit)
        self.flow.saveFailed.connect(self.show_message)
        self.ctx.historyChanged.connect(self._history_changed)
        self.reflection.draftChanged.connect(self.flow.save_draft)
        self.stop_screen.done.connect(lambda: self.show_page("today"))
        self.stop_screen.regionChosen.connect(self.set_region)
        self.pages.connect()

    def _shortcuts(self) -> None:
        QShortcut(QKeySequence("F1"), self, self.show_help_now)
        QShortcut(QKeySequence("Ctrl+Q"), self, self.close)
        for i, key in enumerate(self.NAV, start=1):
            QShortcut(QKeySequence(f"Ctrl+{i}"), self, lambda k=key: self.show_page(k))
        QShortcut(QKeySequence("Ctrl+5"), self, lambda: self.show_page("studio"))

    def _start_reminders(self) -> None:
        """The reminders tray of the history issue (nothing where there is no tray)."""
        self.reminders = None
        try:
            from mit_desktop.ui.reminders.tray import ReminderTray
        except ImportError:
            return
        self.reminders = ReminderTray(self.ctx.store, self.ctx.profile_id, self,
                                      run_db=self.ctx.db)
        self.reminders.openRequested.connect(self._bring_to_front)
        self.reminders.helpNowRequested.connect(self.show_help_now)
        self.reminders.inWindowReminder.connect(self.show_message)  # (a desktop without a tray)
        self.settings.show_tray_note(not self.reminders.active)
        if not self.reminders.active:  # new reminder times count at once, tray or not
            self.settings.remindersChanged.connect(self.reminders.scheduler.rearm)
        self.ctx.profileChanged.connect(self.reminders.set_profile)
        self.flow.ended.connect(lambda _how: self.reminders.rearm())
        self.settings.remindersChanged.connect(self.reminders.rearm)
        self.reminders.settingsChanged.connect(self.settings.refresh)

    def _start_housekeeping(self) -> None:
        """The daily backup (now and every hour while open), a second start raising this
        window, and any notice from opening the history (what a recovery did)."""
        from mit_desktop.ui.backup_schedule import BackupSchedule
        from mit_desktop.ui.single_window import WindowServer

        self.backups = BackupSchedule(self.ctx, self)
        self.backups.made.connect(lambda _p: self.settings.refresh_backups())
        self.backups.failed.connect(self.show_message)
        if not getattr(self.ctx.store, "in_memory", False):  # nothing saved: nothing to back up
            self.backups.start()
        self.window_server = WindowServer(self)
        self.window_server.showRequested.connect(self._bring_to_front)
        self.window_server.listen()
        self._cache_noted = False  # the speech cache's note is said once
        self.cache_note_timer = QTimer(self)
        self.cache_note_timer.setInterval(2000)
        self.cache_note_timer.timeout.connect(self.check_cache_note)
        self.cache_note_timer.start()
        notices = getattr(self.ctx, "notices", None)
        if notices:
            self.show_message(" ".join(notices))

    def check_cache_note(self) -> None:
        """Say once if speech could not be kept in the cache (the practice plays on)."""
        if self._cache_noted or not self.ctx.has_player:
            return
        speech = getattr(getattr(self.ctx.player, "engine", None), "speech", None)
        problem = getattr(speech, "cache_problem", None)
        if problem:
            self._cache_noted = True
            self.show_message(self.tr(
                "The cache of prepared sound cannot be written ({problem}). The practice plays "
                "on without it; the voice and recordings are prepared again each time, so "
                "starting may take a little longer.").format(problem=problem))

    def _bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _restore(self) -> None:
        geometry = self.ctx.state.geometry
        if geometry:
            self.restoreGeometry(QByteArray.fromBase64(geometry.encode("ascii")))
            self._fit_screen()

    def _fit_screen(self) -> None:
        """Never larger than the screen (with QT_SCALE_FACTOR=2 the window once opened
        larger than it, its buttons out of reach)."""
        screen = self.screen()
        if screen is None:
            return
        room = screen.availableGeometry()
        if self.width() > room.width() or self.height() > room.height():
            self.resize(min(self.width(), room.width()), min(self.height(), room.height()))

    # -- pages ---------------------------------------------------------------------------

    def show_page(self, key: str) -> None:
        """Show a page by key; the top-level sections are blocked during a practice."""
        if not self.ready or (key in self.NAV or key == "studio") and self.in_practice():
            return
        page = {"today": self.today, "library": self.library, "history": self.history,
                "settings": self.settings, "checkin": self.checkin, "player": self.player,
                "reflection": self.reflection, "stop": self.stop_screen,
                "support": self.support, "questionnaire": self.questionnaire,
                "studio": self.studio}[key]
        during_practice = key in ("checkin", "player", "reflection")
        for k, b in self.nav_buttons.items():
            b.setAutoExclusive(False)  # (so none is checked on a page outside the sections)
            b.setChecked(k == key)
            b.setAutoExclusive(True)
            b.setEnabled(not during_practice)
        # the profile cannot change mid-practice: out of the Tab order, Space cannot open it
        self.profile_combo.setEnabled(not during_practice)
        if key == "today":
            self.today.refresh()
        elif key == "library":
            self.library.refresh()
        elif key == "settings":
            self.settings.refresh()
        elif key == "history" and hasattr(self.history, "refresh"):
            self.history.refresh()
        elif key == "studio" and self.studio.pages.currentWidget() is self.studio.list:
            self.studio.refresh()
        self.stack.setCurrentWidget(self._holders[page])
        if key == "today":  # its main action, not seven Tab presses away
            resume = self.today.resume_button
            (resume if resume.isVisibleTo(self.today) else self.today.start_button).setFocus()
        elif key in self.NAV:
            self.nav_buttons[key].setFocus()
        elif key == "studio":
            current = self.studio.pages.currentWidget()
            (self.studio.list.sessions if current is self.studio.list
             else self.studio.editor.text).setFocus()

    def new_from_template(self) -> None:
        """The Library's "New from a template…": the studio's own, so the new script is made
        in this profile's "Sessions I made" folder and opens in the editor."""
        self.show_page("studio")
        if self.stack.currentWidget() is self._holders[self.studio]:
            self.studio.ask_template()

    def start_questionnaire(self, instrument_id: str, occasion: str = "") -> None:
        """Open the questionnaire `instrument_id` (``phq9`` …) for the current profile."""
        from mit_desktop.content.measures import instrument

        if not self.ready or self.in_practice():
            return
        self.questionnaire.start(instrument(instrument_id), occasion)
        self.show_page("questionnaire")
        self.questionnaire.begin_button.setFocus()

    def current_page(self) -> QWidget | None:
        """The page shown (not the scroll area holding it); None before any page is added."""
        holder = self.stack.currentWidget()
        return next((p for p, h in self._holders.items() if h is holder), holder)

    def start_practice(self, ref: str, resume: Practice | None = None) -> None:
        """Start the practice ``ref`` (a bundled id or a script's path), or go on with
        ``resume``: first-run notice if needed, then the check-in screen."""
        self.pages.start_practice(ref, resume)

    def show_today_after_practice(self) -> None:
        """Leave the practice's pages for Today."""
        self.stack.setCurrentWidget(self._holders[self.today])
        self.show_page("today")

    def in_practice(self) -> bool:
        """Whether a practice's check-in, player or reflection page is shown."""
        return self.current_page() in (self.checkin, self.player, self.reflection)

    def show_message(self, text: str) -> None:
        from PySide6.QtCore import Qt

        from mit_desktop.ui.access import announce

        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setText(text)
        self.message_label.setVisible(bool(text))
        announce(self.message_label, text)

    def show_help(self, page: str = "help-now") -> None:
        """Open the help on ``page`` ("help-now", "keyboard", …); works before the screens
        are built too (then Help now lists every region's numbers)."""
        from PySide6.QtCore import Qt

        from mit_desktop.ui.help import HelpDialog

        region = self.ctx.profile.region if self.ready else None
        dialog = HelpDialog(self, region)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.regionChosen.connect(self.set_region)
        dialog.show_page(page)
        self.help_dialog = dialog
        dialog.open()

    def show_help_now(self) -> None:
        """"Help now" (header, F1, tray): a playing practice pauses (it can go on later)."""
        if self.ready and self.flow.active and self.ctx.has_player:
            from mit_desktop.playback import events as ev

            if self.ctx.player.state in (ev.PLAYING, ev.BUFFERING):
                self.ctx.player.pause()
        self._bring_to_front()
        self.show_help("help-now")

    def set_region(self, code: str) -> None:
        """Keep where the listener lives (chosen on a help or stop page) with the profile."""
        if not self.ready or not code:
            return
        store, pid = self.ctx.store, self.ctx.profile_id
        self.ctx.db(lambda: store.set_region(pid, code), lambda _r: self.ctx.reload_profile())

    # -- profiles ---------------------------------------------------------------------------

    def refresh_profiles(self) -> None:
        store = self.ctx.store
        self.ctx.db(store.list_profiles, self._fill_profiles)

    def _update_title(self) -> None:
        """The window title names the profile, so a therapist sees whose session this is."""
        self.setWindowTitle(self.tr("MIT Desktop – {name}").format(name=self.ctx.profile.name))

    def _fill_profiles(self, profiles: list[Profile]) -> None:
        self._update_title()
        self.profile_combo.blockSignals(True)
        self.profile_combo.clear()
        for p in profiles:
            self.profile_combo.addItem(p.name, p.id)
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findData(
            self.ctx.profile_id)))
        self.profile_combo.blockSignals(False)

    def _profile_chosen(self, index: int) -> None:
        if not self.ready:
            return
        pid = self.profile_combo.itemData(index)
        if pid is not None and not self.in_practice():
            self.ctx.set_profile(int(pid))

    def _profile_changed(self, pid: int) -> None:
        self.reflection.leave()  # nothing typed for one profile is kept on screen for another
        self.studio.profile_changed()  # nor a script: it stays a draft of the profile it was
        self._update_title()
        self.profile_combo.setCurrentIndex(max(0, self.profile_combo.findData(pid)))
        if hasattr(self.history, "set_profile"):
            self.history.set_profile(pid)
        current = self.current_page()
        key = next((k for k in (*self.NAV, "studio") if getattr(self, k) is current), "today")
        self.show_page(key)

    def _history_changed(self) -> None:
        """Keep the History page current when it is the one shown."""
        if self.current_page() is self.history and hasattr(self.history, "refresh"):
            self.history.refresh()

    def _display_changed(self, scale: int, high_contrast: bool) -> None:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication):
            apply_theme(app, scale, high_contrast)

    # -- closing -----------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.ready:
            super().closeEvent(event)
            return
        if not self.studio.may_close():  # unsaved script: the user chose to stay
            event.ignore()
            return
        self.studio.editor.close_preview()
        # a running practice is offered again next time, with its draft; a finished one's
        # "looking back" answer is saved now
        self.pages.leave_reflection(save=not self.flow.active)
        self.flow.shutdown()
        self.ctx.state.geometry = bytes(self.saveGeometry().toBase64().data()).decode("ascii")
        self.ctx.save_state()
        super().closeEvent(event)
