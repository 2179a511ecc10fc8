"""House plot style: one colour per cell type across the whole book.

Colours come from the Okabe-Ito palette, which stays distinguishable for the common forms
of colour-vision deficiency. Figures are drawn on an opaque white card with dark text, so
they read the same on the book's light and dark themes (the card is the figure itself, not
the page behind it).

Every figure in the book is made by :func:`new_figure`, which applies the style, so a change
here restyles the whole book. Imports: :mod:`il2.validation` only.
"""

from __future__ import annotations

from typing import Any

import matplotlib.pyplot as plt
from matplotlib.figure import Figure

from il2.validation import check_choice, check_integer, check_scalar

__all__ = [
    "CELL_COLORS",
    "QUANTITY_COLORS",
    "STYLE",
    "apply_style",
    "cell_color",
    "figure_png",
    "new_figure",
    "register_notebook_display",
]

#: One colour per cell type (Okabe-Ito). Keys are the library's cell-type names.
CELL_COLORS: dict[str, str] = {
    "Treg": "#CC79A7",  # reddish purple: regulatory T cells (IL-2 consumers)
    "CD4": "#E69F00",  # orange: CD4 helper T cells (IL-2 producers)
    "CD8": "#0072B2",  # blue: CD8 cytotoxic T cells
    "NK": "#009E73",  # bluish green: natural killer cells
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


def apply_style() -> None:
    """Apply the house style to matplotlib's global settings."""
    plt.rcParams.update(STYLE)


def cell_color(cell_type: str) -> str:
    """The house colour of a cell type (``"Treg"``, ``"CD4"``, ``"CD8"``, ``"NK"``, ...)."""
    check_choice("cell_type", cell_type, list(CELL_COLORS))
    return CELL_COLORS[cell_type]


def figure_png(fig: Figure, dpi: int = 100) -> bytes:
    """PNG bytes of a figure (how notebooks and the book show every static figure)."""
    import io

    check_integer("dpi", dpi, 40, 300)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def register_notebook_display() -> bool:
    """Make IPython show a bare :class:`~matplotlib.figure.Figure` as a PNG image.

    Figures from :func:`new_figure` are not attached to pyplot, so without this a notebook
    cell ending with one would show only its text form whenever matplotlib's inline backend
    is not active (for example when ``MPLBACKEND`` is set). Called on import; returns whether
    an IPython shell was found.
    """
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return False
    shell = get_ipython()
    if shell is None:
        return False
    shell.display_formatter.formatters["image/png"].for_type(Figure, figure_png)
    return True


def new_figure(
    nrows: int = 1, ncols: int = 1, *, width_in: float = 7.0, height_in: float = 3.6
) -> tuple[Figure, Any]:
    """A styled figure and its axes, not attached to pyplot's global state.

    Returns
    -------
    (Figure, axes)
        ``axes`` is a single Axes for a 1 x 1 grid, else a NumPy array of Axes.
    """
    check_integer("nrows", nrows, 1, 6)
    check_integer("ncols", ncols, 1, 6)
    check_scalar("width_in", width_in, 1.0, 20.0)
    check_scalar("height_in", height_in, 1.0, 20.0)
    apply_style()
    fig = Figure(figsize=(width_in, height_in))
    axes = fig.subplots(nrows, ncols, squeeze=True)
    return fig, axes


register_notebook_display()
