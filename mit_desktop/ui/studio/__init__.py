"""The authoring studio: "Sessions I made" (a profile's own scripts) and the script editor
(colours, live checks, the timeline strip, previews, drafts; the work is done Qt-free in
:mod:`mit_desktop.authoring`), and recording narration (record*.py)."""
