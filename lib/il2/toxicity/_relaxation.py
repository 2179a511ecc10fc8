r"""Exact stepping of a first-order linear ODE with time-varying coefficients.

Several toxicity states obey :math:`\dot x = a(t) - b(t)\,x` with :math:`b > 0`: the endothelial
activation driven by IL-2, the pyrogen level, and body temperature relaxing towards its set
point. With :math:`a` and :math:`b` constant on each step of a time grid the solution is exact,

.. math::

    x_{n+1} = x_n\,e^{-b_n \Delta_n} + \frac{a_n}{b_n}\left(1 - e^{-b_n \Delta_n}\right),

and the recursion is evaluated for a whole grid at once with cumulative sums in log space
(in blocks, so that no exponential overflows). Private helper of :mod:`il2.toxicity`.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_BLOCK_LOG = 300.0  # largest cumulative decay exponent handled in one vectorised block


def relax(
    dt: NDArray[np.float64], a: NDArray[np.float64], b: NDArray[np.float64], x0: float | NDArray[np.float64]
) -> NDArray[np.float64]:
    """Values of ``x`` at the grid points (``len(dt) + 1`` of them), starting from ``x0``.

    ``a`` and ``b`` hold the constant coefficients on each of the ``len(dt)`` steps; every
    ``b`` must be positive (the caller guarantees it). ``a`` may carry leading axes (one row
    per patient of a cohort, with ``x0`` of the leading shape): ``dt`` and ``b`` are then
    shared by every row, and each row is stepped exactly as a 1-D call would step it.
    """
    n = dt.size
    lead = np.shape(a)[:-1]
    out = np.empty(lead + (n + 1,))
    out[..., 0] = x0
    if n == 0:
        return out
    bd = b * dt
    inc = (a / b) * (-np.expm1(-bd))  # what each step adds, starting from zero
    cum = np.cumsum(bd)
    start = 0
    x = np.array(x0, dtype=float) if lead else float(x0)
    while start < n:
        base = cum[start - 1] if start > 0 else 0.0
        stop = int(np.searchsorted(cum, base + _BLOCK_LOG, side="right"))
        stop = max(stop, start + 1)
        log_a = cum[start:stop] - base  # -log of the running product of decays
        # x_{j+1} = e^{-log_a_j} (x + sum_{m<=j} inc_m e^{log_a_m})
        weights = inc[..., start:stop] * np.exp(log_a)
        if lead:
            vals = np.exp(-log_a) * (x[..., None] + np.cumsum(weights, axis=-1))
            x = vals[..., -1].copy()
        else:
            vals = np.exp(-log_a) * (x + np.cumsum(weights))
            x = float(vals[-1])
        out[..., start + 1 : stop + 1] = vals
        start = stop
    return out
