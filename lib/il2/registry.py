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
import re
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
    "render_note",
    "source_keys",
    "table_label",
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


_GREEK = ("alpha", "beta", "gamma", "delta", "epsilon", "kappa", "lambda", "mu", "nu", "pi", "rho", "sigma", "tau")
# q(1 - nu S), d(1 - S): a one-letter function of a short arithmetic expression.
_FORMULA = re.compile(r"(?<![\w.])([A-Za-z])\(([0-9A-Za-z .+\-*/]*[+\-*/][0-9A-Za-z .+\-*/]*)\)")
# D/R^2: a ratio or power of one-letter symbols.
_SYMBOL_POWER = re.compile(r"(?<![\w.])([A-Za-z](?:/[A-Za-z])?\^\d+)(?![\w])")
_E_NOTATION = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)e([+-]?\d+)(?![\w.])")
_UNIT_POWER = re.compile(r"(?<=[A-Za-zµ])\^(\d+)")
_AUTHOR_YEAR = re.compile(r"\b([A-Z][A-Za-z'\u00c0-\u017f-]+)((?: et al\.)|(?: and [A-Z][A-Za-z'\u00c0-\u017f-]+))? ((?:19|20)\d\d)\b")
_DOTTED_FIELD = re.compile(r"\b([A-Z]\w*Parameters\.\w+)\b")


def _bib_keys() -> set[str]:
    """Keys of ``book/references.bib`` when the library runs from the book's repository."""
    import pathlib

    bib = pathlib.Path(__file__).resolve().parents[2] / "book" / "references.bib"
    try:
        text = bib.read_text(encoding="utf-8")
    except OSError:
        return source_keys()
    return set(re.findall(r"^\s*@\w+\s*\{\s*([^,\s]+)\s*,", text, flags=re.MULTILINE)) | source_keys()


def _math(expr: str) -> str:
    expr = re.sub(r"\b(" + "|".join(_GREEK) + r")\b", r"\\\1", expr)
    return f"${expr}$"


def _inside_parentheses(text: str, pos: int) -> bool:
    depth = 0
    for ch in text[:pos]:
        depth += ch == "("
        depth -= ch == ")" and depth > 0
    return depth > 0


def render_note(text: str, bib_keys: set[str] | None = None) -> str:
    """A parameter's plain-text note as MyST: citations as roles, formulas and powers as maths.

    Citation keys written in the note (:cite:alp:`villarino2007`) and author-year mentions that name a
    key of the bibliography (``Wang and Smith 1987`` for :cite:alp:`wang1987`) become ``{cite:t}`` roles,
    or ``{cite:alp}`` (no brackets of its own) inside parentheses. One-letter formulas
    (``q(1 - nu S)``, ``D/R^2``) become inline maths with Greek letters, and so do the one-letter
    symbols they use when they stand alone in the note (``signal S``); ``2e7`` becomes
    2×10<sup>7</sup> and ``µm^2`` µm<sup>2</sup>.
    """
    keys = _bib_keys() if bib_keys is None else set(bib_keys)
    pieces: list[str] = []

    def hold(rendered: str) -> str:
        pieces.append(rendered)
        return f"\x00{len(pieces) - 1}\x00"

    def cite(key: str, pos: int, source: str) -> str:
        role = "cite:alp" if _inside_parentheses(source, pos) else "cite:t"
        return hold(f"{{{role}}}`{key}`")

    symbols: set[str] = set()

    def formula(m: re.Match) -> str:
        body = m.group(0)
        symbols.update(re.findall(r"(?<![A-Za-z])([A-Za-z])(?![A-Za-z])", body))
        return hold(_math(body))

    out = _DOTTED_FIELD.sub(lambda m: hold(f"`{m.group(1)}`"), text)
    out = _FORMULA.sub(formula, out)
    out = _SYMBOL_POWER.sub(formula, out)

    def author_year(m: re.Match) -> str:
        surname = m.group(1).split("-")[0].lower()
        key = f"{surname}{m.group(3)}"
        return cite(key, m.start(), out) if key in keys else m.group(0)

    out = _AUTHOR_YEAR.sub(author_year, out)
    out = re.sub(
        r"(?<![\w`])([a-z][a-z0-9_]*)(?![\w`])",
        lambda m: cite(m.group(1), m.start(), out)
        if m.group(1) in keys and re.search(r"[\d_]", m.group(1))
        else m.group(0),
        out,
    )
    for sym in sorted(symbols):
        out = re.sub(rf"(?<![\w\-\x00]){re.escape(sym)}(?![\w\-\x00])", lambda m: hold(_math(m.group(0))), out)

    def e_notation(m: re.Match) -> str:
        mantissa, exponent = m.group(1), int(m.group(2))
        power = f"10<sup>{exponent}</sup>".replace("-", "\u2212")
        return power if mantissa in ("1", "1.0") else f"{mantissa}×{power}"

    out = _E_NOTATION.sub(e_notation, out)
    out = re.sub(r"(?<=\d) x (?=\d)", " × ", out)
    out = _UNIT_POWER.sub(r"<sup>\1</sup>", out)
    return re.sub("\x00(\\d+)\x00", lambda m: pieces[int(m.group(1))], out)


def table_label(cls: type) -> str:
    """The label of a registered class's table on the book's Parameters page.

    The library reference links each parameter dataclass to its rows with it, for example
    ``parameters-il2-binding-bindingparameters`` for :class:`il2.binding.BindingParameters`.

    Parameters
    ----------
    cls
        A class added to the registry with :func:`register`.
    """
    name = f"{cls.__module__}.{cls.__qualname__}"
    if name not in _REGISTRY:
        raise ValueError(f"cls must be a registered parameter class; got {name!r}")
    return "parameters-" + re.sub(r"[^a-z0-9]+", "-", name.lower())


def parameter_table(group: str | None = None) -> str:
    """The registry as MyST Markdown tables, one per group, with ``{cite:p}`` sources.

    Each group's heading carries the label :func:`table_label` of its classes, and names them
    with ``{py:class}`` roles that link to the book's library reference.

    Meanings and notes go through :func:`render_note`: citation keys become citations,
    formulas and powers of ten become maths.

    Parameters
    ----------
    group
        Only this group; all groups when ``None``.
    """
    rows = parameter_rows()
    bib_keys = _bib_keys()
    groups = [g for g, _ in registered_classes()]
    if group is not None and group not in groups:
        raise ValueError(f"group must be one of {sorted(set(groups))!r}; got {group!r}")
    out: list[str] = []
    for g in dict.fromkeys(groups):
        if group is not None and g != group:
            continue
        classes = [cls for gg, cls in registered_classes() if gg == g]
        owners = [f"{{py:class}}`{cls.__module__}.{cls.__qualname__}`" for cls in classes]
        # A label per class (table_label): the library reference links each class to its rows.
        out.extend(f"({table_label(cls)})=" for cls in classes)
        out.append(f"### {g}\n")
        out.append(f"Defined in {', '.join(owners)}.\n")
        # The container gives the book's stylesheet a hook (il2-parameters): on a phone each row
        # becomes a block instead of a table wider than the screen.
        out.append("```{container} il2-parameters\n")
        out.append("| Parameter | Value | Unit | Meaning | Source |")
        out.append("|---|---|---|---|---|")
        for r in rows:
            if r.group != g:
                continue
            keys = ",".join(k.strip() for k in r.source.split(","))
            meaning = render_note(r.meaning, bib_keys)
            if r.note:
                meaning += f". *How it was set:* {render_note(r.note, bib_keys)}"
            meaning = meaning.replace("|", "\\|")
            out.append(
                f"| `{r.name}` | {_format_value(r.value)} | {r.unit} | {meaning} "
                f"| {{cite:p}}`{keys}` |"
            )
        out.append("\n```\n")
    return "\n".join(out)
