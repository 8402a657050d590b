"""The reflection diary: what was asked, what was written, the rating and the body map.

:class:`DiaryPanel` shows a page of diary entries as cards (newest first) with
filters by session and by module; the date range comes from the history view.
A card's body-map thumbnail is a button that opens the map read-only in
:class:`BodyMapDialog`. The body maps of a page are read in one query.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.bodymap.serialize import BodyMapFormatError, from_bytes
from mit_desktop.history.diary import DiaryEntry
from mit_desktop.history.models import BodyMapRecord
from mit_desktop.ui.bodymap import BodyMapWidget
from mit_desktop.ui.history.data import MODULE_ORDER, SessionCatalog, thumbnail_rgb
from mit_desktop.ui.history.text import emotion_name, long_date, module_name, tr

log = logging.getLogger(__name__)

PAGE_SIZE = 20


def rgb_image(rgb: np.ndarray) -> QImage:
    """A QImage owning a copy of an h × w × 3 uint8 array."""
    rgb = np.ascontiguousarray(rgb, dtype=np.uint8)
    height, width, _ = rgb.shape
    return QImage(rgb.data, width, height, 3 * width, QImage.Format.Format_RGB888).copy()


def body_map_label(record: BodyMapRecord) -> str:
    """"Anxiety, strength 6 of 10" (or just the feeling)."""
    text = emotion_name(record.emotion)
    if record.intensity is not None:
        text += tr(", strength {intensity} of 10").format(intensity=record.intensity)
    return text


class BodyMapDialog(QDialog):
    """One stored body map, read-only, large."""

    def __init__(self, record: BodyMapRecord, day_text: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Body map of {day}").format(day=day_text))
        self.setAccessibleName(self.windowTitle())
        layout = QVBoxLayout(self)
        heading = QLabel(day_text, self)  # the map widget itself shows feeling and strength
        heading.setWordWrap(True)
        layout.addWidget(heading)
        self.map_widget = BodyMapWidget(self)
        self.map_widget.setAccessibleName(tr("Body map"))
        try:
            self.map_widget.set_body_map(from_bytes(record.data), read_only=True)
        except (BodyMapFormatError, ValueError) as exc:
            log.warning("body map %s could not be shown: %s", record.id, exc)
            heading.setText(tr("This body map could not be read."))
            self.map_widget.hide()
        layout.addWidget(self.map_widget, 1)
        self.status = QLabel("", self)  # what the last export wrote, or why it could not
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        self.export_button = buttons.addButton(tr("Export…"),
                                               QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.setAccessibleName(tr("Export this body map"))
        self.export_button.setAccessibleDescription(
            tr("Save it as a picture (PNG) or as emBODY or signed-map CSV for research tools."))
        self.export_button.setMinimumHeight(44)
        self.export_button.clicked.connect(self.choose_export)
        self.export_button.setEnabled(self.map_widget.isVisibleTo(self))
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(tr("Close"))
        close.setAccessibleName(tr("Close the body map"))
        close.setMinimumHeight(44)
        layout.addWidget(buttons)
        line = self.fontMetrics().height()
        self.resize(max(760, line * 30), max(760, line * 26))


    EXPORT_KINDS = {"png": "Picture (*.png)", "embody": "emBODY CSV (*.csv)",
                    "signed_csv": "Signed map, 522 × 171 numbers (*.csv)"}

    def choose_export(self) -> None:
        """Ask where (and as what) to save the map, then :meth:`export_to`."""
        from PySide6.QtCore import QStandardPaths
        from PySide6.QtWidgets import QFileDialog

        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        filters = [tr(text) for text in self.EXPORT_KINDS.values()]
        path, chosen = QFileDialog.getSaveFileName(
            self, tr("Export the body map"), str(Path(folder) / "body-map.png"),
            ";;".join(filters))
        if path:
            kind = list(self.EXPORT_KINDS)[filters.index(chosen)] if chosen in filters else "png"
            self.export_to(Path(path), kind)

    def export_to(self, path: Path, kind: str) -> str:
        """Write the shown map to ``path`` as ``kind`` (``png``, ``embody`` or ``signed_csv``);
        the sentence said below the map (and returned) names the file or what went wrong."""
        from mit_desktop.bodymap.export import write_outputs

        try:
            write_outputs(self.map_widget.body_map(), **{kind: path})
        except OSError as exc:
            text = tr("The body map could not be saved as {path}: {strerror}. Choose another folder, "
                      "or free some space.").format(path=path, strerror=exc.strerror or str(exc))
        else:
            text = tr("Saved as {path}.").format(path=path)
        self.status.setText(text)
        return text


class DiaryCard(QFrame):
    """One reflection: date and session, the question, the note, the rating, the body map."""

    def __init__(self, entry: DiaryEntry, catalog: SessionCatalog,
                 record: BodyMapRecord | None, open_map: Callable[[DiaryEntry], object],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("diaryCard")
        # a light card in either theme, so its text is dark in either (white text of the
        # high-contrast theme on it was unreadable)
        self.setStyleSheet("#diaryCard { background: #fbfbf9; border: 1px solid #8c8c84;"
                           " border-radius: 8px; } #diaryCard QLabel { color: #1f2328; }")
        row = QHBoxLayout(self)
        text = QVBoxLayout()
        bold = QFont(self.font())
        bold.setBold(True)
        self.heading = QLabel(f"{long_date(entry.day)} \u00b7 {catalog.title(entry.session_id)}",
                              self)
        self.heading.setFont(bold)
        self.heading.setWordWrap(True)
        self.prompt = QLabel(entry.prompt or tr("(no question recorded)"), self)
        self.prompt.setWordWrap(True)
        self.prompt.setStyleSheet("color: #3a3a48; font-style: italic;")
        self.note = QLabel(entry.note or tr("(nothing written)"), self)
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.setAccessibleName(tr("Note: {text}").format(text=self.note.text()))
        self.rating = QLabel(
            tr("Rating: {rating} of 10").format(rating=entry.rating) if entry.rating is not None
            else tr("No rating"), self)
        for label in (self.heading, self.prompt, self.note, self.rating):
            text.addWidget(label)
        text.addStretch(1)
        row.addLayout(text, 1)
        self.map_button: QToolButton | None = None
        if entry.body_map_id is not None:
            self.map_button = QToolButton(self)
            rgb = thumbnail_rgb(record.data) if record is not None else None
            if rgb is not None:
                zoom = max(1.0, self.fontMetrics().height() / 20)  # grows with the text size
                size = QSize(round(rgb.shape[1] * zoom), round(rgb.shape[0] * zoom))
                image = rgb_image(rgb).scaled(size, Qt.AspectRatioMode.KeepAspectRatio,
                                              Qt.TransformationMode.SmoothTransformation)
                self.map_button.setIcon(QIcon(QPixmap.fromImage(image)))
                self.map_button.setIconSize(size)
            what = body_map_label(record) if record is not None else tr("body map")
            self.map_button.setText(tr("Body map"))
            self.map_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            self.map_button.setAccessibleName(
                tr("Open the body map of {day}: {what}").format(
                    day=long_date(entry.day), what=what))
            self.map_button.setToolTip(self.map_button.accessibleName())
            self.map_button.clicked.connect(lambda: open_map(entry))
            row.addWidget(self.map_button, 0, Qt.AlignmentFlag.AlignTop)
        self.setAccessibleName(
            f"{self.heading.text()}. {self.prompt.text()} {self.note.text()} {self.rating.text()}")


class DiaryPanel(QWidget):
    """Filters (session, module) and a page of :class:`DiaryCard` s.

    ``filtersChanged`` is emitted when a filter changes; ``moreRequested`` when
    the person asks for more entries. The view queries and calls :meth:`show_entries`.
    """

    filtersChanged = Signal()
    moreRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.catalog = SessionCatalog()
        self.cards: list[DiaryCard] = []
        self.maps: dict[int, BodyMapRecord] = {}  # the shown entries' body maps by id
        # what opens an entry's body map (the view's; whatever it returns is not used)
        self.open_map: Callable[[DiaryEntry], object] = lambda entry: None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        filters = QFormLayout()
        filters.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.session_combo = QComboBox(self)
        self.session_combo.setAccessibleName(tr("Show reflections of session"))
        self.session_combo.setAccessibleDescription(tr("Show only the reflections written in one "
                                                       "practice, or in all."))
        self.module_combo = QComboBox(self)
        self.module_combo.setAccessibleName(tr("Show reflections of module"))
        self.module_combo.setAccessibleDescription(tr("Show only the reflections of one module of "
                                                      "the program, or of all."))
        for combo in (self.session_combo, self.module_combo):
            combo.setMinimumHeight(40)
            combo.currentIndexChanged.connect(self._changed)
        filters.addRow(tr("Session:"), self.session_combo)
        filters.addRow(tr("Module:"), self.module_combo)
        layout.addLayout(filters)
        self.count_label = QLabel(self)
        self.count_label.setWordWrap(True)
        layout.addWidget(self.count_label)
        self.cards_box = QVBoxLayout()
        self.cards_box.setSpacing(10)
        layout.addLayout(self.cards_box)
        self.more_button = QPushButton(tr("Show more reflections"), self)
        self.more_button.setAccessibleName(tr("Show more reflections"))
        self.more_button.setAccessibleDescription(tr("Show older reflections below these."))
        self.more_button.setMinimumHeight(44)
        self.more_button.clicked.connect(self.moreRequested)
        layout.addWidget(self.more_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._filling = False

    def set_catalog(self, catalog: SessionCatalog) -> None:
        """Offer the sessions and modules of ``catalog`` as filters (keeps the current choice)."""
        self.catalog = catalog
        self._filling = True
        try:
            session = self.session_combo.currentData()
            module = self.module_combo.currentData()
            self.session_combo.clear()
            self.session_combo.addItem(tr("All sessions"), None)
            for info in catalog.sessions:
                self.session_combo.addItem(info.title, info.id)
            self.module_combo.clear()
            self.module_combo.addItem(tr("All modules"), None)
            for module_id in MODULE_ORDER:
                self.module_combo.addItem(module_name(module_id), module_id)
            self._select(self.session_combo, session)
            self._select(self.module_combo, module)
        finally:
            self._filling = False

    @staticmethod
    def _select(combo: QComboBox, data: object) -> None:
        index = combo.findData(data) if data is not None else 0
        combo.setCurrentIndex(max(0, index))

    def session_filter(self) -> str | None:
        """The chosen session id, or None for all."""
        return self.session_combo.currentData()

    def module_filter(self) -> str | None:
        """The chosen module id, or None for all."""
        return self.module_combo.currentData()

    def set_filters(self, session_id: str | None = None, module_id: str | None = None,
                    emit: bool = True) -> None:
        """Choose filters from code (emits ``filtersChanged`` once, if ``emit``)."""
        self._filling = True
        try:
            self._select(self.session_combo, session_id)
            self._select(self.module_combo, module_id)
        finally:
            self._filling = False
        if emit:
            self.filtersChanged.emit()

    def _changed(self) -> None:
        if not self._filling:
            self.filtersChanged.emit()

    def show_entries(self, entries: Sequence[DiaryEntry], maps: dict[int, BodyMapRecord],
                     has_more: bool) -> None:
        """Replace the cards with ``entries`` (``maps``: their body maps by id, kept in
        :attr:`maps` so a card's map opens without reading the store again)."""
        self.maps = dict(maps)
        for card in self.cards:
            self.cards_box.removeWidget(card)
            card.deleteLater()
        self.cards = []
        for entry in entries:
            record = maps.get(entry.body_map_id) if entry.body_map_id is not None else None
            card = DiaryCard(entry, self.catalog, record, self.open_map, self)
            self.cards_box.addWidget(card)
            self.cards.append(card)
        if entries:
            self.count_label.setText(tr("Showing the newest {count} reflections.").format(
                count=len(entries)) if has_more
                                     else tr("1 reflection.") if len(entries) == 1
                                     else tr("{count} reflections.").format(count=len(entries)))
        else:
            self.count_label.setText(tr("No reflections for these choices."))
        self.more_button.setVisible(has_more)
