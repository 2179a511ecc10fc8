"""Benchmark cases of the risks chapter (timed by benchmarks/run.py)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from il2 import toxicity
from il2.figures import risks as figs


def cases() -> list[tuple[str, Callable[[], object]]]:
    """Name and zero-argument call of each case."""
    typical = toxicity.simulate_course()
    out: list[tuple[str, Callable[[], object]]] = [
        ("five-day high-dose course with holds", lambda: toxicity.simulate_course()),
        ("five-day course, fixed exposure (no holds)",
         lambda: toxicity.simulate_exposure(typical.t_h, typical.iu_per_ml)),
        ("therapeutic window, 7 doses x 3 schedules",
         lambda: toxicity.therapeutic_window(figs.WINDOW_DAILY_DOSES)),
        ("baseline steady state (algebraic)", lambda: toxicity.baseline(70.0)),
        ("fever response, five days", lambda: toxicity.fever_response(typical.t_h, typical.iu_per_ml)),
        ("oncotic pressure, 10,000 values",
         lambda: toxicity.fluids.colloid_osmotic_pressure_mmHg(np.linspace(0, 5, 10_000))),
    ]
    for name, factory in figs.EXPLORERS.items():
        explorer = factory()
        out.append((f"explorer '{name}' model call at defaults", explorer.call_model))
    return out
