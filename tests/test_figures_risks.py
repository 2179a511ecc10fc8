"""Figures and explorers of the risks chapter: they draw and they quote the library."""

from __future__ import annotations


import pytest
from matplotlib.figure import Figure

from il2 import therapy, toxicity
from il2.figures import risks as figs


@pytest.mark.parametrize(
    "make",
    [figs.starling_figure, figs.course_figure, figs.fever_figure, figs.management_figure,
     figs.window_figure, figs.circulation_figure],
)
def test_static_figures_draw(make):
    fig = make()
    assert isinstance(fig, Figure)
    assert fig.axes


@pytest.mark.parametrize("name", sorted(figs.EXPLORERS))
def test_risks_explorers_move_every_control(name):
    ex = figs.EXPLORERS[name]()
    assert len(ex.static_controls()) == len(ex.controls)  # every control moves in the static book


def test_explorers_cover_dose_fluid_and_vasopressor():
    names = {c.name for factory in figs.EXPLORERS.values() for c in factory().controls}
    assert {"dose_iu_per_kg", "fluid_ml_per_h", "vasopressor"} <= names


def test_chapter_numbers_come_from_the_library():
    """The quoted numbers equal direct library calls (Textor et al. 1987 course; label Table III)."""
    n = figs.chapter_numbers()
    c = toxicity.simulate_course()
    assert n.weight_gain_max == pytest.approx(c.weight_gain_kg)
    assert n.doses_held == c.doses_held
    assert n.albumin_end == pytest.approx(c.albumin_g_per_dl[-1])
    assert n.fluid_l == pytest.approx(toxicity.TEXTOR_COURSE.fluid_l, rel=1e-9)
    assert n.max_heart_rate == pytest.approx(c.max_heart_rate_bpm)
    assert n.fever_onset_h == pytest.approx(figs.single_dose_fever().onset_h())
    m = toxicity.MICHIE_FEVER
    assert m.onset_earliest_h <= n.fever_onset_h <= m.onset_latest_h
    assert n.nk_threshold_pM == pytest.approx(therapy.threshold_pM("NK"))
    assert n.label_daily_dose == pytest.approx(1.8e6)
    assert n.pressor_same_exposure_min_sbp > n.min_sbp
    assert n.pressor_same_exposure_oedema_l >= n.no_pressor_oedema_l


def test_adverse_event_table_lists_every_label_event():
    """Every event of the label's Table III (proleukin_label) appears with its percentage."""
    md = figs.adverse_event_table_markdown()
    for a in toxicity.ADVERSE_EVENTS:
        name = f"{a.name} ({a.note})" if a.note else a.name
        assert f"| {name} | {a.percent:.0f}" in md
    rows = [r for r in md.splitlines()[2:]]
    assert [r.endswith("| yes |") for r in rows] == [a.modelled for a in figs.adverse_events.adverse_event_table()]
    assert all(r.endswith(("| yes |", "| no |")) for r in rows)  # no empty cell (bare on a phone)


def test_draw_functions_take_a_changed_model_call():
    """A smaller dose without the hold rule draws with the same functions."""
    course = toxicity.simulate_course(toxicity.five_day_regimen(300_000.0), hold_doses=False)
    assert isinstance(figs.draw_course(course), Figure)
    k = int(course.t_h.size // 2)
    fig = figs.draw_starling(course, toxicity.starling_forces(course), toxicity.starling_forces(course, k), k)
    assert f"day {course.t_h[k] / 24:.1f}" in [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    fig = figs.draw_management({"no hold": course})
    assert len(fig.axes[0].get_lines()) == 2  # the course and the hold line
