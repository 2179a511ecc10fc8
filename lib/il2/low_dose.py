r"""Published low-dose IL-2 trials and IL-2 deficiency findings, as records with their sources.

This module holds *measured data only* (no model): the daily low doses of recombinant IL-2
(aldesleukin or another preparation; not every paper read names it) given in chronic
graft-versus-host disease, HCV vasculitis, type 1 diabetes, lupus and other autoimmune
diseases, the responders counted in each trial, and the cell-count changes the trials report.
The chapter on regulatory T cells pins its models to these records; the records never change to
suit a model.

Every number carries the BibTeX key of the text it was read from (``source``). Where that text
is a secondary report (a review table or a conference abstract) rather than the trial paper,
the key says so, and the record's ``note`` explains it. A number that could not be read in any
available text is stored as ``None``; the note says what is missing.

A fold change is the ratio of a cell count during treatment to the count before it,

.. math::

    F = \frac{N(t)}{N(0)},

and a published fold change is often a bound ("rose more than fivefold"), which the record keeps
as a bound (``relation=">"``), not as a number it never was. Response proportions come with exact
(Clopper-Pearson) confidence intervals from :func:`il2.outcomes.exact_ci`.

Imports: :mod:`il2.validation` and :mod:`il2.outcomes` only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from il2.outcomes import BinomialCI, exact_ci
from il2.validation import check_choice, check_integer, check_scalar

__all__ = [
    "CELLS",
    "RELATIONS",
    "DOSE_UNITS",
    "ORGANISMS",
    "FoldChange",
    "Count",
    "ReportedPercent",
    "LowDoseTrial",
    "DoseResponsePoint",
    "Deficiency",
    "LOW_DOSE_TRIALS",
    "DEFICIENCIES",
    "trial",
    "deficiency",
    "koreth2016_anchors",
    "hartemann_dose_response",
    "RESPONSE_COUNTS",
    "response_intervals",
    "adverse_event_intervals",
]

#: Cell populations (and ratios) whose change a record may report.
CELLS: tuple[str, ...] = ("Treg", "NK", "CD4 Tcon", "CD8 T", "Treg:Tcon")
#: How a published fold change relates to the stored number: ``"="`` (a value, possibly
#: "about"), ``">"`` (a lower bound, "more than"), ``"unchanged"`` (reported as not
#: significantly changed; no number stored).
RELATIONS: tuple[str, ...] = ("=", ">", "unchanged")
#: Where a deficiency finding was made.
ORGANISMS: tuple[str, ...] = ("mouse", "human", "cells in vitro")
#: Units of the dose per administration.
DOSE_UNITS: tuple[str, ...] = ("MIU/m^2", "MIU")


@dataclass(frozen=True)
class FoldChange:
    """A published change of a cell count (or ratio) relative to its pretreatment value.

    Attributes
    ----------
    cell
        One of :data:`CELLS`.
    fold
        The number as published, :math:`F = N(t)/N(0)`; ``None`` if the relation is
        ``"unchanged"`` or the value could not be read.
    relation
        One of :data:`RELATIONS`: ``">"`` when the text says "more than ``fold``-fold".
    time
        When it was measured, as the source states it (``None`` if not stated in what was read).
    kind
        ``"median"`` or ``"mean"`` if stated, else ``None``.
    source
        BibTeX key of the text the number was read from.
    note
        Anything a reader should know (a secondary source, a missing time point).
    """

    cell: str
    fold: float | None
    relation: str
    source: str
    time: str | None = None
    kind: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        check_choice("cell", self.cell, CELLS)
        check_choice("relation", self.relation, RELATIONS)
        if self.kind is not None:
            check_choice("kind", self.kind, ("median", "mean"))
        if self.relation == "unchanged":
            if self.fold is not None:
                raise ValueError(
                    f"fold must be None when relation is 'unchanged'; got {self.fold!r}")
        elif self.fold is not None:
            check_scalar("fold", self.fold, 0.0, 1e4, low_open=True)

    def consistent_with(self, model_fold: float, *, unchanged_within: float) -> bool:
        r"""Whether a model's fold change agrees with this published one.

        ``">"``: :math:`F_\mathrm{model} > F`; ``"="``: within a factor ``unchanged_within``
        of :math:`F`; ``"unchanged"``: :math:`1/u \le F_\mathrm{model} \le u` with
        :math:`u` = ``unchanged_within``. The band ``unchanged_within`` is the caller's stated
        tolerance, not a published number, so it has no default.

        Raises
        ------
        ValueError
            If ``model_fold`` is not positive and finite, ``unchanged_within`` is not in
            (1, 100], or the published value is unknown (``fold is None`` with ``"="`` or ``">"``).
        """
        f = check_scalar("model_fold", model_fold, 0.0, 1e6, low_open=True)
        u = check_scalar("unchanged_within", unchanged_within, 1.0, 100.0, low_open=True)
        if self.relation == "unchanged":
            return 1.0 / u <= f <= u
        if self.fold is None:
            raise ValueError(f"the published fold change of {self.cell} ({self.source}) is unknown")
        if self.relation == ">":
            return f > self.fold
        return abs(math.log(f / self.fold)) <= math.log(u)


@dataclass(frozen=True)
class Count:
    """Patients with an outcome out of those assessed (a response, a dose reduction ...).

    Attributes
    ----------
    label
        What was counted, in words (which arm, which endpoint, when).
    events, patients
        :math:`k` out of :math:`n`.
    source
        BibTeX key of the text the counts were read from.
    published_percent
        The percentage as printed, if printed (a check on the counts).
    note
        For example: counts derived from a printed percentage and a printed denominator.
    """

    label: str
    events: int
    patients: int
    source: str
    published_percent: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        n = check_integer("patients", self.patients, 1)
        check_integer("events", self.events, 0, n)
        if self.published_percent is not None:
            check_scalar("published_percent", self.published_percent, 0.0, 100.0)

    def ci(self, level: float = 0.95) -> BinomialCI:
        """The proportion with its exact (Clopper-Pearson) confidence interval."""
        return exact_ci(self.events, self.patients, level)


@dataclass(frozen=True)
class ReportedPercent:
    """A percentage of patients with an outcome, published without the counts behind it.

    Attributes
    ----------
    label
        What was counted, in words (which arm, which endpoint, which analysis).
    percent
        The percentage as printed.
    source
        BibTeX key of the text it was read from.
    p_value
        The p value printed with it for the comparison of arms, if any.
    note
        For example: why the counts cannot be derived.
    """

    label: str
    percent: float
    source: str
    p_value: float | None = None
    note: str = ""

    def __post_init__(self) -> None:
        check_scalar("percent", self.percent, 0.0, 100.0)
        if self.p_value is not None:
            check_scalar("p_value", self.p_value, 0.0, 1.0)


@dataclass(frozen=True)
class LowDoseTrial:
    r"""One published trial of low-dose subcutaneous IL-2 (aldesleukin or another recombinant
    IL-2; ``drug`` says which, where the text read names it).

    Attributes
    ----------
    key
        Identifier, the BibTeX key of the trial paper.
    source
        BibTeX key of the trial paper.
    disease
        The disease treated.
    design
        Phase and design in words.
    patients
        Patients enrolled or treated (``None`` if not read).
    dose_miu
        Dose per injection, million IU (several values: dose levels or successive courses;
        empty: not read).
    dose_unit
        One of :data:`DOSE_UNITS`: per m\ :sup:`2` body surface area or a flat dose.
    interval_days
        Days between injections during dosing (1: daily; 2: every other day; ``None``: not
        read).
    route
        ``"sc"``: all trials here inject under the skin.
    drug
        The IL-2 preparation as the text read names it (``None``: not named there).
    schedule
        The schedule in words (courses, pauses, escalation).
    duration_weeks
        Length of the treatment period that the primary endpoint covers.
    maximum_tolerated_dose_miu
        The maximum tolerated dose if the trial defined one (same unit as ``dose_miu``).
    counts
        Counted outcomes, each with its source.
    percents
        Outcomes published as percentages only (:class:`ReportedPercent`), each with its source.
    fold_changes
        Reported cell-count changes, each with its source.
    findings
        Other reported findings in words (qualitative statements of the source).
    read_in
        BibTeX keys of every text the record's numbers were read from.
    note
        What could not be confirmed, disagreements between sources.
    """

    key: str
    source: str
    disease: str
    design: str
    patients: int | None
    dose_miu: tuple[float, ...]
    dose_unit: str
    interval_days: float | None
    schedule: str
    duration_weeks: float | None
    read_in: tuple[str, ...]
    route: str = "sc"
    maximum_tolerated_dose_miu: float | None = None
    counts: tuple[Count, ...] = ()
    percents: tuple[ReportedPercent, ...] = ()
    fold_changes: tuple[FoldChange, ...] = ()
    drug: str | None = None
    findings: str = ""
    note: str = ""

    def __post_init__(self) -> None:
        if self.patients is not None:
            check_integer("patients", self.patients, 1)
        for d in self.dose_miu:
            check_scalar("dose_miu", d, 0.0, 100.0, low_open=True)
        check_choice("dose_unit", self.dose_unit, DOSE_UNITS)
        if self.interval_days is not None:
            check_scalar("interval_days", self.interval_days, 0.0, 365.0, low_open=True)
        check_choice("route", self.route, ("sc",))
        if self.duration_weeks is not None:
            check_scalar("duration_weeks", self.duration_weeks, 0.0, 520.0, low_open=True)
        if self.maximum_tolerated_dose_miu is not None:
            check_choice("maximum_tolerated_dose_miu", self.maximum_tolerated_dose_miu,
                         self.dose_miu)
        sources = ({c.source for c in self.counts} | {f.source for f in self.fold_changes}
                   | {r.source for r in self.percents})
        missing = sources - set(self.read_in)
        if missing:
            raise ValueError(f"read_in must list every source of the record's numbers; "
                             f"{self.key} lacks {sorted(missing)}")

    def count(self, label: str) -> Count:
        """The count whose label is ``label``."""
        by = {c.label: c for c in self.counts}
        check_choice("label", label, list(by))
        return by[label]

    def percent(self, label: str) -> ReportedPercent:
        """The reported percentage whose label is ``label``."""
        by = {r.label: r for r in self.percents}
        check_choice("label", label, list(by))
        return by[label]

    def fold_change(self, cell: str) -> FoldChange:
        """The reported change of ``cell`` (one of :data:`CELLS` the record reports)."""
        by = {f.cell: f for f in self.fold_changes}
        check_choice("cell", cell, list(by))
        return by[cell]


@dataclass(frozen=True)
class DoseResponsePoint:
    """One arm of a dose-finding trial.

    Attributes
    ----------
    daily_dose_miu
        Daily dose, million IU (0 for placebo).
    patients
        Patients in the arm.
    treg_change
        The arm's Treg change as published (``None``: not read).
    adverse_event_patients
        Patients with at least one non-serious adverse event during treatment.
    source
        BibTeX key.
    """

    daily_dose_miu: float
    patients: int
    treg_change: float | None
    adverse_event_patients: int | None
    source: str


@dataclass(frozen=True)
class Deficiency:
    """What happens without IL-2, CD25 or CD122 (or with IL-2 neutralised).

    Attributes
    ----------
    key, source
        BibTeX key.
    organism
        One of :data:`ORGANISMS`.
    target
        What was knocked out, mutated or blocked.
    method
        Gene disruption, spontaneous mutation, antibody.
    finding
        What happened, in words (from the abstract).
    confirmed
        ``True`` if the finding was read in the source's abstract; ``False`` if only the
        citation (title, journal, pages) could be read, in which case ``finding`` paraphrases
        the title only.
    """

    key: str
    source: str
    organism: str
    target: str
    method: str
    finding: str
    confirmed: bool

    def __post_init__(self) -> None:
        check_choice("organism", self.organism, ORGANISMS)


# --- The trials ------------------------------------------------------------------------------

_KORETH2011 = LowDoseTrial(
    key="koreth2011", source="koreth2011",
    disease="steroid-refractory chronic graft-versus-host disease",
    design="phase 1 dose escalation",
    patients=None,
    dose_miu=(0.3, 1.0, 3.0), dose_unit="MIU/m^2", interval_days=1.0,
    schedule="daily for 8 weeks, then a 4-week pause; responders could continue",
    duration_weeks=8.0,
    maximum_tolerated_dose_miu=1.0,
    counts=(
        Count("major responses at multiple sites", 12, 23, "tahvildari2019",
              note="12 of 23 evaluable patients; the same count is quoted in news reports of "
                   "the trial"),
    ),
    fold_changes=(
        FoldChange("Treg", 8.0, ">", "tahvildari2019", time="peak at week 4", kind="median",
                   note="CD4+Foxp3+ Treg count, more than eight times baseline"),
        FoldChange("Treg:Tcon", 5.0, "=", "tahvildari2019",
                   note="about five times baseline; fell when treatment stopped"),
        FoldChange("CD4 Tcon", None, "unchanged", "tahvildari2019",
                   note="no effect on conventional CD4 T cells"),
    ),
    findings="3 MIU/m² caused severe constitutional symptoms; 1 MIU/m² was the "
             "maximum tolerated dose",
    read_in=("tahvildari2019",),
    note="the trial paper's abstract was not visible to the search tool; every number here is "
         "read from the summary table of Tahvildari et al. 2019 (a review). Patients enrolled, "
         "the count at each dose level and the exact fold changes are not recorded",
)

_KORETH2016 = LowDoseTrial(
    key="koreth2016", source="koreth2016",
    disease="steroid-refractory chronic graft-versus-host disease",
    design="phase 2, single arm",
    patients=35,
    dose_miu=(1.0,), dose_unit="MIU/m^2", interval_days=1.0,
    schedule="daily for 12 weeks, then a 4-week pause; responders could continue indefinitely",
    duration_weeks=12.0,
    counts=(
        Count("clinical response (partial) at week 12", 20, 33, "koreth2016",
              published_percent=61.0, note="20 of 33 evaluable; 20 of all 35 is 57.1% (Table 1)"),
        Count("progressive disease", 3, 33, "koreth2016", published_percent=9.0),
        Count("withdrew", 2, 35, "koreth2016"),
        Count("dose reduction for side effects", 5, 35, "koreth2016"),
        Count("started extended IL-2 treatment", 23, 35, "koreth2016",
              published_percent=65.7),
    ),
    fold_changes=(
        FoldChange("Treg", 5.0, ">", "koreth2016", note="'rose more than fivefold' compared "
                   "with pretreatment (P < .001); time point not stated in the abstract"),
        FoldChange("NK", 4.0, ">", "koreth2016", note="'more than fourfold' compared with "
                   "pretreatment (P < .001); time point not stated in the abstract"),
        FoldChange("Treg:Tcon", 5.0, ">", "koreth2016", note="'more than fivefold' (P < .001)"),
        FoldChange("CD4 Tcon", None, "unchanged", "koreth2016",
                   note="no significant change from pretreatment"),
        FoldChange("CD8 T", None, "unchanged", "koreth2016",
                   note="no significant change from pretreatment"),
    ),
    findings="responders started IL-2 earlier (508 vs 917 days after transplantation); Treg:Tcon "
             "ratios of at least 0.07 at baseline and 0.2 at week 1 predicted response; during "
             "2 years of extended therapy Treg responses persisted while Tcon counts and the "
             "Treg:Tcon ratio gradually normalised",
    read_in=("koreth2016",),
    note="only the abstract and Table 1 were visible: the exact fold changes, whether they are "
         "medians or means and the week at which they were measured are not recorded (the "
         "bounds 5 and 4 are what the abstract states)",
)

_SAADOUN2011 = LowDoseTrial(
    key="saadoun2011", source="saadoun2011",
    disease="HCV-induced cryoglobulinaemic vasculitis",
    design="open-label phase 1-2a",
    patients=10,
    dose_miu=(1.5, 3.0), dose_unit="MIU", interval_days=1.0,
    schedule="one 5-day course of 1.5 MIU/day, then three 5-day courses of 3 MIU/day at weeks "
             "3, 6 and 9",
    duration_weeks=None,
    counts=(
        Count("vasculitis improved", 8, 10, "tahvildari2019"),
        Count("cryoglobulinaemia declined", 9, 10, "tahvildari2019"),
    ),
    findings="Tregs increased in all 10 patients without activation of effector T cells; no "
             "vasculitis flare and no rise in HCV viraemia; one grade 2 dental abscess",
    read_in=("saadoun2011", "tahvildari2019"),
    note="the trial abstract's dosing (1.5 then 3 MIU/day) is recorded; the review table of "
         "Tahvildari et al. 2019 gives 1 MIU/day for the first course, a disagreement. The "
         "abstract's results were cut off in what was visible, so the Treg fold change is not "
         "recorded (a news report speaks of a '420% increase', not checkable here)",
)

_HARTEMANN2013 = LowDoseTrial(
    key="hartemann2013", source="hartemann2013",
    disease="type 1 diabetes (established, adults 18-55 years)",
    design="phase 1/2 randomised, double-blind, placebo-controlled, 1:1:1:1",
    patients=24,
    dose_miu=(0.33, 1.0, 3.0), dose_unit="MIU", interval_days=1.0,
    schedule="daily for 5 days; follow-up to day 60",
    duration_weeks=5.0 / 7.0,
    counts=(
        Count("non-serious adverse events, placebo", 1, 6, "hartemann2013"),
        Count("non-serious adverse events, 0.33 MIU/day", 3, 6, "hartemann2013"),
        Count("non-serious adverse events, 1 MIU/day", 5, 6, "hartemann2013"),
        Count("non-serious adverse events, 3 MIU/day", 6, 6, "hartemann2013"),
    ),
    findings="no serious adverse events; a dose-dependent increase in Treg numbers and "
             "proportions without significant increase or activation of effector T or NK cells "
             "(conference abstract)",
    read_in=("hartemann2013", "klatzmann2013ids"),
    note="primary outcome: change in Tregs as a percentage of CD4+ T cells from day 1 to day 60. "
         "The per-dose Treg values were not visible (the abstract's results were cut off); the "
         "dose-dependent rise is stated by the investigators' conference abstract",
)

_ROSENZWAJG2019 = LowDoseTrial(
    key="rosenzwajg2019", source="rosenzwajg2019",
    disease="11 autoimmune diseases (rheumatoid arthritis, ankylosing spondylitis, systemic lupus "
            "erythematosus, psoriasis, Behcet's disease, granulomatosis with polyangiitis, "
            "Takayasu's disease, Crohn's disease, ulcerative colitis, autoimmune hepatitis, "
            "sclerosing cholangitis)",
    design="open-label phase 1-2a basket trial (TRANSREG)",
    patients=46,
    dose_miu=(1.0,), dose_unit="MIU", interval_days=1.0,
    schedule="daily for 5 days, then one injection every 2 weeks for 6 months",
    duration_weeks=None,
    findings="primary endpoint: change in Tregs at day 8 from baseline",
    read_in=("rosenzwajg2019",),
    note="the results were cut off in the visible abstract: no Treg fold change or clinical "
         "count is recorded",
)

_HE2016 = LowDoseTrial(
    key="he2016", source="he2016",
    disease="systemic lupus erythematosus",
    design="open-label (short report)",
    patients=40,
    dose_miu=(), dose_unit="MIU", interval_days=None,
    schedule="not read",
    duration_weeks=None,
    drug="recombinant human IL-2 (the abstract does not name the product)",
    findings="low-dose IL-2 changed the abundance of Treg, follicular helper T and IL-17-producing "
             "helper T cells but not TH1 or TH2 cells, with reduced disease activity",
    read_in=("he2016",),
    note="the abstract gives neither the number of patients nor the dose or schedule; the 40 "
         "patients are those of the paper's supplementary Table S1 (baseline characteristics of "
         "the patients given low-dose rhIL-2). Dose and schedule are left unrecorded",
)

_HE2020 = LowDoseTrial(
    key="he2020", source="he2020",
    disease="systemic lupus erythematosus (active)",
    design="randomised, double-blind, placebo-controlled (30 IL-2, 30 placebo)",
    patients=60,
    dose_miu=(1.0,), dose_unit="MIU", interval_days=2.0,
    schedule="every other day for 2 weeks, then a 2-week break (one cycle), with standard "
             "treatment, for 12 weeks; follow-up to week 24",
    duration_weeks=12.0,
    counts=(
        Count("SRI-4 response at week 12, IL-2", 16, 29, "he2020", published_percent=55.17,
              note="counts derived: 55.17% with 29 assessed IL-2 patients (Table 2) is 16/29"),
        Count("SRI-4 response at week 12, placebo", 9, 30, "he2020", published_percent=30.00,
              note="counts derived: 30.00% of 30 is 9"),
        Count("SRI-4 response at week 24, IL-2", 19, 29, "he2020", published_percent=65.52,
              note="counts derived: 65.52% of 29 is 19"),
        Count("SRI-4 response at week 24, placebo", 11, 30, "he2020", published_percent=36.67,
              note="counts derived: 36.67% of 30 is 11"),
        Count("complete remission of lupus nephritis, IL-2", 7, 13, "he2020",
              published_percent=53.85),
        Count("complete remission of lupus nephritis, placebo", 2, 12, "he2020",
              published_percent=16.67),
    ),
    drug="recombinant human IL-2 (the abstract does not name the product)",
    findings="primary endpoint (SRI-4 at week 12) not met (p = 0.052); week 24 p = 0.027; "
             "expansion of Tregs and enhanced NK cells; no serious infection with IL-2, two "
             "with placebo",
    read_in=("he2020",),
)

_HUMRICH2022 = LowDoseTrial(
    key="humrich2022", source="humrich2022",
    disease="systemic lupus erythematosus (moderate to severe activity, with standard treatment)",
    design="phase 2, multicentre, randomised 1:1, double-blind, placebo-controlled (LUPIL-2)",
    patients=100,
    dose_miu=(1.5,), dose_unit="MIU", interval_days=None,
    schedule="daily for 5 days, then once a week, for 12 weeks",
    duration_weeks=12.0,
    drug="ILT-101",
    percents=(
        ReportedPercent("SRI-4 response at week 12, ILT-101 (intention to treat)", 68.0,
                        "humrich2022", p_value=0.3439,
                        note="primary end point, not met; the numbers per arm behind the "
                             "percentages were not read"),
        ReportedPercent("SRI-4 response at week 12, placebo (intention to treat)", 58.0,
                        "humrich2022", p_value=0.3439),
        ReportedPercent("SRI-4 response at week 12, ILT-101 (post hoc per protocol)", 83.3,
                        "humrich2022", p_value=0.0168,
                        note="post hoc analysis of a prespecified population without the two "
                             "Bulgarian sites (n = 53)"),
        ReportedPercent("SRI-4 response at week 12, placebo (post hoc per protocol)", 51.7,
                        "humrich2022", p_value=0.0168),
    ),
    findings="the trial attributes the failed primary end point to a 100% SRI-4 response in the "
             "placebo group at two Bulgarian sites; ILT-101 was well tolerated and raised no "
             "antidrug antibodies",
    read_in=("humrich2022",),
    note="only the abstract was read. The schedule mixes daily and weekly injections, so "
         "interval_days is left None",
)

_WHANGBO2019 = LowDoseTrial(
    key="whangbo2019", source="whangbo2019",
    disease="steroid-refractory chronic graft-versus-host disease (10 adults, 11 children)",
    design="phase 1, dose escalation",
    patients=21,
    dose_miu=(0.33, 0.67, 1.0, 2.0), dose_unit="MIU/m^2", interval_days=1.0,
    schedule="daily; start 0.33 (children) or 0.67 (adults) MIU/m² a day, escalations at "
             "weeks 2 and 4 to at most 1 (children) or 2 (adults) MIU/m² a day; the "
             "tolerated dose continued to week 8",
    duration_weeks=8.0,
    counts=(
        Count("partial response at week 8, children", 9, 11, "whangbo2019",
              published_percent=82.0),
        Count("partial response at week 8, adults", 2, 7, "whangbo2019", published_percent=29.0,
              note="7 evaluable adults"),
        Count("dose reduction, adults", 5, 10, "whangbo2019"),
    ),
    fold_changes=(
        FoldChange("CD4 Tcon", None, "unchanged", "whangbo2019"),
        FoldChange("CD8 T", None, "unchanged", "whangbo2019"),
    ),
    findings="daily low-dose IL-2 gives a rapid rise of plasma IL-2 and Treg proliferation, but "
             "both fall over time despite continued daily dosing (the waning this trial tried "
             "to overcome by escalation); escalation above 1 MIU/m² a day was poorly "
             "tolerated in adults and did not improve Treg expansion; Tregs and NK cells "
             "expanded in both cohorts; median Treg/Tcon ratio at week 8: 0.4 in children, "
             "0.18 in adults",
    read_in=("whangbo2019",),
    note="the waning is stated qualitatively in the abstract; its time course (plasma IL-2 and "
         "Ki67 by week) was not visible",
)

#: The low-dose trials, in the order of the chapter.
LOW_DOSE_TRIALS: tuple[LowDoseTrial, ...] = (
    _KORETH2011, _KORETH2016, _WHANGBO2019, _SAADOUN2011, _HARTEMANN2013, _ROSENZWAJG2019,
    _HE2016, _HE2020, _HUMRICH2022,
)

_TRIALS = {t.key: t for t in LOW_DOSE_TRIALS}


def trial(key: str) -> LowDoseTrial:
    """The trial record ``key`` (``"koreth2016"``, ``"he2020"`` ...)."""
    check_choice("key", key, list(_TRIALS))
    return _TRIALS[key]


def koreth2016_anchors() -> dict[str, FoldChange]:
    """The Koreth et al. 2016 changes the low-dose models are pinned to, by cell:
    ``"Treg"`` (> 5-fold), ``"NK"`` (> 4-fold), ``"CD4 Tcon"`` and ``"CD8 T"`` (unchanged) and
    ``"Treg:Tcon"`` (> 5-fold). Use :meth:`FoldChange.consistent_with` to compare a model."""
    rec = _KORETH2016
    return {c: rec.fold_change(c) for c in ("Treg", "NK", "CD4 Tcon", "CD8 T", "Treg:Tcon")}


def hartemann_dose_response() -> tuple[DoseResponsePoint, ...]:
    """The four arms of Hartemann et al. 2013 (placebo, 0.33, 1 and 3 MIU/day for 5 days).

    The Treg change per arm could not be read (``treg_change is None``); the number of patients
    with non-serious adverse events per arm is the dose-dependent side-effect measure the
    abstract reports.
    """
    rec = _HARTEMANN2013
    doses = (0.0,) + rec.dose_miu
    labels = ("placebo", "0.33 MIU/day", "1 MIU/day", "3 MIU/day")
    out = []
    for d, lab in zip(doses, labels):
        c = rec.count(f"non-serious adverse events, {lab}")
        out.append(DoseResponsePoint(daily_dose_miu=d, patients=c.patients, treg_change=None,
                                     adverse_event_patients=c.events, source=rec.source))
    return tuple(out)


# --- Deficiency and neutralisation -----------------------------------------------------------

#: What removing IL-2 signalling does, in the order the chapter tells it.
DEFICIENCIES: tuple[Deficiency, ...] = (
    Deficiency(
        key="sadlack1993", source="sadlack1993", organism="mouse", target="IL-2",
        method="targeted gene disruption",
        finding="normal for the first 3-4 weeks; about half die between 4 and 9 weeks of age and "
                "all survivors develop an ulcerative-colitis-like bowel disease, with many "
                "activated T and B cells and anti-colon antibodies",
        confirmed=True),
    Deficiency(
        key="willerford1995", source="willerford1995", organism="mouse",
        target="IL-2 receptor alpha chain (CD25)", method="targeted gene disruption",
        finding="normal lymphocyte development when young; adults develop massively enlarged "
                "peripheral lymphoid organs from polyclonal T and B cell expansion with impaired "
                "activation-induced cell death, and older mice autoimmune haemolytic anaemia and "
                "inflammatory bowel disease",
        confirmed=True),
    Deficiency(
        key="suzuki1995", source="suzuki1995", organism="mouse",
        target="IL-2 receptor beta chain (CD122)", method="targeted gene disruption",
        finding="T cells spontaneously activated, B cells driven to plasma cells with high IgG1 "
                "and IgE and autoantibodies causing haemolytic anaemia, infiltrative "
                "granulocytopoiesis; the mice died after about 12 weeks",
        confirmed=True),
    Deficiency(
        key="sharfe1997", source="sharfe1997", organism="human",
        target="IL-2 receptor alpha chain (CD25)", method="truncating mutation (case report)",
        finding="fewer peripheral T cells with abnormal proliferation, normal B cells, "
                "lymphocytic infiltration with inflammation of lung, liver, gut and bone; "
                "thymocytes lacked CD1 and failed to lower bcl-2",
        confirmed=True),
    Deficiency(
        key="fontenot2005", source="fontenot2005", organism="mouse",
        target="IL-2 signalling in Foxp3+ regulatory T cells", method="not read",
        finding="IL-2 has a function in Foxp3-expressing regulatory T cells (the title only)",
        confirmed=False),
    Deficiency(
        key="setoguchi2005", source="setoguchi2005", organism="mouse", target="circulating IL-2",
        method="neutralising anti-IL-2 monoclonal antibody for a limited period",
        finding="Foxp3+ CD25+ CD4+ T cells fell while CD25- CD4+ T cells kept their numbers; "
                "the stomach was attacked in BALB/c mice, and NOD mice became diabetic early, "
                "with autoimmune disease of several other organs including the nerves; the "
                "Tregs' IL-2 comes from other T cells, chiefly activated CD4+ T cells with little "
                "CD25, self-reactive ones among them",
        confirmed=True),
    Deficiency(
        key="feinerman2010", source="feinerman2010", organism="cells in vitro",
        target="IL-2 shared between Treg and effector T cells", method="single-cell "
        "measurements in vitro with a computational model",
        finding="IL-2 receptor levels vary widely between T cells; Tregs and effector T cells "
                "compete (a tug-of-war) for IL-2, which suppresses survival signals to weakly "
                "but not strongly activated effector cells",
        confirmed=True),
)

#: The counted responses of the trials with a response outcome, as (trial key, count label): the
#: dose-finding and phase 2 trials in chronic GVHD, HCV vasculitis and the lupus trial's two arms.
RESPONSE_COUNTS: tuple[tuple[str, str], ...] = (
    ("koreth2011", "major responses at multiple sites"),
    ("koreth2016", "clinical response (partial) at week 12"),
    ("whangbo2019", "partial response at week 8, children"),
    ("whangbo2019", "partial response at week 8, adults"),
    ("saadoun2011", "vasculitis improved"),
    ("he2020", "SRI-4 response at week 12, IL-2"),
    ("he2020", "SRI-4 response at week 12, placebo"),
    ("he2020", "SRI-4 response at week 24, IL-2"),
    ("he2020", "SRI-4 response at week 24, placebo"),
)


def response_intervals(level: float = 0.95,
                       counts: tuple[tuple[str, str], ...] = RESPONSE_COUNTS
                       ) -> tuple[tuple[str, str, BinomialCI], ...]:
    r"""Each counted response with its exact (Clopper-Pearson) confidence interval.

    For :math:`k` responders of :math:`n`, the bounds are the :math:`\alpha/2` and
    :math:`1-\alpha/2` quantiles of :math:`\mathrm{Beta}(k, n-k+1)` and
    :math:`\mathrm{Beta}(k+1, n-k)` respectively (:func:`il2.outcomes.exact_ci`); the counts
    come from each trial's record and its source (``koreth2016`` ...).

    Parameters
    ----------
    level
        Confidence level, in (0, 1).
    counts
        (trial key, count label) pairs (default :data:`RESPONSE_COUNTS`).

    Returns
    -------
    tuple
        ``(trial key, count label, BinomialCI)`` in the order of ``counts``.

    Raises
    ------
    ValueError
        For an unknown trial or count label, or a level outside (0, 1).
    """
    return tuple((key, label, trial(key).count(label).ci(level)) for key, label in counts)


def adverse_event_intervals(level: float = 0.95) -> tuple[tuple[float, BinomialCI], ...]:
    """Patients with non-serious adverse events in each arm of :func:`hartemann_dose_response`,
    with exact confidence intervals (as :func:`response_intervals`).

    Returns
    -------
    tuple
        ``(daily dose in MIU, BinomialCI)`` per arm (0: placebo).
    """
    return tuple((a.daily_dose_miu, exact_ci(a.adverse_event_patients, a.patients, level))
                 for a in hartemann_dose_response())


_DEFICIENCIES = {d.key: d for d in DEFICIENCIES}


def deficiency(key: str) -> Deficiency:
    """The deficiency record ``key`` (``"sadlack1993"`` ...)."""
    check_choice("key", key, list(_DEFICIENCIES))
    return _DEFICIENCIES[key]
