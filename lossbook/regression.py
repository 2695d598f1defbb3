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

import itertools
import math
from collections.abc import Sequence

import torch
from torch import Tensor

from .checks import (
    Reduction,
    check_ndim,
    check_open_interval,
    check_pair,
    check_positive,
    check_reduction,
    check_same_device,
    check_scalar,
    check_tensor,
    float32_under_autocast,
    reduce,
)
from .checks import upstream_gradient as _upstream

__all__ = ["huber", "log_cosh", "mae", "mse", "quantile"]


# --------------------------------------------------------------------------- backward
# The closed-form gradients of chapter 3 as the backward pass. Each Function saves
# only its inputs; its backward is written with differentiable torch operations, so
# second derivatives (Hessian-vector products, ``gradgradcheck``) still work.


class _MSE(torch.autograd.Function):
    r"""``ℓ = r²``, ``r = y − ŷ``;  ``∂ℓ/∂ŷ = −2r = 2(ŷ − y)``,  ``∂ℓ/∂y = 2r``."""

    @staticmethod
    def forward(ctx, pred: Tensor, target: Tensor, reduction: Reduction) -> Tensor:
        ctx.save_for_backward(pred, target)
        ctx.reduction = reduction
        r = target - pred
        return reduce(r.square_(), reduction)  # r², in place: a forward builds no graph

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        pred, target = ctx.saved_tensors
        g = _upstream(grad_output, ctx.reduction, pred.numel())
        grad_pred = 2.0 * (pred - target) * g  # ∂ℓ/∂ŷ = 2(ŷ − y)
        grad_target = -grad_pred if ctx.needs_input_grad[1] else None
        return grad_pred, grad_target, None


class _Huber(torch.autograd.Function):
    r"""``ℓ = m(|r| − m/2)``, ``m = min(|r|, δ)``;  ``∂ℓ/∂ŷ = −clamp(r, −δ, δ)``.

    The derivative in ``r`` is the residual clipped to ``[−δ, δ]`` (``r`` inside,
    ``±δ`` outside); ``r = y − ŷ``, so ``∂ℓ/∂ŷ = clamp(ŷ − y, −δ, δ)`` and
    ``∂ℓ/∂y = clamp(y − ŷ, −δ, δ)``.
    """

    @staticmethod
    def forward(ctx, pred: Tensor, target: Tensor, delta: float, reduction: Reduction) -> Tensor:
        ctx.save_for_backward(pred, target)
        ctx.delta, ctx.reduction = delta, reduction
        abs_r = (target - pred).abs_()
        m = abs_r.clamp(max=delta)
        return reduce(abs_r.sub_(m, alpha=0.5).mul_(m), reduction)  # m·(|r| − m/2)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        pred, target = ctx.saved_tensors
        g = _upstream(grad_output, ctx.reduction, pred.numel())
        delta = ctx.delta
        grad_pred = (pred - target).clamp(-delta, delta) * g  # ∂ℓ/∂ŷ = −clamp(r, −δ, δ)
        grad_target = -grad_pred if ctx.needs_input_grad[1] else None
        return grad_pred, grad_target, None, None


def _check_inputs(pred: Tensor, target: Tensor, reduction: Reduction) -> None:
    """Validate a (pred, target) pair and the reduction."""
    check_pair("pred", pred, "target", target)
    check_reduction(reduction)


def _residual(pred: Tensor, target: Tensor, reduction: Reduction) -> Tensor:
    """Validate a (pred, target) pair and the reduction; return the residual ``target - pred``."""
    _check_inputs(pred, target, reduction)
    return target - pred


@float32_under_autocast
def mse(pred: Tensor, target: Tensor, *, reduction: Reduction = "mean") -> Tensor:
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

    Example: residuals ``1`` and ``−2`` cost ``1`` and ``4``, mean ``2.5``:

    >>> import torch, lossbook
    >>> lossbook.mse(torch.tensor([1.0, 2.0]), torch.tensor([2.0, 0.0]))
    tensor(2.5000)
    """
    _check_inputs(pred, target, reduction)
    return _MSE.apply(pred, target, reduction)


@float32_under_autocast
def mae(pred: Tensor, target: Tensor, *, reduction: Reduction = "mean") -> Tensor:
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
def huber(
    pred: Tensor, target: Tensor, *, delta: float = 1.0, reduction: Reduction = "mean"
) -> Tensor:
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

    Example: with ``δ = 1``, the residual ``0.5`` is on the quadratic part
    (``½·0.5² = 0.125``) and ``3`` on the linear part (``1·(3 − ½) = 2.5``):

    >>> import torch, lossbook
    >>> lossbook.huber(torch.zeros(2), torch.tensor([0.5, 3.0]), delta=1.0, reduction="none")
    tensor([0.1250, 2.5000])
    """
    delta = check_positive("delta", delta)
    _check_inputs(pred, target, reduction)
    return _Huber.apply(pred, target, delta, reduction)


@float32_under_autocast
def log_cosh(pred: Tensor, target: Tensor, *, reduction: Reduction = "mean") -> Tensor:
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
def quantile(
    pred: Tensor,
    target: Tensor,
    *,
    q: float | Sequence[float] | Tensor = 0.5,
    crossing_penalty: float | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Quantile (pinball) loss (Koenker & Bassett, 1978), at one level or several.

    .. math:: \ell_q(r) = \max(q\,r,\ (q - 1)\,r), \qquad r = y - \hat y

    Under-prediction (``r > 0``) costs ``q`` per unit and over-prediction costs
    ``1 − q``, so the constant minimising the expected loss is the q-th
    quantile of the target distribution. ``q = 0.5`` is half the MAE.

    **Several levels at once.** With ``q`` a sequence (or 1-D tensor) of ``K``
    increasing levels, ``pred`` carries a trailing quantile dimension,
    ``(*, K)``, and ``target`` is ``(*)``: one model head predicts, say, the
    5 %, 50 % and 95 % quantiles -- a 90 % prediction interval and its median
    -- as forecasting libraries do. The loss is ``ℓ_{q_k}(y − ŷ_k)`` for every
    level; ``"none"`` returns shape ``(*, K)``, ``"mean"`` averages over every
    element and level.

    **Crossing.** Nothing forces the predicted quantiles to stay in order; a
    model can predict a 95 % quantile below its 5 % one. ``crossing_penalty=λ``
    adds ``λ·max(0, ŷ_{k−1} − ŷ_k)`` to level ``k`` (``k ≥ 1``): zero while the
    quantiles are ordered, linear in how far they cross. ``None`` (default)
    adds nothing; with one level there is nothing to cross.

    Args:
        pred: predictions ``(*)`` for one level, ``(*, K)`` for ``K`` levels.
        target: targets ``(*)``.
        q: the quantile level in the open interval (0, 1), or ``K`` strictly
            increasing levels.
        crossing_penalty: ``λ ≥ 0`` per unit of crossing, or ``None``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: the 0.1 and 0.9 quantiles of a target ``y = 1`` predicted at
    ``0`` and ``2``: both are off by one unit on their cheap side and cost
    ``0.1`` each:

    >>> import torch, lossbook
    >>> lossbook.quantile(torch.tensor([[0.0, 2.0]]), torch.tensor([1.0]), q=[0.1, 0.9],
    ...                   reduction="none")
    tensor([[0.1000, 0.1000]])
    """
    if (isinstance(q, Sequence) and not isinstance(q, str)) or (
        isinstance(q, Tensor) and q.dim() == 1
    ):
        return _multi_quantile(pred, target, q, crossing_penalty, reduction)
    q = check_open_interval("q", q, 0.0, 1.0)
    check_scalar("crossing_penalty", crossing_penalty, low=0, allow_none=True)
    r = _residual(pred, target, reduction)
    return reduce(torch.maximum(q * r, (q - 1.0) * r), reduction)


def _quantile_levels(q: Sequence[float] | Tensor) -> list[float]:
    """Validate ``K ≥ 1`` strictly increasing levels in (0, 1); return them as floats."""
    if isinstance(q, Tensor):
        check_tensor("q", q)
        check_ndim("q", q, 1, "a 1-D tensor of quantile levels")
        q = q.tolist()
    levels = [check_open_interval(f"q[{k}]", level, 0.0, 1.0) for k, level in enumerate(q)]
    if not levels:
        raise ValueError("q must hold at least one quantile level, got an empty sequence")
    if any(b <= a for a, b in itertools.pairwise(levels)):
        raise ValueError(f"q must hold strictly increasing quantile levels, got {levels}")
    return levels


def _multi_quantile(
    pred: Tensor,
    target: Tensor,
    q: Sequence[float] | Tensor,
    crossing_penalty: float | None,
    reduction: Reduction,
) -> Tensor:
    """The pinball loss of ``K`` levels: ``pred`` ``(*, K)`` against ``target`` ``(*)``."""
    levels = _quantile_levels(q)
    penalty = check_scalar("crossing_penalty", crossing_penalty, low=0, allow_none=True)
    check_tensor("pred", pred)
    check_tensor("target", target)
    expected = (*target.shape, len(levels))
    if pred.shape != expected:
        raise ValueError(
            f"pred must have shape {expected} (target's shape and one quantile dimension of "
            f"size {len(levels)}, the number of levels in q), got {tuple(pred.shape)}"
        )
    check_same_device(("pred", pred), ("target", target))
    check_reduction(reduction)
    qs = torch.tensor(levels, dtype=pred.dtype, device=pred.device)  # (K,)
    r = target.unsqueeze(-1) - pred  # (*, K)
    loss = torch.maximum(qs * r, (qs - 1.0) * r)
    if penalty:
        # λ·max(0, ŷ_{k−1} − ŷ_k), charged to the upper level k of each crossed pair
        crossing = torch.clamp(pred[..., :-1] - pred[..., 1:], min=0.0)
        loss = loss + penalty * torch.nn.functional.pad(crossing, (1, 0))
    return reduce(loss, reduction)
