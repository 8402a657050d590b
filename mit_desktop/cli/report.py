"""``mit-desktop history report``: a client's report as PDF, from the command line.

This module imports no Qt at import time, so registering the command keeps
``mit-desktop`` quick and usable where Qt is missing; the handler loads Qt (the
offscreen platform unless a display is asked for) only when it runs.

Wiring, in ``mit_desktop/cli/main.py`` after ``cli.history.register`` returned the
``history`` parser::

    from mit_desktop.cli.report import register_report
    register_report(history_parser)

``python -m mit_desktop.cli.report --profile NAME --from DATE --to DATE -o OUT.pdf``
runs it on its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date like 2026-03-01 (year-month-day)") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The report's options."""
    parser.add_argument("--profile", metavar="NAME", required=True, help="whose report")
    parser.add_argument("--from", dest="first", metavar="DATE", type=_date, required=True,
                        help="first day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", metavar="DATE", type=_date, required=True,
                        help="last day, YYYY-MM-DD")
    parser.add_argument("-o", "--output", metavar="OUT.pdf", type=Path, required=True)
    parser.set_defaults(func=run)


def _subcommands(history_parser: argparse.ArgumentParser) -> Any:
    for action in history_parser._actions:  # argparse keeps no public accessor
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise ValueError("the history parser has no sub-commands")


def register_report(history_parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add ``report`` under ``history`` (the parser that ``cli.history.register`` returns)."""
    parser = _subcommands(history_parser).add_parser(
        "report", help="a practice report as PDF (for a therapist and client)",
        description="Write one profile's practice summary, mood and stress charts, "
                    "reflections and body maps for a date range to a PDF file.")
    add_arguments(parser)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the report; 0 on success, 1 with one line on stderr for a problem the user can fix."""
    from mit_desktop.history.errors import HistoryError
    from mit_desktop.history.store import HistoryStore

    if args.last < args.first:
        print("mit-desktop history report: --to is before --from.", file=sys.stderr)
        return 1
    if args.output.suffix.lower() != ".pdf":
        print("mit-desktop history report: the output file must end in .pdf.", file=sys.stderr)
        return 1
    from mit_desktop.ui.history.report import build_report, write_report_pdf
    from mit_desktop.ui.pdf_file import pdf_application

    app = pdf_application()
    try:
        with HistoryStore.open_for_reading() as store:
            profile = store.profile_by_name(args.profile)
            report = build_report(store, profile.id, args.first, args.last)
            path = write_report_pdf(report, args.output)
    except HistoryError as exc:
        print(f"mit-desktop history report: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"mit-desktop history report: {exc.strerror or exc}: {exc.filename or args.output}",
              file=sys.stderr)
        return 1
    del app
    print(f"{path}: {report.practices} practices, {len(report.reflections)} reflections")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command on its own (``python -m mit_desktop.cli.report``)."""
    parser = argparse.ArgumentParser(prog="mit-desktop history report")
    add_arguments(parser)
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
