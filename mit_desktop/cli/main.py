# Over 400 lines: the parser of every command in one place, by design (one answer to "where is mit-desktop X?").
"""`mit-desktop …`: the command line. Exit 0 ok, 1 invalid input, 2 usage.

User errors print one clear message to stderr, never a traceback. With no
command, the desktop program starts.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mit_desktop.cli.common import (
    EXIT_INVALID,
    EXIT_OK,
    Progress,
    add_listening_options,
    error,
    find_session_for,
    listening_settings,
)

if TYPE_CHECKING:
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.model import Session
    from mit_desktop.session.timeline import Timeline

log = logging.getLogger(__name__)


# -- commands ------------------------------------------------------------------


def cmd_validate(args: argparse.Namespace) -> int:
    """Check each script; every problem as ``PATH:LINE[:COLUMN]: message`` on stderr."""
    failed = 0
    for name in args.paths:
        try:
            problems, session = _validate_one(name, args.strict)
        except Exception:  # a fault of ours: one line for the user, the details in the log (-v)
            log.info("checking %s failed", name, exc_info=True)
            problems, session = [f"{name}:1: {INTERNAL_FAULT}"], None
        if problems or session is None:  # no session: the problems say why
            print("\n".join(problems), file=sys.stderr)
            failed += 1
            continue
        print(f"{name}: ok ({session.title}, {len(session.reflections)} reflection points"
              f"{'; strict checks passed' if args.strict else ''})")
    return EXIT_INVALID if failed else EXIT_OK


INTERNAL_FAULT = ("this file could not be checked because of a fault in MIT Desktop, not in your "
                  "script; please report it (run with -v to see the details)")


def _validate_one(name: str, strict: bool) -> tuple[list[str], Session | None]:
    """The problems of one script (empty if none) and the parsed session (None if it did not parse).

    Every clip is decoded (into the same cache `render` and `play` use), so a clip that
    passes here plays; with its recordings' lengths the session must stay within
    MAX_SESSION_MS.
    """
    from mit_desktop.authoring.checks import session_problems
    from mit_desktop.session.errors import SessionError
    from mit_desktop.session.parser import parse_session

    try:
        session = parse_session(Path(name))
    except SessionError as exc:
        return [str(p) for p in exc.problems], None
    found, _clip_ms = session_problems(session, name)
    if found:
        return [f.text for f in found], session
    if strict:
        return _strict_problems(session, name), session
    return [], session


def _strict_problems(session: Session, name: str) -> list[str]:
    """The strict findings for one parsed script, as ``path:line: message`` lines.

    The eyes-closed check needs real speech lengths: the hands-free timeline is built
    with the render engine at the listener's default pace (speech is cached, as for play).
    The script editor's advice comes from the same function (authoring.checks).
    """
    from mit_desktop.authoring.checks import spoken_timeline, strict_findings

    timeline = spoken_timeline(session, Progress("preparing speech"))
    return [finding.text for finding in strict_findings(session, name, timeline)]


def _load_timeline(args: argparse.Namespace, label: str = "preparing speech"
                   ) -> tuple[Session, Engine, Timeline]:
    from mit_desktop.render.engine import Engine

    session = find_session_for(args)
    engine = Engine()
    timeline = engine.timeline(session, listening_settings(args), Progress(label))
    return session, engine, timeline


def cmd_timeline(args: argparse.Namespace) -> int:
    _session, _engine, timeline = _load_timeline(args)
    doc = timeline.to_json()
    if args.json:
        json.dump(doc, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return EXIT_OK
    from mit_desktop.session.durations import format_clock_ms

    print(f"{'time':>10}  {'sample':>10}  what (sample {doc['sample_rate']:,} Hz: the exact position)")
    for seg in doc["segments"]:
        text = f"  {seg.get('text', '')}" if seg["kind"] in ("speech", "reflection") else ""
        print(f"{format_clock_ms(seg['start_ms']):>10}  {seg['start_sample']:>10}  {seg['kind']:<10}{text}")
    print(f"duration {format_clock_ms(doc['duration_ms'])} ({doc['n_samples']} samples), "
          f"{len(doc['reflections'])} reflection points")
    return EXIT_OK


def cmd_render(args: argparse.Namespace) -> int:
    from mit_desktop.render.writer import output_format, write_audio

    output_format(Path(args.output))  # fail before minutes of synthesis
    _session, engine, timeline = _load_timeline(args)
    write_audio(engine.mixer(timeline), Path(args.output), Progress("rendering"))
    print(f"{args.output}: {timeline.duration_ms / 1000:.1f} s")
    return EXIT_OK


def cmd_analyze(args: argparse.Namespace) -> int:
    from mit_desktop.render.analysis import analyse

    _session, engine, timeline = _load_timeline(args)
    report = analyse(engine.mixer(timeline))
    if args.json:
        json.dump(report.to_json(), sys.stdout, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from mit_desktop.session.durations import format_clock_ms

    print(f"{report.session_id} ({report.mode}): {format_clock_ms(report.duration_ms)}, "
          f"{report.reflections} reflection points")
    print(f"  loudness {report.integrated_lufs:.1f} LUFS overall, {report.speech_lufs:.1f} LUFS while "
          f"speaking; peak {report.peak_dbfs:.1f} dBFS, "
          f"{report.clipped_samples} clipped samples")
    print(f"  speaking {format_clock_ms(report.speech_ms)} at {report.words_per_minute:.0f} words a minute "
          f"(phrase pauses included; fastest sentence {report.fastest_sentence_wpm:.0f}, "
          f"the voice alone {report.voice_wpm:.0f})")
    print(f"  longest silence {report.longest_silence_ms / 1000:.1f} s; longest drop-out inside speech "
          f"or a clip {report.longest_voice_dropout_ms / 1000:.2f} s")
    return EXIT_OK


def cmd_import_recording(args: argparse.Namespace) -> int:
    from mit_desktop.fsutil import disk_message
    from mit_desktop.recording.label_import import write_label_session

    audio, out = Path(args.audio), Path(args.output)
    if not out.name.endswith(".session.md"):
        return error(f"the output file name must end in .session.md (got {out.name})")
    # the recording is decoded (into the cache play uses), so a damaged recording is named
    # as such here, and its length is what plays, not a header's guess
    try:
        session = write_label_session(audio, Path(args.labels), out, 0o644)
    except OSError as exc:
        return error(disk_message(exc, out))
    print(f"{out}: {len(session.reflections)} reflection points, {len(session.clips)} clips")
    return EXIT_OK


def cmd_library_export(args: argparse.Namespace) -> int:
    """Write one of the user's own sessions with its recordings to one share file."""
    from mit_desktop.content.library import list_sessions
    from mit_desktop.content.session_bundle import BundleError, export_session

    entries, _errors = list_sessions()
    own = [e for e in entries if e.source == "user" and e.id == args.session_id]
    if not own:
        bundled = any(e.id == args.session_id for e in entries)
        if bundled:
            return error(f"'{args.session_id}' comes with MIT Desktop, so every copy already has "
                         "it; only sessions you made or imported can be shared")
        mine = ", ".join(e.id for e in entries if e.source == "user") or "none yet"
        return error(f"you have no session with id '{args.session_id}' (yours: {mine})")
    try:
        out = export_session(own[0].path, Path(args.output))
    except BundleError as exc:
        return error(str(exc))
    print(f"{out}: '{own[0].title}' with its recordings, ready to give to another MIT Desktop")
    return EXIT_OK


def cmd_library_import(args: argparse.Namespace) -> int:
    """Take a share file into the user's own sessions (never overwriting one)."""
    from mit_desktop.content.library import user_sessions_dir
    from mit_desktop.content.session_bundle import BundleError, import_bundle

    try:
        result = import_bundle(Path(args.file), user_sessions_dir())
    except BundleError as exc:
        return error(str(exc))
    except OSError as exc:
        from mit_desktop.fsutil import os_error_message

        return error(os_error_message(exc))
    if result.renamed_from:
        print(f"you already had a session '{result.renamed_from}'; this one was added beside it "
              f"as '{result.session_id}' ({result.title})")
    print(f"{result.path}: '{result.title}' is now in your library (id {result.session_id})")
    return EXIT_OK


def cmd_new_session(args: argparse.Namespace) -> int:
    """Write a new script with an MIT module's structure and safety lines, to fill in."""
    from mit_desktop.content.session_template import TemplateError, write_template

    try:
        session = write_template(args.template, Path(args.output), args.title)
    except TemplateError as exc:
        return error(str(exc))
    print(f"{args.output}: '{session.title}', {len(session.reflections)} reflection points; "
          "write your own words where it says '// Write here', then check it with "
          f"mit-desktop validate --strict {args.output}")
    return EXIT_OK


def cmd_library(args: argparse.Namespace) -> int:
    from mit_desktop.content.library import list_sessions

    if getattr(args, "library_func", None) is not None:
        return args.library_func(args)

    entries, errors = list_sessions()
    for problem in errors:
        print(problem, file=sys.stderr)
    if args.json:
        json.dump([e.to_json() for e in entries], sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for e in entries:
            minutes = f"{e.minutes:g} min" if e.minutes else ""
            print(f"{e.id:<20} {e.title:<28} {e.module or '':<18} {minutes}")
    return EXIT_OK


def cmd_voices(args: argparse.Namespace) -> int:
    from mit_desktop import paths
    from mit_desktop.render.voices import list_voices

    for voice in list_voices():
        print(f"{voice.id:<28} {voice.language:<8} {voice.sample_rate:>6} Hz  {voice.source}")
    print(f"(add Piper voices to {paths.voices_dir()})")
    return EXIT_OK


def cmd_gui(args: argparse.Namespace) -> int:
    from mit_desktop.app import run_gui

    return run_gui()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mit-desktop", description="MIT Desktop: guided practice "
                                     "for Mentalizing Imagery Therapy.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("validate", help="check session scripts and report every problem")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--strict", action="store_true",
                   help="also check what protects the listener: grounding in every eyes-closed "
                        "stretch over 5 minutes, a spoken question before every reflection, "
                        "ratings that say what they measure, sentences of at most 22 words "
                        "(prepares the speech to measure the timeline)")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("timeline", help="show a session's timeline")
    p.add_argument("path", metavar="PATH|SESSION_ID")
    add_listening_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("render", help="render a session to an audio file")
    p.add_argument("path", metavar="PATH|SESSION_ID")
    p.add_argument("-o", "--output", required=True, metavar="OUT.(wav|flac|ogg|mp3)")
    add_listening_options(p)
    p.set_defaults(func=cmd_render)

    p = sub.add_parser("analyze", help="measure a session's loudness, peaks, silences and pace")
    p.add_argument("path", metavar="PATH|SESSION_ID")
    add_listening_options(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_analyze)

    p = sub.add_parser("import-recording", help="make a session from a recording and Audacity labels")
    p.add_argument("audio", metavar="AUDIO")
    p.add_argument("--labels", required=True, metavar="LABELS.txt")
    p.add_argument("-o", "--output", required=True, metavar="OUT.session.md")
    p.set_defaults(func=cmd_import_recording)

    p = sub.add_parser("library", help="list the bundled sessions and your own; share one")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_library, library_func=None)
    library_sub = p.add_subparsers(dest="library_command", metavar="ACTION")
    q = library_sub.add_parser("export", help="write one of your own sessions and its recordings "
                               "to one file another MIT Desktop can import")
    q.add_argument("session_id", metavar="ID")
    q.add_argument("-o", "--output", required=True, metavar="FILE.mitsession")
    q.set_defaults(library_func=cmd_library_export)
    q = library_sub.add_parser("import", help="add a session shared from another MIT Desktop "
                               "to your library (never replaces one you have)")
    q.add_argument("file", metavar="FILE")
    q.set_defaults(library_func=cmd_library_import)

    from mit_desktop.session.vocabulary import PROGRAM_MODULE_IDS

    p = sub.add_parser("new-session", help="start a new script from an MIT module's template "
                       "(its sections, reflections and safety lines in place)")
    p.add_argument("--template", required=True, choices=PROGRAM_MODULE_IDS, metavar="MODULE",
                   help=f"one of: {', '.join(PROGRAM_MODULE_IDS)}")
    p.add_argument("-o", "--output", required=True, metavar="OUT.session.md")
    p.add_argument("--title", default=None, help="the practice's name (default: My MODULE)")
    p.set_defaults(func=cmd_new_session)

    p = sub.add_parser("voices", help="list installed voices")
    p.set_defaults(func=cmd_voices)

    p = sub.add_parser("gui", help="start the desktop program (the default)")
    p.set_defaults(func=cmd_gui)

    from mit_desktop.cli import bodymap as bodymap_cli
    from mit_desktop.cli import cache as cache_cli
    from mit_desktop.cli import guide as guide_cli  # imports no Qt until it writes a PDF
    from mit_desktop.cli import history as history_cli
    from mit_desktop.cli import play as playback_cli
    from mit_desktop.cli import program as program_cli
    from mit_desktop.cli import record as record_cli
    from mit_desktop.cli.report import register_report  # imports no Qt until it runs

    playback_cli.register(sub)
    bodymap_cli.register(sub)
    register_report(history_cli.register(sub))
    program_cli.register(sub)
    guide_cli.register(sub)
    cache_cli.register(sub)
    record_cli.register(sub)
    return parser


def _user_errors() -> tuple[type[BaseException], ...]:
    from mit_desktop.render.clips import ClipError
    from mit_desktop.render.speech import SpeechError
    from mit_desktop.render.voices import VoiceError
    from mit_desktop.render.writer import RenderError
    from mit_desktop.session.errors import SessionError

    return (SessionError, ClipError, VoiceError, SpeechError, RenderError, ValueError)


PRIVATE_UMASK = 0o077


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    # every folder and file this process makes is the user's alone, whatever umask it
    # was started with (under umask 000 ~/.local and the caches became world-writable)
    os.umask(PRIVATE_UMASK)
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    func: Callable[[argparse.Namespace], int] = getattr(args, "func", cmd_gui)
    # what audio libraries print from C (libmpg123's "Note: Illegal Audio-MPEG-Header",
    # ALSA ...) goes to the log (-v shows it), not between our messages: for every command,
    # the window included (a recording imported there is decoded before any sound plays)
    from mit_desktop.playback.output.quiet import route_native_stderr_to_log

    route_native_stderr_to_log()
    if func is not cmd_gui:
        # SIGTERM ends a command as Ctrl-C does: half-written files are removed on the way out
        try:
            signal.signal(signal.SIGTERM, _terminated)
        except ValueError:  # not the main thread (called from a test or a library)
            pass
    try:
        return func(args)
    except _user_errors() as exc:
        return error(str(exc))
    except KeyboardInterrupt:
        sys.stderr.write("\nstopped\n")
        return 128 + signal.SIGINT
    except BrokenPipeError:
        return EXIT_OK
    except OSError as exc:  # a folder or file the command needs cannot be used
        from mit_desktop.fsutil import os_error_message

        log.debug("stopped by", exc_info=True)
        return error(os_error_message(exc))
    except Exception as exc:  # a bug: one line here, the details with -v
        if args.verbose:
            log.exception("unexpected problem")
        return error(f"an unexpected problem stopped this command ({type(exc).__name__}: "
                      f"{exc}). Run it again with -v for the details.")
