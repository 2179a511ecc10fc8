"""Benchmark cases of the low-dose pharmacodynamics (timed by benchmarks/run.py)."""

from __future__ import annotations

from typing import Callable

from il2 import low_dose_pd


def cases() -> list[tuple[str, Callable[[], object]]]:
    """Name and zero-argument call of each case."""
    low_dose_pd.low_dose_course()  # build the receptor tables once (cached by the model)
    return [
        ("12-week low-dose course (growth model, periodic average)", lambda: low_dose_pd.low_dose_course()),
        ("dose response, 5 daily doses 0.1-10 MIU, 12 weeks", lambda: low_dose_pd.dose_response()),
    ]
