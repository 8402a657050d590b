"""What every screen shares: the history store, the background task manager, the
remembered GUI state, the current profile and (created on first use) the player.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from mit_desktop.ui.state import GuiState, ListeningPrefs, save_state
from mit_desktop.ui.workers import TaskManager

if TYPE_CHECKING:
    from mit_desktop.history import HistoryStore, Profile
    from mit_desktop.playback.player import Player
    from mit_desktop.ui.preparer import Preparer

log = logging.getLogger(__name__)


def _default_player(device: str | None = None) -> Player:
    from mit_desktop.playback.output import create_backend
    from mit_desktop.playback.player import Player

    return Player(backend=create_backend(None, device=device), fallback="pause")


def first_profile(store: HistoryStore, last_profile_id: int | None, new_name: str) -> Profile:
    """(database lane) The profile the window opens with: the one used last if it is still
    there, else the first by name; a caregiver's profile named `new_name` when there is
    none."""
    profiles = store.list_profiles()
    for profile in profiles:
        if profile.id == last_profile_id:
            return profile
    if profiles:
        return profiles[0]
    return store.get_profile(store.create_profile(new_name, "caregiver"))


class AppContext(QObject):
    """Shared services. ``profileChanged`` fires when another profile is chosen."""

    profileChanged = Signal(int)
    historyChanged = Signal()  # a practice, check-in or reflection was written

    def __init__(self, store: HistoryStore, state: GuiState, tasks: TaskManager | None = None,
                 player_factory: Callable[[], Player] | None = None) -> None:
        super().__init__()
        self.store = store
        self.state = state
        self.tasks = tasks or TaskManager()
        self._player_factory = player_factory or (lambda: _default_player(state.output_device))
        self._player: Player | None = None
        self._preparer: Preparer | None = None  # made by preparer_for() on first use
        self.notices: list[str] = []  # sentences to show once the window is open
        # read on the database lane while start-up waits (nothing is shown for no profile)
        last, me = state.last_profile_id, self.tr("Me")
        self.profile: Profile = self.tasks.db_now(lambda: first_profile(store, last, me))
        self.profile_id: int = self.profile.id  # both refreshed on the database lane

    @property
    def player(self) -> Player:
        if self._player is None:
            self._player = self._player_factory()
        return self._player

    def set_output_device(self, device: str | None) -> None:
        """Remember the sound device (None: the system default); the player uses it at once."""
        self.state.output_device = device
        self.save_state()
        if self._player is not None and self._player.backend.name == "stream":
            from mit_desktop.playback.output import create_backend

            self._player.set_backend(create_backend("stream", device=device))

    def new_player(self) -> Player:
        """A player of its own (the script editor's previews: what it plays is no practice in
        the history), made as the practice's player is; its owner closes it."""
        return self._player_factory()

    @property
    def has_player(self) -> bool:
        return self._player is not None

    @property
    def prefs(self) -> ListeningPrefs:
        return self.state.prefs(self.profile_id)

    def set_profile(self, profile_id: int) -> None:
        """Switch to another profile (read on the database thread), then ``profileChanged``."""
        if profile_id == self.profile_id:
            return

        def switched(profile: Profile) -> None:
            self.profile_id, self.profile = profile_id, profile
            self.state.last_profile_id = profile_id
            self.save_state()
            self.profileChanged.emit(profile_id)

        store = self.store
        self.db(lambda: store.get_profile(profile_id), switched)

    def reload_profile(self, then: Callable[[], None] | None = None) -> None:
        """Read the current profile again (after a change), then call `then`."""
        store, pid = self.store, self.profile_id

        def loaded(profile: Profile) -> None:
            if profile.id == self.profile_id:
                self.profile = profile
            if then is not None:
                then()

        self.db(lambda: store.get_profile(pid), loaded)

    def save_state(self) -> None:
        self.state.last_profile_id = self.profile_id
        save_state(self.state)

    def db(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
           on_error: Callable[[BaseException], None] | None = None) -> None:
        """Run history-store work on the database thread."""
        self.tasks.db(fn, on_done, on_error)

    def close(self) -> None:
        if self._preparer is not None:  # the worker process ends with the window
            self._preparer.cancel()
        if self._player is not None:
            try:
                self._player.close()
            except Exception:
                log.warning("closing the player failed", exc_info=True)
        self.tasks.wait()
