#!/usr/bin/env bash
# Inside the private X server and D-Bus session of scripts/atspi_check.sh.
set -uo pipefail
/usr/libexec/at-spi-bus-launcher --launch-immediately &
BUS=$!
sleep 1
export QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1 QT_QPA_PLATFORM=xcb QT_ACCESSIBILITY=1
export GTK_MODULES=gail:atk-bridge NO_AT_BRIDGE=0
HOME_DIR="$(mktemp -d)"
HOME="$HOME_DIR" XDG_CONFIG_HOME="$HOME_DIR/.config" orca --replace \
    --debug-file="$ATSPI_OUT/orca-debug.txt" >/dev/null 2>&1 &
ORCA=$!
.venv/bin/python -m mit_desktop gui >"$ATSPI_OUT/app.log" 2>&1 &
APP=$!
sleep 8
# no window manager here: make the window the active one, or Orca presents nothing
if command -v xdotool >/dev/null; then
    xdotool search --name "MIT Desktop" windowfocus --sync 2>/dev/null || true
    sleep 1
    # Tab through the first screen, as a listener would (Orca speaks each stop)
    for _ in $(seq 1 12); do xdotool key Tab; sleep 0.7; done
    # "Quiet practice": before a first practice the safety notice opens (Orca reads it)
    xdotool key ctrl+1; sleep 1
    for _ in $(seq 1 3); do xdotool key Tab; sleep 0.5; done
    xdotool key Return; sleep 3
    for _ in $(seq 1 4); do xdotool key Tab; sleep 0.7; done
fi
/usr/bin/python3 scripts/atspi_walk.py "$ATSPI_OUT" || echo "the walk failed"
sleep 2
kill "$APP" "$ORCA" "$BUS" 2>/dev/null
grep -a "SPEECH OUTPUT" "$ATSPI_OUT/orca-debug.txt" >"$ATSPI_OUT/orca.txt" 2>/dev/null
echo "tree: $ATSPI_OUT/tree.txt; Orca said $(wc -l <"$ATSPI_OUT/orca.txt") lines: $ATSPI_OUT/orca.txt"
