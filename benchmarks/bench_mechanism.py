"""Benchmark cases of the mechanism chapter (timed by benchmarks/run.py)."""

from __future__ import annotations

from typing import Callable

import numpy as np

from il2 import binding, signaling, trafficking
from il2.figures import mechanism as figs


def cases() -> list[tuple[str, Callable[[], object]]]:
    """Name and zero-argument call of each case."""
    conc = np.geomspace(0.1, 1e5, 200)
    cells = [binding.CELL_TYPES[n] for n in ("Treg", "CD4", "CD8", "NK")]
    treg = binding.CELL_TYPES["Treg"]
    out: list[tuple[str, Callable[[], object]]] = [
        ("equilibrium dose response 200 conc x 4 cell types",
         lambda: [binding.equilibrium(c, conc) for c in cells]),
        ("equilibrium with ligand depletion 200 conc x 4 cell types",
         lambda: [binding.equilibrium(c, conc, cells_per_l=1e9) for c in cells]),
        ("pSTAT5 scalar call (growth ODE right-hand side)", lambda: signaling.pstat5_fraction(treg, 25.0)),
        ("proliferation signal scalar call", lambda: signaling.proliferation_signal(treg, 25.0)),
        ("internalization rate scalar call", lambda: binding.internalization_rate(treg, 25.0)),
        ("binding kinetics, Treg, 2 h association", lambda: binding.kinetics(treg, 100.0, np.linspace(0, 2, 81))),
        ("trafficking wild type vs 2D1, 4 days",
         lambda: [trafficking.simulate(np.linspace(0, 96, 97), variant=v) for v in trafficking.VARIANTS]),
        ("EC50 at equilibrium, Treg", lambda: signaling.ec50_pM(treg)),
    ]
    for name, factory in figs.EXPLORERS.items():
        explorer = factory()
        out.append((f"explorer '{name}' model call at defaults", explorer.call_model))
    return out
