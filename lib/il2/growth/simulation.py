"""Simulate the growth model: :func:`simulate` and its :class:`GrowthResult`.

Imports: :mod:`il2.growth.dynamics` and the other :mod:`il2.growth` modules,
:mod:`il2.receptors`, :mod:`il2.validation`.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, fields, replace
from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.growth.compartments import Compartment, get_compartment
from il2.growth.dynamics import IL2_FLOOR_PM, LOG_IL2, GrowthSystem
from il2.growth.parameters import POPULATIONS, GrowthParameters
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.validation import (
    SolverError,
    check_array,
    check_choice,
    check_fraction,
    check_integer,
    check_scalar,
)

__all__ = ["GrowthResult", "simulate", "forget_results"]

_LN2 = math.log(2.0)
_FLOOR = 1e-300
#: Absolute tolerance on the logarithmic state variables, per unit of relative tolerance.
_ATOL_PER_RTOL = 1e-2


@dataclass(frozen=True)
class GrowthResult:
    """Time courses of one simulation (all arrays share the time axis ``t_h``).

    Attributes
    ----------
    t_h
        Time, hours.
    il2_pM
        Free IL-2 concentration in the shared volume, pM.
    cells
        Cells of each population (keys :data:`POPULATIONS`).
    cd25
        CD25 molecules per cell of each population (before any blocking antibody).
    division_rate_per_h
        IL-2-driven division rate :math:`r_{max} S_i` of each population, 1/h.
    programmed_rate_per_h
        IL-2-independent division rate of the antigen-triggered program, :math:`p_i` while the program runs, 1/h.
    net_growth_rate_per_h
        :math:`d \\ln N_i / dt`, 1/h (division minus death plus homeostatic return).
    signal
        Proliferation signal :math:`S_i` in [0, 1].
    pstat5
        pSTAT5 fraction :math:`P_i` in [0, 1] (NK activation is read from it).
    antigen
        Antigen stimulus :math:`A(t)`, 0 or 1.
    compartment
        The compartment simulated.
    params
        The growth parameters used.
    model
        The receptor model used (binding, receptor counts, uptake and signalling).
    resting_il2_pM
        The resting IL-2 level of the compartment (no antigen, no antibody), pM.
    plasma_il2_pM
        The outside (plasma) IL-2 concentration :math:`c_p(t)` the volume exchanged with, pM,
        on the same time axis; ``None`` when none was given.
    """

    t_h: NDArray[np.float64]
    il2_pM: NDArray[np.float64]
    cells: dict[str, NDArray[np.float64]]
    cd25: dict[str, NDArray[np.float64]]
    division_rate_per_h: dict[str, NDArray[np.float64]]
    net_growth_rate_per_h: dict[str, NDArray[np.float64]]
    signal: dict[str, NDArray[np.float64]]
    pstat5: dict[str, NDArray[np.float64]]
    antigen: NDArray[np.float64]
    compartment: Compartment
    params: GrowthParameters = field(default_factory=GrowthParameters)
    plasma_il2_pM: NDArray[np.float64] | None = None
    model: ReceptorModel = DEFAULT_MODEL
    programmed_rate_per_h: dict[str, NDArray[np.float64]] = field(default_factory=dict)
    resting_il2_pM: float = 0.0

    def _pop(self, population: str) -> str:
        return check_choice("population", population, list(POPULATIONS))

    def fold(self, population: str) -> NDArray[np.float64]:
        """Cells of ``population`` relative to the start (NaN-free; zero start gives ones)."""
        n = self.cells[self._pop(population)]
        return n / n[0] if n[0] > 0 else np.ones_like(n)

    def peak_fold(self, population: str = "CD8") -> float:
        """Largest fold change of ``population`` over the simulation."""
        return float(np.max(self.fold(population)))

    def fold_at(self, population: str, t_h: float) -> float:
        """Fold change of ``population`` at time ``t_h`` (linear in log cells between samples)."""
        t = check_scalar("t_h", t_h, float(self.t_h[0]), float(self.t_h[-1]))
        return float(np.exp(np.interp(t, self.t_h, np.log(np.maximum(self.fold(population), _FLOOR)))))

    def peak_time_h(self, population: str = "CD8") -> float:
        """Time at which ``population`` is largest, hours."""
        return float(self.t_h[int(np.argmax(self.cells[self._pop(population)]))])

    def shortest_division_time_h(self, population: str = "CD8") -> float:
        """:math:`\\ln 2 / \\max_t r_i(t)`: division time at the strongest IL-2 signal, hours."""
        r = float(np.max(self.division_rate_per_h[self._pop(population)]))
        return math.inf if r <= 0 else _LN2 / r

    def shortest_doubling_time_h(self, population: str = "CD8") -> float:
        """:math:`\\ln 2 / \\max_t d\\ln N_i/dt`: fastest population doubling time, hours (inf if never grows)."""
        g = float(np.max(self.net_growth_rate_per_h[self._pop(population)]))
        return math.inf if g <= 0 else _LN2 / g

    @property
    def peak_il2_pM(self) -> float:
        """Highest free IL-2 concentration, pM."""
        return float(np.max(self.il2_pM))

    def hours_above(self, il2_pM: float) -> float:
        """Hours during which free IL-2 exceeds ``il2_pM`` (trapezoid on the sample grid)."""
        level = check_scalar("il2_pM", il2_pM, 0.0)
        above = (self.il2_pM > level).astype(float)
        return float(np.sum(np.diff(self.t_h) * 0.5 * (above[1:] + above[:-1])))


def _check_cells(name: str, value: float | None, default: float) -> float:
    if value is None:
        return default
    return check_scalar(name, value, 0.0, 1e12)


#: Results :func:`simulate` keeps (those without an outside IL-2 input), most recent last.
_KEPT_RESULTS = 256
#: Largest total of array bytes kept (so that long, finely sampled runs do not pile up).
_KEPT_BYTES = 64 * 2**20
_kept: "OrderedDict[_Key, tuple[GrowthResult, int]]" = OrderedDict()
_kept_bytes = [0]
_kept_lock = threading.Lock()


class _Key:
    """A run's arguments, hashed once (they include dataclasses that hash field by field)."""

    __slots__ = ("args", "hash")

    def __init__(self, args: tuple) -> None:
        self.args = args
        self.hash = hash(args)

    def __hash__(self) -> int:
        return self.hash

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Key) and self.hash == other.hash and self.args == other.args


def forget_results() -> None:
    """Drop the results :func:`simulate` keeps (what a timing of the model needs)."""
    with _kept_lock:
        _kept.clear()
        _kept_bytes[0] = 0


def _copy_result(r: GrowthResult) -> GrowthResult:
    """A result whose arrays and dicts are the caller's own (the kept one cannot be changed)."""
    changes: dict[str, Any] = {}
    for f in fields(r):
        value = getattr(r, f.name)
        if isinstance(value, np.ndarray):
            changes[f.name] = value.copy()
        elif isinstance(value, dict):
            changes[f.name] = {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in value.items()}
    return replace(r, **changes)


def _nbytes(r: GrowthResult) -> int:
    total = 0
    for f in fields(r):
        value = getattr(r, f.name)
        if isinstance(value, np.ndarray):
            total += value.nbytes
        elif isinstance(value, dict):
            total += sum(v.nbytes for v in value.values() if isinstance(v, np.ndarray))
    return total


def simulate(
    compartment: str | Compartment = "lymph node",
    *,
    helpers: float | None = None,
    cd8: float | None = None,
    nk: float | None = None,
    treg: float | None = None,
    nk_bright: float | None = None,
    antigen_start_h: float = 0.0,
    antigen_end_h: float | None = None,
    t_end_h: float = 336.0,
    il2_block: float = 0.0,
    cd25_block: float = 0.0,
    il2_pM0: float | None = None,
    n_points: int = 337,
    rtol: float = 1e-4,
    params: GrowthParameters = GrowthParameters(),
    plasma_il2_pM: Callable[[NDArray[np.float64]], ArrayLike] | None = None,
    breakpoints_h: Sequence[float] | ArrayLike = (),
    model: ReceptorModel = DEFAULT_MODEL,
    restart_at_breakpoints: bool = True,
) -> GrowthResult:
    arguments = dict(
        helpers=helpers, cd8=cd8, nk=nk, treg=treg, nk_bright=nk_bright, antigen_start_h=antigen_start_h,
        antigen_end_h=antigen_end_h, t_end_h=t_end_h, il2_block=il2_block, cd25_block=cd25_block,
        il2_pM0=il2_pM0, n_points=n_points, rtol=rtol, params=params, plasma_il2_pM=plasma_il2_pM,
        breakpoints_h=breakpoints_h, model=model, restart_at_breakpoints=restart_at_breakpoints)
    # The last results without an outside input are kept: the model is a pure function of its
    # arguments, and chapters, figures and threshold searches ask for the same runs again.
    key: _Key | None = None
    if plasma_il2_pM is None:
        try:
            comp = get_compartment(compartment)  # the compartment itself, not its name
            breaks = tuple(float(b) for b in np.asarray(breakpoints_h, dtype=float).ravel())
            # with each value's type: 337.0 points is an error that 337 is not
            key = _Key((comp, breaks, *((k, type(v), v) for k, v in arguments.items() if k != "breakpoints_h")))
        except Exception:  # an argument that is invalid or unhashable: _simulate says what is wrong
            key = None
    if key is not None:
        with _kept_lock:
            found = _kept.get(key)
            if found is not None:
                _kept.move_to_end(key)
                return _copy_result(found[0])
    result = _simulate(compartment, **arguments)
    if key is None:
        return result
    size = _nbytes(result)
    if size <= _KEPT_BYTES // 8:
        with _kept_lock:
            old = _kept.pop(key, None)
            _kept[key] = (result, size)
            _kept_bytes[0] += size - (old[1] if old else 0)
            while len(_kept) > _KEPT_RESULTS or _kept_bytes[0] > _KEPT_BYTES:
                _, (_, n) = _kept.popitem(last=False)
                _kept_bytes[0] -= n
    return _copy_result(result)


def _simulate(
    compartment: str | Compartment = "lymph node",
    *,
    helpers: float | None = None,
    cd8: float | None = None,
    nk: float | None = None,
    treg: float | None = None,
    nk_bright: float | None = None,
    antigen_start_h: float = 0.0,
    antigen_end_h: float | None = None,
    t_end_h: float = 336.0,
    il2_block: float = 0.0,
    cd25_block: float = 0.0,
    il2_pM0: float | None = None,
    n_points: int = 337,
    rtol: float = 1e-4,
    params: GrowthParameters = GrowthParameters(),
    plasma_il2_pM: Callable[[NDArray[np.float64]], ArrayLike] | None = None,
    breakpoints_h: Sequence[float] | ArrayLike = (),
    model: ReceptorModel = DEFAULT_MODEL,
    restart_at_breakpoints: bool = True,
) -> GrowthResult:
    r"""Simulate IL-2-driven expansion of helper, cytotoxic, NK and regulatory cells.

    Solves the model of the module docstring (production by helpers while antigen lasts,
    receptor-mediated uptake, clearance, IL-2-driven division and death, CD25 feedback) with
    LSODA and an analytic Jacobian. With an outside concentration :math:`c_p(t)`
    (``plasma_il2_pM``, for instance aldesleukin in the blood) the IL-2 balance becomes

    .. math::

        \frac{dc}{dt} = \kappa\,[\text{production} - \text{uptake}] - k_{cl}\,\big(c - c_p(t)\big),

    that is, the volume exchanges IL-2 with the blood at its clearance rate :math:`k_{cl}`. This
    is a modelling choice, not a measured transfer: it takes the drug to reach the lymph-node
    fluid at its plasma level, as fast as the niche's own IL-2 escapes (an upper bound; the
    tissue distribution of aldesleukin is seen only as the peripheral compartment of the
    pharmacokinetic model, :cite:alp:`konrad1990`).

    Parameters
    ----------
    compartment
        ``"lymph node"`` (a niche of 0.1 µL), ``"culture well"`` (200 µL) or a
        :class:`Compartment` (see :data:`COMPARTMENTS`).
    helpers, cd8, nk, treg, nk_bright
        Cells at the start (activated helpers, CD8 T cells, CD56dim NK cells, regulatory T cells,
        CD56bright NK cells); ``None`` takes the compartment's default. A population that starts
        at zero stays at zero.
    antigen_start_h, antigen_end_h
        Antigen stimulation window, hours (helpers secrete IL-2 only inside it); the end
        defaults to ``antigen_start_h + params.antigen_duration_h``. Antigen also starts the
        IL-2-independent division program of the helper and CD8 T cells, which runs for
        ``params.program_duration_h`` from ``antigen_start_h`` whatever the end of antigen
        (:cite:alp:`kaech2001`, :cite:alp:`vanstipdonk2001`); without antigen (an empty window) there is none.
    t_end_h
        Length of the simulation, hours (default two weeks).
    il2_block
        Fraction of secreted IL-2 neutralised by an antibody, in [0, 1].
    cd25_block
        Fraction of CD25 blocked by an anti-CD25 antibody, in [0, 1].
    il2_pM0
        Free IL-2 at the start, pM; ``None`` (the default) starts at the resting level that the
        compartment's resting CD4 T cells keep (:meth:`il2.growth.dynamics.GrowthSystem.baseline`).
    n_points
        Number of output samples, evenly spaced from 0 to ``t_end_h``.
    rtol
        Relative tolerance of the solver (absolute tolerance on the logarithmic state is
        ``rtol / 100``). The default keeps cell numbers to about 0.1%; the explorers use
        ``1e-3`` (about 1%) to answer twice as fast.
    params
        Kinetic parameters (:class:`GrowthParameters`).
    plasma_il2_pM
        Optional outside IL-2 concentration :math:`c_p(t)` in pM, as a function of time in
        hours: it is called with a float inside the solver and with the 1-D array of output
        times afterwards, and must return non-negative finite values (same shape). ``None``
        (the default) leaves the model without outside IL-2, exactly as before.
    breakpoints_h
        Times (h) at which ``plasma_il2_pM`` jumps or bends (infusion starts and ends): the
        integration stops and restarts there, so the solver never steps across them. Times
        at or beyond ``t_end_h`` are ignored.
    model
        The receptor model (:class:`il2.receptors.ReceptorModel`): binding constants, receptor
        counts, uptake and signalling of every population. A changed model (a weaker CD25, an
        engineered IL-2, more CD122 on NK cells) changes every population's response.
    restart_at_breakpoints
        ``True`` (default): the solver stops at every breakpoint and starts afresh from there.
        ``False``: it stops at each breakpoint exactly (it never steps across one) but carries on
        with its step size and history, so a course of many doses costs about half as many
        evaluations; cell numbers then differ from the restarted run by well under 1% at the
        explorers' ``rtol=1e-2`` and about 0.1% at ``1e-3`` (bounded in ``tests/test_therapy.py``).
        Only where antigen starts or ends is the solver always restarted (the equations jump there).

    Returns
    -------
    GrowthResult

    Raises
    ------
    ValueError
        If an argument is out of range (negative cells, a window that ends before it starts,
        an outside concentration that is not callable or returns negative, non-finite or
        wrongly shaped values, negative breakpoints...).

    References
    ----------
    murali1998, cantrell1984, busse2010, feinerman2010, hofer2012, tkach2014, konrad1990.
    """
    comp = get_compartment(compartment)
    defaults = comp.start()
    start = np.array([
        _check_cells("helpers", helpers, defaults["CD4"]),
        _check_cells("cd8", cd8, defaults["CD8"]),
        _check_cells("nk", nk, defaults["NK"]),
        _check_cells("treg", treg, defaults["Treg"]),
        _check_cells("nk_bright", nk_bright, defaults["CD56bright NK"]),
    ])
    if not isinstance(params, GrowthParameters):
        raise ValueError(f"params must be a GrowthParameters instance; got {params!r}")
    check_model(model)
    t_end = check_scalar("t_end_h", t_end_h, 1e-3, 24.0 * 365.0)
    a_on = check_scalar("antigen_start_h", antigen_start_h, 0.0, t_end)
    a_off = a_on + params.antigen_duration_h if antigen_end_h is None else check_scalar(
        "antigen_end_h", antigen_end_h, a_on, math.inf)
    b_il2 = check_fraction("il2_block", il2_block)
    b_cd25 = check_fraction("cd25_block", cd25_block)
    c0 = None if il2_pM0 is None else check_scalar("il2_pM0", il2_pM0, 0.0, 1e6)
    n_out = check_integer("n_points", n_points, 2, 100_000)
    tol = check_scalar("rtol", rtol, 1e-8, 1e-2)
    breaks = check_array("breakpoints_h", breakpoints_h, 0.0, allow_empty=True).ravel()

    system = GrowthSystem(comp, start, params, b_il2, b_cd25, model)
    y = system.initial_state(c0)
    t_out = np.linspace(0.0, t_end, n_out)
    plasma_out = None
    if plasma_il2_pM is not None:
        plasma_out = _check_plasma(plasma_il2_pM, t_out)
        system.plasma = plasma_il2_pM
    p_off = a_on + params.program_duration_h if a_off > a_on else a_on
    inner = sorted({float(b) for b in breaks if 0.0 < b < t_end})
    edges = sorted({0.0, a_on, min(a_off, t_end), min(p_off, t_end), t_end}.union(
        inner if restart_at_breakpoints else ()))
    ts: list[NDArray[np.float64]] = []
    ys: list[NDArray[np.float64]] = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        system.set_antigen(1.0 if (a_on <= lo and hi <= a_off) else 0.0,
                           1.0 if (a_on <= lo and hi <= p_off) else 0.0)
        if system.antigen > 0.0 or system.plasma is not None:
            # IL-2 may have decayed to, say, 1e-90 pM while antigen (or the drug) was absent;
            # from there the logarithm would have to climb for ever. Below the floor every cell
            # sees no IL-2, so secretion (or inflow from the blood) restarts from the floor.
            y[LOG_IL2] = max(y[LOG_IL2], math.log(IL2_FLOOR_PM))
        inside = t_out[(t_out >= lo) & (t_out <= hi)]
        if inside.size and inside[-1] == hi and hi != t_end:
            inside = inside[:-1]  # the next piece starts there (antigen switches at the edge)
        stops = [] if restart_at_breakpoints else [b for b in inner if lo < b < hi]
        t_eval = np.unique(np.concatenate([[lo], inside, stops, [hi]]))
        y_eval = system.integrate(t_eval, y, tol, tol * _ATOL_PER_RTOL, stops)
        keep = np.isin(t_eval, inside)
        ts.append(t_eval[keep])
        ys.append(y_eval[keep].T)
        y = y_eval[-1].copy()
    t_all = np.concatenate(ts)
    y_all = np.concatenate(ys, axis=1)

    il2 = np.exp(y_all[LOG_IL2])
    if not (np.all(np.isfinite(y_all)) and np.all(il2 >= 0.0)):  # pragma: no cover - defensive
        raise SolverError("the growth ODEs returned a non-finite state for these inputs")

    antigen_t = ((t_all >= a_on) & (t_all < a_off)).astype(float)
    program_t = ((t_all >= a_on) & (t_all < p_off)).astype(float)
    st = system.state(y_all.T, antigen_t, program=program_t)

    def by_pop(arr: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        return {pop: np.ascontiguousarray(arr[:, i]) for i, pop in enumerate(POPULATIONS)}

    return GrowthResult(
        t_h=t_all,
        il2_pM=il2,
        cells=by_pop(st["n"]),
        cd25=by_pop(st["a"]),
        division_rate_per_h=by_pop(st["div"]),
        programmed_rate_per_h=by_pop(system.r_prog * program_t[:, None] * np.ones((1, len(POPULATIONS)))),
        resting_il2_pM=system.c_rest,
        net_growth_rate_per_h=by_pop(st["growth"]),
        signal=by_pop(st["resp"].signal),
        pstat5=by_pop(st["resp"].pstat5),
        antigen=antigen_t,
        compartment=comp,
        params=params,
        model=model,
        plasma_il2_pM=None if plasma_out is None else (
            plasma_out if np.array_equal(t_all, t_out) else _check_plasma(plasma_il2_pM, t_all)),
    )


simulate.__doc__ = (_simulate.__doc__ or "").replace("\n    Parameters\n", """
    The last results of runs without ``plasma_il2_pM`` are kept (up to 256, keyed on the
    arguments, the compartment by value): asking again for the same run returns a copy of the
    kept result at once. :func:`il2.growth.forget_results` drops them.

    Parameters
""", 1)


def _check_plasma(fn: Any, t_h: NDArray[np.float64]) -> NDArray[np.float64]:
    """Evaluate the outside concentration on ``t_h``; ValueError unless callable, finite, >= 0.

    A callable that returns one number for the whole array is taken as constant in time.
    """
    if not callable(fn):
        raise ValueError(f"plasma_il2_pM must be a callable of time (h) returning pM, or None; got {fn!r}")
    try:
        raw = fn(t_h)
    except Exception as exc:  # a callable that cannot take an array of times
        raise ValueError(f"plasma_il2_pM must accept an array of times in hours; calling it failed: {exc}") from exc
    values = check_array("plasma_il2_pM", raw, 0.0)
    if values.ndim == 0:
        values = np.full(t_h.shape, float(values))
    if values.shape != t_h.shape:
        raise ValueError(
            f"plasma_il2_pM must return one concentration per time, shape {t_h.shape}; got shape {values.shape}")
    return values

