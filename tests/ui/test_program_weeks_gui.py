"""The program paced by weeks, in the window: a start date set on Today or in Settings,
this week's module offered all week, a module a therapist assigns to a week."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt
from PySide6.QtTest import QTest


def _today() -> dt.date:
    return (dt.datetime.now().astimezone() - dt.timedelta(hours=3)).date()  # 03:00 boundary


def test_start_the_program_today_from_the_today_page(window, qtbot, store) -> None:
    today = window.today
    assert today.plan_button.isVisible()  # no start date yet: program order, and the offer
    QTest.mouseClick(today.plan_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.program_plan(window.ctx.profile_id).start_day == _today(),
                    timeout=2000)
    qtbot.waitUntil(lambda: today.data.offer.kind == "week", timeout=2000)
    assert not today.plan_button.isVisible()
    assert today.next_title.text() == "Stretching and Breathing"
    assert today.next_reason.text().startswith("Week 1 of 4 (")
    assert "this week's practice" in today.next_reason.text()


def test_the_week_decides_and_the_module_repeats_through_it(window, qtbot, store) -> None:
    pid = window.ctx.profile_id
    store.set_program_start(pid, _today() - dt.timedelta(days=9))  # week 2: Nesting Doll
    for _ in range(2):
        practice = store.start_practice(pid, "nesting-doll", "h", "hands-free")
        store.finish_practice(practice, True, 20 * 60_000, 20 * 60_000)
    window.today.refresh()
    today = window.today
    assert today.next_title.text() == "Nesting Doll"
    assert today.next_reason.text().startswith("Week 2 of 4 (")
    assert "You have practiced it 2 times this week" in today.next_reason.text()
    assert today.week_text.text().startswith("2 of about 5 full practices this week.")


def test_settings_set_the_start_and_a_therapist_assigns_a_module(window, qtbot, store) -> None:
    pid = window.ctx.profile_id
    window.show_page("settings")
    program = window.settings.program
    qtbot.waitUntil(lambda: program.plan is not None, timeout=2000)
    assert program.status.text().startswith("No start date")
    start = _today() - dt.timedelta(days=14)  # week 3
    program.start.setDate(QDate(start.year, start.month, start.day))
    QTest.mouseClick(program.set_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.program_plan(pid).start_day == start, timeout=2000)
    qtbot.waitUntil(lambda: program.status.text().startswith("Today is in week 3 of 4"),
                    timeout=2000)
    assert program.week.value() == 3
    assert program.module.itemText(0) == "The program's practice"
    assert program.program_label.text() == "The program's practice for week 3: Situation Solver."
    program.module.setCurrentIndex(program.module.findData("eye-center"))
    program.module.activated.emit(program.module.currentIndex())
    qtbot.waitUntil(lambda: store.program_plan(pid).assignments == {3: "eye-center"},
                    timeout=2000)
    window.show_page("today")
    qtbot.waitUntil(lambda: window.today.next_title.text() == "Eye in the Center", timeout=2000)
    assert "Your therapist chose this practice for this week" in window.today.next_reason.text()
    window.show_page("settings")
    qtbot.waitUntil(lambda: program.module.currentData() == "eye-center", timeout=2000)
    program.module.setCurrentIndex(0)  # back to the program's own
    program.module.activated.emit(0)
    qtbot.waitUntil(lambda: store.program_plan(pid).assignments == {}, timeout=2000)
    QTest.mouseClick(program.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.program_plan(pid).start_day is None, timeout=2000)


def test_a_therapist_changes_when_a_questionnaire_is_offered(window, qtbot, store) -> None:
    from mit_desktop.history.measures import MeasureSchedule

    window.show_page("settings")
    program = window.settings.program
    qtbot.waitUntil(lambda: program.plan is not None, timeout=2000)
    program.instrument.setCurrentIndex(program.instrument.findData("scs_sf"))
    assert program.at_start.isChecked() and program.at_end.isChecked()
    assert program.every_weeks.value() == 0  # the default: start and end only
    program.every_weeks.setValue(2)
    program.at_start.setChecked(False)
    pid = window.ctx.profile_id
    qtbot.waitUntil(lambda: store.measure_schedules(pid).get("scs_sf")
                    == MeasureSchedule("scs_sf", False, 2, True), timeout=2000)
    assert program.every_weeks.accessibleName()
    # and Today no longer offers the SCS-SF at the start (in week 1 of the program)
    store.set_program_start(pid, window.today.data.week.today)
    window.show_page("today")
    assert [d.instrument for d in window.today.data.due] == ["phq9", "gad7", "who5"]
