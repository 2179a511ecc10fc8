"""Aldesleukin pharmacokinetics: published half-lives, peak level, linearity, regimens, speed."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.optimize import curve_fit

from il2 import pk, units

P = pk.PKParameters()
HD = pk.high_dose_regimen()


def _ode_reference(t_end_h, dose_iu, infusion_h, weight_kg, params=P):
    """Independent check: integrate the two-compartment ODEs with solve_ivp."""
    from scipy.integrate import solve_ivp

    d = pk.disposition(weight_kg, params)

    def rhs(t, a):
        r = dose_iu / infusion_h if t < infusion_h else 0.0
        return [r - (d.k10_per_h + d.k12_per_h) * a[0] + d.k21_per_h * a[1],
                d.k12_per_h * a[0] - d.k21_per_h * a[1]]

    t = np.linspace(0, t_end_h, 200)
    sol = solve_ivp(rhs, (0, t_end_h), [0.0, 0.0], t_eval=t, method="LSODA",
                    rtol=1e-10, atol=1e-6, max_step=infusion_h / 5)
    return t, sol.y[0] / (d.v1_l * 1000)


def test_closed_form_matches_ode_integration():
    """The superposition formula agrees with a direct integration of the model ODEs."""
    t, ref = _ode_reference(8.0, 4.2e7, 0.25, 70.0)
    c = pk.concentration_iu_per_ml(t, [0.0], [4.2e7], infusion_h=0.25, weight_kg=70.0)
    np.testing.assert_allclose(c, ref, rtol=1e-5, atol=1e-6 * ref.max())


def test_half_lives_recovered_by_biexponential_fit():
    """Konrad et al. 1990 (konrad1990) and the label (proleukin_label): distribution half-life
    about 13 min, elimination half-life 85 min. Fit a biexponential to the simulated curve after
    a 5-min infusion (as in the label) and recover both."""
    t = np.linspace(5 / 60 + 0.01, 6.0, 300)
    c = pk.concentration_iu_per_ml(t, [0.0], [4.2e7], infusion_h=5 / 60, weight_kg=70.0)

    def biexp(t, la, a, lb, b):
        return np.exp(la) * np.exp(-a * t) + np.exp(lb) * np.exp(-b * t)

    (la, a, lb, b), _ = curve_fit(biexp, t, c, p0=[np.log(c[0]), 2.0, np.log(c[-1]) + 3, 0.3],
                                  maxfev=20000)
    fast, slow = sorted([a, b], reverse=True)
    assert np.log(2) / fast * 60 == pytest.approx(13.0, abs=0.5)
    assert np.log(2) / slow * 60 == pytest.approx(85.0, abs=2.0)


def test_clearance_from_auc_matches_konrad():
    """Konrad et al. 1990: clearance about 120 mL/min from bolus or infusion data; CL = dose/AUC."""
    t = np.linspace(0, 48, 48 * 600 + 1)
    dose = 1e6
    c = pk.concentration_iu_per_ml(t, [0.0], [dose], infusion_h=0.25, weight_kg=70.0)
    auc_iu_h_per_ml = np.trapezoid(c, t)
    cl_ml_per_min = dose / auc_iu_h_per_ml / 60.0
    assert cl_ml_per_min == pytest.approx(120.0, rel=0.01)


def test_bolus_level_equals_dose_over_plasma_volume():
    """Konrad et al. 1990: right after an IV bolus the level equals dose / plasma volume
    (about 3 L in 70 kg, guyton2021)."""
    c0 = pk.concentration_iu_per_ml(0.0, [0.0], [3e6], infusion_h=0.0, weight_kg=70.0)
    assert float(c0) == pytest.approx(3e6 / 3010.0, rel=1e-9)


def test_steady_state_infusion_matches_konrad():
    """Konrad et al. 1990: median steady state 41 units/mL during 10^6 units/m2 over 6 h.
    With 1.8 m2 (mosteller1987) the model, whose clearance is Konrad's 120 mL/min, gives
    R/CL; within 10% of the published median."""
    dose = 1e6 * 1.8
    c = pk.concentration_iu_per_ml(5.9, [0.0], [dose], infusion_h=6.0, weight_kg=70.0)
    assert float(c) == pytest.approx(41.0, rel=0.10)


def test_peak_after_high_dose_within_plasma_volume_bounds():
    """Facts C (proleukin_label, guyton2021): 600,000 IU/kg in 70 kg gives at most
    dose / plasma volume = about 14,000 IU/mL (all in plasma); the label finds about 30% of
    the dose in plasma at the end of infusion (about 4,200 IU/mL). The model (central volume =
    plasma volume, Konrad) must fall between these bounds, nearer the upper one for a 15-min
    infusion with a 13-min distribution half-life."""
    r = pk.simulate(pk.high_dose_regimen(doses_per_cycle=1, cycles=1), 70.0)
    upper = 600_000 * 70 / (0.043 * 70 * 1000)
    assert upper == pytest.approx(13_953, rel=1e-3)
    peak = r.iu_per_ml.max()
    assert 0.3 * upper < peak < upper
    assert 0.6 * upper < peak  # most of a 15-min infusion is still in plasma at its end
    # in molar terms: tens of nanomolar (facts C: 17-56 nM)
    assert 17_000 < r.il2_pM.max() < 56_000


def _single_sc(dose_iu: float) -> tuple[np.ndarray, np.ndarray]:
    t = np.linspace(0, 30, 30 * 60 + 1)
    return t, pk.concentration_iu_per_ml(t, [0.0], [dose_iu], infusion_h=0.0, weight_kg=70.0, route="sc")


def test_sc_single_dose_peaks_when_measured():
    """SmPC (proleukin_smpc): SC tmax 2-6 h; Piscitelli 1996: 4.4 +/- 1.8 h."""
    s = pk.PISCITELLI_SC
    t, c = _single_sc(1.8e6)
    tmax = t[np.argmax(c)]
    assert 2.0 <= tmax <= 6.0
    assert abs(tmax - s.tmax_h) <= s.tmax_sd_h


def test_sc_apparent_half_life_matches_piscitelli():
    """Piscitelli 1996: apparent half-life 3.3 +/- 0.9 h after an injection (flip-flop)."""
    s = pk.PISCITELLI_SC
    t, c = _single_sc(15e6)
    late = (t >= 12) & (t <= 20)
    half = np.log(2.0) / -np.polyfit(t[late], np.log(c[late]), 1)[0]
    assert abs(half - s.half_life_h) <= s.half_life_sd_h
    assert P.sc_absorption_rate_per_h == pytest.approx(np.log(2.0) / P.sc_apparent_half_life_h)


def test_sc_peaks_inside_the_measured_range_for_every_injection_size():
    """Piscitelli 1996: 12-18 MIU a day, once or twice a day: peaks 21.9-112.9 IU/mL."""
    s = pk.PISCITELLI_SC
    lo, hi = s.peak_range_iu_per_ml
    for daily in s.daily_doses_miu:
        for per_day in (1, 2):
            _, c = _single_sc(daily * 1e6 / per_day)
            assert lo <= c.max() <= hi, (daily, per_day, c.max())


def test_sc_bioavailability_from_auc():
    """EU SmPC (proleukin_smpc): SC bioavailability 31-47%: AUC_sc / AUC_iv = F."""
    t = np.linspace(0, 400, 400 * 60 + 1)
    sc = pk.concentration_iu_per_ml(t, [0.0], [1e6], infusion_h=0.0, weight_kg=70.0, route="sc")
    iv = pk.concentration_iu_per_ml(t, [0.0], [1e6], infusion_h=0.0, weight_kg=70.0)
    f = np.trapezoid(sc, t) / np.trapezoid(iv, t)
    assert 0.31 <= f <= 0.47
    assert f == pytest.approx(P.sc_bioavailability, rel=2e-3)


def test_linear_in_dose_and_superposition():
    """Label (proleukin_label): observed serum levels are dose proportional."""
    t = np.linspace(-1, 30, 500)
    times = HD.dose_times_h()[:4]
    one = pk.concentration_iu_per_ml(t, times, np.full(4, 1e6), infusion_h=0.25, weight_kg=70)
    three = pk.concentration_iu_per_ml(t, times, np.full(4, 3e6), infusion_h=0.25, weight_kg=70)
    np.testing.assert_allclose(three, 3 * one, rtol=1e-10, atol=1e-12)
    parts = sum(pk.concentration_iu_per_ml(t, [s], [1e6], infusion_h=0.25, weight_kg=70) for s in times)
    np.testing.assert_allclose(one, parts, rtol=1e-9, atol=1e-9)
    zero = pk.concentration_iu_per_ml(t, times, np.zeros(4), infusion_h=0.25, weight_kg=70)
    assert np.all(zero == 0)


def test_zero_before_first_dose_and_never_negative():
    t = np.linspace(-5, 200, 3000)
    c = pk.concentration_iu_per_ml(t, [2.0, 10.0], [1e6, 1e6], infusion_h=0.25, weight_kg=70)
    assert np.all(c[t < 2.0] == 0)
    assert np.all(c >= 0)
    assert np.all(np.isfinite(c))
    sc = pk.concentration_iu_per_ml(t, [2.0], [1e6], infusion_h=0.0, weight_kg=70, route="sc")
    assert np.all(sc[t < 2.0] == 0) and np.all(sc >= 0)


def test_unsorted_and_coincident_doses():
    t = np.linspace(0, 20, 400)
    a = pk.concentration_iu_per_ml(t, [8.0, 0.0, 0.0], [1.0, 2.0, 3.0], infusion_h=0.25, weight_kg=70)
    b = pk.concentration_iu_per_ml(t, [0.0, 8.0], [5.0, 1.0], infusion_h=0.25, weight_kg=70)
    np.testing.assert_allclose(a, b, rtol=1e-12)


def test_heavier_patient_same_dose_per_kg_slightly_higher_exposure():
    """Allometric scaling (anderson2008): AUC per IU/kg grows as weight**0.25; 70 kg is the reference."""
    r50 = pk.simulate(pk.high_dose_regimen(doses_per_cycle=1, cycles=1), 50.0)
    r100 = pk.simulate(pk.high_dose_regimen(doses_per_cycle=1, cycles=1), 100.0)
    ratio = np.trapezoid(r100.iu_per_ml, r100.t_h) / np.trapezoid(r50.iu_per_ml, r50.t_h)
    assert ratio == pytest.approx((100 / 50) ** 0.25, rel=1e-3)
    d70 = pk.disposition(70.0)
    assert np.log(2) / d70.alpha_per_h * 60 == pytest.approx(13.0)
    assert d70.a_fraction + d70.b_fraction == pytest.approx(1.0)
    assert d70.k12_per_h > 0 and d70.k21_per_h > 0


def test_label_regimen_total_dose_and_schedule():
    """Label (proleukin_label): 600,000 IU/kg every 8 h, up to 14 doses, 9 days' rest, another
    14 doses: at most 28 doses = 16.8 million IU/kg per course."""
    assert HD.scheduled_doses == 28
    assert HD.total_dose_iu_per_kg == pytest.approx(28 * 600_000)
    times = HD.dose_times_h()
    assert np.allclose(np.diff(times[:14]), 8.0)
    assert times[14] - times[13] == pytest.approx(9 * 24)
    assert HD.infusion_h == pytest.approx(0.25)
    assert HD.doses_iu(70).sum() == pytest.approx(28 * 600_000 * 70)
    # 0.037 mg/kg per dose (label), via the library's conversion
    assert float(units.iu_to_mg(HD.dose_iu_per_kg)) == pytest.approx(0.037, rel=0.02)


def test_held_doses_are_skipped():
    held = HD.with_held([3, 4, 27])
    assert held.doses_given == 25
    assert held.total_dose_iu_per_kg == pytest.approx(25 * 600_000)
    assert 24.0 not in held.dose_times_h() and 32.0 not in held.dose_times_h()
    assert held.with_held([3]).doses_given == 25
    r = pk.simulate(held, 70.0)
    full = pk.simulate(HD, 70.0)
    assert np.trapezoid(r.iu_per_ml, r.t_h) < np.trapezoid(full.iu_per_ml, full.t_h)


def test_low_dose_regimen_koreth():
    """Koreth et al. 2016 (koreth2016): 1e6 IU/m2 once a day SC for 12 weeks."""
    ld = pk.low_dose_sc_regimen()
    assert ld.route == "sc" and ld.doses_given == 84
    assert ld.dose_iu_per_kg * 70 == pytest.approx(1e6 * 1.8)
    r = pk.simulate(ld, 70.0)
    # low dose stays in the picomolar range, thousands of times below the high-dose peak
    assert r.il2_pM.max() < 200
    hd = pk.simulate(pk.high_dose_regimen(doses_per_cycle=1, cycles=1), 70.0)
    assert hd.il2_pM.max() / r.il2_pM.max() > 100


def test_simulate_default_grid_is_one_minute():
    """A whole two-cycle course at 1-min resolution in a few milliseconds (issue 5)."""
    r = pk.simulate(HD, 70.0)
    assert np.allclose(np.diff(r.t_h), 1 / 60)
    assert r.t_h[-1] >= HD.dose_times_h()[-1] + 24
    assert r.il2_pM.shape == r.iu_per_ml.shape
    np.testing.assert_allclose(r.il2_pM, units.iu_per_ml_to_pM(r.iu_per_ml))


@pytest.mark.parametrize(
    "kwargs, name",
    [
        (dict(dose_iu_per_kg=-1.0), "dose_iu_per_kg"),
        (dict(interval_h=0.0), "interval_h"),
        (dict(infusion_h=9.0), "infusion_h"),
        (dict(doses_per_cycle=0), "doses_per_cycle"),
        (dict(doses_per_cycle=2.5), "doses_per_cycle"),
        (dict(route="oral"), "route"),
        (dict(route="sc"), "infusion_h"),
        (dict(held=frozenset({99})), "held"),
        (dict(rest_h=float("nan")), "rest_h"),
    ],
)
def test_regimen_bad_input(kwargs, name):
    base = dict(dose_iu_per_kg=6e5, interval_h=8.0, infusion_h=0.25, doses_per_cycle=14,
                cycles=2, rest_h=216.0)
    base.update(kwargs)
    with pytest.raises(ValueError, match=name):
        pk.Regimen(**base)


def test_concentration_bad_input():
    with pytest.raises(ValueError, match="doses_iu"):
        pk.concentration_iu_per_ml(1.0, [0.0], [-1.0], infusion_h=0.25, weight_kg=70)
    with pytest.raises(ValueError, match="weight_kg"):
        pk.concentration_iu_per_ml(1.0, [0.0], [1.0], infusion_h=0.25, weight_kg=0.0)
    with pytest.raises(ValueError, match="weight_kg"):
        pk.simulate(HD, 0.0)
    with pytest.raises(ValueError, match="doses_iu"):
        pk.concentration_iu_per_ml(1.0, [0.0, 1.0], [1.0], infusion_h=0.25, weight_kg=70)
    with pytest.raises(ValueError, match="infusion_h"):
        pk.concentration_iu_per_ml(1.0, [0.0], [1.0], infusion_h=-0.1, weight_kg=70)
    with pytest.raises(ValueError, match="t_h"):
        pk.concentration_iu_per_ml([np.nan], [0.0], [1.0], infusion_h=0.25, weight_kg=70)
    with pytest.raises(ValueError, match="route"):
        pk.concentration_iu_per_ml(1.0, [0.0], [1.0], infusion_h=0.25, weight_kg=70, route="im")
    with pytest.raises(ValueError, match="regimen"):
        pk.simulate("high dose", 70.0)


def test_parameters_validated():
    with pytest.raises(ValueError, match="clearance_l_per_h"):
        dataclasses.replace(P, clearance_l_per_h=100.0)  # faster than the alpha phase allows
    with pytest.raises(ValueError, match="elimination_half_life_h"):
        dataclasses.replace(P, elimination_half_life_h=0.1)
    with pytest.raises(ValueError, match="sc_bioavailability"):
        dataclasses.replace(P, sc_bioavailability=1.5)


def test_empty_dose_list_gives_zero():
    c = pk.concentration_iu_per_ml(np.linspace(0, 5, 10), [], [], infusion_h=0.25, weight_kg=70)
    assert np.all(c == 0)
