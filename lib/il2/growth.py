r"""IL-2-driven growth of helper, cytotoxic and regulatory T cells and NK cells.

The model
---------
Four populations share one well-mixed volume :math:`V` of extracellular fluid (a niche in a
lymph node, or a culture well; :data:`COMPARTMENTS`): activated CD4+ helper T cells
(``"CD4"``), which secrete IL-2 while they see antigen, CD8+ cytotoxic T cells (``"CD8"``),
NK cells (``"NK"``) and regulatory T cells (``"Treg"``). Every population consumes IL-2 by
receptor-mediated uptake (:func:`il2.binding.internalization_rate`) and divides at a rate set
by its IL-2 signal (:func:`il2.signaling.proliferation_signal`). For population :math:`i` with
:math:`N_i` cells, :math:`a_i` CD25 molecules per cell and free IL-2 concentration :math:`c`:

.. math::

    \frac{dc}{dt} &= \frac{10^{12}}{N_A V}\Big[(1-\beta_{IL2})\,q\,A(t)\,N_{CD4}
        - \sum_i N_i\,u_i(c, \tilde a_i)\Big] - k_{cl}\,c, \\
    \frac{dN_i}{dt} &= r_{max}\,S_i(c, \tilde a_i)\,N_i - d_i\,(N_i - h_i N_i(0)), \\
    \frac{da_i}{dt} &= k_a\,(a_i^* - a_i), \qquad
    a_i^* = a_i^{rest} + (a^{max}_i - a_i^{rest})
        \big[1 - (1 - g_i A(t))(1 - \varphi P_i(c, \tilde a_i))\big],

with :math:`\tilde a_i = (1-\beta_{CD25})\,a_i` the CD25 left free by a blocking antibody,
:math:`q` the secretion rate per helper, :math:`A(t)` the antigen stimulus (1 between
``antigen_start_h`` and ``antigen_end_h``, else 0), :math:`u_i` the IL-2 uptake per cell,
:math:`S_i` the proliferation signal and :math:`P_i` the pSTAT5 fraction (both in [0, 1]),
:math:`r_{max} = \ln 2 / t_{div}` the division rate at full signal (:math:`t_{div}` about
8 h at the peak of the CD8 response to LCMV, reference ``murali1998``), :math:`d_i` a death
rate, :math:`h_i = 1` for resident populations kept at their resting size by homeostasis (NK,
Treg) and 0 for antigen-activated effectors (CD4, CD8), :math:`k_{cl}` the clearance of free
IL-2 from the compartment, :math:`g_i` the share of the CD25 range reached by antigen alone
and :math:`\varphi` the strength of the autocrine positive feedback by which IL-2 signalling
induces CD25 (references ``cantrell1984``, ``smith1988``, ``malek2008``, ``busse2010``).
Regulatory T cells compete with effectors for IL-2 (``busse2010``, ``feinerman2010``,
``hofer2012``).

Numerics
--------
Cell numbers are integrated as :math:`\ln N_i` and CD25 as :math:`\ln(1 + a_i)`, so they stay
positive by construction. The IL-2 concentration is integrated directly: its production is
never negative and its uptake and clearance vanish at :math:`c = 0`, so the exact solution
stays non-negative; undershoots of the integrator smaller than its absolute tolerance are
rounded to zero and anything larger raises :class:`RuntimeError` (never returned silently).
The binding and signalling functions are tabulated once per cell type on a grid of
:math:`\ln(1+a)` and :math:`\ln c` (:func:`response_tables`) and interpolated bilinearly, which
makes a right-hand side cost tens of microseconds; the table agrees with direct calls to
within a few per cent (a test checks this). The antigen switches are integration breakpoints,
and the stiff solver is LSODA.

Imports: :mod:`il2.binding`, :mod:`il2.signaling`, :mod:`il2.units`, :mod:`il2.registry`,
:mod:`il2.validation`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.integrate import solve_ivp
from scipy.optimize import brentq

from il2 import binding, signaling
from il2.registry import CitedParameters, cited, register
from il2.units import molecules_per_cell_to_pM, seconds_to_hours
from il2.validation import check_array, check_choice, check_fraction, check_integer, check_scalar

__all__ = [
    "POPULATIONS",
    "EFFECTORS",
    "RESIDENTS",
    "GrowthParameters",
    "Compartment",
    "LymphNodeCompartment",
    "CultureWellCompartment",
    "COMPARTMENTS",
    "get_compartment",
    "ResponseTables",
    "response_tables",
    "GrowthResult",
    "simulate",
    "ExpansionScan",
    "expansion_scan",
    "Threshold",
    "expansion_threshold",
    "max_division_rate_per_h",
    "SCAN_QUANTITIES",
]

#: The populations of the model, in the order of the state vector.
POPULATIONS: tuple[str, ...] = ("CD4", "CD8", "NK", "Treg")
#: Antigen-activated effector populations (no homeostatic return to a resting size).
EFFECTORS: tuple[str, ...] = ("CD4", "CD8")
#: Resident populations kept at their resting size by homeostasis outside the model.
RESIDENTS: tuple[str, ...] = ("NK", "Treg")

#: Which built-in cell type of :mod:`il2.binding` sets each population's CD122 and CD132, and
#: which sets its resting CD25 (activated helpers and cytotoxic cells carry the beta and gamma
#: chains of activated T cells but start from the CD25 of resting cells).
_RECEPTOR_TYPE = {"CD4": "activated T", "CD8": "activated T", "NK": "NK", "Treg": "Treg"}
_RESTING_CD25_TYPE = {"CD4": "CD4", "CD8": "CD8", "NK": "NK", "Treg": "Treg"}

_LN2 = math.log(2.0)


# ---------------------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------------------


@register("T cell growth")
@dataclass(frozen=True)
class GrowthParameters(CitedParameters):
    """Kinetic parameters of IL-2-driven growth (one set for both compartments)."""

    secretion_molecules_per_s: float = cited(
        10.0, "molecules/cell/s", "IL-2 secretion rate of an activated CD4+ helper T cell seeing antigen",
        "hofer2012,oyleryaniv2017", low=0.0,
        note="value used by the IL-2 secretion and consumption models of the Höfer and Altan-Bonnet "
        "groups; the primary measurement is uncertain, and their parameter scans span 10-100",
    )
    division_time_h: float = cited(
        8.0, "h", "Division time of a T cell at full IL-2 signal", "murali1998,yoon2010",
        low=2.0, high=72.0,
        note="about 8 h for virus-specific CD8 T cells at the peak of the LCMV response (murali1998); "
        "the fastest first division measured in vivo, about 2 h (yoon2010), is the lower bound",
    )
    effector_death_rate_per_h: float = cited(
        0.02, "1/h", "Death rate of activated helper and cytotoxic T cells", "murali1998,cantrell1984",
        low=0.0, high=1.0,
        note="modelling choice: without IL-2 about 95% of effector cells die within a week, "
        "the size of the contraction after the LCMV peak (2e7 to 1e6 cells per spleen, murali1998); "
        "T cell blasts need IL-2 to keep cycling (cantrell1984)",
    )
    resident_turnover_rate_per_h: float = cited(
        0.005, "1/h", "Rate at which NK and regulatory T cell numbers return to their resting size",
        "boyman2012", low=0.0, high=1.0,
        note="modelling choice (time constant about 8 days): resting numbers are kept by homeostatic "
        "cytokines outside this model",
    )
    cd25_rate_per_h: float = cited(
        0.1, "1/h", "Rate at which CD25 per cell approaches its target", "cantrell1984,smith1988",
        low=0.0, low_open=True, high=10.0,
        note="modelling choice: a 10 h time constant, so that induced CD25 builds up over the first "
        "day of stimulation",
    )
    cd25_feedback: float = cited(
        1.0, "1", "Strength of IL-2-induced CD25 expression (0: no feedback, 1: full)",
        "busse2010,malek2008", low=0.0, high=1.0,
        note="the autocrine positive feedback: STAT5 signalling induces the CD25 gene; 1 lets a fully "
        "signalling cell reach the CD25 of an activated T cell blast",
    )
    cd25_antigen_fraction: float = cited(
        0.05, "1", "Share of the CD25 range that antigen alone induces on helper and cytotoxic T cells",
        "cantrell1984,busse2010", low=0.0, high=1.0,
        note="modelling choice: T cell receptor signals start CD25 expression, IL-2 signalling "
        "completes it",
    )
    nk_cd25_fraction: float = cited(
        0.25, "1", "Highest CD25 of IL-2-activated NK cells, as a share of the T cell blast level",
        "malek2008", low=0.0, high=1.0,
        note="modelling choice: NK cells induce CD25 when activated, to lower levels than T cell blasts",
    )

    @property
    def max_division_rate_per_h(self) -> float:
        r"""Division rate at full signal, :math:`r_{max} = \ln 2 / t_{div}` (1/h)."""
        return _LN2 / self.division_time_h

    @property
    def secretion_molecules_per_h(self) -> float:
        """Secretion rate per helper in molecules per hour."""
        return self.secretion_molecules_per_s / float(seconds_to_hours(1.0))


@dataclass(frozen=True)
class Compartment(CitedParameters):
    """A shared volume of extracellular fluid with its IL-2 clearance and starting cells.

    Subclasses fix the defaults of the two built-in compartments; the model only reads the
    fields, so ``dataclasses.replace`` gives a variant.
    """

    name: str = "compartment"
    volume_l: float = cited(1e-6, "L", "Volume of fluid the cells share IL-2 in", "oyleryaniv2017", low=0.0,
                            low_open=True)
    clearance_per_h: float = cited(0.1, "1/h", "Clearance of free IL-2 from the volume", "oyleryaniv2017",
                                   low=0.0)
    helpers: float = cited(1e3, "cells", "Activated CD4+ helper T cells at the start", "busse2010", low=0.0)
    cd8: float = cited(1e3, "cells", "Activated CD8+ T cells at the start", "murali1998", low=0.0)
    nk: float = cited(1e4, "cells", "NK cells", "malek2008", low=0.0)
    treg: float = cited(1e4, "cells", "Regulatory T cells", "busse2010", low=0.0)

    def start(self) -> dict[str, float]:
        """Cells of each population at the start."""
        return {"CD4": self.helpers, "CD8": self.cd8, "NK": self.nk, "Treg": self.treg}


@register("IL-2 compartment: lymph node")
@dataclass(frozen=True)
class LymphNodeCompartment(Compartment):
    """An IL-2 niche in a lymph node: the fluid around a responding T cell cluster."""

    name: str = "lymph node"
    volume_l: float = cited(
        1e-7, "L", "Extracellular fluid of a lymph-node niche that shares IL-2", "oyleryaniv2017",
        low=0.0, low_open=True,
        note="modelling choice: IL-2 is consumed within about 100 µm of its source (oyleryaniv2017), "
        "so a niche is a region a few hundred µm across; 0.1 µL is about a tenth of a mouse "
        "lymph node's volume",
    )
    clearance_per_h: float = cited(
        1.0, "1/h", "Loss of free IL-2 from the niche by diffusion away and lymph drainage",
        "oyleryaniv2017", low=0.0,
        note="modelling choice: diffusion over the 100 µm uptake length takes minutes, most of it "
        "captured by the cells inside; a 1 h residence time for the remainder",
    )
    helpers: float = cited(
        1e3, "cells", "Antigen-activated CD4+ helper T cells in the niche at the start", "busse2010",
        low=0.0, note="modelling choice, varied in the chapter across the expansion threshold",
    )
    cd8: float = cited(
        1e3, "cells", "Antigen-activated CD8+ T cells in the niche at the start", "murali1998", low=0.0,
        note="modelling choice: a clone after its first divisions; murali1998 report about 2e7 "
        "specific cells per spleen at the peak, at least 10,000-fold above the start",
    )
    nk: float = cited(
        3e3, "cells", "NK cells in the niche (resting size)", "malek2008", low=0.0,
        note="modelling choice: about 1% of lymph node cells",
    )
    treg: float = cited(
        1e4, "cells", "Regulatory T cells in the niche (resting size)", "busse2010,hofer2012", low=0.0,
        note="modelling choice: about 10% of the CD4 T cells of a niche of some 1e5 lymphocytes",
    )


@register("IL-2 compartment: culture well")
@dataclass(frozen=True)
class CultureWellCompartment(Compartment):
    """A culture well of stimulated cells, as in the secretion and consumption experiments."""

    name: str = "culture well"
    volume_l: float = cited(
        2e-4, "L", "Medium volume of a 96-well plate well", "tkach2014", low=0.0, low_open=True,
        note="a usual 200 µL working volume (modelling choice for a well like those of tkach2014)",
    )
    clearance_per_h: float = cited(
        0.01, "1/h", "Loss of free IL-2 in medium (degradation, adsorption)", "tkach2014", low=0.0,
        note="modelling choice: IL-2 in culture medium is stable over days, and cells, not decay, "
        "take it up (tkach2014)",
    )
    helpers: float = cited(
        1e4, "cells", "Antigen-activated CD4+ helper T cells in the well at the start", "tkach2014", low=0.0,
        note="modelling choice: 1e4-1e5 T cells per well is the range of tkach2014",
    )
    cd8: float = cited(1e4, "cells", "Antigen-activated CD8+ T cells in the well at the start", "tkach2014",
                       low=0.0, note="modelling choice")
    nk: float = cited(1e4, "cells", "NK cells in the well", "tkach2014", low=0.0, note="modelling choice")
    treg: float = cited(1e4, "cells", "Regulatory T cells in the well", "feinerman2010", low=0.0,
                        note="modelling choice: Treg-to-effector ratios of order 1 as in co-cultures")


#: The built-in compartments by name.
COMPARTMENTS: dict[str, Compartment] = {
    "lymph node": LymphNodeCompartment(),
    "culture well": CultureWellCompartment(),
}


def get_compartment(name_or_compartment: str | Compartment) -> Compartment:
    """A :class:`Compartment` from its name (``"lymph node"``, ``"culture well"``) or itself."""
    if isinstance(name_or_compartment, Compartment):
        return name_or_compartment
    check_choice("compartment", name_or_compartment, list(COMPARTMENTS))
    return COMPARTMENTS[name_or_compartment]


def max_division_rate_per_h(params: GrowthParameters = GrowthParameters()) -> float:
    r"""Division rate at full IL-2 signal, :math:`\ln 2 / t_{div}` (1/h); reference ``murali1998``."""
    return params.max_division_rate_per_h


# ---------------------------------------------------------------------------------------
# Tabulated binding and signalling
# ---------------------------------------------------------------------------------------

#: Grid of the response tables: log10 IL-2 (pM) from _LOGC_MIN to _LOGC_MAX, and ln(1 + CD25).
_LOGC_MIN, _LOGC_MAX, _LOGC_PER_DECADE = -3.0, 6.0, 12
_X_STEP = 0.2  # spacing in ln(1 + CD25): about 22% per step
_FLOOR = 1e-300


@dataclass(frozen=True)
class ResponseTables:
    """Uptake and signalling of each population on a grid of CD25 and IL-2 (for fast ODEs).

    Attributes
    ----------
    x
        Grid of :math:`\\ln(1 + a)`, CD25 molecules per cell.
    log_c
        Grid of :math:`\\ln c`, IL-2 in pM.
    log_uptake_per_pM
        :math:`\\ln(u/c)`: IL-2 uptake per cell per hour per pM, shape (population, x, c).
    log_signal, log_pstat5
        :math:`\\ln S` and :math:`\\ln P`, same shape.
    """

    x: NDArray[np.float64]
    log_c: NDArray[np.float64]
    log_uptake_per_pM: NDArray[np.float64]
    log_signal: NDArray[np.float64]
    log_pstat5: NDArray[np.float64]

    def evaluate(
        self, x: NDArray[np.float64], c: float
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """Uptake (molecules/cell/h), signal and pSTAT5 of every population at ``x`` and ``c`` pM.

        Bilinear in :math:`(\\ln(1+a), \\ln c)`. Below the grid's lowest concentration all three
        fall in proportion to ``c``; above the highest they are held.
        """
        nx, nc = self.x.size, self.log_c.size
        c_pos = c if c > 0.0 else 0.0
        lc = math.log(c_pos) if c_pos > 0.0 else self.log_c[0]
        fc = (lc - self.log_c[0]) / (self.log_c[1] - self.log_c[0])
        ic = min(max(int(fc), 0), nc - 2)
        wc = min(max(fc - ic, 0.0), 1.0)
        fx = (x - self.x[0]) / (self.x[1] - self.x[0])
        ix = np.clip(fx.astype(np.intp), 0, nx - 2)
        wx = np.clip(fx - ix, 0.0, 1.0)
        rows = np.arange(x.size)
        out = []
        for table in (self.log_uptake_per_pM, self.log_signal, self.log_pstat5):
            t00 = table[rows, ix, ic]
            t01 = table[rows, ix, ic + 1]
            t10 = table[rows, ix + 1, ic]
            t11 = table[rows, ix + 1, ic + 1]
            lo = t00 + wc * (t01 - t00)
            hi = t10 + wc * (t11 - t10)
            out.append(np.exp(lo + wx * (hi - lo)))
        c_min = math.exp(self.log_c[0])
        below = min(c_pos / c_min, 1.0)
        uptake = out[0] * c_pos
        return uptake, out[1] * below, out[2] * below


@functools.lru_cache(maxsize=16)
def _tables_for(cells: tuple[Any, ...], x_max: float) -> ResponseTables:
    n_c = int(round((_LOGC_MAX - _LOGC_MIN) * _LOGC_PER_DECADE)) + 1
    conc = np.logspace(_LOGC_MIN, _LOGC_MAX, n_c)
    x = np.arange(0.0, x_max + _X_STEP, _X_STEP)
    up = np.empty((len(cells), x.size, n_c))
    sig = np.empty_like(up)
    pst = np.empty_like(up)
    for p, cell in enumerate(cells):
        for j, xj in enumerate(x):
            variant = cell.with_cd25(float(np.expm1(xj)))
            up[p, j] = np.asarray(binding.internalization_rate(variant, conc), dtype=float) / conc
            sig[p, j] = np.asarray(signaling.proliferation_signal(variant, conc), dtype=float)
            pst[p, j] = np.asarray(signaling.pstat5_fraction(variant, conc), dtype=float)
    for arr in (up, sig, pst):
        np.maximum(arr, _FLOOR, out=arr)
    return ResponseTables(x=x, log_c=np.log(conc), log_uptake_per_pM=np.log(up),
                          log_signal=np.log(sig), log_pstat5=np.log(pst))


def _receptor_cells() -> tuple[Any, ...]:
    return tuple(binding.CELL_TYPES[_RECEPTOR_TYPE[p]] for p in POPULATIONS)


def _cd25_ceiling(params: GrowthParameters) -> NDArray[np.float64]:
    """Highest CD25 per cell each population can reach (T cell blast level; lower for NK)."""
    blast = float(binding.CELL_TYPES["activated T"].cd25)
    rest = _resting_cd25()
    top = np.array([blast, blast, params.nk_cd25_fraction * blast, blast])
    return np.maximum(top, rest)


def _resting_cd25() -> NDArray[np.float64]:
    return np.array([float(binding.CELL_TYPES[_RESTING_CD25_TYPE[p]].cd25) for p in POPULATIONS])


def response_tables() -> ResponseTables:
    """The tables of uptake, proliferation signal and pSTAT5 used by :func:`simulate` (cached).

    One table per population (rows in :data:`POPULATIONS` order), each on the receptor chains
    of its cell type in :data:`il2.binding.CELL_TYPES` with CD25 varied from 0 to a little above
    the T cell blast level.
    """
    blast = float(binding.CELL_TYPES["activated T"].cd25)
    top = max(blast, float(np.max(_resting_cd25())))
    x_max = math.ceil(math.log1p(2.0 * top) / _X_STEP) * _X_STEP
    return _tables_for(_receptor_cells(), x_max)


# ---------------------------------------------------------------------------------------
# Simulation
# ---------------------------------------------------------------------------------------


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


def simulate(
    compartment: str | Compartment = "lymph node",
    *,
    helpers: float | None = None,
    cd8: float | None = None,
    nk: float | None = None,
    treg: float | None = None,
    antigen_start_h: float = 0.0,
    antigen_end_h: float = 120.0,
    t_end_h: float = 336.0,
    il2_block: float = 0.0,
    cd25_block: float = 0.0,
    il2_pM0: float = 0.0,
    n_points: int = 337,
    params: GrowthParameters = GrowthParameters(),
) -> GrowthResult:
    r"""Simulate IL-2-driven expansion of helper, cytotoxic, NK and regulatory cells.

    Solves the model of the module docstring (production by helpers while antigen lasts,
    receptor-mediated uptake, clearance, IL-2-driven division, CD25 feedback).

    Parameters
    ----------
    compartment
        ``"lymph node"`` (a niche of 0.1 µL), ``"culture well"`` (200 µL) or a
        :class:`Compartment` (see :data:`COMPARTMENTS`).
    helpers, cd8, nk, treg
        Cells at the start; ``None`` takes the compartment's default.
    antigen_start_h, antigen_end_h
        Antigen stimulation window, hours (helpers secrete IL-2 only inside it).
    t_end_h
        Length of the simulation, hours (default two weeks).
    il2_block
        Fraction of secreted IL-2 neutralised by an antibody, in [0, 1].
    cd25_block
        Fraction of CD25 blocked by an anti-CD25 antibody, in [0, 1].
    il2_pM0
        Free IL-2 at the start, pM.
    n_points
        Number of output samples, evenly spaced from 0 to ``t_end_h``.
    params
        Kinetic parameters (:class:`GrowthParameters`).

    Returns
    -------
    GrowthResult

    Raises
    ------
    ValueError
        If an argument is out of range (negative cells, a window that ends before it starts...).

    References
    ----------
    murali1998, cantrell1984, busse2010, feinerman2010, hofer2012, tkach2014.
    """
    comp = get_compartment(compartment)
    defaults = comp.start()
    start = np.array([
        _check_cells("helpers", helpers, defaults["CD4"]),
        _check_cells("cd8", cd8, defaults["CD8"]),
        _check_cells("nk", nk, defaults["NK"]),
        _check_cells("treg", treg, defaults["Treg"]),
    ])
    t_end = check_scalar("t_end_h", t_end_h, 0.0, 24.0 * 365.0, low_open=True)
    a_on = check_scalar("antigen_start_h", antigen_start_h, 0.0, t_end)
    a_off = check_scalar("antigen_end_h", antigen_end_h, a_on, math.inf)
    b_il2 = check_fraction("il2_block", il2_block)
    b_cd25 = check_fraction("cd25_block", cd25_block)
    c0 = check_scalar("il2_pM0", il2_pM0, 0.0, 1e7)
    n_out = check_integer("n_points", n_points, 2, 100_000)
    if not isinstance(params, GrowthParameters):
        raise ValueError(f"params must be a GrowthParameters instance; got {params!r}")

    tables = response_tables()
    present = start > 0.0
    a_rest = _resting_cd25()
    a_top = _cd25_ceiling(params)
    g_antigen = np.array([params.cd25_antigen_fraction if p in EFFECTORS else 0.0 for p in POPULATIONS])
    resident = np.array([1.0 if p in RESIDENTS else 0.0 for p in POPULATIONS])
    death = np.where(resident > 0, params.resident_turnover_rate_per_h, params.effector_death_rate_per_h)
    r_max = params.max_division_rate_per_h
    k_a = params.cd25_rate_per_h
    phi = params.cd25_feedback
    pM_per_molecule = float(molecules_per_cell_to_pM(1.0, 1.0 / comp.volume_l))
    k_cl = comp.clearance_per_h
    secretion = (1.0 - b_il2) * params.secretion_molecules_per_h
    keep_cd25 = 1.0 - b_cd25
    log_start = np.log(np.where(present, start, 1.0))
    inflow = resident * death  # times N(0)/N in d ln N / dt

    def rates(y: NDArray[np.float64], antigen: float) -> tuple[NDArray[np.float64], ...]:
        n = present * np.exp(y[0:4])
        x = y[4:8]
        a = np.expm1(np.maximum(x, 0.0))
        c = y[8]
        x_eff = np.log1p(keep_cd25 * a) if keep_cd25 < 1.0 else np.maximum(x, 0.0)
        uptake, s, p = tables.evaluate(x_eff, c)
        div = r_max * s
        growth = div - death + inflow * np.exp(log_start - y[0:4])
        target = a_rest + (a_top - a_rest) * (1.0 - (1.0 - g_antigen * antigen) * (1.0 - phi * p))
        return n, a, c, uptake, s, p, div, growth, target

    def rhs_for(antigen: float):
        def rhs(_t: float, y: NDArray[np.float64]) -> NDArray[np.float64]:
            n, a, c, uptake, _s, _p, _div, growth, target = rates(y, antigen)
            dy = np.empty(9)
            dy[0:4] = present * growth
            dy[4:8] = k_a * (target - a) / (1.0 + a)
            produced = secretion * antigen * n[0]
            dy[8] = pM_per_molecule * (produced - float(np.dot(n, uptake))) - k_cl * max(c, 0.0)
            return dy
        return rhs

    y = np.concatenate([log_start, np.log1p(a_rest), [c0]])
    t_out = np.linspace(0.0, t_end, n_out)
    edges = sorted({0.0, min(a_on, t_end), min(a_off, t_end), t_end})
    pieces_t: list[NDArray[np.float64]] = []
    pieces_y: list[NDArray[np.float64]] = []
    atol = np.concatenate([np.full(8, 1e-8), [1e-6]])
    for lo, hi in zip(edges[:-1], edges[1:]):
        if hi <= lo:
            continue
        antigen = 1.0 if (a_on <= lo and hi <= a_off) else 0.0
        inside = t_out[(t_out >= lo) & (t_out <= hi)]
        t_eval = np.unique(np.concatenate([[lo], inside, [hi]]))
        sol = solve_ivp(rhs_for(antigen), (lo, hi), y, method="LSODA", t_eval=t_eval,
                        rtol=1e-6, atol=atol)
        if not sol.success:  # pragma: no cover - defensive
            raise RuntimeError(f"growth ODE failed between {lo:g} h and {hi:g} h: {sol.message}")
        keep = np.isin(sol.t, inside)
        pieces_t.append(sol.t[keep])
        pieces_y.append(sol.y[:, keep])
        y = sol.y[:, -1].copy()
    t_all = np.concatenate(pieces_t)
    y_all = np.concatenate(pieces_y, axis=1)
    t_all, first = np.unique(t_all, return_index=True)
    y_all = y_all[:, first]

    c_all = y_all[8]
    if np.min(c_all) < -10 * atol[8]:  # pragma: no cover - would be a numerical failure
        raise RuntimeError(f"IL-2 concentration went negative ({np.min(c_all):.3g} pM) beyond the solver tolerance")
    y_all[8] = np.maximum(c_all, 0.0)

    antigen_t = ((t_all >= a_on) & (t_all < a_off)).astype(float)
    cols = [rates(y_all[:, k], antigen_t[k]) for k in range(t_all.size)]
    n_t = np.array([col[0] for col in cols]).T
    a_t = np.array([col[1] for col in cols]).T
    s_t = np.array([col[4] for col in cols]).T
    p_t = np.array([col[5] for col in cols]).T
    div_t = np.array([col[6] for col in cols]).T
    g_t = np.array([col[7] for col in cols]).T * present[:, None]

    def by_pop(arr: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        return {pop: arr[i].copy() for i, pop in enumerate(POPULATIONS)}

    return GrowthResult(
        t_h=t_all,
        il2_pM=y_all[8].copy(),
        cells=by_pop(n_t),
        cd25=by_pop(a_t),
        division_rate_per_h=by_pop(div_t),
        net_growth_rate_per_h=by_pop(g_t),
        signal=by_pop(s_t),
        pstat5=by_pop(p_t),
        antigen=antigen_t,
        compartment=comp,
        params=params,
    )


# ---------------------------------------------------------------------------------------
# Scans and the expansion threshold
# ---------------------------------------------------------------------------------------

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
    """

    quantity: str
    unit: str
    values: NDArray[np.float64]
    peak_fold: dict[str, NDArray[np.float64]]
    peak_il2_pM: NDArray[np.float64]


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
    return ExpansionScan(
        quantity=quantity,
        unit=SCAN_QUANTITIES[quantity],
        values=vals,
        peak_fold={p: np.array([r.peak_fold(p) for r in runs]) for p in POPULATIONS},
        peak_il2_pM=np.array([r.peak_il2_pM for r in runs]),
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
        Fold expansion that counts as "expansion".
    population
        The population whose expansion is judged.
    """

    quantity: str
    unit: str
    value: float
    fold: float
    population: str


def expansion_threshold(
    quantity: str = "helpers",
    *,
    fold: float = 10.0,
    population: str = "CD8",
    low: float | None = None,
    high: float | None = None,
    params: GrowthParameters = GrowthParameters(),
    **simulate_kwargs: Any,
) -> Threshold:
    r"""Critical helpers (or secretion rate) above which ``population`` expands ``fold``-fold.

    Finds the root of :math:`\ln(\text{peak fold}(v)) - \ln(\text{fold})` in :math:`\ln v` with
    Brent's method. With a strong CD25 feedback the switch is steep, so the answer hardly
    depends on ``fold`` (compare ``fold=2`` and ``fold=100``).

    Parameters
    ----------
    quantity
        ``"helpers"``, ``"secretion"`` or ``"cd25_feedback"`` (see :data:`SCAN_QUANTITIES`).
    fold
        Peak fold expansion that counts as expansion (> 1).
    population
        Whose expansion is judged, one of :data:`POPULATIONS`.
    low, high
        Bracket of the search (defaults: 1 to 1e6 helpers; 0.1 to 1000 molecules/cell/s;
        0.01 to 1 for the feedback strength).
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
    brackets = {"helpers": (1.0, 1e6), "secretion": (0.1, 1000.0), "cd25_feedback": (0.01, 1.0)}
    lo_default, hi_default = brackets[quantity]
    lo = check_scalar("low", lo_default if low is None else low, 0.0, low_open=True)
    hi = check_scalar("high", hi_default if high is None else high, lo, low_open=True)
    if quantity == "cd25_feedback" and hi > 1.0:
        raise ValueError(f"high must be in (low, 1] for cd25_feedback; got {hi!r}")

    def gap(log_v: float) -> float:
        run = _run_with(quantity, math.exp(log_v), simulate_kwargs, params)
        return math.log(max(run.peak_fold(population), _FLOOR)) - math.log(f)

    g_lo, g_hi = gap(math.log(lo)), gap(math.log(hi))
    if g_lo > 0 or g_hi < 0:
        raise ValueError(
            f"no {quantity} threshold for a {f:g}-fold {population} expansion in [low, high] = "
            f"[{lo:g}, {hi:g}]: peak folds {math.exp(g_lo) * f:.3g} and {math.exp(g_hi) * f:.3g}"
        )
    root = brentq(gap, math.log(lo), math.log(hi), xtol=1e-3)
    return Threshold(quantity=quantity, unit=SCAN_QUANTITIES[quantity], value=float(math.exp(root)),
                     fold=f, population=population)
