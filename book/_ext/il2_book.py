"""Small Sphinx additions for the IL-2 book, loaded through ``sphinx.local_extensions`` in _config.yml.

Static explorers: the build sets ``IL2_STATIC_EXPLORERS=1`` before any notebook runs; the
kernels inherit it, and every explorer then pre-renders its frames for the static pages
(see ``lib/il2/explore.py``). Live notebooks and nbmake skip that work.

Parallel execution (``execute_notebooks_in_parallel``): before Sphinx reads the documents, the
notebooks that the execution cache lacks run several at a time (``IL2_NOTEBOOK_WORKERS``
processes, default twice the cores, forked from a ``forkserver`` that imported nbformat and the
executor once) and are put in the cache, where myst-nb then finds them; a rebuild with no change
runs nothing.

Bibliography speed (``cache_plugin_lookups``): pybtex and sphinxcontrib-bibtex look their
plugins up in the installed packages' entry points for every citation; the answers are kept
for the build.

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

import functools
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


@functools.lru_cache(maxsize=1)
def _name_plugins() -> tuple[Any, Any]:
    """pybtex's "last" name style and its plain-text backend, looked up once: each lookup scans
    the installed packages' entry points, and the bibliography formats every citation many
    times (once made most of the time Sphinx spent on the book)."""
    import pybtex.plugin

    last = pybtex.plugin.find_plugin("pybtex.style.names", "last")()
    text = pybtex.plugin.find_plugin("pybtex.backends", "text")()
    return last, text


_SURNAMES: dict[str, str] = {}


def _surname(person: Any) -> str:
    key = str(person)
    if key not in _SURNAMES:
        last, text = _name_plugins()
        _SURNAMES[key] = str(last.format(person, True).format().render(text)).replace("{", "").replace("}", "")
    return _SURNAMES[key]


def _plain_names(persons: list) -> str:
    """Surnames as the in-text author-year citations give them: A; A and B; A et al."""
    names = [_surname(p) for p in persons]
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


def _execute_notebook(path: str, timeout: int | None, allow_errors: bool,
                      environ: dict[str, str] | None = None) -> tuple[str, Any, float, str | None]:
    """Run one notebook in its own folder (in a worker process); return it with its outputs.

    ``environ``: the build's environment, for the kernel (a worker forked from a forkserver
    has the environment the server started with, which may be older)."""
    if environ is not None:
        os.environ.clear()
        os.environ.update(environ)
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=os.path.dirname(path), timeout=timeout, allow_errors=allow_errors)
    return path, result.nb, result.time, None if result.err is None else result.exc_string


def execute_notebooks_in_parallel(app: Any, env: Any, docnames: list[str]) -> None:
    """Execute, several at a time, the notebooks that this build reads and the execution cache
    lacks, and put them in the cache; myst-nb then finds each one there.

    myst-nb runs notebooks one after another as Sphinx reads them, which leaves a core idle
    while a kernel imports or draws serially. Here every notebook to read is matched against
    the cache first (as myst-nb's ``cache`` mode does), and the missing ones run in a process
    pool (``IL2_NOTEBOOK_WORKERS``, default twice the cores, at most the notebooks). A
    notebook that fails is left out of the cache, so that myst-nb runs it again and reports
    the error as it always does. Only in ``execute_notebooks: cache`` mode.
    """
    nb_config = getattr(env, "mystnb_config", None)
    if nb_config is None or nb_config.execution_mode != "cache" or not docnames:
        return
    import fnmatch

    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn
    import nbformat

    cache = get_cache(nb_config.execution_cache_path or ".jupyter_cache")
    excluded = list(nb_config.execution_excludepatterns or [])
    todo = []
    for docname in docnames:
        path = str(env.doc2path(docname))
        if not path.endswith(".ipynb") or any(fnmatch.fnmatch(path, pat) for pat in excluded):
            continue
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
        except KeyError:
            todo.append(path)
    if len(todo) < 2:
        return  # nothing to overlap: myst-nb runs it as usual
    raw = os.environ.get("IL2_NOTEBOOK_WORKERS", "")
    try:
        workers = int(raw) if raw else 2 * (os.cpu_count() or 1)
    except ValueError:
        raise ValueError(f"IL2_NOTEBOOK_WORKERS must be a whole number of processes; got {raw!r}") from None
    workers = max(1, min(workers, len(todo)))
    # Longest first, so that the last one to finish is a short one: by the time the cache
    # recorded for an earlier version of the notebook, else by the notebook's size.
    seconds_before: dict[str, float] = {}
    for record in cache.list_cache_records():
        seconds_before[str(record.uri)] = float((record.data or {}).get("execution_seconds") or 0.0)
    todo.sort(key=lambda p: (-seconds_before.get(p, 0.0), -os.path.getsize(p)))
    if workers == 1:
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    from sphinx.util import logging as sphinx_logging

    logger = sphinx_logging.getLogger(__name__)
    logger.info(f"il2: executing {len(todo)} notebooks, {workers} at a time")
    timeout = nb_config.execution_timeout
    allow = bool(nb_config.execution_allow_errors)
    # Workers fork from a server that imported what every worker needs (nbformat, whose
    # jsonschema takes a second to import, and the executor) once, not once per worker;
    # where there is no forkserver, each starts afresh.
    try:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["nbformat", "jupyter_cache.executors.utils", "il2_book"])
    except ValueError:  # pragma: no cover - a platform without fork
        context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        futures = [pool.submit(_execute_notebook, path, timeout, allow, dict(os.environ)) for path in todo]
        for future in as_completed(futures):
            try:
                path, nb, seconds, error = future.result()
            except Exception as exc:  # the worker itself failed: myst-nb will run the notebook
                logger.info(f"il2: a notebook worker failed ({exc!r}); it runs again in order")
                continue
            if error is not None:
                logger.info(f"il2: {os.path.relpath(path, app.srcdir)} failed; it runs again in order")
                continue
            record = cache.add_nb_to_project(path)
            cache.cache_notebook_bundle(CacheBundleIn(nb, record.uri, data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            logger.info(f"il2: executed {os.path.relpath(path, app.srcdir)} in {seconds:.1f} s")


def cache_plugin_lookups() -> None:
    """Look each bibliography plugin up in the installed packages once per build.

    pybtex and sphinxcontrib-bibtex find their styles and backends through the packages' entry
    points, and scan every installed distribution's metadata on each lookup: once for each
    citation and each formatted entry, which made up most of Sphinx's time on this book. The
    installed packages do not change during a build, so the answer of each scan is kept; the
    plugins registered at run time (as :func:`register_bibliography_style` does) are still
    looked up first, as before.
    """
    import pybtex.plugin

    def memo(scan: Any) -> Any:
        if getattr(scan, "_il2_memo", False):
            return scan
        found: dict[tuple, Any] = {}

        def cached(*args: Any, **kwargs: Any) -> Any:
            key = (args, tuple(sorted(kwargs.items())))
            if key not in found:
                found[key] = tuple(scan(*args, **kwargs))
            return found[key]

        cached._il2_memo = True  # type: ignore[attr-defined]
        return cached

    pybtex.plugin.entry_points = memo(pybtex.plugin.entry_points)
    try:
        import sphinxcontrib.bibtex.plugin as bibtex_plugin
    except ImportError:  # pragma: no cover - sphinxcontrib-bibtex is a Jupyter Book dependency
        return
    bibtex_plugin._entry_points = memo(bibtex_plugin._entry_points)


def setup(app: Any) -> dict[str, Any]:
    from myst_nb.ext.eval import EvalRoleAny
    from myst_nb.ext.glue.roles import PasteTextRole

    os.environ["IL2_STATIC_EXPLORERS"] = "1"
    app.setup_extension("myst_nb")  # so that its eval role is registered before ours replaces it
    app.add_role("eval", make_eval_glued_role(PasteTextRole(), EvalRoleAny()), override=True)
    app.connect("builder-inited", point_kernels_at_frames_store)
    app.connect("env-before-read-docs", execute_notebooks_in_parallel)
    app.connect("html-page-context", lazy_images)
    app.connect("build-finished", copy_frames)
    app.connect("build-finished", fill_downloaded_numbers)
    register_bibliography_style()
    cache_plugin_lookups()
    # Late, so that the MathJax and myst-nb handlers have added their scripts first.
    app.connect("html-page-context", trim_page_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
