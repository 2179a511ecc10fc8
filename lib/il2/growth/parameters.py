"""The populations of the growth model, their order, and its kinetic parameters.

Imports: :mod:`il2.registry`, :mod:`il2.units`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from il2.registry import CitedParameters, cited, register
from il2.units import seconds_to_hours

__all__ = [
    "POPULATIONS",
    "EFFECTORS",
    "RESIDENTS",
    "INDEX",
    "SECRETOR",
    "RECEPTOR_CELL",
    "RESTING_CD25_CELL",
    "GrowthParameters",
    "SecretionMeasurement",
    "TKACH_SECRETION",
    "max_division_rate_per_h",
]

#: The populations of the model, in the order of every per-population array and of the state.
POPULATIONS: tuple[str, ...] = ("CD4", "CD8", "NK", "Treg", "CD56bright NK")
#: Antigen-activated effector populations (no homeostatic return to a resting size).
EFFECTORS: tuple[str, ...] = ("CD4", "CD8")
#: Resident populations kept at their resting size by homeostasis outside the model.
RESIDENTS: tuple[str, ...] = ("NK", "Treg", "CD56bright NK")

#: Which built-in cell type of :mod:`il2.binding` sets each population's CD122 and CD132, and
#: which sets its resting CD25 (activated helpers and cytotoxic cells carry the beta and gamma
#: chains of activated T cells but start from the CD25 of resting cells).
RECEPTOR_CELL: Mapping[str, str] = MappingProxyType(
    {"CD4": "activated T", "CD8": "activated T", "NK": "NK", "Treg": "Treg",
     "CD56bright NK": "CD56bright NK"})
#: Which built-in cell type of :mod:`il2.binding` sets each population's resting CD25.
RESTING_CD25_CELL: Mapping[str, str] = MappingProxyType(
    {"CD4": "CD4", "CD8": "CD8", "NK": "NK", "Treg": "Treg", "CD56bright NK": "CD56bright NK"})

#: Position of each population in :data:`POPULATIONS` (and in every per-population array).
INDEX: Mapping[str, int] = MappingProxyType({p: i for i, p in enumerate(POPULATIONS)})
#: The population that secretes IL-2 (antigen-activated CD4 helpers).
SECRETOR: int = INDEX["CD4"]

_LN2 = math.log(2.0)


@dataclass(frozen=True)
class SecretionMeasurement:
    """IL-2 secretion per activated T cell as a study estimated it from its own measurements.

    Attributes
    ----------
    basal_molecules_per_s
        Secretion rate per cell at the start of stimulation, molecules per second.
    max_boost_fold
        Largest rise of that rate over its basal value that the study saw.
    source
        Reference key.
    method
        How the rate was obtained.
    """

    basal_molecules_per_s: float
    max_boost_fold: float
    source: str
    method: str

    @property
    def max_molecules_per_s(self) -> float:
        """The boosted rate, :attr:`basal_molecules_per_s` times :attr:`max_boost_fold`."""
        return self.basal_molecules_per_s * self.max_boost_fold


#: Tkach et al. 2014, the figure supplement that sets their model's secretion: IL-2 accumulating in the medium of
#: T cells cultured with antigen-presenting cells (1e3 to 1e5 T cells per well, 1 nM to 1 µM of the
#: K5 peptide), read 8 h after the start, gave a basal rate of 7.5 molecules per cell per second;
#: the fastest acceleration (1e3 T cells at 1 µM K5) raised it at most 30-fold (225 per second).
TKACH_SECRETION = SecretionMeasurement(
    basal_molecules_per_s=7.5, max_boost_fold=30.0, source="tkach2014",
    method="IL-2 accumulation in T cell and antigen-presenting cell co-cultures, per T cell")


@register("T cell growth")
@dataclass(frozen=True)
class GrowthParameters(CitedParameters):
    """Kinetic parameters of IL-2-driven growth (one set for both compartments)."""

    secretion_molecules_per_s: float = cited(
        10.0, "molecules/cell/s", "IL-2 secretion rate of an activated CD4+ helper T cell seeing antigen",
        "hofer2012,oyleryaniv2017,tkach2014", low=0.0,
        note="value used by the IL-2 secretion and consumption models of the Höfer and Altan-Bonnet "
        "groups, whose parameter scans span 10-100 (read in their modelling code, †); the basal rate "
        "that tkach2014 estimated from IL-2 accumulating in their cultures lies close to it "
        "(TKACH_SECRETION)",
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

    programmed_division_time_h: float = cited(
        10.0, "h", "Division time of antigen-activated T cells in their IL-2-independent division program",
        "kaech2001,vanstipdonk2001,kundig1993,bachmann1995",
        low=2.0, high=1e4,
        note="modelling choice: a brief antigen encounter commits naive CD8 T cells to at least seven "
        "divisions without further antigen (kaech2001; 2 h of stimulation suffice, vanstipdonk2001), "
        "and mice without IL-2 mount primary CTL responses to LCMV within the normal range "
        "(kundig1993) or moderately reduced (bachmann1995); IL-2 raises the rate towards the 8-h "
        "division time of the LCMV peak (division_time_h) and keeps effectors alive",
    )
    program_duration_h: float = cited(
        168.0, "h", "Length of the antigen-triggered division program from the start of antigen",
        "kaech2001,vanstipdonk2001,murali1998", low=0.0,
        note="modelling choice: the program runs for the week of expansion to the LCMV peak "
        "(murali1998), whether or not antigen is still present (kaech2001, vanstipdonk2001)",
    )
    effector_capacity_fold: float = cited(
        2e4, "1", "Carrying capacity of helper and cytotoxic T cells, as a multiple of their start",
        "murali1998", low=1.0,
        note="modelling choice: division slows as (1 - N/K); the CD8 response to LCMV expands at "
        "least 10,000-fold (murali1998), and K bounds the expansion near that size",
    )
    resident_capacity_fold: float = cited(
        8.0, "1", "Carrying capacity of NK and regulatory T cells, as a multiple of their resting size",
        "koreth2016,boyman2012", low=1.0,
        note="modelling choice: division slows as (1 - N/K), which bounds the expansion of resident "
        "cells under sustained IL-2; IL-2 complexes expand them several-fold (boyman2012) and daily "
        "low-dose IL-2 raised Tregs more than five-fold in 12 weeks (koreth2016); the value sets the "
        "plateau, which the library's low-dose test compares with koreth2016",
    )
    resting_secretion_molecules_per_s: float = cited(
        0.05, "molecules/cell/s", "IL-2 secretion of a resting conventional CD4 T cell without antigen",
        "setoguchi2005", low=0.0,
        note="modelling choice (0.5% of the activated rate): in normal mice CD25-low CD4 T cells "
        "transcribe and secrete IL-2 in the physiological state, and this IL-2 maintains regulatory T "
        "cells (setoguchi2005); the rate is not measured, and sets a resting niche IL-2 of a few pM",
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
    def programmed_division_rate_per_h(self) -> float:
        r"""IL-2-independent division rate of the antigen-triggered program, :math:`\ln 2 / t_{prog}` (1/h)."""
        return _LN2 / self.programmed_division_time_h

    @property
    def resting_secretion_molecules_per_h(self) -> float:
        """Resting secretion rate per conventional CD4 T cell in molecules per hour."""
        return self.resting_secretion_molecules_per_s / float(seconds_to_hours(1.0))

    @property
    def secretion_molecules_per_h(self) -> float:
        """Secretion rate per helper in molecules per hour."""
        return self.secretion_molecules_per_s / float(seconds_to_hours(1.0))


def max_division_rate_per_h(params: GrowthParameters = GrowthParameters()) -> float:
    r"""Division rate at full IL-2 signal, :math:`\ln 2 / t_{div}` (1/h); reference :cite:t:`murali1998`."""
    return params.max_division_rate_per_h

