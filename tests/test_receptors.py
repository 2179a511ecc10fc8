"""One receptor model threaded through every layer: a changed parameter reaches every result.

The "what if?" of issue 11: CD25 binding IL-2 fifty times more weakly (roughly what a "no-alpha"
mutein does) must move the growth model, the therapy thresholds, the receptor engagement of a
course and its pharmacodynamics, each in the direction the biology predicts; the defaults must
give exactly what the library gave before the model was threaded through.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from il2 import binding, growth, pk, signaling, therapy
from il2.receptors import DEFAULT_MODEL, ReceptorModel

WEAK_CD25 = DEFAULT_MODEL.with_binding(
    name="CD25 fifty-fold weaker", kd_alpha_pM=50.0 * DEFAULT_MODEL.binding.kd_alpha_pM
)


def test_model_is_immutable_hashable_and_equal_by_value():
    again = ReceptorModel()
    assert again == DEFAULT_MODEL and hash(again) == hash(DEFAULT_MODEL)
    assert WEAK_CD25 != DEFAULT_MODEL
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_MODEL.name = "other"  # type: ignore[misc]
    assert len({DEFAULT_MODEL, again, WEAK_CD25}) == 2


def test_variants_validate_their_values_and_name_the_field():
    with pytest.raises(ValueError, match="kd_alpha_pM"):
        DEFAULT_MODEL.with_binding(kd_alpha_pM=-1.0)
    with pytest.raises(ValueError, match="nk_cd122"):
        DEFAULT_MODEL.with_counts(nk_cd122=float("nan"))
    with pytest.raises(ValueError, match="binding"):
        ReceptorModel(binding=binding.ReceptorCounts())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="model"):
        growth.simulate(model="IL-2")  # type: ignore[arg-type]


def test_cells_come_from_the_counts_not_from_a_module_dict():
    more = DEFAULT_MODEL.with_counts(nk_cd122=2.0 * DEFAULT_MODEL.counts.nk_cd122)
    assert more.cells["NK"].cd122 == pytest.approx(2.0 * binding.CELL_TYPES["NK"].cd122)
    assert binding.CELL_TYPES["NK"].cd122 == DEFAULT_MODEL.counts.nk_cd122  # defaults untouched
    assert more.cell("NK") == more.cells["NK"]
    with pytest.raises(TypeError):
        binding.CELL_TYPES["NK"] = more.cells["NK"]  # type: ignore[index]  # read-only mapping
    with pytest.raises(ValueError, match="cell must be"):
        binding.cell_type(np.array([1.0, 2.0]))  # type: ignore[arg-type]


def test_model_methods_are_the_binding_and_signaling_functions():
    c = np.geomspace(0.1, 1e5, 9)
    for cell in ("Treg", "NK"):
        np.testing.assert_array_equal(
            DEFAULT_MODEL.pstat5(cell, c), signaling.pstat5_fraction(cell, c))
        np.testing.assert_array_equal(
            DEFAULT_MODEL.internalization_rate(cell, c), binding.internalization_rate(cell, c))
    assert DEFAULT_MODEL.ec50_pM("Treg") == pytest.approx(signaling.ec50_pM("Treg"), rel=1e-12)


def test_weaker_cd25_moves_the_thresholds_of_cd25_rich_cells_only():
    th = {c: therapy.threshold_pM(c) for c in ("Treg", "activated T", "NK")}
    weak = {c: therapy.threshold_pM(c, model=WEAK_CD25) for c in th}
    assert weak["Treg"] > 10.0 * th["Treg"]  # Tregs lose their high-affinity advantage
    assert weak["activated T"] > 10.0 * th["activated T"]
    assert weak["NK"] == pytest.approx(th["NK"], rel=0.02)  # NK cells barely carry CD25


def test_weaker_cd25_reaches_engagement_of_a_course():
    res = pk.simulate(pk.high_dose_regimen(cycles=1), 70.0)
    base = therapy.engagement(res, ["Treg", "NK"])
    weak = therapy.engagement(res, ["Treg", "NK"], model=WEAK_CD25)
    assert weak.model is WEAK_CD25 and base.model is DEFAULT_MODEL
    assert weak.hours_above_threshold["Treg"] < base.hours_above_threshold["Treg"]
    assert np.trapezoid(weak.pstat5["Treg"], res.t_h) < np.trapezoid(base.pstat5["Treg"], res.t_h)
    assert weak.hours_above_threshold["NK"] == pytest.approx(base.hours_above_threshold["NK"], rel=0.02)


def test_weaker_cd25_reaches_the_two_week_growth_simulation():
    base = growth.simulate()
    weak = growth.simulate(model=WEAK_CD25)
    assert weak.model is WEAK_CD25
    # the autocrine loop runs through CD25: with a weak CD25 the CD8 T cells read less IL-2
    assert weak.peak_fold("CD8") < base.peak_fold("CD8")
    assert weak.signal["CD8"].max() < base.signal["CD8"].max()
    assert weak.peak_fold("Treg") < base.peak_fold("Treg")


def test_weaker_cd25_reaches_pharmacodynamics_of_a_course():
    regimen = pk.low_dose_sc_regimen(days=28)
    base = therapy.pharmacodynamics(regimen)
    weak = therapy.pharmacodynamics(regimen, model=WEAK_CD25)
    assert weak.model is WEAK_CD25
    # low-dose IL-2 is Treg-selective only through CD25; with CD25 crippled the selectivity goes
    assert weak.peak_fold["Treg"] < base.peak_fold["Treg"]
    assert weak.peak_fold["NK"] > base.peak_fold["NK"]


def test_tables_are_cached_by_the_model_and_read_only():
    a = growth.response_tables()
    assert growth.response_tables(ReceptorModel()) is a  # an equal model hits the cache
    b = growth.response_tables(WEAK_CD25)
    assert b is not a and not np.array_equal(a.values, b.values)
    with pytest.raises(ValueError):
        a.values[0, 0, 0, 0] = 1.0


def test_defaults_equal_an_explicit_default_model():
    r0 = growth.simulate(t_end_h=96.0, n_points=25)
    r1 = growth.simulate(t_end_h=96.0, n_points=25, model=ReceptorModel())
    for p in growth.POPULATIONS:
        np.testing.assert_array_equal(r0.cells[p], r1.cells[p])


def test_cd56bright_nk_cells_carry_the_high_affinity_receptor():
    """CD56bright (CD16-) NK cells: about 1,200 high-affinity sites with Kd about 25 pM, against
    an intermediate-affinity receptor only on CD16+ NK cells (nagler1990, caligiuri1990); their
    pSTAT5 EC50 is about three times below that of bulk NK cells (Meyer-lab data, orcuttjahns2021)."""
    from il2 import measurements

    bright, bulk = DEFAULT_MODEL.cell("CD56bright NK"), DEFAULT_MODEL.cell("NK")
    assert bright.cd25 > 40 * bulk.cd25
    kd = DEFAULT_MODEL.apparent_kd_pM("CD56bright NK")
    assert 25.0 / 2 < kd < 25.0 * 2  # Nagler's ~25 pM high-affinity sites, within a factor of 2
    assert kd < DEFAULT_MODEL.apparent_kd_pM("NK") / 5
    model_ratio = DEFAULT_MODEL.ec50_pM("NK", t_h=0.5) / DEFAULT_MODEL.ec50_pM("CD56bright NK", t_h=0.5)
    data_ratio = (measurements.ligand_ec50("IL2 (Mono)", "NK").ec50_pM
                  / measurements.ligand_ec50("IL2 (Mono)", "CD56bright NK").ec50_pM)
    assert data_ratio / 1.5 < model_ratio < data_ratio * 1.5
    measured = measurements.ligand_ec50("IL2 (Mono)", "CD56bright NK").ec50_pM
    assert measured / 2 < DEFAULT_MODEL.ec50_pM("CD56bright NK", t_h=0.5) < measured * 2
