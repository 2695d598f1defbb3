"""Regression losses against torch built-ins and float64 NumPy transcriptions of the formulas."""

from __future__ import annotations

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
