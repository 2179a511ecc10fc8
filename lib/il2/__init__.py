"""il2: the models behind the IL-2 computational textbook.

Modules, from the bottom layer up (a module imports only from layers below it):

- :mod:`il2.validation`: input checks raising ``ValueError`` with the argument, value and range
- :mod:`il2.registry`: cited parameter dataclasses and the table the book renders
- :mod:`il2.units`: the unit convention and conversions (IU, mg, mol, pM, molecules per cell)
- :mod:`il2.measurements`: measured data (raw pSTAT5 plates, receptor counts, mutein affinities)
  as records with their sources, and the fits made to them (imports only :mod:`il2.validation`;
  :mod:`il2.binding` takes measured receptor counts from it)
- :mod:`il2.trafficking`: receptor trafficking and IL-2 depletion over days (Fallon and Lauffenburger)
- :mod:`il2.binding`: receptor chains, assembly, equilibrium and kinetics; built-in cell types
- :mod:`il2.signaling`: from signalling complexes to pSTAT5 and a proliferation signal
- :mod:`il2.receptors`: :class:`~il2.receptors.ReceptorModel`, the one description of the
  receptor system that every layer above takes
- :mod:`il2.growth`: helper, cytotoxic, NK (CD56dim and CD56bright) and regulatory cells
  coupled through IL-2: an antigen-triggered division program that IL-2 amplifies, and
  resting IL-2 that keeps the regulatory T cells
- :mod:`il2.pk`: aldesleukin regimens and two-compartment pharmacokinetics
- :mod:`il2.outcomes`: published response data with exact confidence intervals
- :mod:`il2.variants`: engineered IL-2 (muteins, a prodrug, a fusion) as cited records, each
  turned into a :class:`~il2.receptors.ReceptorModel`; the selectivity map over affinity changes
- :mod:`il2.regulatory`: how IL-2 selects regulatory T cells: pSTAT5 of the blood's cell types,
  CD25 blockade, model EC50s against the measured ones
- :mod:`il2.low_dose`: low-dose IL-2 trials and the deficiency experiments, as cited records
- :mod:`il2.low_dose_pd`: a daily low-dose course through the growth model: fold changes of
  Tregs, conventional T cells and both NK subsets, and the dose response
- :mod:`il2.therapy`: a treatment course: exposure and receptor engagement per cell type
- :mod:`il2.toxicity`: capillary leak, blood pressure, weight, albumin, fever; dose holds
- :mod:`il2.plotting`, :mod:`il2.explore`: house style and the helper behind every explorer
- :mod:`il2.figures`: each chapter's figures and explorers (top layer)
- :mod:`il2.notebook`: the numbers a chapter's prose shows, named once and read by the built
  book and by a live kernel alike (no dependency on the rest of the package)

``import il2`` is light: each module is imported the first time it is used (``il2.growth``,
``from il2 import therapy``), so scipy and matplotlib load only when a model or a figure needs
them. :func:`import_models` imports every model module, which fills the parameter registry
(the book's Parameters page calls it).
"""

from __future__ import annotations

import importlib
from types import ModuleType

__version__ = "0.1.0"

#: Every module that declares cited parameters, in the order the Parameters page lists them.
MODEL_MODULES: tuple[str, ...] = (
    "units",
    "trafficking",
    "binding",
    "signaling",
    "receptors",
    "growth",
    "pk",
    "outcomes",
    "therapy",
    "toxicity",
    "low_dose_pd",
    "cohort",
)
_SUBMODULES = frozenset(MODEL_MODULES) | {
    "validation", "registry", "measurements", "low_dose", "variants", "regulatory", "plotting", "explore", "figures"}

__all__ = sorted(_SUBMODULES) + ["MODEL_MODULES", "import_models"]


def import_models() -> tuple[ModuleType, ...]:
    """Import every model module (and so register every cited parameter class)."""
    return tuple(importlib.import_module(f"il2.{name}") for name in MODEL_MODULES)


def __getattr__(name: str) -> ModuleType:
    if name in _SUBMODULES:
        return importlib.import_module(f"il2.{name}")
    raise AttributeError(f"module 'il2' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | _SUBMODULES)
