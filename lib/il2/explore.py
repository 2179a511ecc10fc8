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

Speed. One :class:`~matplotlib.figure.Figure` and canvas are kept per live panel (and per worker
rendering frames): the layout is solved once, and a view may return an *updater*,
``update(result, **values)``, that changes its artists' data in place instead of drawing anew
(returning ``False`` asks for a full redraw, e.g. when a menu changes the panels). Live sliders
update while dragging; changes that arrive while a redraw runs are coalesced so that only the
latest value is drawn. Static frames are rendered in parallel across the machine's cores
(a process pool; ``IL2_FRAME_WORKERS`` caps it, ``1`` renders serially), encoded as WebP
(PNG if Pillow lacks WebP) at twice the displayed size, and, when ``IL2_FRAMES_DIR`` names a
directory (the book build points it at ``_static/il2-frames``), written there as files that the
page script loads only when a reader reaches or touches the explorer. The opening frame is
always inline, so the page shows the figure without any script.

Usage::

    explore(
        model=lambda dose, weight_kg: il2.pk.simulate(..., dose, weight_kg),
        view=draw_concentration,          # view(result, fig, **values) draws on a fresh Figure
        controls=[Slider("dose", "Dose", 1e4, 1e6, 6e5, unit="IU/kg", log=True),
                  Choice("weight_kg", "Body weight", [50, 70, 90], 70, unit="kg")],
        alt="Plasma IL-2 after a dose of {dose} in a {weight_kg} patient.",
        caption="How the dose sets the peak concentration.",
    )

Imports: :mod:`il2.plotting`, :mod:`il2.validation`.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
import os
import pathlib
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Sequence

import numpy as np

from il2 import plotting
from il2.validation import check_integer, check_scalar

__all__ = ["Slider", "Choice", "Explorer", "explore"]

if TYPE_CHECKING:  # matplotlib is imported when a figure is drawn, not with il2
    from matplotlib.figure import Figure

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
#: Set to "1" (the book build does) to pre-render every frame of the static explorers.
STATIC_ENV = "IL2_STATIC_EXPLORERS"
#: Directory (the book's ``_static/il2-frames``) where static frames are written as files.
FRAMES_DIR_ENV = "IL2_FRAMES_DIR"
#: Largest number of processes that render static frames (default: the machine's cores, up to 4).
WORKERS_ENV = "IL2_FRAME_WORKERS"
#: Image pixels per CSS pixel of the live panel (1.5: sharp enough, and a redraw stays fast).
LIVE_PIXEL_RATIO = 1.5
#: Model results an explorer keeps, most recent first (see :meth:`Explorer.compute`).
_RESULTS_KEPT = 4


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
    unit_one
        Unit shown after the value 1 when it differs (a singular: "1 molecule/s").
    integer
        Pass integer values to the model (counts of doses, of cells).
    fmt
        Format spec for the readout (e.g. ``",.0f"`` for a count of cells); by default three
        significant digits with thousands separators (0.25, 42, 600,000, 1.5×10⁷).
    grid_only
        The live slider, too, steps through the static grid only (for a model computed once at
        those values): every position then shows a result of its own, never the nearest one.
    grid
        The static grid's values, given outright (sorted, from ``min`` to ``max``, the default
        among them), for a slider that must step through the same values as a figure or a
        table; ``steps`` and ``log`` then no longer set the values.

    Notes
    -----
    A logarithmic grid is rounded to two significant digits (30, 53, 95, ... rather than 53.3),
    its ends and default kept exact, so the readouts are numbers a reader would type.
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
    fmt: str = ""
    unit_one: str = ""
    grid_only: bool = False
    grid: tuple[float, ...] = ()

    def __post_init__(self) -> None:
        check_scalar(f"{self.name}.max", self.max, low=self.min, low_open=True)
        check_scalar(f"{self.name}.default", self.default, self.min, self.max)
        check_integer(f"{self.name}.steps", self.steps, 2, 60)
        if self.log:
            check_scalar(f"{self.name}.min", self.min, 0.0, low_open=True)
        if self.grid:
            g = [float(v) for v in self.grid]
            if (len(g) < 2 or g != sorted(set(g)) or g[0] != float(self.min) or g[-1] != float(self.max)
                    or float(self.default) not in g):
                raise ValueError(f"{self.name}.grid must be at least 2 increasing values from min "
                                 f"{self.min} to max {self.max} that include the default "
                                 f"{self.default}; got {list(self.grid)!r}")

    def values(self) -> list[float]:
        """The static grid: ``steps`` values over the range, with the default among them (or
        ``grid`` when it is given)."""
        if self.grid:
            return [int(v) if self.integer else float(v) for v in self.grid]
        if self.log:
            grid = np.geomspace(self.min, self.max, self.steps)
            grid[1:-1] = [float(f"{v:.2g}") for v in grid[1:-1]]
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
        if self.fmt:
            text = format(float(value), self.fmt)
        else:
            text = f"{int(value):,}" if self.integer else _format_number(float(value))
        unit = self.unit_one if self.unit_one and float(value) == 1.0 else self.unit
        return f"{text} {unit}".strip()

    def widget(self) -> Any:
        import ipywidgets as w

        # Redraw while dragging: the panel coalesces changes that arrive during a redraw
        # (Explorer.widget), so a fast drag never queues work. The value is read out with its
        # unit as the book writes it (label_for: "600,000 IU/kg", not the widget's "6.00e+5"):
        # a grid slider's options carry it, the others get a label beside them (Explorer.widget).
        common = {
            "description": self.label,
            "style": {"description_width": "initial"},
            "layout": w.Layout(flex="1 1 auto", width="auto", min_width="200px"),
            "continuous_update": True,
        }
        if self.grid_only:
            return w.SelectionSlider(options=[(self.label_for(v), v) for v in self.values()],
                                     value=self.default, **common)
        if self.integer:
            return w.IntSlider(value=int(self.default), min=int(self.min), max=int(self.max), readout=False,
                               **common)
        if self.log:
            return w.FloatLogSlider(value=self.default, base=10, min=math.log10(self.min),
                                    max=math.log10(self.max), step=0.02, readout=False, **common)
        step = (self.max - self.min) / 200
        return w.FloatSlider(value=self.default, min=self.min, max=self.max, step=step, readout=False,
                             **common)


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
                text = _format_number(float(opt)) if isinstance(opt, (int, float)) and not isinstance(opt, bool) else opt
                pairs.append((f"{text} {self.unit}".strip(), opt))
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
                          style={"description_width": "initial"},
                          layout=w.Layout(width="auto", max_width="95%"))


Control = Slider | Choice


def _encode(canvas: Any, fmt: str) -> bytes:
    """Encode the canvas's pixels: ``"png-fast"`` (live), ``"png"`` or ``"webp"`` (frames)."""
    from PIL import Image

    width, height = canvas.get_width_height(physical=True)
    image = Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).convert("RGB")
    buf = io.BytesIO()
    if fmt == "webp":
        image.save(buf, format="webp", quality=85, method=2)  # method 2: ~2.5x faster than 4, as small
    elif fmt == "png":
        image.save(buf, format="png", optimize=True)
    else:
        image.save(buf, format="png", compress_level=1)
    return buf.getvalue()


def _frame_format() -> str:
    try:
        from PIL import features

        return "webp" if features.check("webp") else "png"
    except Exception:  # pragma: no cover - Pillow is a matplotlib dependency
        return "png"


class _Canvas:
    """One figure and Agg canvas reused across redraws (a live panel, or a frame worker).

    The first drawing runs the view on the cleared figure and solves the constrained layout.
    If the view returned an updater, the layout is then frozen and later drawings call the
    updater instead of the view. Artists the view marked *animated* (``set_animated(True)``:
    the ones its updater changes) are drawn over a cached background, which is redrawn only
    when an axis range, scale or a figure-level text changed (matplotlib's blitting). Without
    an updater every drawing starts again from a cleared figure.
    """

    def __init__(self, explorer: "Explorer", pixel_ratio: float) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        self.explorer = explorer
        css = explorer.css_width_px()
        with plotting.style():
            self.fig = Figure(figsize=(explorer.width_in, explorer.height_in),
                              dpi=pixel_ratio * css / explorer.width_in, layout="constrained")
        self.canvas = FigureCanvasAgg(self.fig)
        self.update: Callable[..., Any] | None = None
        self._animated: list[Any] = []
        self._background: Any = None
        self._background_key: Any = None

    def _static_key(self) -> tuple:
        """What the cached background depends on besides the animated artists."""
        axes = tuple((tuple(ax.viewLim.bounds), ax.get_xscale(), ax.get_yscale(), ax.get_visible())
                     for ax in self.fig.axes)
        texts = tuple(t.get_text() for t in self.fig.texts if not t.get_animated())
        sup = self.fig._suptitle
        sup = sup.get_text() if sup is not None and not sup.get_animated() else None
        return axes, texts, sup

    def _paint(self) -> None:
        """Render: the background (cached while its key holds), then the animated artists."""
        if not self._animated:
            self.canvas.draw()
            return
        key = self._static_key()
        if self._background is not None and key == self._background_key:
            self.canvas.restore_region(self._background)
        else:
            self.canvas.draw()
            if self._labels_grew():
                self._solve_layout()  # wider tick labels than the layout made room for
                self.canvas.draw()
            self._background = self.canvas.copy_from_bbox(self.fig.bbox)
            self._background_key = key
        renderer = self.canvas.get_renderer()
        for artist in self._animated:
            if artist.get_visible():
                artist.draw(renderer)

    def draw(self, result: Any, values: dict[str, Any]) -> None:
        with plotting.style():
            if self.update is not None and self.update(result, **values) is not False:
                self._paint()
                return
            self.fig.clear()
            self.fig.set_layout_engine("constrained")
            self._background = None
            out = self.explorer.view(result, self.fig, **values)
            self.update = out if callable(out) else None
            plotting.enforce_min_text(self.fig, display_px=self.explorer.css_width_px())
            if self.update is None:
                for artist in self.fig.findobj(lambda a: a.get_animated()):
                    artist.set_animated(False)
                self._animated = []
                self.canvas.draw()
                return
            self._animated = sorted(self.fig.findobj(lambda a: a.get_animated()), key=lambda a: a.get_zorder())
            self._solve_layout()
            self._paint()

    def _labels_grew(self) -> bool:
        """Whether an axis label was pushed off the figure or onto another panel (by wider
        tick labels after a change of range): then the layout must be solved again."""
        renderer = self.canvas.get_renderer()
        page = self.fig.bbox
        panels = [ax.bbox for ax in self.fig.axes if ax.get_visible()]
        for ax in self.fig.axes:
            for text in (ax.xaxis.label, ax.yaxis.label):
                if not (text.get_visible() and text.get_text()):
                    continue
                box = text.get_window_extent(renderer)
                if (box.x0 < page.x0 - 0.5 or box.y0 < page.y0 - 0.5 or box.x1 > page.x1 + 0.5
                        or box.y1 > page.y1 + 0.5):
                    return True
                if any(other is not ax.bbox and box.overlaps(other) for other in panels):
                    return True
        return False

    def _solve_layout(self) -> None:
        """Solve the constrained layout with every artist drawn, then freeze it (updates change
        data, not the panels; the layout is solved again only when an axis range changes)."""
        for artist in self._animated:
            artist.set_animated(False)
        self.fig.set_layout_engine("constrained")
        self.canvas.draw()
        self.fig.set_layout_engine("none")
        for artist in self._animated:
            artist.set_animated(True)

    def render(self, values: dict[str, Any], fmt: str) -> bytes:
        self.draw(self.explorer.compute(**values), values)
        return _encode(self.canvas, fmt)


# Frame workers are forked: they inherit the explorer instead of unpickling it (a view may be
# a closure). Set only while a pool renders.
_FORKED_EXPLORER: "Explorer | None" = None


def _render_chunk(explorer: "Explorer", chunk: list[dict[str, Any]], fmt: str) -> list[bytes]:
    """Render frames in order with one canvas, its layout solved at the default values."""
    canvas = _Canvas(explorer, plotting.PIXEL_RATIO)
    defaults = explorer.defaults()
    if chunk and chunk[0] != defaults:
        canvas.draw(explorer.compute(**defaults), defaults)
    return [canvas.render(values, fmt) for values in chunk]


def _render_forked(chunk: list[dict[str, Any]], fmt: str) -> list[bytes]:
    assert _FORKED_EXPLORER is not None
    return _render_chunk(_FORKED_EXPLORER, chunk, fmt)


def _worker_count(frames: int) -> int:
    raw = os.environ.get(WORKERS_ENV, "")
    try:
        cap = int(raw) if raw else min(os.cpu_count() or 1, 4)
    except ValueError:
        raise ValueError(f"{WORKERS_ENV} must be a whole number of processes; got {raw!r}") from None
    return max(1, min(cap, frames // 4))


class Explorer:
    """An interactive figure: a model, a view and controls (see the module docstring).

    Parameters
    ----------
    model
        ``model(**fixed, **values)`` returns the result to draw. Library call only.
    view
        ``view(result, fig, **values)`` draws on a cleared :class:`~matplotlib.figure.Figure`.
        It may return an updater ``update(result, **values)`` that changes the drawn artists in
        place for new values (returning ``False`` when it cannot, to get a full redraw).
    controls
        One or more :class:`Slider` or :class:`Choice`; the first is the main control.
    alt
        Alt text; ``{name}`` placeholders are filled with each control's value and unit.
    fixed
        Keyword arguments passed to the model unchanged.
    title
        Heading shown above the controls.
    caption
        What the reader should look for, shown under the figure (static and live);
        ``{name}`` placeholders are filled like the alt text.
    max_frames
        Largest number of frames to pre-render for the static book.
    width_in, height_in
        Figure size; it is shown at 100 CSS px per inch (at most the book's column width).
    dpi
        Raster resolution of :meth:`png` (default: twice the displayed size).
    """

    def __init__(
        self,
        model: Callable[..., Any],
        view: Callable[..., Any],
        controls: Sequence[Control],
        *,
        alt: str,
        fixed: dict[str, Any] | None = None,
        title: str = "",
        caption: str = "",
        max_frames: int = 60,
        width_in: float = 7.0,
        height_in: float = 3.6,
        dpi: int | None = None,
    ) -> None:
        if not controls:
            raise ValueError("controls must hold at least one Slider or Choice; got none")
        names = [c.name for c in controls]
        if len(set(names)) != len(names):
            raise ValueError(f"controls must have distinct names; got {names!r}")
        if not isinstance(alt, str) or not alt.strip():
            raise ValueError(f"alt must be a non-empty description of the figure; got {alt!r}")
        if not isinstance(caption, str):
            raise ValueError(f"caption must be a string; got {caption!r}")
        self.model = model
        self.view = view
        self.controls = list(controls)
        self.alt = alt
        self.caption = caption
        self.fixed = dict(fixed or {})
        self.title = title
        self.max_frames = check_integer("max_frames", max_frames, 1, 400)
        self.width_in = check_scalar("width_in", width_in, 2.0, 14.0)
        self.height_in = check_scalar("height_in", height_in, 1.5, 12.0)
        self.dpi = None if dpi is None else check_integer("dpi", dpi, 40, 400)
        self._canvas: _Canvas | None = None

    # -- the model and the drawing ----------------------------------------------------
    def defaults(self) -> dict[str, Any]:
        """The value of every control at its default."""
        return {c.name: c.default for c in self.controls}

    def _arguments(self, values: dict[str, Any]) -> dict[str, Any]:
        """The model's keyword arguments at ``values``: the fixed ones, then every control
        (missing controls at their defaults)."""
        return {**self.fixed, **self.defaults(), **values}

    def call_model(self, **values: Any) -> Any:
        """Run the model at ``values`` (missing controls take their defaults), always: the
        results :meth:`compute` keeps are neither read nor written (what a timing measures)."""
        return self.model(**self._arguments(values))

    def forget(self) -> None:
        """Drop the model results :meth:`compute` keeps (the next call runs the model)."""
        self.__dict__.pop("_results", None)

    def compute(self, **values: Any) -> Any:
        """Run the model at ``values`` (missing controls take their defaults).

        The last few results are kept (the model is a pure function of its arguments): a
        notebook's preview and live panel, or a frame worker's layout drawing and its frame at
        the defaults, then share one model call.
        """
        args = self._arguments(values)
        try:
            key: Any = tuple(sorted(args.items()))
            hash(key)
        except TypeError:  # an unhashable argument: no memory
            return self.model(**args)
        memo = self.__dict__.setdefault("_results", {})
        if key in memo:
            memo[key] = memo.pop(key)  # most recently used last
            return memo[key]
        result = self.model(**args)
        memo[key] = result
        while len(memo) > _RESULTS_KEPT:
            memo.pop(next(iter(memo)))
        return result

    def css_width_px(self) -> float:
        """Width (CSS px) at which the figure is shown."""
        return plotting.display_width_px(self.width_in)

    def css_height_px(self) -> float:
        return self.css_width_px() * self.height_in / self.width_in

    def figure(self, **values: Any) -> Figure:
        """Compute and draw a new figure at ``values`` (always a fresh, full drawing)."""
        from matplotlib.figure import Figure

        vals = {**self.defaults(), **values}
        with plotting.style():
            fig = Figure(figsize=(self.width_in, self.height_in), layout="constrained")
            self.view(self.compute(**vals), fig, **vals)
            for artist in fig.findobj(lambda a: a.get_animated()):
                artist.set_animated(False)  # a figure on its own draws everything
        return fig

    def alt_for(self, **values: Any) -> str:
        vals = {**self.defaults(), **values}
        labels = {c.name: c.label_for(vals[c.name]) for c in self.controls}
        return self.alt.format(**labels)

    def caption_for(self, **values: Any) -> str:
        vals = {**self.defaults(), **values}
        labels = {c.name: c.label_for(vals[c.name]) for c in self.controls}
        return self.caption.format(**labels)

    def png(self, **values: Any) -> bytes:
        """The figure at ``values`` as PNG bytes, drawn on this explorer's reused canvas."""
        vals = {**self.defaults(), **values}
        if self.dpi is not None:
            return plotting.figure_png(self.figure(**vals), dpi=self.dpi)
        if self._canvas is None:
            self._canvas = _Canvas(self, plotting.PIXEL_RATIO)
        return self._canvas.render(vals, "png-fast")

    def redraw(self, canvas: _Canvas | None = None, **values: Any) -> bytes:
        """One live redraw (model, drawing, fast PNG) as the live panel does it."""
        if canvas is None:
            if getattr(self, "_live_canvas", None) is None:
                self._live_canvas = _Canvas(self, LIVE_PIXEL_RATIO)
            canvas = self._live_canvas
        return canvas.render({**self.defaults(), **values}, "png-fast")

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

    def render_frames(self, combos: list[dict[str, Any]], fmt: str | None = None) -> list[bytes]:
        """Encoded images of the figure at each of ``combos`` (in parallel where it helps)."""
        fmt = fmt or _frame_format()
        workers = _worker_count(len(combos))
        if workers > 1:
            try:
                return self._render_parallel(combos, fmt, workers)
            except Exception:  # a pool that cannot start (no fork, no /dev/shm): draw here
                pass
        return _render_chunk(self, combos, fmt)

    def _render_parallel(self, combos: list[dict[str, Any]], fmt: str, workers: int) -> list[bytes]:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        global _FORKED_EXPLORER
        size = math.ceil(len(combos) / workers)
        chunks = [combos[i:i + size] for i in range(0, len(combos), size)]
        _FORKED_EXPLORER = self
        try:
            with ProcessPoolExecutor(len(chunks), mp_context=multiprocessing.get_context("fork")) as pool:
                parts = list(pool.map(_render_forked, chunks, [fmt] * len(chunks), timeout=600))
        finally:
            _FORKED_EXPLORER = None
        return [image for part in parts for image in part]

    def static_html(self) -> str:
        """HTML for the book: controls, the opening frame inline, the other frames as files
        (or inline data when no frames directory is set) and the alt text of every frame."""
        uid = "il2x-" + uuid.uuid4().hex[:10]
        varied = self.static_controls()
        grids = [c.values() for c in varied]
        defaults = self.defaults()
        keys: list[str] = []
        combos: list[dict[str, Any]] = []
        indices = list(itertools.product(*(range(len(g)) for g in grids)))
        for idx in indices:
            vals = dict(defaults)
            vals.update({c.name: g[i] for c, g, i in zip(varied, grids, idx)})
            keys.append("-".join(map(str, idx)))
            combos.append(vals)
        fmt = _frame_format()
        mime = f"image/{fmt}"
        # Rendered with the main control varying fastest: consecutive frames differ in one
        # control, and the later ones (menus that may change the panels and force a full
        # drawing) change least often, so most frames are quick updates of the one before.
        order = sorted(range(len(indices)), key=lambda k: indices[k][::-1])
        rendered = self.render_frames([combos[k] for k in order], fmt)
        images: list[bytes] = [b""] * len(combos)
        for k, image in zip(order, rendered):
            images[k] = image
        frames_dir = os.environ.get(FRAMES_DIR_ENV, "")
        frames: dict[str, str] = {}
        alts: dict[str, str] = {}
        captions: dict[str, str] = {}
        inline: dict[str, str] = {}
        for key, vals, data in zip(keys, combos, images):
            inline[key] = f"data:{mime};base64," + base64.b64encode(data).decode()
            if frames_dir:
                name = hashlib.sha256(data).hexdigest()[:20] + "." + fmt
                path = pathlib.Path(frames_dir) / name
                if not path.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                    tmp = path.with_suffix(f".{os.getpid()}.tmp")
                    tmp.write_bytes(data)
                    tmp.replace(path)
                frames[key] = name
            else:
                frames[key] = inline[key]
            alts[key] = self.alt_for(**vals)
            if self.caption:
                captions[key] = self.caption_for(**vals)
        start = [g.index(defaults[c.name]) for c, g in zip(varied, grids)]
        start_key = "-".join(map(str, start))
        rows = []
        for j, (c, g) in enumerate(zip(varied, grids)):
            cid = f"{uid}-c{j}"
            labels = [c.label_for(v) for v in g]
            if isinstance(c, Slider):
                rows.append(
                    f'<div class="il2x-row il2x-slider"><label for="{cid}">{html.escape(c.label)}</label>'
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
                    f'<div class="il2x-row il2x-choice"><label for="{cid}">{html.escape(c.label)}</label>'
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
        payload: dict[str, Any] = {"frames": frames, "alts": alts}
        if captions:
            payload["captions"] = captions
        if frames_dir:
            payload["dir"] = "il2-frames/"
        data = json.dumps(payload).replace("</", "<\\/")
        title = f'<p class="il2x-title">{html.escape(self.title)}</p>' if self.title else ""
        caption = (f'<p class="il2x-caption" aria-live="polite">{html.escape(captions[start_key])}</p>'
                   if captions else "")
        return (
            f'<div class="il2-explorer" id="{uid}">{title}'
            f'<div class="il2x-controls">{"".join(rows)}</div>'
            f'<img class="il2x-figure" src="{inline[start_key]}" alt="{html.escape(alts[start_key])}" '
            f'width="{round(self.css_width_px())}" height="{round(self.css_height_px())}">'
            f"{caption}{note}"
            f'<script type="application/json" class="il2x-data">{data}</script></div>'
        )

    # -- the live ipywidgets panel ------------------------------------------------------
    def widget(self) -> Any:
        """An ipywidgets panel whose figure follows its controls, also while a slider is dragged.

        Each change records the controls' values; the redraw runs as soon as the kernel is
        free, with the latest values, so changes that arrived during a redraw are drawn once.
        """
        import asyncio

        import ipywidgets as w

        inputs = {c.name: c.widget() for c in self.controls}
        # each free slider with its value read out beside it, as the book writes it
        rows, readouts = [], []
        for c in self.controls:
            wid = inputs[c.name]
            if isinstance(c, Slider) and not c.grid_only:
                label = w.Label(c.label_for(wid.value), layout=w.Layout(min_width="7em"))
                label.add_class("il2x-readout")
                readouts.append((c, wid, label))
                row = w.HBox([wid, label], layout=w.Layout(width="95%", align_items="center"))
                row.add_class("il2x-row")
                rows.append(row)
            else:
                rows.append(wid)
        width = round(self.css_width_px())
        picture = w.Image(format="png", layout=w.Layout(width=f"{width}px", max_width="100%", height="auto"))
        alt = w.HTML()  # the figure's description for screen readers (visually hidden)
        caption = w.HTML()
        canvas = _Canvas(self, LIVE_PIXEL_RATIO)
        state = {"scheduled": False}

        def values() -> dict[str, Any]:
            return {n: wid.value for n, wid in inputs.items()}

        def draw() -> None:
            state["scheduled"] = False
            vals = values()
            picture.value = canvas.render(vals, "png-fast")
            text = self.alt_for(**vals)
            alt.value = (f'<span class="il2x-alt" style="position:absolute;width:1px;height:1px;'
                         f'overflow:hidden;clip:rect(0 0 0 0)">{html.escape(text)}</span>')
            if self.caption:
                caption.value = f'<p class="il2x-caption">{html.escape(self.caption_for(**vals))}</p>'

        def changed(_change: Any = None) -> None:
            for c, wid, label in readouts:  # the readouts follow at once; the figure when free
                label.value = c.label_for(wid.value)
            if state["scheduled"]:
                return
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # no event loop (a plain script or a test): draw now
                draw()
                return
            state["scheduled"] = True
            loop.call_soon(draw)

        for wid in inputs.values():
            wid.observe(changed, names="value")
        draw()
        children = ([w.HTML(f"<b>{html.escape(self.title)}</b>")] if self.title else []) + [
            *rows,
            picture,
            caption,
            alt,
        ]
        box = w.VBox(children)
        box.add_class("il2-explorer-live")
        return box

    def preview_html(self) -> str:
        """HTML fallback without frames: the figure at the default values and a note."""
        canvas = _Canvas(self, plotting.PIXEL_RATIO)
        uri = base64.b64encode(canvas.render(self.defaults(), "png")).decode()
        title = f'<p class="il2x-title">{html.escape(self.title)}</p>' if self.title else ""
        caption = f'<p class="il2x-caption">{html.escape(self.caption_for())}</p>' if self.caption else ""
        return (
            f'<div class="il2-explorer-preview">{title}'
            f'<img src="data:image/png;base64,{uri}" alt="{html.escape(self.alt_for())}" '
            f'width="{round(self.css_width_px())}" style="max-width:100%;height:auto">{caption}'
            '<p class="il2x-note">A preview at the default values. The controls work in a running '
            "notebook (JupyterLab) and in the built book.</p></div>"
        )

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        bundle: dict[str, Any] = {"text/plain": f"<Explorer: {self.title or self.alt_for()}>"}
        static = os.environ.get(STATIC_ENV, "") == "1"
        if static:
            # The book shows the static HTML; a widget here would only add its state (and the
            # widget manager's script) to the page.
            bundle["text/html"] = self.static_html()
            return bundle
        bundle["text/html"] = self.preview_html()
        widget_bundle = self.widget()._repr_mimebundle_()
        if isinstance(widget_bundle, tuple):
            widget_bundle = widget_bundle[0]
        if WIDGET_MIME in widget_bundle:
            bundle[WIDGET_MIME] = widget_bundle[WIDGET_MIME]
        return bundle


def explore(
    model: Callable[..., Any],
    view: Callable[..., Any],
    controls: Sequence[Control],
    *,
    alt: str,
    **options: Any,
) -> Explorer:
    """Build an :class:`Explorer` (the form every chapter uses); see the class for options."""
    return Explorer(model, view, controls, alt=alt, **options)
