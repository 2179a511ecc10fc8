"""Every explorer of every chapter (each ``il2.figures`` module's ``EXPLORERS``).

One place for what all explorers must do: build, fit the static frame budget, draw at their
defaults and at both corners of their controls, answer their main control with a different
figure, and carry alt text with every placeholder filled. Chapter test files check what is
particular to their own explorers.
"""

from __future__ import annotations

import importlib
import pkgutil

import numpy as np
import pytest
from matplotlib.figure import Figure

import il2.figures
from il2.explore import Explorer

CHAPTER_MODULES = [importlib.import_module(f"il2.figures.{m.name}") for m in pkgutil.iter_modules(il2.figures.__path__)]
EXPLORERS = [
    (module.__name__.rsplit(".", 1)[-1], name, factory)
    for module in CHAPTER_MODULES
    for name, factory in module.EXPLORERS.items()
]


def test_every_chapter_module_offers_explorers():
    assert {m.__name__.rsplit(".", 1)[-1] for m in CHAPTER_MODULES} == {
        "growth", "mechanism", "therapy", "risks", "regulatory", "engineered", "cohort"}
    for module in CHAPTER_MODULES:
        assert module.EXPLORERS, f"{module.__name__} has no explorer"


def _drawn(fig: Figure) -> list:
    """What a figure shows, layout aside: every axes' ranges, texts, line data and bar extents."""
    shown = [sorted(t.get_text() for t in fig.texts)]
    for ax in fig.axes:
        legend = ax.get_legend()
        shown.append((np.round(ax.viewLim.bounds, 9).tolist(), ax.get_title(), ax.get_xlabel(), ax.get_ylabel(),
                      [t.get_text() for t in legend.get_texts()] if legend else None,
                      [np.asarray(line.get_xydata(), dtype=float).round(9).tolist() for line in ax.get_lines()],
                      [np.round(p.get_bbox().bounds, 9).tolist() for p in ax.patches]))
    return shown


@pytest.mark.parametrize("chapter, name, factory", EXPLORERS, ids=[f"{c}-{n}" for c, n, _ in EXPLORERS])
def test_explorer_draws_answers_its_main_control_and_fits_the_budget(chapter, name, factory):
    ex = factory()
    assert isinstance(ex, Explorer)
    assert 2 <= ex.frame_count() <= ex.max_frames
    assert "{" not in ex.alt_for() and "}" not in ex.alt_for()
    assert isinstance(ex.figure(), Figure)
    for pick in (0, -1):
        corner = {c.name: c.values()[pick] for c in ex.controls}
        assert isinstance(ex.figure(**corner), Figure)
    main = ex.controls[0]
    low, high = main.values()[0], main.values()[-1]
    assert ex.png(**{main.name: low}) != ex.png(**{main.name: high}), "the main control must change the figure"
    # The second picture updated the first in place (as the static frames and a live slider
    # do): it must show what a drawing from scratch shows (ranges, texts and curves).
    if ex._canvas is not None:  # (an explorer with a fixed dpi draws every picture anew)
        assert _drawn(ex._canvas.fig) == _drawn(ex.figure(**{main.name: high}))

