"""Explorers on a phone (390 x 844, touch) and in the dark theme, in the built book.

Each slider spans at least 200 px and answers a touch drag with another frame; every menu
shows its options whole; in the dark theme the panel follows the page (the figure card stays
white). Run after `jupyter-book build .`:

    pytest -m browser tests/browser/test_explorers_phone.py -n 0
"""

from __future__ import annotations

import pytest

from .conftest import toc_pages

pytestmark = pytest.mark.browser

CHAPTERS = [p for p in toc_pages() if p.startswith("chapters/")]
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True,
         "device_scale_factor": 2}


def _touch_drag(page, x0, y, x1, steps=8):
    """A finger pressed at (x0, y), moved to (x1, y) and lifted (Chrome DevTools touch events)."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x0, "y": y}]})
    for k in range(1, steps + 1):
        x = x0 + (x1 - x0) * k / steps
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


@pytest.mark.parametrize("path", CHAPTERS)
def test_sliders_span_the_phone_and_answer_touch(browser, book_url, path):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{book_url}/{path}", wait_until="networkidle")
        explorers = page.locator(".il2-explorer")
        assert explorers.count() >= 1, f"{path} has no explorer"
        for i in range(explorers.count()):
            ex = explorers.nth(i)
            img = ex.locator("img.il2x-figure")
            ranges = ex.locator("input[type=range]")
            for j in range(ranges.count()):
                slider = ranges.nth(j)
                slider.scroll_into_view_if_needed()
                box = slider.bounding_box()
                assert box["width"] >= 200, f"explorer {i} slider {j} is {box['width']:.0f} px wide"
                assert box["x"] >= 0 and box["x"] + box["width"] <= 390, f"explorer {i} slider {j} off screen"
                before = (img.get_attribute("src"), img.get_attribute("alt"), slider.input_value())
                y = box["y"] + box["height"] / 2
                # Start on the thumb and drag it a good way towards the far side of the track.
                value = int(slider.input_value())
                top = int(slider.get_attribute("max"))
                position = value / max(top, 1)
                start = box["x"] + 8 + (box["width"] - 16) * position
                end = box["x"] + box["width"] * (0.2 if position > 0.5 else 0.8)
                _touch_drag(page, start, y, end)
                after = (img.get_attribute("src"), img.get_attribute("alt"), slider.input_value())
                assert after[2] != before[2], f"explorer {i} slider {j}: a touch drag did not move it"
                assert after[:2] != before[:2], f"explorer {i} slider {j}: the frame did not change"
    finally:
        context.close()


@pytest.mark.parametrize("path", CHAPTERS)
def test_menus_show_their_options_whole_on_a_phone(browser, book_url, path):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    try:
        page.goto(f"{book_url}/{path}", wait_until="networkidle")
        cut = page.evaluate(
            """() => {
              const canvas = document.createElement('canvas');
              const ctx = canvas.getContext('2d');
              const out = [];
              document.querySelectorAll('.il2-explorer select').forEach(sel => {
                const cs = getComputedStyle(sel);
                ctx.font = `${cs.fontWeight} ${cs.fontSize} ${cs.fontFamily}`;
                const box = sel.getBoundingClientRect();
                const room = box.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight) - 20;
                if (box.right > window.innerWidth + 0.5) out.push(`${sel.id} runs off the screen`);
                for (const opt of sel.options) {
                  const w = ctx.measureText(opt.text).width;
                  if (w > room) out.push(`${sel.id}: "${opt.text}" needs ${w.toFixed(0)} px, has ${room.toFixed(0)}`);
                }
              });
              return out;
            }"""
        )
        assert not cut, f"menus cut off: {cut}"
    finally:
        context.close()


def test_dark_theme_explorer_panel_follows_the_page(browser, book_url):
    path = next(p for p in CHAPTERS)
    context = browser.new_context(viewport={"width": 1366, "height": 900}, color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(f"{book_url}/{path}", wait_until="networkidle")
        assert page.evaluate("document.documentElement.dataset.theme") == "dark"
        found = page.evaluate(
            """() => {
              const lum = c => { const m = c.match(/[\\d.]+/g).map(Number);
                                 if (m.length > 3 && m[3] === 0) return null;
                                 return (0.2126 * m[0] + 0.7152 * m[1] + 0.0722 * m[2]) / 255; };
              const ex = document.querySelector('.il2-explorer');
              // The first painted background at or above the panel.
              let el = ex, bg = null;
              while (el && bg === null) { bg = lum(getComputedStyle(el).backgroundColor); el = el.parentElement; }
              // ... and around it (no light block behind the panel).
              let up = ex.parentElement, around = null;
              while (up && around === null) { around = lum(getComputedStyle(up).backgroundColor); up = up.parentElement; }
              const sel = ex.querySelector('select, input[type=range]');
              return {panel: bg, around: around, scheme: getComputedStyle(sel).colorScheme,
                      text: lum(getComputedStyle(ex).color),
                      card: lum(getComputedStyle(ex.querySelector('img.il2x-figure')).backgroundColor)};
            }"""
        )
        assert found["panel"] is not None and found["panel"] < 0.35, f"light panel in the dark theme: {found}"
        assert found["around"] is None or found["around"] < 0.35, f"light block around the panel: {found}"
        assert found["text"] > 0.6, f"dark text on the dark panel: {found}"
        assert "dark" in found["scheme"], f"native controls not in the dark scheme: {found}"
        assert found["card"] > 0.95, "the figure card stays white"
    finally:
        context.close()


def test_save_data_fetches_no_frame_ahead(browser, book_url):
    """A reader whose browser asks to save data (navigator.connection.saveData) gets no frame
    before a control shows it, and then only that frame; without the request the frames along
    the main control arrive as the explorer nears the screen."""
    fetched = {}
    for save in (False, True):
        context = browser.new_context(**PHONE)
        if save:
            context.add_init_script(
                "Object.defineProperty(navigator, 'connection',"
                " {value: {saveData: true}, configurable: true})")
        page = context.new_page()
        frames: list[str] = []
        page.on("request", lambda r, frames=frames: frames.append(r.url) if "il2-frames/" in r.url else None)
        try:
            page.goto(f"{book_url}/{CHAPTERS[0]}", wait_until="networkidle")
            explorer = page.locator(".il2-explorer").first
            explorer.scroll_into_view_if_needed()
            page.wait_for_timeout(500)
            fetched[save] = len(frames)
            if save:
                slider = explorer.locator("input[type=range]").first
                slider.focus()
                at_top = slider.input_value() == slider.get_attribute("max")
                page.keyboard.press("ArrowLeft" if at_top else "ArrowRight")
                page.wait_for_timeout(500)
                assert len(frames) == 1, f"one step of a slider fetched {len(frames)} frames"
        finally:
            context.close()
    assert fetched[False] > 1, "frames along the main control were not fetched ahead"
    assert fetched[True] == 0, f"with Save-Data {fetched[True]} frames were fetched ahead"
