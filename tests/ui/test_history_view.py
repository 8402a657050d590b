"""The history screen, against a real store filled with known practices.

Expected numbers are worked out here from the practice list itself (local
day = start minus the 03:00 day boundary), not with the statistics module.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QDateTime, Qt, QTimeZone
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QDialogButtonBox,
    QLabel,
    QScrollBar,
    QWidget,
)
from sql_trace import sql_traced

from mit_desktop.bodymap import BodyMap, read_signed_map, to_bytes
from mit_desktop.bodymap.silhouette import body_mask
from mit_desktop.history import stats
from mit_desktop.history.errors import HistoryError, InvalidInputError
from mit_desktop.history.store import HistoryStore
from mit_desktop.ui.history.data import SessionCatalog, SessionInfo
from mit_desktop.ui.history.diary import BodyMapDialog
from mit_desktop.ui.history.view import HistoryView
from mit_desktop.ui.history.week import FUTURE_MARK, OPEN_MARK, PRACTICED_MARK

UTC = dt.UTC
NOW = dt.datetime(2026, 3, 19, 20, 30, tzinfo=UTC)  # a Thursday evening
BOUNDARY = dt.timedelta(hours=3)

CATALOG = SessionCatalog((
    SessionInfo("stretch-breathe", "Stretching and Breathing", "stretch-breathe"),
    SessionInfo("eye-center", "Eye in the Center", "eye-center"),
    SessionInfo("nesting-doll", "Nesting Doll", "nesting-doll"),
    SessionInfo("situation-solver", "Situation Solver", "situation-solver"),
    SessionInfo("life-globe", "Life Globe", "life-globe"),
    SessionInfo("bam", "BAM quick practice", "bam"),
))


class Clock:
    def __init__(self, moment: dt.datetime) -> None:
        self.ms = ms(moment)

    def __call__(self) -> int:
        return self.ms


def ms(moment: dt.datetime) -> int:
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class Known:
    """One practice of the fixture: start, listened minutes, session, ratings, reflection."""

    start: dt.datetime
    minutes: int
    session: str
    manual: bool = False
    mood: tuple[int | None, int | None] | None = None
    stress: tuple[int | None, int | None] | None = None
    note: str | None = None
    rating: int | None = None
    emotion: str | None = None

    @property
    def day(self) -> dt.date:
        return (self.start - BOUNDARY).date()


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=UTC)


ANN = [
    Known(at(2, 9), 20, "stretch-breathe", mood=(4, 6), stress=(7, 4),
          note="Tight shoulders, softer later", rating=6),
    Known(at(10, 18), 30, "nesting-doll", mood=(3, 7), stress=(8, 3),
          note="He may be frightened, not angry", rating=8, emotion="anxiety"),
    Known(at(12, 9), 7, "eye-center"),  # stopped early: a partial practice still counts
    Known(at(16, 9), 20, "eye-center", mood=(5, 6),
          note="A knot just below the center", rating=5, emotion="anxiety"),
    Known(at(18, 10), 10, "bam", manual=True),
    Known(at(18, 14), 5, "bam", mood=(4, None)),  # no after rating: not in the chart
    Known(at(19, 1, 30), 15, "life-globe", mood=(6, 8), stress=(5, 2),  # counts for the 18th
          note="Felt part of something bigger", rating=9, emotion="love"),
    Known(at(19, 9), 25, "situation-solver", note="=patience first", rating=None),
]
BEN = [Known(at(17, 12), 40, "nesting-doll", note="Ben's private note", rating=3,
             emotion="anxiety")]


def blob_map(row: int, col: int, amplitude: float) -> np.ndarray:
    rr, cc = np.mgrid[0:522, 0:171]
    signed = amplitude * np.exp(-(((rr - row) / 30.0) ** 2 + ((cc - col) / 25.0) ** 2))
    signed[~body_mask()] = 0.0
    return signed


MAPS = {"anxiety": [blob_map(180, 85, 0.8), blob_map(120, 85, 0.5)], "love": [blob_map(200, 85, 1)]}


def add(store: HistoryStore, clock: Clock, pid: int, known: Known, map_index: int) -> int:
    if known.manual:
        clock.ms = ms(known.start) + known.minutes * 60_000
        practice = store.log_manual_practice(pid, known.session, ms(known.start),
                                             known.minutes * 60_000)
    else:
        practice = store.start_practice(pid, known.session, "hash", "interactive",
                                        started_ms=ms(known.start))
        clock.ms = ms(known.start) + known.minutes * 60_000
        store.finish_practice(practice, known.note is not None, known.minutes * 60_000,
                              known.minutes * 60_000)
    for phase, index in (("before", 0), ("after", 1)):
        mood = known.mood[index] if known.mood else None
        stress = known.stress[index] if known.stress else None
        if mood is not None or stress is not None:
            store.record_check_in(practice, phase, mood=mood, stress=stress)
    if known.note is not None:
        body_map = None
        if known.emotion:
            signed = MAPS[known.emotion][map_index % len(MAPS[known.emotion])]
            body_map = store.add_body_map(
                pid, to_bytes(BodyMap(stored_map=signed, emotion=known.emotion, intensity=6)),
                emotion=known.emotion, intensity=6, practice_id=practice,
                created_ms=ms(known.start) + 5 * 60_000)
        clock.ms = ms(known.start) + known.minutes * 60_000 + 1000
        store.save_reflection(practice, "r1", prompt=f"Prompt of {known.session}",
                              note=known.note, rating=known.rating, body_map_id=body_map)
    return practice


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def store(private_folders: Path, clock: Clock):
    opened = HistoryStore.open(clock=clock, tz=UTC)
    yield opened
    opened.close()


@pytest.fixture
def ann(store: HistoryStore, clock: Clock) -> int:
    pid = store.create_profile("Ann")
    counts: dict[str, int] = {}
    for known in ANN:
        add(store, clock, pid, known, counts.get(known.emotion or "", 0))
        if known.emotion:
            counts[known.emotion] = counts.get(known.emotion, 0) + 1
    ben = store.create_profile("Ben", "client")
    for known in BEN:
        add(store, clock, ben, known, 0)
    clock.ms = ms(NOW)
    return pid


@pytest.fixture
def view(qtbot, store: HistoryStore, ann: int) -> HistoryView:
    widget = HistoryView(store, ann, catalog=CATALOG)
    qtbot.addWidget(widget)
    widget.resize(1000, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def minutes_by_day(practices: list[Known]) -> dict[dt.date, float]:
    totals: dict[dt.date, float] = {}
    for known in practices:
        totals[known.day] = totals.get(known.day, 0) + known.minutes
    return totals


def day_of_x(x: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(x // 86_400))


# --- week strip -------------------------------------------------------------------


def test_week_strip_counts_practice_days_in_gentle_words(view: HistoryView) -> None:
    monday = dt.date(2026, 3, 16)
    practiced = {k.day for k in ANN if monday <= k.day <= monday + dt.timedelta(days=6)}
    assert len(practiced) == 3  # Mon, Wed (with the 01:30 practice), Thu
    strip = view.week_strip
    # full practices: Eye in the Center 20 min, Life Globe 15, Situation Solver 25; the two
    # BAM practices are named by the days, not counted towards the aim
    assert strip.summary_label.text() == "3 of 5 full practices this week, on 3 days"
    week_minutes = sum(k.minutes for k in ANN if k.day >= monday)
    assert f"{week_minutes} minutes of practice this week" in strip.detail_label.text()
    marks = [tile.mark for tile in strip.tiles]
    assert marks == [PRACTICED_MARK, OPEN_MARK, PRACTICED_MARK, PRACTICED_MARK,
                     FUTURE_MARK, FUTURE_MARK, FUTURE_MARK]
    for tile, mark in zip(strip.tiles, marks, strict=True):
        assert mark in tile.text()  # a symbol, not only a colour
    assert "#1b5e20" in strip.tiles[0].styleSheet()
    assert "#1b5e20" not in strip.tiles[1].styleSheet()
    assert strip.tiles[0].accessibleName().endswith("practiced, 20 minutes")
    assert strip.tiles[1].accessibleName().endswith("no practice")
    assert "(today)" in strip.tiles[3].accessibleName()


def test_no_streaks_or_warnings_anywhere(view: HistoryView) -> None:
    texts = " ".join(label.text().lower() for label in view.findChildren(QLabel))
    for word in ("streak", "missed", "failed", "behind"):
        assert word not in texts


# --- charts -----------------------------------------------------------------------


def test_default_range_is_the_last_four_whole_weeks(view: HistoryView) -> None:
    assert view.date_range() == (dt.date(2026, 2, 23), dt.date(2026, 3, 19))
    assert view.range_combo.currentData() == "4w"


def test_minutes_per_day_chart_matches_the_practices(view: HistoryView) -> None:
    xs, ys = view.minutes_chart.series["minutes_per_day"]
    first, last = view.date_range()
    assert len(xs) == (last - first).days + 1
    drawn = {day_of_x(x): y for x, y in zip(xs, ys, strict=True) if y > 0}
    assert drawn == minutes_by_day(ANN)
    assert f"{len(ANN) - 0} practices" in view.minutes_label.text()


def test_minutes_per_week_chart_sums_whole_weeks(view: HistoryView) -> None:
    view.period_combo.setCurrentIndex(view.period_combo.findData("week"))
    xs, ys = view.minutes_chart.series["minutes_per_week"]
    expected: dict[dt.date, float] = {}
    for day, minutes in minutes_by_day(ANN).items():
        monday = day - dt.timedelta(days=day.weekday())
        expected[monday] = expected.get(monday, 0) + minutes
    drawn = {day_of_x(x) - dt.timedelta(days=3): y for x, y in zip(xs, ys, strict=True)}
    assert {k: v for k, v in drawn.items() if v} == expected
    assert len(xs) == 4


def test_mood_and_stress_charts_pair_before_and_after(view: HistoryView) -> None:
    pairs = [k for k in sorted(ANN, key=lambda k: k.day) if k.mood and None not in k.mood]
    mood_x, mood_before = view.mood_chart.series["mood_before"]
    _, mood_after = view.mood_chart.series["mood_after"]
    assert mood_before == [float(k.mood[0]) for k in pairs]
    assert mood_after == [float(k.mood[1]) for k in pairs]
    assert [day_of_x(x) for x in mood_x] == [k.day for k in pairs]
    stress_pairs = [k for k in sorted(ANN, key=lambda k: k.day) if k.stress]
    assert view.stress_chart.series["stress_before"][1] == [float(k.stress[0])
                                                            for k in stress_pairs]
    assert view.stress_chart.series["stress_after"][1] == [float(k.stress[1])
                                                           for k in stress_pairs]
    mood_mean = sum(k.mood[1] - k.mood[0] for k in pairs) / len(pairs)
    assert (f"Over {len(pairs)} practices, mood was on average {mood_mean:.1f} points higher"
            in view.mood_label.text())
    stress_mean = sum(k.stress[1] - k.stress[0] for k in stress_pairs) / len(stress_pairs)
    assert f"{abs(stress_mean):.1f} points lower" in view.stress_label.text()
    assert view.stress_label.text() == view.stress_chart.accessibleDescription()


def test_a_narrower_date_range_narrows_every_part(view: HistoryView) -> None:
    view.set_date_range(dt.date(2026, 3, 16), dt.date(2026, 3, 19))
    assert view.range_combo.currentData() == "custom"
    xs, ys = view.minutes_chart.series["minutes_per_day"]
    assert len(xs) == 4 and sum(ys) == sum(k.minutes for k in ANN if k.day >= dt.date(2026, 3, 16))
    assert len(view.mood_chart.series["mood_before"][0]) == 2
    notes = [card.note.text() for card in view.diary.cards]
    assert notes == ["=patience first", "Felt part of something bigger",
                     "A knot just below the center"]
    with pytest.raises(ValueError):
        view.set_date_range(dt.date(2026, 3, 19), dt.date(2026, 3, 1))


def test_choosing_all_time_starts_at_the_first_practice(view: HistoryView) -> None:
    view.range_combo.setCurrentIndex(view.range_combo.findData("all"))
    assert view.date_range() == (dt.date(2026, 3, 2), dt.date(2026, 3, 19))


# --- diary ------------------------------------------------------------------------


def test_diary_lists_reflections_newest_first_with_prompt_note_rating_date(
    view: HistoryView,
) -> None:
    with_notes = [k for k in ANN if k.note is not None]
    cards = view.diary.cards
    assert [c.note.text() for c in cards] == [k.note for k in reversed(with_notes)]
    newest = cards[0]
    assert newest.heading.text().startswith("Thursday")
    assert "19 March 2026" in newest.heading.text()
    assert "Situation Solver" in newest.heading.text()
    assert newest.prompt.text() == "Prompt of situation-solver"
    assert newest.rating.text() == "No rating"
    assert cards[1].rating.text() == "Rating: 9 of 10"
    assert [c.map_button is not None for c in cards] == [k.emotion is not None
                                                          for k in reversed(with_notes)]
    assert "Ben's private note" not in [c.note.text() for c in cards]


def test_diary_filters_by_session_and_by_module(view: HistoryView) -> None:
    diary = view.diary
    diary.session_combo.setCurrentIndex(diary.session_combo.findData("nesting-doll"))
    assert [c.note.text() for c in diary.cards] == ["He may be frightened, not angry"]
    diary.session_combo.setCurrentIndex(0)
    diary.module_combo.setCurrentIndex(diary.module_combo.findData("eye-center"))
    assert [c.note.text() for c in diary.cards] == ["A knot just below the center"]
    diary.module_combo.setCurrentIndex(diary.module_combo.findData("bam"))
    assert diary.cards == [] and diary.count_label.text() == "No reflections for these choices."


def test_diary_pages_with_show_more(view: HistoryView) -> None:
    view.diary_limit = 2
    view.refresh()
    assert len(view.diary.cards) == 2 and not view.diary.more_button.isHidden()
    view.diary.more_button.click()  # one more page of PAGE_SIZE
    assert len(view.diary.cards) == 5 and view.diary.more_button.isHidden()


def test_thumbnail_opens_the_body_map_read_only(qtbot, view: HistoryView) -> None:
    card = next(c for c in view.diary.cards if c.note.text() == "A knot just below the center")
    assert card.map_button is not None and not card.map_button.icon().isNull()
    assert "Anxiety" in card.map_button.accessibleName()
    card.map_button.click()
    dialog = view.map_dialog
    assert isinstance(dialog, BodyMapDialog) and dialog.isVisible()
    assert dialog.map_widget.is_read_only()
    shown = dialog.map_widget.body_map()
    assert shown.emotion == "anxiety"
    np.testing.assert_allclose(shown.signed_map(), MAPS["anxiety"][1], atol=2e-3)
    dialog.close()


def test_an_opened_body_map_exports_as_picture_and_csv(qtbot, view: HistoryView,
                                                        tmp_path) -> None:
    from mit_desktop.bodymap.embody_csv import read_embody_csv

    card = next(c for c in view.diary.cards if c.note.text() == "A knot just below the center")
    card.map_button.click()
    dialog = view.map_dialog
    assert dialog.export_button.isEnabled() and dialog.export_button.accessibleName()
    said = dialog.export_to(tmp_path / "knot.png", "png")
    assert said == f"Saved as {tmp_path / 'knot.png'}." and dialog.status.text() == said
    assert (tmp_path / "knot.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    dialog.export_to(tmp_path / "knot.csv", "signed_csv")
    again = np.loadtxt(tmp_path / "knot.csv", delimiter=",")
    assert again.shape == (522, 171)
    np.testing.assert_allclose(again, MAPS["anxiety"][1], atol=2e-3)
    dialog.export_to(tmp_path / "knot-embody.csv", "embody")
    assert read_embody_csv(tmp_path / "knot-embody.csv") is not None  # emBODY can read it
    said = dialog.export_to(tmp_path / "missing" / "knot.png", "png")  # no such folder
    assert "could not be saved" in said and "knot.png" in said
    dialog.close()


def test_refresh_runs_the_same_queries_for_two_or_twenty_rows(
    view: HistoryView, store: HistoryStore
) -> None:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        view.diary_limit = 2
        view.refresh()
        few = len(statements)
        statements.clear()
        view.diary_limit = 20
        view.refresh()
        many = len(statements)
    finally:
        store.conn.set_trace_callback(None)
    assert len(view.diary.cards) == 5
    assert few == many and many < 40


# --- body-map average -------------------------------------------------------------


def test_body_map_average_of_a_feeling_with_its_count(view: HistoryView) -> None:
    panel = view.aggregate_panel
    assert panel.emotion_combo.currentData() == "anxiety"  # the most frequent first
    assert panel.result is not None and panel.result.count == 2
    assert "Average of 2 body maps" in panel.count_label.text()
    stored = [read_signed_map(to_bytes(BodyMap(stored_map=m))) for m in MAPS["anxiety"]]
    np.testing.assert_allclose(panel.result.mean, (stored[0] + stored[1]) / 2, atol=1e-6)
    assert panel.map_widget.canvas.showing_aggregate
    view.set_date_range(dt.date(2026, 3, 16), dt.date(2026, 3, 19))
    assert panel.result.count == 1
    panel.choose("love")
    assert panel.result.count == 1 and "love" in panel.count_label.text().lower()


def test_history_tables_every_feeling_painted_in_the_dates(view: HistoryView) -> None:
    panel = view.aggregate_panel
    text = panel.table_label.text()
    assert "Anxiety" in text and "Love" in text  # both feelings, not only the chosen one
    assert text.index("Anxiety") < text.index("Love")  # the most painted first
    assert "<table" in text and "6.0" in text
    spoken = panel.table_label.accessibleName()
    assert "Feeling: Anxiety; Body maps: 2" in spoken and "Feeling: Love; Body maps: 1" in spoken
    view.set_date_range(dt.date(2026, 3, 16), dt.date(2026, 3, 19))
    spoken = panel.table_label.accessibleName()
    assert "Feeling: Anxiety; Body maps: 1" in spoken and "Love" in spoken
    view.set_date_range(dt.date(2026, 1, 1), dt.date(2026, 1, 5))
    assert panel.table_label.text() == "No body maps in these dates."


# --- manual logging ---------------------------------------------------------------


def test_manual_logging_writes_the_practice_and_check_ins(
    qtbot, view: HistoryView, store: HistoryStore, ann: int
) -> None:
    view.log_button.click()
    dialog = view.manual_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.session_combo.setCurrentIndex(dialog.session_combo.findData("bam"))
    start = at(17, 12, 15)
    dialog.when_edit.setDateTime(QDateTime.fromMSecsSinceEpoch(ms(start), QTimeZone.utc()))
    dialog.minutes_box.setValue(12)
    dialog.mood_before.setValue(3)
    dialog.mood_after.setValue(5)
    dialog.stress_after.setValue(2)
    with qtbot.waitSignal(view.practiceLogged) as signal:
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    practice = store.get_practice(signal.args[0])
    assert (practice.source, practice.session_id, practice.started_ms,
            practice.listened_ms) == ("manual", "bam", ms(start), 12 * 60_000)
    checks = {c.phase: (c.mood, c.stress) for c in store.check_ins(practice.id)}
    assert checks == {"before": (3, None), "after": (5, 2)}
    assert view.week_strip.summary_label.text() == "3 of 5 full practices this week, on 4 days"
    assert view.week_strip.tiles[1].mark == PRACTICED_MARK


def test_manual_logging_without_a_session_explains_and_writes_nothing(
    qtbot, store: HistoryStore, ann: int
) -> None:
    new = store.create_profile("New")  # no practices, so no sessions to offer
    view = HistoryView(store, new, catalog=SessionCatalog())
    qtbot.addWidget(view)
    view.show()
    dialog = view.open_manual_log()
    assert dialog.session_combo.count() == 0
    dialog.save()
    assert dialog.isVisible() and not dialog.error_label.isHidden()
    assert dialog.error_label.text() == "Please choose which practice you did."
    assert store.list_practices(new) == []
    dialog.reject()


def test_manual_logging_writes_on_the_database_lane_and_all_or_nothing(
    qtbot, store: HistoryStore, ann: int, monkeypatch
) -> None:
    """The window's writes go through one lane (the database thread), never straight from the
    GUI thread into whatever the recorder has open; a failed check-in leaves no half practice."""
    queued: list = []
    view = HistoryView(store, ann, run_db=lambda fn, done, failed: queued.append((fn, done, failed)))
    qtbot.addWidget(view)
    view.show()
    while queued:  # the screen's own readings go through the lane too
        fn, done, _failed = queued.pop(0)
        done(fn())
    before = len(store.list_practices(ann))
    dialog = view.open_manual_log()
    dialog.session_combo.setCurrentIndex(dialog.session_combo.findData("bam"))
    dialog.mood_before.setValue(3)
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    assert len(queued) == 1 and len(store.list_practices(ann)) == before  # not written here
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()

    def broken(*_args, **_kwargs):
        raise InvalidInputError("The check-in could not be kept.")

    monkeypatch.setattr(store, "record_check_in", broken)
    fn, done, failed = queued.pop()
    try:
        done(fn())
    except InvalidInputError as exc:
        failed(exc)
    assert len(store.list_practices(ann)) == before  # the practice row went with the check-in
    assert dialog.isVisible() and dialog.error_label.text() == "The check-in could not be kept."
    assert dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()
    monkeypatch.undo()
    dialog.buttons.button(QDialogButtonBox.StandardButton.Save).click()
    fn, done, failed = queued.pop()
    done(fn())
    assert len(store.list_practices(ann)) == before + 1 and not dialog.isVisible()


def test_manual_dialog_does_not_allow_a_time_in_the_future(view: HistoryView) -> None:
    dialog = view.open_manual_log()
    dialog.when_edit.setDateTime(QDateTime.fromMSecsSinceEpoch(ms(NOW) + 3_600_000,
                                                               QTimeZone.utc()))
    assert dialog.practice().started <= NOW
    dialog.reject()


# --- report ---------------------------------------------------------------------------


def test_report_button_saves_a_pdf_of_the_shown_dates(view: HistoryView, tmp_path: Path) -> None:
    view.set_date_range(dt.date(2026, 3, 16), dt.date(2026, 3, 19))
    out = tmp_path / "ann.pdf"
    view.save_report(out)  # (this view's database lane runs each job at once)
    assert out.read_bytes().startswith(b"%PDF-")
    assert view.report_label.text() == f"Report saved: {out}"
    view.save_report(tmp_path / "no such folder" / "ann.pdf")
    assert view.report_label.text().startswith("The report could not")


# --- profiles, catalog, accessibility -----------------------------------------------


def test_set_profile_shows_only_that_profile(view: HistoryView, store: HistoryStore) -> None:
    ben = store.profile_by_name("Ben").id
    view.set_profile(ben)
    assert view.title_label.text() == "Practice of Ben"
    assert [c.note.text() for c in view.diary.cards] == ["Ben's private note"]
    assert view.week_strip.summary_label.text() == "1 of 5 full practices this week, on 1 day"
    assert view.aggregate_panel.result.count == 1


def test_default_catalog_titles_come_from_the_bundled_program(
    qtbot, store: HistoryStore, ann: int
) -> None:
    view = HistoryView(store, ann)
    qtbot.addWidget(view)
    titles = {view.diary.session_combo.itemData(i): view.diary.session_combo.itemText(i)
              for i in range(view.diary.session_combo.count())}
    assert titles["nesting-doll"] == "Nesting Doll"
    assert titles["bam"] != "bam"


def interactive_widgets(root: QWidget) -> list[QWidget]:
    found = []
    for widget in [root, *root.findChildren(QWidget)]:
        if widget.focusPolicy() == Qt.FocusPolicy.NoFocus or isinstance(widget, QScrollBar):
            continue
        if widget is not root and not widget.isVisibleTo(root):
            continue
        parent = widget.parentWidget()
        if isinstance(parent, QAbstractScrollArea) and widget is parent.viewport():
            continue  # the viewport of a scroll area or chart: its owner is named
        ancestors = []
        while parent is not None:
            ancestors.append(parent)
            parent = parent.parentWidget()
        if any(isinstance(a, (QAbstractSpinBox, QComboBox)) for a in ancestors):
            continue  # the parts of a spin box or combo box (its line edit, its list)
        if widget.objectName().startswith("qt_"):
            continue  # Qt's own internals (scroll area viewport, calendar parts)
        found.append(widget)
    return found


def test_every_interactive_widget_has_an_accessible_name(qtbot, view: HistoryView) -> None:
    view.diary.cards[1].map_button.click()
    manual = view.open_manual_log()
    roots = [view, manual, view.map_dialog]
    checked = 0
    for root in roots:
        for widget in interactive_widgets(root):
            heard = QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Name)
            assert heard.strip(), (  # (a label's name is its text)
                f"{type(widget).__name__} {widget.objectName()!r} in {type(root).__name__}")
            checked += 1
    assert checked >= 20
    manual.reject()
    view.map_dialog.close()


def test_text_follows_the_application_font_size(qtbot, store: HistoryStore, ann: int) -> None:
    app = QApplication.instance()
    original = app.font()
    big = app.font()
    big.setPointSizeF(original.pointSizeF() * 2)
    app.setFont(big)
    try:
        view = HistoryView(store, ann, catalog=CATALOG)
        qtbot.addWidget(view)
        assert view.week_strip.summary_label.font().pointSizeF() >= big.pointSizeF()
        assert view.diary.cards[0].note.font().pointSizeF() == pytest.approx(big.pointSizeF())
    finally:
        app.setFont(original)


def test_i_need_to_stop_is_listed_on_its_own(view: HistoryView, store: HistoryStore, ann: int,
                                            clock: Clock) -> None:
    assert "None in these dates" in view.safety_label.text()
    clock.ms = ms(at(18, 10))
    event = store.record_safety_event(ann, "need_to_stop", session_id="nesting-doll",
                                      section="The nesting doll", position_ms=580_000)
    store.set_grounding_used(event, False)
    clock.ms = ms(NOW)
    view.refresh()
    text = view.safety_label.text()
    assert "“I need to stop” in Nesting Doll, in “The nesting doll”, at 9:40." in text
    assert "The grounding steps were not used." in text
    assert text.count("\n") == 0  # one event, one line: pauses and partial practices are not here


def test_questionnaires_are_charted_over_their_bands(view: HistoryView, store: HistoryStore,
                                                     clock: Clock, ann: int) -> None:
    from mit_desktop.ui.history.measures import MeasureChart

    assert "No questionnaires" in view.measures_label.text()
    clock.ms = ms(dt.datetime(2026, 3, 10, 9, 0, tzinfo=UTC))
    store.record_measure(ann, "gad7", [3, 3, 3, 2, 2, 2, 0])  # 15: severe
    clock.ms = ms(dt.datetime(2026, 3, 17, 9, 0, tzinfo=UTC))
    store.record_measure(ann, "gad7", [1, 1, 1, 1, 1, 0, 0])  # 5: mild
    clock.ms = ms(NOW)
    view.refresh()
    [chart] = [w for w in view.measures_charts if isinstance(w, MeasureChart)]
    xs, ys = chart.series["gad7"]
    assert ys == [15.0, 5.0]
    assert [day_of_x(x) for x in xs] == [dt.date(2026, 3, 10), dt.date(2026, 3, 17)]
    assert "15 (Severe)" in chart.accessibleDescription()
    assert not view.measures_label.isVisibleTo(view)


def test_history_says_the_change_during_practice_week_by_week(view: HistoryView,
                                                              store: HistoryStore,
                                                              ann: int) -> None:
    first = min(c.day for c in stats.mood_changes(store, ann))
    store.set_program_start(ann, first)
    view.set_date_range(first, first + dt.timedelta(days=27))
    view.refresh()
    text = view.early_label.text()
    assert text.startswith("Week 1 (")
    assert "after practice (over" in text or "too few to read anything into" in text


def test_refresh_reads_the_store_in_a_job_on_the_database_lane(
    qtbot, store: HistoryStore, ann: int
) -> None:
    queued: list = []
    view = HistoryView(store, ann, run_db=lambda fn, done, failed: queued.append((fn, done, failed)))
    qtbot.addWidget(view)
    queued.clear()
    with sql_traced(store) as statements:
        view.refresh()
        assert statements == [] and len(queued) == 1  # nothing read on the calling thread
        fn, done, _failed = queued.pop()
        reading = fn()  # what the database lane runs
        assert statements
    done(reading)
    assert view.title_label.text() == "Practice of Ann"
    assert len(view.diary.cards) == 5


def test_a_preset_and_a_profile_read_on_the_lane_and_a_late_reading_is_dropped(
    qtbot, store: HistoryStore, ann: int
) -> None:
    """Choosing "All my practice" reads nothing on the GUI thread: its dates come with the
    reading, and until then the actions that would use old dates or another profile's
    name are disabled. A reading that arrives after another profile was chosen is not
    shown."""
    queued: list = []

    def drain() -> None:  # what the database lane runs, then delivers, in order
        while queued:
            fn, done, _failed = queued.pop(0)
            done(fn())

    view = HistoryView(store, ann, catalog=CATALOG,
                       run_db=lambda fn, done, failed: queued.append((fn, done, failed)))
    qtbot.addWidget(view)
    with sql_traced(store) as statements:
        assert view.title_label.text() == "Loading…" and not view.report_button.isEnabled()
        drain()
        assert view.report_button.isEnabled() and view.from_edit.isEnabled()
        assert view.date_range() == (dt.date(2026, 2, 23), dt.date(2026, 3, 19))
        statements.clear()
        view.range_combo.setCurrentIndex(view.range_combo.findData("all"))
        assert statements == [] and queued  # nothing read on the GUI thread
        assert not view.report_button.isEnabled() and not view.bundle_button.isEnabled()
        assert not view.export_button.isEnabled() and not view.from_edit.isEnabled()
        drain()
    assert view.date_range() == (dt.date(2026, 3, 2), dt.date(2026, 3, 19))
    assert view.report_button.isEnabled() and view.today() == dt.date(2026, 3, 19)
    ben = store.profile_by_name("Ben").id
    view.refresh()  # Ann's reading, still on its way when Ben is chosen
    late_fn, late_done, _failed = queued.pop()
    view.set_profile(ben)
    assert view.title_label.text() == "Loading…" and not view.import_button.isEnabled()
    late_done(late_fn())
    assert view.title_label.text() == "Loading…" and not view.import_button.isEnabled()
    assert [c.note.text() for c in view.diary.cards] != ["Ben's private note"]
    drain()
    assert view.title_label.text() == "Practice of Ben" and view.import_button.isEnabled()
    assert [c.note.text() for c in view.diary.cards] == ["Ben's private note"]


def test_a_failed_reading_says_why_and_keeps_the_actions_waiting(
    qtbot, store: HistoryStore, ann: int
) -> None:
    def broken(fn, done, failed) -> None:  # the store's answer: a damaged history
        failed(HistoryError("The practice history could not be read."))

    view = HistoryView(store, ann, catalog=CATALOG, run_db=broken)
    qtbot.addWidget(view)
    assert view.error_label.text() == "The practice history could not be read."
    assert view.title_label.text() == "Your practice" and not view.report_button.isEnabled()
