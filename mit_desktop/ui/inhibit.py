"""Keep the computer awake during a practice, through the desktop's standard D-Bus
interfaces: ``org.freedesktop.ScreenSaver.Inhibit`` on the session bus (screen saver
and, on most desktops, idle suspend); and pause before a suspend (logind's
``PrepareForSleep``) so the position is kept exactly. Where QtDBus or a
session bus is missing (Windows, macOS, a bare test machine) it silently does nothing.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import SLOT, QObject, Signal, Slot

log = logging.getLogger(__name__)

APP = "MIT Desktop"


class SleepInhibitor:
    """``inhibit(reason)`` while a practice plays, ``release()`` when it stops. Idempotent."""

    def __init__(self) -> None:
        self._cookie: int | None = None
        self._iface = None
        try:
            from PySide6.QtDBus import QDBusConnection, QDBusInterface
        except ImportError:
            log.info("QtDBus not available: the computer may sleep during a practice")
            return
        bus = QDBusConnection.sessionBus()
        if not bus.isConnected():
            log.info("no D-Bus session bus: the computer may sleep during a practice")
            return
        iface = QDBusInterface("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver",
                               "org.freedesktop.ScreenSaver", bus)
        if iface.isValid():
            self._iface = iface

    @property
    def available(self) -> bool:
        return self._iface is not None

    @property
    def active(self) -> bool:
        return self._cookie is not None

    def inhibit(self, reason: str) -> None:
        if self._iface is None or self._cookie is not None:
            return
        try:
            reply = self._iface.call("Inhibit", APP, reason)
            args = reply.arguments()
            if args:
                self._cookie = int(args[0])
                log.info("screen saver inhibited (%s)", reason)
        except Exception:  # never let keeping awake break a practice
            log.warning("could not inhibit the screen saver", exc_info=True)

    def release(self) -> None:
        if self._iface is None or self._cookie is None:
            return
        try:
            self._iface.call("UnInhibit", self._cookie)
        except Exception:
            log.warning("could not release the screen-saver inhibition", exc_info=True)
        self._cookie = None



class SleepWatcher(QObject):
    """Emits ``aboutToSleep`` when the computer is about to suspend (systemd-logind's
    ``PrepareForSleep`` on the system bus), so the practice can pause at an exact
    position first; after waking, Play goes on from there. Silent where unavailable."""

    aboutToSleep = Signal()
    woke = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.connected = False
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return
        bus = QDBusConnection.systemBus()
        if not bus.isConnected():
            return
        self.connected = bus.connect("org.freedesktop.login1", "/org/freedesktop/login1",
                                     "org.freedesktop.login1.Manager", "PrepareForSleep",
                                     # PySide6's stub wants the slot as bytes; SLOT() gives
                                     # the str PySide6 takes
                                     self, SLOT("prepare_for_sleep(bool)"))  # type: ignore[call-overload]
        log.info("watching for suspend: %s", self.connected)

    @Slot(bool)
    def prepare_for_sleep(self, going: bool) -> None:
        (self.aboutToSleep if going else self.woke).emit()
