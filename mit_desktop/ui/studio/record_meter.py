"""The recorder's controls shared by both modes: the microphone box, the level meter with
its warning in words, a Qt bridge over `recording.capture.Capture`, and the dialog base
both recording dialogs build on.

The meter is a progress bar from -60 to 0 dBFS (the peak of the latest block), so a
screen reader reads its value ("-18 dB") through Qt's value interface; it is in the Tab
order for that. The warning ("Too quiet", "Clipping") is written out beside it and
announced when it changes, never shown by colour alone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.playback.output.devices import AudioDevice
from mit_desktop.recording.capture import Capture, CaptureError, TakeResult
from mit_desktop.recording.levels import CLIPPING, TOO_QUIET, LevelState
from mit_desktop.recording.listen import ListenProblem, play_take
from mit_desktop.recording.sources import list_input_devices
from mit_desktop.ui.access import announce
from mit_desktop.ui.widgets import button, label, named

log = logging.getLogger(__name__)

METER_FLOOR_DBFS = -60


class DeviceBox(QWidget):
    """"Microphone:" and the list of input devices (the system default first chosen),
    with a button that looks again (a microphone plugged in since). The list has a line of
    its own under the caption and the button, so a microphone's long name ("Built-in Audio
    Analog Stereo (the system's choice)") is shown whole at 200 % text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        rows = QVBoxLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        caption = label(self.tr("Microphone:"), None, self, wrap=False)
        self.combo = QComboBox(self)
        named(self.combo, self.tr("Microphone"), self.tr("The microphone to record from."))
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(12)
        caption.setBuddy(self.combo)
        self.refresh_button = button(self.tr("Look again"), self.tr("Look for microphones again"),
                                     self.tr("Find a microphone plugged in since."), None, self)
        self.refresh_button.clicked.connect(self.refresh)
        row.addWidget(caption)
        row.addStretch(1)
        row.addWidget(self.refresh_button)
        rows.addLayout(row)
        rows.addWidget(self.combo)
        QWidget.setTabOrder(self.refresh_button, self.combo)  # as they are read: row by row
        self.combo.currentTextChanged.connect(self.combo.setToolTip)  # the whole name, always
        self.problem = ""

    def refresh(self) -> None:
        """List the microphones there are now (PortAudio and pactl answer in a few ms)."""
        chosen = self.device()
        self.combo.clear()
        try:
            devices: list[AudioDevice] = list_input_devices()
        except Exception as exc:  # noqa: BLE001 - BackendError: the library is missing
            log.info("no input devices: %s", exc)
            devices = []
        self.problem = "" if devices else self.tr(
            "No microphone was found. Plug one in (or switch it on), then press Look again.")
        for device in devices:
            shown = device.shown + (self.tr(" (the system's choice)") if device.is_default else "")
            self.combo.addItem(shown, device.name)
        index = self.combo.findData(chosen) if chosen else -1
        if index < 0:
            index = next((i for i, d in enumerate(devices) if d.is_default), 0)
        if devices:
            self.combo.setCurrentIndex(index)

    def device(self) -> str | None:
        data = self.combo.currentData()
        return str(data) if data else None


class LevelMeter(QWidget):
    """The live level: a bar (peak of the latest block, -60..0 dBFS), its value in words,
    and the warning."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        self.bar = QProgressBar(self)
        self.bar.setRange(METER_FLOOR_DBFS, 0)
        self.bar.setValue(METER_FLOOR_DBFS)
        self.bar.setTextVisible(False)
        self.bar.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        named(self.bar, self.tr("Microphone level"),
              self.tr("How loud the microphone is, in dB below full scale (0 is the most it "
                      "can take). Speak so it moves between -30 and -6."))
        self.value = label(self.tr("Level: not recording"), "muted", self)
        self.warning = label("", "error", self)
        named(self.warning, self.tr("Level warning"))
        self.warning.hide()
        column.addWidget(self.bar)
        column.addWidget(self.value)
        column.addWidget(self.warning)
        self.current_warning = ""

    def show_state(self, state: LevelState) -> None:
        peak = max(METER_FLOOR_DBFS, round(state.level.peak_dbfs))
        rms = max(METER_FLOOR_DBFS, round(state.level.rms_dbfs))
        self.bar.setValue(peak)
        self.bar.setAccessibleDescription(self.tr("Peak {peak} dB, average {rms} dB")
                                          .format(peak=peak, rms=rms))
        self.value.setText(self.tr("Level: peak {peak} dB, average {rms} dB")
                           .format(peak=peak, rms=rms))
        self._warn(state.warning)

    def _warn(self, warning: str) -> None:
        if warning == self.current_warning:
            return
        self.current_warning = warning
        text = {TOO_QUIET: self.tr("Too quiet: come closer to the microphone or speak up "
                                   "(or turn its input level up)."),
                CLIPPING: self.tr("Clipping: too loud, the sound is distorted. Move back "
                                  "a little or turn the input level down.")}.get(warning, "")
        self.warning.setText(text)
        self.warning.setVisible(bool(text))
        if text:
            announce(self.warning, text, assertive=warning == CLIPPING)

    def reset(self) -> None:
        self.bar.setValue(METER_FLOOR_DBFS)
        self.value.setText(self.tr("Level: not recording"))
        self._warn("")


class RecorderBridge(QObject):
    """A Capture whose level and stop reach the GUI thread as signals.

    ``level(LevelState)`` for every block; ``stopped(TakeResult)`` when a take ends,
    by Stop or because the microphone went away; ``started()`` once the first sound
    arrives (a stream through the sound server may take a second to start).
    """

    level = Signal(object)
    stopped = Signal(object)
    started = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.capture: Capture | None = None
        self._first = False
        self.stopped.connect(self._ended)

    def _ended(self, _result: TakeResult) -> None:
        self.capture = None  # also when the microphone went away by itself

    @property
    def recording(self) -> bool:
        return self.capture is not None

    def start(self, out: Path, device: str | None) -> None:
        """Start a take into `out`. CaptureError (with a message to show) if it cannot."""
        self._first = True

        def on_level(state: LevelState) -> None:
            if self._first:
                self._first = False
                self.started.emit()
            self.level.emit(state)

        capture = Capture(out, device, on_level=on_level, on_stopped=self._lost)
        capture.start()
        self.capture = capture

    def _lost(self, result: TakeResult) -> None:  # the writer thread
        self.stopped.emit(result)

    def stop(self) -> TakeResult | None:
        capture, self.capture = self.capture, None
        if capture is None:
            return None
        result = capture.stop()
        if not result.device_lost:
            self.stopped.emit(result)
        return result

    def cancel(self) -> None:
        capture, self.capture = self.capture, None
        if capture is not None:
            capture.cancel()


class TakeListener(QObject):
    """Plays a take (or part of one) off the GUI thread through `run`; `button` reads
    "Stop listening" meanwhile and stops it when pressed again. `say(text)` reports a
    problem."""

    def __init__(self, button_widget: QAbstractButton, run: Callable[..., None],
                 output_device: str | None, say: Callable[[str], None]) -> None:
        super().__init__(button_widget)
        self.button = button_widget
        self.text = button_widget.text()
        self.run = run
        self.output_device = output_device
        self.say = say
        self._stop: threading.Event | None = None

    @property
    def playing(self) -> bool:
        return self._stop is not None

    def stop(self) -> None:
        if self._stop is not None:
            self._stop.set()

    def toggle(self, take: Path, start_ms: int = 0, end_ms: int | None = None) -> None:
        if self._stop is not None:
            self.stop()
            return
        stop = self._stop = threading.Event()
        self.button.setText(self.tr("Stop &listening"))
        device = self.output_device

        def done(_ms: object) -> None:
            self._stop = None
            self.button.setText(self.text)

        def failed(exc: BaseException) -> None:
            done(None)
            if isinstance(exc, ListenProblem):
                self.say(str(exc))
            else:
                log.error("listening failed", exc_info=exc)

        self.run(lambda: play_take(take, device, stop, start_ms, end_ms), done, failed)


__all__ = ["CaptureError", "DeviceBox", "LevelMeter", "RecorderBridge", "TakeListener"]


class RecordingDialog(QDialog):
    """What both recording dialogs share: the microphone box and level meter, the status
    line that says what happened (and is announced), and closing that stops the
    microphone and any take being listened to.

    A subclass makes `bridge` (a RecorderBridge) before `add_microphone`, `status` (the
    label `say` writes to) and `listener` (a TakeListener) in its ``__init__``.
    """

    bridge: RecorderBridge
    listener: TakeListener
    status: QLabel
    devices: DeviceBox
    meter: LevelMeter

    def add_microphone(self, page: QWidget, layout: QVBoxLayout) -> None:
        """Put the microphone box and the level meter (fed by `bridge`) into `layout`."""
        self.devices = DeviceBox(page)
        layout.addWidget(self.devices)
        self.meter = LevelMeter(page)
        layout.addWidget(self.meter)
        self.bridge.level.connect(self.meter.show_state)

    def find_microphones(self) -> None:
        """List the microphones; say so when there is none (or none can be listed)."""
        self.devices.refresh()
        if self.devices.problem:
            self._say(self.devices.problem)

    def _say(self, text: str) -> None:
        self.status.setText(text)
        announce(self.status, text)

    def reject(self) -> None:
        self.listener.stop()
        if self.bridge.recording:
            self.bridge.stop()
        super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.bridge.recording:
            self.bridge.stop()
        super().closeEvent(event)
