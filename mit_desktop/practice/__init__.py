"""The Qt-free application layer: recording a practice (:mod:`.recorder`), writing a
reflection's answers to the right record (:mod:`.answers`) and the help a check-in offers
(:mod:`.checkin_support`). Used by the GUI and the CLI alike."""
