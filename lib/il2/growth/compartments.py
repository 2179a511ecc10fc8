"""Shared volumes of extracellular fluid in which the populations exchange IL-2.

Imports: :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from il2.registry import CitedParameters, cited, register
from il2.validation import check_choice

__all__ = [
    "Compartment",
    "LymphNodeCompartment",
    "CultureWellCompartment",
    "COMPARTMENTS",
    "get_compartment",
]


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
    nk_bright: float = cited(1e3, "cells", "CD56bright NK cells", "fehniger2003", low=0.0)
    resting_cd4: float = cited(0.0, "cells", "Resting conventional CD4 T cells that secrete IL-2 without antigen",
                               "setoguchi2005", low=0.0)

    def start(self) -> dict[str, float]:
        """Cells of each population at the start."""
        return {"CD4": self.helpers, "CD8": self.cd8, "NK": self.nk, "Treg": self.treg,
                "CD56bright NK": self.nk_bright}


@register("IL-2 compartment: lymph node")
@dataclass(frozen=True)
class LymphNodeCompartment(Compartment):
    """An IL-2 niche in a lymph node: the fluid around a responding T cell cluster."""

    name: str = "lymph node"
    volume_l: float = cited(
        1e-7, "L", "Extracellular fluid of a lymph-node niche that shares IL-2", "oyleryaniv2017",
        low=0.0, low_open=True,
        note="modelling choice: IL-2 is taken to be consumed within about 100 µm of its source, the "
        "length scale of the diffusion-consumption models of oyleryaniv2017 (not confirmed in the "
        "paper itself, †), so cells a few hundred µm apart share it; the three-dimensional models "
        "of thurley2015 give a shorter range, IL-2 around a secreting cell dropping off over a "
        "distance of only a few cells unless producers are dense or consumers sparse, so the "
        "shared volume is an upper estimate; a sphere of radius 300 µm holds 0.11 µL",
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
    nk_bright: float = cited(
        3e3, "cells", "CD56bright NK cells in the niche (resting size)", "ferlazzo2004,fehniger2003",
        low=0.0,
        note="modelling choice: more than 95% of blood NK cells are CD56dim, but lymph-node NK cells "
        "are mainly CD56bright (ferlazzo2004) and respond there to T cell IL-2 (fehniger2003); as "
        "many as the niche's CD56dim NK cells",
    )
    resting_cd4: float = cited(
        4e4, "cells", "Resting conventional CD4 T cells in the niche", "setoguchi2005",
        low=0.0,
        note="modelling choice: about 40% of a niche of some 1e5 lymphocytes; they secrete a little IL-2 "
        "without foreign antigen (setoguchi2005)",
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
    nk_bright: float = cited(0.0, "cells", "CD56bright NK cells in the well", "tkach2014", low=0.0,
                             note="modelling choice: none (sorted T cell cultures)")
    resting_cd4: float = cited(0.0, "cells", "Resting conventional CD4 T cells in the well", "tkach2014",
                               low=0.0, note="modelling choice: none; all helpers are stimulated")


#: The built-in compartments by name.
COMPARTMENTS: Mapping[str, Compartment] = MappingProxyType({
    "lymph node": LymphNodeCompartment(),
    "culture well": CultureWellCompartment(),
})


def get_compartment(name_or_compartment: str | Compartment) -> Compartment:
    """A :class:`Compartment` from its name (``"lymph node"``, ``"culture well"``) or itself."""
    if isinstance(name_or_compartment, Compartment):
        return name_or_compartment
    check_choice("compartment", name_or_compartment, list(COMPARTMENTS))
    return COMPARTMENTS[name_or_compartment]
