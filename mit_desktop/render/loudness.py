"""The program's one loudness measure: ITU-R BS.1770-4 integrated loudness, in LUFS.

Used by everything that measures or matches loudness: the voice (each sentence is brought
to :data:`~mit_desktop.render.levels.VOICE_LUFS`), recorded clips (measured while they are
decoded, then brought to the same target), recorded takes (`recording.trim`) and the
analyser's report (`render.analysis`). So a therapist's recording and the synthetic voice
are matched by the same numbers the report shows. pyloudnorm is the test oracle.

The measure: K-weighting (BS.1770's two pre-filter biquads), mean square over 400 ms
blocks with 75 % overlap, an absolute gate at -70 LUFS, then a relative gate 10 LU under
the mean of the blocks that passed. Streaming: :class:`LoudnessMeter` is fed blocks in
order, so an hour-long recording never sits in memory. Audio shorter than one block
(a single short word) is measured over all of it, with the absolute gate only, so it
still gets a level; silence is ``-inf``.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.signal import lfilter

ABS_GATE_LUFS = -70.0
REL_GATE_LU = -10.0
BLOCK_MS = 400
STEP_MS = 100  # a quarter block: the blocks overlap by 75 %


def k_weighting(sample_rate: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The two BS.1770 pre-filter biquads (high shelf, then high pass) for `sample_rate`, as (b, a)."""
    k = math.tan(math.pi * 1681.974450955533 / sample_rate)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh ** 0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (np.array([(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0,
                       (vh - vb * k / q + k * k) / a0]),
             np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]))
    k = math.tan(math.pi * 38.13547087602444 / sample_rate)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    highpass = (np.array([1.0, -2.0, 1.0]),
                np.array([1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]))
    return [shelf, highpass]


def _lufs(mean_square: float | np.floating) -> float:
    return float(-0.691 + 10 * np.log10(max(float(mean_square), 1e-30)))


class LoudnessMeter:
    """Streaming integrated loudness of mono audio (see module docstring): ``feed()`` blocks
    of float samples (full scale 1.0) in order, then ``lufs()``."""

    def __init__(self, sample_rate: int) -> None:
        self.filters = k_weighting(sample_rate)
        self.states = [np.zeros(2) for _ in self.filters]
        self.step = max(1, sample_rate * STEP_MS // 1000)
        self._pending = np.zeros(0)
        self._quarters: list[float] = []
        self._sum_squares = 0.0
        self._samples = 0

    def feed(self, audio: np.ndarray) -> None:
        x = np.asarray(audio, dtype=np.float64)
        for i, (b, a) in enumerate(self.filters):
            x, self.states[i] = lfilter(b, a, x, zi=self.states[i])
        # Not `x @ x`: OpenBLAS shares a long dot product out to a worker thread, which then
        # spins for a while; the player measures each new sentence as it mixes it, and
        # that spinning was a quarter of its CPU while playing.
        self._sum_squares += float(np.square(x).sum())
        self._samples += x.size
        x = np.concatenate([self._pending, x])
        n = len(x) // self.step * self.step
        if n:
            self._quarters.extend(np.mean(x[:n].reshape(-1, self.step) ** 2, axis=1).tolist())
        self._pending = x[n:]

    def lufs(self) -> float:
        """Integrated loudness in LUFS; ``-inf`` for silence (nothing above the absolute gate)."""
        q = np.array(self._quarters)
        if len(q) < 4:  # shorter than one block: all of it, absolute gate only
            if not self._samples:
                return float("-inf")
            whole = _lufs(self._sum_squares / self._samples)
            return whole if whole > ABS_GATE_LUFS else float("-inf")
        blocks = (q[:-3] + q[1:-2] + q[2:-1] + q[3:]) / 4
        loud = -0.691 + 10 * np.log10(np.maximum(blocks, 1e-30))
        gated = blocks[loud > ABS_GATE_LUFS]
        if not len(gated):
            return float("-inf")
        relative = _lufs(np.mean(gated)) + REL_GATE_LU
        return _lufs(np.mean(blocks[(loud > ABS_GATE_LUFS) & (loud > relative)]))


def loudness_lufs(samples: np.ndarray, sample_rate: int) -> float:
    """The integrated loudness of mono float ``samples`` in LUFS (``-inf`` for silence)."""
    meter = LoudnessMeter(sample_rate)
    meter.feed(samples)
    return meter.lufs()
