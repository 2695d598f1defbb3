"""Generative models (chapter 9): the Wasserstein GAN."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from .. import adversarial as AD
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
]
