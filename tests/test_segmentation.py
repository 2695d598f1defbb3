"""Tests for lossbook.segmentation: dice and dice_cross_entropy.

References: published test vectors from MONAI's DiceLoss tests
(Project-MONAI/MONAI, tests/losses/test_dice_loss.py, cases with
``smooth_nr == smooth_dr``, which is our ``eps``), float64 NumPy transcriptions
of the formulas written below with plain loops, and torch.nn.functional.cross_entropy.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce
from torch.autograd import gradcheck

from lossbook.segmentation import dice, dice_cross_entropy

# ---------------------------------------------------------------- NumPy references


def np_dice(probs: np.ndarray, target: np.ndarray, eps: float) -> np.ndarray:
    """(N, C) soft Dice losses 1 − (2Σpy + ε)/(Σp + Σy + ε), sums over spatial positions."""
    probs = np.asarray(probs, dtype=np.float64)
    target = np.asarray(target, dtype=np.float64)
    n, c = probs.shape[:2]
    out = np.zeros((n, c))
    for i in range(n):
        for k in range(c):
            inter = sp = sy = 0.0
            for p, y in zip(probs[i, k].ravel(), target[i, k].ravel(), strict=True):
                inter += p * y
                sp += p
                sy += y
            out[i, k] = 1.0 - (2.0 * inter + eps) / (sp + sy + eps)
    return out


def np_dice_cross_entropy(
    logits: np.ndarray, target: np.ndarray, dice_weight: float, ce_weight: float, eps: float
) -> np.ndarray:
    """(N,) per-sample w_dice · mean_c dice + w_ce · mean over pixels of −log softmax_y."""
    logits = np.asarray(logits, dtype=np.float64)
    n, c = logits.shape[:2]
    flat = logits.reshape(n, c, -1)
    labels = np.asarray(target).reshape(n, -1)
    pixels = flat.shape[2]
    probs = np.zeros_like(flat)
    one_hot = np.zeros_like(flat)
    ce = np.zeros(n)
    for i in range(n):
        for j in range(pixels):
            z = flat[i, :, j]
            log_norm = z.max() + math.log(sum(math.exp(v - z.max()) for v in z))
            for k in range(c):
                probs[i, k, j] = math.exp(z[k] - log_norm)
            one_hot[i, labels[i, j], j] = 1.0
            ce[i] += (log_norm - z[labels[i, j]]) / pixels
    dice_n = np_dice(probs, one_hot, eps).mean(axis=1)
    return dice_weight * dice_n + ce_weight * ce


def one_hot(labels: torch.Tensor, num_classes: int) -> torch.Tensor:
    return F.one_hot(labels, num_classes).movedim(-1, 1).float()


# ---------------------------------------------------------------- dice: published vectors
# Project-MONAI/MONAI, tests/losses/test_dice_loss.py (DiceLoss with sigmoid/softmax applied
# to the input, include_background=True, smooth_nr = smooth_dr = eps).

MONAI_SIGMOID_CASES = [
    # (1, 1, 2, 2), smooth 1e-6
    (
        [[[[1.0, -1.0], [-1.0, 1.0]]]],
        [[[[1.0, 0.0], [1.0, 1.0]]]],
        1e-6,
        0.307576,
    ),
    # (2, 1, 2, 2), smooth 1e-4
    (
        [[[[1.0, -1.0], [-1.0, 1.0]]], [[[1.0, -1.0], [-1.0, 1.0]]]],
        [[[[1.0, 1.0], [1.0, 1.0]]], [[[1.0, 0.0], [1.0, 0.0]]]],
        1e-4,
        0.416657,
    ),
]

MONAI_LOGITS = [[[-1.0, 0.0, 1.0], [1.0, 0.0, -1.0]], [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]]
MONAI_LABELS = [[1, 0, 0], [1, 1, 0]]  # MONAI's (2, 1, 3) target, one-hot with to_onehot_y


@pytest.mark.parametrize(("logits", "target", "eps", "expected"), MONAI_SIGMOID_CASES)
def test_dice_monai_sigmoid_vectors(device, logits, target, eps, expected):
    probs = torch.sigmoid(torch.tensor(logits, device=device))
    out = dice(probs, torch.tensor(target, device=device), eps=eps)
    assert out.item() == pytest.approx(expected, rel=1e-5)


def test_dice_monai_one_hot_sigmoid_vectors(device):
    probs = torch.sigmoid(torch.tensor(MONAI_LOGITS, device=device))
    target = one_hot(torch.tensor(MONAI_LABELS, device=device), 2)
    assert dice(probs, target, eps=1e-4).item() == pytest.approx(0.435050, rel=1e-5)
    # MONAI returns (N, C, 1) for reduction="none"; ours is (N, C).
    expected_none = torch.tensor([[0.296529, 0.415136], [0.599976, 0.428559]], device=device)
    torch.testing.assert_close(
        dice(probs, target, eps=1e-4, reduction="none"), expected_none, rtol=1e-5, atol=1e-6
    )


def test_dice_monai_softmax_vectors(device):
    probs = torch.softmax(torch.tensor(MONAI_LOGITS, device=device), dim=1)
    target = one_hot(torch.tensor(MONAI_LABELS, device=device), 2)
    assert dice(probs, target, eps=1e-4).item() == pytest.approx(0.383713, rel=1e-5)
    assert dice(probs, target, eps=1e-4, reduction="sum").item() == pytest.approx(
        1.534853, rel=1e-5
    )


# ---------------------------------------------------------------- dice: NumPy and edge cases


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(2, 3), (2, 3, 5), (2, 3, 4, 5), (1, 2, 3, 3, 2)])
def test_dice_matches_numpy(device, reduction, shape):
    probs = torch.rand(shape, dtype=torch.float64, device=device)
    target = (torch.rand(shape, dtype=torch.float64, device=device) > 0.5).double()
    ours = dice(probs, target, eps=1e-3, reduction=reduction)
    ref = np_reduce(np_dice(probs.cpu().numpy(), target.cpu().numpy(), 1e-3), reduction)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours.cpu().numpy(), ref, rtol=1e-12, atol=1e-14)


def test_dice_soft_targets_match_numpy(device):
    probs = torch.rand(2, 2, 6, dtype=torch.float64, device=device)
    target = torch.rand(2, 2, 6, dtype=torch.float64, device=device)
    ref = np_dice(probs.cpu().numpy(), target.cpu().numpy(), 1e-6)
    np.testing.assert_allclose(dice(probs, target, reduction="none").cpu().numpy(), ref)


def test_dice_perfect_and_disjoint_masks(device):
    mask = torch.tensor([[[1.0, 1.0, 0.0, 0.0]]], device=device)
    assert dice(mask, mask).item() == pytest.approx(0.0, abs=1e-6)
    assert dice(1.0 - mask, mask).item() == pytest.approx(1.0, abs=1e-6)


def test_dice_empty_prediction_and_target_is_zero_with_finite_gradient(device):
    probs = torch.zeros(2, 3, 4, 4, device=device, requires_grad=True)
    target = torch.zeros(2, 3, 4, 4, device=device)
    out = dice(probs, target, reduction="none")
    assert torch.equal(out, torch.zeros(2, 3, device=device))  # eps/eps = 1
    out.sum().backward()
    assert torch.isfinite(probs.grad).all()


def test_dice_probabilities_zero_and_one_finite(device):
    probs = torch.tensor([[[0.0, 1.0, 1.0, 0.0]]], device=device, requires_grad=True)
    target = torch.tensor([[[1.0, 0.0, 1.0, 0.0]]], device=device)
    out = dice(probs, target)
    out.backward()
    assert torch.isfinite(out) and torch.isfinite(probs.grad).all()
    assert out.item() == pytest.approx(
        float(np_dice([[[0, 1, 1, 0]]], [[[1, 0, 1, 0]]], 1e-6)[0, 0])
    )


def test_dice_keeps_dtype_and_device(device):
    out = dice(torch.rand(2, 2, 3, device=device), torch.ones(2, 2, 3, device=device))
    assert out.dtype == torch.float32 and out.device.type == device.type


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_dice_gradcheck(device, reduction):
    probs = torch.rand(2, 3, 4, dtype=torch.float64, device=device, requires_grad=True)
    target = (torch.rand(2, 3, 4, dtype=torch.float64, device=device) > 0.5).double()
    assert gradcheck(lambda p: dice(p, target, eps=1e-2, reduction=reduction), (probs,))


# Bad inputs (dice, dice_cross_entropy) are rows of the matrix, tests/bad_inputs.py.


# ---------------------------------------------------------------- dice_cross_entropy


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", [(1.0, 1.0), (0.3, 2.0), (0.0, 1.0), (1.0, 0.0)])
def test_dice_cross_entropy_matches_numpy(device, reduction, weights):
    logits = torch.randn(3, 4, 5, 2, dtype=torch.float64, device=device)
    target = torch.randint(0, 4, (3, 5, 2), device=device)
    dw, cw = weights
    ours = dice_cross_entropy(logits, target, dice_weight=dw, ce_weight=cw, reduction=reduction)
    ref = np_reduce(
        np_dice_cross_entropy(logits.cpu().numpy(), target.cpu().numpy(), dw, cw, 1e-6),
        reduction,
    )
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours.cpu().numpy(), ref, rtol=1e-10, atol=1e-12)


def test_dice_cross_entropy_mean_is_weighted_sum_of_the_two_means(device):
    logits = torch.randn(2, 3, 4, 4, dtype=torch.float64, device=device)
    target = torch.randint(0, 3, (2, 4, 4), device=device)
    ours = dice_cross_entropy(logits, target, dice_weight=0.7, ce_weight=1.3)
    ref = 0.7 * dice(logits.softmax(1), one_hot(target, 3).double()) + 1.3 * F.cross_entropy(
        logits, target
    )
    torch.testing.assert_close(ours, ref)
    none = dice_cross_entropy(logits, target, reduction="none")
    assert none.shape == (2,)
    torch.testing.assert_close(dice_cross_entropy(logits, target, reduction="sum"), none.sum())


def test_dice_cross_entropy_without_spatial_dims(device):
    logits = torch.randn(5, 3, dtype=torch.float64, device=device)
    target = torch.randint(0, 3, (5,), device=device)
    ref = np_dice_cross_entropy(logits.cpu().numpy(), target.cpu().numpy(), 1.0, 1.0, 1e-6)
    out = dice_cross_entropy(logits, target, reduction="none")
    np.testing.assert_allclose(out.cpu().numpy(), ref, rtol=1e-10)


def test_dice_cross_entropy_extreme_logits_finite(device):
    logits = torch.tensor(
        [[[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]]], device=device, requires_grad=True
    )  # (1, 2, 3)
    target = torch.tensor([[1, 1, 0]], device=device)
    out = dice_cross_entropy(logits, target)
    out.backward()
    assert torch.isfinite(out) and torch.isfinite(logits.grad).all()


def test_dice_cross_entropy_keeps_dtype_and_device(device):
    out = dice_cross_entropy(
        torch.randn(2, 3, 4, device=device), torch.zeros(2, 4, dtype=torch.long, device=device)
    )
    assert out.dtype == torch.float32 and out.device.type == device.type


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_dice_cross_entropy_gradcheck(device, reduction):
    logits = torch.randn(2, 3, 4, dtype=torch.float64, device=device, requires_grad=True)
    target = torch.randint(0, 3, (2, 4), device=device)
    assert gradcheck(lambda z: dice_cross_entropy(z, target, reduction=reduction), (logits,))
