"""A therapist's own short script with three paragraphs (two notes, a variable, a reflection),
for the paragraph-by-paragraph recording tests."""

from __future__ import annotations

SCRIPT = """+++
id = "my-arriving"
title = "Arriving"
[variables]
loved_one = "your mother"
+++

# Arriving

[bell]
Find a position that lets you be both relaxed and alert.
// a note to myself
Let your eyes close.
// another note

Now picture {loved_one} sitting in front of you.
[reflect 30s note: What might {loved_one} be feeling?]

Bring your attention back to the room.
"""
