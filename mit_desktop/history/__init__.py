"""Practice history: the Qt-free SQLite store, statistics, reminders, export.

The player and the GUI use :class:`HistoryStore` (``store.py``); statistics
live in ``stats.py``, reminder logic in ``reminders.py``, export in
``export.py`` and the ``history`` command line in ``cli.py``. Nothing here
imports Qt.
"""

from mit_desktop.history.errors import (
    AlreadyRunningError,
    BackupError,
    CorruptDatabaseError,
    HistoryError,
    InvalidInputError,
    NewerDatabaseError,
    UnknownPracticeError,
    UnknownProfileError,
    UnusableHistoryError,
)
from mit_desktop.history.models import (
    BodyMapRecord,
    CheckIn,
    Practice,
    Profile,
    Reflection,
    SafetyEvent,
)
from mit_desktop.history.settings import ProfileSettings
from mit_desktop.history.store import HistoryStore

__all__ = [
    "AlreadyRunningError",
    "BackupError",
    "BodyMapRecord",
    "CheckIn",
    "CorruptDatabaseError",
    "HistoryError",
    "HistoryStore",
    "InvalidInputError",
    "NewerDatabaseError",
    "Practice",
    "Profile",
    "ProfileSettings",
    "Reflection",
    "SafetyEvent",
    "UnknownPracticeError",
    "UnknownProfileError",
    "UnusableHistoryError",
]
