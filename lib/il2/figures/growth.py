"""Figures and explorers of the chapter "The primary T cell growth factor" (chapters/01_growth_factor.ipynb).

Each ``draw_*`` function draws results of the library (:mod:`il2.growth`, which uses
:mod:`il2.binding` and :mod:`il2.signaling`) in the house style (:func:`il2.plotting.new_figure`);
the notebook shows the model call and passes its result to ``draw_*``; each ``*_figure`` does
both with the chapter's defaults (for tests). :data:`EXPLORERS` lists the interactive figures (the
benchmarks and tests iterate over it).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure

from il2 import binding, growth, signaling
from il2.explore import Choice, Explorer, Slider, explore
from il2.plotting import CELL_COLORS, QUANTITY_COLORS, new_figure, styled
from il2.units import molecules_per_cell_to_pM

__all__ = [
    "EXPLORERS",
    "LABELS",
    "ChapterNumbers",
    "chapter_numbers",
    "draw_expansion",
    "draw_feedback",
    "draw_threshold",
    "draw_nk",
    "draw_brakes",
    "expansion_figure",
    "feedback_figure",
    "threshold_figure",
    "nk_figure",
    "brakes_figure",
    "helpers_explorer",
    "secretion_explorer",
    "feedback_explorer",
]

#: Legend names of the model's populations.
LABELS = {"CD4": "CD4 helpers", "CD8": "CD8 cytotoxic", "NK": "CD56dim NK", "Treg": "Treg",
          "CD56bright NK": "CD56bright NK"}
#: Solver tolerance of the explorers' model calls ("explorer resolution", about 1%).
_EXPLORER_RTOL = 1e-3
#: Output samples of the explorers' model calls (every 3 h over two weeks).
_EXPLORER_POINTS = 113
_COMPARTMENT_CHOICE = Choice("compartment", "Where", [("lymph-node niche", "lymph node"),
                                                     ("culture well", "culture well")], "lymph node")
_DAY = 24.0
#: IL-2 concentration (pM) at which the chapter quotes a T cell blast's uptake (near the model's peak).
_UPTAKE_PM = 100.0


# ---------------------------------------------------------------------------------------
# Numbers quoted in the chapter text
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterNumbers:
    """Every model number the chapter quotes, each from a library call."""

    secretion_per_s: float
    measured_basal_secretion_per_s: float
    measured_secretion_boost_fold: float
    division_time_h: float
    niche_volume_ul: float
    niche_clearance_per_h: float
    well_volume_ul: float
    niche_pM_per_helper_h: float
    well_pM_per_helper_h: float
    default_helpers: float
    default_cd8: float
    default_treg: float
    antigen_days: float
    fold_day3: float
    fold_day7: float
    peak_fold: float
    peak_day: float
    shortest_division_h: float
    shortest_doubling_h: float
    fold_day14: float
    contraction_pct: float
    peak_il2_pM: float
    cd25_rest_cd8: float
    cd25_peak_cd8: float
    feedback_off_peak_fold: float
    feedback_off_fold_day4: float
    feedback_on_fold_day4: float
    feedback_off_peak_il2_pM: float
    feedback_off_cd25_peak: float
    helper_threshold: float
    helper_threshold_fold15: float
    helper_threshold_fold3: float
    helper_threshold_feedback_off: float
    helper_threshold_no_treg: float
    helper_threshold_treg_x3: float
    helper_threshold_well: float
    secretion_threshold: float
    il2_just_below_pM: float
    fold_just_below: float
    fold_just_above: float
    nk_peak_fold: float
    nk_pstat5_peak: float
    nk_pstat5_rest: float
    nk_division_h: float
    treg_peak_fold: float
    il2_block_fold: float
    cd25_block_fold: float
    cd25_block_peak_il2_pM: float
    treg_x3_fold: float
    treg_x10_fold: float
    no_treg_fold: float
    uptake_blast_100pM_per_s: float
    ec50_blast_pM: float
    ec50_blast_no_cd25_pM: float
    nk_cd122: float
    amplification: float
    programmed_division_h: float
    program_days: float
    brief_antigen_fold: float
    resting_il2_pM: float
    treg_fall_il2_block: float
    treg_fall_cd25_block: float
    cd8_fall_il2_block: float
    bright_signal_rest: float
    dim_signal_rest: float
    bright_peak_fold: float
    amplification_below: float
    amplification_above: float


@functools.lru_cache(maxsize=1)
def chapter_numbers() -> ChapterNumbers:
    """Run the chapter's scenarios once and collect the numbers its text quotes."""
    p = growth.GrowthParameters()
    niche = growth.COMPARTMENTS["lymph node"]
    well = growth.COMPARTMENTS["culture well"]
    base = growth.simulate()
    off_params = dataclasses.replace(p, cd25_feedback=0.0)
    off = growth.simulate(params=off_params)
    thr = growth.expansion_threshold("helpers").value
    below = growth.simulate(helpers=thr)
    above = growth.simulate(helpers=20.0 * thr)
    neutralised = growth.simulate(il2_block=1.0)
    rest = growth.simulate(antigen_end_h=0.0)
    rest_il2_block = growth.simulate(antigen_end_h=0.0, il2_block=1.0)
    rest_cd25_block = growth.simulate(antigen_end_h=0.0, cd25_block=1.0)
    no_t = growth.simulate(helpers=0.0)
    cd25_blocked = growth.simulate(cd25_block=1.0)
    per_h = p.secretion_molecules_per_h
    blast = binding.CELL_TYPES["activated T"]

    def pM_per_helper_h(comp: growth.Compartment) -> float:
        return float(molecules_per_cell_to_pM(per_h, 1.0 / comp.volume_l))

    return ChapterNumbers(
        secretion_per_s=p.secretion_molecules_per_s,
        measured_basal_secretion_per_s=growth.TKACH_SECRETION.basal_molecules_per_s,
        measured_secretion_boost_fold=growth.TKACH_SECRETION.max_boost_fold,
        division_time_h=p.division_time_h,
        niche_volume_ul=niche.volume_l * 1e6,
        niche_clearance_per_h=niche.clearance_per_h,
        well_volume_ul=well.volume_l * 1e6,
        niche_pM_per_helper_h=pM_per_helper_h(niche),
        well_pM_per_helper_h=pM_per_helper_h(well),
        default_helpers=niche.helpers,
        default_cd8=niche.cd8,
        default_treg=niche.treg,
        antigen_days=p.antigen_duration_h / _DAY,
        fold_day3=base.fold_at("CD8", 3 * _DAY),
        fold_day7=base.fold_at("CD8", 7 * _DAY),
        peak_fold=base.peak_fold("CD8"),
        peak_day=base.peak_time_h("CD8") / _DAY,
        shortest_division_h=base.shortest_division_time_h("CD8"),
        shortest_doubling_h=base.shortest_doubling_time_h("CD8"),
        fold_day14=base.fold_at("CD8", 14 * _DAY),
        contraction_pct=100.0 * (1.0 - base.cells["CD8"][-1] / base.cells["CD8"].max()),
        peak_il2_pM=base.peak_il2_pM,
        cd25_rest_cd8=float(base.cd25["CD8"][0]),
        cd25_peak_cd8=float(base.cd25["CD8"].max()),
        feedback_off_peak_fold=off.peak_fold("CD8"),
        feedback_off_fold_day4=off.fold_at("CD8", 4 * _DAY),
        feedback_on_fold_day4=base.fold_at("CD8", 4 * _DAY),
        feedback_off_peak_il2_pM=off.peak_il2_pM,
        feedback_off_cd25_peak=float(off.cd25["CD8"].max()),
        helper_threshold=thr,
        helper_threshold_fold15=growth.expansion_threshold("helpers", fold=1.5).value,
        helper_threshold_fold3=growth.expansion_threshold("helpers", fold=3.0).value,
        helper_threshold_feedback_off=growth.expansion_threshold("helpers", params=off_params).value,
        helper_threshold_no_treg=growth.expansion_threshold("helpers", treg=0.0).value,
        helper_threshold_treg_x3=growth.expansion_threshold("helpers", treg=3.0 * niche.treg).value,
        helper_threshold_well=growth.expansion_threshold("helpers", compartment="culture well").value,
        secretion_threshold=growth.expansion_threshold("secretion").value,
        il2_just_below_pM=below.peak_il2_pM,
        fold_just_below=below.peak_fold("CD8"),
        fold_just_above=above.peak_fold("CD8"),
        amplification_below=below.peak_fold("CD8") / neutralised.peak_fold("CD8"),
        amplification_above=above.peak_fold("CD8") / neutralised.peak_fold("CD8"),
        nk_peak_fold=base.peak_fold("NK"),
        nk_pstat5_peak=float(base.pstat5["NK"].max()),
        nk_pstat5_rest=float(no_t.pstat5["NK"].max()),
        nk_division_h=base.shortest_division_time_h("NK"),
        treg_peak_fold=base.peak_fold("Treg"),
        il2_block_fold=neutralised.peak_fold("CD8"),
        cd25_block_fold=cd25_blocked.peak_fold("CD8"),
        cd25_block_peak_il2_pM=cd25_blocked.peak_il2_pM,
        treg_x3_fold=growth.simulate(treg=3.0 * niche.treg).peak_fold("CD8"),
        treg_x10_fold=growth.simulate(treg=10.0 * niche.treg).peak_fold("CD8"),
        no_treg_fold=growth.simulate(treg=0.0).peak_fold("CD8"),
        uptake_blast_100pM_per_s=float(binding.internalization_rate(blast, _UPTAKE_PM)) / 3600.0,
        ec50_blast_pM=signaling.ec50_pM(blast),
        ec50_blast_no_cd25_pM=signaling.ec50_pM(blast.with_cd25(0.0)),
        nk_cd122=binding.CELL_TYPES["NK"].cd122,
        amplification=base.peak_fold("CD8") / neutralised.peak_fold("CD8"),
        programmed_division_h=p.programmed_division_time_h,
        program_days=p.program_duration_h / _DAY,
        brief_antigen_fold=growth.simulate(antigen_end_h=2.0, il2_block=1.0).peak_fold("CD8"),
        resting_il2_pM=rest.resting_il2_pM,
        treg_fall_il2_block=float(rest_il2_block.fold("Treg")[-1]),
        treg_fall_cd25_block=float(rest_cd25_block.fold("Treg")[-1]),
        cd8_fall_il2_block=float(rest_il2_block.fold("CD8")[-1]),
        bright_signal_rest=float(rest.signal["CD56bright NK"][0]),
        dim_signal_rest=float(rest.signal["NK"][0]),
        bright_peak_fold=base.peak_fold("CD56bright NK"),
    )


# ---------------------------------------------------------------------------------------
# Drawing helpers
# ---------------------------------------------------------------------------------------


def _days(r: growth.GrowthResult) -> np.ndarray:
    return r.t_h / _DAY


def _shade_antigen(ax: Any, r: growth.GrowthResult) -> None:
    on = r.t_h[r.antigen > 0]
    if on.size:
        ax.axvspan(on[0] / _DAY, (on[-1] + (r.t_h[1] - r.t_h[0])) / _DAY, color="#F2F2F2", zorder=0,
                   lw=0)


def _cells_panel(ax: Any, r: growth.GrowthResult, legend: bool = True) -> None:
    for pop in growth.POPULATIONS:
        if r.cells[pop][0] > 0:
            ax.plot(_days(r), r.cells[pop], color=CELL_COLORS[pop], label=LABELS[pop])
    _shade_antigen(ax, r)
    ax.set_yscale("log")
    ax.set_xlabel("Day")
    ax.set_ylabel("Cells")
    ax.set_xlim(0, r.t_h[-1] / _DAY)
    top = max(float(np.max(r.cells[p])) for p in growth.POPULATIONS)
    ax.set_ylim(10.0, max(10 * top, 1e5))
    if legend:
        ax.legend(loc="upper left", fontsize=8, ncol=2)


def _il2_panel(ax: Any, r: growth.GrowthResult, label: str | None = None, color: str | None = None,
               **kw: Any) -> None:
    ax.plot(_days(r), np.maximum(r.il2_pM, 1e-3), color=color or QUANTITY_COLORS["IL-2"], label=label, **kw)
    ax.set_yscale("log")
    ax.set_xlabel("Day")
    ax.set_ylabel("Free IL-2 (pM)")
    ax.set_xlim(0, r.t_h[-1] / _DAY)


def _threshold_line(ax: Any) -> None:
    level = signaling.ReferenceLevels().physiological_il2_pM
    ax.axhline(level, color=QUANTITY_COLORS["threshold"], ls="--", lw=1)
    ax.annotate(f"{level:g} pM", (0.98, level), xycoords=("axes fraction", "data"),
                ha="right", va="bottom", fontsize=8, color=QUANTITY_COLORS["threshold"])


def _fold_text(fold: float) -> str:
    """A fold change for a title: 'x26,000', 'x3.4', 'x0.02'."""
    if fold >= 100:
        return f"x{float(f'{fold:.2g}'):,.0f}"
    return f"x{fold:.2g}"


def _course(r: growth.GrowthResult, fig: Figure, title: str) -> Callable[[growth.GrowthResult, str], bool]:
    """Draw the two-panel course; return an updater that redraws it in place for a new result."""
    ax_n, ax_c = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1.35, 1.0]})
    _cells_panel(ax_n, r)
    ax_n.set_ylim(10.0, _cells_top(r))
    ax_n.set_title(title, fontsize=10)
    _shade_antigen(ax_c, r)
    _il2_panel(ax_c, r)
    _threshold_line(ax_c)
    ax_c.set_ylim(1e-3, 1e5)
    ax_c.set_title(_peak_title(r.peak_il2_pM), fontsize=10)
    # What the updater changes (an explorer redraws these over a cached background).
    for artist in [*ax_n.get_lines(), ax_n.get_legend(), ax_n.title, ax_c.get_lines()[0], ax_c.title]:
        artist.set_animated(True)
    return functools.partial(_update_course, ax_n, ax_c, _course_shape(r))


def _cells_top(r: growth.GrowthResult) -> float:
    """Top of the cells axis: ten times the largest population, up to the next power of ten
    (so the axis keeps still while a slider moves within a decade), at least 10^5."""
    top = max(float(np.max(r.cells[p])) for p in growth.POPULATIONS)
    return max(10.0 ** np.ceil(np.log10(10 * top)), 1e5)


def _peak_title(peak: float) -> str:
    return f"IL-2 peaks at {peak:,.0f} pM" if peak >= 100 else f"IL-2 peaks at {peak:.2g} pM"


def _course_shape(r: growth.GrowthResult) -> tuple:
    """What fixes the panels' artists: the populations drawn, the time axis, the antigen span."""
    on = r.t_h[r.antigen > 0]
    return (tuple(p for p in growth.POPULATIONS if r.cells[p][0] > 0), r.t_h.size, float(r.t_h[-1]),
            (float(on[0]), float(on[-1])) if on.size else None)


def _update_course(ax_n: Any, ax_c: Any, shape: tuple, r: growth.GrowthResult, title: str) -> bool:
    """Put a new result into the artists drawn by :func:`_course` (False: draw anew)."""
    if _course_shape(r) != shape:
        return False
    days = _days(r)
    for line, pop in zip(ax_n.get_lines(), shape[0]):
        line.set_data(days, r.cells[pop])
    ax_n.set_ylim(10.0, _cells_top(r))
    ax_n.set_title(title, fontsize=10)
    ax_c.get_lines()[0].set_data(days, np.maximum(r.il2_pM, 1e-3))
    ax_c.set_title(_peak_title(r.peak_il2_pM), fontsize=10)
    return True


# ---------------------------------------------------------------------------------------
# Static figures: ``draw_*`` draws model results; ``*_figure`` runs the chapter's model call
# and draws it (the notebook shows the model call itself, then calls ``draw_*``)
# ---------------------------------------------------------------------------------------

#: Line styles of successive runs in the multi-run panels.
_RUN_STYLES = (":", "--", "-", "-.")


@styled
def draw_expansion(result: growth.GrowthResult) -> Figure:
    """Cells, free IL-2 and CD25 per cell over time, from one :func:`il2.growth.simulate` run.

    Parameters
    ----------
    result
        The run to draw (any compartment, start or parameters).
    """
    r = result
    fig, (ax_n, ax_c, ax_a) = new_figure(1, 3, width_in=10.5, height_in=3.6)
    _cells_panel(ax_n, r)
    ax_n.set_title("Cells in the niche")
    _shade_antigen(ax_c, r)
    _il2_panel(ax_c, r)
    _threshold_line(ax_c)
    ax_c.set_ylim(1e-3, 1e3)
    ax_c.set_title("Free IL-2")
    for pop in growth.POPULATIONS:
        ax_a.plot(_days(r), r.cd25[pop], color=CELL_COLORS[pop], label=LABELS[pop])
    _shade_antigen(ax_a, r)
    ax_a.set_yscale("log")
    ax_a.set_xlabel("Day")
    ax_a.set_ylabel("CD25 per cell")
    ax_a.set_xlim(0, r.t_h[-1] / _DAY)
    ax_a.set_title("CD25 (IL-2Rα)")
    return fig


def expansion_figure() -> Figure:
    """The lymph-node scenario at its defaults: cells, free IL-2 and CD25 per cell over two weeks."""
    return draw_expansion(growth.simulate())


@styled
def draw_feedback(results: Sequence[growth.GrowthResult]) -> Figure:
    """CD8 expansion, free IL-2 and CD8 CD25 for runs that differ in the strength of the CD25
    feedback (each labelled with its ``params.cd25_feedback``; styles in the order given)."""
    if len(results) == 0:
        raise ValueError("results: got an empty sequence; give at least one growth.simulate run")
    fig, (ax_n, ax_c, ax_a) = new_figure(1, 3, width_in=10.5, height_in=3.5)
    for i, r in enumerate(results):
        ls = _RUN_STYLES[i % len(_RUN_STYLES)]
        label = f"feedback {r.params.cd25_feedback:g}"
        ax_n.plot(_days(r), r.fold("CD8"), color=CELL_COLORS["CD8"], ls=ls, label=label)
        _il2_panel(ax_c, r, label=label, ls=ls)
        ax_a.plot(_days(r), r.cd25["CD8"], color=CELL_COLORS["CD8"], ls=ls, label=label)
    _shade_antigen(ax_n, r)
    _shade_antigen(ax_c, r)
    _shade_antigen(ax_a, r)
    ax_n.set_yscale("log")
    ax_n.set_ylabel("CD8 cells, fold of start")
    ax_n.set_xlabel("Day")
    ax_n.set_title("CD8 expansion")
    ax_n.legend(fontsize=8, loc="upper left")
    _threshold_line(ax_c)
    ax_c.set_ylim(1e-3, 1e4)
    ax_c.set_title("Free IL-2")
    ax_a.set_yscale("log")
    ax_a.set_xlabel("Day")
    ax_a.set_ylabel("CD25 per CD8 cell")
    ax_a.set_title("CD25 on CD8 cells")
    for ax in (ax_n, ax_a):
        ax.set_xlim(0, 14)
    return fig


def feedback_figure() -> Figure:
    """CD8 expansion, free IL-2 and CD8 CD25 for three strengths of the CD25 feedback."""
    return draw_feedback([growth.simulate(params=growth.GrowthParameters(cd25_feedback=phi))
                          for phi in (0.0, 0.5, 1.0)])


@styled
def draw_threshold(with_feedback: growth.ExpansionScan, without_feedback: growth.ExpansionScan,
                   secretion: growth.ExpansionScan, threshold: growth.Threshold,
                   threshold_without_feedback: growth.Threshold,
                   secretion_threshold: growth.Threshold) -> Figure:
    """IL-2's amplification of the CD8 peak against the helpers at the start (with and without
    the CD25 feedback) and against the helpers' secretion rate, with the thresholds marked.

    Parameters
    ----------
    with_feedback, without_feedback
        :func:`il2.growth.expansion_scan` over ``"helpers"``, with and without the feedback.
    secretion
        :func:`il2.growth.expansion_scan` over ``"secretion"``.
    threshold, threshold_without_feedback, secretion_threshold
        :func:`il2.growth.expansion_threshold` results drawn as vertical lines.
    """
    on, off, sec = with_feedback, without_feedback, secretion
    fig, (ax_h, ax_s) = new_figure(1, 2, width_in=9.0, height_in=3.6)
    ax_h.plot(on.values, on.amplification("CD8"), color=CELL_COLORS["CD8"], marker="o", ms=3,
              label="with CD25 feedback")
    ax_h.plot(off.values, off.amplification("CD8"), color=CELL_COLORS["CD8"], ls=":", marker="o", ms=3,
              mfc="white", label="without")
    ax_h.axvline(threshold.value, color=QUANTITY_COLORS["threshold"], ls="--", lw=1)
    ax_h.axvline(threshold_without_feedback.value, color=QUANTITY_COLORS["threshold"], ls=":", lw=1)
    ax_h.set_xscale("log")
    ax_h.set_xlabel("Activated helpers at the start")
    ax_h.set_ylabel("CD8 peak over the program alone")
    ax_h.set_title(f"Threshold: {threshold.value:.0f} helpers")
    ax_h.legend(fontsize=8, loc="upper left")
    ax_s.plot(sec.values, sec.amplification("CD8"), color=CELL_COLORS["CD4"], marker="o", ms=3)
    ax_s.axvline(secretion_threshold.value, color=QUANTITY_COLORS["threshold"], ls="--", lw=1)
    ax_s.axvspan(10.0, 100.0, color="#F2F2F2", zorder=0, lw=0)
    ax_s.set_xscale("log")
    ax_s.set_xlabel("IL-2 secretion per helper (molecules/s)")
    ax_s.set_ylabel("CD8 peak over the program alone")
    ax_s.set_title(f"Threshold: {secretion_threshold.value:.2g} molecules/s")
    for ax in (ax_h, ax_s):
        ax.set_ylim(0.9, None)
    return fig


def threshold_figure() -> Figure:
    """IL-2's amplification of the CD8 peak against the helpers at the start and their secretion rate."""
    helpers = np.geomspace(1.0, 1e4, 25)
    no_loop = growth.GrowthParameters(cd25_feedback=0.0)
    return draw_threshold(
        growth.expansion_scan("helpers", helpers),
        growth.expansion_scan("helpers", helpers, params=no_loop),
        growth.expansion_scan("secretion", np.geomspace(0.03, 100.0, 19)),
        growth.expansion_threshold("helpers"),
        growth.expansion_threshold("helpers", params=no_loop),
        growth.expansion_threshold("secretion"),
    )


@styled
def draw_nk(with_helpers: growth.GrowthResult, no_helpers: growth.GrowthResult,
            neutralised: growth.GrowthResult) -> Figure:
    """NK cells with and without IL-2 from T cells: pSTAT5 and numbers.

    Parameters
    ----------
    with_helpers, no_helpers, neutralised
        :func:`il2.growth.simulate` runs: helpers making IL-2, no activated helpers, and IL-2
        neutralised (the antigen window is shaded from ``with_helpers``).
    """
    fig, (ax_p, ax_n) = new_figure(1, 2, width_in=9.0, height_in=3.5)
    # Without helpers and with IL-2 neutralised the NK curves nearly coincide: the first is drawn
    # as a wide pale band under the dashed line so that both stay visible.
    band = dict(ls="-", lw=6.0, alpha=0.3, solid_capstyle="butt")
    for r, style, label in ((with_helpers, dict(ls="-"), "helpers making IL-2"),
                            (no_helpers, band, "no activated helpers"),
                            (neutralised, dict(ls="--"), "IL-2 neutralised (close to no helpers)")):
        ax_p.plot(_days(r), 100 * r.pstat5["NK"], color=CELL_COLORS["NK"], label=label, **style)
        ax_n.plot(_days(r), r.fold("NK"), color=CELL_COLORS["NK"], label=label, **style)
    for ax in (ax_p, ax_n):
        _shade_antigen(ax, with_helpers)
        ax.set_xlabel("Day")
        ax.set_xlim(0, 14)
    ax_p.set_ylabel("NK cell STAT5 phosphorylated (%)")
    ax_p.set_title("NK signalling")
    # In the free space under the NK numbers' peak, clear of every curve.
    ax_n.legend(fontsize=8, loc="lower right", bbox_to_anchor=(1.0, 0.1))
    ax_n.set_yscale("log")
    ax_n.set_ylabel("NK cells, fold of resting size")
    ax_n.set_title("NK numbers")
    return fig


def nk_figure() -> Figure:
    """NK cells with and without IL-2 from T cells: pSTAT5 and numbers."""
    return draw_nk(growth.simulate(), growth.simulate(helpers=0.0), growth.simulate(il2_block=1.0))


#: Line styles of the blockade panel and of the resting-Treg panel, in the order given.
_BLOCK_STYLES = ("-", "--", ":", "-.")


@styled
def draw_brakes(blockades: Mapping[str, growth.GrowthResult], treg_runs: Mapping[float, growth.GrowthResult],
                resting: Mapping[str, growth.GrowthResult]) -> Figure:
    """CD8 expansion when IL-2 or CD25 is blocked and when regulatory T cells are more or fewer, and
    regulatory T cells at rest when IL-2 is neutralised or CD25 blocked.

    Parameters
    ----------
    blockades
        Legend label -> :func:`il2.growth.simulate` run (the first, unblocked, sets the shading).
    treg_runs
        Multiple of the niche's regulatory T cells -> run (1 is drawn in the CD8 colour).
    resting
        Legend label -> run without antigen (``antigen_end_h=0``).
    """
    if not blockades:
        raise ValueError("blockades: got an empty mapping; give at least one growth.simulate run")
    fig, (ax_b, ax_t, ax_r) = new_figure(1, 3, width_in=11.0, height_in=3.6)
    base = next(iter(blockades.values()))
    for i, (label, r) in enumerate(blockades.items()):
        ax_b.plot(_days(r), r.fold("CD8"), color=CELL_COLORS["CD8"],
                  ls=_BLOCK_STYLES[i % len(_BLOCK_STYLES)], label=label)
    treg_styles = {0.0: ":", 1.0: "-", 3.0: "--", 10.0: "-."}
    for i, (factor, r) in enumerate(treg_runs.items()):
        ls = treg_styles.get(float(factor), _BLOCK_STYLES[i % len(_BLOCK_STYLES)])
        ax_t.plot(_days(r), r.fold("CD8"), color=CELL_COLORS["Treg"] if factor != 1.0 else CELL_COLORS["CD8"],
                  ls=ls, label=f"{factor:g} x the Treg")
    for ax in (ax_b, ax_t):
        _shade_antigen(ax, base)
        ax.set_yscale("log")
        ax.set_xlabel("Day")
        ax.set_ylabel("CD8 cells, fold of start")
        ax.set_xlim(0, 14)
        ax.set_ylim(1e-3, 1e6)
        ax.legend(fontsize=8, loc="lower left")
    ax_b.set_title("Blocking IL-2 or CD25")
    ax_t.set_title("Competition from regulatory T cells")
    for i, (label, r) in enumerate(resting.items()):
        ax_r.plot(_days(r), r.fold("Treg"), color=CELL_COLORS["Treg"],
                  ls=_BLOCK_STYLES[i % len(_BLOCK_STYLES)], label=label)
    ax_r.set_xlabel("Day")
    ax_r.set_ylabel("Tregs, fold of resting size")
    ax_r.set_xlim(0, 14)
    ax_r.set_ylim(0.0, 1.1)
    ax_r.legend(fontsize=8, loc="lower left")
    ax_r.set_title("Tregs need IL-2 (no antigen)")
    return fig


def brakes_figure() -> Figure:
    """CD8 expansion when IL-2 or CD25 is blocked and when regulatory T cells are more or fewer, and
    regulatory T cells at rest when IL-2 is neutralised or CD25 blocked."""
    sim = growth.simulate
    treg0 = growth.COMPARTMENTS["lymph node"].treg
    return draw_brakes(
        {"no blockade": sim(), "IL-2 neutralised": sim(il2_block=1.0), "CD25 blocked": sim(cd25_block=1.0),
         "half of CD25 blocked": sim(cd25_block=0.5)},
        {k: sim(treg=k * treg0) for k in (0.0, 1.0, 3.0, 10.0)},
        {"resting IL-2": sim(antigen_end_h=0.0), "IL-2 neutralised": sim(antigen_end_h=0.0, il2_block=1.0),
         "CD25 blocked": sim(antigen_end_h=0.0, cd25_block=1.0)},
    )


# ---------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------


def _retitled(update: Callable[[growth.GrowthResult, str], bool],
              title: Callable[..., str]) -> Callable[..., bool]:
    """An explorer updater: the course's updater with the title made from the new values."""
    return lambda r, **values: update(r, title(r, **values))


def _helpers_model(helpers: float, compartment: str) -> growth.GrowthResult:
    return growth.simulate(compartment, helpers=helpers, n_points=_EXPLORER_POINTS, rtol=_EXPLORER_RTOL)


def _helpers_title(r: growth.GrowthResult, helpers: float, compartment: str) -> str:
    return f"{helpers:,.0f} helpers: CD8 peak {_fold_text(r.peak_fold('CD8'))}"


def _helpers_view(r: growth.GrowthResult, fig: Figure, helpers: float, compartment: str) -> Callable[..., bool]:
    return _retitled(_course(r, fig, _helpers_title(r, helpers, compartment)), _helpers_title)


def helpers_explorer() -> Explorer:
    """Slider: activated helpers at the start; all populations and IL-2 over two weeks."""
    return explore(
        _helpers_model,
        _helpers_view,
        [Slider("helpers", "Activated helpers at the start", 1.0, 10_000.0, 10.0, steps=13, log=True,
                unit="helpers", fmt=",.0f"),
         _COMPARTMENT_CHOICE],
        alt=("Cells of the five populations (left, logarithmic) and free IL-2 (right) over two weeks "
             "in the {compartment}, starting from {helpers}, all activated; the CD8 cells expand "
             "thousands-fold in any case, by their division program, and IL-2 from more helpers "
             "adds up to a few-fold more."),
        title="Explorer 1.2: How many helpers does it take?",
        caption=("Starting from {helpers} in the {compartment}: how far does free IL-2 (right) climb past "
                 "the dashed signalling line, and how much does it add to the CD8 peak (left title)?"),
        width_in=9.0,
        height_in=3.6,
    )


def _secretion_model(secretion: float, compartment: str) -> growth.GrowthResult:
    params = dataclasses.replace(growth.GrowthParameters(), secretion_molecules_per_s=secretion)
    return growth.simulate(compartment, n_points=_EXPLORER_POINTS, rtol=_EXPLORER_RTOL, params=params)


def _secretion_title(r: growth.GrowthResult, secretion: float, compartment: str) -> str:
    return f"{secretion:.2g} molecules/s per helper: CD8 peak {_fold_text(r.peak_fold('CD8'))}"


def _secretion_view(r: growth.GrowthResult, fig: Figure, secretion: float, compartment: str) -> Callable[..., bool]:
    return _retitled(_course(r, fig, _secretion_title(r, secretion, compartment)), _secretion_title)


def secretion_explorer() -> Explorer:
    """Slider: IL-2 secretion per helper; all populations and IL-2 over two weeks."""
    return explore(
        _secretion_model,
        _secretion_view,
        [Slider("secretion", "IL-2 secretion per helper", 0.1, 100.0, 1.0, steps=10, log=True,
                unit="molecules/s", unit_one="molecule/s"),
         _COMPARTMENT_CHOICE],
        alt=("Cells of the five populations (left) and free IL-2 (right) over two weeks in the "
             "{compartment} when each activated helper secretes {secretion} of IL-2."),
        title="Explorer 1.3: How fast must helpers secrete?",
        caption=("Each helper secretes {secretion}. Compare when free IL-2 (right) crosses the dashed "
                 "signalling line with how far the CD8 cells expand (left title)."),
        width_in=9.0,
        height_in=3.6,
    )


def _feedback_model(feedback: float, compartment: str) -> growth.GrowthResult:
    params = dataclasses.replace(growth.GrowthParameters(), cd25_feedback=feedback)
    return growth.simulate(compartment, n_points=_EXPLORER_POINTS, rtol=_EXPLORER_RTOL, params=params)


def _feedback_title(r: growth.GrowthResult, feedback: float, compartment: str) -> str:
    return f"CD25 feedback {feedback:.0%}: CD8 peak {_fold_text(r.peak_fold('CD8'))}"


def _feedback_view(r: growth.GrowthResult, fig: Figure, feedback: float, compartment: str) -> Callable[..., bool]:
    return _retitled(_course(r, fig, _feedback_title(r, feedback, compartment)), _feedback_title)


def feedback_explorer() -> Explorer:
    """Slider: strength of the CD25 feedback; all populations and IL-2 over two weeks."""
    return explore(
        _feedback_model,
        _feedback_view,
        [Slider("feedback", "Strength of the CD25 feedback", 0.0, 1.0, 1.0, steps=11, fmt=".0%"),
         _COMPARTMENT_CHOICE],
        alt=("Cells of the five populations (left) and free IL-2 (right) over two weeks in the "
             "{compartment} with the IL-2-driven induction of CD25 at {feedback} of its full strength "
             "(0%: none)."),
        title="Explorer 1.1: Strength of the autocrine loop",
        caption=("CD25 induction at {feedback} of full strength: watch the IL-2 peak (right "
                 "title) and the CD8 expansion (left title) as the loop weakens."),
        width_in=9.0,
        height_in=3.6,
    )


EXPLORERS: dict[str, Callable[[], Explorer]] = {
    "helpers": helpers_explorer,
    "secretion": secretion_explorer,
    "feedback": feedback_explorer,
}
