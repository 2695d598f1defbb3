"""Classification losses against torch built-ins and float64 NumPy transcriptions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce

import lossbook as lb


# --- float64 NumPy references ----------------------------------------------------
def np_sigmoid_focal(z, y, alpha, gamma):
    """Lin et al. (2017), eq. 5, transcribed with probabilities (fine for moderate z)."""
    p = 1.0 / (1.0 + np.exp(-z))
    p_t = np.where(y == 1, p, 1 - p)
    alpha_t = 1.0 if alpha is None else np.where(y == 1, alpha, 1 - alpha)
    return -alpha_t * (1 - p_t) ** gamma * np.log(p_t)


def np_softmax_focal(z, y, gamma, alpha):
    z = z - z.max(axis=1, keepdims=True)
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    p_y = p[np.arange(len(y)), y]
    a = 1.0 if alpha is None else alpha[y]
    return -a * (1 - p_y) ** gamma * np.log(p_y)


def np_hinge(s, y, margin, power):
    return np.maximum(0.0, margin - y * s) ** power


# --- cross-entropy ---------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.15])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2, 5)], ids=["NC", "NCHW"])
def test_cross_entropy_indices_match_torch(shape, weighted, label_smoothing, reduction, device):
    logits = (3 * torch.randn(shape, dtype=torch.float64, device=device)).requires_grad_()
    target = torch.randint(0, shape[1], shape[:1] + shape[2:], device=device)
    target.view(-1)[0] = -100  # one ignored element
    weight = torch.rand(shape[1], dtype=torch.float64, device=device) if weighted else None
    kwargs = dict(weight=weight, label_smoothing=label_smoothing, reduction=reduction)
    ours = lb.cross_entropy(logits, target, **kwargs)
    theirs = F.cross_entropy(logits, target, **kwargs)
    torch.testing.assert_close(ours, theirs, rtol=1e-6, atol=1e-12)
    g1 = torch.autograd.grad(ours.sum(), logits)[0]
    g2 = torch.autograd.grad(theirs.sum(), logits)[0]
    torch.testing.assert_close(g1, g2, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("label_smoothing", [0.0, 0.1])
def test_cross_entropy_probabilities_match_torch(label_smoothing, reduction, device):
    logits = torch.randn(5, 3, dtype=torch.float64, device=device, requires_grad=True)
    target = torch.softmax(torch.randn(5, 3, dtype=torch.float64, device=device), dim=1)
    weight = torch.tensor([0.2, 1.0, 3.0], dtype=torch.float64, device=device)
    kw = dict(weight=weight, label_smoothing=label_smoothing, reduction=reduction)
    torch.testing.assert_close(
        lb.cross_entropy(logits, target, **kw), F.cross_entropy(logits, target, **kw)
    )


def test_cross_entropy_gradient_is_softmax_minus_onehot(device):
    """The identity chapter 4 teaches: d CE / d logits = p - y."""
    logits = torch.randn(4, 5, dtype=torch.float64, device=device, requires_grad=True)
    target = torch.tensor([0, 3, 1, 4], device=device)
    (grad,) = torch.autograd.grad(lb.cross_entropy(logits, target, reduction="sum"), logits)
    expected = torch.softmax(logits.detach(), 1) - F.one_hot(target, 5).double()
    torch.testing.assert_close(grad, expected)


# --- binary cross-entropy --------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_matches_torch(reduction, device):
    probs = torch.rand(4, 3, dtype=torch.float64, device=device).requires_grad_()
    target = torch.rand(4, 3, dtype=torch.float64, device=device)  # soft labels allowed
    weight = torch.rand(3, dtype=torch.float64, device=device)
    for w in (None, weight):
        ours = lb.binary_cross_entropy(probs, target, weight=w, reduction=reduction)
        theirs = F.binary_cross_entropy(probs, target, weight=w, reduction=reduction)
        torch.testing.assert_close(ours, theirs)


def test_bce_probabilities_exactly_zero_and_one(device):
    """log is clamped at -100 as in PyTorch: p=0 with y=1 costs exactly 100, not inf."""
    probs = torch.tensor([0.0, 1.0, 0.0, 1.0], device=device, requires_grad=True)
    target = torch.tensor([1.0, 0.0, 0.0, 1.0], device=device)
    ours = lb.binary_cross_entropy(probs, target, reduction="none")
    torch.testing.assert_close(ours, F.binary_cross_entropy(probs, target, reduction="none"))
    torch.testing.assert_close(ours, torch.tensor([100.0, 100.0, 0.0, 0.0], device=device))
    (grad,) = torch.autograd.grad(ours.sum(), probs)
    assert torch.isfinite(grad).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_bce_with_logits_matches_torch(reduction, device):
    logits = (5 * torch.randn(6, 3, dtype=torch.float64, device=device)).requires_grad_()
    target = torch.randint(0, 2, (6, 3), device=device).double()
    pos_weight = torch.tensor([1.0, 3.0, 0.5], dtype=torch.float64, device=device)
    weight = torch.rand(6, 3, dtype=torch.float64, device=device)
    for kw in ({}, {"pos_weight": pos_weight}, {"weight": weight, "pos_weight": pos_weight}):
        ours = lb.binary_cross_entropy_with_logits(logits, target, reduction=reduction, **kw)
        theirs = F.binary_cross_entropy_with_logits(logits, target, reduction=reduction, **kw)
        torch.testing.assert_close(ours, theirs)
        g1 = torch.autograd.grad(ours.sum(), logits)[0]
        g2 = torch.autograd.grad(theirs.sum(), logits)[0]
        torch.testing.assert_close(g1, g2)


# --- focal -----------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("alpha", [None, 0.25])
def test_sigmoid_focal_matches_numpy(alpha, gamma, reduction, device):
    logits = 3 * torch.randn(5, 4, dtype=torch.float64, device=device)
    target = torch.randint(0, 2, (5, 4), device=device).double()
    ours = lb.sigmoid_focal(logits, target, alpha=alpha, gamma=gamma, reduction=reduction)
    ref = np_sigmoid_focal(logits.cpu().numpy(), target.cpu().numpy(), alpha, gamma)
    np.testing.assert_allclose(ours.cpu().numpy(), np_reduce(ref, reduction), rtol=1e-6)


def test_sigmoid_focal_gamma0_no_alpha_is_bce(device):
    logits = torch.randn(7, dtype=torch.float64, device=device)
    target = torch.randint(0, 2, (7,), device=device).double()
    torch.testing.assert_close(
        lb.sigmoid_focal(logits, target, alpha=None, gamma=0.0),
        F.binary_cross_entropy_with_logits(logits, target),
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("with_alpha", [False, True])
def test_softmax_focal_matches_numpy(with_alpha, gamma, reduction, device):
    logits = 3 * torch.randn(6, 4, dtype=torch.float64, device=device)
    target = torch.randint(0, 4, (6,), device=device)
    alpha = torch.tensor([0.1, 0.2, 0.3, 0.4], dtype=torch.float64, device=device)
    a = alpha if with_alpha else None
    ours = lb.softmax_focal(logits, target, gamma=gamma, alpha=a, reduction=reduction)
    ref = np_softmax_focal(
        logits.cpu().numpy(),
        target.cpu().numpy(),
        gamma,
        alpha.cpu().numpy() if a is not None else None,
    )
    np.testing.assert_allclose(ours.cpu().numpy(), np_reduce(ref, reduction), rtol=1e-6)


def test_softmax_focal_gamma0_is_cross_entropy(device):
    logits = torch.randn(3, 5, 2, 2, dtype=torch.float64, device=device)
    target = torch.randint(0, 5, (3, 2, 2), device=device)
    torch.testing.assert_close(
        lb.softmax_focal(logits, target, gamma=0.0), F.cross_entropy(logits, target)
    )


@pytest.mark.parametrize("gamma", [0.0, 0.5, 2.0])
def test_focal_saturated_logits_finite(gamma, device):
    """Logits of ±1e4 in float32: finite values and gradients for every gamma."""
    z = torch.tensor([1e4, -1e4, 1e4, -1e4], device=device, requires_grad=True)
    y = torch.tensor([1.0, 0.0, 0.0, 1.0], device=device)
    value = lb.sigmoid_focal(z, y, gamma=gamma)
    (grad,) = torch.autograd.grad(value, z)
    assert torch.isfinite(value) and torch.isfinite(grad).all()
    logits = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], device=device, requires_grad=True)
    for target in (torch.tensor([0, 1], device=device), torch.tensor([2, 0], device=device)):
        value = lb.softmax_focal(logits, target, gamma=gamma)
        (grad,) = torch.autograd.grad(value, logits)
        assert torch.isfinite(value) and torch.isfinite(grad).all()


# --- hinge -----------------------------------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(("loss", "power"), [(lb.hinge, 1), (lb.squared_hinge, 2)])
@pytest.mark.parametrize("margin", [1.0, 0.5])
def test_hinge_matches_numpy(loss, power, margin, reduction, device):
    scores = 2 * torch.randn(10, dtype=torch.float64, device=device)
    target = torch.randint(0, 2, (10,), device=device) * 2 - 1
    ours = loss(scores, target, margin=margin, reduction=reduction)
    ref = np_hinge(scores.cpu().numpy(), target.cpu().numpy(), margin, power)
    np.testing.assert_allclose(ours.cpu().numpy(), np_reduce(ref, reduction), rtol=1e-7)


def test_hinge_matches_torch_multi_margin_for_two_classes(device):
    """F.multi_margin_loss with classes (-s/2, s/2) is the binary hinge with margin 1."""
    s = torch.randn(8, dtype=torch.float64, device=device)
    y = torch.randint(0, 2, (8,), device=device)
    scores_2class = torch.stack([-s / 2, s / 2], dim=1)
    theirs = F.multi_margin_loss(scores_2class, y, reduction="none") * 2  # torch divides by C
    torch.testing.assert_close(lb.hinge(s, 2 * y - 1, reduction="none"), theirs)


# --- gradcheck -------------------------------------------------------------------
def test_gradcheck_all(device):
    g = torch.Generator().manual_seed(1)
    logits = torch.randn(4, 3, generator=g, dtype=torch.float64).to(device).requires_grad_()
    idx = torch.tensor([0, 2, 1, 2], device=device)
    probs = (0.05 + 0.9 * torch.rand(4, 3, generator=g, dtype=torch.float64)).to(device)
    bin_t = torch.randint(0, 2, (4, 3), generator=g).double().to(device)
    pm = (2 * bin_t - 1).to(device)
    scores = torch.tensor([[0.3, -2.0, 1.4]] * 4, dtype=torch.float64, device=device)
    scores = (scores + 0.01 * torch.arange(4, device=device)[:, None]).requires_grad_()
    checks = [
        (lambda z: lb.cross_entropy(z, idx, label_smoothing=0.1), logits),
        (lambda z: lb.softmax_focal(z, idx, gamma=2.0), logits),
        (lambda z: lb.softmax_focal(z, idx, gamma=0.5), logits),
        (lambda z: lb.binary_cross_entropy_with_logits(z, bin_t), logits),
        (lambda z: lb.sigmoid_focal(z, bin_t, gamma=0.5), logits),
        (lambda p: lb.binary_cross_entropy(p, bin_t), probs.clone().requires_grad_()),
        (lambda s: lb.hinge(s, pm), scores),
        (lambda s: lb.squared_hinge(s, pm), scores),
    ]
    for fn, x in checks:
        assert torch.autograd.gradcheck(fn, (x,))


# --- bad input -------------------------------------------------------------------
# More bad inputs are rows of the matrix, tests/bad_inputs.py (one test id per case).


@pytest.mark.parametrize(
    "call",
    [
        lambda r: lb.cross_entropy(
            torch.zeros(2, 3), torch.zeros(2, dtype=torch.long), reduction=r
        ),
        lambda r: lb.binary_cross_entropy(torch.zeros(2), torch.zeros(2), reduction=r),
        lambda r: lb.binary_cross_entropy_with_logits(torch.zeros(2), torch.zeros(2), reduction=r),
        lambda r: lb.sigmoid_focal(torch.zeros(2), torch.zeros(2), reduction=r),
        lambda r: lb.softmax_focal(
            torch.zeros(2, 3), torch.zeros(2, dtype=torch.long), reduction=r
        ),
        lambda r: lb.hinge(torch.zeros(2), torch.ones(2), reduction=r),
        lambda r: lb.squared_hinge(torch.zeros(2), torch.ones(2), reduction=r),
    ],
)
def test_unknown_reduction(call):
    with pytest.raises(ValueError, match="reduction must be one of"):
        call("batchmean")


# PyTorch's own module test inputs: tests/test_torch_modules.py (every torch loss module).
