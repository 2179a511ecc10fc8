r"""Receptor trafficking and IL-2 depletion over days: the model of Fallon and Lauffenburger.

Cells do not only bind IL-2; they swallow it. Receptors are internalised, IL-2 that comes off in
the acidic endosome is recycled to the medium, and IL-2 still bound is carried to the lysosome and
destroyed. :cite:t:`fallon2000model` wrote this as a small model for one lumped IL-2 receptor of an
activated T cell, with synthesis of new receptors, depletion of IL-2 from the medium and
proliferation of the cells over days; :cite:t:`fallon2000analog` used it to show why the 2D1
analogue, which binds as well at the surface but more weakly in the endosome, lasts longer.

The same internalisation rates (:class:`TraffickingParameters` ``kt_per_h`` and ``ke_per_h``)
set how fast the cells of the growth model consume IL-2
(:func:`il2.binding.internalization_rate`).

Units follow :mod:`il2.units`: hours, pM, molecules per cell.
Imports: :mod:`il2.validation`, :mod:`il2.registry`, :mod:`il2.units`.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.registry import CitedParameters, cited, register
from il2.units import AVOGADRO_PER_MOL
from il2.validation import SolverError, check_array, check_choice, check_scalar

__all__ = [
    "TraffickingParameters",
    "TraffickingResult",
    "VARIANTS",
    "simulate",
]

_PICO = 1e-12
#: molecules of IL-2 per cell that make 1 pM at a density of 1 cell per litre (N_A x 1e-12)
_MOLECULES_PER_PM_LITRE = AVOGADRO_PER_MOL * _PICO

@register("Receptor trafficking (Fallon and Lauffenburger)")
@dataclass(frozen=True)
class TraffickingParameters(CitedParameters):
    """The lumped trafficking model of :cite:t:`fallon2000model`, converted to hours.

    One receptor species stands for the IL-2-binding receptor of an activated T cell. Values
    as encoded in BioModels BIOMD0000000665; the endosomal binding rate is used in every
    balance (the curated file uses the surface rate in the endosomal ligand balance, which
    does not conserve IL-2).
    """

    kd_surface_pM: float = cited(
        11.1, "pM", "Surface dissociation constant of IL-2 for its receptor", "fallon2000model",
        low=0, low_open=True,
    )
    kr_per_h: float = cited(
        0.828, "1/h", "Surface dissociation rate of IL-2 (0.0138 /min)", "fallon2000model",
        low=0, low_open=True,
    )
    kd_endosome_pM: float = cited(
        1000.0, "pM", "Endosomal dissociation constant (acidic endosome)", "fallon2000model",
        low=0, low_open=True, note="3000 pM for the 2D1 analogue (fallon2000analog)",
    )
    endosome_off_factor: float = cited(
        8.0, "dimensionless", "Endosomal dissociation rate relative to the surface rate", "fallon2000model",
        low=0, low_open=True, note="5 for the 2D1 analogue",
    )
    kt_per_h: float = cited(
        0.42, "1/h", "Internalisation of free receptors (0.007 /min)", "fallon2000model", low=0,
    )
    ke_per_h: float = cited(
        2.4, "1/h", "Internalisation of IL-2-receptor complexes (0.04 /min)", "fallon2000model", low=0,
    )
    kx_per_h: float = cited(
        9.0, "1/h", "Recycling of free endosomal IL-2 to the medium (0.15 /min)", "fallon2000model",
        low=0,
    )
    kh_per_h: float = cited(
        2.1, "1/h", "Lysosomal degradation of endosomal receptors and complexes (0.035 /min)",
        "fallon2000model", low=0,
    )
    synthesis_per_h: float = cited(
        660.0, "receptors/(cell h)", "Constitutive receptor synthesis (11 /min)", "fallon2000model",
        low=0,
    )
    induced_synthesis_per_h: float = cited(
        0.066, "1/h", "Receptor synthesis induced per surface complex (0.0011 /min)",
        "fallon2000model", low=0,
    )
    endosome_volume_l: float = cited(
        1e-14, "L", "Endosomal volume per cell", "fallon2000model,farhat2021", low=0, low_open=True,
    )
    initial_receptors: float = cited(
        1500.0, "receptors/cell", "Surface receptors at the start", "fallon2000model", low=0,
    )
    growth_max_per_h: float = cited(
        3.6e7, "cells/(L h)", "Largest proliferation flux (600 x 1e3 cells/L/min)", "fallon2000model",
        low=0, note="proliferation law as encoded in BIOMD0000000665",
    )
    growth_half_complexes: float = cited(
        250.0, "complexes/cell", "Surface complexes for half the largest proliferation flux",
        "fallon2000model", low=0, low_open=True,
    )
    growth_threshold_per_h: float = cited(
        1.2e7, "cells/(L h)", "Threshold subtracted from the proliferation flux (200 x 1e3 /min)",
        "fallon2000model", low=0,
    )

    @property
    def kf_per_pM_h(self) -> float:
        """Surface association rate :math:`k_f = k_r / K_D`, 1/(pM h)."""
        return self.kr_per_h / self.kd_surface_pM

    @property
    def kre_per_h(self) -> float:
        """Endosomal dissociation rate, 1/h."""
        return self.kr_per_h * self.endosome_off_factor

    @property
    def kfe_per_pM_h(self) -> float:
        """Endosomal association rate :math:`k_{fe} = k_{re}/K_{D,e}`, 1/(pM h)."""
        return self.kre_per_h / self.kd_endosome_pM


#: Wild-type IL-2 and the 2D1 analogue: same surface binding, weaker endosomal binding.
VARIANTS: Mapping[str, TraffickingParameters] = MappingProxyType({
    "wild type": TraffickingParameters(),
    "2D1": dataclasses.replace(TraffickingParameters(), kd_endosome_pM=3000.0, endosome_off_factor=5.0),
})

#: Longest simulated span (h), highest IL-2 (pM) and densest culture (cells per litre) accepted.
MAX_T_H = 24.0 * 365.0
MAX_IL2_PM = 1e7
MAX_CELLS_PER_L = 1e13


@dataclass(frozen=True)
class TraffickingResult:
    """Trafficking time course (:func:`simulate`).

    Attributes
    ----------
    t_h
        Times (h).
    il2_pM
        IL-2 in the medium (pM).
    surface_receptors, surface_complexes, endosomal_receptors, endosomal_complexes
        Per cell.
    endosomal_il2_pM
        Free IL-2 inside the endosomes (pM of endosomal volume).
    degraded_il2_pM
        IL-2 destroyed in lysosomes so far, as a concentration in the medium (pM).
    recycled_il2_pM
        IL-2 returned to the medium from endosomes so far, as a concentration (pM).
    cells_per_l
        Cell density (cells per litre).
    params
        The trafficking parameters that produced the result.
    """

    variant: str
    t_h: NDArray[np.float64]
    il2_pM: NDArray[np.float64]
    surface_receptors: NDArray[np.float64]
    surface_complexes: NDArray[np.float64]
    endosomal_receptors: NDArray[np.float64]
    endosomal_complexes: NDArray[np.float64]
    endosomal_il2_pM: NDArray[np.float64]
    degraded_il2_pM: NDArray[np.float64]
    recycled_il2_pM: NDArray[np.float64]
    cells_per_l: NDArray[np.float64]
    endosome_volume_l: float
    params: TraffickingParameters

    @property
    def total_il2_pM(self) -> NDArray[np.float64]:
        """All IL-2 (medium, bound, in endosomes, degraded) as a medium concentration (pM).

        Constant in time when the cell number is held fixed (``growth=False``); with growth the
        lumped model lets new cells arrive carrying the average load, as in the original.
        """
        per_cell = (
            self.surface_complexes
            + self.endosomal_complexes
            + self.endosomal_il2_pM * self.endosome_volume_l * _MOLECULES_PER_PM_LITRE
        )
        return self.il2_pM + per_cell * self.cells_per_l / _MOLECULES_PER_PM_LITRE + self.degraded_il2_pM


def simulate(
    t_h: ArrayLike,
    il2_pM: float = 10.0,
    cells_per_l: float = 2.5e8,
    variant: str | TraffickingParameters = "wild type",
    growth: bool = True,
) -> TraffickingResult:
    r"""IL-2 trafficking and depletion over days (after :cite:alp:`fallon2000model`).

    .. math::

        \dot R_s &= V_s + k_\mathrm{syn} C_s - k_f L R_s + k_r C_s - k_t R_s\\
        \dot C_s &= k_f L R_s - k_r C_s - k_e C_s\\
        \dot R_i &= k_t R_s - k_{fe} L_i R_i + k_{re} C_i - k_h R_i\\
        \dot C_i &= k_e C_s + k_{fe} L_i R_i - k_{re} C_i - k_h C_i\\
        \dot L_i &= \frac{k_{re} C_i - k_{fe} L_i R_i}{V_e N_A} - k_x L_i\\
        \dot L &= \frac{Y}{N_A}\bigl(k_r C_s - k_f L R_s + k_x L_i V_e N_A\bigr)\\
        \dot Y &= \max\Bigl(0,\ v_\mathrm{max}\frac{C_s}{K_Y + C_s} - v_0\Bigr)

    (concentrations in pM; :math:`N_A` here in molecules per pmol). The endosomal association
    rate :math:`k_{fe}` is used in both the receptor and the ligand balances, so IL-2 is
    conserved (:attr:`TraffickingResult.total_il2_pM`). The 2D1 analogue of
    :cite:t:`fallon2000analog` binds as well at the surface but more weakly in the endosome,
    so more of it is recycled instead of degraded.

    Parameters
    ----------
    t_h
        Output times (h), increasing, from 0.
    il2_pM
        IL-2 in the medium at the start (pM).
    cells_per_l
        Cell density at the start (cells per litre).
    variant
        ``"wild type"``, ``"2D1"`` (see :data:`VARIANTS`) or a :class:`TraffickingParameters`.
    growth
        Let the cells proliferate (True) or hold their number fixed.
    """
    t = check_array("t_h", t_h, 0.0, MAX_T_H)
    if t.ndim != 1 or t.size < 2 or np.any(np.diff(t) <= 0) or t[0] != 0.0:
        raise ValueError(f"t_h must be an increasing 1-d array from 0 with at least 2 times; got {t_h!r}")
    if t[-1] < 1e-6:
        raise ValueError(f"t_h must reach at least 1e-06 h; got {t[-1]!r} h")
    L0 = check_scalar("il2_pM", il2_pM, 0.0, MAX_IL2_PM)
    Y0 = check_scalar("cells_per_l", cells_per_l, 0.0, MAX_CELLS_PER_L, low_open=True)
    if isinstance(variant, TraffickingParameters):
        p, name = variant, "custom"
    else:
        check_choice("variant", variant, list(VARIANTS))
        p, name = VARIANTS[variant], variant
    if not isinstance(growth, bool):
        raise ValueError(f"growth must be True or False; got {growth!r}")
    kf, kr, kfe, kre = p.kf_per_pM_h, p.kr_per_h, p.kfe_per_pM_h, p.kre_per_h
    kt, ke, kx, kh = p.kt_per_h, p.ke_per_h, p.kx_per_h, p.kh_per_h
    vs, ksyn = p.synthesis_per_h, p.induced_synthesis_per_h
    ve_na = p.endosome_volume_l * _MOLECULES_PER_PM_LITRE  # molecules per cell per pM in endosome
    vmax, ky, v0 = p.growth_max_per_h, p.growth_half_complexes, p.growth_threshold_per_h

    def rhs(_t, y):
        rs, cs, ri, ci, li, L, deg, Y, _rec = y
        bind_s = kf * L * rs - kr * cs
        bind_e = kfe * li * ri - kre * ci
        dY = max(0.0, vmax * cs / (ky + cs) - v0) if growth else 0.0
        return [
            vs + ksyn * cs - bind_s - kt * rs,
            bind_s - ke * cs,
            kt * rs - bind_e - kh * ri,
            ke * cs + bind_e - kh * ci,
            -bind_e / ve_na - kx * li,
            (Y / _MOLECULES_PER_PM_LITRE) * (-bind_s + kx * li * ve_na),
            (Y / _MOLECULES_PER_PM_LITRE) * kh * ci,
            dY,
            (Y / _MOLECULES_PER_PM_LITRE) * kx * li * ve_na,
        ]

    # start from the receptor steady state without IL-2 (Fallon's initial receptor number)
    rs0 = p.initial_receptors
    ri0 = kt * rs0 / kh
    y0 = [rs0, 0.0, ri0, 0.0, 0.0, L0, 0.0, Y0, 0.0]
    from scipy.integrate import solve_ivp  # imported on first use: keeps `import il2` light

    sol = solve_ivp(rhs, (0.0, float(t[-1])), y0, method="LSODA", t_eval=t, rtol=1e-8,
                    atol=[1e-6, 1e-9, 1e-6, 1e-9, 1e-12, 1e-12, 1e-12, 1.0, 1e-12])
    if not sol.success:  # pragma: no cover - reported, not hidden
        raise SolverError(f"the trafficking model could not be integrated with these inputs: {sol.message}")
    y = sol.y
    # growth of cells dilutes nothing: complexes on new cells are counted per cell, and the
    # IL-2 balance above is written per litre of medium.
    return TraffickingResult(
        variant=name,
        t_h=t,
        il2_pM=np.clip(y[5], 0.0, None),
        surface_receptors=np.clip(y[0], 0.0, None),
        surface_complexes=np.clip(y[1], 0.0, None),
        endosomal_receptors=np.clip(y[2], 0.0, None),
        endosomal_complexes=np.clip(y[3], 0.0, None),
        endosomal_il2_pM=np.clip(y[4], 0.0, None),
        degraded_il2_pM=np.clip(y[6], 0.0, None),
        recycled_il2_pM=np.clip(y[8], 0.0, None),
        cells_per_l=y[7],
        endosome_volume_l=p.endosome_volume_l,
        params=p,
    )
