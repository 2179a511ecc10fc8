r"""A treatment course: IL-2 exposure, capillary leak, blood pressure, fever, and dose holds.

The state of the patient is the plasma and interstitial volumes and their albumin masses
(:mod:`il2.toxicity.fluids`), plus the cumulative urine output for the water balance:

.. math::

    \dot V_p &= I + F - U(\bar P) - O - J_v + L(P_i), \\
    \dot V_i &= J_v - L(P_i), \\
    \dot M_p &= -J_s + L(P_i)\,C_i, \\
    \dot M_i &= J_s - L(P_i)\,C_i,

with maintenance intake :math:`I` (equal to the baseline losses, so that the untreated
patient stays at baseline), IV fluids :math:`F`, urine :math:`U` from the renal output curve
(:mod:`il2.toxicity.hemodynamics`), other losses :math:`O`, Starling filtration
:math:`J_v`, albumin flux :math:`J_s` and lymph :math:`L`. The IL-2 effect enters through the
endothelial activation :math:`E(t)` (:mod:`il2.toxicity.endothelium`), which depends only on
the plasma concentration and is computed exactly on a fine grid; the fluid equations are
then integrated from one scheduled dose to the next with LSODA, which switches to a stiff
method when the leak makes the exchange fast (:func:`scipy.integrate.odeint`). Water and albumin are conserved apart from the inputs and
outputs, which the tests check.

**Dose holds.** The label withholds a dose when systolic pressure is below 90 mmHg (reference
``proleukin_label``). :func:`simulate_course` therefore integrates from one scheduled dose to
the next, reads the systolic pressure at each scheduled time, gives or holds the dose, and
computes the exposure with :func:`il2.pk.concentration_iu_per_ml` from the doses actually
given, so the model reports the regimen the patient really received.

Imports: :mod:`il2.pk`, :mod:`il2.registry`, :mod:`il2.validation` and the other
:mod:`il2.toxicity` modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import odeint

from il2 import pk
from il2.registry import CitedParameters, cited, register
from il2.toxicity import endothelium as _endo
from il2.toxicity import fever as _fever
from il2.toxicity import fluids as _fluids
from il2.toxicity import hemodynamics as _hemo
from il2.toxicity.measured import TEXTOR_COURSE
from il2.validation import SolverError, check_array, check_scalar

__all__ = [
    "ManagementParameters",
    "ToxicityParameters",
    "CourseResult",
    "maintenance_intake_ml_per_h",
    "simulate_exposure",
    "simulate_course",
    "five_day_regimen",
    "StarlingForces",
    "starling_forces",
    "DEFAULT_STEP_H",
    "DEFAULT_TAIL_H",
]

#: Time step of the output grid (2 min): fine enough to resolve 15-min infusions.
DEFAULT_STEP_H = 1.0 / 30.0
#: Time simulated after the last scheduled dose; a 14-dose cycle then spans 5 days (120 h).
DEFAULT_TAIL_H = 16.0

_ML_PER_L = 1000.0


def _maintenance_ml_per_h(weight_kg: float, params: _hemo.HemodynamicParameters) -> float:
    return (params.urine_ml_per_h + params.other_losses_ml_per_h) * weight_kg / params.reference_weight_kg


_HP0 = _hemo.HemodynamicParameters()
#: Textor's mean intake (mL/h) less the maintenance intake of the reference adult: the IV fluid
#: on top of maintenance that gives the model patient Textor's total (derived, not typed).
_TEXTOR_IV_ML_PER_H = TEXTOR_COURSE.fluid_ml_per_h - _maintenance_ml_per_h(_HP0.reference_weight_kg, _HP0)


@register("Capillary leak: management")
@dataclass(frozen=True)
class ManagementParameters(CitedParameters):
    """Clinical management: the label's dose-hold rule and the default fluid support."""

    hold_systolic_mmHg: float = cited(
        90.0, "mmHg", "Withhold a scheduled dose when systolic pressure is below this",
        "proleukin_label", low=0, high=200,
    )
    pressor_target_systolic_mmHg: float = cited(
        95.0, "mmHg", "Systolic pressure to which vasopressors are titrated", "proleukin_label",
        low=0, high=200,
        note="modelling choice: a few mmHg above the hold threshold, so that doses can go on",
    )
    fluid_ml_per_h: float = cited(
        _TEXTOR_IV_ML_PER_H, "mL/h", "Default IV fluid on top of maintenance intake during the course",
        "textor1987", low=0,
        note=f"derived: Textor's {TEXTOR_COURSE.fluid_l:g} L over {TEXTOR_COURSE.days:g} days "
             f"({TEXTOR_COURSE.fluid_ml_per_h:.0f} mL/h, il2.toxicity.measured.TEXTOR_COURSE) minus "
             "the maintenance intake that balances baseline losses",
    )


@dataclass(frozen=True)
class ToxicityParameters:
    """Every parameter set the course model uses (each a cited, registered dataclass)."""

    fluids: _fluids.FluidParameters = field(default_factory=_fluids.FluidParameters)
    endothelium: _endo.EndotheliumParameters = field(default_factory=_endo.EndotheliumParameters)
    hemodynamics: _hemo.HemodynamicParameters = field(
        default_factory=_hemo.HemodynamicParameters
    )
    fever: _fever.FeverParameters = field(default_factory=_fever.FeverParameters)
    management: ManagementParameters = field(default_factory=ManagementParameters)
    pk: pk.PKParameters = field(default_factory=pk.PKParameters)


_DEFAULTS = ToxicityParameters()


@dataclass(frozen=True)
class CourseResult:
    """A simulated course (every array on the time grid ``t_h``).

    Attributes
    ----------
    t_h
        Times, h from the first scheduled dose.
    iu_per_ml
        Plasma IL-2, IU/mL (from the doses actually given).
    mediator
        Inflammatory mediator load :math:`M` (units of the half-effect load).
    activation
        Endothelial activation :math:`E`, 0 to 1.
    plasma_volume_l, interstitial_volume_l
        Compartment volumes, L.
    weight_kg
        Body weight (baseline plus the change in extracellular water, 1 kg per L).
    albumin_g_per_dl, interstitial_albumin_g_per_dl
        Albumin concentrations, g/dL (serum albumin is the plasma one).
    plasma_albumin_g, interstitial_albumin_g
        Albumin masses, g.
    interstitial_pressure_mmHg
        Interstitial hydrostatic pressure.
    filtration_l_per_h, lymph_l_per_h
        Net capillary filtration and lymph flow, L/h.
    mean_pressure_mmHg, systolic_pressure_mmHg
        Arterial pressures.
    vasopressor
        Effect of the titrated vasopressor (fractional rise in vascular resistance).
    urine_ml_per_h
        Urine flow.
    cardiac_output_l_per_min, heart_rate_bpm
        Cardiac output and heart rate of the reflex-corrected, hyperdynamic circulation
        (:func:`il2.toxicity.hemodynamics.circulation`).
    resistance_ratio
        Systemic vascular resistance relative to baseline (IL-2 effect and vasopressor).
    hematocrit
        Fraction of blood volume that is red cells.
    temperature_c
        Core temperature, °C.
    chills
        ``True`` while the patient shivers.
    fluid_in_l, urine_out_l, other_out_l
        Cumulative intake (maintenance plus IV), urine and other losses since ``t_h[0]``, L.
    scheduled_times_h
        Every scheduled dose time (empty for :func:`simulate_exposure`).
    given
        ``True`` for each scheduled dose that was given, ``False`` where it was held.
    systolic_at_dose_mmHg
        Systolic pressure read at each scheduled time.
    regimen
        The regimen actually given (held doses marked), or ``None``.
    weight_at_start_kg
        Body weight at baseline.
    params
        Every parameter set that produced the result.
    """

    t_h: NDArray[np.float64]
    iu_per_ml: NDArray[np.float64]
    mediator: NDArray[np.float64]
    activation: NDArray[np.float64]
    plasma_volume_l: NDArray[np.float64]
    interstitial_volume_l: NDArray[np.float64]
    weight_kg: NDArray[np.float64]
    albumin_g_per_dl: NDArray[np.float64]
    interstitial_albumin_g_per_dl: NDArray[np.float64]
    plasma_albumin_g: NDArray[np.float64]
    interstitial_albumin_g: NDArray[np.float64]
    interstitial_pressure_mmHg: NDArray[np.float64]
    filtration_l_per_h: NDArray[np.float64]
    lymph_l_per_h: NDArray[np.float64]
    mean_pressure_mmHg: NDArray[np.float64]
    systolic_pressure_mmHg: NDArray[np.float64]
    vasopressor: NDArray[np.float64]
    urine_ml_per_h: NDArray[np.float64]
    cardiac_output_l_per_min: NDArray[np.float64]
    heart_rate_bpm: NDArray[np.float64]
    resistance_ratio: NDArray[np.float64]
    hematocrit: NDArray[np.float64]
    temperature_c: NDArray[np.float64]
    chills: NDArray[np.bool_]
    fluid_in_l: NDArray[np.float64]
    urine_out_l: NDArray[np.float64]
    other_out_l: NDArray[np.float64]
    scheduled_times_h: NDArray[np.float64]
    given: NDArray[np.bool_]
    systolic_at_dose_mmHg: NDArray[np.float64]
    regimen: pk.Regimen | None
    weight_at_start_kg: float
    params: ToxicityParameters = _DEFAULTS

    @property
    def doses_given(self) -> int:
        """Number of doses given."""
        return int(np.count_nonzero(self.given))

    @property
    def doses_held(self) -> int:
        """Number of scheduled doses withheld by the hold rule."""
        return int(self.given.size - np.count_nonzero(self.given))

    @property
    def weight_gain_kg(self) -> float:
        """Largest weight gain over the course, kg."""
        return float(np.max(self.weight_kg) - self.weight_at_start_kg)

    @property
    def albumin_nadir_g_per_dl(self) -> float:
        """Lowest serum albumin, g/dL."""
        return float(np.min(self.albumin_g_per_dl))

    @property
    def min_systolic_mmHg(self) -> float:
        """Lowest systolic pressure, mmHg."""
        return float(np.min(self.systolic_pressure_mmHg))

    @property
    def max_heart_rate_bpm(self) -> float:
        """Highest heart rate, beats per minute."""
        return float(np.max(self.heart_rate_bpm))

    @property
    def max_temperature_c(self) -> float:
        """Highest core temperature, °C."""
        return float(np.max(self.temperature_c))

    def hours_below_systolic(self, threshold_mmHg: float = 90.0) -> float:
        """Hours with systolic pressure below ``threshold_mmHg``."""
        thr = check_scalar("threshold_mmHg", threshold_mmHg, 0.0, 300.0)
        below = self.systolic_pressure_mmHg < thr
        dt = np.diff(self.t_h)
        return float(np.sum(dt * 0.5 * (below[1:].astype(float) + below[:-1])))

    def hours_above(self, threshold_iu_per_ml: float) -> float:
        """Hours with plasma IL-2 above ``threshold_iu_per_ml`` (time above threshold)."""
        thr = check_scalar("threshold_iu_per_ml", threshold_iu_per_ml, 0.0)
        above = (self.iu_per_ml > thr).astype(float)
        return float(np.sum(np.diff(self.t_h) * 0.5 * (above[1:] + above[:-1])))


def maintenance_intake_ml_per_h(
    weight_kg: float = 70.0,
    params: _hemo.HemodynamicParameters = _hemo.HemodynamicParameters(),
) -> float:
    """Fluid intake that balances baseline urine and other losses (mL/h) (reference :cite:alp:`guyton2021`)."""
    w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
    return _maintenance_ml_per_h(w, params)


def five_day_regimen(dose_iu_per_kg: float | None = None, interval_h: float | None = None) -> pk.Regimen:
    """One cycle of the label's high-dose regimen (14 doses every 8 h; reference ``proleukin_label``).

    ``dose_iu_per_kg`` and ``interval_h`` default to the label's 600,000 IU/kg every 8 h.
    """
    return pk.high_dose_regimen(dose_iu_per_kg, interval_h=interval_h, cycles=1)


# --- the integrator ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Patient:
    """Numbers fixed for one simulation (derived once; plain floats for a fast right-hand side)."""

    k: _fluids.FluidConstants
    base: _fluids.FluidBaseline
    endo: _endo.EndotheliumParameters
    hemo: _hemo.HemodynamicParameters
    inflow_l_per_h: float  # maintenance + IV
    other_l_per_h: float
    vasopressor: float  # maximal effect of the titrated drug
    target_sbp: float
    scale: float
    pressor_on: bool = True  # False only when no vasopressor may be given (skips the titration)


def _patient(weight_kg: Any, fluid_ml_per_h: Any, vasopressor: Any,
             params: ToxicityParameters, hemo: Any = None) -> _Patient:
    """Derived numbers of one patient (checked floats), or of a cohort: ``weight_kg``,
    ``fluid_ml_per_h`` and ``vasopressor`` may then be arrays with one entry per patient, and
    ``hemo`` an object with the fields of :class:`HemodynamicParameters` some of which are
    arrays (used by :mod:`il2.cohort`). The inputs are checked by the callers."""
    k = _fluids._constants(weight_kg, params.fluids)
    base = _fluids._baseline(weight_kg, params.fluids)
    h = params.hemodynamics if hemo is None else hemo
    scale = k.weight_kg / h.reference_weight_kg
    intake = _maintenance_ml_per_h(k.weight_kg, h) + fluid_ml_per_h
    return _Patient(k=k, base=base, endo=params.endothelium, hemo=h,
                    inflow_l_per_h=intake / _ML_PER_L,
                    other_l_per_h=h.other_losses_ml_per_h * scale / _ML_PER_L,
                    vasopressor=vasopressor,
                    target_sbp=params.management.pressor_target_systolic_mmHg, scale=scale,
                    pressor_on=bool(np.any(np.asarray(vasopressor) > 0.0)))


class _Flows(NamedTuple):
    """Everything the state implies at one instant (floats inside the solver, arrays after)."""

    plasma_albumin_g_per_l: Any
    interstitial_albumin_g_per_l: Any
    interstitial_pressure_mmHg: Any
    filtration_l_per_h: Any
    albumin_flux_g_per_h: Any
    lymph_l_per_h: Any
    urine_l_per_h: Any
    mean_mmHg: Any
    pulse_mmHg: Any
    tone: Any
    pressor: Any


def _flows(pt: _Patient, vp: Any, vi: Any, mp: Any, mi: Any, e: Any, ops: ModuleType) -> _Flows:
    """The model equations (module docstring) for state ``(vp, vi, mp, mi)`` and activation
    ``e``: the same kernels the public functions of :mod:`~il2.toxicity.endothelium`,
    :mod:`~il2.toxicity.fluids` and :mod:`~il2.toxicity.hemodynamics` wrap after checking
    their inputs. ``ops`` is :mod:`math` for floats (inside the solver) or :mod:`numpy` for
    arrays (when the result is assembled)."""
    k, base, endo, hemo = pt.k, pt.base, pt.endo, pt.hemo
    cp = mp / vp
    ci = mi / vi
    sigma = _endo._reflection(e, base.reflection_coefficient, endo)
    ratio = vp / base.plasma_volume_l
    tone = _endo._tone(e, endo)
    pressor = 0.0 * tone
    if pt.pressor_on:
        pressor = _hemo._pressor(ratio, tone, pt.vasopressor, pt.target_sbp, hemo)
        tone = tone * (1.0 + pressor)
    mean, pulse = _hemo._pressures(ratio, tone, hemo)
    p_i = _fluids._interstitial_pressure(vi, k, ops)
    pc = base.capillary_pressure_mmHg * _hemo._autoregulation(mean, hemo)
    dl = _fluids.DL_PER_L
    jv = _fluids._starling(
        base.filtration_coefficient_l_per_h_mmHg * _endo._kf_multiplier(e, endo), pc, p_i, sigma,
        _fluids._cop(cp / dl, k), _fluids._cop(ci / dl, k),
    )
    js = _fluids._albumin_flux(jv, sigma, base.permeability_surface_l_per_h * _endo._ps_multiplier(e, endo),
                               cp, ci)
    # positional, in the order of _Flows' fields (half the cost of keywords, on every RHS call)
    return _Flows(cp, ci, p_i, jv, js, _fluids._lymph(p_i, k, ops),
                  _hemo._urine_l_per_h(mean, ratio, pt.scale, hemo), mean, pulse, tone, pressor)


def _make_rhs(pt: _Patient, t0: float, dt: float, e_vals: list[float]) -> Callable[[float, NDArray], list[float]]:
    """Right-hand side in plain floats; activation interpolated on the uniform sub-grid."""
    inflow, other = pt.inflow_l_per_h, pt.other_l_per_h
    last = len(e_vals) - 1

    def rhs(t: float, y: NDArray) -> list[float]:
        # volumes stay positive in any solution; the floor only guards trial steps of the solver
        vp, vi, mp, mi, _ = y.tolist()
        vp, vi = max(vp, _FLOOR_L), max(vi, _FLOOR_L)
        if last > 0:
            x = (t - t0) / dt
            i = min(max(int(x), 0), last - 1)
            f = min(max(x - i, 0.0), 1.0)
            e = e_vals[i] + f * (e_vals[i + 1] - e_vals[i])
        else:
            e = e_vals[0]
        return _derivatives(inflow, other, _flows(pt, vp, vi, mp, mi, e, math))

    return rhs


def _derivatives(inflow: Any, other: Any, fl: _Flows) -> list[Any]:
    r"""Time derivatives of :math:`(V_p, V_i, M_p, M_i, U_\mathrm{cum})` (module docstring) from
    the flows (floats inside the solver, or arrays over a cohort's patients)."""
    jv, js, lym, u = fl.filtration_l_per_h, fl.albumin_flux_g_per_h, fl.lymph_l_per_h, fl.urine_l_per_h
    back = lym * fl.interstitial_albumin_g_per_l
    return [inflow - u - other - jv + lym, jv - lym, back - js, js - back, u]


def _subgrid(ta: float, tb: float, step_h: float) -> NDArray[np.float64]:
    n = max(int(math.ceil((tb - ta) / step_h - 1e-9)), 1)
    return np.linspace(ta, tb, n + 1)


_FLOOR_L = 1e-6
_RTOL = 1e-6
_ATOL = np.array([1e-7, 1e-7, 1e-5, 1e-5, 1e-7])


def _integrate(pt: _Patient, t: NDArray[np.float64], e: NDArray[np.float64],
               y0: NDArray[np.float64]) -> NDArray[np.float64]:
    """States (5, len(t)) on the uniform grid ``t`` from ``y0`` at ``t[0]``."""
    if t.size < 2:
        return y0[:, None].copy()
    rhs = _make_rhs(pt, float(t[0]), float(t[1] - t[0]), e.tolist())
    sol, info = odeint(rhs, y0, t, tfirst=True, rtol=_RTOL, atol=_ATOL, full_output=True)
    y = sol.T
    if info["message"] != "Integration successful." or not np.all(np.isfinite(y)):
        raise SolverError(f"the fluid model could not be integrated with these inputs ({info['message']})")
    if np.any(y[:2] <= 0.0):
        raise ValueError("the inputs drove a fluid volume to zero: the model left its valid range")
    return y


def _initial_state(pt: _Patient) -> NDArray[np.float64]:
    b = pt.base
    return np.array([b.plasma_volume_l, b.interstitial_volume_l, b.plasma_albumin_g,
                     b.interstitial_albumin_g, 0.0])


def _systolic(pt: _Patient, state: NDArray[np.float64], e: float) -> float:
    fl = _flows(pt, float(state[0]), float(state[1]), float(state[2]), float(state[3]), e, math)
    return float(fl.mean_mmHg + 2.0 * fl.pulse_mmHg / 3.0)


def _assemble(pt: _Patient, t: NDArray[np.float64], c: NDArray[np.float64],
              m: NDArray[np.float64], y: NDArray[np.float64], params: ToxicityParameters,
              scheduled: NDArray[np.float64], given: NDArray[np.bool_],
              sbp_at_dose: NDArray[np.float64], regimen: pk.Regimen | None) -> CourseResult:
    k, base, h = pt.k, pt.base, pt.hemo
    e = _endo._activation_from_mediator(m, pt.endo)
    vp, vi, mp, mi, ucum = y
    fl = _flows(pt, vp, vi, mp, mi, e, np)
    fev = _fever._fever(t, c, params.fever)
    q_ratio, hr_ratio = _hemo._flow_and_rate(vp / base.plasma_volume_l, fl.tone, fl.mean_mmHg, h)
    elapsed = t - t[0]
    dl = _fluids.DL_PER_L
    return CourseResult(
        t_h=t, iu_per_ml=c, mediator=m, activation=e, plasma_volume_l=vp, interstitial_volume_l=vi,
        weight_kg=k.weight_kg + (vp + vi) - (base.plasma_volume_l + base.interstitial_volume_l),
        albumin_g_per_dl=fl.plasma_albumin_g_per_l / dl,
        interstitial_albumin_g_per_dl=fl.interstitial_albumin_g_per_l / dl,
        plasma_albumin_g=mp, interstitial_albumin_g=mi,
        interstitial_pressure_mmHg=fl.interstitial_pressure_mmHg,
        filtration_l_per_h=fl.filtration_l_per_h, lymph_l_per_h=fl.lymph_l_per_h,
        mean_pressure_mmHg=fl.mean_mmHg, systolic_pressure_mmHg=fl.mean_mmHg + 2.0 * fl.pulse_mmHg / 3.0,
        vasopressor=np.broadcast_to(np.asarray(fl.pressor, dtype=float), t.shape).copy(),
        urine_ml_per_h=fl.urine_l_per_h * _ML_PER_L,
        cardiac_output_l_per_min=q_ratio * h.cardiac_output_l_per_min * pt.scale,
        heart_rate_bpm=hr_ratio * h.heart_rate_bpm,
        resistance_ratio=np.broadcast_to(np.asarray(fl.tone, dtype=float), t.shape).copy(),
        hematocrit=_hemo.hematocrit(vp, base.plasma_volume_l, h),
        temperature_c=fev.temperature_c, chills=fev.chills,
        fluid_in_l=pt.inflow_l_per_h * elapsed, urine_out_l=ucum,
        other_out_l=pt.other_l_per_h * elapsed, scheduled_times_h=scheduled, given=given,
        systolic_at_dose_mmHg=sbp_at_dose, regimen=regimen, weight_at_start_kg=k.weight_kg,
        params=params,
    )


def _check_management(weight_kg: float, fluid_ml_per_h: float | None, vasopressor: float,
                      params: ToxicityParameters) -> tuple[float, float, float]:
    if not isinstance(params, ToxicityParameters):
        raise ValueError(f"params must be an il2.toxicity.ToxicityParameters; got {type(params).__name__}")
    w = check_scalar("weight_kg", weight_kg, 20.0, 250.0)
    fluid = params.management.fluid_ml_per_h if fluid_ml_per_h is None else fluid_ml_per_h
    fluid = check_scalar("fluid_ml_per_h", fluid, 0.0, 2000.0)
    u = check_scalar("vasopressor", vasopressor, 0.0, 3.0)
    return w, fluid, u


def simulate_exposure(
    t_h: ArrayLike,
    iu_per_ml: ArrayLike,
    weight_kg: float = 70.0,
    *,
    fluid_ml_per_h: float | None = None,
    vasopressor: float = 0.0,
    params: ToxicityParameters = _DEFAULTS,
) -> CourseResult:
    """Leak, pressure, weight, albumin and fever for a *given* plasma IL-2 time course.

    No dose is held (the exposure is an input); use :func:`simulate_course` for the clinical
    course with the label's hold rule.

    Parameters
    ----------
    t_h
        Uniformly spaced, increasing times (h), starting at baseline.
    iu_per_ml
        Plasma IL-2 at those times (IU/mL, >= 0).
    weight_kg
        Body weight at baseline (20 to 250 kg).
    fluid_ml_per_h
        IV fluid on top of maintenance intake (0 to 2000 mL/h); default
        :attr:`ManagementParameters.fluid_ml_per_h`.
    vasopressor
        Largest fractional rise in vascular resistance the vasopressor may produce (0 to 3);
        the drug is titrated to :attr:`ManagementParameters.pressor_target_systolic_mmHg`.
    params
        All model parameters.
    """
    w, fluid, u = _check_management(weight_kg, fluid_ml_per_h, vasopressor, params)
    t = check_array("t_h", t_h).ravel()
    c = check_array("iu_per_ml", iu_per_ml, 0.0).ravel()
    if t.size < 2:
        raise ValueError(f"t_h must hold at least 2 times; got {t.size}")
    steps = np.diff(t)
    if np.any(steps <= 0) or np.ptp(steps) > 1e-6 * steps.mean():
        raise ValueError("t_h must be uniformly spaced and strictly increasing")
    if c.shape != t.shape:
        raise ValueError(f"iu_per_ml must have one value per time ({t.size}); got {c.size}")
    pt = _patient(w, fluid, u, params)
    m = _endo._mediator(t, c, 0.0, params.endothelium)
    y = _integrate(pt, t, _endo._activation_from_mediator(m, params.endothelium), _initial_state(pt))
    empty = np.zeros(0)
    return _assemble(pt, t, c, m, y, params, empty, np.zeros(0, dtype=bool), empty, None)


def simulate_course(
    regimen: pk.Regimen | None = None,
    weight_kg: float = 70.0,
    *,
    fluid_ml_per_h: float | None = None,
    vasopressor: float = 0.0,
    hold_doses: bool = True,
    tail_h: float = DEFAULT_TAIL_H,
    step_h: float = DEFAULT_STEP_H,
    params: ToxicityParameters = _DEFAULTS,
) -> CourseResult:
    """A treatment course with management and the label's dose-hold rule.

    From each scheduled dose to the next: the exposure is computed from the doses given so far
    (:func:`il2.pk.concentration_iu_per_ml`), the endothelial activation from the exposure, and
    the fluid state by integration. At each scheduled time the systolic pressure decides
    whether the dose is given (held below :attr:`ManagementParameters.hold_systolic_mmHg`,
    reference ``proleukin_label``).

    Parameters
    ----------
    regimen
        Scheduled course; default one five-day cycle of the label's high-dose regimen
        (:func:`five_day_regimen`). Doses already marked held stay held.
    weight_kg
        Body weight at baseline (20 to 250 kg).
    fluid_ml_per_h
        IV fluid on top of maintenance intake (0 to 2000 mL/h); default
        :attr:`ManagementParameters.fluid_ml_per_h`, which matches Textor's total intake.
    vasopressor
        Largest fractional rise in vascular resistance the vasopressor may produce (0 to 3);
        the drug is titrated to :attr:`ManagementParameters.pressor_target_systolic_mmHg`
        (none while the pressure is adequate).
    hold_doses
        Apply the hold rule (``False`` gives every scheduled dose).
    tail_h
        Time simulated after the last scheduled dose (h).
    step_h
        Output grid step (h, at most 0.1 so infusions are resolved).
    params
        All model parameters.

    Returns
    -------
    CourseResult
    """
    w, fluid, u = _check_management(weight_kg, fluid_ml_per_h, vasopressor, params)
    if regimen is None:
        regimen = five_day_regimen()
    if not isinstance(regimen, pk.Regimen):
        raise ValueError(f"regimen must be an il2.pk.Regimen; got {type(regimen).__name__}")
    if not isinstance(hold_doses, (bool, np.bool_)):
        raise ValueError(f"hold_doses must be True or False; got {hold_doses!r}")
    tail = check_scalar("tail_h", tail_h, 0.0, 24.0 * 60)
    step = check_scalar("step_h", step_h, 1e-3, 0.1)
    pt = _patient(w, fluid, u, params)
    scheduled = regimen.scheduled_times_h()
    pre_held = ~regimen.given_mask()
    bounds = np.append(scheduled, scheduled[-1] + max(tail, step))
    dose_iu = regimen.dose_iu_per_kg * w
    threshold = params.management.hold_systolic_mmHg

    given = np.zeros(scheduled.size, dtype=bool)
    sbp_at = np.zeros(scheduled.size)
    y = _initial_state(pt)
    m_now = 0.0
    ts, cs, ms, ys = [], [], [], []
    for j in range(scheduled.size):
        e_now = float(_endo._activation_from_mediator(np.array(m_now), params.endothelium))
        sbp = _systolic(pt, y, e_now)
        sbp_at[j] = sbp
        given[j] = not pre_held[j] and not (hold_doses and sbp < threshold)
        t = _subgrid(float(bounds[j]), float(bounds[j + 1]), step)
        times = scheduled[: j + 1][given[: j + 1]]
        c = pk.concentration_iu_per_ml(
            t, times, np.full(times.size, dose_iu), infusion_h=regimen.infusion_h,
            weight_kg=w, route=regimen.route, params=params.pk,
        )
        m = _endo._mediator(t, c, m_now, params.endothelium)
        yy = _integrate(pt, t, _endo._activation_from_mediator(m, params.endothelium), y)
        keep = slice(None) if j == scheduled.size - 1 else slice(None, -1)
        ts.append(t[keep]); cs.append(c[keep]); ms.append(m[keep]); ys.append(yy[:, keep])
        y, m_now = yy[:, -1], float(m[-1])
    held = [int(i) for i in np.flatnonzero(~given)]
    actual = pk.Regimen(
        dose_iu_per_kg=regimen.dose_iu_per_kg, interval_h=regimen.interval_h,
        infusion_h=regimen.infusion_h, doses_per_cycle=regimen.doses_per_cycle,
        cycles=regimen.cycles, rest_h=regimen.rest_h, route=regimen.route,
        held=frozenset(held),
    )
    return _assemble(pt, np.concatenate(ts), np.concatenate(cs), np.concatenate(ms),
                     np.concatenate(ys, axis=1), params, scheduled, given, sbp_at, actual)


class StarlingForces(NamedTuple):
    r"""The four pressures of the Starling equation (mmHg), oncotic ones as they act:

    .. math:: J_v = K_f\,[(P_c - P_i) - \sigma(\pi_p - \pi_i)]

    (:mod:`il2.toxicity.fluids`; reference ``levick2010``).
    """

    capillary_mmHg: float
    interstitial_mmHg: float
    plasma_oncotic_mmHg: float
    tissue_oncotic_mmHg: float


def starling_forces(result: CourseResult, index: int | None = None) -> StarlingForces:
    r"""The Starling pressures :math:`P_c`, :math:`P_i`, :math:`\sigma\pi_p`, :math:`\sigma\pi_i`
    of a course, before treatment (``index=None``) or at output ``index`` of ``result``.

    At an output the capillary pressure follows the mean arterial pressure
    (:func:`il2.toxicity.hemodynamics.capillary_pressure_mmHg`), the reflection coefficient
    :math:`\sigma` falls with the endothelial activation
    (:func:`il2.toxicity.endothelium.reflection_coefficient`) and each oncotic pressure follows
    its albumin (:func:`il2.toxicity.fluids.colloid_osmotic_pressure_mmHg`); the baseline is
    :func:`il2.toxicity.fluids.baseline` for the result's weight and parameters.

    Parameters
    ----------
    result
        A :func:`simulate_course` (or :func:`simulate_exposure`) result.
    index
        Output index into ``result.t_h`` (negative counts from the end), or ``None``.
    """
    p = result.params
    b = _fluids.baseline(result.weight_at_start_kg, p.fluids)
    if index is None:
        return StarlingForces(b.capillary_pressure_mmHg, b.interstitial_pressure_mmHg,
                              b.reflection_coefficient * b.plasma_cop_mmHg,
                              b.reflection_coefficient * b.interstitial_cop_mmHg)
    n = result.t_h.size
    if isinstance(index, bool) or not isinstance(index, (int, np.integer)) or not -n <= index < n:
        raise ValueError(f"index must be an integer in [{-n}, {n - 1}] (an output of the course); got {index!r}")
    k = int(index)
    cop_p = float(_fluids.colloid_osmotic_pressure_mmHg(result.albumin_g_per_dl[k]))
    cop_i = float(_fluids.colloid_osmotic_pressure_mmHg(result.interstitial_albumin_g_per_dl[k]))
    sigma = float(_endo.reflection_coefficient(float(result.activation[k]), b.reflection_coefficient,
                                               p.endothelium))
    pc = float(_hemo.capillary_pressure_mmHg(result.mean_pressure_mmHg[k], b.capillary_pressure_mmHg,
                                             p.hemodynamics))
    return StarlingForces(pc, float(result.interstitial_pressure_mmHg[k]), sigma * cop_p, sigma * cop_i)
