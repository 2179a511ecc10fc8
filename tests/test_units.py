"""Unit conversions: constants from the aldesleukin label, round trips, validation."""

import numpy as np
import pytest

from il2 import units


def test_specific_activity_from_label():
    """Label: 18 million IU per 1.1 mg, i.e. about 16.4 MIU/mg (proleukin_label)."""
    assert units.CONSTANTS.iu_per_mg == pytest.approx(16.36e6, rel=1e-3)
    assert units.mg_to_iu(1.1) == pytest.approx(18e6)


def test_one_iu_per_ml_is_about_4_pM():
    """18 MIU = 1.1 mg and 15.3 kDa give 1 IU = 61 pg = 4.0 fmol, so 1 IU/mL = 4.0 pM."""
    assert units.iu_to_mg(1.0) * 1e9 == pytest.approx(61.1, rel=1e-2)  # pg
    assert units.iu_to_mol(1.0) * 1e15 == pytest.approx(3.99, rel=1e-2)  # fmol
    assert units.iu_per_ml_to_pM(1.0) == pytest.approx(3.99, rel=1e-2)


def test_high_dose_peak_scale():
    """600,000 IU/kg spread in 43 mL/kg of plasma is about 14,000 IU/mL, about 56 nM (facts C)."""
    c_iu_ml = 600_000 / 43.0
    assert c_iu_ml == pytest.approx(14_000, rel=0.01)
    assert units.iu_per_ml_to_pM(c_iu_ml) / 1000 == pytest.approx(56, rel=0.02)


@pytest.mark.parametrize(
    "forward, back",
    [
        (units.iu_to_mg, units.mg_to_iu),
        (units.iu_to_mol, units.mol_to_iu),
        (units.iu_per_ml_to_pM, units.pM_to_iu_per_ml),
    ],
)
def test_round_trips(forward, back):
    x = np.array([0.0, 1.0, 6e5, 1.8e7])
    np.testing.assert_allclose(back(forward(x)), x, rtol=1e-12)


def test_molecules_per_cell_round_trip_and_scale():
    """1 pM in a litre is 6.0e11 molecules; shared by 1e9 cells that is about 602 per cell."""
    per_cell = units.pM_to_molecules_per_cell(1.0, 1e9)
    assert per_cell == pytest.approx(602.2, rel=1e-3)
    assert units.molecules_per_cell_to_pM(per_cell, 1e9) == pytest.approx(1.0)


def test_time_and_rate_conversions():
    assert units.seconds_to_hours(3600.0) == pytest.approx(1.0)
    assert units.minutes_to_hours(90.0) == pytest.approx(1.5)
    assert units.hours_to_minutes(1.5) == pytest.approx(90.0)
    assert units.per_second_to_per_hour(1e-4) == pytest.approx(0.36)
    # 1e7 /M/s = 1e-5 /pM/s = 0.036 /pM/h
    assert units.per_molar_second_to_per_pM_hour(1e7) == pytest.approx(0.036)
    assert units.rate_to_half_life(units.half_life_to_rate(85.0)) == pytest.approx(85.0)


@pytest.mark.parametrize(
    "func, arg, name",
    [
        (units.iu_to_mg, -1.0, "iu"),
        (units.mg_to_iu, np.nan, "mg"),
        (units.iu_per_ml_to_pM, [], "iu_per_ml"),
        (units.pM_to_iu_per_ml, [-5.0], "il2_pM"),
        (units.half_life_to_rate, 0.0, "half_life"),
    ],
)
def test_bad_input_names_argument(func, arg, name):
    with pytest.raises(ValueError, match=name):
        func(arg)


def test_bad_density_names_argument():
    with pytest.raises(ValueError, match="cells_per_l"):
        units.pM_to_molecules_per_cell(1.0, 0.0)
