"""Generative models (chapter 9): the Wasserstein and hinge GANs, their penalties, and the
denoising losses of diffusion and flow matching."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from .. import adversarial as AD
from .. import generative as GE
from .spec import LossSpec

_SCORE = "critic score s of a generated sample (real score 0)"


def _fake_score_profile(s: Tensor, **params: float) -> Tensor:
    # The critic's loss as a function of one generated sample's score s, its real score 0.
    return AD.wasserstein_critic(torch.zeros_like(s), s, reduction="none", **params)


def _generator_score_profile(s: Tensor, **params: float) -> Tensor:
    return AD.wasserstein_generator(s, reduction="none", **params)


def _linear_critic(slope: Tensor) -> Callable[[Tensor], Tensor]:
    return lambda x: slope * x.sum(dim=1)


def _linear_critic_slope_profile(a: Tensor, **params: Any) -> Tensor:
    # Critic D(x) = a·x on 1-D samples: its input gradient is a everywhere, its norm |a|.
    one = torch.ones(1, 1, dtype=a.dtype, device=a.device)
    values = [
        AD.gradient_penalty(_linear_critic(s), one, -one, reduction="none", **params)
        for s in a.reshape(-1)
    ]
    return torch.cat(values).reshape(a.shape)


def _hinge_fake_score_profile(s: Tensor, **params: float) -> Tensor:
    # The hinge discriminator's loss as a function of one generated sample's score s, its
    # real score +1 (at the margin, so the real term is 0).
    return AD.hinge_gan_discriminator(torch.ones_like(s), s, reduction="none", **params)


def _hinge_generator_profile(s: Tensor, **params: float) -> Tensor:
    return AD.hinge_gan_generator(s, reduction="none", **params)


def _scaled_sum(s: Tensor) -> Callable[[Tensor], Tensor]:
    """The linear critic ``D(x) = s·Σ_j x_j``."""

    def critic(x: Tensor) -> Tensor:
        return s * x.sum(dim=1)

    return critic


def _r1_linear_critic_profile(a: Tensor, **params: float) -> Tensor:
    # Critic D(x) = a·x on 1-D samples: its input gradient is a, the penalty γ/2 · a².
    one = torch.ones(1, 1, dtype=a.dtype, device=a.device)
    values = [AD.r1_penalty(_scaled_sum(s), one, reduction="none", **params) for s in a.reshape(-1)]
    return torch.cat(values).reshape(a.shape)


ENTRIES: list[LossSpec] = [
    LossSpec(
        name="wasserstein_critic",
        family="generative",
        fn=AD.wasserstein_critic,
        formula=r"\mathbb{E}[D(\tilde x)] - \mathbb{E}[D(x)]",
        problem="training the critic of a Wasserstein GAN",
        summary="The negated Wasserstein-1 estimate; unbounded below unless the critic is Lipschitz.",
        reference="arjovsky2017wasserstein",
        variable=_SCORE,
        domain=(-10.0, 10.0),
        profile=_fake_score_profile,
        convex=True,
        smooth=True,
        bounded_below=None,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="wasserstein_generator",
        family="generative",
        fn=AD.wasserstein_generator,
        formula=r"-\mathbb{E}[D(G(z))]",
        problem="training the generator of a Wasserstein GAN",
        summary="Raise the critic's score of generated samples; no saturation when the critic wins.",
        reference="arjovsky2017wasserstein",
        variable="critic score s of a generated sample",
        domain=(-10.0, 10.0),
        profile=_generator_score_profile,
        convex=True,
        smooth=True,
        bounded_below=None,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="gradient_penalty",
        family="generative",
        fn=AD.gradient_penalty,
        formula=r"\lambda\,\mathbb{E}_{\hat x}\bigl[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\bigr]",
        problem="keeping a WGAN critic 1-Lipschitz (WGAN-GP)",
        summary="Pulls the critic's gradient norm towards 1 at random points between real and fake.",
        reference="gulrajani2017improved",
        symbols={"weight": r"\lambda"},
        example_params={"weight": 10.0},
        variable="slope a of a linear critic D(x) = a·x (gradient norm |a|)",
        domain=(-3.0, 3.0),
        profile=_linear_critic_slope_profile,
        convex=False,
        smooth=False,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
    ),
    LossSpec(
        name="hinge_gan_discriminator",
        family="generative",
        fn=AD.hinge_gan_discriminator,
        formula=r"\mathbb{E}[\max(0, 1 - D(x))] + \mathbb{E}[\max(0, 1 + D(\tilde x))]",
        problem="training the discriminator of a hinge GAN (SAGAN, BigGAN)",
        summary="The SVM hinge on raw scores: samples separated by the margin send no gradient.",
        reference="lim2017geometric",
        variable="discriminator score s of a generated sample (real score +1)",
        domain=(-10.0, 10.0),
        profile=_hinge_fake_score_profile,
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="hinge_gan_generator",
        family="generative",
        fn=AD.hinge_gan_generator,
        formula=r"-\mathbb{E}[D(G(z))]",
        problem="training the generator of a hinge GAN",
        summary="Raise the discriminator's raw score of generated samples (as WGAN's generator).",
        reference="lim2017geometric",
        variable="discriminator score s of a generated sample",
        domain=(-10.0, 10.0),
        profile=_hinge_generator_profile,
        convex=True,
        smooth=True,
        bounded_below=None,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="r1_penalty",
        family="generative",
        fn=AD.r1_penalty,
        formula=r"\frac{\gamma}{2}\,\mathbb{E}_{x \sim P_r}\bigl[\|\nabla_x D(x)\|_2^2\bigr]",
        problem="stabilising a GAN discriminator at the data (StyleGAN's regulariser)",
        summary="Pushes the discriminator's gradient at real samples to 0 (zero-centred).",
        reference="mescheder2018which",
        example_params={"gamma": 10.0},
        variable="slope a of a linear critic D(x) = a·x (gradient norm |a|)",
        domain=(-3.0, 3.0),
        profile=_r1_linear_critic_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
    ),
    LossSpec(
        name="denoising_loss",
        family="generative",
        fn=GE.denoising_loss,
        formula=r"\mathbb{E}_{t,\epsilon}\,\|f_\theta(\alpha_t x_0 + \sigma_t \epsilon, t)"
        r" - \epsilon\|^2",
        problem="training a diffusion model (predict the noise, the clean sample or v)",
        summary="Regress the noise added to the data; a weighted ELBO and score matching.",
        reference="ho2020denoising",
        nonnegative=True,
    ),
    LossSpec(
        name="flow_matching",
        family="generative",
        fn=GE.flow_matching,
        formula=r"\mathbb{E}_{t}\,\|v_\theta((1 - t) x_0 + t x_1, t) - (x_1 - x_0)\|^2",
        problem="training a flow-matching / rectified-flow generative model",
        summary="Regress the velocity of a straight path from a noise sample to a data sample.",
        reference="lipman2023flow",
        nonnegative=True,
    ),
]
