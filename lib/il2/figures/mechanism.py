"""Figures and explorers of the chapter "Mechanism of action" (chapters/02_mechanism.ipynb).

Each ``draw_*`` function draws results of the library (:mod:`il2.binding`, :mod:`il2.signaling`,
:mod:`il2.trafficking`) in the house style (:func:`il2.plotting.new_figure`); the notebook shows
the model call and passes its result to ``draw_*``; each ``*_figure`` does both with the
chapter's defaults (for tests).
:data:`EXPLORERS` lists the interactive figures (the benchmarks and tests iterate over it).
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import NullLocator

from il2 import binding, measurements, signaling, trafficking
from il2.explore import Choice, Explorer, Slider, explore
from il2.plotting import CELL_COLORS, QUANTITY_COLORS, new_figure, styled
from il2.validation import check_choice, check_scalar

__all__ = [
    "EXPLORERS",
    "BLOOD_CELLS",
    "ChapterNumbers",
    "chapter_numbers",
    "ec50_table_markdown",
    "draw_receptor_forms",
    "draw_cell_dose_response",
    "draw_binding_kinetics",
    "draw_trafficking",
    "receptor_forms_figure",
    "cell_dose_response_figure",
    "binding_kinetics_figure",
    "trafficking_figure",
    "cd25_explorer",
    "cell_types_explorer",
    "kinetics_explorer",
    "trafficking_explorer",
]

#: The resting blood cells with measured receptor counts (Farhat et al. 2021), as the library
#: lists them (:data:`il2.measurements.BLOOD_CELLS`).
BLOOD_CELLS = measurements.BLOOD_CELLS
_LABEL = {"Treg": "Treg", "CD4": "CD4 T cells", "CD8": "CD8 T cells", "NK": "NK cells",
          "activated T": "activated T blast"}
_CONC = np.geomspace(0.1, 1e5, 121)
_STIM_H = 0.5  # the stimulation time of the measured EC50s (30 min)


def _log_x(ax, label: str = "IL-2 (pM)") -> None:
    ax.set_xscale("log")
    ax.set_xlabel(label)


# ---------------------------------------------------------------------------------------
# Numbers quoted in the chapter text
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterNumbers:
    """Model numbers the chapter quotes (every one computed by the library)."""

    kd_alpha_nM: float
    kd_beta_nM: float
    kd_intermediate_cd8_pM: float
    kd_intermediate_nk_pM: float
    kd_high_activated_pM: float
    kd_high_half_cd25_pM: float
    kd_high_double_cd25_pM: float
    kd_treg_pM: float
    cd25_fold_activated_vs_cd8: float
    ec50_equilibrium_pM: dict[str, float]
    ec50_30min_pM: dict[str, float]
    ec50_1h_pM: dict[str, float]
    measured_30min_pM: dict[str, float]
    measured_1h_pM: dict[str, float]
    half_time_cd25_s: float
    half_time_intermediate_min: float
    half_time_high_min: float
    association_half_time_high_1nM_s: float
    il2_left_ratio_2d1_3days: float
    recycled_ratio_2d1_3days: float


def chapter_numbers() -> ChapterNumbers:
    """Compute every number the chapter quotes (about a second)."""
    cells = binding.CELL_TYPES
    p = binding.BindingParameters()
    cd8_no_a = cells["CD8"].with_cd25(0.0)
    t = np.concatenate([[0.0], np.geomspace(1e-5, 24.0, 400)])
    alpha_only = binding.CellType("CD25 only", cells["activated T"].cd25, 0.0, 0.0)
    days = np.linspace(0.0, 72.0, 73)
    wt = trafficking.simulate(days, variant="wild type")
    mut = trafficking.simulate(days, variant="2D1")
    return ChapterNumbers(
        kd_alpha_nM=p.kd_alpha_pM / 1000,
        kd_beta_nM=p.kd_beta_pM / 1000,
        kd_intermediate_cd8_pM=binding.apparent_kd_pM(cd8_no_a),
        kd_intermediate_nk_pM=binding.apparent_kd_pM(cells["NK"].with_cd25(0.0)),
        kd_high_activated_pM=binding.apparent_kd_pM(cells["activated T"]),
        kd_high_half_cd25_pM=binding.apparent_kd_pM(
            cells["activated T"].with_cd25(0.5 * cells["activated T"].cd25)),
        kd_high_double_cd25_pM=binding.apparent_kd_pM(
            cells["activated T"].with_cd25(2.0 * cells["activated T"].cd25)),
        kd_treg_pM=binding.apparent_kd_pM(cells["Treg"]),
        cd25_fold_activated_vs_cd8=binding.apparent_kd_pM(cd8_no_a)
        / binding.apparent_kd_pM(cells["CD8"].with_cd25(cells["activated T"].cd25)),
        ec50_equilibrium_pM={c: signaling.ec50_pM(c) for c in BLOOD_CELLS},
        ec50_30min_pM={c: signaling.ec50_pM(c, t_h=_STIM_H) for c in BLOOD_CELLS},
        ec50_1h_pM={c: signaling.ec50_pM(c, t_h=1.0) for c in BLOOD_CELLS},
        measured_30min_pM={c: measurements.measured_ec50(c, _STIM_H).ec50_pM for c in BLOOD_CELLS},
        measured_1h_pM={c: measurements.measured_ec50(c, 1.0).ec50_pM for c in BLOOD_CELLS},
        half_time_cd25_s=binding.kinetics(alpha_only, 1000.0, t, "dissociation").half_time_h() * 3600,
        half_time_intermediate_min=binding.kinetics("CD8", 1000.0, t, "dissociation").half_time_h() * 60,
        half_time_high_min=binding.kinetics("activated T", 10.0, t, "dissociation").half_time_h() * 60,
        association_half_time_high_1nM_s=binding.kinetics(
            "activated T", 1000.0, t, "association").half_time_h() * 3600,
        il2_left_ratio_2d1_3days=float(mut.il2_pM[-1] / wt.il2_pM[-1]),
        recycled_ratio_2d1_3days=float(mut.recycled_il2_pM[-1] / wt.recycled_il2_pM[-1]),
    )


def _fmt_time_h(t_h: float) -> str:
    if t_h * 60 < 1:
        return f"{t_h * 3600:.0f} s"
    if t_h < 2:
        return f"{t_h * 60:.0f} min"
    return f"{t_h:.1f} h"


def _fmt_pM(x: float) -> str:
    return f"{x / 1000:.1f} nM" if x >= 1000 else f"{x:.0f} pM"


def _fmt_ci(record: measurements.EC50Record) -> str:
    lo, hi = record.fit.ec50_ci95_pM
    return f"{_fmt_pM(record.ec50_pM)} ({_fmt_pM(lo)} to {_fmt_pM(hi)})"


def ec50_table_markdown(numbers: ChapterNumbers | None = None) -> str:
    """Markdown table: model EC50s after 30 min, 1 h and at equilibrium, next to the EC50s fitted
    to the raw pSTAT5 data of :cite:`farhat2021` (:func:`il2.measurements.measured_ec50`, with
    95% confidence intervals)."""
    n = numbers or chapter_numbers()
    rows = ["| Cell type | CD25 / CD122 / CD132 per cell | Model, 30 min | Measured, 30 min | "
            "Model, 1 h | Measured, 1 h | Model, equilibrium |", "|---|---|---|---|---|---|---|"]
    for c in BLOOD_CELLS:
        cell = binding.CELL_TYPES[c]
        rows.append(
            f"| {_LABEL[c]} | {cell.cd25:,.0f} / {cell.cd122:,.0f} / {cell.cd132:,.0f} | "
            f"{_fmt_pM(n.ec50_30min_pM[c])} | {_fmt_ci(measurements.measured_ec50(c, _STIM_H))} | "
            f"{_fmt_pM(n.ec50_1h_pM[c])} | {_fmt_ci(measurements.measured_ec50(c, 1.0))} | "
            f"{_fmt_pM(n.ec50_equilibrium_pM[c])} |"
        )
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------
# Static figures: ``draw_*`` draws model results; ``*_figure`` runs the chapter's model call
# and draws it (the notebook shows the model call itself, then calls ``draw_*``)
# ---------------------------------------------------------------------------------------

#: Colours of successive runs in the receptor-form and wash figures (low, high, intermediate).
_FORM_COLORS = (QUANTITY_COLORS["threshold"], CELL_COLORS["CD8"], CELL_COLORS["activated T"])


def _receptor_forms() -> dict[str, binding.CellType]:
    cells = binding.CELL_TYPES
    return {
        "CD25 alone (low affinity)": binding.CellType("CD25 only", 20_000.0, 0.0, 0.0),
        "CD122 + CD132 (intermediate)": cells["CD8"].with_cd25(0.0),
        "CD25 + CD122 + CD132 (high)": cells["activated T"],
    }


@styled
def draw_receptor_forms(results: Mapping[str, binding.BindingEquilibrium]) -> Figure:
    """Occupancy of receptor forms against IL-2, each with a dotted line at its half-occupancy.

    Parameters
    ----------
    results
        Legend label -> :func:`il2.binding.equilibrium` over a range of IL-2. A cell with CD122
        is drawn as the fraction of its CD122 holding IL-2 (half at
        :func:`il2.binding.apparent_kd_pM`), one without as the fraction of its CD25.
    """
    fig, ax = new_figure(width_in=7.0, height_in=3.8)
    for i, (label, eq) in enumerate(results.items()):
        cell, color = eq.cell, _FORM_COLORS[i % len(_FORM_COLORS)]
        if cell.cd122 > 0:
            frac = (eq.il2_cd122 + eq.il2_cd25_cd122 + eq.signaling_complexes) / cell.cd122
            kd = binding.apparent_kd_pM(cell, eq.params)
        else:
            frac = eq.il2_cd25 / cell.cd25
            kd = eq.params.kd_alpha_pM
        ax.plot(eq.il2_pM, frac, color=color, label=f"{label}: half at {_fmt_pM(kd)}")
        ax.axvline(kd, color=color, lw=1, ls=":")
    _log_x(ax)
    ax.set_ylabel("Fraction of receptors holding IL-2")
    ax.set_ylim(0, 1.02)
    # Below the axes, where it covers no curve.
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), fontsize=8.5, frameon=False)
    ax.set_title("Three receptor forms, three affinities")
    return fig


def receptor_forms_figure() -> Figure:
    """Occupancy of the three receptor forms against IL-2: CD25 alone, βγ, αβγ."""
    return draw_receptor_forms({k: binding.equilibrium(c, _CONC) for k, c in _receptor_forms().items()})


@styled
def draw_cell_dose_response(conc_stimulated: Any, stimulated: Mapping[str, Any], conc: Any,
                            equilibrium: Mapping[str, Any], t_h: float = _STIM_H) -> Figure:
    """pSTAT5 dose responses of cell types after a stimulation and at equilibrium, each scaled to
    its own maximum, with the measured EC50s (:func:`il2.measurements.measured_ec50`).

    Parameters
    ----------
    conc_stimulated, stimulated
        IL-2 (pM) and cell type -> :func:`il2.signaling.relative_pstat5` after ``t_h`` hours.
    conc, equilibrium
        IL-2 (pM) and cell type -> :func:`il2.signaling.relative_pstat5` at equilibrium.
    t_h
        The stimulation time (h) of ``stimulated``, which picks the measured EC50s drawn.
    """
    fig, axes = new_figure(1, 2, width_in=9.0, height_in=3.8)
    for c in stimulated:
        color = CELL_COLORS[c]
        if c in equilibrium:
            axes[1].plot(conc, equilibrium[c], color=color, label=_LABEL[c])
        axes[0].plot(conc_stimulated, stimulated[c], color=color, label=_LABEL[c])
        axes[0].plot([measurements.measured_ec50(c, t_h).ec50_pM], [0.5], marker="o", mfc="white", mec=color,
                     ms=8, ls="none")
    axes[0].plot([], [], marker="o", mfc="white", mec="#333333", ls="none", label="measured EC50")
    for ax, title in zip(axes, [f"After {60 * t_h:g} min of IL-2", "At equilibrium"]):
        _log_x(ax)
        ax.set_ylim(0, 1.05)
        ax.set_title(title)
    axes[0].set_ylabel("pSTAT5, fraction of the cell's maximum")
    axes[0].legend(loc="upper left", fontsize=8.5)
    return fig


def cell_dose_response_figure() -> Figure:
    """pSTAT5 dose responses of the four blood cell types, at 30 min and at equilibrium."""
    conc30 = np.geomspace(0.1, 1e5, 31)
    rel = functools.partial(signaling.relative_pstat5, saturating_pM=1e6)
    return draw_cell_dose_response(conc30, {c: rel(c, conc30, t_h=_STIM_H) for c in BLOOD_CELLS},
                                   _CONC, {c: rel(c, _CONC) for c in BLOOD_CELLS})


@styled
def draw_binding_kinetics(results: Mapping[str, binding.BindingKinetics]) -> Figure:
    """Release of bound IL-2 after a wash, each run labelled with its half-time.

    Parameters
    ----------
    results
        Legend label -> :func:`il2.binding.kinetics` with ``phase="dissociation"`` (a built-in
        cell type is drawn in its colour, any other cell in grey).
    """
    fig, ax = new_figure(width_in=7.0, height_in=3.6)
    for label, k in results.items():
        color = CELL_COLORS.get(k.cell.name, QUANTITY_COLORS["threshold"])
        ax.plot(k.t_h[1:] * 3600, k.bound_il2[1:] / k.bound_il2[0], color=color,
                label=f"{label}: half-time {_fmt_time_h(k.half_time_h())}")
    ax.set_xscale("log")
    # 1 min and 1 h: grey lines under the curves, named on a top axis (the curves start at 1,
    # so a label inside the axes would sit on them)
    marks = {60.0: "1 min", 3600.0: "1 h"}
    for sec in marks:
        ax.axvline(sec, color="#BBBBBB", lw=1, zorder=1)
    top = ax.secondary_xaxis("top")
    top.set_xticks(list(marks), list(marks.values()), fontsize=8.5, color="#555555")
    top.xaxis.set_minor_locator(NullLocator())
    top.tick_params(length=0)
    top.spines["top"].set_visible(False)
    ax.set_xlabel("Time after washing the IL-2 away (s)")
    ax.set_ylabel("IL-2 still bound (fraction)")
    ax.set_ylim(0, 1.05)
    # below the axes: every part of the plotting area carries a curve or a time line
    fig.legend(loc="outside lower center", fontsize=8.5, ncol=2)
    ax.set_title("How long each receptor form holds IL-2")
    return fig


def binding_kinetics_figure() -> Figure:
    """Release of bound IL-2 after a wash: seconds for CD25 alone, minutes to hours otherwise."""
    t = np.concatenate([[0.0], np.geomspace(1e-5, 24.0, 300)])
    starts = {"CD25 alone": (binding.CellType("CD25 only", 20_000.0, 0.0, 0.0), 1000.0),
              "high affinity (activated T)": ("activated T", 10.0),
              "intermediate (CD8 T cell)": ("CD8", 1000.0)}
    return draw_binding_kinetics({k: binding.kinetics(c, conc, t, "dissociation")
                                  for k, (c, conc) in starts.items()})


@styled
def draw_trafficking(results: Mapping[str, trafficking.TraffickingResult]) -> Figure:
    """IL-2 left in the medium, recycled and destroyed, and the cells, for each IL-2 variant.

    Parameters
    ----------
    results
        Legend label -> :func:`il2.trafficking.simulate` (wild type solid, others dashed).
    """
    fig, axes = new_figure(1, 3, width_in=10.0, height_in=3.4)
    styles = {"wild type": ("-", QUANTITY_COLORS["IL-2"]), "2D1": ("--", CELL_COLORS["activated T"])}
    for v, r in results.items():
        ls, color = styles.get(v, ("--", CELL_COLORS["CD8"]))
        t = r.t_h
        axes[0].plot(t / 24, r.il2_pM, ls=ls, color=color, label=v)
        axes[1].plot(t / 24, r.recycled_il2_pM, ls=ls, color=color, label=f"{v}, recycled")
        axes[1].plot(t / 24, r.degraded_il2_pM, ls=ls, color=color, alpha=0.45, label=f"{v}, degraded")
        axes[2].plot(t / 24, r.cells_per_l / r.cells_per_l[0], ls=ls, color=color, label=v)
    axes[0].set_ylabel("IL-2 in the medium (pM)")
    axes[1].set_ylabel("IL-2 so far (pM of medium)")
    axes[2].set_ylabel("Cells (relative to day 0)")
    for ax, title in zip(axes, ["Depletion", "Recycled or destroyed", "Proliferation"]):
        ax.set_xlabel("Days")
        ax.set_title(title)
        ax.legend(fontsize=8)
    return fig


def trafficking_figure(days: float = 4.0) -> Figure:
    """Wild-type IL-2 against the 2D1 analogue over days (Fallon and Lauffenburger model)."""
    check_scalar("days", days, 0.5, 14.0)
    t = np.linspace(0.0, days * 24.0, 193)
    return draw_trafficking({v: trafficking.simulate(t, variant=v) for v in trafficking.VARIANTS})


# ---------------------------------------------------------------------------------------
# Explorers
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Cd25Result:
    conc: np.ndarray
    pstat5: np.ndarray
    reference: np.ndarray
    ec50: float
    ec50_reference: float
    base: str


def _cd25_model(cd25: float, base: str) -> _Cd25Result:
    check_choice("base", base, ["CD8", "NK", "CD4"])
    cell = binding.CELL_TYPES[base]
    mod = cell.with_cd25(cd25)
    p = signaling.pstat5_fraction(mod, _CONC)
    ref = signaling.pstat5_fraction(cell, _CONC)
    return _Cd25Result(_CONC, p, ref, signaling.ec50_pM(mod), signaling.ec50_pM(cell), base)


def _cd25_view(r: _Cd25Result, fig: Figure, cd25: float, base: str) -> Callable[..., bool]:
    ax = fig.subplots()
    color = CELL_COLORS[base]
    ref_line, = ax.plot(r.conc, r.reference / r.reference.max(), color="#999999", ls="--",
                        label=_cd25_ref_label(r))
    line, = ax.plot(r.conc, r.pstat5 / r.pstat5.max(), color=color, label=_cd25_label(r, cd25))
    vline = ax.axvline(r.ec50, color=color, lw=1, ls=":")
    _log_x(ax)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("pSTAT5, fraction of maximum")
    ax.set_title(_cd25_title(r))
    legend = ax.legend(loc="upper left", fontsize=8.5)
    for artist in (line, vline, ax.title, legend):
        artist.set_animated(True)

    def update(r: _Cd25Result, cd25: float, base: str) -> bool:
        if r.base != drawn_base:
            return False
        line.set_ydata(r.pstat5 / r.pstat5.max())
        vline.set_xdata([r.ec50, r.ec50])
        ax.set_title(_cd25_title(r))
        legend.get_texts()[1].set_text(_cd25_label(r, cd25))
        return True

    drawn_base = r.base
    return update


def _cd25_ref_label(r: _Cd25Result) -> str:
    return f"resting {_LABEL[r.base]} (EC50 {_fmt_pM(r.ec50_reference)})"


def _cd25_label(r: _Cd25Result, cd25: float) -> str:
    return f"with {cd25:,.0f} CD25 per cell (EC50 {_fmt_pM(r.ec50)})"


def _cd25_title(r: _Cd25Result) -> str:
    return f"CD25 moves the dose response ({r.ec50_reference / r.ec50:.0f}-fold)"


def cd25_explorer() -> Explorer:
    """Slider: CD25 per cell; the pSTAT5 dose-response curve moves left as CD25 rises."""
    return explore(
        _cd25_model,
        _cd25_view,
        [Slider("cd25", "CD25 per cell", 10.0, 50_000.0, 1000.0, steps=11, log=True, unit="molecules"),
         Choice("base", "Cell", [("CD8 T cell", "CD8"), ("NK cell", "NK")], "CD8")],
        alt=("Equilibrium pSTAT5 dose-response of a {base} carrying {cd25} of CD25 per cell, "
             "against the resting cell: more CD25 shifts the curve to lower IL-2."),
        title="Explorer 2.1: CD25 per cell and IL-2 sensitivity",
        caption=("A {base} carrying {cd25} of CD25 per cell (coloured) against the resting cell (grey, dashed); "
                 "the title gives how many times less IL-2 it needs for half its maximal pSTAT5."),
    )


@dataclass(frozen=True)
class _CellsResult:
    names: tuple[str, ...]
    complexes: np.ndarray
    pstat5_rel: np.ndarray
    proliferation: np.ndarray


def _cells_model(il2_pM: float) -> _CellsResult:
    names = BLOOD_CELLS + ("activated T",)
    L = check_scalar("il2_pM", il2_pM, 0.0)
    s, p, q = [], [], []
    for n in names:
        s.append(float(binding.signaling_complexes(n, L)))
        top = float(signaling.pstat5_fraction(n, 1e7))
        p.append(float(signaling.pstat5_fraction(n, L)) / top)
        q.append(float(signaling.proliferation_signal(n, L)))
    return _CellsResult(names, np.array(s), np.array(p), np.array(q))


def _cells_view(r: _CellsResult, fig: Figure, il2_pM: float) -> Callable[..., None]:
    axes = fig.subplots(1, 2)
    x = np.arange(len(r.names))
    colors = [CELL_COLORS[n] for n in r.names]
    labels = ["Treg", "CD4", "CD8", "NK", "act. T"]
    bars_p = axes[0].bar(x, r.pstat5_rel, color=colors)
    axes[0].set_ylabel("pSTAT5, fraction of maximum")
    bars_q = axes[1].bar(x, r.proliferation, color=colors)
    axes[1].set_ylabel("Proliferation signal")
    for ax in axes:
        ax.set_xticks(x, labels)
        ax.set_ylim(0, 1.05)
    title = fig.suptitle(_cells_title(il2_pM), fontsize=11, fontweight="bold")
    for artist in (*bars_p, *bars_q, title):
        artist.set_animated(True)

    def update(r: _CellsResult, il2_pM: float) -> None:
        for bar, h in zip(bars_p, r.pstat5_rel):
            bar.set_height(h)
        for bar, h in zip(bars_q, r.proliferation):
            bar.set_height(h)
        title.set_text(_cells_title(il2_pM))

    return update


def _cells_title(il2_pM: float) -> str:
    return f"IL-2 at {il2_pM:.3g} pM (equilibrium)"


def cell_types_explorer() -> Explorer:
    """Slider: IL-2 concentration; the signal of every cell type side by side."""
    return explore(
        _cells_model,
        _cells_view,
        [Slider("il2_pM", "IL-2", 1.0, 1e5, 30.0, steps=13, log=True, unit="pM")],
        alt=("Bar charts of pSTAT5 (fraction of each cell's maximum) and proliferation signal for "
             "Treg, CD4, CD8, NK cells and activated T blasts at {il2_pM} IL-2."),
        title="Explorer 2.3: One concentration, five cell types",
        caption=("At {il2_pM}: which cell types signal? Each bar is a fraction of that cell's own "
                 "maximum: pSTAT5 (left) and proliferation signal (right)."),
        width_in=8.0,
    )


@dataclass(frozen=True)
class _KineticsResult:
    on: binding.BindingKinetics
    off: binding.BindingKinetics
    equilibrium_bound: float


def _kinetics_model(il2_pM: float, cell: str) -> _KineticsResult:
    on = binding.kinetics(cell, il2_pM, np.linspace(0.0, 2.0, 81), "association")
    off = binding.kinetics(cell, il2_pM, np.linspace(0.0, 6.0, 81), "dissociation")
    eq = binding.equilibrium(cell, il2_pM)
    return _KineticsResult(on, off, float(eq.bound_il2))


def _nice_top(ax: Any) -> None:
    """Round the autoscaled top of a linear y axis up to 1, 2 or 5 times a power of ten (the
    bottom margin in proportion), so an explorer's axis moves in steps, not at every value."""
    lo, hi = ax.get_ylim()
    if hi <= 0:
        return
    exp = np.floor(np.log10(hi))
    top = min(m * 10.0**exp for m in (1.0, 2.0, 5.0, 10.0) if m * 10.0**exp >= hi * (1 - 1e-9))
    ax.set_ylim(lo * top / hi if lo < 0 else lo, top)


def _kinetics_view(r: _KineticsResult, fig: Figure, il2_pM: float, cell: str) -> Callable[..., bool]:
    axes = fig.subplots(1, 2, sharey=True)
    color = CELL_COLORS[cell]
    lines = []
    for ax, k, title, xlabel in [
        (axes[0], r.on, "IL-2 added at time 0", "Time (h)"),
        (axes[1], r.off, "IL-2 washed away at time 0", "Time (h)"),
    ]:
        lines += ax.plot(k.t_h, k.bound_il2, color=color, label="all bound IL-2")
        lines += ax.plot(k.t_h, k.signaling_complexes, color=color, ls="--", label="signalling complexes")
        ax.set_title(f"{title}; half-time {_fmt_time_h(k.half_time_h())}", fontsize=9.5)
        ax.set_xlabel(xlabel)
    eq = axes[0].axhline(r.equilibrium_bound, color="#999999", lw=1, ls=":", label="equilibrium")
    axes[0].set_ylabel("IL-2 per cell")
    axes[0].autoscale_view()
    _nice_top(axes[0])
    legend = axes[0].legend(fontsize=8, loc="lower right")
    suptitle = fig.suptitle(f"{_LABEL[cell]} at {il2_pM:.3g} pM", fontsize=11, fontweight="bold")
    for artist in (*lines, eq, legend, axes[0].title, axes[1].title, suptitle):
        artist.set_animated(True)
    titles = ["IL-2 added at time 0", "IL-2 washed away at time 0"]

    def update(r: _KineticsResult, il2_pM: float, cell: str) -> bool:
        if cell != drawn_cell:
            return False
        for i, (ax, k) in enumerate([(axes[0], r.on), (axes[1], r.off)]):
            lines[2 * i].set_data(k.t_h, k.bound_il2)
            lines[2 * i + 1].set_data(k.t_h, k.signaling_complexes)
            ax.set_title(f"{titles[i]}; half-time {_fmt_time_h(k.half_time_h())}", fontsize=9.5)
        eq.set_ydata([r.equilibrium_bound, r.equilibrium_bound])
        for ax in axes:
            ax.set_autoscaley_on(True)  # _nice_top fixed the range of the last drawing
            ax.relim()
            ax.set_autoscaley_on(True)  # _nice_top's set_ylim turned it off
            ax.autoscale_view()
        _nice_top(axes[0])
        suptitle.set_text(f"{_LABEL[cell]} at {il2_pM:.3g} pM")
        return True

    drawn_cell = cell
    return update


def kinetics_explorer() -> Explorer:
    """Slider: IL-2; menu: cell type. Binding and release of IL-2 over hours."""
    return explore(
        _kinetics_model,
        _kinetics_view,
        [Slider("il2_pM", "IL-2", 1.0, 1e4, 100.0, steps=9, log=True, unit="pM"),
         Choice("cell", "Cell", [("Treg", "Treg"), ("CD8 T cell", "CD8"), ("NK cell", "NK"),
                                 ("activated T blast", "activated T")], "Treg")],
        alt=("Time courses of IL-2 bound per {cell} after {il2_pM} IL-2 is added (left, two hours) "
             "and after it is washed away (right, six hours)."),
        title="Explorer 2.2: Binding kinetics over time",
        caption=("A {cell} at {il2_pM}: how fast IL-2 is bound (left) and how slowly it is released "
                 "after washout (right); the titles give the half-times."),
        width_in=8.0,
    )


@dataclass(frozen=True)
class _TraffickingResultPair:
    t_h: np.ndarray
    wild: trafficking.TraffickingResult
    variant: trafficking.TraffickingResult


@functools.lru_cache(maxsize=1)
def _wild_type_4_days() -> trafficking.TraffickingResult:
    return trafficking.simulate(np.linspace(0.0, 96.0, 97))


def _trafficking_model(kd_endosome_pM: float) -> _TraffickingResultPair:
    t = np.linspace(0.0, 96.0, 97)
    custom = dataclasses.replace(trafficking.TraffickingParameters(), kd_endosome_pM=kd_endosome_pM)
    return _TraffickingResultPair(t, _wild_type_4_days(), trafficking.simulate(t, variant=custom))


#: The endosomal Kd slider's range (pM); the explorer's axes hold the curves at both ends.
_TRAFFICKING_KD_RANGE = (100.0, 10_000.0)


@functools.lru_cache(maxsize=1)
def _trafficking_ylims() -> tuple[tuple[float, float], tuple[float, float]]:
    """Fixed y-limits of the trafficking explorer's two panels, from the curves at both ends of
    the slider (medium IL-2 and relative growth both change monotonically with the endosomal Kd),
    so the axes stay put while the slider moves."""
    conc, growth = [], []
    for kd in _TRAFFICKING_KD_RANGE:
        r = _trafficking_model(kd)
        for res in (r.wild, r.variant):
            conc.append(res.il2_pM)
            growth.append(res.cells_per_l / res.cells_per_l[0])
    limits = []
    for lo, curves in ((0.0, conc), (None, growth)):
        top = max(float(np.max(c)) for c in curves)
        bottom = min(float(np.min(c)) for c in curves) if lo is None else lo
        pad = 0.05 * (top - bottom)
        limits.append((bottom - pad if lo is None else lo, top + pad))
    return limits[0], limits[1]


def _trafficking_view(r: _TraffickingResultPair, fig: Figure, kd_endosome_pM: float) -> Callable[..., None]:
    axes = fig.subplots(1, 2)
    d = r.t_h / 24
    axes[0].plot(d, r.wild.il2_pM, color=QUANTITY_COLORS["IL-2"], label=f"wild type ({_trafficking_label(trafficking.TraffickingParameters().kd_endosome_pM)})")
    conc, = axes[0].plot(d, r.variant.il2_pM, color=CELL_COLORS["activated T"], ls="--",
                         label=_trafficking_label(kd_endosome_pM))
    axes[0].set_ylabel("IL-2 in the medium (pM)")
    axes[1].plot(d, r.wild.cells_per_l / r.wild.cells_per_l[0], color=QUANTITY_COLORS["IL-2"])
    cells, = axes[1].plot(d, r.variant.cells_per_l / r.variant.cells_per_l[0],
                          color=CELL_COLORS["activated T"], ls="--")
    axes[1].set_ylabel("Cells (relative to day 0)")
    for ax in axes:
        ax.set_xlabel("Days")
    legend = axes[0].legend(fontsize=8.5)
    for ax, ylim in zip(axes, _trafficking_ylims()):
        ax.set_xlim(0, d[-1])
        ax.set_ylim(*ylim)
    for artist in (conc, cells, legend):
        artist.set_animated(True)

    def update(r: _TraffickingResultPair, kd_endosome_pM: float) -> None:
        d = r.t_h / 24
        conc.set_data(d, r.variant.il2_pM)
        cells.set_data(d, r.variant.cells_per_l / r.variant.cells_per_l[0])
        legend.get_texts()[1].set_text(_trafficking_label(kd_endosome_pM))

    return update


def _trafficking_label(kd_endosome_pM: float) -> str:
    return f"endosomal Kd {kd_endosome_pM:,.0f} pM"


def trafficking_explorer() -> Explorer:
    """Slider: endosomal dissociation constant; depletion and growth over four days."""
    return explore(
        _trafficking_model,
        _trafficking_view,
        [Slider("kd_endosome_pM", "Endosomal Kd", *_TRAFFICKING_KD_RANGE, 10_000.0, steps=9, log=True,
                unit="pM")],
        alt=("IL-2 left in the medium and cell growth over four days for wild-type IL-2 and for a "
             "variant with the same surface binding but an endosomal Kd of {kd_endosome_pM}."),
        title="Explorer 2.4: Weaker binding in the endosome, more IL-2 recycled",
        caption=("A variant with endosomal Kd {kd_endosome_pM} (dashed) against wild type (solid): "
                 "IL-2 left in the medium (left) and the growth it supports (right)."),
        width_in=8.0,
    )


#: Every explorer of the chapter (benchmarks and tests iterate over it).
EXPLORERS: dict[str, Callable[[], Explorer]] = {
    "cd25": cd25_explorer,
    "cell_types": cell_types_explorer,
    "kinetics": kinetics_explorer,
    "trafficking": trafficking_explorer,
}
