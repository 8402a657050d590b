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
/usr/bin/python3 scripts/atspi_walk.py "$ATSPI_OUT" || echo "the walk failed"
sleep 2
kill "$APP" "$ORCA" "$BUS" 2>/dev/null
grep -a "SPEECH OUTPUT" "$ATSPI_OUT/orca-debug.txt" >"$ATSPI_OUT/orca.txt" 2>/dev/null
echo "tree: $ATSPI_OUT/tree.txt; Orca said $(wc -l <"$ATSPI_OUT/orca.txt") lines: $ATSPI_OUT/orca.txt"
