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
