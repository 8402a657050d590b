"""Qt-free rendering: speech, program-made sounds (bells, ambience), clips, cache."""
