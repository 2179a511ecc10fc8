"""Input checks shared by every public function of the library.

Every check raises :class:`ValueError` whose message names the argument, the value it was
given and the range it must lie in, so a reader who moves a slider too far or passes a
negative dose learns at once what went wrong. Nothing in the library returns NaN or a
negative population silently.

This module sits at the bottom of the import graph: it imports nothing from ``il2``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "SolverError",
    "check_array",
    "check_choice",
    "check_fraction",
    "check_integer",
    "check_scalar",
]


class SolverError(ValueError):
    """A numerical solver of the library failed for the inputs given.

    The library's solvers are set up so that they converge for every input inside the documented
    ranges; a failure therefore means the inputs drove the model outside the range where it can
    be solved. It is a :class:`ValueError` (the inputs are at fault), so callers that catch bad
    input catch it too, and it never leaks out as a bare ``RuntimeError``.
    """


def _describe(value: Any) -> str:
    """Short, readable rendering of a bad value for an error message."""
    arr = np.asarray(value) if not isinstance(value, str) else None
    if arr is not None and arr.ndim > 0:
        if arr.size == 0:
            return "an empty array"
        if arr.size > 6:
            return f"an array of {arr.size} values"
    return repr(value)


def _range_text(low: float, high: float, low_open: bool, high_open: bool) -> str:
    left = "(" if low_open else "["
    right = ")" if high_open else "]"
    lo = "-inf" if low == -math.inf else f"{low:g}"
    hi = "inf" if high == math.inf else f"{high:g}"
    return f"{left}{lo}, {hi}{right}"


def check_scalar(
    name: str,
    value: Any,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Return ``value`` as a finite float inside ``[low, high]`` or raise ``ValueError``.

    Parameters
    ----------
    name
        Argument name, used in the error message.
    value
        The value to check; must be a real number (not a bool, not NaN, not infinite).
    low, high
        Allowed range. Infinite bounds are allowed, infinite values are not.
    low_open, high_open
        Exclude the bound itself (for example a strictly positive volume).

    Raises
    ------
    ValueError
        If the value is not a finite real number inside the range.
    """
    # the common case (a Python float) skips the type checks; the message is built only on error
    if type(value) is not float and (
        isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating))
    ):
        raise ValueError(f"{name} must be a finite number in {_range_text(low, high, low_open, high_open)}; "
                         f"got {_describe(value)}")
    x = float(value)
    bad = (
        not math.isfinite(x)
        or x < low
        or x > high
        or (low_open and x == low)
        or (high_open and x == high)
    )
    if bad:
        raise ValueError(f"{name} must be a finite number in {_range_text(low, high, low_open, high_open)}; "
                         f"got {_describe(value)}")
    return x


def check_array(
    name: str,
    value: ArrayLike,
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
    allow_empty: bool = False,
) -> NDArray[np.float64]:
    """Return ``value`` as a float array whose every element lies in the allowed range.

    Scalars are accepted and returned as 0-d arrays, so functions vectorise naturally.

    Raises
    ------
    ValueError
        If the input is empty (unless ``allow_empty``), not numeric, contains NaN or
        infinity, or has an element outside ``[low, high]``.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be finite numbers in {_range_text(low, high, low_open, high_open)}; "
            f"got {_describe(value)}"
        ) from None
    if arr.size == 0:
        if allow_empty:
            return arr
        raise ValueError(f"{name} must not be empty; got {_describe(value)}")
    bad = ~np.isfinite(arr) | (arr < low) | (arr > high)
    if low_open:
        bad |= arr == low
    if high_open:
        bad |= arr == high
    if np.any(bad):
        first = float(arr.flat[int(np.flatnonzero(bad)[0])])
        raise ValueError(
            f"{name} must be finite numbers in {_range_text(low, high, low_open, high_open)}; "
            f"got {_describe(value)} "
            f"(first bad element {first!r})"
        )
    return arr


def check_fraction(name: str, value: Any) -> float:
    """A scalar probability or fraction, in ``[0, 1]``."""
    return check_scalar(name, value, 0.0, 1.0)


def check_integer(name: str, value: Any, low: int = 0, high: int | None = None) -> int:
    """An integer (not a bool, not a float) in ``[low, high]``."""
    hi = math.inf if high is None else high
    allowed = _range_text(low, hi, False, False)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be an integer in {allowed}; got {_describe(value)}")
    if value < low or value > hi:
        raise ValueError(f"{name} must be an integer in {allowed}; got {_describe(value)}")
    return int(value)


def check_choice(name: str, value: Any, allowed: list[Any] | tuple[Any, ...]) -> Any:
    """``value`` must be one of ``allowed`` (an array, list or other container never is)."""
    if isinstance(value, (np.ndarray, list, tuple, dict, set)):
        raise ValueError(
            f"{name} must be one of {list(allowed)!r}, a single value; got {_describe(value)}"
        )
    try:
        ok = bool(value in allowed)
    except (TypeError, ValueError):  # a value that cannot even be compared
        ok = False
    if not ok:
        raise ValueError(f"{name} must be one of {list(allowed)!r}; got {_describe(value)}")
    return value
