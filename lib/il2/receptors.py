r"""One description of the IL-2 receptor system, passed through every layer of the library.

A :class:`ReceptorModel` holds everything that decides how a cell reads IL-2: the binding
constants of the three receptor chains (:class:`il2.binding.BindingParameters`), the receptor
counts of the built-in cell types (:class:`il2.binding.ReceptorCounts`), the internalisation
rates that make a cell consume IL-2 (:class:`il2.trafficking.TraffickingParameters`) and the
signalling steps from complexes to pSTAT5 and proliferation
(:class:`il2.signaling.SignalingParameters`). It is immutable and hashable, and the layers
above (:mod:`il2.growth`, :mod:`il2.therapy`, the therapeutic window of :mod:`il2.toxicity`)
take it as an argument and cache their derived tables by it. A "what if?" is then a changed
model, not new code::

    weak_cd25 = DEFAULT_MODEL.with_binding(kd_alpha_pM=50 * DEFAULT_MODEL.binding.kd_alpha_pM)
    growth.simulate(model=weak_cd25)

and an engineered IL-2 (a mutein with changed CD25 or CD122 affinity) is a model with its own
name and constants.

Imports: :mod:`il2.binding`, :mod:`il2.signaling`, :mod:`il2.trafficking` and the layers below.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2 import binding, signaling
from il2.binding import BindingParameters, CellType, ReceptorCounts
from il2.signaling import SignalingParameters
from il2.trafficking import TraffickingParameters

__all__ = ["ReceptorModel", "DEFAULT_MODEL", "check_model"]


@dataclass(frozen=True)
class ReceptorModel:
    """The IL-2 receptor system: binding, receptor counts, uptake and signalling.

    Parameters
    ----------
    name
        A label for the ligand and its receptors (shown in figures and results).
    binding
        Binding constants of IL-2 to the chains and of the chains to each other.
    counts
        Receptor chains per cell of the built-in cell types.
    trafficking
        Internalisation rates (the IL-2 uptake of a cell) and the trafficking model.
    signaling
        The steps from signalling complexes to pSTAT5 and to a proliferation signal.

    Notes
    -----
    Frozen and hashable: equal models compare and hash equal, so layers above cache their
    tables by the model itself. Change one part with :meth:`with_binding`,
    :meth:`with_counts`, :meth:`with_signaling` or :meth:`with_trafficking` (each validates
    the changed values and names a bad one in its ``ValueError``).
    """

    name: str = "IL-2"
    binding: BindingParameters = field(default_factory=BindingParameters)
    counts: ReceptorCounts = field(default_factory=ReceptorCounts)
    trafficking: TraffickingParameters = field(default_factory=TraffickingParameters)
    signaling: SignalingParameters = field(default_factory=SignalingParameters)

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"name must be a non-empty string; got {self.name!r}")
        for attr, cls in (("binding", BindingParameters), ("counts", ReceptorCounts),
                          ("trafficking", TraffickingParameters), ("signaling", SignalingParameters)):
            value = getattr(self, attr)
            if not isinstance(value, cls):
                raise ValueError(f"{attr} must be a {cls.__name__}; got {type(value).__name__}")

    # -- variants ------------------------------------------------------------------------
    def with_binding(self, name: str | None = None, **changes: float) -> "ReceptorModel":
        """A copy with binding constants changed (``kd_alpha_pM=...``) and optionally renamed."""
        return self._replace(name, binding=dataclasses.replace(self.binding, **changes))

    def with_counts(self, name: str | None = None, **changes: float) -> "ReceptorModel":
        """A copy with receptor counts changed (``nk_cd122=...``) and optionally renamed."""
        return self._replace(name, counts=dataclasses.replace(self.counts, **changes))

    def with_signaling(self, name: str | None = None, **changes: float) -> "ReceptorModel":
        """A copy with signalling parameters changed and optionally renamed."""
        return self._replace(name, signaling=dataclasses.replace(self.signaling, **changes))

    def with_trafficking(self, name: str | None = None, **changes: float) -> "ReceptorModel":
        """A copy with trafficking (uptake) parameters changed and optionally renamed."""
        return self._replace(name, trafficking=dataclasses.replace(self.trafficking, **changes))

    def _replace(self, name: str | None, **parts: Any) -> "ReceptorModel":
        if name is not None:
            parts["name"] = name
        return dataclasses.replace(self, **parts)

    # -- cells -----------------------------------------------------------------------------
    @property
    def cells(self) -> Mapping[str, CellType]:
        """The built-in cell types with this model's receptor counts (read-only)."""
        return _cells(self.counts)

    def cell(self, cell: CellType | str) -> CellType:
        """A built-in cell type by name (with this model's counts), or a :class:`CellType` itself."""
        return binding.cell_type(cell, self.counts)

    # -- the receptor system's responses (one implementation each, in binding and signaling) --
    def signaling_complexes(self, cell: CellType | str, il2_pM: ArrayLike) -> NDArray[np.float64]:
        """Signalling complexes per cell at equilibrium (:func:`il2.binding.signaling_complexes`)."""
        return binding.signaling_complexes(self.cell(cell), il2_pM, self.binding)

    def internalization_rate(self, cell: CellType | str, il2_pM: ArrayLike) -> NDArray[np.float64]:
        """IL-2 molecules taken up per cell per hour (:func:`il2.binding.internalization_rate`)."""
        return binding.internalization_rate(self.cell(cell), il2_pM, self.binding, self.trafficking)

    def pstat5(self, cell: CellType | str, il2_pM: ArrayLike) -> NDArray[np.float64]:
        """pSTAT5 fraction at equilibrium (:func:`il2.signaling.pstat5_fraction`)."""
        return signaling.pstat5_fraction(self.cell(cell), il2_pM, self.signaling, self.binding)

    def proliferation_signal(self, cell: CellType | str, il2_pM: ArrayLike) -> NDArray[np.float64]:
        """Proliferation signal in [0, 1] (:func:`il2.signaling.proliferation_signal`)."""
        return signaling.proliferation_signal(self.cell(cell), il2_pM, self.signaling, self.binding)

    def apparent_kd_pM(self, cell: CellType | str) -> float:
        """Apparent dissociation constant at low IL-2 (:func:`il2.binding.apparent_kd_pM`)."""
        return binding.apparent_kd_pM(self.cell(cell), self.binding)

    def ec50_pM(self, cell: CellType | str, t_h: float | None = None) -> float:
        """pSTAT5 EC50 at equilibrium or after ``t_h`` hours (:func:`il2.signaling.ec50_pM`).

        Cached by (model, cell, time) for built-in cell names: the kinetic EC50 takes a fraction
        of a second.
        """
        if isinstance(cell, str):
            return _ec50_cached(self, cell, None if t_h is None else float(t_h))
        return signaling.ec50_pM(self.cell(cell), self.signaling, self.binding, t_h=t_h)


@functools.lru_cache(maxsize=32)
def _cells(counts: ReceptorCounts) -> Mapping[str, CellType]:
    return binding.built_in_cells(counts)


@functools.lru_cache(maxsize=256)
def _ec50_cached(model: ReceptorModel, cell: str, t_h: float | None) -> float:
    return signaling.ec50_pM(model.cell(cell), model.signaling, model.binding, t_h=t_h)


#: The book's receptor model: every default, each cited on the Parameters page.
DEFAULT_MODEL = ReceptorModel()


def check_model(model: Any, name: str = "model") -> ReceptorModel:
    """``model`` itself if it is a :class:`ReceptorModel`, else a ``ValueError`` naming it."""
    if not isinstance(model, ReceptorModel):
        raise ValueError(f"{name} must be an il2.receptors.ReceptorModel; got {type(model).__name__}")
    return model
