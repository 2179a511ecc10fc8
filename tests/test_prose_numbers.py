"""Numbers typed into figure captions, alt texts and key takeaways must be the library's numbers.

Captions and alt texts live in the notebooks' cell metadata, where ``glue`` cannot reach, and the
"Key takeaways" admonition of each chapter (the pseudo-figure ``"takeaways"`` here) quotes model
results in words; ``{glue:text}`` roles are left out, being the library's already. Each number in
them is claimed here by a check: the phrase it sits in and the library value it
stands for. A written number must be that value rounded to the precision it is written with
("near 300 pM" accepts 250 to 350, "3.7" accepts 3.65 to 3.75). A number in a caption or alt text
that no check claims fails the test too, so a new number cannot slip in unchecked, and a
recalibration that moves a quoted number fails until the text follows.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Callable

import pytest

from .conftest import ROOT

#: A number as written in prose: not part of a name such as IL-2, CD25, 2D1 or an exponent (×10⁸).
_NUMBER_RE = r"(?<![\w\-×.])\d[\d,]*(?:\.\d+)?(?!\w)"
_NUMBER = f"({_NUMBER_RE})"
#: Numbers that are not model results: publication years (in brackets, before punctuation, or after
#: an author's name: "Atkins 1999", "Fragasso et al. 1994").
_ALLOWED = re.compile(r"\((?:19|20)\d\d\)|(?:19|20)\d\d\)|\b(?:19|20)\d\d\b(?=[),;])"
                      r"|\b[A-Z][a-z]+(?: et al\.)? (?:19|20)\d\d\b")
#: MyST roles whose content is glued from the library (and whose format specs hold digits).
_GLUE_ROLE = re.compile(r"\{glue(?::\w+)?\}`[^`]*`|\{eval\}`glued\([^`]*\)`")
#: The "Key takeaways" admonition of a chapter.
_TAKEAWAYS = re.compile(r"```\{admonition\} Key takeaways\n.*?\n```", re.S)


@functools.lru_cache(maxsize=None)
def _mechanism():
    from il2.figures import mechanism

    return mechanism.chapter_numbers()


@functools.lru_cache(maxsize=None)
def _growth():
    from il2.figures import growth

    return growth.chapter_numbers()


def _signaling_level() -> float:
    from il2 import signaling

    return signaling.ReferenceLevels().physiological_il2_pM


def _trafficking_default(name: str) -> float:
    import inspect

    from il2 import trafficking

    return float(inspect.signature(trafficking.simulate).parameters[name].default)


@functools.lru_cache(maxsize=None)
def _therapy():
    from il2.figures import therapy

    return therapy.chapter_numbers()


@functools.lru_cache(maxsize=None)
def _tregs():
    from il2.figures import regulatory

    return regulatory.chapter_numbers()


def _tregs_pd():
    from il2.figures import regulatory

    return regulatory.pd_course()


def _piscitelli():
    from il2 import pk

    return pk.PISCITELLI_SC


def _koreth(cell: str) -> float:
    from il2 import low_dose

    return low_dose.koreth2016_anchors()[cell].fold


@functools.lru_cache(maxsize=None)
def _pd():
    from il2.figures import therapy

    return therapy.pd_numbers()


@functools.lru_cache(maxsize=None)
def _cohort():
    from il2.figures import cohort

    return cohort.chapter_numbers()


@functools.lru_cache(maxsize=None)
def _risks():
    from il2.figures import risks

    return risks.chapter_numbers()


def _growth_params():
    from il2 import growth

    return growth.GrowthParameters()


def _figmod(name: str):
    import importlib

    return importlib.import_module(f"il2.figures.{name}")


def _regimen():
    from il2 import pk

    return pk.RegimenDefaults()


def _tox():
    """The toxicity model's default parameters (fluids, endothelium, hemodynamics, fever, management)."""
    from il2 import toxicity

    return toxicity.ToxicityParameters()


def _measured(name: str):
    from il2.toxicity import measured

    return getattr(measured, name)


def _course_weight() -> float:
    import inspect

    from il2 import toxicity

    return float(inspect.signature(toxicity.simulate_course).parameters["weight_kg"].default)


def _window(quantity: str, schedule: str):
    """A row of the risks chapter's therapeutic-window scan (by the start of the schedule's name)."""
    w = _figmod("risks").window_result()
    (i,) = [k for k, s in enumerate(w.schedules) if s.name.startswith(schedule)]
    return getattr(w, quantity)[i]


def _schedule_interval(schedule: str) -> float:
    (s,) = [s for s in _figmod("risks").window_result().schedules if s.name.startswith(schedule)]
    return s.interval_h


def _window_doses():
    return _figmod("risks").window_result().daily_doses_iu_per_kg


def _first_dose_where(quantity: str, schedule: str) -> float:
    """The lowest daily dose of the scan at which ``quantity`` is above zero on ``schedule``."""
    return float(_window_doses()[_window(quantity, schedule) > 0][0])


def _first_value_above_zero(quantity: str, schedule: str) -> float:
    """``quantity`` on ``schedule`` at the lowest daily dose at which it is above zero."""
    row = _window(quantity, schedule)
    return float(row[row > 0][0])


def _largest_gains():
    w = _figmod("risks").window_result()
    return w.weight_gain_kg.max(axis=1)


@dataclass(frozen=True)
class Check:
    """A number in ``where`` (a figure's ``name``) matched by ``pattern`` must round to ``value()``."""

    notebook: str
    where: str
    pattern: str  # a regex with one group: the number
    value: Callable[[], float]


M, G = "chapters/02_mechanism.ipynb", "chapters/01_growth_factor.ipynb"
T, R = "chapters/03_therapy.ipynb", "chapters/04_risks.ipynb"
E = "chapters/06_engineered_il2.ipynb"
V = "chapters/07_virtual_cohort.ipynb"
RT = "chapters/05_regulatory_t_cells.ipynb"
TK = "takeaways"
CHECKS: tuple[Check, ...] = (
    # --- mechanism -------------------------------------------------------------------------
    Check(M, "fig-mechanism-forms", r"high-affinity curve is half occupied near {} pM",
          lambda: _mechanism().kd_high_activated_pM),
    Check(M, "fig-mechanism-forms", r"intermediate one near {} pM",
          lambda: _mechanism().kd_intermediate_cd8_pM),
    Check(M, "fig-mechanism-forms", r"CD25 alone near {} nM", lambda: _mechanism().kd_alpha_nM),
    Check(M, "fig-mechanism-kinetics", r"high-affinity receptor over about {} hours",
          lambda: _mechanism().half_time_high_min / 60),
    Check(M, "fig-mechanism-kinetics", r"intermediate receptor over about {} hours",
          lambda: _mechanism().half_time_intermediate_min / 60),
    Check(M, "fig-mechanism-dose-response", r"After {} minutes", lambda: 30.0),
    Check(M, "fig-mechanism-dose-response", r"after {} minutes of IL-2", lambda: 30.0),
    Check(M, "fig-mechanism-dose-response", r"Treg respond near {} pM",
          lambda: _mechanism().ec50_30min_pM["Treg"]),
    Check(M, "fig-mechanism-dose-response", r"NK cells near {} nM",
          lambda: _mechanism().ec50_30min_pM["NK"] / 1000),
    Check(M, "fig-mechanism-dose-response", r"CD8 T cells near {} nM",
          lambda: _mechanism().ec50_30min_pM["CD8"] / 1000),
    Check(M, "fig-mechanism-dose-response", r"Treg near {} pM",
          lambda: _mechanism().ec50_equilibrium_pM["Treg"]),
    Check(M, "fig-mechanism-dose-response", r"NK and CD8 cells near {} pM",
          lambda: 0.5 * (_mechanism().ec50_equilibrium_pM["NK"] + _mechanism().ec50_equilibrium_pM["CD8"])),
    Check(M, "fig-mechanism-trafficking", r"culture of {}×10⁸", lambda: _trafficking_default("cells_per_l") / 1e8),
    Check(M, "fig-mechanism-trafficking", r"given {} pM IL-2", lambda: _trafficking_default("il2_pM")),
    Check(M, "fig-mechanism-trafficking", r"recycled about {} times as much",
          lambda: _mechanism().recycled_ratio_2d1_3days),
    # --- growth ----------------------------------------------------------------------------
    Check(G, "fig-growth-feedback", r"with the {} pM signalling level", _signaling_level),
    Check(G, "fig-growth-feedback", r"peak at day {}", lambda: _growth().peak_day),
    Check(G, "fig-growth-feedback", r"about {} times higher by day 4",
          lambda: _growth().feedback_on_fold_day4 / _growth().feedback_off_fold_day4),
    Check(G, "fig-growth-feedback", r"higher by day {} than", lambda: 4.0),
    Check(G, "fig-growth-feedback", r"peaks near {} pM with feedback", lambda: _growth().peak_il2_pM),
    Check(G, "fig-growth-feedback", r"climbs to about {} pM without it",
          lambda: _growth().feedback_off_peak_il2_pM),
    Check(G, "fig-growth-feedback", r"about {} with full feedback", lambda: _growth().cd25_peak_cd8),
    Check(G, "fig-growth-feedback", r"and {} without, and falls", lambda: _growth().feedback_off_cd25_peak),
    Check(G, "fig-growth-feedback", r"falls back after day {}", lambda: _growth().antigen_days),
    Check(G, "fig-growth-threshold", r"passes twofold near {} helpers", lambda: _growth().helper_threshold),
    Check(G, "fig-growth-threshold", r"reaches about {} with the default", lambda: _growth().amplification),
    Check(G, "fig-growth-threshold", r"with the default {} helpers", lambda: _growth().default_helpers),
    Check(G, "fig-growth-threshold", r"the right, passing twofold near {} helpers",
          lambda: _growth().helper_threshold_feedback_off),
    Check(G, "fig-growth-threshold", r"passes twofold near {} molecules per second",
          lambda: _growth().secretion_threshold),
    Check(G, "fig-growth-expansion", r"with the {} pM signalling level", _signaling_level),
    Check(G, "fig-growth-expansion", r"over {} days", lambda: 14.0),
    Check(G, "fig-growth-expansion", r"from {} cells", lambda: _growth().default_cd8),
    Check(G, "fig-growth-expansion", r"to about {} million", lambda: _growth().peak_fold * _growth().default_cd8 / 1e6),
    Check(G, "fig-growth-expansion", r"million at day {}", lambda: _growth().peak_day),
    Check(G, "fig-growth-expansion", r"CD56dim NK cells rise about {}-fold", lambda: _growth().nk_peak_fold),
    Check(G, "fig-growth-expansion", r"CD56bright NK cells about {}-fold", lambda: _growth().bright_peak_fold),
    Check(G, "fig-growth-expansion", r"regulatory T cells about {}-fold", lambda: _growth().treg_peak_fold),
    Check(G, "fig-growth-expansion", r"peaks near {} pM during the first week", lambda: _growth().peak_il2_pM),
    Check(G, "fig-growth-expansion", r"resting level of about {} pM", lambda: _growth().resting_il2_pM),
    Check(G, "fig-growth-expansion", r"to about {} per cell", lambda: _growth().cd25_peak_cd8),
    Check(G, "fig-growth-expansion", r"falls after day {}", lambda: _growth().antigen_days),
    Check(G, "fig-growth-nk", r"over {} days", lambda: 14.0),
    Check(G, "fig-growth-nk", r"rises to about {} percent", lambda: 100 * _growth().nk_pstat5_peak),
    Check(G, "fig-growth-nk", r"falls back at day {}", lambda: _growth().antigen_days),
    Check(G, "fig-growth-nk", r"grow about {}-fold", lambda: _growth().nk_peak_fold),
    Check(G, "fig-growth-nk", r"by day {} and then", lambda: _growth().peak_day),
    Check(G, "fig-growth-brakes", r"over {} days", lambda: 14.0),
    Check(G, "fig-growth-brakes", r"rise about {}-fold by day", lambda: _growth().peak_fold),
    Check(G, "fig-growth-brakes", r"-fold by day {}, about as far", lambda: _growth().peak_day),
    Check(G, "fig-growth-brakes", r"still rise about {}-fold", lambda: _growth().il2_block_fold),
    Check(G, "fig-growth-brakes", r"fall to about {} of it", lambda: _growth().treg_fall_il2_block),
    Check(G, "fig-growth-brakes", r"CD25 blocked to about {}\.", lambda: _growth().treg_fall_cd25_block),
    # --- growth and mechanism takeaways -----------------------------------------------------
    Check(G, TK, r"CD8 peak about {}-fold", lambda: _growth().amplification),
    Check(G, TK, r"Dividing about every {} hours", lambda: _growth_params().division_time_h),
    Check(M, TK, r"threshold near {} pM for activated T cells", _signaling_level),
    # --- therapy ---------------------------------------------------------------------------
    Check(T, "fig-therapy-single-dose", r"after one {} IU/kg dose", lambda: _regimen().hd_dose_iu_per_kg),
    Check(T, "fig-therapy-single-dose", r"as a {}-minute infusion", lambda: _regimen().hd_infusion_h * 60),
    Check(T, "fig-therapy-single-dose", r"to a {} kg adult", lambda: _therapy().weight_kg),
    Check(T, "fig-therapy-single-dose", r"stayed in {} L of plasma", lambda: _therapy().plasma_volume_l),
    Check(T, "fig-therapy-single-dose", r"and if {}% of it did",
          lambda: 100 * _figmod("therapy").REFERENCE_FRACTION),
    Check(T, "fig-therapy-single-dose", r"over {} hours after one infusion", lambda: _regimen().hd_interval_h),
    Check(T, "fig-therapy-single-dose", r"peak near {} IU per mL", lambda: _therapy().hd_peak_iu_per_ml),
    Check(T, "fig-therapy-single-dose", r"IU per mL at {} minutes", lambda: _regimen().hd_infusion_h * 60),
    Check(T, "fig-therapy-single-dose", r"reaching about {} IU per mL",
          lambda: _therapy().hd_iu_per_ml_after_interval),
    Check(T, "fig-therapy-single-dose", r"IU per mL at {} hours", lambda: _regimen().hd_interval_h),
    Check(T, "fig-therapy-single-dose", r"and {} percent of it", lambda: 100 * _figmod("therapy").REFERENCE_FRACTION),
    Check(T, "fig-therapy-courses", r"left, {} IU/kg IV", lambda: _regimen().hd_dose_iu_per_kg),
    Check(T, "fig-therapy-courses", r"IV every {} hours", lambda: _regimen().hd_interval_h),
    Check(T, "fig-therapy-courses", r"hours, {} doses\)", lambda: _regimen().hd_doses_per_cycle),
    Check(T, "fig-therapy-courses", r"right, {} million IU/m²", lambda: _regimen().ld_dose_iu_per_m2 / 1e6),
    Check(T, "fig-therapy-courses", r"in a {} kg adult", lambda: _therapy().weight_kg),
    Check(T, "fig-therapy-courses", r"the {} pM at which IL-2 normally", lambda: _therapy().natural_pM),
    Check(T, "fig-therapy-courses", r"Left: {} sharp peaks", lambda: _regimen().hd_doses_per_cycle),
    Check(T, "fig-therapy-courses", r"of pM every {} hours", lambda: _regimen().hd_interval_h),
    Check(T, "fig-therapy-courses", r"falling below {} pM before the next", lambda: _therapy().hd_trough_pM),
    Check(T, "fig-therapy-window", r"from day {} to day", lambda: _figmod("therapy").WINDOW_DAYS[0]),
    Check(T, "fig-therapy-window", r"to day {} of the low-dose", lambda: _figmod("therapy").WINDOW_DAYS[1]),
    Check(T, "fig-therapy-window", r"log axis from {} to", lambda: _figmod("therapy").WINDOW_AXIS_PM[0]),
    Check(T, "fig-therapy-window", r"log axis from [\d.]+ to {} pM", lambda: _figmod("therapy").WINDOW_AXIS_PM[1]),
    Check(T, "fig-therapy-window", r"narrow shaded band from about {} to",
          lambda: _therapy().ld_window_range_pM[0]),
    Check(T, "fig-therapy-window", r"narrow shaded band from about [\d.]+ to {} pM",
          lambda: _therapy().ld_window_range_pM[1]),
    Check(T, "fig-therapy-window", r"wide band from about {} to", lambda: _therapy().hd_window_range_pM[0]),
    Check(T, "fig-therapy-window", r"wide band from about [\d.]+ to {} pM", lambda: _therapy().hd_window_range_pM[1]),
    Check(T, "fig-therapy-time-above", r"threshold on day {} for", lambda: _therapy().hours_above_day),
    Check(T, "fig-therapy-time-above", r"above threshold all {} hours",
          lambda: _therapy().hd_hours_above_per_day["Treg"]),
    Check(T, "fig-therapy-time-above", r"above threshold all {} hours",
          lambda: _therapy().hd_hours_above_per_day["activated T"]),
    Check(T, "fig-therapy-time-above", r"CD4 T cells for about {} hours",
          lambda: _therapy().hd_hours_above_per_day["CD4"]),
    Check(T, "fig-therapy-time-above", r"NK cells for about {} and",
          lambda: _therapy().hd_hours_above_per_day["NK"]),
    Check(T, "fig-therapy-time-above", r"CD8 T cells for about {}\.",
          lambda: _therapy().hd_hours_above_per_day["CD8"]),
    Check(T, "fig-therapy-time-above", r"T blasts spend about {} hours",
          lambda: _therapy().ld_hours_above_per_day["activated T"]),
    Check(T, "fig-therapy-time-above", r"regulatory T cells about {};",
          lambda: _therapy().ld_hours_above_per_day["Treg"]),
    Check(T, "fig-therapy-expansion", r"right, {} weeks", lambda: _regimen().ld_days / 7),
    Check(T, "fig-therapy-expansion", r"followed for {} weeks", lambda: _pd().follow_up_days / 7),
    Check(T, "fig-therapy-expansion", r"log scale from {} to", lambda: _figmod("therapy")._FOLD_LIMITS[0]),
    Check(T, "fig-therapy-expansion", r"log scale from [\d.]+ to {} against",
          lambda: _figmod("therapy")._FOLD_LIMITS[1]),
    Check(T, "fig-therapy-expansion", r"high dose over {} days", lambda: _pd().hd_span_days),
    Check(T, "fig-therapy-expansion", r"about {}-fold in the first dosing period",
          lambda: _pd().hd_cycle1_peak_fold["CD8"]),
    Check(T, "fig-therapy-expansion", r"period and {}-fold in the second",
          lambda: _pd().hd_cycle2_peak_fold["CD8"]),
    Check(T, "fig-therapy-expansion", r"NK cells rise to about {}-fold in the first",
          lambda: _pd().hd_cycle1_peak_fold["NK"]),
    Check(T, "fig-therapy-expansion", r"about {}-fold in the second, then",
          lambda: _pd().hd_cycle2_peak_fold["NK"]),
    Check(T, "fig-therapy-expansion", r"regulatory T cells rise to about {}-fold",
          lambda: _pd().hd_peak_fold["Treg"]),
    Check(T, "fig-therapy-expansion", r"low dose over {} days", lambda: _pd().ld_span_days),
    Check(T, "fig-therapy-expansion", r"regulatory T cells rise about {}-fold",
          lambda: _pd().ld_peak_fold["Treg"]),
    Check(T, "fig-therapy-outcomes", r"exact {}% confidence", lambda: 100 * _figmod("therapy").CI_LEVEL),
    Check(T, "fig-therapy-outcomes", r"Objective response rates lie between {} and",
          lambda: _therapy().orr_percent_range[0]),
    Check(T, "fig-therapy-outcomes", r"Objective response rates lie between [\d.]+ and {} percent",
          lambda: _therapy().orr_percent_range[1]),
    Check(T, "fig-therapy-outcomes", r"intervals from about {} to \d+ percent;",
          lambda: _therapy().orr_ci_percent_range[0]),
    Check(T, "fig-therapy-outcomes", r"intervals from about \d+ to {} percent;",
          lambda: _therapy().orr_ci_percent_range[1]),
    Check(T, "fig-therapy-outcomes", r"complete-response rates lie between {} and",
          lambda: _therapy().cr_percent_range[0]),
    Check(T, "fig-therapy-outcomes", r"complete-response rates lie between \d+ and {} percent",
          lambda: _therapy().cr_percent_range[1]),
    Check(T, "fig-therapy-outcomes", r"intervals from about {} to \d+ percent\.",
          lambda: _therapy().cr_ci_percent_range[0]),
    Check(T, "fig-therapy-outcomes", r"intervals from about \d+ to {} percent\.",
          lambda: _therapy().cr_ci_percent_range[1]),
    Check(T, TK, r"One {} IU/kg infusion", lambda: _regimen().hd_dose_iu_per_kg),
    Check(T, TK, r"two phases of {} and", lambda: _therapy().alpha_half_life_min),
    Check(T, TK, r"two phases of \d+ and {} minutes", lambda: _therapy().beta_half_life_min),
    Check(T, TK, r"repeated every {} hours", lambda: _regimen().hd_interval_h),
    Check(T, TK, r"peaks of about {}-fold in the first", lambda: _pd().hd_cycle1_peak_fold["CD8"]),
    Check(T, TK, r"high-dose cycle and {}-fold in the second", lambda: _pd().hd_cycle2_peak_fold["CD8"]),
    # --- risks -----------------------------------------------------------------------------
    Check(R, "fig-risks-course", r"first cycle \({} IU/kg", lambda: _regimen().hd_dose_iu_per_kg),
    Check(R, "fig-risks-course", r"IU/kg every {} hours", lambda: _regimen().hd_interval_h),
    Check(R, "fig-risks-course", r"hours, {} doses scheduled", lambda: _risks().doses_scheduled),
    Check(R, "fig-risks-course", r"hours, {} doses scheduled", lambda: _regimen().hd_doses_per_cycle),
    Check(R, "fig-risks-course", r"in a {} kg adult", _course_weight),
    Check(R, "fig-risks-course", r"below {} mmHg", lambda: _tox().management.hold_systolic_mmHg),
    Check(R, "fig-risks-course", r"Top left: {} sharp", lambda: _risks().doses_scheduled),
    Check(R, "fig-risks-course", r"peaks near {} IU/mL", lambda: _risks().peak_iu_per_ml),
    Check(R, "fig-risks-course", r"rising in steps to about {} with", lambda: _risks().activation_max),
    Check(R, "fig-risks-course", r"pressure falling from {} to", lambda: _risks().systolic0),
    Check(R, "fig-risks-course", r"to about {} mmHg within a day", lambda: _risks().systolic_min_first_day),
    Check(R, "fig-risks-course", r"between about {} and \d+ mmHg", lambda: _risks().min_sbp),
    Check(R, "fig-risks-course", r"between about \d+ and {} mmHg",
          lambda: _risks().systolic_max_after_first_day),
    Check(R, "fig-risks-course", r"mmHg; {} of the", lambda: _risks().doses_held),
    Check(R, "fig-risks-course", r"of the {} doses are marked", lambda: _risks().doses_scheduled),
    Check(R, "fig-risks-course", r"climbing to almost {} kg", lambda: _risks().weight_gain_max),
    Check(R, "fig-risks-course", r"near the diamond at {} kg", lambda: _measured("TEXTOR_COURSE").weight_gain_kg),
    Check(R, "fig-risks-course", r"near the diamond at {} kg", lambda: _risks().weight_gain_end),
    Check(R, "fig-risks-course", r"albumin falling from {} to", lambda: _risks().albumin0),
    Check(R, "fig-risks-course", r"albumin falling from {} to",
          lambda: _measured("TEXTOR_COURSE").albumin_before_g_per_dl),
    Check(R, "fig-risks-course", r"to about {} g/dL, near", lambda: _risks().albumin_nadir),
    Check(R, "fig-risks-course", r"near the diamond at {}, while",
          lambda: _measured("TEXTOR_COURSE").albumin_after_g_per_dl),
    Check(R, "fig-risks-course", r"stays between about {} and",
          lambda: _risks().interstitial_albumin_range[0]),
    Check(R, "fig-risks-course", r"stays between about [\d.]+ and {} g/dL",
          lambda: _risks().interstitial_albumin_range[1]),
    Check(R, "fig-risks-starling", r"capillary pressure near {} mmHg", lambda: _risks().capillary_pressure),
    Check(R, "fig-risks-starling", r"oncotic term near {} mmHg", lambda: _risks().oncotic_term0),
    Check(R, "fig-risks-starling", r"on day {} the", lambda: _risks().max_interstitial_day),
    Check(R, "fig-risks-starling", r"fallen to about {} mmHg",
          lambda: _risks().oncotic_term_at_max_interstitial),
    Check(R, "fig-risks-starling", r"from minus {} to", lambda: -_risks().interstitial_pressure0),
    Check(R, "fig-risks-starling", r"to plus {} mmHg",
          lambda: _risks().interstitial_pressure_at_max_interstitial),
    Check(R, "fig-risks-starling", r"both near {} litres a day", lambda: _risks().lymph_l_day),
    Check(R, "fig-risks-starling", r"to about {} litres a day", lambda: _risks().peak_filtration_l_day),
    Check(R, "fig-risks-starling", r"to about {} litres a day", lambda: _risks().peak_lymph_l_day),
    Check(R, "fig-risks-circulation", r"starts at {} beats", lambda: _risks().heart_rate0),
    Check(R, "fig-risks-circulation", r"starts at {} beats", lambda: _tox().hemodynamics.heart_rate_bpm),
    Check(R, "fig-risks-circulation", r"peaks near {}, falling", lambda: _risks().max_heart_rate),
    Check(R, "fig-risks-circulation", r"mark {} at the start",
          lambda: _measured("FRAGASSO_1994").heart_rate_before_bpm),
    Check(R, "fig-risks-circulation", r"and {} at day", lambda: _measured("FRAGASSO_1994").heart_rate_during_bpm),
    Check(R, "fig-risks-circulation", r"to about {} times baseline", lambda: _risks().cardiac_output_max_ratio),
    Check(R, "fig-risks-circulation", r"falls to about {}% of baseline",
          lambda: 100 * _risks().resistance_min_ratio),
    Check(R, "fig-risks-circulation", r"mean pressure to about {}%", lambda: 100 * _risks().mean_pressure_min_ratio),
    Check(R, "fig-risks-fever", r"passes {} °C", lambda: _tox().fever.fever_threshold_c),
    Check(R, "fig-risks-fever", r"by more than {} °C", lambda: _tox().fever.chills_threshold_c),
    Check(R, "fig-risks-fever", r"Temperature from {} to", lambda: _figmod("risks").FEVER_AXIS_C[0]),
    Check(R, "fig-risks-fever", r"Temperature from {} to", lambda: _tox().fever.baseline_temperature_c),
    Check(R, "fig-risks-fever", r"to {} degrees over", lambda: _figmod("risks").FEVER_AXIS_C[1]),
    Check(R, "fig-risks-fever", r"degrees over {} hours", lambda: _figmod("risks").FEVER_SPAN_H),
    Check(R, "fig-risks-fever", r"chills from about {} to", lambda: _risks().chills_onset_h),
    Check(R, "fig-risks-fever", r"chills from about [\d.]+ to {} hours", lambda: _risks().chills_end_h),
    Check(R, "fig-risks-fever", r"passes {} degrees", lambda: _tox().fever.fever_threshold_c),
    Check(R, "fig-risks-fever", r"at about {} hours, inside", lambda: _risks().fever_onset_h),
    Check(R, "fig-risks-fever", r"grey band from {} to", lambda: _measured("MICHIE_FEVER").onset_earliest_h),
    Check(R, "fig-risks-fever", r"grey band from \d+ to {} hours", lambda: _measured("MICHIE_FEVER").onset_latest_h),
    Check(R, "fig-risks-fever", r"settles near {} degrees", lambda: _risks().max_temp),
    Check(R, "fig-risks-fever", r"infusions at {} and", lambda: _regimen().hd_interval_h),
    Check(R, "fig-risks-fever", r"infusions at \d+ and {} hours", lambda: 2 * _regimen().hd_interval_h),
    Check(R, "fig-risks-management", r"systolic pressure of {} mmHg",
          lambda: _tox().management.pressor_target_systolic_mmHg),
    Check(R, "fig-risks-management", r"the {} mmHg hold threshold", lambda: _tox().management.hold_systolic_mmHg),
    Check(R, "fig-risks-management", r"between about {} and", lambda: _risks().management_systolic_range[0]),
    Check(R, "fig-risks-management", r"between about \d+ and {} mmHg",
          lambda: _risks().management_systolic_range[1]),
    Check(R, "fig-risks-management", r"clipped at about {} mmHg",
          lambda: _tox().management.pressor_target_systolic_mmHg),
    Check(R, "fig-risks-management", r"reports {} doses held without", lambda: _risks().no_fluid_held),
    Check(R, "fig-risks-management", r"fluid, {} with Textor's fluid", lambda: _risks().doses_held),
    Check(R, "fig-risks-management", r"and {} with the vasopressor", lambda: _risks().pressor_held),
    Check(R, "fig-risks-management", r"about {} kg without extra fluid", lambda: _risks().no_fluid_weight_gain),
    Check(R, "fig-risks-management", r"about {} kg with Textor's fluid", lambda: _risks().weight_gain_max),
    Check(R, "fig-risks-management", r"about {} kg with fluid and vasopressor",
          lambda: _risks().pressor_weight_gain),
    Check(R, "fig-risks-window", r"in a {} kg adult", _course_weight),
    Check(R, "fig-risks-window", r"below {} mmHg", lambda: _tox().management.hold_systolic_mmHg),
    Check(R, "fig-risks-window", r"the label's {} million IU/kg a day", lambda: _risks().label_daily_dose / 1e6),
    Check(R, "fig-risks-window", r"\({} IU/kg every", lambda: _regimen().hd_dose_iu_per_kg),
    Check(R, "fig-risks-window", r"IU/kg every {} hours\)", lambda: _regimen().hd_interval_h),
    Check(R, "fig-risks-window", r"infusions every {} hours and once", lambda: _schedule_interval("every 8 h")),
    Check(R, "fig-risks-window", r"for the {}-hourly and daily", lambda: _schedule_interval("every 8 h")),
    Check(R, "fig-risks-window", r"dose on the {}-hourly schedule", lambda: _schedule_interval("every 8 h")),
    Check(R, "fig-risks-window", r"log axis from about {} to", lambda: _window_doses()[0]),
    Check(R, "fig-risks-window", r"log axis from about [\d,]+ to {} million", lambda: _window_doses()[-1] / 1e6),
    Check(R, "fig-risks-window", r"to about {} to \d+ hours at the highest",
          lambda: _window("hours_above_threshold", "once a day")[-1]),
    Check(R, "fig-risks-window", r"to about \d+ to {} hours at the highest",
          lambda: _window("hours_above_threshold", "every 8 h")[-1]),
    Check(R, "fig-risks-window", r"gives none up to about {} IU/kg",
          lambda: _window_doses()[_window("hours_above_threshold", "continuous") == 0][-1]),
    Check(R, "fig-risks-window", r"and then about {} hours",
          lambda: _first_value_above_zero("hours_above_threshold", "continuous")),
    Check(R, "fig-risks-window", r"rise from about {} IU/kg",
          lambda: _first_dose_where("hours_hypotensive", "continuous")),
    Check(R, "fig-risks-window", r"to almost {} hours", lambda: _window("hours_hypotensive", "continuous").max()),
    Check(R, "fig-risks-window", r"start between {} and",
          lambda: _first_dose_where("hours_hypotensive", "every 8 h") / 1e6),
    Check(R, "fig-risks-window", r"start between \d+ and {} million",
          lambda: _first_dose_where("hours_hypotensive", "once a day") / 1e6),
    Check(R, "fig-risks-window", r"reach about {} hours", lambda: _window("hours_hypotensive", "every 8 h").max()),
    Check(R, "fig-risks-window", r"reach about {} hours", lambda: _window("hours_hypotensive", "once a day").max()),
    Check(R, "fig-risks-window", r"schedules, to {} to", lambda: _largest_gains().min()),
    Check(R, "fig-risks-window", r"schedules, to \d+ to {} kg", lambda: _largest_gains().max()),
    Check(R, "fig-risks-window", r"and at {} IU/kg on the continuous",
          lambda: _first_dose_where("doses_held", "continuous")),
    Check(R, TK, r"serum albumin near {} g/dL", lambda: _risks().albumin_nadir),
    # --- engineered IL-2 --------------------------------------------------------------------
    Check(E, "fig-engineered-course", r"\({} doses every", lambda: _regimen().hd_doses_per_cycle),
    Check(E, "fig-engineered-course", r"doses every {} hours", lambda: _regimen().hd_interval_h),
    # --- virtual cohort --------------------------------------------------------------------------
    Check(V, TK, r"within the {} to \d+ doses", lambda: _figmod("cohort").co.SCHWARTZENTRUBER_2001.doses_low),
    Check(V, TK, r"within the \d+ to {} doses", lambda: _figmod("cohort").co.SCHWARTZENTRUBER_2001.doses_high),
    Check(V, TK, r"median of {} doses", lambda: _cohort().doses_median),
    Check(V, TK, r"middle half of {} to \d+", lambda: _cohort().doses_q1),
    Check(V, TK, r"middle half of \d+ to {} lie", lambda: _cohort().doses_q3),
    # --- regulatory T cells -------------------------------------------------------------------
    Check(RT, "fig-tregs-ec50", r"after {} minutes of IL-2", lambda: 60 * _figmod("regulatory").MEASURED_TIME_H),
    Check(RT, "fig-tregs-ec50", r"blood cells after {} minutes", lambda: 60 * _figmod("regulatory").MEASURED_TIME_H),
    Check(RT, "fig-tregs-ec50", r"near {} pM at equilibrium", lambda: _tregs().ec50_eq_pM["Treg"]),
    Check(RT, "fig-tregs-ec50", r"near {} pM after half an hour", lambda: _tregs().ec50_30min_pM["Treg"]),
    Check(RT, "fig-tregs-ec50", r"measured value near {} pM", lambda: _tregs().measured_30min_pM["Treg"]),
    Check(RT, "fig-tregs-blockade", r"{}% \(dashed\)", lambda: 100 * _figmod("regulatory").BLOCKED_FRACTIONS[1]),
    Check(RT, "fig-tregs-trials", r"exact {}% confidence intervals", lambda: 100 * _figmod("regulatory").CI_LEVEL),
    Check(RT, "fig-tregs-trials", r"with exact {}% intervals", lambda: 100 * _figmod("regulatory").CI_LEVEL),
    Check(RT, "fig-tregs-sc-pk", r"course \({} million IU/m²", lambda: _regimen().ld_dose_iu_per_m2 / 1e6),
    Check(RT, "fig-tregs-sc-pk", r"between about {} and \d+ IU per mL", lambda: _tregs().sc_model_peaks_iu_per_ml[0]),
    Check(RT, "fig-tregs-sc-pk", r"between about \d+ and {} IU per mL", lambda: _tregs().sc_model_peaks_iu_per_ml[1]),
    Check(RT, "fig-tregs-sc-pk", r"error bars at about {} hours", lambda: _piscitelli().tmax_h),
    Check(RT, "fig-tregs-sc-pk", r"spans peaks from about {} to", lambda: _piscitelli().peak_range_iu_per_ml[0]),
    Check(RT, "fig-tregs-sc-pk", r"spans peaks from about \d+ to {} IU", lambda: _piscitelli().peak_range_iu_per_ml[1]),
    Check(RT, "fig-tregs-sc-pk", r"falls to about {} pM", lambda: _tregs().ld_trough_pM),
    Check(RT, "fig-tregs-pd", r"over {} weeks of daily", lambda: _regimen().ld_days / 7),
    Check(RT, "fig-tregs-pd", r"injections of {} million IU/m²", lambda: _regimen().ld_dose_iu_per_m2 / 1e6),
    Check(RT, "fig-tregs-pd", r"arrows start at {} for regulatory", lambda: _koreth("Treg")),
    Check(RT, "fig-tregs-pd", r"and at {} for NK cells", lambda: _koreth("NK")),
    Check(RT, "fig-tregs-dose-response", r"end of {} weeks of daily", lambda: _regimen().ld_days / 7),
    Check(RT, "fig-tregs-pd", r"plateaus near {} and", lambda: _tregs_pd().end_fold("all NK")),
    Check(RT, "fig-tregs-pd", r"plateaus near \d+ and {}", lambda: _tregs_pd().end_fold("Treg")),
)

#: Numbers quoted from the literature, not computed by a model: (notebook, figure, phrase).
LITERATURE: tuple[tuple[str, str, str], ...] = (
    # the secretion rates spanned by published IL-2 models (GrowthParameters note, hofer2012)
    (G, "fig-growth-threshold", "the 10 to 100 molecules per second used by models"),
    # aldesleukin's amino-acid change: serine for cysteine at position 125 (proleukin_label)
    (T, TK, "serine at position 125"),
    # Fragasso et al. measured heart rate at the end of a 120-hour (5-day) infusion (fragasso1994)
    (R, "fig-risks-circulation", "at day 5 from a published study"),
    # the trial phase of bempegaldesleukin and nemvaleukin (diab2023, mural2025)
    (E, TK, "failed in phase 3"),
    # confidence level and toxicity grades (definitions, not results)
    (V, "fig-cohort-sensitivity", "with 95% intervals"),
    (V, "fig-cohort-hold", "grade 3–4 hypotension"),
    # the hold thresholds the figure marks (il2.figures.cohort.HOLDS grid; the label's 90 mmHg)
    (V, "fig-cohort-hold", "fell below 90 and below 80 mmHg"),
    # the SmPC's window for the peak after a subcutaneous injection (proleukin_smpc)
    (RT, "fig-tregs-sc-pk", "a shaded band marks 2 to 6 hours"),
)


@functools.lru_cache(maxsize=None)
def _texts(notebook: str) -> dict[str, str]:
    """Caption and alt text of every named figure of a notebook, and its key takeaways
    (``"takeaways"``), without the glued roles."""
    nb = json.loads((ROOT / notebook).read_text())
    out = {}
    for cell in nb["cells"]:
        md = cell.get("metadata", {}).get("mystnb", {})
        name = md.get("figure", {}).get("name")
        if name:
            out[name] = md.get("figure", {}).get("caption", "") + "\n" + md.get("image", {}).get("alt", "")
        if cell["cell_type"] == "markdown":
            m = _TAKEAWAYS.search("".join(cell["source"]))
            if m:
                assert TK not in out, f"{notebook}: more than one Key takeaways admonition"
                out[TK] = m.group(0)
    # glued roles out; line breaks of the markdown (and runs of spaces) as single spaces
    return {k: re.sub(r"\s+", " ", _GLUE_ROLE.sub("", v)) for k, v in out.items()}


def _unit(written: str) -> float:
    """One unit of the last significant digit of a written number ('5,000' -> 1000, '3.7' -> 0.1)."""
    s = written.replace(",", "")
    if "." in s:
        return 10.0 ** -len(s.split(".")[1])
    stripped = s.rstrip("0")
    return 10.0 ** (len(s) - len(stripped)) if stripped else 1.0


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.where}:{c.pattern[:40]}")
def test_quoted_number_matches_the_library(check):
    text = _texts(check.notebook)[check.where]
    m = re.search(check.pattern.format(_NUMBER), text)
    assert m, f"{check.where}: phrase {check.pattern!r} not found in its caption, alt text or takeaways"
    written = float(m.group(1).replace(",", ""))
    value = float(check.value())
    assert abs(value - written) <= 0.5 * _unit(m.group(1)) * (1 + 1e-9), (
        f"{check.where}: the text says {m.group(1)} in {m.group(0)!r}, the library gives {value:.4g}"
    )


def test_every_chapter_has_checked_takeaways():
    chapters = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("0*.ipynb"))
    assert {c.notebook for c in CHECKS} >= set(chapters[:4])
    for nb in chapters[:4]:
        assert TK in _texts(nb), f"{nb}: no Key takeaways admonition found"


@pytest.mark.parametrize("notebook", sorted({c.notebook for c in CHECKS}))
def test_every_number_in_captions_and_alt_texts_is_checked(notebook):
    unclaimed = []
    for name, text in _texts(notebook).items():
        spans = []
        for check in (c for c in CHECKS if c.notebook == notebook and c.where == name):
            m = re.search(check.pattern.format(_NUMBER), text)
            if m:
                spans.append(m.span(1))
        for m in re.finditer(_NUMBER_RE, text):
            if any(a <= m.start() < b for a, b in spans):
                continue
            if any(a.start() <= m.start() < a.end() for a in _ALLOWED.finditer(text)):
                continue
            if any(nb == notebook and where == name and phrase in text
                   and text.index(phrase) <= m.start() < text.index(phrase) + len(phrase)
                   for nb, where, phrase in LITERATURE):
                continue
            unclaimed.append(f"{name}: {m.group(0)!r} in ...{text[max(m.start() - 30, 0):m.end() + 20]!r}")
    assert not unclaimed, "numbers with no check:\n" + "\n".join(unclaimed)
