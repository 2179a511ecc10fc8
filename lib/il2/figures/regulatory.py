"""Figures and explorers of the chapter "IL-2 and regulatory T cells" (chapters/05_regulatory_t_cells.ipynb).

Each ``draw_*`` function takes model results and only draws: the chapter's figure cells call the
model (:mod:`il2.regulatory` for the selectivity of IL-2 and of anti-CD25 blockade and the EC50s
against the measured ones, :mod:`il2.pk` for subcutaneous pharmacokinetics, :mod:`il2.low_dose`
for the trial records with exact confidence intervals, :mod:`il2.low_dose_pd` for the low-dose
pharmacodynamics) and pass the results here. :func:`chapter_numbers` computes the numbers the
prose quotes and :data:`EXPLORERS` lists the interactive figures.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from matplotlib.figure import Figure

from il2 import low_dose, low_dose_pd, pk, regulatory, signaling
from il2.explore import Choice, Explorer, Slider, explore
from il2.outcomes import BinomialCI
from il2.regulatory import CELLS, BlockadeResult, blockade_response
from il2.plotting import CELL_COLORS, QUANTITY_COLORS, legend_below, new_figure, plain_log_ticks, styled
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.validation import check_array, check_choice, check_scalar

__all__ = [
    "CELLS",
    "COLORS",
    "EXPLORERS",
    "RegulatoryNumbers",
    "chapter_numbers",
    "deficiency_table_markdown",
    "trials_table_markdown",
    "UNCHANGED_WITHIN",
    "comparison_table_markdown",
    "BlockadeResult",
    "blockade_response",
    "draw_selectivity",
    "draw_ec50",
    "draw_blockade",
    "draw_sc_pk",
    "draw_trials",
    "PDCourse",
    "DoseResponse",
    "NK_POPULATION",
    "pd_course",
    "draw_pd",
    "dose_response",
    "draw_dose_response",
    "course_explorer",
    "blockade_explorer",
]

#: The house colours, with a colour for CD56bright NK cells (a darker green than the NK cells as a
#: whole, :data:`il2.plotting.CELL_COLORS`).
COLORS: dict[str, str] = {**CELL_COLORS, "CD56bright NK": "#117733", "all NK": "#009E73"}
_LABEL = {"Treg": "Treg", "CD56bright NK": "CD56bright NK", "CD4": "CD4 T (conv.)",
          "NK": "NK (CD56dim)", "CD8": "CD8 T", "activated T": "activated T blasts",
          "all NK": "NK (all, as in blood)"}
#: How the NK curves are drawn: blood NK cells are mostly CD56dim, so the two curves nearly
#: coincide in the same colour; "all NK" is a wide pale band drawn first, the CD56dim dots on top.
_PD_LOOK: dict[str, dict[str, Any]] = {
    "all NK": {"ls": "-", "lw": 5.0, "alpha": 0.35, "solid_capstyle": "butt"},
    "NK": {"ls": ":", "lw": 2.0},
    "CD56bright NK": {"ls": "--"},
}
#: Concentration grid (pM) of the dose-response curves (:data:`il2.regulatory.CONC_PM`).
_CONC = regulatory.CONC_PM
#: The measured pSTAT5 EC50s compared with the model were read after this stimulation (h).
MEASURED_TIME_H = 0.5
#: The concentration at which uptake per cell is compared (pM): the physiological signalling level.
_UPTAKE_PM = signaling.ReferenceLevels().physiological_il2_pM
#: Fractions of CD25 blocked by an anti-CD25 antibody drawn in the blockade figure.
BLOCKED_FRACTIONS: tuple[float, ...] = (0.0, 0.9, 1.0)
#: A concentration that a high-dose infusion exceeds for hours (pM), where selectivity is gone.
HIGH_PM = 1e4
#: Body weight of the adult for whom the chapter converts doses per kg (kg).
WEIGHT_KG = 70.0
#: Confidence level of every interval in the chapter.
CI_LEVEL = 0.95
_HOURS_PER_DAY = 24.0


# ---------------------------------------------------------------------------------------
# Pharmacodynamics of a daily low-dose course
# ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PDCourse:
    """A low-dose course through the growth model, as fold changes of each population.

    Attributes
    ----------
    daily_dose_miu_per_m2
        Dose per injection, million IU per m² of body surface.
    interval_days
        Days between injections.
    weeks
        Length of the dosing period.
    t_days
        Times from the first dose (days).
    folds
        ``folds[population]``: cells relative to the start of treatment (``"all NK"``: both NK
        subsets weighted as in blood).
    ratio_fold
        Change of the Treg : conventional CD4 T cell ratio on ``t_days``.
    resting_il2_pM
        Free IL-2 of the niche before the first dose, pM.
    """

    daily_dose_miu_per_m2: float
    interval_days: float
    weeks: float
    t_days: np.ndarray
    folds: dict[str, np.ndarray]
    ratio_fold: np.ndarray
    resting_il2_pM: float

    @property
    def populations(self) -> tuple[str, ...]:
        return tuple(self.folds)

    def fold(self, population: str) -> np.ndarray:
        check_choice("population", population, list(self.folds))
        return self.folds[population]

    def end_fold(self, population: str) -> float:
        """Fold change at the end of the dosing period."""
        i = int(np.argmin(np.abs(self.t_days - self.weeks * 7.0)))
        return float(self.fold(population)[i])

    def peak_fold(self, population: str) -> float:
        return float(np.max(self.fold(population)))


#: The population whose fold is compared with the trial's NK count: both NK subsets, weighted as in
#: blood (:func:`il2.low_dose_pd.low_dose_course`).
NK_POPULATION = "all NK"


@functools.lru_cache(maxsize=64)
def pd_course(daily_dose_miu_per_m2: float = 1.0, interval_days: float = 1.0,
              weeks: float = 12.0) -> PDCourse:
    """A low-dose subcutaneous course through the growth model.

    :func:`il2.low_dose_pd.low_dose_course` (the growth model's Treg homeostasis on resting IL-2
    and both NK subsets), on the schedule whose interval is ``interval_days``.

    Raises
    ------
    ValueError
        For a dose outside (0, 20] MIU/m², an interval other than 1 or 2 days or weeks outside
        [1, 26].
    """
    d = check_scalar("daily_dose_miu_per_m2", daily_dose_miu_per_m2, 0.0, 20.0, low_open=True)
    k = check_scalar("interval_days", interval_days, 0.5, 14.0)
    w = check_scalar("weeks", weeks, 1.0, 26.0)
    schedules = {v / _HOURS_PER_DAY: name for name, v in low_dose_pd.SCHEDULES.items()}
    if k not in schedules:
        raise ValueError(f"interval_days must be one of {sorted(schedules)}; got {k!r}")
    c = low_dose_pd.low_dose_course(d, w, schedule=schedules[k], dose_unit="MIU/m^2")
    folds = {p: np.asarray(c.fold(p), dtype=float) for p in (*low_dose_pd.LD_POPULATIONS, NK_POPULATION)}
    return PDCourse(daily_dose_miu_per_m2=d, interval_days=k, weeks=w,
                    t_days=np.asarray(c.t_days, dtype=float), folds=folds,
                    ratio_fold=np.asarray(c.treg_conv_ratio_fold, dtype=float),
                    resting_il2_pM=float(c.resting_il2_pM))


@dataclass(frozen=True)
class DoseResponse:
    """Fold changes at the end of a course against the dose per injection.

    ``hours_above_nk_per_day`` (the side-effect measure): hours per steady dosing day that plasma
    IL-2 spends above the NK threshold of :func:`il2.therapy.threshold_pM`.
    """

    doses_miu_per_m2: np.ndarray
    end_fold: dict[str, np.ndarray]
    plasma_peak_pM: np.ndarray
    hours_above_nk_per_day: np.ndarray
    nk_threshold_pM: float


#: Doses per injection (million IU/m²) of the dose-response figure, of the prose that quotes it
#: and of the course explorer's slider: one grid for all three.
DOSE_GRID_MIU: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0, 10.0)


def dose_response(doses_miu_per_m2: Any = DOSE_GRID_MIU, weeks: float = 12.0
                  ) -> DoseResponse:
    """Fold changes at the end of a daily course for each dose per injection (MIU/m²), the
    plasma peak at steady state and the hours per day above the NK threshold.

    Raises
    ------
    ValueError
        If a dose is not in (0, 20] MIU/m².
    """
    doses = check_array("doses_miu_per_m2", doses_miu_per_m2, 0.0, 20.0)
    if doses.ndim != 1 or np.any(doses <= 0):
        raise ValueError(f"doses_miu_per_m2 must be a 1-D array of doses in (0, 20]; got {doses.tolist()}")
    dr = low_dose_pd.dose_response(doses, weeks=weeks, dose_unit="MIU/m^2")
    return DoseResponse(doses_miu_per_m2=doses,
                        end_fold={k: np.asarray(v, dtype=float) for k, v in dr.final_fold.items()},
                        plasma_peak_pM=np.asarray(dr.peak_plasma_pM, dtype=float),
                        hours_above_nk_per_day=np.asarray(dr.hours_above_nk_per_day, dtype=float),
                        nk_threshold_pM=float(dr.nk_threshold_pM))


# ---------------------------------------------------------------------------------------
# Numbers quoted in the chapter
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegulatoryNumbers:
    """Every number the chapter quotes, computed by the library (for ``glue``)."""

    ec50_eq_pM: dict[str, float]
    ec50_30min_pM: dict[str, float]
    measured_30min_pM: dict[str, float]
    measured_30min_range_pM: dict[str, tuple[float, float]]
    cd25_per_cell: dict[str, float]
    cd122_per_cell: dict[str, float]
    uptake_per_h: dict[str, float]
    uptake_pM: float
    blocked_ec50_pM: dict[float, dict[str, float]]
    ld_dose_miu: float
    ld_peak_pM: float
    ld_trough_pM: float
    sc_model_tmax_h: float
    sc_model_half_life_h: float
    sc_model_peaks_iu_per_ml: tuple[float, float]
    sc_bioavailability: float
    pd_end_fold: dict[str, float]
    pd_peak_fold: dict[str, float]
    pstat5_at_ld_peak: dict[str, float]
    high_pM: float
    pstat5_at_high: dict[str, float]
    hd_infusion_miu: float
    trial_dose_range_miu: tuple[float, float]


def _apparent_half_life_h(r: pk.PKResult) -> float:
    """Half-life of the log-linear decline from 8 to 20 h after a single injection."""
    keep = (r.t_h >= 8.0) & (r.t_h <= 20.0)
    slope = np.polyfit(r.t_h[keep], np.log(r.iu_per_ml[keep]), 1)[0]
    return float(math.log(2.0) / -slope)


def _trial_dose_range_miu() -> tuple[float, float]:
    """Smallest and largest dose per injection (million IU) of the trials in
    :data:`il2.low_dose.LOW_DOSE_TRIALS`, a dose per m² taken for the adult body surface area of
    :data:`il2.pk.REGIMEN_DEFAULTS`."""
    bsa = pk.REGIMEN_DEFAULTS.body_surface_area_m2
    doses = [d * bsa if t.dose_unit == "MIU/m^2" else d
             for t in low_dose.LOW_DOSE_TRIALS for d in t.dose_miu]
    return float(min(doses)), float(max(doses))


@functools.lru_cache(maxsize=2)
def chapter_numbers(model: ReceptorModel = DEFAULT_MODEL) -> RegulatoryNumbers:
    """Compute every number the chapter quotes."""
    model = check_model(model)
    ec50 = regulatory.ec50_comparison(MEASURED_TIME_H, model)
    cells = model.cells
    uptake = {c: float(model.internalization_rate(c, _UPTAKE_PM)) for c in CELLS}
    blocked = {b: blockade_response(b, model=model).ec50_pM for b in BLOCKED_FRACTIONS}
    ld = pk.simulate(pk.low_dose_sc_regimen(), WEIGHT_KG)
    ld_trough, ld_peak = _plasma_range(ld)
    singles = [pk.single_sc_injection(d) for d in pk.PISCITELLI_SC.daily_doses_miu]
    one = singles[0]
    course = pd_course()
    at = blockade_response(model=model, conc_pM=[ld_peak, HIGH_PM]).pstat5
    return RegulatoryNumbers(
        ec50_eq_pM=ec50.equilibrium_pM,
        ec50_30min_pM=ec50.timed_pM,
        measured_30min_pM=ec50.measured_pM,
        measured_30min_range_pM=ec50.measured_range_pM,
        cd25_per_cell={c: cells[c].cd25 for c in CELLS},
        cd122_per_cell={c: cells[c].cd122 for c in CELLS},
        uptake_per_h=uptake,
        uptake_pM=_UPTAKE_PM,
        blocked_ec50_pM=blocked,
        ld_dose_miu=float(ld.doses_iu[0]) / 1e6,
        ld_peak_pM=ld_peak,
        ld_trough_pM=ld_trough,
        sc_model_tmax_h=float(one.t_h[np.argmax(one.iu_per_ml)]),
        sc_model_half_life_h=_apparent_half_life_h(one),
        sc_model_peaks_iu_per_ml=(float(singles[0].iu_per_ml.max()), float(singles[-1].iu_per_ml.max())),
        sc_bioavailability=pk.PKParameters().sc_bioavailability,
        pd_end_fold={p: course.end_fold(p) for p in course.populations},
        pd_peak_fold={p: course.peak_fold(p) for p in course.populations},
        pstat5_at_ld_peak={c: float(at[c][0]) for c in CELLS},
        high_pM=HIGH_PM,
        pstat5_at_high={c: float(at[c][1]) for c in CELLS},
        hd_infusion_miu=pk.high_dose_regimen().dose_iu_per_kg * WEIGHT_KG / 1e6,
        trial_dose_range_miu=_trial_dose_range_miu(),
    )


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------


def deficiency_table_markdown() -> str:
    """The deficiency and neutralisation records (:data:`il2.low_dose.DEFICIENCIES`) as a MyST
    table with their sources; a finding read from the title only is marked †."""
    rows = ["| Study | Organism | What was removed | How | What happened |", "|---|---|---|---|---|"]
    for d in low_dose.DEFICIENCIES:
        mark = "" if d.confirmed else " †"
        rows.append(f"| {{cite:t}}`{d.source}` | {d.organism} | {d.target} | {d.method} "
                    f"| {d.finding}{mark} |")
    return "\n".join(rows)


def _ci_text(ci: BinomialCI) -> str:
    return f"{ci.successes}/{ci.trials}: {100 * ci.estimate:.0f}% ({100 * ci.low:.0f}–{100 * ci.high:.0f}%)"


def trials_table_markdown(level: float = CI_LEVEL) -> str:
    """The low-dose trials (:data:`il2.low_dose.LOW_DOSE_TRIALS`): disease, dose, schedule and each
    counted outcome with its exact confidence interval, computed here (an outcome published as a
    percentage only is quoted as printed, without an interval)."""
    rows = [f"| Trial | Disease | Dose | Schedule | Counted outcomes, exact {100 * level:g}% CI |",
            "|---|---|---|---|---|"]
    for t in low_dose.LOW_DOSE_TRIALS:
        dose = "not read †" if not t.dose_miu else (
            "–".join(f"{d:g}" for d in (t.dose_miu if len(t.dose_miu) < 3 else
                                         (t.dose_miu[0], t.dose_miu[-1])))
            + f" {t.dose_unit.replace('^2', '²')}")
        outcomes = "; ".join(
            [f"{c.label}: {_ci_text(c.ci(level))}" for c in t.counts]
            + [f"{r.label}: {r.percent:g}% (counts not read)" for r in t.percents]) or "—"
        schedule = t.schedule if t.schedule != "not read" else "not read †"
        rows.append(f"| {{cite:t}}`{t.source}` | {t.disease.split(' (')[0]} | {dose} | {schedule} "
                    f"| {outcomes} |")
    return "\n".join(rows)


#: A published "no significant change" is taken to agree with a model fold change within this
#: factor of 1 (a stated tolerance of the chapter, not a published number).
UNCHANGED_WITHIN = 1.25


def _verdict(ok: bool) -> str:
    return "agrees" if ok else "**disagrees**"


def comparison_table_markdown() -> str:
    """The model's numbers next to the published ones (the chapter's closing note): receptor
    EC50s, subcutaneous pharmacokinetics and the 12-week low-dose course against Koreth 2016."""
    n = chapter_numbers()
    s = pk.PISCITELLI_SC
    course = pd_course()
    anchors = low_dose.koreth2016_anchors()
    rows = ["| Quantity | Model | Published | Source | |", "|---|---|---|---|---|"]
    lo, hi = n.measured_30min_range_pM["Treg"]
    t30 = n.ec50_30min_pM["Treg"]
    rows.append(f"| Treg EC50 after 30 min | {t30:.0f} pM | {n.measured_30min_pM['Treg']:.0f} pM "
                f"(replicates {lo:.0f}–{hi:.0f}) | {{cite:t}}`farhat2021` "
                f"| {_verdict(lo / 1.5 < t30 < hi * 1.5)} (tolerance: 1.5× beyond the replicates) |")
    mr = n.ec50_30min_pM["NK"] / n.ec50_30min_pM["Treg"]
    pr = n.measured_30min_pM["NK"] / n.measured_30min_pM["Treg"]
    rows.append(f"| NK : Treg EC50 ratio, 30 min | {mr:.0f} | {pr:.0f} | {{cite:t}}`farhat2021` "
                f"| {_verdict(0.5 < mr / pr < 2.0)} (tolerance 2×) |")
    rows.append(f"| time of the SC peak | {n.sc_model_tmax_h:.1f} h | {s.tmax_h:g} ± {s.tmax_sd_h:g} h; "
                f"2–6 h | {{cite:t}}`piscitelli1996`, {{cite:t}}`proleukin_smpc` "
                f"| {_verdict(abs(n.sc_model_tmax_h - s.tmax_h) < s.tmax_sd_h)} |")
    rows.append(f"| apparent SC half-life (8–20 h) | {n.sc_model_half_life_h:.1f} h "
                f"| {s.half_life_h:g} ± {s.half_life_sd_h:g} h | {{cite:t}}`piscitelli1996` "
                f"| {_verdict(abs(n.sc_model_half_life_h - s.half_life_h) < s.half_life_sd_h)} |")
    p_lo, p_hi = n.sc_model_peaks_iu_per_ml
    rows.append(f"| SC peak after {s.daily_doses_miu[0]:g}–{s.daily_doses_miu[-1]:g} MIU "
                f"| {p_lo:.0f}–{p_hi:.0f} IU/mL | {s.peak_range_iu_per_ml[0]:g}–{s.peak_range_iu_per_ml[1]:g} IU/mL "
                f"| {{cite:t}}`piscitelli1996` "
                f"| {_verdict(s.peak_range_iu_per_ml[0] < p_lo and p_hi < s.peak_range_iu_per_ml[1])} |")
    pairs = [("Treg", "Treg"), ("NK", NK_POPULATION), ("CD4 Tcon", "CD4"), ("CD8 T", "CD8")]
    for key, pop in pairs:
        a = anchors[key]
        if pop not in course.folds:
            rows.append(f"| {key} after 12 weeks | not in the model | unchanged | {{cite:t}}`koreth2016` | — |")
            continue
        f = course.end_fold(pop)
        pub = "unchanged" if a.relation == "unchanged" else f"more than {a.fold:g}-fold"
        rows.append(f"| {key} after 12 weeks | {f:.2f}-fold | {pub} | {{cite:t}}`koreth2016` "
                    f"| {_verdict(a.consistent_with(f, unchanged_within=UNCHANGED_WITHIN))} |")
    a = anchors["Treg:Tcon"]
    i = int(np.argmin(np.abs(course.t_days - course.weeks * 7.0)))
    f = float(course.ratio_fold[i])
    rows.append(f"| Treg : Tcon ratio after 12 weeks | {f:.2f}-fold | more than {a.fold:g}-fold "
                f"| {{cite:t}}`koreth2016` "
                f"| {_verdict(a.consistent_with(f, unchanged_within=UNCHANGED_WITHIN))} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------
# Figures: each draw_* takes model results and only draws
# ---------------------------------------------------------------------------------------


def _log_conc_axis(ax: Any) -> None:
    ax.set_xscale("log")
    ax.set_xlim(_CONC[0], _CONC[-1])
    ax.set_xlabel("IL-2 (pM)")


def _plasma_range(ld: pk.PKResult) -> tuple[float, float]:
    """(trough, peak) pM of a daily low-dose course: the lowest level before the last dose and
    the highest over the last dose and the day after it."""
    last_day = ld.t_h >= ld.t_h[-1] - 2 * _HOURS_PER_DAY
    before_last = (ld.t_h >= ld.dose_times_h[-2]) & (ld.t_h < ld.dose_times_h[-1])
    return float(ld.il2_pM[before_last].min()), float(ld.il2_pM[last_day].max())


@styled
def draw_selectivity(curves: BlockadeResult, uptake: dict[str, np.ndarray],
                     plasma: pk.PKResult) -> Figure:
    """Left: equilibrium pSTAT5 of each cell type against IL-2 (:func:`il2.regulatory.blockade_response`),
    with the plasma range of a daily low-dose course (:func:`il2.pk.simulate`) shaded. Right: IL-2
    taken up per cell per hour at the same concentrations (:func:`il2.regulatory.uptake_per_h`)."""
    trough, peak = _plasma_range(plasma)
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=3.8)
    ax, bx = axes
    for a in axes:
        a.axvspan(trough, peak, color=QUANTITY_COLORS["plasma"], alpha=0.25, lw=0)
    ax.text(math.sqrt(trough * peak), 1.03, "low dose", ha="center", va="bottom",
            fontsize=8.5)
    for c in CELLS:
        ax.plot(curves.conc_pM, curves.pstat5[c], color=COLORS[c], label=_LABEL[c])
        ax.plot([curves.ec50_pM[c]], [0.5], "o", color=COLORS[c], ms=4.5)
        bx.plot(curves.conc_pM, uptake[c], color=COLORS[c], label=_LABEL[c])
    _log_conc_axis(ax)
    ax.set_ylim(0, 1.12)
    ax.set_ylabel("pSTAT5 (fraction of the cell's maximum)")
    ax.legend(loc="upper left", fontsize=8, bbox_to_anchor=(0.0, 0.95))
    _log_conc_axis(bx)
    bx.set_yscale("log")
    bx.set_ylim(1, 1e5)
    bx.set_ylabel("IL-2 taken up per cell (molecules/h)")
    return fig


@styled
def draw_ec50(ec50: regulatory.EC50Comparison) -> Figure:
    """Model EC50 after the stimulation time and at equilibrium for each cell type, against the
    EC50s measured after that time on human blood cells (joint fit and replicate range), from
    :func:`il2.regulatory.ec50_comparison`."""
    minutes = f"{60 * ec50.time_h:g} min"
    fig, ax = new_figure(width_in=7.0, height_in=3.8)
    y = np.arange(len(CELLS))[::-1]
    for yi, c in zip(y, CELLS):
        ax.plot(ec50.equilibrium_pM[c], yi + 0.15, "o", mfc="none", color=COLORS[c], ms=7,
                label="model, equilibrium" if c == CELLS[0] else None)
        ax.plot(ec50.timed_pM[c], yi + 0.15, "o", color=COLORS[c], ms=7,
                label=f"model, {minutes}" if c == CELLS[0] else None)
        if c in ec50.measured_pM:
            lo, hi = ec50.measured_range_pM[c]
            m = ec50.measured_pM[c]
            ax.errorbar(m, yi - 0.15, xerr=[[m - lo], [hi - m]], fmt="D", color="#333333",
                        ms=5.5, capsize=3, label=f"measured, {minutes}" if c == CELLS[0] else None)
        else:
            ax.text(ec50.timed_pM[c] * 1.6, yi - 0.15, "not measured here", va="center",
                    fontsize=8.5, color="#555555")
    ax.set_xscale("log")
    ax.set_xlim(1, 1e4)
    ax.set_yticks(y, [_LABEL[c] for c in CELLS])
    ax.set_ylim(-0.6, len(CELLS) - 0.4)
    ax.set_xlabel("pSTAT5 EC50 (pM)")
    legend_below(ax, 3, fontsize=8)
    return fig


#: Line styles of the blockade figure, in the order of the results drawn.
_BLOCK_STYLES = ("-", "--", ":", "-.")


@styled
def draw_blockade(results: Any) -> Figure:
    """Equilibrium pSTAT5 of regulatory T cells and CD56bright NK cells (left) and of CD56dim NK
    and CD8 T cells (right), one line style per :class:`il2.regulatory.BlockadeResult` (solid,
    dashed, dotted, dash-dotted: at most four)."""
    results = list(results)
    if not 1 <= len(results) <= len(_BLOCK_STYLES):
        raise ValueError(f"results must hold 1 to {len(_BLOCK_STYLES)} blockade results; "
                         f"got {len(results)}")
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=3.6)
    for ax, cells in zip(axes, (("Treg", "CD56bright NK"), ("NK", "CD8"))):
        for c in cells:
            for r, ls in zip(results, _BLOCK_STYLES):
                ax.plot(r.conc_pM, r.pstat5[c], color=COLORS[c], ls=ls, lw=1.6,
                        label=f"{_LABEL[c]}, {100 * r.cd25_blocked:.0f}% CD25 blocked")
        _log_conc_axis(ax)
        ax.set_ylim(0, 1.05)
        ax.legend(loc="upper left", fontsize=7.5)
    axes[0].set_ylabel("pSTAT5 (fraction of the\nunblocked cell's maximum)")
    axes[1].tick_params(labelleft=False)
    return fig


@styled
def draw_sc_pk(singles: Any, course: pk.PKResult, ec50: regulatory.EC50Comparison) -> Figure:
    """Left: plasma IL-2 after single subcutaneous injections (:func:`il2.pk.single_sc_injection`,
    at most three, grey to black) against the peak range, time of peak (Piscitelli et al.,
    :data:`il2.pk.PISCITELLI_SC`) and the SmPC's 2-6 h window. Right: the first week of a daily
    low-dose course (:func:`il2.pk.simulate`) in picomolar, against the equilibrium EC50s."""
    study = pk.PISCITELLI_SC
    shades = ("#777777", "#444444", "#111111")
    singles = list(singles)
    if not 1 <= len(singles) <= len(shades):
        raise ValueError(f"singles must hold 1 to {len(shades)} injections; got {len(singles)}")
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=4.8)
    ax, bx = axes
    ax.axvspan(2.0, 6.0, color=QUANTITY_COLORS["plasma"], alpha=0.2, lw=0,
               label="peak window of the SmPC")
    for r, col in zip(singles, shades):
        ax.plot(r.t_h, r.iu_per_ml, color=col, label=f"model, {r.doses_iu[0] / 1e6:g} MIU")
    lo, hi = study.peak_range_iu_per_ml
    ax.errorbar(study.tmax_h, math.sqrt(lo * hi), xerr=study.tmax_sd_h,
                yerr=[[math.sqrt(lo * hi) - lo], [hi - math.sqrt(lo * hi)]], fmt="s",
                color=QUANTITY_COLORS["pressure"], capsize=4,
                label="measured: peaks and time of peak")
    ax.set_xlim(0, 24)
    ax.set_xticks(np.arange(0, 25, 4))
    ax.set_ylim(0, 130)
    ax.set_xlabel("hours after the injection")
    ax.set_ylabel("plasma IL-2 (IU/mL)")
    legend_below(ax, 2)
    keep = course.t_h <= 7 * _HOURS_PER_DAY
    bx.plot(course.t_h[keep] / _HOURS_PER_DAY, course.il2_pM[keep], color=QUANTITY_COLORS["plasma"],
            label="plasma IL-2, low dose")
    for c in ("Treg", "CD56bright NK", "NK"):
        bx.axhline(ec50.equilibrium_pM[c], color=COLORS[c], ls="--", lw=1.2,
                   label=f"{_LABEL[c]} EC50")
    bx.set_yscale("log")
    bx.set_ylim(0.5, 1000)
    bx.set_xlim(0, 7)
    bx.set_xlabel("day of the low-dose course")
    bx.set_ylabel("plasma IL-2 (pM)")
    # below the panel: inside, it lay over the CD56dim NK EC50 line
    legend_below(bx, 2)
    return fig


#: How the trials figure names each counted response of :data:`il2.low_dose.RESPONSE_COUNTS`.
_TRIAL_TEXT: dict[tuple[str, str], str] = {
    ("koreth2011", "major responses at multiple sites"): "Koreth 2011, cGVHD, dose finding",
    ("koreth2016", "clinical response (partial) at week 12"): "Koreth 2016, cGVHD, week 12",
    ("whangbo2019", "partial response at week 8, children"): "Whangbo 2019, cGVHD, children",
    ("whangbo2019", "partial response at week 8, adults"): "Whangbo 2019, cGVHD, adults",
    ("saadoun2011", "vasculitis improved"): "Saadoun 2011, HCV vasculitis",
    ("he2020", "SRI-4 response at week 12, IL-2"): "He 2020, lupus, IL-2, week 12",
    ("he2020", "SRI-4 response at week 12, placebo"): "He 2020, lupus, placebo, week 12",
    ("he2020", "SRI-4 response at week 24, IL-2"): "He 2020, lupus, IL-2, week 24",
    ("he2020", "SRI-4 response at week 24, placebo"): "He 2020, lupus, placebo, week 24",
}


@styled
def draw_trials(responses: Any, adverse: Any) -> Figure:
    """Left: responses in the low-dose trials with their exact intervals
    (:func:`il2.low_dose.response_intervals`). Right: patients with non-serious adverse events in
    each arm of the type 1 diabetes dose-finding trial (:func:`il2.low_dose.adverse_event_intervals`)."""
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=4.2)
    ax, bx = axes
    rows = [(_TRIAL_TEXT.get((key, label), f"{key}, {label}"), ci,
             "placebo" if "placebo" in label else "IL-2") for key, label, ci in responses]
    y = np.arange(len(rows))[::-1]
    for yi, (text, ci, group) in zip(y, rows):
        color = QUANTITY_COLORS["threshold"] if group == "placebo" else COLORS["Treg"]
        ax.errorbar(100 * ci.estimate, yi, xerr=[[100 * (ci.estimate - ci.low)],
                                                 [100 * (ci.high - ci.estimate)]],
                    fmt="o" if group == "IL-2" else "s", color=color, capsize=3)
    ax.set_yticks(y, [r[0] for r in rows], fontsize=8)
    ax.set_xlim(0, 100)
    ax.set_xlabel(f"patients responding (%), exact {100 * rows[0][1].level:g}% CI")
    x = np.arange(len(adverse))
    for xi, (_, ci) in zip(x, adverse):
        bx.errorbar(xi, 100 * ci.estimate, yerr=[[100 * (ci.estimate - ci.low)],
                                                 [100 * (ci.high - ci.estimate)]],
                    fmt="o", color=COLORS["NK"], capsize=4)
    bx.set_xticks(x, ["placebo" if d == 0 else f"{d:g} MIU/day" for d, _ in adverse],
                  fontsize=8.5)
    bx.set_ylim(0, 105)
    bx.set_ylabel("patients with adverse events (%)")
    bx.set_xlabel("5 daily injections (type 1 diabetes)")
    return fig


def _folds(course: Any) -> dict[str, np.ndarray]:
    """Every population's fold change of a :class:`PDCourse` or an
    :class:`il2.low_dose_pd.LowDoseCourse` (with ``"all NK"``)."""
    if isinstance(course, PDCourse):
        return course.folds
    return {p: course.fold(p) for p in (*low_dose_pd.LD_POPULATIONS, "all NK")}


def _koreth_marks(ax: Any, x_day: float, folds: dict[str, np.ndarray]) -> None:
    """The Koreth 2016 changes at the end of the 12 weeks: bounds as upward arrows, "unchanged"
    as open squares at 1, next to the model population each is compared with."""
    anchors = low_dose.koreth2016_anchors()
    nk = "all NK" if "all NK" in folds else "NK"
    spots = [("Treg", "Treg"), ("NK", nk), ("CD4 Tcon", "CD4"), ("CD8 T", "CD8")]
    for i, (key, pop) in enumerate(spots):
        a = anchors[key]
        xx = x_day + 1.5 * i
        color = COLORS[pop]
        if a.relation == ">":
            ax.annotate("", xy=(xx, a.fold * 1.9), xytext=(xx, a.fold),
                        arrowprops=dict(arrowstyle="-|>", color=color, lw=1.6))
            ax.plot([xx], [a.fold], "_", color=color, ms=14, mew=2.5)
        else:
            ax.plot([xx], [1.0], "s", color=color, ms=6, mfc="none", mew=1.6)


def _pd_lines(ax: Any, t_days: np.ndarray, folds: dict[str, np.ndarray]) -> dict[str, Any]:
    shown = [p for p in ("Treg", "all NK", "CD56bright NK", "NK", "CD4", "CD8") if p in folds]
    return {p: ax.plot(t_days, folds[p], color=COLORS[p], label=_LABEL[p],
                       **_PD_LOOK.get(p, {}))[0] for p in shown}


def _fold_axis(ax: Any, low: float, high: float) -> None:
    """A logarithmic fold-change axis labelled 0.3, 0.5, 1, 2, 5, 10 ... in plain numbers."""
    ax.set_yscale("log")
    ax.set_ylim(low, high)
    plain_log_ticks(ax.yaxis, low, high, ticks=(0.3, 0.5, 1, 2, 5, 10, 20, 50))


def _course_axes(ax: Any, course: Any, folds: dict[str, np.ndarray]) -> dict[str, Any]:
    """The course figure's content (shared by :func:`draw_pd` and the course explorer)."""
    ax.axvspan(0, course.weeks * 7.0, color=QUANTITY_COLORS["plasma"], alpha=0.15, lw=0)
    lines = _pd_lines(ax, course.t_days, folds)
    _koreth_marks(ax, course.weeks * 7.0 + 1.5, folds)
    return lines


@styled
def draw_pd(course: Any) -> Figure:
    """Fold changes of every population over a low-dose course
    (:func:`il2.low_dose_pd.low_dose_course`), with the changes Koreth et al. (2016) report at the
    end of their 12-week course."""
    folds = _folds(course)
    fig, ax = new_figure(width_in=7.0, height_in=4.0)
    _course_axes(ax, course, folds)
    ax.plot([], [], "_", color="#333333", ms=12, mew=2.5, label="trial: more than this fold")
    ax.plot([], [], "s", color="#333333", mfc="none", label="trial: unchanged")
    _fold_axis(ax, 0.5, 20.0)
    ax.axhline(1.0, color=QUANTITY_COLORS["threshold"], lw=0.8)
    ax.set_xlim(0, max(course.t_days[-1], course.weeks * 7.0 + 7.0))
    ax.set_xlabel("day from the first injection")
    ax.set_ylabel("cells (fold of the start)")
    ax.legend(loc="upper left", fontsize=7.5, ncol=3)
    return fig


@styled
def draw_dose_response(dr: low_dose_pd.DoseResponse, thresholds_pM: dict[str, float]) -> Figure:
    """Left: fold changes at the end of a course against the dose per injection
    (:func:`il2.low_dose_pd.dose_response`). Right: the plasma peak against the one-hour
    thresholds of the cells in ``thresholds_pM`` (:func:`il2.therapy.threshold_pM`)."""
    unit = dr.dose_unit.replace("MIU/m^2", "million IU/m²").replace("MIU", "million IU")
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=4.8)
    ax, bx = axes
    for p in ("Treg", "all NK", "CD56bright NK", "NK", "CD4", "CD8"):
        if p in dr.final_fold:
            ax.plot(dr.doses_miu, dr.final_fold[p], marker="o", color=COLORS[p],
                    label=_LABEL[p], **_PD_LOOK.get(p, {}))
    ax.set_xscale("log")
    _fold_axis(ax, 0.8, 12.0)
    ax.axhline(1.0, color=QUANTITY_COLORS["threshold"], lw=0.8)
    ax.set_xlabel(f"dose per daily injection ({unit})")
    ax.set_ylabel(f"cells after {dr.weeks:g} weeks (fold)")
    # legends below the panels: inside, they lay over the NK curves (left) and the CD56dim
    # threshold (right)
    legend_below(ax, 2)
    bx.plot(dr.doses_miu, dr.peak_plasma_pM, marker="s", color=QUANTITY_COLORS["plasma"],
            label="daily plasma peak")
    for c, theta in thresholds_pM.items():
        bx.axhline(theta, color=COLORS[c], ls="--", lw=1.2,
                   label=f"{_LABEL[c]} threshold (1 h)")
    bx.set_xscale("log")
    bx.set_yscale("log")
    bx.set_ylim(1, 1e4)
    bx.set_xlabel(f"dose per daily injection ({unit})")
    bx.set_ylabel("plasma IL-2 (pM)")
    legend_below(bx, 2)
    return fig


# ---------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------

#: Slider values of the course explorer (million IU/m² per injection) and its schedules.
COURSE_DOSES: tuple[float, ...] = DOSE_GRID_MIU
COURSE_INTERVALS: tuple[tuple[str, float], ...] = (("daily", 1.0), ("every other day", 2.0))


@functools.lru_cache(maxsize=1)
def _course_grid() -> dict[tuple[float, float], PDCourse]:
    """Every course of the explorer's grid, computed once (a course takes about a second; the
    explorer's call is then a look-up)."""
    return {(d, k): pd_course(d, k) for d in COURSE_DOSES for _, k in COURSE_INTERVALS}


def _course_model(dose_miu_per_m2: float, interval_days: float) -> PDCourse:
    grid = _course_grid()
    d = min(COURSE_DOSES, key=lambda x: abs(math.log(x / dose_miu_per_m2)))
    return grid[(d, float(interval_days))]


def _course_title(r: PDCourse) -> str:
    return (f"end of the course: Treg {r.end_fold('Treg'):.2f}-fold, "
            f"NK {r.end_fold(NK_POPULATION):.2f}-fold")


def _course_view(r: PDCourse, fig: Figure, **values: Any) -> Callable[..., bool]:
    ax = fig.subplots()
    lines = _course_axes(ax, r, r.folds)
    _fold_axis(ax, 0.5, 20.0)
    ax.axhline(1.0, color=QUANTITY_COLORS["threshold"], lw=0.8)
    ax.set_xlim(0, max(r.t_days[-1], r.weeks * 7.0 + 7.0))
    ax.set_xlabel("day from the first injection")
    ax.set_ylabel("cells (fold of the start)")
    ax.legend(loc="upper left", fontsize=8, ncol=3)
    ax.set_title(_course_title(r), fontsize=10)
    for artist in (*lines.values(), ax.title):
        artist.set_animated(True)

    def update(r: PDCourse, **values: Any) -> bool:
        for p, line in lines.items():
            line.set_data(r.t_days, r.fold(p))
        ax.set_title(_course_title(r), fontsize=10)
        return True

    return update


def course_explorer() -> Explorer:
    """Dose per injection and schedule: Tregs, NK and CD8 T cells over 12 weeks of low-dose IL-2,
    with the Koreth 2016 changes."""
    return explore(
        _course_model,
        _course_view,
        [Slider("dose_miu_per_m2", "Dose per injection", COURSE_DOSES[0], COURSE_DOSES[-1], 1.0,
                steps=len(COURSE_DOSES), log=True, unit="MIU/m²", grid_only=True,
                grid=COURSE_DOSES),
         Choice("interval_days", "Schedule", list(COURSE_INTERVALS), 1.0)],
        alt=("Fold change of regulatory T cells, NK cells and conventional T cells on a log scale over "
             "12 weeks of {dose_miu_per_m2} injected {interval_days}; markers at the end show the "
             "changes of the low-dose trial in chronic graft-versus-host disease."),
        title="Explorer 5.2: Dose and schedule of low-dose IL-2",
        caption=("{dose_miu_per_m2} {interval_days} for 12 weeks: the model's cells as fold of "
                 "their start (lines), and what the trial reported (arrows: more than this fold; "
                 "squares: unchanged)."),
        width_in=7.0,
        height_in=4.0,
    )


@functools.lru_cache(maxsize=256)
def _blockade_model(cd25_blocked_pct: float, kd_alpha_factor: float) -> BlockadeResult:
    """Cached by the control values: each value of the static grid is computed once (about 20 ms
    on a free core, five equilibrium solves over the concentration grid), then looked up."""
    return blockade_response(cd25_blocked_pct / 100.0, kd_alpha_factor)


def _blockade_title(r: BlockadeResult) -> str:
    def f(x: float) -> str:
        return "never" if not math.isfinite(x) else (f"{x:,.0f} pM" if x >= 10 else f"{x:.1f} pM")
    return f"half-maximal pSTAT5: Treg {f(r.ec50_pM['Treg'])}, NK {f(r.ec50_pM['NK'])}"


def _blockade_view(r: BlockadeResult, fig: Figure, **values: Any) -> Callable[..., bool]:
    ax = fig.subplots()
    ref = blockade_response()
    for c in CELLS:
        ax.plot(ref.conc_pM, ref.pstat5[c], color=COLORS[c], lw=0.9, ls=":", alpha=0.8)
    lines = {c: ax.plot(r.conc_pM, r.pstat5[c], color=COLORS[c], lw=2, label=_LABEL[c])[0]
             for c in CELLS}
    _log_conc_axis(ax)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("pSTAT5 (fraction of the\nunblocked cell's maximum)")
    ax.legend(loc="upper left", fontsize=8)
    ax.set_title(_blockade_title(r), fontsize=10)
    for artist in (*lines.values(), ax.title):
        artist.set_animated(True)

    def update(r: BlockadeResult, **values: Any) -> bool:
        for c, line in lines.items():
            line.set_ydata(r.pstat5[c])
        ax.set_title(_blockade_title(r), fontsize=10)
        return True

    return update


def blockade_explorer() -> Explorer:
    """CD25 blocked by an antibody, and the CD25 affinity of the ligand: pSTAT5 dose responses of
    every cell type of the chapter."""
    return explore(
        _blockade_model,
        _blockade_view,
        [Slider("cd25_blocked_pct", "CD25 blocked", 0.0, 100.0, 0.0, steps=11, unit="%"),
         Choice("kd_alpha_factor", "CD25 binding of IL-2",
                [("natural", 1.0), ("10 times weaker", 10.0), ("100 times weaker", 100.0)], 1.0)],
        alt=("Equilibrium pSTAT5 against IL-2 on a log axis for regulatory T cells, CD56bright NK "
             "cells, conventional CD4 T cells, CD56dim NK cells and CD8 T cells, with {cd25_blocked_pct} "
             "of CD25 blocked and {kd_alpha_factor} CD25 binding; dotted: no blockade."),
        title="Explorer 5.1: Blocking CD25",
        caption=("With {cd25_blocked_pct} of CD25 blocked ({kd_alpha_factor} CD25 binding): solid "
                 "curves against the unblocked cells (dotted). The cells with much CD25 lose their "
                 "head start; the others hardly move."),
        width_in=7.0,
        height_in=4.0,
    )


#: Every explorer of the chapter (benchmarks and tests iterate over it).
EXPLORERS: dict[str, Callable[[], Explorer]] = {"course": course_explorer,
                                                 "blockade": blockade_explorer}
