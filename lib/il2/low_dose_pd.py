r"""Pharmacodynamics of daily low-dose IL-2: which cells a course of subcutaneous aldesleukin expands.

The trial records of :mod:`il2.low_dose` stay free of models; this module is the model the
chapter on regulatory T cells compares with them.

The model
---------
A daily subcutaneous dose gives the plasma curve of :mod:`il2.pk` (:math:`c_p(t)`, exact
superposition of single doses in the linear model). The cells are taken to see it on top of
the resting IL-2 that resting helper T cells keep in a lymph-node niche (:math:`c_0`,
:meth:`il2.growth.dynamics.GrowthSystem.baseline`, :cite:alp:`setoguchi2005`):

.. math::

    c(t) = c_0 + c_p(t).

This is a modelling choice: the uptake of the drug by the cells is part of the plasma
clearance the PK model was fitted to (:cite:alp:`konrad1990`), so the cells do not deplete it a second
time, and the lymph-node fluid is taken to follow the plasma (as in :func:`il2.therapy.pharmacodynamics`,
an upper bound). Five resting populations of the growth model respond, each read through its
own receptors in the receptor model (:func:`il2.growth.response_tables` with resting cell
types): regulatory T cells (``"Treg"``), conventional CD4 and CD8 T cells (``"CD4"``,
``"CD8"``), CD56dim NK cells (``"NK"``) and CD56bright NK cells (``"CD56bright NK"``), which
carry the high-affinity receptor constitutively (:cite:alp:`nagler1990`, :cite:alp:`caligiuri1990`) and are
selectively activated by low-dose IL-2 in patients (:cite:alp:`hirakawa2016`). Each obeys the resident
equations of :mod:`il2.growth` without antigen:

.. math::

    \frac{d\ln N_i}{dt} &= r\,S_i\Big(1 - \frac{N_i}{k N_i(0)}\Big) - d_i (1 - S_i)
        + h_i d_i \frac{N_i(0)}{N_i}, \\
    \frac{d\ln(1 + a_i)}{dt} &= k_a\Big(\frac{1 + a_i^{rest} + \Delta a_i\,\varphi\,(S_i - S_i^0)}{1 + a_i} - 1\Big),

with :math:`S_i = S_i(c(t), a_i)` the proliferation and survival signal, :math:`r = \ln 2/t_{div}`
the resident division rate, :math:`d_i` the turnover, :math:`k` the capacity fold
(:class:`il2.growth.GrowthParameters`) and :math:`h_i, d_i` the resting balance at
:math:`c_0` (:func:`il2.growth.dynamics.resting_balance`), so that without the drug every
population stays at its size. IL-2 acts on division *and* survival (:cite:alp:`fehniger2000`: an
IL-2-dependent delay of NK cell death; :cite:alp:`setoguchi2005`: Treg maintenance).

Blood NK cells are mostly CD56dim: the ``"all NK"`` fold change weights the two subsets by their
share of blood NK cells (:attr:`LowDosePD.blood_bright_fraction`, :cite:alp:`ferlazzo2004`), which is what
:cite:t:`koreth2016` counted.

Numerics
--------
The dosing is periodic, CD25 relaxes within a day or two and cell numbers change over days.
:func:`low_dose_course` therefore integrates the full equations (CD25 by Euler's method, the
cells by Heun's, step :attr:`LowDosePD.step_h`) over the first :attr:`LowDosePD.transient_periods` dosing periods, then
replaces the signal over each later period by its average over the last computed period (the
periodic orbit) and solves the cell equations in closed form (a Riccati equation with constant
coefficients). ``method="full"`` integrates everything with LSODA instead; a test bounds the
difference (about 1% on every fold change; below 2% is tested).

Imports: :mod:`il2.growth`, :mod:`il2.pk`, :mod:`il2.therapy`, :mod:`il2.receptors`,
:mod:`il2.units`, :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2 import growth, pk, therapy
from il2.growth.dynamics import GrowthSystem, resting_balance
from il2.growth.tables import cd25_ceiling
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.registry import CitedParameters, cited, register
from il2.units import iu_per_ml_to_pM
from il2.validation import check_array, check_choice, check_scalar

__all__ = [
    "LD_POPULATIONS",
    "SCHEDULES",
    "DOSE_UNITS",
    "LowDosePD",
    "LowDoseCourse",
    "low_dose_course",
    "DoseResponse",
    "dose_response",
]

#: Populations of a low-dose course, in the order of every array (``"NK"``: CD56dim NK cells).
LD_POPULATIONS: tuple[str, ...] = ("Treg", "CD4", "CD8", "NK", "CD56bright NK")
#: The built-in cell type (resting receptors) that reads IL-2 for each population.
_CELLS: tuple[str, ...] = ("Treg", "CD4", "CD8", "NK", "CD56bright NK")
#: Position of each population in the growth model's per-population arrays.
_GROWTH_INDEX = tuple(growth.POPULATIONS.index(p) for p in ("Treg", "CD4", "CD8", "NK", "CD56bright NK"))
#: Dosing schedules and their period in hours.
SCHEDULES: dict[str, float] = {"daily": 24.0, "every other day": 48.0}
#: Units of ``daily_dose_miu``: per m^2 of body surface (as koreth2016) or a flat dose (hartemann2013).
DOSE_UNITS: tuple[str, ...] = ("MIU/m^2", "MIU")


@register("Low-dose IL-2: pharmacodynamics")
@dataclass(frozen=True)
class LowDosePD(CitedParameters):
    """Settings of the low-dose course model (the kinetics are :class:`il2.growth.GrowthParameters`)."""

    weight_kg: float = cited(
        70.0, "kg", "Body weight of the patient", "mosteller1987", low=0.0, low_open=True,
        note="modelling choice: the adult of the library's other regimens; with 1.8 m^2 (pk.RegimenDefaults)",
    )
    blood_bright_fraction: float = cited(
        0.05, "1", "Share of CD56bright cells among blood NK cells before treatment", "ferlazzo2004",
        low=0.0, high=1.0,
        note="more than 95% of peripheral-blood NK cells are CD56dim CD16+ (ferlazzo2004)",
    )
    step_h: float = cited(
        0.5, "h", "Time step of the explicit integration over the first dosing periods", "piscitelli1996",
        low=0.0, low_open=True, high=2.0,
        note="numerical setting: a sixth of the 3.3-h apparent half-life of a subcutaneous dose "
        "(piscitelli1996); the test against the full solver bounds the error",
    )
    transient_periods: int = cited(
        3, "periods", "Dosing periods integrated in full before the periodic averaging", "piscitelli1996",
        low=1, high=1000,
        note="numerical setting: CD25 relaxes with a 10-h time constant (GrowthParameters.cd25_rate_per_h) "
        "and the plasma level with the 3.3-h apparent half-life (piscitelli1996), so three days are "
        "seven CD25 time constants",
    )


@dataclass(frozen=True)
class LowDoseCourse:
    """A low-dose course and the cells it expands (:func:`low_dose_course`).

    Attributes
    ----------
    daily_dose_miu, dose_unit, schedule, weeks
        The course as asked for (``dose_unit`` from :data:`DOSE_UNITS`).
    dose_iu_per_kg
        The dose per injection in IU/kg.
    t_days
        Days from the first dose at which the fold changes are given (0, 1, 2, ...).
    cells
        Fold change :math:`N_i(t)/N_i(0)` of each population of :data:`LD_POPULATIONS` on ``t_days``.
    resting_il2_pM
        The resting IL-2 :math:`c_0` the cells see without the drug, pM.
    peak_plasma_pM
        Highest plasma IL-2 of the course, pM.
    mean_signal
        Average proliferation signal of each population over the last dosing period.
    settings, params, model
        What produced it.
    """

    daily_dose_miu: float
    dose_unit: str
    schedule: str
    weeks: float
    dose_iu_per_kg: float
    t_days: NDArray[np.float64]
    cells: dict[str, NDArray[np.float64]]
    resting_il2_pM: float
    peak_plasma_pM: float
    mean_signal: dict[str, float]
    settings: LowDosePD = field(default_factory=LowDosePD)
    params: growth.GrowthParameters = field(default_factory=growth.GrowthParameters)
    model: ReceptorModel = DEFAULT_MODEL

    def _pop(self, population: str) -> str:
        return check_choice("population", population, list(LD_POPULATIONS) + ["all NK"])

    def fold(self, population: str) -> NDArray[np.float64]:
        """Fold change of ``population`` on :attr:`t_days` (``"all NK"``: blood-weighted subsets)."""
        p = self._pop(population)
        if p == "all NK":
            f = self.settings.blood_bright_fraction
            return (1.0 - f) * self.cells["NK"] + f * self.cells["CD56bright NK"]
        return self.cells[p]

    def final_fold(self, population: str) -> float:
        """Fold change at the end of the course."""
        return float(self.fold(population)[-1])

    def peak_fold(self, population: str) -> float:
        """Largest fold change over the course."""
        return float(np.max(self.fold(population)))

    @property
    def treg_conv_ratio_fold(self) -> NDArray[np.float64]:
        """Change of the Treg : conventional CD4 T cell ratio, :math:`F_{Treg}/F_{CD4}`, on :attr:`t_days`."""
        return self.cells["Treg"] / self.cells["CD4"]


def _dose_iu_per_kg(dose_miu: float, unit: str, weight_kg: float) -> float:
    per = 1e6 * dose_miu
    if unit == "MIU/m^2":
        per *= pk.REGIMEN_DEFAULTS.body_surface_area_m2
    return per / weight_kg


class _Populations:
    """The five resting populations' equations (one implementation for both methods)."""

    def __init__(self, params: growth.GrowthParameters, model: ReceptorModel) -> None:
        niche = growth.COMPARTMENTS["lymph node"]
        gs = GrowthSystem(niche, np.array([niche.start()[p] for p in growth.POPULATIONS]), params, 0.0, 0.0, model)
        self.c_rest = gs.c_rest
        self.tables = growth.response_tables(model, _CELLS)
        a_rest = np.array([float(model.cells[c].cd25) for c in _CELLS])
        top = cd25_ceiling(model, params)[list(_GROWTH_INDEX)]
        self.a_rest = a_rest
        self.span = np.maximum(top, a_rest) - a_rest
        x0 = np.log1p(a_rest)
        self.s_rest = self.tables.respond_fast(x0, math.log(max(self.c_rest, 1e-300)))[:, 1].copy() \
            if self.c_rest > 0 else np.zeros(len(_CELLS))
        n = len(_CELLS)
        self.r = np.full(n, params.resident_max_division_rate_per_h)
        self.k = params.resident_capacity_fold
        death0 = np.full(n, params.resident_turnover_rate_per_h)
        self.d, self.h = resting_balance(self.r, death0, self.s_rest, np.full(n, self.k))
        self.k_a = params.cd25_rate_per_h
        self.phi = params.cd25_feedback
        self.x0 = x0

    def signal(self, x: NDArray[np.float64], c: float) -> NDArray[np.float64]:
        return self.tables.respond_fast(x, math.log(max(c, 1e-300)))[:, 1]

    def log_rate(self, log_f: NDArray[np.float64], s: NDArray[np.float64]) -> NDArray[np.float64]:
        """d ln F/dt at log fold change ``log_f`` and signal ``s``."""
        f = np.exp(log_f)
        return self.r * s * np.maximum(1.0 - f / self.k, 0.0) - self.d * (1.0 - s) + self.h * self.d / f

    def rates(self, log_f: NDArray[np.float64], x: NDArray[np.float64], c: float) -> tuple[NDArray, NDArray, NDArray]:
        """d ln F/dt and d x/dt at log fold change ``log_f``, CD25 state ``x``; also the signal."""
        s = self.signal(x, c)
        dlogf = self.log_rate(log_f, s)
        target = 1.0 + self.a_rest + self.span * self.phi * (s - self.s_rest)
        dx = self.k_a * (target * np.exp(-x) - 1.0)
        return dlogf, dx, s


def _plasma_pM(t_h: NDArray[np.float64], dose_times: NDArray[np.float64], dose_iu: float, weight_kg: float,
               pk_params: pk.PKParameters) -> NDArray[np.float64]:
    doses = np.full(dose_times.shape, dose_iu)
    conc = pk.concentration_iu_per_ml(t_h, dose_times, doses, infusion_h=0.0, weight_kg=weight_kg,
                                      route="sc", params=pk_params)
    return np.asarray(iu_per_ml_to_pM(conc), dtype=float)


def _riccati(f0: NDArray, a: NDArray, b: NDArray, c: NDArray, t: NDArray) -> NDArray:
    r"""Solution of :math:`dF/dt = aF - bF^2 + c` from :math:`F(0) = f_0`, at times ``t`` (per population)."""
    out = np.empty((t.size, f0.size))
    for i in range(f0.size):
        ai, bi, ci, fi = float(a[i]), float(b[i]), float(c[i]), float(f0[i])
        if bi <= 0.0:
            if abs(ai) < 1e-14:
                out[:, i] = fi + ci * t
            else:
                out[:, i] = (fi + ci / ai) * np.exp(ai * t) - ci / ai
            continue
        disc = math.sqrt(ai * ai + 4.0 * bi * ci)
        hi, lo = (ai + disc) / (2.0 * bi), (ai - disc) / (2.0 * bi)  # roots of -b F^2 + a F + c
        if disc < 1e-14:
            out[:, i] = hi + 1.0 / (1.0 / (fi - hi) + bi * t) if fi != hi else hi
            continue
        ratio = (fi - hi) / (fi - lo)
        e = ratio * np.exp(-bi * (hi - lo) * t)
        out[:, i] = (hi - lo * e) / (1.0 - e)
    return out


def low_dose_course(
    daily_dose_miu: float = 1.0,
    weeks: float = 12,
    *,
    schedule: str = "daily",
    dose_unit: str = "MIU/m^2",
    method: str = "averaged",
    model: ReceptorModel | None = None,
    params: growth.GrowthParameters = growth.GrowthParameters(),
    pk_params: pk.PKParameters = pk.PKParameters(),
    settings: LowDosePD = LowDosePD(),
) -> LowDoseCourse:
    r"""Fold changes of Tregs, conventional T cells and both NK subsets over a low-dose course.

    Parameters
    ----------
    daily_dose_miu
        Dose per injection, million IU (per m\ :sup:`2` of body surface with the default
        ``dose_unit``; :cite:alp:`koreth2016` gave 1 MIU/m\ :sup:`2`), in (0, 100].
    weeks
        Length of the course, weeks, in (0, 104].
    schedule
        ``"daily"`` or ``"every other day"`` (:data:`SCHEDULES`).
    dose_unit
        ``"MIU/m^2"`` (converted with the 1.8 m\ :sup:`2` of :data:`il2.pk.REGIMEN_DEFAULTS`) or
        ``"MIU"``, a flat dose as in :cite:alp:`hartemann2013`.
    method
        ``"averaged"`` (default, fast: full integration over the first periods, then the periodic
        average in closed form) or ``"full"`` (LSODA over the whole course, for checking).
    model
        Receptor model (default :data:`il2.receptors.DEFAULT_MODEL`).
    params, pk_params, settings
        Growth kinetics, pharmacokinetics and the settings of this model.

    Returns
    -------
    LowDoseCourse
        Cached by the arguments: the same course is returned again, not recomputed (treat its
        arrays as read-only).

    Raises
    ------
    ValueError
        For a dose, length, schedule, unit or method out of range (the message names it).

    References
    ----------
    koreth2016, hartemann2013, hirakawa2016, fehniger2000, setoguchi2005, ferlazzo2004.
    """
    dose = check_scalar("daily_dose_miu", daily_dose_miu, 0.0, 100.0, low_open=True)
    w = check_scalar("weeks", weeks, 0.0, 104.0, low_open=True)
    check_choice("schedule", schedule, list(SCHEDULES))
    check_choice("dose_unit", dose_unit, list(DOSE_UNITS))
    check_choice("method", method, ["averaged", "full"])
    mdl = DEFAULT_MODEL if model is None else check_model(model)
    if not isinstance(params, growth.GrowthParameters):
        raise ValueError(f"params must be an il2.growth.GrowthParameters; got {type(params).__name__}")
    return _course(dose, w, schedule, dose_unit, method, mdl, params, pk_params, settings)


@functools.lru_cache(maxsize=64)
def _course(dose: float, w: float, schedule: str, dose_unit: str, method: str, mdl: ReceptorModel,
            params: growth.GrowthParameters, pk_params: pk.PKParameters, settings: LowDosePD
            ) -> LowDoseCourse:
    """:func:`low_dose_course` after its checks, cached by every argument (a course takes about a
    second; a chapter asks for the same course for its numbers, its figure and its explorer)."""
    pops = _populations(params, mdl)
    period = SCHEDULES[schedule]
    t_end = 24.0 * 7.0 * w
    dose_times = np.arange(0.0, t_end - 1e-9, period)
    dose_iu_per_kg = _dose_iu_per_kg(dose, dose_unit, settings.weight_kg)
    dose_iu = dose_iu_per_kg * settings.weight_kg
    n_days = int(math.floor(t_end / 24.0 + 1e-9))
    t_days = np.arange(n_days + 1, dtype=float)
    if method == "full":
        log_f, s_mean, peak = _full(pops, dose_times, dose_iu, settings, pk_params, t_end, t_days * 24.0, period)
    else:
        log_f, s_mean, peak = _averaged(pops, dose_times, dose_iu, settings, pk_params, t_end, t_days * 24.0, period)
    folds = np.exp(log_f)
    return LowDoseCourse(
        daily_dose_miu=dose, dose_unit=dose_unit, schedule=schedule, weeks=w, dose_iu_per_kg=dose_iu_per_kg,
        t_days=t_days, cells={p: np.ascontiguousarray(folds[:, i]) for i, p in enumerate(LD_POPULATIONS)},
        resting_il2_pM=pops.c_rest, peak_plasma_pM=peak,
        mean_signal={p: float(s_mean[i]) for i, p in enumerate(LD_POPULATIONS)},
        settings=settings, params=params, model=mdl,
    )


_POP_CACHE: dict[tuple[growth.GrowthParameters, ReceptorModel], _Populations] = {}


def _populations(params: growth.GrowthParameters, model: ReceptorModel) -> _Populations:
    key = (params, model)
    if key not in _POP_CACHE:
        if len(_POP_CACHE) > 16:
            _POP_CACHE.clear()
        _POP_CACHE[key] = _Populations(params, model)
    return _POP_CACHE[key]


def _averaged(pops: _Populations, dose_times, dose_iu, settings, pk_params, t_end, t_out, period):
    h = float(settings.step_h)
    steps_per_period = max(int(round(period / h)), 1)
    h = period / steps_per_period
    n_full = min(int(settings.transient_periods) + 1, int(math.ceil(t_end / period)))
    t_grid = np.arange(n_full * steps_per_period + 1) * h
    t_grid = t_grid[t_grid <= t_end + 1e-9]
    c = pops.c_rest + _plasma_pM(t_grid, dose_times, dose_iu, settings.weight_kg, pk_params)
    n = len(LD_POPULATIONS)
    log_f = np.zeros(n)
    x = pops.x0.copy()
    logs = np.empty((t_grid.size, n))
    sig = np.empty((t_grid.size, n))
    logs[0] = log_f
    # CD25 by explicit Euler (it relaxes over 10 h, the step is 0.5 h), one table look-up per step;
    # cell numbers by the trapezoid rule on the signals at both ends of each step
    for k in range(t_grid.size):
        s_k = pops.signal(x, float(c[k]))
        sig[k] = s_k
        if k + 1 < t_grid.size:
            x = x + h * pops.k_a * ((1.0 + pops.a_rest + pops.span * pops.phi * (s_k - pops.s_rest)) * np.exp(-x) - 1.0)
    for k in range(t_grid.size - 1):
        d1 = pops.log_rate(log_f, sig[k])
        d2 = pops.log_rate(log_f + h * d1, sig[k + 1])
        log_f = log_f + 0.5 * h * (d1 + d2)
        logs[k + 1] = log_f
    t_full_end = float(t_grid[-1])
    inside = t_out <= t_full_end + 1e-9
    out = np.empty((t_out.size, n))
    for i in range(n):
        out[inside, i] = np.interp(t_out[inside], t_grid, logs[:, i])
    last = slice(max(t_grid.size - 1 - steps_per_period, 0), t_grid.size - 1)
    s_mean = sig[last].mean(axis=0)
    peak = float(np.max(c) - pops.c_rest)
    if np.any(~inside):
        # periodic average: dF/dt = (r S - d (1 - S)) F - (r S / k) F^2 + h d
        a = pops.r * s_mean - pops.d * (1.0 - s_mean)
        b = pops.r * s_mean / pops.k
        cc = pops.h * pops.d
        f_tail = _riccati(np.exp(log_f), a, b, cc, t_out[~inside] - t_full_end)
        out[~inside] = np.log(np.maximum(f_tail, 1e-300))
    return out, s_mean, peak


def _full(pops: _Populations, dose_times, dose_iu, settings, pk_params, t_end, t_out, period):
    from scipy.integrate import solve_ivp  # imported on first use

    n = len(LD_POPULATIONS)
    w = settings.weight_kg
    fine = np.linspace(0.0, t_end, int(math.ceil(t_end / 0.02)) + 1)  # 72-s grid of the plasma curve
    c_fine = pops.c_rest + _plasma_pM(fine, dose_times, dose_iu, w, pk_params)

    def rhs(t: float, y: NDArray) -> NDArray:
        d, dx, _ = pops.rates(y[:n], y[n:], float(np.interp(t, fine, c_fine)))
        return np.concatenate([d, dx])

    y = np.concatenate([np.zeros(n), pops.x0])
    edges = sorted(set(float(t) for t in dose_times) | {t_end})
    outs = [y[None, :n]]
    for lo, hi in zip(edges[:-1], edges[1:]):
        sel = t_out[(t_out > lo) & (t_out <= hi)]
        sol = solve_ivp(rhs, (lo, hi), y, method="RK45", t_eval=np.unique(np.append(sel, hi)), rtol=1e-6,
                        atol=1e-8, max_step=0.5)
        if sel.size:
            outs.append(sol.y[:n, np.isin(sol.t, sel)].T)
        y = sol.y[:, -1]
    last = (fine >= t_end - period - 1e-9)
    s_mean = np.mean([pops.signal(y[n:], float(ci)) for ci in c_fine[last][::10]], axis=0)
    return np.concatenate(outs)[: t_out.size], s_mean, float(np.max(c_fine) - pops.c_rest)


@dataclass(frozen=True)
class DoseResponse:
    """Fold changes and exposure over daily doses (:func:`dose_response`).

    Attributes
    ----------
    doses_miu, dose_unit, weeks
        The doses and the course length.
    final_fold
        Fold change at the end of the course for each of :data:`LD_POPULATIONS` and ``"all NK"``,
        one entry per dose.
    treg_conv_ratio_fold
        Change of the Treg : conventional CD4 ratio at the end, per dose.
    peak_plasma_pM
        Highest plasma IL-2 of the course, pM (a side-effect measure), per dose.
    hours_above_nk_per_day
        Hours per day the plasma spends above the CD56dim NK cells' 1-h pSTAT5 EC50
        (:func:`il2.therapy.threshold_pM`), over one steady dosing day, per dose.
    nk_threshold_pM
        That threshold, pM.
    """

    doses_miu: NDArray[np.float64]
    dose_unit: str
    weeks: float
    final_fold: dict[str, NDArray[np.float64]]
    treg_conv_ratio_fold: NDArray[np.float64]
    peak_plasma_pM: NDArray[np.float64]
    hours_above_nk_per_day: NDArray[np.float64]
    nk_threshold_pM: float

    @property
    def treg_fold(self) -> NDArray[np.float64]:
        """Treg fold change at the end of the course, per dose."""
        return self.final_fold["Treg"]

    @property
    def nk_fold(self) -> NDArray[np.float64]:
        """Blood NK (both subsets) fold change at the end of the course, per dose."""
        return self.final_fold["all NK"]


def dose_response(
    doses_miu: ArrayLike = (0.1, 0.3, 1.0, 3.0, 10.0),
    *,
    weeks: float = 12,
    dose_unit: str = "MIU",
    schedule: str = "daily",
    model: ReceptorModel | None = None,
    params: growth.GrowthParameters = growth.GrowthParameters(),
    pk_params: pk.PKParameters = pk.PKParameters(),
    settings: LowDosePD = LowDosePD(),
) -> DoseResponse:
    """Treg and NK expansion and plasma exposure against the daily dose (:func:`low_dose_course`).

    ``doses_miu`` are doses per injection in ``dose_unit`` (default a flat dose in MIU, as the
    0.33, 1 and 3 MIU/day of :cite:alp:`hartemann2013`), each in (0, 100].
    """
    doses = np.atleast_1d(check_array("doses_miu", doses_miu, 0.0, 100.0))
    if doses.ndim != 1 or np.any(doses <= 0.0):
        raise ValueError(f"doses_miu must be a 1-D array of doses in (0, 100] MIU; got {doses_miu!r}")
    mdl = DEFAULT_MODEL if model is None else check_model(model)
    courses = [low_dose_course(float(d), weeks, schedule=schedule, dose_unit=dose_unit, model=mdl, params=params,
                               pk_params=pk_params, settings=settings) for d in doses]
    theta = therapy.threshold_pM("NK", model=mdl)
    period = SCHEDULES[schedule]
    grid = np.linspace(0.0, period, 2 * int(period * 12) + 1)
    above = []
    for co in courses:
        days = np.arange(0.0, 10.0 * period, period)  # ten doses: the last period is steady
        cp = _plasma_pM(grid + days[-1], days, co.dose_iu_per_kg * settings.weight_kg, settings.weight_kg, pk_params)
        frac = therapy.time_above_h(grid, co.resting_il2_pM + cp, theta)
        above.append(frac * 24.0 / period)
    keys = list(LD_POPULATIONS) + ["all NK"]
    return DoseResponse(
        doses_miu=doses, dose_unit=dose_unit, weeks=float(weeks),
        final_fold={k: np.array([co.final_fold(k) for co in courses]) for k in keys},
        treg_conv_ratio_fold=np.array([float(co.treg_conv_ratio_fold[-1]) for co in courses]),
        peak_plasma_pM=np.array([co.peak_plasma_pM for co in courses]),
        hours_above_nk_per_day=np.array(above), nk_threshold_pM=float(theta),
    )
