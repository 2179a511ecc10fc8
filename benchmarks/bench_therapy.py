"""Benchmark cases of the therapy chapter (timed by benchmarks/run.py)."""

from __future__ import annotations

from typing import Callable

from il2 import pk, therapy
from il2.figures import therapy as figs


def cases() -> list[tuple[str, Callable[[], object]]]:
    """Name and zero-argument call of each case."""
    hd = pk.high_dose_regimen()
    ld = pk.low_dose_sc_regimen()
    hd_first = pk.high_dose_regimen(cycles=1)
    out: list[tuple[str, Callable[[], object]]] = [
        ("two-cycle course at 1-min resolution", lambda: pk.simulate(hd, 70.0)),
        ("12-week low-dose SC course at 1-min resolution", lambda: pk.simulate(ld, 70.0)),
        ("course with receptor engagement (5 cell types)", lambda: therapy.treatment_course(hd, 70.0)),
        ("pharmacodynamics: two-cycle course + 4 weeks (growth model, rtol 1e-3)",
         lambda: therapy.pharmacodynamics(hd, 70.0)),
        ("pharmacodynamics: first cycle + 1 day, rtol 3e-3, solver carried across doses "
         "(the explorer's cell panel)",
         lambda: therapy.pharmacodynamics(hd_first, 70.0, follow_up_h=24.0, rtol=figs._EXPLORER_RTOL,
                                          output_step_h=figs._EXPLORER_STEP_H, restart_at_doses=False)),
        ("pharmacodynamics: 12-week low-dose SC course + 4 weeks",
         lambda: therapy.pharmacodynamics(ld, 70.0)),
    ]
    for name, factory in figs.EXPLORERS.items():
        explorer = factory()
        out.append((f"explorer '{name}' model call at defaults", explorer.call_model))
    return out
