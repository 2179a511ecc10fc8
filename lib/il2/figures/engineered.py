"""Figures, tables and explorers of the chapter "Engineered IL-2: steering the receptor"
(chapters/06_engineered_il2.ipynb).

Each ``draw_*`` function takes results of :mod:`il2.variants` (the selectivity map, the
mutein comparison, variant courses) and only draws; the chapter's figure cells make the model
call and pass its result here. :data:`EXPLORERS` lists the interactive figures (the benchmarks
and tests iterate over it).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
from matplotlib.figure import Figure

from il2 import variants
from il2.explore import Choice, Explorer, Slider, explore
from il2.plotting import CELL_COLORS, QUANTITY_COLORS, new_figure, styled
from il2.receptors import DEFAULT_MODEL
from il2.validation import check_choice, check_scalar

__all__ = [
    "EXPLORERS",
    "MAP_CELLS",
    "COURSE_MENU",
    "ChapterNumbers",
    "chapter_numbers",
    "variant_table_markdown",
    "comparison_rows",
    "comparison_table_markdown",
    "outcome_table_markdown",
    "draw_selectivity_map",
    "draw_comparison",
    "draw_course",
    "course",
    "affinity_explorer",
    "course_explorer",
]

#: The five cell types of the dose-response explorer (the issue's list), in drawing order.
MAP_CELLS: tuple[str, ...] = ("Treg", "CD4", "CD8", "CD56bright NK", "NK")
#: The variants of the course explorer: aldesleukin (``None``) and every record with both folds.
COURSE_MENU: tuple[tuple[str, str | None], ...] = (
    ("aldesleukin", None), ("F42Q (no-alpha)", "F42Q"), ("R38Q", "R38Q"),
    ("nemvaleukin (CD25-fused)", "nemvaleukin"), ("H16N", "H16N"), ("V91K", "V91K"), ("N88D", "N88D"),
)
#: Grid of the selectivity map: CD25 and CD122 dissociation-constant folds (0.1 to 1000, 0.01 to 100).
MAP_CD25_FOLDS = np.geomspace(0.1, 1000.0, 61)
MAP_CD122_FOLDS = np.geomspace(0.01, 100.0, 61)
_LABEL = {"Treg": "Treg", "CD4": "CD4 T", "CD8": "CD8 T", "NK": "NK (CD56dim)",
          "CD56bright NK": "CD56bright NK"}
_STYLE = {"CD56bright NK": dict(color=CELL_COLORS["NK"], ls="--")}
_CONC = np.geomspace(0.1, 1e6, 71)
_TOP_PM = 1e8  # the EC50's reference top, as in il2.signaling.ec50_pM and the selectivity map


def _line_style(cell: str) -> dict[str, Any]:
    return _STYLE[cell] if cell in _STYLE else dict(color=CELL_COLORS[cell], ls="-")


# ---------------------------------------------------------------------------------------
# Numbers quoted in the chapter text
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChapterNumbers:
    """Model numbers the chapter quotes (every one computed by the library)."""

    kd_alpha_nM: float
    kd_beta_nM: float
    f42q_cd25_fold: float
    r38q_cd25_fold: float
    n88d_cd122_fold: float
    v91k_cd122_fold: float
    h16n_cd122_fold: float
    wt_selectivity: float  # NK EC50 / Treg EC50, equilibrium
    f42q_selectivity: float
    nem_selectivity: float
    n88d_selectivity: float
    f42q_advantage_left_pct: float  # share of log(selectivity) left
    nem_advantage_left_pct: float
    f42q_treg_shift: float  # Treg EC50 fold, model, equilibrium
    f42q_cd8_shift: float
    f42q_nk_shift: float
    n88d_treg_shift: float
    n88d_nk_shift: float
    courses: dict[str, dict[str, float]]  # name -> peak folds, dose factor, leak under both routes


def course(name: str | None, route: str = "CD25") -> variants.VariantCourse:
    """The chapter's course of one variant of :data:`COURSE_MENU` (``None``: aldesleukin): one
    cycle of the label's regimen at equal NK engagement (:func:`il2.variants.variant_course`,
    which caches it)."""
    if name is not None:
        check_choice("name", name, [v for _, v in COURSE_MENU if v is not None])
    check_choice("route", route, tuple(variants.LEAK_ROUTES))
    return variants.variant_course(name, route=route)


def precompute_courses() -> None:
    """Run every course of :data:`COURSE_MENU` under both leak routes (about 15 s, once)."""
    for _, name in COURSE_MENU:
        for route in variants.LEAK_ROUTES:
            course(name, route)


@functools.lru_cache(maxsize=1)
def chapter_numbers() -> ChapterNumbers:
    """Compute every number the chapter quotes (runs every course once)."""
    b = DEFAULT_MODEL.binding
    v = variants.variant
    sel = {}
    models = {"WT": DEFAULT_MODEL, **{n: variants.receptor_model(n) for n in ("F42Q", "nemvaleukin", "N88D")}}
    for k, m in models.items():
        sel[k] = m.ec50_pM("NK") / m.ec50_pM("Treg")
    left = {k: 100 * math.log(sel[k]) / math.log(sel["WT"]) for k in ("F42Q", "nemvaleukin")}

    def shift(n: str, cell: str) -> float:
        return models[n].ec50_pM(cell) / DEFAULT_MODEL.ec50_pM(cell)

    precompute_courses()
    courses = {}
    for label, name in COURSE_MENU:
        c25, ck = course(name, "CD25"), course(name, "killer cells")
        courses[name or "aldesleukin"] = {
            "dose_factor": c25.dose_factor, "treg": c25.peak_fold("Treg"), "nk": c25.peak_fold("NK"),
            "cd8": c25.peak_fold("CD8"), "gain_cd25": c25.weight_gain_kg, "gain_killer": ck.weight_gain_kg,
            "sbp_cd25": c25.min_systolic_mmHg, "sbp_killer": ck.min_systolic_mmHg,
            "potency_cd25": c25.potency,
        }
    return ChapterNumbers(
        kd_alpha_nM=b.kd_alpha_pM / 1000, kd_beta_nM=b.kd_beta_pM / 1000,
        f42q_cd25_fold=v("F42Q").cd25_kd_fold, r38q_cd25_fold=v("R38Q").cd25_kd_fold,
        n88d_cd122_fold=v("N88D").cd122_kd_fold, v91k_cd122_fold=v("V91K").cd122_kd_fold,
        h16n_cd122_fold=v("H16N").cd122_kd_fold,
        wt_selectivity=sel["WT"], f42q_selectivity=sel["F42Q"], nem_selectivity=sel["nemvaleukin"],
        n88d_selectivity=sel["N88D"],
        f42q_advantage_left_pct=left["F42Q"], nem_advantage_left_pct=left["nemvaleukin"],
        f42q_treg_shift=shift("F42Q", "Treg"), f42q_cd8_shift=shift("F42Q", "CD8"),
        f42q_nk_shift=shift("F42Q", "NK"), n88d_treg_shift=shift("N88D", "Treg"),
        n88d_nk_shift=shift("N88D", "NK"), courses=courses,
    )


def monovalent_treg_excess(rows: tuple[variants.ShiftRow, ...] | None = None) -> tuple[float, float]:
    """Smallest and largest factor by which a monovalent mutein's measured Treg shift exceeds
    the model's (measured over predicted EC50 shift, over every Treg row of
    :func:`comparison_rows`, CD25 subsets included)."""
    rows = comparison_rows() if rows is None else rows
    ratios = [r.measured_shift / r.predicted_shift for r in rows
              if r.valency == 1 and r.cell.startswith("Treg")]
    if not ratios:
        raise ValueError("rows must hold at least one monovalent Treg row; got none")
    return min(ratios), max(ratios)


# ---------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------


def _fold(x: float | None) -> str:
    if x is None:
        return "not confirmed †"
    if math.isinf(x):
        return "no binding"
    return f"{x:.3g}"


def variant_table_markdown() -> str:
    """The variant records: kind, CD25 and CD122 dissociation-constant folds and sources."""
    rows = ["| Variant | Kind | CD25 $K_d$ fold | CD122 $K_d$ fold | Source |", "|---|---|---|---|---|"]
    for v in variants.VARIANTS:
        cite = ", ".join(sorted(v.source_keys))
        rows.append(f"| {v.name} | {v.kind} | {_fold(v.cd25_kd_fold)} | {_fold(v.cd122_kd_fold)} "
                    f"| {{cite:p}}`{cite}` |")
    return "\n".join(rows)


def comparison_rows() -> tuple[variants.ShiftRow, ...]:
    """The model-versus-data rows (each mutein against its own wild-type construct, equilibrium)."""
    return variants.mutein_comparison()


def _agreement(r: variants.ShiftRow) -> str:
    m, p = math.log10(r.measured_shift), math.log10(r.predicted_shift)
    if abs(m) < 0.15 and abs(p) < 0.15:
        return "both near 1"
    if m * p > 0:
        return "same direction" + ("" if abs(m - p) < 0.5 else f", data {10 ** (m - p):.0f}× larger"
                                   if m - p > 0 else ", model larger")
    return "opposite"


def comparison_table_markdown() -> str:
    """Measured against predicted EC50 shifts, one row per mutein, valency and cell type."""
    rows = ["| Mutein | Valency | Cell | Measured shift | Model shift | Reading |", "|---|---|---|---|---|---|"]
    for r in comparison_rows():
        cell = r.cell + (" (model: all NK)" if r.proxy and "NK" in r.cell else
                         " (model: parent cell)" if r.proxy else "")
        flag = " (fit floor)" if r.at_fit_floor else ""
        rows.append(f"| {r.variant} | {'mono' if r.valency == 1 else 'bi'} | {cell} "
                    f"| {r.measured_shift:.3g}{flag} | {r.predicted_shift:.3g} | {_agreement(r)} |")
    return "\n".join(rows)


def outcome_table_markdown() -> str:
    """The trials of the engineered drugs, with exact 95% intervals where counts are published.

    Three columns, so that the table fits the book's text column: the trial (with its drug, phase
    and source), its setting and arms, and its objective responses followed by its result."""
    rows = ["| Trial | Setting and arms | Responses and result |", "|---|---|---|"]
    for o in variants.CLINICAL_OUTCOMES:
        if o.responders is not None:
            resp = "; ".join(f"{k}/{n}: {o.orr_ci(i).percent(1)}"
                             for i, (k, n) in enumerate(zip(o.responders, o.patients)))
        elif o.orr_percent is not None:
            resp = " vs ".join(f"{x:.1f}%" for x in o.orr_percent) + " (no counts: no exact CI)"
        else:
            resp = "not reported †"
        rows.append(f"| **{o.trial}**: {o.variant}, phase {o.phase} {{cite:p}}`{o.source}` "
                    f"| {o.setting}: {' vs '.join(o.arms)} "
                    f"| Objective responses {resp}. {o.result}. |")
    return "\n".join(rows)


# ---------------------------------------------------------------------------------------
# Static figures
# ---------------------------------------------------------------------------------------


_MARK = {"F42Q": "o", "R38Q": "s", "V91K": "^", "N88D": "v", "H16N": "D", "nemvaleukin": ">"}


#: Where each point label of the selectivity map sits: offset from its symbol (points) and
#: alignment. H16N, N88D and V91K lie within a few points of each other, so their labels go
#: above, right and below-right respectively; IL-2's goes below-left, clear of V91K's.
_MAP_LABEL: dict[str, tuple[float, float, str, str]] = {
    "F42Q": (6, 3, "left", "bottom"), "R38Q": (-7, 0, "right", "center"),
    "H16N": (0, 7, "center", "bottom"), "N88D": (7, 0, "left", "center"),
    "V91K": (5, -6, "left", "top"), "nemvaleukin": (6, -6, "left", "top"),
    "IL-2": (-6, -7, "right", "top"),
}


def _map_label(ax: Any, name: str, x: float, y: float) -> None:
    dx, dy, ha, va = _MAP_LABEL.get(name, (5, 3, "left", "bottom"))
    ax.annotate(name, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, fontsize=9)


@styled
def draw_selectivity_map(sm: variants.SelectivityMap) -> Figure:
    """Treg selectivity (NK EC50 / Treg EC50 and CD8 EC50 / Treg EC50, log colour) over the
    CD25 × CD122 fold grid of :func:`il2.variants.selectivity_map` (it needs the cells
    ``"Treg"``, ``"NK"`` and ``"CD8"``), with the recorded variants marked."""
    fig, axes = new_figure(1, 2, width_in=8.0, height_in=3.6)
    panels = (("NK", "Treg", "NK / Treg EC50"), ("CD8", "Treg", "CD8 / Treg EC50"))
    for ax, (num, den, title) in zip(axes, panels):
        z = np.log10(sm.ratio(num, den))
        mesh = ax.pcolormesh(sm.cd122_folds, sm.cd25_folds, z, cmap="RdBu_r", vmin=-3, vmax=3, shading="auto")
        ax.contour(sm.cd122_folds, sm.cd25_folds, z, levels=[0], colors="k", linewidths=1)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("CD122 $K_d$ fold (>1: weaker)")
        ax.set_title(title)
        for v in variants.VARIANTS:
            if v.cd25_kd_fold is None or v.cd122_kd_fold is None:
                continue
            y = min(v.cd25_kd_fold, sm.cd25_folds[-1])
            # clip_on=False: nemvaleukin sits on the top edge and would lose half its symbol
            ax.plot(v.cd122_kd_fold, y, _MARK[v.name], color="k", mfc="white", ms=7, clip_on=False)
            _map_label(ax, v.name, v.cd122_kd_fold, y)
        ax.plot(1, 1, "*", color="k", ms=11)
        _map_label(ax, "IL-2", 1.0, 1.0)
    axes[0].set_ylabel("CD25 $K_d$ fold (>1: weaker)")
    fig.colorbar(mesh, ax=axes, label="log$_{10}$ EC50 ratio (>0: Treg first)")
    return fig


_CELL_MARK = {"Treg": "o", "CD4": "s", "CD8": "^", "NK": "D", "CD56bright NK": "v"}


#: Labels of the mutein scatter placed away from the default (4, 2) points up-right, by
#: (variant, valency, cell): offset (points), alignment and whether a thin leader line is drawn.
#: The bivalent Treg points of H16N and R38Q sit next to each other and to their CD25 subsets.
_COMPARISON_LABEL: dict[tuple[str, int, str], tuple[float, float, str, bool]] = {
    ("H16N", 2, "Treg"): (-7, 0, "right", False),
    ("R38Q", 2, "Treg"): (16, 7, "left", True),
}


@styled
def draw_comparison(rows: Any) -> Figure:
    """Measured against predicted EC50 shift of each Fc mutein (own wild-type construct), one
    point per :class:`il2.variants.ShiftRow` of :func:`il2.variants.mutein_comparison`."""
    fig, ax = new_figure(width_in=6.0, height_in=4.2)
    lo, hi = 0.1, 1e3
    ax.plot([lo, hi], [lo, hi], color=QUANTITY_COLORS["threshold"], lw=1, ls="--", label="model = data")
    seen = set()
    for r in rows:
        base_cell = r.cell.split()[0] if not r.cell.startswith("CD56") else "CD56bright NK"
        color = CELL_COLORS.get(base_cell, CELL_COLORS["NK"])
        label = None if base_cell in seen else _LABEL.get(base_cell, base_cell)
        seen.add(base_cell)
        ax.plot(r.predicted_shift, r.measured_shift, _CELL_MARK.get(base_cell, "o"), color=color,
                mfc=color if r.valency == 1 else "white", ms=7, label=label)
        if r.cell in ("Treg", "NK", "CD4", "CD8", "CD56bright NK"):
            dx, dy, ha, leader = _COMPARISON_LABEL.get((r.variant, r.valency, r.cell), (4, 2, "left", False))
            ax.annotate(f"{r.variant}{'' if r.valency == 1 else ' bi'}", (r.predicted_shift, r.measured_shift),
                        xytext=(dx, dy), textcoords="offset points", fontsize=8, ha=ha,
                        va="center" if leader or ha == "right" else "baseline",
                        arrowprops=dict(arrowstyle="-", lw=0.6, color="#555555", shrinkA=0, shrinkB=4)
                        if leader else None)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlim(lo, hi)
    ax.set_ylim(lo, hi)
    ax.set_xlabel("model: EC50 shift (mutein / IL-2)")
    ax.set_ylabel("data: EC50 shift (mutein / own WT)")
    ax.legend(fontsize=8.5, loc="lower right")  # free: below the diagonal, right of every point
    return fig


#: Legend label of each variant course, by :attr:`il2.variants.VariantCourse.name`.
_COURSE_LABEL: dict[str, str] = {(name or "aldesleukin"): label for label, name in COURSE_MENU}


@styled
def draw_course(runs: Any, killer: variants.VariantCourse | None = None) -> Figure:
    """Cells and oedema over one high-dose cycle of each variant (:func:`il2.variants.variant_course`,
    at most four runs: solid, dashed, dotted, dash-dotted). ``killer``: a course whose leak runs
    through the killer cells, drawn as a broad pale line after the aldesleukin run."""
    runs = list(runs)
    styles = ["-", "--", ":", "-."]
    if not 1 <= len(runs) <= len(styles):
        raise ValueError(f"runs must hold 1 to {len(styles)} variant courses; got {len(runs)}")
    fig, axes = new_figure(1, 3, width_in=9.0, height_in=4.0)

    def killer_line() -> None:
        axes[2].plot(killer.leak.t_h / 24, killer.leak.weight_kg - killer.leak.weight_at_start_kg,
                     color=QUANTITY_COLORS["interstitium"], lw=4, alpha=0.35, zorder=0,
                     label="killer-cell route (all)")

    drawn = False
    for c, ls in zip(runs, styles):
        label = _COURSE_LABEL.get(c.name, c.name)
        t_d = c.pd.t_h / 24
        for pop, ax in (("CD8", axes[0]), ("Treg", axes[1])):
            ax.plot(t_d, c.pd.fold(pop), color=CELL_COLORS[pop], ls=ls, label=label)
        axes[2].plot(c.leak.t_h / 24, c.leak.weight_kg - c.leak.weight_at_start_kg, color="k",
                     ls=ls, label=label)
        if killer is not None and not drawn and c.name == "aldesleukin":
            killer_line()
            drawn = True
    if killer is not None and not drawn:
        killer_line()
    axes[0].set_yscale("log")
    axes[0].set_title("activated CD8 T cells")
    axes[1].set_title("regulatory T cells")
    axes[2].set_title("weight gain (leak)")
    for ax in axes[:2]:
        ax.set_ylabel("fold of start")
    axes[2].set_ylabel("kg")
    for ax in axes:
        ax.set_xlabel("days")
    # one legend for the three panels, below them: the line style names the variant in every
    # panel (the colour names the panel's quantity), and inside a panel it covered the curves
    from matplotlib.lines import Line2D

    handles = [Line2D([], [], color="k", ls=ls, label=_COURSE_LABEL.get(c.name, c.name))
               for c, ls in zip(runs, styles)]
    if killer is not None:
        handles.append(Line2D([], [], color=QUANTITY_COLORS["interstitium"], lw=4, alpha=0.35,
                              label="killer-cell route (all)"))
    fig.legend(handles=handles, loc="outside lower center", ncol=3, fontsize=9.5)
    return fig


# ---------------------------------------------------------------------------------------
# Explorer 6.1: CD25 and CD122 affinity -> dose response of every cell type
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _AffinityResult:
    conc: np.ndarray
    pstat5: dict[str, np.ndarray]  # fraction of each cell's own top
    ec50_pM: dict[str, float]
    reference_ec50_pM: dict[str, float]


@functools.lru_cache(maxsize=1)
def _reference_ec50() -> dict[str, float]:
    return {c: DEFAULT_MODEL.ec50_pM(c) for c in MAP_CELLS}


def _affinity_model(cd25_fold: float, cd122_fold: float) -> _AffinityResult:
    fa = check_scalar("cd25_fold", cd25_fold, 0.0, low_open=True)
    fb = check_scalar("cd122_fold", cd122_fold, 0.0, 1e6, low_open=True)
    b = DEFAULT_MODEL.binding
    m = DEFAULT_MODEL.with_binding(kd_alpha_pM=b.kd_alpha_pM * fa, kd_beta_pM=b.kd_beta_pM * fb)
    grid = np.append(_CONC, _TOP_PM)
    logc = np.log(_CONC)
    curves, ec50 = {}, {}
    for cell in MAP_CELLS:
        p = np.asarray(m.pstat5(cell, grid), dtype=float)
        top = p[-1]
        y = p[:-1] / top
        curves[cell] = y
        i = int(np.searchsorted(y, 0.5))  # y rises with concentration
        if i == 0:
            ec50[cell] = float(_CONC[0])
        elif i >= y.size:
            ec50[cell] = float(_CONC[-1])
        else:
            x = logc[i - 1] + (0.5 - y[i - 1]) * (logc[i] - logc[i - 1]) / (y[i] - y[i - 1])
            ec50[cell] = float(np.exp(x))
    return _AffinityResult(_CONC, curves, ec50, _reference_ec50())


def _fmt_pM(x: float) -> str:
    return f"{x / 1000:.3g} nM" if x >= 1000 else f"{x:.3g} pM"


def _affinity_title(r: _AffinityResult) -> str:
    s = r.ec50_pM["NK"] / r.ec50_pM["Treg"]
    s0 = r.reference_ec50_pM["NK"] / r.reference_ec50_pM["Treg"]
    return f"Treg selectivity (NK / Treg EC50): {s:.3g} (IL-2: {s0:.3g})"


def _affinity_view(r: _AffinityResult, fig: Figure, cd25_fold: float, cd122_fold: float) -> Callable[..., None]:
    ax = fig.subplots()
    lines = {}
    for cell in MAP_CELLS:
        st = _line_style(cell)
        lines[cell], = ax.plot(r.conc, r.pstat5[cell], color=st["color"], ls=st["ls"], lw=2,
                               label=f"{_LABEL[cell]}: {_fmt_pM(r.ec50_pM[cell])}")
    ax.set_xscale("log")
    ax.set_xlabel("IL-2 variant (pM), equilibrium")
    ax.set_ylabel("pSTAT5, fraction of maximum")
    ax.set_ylim(0, 1.05)
    ax.set_title(_affinity_title(r), fontsize=10.5)
    # below the panel, centred: inside it the curves of strong-CD122 frames ran under it, and
    # centred it stays on the page when a frame's EC50s make its texts longer (frozen layout)
    legend = fig.legend(loc="outside lower center", ncol=3, fontsize=8.5, title="EC50", title_fontsize=8.5)
    for artist in (*lines.values(), ax.title, legend):
        artist.set_animated(True)

    def update(r: _AffinityResult, cd25_fold: float, cd122_fold: float) -> None:
        for i, cell in enumerate(MAP_CELLS):
            lines[cell].set_ydata(r.pstat5[cell])
            legend.get_texts()[i].set_text(f"{_LABEL[cell]}: {_fmt_pM(r.ec50_pM[cell])}")
        ax.set_title(_affinity_title(r), fontsize=10.5)

    return update


def affinity_explorer() -> Explorer:
    """Sliders: CD25 and CD122 dissociation-constant folds; every cell's dose response and the
    Treg selectivity readout."""
    return explore(
        _affinity_model,
        _affinity_view,
        [Slider("cd25_fold", "CD25 Kd fold", 0.1, 1000.0, 1.0, steps=7, log=True),
         Slider("cd122_fold", "CD122 Kd fold", 0.01, 100.0, 1.0, steps=7, log=True)],
        alt=("Equilibrium pSTAT5 dose-response curves of Treg, CD4 T, CD8 T, CD56bright NK and "
             "CD56dim NK cells for an IL-2 whose CD25 dissociation constant is multiplied by "
             "{cd25_fold} and whose CD122 constant by {cd122_fold}; the legend gives each EC50 and "
             "the title the NK over Treg EC50 ratio."),
        title="Explorer 6.1: Two affinities, five cell types",
        caption=("CD25 constant ×{cd25_fold}, CD122 constant ×{cd122_fold} (above 1: weaker binding). "
                 "Watch the Treg curve join the NK curves as CD25 binding weakens, and move away from "
                 "them as CD122 binding weakens."),
        width_in=7.0, height_in=3.8,
    )


# ---------------------------------------------------------------------------------------
# Explorer 6.2: a variant menu -> course-level expansion and leak
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _CourseResult:
    variant: variants.VariantCourse
    reference: variants.VariantCourse


def _course_model(name: str, route: str) -> _CourseResult:
    key = None if name == "aldesleukin" else name
    return _CourseResult(course(key, route), course(None, route))


def _course_title(r: _CourseResult) -> str:
    c = r.variant
    return (f"{c.name}: dose ×{c.dose_factor:.2f} of aldesleukin (equal NK engagement), "
            f"leak potency ×{c.potency:.2f}")


def _course_view(r: _CourseResult, fig: Figure, name: str, route: str) -> Callable[..., None]:
    axes = fig.subplots(1, 2)
    c, ref = r.variant, r.reference
    t_d = c.pd.t_h / 24
    lines = {}
    for pop in ("CD8", "NK", "Treg"):
        axes[0].plot(ref.pd.t_h / 24, ref.pd.fold(pop), color=CELL_COLORS[pop], lw=1, ls=":")
        lines[pop], = axes[0].plot(t_d, c.pd.fold(pop), color=CELL_COLORS[pop], lw=2, label=pop)
    axes[0].set_yscale("log")
    axes[0].set_ylim(0.05, 2000)
    axes[0].set_ylabel("cells, fold of start")
    axes[0].legend(fontsize=8.5, loc="upper right", title="dotted: aldesleukin", title_fontsize=8)
    w0 = ref.leak.weight_at_start_kg
    axes[1].plot(ref.leak.t_h / 24, ref.leak.weight_kg - w0, color="k", lw=1, ls=":", label="aldesleukin")
    leak_line, = axes[1].plot(c.leak.t_h / 24, c.leak.weight_kg - c.leak.weight_at_start_kg,
                              color=QUANTITY_COLORS["interstitium"], lw=2, label="variant")
    axes[1].set_ylim(-0.5, 14)
    axes[1].set_ylabel("weight gain (kg)")
    axes[1].legend(fontsize=8.5, loc="upper right")
    for ax in axes:
        ax.set_xlabel("days")
    title = fig.suptitle(_course_title(r), fontsize=10.5)
    for artist in (*lines.values(), leak_line, title):
        artist.set_animated(True)

    def update(r: _CourseResult, name: str, route: str) -> None:
        for pop, line in lines.items():
            line.set_data(r.variant.pd.t_h / 24, r.variant.pd.fold(pop))
        leak_line.set_data(r.variant.leak.t_h / 24, r.variant.leak.weight_kg - r.variant.leak.weight_at_start_kg)
        title.set_text(_course_title(r))

    return update


def course_explorer() -> Explorer:
    """Menus: variant and leak route; cell expansion and weight gain over one high-dose cycle."""
    return explore(
        _course_model,
        _course_view,
        [Choice("name", "Variant", [(label, name or "aldesleukin") for label, name in COURSE_MENU],
                "F42Q"),
         Choice("route", "Leak through", [("CD25 on the vessel wall", "CD25"),
                                          ("activated killer cells", "killer cells")], "CD25")],
        alt=("Two panels over one high-dose cycle and a week after it: left, CD8 T, NK and regulatory "
             "T cells as fold of their start for {name}, dosed to engage NK cells as much as "
             "aldesleukin (dotted); right, weight gain from capillary leak when the leak runs through "
             "{route}."),
        title="Explorer 6.2: A variant through a whole course",
        caption=("{name} given on the label's schedule at the dose that engages NK cells as much as "
                 "aldesleukin does; leak through {route}. Dotted: aldesleukin."),
        width_in=8.0, height_in=3.6,
    )


EXPLORERS: dict[str, Callable[[], Explorer]] = {
    "affinity": affinity_explorer,
    "course": course_explorer,
}
