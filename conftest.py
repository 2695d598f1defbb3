"""Root pytest configuration, loaded for the package tests and for nbval over book/.

Notebook kernels started by nbval inherit these environment variables:
interactive figures render as kernel-free sliders, exactly as in the committed
outputs (see lossbook.widgets and docs/DECISIONS.md).
"""

import os

os.environ["LOSSBOOK_WIDGETS"] = "static"
# Kernels run single-threaded, as when the outputs were recorded
# (tools/execute_notebooks.py): identical arithmetic, and no oversubscription
# when pytest-xdist runs two notebooks at once on two cores.
os.environ["OMP_NUM_THREADS"] = "1"

#: Test files (under tests/) that check the chapters rather than the package.
NOTEBOOK_TESTS = {"test_notebooks.py", "test_notebook_tags.py", "test_frames.py"}
#: Test files that need the built site, a browser or a fresh environment per chapter.
SITE_TESTS = {"test_jupyterlab.py", "test_colab.py"}


def kind_of(path: str) -> str:
    """``package``, ``notebook`` or ``site``: the marker a test collected from ``path`` gets."""
    name = os.path.basename(path)
    if name.endswith(".ipynb") or name in NOTEBOOK_TESTS:
        return "notebook"
    if name.startswith("test_site") or name in SITE_TESTS:
        return "site"
    return "package"


def pytest_collection_modifyitems(config, items):
    """Mark every test by what it checks (``pytest -m package``, see docs/CONTRIBUTING.md).

    Applied by path, so no test file names its own marker: book/*.ipynb (strict nbval) and the
    notebook-convention tests are ``notebook``; the browser, JupyterLab and Colab tests are
    ``site``; everything else (the package, its docs, lint, the workflows) is ``package``.
    """
    import pytest

    for item in items:
        item.add_marker(getattr(pytest.mark, kind_of(str(item.path))))


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Report the book's own cost: each notebook's execution time, and lossbook's import time.

    Reported, never asserted (timings on shared machines are noise; see bench/).
    Goals: every chapter under 30 s, the whole book under 5 min on 2 cores, and
    ``import lossbook`` adding at most 0.3 s to ``import torch``.
    """
    import subprocess
    import sys
    from collections import defaultdict

    seconds: dict[str, float] = defaultdict(float)
    for outcome in ("passed", "failed", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            nodeid = getattr(report, "nodeid", "")
            if nodeid.startswith("book/") and nodeid.split("::")[0].endswith(".ipynb"):
                seconds[nodeid.split("::")[0]] += getattr(report, "duration", 0.0)
    write = terminalreporter.write_line
    if seconds:
        terminalreporter.section("notebook execution times (strict nbval)")
        for path, total in sorted(seconds.items(), key=lambda kv: -kv[1]):
            write(f"{total:7.1f} s  {path}")
        write(f"{sum(seconds.values()):7.1f} s  total ({len(seconds)} notebooks)")

    site, loads = [], []
    for report in terminalreporter.stats.get("passed", []):
        for key, value in getattr(report, "user_properties", []):
            if key == "site_report":
                site.append(value)
            elif key == "page_load_ms":
                loads.append(value)
    if site or loads:
        terminalreporter.section("the built site")
        for line in site:
            write(line)
        if loads:
            path, ms = max(loads, key=lambda kv: kv[1])
            write(f"slowest page load: {path}, {ms:.0f} ms to the load event ({len(loads)} pages)")

    probe = (
        "import time; t0 = time.perf_counter(); import torch; t1 = time.perf_counter(); "
        "import lossbook; t2 = time.perf_counter(); print(t1 - t0, t2 - t1)"
    )
    runs = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
        if out.returncode == 0:
            runs.append(tuple(float(v) for v in out.stdout.split()))
    if runs:
        torch_s, extra_s = sorted(runs, key=lambda r: r[1])[len(runs) // 2]
        terminalreporter.section("import time")
        write(
            f"import torch: {torch_s:.2f} s; import lossbook adds {extra_s:.3f} s (goal <= 0.3 s)"
        )
