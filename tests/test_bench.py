"""The Performance page shows the committed benchmark results, and the memory probe is right.

No timing is asserted (benchmarks run in ``bench/``, by hand, on a quiet machine).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("bench_common", ROOT / "bench" / "common.py")
common = sys.modules["bench_common"] = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(common)

PAGE = ROOT / "book" / "performance.md"
SECTIONS = common.page_sections(PAGE.read_text())


def test_the_page_has_a_slot_for_each_cpu_result():
    assert set(SECTIONS) == {"cpu", "ctc-cpu", "scale-cpu"}


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_page_table_equals_the_results_file(name):
    """``bench/`` writes both; run the benchmark again rather than editing either by hand."""
    expected = common.report_body(ROOT / "bench" / "results" / f"{name}.md")
    assert SECTIONS[name] == expected, (
        f"book/performance.md's copy of bench/results/{name}.md is stale: re-run the benchmark"
    )


def test_results_json_matches_the_markdown():
    data = json.loads((ROOT / "bench" / "results" / "cpu.json").read_text())
    text = (ROOT / "bench" / "results" / "cpu.md").read_text()
    lines = text.splitlines()
    start = lines.index(next(line for line in lines if line.startswith("| loss | elements | mode")))
    rows = []
    for line in lines[start + 2 :]:  # after the header and its |---| line, up to the table's end
        if not line.startswith("| "):
            break
        rows.append(line)
    assert len(rows) == len(data["results"])
    for row, result in zip(rows, data["results"], strict=True):
        assert row.startswith(f"| {result['loss']} | {result['elements']:.0e} | {result['mode']} |")


def test_compiled_results_were_really_compiled():
    """A "compiled" run that silently ran eagerly (Dynamo's recompile limit, a shared compile
    cache) shows a first call as fast as an eager one. Compiling takes tens of ms at least."""
    data = json.loads((ROOT / "bench" / "results" / "cpu.json").read_text())
    compiled = [r for r in data["results"] if r["mode"] == "compiled"]
    for r in compiled:
        for side in ("lossbook", "torch"):
            compiling = r[f"{side}_first_call_s"] - r[f"{side}_ms"]["median"] / 1e3
            assert compiling > 0.02, (r["loss"], r["elements"], side, compiling)


def test_peak_memory_counts_every_live_allocation():
    def run():
        ones = torch.ones(250_000)  # 1,000,000 bytes
        doubled = ones * 2  # another 1,000,000 while `ones` is alive
        del ones, doubled

    peak = common.peak_memory(run, torch.device("cpu"))
    assert 2_000_000 <= peak <= 2_000_000 + 1024


def test_peak_memory_ignores_what_existed_before():
    x = torch.randn(100_000, requires_grad=True)
    run = common.forward_backward(lambda x: (x * x).sum(), [x], (0,))
    run()  # leaves a gradient behind; the next measurement must not count freeing it
    peak = common.peak_memory(run, torch.device("cpu"))
    # x*x (saved for nothing: x is) plus the gradient 2x: two tensors of 400,000 bytes at most
    assert 400_000 <= peak <= 2 * 400_000 + 1024


def test_only_a_full_run_replaces_the_committed_results():
    """``--quick`` or ``--losses huber`` must not overwrite the full results on the page."""
    import argparse

    sys.path.insert(0, str(ROOT / "bench"))
    try:
        spec = importlib.util.spec_from_file_location(
            "bench_losses", ROOT / "bench" / "bench_losses.py"
        )
        losses = sys.modules["bench_losses"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(losses)  # (in sys.modules first: its dataclasses look it up)
    finally:
        sys.path.remove(str(ROOT / "bench"))
    every = [p.name for p in losses.PAIRS]

    def name(**changes):
        args = dict(quick=False, losses=every, sizes=[1e7, 1e3, 1e5], modes=["compiled", "eager"])
        return losses.results_name(torch.device("cpu"), argparse.Namespace(**{**args, **changes}))

    assert name() == "cpu"
    assert name(quick=True) == "cpu-partial"
    assert name(losses=["huber"]) == "cpu-partial"
    assert name(sizes=[1e7]) == "cpu-partial"
    assert name(modes=["eager"]) == "cpu-partial"
