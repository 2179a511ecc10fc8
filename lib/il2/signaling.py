r"""From IL-2 receptor complexes to STAT5 and to a proliferation signal.

Only complexes holding both CD122 (IL-2Rβ, carrying JAK1) and CD132 (γc, carrying JAK3)
bring the two kinases together; they phosphorylate each other, the receptor tails and then
STAT5, which pairs, moves to the nucleus and switches on the genes for division and for
effector functions (:cite:alp:`ross2018`, :cite:alp:`malek2008`). The library condenses that cascade
into two saturating steps driven by the signalling complexes per cell :math:`S`
(:func:`il2.binding.equilibrium`):

.. math::

    p_\mathrm{STAT5} = \frac{S^{n}}{S^{n} + K_S^{n}}, \qquad
    P = \frac{p_\mathrm{STAT5}^{m}}{p_\mathrm{STAT5}^{m} + K_P^{m}}

where :math:`p_\mathrm{STAT5}` is the fraction of the cell's STAT5 that is phosphorylated
and :math:`P \in [0, 1]` the proliferation (and effector) signal that the growth chapter turns
into a division rate. The numbers are modelling choices checked against the pSTAT5 dose
responses of human blood cells (:cite:alp:`farhat2021`) and the threshold-like proliferation of
T cells (:cite:alp:`cantrell1984`, :cite:alp:`smith1988`).

Imports: :mod:`il2.binding` (and the layers below it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray
from il2.binding import (
    MAX_IL2_PM,
    BindingParameters,
    CellType,
    cell_type,
    kinetics,
    signaling_complexes,
)
from il2.registry import CitedParameters, cited, register
from il2.validation import check_array, check_scalar

__all__ = [
    "SignalingParameters",
    "ReferenceLevels",
    "hill",
    "DoseResponse",
    "pstat5_fraction",
    "proliferation_signal",
    "pstat5_from_complexes",
    "proliferation_from_pstat5",
    "dose_response",
    "ec50_pM",
    "relative_pstat5",
]


@register("Signalling (JAK-STAT5 and proliferation)")
@dataclass(frozen=True)
class SignalingParameters(CitedParameters):
    """Parameters of the two saturating steps from receptor complexes to proliferation."""

    half_pstat5_complexes: float = cited(
        10_000.0, "complexes/cell", "Signalling complexes for half of the STAT5 pool phosphorylated",
        "farhat2021", low=0, low_open=True,
        note=(
            "modelling choice: Farhat et al. read pSTAT5 as proportional to active complexes;"
            " a half-saturation above the CD122 count of T cells keeps that proportionality for"
            " T cells while NK cells, with about 8500 CD122, saturate"
        ),
    )
    hill_pstat5: float = cited(
        1.0, "dimensionless", "Hill coefficient from complexes to pSTAT5", "farhat2021", low=0.2, high=6.0,
        note="modelling choice (one complex, one active JAK1-JAK3 pair)",
    )
    half_proliferation_pstat5: float = cited(
        0.05, "dimensionless", "pSTAT5 fraction for half-maximal proliferation signal", "cantrell1984,smith1988",
        low=0, high=1, low_open=True,
        note=(
            "modelling choice: T cell cycling rises steeply with IL-2 receptor occupancy"
            " (Cantrell and Smith 1984)"
        ),
    )
    hill_proliferation: float = cited(
        2.0, "dimensionless", "Hill coefficient from pSTAT5 to proliferation", "cantrell1984", low=0.2, high=8.0,
        note="modelling choice giving the threshold-like, quantal response of Cantrell and Smith",
    )


@register("Signalling: reference levels")
@dataclass(frozen=True)
class ReferenceLevels(CitedParameters):
    """Reference concentrations against which model IL-2 levels are read."""

    physiological_il2_pM: float = cited(
        10.0, "pM", "IL-2 concentration at which T cells respond in physiological settings",
        "smith1988,tkach2014", low=0, low_open=True,
        note="the canonical 10 pM signalling threshold; IL-2 secreted by activated T cells "
             "readily exceeds it locally in culture (tkach2014)",
    )


def hill(x: ArrayLike, half: float, n: float) -> NDArray[np.float64]:
    r"""The saturating step :math:`x^n / (x^n + K^n)` used by every signalling stage.

    Parameters
    ----------
    x
        Input level(s), ``>= 0`` (not checked: callers validate their own arguments).
    half
        Half-saturation :math:`K > 0`.
    n
        Hill coefficient :math:`n > 0`.

    Returns
    -------
    ndarray or float
        The response, in the shape of ``x`` (a Python float for a Python float).
    """
    if type(x) is float:  # one level (a growth right-hand side, a root search): plain Python
        xn = x**n
        return xn / (xn + half**n)  # type: ignore[return-value]
    xn = np.asarray(x, dtype=float) ** n
    return xn / (xn + half**n)


def _check_params(params: object) -> None:
    if not isinstance(params, SignalingParameters):
        raise ValueError(f"params must be a SignalingParameters; got {type(params).__name__}")


def pstat5_from_complexes(
    complexes: ArrayLike, params: SignalingParameters = SignalingParameters()
) -> NDArray[np.float64]:
    r"""pSTAT5 fraction from signalling complexes per cell: :math:`S^n/(S^n + K_S^n)`."""
    _check_params(params)
    s = check_array("complexes", complexes, 0.0)
    return hill(s, params.half_pstat5_complexes, params.hill_pstat5)


def proliferation_from_pstat5(
    pstat5: ArrayLike, params: SignalingParameters = SignalingParameters()
) -> NDArray[np.float64]:
    r"""Proliferation signal from the pSTAT5 fraction: :math:`p^m/(p^m + K_P^m)`."""
    _check_params(params)
    p = check_array("pstat5", pstat5, 0.0, 1.0)
    return hill(p, params.half_proliferation_pstat5, params.hill_proliferation)


def _fast_pstat5(cell: CellType, il2_pM: ArrayLike, binding_params: BindingParameters,
                 params: SignalingParameters):
    s = signaling_complexes(cell, il2_pM, binding_params)
    return hill(float(s) if s.ndim == 0 else s, params.half_pstat5_complexes, params.hill_pstat5)


def pstat5_fraction(
    cell: CellType | str,
    il2_pM: ArrayLike,
    params: SignalingParameters = SignalingParameters(),
    binding_params: BindingParameters = BindingParameters(),
) -> NDArray[np.float64]:
    """Fraction of STAT5 phosphorylated in ``cell`` at free IL-2 ``il2_pM`` (equilibrium binding).

    Vectorised over ``il2_pM``; values in [0, 1]. Source of the binding model:
    :cite:t:`farhat2021`; cascade: :cite:t:`ross2018`.
    """
    cell = cell_type(cell)
    _check_params(params)
    return np.asarray(_fast_pstat5(cell, il2_pM, binding_params, params))


def proliferation_signal(
    cell: CellType | str,
    il2_pM: ArrayLike,
    params: SignalingParameters = SignalingParameters(),
    binding_params: BindingParameters = BindingParameters(),
) -> NDArray[np.float64]:
    """Proliferation and effector signal in [0, 1] at free IL-2 ``il2_pM`` (equilibrium binding).

    The growth model maps it to a division rate. Source: :cite:t:`cantrell1984`.
    """
    cell = cell_type(cell)
    _check_params(params)
    p = _fast_pstat5(cell, il2_pM, binding_params, params)
    return np.asarray(hill(p, params.half_proliferation_pstat5, params.hill_proliferation))


@dataclass(frozen=True)
class DoseResponse:
    """Dose-response of one cell type: complexes, pSTAT5 and proliferation vs IL-2."""

    cell: CellType
    il2_pM: NDArray[np.float64]
    signaling_complexes: NDArray[np.float64]
    pstat5: NDArray[np.float64]
    proliferation: NDArray[np.float64]
    ec50_pM: float


def dose_response(
    cell: CellType | str,
    il2_pM: ArrayLike,
    params: SignalingParameters = SignalingParameters(),
    binding_params: BindingParameters = BindingParameters(),
) -> DoseResponse:
    """Signalling complexes, pSTAT5 and proliferation over ``il2_pM``, with the EC50."""
    cell = cell_type(cell)
    _check_params(params)
    conc = check_array("il2_pM", il2_pM, 0.0, MAX_IL2_PM)
    s = signaling_complexes(cell, conc, binding_params)
    p = hill(s, params.half_pstat5_complexes, params.hill_pstat5)
    prol = hill(p, params.half_proliferation_pstat5, params.hill_proliferation)
    return DoseResponse(cell, conc, s, p, prol, ec50_pM(cell, params, binding_params))


_EC50_LOW_PM = 1e-4
_EC50_HIGH_PM = 1e8


def ec50_pM(
    cell: CellType | str,
    params: SignalingParameters = SignalingParameters(),
    binding_params: BindingParameters = BindingParameters(),
    t_h: float | None = None,
) -> float:
    r"""IL-2 concentration giving half of the cell's own maximal pSTAT5 (pM).

    With ``t_h=None`` binding is at equilibrium; with a time (h) the receptors have bound
    IL-2 for only that long (:func:`il2.binding.kinetics`), as in a stimulation experiment
    read after ``t_h`` hours (the measured EC50s of :cite:alp:`farhat2021` are at 0.5 to 1 h).
    The half-maximal response :math:`p_\mathrm{STAT5}(c) = \tfrac12 p_\mathrm{STAT5}(10^8\,\mathrm{pM})`
    is found by Brent's method in :math:`\ln c` between :math:`10^{-4}` and :math:`10^{8}` pM
    (the response rises monotonically with concentration), one concentration at a time.

    Returns ``nan`` for a cell without signalling receptors (no CD122 or no CD132).
    """
    from scipy.optimize import brentq  # imported on first use: keeps `import il2` light

    cell = cell_type(cell)
    _check_params(params)
    if cell.cd122 <= 0 or cell.cd132 <= 0:
        return float("nan")
    half_s, n = params.half_pstat5_complexes, params.hill_pstat5
    lo, hi = np.log(_EC50_LOW_PM), np.log(_EC50_HIGH_PM)

    if t_h is None:
        def response(L: float) -> float:
            return hill(float(signaling_complexes(cell, L, binding_params)), half_s, n)

    else:
        t = check_scalar("t_h", t_h, 1e-4, 168.0)

        def response(L: float) -> float:
            kin = kinetics(cell, L, [0.0, t], "association", binding_params)
            return hill(float(kin.signaling_complexes[-1]), half_s, n)

    half = 0.5 * response(_EC50_HIGH_PM)
    return float(np.exp(brentq(lambda x: response(min(float(np.exp(x)), _EC50_HIGH_PM)) - half, lo, hi,
                               xtol=1e-6)))


def relative_pstat5(
    cell: CellType | str,
    il2_pM: ArrayLike,
    t_h: float | None = None,
    *,
    saturating_pM: float = _EC50_HIGH_PM,
    params: SignalingParameters = SignalingParameters(),
    binding_params: BindingParameters = BindingParameters(),
) -> NDArray[np.float64]:
    r"""pSTAT5 of ``cell`` at each IL-2 concentration as a fraction of its own maximum.

    .. math:: r(c) = p_\mathrm{STAT5}(c, t) \,/\, p_\mathrm{STAT5}(c_\mathrm{sat}, t)

    With ``t_h=None`` binding is at equilibrium (:func:`pstat5_fraction`); with a time (h) the
    receptors have bound IL-2 for only that long, starting from none
    (:func:`il2.binding.kinetics`, ``"association"``; :func:`pstat5_from_complexes` of the
    complexes at ``t_h``), as in a stimulation experiment read after ``t_h`` hours
    (:cite:`farhat2021`). :func:`ec50_pM` is the concentration where this fraction is 1/2 with
    the default ``saturating_pM``.

    Parameters
    ----------
    cell
        A :class:`il2.binding.CellType` or built-in name.
    il2_pM
        IL-2 concentrations (pM), each in [0, :data:`il2.binding.MAX_IL2_PM`].
    t_h
        Stimulation time (h) in [1e-4, 168], or ``None`` for equilibrium.
    saturating_pM
        The concentration whose response counts as the cell's maximum (pM).

    Returns
    -------
    numpy.ndarray
        One fraction per concentration (a cell without signalling receptors gives ``nan``).
    """
    cell = cell_type(cell)
    _check_params(params)
    conc = check_array("il2_pM", il2_pM, 0.0, MAX_IL2_PM)
    top_c = check_scalar("saturating_pM", saturating_pM, 0.0, MAX_IL2_PM, low_open=True)
    if t_h is None:
        out = np.asarray(_fast_pstat5(cell, conc, binding_params, params))
        return out / float(_fast_pstat5(cell, top_c, binding_params, params))
    t = check_scalar("t_h", t_h, 1e-4, 168.0)

    def at(c: float) -> float:
        kin = kinetics(cell, float(c), [0.0, t], "association", binding_params)
        return float(pstat5_from_complexes(kin.signaling_complexes[-1], params))

    return np.asarray([at(c) for c in np.ravel(conc)]).reshape(np.shape(conc)) / at(top_c)
