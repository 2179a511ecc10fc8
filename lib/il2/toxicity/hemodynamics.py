r"""Blood pressure, heart rate, cardiac output, urine and haematocrit from plasma volume and tone.

A deliberately small circulation model (reference :cite:alp:`guyton2021`) with the hyperdynamic
response that high-dose IL-2 produces (references :cite:alp:`ognibene1988`, :cite:alp:`fragasso1994`):

* **Preload.** Without reflexes, cardiac output would follow the filling of the circulation,
  which follows plasma volume: :math:`Q_\mathrm{open}/Q_0 = (V_p/V_{p,0})^{n}` (Frank-Starling
  mechanism and venous return; the exponent is a modelling choice). Stroke volume follows the
  same filling, :math:`SV/SV_0 = (V_p/V_{p,0})^{n}`.
* **Tone.** Systemic vascular resistance relative to baseline is :math:`R/R_0`, lowered by the
  IL-2 effect and raised by vasopressors (:func:`il2.toxicity.endothelium.vascular_tone`).
* **Baroreflex.** Without reflexes, :math:`\bar P \propto Q R`. The baroreceptor reflex
  corrects a fraction :math:`G/(1+G)` of any disturbance (feedback gain :math:`G`: about 2
  acutely, less over days because the baroreceptors reset; the library uses 1), which in
  relative terms gives

  .. math::

      \bar P = \bar P_0 \left(\frac{V_p}{V_{p,0}}\right)^{n/(1+G)}
               \left(\frac{R}{R_0}\right)^{1/(1+G)}.

* **Hyperdynamic circulation.** The reflex restores pressure by driving the heart: cardiac
  output is whatever carries the corrected pressure through the lowered resistance,
  :math:`Q/Q_0 = (\bar P/\bar P_0)/(R/R_0)`, and the heart rate is cardiac output over stroke
  volume, :math:`HR/HR_0 = (Q/Q_0)/(SV/SV_0)`. When the IL-2 effect halves the resistance at
  normal filling, cardiac output and heart rate rise by :math:`\sqrt 2` (with :math:`G = 1`)
  while pressure falls by the same factor: the warm, fast, low-resistance state of sepsis that
  Ognibene and colleagues measured during IL-2 (reference :cite:alp:`ognibene1988`). The fall in
  ejection fraction they also saw (a depressed myocardium) is not modelled.
* **Capillary pressure** is autoregulated: it holds its baseline value while mean arterial
  pressure stays above the autoregulation limit :math:`P_\mathrm{auto}` and falls in
  proportion below it, :math:`P_c = P_{c,0}\,a(\bar P)/a(\bar P_0)` with the smooth minimum
  :math:`a(P) = x/(1 + x^6)^{1/6}`, :math:`x = P/P_\mathrm{auto}`; so a collapsing
  circulation stops filtering.
* **Vasopressors** are titrated: the dose rises until systolic pressure reaches a target, up to
  a maximal effect :math:`u_\mathrm{max}` (a fractional rise in resistance), and is zero
  when the pressure is adequate (:func:`titrated_vasopressor`).
* **Pulse pressure** scales with stroke volume, :math:`PP = PP_0 (V_p/V_{p,0})^{n}`, and
  systolic pressure is :math:`P_s = \bar P + \tfrac{2}{3} PP` (mean pressure lies one third of
  the way from diastolic to systolic).
* **Kidney.** Urine flow follows the renal output curve (pressure diuresis): none below about
  50 mmHg and rising steeply above it; the volume reflexes and hormones add a steep
  dependence on plasma volume (volume natriuresis),
  :math:`U = U_0 \left[(\bar P - P_\mathrm{anuria})/(\bar P_0 - P_\mathrm{anuria})\right]_+^{m}
  (V_p/V_{p,0})^{k}`.

Imports: :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.registry import CitedParameters, cited, register
from il2.validation import check_array, check_scalar

__all__ = [
    "HemodynamicParameters",
    "BloodPressure",
    "Circulation",
    "blood_pressure",
    "circulation",
    "capillary_pressure_mmHg",
    "titrated_vasopressor",
    "urine_output_ml_per_h",
    "hematocrit",
]


@register("Capillary leak: circulation and kidney")
@dataclass(frozen=True)
class HemodynamicParameters(CitedParameters):
    """Baseline pressures, reflex gain, kidney and fluid turnover of the reference adult."""

    mean_pressure_mmHg: float = cited(
        93.0, "mmHg", "Mean arterial pressure at baseline (120/80 mmHg)", "guyton2021",
        low=0, low_open=True,
    )
    pulse_pressure_mmHg: float = cited(
        40.0, "mmHg", "Pulse pressure (systolic minus diastolic) at baseline", "guyton2021",
        low=0, low_open=True,
    )
    heart_rate_bpm: float = cited(
        72.0, "1/min", "Resting heart rate of the reference adult", "guyton2021",
        low=0, low_open=True,
    )
    cardiac_output_l_per_min: float = cited(
        5.0, "L/min", "Resting cardiac output of the reference adult (70 kg)", "guyton2021",
        low=0, low_open=True,
    )
    preload_exponent: float = cited(
        1.0, "1", "Exponent linking stroke volume (and unreflexed cardiac output) to plasma volume",
        "guyton2021", low=0,
        note="modelling choice: stroke volume in proportion to plasma volume (Frank-Starling); "
             "the baroreflex then sets cardiac output and heart rate",
    )
    baroreflex_gain: float = cited(
        1.0, "1", "Feedback gain of the baroreceptor reflex over days", "guyton2021", low=0,
        note="modelling choice: the acute gain is about 2, but the baroreceptors reset within one "
             "to two days, so over a course of several days the reflex corrects half a disturbance",
    )
    urine_ml_per_h: float = cited(
        58.0, "mL/h", "Urine flow at baseline in the reference adult (1.4 L/day)", "guyton2021",
        low=0, low_open=True,
    )
    other_losses_ml_per_h: float = cited(
        37.5, "mL/h", "Insensible, sweat and faecal water loss (0.9 L/day, 70 kg)", "guyton2021",
        low=0,
    )
    anuria_pressure_mmHg: float = cited(
        50.0, "mmHg", "Mean arterial pressure below which urine flow stops", "guyton2021",
        low=0, note="renal output curve",
    )
    renal_exponent: float = cited(
        1.0, "1", "Steepness of the renal output curve around baseline", "guyton2021", low=0,
        note="modelling choice: urine falls in proportion to mean pressure above 50 mmHg",
    )
    renal_volume_exponent: float = cited(
        8.0, "1", "Sensitivity of urine flow to plasma volume (volume natriuresis)",
        "guyton2021", low=0,
        note="modelling choice standing for the volume reflexes and hormones (renin-angiotensin-"
             "aldosterone, antidiuretic hormone, natriuretic peptide): a 9% rise in plasma volume "
             "doubles urine flow at constant pressure",
    )
    autoregulation_limit_mmHg: float = cited(
        60.0, "mmHg", "Mean arterial pressure below which capillary pressure is no longer held",
        "guyton2021", low=0, low_open=True,
        note="lower limit of autoregulation; the smooth switch is a modelling choice",
    )
    hematocrit: float = cited(
        0.40, "1", "Haematocrit at baseline", "guyton2021", low=0, high=1, low_open=True,
        high_open=True,
    )
    reference_weight_kg: float = cited(
        70.0, "kg", "Body weight at which the urine and loss rates apply", "guyton2021",
        low=0, low_open=True, note="rates scale in proportion to body weight",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.anuria_pressure_mmHg >= self.mean_pressure_mmHg:
            raise ValueError(
                "anuria_pressure_mmHg must be below mean_pressure_mmHg "
                f"({self.mean_pressure_mmHg:g}); got {self.anuria_pressure_mmHg:g}"
            )


@dataclass(frozen=True)
class BloodPressure:
    """Arterial pressures, mmHg (arrays of the same shape)."""

    mean_mmHg: NDArray[np.float64]
    systolic_mmHg: NDArray[np.float64]
    diastolic_mmHg: NDArray[np.float64]


@dataclass(frozen=True)
class Circulation:
    """Pressures, flow and heart rate (arrays of the same shape).

    Attributes
    ----------
    mean_mmHg, systolic_mmHg, diastolic_mmHg
        Arterial pressures.
    cardiac_output_l_per_min
        Cardiac output.
    heart_rate_bpm
        Heart rate, beats per minute.
    resistance_ratio
        Systemic vascular resistance relative to baseline (the tone, drug included).
    """

    mean_mmHg: NDArray[np.float64]
    systolic_mmHg: NDArray[np.float64]
    diastolic_mmHg: NDArray[np.float64]
    cardiac_output_l_per_min: NDArray[np.float64]
    heart_rate_bpm: NDArray[np.float64]
    resistance_ratio: NDArray[np.float64]


def _pressures(volume_ratio: Any, tone: Any, p: HemodynamicParameters) -> tuple[Any, Any]:
    """Mean and pulse pressure (works on floats and arrays)."""
    preload = volume_ratio ** p.preload_exponent
    mean = p.mean_pressure_mmHg * (preload * tone) ** (1.0 / (1.0 + p.baroreflex_gain))
    return mean, p.pulse_pressure_mmHg * preload


def _flow_and_rate(volume_ratio: Any, tone: Any, mean_mmHg: Any,
                   p: HemodynamicParameters) -> tuple[Any, Any]:
    """Cardiac output ratio :math:`(\\bar P/\\bar P_0)/(R/R_0)` and heart-rate ratio
    :math:`(Q/Q_0)/(SV/SV_0)` (floats or arrays)."""
    q = (mean_mmHg / p.mean_pressure_mmHg) / tone
    return q, q / volume_ratio ** p.preload_exponent


def _smooth_min(x: Any) -> Any:
    """:math:`x/(1 + x^6)^{1/6}`: close to ``x`` below 1, close to 1 above."""
    return x / (1.0 + x**6) ** (1.0 / 6.0)


def _autoregulation(mean_mmHg: Any, p: HemodynamicParameters) -> Any:
    """Capillary pressure relative to baseline: 1 above the autoregulation limit, falling below."""
    return _smooth_min(mean_mmHg / p.autoregulation_limit_mmHg) / _smooth_min(
        p.mean_pressure_mmHg / p.autoregulation_limit_mmHg
    )


def _pressor(volume_ratio: Any, tone: Any, u_max: float, target_systolic_mmHg: float,
             p: HemodynamicParameters) -> Any:
    """Vasopressor effect needed to bring systolic pressure to the target, within [0, u_max]."""
    preload = volume_ratio ** p.preload_exponent
    mean_needed = target_systolic_mmHg - 2.0 * p.pulse_pressure_mmHg * preload / 3.0
    mean_needed = 0.5 * (mean_needed + abs(mean_needed))
    u = (mean_needed / p.mean_pressure_mmHg) ** (1.0 + p.baroreflex_gain) / (preload * tone) - 1.0
    u = 0.5 * (u + abs(u))
    return u_max - 0.5 * ((u_max - u) + abs(u_max - u))


def _urine_l_per_h(mean_mmHg: Any, volume_ratio: Any, scale: float, p: HemodynamicParameters) -> Any:
    x = (mean_mmHg - p.anuria_pressure_mmHg) / (p.mean_pressure_mmHg - p.anuria_pressure_mmHg)
    x = 0.5 * (x + abs(x))
    return p.urine_ml_per_h * 1e-3 * scale * x**p.renal_exponent * volume_ratio**p.renal_volume_exponent


def blood_pressure(
    plasma_volume_l: ArrayLike,
    baseline_plasma_volume_l: float,
    tone: ArrayLike = 1.0,
    params: HemodynamicParameters = HemodynamicParameters(),
) -> BloodPressure:
    r"""Mean, systolic and diastolic arterial pressure.

    .. math::

        \bar P = \bar P_0\left[\left(\frac{V_p}{V_{p,0}}\right)^{n}\frac{R}{R_0}\right]^{1/(1+G)},
        \quad P_s = \bar P + \tfrac23 PP, \quad P_d = \bar P - \tfrac13 PP

    (reference :cite:alp:`guyton2021`; see the module docstring).

    Parameters
    ----------
    plasma_volume_l
        Plasma volume, L (> 0).
    baseline_plasma_volume_l
        Plasma volume at baseline, L.
    tone
        Vascular resistance relative to baseline
        (:func:`il2.toxicity.endothelium.vascular_tone`), > 0.
    params
        Circulation parameters.
    """
    vp = check_array("plasma_volume_l", plasma_volume_l, 0.0, low_open=True)
    vp0 = check_scalar("baseline_plasma_volume_l", baseline_plasma_volume_l, 0.0, low_open=True)
    r = check_array("tone", tone, 0.0, low_open=True)
    mean, pp = _pressures(vp / vp0, r, params)
    mean = np.asarray(mean, dtype=float)
    pp = np.broadcast_to(pp, mean.shape)
    return BloodPressure(mean_mmHg=mean, systolic_mmHg=mean + 2.0 * pp / 3.0,
                         diastolic_mmHg=mean - pp / 3.0)


def circulation(
    plasma_volume_l: ArrayLike,
    baseline_plasma_volume_l: float,
    tone: ArrayLike = 1.0,
    params: HemodynamicParameters = HemodynamicParameters(),
) -> Circulation:
    r"""Pressures, cardiac output and heart rate of the reflex-corrected circulation.

    .. math::

        \frac{Q}{Q_0} = \frac{\bar P/\bar P_0}{R/R_0}, \qquad
        \frac{HR}{HR_0} = \frac{Q/Q_0}{(V_p/V_{p,0})^{n}},

    with :math:`\bar P` from :func:`blood_pressure`: the baroreflex holds pressure up by
    raising cardiac output through the heart rate as resistance falls, the hyperdynamic state
    measured during high-dose IL-2 (references :cite:alp:`ognibene1988`, :cite:alp:`fragasso1994`,
    :cite:alp:`guyton2021`).

    Parameters
    ----------
    plasma_volume_l
        Plasma volume, L (> 0).
    baseline_plasma_volume_l
        Plasma volume at baseline, L.
    tone
        Vascular resistance relative to baseline, > 0.
    params
        Circulation parameters.
    """
    vp = check_array("plasma_volume_l", plasma_volume_l, 0.0, low_open=True)
    vp0 = check_scalar("baseline_plasma_volume_l", baseline_plasma_volume_l, 0.0, low_open=True)
    r = check_array("tone", tone, 0.0, low_open=True)
    ratio = vp / vp0
    mean, pp = _pressures(ratio, r, params)
    q, hr = _flow_and_rate(ratio, r, mean, params)
    shape = np.broadcast(ratio, r).shape
    mean = np.broadcast_to(np.asarray(mean, dtype=float), shape)
    pp = np.broadcast_to(np.asarray(pp, dtype=float), shape)
    return Circulation(
        mean_mmHg=mean, systolic_mmHg=mean + 2.0 * pp / 3.0, diastolic_mmHg=mean - pp / 3.0,
        cardiac_output_l_per_min=np.broadcast_to(q * params.cardiac_output_l_per_min, shape).copy(),
        heart_rate_bpm=np.broadcast_to(hr * params.heart_rate_bpm, shape).copy(),
        resistance_ratio=np.broadcast_to(r, shape).astype(float),
    )


def capillary_pressure_mmHg(
    mean_pressure_mmHg: ArrayLike,
    baseline_capillary_pressure_mmHg: float,
    params: HemodynamicParameters = HemodynamicParameters(),
) -> NDArray[np.float64]:
    r"""Effective capillary pressure with autoregulation, :math:`P_c = P_{c,0}\,a(\bar P)/a(\bar P_0)`.

    :math:`a(P) = x/(1+x^6)^{1/6}` with :math:`x = P/P_\mathrm{auto}` is a smooth
    :math:`\min(x, 1)`: capillary pressure is held while arterial pressure is above the
    autoregulation limit and falls in proportion below it (reference :cite:alp:`guyton2021`), so in
    shock the capillaries see little pressure and filtration stops.
    """
    mean = check_array("mean_pressure_mmHg", mean_pressure_mmHg, 0.0, 400.0)
    pc0 = check_scalar("baseline_capillary_pressure_mmHg", baseline_capillary_pressure_mmHg, 0.0, 100.0)
    return pc0 * _autoregulation(mean, params)


def titrated_vasopressor(
    plasma_volume_ratio: ArrayLike,
    tone: ArrayLike,
    max_effect: float,
    target_systolic_mmHg: float,
    params: HemodynamicParameters = HemodynamicParameters(),
) -> NDArray[np.float64]:
    r"""Vasopressor effect :math:`u` titrated to a systolic target, within :math:`[0, u_\mathrm{max}]`.

    Solving :math:`\bar P_0 [\,(V_p/V_{p,0})^n R (1+u)]^{1/(1+G)} + \tfrac23 PP = P_s^*` for
    :math:`u` and clipping it to :math:`[0, u_\mathrm{max}]`: no drug while the pressure is
    adequate, more as the IL-2 effect deepens, up to the ceiling.

    Parameters
    ----------
    plasma_volume_ratio
        Plasma volume relative to baseline (> 0).
    tone
        Vascular resistance relative to baseline without the drug (> 0).
    max_effect
        Largest fractional rise in resistance the drug may produce (0 to 3).
    target_systolic_mmHg
        Systolic pressure the titration aims for.
    params
        Circulation parameters.
    """
    ratio = check_array("plasma_volume_ratio", plasma_volume_ratio, 0.0, 10.0, low_open=True)
    r = check_array("tone", tone, 0.0, low_open=True)
    u_max = check_scalar("max_effect", max_effect, 0.0, 3.0)
    target = check_scalar("target_systolic_mmHg", target_systolic_mmHg, 0.0, 250.0)
    return np.asarray(_pressor(ratio, r, u_max, target, params), dtype=float)


def urine_output_ml_per_h(
    mean_pressure_mmHg: ArrayLike,
    plasma_volume_ratio: ArrayLike = 1.0,
    weight_kg: float = 70.0,
    params: HemodynamicParameters = HemodynamicParameters(),
) -> NDArray[np.float64]:
    r"""Urine flow (mL/h) from the renal output curve and the volume reflexes.

    .. math::

        U = U_0\left[\frac{\bar P - P_\mathrm{anuria}}{\bar P_0 - P_\mathrm{anuria}}\right]_+^{m}
            \left(\frac{V_p}{V_{p,0}}\right)^{k}

    (reference :cite:alp:`guyton2021`), scaled to body weight.

    Parameters
    ----------
    mean_pressure_mmHg
        Mean arterial pressure.
    plasma_volume_ratio
        Plasma volume relative to baseline (> 0).
    weight_kg
        Body weight.
    params
        Circulation and kidney parameters.
    """
    mean = check_array("mean_pressure_mmHg", mean_pressure_mmHg, 0.0, 400.0)
    ratio = check_array("plasma_volume_ratio", plasma_volume_ratio, 0.0, 10.0, low_open=True)
    w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
    return _urine_l_per_h(mean, ratio, w / params.reference_weight_kg, params) * 1e3


def hematocrit(
    plasma_volume_l: ArrayLike,
    baseline_plasma_volume_l: float,
    params: HemodynamicParameters = HemodynamicParameters(),
) -> NDArray[np.float64]:
    r"""Haematocrit with a fixed red-cell volume: :math:`H = V_r/(V_r + V_p)`,
    :math:`V_r = V_{p,0} H_0/(1 - H_0)`.

    A capillary leak that drains plasma concentrates the red cells; Textor et al. saw an
    unchanged haematocrit because fluids kept plasma volume up (reference :cite:alp:`textor1987`).
    """
    vp = check_array("plasma_volume_l", plasma_volume_l, 0.0, low_open=True)
    vp0 = check_scalar("baseline_plasma_volume_l", baseline_plasma_volume_l, 0.0, low_open=True)
    h0 = params.hematocrit
    red = vp0 * h0 / (1.0 - h0)
    return red / (red + vp)
