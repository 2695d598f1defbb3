"""The bad-input matrix: every validation rule, one example call each, and the error it gives.

A test fixture, kept in ``tests/`` (not shipped in the wheel).
``tests/test_bad_inputs.py`` checks every row (type and message), and the book's
*Error messages* page prints the table with the messages the code really
produces, so students can look an error up. A row whose ``error`` is ``None``
documents a case that is *not* an error: NaN propagates (category ``NaN``), or
an input that is accepted (category ``accepted``; the call returns a finite value).

Message patterns are anchored (``^``, most also ``$``: the whole message) and
name the argument and what was expected, so that a different error that happens
to mention a word cannot pass, and a reworded message fails until the row is
updated (the table on the API page is the documentation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
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
        r"^pred and target must have the same shape, got pred \(8, 1\) and target \(8,\); lossbook never broadcasts \(did you mean pred\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "shape",
        "logits (N, 1) against binary target (N,)",
        lambda: lb.binary_cross_entropy_with_logits(_z(5, 1), _z(5)),
        ValueError,
        r"^logits and target must have the same shape, got logits \(5, 1\) and target \(5,\); lossbook never broadcasts \(did you mean logits\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "shape",
        "class-index target with an extra dimension",
        lambda: lb.cross_entropy(_z(4, 3), torch.zeros(4, 1, dtype=torch.long)),
        ValueError,
        r"^target must have shape \(4,\) \(logits' shape without the class dimension 1\), got \(4, 1\)$",
    ),
    BadInput(
        "shape",
        "one logit per example (N,) given to cross_entropy with an (N,) target",
        lambda: lb.cross_entropy(_z(4), _long(0, 1, 1, 0)),
        ValueError,
        r"^logits of shape \(4,\) with a target of the same shape look like one logit per "
        r"example.*use binary_cross_entropy_with_logits\(logits, target\.float\(\)\), or give "
        r"two logits per example, shape \(4, 2\)$",
    ),
    BadInput(
        "shape",
        "pos_weight that does not broadcast to the logits",
        lambda: lb.binary_cross_entropy_with_logits(_z(5, 3), _z(5, 3), pos_weight=torch.ones(4)),
        ValueError,
        r"^pos_weight must have shape \(5, 3\) or one that broadcasts to it \(e\.g\. one weight per class\), got \(4,\)$",
    ),
    BadInput(
        "shape",
        "class weights of the wrong length",
        lambda: lb.cross_entropy(_z(4, 3), _long(0, 1, 2, 0), weight=torch.ones(2)),
        ValueError,
        r"^weight must have shape \(3,\), one weight per class, got \(2,\)$",
    ),
    BadInput(
        "shape",
        "p and q of different shapes",
        lambda: lb.kl_divergence(torch.full((2, 3), 1 / 3), torch.full((2, 4), 0.25)),
        ValueError,
        r"^p and q must have the same shape, got p \(2, 3\) and q \(2, 4\); lossbook never broadcasts$",
    ),
    BadInput(
        "shape",
        "triplet inputs with different batch sizes",
        lambda: lb.triplet(_z(4, 8), _z(4, 8), _z(5, 8)),
        ValueError,
        r"^anchor and negative must have the same shape, got anchor \(4, 8\) and negative \(5, 8\); lossbook never broadcasts$",
    ),
    BadInput(
        "shape",
        "embeddings of different widths",
        lambda: lb.info_nce(_z(4, 8), _z(4, 6)),
        ValueError,
        r"^query and key must have the same embedding dimension D \(second dimension\), got query \(4, 8\) and key \(4, 6\)$",
    ),
    BadInput(
        "shape",
        "per-sequence log-probs given as (N, 1)",
        lambda: lb.dpo(*[-torch.ones(3, 1) for _ in range(4)]),
        ValueError,
        r"^policy_chosen_logps must be a 1-D tensor of shape \(N,\), one value per sequence, got shape \(3, 1\) \(did you mean policy_chosen_logps\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "shape",
        "Dice probabilities without a class dimension",
        lambda: lb.dice(torch.full((4,), 0.5), _z(4)),
        ValueError,
        r"^probs must have shape \(N, C, \*spatial\) -- batch, classes, then spatial dimensions -- got \(4,\)$",
    ),
    BadInput(
        "shape",
        "CTC target_lengths longer than the padded targets",
        lambda: lb.ctc(
            torch.log_softmax(_z(6, 1, 4), -1), torch.ones(1, 2, dtype=torch.long), [6], [3]
        ),
        ValueError,
        r"^target_lengths must be <= S=2 \(targets' second dimension\), got a length of 3$",
    ),
    BadInput(
        "shape",
        "CTC input_lengths longer than the input",
        lambda: lb.ctc(
            torch.log_softmax(_z(6, 1, 4), -1), torch.ones(1, 2, dtype=torch.long), [7], [2]
        ),
        ValueError,
        r"^input_lengths must be <= T=6 \(log_probs' first dimension\), got 7$",
    ),
    # --- types and dtypes ----------------------------------------------------------
    BadInput(
        "dtype",
        "a Python list instead of a tensor",
        lambda: lb.mse([1.0, 2.0], _z(2)),
        TypeError,
        r"^pred must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "dtype",
        "integer predictions",
        lambda: lb.mae(_long(1, 2), _z(2)),
        TypeError,
        r"^pred must have a floating-point dtype, got torch\.int64; convert with pred\.float\(\)$",
    ),
    BadInput(
        "dtype",
        "float class indices",
        lambda: lb.softmax_focal(_z(2, 3), _z(2)),
        TypeError,
        r"^target has the shape of class indices \(2,\) .* but dtype torch\.float32: class "
        r"indices must be integers; convert with target\.long\(\)",
    ),
    BadInput(
        "dtype",
        "float class labels given to cross_entropy",
        lambda: lb.cross_entropy(_z(4, 3), torch.tensor([0.0, 1.0, 2.0, 1.0])),
        TypeError,
        r"^target has the shape of class indices \(4,\) .* but dtype torch\.float32: class "
        r"indices must be integers; convert with target\.long\(\)",
    ),
    BadInput(
        "dtype",
        "integer labels given to binary cross-entropy with logits",
        lambda: lb.binary_cross_entropy_with_logits(_z(3), _long(0, 1, 1)),
        TypeError,
        r"^target must have a floating-point dtype, got torch\.int64; convert with "
        r"target\.float\(\)$",
    ),
    BadInput(
        "dtype",
        "integer labels given to binary cross-entropy",
        lambda: lb.binary_cross_entropy(torch.full((3,), 0.5), _long(0, 1, 1)),
        TypeError,
        r"^target must have a floating-point dtype, got torch\.int64; convert with "
        r"target\.float\(\)$",
    ),
    BadInput(
        "dtype",
        "integer labels given to sigmoid focal loss",
        lambda: lb.sigmoid_focal(_z(3), _long(0, 1, 1)),
        TypeError,
        r"^target must have a floating-point dtype, got torch\.int64; convert with "
        r"target\.float\(\)$",
    ),
    BadInput(
        "dtype",
        "float labels for triplet mining",
        lambda: lb.mine_triplets(_z(4, 2), _z(4)),
        TypeError,
        r"^labels must hold integer class indices \(torch\.long\), got dtype torch\.float32; convert with \.long\(\)$",
    ),
    BadInput(
        "dtype",
        "float CTC targets",
        lambda: lb.ctc(torch.log_softmax(_z(6, 1, 4), -1), torch.ones(1, 2), [6], [2]),
        TypeError,
        r"^targets must hold integer class indices \(torch\.long\), got dtype torch\.float32; convert with \.long\(\)$",
    ),
    BadInput(
        "dtype",
        "a state_dict instead of parameters",
        lambda: lb.l2_penalty(torch.nn.Linear(2, 2).state_dict()),
        TypeError,
        r"^params\[0\] must be a torch\.Tensor, got str \(pass model\.parameters\(\), not model\.state_dict\(\)\)$",
    ),
    # --- label ranges ----------------------------------------------------------------
    BadInput(
        "labels",
        "a class index equal to the number of classes",
        lambda: lb.cross_entropy(_z(4, 3), _long(0, 1, 2, 3)),
        ValueError,
        r"^target must hold class indices in \[0, 2\] or ignore_index=-100, got values in \[0, 3\]$",
    ),
    BadInput(
        "labels",
        "{0, 1} labels given to a margin loss",
        lambda: lb.hinge(_z(4), _long(0, 1, 1, 0)),
        ValueError,
        r"^target must hold labels in \{-1, \+1\}, found values \[0, 1\] \(convert \{0, 1\} labels with 2 \* y - 1\)$",
    ),
    BadInput(
        "labels",
        "soft labels given to sigmoid focal loss",
        lambda: lb.sigmoid_focal(_z(3), torch.tensor([0.0, 0.5, 1.0])),
        ValueError,
        r"^target must hold labels in \{0, 1\} \(sigmoid_focal's binary targets\), found values \[0\.0, 0\.5, 1\.0\]$",
    ),
    BadInput(
        "labels",
        "the blank symbol inside a CTC target",
        lambda: lb.ctc(torch.log_softmax(_z(6, 1, 4), -1), _long(0, 1).reshape(1, 2), [6], [2]),
        ValueError,
        r"^targets must not contain the blank index 0 \(within target_lengths\); the blank is CTC's 'no label' symbol, not a label$",
    ),
    # --- probability ranges ------------------------------------------------------------
    BadInput(
        "probabilities",
        "a probability above 1 (logits passed by mistake)",
        lambda: lb.binary_cross_entropy(torch.tensor([0.5, 1.2]), torch.tensor([0.0, 1.0])),
        ValueError,
        r"^probs must hold probabilities in \[0, 1\], got values in \[0\.5, 1\.2\]; if these are logits, use a \*_with_logits loss or apply softmax/sigmoid first$",
    ),
    BadInput(
        "probabilities",
        "a negative entry in a distribution",
        lambda: lb.kl_divergence(torch.tensor([[1.2, -0.2]]), torch.tensor([[0.5, 0.5]])),
        ValueError,
        r"^p must hold probabilities in \[0, 1\], got values in \[-0\.2, 1\.2\]$",
    ),
    BadInput(
        "probabilities",
        "Dice probabilities above 1",
        lambda: lb.dice(torch.full((1, 2, 2, 2), 2.0), _z(1, 2, 2, 2)),
        ValueError,
        r"^probs must hold probabilities in \[0, 1\], got values in \[2, 2\]; if these are logits, use a \*_with_logits loss or apply softmax/sigmoid first$",
    ),
    # --- hyper-parameters ----------------------------------------------------------------
    BadInput(
        "hyper-parameter",
        "q outside (0, 1)",
        lambda: lb.quantile(_z(3), _z(3), q=1.0),
        ValueError,
        r"^q must lie in the open interval \(0\.0, 1\.0\), got 1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a non-positive Huber delta",
        lambda: lb.huber(_z(3), _z(3), delta=0.0),
        ValueError,
        r"^delta must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a zero margin",
        lambda: lb.hinge(_z(2), torch.tensor([1.0, -1.0]), margin=0.0),
        ValueError,
        r"^margin must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a negative triplet margin",
        lambda: lb.triplet(_z(2, 3), _z(2, 3), _z(2, 3), margin=-1.0),
        ValueError,
        r"^margin must be a finite number > 0, got -1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a zero temperature",
        lambda: lb.info_nce(torch.ones(2, 3), torch.ones(2, 3), temperature=0.0),
        ValueError,
        r"^temperature must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a negative CLIP temperature",
        lambda: lb.clip_loss(torch.ones(2, 3), torch.ones(2, 3), temperature=-0.1),
        ValueError,
        r"^temperature must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "a zero Dice eps",
        lambda: lb.dice(torch.full((1, 2, 2, 2), 0.5), _z(1, 2, 2, 2), eps=0.0),
        ValueError,
        r"^eps must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "label smoothing above 1",
        lambda: lb.cross_entropy(_z(2, 3), _long(0, 1), label_smoothing=1.5),
        ValueError,
        r"^label_smoothing must lie in \[0, 1\], got 1\.5$",
    ),
    BadInput(
        "hyper-parameter",
        "a negative focusing parameter gamma",
        lambda: lb.sigmoid_focal(_z(3), _z(3), gamma=-1.0),
        ValueError,
        r"^gamma must be a finite number >= 0, got -1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a zero DPO beta",
        lambda: lb.dpo(*_logps(), beta=0.0),
        ValueError,
        r"^beta must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a zero IPO tau",
        lambda: lb.ipo(*_logps(), tau=0.0),
        ValueError,
        r"^tau must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "a zero PPO clip range",
        lambda: lb.ppo_clip(_z(3), _z(3), _z(3), clip=0.0),
        ValueError,
        r"^clip must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "label smoothing given as a string",
        lambda: lb.cross_entropy(_z(2, 3), _long(0, 1), label_smoothing="0.1"),
        TypeError,
        r"^label_smoothing must be a real number, got str '0\.1'$",
    ),
    BadInput(
        "hyper-parameter",
        "sigmoid focal alpha given as a tensor",
        lambda: lb.sigmoid_focal(_z(3), _z(3), alpha=torch.tensor([0.25, 0.75])),
        TypeError,
        r"^alpha must be a real number or None, got a torch\.Tensor of shape \(2,\); "
        r"sigmoid_focal's alpha is one number",
    ),
    BadInput(
        "hyper-parameter",
        "sigmoid focal alpha given as a bool",
        lambda: lb.sigmoid_focal(_z(3), _z(3), alpha=True),
        TypeError,
        r"^alpha must be a real number or None, got bool True",
    ),
    BadInput(
        "hyper-parameter",
        "a float alpha given to softmax focal loss (it wants per-class weights)",
        lambda: lb.softmax_focal(_z(2, 3), _long(0, 1), alpha=0.25),
        TypeError,
        r"^alpha must be a \(3,\) tensor of per-class weights for softmax_focal or None, got "
        r"float 0\.25; a float alpha is sigmoid_focal's \(binary\) positive-class weight",
    ),
    BadInput(
        "hyper-parameter",
        "softmax focal alpha of the wrong length",
        lambda: lb.softmax_focal(_z(2, 3), _long(0, 1), alpha=torch.ones(2)),
        ValueError,
        r"^alpha must have shape \(3,\), one weight per class, got \(2,\)$",
    ),
    BadInput(
        "hyper-parameter",
        "a flag given as a string",
        lambda: lb.kl_divergence(torch.full((2, 2), 0.5), torch.full((2, 2), 0.5), log_inputs="no"),
        TypeError,
        r"^log_inputs must be a bool \(True or False\), got str 'no'$",
    ),
    BadInput(
        "hyper-parameter",
        "a NumPy float32 delta out of range (checked as a number, not refused for its type)",
        lambda: lb.huber(_z(3), _z(3), delta=np.float32(-1.0)),
        ValueError,
        r"^delta must be a finite number > 0, got -1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "an ignore_index that is not an int",
        lambda: lb.cross_entropy(_z(2, 3), _long(0, 1), ignore_index=-100.0),
        TypeError,
        r"^ignore_index must be an int, got float$",
    ),
    BadInput(
        "hyper-parameter",
        "an unknown mining strategy",
        lambda: lb.mine_triplets(_z(4, 2), _long(0, 0, 1, 1), strategy="hardest"),
        ValueError,
        r"^strategy must be one of \('all', 'hard', 'semi-hard'\), got 'hardest'$",
    ),
    # --- reductions -----------------------------------------------------------------------
    BadInput(
        "reduction",
        "an unknown reduction",
        lambda: lb.mse(_z(3), _z(3), reduction="avg"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'avg'$",
    ),
    BadInput(
        "reduction",
        "torch's 'batchmean' (lossbook's 'mean' already is it)",
        lambda: lb.kl_divergence(
            torch.full((2, 2), 0.5), torch.full((2, 2), 0.5), reduction="batchmean"
        ),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    # --- empty input -----------------------------------------------------------------------
    BadInput(
        "empty",
        "the mean over an empty batch",
        lambda: lb.mse(_z(0), _z(0)),
        ValueError,
        r"^cannot average a loss over an empty batch \(per-element losses of shape \(0,\)\); use reduction='sum' \(which gives 0\) or check the inputs$",
    ),
    BadInput(
        "empty",
        "an empty distribution",
        lambda: lb.kl_divergence(_z(0, 3), _z(0, 3)),
        ValueError,
        r"^p must not be empty, got shape \(0, 3\)$",
    ),
    BadInput(
        "empty",
        "every target equal to ignore_index (nothing left to average)",
        lambda: lb.cross_entropy(_z(2, 3), _long(-100, -100)),
        ValueError,
        r"^cannot average a loss over an empty batch .*all 2 elements have weight 0 "
        r"\(e\.g\. every target is ignore_index\)",
    ),
    # --- devices ---------------------------------------------------------------------------
    BadInput(
        "device",
        "inputs on different devices",
        lambda: lb.mse(torch.zeros(2, device="meta"), _z(2)),
        ValueError,
        r"^all inputs must be on the same device, got pred on meta, target on cpu$",
    ),
    BadInput(
        "device",
        "a per-element weight on another device",
        lambda: lb.binary_cross_entropy(
            torch.full((3,), 0.5), _z(3), weight=torch.ones(3, device="meta")
        ),
        ValueError,
        r"^weight must be on the same device as probs \(cpu\), got weight on meta$",
    ),
    BadInput(
        "device",
        "a pos_weight on another device",
        lambda: lb.binary_cross_entropy_with_logits(
            _z(3), _z(3), pos_weight=torch.ones(3, device="meta")
        ),
        ValueError,
        r"^pos_weight must be on the same device as logits \(cpu\), got pos_weight on meta$",
    ),
    BadInput(
        "device",
        "class weights on another device",
        lambda: lb.cross_entropy(_z(2, 3), _long(0, 1), weight=torch.ones(3, device="meta")),
        ValueError,
        r"^weight must be on the same device as logits \(cpu\), got weight on meta$",
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
    # --- accepted: not errors ---------------------------------------------------------------
    BadInput(
        "accepted",
        "a NumPy float32 hyper-parameter (any real number type is a number)",
        lambda: lb.huber(_z(2), torch.tensor([0.5, 3.0]), delta=np.float32(1.0)),
        None,
        r"",
    ),
    BadInput(
        "accepted",
        "unbatched input (C,) logits with a 0-d class index, as torch accepts",
        lambda: lb.cross_entropy(torch.tensor([0.0, 1.0, 2.0]), torch.tensor(2)),
        None,
        r"",
    ),
]
