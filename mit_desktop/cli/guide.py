"""``mit-desktop guide --week N [-o FILE.html|FILE.pdf] [--region CODE]``: the printable
facilitator guide of one program week.

This module imports no Qt at import time; an HTML guide (or one printed to the terminal)
needs none, and a PDF loads Qt (the offscreen platform unless a display is there) only
when it runs, as ``history report`` does.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``guide`` to the top-level `subparsers`."""
    parser = subparsers.add_parser(
        "guide", help="the printable facilitator guide of one program week (HTML or PDF)",
        description="A group leader's guide to one week of the program: the practice, what "
                    "it trains, timings, discussion prompts and the safety steps.")
    parser.add_argument("--week", type=int, required=True, metavar="N", help="program week")
    parser.add_argument("-o", "--output", type=Path, metavar="FILE",
                        help="FILE.html or FILE.pdf (default: HTML to standard output)")
    parser.add_argument("--region", metavar="CODE",
                        help="crisis numbers for this region (e.g. GB, US); default: every "
                             "listed region")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    """Write the guide; 0 on success, 1 with one line on stderr for a problem to fix."""
    from mit_desktop.content.datafiles import ProgramDataError
    from mit_desktop.content.facilitator_guide import build_guide, render_html
    from mit_desktop.fsutil import atomic_write_text
    from mit_desktop.session.errors import SessionError

    out: Path | None = args.output
    suffix = out.suffix.lower() if out else ".html"
    if suffix not in (".html", ".htm", ".pdf"):
        print("mit-desktop guide: the output file must end in .html or .pdf.", file=sys.stderr)
        return 1
    try:
        guide = build_guide(args.week, args.region)
        html_text = render_html(guide, dt.date.today())
        if out is None:
            sys.stdout.write(html_text)
            return 0
        if suffix == ".pdf":
            from mit_desktop.ui.guide_pdf import write_guide_pdf
            from mit_desktop.ui.pdf_file import pdf_application

            app = pdf_application()
            write_guide_pdf(html_text, f"Facilitator guide, week {guide.week}", out)
            del app
        else:
            atomic_write_text(out, html_text)
    except (ValueError, ProgramDataError, SessionError) as exc:
        print(f"mit-desktop guide: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"mit-desktop guide: {exc.strerror or exc}: {exc.filename or out}", file=sys.stderr)
        return 1
    print(f"{out}: week {guide.week}, {', '.join(p.title for p in guide.practices)}")
    return 0
