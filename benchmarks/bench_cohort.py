"""Benchmark cases of the virtual-cohort chapter (timed by benchmarks/run.py)."""

from __future__ import annotations

from typing import Callable

from il2 import cohort


def cases() -> list[tuple[str, Callable[[], object]]]:
    """Name and zero-argument call of each case (thresholds cached first, as in the chapter)."""
    patients = cohort.draw_cohort(1000, seed=0)
    cohort.simulate_cohort(cohort.draw_cohort(2, seed=0))  # fills the threshold tables
    out: list[tuple[str, Callable[[], object]]] = [
        ("1,000 patients through one cycle, one process", lambda: cohort.simulate_cohort(patients)),
        ("draw 100,000 virtual patients", lambda: cohort.draw_cohort(100_000, seed=1)),
    ]
    try:
        from il2.figures import cohort as figs
    except ImportError:  # figures not written yet
        return out
    for name, factory in figs.EXPLORERS.items():
        explorer = factory()
        out.append((f"explorer '{name}' model call at defaults", explorer.call_model))
    return out
