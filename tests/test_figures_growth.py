"""Figures and explorers of the growth chapter (il2.figures.growth)."""

import pytest
from matplotlib.figure import Figure

from il2 import growth
from il2.figures import growth as figs


@pytest.mark.parametrize("name", list(figs.EXPLORERS))
def test_growth_explorers_move_every_control_and_name_the_compartment(name):
    explorer = figs.EXPLORERS[name]()
    assert len(explorer.static_controls()) == len(explorer.controls)  # every control moves in the book
    assert isinstance(explorer.compute(), growth.GrowthResult)
    assert "culture well" in explorer.alt_for(compartment="culture well")


def test_helpers_explorer_crosses_the_threshold():
    """The helper slider spans the critical number: IL-2 adds little at its low end and amplifies
    the programmed expansion several-fold at the top."""
    explorer = figs.helpers_explorer()
    values = explorer.controls[0].values()
    thr = growth.expansion_threshold("helpers").value
    assert values[0] < thr < values[-1]
    program = growth.simulate(il2_block=1.0).peak_fold("CD8")
    assert explorer.compute(helpers=values[0]).peak_fold("CD8") < 2.0 * program
    assert explorer.compute(helpers=values[-1]).peak_fold("CD8") > 3.0 * program


@pytest.mark.parametrize("fn", [figs.expansion_figure, figs.feedback_figure, figs.threshold_figure,
                                figs.nk_figure, figs.brakes_figure])
def test_static_figures_draw(fn):
    fig = fn()
    assert isinstance(fig, Figure) and len(fig.axes) >= 2


def test_chapter_numbers_are_consistent():
    n = figs.chapter_numbers()
    assert n.fold_day7 >= 1000.0  # murali1998: thousands-fold within a week
    assert 8.0 <= n.shortest_division_h <= n.shortest_doubling_h <= 12.0
    assert n.helper_threshold_fold15 <= n.helper_threshold <= n.helper_threshold_fold3
    assert 1.5 < n.amplification < 5.0  # kundig1993, bachmann1995
    assert n.treg_fall_il2_block < 0.9  # setoguchi2005
    assert n.helper_threshold_no_treg < n.helper_threshold < n.helper_threshold_treg_x3
    assert n.helper_threshold < n.helper_threshold_feedback_off
    assert n.helper_threshold < n.helper_threshold_well < n.default_helpers
    assert n.secretion_threshold < n.secretion_per_s
    assert n.amplification_below == pytest.approx(2.0, rel=0.02) and n.amplification_above > 4.0
    assert n.feedback_off_peak_fold < n.peak_fold
    assert n.il2_block_fold > 1000.0 and n.il2_block_fold < n.cd25_block_fold <= n.peak_fold
    assert n.treg_x10_fold < n.peak_fold < n.no_treg_fold
    assert n.bright_signal_rest > 10 * n.dim_signal_rest
    assert n.nk_pstat5_peak > 20 * n.nk_pstat5_rest and n.nk_peak_fold > 5.0  # resting IL-2 gives a little
    assert n.well_pM_per_helper_h == pytest.approx(n.niche_pM_per_helper_h * n.niche_volume_ul / n.well_volume_ul)
    assert 0.4 < n.niche_pM_per_helper_h < 0.8  # 36,000 molecules/h in 0.1 uL


def test_bad_input():
    with pytest.raises(ValueError, match="helpers"):
        figs.helpers_explorer().compute(helpers=-3.0)
    with pytest.raises(ValueError, match="compartment"):
        figs.secretion_explorer().compute(compartment="spleen")
    with pytest.raises(ValueError, match="cd25_feedback"):
        figs.feedback_explorer().compute(feedback=2.0)


def test_draw_functions_take_a_changed_model_call():
    """A reader's own call (fewer helpers, a shorter run) draws with the same functions."""
    r = growth.simulate(helpers=400, t_end_h=240.0, n_points=81)
    fig = figs.draw_expansion(r)
    assert isinstance(fig, Figure)
    assert fig.axes[0].get_xlim()[1] == pytest.approx(10.0)
    runs = [growth.simulate(params=growth.GrowthParameters(cd25_feedback=f), n_points=81) for f in (0.2, 0.8)]
    labels = [t.get_text() for t in figs.draw_feedback(runs).axes[0].get_legend().get_texts()]
    assert labels == ["feedback 0.2", "feedback 0.8"]
    with pytest.raises(ValueError, match="results"):
        figs.draw_feedback([])
    with pytest.raises(ValueError, match="blockades"):
        figs.draw_brakes({}, {}, {})
