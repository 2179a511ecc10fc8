"""The explorer helper: static frames that answer their controls, a live widget, clear errors."""

import json
import re

import numpy as np
import pytest

from il2.explore import (FRAMES_DIR_ENV, STATIC_ENV, WIDGET_MIME, WORKERS_ENV, Choice, Explorer, Slider,
                         explore)


def _model(amplitude, shape):
    x = np.linspace(0, 1, 50)
    return x, amplitude * (x if shape == "line" else x**2)


def _view(result, fig, **values):
    ax = fig.subplots()
    ax.plot(*result)
    ax.set_ylim(0, 3)


def _explorer(**kw):
    return explore(
        _model,
        _view,
        [Slider("amplitude", "Amplitude", 0.5, 2.5, 1.0, steps=5, unit="a.u."),
         Choice("shape", "Shape", [("Straight", "line"), ("Curved", "curve")], "line")],
        alt="A {shape} curve of amplitude {amplitude}.",
        title="Test explorer",
        **kw,
    )


def _frames(html):
    data = re.search(r'<script type="application/json" class="il2x-data">(.*?)</script>', html, re.S)
    return json.loads(data.group(1))


def test_slider_grid_contains_default_and_bounds():
    s = Slider("dose", "Dose", 1e3, 1e6, 6e5, steps=7, log=True, unit="IU/kg")
    vals = s.values()
    assert 6e5 in vals and vals[0] == pytest.approx(1e3) and vals[-1] == pytest.approx(1e6)
    assert vals == sorted(vals)
    assert Slider("n", "Doses", 1, 14, 14, steps=5, integer=True).values()[-1] == 14


def test_static_html_has_a_frame_per_combination_and_they_differ():
    ex = _explorer()
    html = ex.static_html()
    data = _frames(html)
    assert len(data["frames"]) == 5 * 2
    assert len(set(data["frames"].values())) == 10, "every combination must draw a different figure"
    # The alt text follows the values of each frame.
    assert data["alts"]["0-1"] == "A Curved curve of amplitude 0.5 a.u.."
    # The default frame is the one shown first.
    assert 'aria-valuetext="1 a.u."' in html
    # Every control is labelled for screen readers and keyboard users.
    for cid in re.findall(r'<(?:input|select)[^>]* id="([^"]+)"', html):
        assert f'<label for="{cid}">' in html


def test_too_many_frames_hold_trailing_controls_and_say_so():
    ex = _explorer(max_frames=6)
    html = ex.static_html()
    assert len(_frames(html)["frames"]) == 5
    assert "1 of the 2 controls are held here: Shape Straight" in html
    assert "<select" not in html


def test_frame_budget_keeps_the_leading_controls_that_fit():
    controls = [Slider("a", "A", 0, 1, 0.5, steps=5), Slider("b", "B", 0, 1, 0.5, steps=3),
                Slider("c", "C", 0, 1, 0.5, steps=3)]
    ex = explore(lambda a, b, c: (a, b, c), lambda r, fig, **v: fig.subplots(), controls, alt="x", max_frames=20)
    assert [c.name for c in ex.static_controls()] == ["a", "b"]
    ex_small = explore(lambda a, b, c: 0, lambda r, fig, **v: fig.subplots(), controls, alt="x", max_frames=2)
    assert [c.name for c in ex_small.static_controls()] == ["a"], "the main control always moves"
    ex_all = explore(lambda a, b, c: 0, lambda r, fig, **v: fig.subplots(), controls, alt="x", max_frames=45)
    assert len(ex_all.static_controls()) == 3


def test_mimebundle_for_the_book_carries_working_static_html_and_no_widget(monkeypatch):
    """The book shows the static HTML; a widget would only add its state and script to the page."""
    monkeypatch.setenv(STATIC_ENV, "1")
    monkeypatch.delenv(FRAMES_DIR_ENV, raising=False)
    bundle = _explorer()._repr_mimebundle_()
    assert WIDGET_MIME not in bundle
    assert bundle["text/html"].startswith('<div class="il2-explorer"')
    assert len(_frames(bundle["text/html"])["frames"]) == 10


def test_frames_written_as_files_when_a_frames_directory_is_set(monkeypatch, tmp_path):
    monkeypatch.setenv(FRAMES_DIR_ENV, str(tmp_path))
    html = _explorer(caption="Amplitude {amplitude}.").static_html()
    data = _frames(html)
    assert data["dir"] == "il2-frames/"
    files = {p.name for p in tmp_path.iterdir()}
    assert set(data["frames"].values()) == files and len(files) == 10
    assert all(name.endswith((".webp", ".png")) for name in files)
    # The opening frame stays inline (the page shows it without any script), with its alt text.
    assert re.search(r'<img class="il2x-figure" src="data:image/(webp|png);base64,', html)
    assert 'alt="A Straight curve of amplitude 1 a.u.."' in html
    assert '<p class="il2x-caption" aria-live="polite">Amplitude 1 a.u..</p>' in html
    assert data["captions"]["4-1"] == "Amplitude 2.5 a.u.."


def test_frames_in_parallel_match_frames_drawn_in_turn(monkeypatch):
    ex = _explorer()
    combos = [{"amplitude": a, "shape": s} for a in ex.controls[0].values() for s in ("line", "curve")]
    monkeypatch.setenv(WORKERS_ENV, "1")
    serial = ex.render_frames(combos, "png")
    monkeypatch.setenv(WORKERS_ENV, "2")
    assert ex.render_frames(combos, "png") == serial


def test_mimebundle_in_a_live_kernel_skips_the_frames(monkeypatch):
    """Running a notebook live (or under nbmake) renders one preview, not every frame."""
    monkeypatch.delenv(STATIC_ENV, raising=False)
    bundle = _explorer()._repr_mimebundle_()
    assert WIDGET_MIME in bundle
    html = bundle["text/html"]
    assert html.count("<img") == 1 and "il2x-data" not in html and "<input" not in html
    assert 'alt="A Straight curve of amplitude 1 a.u.."' in html


def test_live_widget_redraws_while_dragging():
    ex = _explorer(caption="Amplitude {amplitude}.")
    panel = ex.widget()
    slider, readout = panel.children[1].children
    picture, caption, alt = panel.children[-3:]
    before = bytes(picture.value)
    assert before.startswith(b"\x89PNG")
    slider.value = 2.0
    assert bytes(picture.value) != before
    assert "amplitude 2 a.u." in alt.value and "Amplitude 2 a.u.." in caption.value
    assert slider.continuous_update is True, "redraw while dragging (changes are coalesced)"
    assert readout.value == "2 a.u.", "the value is read out with its unit, as the book writes it"


def test_live_readout_writes_the_value_as_the_book_does():
    """The widget's own readout would show 6.00e+5 for a dose of 600,000 IU/kg; the panel hides it
    and shows the control's label instead, also between grid values and for integer sliders."""
    dose = Slider("dose", "Dose", 6_000.0, 720_000.0, 600_000.0, log=True, unit="IU/kg")
    doses = Slider("doses", "Doses", 1, 14, 14, integer=True, unit="doses")
    ex = explore(lambda dose, doses: dose * doses, lambda r, fig, **v: fig.add_subplot().plot([0, 1]),
                 [dose, doses], alt="x")
    panel = ex.widget()
    (dose_w, dose_label), (doses_w, doses_label) = (row.children for row in panel.children[:2])
    assert (dose_w.readout, doses_w.readout) == (False, False)
    assert (dose_label.value, doses_label.value) == ("600,000 IU/kg", "14 doses")
    dose_w.value = 238_765.4
    doses_w.value = 3
    assert (dose_label.value, doses_label.value) == ("239,000 IU/kg", "3 doses")


def _counting_view(calls):
    def view(result, fig, **values):
        calls.append("view")
        ax = fig.subplots()
        (line,) = ax.plot(*result)
        ax.set_ylim(0, 3)
        line.set_animated(True)

        def update(result, amplitude, shape):
            if shape != drawn:
                return False
            calls.append("update")
            line.set_data(*result)

        drawn = values["shape"]
        return update

    return view


def test_updater_redraws_in_place_and_matches_a_full_drawing():
    calls = []
    ex = explore(_model, _counting_view(calls), _explorer().controls, alt="x")
    for a in (0.5, 1.0, 2.0):
        ex.redraw(amplitude=a)
    assert calls == ["view", "update", "update"]
    ex.redraw(amplitude=2.0, shape="curve")  # the updater declines: a full drawing
    assert calls[-1] == "view"
    # An updated frame shows what a fresh drawing at the same values shows.
    from il2.explore import _Canvas, _encode

    from PIL import Image
    import io

    fresh = _Canvas(ex, 1.0)
    fresh.draw(ex.compute(amplitude=2.0), {"amplitude": 2.0, "shape": "line"})
    reused = _Canvas(ex, 1.0)
    reused.draw(ex.compute(amplitude=0.5), {"amplitude": 0.5, "shape": "line"})
    reused.draw(ex.compute(amplitude=2.0), {"amplitude": 2.0, "shape": "line"})
    a = np.asarray(Image.open(io.BytesIO(_encode(fresh.canvas, "png"))), dtype=float)
    b = np.asarray(Image.open(io.BytesIO(_encode(reused.canvas, "png"))), dtype=float)
    assert a.shape == b.shape and np.abs(a - b).mean() < 0.5


def test_readouts_are_numbers_a_reader_would_type():
    helpers = Slider("helpers", "Helpers", 30.0, 30_000.0, 1000.0, steps=13, log=True)
    assert [helpers.label_for(v) for v in helpers.values()][:4] == ["30", "53", "95", "170"]
    assert Slider("n", "Doses", 1, 14, 14, integer=True, unit="doses").label_for(3) == "3 doses"
    assert Slider("f", "Fraction", 0.0, 1.5, 0.0, fmt=".0%").label_for(0.5) == "50%"


def test_bad_construction_is_a_clear_error():
    with pytest.raises(ValueError, match="dose.default"):
        Slider("dose", "Dose", 0, 10, 11)
    with pytest.raises(ValueError, match="dose.min"):
        Slider("dose", "Dose", 0, 10, 5, log=True)
    with pytest.raises(ValueError, match="shape.default"):
        Choice("shape", "Shape", ["a", "b"], "c")
    with pytest.raises(ValueError, match="alt must be"):
        explore(_model, _view, [Slider("amplitude", "A", 0, 1, 0.5)], alt=" ")
    with pytest.raises(ValueError, match="controls must hold"):
        Explorer(_model, _view, [], alt="x")
    with pytest.raises(ValueError, match="caption must be"):
        explore(_model, _view, [Slider("a", "A", 0, 1, 0.5)], alt="x", caption=None)
    with pytest.raises(ValueError, match="distinct names"):
        explore(_model, _view, [Slider("a", "A", 0, 1, 0.5), Slider("a", "B", 0, 1, 0.5)], alt="x")


def test_changes_during_a_redraw_are_coalesced_into_one_drawing_of_the_latest_value(monkeypatch):
    """In a kernel (an event loop runs), a fast drag sends many values; only the last is drawn."""
    import asyncio

    import il2.explore as E

    drawn = []
    render = E._Canvas.render

    def counting(self, values, fmt):
        drawn.append(values["amplitude"])
        return render(self, values, fmt)

    monkeypatch.setattr(E._Canvas, "render", counting)

    async def drag():
        panel = _explorer().widget()
        slider = panel.children[1].children[0]
        for value in (1.2, 1.4, 1.6, 1.8):
            slider.value = value
        assert drawn == [1.0], "nothing is drawn while changes keep arriving"
        await asyncio.sleep(0.05)

    asyncio.run(drag())
    assert drawn == [1.0, 1.8]


def test_model_results_are_shared_not_stale(monkeypatch):
    """A notebook's preview and live panel share one model call at the defaults; other values,
    and more values than the explorer keeps, run the model again."""
    calls = []

    def model(amplitude, shape):
        calls.append((amplitude, shape))
        return _model(amplitude, shape)

    monkeypatch.delenv(STATIC_ENV, raising=False)
    ex = explore(model, _view, _explorer().controls, alt="x")
    ex._repr_mimebundle_()
    assert calls == [(1.0, "line")], "preview and widget draw one result"
    x, y = ex.compute(amplitude=2.0)
    assert calls[-1] == (2.0, "line") and y[-1] == pytest.approx(2.0)
    for a in (0.5, 1.5, 2.5, 0.75, 1.25):
        ex.compute(amplitude=a)
    n = len(calls)
    ex.compute(amplitude=1.25)
    assert len(calls) == n, "the latest result is kept"
    ex.compute(amplitude=2.0)
    assert len(calls) == n + 1, "an old result is forgotten: the explorer keeps only a few"
    unhashable = explore(lambda amplitude, shape, extra: _model(amplitude, shape), _view,
                         _explorer().controls, alt="x", fixed={"extra": [1, 2]})
    assert unhashable.compute()[1][-1] == pytest.approx(1.0)


def test_static_frames_render_with_the_main_control_fastest(monkeypatch):
    """Consecutive frames differ in the main control, so a menu that forces a full drawing
    changes once (not at every frame), and the page's frames keep their keys."""
    monkeypatch.setenv(WORKERS_ENV, "1")
    calls = []
    ex = explore(_model, _counting_view(calls), _explorer().controls, alt="x")
    frames = _frames(ex.static_html())["frames"]
    assert len(frames) == 10 and set(frames) == {f"{i}-{j}" for i in range(5) for j in range(2)}
    # the layout drawing at the defaults, then the menu's second option once
    assert calls.count("view") == 2
    assert len(set(frames.values())) == 10
