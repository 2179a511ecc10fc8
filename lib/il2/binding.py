r"""IL-2 receptor binding: assembly of the three receptor chains, equilibrium, kinetics, trafficking.

The IL-2 receptor is built from three chains that float separately in the membrane:
IL-2Rα (CD25), IL-2Rβ (CD122) and the common gamma chain γc (CD132). IL-2 first binds one of
the two private chains from solution (CD25 with :math:`K_\alpha \approx 10` nM, CD122 with
:math:`K_\beta \approx 144` nM; :cite:alp:`rickert2004`), and the bound complex then recruits the
other chains within the membrane, each step with its own two-dimensional dissociation constant
(receptors per cell). This follows the model of :cite:t:`farhat2021`, whose three recruitment
constants start from the values measured in solution by :cite:t:`rickert2004` (63, 1.5 and 12 nM)
and are converted to the membrane by one factor fitted to cell data. The first of them (IL-2·CD25
recruiting CD122, :data:`SOLUTION_KD3D_ALPHA_BETA_NM` in solution) is calibrated tighter, so that
the high-affinity receptor releases IL-2 over hours as measured (:cite:alp:`wang1987`,
:cite:alp:`lowenthal1987`; ``BindingParameters.kd3d_alpha_beta_nM``).

The classic "intermediate-affinity" (βγ, about 1 nM) and "high-affinity" (αβγ, about 10 pM)
receptors are therefore *not* parameters here: they emerge from the monomeric steps and the
receptor counts of a cell (:func:`apparent_kd_pM`).

Species on the cell surface (molecules per cell) and their equilibrium relations, with free
IL-2 :math:`L` (pM) and free chains :math:`A` (CD25), :math:`B` (CD122), :math:`G` (CD132):

.. math::

    C_{\alpha} = \frac{L A}{K_\alpha}, \quad
    C_{\beta} = \frac{L B}{K_\beta}, \quad
    C_{\alpha\beta} = \frac{C_\alpha B}{K^{2D}_{\alpha\cdot\beta}}, \quad
    C_{\beta\gamma} = \frac{C_\beta G}{K^{2D}_{\beta\cdot\gamma}}, \quad
    C_{\alpha\beta\gamma} = \frac{C_{\alpha\beta} G}{K^{2D}_{\alpha\beta\cdot\gamma}}

with the three chains conserved. Only complexes holding both CD122 (JAK1) and CD132 (JAK3)
signal: :math:`S = C_{\beta\gamma} + C_{\alpha\beta\gamma}`.

The built-in cell types are made from the receptor counts (:func:`built_in_cells`), so a
changed :class:`ReceptorCounts` gives changed cells; :class:`il2.receptors.ReceptorModel`
carries the counts together with these binding constants through every layer of the library.
Trafficking over days lives in :mod:`il2.trafficking`; this module uses its internalisation
rates for the IL-2 uptake of a cell (:func:`internalization_rate`).

Units follow :mod:`il2.units`: hours, pM, molecules per cell.
Imports: :mod:`il2.validation`, :mod:`il2.registry`, :mod:`il2.units`, :mod:`il2.trafficking`,
:mod:`il2.measurements` (the measured receptor counts behind :class:`ReceptorCounts`).
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.measurements import cd25_low_bin
from il2.registry import CitedParameters, cited, register
from il2.trafficking import TraffickingParameters
from il2.units import AVOGADRO_PER_MOL, per_molar_second_to_per_pM_hour
from il2.validation import SolverError, check_array, check_choice, check_scalar

__all__ = [
    "BindingParameters",
    "ReceptorCounts",
    "CellType",
    "CELL_NAMES",
    "CELL_TYPES",
    "MAX_IL2_PM",
    "BindingEquilibrium",
    "BindingKinetics",
    "SOLUTION_KD3D_ALPHA_BETA_NM",
    "built_in_cells",
    "equilibrium",
    "apparent_kd_pM",
    "internalization_rate",
    "signaling_complexes",
    "kinetics",
    "cell_type",
]

#: Highest IL-2 concentration (pM) any binding function accepts: 1 mM, far above any dose.
MAX_IL2_PM: float = 1e9

#: Solution constant of IL-2·CD25 recruiting CD122 (nM) measured by :cite:t:`rickert2004` and used
#: by :cite:t:`farhat2021` (their k11). The model's default, ``BindingParameters.kd3d_alpha_beta_nM``,
#: is calibrated tighter so that the high-affinity receptor releases IL-2 over hours
#: (:cite:alp:`wang1987`, :cite:alp:`lowenthal1987`); this value is kept for comparison.
SOLUTION_KD3D_ALPHA_BETA_NM: float = 63.0

#: CD25 of the CD25-low bin of conventional CD4 T cells (:cite:`orcuttjahns2021`), the default
#: ``ReceptorCounts.cd4_cd25``.
_CD4_CD25_LOW_BIN = cd25_low_bin("CD4")

_PICO = 1e-12
#: molecules of IL-2 per cell that make 1 pM at a density of 1 cell per litre (N_A x 1e-12)
_MOLECULES_PER_PM_LITRE = AVOGADRO_PER_MOL * _PICO


# ----------------------------------------------------------------------------------------
# Parameters
# ----------------------------------------------------------------------------------------


@register("Receptor binding")
@dataclass(frozen=True)
class BindingParameters(CitedParameters):
    """Binding constants of IL-2 to its receptor chains and of the chains to each other.

    The membrane recruitment constants are the solution values of :cite:t:`rickert2004`
    multiplied by one conversion factor, as in :cite:t:`farhat2021`. The properties
    ``kd2d_*`` give the membrane constants in receptors per cell.
    """

    kd_alpha_pM: float = cited(
        10_000.0, "pM", "IL-2 / CD25 (IL-2Rα) dissociation constant", "rickert2004,farhat2021",
        low=0, low_open=True,
        note="model value used by Farhat et al.; 37 nM by surface plasmon resonance (myszka1996)",
    )
    kd_beta_pM: float = cited(
        144_000.0, "pM", "IL-2 / CD122 (IL-2Rβ) dissociation constant", "rickert2004,farhat2021",
        low=0, low_open=True,
        note="model value used by Farhat et al.; 480 nM by surface plasmon resonance (myszka1996)",
    )
    kd3d_alpha_beta_nM: float = cited(
        9.0, "nM", "IL-2·CD25 complex recruiting CD122 (solution-equivalent constant)",
        "wang1987,lowenthal1987,farhat2021,goldstein1992", low=0, low_open=True,
        note=(
            "calibrated: Farhat et al. set this step (their k11) to 63 nM from Rickert's solution"
            " data; 7-fold tighter makes the high-affinity receptor release IL-2 with a half-time"
            " of about 2 h (koff about 1e-4 /s, Wang and Smith 1987; 270-300 min, Lowenthal and"
            " Greene 1987) instead of 20 min, while keeping its fast capture by CD25. It also"
            " brings the Treg pSTAT5 EC50 to the measured 30-min and 1-h values (Farhat data)."
            " A tighter membrane step is what CD25-CD122 contact before IL-2 binds would give"
            " (Goldstein et al. 1992); the model does not represent that pre-association itself"
        ),
    )
    kd3d_beta_gamma_nM: float = cited(
        1.5, "nM", "IL-2·CD122 complex recruiting CD132 (solution constant)",
        "rickert2004,farhat2021", low=0, low_open=True,
        note="Farhat et al. rate k5, set from Rickert et al.",
    )
    kd3d_alphabeta_gamma_nM: float = cited(
        12.0, "nM", "IL-2·CD25·CD122 complex recruiting CD132 (solution constant)",
        "rickert2004,farhat2021", low=0, low_open=True,
        note="Farhat et al. rate k10, set from Rickert et al.",
    )
    membrane_factor_per_cell_per_nM: float = cited(
        18.4, "receptors/cell per nM",
        "Conversion of a solution dissociation constant to the membrane (receptors per cell)",
        "farhat2021", low=0, low_open=True,
        note=(
            "Farhat et al. fit one membrane forward rate kfwd and the reverse rate k5 and scale the"
            " other recruitment steps by Rickert's ratios, so every membrane constant is the solution"
            " constant times k5rev/(1.5 nM kfwd). Posterior values in their published fit"
            " (k5rev about 0.08 /min, kfwd about 0.0029 cell/min per receptor) give 28 receptors per"
            " cell for the IL-2·CD122 + CD132 step, i.e. 18.4 per nM"
        ),
    )
    kon_per_M_s: float = cited(
        1e7, "1/(M s)", "Association rate of IL-2 with CD25 (IL-2Rα)", "farhat2021,wang1987",
        low=0, low_open=True,
        note=(
            "Farhat et al. assume 1e7 for ligand binding; Wang and Smith measured about 1e7 for"
            " the high-affinity receptor, whose fast capture CD25 provides"
        ),
    )
    kon_beta_per_M_s: float = cited(
        1.2e5, "1/(M s)", "Association rate of IL-2 with CD122 (IL-2Rβ)", "lowenthal1987,wang1987",
        low=0, low_open=True,
        note=(
            "chosen so that the intermediate-affinity receptor of the model binds and releases IL-2"
            " with the half-times measured on cells (association 40-50 min, dissociation 200-400"
            " min; Lowenthal and Greene 1987); the affinity of IL-2 for CD122 alone is unchanged"
        ),
    )
    kfwd_cell_per_h: float = cited(
        0.174, "cell/(receptor h)", "Forward rate of recruiting a receptor chain within the membrane",
        "farhat2021", low=0, low_open=True,
        note="posterior median 0.0029 cell/(receptor min) of Farhat et al.'s fit, times 60",
    )

    # -- derived constants ---------------------------------------------------------------
    @property
    def kd2d_alpha_beta(self) -> float:
        """Membrane constant, IL-2·CD25 + CD122 (receptors per cell)."""
        return self.kd3d_alpha_beta_nM * self.membrane_factor_per_cell_per_nM

    @property
    def kd2d_beta_gamma(self) -> float:
        """Membrane constant, IL-2·CD122 + CD132 (receptors per cell)."""
        return self.kd3d_beta_gamma_nM * self.membrane_factor_per_cell_per_nM

    @property
    def kd2d_alphabeta_gamma(self) -> float:
        """Membrane constant, IL-2·CD25·CD122 + CD132 (receptors per cell)."""
        return self.kd3d_alphabeta_gamma_nM * self.membrane_factor_per_cell_per_nM

    @property
    def kon_per_pM_h(self) -> float:
        """Ligand association rate in the library's units, 1/(pM h)."""
        return float(per_molar_second_to_per_pM_hour(self.kon_per_M_s))

    @property
    def kon_beta_per_pM_h(self) -> float:
        """Association rate of IL-2 with CD122 in the library's units, 1/(pM h)."""
        return float(per_molar_second_to_per_pM_hour(self.kon_beta_per_M_s))


@register("Receptor counts of the built-in cell types")
@dataclass(frozen=True)
class ReceptorCounts(CitedParameters):
    """Receptors per cell of the built-in cell types (:data:`CELL_TYPES`).

    Resting human blood cells: geometric means of four replicate flow-cytometry measurements
    (antibody binding capacity) published with :cite:t:`farhat2021`, except the CD25 of
    conventional CD4 T cells, which is the mean of their CD25-low bin of single cells
    (:cite:t:`orcuttjahns2021`, :func:`il2.measurements.cd25_low_bin`).
    """

    treg_cd25: float = cited(3476.0, "receptors/cell", "CD25 on regulatory T cells", "farhat2021", low=0)
    treg_cd122: float = cited(657.0, "receptors/cell", "CD122 on regulatory T cells", "farhat2021", low=0)
    treg_cd132: float = cited(14017.0, "receptors/cell", "CD132 on regulatory T cells", "farhat2021", low=0)
    cd4_cd25: float = cited(
        float(round(_CD4_CD25_LOW_BIN.mean)), "receptors/cell", "CD25 on conventional CD4 T cells",
        "orcuttjahns2021,farhat2021", low=0,
        note=(
            "chosen among measured counts: the mean CD25 of the lowest of three CD25 bins (evenly"
            " spaced in log CD25) of single helper cells in the Meyer-lab data (gc-valent,"
            " BinnedReceptorData.csv; il2.measurements.cd25_low_bin). The replicate means of"
            " Farhat et al. (about 330) are pulled up by CD25-high cells (highest bin: about 960);"
            " with 330 the model's helpers responded at 2- to 6-fold lower IL-2 than the raw"
            " pSTAT5 data (30-min EC50 0.31 nM against 1.8 nM), with the low-bin value the model's"
            " EC50 lies within a factor of 2 of the data at 30 min and 1 h"
        ),
    )
    cd4_cd122: float = cited(158.0, "receptors/cell", "CD122 on conventional CD4 T cells", "farhat2021", low=0)
    cd4_cd132: float = cited(13326.0, "receptors/cell", "CD132 on conventional CD4 T cells", "farhat2021", low=0)
    cd8_cd25: float = cited(22.0, "receptors/cell", "CD25 on CD8 T cells", "farhat2021", low=0)
    cd8_cd122: float = cited(511.0, "receptors/cell", "CD122 on CD8 T cells", "farhat2021", low=0)
    cd8_cd132: float = cited(12407.0, "receptors/cell", "CD132 on CD8 T cells", "farhat2021", low=0)
    nk_cd25: float = cited(22.0, "receptors/cell", "CD25 on NK cells", "farhat2021", low=0)
    nk_cd122: float = cited(8503.0, "receptors/cell", "CD122 on NK cells", "farhat2021", low=0)
    nk_cd132: float = cited(7643.0, "receptors/cell", "CD132 on NK cells", "farhat2021", low=0)
    nk_bright_cd25: float = cited(
        1_200.0, "receptors/cell", "CD25 on CD56bright (CD16-negative) NK cells", "nagler1990,caligiuri1990",
        low=0,
        note=(
            "taken as the about 1,200 high-affinity sites (Kd about 25 pM) that Scatchard analysis "
            "found on CD16- NK cells (Nagler et al. 1990): each high-affinity site holds one CD25. "
            "With it the model gives an apparent Kd of about 36 pM and a 30-min pSTAT5 EC50 about "
            "3-fold below that of bulk NK cells, as in the Meyer-lab data (gc-valent)"
        ),
    )
    nk_bright_cd122: float = cited(
        10_800.0, "receptors/cell", "CD122 on CD56bright (CD16-negative) NK cells", "nagler1990", low=0,
        note="the about 1,200 high-affinity plus 9,600 intermediate-affinity sites of Nagler et al. "
             "1990, each holding one CD122",
    )
    nk_bright_cd132: float = cited(
        7643.0, "receptors/cell", "CD132 on CD56bright NK cells", "farhat2021", low=0,
        note="not measured for the subset: taken as on bulk NK cells (Farhat et al.)",
    )
    activated_cd25: float = cited(
        6_000.0, "receptors/cell", "CD25 on an activated T cell blast", "robb1981,robb1984,saito1988",
        low=0,
        note=(
            "chosen: blasts carry several times more CD25 (Tac) than high-affinity sites (Robb et"
            " al. 1984), and extra CD25 speeds capture of IL-2 (Saito et al. 1988). 6000"
            " gives an apparent Kd of 4 pM, near the 5-25 pM that Robb et al. 1981 measured on"
            " blasts; 1e4 or more CD25 would put it at 2.5 pM or below"
        ),
    )
    activated_cd122: float = cited(
        1_500.0, "receptors/cell", "CD122 on an activated T cell blast", "smith1988,cantrell1984",
        low=0,
        note=(
            "chosen so that the blast carries of the order of 1e3 high-affinity receptors, the"
            " number Smith's group measured on IL-2-responsive T cells; about three times the"
            " resting CD8 value of Farhat et al."
        ),
    )
    activated_cd132: float = cited(
        14_000.0, "receptors/cell", "CD132 on an activated T cell blast", "farhat2021", low=0,
        note="taken as on resting T cells (Farhat et al.), which already carry an excess of CD132",
    )


# ----------------------------------------------------------------------------------------
# Cell types
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellType:
    """A cell described by its IL-2 receptor chains (receptors per cell).

    Parameters
    ----------
    name
        Label (the built-in names match :data:`il2.plotting.CELL_COLORS`).
    cd25, cd122, cd132
        IL-2Rα, IL-2Rβ and γc per cell; each finite and ``>= 0``.
    """

    name: str
    cd25: float
    cd122: float
    cd132: float

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"name must be a non-empty string; got {self.name!r}")
        for field_name in ("cd25", "cd122", "cd132"):
            value = check_scalar(field_name, getattr(self, field_name), 0.0)
            object.__setattr__(self, field_name, value)

    def with_cd25(self, cd25: float) -> "CellType":
        """A copy of this cell with ``cd25`` receptors of IL-2Rα per cell."""
        return dataclasses.replace(self, cd25=check_scalar("cd25", cd25, 0.0))


#: Names of the built-in cell types, in the order figures draw them. ``"NK"`` is the bulk NK
#: population of blood, mostly CD56dim cells; ``"CD56bright NK"`` the minor subset that carries the
#: high-affinity receptor constitutively (:cite:alp:`nagler1990`, :cite:alp:`caligiuri1990`).
CELL_NAMES: tuple[str, ...] = ("Treg", "CD4", "CD8", "NK", "CD56bright NK", "activated T")


def built_in_cells(counts: ReceptorCounts = ReceptorCounts()) -> Mapping[str, CellType]:
    """The built-in cell types made from ``counts`` (read-only mapping keyed by :data:`CELL_NAMES`).

    Resting Treg, conventional CD4, CD8 and NK cells of human blood (:cite:alp:`farhat2021`) and an
    activated T cell blast with high CD25 (:cite:alp:`robb1981`).
    """
    if not isinstance(counts, ReceptorCounts):
        raise ValueError(f"counts must be a ReceptorCounts; got {type(counts).__name__}")
    c = counts
    return MappingProxyType({
        "Treg": CellType("Treg", c.treg_cd25, c.treg_cd122, c.treg_cd132),
        "CD4": CellType("CD4", c.cd4_cd25, c.cd4_cd122, c.cd4_cd132),
        "CD8": CellType("CD8", c.cd8_cd25, c.cd8_cd122, c.cd8_cd132),
        "NK": CellType("NK", c.nk_cd25, c.nk_cd122, c.nk_cd132),
        "CD56bright NK": CellType("CD56bright NK", c.nk_bright_cd25, c.nk_bright_cd122, c.nk_bright_cd132),
        "activated T": CellType("activated T", c.activated_cd25, c.activated_cd122, c.activated_cd132),
    })


#: The built-in cell types with the *default* receptor counts (read-only). Library layers above
#: binding never read it: they take the cells of the :class:`il2.receptors.ReceptorModel` they
#: are given, so changed counts reach every result.
CELL_TYPES: Mapping[str, CellType] = built_in_cells()


def cell_type(cell: CellType | str, counts: ReceptorCounts | None = None) -> CellType:
    """A :class:`CellType` from itself or from a built-in name (``"Treg"``, ``"NK"``, ...).

    Names are resolved with ``counts`` (default :class:`ReceptorCounts`).
    """
    if isinstance(cell, CellType):
        return cell
    if not isinstance(cell, str):
        raise ValueError(
            f"cell must be a CellType or one of {list(CELL_NAMES)!r}; got {type(cell).__name__} {cell!r:.60}"
        )
    check_choice("cell", cell, list(CELL_NAMES))
    return (CELL_TYPES if counts is None else built_in_cells(counts))[cell]


# ----------------------------------------------------------------------------------------
# Equilibrium
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BindingEquilibrium:
    """Receptor occupancy of one cell type at equilibrium (every count per cell).

    Attributes
    ----------
    il2_pM
        Total IL-2 given (pM).
    il2_free_pM
        Free IL-2 left in the medium (equal to ``il2_pM`` without ligand depletion).
    cd25_free, cd122_free, cd132_free
        Unoccupied chains.
    il2_cd25, il2_cd122, il2_cd25_cd122, il2_cd122_cd132, il2_cd25_cd122_cd132
        IL-2-bound complexes.
    signaling_complexes
        :math:`C_{\\beta\\gamma} + C_{\\alpha\\beta\\gamma}`, the complexes that bring JAK1 and JAK3 together.
    bound_il2
        IL-2 molecules bound per cell (all complexes).
    params
        The binding constants that produced the result.
    """

    cell: CellType
    il2_pM: NDArray[np.float64]
    il2_free_pM: NDArray[np.float64]
    cd25_free: NDArray[np.float64]
    cd122_free: NDArray[np.float64]
    cd132_free: NDArray[np.float64]
    il2_cd25: NDArray[np.float64]
    il2_cd122: NDArray[np.float64]
    il2_cd25_cd122: NDArray[np.float64]
    il2_cd122_cd132: NDArray[np.float64]
    il2_cd25_cd122_cd132: NDArray[np.float64]
    params: BindingParameters = BindingParameters()

    @property
    def signaling_complexes(self) -> NDArray[np.float64]:
        return self.il2_cd122_cd132 + self.il2_cd25_cd122_cd132

    @property
    def bound_il2(self) -> NDArray[np.float64]:
        return (
            self.il2_cd25 + self.il2_cd122 + self.il2_cd25_cd122 + self.il2_cd122_cd132
            + self.il2_cd25_cd122_cd132
        )

    @property
    def cd122_occupancy(self) -> NDArray[np.float64]:
        """Fraction of CD122 in signalling complexes (0 when the cell has no CD122)."""
        total = self.cell.cd122
        return self.signaling_complexes / total if total > 0 else np.zeros_like(self.il2_pM)


def _species(L, u, at, bt, k):
    """Free chains and complexes given free IL-2 ``L`` (pM) and free CD132 ``u`` (per cell).

    ``k = (K_alpha, K_beta, K_ab, K_bg, K_abg)``. CD25 and CD122 then follow from a quadratic
    (their coupling is a bimolecular association), so only CD132 needs a numerical root.
    Works on floats and on NumPy arrays alike.
    """
    ka, kb, kab, kbg, kabg = k
    r = L / ka
    p = (L / kb) * (1.0 + u / kbg)
    q = (L / (ka * kab)) * (1.0 + u / kabg)
    kk = q / ((1.0 + r) * (1.0 + p))
    s = at + bt
    # (1 + kS)^2 - 4 k^2 A B = 1 + 2kS + k^2 (A - B)^2, written without cancellation
    disc = 1.0 + 2.0 * kk * s + (kk * (at - bt)) ** 2
    x = 2.0 * kk * at * bt / (1.0 + kk * s + disc ** 0.5)  # complexes holding both CD25 and CD122
    a = (at - x) / (1.0 + r)
    b = (bt - x) / (1.0 + p)
    c_a = r * a
    c_b = (L / kb) * b
    c_bg = c_b * u / kbg
    frac_g = (u / kabg) / (1.0 + u / kabg)
    c_abg = x * frac_g
    c_ab = x - c_abg
    return a, b, c_a, c_b, c_ab, c_bg, c_abg


_TOL = 1e-11
_MAX_IT = 60


def _pick(cond, a, b):
    """``np.where`` for arrays, a plain conditional for scalars, so that the one solver below
    runs in pure Python (microseconds) on a single concentration and vectorised on many."""
    if isinstance(cond, np.ndarray):
        return np.where(cond, a, b)
    return a if cond else b


def _bracketed_root(
    residual: Callable[[Any], Any],
    lo: Any,
    hi: Any,
    start: Any,
    tol: Any,
    previous: tuple[Any, Any],
) -> Any:
    """Root of an increasing ``residual`` inside ``[lo, hi]``, elementwise (the one steady-state solver).

    Safeguarded secant iteration: a step along the chord through the last two iterates (the
    first chord runs from ``previous = (x, residual(x))``), replaced by bisection whenever it
    would leave the bracket, so every element converges; each element stops once
    ``|residual| <= tol`` or its bracket has shrunk to round-off. One residual evaluation per
    iteration. Works on NumPy arrays and, without NumPy overhead, on Python floats.
    """
    lo, hi = lo + 0.0, hi + 0.0  # copies
    scale = _pick(hi > 1e-300, hi, 1e-300)
    x = _pick(start < lo, lo, _pick(start > hi, hi, start))
    x_old, g_old = previous
    vector = isinstance(x, np.ndarray)
    done = np.zeros(x.shape, dtype=bool) if vector else False
    for _ in range(_MAX_IT):
        g = residual(x)
        done = done | (abs(g) <= tol) | (hi - lo <= 1e-14 * scale)
        if (done.all() if vector else done):
            break
        lo = _pick(g < 0, x, lo)
        hi = _pick(g >= 0, x, hi)
        dx = x - x_old
        moved = dx != 0
        slope = _pick(moved, (g - g_old) / _pick(moved, dx, 1.0), 0.0)
        safe = slope > 0
        mid = 0.5 * (lo + hi)
        step = _pick(safe, x - g / _pick(safe, slope, 1.0), mid)
        step = _pick((lo < step) & (step < hi), step, mid)
        x_old, g_old = x, g
        x = _pick(done, x, step)
    if not (np.isfinite(x).all() if vector else math.isfinite(x)):  # pragma: no cover - the bracket keeps x finite
        raise SolverError("the receptor equilibrium could not be solved for these inputs")
    return x


def _free_cd132(L, at, bt, gt, k) -> Any:
    """Free CD132 per cell at free IL-2 ``L`` (arrays broadcast together; floats stay floats).

    Given free CD132 the CD25/CD122 balance is a quadratic (:func:`_species`), so one monotone
    residual in CD132 remains: :math:`u + C_{\\beta\\gamma} + C_{\\alpha\\beta\\gamma} - G_T`,
    increasing in :math:`u` on :math:`[0, G_T]`.
    """
    if not (type(L) is float and type(at) is float and type(bt) is float and type(gt) is float):
        # scalars stay Python floats (pure-Python solve); arrays are broadcast only where one is given
        vals = [float(v) if getattr(v, "ndim", 0) == 0 else np.asarray(v, float) for v in (L, at, bt, gt)]
        arrays = [v for v in vals if isinstance(v, np.ndarray)]
        if arrays:
            shape = np.broadcast_shapes(*(v.shape for v in arrays))
            vals[0] = np.broadcast_to(vals[0], shape)  # the unknown (free CD132) takes L's shape
        L, at, bt, gt = vals
    trivial = (gt <= 0.0) | (L <= 0.0) | (bt <= 0.0)
    if trivial is True:
        return gt
    gts = _pick(trivial, 1.0, gt)

    def residual(u):
        sp = _species(L, u, at, bt, k)
        return u + sp[5] + sp[6] - gts

    # The complexes S(u) hold at most all the CD122, and more free CD132 means more complexes, so
    # the root lies in [G_T - S(G_T), G_T]. Where that bracket is tight (CD132 in excess, as on
    # T cells) the secant iteration starts at its low end with the chord to G_T; where it reaches
    # 0 (CD132 can run out, as on NK cells at high IL-2) it starts from Newton's first step from
    # u = 0 (the residual is increasing and concave in u, so the step stays below the root).
    top = residual(gts)  # = S(G_T) >= 0
    low = _pick(gts - top > 0.0, gts - top, 0.0)
    tight = low > 0.0
    if tight is True:
        start, previous = low, (gts, top)
    else:
        h0 = gts * 1e-7
        r0 = residual(h0)
        slope = (r0 + gts) / h0
        first = gts / _pick(slope > 0, slope, 1.0)
        newton = _pick(slope > 0, _pick(first < gts, first, gts), 0.5 * gts)
        start = _pick(tight, low, newton)
        previous = (_pick(tight, gts, h0), _pick(tight, top, r0))
    u = _bracketed_root(residual, low, gts + 0.0, start, _TOL * gts, previous)
    return _pick(trivial, gt, u)


def _constants(params: BindingParameters) -> tuple[float, float, float, float, float]:
    """The five dissociation constants the solver uses, computed once per (immutable) parameter set."""
    cached = params.__dict__.get("_solver_constants")
    if cached is None:
        cached = (
            params.kd_alpha_pM,
            params.kd_beta_pM,
            params.kd2d_alpha_beta,
            params.kd2d_beta_gamma,
            params.kd2d_alphabeta_gamma,
        )
        params.__dict__["_solver_constants"] = cached  # a frozen dataclass: fields never change
    return cached


def _check_params(params: object, cls: type, name: str = "params") -> None:
    if not isinstance(params, cls):
        raise ValueError(f"{name} must be a {cls.__name__}; got {type(params).__name__}")


def _free_ligand_equilibrium(cell: CellType, L, k):
    u = _free_cd132(L, cell.cd25, cell.cd122, cell.cd132, k)
    return u, _species(L, u, cell.cd25, cell.cd122, k)


def equilibrium(
    cell: CellType | str,
    il2_pM: ArrayLike,
    params: BindingParameters = BindingParameters(),
    cells_per_l: float | None = None,
) -> BindingEquilibrium:
    r"""Receptor occupancy at equilibrium, vectorised over IL-2 concentrations.

    Solves the mass-action relations of the module docstring with conservation of each chain,

    .. math::

        A_T = A + C_\alpha + C_{\alpha\beta} + C_{\alpha\beta\gamma},\quad
        B_T = B + C_\beta + C_{\alpha\beta} + C_{\beta\gamma} + C_{\alpha\beta\gamma},\quad
        G_T = G + C_{\beta\gamma} + C_{\alpha\beta\gamma}.

    Given free CD132 the CD25/CD122 balance is a quadratic, so one monotone root in :math:`G`
    is found by safeguarded Newton iteration (no ODE run). With ``cells_per_l`` the IL-2 bound
    to cells is taken from the medium (ligand depletion):

    .. math::

        L_T = L + \frac{\rho}{N_A\,10^{-12}}\,\bigl(C_\alpha + C_\beta + C_{\alpha\beta} + C_{\beta\gamma} + C_{\alpha\beta\gamma}\bigr).

    Source: :cite:t:`farhat2021`, :cite:t:`rickert2004`.

    Parameters
    ----------
    cell
        A :class:`CellType` or the name of a built-in one.
    il2_pM
        Total IL-2 concentration(s) (pM), finite and ``>= 0``.
    params
        Binding constants.
    cells_per_l
        Cell density (cells per litre) for ligand depletion; ``None`` means the medium is so
        large that free IL-2 equals the total.

    Returns
    -------
    BindingEquilibrium
    """
    cell = cell_type(cell)
    _check_params(params, BindingParameters)
    total = check_array("il2_pM", il2_pM, 0.0, MAX_IL2_PM)
    k = _constants(params)
    if cells_per_l is None:
        free = total.copy()
        u, sp = _free_ligand_equilibrium(cell, free, k)
    else:
        rho = check_scalar("cells_per_l", cells_per_l, 0.0, 1e13, low_open=True)
        kappa = rho / _MOLECULES_PER_PM_LITRE  # pM per molecule bound per cell
        free = _solve_depletion(cell, total, kappa, k)
        u, sp = _free_ligand_equilibrium(cell, free, k)
    a, b, c_a, c_b, c_ab, c_bg, c_abg = (np.asarray(v, float) * np.ones_like(total) for v in sp)
    return BindingEquilibrium(
        cell=cell,
        il2_pM=total,
        il2_free_pM=np.asarray(free, float),
        cd25_free=a,
        cd122_free=b,
        cd132_free=np.asarray(u, float) * np.ones_like(total),
        il2_cd25=c_a,
        il2_cd122=c_b,
        il2_cd25_cd122=c_ab,
        il2_cd122_cd132=c_bg,
        il2_cd25_cd122_cd132=c_abg,
        params=params,
    )


def _solve_depletion(cell: CellType, total, kappa: float, k) -> NDArray[np.float64]:
    """Free IL-2 such that free + bound (as a concentration) = total (:func:`_bracketed_root` in L)."""
    total = np.asarray(total, float)

    def bound(L):
        _, sp = _free_ligand_equilibrium(cell, L, k)
        return sp[2] + sp[3] + sp[4] + sp[5] + sp[6]

    pos = total > 0
    tt = np.where(pos, total, 1.0)
    start = tt / (1.0 + kappa * np.maximum(bound(tt * 1e-6) / (tt * 1e-6), 0.0))  # linear start
    start = np.clip(start, 1e-300, tt)

    def excess(x):
        return x + kappa * bound(x) - tt

    # the first chord runs from L = 0, where nothing is bound and the excess is -total
    L = _bracketed_root(excess, np.zeros_like(tt), tt.copy(), start, 1e-10 * tt, (np.zeros_like(tt), -tt))
    return np.where(pos, L, 0.0)


def apparent_kd_pM(cell: CellType | str, params: BindingParameters = BindingParameters()) -> float:
    r"""The cell's apparent dissociation constant of IL-2 for its CD122 at low IL-2 (pM).

    At low IL-2 the free chains stay near their totals :math:`A_T, G_T`, and the CD122 held
    in IL-2 complexes is :math:`B_T\,L/(L + K_\mathrm{app})` with

    .. math::

        \frac{1}{K_\mathrm{app}} =
        \underbrace{\frac{1}{K_\beta}\Bigl(1 + \frac{G_T}{K^{2D}_{\beta\cdot\gamma}}\Bigr)}_{\text{intermediate route}}
        + \underbrace{\frac{A_T}{K_\alpha K^{2D}_{\alpha\cdot\beta}}
          \Bigl(1 + \frac{G_T}{K^{2D}_{\alpha\beta\cdot\gamma}}\Bigr)}_{\text{high-affinity route}}

    Without CD25 only the first (βγ, intermediate-affinity) route is open; CD25 opens the
    second (αβγ, high-affinity) route, whose weight grows with the CD25 count. Nothing in the
    formula is an assumed receptor affinity: it follows from the monomeric constants and the
    cell's counts (:cite:alp:`farhat2021`, :cite:alp:`rickert2004`).
    """
    cell = cell_type(cell)
    _check_params(params, BindingParameters)
    ka, kb, kab, kbg, kabg = _constants(params)
    at, gt = cell.cd25, cell.cd132
    intermediate = (1.0 + gt / kbg) / kb
    high = (at / (ka * kab)) * (1.0 + gt / kabg)
    return 1.0 / (intermediate + high)


# ----------------------------------------------------------------------------------------
# Internalisation (the growth model's IL-2 consumption)
# ----------------------------------------------------------------------------------------


def internalization_rate(
    cell: CellType | str,
    il2_pM: ArrayLike,
    params: BindingParameters = BindingParameters(),
    trafficking_params: TraffickingParameters = TraffickingParameters(),
) -> NDArray[np.float64]:
    r"""IL-2 molecules taken up per cell per hour at free IL-2 ``il2_pM``.

    .. math::

        J = k_e\,S + k_t\,(C_\beta + C_{\alpha\beta})

    Signalling complexes are internalised at the complex rate :math:`k_e` and the other IL-2
    complexes that hold CD122 at the constitutive receptor rate :math:`k_t`
    (:cite:alp:`fallon2000model`), at the equilibrium occupancy of :func:`equilibrium` (no depletion:
    pass the free concentration). IL-2 held by CD25 alone (:math:`C_\alpha`) is not taken in: only
    receptors with CD122 internalise their ligand (:cite:alp:`weissman1986`, :cite:alp:`robb1987`).

    Returns
    -------
    ndarray
        Molecules per cell per hour, same shape as ``il2_pM``.
    """
    cell = cell_type(cell)
    _check_params(params, BindingParameters)
    _check_params(trafficking_params, TraffickingParameters, "trafficking_params")
    ke, kt = trafficking_params.ke_per_h, trafficking_params.kt_per_h
    L = _concentration(il2_pM)
    _, sp = _free_ligand_equilibrium(cell, L, _constants(params))
    return _shaped(ke * (sp[5] + sp[6]) + kt * (sp[3] + sp[4]), L)


def signaling_complexes(
    cell: CellType | str, il2_pM: ArrayLike, params: BindingParameters = BindingParameters()
) -> NDArray[np.float64]:
    """Signalling complexes per cell at free IL-2 ``il2_pM`` (fast path of :func:`equilibrium`)."""
    cell = cell_type(cell)
    _check_params(params, BindingParameters)
    L = _concentration(il2_pM)
    _, sp = _free_ligand_equilibrium(cell, L, _constants(params))
    return _shaped(sp[5] + sp[6], L)


def _concentration(il2_pM: ArrayLike) -> Any:
    """A checked free IL-2 concentration: a Python float for one number (the solver then runs in
    pure Python, microseconds), otherwise an array."""
    if isinstance(il2_pM, (float, int)) and not isinstance(il2_pM, bool):
        return check_scalar("il2_pM", il2_pM, 0.0, MAX_IL2_PM)
    return check_array("il2_pM", il2_pM, 0.0, MAX_IL2_PM)


def _shaped(value: Any, L: Any) -> NDArray[np.float64]:
    """``value`` as an array with the shape of the concentration ``L`` it was computed for."""
    return np.asarray(value) if isinstance(L, float) else np.asarray(value) * np.ones_like(L)


# ----------------------------------------------------------------------------------------
# Kinetics
# ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BindingKinetics:
    """Time course of surface binding (no trafficking); counts per cell.

    ``phase`` is ``"association"`` (IL-2 added at t = 0 to a cell without IL-2) or
    ``"dissociation"`` (a cell at equilibrium with IL-2 washed into IL-2-free medium at t = 0).
    ``bound_il2`` is the IL-2 on the cell, ``signaling_complexes`` the βγ-containing complexes;
    ``params`` the binding constants that produced the result.
    """

    cell: CellType
    phase: str
    il2_pM: float
    t_h: NDArray[np.float64]
    bound_il2: NDArray[np.float64]
    signaling_complexes: NDArray[np.float64]
    il2_cd25: NDArray[np.float64]
    il2_cd122: NDArray[np.float64]
    il2_cd25_cd122: NDArray[np.float64]
    il2_cd122_cd132: NDArray[np.float64]
    il2_cd25_cd122_cd132: NDArray[np.float64]
    params: BindingParameters = BindingParameters()

    def half_time_h(self) -> float:
        """Time to go half of the way from the first to the last value of ``bound_il2`` (h)."""
        y = self.bound_il2
        target = 0.5 * (y[0] + y[-1])
        idx = np.flatnonzero((y - target) * (y[0] - target) <= 0)
        if idx.size == 0:
            return float("nan")
        i = int(idx[0])
        if i == 0:
            return float(self.t_h[0])
        t0, t1, y0, y1 = self.t_h[i - 1], self.t_h[i], y[i - 1], y[i]
        return float(t0 + (target - y0) * (t1 - t0) / (y1 - y0))


def _kinetic_rhs(k_on: float, k_on_b: float, kf2: float, k, L: float):
    ka, kb, kab, kbg, kabg = k
    k1r, k2r = k_on * ka, k_on_b * kb
    k11r, k5r, k10r = kf2 * kab, kf2 * kbg, kf2 * kabg
    # IL-2·CD122·CD132 + CD25 <-> IL-2·CD25·CD122·CD132 closes the cycle (detailed balance)
    k_bg_a = kf2 * (ka * kab * kabg) / (kb * kbg)
    # IL-2·CD122 + CD25 <-> IL-2·CD25·CD122 (detailed balance)
    k_b_a = kf2 * (ka * kab) / kb

    def rhs(_t, y):
        a, b, g, ca, cb, cab, cbg, cabg = y
        v1 = k_on * L * a - k1r * ca  # IL-2 + CD25
        v2 = k_on_b * L * b - k2r * cb  # IL-2 + CD122
        v3 = kf2 * ca * b - k11r * cab  # IL-2·CD25 + CD122
        v4 = kf2 * cb * a - k_b_a * cab  # IL-2·CD122 + CD25
        v5 = kf2 * cb * g - k5r * cbg  # IL-2·CD122 + CD132
        v6 = kf2 * cab * g - k10r * cabg  # IL-2·CD25·CD122 + CD132
        v7 = kf2 * cbg * a - k_bg_a * cabg  # IL-2·CD122·CD132 + CD25
        return [
            -v1 - v4 - v7,
            -v2 - v3,
            -v5 - v6,
            v1 - v3,
            v2 - v4 - v5,
            v3 + v4 - v6,
            v5 - v7,
            v6 + v7,
        ]

    def jac(_t, y):
        a, b, g, ca, cb, cab, cbg, cabg = y
        kl, klb = k_on * L, k_on_b * L
        j = np.zeros((8, 8))
        # d(v)/d(y) for each flux, assembled into the species balances
        dv = np.zeros((7, 8))
        dv[0, 0], dv[0, 3] = kl, -k1r
        dv[1, 1], dv[1, 4] = klb, -k2r
        dv[2, 3], dv[2, 1], dv[2, 5] = kf2 * b, kf2 * ca, -k11r
        dv[3, 4], dv[3, 0], dv[3, 5] = kf2 * a, kf2 * cb, -k_b_a
        dv[4, 4], dv[4, 2], dv[4, 6] = kf2 * g, kf2 * cb, -k5r
        dv[5, 5], dv[5, 2], dv[5, 7] = kf2 * g, kf2 * cab, -k10r
        dv[6, 6], dv[6, 0], dv[6, 7] = kf2 * a, kf2 * cbg, -k_bg_a
        j[:] = _STOICH @ dv
        return j

    return rhs, jac


#: Species balances as stoichiometry times fluxes (rows: species of :func:`_kinetic_rhs`).
_STOICH = np.array(
    [
        [-1, 0, 0, -1, 0, 0, -1],
        [0, -1, -1, 0, 0, 0, 0],
        [0, 0, 0, 0, -1, -1, 0],
        [1, 0, -1, 0, 0, 0, 0],
        [0, 1, 0, -1, -1, 0, 0],
        [0, 0, 1, 1, 0, -1, 0],
        [0, 0, 0, 0, 1, 0, -1],
        [0, 0, 0, 0, 0, 1, 1],
    ],
    dtype=float,
)


#: Longest binding time course (h) :func:`kinetics` integrates: 30 days, far past equilibrium.
MAX_KINETICS_H = 720.0
#: Shortest span (h) :func:`kinetics` integrates: a third of a millisecond, far below any binding step.
MIN_SPAN_H = 1e-7


def kinetics(
    cell: CellType | str,
    il2_pM: float,
    t_h: ArrayLike,
    phase: str = "association",
    params: BindingParameters = BindingParameters(),
) -> BindingKinetics:
    r"""Association or dissociation time course of IL-2 on the surface of one cell.

    Mass-action ODEs for the species of :func:`equilibrium`, with ligand binding at
    :math:`k_\mathrm{on}` and off rates :math:`k_\mathrm{on} K`; membrane recruitment at
    :math:`k_\mathrm{fwd}` and off rates :math:`k_\mathrm{fwd} K^{2D}` (:cite:alp:`farhat2021`);
    the two closing steps obey detailed balance. The medium is large (free IL-2 constant:
    ``il2_pM`` for association, 0 for dissociation). Integrated with LSODA (stiff switching).
    Compare with the half-times measured on cells by :cite:t:`lowenthal1987` and
    :cite:t:`wang1987`.

    Parameters
    ----------
    cell
        A :class:`CellType` or built-in name.
    il2_pM
        IL-2 added (association) or the concentration the cell was equilibrated with before
        the wash (dissociation); pM, > 0.
    t_h
        Output times (h), increasing, starting at 0 or later, at most ``MAX_KINETICS_H`` (720 h).
    phase
        ``"association"`` or ``"dissociation"``.
    """
    cell = cell_type(cell)
    _check_params(params, BindingParameters)
    L = check_scalar("il2_pM", il2_pM, 0.0, MAX_IL2_PM, low_open=True)
    t = check_array("t_h", t_h, 0.0, MAX_KINETICS_H)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0):
        raise ValueError(f"t_h must be an increasing 1-d array of at least 2 times; got {t_h!r}")
    if t[-1] - t[0] < MIN_SPAN_H:
        raise ValueError(f"t_h must span at least {MIN_SPAN_H:g} h; got {t[-1] - t[0]!r} h")
    check_choice("phase", phase, ["association", "dissociation"])
    k = _constants(params)
    if phase == "association":
        y0 = [cell.cd25, cell.cd122, cell.cd132, 0.0, 0.0, 0.0, 0.0, 0.0]
        L_run = L
    else:
        eq = equilibrium(cell, L, params)
        y0 = [float(v) for v in (eq.cd25_free, eq.cd122_free, eq.cd132_free, eq.il2_cd25,
                                 eq.il2_cd122, eq.il2_cd25_cd122, eq.il2_cd122_cd132,
                                 eq.il2_cd25_cd122_cd132)]
        L_run = 0.0
    rhs, jac = _kinetic_rhs(params.kon_per_pM_h, params.kon_beta_per_pM_h, params.kfwd_cell_per_h,
                            k, L_run)
    scale = max(cell.cd25 + cell.cd122 + cell.cd132, 1.0)
    from scipy.integrate import solve_ivp  # imported on first use: keeps `import il2` light

    sol = solve_ivp(rhs, (0.0, float(t[-1])), y0, method="LSODA", jac=jac, t_eval=t, rtol=1e-6,
                    atol=1e-8 * scale)
    if not sol.success:  # pragma: no cover - solver failure is reported, not hidden
        raise SolverError(f"binding kinetics could not be integrated with these inputs: {sol.message}")
    y = np.clip(sol.y, 0.0, None)
    ca, cb, cab, cbg, cabg = y[3], y[4], y[5], y[6], y[7]
    return BindingKinetics(
        cell=cell,
        phase=phase,
        il2_pM=L,
        t_h=t,
        bound_il2=ca + cb + cab + cbg + cabg,
        signaling_complexes=cbg + cabg,
        il2_cd25=ca,
        il2_cd122=cb,
        il2_cd25_cd122=cab,
        il2_cd122_cd132=cbg,
        il2_cd25_cd122_cd132=cabg,
        params=params,
    )
