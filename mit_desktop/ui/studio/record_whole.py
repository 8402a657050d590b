"""Record a whole practice in one take, then place its reflection points and sections.

After Stop the program finds the long silences (threshold and minimum length
adjustable; "Find the pauses again" applies them) and proposes a point at each: a
reflection point, or a section start after a very long pause. Each proposal is a row in
the list (tick to keep it) and a mark on the waveform; "Earlier" / "Later" move the
chosen one by half a second (the waveform: Shift+arrows, or drag), "Reflection or
section" changes its kind, and "Add a point" adds one at the time given. "Make the
practice" writes the session an Audacity label import would (`recording.whole_take`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.recording.capture import CaptureError, TakeResult
from mit_desktop.recording.silences import (
    DEFAULT_MIN_SILENCE_MS,
    DEFAULT_SECTION_MIN_MS,
    DEFAULT_THRESHOLD_DBFS,
    REFLECTION,
    SECTION,
    Proposal,
    TakeSummary,
    propose,
    silences_in,
    summarize_take,
)
from mit_desktop.recording.trim import TakeProblem
from mit_desktop.recording.whole_take import whole_take_paths, write_whole_take_session
from mit_desktop.render.clips import ClipError
from mit_desktop.session.errors import SessionError
from mit_desktop.ui.access import announce
from mit_desktop.ui.studio.editor import keep_ring_clear
from mit_desktop.ui.studio.record_meter import RecorderBridge, RecordingDialog, TakeListener
from mit_desktop.ui.studio.record_waveform import WaveformView
from mit_desktop.ui.widgets import FlowRow, button, clock, label, named, scroll_page
from mit_desktop.ui.workers import DbRunner, run_here

log = logging.getLogger(__name__)

MOVE_MS = 500
LISTEN_AROUND_MS = 3000


class RecordWholeTakeDialog(RecordingDialog):
    """``saved(path)`` with the new script once the practice is made."""

    saved = Signal(object)

    def __init__(self, parent: QWidget | None = None, run: DbRunner | None = None,
                 output_device: str | None = None, folder: Path | None = None) -> None:
        super().__init__(parent)
        self.run = run or run_here
        self.folder = folder  # where the practice goes (None: the user's own sessions)
        self.audio: Path | None = None
        self.script: Path | None = None
        self._take_name = ""
        self.summary: TakeSummary | None = None
        self.bridge = RecorderBridge(self)
        self.bridge.started.connect(lambda: self._say(self.tr(
            "Recording. Read the whole practice; pause in silence where a reflection or a "
            "new section should come. Press Stop at the end.")))
        self.bridge.stopped.connect(self._stopped)
        self.setWindowTitle(self.tr("Record a whole practice"))
        outer = QVBoxLayout(self)
        area, page, layout = scroll_page(self, self.tr("Record a whole practice"), margins=None, horizontal=False)
        layout.addWidget(label(self.tr("Record a whole practice"), "heading", page))
        name_row = QHBoxLayout()
        name_caption = label(self.tr("Name of the practice:"), None, page, wrap=False)
        self.name = QLineEdit(page)
        named(self.name, self.tr("Name of the practice"))
        self.name.setText(self.tr("My recorded practice"))
        name_caption.setBuddy(self.name)
        name_row.addWidget(name_caption)
        name_row.addWidget(self.name, 1)
        layout.addLayout(name_row)
        self.add_microphone(page, layout)
        take_row = FlowRow(page)
        self.record_button = button(self.tr("&Record"), self.tr("Record"),
                                    self.tr("Start recording the whole practice."), "primary", page)
        self.stop_button = button(self.tr("&Stop"), self.tr("Stop recording"), "", None, page)
        take_row.add(self.record_button)
        take_row.add(self.stop_button)
        layout.addWidget(take_row)
        self.status = label("", None, page)
        named(self.status, self.tr("What happened"))
        layout.addWidget(self.status)

        layout.addWidget(label(self.tr("Pauses"), "title", page))
        settings = QGridLayout()
        self.threshold = QSpinBox(page)
        self.threshold.setRange(-80, -10)
        self.threshold.setSuffix(" dB")
        self.threshold.setValue(round(DEFAULT_THRESHOLD_DBFS))
        named(self.threshold, self.tr("Silence threshold"),
              self.tr("Quieter than this counts as silence (lower it for a quiet voice, raise "
                      "it for a noisy room)."))
        self.min_length = QDoubleSpinBox(page)
        self.min_length.setRange(0.5, 60.0)
        self.min_length.setSingleStep(0.5)
        self.min_length.setSuffix(" s")
        self.min_length.setValue(DEFAULT_MIN_SILENCE_MS / 1000)
        named(self.min_length, self.tr("Shortest pause"),
              self.tr("A silence at least this long proposes a point."))
        self.section_length = QDoubleSpinBox(page)
        self.section_length.setRange(1.0, 120.0)
        self.section_length.setSingleStep(0.5)
        self.section_length.setSuffix(" s")
        self.section_length.setValue(DEFAULT_SECTION_MIN_MS / 1000)
        named(self.section_length, self.tr("Pause for a new section"),
              self.tr("A silence at least this long starts a new section instead."))
        for row, (text, box) in enumerate(((self.tr("Silence below:"), self.threshold),
                                           (self.tr("Shortest pause:"), self.min_length),
                                           (self.tr("New section after:"), self.section_length))):
            caption = label(text, None, page, wrap=False)
            caption.setBuddy(box)
            settings.addWidget(caption, row, 0)
            settings.addWidget(box, row, 1)
        settings.setColumnStretch(2, 1)
        layout.addLayout(settings)
        self.find_button = button(self.tr("Find the pauses again"), self.tr("Find the pauses again"),
                                  self.tr("Propose points again with these settings (your "
                                          "changes to the points are replaced)."), None, page)
        layout.addWidget(self.find_button)
        self.waveform = WaveformView(page)
        layout.addWidget(self.waveform)
        self.points = QListWidget(page)
        named(self.points, self.tr("Proposed points"),
              self.tr("Tick the points to keep. Space ticks or unticks the chosen one."))
        self.points.setMinimumHeight(120)
        keep_ring_clear(self.points)
        layout.addWidget(self.points)
        point_row = FlowRow(page)
        self.earlier_button = button(self.tr("Earlier"), self.tr("Move the point earlier"),
                                     self.tr("Half a second earlier."), None, page)
        self.later_button = button(self.tr("Later"), self.tr("Move the point later"),
                                   self.tr("Half a second later."), None, page)
        self.kind_button = button(self.tr("Reflection or section"),
                                  self.tr("Change between reflection point and section start"),
                                  "", None, page)
        self.listen_button = button(self.tr("&Listen around it"),
                                    self.tr("Listen around the chosen point"),
                                    self.tr("Play the take from 3 seconds before the chosen point "
                                            "to 3 seconds after it."), None, page)
        for b in (self.earlier_button, self.later_button, self.kind_button, self.listen_button):
            point_row.add(b)
        layout.addWidget(point_row)
        add_row = QHBoxLayout()
        add_caption = label(self.tr("Add a reflection point at (seconds):"), None, page)
        self.add_at = QDoubleSpinBox(page)
        self.add_at.setDecimals(1)
        self.add_at.setRange(0.0, 0.0)
        named(self.add_at, self.tr("Time of the new point, in seconds"))
        add_caption.setBuddy(self.add_at)
        self.add_button = button(self.tr("Add a point"), self.tr("Add a reflection point"), "",
                                 None, page)
        add_row.addWidget(add_caption, 1)
        add_row.addWidget(self.add_at)
        add_row.addWidget(self.add_button)
        layout.addLayout(add_row)
        outer.addWidget(area, 1)
        bottom = FlowRow(self)
        self.save_button = button(self.tr("Make the practice"), self.tr("Make the practice"),
                                  self.tr("Write the practice with the ticked points; it is "
                                          "listed with your own recordings."), "primary", self)
        self.close_button = button(self.tr("Close"), self.tr("Close"), "", None, self)
        bottom.add(self.save_button)
        bottom.add(self.close_button)
        outer.addWidget(bottom)

        self.record_button.clicked.connect(self.record)
        self.stop_button.clicked.connect(self.stop)
        self.find_button.clicked.connect(self.find_pauses)
        self.points.currentRowChanged.connect(self._row_chosen)
        self.points.itemChanged.connect(self._ticked)
        self.waveform.selected.connect(self.points.setCurrentRow)
        self.waveform.changed.connect(lambda: self._show_points(self.waveform.proposals,
                                                                self.waveform.current))
        self.earlier_button.clicked.connect(lambda: self._move(-MOVE_MS))
        self.later_button.clicked.connect(lambda: self._move(MOVE_MS))
        self.kind_button.clicked.connect(self._change_kind)
        self.add_button.clicked.connect(self._add)
        self.listener = TakeListener(self.listen_button, self.run, output_device, self._say)
        self.listen_button.clicked.connect(self._listen)
        self.save_button.clicked.connect(self.save)
        self.close_button.clicked.connect(self.reject)
        self.find_microphones()
        self._update_buttons()

    # -- recording -------------------------------------------------------------------

    def record(self) -> None:
        if self.bridge.recording:
            return
        self.listener.stop()
        try:
            name = self.name.text()
            if self.audio is None or self.script is None or self.script.exists() \
                    or name != self._take_name:
                self.audio, self.script = whole_take_paths(name, self.folder)
                self._take_name = name
            # (a retake of a practice not made yet replaces the take it follows)
            self.bridge.start(self.audio, self.devices.device())
        except (CaptureError, TakeProblem, OSError) as exc:
            self._say(str(exc))
            return
        self._say(self.tr("Starting the microphone…"))
        self._update_buttons()
        self.stop_button.setFocus()

    def stop(self) -> None:
        self.bridge.stop()

    def _stopped(self, result: TakeResult) -> None:
        self.meter.reset()
        if result.path is None:
            self._say(result.device_lost or self.tr("Nothing was recorded."))
            self._update_buttons()
            return
        note = self.tr("Recorded {length}. ").format(length=clock(result.duration_ms))
        self.load_take(result.path, (result.device_lost + " " if result.device_lost else "")
                       + note)

    def load_take(self, audio: Path, note: str = "") -> None:
        """Show the take at `audio` and propose its points (read off the GUI thread: a
        22-minute take takes a few seconds); `note` is said before the proposals."""
        self.audio = audio
        self.summary = None
        self._say(self.tr("Finding the pauses…"))

        def shown(summary: TakeSummary) -> None:
            self.summary = summary
            self.waveform.set_take(summary.outline, summary.duration_ms)
            self.add_at.setRange(0.0, summary.duration_ms / 1000)
            self.find_pauses()
            self._say(note + self.tr("{n} point(s) proposed at the long pauses: check them "
                                     "below.").format(n=len(self.waveform.proposals)))

        def failed(exc: BaseException) -> None:
            self._say(self.tr("The take could not be read ({why}). Record it again.")
                      .format(why=exc))
            self._update_buttons()

        self.run(lambda: summarize_take(audio), shown, failed)

    def find_pauses(self) -> None:
        if self.summary is None:
            return
        silences = silences_in(self.summary.levels_dbfs, float(self.threshold.value()),
                               round(self.min_length.value() * 1000))
        self._show_points(propose(silences, round(self.section_length.value() * 1000)), 0)

    # -- the points ------------------------------------------------------------------

    def _describe(self, p: Proposal) -> str:
        kind = self.tr("Section start") if p.kind == SECTION else self.tr("Reflection point")
        pause = self.tr(" (pause of {s:.1f} s)").format(s=p.silence.length_ms / 1000) \
            if p.silence is not None else ""
        return f"{kind} {self.tr('at')} {clock(p.at_ms)}.{p.at_ms % 1000 // 100}{pause}"

    def _show_points(self, proposals: list[Proposal], current: int) -> None:
        self.waveform.set_proposals(proposals, current)
        self.points.blockSignals(True)
        self.points.clear()
        for p in proposals:
            item = QListWidgetItem(self._describe(p))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if p.accepted else Qt.CheckState.Unchecked)
            self.points.addItem(item)
        self.points.setCurrentRow(self.waveform.current)
        self.points.blockSignals(False)
        self._update_buttons()

    def proposals(self) -> list[Proposal]:
        return list(self.waveform.proposals)

    def _row_chosen(self, row: int) -> None:
        if row >= 0 and row != self.waveform.current:
            self.waveform.current = row
            self.waveform.update()
        self._update_buttons()

    def _ticked(self, item: QListWidgetItem) -> None:
        row = self.points.row(item)
        proposals = self.proposals()
        if 0 <= row < len(proposals):
            proposals[row] = replace(proposals[row],
                                     accepted=item.checkState() == Qt.CheckState.Checked)
            self.waveform.set_proposals(proposals, row)

    def _move(self, delta_ms: int) -> None:
        row = self.points.currentRow()
        if row >= 0:
            self.waveform.current = row
            self.waveform.move_current(self.waveform.proposals[row].at_ms + delta_ms)
            announce(self.points, self._describe(self.waveform.proposals[row]))

    def _change_kind(self) -> None:
        row = self.points.currentRow()
        proposals = self.proposals()
        if 0 <= row < len(proposals):
            p = proposals[row]
            proposals[row] = replace(p, kind=REFLECTION if p.kind == SECTION else SECTION)
            self._show_points(proposals, row)
            announce(self.points, self._describe(proposals[row]))

    def _listen(self) -> None:
        row = self.points.currentRow()
        if self.audio is not None and 0 <= row < len(self.waveform.proposals):
            at = self.waveform.proposals[row].at_ms
            self.listener.toggle(self.audio, max(0, at - LISTEN_AROUND_MS), at + LISTEN_AROUND_MS)

    def _add(self) -> None:
        if self.summary is None:
            return
        proposals = self.proposals()
        proposals.append(Proposal(round(self.add_at.value() * 1000), REFLECTION))
        proposals.sort(key=lambda p: p.at_ms)
        row = next(i for i, p in enumerate(proposals) if p.silence is None
                   and p.at_ms == round(self.add_at.value() * 1000))
        self._show_points(proposals, row)

    def _update_buttons(self) -> None:
        recording = self.bridge.recording
        have_take = self.summary is not None and not recording
        chosen = have_take and self.points.currentRow() >= 0
        self.record_button.setEnabled(not recording)
        self.record_button.setText(self.tr("&Record again") if self.summary is not None
                                   else self.tr("&Record"))
        self.stop_button.setEnabled(recording)
        self.devices.setEnabled(not recording)
        self.name.setEnabled(not recording)
        for w in (self.find_button, self.threshold, self.min_length, self.section_length,
                  self.add_at, self.add_button, self.points, self.waveform):
            w.setEnabled(have_take)
        for w in (self.earlier_button, self.later_button, self.kind_button, self.listen_button):
            w.setEnabled(chosen)
        self.save_button.setEnabled(have_take and any(p.accepted for p in self.proposals()))

    # -- saving ----------------------------------------------------------------------

    def save(self) -> None:
        if self.audio is None or self.script is None or self.bridge.recording:
            return
        audio, script, proposals = self.audio, self.script, self.proposals()

        def done(_session: object) -> None:
            self._say(self.tr("The practice is made: {name}. It is listed with your own "
                              "recordings.").format(name=script.name))
            self.saved.emit(script)

        def failed(exc: BaseException) -> None:
            if isinstance(exc, TakeProblem | SessionError | ClipError | OSError):
                self._say(self.tr("The practice could not be made: {why}").format(why=exc))
            else:
                log.error("whole take not saved", exc_info=exc)
                self._say(self.tr("The practice could not be made."))

        self.run(lambda: write_whole_take_session(audio, proposals, script), done, failed)
