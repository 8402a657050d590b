"""Loudness targets and gain helpers shared by the mixer.

Narration and clips are normalised to the same active RMS; bells to a fixed
peak; ambience beds (RMS 0.1 as made) scaled by the script's level, so
`[ambience stream 15%]` sits 16.5 dB under the voice, and ducked a further
6 dB under speech.
"""

from __future__ import annotations

import numpy as np

VOICE_RMS = 0.1  # -20 dBFS, active parts of narration and clips
VOICE_PEAK_LIMIT = 0.89  # -1 dBFS
BELL_PEAK = {"bowl": 0.45, "chime": 0.4, "soft": 0.22}
AMBIENCE_REFERENCE_RMS = 0.1
DUCK_GAIN = 0.5  # -6 dB under speech and clips
DUCK_RAMP_MS = 400
DUCK_BRIDGE_MS = 2500  # gaps shorter than this between voice stay ducked (no pumping)
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
