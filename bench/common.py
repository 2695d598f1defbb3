"""What the benchmarks share: example inputs, the timer, the memory probe, the report.

The scripts in ``bench/`` import this module as ``common`` (Python puts a script's
own folder first on ``sys.path``) and ``lossbook`` as the installed package
(``pip install -e .``, which ``requirements.txt`` does); neither touches ``sys.path``.

* Inputs: :func:`make_generator` and the builders below make every benchmark's
  tensors from a seed, on the CPU, then move them to the device -- the same
  numbers on every device. They belong to the benchmarks (not to the tests'
  fixtures), so a change to the tests cannot change what is measured.
* Time: :func:`interleaved` runs the candidates in turn (lossbook, torch,
  lossbook, torch, ...) after a warm-up, so a burst of load from another process
  hits both alike, and reports min / median / max of each.
* Memory: :func:`peak_memory` is the peak of the bytes allocated during one
  forward+backward beyond what existed before (gradients of the inputs included),
  from the CUDA allocator's counters on a GPU and from the profiler's record of
  every CPU allocation and free otherwise.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
PAGE = ROOT / "book" / "performance.md"


# --------------------------------------------------------------------------- options


def add_options(parser: argparse.ArgumentParser) -> None:
    """The options every benchmark takes: device, threads, a note on the conditions."""
    parser.add_argument("--device", default="cpu", help="cpu (default) or cuda")
    parser.add_argument(
        "--threads",
        type=int,
        help="torch CPU threads (default: torch's). On a machine shared with other jobs use 1: "
        "a parallel kernel waits for its slowest thread, and a descheduled one stalls it",
    )
    parser.add_argument("--note", default="", help="conditions to record (e.g. 'machine shared')")


def setup(args: argparse.Namespace) -> torch.device:
    """Apply the common options; the device to measure on."""
    if args.threads:
        torch.set_num_threads(args.threads)
    return torch.device(args.device)


# --------------------------------------------------------------------------- inputs


def make_generator(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def randn(gen: torch.Generator, device: torch.device, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=gen).to(device)


def two(n, device, gen):
    """Prediction and target, ``(n,)`` each."""
    return [randn(gen, device, n), randn(gen, device, n)]


def logits_and_classes(n, device, gen, classes=10):
    rows = max(n // classes, 1)
    return [
        randn(gen, device, rows, classes),
        torch.randint(0, classes, (rows,), generator=gen).to(device),
    ]


def probs_and_bits(n, device, gen):
    return [
        (torch.rand(n, generator=gen) * 0.98 + 0.01).to(device),
        torch.randint(0, 2, (n,), generator=gen).float().to(device),
    ]


def logits_and_bits(n, device, gen):
    return [randn(gen, device, n), torch.randint(0, 2, (n,), generator=gen).float().to(device)]


def distributions(n, device, gen, classes=10):
    rows = max(n // classes, 1)
    return [torch.softmax(randn(gen, device, rows, classes), -1) for _ in range(2)]


def triplets(n, device, gen, dim=64):
    rows = max(n // dim, 1)
    return [randn(gen, device, rows, dim) for _ in range(3)]


def scores_and_signs(n, device, gen):
    signs = torch.randint(0, 2, (n,), generator=gen) * 2 - 1
    return [randn(gen, device, n), signs.float().to(device)]


def gaussian(n, device, gen, dim=16):
    rows = max(n // dim, 1)
    return [randn(gen, device, rows, dim), 0.1 * randn(gen, device, rows, dim)]


def embeddings(n, device, gen, dim=128, max_rows=4096):
    """Two ``(rows, dim)`` batches with ``rows·dim ≈ n`` (at most ``max_rows`` rows)."""
    rows = max(min(n // dim, max_rows), 2)
    return [randn(gen, device, rows, dim), randn(gen, device, rows, dim)]


def labelled_embeddings(rows, device, gen, dim=64, classes=64):
    return [
        randn(gen, device, rows, dim),
        torch.randint(0, classes, (rows,), generator=gen).to(device),
    ]


#: CTC's standard problem: T frames, N sequences, C classes, S labels (no blanks).
CTC_SHAPE = {"T": 200, "N": 32, "C": 30, "S": 50}


def ctc_inputs(n=None, device="cpu", gen=None, T=200, N=32, C=30, S=50):
    """Logits ``(T, N, C)``, targets ``(N, S)`` and full lengths (``n`` is ignored)."""
    gen = gen or make_generator()
    logits = randn(gen, device, T, N, C)
    targets = torch.randint(1, C, (N, S), generator=gen).to(device)
    lengths = torch.full((N,), T, dtype=torch.long), torch.full((N,), S, dtype=torch.long)
    return [logits, targets, *lengths]


# --------------------------------------------------------------------------- time


@dataclass(frozen=True)
class Stats:
    """Seconds per run of one candidate."""

    min: float
    median: float
    max: float

    @classmethod
    def of(cls, seconds: list[float]) -> Stats:
        return cls(min(seconds), statistics.median(seconds), max(seconds))


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed(run: Callable[[], object], device: torch.device) -> float:
    """Seconds for one call of ``run`` (on a GPU: until its kernels have finished)."""
    synchronize(device)
    start = time.perf_counter()
    run()
    synchronize(device)
    return time.perf_counter() - start


def interleaved(
    runs: dict[str, Callable[[], object]], device: torch.device, repeats: int, warmup: int = 2
) -> dict[str, Stats]:
    """Time each candidate ``repeats`` times, alternating between them, after ``warmup`` calls."""
    for run in runs.values():
        for _ in range(warmup):
            run()
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeats):
        for name, run in runs.items():
            seconds[name].append(timed(run, device))
    return {name: Stats.of(s) for name, s in seconds.items()}


class ForwardBackward:
    """A call of ``fn(*args).backward()`` that first clears the gradients of ``args[grad]``."""

    def __init__(self, fn: Callable, args: list, grad: tuple[int, ...]):
        self.fn, self.args, self.leaves = fn, args, [args[i] for i in grad]

    def clear(self) -> None:
        for leaf in self.leaves:
            leaf.grad = None

    def __call__(self) -> None:
        self.clear()
        self.fn(*self.args).backward()


def forward_backward(fn: Callable, args: list, grad: tuple[int, ...]) -> ForwardBackward:
    return ForwardBackward(fn, args, grad)


# --------------------------------------------------------------------------- memory


def peak_memory(run: Callable[[], object], device: torch.device) -> int:
    """Peak bytes allocated during one call of ``run`` beyond what existed before.

    A :class:`ForwardBackward` drops the previous call's gradients first, outside the
    measurement: freeing them inside it would offset the peak by their size.
    """
    if isinstance(run, ForwardBackward):
        run.clear()
    if device.type == "cuda":
        synchronize(device)
        torch.cuda.reset_peak_memory_stats(device)
        base = torch.cuda.memory_allocated(device)
        run()
        synchronize(device)
        return torch.cuda.max_memory_allocated(device) - base
    with torch.profiler.profile(
        activities=[torch.profiler.ProfilerActivity.CPU], profile_memory=True
    ) as prof:
        run()
    # One "[memory]" record per allocation (+bytes) and free (-bytes), in time order.
    # (The profiler's per-op totals net an op's temporaries out and would hide the peak.)
    records = sorted(
        (e.start_ns(), e.nbytes())
        for e in prof.profiler.kineto_results.events()
        if e.name() == "[memory]"
    )
    live = peak = 0
    for _, nbytes in records:
        live += nbytes
        peak = max(peak, live)
    return peak


# --------------------------------------------------------------------------- report


def machine(device: torch.device, note: str = "") -> dict:
    """The machine and how busy it was (load average over 1 minute, when measured)."""
    info = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "device": str(device),
    }
    try:
        models = re.findall(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        info["cpu_model"] = models[0].strip() if models else platform.processor()
    except OSError:
        info["cpu_model"] = platform.processor()
    if device.type == "cuda":
        info["gpu"] = torch.cuda.get_device_name(device)
    if hasattr(os, "getloadavg"):
        info["load_average_1min"] = round(os.getloadavg()[0], 2)
    if note:
        info["note"] = note
    return info


def machine_lines(info: dict) -> str:
    return "\n".join(f"- {key}: {value}" for key, value in info.items())


def write_report(name: str, title: str, body: str) -> Path:
    """Write ``bench/results/<name>.md`` (a title, then ``body``) and refresh the page."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.md"
    path.write_text(f"# {title}\n\n{body.strip()}\n")
    if page_section(PAGE.read_text(), name) is not None:
        PAGE.write_text(with_section(PAGE.read_text(), name, report_body(path)))
    print(f"written to {path.relative_to(ROOT)}")
    return path


def report_body(path: Path) -> str:
    """A results file without its title line: what the Performance page shows."""
    return path.read_text().split("\n", 1)[1].strip()


_SECTION = re.compile(
    r"(?P<start><!-- bench/results/(?P<name>[\w.-]+)\.md: generated, do not edit -->)"
    r"(?P<body>.*?)"
    r"(?P<end><!-- end of bench/results/(?P=name)\.md -->)",
    re.DOTALL,
)


def page_section(page: str, name: str) -> str | None:
    """The copy of ``bench/results/<name>.md`` in the page, or None if the page has no slot."""
    for match in _SECTION.finditer(page):
        if match["name"] == name:
            return match["body"].strip()
    return None


def page_sections(page: str) -> dict[str, str]:
    return {m["name"]: m["body"].strip() for m in _SECTION.finditer(page)}


def with_section(page: str, name: str, body: str) -> str:
    def replace(match: re.Match) -> str:
        if match["name"] != name:
            return match[0]
        return f"{match['start']}\n\n{body}\n\n{match['end']}"

    return _SECTION.sub(replace, page)
