"""Loudness targets and gain helpers shared by the mixer.

Narration and clips are normalised to the same active RMS; bells to a fixed
peak; ambience beds (RMS 0.1 as made) scaled by the script's level, so
`[ambience stream 15%]` sits 16.5 dB under the voice between sentences, and are
ducked a further UNDER_VOICE_DB while the voice speaks (see `Ducking`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

VOICE_RMS = 0.1  # -20 dBFS, active parts of narration and clips
VOICE_PEAK_LIMIT = 0.89  # -1 dBFS
BELL_PEAK = {"bowl": 0.45, "chime": 0.4, "soft": 0.22}
AMBIENCE_REFERENCE_RMS = 0.1
DUCK_RAMP_MS = 600  # the bed is fully down this long before a voice starts
DUCK_RELEASE_MS = 2500  # and rises back over this long after it ends (gently: no pumping)
DUCK_BRIDGE_MS = 4000  # gaps shorter than this between voice stay ducked (sentence and paragraph gaps)


@dataclass(frozen=True)
class Ducking:
    """Where the ambience bed sits, in dB relative to the script's level.

    `bed_db` applies throughout; `under_voice_db` is added while narration or a clip
    plays, reached DUCK_RAMP_MS before the voice starts and left over DUCK_RELEASE_MS
    after it ends, along a raised-cosine curve in dB (the ear hears level in dB, so a
    linear-in-dB move sounds even). Gaps shorter than DUCK_BRIDGE_MS stay down.
    """

    bed_db: float
    under_voice_db: float


#: The default: the bed drops 20 dB under the voice (and a pitched bed, ambience.PITCHED,
#: turns into its unpitched wash as it drops), so with every default bed the offline
#: recogniser's word error is within a few points of no bed at all (bench_speech).
DUCKING = Ducking(bed_db=0.0, under_voice_db=-20.0)
#: "Voice clarity" (for hearing aids): the whole bed 6 dB lower, and lower still under the voice.
CLARITY_DUCKING = Ducking(bed_db=-6.0, under_voice_db=-24.0)
#: Voice clarity lifts the voice's presence range (consonants: 2 to 5 kHz) by this much.
CLARITY_PRESENCE_DB = 4.0
AMBIENCE_FADE_MS = 3000
SPEECH_FADE_IN_MS = 5
SPEECH_FADE_OUT_MS = 20
CLIP_FADE_MS = 20
PHRASE_EDGE_FADE_MS = 10  # where a phrase's quiet edge was trimmed (already below -45 dBFS)
_FRAME_MS = 20
_ACTIVE_FLOOR = 10 ** (-45 / 20)


def active_rms(audio: np.ndarray, sample_rate: int) -> float:
    """RMS of the 20 ms frames louder than -45 dBFS (0.0 if none): loudness of what is heard."""
    frame = max(1, sample_rate * _FRAME_MS // 1000)
    n = len(audio) // frame * frame
    if n == 0:
        return 0.0
    frames = audio[:n].astype(np.float64).reshape(-1, frame)
    energy = np.mean(frames**2, axis=1)
    active = energy[energy > _ACTIVE_FLOOR**2]
    return float(np.sqrt(np.mean(active))) if len(active) else 0.0


def voice_gain(rms: float, peak: float) -> float:
    """Gain bringing audio of this active RMS to VOICE_RMS without its peak passing the limit."""
    if rms <= 0.0:
        return 1.0
    gain = VOICE_RMS / rms
    if peak > 0:
        gain = min(gain, VOICE_PEAK_LIMIT / peak)
    return gain


def fade_envelope(length: int, offset: int, total: int, fade_in: int, fade_out: int) -> np.ndarray:
    """Gain for samples [offset, offset+length) of a sound `total` long with linear fades."""
    index = np.arange(offset, offset + length, dtype=np.float32)
    gain = np.ones(length, dtype=np.float32)
    if fade_in > 0:
        gain = np.minimum(gain, (index + 1) / fade_in)
    if fade_out > 0:
        gain = np.minimum(gain, (total - index) / fade_out)
    return np.clip(gain, 0.0, 1.0)


def to_int16(audio: np.ndarray) -> np.ndarray:
    """float [-1, 1] -> int16, clipping anything beyond full scale."""
    return np.round(np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
