"""`mit-desktop play`: the terminal front end of the player.

Shows elapsed and remaining time, the section and the sentence being spoken.
In interactive mode it prints each reflection prompt and waits for Enter on
standard input (end of input counts as Enter). Exit 0 at the end, 1 if part of
the session could not be prepared, 130 on Ctrl-C (the player stops cleanly).
"""

from __future__ import annotations

import argparse
import logging
import queue
import signal
import sys
from typing import Any, TextIO

from mit_desktop.playback import events as ev
from mit_desktop.playback.messages import clock

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED = 0, 1
EXIT_INTERRUPTED = 128 + signal.SIGINT


class Display:
    """Writes the player's state to a terminal (one refreshed line) or to a log of lines."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.tty = out.isatty()
        self.section = ""
        self.caption = ""
        self._last_line = ""

    def _print(self, text: str) -> None:
        if self.tty and self._last_line:
            self.out.write("\r\033[K")
            self._last_line = ""
        self.out.write(text + "\n")
        self.out.flush()

    def position(self, p: ev.Position) -> None:
        if not self.tty:
            return
        if p.duration_ms is None:
            remaining = "-?:??"
        else:  # rounded up, so elapsed + remaining adds up to the length
            remaining = f"-{clock(p.duration_ms - p.position_ms + 999)}"
        line = f"{clock(p.position_ms)} {remaining}  {self.section}  {self.caption}"
        width = 100
        line = line[:width]
        if line != self._last_line:
            self.out.write("\r\033[K" + line)
            self.out.flush()
            self._last_line = line

    def on_section(self, s: ev.SectionEntered) -> None:
        self.section = s.title
        if not self.tty:
            self._print(f"[{clock(s.start_ms)}] == {s.title} ==")

    def on_caption(self, c: ev.Caption) -> None:
        self.caption = c.text
        if not self.tty:
            self._print(f"[{clock(c.start_ms)}] {c.text}")

    def message(self, text: str) -> None:
        self._print(text)


def register(subparsers: Any) -> None:
    """Add the `play` command to the main parser's subcommands."""
    from mit_desktop.cli import _add_listening_options

    p = subparsers.add_parser(
        "play", help="play a session (interactive mode waits at each reflection)"
    )
    p.add_argument("path", metavar="PATH|SESSION_ID")
    _add_listening_options(p)
    p.add_argument(
        "--backend",
        metavar="NAME",
        help="simpleaudio (default), alsa, null, or file:PATH; or set MIT_AUDIO_BACKEND",
    )
    p.add_argument("--start", metavar="TIME", help="start at this time, e.g. 4:30")
    from mit_desktop.history import play_cli as play_history  # --profile, --resume, --no-history

    play_history.add_options(p)
    p.set_defaults(func=cmd_play)


def cmd_play(args: argparse.Namespace) -> int:
    from mit_desktop.cli import _settings, find_session_for
    from mit_desktop.playback.backends import create_backend
    from mit_desktop.playback.player import Player
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.durations import parse_clip_time_ms

    start_ms = parse_clip_time_ms(args.start) if args.start else 0
    session = find_session_for(args)
    settings = _settings(args)
    backend = create_backend(args.backend)
    player = Player(Engine(), backend, fallback="null")
    from mit_desktop.history import (
        play_cli as play_history,  # records the practice, as the GUI does
    )

    recording = play_history.start(args, player)
    if recording is None:
        return EXIT_FAILED
    display = Display(sys.stdout)
    inbox: queue.Queue[tuple[str, Any]] = queue.Queue()

    player.events.position.connect(display.position)
    player.events.section.connect(display.on_section)
    player.events.caption.connect(display.on_caption)
    player.events.reflection.connect(lambda r: inbox.put(("reflection", r)))
    player.events.finished.connect(lambda f: inbox.put(("finished", f)))
    player.events.error.connect(lambda e: inbox.put(("error", e)))
    player.events.backend_changed.connect(
        lambda b: log.info("audio backend: %s (%s)", b.name, b.reason)
    )

    display.message(f"{session.title} ({settings.mode}); Ctrl-C stops.")
    try:
        if not play_history.open_or_fail(recording, session, settings, start_ms):
            return EXIT_FAILED
        player.play()
        while True:
            try:
                kind, item = inbox.get(timeout=0.25)
            except queue.Empty:
                continue
            if kind == "finished":
                display.message(f"Finished ({clock(item.position_ms)}).")
                return EXIT_OK
            if kind == "reflection":
                _reflection(display, item, player)
            elif kind == "error":
                sys.stderr.write(f"mit-desktop: {item.message}\n")
                sys.stderr.flush()
                if item.kind != "device":
                    return EXIT_FAILED
    except KeyboardInterrupt:
        player.stop()
        player.wait_state((ev.STOPPED, ev.FINISHED), 2.0)
        sys.stderr.write(f"\nstopped at {clock(player.position_ms)}\n")
        return EXIT_INTERRUPTED
    finally:
        player.close()
        recording.close()


def _reflection(display: Display, r: ev.ReflectionReached, player: Any) -> None:
    display.message(f"[{clock(r.position_ms)}] Reflection: {r.prompt}")
    if "rating" in r.inputs and r.scale is not None:
        display.message(f"  Rating: {r.scale.question} (0 = {r.scale.low}, 10 = {r.scale.high})")
    if not r.waiting:
        return
    display.message("Press Enter to continue...")
    line = sys.stdin.readline()
    if not line:
        log.info("end of input: continuing")
    player.continue_()
