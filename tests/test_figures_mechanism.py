"""Figures and explorers of the mechanism chapter (il2.figures.mechanism)."""

import pytest
from matplotlib.figure import Figure

from il2.figures import mechanism as figs


def test_static_figures_draw():
    for fn in (figs.receptor_forms_figure, figs.binding_kinetics_figure, figs.trafficking_figure):
        fig = fn()
        assert isinstance(fig, Figure) and fig.axes


def test_chapter_numbers_and_table():
    n = figs.chapter_numbers()
    assert n.kd_high_activated_pM < n.kd_treg_pM < n.kd_intermediate_cd8_pM < n.kd_alpha_nM * 1000
    assert n.il2_left_ratio_2d1_3days > 1 and n.recycled_ratio_2d1_3days > 1
    # the high-affinity receptor catches IL-2 within a minute at 1 nM (measured 30 to 45 s)
    assert 10 < n.association_half_time_high_1nM_s < 60 < n.half_time_high_min * 60
    table = figs.ec50_table_markdown(n)
    assert table.count("\n") == 5 and "Treg" in table


def test_bad_input():
    with pytest.raises(ValueError, match="days"):
        figs.trafficking_figure(days=-1)
    with pytest.raises(ValueError, match="il2_pM"):
        figs.cell_types_explorer().compute(il2_pM=-3.0)


def test_draw_functions_take_a_changed_model_call():
    """Other cells and washes than the chapter's draw with the same functions."""
    import numpy as np

    from il2 import binding, trafficking

    conc = np.geomspace(1.0, 1e4, 9)
    fig = figs.draw_receptor_forms({"NK": binding.equilibrium("NK", conc)})
    assert isinstance(fig, Figure) and len(fig.axes[0].get_lines()) == 2  # curve and half-point
    t = np.concatenate([[0.0], np.geomspace(1e-4, 2.0, 40)])
    fig = figs.draw_binding_kinetics({"Treg": binding.kinetics("Treg", 100.0, t, "dissociation")})
    (legend,) = fig.legends  # below the axes, clear of the curves
    assert "half-time" in legend.get_texts()[0].get_text()
    t_h = np.linspace(0.0, 48.0, 25)
    fig = figs.draw_trafficking({"wild type": trafficking.simulate(t_h)})
    assert fig.axes[0].get_xlim()[1] <= 2.2
