"""Serve the built book on the loopback interface and drive Debian's Chromium with Playwright."""

from __future__ import annotations

import functools
import http.server
import os
import pathlib
import threading

import pytest

from ..conftest import ROOT, toc_files

HTML = pathlib.Path(os.environ.get("IL2_BUILT_HTML", ROOT / "_build" / "html"))
CHROMIUM = os.environ.get("IL2_CHROMIUM", "/usr/bin/chromium")
# Flags for a sandbox with no network beyond loopback: without the background-networking ones,
# Chromium keeps trying to reach its update and sync services.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def toc_pages() -> list[str]:
    """Every page of the table of contents, as paths of built HTML files."""
    return [f"{f}.html" for f in toc_files()]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep test output readable
        pass


@pytest.fixture(scope="session")
def book_url():
    if not (HTML / "index.html").exists():
        pytest.fail(f"no built book at {HTML}: run `jupyter-book build .` first")
    handler = functools.partial(_QuietHandler, directory=str(HTML))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not pathlib.Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
