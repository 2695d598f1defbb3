"""The bad-input matrix: every validation rule, one example call each, and the error it gives.

``tests/test_bad_inputs.py`` checks every row (type and message), and the book's
*Error messages* page prints the table with the messages the code really
produces, so students can look an error up. A row whose ``error`` is ``None``
documents a case that is *not* an error (NaN propagates).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

import lossbook as lb


@dataclass(frozen=True)
class BadInput:
    """One rule: a call that breaks it, the exception type and a regex its message matches."""

    category: str
    rule: str
    call: Callable[[], object]
    error: type[Exception] | None
    match: str


def _z(*shape: int) -> torch.Tensor:
    return torch.zeros(*shape)


def _long(*values: int) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.long)


def _logps(n: int = 3) -> list[torch.Tensor]:
    return [-torch.ones(n) for _ in range(4)]


RULES: list[BadInput] = [
    # --- shapes: never broadcast ---------------------------------------------------
    BadInput(
        "shape",
        "pred (N, 1) against target (N,)",
        lambda: lb.mse(_z(8, 1), _z(8)),
        ValueError,
        r"same shape.*\(8, 1\).*\(8,\).*squeeze",
    ),
    BadInput(
        "shape",
        "logits (N, 1) against binary target (N,)",
        lambda: lb.binary_cross_entropy_with_logits(_z(5, 1), _z(5)),
        ValueError,
        r"same shape",
    ),
    BadInput(
        "shape",
        "class-index target with an extra dimension",
        lambda: lb.cross_entropy(_z(4, 3), torch.zeros(4, 1, dtype=torch.long)),
        ValueError,
        r"target must have shape \(4,\)",
    ),
    BadInput(
        "shape",
        "pos_weight that does not broadcast to the logits",
        lambda: lb.binary_cross_entropy_with_logits(_z(5, 3), _z(5, 3), pos_weight=torch.ones(4)),
        ValueError,
        r"pos_weight must have shape",
    ),
    BadInput(
        "shape",
        "class weights of the wrong length",
        lambda: lb.cross_entropy(_z(4, 3), _long(0, 1, 2, 0), weight=torch.ones(2)),
        ValueError,
        r"weight must have shape \(3,\)",
    ),
    BadInput(
        "shape",
        "p and q of different shapes",
        lambda: lb.kl_divergence(torch.full((2, 3), 1 / 3), torch.full((2, 4), 0.25)),
        ValueError,
        r"same shape",
    ),
    BadInput(
        "shape",
        "triplet inputs with different batch sizes",
        lambda: lb.triplet(_z(4, 8), _z(4, 8), _z(5, 8)),
        ValueError,
        r"negative",
    ),
    BadInput(
        "shape",
        "embeddings of different widths",
        lambda: lb.info_nce(_z(4, 8), _z(4, 6)),
        ValueError,
        r"key",
    ),
    BadInput(
        "shape",
        "per-sequence log-probs given as (N, 1)",
        lambda: lb.dpo(*[-torch.ones(3, 1) for _ in range(4)]),
        ValueError,
        r"squeeze",
    ),
    BadInput(
        "shape",
        "Dice probabilities without a class dimension",
        lambda: lb.dice(torch.full((4,), 0.5), _z(4)),
        ValueError,
        r"\(N, C, \*spatial\)",
    ),
    BadInput(
        "shape",
        "CTC target_lengths longer than the padded targets",
        lambda: lb.ctc(
            torch.log_softmax(_z(6, 1, 4), -1), torch.ones(1, 2, dtype=torch.long), [6], [3]
        ),
        ValueError,
        r"target_lengths",
    ),
    BadInput(
        "shape",
        "CTC input_lengths longer than the input",
        lambda: lb.ctc(
            torch.log_softmax(_z(6, 1, 4), -1), torch.ones(1, 2, dtype=torch.long), [7], [2]
        ),
        ValueError,
        r"input_lengths",
    ),
    # --- types and dtypes ----------------------------------------------------------
    BadInput(
        "dtype",
        "a Python list instead of a tensor",
        lambda: lb.mse([1.0, 2.0], _z(2)),
        TypeError,
        r"pred must be a torch.Tensor, got list",
    ),
    BadInput(
        "dtype",
        "integer predictions",
        lambda: lb.mae(_long(1, 2), _z(2)),
        TypeError,
        r"pred must have a floating-point dtype",
    ),
    BadInput(
        "dtype",
        "float class indices",
        lambda: lb.softmax_focal(_z(2, 3), _z(2)),
        TypeError,
        r"integer class indices",
    ),
    BadInput(
        "dtype",
        "float labels for triplet mining",
        lambda: lb.mine_triplets(_z(4, 2), _z(4)),
        TypeError,
        r"labels",
    ),
    BadInput(
        "dtype",
        "float CTC targets",
        lambda: lb.ctc(torch.log_softmax(_z(6, 1, 4), -1), torch.ones(1, 2), [6], [2]),
        TypeError,
        r"targets",
    ),
    BadInput(
        "dtype",
        "a state_dict instead of parameters",
        lambda: lb.l2_penalty(torch.nn.Linear(2, 2).state_dict()),
        TypeError,
        r"params",
    ),
    # --- label ranges ----------------------------------------------------------------
    BadInput(
        "labels",
        "a class index equal to the number of classes",
        lambda: lb.cross_entropy(_z(4, 3), _long(0, 1, 2, 3)),
        ValueError,
        r"class indices in \[0, 2\]",
    ),
    BadInput(
        "labels",
        "{0, 1} labels given to a margin loss",
        lambda: lb.hinge(_z(4), _long(0, 1, 1, 0)),
        ValueError,
        r"\{-1, \+1\}.*2 \* y - 1",
    ),
    BadInput(
        "labels",
        "soft labels given to sigmoid focal loss",
        lambda: lb.sigmoid_focal(_z(3), torch.tensor([0.0, 0.5, 1.0])),
        ValueError,
        r"binary labels in \{0, 1\}",
    ),
    BadInput(
        "labels",
        "the blank symbol inside a CTC target",
        lambda: lb.ctc(torch.log_softmax(_z(6, 1, 4), -1), _long(0, 1).reshape(1, 2), [6], [2]),
        ValueError,
        r"blank",
    ),
    # --- probability ranges ------------------------------------------------------------
    BadInput(
        "probabilities",
        "a probability above 1 (logits passed by mistake)",
        lambda: lb.binary_cross_entropy(torch.tensor([0.5, 1.2]), torch.tensor([0.0, 1.0])),
        ValueError,
        r"probs must hold probabilities in \[0, 1\].*logits",
    ),
    BadInput(
        "probabilities",
        "a negative entry in a distribution",
        lambda: lb.kl_divergence(torch.tensor([[1.2, -0.2]]), torch.tensor([[0.5, 0.5]])),
        ValueError,
        r"p must",
    ),
    BadInput(
        "probabilities",
        "Dice probabilities above 1",
        lambda: lb.dice(torch.full((1, 2, 2, 2), 2.0), _z(1, 2, 2, 2)),
        ValueError,
        r"probs",
    ),
    # --- hyper-parameters ----------------------------------------------------------------
    BadInput(
        "hyper-parameter",
        "q outside (0, 1)",
        lambda: lb.quantile(_z(3), _z(3), q=1.0),
        ValueError,
        r"q must lie in the open interval",
    ),
    BadInput(
        "hyper-parameter",
        "a non-positive Huber delta",
        lambda: lb.huber(_z(3), _z(3), delta=0.0),
        ValueError,
        r"delta must be a finite number > 0",
    ),
    BadInput(
        "hyper-parameter",
        "a zero margin",
        lambda: lb.hinge(_z(2), torch.tensor([1.0, -1.0]), margin=0.0),
        ValueError,
        r"margin",
    ),
    BadInput(
        "hyper-parameter",
        "a negative triplet margin",
        lambda: lb.triplet(_z(2, 3), _z(2, 3), _z(2, 3), margin=-1.0),
        ValueError,
        r"margin",
    ),
    BadInput(
        "hyper-parameter",
        "a zero temperature",
        lambda: lb.info_nce(torch.ones(2, 3), torch.ones(2, 3), temperature=0.0),
        ValueError,
        r"temperature",
    ),
    BadInput(
        "hyper-parameter",
        "a negative CLIP temperature",
        lambda: lb.clip_loss(torch.ones(2, 3), torch.ones(2, 3), temperature=-0.1),
        ValueError,
        r"temperature",
    ),
    BadInput(
        "hyper-parameter",
        "a zero Dice eps",
        lambda: lb.dice(torch.full((1, 2, 2, 2), 0.5), _z(1, 2, 2, 2), eps=0.0),
        ValueError,
        r"eps",
    ),
    BadInput(
        "hyper-parameter",
        "label smoothing above 1",
        lambda: lb.cross_entropy(_z(2, 3), _long(0, 1), label_smoothing=1.5),
        ValueError,
        r"label_smoothing",
    ),
    BadInput(
        "hyper-parameter",
        "a negative focusing parameter gamma",
        lambda: lb.sigmoid_focal(_z(3), _z(3), gamma=-1.0),
        ValueError,
        r"gamma",
    ),
    BadInput(
        "hyper-parameter",
        "a zero DPO beta",
        lambda: lb.dpo(*_logps(), beta=0.0),
        ValueError,
        r"beta",
    ),
    BadInput(
        "hyper-parameter", "a zero IPO tau", lambda: lb.ipo(*_logps(), tau=0.0), ValueError, r"tau"
    ),
    BadInput(
        "hyper-parameter",
        "a zero PPO clip range",
        lambda: lb.ppo_clip(_z(3), _z(3), _z(3), clip=0.0),
        ValueError,
        r"clip",
    ),
    BadInput(
        "hyper-parameter",
        "an unknown mining strategy",
        lambda: lb.mine_triplets(_z(4, 2), _long(0, 0, 1, 1), strategy="hardest"),
        ValueError,
        r"strategy",
    ),
    # --- reductions -----------------------------------------------------------------------
    BadInput(
        "reduction",
        "an unknown reduction",
        lambda: lb.mse(_z(3), _z(3), reduction="avg"),
        ValueError,
        r"reduction must be one of",
    ),
    BadInput(
        "reduction",
        "torch's 'batchmean' (lossbook's 'mean' already is it)",
        lambda: lb.kl_divergence(
            torch.full((2, 2), 0.5), torch.full((2, 2), 0.5), reduction="batchmean"
        ),
        ValueError,
        r"reduction",
    ),
    # --- empty input -----------------------------------------------------------------------
    BadInput(
        "empty",
        "the mean over an empty batch",
        lambda: lb.mse(_z(0), _z(0)),
        ValueError,
        r"cannot average a loss over an empty batch",
    ),
    BadInput(
        "empty",
        "an empty distribution",
        lambda: lb.kl_divergence(_z(0, 3), _z(0, 3)),
        ValueError,
        r"must not be empty",
    ),
    # --- devices ---------------------------------------------------------------------------
    BadInput(
        "device",
        "inputs on different devices",
        lambda: lb.mse(torch.zeros(2, device="meta"), _z(2)),
        ValueError,
        r"same device",
    ),
    # --- NaN: propagates, not an error ------------------------------------------------------
    BadInput(
        "NaN",
        "a NaN prediction (propagates: the result is NaN)",
        lambda: lb.mse(torch.tensor([float("nan"), 0.0]), _z(2)),
        None,
        r"nan",
    ),
    BadInput(
        "NaN",
        "a NaN probability (propagates: no range error)",
        lambda: lb.binary_cross_entropy(torch.tensor([float("nan")]), _z(1)),
        None,
        r"nan",
    ),
]
