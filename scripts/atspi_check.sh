#!/usr/bin/env bash
# Optional, manual (not a test): the real window on a private X server and D-Bus session,
# read over the real AT-SPI bus, and what the Orca screen reader says about it.
#
#   bash scripts/atspi_check.sh [OUT_DIR]
#
# Needs the Debian packages xvfb, at-spi2-core, python3-pyatspi, orca and xdotool
# (apt-get install --no-install-recommends orca python3-pyatspi xvfb xdotool). Uses a fresh
# data folder, so the first-run notice shows first. Writes OUT_DIR/tree.txt (every accessible object: role,
# name, value, description) and OUT_DIR/orca.txt (the lines Orca would have spoken).
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-build/atspi}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
export MIT_DESKTOP_DATA_DIR="$(mktemp -d)" MIT_DESKTOP_CACHE_DIR="$(mktemp -d)"
export ATSPI_OUT="$OUT"
exec xvfb-run -a -s "-screen 0 1024x768x24" dbus-run-session -- bash scripts/atspi_session.sh
