"""Keyboard-only use: the player's keys wherever the focus is on its page, nothing outside
the practice reachable during it, Escape for "I need to stop" on reflection pages, Tab
reaches every control of every screen in reading order, and Today starts on its action."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QWidget
from screen_walk import SCREENS, show_screen
from test_keyboard_and_access import interactive_widgets

from mit_desktop.playback import events as ev

RENDER_TIMEOUT_MS = 60_000


def press(key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    focus = QApplication.focusWidget()
    assert focus is not None, "nothing has the keyboard focus"
    QTest.keyClick(focus, key, modifier)


def start_playing(window, qtbot, tiny_session: Path, store) -> None:
    store.accept_notice(window.ctx.profile_id)
    window.ctx.reload_profile()
    window.activateWindow()
    window.start_practice(str(tiny_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    press(Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.ctx.player.state == ev.PLAYING, timeout=RENDER_TIMEOUT_MS)


def test_player_keys_work_with_the_focus_on_pause(window, qtbot, tiny_session: Path, store,
                                                  monkeypatch) -> None:
    """Focus starts on Pause; the arrows once moved the focus away instead of seeking."""
    start_playing(window, qtbot, tiny_session, store)
    player = window.ctx.player
    assert QApplication.focusWidget() is window.player.play_button
    # Home goes to the start of the section shown: wait until the window knows it (the
    # player's section event reaches the window through the event loop; a full run raced it).
    # Before the pause: paused while the first sentence is still being prepared, the player
    # announces no section until it plays again (a loaded full run timed out waiting here)
    qtbot.waitUntil(lambda: bool(window.flow.section_title), timeout=RENDER_TIMEOUT_MS)
    # held in the first section: on a loaded machine the tiny practice otherwise reaches its
    # reflection (another page) while the test waits for the second section to render
    player.pause()
    qtbot.waitUntil(lambda: player.state == ev.PAUSED, timeout=2000)
    seeks: list[int] = []
    sections: list[int] = []
    monkeypatch.setattr(player, "seek_ms", seeks.append)
    monkeypatch.setattr(player, "seek_section", sections.append)
    press(Qt.Key.Key_Right)
    press(Qt.Key.Key_Left)
    assert len(seeks) == 2 and seeks[0] > seeks[1]
    press(Qt.Key.Key_Home)
    assert sections == [0]  # back to the start of the section playing
    qtbot.waitUntil(lambda: len(player.timeline.sections) == 2, timeout=RENDER_TIMEOUT_MS)
    press(Qt.Key.Key_End)
    assert sections == [0, 1]  # on to the next one
    assert QApplication.focusWidget() is window.player.play_button  # the focus stayed
    window.player.progress.setFocus()
    press(Qt.Key.Key_Space)  # Space on a part that is not a button: play or pause
    qtbot.waitUntil(lambda: player.state == ev.PLAYING, timeout=2000)
    press(Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: player.state == ev.PAUSED, timeout=2000)
    window.player.volumes["voice"].slider.setFocus()
    before = window.player.volumes["voice"].slider.value()
    press(Qt.Key.Key_Right)  # a volume slider keeps its arrows
    assert window.player.volumes["voice"].slider.value() > before
    assert len(seeks) == 2
    window.player.stop_button.setFocus()
    press(Qt.Key.Key_Space)  # Space presses the focused "I need to stop"
    assert window.current_page() is window.stop_screen


def test_nothing_outside_the_practice_is_reachable_during_it(window, qtbot, tiny_session: Path,
                                                            store) -> None:
    """The profile box once took the focus mid-practice, and Space opened it."""
    start_playing(window, qtbot, tiny_session, store)
    window.player.more_button.setChecked(True)
    reached: list[QWidget] = []
    for _ in range(60):
        press(Qt.Key.Key_Tab)
        reached.append(QApplication.focusWidget())
    outside = {f"{type(w).__name__} {w.accessibleName()!r}" for w in reached
               if not w.isVisible() or w is window.profile_combo
               or w in window.nav_buttons.values()}
    assert outside == set()
    assert window.player.play_button in reached and window.player.stop_button in reached


def test_escape_on_a_reflection_page_is_i_need_to_stop(window, qtbot, tiny_session: Path,
                                                       store) -> None:
    window.ctx.prefs.mode = "interactive"
    start_playing(window, qtbot, tiny_session, store)
    qtbot.waitUntil(lambda: window.current_page() is window.reflection,
                    timeout=RENDER_TIMEOUT_MS)
    window.reflection.note.setFocus()
    press(Qt.Key.Key_Escape)
    assert window.current_page() is window.stop_screen


def test_today_opens_with_the_focus_on_its_start_button(window) -> None:
    window.show_page("settings")
    window.show_page("today")
    assert QApplication.focusWidget() is window.today.start_button, \
        QApplication.focusWidget().accessibleName()


def _stop(w: QWidget) -> object:
    """One Tab stop: a control, or a whole exclusive choice (Tab reaches the group, the
    arrow keys move within it, as for radio buttons everywhere)."""
    if isinstance(w, QAbstractButton):
        group = w.group()
        if group is not None and group.exclusive():
            return group
        if w.autoExclusive():
            return (w.parentWidget(), type(w).__name__)
    return w


def _arrow_misses(members: list[QAbstractButton]) -> list[str]:
    """Members of an exclusive choice the arrow keys do not reach from its first member."""
    members[0].setFocus(Qt.FocusReason.TabFocusReason)
    reached = {members[0]}
    for key in (Qt.Key.Key_Right, Qt.Key.Key_Down):
        for _ in range(len(members) + 1):
            press(key)
            reached.add(QApplication.focusWidget())
        members[0].setFocus(Qt.FocusReason.TabFocusReason)
    return [m.accessibleName() for m in members if m not in reached]


def _reading_order_breaks(chain: list[QWidget]) -> list[str]:
    """Steps of the Tab chain that go back up the screen within the same column (scroll
    areas hold what they scroll, so they are left out)."""
    breaks = []
    chain = [w for w in chain if not isinstance(w, QScrollArea)]
    top = chain[0].window()

    areas = [a for a in top.findChildren(QScrollArea) if a.isVisible() and a.widget()]

    def laid_out(w: QWidget) -> QRect:  # where w is on the page, as if nothing were scrolled
        r = w.rect().translated(w.mapTo(top, w.rect().topLeft()))
        parent = w.parentWidget()
        while parent is not None:
            if isinstance(parent, QScrollArea):
                r.translate(parent.horizontalScrollBar().value(),
                            parent.verticalScrollBar().value())
            parent = parent.parentWidget()
        for area in areas:  # below a scroll area (a dialog's fixed buttons): after all it holds
            if not area.isAncestorOf(w) and r.top() >= area.mapTo(top, area.rect().bottomLeft()).y():
                r.translate(0, max(0, area.widget().height() - area.viewport().height()))
        return r

    for a, b in zip(chain, chain[1:]):
        ra, rb = laid_out(a), laid_out(b)
        new_column = rb.left() >= ra.right() - 4  # a column to the right
        if rb.bottom() < ra.top() and not new_column:
            breaks.append(f"{a.accessibleName()!r} -> {b.accessibleName()!r}")
    return breaks


def test_tab_reaches_every_control_of_every_screen_in_reading_order(window, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=2000)
    problems = {}
    for key in SCREENS:
        page = show_screen(window, key)
        wanted = [w for w in interactive_widgets(page)
                  if w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus]
        if not wanted:
            continue
        wanted[0].setFocus(Qt.FocusReason.TabFocusReason)
        chain = [wanted[0]]
        for _ in range(3 * len(wanted) + 20):
            press(Qt.Key.Key_Tab)
            w = QApplication.focusWidget()
            if w is chain[0]:
                break
            chain.append(w)
        on_page = [w for w in chain if page.isAncestorOf(w)]
        stops = {_stop(w) for w in chain}
        missed = [f"{type(w).__name__} {w.accessibleName()!r}" for w in wanted
                  if _stop(w) not in stops]
        breaks = _reading_order_breaks(on_page)
        groups: dict[object, list[QAbstractButton]] = {}
        for w in wanted:
            if _stop(w) is not w:
                groups.setdefault(_stop(w), []).append(w)
        by_arrows = [name for members in groups.values() if len(members) > 1
                     for name in _arrow_misses(members)]
        if missed or breaks or by_arrows:
            problems[key] = {"not reached": missed, "out of reading order": breaks,
                             "not reached by the arrow keys": by_arrows}
    assert problems == {}, "\n".join(f"{k}: {v}" for k, v in problems.items())
