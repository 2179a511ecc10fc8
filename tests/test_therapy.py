"""A treatment course: exposure summaries and receptor engagement of each cell type."""

from __future__ import annotations

import dataclasses
import timeit

import numpy as np
import pytest

from il2 import pk, therapy

HD = therapy.simulate_course()
LD = therapy.course(pk.low_dose_sc_regimen())


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
    hours = [therapy.simulate_course(d, cells=["NK"]).exposure.hours_above_pM["NK"]
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
    z = therapy.simulate_course(0.0)
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
        np.testing.assert_allclose(therapy._pstat5(cell, c), signaling.pstat5_fraction(cell, c),
                                   rtol=5e-3, atol=1e-6)


def test_equilibrium_threshold_option():
    ref = dataclasses.replace(therapy.TherapyReference(), threshold_exposure_h=0.0)
    from il2 import signaling

    assert therapy.threshold_pM("NK", ref) == pytest.approx(signaling.ec50_pM("NK"))


def test_course_explorer_call_is_fast():
    """Explorer model calls must take well under 20 ms (design.md)."""
    best = min(timeit.repeat(lambda: therapy.simulate_course(cells=["Treg", "NK", "CD8"]),
                             number=3, repeat=3)) / 3
    assert best < 0.02


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
        therapy.simulate_course(**kwargs)


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
