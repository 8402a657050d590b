"""Read the running window over the real AT-SPI bus (run by scripts/atspi_check.sh with the
system Python, which has pyatspi): write every accessible object of MIT Desktop to
OUT/tree.txt, then give the focus to each push button and radio button of the active
window in turn, so a running Orca speaks them (its log is read by the shell script)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pyatspi  # type: ignore[import-not-found]


def describe(node, depth: int) -> str:  # type: ignore[no-untyped-def]
    role = node.getRoleName()
    name = node.name or ""
    text = f"{'  ' * depth}{role}: {name!r}"
    if node.getRole() == pyatspi.ROLE_SPIN_BUTTON:  # (a date or time box has no number:
        try:                                        # what it shows is what a reader says)
            shown = node.queryText()
            text += f" text={shown.getText(0, shown.characterCount)!r}"
        except NotImplementedError:
            pass
    try:
        value = node.queryValue()
        text += (f" value={value.currentValue:.15g} of {value.minimumValue:.15g}"
                 f"..{value.maximumValue:.15g}")
    except NotImplementedError:
        pass
    states = node.getState()
    flags = [n for n, s in (("checked", pyatspi.STATE_CHECKED), ("focused", pyatspi.STATE_FOCUSED),
                             ("focusable", pyatspi.STATE_FOCUSABLE)) if states.contains(s)]
    if flags:
        text += " [" + ", ".join(flags) + "]"
    if node.description:
        text += f" — {node.description[:120]!r}"
    return text


def walk(node, depth: int, lines: list[str], found: list) -> None:  # type: ignore[no-untyped-def]
    if node is None or len(lines) > 5000:
        return
    lines.append(describe(node, depth))
    states = node.getState()
    if node.getRole() in (pyatspi.ROLE_PUSH_BUTTON, pyatspi.ROLE_RADIO_BUTTON) and \
            states.contains(pyatspi.STATE_SHOWING) and states.contains(pyatspi.STATE_FOCUSABLE):
        found.append(node)
    for i in range(node.childCount):
        walk(node.getChildAtIndex(i), depth + 1, lines, found)


def main(out: Path) -> int:
    desktop = pyatspi.Registry.getDesktop(0)
    apps = [desktop.getChildAtIndex(i) for i in range(desktop.childCount)]
    ours = [a for a in apps if a is not None and ("mit" in (a.name or "").lower()
                                                   or "python" in (a.name or "").lower())]
    if not ours:
        print("MIT Desktop is not on the AT-SPI bus; applications:",
              [a.name for a in apps if a is not None])
        return 1
    lines: list[str] = []
    focusable: list = []
    for app in ours:
        walk(app, 0, lines, focusable)
    (out / "tree.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} accessible objects; giving the focus to {len(focusable)} controls")
    for node in focusable:
        try:
            node.queryComponent().grabFocus()
        except Exception as exc:  # noqa: BLE001 - a control that cannot take the focus
            print("no focus for", node.name, exc)
        time.sleep(0.6)
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
