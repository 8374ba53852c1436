"""Charts over amkit's tables, drawn with matplotlib's object-oriented API.

Every function takes ``ax=None`` (draw into a new figure) or an existing
Axes, draws, and returns the Axes; none changes matplotlib's global settings.
"""

from amkit.charts.dependency_graph import dependency_graph
from amkit.charts.style import STATUS_COLORS

__all__ = ["STATUS_COLORS", "dependency_graph"]
