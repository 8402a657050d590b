"""Qt-free authoring: the therapist's own session scripts (the "Sessions I made" folder of
each profile), checking a script as it is typed (the same messages as ``mit-desktop
validate``), the estimated timeline strip under the editor, previews of the part under the
cursor, and drafts that survive the program being closed or killed."""
