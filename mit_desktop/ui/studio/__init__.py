"""The authoring studio: writing sessions, recording narration (record*.py)."""
