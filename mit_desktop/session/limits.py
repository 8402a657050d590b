"""The limits a session script must keep, so that no script can hang, flood or break the program.

Stated in docs/session-scripts.md ("Limits") and in every message that enforces them.
"""

from __future__ import annotations

MAX_SCRIPT_BYTES = 1_000_000
"""A script file may be at most 1 MB (the bundled scripts are under 10 kB)."""

MAX_LINE_CHARS = 10_000
"""One line may be at most 10,000 characters (a paragraph of about 1,500 words)."""

MAX_PROBLEMS = 100
"""Checking stops after this many problems in one file."""

MAX_CUE_MS = 60 * 60_000
"""One pause or reflection lasts at most 60 minutes."""

MAX_SESSION_MS = 4 * 60 * 60_000
"""A session lasts at most 4 hours at the normal pace: pauses, reflections, bells, clips and speech."""

MAX_TIMELINE_MS = 16 * 60 * 60_000
"""The timeline as played, with the slowest pacing (4×), is refused beyond 16 hours."""

MAX_CLIP_TIME_MS = 24 * 60 * 60_000
"""A position in a recording (`from`, `to`) is at most 24 hours."""

FASTEST_WORD_MS = 150
"""No voice speaks a word in less than 150 ms (400 words a minute): the parser's lower bound."""

BELL_STRIKE_MS = 5_000
"""Strikes of one bell are 5 s apart (the parser's lower bound for a bell's length)."""

MAX_SHOWN_CHARS = 40
"""Text quoted from the script in a message is shortened to this many characters."""


def shown(text: str, limit: int = MAX_SHOWN_CHARS) -> str:
    """`text` for quoting in a message: control characters made visible, long text cut with '…'."""
    clean = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text[: limit + 1])
    return clean if len(text) <= limit else clean[:limit] + "…"


def format_limit_ms(value_ms: int) -> str:
    """'60 minutes', '4 hours', '24 hours' for the limits above."""
    minutes = value_ms // 60_000
    if minutes % 60 == 0 and minutes >= 120:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"
