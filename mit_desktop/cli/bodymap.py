"""``mit-desktop bodymap …`` commands.

``register(subparsers)`` adds ``bodymap from-embody CSV [--signed-csv OUT.csv]
[--png OUT.png]``. Each leaf parser sets ``func``: a callable taking the parsed
``argparse.Namespace`` and returning the exit code (0 ok, 1 invalid input,
2 usage). :func:`export_body_map` is for ``bodymap export ID``, which loads a map
from the history store first.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from mit_desktop.bodymap.embody_csv import EmbodyFormatError, body_map_from_embody, read_embody_csv
from mit_desktop.bodymap.export import write_outputs
from mit_desktop.bodymap.model import BodyMap
from mit_desktop.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE

log = logging.getLogger(__name__)


def _error(message: str) -> None:
    print(f"mit-desktop bodymap: {message}", file=sys.stderr)


def export_body_map(body_map: BodyMap, embody: str | Path | None = None,
                    png: str | Path | None = None, signed_csv: str | Path | None = None) -> int:
    """Write the requested exports of ``body_map``; returns an exit code.

    ``embody``: emBODY-format CSV; ``png``: picture with a scale bar; ``signed_csv``:
    the signed map as 522 rows of 171 numbers. With no output requested the exit
    code is 2 (usage); a file that cannot be written gives 1. Messages go to
    stderr, the written paths to stdout.
    """
    if embody is None and png is None and signed_csv is None:
        _error("nothing to export: give --embody, --png and/or --signed-csv")
        return EXIT_USAGE
    try:
        written = write_outputs(body_map, embody=embody, png=png, signed_csv=signed_csv)
    except OSError as exc:
        _error(f"cannot write {exc.filename or 'the output'}: {exc.strerror or exc}")
        return EXIT_INVALID
    for path in written:
        print(f"wrote {path}")
    return EXIT_OK


def _from_embody(args: argparse.Namespace) -> int:
    try:
        recording = read_embody_csv(args.csv)
    except FileNotFoundError:
        _error(f"{args.csv}: no such file")
        return EXIT_INVALID
    except IsADirectoryError:
        _error(f"{args.csv}: is a folder, not an emBODY CSV file")
        return EXIT_INVALID
    except OSError as exc:
        _error(f"{args.csv}: cannot read ({exc.strerror or exc})")
        return EXIT_INVALID
    except EmbodyFormatError as exc:
        _error(f"{args.csv}: not an emBODY CSV file: {exc}")
        return EXIT_INVALID
    body_map = body_map_from_embody(recording)
    if args.signed_csv is None and args.png is None:
        signed = body_map.signed_map()
        print(f"{len(recording.paint)} painted points in {len(body_map.strokes)} strokes; "
              f"map range {signed.min():.4g} to {signed.max():.4g}")
        return EXIT_OK
    return export_body_map(body_map, png=args.png, signed_csv=args.signed_csv)


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``bodymap`` command group to an argparse subparsers object."""
    parser = subparsers.add_parser("bodymap", help="body maps of emotion (emBODY format)",
                                   description="Body maps of emotion.")
    commands = parser.add_subparsers(dest="bodymap_command", metavar="COMMAND")
    commands.required = True
    conv = commands.add_parser(
        "from-embody", help="compute the signed map of an emBODY CSV file",
        description="Read an emBODY CSV (four blocks time_ms,x,y separated by -1,-1,-1) "
                    "and compute its unmasked signed 522 × 171 map as embody_demo.m does.")
    conv.add_argument("csv", type=Path, metavar="CSV", help="emBODY CSV file")
    conv.add_argument("--signed-csv", type=Path, metavar="OUT.csv",
                      help="write the signed map: 522 rows of 171 comma-separated numbers")
    conv.add_argument("--png", type=Path, metavar="OUT.png",
                      help="write a picture of the map with a scale bar")
    conv.set_defaults(func=_from_embody)

    exp = commands.add_parser(
        "export", help="export a stored body map",
        description="Export a body map kept in the practice history (its number is shown "
                    "in the history view and in 'mit-desktop history export').")
    exp.add_argument("id", type=int, metavar="ID", help="the body map's number")
    exp.add_argument("--profile", metavar="NAME", help="the profile (needed when there are several)")
    exp.add_argument("--embody", type=Path, metavar="OUT.csv", help="emBODY-format CSV")
    exp.add_argument("--png", type=Path, metavar="OUT.png", help="a picture with a scale bar")
    exp.add_argument("--signed-csv", type=Path, metavar="OUT.csv", help="the signed 522 × 171 map")
    exp.set_defaults(func=_export_stored)
    return parser


def _export_stored(args: argparse.Namespace) -> int:
    """Load map `args.id` from the history store (Qt-free) and export it."""
    from mit_desktop.bodymap.serialize import BodyMapFormatError, from_bytes
    from mit_desktop.history.errors import HistoryError
    from mit_desktop.history.store import HistoryStore

    try:
        with HistoryStore.open_for_reading() as store:
            if args.profile is not None:
                profile = store.profile_by_name(args.profile)
            else:
                profiles = store.list_profiles()
                if len(profiles) != 1:
                    names = ", ".join(p.name for p in profiles) or "none yet"
                    _error(f"choose the profile with --profile NAME (profiles: {names})")
                    return EXIT_INVALID
                profile = profiles[0]
            record = store.get_body_map(args.id, profile.id)
        body_map = from_bytes(record.data)
    except (HistoryError, BodyMapFormatError) as exc:
        _error(str(exc))
        return EXIT_INVALID
    return export_body_map(body_map, embody=args.embody, png=args.png, signed_csv=args.signed_csv)


def main(argv: list[str] | None = None) -> int:
    """Run the bodymap commands alone (``python -m mit_desktop.cli.bodymap``)."""
    parser = argparse.ArgumentParser(prog="mit-desktop")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    register(sub)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for usage errors, 0 for --help
        return int(exc.code or 0)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
