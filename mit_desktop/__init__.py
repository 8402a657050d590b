"""MIT Desktop: a guided-practice player for Mentalizing Imagery Therapy."""

__version__ = "0.1.0"
