"""Tests for lossbook.generative: the diffusion (denoising) loss and flow matching.

References: float64 NumPy transcriptions of the papers' formulas written below (the
schedules of Nichol & Dhariwal 2021 and Song et al. 2021, DDPM's discrete linear
schedule from Ho et al. 2020, the targets of Ho et al. 2020 and Salimans & Ho 2022,
the straight path of Lipman et al. 2023 / Liu et al. 2023), and closed-form optimal
predictors for Gaussian data: the loss of the Bayes-optimal denoiser is the minimum.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from helpers import REDUCTIONS, np_reduce
from torch.autograd import gradcheck

import lossbook as lb
from lossbook.generative import noise_schedule

SCHEDULES = ["cosine", "linear"]
TARGETS = ["eps", "x0", "v"]


def np_schedule(t: np.ndarray, schedule: str) -> tuple[np.ndarray, np.ndarray]:
    """α_t, σ_t transcribed from the papers, in float64."""
    t = np.asarray(t, dtype=np.float64)
    if schedule == "cosine":  # Nichol & Dhariwal (2021), eq. 17 with s = 0: ᾱ_t = cos²(πt/2)
        return np.cos(t * math.pi / 2), np.sin(t * math.pi / 2)
    # Song et al. (2021), VP SDE: α_t = exp(−¼t²(β_max − β_min) − ½tβ_min), β 0.1 → 20
    alpha = np.exp(-0.25 * t**2 * (20.0 - 0.1) - 0.5 * t * 0.1)
    return alpha, np.sqrt(1.0 - alpha**2)


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


# ---------------------------------------------------------------- the forward process


@pytest.mark.parametrize("schedule", SCHEDULES)
def test_schedule_matches_the_transcription_and_preserves_variance(schedule):
    t = torch.linspace(0, 1, 101, dtype=torch.float64)
    alpha, sigma = noise_schedule(t, schedule)
    np_alpha, np_sigma = np_schedule(t.numpy(), schedule)
    np.testing.assert_allclose(alpha.numpy(), np_alpha, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(sigma.numpy(), np_sigma, rtol=1e-10, atol=1e-15)
    np.testing.assert_allclose((alpha**2 + sigma**2).numpy(), 1.0, rtol=1e-12)
    assert alpha[0].item() == 1.0 and sigma[0].item() == 0.0  # t = 0: the data
    assert sigma[-1].item() > 0.9999  # t = 1: (almost) pure noise


def test_linear_schedule_is_ddpms_discrete_schedule_in_the_limit():
    # Ho et al. (2020): T = 1000 steps, β_i linear from 1e-4 to 0.02, ᾱ_i = Π_{j<=i} (1 − β_j).
    betas = np.linspace(1e-4, 0.02, 1000)
    alpha_bar = np.cumprod(1.0 - betas)
    steps = np.array([100, 250, 500, 750])
    t = torch.tensor(steps / 1000.0, dtype=torch.float64)
    alpha, _ = noise_schedule(t, "linear")
    np.testing.assert_allclose(alpha.numpy() ** 2, alpha_bar[steps - 1], rtol=0.03)


@pytest.mark.parametrize("schedule", SCHEDULES)
@pytest.mark.parametrize("level", [0.1, 0.5, 0.9])
def test_forward_process_marginals(schedule, level):
    # x_t | x0 ~ N(α_t x0, σ_t²): measured on 200 000 draws at one noise level.
    seen = []

    def recording(x, t):
        seen.append(x.detach().clone())
        return torch.zeros_like(x)

    n, c = 200_000, 1.7
    t = torch.full((n,), level, dtype=torch.float64)
    lb.denoising_loss(recording, torch.full((n, 1), c, dtype=torch.float64), t=t, schedule=schedule)
    (x_t,) = seen
    alpha, sigma = (v.item() for v in np_schedule(np.array(level), schedule))
    tolerance = 5 * sigma / math.sqrt(n)  # five standard errors
    assert abs(x_t.mean().item() - alpha * c) < tolerance
    assert abs(x_t.std().item() - sigma) < 5 * sigma * math.sqrt(2 / n)
    # the same draws: the mean moves by exactly α c
    seen.clear()
    for x0 in (0.0, c):
        data = torch.full((8, 1), x0, dtype=torch.float64)
        lb.denoising_loss(recording, data, t=t[:8], schedule=schedule, generator=_gen(3))
    torch.testing.assert_close(
        seen[1] - seen[0], torch.full((8, 1), alpha * c, dtype=torch.float64)
    )


# ---------------------------------------------------------------- the loss, transcribed


def _np_denoising(x0, t, eps, weight, bias, schedule, target):
    """The loss per example in NumPy: a linear model f(x, t) = x W + t b."""
    alpha, sigma = np_schedule(t, schedule)
    alpha, sigma = alpha[:, None], sigma[:, None]
    x_t = alpha * x0 + sigma * eps
    pred = x_t @ weight + t[:, None] * bias
    wanted = {"eps": eps, "x0": x0, "v": alpha * eps - sigma * x0}[target]
    return ((pred - wanted) ** 2).mean(axis=1)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_denoising_loss_matches_numpy(schedule, target, reduction):
    g = _gen(1)
    x0 = torch.randn(6, 3, generator=g, dtype=torch.float64)
    weight = torch.randn(3, 3, generator=g, dtype=torch.float64)
    bias = torch.randn(3, generator=g, dtype=torch.float64)

    def model(x, t):
        return x @ weight + t[:, None] * bias

    out = lb.denoising_loss(
        model, x0, schedule=schedule, target=target, generator=_gen(7), reduction=reduction
    )
    # the documented draws: t ~ U(0, 1) per example, then ε, from the generator in that order
    g = _gen(7)
    t = torch.rand(6, generator=g, dtype=torch.float64).numpy()
    eps = torch.randn(6, 3, generator=g, dtype=torch.float64).numpy()
    ref = _np_denoising(x0.numpy(), t, eps, weight.numpy(), bias.numpy(), schedule, target)
    np.testing.assert_allclose(out.numpy(), np_reduce(ref, reduction), rtol=1e-12)


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_a_model_that_knows_the_answer_has_zero_loss(schedule, target):
    # The targets' algebra: v = α ε − σ x0, so x0 = α x_t − σ v and ε = σ x_t + α v.
    x0 = torch.randn(50, 2, generator=_gen(2), dtype=torch.float64)
    t = torch.linspace(0.05, 0.95, 50, dtype=torch.float64)
    alpha, sigma = (torch.from_numpy(v)[:, None] for v in np_schedule(t.numpy(), schedule))

    def oracle(x_t, t_seen):
        assert torch.equal(t_seen, t)
        eps = (x_t - alpha * x0) / sigma
        v = alpha * eps - sigma * x0
        torch.testing.assert_close(alpha * x_t - sigma * v, x0)
        torch.testing.assert_close(sigma * x_t + alpha * v, eps)
        return {"eps": eps, "x0": x0, "v": v}[target]

    out = lb.denoising_loss(oracle, x0, schedule=schedule, target=target, t=t)
    assert out.item() < 1e-24


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("schedule", SCHEDULES)
def test_the_optimal_denoiser_of_a_gaussian_attains_the_minimum(schedule, target):
    # x0 ~ N(μ, s² I). Then x_t ~ N(αμ, (α²s² + σ²) I) and, with k = α s² / (α²s² + σ²),
    #   E[x0 | x_t] = μ + k (x_t − αμ),  E[ε | x_t] = σ (x_t − αμ) / (α²s² + σ²),
    # and v's conditional mean is α E[ε|x_t] − σ E[x0|x_t]. The ε-loss's minimum at level t is
    # the conditional variance α²s² / (α²s² + σ²) (per coordinate); x0's is σ²s²/(α²s² + σ²).
    n, mu, s = 40_000, torch.tensor([1.0, -2.0], dtype=torch.float64), 0.5
    x0 = mu + s * torch.randn(n, 2, generator=_gen(4), dtype=torch.float64)
    t = torch.rand(n, generator=_gen(5), dtype=torch.float64) * 0.98 + 0.01

    def denoiser(scale: float = 1.0, shift: float = 0.0):
        def model(x_t, t):
            alpha, sigma = noise_schedule(t, schedule)
            alpha, sigma = alpha[:, None], sigma[:, None]
            var = alpha**2 * s**2 + sigma**2
            centred = x_t - alpha * mu
            eps_hat = scale * sigma * centred / var + shift
            x0_hat = mu + scale * alpha * s**2 * centred / var + shift
            return {"eps": eps_hat, "x0": x0_hat, "v": alpha * eps_hat - sigma * x0_hat}[target]

        return model

    def loss(model):
        return lb.denoising_loss(
            model, x0, schedule=schedule, target=target, t=t, generator=_gen(6)
        )

    best = loss(denoiser()).item()
    alpha, sigma = np_schedule(t.numpy(), schedule)
    var = alpha**2 * s**2 + sigma**2
    minimum = {
        "eps": alpha**2 * s**2 / var,
        "x0": sigma**2 * s**2 / var,
        "v": s**2 / var,  # Var(αε − σx0 | x_t) = (α² + σ²) s² / var for a VP schedule
    }[target].mean()
    assert best == pytest.approx(minimum, rel=0.03)
    for scale, shift in ((0.9, 0.0), (1.1, 0.0), (1.0, 0.05), (1.0, -0.05)):
        assert loss(denoiser(scale, shift)).item() > best


@pytest.mark.parametrize("target", TARGETS)
def test_denoising_gradcheck(target):
    x0 = torch.randn(4, 2, generator=_gen(8), dtype=torch.float64, requires_grad=True)
    weight = torch.randn(3, 2, generator=_gen(9), dtype=torch.float64, requires_grad=True)

    def loss(x0, weight):
        def model(x, t):
            return torch.tanh(torch.cat([x, t[:, None]], dim=1) @ weight)

        return lb.denoising_loss(model, x0, target=target, generator=_gen(10), reduction="none")

    assert gradcheck(loss, (x0, weight))


def test_draws_follow_the_generator_and_t_lies_in_the_unit_interval():
    seen = []

    def model(x, t):
        seen.append(t.clone())
        return torch.zeros_like(x)

    x0 = torch.zeros(1000, 2, dtype=torch.float64)
    a = lb.denoising_loss(model, x0, generator=_gen(1))
    b = lb.denoising_loss(model, x0, generator=_gen(1))
    c = lb.denoising_loss(model, x0, generator=_gen(2))
    assert a.item() == b.item() != c.item()
    assert ((seen[0] >= 0) & (seen[0] <= 1)).all() and seen[0].unique().numel() == 1000
    assert seen[0].dtype == torch.float64


def test_keeps_dtype_and_works_on_images(device):
    x0 = torch.randn(3, 2, 4, 4, device=device)  # (N, C, H, W): t broadcasts per example
    out = lb.denoising_loss(lambda x, t: x * t[:, None, None, None], x0, reduction="none")
    assert out.shape == (3,) and out.dtype == torch.float32 and out.device.type == device.type


# ---------------------------------------------------------------- flow matching


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_flow_matching_matches_numpy(reduction):
    g = _gen(11)
    x0, x1 = (torch.randn(5, 3, generator=g, dtype=torch.float64) for _ in range(2))
    weight = torch.randn(3, 3, generator=g, dtype=torch.float64)

    def model(x, t):
        return x @ weight + t[:, None]

    out = lb.flow_matching(model, x0, x1, generator=_gen(12), reduction=reduction)
    t = torch.rand(5, generator=_gen(12), dtype=torch.float64).numpy()[:, None]
    a, b = x0.numpy(), x1.numpy()
    x_t = (1 - t) * a + t * b  # the straight path from noise (t = 0) to data (t = 1)
    ref = ((x_t @ weight.numpy() + t - (b - a)) ** 2).mean(axis=1)
    np.testing.assert_allclose(out.numpy(), np_reduce(ref, reduction), rtol=1e-12)


def test_flow_matching_optimal_velocity_of_gaussians_attains_the_minimum():
    # x0 ~ N(0, 1), x1 ~ N(μ, s²) independent, per coordinate. x_t = (1−t)x0 + t x1 and
    # u = x1 − x0 are jointly Gaussian: E[u | x_t] = μ + c/V (x_t − tμ), c = t s² − (1 − t),
    # V = (1 − t)² + t² s², and the minimum is Var(u | x_t) = 1 + s² − c²/V.
    n, mu, s = 40_000, 2.0, 0.5
    x0 = torch.randn(n, 1, generator=_gen(13), dtype=torch.float64)
    x1 = mu + s * torch.randn(n, 1, generator=_gen(14), dtype=torch.float64)
    t = torch.rand(n, generator=_gen(15), dtype=torch.float64)

    def velocity(scale: float = 1.0, shift: float = 0.0):
        def model(x_t, t):
            t = t[:, None]
            c, v = t * s**2 - (1 - t), (1 - t) ** 2 + t**2 * s**2
            return mu + shift + scale * c / v * (x_t - t * mu)

        return model

    best = lb.flow_matching(velocity(), x0, x1, t=t).item()
    tn = t.numpy()
    c, v = tn * s**2 - (1 - tn), (1 - tn) ** 2 + tn**2 * s**2
    assert best == pytest.approx((1 + s**2 - c**2 / v).mean(), rel=0.03)
    for scale, shift in ((0.9, 0.0), (1.1, 0.0), (1.0, 0.05)):
        assert lb.flow_matching(velocity(scale, shift), x0, x1, t=t).item() > best


def test_flow_matching_gradcheck():
    x0 = torch.randn(4, 2, generator=_gen(16), dtype=torch.float64, requires_grad=True)
    x1 = torch.randn(4, 2, generator=_gen(17), dtype=torch.float64, requires_grad=True)

    def loss(x0, x1):
        return lb.flow_matching(lambda x, t: torch.sin(x) * t[:, None], x0, x1, generator=_gen(18))

    assert gradcheck(loss, (x0, x1))


# ---------------------------------------------------------------- Module forms


def test_modules_equal_their_functions():
    x0 = torch.randn(6, 2, generator=_gen(19), dtype=torch.float64)

    def model(x, t):
        return x * t[:, None]

    module = lb.nn.DenoisingLoss(schedule="linear", target="v", reduction="none")
    assert repr(module) == "DenoisingLoss(schedule='linear', target='v', reduction='none')"
    torch.testing.assert_close(
        module(model, x0, generator=_gen(20)),
        lb.denoising_loss(
            model, x0, schedule="linear", target="v", generator=_gen(20), reduction="none"
        ),
        rtol=0,
        atol=0,
    )
    t = torch.full((6,), 0.3, dtype=torch.float64)
    torch.testing.assert_close(
        lb.nn.FlowMatchingLoss()(model, x0, -x0, t=t), lb.flow_matching(model, x0, -x0, t=t)
    )
    with pytest.raises(ValueError, match=r"^schedule must be one of \('cosine', 'linear'\)"):
        lb.nn.DenoisingLoss(schedule="sigmoid")
    with pytest.raises(ValueError, match=r"^target must be one of \('eps', 'x0', 'v'\)"):
        lb.nn.DenoisingLoss(target="score")
