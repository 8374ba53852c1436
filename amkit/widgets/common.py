"""What every amkit widget shares: a message area that callbacks report into, and figures as images.

Callbacks never fail silently (:func:`reporting`): whatever goes wrong is
written into the widget's message area as one readable line, and the widget
goes on working. Figures are drawn on :class:`matplotlib.figure.Figure`
objects (no pyplot, so nothing shows twice and no global state changes) and
put into an :class:`ipywidgets.Output` as PNG images, replacing what was there:
the Output's ``outputs`` are set on the model, which works the same in a
kernel and in plain Python, where ``clear_output`` would print to the terminal.
"""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable
from typing import Any, TypeVar

import ipywidgets as widgets
import matplotlib
import numpy as np
import PIL.Image
from IPython.display import Image
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from amkit.errors import AmkitError
from amkit.widgets.html import message_html

__all__ = ["SCROLLING", "ExplorerBase", "draw_chart", "reporting", "show_figure"]

Method = TypeVar("Method", bound=Callable[..., Any])


#: The layout of views that may hold long tables.
SCROLLING = {"max_height": "420px", "overflow": "auto"}


def describe(error: BaseException) -> str:
    """One line for a person: an amkit error's own message, else the error's type and text."""
    if isinstance(error, AmkitError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def reporting(method: Method) -> Method:
    """Run a widget method, and put any exception it raises into the widget's message area instead."""

    @functools.wraps(method)
    def guarded(self: ExplorerBase, *args: Any, **kwargs: Any) -> Any:
        try:
            result = method(self, *args, **kwargs)
        except Exception as error:  # a callback must not die silently: say what went wrong
            self.show_message(describe(error))
            return None
        return result

    return guarded  # type: ignore[return-value]


#: Pixels per inch of the images widgets show: a screen's.
SCREEN_DPI = 96


def show_figure(output: widgets.Output, figure: Figure) -> None:
    """Replace what ``output`` shows with ``figure``, as a PNG cropped to what it draws.

    A widget makes one on every change of a control, so the image is made
    quickly. The figure is drawn once, at :data:`SCREEN_DPI`, and its pixels
    are cropped to what a tight ``savefig`` keeps (measured after drawing,
    when the texts' sizes are known). Only when that reaches past the canvas
    (a long label, a legend beside the axes), or ``savefig`` is set to paint
    another background, is the figure drawn again by ``savefig`` itself. Text
    is drawn from its outlines without hinting (as macOS and most browsers
    draw it): matplotlib 3.11 spends a third of a text-heavy chart's drawing
    on hinting glyphs. The PNG is compressed at zlib level 1: a few percent
    larger, in half the time. The figure keeps its own resolution.
    """
    canvas = figure.canvas if isinstance(figure.canvas, FigureCanvasAgg) else FigureCanvasAgg(figure)
    dpi = figure.dpi
    buffer = io.BytesIO()
    try:
        figure.set_dpi(SCREEN_DPI)
        with matplotlib.rc_context({"text.hinting": "no_hinting"}):
            canvas.draw()  # which runs the figure's layout engine, if rcParams asked for one
            crop = figure.get_tightbbox(canvas.get_renderer()).padded(matplotlib.rcParams["savefig.pad_inches"])
            pixels = _cropped(np.asarray(canvas.buffer_rgba()), crop, figure.bbox_inches)
            if pixels is not None:
                PIL.Image.fromarray(pixels).save(buffer, format="png", compress_level=1)
            else:
                figure.savefig(buffer, format="png", dpi=SCREEN_DPI, bbox_inches=crop, pil_kwargs={"compress_level": 1})
    finally:
        figure.set_dpi(dpi)
    output.outputs = ()
    output.append_display_data(Image(data=buffer.getvalue(), format="png"))


def _cropped(pixels: np.ndarray, crop: Bbox, canvas: Bbox) -> np.ndarray | None:
    """The ``pixels`` of the ``crop`` (in inches, from the bottom left), as ``savefig`` would give them.

    ``None`` when the canvas cannot: the crop reaches past it, or ``savefig``
    is set to paint another background.
    """
    plain = not matplotlib.rcParams["savefig.transparent"] and all(
        matplotlib.rcParams[key] == "auto" for key in ("savefig.facecolor", "savefig.edgecolor")
    )
    if not plain or crop.x0 < 0 or crop.y0 < 0 or crop.x1 > canvas.x1 or crop.y1 > canvas.y1:
        return None
    height = pixels.shape[0]
    left, right = math.floor(crop.x0 * SCREEN_DPI), math.ceil(crop.x1 * SCREEN_DPI)
    top, bottom = height - math.ceil(crop.y1 * SCREEN_DPI), height - math.floor(crop.y0 * SCREEN_DPI)
    return pixels[max(top, 0) : bottom, max(left, 0) : right]


def draw_chart(
    output: widgets.Output, size: tuple[float, float], draw: Callable[[Axes], object] | None
) -> Figure | None:
    """Draw a new figure of ``size`` with ``draw(ax)`` into ``output`` and return it; empty ``output`` when ``None``.

    The axes leave room on both sides for lane labels and a legend beside
    them, so that the figure is most often drawn once (see :func:`show_figure`).
    ``draw`` keeps the x axis below and makes no twin axes, as the widgets'
    charts do: the title goes at the top of the axes (unless ``axes.titley``
    says where, or ``xtick.labeltop`` puts tick labels there), and an axis
    left without a label has its empty label pinned in place. matplotlib
    would put them there too, but only after measuring every tick label to be
    sure, each time the figure is drawn or measured.
    """
    if draw is None:
        output.outputs = ()
        return None
    figure = Figure(figsize=size, dpi=SCREEN_DPI)
    figure.subplots_adjust(left=0.16, right=0.86)
    top_free = matplotlib.rcParams["axes.titley"] is None and not matplotlib.rcParams["xtick.labeltop"]
    with matplotlib.rc_context({"axes.titley": 1.0} if top_free else {}):
        ax = figure.subplots()
        draw(ax)
    for axis in (ax.xaxis, ax.yaxis):
        if not axis.label.get_text():
            axis.set_label_coords(*axis.label.get_position())
    show_figure(output, figure)
    return figure


class ExplorerBase(widgets.VBox):
    """A box with a message area at its foot: errors and notes for the person using the widget."""

    def __init__(self, **kwargs: Any) -> None:
        self.messages = widgets.HTML(layout=widgets.Layout(min_height="0"))
        super().__init__(**kwargs)

    def show_message(self, text: str, *, kind: str = "error") -> None:
        """Show ``text`` in the message area (``kind`` ``error`` or ``info``)."""
        self.messages.value = message_html(text, kind=kind)

    def clear_messages(self) -> None:
        """Empty the message area."""
        self.messages.value = ""

    @property
    def message(self) -> str:
        """The message area's HTML (empty when nothing went wrong)."""
        return str(self.messages.value)
