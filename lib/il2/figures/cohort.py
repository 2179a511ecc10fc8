"""Figures and explorers of the chapter "A virtual cohort" (chapters/07_virtual_cohort.ipynb).

Each ``draw_*`` function takes results of :mod:`il2.cohort` (a cohort through one cycle,
:func:`il2.cohort.virtual_cohort`; a scan of the hold rule, :func:`il2.cohort.hold_scan`) and
only draws with the house style (:func:`il2.plotting.new_figure`); the chapter's figure cells
make the model call and pass its result here. The cohort and the explorers' scans are cached in
:mod:`il2.cohort`, so the explorers' model calls only look results up. :data:`EXPLORERS` lists
the interactive figures.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from matplotlib.figure import Figure

from il2 import cohort as co
from il2.explore import Explorer, Slider, explore
from il2.plotting import CELL_COLORS, QUANTITY_COLORS, new_figure, plain_log_ticks, styled
from il2.toxicity import ManagementParameters
from il2.toxicity.adverse_events import LABEL_PATIENTS
from il2.toxicity.measured import TEXTOR_COURSE

__all__ = [
    "N_PATIENTS",
    "SEED",
    "EXPLORER_PATIENTS",
    "EXPLORERS",
    "CohortNumbers",
    "chapter_cohort",
    "chapter_numbers",
    "spread_scan",
    "hold_scan",
    "draw_traits",
    "draw_outcomes",
    "draw_sensitivity",
    "draw_exposure",
    "draw_hold_rule",
    "spread_explorer",
    "hold_explorer",
]

#: The chapter's cohort: size and seed.
N_PATIENTS = 1000
SEED = 2026
#: Patients per setting in the explorers' scans (the same patients at every setting).
EXPLORER_PATIENTS = 200
#: Values of the explorers' sliders (each simulated once, in one vectorised call per scan).
SPREADS = Slider("sensitivity_log_sd", "Spread of endothelial sensitivity (SD of log)", 0.0, 0.9,
                 co.CohortParameters().sensitivity_log_sd, steps=7, grid_only=True)
HOLDS = Slider("hold_systolic_mmHg", "Hold a dose below systolic", 80.0, 100.0,
               ManagementParameters().hold_systolic_mmHg, steps=9, unit="mmHg", grid_only=True)
_HOLD = ManagementParameters().hold_systolic_mmHg
_C = {
    "doses": QUANTITY_COLORS["IL-2"],
    "pressure": QUANTITY_COLORS["pressure"],
    "tissue": QUANTITY_COLORS["interstitium"],
    "plasma": QUANTITY_COLORS["plasma"],
    "grey": QUANTITY_COLORS["threshold"],
}
_TRAIT_LABELS = {
    "weight_kg": "body weight",
    "clearance_factor": "aldesleukin clearance",
    "volume_factor": "central volume",
    "sensitivity": "endothelial sensitivity",
    "mean_pressure_mmHg": "baseline pressure",
    "nk_receptor_factor": "NK receptor counts",
    "cd8_receptor_factor": "CD8 receptor counts",
}


# ---------------------------------------------------------------------------------------------
# The chapter's simulations (cached per kernel)
# ---------------------------------------------------------------------------------------------


def chapter_cohort() -> co.CohortResult:
    """The chapter's cohort through one cycle of the label's regimen
    (:func:`il2.cohort.virtual_cohort` with :data:`N_PATIENTS` and :data:`SEED`, cached there)."""
    return co.virtual_cohort(N_PATIENTS, seed=SEED)


def spread_scan() -> dict[float, co.CohortResult]:
    """The explorers' patients at every spread of endothelial sensitivity on the slider
    (:func:`il2.cohort.spread_scan`, cached there)."""
    return co.spread_scan(SPREADS.values(), n_patients=EXPLORER_PATIENTS, seed=SEED)


def hold_scan() -> dict[float, co.CohortResult]:
    """The explorers' patients under every hold threshold on the slider
    (:func:`il2.cohort.hold_scan`, cached there)."""
    return co.hold_scan(HOLDS.values(), n_patients=EXPLORER_PATIENTS, seed=SEED)


def _nearest(scan: dict[float, co.CohortResult], value: float) -> tuple[float, co.CohortResult]:
    key = min(scan, key=lambda k: abs(k - float(value)))
    return key, scan[key]


# ---------------------------------------------------------------------------------------------
# Numbers quoted by the chapter
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortNumbers:
    """Every number the chapter quotes, computed from the library (see :func:`chapter_numbers`)."""

    n_patients: int
    seed: int
    scheduled: int
    doses_median: float
    doses_median_low: float
    doses_median_high: float
    doses_q1: float
    doses_q3: float
    full_cycle_pct: float
    seven_or_fewer_pct: float
    min_doses: int
    hypotensive_pct: float
    hypotensive_low: float
    hypotensive_high: float
    vasopressor_pct: float
    vasopressor_low: float
    vasopressor_high: float
    below90_pct: float
    label_hypotension_pct: float
    label_hypotension_low: float
    label_hypotension_high: float
    label_hypotension_patients: int
    early_stoppers_hypotensive_pct: float
    full_cycle_hypotensive_pct: float
    min_sbp_median: float
    gain_end_median: float
    gain_end_low: float
    gain_end_high: float
    gain_max_median: float
    albumin_end_median: float
    albumin_nadir_median: float
    rho: dict[str, float]
    rho_low: dict[str, float]
    rho_high: dict[str, float]
    other_rho_max: float
    nk_hours_median: float
    nk_full_median: float
    cd8_hours_median: float
    cd8_full_median: float
    early_doses_fraction: float
    early_nk_retained: float
    early_cd8_retained: float
    early_pct: float
    early_cutoff: int
    nk_threshold_iu_median: float
    hold_doses_median: dict[float, float]
    hold_vaso_pct: dict[float, float]
    hold_below90_pct: dict[float, float]
    hold_below80_pct: dict[float, float]
    hold_min_sbp_median: dict[float, float]
    weight_median_kg: float
    clearance_median_ml_min: float
    clearance_p5: float
    clearance_p95: float
    sensitivity_p5: float
    sensitivity_p95: float
    baseline_sbp_median: float
    baseline_sbp_p5: float
    baseline_sbp_p95: float
    vasopressor_max: float
    pressor_target: float
    hold_sbp: float
    #: Verdict of each row of the anchor table (:func:`il2.cohort.compare_with_published`):
    #: ``"doses"``, ``"hypotension"``, ``"vasopressor"``, ``"weight"``, ``"albumin"``.
    verdicts: dict[str, str]


def hypotension_tolerance(r: co.CohortResult) -> tuple[float, float, str]:
    """The hypotension row's tolerance, the one definition its verdict and its text share.

    The cohort's share of hypotensive patients and the label's 71% of 525 patients each carry a
    sampling error; the row asks their exact 95% intervals to overlap, and allows nothing for the
    different definitions of hypotension (the chapter discusses those). Returns the window (in %)
    around the cohort's interval that must hold the label's estimate
    (:func:`il2.cohort.overlap_window`) and the text the anchor table prints.
    """
    label = co.label_fraction("Hypotension")
    low, high = co.overlap_window(r.fraction(r.hypotensive), label)
    text = (f"the two 95% intervals overlap (the label's: {100 * label.low:.0f}–{100 * label.high:.0f}%, "
            f"{label.successes} of {label.trials} patients)")
    return low, high, text


def _verdicts(r: co.CohortResult) -> dict[str, str]:
    """The anchor table's verdicts (its tolerances, :func:`anchor_table_markdown`)."""
    k, s, t = co.KAMMULA_1998, co.SCHWARTZENTRUBER_2001, TEXTOR_COURSE
    med = float(np.median(r.doses_given))
    vas = r.fraction(r.needs_vasopressor)
    gain = float(np.median(r.weight_gain_end_kg))
    alb = float(np.median(r.albumin_end_g_per_dl))
    hyp_low, hyp_high, _ = hypotension_tolerance(r)
    # a row's tolerance turned into a window around the model's value that must hold the figure
    return {
        "doses": co.compare_with_published(med, med, min(max(med, s.doses_low), s.doses_high)),
        "hypotension": co.compare_with_published(hyp_low, hyp_high,
                                                 100 * co.label_fraction("Hypotension").estimate),
        # the later practice's figure against the cohort's own 95% interval (the size of
        # Kammula's last group is not recorded, so the published figure has no interval here)
        "vasopressor": co.compare_with_published(100 * vas.low, 100 * vas.high,
                                                 k.grade34_hypotension_late_pct),
        "weight": co.compare_with_published(gain / 2, 2 * gain, t.weight_gain_kg),
        "albumin": co.compare_with_published(alb - 0.3, alb + 0.3, t.albumin_after_g_per_dl),
    }


@functools.lru_cache(maxsize=1)
def chapter_numbers() -> CohortNumbers:
    """Compute every number the chapter quotes (from :func:`chapter_cohort` and :func:`hold_scan`)."""
    r = chapter_cohort()
    d = r.doses_given
    med = r.median(d)
    q1, q3 = np.percentile(d, [25, 75])
    hyp = r.fraction(r.hypotensive)
    vas = r.fraction(r.needs_vasopressor)
    label = co.label_fraction("Hypotension")
    gain = r.median(r.weight_gain_end_kg)
    sens = r.sensitivity()
    others = [abs(e.value) for k, e in sens.items() if k not in ("sensitivity", "clearance_factor")]
    cutoff = int(np.percentile(d, 25))
    early = d <= cutoff
    holds = hold_scan()
    cl = r.clearance_ml_per_min
    sbp0 = r.cohort.mean_pressure_mmHg + 2.0 * r.settings.params.hemodynamics.pulse_pressure_mmHg / 3.0
    return CohortNumbers(
        n_patients=r.size, seed=SEED, scheduled=r.scheduled_doses,
        doses_median=med.value, doses_median_low=med.low, doses_median_high=med.high,
        doses_q1=float(q1), doses_q3=float(q3),
        full_cycle_pct=100 * float(np.mean(d == r.scheduled_doses)),
        seven_or_fewer_pct=100 * float(np.mean(d <= 7)), min_doses=int(d.min()),
        hypotensive_pct=100 * hyp.estimate, hypotensive_low=100 * hyp.low, hypotensive_high=100 * hyp.high,
        vasopressor_pct=100 * vas.estimate, vasopressor_low=100 * vas.low, vasopressor_high=100 * vas.high,
        below90_pct=100 * float(np.mean(r.min_systolic_mmHg < 90.0)),
        label_hypotension_pct=co.label_incidence("Hypotension"),
        label_hypotension_low=100 * label.low, label_hypotension_high=100 * label.high,
        label_hypotension_patients=label.successes,
        early_stoppers_hypotensive_pct=100 * float(np.mean(r.hypotensive[d < r.scheduled_doses])),
        full_cycle_hypotensive_pct=100 * float(np.mean(r.hypotensive[d == r.scheduled_doses])),
        min_sbp_median=float(np.median(r.min_systolic_mmHg)),
        gain_end_median=gain.value, gain_end_low=gain.low, gain_end_high=gain.high,
        gain_max_median=float(np.median(r.weight_gain_kg)),
        albumin_end_median=float(np.median(r.albumin_end_g_per_dl)),
        albumin_nadir_median=float(np.median(r.albumin_nadir_g_per_dl)),
        rho={k: e.value for k, e in sens.items()}, rho_low={k: e.low for k, e in sens.items()},
        rho_high={k: e.high for k, e in sens.items()}, other_rho_max=float(max(others)),
        nk_hours_median=float(np.median(r.nk_hours)), nk_full_median=float(np.median(r.nk_hours_full)),
        cd8_hours_median=float(np.median(r.cd8_hours)), cd8_full_median=float(np.median(r.cd8_hours_full)),
        early_doses_fraction=float(np.median(d[early] / r.scheduled_doses)),
        early_nk_retained=float(np.median(r.exposure_retained("NK")[early])),
        early_cd8_retained=float(np.median(r.exposure_retained("CD8")[early])),
        early_pct=100 * float(np.mean(early)), early_cutoff=cutoff,
        nk_threshold_iu_median=float(np.median(r.nk_threshold_iu_per_ml)),
        hold_doses_median={k: float(np.median(v.doses_given)) for k, v in holds.items()},
        hold_vaso_pct={k: 100 * float(np.mean(v.needs_vasopressor)) for k, v in holds.items()},
        hold_below90_pct={k: 100 * float(np.mean(v.min_systolic_mmHg < 90.0)) for k, v in holds.items()},
        hold_below80_pct={k: 100 * float(np.mean(v.min_systolic_mmHg < 80.0)) for k, v in holds.items()},
        hold_min_sbp_median={k: float(np.median(v.min_systolic_mmHg)) for k, v in holds.items()},
        weight_median_kg=float(np.median(r.cohort.weight_kg)),
        clearance_median_ml_min=float(np.median(cl)),
        clearance_p5=float(np.percentile(cl, 5)), clearance_p95=float(np.percentile(cl, 95)),
        sensitivity_p5=float(np.percentile(r.cohort.sensitivity, 5)),
        sensitivity_p95=float(np.percentile(r.cohort.sensitivity, 95)),
        baseline_sbp_median=float(np.median(sbp0)), baseline_sbp_p5=float(np.percentile(sbp0, 5)),
        baseline_sbp_p95=float(np.percentile(sbp0, 95)),
        vasopressor_max=r.settings.vasopressor_max,
        pressor_target=r.settings.params.management.pressor_target_systolic_mmHg,
        hold_sbp=r.settings.hold_systolic_mmHg,
        verdicts=_verdicts(r),
    )


def anchor_table_markdown() -> str:
    """Model against published anchors, as a Markdown table (rows from the library)."""
    n = chapter_numbers()
    k, s, t = co.KAMMULA_1998, co.SCHWARTZENTRUBER_2001, TEXTOR_COURSE
    rows = [
        ("Doses received in the first cycle (median)",
         f"{n.doses_median:.0f} (95% CI {n.doses_median_low:.0f}–{n.doses_median_high:.0f}); middle half "
         f"{n.doses_q1:.0f}–{n.doses_q3:.0f}",
         f"median {k.doses_high:.0f} falling to {k.doses_low:.0f} as holds became stricter "
         f"{{cite:p}}`{k.source}`; usually {s.doses_low:.0f}–{s.doses_high:.0f} {{cite:p}}`{s.source}`",
         f"median within {s.doses_low:.0f}–{s.doses_high:.0f}"),
        ("Hypotension: systolic below 90 mmHg at any time, or vasopressors (compared with "
         "hypotension reported at any grade, a different measure)",
         f"{n.hypotensive_pct:.0f}% ({n.hypotensive_low:.0f}–{n.hypotensive_high:.0f}%)",
         f"{n.label_hypotension_pct:.0f}% of {LABEL_PATIENTS} "
         f"patients, any grade {{cite:p}}`proleukin_label`",
         hypotension_tolerance(chapter_cohort())[2]),
        ("Vasopressors needed (compared with grade 3–4 hypotension, a different measure)",
         f"{n.vasopressor_pct:.0f}% ({n.vasopressor_low:.0f}–{n.vasopressor_high:.0f}%)",
         f"grade 3–4 hypotension {k.grade34_hypotension_late_pct:.0f}% in the last group, under "
         f"the later, stricter holds ({k.grade34_hypotension_early_pct:.0f}% in the first "
         f"{k.early_group_patients} patients) {{cite:p}}`{k.source}`",
         f"{k.grade34_hypotension_late_pct:.0f}% inside the cohort's 95% interval (no interval for "
         "the published figure: the size of the last group is not recorded)"),
        ("Weight gain at the end of the cycle (median)",
         f"{n.gain_end_median:.1f} kg ({n.gain_end_low:.1f}–{n.gain_end_high:.1f})",
         f"{t.weight_gain_kg:.1f} kg (mean of {t.patients}) {{cite:p}}`{t.source}`",
         "within a factor of 2"),
        ("Serum albumin at the end (median)", f"{n.albumin_end_median:.1f} g/dL",
         f"{t.albumin_after_g_per_dl:.1f} g/dL (from {t.albumin_before_g_per_dl:.1f}) {{cite:p}}`{t.source}`",
         "within 0.3 g/dL"),
    ]
    verdicts = [n.verdicts[key] for key in ("doses", "hypotension", "vasopressor", "weight", "albumin")]
    lines = ["| quantity | virtual cohort (95% CI) | published | agreement would need | verdict |",
             "|---|---|---|---|---|"]
    lines += [f"| {a} | {b} | {c} | {d} | {v} |" for (a, b, c, d), v in zip(rows, verdicts)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Static figures
# ---------------------------------------------------------------------------------------------


def _hist_doses(ax: Any, doses: np.ndarray, scheduled: int, color: str = _C["doses"]) -> Any:
    """Bars of the share of patients by doses received (returns the bars), with the guidelines'
    usual range shaded and Kammula's medians dashed."""
    counts = np.bincount(doses, minlength=scheduled + 1)
    bars = ax.bar(np.arange(scheduled + 1), 100.0 * counts / doses.size, width=0.8, color=color, alpha=0.85)
    ax.axvspan(co.SCHWARTZENTRUBER_2001.doses_low - 0.5, co.SCHWARTZENTRUBER_2001.doses_high + 0.5,
               color=_C["grey"], alpha=0.15, lw=0)
    for m in (co.KAMMULA_1998.doses_low, co.KAMMULA_1998.doses_high):
        ax.axvline(m, color="black", ls="--", lw=1.0)
    ax.set_xlim(-0.6, scheduled + 0.6)
    ax.set_xlabel("doses received in the cycle")
    ax.set_ylabel("patients (%)")
    return bars


#: Tick values of the traits' logarithmic axes (default: 1, 2, 5 times powers of ten).
_TRAIT_TICKS: dict[str, tuple[float, ...]] = {
    "volume_factor": (0.8, 1.0, 1.25),
    "sensitivity": (0.25, 0.5, 1.0, 2.0, 4.0),
    "nk_receptor_factor": (0.5, 1.0, 2.0),
    "cd8_receptor_factor": (0.5, 1.0, 2.0),
}


@styled
def draw_traits(r: co.CohortResult) -> Figure:
    """The virtual patients of a cohort result (:func:`il2.cohort.virtual_cohort`): distributions
    of the traits that differ between them."""
    c = r.cohort
    sbp0 = c.mean_pressure_mmHg + 2.0 * r.settings.params.hemodynamics.pulse_pressure_mmHg / 3.0
    panels = {
        "weight_kg": ("body weight\n(kg)", c.weight_kg, False, _C["tissue"]),
        "clearance_factor": ("aldesleukin clearance\n(mL/min)", r.clearance_ml_per_min, True, _C["plasma"]),
        "volume_factor": ("central volume\n(× reference)", c.volume_factor, True, _C["plasma"]),
        "sensitivity": ("endothelial sensitivity\n(× reference)", c.sensitivity, True, _C["pressure"]),
        "mean_pressure_mmHg": ("baseline systolic\npressure (mmHg)", sbp0, False, _C["pressure"]),
        "nk_receptor_factor": ("NK receptor counts\n(× reference)", c.nk_receptor_factor, True, CELL_COLORS["NK"]),
        "cd8_receptor_factor": ("CD8 receptor counts\n(× reference)", c.cd8_receptor_factor, True,
                                CELL_COLORS["CD8"]),
    }
    # one panel per trait the library draws, in its order (a trait added there fails loudly here)
    fig, axes = new_figure(2, 4, width_in=9.6, height_in=4.8)
    for ax, name in zip(axes.ravel(), co.TRAITS):
        label, values, log, color = panels[name]
        bins = np.geomspace(values.min(), values.max(), 30) if log else 30
        ax.hist(values, bins=bins, color=color, alpha=0.85)
        if log:
            ax.set_xscale("log")
            plain_log_ticks(ax.xaxis, float(values.min()), float(values.max()),
                            ticks=_TRAIT_TICKS.get(name))
        ax.set_xlabel(label)
        ax.set_yticks([])
    for ax in axes.ravel()[len(co.TRAITS):]:
        ax.set_axis_off()
    axes[0, 0].set_ylabel("patients")
    axes[1, 0].set_ylabel("patients")
    return fig


@styled
def draw_outcomes(r: co.CohortResult) -> Figure:
    """Outcomes of the cycle across a cohort (:func:`il2.cohort.virtual_cohort`), against the
    published anchors; the vertical line marks the cohort's hold threshold."""
    fig, axes = new_figure(2, 2, width_in=8.4, height_in=5.6)
    ax = axes[0, 0]
    _hist_doses(ax, r.doses_given, r.scheduled_doses)
    ax.set_title("Doses received")
    ax = axes[0, 1]
    ax.hist(r.min_systolic_mmHg, bins=30, color=_C["pressure"], alpha=0.85)
    ax.axvline(r.settings.hold_systolic_mmHg, color="black", lw=1.0)
    ax.set_xlabel("lowest systolic pressure (mmHg)")
    ax.set_ylabel("patients")
    ax.set_title("Lowest pressure")
    ax = axes[1, 0]
    ax.hist(r.weight_gain_end_kg, bins=30, color=_C["tissue"], alpha=0.85)
    ax.axvline(TEXTOR_COURSE.weight_gain_kg, color="black", ls="--", lw=1.0)
    ax.set_xlabel("weight gain at the end (kg)")
    ax.set_ylabel("patients")
    ax.set_title("Weight gain")
    ax = axes[1, 1]
    ax.hist(r.albumin_end_g_per_dl, bins=30, color=_C["plasma"], alpha=0.85)
    ax.axvline(TEXTOR_COURSE.albumin_after_g_per_dl, color="black", ls="--", lw=1.0)
    ax.set_xlabel("serum albumin at the end (g/dL)")
    ax.set_ylabel("patients")
    ax.set_title("Albumin")
    return fig


@styled
def draw_sensitivity(r: co.CohortResult) -> Figure:
    """Which patient differences explain the doses received in a cohort
    (:func:`il2.cohort.virtual_cohort`): rank correlations with intervals
    (:meth:`il2.cohort.CohortResult.sensitivity`), and doses against the two traits that matter."""
    sens = r.sensitivity()
    names = sorted(sens, key=lambda k: abs(sens[k].value))
    fig, (ax1, ax2) = new_figure(1, 2, width_in=8.6, height_in=3.6)
    y = np.arange(len(names))
    vals = np.array([sens[k].value for k in names])
    err = np.array([[sens[k].value - sens[k].low for k in names], [sens[k].high - sens[k].value for k in names]])
    ax1.barh(y, vals, color=[_C["pressure"] if v < 0 else _C["plasma"] for v in vals], alpha=0.85)
    ax1.errorbar(vals, y, xerr=err, fmt="none", ecolor="black", lw=1.0, capsize=2)
    ax1.set_yticks(y, [_TRAIT_LABELS[k] for k in names])
    ax1.axvline(0, color="black", lw=0.7)
    ax1.set_xlim(-1, 1)
    ax1.set_xlabel("rank correlation with doses received")
    ax1.set_title("Who stops early")
    rng = np.random.default_rng(0)
    jitter = rng.uniform(-0.25, 0.25, r.size)
    sc = ax2.scatter(r.cohort.sensitivity, r.doses_given + jitter, c=np.log(r.clearance_ml_per_min),
                     cmap="viridis", s=6, alpha=0.7, lw=0)
    ax2.set_xscale("log")
    plain_log_ticks(ax2.xaxis, float(r.cohort.sensitivity.min()), float(r.cohort.sensitivity.max()))
    ax2.set_xlabel("endothelial sensitivity (× reference)")
    ax2.set_ylabel("doses received")
    ax2.set_title("Sensitivity and clearance")
    cb = fig.colorbar(sc, ax=ax2, pad=0.02)
    ticks = np.array([80, 120, 180, 270])
    cb.set_ticks(np.log(ticks), labels=[str(t) for t in ticks])
    cb.set_label("clearance (mL/min)")
    return fig


@styled
def draw_exposure(r: co.CohortResult) -> Figure:
    """Does a patient who receives fewer doses lose the immune effect? Hours above the NK and CD8
    thresholds, as a share of the full cycle's, against the share of doses received, for each
    patient of a cohort (:func:`il2.cohort.virtual_cohort`)."""
    frac = r.doses_given / r.scheduled_doses
    fig, ax = new_figure(1, 1, width_in=5.2, height_in=4.0)
    rng = np.random.default_rng(1)
    jitter = rng.uniform(0.002, 0.014, r.size)
    # the two cells keep nearly the same share, so their points would fall on each other: NK
    # cells (circles) just left of each dose count, CD8 T cells (crosses) just right of it
    for cell, marker, side in (("NK", "o", -1.0), ("CD8", "x", 1.0)):
        ax.scatter(frac + side * jitter, r.exposure_retained(cell), s=12, alpha=0.7,
                   lw=0 if marker == "o" else 0.9, marker=marker,
                   color=CELL_COLORS[cell], label=f"{cell} cells")
    ax.plot([0, 1], [0, 1], color=_C["grey"], ls=":", lw=1.2, label="in proportion to doses")
    ax.set_xlim(0.3, 1.03)
    ax.set_ylim(0.3, 1.03)
    ax.set_xlabel("share of the scheduled doses received")
    ax.set_ylabel("share of the full cycle's hours above threshold")
    ax.legend(fontsize=8, loc="upper left", markerscale=1.8)
    return fig


@styled
def draw_hold_rule(scan: dict[float, co.CohortResult]) -> Figure:
    """The hold threshold: doses received and hypotension across the thresholds of a scan
    (:func:`il2.cohort.hold_scan`), with Kammula's trend; the grey line marks the label's 90 mmHg."""
    holds = np.array(sorted(scan))
    med = np.array([np.median(scan[h].doses_given) for h in holds])
    q1 = np.array([np.percentile(scan[h].doses_given, 25) for h in holds])
    q3 = np.array([np.percentile(scan[h].doses_given, 75) for h in holds])
    low = np.array([100 * np.mean(scan[h].min_systolic_mmHg < 90.0) for h in holds])
    deep = np.array([100 * np.mean(scan[h].min_systolic_mmHg < 80.0) for h in holds])
    vaso = np.array([100 * np.mean(scan[h].needs_vasopressor) for h in holds])
    fig, (ax1, ax2) = new_figure(1, 2, width_in=8.4, height_in=4.0)
    ax1.fill_between(holds, q1, q3, color=_C["grey"], alpha=0.25, lw=0, label="middle half")
    ax1.plot(holds, med, color=_C["doses"], marker="o", ms=4, lw=1.5, label="median")
    for m in (co.KAMMULA_1998.doses_low, co.KAMMULA_1998.doses_high):
        ax1.axhline(m, color="black", ls="--", lw=1.0)
    ax1.set_xlabel("hold a dose below systolic (mmHg)")
    ax1.set_ylabel("doses received")
    ax1.set_ylim(0, 14.5)
    ax1.legend(fontsize=8, loc="lower left")
    ax1.set_title("Doses")
    ax2.plot(holds, low, color=_C["pressure"], marker="o", ms=4, lw=1.5, label="lowest systolic < 90 mmHg")
    ax2.plot(holds, deep, color=_C["pressure"], ls="--", marker="s", ms=4, lw=1.2, label="lowest systolic < 80 mmHg")
    ax2.plot(holds, vaso, color=_C["doses"], ls="-.", marker="^", ms=4, lw=1.2, label="needed the vasopressor")
    for m in (co.KAMMULA_1998.grade34_hypotension_late_pct, co.KAMMULA_1998.grade34_hypotension_early_pct):
        ax2.axhline(m, color="black", ls=":", lw=1.0)
    ax2.set_ylim(0, 105)
    ax2.set_xlabel("hold a dose below systolic (mmHg)")
    ax2.set_ylabel("patients (%)")
    # below the panel: inside, three entries reach up to Kammula's later rate (dotted)
    ax2.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=2)
    ax2.set_title("Hypotension")
    for a in (ax1, ax2):
        a.axvline(_HOLD, color=_C["grey"], lw=1.0)
    return fig


# ---------------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------------

_SIZE = dict(width_in=8.4, height_in=3.2)


def _spread_model(sensitivity_log_sd: float = SPREADS.default) -> co.CohortResult:
    return _nearest(spread_scan(), sensitivity_log_sd)[1]


def _hold_model(hold_systolic_mmHg: float = HOLDS.default) -> co.CohortResult:
    return _nearest(hold_scan(), hold_systolic_mmHg)[1]


_PRESSURE_BINS = np.arange(55, 125, 2.5)


def _two_panel_titles(result: co.CohortResult) -> tuple[str, str, float]:
    d = result.doses_given
    q1, q3 = np.percentile(d, [25, 75])
    return (f"median {np.median(d):.0f} doses (middle half {q1:.0f}–{q3:.0f})",
            f"{100 * np.mean(result.needs_vasopressor):.0f}% needed vasopressors",
            float(np.median(result.hold_systolic_mmHg)))


def _two_panel_view(result: co.CohortResult, fig: Figure, **values: Any) -> Callable[..., bool]:
    ax1, ax2 = fig.subplots(1, 2)
    dose_bars = list(_hist_doses(ax1, result.doses_given, result.scheduled_doses))
    ax1.set_ylim(0, 60)
    title1, title2, hold = _two_panel_titles(result)
    ax1.set_title(title1, fontsize=10)
    _, _, pressure_bars = ax2.hist(result.min_systolic_mmHg, bins=_PRESSURE_BINS, color=_C["pressure"],
                                   alpha=0.85)
    hold_line = ax2.axvline(hold, color="black", lw=1.0)
    ax2.set_xlim(55, 122)
    ax2.set_ylim(0, 0.45 * result.size)
    ax2.set_xlabel("lowest systolic pressure (mmHg)")
    ax2.set_ylabel("patients")
    ax2.set_title(title2, fontsize=10)
    # A new setting changes the bars, the titles and the hold line; the axes stay.
    for artist in (*dose_bars, *pressure_bars, hold_line, ax1.title, ax2.title):
        artist.set_animated(True)
    shape = (result.scheduled_doses, result.size)

    def update(result: co.CohortResult, **values: Any) -> bool:
        if (result.scheduled_doses, result.size) != shape:
            return False
        counts = np.bincount(result.doses_given, minlength=result.scheduled_doses + 1)
        for bar, h in zip(dose_bars, 100.0 * counts / result.doses_given.size):
            bar.set_height(h)
        heights, _ = np.histogram(result.min_systolic_mmHg, bins=_PRESSURE_BINS)
        for bar, h in zip(pressure_bars, heights):
            bar.set_height(h)
        title1, title2, hold = _two_panel_titles(result)
        ax1.set_title(title1, fontsize=10)
        ax2.set_title(title2, fontsize=10)
        hold_line.set_xdata([hold, hold])
        return True

    return update


def spread_explorer() -> Explorer:
    """How far patients differ in endothelial sensitivity -> how many doses they receive."""
    spread_scan()  # simulated here, once, before any frame is rendered (in this process or forked)
    return explore(
        _spread_model, _two_panel_view, [SPREADS],
        alt=("Two histograms for {n} virtual patients whose endothelial sensitivity to IL-2 has a "
             "spread (standard deviation of its logarithm) of {sensitivity_log_sd}: on the left the "
             "doses received in the cycle, with the guidelines' usual range shaded and dashed lines "
             "at Kammula's early and late medians; on the right the lowest systolic pressure, with "
             "the hold threshold marked.").replace("{n}", f"{EXPLORER_PATIENTS:,}"),
        title="Explorer 7.1: How much patients differ", **_SIZE,
        caption=("With a spread of {sensitivity_log_sd} in log sensitivity, see how the doses received "
                 "and the lowest pressures spread out. The same patients at every setting; live values "
                 "between the grid's use its nearest point."),
    )


def hold_explorer() -> Explorer:
    """The hold threshold -> doses received and the lowest pressure."""
    hold_scan()  # simulated here, once, before any frame is rendered
    return explore(
        _hold_model, _two_panel_view, [HOLDS],
        alt=("Two histograms for {n} virtual patients when a dose is held below a systolic pressure "
             "of {hold_systolic_mmHg}: on the left the doses received in the cycle, with the "
             "guidelines' usual range shaded and dashed lines at Kammula's early and late medians; "
             "on the right the lowest systolic pressure, with the threshold marked.").replace(
                 "{n}", f"{EXPLORER_PATIENTS:,}"),
        title="Explorer 7.2: The hold rule", **_SIZE,
        caption=("Doses held below {hold_systolic_mmHg} systolic: a stricter rule gives fewer doses "
                 "and spares the lowest pressures. The same patients at every setting; live values "
                 "between the grid's use its nearest point."),
    )


#: Every explorer of the chapter (benchmarks and tests iterate over it).
EXPLORERS: dict[str, Callable[[], Explorer]] = {
    "spread": spread_explorer,
    "hold": hold_explorer,
}
