"""Divergences (chapter 5)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor

from .. import divergence as DV
from .spec import LossSpec


def _bernoulli_kl_profile(p_ref: float) -> Callable[..., Tensor]:
    # KL(P ‖ Q) for two outcomes, reference P = (p_ref, 1 − p_ref), model Q = (q, 1 − q).
    def profile(q: Tensor, **params: Any) -> Tensor:
        p = torch.tensor([p_ref, 1.0 - p_ref], dtype=q.dtype, device=q.device)
        return DV.kl_divergence(
            p.expand(*q.shape, 2), torch.stack([q, 1.0 - q], dim=-1), reduction="none", **params
        )

    return profile


def _latent_mean_profile(mu: Tensor, **params: float) -> Tensor:
    # One latent dimension with logvar = 0: the VAE term as a function of the mean alone.
    return DV.gaussian_kl(mu.unsqueeze(-1), torch.zeros_like(mu).unsqueeze(-1), reduction="none")


ENTRIES: list[LossSpec] = [
    LossSpec(
        name="kl_divergence",
        family="divergence",
        fn=DV.kl_divergence,
        formula=r"D_{\mathrm{KL}}(P\,\|\,Q) = \sum_i p_i \log\frac{p_i}{q_i}",
        problem="matching a model distribution to a reference: distillation, VAEs, KL penalties",
        summary="Extra nats paid for using Q where P is true; asymmetric, so argument order matters.",
        reference="kullback1951information",
        variable="model probability q of the first of two outcomes (reference P = (0.3, 0.7))",
        domain=(0.01, 0.99),
        support=(0.0, 1.0),
        profile=_bernoulli_kl_profile(0.3),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=None,
    ),
    LossSpec(
        name="gaussian_kl",
        family="divergence",
        fn=DV.gaussian_kl,
        formula=r"\tfrac12\sum_j\bigl(\sigma_j^2 + \mu_j^2 - 1 - \log\sigma_j^2\bigr)",
        problem="variational autoencoders: the regulariser pulling the posterior to N(0, I)",
        summary="Closed-form KL from the encoder's diagonal Gaussian to the standard normal prior.",
        reference="kingma2014auto",
        variable="latent mean μ (one dimension, log-variance 0)",
        domain=(-10.0, 10.0),
        profile=_latent_mean_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
    ),
]
