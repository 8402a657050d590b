"""``mit-desktop record`` and ``mit-desktop pauses``: the recorder from a terminal.

- ``record --devices``: the microphones, as the window lists them;
- ``record OUT.wav [--device NAME] [--seconds S]``: one take (48 kHz mono WAV) until Enter
  (or S seconds); the level warnings are printed when they change;
- ``pauses TAKE.wav [--threshold DB] [--min-pause S] [--section-pause S] [-o LABELS.txt]``:
  the long silences of a take as proposed points, written as an Audacity label file that
  ``import-recording`` (or Audacity) reads.
"""

from __future__ import annotations

import argparse
import sys
import threading
from pathlib import Path
from typing import Any

from mit_desktop.cli.common import EXIT_INVALID, EXIT_OK, EXIT_USAGE, error

#: The longest wait for a microphone's first sound before --seconds start counting anyway.
START_WAIT_S = 5.0

WARNINGS = {"too-quiet": "too quiet: come closer to the microphone or speak up",
            "clipping": "clipping: too loud, the sound is distorted; move back a little",
            "ok": "level fine"}


def register(subparsers: Any) -> None:
    """Add ``record`` and ``pauses`` to the top-level `subparsers`."""
    p = subparsers.add_parser("record", help="record narration from a microphone",
                              description="Record one take from a microphone into a 48 kHz "
                                          "mono WAV file. Press Enter to stop.")
    p.add_argument("output", nargs="?", help="the WAV file to write")
    p.add_argument("--devices", action="store_true", help="list the microphones and stop")
    p.add_argument("--device", help="the microphone, by its name in --devices "
                                    "(default: the system's choice)")
    p.add_argument("--seconds", type=float, help="stop after this many seconds")
    p.set_defaults(func=cmd_record)
    from mit_desktop.recording import silences

    p = subparsers.add_parser("pauses", help="propose reflection points at a take's long pauses",
                              description="Find the long silences of a recording and propose a "
                                          "reflection point (or a section start, after a very "
                                          "long one) at each, as an Audacity label file.")
    p.add_argument("take", help="the recording")
    p.add_argument("--threshold", type=float, default=silences.DEFAULT_THRESHOLD_DBFS,
                   metavar="DB", help="quieter than this (dBFS) is silence "
                                      f"(default {silences.DEFAULT_THRESHOLD_DBFS:g})")
    p.add_argument("--min-pause", type=float, default=silences.DEFAULT_MIN_SILENCE_MS / 1000,
                   metavar="S", help="the shortest pause that proposes a point, in seconds "
                                     f"(default {silences.DEFAULT_MIN_SILENCE_MS / 1000:g})")
    p.add_argument("--section-pause", type=float,
                   default=silences.DEFAULT_SECTION_MIN_MS / 1000, metavar="S",
                   help="a pause this long starts a section instead, in seconds "
                        f"(default {silences.DEFAULT_SECTION_MIN_MS / 1000:g})")
    p.add_argument("-o", "--output", help="write the points as an Audacity label file")
    p.set_defaults(func=cmd_pauses)


def cmd_record(args: argparse.Namespace) -> int:
    from mit_desktop.playback.output import BackendError
    from mit_desktop.recording.capture import Capture, CaptureError
    from mit_desktop.recording.sources import list_input_devices

    if args.devices:
        try:
            devices = list_input_devices()
        except BackendError as exc:
            return error(str(exc))
        if not devices:
            return error("no microphone was found; plug one in (or switch it on)")
        for d in devices:
            print(f"{d.name}{'  (the system default)' if d.is_default else ''}"
                  f"{f'  {d.label}' if d.label else ''}")
        return EXIT_OK
    if not args.output:
        error("name the WAV file to record into (or use --devices)")
        return EXIT_USAGE
    out = Path(args.output)
    if out.suffix.lower() != ".wav":
        return error(f"the recording is a WAV file: give a name ending in .wav (got {out.name})")
    ended, started = threading.Event(), threading.Event()
    warning = ["ok"]

    def on_level(state: Any) -> None:
        started.set()
        if state.warning != warning[0]:
            warning[0] = state.warning
            print(f"  {WARNINGS.get(state.warning, state.warning)}", file=sys.stderr)

    capture = Capture(out, args.device, on_level=on_level, on_stopped=lambda _r: ended.set())
    try:
        capture.start()
    except CaptureError as exc:
        return error(str(exc))
    print("Recording… press Enter to stop." if args.seconds is None
          else f"Recording for {args.seconds:g} s…", file=sys.stderr)
    try:
        if args.seconds is not None:  # counted from the first sound the microphone gives
            started.wait(START_WAIT_S)
            ended.wait(args.seconds)
        else:
            def stop_on_enter() -> None:
                sys.stdin.readline()
                ended.set()

            waiter = threading.Thread(target=stop_on_enter, daemon=True)
            waiter.start()
            ended.wait()
    finally:
        result = capture.stop()
    if result.path is None:
        return error(result.device_lost or "nothing was recorded")
    print(f"{result.path}: {result.duration_ms / 1000:.1f} s, loudest peak "
          f"{result.max_peak_dbfs:.1f} dBFS")
    if result.device_lost:
        return error(result.device_lost)
    return EXIT_OK


def cmd_pauses(args: argparse.Namespace) -> int:
    import soundfile as sf

    from mit_desktop.fsutil import atomic_write_text, disk_message
    from mit_desktop.recording.silences import SECTION, find_silences, propose
    from mit_desktop.recording.whole_take import labels_text

    try:
        data, rate = sf.read(args.take, dtype="float32", always_2d=True)
    except (OSError, RuntimeError, sf.LibsndfileError) as exc:
        return error(f"{args.take}: this recording could not be read ({exc})")
    if not -120 < args.threshold < 0 or args.min_pause <= 0 or args.section_pause <= 0:
        return error("the threshold must be below 0 dBFS and the pauses longer than 0 s")
    proposals = propose(find_silences(data.mean(axis=1), rate, args.threshold,
                                      round(args.min_pause * 1000)),
                        round(args.section_pause * 1000))
    for p in proposals:
        kind = "section start" if p.kind == SECTION else "reflection point"
        assert p.silence is not None
        print(f"{p.at_ms / 1000:9.3f} s  {kind}  (pause of {p.silence.length_ms / 1000:.1f} s)")
    if not proposals:
        print("no pause long enough; try a lower --min-pause or another --threshold",
              file=sys.stderr)
        return EXIT_INVALID
    if args.output:
        try:
            atomic_write_text(Path(args.output), labels_text(proposals))
        except OSError as exc:
            return error(disk_message(exc, Path(args.output)))
        print(f"{args.output}: {len(proposals)} labels (mit-desktop import-recording "
              f"{args.take} --labels {args.output} -o NAME.session.md)")
    return EXIT_OK
