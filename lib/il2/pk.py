r"""Aldesleukin dosing regimens and two-compartment pharmacokinetics.

The model
---------
Plasma IL-2 after intravenous aldesleukin falls in two phases, a fast distribution phase
(half-life about 13 min) and a slower elimination phase (about 85 min)
(reference :cite:alp:`konrad1990`, ``proleukin_label``). The library describes this with the linear
two-compartment model

.. math::

    \frac{dA_1}{dt} = r(t) - (k_{10} + k_{12}) A_1 + k_{21} A_2, \qquad
    \frac{dA_2}{dt} = k_{12} A_1 - k_{21} A_2, \qquad C = A_1 / V_1,

with :math:`A_1` the drug in the central (plasma) compartment, :math:`A_2` the drug in the
peripheral (extravascular) compartment, :math:`r(t)` the infusion rate, :math:`V_1` the
central volume and :math:`k_{10} = CL/V_1`. The system is linear, so a whole course is the
sum of the responses to each dose. A unit bolus gives

.. math::

    \frac{A_1(t)}{D} = \frac{\alpha - k_{21}}{\alpha - \beta}\,e^{-\alpha t}
                     + \frac{k_{21} - \beta}{\alpha - \beta}\,e^{-\beta t},

where :math:`\alpha > \beta` are the roots of
:math:`s^2 - (k_{10}+k_{12}+k_{21})s + k_{10}k_{21} = 0`, i.e. :math:`\alpha = \ln 2/t_{1/2,\alpha}` and
:math:`\beta = \ln 2/t_{1/2,\beta}`. The library is parameterised by the two half-lives, the
central volume and the clearance; the micro-constants follow from
:math:`k_{21} = \alpha\beta/k_{10}` and :math:`k_{12} = \alpha + \beta - k_{10} - k_{21}`
(:class:`PKParameters`).

Each exponential mode :math:`x_i` of the response obeys :math:`\dot x_i = -\lambda_i x_i + a_i\,r(t)`
with jumps :math:`a_i D` at boluses, so between dosing events the solution is exact in closed
form and a whole two-cycle course at one-minute resolution costs a few milliseconds
(:func:`concentration_iu_per_ml`). Subcutaneous doses pass through two first-order absorption
steps, a depot (rate :math:`k_a`) and a transit compartment (rate :math:`k_{tr}`), before a
fraction :math:`F` reaches the plasma (references ``proleukin_smpc``, :cite:alp:`piscitelli1996`); each step
adds one exponential mode. Absorption is slower than elimination (flip-flop), so the depot sets
the apparent half-life after an injection and the transit step delays the peak.

Body weight enters by allometric scaling: volumes are proportional to weight and clearances to
weight to the power 0.75 (reference :cite:alp:`anderson2008`), so a 70 kg adult has exactly the published
half-lives and lighter patients slightly shorter ones.

Imports: :mod:`il2.units`, :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Iterable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.registry import CitedParameters, cited, register
from il2.units import half_life_to_rate, iu_per_ml_to_pM
from il2.validation import check_array, check_choice, check_integer, check_scalar

__all__ = [
    "MAX_DOSE_IU_PER_KG",
    "MAX_COURSE_H",
    "MAX_POINTS",
    "PKParameters",
    "RegimenDefaults",
    "SubcutaneousStudy",
    "PISCITELLI_SC",
    "Disposition",
    "Regimen",
    "PKResult",
    "ROUTES",
    "REGIMEN_DEFAULTS",
    "high_dose_regimen",
    "low_dose_sc_regimen",
    "disposition",
    "concentration_iu_per_ml",
    "simulate",
    "single_sc_injection",
]

#: Administration routes understood by the model.
ROUTES: tuple[str, ...] = ("iv", "sc")
#: Largest dose per administration accepted (IU/kg): over 100 times the label's high dose.
MAX_DOSE_IU_PER_KG = 1e8
#: Longest course (h from the first to the last scheduled dose) and interval accepted: one year.
MAX_COURSE_H = 24.0 * 365.0
#: Most output times :func:`simulate` computes in one call.
MAX_POINTS = 2_000_000

_MIN_PER_H = 60.0
_ML_PER_L = 1000.0


@register("Aldesleukin pharmacokinetics")
@dataclass(frozen=True)
class PKParameters(CitedParameters):
    """Two-compartment pharmacokinetics of aldesleukin (values for a 70 kg reference adult).

    The derived micro-constants for a given body weight come from :meth:`disposition`.
    Clearance: Konrad et al. measured about 120 mL/min (reference :cite:alp:`konrad1990`), while the EU/UK
    summary of product characteristics gives 155 to 420 mL/min (reference ``proleukin_smpc``); the
    default follows Konrad because his clearance, half-lives and plasma-volume peak come from
    the same patients and are mutually consistent.
    """

    distribution_half_life_h: float = cited(
        13.0 / 60.0, "h", "Distribution (alpha) half-life after IV aldesleukin (13 min)",
        "konrad1990, proleukin_label", low=0, low_open=True,
        note="12.9 min in Konrad 1990; 13 min after a 5-min infusion in the label",
    )
    elimination_half_life_h: float = cited(
        85.0 / 60.0, "h", "Elimination (beta) half-life after IV aldesleukin (85 min)",
        "konrad1990, proleukin_label", low=0, low_open=True,
        note="the EU/UK SmPC gives a terminal half-life of 100 to 123 min (proleukin_smpc)",
    )
    central_volume_l_per_kg: float = cited(
        0.043, "L/kg", "Central volume of distribution, taken as the plasma volume",
        "guyton2021, konrad1990", low=0, low_open=True,
        note="plasma about 3 L in a 70 kg adult; Konrad found the level right after a bolus "
             "equals dose / plasma volume",
    )
    clearance_l_per_h: float = cited(
        7.2, "L/h", "Total clearance in the reference adult (120 mL/min)", "konrad1990",
        low=0, low_open=True,
        note="Konrad 1990: about 120 mL/min, mainly renal; the EU/UK SmPC reports 155 to "
             "420 mL/min (proleukin_smpc): the two sources disagree",
    )
    reference_weight_kg: float = cited(
        70.0, "kg", "Body weight at which the clearance and half-lives apply", "guyton2021",
        low=0, low_open=True, note="reference adult; Konrad's patients' weights are not given",
    )
    allometric_exponent: float = cited(
        0.75, "1", "Exponent of body weight in clearance scaling (volumes scale with weight)",
        "anderson2008", low=0.0, high=1.0,
        note="modelling choice following standard allometric size scaling",
    )
    sc_bioavailability: float = cited(
        0.39, "1", "Fraction of a subcutaneous dose reaching the blood", "proleukin_smpc",
        low=0, high=1, low_open=True, note="midpoint of the SmPC range 31 to 47%",
    )
    sc_apparent_half_life_h: float = cited(
        3.3, "h", "Apparent half-life of plasma IL-2 after a subcutaneous injection",
        "piscitelli1996", low=0, low_open=True,
        note="3.3 +/- 0.9 h after 12 to 18 MIU a day under the skin (Piscitelli et al. 1996). "
             "Absorption is slower than elimination (flip-flop), so this half-life is the depot's: "
             "the absorption rate is derived from it, ln 2 / 3.3 h. Konrad et al. (1990) saw flatter "
             "SC levels, nearly constant for hours; the two studies disagree and the model follows "
             "the one that reports its kinetics",
    )
    sc_transit_rate_per_h: float = cited(
        0.4, "1/h", "Rate of the second absorption step (transit from depot to plasma)",
        "piscitelli1996, proleukin_smpc", low=0, low_open=True,
        note="calibrated: with the depot step it puts the peak of a single injection at about "
             "4.3 h, as Piscitelli et al. measured (4.4 +/- 1.8 h, after a lag of 27 min) and inside "
             "the SmPC's 2 to 6 h; one first-order step cannot give both that peak time and the "
             "3.3 h half-life",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.elimination_half_life_h <= self.distribution_half_life_h:
            raise ValueError(
                "elimination_half_life_h must exceed distribution_half_life_h "
                f"({self.distribution_half_life_h:g} h); got {self.elimination_half_life_h:g} h"
            )
        alpha = math.log(2.0) / self.distribution_half_life_h
        beta = math.log(2.0) / self.elimination_half_life_h
        k10 = self.clearance_l_per_h / (self.central_volume_l_per_kg * self.reference_weight_kg)
        if not beta < k10 < alpha:
            lo = beta * self.central_volume_l_per_kg * self.reference_weight_kg
            hi = alpha * self.central_volume_l_per_kg * self.reference_weight_kg
            raise ValueError(
                "clearance_l_per_h must lie strictly between beta*V1 and alpha*V1 "
                f"({lo:.3g}, {hi:.3g}) L/h for a two-compartment model with these half-lives "
                f"and central volume; got {self.clearance_l_per_h:g}"
            )

    @property
    def sc_absorption_rate_per_h(self) -> float:
        """Depot absorption rate :math:`k_a = \\ln 2 / t_{1/2,\\mathrm{sc}}` (1/h), from the apparent
        half-life after an injection (flip-flop kinetics)."""
        return math.log(2.0) / self.sc_apparent_half_life_h

    def disposition(self, weight_kg: float = 70.0) -> "Disposition":
        """Micro-constants for a patient of ``weight_kg`` (see :func:`disposition`)."""
        return disposition(weight_kg, self)


@register("Aldesleukin regimens")
@dataclass(frozen=True)
class RegimenDefaults(CitedParameters):
    """Defaults of the two regimens the book compares: the label's high-dose IV course and a
    low-dose subcutaneous course."""

    hd_dose_iu_per_kg: float = cited(
        600_000.0, "IU/kg", "High-dose aldesleukin per dose (0.037 mg/kg)", "proleukin_label",
        low=0, low_open=True,
    )
    hd_interval_h: float = cited(
        8.0, "h", "Interval between high-dose infusions", "proleukin_label", low=0, low_open=True,
    )
    hd_infusion_h: float = cited(
        0.25, "h", "Duration of each high-dose IV infusion (15 min)", "proleukin_label",
        low=0, low_open=True,
    )
    hd_doses_per_cycle: float = cited(
        14, "doses", "Maximum doses per high-dose cycle", "proleukin_label", low=1,
    )
    hd_cycles: float = cited(
        2, "cycles", "Cycles per course (at most 28 doses per course)", "proleukin_label", low=1,
    )
    hd_rest_h: float = cited(
        216.0, "h", "Rest between the two cycles (9 days)", "proleukin_label", low=0,
        note="taken as the gap from the last dose of cycle 1 to the first of cycle 2; the label's "
             "calendar (days 1-5, rest, days 15-19) starts cycle 2 a few hours later, which does "
             "not change the pharmacokinetics",
    )
    ld_dose_iu_per_m2: float = cited(
        1e6, "IU/m2", "Low-dose aldesleukin per daily subcutaneous injection", "koreth2016",
        low=0, low_open=True,
    )
    ld_interval_h: float = cited(
        24.0, "h", "Interval between low-dose injections (daily)", "koreth2016",
        low=0, low_open=True,
    )
    ld_days: float = cited(
        84, "doses", "Daily low-dose injections (12 weeks)", "koreth2016", low=1,
    )
    body_surface_area_m2: float = cited(
        1.8, "m2", "Body surface area used to convert IU/m2 to IU/kg", "mosteller1987",
        low=0, low_open=True, note="Mosteller formula for a 70 kg, 167 cm adult",
    )


#: The defaults of the two regimens, as the regimen functions use them.
REGIMEN_DEFAULTS = RegimenDefaults()


@dataclass(frozen=True)
class SubcutaneousStudy:
    """Measured plasma IL-2 after subcutaneous injections (the numbers a study reports).

    Attributes
    ----------
    source
        BibTeX key.
    daily_doses_miu
        Daily doses studied (million IU), given once or twice a day.
    peak_range_iu_per_ml
        Lowest and highest peak concentration reported, IU/mL.
    tmax_h, tmax_sd_h
        Mean and standard deviation of the time of the peak, h.
    half_life_h, half_life_sd_h
        Mean and standard deviation of the apparent elimination half-life, h.
    lag_h
        Mean lag before absorption starts, h.
    """

    source: str
    daily_doses_miu: tuple[float, ...]
    peak_range_iu_per_ml: tuple[float, float]
    tmax_h: float
    tmax_sd_h: float
    half_life_h: float
    half_life_sd_h: float
    lag_h: float


#: Piscitelli et al. (1996): 18 HIV-infected patients, 12, 15 or 18 MIU a day under the skin, once
#: or twice a day, for 5 days; ELISA of serum IL-2.
PISCITELLI_SC = SubcutaneousStudy(
    source="piscitelli1996", daily_doses_miu=(12.0, 15.0, 18.0),
    peak_range_iu_per_ml=(21.9, 112.9), tmax_h=4.4, tmax_sd_h=1.8, half_life_h=3.3,
    half_life_sd_h=0.9, lag_h=26.9 / 60.0,
)


@dataclass(frozen=True)
class Disposition:
    """Micro- and macro-constants of the two-compartment model for one body weight.

    Attributes
    ----------
    weight_kg
        Body weight.
    v1_l
        Central (plasma) volume, L.
    v2_l
        Peripheral volume, L (:math:`V_2 = V_1 k_{12}/k_{21}`).
    clearance_l_per_h
        Total clearance, L/h.
    k10_per_h, k12_per_h, k21_per_h
        Elimination and inter-compartmental rate constants, 1/h.
    alpha_per_h, beta_per_h
        Fast and slow disposition rate constants, 1/h.
    a_fraction, b_fraction
        Coefficients of the unit-bolus response of the central amount (sum to 1).
    """

    weight_kg: float
    v1_l: float
    v2_l: float
    clearance_l_per_h: float
    k10_per_h: float
    k12_per_h: float
    k21_per_h: float
    alpha_per_h: float
    beta_per_h: float
    a_fraction: float
    b_fraction: float


def disposition(weight_kg: float, params: PKParameters = PKParameters()) -> Disposition:
    r"""Two-compartment constants for a patient of ``weight_kg``.

    Volumes scale with weight and clearances with :math:`(W/W_\mathrm{ref})^{b}`, so every rate
    constant scales with :math:`(W/W_\mathrm{ref})^{b-1}` (reference :cite:alp:`anderson2008`). At the reference
    weight, :math:`\alpha = \ln 2 / t_{1/2,\alpha}`, :math:`\beta = \ln 2 / t_{1/2,\beta}`,
    :math:`k_{10} = CL/V_1`, :math:`k_{21} = \alpha\beta/k_{10}`,
    :math:`k_{12} = \alpha + \beta - k_{10} - k_{21}` (reference keys :cite:alp:`konrad1990`,
    ``proleukin_label``).

    Raises
    ------
    ValueError
        If ``weight_kg`` is not a positive finite number.
    """
    w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
    return _disposition(w, params)


def _disposition(w: Any, params: PKParameters, clearance_factor: Any = 1.0,
                 volume_factor: Any = 1.0) -> Disposition:
    r"""Kernel of :func:`disposition` without checks; ``w`` and the factors may be arrays (one
    entry per patient of a cohort), giving array fields.

    A patient whose clearance is :math:`f_{CL}` times and whose central volume is :math:`f_V`
    times that of the allometric reference has every rate constant (:math:`lpha`,
    :math:`eta`, :math:`k_{10}`, ...) multiplied by :math:`f_{CL}/f_V`: the two phases keep
    their ratio, so the model stays a valid two-compartment model for any positive factors
    (a modelling choice for differences between patients, used by :mod:`il2.cohort`).
    """
    ratio = w / params.reference_weight_kg
    rate_scale = ratio ** (params.allometric_exponent - 1.0) * (clearance_factor / volume_factor)
    alpha = float(half_life_to_rate(params.distribution_half_life_h)) * rate_scale
    beta = float(half_life_to_rate(params.elimination_half_life_h)) * rate_scale
    v1 = params.central_volume_l_per_kg * w * volume_factor
    cl = params.clearance_l_per_h * ratio ** params.allometric_exponent * clearance_factor
    k10 = cl / v1
    k21 = alpha * beta / k10
    k12 = alpha + beta - k10 - k21
    a = (alpha - k21) / (alpha - beta)
    return Disposition(
        weight_kg=w, v1_l=v1, v2_l=v1 * k12 / k21, clearance_l_per_h=cl, k10_per_h=k10,
        k12_per_h=k12, k21_per_h=k21, alpha_per_h=alpha, beta_per_h=beta,
        a_fraction=a, b_fraction=1.0 - a,
    )


@dataclass(frozen=True)
class Regimen:
    """A course of aldesleukin: cycles of equally spaced doses separated by rest.

    Parameters
    ----------
    dose_iu_per_kg
        Dose per administration, IU per kg body weight (>= 0).
    interval_h
        Time between the starts of consecutive doses within a cycle (> 0).
    infusion_h
        Duration of each IV infusion, ``0 <= infusion_h <= interval_h`` (0 is a bolus).
        Must be 0 for subcutaneous injection.
    doses_per_cycle
        Scheduled doses in each cycle (>= 1).
    cycles
        Number of cycles (>= 1).
    rest_h
        Gap from the last dose of one cycle to the first dose of the next (>= 0).
    route
        ``"iv"`` or ``"sc"``.
    held
        Indices (0-based, counted over the whole course) of scheduled doses that are skipped,
        for example because of toxicity; see :meth:`with_held`.
    """

    dose_iu_per_kg: float
    interval_h: float
    infusion_h: float
    doses_per_cycle: int
    cycles: int = 1
    rest_h: float = 0.0
    route: str = "iv"
    held: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        check_scalar("dose_iu_per_kg", self.dose_iu_per_kg, 0.0, MAX_DOSE_IU_PER_KG)
        check_scalar("interval_h", self.interval_h, 0.0, MAX_COURSE_H, low_open=True)
        check_scalar("infusion_h", self.infusion_h, 0.0, self.interval_h)
        check_integer("doses_per_cycle", self.doses_per_cycle, 1, 100_000)
        check_integer("cycles", self.cycles, 1, 1000)
        check_scalar("rest_h", self.rest_h, 0.0, MAX_COURSE_H)
        if self.doses_per_cycle * self.cycles > 100_000:
            raise ValueError(
                "doses_per_cycle times cycles must be at most 100000 scheduled doses; got "
                f"{self.doses_per_cycle} x {self.cycles}"
            )
        period = (self.doses_per_cycle - 1) * self.interval_h + self.rest_h
        span = (self.cycles - 1) * period + (self.doses_per_cycle - 1) * self.interval_h
        if span > MAX_COURSE_H:
            raise ValueError(
                f"doses_per_cycle, interval_h, cycles and rest_h must give a course of at most "
                f"{MAX_COURSE_H:g} h from the first to the last dose; got {span:g} h"
            )
        check_choice("route", self.route, ROUTES)
        if self.route == "sc" and self.infusion_h != 0:
            raise ValueError(
                f"infusion_h must be 0 for route 'sc' (an injection, not an infusion); got {self.infusion_h!r}"
            )
        held = frozenset(self.held)
        n = self.scheduled_doses
        for i in held:
            check_integer("held", i, 0, n - 1)
        object.__setattr__(self, "held", held)

    @property
    def scheduled_doses(self) -> int:
        """Doses scheduled over the whole course, held ones included."""
        return self.doses_per_cycle * self.cycles

    @property
    def doses_given(self) -> int:
        """Doses actually given (scheduled minus held)."""
        return self.scheduled_doses - len(self.held)

    @property
    def total_dose_iu_per_kg(self) -> float:
        """Total dose over the course, IU/kg (held doses excluded)."""
        return self.dose_iu_per_kg * self.doses_given

    def scheduled_times_h(self) -> NDArray[np.float64]:
        r"""Start times of every scheduled dose (held ones included), hours from the first.

        Dose :math:`j` of cycle :math:`c` starts at
        :math:`c\,[(n-1)\Delta + t_\mathrm{rest}] + j\Delta` with :math:`n` doses per cycle
        and interval :math:`\Delta`.
        """
        within = np.arange(self.doses_per_cycle) * self.interval_h
        period = (self.doses_per_cycle - 1) * self.interval_h + self.rest_h
        starts = np.arange(self.cycles) * period
        return (starts[:, None] + within[None, :]).ravel()

    def given_mask(self) -> NDArray[np.bool_]:
        """Boolean mask over scheduled doses: ``True`` where the dose is given."""
        mask = np.ones(self.scheduled_doses, dtype=bool)
        if self.held:
            mask[list(self.held)] = False
        return mask

    def dose_times_h(self) -> NDArray[np.float64]:
        """Start times of the doses actually given (held doses left out), hours."""
        return self.scheduled_times_h()[self.given_mask()]

    def doses_iu(self, weight_kg: float) -> NDArray[np.float64]:
        """Dose of each given administration for a patient of ``weight_kg``, IU."""
        w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
        return np.full(self.doses_given, self.dose_iu_per_kg * w)

    def with_held(self, indices: Iterable[int]) -> "Regimen":
        """A copy with the scheduled doses ``indices`` (0-based) also held."""
        return replace(self, held=self.held | frozenset(int(i) for i in indices))

    @property
    def duration_h(self) -> float:
        """Time from the first scheduled dose to the end of the last scheduled infusion."""
        return float(self.scheduled_times_h()[-1] + self.infusion_h)


def high_dose_regimen(
    dose_iu_per_kg: float | None = None,
    *,
    interval_h: float | None = None,
    doses_per_cycle: int | None = None,
    cycles: int | None = None,
    defaults: RegimenDefaults = REGIMEN_DEFAULTS,
) -> Regimen:
    """The label's high-dose course: 600,000 IU/kg as a 15-min IV infusion every 8 h, up to 14
    doses, 9 days' rest, a second cycle (at most 28 doses) (reference ``proleukin_label``).

    Arguments left as ``None`` take the label's values.
    """
    d = defaults
    return Regimen(
        dose_iu_per_kg=d.hd_dose_iu_per_kg if dose_iu_per_kg is None else dose_iu_per_kg,
        interval_h=d.hd_interval_h if interval_h is None else interval_h,
        infusion_h=d.hd_infusion_h,
        doses_per_cycle=int(d.hd_doses_per_cycle) if doses_per_cycle is None else doses_per_cycle,
        cycles=int(d.hd_cycles) if cycles is None else cycles,
        rest_h=d.hd_rest_h,
        route="iv",
    )


def low_dose_sc_regimen(
    dose_iu_per_m2: float | None = None,
    *,
    days: int | None = None,
    body_surface_area_m2: float | None = None,
    weight_kg: float = 70.0,
    defaults: RegimenDefaults = REGIMEN_DEFAULTS,
) -> Regimen:
    r"""Low-dose subcutaneous IL-2 as in the phase 2 trial in chronic graft-versus-host disease:
    :math:`10^6` IU/m\ :sup:`2` once a day for 12 weeks (reference :cite:alp:`koreth2016`).

    The dose per m\ :sup:`2` is converted to IU/kg with a body surface area (default 1.8 m\ :sup:`2`,
    Mosteller formula for a 70 kg adult (reference :cite:alp:`mosteller1987`)) and ``weight_kg``:
    ``dose_iu_per_kg = dose_iu_per_m2 * body_surface_area_m2 / weight_kg``.
    """
    d = defaults
    per_m2 = d.ld_dose_iu_per_m2 if dose_iu_per_m2 is None else dose_iu_per_m2
    per_m2 = check_scalar("dose_iu_per_m2", per_m2, 0.0, 1e10)
    bsa = d.body_surface_area_m2 if body_surface_area_m2 is None else body_surface_area_m2
    bsa = check_scalar("body_surface_area_m2", bsa, 0.0, 5.0, low_open=True)
    w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
    n = int(d.ld_days) if days is None else check_integer("days", days, 1, 100_000)
    return Regimen(
        dose_iu_per_kg=per_m2 * bsa / w, interval_h=d.ld_interval_h, infusion_h=0.0,
        doses_per_cycle=n, cycles=1, rest_h=0.0, route="sc",
    )


def _modes(
    route: str, disp: Disposition, params: PKParameters
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Rate constants and per-unit-dose coefficients of the central *amount*'s exponential modes."""
    # modes on the last axis (disposition fields may be arrays, one entry per patient)
    lam = np.stack(np.broadcast_arrays(disp.alpha_per_h, disp.beta_per_h), axis=-1).astype(float)
    amp = np.stack(np.broadcast_arrays(disp.a_fraction, disp.b_fraction), axis=-1).astype(float)
    if route == "iv":
        return lam, amp
    ka, ktr = params.sc_absorption_rate_per_h, params.sc_transit_rate_per_h
    f = params.sc_bioavailability
    rates = np.array([lam[0], lam[1], ka, ktr])
    gaps = np.abs(rates[:, None] - rates[None, :]) / rates[None, :] + np.eye(4)
    if np.any(gaps < 1e-6):
        raise ValueError(
            "params.sc_apparent_half_life_h and params.sc_transit_rate_per_h must give absorption "
            f"rates ({ka:.4g}, {ktr:.4g} 1/h) distinct from each other and from the disposition "
            f"rate constants {lam.tolist()!r} 1/h"
        )
    # unit dose into the depot: the central amount is F ka ktr sum_i A_i (e^-ka * e^-ktr * e^-lam_i),
    # and the convolution of exponentials is sum_j e^(-mu_j t) / prod_{k != j} (mu_k - mu_j)
    coef = np.zeros(4)
    for i in (0, 1):
        mus = np.array([ka, ktr, lam[i]])
        for j, idx in enumerate((2, 3, i)):
            others = np.delete(mus, j)
            coef[idx] += f * ka * ktr * amp[i] / np.prod(others - mus[j])
    return rates, coef


def concentration_iu_per_ml(
    t_h: ArrayLike,
    dose_times_h: ArrayLike,
    doses_iu: ArrayLike,
    *,
    infusion_h: float,
    weight_kg: float,
    route: str = "iv",
    params: PKParameters = PKParameters(),
) -> NDArray[np.float64]:
    r"""Plasma aldesleukin (IU/mL) at times ``t_h`` after doses at ``dose_times_h``.

    Exact superposition in the linear two-compartment model (module docstring). Writing the
    central amount as a sum of exponential modes :math:`x_i` with rates :math:`\lambda_i`,

    .. math::

        x_i(t) = x_i(\tau_k)\,e^{-\lambda_i (t-\tau_k)}
               + a_i\,r_k\,\frac{1 - e^{-\lambda_i (t-\tau_k)}}{\lambda_i},
        \qquad C(t) = \frac{1}{V_1}\sum_i x_i(t),

    on each interval :math:`[\tau_k, \tau_{k+1})` between dosing events (infusion starts and
    ends), with infusion rate :math:`r_k` and jumps :math:`a_i D` at boluses. For IV doses
    :math:`\lambda = (\alpha, \beta)` and :math:`a = (A, B)`; subcutaneous doses add the
    absorption mode :math:`k_a` with :math:`a_i = F A_i k_a/(k_a - \lambda_i)` and
    :math:`a_{k_a} = -\sum_i a_i` (reference :cite:alp:`konrad1990`, ``proleukin_smpc``).

    Parameters
    ----------
    t_h
        Times (h), any shape; concentrations are zero before the first dose.
    dose_times_h
        Start time of each dose (h), 1-D, any order.
    doses_iu
        Amount of each dose (IU, >= 0), same length as ``dose_times_h``.
    infusion_h
        IV infusion duration (h, >= 0; 0 is a bolus). Must be 0 for ``route="sc"``.
    weight_kg
        Body weight (kg, > 0): sets volumes and clearance.
    route
        ``"iv"`` or ``"sc"``.
    params
        Pharmacokinetic parameters.

    Returns
    -------
    ndarray
        Concentration in IU/mL, same shape as ``t_h``; linear in the doses.

    Raises
    ------
    ValueError
        For negative doses, mismatched lengths, a non-positive weight, a negative infusion time,
        an unknown route, or non-finite times.
    """
    t = check_array("t_h", t_h, -MAX_COURSE_H, 2 * MAX_COURSE_H)
    times = check_array("dose_times_h", dose_times_h, -MAX_COURSE_H, 2 * MAX_COURSE_H,
                        allow_empty=True).ravel()
    doses = check_array("doses_iu", doses_iu, 0.0, 1e12, allow_empty=True).ravel()
    if times.shape != doses.shape:
        raise ValueError(
            f"doses_iu must have one entry per dose time ({times.size}); got {doses.size}"
        )
    inf_h = check_scalar("infusion_h", infusion_h, 0.0, MAX_COURSE_H)
    check_choice("route", route, ROUTES)
    if route == "sc" and inf_h != 0:
        raise ValueError(f"infusion_h must be 0 for route 'sc'; got {infusion_h!r}")
    disp = disposition(weight_kg, params)
    if times.size == 0:
        return np.zeros(t.shape)
    lam, coef = _modes(route, disp, params)
    return _superpose(t, times, doses, inf_h, lam, coef, disp.v1_l)


def _superpose(
    t: NDArray[np.float64], times: NDArray[np.float64], doses: NDArray[np.float64], inf_h: float,
    lam: NDArray[np.float64], coef: NDArray[np.float64], v1_l: Any,
) -> NDArray[np.float64]:
    """Kernel of :func:`concentration_iu_per_ml` (no checks): the exact mode recursion.

    ``lam`` and ``coef`` hold the modes on their last axis; they, ``v1_l`` and ``doses`` (doses on
    the last axis, at the shared ``times``) may carry leading axes, one entry per patient of a
    cohort, and the result then has shape ``leading + t.shape``. A held dose is a zero dose.
    """
    lead = np.broadcast_shapes(lam.shape[:-1], coef.shape[:-1], doses.shape[:-1], np.shape(v1_l))
    if times.size == 0:
        return np.zeros(lead + t.shape)

    # Dosing events: bolus jumps at dose starts, or infusion rate steps at starts and ends.
    if inf_h > 0:
        ev_t = np.concatenate([times, times + inf_h])
        ev_rate = np.concatenate([doses / inf_h, -doses / inf_h], axis=-1)
        ev_jump = np.zeros(ev_rate.shape)
    else:
        ev_t, ev_rate, ev_jump = times, np.zeros(doses.shape), doses
    tau, inv = np.unique(ev_t, return_inverse=True)
    if lead:
        merge = np.zeros((ev_t.size, tau.size))
        merge[np.arange(ev_t.size), inv] = 1.0
        d_rate, jump = ev_rate @ merge, ev_jump @ merge
        scale = np.maximum(np.max(np.abs(d_rate), axis=-1, keepdims=True), 1.0)
    else:
        d_rate = np.zeros(tau.size)
        jump = np.zeros(tau.size)
        np.add.at(d_rate, inv, ev_rate)
        np.add.at(jump, inv, ev_jump)
        scale = max(float(np.max(np.abs(d_rate))), 1.0)
    rate = np.cumsum(d_rate, axis=-1)
    rate = np.where(np.abs(rate) < 1e-9 * scale, 0.0, rate)  # round-off
    rate = np.maximum(rate, 0.0)

    # Mode states just after each event (exact recursion); modes on axis -2, events last.
    dt = np.diff(tau)
    lam_c = lam[..., :, None]
    coef_c = coef[..., :, None]
    decay = np.exp(-lam_c * dt)  # (..., modes, events-1)
    gain = -np.expm1(-lam_c * dt) / lam_c
    state = np.empty(np.broadcast_shapes(lam.shape, coef.shape, lead + (1,)) + (tau.size,))
    state[..., 0] = coef * jump[..., 0:1]
    for k in range(1, tau.size):
        state[..., k] = (
            state[..., k - 1] * decay[..., k - 1] + coef * rate[..., k - 1 : k] * gain[..., k - 1]
            + coef * jump[..., k : k + 1]
        )

    flat = t.ravel()
    idx = np.searchsorted(tau, flat, side="right") - 1
    after = idx >= 0
    k = idx[after]
    el = flat[after] - tau[k]
    x = lam_c * el
    amount = state[..., k] * np.exp(-x) + (coef_c * rate[..., None, k]) * (-np.expm1(-x) / lam_c)
    conc = amount.sum(axis=-2) / (np.asarray(v1_l)[..., None] * _ML_PER_L)
    res = np.zeros(lead + (flat.size,))
    res[..., after] = np.maximum(conc, 0.0)  # remove round-off below zero
    return res.reshape(lead + t.shape)


@dataclass(frozen=True)
class PKResult:
    """Plasma aldesleukin over a course.

    Attributes
    ----------
    t_h
        Times, h from the first scheduled dose.
    iu_per_ml
        Plasma concentration, IU/mL.
    il2_pM
        The same in picomolar (:func:`il2.units.iu_per_ml_to_pM`).
    dose_times_h
        Start times of the doses given.
    doses_iu
        Amount of each dose given, IU.
    weight_kg
        Body weight.
    regimen
        The regimen simulated.
    params
        The pharmacokinetic parameters that produced the result.
    """

    t_h: NDArray[np.float64]
    iu_per_ml: NDArray[np.float64]
    il2_pM: NDArray[np.float64]
    dose_times_h: NDArray[np.float64]
    doses_iu: NDArray[np.float64]
    weight_kg: float
    regimen: Regimen
    params: PKParameters = PKParameters()


#: Default time step of :func:`simulate` (one minute) and time simulated after the last dose.
DEFAULT_STEP_H = 1.0 / 60.0
DEFAULT_TAIL_H = 24.0


def simulate(
    regimen: Regimen,
    weight_kg: float,
    t_h: ArrayLike | None = None,
    params: PKParameters = PKParameters(),
    *,
    tail_h: float = DEFAULT_TAIL_H,
) -> PKResult:
    """Plasma concentration over a whole regimen.

    Parameters
    ----------
    regimen
        The course (:class:`Regimen`); held doses are left out.
    weight_kg
        Body weight, kg.
    t_h
        Times (h). Default: a one-minute grid from the first scheduled dose to ``tail_h``
        after the last scheduled dose.
    params
        Pharmacokinetic parameters.
    tail_h
        Length of the default grid after the last scheduled dose, h.

    Returns
    -------
    PKResult
    """
    if not isinstance(regimen, Regimen):
        raise ValueError(f"regimen must be an il2.pk.Regimen; got {type(regimen).__name__}")
    w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
    if t_h is None:
        tail = check_scalar("tail_h", tail_h, 0.0, MAX_COURSE_H)
        end = regimen.scheduled_times_h()[-1] + regimen.infusion_h + tail
        n = int(round(end / DEFAULT_STEP_H)) + 1
        if n > MAX_POINTS:
            raise ValueError(
                f"regimen and tail_h must span at most {MAX_POINTS * DEFAULT_STEP_H:g} h for the "
                f"default one-minute grid; got {end:g} h (pass t_h for a coarser grid)"
            )
        t = np.linspace(0.0, (n - 1) * DEFAULT_STEP_H, n)
    else:
        t = check_array("t_h", t_h, -MAX_COURSE_H, 2 * MAX_COURSE_H)
        if t.size > MAX_POINTS:
            raise ValueError(f"t_h must hold at most {MAX_POINTS} times; got {t.size}")
    times = regimen.dose_times_h()
    doses = regimen.doses_iu(w)
    c = concentration_iu_per_ml(
        t, times, doses, infusion_h=regimen.infusion_h, weight_kg=w, route=regimen.route,
        params=params,
    )
    return PKResult(
        t_h=t, iu_per_ml=c, il2_pM=iu_per_ml_to_pM(c), dose_times_h=times, doses_iu=doses,
        weight_kg=w, regimen=regimen, params=params,
    )


def single_sc_injection(dose_miu: float, weight_kg: float = 70.0, hours: float = 24.0) -> PKResult:
    r"""Plasma IL-2 after one subcutaneous injection of a flat dose, on a one-minute grid.

    The dose :math:`D` (IU) enters through the absorption depot of :func:`concentration_iu_per_ml`
    (bioavailability :math:`F`, absorption and transit rates of :class:`PKParameters`), as in the
    single injections of 12, 15 and 18 MIU that ``piscitelli1996`` sampled
    (:data:`PISCITELLI_SC`).

    Parameters
    ----------
    dose_miu
        Dose, million IU, in (0, 100].
    weight_kg
        Body weight, kg.
    hours
        Length of the grid after the injection, h, in (0, 240].

    Raises
    ------
    ValueError
        For a dose, weight or length out of range (the message names it).
    """
    d = check_scalar("dose_miu", dose_miu, 0.0, 100.0, low_open=True)
    w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
    h = check_scalar("hours", hours, 0.0, 240.0, low_open=True)
    reg = Regimen(dose_iu_per_kg=d * 1e6 / w, interval_h=24.0, infusion_h=0.0,
                  doses_per_cycle=1, cycles=1, rest_h=0.0, route="sc")
    return simulate(reg, w, np.linspace(0.0, h, int(h * 60) + 1))
