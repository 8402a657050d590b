"""The names a session script may use: directives, inputs, bells, ambience beds, modules.

Kept here (not in render/) so the parser validates names without importing the
audio code; tests check that render/ provides a sound for every name listed.
"""

from __future__ import annotations

DIRECTIVES: tuple[str, ...] = ("pause", "bell", "ambience", "clip", "reflect", "voice", "rate")
REFLECT_INPUTS: tuple[str, ...] = ("body-map", "note", "rating")
BELL_NAMES: tuple[str, ...] = ("bowl", "chime", "soft")
DEFAULT_BELL = "bowl"
AMBIENCE_NAMES: tuple[str, ...] = ("stream", "rain", "ocean", "drone")
PROGRAM_MODULE_IDS: tuple[str, ...] = (
    "stretch-breathe",
    "eye-center",
    "nesting-doll",
    "situation-solver",
    "life-globe",
    "bam",
)
"""The MIT program's modules, in program order."""
MODULE_IDS: tuple[str, ...] = PROGRAM_MODULE_IDS + ("quiet", "recording")
"""What a script's `module` may say: a program module, a quiet practice, or an imported recording."""
FRONT_MATTER_KEYS: tuple[str, ...] = (
    "id",
    "title",
    "module",
    "summary",
    "language",
    "minutes",
    "voice",
    "rate",
    "safety",
    "variables",
)
MAX_BELL_STRIKES = 12
MIN_RATE = 0.5
MAX_RATE = 2.0
DEFAULT_REFLECT_MS = 30_000
DEFAULT_AMBIENCE_PERCENT = 15
