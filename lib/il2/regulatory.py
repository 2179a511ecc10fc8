r"""How IL-2 selects regulatory T cells: pSTAT5 of the blood's cell types, CD25 blockade, EC50s.

The chapter on regulatory T cells (chapters/05_regulatory_t_cells.ipynb) reads every cell type
through the one receptor model (:class:`il2.receptors.ReceptorModel`). Its equilibrium pSTAT5 is
:func:`il2.signaling.pstat5_fraction`; a cell with much CD25 (:math:`R_\alpha`) reaches half of
its maximum at a lower IL-2 concentration than a cell with CD122 and the common gamma chain
alone, which is the selectivity low-dose IL-2 relies on (``malek2008``, ``boyman2012``).

- :func:`blockade_response`: the pSTAT5 dose responses of :data:`CELLS` with a fraction
  :math:`b` of CD25 blocked by an antibody (``bielekova2006``), each cell keeping
  :math:`(1 - b)\,R_\alpha` usable chains, or with a changed CD25 affinity.
- :func:`uptake_per_h`: IL-2 taken up per cell per hour (:func:`il2.binding.internalization_rate`).
- :func:`ec50_comparison`: the model EC50 at equilibrium and after a stimulation time against
  the EC50s measured on human blood cells (:func:`il2.measurements.measured_ec50`, ``farhat2021``).

Imports: :mod:`il2.binding`, :mod:`il2.signaling`, :mod:`il2.receptors`, :mod:`il2.measurements`,
:mod:`il2.validation`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from il2 import measurements, signaling
from il2.binding import CellType
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.validation import check_array, check_scalar

__all__ = [
    "CELLS",
    "CONC_PM",
    "BlockadeResult",
    "blockade_response",
    "uptake_per_h",
    "EC50Comparison",
    "ec50_comparison",
]

#: Cell types of the chapter, from most to least IL-2-sensitive at rest.
CELLS: tuple[str, ...] = ("Treg", "CD56bright NK", "CD4", "NK", "CD8")
#: Concentration grid (pM) of the dose-response curves.
CONC_PM: NDArray[np.float64] = np.geomspace(0.1, 1e5, 91)
#: Concentration at which every cell's pSTAT5 is taken as its maximum (pM).
_SATURATING_PM = 1e7


def _cell(model: ReceptorModel, name: str, cd25_blocked: float = 0.0) -> CellType:
    c = model.cell(name)
    return CellType(c.name, c.cd25 * (1.0 - cd25_blocked), c.cd122, c.cd132)


def _relative_pstat5(model: ReceptorModel, cell: CellType, conc: np.ndarray) -> np.ndarray:
    """pSTAT5 at equilibrium as a fraction of the *unblocked* cell's maximum."""
    return signaling.pstat5_fraction(cell, conc, model.signaling, model.binding)


@functools.lru_cache(maxsize=64)
def _top(model: ReceptorModel, name: str) -> float:
    """The unblocked cell's maximal pSTAT5 (at a saturating concentration), cached by model."""
    return float(_relative_pstat5(model, _cell(model, name), np.array(_SATURATING_PM)))


def _ec50_from_curve(conc: np.ndarray, y: np.ndarray, top: float) -> float:
    """Concentration where ``y`` crosses half of ``top`` (log-linear interpolation; inf if never)."""
    half = 0.5 * top
    above = np.nonzero(y >= half)[0]
    if above.size == 0:
        return math.inf
    i = int(above[0])
    if i == 0:
        return float(conc[0])
    x0, x1 = math.log(conc[i - 1]), math.log(conc[i])
    y0, y1 = float(y[i - 1]), float(y[i])
    return float(math.exp(x0 + (half - y0) * (x1 - x0) / (y1 - y0)))


@dataclass(frozen=True)
class BlockadeResult:
    """Equilibrium pSTAT5 of each cell type with part of its CD25 blocked.

    Attributes
    ----------
    conc_pM
        IL-2 concentrations (pM).
    pstat5
        ``pstat5[cell]``: pSTAT5 as a fraction of the same cell's maximum *without* blockade
        (so a blocked cell that cannot reach its old maximum shows it).
    ec50_pM
        Concentration at half of the unblocked maximum (``inf`` if never reached).
    cd25_blocked
        Fraction of CD25 blocked.
    kd_alpha_factor
        Factor applied to the CD25 dissociation constant (1: IL-2 itself).
    """

    conc_pM: np.ndarray
    pstat5: dict[str, np.ndarray]
    ec50_pM: dict[str, float]
    cd25_blocked: float
    kd_alpha_factor: float


def blockade_response(cd25_blocked: float = 0.0, kd_alpha_factor: float = 1.0,
                      model: ReceptorModel = DEFAULT_MODEL,
                      conc_pM: Any = None) -> BlockadeResult:
    r"""pSTAT5 dose responses of :data:`CELLS` when an antibody blocks a fraction of CD25.

    A blocking antibody such as daclizumab stops IL-2 binding to CD25 (reference
    ``bielekova2006``); the model treats a blocked CD25 as absent, so each cell keeps
    :math:`(1 - b)\,R_\alpha` usable CD25 chains. ``kd_alpha_factor`` multiplies the CD25
    dissociation constant instead (a weaker, :math:`>1`, or stronger CD25 binding of the
    ligand), as for an engineered IL-2. Each curve is the equilibrium pSTAT5 of
    :func:`il2.signaling.pstat5_fraction` divided by the unblocked cell's maximum
    :math:`P_{max}` (pSTAT5 at a saturating :math:`10^7` pM), and the EC50 is where it
    crosses :math:`P_{max}/2` on :data:`CONC_PM` (log-linear interpolation).

    Parameters
    ----------
    cd25_blocked
        Fraction of CD25 blocked, in [0, 1].
    kd_alpha_factor
        Factor on the CD25 dissociation constant, in [0.01, 1e4].
    model
        The receptor model (default :data:`il2.receptors.DEFAULT_MODEL`).
    conc_pM
        Concentrations of the returned curves (default :data:`CONC_PM`); the EC50 is always read
        on :data:`CONC_PM`.

    Raises
    ------
    ValueError
        If ``cd25_blocked`` is outside [0, 1] or ``kd_alpha_factor`` outside [0.01, 1e4].
    """
    b = check_scalar("cd25_blocked", cd25_blocked, 0.0, 1.0)
    f = check_scalar("kd_alpha_factor", kd_alpha_factor, 0.01, 1e4)
    model = check_model(model)
    conc = CONC_PM if conc_pM is None else check_array("conc_pM", conc_pM, 0.0, 1e9)
    changed = model if f == 1.0 else model.with_binding(kd_alpha_pM=model.binding.kd_alpha_pM * f)
    curves, ec50 = {}, {}
    for name in CELLS:
        top = _top(model, name)
        blocked = _cell(changed, name, b)
        on_grid = _relative_pstat5(changed, blocked, CONC_PM) / top
        curves[name] = on_grid if conc_pM is None else _relative_pstat5(changed, blocked, conc) / top
        ec50[name] = _ec50_from_curve(CONC_PM, on_grid, 1.0)
    return BlockadeResult(conc_pM=conc, pstat5=curves, ec50_pM=ec50, cd25_blocked=b,
                          kd_alpha_factor=f)


def uptake_per_h(conc_pM: Any = None, model: ReceptorModel = DEFAULT_MODEL
                 ) -> dict[str, NDArray[np.float64]]:
    r"""IL-2 molecules taken up per cell per hour by each of :data:`CELLS` at ``conc_pM``.

    The uptake is the internalisation of bound IL-2, :math:`J = k_e\,S + k_t\,(C_\beta + C_{\alpha\beta})`
    at equilibrium (:func:`il2.binding.internalization_rate`, reference ``fallon2000model``), so
    a cell with much CD25 removes more IL-2 at low concentration.

    Parameters
    ----------
    conc_pM
        IL-2 concentrations, pM (default :data:`CONC_PM`), each in [0, 1e9].
    model
        The receptor model.

    Raises
    ------
    ValueError
        For a concentration outside [0, 1e9] pM.
    """
    model = check_model(model)
    conc = CONC_PM if conc_pM is None else check_array("conc_pM", conc_pM, 0.0, 1e9)
    return {c: np.asarray(model.internalization_rate(c, conc), dtype=float) for c in CELLS}


@dataclass(frozen=True)
class EC50Comparison:
    """Model pSTAT5 EC50s of :data:`CELLS` against the measured ones (:func:`ec50_comparison`).

    Attributes
    ----------
    time_h
        Stimulation time of the timed model EC50 and of the measurements, h.
    equilibrium_pM, timed_pM
        Model EC50 at equilibrium and after ``time_h`` (pM), per cell.
    measured_pM, measured_range_pM
        Measured EC50 (joint fit) and its replicate range (pM), for the cells measured.
    """

    time_h: float
    equilibrium_pM: dict[str, float]
    timed_pM: dict[str, float]
    measured_pM: dict[str, float]
    measured_range_pM: dict[str, tuple[float, float]]


@functools.lru_cache(maxsize=8)
def ec50_comparison(time_h: float = 0.5, model: ReceptorModel = DEFAULT_MODEL) -> EC50Comparison:
    r"""The model EC50 of each of :data:`CELLS` at equilibrium and after ``time_h`` hours of IL-2,
    next to the EC50 measured on human blood cells after the same time.

    The model EC50 is the concentration where pSTAT5 reaches half of its maximum
    (:func:`il2.signaling.ec50_pM`; after ``time_h`` with the binding kinetics); the measured
    one is the joint fit of the raw plates of ``farhat2021`` (:func:`il2.measurements.measured_ec50`),
    for the cells of :data:`il2.measurements.BLOOD_CELLS`. Cached by time and model.

    Raises
    ------
    ValueError
        If no measurement exists at ``time_h`` (0.5, 1, 2 or 4 h).
    """
    model = check_model(model)
    eq = {c: model.ec50_pM(c) for c in CELLS}
    timed = {c: model.ec50_pM(c, time_h) for c in CELLS}
    meas = {c: measurements.measured_ec50(c, time_h) for c in measurements.BLOOD_CELLS}
    return EC50Comparison(time_h=float(time_h), equilibrium_pM=eq, timed_pM=timed,
                          measured_pM={c: r.ec50_pM for c, r in meas.items()},
                          measured_range_pM={c: r.ec50_range_pM for c, r in meas.items()})
