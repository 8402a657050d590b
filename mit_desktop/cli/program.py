"""``mit-desktop program``: the program paced by weeks from the command line.

- ``program show [--profile NAME] [--json]``: the start date, which week today is, what
  Today offers and why, this week's full practices against the aim, assigned modules.
- ``program start DATE|today|none [--profile NAME]``: set (or clear) the start date.
- ``program assign --week N --module ID|program [--profile NAME]``: a therapist's module
  for a week (``program``: back to the program's own).

Qt-free. Errors a user can cause are one line on stderr and exit code 1.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from typing import Any

from mit_desktop.history.program_plan import ASSIGNABLE_MODULES


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``program`` and its sub-commands to ``subparsers``."""
    program = subparsers.add_parser(
        "program", help="the program week by week: start date, this week's practice, "
                        "a therapist's module for a week",
        description="Follow the MIT program by calendar weeks from a start date.")
    commands = program.add_subparsers(dest="program_command", metavar="COMMAND")
    commands.required = True
    p = commands.add_parser("show", help="the start date, this week and what Today offers")
    p.add_argument("--profile", metavar="NAME", help="whose program (needed with several)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_guard(_cmd_show))
    p = commands.add_parser("start", help="set the day week 1 begins (or 'none' to clear it)")
    p.add_argument("date", metavar="DATE", help="YYYY-MM-DD, 'today', or 'none'")
    p.add_argument("--profile", metavar="NAME", help="whose program (needed with several)")
    p.set_defaults(func=_guard(_cmd_start))
    p = commands.add_parser("assign", help="choose the practice for a week (for therapists)")
    p.add_argument("--week", type=int, required=True, metavar="N", help="program week, 1 up")
    p.add_argument("--module", required=True, metavar="ID",
                   help=f"one of {', '.join(ASSIGNABLE_MODULES)}, or 'program' for the "
                        "program's own")
    p.add_argument("--profile", metavar="NAME", help="whose program (needed with several)")
    p.set_defaults(func=_guard(_cmd_assign))
    return program


def _guard(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``handler`` with the program's data errors as one line on stderr and exit code 1."""
    from mit_desktop.content.datafiles import ProgramDataError
    from mit_desktop.history.errors import HistoryError

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except (HistoryError, ProgramDataError) as exc:
            print(f"mit-desktop program: {exc}", file=sys.stderr)
            return 1

    return run


def _today(store: Any, profile_id: int) -> dt.date:
    from mit_desktop.history.timeutil import local_day_of

    settings = store.settings(profile_id)
    return local_day_of(dt.datetime.now().astimezone(), settings.day_boundary_min)


def _profile(store: Any, name: str | None) -> Any:
    from mit_desktop.practice.recorder import choose_profile

    return choose_profile(store, name)


def _cmd_start(args: argparse.Namespace) -> int:
    from mit_desktop.history import HistoryStore

    with HistoryStore.open() as store:
        profile = _profile(store, args.profile)
        text = args.date.strip().lower()
        if text == "none":
            day = None
        elif text == "today":
            day = _today(store, profile.id)
        else:
            try:
                day = dt.date.fromisoformat(text)
            except ValueError:
                print(f"mit-desktop program: {args.date!r} is not a date like 2026-03-02, "
                      "'today' or 'none'.", file=sys.stderr)
                return 1
        store.set_program_start(profile.id, day)
    print(f"{profile.name}: the program starts on {day.isoformat()}." if day else
          f"{profile.name}: no start date; Today offers the practices in program order.")
    return 0


def _cmd_assign(args: argparse.Namespace) -> int:
    from mit_desktop.history import HistoryStore

    module = None if args.module == "program" else args.module
    with HistoryStore.open() as store:
        profile = _profile(store, args.profile)
        store.assign_module(profile.id, args.week, module)
    print(f"{profile.name}: week {args.week} offers "
          f"{module if module else 'the program’s own practice'}.")
    return 0


def show_record(store: Any, profile: Any) -> dict[str, Any]:
    """What ``program show`` prints, as a JSON-ready dict."""
    from mit_desktop.content.program import load_program
    from mit_desktop.history.stats import week_progress
    from mit_desktop.practice.dose import dose_between, program_session_modules
    from mit_desktop.practice.program_weeks import today_offer

    program = load_program()
    settings = store.settings(profile.id)
    progress = week_progress(store, profile.id, dt.datetime.now().astimezone(), settings)
    offer = today_offer(store, profile.id, program, progress.today, settings)
    plan = store.program_plan(profile.id)
    first, last = ((offer.first_day, offer.last_day)
                   if offer.first_day is not None and offer.last_day is not None else
                   (progress.week_start, progress.week_start + dt.timedelta(days=6)))
    dose = dose_between(store, profile.id, first, last, program_session_modules(program),
                        settings)
    return {
        "profile": profile.name,
        "start_day": plan.start_day.isoformat() if plan.start_day else None,
        "today": progress.today.isoformat(),
        "week": offer.week,
        "weeks": program.weeks,
        "week_days": [first.isoformat(), last.isoformat()],
        "offer": {"kind": offer.kind, "session_id": offer.entry.id if offer.entry else None,
                  "title": offer.entry.title if offer.entry else None,
                  "times_this_week": offer.times_this_week},
        "assignments": {str(k): v for k, v in plan.assignments.items()},
        "dose": {"full": dose.full, "target": dose.target, "minimum": dose.minimum,
                 "partial": dose.partial, "bam": dose.bam, "quiet": dose.quiet,
                 "other": dose.other, "met_target": dose.met_target},
    }


def _cmd_show(args: argparse.Namespace) -> int:
    from mit_desktop.history import HistoryStore

    with HistoryStore.open_for_reading() as store:
        record = show_record(store, _profile(store, args.profile))
    if args.json:
        print(json.dumps(record, indent=2, ensure_ascii=False))
        return 0
    print(record["profile"])
    if record["start_day"] is None:
        print("  no start date: Today offers the practices in program order "
              "(mit-desktop program start DATE)")
    elif record["week"] == 0:
        print(f"  the program starts on {record['start_day']}")
    else:
        print(f"  started {record['start_day']}; today is in week {record['week']} of "
              f"{record['weeks']} ({record['week_days'][0]} to {record['week_days'][1]})")
    offer = record["offer"]
    why = {"no-plan": "next in program order", "before-start": "a preview of week 1",
           "week": "this week's practice", "assigned": "assigned by the therapist",
           "after": "the program's weeks are done; the one not done for longest"}
    if offer["title"]:
        print(f"  Today offers: {offer['title']} ({why[offer['kind']]}; practiced "
              f"{offer['times_this_week']} times this week)")
    dose = record["dose"]
    print(f"  this week: {dose['full']} of {dose['target']} full practices (a program practice "
          f"heard for 15 minutes or more); also {dose['partial']} shorter, {dose['bam']} BAM, "
          f"{dose['quiet']} quiet, {dose['other']} own")
    for week, module in record["assignments"].items():
        print(f"  week {week}: {module} (assigned)")
    return 0
