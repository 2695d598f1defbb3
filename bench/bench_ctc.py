"""Forward + backward time of ``lossbook.ctc`` against ``torch.nn.functional.ctc_loss``.

    python bench/bench_ctc.py                 # CPU
    python bench/bench_ctc.py --device cuda

Problem (``common.CTC_SHAPE``): T=200 frames, N=32 sequences, C=30 classes, S=50
labels, float32, random targets (no blanks), full input and target lengths;
``log_softmax`` is part of the timed step, as in training. The two run interleaved
(``common.interleaved``), min / median / max of ``--repeats`` runs after a warm-up,
with torch's default thread count (recorded). Goal: ratio of medians <= 2. Written
to ``bench/results/ctc-<device>.md`` (and, on the CPU, into the Performance page).
``bench/bench_losses.py`` includes the same pair in its table; this script repeats
it with more runs.
"""

from __future__ import annotations

import argparse
import sys

import common
import torch.nn.functional as F

import lossbook as lb

GOAL = 2.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    common.add_options(parser)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args(argv)
    device = common.setup(args)

    inputs = common.ctc_inputs(device=device, gen=common.make_generator(0), **common.CTC_SHAPE)
    inputs[0].requires_grad_(True)  # the logits

    def with_log_softmax(loss):
        return lambda logits, *rest: loss(logits.log_softmax(2), *rest)

    runs = {
        name: common.forward_backward(with_log_softmax(loss), inputs, (0,))
        for name, loss in (("lossbook.ctc", lb.ctc), ("F.ctc_loss", F.ctc_loss))
    }
    stats = common.interleaved(runs, device, args.repeats, warmup=5)
    info = common.machine(device, args.note)
    shape = ", ".join(f"{k}={v}" for k, v in common.CTC_SHAPE.items())
    lines = [
        f"CTC forward+backward, {shape}, float32, {device.type}, {args.repeats} interleaved runs",
        "",
        "| implementation | ms min | ms median | ms max |",
        "|---|---:|---:|---:|",
    ]
    for name, s in stats.items():
        lines.append(f"| {name} | {1e3 * s.min:.2f} | {1e3 * s.median:.2f} | {1e3 * s.max:.2f} |")
    ratio = stats["lossbook.ctc"].median / stats["F.ctc_loss"].median
    lines += ["", f"Ratio of medians lossbook / torch: {ratio:.2f} (goal <= {GOAL:g})."]
    report = "\n".join(lines)
    print(report)
    body = f"{common.machine_lines(info)}\n\n{report}"
    common.write_report(f"ctc-{device.type}", f"CTC ({device.type})", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
