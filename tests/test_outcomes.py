"""Published response data and exact binomial confidence intervals."""

from __future__ import annotations

import re

import pytest

from il2 import outcomes

from .conftest import BIB


def test_atkins_melanoma_ci_reproduced():
    """Atkins et al. 1999 (atkins1999): 270 patients, 17 CR + 26 PR, ORR 16% (95% CI 12-21%)."""
    rec = outcomes.record("atkins1999")
    ci = rec.orr_ci(0.95)
    assert rec.responders == 43
    assert round(100 * ci.estimate) == 16
    assert (round(100 * ci.low), round(100 * ci.high)) == (12, 21)
    assert outcomes.published_ci_matches(rec)
    assert round(100 * rec.cr_ci().estimate) == 6  # 17 CR = 6%


def test_atkins_durable_complete_responses():
    """Atkins et al. 1999: 10 of the 17 complete responders (59%) were progression-free at the
    analysis, about 4% of all 270 patients (the chapter quotes this share)."""
    rec = outcomes.record("atkins1999")
    assert rec.complete_progression_free == 10
    assert round(100 * rec.complete_progression_free / rec.complete) == 59
    assert round(100 * rec.durable_cr_ci().estimate) == 4
    assert rec.durable_cr_ci().low < rec.durable_cr_ci().estimate < rec.durable_cr_ci().high


def test_klapper_relapses():
    """Klapper et al. 2008: 23 CR and 30 PR among 259; every PR relapsed, 4 of the 23 CRs did."""
    rec = outcomes.record("klapper2008")
    assert (rec.patients, rec.complete, rec.partial) == (259, 23, 30)
    assert rec.complete - rec.complete_progression_free == 4


def test_durable_cr_needs_a_count():
    with pytest.raises(ValueError, match="complete_progression_free"):
        outcomes.record("fyfe1995").durable_cr_ci()
    with pytest.raises(ValueError, match="complete_progression_free"):
        outcomes.ResponseRecord(key="x", source="x", disease="both", series="", patients=10,
                                complete=2, partial=1, complete_progression_free=3)


def test_fyfe_rcc_ci_and_its_stated_level():
    """Fyfe et al. 1995 (fyfe1995): 255 patients, 12 CR + 24 PR, ORR 14%, printed as
    '90% CI 10-19%'. The exact interval reproduces 10-19% at the 95% level; the exact 90%
    interval is 11-18%. The test pins this down so the chapter's remark stays true."""
    rec = outcomes.record("fyfe1995")
    assert round(100 * rec.orr_ci().estimate) == 14
    assert not outcomes.published_ci_matches(rec)  # at the stated 90%
    assert outcomes.published_ci_matches(rec, 0.95)
    ci90 = rec.orr_ci(0.90)
    assert (round(100 * ci90.low), round(100 * ci90.high)) == (11, 18)


def test_fisher_update_counts():
    """Fisher et al. 1997 (fisher1997): 37 of 255 (15%): 17 CR (7%), 20 PR (8%); median 54 months."""
    rec = outcomes.record("fisher1997")
    assert rec.responders == 37
    assert round(100 * rec.orr_ci().estimate) == 15
    assert round(100 * rec.cr_ci().estimate) == 7
    assert rec.median_response_months == 54


def test_rosenberg_cr_rate():
    """Rosenberg et al. 1998 (rosenberg1998): 33 CR among 409 patients (8.1%)."""
    rec = outcomes.record("rosenberg1998")
    assert 100 * rec.cr_ci().estimate == pytest.approx(8.1, abs=0.05)


def test_ci_properties():
    ci = outcomes.exact_ci(43, 270)
    assert ci.low < ci.estimate < ci.high
    wider = outcomes.exact_ci(43, 270, 0.99)
    assert wider.low < ci.low and wider.high > ci.high
    zero = outcomes.exact_ci(0, 20)
    assert zero.low == 0 and 0 < zero.high < 0.2
    # (0.05)**(1/20) rule: upper 95% bound for 0/20 is 1 - 0.025**(1/20)
    assert zero.high == pytest.approx(1 - 0.025 ** (1 / 20), rel=1e-9)
    assert outcomes.exact_ci(20, 20).high == 1
    assert "95% CI" in ci.percent()


def test_every_source_in_bibliography():
    keys = set(re.findall(r"^@\w+\{([^,\s]+),", BIB.read_text(), flags=re.M))
    for rec in outcomes.RESPONSE_RECORDS:
        assert rec.source in keys


def test_bad_input():
    with pytest.raises(ValueError, match="successes"):
        outcomes.exact_ci(30, 20)
    with pytest.raises(ValueError, match="trials"):
        outcomes.exact_ci(0, 0)
    with pytest.raises(ValueError, match="level"):
        outcomes.exact_ci(3, 20, 1.0)
    with pytest.raises(ValueError, match="key"):
        outcomes.record("nobody2020")
    with pytest.raises(ValueError, match="partial"):
        outcomes.ResponseRecord(key="x", source="x", disease="x", series="x", patients=10,
                                complete=6, partial=6)


def test_fyfe_fisher_reports_are_one_cohort():
    """Fyfe 1995, Fisher 1997 and Fisher 2000 report the same 255 patients with longer follow-up
    (fyfe1995, fisher1997, fisher2000): one cohort with updates, not three series."""
    groups = outcomes.cohorts()
    keys = [tuple(r.key for r in g) for g in groups]
    assert ("fyfe1995", "fisher1997", "fisher2000") in keys
    assert sum(len(g) for g in groups) == len(outcomes.RESPONSE_RECORDS)
    cohort = groups[keys.index(("fyfe1995", "fisher1997", "fisher2000"))]
    assert {r.patients for r in cohort} == {255}
    assert outcomes.latest("fyfe1995").key == "fisher2000"
    assert outcomes.latest("atkins1999").key == "atkins1999"
    with pytest.raises(ValueError, match="key"):
        outcomes.latest("nobody2000")


def test_klapper_long_term_counts():
    """Klapper et al. 2008 (klapper2008): 259 patients, 23 CR and 30 PR, 20% objective response."""
    rec = outcomes.record("klapper2008")
    assert (rec.patients, rec.complete, rec.partial) == (259, 23, 30)
    assert round(100 * rec.orr_ci().estimate) == rec.published_orr_percent
