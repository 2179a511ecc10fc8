"""Committed notebooks are clean: no outputs, no execution counts, the python3 kernel."""

import json
import subprocess

import pytest

from .conftest import ROOT, toc_files


def committed_notebooks():
    try:
        out = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True)
        files = [ROOT / f for f in out.stdout.split()]
    except (OSError, subprocess.CalledProcessError):
        files = []
    return files or sorted(p for p in ROOT.glob("[bc]*/**/*.ipynb") if ".ipynb_checkpoints" not in str(p))


NOTEBOOKS = committed_notebooks()


def test_every_toc_entry_exists_and_every_notebook_is_in_the_toc():
    entries = toc_files()
    for entry in entries:
        # .rst: the library reference pages (autodoc reads docstrings as reStructuredText)
        assert any((ROOT / f"{entry}.{ext}").exists() for ext in ("ipynb", "md", "rst")), entry
    in_toc = {str(p.relative_to(ROOT).with_suffix("")) for p in NOTEBOOKS}
    assert in_toc <= set(entries), f"notebooks missing from _toc.yml: {sorted(in_toc - set(entries))}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_is_clean(path):
    nb = json.loads(path.read_text())
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"cell {i} has outputs"
            assert cell.get("execution_count") is None, f"cell {i} has an execution count"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_no_model_code(path):
    """Chapters call the library: no solver calls or parameter dataclass definitions in notebooks."""
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for forbidden in ("solve_ivp", "odeint", "brentq", "@dataclass", "np.exp(", "curve_fit"):
        assert forbidden not in code, f"{forbidden} belongs in the library, not in {path.name}"
