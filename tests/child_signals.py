"""Signals for child processes that a test stops as a user would."""

from __future__ import annotations

import signal


def ctrl_c_reaches_child() -> None:
    """`preexec_fn` for a child that a test stops with SIGINT, as Ctrl-C in a terminal does.

    A shell without job control starts background commands with SIGINT ignored, and a
    child inherits that (Python then installs no KeyboardInterrupt handler): a suite
    started that way saw Ctrl-C ignored and these tests time out. The child gets the
    terminal's default instead.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)
