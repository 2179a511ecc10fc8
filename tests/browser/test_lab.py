"""The live path: every chapter opened in JupyterLab (headless Chromium), Run All, read as a page.

A session-scoped fixture starts ``jupyter lab`` on a free loopback port with a token, on a copy
of the chapters (JupyterLab never writes into the repository), with settings that

- render every cell, not only those in view (``windowingMode: none``; the default windowed
  notebook renders lazily, so off-screen markdown would never be checked),
- switch off autosave and the news and update checks (no request leaves the machine).

For each chapter the test runs all cells and checks that

- no cell raised an error;
- no raw MyST is visible in the rendered markdown: no role or directive name (``{term}``,
  ``{glue:text}``, ```` ```{exercise} ````), no directive option (``:label:``, ``:class:``), no
  ``glued(...)`` expression left unevaluated, no inline expression that failed;
- every live explorer redraws its figure when its first slider is moved with the keyboard.

Every wait has a timeout and the server is stopped in a ``finally`` (its whole process group,
kernels included), so a hung kernel or browser fails the test instead of hanging CI.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from ..conftest import ROOT, explorer_cells, toc_files
from .conftest import HTML

pytestmark = pytest.mark.browser

CHAPTERS = [f for f in toc_files() if f.startswith("chapters/")]
#: Seconds for one chapter's Run All (the slowest chapter takes about 80 s on a loaded machine).
RUN_ALL_TIMEOUT_S = 420
#: Raw MyST that must not survive rendering.
RAW_MYST = [
    (re.compile(r"\{[a-z][a-z0-9]*(?::[a-z0-9-]+)*\}`"), "a role"),
    (re.compile(r"\{(?:admonition|exercise|solution|solution-start|solution-end|figure|table|"
                r"note|tip|important|warning|math|glue|eval|code-cell|dropdown)[^}]*\}"), "a directive"),
    (re.compile(r"```|:::"), "a fence"),
    (re.compile(r"^\s*:(?:label|class|name|nonumber|align|width):", re.MULTILINE), "a directive option"),
    (re.compile(r"glued\("), "an unevaluated glued number"),
    # an unknown role shows its bare content: for {glue:text}`key:.1f`, "key:.1f"
    (re.compile(r"[A-Za-z_][\w-]*:,?\.\d+[a-z%]"), "a glue key with its format (an unknown role)"),
]

SETTINGS = {
    "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    "@jupyterlab/docmanager-extension/plugin.jupyterlab-settings": {"autosave": False},
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false", "checkForUpdates": False},
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the chapters: yields (base URL, token)."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "chapters", root / "chapters", ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    built = HTML / "_sources" / "chapters"
    if built.is_dir():  # the chapters as the book's download button offers them
        shutil.copytree(built, root / "downloaded")
    settings = root / "settings"
    for name, value in SETTINGS.items():
        path = settings / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))
    token = secrets.token_hex(16)
    port = _free_port()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "lib"), env.get("PYTHONPATH")]))
    env.pop("IL2_STATIC_EXPLORERS", None)  # live widgets, not the book's static frames
    cmd = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True", f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={root / 'workspaces'}",
    ]
    log = open(root / "lab.log", "w")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, env=env, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                pytest.fail(f"jupyter lab exited with {proc.returncode}: {(root / 'lab.log').read_text()[-2000:]}")
            try:
                urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail("jupyter lab did not answer within 90 s")
                time.sleep(0.5)
        yield base, token
    finally:
        # the server and its kernels share one process group
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def lab_browser(browser):
    """The session's Chromium (tests/browser/conftest.py): one Playwright per process, since a
    second sync_playwright() inside the first one's event loop is refused."""
    return browser


JS_KERNEL_READY = """() => {
  const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  return !!(w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel
            && w.sessionContext.session.kernel.connectionStatus === 'connected');
}"""
JS_RUN_ALL = """async () => {
  const w = window.jupyterapp.shell.currentWidget;
  await w.sessionContext.ready;
  await window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""
JS_DONE = """() => {
  const w = window.jupyterapp.shell.currentWidget;
  const cells = w.content.widgets;
  const code = cells.filter(c => c.model.type === 'code');
  return w.sessionContext.session.kernel.status === 'idle'
    && code.every(c => c.model.executionCount !== null)
    && !Array.from(document.querySelectorAll('.jp-InputPrompt')).some(e => e.textContent.includes('*'));
}"""
JS_NO_PENDING = """() => !Array.from(document.querySelectorAll('.jp-MarkdownCell .myst'))
  .some(e => e.innerText.includes('glued('))"""
JS_ALL_RENDERED = """() => {
  const cells = Array.from(document.querySelectorAll('.jp-MarkdownCell'));
  return cells.length > 0 && cells.every(c => c.querySelector('.jp-Cell-inputArea .myst'));
}"""
JS_MARKDOWN = """() => Array.from(document.querySelectorAll('.jp-MarkdownCell')).map((c, i) => {
  const out = c.querySelector('.jp-Cell-inputArea .myst');  // jupyterlab-myst's rendering
  return {index: i, rendered: !!out && !c.classList.contains('jp-mod-editMode'),
          text: out ? out.innerText : c.innerText};
})"""
JS_ERRORS = """() => Array.from(document.querySelectorAll(
  '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"], .jp-RenderedText[data-mime-type="application/vnd.jupyter.error"]'
)).map(e => e.innerText.slice(0, 500))"""


def _open_and_run(page, base: str, token: str, chapter: str) -> None:
    page.goto(f"{base}/lab/tree/{chapter}.ipynb?token={token}&reset", timeout=90_000)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
    page.wait_for_function(JS_KERNEL_READY, timeout=90_000, polling=250)
    page.evaluate(JS_RUN_ALL)
    page.wait_for_function(JS_DONE, timeout=RUN_ALL_TIMEOUT_S * 1000, polling=500)
    # each markdown cell's inline expressions are evaluated by a request queued behind the code
    # cells; its reply re-renders the cell: wait (bounded) until no expression is left unevaluated
    try:
        page.wait_for_function(JS_NO_PENDING, timeout=60_000, polling=500)
    except Exception:  # the raw-MyST check below reports what is left
        pass


def _raw_myst(cells: list[dict]) -> list[str]:
    found = []
    for cell in cells:
        if not cell["rendered"]:
            found.append(f"markdown cell {cell['index']} is not rendered")
            continue
        for pattern, what in RAW_MYST:
            for m in pattern.finditer(cell["text"]):
                start = max(0, m.start() - 40)
                found.append(f"cell {cell['index']}: {what}: ...{cell['text'][start:m.end() + 40]!r}")
    return found


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_reads_as_its_page_and_explorers_redraw(lab, lab_browser, chapter):
    base, token = lab
    context = lab_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        _open_and_run(page, base, token, chapter)
        errors = page.evaluate(JS_ERRORS)
        assert not [e for e in errors if "Traceback" in e or "Error" in e], errors
        cells = page.evaluate(JS_MARKDOWN)
        assert len(cells) > 5
        raw = _raw_myst(cells)
        assert not raw, f"{len(raw)} raw MyST markers in {chapter}:\n" + "\n".join(raw[:20])
        # inline expressions that failed show their error in place of the value
        failed = page.locator('.jp-MarkdownCell .myst [data-mime-type="application/vnd.jupyter.stderr"]')
        assert failed.count() == 0, failed.first.inner_text()
        # references JupyterLab cannot resolve (no bibliography, figures defined in cell metadata)
        # are shown as their keys, flagged; counted here for the record, not failed
        unresolved = {title: page.locator(f'.jp-MarkdownCell .myst [title="{title}"]').count()
                      for title in ("Citation Not Found", "Cross Reference Not Found")}
        print(f"{chapter}: {len(cells)} markdown cells rendered, 0 raw MyST markers, "
              f"unresolved in JupyterLab: {unresolved}")

        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        explorers = page.locator(".il2-explorer-live")
        n = explorers.count()
        # cells that show an explorer (a setup cell reading an explorer's default is not one)
        expected = sum(bool(names) for names in explorer_cells(ROOT / f"{chapter}.ipynb"))
        assert n >= expected, f"{n} live explorers in {chapter}, {expected} explorer cells"
        for i in range(n):
            explorer = explorers.nth(i)
            handle = explorer.locator(".noUi-handle").first
            if handle.count() == 0:
                continue
            img = explorer.locator("img.widget-image")
            before = img.get_attribute("src")
            # the panel reads a free slider's value out in a label beside it (il2x-readout); a
            # slider over the static grid only shows its option's label in its own readout
            row = handle.locator("xpath=ancestor::div[contains(@class, 'il2x-row')]")
            if row.count():
                readout = row.locator(".il2x-readout")
            else:
                readout = handle.locator(
                    "xpath=ancestor::div[contains(@class, 'widget-slider')]").locator(".widget-readout")
            value_before = readout.inner_text()

            def readout_moved(timeout_ms):
                # a free slider's label is rewritten by the kernel, so it follows a moment later
                try:
                    page.wait_for_function("([el, text]) => el.innerText !== text",
                                           arg=[readout.element_handle(), value_before],
                                           timeout=timeout_ms, polling=100)
                    return True
                except PlaywrightTimeout:
                    return False

            handle.scroll_into_view_if_needed()
            handle.focus()
            for _ in range(5):
                page.keyboard.press("ArrowRight")
            if not readout_moved(5_000):  # at its maximum
                for _ in range(10):
                    page.keyboard.press("ArrowLeft")
                assert readout_moved(30_000), f"explorer {i}: slider did not move"
            page.wait_for_function(
                "([el, src]) => el.getAttribute('src') !== src",
                arg=[img.element_handle(), before], timeout=30_000, polling=100,
            )
    finally:
        context.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_downloaded_chapter_shows_its_numbers_before_it_runs(lab, lab_browser, chapter):
    """The book's download of a chapter, opened in JupyterLab and not run: numbers already there."""
    if not (HTML / "_sources" / f"{chapter}.ipynb").exists():
        pytest.skip("no built book: run `jupyter-book build .` first")
    base, token = lab
    name = chapter.split("/", 1)[1]
    context = lab_browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{base}/lab/tree/downloaded/{name}.ipynb?token={token}&reset", timeout=90_000)
        page.wait_for_selector(".jp-MarkdownCell .myst", timeout=90_000)
        page.wait_for_function(JS_ALL_RENDERED, timeout=90_000, polling=500)
        try:
            page.wait_for_function(JS_NO_PENDING, timeout=30_000, polling=500)
        except Exception:
            pass
        cells = page.evaluate(JS_MARKDOWN)
        raw = _raw_myst(cells)
        assert not raw, f"{len(raw)} raw MyST markers in the downloaded {chapter}:\n" + "\n".join(raw[:20])
    finally:
        context.close()
