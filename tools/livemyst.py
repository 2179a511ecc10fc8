"""Convert chapters to the live form that both the built book and JupyterLab render.

Usage (from the repository root)::

    python tools/livemyst.py chapters/05_x.ipynb ...      # convert in place
    python tools/livemyst.py --check chapters/*.ipynb     # exit 1 if any file needs converting

What it changes (mechanically; running it twice changes nothing more):

1. Numbers in the prose: every ``{glue:text}`key:fmt``` (and ``{glue}`key```) role in a
   markdown cell becomes ``{eval}`glued("key:fmt")```. In JupyterLab, ``jupyterlab-myst``
   evaluates the expression in the kernel (:func:`il2.notebook.glued`); the book's Sphinx
   extension (``book/_ext/il2_book.py``) reads the same text as the ``glue:text`` role, so the
   book is built exactly as before (see ``lib/il2/notebook.py``).
2. The glue import: ``from myst_nb import glue`` becomes
   ``from il2.notebook import glue, glued``, whose ``glue`` also keeps each value in the kernel.
3. Figure cells (code cells with a ``mystnb.figure`` caption) that the book removed
   (``remove-input``/``remove-cell``) are folded instead (``hide-input``): the reader can open
   the code in the book and sees it in JupyterLab.

Other MyST (``{term}``, ``{cite:p}``, ``{numref}``, admonitions, exercises and solutions) needs
no change: ``jupyterlab-myst`` renders it. The tool refuses (exit 2) a notebook whose prose uses
glue roles it cannot convert (``{glue:md}``, ``{glue:figure}``, ``doc::key`` from another
notebook) or that glues values without importing ``glue`` from myst_nb or il2.notebook.
Outputs are not touched: run it on clean notebooks.
"""

from __future__ import annotations

import argparse
import pathlib
import re
import sys

import nbformat

#: ``{glue:text}`spec``` or ``{glue}`spec``` with a spec that is a key and an optional format.
GLUE_TEXT = re.compile(r"\{glue(?::text)?\}`([^`:]+(?::[^`:]*)?)`")
#: Glue roles and directives that have no live equivalent here.
GLUE_OTHER = re.compile(r"\{glue:(?!text\})[a-z]+\}|\{glue\}`[^`]*::|\{glue:text\}`[^`]*::|```\{glue")
#: The live form of a glued number.
EVAL_GLUED = re.compile(r"\{eval\}`glued\((['\"])([^'\"`]+)\1\)`")
#: Roles that jupyterlab-myst renders; any other is shown in JupyterLab as its bare content.
LIVE_ROLES = frozenset({"term", "cite", "cite:p", "cite:t", "numref", "eq", "ref", "doc", "eval",
                        "math", "sub", "sup", "abbr", "download"})
ROLE = re.compile(r"\{([a-z][a-z0-9]*(?::[a-z0-9-]+)*)\}`")
IMPORT_MYST = re.compile(r"^from myst_nb import glue[ \t]*$", re.MULTILINE)
IMPORT_LIVE = "from il2.notebook import glue, glued"
REMOVED = ("remove-input", "remove-cell")


class ConversionError(ValueError):
    """A notebook uses a glue form the tool does not convert."""


def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _set_source(cell: dict, text: str) -> None:
    cell["source"] = text


def convert_markdown(text: str) -> str:
    """Replace glue:text roles by the live ``{eval}`glued("...")``` form."""
    return GLUE_TEXT.sub(lambda m: '{eval}`glued("' + m.group(1) + '")`', text)


def convert_notebook(nb: dict, name: str = "notebook") -> tuple[dict, list[str]]:
    """Convert a notebook (as loaded JSON) in place; returns it and a list of the changes made.

    Raises
    ------
    ConversionError
        If a glue form cannot be converted, or the prose glues numbers but no code cell imports
        ``glue``.
    """
    changes: list[str] = []
    uses_glued = False
    for i, cell in enumerate(nb["cells"]):
        src = _source(cell)
        if cell["cell_type"] == "markdown":
            bad = GLUE_OTHER.search(src)
            if bad:
                raise ConversionError(f"{name}, cell {i}: cannot convert {bad.group(0)!r}")
            new = convert_markdown(src)
            if new != src:
                changes.append(f"cell {i}: {len(GLUE_TEXT.findall(src))} glued numbers")
                _set_source(cell, new)
            uses_glued = uses_glued or bool(EVAL_GLUED.search(new))
        elif cell["cell_type"] == "code":
            new = IMPORT_MYST.sub(IMPORT_LIVE, src)
            if new != src:
                changes.append(f"cell {i}: glue imported from il2.notebook")
                _set_source(cell, new)
            meta = cell.setdefault("metadata", {})
            tags = meta.get("tags", [])
            if "figure" in meta.get("mystnb", {}) and any(t in tags for t in REMOVED):
                kept = [t for t in tags if t not in REMOVED]
                meta["tags"] = kept + (["hide-input"] if "hide-input" not in kept else [])
                changes.append(f"cell {i}: figure code folded (hide-input), no longer removed")
    code = "\n".join(_source(c) for c in nb["cells"] if c["cell_type"] == "code")
    if uses_glued and IMPORT_LIVE not in code:
        raise ConversionError(
            f"{name}: the prose uses glued numbers but no code cell has {IMPORT_LIVE!r}"
        )
    return nb, changes


def roles_used(nb: dict) -> set[str]:
    """The MyST roles a notebook's markdown uses."""
    return {r for c in nb["cells"] if c["cell_type"] == "markdown" for r in ROLE.findall(_source(c))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file needs converting")
    args = parser.parse_args(argv)
    status = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        try:
            nb, changes = convert_notebook(nb, str(path))
        except ConversionError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        unknown = roles_used(nb) - LIVE_ROLES
        if unknown:
            print(f"{path}: roles JupyterLab shows as bare text: {sorted(unknown)}", file=sys.stderr)
            status = 1
        if not changes:
            print(f"{path}: already live")
            continue
        if args.check:
            print(f"{path}: needs converting ({len(changes)} cells)")
            status = 1
            continue
        nbformat.write(nb, path)
        print(f"{path}: converted")
        for change in changes:
            print(f"  {change}")
    return status


if __name__ == "__main__":
    sys.exit(main())
