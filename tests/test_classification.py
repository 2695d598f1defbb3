"""Classification losses against torch built-ins and float64 NumPy transcriptions."""

from __future__ import annotations

import math

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


# --- regressions (issue 26, items 3-5): each fails on the code before the fix -----------
def test_sigmoid_focal_alpha_keeps_float64_precision(device):
    """α = 0.1 in float64: 0.1·log 2 exactly (a float32 α gave 0.06931471908886432)."""
    logits = torch.zeros(2, dtype=torch.float64, device=device)
    target = torch.tensor([1.0, 0.0], dtype=torch.float64, device=device)
    value = lb.sigmoid_focal(logits, target, alpha=0.1, gamma=0.0, reduction="none")
    expected = np.array([0.1, 0.9]) * math.log(2.0)  # α_t · (−log ½)
    np.testing.assert_allclose(value.cpu().numpy(), expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("z", [20.5, 25.0, 30.0, 36.0])
def test_softplus_is_exact_beyond_torch_softplus_threshold(z, device):
    """F.softplus returns z itself above 20; the loss is z + log1p(e^{−z}) (1.25e-9 more at 20.5)."""
    logits = torch.tensor([z, -z], dtype=torch.float64, device=device)
    target = torch.tensor([0.0, 1.0], dtype=torch.float64, device=device)  # two confident mistakes
    exact = z + math.log1p(math.exp(-z))
    for loss in (
        lambda: lb.binary_cross_entropy_with_logits(logits, target, reduction="none"),
        lambda: lb.sigmoid_focal(logits, target, alpha=None, gamma=0.0, reduction="none"),
        lambda: lb.soft_margin(logits, 2 * target - 1, reduction="none"),
    ):
        np.testing.assert_allclose(loss().cpu().numpy(), [exact, exact], rtol=1e-15, atol=0)
    torch.testing.assert_close(
        lb.binary_cross_entropy_with_logits(logits, target, reduction="none"),
        F.binary_cross_entropy_with_logits(logits, target, reduction="none"),
        rtol=1e-15,
        atol=0,
    )


def test_sigmoid_focal_gradient_at_logit_zero_is_the_formulas(device):
    """d/dz of BCE at z = 0 is σ(0) − y = ±½ through the exact softplus (no kink picked)."""
    z = torch.zeros(2, dtype=torch.float64, device=device, requires_grad=True)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64, device=device)
    (grad,) = torch.autograd.grad(lb.sigmoid_focal(z, y, alpha=None, gamma=0.0, reduction="sum"), z)
    torch.testing.assert_close(grad, torch.tensor([-0.5, 0.5], dtype=torch.float64, device=device))


@pytest.mark.parametrize("loss", [lb.hinge, lb.squared_hinge])
def test_hinge_slope_at_the_hinge_point_is_zero(loss, device):
    """The docstring's subgradient: 0 where y·s = margin (torch.clamp passed −y there)."""
    scores = torch.tensor([1.0, -1.0, 0.5, -0.5, 2.0], dtype=torch.float64, device=device)
    scores.requires_grad_(True)
    target = torch.tensor([1, -1, 1, -1, 1], device=device)
    (grad,) = torch.autograd.grad(loss(scores, target, reduction="sum"), scores)
    inside = {lb.hinge: [-1.0, 1.0], lb.squared_hinge: [-1.0, 1.0]}[loss]  # −y·(2(1 − ys))^(p−1)
    expected = torch.tensor([0.0, 0.0, *inside, 0.0], dtype=torch.float64, device=device)
    torch.testing.assert_close(grad, expected)


def test_hinge_slope_at_the_hinge_point_matches_torch_multi_margin(device):
    """Two classes (−s/2, s/2) at the hinge point: torch's MultiMarginLoss gradient is 0 too."""
    s = torch.tensor([1.0, -1.0], dtype=torch.float64, device=device, requires_grad=True)
    y = torch.tensor([1, 0], device=device)
    theirs = F.multi_margin_loss(torch.stack([-s / 2, s / 2], dim=1), y, reduction="sum") * 2
    (g_theirs,) = torch.autograd.grad(theirs, s)
    (g_ours,) = torch.autograd.grad(lb.hinge(s, 2 * y - 1, reduction="sum"), s)
    torch.testing.assert_close(g_ours, g_theirs)
    assert not g_ours.any()


# --- torch's other classification losses, against F.* (float64, values and gradients) ---
def _same_values_and_gradients(ours_fn, theirs_fn, leaf, rtol=1e-10, atol=1e-12):
    ours, theirs = ours_fn(leaf), theirs_fn(leaf)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    torch.testing.assert_close(ours, theirs, rtol=rtol, atol=atol)
    (g_ours,) = torch.autograd.grad(ours.sum(), leaf)
    (g_theirs,) = torch.autograd.grad(theirs.sum(), leaf)
    torch.testing.assert_close(g_ours, g_theirs, rtol=rtol, atol=atol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("ignore_index", [-100, 2])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 2, 5), (4,)], ids=["NC", "NCHW", "C"])
def test_nll_matches_torch(shape, weighted, ignore_index, reduction, device):
    g = torch.Generator().manual_seed(3)
    log_probs = torch.randn(shape, generator=g, dtype=torch.float64).log_softmax(
        0 if len(shape) == 1 else 1
    )
    log_probs = log_probs.to(device).requires_grad_()
    index_shape = () if len(shape) == 1 else shape[:1] + shape[2:]
    target = torch.randint(0, shape[-1] if len(shape) == 1 else shape[1], index_shape, generator=g)
    if len(shape) > 1:
        target.view(-1)[0] = ignore_index  # one ignored element
    target = target.to(device)
    classes = shape[0] if len(shape) == 1 else shape[1]
    weight = torch.rand(classes, generator=g, dtype=torch.float64).to(device) if weighted else None
    kw = dict(weight=weight, ignore_index=ignore_index, reduction=reduction)
    _same_values_and_gradients(
        lambda x: lb.nll(x, target, **kw), lambda x: F.nll_loss(x, target, **kw), log_probs
    )


def test_nll_of_log_softmax_is_cross_entropy(device):
    logits = torch.randn(5, 3, dtype=torch.float64, device=device)
    target = torch.tensor([0, 2, 1, 1, 0], device=device)
    torch.testing.assert_close(
        lb.nll(logits.log_softmax(1), target), lb.cross_entropy(logits, target)
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_soft_margin_matches_torch(reduction, device):
    g = torch.Generator().manual_seed(4)
    scores = (3 * torch.randn(5, 6, generator=g, dtype=torch.float64)).to(device).requires_grad_()
    target = (2 * torch.randint(0, 2, (5, 6), generator=g) - 1).double().to(device)
    _same_values_and_gradients(
        lambda s: lb.soft_margin(s, target, reduction=reduction),
        lambda s: F.soft_margin_loss(s, target, reduction=reduction),
        scores,
    )


def test_soft_margin_is_bce_with_logits_on_01_labels(device):
    scores = torch.randn(7, dtype=torch.float64, device=device)
    y = torch.tensor([1, -1, 1, 1, -1, -1, 1], device=device)
    torch.testing.assert_close(
        lb.soft_margin(scores, y), lb.binary_cross_entropy_with_logits(scores, (y + 1) / 2.0)
    )


def test_soft_margin_is_finite_where_torch_overflows(device):
    """Torch's log1p(exp(−ys)) is inf past −ys ≈ 88 in float32; the exact value is −ys."""
    scores = torch.tensor([-100.0, -1e4], device=device, requires_grad=True)
    target = torch.ones(2, device=device)
    assert torch.isinf(F.soft_margin_loss(scores, target, reduction="none")).all()
    ours = lb.soft_margin(scores, target, reduction="none")
    torch.testing.assert_close(ours, torch.tensor([100.0, 1e4], device=device))
    (grad,) = torch.autograd.grad(ours.sum(), scores)
    torch.testing.assert_close(grad, -torch.ones(2, device=device))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target_kind", ["float", "long", "soft"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("shape", [(5, 4), (4,)], ids=["NC", "C"])
def test_multilabel_soft_margin_matches_torch(shape, weighted, target_kind, reduction, device):
    g = torch.Generator().manual_seed(5)
    logits = (4 * torch.randn(shape, generator=g, dtype=torch.float64)).to(device).requires_grad_()
    bits = torch.randint(0, 2, shape, generator=g)
    target = {
        "float": bits.double(),
        "long": bits,
        "soft": torch.rand(shape, generator=g, dtype=torch.float64),
    }[target_kind].to(device)
    weight = (
        torch.randn(shape[-1], generator=g, dtype=torch.float64).to(device) if weighted else None
    )
    kw = dict(weight=weight, reduction=reduction)
    _same_values_and_gradients(
        lambda z: lb.multilabel_soft_margin(z, target, **kw),
        lambda z: F.multilabel_soft_margin_loss(z, target, **kw),
        logits,
    )


def test_multilabel_soft_margin_is_bce_averaged_per_example(device):
    """The same per-class terms as BCE-with-logits; "none" averages each row over its classes."""
    logits = torch.randn(4, 3, dtype=torch.float64, device=device)
    target = torch.randint(0, 2, (4, 3), device=device).double()
    bce = lb.binary_cross_entropy_with_logits(logits, target, reduction="none")
    ours = lb.multilabel_soft_margin(logits, target, reduction="none")
    torch.testing.assert_close(ours, bce.mean(dim=1))
    torch.testing.assert_close(lb.multilabel_soft_margin(logits, target), bce.mean())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("margin", [1.0, 0.5, 2.5])
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("unbatched", [False, True])
def test_multi_margin_matches_torch(unbatched, p, margin, weighted, reduction, device):
    g = torch.Generator().manual_seed(6)
    scores = torch.randn(6, 5, generator=g, dtype=torch.float64)
    target = torch.randint(0, 5, (6,), generator=g)
    if unbatched:
        scores, target = scores[0], target[0]
    scores, target = scores.to(device).requires_grad_(), target.to(device)
    weight = torch.rand(5, generator=g, dtype=torch.float64).to(device) if weighted else None
    kw = dict(p=p, margin=margin, weight=weight, reduction=reduction)
    _same_values_and_gradients(
        lambda s: lb.multi_margin(s, target, **kw),
        lambda s: F.multi_margin_loss(s, target, **kw),
        scores,
    )


def np_multi_margin(s, y, p, margin, weight):
    """Weston & Watkins's multi-class hinge, torch's convention (divided by C), per example."""
    n, c = s.shape
    w = np.ones(c) if weight is None else weight
    out = np.zeros(n)
    for i in range(n):
        for k in range(c):
            if k != y[i]:
                out[i] += w[y[i]] * max(0.0, margin - s[i, y[i]] + s[i, k]) ** p
    return out / c


@pytest.mark.parametrize("p", [1, 2])
def test_multi_margin_matches_numpy(p, device):
    g = torch.Generator().manual_seed(7)
    scores = torch.randn(8, 4, generator=g, dtype=torch.float64)
    target = torch.randint(0, 4, (8,), generator=g)
    weight = torch.rand(4, generator=g, dtype=torch.float64)
    ours = lb.multi_margin(
        scores.to(device),
        target.to(device),
        p=p,
        margin=0.7,
        weight=weight.to(device),
        reduction="none",
    )
    ref = np_multi_margin(scores.numpy(), target.numpy(), p, 0.7, weight.numpy())
    np.testing.assert_allclose(ours.cpu().numpy(), ref, rtol=1e-12)


def _multilabel_targets(g: torch.Generator, n: int, c: int) -> torch.Tensor:
    """Random -1-terminated rows: repeats allowed, some rows empty, junk after the -1."""
    target = torch.randint(0, c, (n, c), generator=g)
    stops = torch.randint(0, c + 1, (n,), generator=g)
    for i, stop in enumerate(stops.tolist()):
        if stop < c:
            target[i, stop] = -1
    return target


def np_multilabel_margin(s, target):
    """torch's documented formula, read literally: the listed classes j (repeats included)
    before the first -1, against every class c not in the list; divided by C."""
    n, c = s.shape
    out = np.zeros(n)
    for i in range(n):
        listed = []
        for j in target[i]:
            if j < 0:
                break
            listed.append(j)
        for j in listed:
            for k in range(c):
                if k not in listed:
                    out[i] += max(0.0, 1.0 - (s[i, j] - s[i, k]))
    return out / c


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("unbatched", [False, True])
def test_multilabel_margin_matches_torch_and_numpy(unbatched, reduction, device):
    g = torch.Generator().manual_seed(8)
    scores = torch.randn(9, 5, generator=g, dtype=torch.float64)
    target = _multilabel_targets(g, 9, 5)
    ref = np_multilabel_margin(scores.numpy(), target.numpy())
    if unbatched:
        scores, target, ref = scores[1], target[1], ref[1]
    scores, target = scores.to(device).requires_grad_(), target.to(device)
    _same_values_and_gradients(
        lambda s: lb.multilabel_margin(s, target, reduction=reduction),
        lambda s: F.multilabel_margin_loss(s, target, reduction=reduction),
        scores,
    )
    ours = lb.multilabel_margin(scores, target, reduction=reduction)
    np.testing.assert_allclose(ours.detach().cpu().numpy(), np_reduce(ref, reduction), rtol=1e-12)


def test_multilabel_margin_torch_documentation_example(device):
    """The example of torch.nn.MultiLabelMarginLoss's documentation: 0.85."""
    scores = torch.tensor([[0.1, 0.2, 0.4, 0.8]], device=device)
    target = torch.tensor([[3, 0, -1, 1]], device=device)
    torch.testing.assert_close(
        lb.multilabel_margin(scores, target), torch.tensor(0.85, device=device)
    )


def test_multilabel_margin_target_round_trip(device):
    multi_hot = torch.tensor(
        [[1, 0, 0, 1], [0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 0]], device=device
    )
    target = lb.classification.multilabel_margin_target(multi_hot)
    for row, hot in zip(target.tolist(), multi_hot.tolist(), strict=True):
        listed = row[: row.index(-1)] if -1 in row else row
        assert sorted(listed) == [c for c, h in enumerate(hot) if h]
    scores = torch.randn(4, 4, dtype=torch.float64, device=device)
    torch.testing.assert_close(
        lb.multilabel_margin(scores, target), F.multilabel_margin_loss(scores, target)
    )


# --- the Brier score and temperature scaling --------------------------------------------
def np_brier(p, y):
    """Brier (1950), eq. 1 for one forecast: Σ_c (p_c − E_c)², E the indicator of the class."""
    onehot = np.eye(p.shape[1])[y]
    return ((p - onehot) ** 2).sum(axis=1)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_brier_matches_numpy(reduction, device):
    g = torch.Generator().manual_seed(9)
    probs = torch.softmax(2 * torch.randn(7, 4, generator=g, dtype=torch.float64), dim=1)
    target = torch.randint(0, 4, (7,), generator=g)
    ours = lb.brier(probs.to(device), target.to(device), reduction=reduction)
    ref = np_reduce(np_brier(probs.numpy(), target.numpy()), reduction)
    np.testing.assert_allclose(ours.cpu().numpy(), ref, rtol=1e-13)


def test_brier_class_indices_equal_one_hot_and_spatial_layout(device):
    g = torch.Generator().manual_seed(10)
    probs = torch.softmax(torch.randn(2, 3, 4, 5, generator=g, dtype=torch.float64), dim=1)
    target = torch.randint(0, 3, (2, 4, 5), generator=g)
    probs, target = probs.to(device), target.to(device)
    onehot = F.one_hot(target, 3).movedim(-1, 1).double()
    by_index = lb.brier(probs, target, reduction="none")
    torch.testing.assert_close(by_index, lb.brier(probs, onehot, reduction="none"))
    flat = np_brier(
        probs.movedim(1, -1).reshape(-1, 3).cpu().numpy(), target.reshape(-1).cpu().numpy()
    )
    np.testing.assert_allclose(by_index.reshape(-1).cpu().numpy(), flat, rtol=1e-13)


def test_brier_is_strictly_proper(device):
    """The expected score under a true distribution q is smallest at p = q (and only there)."""
    q = torch.tensor([0.2, 0.5, 0.3], dtype=torch.float64, device=device)
    candidates = torch.softmax(torch.randn(200, 3, dtype=torch.float64, device=device), dim=1)
    candidates = torch.cat([q[None], candidates])
    expected = sum(
        q[c] * lb.brier(candidates, torch.full((201,), c, device=device), reduction="none")
        for c in range(3)
    )
    assert expected.argmin().item() == 0
    assert (expected[1:] > expected[0]).all()


def _nll_of_temperature(logits, labels, t):
    return F.cross_entropy(logits / t, labels)


def test_fit_temperature_recovers_a_known_temperature():
    """Labels drawn from softmax(z) make T = 1 right for z; given z·T₀ the fit must find T₀."""
    g = torch.Generator().manual_seed(11)
    logits = 2.0 * torch.randn(100_000, 4, generator=g, dtype=torch.float64)
    labels = torch.multinomial(torch.softmax(logits, 1), 1, generator=g).squeeze(1)
    for t0 in (0.5, 2.0, 3.0):
        assert lb.fit_temperature(logits * t0, labels) == pytest.approx(t0, rel=0.02)


def test_fit_temperature_is_the_nll_minimiser():
    g = torch.Generator().manual_seed(12)
    logits = 3.0 * torch.randn(500, 5, generator=g, dtype=torch.float64)
    labels = torch.randint(0, 5, (500,), generator=g)
    labels[:250] = logits[:250].argmax(1)  # half right: an over-confident model
    t_fit = lb.fit_temperature(logits, labels)
    t = torch.tensor(t_fit, dtype=torch.float64, requires_grad=True)
    (slope,) = torch.autograd.grad(_nll_of_temperature(logits, labels, t), t)
    assert abs(slope.item()) < 1e-10
    grid = torch.linspace(0.5 * t_fit, 2 * t_fit, 3001, dtype=torch.float64)
    values = torch.stack([_nll_of_temperature(logits, labels, t) for t in grid])
    best = grid[values.argmin()].item()
    assert abs(best - t_fit) <= (grid[1] - grid[0]).item()
    assert t_fit > 1  # over-confident logits are softened


def test_fit_temperature_example_in_closed_form():
    """Logits ±1, right 3 times in 4: σ(2/T) = ¾, T = 2 / log 3."""
    z = torch.tensor([[1.0, -1.0]] * 4)
    assert lb.fit_temperature(z, torch.tensor([0, 0, 0, 1])) == pytest.approx(
        2 / math.log(3), rel=1e-9
    )


def test_fit_temperature_keeps_the_input_and_is_deterministic():
    logits = torch.randn(50, 3, requires_grad=True)
    labels = torch.randint(0, 3, (50,))
    labels[:30] = logits[:30].argmax(1)
    first = lb.fit_temperature(logits, labels)
    assert first == lb.fit_temperature(logits.detach().clone(), labels)
    assert logits.grad is None


@pytest.mark.parametrize(
    ("make_labels", "match"),
    [
        (lambda z: z.argmax(1), r"as T shrinks \(the logits rank every label first"),
        (lambda z: z.argmin(1), r"as T grows \(the logits carry no information"),
    ],
    ids=["separable", "anti-correlated"],
)
def test_fit_temperature_refuses_when_no_temperature_minimises(make_labels, match):
    z = torch.randn(40, 3, dtype=torch.float64)
    with pytest.raises(ValueError, match=match):
        lb.fit_temperature(z, make_labels(z))


def test_gradcheck_new_losses(device):
    g = torch.Generator().manual_seed(13)
    scores = torch.randn(4, 3, generator=g, dtype=torch.float64).to(device).requires_grad_()
    idx = torch.tensor([0, 2, 1, 2], device=device)
    bits = torch.randint(0, 2, (4, 3), generator=g).double().to(device)
    pm = 2 * bits - 1
    listed = torch.tensor([[0, 2, -1], [1, -1, 0], [2, 1, 0], [-1, 0, 0]], device=device)
    weight = torch.rand(3, generator=g, dtype=torch.float64).to(device)
    probs = torch.softmax(scores.detach(), 1).requires_grad_()
    checks = [
        (lambda z: lb.nll(z.log_softmax(1), idx, weight=weight), scores),
        (lambda s: lb.soft_margin(s, pm), scores),
        (lambda z: lb.multilabel_soft_margin(z, bits, weight=weight), scores),
        (lambda s: lb.multi_margin(s, idx, p=1, weight=weight), scores),
        (lambda s: lb.multi_margin(s, idx, p=2, margin=0.5), scores),
        (lambda s: lb.multilabel_margin(s, listed), scores),
        (lambda p: lb.brier(p, idx), probs),
    ]
    for fn, x in checks:
        assert torch.autograd.gradcheck(fn, (x,))


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
        lambda r: lb.nll(torch.zeros(2, 3), torch.zeros(2, dtype=torch.long), reduction=r),
        lambda r: lb.soft_margin(torch.zeros(2), torch.ones(2), reduction=r),
        lambda r: lb.multilabel_soft_margin(torch.zeros(2, 3), torch.ones(2, 3), reduction=r),
        lambda r: lb.multi_margin(torch.zeros(2, 3), torch.zeros(2, dtype=torch.long), reduction=r),
        lambda r: lb.multilabel_margin(
            torch.zeros(2, 3), torch.zeros(2, 3, dtype=torch.long), reduction=r
        ),
        lambda r: lb.brier(torch.full((2, 3), 0.25), torch.zeros(2, dtype=torch.long), reduction=r),
    ],
)
def test_unknown_reduction(call):
    with pytest.raises(ValueError, match="reduction must be one of"):
        call("batchmean")


# PyTorch's own module test inputs: tests/test_torch_modules.py (every torch loss module).
