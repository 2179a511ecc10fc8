"""The input checks every public function relies on."""

import math

import numpy as np
import pytest

from il2.validation import check_array, check_choice, check_fraction, check_integer, check_scalar


def test_scalar_accepts_in_range_and_returns_float():
    assert check_scalar("dose", 3, 0, 10) == 3.0
    assert isinstance(check_scalar("dose", np.float32(2.5), 0, 10), float)


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, "3", None, True, [1.0]])
def test_scalar_rejects_with_name_value_and_range(bad):
    with pytest.raises(ValueError, match=r"dose_iu_per_kg must be a finite number in \[0, inf\)"):
        check_scalar("dose_iu_per_kg", bad, 0.0, math.inf, high_open=True)


def test_scalar_open_bounds():
    with pytest.raises(ValueError, match=r"weight_kg .*\(0, inf\]; got 0"):
        check_scalar("weight_kg", 0.0, 0.0, low_open=True)


def test_array_checks_every_element_and_reports_first_bad():
    arr = check_array("il2_pM", [0.0, 1.0, 10.0], 0.0)
    assert arr.dtype == float and arr.shape == (3,)
    with pytest.raises(ValueError, match=r"il2_pM .*first bad element -1.0"):
        check_array("il2_pM", [1.0, -1.0], 0.0)
    with pytest.raises(ValueError, match="il2_pM .*nan"):
        check_array("il2_pM", [1.0, np.nan], 0.0)


def test_array_rejects_empty_unless_allowed():
    with pytest.raises(ValueError, match="il2_pM must not be empty"):
        check_array("il2_pM", [])
    assert check_array("il2_pM", [], allow_empty=True).size == 0


def test_array_rejects_non_numeric():
    with pytest.raises(ValueError, match="t_h must be finite numbers"):
        check_array("t_h", ["a", "b"])


def test_integer_fraction_choice():
    assert check_integer("n_doses", 14, 1, 28) == 14
    with pytest.raises(ValueError, match="n_doses must be an integer"):
        check_integer("n_doses", 2.0, 1)
    with pytest.raises(ValueError, match=r"n_doses .*\[1, 28\]; got 29"):
        check_integer("n_doses", 29, 1, 28)
    assert check_fraction("f", 0.5) == 0.5
    with pytest.raises(ValueError, match="f must be"):
        check_fraction("f", 1.5)
    with pytest.raises(ValueError, match=r"route must be one of \['iv', 'sc'\]"):
        check_choice("route", "im", ["iv", "sc"])
