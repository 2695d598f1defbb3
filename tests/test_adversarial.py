"""Tests for lossbook.adversarial: the Wasserstein and hinge GAN losses, WGAN-GP and R1.

References: published test vectors from TF-GAN's loss tests (tensorflow/gan,
tensorflow_gan/python/losses/losses_impl_test.py: WassersteinLossTest and
GradientPenaltyTest), critics whose input gradient is known in closed form,
and float64 NumPy transcriptions written below with plain loops.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from helpers import REDUCTIONS, np_reduce
from torch import nn
from torch.autograd import gradcheck

from lossbook.adversarial import (
    gradient_penalty,
    hinge_gan_discriminator,
    hinge_gan_generator,
    r1_penalty,
    wasserstein_critic,
    wasserstein_generator,
)

# TF-GAN's discriminator outputs (tensorflow/gan, losses_impl_test.py, init_constants).
TFGAN_REAL = [-5.0, 1.4, 12.5, 2.7]
TFGAN_FAKE = [10.0, 4.4, -5.5, 3.6]


# ---------------------------------------------------------------- Wasserstein losses


def test_tfgan_wasserstein_vectors(device):
    real = torch.tensor(TFGAN_REAL, device=device)
    fake = torch.tensor(TFGAN_FAKE, device=device)
    # WassersteinLossTest: expected_d_loss = 0.225, expected_g_loss = -3.125.
    assert wasserstein_critic(real, fake).item() == pytest.approx(0.225, abs=1e-5)
    assert wasserstein_generator(fake).item() == pytest.approx(-3.125, abs=1e-5)
    # test_*_patch: the same scores shaped (2, 2), as a patch critic would give.
    assert wasserstein_critic(real.reshape(2, 2), fake.reshape(2, 2)).item() == pytest.approx(
        0.225, abs=1e-5
    )
    assert wasserstein_generator(fake.reshape(2, 2)).item() == pytest.approx(-3.125, abs=1e-5)
    # test_*_no_reduction: one value per score.
    assert wasserstein_critic(real, fake, reduction="none").shape == (4,)
    assert wasserstein_generator(fake, reduction="none").shape == (4,)


def test_critic_loss_is_the_negated_paper_objective(device):
    real = torch.randn(7, 1, dtype=torch.float64, device=device)
    fake = torch.randn(7, 1, dtype=torch.float64, device=device)
    real_np, fake_np = real.cpu().numpy().ravel(), fake.cpu().numpy().ravel()
    paper_objective = sum(real_np) / 7 - sum(fake_np) / 7  # E[D(real)] − E[D(fake)], maximised
    assert wasserstein_critic(real, fake).item() == pytest.approx(-paper_objective, rel=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_wasserstein_reductions_match_numpy(device, reduction):
    real = torch.randn(5, dtype=torch.float64, device=device)
    fake = torch.randn(5, dtype=torch.float64, device=device)
    r, f = real.cpu().numpy(), fake.cpu().numpy()
    critic_ref = {"mean": f.mean() - r.mean(), "sum": f.sum() - r.sum(), "none": f - r}
    generator_ref = {"mean": -f.mean(), "sum": -f.sum(), "none": -f}
    np.testing.assert_allclose(
        wasserstein_critic(real, fake, reduction=reduction).cpu().numpy(), critic_ref[reduction]
    )
    np.testing.assert_allclose(
        wasserstein_generator(fake, reduction=reduction).cpu().numpy(), generator_ref[reduction]
    )


def test_critic_mean_accepts_different_batch_sizes(device):
    real = torch.tensor([1.0, 2.0, 3.0], device=device)
    fake = torch.tensor([[0.5], [1.5]], device=device)
    assert wasserstein_critic(real, fake).item() == pytest.approx(1.0 - 2.0)
    # 'sum' and 'none' refuse different shapes: rows of the matrix, tests/bad_inputs.py


def test_wasserstein_gradients(device):
    real = torch.randn(4, device=device, requires_grad=True)
    fake = torch.randn(4, device=device, requires_grad=True)
    wasserstein_critic(real, fake).backward()
    torch.testing.assert_close(real.grad, torch.full_like(real, -0.25))
    torch.testing.assert_close(fake.grad, torch.full_like(fake, 0.25))
    fake.grad = None
    wasserstein_generator(fake).backward()
    torch.testing.assert_close(fake.grad, torch.full_like(fake, -0.25))


def test_wasserstein_extremes_and_dtype(device):
    real = torch.tensor([1e4, -1e4], device=device)
    fake = torch.tensor([-1e4, 1e4], device=device)
    assert torch.isfinite(wasserstein_critic(real, fake))
    assert wasserstein_critic(real, fake).dtype == torch.float32
    assert wasserstein_generator(fake.double()).dtype == torch.float64
    assert wasserstein_critic(real, fake).device.type == device.type


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_wasserstein_gradcheck(device, reduction):
    real = torch.randn(3, 2, dtype=torch.float64, device=device, requires_grad=True)
    fake = torch.randn(3, 2, dtype=torch.float64, device=device, requires_grad=True)
    assert gradcheck(lambda r, f: wasserstein_critic(r, f, reduction=reduction), (real, fake))
    assert gradcheck(lambda f: wasserstein_generator(f, reduction=reduction), (fake,))


# ---------------------------------------------------------------- gradient penalty
# Bad inputs are rows of the matrix, tests/bad_inputs.py (one test id per case).


def test_tfgan_gradient_penalty_vector(device):
    # GradientPenaltyTest: discriminator D(x) = 2·x on one sample of 4 values; the gradient is
    # 2 everywhere, its norm 4, and the penalty (4 − 1)² = 9 with TF-GAN's weight of 1.
    fake = torch.tensor([[3.1, 2.3, -12.3, 32.1]], device=device)
    real = torch.tensor([[-12.3, 23.2, 16.3, -43.2]], device=device)
    out = gradient_penalty(lambda x: 2.0 * x, real, fake, weight=1.0)
    assert out.item() == pytest.approx(9.0, abs=1e-6)
    assert gradient_penalty(lambda x: 2.0 * x, real, fake).item() == pytest.approx(90.0, abs=1e-5)


def test_linear_critic_penalty_is_analytic_per_sample_norm_not_batch_norm(device):
    # D(x) = <a, x> has gradient a for every sample, wherever x̂ falls.
    a = torch.tensor([0.6, -0.3, 1.2], dtype=torch.float64, device=device)
    n = 5
    real = torch.randn(n, 3, dtype=torch.float64, device=device)
    fake = torch.randn(n, 3, dtype=torch.float64, device=device)
    out = gradient_penalty(lambda x: x @ a, real, fake, weight=10.0)
    norm_a = math.sqrt(0.36 + 0.09 + 1.44)
    per_sample = 10.0 * (norm_a - 1.0) ** 2
    whole_batch = 10.0 * (math.sqrt(n) * norm_a - 1.0) ** 2  # the pitfall
    assert out.item() == pytest.approx(per_sample, rel=1e-12)
    assert abs(per_sample - whole_batch) > 1.0
    none = gradient_penalty(lambda x: x @ a, real, fake, weight=10.0, reduction="none")
    torch.testing.assert_close(
        none, torch.full((n,), per_sample, dtype=torch.float64, device=device)
    )


def test_norm_runs_over_all_non_batch_dims(device):
    # Images (N, C, H, W) and a linear critic with weights A of shape (C, H, W):
    # the per-sample norm is the Frobenius norm of A over channels and pixels together.
    A = torch.randn(2, 3, 3, dtype=torch.float64, device=device) * 0.2
    real = torch.randn(4, 2, 3, 3, dtype=torch.float64, device=device)
    fake = torch.randn(4, 2, 3, 3, dtype=torch.float64, device=device)
    out = gradient_penalty(lambda x: (x * A).sum(dim=(1, 2, 3)), real, fake, weight=1.0)
    frob = math.sqrt(sum(v * v for v in A.cpu().numpy().ravel()))
    assert out.item() == pytest.approx((frob - 1.0) ** 2, rel=1e-12)


def test_quadratic_critic_matches_numpy_per_sample(device):
    # D(x) = ½‖x‖² has gradient x. With real == fake, x̂ = real whatever ε is, so the penalty
    # is λ · mean_i (‖real_i‖ − 1)², a per-sample quantity that differs from sample to sample.
    real = torch.randn(6, 2, 3, dtype=torch.float64, device=device)
    out = gradient_penalty(lambda x: 0.5 * x.square().sum(dim=(1, 2)), real, real.clone())
    ref = 0.0
    for sample in real.cpu().numpy():
        ref += (math.sqrt(sum(v * v for v in sample.ravel())) - 1.0) ** 2
    ref = 10.0 * ref / 6
    batch_norm = math.sqrt(sum(v * v for v in real.cpu().numpy().ravel()))
    assert out.item() == pytest.approx(ref, rel=1e-12)
    assert out.item() != pytest.approx(10.0 * (batch_norm - 1.0) ** 2, rel=1e-3)


def test_interpolation_uses_one_epsilon_per_sample(device):
    seen = []

    def recording_critic(x):
        seen.append(x.detach().clone())
        return x.flatten(1).sum(dim=1)

    real = torch.randn(8, 2, 3, dtype=torch.float64, device=device)
    fake = torch.randn(8, 2, 3, dtype=torch.float64, device=device)
    gradient_penalty(recording_critic, real, fake)
    (x_hat,) = seen
    assert x_hat.shape == real.shape
    # x̂_i − fake_i = ε_i (real_i − fake_i) with a single ε_i per sample, in [0, 1].
    ratio = ((x_hat - fake) / (real - fake)).flatten(1)
    eps = ratio[:, 0]
    torch.testing.assert_close(ratio, eps[:, None].expand_as(ratio))
    assert ((eps >= 0) & (eps <= 1)).all()
    assert eps.unique().numel() == 8  # not one ε for the whole batch


def test_generator_makes_the_penalty_reproducible(device):
    real = torch.randn(6, 3, device=device)
    fake = torch.randn(6, 3, device=device)

    def critic(x):
        return x.square().sum(dim=1)

    def run(seed):
        return gradient_penalty(critic, real, fake, generator=torch.Generator().manual_seed(seed))

    assert run(1).item() == run(1).item()
    assert run(1).item() != run(2).item()


def test_zero_gradient_critic_gives_finite_gradients(device):
    # D(x) = w·Σx + b with w = 0: the input gradient is exactly 0, where ‖g‖ has no derivative.
    w = torch.zeros((), dtype=torch.float64, device=device, requires_grad=True)
    b = torch.ones((), dtype=torch.float64, device=device, requires_grad=True)
    real = torch.randn(4, 3, dtype=torch.float64, device=device)
    fake = torch.randn(4, 3, dtype=torch.float64, device=device)
    out = gradient_penalty(lambda x: w * x.sum(dim=1) + b, real, fake, weight=10.0)
    assert out.item() == pytest.approx(10.0)  # λ (0 − 1)²
    (grad_w,) = torch.autograd.grad(out, w)
    assert torch.isfinite(grad_w)


def test_constant_critic(device):
    # Scores that do not depend on the input at all, with and without a parameter.
    b = torch.zeros(1, device=device, requires_grad=True)
    real = torch.randn(3, 2, device=device)
    fake = torch.randn(3, 2, device=device)
    out = gradient_penalty(lambda x: b.expand(x.shape[0]), real, fake, weight=2.0)
    assert out.item() == pytest.approx(2.0)
    out = gradient_penalty(lambda x: torch.zeros(x.shape[0], device=device), real, fake)
    assert out.item() == pytest.approx(10.0)


def test_double_backward_reaches_critic_parameters(device):
    critic = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).to(device)
    real = torch.randn(5, 3, device=device)
    fake = torch.randn(5, 3, device=device, requires_grad=True)  # e.g. a generator's output
    out = gradient_penalty(critic, real, fake)
    out.backward()
    *shaping, last_bias = critic.parameters()
    for param in shaping:
        assert param.grad is not None and torch.isfinite(param.grad).all()
    assert last_bias.grad is None  # a constant offset does not change ∇ₓD: no gradient
    assert fake.grad is None  # real and fake are detached: nothing flows to the generator


def test_gradcheck_with_respect_to_critic_parameters(device):
    real = torch.randn(3, 2, dtype=torch.float64, device=device)
    fake = torch.randn(3, 2, dtype=torch.float64, device=device)
    weights = torch.randn(2, 4, dtype=torch.float64, device=device, requires_grad=True)

    def penalty_of(w, reduction):
        def critic(x):
            return torch.tanh(x @ w).sum(dim=1)

        gen = torch.Generator().manual_seed(0)  # the same ε at every evaluation
        return gradient_penalty(critic, real, fake, generator=gen, reduction=reduction)

    for reduction in REDUCTIONS:
        assert gradcheck(lambda w, r=reduction: penalty_of(w, r), (weights,))


def test_works_under_no_grad_and_keeps_dtype(device):
    real = torch.randn(2, 3, device=device)
    fake = torch.randn(2, 3, device=device)
    with torch.no_grad():
        out = gradient_penalty(lambda x: 2.0 * x.sum(dim=1), real, fake, weight=1.0)
    assert out.item() == pytest.approx((2.0 * math.sqrt(3.0) - 1.0) ** 2, rel=1e-5)
    assert out.dtype == torch.float32 and out.device.type == device.type


def test_gradient_penalty_extremes_finite(device):
    real = torch.full((2, 3), 1e4, device=device)
    fake = torch.full((2, 3), -1e4, device=device)
    w = torch.ones(3, device=device, requires_grad=True)
    out = gradient_penalty(lambda x: torch.tanh(x @ w), real, fake)
    out.backward()
    assert torch.isfinite(out) and torch.isfinite(w.grad).all()


# ---------------------------------------------------------------- hinge GAN (Lim & Ye, 2017)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_hinge_gan_matches_numpy(device, reduction):
    real = 2 * torch.randn(7, dtype=torch.float64, device=device)
    fake = 2 * torch.randn(7, dtype=torch.float64, device=device)
    r, f = real.cpu().numpy(), fake.cpu().numpy()
    real_term = np.array([max(0.0, 1.0 - v) for v in r])  # eq. 7: E[max(0, 1 − D(x))]
    fake_term = np.array([max(0.0, 1.0 + v) for v in f])  # + E[max(0, 1 + D(G(z)))]
    want = {
        "mean": real_term.mean() + fake_term.mean(),
        "sum": real_term.sum() + fake_term.sum(),
        "none": real_term + fake_term,
    }[reduction]
    got = hinge_gan_discriminator(real, fake, reduction=reduction)
    np.testing.assert_allclose(got.cpu().numpy(), want, rtol=1e-12)
    np.testing.assert_allclose(
        hinge_gan_generator(fake, reduction=reduction).cpu().numpy(),
        {"mean": -f.mean(), "sum": -f.sum(), "none": -f}[reduction],
        rtol=1e-12,
    )


def test_hinge_gan_ignores_samples_beyond_the_margin(device):
    real = torch.tensor([3.0, 0.5], device=device, requires_grad=True)
    fake = torch.tensor([-2.0, 0.0, 4.0], device=device, requires_grad=True)  # sizes may differ
    loss = hinge_gan_discriminator(real, fake)
    assert loss.item() == pytest.approx(0.5 / 2 + (0.0 + 1.0 + 5.0) / 3)
    loss.backward()
    torch.testing.assert_close(real.grad, torch.tensor([0.0, -0.5], device=device))
    torch.testing.assert_close(fake.grad, torch.tensor([0.0, 1 / 3, 1 / 3], device=device))


def test_hinge_gan_gradcheck():
    real = torch.tensor([0.3, 2.0, -1.5], dtype=torch.float64, requires_grad=True)
    fake = torch.tensor([-0.2, 0.7, -3.0], dtype=torch.float64, requires_grad=True)  # no kinks
    for reduction in REDUCTIONS:
        assert gradcheck(
            lambda r, f, red=reduction: hinge_gan_discriminator(r, f, reduction=red), (real, fake)
        )
        assert gradcheck(lambda f, red=reduction: hinge_gan_generator(f, reduction=red), (fake,))


# ---------------------------------------------------------------- R1 (Mescheder et al., 2018)


def test_r1_linear_critic_is_analytic(device):
    a = torch.tensor([0.6, -0.3, 1.2], dtype=torch.float64, device=device)
    real = torch.randn(5, 3, dtype=torch.float64, device=device)
    out = r1_penalty(lambda x: x @ a, real, gamma=4.0)
    assert out.item() == pytest.approx(4.0 / 2 * (0.36 + 0.09 + 1.44), rel=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_r1_quadratic_critic_matches_numpy_per_sample(device, reduction):
    # D(x) = ½‖x‖² has gradient x: the penalty of sample i is γ/2 ‖x_i‖², over all its dims.
    real = torch.randn(6, 2, 3, dtype=torch.float64, device=device)
    out = r1_penalty(lambda x: 0.5 * x.square().sum(dim=(1, 2)), real, reduction=reduction)
    per_sample = [10.0 / 2 * sum(v * v for v in x.ravel()) for x in real.cpu().numpy()]
    np.testing.assert_allclose(
        out.detach().cpu().numpy(), np_reduce(per_sample, reduction), rtol=1e-12
    )


def test_r1_is_differentiable_in_the_critic_and_detaches_real(device):
    critic = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).to(device)
    real = torch.randn(5, 3, device=device, requires_grad=True)
    r1_penalty(critic, real).backward()
    first = critic[0].weight
    assert first.grad is not None and first.grad.abs().sum() > 0
    assert real.grad is None


def test_r1_gradcheck_with_respect_to_critic_parameters():
    real = torch.randn(3, 2, dtype=torch.float64)
    weights = torch.randn(2, 4, dtype=torch.float64, requires_grad=True)
    for reduction in REDUCTIONS:
        assert gradcheck(
            lambda w, r=reduction: r1_penalty(
                lambda x: torch.tanh(x @ w).sum(dim=1), real, reduction=r
            ),
            (weights,),
        )


def test_r1_compiled_has_the_eager_double_backward():
    torch.manual_seed(0)
    critic = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1)).double()
    real = torch.randn(6, 3, dtype=torch.float64)
    params = list(critic.parameters())

    def run(fn):
        penalty = fn(lambda x: critic(x).squeeze(-1), real, gamma=10.0)
        return penalty, torch.autograd.grad(
            penalty, params, allow_unused=True, materialize_grads=True
        )

    eager = run(r1_penalty)
    torch._dynamo.reset()
    graph = run(torch.compile(r1_penalty, fullgraph=True, backend="aot_eager"))
    torch.testing.assert_close(graph, eager)
