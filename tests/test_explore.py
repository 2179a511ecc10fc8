"""The explorer helper: static frames that answer their controls, a live widget, clear errors."""

import json
import re

import numpy as np
import pytest

from il2.explore import STATIC_ENV, WIDGET_MIME, Choice, Explorer, Slider, explore


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


def test_mimebundle_for_the_book_carries_widget_view_and_working_static_html(monkeypatch):
    monkeypatch.setenv(STATIC_ENV, "1")
    bundle = _explorer()._repr_mimebundle_()
    assert WIDGET_MIME in bundle and "model_id" in bundle[WIDGET_MIME]
    assert bundle["text/html"].startswith('<div class="il2-explorer"')
    assert len(_frames(bundle["text/html"])["frames"]) == 10


def test_mimebundle_in_a_live_kernel_skips_the_frames(monkeypatch):
    """Running a notebook live (or under nbmake) renders one preview, not every frame."""
    monkeypatch.delenv(STATIC_ENV, raising=False)
    bundle = _explorer()._repr_mimebundle_()
    assert WIDGET_MIME in bundle
    html = bundle["text/html"]
    assert html.count("<img") == 1 and "il2x-data" not in html and "<input" not in html
    assert 'alt="A Straight curve of amplitude 1 a.u.."' in html


def test_live_widget_redraws_when_a_control_moves():
    ex = _explorer()
    panel = ex.widget()
    picture = panel.children[-1]
    slider = panel.children[1]
    before = picture.value
    slider.value = 2.0
    assert picture.value != before
    assert "amplitude 2 a.u." in picture.value
    assert slider.continuous_update is False, "redraw on release, so slow redraws never queue up"


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
    with pytest.raises(ValueError, match="distinct names"):
        explore(_model, _view, [Slider("a", "A", 0, 1, 0.5), Slider("a", "B", 0, 1, 0.5)], alt="x")
