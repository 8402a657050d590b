# Over 400 lines: every `mit-desktop history` subcommand's arguments and output.
"""``mit-desktop history …``: list, stats, export, backup, restore.

:func:`register` adds the ``history`` command to an argparse subparsers object;
each leaf parser sets ``func`` to a handler ``(args) -> int``. Exit codes: 0 ok,
1 invalid input or a problem the user can fix (one clear message on stderr,
never a traceback), 2 usage (argparse). ``python -m mit_desktop.cli.history``
runs it on its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from mit_desktop.history import export as export_mod
from mit_desktop.history import stats
from mit_desktop.history.errors import CorruptDatabaseError, HistoryError, InvalidInputError
from mit_desktop.history.models import Practice, Profile
from mit_desktop.history.store import HistoryStore

Handler = Callable[[argparse.Namespace], int]


class _NoPassphraseHere(argparse.Action):
    """``--passphrase``: refused without repeating what followed it. A passphrase on the
    command line is visible to every user of the computer (``ps``) and kept in the shell's
    history; it is asked for, or read from a file, instead."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        parser.error("a passphrase is never typed on the command line, where others on this "
                     "computer could see it: use --protect to be asked for it, or "
                     "--passphrase-file FILE")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add ``history`` and its subcommands to ``subparsers`` (from ``add_subparsers()``)."""
    history = subparsers.add_parser(
        "history", help="practice history: list, statistics, export, backups",
        description="Your practice history, kept on this computer only.",
    )
    commands = history.add_subparsers(dest="history_command", metavar="COMMAND")
    commands.required = True

    p = _command(commands, "list", _cmd_list, "list practices, newest first")
    _profile_option(p, "only this profile")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N per profile")
    _json_option(p)

    p = _command(commands, "stats", _cmd_stats, "practice statistics")
    _profile_option(p, "only this profile")
    _json_option(p)

    p = _command(
        commands, "export", _cmd_export,
        "export one profile's practices, reflections and check-ins",
        "JSON goes to standard output unless -o is given; CSV (one file per "
        "table) needs -o FILE.zip or -o FOLDER.")
    p.add_argument("--format", choices=export_mod.FORMATS, default=None,
                   help="json or csv (default: from -o: .zip or a folder means csv; else json)")
    p.add_argument("-o", "--output", metavar="FILE", type=Path, default=None,
                   help="FILE.json, FILE.zip or a FOLDER (default: JSON to standard output)")
    _profile_option(p, "the profile (needed when there are several)")
    p.add_argument("--bundle", action="store_true",
                   help="a practice bundle for your therapist (one .mitbundle file: practices, "
                        "check-ins, reflections, body maps, questionnaires, times you needed "
                        "to stop); needs -o FILE")
    p.add_argument("--from", dest="first_day", metavar="YYYY-MM-DD", default=None,
                   help="with --bundle: from this day")
    p.add_argument("--to", dest="last_day", metavar="YYYY-MM-DD", default=None,
                   help="with --bundle: up to this day")
    p.add_argument("--without-body-maps", action="store_true",
                   help="leave out the body maps' data (smaller files)")
    p.add_argument("--protect", action="store_true",
                   help="with --bundle: protect the bundle with a passphrase, asked for twice "
                        "(never typed on the command line, where others could see it)")
    _passphrase_options(p, "with --bundle: protect it with the passphrase on the first line of "
                           "FILE ('-': standard input)")

    p = _command(
        commands, "import", _cmd_import,
        "import a client's practice bundle into their profile",
        "Reads a practice bundle (.mitbundle) into the profile NAME (made as a "
        "client profile if there is none). Importing the same bundle again adds "
        "nothing; a newer one adds only what is new.")
    p.add_argument("bundle", metavar="FILE", type=Path, help="the .mitbundle file")
    p.add_argument("--profile", metavar="NAME", required=True, help="the client's profile")
    p.add_argument("--yes", action="store_true",
                   help="import even though the profile holds someone else's practice")
    _passphrase_options(p, "a protected bundle's passphrase: the first line of FILE ('-': "
                           "standard input); without it the passphrase is asked for")

    p = _command(
        commands, "delete-copy", _cmd_delete_copy,
        "delete a therapist's copy of a client's practice (when care ends)",
        "Deletes the profile NAME with everything in it, only if it is a "
        "therapist's copy imported from practice bundles (read-only in the "
        "window, which does not delete it). Without --yes it only says what "
        "would go.")
    p.add_argument("profile", metavar="NAME", help="the client's profile")
    p.add_argument("--yes", action="store_true", help="delete it")

    p = _command(commands, "backup", _cmd_backup, "make a backup now (or list backups)")
    p.add_argument("--list", action="store_true", help="list backups instead")

    p = _command(
        commands, "region", _cmd_region,
        "where the listener lives, for the crisis numbers (show or set)",
        "Show the profile's region and its crisis numbers, or set it: a listed "
        "region code (US, CA, GB, IE, AU) or 'elsewhere' for somewhere else.")
    p.add_argument("code", nargs="?", metavar="CODE", help="the region to set")
    _profile_option(p, "the profile (needed when there are several)")

    p = _command(
        commands, "restore", _cmd_restore, "replace the history with a backup",
        "Replace the history with a backup. The history it replaces is kept: "
        "backed up first, or, if it is damaged, kept unchanged beside it.")
    p.add_argument("backup", metavar="BACKUP",
                   help="a backup file, or its name in the backups folder")

    _command(
        commands, "start-new", _cmd_start_new,
        "put a damaged history aside and start a new, empty one",
        "Only for a history that cannot be used: it is kept, unchanged, as "
        "history-damaged-DATE.sqlite3, and a new, empty history is started.")
    return history


def _command(commands: Any, name: str, handler: Handler, summary: str,
             description: str | None = None) -> argparse.ArgumentParser:
    """A ``history NAME`` subcommand running `handler` through `_guard`; `summary` is its
    line in ``history --help``, `description` (if given) heads its own ``--help``."""
    parser: argparse.ArgumentParser = commands.add_parser(name, help=summary,
                                                          description=description)
    parser.set_defaults(func=_guard(handler))
    return parser


def _profile_option(parser: argparse.ArgumentParser, text: str) -> None:
    """``--profile NAME`` (optional), described by `text`."""
    parser.add_argument("--profile", metavar="NAME", help=text)


def _json_option(parser: argparse.ArgumentParser) -> None:
    """``--json``: print JSON instead of text."""
    parser.add_argument("--json", action="store_true", help="print JSON")


def _passphrase_options(parser: argparse.ArgumentParser, text: str) -> None:
    """``--passphrase-file FILE`` (described by `text`) and the hidden ``--passphrase``
    that refuses a passphrase typed on the command line."""
    parser.add_argument("--passphrase-file", metavar="FILE", type=Path, default=None, help=text)
    parser.add_argument("--passphrase", nargs="?", action=_NoPassphraseHere,
                        help=argparse.SUPPRESS)


def damaged_advice(exc: CorruptDatabaseError) -> str:
    """What to type after a :class:`CorruptDatabaseError` (command-line wording)."""
    if exc.newest_backup is not None:
        return (f"To restore the newest good backup: mit-desktop history restore "
                f"{exc.newest_backup.name}  (or start empty: mit-desktop history start-new)")
    return "To start a new, empty history: mit-desktop history start-new"


def _guard(handler: Handler) -> Handler:
    """Turn user errors into one line on stderr and exit code 1."""

    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except CorruptDatabaseError as exc:
            print(f"mit-desktop history: {exc}", file=sys.stderr)
            print(damaged_advice(exc), file=sys.stderr)
            return 1
        except HistoryError as exc:
            print(f"mit-desktop history: {exc}", file=sys.stderr)
            return 1
        except OSError as exc:
            print(f"mit-desktop history: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "),
                  file=sys.stderr)
            return 1

    run.__name__ = handler.__name__
    run.__doc__ = handler.__doc__
    return run


def _profiles(store: HistoryStore, name: str | None) -> list[Profile]:
    if name is not None:
        return [store.profile_by_name(name)]
    return store.list_profiles()


def _minutes(ms: int) -> str:
    seconds = ms // 1000
    return f"{seconds // 60}:{seconds % 60:02d}"


def _local(ms: int, offset_min: int) -> str:
    tz = dt.timezone(dt.timedelta(minutes=offset_min))
    return dt.datetime.fromtimestamp(ms / 1000, tz).strftime("%Y-%m-%d %H:%M")


def _practice_json(practice: Practice, profile: Profile) -> dict[str, Any]:
    data = asdict(practice)
    data["profile"] = profile.name
    return data


def _cmd_region(args: argparse.Namespace) -> int:
    from mit_desktop.content.crisis import (
        FALLBACK_REGION,
        find_region,
        help_lines,
        load_crisis_resources,
    )
    from mit_desktop.practice.recorder import choose_profile

    regions = load_crisis_resources()
    opener = HistoryStore.open if args.code is not None else HistoryStore.open_for_reading
    with opener() as store:
        profile = choose_profile(store, args.profile)
        if args.code is not None:
            region = find_region(args.code, regions)
            if region is None:
                listed = ", ".join(r.code for r in regions)
                raise InvalidInputError(f"{args.code!r} is not a listed region; use one of "
                                        f"{listed} ({FALLBACK_REGION}: somewhere else).")
            store.set_region(profile.id, region.code)
            profile = store.get_profile(profile.id)
    if profile.region is None:
        print(f"{profile.name}: where you live has not been chosen yet.")
        print("\n".join(help_lines(None, regions)))
        return 0
    region = find_region(profile.region, regions) or regions[-1]
    print(f"{profile.name}: {region.name}")
    print("\n".join(help_lines(region, regions)))
    return 0


def _cmd_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 1:
        raise InvalidInputError("--limit must be 1 or more.")
    with HistoryStore.open_for_reading() as store:
        output: list[dict[str, Any]] = []
        lines: list[str] = []
        for profile in _profiles(store, args.profile):
            practices = store.list_practices(profile.id, limit=args.limit)
            output.extend(_practice_json(p, profile) for p in practices)
            lines.append(f"{profile.name} ({profile.kind}): {len(practices)} practices")
            for p in practices:
                lines.append(
                    f"  {p.id:>6}  {_local(p.started_ms, p.utc_offset_min)}  {p.session_id:<22} "
                    f"{p.mode:<11} {p.status:<11} heard {_minutes(p.listened_ms):>6}"
                    f"{'  (logged by hand)' if p.source == 'manual' else ''}"
                )
    if args.json:
        print(json.dumps(output, indent=2, ensure_ascii=False))
    else:
        print("\n".join(lines) if lines else "No profiles yet.")
    return 0


def _dose_record(store: HistoryStore, profile_id: int, week_start: str, modules: dict) -> dict:
    """One week's full practices against the aim, and the rest apart (:mod:`mit_desktop.practice.dose`)."""
    from mit_desktop.practice.dose import dose_between

    start = dt.date.fromisoformat(week_start)
    dose = dose_between(store, profile_id, start, start + dt.timedelta(days=6), modules)
    record = {k: v for k, v in asdict(dose).items() if k not in ("first_day", "last_day")}
    record.update(met_target=dose.met_target, met_minimum=dose.met_minimum)
    return record


def _add_doses(store: HistoryStore, profile_id: int, summary: dict) -> None:
    """The honest dose in the summary: ``this_week_dose``, and each week's ``full_practices``
    with ``met_target``/``met_minimum`` counted in full practices (not days)."""
    from mit_desktop.content.program import load_program
    from mit_desktop.practice.dose import program_session_modules

    modules = program_session_modules(load_program())
    summary["this_week_dose"] = _dose_record(store, profile_id,
                                             summary["this_week"]["week_start"], modules)
    for week in summary["weeks"]:
        dose = _dose_record(store, profile_id, week["week_start"], modules)
        week.update(full_practices=dose["full"], met_target=dose["met_target"],
                    met_minimum=dose["met_minimum"])


def _cmd_stats(args: argparse.Namespace) -> int:
    now = dt.datetime.now().astimezone()
    with HistoryStore.open_for_reading() as store:
        results = {p.name: stats.summary(store, p.id, now) for p in _profiles(store, args.profile)}
        for profile in _profiles(store, args.profile):
            _add_doses(store, profile.id, results[profile.name])
    if args.json:
        print(json.dumps(results, indent=2, ensure_ascii=False))
        return 0
    if not results:
        print("No profiles yet.")
    for name, summary in results.items():
        week, total = summary["this_week"], summary["totals"]
        print(f"{name}")
        dose = summary["this_week_dose"]
        print(f"  this week: {dose['full']} of {dose['target']} full practices (minimum "
              f"{dose['minimum']}; a program practice heard for 15 minutes or more); "
              f"also {dose['partial']} shorter, {dose['bam']} BAM, {dose['quiet']} quiet, "
              f"{dose['other']} own; {week['practices']} practices on "
              f"{week['days_practiced']} days, {week['listened_ms'] // 60000} minutes")
        print(f"  all time: {total['practices']} practices on {total['days_practiced']} days, "
              f"{total['listened_ms'] // 60000} minutes")
        for trend in summary["mood_trend"][-4:]:
            mood = trend["mean_mood_change"]
            stress = trend["mean_stress_change"]
            print(f"  week of {trend['week_start']}: mood "
                  f"{'—' if mood is None else f'{mood:+.1f}'}, stress "
                  f"{'—' if stress is None else f'{stress:+.1f}'} within a practice "
                  f"({trend['practices']} practices)")
        if summary["streak"] is not None:
            print(f"  streak: {summary['streak']} days")
    return 0


def _export_format(args: argparse.Namespace) -> str:
    if args.format is not None:
        return str(args.format)
    out: Path | None = args.output
    if out is None or out.suffix.lower() == ".json":
        return "json"
    if out.suffix.lower() == ".csv":  # export() explains why a single .csv will not do
        return "csv"
    if out.suffix.lower() == ".zip" or out.is_dir() or not out.suffix:
        return "csv"
    raise InvalidInputError(f"Add --format json or --format csv (cannot tell from {out.name!r}).")


def _export_profile(store: HistoryStore, name: str | None) -> Profile | None:
    if name is not None:
        return store.profile_by_name(name)
    profiles = store.list_profiles()
    if len(profiles) > 1:
        raise InvalidInputError(f"Several profiles are kept here "
                                f"({', '.join(p.name for p in profiles)}); "
                                "choose one with --profile NAME.")
    return profiles[0] if profiles else None


def _day(text: str | None, what: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInputError(f"{what} must be a date like 2026-03-02, not {text!r}.") from None


def _passphrase_from_file(path: Path) -> str:
    """The first line of ``path`` (``-``: standard input), without its line ending.

    A passphrase is never taken as a command-line argument: every user of the computer can
    read other people's command lines (``ps``), and shells keep them in their history."""
    try:
        if str(path) == "-":
            line = sys.stdin.readline()
        else:
            with open(path, encoding="utf-8") as stream:
                line = stream.readline()
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"The passphrase file {path} cannot be read: "
                                f"{getattr(exc, 'strerror', None) or exc}.") from None
    return line.rstrip("\r\n")


def _ask_passphrase(prompt: str) -> str:
    import getpass

    try:
        return getpass.getpass(prompt)
    except (EOFError, KeyboardInterrupt):
        raise InvalidInputError("No passphrase was given; nothing was written.") from None


def _export_passphrase(args: argparse.Namespace) -> str | None:
    from mit_desktop.history.bundle_lock import check_passphrase

    if args.passphrase_file is not None:
        return check_passphrase(_passphrase_from_file(args.passphrase_file))
    if not args.protect:
        return None
    first = check_passphrase(_ask_passphrase("Passphrase for the bundle: "))
    if _ask_passphrase("The same passphrase again: ") != first:
        raise InvalidInputError("The two passphrases differ; nothing was written. Try again.")
    return first


def _cmd_export_bundle(args: argparse.Namespace) -> int:
    from mit_desktop.history.bundle import export_bundle

    if args.output is None:
        raise InvalidInputError("A bundle is one file: add -o FILE.mitbundle.")
    first, last = _day(args.first_day, "--from"), _day(args.last_day, "--to")
    passphrase = _export_passphrase(args)
    with HistoryStore.open_for_reading() as store:
        profile = _export_profile(store, args.profile)
        if profile is None:
            raise InvalidInputError("There is no practice history to export yet.")
        counts = export_bundle(store, profile.id, args.output, first, last,
                               passphrase=passphrase)
    print(f"wrote {args.output}" + (" (protected by a passphrase)" if passphrase else "")
          + ": " + ", ".join(f"{n} {kind.replace('_', ' ')}s" for kind, n in counts.items()))
    return 0


def _import_passphrase(args: argparse.Namespace) -> str | None:
    from mit_desktop.history.bundle import is_protected

    if args.passphrase_file is not None:
        return _passphrase_from_file(args.passphrase_file)
    if not is_protected(args.bundle):
        return None
    if not sys.stdin.isatty():
        raise InvalidInputError(f"{args.bundle.name} is protected by a passphrase: give it "
                                "with --passphrase-file FILE (or run this in a terminal to "
                                "be asked). Nothing was changed.")
    return _ask_passphrase(f"Passphrase for {args.bundle.name}: ")


def _cmd_import(args: argparse.Namespace) -> int:
    from mit_desktop.history.bundle import OtherClientError, import_bundle

    passphrase = _import_passphrase(args)
    with HistoryStore.open() as store:
        try:
            result = import_bundle(store, args.bundle, args.profile,
                                   allow_other_client=args.yes, passphrase=passphrase)
        except OtherClientError as exc:
            print(f"mit-desktop history: {exc} To import anyway, add --yes.", file=sys.stderr)
            return 1
    if not result.added_total:
        print(f"Nothing new: everything in {args.bundle.name} was already in {args.profile}'s "
              f"history ({result.already_there} records).")
    else:
        print(f"Imported into {args.profile}: " + ", ".join(
            f"{n} {kind.replace('_', ' ')}s" for kind, n in result.added.items())
              + (f" ({result.already_there} already there)" if result.already_there else ""))
    return 0


def _cmd_delete_copy(args: argparse.Namespace) -> int:
    from mit_desktop.history.bundle import is_therapist_copy

    with HistoryStore.open() as store:
        profile = store.profile_by_name(args.profile)
        if not is_therapist_copy(store, profile.id):
            raise InvalidInputError(
                f"{profile.name!r} holds no practice imported from bundles, so it is not a "
                "therapist's copy; delete a profile of your own in Settings in the window.")
        counts = store.profile_data_counts(profile.id)
        what = (f"{counts['practices']} practices, {counts['reflections']} reflection "
                f"answers, {counts['body_maps']} body maps and their questionnaires")
        if not args.yes:
            print(f"This would delete your copy of {profile.name}'s practice ({what}). The "
                  "client's own history is not touched. To delete it, add --yes.")
            return 1
        store.delete_profile(profile.id)
    print(f"Deleted your copy of {profile.name}'s practice ({what}). Backups made before "
          "today still hold it until they are replaced (about a month).")
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    if args.bundle:
        return _cmd_export_bundle(args)
    fmt = _export_format(args)
    if fmt == "csv" and args.output is None:
        raise InvalidInputError("CSV has one file per table: add -o FILE.zip or -o FOLDER.")
    from mit_desktop.content.export_sessions import session_facts
    from mit_desktop.content.measures import export_scorer

    facts = session_facts()
    scorer = export_scorer()
    maps = not getattr(args, "without_body_maps", False)
    with HistoryStore.open_for_reading() as store:
        profile = _export_profile(store, args.profile)
        if args.output is None:
            document = (export_mod.collect(store, profile.id, facts, body_maps=maps,
                                           scorer=scorer) if profile
                        else {"practices": []})
            sys.stdout.write(export_mod.to_json(document))
            return 0
        if profile is None:
            raise InvalidInputError("There is no practice history to export yet.")
        written = export_mod.export(store, profile.id, fmt, args.output, facts, body_maps=maps,
                                    scorer=scorer)
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    with HistoryStore.open_for_reading() as store:
        if args.list:
            backups = store.list_backups()
            for info in backups:
                print(f"{info.path.name}  {info.created:%Y-%m-%d %H:%M} UTC  {info.reason:<13} "
                      f"{info.size_bytes // 1024} KiB")
            if not backups:
                print(f"No backups yet in {store.backups_folder}.")
            return 0
        path = store.backup_now("manual")
    print(f"backup written: {path}")
    return 0


def _resolve_backup(given: str, folder: Path) -> Path:
    path = Path(given).expanduser()
    if path.is_file():
        return path
    inside = folder / given
    if inside.is_file():
        return inside
    raise InvalidInputError(f"There is no backup {given!r} (backups are in {folder}).")


def _cmd_restore(args: argparse.Namespace) -> int:
    from mit_desktop import paths
    from mit_desktop.history import backups as backups_mod

    folder = paths.database_path().parent / backups_mod.BACKUP_FOLDER
    backup = _resolve_backup(args.backup, folder)
    problem = backups_mod.check_history_file(backup)
    if problem != "ok":  # before anything is set aside
        raise InvalidInputError(f"{backup} cannot be restored: {problem}. Nothing was changed.")
    try:
        store = HistoryStore.open()
    except CorruptDatabaseError:
        store = HistoryStore.open(set_aside_damaged=True)
    with store:
        safety = store.restore_backup(backup, keep_current=store.set_aside is None)
        kept = store.set_aside
    print(f"restored {backup}")
    if kept is not None:
        print(f"the damaged history it replaced was kept, unchanged, as {kept}")
    else:
        print(f"the history it replaced was backed up as {safety}")
    return 0


def _cmd_start_new(args: argparse.Namespace) -> int:
    try:
        HistoryStore.open().close()
    except CorruptDatabaseError:
        with HistoryStore.open(set_aside_damaged=True) as store:
            print(f"the damaged history was kept, unchanged, as {store.set_aside}")
            print(f"a new, empty history was started in {store.path}")
        return 0
    raise InvalidInputError("The history is in good order; nothing was changed "
                            "(start-new is only for a history that cannot be used).")


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``history …`` on its own (``python -m mit_desktop.cli.history``)."""
    parser = argparse.ArgumentParser(prog="mit-desktop")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    raise SystemExit(main())
