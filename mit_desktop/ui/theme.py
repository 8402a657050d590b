"""Look and size: text size (100-200 %), an optional high-contrast theme, 44 px targets.

Widgets mark their role with a dynamic property (``role``: "heading", "title",
"caption", "prompt", "big", "muted", "banner", "danger", "primary") and the
application style sheet sizes and colours them from the base font, so the whole
window scales with one setting. Colour is never the only signal: the style adds
borders and weights, and every state also has words or a shape.
"""

from __future__ import annotations

import logging

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


def _palette(high_contrast: bool) -> QPalette:
    p = QPalette()
    if high_contrast:
        colours = {"window": "#000000", "text": "#ffffff", "base": "#000000", "button": "#000000",
                   "highlight": "#ffff00", "highlighted": "#000000"}
    else:
        colours = {"window": "#f6f4ef", "text": "#1f2328", "base": "#ffffff", "button": "#ece8df",
                   "highlight": "#2d5f8b", "highlighted": "#ffffff"}
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, QColor(colours["window"]))
        p.setColor(group, QPalette.ColorRole.WindowText, QColor(colours["text"]))
        p.setColor(group, QPalette.ColorRole.Base, QColor(colours["base"]))
        p.setColor(group, QPalette.ColorRole.AlternateBase, QColor(colours["window"]))
        p.setColor(group, QPalette.ColorRole.Text, QColor(colours["text"]))
        p.setColor(group, QPalette.ColorRole.Button, QColor(colours["button"]))
        p.setColor(group, QPalette.ColorRole.ButtonText, QColor(colours["text"]))
        p.setColor(group, QPalette.ColorRole.Highlight, QColor(colours["highlight"]))
        p.setColor(group, QPalette.ColorRole.HighlightedText, QColor(colours["highlighted"]))
        p.setColor(group, QPalette.ColorRole.ToolTipBase, QColor(colours["base"]))
        p.setColor(group, QPalette.ColorRole.ToolTipText, QColor(colours["text"]))
    return p


def style_sheet(scale_percent: int, high_contrast: bool) -> str:
    """The application style sheet for a text size and contrast."""
    pt = base_point_size(scale_percent)
    if high_contrast:
        fg, bg, accent, border, muted, danger, focus, banner = (
            "#ffffff", "#000000", "#ffff00", "#ffffff", "#ffffff", "#ffffff", "#00ffff", "#000000")
        primary_fg, danger_bg = "#000000", "#000000"
    else:
        fg, bg, accent, border, muted, danger, focus, banner = (
            "#1f2328", "#f6f4ef", "#2d5f8b", "#8c8578", "#4a4f57", "#9b2c2c", "#c26a00", "#fff4d6")
        primary_fg, danger_bg = "#ffffff", "#fbeaea"
    return f"""
    * {{ font-size: {pt:.1f}pt; }}
    QPushButton, QToolButton {{
        min-height: {MIN_TARGET_PX}px; min-width: {MIN_TARGET_PX}px; padding: 4px 14px;
        border: 2px solid {border}; border-radius: 8px; background: {bg}; color: {fg};
    }}
    QPushButton:focus, QToolButton:focus, QListWidget:focus, QSlider:focus, QComboBox:focus,
    QAbstractSpinBox:focus, QPlainTextEdit:focus, QLineEdit:focus, QCheckBox:focus,
    QRadioButton:focus {{
        border: 3px solid {focus};
    }}
    QPushButton:checked, QToolButton:checked {{ background: {accent}; color: {primary_fg};
        border: 3px solid {fg}; }}
    QPushButton:disabled {{ color: {muted}; border-style: dashed; }}
    QPushButton[role="rating"] {{ padding: 2px 2px; }}
    BodyMapWidget QPushButton, BodyMapWidget QToolButton {{ padding: 2px 4px; }}
    QPushButton[role="primary"] {{ background: {accent}; color: {primary_fg}; font-weight: 700;
        border-color: {accent}; }}
    QPushButton[role="danger"] {{ background: {danger_bg}; color: {danger}; font-weight: 700;
        border: 3px solid {danger}; }}
    QPushButton[role="big"] {{ font-size: {pt * 1.5:.1f}pt; min-height: {MIN_TARGET_PX * 2}px;
        background: {accent}; color: {primary_fg}; font-weight: 700; border-color: {accent}; }}
    QPushButton[role="nav"] {{ border: none; border-bottom: 4px solid transparent; }}
    QPushButton[role="nav"]:checked {{ background: transparent; color: {fg}; font-weight: 400;
        border-bottom: 6px solid {accent}; }}
    QComboBox, QAbstractSpinBox, QLineEdit {{ min-height: {MIN_TARGET_PX}px;
        border: 2px solid {border}; border-radius: 6px; padding: 0 8px; background: {bg};
        color: {fg}; }}
    QComboBox::drop-down {{ width: 32px; }}
    QCheckBox, QRadioButton {{ min-height: {MIN_TARGET_PX}px; border: 3px solid transparent; }}
    QCheckBox::indicator, QRadioButton::indicator {{ width: 24px; height: 24px; }}
    QSlider {{ min-height: {MIN_TARGET_PX}px; border: 3px solid transparent; }}
    QSlider::groove:horizontal {{ height: 10px; background: {border}; border-radius: 5px; }}
    QSlider::handle:horizontal {{ width: 28px; margin: -10px 0; border-radius: 14px;
        background: {accent}; border: 2px solid {fg}; }}
    QPlainTextEdit, QListWidget {{ border: 2px solid {border}; border-radius: 6px;
        background: {bg}; color: {fg}; }}
    QListWidget::item {{ min-height: {MIN_TARGET_PX}px; padding: 6px; }}
    QListWidget::item:selected {{ border: 2px solid {accent}; }}
    QLabel[role="heading"] {{ font-size: {pt * 1.6:.1f}pt; font-weight: 700; }}
    QLabel[role="title"] {{ font-size: {pt * 1.25:.1f}pt; font-weight: 700; }}
    QLabel[role="caption"] {{ font-size: {pt * 1.4:.1f}pt; }}
    QLabel[role="presenter"] {{ font-size: {pt * 3:.1f}pt; }}
    QLabel[role="prompt"] {{ font-size: {pt * 1.5:.1f}pt; font-weight: 600; }}
    QLabel[role="big"] {{ font-size: {pt * 2:.1f}pt; font-weight: 700; }}
    QLabel[role="muted"] {{ color: {muted}; }}
    QLabel[role="banner"] {{ background: {banner}; color: {fg}; border: 3px solid {focus};
        border-radius: 6px; padding: 10px; }}
    QLabel[role="crisis"] {{ font-size: {pt * 1.2:.1f}pt; font-weight: 700; color: {fg};
        border-left: 6px solid {danger}; padding-left: 12px; }}
    QFrame[role="card"] {{ border: 2px solid {border}; border-radius: 10px; }}
    """


def apply_theme(app: QApplication, scale_percent: int = 100, high_contrast: bool = False) -> None:
    """Apply text size and contrast to the whole application."""
    scale_percent = min(200, max(100, int(scale_percent)))
    font = QFont(app.font())
    font.setPointSizeF(base_point_size(scale_percent))
    app.setFont(font)
    app.setPalette(_palette(high_contrast))
    app.setStyleSheet(style_sheet(scale_percent, high_contrast))
    app.setProperty("mit_text_scale", scale_percent)
    app.setProperty("mit_high_contrast", high_contrast)
    log.info("theme: text %d%%, high contrast %s", scale_percent, high_contrast)
