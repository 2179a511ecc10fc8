r"""The growth model's ordinary differential equations: right-hand side and analytic Jacobian.

The state is :math:`(\ln N_i, \ln(1 + a_i), \ln c)`: the log cell number and log CD25 of every
population of :data:`il2.growth.parameters.POPULATIONS`, then the log IL-2 concentration, laid
out by the named slices :data:`LOG_CELLS`, :data:`LOG_CD25` and :data:`LOG_IL2` (cells, CD25 and
IL-2 stay positive by construction). The equations are those of :mod:`il2.growth`.

Imports: :mod:`il2.growth.tables`, :mod:`il2.growth.parameters`, :mod:`il2.growth.compartments`,
:mod:`il2.receptors`, :mod:`il2.units`, :mod:`il2.validation`.
"""

from __future__ import annotations

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

__all__ = ["LOG_CELLS", "LOG_CD25", "LOG_IL2", "STATE_SIZE", "IL2_FLOOR_PM", "GrowthSystem"]

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
#: Right-hand-side evaluations after which a simulation is declared stalled (normal: about 700).
_MAX_RHS_CALLS = 200_000


class GrowthSystem:
    """Right-hand side and analytic Jacobian of the growth ODEs.

    State: :math:`(\\ln N_i, \\ln(1 + a_i), \\ln c)`, so cells, CD25 and IL-2 stay positive.
    """

    def __init__(self, comp: Compartment, start: NDArray[np.float64], params: GrowthParameters,
                 il2_block: float, cd25_block: float, model: ReceptorModel) -> None:
        self.tables = response_tables(model)
        self.present = (start > 0.0).astype(float)
        self.log_start = np.log(np.where(start > 0.0, start, 1.0))
        self.a_rest = resting_cd25(model)
        self.span = cd25_ceiling(model, params) - self.a_rest
        self.g_antigen = np.array([params.cd25_antigen_fraction if p in EFFECTORS else 0.0 for p in POPULATIONS])
        resident = np.array([1.0 if p in RESIDENTS else 0.0 for p in POPULATIONS])
        self.death = np.where(resident > 0, params.resident_turnover_rate_per_h, params.effector_death_rate_per_h)
        self.inflow = resident * self.death * (start > 0.0)  # homeostatic return d_i N_i(0) / N_i
        self.r_max = np.where(resident > 0, params.resident_max_division_rate_per_h,
                              params.max_division_rate_per_h)
        self.rescue = 1.0 - resident  # IL-2 signalling keeps activated effectors alive
        self.k_a = params.cd25_rate_per_h
        self.phi = params.cd25_feedback
        self.kappa = float(molecules_per_cell_to_pM(1.0, 1.0 / comp.volume_l))  # pM per molecule
        self.k_cl = comp.clearance_per_h
        self.secretion = (1.0 - il2_block) * params.secretion_molecules_per_h
        self.keep_cd25 = 1.0 - cd25_block
        self.nu = params.secretion_feedback
        self.plasma: Callable[[Any], Any] | None = None  # outside concentration c_p(t), pM
        self.calls = 0
        self.set_antigen(0.0)

    def initial_state(self, il2_pM0: float) -> NDArray[np.float64]:
        return np.concatenate([self.log_start, np.log1p(self.a_rest), [math.log(max(il2_pM0, IL2_FLOOR_PM))]])

    def state(self, y: NDArray[np.float64], antigen: Any, derivatives: bool = False) -> dict[str, Any]:
        """Everything the right-hand side, Jacobian and results need at state ``y`` (shape (..., STATE_SIZE))."""
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
        target = self.a_rest + self.span * (1.0 - q * (1.0 - self.phi * resp.signal))
        back = self.inflow * np.exp(self.log_start - log_n)
        div = self.r_max * resp.signal
        death = self.death * (1.0 - self.rescue * resp.signal)
        return {"n": n, "a": a, "ex": ex, "c": np.exp(ln_c), "resp": resp, "q": q, "target": target,
                "back": back, "div": div, "death": death, "growth": self.present * (div - death + back),
                "dxeff_dx": dxeff_dx}

    def rhs(self, _t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        self.calls += 1
        if self.calls > _MAX_RHS_CALLS:  # pragma: no cover - a guard against a stalled solver
            raise SolverError(f"the growth ODEs took more than {_MAX_RHS_CALLS} steps with these inputs; the solver stalled")
        log_n = y[LOG_CELLS]
        x = np.maximum(y[LOG_CD25], 0.0)
        ex = np.exp(x)
        x_eff = np.log1p(self.keep_cd25 * (ex - 1.0)) if self.keep_cd25 < 1.0 else x
        ln_c = min(max(float(y[LOG_IL2]), _LNC_MIN), _LNC_MAX)  # for the tables
        inv_c = math.exp(-max(float(y[LOG_IL2]), _LNC_MIN))  # 1/c of the state itself
        gsp = self.tables.respond_fast(x_eff, ln_c)
        sig = gsp[:, 1]
        dy = np.empty(STATE_SIZE)
        # d ln N / dt = r S - d (1 - e S) + h d N(0) / N
        dy[LOG_CELLS] = self._gain * sig - self._loss + self.inflow * np.exp(self.log_start - log_n)
        # d ln(1 + a) / dt = k_a ((a* + 1) e^{-x} - 1), with a* + 1 = T0 + T1 S
        dy[LOG_CD25] = self.k_a * ((self._t0 + self._t1 * sig) / ex - 1.0)
        n0 = self.present[SECRETOR] * math.exp(log_n[SECRETOR])
        produced = self._secretion_now * n0 * (1.0 - self.nu * sig[SECRETOR])
        uptake = float(np.dot(self.present * np.exp(log_n), gsp[:, 0]))
        dy[LOG_IL2] = self.kappa * (produced * inv_c - uptake) - self.k_cl
        if self.plasma is not None:
            # exchange with the outside: + k_cl c_p(t) / c
            dy[LOG_IL2] += self.k_cl * float(self.plasma(_t)) * inv_c
        return dy

    def set_antigen(self, antigen: float) -> None:
        """Switch the antigen stimulus (0 or 1) for the next piece of the integration."""
        self.antigen = antigen
        q = 1.0 - self.g_antigen * antigen
        # precomputed pieces of the right-hand side (see :meth:`rhs`)
        self._t0 = self.a_rest + self.span * (1.0 - q) + 1.0
        self._t1 = self.span * q * self.phi
        self._gain = self.present * (self.r_max + self.death * self.rescue)
        self._loss = self.present * self.death
        self._secretion_now = self.secretion * antigen

    def jac(self, _t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
        st = self.state(y, self.antigen, derivatives=True)
        r: Response = st["resp"]
        n, ex, q, dxe, c = st["n"], st["ex"], st["q"], st["dxeff_dx"], st["c"]
        jac = np.zeros((STATE_SIZE, STATE_SIZE))
        cells = np.arange(LOG_CELLS.start, LOG_CELLS.stop)
        cd25 = np.arange(LOG_CD25.start, LOG_CD25.stop)
        pres = self.present
        # d ln N_i / dt
        jac[cells, cells] = -pres * st["back"]
        dgrowth_ds = self.r_max + self.death * self.rescue
        jac[cells, cd25] = pres * dgrowth_ds * r.signal_dx * dxe
        jac[cells, LOG_IL2] = pres * dgrowth_ds * r.signal_dlnc
        # d x_i / dt = k_a ((T_i + 1) e^{-x_i} - 1)
        dT_dP = self.span * q * self.phi
        jac[cd25, cd25] = self.k_a * (dT_dP * r.signal_dx * dxe - (st["target"] + 1.0)) / ex
        jac[cd25, LOG_IL2] = self.k_a * dT_dP * r.signal_dlnc / ex
        # d ln c / dt, with production sigma A N_CD4 (1 - nu S_CD4)
        unit_per_c = self.kappa * self.secretion * self.antigen * n[SECRETOR] / c  # per unit (1 - nu S)
        produced_per_c = unit_per_c * (1.0 - self.nu * r.signal[SECRETOR])
        row = -self.kappa * n * r.uptake_per_pM
        row[SECRETOR] += produced_per_c
        jac[LOG_IL2, LOG_CELLS] = row
        jac[LOG_IL2, LOG_CD25] = -self.kappa * n * r.uptake_per_pM_dx * dxe
        jac[LOG_IL2, LOG_CD25.start + SECRETOR] -= unit_per_c * self.nu * r.signal_dx[SECRETOR] * dxe[SECRETOR]
        jac[LOG_IL2, LOG_IL2] = (-produced_per_c - unit_per_c * self.nu * r.signal_dlnc[SECRETOR]
                     - self.kappa * float(np.dot(n, r.uptake_per_pM_dlnc)))
        if self.plasma is not None:
            # d/d ln c of k_cl c_p(t) / c is -k_cl c_p(t) / c
            jac[LOG_IL2, LOG_IL2] -= self.k_cl * float(self.plasma(_t)) / c
        return jac

