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
    check_flag,
    check_ndim,
    check_open_interval,
    check_pair,
    check_positive,
    check_reduction,
    check_same_device,
    check_scalar,
    check_tensor,
    checking_values,
    float32_under_autocast,
    reduce,
)
from .checks import upstream_gradient as _upstream

__all__ = [
    "crps_gaussian",
    "gaussian_nll",
    "huber",
    "log_cosh",
    "mae",
    "mse",
    "poisson_nll",
    "quantile",
    "smooth_l1",
]


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
    pred: Tensor, target: Tensor, *, delta: float | Tensor = 1.0, reduction: Reduction = "mean"
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
        delta: where quadratic turns linear; must be > 0. A number, or a 0-d tensor
            such as :func:`lossbook.guide.huber_delta` returns (its value is read; no
            gradient reaches it).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: with ``δ = 1``, the residual ``0.5`` is on the quadratic part
    (``½·0.5² = 0.125``) and ``3`` on the linear part (``1·(3 − ½) = 2.5``):

    >>> import torch, lossbook
    >>> lossbook.huber(torch.zeros(2), torch.tensor([0.5, 3.0]), delta=1.0, reduction="none")
    tensor([0.1250, 2.5000])
    """
    delta = check_positive("delta", delta, allow_0d_tensor=True)
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


@float32_under_autocast
def smooth_l1(
    pred: Tensor, target: Tensor, *, beta: float = 1.0, reduction: Reduction = "mean"
) -> Tensor:
    r"""Smooth L1 loss (Girshick, 2015): quadratic below ``β``, the absolute error above.

    .. math::

        \ell_\beta(r) = \begin{cases}
            \tfrac12 r^2/\beta & |r| < \beta \\
            |r| - \tfrac12\beta & |r| \ge \beta
        \end{cases}

    **Not Huber with δ = β** -- the trap in torch's two names: smooth L1 is Huber
    *divided by* ``δ``, :math:`\ell_\beta = \operatorname{huber}_{\delta=\beta}/\beta`.
    Its linear tails have slope 1 whatever ``β`` (Huber's have slope ``δ``), and its
    curvature inside the band is ``1/β`` (Huber's is 1). So switching between
    ``SmoothL1Loss(beta=b)`` and ``HuberLoss(delta=b)`` rescales the loss and the
    gradients by ``b``, which an optimiser with a fixed learning rate feels (Adam
    mostly does not). ``β = 0`` is the absolute error (MAE), as in torch.

    Written with the two parts named: with ``m = min(|r|, β)``, the quadratic part
    ``½m²/β`` covers the first ``m`` units and the linear part ``|r| − m`` every unit
    beyond ``β``; their sum is the formula above on both sides.

    Equals ``torch.nn.functional.smooth_l1_loss``.

    Args:
        pred: predictions, any shape ``(*)``.
        target: targets, the same shape as ``pred``.
        beta: where the quadratic turns linear; ``>= 0`` (``0``: the absolute error).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: with ``β = 2``, the residual ``1`` is on the quadratic part
    (``½·1²/2 = 0.25``) and ``3`` on the linear part (``3 − 1 = 2``):

    >>> import torch, lossbook
    >>> lossbook.smooth_l1(torch.zeros(2), torch.tensor([1.0, 3.0]), beta=2.0, reduction="none")
    tensor([0.2500, 2.0000])
    """
    beta = check_positive("beta", beta, allow_zero=True)
    abs_r = _residual(pred, target, reduction).abs()
    if beta == 0.0:  # the band is empty: the absolute error (and no 0/0 in the gradient)
        return reduce(abs_r, reduction)
    m = abs_r.clamp(max=beta)
    quadratic = 0.5 * m.square() / beta  # ½m²/β, the first m units
    linear = abs_r - m  # |r| − m, every unit beyond β
    return reduce(quadratic + linear, reduction)


def _check_variance_shape(mean: Tensor, var: Tensor) -> Tensor:
    """``var`` as torch's ``gaussian_nll_loss`` takes it, shaped to broadcast to ``mean``.

    Allowed (torch's documented shapes, none of which enlarges the loss): ``mean``'s
    shape (one variance per element); ``mean``'s shape without its last dimension (one
    variance shared by the last dimension); or ``mean``'s shape with exactly one
    dimension equal to 1 (one variance shared along that dimension).
    """
    if var.shape == mean.shape:
        return var
    if var.shape == mean.shape[:-1] and mean.dim() > 0:
        return var.unsqueeze(-1)
    if var.dim() == mean.dim():
        differ = [k for k, (a, b) in enumerate(zip(mean.shape, var.shape, strict=True)) if a != b]
        if len(differ) == 1 and var.shape[differ[0]] == 1:
            return var
    raise ValueError(
        f"var must have mean's shape {tuple(mean.shape)}, that shape without its last "
        f"dimension, or that shape with one dimension equal to 1 (a variance shared "
        f"along it), got {tuple(var.shape)}; lossbook never broadcasts further"
    )


@float32_under_autocast
def gaussian_nll(
    mean: Tensor,
    target: Tensor,
    var: Tensor,
    *,
    eps: float = 1e-6,
    full: bool = False,
    beta: float = 0.0,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Gaussian negative log-likelihood with a predicted variance; β-NLL for ``beta > 0``.

    .. math::

        \ell = \tfrac12\Bigl(\log \sigma^2 + \frac{(y - \mu)^2}{\sigma^2}\Bigr)
               \;\bigl[+ \tfrac12\log 2\pi \text{ if full}\bigr],
        \qquad \sigma^2 = \max(\mathrm{var}, \epsilon)

    The model predicts a mean ``μ`` and a variance ``σ²`` per target (Nix & Weigend,
    1994): minimising ``ℓ`` over ``σ²`` gives ``σ² = (y − μ)²``, so the variance
    learns the size of the error it should expect -- an input-dependent
    (heteroscedastic) noise level, and calibrated intervals ``μ ± z·σ``. With ``σ²``
    fixed it is MSE up to scale and constant. Unlike the other regression losses it
    can be negative (``log σ² < 0``).

    **β-NLL** (Seitzer et al., 2022). The gradient in ``μ`` is ``(μ − y)/σ²``: where
    the model fits badly, a large ``σ²`` shrinks the pull towards the data, and the
    variance can "explain away" hard points instead of the mean learning them.
    ``beta > 0`` multiplies each term by ``stop_gradient(σ²)^β``: the value is
    weighted, and the gradient in ``μ`` becomes ``(μ − y)/σ^{2(1−β)}``. ``β = 1``
    gives MSE's gradient for the mean; ``β = 0.5`` is the paper's recommendation.
    The weight multiplies the whole term (the constant too, when ``full``).

    Equals ``torch.nn.functional.gaussian_nll_loss`` at ``beta = 0``, including two of
    its details: ``var`` is clamped to ``eps`` *without* the clamp reaching autograd
    (a clamped entry still gets the gradient of the loss at ``σ² = ε``, so a variance
    driven below ``ε`` can come back), and ``var`` may be shared along one dimension
    (the shapes below). Differences, on purpose: ``target`` must have ``mean``'s
    shape (torch lets it broadcast), and ``var`` must be a tensor (torch also takes a
    Python float; pass ``torch.full_like(mean, v)``).

    Args:
        mean: predicted means ``μ``, any shape ``(*)``.
        target: targets ``y``, the shape of ``mean``.
        var: predicted variances ``σ² ≥ 0``: ``mean``'s shape; or that shape without
            its last dimension, or with one dimension equal to 1 (a variance shared
            along it).
        eps: the smallest variance used (``var`` is clamped to it), > 0.
        full: add the constant ``½ log 2π`` (the exact negative log-density).
        beta: the β-NLL exponent in ``[0, 1]``; 0 is the plain NLL.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (``mean``'s shape).

    Example: ``μ = 0``, ``y = 1``: with ``σ² = 1`` the loss is ``½(0 + 1) = 0.5``; with
    ``σ² = e`` it is ``½(1 + 1/e) = 0.6839``:

    >>> import math, torch, lossbook
    >>> lossbook.gaussian_nll(torch.zeros(2), torch.ones(2), torch.tensor([1.0, math.e]),
    ...                       reduction="none")
    tensor([0.5000, 0.6839])
    """
    check_pair("mean", mean, "target", target)
    check_tensor("var", var)
    check_same_device(("mean", mean), ("var", var))
    var = _check_variance_shape(mean, var)
    eps = check_positive("eps", eps)
    full = check_flag("full", full)
    beta = check_scalar("beta", beta, low=0.0, high=1.0)
    check_reduction(reduction)
    if checking_values() and var.numel() and bool((var < 0).any()):
        raise ValueError(
            f"var must hold variances >= 0, got a minimum of {var.min().item():.4g}; "
            "predict log-variances and pass their exp(), or a softplus"
        )
    var = var.clone()
    with torch.no_grad():  # as torch: the clamp is invisible to autograd
        var.clamp_(min=eps)
    loss = 0.5 * (torch.log(var) + (mean - target) ** 2 / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    if beta:
        loss = loss * var.detach() ** beta  # β-NLL: weighted by stop_gradient(σ²)^β
    return reduce(loss, reduction)


@float32_under_autocast
def poisson_nll(
    pred: Tensor,
    target: Tensor,
    *,
    log_input: bool = True,
    full: bool = False,
    eps: float = 1e-8,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Poisson negative log-likelihood, for count targets.

    .. math::

        \ell = \lambda - y \log \lambda \;\bigl[+ \log y!\bigr],
        \qquad \lambda = e^{s} \text{ (log_input)} \text{ or the prediction itself}

    For counts ``y ∈ {0, 1, 2, …}`` with mean ``λ``, ``P(y) = λ^y e^{−λ}/y!``; dropping
    ``log y!`` (it does not depend on the model) leaves ``λ − y log λ``, minimised
    at ``λ = y``: the loss estimates the conditional *mean* count, like MSE, but
    weights each error by the Poisson noise of its scale (a miss of 2 at ``λ = 1``
    costs more than at ``λ = 100``).

    ``log_input=True`` (default): ``pred`` is the log-rate ``s = log λ`` and
    ``ℓ = e^s − y·s`` (no log of the prediction, convex in ``s``: the usual
    parametrisation, a linear model is then a Poisson GLM). ``log_input=False``:
    ``pred`` is the rate ``λ ≥ 0`` and ``ℓ = λ − y·log(λ + eps)``.

    ``full=True`` adds Stirling's approximation of ``log y!``,
    ``y log y − y + ½ log(2πy)``, for ``y > 1`` (0 for ``y ≤ 1``, as torch), so the
    loss approximates the exact negative log-likelihood.

    Equals ``torch.nn.functional.poisson_nll_loss``. Differences, on purpose: negative
    targets, and negative rates with ``log_input=False``, are refused (torch returns
    NaN or a meaningless number). Targets need not be integers (averaged counts work).

    Args:
        pred: log-rates ``s`` (``log_input``) or rates ``λ ≥ 0``, any shape ``(*)``.
        target: counts ``y ≥ 0``, the same shape as ``pred``.
        log_input: whether ``pred`` is the log-rate.
        full: add the Stirling term.
        eps: added to ``λ`` inside the log when ``log_input=False``, > 0.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: log-rate ``s = 0`` (``λ = 1``) against ``y = 2`` costs ``1 − 0 = 1``;
    ``s = log 2`` costs ``2 − 2 log 2 = 0.6137``:

    >>> import math, torch, lossbook
    >>> lossbook.poisson_nll(torch.tensor([0.0, math.log(2)]), torch.tensor([2.0, 2.0]),
    ...                      reduction="none")
    tensor([1.0000, 0.6137])
    """
    check_pair("pred", pred, "target", target)
    log_input = check_flag("log_input", log_input)
    full = check_flag("full", full)
    eps = check_positive("eps", eps)
    check_reduction(reduction)
    if checking_values():
        if target.numel() and bool((target < 0).any()):
            raise ValueError(
                f"target must hold counts >= 0, got a minimum of {target.min().item():.4g}"
            )
        if not log_input and pred.numel() and bool((pred < 0).any()):
            raise ValueError(
                f"pred must hold rates >= 0 when log_input=False, got a minimum of "
                f"{pred.min().item():.4g}; pass log-rates with log_input=True"
            )
    if log_input:
        loss = torch.exp(pred) - target * pred  # e^s − y·s
    else:
        loss = pred - target * torch.log(pred + eps)  # λ − y·log(λ + ε)
    if full:
        # Stirling's log y! for y > 1; computed on a safe y elsewhere (no log 0 in the graph)
        counted = target > 1
        y = torch.where(counted, target, torch.ones_like(target))
        stirling = y * torch.log(y) - y + 0.5 * torch.log(2 * math.pi * y)
        loss = loss + torch.where(counted, stirling, torch.zeros_like(stirling))
    return reduce(loss, reduction)


_SQRT_2 = math.sqrt(2.0)
_SQRT_PI = math.sqrt(math.pi)
_SQRT_2PI = math.sqrt(2.0 * math.pi)


@float32_under_autocast
def crps_gaussian(
    mean: Tensor, std: Tensor, target: Tensor, *, reduction: Reduction = "mean"
) -> Tensor:
    r"""Continuous ranked probability score of a normal forecast, in closed form.

    .. math::

        \mathrm{CRPS}(\mathcal N(\mu, \sigma^2), y)
          = \sigma\Bigl[z\,\bigl(2\Phi(z) - 1\bigr) + 2\varphi(z) - \tfrac{1}{\sqrt\pi}\Bigr],
        \qquad z = \frac{y - \mu}{\sigma}

    (Gneiting & Raftery, 2007, eq. 21.) The CRPS of a forecast distribution ``F`` is
    :math:`\int (F(x) - \mathbf 1[x \ge y])^2\,dx`, equivalently twice the pinball
    loss of its quantiles integrated over every level,
    :math:`2\int_0^1 \ell_q\bigl(y - F^{-1}(q)\bigr)\,dq`: a strictly proper scoring
    rule (its expectation is smallest when ``F`` is the true distribution), in the
    units of ``y``, that rewards sharpness and calibration together. As ``σ → 0`` it
    tends to the absolute error ``|y − μ|``; its gradient in ``μ`` is
    ``−(2Φ(z) − 1)``, bounded by 1 like MAE's. ``Φ`` is computed with ``erf``.

    Argument order: the forecast (``mean``, ``std``) first, the target last.

    Args:
        mean: predicted means ``μ``, any shape ``(*)``.
        std: predicted standard deviations ``σ > 0``, the same shape.
        target: observations ``y``, the same shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: at ``y = μ`` the score is ``σ(2φ(0) − 1/√π) = σ(√2 − 1)/√π``, ``0.2337``
    for ``σ = 1``:

    >>> import torch, lossbook
    >>> lossbook.crps_gaussian(torch.zeros(1), torch.ones(1), torch.zeros(1))
    tensor(0.2337)
    """
    check_pair("mean", mean, "target", target)
    check_pair("std", std, "target", target)
    check_reduction(reduction)
    if checking_values() and std.numel() and bool((std <= 0).any()):
        raise ValueError(
            f"std must hold standard deviations > 0, got a minimum of {std.min().item():.4g}"
        )
    z = (target - mean) / std
    cdf = 0.5 * (1.0 + torch.erf(z / _SQRT_2))  # Φ(z)
    pdf = torch.exp(-0.5 * z.square()) / _SQRT_2PI  # φ(z)
    return reduce(std * (z * (2.0 * cdf - 1.0) + 2.0 * pdf - 1.0 / _SQRT_PI), reduction)
