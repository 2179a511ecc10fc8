"""Every page of the built book, opened in a real headless Chromium with no network.

Fails on a console error, an uncaught exception, a failed request, a request to any host
other than the local test server, an image that does not load, math left unrendered, or an
explorer whose controls do not change its figure. Run after `jupyter-book build .`:

    pytest -m browser tests/browser -n 0
"""

from __future__ import annotations

import urllib.parse

import pytest

from .conftest import HTML, toc_pages

pytestmark = pytest.mark.browser

PAGES = toc_pages()
MAX_PAGE_BYTES = 5 * 1024 * 1024


def _open(browser, url):
    """Open ``url``; return the page and the lists of problems seen while loading it."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems: dict[str, list[str]] = {"console": [], "failed": [], "offhost": []}
    host = urllib.parse.urlsplit(url).netloc

    def on_console(msg):
        if msg.type == "error":
            problems["console"].append(f"{msg.text} @ {msg.location}")

    def on_request(req):
        parts = urllib.parse.urlsplit(req.url)
        if parts.scheme in ("data", "blob", "about"):
            return
        if parts.netloc != host:
            problems["offhost"].append(req.url)

    def on_response(resp):
        if resp.status >= 400:
            problems["failed"].append(f"{resp.status} {resp.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: problems["console"].append(f"uncaught: {exc}"))
    page.on("request", on_request)
    page.on("requestfailed", lambda req: problems["failed"].append(f"{req.failure} {req.url}"))
    page.on("response", on_response)
    page.goto(url, wait_until="networkidle")
    # MathJax typesets after load; wait for it when the page has math.
    page.evaluate(
        "async () => { const mj = window.MathJax;"
        " if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; } }"
    )
    page.wait_for_load_state("networkidle")
    return page, problems


@pytest.mark.parametrize("path", PAGES)
def test_page_loads_cleanly_offline(browser, book_url, path):
    page, problems = _open(browser, f"{book_url}/{path}")
    try:
        assert not problems["offhost"], f"requests to other hosts: {problems['offhost']}"
        assert not problems["failed"], f"failed requests: {problems['failed']}"
        assert not problems["console"], f"console errors: {problems['console']}"
        # figures load lazily, as the reader nears them: scroll through the page first
        page.evaluate(
            "async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) {"
            " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }"
        )
        page.wait_for_load_state("networkidle")
        page.evaluate(
            "async () => { await Promise.all(Array.from(document.images).map(img => img.complete ? null"
            " : new Promise(r => { img.onload = img.onerror = r; }))); }"
        )
        broken = page.evaluate(
            "() => Array.from(document.images)"
            ".filter(img => !(img.complete && img.naturalWidth > 0)).map(img => img.src.slice(0, 80))"
        )
        assert not broken, f"images that did not load: {broken}"
        no_alt = page.evaluate(
            "() => Array.from(document.querySelectorAll('main img'))"
            ".filter(img => !(img.getAttribute('alt') || '').trim()).map(img => img.src.slice(0, 80))"
        )
        assert not no_alt, f"images without alt text: {no_alt}"
        raw_math = page.evaluate(
            "() => Array.from(document.querySelectorAll('.math'))"
            ".filter(el => !el.querySelector('mjx-container')).map(el => el.textContent.slice(0, 60))"
        )
        assert not raw_math, f"math left unrendered: {raw_math}"
        leftover = page.evaluate("() => document.body.innerText.includes('\\\\(')")
        assert not leftover, "raw \\( ... \\) delimiters visible in the page text"
    finally:
        page.close()


@pytest.mark.parametrize("path", PAGES)
def test_page_is_light(path):
    """Each page, with its figures inlined, stays under 5 MB."""
    size = (HTML / path).stat().st_size
    assert size < MAX_PAGE_BYTES, f"{path} is {size / 1e6:.1f} MB"


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("chapters/")])
def test_every_explorer_answers_its_controls(browser, book_url, path):
    page, problems = _open(browser, f"{book_url}/{path}")
    try:
        explorers = page.locator(".il2-explorer")
        count = explorers.count()
        assert count >= 1, f"{path} has no explorer"
        for i in range(count):
            ex = explorers.nth(i)
            img = ex.locator("img.il2x-figure")
            assert (img.get_attribute("alt") or "").strip(), f"explorer {i} has no alt text"
            ranges = ex.locator("input[type=range]")
            selects = ex.locator("select")
            assert ranges.count() + selects.count() >= 1, f"explorer {i} has no controls"
            for j in range(ranges.count()):
                control = ranges.nth(j)
                cid = control.get_attribute("id")
                assert ex.locator(f"label[for='{cid}']").count() == 1, f"control {cid} has no label"
                before_src = img.get_attribute("src")
                at_max = control.input_value() == control.get_attribute("max")
                control.focus()
                page.keyboard.press("ArrowLeft" if at_max else "ArrowRight")
                after_src = img.get_attribute("src")
                assert after_src != before_src, f"explorer {i}: moving {cid} did not change the figure"
                page.keyboard.press("ArrowRight" if at_max else "ArrowLeft")
                assert img.get_attribute("src") == before_src, f"explorer {i}: moving {cid} back did not restore"
            for j in range(selects.count()):
                control = selects.nth(j)
                before_src = img.get_attribute("src")
                options = control.locator("option")
                current = control.input_value()
                other = next(
                    options.nth(k).get_attribute("value")
                    for k in range(options.count())
                    if options.nth(k).get_attribute("value") != current
                )
                control.select_option(other)
                assert img.get_attribute("src") != before_src, f"explorer {i}: menu did not change the figure"
                control.select_option(current)
        assert not problems["console"], f"console errors: {problems['console']}"
    finally:
        page.close()


@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("chapters/")])
def test_figures_are_sharp_on_high_density_screens(browser, book_url, path):
    """Every static figure carries at least twice the pixels of its displayed width (issue 16.5)."""
    page, _ = _open(browser, f"{book_url}/{path}")
    try:
        page.evaluate(
            "async () => { for (let y = 0; y < document.body.scrollHeight; y += 600) {"
            " window.scrollTo(0, y); await new Promise(r => setTimeout(r, 30)); } }"
        )
        page.wait_for_load_state("networkidle")
        soft = page.evaluate(
            "async () => { const imgs = Array.from(document.querySelectorAll('main figure img'));"
            " await Promise.all(imgs.map(img => img.complete ? null"
            " : new Promise(r => { img.onload = img.onerror = r; })));"
            " return imgs.filter(img => img.clientWidth > 0 && img.naturalWidth < 1.9 * img.clientWidth)"
            ".map(img => `${img.naturalWidth}px shown at ${img.clientWidth}px`); }"
        )
        assert not soft, f"figures rendered below 2x their displayed width: {soft}"
        count = page.evaluate("() => document.querySelectorAll('main figure img').length")
        assert count >= 3, f"{path}: expected the chapter's figures, found {count}"
    finally:
        page.close()


@pytest.mark.parametrize("width", [1280, 1024])
@pytest.mark.parametrize("path", [p for p in PAGES if p.startswith("chapters/")])
def test_tables_and_equations_fit_the_text_column_on_a_desktop(browser, book_url, path, width):
    """At desktop widths no table and no displayed equation is wider than the column it sits in:
    a reader never scrolls sideways to see a table's last column or an equation's last term
    (a phone may scroll a wide equation; its tables are stacked, test_reader.py)."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(f"{book_url}/{path}", wait_until="networkidle")
        page.evaluate(
            "async () => { const mj = window.MathJax;"
            " if (mj && mj.startup && mj.startup.promise) { await mj.startup.promise; } }"
        )
        too_wide = page.evaluate(
            """() => {
              const out = [];
              for (const t of document.querySelectorAll('main table')) {
                const box = t.parentElement;
                if (t.scrollWidth > box.clientWidth + 1)
                  out.push(`table "${(t.caption ? t.caption.innerText : t.innerText).slice(0, 50)}": ` +
                           `${t.scrollWidth} px in ${box.clientWidth}`);
              }
              for (const m of document.querySelectorAll('main mjx-container[display="true"]')) {
                const box = m.closest('.math') || m.parentElement;
                if (m.scrollWidth > box.clientWidth + 1)
                  out.push(`equation ${box.id || ''}: ${m.scrollWidth} px in ${box.clientWidth}`);
              }
              return out;
            }"""
        )
        assert not too_wide, f"wider than the text column at {width} px: {too_wide}"
    finally:
        page.close()
