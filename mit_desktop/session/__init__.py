"""Session scripts: the format-v1 parser, the immutable session model, and the timeline.

Qt-free. See docs/session-scripts.md for the format.
"""
