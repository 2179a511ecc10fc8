r"""Published response data for high-dose aldesleukin, with exact binomial confidence intervals.

The records below are *published counts*, not model parameters: each is a frozen
:class:`ResponseRecord` carrying its BibTeX source key, so the book's outcome table is rendered
from here and never typed into a notebook.

Confidence intervals are exact (Clopper-Pearson) intervals for a binomial proportion,

.. math::

    p_\mathrm{low} = B^{-1}\!\left(\tfrac{1-\gamma}{2};\, k,\, n-k+1\right), \qquad
    p_\mathrm{high} = B^{-1}\!\left(\tfrac{1+\gamma}{2};\, k+1,\, n-k\right),

with :math:`B^{-1}` the beta quantile, :math:`k` responders out of :math:`n` patients and
confidence level :math:`\gamma`, computed by ``scipy.stats.binomtest(k, n).proportion_ci``.

Imports: :mod:`il2.validation` only (and :mod:`scipy.stats`).
"""

from __future__ import annotations

from dataclasses import dataclass

from scipy.stats import binomtest

from il2.validation import check_choice, check_integer, check_scalar

__all__ = [
    "BinomialCI",
    "ResponseRecord",
    "cohorts",
    "latest",
    "RESPONSE_RECORDS",
    "exact_ci",
    "record",
    "published_ci_matches",
]


@dataclass(frozen=True)
class BinomialCI:
    """An estimated proportion with its exact confidence interval.

    Attributes
    ----------
    successes, trials
        Counts :math:`k` and :math:`n`.
    estimate
        :math:`k/n`.
    low, high
        Clopper-Pearson bounds.
    level
        Confidence level (for example 0.95).
    """

    successes: int
    trials: int
    estimate: float
    low: float
    high: float
    level: float

    def percent(self, digits: int = 0) -> str:
        """``"16% (95% CI 12-21%)"`` style text."""
        f = f"{{:.{digits}f}}"
        return (f"{f.format(100 * self.estimate)}% ({100 * self.level:g}% CI "
                f"{f.format(100 * self.low)}–{f.format(100 * self.high)}%)")


def exact_ci(successes: int, trials: int, level: float = 0.95) -> BinomialCI:
    """Exact (Clopper-Pearson) confidence interval for ``successes`` out of ``trials``.

    Parameters
    ----------
    successes
        Number of responders, ``0 <= successes <= trials``.
    trials
        Number of patients (>= 1).
    level
        Confidence level in (0, 1).

    Raises
    ------
    ValueError
        If the counts are not integers in range or the level is not in (0, 1).
    """
    n = check_integer("trials", trials, 1)
    k = check_integer("successes", successes, 0, n)
    lv = check_scalar("level", level, 0.0, 1.0, low_open=True, high_open=True)
    ci = binomtest(k, n).proportion_ci(confidence_level=lv, method="exact")
    return BinomialCI(successes=k, trials=n, estimate=k / n, low=float(ci.low),
                      high=float(ci.high), level=lv)


@dataclass(frozen=True)
class ResponseRecord:
    """One published series of patients treated with high-dose IL-2.

    Attributes
    ----------
    key
        Short identifier (the BibTeX key of the source).
    source
        BibTeX key in ``book/references.bib``.
    disease
        ``"metastatic melanoma"``, ``"metastatic renal cell carcinoma"`` or ``"both"``.
    series
        What was pooled (trials, years, dose).
    patients
        Assessable patients, :math:`n`.
    complete, partial
        Complete and partial responses.
    published_orr_percent
        Objective response rate as printed (None if not printed).
    published_ci_percent
        Confidence interval for the response rate as printed, ``(low, high)`` in percent.
    published_ci_level
        Its stated confidence level.
    median_response_months, median_cr_months, median_pr_months
        Published median durations (None: not reached or not reported; see ``durability``).
    durability
        The durability findings in words.
    treatment_deaths
        Treatment-related deaths, if reported.
    note
        Anything a reader should know about the numbers.
    update_of
        Key of the earlier report of the *same patients* that this record updates with longer
        follow-up (``None`` for a first report). Fyfe 1995, Fisher 1997 and Fisher 2000 are one
        cohort of 255 patients, not three series.
    complete_progression_free
        Complete responders still free of progression at the report's last analysis, if the
        report counts them (``None`` otherwise); at most ``complete``.
    """

    key: str
    source: str
    disease: str
    series: str
    patients: int
    complete: int
    partial: int
    published_orr_percent: float | None = None
    published_ci_percent: tuple[float, float] | None = None
    published_ci_level: float | None = None
    median_response_months: float | None = None
    median_cr_months: float | None = None
    median_pr_months: float | None = None
    durability: str = ""
    treatment_deaths: int | None = None
    note: str = ""
    update_of: str | None = None
    complete_progression_free: int | None = None

    def __post_init__(self) -> None:
        n = check_integer("patients", self.patients, 1)
        check_integer("complete", self.complete, 0, n)
        check_integer("partial", self.partial, 0, n - self.complete)
        if self.complete_progression_free is not None:
            check_integer("complete_progression_free", self.complete_progression_free, 0,
                          self.complete)

    @property
    def responders(self) -> int:
        """Complete plus partial responses."""
        return self.complete + self.partial

    def orr_ci(self, level: float | None = None) -> BinomialCI:
        """Objective response rate with an exact CI (default: the published level, else 95%)."""
        lv = level if level is not None else (self.published_ci_level or 0.95)
        return exact_ci(self.responders, self.patients, lv)

    def cr_ci(self, level: float = 0.95) -> BinomialCI:
        """Complete-response rate with an exact CI."""
        return exact_ci(self.complete, self.patients, level)

    def durable_cr_ci(self, level: float = 0.95) -> BinomialCI:
        """Share of *all* patients who responded completely and were still free of progression
        at the last analysis, with an exact CI.

        Raises
        ------
        ValueError
            If the report gives no such count (``complete_progression_free`` is None).
        """
        if self.complete_progression_free is None:
            raise ValueError(f"rec must count progression-free complete responders; {self.key} "
                             "does not (complete_progression_free is None)")
        return exact_ci(self.complete_progression_free, self.patients, level)


#: The published series the book tabulates, in the order the chapter discusses them.
RESPONSE_RECORDS: tuple[ResponseRecord, ...] = (
    ResponseRecord(
        key="atkins1999", source="atkins1999", disease="metastatic melanoma",
        series="8 trials, 1985-1993, 600,000 or 720,000 IU/kg every 8 h",
        patients=270, complete=17, partial=26,
        published_orr_percent=16.0, published_ci_percent=(12.0, 21.0), published_ci_level=0.95,
        median_pr_months=5.9,
        durability="median CR duration not reached; 10 of 17 complete responders progression-free "
                   "at report; no progression in any responder beyond 30 months",
        treatment_deaths=6,
        complete_progression_free=10,  # abstract: 10 (59%) of the CRs, fall 1996
    ),
    ResponseRecord(
        key="fyfe1995", source="fyfe1995", disease="metastatic renal cell carcinoma",
        series="7 phase II trials, 600,000 or 720,000 IU/kg every 8 h",
        patients=255, complete=12, partial=24,
        published_orr_percent=14.0, published_ci_percent=(10.0, 19.0), published_ci_level=0.90,
        median_pr_months=19.0,
        durability="median CR duration not reached; median PR duration 19.0 months",
        treatment_deaths=11,
        note="the printed 90% interval (10-19%) equals the exact 95% interval; the exact 90% "
             "interval is 11-18%",
    ),
    ResponseRecord(
        key="fisher1997", source="fisher1997", disease="metastatic renal cell carcinoma",
        series="update of the Fyfe 1995 patients to June 1996", update_of="fyfe1995",
        patients=255, complete=17, partial=20, published_orr_percent=15.0,
        median_response_months=54.0, median_pr_months=20.0,
        durability="median response duration 54 months (3 to 107+); median CR duration not "
                   "reached (7 to 107+); median survival 16.3 months",
    ),
    ResponseRecord(
        key="fisher2000", source="fisher2000", disease="metastatic renal cell carcinoma",
        series="update of the Fyfe 1995 patients to December 1998", update_of="fisher1997",
        patients=255, complete=17, partial=20, published_orr_percent=15.0,
        median_pr_months=20.0,
        durability="median CR duration not reached, at least 80 months (7 to 131+)",
    ),
    ResponseRecord(
        key="rosenberg1998", source="rosenberg1998", disease="both",
        series="NCI Surgery Branch, 720,000 IU/kg, melanoma and renal cell carcinoma",
        patients=409, complete=33, partial=37,
        durability="27 of 33 complete responses ongoing at 39 to more than 148 months",
        note="complete-response rate 6.6% in melanoma and 9.3% in renal cell carcinoma; a single "
             "centre whose patients overlap the pooled trials above (the NCI contributed trials to "
             "them), so it is not an independent series",
    ),
    ResponseRecord(
        key="klapper2008", source="klapper2008", disease="metastatic renal cell carcinoma",
        series="NCI Surgery Branch, 1986-2006, high-dose IL-2 alone",
        patients=259, complete=23, partial=30, published_orr_percent=20.0,
        durability="every partial responder had relapsed at last follow-up, but only 4 of 23 "
                   "complete responders",
        treatment_deaths=2,
        complete_progression_free=19,  # abstract: 4 of the 23 CRs had recurred
        note="the kidney-cancer patients of the same centre as rosenberg1998, followed for longer "
             "and with later patients added; not independent of that series",
    ),
)

_BY_KEY = {r.key: r for r in RESPONSE_RECORDS}


def record(key: str) -> ResponseRecord:
    """The record with source ``key`` (``"atkins1999"``, ``"fyfe1995"``, ...)."""
    check_choice("key", key, list(_BY_KEY))
    return _BY_KEY[key]


def cohorts() -> tuple[tuple[ResponseRecord, ...], ...]:
    """The records grouped by cohort: each group is a first report followed by its updates
    (the same patients with longer follow-up), in the order of :data:`RESPONSE_RECORDS`."""
    groups: list[list[ResponseRecord]] = []
    where: dict[str, int] = {}
    for rec in RESPONSE_RECORDS:
        if rec.update_of is None:
            where[rec.key] = len(groups)
            groups.append([rec])
        else:
            i = where[rec.update_of]
            where[rec.key] = i
            groups[i].append(rec)
    return tuple(tuple(g) for g in groups)


def latest(key: str) -> ResponseRecord:
    """The most recent update of the cohort that ``key`` belongs to."""
    check_choice("key", key, list(_BY_KEY))
    for group in cohorts():
        if any(r.key == key for r in group):
            return group[-1]
    raise AssertionError("unreachable")  # pragma: no cover


def published_ci_matches(rec: ResponseRecord, level: float | None = None) -> bool:
    """Whether the exact CI at ``level`` (default: the published level), rounded to whole
    percent, equals the published interval."""
    if rec.published_ci_percent is None:
        raise ValueError(f"rec must have a published interval; {rec.key} has none")
    ci = rec.orr_ci(level)
    return (round(100 * ci.low), round(100 * ci.high)) == tuple(
        round(x) for x in rec.published_ci_percent
    )
