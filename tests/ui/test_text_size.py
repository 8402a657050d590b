"""Large text on a small screen: at 100 %, 150 % and 200 % text in a 1024×768 window,
every screen fits without sideways scrolling, the window does not grow past 768 px (with a
message shown under the page), and no text is clipped or cut short with "…" (a page taller
than the window scrolls up and down, with a visible scroll bar, and nothing in it scrolls
again inside it)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractScrollArea,
    QApplication,
    QComboBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTextEdit,
    QToolButton,
    QWidget,
)
from screen_walk import show_screen, walk

from mit_desktop.ui.theme import apply_theme


def _shown(w: QWidget) -> bool:
    return w.isVisible() and w.width() > 0 and w.height() > 0


def layout_problems(page: QWidget) -> list[str]:
    """Sideways scrolling, and texts that do not fit their widget."""
    found = []
    for w in [page, *page.findChildren(QWidget)]:
        if not _shown(w):
            continue
        if isinstance(w, QAbstractScrollArea) and w.horizontalScrollBar().maximum() > 0 \
                and type(w).__name__ not in ("QPlainTextEdit", "QTextEdit"):
            found.append(f"sideways scrolling in {w.accessibleName() or type(w).__name__!r}")
        elif isinstance(w, QScrollArea) and w.verticalScrollBar().maximum() > 0 \
                and w.verticalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff:
            found.append(f"{w.verticalScrollBar().maximum()} px of {w.accessibleName()!r} "
                         "hidden, with no scroll bar to show them")
        elif isinstance(w, QLabel) and w.text().strip() and w.pixmap().isNull():
            rect = w.contentsRect()
            fm = w.fontMetrics()
            if w.wordWrap():
                needed = w.heightForWidth(w.width())
                if needed > w.height() + 2:
                    found.append(f"label {w.text()[:30]!r} cut at the bottom "
                                 f"({w.height()} of {needed} px)")
            elif w.textFormat() == Qt.TextFormat.RichText or (
                    w.textFormat() == Qt.TextFormat.AutoText and "<" in w.text() and ">" in w.text()):
                doc = QTextDocument()
                doc.setDefaultFont(w.font())
                doc.setDocumentMargin(0)
                doc.setHtml(w.text())
                if doc.idealWidth() > rect.width() + 1:
                    found.append(f"label {doc.toPlainText()[:30]!r} cut at the side "
                                 f"({rect.width()} of {doc.idealWidth():.0f} px)")
            else:
                widest = max(fm.horizontalAdvance(line) for line in w.text().splitlines())
                if widest > rect.width() + 1:
                    found.append(f"label {w.text()[:30]!r} cut at the side "
                                 f"({rect.width()} of {widest} px)")
        elif isinstance(w, QAbstractButton) and w.text().strip():
            text_px = w.fontMetrics().horizontalAdvance(w.text().replace("&", ""))
            beside = not isinstance(w, QToolButton) or \
                w.toolButtonStyle() != Qt.ToolButtonStyle.ToolButtonTextUnderIcon
            icon_px = w.iconSize().width() + 4 if not w.icon().isNull() and beside else 0
            if text_px + icon_px + 4 > w.width() or w.height() < w.fontMetrics().height():
                found.append(f"button {w.text()[:30]!r} cut ({w.width()} px for "
                             f"{text_px + icon_px} px of text)")
            elif isinstance(w, QPushButton) and w.width() < w.minimumSizeHint().width():
                # its text fits its whole width, but not inside its padding and border
                found.append(f"button {w.text()[:30]!r} cut ({w.width()} px of the "
                             f"{w.minimumSizeHint().width()} px it needs)")
        elif isinstance(w, QComboBox) and w.currentText():
            if w.fontMetrics().horizontalAdvance(w.currentText()) + 36 > w.width():
                found.append(f"choice {w.currentText()[:30]!r} cut short ({w.width()} px)")
    return found + nested_scrolling(page) + hidden_primary_actions(page)


def nested_scrolling(page: QWidget) -> list[str]:
    """A scroll area (a page, a panel, a read-only text) that scrolls inside a scrolling page:
    two scroll bars for one screen (the body map's parts scrolled 129 px inside the
    reflection page at 100 % text in 1024 × 768). Editable text (a note, a script) and lists
    (what the user made) scroll in themselves, as their length is the user's."""
    found = []
    for w in page.findChildren(QAbstractScrollArea):
        editable = isinstance(w, (QPlainTextEdit, QTextEdit)) and not w.isReadOnly()
        if not _shown(w) or editable or isinstance(w, QAbstractItemView):
            continue
        if w.verticalScrollBar().maximum() > 0 and _scroll_areas_around(w):
            found.append(f"{w.accessibleName() or type(w).__name__!r} scrolls "
                         f"{w.verticalScrollBar().maximum()} px inside a scrolling page")
    return found


PRIMARY_ROLES = ("primary", "big", "danger")


def _scroll_areas_around(w: QWidget) -> list[QAbstractScrollArea]:
    found = []
    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            found.append(parent)
        parent = parent.parentWidget()
    return found


def fully_in_view(w: QWidget) -> bool:
    """The whole widget is drawn and inside the window (nothing of it scrolled away)."""
    window = w.window()
    top_left = w.mapTo(window, w.rect().topLeft())
    bottom_right = w.mapTo(window, w.rect().bottomRight())
    return w.visibleRegion().boundingRect().size() == w.size() and top_left.y() >= 0 \
        and bottom_right.y() < window.height() and bottom_right.x() < window.width()


def hidden_primary_actions(page: QWidget) -> list[str]:
    """A primary action (Start, Pause, I need to stop …) below the fold with no visible
    scroll bar to reach it."""
    found = []
    for b in page.findChildren(QAbstractButton):
        if not _shown(b) or b.property("role") not in PRIMARY_ROLES or fully_in_view(b):
            continue
        if not any(area.verticalScrollBar().isVisible() for area in _scroll_areas_around(b)):
            found.append(f"{b.text()!r} is out of view with no scroll bar to reach it")
    return found


@pytest.mark.parametrize("scale", [100, 150, 200])
def test_every_screen_fits_1024_by_768_at_large_text(window, qtbot, scale: int) -> None:
    apply_theme(QApplication.instance(), scale, False)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=2000)
    problems = {}
    for screen, page in walk(window):
        QApplication.processEvents()
        found = layout_problems(page)
        if window.height() > 768:  # its bottom (the message, the last buttons) off the screen
            found.append(f"the window grew to {window.height()} px tall")
        header = layout_problems(window.centralWidget().layout().itemAt(0).widget())
        if found or header:
            problems[screen] = found + header
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())


def test_the_crisis_number_stays_in_view_after_stopping_at_200_percent(window, qtbot) -> None:
    """At 200 % text the stop page's crisis number was below the fold."""
    apply_theme(QApplication.instance(), 200, False)
    window.resize(1024, 768)
    window.stop_screen.show_for_region("US")
    window.show_page("stop")
    QApplication.processEvents()
    shown = [w for w in window.stop_screen.findChildren(QLabel)
             if "988" in w.text() and w.isVisible()]
    assert shown

    def in_view(w: QLabel) -> bool:
        bottom = w.mapTo(window, w.rect().bottomLeft()).y()
        return w.visibleRegion().boundingRect().height() == w.height() and \
            bottom <= window.height()

    assert any(in_view(w) for w in shown)


@pytest.mark.parametrize("scale", [100, 200])
def test_nothing_moves_when_pause_becomes_play(window, qtbot, scale: int) -> None:
    apply_theme(QApplication.instance(), scale, False)
    window.resize(1024, 768)
    window.show_page("player")
    player = window.player
    places = []
    for text in ("Pause", "Play", "Continue", "Pause"):
        player.play_button.setText(text)
        QApplication.processEvents()
        places.append((player.back_button.x(), player.play_button.geometry().getRect(),
                       player.forward_button.x()))
    assert len(set(places)) == 1, places


def test_the_window_is_never_larger_than_the_screen(store, sync_tasks, qtbot) -> None:
    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state

    ctx = AppContext(store, load_state())
    w = MainWindow(ctx)
    qtbot.addWidget(w)
    room = w.screen().availableGeometry()
    assert w.width() <= room.width() and w.height() <= room.height()
    w.flow.shutdown()
    ctx.close()


def test_the_large_captions_window_shows_every_line_and_closes_with_escape(window, qtbot) -> None:
    from PySide6.QtTest import QTest

    window.show_page("player")
    window.player.caption_label.setText(
        "Now, gently, let your attention move to the place where your body meets the chair, "
        "and notice the weight of your arms resting, the breath moving in and out, and the "
        "small sounds of the room around you, without needing to change anything at all.")
    window.player.show_presenter()
    presenter = window.player.presenter
    qtbot.waitExposed(presenter)
    QApplication.processEvents()
    caption = presenter.caption
    assert caption.heightForWidth(caption.width()) <= caption.height()
    room = presenter.screen().availableGeometry()
    assert presenter.width() <= room.width() and presenter.height() <= room.height()
    presenter.activateWindow()
    QTest.keyClick(presenter, Qt.Key.Key_Escape)
    assert not presenter.isVisible()


def test_start_listening_stays_in_view_at_200_percent(window, qtbot) -> None:
    apply_theme(QApplication.instance(), 200, False)
    window.resize(1024, 768)
    window.checkin.show_phase("before", "Tiny practice", "Stop whenever you like.")
    window.checkin.go_button.setEnabled(True)
    window.show_page("checkin")
    QApplication.processEvents()
    go = window.checkin.go_button
    assert go.visibleRegion().boundingRect().size() == go.size()
    assert go.mapTo(window, go.rect().bottomLeft()).y() <= window.height()


@pytest.mark.parametrize("scale", [100, 200])
def test_start_this_practice_and_pause_are_in_view_without_scrolling(window, qtbot,
                                                                     scale: int) -> None:
    """At 200 % on 1024 × 768 "Start this practice" was 400 px below its pane's visible part
    and the big Pause below the fold; both stay in view (never inside what scrolls)."""
    apply_theme(QApplication.instance(), scale, False)
    window.resize(1024, 768)
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=2000)
    window.show_page("library")
    window.library.session_list.setCurrentRow(0)
    QApplication.processEvents()
    _assert_in_view_without_scrolling({"Start this practice": window.library.start_button})
    show_screen(window, "player")  # with More controls open
    QApplication.processEvents()
    _assert_in_view_without_scrolling({"Pause": window.player.play_button,
                                       "I need to stop": window.player.stop_button})


def _assert_in_view_without_scrolling(buttons: dict[str, QWidget]) -> None:
    for name, b in buttons.items():
        assert b.isVisible(), name
        assert fully_in_view(b), name
        assert _scroll_areas_around(b) == [], f"{name} scrolls away with the page"


def test_the_walk_finds_a_primary_action_below_the_fold(window, qtbot) -> None:
    """The check itself: a primary button pushed below the window with no scroll bar."""
    from PySide6.QtWidgets import QPushButton

    window.resize(1024, 768)
    window.show_page("today")
    page = window.today
    b = QPushButton("Start far below", page)
    b.setProperty("role", "primary")
    b.move(10, 2000)
    b.show()
    QApplication.processEvents()
    assert any("Start far below" in p for p in hidden_primary_actions(page))
    b.move(10, 10)
    QApplication.processEvents()
    assert hidden_primary_actions(page) == []
    b.deleteLater()


@pytest.mark.parametrize("size", [(1024, 768), (1366, 768)])
@pytest.mark.parametrize("scale", [100, 150, 200])
def test_the_body_map_scrolls_with_its_page_and_shows_the_whole_figures(
        window, qtbot, scale: int, size: tuple[int, int]) -> None:
    """On a reflection page with a body map the feeling and body parts show all of
    themselves (the page scrolls, no second scroll area inside it), and both figures are
    drawn whole, feet included, and come into view as the page scrolls."""
    from PySide6.QtCore import QPoint

    from mit_desktop.bodymap import Layer, RegionState

    apply_theme(QApplication.instance(), scale, False)
    window.resize(*size)
    qtbot.waitUntil(lambda: window.width() == size[0], timeout=2000)
    page = show_screen(window, "reflection")
    body = window.reflection.body_map_widget
    assert nested_scrolling(page) == []
    panel = body.side_panel
    assert panel.height() >= panel.minimumSizeHint().height()  # all of itself shown
    feet = body.region_buttons[("feet", RegionState.NOTHING)]
    area = window.reflection.scroll_area
    area.ensureWidgetVisible(feet)
    QApplication.processEvents()
    assert feet.visibleRegion().boundingRect().size() == feet.size()
    canvas = body.canvas
    for layer in (Layer.ACTIVATION, Layer.DEACTIVATION):
        figure = canvas.panel_rect(layer).toAlignedRect()
        assert canvas.rect().contains(figure), (layer, figure, canvas.rect())
        sole = QPoint(figure.center().x(), figure.bottom() - 2)
        area.ensureVisible(0, canvas.mapTo(area.widget(), sole).y(), 0, 8)
        QApplication.processEvents()
        assert canvas.visibleRegion().contains(sole), f"the feet of {layer} are out of view"
    labels_px = canvas.labels_fit_width_px()
    assert canvas.width() >= labels_px, f"the labels over the figures are cut ({canvas.width()} px)"


@pytest.mark.parametrize("high_contrast", [False, True])
def test_the_header_makes_room_when_the_text_size_changes_in_settings(
        window, qtbot, high_contrast: bool) -> None:
    """Set to 200 % in Settings, the header's buttons kept their widths at 100 % and cut
    their names ("oda", "istor", "p r" for Help now) until the window was resized: the
    header decided whether its two halves fit side by side only on a resize."""
    window.resize(1024, 768)
    window.show_page("settings")
    qtbot.waitUntil(lambda: window.width() == 1024, timeout=2000)
    window.settings.displayChanged.emit(200, high_contrast)
    header = window.centralWidget().layout().itemAt(0).widget()

    def cut() -> list[str]:
        QApplication.processEvents()
        return [b.text() for b in header.findChildren(QPushButton)
                if _shown(b) and b.width() < b.minimumSizeHint().width()]

    qtbot.waitUntil(lambda: not cut(), timeout=3000)
    assert layout_problems(header) == []
    assert window.width() == 1024
