"""Every ``mit-desktop`` command: :mod:`.main` builds the parser; one module per command group
(:mod:`.play`, :mod:`.history`, :mod:`.bodymap`, :mod:`.report`); :mod:`.play_history` records a
practice played from the terminal. The only layer that may import every other one."""

from mit_desktop.cli.main import main

__all__ = ["main"]
