"""Small Sphinx additions for the IL-2 book, loaded through ``sphinx.local_extensions`` in _config.yml.

Static explorers: the build sets ``IL2_STATIC_EXPLORERS=1`` before any notebook runs; the
kernels inherit it, and every explorer then pre-renders its frames for the static pages
(see ``lib/il2/explore.py``). Live notebooks and nbmake skip that work.

Page assets (``trim_page_assets``), so that a page loads only what it shows:

- sphinx-thebe (pulled in by Jupyter Book) can register its inline configuration script twice
  when Sphinx reads documents in more than one pass; the second copy re-declares
  ``const THEBE_JS_URL`` and the browser reports an uncaught SyntaxError. Each page keeps the
  first copy of every identical script.
- The explorers' notebooks carry ipywidgets state (the live control panels), but the book shows
  each explorer's static HTML view (``nb_mime_priority_overrides`` in _config.yml), so no
  widget is ever rendered: the state (100-200 kB a page) and any widget manager script are
  dropped.
- MathJax (1.3 MB) is loaded only on pages that contain mathematics. Sphinx counts a page as
  having equations when any page of its toctree has some, so the root page loaded MathJax
  for nothing.

Templates (``book/_templates``): ``layout.html`` drops the theme's Font Awesome SVG script
(1.5 MB); the theme's stylesheet already draws the same icons with the Font Awesome web font
(150 kB, loaded only when an icon is on screen).

Bibliography (pybtex style ``il2``, set as ``bibtex_default_style`` in _config.yml): ``plain``
formatting with labels like the in-text author-year citations, "Morgan et al., 1976", instead of
"[31]"; two entries that would share a label get "2000a" and "2000b".

Glued numbers in live form (``eval_glued_role``): chapters write a number in their prose as
``{eval}`glued("key:format")``` so that JupyterLab (jupyterlab-myst) evaluates it in the kernel
(``lib/il2/notebook.py``). In the book, that exact form is read as myst-nb's
``{glue:text}`key:format``` role, which pastes the value stored in the executed (cached)
notebook: the build keeps ``execute_notebooks: cache`` and needs no kernel for the prose. Any
other ``{eval}`` expression goes to myst-nb's own role, which warns outside inline execution (so a
strict build fails on it).

Downloaded chapters (``fill_downloaded_numbers``): the page's download button offers
``_sources/<chapter>.ipynb``, the committed notebook without outputs. After the build, each
markdown cell of that copy gets the values of its glued numbers as jupyterlab-myst's
``user_expressions`` metadata (from the ``.glue.json`` myst-nb writes beside each executed
notebook, formatted as the page shows them), so the downloaded chapter opened in JupyterLab reads with its numbers before it is run.
Running it needs the ``il2`` library (see book/how-to-use.md).
"""

from __future__ import annotations

import os
import re
from typing import Any

WIDGET_STATE_TYPE = "application/vnd.jupyter.widget-state+json"

#: The live form of a glued number, ``glued("key:format")`` (see lib/il2/notebook.py).
GLUED_EXPRESSION = re.compile(r"""^\s*glued\(\s*(['"])([^'"]+)\1\s*\)\s*$""")


def make_eval_glued_role(paste_text: Any, eval_any: Any) -> Any:
    """The ``eval`` role of the book: ``glued("spec")`` pastes glue, anything else is myst-nb's."""

    def eval_glued_role(name, rawtext, text, lineno, inliner, options=None, content=()):
        match = GLUED_EXPRESSION.match(text)
        if match:
            spec = match.group(2)
            return paste_text("glue:text", f"{{glue:text}}`{spec}`", spec, lineno, inliner, options, content)
        return eval_any(name, rawtext, text, lineno, inliner, options, content)

    return eval_glued_role


def _script_key(script: Any) -> tuple[str, tuple]:
    attributes = getattr(script, "attributes", {}) or {}
    return (str(getattr(script, "filename", script) or ""), tuple(sorted((k, str(v)) for k, v in attributes.items())))


def _is_widget_asset(script: Any) -> bool:
    attributes = getattr(script, "attributes", {}) or {}
    name = str(getattr(script, "filename", "") or "")
    return attributes.get("type") == WIDGET_STATE_TYPE or "html-manager" in name or "requirejs" in name


def _is_mathjax(script: Any, mathjax_path: str) -> bool:
    attributes = getattr(script, "attributes", {}) or {}
    name = str(getattr(script, "filename", "") or "")
    body = str(attributes.get("body", ""))
    return bool(mathjax_path) and name.endswith(mathjax_path) or body.lstrip().startswith("window.MathJax")


def page_has_math(app: Any, pagename: str, body: str) -> bool:
    """True when this page itself (not a page below it in the toctree) shows mathematics."""
    try:
        if app.env.get_domain("math").data["has_equations"].get(pagename, False):
            return True
    except (KeyError, AttributeError):
        return True  # cannot tell: keep MathJax
    return 'class="math' in body or "\\(" in body or "\\[" in body


def trim_page_assets(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    scripts = context.get("script_files")
    if not scripts:
        return
    has_math = page_has_math(app, pagename, str(context.get("body", "")))
    seen: set[tuple[str, tuple]] = set()
    kept = []
    for script in scripts:
        key = _script_key(script)
        if key in seen or _is_widget_asset(script):
            continue
        if not has_math and _is_mathjax(script, app.config.mathjax_path):
            continue
        seen.add(key)
        kept.append(script)
    # In place: the builder and later handlers hold the same list.
    scripts[:] = kept


def _plain_names(persons: list) -> str:
    """Surnames as the in-text author-year citations give them: A; A and B; A et al."""
    import pybtex.plugin

    last = pybtex.plugin.find_plugin("pybtex.style.names", "last")()
    names = [str(last.format(p, True).format().render_as("text")).replace("{", "").replace("}", "") for p in persons]
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if len(names) == 2:
        return f"{names[0]} and {names[1]}"
    return f"{names[0]} et al."


def author_year_labels(entries: list) -> list[str]:
    """One label per entry, "Surname et al., 1976", with a, b, ... where two would be equal."""
    labels = []
    for entry in entries:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        who = _plain_names(persons) or str(entry.fields.get("title", entry.key)).strip("{}")
        labels.append(f"{who}, {entry.fields.get('year', 'n.d.')}")
    counts: dict[str, int] = {}
    for label in labels:
        counts[label] = counts.get(label, 0) + 1
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        if counts[label] > 1:
            seen[label] = seen.get(label, 0) + 1
            label = label + "abcdefghijklmnopqrstuvwxyz"[seen[label] - 1]
        out.append(label)
    return out


def register_bibliography_style() -> None:
    """Register the ``il2`` pybtex style: ``plain`` formatting with author-year labels."""
    import pybtex.plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.sorting import BaseSortingStyle

    class AuthorYearLabelStyle(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            return iter(author_year_labels(list(sorted_entries)))

    class AuthorYearSortingStyle(BaseSortingStyle):
        """As an author-year list is read: by label (first surname, co-authors), then year."""

        def sorting_key(self, entry):
            who, _, year = author_year_labels([entry])[0].rpartition(", ")
            return (who.casefold(), year, str(entry.fields.get("title", "")).casefold())

    class Il2Style(PlainStyle):
        default_label_style = "il2_author_year"
        default_sorting_style = "il2_author_year"

    pybtex.plugin.register_plugin("pybtex.style.labels", "il2_author_year", AuthorYearLabelStyle, force=True)
    pybtex.plugin.register_plugin("pybtex.style.sorting", "il2_author_year", AuthorYearSortingStyle, force=True)
    pybtex.plugin.register_plugin("pybtex.style.formatting", "il2", Il2Style, force=True)


_IMG_WITHOUT_LOADING = re.compile(r"<img(?![^>]*\sloading=)")


def lazy_images(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Images load when the reader nears them (``loading="lazy"``): a first visit on a slow
    link fetches only the figures on screen, as the explorers' frames already do."""
    body = context.get("body")
    if body:
        context["body"] = _IMG_WITHOUT_LOADING.sub('<img loading="lazy" decoding="async"', body)


def _frames_store(app: Any) -> str:
    """Where notebook kernels write explorer frames: beside the execution cache (``_build``), so
    a notebook taken from the cache still finds its frames after ``_build/html`` is deleted."""
    return os.path.join(os.path.dirname(os.path.abspath(app.outdir)), "il2-frames")


def point_kernels_at_frames_store(app: Any) -> None:
    os.environ["IL2_FRAMES_DIR"] = _frames_store(app)
    os.makedirs(_frames_store(app), exist_ok=True)


def copy_frames(app: Any, exception: Exception | None) -> None:
    """Copy the explorer frames into the built site (``_static/il2-frames``), which the page
    script loads them from."""
    if exception is not None or app.builder.format != "html":
        return
    import shutil

    src = _frames_store(app)
    if os.path.isdir(src):
        shutil.copytree(src, os.path.join(app.outdir, "_static", "il2-frames"), dirs_exist_ok=True)


def glue_texts(executed: dict) -> dict[str, str]:
    """The text/plain value of every ``glue`` call, by key.

    ``executed`` is either the ``<notebook>.glue.json`` that myst-nb writes beside the executed
    notebook (key -> output with the value's mime bundle) or an executed notebook itself.
    """
    prefix = "application/papermill.record/"
    values = {}
    if "cells" not in executed:
        for name, out in executed.items():
            text = out.get("data", {}).get("text/plain")
            if text is not None:
                values[name] = "".join(text) if isinstance(text, list) else text
        return values
    for cell in executed.get("cells", []):
        for out in cell.get("outputs", []):
            name = out.get("metadata", {}).get("scrapbook", {}).get("name")
            text = out.get("data", {}).get(prefix + "text/plain")
            if name and text is not None:
                values[name] = "".join(text) if isinstance(text, list) else text
    return values


def user_expressions(markdown: str, values: dict[str, str]) -> list[dict]:
    """jupyterlab-myst's stored results for a markdown cell's glued numbers (empty if it has none)."""
    from myst_nb.core.variables import format_plain_text

    results = []
    for match in re.finditer(r"\{eval\}`([^`]*)`", markdown):
        expression = match.group(1)
        spec = GLUED_EXPRESSION.match(expression)
        if not spec:
            continue
        key, _, fmt = spec.group(2).rpartition(":") if ":" in spec.group(2) else (spec.group(2), "", "")
        if key not in values:
            continue
        text = format_plain_text(values[key], fmt)
        results.append({"expression": expression,
                        "result": {"status": "ok", "data": {"text/plain": repr(text)}, "metadata": {}}})
    return results


def fill_downloaded_numbers(app: Any, exception: Exception | None) -> None:
    import json
    import pathlib

    if exception is not None or app.builder.format != "html":
        return
    sources = pathlib.Path(app.outdir) / "_sources"
    executed_dir = pathlib.Path(app.outdir).parent / "jupyter_execute"
    for path in sources.rglob("*.ipynb"):
        executed = (executed_dir / path.relative_to(sources)).with_suffix(".glue.json")
        if not executed.exists():
            continue
        values = glue_texts(json.loads(executed.read_text(encoding="utf-8")))
        if not values:
            continue
        nb = json.loads(path.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] == "markdown":
                src = cell["source"]
                found = user_expressions("".join(src) if isinstance(src, list) else src, values)
                if found:
                    cell.setdefault("metadata", {})["user_expressions"] = found
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    from myst_nb.ext.eval import EvalRoleAny
    from myst_nb.ext.glue.roles import PasteTextRole

    os.environ["IL2_STATIC_EXPLORERS"] = "1"
    app.setup_extension("myst_nb")  # so that its eval role is registered before ours replaces it
    app.add_role("eval", make_eval_glued_role(PasteTextRole(), EvalRoleAny()), override=True)
    app.connect("builder-inited", point_kernels_at_frames_store)
    app.connect("html-page-context", lazy_images)
    app.connect("build-finished", copy_frames)
    app.connect("build-finished", fill_downloaded_numbers)
    register_bibliography_style()
    # Late, so that the MathJax and myst-nb handlers have added their scripts first.
    app.connect("html-page-context", trim_page_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
