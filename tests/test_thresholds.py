"""lossbook.thresholds.tune_threshold: exact search, the Bayes rules it should recover, and the
refusal to tune on too few positives."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lossbook.thresholds import f1_at, tune_threshold


def _f1_numpy(p: np.ndarray, y: np.ndarray, t: float) -> float:
    pred = p > t
    tp, fp, fn = np.sum(pred & (y == 1)), np.sum(pred & (y == 0)), np.sum(~pred & (y == 1))
    return 2 * tp / (2 * tp + fp + fn)


def test_the_search_is_exact_against_a_fine_numpy_grid():
    rng = np.random.default_rng(0)
    p = rng.uniform(size=300)
    y = (rng.uniform(size=300) < p).astype(np.int64)
    choice = tune_threshold(torch.from_numpy(p), torch.from_numpy(y))
    grid = max(_f1_numpy(p, y, t) for t in np.linspace(0, 1, 20001))
    assert choice.tuned and choice.positives == int(y.sum())
    assert choice.score == pytest.approx(grid, abs=1e-12)  # no grid point does better
    assert _f1_numpy(p, y, choice.threshold) == pytest.approx(choice.score, abs=1e-12)
    assert f1_at(torch.from_numpy(p), torch.from_numpy(y), choice.threshold) == choice.score


def test_calibrated_probabilities_recover_the_bayes_thresholds():
    """Accuracy: 1/2 (the Bayes rule). F1: F1*/2 (Lipton et al. 2014, calibrated scores)."""
    rng = np.random.default_rng(1)
    p = rng.beta(0.5, 4.0, size=200_000)  # imbalanced, calibrated by construction
    y = torch.from_numpy((rng.uniform(size=p.size) < p).astype(np.int64))
    probs = torch.from_numpy(p)
    accuracy = tune_threshold(probs, y, metric="accuracy")
    assert accuracy.threshold == pytest.approx(0.5, abs=0.03)
    f1 = tune_threshold(probs, y)
    assert f1.threshold == pytest.approx(f1.score / 2, abs=0.02)


def test_too_few_positives_keep_the_fallback_and_say_why():
    probs = torch.tensor([0.1, 0.9, 0.4, 0.3, 0.2], dtype=torch.float64)
    labels = torch.tensor([0, 1, 1, 0, 0])
    choice = tune_threshold(probs, labels)  # 2 positives < 20
    assert not choice.tuned and choice.threshold == 0.5 and float(choice) == 0.5
    assert choice.note.startswith("only 2 positive label(s), fewer than min_positives=20")
    assert choice.score == pytest.approx(2 / 3)  # F1 at 0.5: TP 1, FN 1
    assert tune_threshold(probs, labels, min_positives=2, fallback=0.35).tuned


def test_balanced_accuracy_and_ties_prefer_the_fallback():
    probs = torch.tensor([0.1, 0.2, 0.8, 0.9], dtype=torch.float64)
    labels = torch.tensor([0, 0, 1, 1])
    choice = tune_threshold(probs, labels, metric="balanced_accuracy", min_positives=1)
    assert choice.score == 1.0 and choice.threshold == 0.5  # every t in (0.2, 0.8) is perfect


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: tune_threshold(torch.rand(4), torch.ones(3)),
            ValueError,
            r"^probs and labels must both have shape \(N,\), got probs \(4,\) and labels \(3,\)$",
        ),
        (
            lambda: tune_threshold(torch.rand(4, 1), torch.ones(4, 1)),
            ValueError,
            r"^probs and labels must both have shape \(N,\)",
        ),
        (
            lambda: tune_threshold(torch.rand(3), torch.tensor([0, 2, 1])),
            ValueError,
            r"^labels must",
        ),
        (
            lambda: tune_threshold(torch.rand(3), [0, 1, 1]),
            TypeError,
            r"^labels must be a torch\.Tensor, got list$",
        ),
        (
            lambda: tune_threshold(torch.rand(3), torch.ones(3), metric="auc"),
            ValueError,
            r"^metric must be one of \('f1', 'accuracy', 'balanced_accuracy'\), got 'auc'$",
        ),
        (
            lambda: tune_threshold(torch.rand(3), torch.ones(3), fallback=1.0),
            ValueError,
            r"^fallback must lie in the open interval",
        ),
        (
            lambda: tune_threshold(torch.rand(3), torch.ones(3), min_positives=0),
            ValueError,
            r"^min_positives must be",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(call, error, message):
    with pytest.raises(error, match=message):
        call()
