"""`mit-desktop play`: the terminal front end of the player.

Shows the session's safety note first, then elapsed and remaining time, the
section and the sentence being spoken. In interactive mode it prints each
reflection prompt and waits for Enter on standard input (end of input counts as
Enter). ``q`` (a key on a terminal, or a line ``q``) or Ctrl-C stops at once and
prints the grounding steps and the crisis numbers for where the listener lives
(every listed region's, if the profile does not say). Exit 0 at the end or after
``q``, 1 if part of the session could not be prepared, 130 on Ctrl-C (the player
stops cleanly).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import queue
import sys
import threading
from collections.abc import Iterator
from typing import Any, TextIO

from mit_desktop.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    add_listening_options,
    find_session_for,
    listening_settings,
)
from mit_desktop.cli.common import EXIT_INVALID as EXIT_FAILED
from mit_desktop.playback import events as ev
from mit_desktop.playback.messages import clock

log = logging.getLogger(__name__)



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


class Keys:
    """The listener's input, as ``("key", char)`` / ``("line", text)`` / ``("eof", None)`` items
    in `inbox`: single keys on a terminal (cbreak mode, restored on exit), lines otherwise."""

    def __init__(self, inbox: queue.Queue[tuple[str, Any]], stream: TextIO) -> None:
        self.inbox = inbox
        self.stream = stream

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        try:
            fd = self.stream.fileno()
            tty = os.isatty(fd)
        except (OSError, ValueError):
            fd, tty = -1, False
        saved = None
        if tty:
            import termios
            import tty as tty_mod

            try:
                saved = termios.tcgetattr(fd)
                tty_mod.setcbreak(fd)
            except termios.error:
                tty = False
        target = self._keys if tty else self._lines
        threading.Thread(target=target, args=(fd,), name="play-keys", daemon=True).start()
        try:
            yield
        finally:
            if saved is not None:
                import termios

                termios.tcsetattr(fd, termios.TCSADRAIN, saved)

    def _keys(self, fd: int) -> None:
        while True:
            try:
                data = os.read(fd, 1)
            except OSError:
                data = b""
            if not data:
                self.inbox.put(("eof", None))
                return
            self.inbox.put(("key", data.decode("utf-8", "replace")))

    def _lines(self, _fd: int) -> None:
        try:
            for line in self.stream:
                self.inbox.put(("line", line.strip()))
        except (OSError, ValueError):
            pass
        self.inbox.put(("eof", None))


def _is_stop(kind: str, item: Any) -> bool:
    return (kind == "key" and item in ("q", "Q")) or (kind == "line" and item.lower() == "q")


def _is_enter(kind: str, item: Any) -> bool:
    return (kind == "key" and item in ("\n", "\r")) or (kind == "line" and item.lower() != "q")


def help_text(region_code: str | None, known: bool) -> str:
    """The grounding steps and the crisis numbers, as plain text for the terminal.

    `known`: whether the profile says where the listener lives (else every listed
    region's numbers are shown; the region is never guessed).
    """
    from mit_desktop.content.crisis import find_region, help_lines
    from mit_desktop.content.program import load_safety_text, plain_text

    grounding = plain_text(load_safety_text("stop_screen").markdown)
    region = find_region(region_code) if known else None
    if known and region is None:  # "Somewhere else"
        from mit_desktop.content.crisis import load_crisis_resources

        region = load_crisis_resources()[-1]
    lines = help_lines(region)
    hint = ("" if known else "\nSay where you live with: mit-desktop history region CODE "
            "(for example GB), so that only its numbers are shown.")
    return f"{grounding}\n\n" + "\n".join(lines) + hint


def register(subparsers: Any) -> None:
    """Add the `play` command to the main parser's subcommands."""

    p = subparsers.add_parser(
        "play", help="play a session (interactive mode waits at each reflection)"
    )
    p.add_argument("path", metavar="PATH|SESSION_ID")
    add_listening_options(p)
    p.add_argument(
        "--backend",
        metavar="NAME",
        help="stream (default: one continuous stream to the sound device), null, or "
        "file:PATH; or set MIT_AUDIO_BACKEND",
    )
    p.add_argument(
        "--device",
        metavar="NAME",
        help="the sound device to play on (a name from `mit-desktop devices`; "
        "default: the system's default)",
    )
    p.add_argument("--start", metavar="TIME", help="start at this time, e.g. 4:30")
    from mit_desktop.cli import play_history  # --profile, --resume, --no-history

    play_history.add_options(p)
    p.set_defaults(func=cmd_play)
    d = subparsers.add_parser("devices", help="list the sound devices `play --device` can use")
    d.add_argument("--test", metavar="NAME", nargs="?", const="",
                   help="play a short chime on NAME (or the system default) to check it")
    d.set_defaults(func=cmd_devices)


def cmd_devices(args: argparse.Namespace) -> int:
    from mit_desktop.playback.messages import device_message
    from mit_desktop.playback.output import BackendError, list_output_devices, play_test_sound

    try:
        devices = list_output_devices()
    except BackendError as exc:
        sys.stderr.write(f"mit-desktop: {exc.detail}\n")
        return EXIT_FAILED
    if not devices:
        print("No sound device was found on this computer.")
    for device in devices:
        mark = "  (system default)" if device.is_default else ""
        if device.label:  # a sound server's output: its description, then the name to use
            print(f"{device.label}  (--device {device.name}){mark}")
        else:
            print(f"{device.name}  [{device.host_api}]{mark}")
    if args.test is None:
        return EXIT_OK
    try:
        used = play_test_sound(args.test or None)
    except BackendError as exc:
        message = device_message(exc, 0, continuing=False).split(". Playback")[0]
        sys.stderr.write(f"mit-desktop: {message}.\n")
        log.info("test sound failed: %s", exc.detail)
        return EXIT_FAILED
    print(f"Played a test sound on {used or 'the system default'}.")
    return EXIT_OK


def cmd_play(args: argparse.Namespace) -> int:
    from mit_desktop.playback.output import create_backend
    from mit_desktop.playback.player import Player
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.durations import parse_clip_time_ms

    start_ms = parse_clip_time_ms(args.start) if args.start else 0
    session = find_session_for(args)
    settings = listening_settings(args)
    backend = create_backend(args.backend, device=args.device)
    player = Player(Engine(), backend, fallback="null")
    from mit_desktop.cli import (
        play_history,  # records the practice, as the GUI does
    )
    from mit_desktop.render import speech as speech_mod

    def note(text: str) -> None:
        sys.stderr.write(f"mit-desktop: note: {text}\n")
        sys.stderr.flush()

    speech_mod.on_cache_problem(note)
    recording = play_history.start(args, player)
    if recording is None:
        return EXIT_FAILED
    words = recording.variables()  # the profile's name for the person cared for, …
    if words:
        import dataclasses
        from types import MappingProxyType

        settings = dataclasses.replace(
            settings, variables=MappingProxyType({**words, **settings.variables}))
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

    region, known = recording.region()
    trains = recording.first_time_training(session)
    if trains:
        display.message(f"What this practice trains: {trains}")
    if session.safety:
        display.message(f"Before you begin: {session.safety}")
    display.message(f"{session.title} ({settings.mode}); q or Ctrl-C stops.")
    waiting = ended_input = False

    def stopped(code: int) -> int:
        player.stop()
        player.wait_state((ev.STOPPED, ev.FINISHED), 2.0)
        sys.stderr.write(f"\nstopped at {clock(player.position_ms)}\n")
        sys.stderr.flush()
        display.message(help_text(region, known))
        return code

    try:
        with Keys(inbox, sys.stdin).reading():
            if not play_history.open_or_fail(recording, session, settings, start_ms):
                return EXIT_FAILED
            player.play()
            while True:
                try:
                    kind, item = inbox.get(timeout=0.25)
                except queue.Empty:
                    continue
                if _is_stop(kind, item):
                    return stopped(EXIT_OK)
                if kind == "eof":
                    ended_input = True
                if waiting and (kind == "eof" or _is_enter(kind, item)):
                    waiting = False
                    if kind == "eof":
                        log.info("end of input: continuing")
                    player.continue_()
                if kind == "finished":
                    display.message(f"Finished ({clock(item.position_ms)}).")
                    return EXIT_OK
                if kind == "reflection":
                    _reflection(display, item)
                    if item.waiting:
                        if ended_input:
                            player.continue_()
                        else:
                            waiting = True
                elif kind == "error":
                    sys.stderr.write(f"mit-desktop: {item.message}\n")
                    sys.stderr.flush()
                    if item.kind != "device":
                        return EXIT_FAILED
    except KeyboardInterrupt:
        return stopped(EXIT_INTERRUPTED)
    finally:
        player.close()
        recording.close()


def _reflection(display: Display, r: ev.ReflectionReached) -> None:
    display.message(f"[{clock(r.position_ms)}] Reflection: {r.prompt}")
    if "rating" in r.inputs and r.scale is not None:
        display.message(f"  Rating: {r.scale.question} (0 = {r.scale.low}, 10 = {r.scale.high})")
    if r.waiting:
        display.message("Press Enter to continue (q stops)...")
