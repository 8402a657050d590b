"""Safety: where the listener lives ("Where do you live?", never guessed), the crisis help
for that region, the first-run notice (accepted once per profile, with the region), the
"Help now" page and the "I need to stop" screen with grounding suggestions.

The texts and numbers are data (``resources/safety``, ``crisis_resources.toml``); only the
few words around them are written here, through ``tr()``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QVBoxLayout,
    QWidget,
)

from mit_desktop.content.crisis import (
    CrisisRegion,
    CrisisService,
    find_region,
    load_crisis_resources,
)
from mit_desktop.content.program import load_safety_text
from mit_desktop.ui.widgets import button, label, named, scroll_page

log = logging.getLogger(__name__)


def _markdown_label(markdown: str, parent: QWidget, name: str = "") -> QWidget:
    """A long safety text: read-only text a screen reader can walk line by line."""
    from mit_desktop.ui.access import ReadingText

    return ReadingText(name, parent, markdown)


class RegionChooser(QWidget):
    """"Where do you live?": the listed regions and "Somewhere else"; nothing is preselected
    unless the profile already says. ``chosen(code)`` when the listener picks one."""

    chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = label(self.tr("Where do you live?"), "title", self, wrap=False)
        self.combo = QComboBox(self)
        self.combo.addItem(self.tr("Choose…"), "")
        for region in load_crisis_resources():
            self.combo.addItem(region.name, region.code)
        named(self.combo, self.tr("Where do you live?"),
              self.tr("Chooses the crisis phone numbers the program shows you."))
        self.label.setBuddy(self.combo)
        layout.addWidget(self.label)
        layout.addWidget(self.combo, 1)
        self.combo.activated.connect(lambda _i: self._emit())

    def code(self) -> str:
        """The chosen region code ("" while nothing is chosen)."""
        return str(self.combo.currentData() or "")

    def set_code(self, code: str | None) -> None:
        index = self.combo.findData(code or "")
        self.combo.setCurrentIndex(max(0, index))

    def _emit(self) -> None:
        if self.code():
            self.chosen.emit(self.code())


def _service_text(tr: Callable[[str], str], service: CrisisService) -> str:
    if service.phone and service.phone == service.text:
        how = tr("call or text {number}").format(number=service.phone)
    elif service.phone and service.text:
        how = tr("call {phone} or text {text}").format(phone=service.phone, text=service.text)
    elif service.phone:
        how = tr("call {number}").format(number=service.phone)
    elif service.text:
        how = tr("text {number}").format(number=service.text)
    else:
        return service.notes
    return " – ".join(part for part in (service.name, how, service.hours) if part)


def emergency_text(tr: Callable[[str], str], region: CrisisRegion) -> str:
    """What to do in immediate danger, in the listener's words."""
    if not region.emergency:
        return tr("If you are in immediate danger, call your local emergency number.")
    return tr("If you are in immediate danger, call {numbers}.").format(
        numbers=tr(" or ").join(region.emergency))


class CrisisPanel(QWidget):
    """The crisis help for one region: each service, its notes, and the emergency number.
    With no region (the listener has not said where they live) it lists every region."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.region_label = label("", "title", self)
        layout.addWidget(self.region_label)
        self.crisis_label = label("", "crisis", self)
        self.crisis_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.crisis_label, self.tr("Crisis help for where you live"))
        layout.addWidget(self.crisis_label)
        self.notes_label = label("", None, self)
        named(self.notes_label, self.tr("About these services"))
        layout.addWidget(self.notes_label)
        self.region: CrisisRegion | None = None

    def spoken(self) -> str:
        """What the panel shows, as sentences a screen reader can say in one go."""
        lines = [line.strip() for each in (self.region_label, self.crisis_label, self.notes_label)
                 if not each.isHidden() for line in each.text().splitlines() if line.strip()]
        return " ".join(line if line[-1] in ".!?" else f"{line}." for line in lines)

    def show_region(self, code: str | None) -> CrisisRegion | None:
        """Fill in the help for the region ``code`` (a profile's region); None or an unknown
        code shows the help of every listed region. Returns the region shown, if one."""
        tr = self.tr
        region = find_region(code)
        self.region = region
        if region is None:
            self.region_label.setText(tr("Help, wherever you live"))
            lines = []
            for each in load_crisis_resources():
                if each.is_fallback:
                    lines.append(tr("{region}: call your local emergency number.").format(
                        region=each.name))
                    continue
                calls = "; ".join(_service_text(tr, s) for s in each.services)
                lines.append(tr("{region}: {calls}. In an emergency: {numbers}.").format(
                    region=each.name, calls=calls, numbers=tr(" or ").join(each.emergency)))
            self.crisis_label.setText("\n".join(lines))
            self.notes_label.setText(tr("Choose where you live, and only its numbers are shown."))
            return None
        self.region_label.setText(tr("Help in {region}").format(region=region.name)
                                  if not region.is_fallback else tr("Help where you live"))
        lines = [_service_text(tr, s) for s in region.services if s.phone or s.text]
        lines.append(emergency_text(tr, region))
        self.crisis_label.setText("\n".join(lines))
        self.notes_label.setText("\n".join(s.notes for s in region.services if s.notes))
        return region


class FirstRunDialog(QDialog):
    """The notice shown before a profile's first practice: where the listener lives (asked,
    never guessed), the crisis numbers there, when to talk to a clinician first, and what
    practicing can bring up. Accept it once per profile; the region is kept with it."""

    def __init__(self, parent: QWidget | None = None, region: str | None = None) -> None:
        super().__init__(parent)
        text = load_safety_text("first_run")
        self.setWindowTitle(text.title)
        self.setModal(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.addWidget(label(text.title, "heading", self))
        self.chooser = RegionChooser(self)
        self.chooser.set_code(region)
        layout.addWidget(self.chooser)
        self.notice_title = text.title
        scroll, inner, inner_layout = scroll_page(self, self.tr("Crisis help and safety notice"))
        self.scroll_area = scroll
        self.crisis = CrisisPanel(inner)
        inner_layout.addWidget(self.crisis)
        self.body = _markdown_label(text.body, inner)
        named(self.body, self.tr("Safety information"))
        inner_layout.addWidget(self.body)
        inner_layout.addStretch(1)
        layout.addWidget(scroll, 1)
        row = QHBoxLayout()
        self.hint = label(self.tr("Choose where you live to go on."), "muted", self)
        row.addWidget(self.hint)
        row.addStretch(1)
        self.accept_button = button(self.tr("I understand"), self.tr("I understand"),
                                    self.tr("Confirm you have read this notice. It is shown once "
                                            "for each profile."), "primary", self)
        self.accept_button.setDefault(True)
        self.accept_button.clicked.connect(self.accept)
        row.addWidget(self.accept_button)
        layout.addLayout(row)
        self.chooser.combo.currentIndexChanged.connect(lambda _i: self._region_changed())
        self._region_changed()
        self.resize(760, 640)
        self.chooser.combo.setFocus()

    def region(self) -> str:
        """The region chosen ("" if none yet)."""
        return self.chooser.code()

    def _region_changed(self) -> None:
        code = self.region()
        self.crisis.show_region(code or None)
        self.accept_button.setEnabled(bool(code))
        self.hint.setVisible(not code)
        self._describe_scroll_area()

    def _describe_scroll_area(self) -> None:
        """Tab stops on the scrolling part (the arrow keys scroll it); a screen reader then
        hears its name and this description: the crisis help it shows, word for word, and
        that the safety notice follows (the next Tab stop, read line by line). Its name alone,
        "Safety information", once said nothing of what was in it."""
        self.scroll_area.setAccessibleDescription(self.tr(
            "{crisis} Below it is the safety notice, \"{title}\". Press Tab to read it line "
            "by line; the arrow keys scroll this part.").format(
                crisis=self.crisis.spoken(), title=self.notice_title))


class HelpNowPage(QWidget):
    """"Help now": grounding, then whom to contact where the listener lives (or everywhere,
    until they say where). ``regionChosen(code)`` when they choose here."""

    regionChosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll, inner, layout = scroll_page(self, self.tr("Help now"))
        self.scroll_area = scroll
        text = load_safety_text("help_now")
        layout.addWidget(label(text.title, "heading", inner))
        self.chooser = RegionChooser(inner)
        self.chooser.chosen.connect(self._chosen)
        layout.addWidget(self.chooser)
        self.crisis = CrisisPanel(inner)  # the numbers first: this page may be opened in a hurry
        layout.addWidget(self.crisis)
        self.grounding = _markdown_label(text.body, inner)
        named(self.grounding, self.tr("Grounding suggestions"))
        layout.addWidget(self.grounding)
        layout.addStretch(1)
        outer.addWidget(scroll, 1)

    def show_for_region(self, code: str | None) -> None:
        self.chooser.set_code(code)
        self.chooser.setVisible(find_region(code) is None)
        self.crisis.show_region(code)
        self._describe_scroll_area()

    def _chosen(self, code: str) -> None:
        self.crisis.show_region(code)
        self._describe_scroll_area()
        self.regionChosen.emit(code)

    def _describe_scroll_area(self) -> None:
        """On the page's Tab stop a screen reader hears whom to call, word for word (as on
        the first-run notice); its name alone, "Help now", said nothing of it."""
        self.scroll_area.setAccessibleDescription(self.tr(
            "{crisis} Grounding suggestions follow: Tab reaches them, to read line by line; "
            "the arrow keys scroll this page.").format(crisis=self.crisis.spoken()))


class StopScreen(QWidget):
    """Shown after "I need to stop": grounding, then whom to contact where the listener lives."""

    done = Signal()
    regionChosen = Signal(str)
    groundingAnswered = Signal(bool)  # whether the listener used the grounding steps

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 16, 24, 16)
        scroll, inner, layout = scroll_page(self, self.tr("Help after stopping"))
        text = load_safety_text("stop_screen")
        self.title = label(text.title, "heading", inner)
        layout.addWidget(self.title)
        self.grounding = _markdown_label(text.body, inner)
        named(self.grounding, self.tr("Grounding suggestions"))
        layout.addWidget(self.grounding)
        self.chooser = RegionChooser(inner)
        self.chooser.chosen.connect(self._chosen)
        layout.addWidget(self.chooser)
        self.crisis = CrisisPanel(inner)
        layout.addWidget(self.crisis)
        self.asked = QWidget(inner)
        asked = QHBoxLayout(self.asked)
        asked.setContentsMargins(0, 8, 0, 0)
        self.asked_label = label(self.tr("Did you try the steps above?"), None, self.asked)
        asked.addWidget(self.asked_label, 1)
        self.tried_button = button(self.tr("Yes, I tried them"), self.tr("Yes, I tried them"),
                                   self.tr("Keeps in your history that the grounding steps were "
                                           "used."), None, self.asked)
        self.not_tried_button = button(self.tr("Not now"), self.tr("Not now"),
                                       self.tr("Keeps in your history that the grounding steps "
                                               "were not used."), None, self.asked)
        self.tried_button.clicked.connect(lambda: self._answered(True))
        self.not_tried_button.clicked.connect(lambda: self._answered(False))
        asked.addWidget(self.tried_button)
        asked.addWidget(self.not_tried_button)
        layout.addWidget(self.asked)
        self.region_label = self.crisis.region_label  # (kept: tests and the report read them)
        self.crisis_label = self.crisis.crisis_label
        self.notes_label = self.crisis.notes_label
        self.kept_label = label(self.tr("What you listened to so far has been kept in your "
                                        "history. You can come back another time, or not at all."),
                                "muted", inner)
        layout.addWidget(self.kept_label)
        layout.addStretch(1)
        outer.addWidget(scroll, 1)
        row = QHBoxLayout()
        # whom to call where the listener lives stays in view at any text size (at 200 %
        # it was below the fold), beside "Back to Today", outside the scrolling part
        self.pinned_crisis = label("", "crisis", self)
        self.pinned_crisis.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        named(self.pinned_crisis, self.tr("Crisis help for where you live"))
        self.pinned_crisis.hide()
        row.addWidget(self.pinned_crisis, 1)
        self.done_button = button(self.tr("Back to Today"), self.tr("Back to Today"),
                                  self.tr("Leave this page when you are ready."), None, self)
        self.done_button.clicked.connect(self.done.emit)
        row.addWidget(self.done_button, 0, Qt.AlignmentFlag.AlignBottom)
        outer.addLayout(row)

    def show_for_region(self, code: str | None) -> CrisisRegion | None:
        """Fill in the crisis services for the profile's region ``code`` (None: not chosen)."""
        self.chooser.set_code(code)
        self.chooser.setVisible(find_region(code) is None)
        region = self._show_crisis(code)
        self.asked_label.setText(self.tr("Did you try the steps above?"))
        self.tried_button.show()
        self.not_tried_button.show()
        self.done_button.setFocus()
        return region

    def _answered(self, used: bool) -> None:
        self.groundingAnswered.emit(used)
        self.asked_label.setText(self.tr("Thank you. This is kept in your history, for you and "
                                         "your clinician."))
        self.tried_button.hide()
        self.not_tried_button.hide()
        self.done_button.setFocus()

    def _show_crisis(self, code: str | None) -> CrisisRegion | None:
        region = self.crisis.show_region(code)
        self.pinned_crisis.setText(self.crisis_label.text() if region is not None else "")
        self.pinned_crisis.setVisible(region is not None)
        self.crisis_label.setVisible(region is None)  # (said once: pinned, or in the list)
        return region

    def _chosen(self, code: str) -> None:
        self._show_crisis(code)
        self.regionChosen.emit(code)
