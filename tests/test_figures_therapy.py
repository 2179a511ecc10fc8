"""Figures and explorers of the therapy chapter: they draw and they quote the library."""

from __future__ import annotations


import pytest
from matplotlib.figure import Figure

from il2 import outcomes
from il2.figures import therapy as figs


@pytest.mark.parametrize(
    "make",
    [figs.single_dose_figure, figs.course_comparison_figure, figs.time_above_figure,
     figs.outcomes_figure, lambda: figs.receptor_window_figure(points=8)],
)
def test_static_figures_draw(make):
    fig = make()
    assert isinstance(fig, Figure)
    assert fig.axes


def test_response_table_quotes_every_record_with_exact_ci():
    text = figs.response_table_markdown()
    for rec in outcomes.RESPONSE_RECORDS:
        assert f"{{cite:t}}`{rec.source}`" in text
        assert rec.orr_ci(0.95).percent() in text


def test_chapter_numbers_consistent():
    """Facts C: 600,000 IU/kg in 70 kg is 42 MIU (about 2.6 mg) and at most about 14,000 IU/mL
    if it all stayed in 3 L of plasma (proleukin_label, guyton2021)."""
    n = figs.chapter_numbers()
    assert n.dose_iu == pytest.approx(42e6)
    assert n.dose_mg == pytest.approx(2.57, rel=0.01)
    assert n.all_in_plasma_iu_per_ml == pytest.approx(13_953, rel=1e-3)
    assert 0.3 < n.hd_peak_fraction_of_upper < 1.0
    assert n.peak_over_natural > 1000
    assert n.hd_hours_above_per_day["Treg"] >= n.hd_hours_above_per_day["NK"]


def test_draw_functions_take_a_changed_model_call():
    """A lighter patient and a smaller dose draw with the same functions; bad input is named."""
    import numpy as np

    from il2 import pk, therapy

    one = pk.high_dose_regimen(300_000.0, doses_per_cycle=1, cycles=1)
    assert isinstance(figs.draw_single_dose(pk.simulate(one, 50.0, np.linspace(0.0, 8.0, 481))), Figure)
    high = therapy.treatment_course(pk.high_dose_regimen(300_000.0), 50.0)
    low = therapy.treatment_course(pk.low_dose_sc_regimen(weight_kg=50.0), 50.0)
    assert isinstance(figs.draw_time_above(high, low, day=3), Figure)
    with pytest.raises(ValueError, match="day"):
        figs.draw_time_above(high, low, day=0)
    with pytest.raises(ValueError, match="level"):
        figs.draw_outcomes(outcomes.cohorts(), level=1.5)


def test_course_explorer_bars_fit_their_fixed_axis_at_every_setting():
    """Explorer 3.1's hours-above-threshold axis is fixed (frames compare); no bar may run past it
    at any value of the controls (at 260 h, the regulatory T cells' 313 h at 720,000 IU/kg every
    12 h were cut off)."""
    import itertools

    from il2 import therapy
    from il2.figures import therapy as figs

    ex = figs.course_explorer()
    values = {c.name: c.values() for c in ex.controls}
    longest = max(
        max(therapy.high_dose_course(d, i, int(n), w, cells=figs.SHOWN).engagement.hours_above_threshold.values())
        for d, i, n, w in itertools.product(values["dose_iu_per_kg"], values["interval_h"],
                                            values["doses_per_cycle"], values["weight_kg"]))
    assert 300.0 < longest < figs._HOURS_AXIS_MAX
