r"""A treatment course: plasma IL-2 from :mod:`il2.pk` read by each cell type's receptors.

The pharmacokinetic model (:mod:`il2.pk`) gives the plasma concentration :math:`c(t)` over a
course; the signalling model (:mod:`il2.signaling`) gives each cell type's STAT5 response
:math:`P_j(c)` to a steady concentration. Treating each instant as quasi-steady, the signal of
cell type :math:`j` during the course is :math:`P_j(t) = P_j(c(t))`: an upper bound, because
IL-2 assembles on the intermediate-affinity receptor with an association half-time of 40 to
50 min (reference :cite:alp:`lowenthal1987`), not much shorter than the plasma pulses.

Each cell type's *threshold* :math:`\theta_j` is the concentration giving half of its maximal
pSTAT5 after a fixed exposure (:attr:`TherapyReference.threshold_exposure_h`, 1 h, the time
at which the measured dose responses were read, reference :cite:alp:`farhat2021`), computed by
:func:`il2.signaling.ec50_pM`. The time the course spends above it,

.. math::

    T_j = \int \mathbf{1}\left[c(t) > \theta_j\right] dt ,

is reported in total and per day. Exposure is summarised by the peak :math:`C_\mathrm{max}`,
the area under the curve :math:`\mathrm{AUC} = \int c\,dt` and these times.

Pharmacodynamics
----------------
:func:`pharmacodynamics` follows the cells themselves. The plasma curve :math:`c_p(t)` of the
course (in pM) becomes the outside concentration of the growth model's lymph-node niche
(:func:`il2.growth.simulate` with ``plasma_il2_pM``), which exchanges IL-2 with the blood at its
clearance rate :math:`k_{cl}`:

.. math::

    \frac{dc}{dt} = \kappa\,[\text{production} - \text{uptake}] - k_{cl}\,\big(c - c_p(t)\big),

while NK cells, CD8 T cells and regulatory T cells divide, die and raise CD25 as in
:mod:`il2.growth`. By default no antigen-activated helpers are present, so the drug is the only
IL-2. Taking the niche's surroundings to be at the plasma level is a modelling choice and an
upper bound (module docstring of :mod:`il2.growth`). The niche holds cells that stay in it: the
model has no blood compartment and no traffic of cells between blood and tissues, so it cannot
show the fall of circulating lymphocytes during dosing and their return afterwards (an early
loss of circulating lymphoid cells followed by their expansion was seen under continuous IL-2,
reference :cite:alp:`lotze1985`). Under low-dose IL-2 its regulatory T cells grow by about a third and
its NK cells hardly at all: the right selectivity, but far less than in the patients of
:cite:t:`koreth2016`.

Receptor model
--------------
Every function that reads IL-2 through receptors takes a ``model``
(:class:`il2.receptors.ReceptorModel`, default :data:`il2.receptors.DEFAULT_MODEL`): the
thresholds, the pSTAT5 curves of :func:`engagement` and the cells of :func:`pharmacodynamics`
all follow it, and their cached tables are keyed by it. An engineered IL-2 is a changed model.

Imports: :mod:`il2.pk`, :mod:`il2.receptors`, :mod:`il2.signaling`, :mod:`il2.binding`,
:mod:`il2.growth`, :mod:`il2.units`, :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2 import binding, growth, pk, signaling
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.registry import CitedParameters, cited, register
from il2.units import pM_to_iu_per_ml
from il2.validation import check_array, check_choice, check_integer, check_scalar

__all__ = [
    "TherapyReference",
    "CELL_ORDER",
    "threshold_pM",
    "natural_level_iu_per_ml",
    "time_above_h",
    "daily_time_above_h",
    "Exposure",
    "exposure",
    "Engagement",
    "engagement",
    "TreatmentCourse",
    "treatment_course",
    "high_dose_course",
    "PDSettings",
    "PD_POPULATIONS",
    "PDResult",
    "pharmacodynamics",
]

#: Populations whose expansion :func:`pharmacodynamics` reports, in drawing order.
PD_POPULATIONS: tuple[str, ...] = ("Treg", "NK", "CD8")
#: Most output times :func:`pharmacodynamics` reports (the growth model's limit).
_MAX_PD_POINTS = 100_000

#: Cell types summarised by default, in the order figures draw them.
CELL_ORDER: tuple[str, ...] = ("Treg", "activated T", "CD4", "NK", "CD8")

_DAY_H = 24.0


@register("Therapy: reference levels")
@dataclass(frozen=True)
class TherapyReference(CitedParameters):
    """How a course's exposure is judged against each cell type's response."""

    threshold_exposure_h: float = cited(
        1.0, "h", "Exposure time at which each cell type's threshold (pSTAT5 EC50) is computed",
        "farhat2021, lowenthal1987", low=0, high=24,
        note="modelling choice: the measured pSTAT5 dose responses were read after 0.5 to 1 h "
             "(farhat2021), and IL-2 assembles on intermediate-affinity receptors with an "
             "association half-time of 40 to 50 min (lowenthal1987), so a high-dose pulse lasting "
             "hours is judged by the 1-h EC50; 0 uses the equilibrium EC50",
    )


#: Concentrations (pM) at which the pSTAT5 curve of each cell type is tabulated for fast
#: evaluation over long time grids; between nodes it is interpolated linearly in log c.
_TABLE_PM = np.geomspace(1e-3, 1e7, 601)
_TABLE_PM.flags.writeable = False


def threshold_pM(
    cell: str, ref: "TherapyReference | None" = None, model: ReceptorModel = DEFAULT_MODEL
) -> float:
    """Concentration (pM) at which ``cell`` reaches half its maximal pSTAT5 after
    ``ref.threshold_exposure_h`` hours of exposure (:func:`il2.signaling.ec50_pM`; equilibrium
    when that is 0), for the receptor ``model``. Cached by (model, cell, exposure): the kinetic
    EC50 takes a fraction of a second to compute."""
    r = TherapyReference() if ref is None else ref
    check_model(model)
    check_choice("cell", cell, list(binding.CELL_NAMES))
    exposure_h = float(r.threshold_exposure_h)
    return model.ec50_pM(cell, None if exposure_h == 0 else exposure_h)


def _cells(cells: Sequence[str] | None) -> tuple[str, ...]:
    if cells is None:
        return CELL_ORDER
    if isinstance(cells, str):
        raise ValueError(f"cells must be a sequence of cell-type names; got {cells!r}")
    out = tuple(cells)
    if not out:
        raise ValueError("cells must name at least one cell type; got none")
    for c in out:
        check_choice("cells", c, list(binding.CELL_NAMES))
    return out


@functools.lru_cache(maxsize=64)
def _pstat5_table(model: ReceptorModel, cell: str) -> NDArray[np.float64]:
    table = np.asarray(model.pstat5(cell, _TABLE_PM), dtype=float)
    table.flags.writeable = False
    return table


def _pstat5(model: ReceptorModel, cell: str, il2_pM: NDArray[np.float64]) -> NDArray[np.float64]:
    """pSTAT5 fraction by interpolation in the table (log concentration), exact at the nodes."""
    table = _pstat5_table(model, cell)
    c = np.asarray(il2_pM, dtype=float)
    out = np.interp(np.log(np.maximum(c, _TABLE_PM[0])), np.log(_TABLE_PM), table)
    low = c < _TABLE_PM[0]  # below the table: the curve is linear in c near zero
    if np.any(low):
        out = np.where(low, table[0] * c / _TABLE_PM[0], out)
    return np.clip(out, 0.0, 1.0)


def time_above_h(t_h: ArrayLike, values: ArrayLike, threshold: float) -> float:
    r"""Time (h) a sampled curve spends above ``threshold``, exact for linear interpolation.

    On each interval :math:`[t_k, t_{k+1}]` the curve is taken as linear; an interval wholly
    above counts fully, one that crosses counts the fraction above,
    :math:`(\max(v_k, v_{k+1}) - \theta)/|v_{k+1} - v_k|`.
    """
    _, seg = _segments_above(t_h, values, threshold)
    return float(seg.sum())


def _segments_above(
    t_h: ArrayLike, values: ArrayLike, threshold: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    t = check_array("t_h", t_h).ravel()
    v = check_array("values", values).ravel()
    th = check_scalar("threshold", threshold)
    if t.size != v.size:
        raise ValueError(f"values must have one entry per time ({t.size}); got {v.size}")
    if t.size < 2:
        raise ValueError(f"t_h must hold at least 2 times; got {t.size}")
    dt = np.diff(t)
    if np.any(dt <= 0):
        raise ValueError("t_h must be strictly increasing")
    v0, v1 = v[:-1], v[1:]
    hi, lo = np.maximum(v0, v1), np.minimum(v0, v1)
    span = hi - lo
    frac = np.where(lo > th, 1.0, np.where(hi <= th, 0.0,
                    (hi - th) / np.where(span > 0, span, 1.0)))
    return t, frac * dt


def daily_time_above_h(
    t_h: ArrayLike, values: ArrayLike, threshold: float, *, day_h: float = _DAY_H
) -> NDArray[np.float64]:
    """Hours above ``threshold`` in each day of the grid (day ``d`` is ``[d, d+1) * day_h``).

    Each interval is counted in the day holding its midpoint, so the split between two days is
    exact to one grid step.
    """
    t, seg = _segments_above(t_h, values, threshold)
    d = check_scalar("day_h", day_h, 0.0, low_open=True)
    mid = 0.5 * (t[:-1] + t[1:])
    start = np.floor(t[0] / d)
    idx = (np.floor(mid / d) - start).astype(int)
    n = int(np.floor(t[-1] / d) - start) + 1
    return np.bincount(idx, weights=seg, minlength=n)[:n]


@dataclass(frozen=True)
class Exposure:
    """Exposure summary of a course.

    Attributes
    ----------
    cmax_iu_per_ml, cmax_pM
        Peak plasma concentration.
    tmax_h
        Time of the peak.
    auc_iu_h_per_ml, auc_pM_h
        Area under the concentration curve over the simulated times (trapezoid rule).
    hours_above_pM
        Hours above each threshold (keys: threshold labels, e.g. cell-type names).
    thresholds_pM
        The thresholds, pM.
    """

    cmax_iu_per_ml: float
    cmax_pM: float
    tmax_h: float
    auc_iu_h_per_ml: float
    auc_pM_h: float
    hours_above_pM: dict[str, float]
    thresholds_pM: dict[str, float]


def exposure(
    pk_result: pk.PKResult,
    thresholds_pM: Mapping[str, float] | None = None,
    model: ReceptorModel = DEFAULT_MODEL,
) -> Exposure:
    """Peak, AUC and time above thresholds of a :class:`il2.pk.PKResult`.

    Parameters
    ----------
    pk_result
        A simulated course.
    thresholds_pM
        Named concentrations (pM). Default: every cell type in :data:`CELL_ORDER` with its
        threshold (:func:`threshold_pM`) in ``model``.
    model
        Receptor model of the default thresholds.
    """
    if not isinstance(pk_result, pk.PKResult):
        raise ValueError(f"pk_result must be an il2.pk.PKResult; got {type(pk_result).__name__}")
    if thresholds_pM is None:
        thresholds_pM = {c: threshold_pM(c, model=model) for c in CELL_ORDER}
    th = {str(k): check_scalar(f"thresholds_pM[{k!r}]", v, 0.0) for k, v in thresholds_pM.items()}
    t, c_iu, c_pm = pk_result.t_h, pk_result.iu_per_ml, pk_result.il2_pM
    k = int(np.argmax(c_iu))
    return Exposure(
        cmax_iu_per_ml=float(c_iu[k]), cmax_pM=float(c_pm[k]), tmax_h=float(t[k]),
        auc_iu_h_per_ml=float(np.trapezoid(c_iu, t)) if t.size > 1 else 0.0,
        auc_pM_h=float(np.trapezoid(c_pm, t)) if t.size > 1 else 0.0,
        hours_above_pM={n: time_above_h(t, c_pm, v) for n, v in th.items()} if t.size > 1
        else {n: 0.0 for n in th},
        thresholds_pM=th,
    )


@dataclass(frozen=True)
class Engagement:
    """Receptor engagement of each cell type over a course.

    Attributes
    ----------
    t_h
        Times, h.
    il2_pM
        Plasma IL-2, pM.
    cells
        Cell types, in drawing order.
    pstat5
        pSTAT5 fraction of each cell type over time, in [0, 1].
    threshold_pM
        Each cell type's threshold: its pSTAT5 EC50 after ``threshold_exposure_h`` of
        exposure (:func:`threshold_pM`), pM.
    hours_above_threshold
        Total hours the concentration exceeds each threshold.
    daily_hours_above_threshold
        Hours above each threshold in each day of the course.
    signal_hours_per_day
        :math:`\\int P_j\\,dt` over each day: hours of full-signal equivalent.
    days
        Day index of each entry of the daily arrays (0 = first day).
    model
        The receptor model whose thresholds and pSTAT5 curves were used.
    """

    t_h: NDArray[np.float64]
    il2_pM: NDArray[np.float64]
    cells: tuple[str, ...]
    pstat5: dict[str, NDArray[np.float64]]
    threshold_pM: dict[str, float]
    hours_above_threshold: dict[str, float]
    daily_hours_above_threshold: dict[str, NDArray[np.float64]]
    signal_hours_per_day: dict[str, NDArray[np.float64]]
    days: NDArray[np.int64]
    model: ReceptorModel = DEFAULT_MODEL


def _daily_integral(t: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
    seg = 0.5 * (y[:-1] + y[1:]) * np.diff(t)
    mid = 0.5 * (t[:-1] + t[1:])
    start = np.floor(t[0] / _DAY_H)
    idx = (np.floor(mid / _DAY_H) - start).astype(int)
    n = int(np.floor(t[-1] / _DAY_H) - start) + 1
    return np.bincount(idx, weights=seg, minlength=n)[:n]


def engagement(
    pk_result: pk.PKResult,
    cells: Sequence[str] | None = None,
    ref: TherapyReference = TherapyReference(),
    model: ReceptorModel = DEFAULT_MODEL,
) -> Engagement:
    """Signal of each cell type over a course (module docstring, quasi-steady approximation).

    Parameters
    ----------
    pk_result
        A simulated course (:func:`il2.pk.simulate`), with at least two time points.
    cells
        Built-in cell types (:data:`il2.binding.CELL_NAMES`); default :data:`CELL_ORDER`.
    ref
        The exposure time of the thresholds.
    model
        Receptor model: binding, receptor counts and signalling of each cell type.
    """
    check_model(model)
    if not isinstance(pk_result, pk.PKResult):
        raise ValueError(f"pk_result must be an il2.pk.PKResult; got {type(pk_result).__name__}")
    names = _cells(cells)
    t, c = pk_result.t_h, pk_result.il2_pM
    if t.size < 2:
        raise ValueError(f"pk_result must hold at least 2 time points; got {t.size}")
    th = {n: threshold_pM(n, ref, model) for n in names}
    p = {n: _pstat5(model, n, c) for n in names}
    daily = {n: daily_time_above_h(t, c, th[n]) for n in names}
    start = int(np.floor(t[0] / _DAY_H))
    n_days = next(iter(daily.values())).size
    return Engagement(
        t_h=t, il2_pM=c, cells=names, pstat5=p, threshold_pM=th,
        hours_above_threshold={n: float(daily[n].sum()) for n in names},
        daily_hours_above_threshold=daily,
        signal_hours_per_day={n: _daily_integral(t, p[n]) for n in names},
        days=np.arange(start, start + n_days),
        model=model,
    )


@dataclass(frozen=True)
class TreatmentCourse:
    """A whole course: pharmacokinetics, exposure and receptor engagement.

    Attributes
    ----------
    regimen
        The regimen simulated.
    weight_kg
        Body weight.
    pk
        Plasma concentration (:class:`il2.pk.PKResult`).
    exposure
        Peak, AUC and hours above each cell type's EC50 (:class:`Exposure`).
    engagement
        Signal of each cell type over time (:class:`Engagement`).
    """

    regimen: pk.Regimen
    weight_kg: float
    pk: pk.PKResult
    exposure: Exposure
    engagement: Engagement


def treatment_course(
    regimen: pk.Regimen,
    weight_kg: float = 70.0,
    *,
    t_h: ArrayLike | None = None,
    cells: Sequence[str] | None = None,
    pk_params: pk.PKParameters = pk.PKParameters(),
    ref: TherapyReference = TherapyReference(),
    model: ReceptorModel = DEFAULT_MODEL,
) -> TreatmentCourse:
    """Simulate a regimen and summarise exposure and receptor engagement.

    Parameters
    ----------
    regimen
        The course (:class:`il2.pk.Regimen`).
    weight_kg
        Body weight, kg.
    t_h
        Times (h); default the one-minute grid of :func:`il2.pk.simulate`.
    cells
        Cell types to follow; default :data:`CELL_ORDER`.
    pk_params
        Pharmacokinetic parameters.
    ref
        The exposure time of the thresholds.
    model
        Receptor model of the cell types.
    """
    res = pk.simulate(regimen, weight_kg, t_h, pk_params)
    names = _cells(cells)
    eng = engagement(res, names, ref, model)
    exp = exposure(res, eng.threshold_pM, model)
    return TreatmentCourse(regimen=regimen, weight_kg=res.weight_kg, pk=res, exposure=exp,
                        engagement=eng)


def high_dose_course(
    dose_iu_per_kg: float = 600_000.0,
    interval_h: float = 8.0,
    doses_per_cycle: int = 14,
    weight_kg: float = 70.0,
    *,
    cycles: int = 2,
    cells: Sequence[str] | None = None,
    model: ReceptorModel = DEFAULT_MODEL,
) -> TreatmentCourse:
    """The label's high-dose course with the explorer's four controls changed
    (:func:`il2.pk.high_dose_regimen`; other settings as on the label).

    Raises
    ------
    ValueError
        For a negative dose, a non-positive interval or weight, or an infusion longer than the
        interval (the message names the argument).
    """
    n = check_integer("doses_per_cycle", doses_per_cycle, 1, 1000)
    reg = pk.high_dose_regimen(dose_iu_per_kg, interval_h=interval_h, doses_per_cycle=n,
                               cycles=cycles)
    return treatment_course(reg, weight_kg, cells=cells, model=model)


def natural_level_iu_per_ml(ref: signaling.ReferenceLevels = signaling.ReferenceLevels()) -> float:
    """The physiological reference level (:class:`il2.signaling.ReferenceLevels`) in IU/mL."""
    return float(pM_to_iu_per_ml(ref.physiological_il2_pM))


# ---------------------------------------------------------------------------------------
# Pharmacodynamics: the growth model driven by the plasma curve
# ---------------------------------------------------------------------------------------


@register("Therapy: pharmacodynamics")
@dataclass(frozen=True)
class PDSettings(CitedParameters):
    """Settings of :func:`pharmacodynamics`."""

    follow_up_h: float = cited(
        672.0, "h", "Time simulated after the end of the last infusion (4 weeks)", "boyman2012",
        low=0.0, high=24.0 * 365.0,
        note="modelling choice: several times the 8-day time constant with which expanded NK and "
             "regulatory T cells return to their resting size in the growth model "
             "(GrowthParameters.resident_turnover_rate_per_h)",
    )


@dataclass(frozen=True)
class PDResult:
    """Cell expansion over a course and after it (:func:`pharmacodynamics`).

    Attributes
    ----------
    regimen, weight_kg
        The course and the body weight.
    pk
        Plasma concentration on the one-minute grid handed to the growth model.
    treated
        The growth simulation driven by the plasma curve (:class:`il2.growth.GrowthResult`;
        its ``plasma_il2_pM`` is the input on the output grid).
    control
        The same niche and cells without the drug (cached across calls with the same niche,
        cells, length and tolerance, whatever the dose: treat its arrays as read-only).
    course_end_h
        End of the last infusion (or the last injection), h from the first dose.
    populations
        The populations summarised (:data:`PD_POPULATIONS`).
    peak_fold, peak_time_h
        Largest fold change of each population over the simulation, and when it occurs.
    course_end_fold
        Fold change at ``course_end_h``.
    final_fold
        Fold change at the end of the follow-up.
    """

    regimen: pk.Regimen
    weight_kg: float
    pk: pk.PKResult
    treated: growth.GrowthResult
    control: growth.GrowthResult
    course_end_h: float
    populations: tuple[str, ...]
    peak_fold: dict[str, float]
    peak_time_h: dict[str, float]
    course_end_fold: dict[str, float]
    final_fold: dict[str, float]

    @property
    def model(self) -> ReceptorModel:
        """The receptor model of the simulation."""
        return self.treated.model

    @property
    def t_h(self) -> NDArray[np.float64]:
        """Output times, h from the first dose."""
        return self.treated.t_h

    def fold(self, population: str) -> NDArray[np.float64]:
        """Cells of ``population`` relative to the start, over :attr:`t_h`."""
        return self.treated.fold(population)

    def fold_over_control(self, population: str) -> NDArray[np.float64]:
        """Treated cells over untreated cells of ``population`` at each time (1 = no effect)."""
        return self.treated.fold(population) / np.maximum(self.control.fold(population), 1e-300)


class _PlasmaCurve:
    """The plasma curve on its evenly spaced grid, linearly interpolated (as :func:`numpy.interp`).

    The growth solver calls it with one time at every right-hand-side evaluation: for a float the
    grid cell is found by division rather than by a search, in Python floats (a few times faster
    than :func:`numpy.interp` on a scalar); arrays go through :func:`numpy.interp`.
    """

    def __init__(self, grid: NDArray[np.float64], values: NDArray[np.float64]) -> None:
        self.grid, self.values = grid, values
        self._t, self._v = grid.tolist(), values.tolist()
        self._last = len(self._t) - 1
        self._inv_step = (self._last / (self._t[-1] - self._t[0])) if self._last > 0 else 0.0

    def __call__(self, t_h: ArrayLike) -> NDArray[np.float64] | float:
        if type(t_h) is not float:
            return np.interp(t_h, self.grid, self.values)
        ts, vs, last = self._t, self._v, self._last
        if t_h <= ts[0] or last == 0:
            return vs[0]
        if t_h >= ts[last]:
            return vs[last]
        j = min(int((t_h - ts[0]) * self._inv_step), last - 1)
        while j > 0 and ts[j] > t_h:  # rounding of the grid: step back or on to the right cell
            j -= 1
        while j < last - 1 and ts[j + 1] < t_h:
            j += 1
        return vs[j] + (t_h - ts[j]) * (vs[j + 1] - vs[j]) / (ts[j + 1] - ts[j])


@functools.lru_cache(maxsize=32)
def _untreated(comp: growth.Compartment, **kwargs: object) -> growth.GrowthResult:
    """The untreated comparison run of :func:`pharmacodynamics`, cached: it does not depend on the
    regimen's dose, so an explorer moving the dose reuses it (treat its arrays as read-only)."""
    return growth.simulate(comp, antigen_start_h=0.0, **kwargs)


def pharmacodynamics(
    regimen: pk.Regimen,
    weight_kg: float = 70.0,
    *,
    compartment: str | growth.Compartment = "lymph node",
    helpers: float = 0.0,
    antigen_h: float = 0.0,
    follow_up_h: float | None = None,
    output_step_h: float = 1.0,
    rtol: float = 1e-3,
    pk_params: pk.PKParameters = pk.PKParameters(),
    growth_params: growth.GrowthParameters = growth.GrowthParameters(),
    settings: PDSettings = PDSettings(),
    model: ReceptorModel = DEFAULT_MODEL,
    restart_at_doses: bool | None = None,
) -> PDResult:
    r"""Expansion of NK cells, CD8 T cells and regulatory T cells over a course and after it.

    The plasma concentration of the course (:func:`il2.pk.simulate`, pM on a one-minute grid)
    drives the growth model's niche (:func:`il2.growth.simulate` with ``plasma_il2_pM``): the
    niche exchanges IL-2 with the blood at its clearance rate,
    :math:`dc/dt = \ldots - k_{cl}(c - c_p(t))` (module docstring). The starts and ends of
    infusions (or the injections) are integration breakpoints. An untreated run of the same
    niche is returned alongside for comparison.

    Parameters
    ----------
    regimen
        The course (:class:`il2.pk.Regimen`), held doses left out.
    weight_kg
        Body weight, kg.
    compartment
        Growth-model compartment (default the lymph-node niche).
    helpers
        Antigen-activated helper T cells in the niche at the start (default 0: the drug is the
        only IL-2).
    antigen_h
        Hours of antigen stimulation from the first dose (default 0: none).
    follow_up_h
        Hours simulated after the last infusion; ``None`` takes ``settings.follow_up_h``.
    output_step_h
        Spacing of the reported times, h (from 0; the simulation runs to the first multiple
        of it at or after the end of the follow-up).
    rtol
        Relative tolerance of the growth solver (:func:`il2.growth.simulate`).
    pk_params, growth_params, settings
        Parameters of the pharmacokinetic and growth models and of this function.
    model
        Receptor model of every population (:class:`il2.receptors.ReceptorModel`).
    restart_at_doses
        Whether the growth solver starts afresh at every dose edge (``restart_at_breakpoints`` of
        :func:`il2.growth.simulate`) or only stops there exactly and carries on with its step size
        and history, which takes about half the work. ``None`` (default): restart for intravenous
        infusions and carry on for subcutaneous injections. The two agree within the solver's
        tolerance (the tests bound the difference: about 0.5% on fold changes at ``rtol=1e-2``,
        0.1% at ``1e-3``); the infusion courses keep the restarted path because the numbers the
        therapy chapter quotes from them were computed on it and two of them lie within 0.05% of
        a rounding boundary. A 12-week daily subcutaneous course (84 doses) then takes about a
        fifth of a second.

    Returns
    -------
    PDResult

    Raises
    ------
    ValueError
        For a regimen that is not a :class:`il2.pk.Regimen`, a non-positive weight, negative
        helpers or times, or a bad compartment (the message names the argument).

    References
    ----------
    konrad1990, proleukin_label, murali1998, boyman2012, busse2010.
    """
    if not isinstance(regimen, pk.Regimen):
        raise ValueError(f"regimen must be an il2.pk.Regimen; got {type(regimen).__name__}")
    w = check_scalar("weight_kg", weight_kg, 0.0, 500.0, low_open=True)
    n_helpers = check_scalar("helpers", helpers, 0.0, 1e12)
    antigen = check_scalar("antigen_h", antigen_h, 0.0)
    tail = settings.follow_up_h if follow_up_h is None else check_scalar(
        "follow_up_h", follow_up_h, 0.0, 24.0 * 365.0)
    step = check_scalar("output_step_h", output_step_h, 0.0, low_open=True)
    comp = growth.get_compartment(compartment)

    course_end = float(regimen.duration_h)
    # outputs every output_step_h from 0; the last one at or just after the follow-up's end
    n_out = max(int(np.ceil((course_end + tail) / step - 1e-9)) + 1, 2)
    if n_out > _MAX_PD_POINTS:
        raise ValueError(
            f"output_step_h must give at most {_MAX_PD_POINTS} output times over "
            f"{course_end + tail:g} h; got {output_step_h!r}"
        )
    t_end = (n_out - 1) * step
    n_grid = int(np.ceil(t_end / pk.DEFAULT_STEP_H)) + 1
    grid = np.linspace(0.0, (n_grid - 1) * pk.DEFAULT_STEP_H, n_grid)
    plasma = pk.simulate(regimen, w, grid, pk_params)
    c_pm = plasma.il2_pM

    plasma_il2_pM = _PlasmaCurve(grid, c_pm)

    starts = regimen.dose_times_h()
    breaks = np.concatenate([starts, starts + regimen.infusion_h]) if regimen.infusion_h > 0 else starts
    check_model(model)
    restart = (regimen.route != "sc") if restart_at_doses is None else bool(restart_at_doses)
    common = dict(helpers=n_helpers, antigen_end_h=antigen, t_end_h=t_end, n_points=n_out, rtol=rtol,
                  params=growth_params, model=model)
    treated = growth.simulate(comp, plasma_il2_pM=plasma_il2_pM, breakpoints_h=breaks, antigen_start_h=0.0,
                              restart_at_breakpoints=restart, **common)
    control = _untreated(comp, **common)
    pops = PD_POPULATIONS
    return PDResult(
        regimen=regimen, weight_kg=w, pk=plasma, treated=treated, control=control,
        course_end_h=course_end, populations=pops,
        peak_fold={p: treated.peak_fold(p) for p in pops},
        peak_time_h={p: treated.peak_time_h(p) for p in pops},
        course_end_fold={p: treated.fold_at(p, course_end) for p in pops},
        final_fold={p: float(treated.fold(p)[-1]) for p in pops},
    )
