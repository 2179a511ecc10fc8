"""Scans of the growth model over one quantity, and the expansion threshold.

Imports: :mod:`il2.growth.simulation`, :mod:`il2.growth.parameters`, :mod:`il2.validation`.
"""

from __future__ import annotations

import math
import dataclasses
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.growth.parameters import POPULATIONS, GrowthParameters
from il2.growth.simulation import GrowthResult, simulate
from il2.validation import check_array, check_choice, check_scalar

__all__ = ["SCAN_QUANTITIES", "ExpansionScan", "expansion_scan", "Threshold", "expansion_threshold"]

_FLOOR = 1e-300
#: Quantities that :func:`expansion_scan` and :func:`expansion_threshold` can vary, with units.
SCAN_QUANTITIES: dict[str, str] = {
    "helpers": "cells",
    "secretion": "molecules/cell/s",
    "cd25_feedback": "",
    "treg": "cells",
}


def _run_with(quantity: str, value: float, kwargs: dict[str, Any], params: GrowthParameters) -> GrowthResult:
    if quantity == "secretion":
        return simulate(**kwargs, params=replace(params, secretion_molecules_per_s=value))
    if quantity == "cd25_feedback":
        return simulate(**kwargs, params=replace(params, cd25_feedback=value))
    return simulate(**{**kwargs, quantity: value}, params=params)


@dataclass(frozen=True)
class ExpansionScan:
    """Outcome of simulations over values of one quantity.

    Attributes
    ----------
    quantity, unit
        What was varied (a key of :data:`SCAN_QUANTITIES`) and its unit.
    values
        The values, in that unit.
    peak_fold
        Largest fold expansion of each population, one entry per value.
    peak_il2_pM
        Highest free IL-2, pM, one entry per value.
    program_fold
        Largest fold expansion of each population with IL-2 neutralised (the IL-2-independent
        program alone), one entry per value.
    """

    quantity: str
    unit: str
    values: NDArray[np.float64]
    peak_fold: dict[str, NDArray[np.float64]]
    peak_il2_pM: NDArray[np.float64]
    program_fold: dict[str, NDArray[np.float64]] = dataclasses.field(default_factory=dict)

    def amplification(self, population: str = "CD8") -> NDArray[np.float64]:
        """IL-2's amplification of the peak: peak fold over the peak fold with IL-2 neutralised."""
        check_choice("population", population, list(POPULATIONS))
        return self.peak_fold[population] / self.program_fold[population]


def expansion_scan(
    quantity: str,
    values: ArrayLike,
    *,
    params: GrowthParameters = GrowthParameters(),
    **simulate_kwargs: Any,
) -> ExpansionScan:
    """Peak fold expansion of every population and peak IL-2 over values of one quantity.

    Parameters
    ----------
    quantity
        ``"helpers"`` (cells at the start), ``"secretion"`` (molecules/cell/s),
        ``"cd25_feedback"`` (0-1) or ``"treg"`` (cells).
    values
        Values to simulate (non-negative).
    params
        Kinetic parameters; the scanned one is replaced.
    **simulate_kwargs
        Passed to :func:`simulate` (``compartment``, ``antigen_end_h``, ``il2_block``, ...).
    """
    check_choice("quantity", quantity, list(SCAN_QUANTITIES))
    vals = np.atleast_1d(check_array("values", values, 0.0))
    if vals.ndim != 1:
        raise ValueError(f"values must be one-dimensional; got shape {vals.shape}")
    runs = [_run_with(quantity, float(v), simulate_kwargs, params) for v in vals]
    blocked = {**simulate_kwargs, "il2_block": 1.0}
    refs = [_run_with(quantity, float(v), blocked, params) for v in vals]
    return ExpansionScan(
        quantity=quantity,
        unit=SCAN_QUANTITIES[quantity],
        values=vals,
        peak_fold={p: np.array([r.peak_fold(p) for r in runs]) for p in POPULATIONS},
        peak_il2_pM=np.array([r.peak_il2_pM for r in runs]),
        program_fold={p: np.array([r.peak_fold(p) for r in refs]) for p in POPULATIONS},
    )


@dataclass(frozen=True)
class Threshold:
    """The critical value of a quantity at which expansion switches on.

    Attributes
    ----------
    quantity, unit
        What was varied and its unit.
    value
        The critical value: below it the population's peak fold expansion stays under
        ``fold``, above it exceeds it.
    fold
        Fold that counts as "expansion" (of the peak over the start, or over the peak with IL-2
        neutralised: see ``relative_to``).
    population
        The population whose expansion is judged.
    relative_to
        ``"program"`` (IL-2's amplification of the programmed expansion) or ``"start"``.
    """

    quantity: str
    unit: str
    value: float
    fold: float
    population: str
    relative_to: str = "program"


def expansion_threshold(
    quantity: str = "helpers",
    *,
    fold: float = 2.0,
    population: str = "CD8",
    relative_to: str = "program",
    low: float | None = None,
    high: float | None = None,
    params: GrowthParameters = GrowthParameters(),
    **simulate_kwargs: Any,
) -> Threshold:
    r"""Critical helpers (or secretion rate) above which IL-2 amplifies ``population`` ``fold``-fold.

    With ``relative_to="program"`` (the default) the outcome is IL-2's amplification of the
    antigen-triggered program, :math:`A(v) = \text{peak fold}(v) / \text{peak fold}_{IL2=0}(v)`,
    the peak over the peak of the same run with IL-2 neutralised; with ``"start"`` it is the
    peak fold itself. Finds the root of :math:`\ln A(v) - \ln(\text{fold})` in :math:`\ln v`
    with Brent's method.

    Parameters
    ----------
    quantity
        ``"helpers"``, ``"secretion"`` or ``"cd25_feedback"`` (see :data:`SCAN_QUANTITIES`).
    fold
        Amplification (or peak fold) that counts as expansion (> 1).
    population
        Whose expansion is judged, one of :data:`POPULATIONS`.
    relative_to
        ``"program"`` or ``"start"`` (see above).
    low, high
        Bracket of the search (defaults: 1 to 1e5 helpers; 0.1 to 1000 molecules/cell/s;
        0.01 to 1 for the feedback strength). The helper bracket stops at 1e5, the size of a
        whole lymph-node niche: beyond it IL-2 climbs to micromolar and the populations to
        1e10 cells, outside the model's range, and the solver can fail there.
    params, **simulate_kwargs
        As for :func:`expansion_scan`.

    Raises
    ------
    ValueError
        If the arguments are out of range, or the outcome does not cross ``fold`` inside the
        bracket (no threshold there).
    """
    check_choice("quantity", quantity, ["helpers", "secretion", "cd25_feedback"])
    f = check_scalar("fold", fold, 1.0, 1e12, low_open=True)
    check_choice("population", population, list(POPULATIONS))
    check_choice("relative_to", relative_to, ["program", "start"])
    brackets = {"helpers": (1.0, 1e5), "secretion": (0.1, 1000.0), "cd25_feedback": (0.01, 1.0)}
    lo_default, hi_default = brackets[quantity]
    lo = check_scalar("low", lo_default if low is None else low, 0.0, low_open=True)
    hi = check_scalar("high", hi_default if high is None else high, lo, low_open=True)
    if quantity == "cd25_feedback" and hi > 1.0:
        raise ValueError(f"high must be in (low, 1] for cd25_feedback; got {hi!r}")

    blocked = {**simulate_kwargs, "il2_block": 1.0}

    def gap(log_v: float) -> float:
        run = _run_with(quantity, math.exp(log_v), simulate_kwargs, params)
        out = math.log(max(run.peak_fold(population), _FLOOR)) - math.log(f)
        if relative_to == "program":
            ref = _run_with(quantity, math.exp(log_v), blocked, params)
            out -= math.log(max(ref.peak_fold(population), _FLOOR))
        return out

    g_lo, g_hi = gap(math.log(lo)), gap(math.log(hi))
    if g_lo > 0 or g_hi < 0:
        raise ValueError(
            f"no {quantity} threshold for a {f:g}-fold {population} expansion (relative to the "
            f"{relative_to}) in [low, high] = [{lo:g}, {hi:g}]: folds {math.exp(g_lo) * f:.3g} and "
            f"{math.exp(g_hi) * f:.3g}"
        )
    from scipy.optimize import brentq  # imported on first use: keeps `import il2` light

    root = brentq(gap, math.log(lo), math.log(hi), xtol=1e-3)
    return Threshold(quantity=quantity, unit=SCAN_QUANTITIES[quantity], value=float(math.exp(root)),
                     fold=f, population=population, relative_to=relative_to)
