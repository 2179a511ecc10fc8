"""Figures, tables and explorers of the engineered-IL-2 chapter (il2.figures.engineered)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from matplotlib.figure import Figure

from il2 import variants
from il2.figures import engineered as figs
from il2.receptors import DEFAULT_MODEL


@pytest.fixture(scope="module")
def numbers():
    return figs.chapter_numbers()


def test_static_figures_draw(numbers):
    sm = variants.selectivity_map(np.geomspace(0.1, 1000, 7), np.geomspace(0.01, 100, 7),
                                  cells=("Treg", "CD8", "NK"))
    runs = [variants.variant_course(n, route="CD25") for n in (None, "F42Q")]
    killer = variants.variant_course(None, route="killer cells")
    for fig in (figs.draw_selectivity_map(sm), figs.draw_comparison(variants.mutein_comparison()),
                figs.draw_course(runs, killer), figs.draw_course(runs[1:])):
        assert isinstance(fig, Figure) and fig.axes


def test_variant_course_is_cached_by_its_arguments():
    a = variants.variant_course("F42Q", route="CD25")
    assert variants.variant_course("F42Q", route="CD25") is a
    assert variants.variant_course("F42Q", route="killer cells") is not a


def test_tables_list_every_record_and_mark_the_unconfirmed():
    t = figs.variant_table_markdown()
    assert t.count("\n") == len(variants.VARIANTS) + 1
    assert "not confirmed †" in t and "no binding" in t
    c = figs.comparison_table_markdown()
    assert c.count("\n") == len(figs.comparison_rows()) + 1
    o = figs.outcome_table_markdown()
    assert "20/38: 52.6% (95% CI 35.8–69.0%)" in o  # PIVOT-02, exact interval from the counts
    assert "no exact CI" in o and "not reported †" in o
    # three columns (trial, setting and arms, responses and result): the table fits the text column
    assert {line.count("|") for line in o.splitlines()} == {4}


def test_chapter_numbers_tell_the_chapter_story(numbers):
    n = numbers
    # the no-alpha change erases most of the Treg head start; CD122 weakening sharpens it
    assert n.wt_selectivity > 20 and n.f42q_selectivity < 3 and n.nem_selectivity < 2
    assert n.f42q_advantage_left_pct < 25 and n.nem_advantage_left_pct < 15
    assert n.n88d_selectivity > 2 * n.wt_selectivity
    # F42Q costs Tregs, not killer cells (its Fc construct binds CD122 a little better)
    assert n.f42q_treg_shift > 10 and n.f42q_nk_shift < 1 and n.f42q_cd8_shift < 1
    assert n.n88d_nk_shift > 3 * n.n88d_treg_shift
    ald, f42q, nem = n.courses["aldesleukin"], n.courses["F42Q"], n.courses["nemvaleukin"]
    # equal NK engagement: aldesleukin's own factor is 1; the no-alpha drugs lose CD8 expansion
    assert ald["dose_factor"] == pytest.approx(1.0)
    assert f42q["cd8"] < 0.6 * ald["cd8"] and nem["cd8"] < f42q["cd8"]
    assert f42q["nk"] > ald["nk"] and f42q["treg"] < ald["treg"]
    # the leak: through CD25 nearly gone; through the killer cells equal, for every variant
    assert f42q["gain_cd25"] < 0.1 * ald["gain_cd25"]
    for v in n.courses.values():
        assert v["gain_killer"] == pytest.approx(ald["gain_killer"], rel=1e-6)


def test_affinity_explorer_readout_matches_the_selectivity_map():
    for fa, fb in [(1.0, 1.0), (50.0, 1.0), (1.0, 8.0), (300.0, 0.05)]:
        r = figs._affinity_model(fa, fb)
        sm = variants.selectivity_map([fa], [fb], cells=figs.MAP_CELLS)
        for cell in figs.MAP_CELLS:
            assert r.ec50_pM[cell] == pytest.approx(sm.ec50(cell)[0, 0], rel=0.02), (fa, fb, cell)
            assert np.all(np.diff(r.pstat5[cell]) >= -1e-12)
    r = figs._affinity_model(1.0, 1.0)
    assert r.ec50_pM["Treg"] == pytest.approx(DEFAULT_MODEL.ec50_pM("Treg"), rel=0.02)


def test_course_explorer_reads_precomputed_courses():
    r = figs._course_model("F42Q", "CD25")
    assert r.variant.name == "F42Q" and r.reference.name == "aldesleukin"
    assert r.variant is figs.course("F42Q", "CD25")  # cached, not recomputed
    assert math.isclose(figs._course_model("aldesleukin", "killer cells").variant.dose_factor, 1.0)


def test_monovalent_treg_excess_is_one_to_one_and_a_half_orders():
    """The chapter says the data's Treg shifts of monovalent muteins exceed the model's by one
    to one and a half orders of magnitude (orcuttjahns2021)."""
    low, high = figs.monovalent_treg_excess()
    assert 10 ** 0.95 <= low <= high <= 10 ** 1.6
    rows = figs.comparison_rows()
    assert figs.monovalent_treg_excess(rows) == (low, high)
    with pytest.raises(ValueError, match="rows"):
        figs.monovalent_treg_excess(tuple(r for r in rows if r.valency == 2))


def test_bad_input():
    with pytest.raises(ValueError, match="cd25_fold"):
        figs.affinity_explorer().compute(cd25_fold=-1.0, cd122_fold=1.0)
    with pytest.raises(ValueError, match="cd122_fold"):
        figs._affinity_model(1.0, float("nan"))
    with pytest.raises(ValueError, match="name"):
        figs.course("H9")
    with pytest.raises(ValueError, match="route"):
        figs.course("F42Q", "lymph")
    with pytest.raises(ValueError, match="runs"):
        figs.draw_course([])
