"""Run every chapter the way Colab would: Colab's ipywidgets (7.7.1), lossbook not preinstalled.

    python tools/colab_check.py                 # every chapter
    python tools/colab_check.py book/03_regression.ipynb

1. Creates a separate virtual environment (``_build/colab-venv``) with the CPU
   build of torch, numpy, matplotlib, ipykernel and ipywidgets==7.7.1 -- what a
   Colab runtime brings -- and *without* lossbook.
2. Marks the environment as Colab (a stub ``google.colab`` module), so each
   chapter's first cell takes its Colab branch and runs ``%pip install``;
   the GitHub URL in that cell is swapped for this checkout, so what gets
   installed is the code under test.
3. Executes each notebook top to bottom in that environment with live widgets
   (``LOSSBOOK_WIDGETS`` unset), then moves every slider of every interactive
   figure and checks that the figure redraws.

Exit status 0 when every chapter passes. Used by ``tests/test_colab.py``.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "_build" / "colab-venv"
GITHUB_SOURCE = "git+https://github.com/lossbook/lossbook"
COLAB_PACKAGES = [
    "numpy>=1.24",
    "matplotlib>=3.7",
    "ipywidgets==7.7.1",
    "ipykernel>=6",
    "nbclient>=0.7",
    "nbformat>=5",
    "tqdm>=4.60",
]
WIDGET_CHECK = """
import ipywidgets
boxes = [v for v in Out.values() if isinstance(v, ipywidgets.VBox) and hasattr(v, "controls")]
assert boxes, "no live interactive figure was created"
for box in boxes:
    for name, control in box.controls.items():
        before = box.redraw_count
        values = [option[1] for option in control.options]
        control.value = values[0] if control.value != values[0] else values[-1]
        assert box.redraw_count == before + 1, f"{name}: the figure did not redraw"
print(f"ipywidgets {ipywidgets.__version__}: {len(boxes)} interactive figure(s) respond")
"""


def python_in_venv() -> Path:
    return VENV / "bin" / "python"


def create_environment() -> None:
    """The Colab-like environment: torch CPU, Colab's ipywidgets, no lossbook."""
    if python_in_venv().exists():
        return
    venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    pip = [str(python_in_venv()), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "torch==2.13.0"], check=True)
    subprocess.run([*pip, *COLAB_PACKAGES], check=True)
    site = subprocess.run(
        [str(python_in_venv()), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stub = Path(site) / "google" / "colab"
    stub.mkdir(parents=True, exist_ok=True)
    (stub / "__init__.py").write_text(
        '"""Stub: marks this environment as Colab for the check."""\n'
    )
    # Colab imports google.colab at start-up; a .pth line does the same here.
    (Path(site) / "colab_stub.pth").write_text("import google.colab\n")


CHAPTER_TIMEOUT = 300  # seconds; a chapter takes well under a minute, pip install included


def run_notebook(path: Path, attempts: int = 2) -> float:
    """Execute one notebook inside the Colab-like environment (this script, re-invoked).

    A run that hangs (seen once: the kernel idle, the client still waiting for a reply that
    never came) is killed with its kernel after ``CHAPTER_TIMEOUT`` seconds and tried once
    more; a chapter that fails or hangs twice fails the check.
    """
    start = time.perf_counter()
    env = {k: v for k, v in os.environ.items() if k != "LOSSBOOK_WIDGETS"}
    command = [str(python_in_venv()), __file__, "--inner", str(path)]
    for attempt in range(1, attempts + 1):
        process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
        try:
            returncode = process.wait(timeout=CHAPTER_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # the inner script and its kernel
            process.wait()
            print(f"        {path.name}: no answer after {CHAPTER_TIMEOUT} s (attempt {attempt})")
            if attempt < attempts:
                continue
            raise subprocess.CalledProcessError(-9, command) from None
        if returncode != 0:
            raise subprocess.CalledProcessError(returncode, command)
        break
    return time.perf_counter() - start


def inner(path: Path) -> None:
    """Runs *inside* the venv: uninstall lossbook, execute the notebook, poke the widgets."""
    import nbformat
    from nbclient import NotebookClient

    subprocess.run(
        [sys.executable, "-m", "pip", "uninstall", "-y", "-q", "lossbook"],
        check=False,
        capture_output=True,
    )
    notebook = nbformat.read(path, as_version=4)
    setup = notebook.cells[[c.cell_type for c in notebook.cells].index("code")]
    assert GITHUB_SOURCE in setup.source, f"{path.name}: first code cell does not install lossbook"
    # the same cell, installing this checkout instead of GitHub's main branch (a normal,
    # non-editable install, as pip does from git on Colab: importable at once)
    setup.source = setup.source.replace(GITHUB_SOURCE, ROOT.as_uri())
    if any("interactive_figure(" in c.source for c in notebook.cells if c.cell_type == "code"):
        notebook.cells.append(nbformat.v4.new_code_cell(WIDGET_CHECK))
    else:  # a page without interactive figures (the API page): it must only run
        notebook.cells.append(nbformat.v4.new_code_cell('print("no interactive figure: ran")'))
    # Colab opens the notebook alone, with no repository around it: run it in an empty folder
    with tempfile.TemporaryDirectory() as alone:
        client = NotebookClient(
            notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": alone}}
        )
        client.execute()
    print("".join(o.get("text", "") for o in notebook.cells[-1].outputs).strip())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.inner:
        inner(args.notebooks[0].resolve())
        return 0
    paths = args.notebooks or sorted(
        [*(ROOT / "book").glob("[0-9]*.ipynb"), ROOT / "book" / "api.ipynb"]
    )
    create_environment()
    failures = []
    for path in paths:
        try:
            seconds = run_notebook(path.resolve())
            print(f"{seconds:6.1f} s  ok  {path.name}", flush=True)
        except subprocess.CalledProcessError:
            failures.append(path.name)
            print(f"        FAILED  {path.name}", flush=True)
    if failures:
        print(f"{len(failures)} chapter(s) failed the Colab check: {failures}")
        return 1
    print(f"all {len(paths)} chapters pass with Colab's ipywidgets 7.7.1")
    return 0


if __name__ == "__main__":
    sys.exit(main())
