# Over 400 lines: one screen of many small groups of settings (the larger groups are their own modules).
"""Settings, applied as they change: profile (name, the name used for {loved_one},
region for crisis help), the program's start and a module assigned to a week
(``program_settings``), listening (voice, speed, pacing, default mode), the sound device
and a test sound (``sound_settings``), reminders and the day boundary, text size and
contrast, data folder and backups.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from PySide6.QtCore import QTime, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from mit_desktop import paths
from mit_desktop.content.program import load_crisis_resources
from mit_desktop.history import HistoryError
from mit_desktop.session.timeline import HANDS_FREE, INTERACTIVE
from mit_desktop.ui.access import speak_date_time
from mit_desktop.ui.context import AppContext
from mit_desktop.ui.screens.program_settings import ProgramSettings
from mit_desktop.ui.screens.sound_settings import SoundSettings
from mit_desktop.ui.speaking_speeds import speaking_speeds
from mit_desktop.ui.state import TEXT_SCALES
from mit_desktop.ui.widgets import button, label, named, scroll_page

log = logging.getLogger(__name__)


def _time(value: dt.time | None) -> QTime:
    return QTime(value.hour, value.minute) if value else QTime(0, 0)


class SettingsScreen(QWidget):
    """``displayChanged(scale, high_contrast)``; ``message(text)`` for the status line."""

    displayChanged = Signal(int, bool)
    message = Signal(str)
    profilesChanged = Signal()
    remindersChanged = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loading = False
        self.is_practising: Callable[[], bool] = lambda: False  # set by the main window
        self.delete_dialog: QMessageBox | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll, inner, self.layout_ = scroll_page(self, self.tr("Settings page"),
                                                  margins=(24, 16, 24, 16))
        self.layout_.addWidget(label(self.tr("Settings"), "heading", inner))
        self._build_profile(inner)
        self.program = ProgramSettings(ctx, self._form(self.tr("Program"), inner), inner)
        self.program.message.connect(self.message)
        self._build_listening(inner)
        self.sound = SoundSettings(ctx, self._form(self.tr("Sound"), inner), inner)
        self._build_reminders(inner)
        self._build_display(inner)
        self._build_data(inner)
        self.layout_.addStretch(1)
        outer.addWidget(scroll)

    def _form(self, title: str, parent: QWidget) -> QFormLayout:
        self.layout_.addWidget(label(title, "title", parent))
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.layout_.addLayout(form)
        self.__dict__.setdefault("_forms", []).append(form)
        return form

    def resizeEvent(self, event: QResizeEvent) -> None:
        """With large text on a small screen every label goes above its field, so each
        field (a practice's name in a choice box too) has the page's whole width."""
        narrow = self.fontMetrics().averageCharWidth() * 90 > event.size().width()
        policy = (QFormLayout.RowWrapPolicy.WrapAllRows if narrow
                  else QFormLayout.RowWrapPolicy.WrapLongRows)
        for form in self.__dict__.get("_forms", []):
            if form.rowWrapPolicy() != policy:
                form.setRowWrapPolicy(policy)
        super().resizeEvent(event)

    def _row(self, form: QFormLayout, text: str, widget: QWidget, description: str = "") -> None:
        lab = label(text, None, widget.parentWidget(), wrap=True)
        named(widget, text.rstrip(":"), description)
        lab.setBuddy(widget)
        form.addRow(lab, widget)

    def _build_profile(self, p: QWidget) -> None:
        form = self._form(self.tr("Profile"), p)
        self.profile_name = QLineEdit(p)
        self.profile_name.editingFinished.connect(self._rename)
        self._row(form, self.tr("Name:"), self.profile_name, self.tr("The name of this profile."))
        self.loved_one = QLineEdit(p)
        self.loved_one.setPlaceholderText(self.tr("the person you care for"))
        self.loved_one.editingFinished.connect(self._save_variables)
        self._row(form, self.tr("The person you care for is called:"), self.loved_one,
                  self.tr("Used in the practices instead of 'the person you care for'."))
        self.region = QComboBox(p)
        self.region.addItem(self.tr("Not chosen yet"), "")
        for region in load_crisis_resources():
            self.region.addItem(region.name, region.code)
        self.region.currentIndexChanged.connect(self._save_region)
        self._row(form, self.tr("Where do you live?"), self.region,
                  self.tr("Chooses the crisis phone numbers shown on Help now, on the first-run "
                          "page and when you stop a practice."))
        row = QHBoxLayout()
        self.new_profile_button = button(self.tr("New profile…"), self.tr("New profile"),
                                         self.tr("Add a profile, for example one for each client."),
                                         None, p)
        self.new_profile_button.clicked.connect(self._new_profile)
        row.addWidget(self.new_profile_button)
        self.delete_profile_button = button(
            self.tr("Delete this profile…"), self.tr("Delete this profile"),
            self.tr("Deletes this profile and everything recorded for it, after saying how much."),
            None, p)
        self.delete_profile_button.clicked.connect(self.ask_delete_profile)
        row.addWidget(self.delete_profile_button)
        row.addStretch(1)
        self.layout_.addLayout(row)

    def _build_listening(self, p: QWidget) -> None:
        form = self._form(self.tr("Listening"), p)
        self.voice = QComboBox(p)
        self.voice.currentIndexChanged.connect(self._save_listening)
        self._row(form, self.tr("Voice:"), self.voice, self.tr("The voice that speaks."))
        self.rate = QComboBox(p)
        for value, text in speaking_speeds():  # (the player offers the same speeds)
            self.rate.addItem(text, value)
        self.rate.currentIndexChanged.connect(self._save_listening)
        self._row(form, self.tr("Speaking speed:"), self.rate,
                  self.tr("How fast the voice says each word. Slower than Slow stretches the "
                          "voice and makes it harder to understand."))
        self.pacing = QComboBox(p)
        for value, text in ((0.5, self.tr("Shorter")), (1.0, self.tr("As written (usual)")),
                            (1.5, self.tr("Longer")), (2.0, self.tr("Much longer"))):
            self.pacing.addItem(text, value)
        self.pacing.currentIndexChanged.connect(self._save_listening)
        self._row(form, self.tr("Pauses:"), self.pacing,
                  self.tr("How long the voice rests at commas, between phrases and between "
                          "sentences."))
        self.pace_note = label("", "muted", p, wrap=True)
        form.addRow(self.pace_note)
        self.mode = QComboBox(p)
        self.mode.addItem(self.tr("Hands-free"), HANDS_FREE)
        self.mode.addItem(self.tr("Stop at each reflection"), INTERACTIVE)
        self.mode.currentIndexChanged.connect(self._save_listening)
        self._row(form, self.tr("Usual way to listen:"), self.mode,
                  self.tr("Hands-free plays through; the other waits at each reflection."))
        self.ambience = QComboBox(p)
        for ambience, text in ((None, self.tr("As each practice has it (usual)")),
                               ("off", self.tr("None")),
                               ("stream", self.tr("Stream")), ("rain", self.tr("Rain")),
                               ("ocean", self.tr("Ocean")), ("drone", self.tr("Soft drone"))):
            self.ambience.addItem(text, ambience)
        self.ambience.currentIndexChanged.connect(self._save_listening)
        self._row(form, self.tr("Background sound:"), self.ambience,
                  self.tr("The quiet sound under the voice; choose None for silence."))
        self.clarity = QCheckBox(self.tr("Voice clarity (for hearing aids)"), p)
        self.clarity.toggled.connect(self._save_listening)
        named(self.clarity, self.tr("Voice clarity (for hearing aids)"),
              self.tr("Keeps the background sound further below the voice and makes the "
                      "voice's consonants a little clearer."))
        form.addRow(self.clarity)
        form.addRow(label(self.tr("The background always drops well below the voice while it "
                                  "speaks, and the soft drone fades out altogether, so nothing "
                                  "in it sounds like a second voice; it comes back in longer "
                                  "pauses. "
                                  "Voice clarity lowers it further and makes the "
                                  "consonants a little crisper: try it if you use hearing aids "
                                  "or words are hard to catch."), "muted", p))
        form.addRow(label(self.tr("Volumes of the voice, bells and background are in the player "
                                  "under More controls."), "muted", p))

    def _build_reminders(self, p: QWidget) -> None:
        form = self._form(self.tr("Reminders and days"), p)
        self.reminders = QCheckBox(self.tr("Remind me to practice"), p)
        self.reminders.toggled.connect(self._save_reminders)
        named(self.reminders, self.tr("Remind me to practice"),
              self.tr("A gentle reminder in the morning and evening; none in the evening if "
                      "you already practiced."))
        form.addRow(self.reminders)
        self.no_tray_note = label(self.tr(
            "This desktop has no system tray, so reminders cannot appear while MIT Desktop is "
            "closed. While it is open they appear at the top of its window. To be reminded "
            "otherwise, open MIT Desktop when you log in (Start when I log in) or use your "
            "calendar's reminders."), "muted", p)
        self.no_tray_note.hide()
        form.addRow(self.no_tray_note)
        self.morning = QTimeEdit(p)
        self.evening = QTimeEdit(p)
        self.day_start = QTimeEdit(p)
        for w, text, desc in ((self.morning, self.tr("Morning reminder:"),
                               self.tr("When the morning reminder appears.")),
                              (self.evening, self.tr("Evening reminder:"),
                               self.tr("When the evening reminder appears (not if you have "
                                       "already practiced).")),
                              (self.day_start, self.tr("A new day starts at:"),
                               self.tr("Practice after midnight but before this counts for the "
                                       "day before."))):
            w.setDisplayFormat("HH:mm")
            w.setButtonSymbols(QTimeEdit.ButtonSymbols.NoButtons)  # type with the keyboard
            w.editingFinished.connect(self._save_reminders)
            self._row(form, text, w, desc)
            speak_date_time(w, desc)

    def _build_display(self, p: QWidget) -> None:
        form = self._form(self.tr("Display"), p)
        self.text_size = QComboBox(p)
        for scale in TEXT_SCALES:
            self.text_size.addItem(f"{scale} %", scale)
        self.text_size.currentIndexChanged.connect(self._save_display)
        self._row(form, self.tr("Text size:"), self.text_size, self.tr("Up to twice the size."))
        self.high_contrast = QCheckBox(self.tr("High contrast"), p)
        named(self.high_contrast, self.tr("High contrast"),
              self.tr("White text on black, with yellow highlights."))
        self.high_contrast.toggled.connect(self._save_display)
        form.addRow(self.high_contrast)

    def _build_data(self, p: QWidget) -> None:
        form = self._form(self.tr("Your data"), p)
        self.data_label = label(str(paths.data_dir()), None, p)
        named(self.data_label, self.tr("Data folder"))
        form.addRow(label(self.tr("Data folder:"), None, p), self.data_label)
        from mit_desktop.ui.backup_panel import BackupPanel

        self.backup_panel = BackupPanel(self.ctx, p)
        self.backup_panel.message.connect(self.message)
        self.backup_panel.restored.connect(self.profilesChanged)
        self.backup_panel.restored.connect(self.ctx.historyChanged)
        self.backups_label = self.backup_panel.summary
        self.backup_button = self.backup_panel.backup_button
        form.addRow(label(self.tr("Backups:"), None, p), self.backup_panel)
        from mit_desktop.ui.screens.cache_settings import CacheSettings

        self.cache = CacheSettings(self.ctx, form, p)

    # -- loading -----------------------------------------------------------------------

    def show_tray_note(self, shown: bool) -> None:
        """Say under "Remind me to practice" that this desktop has no system tray."""
        self.no_tray_note.setVisible(shown)

    def refresh(self) -> None:
        """Show the current profile's settings."""
        store, pid = self.ctx.store, self.ctx.profile_id

        def read() -> tuple:
            from mit_desktop.render.voices import list_voices

            try:
                voices = [v.id for v in list_voices()]
            except Exception as exc:  # noqa: BLE001 - no voice package: say so, go on
                log.warning("voices unavailable: %s", exc)
                voices = []
            return store.get_profile(pid), store.settings(pid), voices

        self.ctx.db(read, self._show, lambda exc: self.message.emit(str(exc)))
        self.sound.refresh()
        self.cache.refresh()
        self.program.refresh()
        self.refresh_backups()

    def refresh_backups(self) -> None:
        """Read the list of backups again (after one was made)."""
        self.backup_panel.refresh()

    def _show(self, loaded: tuple) -> None:
        profile, settings, voices = loaded
        self._loading = True
        try:
            prefs = self.ctx.prefs
            self.profile_name.setText(profile.name)
            self.loved_one.setText(profile.variables.get("loved_one", ""))
            index = self.region.findData(profile.region or "")
            self.region.setCurrentIndex(max(0, index))
            self.voice.clear()
            for voice in voices:
                self.voice.addItem(voice, voice)
            if prefs.voice and prefs.voice in voices:
                self.voice.setCurrentIndex(voices.index(prefs.voice))
            self.rate.setCurrentIndex(self._nearest(self.rate, prefs.rate))
            self.pacing.setCurrentIndex(self._nearest(self.pacing, prefs.pacing))
            self._show_pace(prefs.rate, prefs.pacing)
            self.mode.setCurrentIndex(max(0, self.mode.findData(prefs.mode)))
            self.ambience.setCurrentIndex(max(0, self.ambience.findData(prefs.ambience)))
            self.clarity.setChecked(prefs.voice_clarity)
            self.reminders.setChecked(settings.reminders_enabled)
            self.morning.setTime(_time(settings.morning_reminder))
            self.evening.setTime(_time(settings.evening_reminder))
            self.day_start.setTime(_time(settings.day_starts_at))
            self.text_size.setCurrentIndex(max(0, self.text_size.findData(
                self.ctx.state.text_scale)))
            self.high_contrast.setChecked(self.ctx.state.high_contrast)
        finally:
            self._loading = False

    def _show_pace(self, rate: float, pacing: float) -> None:
        """The chosen speed and pauses in plain words: about how many words a minute."""
        from mit_desktop.render.pacing import expected_wpm

        wpm = int(round(expected_wpm(rate, pacing) / 5) * 5)
        self.pace_note.setText(self.tr(
            "With these choices the voice speaks about {wpm} words a minute, resting briefly "
            "between phrases. About 120 to 150 is easy to follow for most people.").format(wpm=wpm))

    @staticmethod
    def _nearest(combo: QComboBox, value: float) -> int:
        values = [float(combo.itemData(i)) for i in range(combo.count())]
        return min(range(len(values)), key=lambda i: abs(values[i] - value))

    # -- saving --------------------------------------------------------------------------

    def _write(self, fn: Callable[[], object], ok: str = "") -> None:
        def done(_result: object) -> None:
            self.ctx.reload_profile()
            if ok:
                self.message.emit(ok)

        self.ctx.db(fn, done,
                    lambda exc: self.message.emit(str(exc) if isinstance(exc, HistoryError)
                                                  else self.tr("Could not save the setting.")))

    def _rename(self) -> None:
        if self._loading:
            return
        store, pid, name = self.ctx.store, self.ctx.profile_id, self.profile_name.text()
        self._write(lambda: store.rename_profile(pid, name), self.tr("Profile renamed."))
        self.profilesChanged.emit()  # the header's list is read after the rename (same thread)

    def _save_variables(self) -> None:
        if self._loading:
            return
        store, pid, value = self.ctx.store, self.ctx.profile_id, self.loved_one.text().strip()

        def write() -> None:
            variables = dict(store.get_profile(pid).variables)
            if value:
                variables["loved_one"] = value
            else:
                variables.pop("loved_one", None)
            store.set_variables(pid, variables)

        self._write(write)

    def _save_region(self) -> None:
        if self._loading:
            return
        store, pid, code = self.ctx.store, self.ctx.profile_id, self.region.currentData() or None
        if code is None:
            return  # "Not chosen yet" is not a choice: a chosen region is never unset here
        self._write(lambda: store.set_region(pid, code))

    def _save_listening(self) -> None:
        if self._loading:
            return
        prefs = self.ctx.prefs
        prefs.voice = self.voice.currentData() or None
        prefs.rate = float(self.rate.currentData() or 0.75)
        prefs.pacing = float(self.pacing.currentData() or 1.0)
        self._show_pace(prefs.rate, prefs.pacing)
        prefs.mode = self.mode.currentData() or HANDS_FREE
        prefs.ambience = self.ambience.currentData() or None
        prefs.voice_clarity = self.clarity.isChecked()
        self.ctx.save_state()

    def _save_reminders(self) -> None:
        if self._loading:
            return
        store, pid = self.ctx.store, self.ctx.profile_id
        changes = {"reminders_enabled": self.reminders.isChecked(),
                   "morning_reminder": self.morning.time().toString("HH:mm"),
                   "evening_reminder": self.evening.time().toString("HH:mm"),
                   "day_starts_at": self.day_start.time().toString("HH:mm")}
        self.ctx.db(lambda: store.update_settings(pid, **changes),
                    lambda _r: self.remindersChanged.emit(),
                    lambda exc: self.message.emit(str(exc)))

    def _save_display(self) -> None:
        if self._loading:
            return
        self.ctx.state.text_scale = int(self.text_size.currentData() or 100)
        self.ctx.state.high_contrast = self.high_contrast.isChecked()
        self.ctx.save_state()
        self.displayChanged.emit(self.ctx.state.text_scale, self.ctx.state.high_contrast)

    def _backup(self) -> None:
        self.backup_panel.back_up_now()

    def _new_profile(self) -> None:
        from mit_desktop.ui.screens.new_profile import NewProfileDialog

        dialog = NewProfileDialog(self)
        self.new_profile_dialog = dialog

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.profile_name():
                self.create_profile(dialog.profile_name(), region=dialog.region())
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    def ask_delete_profile(self) -> None:
        """Say how much deleting the current profile would delete, and ask. Refused during a
        practice (its answers are being written to this profile) and for the only profile."""
        if self.is_practising():
            self.message.emit(self.tr("Finish or stop the practice first, then delete the "
                                      "profile."))
            return
        store, pid = self.ctx.store, self.ctx.profile_id

        def read() -> tuple:
            from mit_desktop.history.bundle import is_therapist_copy

            return (store.get_profile(pid), store.profile_data_counts(pid),
                    len(store.list_profiles()), is_therapist_copy(store, pid))

        self.ctx.db(read, self._confirm_delete, lambda exc: self.message.emit(str(exc)))

    def _confirm_delete(self, loaded: tuple) -> None:
        profile, counts, n_profiles, therapist_copy = loaded
        if profile.id != self.ctx.profile_id:
            return  # the profile changed while counting
        if therapist_copy:
            self.message.emit(self.tr(
                "“{name}” is your copy of a client's practice, imported from their bundles. "
                "It is read-only: its practices, notes, body maps and questionnaires cannot "
                "be changed or deleted in the window, so that your copy always shows exactly "
                "what your client recorded.").format(name=profile.name))
            return
        if n_profiles < 2:
            self.message.emit(self.tr("This is the only profile, and the program needs one. "
                                      "Make another profile first if you want to delete this "
                                      "one."))
            return
        text = self.tr(
            "Delete the profile “{name}” and everything recorded for it?\n\n"
            "{practices} practices, {reflections} reflection answers, {maps} body maps and "
            "{check_ins} check-ins will be deleted. This cannot be undone here.\n\n"
            "Backups made before today still hold this profile until they are replaced "
            "(about a month)."
        ).format(name=profile.name, practices=counts["practices"],
                 reflections=counts["reflections"], maps=counts["body_maps"],
                 check_ins=counts["check_ins"])
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Delete this profile?"), text,
                          QMessageBox.StandardButton.NoButton, self)
        delete = box.addButton(self.tr("Delete the profile"),
                               QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton(self.tr("Keep it"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        self.delete_dialog = box

        def done(_result: int) -> None:
            if box.clickedButton() is delete:
                self.delete_profile(profile.id, profile.name)
            box.deleteLater()
            self.delete_dialog = None

        box.finished.connect(done)
        box.open()

    def delete_profile(self, profile_id: int, name: str) -> None:
        """Delete ``profile_id`` with everything recorded for it, then show another profile."""
        store = self.ctx.store

        def delete() -> int:
            store.delete_profile(profile_id)
            return store.list_profiles()[0].id

        def deleted(next_id: int) -> None:
            self.ctx.state.forget_profile(profile_id)
            self.ctx.set_profile(next_id)
            self.profilesChanged.emit()
            self.message.emit(self.tr("The profile {name} was deleted.").format(name=name))

        self.ctx.db(delete, deleted, lambda exc: self.message.emit(str(exc)))

    def create_profile(self, name: str, kind: str = "client", region: str | None = None) -> None:
        """Create a profile (``region``: where that person lives) and switch to it."""
        store = self.ctx.store

        def created(pid: int) -> None:
            self.profilesChanged.emit()
            self.ctx.set_profile(pid)
            self.message.emit(self.tr("Profile {name} created.").format(name=name))

        self.ctx.db(lambda: store.create_profile(name, kind, region=region), created,
                    lambda exc: self.message.emit(str(exc)))
