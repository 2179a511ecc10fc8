r"""Fever and chills: a pyrogen response that reaches the thermostat hours after each dose.

IL-2 is not itself a pyrogen. It activates lymphocytes, which release interferon-γ; activated
monocytes then release tumour necrosis factor, interleukin-1 and interleukin-6, and these raise
the hypothalamic temperature *set point* through prostaglandin E2 (references :cite:alp:`mier1988`,
:cite:alp:`michie1988`, :cite:alp:`siegel1991`). Each step takes time, so fever starts hours after a dose: after
an IL-2 bolus, Michie and colleagues saw fever and the hormonal stress response begin after a
latent interval of 180 to 240 minutes, later than the 60 to 90 minutes after endotoxin, and
ibuprofen (a cyclo-oxygenase inhibitor) largely prevented it (reference :cite:alp:`michie1988`).
While body temperature lies below the raised set point the body makes and conserves heat,
shivering and feeling cold (the chill), and the temperature climbs to the set point, the fever
(reference :cite:alp:`guyton2021`).

The model: the IL-2 stimulus passes through a cascade of :math:`n` first-order stages (the
activated cells and the cytokines they release in turn) before it drives the pyrogen level
:math:`P \in [0,1)`; the set point is proportional to :math:`P` and body temperature relaxes
towards it,

.. math::

    \frac{dX_1}{dt} = \frac{S_p(C) - X_1}{\tau}, \quad
    \frac{dX_j}{dt} = \frac{X_{j-1} - X_j}{\tau}\ (j = 2..n), \quad
    \frac{dP}{dt} = k_p\,X_n\,(1 - P) - \frac{\ln 2}{t_{1/2,p}}\,P,

.. math::

    \theta = T_0 + \Delta T_\mathrm{max} P, \qquad \frac{dT}{dt} = \frac{\theta - T}{\tau_T},

with :math:`S_p(C) = C/(C + EC_{50,p})`. The cascade delays the pyrogen by about
:math:`n\tau` and makes its rise sigmoid, so fever begins hours after a dose rather than
during the infusion. A chill is reported while :math:`\theta - T` exceeds a threshold.
The number of stages and their time constant are modelling choices calibrated to the latency
measured by Michie and colleagues (:data:`il2.toxicity.measured.MICHIE_FEVER`); a test checks
the model against it.

Imports: :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.registry import CitedParameters, cited, register
from il2.toxicity._relaxation import relax
from il2.validation import check_array

__all__ = ["FeverParameters", "FeverResult", "fever_response"]


@register("Flu-like syndrome: fever and chills")
@dataclass(frozen=True)
class FeverParameters(CitedParameters):
    """Pyrogen response and thermoregulation."""

    baseline_temperature_c: float = cited(
        37.0, "°C", "Normal core temperature (set point)", "guyton2021", low=30, high=42,
    )
    cascade_stages: int = cited(
        3, "1", "Number of first-order stages between IL-2 and the pyrogen (cells, then cytokines)",
        "michie1988, mier1988", low=1, high=10,
        note="modelling choice: lymphocyte activation, monocyte cytokines (TNF, IL-1, IL-6) and "
             "hypothalamic prostaglandin, in turn",
    )
    cascade_stage_time_h: float = cited(
        0.75, "h", "Time constant of each stage of the cascade", "michie1988", low=0,
        low_open=True,
        note="modelling choice calibrated so that fever begins 3 to 4 h after a bolus, as "
             "measured by Michie et al. 1988",
    )
    fever_threshold_c: float = cited(
        38.0, "°C", "Core temperature counted as fever", "michie1988", low=36, high=42,
        note="the usual clinical definition; used to read the model's time of onset",
    )
    pyrogen_ec50_iu_per_ml: float = cited(
        100.0, "IU/mL", "Plasma IL-2 giving half-maximal pyrogen release", "siegel1991",
        low=0, low_open=True, note="modelling choice: every high-dose infusion is pyrogenic",
    )
    pyrogen_rate_per_h: float = cited(
        1.0, "1/h", "Rate of rise of the pyrogen level at saturating IL-2", "siegel1991",
        low=0, low_open=True,
        note="modelling choice: with the cascade, fever and chills begin 3 to 4 h after a dose",
    )
    pyrogen_half_life_h: float = cited(
        2.0, "h", "Half-life of the circulating pyrogen signal", "siegel1991", low=0,
        low_open=True, note="modelling choice on the scale of cytokine half-lives (hours)",
    )
    max_fever_c: float = cited(
        3.0, "°C", "Rise of the set point at the maximal pyrogen level", "siegel1991", low=0,
        high=6, note="modelling choice: fevers up to about 40 °C",
    )
    temperature_time_constant_h: float = cited(
        1.0, "h", "Time constant with which body temperature follows its set point",
        "guyton2021", low=0, low_open=True, note="modelling choice",
    )
    chills_threshold_c: float = cited(
        0.5, "°C", "Set point above body temperature at which shivering is reported",
        "guyton2021", low=0, low_open=True, note="modelling choice",
    )

    def __post_init__(self) -> None:
        super().__post_init__()
        if int(self.cascade_stages) != self.cascade_stages:
            raise ValueError(
                f"FeverParameters.cascade_stages must be a whole number; got {self.cascade_stages!r}"
            )


@dataclass(frozen=True)
class FeverResult:
    """Pyrogen, set point and body temperature over time.

    Attributes
    ----------
    t_h
        Times, h.
    cascade
        Levels of the cascade stages, shape ``(n, len(t_h))``, each 0 to 1.
    pyrogen
        Pyrogen level, 0 to 1.
    set_point_c
        Hypothalamic set point, °C.
    temperature_c
        Core body temperature, °C.
    chills
        ``True`` while the set point exceeds body temperature by more than the threshold.
    """

    t_h: NDArray[np.float64]
    cascade: NDArray[np.float64]
    pyrogen: NDArray[np.float64]
    set_point_c: NDArray[np.float64]
    temperature_c: NDArray[np.float64]
    chills: NDArray[np.bool_]
    fever_threshold_c: float = 38.0

    def onset_h(self) -> float:
        """First time (h) the temperature reaches the fever threshold; ``nan`` if it never does."""
        hit = np.flatnonzero(self.temperature_c >= self.fever_threshold_c)
        return float(self.t_h[hit[0]]) if hit.size else float("nan")

    def chills_onset_h(self) -> float:
        """First time (h) a chill is reported; ``nan`` if never."""
        hit = np.flatnonzero(self.chills)
        return float(self.t_h[hit[0]]) if hit.size else float("nan")


def _fever(t: NDArray[np.float64], c: NDArray[np.float64], p: FeverParameters) -> FeverResult:
    dt = np.diff(t)
    k_tr = 1.0 / p.cascade_stage_time_h
    rate = np.full(dt.size, k_tr)
    x = c / (c + p.pyrogen_ec50_iu_per_ml)
    stages = []
    for _ in range(int(p.cascade_stages)):
        x = relax(dt, k_tr * 0.5 * (x[1:] + x[:-1]), rate, 0.0)
        stages.append(x)
    drive = p.pyrogen_rate_per_h * 0.5 * (x[1:] + x[:-1])
    pyro = relax(dt, drive, drive + math.log(2.0) / p.pyrogen_half_life_h, 0.0)
    theta = p.baseline_temperature_c + p.max_fever_c * pyro
    k = 1.0 / p.temperature_time_constant_h
    temp = relax(dt, k * 0.5 * (theta[1:] + theta[:-1]), np.full(dt.size, k),
                 p.baseline_temperature_c)
    return FeverResult(t_h=t, cascade=np.array(stages), pyrogen=pyro, set_point_c=theta,
                       temperature_c=temp, chills=(theta - temp) > p.chills_threshold_c,
                       fever_threshold_c=p.fever_threshold_c)


def fever_response(
    t_h: ArrayLike, iu_per_ml: ArrayLike, params: FeverParameters = FeverParameters()
) -> FeverResult:
    """Temperature and chills for a plasma IL-2 time course (see the module docstring).

    Parameters
    ----------
    t_h
        Strictly increasing times, h (at least two); the patient is afebrile at ``t_h[0]``.
    iu_per_ml
        Plasma IL-2 at those times, IU/mL (for example :func:`il2.pk.simulate`).
    params
        Pyrogen and thermoregulation parameters.
    """
    t = check_array("t_h", t_h).ravel()
    c = check_array("iu_per_ml", iu_per_ml, 0.0).ravel()
    if t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError(f"t_h must be strictly increasing with at least 2 points; got {t.size} points")
    if c.shape != t.shape:
        raise ValueError(f"iu_per_ml must have one value per time ({t.size}); got {c.size}")
    return _fever(t, c, params)
