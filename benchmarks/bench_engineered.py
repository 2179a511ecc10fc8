"""Benchmark cases of the engineered-IL-2 chapter (timed by benchmarks/run.py).

Issue 15's targets: the selectivity map (at least 50 x 50 affinity pairs x 5 cell types, at
equilibrium) within 0.5 s; each explorer's model call within 20 ms (the course explorer reads
courses precomputed by ``figs.precompute_courses``, which the chapter runs once).
"""

from __future__ import annotations

import itertools
from typing import Callable

import numpy as np

from il2 import variants
from il2.figures import engineered as figs

_CELLS = ("Treg", "CD4", "CD8", "CD56bright NK", "NK")


def cases() -> list[tuple[str, Callable[[], object]]]:
    """Name and zero-argument call of each case."""
    fa, fb = np.geomspace(0.1, 1000.0, 50), np.geomspace(0.01, 100.0, 50)
    affinity = figs.affinity_explorer()
    grid = [(a, b) for a, b in itertools.product(affinity.controls[0].values(), affinity.controls[1].values())]
    state = {"i": 0}

    def affinity_sweep() -> object:  # a different slider pair on every call (no cache helps)
        a, b = grid[state["i"] % len(grid)]
        state["i"] += 1
        return affinity.call_model(cd25_fold=a, cd122_fold=b)

    figs.precompute_courses()
    course = figs.course_explorer()
    menu = [(n, r) for n in course.controls[0].values() for r in course.controls[1].values()]

    def course_sweep() -> object:
        n, r = menu[state["i"] % len(menu)]
        state["i"] += 1
        return course.call_model(name=n, route=r)

    return [
        ("selectivity map 50 x 50 folds x 5 cell types (equilibrium)",
         lambda: variants.selectivity_map(fa, fb, cells=_CELLS)),
        ("selectivity map 61 x 61 folds x 5 cell types (the chapter's figure)",
         lambda: variants.selectivity_map(figs.MAP_CD25_FOLDS, figs.MAP_CD122_FOLDS, cells=_CELLS)),
        ("explorer 'affinity' model call, sweeping its 49 static slider pairs", affinity_sweep),
        ("explorer 'course' model call, sweeping its 14 menu pairs (precomputed courses)", course_sweep),
        ("variant_course F42Q, one high-dose cycle (growth run cached, leak recomputed)",
         lambda: variants.variant_course("F42Q", route="CD25")),
    ]
