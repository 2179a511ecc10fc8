"""Numbers typed into figure captions and alt texts must be the library's numbers.

Captions and alt texts live in the notebooks' cell metadata, where ``glue`` cannot reach, so each
number in them is claimed here by a check: the phrase it sits in and the library value it
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
#: Numbers that are not model results: publication years, and figure-panel words.
_ALLOWED = re.compile(r"\((?:19|20)\d\d\)|(?:19|20)\d\d\)|\b(?:19|20)\d\d\b(?=[),;])")


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


@dataclass(frozen=True)
class Check:
    """A number in ``where`` (a figure's ``name``) matched by ``pattern`` must round to ``value()``."""

    notebook: str
    where: str
    pattern: str  # a regex with one group: the number
    value: Callable[[], float]


M, G = "chapters/02_mechanism.ipynb", "chapters/01_growth_factor.ipynb"
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
    Check(G, "fig-growth-feedback", r"without feedback about {} times lower",
          lambda: _growth().peak_fold / _growth().feedback_off_peak_fold),
    Check(G, "fig-growth-feedback", r"peaks near {} pM with feedback", lambda: _growth().peak_il2_pM),
    Check(G, "fig-growth-feedback", r"climbs to about {} pM without it",
          lambda: _growth().feedback_off_peak_il2_pM),
    Check(G, "fig-growth-feedback", r"about {} with full feedback", lambda: _growth().cd25_peak_cd8),
    Check(G, "fig-growth-feedback", r"and {} without, and falls", lambda: _growth().feedback_off_cd25_peak),
    Check(G, "fig-growth-feedback", r"falls back after day {}", lambda: _growth().antigen_days),
    Check(G, "fig-growth-threshold", r"to about {}-fold and climbs", lambda: _growth().fold_just_above),
    Check(G, "fig-growth-threshold", r"for up to about {} helpers", lambda: _growth().helper_threshold),
    Check(G, "fig-growth-threshold", r"near {} helpers", lambda: _growth().helper_threshold_feedback_off),
    Check(G, "fig-growth-threshold", r"happens near {} molecules per second",
          lambda: _growth().secretion_threshold),
    Check(G, "fig-growth-expansion", r"with the {} pM signalling level", _signaling_level),
    Check(G, "fig-growth-expansion", r"over {} days", lambda: 14.0),
    Check(G, "fig-growth-expansion", r"from {} cells", lambda: _growth().default_cd8),
    Check(G, "fig-growth-expansion", r"to about {} million", lambda: _growth().peak_fold * _growth().default_cd8 / 1e6),
    Check(G, "fig-growth-expansion", r"million at day {}", lambda: _growth().peak_day),
    Check(G, "fig-growth-expansion", r"NK cells rise about {}-fold", lambda: _growth().nk_peak_fold),
    Check(G, "fig-growth-expansion", r"regulatory T cells about {}-fold", lambda: _growth().treg_peak_fold),
    Check(G, "fig-growth-expansion", r"peaks near {} pM during the first week", lambda: _growth().peak_il2_pM),
    Check(G, "fig-growth-expansion", r"to about {} per cell", lambda: _growth().cd25_peak_cd8),
    Check(G, "fig-growth-expansion", r"falls after day {}", lambda: _growth().antigen_days),
    Check(G, "fig-growth-nk", r"over {} days", lambda: 14.0),
    Check(G, "fig-growth-nk", r"rises to about {} percent", lambda: 100 * _growth().nk_pstat5_peak),
    Check(G, "fig-growth-nk", r"drops to zero at day {}", lambda: _growth().antigen_days),
    Check(G, "fig-growth-nk", r"grow about {}-fold", lambda: _growth().nk_peak_fold),
    Check(G, "fig-growth-nk", r"by day {} and then", lambda: _growth().peak_day),
    Check(G, "fig-growth-brakes", r"over {} days", lambda: 14.0),
    Check(G, "fig-growth-brakes", r"rise about {}-fold by day", lambda: _growth().peak_fold),
    Check(G, "fig-growth-brakes", r"-fold by day {}, a little less", lambda: _growth().peak_day),
    Check(G, "fig-growth-brakes", r"expansion is about {} times the default",
          lambda: _growth().no_treg_fold / _growth().peak_fold),
    Check(G, "fig-growth-brakes", r"it is about {} times smaller",
          lambda: _growth().peak_fold / _growth().treg_x3_fold),
)

#: Numbers quoted from the literature, not computed by a model: (notebook, figure, phrase).
LITERATURE: tuple[tuple[str, str, str], ...] = (
    # the secretion rates spanned by published IL-2 models (GrowthParameters note, hofer2012)
    (G, "fig-growth-threshold", "the 10 to 100 molecules per second used by models"),
)


def _texts(notebook: str) -> dict[str, str]:
    """Caption and alt text of every named figure of a notebook."""
    nb = json.loads((ROOT / notebook).read_text())
    out = {}
    for cell in nb["cells"]:
        md = cell.get("metadata", {}).get("mystnb", {})
        name = md.get("figure", {}).get("name")
        if name:
            out[name] = md.get("figure", {}).get("caption", "") + "\n" + md.get("image", {}).get("alt", "")
    return out


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
    assert m, f"{check.where}: phrase {check.pattern!r} not found in its caption or alt text"
    written = float(m.group(1).replace(",", ""))
    value = float(check.value())
    assert abs(value - written) <= 0.5 * _unit(m.group(1)) * (1 + 1e-9), (
        f"{check.where}: the text says {m.group(1)} in {m.group(0)!r}, the library gives {value:.4g}"
    )


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
