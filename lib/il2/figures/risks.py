"""Figures and explorers of the chapter "Risks and side effects" (chapters/04_risks.ipynb).

Each ``draw_*`` function draws results of the library (:mod:`il2.toxicity`, :mod:`il2.pk`,
:mod:`il2.therapy`) in the house style (:func:`il2.plotting.new_figure`); the notebook shows the
model call and passes its result to ``draw_*``; each ``*_figure`` does both with the chapter's
defaults. :data:`EXPLORERS` lists the interactive figures.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
from matplotlib.figure import Figure

from il2 import pk, toxicity, units
from il2.explore import Choice, Explorer, Slider, explore
from il2.plotting import CELL_COLORS, QUANTITY_COLORS, legend_below, new_figure, styled
from il2.toxicity import adverse_events, fluids

__all__ = [
    "EXPLORERS",
    "RisksNumbers",
    "chapter_numbers",
    "adverse_event_table_markdown",
    "draw_course",
    "draw_starling",
    "draw_circulation",
    "draw_fever",
    "draw_management",
    "draw_window",
    "starling_figure",
    "course_figure",
    "fever_figure",
    "circulation_figure",
    "single_dose_fever",
    "management_figure",
    "window_figure",
    "window_result",
    "efficacy_threshold_pM",
    "dose_explorer",
    "fluid_explorer",
    "vasopressor_explorer",
]

_DAY_H = 24.0
_HOLD = toxicity.ManagementParameters().hold_systolic_mmHg
#: Textor's IV fluid on top of maintenance (derived in il2.toxicity.course from the record).
_FLUID = toxicity.ManagementParameters().fluid_ml_per_h
_TEXTOR = toxicity.measured.TEXTOR_COURSE
_TEXTOR_DAY = _TEXTOR.days
#: Daily doses scanned for the therapeutic window (IU/kg/day); the label's is 1.8 million.
WINDOW_DAILY_DOSES = 1.8e6 * 2.0 ** np.arange(-5, 2)
#: Panel colours: quantities of the house palette (plasma for albumin, interstitium for weight).
_C = {
    "il2": QUANTITY_COLORS["IL-2"],
    "plasma": QUANTITY_COLORS["plasma"],
    "tissue": QUANTITY_COLORS["interstitium"],
    "pressure": QUANTITY_COLORS["pressure"],
    "grey": QUANTITY_COLORS["threshold"],
}
#: Temperature axis (°C) and time span (h) of the fever figure.
FEVER_AXIS_C = (36.8, 40.5)
FEVER_SPAN_H = 24.0
_SCHEDULE_STYLE = ("-", "--", ":")
_SCHEDULE_MARK = ("o", "s", "^")


def efficacy_threshold_pM() -> float:
    """The NK-cell threshold of the therapy chapter (:func:`il2.toxicity.window.efficacy_threshold_pM`)."""
    return toxicity.window.efficacy_threshold_pM()


@functools.lru_cache(maxsize=4)
def _course(dose_iu_per_kg: float = 600_000.0, fluid_ml_per_h: float | None = None,
            vasopressor: float = 0.0, hold_doses: bool = True) -> toxicity.CourseResult:
    return toxicity.simulate_course(toxicity.five_day_regimen(dose_iu_per_kg),
                                    fluid_ml_per_h=fluid_ml_per_h, vasopressor=vasopressor,
                                    hold_doses=hold_doses)


@functools.lru_cache(maxsize=2)
def window_result() -> toxicity.WindowResult:
    """The therapeutic-window scan used by :func:`window_figure` (cached)."""
    return toxicity.therapeutic_window(WINDOW_DAILY_DOSES, threshold_pM=efficacy_threshold_pM())


# ---------------------------------------------------------------------------------------
# Numbers quoted in the chapter text
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RisksNumbers:
    """Numbers the chapter quotes, all computed by the library (for ``glue``)."""

    plasma_l: float
    interstitial_l: float
    plasma_cop: float
    interstitial_cop: float
    capillary_pressure: float
    net_filtration_pressure: float
    kf_ml_min_mmhg: float
    lymph_l_day: float
    albumin0: float
    interstitial_albumin0: float
    reflection0: float
    textbook_cop: float
    fluid_l: float
    weight_gain_end: float
    weight_gain_max: float
    albumin_end: float
    albumin_nadir: float
    min_sbp: float
    hours_hypotensive: float
    doses_held: int
    doses_scheduled: int
    max_temp: float
    hct0: float
    hct_mean: float
    urine_l: float
    peak_filtration_l_day: float
    peak_lymph_l_day: float
    max_interstitial_gain_l: float
    unheld_weight_gain: float
    unheld_min_sbp: float
    unheld_albumin: float
    no_fluid_weight_gain: float
    no_fluid_min_sbp: float
    no_fluid_held: int
    pressor_min_sbp: float
    pressor_held: int
    pressor_weight_gain: float
    pressor_same_exposure_min_sbp: float
    pressor_same_exposure_oedema_l: float
    no_pressor_oedema_l: float
    low_dose_weight_gain: float
    low_dose_min_sbp: float
    nk_threshold_pM: float
    nk_threshold_iu_ml: float
    label_hours_above: float
    label_daily_dose: float
    fever_onset_h: float
    chills_onset_h: float
    max_heart_rate: float
    heart_rate0: float
    cardiac_output_at_nadir: float
    cardiac_output0: float
    resistance_at_nadir: float
    peak_iu_per_ml: float
    activation_max: float
    systolic0: float
    systolic_min_first_day: float
    systolic_max_after_first_day: float
    interstitial_albumin_range: tuple[float, float]
    max_interstitial_day: float
    oncotic_term0: float
    oncotic_term_at_max_interstitial: float
    interstitial_pressure0: float
    interstitial_pressure_at_max_interstitial: float
    cardiac_output_max_ratio: float
    resistance_min_ratio: float
    mean_pressure_min_ratio: float
    chills_end_h: float
    management_systolic_range: tuple[float, float]


def chapter_numbers() -> RisksNumbers:
    """Compute every number the chapter quotes (70 kg adult, the label's five-day cycle)."""
    b = toxicity.baseline(70.0)
    c = _course()
    un = _course(hold_doses=False)
    dry = _course(fluid_ml_per_h=0.0)
    vaso = _course(vasopressor=1.0)
    low = _course(dose_iu_per_kg=60_000.0)
    same_none = toxicity.simulate_exposure(c.t_h, c.iu_per_ml)
    same_vaso = toxicity.simulate_exposure(c.t_h, c.iu_per_ml, vasopressor=1.0)
    dosing = c.t_h < c.scheduled_times_h[-1] + 8.0
    thr = efficacy_threshold_pM()
    w = window_result()
    label = int(np.argmin(np.abs(w.daily_doses_iu_per_kg - 1.8e6)))
    nadir = int(np.argmin(c.systolic_pressure_mmHg))
    k = int(np.argmax(c.interstitial_volume_l))
    starling_before, starling_at_k = toxicity.starling_forces(c), toxicity.starling_forces(c, k)
    hp = toxicity.HemodynamicParameters()
    first_day = c.t_h <= _DAY_H
    fever = single_dose_fever()
    chill = np.flatnonzero(fever.chills)  # the first chill after one dose: its last sample
    breaks = np.flatnonzero(np.diff(chill) > 1)
    chill_end = chill[breaks[0]] if breaks.size else (chill[-1] if chill.size else None)
    managed = [r.systolic_pressure_mmHg for r in (dry, c, vaso)]
    return RisksNumbers(
        plasma_l=b.plasma_volume_l,
        interstitial_l=b.interstitial_volume_l,
        plasma_cop=b.plasma_cop_mmHg,
        interstitial_cop=b.interstitial_cop_mmHg,
        capillary_pressure=b.capillary_pressure_mmHg,
        net_filtration_pressure=b.net_filtration_pressure_mmHg,
        kf_ml_min_mmhg=b.filtration_coefficient_l_per_h_mmHg * 1000 / 60,
        lymph_l_day=b.lymph_flow_l_per_h * _DAY_H,
        albumin0=b.plasma_albumin_g_per_dl,
        interstitial_albumin0=b.interstitial_albumin_g_per_dl,
        reflection0=b.reflection_coefficient,
        textbook_cop=float(fluids.colloid_osmotic_pressure_mmHg(4.5)),
        fluid_l=float(c.fluid_in_l[-1]),
        weight_gain_end=float(c.weight_kg[-1] - c.weight_at_start_kg),
        weight_gain_max=c.weight_gain_kg,
        albumin_end=float(c.albumin_g_per_dl[-1]),
        albumin_nadir=c.albumin_nadir_g_per_dl,
        min_sbp=c.min_systolic_mmHg,
        hours_hypotensive=c.hours_below_systolic(_HOLD),
        doses_held=c.doses_held,
        doses_scheduled=int(c.given.size),
        max_temp=c.max_temperature_c,
        hct0=float(c.hematocrit[0]),
        hct_mean=float(c.hematocrit[dosing].mean()),
        urine_l=float(c.urine_out_l[-1]),
        peak_filtration_l_day=float(c.filtration_l_per_h.max() * _DAY_H),
        peak_lymph_l_day=float(c.lymph_l_per_h.max() * _DAY_H),
        max_interstitial_gain_l=float(c.interstitial_volume_l.max() - b.interstitial_volume_l),
        unheld_weight_gain=un.weight_gain_kg,
        unheld_min_sbp=un.min_systolic_mmHg,
        unheld_albumin=un.albumin_nadir_g_per_dl,
        no_fluid_weight_gain=dry.weight_gain_kg,
        no_fluid_min_sbp=dry.min_systolic_mmHg,
        no_fluid_held=dry.doses_held,
        pressor_min_sbp=vaso.min_systolic_mmHg,
        pressor_held=vaso.doses_held,
        pressor_weight_gain=vaso.weight_gain_kg,
        pressor_same_exposure_min_sbp=same_vaso.min_systolic_mmHg,
        pressor_same_exposure_oedema_l=float(same_vaso.interstitial_volume_l.max() - b.interstitial_volume_l),
        no_pressor_oedema_l=float(same_none.interstitial_volume_l.max() - b.interstitial_volume_l),
        low_dose_weight_gain=low.weight_gain_kg,
        low_dose_min_sbp=low.min_systolic_mmHg,
        nk_threshold_pM=thr,
        nk_threshold_iu_ml=float(units.pM_to_iu_per_ml(thr)),
        label_hours_above=float(w.hours_above_threshold[0, label]),
        label_daily_dose=float(w.daily_doses_iu_per_kg[label]),
        fever_onset_h=single_dose_fever().onset_h(),
        chills_onset_h=single_dose_fever().chills_onset_h(),
        max_heart_rate=c.max_heart_rate_bpm,
        heart_rate0=float(c.heart_rate_bpm[0]),
        cardiac_output_at_nadir=float(c.cardiac_output_l_per_min[nadir]),
        cardiac_output0=float(c.cardiac_output_l_per_min[0]),
        resistance_at_nadir=float(c.resistance_ratio[nadir]),
        peak_iu_per_ml=float(c.iu_per_ml.max()),
        activation_max=float(c.activation.max()),
        systolic0=float(c.systolic_pressure_mmHg[0]),
        systolic_min_first_day=float(c.systolic_pressure_mmHg[first_day].min()),
        systolic_max_after_first_day=float(c.systolic_pressure_mmHg[~first_day].max()),
        interstitial_albumin_range=(float(c.interstitial_albumin_g_per_dl.min()),
                                    float(c.interstitial_albumin_g_per_dl.max())),
        max_interstitial_day=float(c.t_h[k] / _DAY_H),
        oncotic_term0=starling_before[2],
        oncotic_term_at_max_interstitial=starling_at_k[2],
        interstitial_pressure0=starling_before[1],
        interstitial_pressure_at_max_interstitial=starling_at_k[1],
        cardiac_output_max_ratio=float(c.cardiac_output_l_per_min.max() / hp.cardiac_output_l_per_min),
        resistance_min_ratio=float(c.resistance_ratio.min()),
        mean_pressure_min_ratio=float(c.mean_pressure_mmHg.min() / hp.mean_pressure_mmHg),
        chills_end_h=float(fever.t_h[chill_end]) if chill_end is not None else float("nan"),
        management_systolic_range=(float(min(s.min() for s in managed)), float(max(s.max() for s in managed))),
    )


def adverse_event_table_markdown() -> str:
    """The label's adverse events (n = 525) as a MyST table, grouped by the book's mechanisms."""
    lines = ["| Adverse event | Patients (%) | Mechanism in this chapter | In the model |", "|---|---:|---|---|"]
    for a in adverse_events.adverse_event_table():
        mark = "†" if a.name in adverse_events.RATES_NOT_RECHECKED else ""
        name = f"{a.name} ({a.note})" if a.note else a.name
        lines.append(f"| {name} | {a.percent:.0f}{mark} | {a.mechanism} | {'yes' if a.modelled else 'no'} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------
# Static figures
# ---------------------------------------------------------------------------------------


@styled
def draw_starling(course: toxicity.CourseResult, before: toxicity.StarlingForces,
                  during: toxicity.StarlingForces, index: int) -> Figure:
    """The Starling forces before treatment and at one time of a course, and the flows they drive.

    Parameters
    ----------
    course
        :func:`il2.toxicity.simulate_course` result (its filtration and lymph flow are drawn).
    before, during
        :func:`il2.toxicity.starling_forces` before treatment and at output ``index``.
    index
        The output of ``course`` that ``during`` belongs to (its day names the bars).
    """
    c, k = course, index
    fig, (ax1, ax2) = new_figure(1, 2, width_in=8.0, height_in=3.5)
    labels = ["$P_c$\ncapillary", "$P_i$\ninterstitial", "$\\sigma\\pi_p$\nplasma oncotic",
              "$\\sigma\\pi_i$\ntissue oncotic"]
    x = np.arange(4)
    ax1.bar(x - 0.2, list(before), 0.4, color=_C["grey"], label="before treatment")
    ax1.bar(x + 0.2, list(during), 0.4, color=_C["pressure"], label=f"day {c.t_h[k] / _DAY_H:.1f}")
    ax1.axhline(0, color="black", lw=0.8)
    ax1.set_xticks(x, labels, fontsize=8.5)
    ax1.set_ylabel("pressure (mmHg)")
    ax1.set_title("Starling forces")
    ax1.legend(fontsize=8.5)
    days = c.t_h / _DAY_H
    ax2.plot(days, c.filtration_l_per_h * _DAY_H, color=_C["pressure"], lw=1.3, label="capillary filtration")
    ax2.plot(days, c.lymph_l_per_h * _DAY_H, color=_C["tissue"], lw=1.3, ls="--", label="lymph return")
    ax2.set_xlabel("day of the course")
    ax2.set_ylabel("flow (L/day)")
    ax2.set_title("Fluid out of and back into the blood")
    ax2.legend(fontsize=8.5, loc="lower right")
    ax2.set_xlim(0, days[-1])
    return fig


def starling_figure() -> Figure:
    """The Starling forces before treatment and at the worst of the leak, and the flows they drive."""
    c = _course()
    k = int(np.argmax(c.interstitial_volume_l))
    return draw_starling(c, toxicity.starling_forces(c), toxicity.starling_forces(c, k), k)


def _day_axis(ax: Any, last_day: float) -> None:
    """Days 0 to ``last_day`` on the x axis, with 2% of the span to spare either side, so that a
    marker on the first or the last day (a measurement, a dose) is drawn whole."""
    pad = 0.02 * float(last_day)
    ax.set_xlim(-pad, float(last_day) + pad)


def _mark_doses(ax: Any, result: toxicity.CourseResult, y: float, *, text: bool = False) -> None:
    """Tick marks at the top of an axis: filled for doses given, crosses for doses held."""
    given = result.scheduled_times_h[result.given] / _DAY_H
    held = result.scheduled_times_h[~result.given] / _DAY_H
    ax.plot(given, np.full(given.size, y), "v", color=_C["il2"], ms=4.5, clip_on=False,
            label="dose given" if text else None)
    ax.plot(held, np.full(held.size, y), "x", color=_C["pressure"], ms=6, mew=1.8, clip_on=False,
            label="dose held" if text else None)


@styled
def draw_course(course: toxicity.CourseResult) -> Figure:
    """A course of :func:`il2.toxicity.simulate_course`: plasma IL-2 and endothelial activation,
    blood pressure and doses held, where the fluid goes, albumin; with Textor et al.'s
    measurements (:data:`il2.toxicity.TEXTOR_COURSE`)."""
    c = course
    days = c.t_h / _DAY_H
    fig, axes = new_figure(2, 2, width_in=8.0, height_in=6.4)  # legends under the panels
    ax = axes[0, 0]
    ax.semilogy(days, np.maximum(c.iu_per_ml, 0.1), color=_C["il2"], lw=0.9, label="plasma IL-2")
    ax.set_ylim(1, 3e4)
    ax.set_ylabel("plasma IL-2 (IU/mL)")
    twin = ax.twinx()
    twin.plot(days, c.activation, color=_C["pressure"], lw=1.8, label="endothelial activation")
    twin.set_ylim(0, 1)
    twin.set_ylabel("activation $E$", color=_C["pressure"])
    twin.grid(False)
    ax.set_title("IL-2 and the vessel wall")
    _mark_doses(ax, c, 1.8e4)  # whole inside the axes, above the peaks
    ax = axes[0, 1]
    ax.plot(days, c.systolic_pressure_mmHg, color=_C["pressure"], lw=1.5, label="systolic")
    ax.plot(days, c.mean_pressure_mmHg, color=_C["pressure"], lw=1.0, ls="--", label="mean")
    ax.axhline(_HOLD, color=_C["grey"], ls=":", lw=1.2, label=f"hold below {_HOLD:.0f}")
    _mark_doses(ax, c, 137, text=True)
    ax.set_ylim(40, 140)  # the systolic pressure ends the course a little above 130
    ax.set_ylabel("arterial pressure (mmHg)")
    ax.set_title(f"Blood pressure: {c.doses_held} of {c.given.size} doses held")
    legend_below(ax, 3)
    ax = axes[1, 0]
    ax.plot(days, c.weight_kg - c.weight_at_start_kg, color=_C["tissue"], lw=1.8, label="weight gain")
    ax.plot(days, c.interstitial_volume_l - c.interstitial_volume_l[0], color=_C["tissue"], lw=1.0,
            ls="--", label="interstitial fluid")
    ax.plot(days, c.plasma_volume_l - c.plasma_volume_l[0], color=_C["plasma"], lw=1.0, label="plasma")
    ax.plot([_TEXTOR_DAY], [_TEXTOR.weight_gain_kg], "D", color="black", ms=5, clip_on=False,
            label=f"Textor et al., day {_TEXTOR_DAY:g}")
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xlabel("day of the course")
    ax.set_ylabel("change (kg or L)")
    ax.set_title("Where the fluid goes")
    legend_below(ax, 2)
    ax = axes[1, 1]
    ax.plot(days, c.albumin_g_per_dl, color=_C["plasma"], lw=1.8, label="serum")
    ax.plot(days, c.interstitial_albumin_g_per_dl, color=_C["tissue"], lw=1.2, ls="--", label="interstitial")
    ax.plot([0.0, _TEXTOR_DAY], [_TEXTOR.albumin_before_g_per_dl, _TEXTOR.albumin_after_g_per_dl], "D",
            color="black", ms=5, clip_on=False, label="Textor et al.")
    ax.set_ylim(0, 4)
    ax.set_xlabel("day of the course")
    ax.set_ylabel("albumin (g/dL)")
    ax.set_title("Albumin leaves the blood")
    legend_below(ax, 3)  # the curves fill the panels: every legend goes under its panel
    for a in axes.ravel():
        _day_axis(a, days[-1])
    return fig


def course_figure() -> Figure:
    """The label's five-day course with Textor's fluid support: leak, pressure, weight, albumin."""
    return draw_course(_course())


@functools.lru_cache(maxsize=2)
def single_dose_fever(dose_iu_per_kg: float = 600_000.0) -> toxicity.fever.FeverResult:
    """Fever after one label infusion (70 kg), on a 2-min grid over 12 h."""
    t = np.arange(0.0, 12.0 + 1e-9, toxicity.course.DEFAULT_STEP_H)
    c = pk.concentration_iu_per_ml(t, [0.0], [dose_iu_per_kg * 70.0], infusion_h=0.25, weight_kg=70.0)
    return toxicity.fever_response(t, c)


@styled
def draw_fever(course: toxicity.CourseResult, fever: toxicity.fever.FeverResult) -> Figure:
    """Temperature, set point and chills after the first doses, with the doses of ``course``
    (dotted) and the fever latency Michie et al. measured after a bolus
    (:data:`il2.toxicity.MICHIE_FEVER`); drawn over :data:`FEVER_SPAN_H` hours.

    Parameters
    ----------
    course
        :func:`il2.toxicity.simulate_course` result (its dose times).
    fever
        :func:`il2.toxicity.fever_response` to the course's plasma IL-2.
    """
    c, f = course, fever
    t = f.t_h
    m = toxicity.MICHIE_FEVER
    fig, ax = new_figure(width_in=7.0, height_in=3.4)
    ymin, ymax = FEVER_AXIS_C
    ax.axvspan(m.onset_earliest_h, m.onset_latest_h, color=_C["grey"], alpha=0.25, lw=0,
               label="fever onset after a bolus\n(Michie et al. 1988)")
    ax.plot(t, f.set_point_c, color=_C["grey"], lw=1.2, ls="--", label="hypothalamic set point")
    ax.plot(t, f.temperature_c, color=_C["pressure"], lw=1.8, label="core temperature")
    ax.fill_between(t, ymin, ymax, where=f.chills, color=_C["plasma"], alpha=0.3, lw=0, label="chills")
    ax.axhline(f.fever_threshold_c, color="black", lw=0.6, ls=":")
    onset = f.onset_h()
    ax.plot([onset], [f.fever_threshold_c], "o", color=_C["pressure"], ms=5, clip_on=False,
            label=f"model: fever at {onset:.1f} h")
    doses = c.scheduled_times_h[c.scheduled_times_h <= FEVER_SPAN_H]
    for d in doses:
        ax.axvline(d, color=_C["il2"], lw=0.8, ls=":")
    ax.set_ylim(ymin, ymax)
    ax.set_xlim(0, FEVER_SPAN_H)
    ax.set_xticks(np.arange(0, FEVER_SPAN_H + 1, 4))
    ax.set_xlabel("hours after the first dose (dotted lines: infusions)")
    ax.set_ylabel("temperature (°C)")
    ax.legend(fontsize=7.5, loc="upper right", ncol=2)
    return fig


def fever_figure() -> Figure:
    """The first day: each infusion is followed hours later by a chill, then fever; the onset
    after the first dose set against the latency Michie et al. measured after a bolus."""
    c = _course()
    keep = c.t_h <= FEVER_SPAN_H
    return draw_fever(c, toxicity.fever_response(c.t_h[keep], c.iu_per_ml[keep]))


@styled
def draw_circulation(course: toxicity.CourseResult) -> Figure:
    """The hyperdynamic circulation of a course: heart rate, and cardiac output, vascular
    resistance and mean pressure relative to the baseline of the course's parameters, with the
    heart rates Fragasso et al. measured before and after five days."""
    c = course
    days = c.t_h / _DAY_H
    fr = toxicity.measured.FRAGASSO_1994
    hp = c.params.hemodynamics
    fig, (ax1, ax2) = new_figure(1, 2, width_in=8.0, height_in=3.8)  # legends under the panels
    ax1.plot(days, c.heart_rate_bpm, color=_C["pressure"], lw=1.5, label="model")
    ax1.plot([0.0, 5.0], [fr.heart_rate_before_bpm, fr.heart_rate_during_bpm], "D", color="black", ms=5,
             clip_on=False, label="Fragasso et al. 1994 (before, end)")
    ax1.set_ylabel("heart rate (beats/min)")
    ax1.set_title("Tachycardia")
    ax2.plot(days, c.cardiac_output_l_per_min / hp.cardiac_output_l_per_min, color=_C["pressure"], lw=1.5,
             label="cardiac output")
    ax2.plot(days, c.resistance_ratio, color=_C["tissue"], lw=1.5, ls="--", label="vascular resistance")
    ax2.plot(days, c.mean_pressure_mmHg / hp.mean_pressure_mmHg, color=_C["grey"], lw=1.2, ls=":",
             label="mean pressure")
    ax2.axhline(1.0, color="black", lw=0.6)
    ax2.set_ylabel("relative to baseline")
    ax2.set_title("Flow up, resistance down")
    # the curves fill both panels: the legends go under them
    for a, ncol in ((ax1, 1), (ax2, 2)):
        a.set_xlabel("day of the course")
        _day_axis(a, max(days[-1], 5.0))
        legend_below(a, ncol)
    return fig


def circulation_figure() -> Figure:
    """The hyperdynamic circulation of the course: heart rate, cardiac output and vascular
    resistance, with the heart rates Fragasso et al. measured before and after five days."""
    return draw_circulation(_course())


#: Colour and line style of successive cases of the management figure.
_CASE_STYLES = ((_C["grey"], ":"), (_C["tissue"], "-"), (_C["pressure"], "--"), (_C["il2"], "-."))


@styled
def draw_management(cases: Mapping[str, toxicity.CourseResult]) -> Figure:
    """Systolic pressure (with the doses held) and weight gain for several managed courses.

    Parameters
    ----------
    cases
        Legend label -> :func:`il2.toxicity.simulate_course` result.
    """
    fig, (ax1, ax2) = new_figure(1, 2, width_in=8.0, height_in=3.4)
    for i, (label, r) in enumerate(cases.items()):
        color, ls = _CASE_STYLES[i % len(_CASE_STYLES)]
        days = r.t_h / _DAY_H
        ax1.plot(days, r.systolic_pressure_mmHg, color=color, ls=ls, lw=1.4,
                 label=f"{label} ({r.doses_held} held)")
        ax2.plot(days, r.weight_kg - r.weight_at_start_kg, color=color, ls=ls, lw=1.6, label=label)
    ax1.axhline(_HOLD, color="black", lw=0.7)
    ax1.set_ylim(50, 135)
    ax1.set_ylabel("systolic pressure (mmHg)")
    ax1.set_title("Pressure and doses held")
    ax1.legend(fontsize=7.5, loc="lower left")
    ax2.set_ylabel("weight gain (kg)")
    ax2.set_title("Oedema")
    for a in (ax1, ax2):
        a.set_xlabel("day of the course")
        a.set_xlim(0, 5)
    return fig


def management_figure() -> Figure:
    """Fluids and vasopressors: what each does to pressure, weight and the doses given."""
    return draw_management({"no extra fluid": _course(fluid_ml_per_h=0.0), "Textor's fluid": _course(),
                            "fluid + vasopressor": _course(vasopressor=1.0)})


@styled
def draw_window(window: toxicity.WindowResult) -> Figure:
    """The therapeutic window: hours above the NK threshold against two toxicities (hours of
    hypotension, weight gain), by daily dose and schedule (the label's dose marked).

    Parameters
    ----------
    window
        :func:`il2.toxicity.therapeutic_window` result.
    """
    w = window
    doses = w.daily_doses_iu_per_kg
    fig, (ax1, ax2, ax3) = new_figure(1, 3, width_in=9.6, height_in=3.6)
    for i, s in enumerate(w.schedules):
        style = dict(ls=_SCHEDULE_STYLE[i], marker=_SCHEDULE_MARK[i], ms=4, lw=1.4)
        ax1.plot(doses, w.hours_above_threshold[i], color=CELL_COLORS["NK"], label=s.name, **style)
        ax2.plot(doses, w.hours_hypotensive[i], color=_C["pressure"], label=s.name, **style)
        ax3.plot(doses, w.weight_gain_kg[i], color=_C["tissue"], label=s.name, **style)
    for ax in (ax1, ax2, ax3):
        ax.set_xscale("log")
        ax.axvline(1.8e6, color=_C["grey"], lw=1.0, ls=":")
        ax.set_xlabel("daily dose (IU/kg per day)")
    ax1.text(1.8e6, 0.03, " label", transform=ax1.get_xaxis_transform(), fontsize=8, color=_C["grey"], va="bottom")
    ax1.set_ylabel("hours above the NK threshold")
    ax1.set_title("Benefit: NK and CD8 exposure")
    ax1.legend(fontsize=7.5, loc="upper left")
    ax2.set_ylabel(f"hours with systolic < {_HOLD:.0f} mmHg")
    ax2.set_title("Harm: hypotension")
    ax3.set_ylabel("largest weight gain (kg)")
    ax3.set_title("Harm: oedema")
    # Doses held by the pressure rule, as readable labels beside their markers: above them for
    # the continuous infusion (the top curve), up and to the left for the scheduled infusions.
    ax2.set_ylim(-4, 1.12 * float(np.max(w.hours_hypotensive)) + 4)
    for i in range(len(w.schedules)):
        above = i == len(w.schedules) - 1
        for j, d in enumerate(doses):
            if w.doses_held[i, j]:
                ax2.annotate(f"{w.doses_held[i, j]} held", (d, w.hours_hypotensive[i, j]), fontsize=8.5,
                             textcoords="offset points", xytext=(0, 6) if above else (-6, 4),
                             ha="center" if above else "right", va="bottom", color="black",
                             bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.85))
    return fig


def window_figure() -> Figure:
    """The therapeutic window: hours above the NK threshold against two toxicities (hours of
    hypotension, weight gain), by daily dose and schedule (the label's dose marked)."""
    return draw_window(window_result())


# ---------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------


def _explorer_model(dose_iu_per_kg: float = 600_000.0, fluid_ml_per_h: float = _FLUID,
                    vasopressor: float = 0.0) -> toxicity.CourseResult:
    return toxicity.simulate_course(toxicity.five_day_regimen(float(dose_iu_per_kg)),
                                    fluid_ml_per_h=float(fluid_ml_per_h), vasopressor=float(vasopressor))


def _explorer_view(result: toxicity.CourseResult, fig: Figure, **values: Any) -> Callable[..., None]:
    days = result.t_h / _DAY_H
    axes = fig.subplots(1, 3)
    ax = axes[0]
    pressure, = ax.plot(days, result.systolic_pressure_mmHg, color=_C["pressure"], lw=1.4)
    ax.axhline(_HOLD, color=_C["grey"], ls=":", lw=1.1)
    _mark_doses(ax, result, 146)
    given, held = ax.get_lines()[-2:]
    for marks in (given, held):  # inside the axes; an empty set of marks must not move the layout
        marks.set_in_layout(False)
    ax.set_ylim(40, 150)
    ax.set_ylabel("systolic pressure (mmHg)")
    ax = axes[1]
    weight, = ax.plot(days, result.weight_kg - result.weight_at_start_kg, color=_C["tissue"], lw=1.6)
    ax.plot([_TEXTOR_DAY], [_TEXTOR.weight_gain_kg], "D", color="black", ms=4, clip_on=False)
    ax.set_ylim(-1, 14)
    ax.set_ylabel("weight gain (kg)")
    ax = axes[2]
    albumin, = ax.plot(days, result.albumin_g_per_dl, color=_C["plasma"], lw=1.6)
    ax.plot([0.0, _TEXTOR_DAY], [_TEXTOR.albumin_before_g_per_dl, _TEXTOR.albumin_after_g_per_dl], "D",
            color="black", ms=4, clip_on=False)
    ax.set_ylim(1, 4)
    ax.set_ylabel("serum albumin (g/dL)")
    for a in axes:
        _day_axis(a, 5.0)
        a.set_xlabel("day")

    def update(result: toxicity.CourseResult, **values: Any) -> None:
        days = result.t_h / _DAY_H
        pressure.set_data(days, result.systolic_pressure_mmHg)
        weight.set_data(days, result.weight_kg - result.weight_at_start_kg)
        albumin.set_data(days, result.albumin_g_per_dl)
        given_t = result.scheduled_times_h[result.given] / _DAY_H
        held_t = result.scheduled_times_h[~result.given] / _DAY_H
        given.set_data(given_t, np.full(given_t.size, 146.0))
        held.set_data(held_t, np.full(held_t.size, 146.0))
        axes[0].set_title(f"{result.doses_held} of {result.given.size} doses held", fontsize=10)
        axes[1].set_title(f"max {result.weight_gain_kg:.1f} kg", fontsize=10)
        axes[2].set_title(f"lowest {result.albumin_nadir_g_per_dl:.1f} g/dL", fontsize=10)

    update(result)
    for artist in (pressure, weight, albumin, given, held, *(a.title for a in axes)):
        artist.set_animated(True)
    return update


def _alt(dose: str, fluid: str, vasopressor: str) -> str:
    """Alt text with the explorer's own placeholders (``{name}``) and the fixed values spelled out."""
    return (f"Three panels over the five days of a high-dose course of {dose} every 8 hours with "
            f"{fluid} of IV fluid and {vasopressor}: systolic blood pressure with the 90 mmHg hold "
            "line, triangles for doses given and crosses for doses held; weight gain; and serum "
            "albumin, with black diamonds at the values reported by Textor et al.")
_SIZE = dict(width_in=8.4, height_in=3.0)


def dose_explorer() -> Explorer:
    """Dose per infusion (with or without extra fluid): pressure, weight, albumin and doses held."""
    return explore(
        _explorer_model, _explorer_view,
        [Slider("dose_iu_per_kg", "Dose per infusion", 60_000.0, 720_000.0, 600_000.0, steps=9,
                log=True, unit="IU/kg"),
         Choice("fluid_ml_per_h", "IV fluid", [("none", 0.0), (f"{_FLUID:.0f} mL/h (Textor)", _FLUID)],
                _FLUID)],
        fixed={"vasopressor": 0.0}, alt=_alt("{dose_iu_per_kg}", "{fluid_ml_per_h}", "no vasopressor"),
        title="Explorer 4.1: Dose and toxicity", **_SIZE,
        caption=("{dose_iu_per_kg} per infusion with {fluid_ml_per_h} of IV fluid: count the doses "
                 "held (crosses) and compare weight gain and albumin with Textor's values (diamonds)."),
    )


def fluid_explorer() -> Explorer:
    """IV fluid rate on top of maintenance: more fluid props up pressure and feeds the oedema."""
    return explore(
        _explorer_model, _explorer_view,
        [Slider("fluid_ml_per_h", "IV fluid", 0.0, 240.0, 180.0, steps=9, unit="mL/h")],
        fixed={"dose_iu_per_kg": 600_000.0, "vasopressor": 0.0},
        alt=_alt("600,000 IU/kg", "{fluid_ml_per_h}", "no vasopressor"),
        title="Explorer 4.2: Fluids: pressure against oedema", **_SIZE,
        caption=("{fluid_ml_per_h} of IV fluid: more fluid props up the pressure and lets more doses "
                 "be given, and adds to the weight gain."),
    )


def vasopressor_explorer() -> Explorer:
    """Ceiling of a vasopressor titrated to systolic 95 mmHg: pressure up, leak not cured."""
    return explore(
        _explorer_model, _explorer_view,
        [Slider("vasopressor", "Vasopressor ceiling (rise in resistance)", 0.0, 1.5, 1.0, steps=7,
                fmt=".0%")],
        fixed={"dose_iu_per_kg": 600_000.0, "fluid_ml_per_h": _FLUID},
        alt=_alt("600,000 IU/kg", f"{_FLUID:.0f} mL/h", "a vasopressor titrated to systolic 95 mmHg with "
                 "ceiling {vasopressor} (largest rise in vascular resistance)"),
        title="Explorer 4.3: Vasopressors: pressure without repair", **_SIZE,
        caption=("A vasopressor allowed to raise vascular resistance by up to {vasopressor}: compare "
                 "the pressure and doses given with the weight gain and albumin."),
    )


#: Every explorer of the chapter (benchmarks and tests iterate over it).
EXPLORERS: dict[str, Callable[[], Explorer]] = {
    "dose": dose_explorer,
    "fluids": fluid_explorer,
    "vasopressor": vasopressor_explorer,
}
