"""Start at login: the XDG autostart entry is written atomically where the spec says."""

from __future__ import annotations

import configparser
import os
import stat
from pathlib import Path

import pytest

from mit_desktop import autostart


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {"HOME": str(tmp_path / "home"), "XDG_CONFIG_HOME": str(tmp_path / "config")}


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(path.read_text(encoding="utf-8"))
    return parser["Desktop Entry"]


def split_exec(value: str) -> list[str]:
    """Undo the desktop-entry string escape, then split Exec by the spec's quoting rules."""
    unescaped, i = [], 0
    while i < len(value):
        if value[i] == "\\" and i + 1 < len(value):
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(
                value[i + 1], "\\" + value[i + 1]))
            i += 2
        else:
            unescaped.append(value[i])
            i += 1
    text = "".join(unescaped)
    args, current, quoted, i, started = [], [], False, 0, False
    while i < len(text):
        ch = text[i]
        if quoted:
            if ch == "\\" and i + 1 < len(text) and text[i + 1] in '"`$\\':
                current.append(text[i + 1])
                i += 2
                continue
            if ch == '"':
                quoted = False
            else:
                current.append(ch)
        elif ch == '"':
            quoted, started = True, True
        elif ch == " ":
            if current or started:
                args.append("".join(current))
            current, started = [], False
        else:
            current.append(ch)
        i += 1
    if current or started:
        args.append("".join(current))
    return [a.replace("%%", "%") for a in args]


def test_path_follows_xdg_config_home(env: dict[str, str], tmp_path: Path) -> None:
    expected = tmp_path / "config" / "autostart" / "mit-desktop.desktop"
    assert autostart.autostart_path(env) == expected


@pytest.mark.parametrize("value", ["", "relative/config"])
def test_empty_or_relative_xdg_config_home_falls_back_to_dot_config(
    env: dict[str, str], tmp_path: Path, value: str
) -> None:
    env["XDG_CONFIG_HOME"] = value
    assert autostart.autostart_path(env) == tmp_path / "home" / ".config" / "autostart" / (
        "mit-desktop.desktop")


def test_default_environment_is_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert autostart.autostart_path() == tmp_path / "xdg" / "autostart" / "mit-desktop.desktop"


def test_enable_writes_a_valid_desktop_entry(env: dict[str, str]) -> None:
    path = autostart.enable(["/opt/mit/bin/mit-desktop", "gui"], env=env)
    assert path == autostart.autostart_path(env) and autostart.is_enabled(env)
    entry = read_entry(path)
    assert entry["Type"] == "Application"
    assert entry["Name"] == "MIT Desktop"
    assert split_exec(entry["Exec"]) == ["/opt/mit/bin/mit-desktop", "gui"]
    assert entry["Terminal"] == "false"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert sorted(p.name for p in path.parent.iterdir()) == ["mit-desktop.desktop"]


@pytest.mark.parametrize("awkward", [
    "/home/Ann Smith/.venv/bin/python",
    '/tmp/quote"d/py',
    "/tmp/dollar$HOME/py",
    "/tmp/back\\slash/py",
    "/tmp/100%/py",
    "/tmp/tick`/py",
])
def test_exec_round_trips_awkward_paths(env: dict[str, str], awkward: str) -> None:
    path = autostart.enable([awkward, "-m", "mit_desktop", "gui"], env=env)
    assert split_exec(read_entry(path)["Exec"]) == [awkward, "-m", "mit_desktop", "gui"]


def test_enable_replaces_and_disable_removes(env: dict[str, str]) -> None:
    autostart.enable(["old"], env=env)
    autostart.enable(["new", "gui"], env=env)
    assert split_exec(read_entry(autostart.autostart_path(env))["Exec"]) == ["new", "gui"]
    assert autostart.disable(env) is True
    assert not autostart.autostart_path(env).exists()
    assert autostart.is_enabled(env) is False
    assert autostart.disable(env) is False


def test_set_enabled_switches_both_ways(env: dict[str, str]) -> None:
    autostart.set_enabled(True, env=env)
    assert autostart.is_enabled(env)
    entry = read_entry(autostart.autostart_path(env))
    assert split_exec(entry["Exec"])[-1] == "gui"
    autostart.set_enabled(False, env=env)
    assert not autostart.is_enabled(env)


def test_failed_write_keeps_the_old_entry_and_leaves_no_temporary_file(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = autostart.enable(["old", "gui"], env=env)
    before = path.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        autostart.enable(["new"], env=env)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["mit-desktop.desktop"]


def test_default_command_starts_the_gui() -> None:
    command = autostart.default_command()
    assert command[-1] == "gui" and os.path.isabs(command[0])


def test_empty_command_is_refused() -> None:
    with pytest.raises(ValueError):
        autostart.desktop_entry([])
