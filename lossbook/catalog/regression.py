"""Regression losses (chapter 3): profiled against the residual r = y − ŷ."""

from __future__ import annotations

import math
from typing import Any, TypedDict

import torch
from torch import Tensor

from .. import regression as R
from .profiles import residual_profile
from .spec import LossSpec


def _poisson_rate_profile(rate: Tensor, **params: Any) -> Tensor:
    """ℓ(λ) = λ − 3·log(λ + ε): the Poisson NLL of a rate λ against the count y = 3."""
    target = torch.full_like(rate, 3.0)
    return R.poisson_nll(rate, target, log_input=False, reduction="none", **params)


def _crps_profile(r: Tensor, **params: float) -> Tensor:
    """CRPS of N(0, 1) against the target r: the score as a function of the residual."""
    zero = torch.zeros_like(r)
    return R.crps_gaussian(zero, torch.ones_like(r), r, reduction="none", **params)


class _RegressionFields(TypedDict):
    """The fields these entries share (unpacked into each LossSpec, typed)."""

    family: str
    problem: str
    variable: str


_REGRESSION: _RegressionFields = {
    "family": "regression",
    "problem": "regression",
    "variable": "residual r = y − ŷ",
}

ENTRIES: list[LossSpec] = [
    LossSpec(
        name="mse",
        fn=R.mse,
        formula=r"(y - \hat y)^2",
        summary="Squares the residual: smooth and convex, but outliers dominate.",
        reference="gauss1809",
        domain=(-10.0, 10.0),
        profile=residual_profile(R.mse),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="mae",
        fn=R.mae,
        formula=r"|y - \hat y|",
        summary="Absolute residual: robust, estimates the median, kinked at zero.",
        reference="laplace1774",
        domain=(-10.0, 10.0),
        profile=residual_profile(R.mae),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="huber",
        fn=R.huber,
        formula=r"\begin{cases}\frac12 r^2 & |r|\le\delta\\ \delta(|r|-\frac12\delta) & |r|>\delta\end{cases}",
        summary="Quadratic near zero, linear in the tails: MSE's smoothness, MAE's robustness.",
        reference="huber1964",
        example_params={"delta": 1.0},
        domain=(-10.0, 10.0),
        slider=("delta", (0.25, 0.5, 1.0, 2.0, 4.0)),
        profile=residual_profile(R.huber),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="log_cosh",
        fn=R.log_cosh,
        formula=r"\log\cosh(y - \hat y)",
        summary="Like Huber but twice differentiable; gradient tanh(r) is bounded.",
        reference="wang2022survey",
        domain=(-10.0, 10.0),
        profile=residual_profile(R.log_cosh),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="quantile",
        fn=R.quantile,
        formula=r"\max\bigl(q\,r,\ (q-1)\,r\bigr),\ r = y - \hat y",
        summary="Pinball loss: asymmetric costs; its minimiser is the q-th quantile.",
        reference="koenker1978",
        example_params={"q": 0.9},
        domain=(-10.0, 10.0),
        slider=("q", (0.1, 0.25, 0.5, 0.75, 0.9)),
        profile=residual_profile(R.quantile),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_REGRESSION,
    ),
    LossSpec(
        name="smooth_l1",
        fn=R.smooth_l1,
        formula=(
            r"\begin{cases}\frac12 r^2/\beta & |r|<\beta\\ |r|-\frac12\beta & |r|\ge\beta"
            r"\end{cases}"
        ),
        summary="Huber divided by δ = β: slope-1 tails whatever β (torch's SmoothL1Loss).",
        reference="girshick2015fast",
        example_params={"beta": 1.0},
        domain=(-10.0, 10.0),
        slider=("beta", (0.25, 0.5, 1.0, 2.0, 4.0)),
        profile=residual_profile(R.smooth_l1),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="gaussian_nll",
        fn=R.gaussian_nll,
        formula=(
            r"\tfrac12\bigl(\log\sigma^2 + (y-\mu)^2/\sigma^2\bigr)\,"
            r"\bigl[\sigma^2\bigr]_{\perp}^{\beta},\ \sigma^2 = \max(v, \epsilon)"
        ),
        summary="Predicts a mean and a variance; β-NLL keeps hard points from being ignored.",
        reference="nix1994estimating",
        nonnegative=False,  # log σ² < 0 for small variances
        family="regression",
        problem="regression",
    ),
    LossSpec(
        name="poisson_nll",
        fn=R.poisson_nll,
        formula=r"\lambda - y\log(\lambda + \epsilon),\ \lambda = e^{s} \text{ or the prediction}",
        summary="Counts: the Poisson likelihood of a rate; estimates the mean count.",
        reference="nelder1972generalized",
        variable="rate λ, against the count y = 3",
        domain=(0.5, 10.0),
        support=(0.0, float("inf")),
        profile=_poisson_rate_profile,
        convex=True,
        smooth=True,
        # min over λ of λ − 3 log(λ + ε) at λ = 3 − ε: 3 − 3 log 3 − ε
        bounded_below=3.0 - 3.0 * math.log(3.0) - 1e-8,
        robust=False,
        symmetric=None,  # a rate has no negative side
        family="regression",
        problem="regression",
    ),
    LossSpec(
        name="crps_gaussian",
        fn=R.crps_gaussian,
        formula=(
            r"\sigma\bigl[z(2\Phi(z)-1) + 2\varphi(z) - 1/\sqrt\pi\bigr],"
            r"\ z = (y-\mu)/\sigma"
        ),
        summary="Proper score of a normal forecast: the pinball loss integrated over levels.",
        reference="gneiting2007strictly",
        variable="residual r = y − μ, with σ = 1",
        domain=(-10.0, 10.0),
        profile=_crps_profile,
        convex=True,
        smooth=True,
        bounded_below=(math.sqrt(2.0) - 1.0) / math.sqrt(math.pi),  # at r = 0: 2φ(0) − 1/√π
        robust=True,
        symmetric=True,
        family="regression",
        problem="regression",
    ),
]
