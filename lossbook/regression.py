"""Regression losses: how far is a real-valued prediction from its target?

Every function takes ``pred`` and ``target`` of the same shape (any shape; no
broadcasting) and works on the residual. Two sign conventions appear in the
literature; this module writes ``r = target - pred`` everywhere, so a positive
residual means the model *under*-predicted. Symmetric losses do not care.

Each loss is the negative log-likelihood of a noise model, up to constants:
MSE is Gaussian noise, MAE is Laplace noise, the pinball loss is an asymmetric
Laplace whose minimiser is the q-th quantile. Chapter 3 of the book shows these.

Shapes: ``pred``, ``target``: ``(*)``; the result is a scalar for
``reduction="mean"``/``"sum"`` and ``(*)`` for ``"none"``.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from .checks import (
    check_open_interval,
    check_positive,
    check_reduction,
    check_same_device,
    check_same_shape,
    check_tensor,
    float32_under_autocast,
    reduce,
)

__all__ = ["huber", "log_cosh", "mae", "mse", "quantile"]


def _residual(pred: Tensor, target: Tensor, reduction: str) -> Tensor:
    """Validate a (pred, target) pair and return the residual ``target - pred``."""
    check_tensor("pred", pred)
    check_tensor("target", target)
    check_same_shape("pred", pred, "target", target)
    check_same_device(("pred", pred), ("target", target))
    check_reduction(reduction)
    return target - pred


@float32_under_autocast
def mse(pred: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    r"""Mean squared error.

    .. math:: \ell(r) = r^2, \qquad r = y - \hat y

    The negative log-likelihood of Gaussian noise with fixed variance, up to a
    constant; its minimiser over a constant prediction is the *mean* of the
    targets. Smooth and convex, but its gradient ``-2r`` grows with the
    residual, so a single outlier can dominate a batch.

    Equals ``torch.nn.functional.mse_loss``.

    Args:
        pred: predictions, any shape ``(*)``.
        target: targets, the same shape as ``pred``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    r = _residual(pred, target, reduction)
    return reduce(r.square(), reduction)


@float32_under_autocast
def mae(pred: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    r"""Mean absolute error (L1 loss).

    .. math:: \ell(r) = |r|

    The negative log-likelihood of Laplace noise; its minimiser over a constant
    prediction is the *median*, which is why MAE shrugs off outliers: every
    residual pulls with the same force ``±1`` however large it is. Not
    differentiable at ``r = 0``; autograd uses the subgradient ``0`` there
    (``sign(0) = 0``), as ``torch.nn.functional.l1_loss`` does.

    Args:
        pred: predictions, any shape ``(*)``.
        target: targets, the same shape as ``pred``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    r = _residual(pred, target, reduction)
    return reduce(r.abs(), reduction)


@float32_under_autocast
def huber(pred: Tensor, target: Tensor, *, delta: float = 1.0, reduction: str = "mean") -> Tensor:
    r"""Huber loss (Huber, 1964): quadratic near zero, linear in the tails.

    .. math::

        \ell_\delta(r) = \begin{cases}
            \tfrac12 r^2 & |r| \le \delta \\
            \delta\,(|r| - \tfrac12\delta) & |r| > \delta
        \end{cases}

    Written without a branch: with ``m = min(|r|, δ)``,
    ``ℓ = ½·m² + δ·(|r| − m) = m·(|r| − m/2)`` -- the quadratic part covers the
    first ``m`` units of the residual and every unit beyond ``δ`` costs ``δ``.
    (The factored form needs fewer passes over the data; same value.) The gradient
    is the residual clipped to ``[-δ, δ]``, so outliers pull with bounded force
    while small errors keep MSE's smooth, shrinking gradient.

    Equals ``torch.nn.functional.huber_loss`` (not ``smooth_l1_loss``, which
    divides by ``δ``).

    Args:
        pred: predictions, any shape ``(*)``.
        target: targets, the same shape as ``pred``.
        delta: where quadratic turns linear; must be > 0.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    delta = check_positive("delta", delta)
    r = _residual(pred, target, reduction)
    abs_r = r.abs()
    m = abs_r.clamp(max=delta)
    return reduce(m * (abs_r - 0.5 * m), reduction)


@float32_under_autocast
def log_cosh(pred: Tensor, target: Tensor, *, reduction: str = "mean") -> Tensor:
    r"""Log-cosh loss: behaves like ``r²/2`` near zero and like ``|r| − log 2`` far away.

    .. math:: \ell(r) = \log\cosh r

    Numerical stability: ``cosh(r)`` overflows float32 for ``|r| > 89``, so the
    direct formula returns ``inf``. Using ``cosh r = e^{|r|}(1 + e^{-2|r|})/2``,

    .. math:: \log\cosh r = |r| + \operatorname{softplus}(-2|r|) - \log 2,

    where every term is finite for any finite ``r``. Its gradient is
    ``tanh(r)``: smooth everywhere (unlike Huber, twice differentiable) and
    bounded by 1 (robust like MAE).

    Args:
        pred: predictions, any shape ``(*)``.
        target: targets, the same shape as ``pred``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    r = _residual(pred, target, reduction)
    abs_r = r.abs()
    loss = abs_r + torch.nn.functional.softplus(-2.0 * abs_r) - math.log(2.0)
    return reduce(loss, reduction)


@float32_under_autocast
def quantile(pred: Tensor, target: Tensor, *, q: float = 0.5, reduction: str = "mean") -> Tensor:
    r"""Quantile (pinball) loss (Koenker & Bassett, 1978).

    .. math:: \ell_q(r) = \max(q\,r,\ (q - 1)\,r), \qquad r = y - \hat y

    Under-prediction (``r > 0``) costs ``q`` per unit and over-prediction costs
    ``1 − q``, so the constant minimising the expected loss is the q-th
    quantile of the target distribution. ``q = 0.5`` is half the MAE. Training
    two heads at ``q = 0.05`` and ``q = 0.95`` gives a 90 % prediction interval.

    Args:
        pred: predictions, any shape ``(*)``.
        target: targets, the same shape as ``pred``.
        q: the quantile, in the open interval (0, 1).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    q = check_open_interval("q", q, 0.0, 1.0)
    r = _residual(pred, target, reduction)
    return reduce(torch.maximum(q * r, (q - 1.0) * r), reduction)
