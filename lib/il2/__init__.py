"""il2: the models behind the IL-2 computational textbook.

Modules, from the bottom layer up (a module imports only from layers below it):

- :mod:`il2.validation`: input checks raising ``ValueError`` with the argument, value and range
- :mod:`il2.registry`: cited parameter dataclasses and the table the book renders
- :mod:`il2.units`: the unit convention and conversions (IU, mg, mol, pM, molecules per cell)
- :mod:`il2.plotting`: house style, one colour per cell type
- :mod:`il2.explore`: the one helper behind every interactive figure
- :mod:`il2.binding`: receptor chains, assembly, kinetics, trafficking; built-in cell types
- :mod:`il2.signaling`: from signalling complexes to pSTAT5 and a proliferation signal
- :mod:`il2.growth`: helper, cytotoxic, NK and regulatory cells coupled through IL-2
- :mod:`il2.pk`: aldesleukin regimens and two-compartment pharmacokinetics
- :mod:`il2.outcomes`: published response data with exact confidence intervals
- :mod:`il2.therapy`: a treatment course: exposure and receptor engagement per cell type
- :mod:`il2.toxicity`: capillary leak, blood pressure, weight, albumin, fever; dose holds
- :mod:`il2.figures`: each chapter's figures and explorers (top layer, imported on demand)

Model modules are imported here, so that ``import il2`` fills the parameter registry.
"""

from il2 import validation, registry, units, plotting, explore  # noqa: F401
from il2 import binding, signaling, growth  # noqa: F401
from il2 import pk, outcomes, therapy, toxicity  # noqa: F401

__version__ = "0.1.0"
