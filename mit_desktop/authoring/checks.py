"""What is wrong with a script, and what the program's safety checks advise, as the editor
shows it and ``mit-desktop validate`` prints it (one source for both).

:func:`session_problems` holds the checks that need more than the parser (every clip
decodes, from/to times inside the recording, the session's length); the CLI calls it, and
:func:`check_text` runs the parser and it on the editor's text. Each finding keeps the
line and column for the editor and formats to exactly the CLI's ``path:line[:column]:
message`` line.

Advice are the strict checks (``validate --strict``): long sentences, reflections without
a spoken question, ratings that do not say what they measure, and eyes-closed stretches
without a grounding line. The editor measures the last on the estimated timeline
(:mod:`mit_desktop.authoring.strip`: about 140 words a minute) rather than real speech,
so it is advice, with the position marked "about".
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mit_desktop.session.errors import SessionError
from mit_desktop.session.model import Session

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


@dataclass(frozen=True)
class CheckResult:
    """Everything the editor shows about one text: ``session`` (None when it does not
    parse), ``errors`` and ``advice`` (in line order), and each clip's length in ms."""

    session: Session | None
    errors: tuple[Finding, ...]
    advice: tuple[Finding, ...]
    clip_ms: dict[Path, int]


def check_text(text: str, path: Path, name: str | None = None) -> CheckResult:
    """Check script ``text`` as if saved at ``path`` (clips resolve beside it); messages
    name ``name`` (default: ``path``), exactly as ``mit-desktop validate NAME`` prints
    them. Advice is given only for a script without errors, as ``--strict`` does."""
    from mit_desktop.authoring.strip import estimate_strip, estimated_timeline
    from mit_desktop.session.parser import parse_text
    from mit_desktop.session.strict import text_problems, timeline_problems

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
    strip = estimate_strip(session, clip_ms)
    estimated = timeline_problems(session, estimated_timeline(session, strip))
    advice = tuple(Finding(ADVICE, p.line, None, p.message, p.format(Path(name)))
                   for p in text_problems(session))
    advice += tuple(Finding(ADVICE, p.line, None, p.message,
                            p.format(Path(name)).replace(" (at ", " (at about "))
                    for p in estimated)
    return CheckResult(session, (), advice, clip_ms)


def _format(name: str, finding: Finding) -> str:
    where = f"{name}:{finding.line}" + (f":{finding.column}" if finding.column is not None else "")
    return f"{where}: {finding.message}"
