"""``mit-desktop program``: the start date, a therapist's module for a week, and what Today
offers, from the command line."""

from __future__ import annotations

import datetime as dt
import json

from mit_desktop.cli import main


def _today() -> dt.date:
    return (dt.datetime.now().astimezone() - dt.timedelta(hours=3)).date()


def test_start_assign_and_show(capsys) -> None:
    start = _today() - dt.timedelta(days=8)  # week 2
    assert main(["program", "start", start.isoformat(), "--profile", "Ann"]) == 0
    assert main(["program", "show", "--json"]) == 0
    capsys.readouterr()
    assert main(["program", "show", "--json"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["start_day"] == start.isoformat() and record["week"] == 2
    assert record["offer"] == {"kind": "week", "session_id": "nesting-doll",
                               "title": "Nesting Doll", "times_this_week": 0}
    assert main(["program", "assign", "--week", "2", "--module", "situation-solver"]) == 0
    assert main(["program", "show"]) == 0
    out = capsys.readouterr().out
    assert "today is in week 2 of 4" in out
    assert "Today offers: Situation Solver (assigned by the therapist" in out
    assert "0 of 5 full practices" in out
    assert main(["program", "assign", "--week", "2", "--module", "program"]) == 0
    assert main(["program", "start", "none"]) == 0
    capsys.readouterr()
    assert main(["program", "show"]) == 0
    assert "no start date" in capsys.readouterr().out


def test_mistakes_are_one_line_and_exit_1(capsys) -> None:
    assert main(["program", "start", "2026-13-01", "--profile", "Ann"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is not a date like 2026-03-02" in err
    assert main(["program", "assign", "--week", "1", "--module", "bam"]) == 1
    assert "BAM is on the Today page at all times" in capsys.readouterr().err
    assert main(["program", "assign", "--week", "0", "--module", "life-globe"]) == 1
    assert "program week" in capsys.readouterr().err
