"""Shared test fixtures and paths."""

from __future__ import annotations

import json
import pathlib
import re

import matplotlib

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
BIB = ROOT / "book" / "references.bib"


def toc_files() -> list[str]:
    """Every document in _toc.yml (root first), as paths without suffix."""
    import yaml

    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [ch["file"] for ch in part["chapters"]]
    return files


#: A call that shows an explorer, ``figs.feedback_explorer()``; not one whose result is read
#: further (a setup cell's ``figs.helpers_explorer().controls[0].default`` shows nothing).
EXPLORER_CALL = re.compile(r"(\w+_explorer)\(\)(?!\.)")


def explorer_cells(notebook: pathlib.Path) -> list[list[str]]:
    """For each code cell of ``notebook``, in order, the names of the explorers it shows."""
    cells = json.loads(pathlib.Path(notebook).read_text(encoding="utf-8"))["cells"]
    return [EXPLORER_CALL.findall("".join(cell["source"])) for cell in cells if cell["cell_type"] == "code"]
