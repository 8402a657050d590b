"""Loudness targets and gain helpers shared by the mixer.

Narration and clips are brought to the same loudness (VOICE_LUFS, measured by the
program's one measure, `render.loudness`); bells to a fixed
peak; ambience beds (RMS 0.1 as made) scaled by the script's level, so
`[ambience stream 15%]` sits 16.5 dB under the voice between sentences, and are
ducked a further UNDER_VOICE_DB while the voice speaks (see `Ducking`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: the loudness of narration and clips (render.loudness, BS.1770): -22 LUFS is where the
#: Piper voice sat when it was levelled by a gated RMS of -20 dBFS (median of 8 sentences)
VOICE_LUFS = -22.0
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
#: turns into its unpitched wash as it drops, and fades out), so with every default bed the offline
#: recogniser's word error is within a few points of no bed at all (bench_speech).
DUCKING = Ducking(bed_db=0.0, under_voice_db=-20.0)
#: "Voice clarity" (for hearing aids): the whole bed 6 dB lower, and lower still under the voice.
CLARITY_DUCKING = Ducking(bed_db=-6.0, under_voice_db=-24.0)
#: A pitched bed (ambience.PITCHED: the drone) drops this much further under the voice, along
#: the same curve, as it turns into its unpitched wash: 80 dB down in all, below what 16-bit
#: audio holds, so under speech it is gone. Ducked 20 dB (as a wash) or 40 dB, the drone still
#: left the offline recogniser 3 to 5 points worse than no bed on new sentences (bench_speech).
PITCHED_EXTRA_UNDER_VOICE_DB = -60.0
#: Voice clarity lifts the voice's presence range (consonants: 2 to 5 kHz) by this much.
CLARITY_PRESENCE_DB = 4.0
AMBIENCE_FADE_MS = 3000
SPEECH_FADE_IN_MS = 5
SPEECH_FADE_OUT_MS = 20
CLIP_FADE_MS = 20
PHRASE_EDGE_FADE_MS = 10  # where a phrase's quiet edge was trimmed (already below -45 dBFS)
def voice_gain(lufs: float, peak: float) -> float:
    """Gain bringing audio of this loudness (LUFS, measured by :mod:`render.loudness`) to
    VOICE_LUFS without its peak passing VOICE_PEAK_LIMIT; 1.0 for silence (``-inf``)."""
    if not math.isfinite(lufs):
        return 1.0
    gain = 10.0 ** ((VOICE_LUFS - lufs) / 20.0)
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


def fade_out_ramp(length: int) -> np.ndarray:
    """Gains (float32) for a fade to silence over `length` samples: (length-1)/length down
    to 0, so the first faded sample is already below the sound's level and the last is
    silent. The player's declick at pause and stop; a cut is faded the same way."""
    return np.linspace(1.0, 0.0, length + 1, dtype=np.float32)[1:]


def to_int16(audio: np.ndarray) -> np.ndarray:
    """float [-1, 1] -> int16, clipping anything beyond full scale."""
    return np.round(np.clip(audio, -1.0, 1.0) * 32767.0).astype("<i2")
