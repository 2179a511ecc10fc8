"""Low-dose IL-2 trial records and IL-2 deficiency records (il2.low_dose).

One test per record pins the numbers read in its source, so a typo in a record fails a test.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys

import pytest
from scipy.stats import binom

from il2 import low_dose as ld
from il2.outcomes import exact_ci

from .conftest import BIB, ROOT


def counts_of(key: str) -> dict[str, tuple[int, int]]:
    return {c.label: (c.events, c.patients) for c in ld.trial(key).counts}


def bib_keys() -> set[str]:
    return set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M))


# --- one test per trial record ---------------------------------------------------------------

def test_koreth2011_phase1():
    """Koreth et al. 2011 (read in the table of Tahvildari et al. 2019): 0.3, 1 and 3 x 10^6
    IU/m^2/day for 8 weeks; MTD 1 x 10^6; 12 of 23 major responses; Treg peak median more
    than 8x baseline at week 4; Treg:Tcon about 5x; Tcon unchanged."""
    t = ld.trial("koreth2011")
    assert t.dose_miu == (0.3, 1.0, 3.0) and t.dose_unit == "MIU/m^2"
    assert t.interval_days == 1.0 and t.duration_weeks == 8.0
    assert t.maximum_tolerated_dose_miu == 1.0
    assert t.patients is None  # enrolment not read
    assert counts_of("koreth2011") == {"major responses at multiple sites": (12, 23)}
    treg = t.fold_change("Treg")
    assert (treg.fold, treg.relation, treg.kind, treg.time) == (8.0, ">", "median",
                                                               "peak at week 4")
    assert (t.fold_change("Treg:Tcon").fold, t.fold_change("Treg:Tcon").relation) == (5.0, "=")
    assert t.fold_change("CD4 Tcon").relation == "unchanged"
    assert {f.source for f in t.fold_changes} == {"tahvildari2019"}
    assert "review" in t.note


def test_koreth2016_phase2():
    """Koreth et al. 2016: 35 patients, 1 x 10^6 IU/m^2/day for 12 weeks; 20/33 (61%)
    responses; 3 progressions (9%); 2 withdrew, 5 dose reductions, 23 continued; Treg > 5x,
    NK > 4x, Treg:Tcon > 5x; CD4 Tcon and CD8 unchanged."""
    t = ld.trial("koreth2016")
    assert t.patients == 35 and t.dose_miu == (1.0,) and t.dose_unit == "MIU/m^2"
    assert t.interval_days == 1.0 and t.duration_weeks == 12.0
    assert counts_of("koreth2016") == {
        "clinical response (partial) at week 12": (20, 33),
        "progressive disease": (3, 33),
        "withdrew": (2, 35),
        "dose reduction for side effects": (5, 35),
        "started extended IL-2 treatment": (23, 35),
    }
    folds = {f.cell: (f.fold, f.relation) for f in t.fold_changes}
    assert folds == {"Treg": (5.0, ">"), "NK": (4.0, ">"), "Treg:Tcon": (5.0, ">"),
                     "CD4 Tcon": (None, "unchanged"), "CD8 T": (None, "unchanged")}
    # time point and median/mean were not visible: stored as unknown, not guessed
    assert all(f.time is None and f.kind is None for f in t.fold_changes)


def test_whangbo2019_dose_escalation():
    """Whangbo et al. 2019: 10 adults and 11 children; start 0.33 (children) / 0.67 (adults),
    at most 1 / 2 x 10^6 IU/m^2/day; PR 9/11 children (82%), 2/7 adults (29%); 5/10 adults
    reduced the dose."""
    t = ld.trial("whangbo2019")
    assert t.patients == 21 and t.dose_miu == (0.33, 0.67, 1.0, 2.0)
    assert t.dose_unit == "MIU/m^2" and t.duration_weeks == 8.0
    assert counts_of("whangbo2019") == {
        "partial response at week 8, children": (9, 11),
        "partial response at week 8, adults": (2, 7),
        "dose reduction, adults": (5, 10),
    }
    assert "fall over time despite continued daily dosing" in t.findings
    assert "0.4 in children" in t.findings and "0.18 in adults" in t.findings


def test_saadoun2011_vasculitis():
    """Saadoun et al. 2011: 10 patients; 1.5 MIU/day for 5 days, then three 5-day courses of
    3 MIU/day at weeks 3, 6, 9; vasculitis improved in 8/10, cryoglobulinaemia fell in 9/10
    (review table)."""
    t = ld.trial("saadoun2011")
    assert t.patients == 10 and t.dose_miu == (1.5, 3.0) and t.dose_unit == "MIU"
    assert "weeks 3, 6 and 9" in t.schedule
    assert counts_of("saadoun2011") == {"vasculitis improved": (8, 10),
                                        "cryoglobulinaemia declined": (9, 10)}
    assert t.fold_changes == ()  # the Treg fold change was not readable
    assert "disagreement" in t.note  # the review gives 1 MIU/day for the first course


def test_hartemann2013_dose_finding():
    """Hartemann et al. 2013: 24 patients, 6 per arm, placebo or 0.33, 1, 3 MIU/day for 5 days;
    non-serious adverse events in 1, 3, 5 and 6 of 6."""
    t = ld.trial("hartemann2013")
    assert t.patients == 24 and t.dose_miu == (0.33, 1.0, 3.0) and t.dose_unit == "MIU"
    assert t.duration_weeks == pytest.approx(5 / 7)
    pts = ld.hartemann_dose_response()
    assert [p.daily_dose_miu for p in pts] == [0.0, 0.33, 1.0, 3.0]
    assert [p.adverse_event_patients for p in pts] == [1, 3, 5, 6]
    assert [p.patients for p in pts] == [6, 6, 6, 6]
    assert sum(p.patients for p in pts) == t.patients
    assert all(p.treg_change is None for p in pts)  # not readable: not invented
    # side effects rise with dose
    ae = [p.adverse_event_patients for p in pts]
    assert ae == sorted(ae)


def test_rosenzwajg2019_transreg():
    """Rosenzwajg et al. 2019: 46 patients, 11 diseases, 1 MIU/day for 5 days then every
    2 weeks for 6 months."""
    t = ld.trial("rosenzwajg2019")
    assert t.patients == 46 and t.dose_miu == (1.0,) and t.dose_unit == "MIU"
    assert t.disease.startswith("11 autoimmune diseases")
    assert t.disease.count(",") == 10  # eleven names
    assert "every 2 weeks for 6 months" in t.schedule
    assert t.counts == () and t.fold_changes == ()


def test_he2016_lupus_open_label():
    """He et al. 2016: 40 patients (supplementary Table S1); dose and schedule not read."""
    t = ld.trial("he2016")
    assert t.patients == 40 and t.dose_miu == () and t.interval_days is None
    assert t.counts == () and t.fold_changes == ()
    assert "recombinant human IL-2" in t.drug


def test_humrich2022_lupil2():
    """LUPIL-2: 100 patients, 1.5 MIU/day ILT-101 for 5 days then weekly to week 12; SRI-4 at
    week 12 68% vs 58% (p = 0.3439, primary end point not met), post hoc per protocol 83.3% vs
    51.7% (p = 0.0168); percentages only, no counts."""
    t = ld.trial("humrich2022")
    assert t.patients == 100 and t.dose_miu == (1.5,) and t.dose_unit == "MIU"
    assert t.drug == "ILT-101" and t.duration_weeks == 12.0 and t.counts == ()
    itt = t.percent("SRI-4 response at week 12, ILT-101 (intention to treat)")
    pl = t.percent("SRI-4 response at week 12, placebo (intention to treat)")
    assert (itt.percent, pl.percent, itt.p_value) == (68.0, 58.0, 0.3439)
    pp = t.percent("SRI-4 response at week 12, ILT-101 (post hoc per protocol)")
    assert (pp.percent, pp.p_value) == (83.3, 0.0168)
    with pytest.raises(ValueError, match="label"):
        t.percent("SRI-4 at week 24")


def test_reported_percent_checks_its_range():
    with pytest.raises(ValueError, match="percent"):
        ld.ReportedPercent("x", 120.0, "humrich2022")
    with pytest.raises(ValueError, match="p_value"):
        ld.ReportedPercent("x", 50.0, "humrich2022", p_value=1.5)


def test_he2020_lupus_randomised():
    """He et al. 2020: 60 patients (30/30), 1 MIU every other day; SRI-4 55.17% vs 30.00% at
    week 12, 65.52% vs 36.67% at week 24; nephritis CR 7/13 vs 2/12."""
    t = ld.trial("he2020")
    assert t.patients == 60 and t.dose_miu == (1.0,) and t.interval_days == 2.0
    assert t.duration_weeks == 12.0
    assert counts_of("he2020") == {
        "SRI-4 response at week 12, IL-2": (16, 29),
        "SRI-4 response at week 12, placebo": (9, 30),
        "SRI-4 response at week 24, IL-2": (19, 29),
        "SRI-4 response at week 24, placebo": (11, 30),
        "complete remission of lupus nephritis, IL-2": (7, 13),
        "complete remission of lupus nephritis, placebo": (2, 12),
    }


def test_counts_reproduce_every_printed_percentage():
    """Every count with a printed percentage gives that percentage back at the precision it was
    printed with (He 2020's counts are derived from its two-decimal percentages)."""
    decimals = {"koreth2016": 0, "whangbo2019": 0, "he2020": 2}
    n_checked = 0
    for t in ld.LOW_DOSE_TRIALS:
        for c in t.counts:
            if c.published_percent is None:
                continue
            d = 1 if c.label == "started extended IL-2 treatment" else decimals[t.key]
            assert round(100 * c.events / c.patients, d) == pytest.approx(
                c.published_percent), (t.key, c.label)
            n_checked += 1
    assert n_checked == 11


# --- exact confidence intervals --------------------------------------------------------------

@pytest.mark.parametrize("key", [t.key for t in ld.LOW_DOSE_TRIALS if t.counts])
def test_exact_ci_matches_counts(key):
    """Each count's interval is the Clopper-Pearson interval of exactly its counts: at the
    lower bound P(X >= k) = 2.5%, at the upper bound P(X <= k) = 2.5% (checked with the
    binomial distribution, independently of the beta quantiles)."""
    for c in ld.trial(key).counts:
        ci = c.ci()
        assert (ci.successes, ci.trials) == (c.events, c.patients)
        assert ci.estimate == pytest.approx(c.events / c.patients)
        k, n = c.events, c.patients
        if k > 0:
            assert binom.sf(k - 1, n, ci.low) == pytest.approx(0.025, rel=1e-6)
        else:
            assert ci.low == 0.0
        if k < n:
            assert binom.cdf(k, n, ci.high) == pytest.approx(0.025, rel=1e-6)
        else:
            assert ci.high == 1.0
        assert ci == exact_ci(k, n)


def test_koreth2016_response_interval():
    """20/33: 61% (95% CI 42-77%), the interval the chapter will print."""
    c = ld.trial("koreth2016").count("clinical response (partial) at week 12")
    assert c.ci().percent() == "61% (95% CI 42–77%)"


# --- anchors for the models ------------------------------------------------------------------

def test_koreth2016_anchors_and_consistency_rule():
    a = ld.koreth2016_anchors()
    assert set(a) == {"Treg", "NK", "CD4 Tcon", "CD8 T", "Treg:Tcon"}
    assert a["Treg"].consistent_with(5.5, unchanged_within=1.5)
    assert not a["Treg"].consistent_with(1.34, unchanged_within=1.5)  # today's model value
    assert not a["NK"].consistent_with(1.02, unchanged_within=1.5)
    assert a["CD4 Tcon"].consistent_with(1.2, unchanged_within=1.5)
    assert not a["CD8 T"].consistent_with(2.0, unchanged_within=1.5)
    eq = ld.trial("koreth2011").fold_change("Treg:Tcon")
    assert eq.consistent_with(5.0 * 1.4, unchanged_within=1.5)
    assert not eq.consistent_with(5.0 * 1.6, unchanged_within=1.5)


# --- deficiency records ----------------------------------------------------------------------

def test_deficiency_records():
    d = {r.key: r for r in ld.DEFICIENCIES}
    assert set(d) == {"sadlack1993", "willerford1995", "suzuki1995", "sharfe1997",
                      "fontenot2005", "setoguchi2005", "feinerman2010"}
    assert d["sadlack1993"].target == "IL-2" and "4 and 9 weeks" in d["sadlack1993"].finding
    assert "CD25" in d["willerford1995"].target and "haemolytic" in d["willerford1995"].finding
    assert "CD122" in d["suzuki1995"].target and "12 weeks" in d["suzuki1995"].finding
    assert d["sharfe1997"].organism == "human" and "CD25" in d["sharfe1997"].target
    assert "anti-IL-2" in d["setoguchi2005"].method and "Foxp3+" in d["setoguchi2005"].finding
    assert "tug-of-war" in d["feinerman2010"].finding
    assert not d["fontenot2005"].confirmed  # only the citation could be read
    assert all(r.confirmed for k, r in d.items() if k != "fontenot2005")
    assert ld.deficiency("suzuki1995") is d["suzuki1995"]


# --- integrity -------------------------------------------------------------------------------

def test_every_source_key_is_in_the_bibliography():
    keys = bib_keys()
    used = set()
    for t in ld.LOW_DOSE_TRIALS:
        used |= {t.source, *t.read_in}
        used |= {c.source for c in t.counts} | {f.source for f in t.fold_changes}
    used |= {d.source for d in ld.DEFICIENCIES}
    assert not used - keys, sorted(used - keys)


def test_records_are_frozen():
    t = ld.trial("koreth2016")
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.patients = 40  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.counts[0].events = 21  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.fold_changes[0].fold = 6.0  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ld.DEFICIENCIES[0].finding = ""  # type: ignore[misc]
    assert isinstance(ld.LOW_DOSE_TRIALS, tuple) and isinstance(t.counts, tuple)


def test_bad_input_names_the_argument():
    with pytest.raises(ValueError, match="key must be one of"):
        ld.trial("koreth2099")
    with pytest.raises(ValueError, match="cell must be one of"):
        ld.FoldChange("B cell", 2.0, "=", "koreth2016")
    with pytest.raises(ValueError, match="fold must be None"):
        ld.FoldChange("CD8 T", 1.0, "unchanged", "koreth2016")
    with pytest.raises(ValueError, match="events must be an integer"):
        ld.Count("x", 34, 33, "koreth2016")
    with pytest.raises(ValueError, match="unchanged_within"):
        ld.koreth2016_anchors()["Treg"].consistent_with(6.0, unchanged_within=1.0)
    with pytest.raises(ValueError, match="model_fold"):
        ld.koreth2016_anchors()["Treg"].consistent_with(float("nan"), unchanged_within=1.5)
    with pytest.raises(ValueError, match="read_in must list"):
        dataclasses.replace(ld.trial("koreth2016"), read_in=())
    with pytest.raises(ValueError, match="maximum_tolerated_dose_miu"):
        dataclasses.replace(ld.trial("koreth2011"), maximum_tolerated_dose_miu=2.0)


def test_module_imports_nothing_heavy():
    """il2.low_dose loads only il2.validation and il2.outcomes from the library (no models,
    no matplotlib)."""
    code = ("import sys, json; import il2.low_dose; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('il2') "
            "or m.startswith('matplotlib'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONPATH": str(ROOT / "lib"), "PATH": ""})
    loaded = set(json.loads(out.stdout))
    assert loaded == {"il2", "il2.low_dose", "il2.outcomes", "il2.validation"}, loaded
