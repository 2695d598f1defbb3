"""Execute the book's notebooks in place, top to bottom, as the committed outputs must be.

    python tools/execute_notebooks.py              # every notebook in book/
    python tools/execute_notebooks.py book/03_regression.ipynb

Each notebook runs in a fresh kernel with ``LOSSBOOK_WIDGETS=static`` (so the
interactive figures are stored as kernel-free sliders, see lossbook.widgets)
and ``OMP_NUM_THREADS=1`` (as in the test run), with its working directory set
to ``book/``; writes ``metadata.kernelspec`` (python3). Prints the time each one took and
the total: the book's own cost, reported in CI (goal: < 30 s per chapter).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
KERNELSPEC = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}


def execute(path: Path, timeout: int = 600) -> float:
    """Run one notebook in place and return its wall-clock time in seconds."""
    notebook = nbformat.read(path, as_version=4)
    os.environ["LOSSBOOK_WIDGETS"] = "static"
    # One thread: the chapters' models are tiny (threads only add overhead), and the
    # committed outputs must be reproduced bit for bit by nbval, which uses the same
    # setting (conftest.py) -- a parallel reduction may round differently.
    os.environ["OMP_NUM_THREADS"] = "1"
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    notebook.metadata.pop("widgets", None)  # never commit widget state (no widget JS is served)
    # name the kernel, so Jupyter, JupyterLab and Colab open the notebook without asking
    notebook.metadata["kernelspec"] = dict(KERNELSPEC)
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((ROOT / "book").glob("*.ipynb"))
    total = 0.0
    for path in paths:
        seconds = execute(path)
        total += seconds
        print(f"{seconds:7.1f} s  {path.relative_to(ROOT) if path.is_absolute() else path}")
    print(f"{total:7.1f} s  total ({len(paths)} notebooks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
