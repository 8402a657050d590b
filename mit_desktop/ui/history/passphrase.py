"""Passphrases for practice bundles in the window.

:class:`ExportPassphraseDialog` is the passphrase field of *Bundle these dates for my
therapist…*: empty saves the bundle without a passphrase; otherwise the passphrase is
typed twice (hidden) and checked (:func:`mit_desktop.history.bundle_lock.check_passphrase`)
before anything is written. :func:`ask_import_passphrase` asks for a protected bundle's
passphrase on import. Passphrases are never logged or kept after use.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.history.bundle_lock import MIN_PASSPHRASE_CHARS, PassphraseError, check_passphrase
from mit_desktop.ui.history.text import tr


class ExportPassphraseDialog(QDialog):
    """Ask for an optional passphrase (twice) for a bundle about to be saved.

    After ``accepted``, :meth:`passphrase` is the checked passphrase, or None for none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Protect the bundle with a passphrase?"))
        layout = QVBoxLayout(self)
        intro = QLabel(tr(
            "A passphrase keeps the bundle closed to anyone without it. Leave both fields "
            "empty to save it without one, and then hand it over on a medium you both "
            "trust. Tell your therapist the passphrase in person or by phone, not with the "
            "file. At least {least} characters; a few words you will both remember is best.").format(
                least=MIN_PASSPHRASE_CHARS), self)
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.first = QLineEdit(self)
        self.first.setEchoMode(QLineEdit.EchoMode.Password)
        self.first.setAccessibleName(tr("Passphrase (optional)"))
        self.again = QLineEdit(self)
        self.again.setEchoMode(QLineEdit.EchoMode.Password)
        self.again.setAccessibleName(tr("The same passphrase again"))
        form.addRow(tr("Passphrase (optional):"), self.first)
        form.addRow(tr("The same passphrase again:"), self.again)
        layout.addLayout(form)
        self.problem = QLabel("", self)
        self.problem.setWordWrap(True)
        self.problem.hide()
        layout.addWidget(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.try_accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._passphrase: str | None = None

    def passphrase(self) -> str | None:
        """The accepted passphrase, or None to save without one."""
        return self._passphrase

    def try_accept(self) -> None:
        """Accept when both fields are empty, or agree on a usable passphrase; else say why."""
        first, again = self.first.text(), self.again.text()
        if not first and not again:
            self._passphrase = None
            self.accept()
            return
        if first != again:
            self._say(tr("The two passphrases differ. Type the same one in both fields."))
            return
        try:
            self._passphrase = check_passphrase(first)
        except PassphraseError as exc:
            self._say(str(exc))
            return
        self.accept()

    def _say(self, sentence: str) -> None:
        self.problem.setText(sentence)
        self.problem.setAccessibleName(sentence)
        self.problem.show()
        from mit_desktop.ui.access import announce

        announce(self.problem, sentence)


def ask_import_passphrase(parent: QWidget, file_name: str) -> str | None:
    """Ask (hidden) for the passphrase of the protected bundle ``file_name``; None if
    the person cancels."""
    text, ok = QInputDialog.getText(
        parent, tr("This bundle is protected"),
        tr("{file} is protected by a passphrase. Type the passphrase your client gave "
           "you:").format(file=file_name), QLineEdit.EchoMode.Password)
    return text if ok and text else None
