"""From receptor complexes to pSTAT5 and proliferation (il2.signaling)."""

import dataclasses

import numpy as np
import pytest

from il2 import signaling
from il2.binding import CELL_TYPES, CellType

CONC = np.geomspace(0.01, 1e6, 200)


@pytest.fixture(scope="module")
def ec50_30min():
    """EC50s at 30 min of stimulation, the time of the Farhat et al. (2021) pSTAT5 fits."""
    return {n: signaling.ec50_pM(n, t_h=0.5) for n in ["Treg", "CD4", "NK", "CD8"]}


def test_treg_ec50_is_tens_of_pM(ec50_30min):
    """Treg pSTAT5 EC50 about 40 pM at 30 min (Hill fit to the Farhat et al. 2021 data)."""
    assert 10 <= ec50_30min["Treg"] <= 99


@pytest.mark.parametrize("name", ["NK", "CD8"])
def test_nk_and_cd8_ec50_are_nanomolar(ec50_30min, name):
    """NK about 1.7 nM, CD8 about 2.3-2.8 nM (Hill fits to the Farhat et al. 2021 data)."""
    assert 1000 <= ec50_30min[name] <= 10_000


def test_ec50s_are_30_fold_apart_in_measured_order(ec50_30min):
    """Measured order: Treg < CD4 < NK < CD8, Treg at least 30 times more sensitive than NK or
    CD8 (Farhat et al. 2021 data, facts file B)."""
    e = ec50_30min
    assert e["Treg"] < e["CD4"] < e["NK"] < e["CD8"]
    assert min(e["NK"], e["CD8"]) / e["Treg"] >= 30


def test_treg_ec50_falls_with_time_towards_the_1_hour_value():
    """Treg pSTAT5 EC50 about 40 pM at 30 min and about 10 pM at 1 h (Hill fits to the Farhat
    et al. 2021 data): binding is still approaching equilibrium, so the EC50 falls with time.
    The model must give the same direction and land within a factor of two at 1 h."""
    e30, e60, eq = (signaling.ec50_pM("Treg", t_h=t) for t in (0.5, 1.0, None))
    assert eq < e60 < e30
    assert 5 <= e60 <= 20


def test_equilibrium_ec50_keeps_order_of_treg_first():
    """At equilibrium (no time limit) Tregs are still the most sensitive blood cells, by CD25,
    and the gap to NK cells stays wide (NK cells carry almost no CD25)."""
    eq = {n: signaling.ec50_pM(n) for n in ["Treg", "CD4", "NK", "CD8"]}
    assert eq["Treg"] < min(eq["CD4"], eq["NK"], eq["CD8"])
    assert 3 <= eq["Treg"] <= 30
    assert eq["NK"] / eq["Treg"] >= 30
    assert signaling.ec50_pM("activated T") < eq["Treg"]


@pytest.mark.parametrize("name", list(CELL_TYPES))
def test_responses_are_bounded_monotone_and_saturating(name):
    p = signaling.pstat5_fraction(name, CONC)
    q = signaling.proliferation_signal(name, CONC)
    for y in (p, q):
        assert np.all((y >= 0) & (y <= 1))
        assert np.all(np.diff(y) >= -1e-12)
        # saturation: the last decade adds under 2 % of the top
        top = y[-1]
        assert top - y[np.searchsorted(CONC, 1e5)] <= 0.02 * top + 1e-12
    assert float(signaling.pstat5_fraction(name, 0.0)) == 0.0


def test_no_signalling_chains_no_signal():
    for cell in [CellType("none", 0, 0, 0), CellType("no gamma", 5000, 800, 0),
                 CellType("alpha only", 5000, 0, 0)]:
        assert np.all(signaling.pstat5_fraction(cell, CONC) == 0)
        assert np.all(signaling.proliferation_signal(cell, CONC) == 0)
        assert np.isnan(signaling.ec50_pM(cell))


def test_cd25_shifts_the_curve_left():
    cd8 = CELL_TYPES["CD8"]
    ec = [signaling.ec50_pM(cd8.with_cd25(a)) for a in [0, 1000, 10000, 30000]]
    assert np.all(np.diff(ec) < 0) and ec[0] / ec[-1] > 20


def test_activated_t_cell_proliferates_at_the_smith_threshold():
    """T cell blasts divide in response to about 10 pM IL-2, the canonical threshold (Smith 1988,
    restated by Tkach et al. 2014): half or more of the maximal proliferation signal there."""
    q = signaling.proliferation_signal("activated T", [10.0, 1e5])
    assert q[0] >= 0.5 * q[1] and q[1] > 0.8


def test_dose_response_bundle():
    dr = signaling.dose_response("NK", CONC)
    assert dr.pstat5.shape == CONC.shape and dr.ec50_pM == pytest.approx(signaling.ec50_pM("NK"))


def test_bad_input_raises():
    with pytest.raises(ValueError, match="il2_pM"):
        signaling.pstat5_fraction("NK", -1.0)
    with pytest.raises(ValueError, match="il2_pM"):
        signaling.proliferation_signal("NK", [np.nan])
    with pytest.raises(ValueError, match="il2_pM"):
        signaling.pstat5_fraction("NK", [])
    with pytest.raises(ValueError, match="hill_pstat5"):
        signaling.SignalingParameters(hill_pstat5=0.0)
    with pytest.raises(ValueError, match="half_proliferation_pstat5"):
        dataclasses.replace(signaling.SignalingParameters(), half_proliferation_pstat5=2.0)
    with pytest.raises(ValueError, match="params"):
        signaling.pstat5_fraction("NK", 1.0, params=None)
    with pytest.raises(ValueError, match="t_h"):
        signaling.ec50_pM("NK", t_h=-1.0)
    with pytest.raises(ValueError, match="pstat5"):
        signaling.proliferation_from_pstat5(1.5)


@pytest.mark.parametrize("t_h", [None, 0.5])
def test_relative_pstat5_is_half_at_the_ec50_and_one_at_saturation(t_h):
    """relative_pstat5 is the quantity whose half-point ec50_pM finds (same time, same maximum)."""
    ec50 = signaling.ec50_pM("Treg", t_h=t_h)
    r = signaling.relative_pstat5("Treg", [ec50, 1e8], t_h)
    assert r[0] == pytest.approx(0.5, abs=1e-4)
    assert r[1] == pytest.approx(1.0)
    eq = signaling.relative_pstat5("NK", np.geomspace(1.0, 1e5, 7), saturating_pM=1e6)
    top = float(signaling.pstat5_fraction("NK", 1e6))
    np.testing.assert_allclose(eq, signaling.pstat5_fraction("NK", np.geomspace(1.0, 1e5, 7)) / top)


def test_relative_pstat5_rejects_bad_input():
    with pytest.raises(ValueError, match="il2_pM"):
        signaling.relative_pstat5("Treg", [-1.0])
    with pytest.raises(ValueError, match="t_h"):
        signaling.relative_pstat5("Treg", [1.0], 0.0)
    with pytest.raises(ValueError, match="saturating_pM"):
        signaling.relative_pstat5("Treg", [1.0], saturating_pM=0.0)
