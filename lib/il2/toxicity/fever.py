r"""Fever and chills: a pyrogen response to each dose of IL-2.

High-dose IL-2 releases pyrogenic cytokines (tumour necrosis factor, interleukin-1,
interleukin-6) from activated lymphocytes and monocytes within hours of each dose (references
``siegel1991``, ``baluna1997``). Pyrogens raise the hypothalamic temperature *set point*; while
body temperature lies below the new set point the body makes and conserves heat — shivering and
the feeling of cold, the chill — and the temperature climbs to the set point, the fever
(reference ``guyton2021``).

The model: a pyrogen level :math:`P \in [0,1)` driven by plasma IL-2, a set point proportional
to it, and body temperature relaxing towards the set point,

.. math::

    \frac{dP}{dt} = k_p\,S_p(C)\,(1 - P) - \frac{\ln 2}{t_{1/2,p}}\,P, \qquad
    \theta = T_0 + \Delta T_\mathrm{max} P, \qquad
    \frac{dT}{dt} = \frac{\theta - T}{\tau_T},

with :math:`S_p(C) = C/(C + EC_{50,p})`. A chill is reported while :math:`\theta - T` exceeds
a threshold. Potency and timing are modelling choices giving fever within a few hours of each
dose, as reported clinically (reference ``siegel1991``).

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
    pyrogen_ec50_iu_per_ml: float = cited(
        100.0, "IU/mL", "Plasma IL-2 giving half-maximal pyrogen release", "siegel1991",
        low=0, low_open=True, note="modelling choice: every high-dose infusion is pyrogenic",
    )
    pyrogen_rate_per_h: float = cited(
        1.0, "1/h", "Rate of rise of the pyrogen level at saturating IL-2", "siegel1991",
        low=0, low_open=True,
        note="modelling choice: fever and chills begin within a few hours of a dose",
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


@dataclass(frozen=True)
class FeverResult:
    """Pyrogen, set point and body temperature over time.

    Attributes
    ----------
    t_h
        Times, h.
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
    pyrogen: NDArray[np.float64]
    set_point_c: NDArray[np.float64]
    temperature_c: NDArray[np.float64]
    chills: NDArray[np.bool_]


def _fever(t: NDArray[np.float64], c: NDArray[np.float64], p: FeverParameters) -> FeverResult:
    dt = np.diff(t)
    s = c / (c + p.pyrogen_ec50_iu_per_ml)
    drive = p.pyrogen_rate_per_h * 0.5 * (s[1:] + s[:-1])
    pyro = relax(dt, drive, drive + math.log(2.0) / p.pyrogen_half_life_h, 0.0)
    theta = p.baseline_temperature_c + p.max_fever_c * pyro
    k = 1.0 / p.temperature_time_constant_h
    temp = relax(dt, k * 0.5 * (theta[1:] + theta[:-1]), np.full(dt.size, k),
                 p.baseline_temperature_c)
    return FeverResult(t_h=t, pyrogen=pyro, set_point_c=theta, temperature_c=temp,
                       chills=(theta - temp) > p.chills_threshold_c)


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
