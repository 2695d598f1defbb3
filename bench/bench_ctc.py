"""Forward + backward time of ``lossbook.ctc`` against ``torch.nn.functional.ctc_loss``.

Problem: T=200 frames, N=32 sequences, C=30 classes, S=50 labels, float32 on the CPU,
random targets (no blanks), full input and target lengths. The two implementations run
interleaved in the same process (so both see the same machine load), and each reported
time is the median of REPEATS runs after a warm-up. Uses torch's default thread count
(printed). Goal: ratio lossbook / torch <= 2.

Run from the repository root, with lossbook installed (``pip install -e .``):

    python bench/bench_ctc.py        # or: PYTHONPATH=. python bench/bench_ctc.py
"""

from __future__ import annotations

import statistics
import time

import torch
import torch.nn.functional as F

import lossbook.sequence as seq

T, N, C, S = 200, 32, 30, 50
WARMUP, REPEATS = 5, 30


def make_inputs() -> tuple[torch.Tensor, ...]:
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(T, N, C, generator=g)
    targets = torch.randint(1, C, (N, S), generator=g)
    input_lengths = torch.full((N,), T, dtype=torch.long)
    target_lengths = torch.full((N,), S, dtype=torch.long)
    return logits, targets, input_lengths, target_lengths


def forward_backward(fn, logits, targets, input_lengths, target_lengths) -> float:
    """Seconds for one forward and backward pass (log_softmax included, as in training)."""
    x = logits.detach().requires_grad_()
    start = time.perf_counter()
    loss = fn(x.log_softmax(2), targets, input_lengths, target_lengths, reduction="mean")
    loss.backward()
    return time.perf_counter() - start


def main() -> None:
    inputs = make_inputs()
    implementations = {"lossbook.ctc": seq.ctc, "F.ctc_loss": F.ctc_loss}
    times: dict[str, list[float]] = {name: [] for name in implementations}
    for i in range(WARMUP + REPEATS):
        for name, fn in implementations.items():
            elapsed = forward_backward(fn, *inputs)
            if i >= WARMUP:
                times[name].append(elapsed)

    print(f"CTC forward+backward, T={T} N={N} C={C} S={S}, float32, CPU")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, median of {REPEATS}")
    medians = {name: statistics.median(ts) for name, ts in times.items()}
    for name, median in medians.items():
        print(f"  {name:<13} {1e3 * median:8.2f} ms")
    ratio = medians["lossbook.ctc"] / medians["F.ctc_loss"]
    print(f"  ratio lossbook / torch: {ratio:.2f}x (goal <= 2x)")


if __name__ == "__main__":
    main()
