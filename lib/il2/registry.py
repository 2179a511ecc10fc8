"""The parameter registry: every model default with its value, unit, meaning and source.

Each model module keeps its defaults in a frozen dataclass whose fields are declared with
:func:`cited`, and registers the class with :func:`register`::

    @register("Receptor binding")
    @dataclass(frozen=True)
    class BindingParameters(CitedParameters):
        kd_alpha_pM: float = cited(10_000.0, "pM", "IL-2 / IL-2Ralpha dissociation constant",
                                   "rickert2004", low=0, low_open=True)

The book's Parameters page renders :func:`parameter_table` straight from these classes, and
a test checks that every source key exists in ``book/references.bib``; change a value in its
dataclass and the whole book follows. A modified copy for an experiment is
``dataclasses.replace(BindingParameters(), kd_alpha_pM=5_000.0)``; the copy is validated
on creation, so an impossible value raises :class:`ValueError` naming the field.

Imports: only :mod:`il2.validation`.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from il2.validation import check_scalar

__all__ = [
    "CitedParameters",
    "ParameterRow",
    "cited",
    "parameter_rows",
    "parameter_table",
    "register",
    "registered_classes",
    "source_keys",
]

_META = "il2"
T = TypeVar("T", bound=type)
_REGISTRY: dict[str, tuple[str, type]] = {}


def cited(
    value: float,
    unit: str,
    meaning: str,
    source: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    note: str = "",
) -> Any:
    """Declare a dataclass field that carries its unit, meaning, source and allowed range.

    Parameters
    ----------
    value
        The default value, in ``unit``.
    unit
        Unit text as shown on the Parameters page (for example ``"pM"``, ``"1/h"``).
    meaning
        One line saying what the number is.
    source
        BibTeX key(s) in ``book/references.bib``, comma separated.
    low, high, low_open, high_open
        Allowed range; a value outside it raises ``ValueError`` when the dataclass is made.
    note
        How the value was obtained when it is derived or chosen, not read (shown on the page).
    """
    meta = {
        "unit": unit,
        "meaning": meaning,
        "source": source,
        "low": low,
        "high": high,
        "low_open": low_open,
        "high_open": high_open,
        "note": note,
    }
    return field(default=value, metadata={_META: meta})


class CitedParameters:
    """Mixin for frozen parameter dataclasses: validates every cited field on creation."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            meta = f.metadata.get(_META)
            if meta is None:
                continue
            check_scalar(
                f"{type(self).__name__}.{f.name}",
                getattr(self, f.name),
                meta["low"],
                meta["high"],
                low_open=meta["low_open"],
                high_open=meta["high_open"],
            )


def register(group: str) -> Callable[[T], T]:
    """Class decorator adding a parameter dataclass to the registry under ``group``."""

    def wrap(cls: T) -> T:
        if not dataclasses.is_dataclass(cls):
            raise TypeError(f"{cls.__name__} must be a dataclass to be registered")
        _REGISTRY[f"{cls.__module__}.{cls.__qualname__}"] = (group, cls)
        return cls

    return wrap


def registered_classes() -> list[tuple[str, type]]:
    """(group, class) for every registered parameter dataclass, in registration order."""
    return list(_REGISTRY.values())


@dataclass(frozen=True)
class ParameterRow:
    """One row of the Parameters page."""

    group: str
    owner: str
    name: str
    value: float
    unit: str
    meaning: str
    source: str
    note: str


def parameter_rows() -> list[ParameterRow]:
    """Every cited default of every registered dataclass."""
    rows = []
    for group, cls in registered_classes():
        defaults = cls()
        for f in dataclasses.fields(cls):
            meta = f.metadata.get(_META)
            if meta is None:
                continue
            rows.append(
                ParameterRow(
                    group=group,
                    owner=cls.__name__,
                    name=f.name,
                    value=getattr(defaults, f.name),
                    unit=meta["unit"],
                    meaning=meta["meaning"],
                    source=meta["source"],
                    note=meta["note"],
                )
            )
    return rows


def source_keys() -> set[str]:
    """All BibTeX keys that parameters cite."""
    keys: set[str] = set()
    for row in parameter_rows():
        keys.update(k.strip() for k in row.source.split(",") if k.strip())
    return keys


def _format_value(value: float) -> str:
    if value == 0 or 1e-3 <= abs(value) < 1e6:
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:,.0f}"
    mantissa, exponent = f"{value:.3e}".split("e")
    return f"{float(mantissa):g}×10<sup>{int(exponent)}</sup>"


def parameter_table(group: str | None = None) -> str:
    """The registry as MyST Markdown tables, one per group, with ``{cite:p}`` sources.

    Parameters
    ----------
    group
        Only this group; all groups when ``None``.
    """
    rows = parameter_rows()
    groups = [g for g, _ in registered_classes()]
    if group is not None and group not in groups:
        raise ValueError(f"group must be one of {sorted(set(groups))!r}; got {group!r}")
    out: list[str] = []
    for g in dict.fromkeys(groups):
        if group is not None and g != group:
            continue
        owners = [f"`{cls.__module__}.{cls.__qualname__}`" for gg, cls in registered_classes() if gg == g]
        out.append(f"### {g}\n")
        out.append(f"Defined in {', '.join(owners)}.\n")
        out.append("| Parameter | Value | Unit | Meaning | Source |")
        out.append("|---|---|---|---|---|")
        for r in rows:
            if r.group != g:
                continue
            keys = ",".join(k.strip() for k in r.source.split(","))
            meaning = r.meaning + (f". *How it was set:* {r.note}" if r.note else "")
            meaning = meaning.replace("|", "\\|")
            out.append(
                f"| `{r.name}` | {_format_value(r.value)} | {r.unit} | {meaning} "
                f"| {{cite:p}}`{keys}` |"
            )
        out.append("")
    return "\n".join(out)
