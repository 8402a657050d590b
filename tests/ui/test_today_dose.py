"""Today counts full program practices towards the weekly aim and names the rest apart:
five 3-minute practices are never "the whole aim"."""

from __future__ import annotations

import datetime as dt

MIN = 60_000


def _today_ms() -> int:
    """Just after today's 03:00 day boundary (local): every practice here falls on today."""
    now = dt.datetime.now().astimezone()
    today = (now - dt.timedelta(hours=3)).date()
    return int(dt.datetime.combine(today, dt.time(3, 1), tzinfo=now.tzinfo).timestamp() * 1000)


def _practice(store, pid: int, session: str, started_ms: int, listened_ms: int) -> None:
    practice = store.start_practice(pid, session, "h", "hands-free", started_ms=started_ms)
    store.finish_practice(practice, True, listened_ms, listened_ms)


def test_five_short_practices_are_not_the_whole_aim(window, store) -> None:
    pid = window.ctx.profile_id
    for n in range(5):
        _practice(store, pid, "bam", _today_ms() + n * MIN, 3 * MIN)
    window.today.refresh()
    today = window.today
    text = today.week_text.text()
    assert "aim" not in text and "whole" not in text
    assert text.startswith("0 of about 5 full practices this week.")
    assert "5 quick resets (BAM)" in today.week_also.text()
    assert today.week_dots.text() == "○○○○○"
    assert "at least 15 minutes" in today.week_rule.text()


def test_five_full_practices_reach_the_aim_and_short_ones_stay_apart(window, store) -> None:
    pid = window.ctx.profile_id
    start = _today_ms()
    for n in range(5):
        _practice(store, pid, "nesting-doll", start + n * MIN, 20 * MIN)
    _practice(store, pid, "eye-center", start + 6 * MIN, 5 * MIN)
    window.today.refresh()
    today = window.today
    assert today.week_text.text().startswith("5 full practices this week: that is this "
                                             "week's aim.")
    assert today.week_also.text().startswith("Also this week: 1 shorter practice (under 15 "
                                             "minutes).")
    assert today.week_dots.text() == "●●●●●"
