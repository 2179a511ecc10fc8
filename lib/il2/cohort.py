r"""A virtual cohort: many patients, each different, through the label's high-dose cycle.

Every other model of the book describes one average patient. Here each virtual patient
:math:`i` draws its own traits from cited distributions or stated modelling choices
(:class:`CohortParameters`, shown on the Parameters page):

.. math::

    x_i = \tilde x\, e^{\sigma_x z_{x,i}}, \qquad z_{x,i} \sim \mathcal N(0, 1)
    \text{ clipped to } [-z_\mathrm{max}, z_\mathrm{max}],

for the log-normal traits (body weight, aldesleukin clearance and central volume, endothelial
sensitivity to IL-2, receptor counts of NK and CD8 T cells), and
:math:`\bar P_{0,i} = \bar P_0 + s_P z_{P,i}` for the baseline mean arterial pressure. The
standard normals come from one seeded :class:`numpy.random.Generator`, so a cohort is
reproducible bit for bit, and changing one spread :math:`\sigma_x` moves every patient
smoothly (the same :math:`z`).

Each patient then goes through one cycle of the label's regimen (600,000 IU/kg every 8 h,
up to 14 doses, reference ``proleukin_label``) with the dose-hold rule, fluids and a titrated
vasopressor of :mod:`il2.toxicity.course`: the same equations, evaluated for all patients at
once (arrays over patients, not a loop):

* plasma IL-2 from the exact two-compartment model of :mod:`il2.pk` with each patient's
  clearance and volume (``il2.pk._disposition``): within each 8-h interval, the exponential
  modes of the dose given at its start (``il2.pk._superpose``) plus the modes left by earlier
  doses, which decay freely once their infusions are over; a held dose adds nothing;
* the mediator load and endothelial activation of :mod:`il2.toxicity.endothelium`, with the
  patient's potency :math:`EC_{50}/s_i` (sensitivity :math:`s_i`), stepped exactly;
* the fluid, albumin and circulation equations of :mod:`il2.toxicity.course`
  (``_flows`` and ``_derivatives``), integrated with the classical fixed-step Runge-Kutta method
  in steps of 0.4 h by default (the fastest exchange of the model has a rate of a few per hour,
  inside the method's stability region :math:`|\lambda h| < 2.78`), with the activation
  interpolated on the 3-min grid.
  The single-patient course integrates the same equations with LSODA; the tests check that
  a cohort of one matches :func:`il2.toxicity.simulate_course` within stated tolerances.

At each scheduled time the systolic pressure of every patient decides whether that patient's
dose is given. Outputs per patient: doses received, lowest systolic pressure, hours below
90 mmHg, vasopressor need, weight gain, albumin, and hours of engagement of NK and CD8 T cells
(plasma IL-2 above each cell's threshold, :func:`il2.therapy.threshold_pM`, for the patient's
receptor counts), also for the full 14 doses, so that the exposure lost to held doses can be
read off.

Scale. :func:`simulate_cohort` accepts any ``concurrent.futures``-style executor
(a :class:`~concurrent.futures.ProcessPoolExecutor`, a ``dask.distributed`` ``Client`` or its
``get_executor()``): the cohort is split into shards of patients, each shard is simulated by
:func:`simulate_shard` wherever the executor sends it, and the results are joined in order.
Patients do not interact, so the result is identical with and without an executor.

Imports: :mod:`il2.pk`, :mod:`il2.toxicity`, :mod:`il2.therapy`, :mod:`il2.receptors`,
:mod:`il2.outcomes`, :mod:`il2.units`, :mod:`il2.registry`, :mod:`il2.validation`.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import numpy as np
from numpy.typing import NDArray

from il2 import pk
from il2.outcomes import BinomialCI, exact_ci
from il2.receptors import DEFAULT_MODEL, ReceptorModel, check_model
from il2.registry import CitedParameters, cited, register
from il2.therapy import TherapyReference, threshold_pM
from il2.toxicity import course as _course
from il2.toxicity import endothelium as _endo
from il2.toxicity.adverse_events import ADVERSE_EVENTS, LABEL_PATIENTS
from il2.toxicity.measured import TEXTOR_COURSE
from il2.units import pM_to_iu_per_ml
from il2.validation import SolverError, check_array, check_integer, check_scalar

__all__ = [
    "CohortParameters",
    "Cohort",
    "CohortSettings",
    "CohortResult",
    "Estimate",
    "DosesReceivedRecord",
    "KAMMULA_1998",
    "SCHWARTZENTRUBER_2001",
    "TRAITS",
    "NORMAL_TRAITS",
    "LOG_NORMAL_TRAITS",
    "ENGAGED_CELLS",
    "draw_cohort",
    "simulate_cohort",
    "simulate_shard",
    "concat",
    "engagement_threshold_iu_per_ml",
    "bootstrap_ci",
    "spearman_ci",
    "label_incidence",
    "label_fraction",
    "overlap_window",
    "compare_with_published",
    "TEXTOR",
    "MAX_PATIENTS",
    "SMPC_CLEARANCE_ML_PER_MIN",
    "virtual_cohort",
    "hold_scan",
    "spread_scan",
]

#: Patient traits in the order they are drawn (one row of standard normals each).
TRAITS: tuple[str, ...] = (
    "weight_kg",
    "clearance_factor",
    "volume_factor",
    "sensitivity",
    "mean_pressure_mmHg",
    "nk_receptor_factor",
    "cd8_receptor_factor",
)
#: The traits :func:`draw_cohort` draws from a normal distribution (the mean arterial pressure);
#: every other trait is log-normal: a median times the exponential of a normal deviate.
NORMAL_TRAITS: tuple[str, ...] = ("mean_pressure_mmHg",)
LOG_NORMAL_TRAITS: tuple[str, ...] = tuple(t for t in TRAITS if t not in NORMAL_TRAITS)
#: Cells whose engagement (hours above threshold) the cohort reports.
ENGAGED_CELLS: tuple[str, ...] = ("NK", "CD8")
#: Largest cohort one call accepts (a few GB of work on one machine; shard beyond that).
MAX_PATIENTS = 1_000_000

#: The range of mean aldesleukin clearances the SmPC reports (mL/min, ``proleukin_smpc``), from
#: which the spread of clearance between patients is derived (:class:`CohortParameters`).
SMPC_CLEARANCE_ML_PER_MIN: tuple[float, float] = (155.0, 420.0)
_SMPC_CL_LOW, _SMPC_CL_HIGH = SMPC_CLEARANCE_ML_PER_MIN


@register("Virtual cohort: differences between patients")
@dataclass(frozen=True)
class CohortParameters(CitedParameters):
    """How the virtual patients differ from one another, and the support every patient gets.

    Log-normal traits are given by their median and the standard deviation of their logarithm
    (``*_log_sd``; 0 makes every patient equal in that trait).
    """

    weight_median_kg: float = cited(
        80.0, "kg", "Median body weight of the virtual patients", "fryar2018",
        low=30, high=200,
        note="modelling choice: a round figure between the mean weights of US men and women "
             "measured in the national examination surveys (fryar2018); the exact means were "
             "not re-checked",
    )
    weight_log_sd: float = cited(
        0.2, "1", "Spread of log body weight between patients", "fryar2018", low=0, high=1,
        note="modelling choice: a 95% range of about 54 to 119 kg around the median",
    )
    clearance_log_sd: float = cited(
        math.log(_SMPC_CL_HIGH / _SMPC_CL_LOW) / 4.0, "1",
        "Spread of log aldesleukin clearance between patients", "proleukin_smpc, konrad1990",
        low=0, high=1,
        note=f"modelling choice: the SmPC's {_SMPC_CL_LOW:.0f} to {_SMPC_CL_HIGH:.0f} mL/min is a "
             "range of mean clearances (one mean per study), not a spread between patients; the "
             "book takes it to span four standard deviations of log clearance between patients. "
             "The median stays at Konrad's 120 mL/min (PKParameters), below every SmPC mean",
    )
    volume_log_sd: float = cited(
        0.1, "1", "Spread of log central volume (plasma volume per kg) between patients",
        "guyton2021", low=0, high=1,
        note="modelling choice: plasma volume per kg varies by about 10% between adults",
    )
    sensitivity_log_sd: float = cited(
        0.5, "1", "Spread of log endothelial sensitivity to IL-2 between patients",
        "kammula1998, schwartzentruber2001", low=0, high=2,
        note="modelling choice calibrated so that the middle half of the cohort receives about 8 "
             "to 12 doses of the first cycle, the range the NCI guidelines describe; no study "
             "measures this sensitivity directly",
    )
    mean_pressure_sd_mmHg: float = cited(
        8.0, "mmHg", "Spread of baseline mean arterial pressure between patients", "guyton2021",
        low=0, high=25,
        note="modelling choice: patients stop antihypertensive drugs before treatment; the "
             "median is the reference adult's 93 mmHg (HemodynamicParameters)",
    )
    receptor_log_sd: float = cited(
        0.4, "1", "Spread of log receptor counts (all three chains) on NK and CD8 T cells",
        "farhat2021", low=0, high=1,
        note="modelling choice: every chain of a cell type scaled by one factor per patient, "
             "drawn separately for NK and CD8 T cells; the median is Farhat's geometric mean",
    )
    clip_sd: float = cited(
        3.0, "1", "Standard normal draws are clipped to plus or minus this many SDs",
        "guyton2021", low=0.5, high=6,
        note="modelling choice keeping every trait inside the range in which the models apply",
    )
    vasopressor_max: float = cited(
        0.25, "1", "Largest vasopressor effect (fractional rise in vascular resistance) any "
        "patient receives", "schwartzentruber2001, proleukin_label", low=0, high=3,
        note="modelling choice: a low-dose ceiling (a quarter more vascular resistance), "
             "titrated to ManagementParameters' systolic target; when it is not enough, doses "
             "are held as the label requires",
    )
    pressor_need_effect: float = cited(
        0.01, "1", "Vasopressor effect above which a patient counts as needing vasopressors",
        "proleukin_label", low=0, high=1, low_open=True,
        note="modelling choice: a 1% rise in vascular resistance",
    )


@dataclass(frozen=True)
class Cohort:
    """Virtual patients: one array entry per patient for each trait (see :data:`TRAITS`).

    Attributes
    ----------
    weight_kg
        Body weight.
    clearance_factor, volume_factor
        Aldesleukin clearance and central volume relative to the allometric reference
        (:class:`il2.pk.PKParameters`).
    sensitivity
        Endothelial sensitivity to IL-2: the mediator's potency is :math:`EC_{50}/s`.
    mean_pressure_mmHg
        Baseline mean arterial pressure.
    nk_receptor_factor, cd8_receptor_factor
        Receptor counts (every chain) of NK and CD8 T cells relative to the receptor model's.
    seed
        Seed of the generator that drew the cohort (``None`` for a subset or hand-made cohort).
    params
        The distributions.
    """

    weight_kg: NDArray[np.float64]
    clearance_factor: NDArray[np.float64]
    volume_factor: NDArray[np.float64]
    sensitivity: NDArray[np.float64]
    mean_pressure_mmHg: NDArray[np.float64]
    nk_receptor_factor: NDArray[np.float64]
    cd8_receptor_factor: NDArray[np.float64]
    seed: int | None = None
    params: CohortParameters = field(default_factory=CohortParameters)

    def __post_init__(self) -> None:
        n = None
        for name in TRAITS:
            arr = np.asarray(getattr(self, name), dtype=float)
            if arr.ndim != 1 or arr.size == 0:
                raise ValueError(f"{name} must be a non-empty 1-D array; got shape {arr.shape}")
            if not np.all(np.isfinite(arr)) or (name != "mean_pressure_mmHg" and np.any(arr <= 0)):
                raise ValueError(f"{name} must hold finite positive numbers; got {arr!r}")
            if n is not None and arr.size != n:
                raise ValueError(f"{name} must have one entry per patient ({n}); got {arr.size}")
            n = arr.size
            arr.flags.writeable = False
            object.__setattr__(self, name, arr)
        if np.any(self.weight_kg < 20) or np.any(self.weight_kg > 250):
            raise ValueError("weight_kg must lie in [20, 250] kg for every patient")
        hp = _course._DEFAULTS.hemodynamics
        if np.any(self.mean_pressure_mmHg <= hp.anuria_pressure_mmHg + 10) or np.any(self.mean_pressure_mmHg > 160):
            raise ValueError("mean_pressure_mmHg must lie in (60, 160] mmHg for every patient")

    @property
    def size(self) -> int:
        """Number of patients."""
        return int(self.weight_kg.size)

    def traits(self) -> dict[str, NDArray[np.float64]]:
        """Every trait by name, in :data:`TRAITS` order."""
        return {name: getattr(self, name) for name in TRAITS}

    def subset(self, index: Any) -> "Cohort":
        """The patients selected by ``index`` (a slice, boolean mask or integer array)."""
        return Cohort(**{name: np.asarray(getattr(self, name))[index] for name in TRAITS},
                      seed=None, params=self.params)

    def split(self, shards: int) -> list["Cohort"]:
        """Consecutive shards of nearly equal size (at most ``shards``, none empty)."""
        k = check_integer("shards", shards, 1, MAX_PATIENTS)
        bounds = np.linspace(0, self.size, min(k, self.size) + 1).round().astype(int)
        return [self.subset(slice(int(a), int(b))) for a, b in zip(bounds[:-1], bounds[1:])]


def draw_cohort(n_patients: int, seed: int = 0,
                params: CohortParameters = CohortParameters()) -> Cohort:
    r"""Draw ``n_patients`` virtual patients from the distributions in ``params``.

    One :func:`numpy.random.default_rng` ``(seed)`` draws a ``(7, n)`` block of standard normals,
    one row per trait in :data:`TRAITS` order, clipped to :math:`\pm` ``params.clip_sd``; then
    :math:`x_i = \tilde x\,e^{\sigma_x z_i}` for the log-normal traits and
    :math:`\bar P_{0,i} = \bar P_0 + s_P z_i` for the baseline pressure (module docstring).
    The same seed gives the same cohort bit for bit; the first patients of a larger cohort are
    not those of a smaller one (the block is drawn at once).

    Parameters
    ----------
    n_patients
        Cohort size (1 to 1,000,000).
    seed
        Seed of the generator (a non-negative integer).
    params
        Distributions (medians and spreads).

    Raises
    ------
    ValueError
        If ``n_patients`` is not a positive integer, ``seed`` not a non-negative integer, or
        ``params`` not a :class:`CohortParameters` (whose own checks reject a negative spread).
    """
    n = check_integer("n_patients", n_patients, 1, MAX_PATIENTS)
    s = check_integer("seed", seed, 0, 2**63 - 1)
    if not isinstance(params, CohortParameters):
        raise ValueError(f"params must be an il2.cohort.CohortParameters; got {type(params).__name__}")
    p = params
    z = np.random.default_rng(s).standard_normal((len(TRAITS), n))
    z = np.clip(z, -p.clip_sd, p.clip_sd)
    hp = _course._DEFAULTS.hemodynamics
    return Cohort(
        weight_kg=p.weight_median_kg * np.exp(p.weight_log_sd * z[0]),
        clearance_factor=np.exp(p.clearance_log_sd * z[1]),
        volume_factor=np.exp(p.volume_log_sd * z[2]),
        sensitivity=np.exp(p.sensitivity_log_sd * z[3]),
        mean_pressure_mmHg=hp.mean_pressure_mmHg + p.mean_pressure_sd_mmHg * z[4],
        nk_receptor_factor=np.exp(p.receptor_log_sd * z[5]),
        cd8_receptor_factor=np.exp(p.receptor_log_sd * z[6]),
        seed=s, params=p,
    )


# --- engagement thresholds for a patient's receptor counts ------------------------------------

#: Receptor-count factors at which each cell's threshold is computed exactly; between them the
#: log threshold is interpolated linearly in the log factor (and held constant beyond).
_FACTOR_NODES = np.geomspace(0.25, 4.0, 9)
_FACTOR_NODES.flags.writeable = False


def _scaled_model(model: ReceptorModel, cell: str, factor: float) -> ReceptorModel:
    prefix = cell.lower()
    changes = {f"{prefix}_{chain}": getattr(model.counts, f"{prefix}_{chain}") * factor
               for chain in ("cd25", "cd122", "cd132")}
    return model.with_counts(**changes)


@functools.lru_cache(maxsize=16)
def _threshold_table(model: ReceptorModel, cell: str, exposure_h: float) -> NDArray[np.float64]:
    ref = TherapyReference(threshold_exposure_h=exposure_h)
    table = np.array([threshold_pM(cell, ref, _scaled_model(model, cell, float(f)))
                      for f in _FACTOR_NODES])
    table.flags.writeable = False
    return table


def engagement_threshold_iu_per_ml(
    cell: str, receptor_factor: Any, *, model: ReceptorModel = DEFAULT_MODEL,
    ref: TherapyReference | None = None,
) -> NDArray[np.float64]:
    """Each patient's engagement threshold for ``cell`` (IU/mL), given its receptor-count factor.

    The threshold is :func:`il2.therapy.threshold_pM` for the receptor ``model`` with every chain
    of ``cell`` multiplied by the factor, computed exactly at nine factors from 1/4 to 4 (cached
    per model) and interpolated linearly in log-log between them; converted to IU/mL with
    :func:`il2.units.pM_to_iu_per_ml`.
    """
    if cell not in ENGAGED_CELLS:
        raise ValueError(f"cell must be one of {list(ENGAGED_CELLS)!r}; got {cell!r}")
    check_model(model)
    f = np.asarray(receptor_factor, dtype=float)
    if f.size == 0 or not np.all(np.isfinite(f)) or np.any(f <= 0):
        raise ValueError(f"receptor_factor must be finite positive numbers; got {receptor_factor!r}")
    r = TherapyReference() if ref is None else ref
    table = _threshold_table(model, cell, float(r.threshold_exposure_h))
    log_pm = np.interp(np.log(f), np.log(_FACTOR_NODES), np.log(table))
    return np.asarray(pM_to_iu_per_ml(np.exp(log_pm)), dtype=float)


# --- the simulation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortSettings:
    """Everything besides the patients that fixes a cohort simulation (checked, picklable).

    Attributes
    ----------
    regimen
        One cycle of the regimen (default: the label's, :func:`il2.toxicity.five_day_regimen`).
    hold_systolic_mmHg
        A scheduled dose is withheld when systolic pressure is below this (the value shared by
        all patients; see :attr:`CohortResult.hold_systolic_mmHg` for per-patient thresholds).
    hold_doses
        Apply the hold rule at all.
    vasopressor_max
        Ceiling of the titrated vasopressor (0 = none).
    fluid_ml_per_h
        IV fluid on top of maintenance.
    step_h
        Grid step of plasma IL-2, mediator and activation.
    tail_h
        Time simulated after the last scheduled dose.
    pressor_need_effect
        Vasopressor effect above which a patient counts as needing vasopressors.
    rk_substeps
        Grid steps per Runge-Kutta step of the fluid equations (fewer where an interval is not
        a multiple); pressures, weight and albumin are read at the Runge-Kutta steps.
    params
        The toxicity model's parameters (the patients' traits replace the fields they vary).
    """

    regimen: pk.Regimen
    hold_systolic_mmHg: float
    hold_doses: bool
    vasopressor_max: float
    fluid_ml_per_h: float
    step_h: float
    tail_h: float
    pressor_need_effect: float
    params: _course.ToxicityParameters
    rk_substeps: int = 8


@dataclass(frozen=True)
class _ShardInput:
    cohort: Cohort
    nk_threshold_iu_per_ml: NDArray[np.float64]
    cd8_threshold_iu_per_ml: NDArray[np.float64]
    hold_systolic_mmHg: NDArray[np.float64]


#: Per-patient outputs of a simulation, in the order :class:`CohortResult` lists them.
_OUTPUTS: tuple[str, ...] = (
    "given", "systolic_at_dose_mmHg", "min_systolic_mmHg", "hours_below_90", "max_vasopressor",
    "weight_gain_kg", "weight_gain_end_kg", "albumin_nadir_g_per_dl", "albumin_end_g_per_dl",
    "nk_hours", "cd8_hours", "nk_hours_full", "cd8_hours_full",
    "nk_threshold_iu_per_ml", "cd8_threshold_iu_per_ml", "hold_systolic_mmHg",
)


def _vector_params(obj: Any, **arrays: Any) -> types.SimpleNamespace:
    """The fields of a parameter dataclass with some replaced by per-patient arrays (the
    kernels read attributes only; the dataclass itself validates scalars)."""
    values = {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    values.update(arrays)
    return types.SimpleNamespace(**values)


def _systolic(fl: Any) -> Any:
    return fl.mean_mmHg + 2.0 * fl.pulse_mmHg / 3.0


def simulate_shard(shard: _ShardInput, settings: CohortSettings) -> dict[str, NDArray[Any]]:
    """Simulate one shard of patients (every patient at once); the unit of work an executor runs.

    Returns a dict of per-patient arrays (keys as the fields of :class:`CohortResult`). Public so
    that executors in other processes can import it; call :func:`simulate_cohort` instead.
    """
    c = shard.cohort
    st = settings
    params = st.params
    n = c.size
    w = c.weight_kg
    reg = st.regimen
    if reg.infusion_h >= reg.interval_h:
        raise ValueError(f"regimen.infusion_h must be shorter than its interval ({reg.interval_h:g} h); "
                         f"got {reg.infusion_h:g}")
    hemo = _vector_params(params.hemodynamics, mean_pressure_mmHg=c.mean_pressure_mmHg)
    u_max = st.vasopressor_max
    pt = _course._patient(w, st.fluid_ml_per_h, u_max, params, hemo=hemo)
    inflow, other = pt.inflow_l_per_h, pt.other_l_per_h
    endo = params.endothelium
    ec50 = (endo.ec50_iu_per_ml / c.sensitivity)[:, None]

    disp = pk._disposition(w, params.pk, c.clearance_factor, c.volume_factor)
    lam, coef = pk._modes("iv", disp, params.pk)
    dose_iu = reg.dose_iu_per_kg * w
    scheduled = reg.scheduled_times_h()
    pre_held = ~reg.given_mask()
    bounds = np.append(scheduled, scheduled[-1] + max(st.tail_h, st.step_h))
    thresholds = {"NK": shard.nk_threshold_iu_per_ml[:, None],
                  "CD8": shard.cd8_threshold_iu_per_ml[:, None]}
    b = pt.base
    y = np.stack([b.plasma_volume_l, b.interstitial_volume_l, b.plasma_albumin_g,
                  b.interstitial_albumin_g, np.zeros(n)])
    extracellular0 = b.plasma_volume_l + b.interstitial_volume_l
    m_now = np.zeros(n)
    given = np.zeros((n, scheduled.size), dtype=bool)
    sbp_at = np.zeros((n, scheduled.size))
    min_sbp = np.full(n, np.inf)
    max_u = np.zeros(n)
    max_gain = np.full(n, -np.inf)
    min_alb = np.full(n, np.inf)
    hours_low = np.zeros(n)
    hours = {cell: np.zeros(n) for cell in ENGAGED_CELLS}
    hours_full = {cell: np.zeros(n) for cell in ENGAGED_CELLS}
    # Plasma IL-2 by linearity, mode by mode: within an interval, the modes of one dose given at
    # its start (pk._superpose, one mode at a time) plus the modes left by earlier doses, which
    # decay as exp(-lambda s) once their infusions have ended (pk module docstring).
    longest = _course._subgrid(0.0, float(np.max(np.diff(bounds))), st.step_h)
    one_dose = np.stack([pk._superpose(longest, np.zeros(1), dose_iu[:, None], reg.infusion_h,
                                       lam[:, m : m + 1], coef[:, m : m + 1], disp.v1_l)
                         for m in range(lam.shape[1])], axis=1)  # (patients, modes, times)
    decay = np.exp(-lam[:, :, None] * longest)
    carry = np.zeros(lam.shape)
    carry_full = np.zeros(lam.shape)

    def flows(state: NDArray[np.float64], e: NDArray[np.float64]) -> Any:
        return _course._flows(pt, np.maximum(state[0], _course._FLOOR_L),
                              np.maximum(state[1], _course._FLOOR_L), state[2], state[3], e, np)

    def deriv(fl: Any) -> NDArray[np.float64]:
        return np.stack(_course._derivatives(inflow, other, fl))

    def record(state: NDArray[np.float64], fl: Any) -> NDArray[np.float64]:
        sbp = _systolic(fl)
        np.minimum(min_sbp, sbp, out=min_sbp)
        np.maximum(max_u, fl.pressor, out=max_u)
        np.maximum(max_gain, state[0] + state[1] - extracellular0, out=max_gain)
        np.minimum(min_alb, fl.plasma_albumin_g_per_l, out=min_alb)
        return sbp

    def above_hours(t: NDArray[np.float64], conc: NDArray[np.float64], thr: NDArray[np.float64]) -> NDArray[np.float64]:
        above = (conc > thr).astype(float)
        return np.sum(np.diff(t) * 0.5 * (above[:, 1:] + above[:, :-1]), axis=1)

    for j in range(scheduled.size):
        e_now = _endo._activation_from_mediator(m_now, endo)
        sbp = _systolic(flows(y, e_now))
        sbp_at[:, j] = sbp
        give = np.full(n, not pre_held[j])
        if st.hold_doses:
            give &= ~(sbp < shard.hold_systolic_mmHg)
        given[:, j] = give
        t = _course._subgrid(float(bounds[j]), float(bounds[j + 1]), st.step_h)
        k = t.size
        modes = carry[:, :, None] * decay[:, :, :k] + give[:, None, None] * one_dose[:, :, :k]
        modes_full = carry_full[:, :, None] * decay[:, :, :k] + one_dose[:, :, :k] * (not pre_held[j])
        carry, carry_full = modes[:, :, -1], modes_full[:, :, -1]
        conc, conc_full = modes.sum(axis=1), modes_full.sum(axis=1)
        for cell in ENGAGED_CELLS:
            hours[cell] += above_hours(t, conc, thresholds[cell])
            hours_full[cell] += above_hours(t, conc_full, thresholds[cell])
        m = _endo._mediator(t, conc, m_now, endo, ec50)
        e = _endo._activation_from_mediator(m, endo)
        steps = t.size - 1
        sub = max(d for d in range(1, min(st.rk_substeps, steps) + 1) if steps % d == 0)
        h = float(t[sub] - t[0])
        half = sub // 2
        prev_low = None
        for i in range(0, steps, sub):
            e0, e2 = e[:, i], e[:, i + sub]
            e1 = e[:, i + half] if sub % 2 == 0 else 0.5 * (e0 + e2)
            fl0 = flows(y, e0)
            low = (record(y, fl0) < 90.0).astype(float)
            if prev_low is not None:
                hours_low += h * 0.5 * (low + prev_low)
            prev_low = low
            k1 = deriv(fl0)
            k2 = deriv(flows(y + 0.5 * h * k1, e1))
            k3 = deriv(flows(y + 0.5 * h * k2, e1))
            k4 = deriv(flows(y + h * k3, e2))
            y = y + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        if not np.all(np.isfinite(y)):
            raise SolverError("the cohort's fluid model could not be integrated with these inputs")
        if np.any(y[:2] <= 0.0):
            raise ValueError("the inputs drove a fluid volume to zero: the model left its valid range")
        fl_end = flows(y, e[:, -1])
        low = (record(y, fl_end) < 90.0).astype(float)
        hours_low += h * 0.5 * (low + prev_low)
        m_now = m[:, -1].copy()

    return {
        "given": given,
        "systolic_at_dose_mmHg": sbp_at,
        "min_systolic_mmHg": min_sbp,
        "hours_below_90": hours_low,
        "max_vasopressor": max_u,
        "weight_gain_kg": max_gain,
        "weight_gain_end_kg": y[0] + y[1] - extracellular0,
        "albumin_nadir_g_per_dl": min_alb / 10.0,
        "albumin_end_g_per_dl": fl_end.plasma_albumin_g_per_l / 10.0,
        "nk_hours": hours["NK"],
        "cd8_hours": hours["CD8"],
        "nk_hours_full": hours_full["NK"],
        "cd8_hours_full": hours_full["CD8"],
        "nk_threshold_iu_per_ml": shard.nk_threshold_iu_per_ml,
        "cd8_threshold_iu_per_ml": shard.cd8_threshold_iu_per_ml,
        "hold_systolic_mmHg": shard.hold_systolic_mmHg,
    }


@dataclass(frozen=True)
class Estimate:
    """A summary statistic with its confidence interval.

    Attributes
    ----------
    value, low, high
        Point estimate and interval.
    level
        Confidence level.
    method
        How the interval was obtained.
    """

    value: float
    low: float
    high: float
    level: float
    method: str


def bootstrap_ci(values: Any, statistic: Callable[..., Any] = np.median, *, n_boot: int = 2000,
                 level: float = 0.95, seed: int = 0) -> Estimate:
    """Percentile bootstrap interval of ``statistic`` (applied along axis 1 of the resamples).

    ``n_boot`` resamples of the patients with replacement, drawn by a seeded generator, so the
    interval is reproducible (reference :cite:alp:`efron1993`).
    """
    x = np.asarray(values, dtype=float).ravel()
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"values must be finite numbers, at least one; got {x.size} values")
    b = check_integer("n_boot", n_boot, 100, 100_000)
    lev = check_scalar("level", level, 0.0, 1.0, low_open=True, high_open=True)
    rng = np.random.default_rng(check_integer("seed", seed, 0))
    idx = rng.integers(0, x.size, size=(b, x.size))
    stats = np.asarray(statistic(x[idx], axis=1), dtype=float)
    lo, hi = np.quantile(stats, [(1 - lev) / 2, (1 + lev) / 2])
    return Estimate(value=float(statistic(x)), low=float(lo), high=float(hi), level=lev,
                    method=f"percentile bootstrap, {b} resamples")


def spearman_ci(x: Any, y: Any, level: float = 0.95) -> Estimate:
    r"""Spearman rank correlation with a Fisher-transform interval.

    :math:`\tanh(\operatorname{atanh}\rho \pm z\,\sqrt{1.06/(n-3)})`, the variance proposed by
    Fieller, Hartley and Pearson for rank correlations (reference :cite:alp:`fieller1957`). Ties get
    average ranks.
    """
    from scipy.stats import norm, rankdata

    a = np.asarray(x, dtype=float).ravel()
    b = np.asarray(y, dtype=float).ravel()
    if a.size != b.size or a.size < 4:
        raise ValueError(f"x and y must have the same length, at least 4; got {a.size} and {b.size}")
    lev = check_scalar("level", level, 0.0, 1.0, low_open=True, high_open=True)
    ra, rb = rankdata(a), rankdata(b)
    if np.ptp(ra) == 0 or np.ptp(rb) == 0:
        return Estimate(0.0, 0.0, 0.0, lev, "Spearman (a constant variable)")
    rho = float(np.corrcoef(ra, rb)[0, 1])
    half = float(norm.ppf((1 + lev) / 2)) * math.sqrt(1.06 / (a.size - 3))
    z = math.atanh(min(max(rho, -0.999999), 0.999999))
    return Estimate(rho, math.tanh(z - half), math.tanh(z + half), lev,
                    "Spearman, Fisher transform (Fieller-Hartley-Pearson variance)")


@dataclass(frozen=True)
class CohortResult:
    """Per-patient outcomes of one cycle (arrays with one entry per patient, in cohort order).

    Attributes
    ----------
    cohort
        The patients.
    settings
        Regimen, hold rule and support.
    given
        ``(patients, scheduled doses)``: ``True`` where the dose was given.
    systolic_at_dose_mmHg
        Systolic pressure read at each scheduled time.
    min_systolic_mmHg
        Lowest systolic pressure over the cycle.
    hours_below_90
        Hours with systolic pressure below 90 mmHg.
    max_vasopressor
        Largest vasopressor effect used (fractional rise in vascular resistance).
    weight_gain_kg, weight_gain_end_kg
        Largest weight gain, and the gain at the end of the simulated time.
    albumin_nadir_g_per_dl, albumin_end_g_per_dl
        Lowest serum albumin, and its value at the end.
    nk_hours, cd8_hours
        Hours plasma IL-2 stays above the patient's NK and CD8 thresholds, doses as given.
    nk_hours_full, cd8_hours_full
        The same if all scheduled doses had been given (plasma IL-2 only).
    nk_threshold_iu_per_ml, cd8_threshold_iu_per_ml
        Each patient's thresholds.
    hold_systolic_mmHg
        Each patient's hold threshold.
    """

    cohort: Cohort
    settings: CohortSettings
    given: NDArray[np.bool_]
    systolic_at_dose_mmHg: NDArray[np.float64]
    min_systolic_mmHg: NDArray[np.float64]
    hours_below_90: NDArray[np.float64]
    max_vasopressor: NDArray[np.float64]
    weight_gain_kg: NDArray[np.float64]
    weight_gain_end_kg: NDArray[np.float64]
    albumin_nadir_g_per_dl: NDArray[np.float64]
    albumin_end_g_per_dl: NDArray[np.float64]
    nk_hours: NDArray[np.float64]
    cd8_hours: NDArray[np.float64]
    nk_hours_full: NDArray[np.float64]
    cd8_hours_full: NDArray[np.float64]
    nk_threshold_iu_per_ml: NDArray[np.float64]
    cd8_threshold_iu_per_ml: NDArray[np.float64]
    hold_systolic_mmHg: NDArray[np.float64]

    @property
    def size(self) -> int:
        """Number of patients."""
        return self.cohort.size

    @property
    def doses_given(self) -> NDArray[np.int64]:
        """Doses received per patient in the cycle."""
        return np.count_nonzero(self.given, axis=1)

    @property
    def scheduled_doses(self) -> int:
        """Doses scheduled per cycle."""
        return int(self.given.shape[1])

    @property
    def needs_vasopressor(self) -> NDArray[np.bool_]:
        """Patients whose titrated vasopressor rose above ``settings.pressor_need_effect``."""
        return self.max_vasopressor > self.settings.pressor_need_effect

    @property
    def hypotensive(self) -> NDArray[np.bool_]:
        """Patients with hypotension: systolic below 90 mmHg at some time, or vasopressors needed."""
        return (self.min_systolic_mmHg < 90.0) | self.needs_vasopressor

    @property
    def clearance_ml_per_min(self) -> NDArray[np.float64]:
        r"""Each patient's aldesleukin clearance (mL/min): :math:`CL_i = f_{CL,i}\,CL(W_i)`, the
        weight-scaled clearance of :mod:`il2.pk` times the patient's clearance factor
        (``konrad1990``, spread from ``proleukin_smpc``)."""
        c = self.cohort
        disp = pk._disposition(c.weight_kg, self.settings.params.pk, c.clearance_factor, c.volume_factor)
        return np.asarray(disp.clearance_l_per_h) * 1000.0 / 60.0

    def exposure_retained(self, cell: str) -> NDArray[np.float64]:
        """Hours above ``cell``'s threshold as given, over the hours if every dose had been given."""
        if cell not in ENGAGED_CELLS:
            raise ValueError(f"cell must be one of {list(ENGAGED_CELLS)!r}; got {cell!r}")
        got = getattr(self, f"{cell.lower()}_hours")
        full = getattr(self, f"{cell.lower()}_hours_full")
        return np.divide(got, full, out=np.ones_like(got), where=full > 0)

    def subset(self, index: Any) -> "CohortResult":
        """The outcomes of the patients selected by ``index``."""
        arrays = {name: getattr(self, name)[index] for name in _OUTPUTS}
        return CohortResult(cohort=self.cohort.subset(index), settings=self.settings, **arrays)

    def fraction(self, mask: Any, level: float = 0.95) -> BinomialCI:
        """Share of patients in ``mask`` with its exact (Clopper-Pearson) interval
        (:func:`il2.outcomes.exact_ci`)."""
        m = np.asarray(mask, dtype=bool)
        if m.shape != (self.size,):
            raise ValueError(f"mask must hold one boolean per patient ({self.size}); got shape {m.shape}")
        return exact_ci(int(np.count_nonzero(m)), self.size, level)

    def median(self, values: Any, *, seed: int = 0, n_boot: int = 2000) -> Estimate:
        """Median of a per-patient quantity with its bootstrap interval (:func:`bootstrap_ci`)."""
        return bootstrap_ci(values, np.median, n_boot=n_boot, seed=seed)

    def sensitivity(self, outcome: Any = None) -> dict[str, Estimate]:
        """Spearman correlation of each trait with ``outcome`` (default: doses received)."""
        y = self.doses_given if outcome is None else np.asarray(outcome, dtype=float)
        return {name: spearman_ci(v, y) for name, v in self.cohort.traits().items()}


def _settings(regimen: pk.Regimen | None, hold_systolic_mmHg: float | None, hold_doses: bool,
              vasopressor_max: float | None, fluid_ml_per_h: float | None, step_h: float,
              tail_h: float, rk_step_h: float, params: _course.ToxicityParameters,
              cohort: Cohort) -> CohortSettings:
    if not isinstance(params, _course.ToxicityParameters):
        raise ValueError(f"params must be an il2.toxicity.ToxicityParameters; got {type(params).__name__}")
    reg = _course.five_day_regimen() if regimen is None else regimen
    if not isinstance(reg, pk.Regimen):
        raise ValueError(f"regimen must be an il2.pk.Regimen; got {type(reg).__name__}")
    if reg.cycles != 1 or reg.route != "iv":
        raise ValueError(f"regimen must be one intravenous cycle; got {reg.cycles} cycles, route {reg.route!r}")
    if not isinstance(hold_doses, (bool, np.bool_)):
        raise ValueError(f"hold_doses must be True or False; got {hold_doses!r}")
    hold = params.management.hold_systolic_mmHg if hold_systolic_mmHg is None else hold_systolic_mmHg
    if np.ndim(hold) > 0:
        hold = float(np.median(check_array("hold_systolic_mmHg", hold, 0.0, 200.0)))
    u = cohort.params.vasopressor_max if vasopressor_max is None else vasopressor_max
    fluid = params.management.fluid_ml_per_h if fluid_ml_per_h is None else fluid_ml_per_h
    step = check_scalar("step_h", step_h, 1e-3, 0.1)
    rk = check_scalar("rk_step_h", rk_step_h, step, 0.5)
    sub = int(round(rk / step))
    if abs(sub * step - rk) > 1e-9 * rk:
        raise ValueError(f"rk_step_h must be a whole multiple of step_h ({step:g} h) up to 0.5 h; got {rk_step_h!r}")
    return CohortSettings(
        regimen=reg,
        hold_systolic_mmHg=check_scalar("hold_systolic_mmHg", hold, 0.0, 200.0),
        hold_doses=bool(hold_doses),
        vasopressor_max=check_scalar("vasopressor_max", u, 0.0, 3.0),
        fluid_ml_per_h=check_scalar("fluid_ml_per_h", fluid, 0.0, 2000.0),
        step_h=step,
        tail_h=check_scalar("tail_h", tail_h, 0.0, 24.0 * 30),
        pressor_need_effect=cohort.params.pressor_need_effect,
        params=params,
        rk_substeps=sub,
    )


def simulate_cohort(
    cohort: Cohort,
    *,
    regimen: pk.Regimen | None = None,
    hold_systolic_mmHg: float | None = None,
    hold_doses: bool = True,
    vasopressor_max: float | None = None,
    fluid_ml_per_h: float | None = None,
    step_h: float = 0.05,
    tail_h: float = _course.DEFAULT_TAIL_H,
    rk_step_h: float = 0.4,
    params: _course.ToxicityParameters = _course._DEFAULTS,
    model: ReceptorModel = DEFAULT_MODEL,
    executor: Any = None,
    shards: int | None = None,
) -> CohortResult:
    """Every patient of ``cohort`` through one cycle with the dose-hold rule (module docstring).

    Parameters
    ----------
    cohort
        The patients (:func:`draw_cohort`).
    regimen
        One intravenous cycle; default the label's 14 doses of 600,000 IU/kg every 8 h.
    hold_systolic_mmHg
        Hold threshold (0 to 200 mmHg), one for all patients or one per patient (a scan of the
        rule in one vectorised call); default :attr:`il2.toxicity.ManagementParameters.hold_systolic_mmHg`
        (the label's 90 mmHg).
    hold_doses
        Apply the hold rule (``False`` gives every dose).
    vasopressor_max
        Ceiling of the titrated vasopressor (0 to 3); default ``cohort.params.vasopressor_max``.
    fluid_ml_per_h
        IV fluid on top of maintenance (0 to 2000 mL/h); default Textor's
        (:attr:`il2.toxicity.ManagementParameters.fluid_ml_per_h`).
    step_h
        Grid step of plasma IL-2, the mediator and the activation (1e-3 to 0.1 h; the default
        resolves the 15-min infusions).
    tail_h
        Time simulated after the last scheduled dose (h).
    rk_step_h
        Step of the fixed-step Runge-Kutta integration of the fluid equations (a whole multiple
        of ``step_h``, at most 0.5 h); pressures, weight and albumin are read at these steps.
        The default 0.4 h (24 min) agrees with 0.1 h within a few hundredths of a mmHg (tests).
    params
        Toxicity model parameters shared by all patients (their traits replace weight, baseline
        mean pressure, PK clearance and volume, and the endothelial potency).
    model
        Receptor model for the NK and CD8 thresholds.
    executor
        ``None`` (run here), or any object with a ``concurrent.futures``-style
        ``submit(fn, *args)`` whose futures have ``result()``: a
        :class:`~concurrent.futures.ProcessPoolExecutor`, a ``dask.distributed.Client`` or its
        ``get_executor()``.
    shards
        Number of shards (default: 1 without an executor, else one per 250 patients, at most
        64). Results do not depend on it.

    Returns
    -------
    CohortResult

    Raises
    ------
    ValueError
        For a cohort that is not a :class:`Cohort`, or settings outside their ranges.
    """
    if not isinstance(cohort, Cohort):
        raise ValueError(f"cohort must be an il2.cohort.Cohort (see draw_cohort); got {type(cohort).__name__}")
    check_model(model)
    st = _settings(regimen, hold_systolic_mmHg, hold_doses, vasopressor_max, fluid_ml_per_h,
                   step_h, tail_h, rk_step_h, params, cohort)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise ValueError(f"executor must have a submit method (concurrent.futures style); got {type(executor).__name__}")
    if shards is None:
        k = 1 if executor is None else min(64, max(1, -(-cohort.size // 250)))
    else:
        k = check_integer("shards", shards, 1, MAX_PATIENTS)
    if hold_systolic_mmHg is not None and np.ndim(hold_systolic_mmHg) > 0:
        holds = check_array("hold_systolic_mmHg", hold_systolic_mmHg, 0.0, 200.0)
        if holds.shape != (cohort.size,):
            raise ValueError(f"hold_systolic_mmHg must be one number or one per patient ({cohort.size}); "
                             f"got shape {holds.shape}")
    else:
        holds = np.full(cohort.size, st.hold_systolic_mmHg)
    nk = engagement_threshold_iu_per_ml("NK", cohort.nk_receptor_factor, model=model)
    cd8 = engagement_threshold_iu_per_ml("CD8", cohort.cd8_receptor_factor, model=model)
    bounds = np.linspace(0, cohort.size, min(k, cohort.size) + 1).round().astype(int)
    parts = [_ShardInput(cohort.subset(slice(a, b)), nk[a:b], cd8[a:b], holds[a:b])
             for a, b in zip(bounds[:-1], bounds[1:])]
    if executor is None:
        outs = [simulate_shard(part, st) for part in parts]
    else:
        futures = [executor.submit(simulate_shard, part, st) for part in parts]
        outs = [f.result() for f in futures]
    joined = {name: np.concatenate([o[name] for o in outs], axis=0) for name in _OUTPUTS}
    return CohortResult(cohort=cohort, settings=st, **joined)


@functools.lru_cache(maxsize=8)
def virtual_cohort(n_patients: int = 1000, seed: int = 0,
                   params: CohortParameters = CohortParameters()) -> CohortResult:
    """``n_patients`` drawn with ``seed`` (:func:`draw_cohort`) through one cycle of the label's
    regimen with its hold rule (:func:`simulate_cohort`, default settings).

    Cached by the arguments: a chapter's numbers and figures ask for the same cohort, which is
    simulated once per process (treat the result's arrays as read-only).

    Raises
    ------
    ValueError
        As :func:`draw_cohort`.
    """
    return simulate_cohort(draw_cohort(n_patients, seed=seed, params=params))


def hold_scan(holds_mmHg: Any = (80.0, 85.0, 90.0, 95.0, 100.0), n_patients: int = 200,
              seed: int = 0) -> dict[float, CohortResult]:
    """The same ``n_patients`` (drawn with ``seed``) under each dose-hold threshold in
    ``holds_mmHg``, simulated in one vectorised call (:func:`simulate_cohort` with one threshold
    per patient), then split by threshold.

    Cached by the arguments (the thresholds as floats).

    Returns
    -------
    dict
        Threshold (mmHg) -> :class:`CohortResult` of the ``n_patients``.

    Raises
    ------
    ValueError
        For a threshold outside [0, 200] mmHg, an empty list, or a bad cohort size or seed.
    """
    holds = check_array("holds_mmHg", holds_mmHg, 0.0, 200.0)
    if holds.ndim != 1 or holds.size == 0:
        raise ValueError(f"holds_mmHg must be a non-empty 1-D list of thresholds; got {holds_mmHg!r}")
    return _hold_scan(tuple(float(h) for h in holds), n_patients, seed)


@functools.lru_cache(maxsize=8)
def _hold_scan(holds: tuple[float, ...], n_patients: int, seed: int) -> dict[float, CohortResult]:
    patients = draw_cohort(n_patients, seed=seed)
    n = patients.size
    result = simulate_cohort(concat([patients] * len(holds)),
                             hold_systolic_mmHg=np.repeat(np.asarray(holds, dtype=float), n))
    return {h: result.subset(slice(i * n, (i + 1) * n)) for i, h in enumerate(holds)}


def spread_scan(spreads: Any = (0.0, 0.25, 0.5, 0.75), n_patients: int = 200,
                seed: int = 0) -> dict[float, CohortResult]:
    r"""The same ``n_patients`` at each spread :math:`\sigma_s` of endothelial sensitivity
    (``sensitivity_log_sd`` of :class:`CohortParameters`): the same standard normals
    :math:`z_i` (one ``seed``), so patient :math:`i`'s sensitivity :math:`e^{\sigma_s z_i}` moves
    smoothly with the spread; simulated in one vectorised call and split by spread.

    Cached by the arguments (the spreads as floats).

    Returns
    -------
    dict
        Spread -> :class:`CohortResult` of the ``n_patients``.

    Raises
    ------
    ValueError
        For a spread outside [0, 2], an empty list, or a bad cohort size or seed.
    """
    values = check_array("spreads", spreads, 0.0, 2.0)
    if values.ndim != 1 or values.size == 0:
        raise ValueError(f"spreads must be a non-empty 1-D list of spreads; got {spreads!r}")
    return _spread_scan(tuple(float(v) for v in values), n_patients, seed)


@functools.lru_cache(maxsize=8)
def _spread_scan(spreads: tuple[float, ...], n_patients: int, seed: int) -> dict[float, CohortResult]:
    base = CohortParameters()
    cohorts = [draw_cohort(n_patients, seed=seed, params=dataclasses.replace(base, sensitivity_log_sd=v))
               for v in spreads]
    result = simulate_cohort(concat(cohorts))
    n = cohorts[0].size
    return {v: result.subset(slice(i * n, (i + 1) * n)) for i, v in enumerate(spreads)}


def concat(cohorts: Sequence[Cohort]) -> Cohort:
    """One cohort holding the patients of ``cohorts`` in order (for one vectorised call over
    several variants of a cohort, e.g. a scan of one spread)."""
    if not cohorts or not all(isinstance(c, Cohort) for c in cohorts):
        raise ValueError("cohorts must be a non-empty sequence of il2.cohort.Cohort")
    return Cohort(**{name: np.concatenate([getattr(c, name) for c in cohorts]) for name in TRAITS},
                  seed=None, params=cohorts[0].params)


# --- published anchors -------------------------------------------------------------------------


@dataclass(frozen=True)
class DosesReceivedRecord:
    """Published doses received in the first cycle of high-dose IL-2, and related toxicity.

    Attributes
    ----------
    source
        BibTeX key.
    dose_iu_per_kg
        Dose per infusion.
    patients
        Patients in the series.
    doses_low, doses_high
        The range reported (for Kammula: the median of the first and of the last group; for the
        guidelines: the usual range).
    grade34_hypotension_early_pct, grade34_hypotension_late_pct
        Grade 3-4 hypotension in the first and the last group (``nan`` when not reported).
    early_group_patients
        Patients in the first group (0 when not reported; the abstract gives no size for
        Kammula's last group).
    """

    source: str
    dose_iu_per_kg: float
    patients: int
    doses_low: float
    doses_high: float
    grade34_hypotension_early_pct: float = float("nan")
    grade34_hypotension_late_pct: float = float("nan")
    early_group_patients: int = 0


#: Kammula et al. 1998: 1,241 consecutive patients at the NCI, 720,000 IU/kg every 8 h, 1985-1997.
#: Median doses of the first cycle fell from 13 to 7 as the NCI held doses more readily;
#: grade 3-4 hypotension fell from 81% (first 155 patients) to 31% (last group).
KAMMULA_1998 = DosesReceivedRecord(
    source="kammula1998", dose_iu_per_kg=720_000.0, patients=1241, doses_low=7.0, doses_high=13.0,
    grade34_hypotension_early_pct=81.0, grade34_hypotension_late_pct=31.0, early_group_patients=155,
)
#: Schwartzentruber 2001 (NCI guidelines): 600,000 or 720,000 IU/kg every 8 h until maximally
#: tolerated, generally 8 to 12 doses in the first cycle. (Patients: not a series, 0.)
SCHWARTZENTRUBER_2001 = DosesReceivedRecord(
    source="schwartzentruber2001", dose_iu_per_kg=600_000.0, patients=0, doses_low=8.0,
    doses_high=12.0,
)


def _label_event(event: str) -> Any:
    for ae in ADVERSE_EVENTS:
        if ae.name.lower() == str(event).lower():
            return ae
    raise ValueError(f"event must be one of {[ae.name for ae in ADVERSE_EVENTS]!r}; got {event!r}")


def label_incidence(event: str) -> float:
    """Incidence (%) of an adverse event on the label (:data:`il2.toxicity.ADVERSE_EVENTS`)."""
    return float(_label_event(event).percent)


def label_fraction(event: str, level: float = 0.95) -> BinomialCI:
    """Incidence of an adverse event on the label as a count of its 525 patients, with its exact
    (Clopper-Pearson) interval. The label gives whole percentages, so the count is the percentage
    of the 525 rounded (``AdverseEvent.patients``; 71%: 373 patients)."""
    return exact_ci(_label_event(event).patients, LABEL_PATIENTS, level)


def overlap_window(model: BinomialCI, published: BinomialCI) -> tuple[float, float]:
    """The window (in %) around the model's interval that holds the published estimate exactly
    when the two intervals overlap: the model's interval widened below by the published interval's
    upper half-width and above by its lower half-width. With :func:`compare_with_published` it gives
    ``"within tolerance"`` when the two 95% intervals overlap."""
    p = 100 * published.estimate
    return 100 * model.low - (100 * published.high - p), 100 * model.high + (p - 100 * published.low)


def compare_with_published(low: float, high: float, published: float) -> str:
    """Verdict of a comparison with a published figure.

    ``"within tolerance"`` when ``published`` lies in ``[low, high]`` (the model's interval, or
    the model's value widened by the stated tolerance); otherwise ``"higher than reported"`` or
    ``"lower than reported"``. The anchor table of the cohort chapter prints the verdict, and its
    tests compare it with the verdict the prose discusses.
    """
    values = {"low": low, "high": high, "published": published}
    for name, value in values.items():
        if not math.isfinite(float(value)):
            raise ValueError(f"{name} must be a finite number; got {value!r}")
    if low > high:
        raise ValueError(f"low must not exceed high; got low={low!r}, high={high!r}")
    if published < low:
        return "higher than reported"
    if published > high:
        return "lower than reported"
    return "within tolerance"


#: Textor et al. 1987 (il2.toxicity.measured): weight gain and serum albumin after a five-day course.
TEXTOR = TEXTOR_COURSE

