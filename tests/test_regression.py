"""Regression losses against torch built-ins and float64 NumPy transcriptions of the formulas."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce

import lossbook as lb


# --- float64 NumPy references, written straight from the formulas -------------
def np_log_cosh(pred: np.ndarray, target: np.ndarray) -> np.ndarray:
    # math.log(math.cosh(r)) is exact for moderate r; the tests keep |r| < 20 here.
    return np.log(np.cosh(target - pred))


def np_quantile(pred: np.ndarray, target: np.ndarray, q: float) -> np.ndarray:
    r = target - pred
    return np.where(r >= 0, q * r, (q - 1) * r)


def np_huber(pred: np.ndarray, target: np.ndarray, delta: float) -> np.ndarray:
    r = np.abs(target - pred)
    return np.where(r <= delta, 0.5 * r**2, delta * (r - 0.5 * delta))


def pair(shape=(4, 5), device="cpu", dtype=torch.float64, scale=3.0):
    pred = (scale * torch.randn(shape, dtype=dtype, device=device)).requires_grad_()
    target = scale * torch.randn(shape, dtype=dtype, device=device)
    return pred, target


# --- agreement with torch built-ins --------------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (lb.mse, F.mse_loss),
        (lb.mae, F.l1_loss),
        (lambda p, t, reduction: lb.huber(p, t, delta=1.0, reduction=reduction), F.huber_loss),
        (
            lambda p, t, reduction: lb.huber(p, t, delta=0.3, reduction=reduction),
            lambda p, t, reduction: F.huber_loss(p, t, delta=0.3, reduction=reduction),
        ),
    ],
    ids=["mse", "mae", "huber", "huber-delta0.3"],
)
def test_matches_torch_builtin(ours, theirs, reduction, device):
    pred, target = pair(device=device)
    a = ours(pred, target, reduction=reduction)
    b = theirs(pred, target, reduction=reduction)
    torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-12)
    grad_a = torch.autograd.grad(a.sum(), pred)[0]
    grad_b = torch.autograd.grad(b.sum(), pred)[0]
    torch.testing.assert_close(grad_a, grad_b, rtol=1e-6, atol=1e-12)


# --- agreement with NumPy transcriptions ---------------------------------------
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_log_cosh_matches_numpy(reduction, device):
    pred, target = pair(device=device)
    ours = lb.log_cosh(pred, target, reduction=reduction)
    ref = np_reduce(np_log_cosh(pred.detach().cpu().numpy(), target.cpu().numpy()), reduction)
    np.testing.assert_allclose(ours.detach().cpu().numpy(), ref, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("q", [0.05, 0.5, 0.9])
def test_quantile_matches_numpy(q, reduction, device):
    pred, target = pair(device=device)
    ours = lb.quantile(pred, target, q=q, reduction=reduction)
    ref = np_reduce(np_quantile(pred.detach().cpu().numpy(), target.cpu().numpy(), q), reduction)
    np.testing.assert_allclose(ours.detach().cpu().numpy(), ref, rtol=1e-6, atol=1e-12)


@pytest.mark.parametrize("delta", [0.1, 1.0, 5.0])
def test_huber_matches_piecewise_numpy(delta, device):
    pred, target = pair(device=device)
    ours = lb.huber(pred, target, delta=delta, reduction="none")
    ref = np_huber(pred.detach().cpu().numpy(), target.cpu().numpy(), delta)
    np.testing.assert_allclose(ours.detach().cpu().numpy(), ref, rtol=1e-6, atol=1e-12)


def test_quantile_half_is_half_mae(device):
    pred, target = pair(device=device)
    torch.testing.assert_close(lb.quantile(pred, target, q=0.5), 0.5 * lb.mae(pred, target))


def test_quantile_minimiser_is_the_quantile():
    """The constant minimising the pinball loss is the q-th sample quantile."""
    target = torch.from_numpy(np.random.default_rng(0).exponential(size=401))
    grid = torch.linspace(0, 4, 4001, dtype=torch.float64)
    for q in (0.1, 0.5, 0.9):
        losses = torch.stack([lb.quantile(c.expand(401), target, q=q) for c in grid])
        best = grid[losses.argmin()].item()
        assert best == pytest.approx(np.quantile(target.numpy(), q), abs=2e-3)


# --- gradcheck -----------------------------------------------------------------
@pytest.mark.parametrize(
    "loss",
    [lb.mse, lb.mae, lb.huber, lb.log_cosh, lambda p, t: lb.quantile(p, t, q=0.3)],
    ids=["mse", "mae", "huber", "log_cosh", "quantile"],
)
def test_gradcheck(loss, device):
    pred, target = pair((3, 4), device=device)
    # keep residuals away from the kinks (0 and ±delta), where finite differences straddle
    target = pred.detach() + torch.tensor(
        [0.3, -2.5, 1.7, -0.6], dtype=torch.float64, device=device
    )
    assert torch.autograd.gradcheck(lambda p: loss(p, target), (pred,))
    assert torch.autograd.gradgradcheck(lambda p: loss(p, target), (pred,))


# --- extremes ------------------------------------------------------------------
@pytest.mark.parametrize(
    "loss",
    [lb.mse, lb.mae, lb.huber, lb.log_cosh, lb.quantile],
    ids=["mse", "mae", "huber", "log_cosh", "quantile"],
)
def test_large_residuals_float32_are_finite(loss, device):
    pred = torch.tensor([0.0, 0.0, 1e4, -1e4], device=device, requires_grad=True)
    target = torch.tensor([1e4, -1e4, -1e4, 1e4], device=device)
    value = loss(pred, target)
    (grad,) = torch.autograd.grad(value, pred)
    assert torch.isfinite(value) and torch.isfinite(grad).all()


def test_log_cosh_does_not_overflow_where_cosh_does(device):
    """cosh(100) overflows float32; log_cosh(100) = 100 - log 2 to float32 precision."""
    r = torch.tensor([100.0, -1e4], device=device)
    assert torch.isinf(torch.cosh(r)).all()  # the naive formula would give inf
    got = lb.log_cosh(torch.zeros_like(r), r, reduction="none")
    expected = r.abs().double() - np.log(2.0)
    torch.testing.assert_close(got.double(), expected, rtol=1e-7, atol=1e-3)


def test_log_cosh_gradient_is_tanh(device):
    r = torch.linspace(-30, 30, 61, dtype=torch.float64, device=device)
    pred = torch.zeros_like(r, requires_grad=True)
    (grad,) = torch.autograd.grad(lb.log_cosh(pred, r, reduction="sum"), pred)
    torch.testing.assert_close(grad, -torch.tanh(r))  # d/dpred of log cosh(target - pred)


# --- dtype and device ----------------------------------------------------------
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("loss", [lb.mse, lb.mae, lb.huber, lb.log_cosh, lb.quantile])
def test_output_keeps_dtype_and_device(loss, dtype, device):
    pred, target = pair(device=device, dtype=dtype)
    out = loss(pred, target)
    assert out.dtype == dtype and out.device.type == torch.device(device).type
    assert loss(pred, target, reduction="none").shape == pred.shape


# --- bad input -----------------------------------------------------------------
# More bad inputs are rows of the matrix, tests/bad_inputs.py (one test id per case).
@pytest.mark.parametrize("loss", [lb.mse, lb.mae, lb.huber, lb.log_cosh, lb.quantile])
def test_refuses_to_broadcast_n1_against_n(loss):
    with pytest.raises(ValueError, match=r"same shape.*\(8, 1\).*\(8,\).*squeeze"):
        loss(torch.zeros(8, 1), torch.zeros(8))


@pytest.mark.parametrize("loss", [lb.mse, lb.mae, lb.huber, lb.log_cosh, lb.quantile])
def test_unknown_reduction(loss):
    with pytest.raises(ValueError, match=r"reduction must be one of .*'avg'"):
        loss(torch.zeros(3), torch.zeros(3), reduction="avg")


@pytest.mark.parametrize("q", [0.0, 1.0, -0.5, 1.5])
def test_quantile_outside_open_interval(q):
    with pytest.raises(ValueError, match=rf"q must lie in the open interval \(0.0, 1.0\), got {q}"):
        lb.quantile(torch.zeros(3), torch.zeros(3), q=q)


@pytest.mark.parametrize("delta", [0.0, -1.0, float("nan")])
def test_huber_non_positive_delta(delta):
    with pytest.raises(ValueError, match="delta must be a finite number > 0"):
        lb.huber(torch.zeros(3), torch.zeros(3), delta=delta)


def test_nan_propagates():
    """Documented policy: NaN in, NaN out -- never silently dropped."""
    out = lb.mse(torch.tensor([float("nan"), 1.0]), torch.tensor([0.0, 1.0]))
    assert torch.isnan(out)


# --- several quantile levels at once --------------------------------------------------
def np_multi_quantile(pred, target, levels, penalty=0.0):
    """Element by element, from the formula: pinball per level, plus λ·max(0, ŷ_{k−1} − ŷ_k)."""
    out = np.zeros(pred.shape)
    for index in np.ndindex(target.shape):
        for k, q in enumerate(levels):
            r = target[index] - pred[(*index, k)]
            out[(*index, k)] = max(q * r, (q - 1) * r)
            if k > 0:
                out[(*index, k)] += penalty * max(0.0, pred[(*index, k - 1)] - pred[(*index, k)])
    return out


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("penalty", [None, 0.0, 2.5])
@pytest.mark.parametrize(
    "levels", [[0.05, 0.5, 0.95], (0.1, 0.9), torch.tensor([0.25, 0.5, 0.75]), [0.3]]
)
def test_multi_quantile_matches_numpy(levels, penalty, reduction, device):
    k = len(levels)
    pred = 2.0 * torch.randn(4, 3, k, dtype=torch.float64, device=device)  # crossings happen
    target = 2.0 * torch.randn(4, 3, dtype=torch.float64, device=device)
    ours = lb.quantile(pred, target, q=levels, crossing_penalty=penalty, reduction=reduction)
    qs = levels.tolist() if isinstance(levels, torch.Tensor) else list(levels)
    ref = np_multi_quantile(pred.cpu().numpy(), target.cpu().numpy(), qs, penalty or 0.0)
    np.testing.assert_allclose(ours.cpu().numpy(), np_reduce(ref, reduction), rtol=1e-12)


def test_one_level_in_a_list_equals_the_scalar_level():
    pred, target = torch.randn(5, 1, dtype=torch.float64), torch.randn(5, dtype=torch.float64)
    torch.testing.assert_close(
        lb.quantile(pred, target, q=[0.7], reduction="none")[:, 0],
        lb.quantile(pred[:, 0], target, q=0.7, reduction="none"),
    )


def test_multi_quantile_gradcheck():
    pred = torch.tensor([[0.3, -0.4, 1.7], [2.0, 1.0, 0.2]], dtype=torch.float64)
    target = torch.tensor([0.9, 0.4], dtype=torch.float64)
    pred.requires_grad_(True)
    assert torch.autograd.gradcheck(
        lambda p: lb.quantile(p, target, q=[0.1, 0.5, 0.9], crossing_penalty=1.5), (pred,)
    )


def test_multi_quantile_learns_an_interval():
    """One model, three heads: the fitted levels land on the sample's quantiles."""
    gen = torch.Generator().manual_seed(0)
    y = torch.randn(4000, generator=gen, dtype=torch.float64)
    levels = [0.05, 0.5, 0.95]
    head = torch.zeros(3, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adam([head], lr=0.05)
    for _ in range(600):
        opt.zero_grad()
        lb.quantile(head.expand(4000, 3), y, q=levels, crossing_penalty=1.0).backward()
        opt.step()
    want = torch.quantile(y, torch.tensor(levels, dtype=torch.float64))
    torch.testing.assert_close(head.detach(), want, atol=0.05, rtol=0)


@pytest.mark.parametrize(
    ("kwargs", "error", "pattern"),
    [
        (
            {"q": [0.9, 0.1]},
            ValueError,
            r"^q must hold strictly increasing quantile levels, got \[0\.9, 0\.1\]$",
        ),
        (
            {"q": [0.1, 1.0]},
            ValueError,
            r"^q\[1\] must lie in the open interval \(0\.0, 1\.0\), got 1\.0$",
        ),
        ({"q": []}, ValueError, r"^q must hold at least one quantile level"),
        (
            {"q": [0.1, 0.5, 0.9]},
            ValueError,
            r"^pred must have shape \(4, 3\) \(target's shape and one quantile dimension of size 3",
        ),
        (
            {"q": [0.1, 0.9], "crossing_penalty": -1.0},
            ValueError,
            r"^crossing_penalty must be a finite number >= 0",
        ),
        (
            {"q": 0.5, "crossing_penalty": "1"},
            TypeError,
            r"^crossing_penalty must be a real number or None",
        ),
        (
            {"q": torch.tensor(0.5)},
            TypeError,
            r"^q must be a real number, got a torch\.Tensor of shape \(\)",
        ),
    ],
)
def test_multi_quantile_bad_inputs(kwargs, error, pattern):
    with pytest.raises(error, match=pattern):
        lb.quantile(torch.zeros(4, 2), torch.zeros(4), **kwargs)


# --- smooth L1, Gaussian NLL, Poisson NLL, CRPS (issue 24) ----------------------------------
def np_gaussian_nll(mean, target, var, eps=1e-6, full=False, beta=0.0):
    v = np.maximum(var, eps)
    loss = 0.5 * (np.log(v) + (mean - target) ** 2 / v)
    if full:
        loss = loss + 0.5 * np.log(2 * np.pi)
    return loss * v**beta


def np_poisson_nll(pred, target, log_input=True, full=False, eps=1e-8):
    loss = np.exp(pred) - target * pred if log_input else pred - target * np.log(pred + eps)
    if full:
        y = np.where(target > 1, target, 1.0)
        loss = loss + np.where(target > 1, y * np.log(y) - y + 0.5 * np.log(2 * np.pi * y), 0.0)
    return loss


def np_crps_gaussian(mean, std, target):
    """Gneiting & Raftery (2007), eq. (21), with math.erf for Φ."""
    z = (target - mean) / std
    cdf = 0.5 * (1 + np.vectorize(math.erf)(z / math.sqrt(2)))
    pdf = np.exp(-0.5 * z**2) / math.sqrt(2 * math.pi)
    return std * (z * (2 * cdf - 1) + 2 * pdf - 1 / math.sqrt(math.pi))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0, 2.5])
def test_smooth_l1_matches_torch(beta, reduction, device):
    pred, target = pair(device=device)
    ours = lb.smooth_l1(pred, target, beta=beta, reduction=reduction)
    theirs = F.smooth_l1_loss(pred, target, beta=beta, reduction=reduction)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    (g_ours,) = torch.autograd.grad(ours.sum(), pred)
    (g_theirs,) = torch.autograd.grad(theirs.sum(), pred)
    torch.testing.assert_close(g_ours, g_theirs, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("beta", [0.3, 1.0, 4.0])
def test_smooth_l1_is_huber_divided_by_delta(beta):
    """torch's trap: SmoothL1Loss(beta=b) = HuberLoss(delta=b) / b, not HuberLoss(delta=b)."""
    pred, target = pair()
    torch.testing.assert_close(
        lb.smooth_l1(pred, target, beta=beta, reduction="none"),
        lb.huber(pred, target, delta=beta, reduction="none") / beta,
    )


VAR_SHAPES = [(4, 5), (4, 1), (1, 5), (4,)]  # per element; shared by a row, a column, the last dim


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("var_shape", VAR_SHAPES, ids=str)
def test_gaussian_nll_matches_torch(var_shape, full, reduction, device):
    mean, target = pair(device=device)
    var = (torch.rand(var_shape, dtype=torch.float64, device=device) + 0.05).requires_grad_()
    with torch.no_grad():
        var.view(-1)[0] = 1e-9  # one entry below eps: clamped, and the gradient passes through
    ours = lb.gaussian_nll(mean, target, var, full=full, reduction=reduction)
    theirs = F.gaussian_nll_loss(mean, target, var, full=full, reduction=reduction)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    grads_ours = torch.autograd.grad(ours.sum(), (mean, var))
    grads_theirs = torch.autograd.grad(theirs.sum(), (mean, var))
    for a, b in zip(grads_ours, grads_theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
@pytest.mark.parametrize("full", [False, True])
def test_gaussian_nll_matches_numpy(beta, full):
    mean, target = pair()
    var = torch.rand(4, 5, dtype=torch.float64) * 3 + 1e-8
    ours = lb.gaussian_nll(mean, target, var, full=full, beta=beta, reduction="none")
    ref = np_gaussian_nll(mean.detach().numpy(), target.numpy(), var.numpy(), full=full, beta=beta)
    np.testing.assert_allclose(ours.detach().numpy(), ref, rtol=1e-12)


@pytest.mark.parametrize("beta", [0.0, 0.5, 1.0])
def test_beta_nll_gradients(beta):
    """β-NLL (Seitzer et al. 2022): the weight var^β is not differentiated, so
    ∂ℓ/∂μ = (μ − y)/σ^{2(1−β)} and ∂ℓ/∂σ² = σ^{2β}·½(1/σ² − (μ − y)²/σ⁴)."""
    mean, target = pair()
    var = (torch.rand(4, 5, dtype=torch.float64) * 3 + 0.1).requires_grad_()
    loss = lb.gaussian_nll(mean, target, var, beta=beta, reduction="sum")
    g_mean, g_var = torch.autograd.grad(loss, (mean, var))
    m, y, v = mean.detach().numpy(), target.numpy(), var.detach().numpy()
    np.testing.assert_allclose(g_mean.numpy(), (m - y) / v ** (1 - beta), rtol=1e-12)
    np.testing.assert_allclose(
        g_var.numpy(), v**beta * 0.5 * (1 / v - (m - y) ** 2 / v**2), rtol=1e-10
    )
    if beta == 1.0:  # β = 1: the mean's gradient is MSE's (halved)
        (g_mse,) = torch.autograd.grad(0.5 * lb.mse(mean, target, reduction="sum"), mean)
        torch.testing.assert_close(g_mean, g_mse)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("log_input", [True, False])
def test_poisson_nll_matches_torch_and_numpy(log_input, full, reduction, device):
    gen = torch.Generator().manual_seed(1)
    counts = torch.poisson(torch.full((4, 5), 3.0, dtype=torch.float64), generator=gen)
    counts[0, :3] = torch.tensor([0.0, 1.0, 2.0])  # both sides of the Stirling mask y > 1
    raw = torch.randn(4, 5, dtype=torch.float64, generator=gen)
    pred = (raw.clone() if log_input else raw.abs() + 1e-3).to(device).requires_grad_()
    target = counts.to(device)
    ours = lb.poisson_nll(pred, target, log_input=log_input, full=full, reduction=reduction)
    theirs = F.poisson_nll_loss(pred, target, log_input=log_input, full=full, reduction=reduction)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    (g_ours,) = torch.autograd.grad(ours.sum(), pred)
    (g_theirs,) = torch.autograd.grad(theirs.sum(), pred)
    torch.testing.assert_close(g_ours, g_theirs, rtol=1e-12, atol=1e-12)
    ref = np_poisson_nll(raw.numpy() if log_input else raw.abs().numpy() + 1e-3, counts.numpy(),
                         log_input=log_input, full=full)  # fmt: skip
    np.testing.assert_allclose(ours.detach().cpu().numpy(), np_reduce(ref, reduction), rtol=1e-12)


def test_poisson_nll_full_approximates_the_exact_likelihood():
    """With full=True the loss is −log P(y) up to Stirling's error (< 1/(12y)) for y > 1."""
    counts = torch.arange(2.0, 40.0, dtype=torch.float64)
    rate = torch.full_like(counts, 7.0)
    exact = -torch.distributions.Poisson(rate).log_prob(counts)
    ours = lb.poisson_nll(rate.log(), counts, full=True, reduction="none")
    assert ((exact - ours).abs() <= 1 / (12 * counts)).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_crps_gaussian_matches_numpy(reduction, device):
    gen = torch.Generator().manual_seed(2)
    mean, target = 3 * torch.randn(2, 50, generator=gen, dtype=torch.float64)
    std = 0.05 + 2 * torch.rand(50, generator=gen, dtype=torch.float64)
    ours = lb.crps_gaussian(mean.to(device), std.to(device), target.to(device), reduction=reduction)
    ref = np_reduce(np_crps_gaussian(mean.numpy(), std.numpy(), target.numpy()), reduction)
    np.testing.assert_allclose(ours.cpu().numpy(), ref, rtol=1e-12, atol=1e-14)


def test_crps_gaussian_is_the_pinball_loss_integrated_over_levels():
    """CRPS(F, y) = 2 ∫₀¹ ℓ_q(y − F⁻¹(q)) dq, and = ∫ (F(x) − 1[x ≥ y])² dx (Gneiting &
    Raftery 2007): both integrals by the midpoint rule in float64, against the closed form."""
    mean = torch.tensor([0.0, 1.0, -2.0, 0.5], dtype=torch.float64)
    std = torch.tensor([1.0, 0.3, 2.0, 1.5], dtype=torch.float64)
    target = torch.tensor([0.0, 1.8, 3.0, -4.0], dtype=torch.float64)
    closed = lb.crps_gaussian(mean, std, target, reduction="none")
    # levels q = Φ(u), so dq = φ(u) du and the quantile F⁻¹(q) = μ + σu (the tails are in reach)
    u = torch.linspace(-12, 12, 400_001, dtype=torch.float64)
    levels, density = torch.special.ndtr(u), torch.exp(-0.5 * u**2) / math.sqrt(2 * math.pi)
    r = target[:, None] - (mean[:, None] + std[:, None] * u)  # y − F⁻¹(q)
    pinball = torch.maximum(levels * r, (levels - 1) * r)  # ℓ_q, written out
    torch.testing.assert_close(
        2 * torch.trapezoid(pinball * density, u, dim=1), closed, rtol=1e-8, atol=0
    )
    # ∫ (F(x) − 1[x ≥ y])² dx, split at y where the step is: ∫_{−∞}^y F² + ∫_y^∞ (1 − F)²
    s = torch.linspace(0, 40, 400_001, dtype=torch.float64)  # distances from y, in units of σ
    below = torch.special.ndtr((target[:, None] - std[:, None] * s - mean[:, None]) / std[:, None])
    above = torch.special.ndtr((target[:, None] + std[:, None] * s - mean[:, None]) / std[:, None])
    integral = std * torch.trapezoid(below**2 + (1 - above) ** 2, s, dim=1)
    torch.testing.assert_close(integral, closed, rtol=1e-8, atol=0)


def test_crps_gaussian_tends_to_the_absolute_error_and_is_proper():
    gen = torch.Generator().manual_seed(3)
    mean, target = torch.randn(2, 100, generator=gen, dtype=torch.float64)
    tiny = torch.full_like(mean, 1e-9)
    torch.testing.assert_close(
        lb.crps_gaussian(mean, tiny, target, reduction="none"), (target - mean).abs(), atol=1e-8,
        rtol=0,
    )  # fmt: skip
    # proper: for y ~ N(0, 1), the expected score is smallest at the true (μ, σ) = (0, 1)
    y = torch.randn(200_000, generator=gen, dtype=torch.float64)

    def expected(m, s):
        return lb.crps_gaussian(torch.full_like(y, m), torch.full_like(y, s), y).item()

    best = expected(0.0, 1.0)
    assert all(best < expected(m, s) for m, s in ((0.2, 1.0), (0.0, 0.8), (0.0, 1.25)))


@pytest.mark.parametrize(
    "call",
    [
        lambda p, t, v: lb.smooth_l1(p, t, beta=0.7),
        lambda p, t, v: lb.gaussian_nll(p, t, v),
        lambda p, t, v: lb.gaussian_nll(p, t, v, full=True),
        lambda p, t, v: lb.poisson_nll(p, t.abs().round()),
        lambda p, t, v: lb.poisson_nll(v, t.abs().round(), log_input=False, full=True),
        lambda p, t, v: lb.crps_gaussian(p, v, t),
    ],
    ids=["smooth_l1", "gaussian_nll", "gaussian_nll_full", "poisson_nll", "poisson_rate", "crps"],
)
def test_new_losses_gradcheck(call):
    # (β-NLL is not here: its weight is detached on purpose, so finite differences see a
    # gradient that autograd does not; test_beta_nll_gradients checks it against the formula)
    gen = torch.Generator().manual_seed(4)
    p = torch.randn(6, dtype=torch.float64, generator=gen).requires_grad_()
    t = 3 * torch.randn(6, dtype=torch.float64, generator=gen)
    v = (0.2 + torch.rand(6, dtype=torch.float64, generator=gen)).requires_grad_()
    assert torch.autograd.gradcheck(lambda p, v: call(p, t, v), (p, v))


def test_huber_delta_feeds_huber_and_huber_loss_alike():
    """Issue 28, item 4: the helper's 0-d tensor is accepted by the function and the Module,
    at construction and at call, and gives the float's result."""
    from lossbook.guide import huber_delta

    pred, target = pair()
    delta = huber_delta(target - pred.detach())
    assert isinstance(delta, torch.Tensor) and delta.dim() == 0
    expected = lb.huber(pred, target, delta=delta.item())
    torch.testing.assert_close(lb.huber(pred, target, delta=delta), expected)
    module = lb.nn.HuberLoss(delta=delta)
    assert type(module.delta) is float and module.delta == delta.item()
    torch.testing.assert_close(module(pred, target), expected)
    assert repr(module) == f"HuberLoss(delta={delta.item()!r}, reduction='mean')"
