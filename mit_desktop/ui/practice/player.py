# Over 400 lines: one screen: controls, progress, captions and their screen-reader texts.
"""The Player screen: one large Play/Pause, an always-visible "I need to stop",
progress with section and reflection marks, elapsed and remaining time, the current
section, captions (and a large-type presenter window), volumes, a section list.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QHideEvent,
    QKeyEvent,
    QKeySequence,
    QResizeEvent,
    QShortcut,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.playback import events as ev
from mit_desktop.session.timeline import HANDS_FREE, INTERACTIVE
from mit_desktop.ui.access import announce
from mit_desktop.ui.controls import ProgressMarks, VolumeSlider
from mit_desktop.ui.practice.flow import PracticeFlow
from mit_desktop.ui.speaking_speeds import speaking_speeds
from mit_desktop.ui.widgets import button, clock, label, named

log = logging.getLogger(__name__)

SEEK_STEP_MS = 10_000


class _PlayerScroll(QScrollArea):
    """Scrolls the player's controls but leaves Space and the arrows to the player."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in PLAYER_KEYS:
            event.ignore()
            return
        super().keyPressEvent(event)


#: the player's own keys, which work wherever the focus is on the player page
PLAYER_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home,
               Qt.Key.Key_End)


class _OwnKeys(QObject):
    """Lets a control keep the keys it needs itself (a volume slider its arrows, Home and
    End; the section list Home and End; a check box Space) instead of the player's."""

    def __init__(self, keys: tuple[Qt.Key, ...], parent: QObject) -> None:
        super().__init__(parent)
        self.keys = keys

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent) \
                and event.key() in self.keys:
            event.accept()  # the control, not the shortcut, gets this key
        return False


def fit_to_screen(widget: QWidget, width: int, height: int) -> QSize:
    """``width`` × ``height``, made smaller where the screen is (large scale factors)."""
    screen = widget.screen() or QApplication.primaryScreen()
    if screen is None:
        return QSize(width, height)
    room = screen.availableGeometry()
    return QSize(min(width, room.width() - 40), min(height, room.height() - 60))


class PresenterWindow(QWidget):
    """A separate window with the caption in very large type (for a screen in the office)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setWindowTitle(self.tr("MIT Desktop – captions"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 48, 48, 48)
        self.section = label("", "title", self)
        self.caption = label("", "presenter", self)
        named(self.caption, self.tr("Caption in large type"))
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.section)
        layout.addWidget(self.caption, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)  # closes this window only
        self._fitted: tuple[str, int, int] | None = None
        self.resize(fit_to_screen(self, 1000, 600))

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        """The largest type (up to three times the text size) in which the whole caption
        fits the window: a long sentence once lost its first and last lines."""
        key = (self.caption.text(), self.caption.width(), self.caption.height())
        if self._fitted == key or self.caption.width() <= 0:
            return
        self._fitted = key
        from mit_desktop.ui.theme import base_point_size

        app = QApplication.instance()
        scale = int(app.property("mit_text_scale") or 100) if app is not None else 100
        pt = base_point_size(scale) * 3
        smallest = base_point_size(scale)
        while True:
            self.caption.setStyleSheet(f"font-size: {pt:.1f}pt;")
            self.caption.ensurePolished()
            if self.caption.heightForWidth(self.caption.width()) <= self.caption.height() \
                    or pt <= smallest:
                break
            pt = max(smallest, pt * 0.9)


class PlayerScreen(QWidget):
    """Shows and controls the practice in ``flow``. ``stopRequested`` is "I need to stop"."""

    stopRequested = Signal()
    cancelRequested = Signal()  # while the practice is still being prepared

    def __init__(self, flow: PracticeFlow, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = flow
        # connected now: preparing starts as Start is pressed, before attach()
        flow.preparing.connect(self._on_preparing, Qt.ConnectionType.QueuedConnection)
        self.presenter: PresenterWindow | None = None
        self._duration_ms: int | None = None
        self._reflection_end_ms: int | None = None
        self._last_state: str | None = None
        self._preparing_heard: int | None = None
        self._described: tuple[QWidget, str] | None = None
        self._connected = False
        self._build()
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stopRequested.emit,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # the arrows, Home and End work wherever the focus is on this page (once the arrows
        # moved the focus from Pause to hidden controls and the profile box instead); Space
        # too, except on a button, which Space presses
        for key, action in ((Qt.Key.Key_Space, self.toggle_play),
                            (Qt.Key.Key_Left, lambda: self.seek_by(-SEEK_STEP_MS)),
                            (Qt.Key.Key_Right, lambda: self.seek_by(SEEK_STEP_MS)),
                            (Qt.Key.Key_Home, self.section_start),
                            (Qt.Key.Key_End, self.next_section)):
            QShortcut(QKeySequence(key), self, action,
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        slider_keys = _OwnKeys((Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Home,
                                Qt.Key.Key_End), self)
        for volume in self.volumes.values():
            volume.slider.installEventFilter(slider_keys)
        self.section_list.installEventFilter(_OwnKeys((Qt.Key.Key_Home, Qt.Key.Key_End), self))
        space = _OwnKeys((Qt.Key.Key_Space,), self)  # Space presses a focused button
        for b in self.findChildren(QAbstractButton):  # ("I need to stop" stops, Pause pauses)
            b.installEventFilter(space)
        self.speed_box.installEventFilter(space)  # (and opens the speed's list)
        flow.speed.waiting.connect(self._speed_said)
        flow.speed.applied.connect(self._speed_said)
        self._countdown = QTimer(self)
        self._countdown.setInterval(250)
        self._countdown.timeout.connect(self._tick_countdown)

    # -- building ------------------------------------------------------------------

    def _build(self) -> None:
        root = QVBoxLayout(self)
        root.setContentsMargins(24, 12, 24, 12)
        top = QHBoxLayout()
        titles = QVBoxLayout()
        self.title_label = label("", "heading", self)
        self.section_label = label("", "muted", self)
        named(self.section_label, self.tr("Current section"))
        titles.addWidget(self.title_label)
        titles.addWidget(self.section_label)
        top.addLayout(titles, 1)
        self.stop_button = button(self.tr("I need to stop"), self.tr("I need to stop"),
                                  self.tr("Stops the sound at once and shows help (Escape)."),
                                  "danger", self)
        self.stop_button.setMinimumWidth(200)
        self.stop_button.clicked.connect(self.stopRequested.emit)
        top.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignTop)
        root.addLayout(top)
        # the caption, status and extra controls scroll at large text sizes; the title,
        # "I need to stop", the progress and the play controls never do
        scroll = _PlayerScroll(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        body = QWidget(scroll)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(10)
        scroll.setWidget(body)
        root.addWidget(scroll, 1)

        self.banner = QWidget(self)
        banner_row = QHBoxLayout(self.banner)
        banner_row.setContentsMargins(0, 0, 0, 0)
        self.banner_label = label("", "banner", self.banner)
        named(self.banner_label, self.tr("Sound problem"))
        self.silent_button = button(self.tr("Continue without sound"),
                                    self.tr("Continue without sound"),
                                    self.tr("Go on silently; the captions keep showing the words."),
                                    None, self.banner)
        self.silent_button.clicked.connect(self._continue_silently)
        banner_row.addWidget(self.banner_label, 1)
        banner_row.addWidget(self.silent_button)
        self.banner.hide()
        outer.addWidget(self.banner)

        status_row = QHBoxLayout()
        self.status_label = label("", "muted", self)
        named(self.status_label, self.tr("Player status"))
        status_row.addWidget(self.status_label, 1)
        self.cancel_button = button(self.tr("Cancel"), self.tr("Cancel"),
                                    self.tr("Stop preparing this practice and go back to Today."),
                                    None, self)
        self.cancel_button.clicked.connect(self.cancelRequested.emit)
        status_row.addWidget(self.cancel_button)
        outer.addLayout(status_row)
        self.caption_label = label("", "caption", self)
        self.caption_label.setMinimumHeight(110)
        self.caption_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        named(self.caption_label, self.tr("Caption"), self.tr("The sentence being spoken."))
        outer.addWidget(self.caption_label, 1)
        self.reflect_label = label("", "prompt", self)
        self.reflect_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        named(self.reflect_label, self.tr("Reflection prompt"))
        self.reflect_label.hide()
        outer.addWidget(self.reflect_label)

        extra_row = QHBoxLayout()
        self.more_button = button(self.tr("More controls"), self.tr("More controls"),
                                  self.tr("Show or hide volumes and the list of sections."),
                                  None, self)
        self.more_button.setCheckable(True)
        self.more_button.toggled.connect(self._show_more)
        self.presenter_button = button(self.tr("Large captions window"),
                                       self.tr("Large captions window"),
                                       self.tr("Open a separate window with the words in very "
                                               "large type, for a second screen."), None, self)
        self.presenter_button.clicked.connect(self.show_presenter)
        extra_row.addWidget(self.more_button)
        extra_row.addStretch(1)
        extra_row.addWidget(self.presenter_button)
        outer.addLayout(extra_row)

        self.more = QWidget(self)
        more_layout = QHBoxLayout(self.more)
        more_layout.setContentsMargins(0, 0, 0, 0)
        volumes = QVBoxLayout()
        self.volumes = {stem: VolumeSlider(stem, title, self.more) for stem, title in (
            ("voice", self.tr("Voice")), ("bells", self.tr("Bells")),
            ("ambience", self.tr("Background")))}
        for slider in self.volumes.values():
            slider.changed.connect(self._volume_changed)
            volumes.addWidget(slider)
        self.stop_at_reflections = QCheckBox(self.tr("Stop at each reflection"), self.more)
        named(self.stop_at_reflections, self.tr("Stop at each reflection"),
              self.tr("On: the practice waits at each reflection. Off: hands-free. Changing it "
                      "goes back to the start of the current section."))
        self.stop_at_reflections.toggled.connect(self._mode_toggled)
        volumes.addWidget(self.stop_at_reflections)
        speed_label = label(self.tr("Speaking speed for this practice:"), None, self.more)
        self.speed_box = QComboBox(self.more)
        for value, text in speaking_speeds():
            self.speed_box.addItem(text, value)
        named(self.speed_box, self.tr("Speaking speed for this practice"),
              self.tr("How fast the voice speaks for the rest of this practice. The new speed "
                      "starts at the next section. Your usual speed is chosen in Settings."))
        speed_label.setBuddy(self.speed_box)
        self.speed_box.activated.connect(self._speed_chosen)
        self.speed_note = label("", "muted", self.more)
        named(self.speed_note, self.tr("About the speed"))
        self.speed_note.hide()
        volumes.addWidget(speed_label)
        volumes.addWidget(self.speed_box)
        volumes.addWidget(self.speed_note)
        more_layout.addLayout(volumes, 1)
        sections = QVBoxLayout()
        sections.addWidget(label(self.tr("Sections"), "title", self.more))
        self.section_list = QListWidget(self.more)
        named(self.section_list, self.tr("Sections"),
              self.tr("Choose a section and press Enter to jump to it."))
        self.section_list.setMinimumHeight(120)
        self.section_list.itemActivated.connect(self._section_chosen)
        sections.addWidget(self.section_list)
        more_layout.addLayout(sections, 1)
        self.more.hide()
        outer.addWidget(self.more)

        # the progress and the big Pause stay in view below what scrolls, at any text size
        # (at 200 % on a 1024 × 768 screen Pause was below the fold)
        pinned = QVBoxLayout()
        pinned.setSpacing(6)
        self.progress = ProgressMarks(self)
        self.progress.seekRequested.connect(self._seek_to)
        pinned.addWidget(self.progress)
        times = QHBoxLayout()
        self.elapsed_label = label("0:00", None, self, wrap=False)
        named(self.elapsed_label, self.tr("Time played"))
        self.remaining_label = label("", None, self, wrap=False)
        named(self.remaining_label, self.tr("Time remaining"))
        times.addWidget(self.elapsed_label)
        times.addStretch(1)
        times.addWidget(self.remaining_label)
        pinned.addLayout(times)

        controls = QHBoxLayout()
        self.back_button = button(self.tr("Back 10 s"), self.tr("Back 10 seconds"),
                                  self.tr("Go back ten seconds (Left arrow)."), None, self)
        self.back_button.clicked.connect(lambda: self.seek_by(-SEEK_STEP_MS))
        self.play_button = button(self.tr("Pause"), self.tr("Play or pause"),
                                  self.tr("Start, pause or go on with the practice (Space)."),
                                  "big", self)
        self.play_button.setMinimumWidth(260)
        self.play_button.clicked.connect(self.toggle_play)
        self.forward_button = button(self.tr("Forward 10 s"), self.tr("Forward 10 seconds"),
                                     self.tr("Skip ten seconds ahead (Right arrow)."), None, self)
        self.forward_button.clicked.connect(lambda: self.seek_by(SEEK_STEP_MS))
        controls.addStretch(1)
        controls.addWidget(self.back_button)
        controls.addWidget(self.play_button)
        controls.addWidget(self.forward_button)
        controls.addStretch(1)
        pinned.addLayout(controls)

        root.addLayout(pinned)

    # -- practice ------------------------------------------------------------------

    def attach(self) -> None:
        """Listen to the flow's player (once) and reset for a new practice."""
        if not self._connected:
            bridge = self.flow.bridge
            bridge.position.connect(self._on_position)
            bridge.state.connect(self._on_state)
            bridge.section.connect(self._on_section)
            bridge.caption.connect(self._on_caption)
            bridge.error.connect(self._on_error)
            bridge.backend_changed.connect(lambda _b: self.banner.hide())
            self.flow.reflectionReached.connect(self._on_reflection)
            self._connected = True
        session = self.flow.session
        self.title_label.setText(session.title if session else "")
        self.section_label.setText("")
        self.caption_label.setText(self.tr("Getting the practice ready…"))
        self.cancel_button.show()
        self.reflect_label.hide()
        self.banner.hide()
        self.status_label.setText("")
        self.section_list.clear()
        self.progress.set_state(0, None, [], [])
        self.elapsed_label.setText("0:00")
        self.remaining_label.setText("")
        self._duration_ms = None
        self._last_state = None
        self._preparing_heard = None
        self._describe_focus("")
        prefs = self.flow.ctx.prefs
        for stem, slider in self.volumes.items():
            slider.set_gain(getattr(prefs, f"{stem}_volume"))
        self.stop_at_reflections.blockSignals(True)
        self.stop_at_reflections.setChecked(self.flow.mode == INTERACTIVE)
        self.stop_at_reflections.blockSignals(False)
        self._show_speed(self.flow.speed.current())
        self.speed_note.hide()
        therapist = self.flow.ctx.profile.kind == "client"
        self.more_button.setChecked(therapist)
        self.play_button.setText(self.tr("Pause"))
        self.play_button.setFocus()

    def _playable(self) -> bool:
        """A practice is open in the player (not still being prepared); else say so."""
        if not (self.flow.active and self.flow.ctx.has_player):
            return False
        if not self.flow.opened:  # Space or an arrow while "Preparing…"
            said = self.tr("The practice is still being prepared; it starts by itself.")
            self._describe_focus(said)
            announce(self.status_label, said)
            return False
        return True

    def toggle_play(self) -> None:
        if self._playable():
            self.flow.toggle_play()

    def seek_by(self, delta_ms: int) -> None:
        if self._playable():
            self._seek_to(max(0, self.flow.ctx.player.position_ms + delta_ms))

    def _seek_to(self, position_ms: int) -> None:
        if self._playable():
            self.flow.ctx.player.seek_ms(position_ms)

    def _current_section(self) -> tuple[int, list[int]]:
        """The index of the section playing and every section's start (ms)."""
        timeline = self.flow.ctx.player.timeline if self.flow.ctx.has_player else None
        if timeline is None:
            return -1, []
        starts = [timeline.ms(s.start_sample) for s in timeline.sections]
        position_ms = self.flow.ctx.player.position_ms
        return max((i for i, ms in enumerate(starts) if ms <= position_ms), default=-1), starts

    def section_start(self) -> None:
        """Home: back to the start of the section playing."""
        index, _starts = self._current_section()
        if index >= 0 and self._playable():
            self.flow.ctx.player.seek_section(index)

    def next_section(self) -> None:
        """End: on to the next section (nothing after the last)."""
        index, starts = self._current_section()
        if 0 <= index + 1 < len(starts) and self._playable():
            self.flow.ctx.player.seek_section(index + 1)

    def _show_more(self, on: bool) -> None:
        self.more.setVisible(on)
        text = self.tr("Fewer controls") if on else self.tr("More controls")
        self.more_button.setText(text)
        self.more_button.setAccessibleName(text)  # the name follows the label

    def _fix_play_width(self) -> None:
        """As wide as its widest word, so nothing moves when Pause becomes Play."""
        shown = self.play_button.text()
        widest = 0
        for text in (self.tr("Pause"), self.tr("Play"), self.tr("Continue")):
            self.play_button.setText(text)
            widest = max(widest, self.play_button.sizeHint().width())
        self.play_button.setText(shown)
        self.play_button.setMinimumWidth(max(260, widest))

    def showEvent(self, event: QShowEvent) -> None:
        self._fix_play_width()  # (in the text size shown)
        super().showEvent(event)

    def show_presenter(self) -> None:
        if self.presenter is None:
            self.presenter = PresenterWindow(self)
        self.presenter.section.setText(self.section_label.text())
        self.presenter.set_caption(self.caption_label.text())
        self.presenter.show()
        self.presenter.raise_()

    def _mode_toggled(self, on: bool) -> None:
        self.flow.switch_mode(INTERACTIVE if on else HANDS_FREE)

    def _show_speed(self, rate: float) -> None:
        values = [float(self.speed_box.itemData(i)) for i in range(self.speed_box.count())]
        self.speed_box.setCurrentIndex(min(range(len(values)),
                                           key=lambda i: abs(values[i] - rate)))

    def _speed_chosen(self, index: int) -> None:
        self.flow.speed.choose(float(self.speed_box.itemData(index)))

    def _speed_said(self, text: str) -> None:
        """What became of the chosen speed, on screen and for a screen reader."""
        self.speed_note.setText(text)
        self.speed_note.show()
        announce(self.speed_note, text)

    def _volume_changed(self, stem: str, gain: float) -> None:
        setattr(self.flow.ctx.prefs, f"{stem}_volume", gain)
        if self.flow.ctx.has_player:
            self.flow.ctx.player.set_volume(stem, gain)
        self.flow.ctx.save_state()

    def _section_chosen(self, item: QListWidgetItem) -> None:
        index = item.data(Qt.ItemDataRole.UserRole)
        if index is not None and self._playable():
            self.flow.ctx.player.seek_section(int(index))

    def _continue_silently(self) -> None:
        if self.flow.ctx.has_player:
            self.flow.ctx.player.continue_silently()
        self.banner.hide()
        self.status_label.setText(self.tr("Playing without sound: the captions show the words."))

    # -- events (GUI thread, through the bridge) -------------------------------------------

    def _on_preparing(self, percent: int) -> None:
        """The practice is being prepared before it plays: a real percentage, calmly."""
        if not self.flow.active or self._duration_ms is not None:
            return
        self.caption_label.setText(self.tr("Preparing… {n} %").format(n=percent))
        self.remaining_label.setText(self.tr("Preparing… {n} %").format(n=percent))
        step = percent // 20  # a screen reader hears it at 0, 20, 40 … %, not every percent
        if step != self._preparing_heard:
            self._preparing_heard = step
            said = self.tr("Preparing… {n} %").format(n=percent)
            announce(self.caption_label, said)
            self._describe_focus(said)  # (readers without announcements: Orca 43)

    def _refresh_marks(self, position_ms: int, duration_ms: int | None) -> None:
        """Section and reflection marks, shown only once the timeline is complete (its
        length known), so a mark never moves once shown."""
        timeline = self.flow.ctx.player.timeline if self.flow.ctx.has_player else None
        sections: list[int] = []
        reflections: list[int] = []
        if timeline is not None and duration_ms is not None:
            sections = [timeline.ms(s.start_sample) for s in timeline.sections]
            reflections = [timeline.ms(r.start_sample) for r in timeline.reflections]
            if self.section_list.count() != len(timeline.sections):
                self.section_list.clear()
                for i, s in enumerate(timeline.sections):
                    item = QListWidgetItem(f"{clock(timeline.ms(s.start_sample))}  {s.title}")
                    item.setData(Qt.ItemDataRole.UserRole, i)
                    self.section_list.addItem(item)
        self.progress.set_state(position_ms, duration_ms, sections, reflections)

    def _on_position(self, p: ev.Position) -> None:
        if not self.flow.active:
            return
        self._duration_ms = p.duration_ms
        self.elapsed_label.setText(self.tr("{t} played").format(t=clock(p.position_ms)))
        if p.duration_ms is None:
            self.remaining_label.setText(self.tr("length not known yet"))
        else:
            self.remaining_label.setText(self.tr("{t} left").format(
                t=clock(p.duration_ms - p.position_ms)))
        self._refresh_marks(p.position_ms, p.duration_ms)

    def _on_state(self, state: str) -> None:
        playing = state in (ev.PLAYING, ev.BUFFERING)
        if state == ev.PLAYING:
            self.cancel_button.hide()
            if self.caption_label.text() == self.tr("Getting the practice ready…") or \
                    self.caption_label.text().startswith(self.tr("Preparing…")):
                self.caption_label.setText("")
        self.play_button.setText(self.tr("Pause") if playing else
                                 self.tr("Continue") if state == ev.REFLECTION else
                                 self.tr("Play"))
        texts = {ev.BUFFERING: self.tr("Preparing the next words…"), ev.PAUSED: self.tr("Paused"),
                 ev.REFLECTION: self.tr("Waiting for you")}
        if not self.status_label.text().startswith(self.tr("Playing without sound")) or \
                state != ev.PLAYING:
            self.status_label.setText(texts.get(state, ""))
        if state != self._last_state:  # a screen reader hears "Paused", "Playing" …
            heard = self.tr("Playing") if state == ev.PLAYING else texts.get(state, "")
            if heard and (state != ev.PLAYING or self._last_state is not None):
                announce(self.status_label, heard)
                if state != ev.REFLECTION:  # (the reflection page says it)
                    self._describe_focus(heard)  # (Orca 43 speaks a focused control's new
                    # description, not announcements)
            self._last_state = state

    def _on_section(self, s: ev.SectionEntered) -> None:
        self.section_label.setText(s.title)
        if self.presenter is not None:
            self.presenter.section.setText(s.title)
        for i in range(self.section_list.count()):
            item = self.section_list.item(i)
            current = item.data(Qt.ItemDataRole.UserRole) == s.index
            font = item.font()
            font.setBold(current)
            item.setFont(font)

    def _describe_focus(self, extra: str) -> None:
        """Put ``extra`` before the description of the control with the focus (and take
        back what was put there before). The focused control's description changes once,
        straight to the new text: Orca speaks every change of it, so putting its own back
        first was heard before each step ("Start, pause or go on…", then "Preparing…")."""
        focused = self.focusWidget()
        target = focused if extra and focused is not None and self.isAncestorOf(focused) \
            else None
        original = None
        if self._described is not None:
            widget, original = self._described
            if widget is not target:
                widget.setAccessibleDescription(original)
                original = None
            self._described = None
        if target is not None:
            if original is None:
                original = target.accessibleDescription()
            target.setAccessibleDescription(f"{extra} {original}".strip())
            self._described = (target, original)

    def _on_caption(self, c: ev.Caption) -> None:
        self.caption_label.setText(c.text)
        if self.reflect_label.isVisible():
            self._describe_focus("")
        self.reflect_label.hide()
        self._countdown.stop()
        if self.presenter is not None:
            self.presenter.set_caption(c.text)

    def _on_reflection(self, r: ev.ReflectionReached) -> None:
        if r.waiting:
            return  # the window shows the Reflection screen
        timeline = self.flow.ctx.player.timeline if self.flow.ctx.has_player else None
        duration = 30_000
        if timeline is not None and r.index < len(timeline.reflections):
            duration = timeline.reflections[r.index].duration_ms
        self._reflection_end_ms = r.position_ms + duration
        self.reflect_label.setText(r.prompt)
        self.reflect_label.show()
        # heard at once, and kept in the focused control's description for older readers
        announce(self.reflect_label, self.tr("A time for reflection: {q}").format(q=r.prompt))
        self._describe_focus(self.tr("Reflection: {q}").format(q=r.prompt))
        self.caption_label.setText(self.tr("A time for reflection"))
        if self.flow.mode == HANDS_FREE and r.inputs:
            self.status_label.setText(self.tr("You can answer at the end of the practice."))
        self._countdown.start()
        self._tick_countdown()

    def _tick_countdown(self) -> None:
        if self._reflection_end_ms is None or not self.flow.ctx.has_player:
            self._countdown.stop()
            return
        left = self._reflection_end_ms - self.flow.ctx.player.position_ms
        if left <= 0:
            self._countdown.stop()
            self.reflect_label.hide()
            return
        self.caption_label.setText(self.tr("A time for reflection – the voice returns in {s} s")
                                   .format(s=(left + 999) // 1000))

    def _on_error(self, e: ev.PlayerError) -> None:
        self._show_error(e)
        announce(self.banner_label, self.banner_label.text(), assertive=True)

    def _show_error(self, e: ev.PlayerError) -> None:
        if e.kind == "device":
            self.banner_label.setText(self.device_problem(e.device_state, e.position_ms))
            self.silent_button.setVisible(e.can_continue_silently)
            self.banner.show()
        else:
            self.banner_label.setText(self.tr(
                "Part of the practice could not be prepared. Playback is paused at {t}; press "
                "Play to try again.").format(t=clock(e.position_ms)))
            self.silent_button.hide()
            self.banner.show()
        log.warning("player error (%s): %s", e.kind, e.detail or e.message)

    def device_problem(self, state: str, position_ms: int) -> str:
        """What was found about the sound device, in plain words, and what the listener can do.

        Never guesses a cause: "no device" is said only when none was found at all.
        """
        t = clock(position_ms)
        if state == "no-device":
            return self.tr(
                "No sound device was found on this computer. Playback is paused at {t}. Connect "
                "speakers or headphones and press Play, or continue without sound – the words "
                "keep showing here. The sound device is chosen in Settings, under Sound."
            ).format(t=t)
        if state == "not-opened":
            return self.tr(
                "The sound device could not be opened. Playback is paused at {t}. Press Play to "
                "try again, choose another sound device in Settings (under Sound), or continue "
                "without sound – the words keep showing here.").format(t=t)
        return self.tr(
            "The sound device stopped playing at {t}. Playback is paused there. Press Play to go "
            "on (on the same device, or the computer's default), choose another sound device in "
            "Settings (under Sound), or continue without sound – the words keep showing here."
        ).format(t=t)

    def hideEvent(self, event: QHideEvent) -> None:
        self._countdown.stop()
        super().hideEvent(event)
