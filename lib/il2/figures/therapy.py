"""Figures and explorers of the chapter "Therapeutic applications" (chapters/03_therapy.ipynb).

Each ``draw_*`` function draws results of the library (:mod:`il2.pk`, :mod:`il2.therapy`,
:mod:`il2.outcomes`, :mod:`il2.signaling`; :func:`il2.therapy.pharmacodynamics` for the cells)
in the house style (:func:`il2.plotting.new_figure`); the notebook shows the model call and
passes its result to ``draw_*``; each ``*_figure`` does both with the chapter's defaults.
:data:`EXPLORERS` lists the interactive figures.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from il2 import outcomes, pk, signaling, therapy, units
from il2.explore import Choice, Explorer, Slider, explore
from il2.plotting import CELL_COLORS, QUANTITY_COLORS, new_figure, styled
from il2.validation import check_integer, check_scalar

__all__ = [
    "EXPLORERS",
    "ChapterNumbers",
    "chapter_numbers",
    "draw_single_dose",
    "draw_course_comparison",
    "draw_receptor_window",
    "draw_time_above",
    "draw_expansion",
    "draw_outcomes",
    "single_dose_figure",
    "course_comparison_figure",
    "receptor_window_figure",
    "time_above_figure",
    "PDNumbers",
    "pd_numbers",
    "expansion_figure",
    "outcomes_figure",
    "response_table_markdown",
    "CourseExplorerResult",
    "course_explorer",
]

#: Cell types drawn in this chapter (the three whose contrast the chapter is about first).
SHOWN = ("Treg", "NK", "CD8")
_LABEL = {"Treg": "Treg", "NK": "NK cells", "CD8": "CD8 T cells", "CD4": "CD4 T cells",
          "activated T": "activated T blasts"}
_HOURS_PER_DAY = 24.0
_REG = pk.RegimenDefaults()
_HD_TITLE = f"High dose: {_REG.hd_dose_iu_per_kg:,.0f} IU/kg IV every {_REG.hd_interval_h:g} h"
_LD_TITLE = (f"Low dose: {_REG.ld_dose_iu_per_m2 / 1e6:g} million IU/m² SC "
             + ("daily" if _REG.ld_interval_h == 24.0 else f"every {_REG.ld_interval_h:g} h"))
#: Second reference line of the single-dose figure: this fraction of the whole dose in plasma.
REFERENCE_FRACTION = 0.3
#: Concentration axis (pM) of the receptor-window figure.
WINDOW_AXIS_PM = (0.3, 1e5)
#: Days of each course (first and last, counted from 1) whose plasma range the window figure shades.
WINDOW_DAYS = (2, 4)
#: Confidence level of the intervals in the outcomes figure.
CI_LEVEL = 0.95
#: Neutral grey of legend swatches that name a course, not a cell type (bars take the cell's colour).
_COURSE_GREY = "#8C8C8C"


def _iu_to_pm_factor() -> float:
    return float(units.iu_per_ml_to_pM(1.0))


def _threshold_lines(ax, cells=SHOWN, *, text: bool = True, xpos: float = 0.99) -> None:
    for c in cells:
        th = therapy.threshold_pM(c)
        ax.axhline(th, color=CELL_COLORS[c], lw=1.2, ls="--", label=f"{_LABEL[c]} threshold")
        if text:
            ax.text(xpos, th * 1.12, f"{_LABEL[c]} threshold", color=CELL_COLORS[c],
                    ha="right", va="bottom", fontsize=8.5, transform=ax.get_yaxis_transform())


# ---------------------------------------------------------------------------------------
# Numbers quoted in the chapter text
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterNumbers:
    """Numbers the chapter quotes, all computed by the library (for ``glue``)."""

    weight_kg: float
    dose_iu_per_kg: float
    dose_iu: float
    dose_mg: float
    plasma_volume_l: float
    all_in_plasma_iu_per_ml: float
    hd_peak_iu_per_ml: float
    hd_peak_pM: float
    hd_peak_fraction_of_upper: float
    hd_trough_pM: float
    ld_dose_iu: float
    ld_peak_pM: float
    natural_pM: float
    peak_over_natural: float
    hd_over_ld_peak: float
    iu_per_ml_in_pM: float
    total_course_iu_per_kg: float
    total_course_mg: float
    clearance_ml_per_min: float
    v2_l: float
    alpha_fraction: float
    thresholds_pM: dict[str, float]
    hd_hours_above_per_day: dict[str, float]
    ld_hours_above_per_day: dict[str, float]
    hours_above_day: int
    alpha_half_life_min: float
    beta_half_life_min: float
    hd_iu_per_ml_after_interval: float
    hd_window_range_pM: tuple[float, float]
    ld_window_range_pM: tuple[float, float]
    orr_percent_range: tuple[float, float]
    orr_ci_percent_range: tuple[float, float]
    cr_percent_range: tuple[float, float]
    cr_ci_percent_range: tuple[float, float]


def chapter_numbers(weight_kg: float = 70.0) -> ChapterNumbers:
    """Compute every number the chapter quotes for a patient of ``weight_kg``."""
    hd = pk.high_dose_regimen()
    single = pk.simulate(pk.high_dose_regimen(doses_per_cycle=1, cycles=1), weight_kg)
    disp = pk.disposition(weight_kg)
    course = therapy.treatment_course(hd, weight_kg)
    ld = therapy.treatment_course(pk.low_dose_sc_regimen(weight_kg=weight_kg), weight_kg)
    ref = signaling.ReferenceLevels()
    dose_iu = hd.dose_iu_per_kg * weight_kg
    upper = dose_iu / (disp.v1_l * 1000.0)
    t = course.pk.t_h
    before_second = (t > hd.interval_h - 0.2) & (t < hd.interval_h)
    day2 = 1  # second day of each course: past the first dose, before the rest
    latest = [group[-1] for group in outcomes.cohorts()]  # the rows of the outcomes figure
    orr = [r.orr_ci(CI_LEVEL) for r in latest]
    cr = [r.cr_ci(CI_LEVEL) for r in latest]
    return ChapterNumbers(
        weight_kg=weight_kg,
        dose_iu_per_kg=hd.dose_iu_per_kg,
        dose_iu=dose_iu,
        dose_mg=float(units.iu_to_mg(dose_iu)),
        plasma_volume_l=disp.v1_l,
        all_in_plasma_iu_per_ml=upper,
        hd_peak_iu_per_ml=float(single.iu_per_ml.max()),
        hd_peak_pM=float(single.il2_pM.max()),
        hd_peak_fraction_of_upper=float(single.iu_per_ml.max()) / upper,
        hd_trough_pM=float(course.pk.il2_pM[before_second].min()),
        ld_dose_iu=float(ld.pk.doses_iu[0]),
        ld_peak_pM=ld.exposure.cmax_pM,
        natural_pM=ref.physiological_il2_pM,
        peak_over_natural=float(single.il2_pM.max()) / ref.physiological_il2_pM,
        hd_over_ld_peak=float(single.il2_pM.max()) / ld.exposure.cmax_pM,
        iu_per_ml_in_pM=_iu_to_pm_factor(),
        total_course_iu_per_kg=hd.total_dose_iu_per_kg,
        total_course_mg=float(units.iu_to_mg(hd.total_dose_iu_per_kg * weight_kg)),
        clearance_ml_per_min=disp.clearance_l_per_h * 1000.0 / 60.0,
        v2_l=disp.v2_l,
        alpha_fraction=disp.a_fraction,
        thresholds_pM=dict(course.engagement.threshold_pM),
        hd_hours_above_per_day={c: float(v[day2]) for c, v in
                                course.engagement.daily_hours_above_threshold.items()},
        ld_hours_above_per_day={c: float(v[day2]) for c, v in
                                ld.engagement.daily_hours_above_threshold.items()},
        hours_above_day=day2 + 1,
        alpha_half_life_min=float(np.log(2) / disp.alpha_per_h * 60.0),
        beta_half_life_min=float(np.log(2) / disp.beta_per_h * 60.0),
        hd_iu_per_ml_after_interval=float(np.interp(hd.interval_h, single.t_h, single.iu_per_ml)),
        hd_window_range_pM=_window_range(pk.simulate(hd, weight_kg)),
        ld_window_range_pM=_window_range(pk.simulate(pk.low_dose_sc_regimen(weight_kg=weight_kg), weight_kg)),
        orr_percent_range=(100 * min(c.estimate for c in orr), 100 * max(c.estimate for c in orr)),
        orr_ci_percent_range=(100 * min(c.low for c in orr), 100 * max(c.high for c in orr)),
        cr_percent_range=(100 * min(c.estimate for c in cr), 100 * max(c.estimate for c in cr)),
        cr_ci_percent_range=(100 * min(c.low for c in cr), 100 * max(c.high for c in cr)),
    )


def _window_range(result: pk.PKResult) -> tuple[float, float]:
    """Lowest and highest plasma IL-2 (pM) over :data:`WINDOW_DAYS` of a course."""
    first, last = WINDOW_DAYS
    sel = (result.t_h >= (first - 1) * _HOURS_PER_DAY) & (result.t_h <= last * _HOURS_PER_DAY)
    return float(result.il2_pM[sel].min()), float(result.il2_pM[sel].max())


# ---------------------------------------------------------------------------------------
# Static figures
# ---------------------------------------------------------------------------------------


@styled
def draw_single_dose(result: pk.PKResult) -> Figure:
    """Plasma aldesleukin after one dose on a log scale, with the slow phase alone (a straight
    line fitted to the curve after 3 h) and the levels the whole dose, and
    :data:`REFERENCE_FRACTION` of it, would give in the plasma volume
    (:func:`il2.pk.disposition` of the result's weight and parameters).

    Parameters
    ----------
    result
        :func:`il2.pk.simulate` of a one-dose regimen over one dosing interval (8 h drawn).
    """
    t, res, reg = result.t_h, result, result.regimen
    disp = pk.disposition(result.weight_kg, result.params)
    fig, ax = new_figure(width_in=7.0, height_in=3.6)
    ax.semilogy(t * 60.0, res.iu_per_ml, color=QUANTITY_COLORS["plasma"], label="model plasma level")
    # the slow (beta) phase alone, extrapolated back: the part left once distribution is over
    late = t > 3.0
    slope, intercept = np.polyfit(t[late], np.log(res.iu_per_ml[late]), 1)
    ax.semilogy(t * 60.0, np.exp(intercept + slope * t), color=QUANTITY_COLORS["threshold"], ls=":",
                label=f"elimination phase alone (half-life {np.log(2) / -slope * 60:.0f} min)")
    upper = reg.dose_iu_per_kg * result.weight_kg / (disp.v1_l * 1000.0)
    ax.axhline(upper, color=QUANTITY_COLORS["IL-2"], lw=1, ls="--")
    ax.text(470, upper * 1.1, "whole dose in plasma", ha="right", va="bottom", fontsize=8.5)
    ax.axhline(REFERENCE_FRACTION * upper, color=QUANTITY_COLORS["IL-2"], lw=1, ls="-.")
    ax.text(470, REFERENCE_FRACTION * upper * 1.1, f"{100 * REFERENCE_FRACTION:.0f}% of the dose in plasma",
            ha="right", va="bottom", fontsize=8.5)
    ax.set_xlabel("time after the start of the infusion (min)")
    ax.set_ylabel("plasma aldesleukin (IU/mL)")
    ax.set_xlim(0, 480)
    ax.set_xticks(np.arange(0, 481, 60))
    factor = _iu_to_pm_factor()
    sec = ax.secondary_yaxis("right", functions=(lambda x: x * factor, lambda y: y / factor))
    sec.set_ylabel("IL-2 (pM)")
    ax.legend(loc="lower left")
    return fig


def single_dose_figure(weight_kg: float = 70.0) -> Figure:
    """One 600,000 IU/kg dose as a 15-min infusion: the two phases on a log scale."""
    reg = pk.high_dose_regimen(doses_per_cycle=1, cycles=1)
    span_h = reg.interval_h  # one dosing interval
    t = np.linspace(0.0, span_h, int(span_h * 120) + 1)
    return draw_single_dose(pk.simulate(reg, weight_kg, t))


def _course_panel(ax, result: pk.PKResult, title: str, days: float) -> None:
    keep = result.t_h <= days * _HOURS_PER_DAY
    ax.semilogy(result.t_h[keep] / _HOURS_PER_DAY, np.maximum(result.il2_pM[keep], 1e-2),
                color=QUANTITY_COLORS["plasma"], lw=1.3, label="plasma IL-2")
    _threshold_lines(ax, text=False)
    nat = signaling.ReferenceLevels().physiological_il2_pM
    ax.axhline(nat, color=QUANTITY_COLORS["threshold"], lw=1.2, ls=":",
               label="physiological signalling level")
    ax.set_title(title)
    ax.set_xlabel("day of treatment")
    ax.set_xlim(0, days)
    ax.set_ylim(1e-1, 2e5)


@styled
def draw_course_comparison(high: pk.PKResult, low: pk.PKResult, days: float = 6.0,
                           titles: tuple[str, str] = (_HD_TITLE, _LD_TITLE)) -> Figure:
    """Plasma IL-2 over the first ``days`` of two courses, side by side on the same scale,
    against the thresholds of regulatory T cells, NK cells and CD8 T cells.

    Parameters
    ----------
    high, low
        :func:`il2.pk.simulate` results (left and right panel).
    days
        Days drawn.
    titles
        Panel titles (by default those of the label's high-dose and the low-dose regimen).
    """
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=3.8)
    _course_panel(axes[0], high, titles[0], days)
    _course_panel(axes[1], low, titles[1], days)
    axes[0].set_ylabel("plasma IL-2 (pM)")
    axes[1].tick_params(labelleft=False)
    _label_levels_right(axes[1])
    return fig


def course_comparison_figure(weight_kg: float = 70.0) -> Figure:
    """Plasma IL-2 in the first days of a high-dose IV course and of a low-dose SC course,
    against the thresholds of regulatory T cells, NK cells and CD8 T cells."""
    hd = pk.simulate(pk.high_dose_regimen(), weight_kg)
    ld = pk.simulate(pk.low_dose_sc_regimen(weight_kg=weight_kg), weight_kg)
    return draw_course_comparison(hd, ld)


def _label_levels_right(ax) -> None:
    """Name each horizontal level line of ``ax`` just outside its right edge, in the line's colour.

    Labels closer than about a line of text are pushed apart (the NK and CD8 thresholds sit a
    third of a decade apart), keeping their order, so each stays next to its own line."""
    levels = [(line.get_ydata()[0], line.get_label(), line.get_color()) for line in ax.get_lines()
              if line.get_label().endswith(("threshold", "level")) and len(set(line.get_ydata())) == 1]
    levels.sort()
    trans = ax.get_yaxis_transform()
    placed: list[float] = []
    min_gap = 12.0  # points between label centres
    for y, label, color in levels:
        y_pt = ax.transData.transform((0.0, y))[1] * 72.0 / ax.figure.dpi
        shift = max(0.0, placed[-1] + min_gap - y_pt) if placed else 0.0
        placed.append(y_pt + shift)
        ax.annotate(label.replace(" threshold", "").replace(" signalling level", " level"), (1.0, y), xycoords=trans, xytext=(4, shift),
                    textcoords="offset points", ha="left", va="center", fontsize=8.5, color=color,
                    annotation_clip=False)


@styled
def draw_receptor_window(conc: np.ndarray, responses: Mapping[str, np.ndarray],
                         thresholds: Mapping[str, float], exposure_h: float,
                         high: pk.PKResult, low: pk.PKResult) -> Figure:
    """Each cell type's response after ``exposure_h`` of exposure against IL-2, its threshold
    marked, with the plasma ranges of two courses over :data:`WINDOW_DAYS` shaded.

    Parameters
    ----------
    conc, responses
        IL-2 (pM) and cell type -> :func:`il2.signaling.relative_pstat5` after ``exposure_h``.
    thresholds
        Cell type -> :func:`il2.therapy.threshold_pM` (a dot at half response).
    exposure_h
        The exposure time (h), for the axis label.
    high, low
        :func:`il2.pk.simulate` of the high-dose and low-dose courses.
    """
    c = conc
    fig, ax = new_figure(width_in=7.0, height_in=3.8)
    for res, name, alpha in ((low, "low dose", 0.22), (high, "high dose", 0.12)):
        lo, hi = _window_range(res)
        ax.axvspan(lo, hi, color=QUANTITY_COLORS["plasma"], alpha=alpha, lw=0)
        ax.text(np.sqrt(lo * hi), 1.04, name, ha="center", va="bottom", fontsize=8.5)
    for cell, r in responses.items():
        ax.semilogx(c, r, color=CELL_COLORS[cell], label=_LABEL.get(cell, cell))
        if cell in thresholds:
            ax.plot([thresholds[cell]], [0.5], "o", color=CELL_COLORS[cell], ms=5)
    ax.axhline(0.5, color=QUANTITY_COLORS["threshold"], lw=0.8, ls=":")
    ax.set_xlabel("IL-2 (pM)")
    ax.set_ylabel(f"pSTAT5 after {exposure_h:g} h\n(fraction of the cell's maximum)")
    ax.set_ylim(0, 1.12)
    ax.set_yticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.legend(loc="upper left", fontsize=8.5, bbox_to_anchor=(0.0, 0.93))
    return fig


def receptor_window_figure(weight_kg: float = 70.0, points: int = 36) -> Figure:
    """Each cell type's response after one hour of exposure against IL-2, with the concentration
    ranges each regimen covers from day 2 to day 4."""
    exposure_h = therapy.TherapyReference().threshold_exposure_h
    c = np.geomspace(*WINDOW_AXIS_PM, points)
    hd = pk.simulate(pk.high_dose_regimen(), weight_kg)
    ld = pk.simulate(pk.low_dose_sc_regimen(weight_kg=weight_kg), weight_kg)
    cells = ("activated T", "Treg", "CD4", "NK", "CD8")
    return draw_receptor_window(c, {cell: signaling.relative_pstat5(cell, c, exposure_h) for cell in cells},
                                {cell: therapy.threshold_pM(cell) for cell in cells}, exposure_h, hd, ld)


@styled
def draw_time_above(high: therapy.TreatmentCourse, low: therapy.TreatmentCourse, day: int = 2) -> Figure:
    """Hours of day ``day`` (counted from 1) above each cell type's threshold, for two courses.

    Parameters
    ----------
    high, low
        :func:`il2.therapy.treatment_course` results (solid and hatched bars).
    day
        The day of treatment drawn, from 1.
    """
    cells = [c for c in therapy.CELL_ORDER if c in high.engagement.daily_hours_above_threshold]
    n_days = min(len(high.engagement.daily_hours_above_threshold[cells[0]]),
                 len(low.engagement.daily_hours_above_threshold[cells[0]]))
    check_integer("day", day, 1, n_days)
    x = np.arange(len(cells))
    fig, ax = new_figure(width_in=7.0, height_in=3.4)
    hd = [float(high.engagement.daily_hours_above_threshold[c][day - 1]) for c in cells]
    ld = [float(low.engagement.daily_hours_above_threshold[c][day - 1]) for c in cells]
    colors = [CELL_COLORS[c] for c in cells]
    solid = dict(edgecolor="#333333")
    hatched = dict(alpha=0.35, edgecolor="#333333", hatch="//")
    ax.bar(x - 0.2, hd, width=0.38, color=colors, **solid)
    ax.bar(x + 0.2, ld, width=0.38, color=colors, **hatched)
    ax.set_xticks(x, [_LABEL[c] for c in cells])
    ax.set_ylabel(f"hours above threshold on day {day}")
    ax.set_ylim(0, 24.5)
    ax.set_yticks([0, 6, 12, 18, 24])
    # the colour names the cell type, the fill the course: grey swatches, solid and hatched
    ax.legend(handles=[Patch(facecolor=_COURSE_GREY, label="high dose (IV)", **solid),
                       Patch(facecolor=_COURSE_GREY, label="low dose (SC)", **hatched)],
              loc="upper right")
    return fig


def time_above_figure(weight_kg: float = 70.0) -> Figure:
    """Hours per day above each cell type's threshold on day 2 of each regimen."""
    hd = therapy.treatment_course(pk.high_dose_regimen(), weight_kg)
    ld = therapy.treatment_course(pk.low_dose_sc_regimen(weight_kg=weight_kg), weight_kg)
    return draw_time_above(hd, ld, day=2)


# ---------------------------------------------------------------------------------------
# Pharmacodynamics: the cells over a course
# ---------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _pd_runs(weight_kg: float) -> tuple[therapy.PDResult, therapy.PDResult]:
    """The high-dose and low-dose courses through the growth model (cached: the two-cycle
    high-dose course with its follow-up takes most of a second, and the chapter quotes and draws
    the same runs)."""
    hd = therapy.pharmacodynamics(pk.high_dose_regimen(), weight_kg)
    ld = therapy.pharmacodynamics(pk.low_dose_sc_regimen(weight_kg=weight_kg), weight_kg)
    return hd, ld


@dataclass(frozen=True)
class PDNumbers:
    """Numbers the pharmacodynamics section quotes (for ``glue``), all from
    :func:`il2.therapy.pharmacodynamics` with its defaults (drug alone, lymph-node niche).

    ``hd_*`` refer to the label's two-cycle high-dose course, ``ld_*`` to the 12-week low-dose
    course. Folds are cells relative to the start of treatment. The troughs are the niche's and
    the plasma's IL-2 at ``trough_time_h``, the start of the third infusion.
    """

    hd_peak_fold: dict[str, float]
    hd_peak_day: dict[str, float]
    hd_cycle2_start_fold: dict[str, float]
    hd_cycle2_peak_fold: dict[str, float]
    hd_final_fold: dict[str, float]
    cd8_untreated_cycle1_end_fold: float
    follow_up_days: float
    hd_niche_trough_pM: float
    hd_plasma_trough_pM: float
    trough_time_h: float
    ld_peak_fold: dict[str, float]
    ld_days: float
    hd_cycle1_peak_fold: dict[str, float]
    hd_span_days: float
    ld_span_days: float


def pd_numbers(weight_kg: float = 70.0) -> PDNumbers:
    """Compute every number the pharmacodynamics section quotes."""
    hd, ld = _pd_runs(float(weight_kg))
    reg = hd.regimen
    starts = reg.scheduled_times_h()
    cycle1_end = float(starts[reg.doses_per_cycle - 1] + reg.infusion_h)
    cycle2_start = float(starts[reg.doses_per_cycle])
    tr = hd.treated
    in_cycle2 = tr.t_h >= cycle2_start
    # the trough at the start of the third infusion (niche and plasma; an output time)
    before = int(np.argmin(np.abs(tr.t_h - starts[2])))
    return PDNumbers(
        hd_peak_fold=dict(hd.peak_fold),
        hd_peak_day={p: t / _HOURS_PER_DAY for p, t in hd.peak_time_h.items()},
        hd_cycle2_start_fold={p: tr.fold_at(p, cycle2_start) for p in hd.populations},
        hd_cycle2_peak_fold={p: float(tr.fold(p)[in_cycle2].max()) for p in hd.populations},
        hd_final_fold=dict(hd.final_fold),
        cd8_untreated_cycle1_end_fold=hd.control.fold_at("CD8", cycle1_end),
        follow_up_days=float(hd.t_h[-1] - hd.course_end_h) / _HOURS_PER_DAY,
        hd_niche_trough_pM=float(tr.il2_pM[before]),
        hd_plasma_trough_pM=float(tr.plasma_il2_pM[before]),
        trough_time_h=float(tr.t_h[before]),
        ld_peak_fold=dict(ld.peak_fold),
        ld_days=float(ld.course_end_h) / _HOURS_PER_DAY,
        hd_cycle1_peak_fold={p: float(tr.fold(p)[~in_cycle2].max()) for p in hd.populations},
        hd_span_days=float(hd.t_h[-1]) / _HOURS_PER_DAY,
        ld_span_days=float(ld.t_h[-1]) / _HOURS_PER_DAY,
    )


def _dosing_spans(reg: pk.Regimen) -> list[tuple[float, float]]:
    """(start, end) of each cycle's dosing, hours."""
    starts = reg.scheduled_times_h().reshape(reg.cycles, reg.doses_per_cycle)
    return [(float(c[0]), float(c[-1] + max(reg.infusion_h, 0.0))) for c in starts]


_FOLD_LIMITS = (0.1, 1000.0)


def _fold_panel(ax, res: therapy.PDResult, *, legend: bool = True, control: bool = True) -> None:
    days = res.t_h / _HOURS_PER_DAY
    for lo, hi in _dosing_spans(res.regimen):
        ax.axvspan(lo / _HOURS_PER_DAY, max(hi, lo + 1.0) / _HOURS_PER_DAY,
                   color=QUANTITY_COLORS["plasma"], alpha=0.18, lw=0)
    for p in res.populations:
        ax.semilogy(days, res.fold(p), color=CELL_COLORS[p], label=_LABEL[p])
    if control:
        ax.semilogy(days, res.control.fold("CD8"), color=CELL_COLORS["CD8"],
                    ls=":", lw=1.4, label="CD8 T cells, no drug")
    ax.axhline(1.0, color=QUANTITY_COLORS["threshold"], lw=0.8)
    ax.set_ylim(*_FOLD_LIMITS)
    ax.set_xlim(0, days[-1])
    ax.set_ylabel("cells (fold of start)")
    if legend:
        ax.legend(loc="upper right", fontsize=8)


@styled
def draw_expansion(high: therapy.PDResult, low: therapy.PDResult,
                   titles: tuple[str, str] = (_HD_TITLE, _LD_TITLE)) -> Figure:
    """Cells of the lymph-node niche over two courses, as fold of their numbers at the first
    dose, with the drug-free CD8 course dotted; shaded: dosing.

    Parameters
    ----------
    high, low
        :func:`il2.therapy.pharmacodynamics` results (left and right panel).
    titles
        Panel titles (by default those of the label's high-dose and the low-dose regimen).
    """
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=3.8)
    _fold_panel(axes[0], high, legend=False)
    axes[0].set_title(titles[0])
    _fold_panel(axes[1], low)
    axes[1].set_title(titles[1])
    axes[1].set_ylabel("")
    for ax in axes:
        ax.set_xlabel("day from the first dose")
    return fig


def expansion_figure(weight_kg: float = 70.0) -> Figure:
    """Regulatory T cells, NK cells and CD8 T cells of the lymph-node niche over the high-dose
    course and the low-dose course, each with four weeks of follow-up (growth model driven by the
    plasma curve, :func:`il2.therapy.pharmacodynamics`); shaded: dosing."""
    return draw_expansion(*_pd_runs(float(weight_kg)))


@styled
def draw_outcomes(groups: Sequence[Sequence[outcomes.ResponseRecord]], level: float = CI_LEVEL) -> Figure:
    """Objective and complete response rates with exact confidence intervals, one row per
    cohort: a cohort reported again with longer follow-up is drawn at its latest counts, with its
    first report as hollow markers.

    Parameters
    ----------
    groups
        :func:`il2.outcomes.cohorts`: records of one cohort each, first report first.
    level
        Confidence level of the intervals (:meth:`il2.outcomes.ResponseRecord.orr_ci`).
    """
    level = check_scalar("level", level, 0.0, 1.0, low_open=True, high_open=True)
    fig, ax = new_figure(width_in=7.0, height_in=3.0)
    y = np.arange(len(groups))[::-1]

    def bar(ci: outcomes.BinomialCI, yy: float, **kw: object) -> None:
        ax.errorbar(100 * ci.estimate, yy, xerr=[[100 * (ci.estimate - ci.low)], [100 * (ci.high - ci.estimate)]],
                    capsize=3, **kw)

    for yi, group in zip(y, groups):
        last, first = group[-1], group[0]
        first_row = yi == y[0]
        bar(last.orr_ci(level), yi + 0.12, fmt="o", color=QUANTITY_COLORS["IL-2"],
            label="objective response" if first_row else None)
        bar(last.cr_ci(level), yi - 0.12, fmt="s", color=CELL_COLORS["CD8"],
            label="complete response" if first_row else None)
        if len(group) > 1:
            ax.plot(100 * first.orr_ci(level).estimate, yi + 0.12, "o", mfc="none", color=QUANTITY_COLORS["IL-2"])
            ax.plot(100 * first.cr_ci(level).estimate, yi - 0.12, "s", mfc="none", color=CELL_COLORS["CD8"],
                    label=f"first report ({first.key[-4:]})")
    labels = []
    for group in groups:
        first, last = group[0], group[-1]
        name = f"{first.key[:-4].capitalize()} {first.key[-4:]}"
        if len(group) > 1:
            name += f" (update {last.key[-4:]})"
        labels.append(f"{name}\n{_short(first.disease)}, n={first.patients}")
    ax.set_yticks(y, labels, fontsize=8.5)
    ax.set_xlabel(f"patients responding (%), exact {100 * level:g}% CI")
    ax.set_xlim(0, 35)
    ax.legend(loc="upper right", fontsize=8)  # the bars reach about 26%: the top right is free
    return fig


def outcomes_figure() -> Figure:
    """Objective and complete response rates with exact 95% confidence intervals, one row per
    cohort: a cohort reported again with longer follow-up (Fyfe 1995, then Fisher 1997 and 2000)
    is drawn at its latest counts, with its first report as hollow markers."""
    return draw_outcomes(outcomes.cohorts(), CI_LEVEL)


def _short(disease: str) -> str:
    return {"metastatic melanoma": "melanoma", "metastatic renal cell carcinoma": "kidney",
            "both": "melanoma + kidney"}.get(disease, disease)


def response_table_markdown(level: float = 0.95) -> str:
    """The published series as a MyST table with exact CIs computed here and the sources cited.

    Updates of a cohort (the same patients, longer follow-up) follow their first report, marked
    as updates, so that one cohort is not read as several series. The disease sits in the series
    cell and the published rate follows the computed one, so that the table fits the book's text
    column and leaves the durability text room."""
    head = (f"| Series | Patients | CR | PR | Objective response: exact {100 * level:g}% CI; published "
            "| Durability |\n|---|---|---|---|---|---|")
    rows = [head]
    for group in outcomes.cohorts():
        for r in group:
            response = r.orr_ci(level).percent()
            if r.published_orr_percent is not None:
                response += f"; published {r.published_orr_percent:g}%"
                if r.published_ci_percent is not None:
                    lo, hi = r.published_ci_percent
                    response += f" ({100 * r.published_ci_level:g}% CI {lo:g}–{hi:g}%)"
            series = f"{{cite:t}}`{r.source}`, {_short(r.disease)}"
            patients = f"{r.patients}"
            if r.update_of is not None:
                series = f"↳ update: {series}"
                patients = f"same {r.patients}"
            rows.append(f"| {series} | {patients} | {r.complete} | {r.partial} | {response} "
                        f"| {r.durability} |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------
# Explorer
# ---------------------------------------------------------------------------------------


#: Settings of the explorer's cell panel: the first cycle and one day after it. The growth solver
#: is carried on (not restarted) across the infusion edges (``restart_at_doses=False``), which
#: saves the tiny first steps of some thirty restarts, at ``rtol=3e-3``: against the chapter's
#: solver (``rtol=1e-3``, restarted at every edge) the fold curves then differ by at most 0.5% over
#: every value of the explorer's controls (the earlier ``rtol=1e-2`` with restarts: up to 1.4%), at
#: about a third of the earlier cost. ``tests/test_therapy.py`` bounds the difference below 1%.
_EXPLORER_TAIL_H = 24.0
#: Right end of the explorer's hours-above-threshold axis, fixed so that the bars can be compared
#: between settings: above the longest bar over every value of the controls (313 h, regulatory
#: T cells at 720,000 IU/kg every 12 h; a test checks them all).
_HOURS_AXIS_MAX = 350.0
_EXPLORER_RTOL = 3e-3
_EXPLORER_STEP_H = 1.0


@dataclass(frozen=True)
class CourseExplorerResult:
    """What the course explorer draws: the two-cycle course (plasma curve and hours above each
    threshold) and the cells of the lymph-node niche over the first cycle."""

    course: therapy.TreatmentCourse
    cells: therapy.PDResult


def _course_model(dose_iu_per_kg: float, interval_h: float, doses_per_cycle: int,
                  weight_kg: float) -> CourseExplorerResult:
    course = therapy.high_dose_course(dose_iu_per_kg, interval_h, int(doses_per_cycle), weight_kg,
                                     cells=SHOWN)
    first = pk.high_dose_regimen(dose_iu_per_kg, interval_h=interval_h,
                                 doses_per_cycle=int(doses_per_cycle), cycles=1)
    cells = therapy.pharmacodynamics(first, weight_kg, follow_up_h=_EXPLORER_TAIL_H,
                                     rtol=_EXPLORER_RTOL, output_step_h=_EXPLORER_STEP_H,
                                     restart_at_doses=False)
    return CourseExplorerResult(course=course, cells=cells)


def _course_view(result: CourseExplorerResult, fig: Figure, **values) -> Callable[..., bool]:
    grid = fig.add_gridspec(2, 2, width_ratios=[2.2, 1], height_ratios=[1, 1])
    ax1 = fig.add_subplot(grid[0, 0])
    ax3 = fig.add_subplot(grid[1, 0], sharex=ax1)
    ax2 = fig.add_subplot(grid[:, 1])
    course = result.course
    res = course.pk
    reg = course.regimen
    end = min(reg.scheduled_times_h()[reg.doses_per_cycle - 1] + _EXPLORER_TAIL_H, res.t_h[-1])
    keep = res.t_h <= end
    ax1.semilogy(res.t_h[keep] / _HOURS_PER_DAY, np.maximum(res.il2_pM[keep], 1e-1),
                 color=QUANTITY_COLORS["plasma"], lw=1.2)
    _threshold_lines(ax1, text=False)
    ax1.legend(loc="upper right", fontsize=7.5, ncol=3, handlelength=1.5, columnspacing=0.8)
    ax1.set_ylim(1, 1e6)
    ax1.set_xlim(0, end / _HOURS_PER_DAY)
    ax1.set_ylabel("plasma IL-2 (pM)")
    ax1.tick_params(labelbottom=False)
    ax1.set_title(f"peak {course.exposure.cmax_pM / 1000:.1f} nM, "
                  f"{reg.total_dose_iu_per_kg * course.weight_kg / 1e6:,.0f} MIU per course", fontsize=9.5)
    cells = result.cells
    _fold_panel(ax3, cells, legend=False)
    ax3.set_xlim(0, end / _HOURS_PER_DAY)
    ax3.legend(loc="upper left", fontsize=7.5, ncol=2, handlelength=1.5, columnspacing=0.8)
    ax3.set_xlabel("day of the first cycle")
    ax3.set_ylabel("niche cells\n(fold of start)")
    eng = course.engagement
    y = np.arange(len(eng.cells))
    ax2.barh(y, [eng.hours_above_threshold[c] for c in eng.cells],
             color=[CELL_COLORS[c] for c in eng.cells])
    ax2.set_yticks(y, [_LABEL[c] for c in eng.cells])
    ax2.set_xlabel("hours above threshold\n(whole course)")
    ax2.invert_yaxis()
    ax2.set_xlim(0, _HOURS_AXIS_MAX)
    # A new dose moves the curves, the title and the bars; the schedule and weight redraw it all.
    plasma = ax1.get_lines()[0]
    folds = ax3.get_lines()[:len(cells.populations)]
    bars = list(ax2.patches)
    for artist in (plasma, ax1.title, *folds, *bars):
        artist.set_animated(True)
    drawn = {k: v for k, v in values.items() if k != "dose_iu_per_kg"}

    def update(result: CourseExplorerResult, **values) -> bool:
        if {k: v for k, v in values.items() if k != "dose_iu_per_kg"} != drawn:
            return False
        course = result.course
        res = course.pk
        keep = res.t_h <= end
        plasma.set_data(res.t_h[keep] / _HOURS_PER_DAY, np.maximum(res.il2_pM[keep], 1e-1))
        ax1.set_title(f"peak {course.exposure.cmax_pM / 1000:.1f} nM, "
                      f"{course.regimen.total_dose_iu_per_kg * course.weight_kg / 1e6:,.0f} MIU per course",
                      fontsize=9.5)
        days = result.cells.t_h / _HOURS_PER_DAY
        for line, p in zip(folds, result.cells.populations):
            line.set_data(days, result.cells.fold(p))
        eng = course.engagement
        for bar, c in zip(bars, eng.cells):
            bar.set_width(eng.hours_above_threshold[c])
        return True

    return update


def course_explorer() -> Explorer:
    """Dose per kg, interval, doses per cycle and body weight: the concentration curve and the
    cells of the lymph-node niche over the first cycle, and the hours each cell type spends above
    its threshold over a two-cycle course."""
    return explore(
        _course_model,
        _course_view,
        [
            Slider("dose_iu_per_kg", "Dose", 6_000.0, 720_000.0, 600_000.0, steps=9, log=True,
                   unit="IU/kg"),
            Choice("interval_h", "Interval", [4.0, 8.0, 12.0, 24.0], 8.0, unit="h"),
            Slider("doses_per_cycle", "Doses per cycle", 1, 14, 14, steps=3, integer=True, unit="doses",
                   unit_one="dose"),
            Choice("weight_kg", "Body weight", [50.0, 70.0, 100.0], 70.0, unit="kg"),
        ],
        alt=("Top left: plasma IL-2 on a log scale over the first cycle of a course of {dose_iu_per_kg} "
             "every {interval_h}, {doses_per_cycle} per cycle, body weight {weight_kg}, with "
             "dashed lines at the thresholds of regulatory T cells, NK cells and CD8 T cells. "
             "Bottom left: regulatory T cells, NK cells and CD8 T cells of a lymph-node niche over the "
             "same days, as fold of their starting numbers on a log scale, with CD8 T cells without "
             "the drug dotted. Right: hours the concentration spends above each threshold over a "
             "two-cycle course."),
        title="Explorer 3.1: A high-dose course, the cells it reaches and how they grow",
        caption=("{dose_iu_per_kg} every {interval_h}: where the plasma curve sits against each "
                 "threshold (top), how the niche cells respond over the first cycle (bottom), and "
                 "the hours above each threshold over two cycles (right)."),
        width_in=8.0,
        height_in=5.2,
    )


#: Every explorer of the chapter (benchmarks and tests iterate over it).
EXPLORERS: dict[str, Callable[[], Explorer]] = {"course": course_explorer}
