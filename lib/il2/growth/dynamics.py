r"""The growth model's ordinary differential equations: right-hand side and analytic Jacobian.

The state is :math:`(\ln N_i, \ln(1 + a_i), \ln c)`: the log cell number and log CD25 of every
population of :data:`il2.growth.parameters.POPULATIONS`, then the log IL-2 concentration, laid
out by the named slices :data:`LOG_CELLS`, :data:`LOG_CD25` and :data:`LOG_IL2` (cells, CD25 and
IL-2 stay positive by construction). The equations are those of :mod:`il2.growth`.

Imports: :mod:`il2.growth.tables`, :mod:`il2.growth.parameters`, :mod:`il2.growth.compartments`,
:mod:`il2.receptors`, :mod:`il2.units`, :mod:`il2.validation`.
"""

from __future__ import annotations

import functools
import math
from typing import Any, Callable

import numpy as np
from numpy.typing import NDArray

from il2.growth.compartments import Compartment
from il2.growth.parameters import EFFECTORS, POPULATIONS, RESIDENTS, SECRETOR, GrowthParameters
from il2.growth.tables import Response, cd25_ceiling, response_tables, resting_cd25
from il2.receptors import ReceptorModel
from il2.units import molecules_per_cell_to_pM
from il2.validation import SolverError

__all__ = ["LOG_CELLS", "LOG_CD25", "LOG_IL2", "STATE_SIZE", "IL2_FLOOR_PM", "GrowthSystem", "resting_balance"]

_N = len(POPULATIONS)
#: Slice of the state holding :math:`\ln N_i` of every population.
LOG_CELLS = slice(0, _N)
#: Slice of the state holding :math:`\ln(1 + a_i)`, the CD25 of every population.
LOG_CD25 = slice(_N, 2 * _N)
#: Position of :math:`\ln c`, the free IL-2 concentration.
LOG_IL2 = 2 * _N
#: Length of the state vector.
STATE_SIZE = 2 * _N + 1
#: IL-2 is integrated as ln c; a start without IL-2 starts from this negligible level (pM).
IL2_FLOOR_PM = 1e-3
#: Bounds on ln c while the solver tries steps (far outside anything reached), against overflow.
_LNC_MIN, _LNC_MAX = -600.0, 30.0
#: Largest exponent taken while the solver tries steps (e^700 ~ 1e304, below overflow): a trial
#: step far outside anything reached then gives huge finite rates, which the solver rejects,
#: instead of inf - inf = NaN, which stops it.
_EXP_MAX = 700.0
#: Right-hand-side evaluations after which a simulation is declared stalled (normal: about 700).
_MAX_RHS_CALLS = 200_000


def resting_balance(
    r_max: NDArray[np.float64], death: NDArray[np.float64], s_rest: NDArray[np.float64],
    capacity_fold: NDArray[np.float64],
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Death rates and IL-2-independent supply :math:`h_i` that keep each population at rest.

    At its start :math:`N_i(0)`, with CD25 at rest and the resting IL-2 signal :math:`S_i^0`,
    a population is steady when

    .. math::

        r_i S_i^0 (1 - 1/k_i) - d_i (1 - S_i^0) + h_i d_i = 0,
        \qquad h_i = 1 - S_i^0 - \frac{r_i S_i^0 (1 - 1/k_i)}{d_i},

    with :math:`k_i = K_i / N_i(0)`. :math:`h_i` is the share of the resting turnover supplied
    without IL-2 (thymic output, other cytokines), and :math:`1 - h_i` the share that IL-2
    sustains; withdrawing IL-2 lowers the population towards :math:`h_i N_i(0)`. Where the
    resting signal alone would renew the population faster than it turns over (:math:`h_i < 0`),
    its death rate is raised to :math:`r_i S_i^0 (1 - 1/k_i)/(1 - S_i^0)`, so that :math:`h_i = 0`.
    Returns ``(death, h)``.
    """
    renewal = r_max * s_rest * (1.0 - 1.0 / capacity_fold)
    floor = np.where(s_rest < 1.0, renewal / np.maximum(1.0 - s_rest, 1e-12), 0.0)
    d = np.maximum(death, floor)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = 1.0 - s_rest - np.where(d > 0, renewal / np.where(d > 0, d, 1.0), 0.0)
    return d, np.clip(h, 0.0, 1.0)


class _LeanTables:
    """The response tables of :func:`il2.growth.tables.response_tables` laid out for :meth:`GrowthSystem.rhs`.

    ``blocks[(p * nx + ix) * nc + ic]`` holds, for population ``p`` and the grid cell between
    :math:`\\ln c` nodes ``ic`` and ``ic + 1`` on CD25 row ``ix``, the tuple (value at ``ic``, slope at
    ``ic``, value at ``ic + 1``, slope at ``ic + 1``) of :math:`\\ln(u/c)` and then of :math:`\\ln S`:
    one list look-up gives a row's eight Hermite coefficients.
    """

    def __init__(self, tables: Any) -> None:
        v = np.asarray(tables.values, dtype=float)[..., :2]
        m = np.asarray(tables.slopes, dtype=float)[..., :2]
        n_pop, nx, nc, _ = v.shape
        vp = np.concatenate([v, v[:, :, -1:]], axis=2)  # pad the last c node (never a lower corner)
        mp = np.concatenate([m, m[:, :, -1:]], axis=2)
        coef = np.empty((n_pop, nx, nc, 2, 4))
        for q in (0, 1):
            coef[..., q, 0] = vp[:, :, :nc, q]
            coef[..., q, 1] = mp[:, :, :nc, q]
            coef[..., q, 2] = vp[:, :, 1:nc + 1, q]
            coef[..., q, 3] = mp[:, :, 1:nc + 1, q]
        self.blocks: list[tuple[float, ...]] = [tuple(r) for r in coef.reshape(n_pop * nx * nc, 8).tolist()]
        self.nx, self.nc = nx, nc
        self.row = [p * nx * nc for p in range(n_pop)]
        x, log_c = np.asarray(tables.x, dtype=float), np.asarray(tables.log_c, dtype=float)
        self.x0, self.inv_dx = float(x[0]), float(1.0 / (x[1] - x[0]))
        self.c0, self.c_top = float(log_c[0]), float(log_c[-1])
        self.h = float(log_c[1] - log_c[0])
        self.inv_h = 1.0 / self.h
        self.c_last = float(nc - 1)

    def weights_in_c(self, ln_c: float) -> tuple[float, int, float, float, float, float, float]:
        """Where ``ln_c`` falls on the grid and its cubic Hermite weights, shared by every
        population: ``(fc, ic, t, w0, w1, w2, w3)`` with ``fc`` the grid position (outside
        ``[0, c_last]`` below or above the grid), ``ic`` the lower node, ``t`` the fraction past it,
        and the weights of (value, slope) at ``ic`` and at ``ic + 1``."""
        fc = (ln_c - self.c0) * self.inv_h
        fcl = 0.0 if fc < 0.0 else (self.c_last if fc > self.c_last else fc)
        ic = int(fcl)
        if ic > self.c_last - 1:
            ic = int(self.c_last) - 1
        t = fcl - ic
        t2 = t * t
        t3 = t2 * t
        h = self.h
        return fc, ic, t, 2.0 * t3 - 3.0 * t2 + 1.0, (t3 - 2.0 * t2 + t) * h, 3.0 * t2 - 2.0 * t3, (t3 - t2) * h


@functools.lru_cache(maxsize=16)
def _lean_tables(model: ReceptorModel) -> _LeanTables:
    return _LeanTables(response_tables(model))


class GrowthSystem:
    """Right-hand side and analytic Jacobian of the growth ODEs.

    State: :math:`(\\ln N_i, \\ln(1 + a_i), \\ln c)`, so cells, CD25 and IL-2 stay positive.
    Every population obeys

    .. math::

        \\frac{d\\ln N_i}{dt} = \\big(p_i \\Pi(t)\\,(1 - S_i) + r_i S_i\\big)\\Big(1 - \\frac{N_i}{K_i}\\Big)
            - d_i\\,(1 - S_i) + h_i\\,d_i\\,\\frac{N_i(0)}{N_i},

    with :math:`\\Pi(t)` the antigen-triggered division program (effectors only; IL-2 raises its
    rate :math:`p_i` towards :math:`r_i`), :math:`K_i` the
    carrying capacity and :math:`h_i` the IL-2-independent supply that keeps the population at its
    start when IL-2 is at its resting level (:meth:`baseline`).
    """

    def __init__(self, comp: Compartment, start: NDArray[np.float64], params: GrowthParameters,
                 il2_block: float, cd25_block: float, model: ReceptorModel) -> None:
        self.tables = response_tables(model)
        self.present = (start > 0.0).astype(float)
        self.log_start = np.log(np.where(start > 0.0, start, 1.0))
        self.a_rest = resting_cd25(model)
        self.span = cd25_ceiling(model, params) - self.a_rest
        effector = np.array([1.0 if p in EFFECTORS else 0.0 for p in POPULATIONS])
        resident = 1.0 - effector
        self.g_antigen = params.cd25_antigen_fraction * effector
        self.death = np.where(resident > 0, params.resident_turnover_rate_per_h, params.effector_death_rate_per_h)
        self.r_max = np.where(resident > 0, params.resident_max_division_rate_per_h,
                              params.max_division_rate_per_h)
        self.r_prog = effector * params.programmed_division_rate_per_h
        cap_fold = np.where(resident > 0, params.resident_capacity_fold, params.effector_capacity_fold)
        self.inv_cap = np.where(start > 0.0, 1.0 / (cap_fold * np.where(start > 0.0, start, 1.0)), 0.0)
        self.rescue = np.ones(len(POPULATIONS))  # the IL-2 signal keeps every population alive
        self.k_a = params.cd25_rate_per_h
        self.phi = params.cd25_feedback
        self.kappa = float(molecules_per_cell_to_pM(1.0, 1.0 / comp.volume_l))  # pM per molecule
        self.k_cl = comp.clearance_per_h
        self.secretion = (1.0 - il2_block) * params.secretion_molecules_per_h
        self.resting_production = params.resting_secretion_molecules_per_h * comp.resting_cd4  # molecules/h
        self.basal = (1.0 - il2_block) * self.resting_production
        self.keep_cd25 = 1.0 - cd25_block
        self.nu = params.secretion_feedback
        self.plasma: Callable[[Any], Any] | None = None  # outside concentration c_p(t), pM
        self.calls = 0
        self.c_rest, self.s_rest = self.baseline(start)
        # resting balance: r S0 (1 - 1/k) - d (1 - S0) + h d = 0 with h >= 0. Where the resting IL-2
        # alone would renew a population faster than it turns over, its death rate is raised to
        # balance (h = 0): the resting size is then wholly IL-2-dependent.
        self.death, self.supply = resting_balance(self.r_max, self.death, self.s_rest, cap_fold)
        self.inflow = self.supply * self.death * self.present  # h_i d_i (times N_i(0)/N_i)
        self._lean = _lean_tables(model)
        self._present, self._inv_cap = self.present.tolist(), self.inv_cap.tolist()
        self._log_start, self._inflow = self.log_start.tolist(), self.inflow.tolist()
        self.set_antigen(0.0)

    def baseline(self, start: NDArray[np.float64]) -> tuple[float, NDArray[np.float64]]:
        r"""Resting IL-2 :math:`c_0` (pM) and each population's resting signal :math:`S_i^0`.

        :math:`c_0` balances the resting conventional CD4 T cells' secretion against clearance and
        uptake by every population at its start with its resting CD25, without antigen and without
        antibodies: :math:`\kappa q_r R = k_{cl} c_0 + \kappa \sum_i N_i(0) u_i(c_0, a_i^{rest})`.
        """
        x = np.log1p(self.a_rest)
        if self.resting_production <= 0.0:
            return 0.0, np.zeros(len(POPULATIONS))

        def gap(ln_c: float) -> float:
            r = self.tables.respond_fast(x, ln_c)
            c = math.exp(ln_c)
            return self.kappa * (self.resting_production - float(np.dot(start, r[:, 0])) * c) - self.k_cl * c

        from scipy.optimize import brentq  # imported on first use: keeps `import il2` light

        hi = math.log(self.kappa * self.resting_production / self.k_cl) if self.k_cl > 0 else 30.0
        lo = math.log(IL2_FLOOR_PM) - 30.0
        if gap(hi) > 0:  # pragma: no cover - without clearance uptake alone balances production
            hi = _LNC_MAX
        ln_c = brentq(gap, lo, hi, xtol=1e-10)
        return math.exp(ln_c), self.tables.respond_fast(x, ln_c)[:, 1].copy()

    def initial_state(self, il2_pM0: float | None) -> NDArray[np.float64]:
        c0 = self.c_rest if il2_pM0 is None else il2_pM0
        return np.concatenate([self.log_start, np.log1p(self.a_rest), [math.log(max(c0, IL2_FLOOR_PM))]])

    def state(self, y: NDArray[np.float64], antigen: Any, derivatives: bool = False,
              program: Any = None) -> dict[str, Any]:
        """Everything the right-hand side, Jacobian and results need at state ``y`` (shape (..., STATE_SIZE))."""
        prog = self.program if program is None else program
        log_n = y[..., LOG_CELLS]
        n = self.present * np.exp(log_n)
        x = np.maximum(y[..., LOG_CD25], 0.0)
        ex = np.exp(x)
        a = ex - 1.0
        if self.keep_cd25 < 1.0:
            k = self.keep_cd25
            x_eff = np.log1p(k * a)
            dxeff_dx = k * ex / (1.0 + k * a)
        else:
            x_eff, dxeff_dx = x, np.ones_like(x)
        ln_c = np.minimum(np.maximum(y[..., LOG_IL2], _LNC_MIN), _LNC_MAX)
        resp = self.tables.respond(x_eff, ln_c, derivatives=derivatives)
        q = 1.0 - self.g_antigen * np.asarray(antigen)[..., None]
        target = self.a_rest + self.span * (1.0 - q) + self.span * q * self.phi * (resp.signal - self.s_rest)
        back = self.inflow * np.exp(self.log_start - log_n)
        room = np.maximum(1.0 - n * self.inv_cap, 0.0)  # no division above the capacity
        p_now = self.r_prog * np.asarray(prog)[..., None]
        raw = p_now + (self.r_max - p_now) * resp.signal
        drive = raw * room
        div = drive
        death = self.death * (1.0 - self.rescue * resp.signal)
        return {"n": n, "a": a, "ex": ex, "c": np.exp(ln_c), "resp": resp, "q": q, "target": target,
                "back": back, "div": div, "death": death, "growth": self.present * (drive - death + back),
                "dxeff_dx": dxeff_dx, "room": room, "drive": drive, "raw": raw}

    def rhs(self, _t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Right-hand side :math:`dy/dt` at time ``_t`` and state ``y`` (the equations of the class docstring).

        The solver's hot path, written on Python floats rather than five-element numpy arrays: each
        numpy operation on so short an array costs about a microsecond of overhead, and the
        numpy form (:meth:`rhs_array`, kept as the reference) took some 40 of them. The interpolation
        is that of :meth:`il2.growth.tables.ResponseTables.respond_fast` (same grid, same cubic
        Hermite weights in :math:`\\ln c`, linear in :math:`\\ln(1+a)`), so the two agree to rounding
        (a test checks this at random states, inside and outside the grid).
        """
        self.calls += 1
        if self.calls > _MAX_RHS_CALLS:  # pragma: no cover - a guard against a stalled solver
            raise SolverError(f"the growth ODEs took more than {_MAX_RHS_CALLS} steps with these inputs; the solver stalled")
        lean = self._lean
        ly = y.tolist()
        l_il2 = ly[LOG_IL2]
        ln_c = l_il2 if l_il2 > _LNC_MIN else _LNC_MIN
        if ln_c > _LNC_MAX:
            ln_c = _LNC_MAX
        inv_c = math.exp(-(l_il2 if l_il2 > _LNC_MIN else _LNC_MIN))
        # Hermite weights in ln c, shared by every population
        fc, ic, _, w0, w1, w2, w3 = lean.weights_in_c(ln_c)
        shift_s = ln_c - lean.c0 if fc < 0.0 else 0.0  # below the grid: S proportional to c
        shift_u = lean.c_top - ln_c if fc > lean.c_last else 0.0  # above it: u (not u/c) held
        keep = self.keep_cd25
        blocks, nc, nx2, x0, inv_dx = lean.blocks, lean.nc, lean.nx - 2, lean.x0, lean.inv_dx
        k_a = self.k_a
        exp = math.exp
        dy = [0.0] * STATE_SIZE
        uptake = 0.0
        sig_secretor = n_secretor = 0.0
        for i, (row, pres, inv_cap, log_start, inflow, lp, dr, le, lloss, t0, t1) in enumerate(self._rows):
            xi = ly[_N + i]
            if xi < 0.0:
                xi = 0.0
            ex = exp(xi)
            fx = ((math.log1p(keep * (ex - 1.0)) if keep < 1.0 else xi) - x0) * inv_dx
            ix = int(fx)
            if ix < 0:
                ix = 0
            elif ix > nx2:
                ix = nx2
            wx = fx - ix
            wx = 0.0 if wx < 0.0 else (1.0 if wx > 1.0 else wx)
            base = row + ix * nc + ic
            a = blocks[base]
            b = blocks[base + nc]
            ls = a[4] * w0 + a[5] * w1 + a[6] * w2 + a[7] * w3
            ls += wx * (b[4] * w0 + b[5] * w1 + b[6] * w2 + b[7] * w3 - ls)
            sig = exp(ls + shift_s)
            # d x_i / dt = k_a ((T0 + T1 S) e^{-x} - 1)
            dy[_N + i] = k_a * ((t0 + t1 * sig) / ex - 1.0)
            if pres == 0.0:
                continue  # an absent population: no cells, no uptake, d ln N / dt = 0
            lu = a[0] * w0 + a[1] * w1 + a[2] * w2 + a[3] * w3
            lu += wx * (b[0] * w0 + b[1] * w1 + b[2] * w2 + b[3] * w3 - lu)
            log_n = ly[i]
            n = pres * exp(log_n if log_n < _EXP_MAX else _EXP_MAX)
            room = 1.0 - n * inv_cap
            if room < 0.0:
                room = 0.0
            back = log_start - log_n
            # d ln N / dt = (p + (r - p) S)(1 - N/K) + d S - d + h d N(0)/N
            dy[i] = ((lp + dr * sig) * room + le * sig - lloss
                     + inflow * exp(back if back < _EXP_MAX else _EXP_MAX))
            uptake += n * exp(lu + shift_u)
            if i == SECRETOR:
                sig_secretor, n_secretor = sig, n
        produced = self.basal + self._secretion_now * n_secretor * (1.0 - self.nu * sig_secretor)
        d_il2 = self.kappa * (produced * inv_c - uptake) - self.k_cl
        if self.plasma is not None:
            # exchange with the outside: + k_cl c_p(t) / c
            d_il2 += self.k_cl * float(self.plasma(_t)) * inv_c
        dy[LOG_IL2] = d_il2
        return np.array(dy)

    def rhs_array(self, _t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """:meth:`rhs` with numpy arrays, through :meth:`il2.growth.tables.ResponseTables.respond_fast`
        (the reference the tests hold :meth:`rhs` to)."""
        log_n = y[LOG_CELLS]
        x = np.maximum(y[LOG_CD25], 0.0)
        ex = np.exp(x)
        x_eff = np.log1p(self.keep_cd25 * (ex - 1.0)) if self.keep_cd25 < 1.0 else x
        ln_c = min(max(float(y[LOG_IL2]), _LNC_MIN), _LNC_MAX)  # for the tables
        inv_c = math.exp(-max(float(y[LOG_IL2]), _LNC_MIN))  # 1/c of the state itself
        gsp = self.tables.respond_fast(x_eff, ln_c)
        sig = gsp[:, 1]
        n = self.present * np.exp(np.minimum(log_n, _EXP_MAX))
        dy = np.empty(STATE_SIZE)
        # d ln N / dt = (r S + p Pi)(1 - N/K) - d (1 - S) + h d N(0) / N
        room = np.maximum(1.0 - n * self.inv_cap, 0.0)
        dy[LOG_CELLS] = ((self._p + (self._r - self._p) * sig) * room + self._e * sig - self._loss
                         + self.inflow * np.exp(np.minimum(self.log_start - log_n, _EXP_MAX)))
        # d ln(1 + a) / dt = k_a ((a* + 1) e^{-x} - 1), with a* + 1 = T0 + T1 S
        dy[LOG_CD25] = self.k_a * ((self._t0 + self._t1 * sig) / ex - 1.0)
        produced = self.basal + self._secretion_now * n[SECRETOR] * (1.0 - self.nu * sig[SECRETOR])
        uptake = float(np.dot(n, gsp[:, 0]))
        dy[LOG_IL2] = self.kappa * (produced * inv_c - uptake) - self.k_cl
        if self.plasma is not None:
            # exchange with the outside: + k_cl c_p(t) / c
            dy[LOG_IL2] += self.k_cl * float(self.plasma(_t)) * inv_c
        return dy

    def integrate(self, t_h: NDArray[np.float64], y0: NDArray[np.float64], rtol: float, atol: float,
                  critical_h: Any = ()) -> NDArray[np.float64]:
        """Integrate from ``t_h[0]`` (state ``y0``) and return the state at every time of ``t_h`` (rows).

        LSODA (ODEPACK, through :func:`scipy.integrate.odeint`) with the analytic Jacobian, its step
        loop in compiled code: the same method, tolerances and steps as
        ``solve_ivp(method="LSODA")`` without its per-step Python overhead (about a third of the
        time of a course). The solver never steps past ``t_h[-1]`` nor past any time of
        ``critical_h`` (each must be one of ``t_h``): it stops there exactly, then carries on with
        its step size and history (LSODA's critical times), where a restart would begin again from
        a tiny first-order step.
        """
        from scipy.integrate import odeint  # imported on first use: keeps `import il2` light

        t = np.asarray(t_h, dtype=float)
        stops = np.union1d(np.asarray(critical_h, dtype=float), t[-1:])
        stops = stops[stops > t[0]]
        y, info = odeint(self.rhs, y0, t, Dfun=self.jac, tfirst=True, rtol=rtol, atol=atol, tcrit=stops,
                         mxstep=_MAX_RHS_CALLS, full_output=True)
        if info["message"] != "Integration successful.":  # pragma: no cover - defensive
            raise SolverError(f"the growth ODEs could not be integrated between {t[0]:g} h and {t[-1]:g} h "
                              f"with these inputs: {info['message']}")
        return y

    def set_antigen(self, antigen: float, program: float | None = None) -> None:
        """Switch the antigen stimulus (0 or 1), and the division program (default: as antigen),
        for the next piece of the integration."""
        self.antigen = antigen
        self.program = antigen if program is None else program
        q = 1.0 - self.g_antigen * antigen
        # precomputed pieces of the right-hand side (see :meth:`rhs`)
        self._t0 = self.a_rest + self.span * (1.0 - q) - self.span * q * self.phi * self.s_rest + 1.0
        self._t1 = self.span * q * self.phi
        self._r = self.present * self.r_max
        self._p = self.present * self.r_prog * self.program
        self._e = self.present * self.death * self.rescue
        self._loss = self.present * self.death
        self._secretion_now = self.secretion * antigen
        # the same, as Python floats for :meth:`rhs`
        self._lt0, self._lt1 = self._t0.tolist(), self._t1.tolist()
        self._lr, self._lp, self._le, self._lloss = (self._r.tolist(), self._p.tolist(), self._e.tolist(),
                                                     self._loss.tolist())
        self._rows = list(zip(self._lean.row, self._present, self._inv_cap, self._log_start, self._inflow,
                              self._lp, (self._r - self._p).tolist(), self._le, self._lloss, self._lt0, self._lt1))

    def jac(self, _t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """Analytic Jacobian :math:`\\partial (dy/dt) / \\partial y`, on Python floats like :meth:`rhs`.

        The same derivatives as :meth:`jac_array` (the numpy reference, through :meth:`state`), to
        rounding; a test checks the two agree at random states.
        """
        lean = self._lean
        ly = y.tolist()
        ln_c = min(max(ly[LOG_IL2], _LNC_MIN), _LNC_MAX)
        c = math.exp(ln_c)
        fc, ic, t, w0, w1, w2, w3 = lean.weights_in_c(ln_c)
        t2 = t * t
        h = lean.h
        inside_c = 0.0 <= fc <= lean.c_last
        d0 = (6.0 * t2 - 6.0 * t) / h if inside_c else 0.0
        d1 = 3.0 * t2 - 4.0 * t + 1.0 if inside_c else 0.0
        d3 = 3.0 * t2 - 2.0 * t if inside_c else 0.0
        below = fc < 0.0
        above = fc > lean.c_last
        shift_s = ln_c - lean.c0 if below else 0.0
        shift_u = lean.c_top - ln_c if above else 0.0
        keep = self.keep_cd25
        blocks, nc, nx2 = lean.blocks, lean.nc, lean.nx - 2
        exp = math.exp
        jac = np.zeros((STATE_SIZE, STATE_SIZE))
        n_l, s_l, g_l, dsx_l, dsc_l, dgx_l, dgc_l, dxe_l = ([0.0] * _N for _ in range(8))
        for i in range(_N):
            xi = ly[_N + i]
            if xi < 0.0:
                xi = 0.0
            ex = exp(xi)
            if keep < 1.0:
                x_eff = math.log1p(keep * (ex - 1.0))
                dxe = keep * ex / (1.0 + keep * (ex - 1.0))
            else:
                x_eff, dxe = xi, 1.0
            fx = (x_eff - lean.x0) * lean.inv_dx
            ix = int(fx)
            if ix < 0:
                ix = 0
            elif ix > nx2:
                ix = nx2
            wx = fx - ix
            wx = 0.0 if wx < 0.0 else (1.0 if wx > 1.0 else wx)
            inside_x = 0.0 <= fx <= nx2 + 1.0
            base = lean.row[i] + ix * nc + ic
            a = blocks[base]
            b = blocks[base + nc]
            lu0 = a[0] * w0 + a[1] * w1 + a[2] * w2 + a[3] * w3
            ls0 = a[4] * w0 + a[5] * w1 + a[6] * w2 + a[7] * w3
            lu1 = b[0] * w0 + b[1] * w1 + b[2] * w2 + b[3] * w3
            ls1 = b[4] * w0 + b[5] * w1 + b[6] * w2 + b[7] * w3
            g = exp(lu0 + wx * (lu1 - lu0) + shift_u)
            sig = exp(ls0 + wx * (ls1 - ls0) + shift_s)
            du0 = (a[0] - a[2]) * d0 + a[1] * d1 + a[3] * d3
            ds0 = (a[4] - a[6]) * d0 + a[5] * d1 + a[7] * d3
            du1 = (b[0] - b[2]) * d0 + b[1] * d1 + b[3] * d3
            ds1 = (b[4] - b[6]) * d0 + b[5] * d1 + b[7] * d3
            dgc = g * (du0 + wx * (du1 - du0) - (1.0 if above else 0.0))
            dsc = sig * (ds0 + wx * (ds1 - ds0) + (1.0 if below else 0.0))
            dgx = g * (lu1 - lu0) * lean.inv_dx if inside_x else 0.0
            dsx = sig * (ls1 - ls0) * lean.inv_dx if inside_x else 0.0
            log_n = ly[i]
            n = self._present[i] * exp(log_n if log_n < _EXP_MAX else _EXP_MAX)
            room = 1.0 - n * self._inv_cap[i]
            if room < 0.0:
                room = 0.0
            raw = self._lp[i] + (self._lr[i] - self._lp[i]) * sig
            # d ln N_i / dt
            back = self._log_start[i] - log_n
            jac[i, i] = -(self._inflow[i] * exp(back if back < _EXP_MAX else _EXP_MAX)
                          + (raw * n * self._inv_cap[i] if room > 0.0 else 0.0))
            dgrowth_ds = (self._lr[i] - self._lp[i]) * room + self._le[i]
            jac[i, _N + i] = dgrowth_ds * dsx * dxe
            jac[i, LOG_IL2] = dgrowth_ds * dsc
            # d x_i / dt = k_a ((T_i + 1) e^{-x_i} - 1)
            t1 = self._lt1[i]
            jac[_N + i, _N + i] = self.k_a * (t1 * dsx * dxe - (self._lt0[i] + t1 * sig)) / ex
            jac[_N + i, LOG_IL2] = self.k_a * t1 * dsc / ex
            n_l[i], s_l[i], g_l[i], dxe_l[i] = n, sig, g, dxe
            dsx_l[i], dsc_l[i], dgx_l[i], dgc_l[i] = dsx, dsc, dgx, dgc
        # d ln c / dt, with production (1 - beta)(q_r R + sigma A N_CD4 (1 - nu S_CD4))
        k = SECRETOR
        unit_per_c = self.kappa * self._secretion_now * n_l[k] / c  # per unit (1 - nu S)
        produced_per_c = unit_per_c * (1.0 - self.nu * s_l[k])
        basal_per_c = self.kappa * self.basal / c
        d_ll = -produced_per_c - basal_per_c - unit_per_c * self.nu * dsc_l[k]
        for i in range(_N):
            jac[LOG_IL2, i] = -self.kappa * n_l[i] * g_l[i]
            jac[LOG_IL2, _N + i] = -self.kappa * n_l[i] * dgx_l[i] * dxe_l[i]
            d_ll -= self.kappa * n_l[i] * dgc_l[i]
        jac[LOG_IL2, k] += produced_per_c
        jac[LOG_IL2, _N + k] -= unit_per_c * self.nu * dsx_l[k] * dxe_l[k]
        if self.plasma is not None:
            # d/d ln c of k_cl c_p(t) / c is -k_cl c_p(t) / c
            d_ll -= self.k_cl * float(self.plasma(_t)) / c
        jac[LOG_IL2, LOG_IL2] = d_ll
        return jac

    def jac_array(self, _t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        """:meth:`jac` with numpy arrays, through :meth:`state` (the reference the tests hold it to)."""
        st = self.state(y, self.antigen, derivatives=True)
        r: Response = st["resp"]
        n, ex, q, dxe, c = st["n"], st["ex"], st["q"], st["dxeff_dx"], st["c"]
        jac = np.zeros((STATE_SIZE, STATE_SIZE))
        cells = np.arange(LOG_CELLS.start, LOG_CELLS.stop)
        cd25 = np.arange(LOG_CD25.start, LOG_CD25.stop)
        pres = self.present
        # d ln N_i / dt
        jac[cells, cells] = -pres * (st["back"] + st["raw"] * n * self.inv_cap * (st["room"] > 0.0))
        dgrowth_ds = (self.r_max - self.r_prog * self.program) * st["room"] + self.death * self.rescue
        jac[cells, cd25] = pres * dgrowth_ds * r.signal_dx * dxe
        jac[cells, LOG_IL2] = pres * dgrowth_ds * r.signal_dlnc
        # d x_i / dt = k_a ((T_i + 1) e^{-x_i} - 1)
        dT_dP = self.span * q * self.phi
        jac[cd25, cd25] = self.k_a * (dT_dP * r.signal_dx * dxe - (st["target"] + 1.0)) / ex
        jac[cd25, LOG_IL2] = self.k_a * dT_dP * r.signal_dlnc / ex
        # d ln c / dt, with production (1 - beta)(q_r R + sigma A N_CD4 (1 - nu S_CD4))
        unit_per_c = self.kappa * self.secretion * self.antigen * n[SECRETOR] / c  # per unit (1 - nu S)
        produced_per_c = unit_per_c * (1.0 - self.nu * r.signal[SECRETOR])
        basal_per_c = self.kappa * self.basal / c
        row = -self.kappa * n * r.uptake_per_pM
        row[SECRETOR] += produced_per_c
        jac[LOG_IL2, LOG_CELLS] = row
        jac[LOG_IL2, LOG_CD25] = -self.kappa * n * r.uptake_per_pM_dx * dxe
        jac[LOG_IL2, LOG_CD25.start + SECRETOR] -= unit_per_c * self.nu * r.signal_dx[SECRETOR] * dxe[SECRETOR]
        jac[LOG_IL2, LOG_IL2] = (-produced_per_c - basal_per_c - unit_per_c * self.nu * r.signal_dlnc[SECRETOR]
                     - self.kappa * float(np.dot(n, r.uptake_per_pM_dlnc)))
        if self.plasma is not None:
            # d/d ln c of k_cl c_p(t) / c is -k_cl c_p(t) / c
            jac[LOG_IL2, LOG_IL2] -= self.k_cl * float(self.plasma(_t)) / c
        return jac
