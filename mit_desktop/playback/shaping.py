"""Listener volumes and declick fades, applied to the mixer's output by absolute position.

The mixer gives every sample as a function of its position; the player adds
two things on top, also as functions of position so that re-mixing a range
(after dropping unstarted blocks) gives the same samples again:

- per-stem volumes that ramp linearly over `ramp` samples from `ramp_start`
  when changed while playing (no click);
- a fade-in over `declick` samples from `fade_in_at` after a pause or seek.

With steady volumes and no fade, :meth:`BlockShaper.render` is exactly
`Mixer.render(start, n, gains)`, so default playback equals `render`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from mit_desktop.render.mixer import STEMS, Mixer, StemGains


class BlockShaper:
    """Volumes (linear, per stem) and fades for blocks of one session's audio."""

    def __init__(self, gains: StemGains, ramp: int, declick: int) -> None:
        self.ramp = max(1, ramp)
        self.declick = declick
        self.gains = dataclasses.replace(gains)  # where any ramp ends
        self._from = dataclasses.replace(gains)  # where the last ramp started
        self._ramp_start = -(10**12)
        self.fade_in_at: int | None = None

    def _curve(self, stem: str, positions: np.ndarray) -> np.ndarray | float:
        """The stem's gain at each absolute sample position (a float while not ramping)."""
        start, end = float(getattr(self._from, stem)), float(getattr(self.gains, stem))
        if start == end:
            return end
        t = np.clip((positions - self._ramp_start + 1) / self.ramp, 0.0, 1.0)
        curve: np.ndarray = (start + (end - start) * t).astype(np.float32)
        return curve

    def gain_at(self, stem: str, position: int) -> float:
        value = self._curve(stem, np.array([position], dtype=np.float64))
        return float(value if isinstance(value, float) else value[0])

    def set_gains(self, gains: StemGains, ramp_from: int | None) -> None:
        """New volumes: ramped from the sample `ramp_from` on, or at once (None: not playing)."""
        if ramp_from is None:
            self._from = dataclasses.replace(gains)
        else:
            self._from = StemGains(*(self.gain_at(s, ramp_from) for s in STEMS))
            self._ramp_start = ramp_from
        self.gains = dataclasses.replace(gains)

    def settle_gains(self) -> None:
        """End any ramp at its target (after a seek nothing is ramping any more)."""
        self._from = dataclasses.replace(self.gains)

    def steady(self, start: int, n: int) -> bool:
        """No ramp and no fade touch samples [start, start+n)."""
        ramping = self._ramp_start + self.ramp > start and self._from != self.gains
        fade = self.fade_in_at
        fading = fade is not None and fade + self.declick > start and fade < start + n
        return not ramping and not fading

    def render(self, mixer: Mixer, start: int, n: int) -> np.ndarray:
        """Float32 samples [start, start+n) with volumes and fades applied."""
        if self.steady(start, n):
            return mixer.render(start, n, self.gains)
        positions = np.arange(start, start + n, dtype=np.float64)
        stems = mixer.render_stems(start, n)
        audio = (
            stems["voice"] * self._curve("voice", positions)
            + stems["bells"] * self._curve("bells", positions)
            + stems["ambience"] * self._curve("ambience", positions)
        )
        fade = self.fade_in_at
        if fade is not None and fade + self.declick > start:
            envelope = np.clip((positions - fade + 1) / (self.declick + 1), 0.0, 1.0)
            audio = audio * envelope.astype(np.float32)
        return np.asarray(audio, dtype=np.float32)
