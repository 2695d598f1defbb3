"""Tests for lossbook.divergence: kl_divergence and gaussian_kl.

References: torch.nn.functional.kl_div (with its reversed argument order),
torch.distributions.kl_divergence, and float64 NumPy transcriptions of the
formulas written below with plain loops.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce
from torch.autograd import gradcheck

from lossbook.divergence import gaussian_kl, kl_divergence

# ---------------------------------------------------------------- NumPy references


def np_kl(p: np.ndarray, q: np.ndarray, axis: int = -1) -> np.ndarray:
    """D_KL(P‖Q) = Σ p log(p/q) along ``axis``, with 0·log 0 = 0 (loops, float64)."""
    p = np.moveaxis(np.asarray(p, dtype=np.float64), axis, -1)
    q = np.moveaxis(np.asarray(q, dtype=np.float64), axis, -1)
    out = np.zeros(p.shape[:-1])
    for idx in np.ndindex(*p.shape[:-1]):
        total = 0.0
        for pi, qi in zip(p[idx], q[idx], strict=True):
            if pi > 0:
                total += pi * math.log(pi / qi)
        out[idx] = total
    return out


def np_gaussian_kl(mu: np.ndarray, logvar: np.ndarray) -> np.ndarray:
    """½ Σ_j (σ² + μ² − 1 − log σ²) over the last axis (Kingma & Welling, 2014, app. B)."""
    mu = np.asarray(mu, dtype=np.float64)
    logvar = np.asarray(logvar, dtype=np.float64)
    out = np.zeros(mu.shape[:-1])
    for idx in np.ndindex(*mu.shape[:-1]):
        total = 0.0
        for m, lv in zip(mu[idx], logvar[idx], strict=True):
            total += 0.5 * (math.exp(lv) + m * m - 1.0 - lv)
        out[idx] = total
    return out


def random_distributions(*shape: int, dim: int = -1, device="cpu") -> torch.Tensor:
    return torch.softmax(torch.randn(*shape, dtype=torch.float64, device=device), dim=dim)


# ---------------------------------------------------------------- kl_divergence: values


def test_matches_torch_kl_div_batchmean_values_and_grads(device):
    p = random_distributions(6, 5, device=device).requires_grad_(True)
    q = random_distributions(6, 5, device=device).requires_grad_(True)
    ours = kl_divergence(p, q)
    (ours_gp, ours_gq) = torch.autograd.grad(ours, (p, q))

    # F.kl_div takes (log q, p): the reverse order, with the model in log space.
    ref = F.kl_div(q.log(), p, reduction="batchmean")
    (ref_gp, ref_gq) = torch.autograd.grad(ref, (p, q))

    torch.testing.assert_close(ours, ref)
    torch.testing.assert_close(ours_gp, ref_gp)
    torch.testing.assert_close(ours_gq, ref_gq)


@pytest.mark.parametrize(("reduction", "torch_reduction"), [("sum", "sum"), ("none", "none")])
def test_matches_torch_kl_div_other_reductions(device, reduction, torch_reduction):
    p = random_distributions(4, 7, device=device)
    q = random_distributions(4, 7, device=device)
    ref = F.kl_div(q.log(), p, reduction=torch_reduction)
    if reduction == "none":
        ref = ref.sum(dim=-1)  # F.kl_div's "none" is element-wise; ours sums over dim
    torch.testing.assert_close(kl_divergence(p, q, reduction=reduction), ref)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dim", [0, 1, 2, -1])
def test_matches_numpy_any_dim(device, reduction, dim):
    p = random_distributions(3, 4, 5, dim=dim, device=device)
    q = random_distributions(3, 4, 5, dim=dim, device=device)
    ours = kl_divergence(p, q, dim=dim, reduction=reduction)
    ref = np_reduce(np_kl(p.cpu().numpy(), q.cpu().numpy(), axis=dim), reduction)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours.cpu().numpy(), ref, rtol=1e-12, atol=1e-14)


def test_none_drops_dim_and_mean_is_batchmean(device):
    p = random_distributions(2, 3, 4, device=device)
    q = random_distributions(2, 3, 4, device=device)
    assert kl_divergence(p, q, dim=1, reduction="none").shape == (2, 4)
    none = kl_divergence(p, q, reduction="none")
    torch.testing.assert_close(kl_divergence(p, q), none.mean())


def test_one_dimensional_input_is_a_single_distribution(device):
    p = torch.tensor([0.2, 0.3, 0.5], dtype=torch.float64, device=device)
    q = torch.tensor([0.1, 0.6, 0.3], dtype=torch.float64, device=device)
    expected = float(np_kl(p.cpu().numpy(), q.cpu().numpy()))
    for reduction in REDUCTIONS:
        out = kl_divergence(p, q, reduction=reduction)
        assert out.shape == ()
        assert out.item() == pytest.approx(expected, rel=1e-12)


def test_identical_distributions_give_zero(device):
    p = random_distributions(5, 6, device=device)
    out = kl_divergence(p, p.clone(), reduction="none")
    torch.testing.assert_close(out, torch.zeros_like(out), atol=1e-15, rtol=0)


def test_keeps_dtype_and_device(device):
    p = random_distributions(3, 4, device=device).float()
    q = random_distributions(3, 4, device=device).float()
    out = kl_divergence(p, q)
    assert out.dtype == torch.float32
    assert out.device.type == device.type


# ---------------------------------------------------------------- the argument-order pitfall


def test_argument_order_pitfall_kl_is_not_symmetric(device):
    # P = (0.9, 0.1), Q = (0.5, 0.5):
    #   D(P‖Q) = 0.9 log 1.8 + 0.1 log 0.2 ≈ 0.3681
    #   D(Q‖P) = 0.5 log(5/9) + 0.5 log 5  ≈ 0.5108
    p = torch.tensor([[0.9, 0.1]], dtype=torch.float64, device=device)
    q = torch.tensor([[0.5, 0.5]], dtype=torch.float64, device=device)
    forward = 0.9 * math.log(0.9 / 0.5) + 0.1 * math.log(0.1 / 0.5)
    reverse = 0.5 * math.log(0.5 / 0.9) + 0.5 * math.log(0.5 / 0.1)
    assert abs(forward - reverse) > 0.1

    assert kl_divergence(p, q).item() == pytest.approx(forward, rel=1e-12)
    assert kl_divergence(q, p).item() == pytest.approx(reverse, rel=1e-12)
    # The same as Σ p log(p/q) in NumPy -- not the reverse.
    assert kl_divergence(p, q).item() == pytest.approx(float(np_kl(p.cpu(), q.cpu())[0]))
    # F.kl_div in the mathematical order silently computes the *reverse* divergence.
    wrong = F.kl_div(p.log(), q, reduction="batchmean").item()
    assert wrong == pytest.approx(reverse, rel=1e-12)
    assert wrong != pytest.approx(kl_divergence(p, q).item())


# ---------------------------------------------------------------- zeros, infinities, NaN


def test_zero_probabilities_in_p_give_finite_values_and_gradients(device):
    p = torch.tensor(
        [[0.0, 0.5, 0.5], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype=torch.float64, device=device
    ).requires_grad_(True)
    q = torch.tensor(
        [[0.2, 0.3, 0.5], [0.7, 0.2, 0.1], [0.0, 0.4, 0.6]], dtype=torch.float64, device=device
    ).requires_grad_(True)
    out = kl_divergence(p, q, reduction="none")
    expected = np_kl(p.detach().cpu().numpy(), q.detach().cpu().numpy())
    np.testing.assert_allclose(out.detach().cpu().numpy(), expected, rtol=1e-12)
    gp, gq = torch.autograd.grad(out.sum(), (p, q))
    assert torch.isfinite(gp).all() and torch.isfinite(gq).all()
    # Where p = 0: no contribution, so no gradient to q (even where q = 0 too).
    assert (gq[p == 0] == 0).all()
    # Where p > 0: d/dq of −p log q is −p/q, as for F.kl_div.
    support = p.detach() > 0
    torch.testing.assert_close(gq[support], -(p / q).detach()[support])


def test_zero_probabilities_with_log_inputs(device):
    p = torch.tensor([[0.0, 0.25, 0.75]], dtype=torch.float64, device=device)
    q = torch.tensor([[0.5, 0.25, 0.25]], dtype=torch.float64, device=device)
    log_p = p.log().requires_grad_(True)  # contains -inf
    log_q = q.log().requires_grad_(True)
    out = kl_divergence(log_p, log_q, log_inputs=True)
    assert out.item() == pytest.approx(float(np_kl(p.cpu(), q.cpu())[0]), rel=1e-12)
    grads = torch.autograd.grad(out, (log_p, log_q))
    assert all(torch.isfinite(g).all() for g in grads)


def test_infinite_when_q_is_zero_where_p_is_positive(device):
    p = torch.tensor([[0.5, 0.5]], device=device)
    q = torch.tensor([[1.0, 0.0]], device=device)
    assert kl_divergence(p, q).item() == math.inf
    assert kl_divergence(p.log(), q.log(), log_inputs=True).item() == math.inf


def test_nan_propagates(device):
    p = torch.tensor([[0.5, math.nan]], device=device)
    q = torch.tensor([[0.5, 0.5]], device=device)
    assert torch.isnan(kl_divergence(p, q))
    p = torch.tensor([[0.0, 1.0]], device=device)
    q = torch.tensor([[math.nan, 1.0]], device=device)
    assert torch.isnan(kl_divergence(p, q))


# ---------------------------------------------------------------- log inputs


def test_log_inputs_match_probability_inputs(device):
    logits_p = torch.randn(5, 8, dtype=torch.float64, device=device)
    logits_q = torch.randn(5, 8, dtype=torch.float64, device=device)
    for reduction in REDUCTIONS:
        from_probs = kl_divergence(logits_p.softmax(-1), logits_q.softmax(-1), reduction=reduction)
        from_logs = kl_divergence(
            logits_p.log_softmax(-1),
            logits_q.log_softmax(-1),
            log_inputs=True,
            reduction=reduction,
        )
        torch.testing.assert_close(from_logs, from_probs)


def test_log_inputs_extreme_logits_are_finite(device):
    # Saturated logits: probabilities round to 0 and 1, but log_softmax keeps everything.
    logits_p = torch.tensor([[1e4, -1e4, 0.0]], device=device, requires_grad=True)
    logits_q = torch.tensor([[-1e4, 1e4, 0.0]], device=device, requires_grad=True)
    out = kl_divergence(logits_p.log_softmax(-1), logits_q.log_softmax(-1), log_inputs=True)
    # P puts all its mass on class 0, where log p − log q = 0 − (−2e4).
    assert out.item() == pytest.approx(2e4, rel=1e-6)
    out.backward()
    assert torch.isfinite(logits_p.grad).all() and torch.isfinite(logits_q.grad).all()


# ---------------------------------------------------------------- gradcheck


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("log_inputs", [False, True])
def test_gradcheck(device, reduction, log_inputs):
    p = random_distributions(3, 4, device=device)
    q = random_distributions(3, 4, device=device)
    if log_inputs:
        p, q = p.log(), q.log()
    p.requires_grad_(True)
    q.requires_grad_(True)
    assert gradcheck(
        lambda a, b: kl_divergence(a, b, log_inputs=log_inputs, reduction=reduction), (p, q)
    )


# ---------------------------------------------------------------- bad input
# Bad inputs are rows of the matrix, tests/bad_inputs.py (one test id per case).


# ---------------------------------------------------------------- gaussian_kl


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_kl_matches_numpy(device, reduction):
    mu = torch.randn(4, 3, 5, dtype=torch.float64, device=device)
    logvar = torch.randn(4, 3, 5, dtype=torch.float64, device=device)
    ours = gaussian_kl(mu, logvar, reduction=reduction)
    ref = np_reduce(np_gaussian_kl(mu.cpu().numpy(), logvar.cpu().numpy()), reduction)
    assert ours.shape == ref.shape
    np.testing.assert_allclose(ours.cpu().numpy(), ref, rtol=1e-12, atol=1e-14)


def test_gaussian_kl_matches_torch_distributions(device):
    mu = torch.randn(6, 4, dtype=torch.float64, device=device)
    logvar = torch.randn(6, 4, dtype=torch.float64, device=device)
    posterior = torch.distributions.Normal(mu, torch.exp(0.5 * logvar))
    prior = torch.distributions.Normal(torch.zeros_like(mu), torch.ones_like(mu))
    ref = torch.distributions.kl_divergence(posterior, prior).sum(-1)
    torch.testing.assert_close(gaussian_kl(mu, logvar, reduction="none"), ref)
    torch.testing.assert_close(gaussian_kl(mu, logvar), ref.mean())


def test_gaussian_kl_is_zero_at_the_prior_and_accurate_near_it(device):
    zeros = torch.zeros(2, 3, device=device)
    assert gaussian_kl(zeros, zeros).item() == 0.0
    # logvar = 1e-4 in float32: exp(lv) − 1 − lv cancels to a negative number; expm1 keeps
    # the true value ≈ lv²/4 per dimension, which must stay >= 0.
    logvar = torch.full((1, 4), 1e-4, device=device)
    out = gaussian_kl(torch.zeros_like(logvar), logvar)
    assert out.item() >= 0.0
    assert out.item() == pytest.approx(
        float(np_gaussian_kl(np.zeros((1, 4)), [[1e-4] * 4])[0]), rel=1e-2
    )


def test_gaussian_kl_extremes_finite(device):
    mu = torch.tensor([[1e4, -1e4, 0.0]], device=device, requires_grad=True)
    logvar = torch.tensor([[-50.0, 50.0, 0.0]], device=device, requires_grad=True)
    out = gaussian_kl(mu, logvar)
    assert torch.isfinite(out)
    out.backward()
    assert torch.isfinite(mu.grad).all() and torch.isfinite(logvar.grad).all()


def test_gaussian_kl_keeps_dtype_and_device(device):
    out = gaussian_kl(torch.zeros(2, 3, device=device), torch.zeros(2, 3, device=device))
    assert out.dtype == torch.float32 and out.device.type == device.type


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_gaussian_kl_gradcheck(device, reduction):
    mu = torch.randn(3, 4, dtype=torch.float64, device=device, requires_grad=True)
    logvar = torch.randn(3, 4, dtype=torch.float64, device=device, requires_grad=True)
    assert gradcheck(lambda m, v: gaussian_kl(m, v, reduction=reduction), (mu, logvar))
