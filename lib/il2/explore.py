"""The one helper behind every interactive figure in the book.

An :class:`Explorer` couples a model call to a drawing function and a few controls. One
notebook cell that ends with an explorer serves two audiences:

* **In a live kernel** (JupyterLab), it shows an ipywidgets panel: sliders and menus whose
  every change calls the model and redraws the figure.
* **In the static HTML book** (no kernel), it shows frames rendered at build time over a
  grid of each control's values, with real ``<input type="range">`` and ``<select>``
  controls switched by a small script (``book/_static/il2-explorer.js``). The figure's alt
  text is kept for every frame, with the control values filled in.

Both come from one object: its ``_repr_mimebundle_`` carries the widget view *and* the HTML
fallback; JupyterLab picks the widget, and the book's ``nb_mime_priority_overrides`` picks
the HTML. When the grid of every control's values would exceed ``max_frames``, the static
page varies the leading controls that fit (at least the first), holds the others at their
defaults, and says so.

Frames cost a model call and a drawing each, so they are rendered only when the environment
variable ``IL2_STATIC_EXPLORERS`` is ``1``. The book build sets it (``book/_ext/il2_book.py``);
a live notebook, nbmake and a plain kernel do not, and their HTML fallback is a single figure at
the default values with a note, so running a chapter interactively stays quick.

Usage::

    explore(
        model=lambda dose, weight_kg: il2.pk.simulate(..., dose, weight_kg),
        view=draw_concentration,          # view(result, fig, **values) draws on a fresh Figure
        controls=[Slider("dose", "Dose", 1e4, 1e6, 6e5, unit="IU/kg", log=True),
                  Choice("weight_kg", "Body weight", [50, 70, 90], 70, unit="kg")],
        alt="Plasma IL-2 after a dose of {dose} in a {weight_kg} patient.",
    )

Imports: :mod:`il2.plotting`, :mod:`il2.validation`.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import math
import os
import uuid
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np
from matplotlib.figure import Figure

from il2.plotting import figure_png, new_figure
from il2.validation import check_integer, check_scalar

__all__ = ["Slider", "Choice", "Explorer", "explore"]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: Set to "1" (the book build does) to pre-render every frame of the static explorers.
STATIC_ENV = "IL2_STATIC_EXPLORERS"


_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def _format_number(x: float) -> str:
    """Readable control values: 0.25, 42, 600,000, 1.5×10⁷."""
    if x == 0:
        return "0"
    ax = abs(x)
    if ax >= 1e7 or ax < 1e-3:
        mant, exp = f"{x:.2e}".split("e")
        return f"{float(mant):g}×10{str(int(exp)).translate(_SUPERSCRIPT)}"
    rounded = float(f"{x:.3g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 1000 else f"{rounded:g}"


@dataclass(frozen=True)
class Slider:
    """A numeric control.

    Parameters
    ----------
    name
        Keyword passed to the model and the view.
    label
        Text shown beside the control.
    min, max, default
        Range and starting value (``min <= default <= max``).
    steps
        Number of values in the static book (the live slider is continuous).
    log
        Space values logarithmically (for doses and concentrations spanning decades).
    unit
        Unit shown after the value.
    integer
        Pass integer values to the model (counts of doses, of cells).
    """

    name: str
    label: str
    min: float
    max: float
    default: float
    steps: int = 9
    log: bool = False
    unit: str = ""
    integer: bool = False

    def __post_init__(self) -> None:
        check_scalar(f"{self.name}.max", self.max, low=self.min, low_open=True)
        check_scalar(f"{self.name}.default", self.default, self.min, self.max)
        check_integer(f"{self.name}.steps", self.steps, 2, 60)
        if self.log:
            check_scalar(f"{self.name}.min", self.min, 0.0, low_open=True)

    def values(self) -> list[float]:
        """The static grid: ``steps`` values over the range, with the default among them."""
        if self.log:
            grid = np.geomspace(self.min, self.max, self.steps)
        else:
            grid = np.linspace(self.min, self.max, self.steps)
        if self.integer:
            grid = np.unique(np.round(grid))
        # Keep both ends; the default joins the grid and displaces an inner neighbour that
        # sits within half a step of it, so the page opens on the default value.
        scale = np.log if self.log else (lambda v: v)
        pos = scale(np.asarray(grid, dtype=float))
        half_step = 0.5 * (pos[-1] - pos[0]) / max(len(pos) - 1, 1)
        near = np.abs(pos - scale(float(self.default))) < half_step
        near[0] = near[-1] = False
        vals = sorted(set(float(v) for v in grid[~near]) | {float(self.default)})
        return [int(v) if self.integer else v for v in vals]

    def label_for(self, value: float) -> str:
        text = str(int(value)) if self.integer else _format_number(float(value))
        return f"{text} {self.unit}".strip()

    def widget(self) -> Any:
        import ipywidgets as w

        # Redraw when the slider is released, not at every pixel of a drag: a redraw (model,
        # drawing, PNG) takes 0.1-0.6 s, and queued redraws would make the panel lag.
        common = {
            "description": f"{self.label} ({self.unit})" if self.unit else self.label,
            "style": {"description_width": "initial"},
            "layout": w.Layout(width="95%"),
            "continuous_update": False,
        }
        if self.integer:
            return w.IntSlider(value=int(self.default), min=int(self.min), max=int(self.max), **common)
        if self.log:
            return w.FloatLogSlider(value=self.default, base=10, min=math.log10(self.min),
                                    max=math.log10(self.max), step=0.02, readout_format=".3g", **common)
        step = (self.max - self.min) / 200
        return w.FloatSlider(value=self.default, min=self.min, max=self.max, step=step,
                             readout_format=".3g", **common)


@dataclass(frozen=True)
class Choice:
    """A control with a few named options.

    ``options`` is a sequence of values, or of ``(label, value)`` pairs.
    """

    name: str
    label: str
    options: Sequence[Any]
    default: Any
    unit: str = ""

    def _pairs(self) -> list[tuple[str, Any]]:
        pairs = []
        for opt in self.options:
            if isinstance(opt, tuple) and len(opt) == 2:
                pairs.append((str(opt[0]), opt[1]))
            else:
                pairs.append((f"{opt} {self.unit}".strip(), opt))
        return pairs

    def __post_init__(self) -> None:
        if len(self.options) < 2:
            raise ValueError(f"{self.name}.options must hold at least 2 options; got {list(self.options)!r}")
        if self.default not in [v for _, v in self._pairs()]:
            raise ValueError(
                f"{self.name}.default must be one of {[v for _, v in self._pairs()]!r}; got {self.default!r}"
            )

    def values(self) -> list[Any]:
        return [v for _, v in self._pairs()]

    def label_for(self, value: Any) -> str:
        return dict((v, k) for k, v in self._pairs())[value] if isinstance(value, (str, int, float)) else str(value)

    def widget(self) -> Any:
        import ipywidgets as w

        return w.Dropdown(options=self._pairs(), value=self.default, description=self.label,
                          style={"description_width": "initial"})


Control = Slider | Choice


class Explorer:
    """An interactive figure: a model, a view and controls (see the module docstring).

    Parameters
    ----------
    model
        ``model(**fixed, **values)`` returns the result to draw. Library call only.
    view
        ``view(result, fig, **values)`` draws on the fresh :class:`~matplotlib.figure.Figure`.
    controls
        One or more :class:`Slider` or :class:`Choice`; the first is the main control.
    alt
        Alt text; ``{name}`` placeholders are filled with each control's value and unit.
    fixed
        Keyword arguments passed to the model unchanged.
    title
        Heading shown above the controls.
    max_frames
        Largest number of frames to pre-render for the static book.
    width_in, height_in, dpi
        Figure size and raster resolution of the frames.
    """

    def __init__(
        self,
        model: Callable[..., Any],
        view: Callable[..., None],
        controls: Sequence[Control],
        *,
        alt: str,
        fixed: dict[str, Any] | None = None,
        title: str = "",
        max_frames: int = 60,
        width_in: float = 7.0,
        height_in: float = 3.6,
        dpi: int = 80,
    ) -> None:
        if not controls:
            raise ValueError("controls must hold at least one Slider or Choice; got none")
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"controls must have distinct names; got {names!r}")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError(f"alt must be a non-empty description of the figure; got {alt!r}")
        self.model = model
        self.view = view
        self.controls = list(controls)
        self.alt = alt
        self.fixed = dict(fixed or {})
        self.title = title
        self.max_frames = check_integer("max_frames", max_frames, 1, 400)
        self.width_in = check_scalar("width_in", width_in, 2.0, 14.0)
        self.height_in = check_scalar("height_in", height_in, 1.5, 12.0)
        self.dpi = check_integer("dpi", dpi, 40, 200)

    # -- the model and the drawing ----------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """The value of every control at its default."""
        return {c.name: c.default for c in self.controls}

    def compute(self, **values: Any) -> Any:
        """Run the model at ``values`` (missing controls take their defaults)."""
        return self.model(**self.fixed, **{**self.defaults(), **values})

    def figure(self, **values: Any) -> Figure:
        """Compute and draw the figure at ``values``."""
        vals = {**self.defaults(), **values}
        fig, _ = new_figure(width_in=self.width_in, height_in=self.height_in)
        fig.clear()
        self.view(self.compute(**vals), fig, **vals)
        return fig

    def alt_for(self, **values: Any) -> str:
        vals = {**self.defaults(), **values}
        labels = {c.name: c.label_for(vals[c.name]) for c in self.controls}
        return self.alt.format(**labels)

    def png(self, **values: Any) -> bytes:
        """The figure at ``values`` as PNG bytes."""
        return figure_png(self.figure(**values), dpi=self.dpi)

    # -- static HTML for the book -------------------------------------------------------
    def static_controls(self) -> list[Control]:
        """The controls varied in the static book.

        All of them when every combination fits in ``max_frames``; otherwise the longest
        leading run of controls that fits (always at least the first, the main control).
        The others are held at their defaults, and the page says so.
        """
        varied: list[Control] = []
        frames = 1
        for control in self.controls:
            frames *= len(control.values())
            if varied and frames > self.max_frames:
                break
            varied.append(control)
        return varied

    def frame_count(self) -> int:
        """How many frames the static book renders for this explorer."""
        return math.prod(len(c.values()) for c in self.static_controls())

    def static_html(self) -> str:
        """Self-contained HTML: controls, pre-rendered frames and the data the page script reads."""
        uid = "il2x-" + uuid.uuid4().hex[:10]
        varied = self.static_controls()
        grids = [c.values() for c in varied]
        defaults = self.defaults()
        frames: dict[str, str] = {}
        alts: dict[str, str] = {}
        for idx in itertools.product(*(range(len(g)) for g in grids)):
            vals = dict(defaults)
            vals.update({c.name: g[i] for c, g, i in zip(varied, grids, idx)})
            key = "-".join(map(str, idx))
            frames[key] = "data:image/png;base64," + base64.b64encode(self.png(**vals)).decode()
            alts[key] = self.alt_for(**vals)
        start = [g.index(defaults[c.name]) for c, g in zip(varied, grids)]
        start_key = "-".join(map(str, start))
        rows = []
        for j, (c, g) in enumerate(zip(varied, grids)):
            cid = f"{uid}-c{j}"
            labels = [c.label_for(v) for v in g]
            if isinstance(c, Slider):
                rows.append(
                    f'<div class="il2x-row"><label for="{cid}">{html.escape(c.label)}</label>'
                    f'<input type="range" id="{cid}" min="0" max="{len(g) - 1}" step="1" '
                    f'value="{start[j]}" aria-valuetext="{html.escape(labels[start[j]])}" '
                    f"data-labels='{html.escape(json.dumps(labels))}'>"
                    f'<output for="{cid}">{html.escape(labels[start[j]])}</output></div>'
                )
            else:
                opts = "".join(
                    f'<option value="{i}"{" selected" if i == start[j] else ""}>{html.escape(lab)}</option>'
                    for i, lab in enumerate(labels)
                )
                rows.append(
                    f'<div class="il2x-row"><label for="{cid}">{html.escape(c.label)}</label>'
                    f'<select id="{cid}">{opts}</select></div>'
                )
        held = [c for c in self.controls if c not in varied]
        note = ""
        if held:
            fixed_txt = "; ".join(f"{c.label} {c.label_for(defaults[c.name])}" for c in held)
            note = (
                f'<p class="il2x-note">To keep this static page light, {len(held)} of the '
                f"{len(self.controls)} controls are held here: {html.escape(fixed_txt)}. "
                f"Run the notebook to move them all.</p>"
            )
        data = json.dumps({"frames": frames, "alts": alts})
        title = f'<p class="il2x-title">{html.escape(self.title)}</p>' if self.title else ""
        return (
            f'<div class="il2-explorer" id="{uid}">{title}'
            f'<div class="il2x-controls">{"".join(rows)}</div>'
            f'<img class="il2x-figure" src="{frames[start_key]}" alt="{html.escape(alts[start_key])}">'
            f"{note}"
            f'<script type="application/json" class="il2x-data">{data}</script></div>'
        )

    # -- the live ipywidgets panel ------------------------------------------------------
    def widget(self) -> Any:
        """An ipywidgets panel whose figure redraws whenever a control changes."""
        import ipywidgets as w

        inputs = {c.name: c.widget() for c in self.controls}
        picture = w.HTML()

        def redraw(_change: Any = None) -> None:
            vals = {n: wid.value for n, wid in inputs.items()}
            uri = base64.b64encode(self.png(**vals)).decode()
            picture.value = (
                f'<img src="data:image/png;base64,{uri}" alt="{html.escape(self.alt_for(**vals))}" '
                f'style="max-width:100%">'
            )

        for wid in inputs.values():
            wid.observe(redraw, names="value")
        redraw()
        children = ([w.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []) + [
            *inputs.values(),
            picture,
        ]
        return w.VBox(children)

    def preview_html(self) -> str:
        """HTML fallback without frames: the figure at the default values and a note."""
        uri = base64.b64encode(self.png()).decode()
        title = f'<p class="il2x-title">{html.escape(self.title)}</p>' if self.title else ""
        return (
            f'<div class="il2-explorer-preview">{title}'
            f'<img src="data:image/png;base64,{uri}" alt="{html.escape(self.alt_for())}">'
            '<p class="il2x-note">A preview at the default values. The controls work in a running '
            "notebook (JupyterLab) and in the built book.</p></div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": f"<Explorer: {self.title or self.alt_for()}>"}
        static = os.environ.get(STATIC_ENV, "") == "1"
        bundle["text/html"] = self.static_html() if static else self.preview_html()
        widget_bundle = self.widget()._repr_mimebundle_()
        if isinstance(widget_bundle, tuple):
            widget_bundle = widget_bundle[0]
        if WIDGET_MIME in widget_bundle:
            bundle[WIDGET_MIME] = widget_bundle[WIDGET_MIME]
        return bundle


def explore(
    model: Callable[..., Any],
    view: Callable[..., None],
    controls: Sequence[Control],
    *,
    alt: str,
    **options: Any,
) -> Explorer:
    """Build an :class:`Explorer` (the form every chapter uses); see the class for options."""
    return Explorer(model, view, controls, alt=alt, **options)
