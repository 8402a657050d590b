"""The immutable session model that the parser produces.

A session is its front matter plus an ordered tuple of cues. Text fields that
may hold ``{name}`` placeholders are kept as templates; the timeline fills
them in from the session's variables and the listener's profile.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType


@dataclass(frozen=True)
class Heading:
    """A section a therapist can jump to; not spoken."""

    title: str
    level: int
    line: int


@dataclass(frozen=True)
class Paragraph:
    """Narration: consecutive text lines joined with spaces (a template)."""

    text: str
    line: int


@dataclass(frozen=True)
class Pause:
    """Silence of `duration_ms`; ambience keeps playing."""

    duration_ms: int
    line: int


@dataclass(frozen=True)
class Bell:
    """`strikes` strikes of the bell sound `sound`."""

    sound: str
    strikes: int
    line: int


@dataclass(frozen=True)
class Ambience:
    """Start a background bed (`name`) at `level_percent`, or stop it (`name` None)."""

    name: str | None
    level_percent: int
    line: int


@dataclass(frozen=True)
class Clip:
    """A recorded file, optionally trimmed to [`from_us`, `to_us`) (microseconds, so a
    label time with six decimals is kept exactly; the timeline places it at the nearest sample)."""

    path: Path
    from_us: int | None
    to_us: int | None
    line: int


@dataclass(frozen=True)
class RatingScale:
    """What a reflection's 0-10 rating measures: the `question` and the words for its ends
    (`low` at 0, `high` at 10). All three are templates, like the prompt."""

    question: str
    low: str
    high: str


@dataclass(frozen=True)
class Reflect:
    """A reflection point: `prompt` (a template), the `inputs` offered, hands-free `duration_ms`.

    `scale` says what the rating measures (None: the script did not say; only with
    a `rating` input).
    """

    duration_ms: int
    inputs: tuple[str, ...]
    prompt: str
    line: int
    scale: RatingScale | None = None


@dataclass(frozen=True)
class VoiceChange:
    """Speak with `voice_id` from here on."""

    voice_id: str
    line: int


@dataclass(frozen=True)
class RateChange:
    """Speech rate multiplier from here on (1.0 = the voice's own pace)."""

    rate: float
    line: int


Cue = Heading | Paragraph | Pause | Bell | Ambience | Clip | Reflect | VoiceChange | RateChange


@dataclass(frozen=True)
class Session:
    """One parsed session script.

    `content_sha256` is the hash of the file's bytes: the session's version,
    recorded with every practice so history knows which text was heard.
    """

    id: str
    title: str
    path: Path
    content_sha256: str
    cues: tuple[Cue, ...]
    module: str | None = None
    summary: str = ""
    language: str = "en"
    minutes: float | None = None
    voice: str | None = None
    rate: float = 1.0
    safety: str = ""
    variables: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def reflections(self) -> tuple[Reflect, ...]:
        return tuple(c for c in self.cues if isinstance(c, Reflect))

    @property
    def headings(self) -> tuple[Heading, ...]:
        return tuple(c for c in self.cues if isinstance(c, Heading))

    @property
    def clips(self) -> tuple[Clip, ...]:
        return tuple(c for c in self.cues if isinstance(c, Clip))
