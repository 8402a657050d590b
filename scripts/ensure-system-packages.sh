#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages MIT Desktop needs, when run as root;
# otherwise names the missing ones and stops. Other systems: says what to check.
set -euo pipefail

# Usage: ensure-system-packages.sh [test]   ("test" adds what only the tests need)
#
# libportaudio2: PortAudio, the audio library the sound output plays through (sounddevice).
# gcc, python3-dev: for a Python package that has no wheel for this machine.
# libxcb-*, libxkbcommon-x11-0, libegl1, libgl1, libfontconfig1, libdbus-1-3, libwayland-*: the
# libraries Qt's X11 and Wayland window plugins load (make run).
# xvfb: a virtual screen, for the test that opens the real window.
needed=(libportaudio2 gcc python3-dev python3-venv libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 libegl1 libgl1 libfontconfig1 libdbus-1-3 libwayland-cursor0 libwayland-egl1 xvfb)

# For the tests only: pulseaudio, pulseaudio-utils, libasound2-plugins: a private PulseAudio
# server with a null sink, so the real-time playback tests hear what a listener would, with no
# sound card (libasound2-plugins routes ALSA's default device to a running PulseAudio server).
# Not on a machine whose sound is PipeWire's (pipewire-pulse): installing pulseaudio would
# replace it; there the real-time tests say what is missing.
if [ "${1:-}" = "test" ]; then
  needed+=(libasound2-plugins pulseaudio-utils)
  if ! dpkg-query -W -f='${Status}' pipewire-pulse 2>/dev/null | grep -q "ok installed"; then
    needed+=(pulseaudio)
  fi
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "setup: not a Debian/Ubuntu system; make sure PortAudio (libportaudio) is installed, and PulseAudio for the real-time tests." >&2
  exit 0
fi

missing=()
for pkg in "${needed[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in *"ok installed"*) ;; *) missing+=("$pkg") ;; esac
done
# python3-dev/python3-venv only matter for Debian's own python3; a pyenv or other Python ships its own.
if ! python3 -c 'import sysconfig,os,sys; sys.exit(0 if os.path.exists(os.path.join(sysconfig.get_paths()["include"],"Python.h")) else 1)' 2>/dev/null; then :; else
  filtered=(); for p in "${missing[@]}"; do [[ "$p" == python3-dev || "$p" == python3-venv ]] || filtered+=("$p"); done
  missing=("${filtered[@]+"${filtered[@]}"}")
fi

[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: these system packages are missing: ${missing[*]}" >&2
  echo "setup: install them with:  sudo apt-get install ${missing[*]}" >&2
  echo "setup: then run the make command again." >&2
  exit 1
fi
