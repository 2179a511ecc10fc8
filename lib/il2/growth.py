r"""IL-2-driven growth of helper, cytotoxic and regulatory T cells and NK cells.

The model
---------
Four populations share one well-mixed volume :math:`V` of extracellular fluid (a niche in a
lymph node, or a culture well; :data:`COMPARTMENTS`): activated CD4+ helper T cells
(``"CD4"``), which secrete IL-2 while they see antigen, CD8+ cytotoxic T cells (``"CD8"``),
NK cells (``"NK"``) and regulatory T cells (``"Treg"``). Every population consumes IL-2 by
receptor-mediated uptake (:func:`il2.binding.internalization_rate`) and divides at a rate set
by its IL-2 signal :math:`S_i \in [0, 1]` (:func:`il2.signaling.proliferation_signal`). For
population :math:`i` with :math:`N_i` cells and :math:`a_i` CD25 molecules per cell, and free
IL-2 concentration :math:`c` (pM):

.. math::

    \frac{dc}{dt} &= \kappa\Big[(1-\beta_{IL2})\,q\,A(t)\,N_{CD4}\,(1 - \nu S_{CD4})
        - \sum_i N_i\,u_i(c, \tilde a_i)\Big] - k_{cl}\,\big(c - c_p(t)\big),
        \qquad \kappa = \frac{10^{12}}{N_A V}, \\
    \frac{dN_i}{dt} &= r_i\,S_i\,N_i - d_i\,(1 - e_i S_i)\,N_i + h_i\,d_i\,N_i(0), \\
    \frac{da_i}{dt} &= k_a\,(a_i^* - a_i), \qquad
    a_i^* = a_i^{rest} + (a^{max}_i - a_i^{rest})\big[1 - (1 - g_i A(t))(1 - \varphi S_i)\big],

with :math:`S_i = S_i(c, \tilde a_i)` and :math:`\tilde a_i = (1-\beta_{CD25})\,a_i` the CD25
left free by a blocking antibody. :math:`q` is the secretion rate per helper (about 10
molecules per second; ``hofer2012``), switched off in proportion :math:`\nu` by the helper's own
IL-2 signal (``villarino2007``); :math:`A(t)` the antigen stimulus (1 from ``antigen_start_h``
to ``antigen_end_h``, else 0); :math:`\beta_{IL2}` the neutralised fraction of IL-2;
:math:`u_i` the IL-2 uptake per cell; :math:`k_{cl}` the loss of free IL-2 from the volume.
:math:`c_p(t)` is an optional IL-2 concentration outside the volume, zero unless given: a drug
in the blood (``plasma_il2_pM`` of :func:`simulate`). The volume then exchanges IL-2 with it at
the same rate :math:`k_{cl}` at which it loses its own, so without cells :math:`c` relaxes to
:math:`c_p` with time constant :math:`1/k_{cl}`. This is a modelling choice: it assumes that
IL-2 given into a vein reaches the fluid around lymph-node cells at the plasma level, and
reaches it as fast as the niche's own IL-2 escapes; aldesleukin does leave the blood for the
tissues (the peripheral compartment of :mod:`il2.pk`, ``konrad1990``), but how much of it
reaches a lymph node is not measured in the library's sources, so :math:`c_p` is an upper
bound on what the cells see.
:math:`r_i = \ln 2 / t_{div}` is the division rate at full signal (:math:`t_{div}` about 8 h at
the peak of the CD8 response to LCMV, ``murali1998``; slower for the resident NK and
regulatory T cells). Activated helper and cytotoxic cells (``EFFECTORS``) die at
:math:`d_i` unless IL-2 keeps them alive (:math:`e_i = 1`, :math:`h_i = 0`); resident NK and
regulatory T cells (``RESIDENTS``) return to their resting size at rate :math:`d_i`
(:math:`e_i = 0`, :math:`h_i = 1`). CD25 relaxes towards a target raised by antigen (share
:math:`g_i` of the range, effectors only) and by the IL-2 signal itself, with strength
:math:`\varphi`: the autocrine positive feedback (``cantrell1984``, ``smith1988``,
``malek2008``, ``busse2010``). Regulatory T cells compete with effectors for IL-2
(``busse2010``, ``feinerman2010``, ``hofer2012``).

Numerics
--------
The state is :math:`(\ln N_i, \ln(1 + a_i), \ln c)`, so cells, CD25 and IL-2 stay positive by
construction (a start without IL-2 starts from a negligible 1e-3 pM). The binding and
signalling functions are tabulated once per population on a grid of :math:`\ln(1+a)` and
:math:`\ln c` (:func:`response_tables`) and interpolated (cubic Hermite in :math:`\ln c`, linear in
:math:`\ln(1+a)`), which agrees with direct calls to within 0.2% (a test checks this) and
makes a right-hand side cost tens of microseconds. The stiff solver is LSODA with an analytic
Jacobian; the antigen switches, and any times at which the outside concentration :math:`c_p`
jumps or bends (``breakpoints_h``: infusion starts and ends), are integration breakpoints. In
the :math:`\ln c` state the outside concentration adds :math:`k_{cl} c_p(t)/c` to
:math:`d\ln c/dt`. A two-week simulation takes a few tens of milliseconds.

Imports: :mod:`il2.binding`, :mod:`il2.signaling`, :mod:`il2.units`, :mod:`il2.registry`,
:mod:`il2.validation`.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Sequence

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
    "Response",
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
    secretion_feedback: float = cited(
        1.0, "1", "How strongly a helper's own IL-2 signal shuts down its IL-2 secretion",
        "villarino2007,sojka2004", low=0.0, high=1.0,
        note="modelling choice: secretion is q(1 - nu S) for a helper with IL-2 signal S; IL-2 "
        "production is transient, limited by STAT5-dependent negative feedback (villarino2007) and "
        "over within a day in vivo (sojka2004)",
    )
    division_time_h: float = cited(
        8.0, "h", "Division time of a T cell at full IL-2 signal", "murali1998,yoon2010",
        low=2.0, high=72.0,
        note="about 8 h for virus-specific CD8 T cells at the peak of the LCMV response (murali1998); "
        "the fastest first division measured in vivo, about 2 h (yoon2010), is the lower bound",
    )
    resident_division_time_h: float = cited(
        24.0, "h", "Division time of NK and regulatory T cells at full IL-2 signal", "boyman2012",
        low=2.0, high=240.0,
        note="modelling choice: resident NK and regulatory T cells divide in response to IL-2 more "
        "slowly than antigen-activated T cells, about once a day; IL-2 complexes expand them several-"
        "fold within days (boyman2012)",
    )
    effector_death_rate_per_h: float = cited(
        0.02, "1/h", "Death rate of activated helper and cytotoxic T cells deprived of IL-2",
        "murali1998,cantrell1984", low=0.0, high=1.0,
        note="modelling choice: without IL-2 signal about 95% of effector cells die within a week, "
        "the size of the contraction after the LCMV peak (2e7 to 1e6 cells per spleen, murali1998); "
        "the IL-2 signal S lowers it to d(1 - S), since activated T cells need IL-2 to survive and "
        "keep cycling (cantrell1984)",
    )
    resident_turnover_rate_per_h: float = cited(
        0.005, "1/h", "Rate at which NK and regulatory T cell numbers return to their resting size",
        "boyman2012", low=0.0, high=1.0,
        note="modelling choice (time constant about 8 days): resting numbers are kept by homeostatic "
        "cytokines outside this model",
    )
    antigen_duration_h: float = cited(
        168.0, "h", "How long antigen stimulates the helper and cytotoxic T cells", "murali1998",
        low=0.0,
        note="modelling choice: antigen for the first week, over which the CD8 response to LCMV "
        "expands at least 10,000-fold before the virus is cleared (murali1998)",
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
    def resident_max_division_rate_per_h(self) -> float:
        r"""Division rate of NK and regulatory T cells at full signal, :math:`\ln 2 / t_{div,res}` (1/h)."""
        return _LN2 / self.resident_division_time_h

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
        "so cells a few hundred µm apart share it; a sphere of radius 300 µm holds 0.11 µL",
    )
    clearance_per_h: float = cited(
        4.0, "1/h", "Loss of free IL-2 from the niche by diffusion out of it", "oyleryaniv2017",
        low=0.0,
        note="modelling choice: escape rate D/R^2 for a niche of radius R = 300 µm and IL-2 "
        "diffusivity D = 100 µm^2/s (the value used with the uptake length of oyleryaniv2017); "
        "spatial models use down to 10 µm^2/s, giving 0.4 per hour",
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
        note="modelling choice: a usual working volume of a 96-well plate, the format of culture "
        "experiments on IL-2 accumulation",
    )
    clearance_per_h: float = cited(
        0.01, "1/h", "Loss of free IL-2 in medium (degradation, adsorption)", "tkach2014", low=0.0,
        note="modelling choice: a slow loss (half-life about 3 days); in culture experiments on IL-2 "
        "accumulation such as tkach2014, cells rather than decay remove most IL-2",
    )
    helpers: float = cited(
        1e4, "cells", "Antigen-activated CD4+ helper T cells in the well at the start", "tkach2014", low=0.0,
        note="modelling choice: a well of 1e4-1e5 stimulated T cells",
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
#: Absolute tolerance on the logarithmic state variables, per unit of relative tolerance.
_ATOL_PER_RTOL = 1e-2
#: IL-2 is integrated as ln c; a start without IL-2 starts from this negligible level (pM).
_IL2_FLOOR_PM = 1e-3
#: Bounds on ln c while the solver tries steps (far outside anything reached), against overflow.
_LNC_MIN, _LNC_MAX = -600.0, 30.0
#: Right-hand-side evaluations after which a simulation is declared stalled (normal: about 700).
_MAX_RHS_CALLS = 200_000


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
        cell stored side by side (:attr:`_blocks`) so one gather and one matrix product do it.
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


@functools.lru_cache(maxsize=16)
def _tables_for(cells: tuple[Any, ...], x_max: float) -> ResponseTables:
    n_c = int(round((_LOGC_MAX - _LOGC_MIN) * _LOGC_PER_DECADE)) + 1
    conc = np.logspace(_LOGC_MIN, _LOGC_MAX, n_c)
    x = np.arange(0.0, x_max + _X_STEP / 2, _X_STEP)
    vals = np.empty((len(cells), x.size, n_c, 3))
    for p, cell in enumerate(cells):
        for j, xj in enumerate(x):
            variant = cell.with_cd25(float(np.expm1(xj)))
            vals[p, j, :, 0] = np.asarray(binding.internalization_rate(variant, conc), dtype=float) / conc
            vals[p, j, :, 1] = np.asarray(signaling.proliferation_signal(variant, conc), dtype=float)
            vals[p, j, :, 2] = np.asarray(signaling.pstat5_fraction(variant, conc), dtype=float)
    log_vals = np.log(np.maximum(vals, _FLOOR))
    log_c = np.log(conc)
    slopes = np.gradient(log_vals, log_c, axis=2)
    return ResponseTables(x=x, log_c=log_c, values=log_vals, slopes=slopes)


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


class _System:
    """Right-hand side and analytic Jacobian of the growth ODEs.

    State: :math:`(\\ln N_i, \\ln(1 + a_i), \\ln c)`, so cells, CD25 and IL-2 stay positive.
    """

    def __init__(self, comp: Compartment, start: NDArray[np.float64], params: GrowthParameters,
                 il2_block: float, cd25_block: float) -> None:
        self.tables = response_tables()
        self.present = (start > 0.0).astype(float)
        self.log_start = np.log(np.where(start > 0.0, start, 1.0))
        self.a_rest = _resting_cd25()
        self.span = _cd25_ceiling(params) - self.a_rest
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
        return np.concatenate([self.log_start, np.log1p(self.a_rest), [math.log(max(il2_pM0, _IL2_FLOOR_PM))]])

    def state(self, y: NDArray[np.float64], antigen: Any, derivatives: bool = False) -> dict[str, Any]:
        """Everything the right-hand side, Jacobian and results need at state ``y`` (shape (..., 9))."""
        log_n = y[..., 0:4]
        n = self.present * np.exp(log_n)
        x = np.maximum(y[..., 4:8], 0.0)
        ex = np.exp(x)
        a = ex - 1.0
        if self.keep_cd25 < 1.0:
            k = self.keep_cd25
            x_eff = np.log1p(k * a)
            dxeff_dx = k * ex / (1.0 + k * a)
        else:
            x_eff, dxeff_dx = x, np.ones_like(x)
        ln_c = np.minimum(np.maximum(y[..., 8], _LNC_MIN), _LNC_MAX)
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
            raise RuntimeError(f"growth ODE took more than {_MAX_RHS_CALLS} steps; the solver stalled")
        log_n = y[0:4]
        x = np.maximum(y[4:8], 0.0)
        ex = np.exp(x)
        x_eff = np.log1p(self.keep_cd25 * (ex - 1.0)) if self.keep_cd25 < 1.0 else x
        ln_c = min(max(float(y[8]), _LNC_MIN), _LNC_MAX)
        gsp = self.tables.respond_fast(x_eff, ln_c)
        sig = gsp[:, 1]
        dy = np.empty(9)
        # d ln N / dt = r S - d (1 - e S) + h d N(0) / N
        dy[0:4] = self._gain * sig - self._loss + self.inflow * np.exp(self.log_start - log_n)
        # d ln(1 + a) / dt = k_a ((a* + 1) e^{-x} - 1), with a* + 1 = T0 + T1 S
        dy[4:8] = self.k_a * ((self._t0 + self._t1 * sig) / ex - 1.0)
        n0 = self.present[0] * math.exp(log_n[0])
        produced = self._secretion_now * n0 * (1.0 - self.nu * sig[0])
        uptake = float(np.dot(self.present * np.exp(log_n), gsp[:, 0]))
        dy[8] = self.kappa * (produced * math.exp(-ln_c) - uptake) - self.k_cl
        if self.plasma is not None:
            # exchange with the outside: + k_cl c_p(t) / c
            dy[8] += self.k_cl * float(self.plasma(_t)) * math.exp(-ln_c)
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
        jac = np.zeros((9, 9))
        idx = np.arange(4)
        pres = self.present
        # d ln N_i / dt
        jac[idx, idx] = -pres * st["back"]
        dgrowth_ds = self.r_max + self.death * self.rescue
        jac[idx, idx + 4] = pres * dgrowth_ds * r.signal_dx * dxe
        jac[idx, 8] = pres * dgrowth_ds * r.signal_dlnc
        # d x_i / dt = k_a ((T_i + 1) e^{-x_i} - 1)
        dT_dP = self.span * q * self.phi
        jac[idx + 4, idx + 4] = self.k_a * (dT_dP * r.signal_dx * dxe - (st["target"] + 1.0)) / ex
        jac[idx + 4, 8] = self.k_a * dT_dP * r.signal_dlnc / ex
        # d ln c / dt, with production sigma A N_CD4 (1 - nu S_CD4)
        unit_per_c = self.kappa * self.secretion * self.antigen * n[0] / c  # per unit (1 - nu S)
        produced_per_c = unit_per_c * (1.0 - self.nu * r.signal[0])
        row = -self.kappa * n * r.uptake_per_pM
        row[0] += produced_per_c
        jac[8, 0:4] = row
        jac[8, 4:8] = -self.kappa * n * r.uptake_per_pM_dx * dxe
        jac[8, 4] -= unit_per_c * self.nu * r.signal_dx[0] * dxe[0]
        jac[8, 8] = (-produced_per_c - unit_per_c * self.nu * r.signal_dlnc[0]
                     - self.kappa * float(np.dot(n, r.uptake_per_pM_dlnc)))
        if self.plasma is not None:
            # d/d ln c of k_cl c_p(t) / c is -k_cl c_p(t) / c
            jac[8, 8] -= self.k_cl * float(self.plasma(_t)) / c
        return jac


def simulate(
    compartment: str | Compartment = "lymph node",
    *,
    helpers: float | None = None,
    cd8: float | None = None,
    nk: float | None = None,
    treg: float | None = None,
    antigen_start_h: float = 0.0,
    antigen_end_h: float | None = None,
    t_end_h: float = 336.0,
    il2_block: float = 0.0,
    cd25_block: float = 0.0,
    il2_pM0: float = 0.0,
    n_points: int = 337,
    rtol: float = 1e-4,
    params: GrowthParameters = GrowthParameters(),
    plasma_il2_pM: Callable[[NDArray[np.float64]], ArrayLike] | None = None,
    breakpoints_h: Sequence[float] | ArrayLike = (),
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
    pharmacokinetic model, ``konrad1990``).

    Parameters
    ----------
    compartment
        ``"lymph node"`` (a niche of 0.1 µL), ``"culture well"`` (200 µL) or a
        :class:`Compartment` (see :data:`COMPARTMENTS`).
    helpers, cd8, nk, treg
        Cells at the start; ``None`` takes the compartment's default. A population that starts
        at zero stays at zero.
    antigen_start_h, antigen_end_h
        Antigen stimulation window, hours (helpers secrete IL-2 only inside it); the end
        defaults to ``antigen_start_h + params.antigen_duration_h``.
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
    ])
    if not isinstance(params, GrowthParameters):
        raise ValueError(f"params must be a GrowthParameters instance; got {params!r}")
    t_end = check_scalar("t_end_h", t_end_h, 0.0, 24.0 * 365.0, low_open=True)
    a_on = check_scalar("antigen_start_h", antigen_start_h, 0.0, t_end)
    a_off = a_on + params.antigen_duration_h if antigen_end_h is None else check_scalar(
        "antigen_end_h", antigen_end_h, a_on, math.inf)
    b_il2 = check_fraction("il2_block", il2_block)
    b_cd25 = check_fraction("cd25_block", cd25_block)
    c0 = check_scalar("il2_pM0", il2_pM0, 0.0, 1e6)
    n_out = check_integer("n_points", n_points, 2, 100_000)
    tol = check_scalar("rtol", rtol, 1e-8, 1e-2)
    breaks = check_array("breakpoints_h", breakpoints_h, 0.0, allow_empty=True).ravel()

    system = _System(comp, start, params, b_il2, b_cd25)
    y = system.initial_state(c0)
    t_out = np.linspace(0.0, t_end, n_out)
    plasma_out = None
    if plasma_il2_pM is not None:
        plasma_out = _check_plasma(plasma_il2_pM, t_out)
        system.plasma = plasma_il2_pM
    edges = sorted({0.0, a_on, min(a_off, t_end), t_end}.union(
        float(b) for b in breaks if 0.0 < b < t_end))
    ts: list[NDArray[np.float64]] = []
    ys: list[NDArray[np.float64]] = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        system.set_antigen(1.0 if (a_on <= lo and hi <= a_off) else 0.0)
        if system.antigen > 0.0 or system.plasma is not None:
            # IL-2 may have decayed to, say, 1e-90 pM while antigen (or the drug) was absent;
            # from there the logarithm would have to climb for ever. Below the floor every cell
            # sees no IL-2, so secretion (or inflow from the blood) restarts from the floor.
            y[8] = max(y[8], math.log(_IL2_FLOOR_PM))
        inside = t_out[(t_out >= lo) & (t_out <= hi)]
        if inside.size and inside[-1] == hi and hi != t_end:
            inside = inside[:-1]  # the next piece starts there (antigen switches at the edge)
        t_eval = np.unique(np.concatenate([[lo], inside, [hi]]))
        sol = solve_ivp(system.rhs, (lo, hi), y, method="LSODA", t_eval=t_eval, jac=system.jac,
                        rtol=tol, atol=tol * _ATOL_PER_RTOL)
        if not sol.success:  # pragma: no cover - defensive
            raise RuntimeError(f"growth ODE failed between {lo:g} h and {hi:g} h: {sol.message}")
        keep = np.isin(sol.t, inside)
        ts.append(sol.t[keep])
        ys.append(sol.y[:, keep])
        y = sol.y[:, -1].copy()
    t_all = np.concatenate(ts)
    y_all = np.concatenate(ys, axis=1)

    il2 = np.exp(y_all[8])
    if not (np.all(np.isfinite(y_all)) and np.all(il2 >= 0.0)):  # pragma: no cover - defensive
        raise RuntimeError("growth ODE returned a non-finite state")

    antigen_t = ((t_all >= a_on) & (t_all < a_off)).astype(float)
    st = system.state(y_all.T, antigen_t)

    def by_pop(arr: NDArray[np.float64]) -> dict[str, NDArray[np.float64]]:
        return {pop: np.ascontiguousarray(arr[:, i]) for i, pop in enumerate(POPULATIONS)}

    return GrowthResult(
        t_h=t_all,
        il2_pM=il2,
        cells=by_pop(st["n"]),
        cd25=by_pop(st["a"]),
        division_rate_per_h=by_pop(st["div"]),
        net_growth_rate_per_h=by_pop(st["growth"]),
        signal=by_pop(st["resp"].signal),
        pstat5=by_pop(st["resp"].pstat5),
        antigen=antigen_t,
        compartment=comp,
        params=params,
        plasma_il2_pM=None if plasma_out is None else (
            plasma_out if np.array_equal(t_all, t_out) else _check_plasma(plasma_il2_pM, t_all)),
    )


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
