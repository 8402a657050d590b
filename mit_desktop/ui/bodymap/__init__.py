"""The body-map screen: :class:`BodyMapWidget` (tools, feeling and regions panels around the
painting surface, :mod:`.widget`) and its :class:`~.canvas.BodyCanvas`."""

from mit_desktop.ui.bodymap.widget import BodyMapWidget

__all__ = ["BodyMapWidget"]
