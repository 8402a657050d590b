"""What is wrong with a script, and what the program's safety checks advise, as the editor
shows it and ``mit-desktop validate`` prints it (one source for both).

:func:`session_problems` holds the checks that need more than the parser (every clip
decodes, from/to times inside the recording, the session's length); the CLI calls it, and
:func:`check_text` runs the parser and it on the editor's text. Each finding keeps the
line and column for the editor and formats to exactly the CLI's ``path:line[:column]:
message`` line.

Advice are the strict checks (``validate --strict``): long sentences, reflections without
a spoken question, ratings that do not say what they measure, and eyes-closed stretches
without a grounding line, all made into lines by :func:`strict_findings` for both. The
last needs speech lengths: :func:`check_text` first measures it on the estimated timeline
(:mod:`mit_desktop.authoring.strip`: about 140 words a minute; positions marked "about"),
at once; with ``exact=True`` on the real speech (:func:`spoken_timeline`, synthesised into
the speech cache as for play), exactly as ``validate --strict`` does. The editor shows the
estimate while the exact check runs in the background.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Session
from mit_desktop.session.timeline import Timeline

ERROR = "error"
ADVICE = "advice"


@dataclass(frozen=True)
class Finding:
    """One problem (``kind`` ERROR: the script cannot be used as it is) or piece of advice
    (ADVICE: a strict safety check), at 1-based ``line`` and ``column`` (None: the whole
    line); ``text`` is the line ``mit-desktop validate`` prints for it."""

    kind: str
    line: int
    column: int | None
    message: str
    text: str


def _clip_lengths(session: Session, name: str) -> tuple[list[Finding], dict[Path, int]]:
    from mit_desktop import paths
    from mit_desktop.render.clips import ClipError, decode_clip
    from mit_desktop.session.timeline import SAMPLE_RATE

    found: list[Finding] = []
    clip_samples: dict[Path, int] = {}
    for clip in session.clips:
        if clip.path in clip_samples:
            continue
        try:
            decoded = decode_clip(clip.path, SAMPLE_RATE, paths.cache_dir() / "clips")
        except ClipError as exc:
            found.append(Finding(ERROR, clip.line, None, str(exc), f"{name}:{clip.line}: {exc}"))
            clip_samples[clip.path] = 0
            continue
        clip_samples[clip.path] = decoded.n_samples
    return found, clip_samples


def session_problems(session: Session, name: str) -> tuple[list[Finding], dict[Path, int]]:
    """The problems of a parsed script beyond the parser's (its clips decode, their from/to
    times lie inside them, the session stays within MAX_SESSION_MS), as ``name:line: …``;
    and each clip's length in ms (by path; 0 when it could not be decoded). Clips are
    decoded into the same cache ``render`` and ``play`` use, so a clip that passes plays."""
    from mit_desktop.session.durations import us_to_sample
    from mit_desktop.session.length import first_cue_past
    from mit_desktop.session.limits import MAX_SESSION_MS, format_limit_ms
    from mit_desktop.session.timeline import CLIP_END_TOLERANCE_MS, SAMPLE_RATE

    found, clip_samples = _clip_lengths(session, name)
    tolerance = CLIP_END_TOLERANCE_MS * SAMPLE_RATE // 1000
    for clip in session.clips:  # as the timeline places them
        total = clip_samples.get(clip.path, 0)
        start = 0 if clip.from_us is None else us_to_sample(clip.from_us, SAMPLE_RATE)
        end = total if clip.to_us is None else us_to_sample(clip.to_us, SAMPLE_RATE)
        if total and (start >= total or end > total + tolerance):
            message = (f"the clip {clip.path.name} is only {total / SAMPLE_RATE:.1f} s long; "
                       "its from/to times go past its end")
            found.append(Finding(ERROR, clip.line, None, message, f"{name}:{clip.line}: {message}"))
    clip_ms = {path: n * 1000 // SAMPLE_RATE for path, n in clip_samples.items()}
    if found:
        return found, clip_ms
    late = first_cue_past(session.cues, MAX_SESSION_MS, clip_ms)
    if late is not None:
        limit = format_limit_ms(MAX_SESSION_MS)
        message = (f"with its recordings, by this line the session lasts more than {limit}; "
                   f"a session may last at most {limit}")
        found.append(Finding(ERROR, late.line, None, message, f"{name}:{late.line}: {message}"))
    return found, clip_ms


def spoken_timeline(session: Session,
                    progress: Callable[[int, int], None] | None = None) -> Timeline:
    """The timeline the eyes-closed check measures: real speech (the render engine, speech
    synthesised into the cache as for play), the listener's default settings (hands-free,
    the usual pace). Raises SessionError (TimelineError) when a voice or clip cannot be used."""
    from mit_desktop.render.engine import Engine
    from mit_desktop.session.timeline import ListeningSettings

    return Engine().timeline(session, ListeningSettings(), progress)


def strict_findings(session: Session, name: str, timeline: Timeline,
                    estimated: bool = False) -> tuple[Finding, ...]:
    """The strict checks (``validate --strict``) of a script without errors, as ADVICE
    findings whose ``text`` is the line the CLI prints (``name:line: message``): the text
    checks, then the eyes-closed stretches measured on ``timeline`` (``estimated``: an
    estimated timeline, so each position reads "at about")."""
    from mit_desktop.session.strict import text_problems, timeline_problems

    found = [Finding(ADVICE, p.line, None, p.message, p.format(Path(name)))
             for p in text_problems(session)]
    for p in timeline_problems(session, timeline):
        text = p.format(Path(name))
        found.append(Finding(ADVICE, p.line, None, p.message,
                             text.replace(" (at ", " (at about ") if estimated else text))
    return tuple(found)


@dataclass(frozen=True)
class CheckResult:
    """Everything the editor shows about one text: ``session`` (None when it does not
    parse), ``errors`` and ``advice`` (in line order), and each clip's length in ms.
    ``exact``: the advice is what ``validate --strict`` prints (nothing in it was measured
    on estimated speech lengths); False: an eyes-closed stretch was measured on the estimate."""

    session: Session | None
    errors: tuple[Finding, ...]
    advice: tuple[Finding, ...]
    clip_ms: dict[Path, int]
    exact: bool = True


def check_text(text: str, path: Path, name: str | None = None, exact: bool = False,
               progress: Callable[[int, int], None] | None = None) -> CheckResult:
    """Check script ``text`` as if saved at ``path`` (clips resolve beside it); messages
    name ``name`` (default: ``path``), exactly as ``mit-desktop validate NAME`` prints
    them. Advice is given only for a script without errors, as ``--strict`` does: with
    ``exact``, on real speech, the very lines ``validate --strict NAME`` prints (this may
    synthesise speech: seconds to minutes the first time); without, at once, the
    eyes-closed stretches measured on estimated speech lengths (``result.exact`` False
    when that mattered: the script invites the eyes to close). ``progress(done, total)``
    is called after each sentence of real speech; an exception it raises ends the check."""
    from mit_desktop.authoring.strip import estimate_strip, estimated_timeline
    from mit_desktop.session.parser import parse_text
    from mit_desktop.session.strict import invites_eyes_closed

    name = str(path) if name is None else name
    try:
        session = parse_text(text.removeprefix("\ufeff"), Path(path))
    except SessionError as exc:
        errors = [Finding(ERROR, p.line, p.column, p.message, "") for p in exc.problems]
        errors = [Finding(e.kind, e.line, e.column, e.message, _format(name, e)) for e in errors]
        return CheckResult(None, tuple(errors), (), {})
    errors, clip_ms = session_problems(session, name)
    if errors:
        return CheckResult(session, tuple(errors), (), clip_ms)
    measured = invites_eyes_closed(session)  # else no speech length changes the advice
    if exact and measured:
        timeline = spoken_timeline(session, progress)
    else:
        timeline = estimated_timeline(session, estimate_strip(session, clip_ms))
    advice = strict_findings(session, name, timeline, estimated=measured and not exact)
    return CheckResult(session, (), advice, clip_ms, exact=exact or not measured)


def _format(name: str, finding: Finding) -> str:
    where = f"{name}:{finding.line}" + (f":{finding.column}" if finding.column is not None else "")
    return f"{where}: {finding.message}"
