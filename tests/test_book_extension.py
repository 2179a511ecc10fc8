"""The book's Sphinx extension (book/_ext/il2_book.py): notebooks run in parallel into the cache."""

from __future__ import annotations

import importlib
import re
import sys
import types

import nbformat
import pytest
from jupyter_cache import get_cache
from myst_nb.core.config import NbParserConfig

from .conftest import ROOT


@pytest.fixture()
def il2_book(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "book" / "_ext"))
    sys.modules.pop("il2_book", None)
    return importlib.import_module("il2_book")


def _notebook(path, source):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [nbformat.v4.new_markdown_cell("# A page"), nbformat.v4.new_code_cell(source)]
    nbformat.write(nb, path)


def _app_env(tmp_path, docs, **config):
    cfg = NbParserConfig(execution_mode="cache", execution_cache_path=str(tmp_path / "cache"),
                         execution_timeout=120, **config)
    env = types.SimpleNamespace(mystnb_config=cfg, doc2path=lambda name: tmp_path / f"{name}.ipynb")
    app = types.SimpleNamespace(srcdir=str(tmp_path))
    return app, env


def test_notebooks_missing_from_the_cache_run_in_parallel_and_are_found_there(il2_book, tmp_path, monkeypatch):
    monkeypatch.setenv("IL2_NOTEBOOK_WORKERS", "2")
    monkeypatch.setenv("IL2_TEST_MARK", "from the build")
    _notebook(tmp_path / "a.ipynb", "import os\nprint('a', os.getcwd(), os.environ['IL2_TEST_MARK'])")
    _notebook(tmp_path / "broken.ipynb", "raise RuntimeError('boom')")
    app, env = _app_env(tmp_path, ["a", "broken"])
    il2_book.execute_notebooks_in_parallel(app, env, ["a", "broken"])
    cache = get_cache(str(tmp_path / "cache"))
    # myst-nb matches the notebook as read from its file against the cache, and takes its outputs.
    _, a = cache.merge_match_into_notebook(nbformat.read(tmp_path / "a.ipynb", as_version=4))
    assert a.cells[1].outputs[0]["text"].strip() == f"a {tmp_path} from the build"  # its folder, the build's env
    # A notebook that fails stays out of the cache: myst-nb runs it again and reports the error.
    with pytest.raises(KeyError):
        cache.match_cache_notebook(nbformat.read(tmp_path / "broken.ipynb", as_version=4))


def test_nothing_runs_outside_cache_mode_or_for_a_single_notebook(il2_book, tmp_path):
    _notebook(tmp_path / "a.ipynb", "print('a')")
    _notebook(tmp_path / "b.ipynb", "print('b')")
    app, env = _app_env(tmp_path, ["a", "b"])
    env.mystnb_config = env.mystnb_config.copy(execution_mode="force")
    il2_book.execute_notebooks_in_parallel(app, env, ["a", "b"])
    assert not (tmp_path / "cache").exists()
    app, env = _app_env(tmp_path, ["a"])
    il2_book.execute_notebooks_in_parallel(app, env, ["a"])  # one notebook: myst-nb runs it itself
    with pytest.raises(KeyError):
        get_cache(str(tmp_path / "cache")).match_cache_notebook(nbformat.read(tmp_path / "a.ipynb", as_version=4))


def test_bad_worker_count_names_the_variable(il2_book, tmp_path, monkeypatch):
    _notebook(tmp_path / "a.ipynb", "print('a')")
    _notebook(tmp_path / "b.ipynb", "print('b')")
    monkeypatch.setenv("IL2_NOTEBOOK_WORKERS", "many")
    app, env = _app_env(tmp_path, ["a", "b"])
    with pytest.raises(ValueError, match="IL2_NOTEBOOK_WORKERS"):
        il2_book.execute_notebooks_in_parallel(app, env, ["a", "b"])


def test_bibliography_labels_are_author_year_and_match_pybtex_rendering(il2_book):
    """Labels come from cached name-style lookups; they equal pybtex's own rendering of every
    author list in references.bib."""
    import pybtex.database
    import pybtex.plugin

    entries = list(pybtex.database.parse_file(str(ROOT / "book" / "references.bib")).entries.values())
    last = pybtex.plugin.find_plugin("pybtex.style.names", "last")()
    text = pybtex.plugin.find_plugin("pybtex.backends", "text")()  # what render_as("text") uses
    for entry in entries:
        persons = entry.persons.get("author") or entry.persons.get("editor") or []
        expected = [str(last.format(p, True).format().render(text)).replace("{", "").replace("}", "")
                    for p in persons]
        assert [il2_book._surname(p) for p in persons] == expected
    labels = il2_book.author_year_labels(entries)
    assert labels == il2_book.author_year_labels(entries)
    assert len(set(labels)) == len(labels), "equal labels get a, b, ..."
    assert all(re.fullmatch(r".+, (\d{4}[a-z]?|n\.d\.)", label) for label in labels)


def test_an_author_list_cut_short_reads_et_al(il2_book):
    """"Setoguchi and others" (bibtex's way to cut a list short) is cited "Setoguchi et al., 2005"
    and listed "Ruka Setoguchi et al.", never "Setoguchi and others"; full lists are untouched."""
    import types

    import pybtex.database
    import pybtex.plugin

    bib = pybtex.database.parse_string(
        "@article{one, author={Setoguchi, Ruka and others}, title={T}, journal={J}, year={2005}}\n"
        "@article{two, author={Mier, J. and Vachino, G. and others}, title={T}, journal={J}, year={1988}}\n"
        "@article{pair, author={Konrad, M. and Hemstreet, G.}, title={T}, journal={J}, year={1990}}\n"
        "@book{ed, editor={Smith, A. and others}, title={B}, publisher={P}, year={2000}}\n",
        "bibtex")
    domain = types.SimpleNamespace(bibdata=types.SimpleNamespace(data=bib))
    app = types.SimpleNamespace(env=types.SimpleNamespace(get_domain=lambda name: domain))
    il2_book.et_al_authors(app)
    il2_book.et_al_authors(app)  # a rebuild reads the same (cached) data again
    entries = list(bib.entries.values())
    assert [len(e.persons.get("author", e.persons.get("editor"))) for e in entries] == [3, 3, 2, 3]
    assert il2_book.author_year_labels(entries) == ["Setoguchi et al., 2005", "Mier et al., 1988",
                                                    "Konrad and Hemstreet, 1990", "Smith et al., 2000"]
    il2_book.register_bibliography_style()
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "il2")()
    listed = {e.key: e.text.render_as("text") for e in style.format_entries(entries)}
    assert listed == {"one": "Ruka Setoguchi et al. T. J, 2005.",
                      "two": "J. Mier, G. Vachino, et al. T. J, 1988.",
                      "pair": "M. Konrad and G. Hemstreet. T. J, 1990.",
                      "ed": "A. Smith et al., editors. B. P, 2000."}


# -- the library reference -------------------------------------------------------------------


def test_other_names_of_a_documented_object_resolve_to_it(il2_book):
    """A package's export and a module's own short name both find the one documented entry."""
    documented = {"il2.growth.simulation.simulate", "il2.pk.simulate", "il2.growth.parameters.POPULATIONS"}
    assert il2_book.documented_alias("il2.growth.simulate", "", documented) == "il2.growth.simulation.simulate"
    assert il2_book.documented_alias("simulate", "il2.growth", documented) == "il2.growth.simulation.simulate"
    assert il2_book.documented_alias("POPULATIONS", "il2.growth.tables", documented) == \
        "il2.growth.parameters.POPULATIONS"
    # another object of the same short name, a private name, or a name outside il2: unresolved
    assert il2_book.documented_alias("il2.trafficking.simulate", "", documented) is None
    assert il2_book.documented_alias("il2.binding._species", "", documented) is None
    assert il2_book.documented_alias("numpy.asarray", "", documented) is None


def test_parameter_fields_link_to_their_table(il2_book):
    from il2 import registry
    from il2.toxicity.course import ManagementParameters

    label = il2_book.parameter_table_label("ManagementParameters.fluid_ml_per_h", "il2.toxicity.course")
    assert label == registry.table_label(ManagementParameters) == "parameters-il2-toxicity-course-managementparameters"
    assert f"({label})=" in registry.parameter_table()
    # not a cited field, or not a parameter class: no link
    assert il2_book.parameter_table_label("ManagementParameters.no_such_field", "il2.toxicity.course") is None
    assert il2_book.parameter_table_label("il2.growth.simulation.GrowthResult.t_h", "") is None
    lines = ["A class."]
    il2_book.link_parameter_tables(None, "class", "x", ManagementParameters, None, lines)
    assert f":ref:`{label}`" in lines[-2]
    with pytest.raises(ValueError, match="registered"):
        registry.table_label(int)


def _explorer_html(frame="AAAA"):
    return ('<div class="il2-explorer" id="il2x-1"><p class="il2x-title">Explorer 1.1: Dose</p>'
            '<div class="il2x-controls"><input type="range"></div>'
            f'<img class="il2x-figure" src="data:image/webp;base64,{frame}" alt="A figure">'
            '<p class="il2x-caption" aria-live="polite">At 600,000 IU/kg.</p>'
            '<script type="application/json">{"dir": "il2-frames/"}</script></div>')


def test_downloaded_chapter_is_the_executed_one_with_explorers_reduced(il2_book):
    source = nbformat.v4.new_notebook()
    source.cells = [nbformat.v4.new_markdown_cell('K is {eval}`glued("kd:.0f")` pM.'),
                    nbformat.v4.new_code_cell("figs.dose_explorer()"), nbformat.v4.new_code_cell("glue('kd', 12.3)")]
    executed = nbformat.v4.new_notebook()
    executed.cells = [nbformat.v4.new_code_cell("figs.dose_explorer()"), nbformat.v4.new_code_cell("glue('kd', 12.3)")]
    executed.cells[0].outputs = [nbformat.v4.new_output(
        "display_data", data={"text/html": _explorer_html(), "text/plain": "<Explorer>"})]
    executed.cells[0].execution_count = 1
    executed.cells[1].outputs = [nbformat.v4.new_output(
        "display_data", data={il2_book.GLUE_RECORD + "text/plain": "12.3"}, metadata={"scrapbook": {"name": "kd"}})]
    source, executed = (json_of(nb) for nb in (source, executed))
    nb = il2_book.executed_download(source, executed, {"kd": "12.3"})
    html = nb["cells"][1]["outputs"][0]["data"]["text/html"]
    assert "Explorer 1.1: Dose" in html and "base64,AAAA" in html and "At 600,000 IU/kg." in html
    assert "<script" not in html and "<input" not in html and il2_book.LIVE_EXPLORER_NOTE in html
    assert il2_book.reduce_explorer_html(html) == html  # a second build leaves it as it is
    assert nb["cells"][1]["execution_count"] == 1
    assert nb["cells"][2]["outputs"] == []  # the glue record is not shown in JupyterLab anyway
    assert nb["cells"][0]["metadata"]["user_expressions"][0]["result"]["data"]["text/plain"] == "'12'"
    assert source["cells"][1]["outputs"] == []  # the committed notebook is not changed
    # another version of the notebook in the cache: numbers only, no outputs
    executed["cells"][0]["source"] = "something else"
    nb = il2_book.executed_download(source, executed, {"kd": "12.3"})
    assert nb["cells"][1]["outputs"] == [] and "user_expressions" in nb["cells"][0]["metadata"]


def test_downloads_are_made_once_per_written_page(il2_book, tmp_path):
    """After a build each page's source copy is the download (marked); a copy Sphinx did not
    write again (a rebuild with no change) is left as it is, a fresh copy is filled."""
    import json

    sources = tmp_path / "html" / "_sources" / "chapters"
    sources.mkdir(parents=True)
    fresh = nbformat.v4.new_notebook()
    fresh.cells = [nbformat.v4.new_markdown_cell('K is {eval}`glued("kd:.0f")` pM.')]
    (sources / "a.ipynb").write_text(nbformat.writes(fresh))
    done = json_of(fresh)
    done["metadata"][il2_book.DOWNLOAD_MARK] = "made earlier"
    (sources / "b.ipynb").write_text(json.dumps(done))
    before = (sources / "b.ipynb").read_text()
    app = types.SimpleNamespace(outdir=str(tmp_path / "html"), builder=types.SimpleNamespace(format="html"),
                                env=types.SimpleNamespace())
    il2_book.fill_downloaded_numbers(app, None)
    assert json.loads((sources / "a.ipynb").read_text())["metadata"][il2_book.DOWNLOAD_MARK]
    assert (sources / "b.ipynb").read_text() == before


def json_of(nb):
    import json

    return json.loads(nbformat.writes(nb))


def test_long_default_values_are_shortened_in_signatures(il2_book):
    sig = ("(t_h=f(1), params: PKParameters = PKParameters(distribution_half_life_h=0.21666666666666667, "
           "x=(1, 2)), model=ReceptorModel(binding=BindingParameters(kd_alpha_pM=10000.0)))")
    assert il2_book.shorten_call_reprs(sig) == "(t_h=f(1), params: PKParameters = PKParameters(...), model=ReceptorModel(...))"
    assert il2_book.short_signatures(None, "function", "f", None, None, "(a, b=Short())", None) == ("(a, b=Short())", None)
    assert il2_book.short_signatures(None, "class", "f", None, None, None, None) is None


def test_front_matter_markup_is_slimmed_without_changing_its_text(il2_book):
    body = ('<p><code class="docutils literal notranslate"><span class="pre">kd_alpha_pM</span></code></p>'
            '<div class="highlight"><pre><span class="n">x</span><span class="o">=</span></pre></div>'
            '<dt class="sig sig-object py"><span class="sig-name descname"><span class="pre">f</span></span>'
            '<em class="sig-param"><span class="n"><span class="pre">a</span></span><span class="p">'
            '<span class="pre">:</span></span><span class="w"> </span></em></dt>'
            '<a class="reference internal" href="../references.html#id7" title="Full reference">A, 1990</a>'
            '<a class="reference internal" href="../references.html#id7" title="Full reference">A, 1990</a>'
            '<a class="reference internal" href="../references.html#id8" title="Another">B, 2001</a>')
    slim = il2_book.slim_markup(body)
    assert re.sub(r"<[^>]+>", "", slim) == re.sub(r"<[^>]+>", "", body)
    assert 'class="pre"' not in slim
    assert '<span class="n">x</span><span class="o">=</span>' in slim  # a code block keeps its colours
    assert '<em class="sig-param">a: </em>' in slim
    assert slim.count('title="Full reference"') == 1 and 'title="Another"' in slim


def test_search_index_lists_modules_classes_and_functions(il2_book):
    class Domain:
        def get_objects(self):
            yield from [("m", "m", "module", "d", "m", 0), ("m.f", "m.f", "function", "d", "", 1),
                        ("m.C.a", "m.C.a", "attribute", "d", "", 1), ("m.X", "m.X", "data", "d", "", 1)]

    domain = Domain()
    app = types.SimpleNamespace(env=types.SimpleNamespace(get_domain=lambda name: domain))
    il2_book.search_only_main_objects(app)
    il2_book.search_only_main_objects(app)  # a second build does not wrap it twice
    assert [o[-1] for o in domain.get_objects()] == [0, 1, -1, -1]


def test_every_public_module_has_its_reference_page():
    """The Library reference renders every public module of il2 (not the figures, which are each
    chapter's drawing code): a new module must be added to a page in book/reference/."""
    import pkgutil
    import re

    import il2

    documented = set()
    for page in (ROOT / "book" / "reference").glob("*.rst"):
        documented |= set(re.findall(r"^\.\. automodule:: (\S+)", page.read_text(), re.M))
    public = {"il2"} | {
        m.name for m in pkgutil.walk_packages(il2.__path__, "il2.")
        if not any(part.startswith("_") for part in m.name.split("."))
        and not m.name.startswith("il2.figures") and not m.name.startswith("il2.data")
    }
    assert public - documented == set(), f"modules without a reference page: {sorted(public - documented)}"


def test_docutils_viewport_tag_is_dropped_from_the_metatags(il2_book):
    """The page template has its own viewport tag; docutils' copy in the metatags goes, the rest stays."""
    context = {"metatags": '<meta name="viewport" content="width=device-width, initial-scale=1" />\n'
                           '<meta content="IL-2" name="description" />\n'}
    il2_book.single_viewport(None, "chapters/01_growth_factor", "page.html", context, None)
    assert context["metatags"] == '<meta content="IL-2" name="description" />\n'
    empty = {"metatags": ""}
    il2_book.single_viewport(None, "search", "search.html", empty, None)
    assert empty == {"metatags": ""}
