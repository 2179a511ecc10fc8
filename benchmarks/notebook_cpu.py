"""CPU seconds of one chapter executed as the book build executes it.

The build (``book/_ext/il2_book.py``) runs each notebook in a kernel with
``IL2_STATIC_EXPLORERS=1`` and ``IL2_FRAMES_DIR`` set, so every explorer renders its static
frames (in forked processes, ``IL2_FRAME_WORKERS``). This script does the same for the
notebooks named, one after another, and prints the CPU seconds of the kernel and of its frame
workers (user + system), which unlike wall time do not depend on what else the machine runs:

    python benchmarks/notebook_cpu.py chapters/01_growth_factor.ipynb
    python benchmarks/notebook_cpu.py --profile prof.out chapters/03_therapy.ipynb

``--profile`` renders the frames in the kernel itself (``IL2_FRAME_WORKERS=1``) and writes a
cProfile dump of the whole notebook (read it with ``python -m pstats``).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[1]

_START = """\
import resource as _il2_resource
_il2_cpu0 = [_il2_resource.getrusage(w) for w in (_il2_resource.RUSAGE_SELF, _il2_resource.RUSAGE_CHILDREN)]
"""
_PROFILE_START = """\
import cProfile as _il2_cprofile
_il2_prof = _il2_cprofile.Profile()
_il2_prof.enable()
"""
_PROFILE_END = """\
_il2_prof.disable()
_il2_prof.dump_stats({path!r})
"""
_END = """\
_il2_cpu1 = [_il2_resource.getrusage(w) for w in (_il2_resource.RUSAGE_SELF, _il2_resource.RUSAGE_CHILDREN)]
print("IL2CPU", *[(b.ru_utime + b.ru_stime) - (a.ru_utime + a.ru_stime) for a, b in zip(_il2_cpu0, _il2_cpu1)])
"""


def _cell(source: str) -> dict:
    import nbformat

    return nbformat.v4.new_code_cell(source)


def run(path: pathlib.Path, profile: str | None = None) -> tuple[float, float, float]:
    """Execute ``path`` as the build does; return (kernel CPU s, frame-worker CPU s, wall s)."""
    import time

    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    head = [_cell(_START)] + ([_cell(_PROFILE_START)] if profile else [])
    tail = ([_cell(_PROFILE_END.format(path=str(pathlib.Path(profile).resolve())))] if profile else []) + [_cell(_END)]
    nb.cells = head + nb.cells + tail
    env_before = dict(os.environ)
    frames = tempfile.mkdtemp(prefix="il2-frames-")
    os.environ["IL2_STATIC_EXPLORERS"] = "1"
    os.environ["IL2_FRAMES_DIR"] = frames
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "lib"), os.environ.get("PYTHONPATH")]))
    if profile:
        os.environ["IL2_FRAME_WORKERS"] = "1"
    try:
        t0 = time.perf_counter()
        NotebookClient(nb, timeout=1800, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
        wall = time.perf_counter() - t0
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    for out in nb.cells[-1].outputs:
        text = out.get("text", "")
        if "IL2CPU" in text:
            own, children = map(float, text.split()[1:3])
            return own, children, wall
    raise RuntimeError(f"{path}: no CPU reading in the last cell: {json.dumps(nb.cells[-1].outputs)[:500]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=pathlib.Path)
    parser.add_argument("--profile", help="cProfile dump of the (single) notebook, frames rendered in the kernel")
    args = parser.parse_args()
    if args.profile and len(args.notebooks) != 1:
        sys.exit("--profile takes one notebook")
    print("| notebook | kernel CPU s | frame workers CPU s | total CPU s | wall s |")
    print("|---|---|---|---|---|")
    for path in args.notebooks:
        own, children, wall = run(path.resolve(), args.profile)
        print(f"| {path.name} | {own:.1f} | {children:.1f} | {own + children:.1f} | {wall:.1f} |", flush=True)


if __name__ == "__main__":
    main()
