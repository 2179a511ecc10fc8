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
def test_equation_references_are_not_wrapped_in_a_second_pair_of_parentheses(path):
    """MyST prints {eq}`label` with its own parentheses, "(3.6)": "({eq}`label`)" in the text or a
    caption would read "((3.6))"."""
    text = path.read_text()  # cell sources and cell metadata (figure captions) alike
    assert "({eq}" not in text, "write 'equation {eq}`label`', not '({eq}`label`)'"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_notebook_has_no_model_code(path):
    """Chapters call the library: no solver calls or parameter dataclass definitions in notebooks."""
    nb = json.loads(path.read_text())
    code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    for forbidden in ("solve_ivp", "odeint", "brentq", "@dataclass", "np.exp(", "curve_fit"):
        assert forbidden not in code, f"{forbidden} belongs in the library, not in {path.name}"


# ---------------------------------------------------------------------------------------
# Figure cells show the model call behind the figure (issue 17)
# ---------------------------------------------------------------------------------------

#: il2 modules that draw or format; a call into them is not a model call.
_NOT_MODEL = ("il2.figures", "il2.notebook", "il2.plotting", "il2.explore")
#: A figure cell of at most this many lines is shown open; a longer one is folded (hide-input).
MAX_OPEN_FIGURE_LINES = 8
#: Longest line of a figure cell (characters): the code must fit a 390 px phone page.
MAX_FIGURE_LINE = 64

CHAPTER_NOTEBOOKS = [p for p in NOTEBOOKS if p.parent.name == "chapters"]


def _is_model_module(module: str) -> bool:
    return (module == "il2" or module.startswith("il2.")) and not module.startswith(_NOT_MODEL)


def _model_names(cells: list[dict]) -> tuple[set[str], set[str]]:
    """Names the notebook's imports bind to il2 model modules, and to drawing modules."""
    import ast

    model, drawing = set(), set()
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        try:
            tree = ast.parse("".join(cell["source"]))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for a in node.names:
                    if a.name == "il2" or a.name.startswith("il2."):
                        (model if _is_model_module(a.name) else drawing).add((a.asname or a.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "il2":
                for a in node.names:
                    full = f"{node.module}.{a.name}"
                    (model if _is_model_module(full) else drawing).add(a.asname or a.name)
    # ``import il2`` makes il2.figures reachable too; the root name stays a model name
    return model, drawing - model


def _root(node) -> str | None:
    import ast

    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _calls_model(tree, model: set[str]) -> bool:
    """Whether the code calls into a model module, directly or through a name bound in the same
    code to a model function (``run = toxicity.simulate_course``)."""
    import ast

    aliases = set(model)
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Attribute) and _root(node.value) in model:
            aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return any(isinstance(node, ast.Call) and _root(node.func) in aliases
               and not (isinstance(node.func, ast.Attribute) and _root(node.func) == "il2"
                        and "figures" in ast.unparse(node.func))
               for node in ast.walk(tree))


def _draws(tree, drawing: set[str] | None = None) -> bool:
    """Whether the code calls a ``draw_*`` function of a drawing module (``figs.draw_x``), not a
    model function that happens to be named so (``cohort.draw_cohort`` draws patients)."""
    import ast

    return any(isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
               and node.func.attr.startswith("draw_")
               and (drawing is None or _root(node.func) in drawing) for node in ast.walk(tree))


@pytest.mark.parametrize("path", CHAPTER_NOTEBOOKS, ids=lambda p: p.stem)
def test_figure_cells_show_their_model_call(path):
    """Each figure cell shows the model call a reader can copy and change, then draws its result
    with a library ``draw_*`` function; it is never removed from the book, is folded (hide-input)
    only when longer than a few lines, and fits a phone-width page."""
    import ast

    nb = json.loads(path.read_text())
    model, drawing = _model_names(nb["cells"])
    assert model, f"{path.name}: no il2 model module imported"
    n_figures = 0
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse(source)
        meta = cell.get("metadata", {})
        is_figure = "figure" in meta.get("mystnb", {})
        if not (is_figure or _draws(tree, drawing)):
            continue
        n_figures += 1
        where = f"{path.name}, cell {i}"
        assert _draws(tree, drawing), f"{where}: a figure cell draws with a library draw_* function"
        assert _calls_model(tree, model), f"{where}: the figure cell shows no model call (il2 {sorted(model)})"
        tags = set(meta.get("tags", []))
        assert not {"remove-input", "remove-cell"} & tags, f"{where}: figure code removed from the book {tags}"
        lines = source.rstrip("\n").split("\n")
        long = [line for line in lines if len(line) > MAX_FIGURE_LINE]
        assert not long, f"{where}: lines over {MAX_FIGURE_LINE} characters: {long}"
        if len(lines) <= MAX_OPEN_FIGURE_LINES:
            assert "hide-input" not in tags, f"{where}: a {len(lines)}-line figure cell is shown, not folded"
        else:
            assert "hide-input" in tags, f"{where}: a {len(lines)}-line figure cell is folded (hide-input)"
    assert n_figures, f"{path.name}: no figure cells found"


def test_the_model_call_check_catches_a_figure_without_one():
    """The check above fails a one-line figure and passes model call + draw (and aliases)."""
    import ast

    model = {"growth", "toxicity", "il2"}
    assert not _calls_model(ast.parse("figs.draw_x(figs.result())"), model)
    assert not _calls_model(ast.parse("il2.figures.growth.draw_x(1)"), model)
    assert _calls_model(ast.parse("r = growth.simulate(helpers=400)\nfigs.draw_x(r)"), model)
    assert _calls_model(ast.parse("run = toxicity.simulate_course\nfigs.draw_x(run())"), model)
    assert _model_names([{"cell_type": "code", "source": "from il2 import growth\n"
                          "from il2.figures import growth as figs\nimport il2"}]) == ({"growth", "il2"}, {"figs"})
