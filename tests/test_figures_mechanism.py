"""Figures and explorers of the mechanism chapter (il2.figures.mechanism)."""

import hashlib

import pytest
from matplotlib.figure import Figure

from il2.explore import Explorer
from il2.figures import mechanism as figs


@pytest.mark.parametrize("name", list(figs.EXPLORERS))
def test_explorers_build_within_the_frame_budget(name):
    explorer = figs.EXPLORERS[name]()
    assert isinstance(explorer, Explorer)
    n_frames = 1
    for c in explorer.static_controls():
        n_frames *= len(c.values())
    assert n_frames <= 60
    explorer.compute()


@pytest.mark.parametrize("name", list(figs.EXPLORERS))
def test_explorer_frames_differ_between_control_values(name):
    explorer = figs.EXPLORERS[name]()
    main = explorer.controls[0]
    values = main.values()
    low = explorer.png(**{main.name: values[0]})
    high = explorer.png(**{main.name: values[-1]})
    assert hashlib.sha1(low).digest() != hashlib.sha1(high).digest()
    assert "{" not in explorer.alt_for()


def test_static_figures_draw():
    for fn in (figs.receptor_forms_figure, figs.binding_kinetics_figure, figs.trafficking_figure):
        fig = fn()
        assert isinstance(fig, Figure) and fig.axes


def test_chapter_numbers_and_table():
    n = figs.chapter_numbers()
    assert n.kd_high_activated_pM < n.kd_treg_pM < n.kd_intermediate_cd8_pM < n.kd_alpha_nM * 1000
    assert n.il2_left_ratio_2d1_3days > 1 and n.recycled_ratio_2d1_3days > 1
    table = figs.ec50_table_markdown(n)
    assert table.count("\n") == 5 and "Treg" in table


def test_bad_input():
    with pytest.raises(ValueError, match="days"):
        figs.trafficking_figure(days=-1)
    with pytest.raises(ValueError, match="il2_pM"):
        figs.cell_types_explorer().compute(il2_pM=-3.0)
