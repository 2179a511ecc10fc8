"""House style: one colour-blind-safe colour per cell type."""

import pytest
from matplotlib.colors import to_rgb

from il2 import plotting


def test_each_cell_type_has_its_own_colour():
    colours = list(plotting.CELL_COLORS.values())
    assert len(set(colours)) == len(colours)
    assert {"Treg", "CD4", "CD8", "NK"} <= set(plotting.CELL_COLORS)


def _luminance(hex_colour):
    def lin(c):
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (lin(c) for c in to_rgb(hex_colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


@pytest.mark.parametrize("colour", list(plotting.CELL_COLORS.values()) + list(plotting.QUANTITY_COLORS.values()))
def test_lines_are_visible_on_the_white_figure_card(colour):
    """WCAG contrast of at least 2:1 against the white card used in light and dark themes."""
    contrast = 1.05 / (_luminance(colour) + 0.05)
    assert contrast >= 2.0, colour


def test_new_figure_is_opaque_white_and_validates():
    fig, ax = plotting.new_figure()
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    assert ax is not None
    with pytest.raises(ValueError, match="nrows"):
        plotting.new_figure(0)
    with pytest.raises(ValueError, match="cell_type"):
        plotting.cell_color("B cell")


def test_bare_figures_display_as_png_in_ipython():
    """Chapters end cells with library Figures; IPython must render them as images."""
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        assert plotting.register_notebook_display()
        fig, ax = plotting.new_figure()
        ax.plot([0, 1], [0, 1])
        data, _ = shell.display_formatter.format(fig)
        assert data["image/png"].startswith(b"\x89PNG")
    finally:
        InteractiveShell.clear_instance()
