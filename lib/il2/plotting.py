"""House plot style: one colour per cell type across the whole book.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms
of colour-vision deficiency. Figures are drawn on an opaque white card with dark text, so
they read the same on the book's light and dark themes (the card is the figure itself, not
the page behind it).

Every figure in the book is made by :func:`new_figure` and drawn inside :func:`style` (the
figure functions are wrapped in :func:`styled`), so a change here restyles the whole book. The
style is applied in a :func:`matplotlib.rc_context`, never to the caller's global settings
(:func:`apply_style` does that, on request only).

Sharp, legible images: :func:`figure_png` renders at twice the displayed size (for high-density
screens) and raises any text that would be smaller than :data:`MIN_TEXT_PX` CSS pixels where
the book shows the figure (its content column is :data:`DISPLAY_WIDTH_PX` wide on a desktop).

Notebooks: :func:`register_notebook_display` makes IPython show a bare Figure as such a PNG. It
is not an import side effect; :func:`new_figure` calls it once, the first time it makes a figure
in an IPython shell. Imports: :mod:`il2.validation` only (pyplot is never imported).
"""

from __future__ import annotations

import contextlib
import functools
import io
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence, TypeVar

from il2.validation import check_choice, check_integer, check_scalar

__all__ = [
    "CELL_COLORS",
    "DISPLAY_WIDTH_PX",
    "LEGEND_DROP_PT",
    "MIN_TEXT_PX",
    "PIXEL_RATIO",
    "QUANTITY_COLORS",
    "STYLE",
    "apply_style",
    "cell_color",
    "display_width_px",
    "enforce_min_text",
    "figure_png",
    "legend_below",
    "new_figure",
    "plain_log_ticks",
    "register_notebook_display",
    "style",
    "styled",
]

#: CSS pixels per inch of figure size: a 7-inch figure is shown 700 px wide (narrower columns shrink it).
CSS_PX_PER_INCH = 100.0
#: Width of the book's content column on a desktop screen (CSS px); wider figures are shrunk to it.
DISPLAY_WIDTH_PX = 740.0
#: Smallest text, in CSS pixels at the displayed width, that a figure may carry.
MIN_TEXT_PX = 11.0
#: Image pixels per CSS pixel: figures are rendered for high-density (2x) screens.
PIXEL_RATIO = 2.0

#: One colour per cell type (Okabe-Ito). Keys are the library's cell-type names.
CELL_COLORS: dict[str, str] = {
    "Treg": "#CC79A7",  # reddish purple: regulatory T cells (IL-2 consumers)
    "CD4": "#E69F00",  # orange: CD4 helper T cells (IL-2 producers)
    "CD8": "#0072B2",  # blue: CD8 cytotoxic T cells
    "NK": "#009E73",  # bluish green: natural killer cells (CD56dim, most of the blood's)
    "CD56bright NK": "#005A42",  # dark bluish green: CD56bright NK cells (high-affinity receptor)
    "activated T": "#D55E00",  # vermillion: activated T cell blasts (high CD25)
}

#: Colours for quantities that are not cell types.
QUANTITY_COLORS: dict[str, str] = {
    "IL-2": "#1A1A1A",  # near black: the cytokine itself
    "plasma": "#56B4E9",  # sky blue: plasma compartment, drug in plasma
    "interstitium": "#8C6D1F",  # dark ochre: interstitial fluid, oedema
    "pressure": "#B2182B",  # dark red: blood pressure
    "threshold": "#7F7F7F",  # grey: thresholds and reference lines
}

#: Matplotlib settings for every figure in the book.
STYLE: dict[str, Any] = {
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.edgecolor": "#333333",
    "axes.labelcolor": "#1A1A1A",
    "text.color": "#1A1A1A",
    "xtick.color": "#333333",
    "ytick.color": "#333333",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "font.size": 10.5,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "legend.frameon": False,
    "lines.linewidth": 2.0,
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
}

_F = TypeVar("_F", bound=Callable[..., Any])

if TYPE_CHECKING:  # matplotlib is imported when a figure is made, not with il2 (import time)
    from matplotlib.figure import Figure


def apply_style() -> None:
    """Apply the house style to matplotlib's *global* settings (opt-in; the library never calls it)."""
    import matplotlib

    matplotlib.rcParams.update(STYLE)


@contextlib.contextmanager
def style() -> Iterator[None]:
    """A context in which matplotlib uses the house style; the caller's settings come back after."""
    import matplotlib

    with matplotlib.rc_context(STYLE):
        yield


def styled(func: _F) -> _F:
    """Decorator: run a figure-making function inside :func:`style`.

    Matplotlib reads most settings when an artist is created (line widths, legend frames, tick
    colours), so the whole function that draws a figure, not only :func:`new_figure`, runs in
    the style. Drawing (:func:`figure_png`, the explorers) is styled too.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with style():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def cell_color(cell_type: str) -> str:
    """The house colour of a cell type (``"Treg"``, ``"CD4"``, ``"CD8"``, ``"NK"``, ...)."""
    check_choice("cell_type", cell_type, list(CELL_COLORS))
    return CELL_COLORS[cell_type]


def display_width_px(width_in: float) -> float:
    """CSS width (px) at which the book shows a figure ``width_in`` inches wide on a desktop."""
    return min(width_in * CSS_PX_PER_INCH, DISPLAY_WIDTH_PX)


def enforce_min_text(fig: Figure, min_px: float = MIN_TEXT_PX, display_px: float | None = None) -> float:
    """Raise every text of ``fig`` smaller than ``min_px`` CSS px at its displayed width.

    A font of ``s`` points on a figure ``W`` inches wide shown ``D`` CSS px wide measures
    ``s * D / (72 W)`` px, so the floor is ``min_px * 72 W / D`` points. Tick labels (made
    lazily when the figure is drawn) are raised through :meth:`~matplotlib.axes.Axes.tick_params`.
    Returns the floor in points.
    """
    width_in = float(fig.get_figwidth())
    shown = display_width_px(width_in) if display_px is None else float(display_px)
    floor_pt = min_px * 72.0 * width_in / shown
    from matplotlib.text import Text

    for text in fig.findobj(Text):
        if text.get_text() and text.get_fontsize() < floor_pt - 1e-9:
            text.set_fontsize(floor_pt)
    for ax in fig.axes:
        for axis, key in ((ax.xaxis, "xtick.labelsize"), (ax.yaxis, "ytick.labelsize")):
            for which in ("major", "minor"):
                ticks = axis.get_major_ticks(1) if which == "major" else axis.get_minor_ticks(1)
                size = ticks[0].label1.get_fontsize() if ticks else _rc_points(key)
                if size < floor_pt - 1e-9:
                    axis.set_tick_params(which=which, labelsize=floor_pt)
    return floor_pt


def _rc_points(key: str) -> float:
    import matplotlib
    from matplotlib.font_manager import FontProperties

    return float(FontProperties(size=matplotlib.rcParams[key]).get_size_in_points())


def figure_png(fig: Figure, dpi: float | None = None, *, compact: bool | None = None) -> bytes:
    """PNG bytes of a figure, as the notebooks and the book show every static figure.

    By default the image is :data:`PIXEL_RATIO` times the figure's displayed CSS width
    (:func:`display_width_px`), and text below :data:`MIN_TEXT_PX` is raised first
    (:func:`enforce_min_text`). An explicit ``dpi`` renders at that resolution as is.

    ``compact`` (default: when ``dpi`` is not given, that is for the book's static figures)
    stores the image with a palette of 256 colours (median cut, no dithering), which keeps line
    plots indistinguishable and makes the file about three times smaller, for readers on slow
    links; it costs a few hundred milliseconds, so live redraws do not use it.
    """
    if compact is None:
        compact = dpi is None
    if dpi is None:
        width_in = float(fig.get_figwidth())
        dpi = PIXEL_RATIO * display_width_px(width_in) / width_in
        with style():
            enforce_min_text(fig)
    check_scalar("dpi", dpi, 40, 400)
    buf = io.BytesIO()
    with style():
        fig.savefig(buf, format="png", dpi=dpi, pil_kwargs={"compress_level": 6})
    if not compact:
        return buf.getvalue()
    from PIL import Image  # matplotlib's own dependency

    image = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    palette = image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    palette.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _png_with_size(fig: Figure) -> tuple[bytes, dict[str, int]]:
    """IPython formatter: the 2x PNG and the CSS size to show it at."""
    width = display_width_px(float(fig.get_figwidth()))
    height = width * float(fig.get_figheight()) / float(fig.get_figwidth())
    return figure_png(fig), {"width": int(round(width)), "height": int(round(height))}


_REGISTERED: set[int] = set()


def register_notebook_display() -> bool:
    """Make IPython show a bare :class:`~matplotlib.figure.Figure` as a sharp PNG image.

    Figures from :func:`new_figure` are not attached to pyplot, so without this a notebook
    cell ending with one would show only its text form. The image is rendered at twice its
    displayed size and carries its CSS width and height as output metadata, which JupyterLab
    and myst-nb honour. Safe to call repeatedly; returns whether an IPython shell was found.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    if shell is None:
        return False
    # by class, not by name: a class entry wins over the one matplotlib's inline backend makes
    # (``%matplotlib inline``), which would show 1x images
    from matplotlib.figure import Figure as _Figure

    shell.display_formatter.formatters["image/png"].for_type(_Figure, _png_with_size)
    _REGISTERED.add(id(shell))
    return True


def _ensure_notebook_display() -> None:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover
        return
    shell = get_ipython()
    if shell is not None and id(shell) not in _REGISTERED:
        register_notebook_display()


def plain_log_ticks(axis: Any, low: float, high: float, ticks: Sequence[float] | None = None) -> None:
    """Label a logarithmic axis (``ax.xaxis`` or ``ax.yaxis``) at 1, 2 and 5 times the powers of
    ten between ``low`` and ``high``, in plain numbers (0.5, 1, 2 rather than 5×10⁻¹), and drop its
    minor ticks.

    A logarithmic axis that spans about a decade or less otherwise labels its minor ticks in
    scientific notation, and on a narrow panel the labels run into each other. ``ticks`` replaces
    the 1-2-5 values by others (those between ``low`` and ``high`` are kept).

    Raises
    ------
    ValueError
        If ``low`` is not positive or ``high`` is not above it.
    """
    import math

    from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

    lo = check_scalar("low", low, 0.0, low_open=True)
    hi = check_scalar("high", high, lo, low_open=True)
    if ticks is None:
        ticks = [m * 10.0 ** k for k in range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1)
                 for m in (1.0, 2.0, 5.0)]
    axis.set_major_locator(FixedLocator([t for t in ticks if lo <= t <= hi]))
    axis.set_minor_locator(NullLocator())
    axis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))


#: How far below its axes a legend under a panel starts (points): the tick labels and the axis
#: label (half as far under a panel without an axis label).
LEGEND_DROP_PT = 36.0


def legend_below(ax: Any, ncol: int, *, fontsize: float = 7.5, **kwargs: Any) -> Any:
    """The legend of ``ax`` under its x-axis label, centred on the panel: a fixed distance in
    points below the axes (:data:`LEGEND_DROP_PT`), so it clears the tick labels and the axis
    label whatever the panel's height, and no curve runs through it. ``kwargs`` go to
    :meth:`matplotlib.axes.Axes.legend`."""
    from matplotlib.transforms import ScaledTranslation

    drop_pt = LEGEND_DROP_PT if ax.get_xlabel() else LEGEND_DROP_PT / 2
    below = ScaledTranslation(0.0, -drop_pt / 72.0, ax.figure.dpi_scale_trans)
    options = {"handlelength": 1.8, "columnspacing": 1.0, **kwargs}
    return ax.legend(fontsize=fontsize, ncol=ncol, loc="upper center", bbox_to_anchor=(0.5, 0.0),
                     bbox_transform=ax.transAxes + below, **options)


def new_figure(
    nrows: int = 1, ncols: int = 1, *, width_in: float = 7.0, height_in: float = 3.6
) -> tuple[Figure, Any]:
    """A styled figure and its axes, not attached to pyplot's global state.

    The style is applied in a context (the caller's ``rcParams`` are left as they were); draw
    on the figure inside :func:`style` (or a function wrapped in :func:`styled`) so that lines
    and legends take the house style too. In an IPython shell, the first call registers
    :func:`register_notebook_display`.

    Returns
    -------
    (Figure, axes)
        ``axes`` is a single Axes for a 1 x 1 grid, else a NumPy array of Axes.
    """
    check_integer("nrows", nrows, 1, 6)
    check_integer("ncols", ncols, 1, 6)
    check_scalar("width_in", width_in, 1.0, 20.0)
    check_scalar("height_in", height_in, 1.0, 20.0)
    from matplotlib.figure import Figure

    _ensure_notebook_display()
    with style():
        fig = Figure(figsize=(width_in, height_in), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes
