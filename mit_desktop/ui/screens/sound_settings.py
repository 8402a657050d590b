"""Settings › Sound: which output device plays the practices, and a test sound.

The list is what the audio library sees now ("System default" first), read on a
worker thread each time Settings is shown or "Find devices again" is pressed. The
choice is remembered (``GuiState.output_device``) and the player uses it from the
next sample on. "Play a test sound" plays two soft chimes on the chosen device and
says what happened, in words that say what was found (no device at all, a device
that could not be opened, a device that stopped) and never guess why.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QFormLayout, QHBoxLayout, QWidget

from mit_desktop.ui.widgets import button, label, named

if TYPE_CHECKING:
    from mit_desktop.playback.output.devices import AudioDevice
    from mit_desktop.ui.context import AppContext

log = logging.getLogger(__name__)


class SoundSettings(QWidget):
    """The "Sound" rows of the Settings page, laid into `form`."""

    def __init__(self, ctx: AppContext, form: QFormLayout, parent: QWidget) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._loading = False
        self.hide()  # only a holder: its widgets live in the form
        self.device = QComboBox(parent)
        named(self.device, self.tr("Sound device"),
              self.tr("Where the practices are played. System default follows the computer's "
                      "own sound setting."))
        self.device.currentIndexChanged.connect(self._chosen)
        device_label = label(self.tr("Sound device:"), None, parent, wrap=True)
        device_label.setBuddy(self.device)
        form.addRow(device_label, self.device)
        row = QHBoxLayout()
        self.test_button = button(self.tr("Play a test sound"), self.tr("Play a test sound"),
                                  self.tr("Plays two soft chimes on the chosen sound device."),
                                  None, parent)
        self.test_button.clicked.connect(self.play_test_sound)
        self.find_button = button(self.tr("Find devices again"), self.tr("Find devices again"),
                                  self.tr("Looks again for sound devices, for example after "
                                          "connecting headphones."), None, parent)
        self.find_button.clicked.connect(self.refresh)
        row.addWidget(self.test_button)
        row.addWidget(self.find_button)
        row.addStretch(1)
        form.addRow(row)
        self.status = label("", None, parent, wrap=True)
        named(self.status, self.tr("Sound status"))
        form.addRow(self.status)

    # -- the device list ---------------------------------------------------------------

    def refresh(self) -> None:
        """Read the devices the audio library sees (on a worker thread) and show them."""
        from mit_desktop.playback.output import backend_spec

        if backend_spec() == "null":
            self._show_devices([], None)
            self.status.setText(self.tr("Playing without sound (test mode)."))
            return
        self.find_button.setEnabled(False)

        def listing() -> list[AudioDevice]:
            from mit_desktop.playback.output import list_output_devices

            return list_output_devices()

        self.ctx.tasks.run(listing, lambda found: self._show_devices(found, None),
                           lambda exc: self._show_devices([], exc))

    def _show_devices(self, found: list[AudioDevice], error: BaseException | None) -> None:
        self.find_button.setEnabled(True)
        chosen = self.ctx.state.output_device
        self._loading = True
        try:
            self.device.clear()
            self.device.addItem(self.tr("System default"), None)
            # PortAudio's "default" is the system default: listed once, first.
            found = [d for d in found if d.name != "default"]
            names = [d.name for d in found]
            shown = [d.shown for d in found]
            for d in found:
                key = d.name if names.count(d.name) == 1 else f"{d.name} [{d.host_api}]"
                text = d.shown if shown.count(d.shown) == 1 else f"{d.shown} [{d.host_api}]"
                if d.label and shown.count(d.shown) > 1:  # two outputs described alike
                    text = f"{d.label} ({d.name.removeprefix('sink:')})"
                self.device.addItem(text, key)
            index = self.device.findData(chosen) if chosen else 0
            if chosen and index < 0:  # remembered, not seen now: keep it, say so
                self.device.addItem(self.tr("{name} (not found now)").format(name=chosen.removeprefix("sink:")), chosen)
                index = self.device.count() - 1
            self.device.setCurrentIndex(max(0, index))
        finally:
            self._loading = False
        if error is not None:
            log.warning("could not list sound devices: %s", error)
            self.status.setText(self.tr("The sound system could not be read, so no device can "
                                        "be chosen here. Practices try the computer's default."))
        elif not found:
            self.status.setText(self.tr(
                "No sound device was found on this computer. Connect speakers or headphones, "
                "then press Find devices again."))
        else:
            self.status.setText(self.tr("{n} sound device(s) found.").format(n=len(found)))

    def _chosen(self) -> None:
        if self._loading:
            return
        self.ctx.set_output_device(self.device.currentData() or None)
        self.status.setText(self.tr("Practices will play on {device}.").format(
            device=self.device.currentText()))

    # -- the test sound ----------------------------------------------------------------

    def play_test_sound(self) -> None:
        device = self.device.currentData() or None
        self.test_button.setEnabled(False)
        self.status.setText(self.tr("Playing a test sound…"))

        def play() -> str:
            from mit_desktop.playback.output import play_test_sound

            return play_test_sound(device)

        self.ctx.tasks.run(play, self._played, self._not_played)

    def _played(self, _used: str) -> None:
        self.test_button.setEnabled(True)
        self.status.setText(self.tr(
            "A test sound was played on {device}: two soft chimes. If you heard nothing, check "
            "the volume, or choose another sound device above.").format(
                device=self.device.currentText()))

    def _not_played(self, exc: BaseException) -> None:
        from mit_desktop.playback.output.base import NOT_OPENED, BackendError

        self.test_button.setEnabled(True)
        log.warning("test sound failed: %s", getattr(exc, "detail", exc))
        state = exc.state if isinstance(exc, BackendError) else NOT_OPENED
        self.status.setText(self.device_problem(state, self.device.currentText()))

    def device_problem(self, state: str, device: str) -> str:
        """What was found, in plain words, and where to choose another device."""
        from mit_desktop.playback.output.base import NO_DEVICE, NOT_OPENED

        if state == NO_DEVICE:
            return self.tr("No sound device was found on this computer. Connect speakers or "
                           "headphones, then press Find devices again.")
        if state == NOT_OPENED:
            return self.tr("{device} could not be opened. Choose another sound device above "
                           "and play the test sound again.").format(device=device)
        return self.tr("{device} stopped playing. Press Play a test sound to try again, or "
                       "choose another sound device above.").format(device=device)
