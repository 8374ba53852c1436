"""Charts over amkit's tables, drawn with matplotlib's object-oriented API.

Every function takes ``ax=None`` (draw into a new figure) or an existing
Axes, draws, and returns the Axes; none changes matplotlib's global settings.
Charts may import every layer below the front ends (account, checks,
dependencies, package reader, language, base modules); the widgets import
them, never the other way round. ``import amkit`` loads them on first use.
"""

from amkit.charts.dependency_graph import dependency_graph
from amkit.charts.history import import_activity, import_timeline, version_history
from amkit.charts.style import OUTCOME_COLORS, STATUS_COLORS

__all__ = [
    "OUTCOME_COLORS",
    "STATUS_COLORS",
    "dependency_graph",
    "import_activity",
    "import_timeline",
    "version_history",
]
