"""Scale: mining and the contrastive losses at realistic batch sizes, time and peak memory.

    python bench/bench_scale.py                 # CPU
    python bench/bench_scale.py --device cuda

``mine_triplets`` on 4,096 embeddings ("hard" and "semi-hard"); ``info_nce``,
``clip_loss`` and ``nt_xent`` forward+backward on a batch of 8,192 x 256
(``--quick``: 2,048 embeddings and a batch of 2,048). The goal: nothing larger
than the N x N similarity matrix is materialised (no N x N x N tensor; only
``strategy="all"`` builds one, and says so). The report prints each peak next
to the size of one N x N float32 matrix; min / median / max of ``--repeats``
runs. Written to ``bench/results/scale-<device>.md`` (and, on the CPU, into the
Performance page); ``--quick`` writes ``scale-<device>-partial.md`` instead.
"""

from __future__ import annotations

import argparse
import sys

import common

import lossbook as lb

NOTE = (
    "The peak counts every N x N temporary of one call (distances, int64 sort indices, "
    "boolean masks, gradients), hence several times one float32 N x N matrix; no "
    "N x N x N tensor is formed (at N = 4096 it would be 64 GiB as booleans). "
    "nt_xent's matrix is 2N x 2N (both views), four N x N matrices."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_options(parser)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="N = 2048 throughout")
    args = parser.parse_args(argv)
    device = common.setup(args)
    gen = common.make_generator(0)
    n_mine, n = (2048, 2048) if args.quick else (4096, 8192)

    rows = []
    embeddings, labels = common.labelled_embeddings(n_mine, device, gen, dim=64, classes=64)
    for strategy in ("hard", "semi-hard"):

        def mine(strategy=strategy):
            lb.mine_triplets(embeddings, labels, strategy=strategy, margin=0.2)

        rows.append((f"mine_triplets({strategy})", f"{n_mine} x 64", n_mine, mine))

    a, b = common.embeddings(n * 256, device, gen, dim=256, max_rows=n)
    a.requires_grad_(True), b.requires_grad_(True)
    for name in ("info_nce", "clip_loss", "nt_xent"):
        run = common.forward_backward(getattr(lb, name), [a, b], (0, 1))
        rows.append((f"{name} fwd+bwd", f"{n} x 256", n, run))

    lines = [
        "| operation | input | s min / median / max | peak MB | one N x N float32 matrix, MB "
        "| peak / N x N |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for name, shape, size, run in rows:
        s = common.interleaved({name: run}, device, args.repeats, warmup=1)[name]
        peak = common.peak_memory(run, device) / 2**20
        square = size * size * 4 / 2**20
        lines.append(
            f"| {name} | {shape} | {s.min:.3f} / {s.median:.3f} / {s.max:.3f} | {peak:.0f} | "
            f"{square:.0f} | {peak / square:.1f} |"
        )
        print(lines[-1], flush=True)
    info = common.machine(device, args.note)
    info["run"] = f"{'--quick' if args.quick else 'full'}, {args.repeats} repeats"
    body = f"{common.machine_lines(info)}\n\n" + "\n".join(lines) + f"\n\n{NOTE}"
    # only a full run replaces the committed results (and the Performance page's copy)
    name = f"scale-{device.type}" + ("-partial" if args.quick else "")
    common.write_report(name, f"Scale ({device.type}{', --quick' if args.quick else ''})", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
