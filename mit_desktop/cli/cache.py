"""``mit-desktop cache [--clear] [--limit-mb N]``: how much room prepared speech and decoded
recordings take, the limit the program keeps them under, and clearing them."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from mit_desktop.cli.common import EXIT_INVALID, EXIT_OK


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``cache`` to the top-level `subparsers`."""
    parser = subparsers.add_parser(
        "cache", help="show or clear the prepared speech and decoded recordings",
        description="Prepared speech and decoded recordings are kept so a practice starts at "
                    "once and sounds the same each time. The program keeps them under a size "
                    "limit, removing what was not heard longest, never the next practice.")
    parser.add_argument("--clear", action="store_true",
                        help="remove all of it (it is made again when needed)")
    parser.add_argument("--limit-mb", type=int, metavar="N",
                        help="keep the cache under N megabytes (at least 100)")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from mit_desktop import paths
    from mit_desktop.render import cache_limit as cl

    folder = paths.cache_dir()
    if args.limit_mb is not None:
        if args.limit_mb < cl.MIN_LIMIT_MB:
            print(f"mit-desktop cache: the limit must be at least {cl.MIN_LIMIT_MB} MB.",
                  file=sys.stderr)
            return EXIT_INVALID
        try:
            kept = cl.save_limit_mb(args.limit_mb)
        except OSError as exc:
            print(f"mit-desktop cache: the limit could not be saved ({exc.strerror}).",
                  file=sys.stderr)
            return EXIT_INVALID
        print(f"limit set to {kept:,} MB (the program keeps to it the next time it prepares "
              "a practice)")
    if args.clear:
        freed = cl.clear_cache(folder)
        print(f"cleared {cl.describe_mb(freed)}")
    usage = cl.cache_usage(folder)
    print(f"{folder}")
    print(f"  speech      {cl.describe_mb(usage.speech_bytes):>9}")
    print(f"  recordings  {cl.describe_mb(usage.clips_bytes):>9}")
    print(f"  sounds      {cl.describe_mb(usage.sounds_bytes + usage.other_bytes):>9}")
    print(f"  total       {cl.describe_mb(usage.total_bytes):>9} of {cl.load_limit_mb():,} MB")
    return EXIT_OK
