"""Benchmarks: book build times and the speed of every model call behind an explorer.

Not a test: it measures and prints a table. Run from the repository root:

    python benchmarks/run.py            # models, explorers and book builds
    python benchmarks/run.py --no-book  # models and explorers only (seconds, not minutes)

Model cases come from ``benchmarks/bench_*.py`` modules, each exposing
``cases() -> list[tuple[str, Callable[[], object]]]``. Explorers are found in every
``il2.figures`` module's ``EXPLORERS`` dict: for each, the table gives the model call at the
default values (what a slider move costs in a live kernel before drawing), the full redraw
(model, drawing and PNG encoding), and the number of frames the static book renders.
"""

from __future__ import annotations

import argparse
import importlib
import pathlib
import pkgutil
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Callable

import matplotlib

matplotlib.use("Agg")

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))


def median_seconds(func: Callable[[], object], min_time: float = 0.5, max_repeats: int = 200) -> tuple[float, int]:
    """Median wall time of repeated calls (at least 5, until ``min_time`` has passed)."""
    times: list[float] = []
    start = time.perf_counter()
    while len(times) < 5 or (time.perf_counter() - start < min_time and len(times) < max_repeats):
        t0 = time.perf_counter()
        func()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def _fmt(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms" if seconds < 1 else f"{seconds:.2f} s"


def model_cases() -> list[tuple[str, str, Callable[[], object]]]:
    rows = []
    for path in sorted((ROOT / "benchmarks").glob("bench_*.py")):
        module = importlib.import_module(path.stem)
        rows += [(path.stem.removeprefix("bench_"), name, fn) for name, fn in module.cases()]
    return rows


def explorers() -> list[tuple[str, str, Callable[[], object]]]:
    import il2.figures

    rows = []
    for info in pkgutil.iter_modules(il2.figures.__path__):
        module = importlib.import_module(f"il2.figures.{info.name}")
        for name, factory in getattr(module, "EXPLORERS", {}).items():
            rows.append((info.name, name, factory))
    return rows


def book_build_times() -> tuple[float, float]:
    """Seconds for a clean build and for a rebuild with nothing changed."""
    out = pathlib.Path(tempfile.mkdtemp(prefix="il2-bench-"))
    exe = shutil.which("jupyter-book") or str(pathlib.Path(sys.executable).with_name("jupyter-book"))
    cmd = [exe, "build", str(ROOT), "--path-output", str(out)]
    try:
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        clean = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        rebuild = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return clean, rebuild


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-book", action="store_true", help="skip the (minutes-long) book builds")
    args = parser.parse_args()

    print("| area | case | median | repeats |")
    print("|---|---|---|---|")
    for area, name, fn in model_cases():
        t, n = median_seconds(fn)
        print(f"| {area} | {name} | {_fmt(t)} | {n} |")

    print("\n| chapter | explorer | model call | full redraw (model + draw + PNG) | static frames |")
    print("|---|---|---|---|---|")
    for chapter, name, factory in explorers():
        ex = factory()
        t_model, _ = median_seconds(ex.compute, min_time=0.3)
        t_draw, _ = median_seconds(ex.png, min_time=0.3, max_repeats=20)
        print(f"| {chapter} | {name} | {_fmt(t_model)} | {_fmt(t_draw)} | {ex.frame_count()} |")

    if not args.no_book:
        clean, rebuild = book_build_times()
        print("\n| book build | seconds |")
        print("|---|---|")
        print(f"| clean build (executes every notebook, renders every explorer frame) | {clean:.1f} |")
        print(f"| rebuild with no change (execution cache) | {rebuild:.1f} |")


if __name__ == "__main__":
    main()
