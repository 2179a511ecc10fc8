r"""The therapeutic window: how much IL-2 reaches the killer cells against how much harm it does.

**Efficacy** is measured as the time during a course that plasma IL-2 stays above the
concentration at which NK and CD8 T cells respond. These cells carry the intermediate-affinity
receptor (IL-2Rβ with the common γ chain) and little CD25, so they need nanomolar IL-2. The
threshold is *derived* from the receptor model, never typed: the concentration at which NK
cells reach half their maximal pSTAT5 in the therapy chapter's exposure
(:func:`efficacy_threshold_pM`, which calls :func:`il2.therapy.threshold_pM`; reference
:cite:alp:`farhat2021` for the measured responses the signalling model is checked against). **Toxicity** is measured by the capillary-leak model
(:mod:`il2.toxicity.course`): weight gained, the lowest systolic pressure, hours below
90 mmHg, and the doses the hold rule withholds.

Scanning daily dose and schedule shows the window: exposure of the killer cells rises with
dose, but so does the leak, and above a certain dose the hold rule withholds so many doses
that exposure no longer rises while toxicity does.

The receptor model (:class:`il2.receptors.ReceptorModel`) that sets the threshold is an
argument, so an engineered IL-2 or changed receptor counts move the window's efficacy too.

Imports: :mod:`il2.pk`, :mod:`il2.therapy`, :mod:`il2.receptors`, :mod:`il2.units`,
:mod:`il2.registry`, :mod:`il2.validation`, :mod:`il2.toxicity.course` (the toxicity layer sits
above therapy, which never imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2 import pk, therapy
from il2.receptors import DEFAULT_MODEL, ReceptorModel
from il2.registry import CitedParameters, cited, register
from il2.toxicity.course import ToxicityParameters, simulate_course
from il2.toxicity.measured import TEXTOR_COURSE
from il2.units import pM_to_iu_per_ml
from il2.validation import check_array, check_scalar

__all__ = [
    "WindowParameters",
    "Schedule",
    "SCHEDULES",
    "WindowResult",
    "efficacy_threshold_pM",
    "efficacy_threshold_iu_per_ml",
    "schedule_regimen",
    "therapeutic_window",
]


@register("Therapeutic window")
@dataclass(frozen=True)
class WindowParameters(CitedParameters):
    """The length of the simulated course (the efficacy threshold is derived, see
    :func:`efficacy_threshold_pM`; the span of a cycle comes from the label's regimen)."""

    observation_h: float = cited(
        TEXTOR_COURSE.duration_h, "h", "Length of the simulated course (five days, as in Textor et al.)",
        "textor1987", low=0, low_open=True,
        note="from il2.toxicity.measured.TEXTOR_COURSE",
    )

    @property
    def course_span_h(self) -> float:
        """Time covered by the doses of one label cycle (doses per cycle times the interval,
        from :func:`il2.pk.high_dose_regimen`; reference ``proleukin_label``)."""
        reg = pk.high_dose_regimen(cycles=1)
        return float(reg.doses_per_cycle * reg.interval_h)


@dataclass(frozen=True)
class Schedule:
    """A dosing schedule: name, interval between doses and infusion length (h)."""

    name: str
    interval_h: float
    infusion_h: float

    def __post_init__(self) -> None:
        check_scalar("interval_h", self.interval_h, 0.0, 240.0, low_open=True)
        check_scalar("infusion_h", self.infusion_h, 0.0, self.interval_h)


#: The schedules the book compares: the label's, once a day, and a continuous infusion.
SCHEDULES: tuple[Schedule, ...] = (
    Schedule("every 8 h (label)", 8.0, 0.25),
    Schedule("once a day", 24.0, 0.25),
    Schedule("continuous infusion", 24.0, 24.0),
)


def efficacy_threshold_pM(model: ReceptorModel = DEFAULT_MODEL) -> float:
    """The NK-cell efficacy threshold, pM: half-maximal pSTAT5 of NK cells after the therapy
    chapter's exposure, from the receptor ``model`` (:func:`il2.therapy.threshold_pM`).

    The one place where the toxicity layer asks the receptor model for its threshold.
    """
    return float(therapy.threshold_pM("NK", model=model))


def efficacy_threshold_iu_per_ml(model: ReceptorModel = DEFAULT_MODEL) -> float:
    """The efficacy threshold converted to IU/mL (:func:`il2.units.pM_to_iu_per_ml`)."""
    return float(pM_to_iu_per_ml(efficacy_threshold_pM(model)))


def schedule_regimen(
    daily_dose_iu_per_kg: float,
    schedule: Schedule = SCHEDULES[0],
    params: WindowParameters = WindowParameters(),
) -> pk.Regimen:
    """One cycle of ``schedule`` delivering ``daily_dose_iu_per_kg`` per day over the course span.

    The per-administration dose is ``daily * interval_h / 24`` and the number of doses covers
    the span of the label's cycle (``course_span_h / interval_h`` doses), so the label's 600,000 IU/kg every 8 h is
    a daily dose of 1.8 million IU/kg in 14 doses (reference ``proleukin_label``).
    """
    daily = check_scalar("daily_dose_iu_per_kg", daily_dose_iu_per_kg, 0.0, 1e8)
    if not isinstance(schedule, Schedule):
        raise ValueError(f"schedule must be an il2.toxicity.window.Schedule; got {type(schedule).__name__}")
    n = max(int(round(params.course_span_h / schedule.interval_h)), 1)
    return pk.Regimen(
        dose_iu_per_kg=daily * schedule.interval_h / 24.0, interval_h=schedule.interval_h,
        infusion_h=schedule.infusion_h, doses_per_cycle=n, cycles=1, route="iv",
    )


@dataclass(frozen=True)
class WindowResult:
    """Efficacy and toxicity over a grid of schedules (rows) and daily doses (columns).

    Attributes
    ----------
    daily_doses_iu_per_kg
        Daily dose levels, IU/kg/day.
    schedules
        The schedules compared.
    threshold_iu_per_ml
        Efficacy threshold used.
    hours_above_threshold
        Efficacy: hours of the course with plasma IL-2 above the threshold.
    weight_gain_kg
        Largest weight gain.
    min_systolic_mmHg
        Lowest systolic pressure.
    hours_hypotensive
        Hours with systolic pressure below the hold threshold.
    doses_scheduled, doses_held
        Counts per course.
    dose_given_iu_per_kg
        Total dose actually given, IU/kg.
    """

    daily_doses_iu_per_kg: NDArray[np.float64]
    schedules: tuple[Schedule, ...]
    threshold_iu_per_ml: float
    hours_above_threshold: NDArray[np.float64]
    weight_gain_kg: NDArray[np.float64]
    min_systolic_mmHg: NDArray[np.float64]
    hours_hypotensive: NDArray[np.float64]
    doses_scheduled: NDArray[np.int_]
    doses_held: NDArray[np.int_]
    dose_given_iu_per_kg: NDArray[np.float64]


def therapeutic_window(
    daily_doses_iu_per_kg: ArrayLike,
    schedules: Sequence[Schedule] = SCHEDULES,
    weight_kg: float = 70.0,
    *,
    fluid_ml_per_h: float | None = None,
    vasopressor: float = 0.0,
    threshold_pM: float | None = None,
    window_params: WindowParameters = WindowParameters(),
    params: ToxicityParameters = ToxicityParameters(),
    model: ReceptorModel = DEFAULT_MODEL,
) -> WindowResult:
    """Efficacy (time above the NK/CD8 threshold) and toxicity for every dose and schedule.

    Each cell runs :func:`il2.toxicity.course.simulate_course` with the label's hold rule, so
    the efficacy counts only the doses actually given.

    Parameters
    ----------
    daily_doses_iu_per_kg
        Daily dose levels (IU/kg/day, >= 0), 1-D.
    schedules
        Schedules to compare (rows of the result).
    weight_kg, fluid_ml_per_h, vasopressor
        Patient and management, as in :func:`~il2.toxicity.course.simulate_course`.
    threshold_pM
        Efficacy threshold, pM; default :func:`efficacy_threshold_pM` (derived from the
        receptor model).
    window_params
        Threshold and course span.
    params
        Toxicity model parameters.
    model
        Receptor model of the default threshold (:func:`efficacy_threshold_pM`).
    """
    doses = check_array("daily_doses_iu_per_kg", daily_doses_iu_per_kg, 0.0, 1e8).ravel()
    scheds = tuple(schedules)
    if not scheds or not all(isinstance(s, Schedule) for s in scheds):
        raise ValueError("schedules must be a non-empty sequence of il2.toxicity.window.Schedule")
    thr_pM = efficacy_threshold_pM(model) if threshold_pM is None else threshold_pM
    thr_pM = check_scalar("threshold_pM", thr_pM, 0.0, low_open=True)
    thr = float(pM_to_iu_per_ml(thr_pM))
    shape = (len(scheds), doses.size)
    above = np.zeros(shape)
    gain = np.zeros(shape)
    sbp = np.zeros(shape)
    hypo = np.zeros(shape)
    n_sched = np.zeros(shape, dtype=int)
    n_held = np.zeros(shape, dtype=int)
    given = np.zeros(shape)
    hold = params.management.hold_systolic_mmHg
    for i, s in enumerate(scheds):
        for j, d in enumerate(doses):
            reg = schedule_regimen(float(d), s, window_params)
            tail = window_params.observation_h - float(reg.scheduled_times_h()[-1])
            r = simulate_course(reg, weight_kg, fluid_ml_per_h=fluid_ml_per_h,
                                vasopressor=vasopressor, tail_h=max(tail, 0.0), params=params)
            above[i, j] = r.hours_above(thr)
            gain[i, j] = r.weight_gain_kg
            sbp[i, j] = r.min_systolic_mmHg
            hypo[i, j] = r.hours_below_systolic(hold)
            n_sched[i, j] = r.given.size
            n_held[i, j] = r.doses_held
            given[i, j] = reg.dose_iu_per_kg * r.doses_given
    return WindowResult(
        daily_doses_iu_per_kg=doses, schedules=scheds, threshold_iu_per_ml=thr,
        hours_above_threshold=above, weight_gain_kg=gain, min_systolic_mmHg=sbp,
        hours_hypotensive=hypo, doses_scheduled=n_sched, doses_held=n_held,
        dose_given_iu_per_kg=given,
    )
