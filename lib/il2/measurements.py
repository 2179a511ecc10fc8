r"""Measured IL-2 data as records with their sources: pSTAT5 dose responses, EC50s, receptor counts.

Four public datasets from the Meyer lab enter the library here, and nowhere else:

1. **Raw pSTAT5 plate data** published with :cite:t:`farhat2021` (repository
   ``meyer-lab/gc-cytokines``, ``ckine/data/pSTAT_data.csv``, MIT licence; vendored unchanged as
   ``il2/data/pSTAT_data.csv``). It covers human blood cells stimulated with IL-2 or IL-15 for
   30 min, 1 h, 2 h or 4 h. There are 12 concentrations from 84 nM down three-fold and
   two replicates. :func:`pstat_data` parses the plate layout into tidy arrays.
   :func:`measured_ec50` fits a four-parameter Hill curve to each dose response.
2. **Receptor counts** per cell published with the same paper (``ckine/data/final_receptor_levels.csv``,
   vendored unchanged). :func:`receptor_counts` gives the geometric mean of the replicates, the
   summary the authors used.
3. **EC50s of IL-2, IL-15 and Fc-fused IL-2 muteins** by cell type, including CD56bright NK cells,
   from ``meyer-lab/gc-valent`` (``ckine/data/EC50_DF.csv``) :cite:t:`orcuttjahns2021`. That
   repository has no licence file, so its numbers are typed here as cited records
   (:data:`LIGAND_EC50_RECORDS`) and the file is not copied.
4. **Affinities of the Fc-fused muteins** for CD25 and for CD122/γc, from
   ``meyer-lab/type-I-ckine-model`` (``ckine/data/WTmutAffData.csv``) :cite:t:`orcuttjahns2021`
   (no licence file either; :data:`MUTEIN_AFFINITIES`).
5. **Receptor counts of single cells binned by their CD25**, from ``meyer-lab/gc-valent``
   (``ckine/data/BinnedReceptorData.csv``) :cite:`orcuttjahns2021`: the CD25 counts of single
   Treg and conventional CD4 (helper) cells, split into three bins spaced evenly in log CD25
   between the 5th and 95th percentiles, with the mean CD25 and CD122 of the cells in each bin
   (typed as records, :data:`RECEPTOR_BIN_RECORDS`; no licence file). The CD25-low bin of the
   helpers sets the library's CD25 count of a resting conventional CD4 T cell
   (:func:`cd25_low_bin`, ``il2.binding.ReceptorCounts.cd4_cd25``).

Hill fit
--------
Each dose response is fitted, in log concentration :math:`x = \log_{10}(c/\mathrm{pM})`, to

.. math::

    y(x) = y_\mathrm{bottom} + \frac{y_\mathrm{top} - y_\mathrm{bottom}}
           {1 + 10^{\,n\,(x_{50} - x)}}, \qquad \mathrm{EC}_{50} = 10^{x_{50}}\ \mathrm{pM},

by bounded least squares (:func:`scipy.optimize.least_squares`). The Hill coefficient is bounded
to :math:`0.25 \le n \le 5` and :math:`x_{50}` to one decade beyond the tested concentrations.
Empty wells are skipped. Each replicate is scaled to its own observed range before fitting,
because the two replicates come from different experiments and differ in brightness. Replicates
fitted together share :math:`x_{50}` and :math:`n`, and each keeps its own bottom and top. The
uncertainty is reported twice. ``HillFit.ec50_ci95_pM`` is an approximate 95 % interval from the
fit covariance. ``EC50Record.ec50_range_pM`` spans the EC50s of the replicates fitted one at a
time.

At 2 h and 4 h the pSTAT5 signal often falls again at the highest doses. A monotone Hill
curve describes those times poorly (see ``HillFit.high_dose_drop``). The mechanism chapter uses
30 min and 1 h.

Units: concentrations in pM throughout (the library convention, :mod:`il2.units`); the files give
nM, converted on reading. Affinities are kept in nM, as published and as
:class:`il2.binding.BindingParameters` states them.

Imports: :mod:`il2.validation` only (and numpy; scipy.optimize when a fit is first made).
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.validation import check_array, check_choice, check_integer

__all__ = [
    "PSTAT_CELL_TYPES",
    "BLOOD_CELLS",
    "CYTOKINES",
    "STIMULATION_TIMES_H",
    "HILL_BOUNDS",
    "DataSource",
    "PSTAT_SOURCE",
    "RECEPTOR_SOURCE",
    "GC_VALENT_SOURCE",
    "MUTEIN_AFFINITY_SOURCE",
    "RECEPTOR_BIN_SOURCE",
    "PStatData",
    "HillFit",
    "EC50Record",
    "ReceptorCountRecord",
    "LigandEC50Record",
    "MuteinAffinity",
    "LIGAND_EC50_RECORDS",
    "MUTEIN_AFFINITIES",
    "ReceptorBinRecord",
    "RECEPTOR_BIN_RECORDS",
    "cd25_bins",
    "cd25_low_bin",
    "pstat_data",
    "fit_hill",
    "measured_ec50",
    "measured_ec50_table",
    "blood_cell_ec50s",
    "receptor_counts",
    "ligand_ec50",
    "ligand_ec50s",
    "mutein_affinity",
]

_PM_PER_NM = 1e3

# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DataSource:
    """Where a dataset comes from.

    Attributes
    ----------
    key
        BibTeX key of the publication in ``book/references.bib``.
    repository, path
        Public GitHub repository and the file's path in it.
    commit
        A commit at which the file was seen with these values (``""`` if not pinned).
    licence
        Licence of the repository (``""`` if it has none).
    vendored_as
        Name of the vendored copy in ``il2/data`` (``""``: not vendored, numbers typed as records).
    """

    key: str
    repository: str
    path: str
    commit: str = ""
    licence: str = ""
    vendored_as: str = ""


#: The raw pSTAT5 plates of :cite:t:`farhat2021`, vendored in ``il2/data``.
PSTAT_SOURCE = DataSource(
    key="farhat2021", repository="meyer-lab/gc-cytokines", path="ckine/data/pSTAT_data.csv",
    commit="16461f704f6715b681f040ac838068f749f0a3e5", licence="MIT",
    vendored_as="pSTAT_data.csv",
)
#: The receptor counts per blood cell type of :cite:t:`farhat2021`, vendored in ``il2/data``.
RECEPTOR_SOURCE = DataSource(
    key="farhat2021", repository="meyer-lab/gc-cytokines",
    path="ckine/data/final_receptor_levels.csv", licence="MIT",
    vendored_as="final_receptor_levels.csv",
)
#: The pSTAT5 EC50s of IL-2 ligands of :cite:t:`orcuttjahns2021`, typed as records.
GC_VALENT_SOURCE = DataSource(
    key="orcuttjahns2021", repository="meyer-lab/gc-valent", path="ckine/data/EC50_DF.csv",
    commit="6b3287e87ddef42ef6421cbeb352df33d60fb156",
)
#: The receptor affinities of IL-2 muteins of :cite:t:`orcuttjahns2021`.
MUTEIN_AFFINITY_SOURCE = DataSource(
    key="orcuttjahns2021", repository="meyer-lab/type-I-ckine-model",
    path="ckine/data/WTmutAffData.csv", commit="3cf885ff0fddef9bc7f5daf2ca728d4544dae9aa",
)
#: The single-cell receptor counts of :cite:t:`orcuttjahns2021` in three CD25 bins, typed as
#: records.
RECEPTOR_BIN_SOURCE = DataSource(
    key="orcuttjahns2021", repository="meyer-lab/gc-valent",
    path="ckine/data/BinnedReceptorData.csv", commit="8e02fc7d0018040d8159bea93772b9774e07f04b",
)

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

#: Cell populations of the pSTAT5 plates, library names (file labels in ``_PSTAT_LABEL``).
PSTAT_CELL_TYPES: tuple[str, ...] = (
    "NK", "CD8", "naive CD8", "memory CD8", "Treg", "naive Treg", "memory Treg",
    "CD4", "naive CD4", "memory CD4",
)
#: The four resting blood cell types of the mechanism chapter (``il2.binding`` names).
BLOOD_CELLS: tuple[str, ...] = ("Treg", "CD4", "CD8", "NK")
_PSTAT_LABEL = {
    "NK": "NK", "CD8": "CD8+", "naive CD8": "Naive CD8+", "memory CD8": "Mem CD8+",
    "Treg": "T-reg", "naive Treg": "Naive Treg", "memory Treg": "Mem Treg",
    "CD4": "T-helper", "naive CD4": "Naive Th", "memory CD4": "Mem Th",
}
_FROM_LABEL = {v: k for k, v in _PSTAT_LABEL.items()}
#: The cytokines of the pSTAT5 plates.
CYTOKINES: tuple[str, ...] = ("IL-2", "IL-15")
#: Stimulation times of the plates (h), ascending.
STIMULATION_TIMES_H: tuple[float, ...] = (0.5, 1.0, 2.0, 4.0)
_TIME_LABEL = {"30 min": 0.5, "1 hour": 1.0, "2 hours": 2.0, "4 hours": 4.0}
#: Bounds of the Hill coefficient in every fit.
HILL_BOUNDS: tuple[float, float] = (0.25, 5.0)

_RECEPTOR_LABEL = {
    "IL-2R$\\alpha$": "cd25", "IL-2R$\\beta$": "cd122", "$\\gamma_{c}$": "cd132",
    "IL-15R$\\alpha$": "il15ra", "IL-7R$\\alpha$": "il7ra",
}


def _cell_name(name: str, value: object, allowed: tuple[str, ...]) -> str:
    """Library cell name for ``value`` (a library name or the file's label)."""
    if isinstance(value, str):
        if value in allowed:
            return value
        mapped = _FROM_LABEL.get(value)
        if mapped in allowed:
            return mapped
    shown = repr(value) if isinstance(value, str) else f"a {type(value).__name__}"
    raise ValueError(f"{name} must be one of {list(allowed)!r} (or the data file's label); "
                     f"got {shown}")


def _time(time_h: object) -> float:
    """One of the measured stimulation times (h), or ``ValueError`` naming ``time_h``."""
    if not isinstance(time_h, (bool, np.bool_)) and isinstance(
        time_h, (int, float, np.integer, np.floating)
    ):
        for t in STIMULATION_TIMES_H:
            if float(time_h) == t:
                return t
    raise ValueError(f"time_h must be one of the measured stimulation times "
                     f"{list(STIMULATION_TIMES_H)} (h); got {time_h!r}")


# ---------------------------------------------------------------------------------------------
# Raw pSTAT5 plates
# ---------------------------------------------------------------------------------------------


def _read_text(name: str) -> str:
    return resources.files("il2.data").joinpath(name).read_text(encoding="utf-8")


def _readonly(a: NDArray) -> NDArray:
    a = np.array(a, dtype=float)
    a.flags.writeable = False
    return a


@dataclass(frozen=True, eq=False)
class PStatData:
    r"""The raw pSTAT5 plates of :cite:t:`farhat2021` as tidy, read-only arrays.

    Attributes
    ----------
    cells
        Library names of the cell populations (:data:`PSTAT_CELL_TYPES`).
    cytokines
        ``("IL-2", "IL-15")``.
    times_h
        Stimulation times, ascending: 0.5, 1, 2, 4 h.
    replicates
        ``(1, 2)``: replicate 1 in spreadsheet columns C-N, replicate 2 in columns T-AE.
    concentrations_pM
        The 12 concentrations, ascending (0.474 pM to 84,000 pM, three-fold steps).
    signal
        Median pSTAT5 fluorescence (arbitrary units), shape
        ``(cell, cytokine, time, replicate, concentration)`` = (10, 2, 4, 2, 12); ``nan`` marks
        an empty well.
    source
        :data:`PSTAT_SOURCE`.
    """

    cells: tuple[str, ...]
    cytokines: tuple[str, ...]
    times_h: tuple[float, ...]
    replicates: tuple[int, ...]
    concentrations_pM: NDArray[np.float64]
    signal: NDArray[np.float64]
    source: DataSource = PSTAT_SOURCE

    def index(self, cell: str, time_h: float, cytokine: str = "IL-2") -> tuple[int, int, int]:
        """Array indices of ``(cell, cytokine, time)``; bad names raise ``ValueError``."""
        c = _cell_name("cell", cell, self.cells)
        k = check_choice("cytokine", cytokine, self.cytokines)
        t = _time(time_h)
        return self.cells.index(c), self.cytokines.index(k), self.times_h.index(t)

    def curve(self, cell: str, time_h: float, cytokine: str = "IL-2",
              replicate: int = 1) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Concentrations (pM, ascending) and signal of one replicate's dose response.

        Empty wells are ``nan``. Raises ``ValueError`` for a replicate that was not measured
        (naive and memory CD8 have replicate 1 only).
        """
        i, k, t = self.index(cell, time_h, cytokine)
        r = check_choice("replicate", replicate, self.replicates)
        y = self.signal[i, k, t, self.replicates.index(r)]
        if not np.any(np.isfinite(y)):
            raise ValueError(
                f"replicate {r} was not measured for cell {cell!r}; measured replicates: "
                f"{list(self.measured_replicates(cell))}"
            )
        return self.concentrations_pM, y

    def measured_replicates(self, cell: str) -> tuple[int, ...]:
        """Replicates with any data for ``cell``."""
        i = self.cells.index(_cell_name("cell", cell, self.cells))
        return tuple(r for j, r in enumerate(self.replicates)
                     if np.any(np.isfinite(self.signal[i, :, :, j])))

    def long(self) -> dict[str, NDArray]:
        """All wells as flat columns (``cell``, ``cytokine``, ``time_h``, ``replicate``,
        ``conc_pM``, ``signal``); empty wells are left out. Ready for ``pandas.DataFrame``."""
        idx = np.argwhere(np.isfinite(self.signal))
        return {
            "cell": np.array([self.cells[i] for i in idx[:, 0]]),
            "cytokine": np.array([self.cytokines[i] for i in idx[:, 1]]),
            "time_h": np.array([self.times_h[i] for i in idx[:, 2]]),
            "replicate": np.array([self.replicates[i] for i in idx[:, 3]]),
            "conc_pM": self.concentrations_pM[idx[:, 4]],
            "signal": self.signal[tuple(idx.T)],
        }


def _number(text: str) -> float:
    text = text.strip()
    return float(text) if text else math.nan


_ROW = re.compile(r"^(IL-2|IL-15), (4 hours|2 hours|1 hour|30 min)$")
_REP1 = slice(2, 14)   # spreadsheet columns C-N
_REP2 = slice(19, 31)  # spreadsheet columns T-AE


def _parse_pstat(text: str) -> PStatData:
    rows = list(csv.reader(io.StringIO(text)))
    rows = [r + [""] * (31 - len(r)) for r in rows]
    n_cells, n_conc = len(PSTAT_CELL_TYPES), 12
    signal = np.full((n_cells, len(CYTOKINES), len(STIMULATION_TIMES_H), 2, n_conc), np.nan)
    seen: set[tuple[int, int, int]] = set()
    conc_nM: list[float] | None = None
    cell: int | None = None
    for i, row in enumerate(rows):
        label = row[1].strip()
        if label in _FROM_LABEL and i + 1 < len(rows) and rows[i + 1][1].startswith("nM treatment"):
            cell = PSTAT_CELL_TYPES.index(_FROM_LABEL[label])
            here = [float(x) for x in rows[i + 1][_REP1]]
            if conc_nM is None:
                conc_nM = here
            if not np.allclose(here, conc_nM, rtol=1e-9):
                raise ValueError(f"pSTAT data: block {label!r} lists other concentrations")
            right = rows[i + 1][_REP2]
            if any(x.strip() for x in right) and not np.allclose(
                    [float(x) for x in right], conc_nM, rtol=1e-9):
                raise ValueError(f"pSTAT data: replicate 2 of {label!r} lists other concentrations")
            continue
        m = _ROW.match(row[0].strip())
        if m is None:
            continue
        if cell is None:
            raise ValueError(f"pSTAT data: row {i + 1} comes before any cell block")
        k = CYTOKINES.index(m.group(1))
        t = STIMULATION_TIMES_H.index(_TIME_LABEL[m.group(2)])
        if (cell, k, t) in seen:
            raise ValueError(f"pSTAT data: row {i + 1} repeats {row[0]!r} in one block")
        seen.add((cell, k, t))
        signal[cell, k, t, 0] = [_number(x) for x in row[_REP1]]
        signal[cell, k, t, 1] = [_number(x) for x in row[_REP2]]
    expected = n_cells * len(CYTOKINES) * len(STIMULATION_TIMES_H)
    if conc_nM is None or len(seen) != expected:
        raise ValueError(f"pSTAT data: found {len(seen)} dose-response rows, expected {expected}")
    conc = np.asarray(conc_nM) * _PM_PER_NM
    order = np.argsort(conc)
    return PStatData(
        cells=PSTAT_CELL_TYPES, cytokines=CYTOKINES, times_h=STIMULATION_TIMES_H,
        replicates=(1, 2), concentrations_pM=_readonly(conc[order]),
        signal=_readonly(signal[..., order]),
    )


@lru_cache(maxsize=1)
def pstat_data() -> PStatData:
    """The vendored raw pSTAT5 plates of :cite:t:`farhat2021`, parsed once (read-only arrays)."""
    return _parse_pstat(_read_text(PSTAT_SOURCE.vendored_as))


# ---------------------------------------------------------------------------------------------
# Four-parameter Hill fit
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HillFit:
    r"""A four-parameter Hill curve fitted to one or more replicates of a dose response.

    Attributes
    ----------
    ec50_pM
        :math:`10^{x_{50}}`, the concentration of half-maximal response (pM).
    hill
        Hill coefficient :math:`n`.
    bottom, top
        Fitted baseline and plateau of each replicate, in the data's units.
    log10_ec50_se, hill_se
        Standard errors from the fit covariance (``inf`` when the fit cannot fix them).
    n_points
        Wells used (empty wells are skipped).
    at_bound
        Names of parameters that ended on a bound (``"log10_ec50"``, ``"hill"``, ...): the data
        do not constrain them.
    rms_residual
        Root-mean-square residual as a fraction of each replicate's observed range.
    high_dose_drop
        How far the response at the highest concentration lies below the largest response,
        as a fraction of the observed range (largest over replicates). Near 0 for a monotone
        curve. Large values (desensitisation at 2-4 h) mean the Hill curve is a poor description.
    """

    ec50_pM: float
    hill: float
    bottom: tuple[float, ...]
    top: tuple[float, ...]
    log10_ec50_se: float
    hill_se: float
    n_points: int
    at_bound: tuple[str, ...]
    rms_residual: float
    high_dose_drop: float

    @property
    def ec50_ci95_pM(self) -> tuple[float, float]:
        """Approximate 95 % interval of the EC50 from the covariance (in log concentration)."""
        f = 10.0 ** (1.96 * self.log10_ec50_se) if math.isfinite(self.log10_ec50_se) else math.inf
        return (self.ec50_pM / f, self.ec50_pM * f)

    @property
    def well_constrained(self) -> bool:
        """EC50 and Hill coefficient off their bounds, EC50 known to a factor of two (one s.e.).

        A bottom or top on its bound (a baseline not reached by the lowest dose) is allowed:
        it moves the EC50 little.
        """
        return (not {"log10_ec50", "hill"} & set(self.at_bound)
                and self.log10_ec50_se < math.log10(2.0))

    def response(self, conc_pM: ArrayLike, replicate: int = 0) -> NDArray[np.float64]:
        """The fitted curve of one replicate (index into ``bottom``/``top``) at ``conc_pM``."""
        c = check_array("conc_pM", conc_pM, 0.0, low_open=True)
        r = check_integer("replicate", replicate, 0, len(self.bottom) - 1)
        b, t = self.bottom[r], self.top[r]
        return b + (t - b) / (1.0 + (self.ec50_pM / c) ** self.hill)


def _hill01(x: NDArray, x50: float, n: float) -> NDArray:
    return 1.0 / (1.0 + 10.0 ** np.clip(n * (x50 - x), -300.0, 300.0))


def fit_hill(conc_pM: ArrayLike, signal: ArrayLike,
             hill_bounds: tuple[float, float] = HILL_BOUNDS) -> HillFit:
    r"""Fit :math:`y = y_b + (y_t - y_b)/(1 + 10^{n(x_{50} - x)})`, :math:`x = \log_{10} c`.

    Parameters
    ----------
    conc_pM
        Concentrations (pM), positive, at least 5 distinct values.
    signal
        Responses at those concentrations: 1-D (one replicate) or 2-D (replicates x
        concentrations). ``nan`` marks an empty well. The curve must rise with concentration.
        Replicates share the EC50 and Hill coefficient and keep their own bottom and top.
    hill_bounds
        Allowed range of the Hill coefficient.

    Returns
    -------
    HillFit

    Raises
    ------
    ValueError
        If concentrations are not positive and finite, the signal has the wrong shape, holds
        infinities, has fewer than 5 filled wells in a replicate, or does not vary.

    Notes
    -----
    Each replicate is divided by its own observed range before fitting, so replicates of
    different brightness weigh alike. The bounds are: :math:`x_{50}` within one decade of the
    tested range, :math:`n` within ``hill_bounds``, the scaled bottom in [-0.5, 0.5] (and not
    below a raw signal of zero when no well is negative: fluorescence cannot be) and the
    scaled top in [0.5, 1.5]. The fit is started from several EC50s and Hill coefficients, and
    the best fit is kept.
    """
    from scipy.optimize import least_squares  # imported on first use: keeps `import` light

    c = check_array("conc_pM", conc_pM, 0.0, low_open=True)
    if c.ndim != 1 or len(np.unique(c)) < 5:
        raise ValueError(f"conc_pM must be a 1-D array of at least 5 distinct concentrations; "
                         f"got shape {c.shape}")
    lo_n = float(hill_bounds[0])
    hi_n = float(hill_bounds[1])
    if not (0.0 < lo_n < hi_n <= 20.0):
        raise ValueError(f"hill_bounds must satisfy 0 < low < high <= 20; got {hill_bounds!r}")
    try:
        y = np.array(signal, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("signal must be numbers (nan for an empty well)") from None
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2 or y.shape[1] != c.size:
        raise ValueError(f"signal must have shape ({c.size},) or (replicates, {c.size}); "
                         f"got {np.shape(signal)}")
    if np.any(np.isinf(y)):
        raise ValueError("signal must be finite numbers or nan (empty well); got an infinity")
    x = np.log10(c)
    xs, ys, reps, span_lo, span = [], [], [], [], []
    for r, row in enumerate(y):
        ok = np.isfinite(row)
        if ok.sum() < 5:
            raise ValueError(f"signal replicate {r} has {int(ok.sum())} filled wells; need >= 5")
        lo, hi = float(row[ok].min()), float(row[ok].max())
        if not hi > lo:
            raise ValueError(f"signal replicate {r} does not vary (all wells {lo!r})")
        xs.append(x[ok])
        ys.append((row[ok] - lo) / (hi - lo))
        reps.append(np.full(int(ok.sum()), r))
        span_lo.append(lo)
        span.append(hi - lo)
    X, Y, R = np.concatenate(xs), np.concatenate(ys), np.concatenate(reps)
    n_rep = y.shape[0]

    def resid(p: NDArray) -> NDArray:
        b, t = p[2::2][R], p[3::2][R]
        return b + (t - b) * _hill01(X, p[0], p[1]) - Y

    rows = np.arange(Y.size)

    def jac(p: NDArray) -> NDArray:
        # d/dx50 and d/dn of h = 1/(1 + 10^(n (x50 - x))): -ln10 h (1 - h) n and
        # -ln10 h (1 - h) (x50 - x) (zero where the exponent is clipped, as h is flat there);
        # d/db = 1 - h and d/dt = h on the rows of the replicate.
        b, t = p[2::2][R], p[3::2][R]
        z = p[1] * (p[0] - X)
        h = _hill01(X, p[0], p[1])
        slope = np.where(np.abs(z) < 300.0, -math.log(10.0) * h * (1.0 - h) * (t - b), 0.0)
        out = np.zeros((Y.size, p.size))
        out[:, 0] = slope * p[1]
        out[:, 1] = slope * (p[0] - X)
        out[rows, 2 + 2 * R] = 1.0 - h
        out[rows, 3 + 2 * R] = h
        return out

    xlo, xhi = float(x.min()) - 1.0, float(x.max()) + 1.0
    # scaled bottom >= -0.5, and never below a raw signal of 0 when the data are non-negative
    floor = [max(-0.5, -lo / s) if lo >= 0.0 else -0.5 for lo, s in zip(span_lo, span)]
    lower = np.array([xlo, lo_n] + [v for f in floor for v in (f, 0.5)])
    upper = np.array([xhi, hi_n] + [0.5, 1.5] * n_rep)
    best = None
    for x0 in np.linspace(x.min() + 0.5, x.max() - 0.5, 5):
        for n0 in (1.0, 2.5):
            p0 = np.array([x0, min(max(n0, lo_n), hi_n)] + [0.0, 1.0] * n_rep)
            p0 = np.clip(p0, lower + 1e-9, upper - 1e-9)
            sol = least_squares(resid, p0, jac=jac, bounds=(lower, upper), method="trf", x_scale="jac")
            if best is None or sol.cost < best.cost:
                best = sol
    assert best is not None
    p = best.x
    m, k = Y.size, p.size
    dof = m - k
    jac = best.jac
    with np.errstate(divide="ignore", invalid="ignore"):
        try:
            cov = np.linalg.inv(jac.T @ jac) * (2.0 * best.cost / dof) if dof > 0 else None
        except np.linalg.LinAlgError:
            cov = None
    if cov is not None and np.all(np.isfinite(np.diag(cov))) and np.all(np.diag(cov) >= 0):
        se = np.sqrt(np.diag(cov))
    else:
        se = np.full(k, math.inf)
    names = ["log10_ec50", "hill"] + [f"{w}[{r}]" for r in range(n_rep) for w in ("bottom", "top")]
    tol = 1e-6 * (upper - lower)
    at_bound = tuple(nm for nm, v, a, b in zip(names, p, lower, upper)
                     if v - a <= tol[names.index(nm)] or b - v <= tol[names.index(nm)])
    drops = []
    for row in y:
        ok = np.isfinite(row)
        lo, hi = row[ok].min(), row[ok].max()
        top_dose = row[ok][np.argmax(x[ok])]
        drops.append(float((hi - top_dose) / (hi - lo)))
    return HillFit(
        ec50_pM=float(10.0 ** p[0]),
        hill=float(p[1]),
        bottom=tuple(float(span_lo[r] + p[2 + 2 * r] * span[r]) for r in range(n_rep)),
        top=tuple(float(span_lo[r] + p[3 + 2 * r] * span[r]) for r in range(n_rep)),
        log10_ec50_se=float(se[0]),
        hill_se=float(se[1]),
        n_points=int(m),
        at_bound=at_bound,
        rms_residual=float(np.sqrt(2.0 * best.cost / m)),
        high_dose_drop=max(drops),
    )


# ---------------------------------------------------------------------------------------------
# Measured EC50s from the raw plates
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EC50Record:
    """pSTAT5 EC50 of one cell type at one stimulation time, fitted to the raw plates.

    Attributes
    ----------
    cell, cytokine, time_h
        What was measured (library cell name; ``"IL-2"`` or ``"IL-15"``; hours).
    fit
        Both replicates fitted together (shared EC50 and Hill coefficient).
    replicate_fits
        Each replicate fitted on its own, in replicate order (one entry where only
        replicate 1 exists).
    source
        BibTeX key of the publication (:cite:alp:`farhat2021`).
    dataset
        Repository and path of the raw data (:data:`PSTAT_SOURCE`).
    """

    cell: str
    cytokine: str
    time_h: float
    fit: HillFit
    replicate_fits: tuple[HillFit, ...]
    source: str = PSTAT_SOURCE.key
    dataset: DataSource = PSTAT_SOURCE

    @property
    def ec50_pM(self) -> float:
        """EC50 of the joint fit (pM)."""
        return self.fit.ec50_pM

    @property
    def hill(self) -> float:
        """Hill coefficient of the joint fit."""
        return self.fit.hill

    @property
    def replicate_ec50_pM(self) -> tuple[float, ...]:
        """EC50 of each replicate fitted alone (pM)."""
        return tuple(f.ec50_pM for f in self.replicate_fits)

    @property
    def ec50_range_pM(self) -> tuple[float, float]:
        """Lowest and highest replicate EC50 (pM): the spread between experiments."""
        e = self.replicate_ec50_pM
        return (min(e), max(e))

    @property
    def well_constrained(self) -> bool:
        """The joint fit and every replicate fit are well constrained (:class:`HillFit`)."""
        return self.fit.well_constrained and all(f.well_constrained for f in self.replicate_fits)


@lru_cache(maxsize=None)
def _measured_ec50(cell: str, time_h: float, cytokine: str) -> EC50Record:
    data = pstat_data()
    i, k, t = data.index(cell, time_h, cytokine)
    reps = data.measured_replicates(cell)
    curves = np.stack([data.signal[i, k, t, data.replicates.index(r)] for r in reps])
    conc = data.concentrations_pM
    return EC50Record(
        cell=cell, cytokine=cytokine, time_h=time_h,
        fit=fit_hill(conc, curves),
        replicate_fits=tuple(fit_hill(conc, row) for row in curves),
    )


def measured_ec50(cell: str, time_h: float, cytokine: str = "IL-2") -> EC50Record:
    """pSTAT5 EC50 of ``cell`` after ``time_h`` hours of ``cytokine``, from the raw plates.

    Parameters
    ----------
    cell
        A name of :data:`PSTAT_CELL_TYPES` (``"Treg"``, ``"CD4"``, ``"CD8"``, ``"NK"``, the naive
        and memory subsets) or the data file's label (``"T-reg"``, ``"T-helper"``, ``"CD8+"``).
    time_h
        0.5, 1, 2 or 4 (h).
    cytokine
        ``"IL-2"`` or ``"IL-15"``.

    Raises
    ------
    ValueError
        For an unknown cell or cytokine, or a time that was not measured.
    """
    c = _cell_name("cell", cell, PSTAT_CELL_TYPES)
    k = check_choice("cytokine", cytokine, CYTOKINES)
    return _measured_ec50(c, _time(time_h), k)


def measured_ec50_table(times_h: tuple[float, ...] = (0.5, 1.0),
                        cells: tuple[str, ...] = BLOOD_CELLS,
                        cytokine: str = "IL-2") -> tuple[EC50Record, ...]:
    """EC50 records for every ``cell`` at every time in ``times_h`` (cell-major order).

    The default is the table of the mechanism chapter: IL-2 on Treg, CD4, CD8 and NK cells at
    30 min and 1 h.
    """
    if isinstance(times_h, (int, float)) or isinstance(cells, str):
        raise ValueError("times_h and cells must be sequences (e.g. (0.5, 1.0) and ('Treg',))")
    if len(times_h) == 0 or len(cells) == 0:
        raise ValueError("times_h and cells must not be empty")
    return tuple(measured_ec50(c, t, cytokine) for c in cells for t in times_h)


def blood_cell_ec50s(time_h: float = 0.5) -> Mapping[str, EC50Record]:
    """IL-2 EC50 records of Treg, CD4, CD8 and NK at ``time_h``, keyed by cell (read-only)."""
    t = _time(time_h)
    return MappingProxyType({c: measured_ec50(c, t) for c in BLOOD_CELLS})


# ---------------------------------------------------------------------------------------------
# Receptor counts
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptorCountRecord:
    """Surface receptors per cell of one population: geometric mean of the replicates.

    Attributes
    ----------
    cell
        Library name (:data:`PSTAT_CELL_TYPES`).
    cd25, cd122, cd132, il15ra, il7ra
        Geometric means (receptors per cell; 0 if any replicate is 0, as for IL-15Rα).
    replicates
        ``(receptor, values)`` pairs with every replicate measurement.
    source, dataset
        :cite:t:`farhat2021` and :data:`RECEPTOR_SOURCE`.
    """

    cell: str
    cd25: float
    cd122: float
    cd132: float
    il15ra: float
    il7ra: float
    replicates: tuple[tuple[str, tuple[float, ...]], ...] = field(repr=False)
    source: str = RECEPTOR_SOURCE.key
    dataset: DataSource = RECEPTOR_SOURCE

    def values(self, receptor: str) -> tuple[float, ...]:
        """The replicate measurements of ``receptor`` (``"cd25"``, ``"cd122"``, ...)."""
        d = dict(self.replicates)
        return d[check_choice("receptor", receptor, tuple(d))]


def _geomean(v: list[float]) -> float:
    a = np.asarray(v, dtype=float)
    if np.any(a <= 0.0):
        return 0.0
    return float(np.exp(np.mean(np.log(a))))


@lru_cache(maxsize=1)
def _receptor_table() -> Mapping[str, ReceptorCountRecord]:
    rows = csv.DictReader(io.StringIO(_read_text(RECEPTOR_SOURCE.vendored_as)))
    raw: dict[str, dict[str, list[float]]] = {}
    for row in rows:
        label = row["Cell Type"].strip()
        if label not in _FROM_LABEL:
            continue
        rec = _RECEPTOR_LABEL[row["Receptor"].strip()]
        raw.setdefault(_FROM_LABEL[label], {}).setdefault(rec, []).append(float(row["Count"]))
    out = {}
    for cell, d in raw.items():
        out[cell] = ReceptorCountRecord(
            cell=cell, **{r: _geomean(d[r]) for r in ("cd25", "cd122", "cd132", "il15ra", "il7ra")},
            replicates=tuple((r, tuple(v)) for r, v in d.items()),
        )
    return MappingProxyType(out)


def receptor_counts(cell: str) -> ReceptorCountRecord:
    """Receptor counts of ``cell`` (geometric means of the replicates of :cite:alp:`farhat2021`).

    ``cell`` is a name of :data:`PSTAT_CELL_TYPES` or the file's label; anything else raises
    ``ValueError``.
    """
    return _receptor_table()[_cell_name("cell", cell, PSTAT_CELL_TYPES)]


# ---------------------------------------------------------------------------------------------
# Mutein EC50s (gc-valent) and affinities (type-I-ckine-model): cited records, not files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LigandEC50Record:
    """A pSTAT5 EC50 of one ligand on one cell type, as published in ``gc-valent``'s EC50 table.

    Attributes
    ----------
    ligand
        The table's ligand label, e.g. ``"IL2 (Mono)"``, ``"R38Q N-term (Biv)"``.
    cell
        Library-style cell name: ``"CD8"``, ``"NK"``, ``"CD56bright NK"``, ``"CD4"``,
        ``"CD4 CD25hi"``, ``"CD4 CD25lo"``, ``"Treg"``, ``"Treg CD25hi"``, ``"Treg CD25lo"``.
    column
        The table's column label for that cell type.
    ec50_nM
        The number as published (nM).
    source, dataset
        :cite:t:`orcuttjahns2021` and :data:`GC_VALENT_SOURCE`.
    """

    ligand: str
    cell: str
    column: str
    ec50_nM: float
    source: str = GC_VALENT_SOURCE.key
    dataset: DataSource = GC_VALENT_SOURCE

    @property
    def ec50_pM(self) -> float:
        """EC50 in the library's unit (pM)."""
        return self.ec50_nM * _PM_PER_NM

    @property
    def mutation(self) -> str:
        """``"WT"``, a mutation such as ``"R38Q/H16N"``, or ``"none"`` for the plain cytokines."""
        head = self.ligand.split(" (")[0]
        return "none" if head in ("IL2", "IL15") else head.split(" ")[0]

    @property
    def fc_fusion(self) -> str:
        """``"N-term"``, ``"C-term"``, ``"unstated"`` (R38Q/H16N) or ``"none"`` (IL2, IL15)."""
        low = self.ligand.lower()
        if "n-term" in low:
            return "N-term"
        if "c-term" in low:
            return "C-term"
        return "none" if self.mutation == "none" else "unstated"

    @property
    def valency(self) -> int:
        """1 for ``(Mono)``, 2 for ``(Biv)``."""
        return 2 if self.ligand.endswith("(Biv)") else 1

    @property
    def at_fit_floor(self) -> bool:
        """True where the published value sits on 0.01 nM, apparently the lower bound of
        the authors' fit. Such a value only bounds the EC50 from above."""
        return abs(self.ec50_nM - 0.01) < 1e-9


_GC_VALENT_COLUMNS = (
    ("CD8", "CD8"), ("NK", "NK"), ("NKBright", "CD56bright NK"), ("Thelper", "CD4"),
    ("Thelper $IL2Ra^{hi}$", "CD4 CD25hi"), ("Thelper $IL2Ra^{lo}$", "CD4 CD25lo"),
    ("Treg", "Treg"), ("Treg $IL2Ra^{hi}$", "Treg CD25hi"), ("Treg $IL2Ra^{lo}$", "Treg CD25lo"),
)
# EC50_DF.csv as published (nM); None = "N/A" in the file. Columns in _GC_VALENT_COLUMNS order.
_GC_VALENT_TABLE: tuple[tuple[str, tuple[float | None, ...]], ...] = (
    ("F42Q N-Term (Mono)", (None, 22.379377147789697, None, None, None, None,
                            65.81389351566328, 49.34828194838596, None)),
    ("H16N N-term (Biv)", (None, None, None, 0.3097867975005456, 0.20231620834944072, None,
                           0.05519881666656063, 0.03141606482474687, 0.08435465934811011)),
    ("H16N N-term (Mono)", (32.526043320763165, 11.033713692439282, 0.6426965951445243, None,
                            None, None, None, None, 58.830982709948664)),
    ("IL15 (Mono)", (1.248881944081972, 0.7960121617170788, 0.7732842779105884,
                     1.382355315262763, 1.3138554680657042, 1.3565489541954234,
                     0.8794723712789283, 0.7031282789861217, 1.1596884617748984)),
    ("IL2 (Mono)", (2.458688406419583, 1.6705730246049766, 0.5356420473908106,
                    0.37380361603902934, 0.2720317550452667, 0.6997893915584129,
                    0.02724206040424255, 0.013041967068568678, 0.046247689888183785)),
    ("N88D C-term (Mono)", (None, None, 91.67659374842688, None, None, None,
                            59.16267434432561, 37.05778215373721, None)),
    ("R38Q N-term (Biv)", (29.036270686019172, 11.709425368441465, 7.930099954904054,
                           10.190203691656615, 3.2770900822512257, 16.667503367058135,
                           0.046425787720644734, 0.01365888262008706, 0.17931964181111967)),
    ("R38Q N-term (Mono)", (None, None, 93.95985158885559, None, None, None,
                            17.12312097703531, 4.91753511556746, 24.26392577600699)),
    ("R38Q/H16N (Biv)", (None, None, 11.18499387939252, None, None, None,
                         0.3074257008643632, 0.07008009788878679, 1.6259690250154895)),
    ("V91K C-term (Mono)", (None, None, 0.01000000000062844, 85.39313154815794, None, None,
                            12.90418090205905, 9.486203867582597, None)),
    ("WT C-term (Mono)", (None, None, None, None, 37.308346026505134, None, None, None, None)),
    ("WT N-term (Biv)", (None, 13.34255006268476, None, 2.7456446252703492,
                         0.10746930872858872, None, 0.021757103665195492,
                         0.01000000000000001, 0.042160371415912445)),
    ("WT N-term (Mono)", (None, None, 1.219370414086291, 22.63772107325721, 2.432556807934332,
                          None, 0.2962873047329646, 0.12671880998373408, 0.7293972958166304)),
)

#: Every number of ``gc-valent``'s EC50 table (:cite:alp:`orcuttjahns2021`) as a record; N/A omitted.
LIGAND_EC50_RECORDS: tuple[LigandEC50Record, ...] = tuple(
    LigandEC50Record(ligand=lig, cell=cell, column=col, ec50_nM=v)
    for lig, vals in _GC_VALENT_TABLE
    for (col, cell), v in zip(_GC_VALENT_COLUMNS, vals)
    if v is not None
)
_LIGANDS = tuple(lig for lig, _ in _GC_VALENT_TABLE)
_LIGAND_CELLS = tuple(cell for _, cell in _GC_VALENT_COLUMNS)


def ligand_ec50(ligand: str, cell: str) -> LigandEC50Record:
    """The published EC50 record of ``ligand`` on ``cell`` (``gc-valent`` table).

    Example: ``ligand_ec50("IL2 (Mono)", "CD56bright NK").ec50_pM`` is about 536 pM.

    Raises
    ------
    ValueError
        For an unknown ligand or cell, or a pair the table marks N/A.
    """
    lig = check_choice("ligand", ligand, _LIGANDS)
    c = check_choice("cell", cell, _LIGAND_CELLS)
    for rec in LIGAND_EC50_RECORDS:
        if rec.ligand == lig and rec.cell == c:
            return rec
    raise ValueError(f"no EC50 for ligand {lig!r} on cell {c!r}: the table gives N/A")


def ligand_ec50s(ligand: str = "IL2 (Mono)") -> Mapping[str, LigandEC50Record]:
    """All published EC50 records of ``ligand``, keyed by cell (read-only)."""
    lig = check_choice("ligand", ligand, _LIGANDS)
    return MappingProxyType({r.cell: r for r in LIGAND_EC50_RECORDS if r.ligand == lig})


@dataclass(frozen=True)
class MuteinAffinity:
    """Dissociation constants of one construct for CD25 and for the CD122/γc heterodimer.

    Attributes
    ----------
    construct
        The table's label, e.g. ``"WT N-term"``, ``"V91K C-term"``, ``"IL2"``.
    cd25_kd_nM
        Kd for IL-2Rα (CD25), nM (column ``IL2RaKD``).
    cd122_gc_kd_nM
        Kd for IL-2Rβ/γc (CD122/CD132), nM (column ``IL2RBGKD``).
    measured
        True for the monomeric Fc fusions. The authors measured these by bio-layer
        interferometry (Octet): CD25 from equilibrium binding, CD122/γc from 1:1 kinetic fits,
        four replicates over two days. False for rows whose origin the table does not state
        (``IL2``, ``IL15``) or that repeat other rows (``R38Q/H16N``).
    note
        What a reader should know about the row.
    source, dataset
        :cite:t:`orcuttjahns2021` and :data:`MUTEIN_AFFINITY_SOURCE`.
    """

    construct: str
    cd25_kd_nM: float
    cd122_gc_kd_nM: float
    measured: bool
    note: str = ""
    source: str = MUTEIN_AFFINITY_SOURCE.key
    dataset: DataSource = MUTEIN_AFFINITY_SOURCE

    @property
    def fc_fusion(self) -> str:
        """``"N-term"``, ``"C-term"`` or ``"none"``."""
        low = self.construct.lower()
        return "N-term" if "n-term" in low else "C-term" if "c-term" in low else "none"


_BLI = "monomeric IL-2-Fc fusion; bio-layer interferometry"
#: ``WTmutAffData.csv`` of ``type-I-ckine-model`` (:cite:alp:`orcuttjahns2021`), row by row.
MUTEIN_AFFINITIES: tuple[MuteinAffinity, ...] = (
    MuteinAffinity("WT N-term", 0.19, 5.296, True, _BLI),
    MuteinAffinity("WT C-term", 0.54, 3.043, True, _BLI),
    MuteinAffinity("V91K C-term", 0.69, 7.5586, True, _BLI),
    MuteinAffinity("R38Q N-term", 0.71, 3.9949, True, _BLI),
    MuteinAffinity("F42Q N-Term", 9.48, 2.815, True, _BLI),
    MuteinAffinity("N88D C-term", 1.01, 24.0166, True, _BLI),
    MuteinAffinity("H16N N-term", 0.43, 22.35, True, _BLI),
    MuteinAffinity("IL2", 10.0, 0.133, False,
                   "unfused IL-2 as the authors' model enters it; the table does not say where "
                   "the numbers come from, so they are not treated as a measurement"),
    MuteinAffinity("IL15", 10000.0, 438.0, False,
                   "IL-15 as the authors' model enters it; the table does not say where the "
                   "numbers come from, so they are not treated as a measurement"),
    MuteinAffinity("R38Q/H16N", 0.71, 22.35, False,
                   "the two numbers equal R38Q's CD25 Kd and H16N's CD122/γc Kd: assigned from "
                   "the single mutants, not measured on the double mutant"),
)
_CONSTRUCTS = tuple(m.construct for m in MUTEIN_AFFINITIES)


def mutein_affinity(construct: str) -> MuteinAffinity:
    """The affinity record of ``construct`` (a label of :data:`MUTEIN_AFFINITIES`)."""
    c = check_choice("construct", construct, _CONSTRUCTS)
    return MUTEIN_AFFINITIES[_CONSTRUCTS.index(c)]


# ---------------------------------------------------------------------------------------------
# Receptor counts of single cells binned by CD25 (gc-valent): cited records, not a file
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceptorBinRecord:
    """Mean receptor count of the cells in one CD25 bin of one population (``gc-valent``).

    The authors converted the flow-cytometry signal of each single cell to receptors per cell
    with calibration beads, split the cells of a population into ``n_bins`` bins spaced evenly
    in log CD25 between the 5th and the 95th percentile of its CD25 counts, and averaged each
    receptor over the cells of a bin.

    Attributes
    ----------
    cell
        Library name: ``"Treg"`` or ``"CD4"`` (the file's ``Treg`` and ``Thelper``).
    receptor
        ``"cd25"`` or ``"cd122"`` (the file's ``IL2Ra`` and ``IL2Rb``).
    bin
        1 (lowest CD25) to ``n_bins`` (highest).
    mean
        Mean receptors per cell in the bin, as published.
    n_bins
        Number of bins (3).
    source, dataset
        ``orcuttjahns2021`` and :data:`il2.measurements.RECEPTOR_BIN_SOURCE`.
    """

    cell: str
    receptor: str
    bin: int
    mean: float
    n_bins: int = 3
    source: str = RECEPTOR_BIN_SOURCE.key
    dataset: DataSource = RECEPTOR_BIN_SOURCE


# BinnedReceptorData.csv as published: (file cell label, library name, receptor, bin means 1-3).
_RECEPTOR_BIN_TABLE: tuple[tuple[str, str, str, tuple[float, float, float]], ...] = (
    ("Treg", "Treg", "cd25", (714.6364885135068, 2160.6703630295947, 5745.72246052029)),
    ("Treg", "Treg", "cd122", (2271.715589643082, 2288.9267876546296, 2459.494878679102)),
    ("Thelper", "CD4", "cd25", (67.31259012350377, 266.8469944062562, 961.2216773467678)),
    ("Thelper", "CD4", "cd122", (2877.9108461865576, 2604.618024190643, 2554.454180350525)),
)

#: Every number of ``gc-valent``'s binned receptor table (:cite:`orcuttjahns2021`) as a record.
RECEPTOR_BIN_RECORDS: tuple[ReceptorBinRecord, ...] = tuple(
    ReceptorBinRecord(cell=cell, receptor=rec, bin=i + 1, mean=v)
    for _, cell, rec, means in _RECEPTOR_BIN_TABLE
    for i, v in enumerate(means)
)
_BIN_CELLS: tuple[str, ...] = ("Treg", "CD4")


def cd25_bins(cell: str, receptor: str = "cd25") -> tuple[ReceptorBinRecord, ...]:
    """The bin records of ``receptor`` (``"cd25"`` or ``"cd122"``) on ``cell`` (``"Treg"`` or
    ``"CD4"``), from the lowest CD25 bin to the highest (:cite:`orcuttjahns2021`)."""
    c = check_choice("cell", cell, _BIN_CELLS)
    r = check_choice("receptor", receptor, ("cd25", "cd122"))
    return tuple(sorted((b for b in RECEPTOR_BIN_RECORDS if b.cell == c and b.receptor == r),
                        key=lambda b: b.bin))


def cd25_low_bin(cell: str = "CD4") -> ReceptorBinRecord:
    r"""The CD25 record of the lowest CD25 bin of ``cell``: the typical resting cell.

    For conventional CD4 T cells this is the library's CD25 count
    (``il2.binding.ReceptorCounts.cd4_cd25``), about 67 per cell. The per-replicate count of
    :cite:`farhat2021` (about 330) is a mean over all helpers, pulled up by CD25-high cells
    (highest bin: about 960). Of the measured counts, the low bin is the one with which the
    model's helper EC50 lies within a factor of two of the raw pSTAT5 data at 30 min and 1 h;
    with the mean the model's helpers respond at 2- to 6-fold lower IL-2 than measured. The
    choice reads the plates' response (a median over the cells) as that of helpers with little
    CD25; the binned table does not say how many cells each bin holds, so it suggests this
    rather than proves it.
    """
    return cd25_bins(cell, "cd25")[0]

