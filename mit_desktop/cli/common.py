"""What every command shares: exit codes, the one-line error, the progress bar, the listening
options and finding the session a command names. Imports nothing heavy at module level."""

from __future__ import annotations

import argparse
import signal
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mit_desktop.session.model import Session
    from mit_desktop.session.timeline import ListeningSettings

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
"""0 done; 1 invalid input or a failure the message explains; 2 usage (argparse's own)."""
EXIT_INTERRUPTED = 128 + signal.SIGINT
"""Ctrl+C during ``play`` (the shell's convention)."""


class Progress:
    """A one-line progress bar on a terminal's stderr; silent when stderr is not a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        percent = min(100, done * 100 // total)
        if percent == self._last:
            return
        self._last = percent
        bar = "#" * (percent // 4)
        sys.stderr.write(f"\r{self.label:<18} [{bar:<25}] {percent:3d}%")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def error(message: str) -> int:
    """Print ``message`` as one line on stderr (``mit-desktop: …``); returns :data:`EXIT_INVALID`."""
    sys.stderr.write(f"mit-desktop: {message}\n")
    return EXIT_INVALID


def listening_settings(args: argparse.Namespace) -> ListeningSettings:
    """The listening settings the options of :func:`add_listening_options` ask for."""
    from mit_desktop.session.timeline import ListeningSettings

    kwargs: dict[str, Any] = {"mode": getattr(args, "mode", "hands-free")}
    if getattr(args, "voice", None):
        kwargs["voice"] = args.voice
    if getattr(args, "rate", None) is not None:
        kwargs["rate"] = args.rate
    if getattr(args, "pacing", None) is not None:
        kwargs["pacing"] = args.pacing
    if getattr(args, "path", None) != "quiet" and getattr(args, "ambience", None):
        kwargs["ambience"] = args.ambience
    if getattr(args, "voice_clarity", False):
        kwargs["voice_clarity"] = True
    return ListeningSettings(**kwargs)


def add_listening_options(p: argparse.ArgumentParser) -> None:
    """Mode, voice, rate and pacing; plus the quiet-practice settings (used when the session is `quiet`)."""
    p.add_argument("--mode", choices=("hands-free", "interactive"), default="hands-free")
    p.add_argument("--minutes", type=int, default=10, help="quiet practice: length in minutes")
    p.add_argument("--interval", metavar="DURATION", help="quiet practice: a bell every DURATION (e.g. 5m)")
    p.add_argument("--ambience", choices=("off", "stream", "rain", "ocean", "drone"),
                   help="background sound instead of the script's (for quiet practice: its only sound)")
    p.add_argument("--voice-clarity", action="store_true",
                   help="for hearing aids: background sound lower still, the voice's consonants "
                   "gently lifted")
    p.add_argument("--voice", help="voice id (see 'mit-desktop voices')")
    p.add_argument("--rate", type=float, help="how fast the voice says each word, 0.5-2 (default 0.75; "
                   "below 0.65 the stretched voice blurs)")
    p.add_argument("--pacing", type=float, help="multiplier for every pause: between phrases, "
                   "sentences and paragraphs, and the script's own (default 1.0)")


def find_session_for(args: argparse.Namespace) -> Session:
    """The session named by `args.path`: a script path, a library id, or `quiet` (made from settings)."""
    from mit_desktop.content.library import find_session
    from mit_desktop.content.quiet import QUIET_ID, QuietSettings, quiet_session
    from mit_desktop.session.durations import parse_duration_ms

    if args.path == QUIET_ID:
        interval = parse_duration_ms(args.interval) if getattr(args, "interval", None) else None
        bed = getattr(args, "ambience", None)
        return quiet_session(QuietSettings(minutes=args.minutes, interval_ms=interval,
                                           ambience=None if bed in (None, "off") else bed))
    return find_session(args.path)
