"""Capillary-leak toxicity model: physiology, conservation, published outcomes, limits, bad input."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from il2 import pk
from il2 import toxicity as tox
from il2.toxicity import endothelium, fever, fluids, hemodynamics, window
from il2.toxicity._relaxation import relax

FP = tox.FluidParameters()
EP = tox.EndotheliumParameters()
HP = tox.HemodynamicParameters()


@pytest.fixture(scope="module")
def course() -> tox.CourseResult:
    """The label's five-day high-dose course with the default (Textor) fluid support."""
    return tox.simulate_course()


@pytest.fixture(scope="module")
def unheld() -> tox.CourseResult:
    """The same course with every scheduled dose given."""
    return tox.simulate_course(hold_doses=False)


# --- fluid exchange and the baseline -------------------------------------------------------


def test_landis_pappenheimer_gives_normal_plasma_oncotic_pressure():
    """Plasma with 4.5 g/dL albumin (7.3 g/dL protein) has an oncotic pressure near 28 mmHg
    (guyton2021), as the Landis-Pappenheimer polynomial gives (landis1963)."""
    assert float(fluids.colloid_osmotic_pressure_mmHg(4.5)) == pytest.approx(27.4, abs=0.5)
    assert float(fluids.colloid_osmotic_pressure_mmHg(0.0)) == 0.0


def test_oncotic_pressure_inverse_round_trips():
    """albumin_for_pressure_g_per_dl inverts the Landis-Pappenheimer polynomial (landis1963)."""
    for c in (0.5, 2.2, 3.6, 6.0):
        p = float(fluids.colloid_osmotic_pressure_mmHg(c))
        assert fluids.albumin_for_pressure_g_per_dl(p) == pytest.approx(c, rel=1e-9)


def test_baseline_volumes_match_textbook_values():
    """Plasma about 43 mL/kg (3 L in 70 kg) and interstitial fluid about 10.5 L (guyton2021)."""
    b = tox.baseline(70.0)
    assert b.plasma_volume_l == pytest.approx(3.01)
    assert b.interstitial_volume_l == pytest.approx(10.5)
    assert b.plasma_albumin_g_per_dl == pytest.approx(3.6)  # textor1987
    b50 = tox.baseline(50.0)
    assert b50.plasma_volume_l / b.plasma_volume_l == pytest.approx(50 / 70)


def test_baseline_is_an_algebraic_steady_state():
    """At baseline Starling filtration equals lymph flow (2 to 3 L/day, guyton2021) and the
    albumin that leaks equals the albumin lymph returns (levick2010)."""
    b = tox.baseline()
    jv = fluids.starling_filtration_l_per_h(
        b.filtration_coefficient_l_per_h_mmHg, b.capillary_pressure_mmHg,
        b.interstitial_pressure_mmHg, b.reflection_coefficient, b.plasma_cop_mmHg,
        b.interstitial_cop_mmHg,
    )
    lymph = fluids.lymph_flow_l_per_h(b.interstitial_pressure_mmHg)
    assert float(jv) == pytest.approx(float(lymph), rel=1e-12)
    assert 2.0 <= float(lymph) * 24 <= 3.0
    js = fluids.albumin_flux_g_per_h(jv, b.reflection_coefficient, b.permeability_surface_l_per_h,
                                     b.plasma_albumin_g_per_dl, b.interstitial_albumin_g_per_dl)
    assert float(js) == pytest.approx(float(lymph) * b.interstitial_albumin_g_per_dl * 10, rel=1e-12)
    assert float(fluids.interstitial_pressure_mmHg(b.interstitial_volume_l)) == pytest.approx(-3.0)
    # the closing capillary pressure lies in the range measured in human capillaries
    assert 8.0 < b.capillary_pressure_mmHg < 25.0


def test_untreated_patient_stays_at_baseline():
    """With no IL-2 and only maintenance intake nothing changes: the ODE's baseline is a
    steady state (guyton2021 intake and losses)."""
    t = np.linspace(0.0, 48.0, 1441)
    r = tox.simulate_exposure(t, np.zeros_like(t), fluid_ml_per_h=0.0)
    for arr in (r.plasma_volume_l, r.interstitial_volume_l, r.albumin_g_per_dl, r.systolic_pressure_mmHg,
                r.urine_ml_per_h, r.temperature_c):
        assert np.ptp(arr) < 1e-6 * max(1.0, abs(arr[0]))
    assert r.systolic_pressure_mmHg[0] == pytest.approx(93.0 + 2 * 40.0 / 3)  # 120/80 (guyton2021)
    assert r.urine_ml_per_h[0] == pytest.approx(58.0)
    assert np.all(r.activation == 0.0)


def test_lymph_rises_twenty_fold_then_plateaus():
    """Lymph flow is 120 mL/h at rest and rises more than 20-fold, plateauing 1 to 2 mmHg
    above atmospheric pressure (guyton2021)."""
    assert float(fluids.lymph_flow_l_per_h(-3.0)) == pytest.approx(0.12)
    assert float(fluids.lymph_flow_l_per_h(1.0)) == pytest.approx(0.95 * 20 * 0.12)
    assert float(fluids.lymph_flow_l_per_h(20.0)) == pytest.approx(20 * 0.12, rel=1e-6)
    flows = fluids.lymph_flow_l_per_h(np.linspace(-10, 10, 50))
    assert np.all(np.diff(flows) > 0)


def test_interstitial_compliance_is_low_when_negative_and_high_in_oedema():
    """Interstitial pressure rises steeply while negative, slowly once positive (guyton2021)."""
    vi0 = tox.baseline().interstitial_volume_l
    p = fluids.interstitial_pressure_mmHg(np.array([vi0, vi0 + 0.5, vi0 + 6.0, vi0 + 7.0]))
    steep = (p[1] - p[0]) / 0.5
    flat = p[3] - p[2]
    assert steep == pytest.approx(1 / FP.interstitial_compliance_low_l_per_mmHg, rel=0.05)
    assert flat == pytest.approx(1 / FP.interstitial_compliance_high_l_per_mmHg, rel=0.05)


def test_no_steady_state_raises():
    """Interstitial albumin above plasma albumin admits no steady state: ValueError."""
    bad = dataclasses.replace(FP, interstitial_protein_g_per_dl=7.0)
    with pytest.raises(ValueError, match="interstitial_protein_g_per_dl"):
        tox.baseline(70.0, bad)


# --- the IL-2 effect -----------------------------------------------------------------------


def test_exact_relaxation_matches_direct_integration():
    """The exact step formula of the mediator model agrees with solve_ivp to within 0.5% on the
    course's two-minute grid (the stimulus is averaged over each step)."""
    t = np.linspace(0.0, 24.0, 721)
    c = pk.concentration_iu_per_ml(t, [0.0, 8.0, 16.0], [4.2e7] * 3, infusion_h=0.25, weight_kg=70.0)
    m = endothelium.mediator(t, c)

    def rhs(tt, y):
        ci = np.interp(tt, t, c)
        s = ci / (ci + EP.ec50_iu_per_ml)
        return [EP.production_per_h * s - EP.clearance_per_h * y[0]]

    ref = solve_ivp(rhs, (0, 24), [0.0], t_eval=t, max_step=0.02, rtol=1e-8, atol=1e-10).y[0]
    np.testing.assert_allclose(m, ref, atol=5e-3 * ref.max())
    rng = np.random.default_rng(1)
    dt, a, b = rng.uniform(0.01, 1, 300), rng.uniform(0, 2, 300), rng.uniform(0.1, 3, 300)
    x = [0.2]
    for i in range(300):
        d = np.exp(-b[i] * dt[i])
        x.append(x[-1] * d + a[i] / b[i] * (1 - d))
    np.testing.assert_allclose(relax(dt, a, b, 0.2), x, rtol=1e-10)


def test_mediator_reaches_its_steady_state_under_constant_il2():
    """Under a constant level the load settles at k_in S(C) / k_out; activation stays below 1."""
    t = np.linspace(0.0, 400.0, 4001)
    c = np.full_like(t, 1e5)
    m = endothelium.mediator(t, c)
    s = float(endothelium.stimulus(1e5))
    assert m[-1] == pytest.approx(EP.production_per_h * s / EP.clearance_per_h, rel=1e-6)
    e = endothelium.activation(t, c)
    assert np.all((e >= 0) & (e < 1)) and np.all(np.diff(e) >= 0)


def test_zero_dose_gives_no_effect():
    """Zero dose: no mediator, no activation, no fever, no leak beyond the fluid input."""
    r = tox.simulate_course(tox.five_day_regimen(0.0), fluid_ml_per_h=0.0)
    assert np.all(r.iu_per_ml == 0.0) and np.all(r.activation == 0.0)
    assert r.max_temperature_c == pytest.approx(37.0)
    assert r.doses_held == 0 and r.weight_gain_kg == pytest.approx(0.0, abs=1e-6)


def test_effect_multipliers():
    """At full activation the filtration coefficient, albumin permeability, reflection
    coefficient and vascular tone take their calibrated extremes (textor1987)."""
    assert float(endothelium.filtration_multiplier(1.0)) == 1 + EP.filtration_gain
    assert float(endothelium.albumin_permeability_multiplier(1.0)) == 1 + EP.albumin_permeability_gain
    assert float(endothelium.reflection_coefficient(1.0, 0.9)) == pytest.approx(0.9 * (1 - EP.reflection_drop))
    assert float(endothelium.vascular_tone(1.0, 0.5)) == pytest.approx((1 - EP.vasodilation) * 1.5)
    assert float(endothelium.vascular_tone(0.0)) == 1.0


# --- circulation, kidney, fever ------------------------------------------------------------


def test_blood_pressure_baseline_and_vasodilation():
    """120/80 mmHg at baseline (guyton2021); the baroreflex corrects part of a fall in tone."""
    bp = hemodynamics.blood_pressure(3.0, 3.0, 1.0)
    assert float(bp.systolic_mmHg) == pytest.approx(120.0, abs=0.5)
    assert float(bp.diastolic_mmHg) == pytest.approx(80.0, abs=0.5)
    dilated = hemodynamics.blood_pressure(3.0, 3.0, 0.5)
    ratio = float(dilated.mean_mmHg) / 93.0
    assert 0.5 < ratio < 1.0  # partly, not fully, compensated
    assert ratio == pytest.approx(0.5 ** (1 / (1 + HP.baroreflex_gain)))


def test_urine_follows_pressure_and_volume():
    """No urine below about 50 mmHg; more with pressure and with plasma volume (guyton2021)."""
    assert float(hemodynamics.urine_output_ml_per_h(45.0)) == 0.0
    u = hemodynamics.urine_output_ml_per_h(np.array([60.0, 80.0, 93.0, 110.0]))
    assert np.all(np.diff(u) > 0) and u[2] == pytest.approx(58.0)
    assert float(hemodynamics.urine_output_ml_per_h(93.0, 1.09)) == pytest.approx(2 * 58.0, rel=0.02)


def test_titrated_vasopressor_is_zero_when_pressure_is_adequate_and_capped():
    """The titrated drug is off at normal pressure, rises as tone falls, and stops at its ceiling."""
    u = hemodynamics.titrated_vasopressor(1.0, np.array([1.0, 0.5, 0.45, 0.05]), 1.0, 95.0)
    assert u[0] == 0.0 and 0 < u[1] < u[2] <= 1.0 and u[3] == 1.0
    # at the titrated dose the systolic pressure is on target
    bp = hemodynamics.blood_pressure(3.0, 3.0, 0.45 * (1 + u[2]))
    assert float(bp.systolic_mmHg) == pytest.approx(95.0)


def test_capillary_pressure_is_autoregulated():
    """Capillary pressure holds above the autoregulation limit and falls below it (guyton2021)."""
    pc = hemodynamics.capillary_pressure_mmHg(np.array([93.0, 80.0, 30.0, 0.0]), 10.0)
    assert pc[0] == pytest.approx(10.0) and pc[1] > 9.5 and pc[2] < 5.5 and pc[3] == 0.0


def test_fever_and_chills_after_each_dose(course):
    """Each high-dose infusion is followed hours later by chills, then fever (siegel1991,
    michie1988); the set-point mechanism of chills follows guyton2021."""
    t, temp = course.t_h, course.temperature_c
    first = (t > 0) & (t < 8)
    assert 38.5 < temp[first].max() < 40.5
    t_chill = t[first][np.argmax(course.chills[first])]
    t_fever = t[first][np.argmax(temp[first] >= 38.0)]
    assert 1.5 < t_chill < t_fever < 4.5
    f = fever.fever_response(t, np.zeros_like(t))
    np.testing.assert_allclose(f.temperature_c, 37.0, rtol=1e-12)
    assert not f.chills.any()


def test_fever_latency_matches_michie():
    """Michie et al. 1988: after an IL-2 bolus of 30,000 U/kg fever began 180 to 240 min later
    (MICHIE_FEVER). In the model, temperature reaches 38 °C inside that window after Michie's
    bolus read as six IU per unit (the conversion the book assumes for Textor's units, not
    confirmed) and after the label's 600,000 IU/kg; read as IU, the bolus still warms the
    patient only from the third hour. Nothing happens during the infusion itself, unlike the
    former one-step pyrogen model, which gave chills within minutes."""
    m = tox.MICHIE_FEVER
    t = np.arange(0.0, 12.0, 1.0 / 60.0)

    def run(dose_iu_per_kg, params=tox.FeverParameters()):
        c = pk.concentration_iu_per_ml(t, [0.0], [dose_iu_per_kg * 70.0], infusion_h=0.25, weight_kg=70.0)
        return fever.fever_response(t, c, params)

    for dose in (6.0 * m.dose_units_per_kg, 600_000.0):
        f = run(dose)
        assert m.onset_earliest_h <= f.onset_h() <= m.onset_latest_h, (dose, f.onset_h())
        assert 1.5 < f.chills_onset_h() < f.onset_h()
        assert not f.chills[t <= 1.0].any() and f.temperature_c[t <= 1.0].max() < 37.1
        assert np.argmax(f.cascade[-1]) > np.argmax(f.cascade[0])  # each stage lags the one before
    low = run(m.dose_units_per_kg)
    warm = float(t[np.argmax(low.temperature_c > 37.5)])
    assert m.onset_earliest_h - 0.5 <= warm <= m.onset_latest_h
    one_step = dataclasses.replace(tox.FeverParameters(), cascade_stages=1, cascade_stage_time_h=0.05)
    assert run(600_000.0, one_step).onset_h() < m.onset_earliest_h - 1.0


def test_circulation_is_hyperdynamic():
    """As vascular resistance falls the baroreflex raises cardiac output and heart rate
    (ognibene1988: tachycardia, higher cardiac index, lower resistance and pressure by day 4):
    with G = 1 and normal filling, halving resistance raises output and rate by sqrt(2)."""
    circ = hemodynamics.circulation(3.0, 3.0, np.array([1.0, 0.5]))
    assert circ.heart_rate_bpm[0] == pytest.approx(HP.heart_rate_bpm)
    assert circ.cardiac_output_l_per_min[0] == pytest.approx(HP.cardiac_output_l_per_min)
    assert circ.cardiac_output_l_per_min[1] / circ.cardiac_output_l_per_min[0] == pytest.approx(2**0.5)
    assert circ.heart_rate_bpm[1] / circ.heart_rate_bpm[0] == pytest.approx(2**0.5)
    assert circ.mean_mmHg[1] / circ.mean_mmHg[0] == pytest.approx(2**-0.5)
    # pressure = flow x resistance, and the pressures equal blood_pressure's
    np.testing.assert_allclose(circ.mean_mmHg / 93.0,
                               circ.cardiac_output_l_per_min / 5.0 * circ.resistance_ratio)
    bp = hemodynamics.blood_pressure(3.0, 3.0, np.array([1.0, 0.5]))
    np.testing.assert_allclose(circ.systolic_mmHg, bp.systolic_mmHg)
    # a smaller plasma volume lowers stroke volume, so the rate rises further for the same output
    low = hemodynamics.circulation(2.7, 3.0, 0.5)
    assert float(low.heart_rate_bpm) > circ.heart_rate_bpm[1]


def test_course_tachycardia_matches_published_haemodynamics(course):
    """During the five-day course heart rate and cardiac output rise while resistance and
    pressure fall (ognibene1988). The largest rise in heart rate is within a quarter of the
    rise Fragasso et al. measured after five days of IL-2 (84 -> 125 /min, fragasso1994)."""
    fr = tox.measured.FRAGASSO_1994
    published = fr.heart_rate_during_bpm / fr.heart_rate_before_bpm
    model = course.max_heart_rate_bpm / course.heart_rate_bpm[0]
    assert model == pytest.approx(published, rel=0.25)
    k = int(np.argmin(course.systolic_pressure_mmHg))
    assert course.heart_rate_bpm[k] > 1.2 * course.heart_rate_bpm[0]
    assert course.cardiac_output_l_per_min[k] > 1.15 * course.cardiac_output_l_per_min[0]
    assert course.resistance_ratio[k] < 0.7
    assert course.mean_pressure_mmHg[k] < course.mean_pressure_mmHg[0]


def test_course_runs_the_public_kernels(course):
    """One implementation per equation: recomputing the course's filtration, albumin flux,
    lymph, urine and pressures from its state with the public, checked functions gives the
    same numbers the integrator used."""
    b = tox.baseline()
    e = course.activation
    sigma = endothelium.reflection_coefficient(e, b.reflection_coefficient)
    kf = b.filtration_coefficient_l_per_h_mmHg * endothelium.filtration_multiplier(e)
    ps = b.permeability_surface_l_per_h * endothelium.albumin_permeability_multiplier(e)
    tone = endothelium.vascular_tone(e)
    np.testing.assert_allclose(course.resistance_ratio, tone, rtol=1e-12)
    circ = hemodynamics.circulation(course.plasma_volume_l, b.plasma_volume_l, tone)
    np.testing.assert_allclose(course.systolic_pressure_mmHg, circ.systolic_mmHg, rtol=1e-12)
    np.testing.assert_allclose(course.heart_rate_bpm, circ.heart_rate_bpm, rtol=1e-12)
    pi = fluids.interstitial_pressure_mmHg(course.interstitial_volume_l)
    pc = hemodynamics.capillary_pressure_mmHg(circ.mean_mmHg, b.capillary_pressure_mmHg)
    jv = fluids.starling_filtration_l_per_h(
        kf, pc, pi, sigma, fluids.colloid_osmotic_pressure_mmHg(course.albumin_g_per_dl),
        fluids.colloid_osmotic_pressure_mmHg(course.interstitial_albumin_g_per_dl))
    np.testing.assert_allclose(course.filtration_l_per_h, jv, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(course.lymph_l_per_h, fluids.lymph_flow_l_per_h(pi), rtol=1e-12)
    js = fluids.albumin_flux_g_per_h(jv, sigma, ps, course.albumin_g_per_dl,
                                     course.interstitial_albumin_g_per_dl)
    # albumin balance of the plasma: dMp/dt = -Js + L Ci, checked by finite differences
    dmp = np.gradient(course.plasma_albumin_g, course.t_h)
    back = course.lymph_l_per_h * course.interstitial_albumin_g_per_dl * fluids.DL_PER_L
    smooth = np.abs(np.gradient(dmp, course.t_h)) < 5.0
    np.testing.assert_allclose(dmp[smooth], (back - js)[smooth], atol=0.3)
    urine = hemodynamics.urine_output_ml_per_h(circ.mean_mmHg, course.plasma_volume_l / b.plasma_volume_l)
    np.testing.assert_allclose(course.urine_ml_per_h, urine, rtol=1e-12)


# --- a whole course ----------------------------------------------------------------------


def test_water_and_albumin_are_conserved(course):
    """Body water changes only by intake minus urine and other losses, and albumin only moves
    between plasma and interstitium (levick2010 two-compartment balance)."""
    water = course.plasma_volume_l + course.interstitial_volume_l
    balance = course.fluid_in_l - course.urine_out_l - course.other_out_l
    np.testing.assert_allclose(water - water[0], balance, atol=1e-6)
    albumin = course.plasma_albumin_g + course.interstitial_albumin_g
    np.testing.assert_allclose(albumin, albumin[0], rtol=1e-9)
    np.testing.assert_allclose(course.weight_kg - 70.0, water - water[0], atol=1e-12)


def test_five_day_course_reproduces_textor(course):
    """Textor et al. 1987 (TEXTOR_COURSE): 18.4 L of fluid over 5 days, weight gain 4.0 kg,
    serum albumin 3.6 -> 2.2 g/dL, haematocrit unchanged (capillary leak rather than
    haemoconcentration)."""
    tx = tox.TEXTOR_COURSE
    assert course.t_h[-1] == pytest.approx(tx.duration_h)
    assert course.fluid_in_l[-1] == pytest.approx(tx.fluid_l, rel=1e-9)
    assert course.weight_kg[-1] - 70.0 == pytest.approx(tx.weight_gain_kg, abs=1.0)
    assert tx.weight_gain_kg - 1.0 < course.weight_gain_kg < tx.weight_gain_kg + 2.5
    assert course.albumin_g_per_dl[0] == pytest.approx(tx.albumin_before_g_per_dl)
    assert course.albumin_g_per_dl[-1] == pytest.approx(tx.albumin_after_g_per_dl, abs=0.3)
    dosing = course.t_h < window.WindowParameters().course_span_h
    assert abs(course.hematocrit[dosing].mean() / course.hematocrit[0] - 1) < 0.05


def test_typical_patient_becomes_hypotensive_and_has_doses_held(course):
    """Hypotension in 71% of patients (proleukin_label); doses are held when systolic pressure
    is below 90 mmHg (label Table 2), and the exposure comes from the doses actually given."""
    assert course.min_systolic_mmHg < 90.0
    assert 1 <= course.doses_held <= 7
    held = ~course.given
    assert np.all(course.systolic_at_dose_mmHg[held] < 90.0)
    assert np.all(course.systolic_at_dose_mmHg[course.given] >= 90.0)
    assert course.regimen.held == frozenset(np.flatnonzero(held).tolist())
    expected = pk.concentration_iu_per_ml(
        course.t_h, course.regimen.dose_times_h(), course.regimen.doses_iu(70.0), infusion_h=0.25,
        weight_kg=70.0,
    )
    np.testing.assert_allclose(course.iu_per_ml, expected, rtol=1e-12, atol=1e-9)


def test_holding_doses_protects_the_patient(course, unheld):
    """Without the hold rule every dose is given and the leak and hypotension are worse."""
    assert unheld.doses_held == 0
    assert unheld.min_systolic_mmHg < course.min_systolic_mmHg
    assert unheld.weight_gain_kg > course.weight_gain_kg


def test_more_dose_more_leak():
    """Dose-dependent capillary leak (baluna1997): more IL-2, more weight and less albumin."""
    gains, albumin = [], []
    for dose in (0.0, 6e4, 1.8e5, 3.6e5, 6e5):
        r = tox.simulate_course(tox.five_day_regimen(dose), hold_doses=False)
        gains.append(r.weight_gain_kg)
        albumin.append(r.albumin_nadir_g_per_dl)
    assert np.all(np.diff(gains) > 0) and np.all(np.diff(albumin) < 0)


def test_more_fluid_more_oedema(unheld):
    """For a fixed exposure, more IV fluid means more interstitial fluid (oedema) and higher
    pressure (textor1987: oedema formed despite normal central venous pressure)."""
    t, c = unheld.t_h, unheld.iu_per_ml
    runs = [tox.simulate_exposure(t, c, fluid_ml_per_h=f) for f in (0.0, 60.0, 150.0)]
    oedema = [r.interstitial_volume_l.max() for r in runs]
    assert np.all(np.diff(oedema) > 0)
    assert runs[2].min_systolic_mmHg > runs[0].min_systolic_mmHg


def test_vasopressors_raise_pressure_without_curing_the_leak(course):
    """For the same exposure, titrated vasopressors keep systolic pressure up but do not
    reduce the leak: oedema is not smaller (siegel1991)."""
    t, c = course.t_h, course.iu_per_ml
    none = tox.simulate_exposure(t, c)
    pressor = tox.simulate_exposure(t, c, vasopressor=1.0)
    assert pressor.min_systolic_mmHg > none.min_systolic_mmHg + 3
    assert pressor.hours_below_systolic(90) < none.hours_below_systolic(90)
    assert pressor.interstitial_volume_l.max() >= none.interstitial_volume_l.max()
    assert pressor.vasopressor[0] == 0.0 and pressor.vasopressor.max() <= 1.0


def test_heavier_patient_scales_doses_and_volumes():
    """Doses in IU/kg and volumes per kg: a 90 kg patient has a proportionally larger plasma volume."""
    r = tox.simulate_course(weight_kg=90.0)
    assert r.plasma_volume_l[0] == pytest.approx(0.043 * 90)
    assert r.weight_at_start_kg == 90.0


# --- the label's table and the therapeutic window ----------------------------------------


def test_adverse_event_table_from_label():
    """Label table of events in >= 10% of 525 patients (proleukin_label): hypotension 71%,
    chills 52%, fever 29%; the complete list (no event under 10%, none dropped that the book's
    earlier, shorter table left out: malaise, pruritus, lung disorder, SGOT increase, asthenia,
    somnolence, stomatitis, anorexia, exfoliative dermatitis, leukopenia, infection)."""
    from il2.toxicity import adverse_events

    table = tox.adverse_event_table()
    assert table[0].name == "Hypotension" and table[0].percent == 71
    assert [a.percent for a in table] == sorted((a.percent for a in table), reverse=True)
    assert min(a.percent for a in table) >= 10 and len({a.name for a in table}) == len(table)
    names = {a.name for a in table}
    assert {"Malaise", "Pruritus", "Lung disorder", "SGOT increase", "Asthenia", "Somnolence",
            "Stomatitis", "Anorexia", "Exfoliative dermatitis", "Leukopenia", "Infection"} <= names
    flu = {a.name: a.percent for a in tox.adverse_event_table("flu-like (pyrogen) response")}
    assert flu["Chills"] == 52 and flu["Fever"] == 29
    assert table[0].patients == round(0.71 * 525)
    assert adverse_events.RATES_NOT_RECHECKED <= names
    leak, total, modelled = adverse_events.leak_share()
    assert total == len(table) and 0 < modelled <= leak < total
    assert {a.name for a in table if a.modelled} >= {"Hypotension", "Tachycardia", "Chills", "Fever"}
    with pytest.raises(ValueError, match="mechanism"):
        tox.adverse_event_table("liver")


def test_therapeutic_window_trades_exposure_for_toxicity():
    """Exposure above the NK threshold (farhat2021) and toxicity both rise with dose on the
    label's schedule; the label's dose is 1.8 million IU/kg per day (proleukin_label)."""
    assert window.schedule_regimen(1.8e6).dose_iu_per_kg == pytest.approx(6e5)
    assert window.schedule_regimen(1.8e6).doses_per_cycle == 14
    w = tox.therapeutic_window([0.0, 3e5, 1.8e6], schedules=window.SCHEDULES[:1])
    assert w.hours_above_threshold.shape == (1, 3)
    assert w.hours_above_threshold[0, 0] == 0.0
    assert np.all(np.diff(w.hours_above_threshold[0]) > 0)
    assert np.all(np.diff(w.weight_gain_kg[0]) > 0)
    assert w.threshold_iu_per_ml == pytest.approx(window.efficacy_threshold_iu_per_ml())


def test_window_threshold_is_derived_from_the_receptor_model():
    """One source: the window's NK threshold is the therapy chapter's (il2.therapy.threshold_pM),
    not a typed number; no WindowParameters field holds a threshold."""
    from il2 import therapy

    assert window.efficacy_threshold_pM() == pytest.approx(therapy.threshold_pM("NK"), rel=1e-12)
    names = {f.name for f in dataclasses.fields(window.WindowParameters)}
    assert not any("threshold" in n for n in names)
    assert window.WindowParameters().course_span_h == pytest.approx(
        tox.five_day_regimen().scheduled_times_h()[-1] + tox.five_day_regimen().interval_h)


def test_default_fluid_is_derived_from_textor():
    """The default IV fluid plus maintenance intake is Textor's mean intake, to rounding."""
    mp = tox.ManagementParameters()
    total = mp.fluid_ml_per_h + tox.maintenance_intake_ml_per_h(70.0)
    assert total == pytest.approx(tox.TEXTOR_COURSE.fluid_ml_per_h, rel=1e-12)


# --- bad input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"weight_kg": -70.0}, "weight_kg"),
        ({"weight_kg": float("nan")}, "weight_kg"),
        ({"fluid_ml_per_h": -5.0}, "fluid_ml_per_h"),
        ({"vasopressor": 9.0}, "vasopressor"),
        ({"regimen": "600000 IU/kg"}, "regimen"),
        ({"hold_doses": "yes"}, "hold_doses"),
        ({"step_h": 1.0}, "step_h"),
        ({"params": "defaults"}, "params"),
    ],
)
def test_simulate_course_rejects_bad_input(kwargs, name):
    """Bad arguments raise ValueError naming the argument."""
    with pytest.raises(ValueError, match=name):
        tox.simulate_course(**kwargs)


def test_other_functions_reject_bad_input():
    """Every public function validates its inputs."""
    t = np.linspace(0, 1, 11)
    with pytest.raises(ValueError, match="iu_per_ml"):
        tox.simulate_exposure(t, -np.ones(11))
    with pytest.raises(ValueError, match="t_h"):
        tox.simulate_exposure(np.array([0.0, 1.0, 3.0]), np.zeros(3))
    with pytest.raises(ValueError, match="iu_per_ml"):
        endothelium.activation(t, np.zeros(5))
    with pytest.raises(ValueError, match="albumin_g_per_dl"):
        fluids.colloid_osmotic_pressure_mmHg(-1.0)
    with pytest.raises(ValueError, match="interstitial_volume_l"):
        fluids.interstitial_pressure_mmHg([np.nan])
    with pytest.raises(ValueError, match="activation_level"):
        endothelium.filtration_multiplier(1.5)
    with pytest.raises(ValueError, match="max_effect"):
        hemodynamics.titrated_vasopressor(1.0, 0.5, 5.0, 95.0)
    with pytest.raises(ValueError, match="daily_doses_iu_per_kg"):
        tox.therapeutic_window([-1.0])
    with pytest.raises(ValueError, match="threshold_pM"):
        tox.therapeutic_window([1e5], threshold_pM=0.0)
    with pytest.raises(ValueError, match="EndotheliumParameters.reflection_drop"):
        dataclasses.replace(EP, reflection_drop=1.0)
    with pytest.raises(ValueError, match="lymph_plateau_pressure_mmHg"):
        dataclasses.replace(FP, lymph_plateau_pressure_mmHg=-5.0)


def test_starling_forces_start_at_baseline_and_leak_later():
    """Before treatment the four pressures are the baseline's; at the worst of the leak the
    reflection coefficient has fallen, so the oncotic pressure that holds fluid in is smaller."""
    course = tox.simulate_course(tox.five_day_regimen())
    before = tox.starling_forces(course)
    b = tox.baseline(course.weight_at_start_kg)
    assert before.capillary_mmHg == pytest.approx(b.capillary_pressure_mmHg)
    assert before.plasma_oncotic_mmHg == pytest.approx(b.reflection_coefficient * b.plasma_cop_mmHg)
    start = tox.starling_forces(course, 0)
    assert tuple(start) == pytest.approx(tuple(before), rel=1e-3)
    worst = tox.starling_forces(course, int(np.argmax(course.interstitial_volume_l)))
    assert worst.plasma_oncotic_mmHg < before.plasma_oncotic_mmHg
    assert tox.starling_forces(course, -1) == tox.starling_forces(course, course.t_h.size - 1)
    for bad in (course.t_h.size, 1.5, True):
        with pytest.raises(ValueError, match="index"):
            tox.starling_forces(course, bad)


def test_literature_records_of_the_risks_chapter():
    """The renal recovery of Belldegrun et al. (belldegrun1987) and the label's lung-function
    limit (proleukin_label) are records with a source in the bibliography, and hang together:
    recovery only grows with time, the LAK subgroup is part of the cohort."""
    import re

    from .conftest import ROOT

    bib = (ROOT / "book" / "references.bib").read_text()
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.M))
    b = tox.measured.BELLDEGRUN_1987
    assert b.source in keys
    assert 0 < b.patients_with_lak_cells <= b.patients
    assert len(b.days) == len(b.recovered_percent)
    assert np.all(np.diff(b.days) > 0) and np.all(np.diff(b.recovered_percent) > 0)
    assert 0 < b.recovered_percent[-1] <= 100
    sel = tox.measured.LABEL_SELECTION
    assert sel.source in keys
    assert sel.fev1_max_l > 0 and 0 < sel.fev1_max_percent_predicted < 100
