"""Qt-free recording of a therapist's own narration (issue 18, "Record").

- `levels`: the live level of the microphone (peak and RMS in dBFS per block) and the
  "too quiet" / "clipping" warnings, with their thresholds.
- `sources`: the input devices (microphones) by the names people know them by.
- `capture`: one take from a microphone into a 48 kHz mono WAV, written atomically.
- `takes`: a take made ready for the session (silence trimmed, loudness matched) and
  paragraph-by-paragraph takes written into a session script as clips.
- `silences`: long silences in a whole take, proposed as reflection points and section
  starts; `whole_take` writes the session an Audacity label import would.

The GUI (``ui/studio/record*.py``) only draws these; `mit-desktop` can use them too.
"""
