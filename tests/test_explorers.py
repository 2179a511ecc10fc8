"""Every explorer of every chapter (each ``il2.figures`` module's ``EXPLORERS``).

One place for what all explorers must do: build, fit the static frame budget, draw at their
defaults and at both corners of their controls, answer their main control with a different
figure, and carry alt text with every placeholder filled. Chapter test files check what is
particular to their own explorers.
"""

from __future__ import annotations

import importlib
import pkgutil

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


@pytest.mark.parametrize("chapter, name, factory", EXPLORERS, ids=[f"{c}-{n}" for c, n, _ in EXPLORERS])
def test_an_updated_frame_matches_a_fresh_drawing(chapter, name, factory):
    """Where a view returns an updater (artists changed in place while a slider moves), the frame
    it gives at the main control's other end looks like a drawing made from scratch there."""
    import io

    import numpy as np
    from PIL import Image

    from il2.explore import _Canvas, _encode

    ex = factory()
    main = ex.controls[0]
    start = {**ex.defaults(), main.name: main.values()[0]}
    end = {**ex.defaults(), main.name: main.values()[-1]}
    reused = _Canvas(ex, 1.0)
    reused.draw(ex.compute(**start), start)
    if reused.update is None:
        pytest.skip("this explorer redraws from scratch")
    reused.draw(ex.compute(**end), end)
    fresh = _Canvas(ex, 1.0)
    fresh.draw(ex.compute(**end), end)
    a = np.asarray(Image.open(io.BytesIO(_encode(fresh.canvas, "png"))), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(_encode(reused.canvas, "png"))), dtype=float)
    assert a.shape == b.shape
    assert np.abs(a - b).mean() < 0.5, f"updated frame differs from a fresh one ({np.abs(a - b).mean():.2f})"
