"""What the window remembers between runs: geometry, last profile, display and listening
preferences. One small JSON file in the data folder, written atomically (temp file,
fsync, rename), so a crash never leaves half a file. Qt-free on purpose.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mit_desktop import paths
from mit_desktop.session.vocabulary import AMBIENCE_NAMES

HANDS_FREE = "hands-free"  # as mit_desktop.session.timeline (not imported: start-up time)
MODES = (HANDS_FREE, "interactive")

log = logging.getLogger(__name__)

FILE_NAME = "gui-state.json"
TEXT_SCALES = (100, 125, 150, 175, 200)


@dataclass
class ListeningPrefs:
    """One profile's listening preferences (defaults follow ``ListeningSettings``)."""

    voice: str | None = None
    rate: float = 0.75
    pacing: float = 1.0
    mode: str = HANDS_FREE
    ambience: str | None = None  # None: as each session has it; "off"; or a bed's name
    voice_clarity: bool = False  # background lower still, the voice's presence lifted
    voice_volume: float = 1.0
    bells_volume: float = 1.0
    ambience_volume: float = 1.0
    region: str | None = None

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ListeningPrefs:
        prefs = cls()
        for f in dataclasses.fields(cls):
            if f.name in raw:
                setattr(prefs, f.name, raw[f.name])
        if prefs.mode not in MODES:
            prefs.mode = HANDS_FREE
        if prefs.ambience not in (None, "off", *AMBIENCE_NAMES):
            prefs.ambience = None
        prefs.voice_clarity = prefs.voice_clarity is True
        prefs.rate = min(2.0, max(0.5, float(prefs.rate)))
        prefs.pacing = min(4.0, max(0.25, float(prefs.pacing)))
        for name in ("voice_volume", "bells_volume", "ambience_volume"):
            setattr(prefs, name, min(1.5, max(0.0, float(getattr(prefs, name)))))
        return prefs


@dataclass
class GuiState:
    """Everything the GUI persists. ``text_scale`` is a percentage (100-200)."""

    geometry: str = ""
    last_profile_id: int | None = None
    text_scale: int = 100
    high_contrast: bool = False
    #: The sound device's name (as the audio library lists it); None: the system default.
    output_device: str | None = None
    listening: dict[str, ListeningPrefs] = field(default_factory=dict)

    #: not saved: a sentence for the window when the saved file was set aside
    load_notice = ""

    def prefs(self, profile_id: int | None) -> ListeningPrefs:
        """The listening preferences of a profile (created with defaults if new)."""
        key = str(profile_id)
        if key not in self.listening:
            self.listening[key] = ListeningPrefs()
        return self.listening[key]

    def forget_profile(self, profile_id: int) -> None:
        """Drop a deleted profile's preferences (a new profile may get its id again)."""
        self.listening.pop(str(profile_id), None)
        if self.last_profile_id == profile_id:
            self.last_profile_id = None

    def to_json(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        return data

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> GuiState:
        state = cls()
        state.geometry = str(raw.get("geometry", ""))
        last = raw.get("last_profile_id")
        state.last_profile_id = last if isinstance(last, int) else None
        scale = raw.get("text_scale", 100)
        state.text_scale = min(200, max(100, int(scale))) if isinstance(scale, (int, float)) else 100
        state.high_contrast = bool(raw.get("high_contrast", False))
        device = raw.get("output_device")
        state.output_device = device if isinstance(device, str) and device else None
        for key, value in (raw.get("listening") or {}).items():
            if isinstance(value, dict):
                state.listening[str(key)] = ListeningPrefs.from_json(value)
        return state


def state_path() -> Path:
    return paths.data_dir() / FILE_NAME


MAX_STATE_BYTES = 1_000_000


def _set_aside(path: Path) -> Path | None:
    """Rename a bad settings file to ``NAME.bad-N`` beside it (never overwriting)."""
    for n in range(1, 1000):
        target = path.with_name(f"{path.name}.bad-{n}")
        if not target.exists():
            try:
                path.rename(target)
            except OSError as exc:
                log.warning("could not set %s aside: %s", path, exc)
                return None
            return target
    return None


def load_state(path: Path | None = None) -> GuiState:
    """The saved state, or defaults if there is none or it cannot be read. Never raises.

    A file that is not valid settings (any content at all, however crafted) is set
    aside as ``gui-state.json.bad-N`` and defaults are used; the returned state's
    ``load_notice`` then says so in a sentence for the window ('' otherwise).
    """
    state = GuiState()
    try:
        path = path or state_path()
        if path.stat().st_size > MAX_STATE_BYTES:
            raise ValueError("the file is far too large")
        raw = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(raw, dict):
            raise ValueError("it does not hold settings")
        state = GuiState.from_json(raw)
    except FileNotFoundError:
        pass
    except Exception as exc:  # noqa: BLE001 - anything in this file must not stop the window
        log.warning("could not read the window settings (%s); using defaults", type(exc).__name__)
        kept = _set_aside(path) if isinstance(path, Path) and path.is_file() else None
        where = f" (the old file is kept as {kept.name})" if kept else ""
        state = GuiState()
        state.load_notice = ("Your window settings (text size, contrast, sound device, "
                             f"listening choices) could not be read, so the usual ones are "
                             f"used{where}.")
    return state


def save_state(state: GuiState, path: Path | None = None) -> None:
    """Write the state atomically; a failure is logged, never raised to the user."""
    from mit_desktop.fsutil import atomic_writer

    try:
        path = path or state_path()
        with atomic_writer(path, 0o600) as handle:
            handle.write(json.dumps(state.to_json(), indent=1).encode("utf-8"))
    except OSError as exc:
        log.warning("could not save the window state to %s: %s", path, exc)
