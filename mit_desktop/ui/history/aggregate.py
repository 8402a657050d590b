"""The body-map summary: a table of every feeling painted in the chosen dates (how many
maps, their average strength, where in the body each was felt more and less), then the
mean map of one chosen feeling, with its count.

The feelings offered are those the profile has painted (most frequent first).
The maps are found with ``body_map_ids``, read in one query and averaged
with ``bodymap.aggregate``; the read-only :class:`BodyMapWidget` draws the mean.
"""

from __future__ import annotations

import datetime as dt
import html
import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from mit_desktop.bodymap.aggregate import Aggregate, aggregate
from mit_desktop.bodymap.emotion_table import EmotionRow
from mit_desktop.bodymap.serialize import BodyMapFormatError
from mit_desktop.history.diary import body_map_emotions, body_map_ids, body_maps_by_id
from mit_desktop.history.store import HistoryStore
from mit_desktop.ui.bodymap import BodyMapWidget
from mit_desktop.ui.history.text import emotion_name, short_date, tr
from mit_desktop.ui.workers import DbRunner, run_here

log = logging.getLogger(__name__)


def region_names(keys: tuple[str, ...]) -> str:
    """Body regions for people ("Chest, Shoulders"); "–" for none."""
    from mit_desktop.bodymap.silhouette import REGIONS

    labels = {r.key: r.label for r in REGIONS}
    return ", ".join(tr(labels.get(k, k)) for k in keys) or "–"


EMOTION_TABLE_HEADINGS = ("Feeling", "Body maps", "Average strength (0–10)",
                          "Felt more (activity raised)", "Felt less (activity lowered)")


def emotion_table_cells(row: EmotionRow) -> tuple[str, ...]:
    """One table row's cells in words (the headings are :data:`EMOTION_TABLE_HEADINGS`)."""
    strength = ("–" if row.mean_intensity is None else
                f"{row.mean_intensity:.1f}" + ("" if row.rated == row.count else " " + tr(
                    "({rated} of {count} maps rated)").format(rated=row.rated, count=row.count)))
    count = str(row.count) + ("" if not row.unreadable else " " + tr(
        "({unreadable} could not be read)").format(unreadable=row.unreadable))
    return (emotion_name(row.emotion), count, strength, region_names(row.raised),
            region_names(row.lowered))


def emotion_table_html(rows: list[EmotionRow], *, border: bool = True) -> str:
    """Every feeling's row as an HTML table (for the report and History's label)."""
    def esc(text: str) -> str:
        return html.escape(text, quote=True)

    head = "".join(f"<th align=\"left\">{esc(tr(h))}</th>" for h in EMOTION_TABLE_HEADINGS)
    body = "".join("<tr>" + "".join(f"<td>{esc(c)}</td>" for c in emotion_table_cells(r))
                   + "</tr>" for r in rows)
    frame = 'border="1" ' if border else ""
    return (f'<table {frame}cellspacing="0" cellpadding="4" width="100%">'
            f"<tr>{head}</tr>{body}</table>")


def emotion_table_text(rows: list[EmotionRow]) -> str:
    """The same table as plain sentences, one a feeling (for screen readers)."""
    lines = []
    for row in rows:
        cells = emotion_table_cells(row)
        lines.append("; ".join(f"{tr(h)}: {c}" for h, c in zip(EMOTION_TABLE_HEADINGS, cells,
                                                               strict=True)))
    return "\n".join(lines)


class AggregatePanel(QWidget):
    """Choose a feeling; see the mean body map of that feeling in the date range."""

    def __init__(self, parent: QWidget | None = None, run_db: DbRunner = run_here) -> None:
        super().__init__(parent)
        self.run_db = run_db  # the store is read on the database lane
        self.store: HistoryStore | None = None
        self.profile_id = 0
        self.first_day: dt.date | None = None
        self.last_day: dt.date | None = None
        self.result: Aggregate | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        # every feeling painted in the dates, one row each; then one feeling's mean map
        self.table_label = QLabel(self)
        self.table_label.setWordWrap(True)
        self.table_label.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.table_label)
        self.rows: list[EmotionRow] = []
        form = QFormLayout()
        self.emotion_combo = QComboBox(self)
        self.emotion_combo.setAccessibleName(tr("Feeling to summarise"))
        self.emotion_combo.setAccessibleDescription(tr("Choose a feeling to see the average of its "
                                                       "body maps in these dates."))
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
        """Use this profile and date range; refill the feelings and redraw (the store is
        read on the database lane, `run_db`)."""
        from mit_desktop.practice.body_map_table import emotion_rows

        self.store, self.profile_id = store, profile_id
        self.first_day, self.last_day = first_day, last_day

        def read() -> tuple[list[EmotionRow], list[tuple[str, int]]]:
            try:
                rows = emotion_rows(store, profile_id, first_day, last_day)
            except ValueError as exc:
                log.warning("body-map table left out: %s", exc)
                rows = []
            return rows, list(body_map_emotions(store, profile_id))

        def fill(read_back: tuple[list[EmotionRow], list[tuple[str, int]]]) -> None:
            rows, emotions = read_back
            self._show_table(rows)
            chosen = self.emotion_combo.currentData()
            self._filling = True
            try:
                self.emotion_combo.clear()
                for emotion, count in emotions:
                    label = (tr("{feeling} (1 map in all)") if count == 1
                             else tr("{feeling} ({count} maps in all)"))
                    self.emotion_combo.addItem(
                        label.format(feeling=emotion_name(emotion), count=count), emotion)
                index = self.emotion_combo.findData(chosen) if chosen is not None else 0
                self.emotion_combo.setCurrentIndex(max(0, index))
            finally:
                self._filling = False
            self.refresh()

        self.run_db(read, fill, self._read_failed)

    def _read_failed(self, exc: BaseException) -> None:
        log.warning("body maps by feeling not shown: %s", exc)

    def _show_table(self, rows: list[EmotionRow]) -> None:
        self.rows = rows
        if not self.rows:
            self.table_label.setText(tr("No body maps in these dates."))
            self.table_label.setAccessibleName(self.table_label.text())
            return
        intro = tr("Every feeling painted in these dates:")
        self.table_label.setText(f"<p>{html.escape(intro)}</p>" + emotion_table_html(self.rows))
        self.table_label.setAccessibleName(intro + "\n" + emotion_table_text(self.rows))

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
        store, profile_id = self.store, self.profile_id
        first_day, last_day = self.first_day, self.last_day

        def read() -> Aggregate:
            ids = body_map_ids(store, profile_id, emotion=emotion, first_day=first_day,
                               last_day=last_day)
            records = body_maps_by_id(store, profile_id, ids)
            return aggregate(records[i].data for i in ids if i in records)

        self.run_db(read, lambda result: self._show_result(emotion, result), self._not_averaged)

    def _not_averaged(self, exc: BaseException) -> None:
        if not isinstance(exc, BodyMapFormatError | ValueError):
            self._read_failed(exc)
            return
        log.warning("body maps could not be averaged: %s", exc)
        self.result = None
        self.count_label.setText(tr("These body maps could not be read."))
        self.map_widget.hide()

    def _show_result(self, emotion: str, result: Aggregate) -> None:
        self.result = result
        dates = tr("from {first} to {last}").format(
            first=short_date(self.first_day), last=short_date(self.last_day)) \
            if self.first_day and self.last_day else ""
        name = emotion_name(emotion)
        if self.result.count == 0:
            self.count_label.setText(tr("No body maps for the feeling “{feeling}” {dates}.")
                                     .format(feeling=name, dates=dates))
            self.map_widget.hide()
            return
        text = (tr("1 body map for the feeling “{feeling}” {dates}.") if self.result.count == 1
                else tr("Average of {count} body maps for the feeling “{feeling}” {dates}."))
        self.count_label.setText(text.format(feeling=name, dates=dates, count=self.result.count))
        self.map_widget.show_aggregate(self.result)
        self.map_widget.show()
