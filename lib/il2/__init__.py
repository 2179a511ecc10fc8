"""il2: the models behind the IL-2 computational textbook.

Modules, from the bottom layer up (a module imports only from layers below it):

- :mod:`il2.validation`: input checks raising ``ValueError`` with the argument, value and range
- :mod:`il2.registry`: cited parameter dataclasses and the table the book renders
- :mod:`il2.units`: the unit convention and conversions (IU, mg, mol, pM, molecules per cell)
- :mod:`il2.plotting`: house style, one colour per cell type
- :mod:`il2.explore`: the one helper behind every interactive figure

Model modules are imported here too, so that ``import il2`` fills the parameter registry.
"""

from il2 import validation, registry, units, plotting, explore  # noqa: F401

__version__ = "0.1.0"
from il2 import pk, outcomes  # noqa: F401
