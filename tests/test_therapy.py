"""A treatment course: exposure summaries and receptor engagement of each cell type."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from il2 import pk, therapy
from il2.receptors import DEFAULT_MODEL

HD = therapy.high_dose_course()
LD = therapy.treatment_course(pk.low_dose_sc_regimen())


def test_time_above_exact_for_piecewise_linear():
    t = np.array([0.0, 1.0, 2.0, 3.0])
    v = np.array([0.0, 2.0, 0.0, 4.0])
    # above 1 on [0.5, 1.5] and [2.25, 3]
    assert therapy.time_above_h(t, v, 1.0) == pytest.approx(1.0 + 0.75)
    assert therapy.time_above_h(t, v, 10.0) == 0.0
    assert therapy.time_above_h(t, v, -1.0) == pytest.approx(3.0)


def test_daily_split_sums_to_total():
    eng = HD.engagement
    for c in eng.cells:
        total = therapy.time_above_h(eng.t_h, eng.il2_pM, eng.threshold_pM[c])
        assert eng.daily_hours_above_threshold[c].sum() == pytest.approx(total, rel=1e-12)
        assert np.all(eng.daily_hours_above_threshold[c] <= 24.0 + 1e-9)
    assert eng.days[0] == 0 and eng.days.size == eng.daily_hours_above_threshold["NK"].size


def test_thresholds_follow_receptor_affinity():
    """Farhat et al. 2021 (farhat2021) pSTAT5 data: EC50 about 10 pM for Treg (high-affinity
    receptor) against about 1.7 nM for NK and 2.3-2.8 nM for CD8 T cells (intermediate-affinity
    receptor): NK and CD8 thresholds lie more than ten times above the Treg threshold."""
    th = HD.engagement.threshold_pM
    assert th["activated T"] < th["Treg"] < th["CD4"] < th["NK"]
    assert th["NK"] / th["Treg"] > 10 and th["CD8"] / th["Treg"] > 10
    assert 100 < th["NK"] < 5000 and 100 < th["CD8"] < 5000


def test_high_dose_reaches_nk_and_cd8_low_dose_does_not():
    """The chapter's central claim: 600,000 IU/kg every 8 h (proleukin_label) keeps plasma IL-2
    above the NK and CD8 thresholds for hours every day, while 1e6 IU/m2 SC daily (koreth2016)
    never reaches them; Treg are engaged far longer than NK or CD8 cells under high dose."""
    hd = HD.exposure.hours_above_pM
    ld = LD.exposure.hours_above_pM
    assert hd["NK"] > 20 and hd["CD8"] > 20
    assert ld["NK"] == 0 and ld["CD8"] == 0
    assert hd["Treg"] > 2 * hd["NK"]
    day2 = {c: v[1] for c, v in HD.engagement.daily_hours_above_threshold.items()}
    assert day2["Treg"] == pytest.approx(24.0)
    assert 2.0 < day2["NK"] < 16.0


def test_more_dose_more_time_above_nk_threshold():
    hours = [therapy.high_dose_course(d, cells=["NK"]).exposure.hours_above_pM["NK"]
             for d in (6e4, 2e5, 6e5, 7.2e5)]
    assert np.all(np.diff(hours) > 0)


def test_auc_equals_dose_over_clearance():
    """Konrad et al. 1990 (konrad1990): clearance about 120 mL/min; for a linear model the AUC of a
    whole course equals total dose / clearance (the 24-h tail leaves a negligible remainder)."""
    cl_ml_per_h = pk.disposition(70.0).clearance_l_per_h * 1000.0
    total = HD.pk.doses_iu.sum()
    assert HD.exposure.auc_iu_h_per_ml == pytest.approx(total / cl_ml_per_h, rel=2e-3)
    assert HD.exposure.cmax_pM == pytest.approx(HD.pk.il2_pM.max())


def test_zero_dose_limit():
    z = therapy.high_dose_course(0.0)
    assert z.exposure.cmax_pM == 0 and z.exposure.auc_pM_h == 0
    assert all(v == 0 for v in z.exposure.hours_above_pM.values())
    for p in z.engagement.pstat5.values():
        assert np.all(p == 0)


def test_pstat5_bounded_and_follows_concentration():
    eng = HD.engagement
    for c, p in eng.pstat5.items():
        assert np.all((p >= 0) & (p <= 1))
        k = int(np.argmax(eng.il2_pM))
        assert p[k] == pytest.approx(p.max())


def test_signal_table_matches_direct_call():
    from il2 import signaling

    c = np.array([0.0, 3e-4, 0.5, 12.0, 840.0, 3.9e4])
    for cell in ("Treg", "NK"):
        np.testing.assert_allclose(therapy._pstat5(DEFAULT_MODEL, cell, c), signaling.pstat5_fraction(cell, c),
                                   rtol=5e-3, atol=1e-6)


def test_equilibrium_threshold_option():
    ref = dataclasses.replace(therapy.TherapyReference(), threshold_exposure_h=0.0)
    from il2 import signaling

    assert therapy.threshold_pM("NK", ref) == pytest.approx(signaling.ec50_pM("NK"))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(dose_iu_per_kg=-1.0), "dose_iu_per_kg"),
        (dict(interval_h=0.0), "interval_h"),
        (dict(interval_h=0.1), "infusion_h"),
        (dict(weight_kg=0.0), "weight_kg"),
        (dict(doses_per_cycle=0), "doses_per_cycle"),
    ],
)
def test_simulate_course_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        therapy.high_dose_course(**kwargs)


def test_other_bad_input():
    with pytest.raises(ValueError, match="pk_result"):
        therapy.engagement("not a result")
    with pytest.raises(ValueError, match="cells"):
        therapy.engagement(HD.pk, ["macrophage"])
    with pytest.raises(ValueError, match="values"):
        therapy.time_above_h([0, 1, 2], [1, 2], 1.0)
    with pytest.raises(ValueError, match="t_h"):
        therapy.time_above_h([0, 0, 2], [1, 2, 3], 1.0)
    with pytest.raises(ValueError, match="threshold"):
        therapy.time_above_h([0, 1], [1, 2], float("nan"))
    with pytest.raises(ValueError, match="thresholds_pM"):
        therapy.exposure(HD.pk, {"x": -1.0})


# ---------------------------------------------------------------------------------------
# Pharmacodynamics: the growth model driven by the plasma curve
# ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pd_hd():
    """The label's two-cycle high-dose course with four weeks of follow-up (proleukin_label)."""
    return therapy.pharmacodynamics(pk.high_dose_regimen())


@pytest.fixture(scope="module")
def pd_ld():
    """The 12-week low-dose subcutaneous course (koreth2016)."""
    return therapy.pharmacodynamics(pk.low_dose_sc_regimen())


def test_pd_low_dose_carried_across_injections_matches_the_restarted_solver(pd_ld):
    """The 12-week daily SC course carries the solver across its 84 injections by default
    (restart_at_doses=None): its fold changes stay within 0.1% of the solver restarted at every
    injection (measured: 0.05%), and the numbers the chapter quotes round the same."""
    full = therapy.pharmacodynamics(pk.low_dose_sc_regimen(), restart_at_doses=True)
    for p in pd_ld.populations:
        np.testing.assert_allclose(pd_ld.fold(p), full.fold(p), rtol=1e-3)
        assert f"{pd_ld.peak_fold[p]:.2f}" == f"{full.peak_fold[p]:.2f}"
    np.testing.assert_allclose(pd_ld.control.fold("CD8"), full.control.fold("CD8"), rtol=1e-9)


@pytest.mark.parametrize("dose", [6_000.0, 66_000.0, 600_000.0, 720_000.0])
@pytest.mark.parametrize("interval_h,doses", [(4.0, 14), (8.0, 14), (24.0, 8), (12.0, 1)])
def test_pd_explorer_settings_match_the_full_solver(dose, interval_h, doses):
    """The course explorer's cell panel (rtol 3e-3, solver carried across the infusion edges)
    against the chapter's solver (rtol 1e-3, restarted at every edge): fold curves within 1%
    (over all 126 combinations of the explorer's values the largest difference is 0.5%)."""
    from il2.figures import therapy as figs

    fast = figs._course_model(dose, interval_h, doses, 70.0).cells
    first = pk.high_dose_regimen(dose, interval_h=interval_h, doses_per_cycle=doses, cycles=1)
    full = therapy.pharmacodynamics(first, follow_up_h=24.0, restart_at_doses=True)
    np.testing.assert_array_equal(fast.t_h, full.t_h)
    for p in fast.populations:
        np.testing.assert_allclose(fast.fold(p), full.fold(p), rtol=1e-2)
    np.testing.assert_allclose(fast.control.fold("CD8"), full.control.fold("CD8"), rtol=1e-2)


def test_pd_zero_dose_gives_no_expansion_beyond_the_untreated_run():
    z = therapy.pharmacodynamics(pk.high_dose_regimen(0.0))
    assert np.all(z.pk.il2_pM == 0)
    for p in z.populations:
        np.testing.assert_allclose(z.fold(p), z.control.fold(p), rtol=1e-3, atol=1e-12)
        assert z.peak_fold[p] <= 1.0 + 1e-3


def test_pd_more_dose_more_nk_expansion():
    """Every 8 h for the label's two cycles: peak NK expansion rises with the dose."""
    folds = [therapy.pharmacodynamics(pk.high_dose_regimen(d), follow_up_h=24.0, rtol=1e-2)
             .peak_fold["NK"] for d in (6e3, 6e4, 2e5, 6e5, 7.2e5)]
    assert np.all(np.diff(folds) > 0)
    assert folds[0] < 1.5 < folds[-1]


def test_pd_high_dose_expands_nk_and_cd8_more_than_treg(pd_hd):
    """The chapter's claims about the high-dose course (proleukin_label) in the lymph-node niche:
    NK cells expand several-fold in each cycle, the CD8 T cells that rest at their size in the
    untreated niche expand instead, and regulatory T cells expand too but less than NK
    cells (their few CD122 chains limit the signal); ahmadzadeh2006 saw Tregs rise after high-dose
    therapy."""
    r = pd_hd
    reg = r.regimen
    cycle1_end = float(reg.scheduled_times_h()[reg.doses_per_cycle - 1] + reg.infusion_h)
    assert r.treated.fold_at("NK", cycle1_end) > 3.5
    assert r.peak_fold["NK"] > 4.0
    assert r.treated.fold_at("CD8", cycle1_end) > 50.0
    assert 0.9 < r.control.fold_at("CD8", cycle1_end) < 1.1
    assert 1.5 < r.peak_fold["Treg"] < r.peak_fold["NK"] / 2.0
    # expansion happens while the drug is given: the peaks fall in a dosing window
    cycles = reg.scheduled_times_h().reshape(reg.cycles, reg.doses_per_cycle)
    for p in r.populations:
        t = r.peak_time_h[p]
        assert any(c[0] <= t <= c[-1] + 24.0 for c in cycles), p


def test_pd_cells_return_after_the_course(pd_hd):
    """After the last dose NK cells, regulatory T cells and CD8 T cells return towards their
    resting numbers (resident turnover, boyman2012; homeostasis of il2.growth)."""
    r = pd_hd
    assert r.final_fold["NK"] < 0.3 * r.peak_fold["NK"]
    assert r.final_fold["Treg"] < 1.2
    assert 0.9 < r.final_fold["CD8"] < 1.1
    assert r.t_h[-1] - r.course_end_h >= therapy.PDSettings().follow_up_h


def test_pd_cells_never_fall_below_their_start_during_dosing(pd_hd):
    """The model's niche keeps its cells: it has no blood compartment and no cell traffic, so it
    cannot show the fall of circulating lymphocytes during dosing (lotze1985) - the chapter says so.
    NK and regulatory T cells never drop below their starting numbers while the drug is given."""
    r = pd_hd
    during = r.t_h <= r.course_end_h
    for p in ("NK", "Treg"):
        assert r.fold(p)[during].min() >= 1.0 - 1e-6


def test_pd_low_dose_favours_tregs_but_underestimates_the_trial(pd_ld, pd_hd):
    """koreth2016 observed a more than fivefold rise of regulatory T cells and a more than fourfold
    rise of NK cells over 12 weeks of low-dose IL-2. The model gets the selectivity (Tregs grow,
    NK cells hardly) but not the size: with plasma levels in the tens of pM no population of the
    niche grows by half, because the niche's cells take up the drug that enters it. This
    documents the limitation the chapter states; il2.low_dose_pd, where the cells see the plasma
    level (their uptake being part of the plasma clearance), reaches the trial's numbers
    (tests/test_low_dose_pd.py)."""
    ld = pd_ld
    for p in ld.populations:
        assert ld.peak_fold[p] < 1.5, p
    assert ld.peak_fold["Treg"] > 1.15
    assert ld.peak_fold["Treg"] - 1.0 > 5.0 * (ld.peak_fold["NK"] - 1.0)
    assert pd_hd.peak_fold["NK"] > 4.0 * ld.peak_fold["NK"]


def test_pd_niche_follows_the_plasma_and_stays_below_it(pd_hd):
    """The niche exchanges IL-2 with the blood (growth docstring): it carries the plasma curve
    (stored on the output grid) and, since cells take IL-2 up, stays below its peak."""
    tr = pd_hd.treated
    np.testing.assert_allclose(tr.plasma_il2_pM, np.interp(tr.t_h, pd_hd.pk.t_h, pd_hd.pk.il2_pM))
    assert tr.il2_pM.max() < pd_hd.pk.il2_pM.max()
    assert tr.il2_pM.max() > 0.1 * pd_hd.pk.il2_pM.max()
    assert np.all(np.isfinite(tr.il2_pM)) and np.all(tr.il2_pM >= 0)


def test_pd_helpers_option_adds_il2_made_in_the_niche():
    """With antigen-activated helpers the niche makes IL-2 of its own (growth chapter): CD8
    expansion over one cycle is at least as large as with the drug alone."""
    reg = pk.high_dose_regimen(cycles=1)
    alone = therapy.pharmacodynamics(reg, follow_up_h=24.0, rtol=1e-2)
    helped = therapy.pharmacodynamics(reg, helpers=300.0, antigen_h=96.0, follow_up_h=24.0, rtol=1e-2)
    assert helped.peak_fold["CD8"] >= 0.99 * alone.peak_fold["CD8"]
    assert helped.treated.peak_il2_pM >= 0.99 * alone.treated.peak_il2_pM


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(regimen="high dose"), "regimen"),
        (dict(weight_kg=0.0), "weight_kg"),
        (dict(helpers=-1.0), "helpers"),
        (dict(antigen_h=float("nan")), "antigen_h"),
        (dict(follow_up_h=-24.0), "follow_up_h"),
        (dict(output_step_h=0.0), "output_step_h"),
        (dict(output_step_h=1e-4), "output_step_h"),
        (dict(compartment="spleen"), "compartment"),
        (dict(rtol=0.5), "rtol"),
    ],
)
def test_pd_bad_input(kwargs, name):
    args = {"regimen": pk.high_dose_regimen(doses_per_cycle=1, cycles=1), **kwargs}
    with pytest.raises(ValueError, match=name):
        therapy.pharmacodynamics(**args)
