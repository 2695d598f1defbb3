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

One row per case, so that a failing case cannot hide another: the family test
files keep no multi-case bad-input tests (only parametrized ones, one test id
per case, and sweeps such as tests/test_sequence.py's CTC table). The first rows are the cross-family examples; then each family's
rows, named after the function they call. ``RULES`` is sorted by category at
the end (``CATEGORIES``), keeping that order within a category.
"""

from __future__ import annotations

import math
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


def _long0(*shape: int) -> torch.Tensor:
    return torch.zeros(*shape, dtype=torch.long)


def _ones(*shape: int) -> torch.Tensor:
    return torch.ones(*shape)


def _half(*shape: int) -> torch.Tensor:
    return torch.full(shape, 0.5)


def _f64(*values: float) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.float64)


def _logps(n: int = 3) -> list[torch.Tensor]:
    return [-torch.ones(n) for _ in range(4)]


def _lp(n: int = 3) -> torch.Tensor:
    """One float64 sequence log-prob per example (the alignment losses' inputs)."""
    return torch.full((n,), -0.5, dtype=torch.float64)


def _lps(n: int = 3) -> list[torch.Tensor]:
    """The four log-prob vectors of dpo/ipo/kto: policy chosen/rejected, reference chosen/rejected."""
    return [_lp(n) for _ in range(4)]


def _mask() -> torch.Tensor:
    """A (3, 4) completion mask where every token counts (grpo's input)."""
    return torch.ones(3, 4, dtype=torch.bool)


def _pq() -> torch.Tensor:
    """One distribution over two outcomes, shape (1, 2)."""
    return torch.tensor([[0.5, 0.5]])


def _log_probs() -> torch.Tensor:
    """Uniform CTC log-probabilities over 3 classes for 4 frames, shape (T, C)."""
    return torch.zeros(4, 3).log_softmax(1)


def _critic(x: torch.Tensor) -> torch.Tensor:
    return x.sum(dim=1)


def _denoiser(x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    return torch.zeros_like(x)


def _twice(penalty: Callable[..., object]) -> object:
    """Call ``penalty`` twice on one ``model.parameters()`` generator (the second sees it used up)."""
    params = torch.nn.Linear(2, 2).parameters()
    penalty(params)
    return penalty(params)


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
        "a weight that would enlarge the loss by broadcasting ((N, 1) against (N,) logits)",
        lambda: lb.binary_cross_entropy_with_logits(_z(4), _z(4), weight=torch.ones(4, 1)),
        ValueError,
        r"^weight must have shape \(4,\) or one that broadcasts to it \(one weight per element\), got \(4, 1\)$",
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
        "labels outside {0, 1} and {-1, +1} given to a margin loss (no conversion hint)",
        lambda: lb.hinge(_z(4), _long(0, 2, 1, 0)),
        ValueError,
        r"^target must hold labels in \{-1, \+1\}, found values \[0, 1, 2\]$",
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


# Each family's rules, one row per case. Rows name the function they call first.
RULES += [
    # --- regression (tests/test_regression.py) -----------------------------------------------
    BadInput(
        "dtype",
        "mse: integer target",
        lambda: lb.mse(_z(2), _long(0, 0)),
        TypeError,
        r"^target must have a floating-point dtype, got torch\.int64; convert with target\.float\(\)$",
    ),
    BadInput(
        "hyper-parameter",
        "huber: delta as a 1-D tensor (a 0-d one, as huber_delta returns, is accepted)",
        lambda: lb.huber(_z(2), _z(2), delta=torch.ones(2)),
        TypeError,
        r"^delta must be a real number or a 0-d tensor, got a torch\.Tensor of shape \(2,\)$",
    ),
    BadInput(
        "accepted",
        "huber: delta as a 0-d tensor (what lossbook.guide.huber_delta returns)",
        lambda: lb.huber(_z(2), torch.tensor([0.5, 3.0]), delta=torch.tensor(1.0)),
        None,
        r"",
    ),
    BadInput(
        "hyper-parameter",
        "smooth_l1: a negative beta",
        lambda: lb.smooth_l1(_z(3), _z(3), beta=-1.0),
        ValueError,
        r"^beta must be a finite number >= 0, got -1\.0$",
    ),
    BadInput(
        "shape",
        "gaussian_nll: var that would broadcast beyond torch's shared-variance shapes",
        lambda: lb.gaussian_nll(_z(4, 3), _z(4, 3), torch.ones(3)),
        ValueError,
        r"^var must have mean's shape \(4, 3\), that shape without its last dimension, or that "
        r"shape with one dimension equal to 1 \(a variance shared along it\), got \(3,\); "
        r"lossbook never broadcasts further$",
    ),
    BadInput(
        "accepted",
        "gaussian_nll: var (N, 1), one variance per row shared by its D outputs, as torch",
        lambda: lb.gaussian_nll(_z(4, 3), _z(4, 3), torch.ones(4, 1)),
        None,
        r"",
    ),
    BadInput(
        "dtype",
        "gaussian_nll: var as a Python float (torch accepts it; pass a tensor)",
        lambda: lb.gaussian_nll(_z(3), _z(3), 1.0),
        TypeError,
        r"^var must be a torch\.Tensor, got float$",
    ),
    BadInput(
        "probabilities",
        "gaussian_nll: a negative variance",
        lambda: lb.gaussian_nll(_z(2), _z(2), torch.tensor([1.0, -0.5])),
        ValueError,
        r"^var must hold variances >= 0, got a minimum of -0\.5; predict log-variances and "
        r"pass their exp\(\), or a softplus$",
    ),
    BadInput(
        "hyper-parameter",
        "gaussian_nll: beta outside [0, 1]",
        lambda: lb.gaussian_nll(_z(2), _z(2), torch.ones(2), beta=1.5),
        ValueError,
        r"^beta must lie in \[0\.0, 1\.0\], got 1\.5$",
    ),
    BadInput(
        "hyper-parameter",
        "gaussian_nll: a zero eps",
        lambda: lb.gaussian_nll(_z(2), _z(2), torch.ones(2), eps=0.0),
        ValueError,
        r"^eps must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "labels",
        "poisson_nll: a negative count",
        lambda: lb.poisson_nll(_z(2), torch.tensor([1.0, -2.0])),
        ValueError,
        r"^target must hold counts >= 0, got a minimum of -2$",
    ),
    BadInput(
        "probabilities",
        "poisson_nll: a negative rate with log_input=False",
        lambda: lb.poisson_nll(torch.tensor([1.0, -0.5]), _z(2), log_input=False),
        ValueError,
        r"^pred must hold rates >= 0 when log_input=False, got a minimum of -0\.5; pass "
        r"log-rates with log_input=True$",
    ),
    BadInput(
        "dtype",
        "poisson_nll: log_input given as a string",
        lambda: lb.poisson_nll(_z(2), _z(2), log_input="False"),
        TypeError,
        r"^log_input must be a bool \(True or False\), got str 'False'$",
    ),
    BadInput(
        "probabilities",
        "crps_gaussian: a zero standard deviation",
        lambda: lb.crps_gaussian(_z(2), torch.tensor([1.0, 0.0]), _z(2)),
        ValueError,
        r"^std must hold standard deviations > 0, got a minimum of 0$",
    ),
    BadInput(
        "shape",
        "crps_gaussian: std of another shape than the target",
        lambda: lb.crps_gaussian(_z(3), torch.ones(3, 1), _z(3)),
        ValueError,
        r"^std and target must have the same shape, got std \(3, 1\) and target \(3,\); "
        r"lossbook never broadcasts \(did you mean std\.squeeze\(-1\)\?\)$",
    ),
    # --- classification (tests/test_classification.py) ---------------------------------------
    BadInput(
        "shape",
        "cross_entropy: 0-d logits",
        lambda: lb.cross_entropy(torch.zeros(()), torch.tensor(1)),
        ValueError,
        r"^logits must have shape \(N, C\) or \(N, C, d1, \.\.\.\), got \(\)$",
    ),
    BadInput(
        "probabilities",
        "cross_entropy: a soft target above 1",
        lambda: lb.cross_entropy(_z(4, 3), torch.full((4, 3), 2.0)),
        ValueError,
        r"^target must hold probabilities in \[0, 1\], got values in \[2, 2\]$",
    ),
    BadInput(
        "hyper-parameter",
        "sigmoid_focal: alpha above 1",
        lambda: lb.sigmoid_focal(_z(3), _z(3), alpha=2.0),
        ValueError,
        r"^alpha must lie in \[0, 1\], got 2\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "squared_hinge: a zero margin (integer labels)",
        lambda: lb.squared_hinge(_z(2), _long(1, -1), margin=0.0),
        ValueError,
        r"^margin must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "probabilities",
        "nll: logits given instead of log-probabilities",
        lambda: lb.nll(torch.tensor([[1.0, -1.0], [0.0, 0.0]]), _long(0, 1)),
        ValueError,
        r"^log_probs must hold log-probabilities \(values <= 0\): nll takes log_softmax's output; "
        r"logits go to cross_entropy, got a maximum of 1$",
    ),
    BadInput(
        "shape",
        "nll: one log-probability per example (N,) with an (N,) target",
        lambda: lb.nll(_z(4), _long(0, 1, 1, 0)),
        ValueError,
        r"^log_probs of shape \(4,\) with a target of the same shape look like one "
        r"log-probability per example \(a binary problem\), but this loss needs a class "
        r"dimension: use binary_cross_entropy\(log_probs\.exp\(\), target\.float\(\)\), or give "
        r"two log-probabilities per example, shape \(4, 2\)$",
    ),
    BadInput(
        "labels",
        "soft_margin: {0, 1} labels",
        lambda: lb.soft_margin(_z(3), torch.tensor([0.0, 1.0, 1.0])),
        ValueError,
        r"^target must hold labels in \{-1, \+1\}, found values \[0\.0, 1\.0\] "
        r"\(convert \{0, 1\} labels with 2 \* y - 1\)$",
    ),
    BadInput(
        "shape",
        "multilabel_soft_margin: 3-D logits",
        lambda: lb.multilabel_soft_margin(_z(2, 3, 4), _z(2, 3, 4)),
        ValueError,
        r"^logits must be \(N, C\) or \(C,\) \(one row of class scores per example\), "
        r"got shape \(2, 3, 4\)$",
    ),
    BadInput(
        "labels",
        "multilabel_soft_margin: an integer target with a 2",
        lambda: lb.multilabel_soft_margin(_z(2, 3), torch.tensor([[0, 1, 2], [1, 1, 0]])),
        ValueError,
        r"^target must hold labels in \{0, 1\} \(multi-hot labels, one per class\), "
        r"found values \[0, 1, 2\]$",
    ),
    BadInput(
        "shape",
        "multilabel_soft_margin: a per-element weight (it is per class)",
        lambda: lb.multilabel_soft_margin(_z(2, 3), _z(2, 3), weight=torch.ones(2, 3)),
        ValueError,
        r"^weight must have shape \(3,\), one weight per class, got \(2, 3\)$",
    ),
    BadInput(
        "hyper-parameter",
        "multi_margin: p = 3",
        lambda: lb.multi_margin(_z(2, 3), _long(0, 1), p=3),
        ValueError,
        r"^p must be 1 \(hinge\) or 2 \(squared hinge\), got 3$",
    ),
    BadInput(
        "hyper-parameter",
        "multi_margin: a zero margin",
        lambda: lb.multi_margin(_z(2, 3), _long(0, 1), margin=0.0),
        ValueError,
        r"^margin must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "shape",
        "multi_margin: a target with an extra dimension",
        lambda: lb.multi_margin(_z(2, 3), torch.zeros(2, 1, dtype=torch.long)),
        ValueError,
        r"^target must have shape \(2,\) \(one class index per row of scores\), got \(2, 1\)$",
    ),
    BadInput(
        "shape",
        "multi_margin: spatial scores (N, C, d)",
        lambda: lb.multi_margin(_z(2, 3, 4), torch.zeros(2, 4, dtype=torch.long)),
        ValueError,
        r"^scores must be \(N, C\) or \(C,\) class scores, with class indices \(N,\), "
        r"got shape \(2, 3, 4\)$",
    ),
    BadInput(
        "labels",
        "multi_margin: a class index equal to C",
        lambda: lb.multi_margin(_z(2, 3), _long(0, 3)),
        ValueError,
        r"^target must hold class indices in \[0, 2\], got values in \[0, 3\]$",
    ),
    BadInput(
        "dtype",
        "multilabel_margin: a float (multi-hot) target",
        lambda: lb.multilabel_margin(_z(2, 3), torch.tensor([[0.0, 1.0, 1.0], [1.0, 0.0, 0.0]])),
        TypeError,
        r"^target must hold integer class indices \(torch\.long\), got dtype torch\.float32; "
        r"convert with \.long\(\)$",
    ),
    BadInput(
        "labels",
        "multilabel_margin: an index below -1",
        lambda: lb.multilabel_margin(_z(2, 3), torch.tensor([[0, -2, 1], [1, -1, 0]])),
        ValueError,
        r"^target must hold class indices in \[0, 2\] or ignore_index=-1, got values in \[-2, 1\]$",
    ),
    BadInput(
        "shape",
        "multilabel_margin: one class index per example (it wants a -1-terminated row)",
        lambda: lb.multilabel_margin(_z(2, 3), _long(0, 1)),
        ValueError,
        r"^scores and target must have the same shape, got scores \(2, 3\) and target \(2,\); "
        r"lossbook never broadcasts$",
    ),
    BadInput(
        "probabilities",
        "brier: logits given instead of probabilities",
        lambda: lb.brier(torch.tensor([[2.0, -1.0]]), _long(0)),
        ValueError,
        r"^probs must hold probabilities in \[0, 1\], got values in \[-1, 2\]; if these are "
        r"logits, use a \*_with_logits loss or apply softmax/sigmoid first$",
    ),
    BadInput(
        "shape",
        "brier: one probability per example (N,) with an (N,) target",
        lambda: lb.brier(torch.full((4,), 0.5), _long(0, 1, 1, 0)),
        ValueError,
        r"^probs of shape \(4,\) with a target of the same shape look like one probability per "
        r"example \(a binary problem\), but this loss needs a class dimension: use "
        r"mse\(probs, target\.float\(\)\), or give two probabilities per example, shape \(4, 2\)$",
    ),
    BadInput(
        "dtype",
        "fit_temperature: float labels",
        lambda: lb.fit_temperature(_z(4, 3), torch.tensor([0.0, 1.0, 2.0, 1.0])),
        TypeError,
        r"^labels has the shape of class indices \(4,\) \(logits' shape without the class "
        r"dimension 1\) but dtype torch\.float32: class indices must be integers; convert with "
        r"labels\.long\(\) \(class probabilities would have logits' shape \(4, 3\)\)$",
    ),
    BadInput(
        "hyper-parameter",
        "fit_temperature: max_iter = 0",
        lambda: lb.fit_temperature(_z(4, 3), _long(0, 1, 2, 1), max_iter=0),
        ValueError,
        r"^max_iter must be an int >= 1, got 0$",
    ),
    BadInput(
        "empty",
        "fit_temperature: no examples",
        lambda: lb.fit_temperature(_z(0, 3), torch.zeros(0, dtype=torch.long)),
        ValueError,
        r"^labels must not be empty, got shape \(0,\)$",
    ),
    # --- divergences (tests/test_divergence.py) ----------------------------------------------
    BadInput(
        "dtype",
        "kl_divergence: p given as a list",
        lambda: lb.kl_divergence([[0.5, 0.5]], _pq()),
        TypeError,
        r"^p must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "dtype",
        "kl_divergence: integer q",
        lambda: lb.kl_divergence(_pq(), torch.tensor([[0, 1]])),
        TypeError,
        r"^q must have a floating-point dtype, got torch\.int64; convert with q\.float\(\)$",
    ),
    BadInput(
        "shape",
        "kl_divergence: p (1, 2) against q (2,)",
        lambda: lb.kl_divergence(_pq(), torch.tensor([0.25, 0.75])),
        ValueError,
        r"^p and q must have the same shape, got p \(1, 2\) and q \(2,\); lossbook never broadcasts$",
    ),
    BadInput(
        "probabilities",
        "kl_divergence: q outside [0, 1]",
        lambda: lb.kl_divergence(_pq(), torch.tensor([[2.0, -1.0]])),
        ValueError,
        r"^q must hold probabilities in \[0, 1\], got values in \[-1, 2\]$",
    ),
    BadInput(
        "probabilities",
        "kl_divergence: p log-probabilities above 0 (log_inputs=True)",
        lambda: lb.kl_divergence(
            torch.tensor([[0.3, 0.7]]).log() + 1.0, _pq().log(), log_inputs=True
        ),
        ValueError,
        r"^p must hold log-probabilities \(values <= 0\) because log_inputs=True, got a maximum of 0\.6433$",
    ),
    BadInput(
        "probabilities",
        "kl_divergence: q log-probabilities above 0 (log_inputs=True)",
        lambda: lb.kl_divergence(_pq().log(), torch.tensor([[1.0, 2.0]]), log_inputs=True),
        ValueError,
        r"^q must hold log-probabilities \(values <= 0\) because log_inputs=True, got a maximum of 2$",
    ),
    BadInput(
        "hyper-parameter",
        "kl_divergence: dim out of range",
        lambda: lb.kl_divergence(_pq(), _pq(), dim=2),
        ValueError,
        r"^dim must lie in \[-2, 1\] for inputs with 2 dimensions, got 2$",
    ),
    BadInput(
        "hyper-parameter",
        "kl_divergence: a float dim",
        lambda: lb.kl_divergence(_pq(), _pq(), dim=1.0),
        TypeError,
        r"^dim must be an int, got float$",
    ),
    BadInput(
        "shape",
        "kl_divergence: 0-d distributions",
        lambda: lb.kl_divergence(torch.tensor(0.5), torch.tensor(0.5)),
        ValueError,
        r"^p and q must have at least one dimension \(the distribution's\), got a 0-d tensor$",
    ),
    BadInput(
        "dtype",
        "gaussian_kl: mu given as a float",
        lambda: lb.gaussian_kl(0.0, _z(2, 3)),
        TypeError,
        r"^mu must be a torch\.Tensor, got float$",
    ),
    BadInput(
        "dtype",
        "gaussian_kl: integer logvar",
        lambda: lb.gaussian_kl(_z(2, 3), torch.zeros(2, 3, dtype=torch.long)),
        TypeError,
        r"^logvar must have a floating-point dtype, got torch\.int64; convert with logvar\.float\(\)$",
    ),
    BadInput(
        "shape",
        "gaussian_kl: mu (2, 3) against logvar (2, 1)",
        lambda: lb.gaussian_kl(_z(2, 3), _z(2, 1)),
        ValueError,
        r"^mu and logvar must have the same shape, got mu \(2, 3\) and logvar \(2, 1\); lossbook never broadcasts$",
    ),
    BadInput(
        "reduction",
        "gaussian_kl: torch's 'batchmean'",
        lambda: lb.gaussian_kl(_z(2, 3), _z(2, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "shape",
        "gaussian_kl: 0-d inputs",
        lambda: lb.gaussian_kl(torch.tensor(0.0), torch.tensor(0.0)),
        ValueError,
        r"^mu and logvar must have at least one dimension \(the latent one\), got a 0-d tensor$",
    ),
    BadInput(
        "empty",
        "gaussian_kl: empty mu",
        lambda: lb.gaussian_kl(_z(0, 3), _z(0, 3)),
        ValueError,
        r"^mu must not be empty, got shape \(0, 3\)$",
    ),
    # --- metric learning (tests/test_metric.py) ----------------------------------------------
    BadInput(
        "shape",
        "nt_xent: different batch sizes",
        lambda: lb.nt_xent(_z(4, 3), _z(5, 3)),
        ValueError,
        r"^z1 and z2 must have the same batch size N \(first dimension\), got z1 \(4, 3\) and z2 \(5, 3\)$",
    ),
    BadInput(
        "shape",
        "nt_xent: different embedding widths",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 2)),
        ValueError,
        r"^z1 and z2 must have the same embedding dimension D \(second dimension\), got z1 \(4, 3\) and z2 \(4, 2\)$",
    ),
    BadInput(
        "shape",
        "nt_xent: a 1-D z2",
        lambda: lb.nt_xent(_z(4, 3), _z(4)),
        ValueError,
        r"^z2 must be a 2-D tensor \(N, D\) of N embeddings of dimension D, got shape \(4,\)$",
    ),
    BadInput(
        "dtype",
        "nt_xent: float32 against float64",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 3).double()),
        TypeError,
        r"^z1 and z2 must have the same dtype, got z1 torch\.float32, z2 torch\.float64; cast them with \.to\(dtype\)$",
    ),
    BadInput(
        "dtype",
        "nt_xent: integer z1",
        lambda: lb.nt_xent(_z(4, 3).long(), _z(4, 3)),
        TypeError,
        r"^z1 must have a floating-point dtype, got torch\.int64; convert with z1\.float\(\)$",
    ),
    BadInput(
        "dtype",
        "nt_xent: z2 given as a list",
        lambda: lb.nt_xent(_z(4, 3), [[0.0, 1.0, 2.0]] * 4),
        TypeError,
        r"^z2 must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "hyper-parameter",
        "nt_xent: a zero temperature",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 3), temperature=0.0),
        ValueError,
        r"^temperature must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "nt_xent: a negative temperature",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 3), temperature=-0.5),
        ValueError,
        r"^temperature must be a finite number > 0, got -0\.5$",
    ),
    BadInput(
        "hyper-parameter",
        "nt_xent: a NaN temperature",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 3), temperature=float("nan")),
        ValueError,
        r"^temperature must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "nt_xent: an infinite temperature",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 3), temperature=float("inf")),
        ValueError,
        r"^temperature must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "nt_xent: temperature given as a tensor",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 3), temperature=torch.tensor(0.5)),
        TypeError,
        r"^temperature must be a real number, got a torch\.Tensor of shape \(\); pass a number \(temperature=t\.item\(\)\)$",
    ),
    BadInput(
        "reduction",
        "nt_xent: torch's 'batchmean'",
        lambda: lb.nt_xent(_z(4, 3), _z(4, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "empty",
        "nt_xent: the mean over an empty batch",
        lambda: lb.nt_xent(_z(0, 3), _z(0, 3)),
        ValueError,
        r"^cannot average a loss over an empty batch \(per-element losses of shape \(0,\)\); use reduction='sum' \(which gives 0\) or check the inputs$",
    ),
    BadInput(
        "NaN",
        "nt_xent: a NaN embedding (propagates)",
        lambda: lb.nt_xent(torch.full((4, 3), float("nan")), _z(4, 3)),
        None,
        r"nan",
    ),
    BadInput(
        "hyper-parameter",
        "contrastive: a zero margin",
        lambda: lb.contrastive(_z(3, 2), _z(3, 2), _z(3), margin=0.0),
        ValueError,
        r"^margin must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "contrastive: a negative margin",
        lambda: lb.contrastive(_z(3, 2), _z(3, 2), _z(3), margin=-1.0),
        ValueError,
        r"^margin must be a finite number > 0, got -1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "contrastive: a NaN margin",
        lambda: lb.contrastive(_z(3, 2), _z(3, 2), _z(3), margin=float("nan")),
        ValueError,
        r"^margin must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "triplet: a zero margin",
        lambda: lb.triplet(_z(3, 2), _z(3, 2), _z(3, 2), margin=0.0),
        ValueError,
        r"^margin must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "triplet: a NaN margin",
        lambda: lb.triplet(_z(3, 2), _z(3, 2), _z(3, 2), margin=float("nan")),
        ValueError,
        r"^margin must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "mine_triplets: a zero margin",
        lambda: lb.mine_triplets(_z(3, 2), _long(0, 0, 0), margin=0.0),
        ValueError,
        r"^margin must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "mine_triplets: a negative margin",
        lambda: lb.mine_triplets(_z(3, 2), _long(0, 0, 0), margin=-1.0),
        ValueError,
        r"^margin must be a finite number > 0, got -1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "mine_triplets: a NaN margin",
        lambda: lb.mine_triplets(_z(3, 2), _long(0, 0, 0), margin=float("nan")),
        ValueError,
        r"^margin must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "info_nce: a negative temperature",
        lambda: lb.info_nce(_z(3, 2), _z(3, 2), temperature=-0.1),
        ValueError,
        r"^temperature must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "info_nce: an infinite temperature",
        lambda: lb.info_nce(_z(3, 2), _z(3, 2), temperature=float("inf")),
        ValueError,
        r"^temperature must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "clip_loss: a zero temperature",
        lambda: lb.clip_loss(_z(3, 2), _z(3, 2), temperature=0.0),
        ValueError,
        r"^temperature must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "clip_loss: an infinite temperature",
        lambda: lb.clip_loss(_z(3, 2), _z(3, 2), temperature=float("inf")),
        ValueError,
        r"^temperature must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "info_nce: temperature given as a tensor",
        lambda: lb.info_nce(_z(3, 2), _z(3, 2), temperature=torch.tensor(0.1)),
        TypeError,
        r"^temperature must be a real number, got a torch\.Tensor of shape \(\); pass a number \(temperature=t\.item\(\)\)$",
    ),
    BadInput(
        "shape",
        "contrastive: x1 and x2 of different batch sizes",
        lambda: lb.contrastive(_z(4, 3), _z(5, 3), _z(4)),
        ValueError,
        r"^x1 and x2 must have the same shape, got x1 \(4, 3\) and x2 \(5, 3\); lossbook never broadcasts$",
    ),
    BadInput(
        "shape",
        "contrastive: x1 and x2 of different widths",
        lambda: lb.contrastive(_z(4, 3), _z(4, 2), _z(4)),
        ValueError,
        r"^x1 and x2 must have the same embedding dimension D \(second dimension\), got x1 \(4, 3\) and x2 \(4, 2\)$",
    ),
    BadInput(
        "shape",
        "contrastive: y given as (N, 1)",
        lambda: lb.contrastive(_z(4, 3), _z(4, 3), _z(4, 1)),
        ValueError,
        r"^y must have shape \(4,\), one label per pair of x1 \(4, 3\), got \(4, 1\)$",
    ),
    BadInput(
        "shape",
        "contrastive: 1-D embeddings",
        lambda: lb.contrastive(_z(4), _z(4), _z(4)),
        ValueError,
        r"^x1 must be a 2-D tensor \(N, D\) of N embeddings of dimension D, got shape \(4,\)$",
    ),
    BadInput(
        "shape",
        "triplet: positive of another width",
        lambda: lb.triplet(_z(4, 3), _z(4, 5), _z(4, 3)),
        ValueError,
        r"^anchor and positive must have the same embedding dimension D \(second dimension\), got anchor \(4, 3\) and positive \(4, 5\)$",
    ),
    BadInput(
        "shape",
        "info_nce: query and key of different batch sizes",
        lambda: lb.info_nce(_z(4, 3), _z(6, 3)),
        ValueError,
        r"^query and key must have the same batch size N \(first dimension\), got query \(4, 3\) and key \(6, 3\)$",
    ),
    BadInput(
        "shape",
        "info_nce: negatives of another width",
        lambda: lb.info_nce(_z(4, 3), _z(4, 3), negatives=_z(7, 2)),
        ValueError,
        r"^query and negatives must have the same embedding dimension D \(second dimension\), got query \(4, 3\) and negatives \(7, 2\)$",
    ),
    BadInput(
        "shape",
        "info_nce: 1-D negatives",
        lambda: lb.info_nce(_z(4, 3), _z(4, 3), negatives=_z(7)),
        ValueError,
        r"^negatives must be a 2-D tensor \(N, D\) of N embeddings of dimension D, got shape \(7,\)$",
    ),
    BadInput(
        "shape",
        "clip_loss: different batch sizes",
        lambda: lb.clip_loss(_z(4, 3), _z(3, 3)),
        ValueError,
        r"^image_emb and text_emb must have the same batch size N \(first dimension\), got image_emb \(4, 3\) and text_emb \(3, 3\)$",
    ),
    BadInput(
        "shape",
        "clip_loss: different embedding widths",
        lambda: lb.clip_loss(_z(4, 3), _z(4, 8)),
        ValueError,
        r"^image_emb and text_emb must have the same embedding dimension D \(second dimension\), got image_emb \(4, 3\) and text_emb \(4, 8\)$",
    ),
    BadInput(
        "shape",
        "mine_triplets: fewer labels than embeddings",
        lambda: lb.mine_triplets(_z(4, 3), _long(0, 0, 0)),
        ValueError,
        r"^labels must have shape \(4,\), one label per row of embeddings \(4, 3\), got \(3,\)$",
    ),
    BadInput(
        "dtype",
        "mine_triplets: labels given as a list",
        lambda: lb.mine_triplets(_z(4, 3), [0, 0, 1, 1]),
        TypeError,
        r"^labels must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "dtype",
        "mine_triplets: integer embeddings",
        lambda: lb.mine_triplets(torch.zeros(4, 3, dtype=torch.long), _long(0, 0, 0, 0)),
        TypeError,
        r"^embeddings must have a floating-point dtype, got torch\.int64; convert with embeddings\.float\(\)$",
    ),
    BadInput(
        "dtype",
        "contrastive: a bool y",
        lambda: lb.contrastive(_z(4, 3), _z(4, 3), torch.zeros(4, dtype=torch.bool)),
        TypeError,
        r"^y must be a floating or integer tensor of 0 \(similar\) / 1 \(dissimilar\), got dtype torch\.bool; for a boolean 'is same pair' flag pass \(~same\)\.long\(\)$",
    ),
    BadInput(
        "labels",
        "contrastive: {-1, +1} labels",
        lambda: lb.contrastive(_z(4, 3), _z(4, 3), _long(-1, 1, 1, 1)),
        ValueError,
        r"^y must hold labels in \{0, 1\} \(0 = similar, 1 = dissimilar\), found values \[-1, 1\]$",
    ),
    BadInput(
        "labels",
        "contrastive: soft labels",
        lambda: lb.contrastive(_z(4, 3), _z(4, 3), torch.tensor([0.0, 0.5, 1.0, 1.0])),
        ValueError,
        r"^y must hold labels in \{0, 1\} \(0 = similar, 1 = dissimilar\), found values \[0\.0, 0\.5, 1\.0\]$",
    ),
    # --- metric: torch's pairwise margin losses and the triplet's swap / distance_function
    BadInput(
        "labels",
        "margin_ranking: a tie label 0 (torch charges max(0, margin))",
        lambda: lb.margin_ranking(_z(3), _z(3), _long(1, 0, -1)),
        ValueError,
        r"^y must hold labels in \{-1, \+1\}, found values \[-1, 0, 1\]$",
    ),
    BadInput(
        "labels",
        "margin_ranking: {0, 1} labels",
        lambda: lb.margin_ranking(_z(3), _z(3), _long(1, 0, 1)),
        ValueError,
        r"^y must hold labels in \{-1, \+1\}, found values \[0, 1\] \(convert \{0, 1\} labels with 2 \* y - 1\)$",
    ),
    BadInput(
        "shape",
        "margin_ranking: x2 of shape (N, 1)",
        lambda: lb.margin_ranking(_z(3), _z(3, 1), _long(1, 1, 1)),
        ValueError,
        r"^x1 and x2 must have the same shape, got x1 \(3,\) and x2 \(3, 1\); lossbook never broadcasts \(did you mean x2\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "shape",
        "margin_ranking: one label for the whole batch",
        lambda: lb.margin_ranking(_z(3), _z(3), torch.tensor(1)),
        ValueError,
        r"^y must have shape \(3,\), one label per pair of scores, got \(\)$",
    ),
    BadInput(
        "dtype",
        "margin_ranking: a bool y",
        lambda: lb.margin_ranking(_z(3), _z(3), torch.ones(3, dtype=torch.bool)),
        TypeError,
        r"^y must be a floating or integer tensor of -1/\+1 labels, got dtype torch\.bool; for a boolean flag pass 2 \* y\.long\(\) - 1$",
    ),
    BadInput(
        "hyper-parameter",
        "margin_ranking: a negative margin",
        lambda: lb.margin_ranking(_z(3), _z(3), _long(1, 1, -1), margin=-0.5),
        ValueError,
        r"^margin must be a finite number >= 0, got -0\.5$",
    ),
    BadInput(
        "reduction",
        "margin_ranking: torch's 'batchmean'",
        lambda: lb.margin_ranking(_z(3), _z(3), _long(1, 1, -1), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "labels",
        "hinge_embedding: {0, 1} labels",
        lambda: lb.hinge_embedding(_z(3), _long(1, 0, 1)),
        ValueError,
        r"^y must hold labels in \{-1, \+1\}, found values \[0, 1\] \(convert \{0, 1\} labels with 2 \* y - 1\)$",
    ),
    BadInput(
        "shape",
        "hinge_embedding: y of shape (N, 1)",
        lambda: lb.hinge_embedding(_z(3), torch.ones(3, 1)),
        ValueError,
        r"^y must have shape \(3,\), one label per distance in x, got \(3, 1\)$",
    ),
    BadInput(
        "dtype",
        "hinge_embedding: integer distances",
        lambda: lb.hinge_embedding(_long(1, 2, 3), _long(1, -1, 1)),
        TypeError,
        r"^x must have a floating-point dtype, got torch\.int64; convert with x\.float\(\)$",
    ),
    BadInput(
        "hyper-parameter",
        "hinge_embedding: a zero margin",
        lambda: lb.hinge_embedding(_z(3), _long(1, -1, 1), margin=0.0),
        ValueError,
        r"^margin must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "labels",
        "cosine_embedding: {0, 1} labels",
        lambda: lb.cosine_embedding(_ones(3, 2), _ones(3, 2), _long(1, 0, 1)),
        ValueError,
        r"^y must hold labels in \{-1, \+1\}, found values \[0, 1\] \(convert \{0, 1\} labels with 2 \* y - 1\)$",
    ),
    BadInput(
        "shape",
        "cosine_embedding: unbatched (D,) embeddings",
        lambda: lb.cosine_embedding(_ones(4), _ones(4), torch.tensor(1)),
        ValueError,
        r"^x1 must be a 2-D tensor \(N, D\) of N embeddings of dimension D, got shape \(4,\)$",
    ),
    BadInput(
        "shape",
        "cosine_embedding: y of shape (N, 1)",
        lambda: lb.cosine_embedding(_ones(3, 2), _ones(3, 2), torch.ones(3, 1)),
        ValueError,
        r"^y must have shape \(3,\), one label per pair of x1 \(3, 2\), got \(3, 1\)$",
    ),
    BadInput(
        "hyper-parameter",
        "cosine_embedding: a margin above 1",
        lambda: lb.cosine_embedding(_ones(3, 2), _ones(3, 2), _long(1, -1, 1), margin=1.5),
        ValueError,
        r"^margin must lie in \[-1\.0, 1\.0\], got 1\.5$",
    ),
    BadInput(
        "hyper-parameter",
        "triplet: swap given as a string",
        lambda: lb.triplet(_z(3, 2), _z(3, 2), _z(3, 2), swap="yes"),
        TypeError,
        r"^swap must be a bool \(True or False\), got str 'yes'$",
    ),
    BadInput(
        "hyper-parameter",
        "triplet: distance_function given as a string",
        lambda: lb.triplet(_z(3, 2), _z(3, 2), _z(3, 2), distance_function="cosine"),
        TypeError,
        r"^distance_function must be a function of two \(N, D\) tensors returning their \(N,\) row-wise distances, or None, got str$",
    ),
    BadInput(
        "shape",
        "triplet: a distance_function that returns the (N, D) differences",
        lambda: lb.triplet(_z(3, 2), _z(3, 2), _z(3, 2), distance_function=lambda u, v: u - v),
        ValueError,
        r"^distance_function must return one distance per row, shape \(3,\), got \(3, 2\)$",
    ),
    BadInput(
        "dtype",
        "info_nce: float32 query against float64 key",
        lambda: lb.info_nce(_z(4, 3), _z(4, 3).double()),
        TypeError,
        r"^query and key must have the same dtype, got query torch\.float32, key torch\.float64; cast them with \.to\(dtype\)$",
    ),
    BadInput(
        "dtype",
        "triplet: integer anchor",
        lambda: lb.triplet(_z(4, 3).long(), _z(4, 3), _z(4, 3)),
        TypeError,
        r"^anchor must have a floating-point dtype, got torch\.int64; convert with anchor\.float\(\)$",
    ),
    BadInput(
        "hyper-parameter",
        "mine_triplets: 'semihard' for 'semi-hard'",
        lambda: lb.mine_triplets(_z(4, 3), _long(0, 0, 1, 1), strategy="semihard"),
        ValueError,
        r"^strategy must be one of \('all', 'hard', 'semi-hard'\), got 'semihard'$",
    ),
    BadInput(
        "reduction",
        "contrastive: torch's 'batchmean'",
        lambda: lb.contrastive(_z(4, 3), _z(4, 3), _z(4), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "triplet: torch's 'batchmean'",
        lambda: lb.triplet(_z(4, 3), _z(4, 3), _z(4, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "info_nce: torch's 'batchmean'",
        lambda: lb.info_nce(_z(4, 3), _z(4, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "clip_loss: torch's 'batchmean'",
        lambda: lb.clip_loss(_z(4, 3), _z(4, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    # --- sequences: CTC's helpers (tests/test_sequence.py) -----------------------------------
    BadInput(
        "shape",
        "ctc_alpha: batched (T, 1, C) log_probs",
        lambda: lb.ctc_alpha(_log_probs()[:, None], _long(1)),
        ValueError,
        r"^log_probs must be \(T, C\) for one sequence \(use ctc for a batch\), got shape \(4, 1, 3\)$",
    ),
    BadInput(
        "shape",
        "ctc_alpha: a 2-D target",
        lambda: lb.ctc_alpha(_log_probs(), torch.tensor([[1]])),
        ValueError,
        r"^target must be \(S,\), the labels of one sequence, got shape \(1, 1\)$",
    ),
    BadInput(
        "labels",
        "ctc_alpha: the blank inside the target",
        lambda: lb.ctc_alpha(_log_probs(), _long(1, 0)),
        ValueError,
        r"^targets must not contain the blank index 0 \(within target_lengths\); the blank is CTC's 'no label' symbol, not a label$",
    ),
    BadInput(
        "dtype",
        "ctc_alpha: a float target",
        lambda: lb.ctc_alpha(_log_probs(), torch.tensor([1.0])),
        TypeError,
        r"^target must hold integer class indices \(torch\.long\), got dtype torch\.float32; convert with \.long\(\)$",
    ),
    BadInput(
        "shape",
        "greedy_decode: input_lengths longer than the input",
        lambda: lb.greedy_decode(_log_probs()[:, None], input_lengths=[5]),
        ValueError,
        r"^input_lengths must be <= T=4, got 5$",
    ),
    BadInput(
        "hyper-parameter",
        "greedy_decode: blank out of range",
        lambda: lb.greedy_decode(_log_probs(), blank=3),
        ValueError,
        r"^blank must be a class index in \[0, 2\] \(C=3 classes in log_probs\), got 3$",
    ),
    # --- segmentation (tests/test_segmentation.py) -------------------------------------------
    BadInput(
        "dtype",
        "dice: probs given as a list",
        lambda: lb.dice(_half(2, 3, 4).tolist(), _ones(2, 3, 4)),
        TypeError,
        r"^probs must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "dtype",
        "dice: integer class-index masks",
        lambda: lb.dice(_half(2, 3, 4), torch.ones(2, 3, 4, dtype=torch.long)),
        TypeError,
        r"^target must be floating-point masks with the same shape as probs, got dtype torch\.int64; convert class indices with F\.one_hot\(target, C\)\.movedim\(-1, 1\)\.float\(\)$",
    ),
    BadInput(
        "shape",
        "dice: target without the class dimension",
        lambda: lb.dice(_half(2, 3, 4), _ones(2, 4)),
        ValueError,
        r"^probs and target must have the same shape, got probs \(2, 3, 4\) and target \(2, 4\); lossbook never broadcasts$",
    ),
    BadInput(
        "probabilities",
        "dice: probs below 0 and above 1",
        lambda: lb.dice(torch.tensor([[[-0.5, 1.5]]]), _ones(1, 1, 2)),
        ValueError,
        r"^probs must hold probabilities in \[0, 1\], got values in \[-0\.5, 1\.5\]; if these are logits, use a \*_with_logits loss or apply softmax/sigmoid first$",
    ),
    BadInput(
        "probabilities",
        "dice: target above 1",
        lambda: lb.dice(_half(2, 3, 4), 2 * _ones(2, 3, 4)),
        ValueError,
        r"^target must hold probabilities in \[0, 1\], got values in \[2, 2\]$",
    ),
    BadInput(
        "hyper-parameter",
        "dice: a negative eps",
        lambda: lb.dice(_half(2, 3, 4), _ones(2, 3, 4), eps=-1e-6),
        ValueError,
        r"^eps must be a finite number > 0, got -1e-06$",
    ),
    BadInput(
        "reduction",
        "dice: torch's 'batchmean'",
        lambda: lb.dice(_half(2, 3, 4), _ones(2, 3, 4), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "empty",
        "dice: empty probs",
        lambda: lb.dice(_half(0, 3, 4), _ones(0, 3, 4)),
        ValueError,
        r"^probs must not be empty, got shape \(0, 3, 4\)$",
    ),
    BadInput(
        "dtype",
        "dice_cross_entropy: logits given as a NumPy array",
        lambda: lb.dice_cross_entropy(np.zeros((2, 3, 4), np.float32), _long0(2, 4)),
        TypeError,
        r"^logits must be a torch\.Tensor, got ndarray$",
    ),
    BadInput(
        "dtype",
        "dice_cross_entropy: a float target",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), _z(2, 4)),
        TypeError,
        r"^target must hold integer class indices \(torch\.long\), got dtype torch\.float32; convert with \.long\(\)$",
    ),
    BadInput(
        "shape",
        "dice_cross_entropy: a one-hot target",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), _long0(2, 3, 4)),
        ValueError,
        r"^target must have shape \(2, 4\) \(logits' shape without the class dimension 1\), got \(2, 3, 4\)$",
    ),
    BadInput(
        "labels",
        "dice_cross_entropy: a class index equal to C",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), torch.tensor([[0, 1, 2, 3], [0, 0, 0, 0]])),
        ValueError,
        r"^target must hold class indices in \[0, 2\], got values in \[0, 3\]$",
    ),
    BadInput(
        "labels",
        "dice_cross_entropy: -100 targets (it has no ignore_index)",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), torch.full((2, 4), -100)),
        ValueError,
        r"^target must hold class indices in \[0, 2\], got values in \[-100, -100\]$",
    ),
    BadInput(
        "shape",
        "dice_cross_entropy: a single class",
        lambda: lb.dice_cross_entropy(_z(2, 1, 4), _long0(2, 4)),
        ValueError,
        r"^logits must have at least 2 classes, got C=1$",
    ),
    BadInput(
        "shape",
        "dice_cross_entropy: 1-D logits",
        lambda: lb.dice_cross_entropy(_z(4), _long0(4)),
        ValueError,
        r"^logits must have shape \(N, C, \*spatial\) -- batch, classes, then spatial dimensions -- got \(4,\)$",
    ),
    BadInput(
        "hyper-parameter",
        "dice_cross_entropy: both weights 0",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), _long0(2, 4), dice_weight=0.0, ce_weight=0.0),
        ValueError,
        r"^dice_weight and ce_weight must not both be 0, got 0 and 0$",
    ),
    BadInput(
        "hyper-parameter",
        "dice_cross_entropy: a negative dice_weight",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), _long0(2, 4), dice_weight=-1.0),
        ValueError,
        r"^dice_weight must be a finite number >= 0, got -1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "dice_cross_entropy: an infinite ce_weight",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), _long0(2, 4), ce_weight=math.inf),
        ValueError,
        r"^ce_weight must be a finite number >= 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "dice_cross_entropy: a zero eps",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), _long0(2, 4), eps=0.0),
        ValueError,
        r"^eps must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "reduction",
        "dice_cross_entropy: an unknown reduction 'pixels'",
        lambda: lb.dice_cross_entropy(_z(2, 3, 4), _long0(2, 4), reduction="pixels"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'pixels'$",
    ),
    # --- adversarial (tests/test_adversarial.py) ---------------------------------------------
    BadInput(
        "shape",
        "wasserstein_critic: different shapes with reduction='sum'",
        lambda: lb.wasserstein_critic(_z(3), _z(2, 1), reduction="sum"),
        ValueError,
        r"^real_scores and fake_scores must have the same shape for reduction='sum', which pairs them element by element, got real_scores \(3,\) and fake_scores \(2, 1\); reduction='mean' accepts different shapes$",
    ),
    BadInput(
        "shape",
        "wasserstein_critic: different shapes with reduction='none'",
        lambda: lb.wasserstein_critic(_z(3), _z(2, 1), reduction="none"),
        ValueError,
        r"^real_scores and fake_scores must have the same shape for reduction='none', which pairs them element by element, got real_scores \(3,\) and fake_scores \(2, 1\); reduction='mean' accepts different shapes$",
    ),
    BadInput(
        "dtype",
        "wasserstein_critic: real_scores given as a list",
        lambda: lb.wasserstein_critic([0.0, 1.0], _z(3)),
        TypeError,
        r"^real_scores must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "dtype",
        "wasserstein_critic: integer fake_scores",
        lambda: lb.wasserstein_critic(_z(3), torch.zeros(3, dtype=torch.long)),
        TypeError,
        r"^fake_scores must have a floating-point dtype, got torch\.int64; convert with fake_scores\.float\(\)$",
    ),
    BadInput(
        "reduction",
        "wasserstein_critic: torch's 'batchmean'",
        lambda: lb.wasserstein_critic(_z(3), _z(3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "empty",
        "wasserstein_critic: empty fake_scores",
        lambda: lb.wasserstein_critic(_z(3), _z(0)),
        ValueError,
        r"^fake_scores must not be empty, got shape \(0,\)$",
    ),
    BadInput(
        "dtype",
        "wasserstein_generator: fake_scores given as a float",
        lambda: lb.wasserstein_generator(1.0),
        TypeError,
        r"^fake_scores must be a torch\.Tensor, got float$",
    ),
    BadInput(
        "reduction",
        "wasserstein_generator: an unknown reduction 'max'",
        lambda: lb.wasserstein_generator(_z(3), reduction="max"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'max'$",
    ),
    BadInput(
        "empty",
        "wasserstein_generator: empty fake_scores",
        lambda: lb.wasserstein_generator(_z(0)),
        ValueError,
        r"^fake_scores must not be empty, got shape \(0,\)$",
    ),
    BadInput(
        "dtype",
        "gradient_penalty: a tensor where the critic goes",
        lambda: lb.gradient_penalty(_z(2, 3), _z(2, 3), _z(2, 3)),
        TypeError,
        r"^critic must be callable \(a function or module\), got Tensor$",
    ),
    BadInput(
        "dtype",
        "gradient_penalty: real given as a list",
        lambda: lb.gradient_penalty(_critic, _z(2, 3).tolist(), _z(2, 3)),
        TypeError,
        r"^real must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "dtype",
        "gradient_penalty: integer fake",
        lambda: lb.gradient_penalty(_critic, _z(2, 3), torch.zeros(2, 3, dtype=torch.long)),
        TypeError,
        r"^fake must have a floating-point dtype, got torch\.int64; convert with fake\.float\(\)$",
    ),
    BadInput(
        "shape",
        "gradient_penalty: real and fake of different batch sizes",
        lambda: lb.gradient_penalty(_critic, _z(2, 3), _z(3, 3)),
        ValueError,
        r"^real and fake must have the same shape, got real \(2, 3\) and fake \(3, 3\); lossbook never broadcasts$",
    ),
    BadInput(
        "hyper-parameter",
        "gradient_penalty: a negative weight",
        lambda: lb.gradient_penalty(_critic, _z(2, 3), _z(2, 3), weight=-1.0),
        ValueError,
        r"^weight must be a finite number >= 0, got -1\.0$",
    ),
    BadInput(
        "dtype",
        "gradient_penalty: a seed where a torch.Generator goes",
        lambda: lb.gradient_penalty(_critic, _z(2, 3), _z(2, 3), generator=0),
        TypeError,
        r"^generator must be a torch\.Generator or None, got int$",
    ),
    BadInput(
        "reduction",
        "gradient_penalty: torch's 'batchmean'",
        lambda: lb.gradient_penalty(_critic, _z(2, 3), _z(2, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "shape",
        "gradient_penalty: 0-d real and fake",
        lambda: lb.gradient_penalty(_critic, torch.tensor(1.0), torch.tensor(0.0)),
        ValueError,
        r"^real and fake must have a batch dimension \(N, \*\), got 0-d tensors$",
    ),
    BadInput(
        "empty",
        "gradient_penalty: empty real and fake",
        lambda: lb.gradient_penalty(_critic, _z(0, 3), _z(0, 3)),
        ValueError,
        r"^real must not be empty, got shape \(0, 3\)$",
    ),
    BadInput(
        "shape",
        "gradient_penalty: a critic returning a 0-d score",
        lambda: lb.gradient_penalty(lambda x: x.sum(), _z(2, 3), _z(2, 3)),
        ValueError,
        r"^critic must return a tensor of scores with first dimension N=2 \(one score per sample\), got \(\)$",
    ),
    BadInput(
        "shape",
        "gradient_penalty: a critic returning one score for the batch",
        lambda: lb.gradient_penalty(lambda x: x.sum().reshape(1), _z(2, 3), _z(2, 3)),
        ValueError,
        r"^critic must return a tensor of scores with first dimension N=2 \(one score per sample\), got \(1,\)$",
    ),
    BadInput(
        "dtype",
        "gradient_penalty: a critic returning a float",
        lambda: lb.gradient_penalty(lambda x: 1.0, _z(2, 3), _z(2, 3)),
        ValueError,
        r"^critic must return a tensor of scores with first dimension N=2 \(one score per sample\), got float$",
    ),
    BadInput(
        "shape",
        "hinge_gan_discriminator: different shapes with reduction='none'",
        lambda: lb.hinge_gan_discriminator(_z(3), _z(2, 1), reduction="none"),
        ValueError,
        r"^real_scores and fake_scores must have the same shape for reduction='none', which "
        r"pairs them element by element, got real_scores \(3,\) and fake_scores \(2, 1\); "
        r"reduction='mean' accepts different shapes$",
    ),
    BadInput(
        "dtype",
        "hinge_gan_discriminator: integer real_scores",
        lambda: lb.hinge_gan_discriminator(torch.zeros(3, dtype=torch.long), _z(3)),
        TypeError,
        r"^real_scores must have a floating-point dtype, got torch\.int64; convert with "
        r"real_scores\.float\(\)$",
    ),
    BadInput(
        "empty",
        "hinge_gan_discriminator: empty real_scores",
        lambda: lb.hinge_gan_discriminator(_z(0), _z(3)),
        ValueError,
        r"^real_scores must not be empty, got shape \(0,\)$",
    ),
    BadInput(
        "dtype",
        "hinge_gan_generator: fake_scores given as a list",
        lambda: lb.hinge_gan_generator([1.0, 2.0]),
        TypeError,
        r"^fake_scores must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "reduction",
        "hinge_gan_generator: an unknown reduction 'max'",
        lambda: lb.hinge_gan_generator(_z(3), reduction="max"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'max'$",
    ),
    BadInput(
        "dtype",
        "r1_penalty: a tensor where the critic goes",
        lambda: lb.r1_penalty(_z(2, 3), _z(2, 3)),
        TypeError,
        r"^critic must be callable \(a function or module\), got Tensor$",
    ),
    BadInput(
        "hyper-parameter",
        "r1_penalty: a negative gamma",
        lambda: lb.r1_penalty(_critic, _z(2, 3), gamma=-1.0),
        ValueError,
        r"^gamma must be a finite number >= 0, got -1\.0$",
    ),
    BadInput(
        "shape",
        "r1_penalty: a 0-d real",
        lambda: lb.r1_penalty(_critic, torch.tensor(1.0)),
        ValueError,
        r"^real must have a batch dimension \(N, \*\), got a 0-d tensor$",
    ),
    BadInput(
        "empty",
        "r1_penalty: empty real",
        lambda: lb.r1_penalty(_critic, _z(0, 3)),
        ValueError,
        r"^real must not be empty, got shape \(0, 3\)$",
    ),
    BadInput(
        "shape",
        "r1_penalty: a critic returning one score for the batch",
        lambda: lb.r1_penalty(lambda x: x.sum().reshape(1), _z(2, 3)),
        ValueError,
        r"^critic must return a tensor of scores with first dimension N=2 \(one score per "
        r"sample\), got \(1,\)$",
    ),
    BadInput(
        "dtype",
        "denoising_loss: a tensor where the model goes",
        lambda: lb.denoising_loss(_z(2, 3), _z(2, 3)),
        TypeError,
        r"^model must be callable \(a function or module\), got Tensor$",
    ),
    BadInput(
        "dtype",
        "denoising_loss: integer x0",
        lambda: lb.denoising_loss(_denoiser, torch.zeros(2, 3, dtype=torch.long)),
        TypeError,
        r"^x0 must have a floating-point dtype, got torch\.int64; convert with x0\.float\(\)$",
    ),
    BadInput(
        "shape",
        "denoising_loss: a 0-d x0",
        lambda: lb.denoising_loss(_denoiser, torch.tensor(1.0)),
        ValueError,
        r"^x0 must have at least one dimension \(the batch dimension N\), got a 0-d tensor$",
    ),
    BadInput(
        "empty",
        "denoising_loss: empty x0",
        lambda: lb.denoising_loss(_denoiser, _z(0, 3)),
        ValueError,
        r"^x0 must not be empty, got shape \(0, 3\)$",
    ),
    BadInput(
        "hyper-parameter",
        "denoising_loss: an unknown schedule",
        lambda: lb.denoising_loss(_denoiser, _z(2, 3), schedule="sigmoid"),
        ValueError,
        r"^schedule must be one of \('cosine', 'linear'\), got 'sigmoid'$",
    ),
    BadInput(
        "hyper-parameter",
        "denoising_loss: an unknown target",
        lambda: lb.denoising_loss(_denoiser, _z(2, 3), target="score"),
        ValueError,
        r"^target must be one of \('eps', 'x0', 'v'\), got 'score'$",
    ),
    BadInput(
        "shape",
        "denoising_loss: one noise level for the whole batch",
        lambda: lb.denoising_loss(_denoiser, _z(2, 3), t=torch.tensor(0.5)),
        ValueError,
        r"^t must have shape \(2,\) \(one noise level per example\), got \(\)$",
    ),
    BadInput(
        "hyper-parameter",
        "denoising_loss: a noise level outside [0, 1]",
        lambda: lb.denoising_loss(_denoiser, _z(2, 3), t=torch.tensor([0.5, 1.5])),
        ValueError,
        r"^t must lie in \[0, 1\], got values in \[0\.5, 1\.5\]$",
    ),
    BadInput(
        "dtype",
        "denoising_loss: a seed where a torch.Generator goes",
        lambda: lb.denoising_loss(_denoiser, _z(2, 3), generator=0),
        TypeError,
        r"^generator must be a torch\.Generator or None, got int$",
    ),
    BadInput(
        "shape",
        "denoising_loss: a model returning one value per example",
        lambda: lb.denoising_loss(lambda x, t: x.sum(dim=1), _z(2, 3)),
        ValueError,
        r"^model must return a tensor of the input's shape \(2, 3\), got \(2,\)$",
    ),
    BadInput(
        "reduction",
        "denoising_loss: torch's 'batchmean'",
        lambda: lb.denoising_loss(_denoiser, _z(2, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "shape",
        "flow_matching: noise and data of different shapes",
        lambda: lb.flow_matching(_denoiser, _z(2, 3), _z(3, 3)),
        ValueError,
        r"^x0 and x1 must have the same shape, got x0 \(2, 3\) and x1 \(3, 3\); lossbook never "
        r"broadcasts$",
    ),
    BadInput(
        "dtype",
        "flow_matching: a tensor where the model goes",
        lambda: lb.flow_matching(_z(2, 3), _z(2, 3), _z(2, 3)),
        TypeError,
        r"^model must be callable \(a function or module\), got Tensor$",
    ),
    BadInput(
        "shape",
        "flow_matching: times of the wrong shape",
        lambda: lb.flow_matching(_denoiser, _z(2, 3), _z(2, 3), t=_z(2, 1)),
        ValueError,
        r"^t must have shape \(2,\) \(one noise level per example\), got \(2, 1\)$",
    ),
    BadInput(
        "dtype",
        "flow_matching: a model returning a float",
        lambda: lb.flow_matching(lambda x, t: 0.0, _z(2, 3), _z(2, 3)),
        ValueError,
        r"^model must return a tensor of the input's shape \(2, 3\), got float$",
    ),
    BadInput(
        "empty",
        "flow_matching: empty x0 and x1",
        lambda: lb.flow_matching(_denoiser, _z(0, 3), _z(0, 3)),
        ValueError,
        r"^x0 must not be empty, got shape \(0, 3\)$",
    ),
    # --- regularization (tests/test_regularization.py) ---------------------------------------
    BadInput(
        "dtype",
        "l1_penalty: a float where the parameters go",
        lambda: lb.l1_penalty(3.0),
        TypeError,
        r"^params must be an nn\.Module, a torch\.Tensor or an iterable of tensors, got float$",
    ),
    BadInput(
        "dtype",
        "l2_penalty: None where the parameters go",
        lambda: lb.l2_penalty(None),
        TypeError,
        r"^params must be an nn\.Module, a torch\.Tensor or an iterable of tensors, got NoneType$",
    ),
    BadInput(
        "dtype",
        "l2_penalty: a string where the parameters go",
        lambda: lb.l2_penalty("weights"),
        TypeError,
        r"^params must be an nn\.Module, a torch\.Tensor or an iterable of tensors, got str$",
    ),
    BadInput(
        "dtype",
        "l1_penalty: a float inside the parameter list",
        lambda: lb.l1_penalty([_z(3), 2.0]),
        TypeError,
        r"^params\[1\] must be a torch\.Tensor, got float$",
    ),
    BadInput(
        "dtype",
        "l1_penalty: an integer parameter",
        lambda: lb.l1_penalty([_long(1, 2)]),
        TypeError,
        r"^params\[0\] must have a floating-point dtype, got torch\.int64$",
    ),
    BadInput(
        "empty",
        "l1_penalty: an empty parameter list",
        lambda: lb.l1_penalty([]),
        ValueError,
        r"^params is empty: there is nothing to penalise \(a module without parameters, or a model\.parameters\(\) generator already used up by an earlier call\?\)$",
    ),
    BadInput(
        "empty",
        "l2_penalty: a module without parameters",
        lambda: lb.l2_penalty(torch.nn.ReLU()),
        ValueError,
        r"^params is empty: there is nothing to penalise \(a module without parameters, or a model\.parameters\(\) generator already used up by an earlier call\?\)$",
    ),
    BadInput(
        "empty",
        "l2_penalty: a model.parameters() generator used twice",
        lambda: _twice(lb.l2_penalty),
        ValueError,
        r"^params is empty: there is nothing to penalise \(a module without parameters, or a model\.parameters\(\) generator already used up by an earlier call\?\)$",
    ),
    BadInput(
        "hyper-parameter",
        "elastic_net_penalty: a negative l1",
        lambda: lb.elastic_net_penalty(torch.nn.Linear(2, 2), l1=-0.1),
        ValueError,
        r"^l1 must be a finite number >= 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "elastic_net_penalty: an infinite l2",
        lambda: lb.elastic_net_penalty(torch.nn.Linear(2, 2), l2=math.inf),
        ValueError,
        r"^l2 must be a finite number >= 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "elastic_net_penalty: l1 given as a tensor",
        lambda: lb.elastic_net_penalty(torch.nn.Linear(2, 2), l1=torch.tensor(0.1)),
        TypeError,
        r"^l1 must be a real number, got a torch\.Tensor of shape \(\); pass a number \(l1=t\.item\(\)\)$",
    ),
    # --- alignment (tests/test_alignment.py) -------------------------------------------------
    BadInput(
        "dtype",
        "dpo: policy_chosen_logps given as a list",
        lambda: lb.dpo([0.0, 1.0], _lp(), _lp(), _lp()),
        TypeError,
        r"^policy_chosen_logps must be a torch\.Tensor, got list$",
    ),
    BadInput(
        "dtype",
        "dpo: integer ref_rejected_logps",
        lambda: lb.dpo(_lp(), _lp(), _lp(), torch.zeros(3, dtype=torch.long)),
        TypeError,
        r"^ref_rejected_logps must have a floating-point dtype, got torch\.int64; convert with ref_rejected_logps\.float\(\)$",
    ),
    BadInput(
        "shape",
        "ipo: ref_rejected_logps given as (N, 1)",
        lambda: lb.ipo(_lp(), _lp(), _lp(), _lp().unsqueeze(-1)),
        ValueError,
        r"^ref_rejected_logps must be a 1-D tensor of shape \(N,\), one value per sequence, got shape \(3, 1\) \(did you mean ref_rejected_logps\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "shape",
        "dpo: chosen and rejected of different lengths",
        lambda: lb.dpo(_lp(), _lp(2), _lp(), _lp()),
        ValueError,
        r"^policy_chosen_logps and policy_rejected_logps must have the same shape, got policy_chosen_logps \(3,\) and policy_rejected_logps \(2,\); lossbook never broadcasts$",
    ),
    BadInput(
        "dtype",
        "dpo: float64 and float32 log-probs mixed",
        lambda: lb.dpo(_lp(), _lp(), _lp(), _lp().float()),
        TypeError,
        r"^all inputs must have the same dtype, got policy_chosen_logps torch\.float64, policy_rejected_logps torch\.float64, ref_chosen_logps torch\.float64, ref_rejected_logps torch\.float32; cast them with \.to\(dtype\)$",
    ),
    BadInput(
        "shape",
        "pairwise_ranking: 0-d rewards",
        lambda: lb.pairwise_ranking(torch.tensor(1.0), torch.tensor(0.0)),
        ValueError,
        r"^chosen_rewards must be a 1-D tensor of shape \(N,\), one value per sequence, got shape \(\)$",
    ),
    BadInput(
        "shape",
        "pairwise_ranking: chosen and rejected of different lengths",
        lambda: lb.pairwise_ranking(_lp(), _lp(1)),
        ValueError,
        r"^chosen_rewards and rejected_rewards must have the same shape, got chosen_rewards \(3,\) and rejected_rewards \(1,\); lossbook never broadcasts$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a zero beta",
        lambda: lb.kto(*_lps(), beta=0.0),
        ValueError,
        r"^beta must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a zero desirable_weight",
        lambda: lb.kto(*_lps(), desirable_weight=0.0),
        ValueError,
        r"^desirable_weight must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a zero undesirable_weight",
        lambda: lb.kto(*_lps(), undesirable_weight=0.0),
        ValueError,
        r"^undesirable_weight must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "orpo: a zero beta",
        lambda: lb.orpo(_lp(), _lp(), beta=0.0),
        ValueError,
        r"^beta must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "dpo: a negative beta",
        lambda: lb.dpo(*_lps(), beta=-0.1),
        ValueError,
        r"^beta must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "ipo: a negative tau",
        lambda: lb.ipo(*_lps(), tau=-0.1),
        ValueError,
        r"^tau must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a negative beta",
        lambda: lb.kto(*_lps(), beta=-0.1),
        ValueError,
        r"^beta must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a negative desirable_weight",
        lambda: lb.kto(*_lps(), desirable_weight=-0.1),
        ValueError,
        r"^desirable_weight must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a negative undesirable_weight",
        lambda: lb.kto(*_lps(), undesirable_weight=-0.1),
        ValueError,
        r"^undesirable_weight must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "orpo: a negative beta",
        lambda: lb.orpo(_lp(), _lp(), beta=-0.1),
        ValueError,
        r"^beta must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "ppo_clip: a negative clip",
        lambda: lb.ppo_clip(_lp(), _lp(), _lp(), clip=-0.1),
        ValueError,
        r"^clip must be a finite number > 0, got -0\.1$",
    ),
    BadInput(
        "hyper-parameter",
        "dpo: a NaN beta",
        lambda: lb.dpo(*_lps(), beta=float("nan")),
        ValueError,
        r"^beta must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "ipo: a NaN tau",
        lambda: lb.ipo(*_lps(), tau=float("nan")),
        ValueError,
        r"^tau must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a NaN beta",
        lambda: lb.kto(*_lps(), beta=float("nan")),
        ValueError,
        r"^beta must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a NaN desirable_weight",
        lambda: lb.kto(*_lps(), desirable_weight=float("nan")),
        ValueError,
        r"^desirable_weight must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: a NaN undesirable_weight",
        lambda: lb.kto(*_lps(), undesirable_weight=float("nan")),
        ValueError,
        r"^undesirable_weight must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "orpo: a NaN beta",
        lambda: lb.orpo(_lp(), _lp(), beta=float("nan")),
        ValueError,
        r"^beta must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "ppo_clip: a NaN clip",
        lambda: lb.ppo_clip(_lp(), _lp(), _lp(), clip=float("nan")),
        ValueError,
        r"^clip must be a finite number > 0, got nan$",
    ),
    BadInput(
        "hyper-parameter",
        "dpo: an infinite beta",
        lambda: lb.dpo(*_lps(), beta=float("inf")),
        ValueError,
        r"^beta must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "ipo: an infinite tau",
        lambda: lb.ipo(*_lps(), tau=float("inf")),
        ValueError,
        r"^tau must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: an infinite beta",
        lambda: lb.kto(*_lps(), beta=float("inf")),
        ValueError,
        r"^beta must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: an infinite desirable_weight",
        lambda: lb.kto(*_lps(), desirable_weight=float("inf")),
        ValueError,
        r"^desirable_weight must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: an infinite undesirable_weight",
        lambda: lb.kto(*_lps(), undesirable_weight=float("inf")),
        ValueError,
        r"^undesirable_weight must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "orpo: an infinite beta",
        lambda: lb.orpo(_lp(), _lp(), beta=float("inf")),
        ValueError,
        r"^beta must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "ppo_clip: an infinite clip",
        lambda: lb.ppo_clip(_lp(), _lp(), _lp(), clip=float("inf")),
        ValueError,
        r"^clip must be a finite number > 0, got inf$",
    ),
    BadInput(
        "hyper-parameter",
        "dpo: beta given as a bool",
        lambda: lb.dpo(*_lps(), beta=True),
        TypeError,
        r"^beta must be a real number, got bool True$",
    ),
    BadInput(
        "hyper-parameter",
        "dpo: beta given as a tensor",
        lambda: lb.dpo(*_lps(), beta=torch.tensor(0.1)),
        TypeError,
        r"^beta must be a real number, got a torch\.Tensor of shape \(\); pass a number \(beta=t\.item\(\)\)$",
    ),
    BadInput(
        "reduction",
        "pairwise_ranking: torch's 'batchmean'",
        lambda: lb.pairwise_ranking(_lp(), _lp(), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "dpo: torch's 'batchmean'",
        lambda: lb.dpo(*_lps(), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "ipo: torch's 'batchmean'",
        lambda: lb.ipo(*_lps(), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "kto: torch's 'batchmean'",
        lambda: lb.kto(*_lps(), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "orpo: torch's 'batchmean'",
        lambda: lb.orpo(_lp(), _lp(), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "reduction",
        "ppo_clip: torch's 'batchmean'",
        lambda: lb.ppo_clip(_lp(), _lp(), _lp(), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
    BadInput(
        "shape",
        "kto: policy and reference chosen of different lengths",
        lambda: lb.kto(_lp(), _lp(), _lp(2), _lp()),
        ValueError,
        r"^policy_chosen_logps and ref_chosen_logps must have the same shape, got policy_chosen_logps \(3,\) and ref_chosen_logps \(2,\); lossbook never broadcasts$",
    ),
    BadInput(
        "shape",
        "kto: policy and reference rejected of different lengths",
        lambda: lb.kto(_lp(), _lp(1), _lp(), _lp()),
        ValueError,
        r"^policy_rejected_logps and ref_rejected_logps must have the same shape, got policy_rejected_logps \(1,\) and ref_rejected_logps \(3,\); lossbook never broadcasts$",
    ),
    BadInput(
        "dtype",
        "kto: float64 and float32 log-probs mixed",
        lambda: lb.kto(_lp(), _lp().float(), _lp(), _lp().float()),
        TypeError,
        r"^policy_chosen_logps and policy_rejected_logps must have the same dtype, got policy_chosen_logps torch\.float64, policy_rejected_logps torch\.float32; cast them with \.to\(dtype\)$",
    ),
    BadInput(
        "shape",
        "kto: kl given as a (2,) tensor",
        lambda: lb.kto(*_lps(), kl=torch.zeros(2, dtype=torch.float64)),
        ValueError,
        r"^kl must be a number or a 0-d tensor, got shape \(2,\)$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: kl given as a string",
        lambda: lb.kto(*_lps(), kl="0.1"),
        TypeError,
        r"^kl must be a real number, got str '0\.1' \(kl may also be None or a 0-d tensor\)$",
    ),
    BadInput(
        "hyper-parameter",
        "kto: an infinite kl",
        lambda: lb.kto(*_lps(), kl=float("inf")),
        ValueError,
        r"^kl must be a finite number, got inf$",
    ),
    BadInput(
        "probabilities",
        "orpo: policy_chosen_logps above 0",
        lambda: lb.orpo(_lp() + 1.0, _lp()),
        ValueError,
        r"^policy_chosen_logps must hold log-probabilities \(values <= 0\) averaged per token, got a maximum of 0\.5$",
    ),
    BadInput(
        "probabilities",
        "orpo: policy_rejected_logps above 0",
        lambda: lb.orpo(_lp(), _lp() + 1.0),
        ValueError,
        r"^policy_rejected_logps must hold log-probabilities \(values <= 0\) averaged per token, got a maximum of 0\.5$",
    ),
    BadInput(
        "shape",
        "orpo: chosen_nll of another length",
        lambda: lb.orpo(_lp(), _lp(), chosen_nll=torch.ones(2, dtype=torch.float64)),
        ValueError,
        r"^policy_chosen_logps and chosen_nll must have the same shape, got policy_chosen_logps \(3,\) and chosen_nll \(2,\); lossbook never broadcasts$",
    ),
    BadInput(
        "shape",
        "orpo: a 0-d chosen_nll",
        lambda: lb.orpo(_lp(), _lp(), chosen_nll=torch.tensor(1.0, dtype=torch.float64)),
        ValueError,
        r"^chosen_nll must be a 1-D tensor of shape \(N,\), one value per sequence, got shape \(\)$",
    ),
    BadInput(
        "NaN",
        "orpo: a NaN log-prob (propagates)",
        lambda: lb.orpo(_f64(float("nan"), -0.5, -0.5), _lp(), reduction="none"),
        None,
        r"nan",
    ),
    BadInput(
        "shape",
        "ppo_clip: logp_old of another shape",
        lambda: lb.ppo_clip(_z(2, 3), _z(3, 2), _z(2, 3)),
        ValueError,
        r"^logp_new and logp_old must have the same shape, got logp_new \(2, 3\) and logp_old \(3, 2\); lossbook never broadcasts$",
    ),
    BadInput(
        "shape",
        "ppo_clip: advantages with an extra dimension",
        lambda: lb.ppo_clip(_z(2, 3), _z(2, 3), _z(2, 3, 1)),
        ValueError,
        r"^logp_new and advantages must have the same shape, got logp_new \(2, 3\) and advantages \(2, 3, 1\); lossbook never broadcasts \(did you mean advantages\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "dtype",
        "ppo_clip: advantages given as a float",
        lambda: lb.ppo_clip(_z(2, 3), _z(2, 3), 1.0),
        TypeError,
        r"^advantages must be a torch\.Tensor, got float$",
    ),
    BadInput(
        "dtype",
        "ppo_clip: float32 and float64 mixed",
        lambda: lb.ppo_clip(_z(2, 3), _z(2, 3), _z(2, 3).double()),
        TypeError,
        r"^all inputs must have the same dtype, got logp_new torch\.float32, logp_old torch\.float32, advantages torch\.float64; cast them with \.to\(dtype\)$",
    ),
    BadInput(
        "shape",
        "sequence_logprob: 2-D logits",
        lambda: lb.sequence_logprob(_z(3, 4), _long0(3)),
        ValueError,
        r"^logits must be a 3-D tensor of shape \(N, L, V\), got shape \(3, 4\)$",
    ),
    BadInput(
        "dtype",
        "sequence_logprob: float labels",
        lambda: lb.sequence_logprob(_z(2, 3, 4), _z(2, 3)),
        TypeError,
        r"^labels must hold integer class indices \(torch\.long\), got dtype torch\.float32; convert with \.long\(\)$",
    ),
    BadInput(
        "shape",
        "sequence_logprob: labels shorter than the logits",
        lambda: lb.sequence_logprob(_z(2, 3, 4), _long0(2, 2)),
        ValueError,
        r"^labels must have shape \(2, 3\) \(logits' shape without the vocabulary dimension\), got \(2, 2\)$",
    ),
    BadInput(
        "labels",
        "sequence_logprob: a label equal to the vocabulary size",
        lambda: lb.sequence_logprob(_z(2, 3, 4), _long0(2, 3) + 4),
        ValueError,
        r"^labels must hold class indices in \[0, 3\] or ignore_index=-100, got values in \[4, 4\]$",
    ),
    BadInput(
        "labels",
        "sequence_logprob: a label of -1",
        lambda: lb.sequence_logprob(_z(2, 3, 4), _long0(2, 3) - 1),
        ValueError,
        r"^labels must hold class indices in \[0, 3\] or ignore_index=-100, got values in \[-1, -1\]$",
    ),
    BadInput(
        "shape",
        "sequence_logprob: a mask of another shape",
        lambda: lb.sequence_logprob(
            _z(2, 3, 4), _long0(2, 3), mask=torch.ones(2, 2, dtype=torch.bool)
        ),
        ValueError,
        r"^mask must have the shape of labels \(2, 3\), got \(2, 2\)$",
    ),
    BadInput(
        "labels",
        "sequence_logprob: a mask holding 2",
        lambda: lb.sequence_logprob(_z(2, 3, 4), _long0(2, 3), mask=torch.full((2, 3), 2)),
        ValueError,
        r"^mask must hold labels in \{0, 1\} \(1 = count the token; or pass a bool mask\), found values \[2\]$",
    ),
    BadInput(
        "hyper-parameter",
        "sequence_logprob: average given as an int",
        lambda: lb.sequence_logprob(_z(2, 3, 4), _long0(2, 3), average=1),
        TypeError,
        r"^average must be a bool \(True or False\), got int$",
    ),
    BadInput(
        "empty",
        "sequence_logprob: average=True over a row with no counted token",
        lambda: lb.sequence_logprob(
            _z(2, 3, 4), _long0(2, 3), mask=torch.tensor([[True] * 3, [False] * 3]), average=True
        ),
        ValueError,
        r"^average=True needs at least one counted token per sequence; rows \[1\] have none \(all masked or -100\)$",
    ),
    # --- LLM training today (tests/test_llm.py) ----------------------------------------------
    BadInput(
        "shape",
        "group_advantages: 1-D rewards",
        lambda: lb.group_advantages(_z(4)),
        ValueError,
        r"^rewards must be a 2-D tensor of shape \(B, G\), G answers per prompt, got shape \(4,\)$",
    ),
    BadInput(
        "shape",
        "group_advantages: one answer per prompt (G = 1)",
        lambda: lb.group_advantages(_z(4, 1)),
        ValueError,
        r"^rewards must hold G >= 2 answers per prompt \(shape \(B, G\)\), got shape \(4, 1\)$",
    ),
    BadInput(
        "hyper-parameter",
        "group_advantages: an unknown baseline",
        lambda: lb.group_advantages(_z(2, 4), baseline="median"),
        ValueError,
        r"^baseline must be one of \('mean', 'leave_one_out'\), got 'median'$",
    ),
    BadInput(
        "hyper-parameter",
        "group_advantages: an unknown scale",
        lambda: lb.group_advantages(_z(2, 4), scale="mad"),
        ValueError,
        r"^scale must be one of \('std', None\), got 'mad'$",
    ),
    BadInput(
        "hyper-parameter",
        "group_advantages: a negative eps",
        lambda: lb.group_advantages(_z(2, 4), eps=-1e-4),
        ValueError,
        r"^eps must be a finite number >= 0, got -0\.0001$",
    ),
    BadInput(
        "hyper-parameter",
        "kl_estimate: an unknown estimator",
        lambda: lb.kl_estimate(_z(3), _z(3), estimator="k4"),
        ValueError,
        r"^estimator must be one of \('k1', 'k2', 'k3'\), got 'k4'$",
    ),
    BadInput(
        "shape",
        "kl_estimate: per-token logp against per-sequence ref_logp",
        lambda: lb.kl_estimate(_z(3, 4), _z(3)),
        ValueError,
        r"^logp and ref_logp must have the same shape, got logp \(3, 4\) and ref_logp \(3,\); lossbook never broadcasts$",
    ),
    BadInput(
        "shape",
        "grpo: per-token advantages (B, T)",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3, 4), _mask()),
        ValueError,
        r"^advantages must be a 1-D tensor of shape \(B,\) = \(3,\), one per sequence, got shape \(3, 4\)$",
    ),
    BadInput(
        "shape",
        "grpo: per-sequence logp (B,)",
        lambda: lb.grpo(_z(3), _z(3), _z(3), _mask()),
        ValueError,
        r"^logp must be a 2-D tensor of shape \(B, T\), one entry per token, got shape \(3,\)$",
    ),
    BadInput(
        "shape",
        "grpo: mask shorter than logp",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3), _mask()[:, :3]),
        ValueError,
        r"^mask must have the shape of logp \(3, 4\), one entry per token, got \(3, 3\)$",
    ),
    BadInput(
        "shape",
        "grpo: ref_logp of another shape",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3), _mask(), ref_logp=_z(3, 3), beta=0.1),
        ValueError,
        r"^logp and ref_logp must have the same shape, got logp \(3, 4\) and ref_logp \(3, 3\); lossbook never broadcasts$",
    ),
    BadInput(
        "labels",
        "grpo: a mask of 0.5",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3), _half(3, 4)),
        ValueError,
        r"^mask must hold labels in \{0, 1\} \(1 = the token counts; or pass a bool mask\), found values \[0\.5\]$",
    ),
    BadInput(
        "hyper-parameter",
        "grpo: beta > 0 without ref_logp",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3), _mask(), beta=0.04),
        ValueError,
        r"^beta = 0\.04 > 0 needs ref_logp, the reference model's log-probs$",
    ),
    BadInput(
        "hyper-parameter",
        "grpo: an unknown normalize",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3), _mask(), normalize="seq"),
        ValueError,
        r"^normalize must be one of \('sequence', 'token', 'constant'\), got 'seq'$",
    ),
    BadInput(
        "hyper-parameter",
        "grpo: a zero clip_high",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3), _mask(), clip_high=0.0),
        ValueError,
        r"^clip_high must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "grpo: a negative beta",
        lambda: lb.grpo(_z(3, 4), _z(3, 4), _z(3), _mask(), beta=-0.1),
        ValueError,
        r"^beta must be a finite number >= 0, got -0\.1$",
    ),
    BadInput(
        "empty",
        "grpo: normalize='sequence' over an answer with no token",
        lambda: lb.grpo(_z(2, 4), _z(2, 4), _z(2), torch.tensor([[1, 1, 0, 0], [0, 0, 0, 0]])),
        ValueError,
        r"^normalize='sequence' needs at least one counted token per sequence; rows \[1\] of mask have none$",
    ),
    BadInput(
        "hyper-parameter",
        "simpo: a negative gamma",
        lambda: lb.simpo(_lp(), _lp(), gamma=-1.0),
        ValueError,
        r"^gamma must be a finite number >= 0, got -1\.0$",
    ),
    BadInput(
        "hyper-parameter",
        "simpo: a zero beta",
        lambda: lb.simpo(_lp(), _lp(), beta=0.0),
        ValueError,
        r"^beta must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "shape",
        "simpo: rejected given as (N, 1)",
        lambda: lb.simpo(_lp(), _lp().unsqueeze(-1)),
        ValueError,
        r"^policy_rejected_avg_logps must be a 1-D tensor of shape \(N,\), one value per sequence, got shape \(3, 1\) \(did you mean policy_rejected_avg_logps\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "shape",
        "lm_loss: labels shorter than logits",
        lambda: lb.lm_loss(_z(2, 5, 7), _long0(2, 4)),
        ValueError,
        r"^labels must have shape \(B, T\) = \(2, 5\), the shape of logits without the vocabulary dimension, got \(2, 4\)$",
    ),
    BadInput(
        "shape",
        "lm_loss: 2-D logits (no sequence dimension)",
        lambda: lb.lm_loss(_z(2, 7), _long0(2)),
        ValueError,
        r"^logits must be a 3-D tensor of shape \(B, T, V\), got shape \(2, 7\)$",
    ),
    BadInput(
        "shape",
        "lm_loss: shift=True with one position",
        lambda: lb.lm_loss(_z(2, 1, 7), _long0(2, 1)),
        ValueError,
        r"^shift=True needs at least 2 positions \(T >= 2\), got T = 1$",
    ),
    BadInput(
        "hyper-parameter",
        "lm_loss: num_items = 0",
        lambda: lb.lm_loss(_z(2, 5, 7), _long0(2, 5), num_items=0),
        ValueError,
        r"^num_items must be an int >= 1, got 0$",
    ),
    BadInput(
        "hyper-parameter",
        "lm_loss: num_items given as a float",
        lambda: lb.lm_loss(_z(2, 5, 7), _long0(2, 5), num_items=8.0),
        TypeError,
        r"^num_items must be an int, got float$",
    ),
    BadInput(
        "hyper-parameter",
        "lm_loss: a negative z_loss",
        lambda: lb.lm_loss(_z(2, 5, 7), _long0(2, 5), z_loss=-1e-4),
        ValueError,
        r"^z_loss must be a finite number >= 0, got -0\.0001$",
    ),
    BadInput(
        "hyper-parameter",
        "lm_loss: shift given as a string",
        lambda: lb.lm_loss(_z(2, 5, 7), _long0(2, 5), shift="yes"),
        TypeError,
        r"^shift must be a bool \(True or False\), got str 'yes'$",
    ),
    BadInput(
        "labels",
        "lm_loss: a token id outside the vocabulary",
        lambda: lb.lm_loss(_z(2, 5, 7), torch.full((2, 5), 7)),
        ValueError,
        r"^labels must hold class indices in \[0, 6\] or ignore_index=-100, got values in \[7, 7\]$",
    ),
    BadInput(
        "dtype",
        "lm_loss: float labels",
        lambda: lb.lm_loss(_z(2, 5, 7), _z(2, 5)),
        TypeError,
        r"^labels must hold integer class indices \(torch\.long\), got dtype torch\.float32; convert with \.long\(\)$",
    ),
    BadInput(
        "empty",
        "lm_loss: every label ignored",
        lambda: lb.lm_loss(_z(2, 5, 7), torch.full((2, 5), -100)),
        ValueError,
        r"^cannot average a loss over an empty batch \(per-element losses of shape \(2, 4\); all 8 elements have weight 0 \(e\.g\. every target is ignore_index\)\); use reduction='sum' \(which gives 0\) or check the inputs$",
    ),
    BadInput(
        "shape",
        "kwise_ranking: one answer per prompt (K = 1)",
        lambda: lb.kwise_ranking(_z(3, 1)),
        ValueError,
        r"^rewards must rank K >= 2 answers per prompt \(shape \(B, K\)\), got shape \(3, 1\)$",
    ),
    BadInput(
        "shape",
        "kwise_ranking: 1-D rewards",
        lambda: lb.kwise_ranking(_z(3)),
        ValueError,
        r"^rewards must be a 2-D tensor of shape \(B, K\), best answer first, got shape \(3,\)$",
    ),
    # --- listwise ranking (tests/test_ranking.py) -------------------------------------------
    BadInput(
        "shape",
        "listnet: one list given as a 1-D tensor",
        lambda: lb.listnet(_z(4), _z(4)),
        ValueError,
        r"^scores must have shape \(N, K\), N lists of K items, got shape \(4,\) \(did you mean scores\.unsqueeze\(0\) for one list\?\)$",
    ),
    BadInput(
        "shape",
        "listmle: scores of shape (N, K, 1)",
        lambda: lb.listmle(_z(2, 3, 1), _z(2, 3, 1)),
        ValueError,
        r"^scores must have shape \(N, K\), N lists of K items, got shape \(2, 3, 1\) \(did you mean scores\.squeeze\(-1\)\?\)$",
    ),
    BadInput(
        "shape",
        "listmle: scores and relevance of different shapes",
        lambda: lb.listmle(_z(2, 4), _z(2, 3)),
        ValueError,
        r"^scores and relevance must have the same shape, got scores \(2, 4\) and relevance \(2, 3\); lossbook never broadcasts$",
    ),
    BadInput(
        "dtype",
        "listnet: integer relevance",
        lambda: lb.listnet(_z(2, 3), _long0(2, 3)),
        TypeError,
        r"^relevance must have a floating-point dtype, got torch\.int64; convert with relevance\.float\(\)$",
    ),
    BadInput(
        "dtype",
        "listmle: float64 scores with float32 relevance",
        lambda: lb.listmle(_z(2, 3).double(), _z(2, 3)),
        TypeError,
        r"^scores and relevance must have the same dtype, got scores torch\.float64, relevance torch\.float32; cast them with \.to\(dtype\)$",
    ),
    BadInput(
        "hyper-parameter",
        "listnet: a zero temperature",
        lambda: lb.listnet(_z(2, 3), _z(2, 3), temperature=0.0),
        ValueError,
        r"^temperature must be a finite number > 0, got 0\.0$",
    ),
    BadInput(
        "empty",
        "listmle: no lists",
        lambda: lb.listmle(_z(0, 3), _z(0, 3)),
        ValueError,
        r"^scores must not be empty, got shape \(0, 3\)$",
    ),
    BadInput(
        "reduction",
        "listnet: torch's 'batchmean'",
        lambda: lb.listnet(_z(2, 3), _z(2, 3), reduction="batchmean"),
        ValueError,
        r"^reduction must be one of \('mean', 'sum', 'none'\), got 'batchmean'$",
    ),
]

# The table (and the test ids) go category by category; within one, in the order above.
CATEGORIES = (
    "shape",
    "dtype",
    "labels",
    "probabilities",
    "hyper-parameter",
    "reduction",
    "empty",
    "device",
    "NaN",
    "accepted",
)
RULES.sort(key=lambda row: CATEGORIES.index(row.category))
