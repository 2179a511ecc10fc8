r"""Engineered IL-2 as data: muteins, a PEGylated prodrug and a CD25 fusion as changed constants.

Every engineered IL-2 of the book is a record (:class:`Variant`) stating how it differs from
wild-type IL-2 in the terms of the receptor model (:mod:`il2.receptors`): the fold change of its
dissociation constant for CD25 (IL-2Rα) and for CD122 (IL-2Rβ), of its on-rates where a source
gives them, and its plasma half-life, each with the BibTeX key of its source. A fold above 1
means *weaker* binding (a larger :math:`K_d`):

.. math::

    f_\alpha = \frac{K_\alpha^\mathrm{variant}}{K_\alpha^\mathrm{WT}}, \qquad
    f_\beta = \frac{K_\beta^\mathrm{variant}}{K_\beta^\mathrm{WT}}, \qquad
    K_\alpha \to f_\alpha K_\alpha,\quad K_\beta \to f_\beta K_\beta .

Where the fold is not confirmed from a source it is ``None`` and the record's note says so;
:func:`receptor_model` then refuses to guess unless the caller states an assumption.

The Fc-fused muteins of the Meyer lab (:cite:alp:`orcuttjahns2021`) take their folds from
:data:`il2.measurements.MUTEIN_AFFINITIES`, each relative to the wild-type construct with the
Fc on the same end (N- or C-terminal); no number of that table is typed here again. Their
CD122 constant was measured against the CD122/γc heterodimer, and the model's
:math:`K_\beta` is IL-2 on CD122 alone: the fold is applied to :math:`K_\beta` on the
assumption that the mutation changes the CD122 contact, not the γc contact.

Three further results are kept here:

* :func:`selectivity_map`: equilibrium pSTAT5 EC50 of each cell type over a grid of CD25 ×
  CD122 fold changes, vectorised (the equilibrium is algebraic, :mod:`il2.binding`), with the
  Treg selectivity (NK EC50 over Treg EC50);
* :func:`mutein_comparison`: the EC50 shift of each Fc mutein against its own wild-type
  construct, measured (:data:`il2.measurements.LIGAND_EC50_RECORDS`) and predicted;
* :data:`CLINICAL_OUTCOMES`: what happened to the engineered drugs in trials;
* :func:`variant_course`: a treatment course of a variant through the pharmacokinetic, growth
  and capillary-leak models, dosed to engage NK cells as much as aldesleukin does.

Imports: :mod:`il2.receptors`, :mod:`il2.binding`, :mod:`il2.signaling`,
:mod:`il2.measurements`, :mod:`il2.outcomes`, :mod:`il2.validation`; :func:`variant_course`
also :mod:`il2.pk`, :mod:`il2.therapy` and :mod:`il2.toxicity` (loaded when first called), so
this module sits above every model layer.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping, Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray

from il2 import measurements
from il2.binding import CELL_NAMES, _free_cd132, _species
from il2.outcomes import BinomialCI, exact_ci
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.signaling import hill
from il2.validation import check_array, check_choice, check_scalar

__all__ = [
    "KINDS",
    "NO_BINDING_FOLD",
    "Variant",
    "VARIANTS",
    "variant",
    "variant_table",
    "receptor_model",
    "SelectivityMap",
    "selectivity_map",
    "ShiftRow",
    "mutein_comparison",
    "ClinicalOutcome",
    "CLINICAL_OUTCOMES",
    "clinical_outcome",
    "LEAK_ROUTES",
    "equal_engagement_factor",
    "endothelial_potency",
    "VariantCourse",
    "variant_course",
]

#: Kinds of engineered IL-2 the records distinguish.
KINDS: tuple[str, ...] = ("mutein", "prodrug", "fusion")

#: Numerical stand-in for "does not bind cellular CD25" (``cd25_kd_fold = inf``) when a
#: :class:`il2.binding.BindingParameters` must hold a finite constant: the CD25 dissociation
#: constant is multiplied by 1e6 (10 nM becomes 10 mM), so that CD25 holds less than 1e-4 of
#: the IL-2 it meets at any concentration reached in therapy (up to 1 µM), and the Treg EC50
#: equals that of a Treg without CD25 within 1e-4. A larger factor makes the binding kinetics
#: too stiff for the solver of :func:`il2.binding.kinetics`. A modelling choice, not a
#: measurement; :func:`selectivity_map` uses the infinite fold itself.
NO_BINDING_FOLD: float = 1e6

_FOLD_FIELDS = ("cd25_kd_fold", "cd122_kd_fold", "cd25_kon_fold", "cd122_kon_fold")


def _check_fold(owner: str, name: str, value: object, allow_inf: bool) -> float | None:
    """``None`` (unknown), or a positive fold; ``inf`` only where ``allow_inf``."""
    if value is None:
        return None
    label = f"{owner}.{name}"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise ValueError(f"{label} must be a positive number or None; got {value!r}")
    v = float(value)
    if math.isnan(v):
        raise ValueError(f"{label} must be a positive number or None; got nan")
    if math.isinf(v) and v > 0:
        if allow_inf:
            return v
        raise ValueError(f"{label} must be finite (only cd25_kd_fold may be inf, 'no CD25 binding'); got {v!r}")
    return check_scalar(label, v, 0.0, low_open=True)


@dataclass(frozen=True)
class Variant:
    """One engineered IL-2 as changes of the receptor model's constants, each with its source.

    Attributes
    ----------
    name
        Short label, e.g. ``"F42Q"``, ``"H9"``, ``"bempegaldesleukin"``.
    kind
        ``"mutein"``, ``"prodrug"`` or ``"fusion"`` (:data:`KINDS`).
    description
        What the molecule is, in one sentence.
    cd25_kd_fold, cd122_kd_fold
        Fold change of the dissociation constant for CD25 and for CD122 relative to wild-type
        IL-2 (> 1: weaker binding). ``None``: not confirmed from a source (see ``note``).
        ``cd25_kd_fold = inf`` means the molecule does not bind cellular CD25.
    cd25_kon_fold, cd122_kon_fold
        Fold change of the association rates; ``None``: no source gives them, the model keeps
        wild-type on-rates.
    half_life_h
        Plasma half-life (h) in people; ``None``: not confirmed (see ``note``).
    sources
        BibTeX key of each number, keyed by field name (``"cd25_kd_fold"``, ...) plus
        ``"design"`` for the description.
    construct, wt_construct
        For the Fc muteins: the labels of the mutein and of its wild-type construct in
        :data:`il2.measurements.MUTEIN_AFFINITIES`, from which the folds are derived.
    ec50_ligands
        For the Fc muteins: ``(mutein, wild type)`` ligand labels of
        :data:`il2.measurements.LIGAND_EC50_RECORDS` compared by :func:`mutein_comparison`,
        one pair per valency measured.
    note
        What a reader should know: what is confirmed, what is not and how the model treats it.
    """

    name: str
    kind: str
    description: str
    cd25_kd_fold: float | None = None
    cd122_kd_fold: float | None = None
    cd25_kon_fold: float | None = None
    cd122_kon_fold: float | None = None
    half_life_h: float | None = None
    sources: Mapping[str, str] = dataclasses.field(default_factory=dict)
    construct: str = ""
    wt_construct: str = ""
    ec50_ligands: tuple[tuple[str, str], ...] = ()
    note: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise ValueError(f"Variant.name must be a non-empty string; got {self.name!r}")
        check_choice(f"{self.name}.kind", self.kind, KINDS)
        for f in _FOLD_FIELDS:
            object.__setattr__(self, f, _check_fold(self.name, f, getattr(self, f), f == "cd25_kd_fold"))
        if self.half_life_h is not None:
            object.__setattr__(self, "half_life_h",
                               check_scalar(f"{self.name}.half_life_h", self.half_life_h, 0.0, low_open=True))
        srcs = dict(self.sources)
        for f in _FOLD_FIELDS + ("half_life_h",):
            if getattr(self, f) is not None and not srcs.get(f):
                raise ValueError(f"{self.name}.sources must name the source of {f}")
        object.__setattr__(self, "sources", MappingProxyType(srcs))

    def __hash__(self) -> int:  # the sources mapping is not hashable by itself
        return hash((self.name, self.kind, self.cd25_kd_fold, self.cd122_kd_fold,
                     self.cd25_kon_fold, self.cd122_kon_fold, self.half_life_h))

    @property
    def source_keys(self) -> frozenset[str]:
        """Every BibTeX key the record cites."""
        return frozenset(k.strip() for v in self.sources.values() for k in v.split(",") if k.strip())

    @property
    def cd25_affinity_fold(self) -> float | None:
        """Affinity (1/Kd) for CD25 relative to wild type: ``1 / cd25_kd_fold``."""
        return None if self.cd25_kd_fold is None else 1.0 / self.cd25_kd_fold

    @property
    def cd122_affinity_fold(self) -> float | None:
        """Affinity (1/Kd) for CD122 relative to wild type: ``1 / cd122_kd_fold``."""
        return None if self.cd122_kd_fold is None else 1.0 / self.cd122_kd_fold


_ORCUTT = measurements.MUTEIN_AFFINITY_SOURCE.key
_FC_NOTE = (
    "Fc-fused construct (monomeric IL-2-Fc) measured by bio-layer interferometry; folds relative to "
    "the wild-type construct with the Fc on the same end. CD122 was measured as the CD122/γc "
    "heterodimer and the fold is applied to the model's CD122 constant. On-rates and half-life "
    "are not in the table: the model keeps wild-type on-rates."
)


def _fc_mutein(name: str, construct: str, wt_construct: str, description: str,
               ec50_ligands: tuple[tuple[str, str], ...], note: str) -> Variant:
    """A mutein whose folds are ratios of two rows of :data:`il2.measurements.MUTEIN_AFFINITIES`."""
    m = measurements.mutein_affinity(construct)
    wt = measurements.mutein_affinity(wt_construct)
    if m.fc_fusion != wt.fc_fusion:
        raise ValueError(f"{construct!r} and {wt_construct!r} have the Fc on different ends")
    return Variant(
        name=name, kind="mutein", description=description,
        cd25_kd_fold=m.cd25_kd_nM / wt.cd25_kd_nM,
        cd122_kd_fold=m.cd122_gc_kd_nM / wt.cd122_gc_kd_nM,
        sources={"cd25_kd_fold": m.source, "cd122_kd_fold": m.source, "design": _ORCUTT},
        construct=construct, wt_construct=wt_construct, ec50_ligands=ec50_ligands,
        note=f"{note} {_FC_NOTE}",
    )


#: The engineered IL-2s of the book, in the order the chapter discusses them.
VARIANTS: tuple[Variant, ...] = (
    _fc_mutein(
        "F42Q", "F42Q N-Term", "WT N-term",
        "'No-alpha' mutein: F42Q in the CD25 contact of IL-2, Fc-fused at the N-terminus",
        (("F42Q N-Term (Mono)", "WT N-term (Mono)"),),
        "The strongest loss of CD25 binding among the Meyer-lab muteins.",
    ),
    _fc_mutein(
        "R38Q", "R38Q N-term", "WT N-term",
        "Mutein with R38Q in the CD25 contact of IL-2, Fc-fused at the N-terminus",
        (("R38Q N-term (Mono)", "WT N-term (Mono)"), ("R38Q N-term (Biv)", "WT N-term (Biv)")),
        "A milder CD25 mutation than F42Q.",
    ),
    _fc_mutein(
        "V91K", "V91K C-term", "WT C-term",
        "Treg-selective mutein with V91K in the CD122 contact of IL-2, Fc-fused at the C-terminus",
        (("V91K C-term (Mono)", "WT C-term (Mono)"),),
        "Weakens CD122 binding so that CD25-rich Tregs keep responding.",
    ),
    _fc_mutein(
        "N88D", "N88D C-term", "WT C-term",
        "Treg-selective mutein with N88D in the CD122 contact of IL-2, Fc-fused at the C-terminus",
        (("N88D C-term (Mono)", "WT C-term (Mono)"),),
        "The strongest loss of CD122 binding among the Meyer-lab muteins.",
    ),
    _fc_mutein(
        "H16N", "H16N N-term", "WT N-term",
        "Treg-selective mutein with H16N in the CD122 contact of IL-2, Fc-fused at the N-terminus",
        (("H16N N-term (Mono)", "WT N-term (Mono)"), ("H16N N-term (Biv)", "WT N-term (Biv)")),
        "Weakens CD122 binding, CD25 binding nearly unchanged.",
    ),
    Variant(
        name="H9", kind="mutein",
        description=("The 'superkine' (super-2) evolved in vitro for tighter CD122 binding, which signals "
                     "without CD25"),
        sources={"design": "levin2012"},
        note=(
            "Levin et al. 2012 (abstract, confirmed) report higher CD122 affinity, CD25-independent "
            "pSTAT5 and proliferation, more CD8 than Treg expansion and less pulmonary oedema in mice. "
            "The numbers usually quoted (CD122 Kd about 1.7 nM against about 280 nM for wild type, about "
            "200-fold) were not confirmed from a source read here, so cd122_kd_fold is None; no CD25 "
            "number was read either, so cd25_kd_fold is None too. Pass "
            "cd122_kd_fold (and cd25_kd_fold) to receptor_model to state an assumption. No human "
            "half-life: H9 was not given to people in that work."
        ),
    ),
    Variant(
        name="bempegaldesleukin", kind="prodrug",
        description=("NKTR-214: IL-2 carrying releasable polyethylene glycol chains at the CD25 contact; "
                     "inactive as given, the 1- and 2-PEG species released in vivo are the active forms"),
        sources={"design": "charych2017"},
        note=(
            "Charych et al. 2017 (abstract, confirmed): the PEG chains sit where IL-2 contacts CD25, so "
            "binding to the high-affinity (αβγ) receptor falls more than binding to βγ; free IL-2 is "
            "undetectable in vivo because it is cleared faster than it is released. The fold changes of "
            "the released species for CD25 and CD122 and the effective half-life in people were not "
            "confirmed from a source read here: all None. receptor_model models the active released "
            "species as a mutein with the folds the caller states; the prodrug's PEG release is a "
            "pharmacokinetic process not modelled here."
        ),
    ),
    Variant(
        name="nemvaleukin", kind="fusion",
        description=("Nemvaleukin alfa (ALKS 4230): circularly permuted IL-2 fused to the extracellular "
                     "domain of CD25, so that its own CD25 domain occupies IL-2's CD25 face"),
        cd25_kd_fold=math.inf,
        cd122_kd_fold=1.0,
        sources={"design": "lopes2020", "cd25_kd_fold": "lopes2020", "cd122_kd_fold": "lopes2020"},
        note=(
            "Lopes et al. 2020 (abstract, confirmed): designed to activate cells with the "
            "intermediate-affinity (βγ) receptor; equipotent to aldesleukin on βγ cells and less "
            "potent on αβγ cells. The model reads 'equipotent on βγ' as an unchanged CD122 constant "
            "(fold 1, inferred from function, not a measured Kd) and the fused CD25 domain as no "
            "binding to cellular CD25 (fold inf; receptor_model uses NO_BINDING_FOLD). The fusion's "
            "larger size and any residual high-affinity binding are not modelled. Half-life in "
            "people not confirmed: None."
        ),
    ),
)

_BY_NAME = {v.name: v for v in VARIANTS}


def variant_table() -> tuple[dict[str, object], ...]:
    """One row per variant for a chapter table: name, kind, folds, half-life and sources.

    Unknown numbers stay ``None``; ``sources`` joins the distinct keys of the record.
    """
    return tuple(
        {"name": v.name, "kind": v.kind, "cd25_kd_fold": v.cd25_kd_fold, "cd122_kd_fold": v.cd122_kd_fold,
         "half_life_h": v.half_life_h, "sources": ",".join(sorted(v.source_keys))}
        for v in VARIANTS
    )


def variant(name: str) -> Variant:
    """The record of ``name`` (one of :data:`VARIANTS`), or ``ValueError`` naming the choices."""
    return _BY_NAME[check_choice("name", name, tuple(_BY_NAME))]


# ---------------------------------------------------------------------------------------------
# The receptor model of a variant
# ---------------------------------------------------------------------------------------------


def receptor_model(
    variant: Variant | str,
    base: ReceptorModel = DEFAULT_MODEL,
    *,
    cd25_kd_fold: float | None = None,
    cd122_kd_fold: float | None = None,
) -> ReceptorModel:
    r"""The base receptor model with the variant's binding changes applied.

    .. math::

        K_\alpha \to f_\alpha K_\alpha, \qquad K_\beta \to f_\beta K_\beta, \qquad
        k_\mathrm{on}^{\alpha} \to g_\alpha k_\mathrm{on}^{\alpha}, \qquad
        k_\mathrm{on}^{\beta} \to g_\beta k_\mathrm{on}^{\beta}

    (on-rate folds :math:`g` only where the record gives them). Receptor counts, membrane
    recruitment, uptake and signalling stay those of ``base``.

    Modelling choices by kind:

    * **mutein**: the folds as recorded (for the Fc muteins, relative to their own wild-type
      Fc construct and applied to native IL-2: the Fc and its valency are not modelled).
    * **prodrug** (bempegaldesleukin): the model describes the *released, active* species as a
      mutein; the inactive fully PEGylated form and its release belong to pharmacokinetics.
    * **fusion** (nemvaleukin): the fused CD25 domain blocks binding to cellular CD25
      (``cd25_kd_fold = inf``), represented by multiplying :math:`K_\alpha` by
      :data:`NO_BINDING_FOLD`; the CD122 constant is the recorded fold.

    Parameters
    ----------
    variant
        A :class:`Variant` or the name of one of :data:`VARIANTS`.
    base
        The receptor model to change (default: the book's model).
    cd25_kd_fold, cd122_kd_fold
        Folds to use where the record has none (an assumption the caller states, e.g. for H9).
        Giving a fold the record already has is an error: the record is the one source.

    Raises
    ------
    ValueError
        For an unknown variant, a fold that is missing from the record and not given, or an
        impossible fold (negative, zero, NaN), naming it.
    """
    v = globals()["variant"](variant) if isinstance(variant, str) else variant
    if not isinstance(v, Variant):
        raise ValueError(f"variant must be a Variant or one of {list(_BY_NAME)}; got {type(variant).__name__}")
    base = check_model(base, "base")
    folds = {}
    for field_name, given in (("cd25_kd_fold", cd25_kd_fold), ("cd122_kd_fold", cd122_kd_fold)):
        recorded = getattr(v, field_name)
        if given is not None and recorded is not None:
            raise ValueError(f"{field_name} is recorded for {v.name} ({recorded:g}, {v.sources[field_name]}); "
                             "do not pass it again")
        value = recorded if recorded is not None else _check_fold(v.name, field_name, given,
                                                                   field_name == "cd25_kd_fold")
        if value is None:
            raise ValueError(
                f"{v.name}.{field_name} is not confirmed from a source (see the record's note); pass "
                f"{field_name}=... to receptor_model to state an assumption"
            )
        folds[field_name] = value
    b = base.binding
    changes = {
        "kd_alpha_pM": b.kd_alpha_pM * (NO_BINDING_FOLD if math.isinf(folds["cd25_kd_fold"])
                                        else folds["cd25_kd_fold"]),
        "kd_beta_pM": b.kd_beta_pM * folds["cd122_kd_fold"],
    }
    if v.cd25_kon_fold is not None:
        changes["kon_per_M_s"] = b.kon_per_M_s * v.cd25_kon_fold
    if v.cd122_kon_fold is not None:
        changes["kon_beta_per_M_s"] = b.kon_beta_per_M_s * v.cd122_kon_fold
    return base.with_binding(name=v.name, **changes)


# ---------------------------------------------------------------------------------------------
# Selectivity map (vectorised equilibrium EC50)
# ---------------------------------------------------------------------------------------------

#: Concentration range (pM) of the EC50 search, the same as :func:`il2.signaling.ec50_pM`'s:
#: the half-maximal response is half of the response at the upper end.
_MAP_LOW_PM, _MAP_HIGH_PM = 1e-4, 1e8
#: Bisection steps in ln(concentration): 27.6 / 2**36 is below 1e-9, far inside 2%.
_MAP_ITERATIONS = 36


@dataclass(frozen=True)
class SelectivityMap:
    """Equilibrium pSTAT5 EC50s over a grid of CD25 × CD122 fold changes.

    Attributes
    ----------
    cd25_folds, cd122_folds
        The fold changes of the CD25 and CD122 dissociation constants (rows and columns).
    cells
        Cell names, in the order of the first axis of ``ec50_pM``.
    ec50_pM
        EC50 (pM), shape ``(len(cells), len(cd25_folds), len(cd122_folds))``; ``nan`` for a
        cell without CD122 or CD132.
    base
        The receptor model the folds were applied to.
    """

    cd25_folds: NDArray[np.float64]
    cd122_folds: NDArray[np.float64]
    cells: tuple[str, ...]
    ec50_pM: NDArray[np.float64]
    base: ReceptorModel

    def ec50(self, cell: str) -> NDArray[np.float64]:
        """The EC50 grid (pM) of one cell type, shape ``(len(cd25_folds), len(cd122_folds))``."""
        return self.ec50_pM[self.cells.index(check_choice("cell", cell, self.cells))]

    def ratio(self, numerator: str = "NK", denominator: str = "Treg") -> NDArray[np.float64]:
        """EC50 of ``numerator`` over EC50 of ``denominator`` on the grid.

        With the defaults, the Treg selectivity: > 1 where Tregs respond at lower doses than NK
        cells.
        """
        return self.ec50(numerator) / self.ec50(denominator)

    @property
    def treg_selectivity(self) -> NDArray[np.float64]:
        """NK EC50 over Treg EC50 (needs both cells in the map)."""
        return self.ratio("NK", "Treg")


def _signaling_at(L, u, cell, k):
    """Signalling complexes at free IL-2 ``L`` and free CD132 ``u`` (algebraic, no root)."""
    sp = _species(L, u, cell.cd25, cell.cd122, k)
    return sp[5] + sp[6]


def selectivity_map(
    cd25_folds: ArrayLike,
    cd122_folds: ArrayLike,
    cells: Sequence[str] = ("Treg", "CD4", "CD8", "NK"),
    base: ReceptorModel = DEFAULT_MODEL,
    t_h: float | None = None,
) -> SelectivityMap:
    r"""Equilibrium pSTAT5 EC50 of each cell type over a grid of CD25 × CD122 affinity changes.

    For every pair :math:`(f_\alpha, f_\beta)` the model's constants become
    :math:`f_\alpha K_\alpha` and :math:`f_\beta K_\beta` (:func:`receptor_model`), and the EC50
    is the free IL-2 :math:`c` at which

    .. math::

        p_\mathrm{STAT5}(c) = \tfrac12\, p_\mathrm{STAT5}(10^8\ \mathrm{pM}),

    as in :func:`il2.signaling.ec50_pM`. All pairs are solved at once, and only the top of the
    curve needs the equilibrium's numerical root: since CD132 is conserved, the signalling
    complexes are :math:`S = G_T - G`, so the half-maximal response fixes the free CD132
    :math:`G^* = G_T - S^*` with :math:`S^* = K_S\,(h/(1-h))^{1/n}` (:math:`h` the half-maximal
    pSTAT5). Given :math:`G^*` every species is algebraic in :math:`c`
    (the binding module's private ``_species``), and :math:`S(c, G^*) = S^*` is solved by bisection in
    :math:`\ln c`, vectorised over all pairs.

    Parameters
    ----------
    cd25_folds, cd122_folds
        1-d arrays of fold changes of the CD25 and CD122 dissociation constants, each > 0;
        ``inf`` in ``cd25_folds`` means no CD25 binding.
    cells
        Built-in cell names (:data:`il2.binding.CELL_NAMES`).
    base
        The receptor model whose constants are scaled.
    t_h
        Only ``None`` (equilibrium) is supported; a time raises ``ValueError`` (use
        ``receptor_model(...).ec50_pM(cell, t_h=...)`` for single points).

    Returns
    -------
    SelectivityMap
    """
    if t_h is not None:
        raise ValueError(f"t_h must be None (the map is at equilibrium); got {t_h!r}")
    base = check_model(base, "base")
    finite = np.where(np.isposinf(np.asarray(cd25_folds, dtype=float)), 1.0, cd25_folds)
    check_array("cd25_folds", finite, 0.0)  # NaN, -inf, negative: ValueError naming the argument
    fa = np.asarray(cd25_folds, dtype=float)
    if fa.ndim != 1 or fa.size == 0 or np.any(fa <= 0):
        raise ValueError(f"cd25_folds must be a non-empty 1-d array of folds > 0 (inf: no CD25 binding); "
                         f"got {cd25_folds!r:.80}")
    fb = check_array("cd122_folds", cd122_folds, 0.0)
    if fb.ndim != 1 or fb.size == 0 or np.any(fb <= 0) or np.any(~np.isfinite(fb)):
        raise ValueError(f"cd122_folds must be a non-empty 1-d array of finite folds > 0; got {cd122_folds!r:.80}")
    if isinstance(cells, str):
        cells = (cells,)
    cells = tuple(check_choice("cells", c, CELL_NAMES) for c in cells)
    if not cells:
        raise ValueError("cells must name at least one cell type")

    b, sig = base.binding, base.signaling
    half_s, n_hill = sig.half_pstat5_complexes, sig.hill_pstat5
    ka = b.kd_alpha_pM * fa[:, None] * np.ones((1, fb.size))
    kb = b.kd_beta_pM * fb[None, :] * np.ones((fa.size, 1))
    k = (ka, kb, b.kd2d_alpha_beta, b.kd2d_beta_gamma, b.kd2d_alphabeta_gamma)
    shape = ka.shape
    out = np.full((len(cells),) + shape, np.nan)
    for i, name in enumerate(cells):
        cell = base.cell(name)
        if cell.cd122 <= 0 or cell.cd132 <= 0:
            continue
        top = np.full(shape, _MAP_HIGH_PM)
        s_top = _signaling_at(top, _free_cd132(top, cell.cd25, cell.cd122, cell.cd132, k), cell, k)
        half = 0.5 * hill(s_top, half_s, n_hill)
        s_half = half_s * (half / (1.0 - half)) ** (1.0 / n_hill)  # complexes giving half
        u_half = cell.cd132 - s_half  # CD132 is conserved: free = total - signalling complexes
        lo = np.full(shape, np.log(_MAP_LOW_PM))
        hi = np.full(shape, np.log(_MAP_HIGH_PM))
        at_floor = _signaling_at(np.exp(lo), u_half, cell, k) >= s_half
        for _ in range(_MAP_ITERATIONS):
            mid = 0.5 * (lo + hi)
            up = _signaling_at(np.exp(mid), u_half, cell, k) >= s_half
            hi = np.where(up, mid, hi)
            lo = np.where(up, lo, mid)
        out[i] = np.where(at_floor, _MAP_LOW_PM, np.exp(0.5 * (lo + hi)))
    return SelectivityMap(fa, fb, cells, out, base)


# ---------------------------------------------------------------------------------------------
# Model against the Meyer-lab EC50s
# ---------------------------------------------------------------------------------------------

#: Cell populations of the ``gc-valent`` EC50 table and the built-in model cell that stands for
#: each. The subsets (CD25-high/-low Treg and CD4, CD56bright NK) have no own receptor counts in
#: the model and are read with their parent population (``proxy=True`` in the table).
_MODEL_CELL = {
    "Treg": ("Treg", False), "Treg CD25hi": ("Treg", True), "Treg CD25lo": ("Treg", True),
    "CD4": ("CD4", False), "CD4 CD25hi": ("CD4", True), "CD4 CD25lo": ("CD4", True),
    "CD8": ("CD8", False), "NK": ("NK", False), "CD56bright NK": ("NK", True),
}


@dataclass(frozen=True)
class ShiftRow:
    """One mutein on one cell type: measured and predicted EC50 shift against its wild type.

    ``measured_shift`` = EC50(mutein) / EC50(wild-type construct) from
    :data:`il2.measurements.LIGAND_EC50_RECORDS`; ``predicted_shift`` = EC50 of
    :func:`receptor_model` over EC50 of the base model for ``model_cell``. ``proxy`` marks a
    measured subset read with its parent model cell; ``at_fit_floor`` marks a measured EC50 on
    the authors' 0.01 nM fit floor (an upper bound only); ``own_wt`` is False for a row that
    compares with the wild type fused at the *other* end (only with ``include_cross_fc``).
    """

    variant: str
    ligand: str
    wt_ligand: str
    valency: int
    cell: str
    model_cell: str
    proxy: bool
    mutein_ec50_pM: float
    wt_ec50_pM: float
    measured_shift: float
    predicted_shift: float
    at_fit_floor: bool
    source: str
    own_wt: bool = True


def mutein_comparison(
    base: ReceptorModel = DEFAULT_MODEL,
    t_h: float | None = None,
    variants: Sequence[Variant | str] | None = None,
    include_cross_fc: bool = False,
) -> tuple[ShiftRow, ...]:
    r"""EC50 shift of each Fc mutein against its own wild-type construct: data and model.

    For each mutein with EC50 records and each cell type measured for both the mutein and its
    wild-type construct of the same valency (:cite:alp:`orcuttjahns2021`),

    .. math::

        s_\mathrm{measured} = \frac{\mathrm{EC}_{50}^\mathrm{mutein}}{\mathrm{EC}_{50}^\mathrm{WT}},
        \qquad
        s_\mathrm{model} = \frac{\mathrm{EC}_{50}(\text{variant model})}{\mathrm{EC}_{50}(\text{base})}.

    Where model and data can disagree, and why:

    * **valency**: the bivalent (two IL-2 per Fc) constructs bind cells with avidity; the model is
      monovalent, so it predicts the same shift for ``(Mono)`` and ``(Biv)``;
    * **kinetics**: the data are short stimulations, the default prediction is at equilibrium
      (pass ``t_h``);
    * **the Fc fusion** itself, and the affinities being measured on Fc constructs, with CD122
      as the CD122/γc heterodimer;
    * **receptor counts**: subsets (CD25-high/-low, CD56bright NK) are read with the parent
      population's counts (``proxy``).

    The C-terminal wild-type construct (``WT C-term (Mono)``) was measured only on CD25-high CD4
    cells, where V91K and N88D were not: those two muteins have no pair with their own wild type
    and give no rows. With ``include_cross_fc=True`` a mutein is also compared with the wild type
    of the same valency fused at the other end (rows with ``own_wt=False``), a weaker comparison
    kept apart from the rank tests.

    What the table shows with the book's model (tested in ``tests/test_variants.py``):

    * **agree**: F42Q loses far more Treg potency than R38Q, in data and model (rank order of
      the CD25 mutations); bivalent R38Q keeps NK potency (shift below 1, the smallest of the
      directly measured cells) in both; bivalent H16N costs Tregs a few-fold in both;
    * **disagree in size**: every *monovalent* Fc mutein loses one to two orders of magnitude
      more Treg potency in the data than the model predicts, including the CD122 mutants
      (with ``include_cross_fc``), for which the model predicts almost none: in the model the
      Treg's high-affinity route buffers a weaker CD122 contact. The monovalent Fc wild type is
      itself about ten-fold less potent on Tregs than native IL-2 in the same table, so the Fc
      fusion and kinetics (short stimulation) are the likely causes, not the mutations alone;
    * **disagree in direction**: bivalent H16N is *more* potent on conventional CD4 cells and
      monovalent H16N on CD56bright NK cells than their wild types in the data, while the
      monovalent, equilibrium model predicts less (avidity of the Fc dimer; CD56bright NK
      cells read with the counts of all NK cells).

    Returns
    -------
    tuple of ShiftRow
    """
    base = check_model(base, "base")
    chosen = VARIANTS if variants is None else tuple(variant(v) if isinstance(v, str) else v for v in variants)
    rows = []
    for v in chosen:
        if not v.ec50_ligands:
            continue
        model = receptor_model(v, base)
        pairs = [(lig, wt_lig, True) for lig, wt_lig in v.ec50_ligands]
        if include_cross_fc:
            for lig, wt_lig in v.ec50_ligands:
                other = (wt_lig.replace("N-term", "C-term") if "N-term" in wt_lig
                         else wt_lig.replace("C-term", "N-term"))
                if any(r.ligand == other for r in measurements.LIGAND_EC50_RECORDS):
                    pairs.append((lig, other, False))
        for lig, wt_lig, own in pairs:
            mut, wt = measurements.ligand_ec50s(lig), measurements.ligand_ec50s(wt_lig)
            for cell in mut:
                if cell not in wt:
                    continue
                m, w = mut[cell], wt[cell]
                model_cell, proxy = _MODEL_CELL[cell]
                pred = model.ec50_pM(model_cell, t_h=t_h) / base.ec50_pM(model_cell, t_h=t_h)
                rows.append(ShiftRow(
                    variant=v.name, ligand=lig, wt_ligand=wt_lig, valency=m.valency, cell=cell,
                    model_cell=model_cell, proxy=proxy, mutein_ec50_pM=m.ec50_pM, wt_ec50_pM=w.ec50_pM,
                    measured_shift=m.ec50_pM / w.ec50_pM, predicted_shift=float(pred),
                    at_fit_floor=m.at_fit_floor or w.at_fit_floor, source=m.source, own_wt=own,
                ))
    return tuple(rows)


# ---------------------------------------------------------------------------------------------
# Clinical outcomes of the engineered drugs
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ClinicalOutcome:
    """A published trial result of an engineered IL-2.

    Attributes
    ----------
    key
        Short identifier of the trial.
    variant
        Name of the drug's record in :data:`VARIANTS`.
    trial, phase, setting
        Trial name, phase and patients.
    arms
        Arm labels, experimental first.
    patients
        Patients per arm (randomised, or evaluable where ``responders`` is given); ``None``
        where the source read does not give them.
    responders
        Objective responses per arm where the source gives counts (else ``None``).
    orr_percent
        Objective response rate per arm as published (``None`` where not reported).
    result
        The outcome in words (survival, status).
    source
        BibTeX key(s).
    note
        What a reader should know about the numbers.
    """

    key: str
    variant: str
    trial: str
    phase: str
    setting: str
    arms: tuple[str, ...]
    patients: tuple[int, ...] | None
    responders: tuple[int, ...] | None
    orr_percent: tuple[float, ...] | None
    result: str
    source: str
    note: str = ""

    def __post_init__(self) -> None:
        check_choice("variant", self.variant, tuple(_BY_NAME))
        if self.patients is not None and len(self.patients) != len(self.arms):
            raise ValueError(f"{self.key}: patients must give one count per arm")
        if self.orr_percent is not None and len(self.orr_percent) != len(self.arms):
            raise ValueError(f"{self.key}: orr_percent must give one rate per arm")
        if self.responders is not None:
            if self.patients is None:
                raise ValueError(f"{self.key}: responders need patients")
            if len(self.responders) != len(self.arms):
                raise ValueError(f"{self.key}: responders must give one count per arm")
            for r, n in zip(self.responders, self.patients):
                exact_ci(r, n)  # validates 0 <= r <= n

    def orr_ci(self, arm: int = 0, level: float = 0.95) -> BinomialCI:
        """Exact (Clopper-Pearson) interval of the response rate of one arm (needs counts)."""
        if self.responders is None or self.patients is None:
            raise ValueError(f"{self.key}: the source gives no response counts, so no exact interval")
        return exact_ci(self.responders[arm], self.patients[arm], level)


#: Trial results of the engineered drugs (each confirmed with its source).
CLINICAL_OUTCOMES: tuple[ClinicalOutcome, ...] = (
    ClinicalOutcome(
        key="pivot02", variant="bempegaldesleukin", trial="PIVOT-02 (melanoma cohort)",
        phase="II, single arm", setting="previously untreated stage III/IV melanoma",
        arms=("bempegaldesleukin 0.006 mg/kg + nivolumab 360 mg every 3 weeks",),
        patients=(38,), responders=(20,), orr_percent=(52.6,),
        result=("ORR 52.6% (20/38 efficacy-evaluable of 41 treated), complete responses 34.2% (13/38) "
                "by blinded central review at 29 months' median follow-up"),
        source="diab2021",
    ),
    ClinicalOutcome(
        key="pivotio001", variant="bempegaldesleukin", trial="PIVOT IO 001",
        phase="III, randomised, open label", setting="previously untreated unresectable or metastatic melanoma",
        arms=("bempegaldesleukin + nivolumab", "nivolumab"),
        patients=(391, 392), responders=None, orr_percent=(27.7, 36.0),
        result=("Fewer responses with the combination (ORR 27.7% vs 36.0%); median PFS 4.17 vs 4.99 months "
                "(HR 1.09); the primary end points were not met"),
        source="diab2023",
        note=("Response counts are not given in the abstract read; the percentages are as published, so "
              "no exact interval is computed."),
    ),
    ClinicalOutcome(
        key="artistry7", variant="nemvaleukin", trial="ARTISTRY-7",
        phase="III, randomised, open label", setting="platinum-resistant ovarian cancer",
        arms=("nemvaleukin + pembrolizumab", "investigator's choice chemotherapy"),
        patients=None, responders=None, orr_percent=None,
        result=("Stopped after the interim analysis: median overall survival 10.1 vs 9.8 months "
                "(HR 0.98), no significant improvement; development in this cancer ended (March 2025)"),
        source="mural2025",
        note=("From the sponsor's press release; patient numbers per arm were not confirmed. No "
              "peer-reviewed report read."),
    ),
    ClinicalOutcome(
        key="artistry6", variant="nemvaleukin", trial="ARTISTRY-6 (cohort 2)",
        phase="II, single arm", setting="mucosal melanoma",
        arms=("nemvaleukin alone",),
        patients=(92,), responders=None, orr_percent=None,
        result=("Primary end point (objective response rate) not met; the sponsor then ended all "
                "clinical development of nemvaleukin (April 2025; from a news report of the "
                "announcement †)"),
        source="rttnews2025",
        note=("From a news report of the sponsor's announcement (†); no response rate was "
              "given there and no peer-reviewed report was read."),
    ),
)

_OUTCOMES = {o.key: o for o in CLINICAL_OUTCOMES}


def clinical_outcome(key: str) -> ClinicalOutcome:
    """The trial record ``key`` of :data:`CLINICAL_OUTCOMES`."""
    return _OUTCOMES[check_choice("key", key, tuple(_OUTCOMES))]


# ---------------------------------------------------------------------------------------------
# A treatment course of a variant, at equal receptor engagement
# ---------------------------------------------------------------------------------------------

#: How the capillary leak reads a variant (:func:`endothelial_potency`): ``"CD25"``, the
#: endothelium senses IL-2 through CD25, as a CD25-rich cell does (read with the Treg of the
#: receptor model, :cite:t:`krieg2010`); ``"killer cells"``, the leak follows the activation of the
#: CD25-poor killer cells and the cytokines they release (read with the NK cell). Two bounds of
#: a mechanism the book's sources do not split (the risks chapter lists both routes).
LEAK_ROUTES: Mapping[str, str] = MappingProxyType({"CD25": "Treg", "killer cells": "NK"})


def equal_engagement_factor(model: ReceptorModel, cell: str = "NK",
                            base: ReceptorModel = DEFAULT_MODEL) -> float:
    r"""Dose of the variant, relative to aldesleukin, that engages ``cell`` equally.

    .. math::

        \phi = \frac{\theta_j(\text{variant})}{\theta_j(\text{aldesleukin})},

    with :math:`\theta_j` the therapy threshold of cell type :math:`j` (its pSTAT5 EC50 after
    the therapy chapter's exposure, :func:`il2.therapy.threshold_pM`). Pharmacokinetics are
    linear, so a dose :math:`\phi D` gives the concentration curve :math:`\phi\,c(t)`, which
    crosses the variant's threshold exactly when :math:`c(t)` crosses aldesleukin's.
    """
    from il2 import therapy

    model = check_model(model)
    base = check_model(base, "base")
    cell = check_choice("cell", cell, CELL_NAMES)
    return float(therapy.threshold_pM(cell, model=model) / therapy.threshold_pM(cell, model=base))


def endothelial_potency(model: ReceptorModel, route: str = "CD25",
                        base: ReceptorModel = DEFAULT_MODEL) -> float:
    r"""Potency of the variant on the capillary leak relative to aldesleukin (molar basis).

    .. math::

        \pi = \frac{\theta_r(\text{aldesleukin})}{\theta_r(\text{variant})},

    with :math:`r` the cell that stands for the route (:data:`LEAK_ROUTES`). The leak model's
    stimulus :math:`S(C) = C^h/(C^h + EC_{50}^h)` (:mod:`il2.toxicity.endothelium`) of the
    variant at plasma level :math:`C` is then that of aldesleukin at :math:`\pi C`, i.e. its
    :math:`EC_{50}` is divided by :math:`\pi`. A modelling choice: the endothelium has no
    receptor counts in the library.
    """
    from il2 import therapy

    model = check_model(model)
    base = check_model(base, "base")
    cell = LEAK_ROUTES[check_choice("route", route, tuple(LEAK_ROUTES))]
    return float(therapy.threshold_pM(cell, model=base) / therapy.threshold_pM(cell, model=model))


@dataclass(frozen=True)
class VariantCourse:
    """A course of a variant, dosed for equal engagement of one cell type (:func:`variant_course`).

    Attributes
    ----------
    name
        The variant's name (``"aldesleukin"`` for the unchanged model).
    model
        Its receptor model.
    match_cell
        The cell type whose engagement equals aldesleukin's.
    dose_factor
        Dose relative to aldesleukin, in moles (:func:`equal_engagement_factor`).
    route
        The leak route (:data:`LEAK_ROUTES`), and ``potency`` its :func:`endothelial_potency`.
    regimen
        The regimen given, in aldesleukin-equivalent IU (moles of the variant expressed as
        the IU of the same moles of aldesleukin).
    pd
        Cell expansion (:func:`il2.therapy.pharmacodynamics` with the variant's model).
    leak
        Capillary leak, pressure and weight (:func:`il2.toxicity.simulate_course`, every dose
        given, the endothelial EC50 divided by ``potency``).
    """

    name: str
    model: ReceptorModel
    match_cell: str
    dose_factor: float
    route: str
    potency: float
    regimen: object
    pd: object
    leak: object

    @property
    def weight_gain_kg(self) -> float:
        """Largest weight gain over the course (oedema), kg."""
        return float(self.leak.weight_gain_kg)

    @property
    def min_systolic_mmHg(self) -> float:
        """Lowest systolic pressure, mmHg."""
        return float(self.leak.min_systolic_mmHg)

    def peak_fold(self, population: str) -> float:
        """Largest fold change of ``population`` (``"Treg"``, ``"NK"``, ``"CD8"``)."""
        return float(self.pd.peak_fold[check_choice("population", population, tuple(self.pd.peak_fold))])


@functools.lru_cache(maxsize=32)
def _pharmacodynamics(regimen: object, weight_kg: float, follow_up_h: float, model: ReceptorModel) -> object:
    """:func:`il2.therapy.pharmacodynamics`, cached: the growth run does not depend on the leak route."""
    from il2 import therapy

    return therapy.pharmacodynamics(regimen, weight_kg, follow_up_h=follow_up_h, model=model)


def variant_course(
    variant: Variant | str | ReceptorModel | None = None,
    *,
    regimen: object | None = None,
    weight_kg: float = 70.0,
    match_cell: str = "NK",
    route: str = "CD25",
    follow_up_h: float = 168.0,
    base: ReceptorModel = DEFAULT_MODEL,
    cd25_kd_fold: float | None = None,
    cd122_kd_fold: float | None = None,
) -> VariantCourse:
    r"""A variant given on aldesleukin's schedule, dosed to engage ``match_cell`` equally.

    1. **Receptor model**: :func:`receptor_model` (or a :class:`~il2.receptors.ReceptorModel`
       given directly; ``None`` is aldesleukin itself).
    2. **Dose**: the regimen's dose times :math:`\phi` (:func:`equal_engagement_factor`).
    3. **Pharmacokinetics**: aldesleukin's two-compartment model (:mod:`il2.pk`). No variant's
       human half-life is confirmed in its record, so every variant is given aldesleukin's;
       a longer half-life (the point of PEGylation and Fc fusion) is not modelled.
    4. **Growth**: :func:`il2.therapy.pharmacodynamics` with ``model=`` the variant's model.
    5. **Leak**: :func:`il2.toxicity.simulate_course` with every dose given (no dose holds, so
       both arms keep equal engagement) and the endothelial :math:`EC_{50}` divided by
       :math:`\pi` (:func:`endothelial_potency` for ``route``).

    Parameters
    ----------
    variant
        A record, its name, a receptor model, or ``None`` for aldesleukin.
    regimen
        An :class:`il2.pk.Regimen` in aldesleukin IU; default one cycle of the label's
        high-dose regimen (:func:`il2.pk.high_dose_regimen` with ``cycles=1``).
    weight_kg
        Body weight, kg.
    match_cell
        Cell type whose engagement is matched (default NK, the killer cells of cancer therapy).
    route
        Leak route, one of :data:`LEAK_ROUTES`.
    follow_up_h
        Hours followed after the last dose.
    base
        The receptor model of aldesleukin.
    cd25_kd_fold, cd122_kd_fold
        Assumed folds for a record that lacks them (:func:`receptor_model`).

    Returns
    -------
    VariantCourse
        Cached by the arguments (when they are hashable): the same course is returned again, not
        recomputed, so a chapter's numbers, figure and explorer share one run.

    Raises
    ------
    ValueError
        For an unknown variant, route or cell, a bad regimen or weight, naming the argument.
    """
    args = (variant, regimen, weight_kg, match_cell, route, follow_up_h, base, cd25_kd_fold, cd122_kd_fold)
    try:
        hash(args)
    except TypeError:
        return _variant_course(*args)
    return _cached_variant_course(*args)


def _variant_course(variant: Variant | str | ReceptorModel | None, regimen: object | None,
                    weight_kg: float, match_cell: str, route: str, follow_up_h: float,
                    base: ReceptorModel, cd25_kd_fold: float | None,
                    cd122_kd_fold: float | None) -> VariantCourse:
    """:func:`variant_course`, computed."""
    import dataclasses as _dc

    from il2 import pk, therapy, toxicity

    base = check_model(base, "base")
    if variant is None:
        name, model = "aldesleukin", base
    elif isinstance(variant, ReceptorModel):
        name, model = variant.name, variant
    else:
        model = receptor_model(variant, base, cd25_kd_fold=cd25_kd_fold, cd122_kd_fold=cd122_kd_fold)
        name = model.name
    match_cell = check_choice("match_cell", match_cell, CELL_NAMES)
    route = check_choice("route", route, tuple(LEAK_ROUTES))
    if regimen is None:
        regimen = pk.high_dose_regimen(cycles=1)
    if not isinstance(regimen, pk.Regimen):
        raise ValueError(f"regimen must be an il2.pk.Regimen; got {type(regimen).__name__}")
    w = check_scalar("weight_kg", weight_kg, 20.0, 250.0)
    tail = check_scalar("follow_up_h", follow_up_h, 0.0, 24.0 * 365.0)
    phi = equal_engagement_factor(model, match_cell, base)
    potency = endothelial_potency(model, route, base)
    given = _dc.replace(regimen, dose_iu_per_kg=regimen.dose_iu_per_kg * phi)
    pd_run = _pharmacodynamics(given, w, tail, model)
    params = toxicity.ToxicityParameters()
    endo = params.endothelium
    params = _dc.replace(params, endothelium=_dc.replace(endo, ec50_iu_per_ml=endo.ec50_iu_per_ml / potency))
    leak = toxicity.simulate_course(given, w, hold_doses=False, tail_h=tail, params=params)
    return VariantCourse(name=name, model=model, match_cell=match_cell, dose_factor=phi, route=route,
                         potency=potency, regimen=given, pd=pd_run, leak=leak)


_cached_variant_course = functools.lru_cache(maxsize=64)(_variant_course)
