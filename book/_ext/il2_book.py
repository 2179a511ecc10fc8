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
- MathJax (760 kB) is loaded only on pages that contain mathematics. Sphinx counts a page as
  having equations when any page of its toctree has some, so the root page loaded MathJax
  for nothing.

- MathJax itself is the loader (``startup.js``) with the TeX input, the CommonHTML output and
  the assistive MathML for screen readers (``mathjax3_config`` in _config.yml), about 760 kB,
  not the 1.33 MB "full" bundle, whose extra weight is every TeX extension (the book's
  equations use the base and AMS macros only) and the right-click menu.
- ``single_viewport``: each page gets one ``<meta name="viewport">``. Sphinx's page template has
  one, docutils adds a second to the metatags and pydata-sphinx-theme a third; the template
  drops the theme's, this handler docutils'.

Templates (``book/_templates``): ``layout.html`` drops the theme's Font Awesome SVG script
(1.5 MB); the theme's stylesheet already draws the same icons with the Font Awesome web font
(150 kB, loaded only when an icon is on screen). It also loads the search scripts and the
search index (about 135 kB, with blocking tags) only on the search page: the search box on the
other pages submits to it.

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
``_sources/<chapter>.ipynb``, which Sphinx copies from the committed notebook, without outputs.
After the build that copy becomes the executed chapter, so that a reader without the ``il2``
library still gets every figure and table (``executed_download``):

- each code cell gets its outputs from the execution cache (the notebook the book was built
  from, matched by its code as myst-nb matches it);
- an explorer's static view (controls, a default frame inlined, and a script that fetches the
  other frames from the book's ``_static/il2-frames``, which a notebook does not have) is
  reduced to its title, that default frame, its caption and a line saying how to make it live;
- the glue records (the values the prose shows, invisible in JupyterLab) are dropped, and each
  markdown cell gets the values of its glued numbers as jupyterlab-myst's ``user_expressions``
  metadata (from the ``.glue.json`` myst-nb writes beside each executed notebook, formatted as
  the page shows them), so the downloaded chapter reads with its numbers before it is run.

Running it again needs the ``il2`` library (see book/how-to-use.md).

Library reference (``book/reference/``, Sphinx autodoc with napoleon):

- ``resolve_reexported``: a package exports names of its modules (``il2.growth.simulate`` is
  ``il2.growth.simulation.simulate``), and the reference documents each object once, under one
  of its names. A reference to another name of the same object (a chapter's
  ``il2.growth.simulate``, a module's own ``:func:`simulate```) is resolved to the documented
  one: both names are imported and must be the same object. Anything else stays unresolved, and
  the strict build fails on it. A reference to a field of a parameter dataclass
  (``ManagementParameters.fluid_ml_per_h``) links to the class's table on the Parameters page.
- ``link_parameter_tables``: the reference entry of every parameter dataclass in the registry
  (``il2.registry``) links to its rows on the Parameters page, whose tables carry the labels of
  ``il2.registry.table_label``.
- ``search_only_main_objects``: the search index (loaded by every page) lists the reference's
  modules, classes and functions, not each attribute, method and constant.
- ``slim_front_matter``: the pages under ``book/`` (the reference, the Parameters page) drop
  markup that shows nothing: a ``<span>`` around every word of code, and repeated hover texts
  of citations.
- ``short_signatures``: a default value that is a long repr (a dataclass instance in a
  generated ``__init__``) is shown as ``Name(...)``, so signatures stay readable on a phone.
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


_VIEWPORT_META = re.compile(r'<meta\s+name="viewport"[^>]*>\s*')


def single_viewport(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Drop the viewport tag docutils puts in the page's metatags: the page template has its own."""
    if context.get("metatags"):
        context["metatags"] = _VIEWPORT_META.sub("", context["metatags"])


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


def _is_others(person: Any) -> bool:
    """Whether ``person`` is bibtex's "others", the end of an author list cut short."""
    return str(person) == "others"


def et_al_authors(app: Any) -> None:
    """Author lists that end in "and others" read "et al." in citations and labels.

    A bib entry whose co-authors are not all known ends its list with ``and others``; bibtex
    prints that as "et al.", but pybtex and sphinxcontrib-bibtex keep "others" as a name, so a
    first author with "others" was cited as "Setoguchi and others, 2005". Such a list is padded
    with "others" to three names, which the author-year citations and :func:`author_year_labels`
    shorten to "Setoguchi et al."; the reference list drops every "others" and ends with "et al."
    (the ``il2`` style's ``format_names``). Runs after sphinxcontrib-bibtex has read the bib files.
    """
    from pybtex.database import Person

    dom = app.env.get_domain("cite")
    for entry in dom.bibdata.data.entries.values():
        for persons in entry.persons.values():
            if persons and _is_others(persons[-1]):
                while len(persons) < 3:
                    persons.append(Person("others"))


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

    from pybtex.richtext import Text
    from pybtex.style.template import FieldIsMissing, join, node, sentence

    @node
    def names_et_al(children, context, role, **kwargs):
        """pybtex's ``names`` with "others" left out and "et al." after the known names."""
        try:
            persons = context["entry"].persons[role]
        except KeyError:  # as pybtex's names: optional[...] then leaves the field out
            raise FieldIsMissing(role, context["entry"]) from None
        style = context["style"]
        known = [style.format_name(p, style.abbreviate_names) for p in persons if not _is_others(p)]
        if len(known) == len(persons):
            return join(**kwargs)[known].format_data(context)
        return Text(join(sep=", ")[known].format_data(context), " et al." if len(known) == 1 else ", et al.")

    class Il2Style(PlainStyle):
        default_label_style = "il2_author_year"
        default_sorting_style = "il2_author_year"

        def format_names(self, role, as_sentence=True):
            formatted = names_et_al(role, sep=", ", sep2=" and ", last_sep=", and ")
            return sentence[formatted] if as_sentence else formatted

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


GLUE_RECORD = "application/papermill.record/"

#: What a downloaded chapter says under an explorer's default frame.
LIVE_EXPLORER_NOTE = ("The figure at the controls' starting values. With the il2 library installed "
                      "(see the book's How to use page), run the chapter and the controls are live.")


def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def reduce_explorer_html(html: str) -> str:
    """An explorer's static view as a notebook can show it: title, default frame, caption, note.

    Anything that is not an explorer (``class="il2-explorer"``) is returned unchanged.
    """
    if 'class="il2-explorer"' not in html:
        return html
    parts = [re.search(pattern, html, flags=re.S) for pattern in (
        r'<p class="il2x-title">.*?</p>', r'<img class="il2x-figure"[^>]*>', r'<p class="il2x-caption"[^>]*>.*?</p>')]
    kept = "".join(m.group(0) for m in parts if m)
    return f'<div class="il2-explorer">{kept}<p><em>{LIVE_EXPLORER_NOTE}</em></p></div>'


def executed_download(source: dict, executed: dict, values: dict[str, str]) -> dict:
    """The chapter a reader downloads: ``source`` (the committed notebook) with the outputs of
    ``executed`` (the same notebook run by the build), explorers reduced, glue records dropped,
    and the glued numbers of each markdown cell stored for jupyterlab-myst.

    Code cells are paired in order and must have the same source; if they do not (the cache
    holds another version), the outputs are left out and only the numbers are filled in.
    """
    import copy

    nb = copy.deepcopy(source)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    ran = [c for c in executed.get("cells", []) if c["cell_type"] == "code"]
    same = len(code) == len(ran) and all(_text(a["source"]) == _text(b["source"]) for a, b in zip(code, ran))
    for cell, done in zip(code, ran) if same else ():
        outputs = []
        for out in done.get("outputs", []):
            out = copy.deepcopy(out)
            data = out.get("data")
            if data is not None:
                data = {k: v for k, v in data.items() if not k.startswith(GLUE_RECORD)}
                if not data:
                    continue
                if "text/html" in data:
                    data["text/html"] = reduce_explorer_html(_text(data["text/html"]))
                out["data"] = data
            outputs.append(out)
        cell["outputs"] = outputs
        cell["execution_count"] = done.get("execution_count")
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown" and values:
            found = user_expressions(_text(cell["source"]), values)
            if found:
                cell.setdefault("metadata", {})["user_expressions"] = found
    return nb


def _cached_notebook(app: Any, path: Any) -> dict:
    """The executed notebook the build used for ``path`` (empty if the cache has none)."""
    import json

    nb_config = getattr(app.env, "mystnb_config", None)
    if nb_config is None or nb_config.execution_mode != "cache":
        return {}
    import nbformat
    from jupyter_cache import get_cache

    cache = get_cache(nb_config.execution_cache_path or ".jupyter_cache")
    try:
        record = cache.match_cache_notebook(nbformat.read(str(path), as_version=4))
    except KeyError:
        return {}
    return json.loads(nbformat.writes(cache.get_cache_bundle(record.pk).nb))


#: Notebook metadata key marking a downloadable copy this extension has already made.
DOWNLOAD_MARK = "il2_download"


def fill_downloaded_numbers(app: Any, exception: Exception | None) -> None:
    """Turn each chapter's copy in ``_sources`` (the download) into :func:`executed_download`.

    Sphinx copies a page's source afresh whenever it writes the page, so a copy that already
    carries :data:`DOWNLOAD_MARK` belongs to a page this build did not write and is left as it
    is (a rebuild with no change rewrites nothing)."""
    import json
    import pathlib

    if exception is not None or app.builder.format != "html":
        return
    sources = pathlib.Path(app.outdir) / "_sources"
    executed_dir = pathlib.Path(app.outdir).parent / "jupyter_execute"
    for path in sources.rglob("*.ipynb"):
        source = json.loads(path.read_text(encoding="utf-8"))
        if source.get("metadata", {}).get(DOWNLOAD_MARK):
            continue
        glue = (executed_dir / path.relative_to(sources)).with_suffix(".glue.json")
        values = glue_texts(json.loads(glue.read_text(encoding="utf-8"))) if glue.exists() else {}
        nb = executed_download(source, _cached_notebook(app, path), values)
        nb.setdefault("metadata", {})[DOWNLOAD_MARK] = "executed chapter, numbers filled"
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


_DOTTED_NAME = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)*")


def import_dotted(name: str) -> Any:
    """The object a dotted name of ``il2`` names (module, class, function or constant), or None."""
    import importlib

    if not _DOTTED_NAME.fullmatch(name) or name.split(".")[0] != "il2":
        return None
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return None
        return obj
    return None


def documented_alias(target: str, module: str, documented: Any) -> str | None:
    """The documented name of the object that ``target`` names, seen from ``module``.

    ``target`` is tried as written and relative to ``module`` and to each package above it, as
    Python's domain searches; the first that imports names the object. The answer is a name in
    ``documented`` (the Python domain's objects) with the same last part that imports the very
    same object, or None.
    """
    candidates = [target]
    parts = module.split(".") if module else []
    candidates += [".".join(parts[:i]) + "." + target for i in range(len(parts), 0, -1)]
    for candidate in candidates:
        obj = import_dotted(candidate)
        if obj is None or obj is True or obj is False:
            continue
        short = candidate.rsplit(".", 1)[-1]
        for name in documented:
            if name != candidate and name.rsplit(".", 1)[-1] == short and import_dotted(name) is obj:
                return name
        return None
    return None


def parameter_table_label(target: str, module: str) -> str | None:
    """The Parameters page label of ``Class.field`` when the class is a registered parameter
    dataclass and the field one of its cited parameters (these fields are listed on that page,
    not in the reference), else None."""
    import dataclasses

    from il2 import registry

    parts = module.split(".") if module else []
    candidates = [target] + [".".join(parts[:i]) + "." + target for i in range(len(parts), 0, -1)]
    for candidate in candidates:
        owner, _, field = candidate.rpartition(".")
        cls = import_dotted(owner)
        if not isinstance(cls, type) or not any(c is cls for _, c in registry.registered_classes()):
            continue
        fields = {f.name for f in dataclasses.fields(cls) if "il2" in f.metadata}
        return registry.table_label(cls) if field in fields else None
    return None


def resolve_reexported(app: Any, env: Any, node: Any, contnode: Any) -> Any:
    if node.get("refdomain") != "py":
        return None
    if node.get("reftype") in ("attr", "obj", "data"):
        label = parameter_table_label(node.get("reftarget", ""), node.get("py:module") or "")
        labels = env.get_domain("std").labels
        if label is not None and label in labels:
            from sphinx.util.nodes import make_refnode

            docname, anchor, title = labels[label]
            return make_refnode(app.builder, node["refdoc"], docname, anchor, contnode, title)
    domain = env.get_domain("py")
    name = documented_alias(node.get("reftarget", ""), node.get("py:module") or "", domain.objects)
    if name is None:
        return None
    return domain.resolve_xref(env, node["refdoc"], app.builder, node["reftype"], name, node, contnode)


def link_parameter_tables(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """Close the docstring of a registered parameter dataclass with a link to its table."""
    if what != "class":
        return
    from il2 import registry

    if not any(cls is obj for _, cls in registry.registered_classes()):
        return
    lines += ["", f"Every default, with its unit, meaning and source: :ref:`{registry.table_label(obj)}` "
              "on the :doc:`/book/parameters` page.", ""]


def prose_constants_for_napoleon(app: Any) -> None:
    """Keep napoleon away from the doc comments of constants and attributes.

    napoleon reads the first line of a constant's doc comment up to a colon as its type; the
    library writes those comments as prose ("Highest IL-2 concentration (pM) any binding
    function accepts: 1 mM"), which would become a type to link. Docstrings of modules,
    classes and functions still go through napoleon's numpydoc sections.
    """
    listeners = app.events.listeners.get("autodoc-process-docstring", [])
    for i, listener in enumerate(listeners):
        handler = listener.handler
        if getattr(handler, "__module__", "") != "sphinx.ext.napoleon" or getattr(handler, "_il2", False):
            continue

        def only_docstrings(app, what, name, obj, options, lines, _napoleon=handler):
            if what not in ("data", "attribute", "property"):
                _napoleon(app, what, name, obj, options, lines)

        only_docstrings._il2 = True  # type: ignore[attr-defined]
        listeners[i] = listener._replace(handler=only_docstrings)


def shorten_call_reprs(text: str, limit: int = 30) -> str:
    """Every ``Name(...)`` longer than ``limit`` characters written as ``Name(...)``.

    A dataclass's generated ``__init__`` has no source, so autodoc shows its defaults as their
    full repr (``params: PKParameters = PKParameters(distribution_half_life_h=0.2166...,
    ...)``); the class and its values are documented on their own.
    """
    out, i = [], 0
    for m in re.finditer(r"[A-Za-z_][\w.]*\(", text):
        if m.start() < i:
            continue
        depth, j = 0, m.end() - 1
        while j < len(text):
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            if depth == 0:
                break
            j += 1
        if j - m.start() + 1 > limit:
            out.append(text[i:m.end()] + "...)")
            i = j + 1
    out.append(text[i:])
    return "".join(out)


def short_signatures(app: Any, what: str, name: str, obj: Any, options: Any, signature: str | None,
                     return_annotation: str | None) -> tuple[str | None, str | None] | None:
    if not signature:
        return None
    return shorten_call_reprs(signature), return_annotation


#: The Python objects that the search box finds; the others (attributes, methods, properties,
#: constants: more than two thirds of the reference's entries) are on their class's or module's
#: page, and leaving them out keeps the search index, which every page loads, light.
SEARCHED_OBJECT_TYPES = frozenset({"module", "class", "function", "exception"})


def search_only_main_objects(app: Any) -> None:
    """Give the Python objects outside :data:`SEARCHED_OBJECT_TYPES` the search priority -1,
    which Sphinx's search index leaves out (as it does for aliases); objects.inv keeps them."""
    domain = app.env.get_domain("py")
    if getattr(type(domain).get_objects, "_il2", False):
        return
    plain = type(domain).get_objects

    def get_objects(self):
        for name, dispname, objtype, docname, anchor, priority in plain(self):
            if objtype not in SEARCHED_OBJECT_TYPES:
                priority = -1
            yield name, dispname, objtype, docname, anchor, priority

    get_objects._il2 = True  # type: ignore[attr-defined]
    type(domain).get_objects = get_objects


_PRE_SPAN = re.compile(r'<span class="pre">([^<]*)</span>')
_TOKEN_SPAN = re.compile(r'<span class="(?:w|p|n|o)">([^<]*)</span>')
_SIGNATURE = re.compile(r'<dt class="sig .*?</dt>', flags=re.S)
_CITATION_TITLE = re.compile(r'(<a class="reference internal" href="([^"]*)")( title="[^"]*")')


def slim_markup(body: str) -> str:
    """The same page with less markup: code and signatures without a ``<span>`` per word or
    token, and the full reference in a citation's hover text only at its first citation.

    ``span.pre`` only keeps a word of code from breaking (the signatures of the reference are
    allowed to break at phone width, il2-book.css); a source cited many times on one page (the
    Parameters page cites one source up to 20 times) carried its whole reference every time.
    """
    body = _PRE_SPAN.sub(r"\1", body)
    # token spans only inside signatures: in a code block they carry the syntax colours
    body = _SIGNATURE.sub(lambda m: _TOKEN_SPAN.sub(r"\1", m.group(0)), body)
    seen: set[str] = set()

    def first_title(m: re.Match) -> str:
        if m.group(2) in seen:
            return m.group(1)
        seen.add(m.group(2))
        return m.group(0)

    return _CITATION_TITLE.sub(first_title, body)


def slim_front_matter(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    """Front matter and the library reference (pages under ``book/``) with :func:`slim_markup`;
    the first visit of these pages must stay within the light budget of tests/browser/test_weight.py."""
    if pagename.startswith("book/") and context.get("body"):
        context["body"] = slim_markup(context["body"])


def setup(app: Any) -> dict[str, Any]:
    from myst_nb.ext.eval import EvalRoleAny
    from myst_nb.ext.glue.roles import PasteTextRole

    os.environ["IL2_STATIC_EXPLORERS"] = "1"
    app.setup_extension("myst_nb")  # so that its eval role is registered before ours replaces it
    app.setup_extension("sphinx.ext.autodoc")  # its docstring event, for link_parameter_tables
    app.add_role("eval", make_eval_glued_role(PasteTextRole(), EvalRoleAny()), override=True)
    app.connect("builder-inited", point_kernels_at_frames_store)
    app.connect("env-before-read-docs", execute_notebooks_in_parallel)
    app.connect("html-page-context", lazy_images)
    app.connect("build-finished", copy_frames)
    app.connect("build-finished", fill_downloaded_numbers)
    app.connect("missing-reference", resolve_reexported)
    app.connect("autodoc-process-docstring", link_parameter_tables)
    app.connect("builder-inited", prose_constants_for_napoleon)
    app.connect("autodoc-process-signature", short_signatures)
    app.connect("builder-inited", search_only_main_objects)
    app.connect("builder-inited", et_al_authors, priority=900)  # after sphinxcontrib-bibtex reads the bib
    app.connect("html-page-context", slim_front_matter)
    app.connect("html-page-context", single_viewport)
    register_bibliography_style()
    cache_plugin_lookups()
    # Late, so that the MathJax and myst-nb handlers have added their scripts first.
    app.connect("html-page-context", trim_page_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
