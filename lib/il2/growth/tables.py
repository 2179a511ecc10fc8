"""Binding and signalling of every population, tabulated for a fast right-hand side.

The growth ODEs need, at every step, each population's IL-2 uptake, proliferation signal and
pSTAT5 as functions of its CD25 and of the IL-2 concentration. They are tabulated once per
receptor model on a grid of :math:`\\ln(1+a)` and :math:`\\ln c` and interpolated (cubic
Hermite in :math:`\\ln c`, linear in :math:`\\ln(1+a)`), which agrees with direct calls to within
0.2% (a test checks this).

Imports: :mod:`il2.receptors`, :mod:`il2.binding`, :mod:`il2.growth.parameters`,
:mod:`il2.validation`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.binding import CellType
from il2.growth.parameters import POPULATIONS, RECEPTOR_CELL, RESTING_CD25_CELL, GrowthParameters
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.validation import check_array, check_choice

__all__ = ["Response", "ResponseTables", "response_tables", "receptor_cells", "resting_cd25",
           "cd25_ceiling"]

#: Grid of the response tables: log10 IL-2 (pM) from _LOGC_MIN to _LOGC_MAX, and ln(1 + CD25).
_LOGC_MIN, _LOGC_MAX, _LOGC_PER_DECADE = -3.0, 6.0, 12
_X_STEP = 0.2  # spacing in ln(1 + CD25): about 22% per step
_FLOOR = 1e-300


@dataclass(frozen=True)
class Response:
    """Uptake and signals of every population, with their derivatives.

    Arrays have shape ``(..., population)`` (:data:`POPULATIONS` order). ``uptake_per_pM`` is the
    IL-2 uptake per cell per hour divided by the concentration, :math:`u/c`; ``signal`` is
    :math:`S` and ``pstat5`` is :math:`P`. ``*_dlnc`` are derivatives with respect to
    :math:`\\ln c`, ``*_dx`` with respect to :math:`\\ln(1 + a)` of the CD25 that binds IL-2
    (zeros when derivatives were not asked for).
    """

    uptake_per_pM: NDArray[np.float64]
    signal: NDArray[np.float64]
    pstat5: NDArray[np.float64]
    uptake_per_pM_dlnc: NDArray[np.float64]
    signal_dlnc: NDArray[np.float64]
    pstat5_dlnc: NDArray[np.float64]
    uptake_per_pM_dx: NDArray[np.float64]
    signal_dx: NDArray[np.float64]
    pstat5_dx: NDArray[np.float64]


@dataclass(frozen=True)
class ResponseTables:
    """Uptake and signalling of each population on a grid of CD25 and IL-2 (for fast ODEs).

    Attributes
    ----------
    x
        Grid of :math:`\\ln(1 + a)`, CD25 molecules per cell (evenly spaced).
    log_c
        Grid of :math:`\\ln c`, IL-2 in pM (evenly spaced).
    values
        Shape (population, x, c, 3): :math:`\\ln(u/c)` (IL-2 uptake per cell per hour per pM),
        :math:`\\ln S` (proliferation signal) and :math:`\\ln P` (pSTAT5 fraction).
    slopes
        Their derivatives with respect to :math:`\\ln c`, same shape.
    """

    x: NDArray[np.float64]
    log_c: NDArray[np.float64]
    values: NDArray[np.float64]
    slopes: NDArray[np.float64]

    def evaluate(
        self, cd25: ArrayLike, il2_pM: ArrayLike
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Uptake (molecules/cell/h), signal and pSTAT5 of every population from the tables.

        Parameters
        ----------
        cd25
            CD25 per cell of each population, shape ``(..., population)``.
        il2_pM
            Free IL-2, pM, shape ``(...)``.
        """
        a = check_array("cd25", cd25, 0.0)
        c = check_array("il2_pM", il2_pM, 0.0)
        if a.shape[-1:] != (self.values.shape[0],):
            raise ValueError(f"cd25 must end in an axis of {self.values.shape[0]} populations; got shape {a.shape}")
        r = self.respond(np.log1p(a), np.log(np.maximum(c, _FLOOR)))
        some = (c > 0.0)[..., None]  # no IL-2, no signal (not just a negligible one)
        return r.uptake_per_pM * c[..., None], r.signal * some, r.pstat5 * some

    def respond(self, x: NDArray[np.float64], ln_c: Any, derivatives: bool = False) -> Response:
        r"""Interpolate at :math:`x = \ln(1+a)` (shape ``(..., P)``) and :math:`\ln c` (shape ``(...)``).

        Cubic Hermite in :math:`\ln c` (continuous slopes, which keeps the stiff solver's steps
        long) and linear in :math:`\ln(1+a)`. Below the grid's lowest concentration the signals
        fall in proportion to :math:`c` and :math:`u/c` is held; above the highest, the signals
        and :math:`u` are held.
        """
        log_c = self.log_c
        nx, nc = self.x.size, log_c.size
        h = self._h
        ln_c = np.asarray(ln_c, dtype=float)
        fc = (ln_c - log_c[0]) / h
        fcl = np.minimum(np.maximum(fc, 0.0), nc - 1.0)
        ic = np.minimum(fcl.astype(np.intp), nc - 2)
        t = (fcl - ic)[..., None, None, None]
        t2 = t * t
        t3 = t2 * t
        fx = (x - self.x[0]) * self._inv_dx
        ix = np.minimum(np.maximum(fx.astype(np.intp), 0), nx - 2)
        wx = np.minimum(np.maximum(fx - ix, 0.0), 1.0)[..., None]
        # corners (ix, ic), (ix, ic+1), (ix+1, ic), (ix+1, ic+1) of every population, one gather
        base = self._row_offsets + ix * nc + ic[..., None]
        corners = self._flat[base[..., None] + self._corner_offsets]  # (..., P, 4, 6)
        lo_v, hi_v = corners[..., 0::2, :3], corners[..., 1::2, :3]  # (..., P, 2 x rows, 3)
        lo_m, hi_m = corners[..., 0::2, 3:], corners[..., 1::2, 3:]
        rows = ((2 * t3 - 3 * t2 + 1) * lo_v + (3 * t2 - 2 * t3) * hi_v
                + ((t3 - 2 * t2 + t) * h) * lo_m + ((t3 - t2) * h) * hi_m)
        logs = rows[..., 0, :] + wx * (rows[..., 1, :] - rows[..., 0, :])  # (..., P, 3)
        # outside the grid: S, P proportional to c below it; u (not u/c) held above it
        below = np.minimum(ln_c - log_c[0], 0.0)[..., None]
        above = np.minimum(log_c[-1] - ln_c, 0.0)[..., None]
        g = np.exp(logs[..., 0] + above)
        s = np.exp(logs[..., 1] + below)
        p = np.exp(logs[..., 2] + below)
        if not derivatives:
            z = np.zeros_like(g)
            return Response(g, s, p, z, z, z, z, z, z)
        inside_c = ((fc >= 0.0) & (fc <= nc - 1.0))[..., None, None, None]
        drows = ((6 * t2 - 6 * t) * (lo_v - hi_v) / h
                 + (3 * t2 - 4 * t + 1) * lo_m + (3 * t2 - 2 * t) * hi_m) * inside_c
        dlc = drows[..., 0, :] + wx * (drows[..., 1, :] - drows[..., 0, :])
        is_below = (fc < 0.0)[..., None].astype(float)
        is_above = (fc > nc - 1.0)[..., None].astype(float)
        inside_x = ((fx >= 0.0) & (fx <= nx - 1.0))[..., None]
        dlx = (rows[..., 1, :] - rows[..., 0, :]) * self._inv_dx * inside_x
        return Response(
            g, s, p,
            g * (dlc[..., 0] - is_above), s * (dlc[..., 1] + is_below), p * (dlc[..., 2] + is_below),
            g * dlx[..., 0], s * dlx[..., 1], p * dlx[..., 2],
        )

    def respond_fast(self, x: NDArray[np.float64], ln_c: float) -> NDArray[np.float64]:
        """:meth:`respond` without derivatives for one state (``x`` of shape (P,), scalar ``ln_c``).

        Returns an array of shape (P, 3): :math:`u/c`, :math:`S` and :math:`P`. This is the
        right-hand side's hot path: the same interpolation, with the four corners of every grid
        cell stored side by side (``_blocks``) so one gather and one matrix product do it.
        """
        log_c = self.log_c
        nx, nc = self.x.size, log_c.size
        h = self._h
        fc = (ln_c - log_c[0]) / h
        fcl = 0.0 if fc < 0.0 else (nc - 1.0 if fc > nc - 1.0 else fc)
        ic = min(int(fcl), nc - 2)
        t = fcl - ic
        t2 = t * t
        t3 = t2 * t
        # Hermite weights of (value, slope) at node ic, then (value, slope) at node ic + 1
        w = np.array([2 * t3 - 3 * t2 + 1, (t3 - 2 * t2 + t) * h, 3 * t2 - 2 * t3, (t3 - t2) * h])
        fx = (x - self.x[0]) * self._inv_dx
        ix = np.minimum(np.maximum(fx.astype(np.intp), 0), nx - 2)  # (np.clip is slower here)
        wx = np.minimum(np.maximum(fx - ix, 0.0), 1.0)
        rows = w @ self._blocks[self._row_offsets + ix * nc + ic]  # (P, 2 x rows, 3)
        lo = rows[:, 0]
        logs = lo + wx[:, None] * (rows[:, 1] - lo)
        if fc < 0.0:
            logs[:, 1:] += ln_c - log_c[0]
        elif fc > nc - 1.0:
            logs[:, 0] += log_c[-1] - ln_c
        return np.exp(logs)

    @functools.cached_property
    def _blocks(self) -> NDArray[np.float64]:
        """For every (population, x node, c node): the grid cell's corners, shape (N, 2, 4, 3).

        Axis 1 is the x row (ix, ix + 1); axis 2 is (value at ic, slope at ic, value at ic + 1,
        slope at ic + 1); axis 3 the three tabulated quantities.
        """
        v, m = self.values, self.slopes
        n_pop, nx, nc, _ = v.shape
        vp = np.concatenate([v, v[:, -1:]], axis=1)  # pad the last x and c node (never a lower corner)
        mp = np.concatenate([m, m[:, -1:]], axis=1)
        vp = np.concatenate([vp, vp[:, :, -1:]], axis=2)
        mp = np.concatenate([mp, mp[:, :, -1:]], axis=2)
        block = np.empty((n_pop, nx, nc, 2, 4, 3))
        for r in (0, 1):
            block[:, :, :, r, 0] = vp[:, r:r + nx, 0:nc]
            block[:, :, :, r, 1] = mp[:, r:r + nx, 0:nc]
            block[:, :, :, r, 2] = vp[:, r:r + nx, 1:nc + 1]
            block[:, :, :, r, 3] = mp[:, r:r + nx, 1:nc + 1]
        return block.reshape(n_pop * nx * nc, 2, 4, 3)

    # -- cached geometry of the grid ------------------------------------------------------
    @functools.cached_property
    def _flat(self) -> NDArray[np.float64]:
        return np.concatenate([self.values, self.slopes], axis=3).reshape(-1, 6)

    @functools.cached_property
    def _row_offsets(self) -> NDArray[np.intp]:
        n_pop, nx, nc, _ = self.values.shape
        return np.arange(n_pop) * nx * nc

    @functools.cached_property
    def _corner_offsets(self) -> NDArray[np.intp]:
        nc = self.values.shape[2]
        return np.array([0, 1, nc, nc + 1])

    @functools.cached_property
    def _h(self) -> float:
        return float(self.log_c[1] - self.log_c[0])

    @functools.cached_property
    def _inv_dx(self) -> float:
        return float(1.0 / (self.x[1] - self.x[0]))


def _read_only(a: NDArray[np.float64]) -> NDArray[np.float64]:
    a.flags.writeable = False
    return a


@functools.lru_cache(maxsize=16)
def _tables_for(model: ReceptorModel, x_max: float, cells: tuple[str, ...] | None = None) -> ResponseTables:
    n_c = int(round((_LOGC_MAX - _LOGC_MIN) * _LOGC_PER_DECADE)) + 1
    conc = np.logspace(_LOGC_MIN, _LOGC_MAX, n_c)
    x = np.arange(0.0, x_max + _X_STEP / 2, _X_STEP)
    chosen = receptor_cells(model) if cells is None else tuple(model.cells[c] for c in cells)
    vals = np.empty((len(chosen), x.size, n_c, 3))
    for p, cell in enumerate(chosen):
        for j, xj in enumerate(x):
            variant = cell.with_cd25(float(np.expm1(xj)))
            vals[p, j, :, 0] = np.asarray(model.internalization_rate(variant, conc), dtype=float) / conc
            vals[p, j, :, 1] = np.asarray(model.proliferation_signal(variant, conc), dtype=float)
            vals[p, j, :, 2] = np.asarray(model.pstat5(variant, conc), dtype=float)
    log_vals = np.log(np.maximum(vals, _FLOOR))
    log_c = np.log(conc)
    slopes = np.gradient(log_vals, log_c, axis=2)
    return ResponseTables(x=_read_only(x), log_c=_read_only(log_c), values=_read_only(log_vals),
                          slopes=_read_only(slopes))


def receptor_cells(model: ReceptorModel) -> tuple[CellType, ...]:
    """The cell type whose CD122 and CD132 each population carries (:data:`RECEPTOR_CELL`)."""
    return tuple(model.cells[RECEPTOR_CELL[p]] for p in POPULATIONS)


def cd25_ceiling(model: ReceptorModel, params: GrowthParameters) -> NDArray[np.float64]:
    """Highest CD25 per cell each population can reach (T cell blast level; lower for NK)."""
    blast = float(model.cells["activated T"].cd25)
    rest = resting_cd25(model)
    nk_top = params.nk_cd25_fraction * blast
    top = np.array([{"NK": nk_top, "CD56bright NK": nk_top}.get(p, blast) for p in POPULATIONS])
    return np.maximum(top, rest)


def resting_cd25(model: ReceptorModel) -> NDArray[np.float64]:
    """CD25 per cell of each population at rest (:data:`RESTING_CD25_CELL`)."""
    return np.array([float(model.cells[RESTING_CD25_CELL[p]].cd25) for p in POPULATIONS])


def response_tables(model: ReceptorModel = DEFAULT_MODEL, cells: tuple[str, ...] | None = None) -> ResponseTables:
    """The tables of uptake, proliferation signal and pSTAT5 used by :func:`il2.growth.simulate`.

    One table per population (rows in :data:`POPULATIONS` order), each on the receptor chains
    of its cell type in ``model`` with CD25 varied from 0 to a little above the T cell blast
    level; ``cells`` (built-in cell names, one per row) replaces the populations' cell types,
    for instance resting rather than activated T cells. Cached by the model (a
    :class:`il2.receptors.ReceptorModel` is hashable) and the cells, with read-only arrays.
    """
    check_model(model)
    if cells is not None:
        cells = tuple(check_choice("cells", c, list(model.cells)) for c in cells)
    blast = float(model.cells["activated T"].cd25)
    top = max(blast, float(np.max(resting_cd25(model))))
    x_max = math.ceil(math.log1p(2.0 * top) / _X_STEP) * _X_STEP
    return _tables_for(model, x_max, cells)
