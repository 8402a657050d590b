"""Start MIT Desktop at login: an XDG autostart entry (Qt-free).

Desktop environments that follow the XDG Autostart specification (GNOME, KDE,
Xfce, Cinnamon, MATE, LXQt …) start every ``*.desktop`` file in
``$XDG_CONFIG_HOME/autostart`` (default ``~/.config/autostart``) when the user
logs in. :func:`enable` writes ``mit-desktop.desktop`` there atomically
(temporary file, fsync, rename), :func:`disable` removes it, and
:func:`is_enabled` tells whether it is there.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from mit_desktop.fsutil import atomic_write_text

log = logging.getLogger(__name__)

FILE_NAME = "mit-desktop.desktop"
FILE_MODE = 0o644
_RESERVED = set(' \t\n"\'\\><~|&;$*?#()`')


def config_home(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME``, or ``~/.config`` when it is unset, empty or relative (per the spec)."""
    env = os.environ if env is None else env
    value = env.get("XDG_CONFIG_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    home = env.get("HOME") or str(Path.home())
    return Path(home) / ".config"


def autostart_path(env: Mapping[str, str] | None = None) -> Path:
    """Where the autostart entry lives: ``<config home>/autostart/mit-desktop.desktop``."""
    return config_home(env) / "autostart" / FILE_NAME


def default_command() -> list[str]:
    """The command that starts the desktop program: the ``mit-desktop`` script if installed."""
    script = shutil.which("mit-desktop")
    if script:
        return [os.path.abspath(script), "gui"]
    return [sys.executable, "-m", "mit_desktop", "gui"]


def quote_exec_argument(arg: str) -> str:
    """Quote one argument for a desktop entry's ``Exec`` key (Desktop Entry spec 1.5).

    Arguments with reserved characters are put in double quotes, inside which
    ``"``, `````, ``$`` and ``\\`` are backslash-escaped; ``%`` is written ``%%``
    (a literal percent, not a field code). The result is then escaped once
    more as a string value (backslashes doubled) by :func:`desktop_entry`.
    """
    if not arg:
        return '""'
    arg = arg.replace("%", "%%")
    if not any(ch in _RESERVED for ch in arg):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


def _string_value(text: str) -> str:
    """Escape a desktop-entry string value (backslash, newline, tab)."""
    return (text.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t")
            .replace("\r", "\\r"))


def desktop_entry(command: Sequence[str], name: str = "MIT Desktop",
                  comment: str = "Guided practices of Mentalizing Imagery Therapy") -> str:
    """The text of the autostart ``.desktop`` file for ``command`` (program and arguments)."""
    if not command:
        raise ValueError("the autostart command cannot be empty")
    exec_line = " ".join(quote_exec_argument(arg) for arg in command)
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        f"Name={_string_value(name)}",
        f"Comment={_string_value(comment)}",
        f"Exec={_string_value(exec_line)}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        "",
    ]
    return "\n".join(lines)


def enable(command: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> Path:
    """Write (or replace) the autostart entry; return its path.

    ``command`` defaults to :func:`default_command`. Raises ``OSError`` if the
    folder cannot be written (the caller shows it; nothing half-written is left).
    """
    path = autostart_path(env)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(path, desktop_entry(list(command) if command else default_command()), FILE_MODE)
    log.info("start at login turned on: %s", path)
    return path


def disable(env: Mapping[str, str] | None = None) -> bool:
    """Remove the autostart entry; True if there was one."""
    path = autostart_path(env)
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    log.info("start at login turned off: %s removed", path)
    return True


def is_enabled(env: Mapping[str, str] | None = None) -> bool:
    """True when our autostart entry exists."""
    return autostart_path(env).is_file()


def set_enabled(on: bool, env: Mapping[str, str] | None = None) -> None:
    """:func:`enable` or :func:`disable`."""
    if on:
        enable(env=env)
    else:
        disable(env=env)


__all__ = [
    "autostart_path", "config_home", "default_command", "desktop_entry", "disable", "enable",
    "is_enabled", "quote_exec_argument", "set_enabled",
]
