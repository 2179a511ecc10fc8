r"""The IL-2 effect on blood vessels: a delayed, saturable endothelial activation.

IL-2 makes capillaries leak by two routes: directly, through functional IL-2 receptors with
CD25 on endothelial cells (reference :cite:alp:`krieg2010`), and indirectly, through the cytokines and
activated lymphocytes that high-dose IL-2 releases (references :cite:alp:`siegel1991`, :cite:alp:`baluna1997`),
which loosen the VE-cadherin junctions between endothelial cells (reference :cite:alp:`kim2014`).
Both routes act with a delay: leak, hypotension and weight gain build up over days of
treatment and reverse over days after the last dose (reference :cite:alp:`textor1987`).

The library lumps these routes into an inflammatory *mediator load* :math:`M \ge 0` (activated
lymphocytes and the cytokines they release, in units of the load that gives half the maximal
effect), produced while plasma IL-2 :math:`C(t)` is high and cleared with a half-life of a day
or more (an indirect response model with stimulated production), and an *activation*
:math:`E \in [0, 1)`, the fraction of the vascular bed in the leaky, dilated state:

.. math::

    \frac{dM}{dt} = k_\mathrm{in}\,S(C) - k_\mathrm{out}\,M, \qquad
    S(C) = \frac{C^h}{C^h + EC_{50}^h}, \qquad E = \frac{M^n}{1 + M^n}.

Because each dose adds to the load before the last has cleared, :math:`M` climbs over days,
and the steep (:math:`n > 1`) link to :math:`E` turns that climb into the progressive leak and
hypotension seen in patients. Activation raises the filtration coefficient and the albumin
permeability, lowers the reflection coefficient and relaxes vascular tone:

.. math::

    K_f = K_{f,0}(1 + g E), \quad PS = PS_0(1 + h E), \quad
    \sigma = \sigma_0 (1 - d E), \quad R = R_0 (1 - v E).

The potency, rates and gains are **modelling choices calibrated to the fluid balance of
Textor et al. 1987** (weight gain, fall in albumin, progressive hypotension during a five-day
high-dose course), not values measured in a paper; the mechanism they stand for is cited.

Imports: :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.registry import CitedParameters, cited, register
from il2.toxicity._relaxation import relax
from il2.validation import check_array, check_scalar

__all__ = [
    "EndotheliumParameters",
    "stimulus",
    "mediator",
    "activation",
    "filtration_multiplier",
    "albumin_permeability_multiplier",
    "reflection_coefficient",
    "vascular_tone",
]

_CALIBRATED = (
    "modelling choice calibrated so that the label's five-day high-dose course with Textor's "
    "fluid intake reproduces Textor's weight gain, albumin fall and hypotension"
)


@register("Capillary leak: IL-2 effect on the endothelium")
@dataclass(frozen=True)
class EndotheliumParameters(CitedParameters):
    """Potency, timing and size of the IL-2 effect on capillaries and vascular tone."""

    ec50_iu_per_ml: float = cited(
        300.0, "IU/mL", "Plasma IL-2 giving half-maximal mediator production",
        "textor1987, krieg2010", low=0, low_open=True, note=_CALIBRATED,
    )
    hill: float = cited(
        1.0, "1", "Hill coefficient of the stimulation by IL-2", "textor1987", low=0.2, high=5,
        note="modelling choice (simple saturable stimulation)",
    )
    production_per_h: float = cited(
        0.2, "1/h", "Mediator production at saturating IL-2 (in units of the half-effect load)",
        "textor1987, siegel1991", low=0, low_open=True, note=_CALIBRATED,
    )
    mediator_half_life_h: float = cited(
        15.0, "h", "Half-life of the mediator load once IL-2 is gone", "textor1987, siegel1991",
        low=0, low_open=True,
        note="modelling choice: haemodynamic and renal changes reversed within days of the "
             "last dose in Textor et al.",
    )
    steepness: float = cited(
        3.0, "1", "Hill exponent linking mediator load to endothelial activation",
        "textor1987", low=0.5, high=8, note=_CALIBRATED,
    )
    filtration_gain: float = cited(
        1.0, "1", "Rise of the filtration coefficient at full activation (multiple of baseline "
        "minus one)", "textor1987, baluna1997", low=0, note=_CALIBRATED,
    )
    albumin_permeability_gain: float = cited(
        50.0, "1", "Rise of the albumin permeability-surface product at full activation "
        "(multiple of baseline minus one)", "textor1987, kim2014", low=0,
        note=_CALIBRATED + "; opened junctions pass albumin more than water",
    )
    reflection_drop: float = cited(
        0.5, "1", "Fractional fall of the albumin reflection coefficient at full activation",
        "textor1987, baluna1997", low=0, high=1, high_open=True, note=_CALIBRATED,
    )
    vasodilation: float = cited(
        0.8, "1", "Fractional fall of vascular resistance at full activation",
        "textor1987, siegel1991", low=0, high=1, high_open=True, note=_CALIBRATED,
    )

    @property
    def clearance_per_h(self) -> float:
        """:math:`k_\\mathrm{out} = \\ln 2 / t_{1/2}`."""
        return math.log(2.0) / self.mediator_half_life_h


def _stimulus(c: NDArray[np.float64], ec50: float, hill: float) -> NDArray[np.float64]:
    x = (np.maximum(c, 0.0) / ec50) ** hill
    return x / (1.0 + x)


def stimulus(
    iu_per_ml: ArrayLike, params: EndotheliumParameters = EndotheliumParameters()
) -> NDArray[np.float64]:
    r"""Saturable stimulation :math:`S(C) = C^h/(C^h + EC_{50}^h)` of the endothelium, in [0, 1)."""
    c = check_array("iu_per_ml", iu_per_ml, 0.0)
    return _stimulus(c, params.ec50_iu_per_ml, params.hill)


def _mediator(
    t_h: NDArray[np.float64], c: NDArray[np.float64], m0: Any, params: EndotheliumParameters,
    ec50_iu_per_ml: Any = None,
) -> NDArray[np.float64]:
    """Kernel of :func:`mediator` (no checks). ``c`` may carry leading axes (one row per patient
    of a cohort, time last) with ``m0`` and ``ec50_iu_per_ml`` (default ``params.ec50_iu_per_ml``)
    broadcasting against them; every row is stepped as a single course would be."""
    ec50 = params.ec50_iu_per_ml if ec50_iu_per_ml is None else ec50_iu_per_ml
    s = _stimulus(c, ec50, params.hill)
    drive = params.production_per_h * 0.5 * (s[..., 1:] + s[..., :-1])
    return relax(np.diff(t_h), drive, np.full(drive.shape[-1], params.clearance_per_h), m0)


def _activation_from_mediator(m: NDArray[np.float64], params: EndotheliumParameters) -> NDArray[np.float64]:
    x = np.maximum(m, 0.0) ** params.steepness
    return x / (1.0 + x)


def _check_course(t_h: ArrayLike, iu_per_ml: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    t = check_array("t_h", t_h).ravel()
    c = check_array("iu_per_ml", iu_per_ml, 0.0).ravel()
    if t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError(f"t_h must be strictly increasing with at least 2 points; got {t.size} points")
    if c.shape != t.shape:
        raise ValueError(f"iu_per_ml must have one value per time ({t.size}); got {c.size}")
    return t, c


def mediator(
    t_h: ArrayLike,
    iu_per_ml: ArrayLike,
    *,
    initial: float = 0.0,
    params: EndotheliumParameters = EndotheliumParameters(),
) -> NDArray[np.float64]:
    r"""Inflammatory mediator load :math:`M(t)` driven by a plasma IL-2 time course.

    Solves :math:`\dot M = k_\mathrm{in} S(C) - k_\mathrm{out} M` exactly for a stimulus held
    at the mean of its end-point values on each step of the grid (so the grid should resolve
    the infusions; a one- or two-minute step does).

    Parameters
    ----------
    t_h
        Strictly increasing time grid, h (at least two points).
    iu_per_ml
        Plasma IL-2 at those times, IU/mL (for example from :func:`il2.pk.simulate`).
    initial
        Load at ``t_h[0]`` (>= 0).
    params
        Potency and timing.

    Returns
    -------
    ndarray
        :math:`M` at every time of ``t_h``.
    """
    t, c = _check_course(t_h, iu_per_ml)
    m0 = check_scalar("initial", initial, 0.0)
    return _mediator(t, c, m0, params)


def activation(
    t_h: ArrayLike,
    iu_per_ml: ArrayLike,
    *,
    initial_mediator: float = 0.0,
    params: EndotheliumParameters = EndotheliumParameters(),
) -> NDArray[np.float64]:
    r"""Endothelial activation :math:`E = M^n/(1 + M^n)` for a plasma IL-2 time course.

    See :func:`mediator` for the load :math:`M`; arguments are the same.
    """
    t, c = _check_course(t_h, iu_per_ml)
    m0 = check_scalar("initial_mediator", initial_mediator, 0.0)
    return _activation_from_mediator(_mediator(t, c, m0, params), params)


# --- kernels: one formula per effect, shared by the public functions below and by the course
# integrator (:mod:`il2.toxicity.course`), which calls them with plain floats inside the ODE
# right-hand side and with arrays afterwards. They do no input checks.


def _kf_multiplier(e: Any, p: EndotheliumParameters) -> Any:
    return 1.0 + p.filtration_gain * e


def _ps_multiplier(e: Any, p: EndotheliumParameters) -> Any:
    return 1.0 + p.albumin_permeability_gain * e


def _reflection(e: Any, sigma0: float, p: EndotheliumParameters) -> Any:
    return sigma0 * (1.0 - p.reflection_drop * e)


def _tone(e: Any, p: EndotheliumParameters) -> Any:
    """Resistance relative to baseline without drug, :math:`1 - vE`."""
    return 1.0 - p.vasodilation * e


def filtration_multiplier(
    activation_level: ArrayLike, params: EndotheliumParameters = EndotheliumParameters()
) -> NDArray[np.float64]:
    """Factor :math:`1 + gE` multiplying the filtration coefficient :math:`K_f`."""
    e = check_array("activation_level", activation_level, 0.0, 1.0)
    return _kf_multiplier(e, params)


def albumin_permeability_multiplier(
    activation_level: ArrayLike, params: EndotheliumParameters = EndotheliumParameters()
) -> NDArray[np.float64]:
    """Factor :math:`1 + hE` multiplying the albumin permeability-surface product :math:`PS`."""
    e = check_array("activation_level", activation_level, 0.0, 1.0)
    return _ps_multiplier(e, params)


def reflection_coefficient(
    activation_level: ArrayLike,
    baseline_sigma: float,
    params: EndotheliumParameters = EndotheliumParameters(),
) -> NDArray[np.float64]:
    r""":math:`\sigma = \sigma_0 (1 - dE)`: the capillary wall holds back less albumin."""
    e = check_array("activation_level", activation_level, 0.0, 1.0)
    s0 = check_scalar("baseline_sigma", baseline_sigma, 0.0, 1.0)
    return _reflection(e, s0, params)


def vascular_tone(
    activation_level: ArrayLike,
    vasopressor: ArrayLike = 0.0,
    params: EndotheliumParameters = EndotheliumParameters(),
) -> NDArray[np.float64]:
    r"""Systemic vascular resistance relative to baseline, :math:`(1 - vE)(1 + u)`.

    ``vasopressor`` :math:`u` is the fractional rise in resistance the drug produces on its own
    (0 = none, 0.5 = +50%).
    """
    e = check_array("activation_level", activation_level, 0.0, 1.0)
    u = check_array("vasopressor", vasopressor, 0.0, 5.0)
    return _tone(e, params) * (1.0 + u)
