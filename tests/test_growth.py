"""IL-2-driven growth (il2.growth): published numbers, the chapter's claims, limits, bad input.

Each claim the chapter "The primary T cell growth factor" makes about the model is checked
here, with the source it rests on named in the docstring.
"""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from il2 import binding, growth, registry, signaling
from il2.growth.dynamics import GrowthSystem
from il2.receptors import DEFAULT_MODEL

from .conftest import BIB

P = growth.GrowthParameters()


@pytest.fixture(scope="module")
def default():
    """The lymph-node scenario at its defaults (the chapter's main example)."""
    return growth.simulate()


@pytest.fixture(scope="module")
def helper_threshold():
    return growth.expansion_threshold("helpers")


# ---------------------------------------------------------------------------------------
# Parameters and plumbing
# ---------------------------------------------------------------------------------------


def test_growth_parameters_are_registered_with_sources_in_the_bibliography():
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M))
    rows = [r for r in registry.parameter_rows() if r.owner in
            ("GrowthParameters", "LymphNodeCompartment", "CultureWellCompartment")]
    assert len(rows) >= 20
    for row in rows:
        for key in row.source.split(","):
            assert key.strip() in keys, (row.name, key)


def test_division_rate_comes_from_the_8_hour_division_time():
    """murali1998: CD8 T cells divide about every 8 h at the peak of the LCMV response."""
    assert growth.max_division_rate_per_h() == pytest.approx(math.log(2) / 8.0)
    assert P.division_time_h == 8.0
    with pytest.raises(ValueError, match="division_time_h"):
        dataclasses.replace(P, division_time_h=1.0)  # below the 2 h first division of yoon2010


def test_response_tables_agree_with_the_binding_and_signalling_modules():
    """The tabulated uptake, signal and pSTAT5 match direct library calls within 1%."""
    tables = growth.response_tables()
    rng = np.random.default_rng(3)
    cells = [binding.CELL_TYPES[t] for t in ("activated T", "activated T", "NK", "Treg", "CD56bright NK")]
    top = 1.5 * binding.CELL_TYPES["activated T"].cd25  # above the blast level; the tables cover it
    for _ in range(25):
        cd25 = np.exp(rng.uniform(np.log(5.0), np.log(top), 5))
        c = float(np.exp(rng.uniform(np.log(0.05), np.log(5e4))))
        u, s, p = tables.evaluate(cd25, c)
        for i, cell in enumerate(cells):
            v = cell.with_cd25(float(cd25[i]))
            assert u[i] == pytest.approx(float(binding.internalization_rate(v, c)), rel=1e-2)
            assert s[i] == pytest.approx(float(signaling.proliferation_signal(v, c)), rel=1e-2, abs=1e-4)
            assert p[i] == pytest.approx(float(signaling.pstat5_fraction(v, c)), rel=1e-2, abs=1e-5)


def test_response_tables_limits():
    """No IL-2: no uptake, no signal; more CD25 means more uptake at low IL-2."""
    tables = growth.response_tables()
    u0, s0, p0 = tables.evaluate(np.full(5, 1000.0), 0.0)
    assert np.all(u0 == 0) and np.all(s0 == 0) and np.all(p0 == 0)
    u_lo, _, _ = tables.evaluate(np.full(5, 100.0), 1.0)
    u_hi, _, _ = tables.evaluate(np.full(5, 10_000.0), 1.0)
    assert np.all(u_hi > u_lo)
    with pytest.raises(ValueError, match="cd25"):
        tables.evaluate(np.full(3, 100.0), 1.0)
    with pytest.raises(ValueError, match="il2_pM"):
        tables.evaluate(np.full(4, 100.0), -1.0)


@pytest.mark.parametrize("helpers", [0.0, 1e3])
@pytest.mark.parametrize("cd25_block", [0.0, 0.6])
def test_float_rhs_and_jacobian_equal_the_numpy_reference(helpers, cd25_block):
    """The solver's rhs and jac (Python floats) against rhs_array and jac_array (numpy, through
    ResponseTables.respond_fast and respond): equal to rounding at random states, with and without
    antigen, the division program and an outside concentration, inside and outside the tables' grid."""
    system = GrowthSystem(growth.COMPARTMENTS["lymph node"], np.array([helpers, 1e3, 3e3, 1e4, 1.5e3]), P,
                          0.2, cd25_block, DEFAULT_MODEL)
    rng = np.random.default_rng(11)
    for antigen, program in ((0.0, 0.0), (1.0, 1.0), (0.0, 1.0)):
        system.set_antigen(antigen, program)
        for plasma in (None, lambda t: 50.0 * (1.0 + 0.1 * np.sin(np.asarray(t)))):
            system.plasma = plasma
            for _ in range(60):
                y = system.initial_state(None)
                y[:5] += rng.normal(0.0, 3.0, 5)
                y[5:10] = rng.uniform(-1.0, 14.0, 5)  # CD25 from below 0 to beyond the grid
                y[10] = rng.uniform(-20.0, 20.0)  # IL-2 from far below to far above the grid
                ref = system.rhs_array(1.3, y)
                np.testing.assert_allclose(system.rhs(1.3, y), ref, rtol=1e-10, atol=1e-12 * np.abs(ref).max())
                ref_j = system.jac_array(1.3, y)
                np.testing.assert_allclose(system.jac(1.3, y), ref_j, rtol=1e-9, atol=1e-12 * np.abs(ref_j).max())


@pytest.mark.parametrize("plasma_pM", [None, 0.0, 40.0, 3e4])
@pytest.mark.parametrize("cd25_block", [0.0, 0.6])
@pytest.mark.parametrize("antigen", [0.0, 1.0])
def test_analytic_jacobian_matches_finite_differences(cd25_block, antigen, plasma_pM):
    """Including the exchange with an outside concentration, k_cl c_p / c in d ln c / dt."""
    system = GrowthSystem(growth.COMPARTMENTS["lymph node"], np.array([1e3, 1e3, 3e3, 1e4, 1.5e3]), P,
                          0.0, cd25_block, DEFAULT_MODEL)
    system.set_antigen(antigen)
    if plasma_pM is not None:
        system.plasma = lambda t: plasma_pM * (1.0 + 0.1 * np.sin(np.asarray(t)))
    rng = np.random.default_rng(7)
    for _ in range(5):
        y = np.concatenate([rng.uniform(5, 12, 5), rng.uniform(3, 10, 5), [rng.uniform(-5, 10)]])
        t = 1.3
        jac = system.jac(t, y)
        num = np.empty((11, 11))
        for k in range(11):
            h = 1e-6 * max(1.0, abs(y[k]))
            up, dn = y.copy(), y.copy()
            up[k] += h
            dn[k] -= h
            num[:, k] = (system.rhs(t, up) - system.rhs(t, dn)) / (2 * h)
        scale = 1e-8 + 1e-3 * np.abs(num).max(axis=1, keepdims=True) + np.abs(num)
        assert np.max(np.abs(jac - num) / scale) < 1e-3


# ---------------------------------------------------------------------------------------
# Non-negativity, conservation and limits
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs", [
    {},
    {"compartment": "culture well"},
    {"helpers": 0.0},
    {"helpers": 0.0, "cd8": 0.0, "nk": 0.0, "treg": 0.0, "nk_bright": 0.0, "il2_pM0": 50.0},
    {"il2_block": 1.0},
    {"cd25_block": 1.0},
    {"helpers": 1e6, "antigen_end_h": 336.0},
    {"antigen_start_h": 48.0, "antigen_end_h": 60.0, "il2_pM0": 1000.0},
])
def test_populations_concentrations_and_cd25_stay_non_negative_and_finite(kwargs):
    r = growth.simulate(**kwargs)
    assert np.all(np.isfinite(r.il2_pM)) and np.all(r.il2_pM >= 0)
    for pop in growth.POPULATIONS:
        for arr in (r.cells[pop], r.cd25[pop], r.division_rate_per_h[pop]):
            assert np.all(np.isfinite(arr)) and np.all(arr >= 0), pop
        assert np.all((r.signal[pop] >= 0) & (r.signal[pop] <= 1))
        assert np.all((r.pstat5[pop] >= 0) & (r.pstat5[pop] <= 1))


def test_output_grid_and_antigen_window(default):
    assert default.t_h[0] == 0.0 and default.t_h[-1] == 336.0 and default.t_h.size == 337
    assert np.all(np.diff(default.t_h) > 0)
    on = default.antigen > 0
    assert default.t_h[on].min() == 0.0 and default.t_h[on].max() < P.antigen_duration_h
    for pop in growth.POPULATIONS:
        assert default.cells[pop][0] == pytest.approx(default.compartment.start()[pop])


def test_without_cells_il2_decays_with_the_clearance_rate():
    """No cells: dc/dt = -k_cl c, so c(t) = c0 exp(-k_cl t) exactly (culture well, k_cl = 0.01/h)."""
    comp = growth.COMPARTMENTS["culture well"]
    r = growth.simulate(comp, helpers=0, cd8=0, nk=0, treg=0, nk_bright=0, il2_pM0=100.0, t_end_h=100.0,
                        n_points=11)
    expected = 100.0 * np.exp(-comp.clearance_per_h * r.t_h)
    np.testing.assert_allclose(r.il2_pM, expected, rtol=1e-3)


def test_absent_population_stays_absent_and_no_helpers_means_only_resting_il2():
    """Without activated helpers the niche keeps only the resting IL-2 of its resting CD4 T cells
    (setoguchi2005), a few pM, and the CD8 T cells still run their division program (kaech2001)."""
    r = growth.simulate(helpers=0.0)
    assert np.all(r.cells["CD4"] == 0)
    assert r.resting_il2_pM == pytest.approx(float(r.il2_pM[0]))
    assert 0.5 < r.resting_il2_pM < 10.0
    assert r.peak_il2_pM < 2.0 * r.resting_il2_pM
    assert r.peak_fold("CD8") > 1000.0
    none = growth.simulate(dataclasses.replace(growth.COMPARTMENTS["lymph node"], resting_cd4=0.0), helpers=0.0)
    assert none.resting_il2_pM == 0.0 and none.peak_il2_pM < 0.01


def test_every_population_rests_at_its_size_at_resting_il2():
    """Without antigen and without antibodies the resting IL-2 keeps every population at its start:
    the IL-2-independent supply h_i is derived so (growth.dynamics.resting_balance)."""
    r = growth.simulate(antigen_end_h=0.0)
    for pop in growth.POPULATIONS:
        np.testing.assert_allclose(r.cells[pop], r.cells[pop][0], rtol=1e-4)
    np.testing.assert_allclose(r.il2_pM, r.resting_il2_pM, rtol=1e-4)


def test_regulatory_t_cells_fall_when_il2_is_neutralised_or_cd25_blocked():
    """setoguchi2005: neutralising IL-2 selectively lowers Foxp3+ CD25+ CD4+ T cells, whose IL-2
    comes from other T cells; fontenot2005: IL-2 is needed for Treg homeostasis.

    Two weeks of neutralisation without antigen lower the model's Tregs to between a fifth and
    90% of their resting size (the mice lose Tregs, not all of them); blocking CD25 lowers them
    too. Tests would fail if Tregs were indifferent to IL-2 withdrawal.
    """
    rest = growth.simulate(antigen_end_h=0.0)
    blocked = growth.simulate(antigen_end_h=0.0, il2_block=1.0)
    anti_cd25 = growth.simulate(antigen_end_h=0.0, cd25_block=1.0)
    fall = blocked.fold("Treg")[-1]
    assert 0.2 < fall < 0.9
    assert np.all(np.diff(blocked.cells["Treg"]) <= 1e-9)
    assert anti_cd25.fold("Treg")[-1] < 0.95
    assert rest.fold("Treg")[-1] == pytest.approx(1.0, abs=1e-4)
    # the conventional CD8 T cells hardly notice (setoguchi2005: CD25- CD4+ T cells were not reduced)
    assert blocked.fold("CD8")[-1] > 0.9


# ---------------------------------------------------------------------------------------
# The chapter's claims
# ---------------------------------------------------------------------------------------


def test_clonal_expansion_is_thousand_fold_within_a_week(default):
    """murali1998: >= 10,000-fold expansion of LCMV-specific CD8 T cells in 8 days.

    The chapter claims at least a thousand-fold CD8 expansion within a week in the
    lymph-node scenario.
    """
    assert default.fold_at("CD8", 168.0) >= 1000.0
    assert default.fold_at("CD8", 72.0) < default.fold_at("CD8", 168.0)


def test_division_time_at_the_peak_is_near_8_hours(default):
    """murali1998: division time of about 8 h at the peak of expansion; yoon2010: >= 2 h."""
    t_div = default.shortest_division_time_h("CD8")
    assert 8.0 <= t_div <= 11.0
    t_double = default.shortest_doubling_time_h("CD8")
    assert t_div <= t_double <= 12.0
    assert t_double >= 2.0


def test_contraction_after_antigen_is_gone(default):
    """murali1998: after viral clearance the specific CD8 T cells fall about 20-fold (2e7 to 1e6)."""
    peak = default.cells["CD8"].max()
    assert default.peak_time_h("CD8") <= P.antigen_duration_h + 12.0
    assert default.cells["CD8"][-1] < peak / 10.0


def test_cd25_feedback_raises_cd25_and_lowers_the_helpers_needed():
    """cantrell1984, smith1988, busse2010: IL-2 induces CD25, raising IL-2 sensitivity.

    With the feedback the CD8 T cells carry many times more CD25 and fewer helpers suffice for
    IL-2 to double the programmed expansion; the peak itself, bounded by the capacity, changes
    little.
    """
    on = growth.simulate()
    off = growth.simulate(params=dataclasses.replace(P, cd25_feedback=0.0))
    assert on.cd25["CD8"].max() > 5.0 * off.cd25["CD8"].max()
    assert on.peak_fold("CD8") >= off.peak_fold("CD8")
    t_on = growth.expansion_threshold("helpers").value
    t_off = growth.expansion_threshold("helpers", params=dataclasses.replace(P, cd25_feedback=0.0)).value
    assert t_off > 1.15 * t_on


def test_feedback_strength_is_monotonic():
    folds = [growth.simulate(params=dataclasses.replace(P, cd25_feedback=f)).peak_fold("CD8")
             for f in (0.0, 0.5, 1.0)]
    assert folds[0] < folds[1] < folds[2]


def test_helper_threshold_for_il2_to_double_the_programmed_expansion(helper_threshold):
    """busse2010, tkach2014: too few IL-2 producers, and IL-2 never accumulates to act.

    The threshold is now one of amplification: the number of activated helpers at which IL-2
    doubles the CD8 peak over the IL-2-independent program (a few tens in the niche). Below it
    the CD8 T cells still expand (kaech2001), above it IL-2 adds up to its full amplification.
    """
    h = helper_threshold.value
    assert helper_threshold.relative_to == "program"
    assert 5.0 < h < 100.0
    ref = growth.simulate(il2_block=1.0).peak_fold("CD8")
    assert growth.simulate(helpers=0.5 * h).peak_fold("CD8") < 2.0 * ref
    assert growth.simulate(helpers=20.0 * h).peak_fold("CD8") > 3.0 * ref
    assert growth.simulate(helpers=0.5 * h).peak_fold("CD8") > 1000.0


def test_the_threshold_is_graded_not_a_switch(helper_threshold):
    """With programmed expansion the IL-2 loop no longer decides between no expansion and
    full expansion: 1.5-fold and 3-fold amplification need helpers a few times apart."""
    lo = growth.expansion_threshold("helpers", fold=1.5).value
    hi = growth.expansion_threshold("helpers", fold=3.0).value
    assert lo <= helper_threshold.value <= hi
    assert 2.0 < hi / lo < 10.0


def test_il2_near_the_threshold_stays_near_the_10_pM_signaling_level(helper_threshold):
    """tkach2014: IL-2 acts at about 10 pM (Smith 1988's threshold).

    At the critical number of helpers, IL-2 peaks within a factor of three of 10 pM; with many
    more helpers it rises far past it.
    """
    at = growth.simulate(helpers=helper_threshold.value)
    assert 3.0 < at.peak_il2_pM < 30.0
    above = growth.simulate(helpers=20.0 * helper_threshold.value)
    assert above.peak_il2_pM > 3.0 * at.peak_il2_pM


def test_secretion_rate_threshold_lies_below_the_cited_rate():
    """hofer2012: about 10 molecules/cell/s; the critical rate for IL-2 to double the
    programmed expansion is well below it."""
    t = growth.expansion_threshold("secretion")
    assert 0.1 < t.value < P.secretion_molecules_per_s
    assert t.unit == "molecules/cell/s"


def test_secretion_rate_sits_between_the_measured_basal_and_boosted_rates():
    """tkach2014 estimated 7.5 molecules/cell/s at the start of stimulation and up to 30-fold
    more under strong antigen; the model's helper (hofer2012, oyleryaniv2017) secretes within
    that range and within a factor of two of the basal rate, the regime of a helper that has
    just been activated."""
    m = growth.TKACH_SECRETION
    assert m.source in set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M))
    assert (m.basal_molecules_per_s, m.max_boost_fold) == (7.5, 30.0)
    assert m.max_molecules_per_s == pytest.approx(225.0)
    q = P.secretion_molecules_per_s
    assert m.basal_molecules_per_s <= q <= m.max_molecules_per_s
    assert q / m.basal_molecules_per_s < 2.0


def test_expansion_grows_with_helpers_and_secretion():
    scan = growth.expansion_scan("helpers", [100.0, 300.0, 1000.0, 3000.0])
    assert np.all(np.diff(scan.peak_fold["CD8"]) >= -1e-6)
    assert np.all(np.diff(scan.peak_il2_pM) > 0)
    scan = growth.expansion_scan("secretion", [1.0, 10.0, 100.0])
    assert np.all(np.diff(scan.peak_fold["CD8"]) >= -1e-6)


def test_nk_cells_are_activated_by_il2_from_t_cells():
    """malek2008, boyman2012: IL-2 made by T cells also activates NK cells.

    NK cells see no antigen in the model; with IL-2 from helpers their pSTAT5 and numbers rise,
    without helpers (or with IL-2 neutralised) they stay at rest.
    """
    with_t = growth.simulate()
    without = growth.simulate(helpers=0.0)
    blocked = growth.simulate(il2_block=1.0)
    assert with_t.pstat5["NK"].max() > 20.0 * without.pstat5["NK"].max()
    assert with_t.peak_fold("NK") > 5.0
    assert without.peak_fold("NK") == pytest.approx(1.0, abs=0.01)
    assert blocked.peak_fold("NK") == pytest.approx(1.0, abs=0.01)


def test_cd56bright_nk_cells_read_resting_il2_better_than_cd56dim():
    """nagler1990, caligiuri1990, fehniger2003: CD56bright NK cells carry the high-affinity
    receptor and respond to T cell IL-2 in lymph nodes; at the niche's resting IL-2 their
    signal is many times that of CD56dim cells."""
    r = growth.simulate(antigen_end_h=0.0)
    assert r.signal["CD56bright NK"][0] > 5.0 * r.signal["NK"][0]


def test_neutralising_il2_lowers_the_primary_cd8_peak_by_a_modest_factor(default):
    """kundig1993: IL-2-deficient mice mount primary CTL responses to LCMV within the normal
    range; bachmann1995: only moderately reduced; cousens1995 (disagreeing): CD8 expansion much
    reduced. kaech2001, vanstipdonk2001: antigen commits CD8 T cells to a division program.

    The model's CD8 peak falls by a factor between 1.5 and 5 when IL-2 is neutralised (never
    the > 20-fold, near-total loss of the old model), and blocking CD25 lowers it by at most
    that: the intermediate-affinity receptor still reads the niche's IL-2.
    """
    assert default.peak_fold("CD8") > 1000.0
    neutralised = growth.simulate(il2_block=1.0).peak_fold("CD8")
    factor = default.peak_fold("CD8") / neutralised
    assert 1.5 < factor < 5.0
    assert neutralised > 1000.0
    anti_cd25 = growth.simulate(cd25_block=1.0).peak_fold("CD8")
    assert neutralised <= anti_cd25 <= 1.001 * default.peak_fold("CD8")
    partial = growth.simulate(il2_block=0.5).peak_fold("CD8")
    assert neutralised < partial <= default.peak_fold("CD8")


def test_the_program_runs_on_after_antigen_is_gone():
    """kaech2001, vanstipdonk2001: once activated, CD8 T cells keep dividing without antigen.

    Two hours of antigen (and no IL-2) still give an expansion of hundreds-fold, the same as a
    week of antigen without IL-2."""
    brief = growth.simulate(antigen_end_h=2.0, il2_block=1.0).peak_fold("CD8")
    week = growth.simulate(il2_block=1.0).peak_fold("CD8")
    assert brief > 100.0
    assert brief == pytest.approx(week, rel=0.05)


def test_regulatory_t_cells_compete_for_il2():
    """busse2010, feinerman2010, hofer2012: Tregs consume IL-2 and restrain effector expansion.

    More Tregs lower the CD8 expansion and raise the critical number of helpers; without
    Tregs fewer helpers suffice.
    """
    base = growth.simulate().peak_fold("CD8")
    many = growth.simulate(treg=1e5).peak_fold("CD8")
    none = growth.simulate(treg=0.0).peak_fold("CD8")
    assert many < base < none
    t_base = growth.expansion_threshold("helpers").value
    t_more = growth.expansion_threshold("helpers", treg=3e4).value
    t_none = growth.expansion_threshold("helpers", treg=0.0).value
    assert t_none < t_base < t_more


def test_culture_well_needs_more_helpers_than_the_niche():
    """The 200 uL well dilutes each helper's IL-2 2000 times more than the 0.1 uL niche."""
    well = growth.expansion_threshold("helpers", compartment="culture well").value
    niche = growth.expansion_threshold("helpers").value
    assert well > 2.0 * niche
    assert growth.simulate("culture well").peak_fold("CD8") > 1000.0


# ---------------------------------------------------------------------------------------
# IL-2 from outside the volume (a drug in the blood)
# ---------------------------------------------------------------------------------------


def test_without_outside_il2_results_are_unchanged(default):
    """plasma_il2_pM=None (and no breakpoints) is exactly the model without the input."""
    r = growth.simulate(plasma_il2_pM=None, breakpoints_h=())
    assert r.plasma_il2_pM is None and default.plasma_il2_pM is None
    np.testing.assert_array_equal(r.t_h, default.t_h)
    np.testing.assert_array_equal(r.il2_pM, default.il2_pM)
    for pop in growth.POPULATIONS:
        np.testing.assert_array_equal(r.cells[pop], default.cells[pop])
        np.testing.assert_array_equal(r.cd25[pop], default.cd25[pop])


def test_zero_outside_concentration_matches_no_input():
    """An input that is zero everywhere (with breakpoints) changes nothing beyond solver noise."""
    base = growth.simulate(t_end_h=96.0, n_points=97)
    zero = growth.simulate(t_end_h=96.0, n_points=97, plasma_il2_pM=lambda t: 0.0 * np.asarray(t),
                           breakpoints_h=[8.0, 8.25, 16.0, 16.25])
    np.testing.assert_array_equal(zero.plasma_il2_pM, 0.0)
    for pop in growth.POPULATIONS:
        np.testing.assert_allclose(zero.cells[pop], base.cells[pop], rtol=2e-3)


def test_empty_volume_relaxes_to_the_outside_concentration():
    """No cells: dc/dt = -k_cl (c - c_p), so c(t) = c_p + (c0 - c_p) exp(-k_cl t) exactly
    (lymph-node niche without its resting CD4 T cells, k_cl = 4/h)."""
    comp = dataclasses.replace(growth.COMPARTMENTS["lymph node"], resting_cd4=0.0)
    cp, c0 = 250.0, 10.0
    r = growth.simulate(comp, helpers=0, cd8=0, nk=0, treg=0, nk_bright=0, il2_pM0=c0, t_end_h=2.0, n_points=9,
                        plasma_il2_pM=lambda t: np.full(np.shape(t), cp))
    expected = cp + (c0 - cp) * np.exp(-comp.clearance_per_h * r.t_h)
    np.testing.assert_allclose(r.il2_pM, expected, rtol=1e-3)
    np.testing.assert_allclose(r.plasma_il2_pM, cp)


def test_outside_il2_alone_expands_nk_cells_and_more_expands_them_more():
    """boyman2012: IL-2 expands NK cells; without helpers (no IL-2 made in the niche) a steady
    outside concentration alone expands them, more at a higher concentration; cells take up
    IL-2, so the niche stays below the outside level."""
    folds = []
    for cp in (0.0, 100.0, 1000.0, 10_000.0):
        r = growth.simulate(helpers=0.0, antigen_end_h=0.0, t_end_h=168.0, n_points=8,
                            plasma_il2_pM=lambda t, cp=cp: cp + 0.0 * np.asarray(t))
        folds.append(r.peak_fold("NK"))
        if cp > 0:
            assert np.all(r.il2_pM[1:] < cp)
    assert folds[0] == pytest.approx(1.0, abs=1e-3)
    assert folds[1] > 1.5 and np.all(np.diff(folds) > 0)


def test_breakpoints_outside_the_run_are_ignored():
    fn = lambda t: 50.0 + 0.0 * np.asarray(t)  # noqa: E731
    a = growth.simulate(t_end_h=48.0, n_points=49, plasma_il2_pM=fn, breakpoints_h=[500.0])
    b = growth.simulate(t_end_h=48.0, n_points=49, plasma_il2_pM=fn)
    np.testing.assert_array_equal(a.cells["NK"], b.cells["NK"])


@pytest.mark.parametrize("fn, match", [
    (5.0, "plasma_il2_pM"),
    (lambda t: -1.0 + 0.0 * t, "plasma_il2_pM"),
    (lambda t: np.full_like(t, np.nan), "plasma_il2_pM"),
    (lambda t: np.ones(3), "plasma_il2_pM"),
    (lambda t: float(t), "plasma_il2_pM"),  # cannot take an array of times
])
def test_bad_outside_concentration_is_rejected(fn, match):
    with pytest.raises(ValueError, match=match):
        growth.simulate(t_end_h=10.0, plasma_il2_pM=fn)


@pytest.mark.parametrize("breaks", [[-1.0], [float("nan")], ["soon"]])
def test_bad_breakpoints_are_rejected(breaks):
    with pytest.raises(ValueError, match="breakpoints_h"):
        growth.simulate(t_end_h=10.0, plasma_il2_pM=lambda t: 0.0 * t, breakpoints_h=breaks)


# ---------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kwargs, name", [
    ({"helpers": -1.0}, "helpers"),
    ({"cd8": float("nan")}, "cd8"),
    ({"nk": "many"}, "nk"),
    ({"treg": float("inf")}, "treg"),
    ({"nk_bright": -2.0}, "nk_bright"),
    ({"compartment": "spleen"}, "compartment"),
    ({"t_end_h": 0.0}, "t_end_h"),
    ({"antigen_start_h": -1.0}, "antigen_start_h"),
    ({"antigen_start_h": 50.0, "antigen_end_h": 10.0}, "antigen_end_h"),
    ({"il2_block": 1.5}, "il2_block"),
    ({"cd25_block": -0.1}, "cd25_block"),
    ({"il2_pM0": -3.0}, "il2_pM0"),
    ({"n_points": 1}, "n_points"),
    ({"params": "defaults"}, "params"),
])
def test_simulate_rejects_bad_input(kwargs, name):
    with pytest.raises(ValueError, match=name):
        growth.simulate(**kwargs)


def test_parameters_and_compartments_reject_bad_values():
    with pytest.raises(ValueError, match="cd25_feedback"):
        dataclasses.replace(P, cd25_feedback=1.5)
    with pytest.raises(ValueError, match="secretion_molecules_per_s"):
        dataclasses.replace(P, secretion_molecules_per_s=-1.0)
    with pytest.raises(ValueError, match="volume_l"):
        dataclasses.replace(growth.COMPARTMENTS["lymph node"], volume_l=0.0)


def test_scan_threshold_and_result_reject_bad_input(default):
    with pytest.raises(ValueError, match="quantity"):
        growth.expansion_scan("volume", [1.0])
    with pytest.raises(ValueError, match="values"):
        growth.expansion_scan("helpers", [-1.0])
    with pytest.raises(ValueError, match="values"):
        growth.expansion_scan("helpers", [])
    with pytest.raises(ValueError, match="fold"):
        growth.expansion_threshold(fold=1.0)
    with pytest.raises(ValueError, match="population"):
        growth.expansion_threshold(population="B cell")
    with pytest.raises(ValueError, match="no helpers threshold"):
        growth.expansion_threshold(low=3000.0, high=1e4)  # amplified everywhere in the bracket
    with pytest.raises(ValueError, match="relative_to"):
        growth.expansion_threshold(relative_to="peak")
    with pytest.raises(ValueError, match="high"):
        growth.expansion_threshold(low=100.0, high=50.0)
    with pytest.raises(ValueError, match="population"):
        default.fold("B cell")
    with pytest.raises(ValueError, match="t_h"):
        default.fold_at("CD8", 500.0)
    with pytest.raises(ValueError, match="il2_pM"):
        default.hours_above(-1.0)


def test_a_kept_run_is_the_callers_own_copy_and_equals_a_fresh_run():
    from il2.growth import simulation

    first = growth.simulate(helpers=37.0, n_points=50)
    again = growth.simulate(helpers=37.0, n_points=50)
    assert again.cells["CD8"] is not first.cells["CD8"]
    again.cells["CD8"][:] = -1.0  # a caller changing its result changes no one else's
    again.il2_pM[:] = -1.0
    kept = growth.simulate(helpers=37.0, n_points=50)
    simulation.forget_results()
    fresh = growth.simulate(helpers=37.0, n_points=50)
    for r in (first, kept):
        assert np.array_equal(r.cells["CD8"], fresh.cells["CD8"]) and np.array_equal(r.il2_pM, fresh.il2_pM)
    with pytest.raises(ValueError, match="n_points"):
        growth.simulate(helpers=37.0, n_points=50.0)  # equal to 50 but not an integer: still an error


def test_runs_with_an_outside_input_are_not_kept():
    from il2.growth import simulation

    simulation.forget_results()
    growth.simulate(plasma_il2_pM=lambda t: 0.0 * np.asarray(t), n_points=20)
    assert not simulation._kept
