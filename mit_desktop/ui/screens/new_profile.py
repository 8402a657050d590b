"""The "New profile" dialog: the profile's name and where that person lives ("Where do
you live?" is asked for every new profile, never guessed, so its crisis numbers are right)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLineEdit, QVBoxLayout, QWidget

from mit_desktop.ui.safety import RegionChooser
from mit_desktop.ui.widgets import button, label, named


class NewProfileDialog(QDialog):
    """Asks the name and the region; OK only when both are given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New profile"))
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        name_label = label(self.tr("Name of the new profile:"), "title", self)
        layout.addWidget(name_label)
        self.name = QLineEdit(self)
        named(self.name, self.tr("Name of the new profile"),
              self.tr("For example the client's first name."))
        name_label.setBuddy(self.name)
        layout.addWidget(self.name)
        self.chooser = RegionChooser(self)
        layout.addWidget(self.chooser)
        layout.addWidget(label(self.tr("This chooses the crisis numbers shown to this person. "
                                       "It can be changed in Settings."), "muted", self))
        row = QHBoxLayout()
        row.addStretch(1)
        self.cancel_button = button(self.tr("Cancel"), self.tr("Cancel"),
                                    self.tr("Do not create a profile."), None, self)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = button(self.tr("Create profile"), self.tr("Create profile"),
                                self.tr("Create the profile with this name and region."),
                                "primary", self)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.accept)
        row.addWidget(self.cancel_button)
        row.addWidget(self.ok_button)
        layout.addLayout(row)
        self.name.textChanged.connect(lambda _t: self._update())
        self.chooser.combo.currentIndexChanged.connect(lambda _i: self._update())
        self._update()
        self.resize(620, 320)

    def profile_name(self) -> str:
        return self.name.text().strip()

    def region(self) -> str:
        return self.chooser.code()

    def _update(self) -> None:
        self.ok_button.setEnabled(bool(self.profile_name() and self.region()))
