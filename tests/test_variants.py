"""Engineered IL-2 variants: records against their sources, the variant model, the selectivity
map against the scalar EC50, the Meyer-lab comparison and the clinical records."""

from __future__ import annotations

import dataclasses
import math
import re

import numpy as np
import pytest

from il2 import measurements, variants
from il2.receptors import DEFAULT_MODEL
from il2.variants import (
    CLINICAL_OUTCOMES,
    NO_BINDING_FOLD,
    VARIANTS,
    Variant,
    clinical_outcome,
    mutein_comparison,
    receptor_model,
    selectivity_map,
    variant,
)

from .conftest import BIB

FC_MUTEINS = ("F42Q", "R38Q", "V91K", "N88D", "H16N")


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M))


# -- the records ---------------------------------------------------------------------------


def test_the_issue_variants_are_recorded_with_their_kind():
    kinds = {v.name: v.kind for v in VARIANTS}
    for name in ("F42Q", "H9", "V91K", "N88D", "H16N"):
        assert kinds[name] == "mutein"
    assert kinds["bempegaldesleukin"] == "prodrug"
    assert kinds["nemvaleukin"] == "fusion"


def test_every_cited_source_is_in_the_bibliography():
    keys = bib_keys()
    for v in VARIANTS:
        assert v.source_keys, v.name
        assert v.source_keys <= keys, (v.name, v.source_keys - keys)
    for o in CLINICAL_OUTCOMES:
        assert set(o.source.split(",")) <= keys, o.key


def test_every_number_names_its_source_and_unknowns_are_explained():
    for v in VARIANTS:
        for f in ("cd25_kd_fold", "cd122_kd_fold", "cd25_kon_fold", "cd122_kon_fold", "half_life_h"):
            if getattr(v, f) is not None:
                assert v.sources[f], (v.name, f)
        if v.cd25_kd_fold is None or v.cd122_kd_fold is None or v.half_life_h is None:
            assert "not confirmed" in v.note or "not in the table" in v.note, v.name


@pytest.mark.parametrize("name", FC_MUTEINS)
def test_fc_mutein_folds_are_derived_from_the_affinity_records(name):
    v = variant(name)
    m, wt = measurements.mutein_affinity(v.construct), measurements.mutein_affinity(v.wt_construct)
    assert m.fc_fusion == wt.fc_fusion  # compared with the wild type carrying the Fc on the same end
    assert v.cd25_kd_fold == pytest.approx(m.cd25_kd_nM / wt.cd25_kd_nM, rel=1e-12)
    assert v.cd122_kd_fold == pytest.approx(m.cd122_gc_kd_nM / wt.cd122_gc_kd_nM, rel=1e-12)
    assert v.sources["cd25_kd_fold"] == "orcuttjahns2021"


def test_fc_mutein_folds_against_the_published_table():
    """WTmutAffData.csv (type-I-ckine-model): F42Q 9.48 vs WT N-term 0.19 nM for CD25;
    N88D 24.0166 vs WT C-term 3.043 nM for CD122/gc."""
    assert variant("F42Q").cd25_kd_fold == pytest.approx(9.48 / 0.19, rel=1e-9)
    assert variant("N88D").cd122_kd_fold == pytest.approx(24.0166 / 3.043, rel=1e-9)
    # the designs: F42Q and R38Q weaken CD25, V91K, N88D and H16N weaken CD122
    assert variant("F42Q").cd25_kd_fold > 10 > variant("R38Q").cd25_kd_fold > 1
    for name in ("V91K", "N88D", "H16N"):
        assert variant(name).cd122_kd_fold > 2
    assert variant("N88D").cd122_kd_fold > variant("H16N").cd122_kd_fold > variant("V91K").cd122_kd_fold


def test_unconfirmed_numbers_stay_none():
    h9, bempeg, nem = variant("H9"), variant("bempegaldesleukin"), variant("nemvaleukin")
    assert h9.cd122_kd_fold is None and h9.cd25_kd_fold is None
    assert bempeg.cd25_kd_fold is None and bempeg.cd122_kd_fold is None
    assert math.isinf(nem.cd25_kd_fold) and nem.cd122_kd_fold == 1.0
    assert all(v.half_life_h is None for v in VARIANTS)


def test_unknown_variant_is_an_error():
    with pytest.raises(ValueError, match="name must be one of"):
        variant("super-3")


@pytest.mark.parametrize("bad", [-1.0, 0.0, float("nan"), "2", True])
def test_impossible_fold_is_a_value_error_naming_it(bad):
    with pytest.raises(ValueError, match=r"X\.cd122_kd_fold"):
        Variant(name="X", kind="mutein", description="test", cd122_kd_fold=bad,
                sources={"cd122_kd_fold": "levin2012"})


def test_infinite_cd122_fold_and_bad_kind_and_missing_source_are_errors():
    with pytest.raises(ValueError, match="X.cd122_kd_fold must be finite"):
        Variant(name="X", kind="mutein", description="t", cd122_kd_fold=math.inf,
                sources={"cd122_kd_fold": "levin2012"})
    with pytest.raises(ValueError, match="X.kind"):
        Variant(name="X", kind="antibody", description="t")
    with pytest.raises(ValueError, match="must name the source of cd25_kd_fold"):
        Variant(name="X", kind="mutein", description="t", cd25_kd_fold=2.0)
    with pytest.raises(ValueError, match="X.half_life_h"):
        Variant(name="X", kind="mutein", description="t", half_life_h=-1.0, sources={"half_life_h": "a"})


def test_records_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        variant("F42Q").cd25_kd_fold = 1.0  # type: ignore[misc]


# -- the receptor model of a variant ---------------------------------------------------------


def test_receptor_model_scales_the_two_constants_only():
    v = variant("N88D")
    m = receptor_model(v)
    b0, b = DEFAULT_MODEL.binding, m.binding
    assert m.name == "N88D"
    assert b.kd_alpha_pM == pytest.approx(b0.kd_alpha_pM * v.cd25_kd_fold)
    assert b.kd_beta_pM == pytest.approx(b0.kd_beta_pM * v.cd122_kd_fold)
    assert b.kon_per_M_s == b0.kon_per_M_s and b.kon_beta_per_M_s == b0.kon_beta_per_M_s
    assert dataclasses.replace(b, kd_alpha_pM=b0.kd_alpha_pM, kd_beta_pM=b0.kd_beta_pM) == b0
    assert m.counts == DEFAULT_MODEL.counts and m.signaling == DEFAULT_MODEL.signaling


def test_receptor_model_applies_on_rate_folds_when_recorded():
    v = Variant(name="fast", kind="mutein", description="t", cd25_kd_fold=1.0, cd122_kd_fold=1.0,
                cd122_kon_fold=3.0, sources={"cd25_kd_fold": "a", "cd122_kd_fold": "a", "cd122_kon_fold": "a"})
    m = receptor_model(v)
    assert m.binding.kon_beta_per_M_s == pytest.approx(3.0 * DEFAULT_MODEL.binding.kon_beta_per_M_s)
    assert m.binding.kon_per_M_s == DEFAULT_MODEL.binding.kon_per_M_s


def test_fusion_without_cd25_binding_uses_the_no_binding_fold():
    m = receptor_model("nemvaleukin")
    assert m.binding.kd_alpha_pM == pytest.approx(DEFAULT_MODEL.binding.kd_alpha_pM * NO_BINDING_FOLD)
    assert m.binding.kd_beta_pM == DEFAULT_MODEL.binding.kd_beta_pM
    # with no CD25 route the Treg is as insensitive as the CD25-free cell it would be
    no_cd25 = DEFAULT_MODEL.with_counts(treg_cd25=0.0)
    assert m.ec50_pM("Treg") == pytest.approx(no_cd25.ec50_pM("Treg"), rel=1e-3)


def test_unconfirmed_fold_needs_a_stated_assumption():
    with pytest.raises(ValueError, match="H9.cd25_kd_fold is not confirmed"):
        receptor_model("H9")
    m = receptor_model("H9", cd25_kd_fold=1.0, cd122_kd_fold=0.01)
    assert m.binding.kd_beta_pM == pytest.approx(0.01 * DEFAULT_MODEL.binding.kd_beta_pM)
    # an assumed tighter CD122 makes NK cells respond at far lower doses
    assert m.ec50_pM("NK") < 0.1 * DEFAULT_MODEL.ec50_pM("NK")
    with pytest.raises(ValueError, match="recorded for F42Q"):
        receptor_model("F42Q", cd25_kd_fold=2.0)
    with pytest.raises(ValueError, match="bempegaldesleukin.cd122_kd_fold"):
        receptor_model("bempegaldesleukin", cd25_kd_fold=10.0, cd122_kd_fold=-1.0)
    with pytest.raises(ValueError, match="base must be"):
        receptor_model("F42Q", base="IL-2")


# -- selectivity map -----------------------------------------------------------------------


def test_selectivity_map_matches_the_scalar_ec50():
    fa = np.geomspace(0.1, 1000.0, 50)
    fb = np.geomspace(0.01, 100.0, 50)
    cells = ("Treg", "CD4", "CD8", "NK", "activated T")
    result = selectivity_map(fa, fb, cells=cells)
    assert result.ec50_pM.shape == (5, 50, 50)
    b = DEFAULT_MODEL.binding
    for i, j in [(0, 0), (12, 37), (25, 25), (49, 49), (40, 3), (3, 46)]:
        model = DEFAULT_MODEL.with_binding(kd_alpha_pM=b.kd_alpha_pM * fa[i], kd_beta_pM=b.kd_beta_pM * fb[j])
        for cell in cells:
            assert result.ec50(cell)[i, j] == pytest.approx(model.ec50_pM(cell), rel=0.02)
            assert result.ec50(cell)[i, j] == pytest.approx(model.ec50_pM(cell), rel=1e-5)


def test_selectivity_map_readout_and_wild_type_point():
    result = selectivity_map([1.0, 50.0, np.inf], [0.25, 1.0, 4.0])
    wt = result.treg_selectivity[0, 1]
    assert wt == pytest.approx(DEFAULT_MODEL.ec50_pM("NK") / DEFAULT_MODEL.ec50_pM("Treg"), rel=1e-5)
    assert wt > 20  # Tregs respond at far lower doses than NK cells
    # weaker CD25 binding erodes the Treg advantage; without CD25 binding little is left
    sel = result.treg_selectivity[:, 1]
    assert sel[0] > sel[1] > sel[2] and sel[2] < 2
    # at fixed CD25, weaker CD122 binding raises the Treg selectivity (the Treg-mutein design)
    assert np.all(np.diff(result.treg_selectivity[0]) > 0)
    assert result.ratio("CD8", "Treg").shape == (3, 3)


def test_selectivity_map_bad_input():
    with pytest.raises(ValueError, match="cd25_folds"):
        selectivity_map([1.0, float("nan")], [1.0])
    with pytest.raises(ValueError, match="cd25_folds"):
        selectivity_map([0.0], [1.0])
    with pytest.raises(ValueError, match="cd122_folds"):
        selectivity_map([1.0], [-2.0])
    with pytest.raises(ValueError, match="cd122_folds"):
        selectivity_map([1.0], [np.inf])
    with pytest.raises(ValueError, match="cells"):
        selectivity_map([1.0], [1.0], cells=("B cell",))
    with pytest.raises(ValueError, match="t_h"):
        selectivity_map([1.0], [1.0], t_h=0.5)


# -- the model against the Meyer-lab data -----------------------------------------------------


@pytest.fixture(scope="module")
def table():
    return {(r.variant, r.ligand, r.cell): r for r in mutein_comparison()}


def test_comparison_pairs_each_mutein_with_its_own_wild_type(table):
    assert table
    for r in table.values():
        v = variant(r.variant)
        assert (r.ligand, r.wt_ligand) in v.ec50_ligands
        assert measurements.ligand_ec50(r.ligand, r.cell).fc_fusion == measurements.ligand_ec50(r.wt_ligand, r.cell).fc_fusion
        assert r.measured_shift == pytest.approx(r.mutein_ec50_pM / r.wt_ec50_pM)
    # V91K and N88D: the C-terminal wild type shares no measured cell with them
    assert not any(r.variant in ("V91K", "N88D") for r in table.values())


def test_measured_shifts_from_the_published_ec50s(table):
    """gc-valent EC50_DF.csv: F42Q N-Term (Mono) Treg 65.81 nM against WT N-term (Mono) 0.2963 nM."""
    r = table[("F42Q", "F42Q N-Term (Mono)", "Treg")]
    assert r.measured_shift == pytest.approx(65.81389351566328 / 0.2962873047329646, rel=1e-9)


def test_model_and_data_agree_that_losing_cd25_costs_tregs_most_for_f42q(table):
    f42q = table[("F42Q", "F42Q N-Term (Mono)", "Treg")]
    r38q = table[("R38Q", "R38Q N-term (Mono)", "Treg")]
    # both: a large loss of Treg potency for the no-alpha mutein ...
    assert f42q.measured_shift > 10 and f42q.predicted_shift > 10
    # ... and the same rank: F42Q (CD25 50-fold weaker) before R38Q (about 4-fold)
    assert f42q.measured_shift > r38q.measured_shift > 1
    assert f42q.predicted_shift > r38q.predicted_shift > 1


def test_model_and_data_agree_on_nk_for_bivalent_r38q(table):
    """R38Q binds CD122/gc slightly tighter than its wild type: NK potency is kept (shift < 1)
    and NK is the least affected of the directly measured cells, in data and model."""
    rows = [table[("R38Q", "R38Q N-term (Biv)", c)] for c in ("NK", "CD4", "Treg")]
    nk = rows[0]
    assert nk.measured_shift < 1 and nk.predicted_shift < 1
    assert nk.measured_shift == min(r.measured_shift for r in rows)
    assert nk.predicted_shift == min(r.predicted_shift for r in rows)


def test_model_and_data_agree_h16n_costs_tregs_a_few_fold(table):
    r = table[("H16N", "H16N N-term (Biv)", "Treg")]
    assert 1.5 < r.measured_shift < 4 and 1.5 < r.predicted_shift < 4


def test_where_model_and_data_disagree_is_what_the_docstring_says(table):
    """Disagreements stated in mutein_comparison: bivalent H16N gains potency on CD4 cells in
    the data (avidity of the Fc dimer) while the monovalent model loses it."""
    r = table[("H16N", "H16N N-term (Biv)", "CD4")]
    assert r.measured_shift < 1 < r.predicted_shift


def test_no_alpha_change_removes_most_of_the_treg_advantage():
    wt = DEFAULT_MODEL.ec50_pM("Treg") / DEFAULT_MODEL.ec50_pM("NK")
    f42q = receptor_model("F42Q")
    ratio = f42q.ec50_pM("Treg") / f42q.ec50_pM("NK")
    assert wt < 0.05  # Tregs about 50 times more sensitive than NK cells
    assert abs(math.log(ratio)) < 0.25 * abs(math.log(wt))  # most of the advantage gone
    nem = receptor_model("nemvaleukin")
    assert abs(math.log(nem.ec50_pM("Treg") / nem.ec50_pM("NK"))) < 0.15 * abs(math.log(wt))


def test_comparison_bad_input():
    with pytest.raises(ValueError, match="base must be"):
        mutein_comparison(base=None)
    with pytest.raises(ValueError, match="name must be one of"):
        mutein_comparison(variants=["nope"])


# -- clinical outcomes ---------------------------------------------------------------------


def test_pivot_trials_as_published():
    p2 = clinical_outcome("pivot02")
    ci = p2.orr_ci()
    assert (ci.successes, ci.trials) == (20, 38)
    assert 100 * ci.estimate == pytest.approx(p2.orr_percent[0], abs=0.05)
    assert ci.low < 0.526 < ci.high
    p3 = clinical_outcome("pivotio001")
    assert p3.patients == (391, 392) and sum(p3.patients) == 783
    assert p3.orr_percent[0] < p3.orr_percent[1]  # fewer responses with bempegaldesleukin added
    with pytest.raises(ValueError, match="no response counts"):
        p3.orr_ci()
    assert clinical_outcome("artistry7").variant == "nemvaleukin"
    a6 = clinical_outcome("artistry6")  # rttnews2025: 92 patients, primary end point missed
    assert a6.patients == (92,) and a6.responders is None and "†" in a6.result


def test_clinical_outcome_validation():
    with pytest.raises(ValueError, match="key must be one of"):
        clinical_outcome("pivot99")
    with pytest.raises(ValueError, match="successes"):
        dataclasses.replace(clinical_outcome("pivot02"), responders=(40,))
    with pytest.raises(ValueError, match="variant"):
        dataclasses.replace(clinical_outcome("pivot02"), variant="aldesleukin")


def test_cross_fusion_rows_are_flagged_and_show_the_size_disagreement():
    rows = mutein_comparison(variants=["V91K", "N88D"], include_cross_fc=True)
    assert rows and all(not r.own_wt for r in rows)
    assert all(r.wt_ligand == "WT N-term (Mono)" for r in rows)
    treg = [r for r in rows if r.cell == "Treg"]
    # the data: a large Treg loss; the model: almost none (the docstring's size disagreement)
    assert all(r.measured_shift > 10 and r.predicted_shift < 3 for r in treg)
    assert mutein_comparison(variants=["V91K"]) == ()


def test_f42q_before_r38q_also_after_a_30_minute_stimulation():
    rows = {r.variant: r for r in mutein_comparison(t_h=0.5, variants=["F42Q", "R38Q"])
            if r.cell == "Treg" and r.valency == 1}
    assert rows["F42Q"].predicted_shift > rows["R38Q"].predicted_shift > 1
    assert rows["F42Q"].measured_shift > rows["R38Q"].measured_shift


def test_variant_table_lists_every_record():
    rows = variants.variant_table()
    assert [r["name"] for r in rows] == [v.name for v in VARIANTS]
    f42q = rows[0]
    assert f42q["cd25_kd_fold"] == variant("F42Q").cd25_kd_fold and f42q["sources"] == "orcuttjahns2021"
    assert rows[[r["name"] for r in rows].index("H9")]["cd122_kd_fold"] is None


# -- a course of a variant at equal receptor engagement -----------------------------------------


def test_equal_engagement_factor_matches_the_nk_threshold():
    from il2 import therapy

    m = receptor_model("N88D")
    phi = variants.equal_engagement_factor(m)
    assert phi == pytest.approx(therapy.threshold_pM("NK", model=m) / therapy.threshold_pM("NK"), rel=1e-12)
    assert phi > 2  # weaker CD122: more drug for the same NK signal
    assert variants.equal_engagement_factor(DEFAULT_MODEL) == pytest.approx(1.0)
    # the killer-cell route: potency x dose factor is exactly 1 (equal engagement, equal leak)
    assert phi * variants.endothelial_potency(m, "killer cells") == pytest.approx(1.0, rel=1e-12)
    # the CD25 route: a no-alpha variant acts on the vessel wall far more weakly
    assert variants.endothelial_potency(receptor_model("F42Q"), "CD25") < 0.1


def test_variant_course_runs_pk_growth_and_leak_with_the_variant_model():
    ald = variants.variant_course(None)
    f42q = variants.variant_course("F42Q")
    assert ald.name == "aldesleukin" and ald.dose_factor == pytest.approx(1.0)
    assert f42q.model == receptor_model("F42Q") and f42q.pd.model == f42q.model
    assert f42q.regimen.dose_iu_per_kg == pytest.approx(ald.regimen.dose_iu_per_kg * f42q.dose_factor)
    assert f42q.regimen.doses_given == ald.regimen.doses_given == 14
    # no dose held: both arms keep equal engagement
    assert f42q.leak.doses_held == 0 and ald.leak.doses_held == 0
    assert f42q.peak_fold("CD8") < ald.peak_fold("CD8")
    assert f42q.weight_gain_kg < 0.1 * ald.weight_gain_kg
    assert variants.variant_course("F42Q", route="killer cells").weight_gain_kg == pytest.approx(
        ald.weight_gain_kg, rel=1e-6)


def test_variant_course_bad_input():
    with pytest.raises(ValueError, match="route"):
        variants.variant_course("F42Q", route="skin")
    with pytest.raises(ValueError, match="match_cell"):
        variants.variant_course("F42Q", match_cell="B cell")
    with pytest.raises(ValueError, match="regimen"):
        variants.variant_course("F42Q", regimen="600000")
    with pytest.raises(ValueError, match="weight_kg"):
        variants.variant_course("F42Q", weight_kg=-70.0)
    with pytest.raises(ValueError, match="H9.cd25_kd_fold is not confirmed"):
        variants.variant_course("H9")
    with pytest.raises(ValueError, match="cell"):
        variants.equal_engagement_factor(DEFAULT_MODEL, "B cell")


def test_cd56bright_disagreement_is_not_a_matter_of_receptor_counts(table):
    """The chapter: with the CD56bright NK cell's own counts the model's shifts move by less than a
    tenth and keep the direction opposite to the data (monovalent R38Q and H16N)."""
    for name, lig in (("R38Q", "R38Q N-term (Mono)"), ("H16N", "H16N N-term (Mono)")):
        r = table[(name, lig, "CD56bright NK")]
        m = receptor_model(name)
        own = m.ec50_pM("CD56bright NK") / DEFAULT_MODEL.ec50_pM("CD56bright NK")
        assert abs(own / r.predicted_shift - 1) < 0.1
        assert (r.measured_shift > 1) != (own > 1)
