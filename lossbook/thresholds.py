"""Decision thresholds: turn a calibrated score into the decision a metric rewards.

A proper loss (cross-entropy) trains a model whose scores are probabilities; a metric such
as F1 is then maximised by a *decision rule* on those probabilities, not by another loss
(chapter 12; chapter 15's guide). :func:`tune_threshold` picks that rule's threshold on
held-out data -- and refuses to when the held-out data are too few to tell thresholds apart.

>>> import torch
>>> probs = torch.tensor([0.1, 0.2, 0.35, 0.4, 0.6, 0.8], dtype=torch.float64)
>>> labels = torch.tensor([0, 0, 1, 0, 1, 1])
>>> choice = tune_threshold(probs, labels, min_positives=1)
>>> choice.threshold, round(choice.score, 3)  # 1 above 0.275: TP 3, FP 1, FN 0; 6/7
(0.275, 0.857)

Why a minimum number of positives: F1 at a threshold is estimated from the positives
near it. With 4 validation positives, moving the threshold past one of them changes F1
by a quarter of its range, so the "best" threshold is the one that happens to fit those
four -- on new data it does worse than not tuning at all (chapter 12 measures it). Below
``min_positives`` the function keeps ``fallback`` (0.5 by default, the Bayes rule for
accuracy of a calibrated model) and says why in :attr:`ThresholdChoice.note`. Better
options then: tune on out-of-fold predictions of the training set (cross-validation), or
collect more validation data.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .checks import check_binary_labels, check_int, check_open_interval, check_tensor

__all__ = ["METRICS", "ThresholdChoice", "f1_at", "tune_threshold"]

#: The metrics :func:`tune_threshold` can maximise.
METRICS = ("f1", "accuracy", "balanced_accuracy")


@dataclass(frozen=True)
class ThresholdChoice:
    """The threshold :func:`tune_threshold` chose, the metric there, and how it chose."""

    threshold: float
    score: float  # the metric at ``threshold`` on the data it was chosen on
    positives: int
    tuned: bool  # False: too few positives, ``fallback`` kept
    note: str

    def __float__(self) -> float:
        return self.threshold


def _counts(probs: Tensor, labels: Tensor, threshold: float) -> tuple[float, float, float, float]:
    predicted = probs > threshold
    positive = labels.bool()
    tp = (predicted & positive).sum().item()
    fp = (predicted & ~positive).sum().item()
    fn = (~predicted & positive).sum().item()
    tn = (~predicted & ~positive).sum().item()
    return tp, fp, fn, tn


def _metric(name: str, tp: float, fp: float, fn: float, tn: float) -> float:
    if name == "f1":
        return 2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 1.0
    if name == "accuracy":
        return (tp + tn) / (tp + fp + fn + tn)
    recall = tp / (tp + fn) if tp + fn else 1.0
    specificity = tn / (tn + fp) if tn + fp else 1.0
    return (recall + specificity) / 2


def _metric_tensor(name: str, tp: Tensor, fp: Tensor, fn: Tensor, tn: Tensor) -> Tensor:
    """:func:`_metric` for every candidate threshold at once."""
    if name == "f1":
        denominator = 2 * tp + fp + fn
        return torch.where(denominator > 0, 2 * tp / denominator.clamp_min(1), 1.0)
    if name == "accuracy":
        return (tp + tn) / (tp + fp + fn + tn)
    recall = torch.where(tp + fn > 0, tp / (tp + fn).clamp_min(1), 1.0)
    specificity = torch.where(tn + fp > 0, tn / (tn + fp).clamp_min(1), 1.0)
    return (recall + specificity) / 2


def f1_at(probs: Tensor, labels: Tensor, threshold: float) -> float:
    """F1 of the decisions ``probs > threshold`` against 0/1 ``labels``."""
    return _metric("f1", *_counts(probs, labels, threshold))


def tune_threshold(
    probs: Tensor,
    labels: Tensor,
    *,
    metric: str = "f1",
    min_positives: int = 20,
    fallback: float = 0.5,
) -> ThresholdChoice:
    """The threshold on ``probs`` that maximises ``metric`` on these (held-out) data.

    Candidates are the midpoints between consecutive distinct scores (and the ends), so
    the search is exact: no grid can miss the best split. Ties go to the threshold
    closest to ``fallback``. With fewer than ``min_positives`` positive labels, no
    threshold is tuned: ``fallback`` is returned with ``tuned=False`` and a note.

    Args:
        probs: scores, shape ``(N,)`` -- predicted probabilities of the positive class
            (any monotone score works, but then choose ``fallback`` accordingly).
        labels: 0/1 labels, shape ``(N,)``; use a validation split, never the training set.
        metric: one of :data:`METRICS`.
        min_positives: fewer positives than this and the data cannot choose a threshold.
        fallback: the threshold kept then, in (0, 1).

    Returns:
        A :class:`ThresholdChoice` (``float(choice)`` is the threshold).
    """
    check_tensor("probs", probs)
    if not isinstance(labels, Tensor):
        raise TypeError(f"labels must be a torch.Tensor, got {type(labels).__name__}")
    if probs.ndim != 1 or labels.shape != probs.shape:
        raise ValueError(
            f"probs and labels must both have shape (N,), got probs {tuple(probs.shape)} "
            f"and labels {tuple(labels.shape)}"
        )
    check_binary_labels("labels", labels.to(probs.dtype))
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    min_positives = check_int("min_positives", min_positives, low=1)
    fallback = check_open_interval("fallback", fallback, 0.0, 1.0)
    probs, labels = probs.detach().double().cpu(), labels.detach().cpu()
    positives = int(labels.sum().item())
    if positives < min_positives:
        score = _metric(metric, *_counts(probs, labels, fallback))
        note = (
            f"only {positives} positive label(s), fewer than min_positives={min_positives}: "
            f"a threshold tuned on them fits their noise; kept {fallback:g}. Tune on "
            "cross-validated predictions of the training set, or on more held-out data."
        )
        return ThresholdChoice(fallback, score, positives, False, note)
    # every distinct split at once: candidate j predicts positive for the values above it
    values, index = torch.unique(probs, return_inverse=True)  # sorted ascending
    positive_at = torch.bincount(index, weights=labels.double(), minlength=len(values))
    negative_at = torch.bincount(index, minlength=len(values)).double() - positive_at
    zero = positive_at.new_zeros(1)
    tp = torch.cat([positive_at.flip(0).cumsum(0).flip(0), zero])  # (k + 1,) candidates
    fp = torch.cat([negative_at.flip(0).cumsum(0).flip(0), zero])
    fn, tn = positive_at.sum() - tp, negative_at.sum() - fp
    candidates = torch.cat([values[:1] - 1e-12, (values[1:] + values[:-1]) / 2, values[-1:]])
    scores = _metric_tensor(metric, tp, fp, fn, tn)
    best_score = scores.max()
    tied = (scores >= best_score - 1e-12).nonzero().flatten()
    pick = tied[(candidates[tied] - fallback).abs().argmin()]
    best = (candidates[pick].item(), scores[pick].item())
    threshold = round(best[0], 12)
    note = f"maximises {metric} on {len(probs)} examples with {positives} positives"
    return ThresholdChoice(threshold, best[1], positives, True, note)
