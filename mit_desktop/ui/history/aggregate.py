"""The body-map summary: the mean map of one feeling over the chosen dates, with its count.

The feelings offered are those the profile has painted (most frequent first).
The maps are found with ``stats.body_map_ids``, read in one query and averaged
with ``bodymap.aggregate``; the read-only :class:`BodyMapWidget` draws the mean.
"""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from mit_desktop.bodymap.aggregate import Aggregate, aggregate
from mit_desktop.bodymap.serialize import BodyMapFormatError
from mit_desktop.history import stats
from mit_desktop.history.store import HistoryStore
from mit_desktop.ui.bodymap import BodyMapWidget
from mit_desktop.ui.history.data import body_map_emotions, body_maps_by_id
from mit_desktop.ui.history.text import emotion_name, short_date, tr

log = logging.getLogger(__name__)


class AggregatePanel(QWidget):
    """Choose a feeling; see the mean body map of that feeling in the date range."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store: HistoryStore | None = None
        self.profile_id = 0
        self.first_day: dt.date | None = None
        self.last_day: dt.date | None = None
        self.result: Aggregate | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.emotion_combo = QComboBox(self)
        self.emotion_combo.setAccessibleName(tr("Feeling to summarise"))
        self.emotion_combo.setMinimumHeight(40)
        self.emotion_combo.currentIndexChanged.connect(self.refresh)
        form.addRow(tr("Feeling:"), self.emotion_combo)
        layout.addLayout(form)
        self.count_label = QLabel(self)
        self.count_label.setWordWrap(True)
        layout.addWidget(self.count_label)
        self.map_widget = BodyMapWidget(self)
        self.map_widget.setAccessibleName(tr("Average body map"))
        self.map_widget.setMinimumHeight(max(420, self.fontMetrics().height() * 18))
        layout.addWidget(self.map_widget, 1)
        self._filling = False

    def set_source(self, store: HistoryStore, profile_id: int, first_day: dt.date,
                   last_day: dt.date) -> None:
        """Use this profile and date range; refill the feelings and redraw."""
        self.store, self.profile_id = store, profile_id
        self.first_day, self.last_day = first_day, last_day
        chosen = self.emotion_combo.currentData()
        self._filling = True
        try:
            self.emotion_combo.clear()
            for emotion, count in body_map_emotions(store, profile_id):
                label = (tr("%1 (1 map in all)") if count == 1 else tr("%1 (%2 maps in all)"))
                self.emotion_combo.addItem(
                    label.replace("%1", emotion_name(emotion)).replace("%2", str(count)), emotion)
            index = self.emotion_combo.findData(chosen) if chosen is not None else 0
            self.emotion_combo.setCurrentIndex(max(0, index))
        finally:
            self._filling = False
        self.refresh()

    def choose(self, emotion: str) -> None:
        """Select ``emotion`` (if the profile has maps of it) and redraw."""
        index = self.emotion_combo.findData(emotion)
        if index >= 0:
            self.emotion_combo.setCurrentIndex(index)
            self.refresh()

    def refresh(self) -> None:
        """Recompute the mean map for the chosen feeling and dates."""
        if self._filling or self.store is None:
            return
        emotion = self.emotion_combo.currentData()
        if emotion is None:
            self.result = None
            self.count_label.setText(tr("No body maps with a feeling yet."))
            self.map_widget.hide()
            return
        ids = stats.body_map_ids(self.store, self.profile_id, emotion=emotion,
                                 first_day=self.first_day, last_day=self.last_day)
        records = body_maps_by_id(self.store, self.profile_id, ids)
        try:
            self.result = aggregate(records[i].data for i in ids if i in records)
        except (BodyMapFormatError, ValueError) as exc:
            log.warning("body maps could not be averaged: %s", exc)
            self.result = None
            self.count_label.setText(tr("These body maps could not be read."))
            self.map_widget.hide()
            return
        dates = (tr("from %1 to %2").replace("%1", short_date(self.first_day))
                 .replace("%2", short_date(self.last_day))) if self.first_day and self.last_day \
            else ""
        name = emotion_name(emotion)
        if self.result.count == 0:
            self.count_label.setText(tr("No body maps for the feeling “%1” %2.")
                                     .replace("%1", name).replace("%2", dates))
            self.map_widget.hide()
            return
        text = (tr("1 body map for the feeling “%1” %2.") if self.result.count == 1
                else tr("Average of %3 body maps for the feeling “%1” %2."))
        self.count_label.setText(text.replace("%1", name).replace("%2", dates)
                                 .replace("%3", str(self.result.count)))
        self.map_widget.show_aggregate(self.result)
        self.map_widget.show()
