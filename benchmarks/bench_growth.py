"""Benchmark cases of the growth chapter (timed by benchmarks/run.py)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from il2 import growth
from il2.figures import growth as figs


def cases() -> list[tuple[str, Callable[[], object]]]:
    """Name and zero-argument call of each case."""
    tables = growth.response_tables()  # built once (about 0.3 s), then cached
    # one CD25 level per population (POPULATIONS order), as the right-hand side looks them up
    x = np.log1p(np.geomspace(1000.0, 10_000.0, len(growth.POPULATIONS)))
    out: list[tuple[str, Callable[[], object]]] = [
        ("two-week simulation", lambda: growth.simulate()),
        ("two-week simulation, culture well", lambda: growth.simulate("culture well")),
        (f"right-hand-side table lookup ({len(growth.POPULATIONS)} populations)", lambda: tables.respond_fast(x, 3.0)),
        ("expansion threshold (helpers, Brent's method)", lambda: growth.expansion_threshold("helpers")),
    ]
    for name, factory in figs.EXPLORERS.items():
        explorer = factory()
        out.append((f"explorer '{name}' model call at defaults", explorer.call_model))
    return out
