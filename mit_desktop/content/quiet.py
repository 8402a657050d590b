"""Quiet practice: a session made from settings, with bells and optional ambience, no narration.

Like a meditation timer: a bell at the start, an optional bell at every
interval, and a closing bell at the end. The timer counts from the first
strike, so the interval bells fall exactly on their marks and the closing
bell strikes `minutes` after the opening one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mit_desktop.render.bells import bell_ring_ms
from mit_desktop.session import vocabulary as vocab
from mit_desktop.session.model import Session
from mit_desktop.session.parser import parse_text

QUIET_ID = "quiet"
MAX_MINUTES = 180


@dataclass(frozen=True)
class QuietSettings:
    """Length in whole minutes; `interval_ms` None for no interval bells; bell and ambience names."""

    minutes: int = 10
    interval_ms: int | None = None
    start_bell: str = "bowl"
    interval_bell: str = "chime"
    end_bell: str = "bowl"
    end_strikes: int = 3
    ambience: str | None = None
    ambience_percent: int = 15

    def __post_init__(self) -> None:
        if not 1 <= self.minutes <= MAX_MINUTES:
            raise ValueError(f"a quiet practice lasts 1 to {MAX_MINUTES} minutes")
        if self.interval_ms is not None and not 30_000 <= self.interval_ms < self.minutes * 60_000:
            raise ValueError("the interval must be at least 30 seconds and shorter than the practice")
        for bell in (self.start_bell, self.interval_bell, self.end_bell):
            if bell not in vocab.BELL_NAMES:
                raise ValueError(f"unknown bell '{bell}'; use one of: {', '.join(vocab.BELL_NAMES)}")
        if self.ambience is not None and self.ambience not in vocab.AMBIENCE_NAMES:
            raise ValueError(f"unknown ambience '{self.ambience}'; use one of: {', '.join(vocab.AMBIENCE_NAMES)}")


def quiet_script(settings: QuietSettings) -> str:
    """The session script text for these settings (it can be saved and edited like any other)."""
    total_ms = settings.minutes * 60_000
    marks = []
    if settings.interval_ms:
        marks = list(range(settings.interval_ms, total_ms, settings.interval_ms))
    unit = "minute" if settings.minutes == 1 else "minutes"
    title = f"Quiet practice, {settings.minutes} {unit}"
    lines = ["+++", f'id = "{QUIET_ID}"', f'title = "{title}"', 'module = "quiet"',
             'summary = "Silent practice with bells, no guidance."', f"minutes = {settings.minutes}",
             "+++", "", f"# {title}", ""]
    if settings.ambience:
        lines.append(f"[ambience {settings.ambience} {settings.ambience_percent}%]")
    lines.append(f"[bell {settings.start_bell}]")
    position_ms = bell_ring_ms(settings.start_bell)
    for mark in marks:
        lines.append(f"[pause {mark - position_ms}ms]")
        lines.append(f"[bell {settings.interval_bell}]")
        position_ms = mark + bell_ring_ms(settings.interval_bell)
    lines.append(f"[pause {total_ms - position_ms}ms]")
    lines.append(f"[bell {settings.end_bell} {settings.end_strikes}]")
    if settings.ambience:
        lines.append("[ambience off]")
    return "\n".join(lines) + "\n"


def quiet_session(settings: QuietSettings) -> Session:
    """The quiet practice as a parsed session (play it with pacing 1.0 to keep its length)."""
    return parse_text(quiet_script(settings), Path(f"{QUIET_ID}.session.md"))
