"""Benchmarks as a scoreboard: every measured figure next to its target, misses marked.

Not a test (machines are noisy, and speed is no pass/fail criterion): it measures and prints
tables, and is safe to run in CI's log. Run from the repository root:

    python benchmarks/run.py            # import, models, explorers, frames and book builds
    python benchmarks/run.py --no-book  # everything but the (minutes-long) book builds
    python benchmarks/run.py --cohort-only  # the virtual cohort and its speed-up on 2 workers
    python benchmarks/run.py --notebooks    # also each notebook's CPU seconds as the build runs it

Targets come from issue 18's table (and issue 11 for the import time); a figure that misses
its target is marked **MISS**. Model cases come from ``benchmarks/bench_*.py`` modules, each
exposing ``cases() -> list[tuple[str, Callable[[], object]]]``. Explorers are found in every
``il2.figures`` module's ``EXPLORERS`` dict: for each, the model call at the default values,
the live redraw (model, drawing and PNG encoding on the panel's reused figure, measured over a
drag across the main control, to and fro), and the static frames (count and cost per frame).
"""

from __future__ import annotations

import argparse
import importlib
import os
import pathlib
import pkgutil
import re
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

#: Targets (seconds) from issue 18's table and issue 11 (import time).
IMPORT_TARGET_S = 0.3
MODEL_CALL_TARGET_S = 0.020
LIVE_REDRAW_TARGET_S = 0.150
LIVE_REDRAW_FAST_TARGET_S = 0.100  # where the model call allows (model call within its own target)
CLEAN_BUILD_TARGET_S = 90.0
REBUILD_TARGET_S = 5.0
#: Model cases with a target of their own: (area, start of the case name) -> seconds.
CASE_TARGETS: dict[tuple[str, str], float] = {
    ("therapy", "pharmacodynamics: 12-week low-dose"): 0.2,
    ("engineered", "selectivity map"): 0.5,
    ("engineered", "explorer"): 0.020,
    ("low_dose", "12-week low-dose course"): 0.2,
    ("cohort", "1,000 patients through one cycle"): 5.0,
}
#: Patients in the cohort scaling table (one process against two local workers).
COHORT_SCALING_PATIENTS = 2000


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
    return f"{seconds * 1e3:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _verdict(seconds: float, target: float | None) -> str:
    if target is None:
        return "–"
    return f"≤ {_fmt(target)} ok" if seconds <= target else f"≤ {_fmt(target)} **MISS**"


def import_time(repeats: int = 5) -> float:
    """Median seconds for ``import il2`` in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import il2; print(time.perf_counter() - t)"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "lib"), os.environ.get("PYTHONPATH", "")])}
    times = []
    for _ in range(repeats):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


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


def uncached(fn: Callable[[], object]) -> Callable[[], object]:
    """``fn`` after dropping the growth runs that ``il2.growth.simulate`` keeps, so that each
    timed call runs the model (a kept run comes back in microseconds)."""
    from il2.growth.simulation import forget_results

    def call() -> object:
        forget_results()
        return fn()

    return call


def model_call(ex) -> Callable[[], object]:
    """The explorer's model at its defaults, bypassing the results the explorer and
    ``il2.growth.simulate`` keep."""
    return uncached(ex.call_model)


def _forget(ex) -> None:
    """Drop the results an explorer keeps (Explorer.compute) and the growth runs kept by
    ``il2.growth.simulate``, so each timing runs the model."""
    from il2.growth.simulation import forget_results

    ex.forget()
    forget_results()


def live_redraw_seconds(ex) -> float:
    """Median live redraw over a drag across the main control's static grid, there and back."""
    main = ex.controls[0]
    values = main.values()
    path = values + values[::-1]
    ex.redraw()  # the panel's first drawing (layout solved) happens when it is shown
    times = []
    for value in path:
        _forget(ex)
        t0 = time.perf_counter()
        ex.redraw(**{main.name: value})
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def frame_seconds(ex, limit: int = 13) -> float:
    """Seconds per static frame (model, drawing, WebP at twice the displayed size), one process,
    over the frames along the main control (at most ``limit``)."""
    main = ex.controls[0]
    combos = [{**ex.defaults(), main.name: v} for v in main.values()[:limit]]
    old = os.environ.get("IL2_FRAME_WORKERS")
    os.environ["IL2_FRAME_WORKERS"] = "1"
    try:
        _forget(ex)
        t0 = time.perf_counter()
        ex.render_frames(combos)
        return (time.perf_counter() - t0) / len(combos)
    finally:
        if old is None:
            os.environ.pop("IL2_FRAME_WORKERS", None)
        else:
            os.environ["IL2_FRAME_WORKERS"] = old


def cohort_scaling(n: int = COHORT_SCALING_PATIENTS) -> list[tuple[str, float]]:
    """Seconds for ``n`` virtual patients through one cycle: one process, then two local workers
    (a process pool, and a dask.distributed LocalCluster of two single-threaded worker processes),
    each with the same shards. The results are identical (tests/test_cohort.py)."""
    import concurrent.futures

    from il2 import cohort

    patients = cohort.draw_cohort(n, seed=0)
    cohort.simulate_cohort(cohort.draw_cohort(2, seed=0))  # threshold tables cached
    rows = []
    t0 = time.perf_counter()
    cohort.simulate_cohort(patients, shards=4)
    rows.append(("one process (no executor)", time.perf_counter() - t0))
    with concurrent.futures.ProcessPoolExecutor(max_workers=2) as pool:
        pool.submit(cohort.draw_cohort, 1).result()  # workers started and il2 imported
        t0 = time.perf_counter()
        cohort.simulate_cohort(patients, executor=pool, shards=4)
        rows.append(("ProcessPoolExecutor, 2 workers", time.perf_counter() - t0))
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        return rows
    scratch = tempfile.mkdtemp(prefix="il2-dask-")
    try:
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                          local_directory=scratch) as cluster, Client(cluster) as client:
            client.submit(cohort.draw_cohort, 1).result()
            t0 = time.perf_counter()
            cohort.simulate_cohort(patients, executor=client, shards=4)
            rows.append(("dask LocalCluster, 2 worker processes", time.perf_counter() - t0))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return rows


def print_cohort_scaling() -> None:
    rows = cohort_scaling()
    base = rows[0][1]
    print(f"\n| {COHORT_SCALING_PATIENTS:,} virtual patients, one cycle | seconds | speed-up |")
    print("|---|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.2f} | {base / seconds:.2f} |")


_EXECUTED = re.compile(r"il2: executed (\S+) in ([0-9.]+) s")


def book_build_times() -> tuple[float, float, dict[str, float]]:
    """Seconds for a clean strict build and for a rebuild with nothing changed, and the
    execution seconds of each notebook in the clean build (as ``book/_ext/il2_book.py`` logs
    them when it runs the notebooks in parallel; they overlap, so they add up to more than
    the build)."""
    out = pathlib.Path(tempfile.mkdtemp(prefix="il2-bench-"))
    exe = shutil.which("jupyter-book") or str(pathlib.Path(sys.executable).with_name("jupyter-book"))
    cmd = [exe, "build", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    try:
        t0 = time.perf_counter()
        log = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
        clean = time.perf_counter() - t0
        t0 = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        rebuild = time.perf_counter() - t0
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return clean, rebuild, {name: float(sec) for name, sec in _EXECUTED.findall(log)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-book", action="store_true", help="skip the (minutes-long) book builds")
    parser.add_argument("--notebooks", action="store_true",
                        help="each notebook's CPU seconds as the build executes it (benchmarks/notebook_cpu.py)")
    parser.add_argument("--cohort-only", action="store_true",
                        help="only the virtual cohort: its cases and the speed-up on 2 local workers")
    args = parser.parse_args()
    if args.cohort_only:
        print(f"CPU cores: {os.cpu_count()}; load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
        print("| area | case | median (wall) | CPU time of this process | repeats | target |")
        print("|---|---|---|---|---|---|")
        for area, name, fn in model_cases():
            if area != "cohort":
                continue
            fn = uncached(fn)
            t, n = median_seconds(fn)
            c0 = time.process_time()
            fn()
            cpu = time.process_time() - c0
            target = next((v for (a, prefix), v in CASE_TARGETS.items() if a == area and name.startswith(prefix)), None)
            print(f"| {area} | {name} | {_fmt(t)} | {_fmt(cpu)} | {n} | {_verdict(t, target)} |")
        print_cohort_scaling()
        return
    misses: list[str] = []

    def mark(label: str, seconds: float, target: float | None) -> str:
        verdict = _verdict(seconds, target)
        if "MISS" in verdict:
            misses.append(f"{label}: {_fmt(seconds)} ({verdict.replace(' **MISS**', '')})")
        return verdict

    print(f"CPU cores: {os.cpu_count()}; load average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    t_import = import_time()
    print("| what | measured | target |")
    print("|---|---|---|")
    print(f"| `import il2` (fresh interpreter, median of 5) | {_fmt(t_import)} | "
          f"{mark('import il2', t_import, IMPORT_TARGET_S)} |")

    print("\n| area | case | median | repeats | target |")
    print("|---|---|---|---|---|")
    for area, name, fn in model_cases():
        t, n = median_seconds(uncached(fn))
        target = next((v for (a, prefix), v in CASE_TARGETS.items() if a == area and name.startswith(prefix)), None)
        print(f"| {area} | {name} | {_fmt(t)} | {n} | {mark(f'{area}: {name}', t, target)} |")

    print("\n| chapter | explorer | model call | target | live redraw (model + draw + PNG), median of a drag "
          "| target | static frames | per frame (WebP, 2x) |")
    print("|---|---|---|---|---|---|---|---|")
    total_frames = 0
    total_frame_s = 0.0
    for chapter, name, factory in explorers():
        ex = factory()
        t_model, _ = median_seconds(model_call(ex), min_time=0.3)
        t_live = live_redraw_seconds(ex)
        live_target = LIVE_REDRAW_FAST_TARGET_S if t_model <= MODEL_CALL_TARGET_S else LIVE_REDRAW_TARGET_S
        t_frame = frame_seconds(ex)
        frames = ex.frame_count()
        total_frames += frames
        total_frame_s += frames * t_frame
        print(f"| {chapter} | {name} | {_fmt(t_model)} | {mark(f'{chapter}.{name} model call', t_model, MODEL_CALL_TARGET_S)} "
              f"| {_fmt(t_live)} | {mark(f'{chapter}.{name} live redraw', t_live, live_target)} "
              f"| {frames} | {_fmt(t_frame)} |")
    print(f"\nStatic frames in the book: {total_frames}, about {total_frame_s:.0f} s of one core "
          f"(the build spreads them over up to {min(os.cpu_count() or 1, 4)} processes).")

    print_cohort_scaling()

    if args.notebooks:
        import notebook_cpu

        print("\n| notebook, executed as the book build does (frames rendered) | kernel CPU s "
              "| frame workers CPU s | total CPU s |")
        print("|---|---|---|---|")
        for path in [*sorted((ROOT / "chapters").glob("*.ipynb")), *sorted((ROOT / "book").glob("*.ipynb"))]:
            own, children, _ = notebook_cpu.run(path)
            print(f"| {path.relative_to(ROOT)} | {own:.1f} | {children:.1f} | {own + children:.1f} |", flush=True)

    if not args.no_book:
        load_before = os.getloadavg()[0]
        clean, rebuild, executed = book_build_times()
        print(f"\nLoad average (1 min) before the builds {load_before:.2f}, after {os.getloadavg()[0]:.2f}.")
        print("\n| book build | seconds | target |")
        print("|---|---|---|")
        print(f"| clean strict build (executes every notebook, renders every explorer frame) | {clean:.1f} | "
              f"{mark('clean build', clean, CLEAN_BUILD_TARGET_S)} |")
        print(f"| rebuild with no change (execution cache) | {rebuild:.1f} | "
              f"{mark('rebuild', rebuild, REBUILD_TARGET_S)} |")
        if executed:
            print("\n| notebook (clean build, run in parallel) | execution seconds |")
            print("|---|---|")
            for name, sec in sorted(executed.items(), key=lambda kv: -kv[1]):
                print(f"| {name} | {sec:.1f} |")

    print(f"\n{len(misses)} figure(s) miss their target" + (":" if misses else "."))
    for miss in misses:
        print(f"- {miss}")


if __name__ == "__main__":
    main()
