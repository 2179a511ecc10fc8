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
        data, meta = shell.display_formatter.format(fig)
        assert data["image/png"].startswith(b"\x89PNG")
        assert meta["image/png"]["width"] == 700, "shown at its CSS width, rendered at twice that"
    finally:
        InteractiveShell.clear_instance()


def test_new_figure_and_figure_functions_leave_the_callers_settings_alone():
    import matplotlib

    from il2.figures import mechanism

    before = dict(matplotlib.rcParams)
    fig, ax = plotting.new_figure()
    ax.plot([0, 1], [0, 1])
    plotting.figure_png(fig)
    mechanism.receptor_forms_figure()
    assert dict(matplotlib.rcParams) == before


def test_house_style_reaches_lines_drawn_in_a_styled_function():
    @plotting.styled
    def draw():
        fig, ax = plotting.new_figure()
        (line,) = ax.plot([0, 1], [0, 1])
        return fig, ax, line

    fig, ax, line = draw()
    assert line.get_linewidth() == plotting.STYLE["lines.linewidth"]
    assert not ax.spines["top"].get_visible()


def test_figures_render_for_high_density_screens_with_legible_text():
    """A PNG twice the displayed width; no text under 11 CSS px where the book shows it."""
    from matplotlib.text import Text
    from PIL import Image
    import io

    fig, ax = plotting.new_figure(width_in=10.5, height_in=3.6)
    ax.plot([0, 1], [0, 1], label="a line")
    ax.legend(fontsize=7)
    png = plotting.figure_png(fig)
    width = Image.open(io.BytesIO(png)).width
    shown = plotting.display_width_px(10.5)
    assert width == pytest.approx(2 * shown, abs=2)
    px_per_pt = shown / (10.5 * 72)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text()]
    sizes += [ax.xaxis.get_major_ticks()[0].label1.get_fontsize()]
    assert min(sizes) * px_per_pt >= plotting.MIN_TEXT_PX - 1e-6


def test_import_il2_loads_no_pyplot_and_registers_no_formatter():
    import subprocess
    import sys

    code = ("import sys, il2; print('matplotlib.pyplot' in sys.modules, 'matplotlib.figure' in sys.modules, "
            "'IPython' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False", "False"]


def test_static_figures_are_compact_palette_pngs():
    """The book's static figures are stored with a 256-colour palette (about three times
    smaller, for slow links); an explicit resolution, as live redraws use, stays full colour."""
    import io

    from PIL import Image

    fig, ax = plotting.new_figure()
    ax.plot([0, 1, 2], [0, 1, 0], color=plotting.cell_color("NK"))
    compact = plotting.figure_png(fig)
    full = plotting.figure_png(fig, compact=False)
    assert Image.open(io.BytesIO(compact)).mode == "P"
    assert Image.open(io.BytesIO(full)).mode in ("RGB", "RGBA")
    assert len(compact) < len(full)
    assert Image.open(io.BytesIO(compact)).size == Image.open(io.BytesIO(full)).size


def test_plain_log_ticks_label_a_narrow_log_axis_in_plain_numbers():
    """A log axis spanning about a decade is labelled at 1-2-5 values, in plain numbers, without
    the minor labels that run into each other on a narrow panel (cohort chapter, traits)."""
    from il2.plotting import new_figure, plain_log_ticks

    fig, ax = new_figure()
    ax.set_xscale("log")
    ax.set_xlim(0.22, 4.5)
    plain_log_ticks(ax.xaxis, 0.22, 4.5)
    fig.canvas.draw()
    assert list(ax.get_xticks()) == [0.5, 1.0, 2.0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.5", "1", "2"]
    assert len(ax.xaxis.get_minorticklocs()) == 0
    with pytest.raises(ValueError, match="low"):
        plain_log_ticks(ax.xaxis, 0.0, 1.0)
    with pytest.raises(ValueError, match="high"):
        plain_log_ticks(ax.xaxis, 2.0, 1.0)
