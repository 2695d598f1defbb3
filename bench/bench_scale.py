"""Scale: mining and the contrastive losses at realistic batch sizes, time and peak memory.

    python bench/bench_scale.py                 # CPU
    python bench/bench_scale.py --device cuda

``mine_triplets`` on 4,096 embeddings ("hard" and "semi-hard"), ``info_nce`` and
``clip_loss`` forward+backward on a batch of 8,192 x 256. The goal: nothing
larger than the N x N similarity matrix is materialised (no N x N x N tensor;
only ``strategy="all"`` builds one, and says so). The report prints each peak
next to the size of one N x N float32 matrix. Written to
``bench/results/scale-<device>.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench_losses import machine, peak_memory, timed  # noqa: E402

import lossbook as lb  # noqa: E402


def median_seconds(run, device, repeats: int) -> float:
    return statistics.median(timed(run, device) for _ in range(repeats))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    gen = torch.Generator().manual_seed(0)

    rows = []
    n_mine = 4096
    embeddings = torch.randn(n_mine, 64, generator=gen).to(device)
    labels = torch.randint(0, 64, (n_mine,), generator=gen).to(device)
    for strategy in ("hard", "semi-hard"):

        def run(strategy=strategy):
            lb.mine_triplets(embeddings, labels, strategy=strategy, margin=0.2)

        run()
        rows.append((f"mine_triplets({strategy})", f"{n_mine} x 64", n_mine, run))

    n = 8192
    query = torch.randn(n, 256, generator=gen).to(device).requires_grad_()
    key = torch.randn(n, 256, generator=gen).to(device).requires_grad_()
    for name, fn in (("info_nce", lb.info_nce), ("clip_loss", lb.clip_loss)):

        def run(fn=fn):
            query.grad = key.grad = None
            fn(query, key).backward()

        run()
        rows.append((f"{name} fwd+bwd", f"{n} x 256", n, run))

    lines = [
        "| operation | input | median s | peak MB | one N x N float32 matrix, MB | peak / N x N |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, shape, size, run in rows:
        seconds = median_seconds(run, device, args.repeats)
        peak = peak_memory(run, device) / 2**20
        square = size * size * 4 / 2**20
        lines.append(
            f"| {name} | {shape} | {seconds:.3f} | {peak:.0f} | {square:.0f} | {peak / square:.1f} |"
        )
        print(lines[-1], flush=True)
    info = machine(device)
    report = "\n".join(lines)
    out = ROOT / "bench" / "results" / f"scale-{device.type}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    header = "\n".join(f"- {k}: {v}" for k, v in info.items())
    note = (
        "The peak counts every N x N temporary of one call (distances, int64 sort indices, "
        "boolean masks, gradients), hence several times one float32 N x N matrix; no "
        "N x N x N tensor is formed (at N = 4096 it would be 64 GiB as booleans)."
    )
    out.write_text(f"# Scale ({device.type})\n\n{header}\n\n{report}\n\n{note}\n")
    print(f"written to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
