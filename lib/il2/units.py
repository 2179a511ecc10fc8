"""Units: the library's one convention, and conversions between IU, mass, moles and molecules.

The convention (used by every module; names carry the unit where it helps):

==============================  ==========================================================
quantity                        unit
==============================  ==========================================================
time                            hours (``t_h``); rate constants in 1/h
IL-2 concentration              picomolar (``il2_pM``); association rates in 1/(pM h)
drug amount                     international units (IU) or milligrams (mg)
drug concentration in plasma    IU/mL (as the clinic reports it) or pM (as cells see it)
receptors and complexes         molecules per cell
cells                           cells, or cells per litre for densities
volume                          litres (L); body weight in kg
pressure                        mmHg; albumin in g/dL
==============================  ==========================================================

Aldesleukin's label gives 18 million IU per 1.1 mg of protein and a molar mass of about
15.3 kDa (reference key ``proleukin_label``), so 1 IU is about 61 pg or 4.0 fmol and 1 IU/mL is about
4 pM. Native IL-2 is glycosylated and slightly heavier (about 15.5 kDa); the library uses
the aldesleukin values throughout because the drug is what is dosed.

Imports: :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2.registry import CitedParameters, cited, register
from il2.validation import check_array, check_scalar

__all__ = [
    "AVOGADRO_PER_MOL",
    "UnitConstants",
    "CONSTANTS",
    "iu_to_mg",
    "mg_to_iu",
    "iu_to_mol",
    "mol_to_iu",
    "iu_per_ml_to_pM",
    "pM_to_iu_per_ml",
    "pM_to_molecules_per_cell",
    "molecules_per_cell_to_pM",
    "seconds_to_hours",
    "minutes_to_hours",
    "hours_to_minutes",
    "per_second_to_per_hour",
    "per_molar_second_to_per_pM_hour",
    "half_life_to_rate",
    "rate_to_half_life",
]

#: Avogadro constant (exact by the 2019 SI definition), molecules per mole.
AVOGADRO_PER_MOL = 6.02214076e23
_PICO = 1e-12


@register("Units and constants")
@dataclass(frozen=True)
class UnitConstants(CitedParameters):
    """Constants that tie the clinic's units to the molecules that cells bind."""

    vial_iu: float = cited(
        18e6, "IU", "Aldesleukin activity per reconstituted millilitre (label: 18 MIU in 1.1 mg)",
        "proleukin_label", low=0, low_open=True,
    )
    vial_mg: float = cited(
        1.1, "mg", "Aldesleukin protein per reconstituted millilitre", "proleukin_label",
        low=0, low_open=True,
    )
    molar_mass_g_per_mol: float = cited(
        15_300.0, "g/mol", "Molar mass of aldesleukin (unglycosylated, C125S, no N-terminal Ala)",
        "proleukin_label", low=0, low_open=True,
    )

    @property
    def iu_per_mg(self) -> float:
        """Specific activity, IU per mg (about 16.4 million)."""
        return self.vial_iu / self.vial_mg


#: The defaults, shared by every conversion below.
CONSTANTS = UnitConstants()


def iu_to_mg(iu: ArrayLike, constants: UnitConstants = CONSTANTS) -> NDArray[np.float64]:
    r"""Aldesleukin mass from activity: :math:`m = A / a_\mathrm{spec}` (mg). Source: proleukin_label."""
    return check_array("iu", iu, 0.0) / constants.iu_per_mg


def mg_to_iu(mg: ArrayLike, constants: UnitConstants = CONSTANTS) -> NDArray[np.float64]:
    r"""Aldesleukin activity from mass: :math:`A = m\,a_\mathrm{spec}` (IU). Source: proleukin_label."""
    return check_array("mg", mg, 0.0) * constants.iu_per_mg


def iu_to_mol(iu: ArrayLike, constants: UnitConstants = CONSTANTS) -> NDArray[np.float64]:
    r"""Moles of IL-2 in ``iu`` international units: :math:`n = 10^{-3} A / (a_\mathrm{spec} M)`."""
    return iu_to_mg(iu, constants) * 1e-3 / constants.molar_mass_g_per_mol


def mol_to_iu(mol: ArrayLike, constants: UnitConstants = CONSTANTS) -> NDArray[np.float64]:
    """International units in ``mol`` moles of IL-2 (inverse of :func:`iu_to_mol`)."""
    grams = check_array("mol", mol, 0.0) * constants.molar_mass_g_per_mol
    return grams * 1e3 * constants.iu_per_mg


def iu_per_ml_to_pM(iu_per_ml: ArrayLike, constants: UnitConstants = CONSTANTS) -> NDArray[np.float64]:
    r"""Concentration in pM from IU/mL: :math:`c = 10^{3}\,n(A)/10^{-12}` per litre (about 4 pM per IU/mL)."""
    mol_per_l = iu_to_mol(check_array("iu_per_ml", iu_per_ml, 0.0), constants) * 1e3
    return mol_per_l / _PICO


def pM_to_iu_per_ml(il2_pM: ArrayLike, constants: UnitConstants = CONSTANTS) -> NDArray[np.float64]:
    """Concentration in IU/mL from pM (inverse of :func:`iu_per_ml_to_pM`)."""
    mol_per_ml = check_array("il2_pM", il2_pM, 0.0) * _PICO * 1e-3
    return mol_to_iu(mol_per_ml, constants)


def pM_to_molecules_per_cell(il2_pM: ArrayLike, cells_per_l: float) -> NDArray[np.float64]:
    r"""Free IL-2 molecules in the medium per cell: :math:`c\,10^{-12} N_A / \rho`.

    Used for ligand depletion: at density :math:`\rho` (cells/L) each cell shares this many
    free molecules of IL-2 with the medium.
    """
    rho = check_scalar("cells_per_l", cells_per_l, 0.0, low_open=True)
    return check_array("il2_pM", il2_pM, 0.0) * _PICO * AVOGADRO_PER_MOL / rho


def molecules_per_cell_to_pM(molecules: ArrayLike, cells_per_l: float) -> NDArray[np.float64]:
    """Concentration (pM) of ``molecules`` per cell spread through the medium (inverse of the above)."""
    rho = check_scalar("cells_per_l", cells_per_l, 0.0, low_open=True)
    return check_array("molecules", molecules, 0.0) * rho / AVOGADRO_PER_MOL / _PICO


def seconds_to_hours(t_s: ArrayLike) -> NDArray[np.float64]:
    """Seconds to hours."""
    return check_array("t_s", t_s) / 3600.0


def minutes_to_hours(t_min: ArrayLike) -> NDArray[np.float64]:
    """Minutes to hours."""
    return check_array("t_min", t_min) / 60.0


def hours_to_minutes(t_h: ArrayLike) -> NDArray[np.float64]:
    """Hours to minutes."""
    return check_array("t_h", t_h) * 60.0


def per_second_to_per_hour(rate_per_s: ArrayLike) -> NDArray[np.float64]:
    """A first-order rate constant from 1/s to 1/h."""
    return check_array("rate_per_s", rate_per_s, 0.0) * 3600.0


def per_molar_second_to_per_pM_hour(kon_per_M_s: ArrayLike) -> NDArray[np.float64]:
    """An association rate constant from 1/(M s) to the library's 1/(pM h)."""
    return check_array("kon_per_M_s", kon_per_M_s, 0.0) * _PICO * 3600.0


def half_life_to_rate(half_life: ArrayLike) -> NDArray[np.float64]:
    r"""First-order rate constant from a half-life: :math:`k = \ln 2 / t_{1/2}` (same time unit)."""
    return np.log(2.0) / check_array("half_life", half_life, 0.0, low_open=True)


def rate_to_half_life(rate: ArrayLike) -> NDArray[np.float64]:
    r"""Half-life from a first-order rate constant: :math:`t_{1/2} = \ln 2 / k`."""
    return np.log(2.0) / check_array("rate", rate, 0.0, low_open=True)
