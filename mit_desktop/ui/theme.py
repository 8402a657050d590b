"""Look and size: text size (100-200 %), an optional high-contrast theme, 44 px targets.

Widgets mark their role with a dynamic property (``role``: "heading", "title",
"caption", "prompt", "big", "muted", "banner", "danger", "primary") and the
application style sheet sizes and colours them from the base font, so the whole
window scales with one setting. Colour is never the only signal: the style adds
borders and weights, and every state also has words or a shape.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QWidget

log = logging.getLogger(__name__)

MIN_TARGET_PX = 44
BASE_BOOST = 1.3  # larger than the system default, for older eyes
_system_point_size: float | None = None


def set_role(widget: QWidget, role: str) -> QWidget:
    """Give a widget a style role (see module docstring); returns the widget."""
    widget.setProperty("role", role)
    return widget


def base_point_size(scale_percent: int) -> float:
    """The application font size in points for a text-size percentage."""
    global _system_point_size
    if _system_point_size is None:
        app = QApplication.instance()
        size = app.font().pointSizeF() if isinstance(app, QApplication) else 10.0
        _system_point_size = max(size, 9.0)
    return _system_point_size * BASE_BOOST * scale_percent / 100


@dataclass(frozen=True)
class ThemeColours:
    """The colours of one theme, as ``#rrggbb``. ``focus`` is the 3 px focus ring: it
    contrasts at least 3:1 with the window, with every control's unfocused border and with
    the fill of primary buttons, so a focused control always stands out."""

    fg: str  # text
    bg: str  # window and control backgrounds
    accent: str  # fills of primary buttons, checked choices, selected rows
    on_accent: str  # text on ``accent``
    border: str  # control borders (3:1 against ``bg``)
    muted: str  # secondary text (4.5:1 against ``bg``, 7:1 in high contrast)
    danger: str  # "I need to stop", "Help now": text
    danger_border: str
    danger_bg: str
    focus: str
    banner: str  # message banners' background
    banner_border: str
    base: str  # text fields and lists
    placeholder: str  # hint text in empty fields


NORMAL = ThemeColours(
    fg="#1f2328", bg="#f6f4ef", accent="#2d5f8b", on_accent="#ffffff", border="#7a7366",
    muted="#4a4f57", danger="#9b2c2c", danger_border="#c84545", danger_bg="#fbeaea",
    focus="#000000", banner="#fff4d6", banner_border="#b35f00", base="#ffffff",
    placeholder="#5c6168")
HIGH_CONTRAST = ThemeColours(
    fg="#ffffff", bg="#000000", accent="#ffff00", on_accent="#000000", border="#ffffff",
    muted="#ffffff", danger="#ffffff", danger_border="#ffffff", danger_bg="#000000",
    focus="#d000d0", banner="#000000", banner_border="#ffff00", base="#000000",
    placeholder="#e0e0e0")


def colours(high_contrast: bool | None = None) -> ThemeColours:
    """The colours of the normal or the high-contrast theme (None: the one applied)."""
    if high_contrast is None:
        app = QApplication.instance()
        high_contrast = bool(app.property("mit_high_contrast")) if app is not None else False
    return HIGH_CONTRAST if high_contrast else NORMAL


def _palette(high_contrast: bool) -> QPalette:
    c = colours(high_contrast)
    p = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.bg, QPalette.ColorRole.WindowText: c.fg,
        QPalette.ColorRole.Base: c.base, QPalette.ColorRole.AlternateBase: c.bg,
        QPalette.ColorRole.Text: c.fg, QPalette.ColorRole.Button: c.bg,
        QPalette.ColorRole.ButtonText: c.fg, QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: c.on_accent, QPalette.ColorRole.ToolTipBase: c.base,
        QPalette.ColorRole.ToolTipText: c.fg, QPalette.ColorRole.PlaceholderText: c.placeholder,
        QPalette.ColorRole.Link: c.accent if not high_contrast else c.accent,
        # Fusion draws frames, indicators and scroll bars from these: in high contrast
        # they must not be black on black
        QPalette.ColorRole.Light: c.border, QPalette.ColorRole.Midlight: c.border,
        QPalette.ColorRole.Mid: c.border, QPalette.ColorRole.Dark: c.border,
        QPalette.ColorRole.Shadow: c.fg,
    }
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in roles.items():
            p.setColor(group, role, QColor(colour))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text, QColor(c.muted))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(c.muted))
    for role in (QPalette.ColorRole.Window, QPalette.ColorRole.Button):
        p.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.bg))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Base, QColor(c.base))
    return p


IMAGES_DIR = Path(__file__).resolve().parent / "images"


def theme_image(shape: str, colour: str) -> str:
    """The path (with ``/``, as style sheets want it) of the bundled picture ``shape`` drawn
    in ``colour`` (``#rrggbb``): "arrow-down" (a 14 x 9 triangle), "minus" and "plus"
    (16 x 16) and "check" (a 24 x 24 tick).

    The style sheet draws the arrow of drop-downs and the signs of number boxes itself,
    because once it gives their buttons a border (or none) Qt's own arrows either vanish or
    come with a partial frame; a ticked box shows a tick, not only its fill. There is one file per
    colour a theme uses for it (text, muted when disabled, text on the accent).
    """
    return (IMAGES_DIR / f"{shape}-{colour.lstrip('#').lower()}.svg").as_posix()


def with_buttons(part: str) -> str:
    """A selector for ``part`` of every number box that shows step buttons."""
    return ", ".join(f'QAbstractSpinBox[buttonSymbols="{symbols}"]{part}'
                     for symbols in ("UpDownArrows", "PlusMinus"))


def grown_px(px_at_100: int, px_at_200: int, scale_percent: int) -> int:
    """A size in px that grows with the text: `px_at_100` at 100 % text, `px_at_200` at
    200 %, in proportion between (and beyond)."""
    return round(px_at_100 + (px_at_200 - px_at_100) * (scale_percent - 100) / 100)


def style_sheet(scale_percent: int, high_contrast: bool) -> str:
    """The application style sheet for a text size and contrast.

    The focus rules come last and name every button role, so no later or more specific
    rule can take the focus ring away (the primary buttons once showed only a 1 px line).
    """
    pt = base_point_size(scale_percent)
    c = colours(high_contrast)
    fg, bg, accent, border, muted, focus = c.fg, c.bg, c.accent, c.border, c.muted, c.focus
    primary_fg = c.on_accent
    arrow_w = grown_px(12, 18, scale_percent)
    arrow_h = round(arrow_w * 9 / 14)
    step_w = grown_px(MIN_TARGET_PX, 56, scale_percent)  # a number box's "−" and "+"
    sign = grown_px(16, 22, scale_percent)
    box = grown_px(24, 36, scale_percent)  # tick boxes and round choices

    def radio_dot(colour: str) -> str:
        return (f"qradialgradient(cx:0.5, cy:0.5, radius:0.5, fx:0.5, fy:0.5, stop:0 {colour}, "
                f"stop:0.45 {colour}, stop:0.5 {c.base}, stop:1 {c.base})")

    return f"""
    * {{ font-size: {pt:.1f}pt; }}
    QPushButton, QToolButton {{
        min-height: {MIN_TARGET_PX}px; min-width: {MIN_TARGET_PX}px; padding: 4px 14px;
        border: 2px solid {border}; border-radius: 8px; background: {bg}; color: {fg};
    }}
    QPushButton:checked, QToolButton:checked {{ background: {accent}; color: {primary_fg};
        border: 3px solid {accent}; }}
    QPushButton:disabled {{ color: {muted}; border-style: dashed; }}
    QPushButton[role="rating"] {{ padding: 2px 2px; }}
    BodyMapWidget QPushButton, BodyMapWidget QToolButton {{ padding: 2px 4px; }}
    QPushButton[role="primary"] {{ background: {accent}; color: {primary_fg}; font-weight: 700;
        border: 3px solid {accent}; }}
    QPushButton[role="danger"] {{ background: {c.danger_bg}; color: {c.danger}; font-weight: 700;
        border: 3px solid {c.danger_border}; }}
    QPushButton[role="big"] {{ font-size: {pt * 1.5:.1f}pt; min-height: {MIN_TARGET_PX * 2}px;
        background: {accent}; color: {primary_fg}; font-weight: 700; border: 3px solid {accent}; }}
    QPushButton[role="nav"] {{ border: 3px solid transparent; border-bottom: 6px solid transparent;
        background: transparent; color: {fg}; }}
    QPushButton[role="nav"]:checked {{ background: transparent; color: {fg}; font-weight: 400;
        border-bottom: 6px solid {accent}; }}
    QComboBox, QAbstractSpinBox, QLineEdit {{ min-height: {MIN_TARGET_PX}px;
        border: 2px solid {border}; border-radius: 6px; padding: 0 8px; background: {c.base};
        color: {fg}; placeholder-text-color: {c.placeholder}; }}
    QComboBox:disabled, QAbstractSpinBox:disabled, QLineEdit:disabled {{ color: {muted};
        border-style: dashed; }}
    QComboBox::drop-down, QDateTimeEdit::drop-down {{ subcontrol-origin: content; width: 32px;
        border: none; }}
    /* a number box steps down with "−" on its left and up with "+" on its right, each a
       whole target as tall as the box (Qt stacks two arrows of half its height on the
       right). Only boxes with buttons: any rule that moves them gives a box with none (typed
       with the keyboard) a text field 1 px wide, unless its buttons are put on its content
       with no width. */
    {with_buttons('::down-button')}, {with_buttons('::up-button')} {{
        subcontrol-origin: border; position: absolute; top: 0px; bottom: 0px;
        width: {step_w}px; border: none; }}
    {with_buttons('::down-button')} {{ subcontrol-position: top left; left: 0px;
        border-right: 2px solid {border}; }}
    {with_buttons('::up-button')} {{ subcontrol-position: top right; right: 0px;
        border-left: 2px solid {border}; }}
    QAbstractSpinBox[buttonSymbols="NoButtons"]::up-button,
    QAbstractSpinBox[buttonSymbols="NoButtons"]::down-button {{ subcontrol-origin: content;
        width: 0px; }}
    QAbstractSpinBox::down-arrow {{ image: url("{theme_image('minus', fg)}");
        width: {sign}px; height: {sign}px; }}
    QAbstractSpinBox::up-arrow {{ image: url("{theme_image('plus', fg)}"); width: {sign}px;
        height: {sign}px; }}
    QAbstractSpinBox::down-arrow:disabled {{ image: url("{theme_image('minus', muted)}"); }}
    QAbstractSpinBox::up-arrow:disabled {{ image: url("{theme_image('plus', muted)}"); }}
    QSpinBox, QDoubleSpinBox, QTimeEdit[buttonSymbols="UpDownArrows"] {{
        qproperty-alignment: AlignCenter; }}
    QComboBox::down-arrow, QDateTimeEdit[calendarPopup="true"]::down-arrow {{
        image: url("{theme_image('arrow-down', fg)}"); width: {arrow_w}px; height: {arrow_h}px; }}
    QComboBox::down-arrow:disabled, QDateTimeEdit[calendarPopup="true"]::down-arrow:disabled {{
        image: url("{theme_image('arrow-down', muted)}"); }}
    QScrollArea {{ border: 3px solid transparent; }}
    QComboBox QAbstractItemView {{ background: {c.base}; color: {fg}; border: 2px solid {fg};
        selection-background-color: {accent}; selection-color: {primary_fg}; }}
    QCheckBox, QRadioButton {{ min-height: {MIN_TARGET_PX}px; border: 3px solid transparent;
        color: {fg}; }}
    QCheckBox::indicator, QRadioButton::indicator, QListWidget::indicator {{ width: {box}px;
        height: {box}px; border: 2px solid {fg}; background: {c.base}; }}
    QCheckBox::indicator, QListWidget::indicator {{ border-radius: 4px; }}
    QCheckBox::indicator:checked, QListWidget::indicator:checked {{ background: {accent};
        border: 2px solid {fg}; image: url("{theme_image('check', primary_fg)}"); }}
    QCheckBox::indicator:disabled, QRadioButton::indicator:disabled,
    QListWidget::indicator:disabled {{ border: 2px dashed {muted}; }}
    QCheckBox::indicator:checked:disabled, QListWidget::indicator:checked:disabled {{
        background: {c.base}; image: url("{theme_image('check', muted)}"); }}
    QRadioButton::indicator {{ border-radius: {(box + 4) // 2}px; }}
    QRadioButton::indicator:checked {{ background: {radio_dot(fg)}; }}
    QRadioButton::indicator:checked:disabled {{ background: {radio_dot(muted)}; }}
    QSlider {{ min-height: {MIN_TARGET_PX}px; border: 3px solid transparent; }}
    QSlider::groove:horizontal {{ height: 10px; background: {border}; border-radius: 5px; }}
    QSlider::handle:horizontal {{ width: 28px; margin: -10px 0; border-radius: 14px;
        background: {accent}; border: 2px solid {fg}; }}
    QSlider[unset="true"]::handle:horizontal {{ background: {c.base}; border: 3px dashed {fg}; }}
    QScrollBar:vertical {{ width: 18px; background: {bg}; border: 1px solid {border}; }}
    QScrollBar:horizontal {{ height: 18px; background: {bg}; border: 1px solid {border}; }}
    QScrollBar::handle:vertical {{ min-height: 40px; background: {border}; border-radius: 6px;
        margin: 2px; }}
    QScrollBar::handle:horizontal {{ min-width: 40px; background: {border}; border-radius: 6px;
        margin: 2px; }}
    QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; border: none; }}
    QScrollBar::add-page, QScrollBar::sub-page {{ background: none; }}
    QPlainTextEdit, QListWidget, QTextBrowser {{ border: 2px solid {border}; border-radius: 6px;
        background: {c.base}; color: {fg}; placeholder-text-color: {c.placeholder}; }}
    QTextEdit[role="reading"] {{ border: 3px solid transparent; background: transparent;
        color: {fg}; }}
    QListWidget::item {{ min-height: {MIN_TARGET_PX}px; padding: 6px; color: {fg}; }}
    QListWidget::item:selected {{ background: {accent}; color: {primary_fg};
        border: 2px solid {fg}; }}
    QLabel {{ color: {fg}; }}
    QLabel[role="heading"] {{ font-size: {pt * 1.6:.1f}pt; font-weight: 700; }}
    QLabel[role="title"] {{ font-size: {pt * 1.25:.1f}pt; font-weight: 700; }}
    QLabel[role="caption"] {{ font-size: {pt * 1.4:.1f}pt; }}
    QLabel[role="presenter"] {{ font-size: {pt * 3:.1f}pt; }}
    QLabel[role="prompt"] {{ font-size: {pt * 1.5:.1f}pt; font-weight: 600; }}
    QLabel[role="big"] {{ font-size: {pt * 2:.1f}pt; font-weight: 700; }}
    QLabel[role="muted"] {{ color: {muted}; }}
    QLabel[role="error"] {{ color: {c.danger}; font-weight: 700; }}
    QLabel[role="banner"] {{ background: {c.banner}; color: {fg}; border: 3px solid {c.banner_border};
        border-radius: 6px; padding: 10px; }}
    QLabel[role="crisis"] {{ font-size: {pt * 1.2:.1f}pt; font-weight: 700; color: {fg};
        border-left: 6px solid {c.danger_border}; padding-left: 12px; }}
    QFrame[role="card"] {{ border: 2px solid {border}; border-radius: 10px; }}
    {FOCUS_SELECTORS} {{ border: 3px solid {focus}; }}
    QPushButton[role="nav"]:focus, QPushButton[role="nav"]:checked:focus {{
        border: 3px solid {focus}; border-bottom: 6px solid {focus}; }}
    QListWidget::item:selected:focus {{ border: 3px solid {focus}; }}
    """


#: every focusable kind of control, in every state and role that sets a border; the rule
#: comes last in the style sheet so it wins over each of them
FOCUS_SELECTORS = ", ".join([
    "QPushButton:focus", "QToolButton:focus", "QPushButton:checked:focus",
    "QToolButton:checked:focus", 'QPushButton[role="primary"]:focus',
    'QPushButton[role="danger"]:focus', 'QPushButton[role="big"]:focus',
    'QPushButton[role="rating"]:focus', 'QPushButton[role="rating"]:checked:focus',
    "QListWidget:focus", "QSlider:focus", "QComboBox:focus", "QAbstractSpinBox:focus",
    "QPlainTextEdit:focus", "QTextBrowser:focus", 'QTextEdit[role="reading"]:focus',
    "QLineEdit:focus", "QCheckBox:focus", "QRadioButton:focus", "QScrollArea:focus",
    "QProgressBar:focus"])


def apply_theme(app: QApplication, scale_percent: int = 100, high_contrast: bool = False) -> None:
    """Apply text size (``scale_percent``, 100 … 200) and contrast to the whole application.

    Does nothing when the application already has this look.
    """
    scale_percent = min(200, max(100, int(scale_percent)))
    sheet = style_sheet(scale_percent, high_contrast)
    palette = _palette(high_contrast)
    point_size = base_point_size(scale_percent)
    if (app.styleSheet() == sheet and app.palette() == palette
            and app.font().pointSizeF() == point_size):
        return  # unchanged: re-polishing every widget would only cost time
    font = QFont(app.font())
    font.setPointSizeF(point_size)
    app.setFont(font)
    app.setPalette(palette)
    app.setStyleSheet(sheet)
    app.setProperty("mit_text_scale", scale_percent)
    app.setProperty("mit_high_contrast", high_contrast)
    log.info("theme: text %d%%, high contrast %s", scale_percent, high_contrast)


def relative_luminance(colour: str) -> float:
    """WCAG 2.2 relative luminance of ``#rrggbb`` (0 black … 1 white)."""
    channels = []
    for i in (1, 3, 5):
        v = int(colour[i:i + 2], 16) / 255
        channels.append(v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2.2 contrast ratio of two ``#rrggbb`` colours (1 … 21)."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
