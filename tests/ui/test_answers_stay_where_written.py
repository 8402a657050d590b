"""Every note, rating and body map is stored where it was entered: its own reflection, its own
practice, its own profile, and nowhere else.

Found by a therapist's walk: a note typed at a client's reflection was saved as the note of a
later body-map-only reflection in the profile "Me" (its diary, row, export and PDF), and saved
drafts were written again under unrelated later practices. These tests type into every kind of
reflection, move on through reflections of other kinds, stop, switch profile, quit and resume,
and compare every stored answer with what was entered where.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from test_practice_flow import RENDER_TIMEOUT_MS, paint_chest

from mit_desktop.playback import events as ev

KINDS_SCRIPT = """+++
id = "kinds"
title = "Every kind of reflection"
summary = "Four reflections: a note, a rating, a body map, and all three."
+++

# First

Breathe in.
[reflect 1s note: What word comes to you?]
Breathe out.
[reflect 1s rating: How calm are you, from zero, not at all, to ten, completely?]
Breathe in.
[reflect 1s body-map: Where in your body do you feel it?]
Breathe out.
[reflect 1s note rating body-map: What do you notice now?]
Rest.
"""

NOTE_ONLY, RATING_ONLY, MAP_ONLY, ALL_THREE = (f"reflection-{i}" for i in range(1, 5))


@pytest.fixture
def kinds_session(private_folders: Path) -> Path:
    folder = private_folders / "sessions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kinds.session.md"
    path.write_text(KINDS_SCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def open_window(qtbot, store, sync_tasks) -> Iterator[object]:
    """Opens windows over one store as the program does; closes every one at the end."""
    from PySide6.QtWidgets import QApplication

    from mit_desktop.ui.context import AppContext
    from mit_desktop.ui.main_window import MainWindow
    from mit_desktop.ui.state import load_state
    from mit_desktop.ui.theme import apply_theme

    made: list[tuple[object, object]] = []

    def make() -> object:
        apply_theme(QApplication.instance(), 100, False)
        ctx = AppContext(store, load_state())
        ctx.prefs.pacing = 0.25
        w = MainWindow(ctx)
        qtbot.addWidget(w)
        w.resize(1100, 900)
        w.show()
        qtbot.waitExposed(w)
        made.append((w, ctx))
        return w

    yield make
    for w, ctx in made:
        w.flow.shutdown()
        ctx.close()


def choose_profile(window, qtbot, name: str) -> int:
    """Choose a profile in the header's profile box, as a user does."""
    window.refresh_profiles()
    combo = window.profile_combo
    index = combo.findText(name)
    assert index >= 0, name
    combo.setCurrentIndex(index)
    combo.activated.emit(index)
    pid = int(combo.itemData(index))
    qtbot.waitUntil(lambda: window.ctx.profile_id == pid, timeout=5000)
    window.ctx.prefs.pacing = 0.25  # each profile keeps its own listening settings
    return pid


def start(window, qtbot, session: Path, resume=None) -> None:
    window.start_practice(str(session), resume)
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    if resume is None:
        QTest.mouseClick(window.checkin.interactive, Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)


def reach(window, qtbot, key: str) -> object:
    """Wait for the reflection page of ``key``; return the page."""
    page = window.reflection
    qtbot.waitUntil(lambda: window.current_page() is page and page.key == key,
                    timeout=RENDER_TIMEOUT_MS)
    assert window.ctx.player.state == ev.REFLECTION
    return page


def proceed(page) -> None:
    QTest.mouseClick(page.continue_button, Qt.MouseButton.LeftButton)


def answers(store, practice_id: int) -> dict[str, tuple[str, int | None, bool]]:
    """{key: (note, rating, has a body map)} of one practice."""
    return {r.reflection_key: (r.note, r.rating, r.body_map_id is not None)
            for r in store.reflections(practice_id)}


def all_drafts(store) -> list[tuple]:
    return store.conn.execute("SELECT practice_id, reflection_key, text FROM drafts").fetchall()


def test_each_kind_of_reflection_keeps_only_what_was_entered_on_it(
        open_window, qtbot, kinds_session: Path, store) -> None:
    window = open_window()
    pid = window.ctx.profile_id
    store.accept_notice(pid)
    window.ctx.reload_profile()
    start(window, qtbot, kinds_session)

    page = reach(window, qtbot, NOTE_ONLY)
    assert page.note.isVisible() and page.rating.isHidden() and page.body_map_widget is None
    QTest.keyClicks(page.note, "steady")
    practice_id = window.flow.practice_id
    proceed(page)

    page = reach(window, qtbot, RATING_ONLY)
    assert page.note.isHidden() and page.note.toPlainText() == ""  # nothing carried over
    QTest.mouseClick(page.rating.buttons[3], Qt.MouseButton.LeftButton)
    proceed(page)

    page = reach(window, qtbot, MAP_ONLY)
    assert page.note.toPlainText() == "" and page.rating.value() is None
    paint_chest(page.body_map_widget)
    proceed(page)

    page = reach(window, qtbot, ALL_THREE)
    assert page.note.toPlainText() == "" and page.rating.value() is None
    assert page.body_map_widget is not None and not page.body_map_widget.body_map().strokes
    QTest.keyClicks(page.note, "lighter")
    QTest.mouseClick(page.rating.buttons[8], Qt.MouseButton.LeftButton)
    paint_chest(page.body_map_widget)
    proceed(page)

    checkin = window.checkin
    qtbot.waitUntil(lambda: window.current_page() is checkin and checkin.phase == "after",
                    timeout=RENDER_TIMEOUT_MS)
    QTest.mouseClick(checkin.go_button, Qt.MouseButton.LeftButton)

    assert answers(store, practice_id) == {
        NOTE_ONLY: ("steady", None, False),
        RATING_ONLY: ("", 3, False),
        MAP_ONLY: ("", None, True),
        ALL_THREE: ("lighter", 8, True),
    }
    assert all_drafts(store) == []  # saved drafts are removed, and never written again


def test_a_clients_note_never_reaches_another_profile(open_window, qtbot, kinds_session: Path,
                                                      store) -> None:
    """The reported case: a note typed for a client, "I need to stop", switch to "Me",
    a body-map reflection there."""
    window = open_window()
    me = window.ctx.profile_id
    client = store.create_profile("Client AJ", "client")
    for profile in (me, client):
        store.accept_notice(profile)
        store.set_region(profile, "GB")
    choose_profile(window, qtbot, "Client AJ")
    start(window, qtbot, kinds_session)
    page = reach(window, qtbot, NOTE_ONLY)
    QTest.keyClicks(page.note, "CLIENT AJ PRIVATE NOTE")
    client_practice = window.flow.practice_id
    QTest.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert window.current_page() is window.stop_screen
    QTest.mouseClick(window.stop_screen.done_button, Qt.MouseButton.LeftButton)

    choose_profile(window, qtbot, "Me")
    start(window, qtbot, kinds_session)
    page = reach(window, qtbot, NOTE_ONLY)
    assert page.note.toPlainText() == ""
    my_practice = window.flow.practice_id
    proceed(page)  # nothing typed
    page = reach(window, qtbot, RATING_ONLY)
    proceed(page)
    page = reach(window, qtbot, MAP_ONLY)
    paint_chest(page.body_map_widget)
    proceed(page)
    page = reach(window, qtbot, ALL_THREE)
    assert page.note.toPlainText() == ""
    proceed(page)
    qtbot.waitUntil(lambda: window.current_page() is window.checkin, timeout=RENDER_TIMEOUT_MS)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)

    assert store.get_practice(client_practice).profile_id == client
    assert store.get_practice(my_practice).profile_id == me
    assert answers(store, client_practice) == {NOTE_ONLY: ("CLIENT AJ PRIVATE NOTE", None, False)}
    mine = answers(store, my_practice)
    assert mine == {NOTE_ONLY: ("", None, False), RATING_ONLY: ("", None, False),
                    MAP_ONLY: ("", None, True), ALL_THREE: ("", None, False)}
    assert all_drafts(store) == []
    from mit_desktop.history.export import collect, to_json

    assert "CLIENT" not in to_json(collect(store, me))
    assert "CLIENT AJ PRIVATE NOTE" in to_json(collect(store, client))


def test_quit_and_resume_brings_each_draft_back_to_its_own_reflection(
        open_window, qtbot, kinds_session: Path, store) -> None:
    window = open_window()
    me = window.ctx.profile_id
    client = store.create_profile("Client B", "client")
    for profile in (me, client):
        store.accept_notice(profile)
    choose_profile(window, qtbot, "Client B")
    start(window, qtbot, kinds_session)
    page = reach(window, qtbot, NOTE_ONLY)
    QTest.keyClicks(page.note, "first, for B")
    proceed(page)
    page = reach(window, qtbot, RATING_ONLY)
    QTest.mouseClick(page.rating.buttons[5], Qt.MouseButton.LeftButton)
    proceed(page)
    page = reach(window, qtbot, MAP_ONLY)
    paint_chest(page.body_map_widget)
    proceed(page)
    page = reach(window, qtbot, ALL_THREE)
    QTest.keyClicks(page.note, "half a thought for B")
    first_row = window.flow.practice_id
    window.close()  # quit mid-reflection: the practice stays open, the note kept as a draft
    assert store.drafts(first_row, profile_id=client) == {ALL_THREE: "half a thought for B"}
    assert store.drafts(first_row, profile_id=me) == {}  # never read across profiles

    store._open_here.clear()  # as a new process's store sees the practice it left open
    window = open_window()  # the program started again: it opens on Client B
    assert window.ctx.profile_id == client
    [interrupted] = store.interrupted_practices(client)
    assert store.interrupted_practices(me) == []
    start(window, qtbot, kinds_session, interrupted)
    assert window.checkin.mood.isHidden()  # the "before" answers are kept, not asked again
    page = reach(window, qtbot, ALL_THREE)
    assert page.note.toPlainText() == "half a thought for B"
    QTest.keyClicks(page.note, ", finished")
    QTest.mouseClick(page.rating.buttons[2], Qt.MouseButton.LeftButton)
    proceed(page)
    qtbot.waitUntil(lambda: window.current_page() is window.checkin, timeout=RENDER_TIMEOUT_MS)
    QTest.mouseClick(window.checkin.mood.buttons[6], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    second_row = window.flow.practice_id
    assert second_row != first_row and store.get_practice(second_row).resumed_from == first_row

    assert answers(store, first_row) == {NOTE_ONLY: ("first, for B", None, False),
                                         RATING_ONLY: ("", 5, False),
                                         MAP_ONLY: ("", None, True)}
    assert answers(store, second_row) == {ALL_THREE: ("half a thought for B, finished", 2,
                                                      False)}
    assert all_drafts(store) == []

    choose_profile(window, qtbot, "Me")
    start(window, qtbot, kinds_session)
    page = reach(window, qtbot, NOTE_ONLY)
    assert page.note.toPlainText() == ""
    proceed(page)
    assert store.list_practices(me)[0].profile_id == me
    mine = [r for p in store.list_practices(me) for r in store.reflections(p.id)]
    assert [(r.reflection_key, r.note) for r in mine] == [(NOTE_ONLY, "")]


def test_a_continued_practice_keeps_its_before_and_after_check_ins_together(
        open_window, qtbot, kinds_session: Path, store) -> None:
    window = open_window()
    pid = window.ctx.profile_id
    store.accept_notice(pid)
    window.ctx.reload_profile()
    window.start_practice(str(kinds_session))
    qtbot.waitUntil(lambda: window.checkin.go_button.isEnabled(), timeout=5000)
    QTest.mouseClick(window.checkin.interactive, Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.mood.buttons[2], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.stress.buttons[9], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    # a mood of 2 (and stress of 9) first offers some care; the listener goes on
    assert window.current_page() is window.support
    QTest.mouseClick(window.support.go_button, Qt.MouseButton.LeftButton)
    reach(window, qtbot, NOTE_ONLY)
    first_row = window.flow.practice_id
    window.close()

    store._open_here.clear()  # as a new process's store sees the practice it left open
    window = open_window()
    [interrupted] = store.interrupted_practices(pid)
    start(window, qtbot, kinds_session, interrupted)
    for key in (NOTE_ONLY, RATING_ONLY, MAP_ONLY, ALL_THREE):
        proceed(reach(window, qtbot, key))
    qtbot.waitUntil(lambda: window.current_page() is window.checkin, timeout=RENDER_TIMEOUT_MS)
    QTest.mouseClick(window.checkin.mood.buttons[7], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.stress.buttons[3], Qt.MouseButton.LeftButton)
    QTest.mouseClick(window.checkin.go_button, Qt.MouseButton.LeftButton)
    last_row = window.flow.practice_id

    assert store.check_ins(first_row) == []
    together = [(c.phase, c.mood, c.stress) for c in store.check_ins(last_row)]
    assert together == [("before", 2, 9), ("after", 7, 3)]
