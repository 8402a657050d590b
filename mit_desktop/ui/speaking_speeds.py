"""The speaking speeds a listener can choose, in plain words (Settings and the player
offer the same ones)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication


def speaking_speeds() -> list[tuple[float, str]]:
    """The speeds a listener can choose (rate multiplier, plain words), slowest first."""
    def tr(text: str) -> str:
        return QCoreApplication.translate("SpeakingSpeed", text)

    return [(0.6, tr("Very slow (the voice may sound blurred)")), (0.65, tr("Slow")),
            (0.75, tr("Unhurried (usual)")), (0.85, tr("A little quicker")),
            (1.0, tr("The voice's natural speed"))]
