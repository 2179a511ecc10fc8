r"""Fluid exchange between plasma and interstitium: Starling filtration, albumin, lymph.

The body's extracellular water is split into two compartments, plasma (volume :math:`V_p`)
and interstitial fluid (:math:`V_i`), each holding a mass of albumin (:math:`M_p`, :math:`M_i`).
Fluid crosses the capillary wall by Starling filtration (reference :cite:alp:`levick2010`),

.. math::

    J_v = K_f\left[(P_c - P_i) - \sigma\,(\pi_p - \pi_i)\right],

albumin crosses by convection with the filtrate and by diffusion (Kedem-Katchalsky form),

.. math::

    J_s = J_v\,(1-\sigma)\,\bar C + PS\,(C_p - C_i),

and lymph returns interstitial fluid, with the albumin it carries, to the blood at a rate
:math:`L(P_i)` that rises steeply with interstitial pressure and then plateaus (reference
:cite:alp:`guyton2021`). The colloid osmotic (oncotic) pressures follow the Landis-Pappenheimer
polynomial of the protein concentration (reference :cite:alp:`landis1963`),
:math:`\pi = a_1 c + a_2 c^2 + a_3 c^3` with :math:`c = C_\mathrm{alb}/f_\mathrm{alb}` the
total protein, treating the globulins as moving in proportion to albumin (a modelling choice).
Interstitial pressure rises steeply with volume while it is negative and slowly once it is
positive (free-fluid oedema), a shape taken from Guyton's pressure-volume curve.

The baseline is solved algebraically (:func:`baseline`): filtration equals lymph flow and the
albumin that leaks equals the albumin lymph returns. The measured pressures, volumes, albumin
levels, reflection coefficient, filtration coefficient and lymph flow are inputs; the
*effective mean capillary pressure* and the albumin permeability-surface product are what close
the two balances.

Volumes in litres, pressures in mmHg, albumin concentrations in g/dL (albumin masses in g),
flows in L/h. Flows and compliances scale in proportion to body weight.

Imports: :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import brentq

from il2.registry import CitedParameters, cited, register
from il2.validation import check_array, check_scalar

__all__ = [
    "FluidParameters",
    "FluidBaseline",
    "FluidConstants",
    "baseline",
    "constants",
    "colloid_osmotic_pressure_mmHg",
    "albumin_for_pressure_g_per_dl",
    "interstitial_pressure_mmHg",
    "lymph_flow_l_per_h",
    "starling_filtration_l_per_h",
    "albumin_flux_g_per_h",
]

#: decilitres per litre: concentrations in g/dL times volumes in L need this factor for grams.
DL_PER_L = 10.0
_ML_PER_L = 1000.0
_MIN_PER_H = 60.0


@register("Capillary leak: fluid exchange")
@dataclass(frozen=True)
class FluidParameters(CitedParameters):
    """Volumes, Starling forces, albumin and lymph of the reference adult (70 kg)."""

    plasma_volume_l_per_kg: float = cited(
        0.043, "L/kg", "Plasma volume per kg body weight (about 3 L in 70 kg)", "guyton2021",
        low=0, low_open=True,
    )
    interstitial_volume_l_per_kg: float = cited(
        0.15, "L/kg", "Interstitial fluid volume per kg (about 10.5 L in 70 kg)", "guyton2021",
        low=0, low_open=True,
        note="extracellular fluid is 20% of body weight and three quarters of it is interstitial",
    )
    plasma_albumin_g_per_dl: float = cited(
        3.6, "g/dL", "Serum albumin before treatment", "textor1987", low=0, low_open=True,
        note="mean of the 12 patients of Textor et al. before IL-2; healthy adults run higher",
    )
    interstitial_protein_g_per_dl: float = cited(
        2.0, "g/dL", "Total protein in interstitial fluid (average over tissues)", "guyton2021",
        low=0, low_open=True,
    )
    albumin_fraction: float = cited(
        0.62, "1", "Albumin as a fraction of plasma protein (4.5 of 7.3 g/dL)", "guyton2021",
        low=0, high=1, low_open=True,
        note="modelling choice: globulins are assumed to move in proportion to albumin",
    )
    cop_linear_mmHg_dl_per_g: float = cited(
        2.1, "mmHg dL/g", "Landis-Pappenheimer oncotic pressure, linear coefficient",
        "landis1963", low=0, low_open=True,
    )
    cop_quadratic_mmHg_dl2_per_g2: float = cited(
        0.16, "mmHg dL²/g²", "Landis-Pappenheimer oncotic pressure, quadratic coefficient",
        "landis1963", low=0,
    )
    cop_cubic_mmHg_dl3_per_g3: float = cited(
        0.009, "mmHg dL³/g³", "Landis-Pappenheimer oncotic pressure, cubic coefficient",
        "landis1963", low=0,
    )
    interstitial_pressure_mmHg: float = cited(
        -3.0, "mmHg", "Interstitial fluid hydrostatic pressure at baseline", "guyton2021",
        low=-20, high=0,
    )
    reflection_coefficient: float = cited(
        0.9, "1", "Reflection coefficient of the capillary wall for albumin at baseline",
        "levick2010", low=0, high=1, low_open=True,
        note="modelling choice inside the range reported for continuous capillaries (about 0.8 "
             "to 0.95)",
    )
    filtration_coefficient_ml_per_min_mmHg_kg: float = cited(
        0.058, "mL/(min mmHg kg)", "Capillary filtration coefficient per kg of tissue",
        "guyton1966", low=0, low_open=True,
        note="measured in the dog hind limb (0.058 µL/min/mmHg per g); applied to the whole "
             "body mass (modelling choice), 4.1 mL/min/mmHg in 70 kg",
    )
    lymph_flow_ml_per_h: float = cited(
        120.0, "mL/h", "Total lymph flow at rest in the reference adult (2 to 3 L/day)",
        "guyton2021", low=0, low_open=True,
        note="thoracic duct about 100 mL/h plus about 20 mL/h through other channels",
    )
    lymph_max_fold: float = cited(
        20.0, "1", "Maximum lymph flow as a multiple of resting flow", "guyton2021",
        low=1.1,
        note="lymph flow rises more than 20-fold as interstitial pressure rises to 0 mmHg",
    )
    lymph_plateau_pressure_mmHg: float = cited(
        1.0, "mmHg", "Interstitial pressure at which lymph flow reaches 95% of its maximum",
        "guyton2021", low=-20, high=20,
        note="lymph flow plateaus 1 to 2 mmHg above atmospheric pressure; logistic shape is a "
             "modelling choice",
    )
    interstitial_compliance_low_l_per_mmHg: float = cited(
        0.5, "L/mmHg", "Interstitial compliance while the pressure is negative (70 kg)",
        "guyton2021", low=0, low_open=True,
        note="modelling choice for the steep part of Guyton's pressure-volume curve: 1.5 L "
             "raises the pressure from -3 to 0 mmHg",
    )
    interstitial_compliance_high_l_per_mmHg: float = cited(
        2.5, "L/mmHg", "Interstitial compliance once the pressure is positive (oedema, 70 kg)",
        "guyton2021, textor1987", low=0, low_open=True,
        note="modelling choice for the flat part of Guyton's curve, where free fluid collects; "
             "calibrated with the IL-2 effect to Textor's weight gain",
    )
    compliance_knee_pressure_mmHg: float = cited(
        0.0, "mmHg", "Interstitial pressure at which compliance switches from low to high",
        "guyton2021", low=-20, high=20,
    )
    compliance_knee_width_mmHg: float = cited(
        0.5, "mmHg", "Width of the smooth switch between the two compliances", "guyton2021",
        low=0, low_open=True, note="modelling choice (smoothness for the ODE solver)",
    )
    reference_weight_kg: float = cited(
        70.0, "kg", "Body weight at which flows and compliances apply", "guyton2021",
        low=0, low_open=True, note="flows and compliances scale in proportion to body weight",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if self.lymph_plateau_pressure_mmHg <= self.interstitial_pressure_mmHg:
            raise ValueError(
                "lymph_plateau_pressure_mmHg must exceed interstitial_pressure_mmHg "
                f"({self.interstitial_pressure_mmHg:g}); got {self.lymph_plateau_pressure_mmHg:g}"
            )
        if self.compliance_knee_pressure_mmHg <= self.interstitial_pressure_mmHg:
            raise ValueError(
                "compliance_knee_pressure_mmHg must exceed interstitial_pressure_mmHg "
                f"({self.interstitial_pressure_mmHg:g}); got {self.compliance_knee_pressure_mmHg:g}"
            )
        if self.interstitial_compliance_high_l_per_mmHg <= self.interstitial_compliance_low_l_per_mmHg:
            raise ValueError(
                "interstitial_compliance_high_l_per_mmHg must exceed the low compliance "
                f"({self.interstitial_compliance_low_l_per_mmHg:g}); got "
                f"{self.interstitial_compliance_high_l_per_mmHg:g}"
            )


@dataclass(frozen=True)
class FluidConstants:
    """Plain numbers the fluid model needs for one patient, derived once from the parameters.

    Used by :func:`baseline` and by the course integrator; the public functions of this module
    compute the same quantities with input checks.
    """

    weight_kg: float
    scale: float  # weight / reference weight
    cop_a1: float
    cop_a2: float
    cop_a3: float
    albumin_fraction: float
    pi0_mmHg: float  # baseline interstitial pressure
    compliance_low_l_per_mmHg: float
    compliance_high_l_per_mmHg: float
    knee_volume_l: float  # interstitial volume above baseline where compliance switches
    knee_width_l: float
    knee_softplus: float  # softplus(knee volume / knee width): the same for every body weight
    vi0_l: float
    lymph0_l_per_h: float
    lymph_max_l_per_h: float
    lymph_half_mmHg: float
    lymph_width_mmHg: float


def constants(weight_kg: float, params: FluidParameters = FluidParameters()) -> FluidConstants:
    """The fluid model's derived numbers for a patient of ``weight_kg`` (see module docstring)."""
    return _constants(check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True), params)


def _constants(w: Any, params: FluidParameters) -> FluidConstants:
    """Kernel of :func:`constants` without checks; ``w`` may be an array of body weights (one per
    patient of a cohort), and the weight-dependent fields are then arrays of the same shape."""
    p = params
    scale = w / p.reference_weight_kg
    c_low = p.interstitial_compliance_low_l_per_mmHg * scale
    c_high = p.interstitial_compliance_high_l_per_mmHg * scale
    l0 = p.lymph_flow_ml_per_h / _ML_PER_L * scale
    fold = p.lymph_max_fold
    # Logistic lymph curve through (Pi0, L0) reaching 95% of Lmax at the plateau pressure.
    log19 = math.log(19.0)
    width = (p.lymph_plateau_pressure_mmHg - p.interstitial_pressure_mmHg) / (
        math.log(fold - 1.0) + log19
    )
    half = p.lymph_plateau_pressure_mmHg - width * log19
    return FluidConstants(
        weight_kg=w,
        scale=scale,
        cop_a1=p.cop_linear_mmHg_dl_per_g,
        cop_a2=p.cop_quadratic_mmHg_dl2_per_g2,
        cop_a3=p.cop_cubic_mmHg_dl3_per_g3,
        albumin_fraction=p.albumin_fraction,
        pi0_mmHg=p.interstitial_pressure_mmHg,
        compliance_low_l_per_mmHg=c_low,
        compliance_high_l_per_mmHg=c_high,
        knee_volume_l=(p.compliance_knee_pressure_mmHg - p.interstitial_pressure_mmHg) * c_low,
        knee_width_l=p.compliance_knee_width_mmHg * c_low,
        knee_softplus=_softplus((p.compliance_knee_pressure_mmHg - p.interstitial_pressure_mmHg)
                                / p.compliance_knee_width_mmHg, math),
        vi0_l=p.interstitial_volume_l_per_kg * w,
        lymph0_l_per_h=l0,
        lymph_max_l_per_h=l0 * fold,
        lymph_half_mmHg=half,
        lymph_width_mmHg=width,
    )


# --- kernels shared by the public functions and the ODE right-hand side -----------------
# They take ``ops`` (the math module for Python floats inside the ODE solver, numpy for
# arrays) so that one formula serves both.


def _cop(albumin_g_per_dl: Any, k: FluidConstants) -> Any:
    c = albumin_g_per_dl / k.albumin_fraction
    return c * (k.cop_a1 + c * (k.cop_a2 + c * k.cop_a3))


def _softplus(x: Any, ops: ModuleType) -> Any:
    ax = abs(x)
    return 0.5 * (x + ax) + ops.log1p(ops.exp(-ax))


def _interstitial_pressure(vi_l: Any, k: FluidConstants, ops: ModuleType) -> Any:
    dv = vi_l - k.vi0_l
    w = k.knee_width_l
    excess = w * (_softplus((k.knee_volume_l - dv) / w, ops) - k.knee_softplus)
    inv_low = 1.0 / k.compliance_low_l_per_mmHg
    inv_high = 1.0 / k.compliance_high_l_per_mmHg
    return k.pi0_mmHg + dv * inv_high - (inv_low - inv_high) * excess


def _lymph(pi_mmHg: Any, k: FluidConstants, ops: ModuleType) -> Any:
    return k.lymph_max_l_per_h / (1.0 + ops.exp(-(pi_mmHg - k.lymph_half_mmHg) / k.lymph_width_mmHg))


def _starling(kf: Any, pc: Any, pi: Any, sigma: Any, cop_p: Any, cop_i: Any) -> Any:
    """Starling filtration :math:`K_f[(P_c - P_i) - \\sigma(\\pi_p - \\pi_i)]` (no checks)."""
    return kf * ((pc - pi) - sigma * (cop_p - cop_i))


def _albumin_flux(jv: Any, sigma: Any, ps: Any, cp_g_per_l: Any, ci_g_per_l: Any) -> Any:
    """Kedem-Katchalsky albumin flux with the upwind concentration (no checks; g/L in, g/h out).

    ``(jv >= 0)`` is a bool for floats and a bool array for arrays; either multiplies as 0/1.
    """
    upwind = ci_g_per_l + (cp_g_per_l - ci_g_per_l) * (jv >= 0.0)
    return jv * (1.0 - sigma) * upwind + ps * (cp_g_per_l - ci_g_per_l)


# --- public, checked functions -------------------------------------------------------


def colloid_osmotic_pressure_mmHg(
    albumin_g_per_dl: ArrayLike, params: FluidParameters = FluidParameters()
) -> NDArray[np.float64]:
    r"""Colloid osmotic (oncotic) pressure from the albumin concentration.

    .. math::

        \pi = a_1 c + a_2 c^2 + a_3 c^3, \qquad c = C_\mathrm{alb} / f_\mathrm{alb},

    the Landis-Pappenheimer polynomial of total protein :math:`c` (g/dL) (reference
    :cite:alp:`landis1963`), with globulins moving in proportion to albumin (fraction :math:`f_\mathrm{alb}`
    of plasma protein, reference :cite:alp:`guyton2021`).

    Parameters
    ----------
    albumin_g_per_dl
        Albumin concentration, g/dL (>= 0).
    params
        Fluid parameters.

    Returns
    -------
    ndarray
        Oncotic pressure, mmHg.
    """
    c = check_array("albumin_g_per_dl", albumin_g_per_dl, 0.0)
    return _cop(c, constants(params.reference_weight_kg, params))


def albumin_for_pressure_g_per_dl(
    pressure_mmHg: float, params: FluidParameters = FluidParameters()
) -> float:
    """Albumin concentration (g/dL) whose oncotic pressure is ``pressure_mmHg``.

    The inverse of :func:`colloid_osmotic_pressure_mmHg`, found with Brent's method (the
    polynomial is increasing for positive concentrations).
    """
    target = check_scalar("pressure_mmHg", pressure_mmHg, 0.0)
    if target == 0.0:
        return 0.0
    k = constants(params.reference_weight_kg, params)
    hi = 1.0
    while _cop(hi, k) < target:
        hi *= 2.0
    return float(brentq(lambda c: _cop(c, k) - target, 0.0, hi, xtol=1e-12))


def interstitial_pressure_mmHg(
    interstitial_volume_l: ArrayLike,
    weight_kg: float = 70.0,
    params: FluidParameters = FluidParameters(),
) -> NDArray[np.float64]:
    r"""Interstitial hydrostatic pressure from interstitial volume (Guyton's curve).

    With :math:`\Delta V = V_i - V_{i,0}`, low compliance :math:`C_\ell` below the knee
    :math:`\Delta V_k = (P_k - P_{i,0})\,C_\ell` and high compliance :math:`C_h` above it,

    .. math::

        P_i = P_{i,0} + \frac{\Delta V}{C_h} - \left(\frac{1}{C_\ell} - \frac{1}{C_h}\right)
              w\left[s\!\left(\frac{\Delta V_k - \Delta V}{w}\right) - s\!\left(\frac{\Delta V_k}{w}\right)\right],

    where :math:`s(x) = \ln(1 + e^x)` smooths the switch over a volume :math:`w`. For
    :math:`\Delta V \ll \Delta V_k` the slope is :math:`1/C_\ell`; well above, :math:`1/C_h`
    (reference :cite:alp:`guyton2021`; the two compliances are modelling choices).
    """
    vi = check_array("interstitial_volume_l", interstitial_volume_l, 0.0)
    return _interstitial_pressure(vi, constants(weight_kg, params), np)


def lymph_flow_l_per_h(
    interstitial_pressure_mmHg: ArrayLike,
    weight_kg: float = 70.0,
    params: FluidParameters = FluidParameters(),
) -> NDArray[np.float64]:
    r"""Lymph flow (L/h) as a logistic function of interstitial pressure.

    .. math::

        L(P_i) = \frac{L_\mathrm{max}}{1 + e^{-(P_i - P_{50})/w}},

    with :math:`L_\mathrm{max}` a multiple of resting flow, :math:`L(P_{i,0}) = L_0` and 95% of
    the maximum reached at the plateau pressure (reference :cite:alp:`guyton2021`).
    """
    pi = check_array("interstitial_pressure_mmHg", interstitial_pressure_mmHg, -100.0, 100.0)
    return _lymph(pi, constants(weight_kg, params), np)


def starling_filtration_l_per_h(
    filtration_coefficient_l_per_h_mmHg: ArrayLike,
    capillary_pressure_mmHg: ArrayLike,
    interstitial_pressure_mmHg: ArrayLike,
    reflection_coefficient: ArrayLike,
    plasma_cop_mmHg: ArrayLike,
    interstitial_cop_mmHg: ArrayLike,
) -> NDArray[np.float64]:
    r"""Net fluid filtration out of the capillaries (L/h), the Starling equation.

    .. math::

        J_v = K_f\left[(P_c - P_i) - \sigma(\pi_p - \pi_i)\right]

    (reference :cite:alp:`levick2010`). Positive values are filtration into the interstitium.
    """
    kf = check_array("filtration_coefficient_l_per_h_mmHg", filtration_coefficient_l_per_h_mmHg, 0.0)
    pc = check_array("capillary_pressure_mmHg", capillary_pressure_mmHg, -100.0, 300.0)
    pi = check_array("interstitial_pressure_mmHg", interstitial_pressure_mmHg, -100.0, 100.0)
    sigma = check_array("reflection_coefficient", reflection_coefficient, 0.0, 1.0)
    cop_p = check_array("plasma_cop_mmHg", plasma_cop_mmHg, 0.0)
    cop_i = check_array("interstitial_cop_mmHg", interstitial_cop_mmHg, 0.0)
    return _starling(kf, pc, pi, sigma, cop_p, cop_i)


def albumin_flux_g_per_h(
    filtration_l_per_h: ArrayLike,
    reflection_coefficient: ArrayLike,
    permeability_surface_l_per_h: ArrayLike,
    plasma_albumin_g_per_dl: ArrayLike,
    interstitial_albumin_g_per_dl: ArrayLike,
) -> NDArray[np.float64]:
    r"""Albumin crossing the capillary wall (g/h): convection plus diffusion.

    .. math::

        J_s = J_v(1-\sigma)\,\bar C + PS\,(C_p - C_i), \qquad
        \bar C = C_p \text{ if } J_v \ge 0 \text{ else } C_i

    (upwind concentration; reference :cite:alp:`levick2010`). Concentrations in g/dL are converted to g/L.
    """
    jv = check_array("filtration_l_per_h", filtration_l_per_h)
    sigma = check_array("reflection_coefficient", reflection_coefficient, 0.0, 1.0)
    ps = check_array("permeability_surface_l_per_h", permeability_surface_l_per_h, 0.0)
    cp = check_array("plasma_albumin_g_per_dl", plasma_albumin_g_per_dl, 0.0) * DL_PER_L
    ci = check_array("interstitial_albumin_g_per_dl", interstitial_albumin_g_per_dl, 0.0) * DL_PER_L
    return _albumin_flux(jv, sigma, ps, cp, ci)


@dataclass(frozen=True)
class FluidBaseline:
    """The steady state before treatment (all flows balanced).

    Attributes
    ----------
    weight_kg
        Body weight.
    plasma_volume_l, interstitial_volume_l
        Compartment volumes.
    plasma_albumin_g_per_dl, interstitial_albumin_g_per_dl
        Albumin concentrations.
    plasma_albumin_g, interstitial_albumin_g
        Albumin masses.
    plasma_cop_mmHg, interstitial_cop_mmHg
        Oncotic pressures.
    interstitial_pressure_mmHg
        Interstitial hydrostatic pressure.
    capillary_pressure_mmHg
        Effective mean capillary pressure that makes filtration equal lymph flow.
    net_filtration_pressure_mmHg
        :math:`(P_c - P_i) - \\sigma(\\pi_p - \\pi_i)`.
    filtration_coefficient_l_per_h_mmHg
        Whole-body :math:`K_f`.
    reflection_coefficient
        :math:`\\sigma` for albumin.
    permeability_surface_l_per_h
        Albumin permeability-surface product :math:`PS` that balances the albumin fluxes.
    lymph_flow_l_per_h
        Resting lymph flow (= filtration).
    albumin_escape_per_h
        Fraction of plasma albumin crossing the capillary wall per hour (transcapillary escape
        rate).
    """

    weight_kg: float
    plasma_volume_l: float
    interstitial_volume_l: float
    plasma_albumin_g_per_dl: float
    interstitial_albumin_g_per_dl: float
    plasma_albumin_g: float
    interstitial_albumin_g: float
    plasma_cop_mmHg: float
    interstitial_cop_mmHg: float
    interstitial_pressure_mmHg: float
    capillary_pressure_mmHg: float
    net_filtration_pressure_mmHg: float
    filtration_coefficient_l_per_h_mmHg: float
    reflection_coefficient: float
    permeability_surface_l_per_h: float
    lymph_flow_l_per_h: float
    albumin_escape_per_h: float


def baseline(weight_kg: float = 70.0, params: FluidParameters = FluidParameters()) -> FluidBaseline:
    r"""The pre-treatment steady state, solved algebraically.

    Given the volumes, albumin levels (hence oncotic pressures), interstitial pressure,
    reflection coefficient :math:`\sigma_0`, filtration coefficient :math:`K_{f,0}` and resting
    lymph flow :math:`L_0`, the two balances fix the remaining unknowns:

    .. math::

        J_v = L_0 \;\Rightarrow\; P_c = P_{i,0} + \sigma_0(\pi_{p,0} - \pi_{i,0}) + L_0/K_{f,0},

    .. math::

        J_s = L_0 C_{i,0} \;\Rightarrow\;
        PS_0 = \frac{L_0\,[C_{i,0} - (1-\sigma_0) C_{p,0}]}{C_{p,0} - C_{i,0}}.

    :math:`P_c` is an effective capillary pressure averaged over the whole capillary bed
    (references :cite:alp:`levick2010`, :cite:alp:`guyton2021`).

    Raises
    ------
    ValueError
        If ``weight_kg`` is not positive, or if the parameters admit no steady state
        (interstitial albumin must lie between :math:`(1-\sigma_0) C_p` and :math:`C_p`).
    """
    return _baseline(check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True), params)


def _baseline(w: Any, params: FluidParameters) -> FluidBaseline:
    """Kernel of :func:`baseline` without the weight check; ``w`` may be an array of body weights
    (one per patient of a cohort), giving array fields of the same shape."""
    k = _constants(w, params)
    p = params
    vp = p.plasma_volume_l_per_kg * w
    vi = k.vi0_l
    cp = p.plasma_albumin_g_per_dl
    ci = p.interstitial_protein_g_per_dl * p.albumin_fraction
    if not (1.0 - p.reflection_coefficient) * cp < ci < cp:
        raise ValueError(
            "params.interstitial_protein_g_per_dl must give interstitial albumin between "
            f"(1 - sigma) * plasma albumin ({(1 - p.reflection_coefficient) * cp:.3g} g/dL) and plasma "
            f"albumin ({cp:.3g} g/dL) for a steady state; got {ci:.3g} g/dL"
        )
    cop_p = float(_cop(cp, k))
    cop_i = float(_cop(ci, k))
    kf = p.filtration_coefficient_ml_per_min_mmHg_kg * w / _ML_PER_L * _MIN_PER_H
    l0 = k.lymph0_l_per_h
    nfp = l0 / kf
    pc = p.interstitial_pressure_mmHg + p.reflection_coefficient * (cop_p - cop_i) + nfp
    cp_l, ci_l = cp * DL_PER_L, ci * DL_PER_L
    ps = l0 * (ci_l - (1.0 - p.reflection_coefficient) * cp_l) / (cp_l - ci_l)
    mp = cp * vp * DL_PER_L
    return FluidBaseline(
        weight_kg=w,
        plasma_volume_l=vp,
        interstitial_volume_l=vi,
        plasma_albumin_g_per_dl=cp,
        interstitial_albumin_g_per_dl=ci,
        plasma_albumin_g=mp,
        interstitial_albumin_g=ci * vi * DL_PER_L,
        plasma_cop_mmHg=cop_p,
        interstitial_cop_mmHg=cop_i,
        interstitial_pressure_mmHg=p.interstitial_pressure_mmHg,
        capillary_pressure_mmHg=pc,
        net_filtration_pressure_mmHg=nfp,
        filtration_coefficient_l_per_h_mmHg=kf,
        reflection_coefficient=p.reflection_coefficient,
        permeability_surface_l_per_h=ps,
        lymph_flow_l_per_h=l0,
        albumin_escape_per_h=l0 * ci_l / mp,
    )
