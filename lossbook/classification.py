"""Classification losses: scoring predicted classes against true ones.

Two input conventions, as in ``torch.nn.functional``:

* *logits* -- unnormalised scores, any real number. The stable choice: every
  loss here that takes logits works in log space (``log_softmax``,
  ``softplus``) and never forms a probability it then takes the log of.
* *probs* -- probabilities in ``[0, 1]``, for :func:`binary_cross_entropy`
  only, which clamps its logs at ``-100`` like PyTorch so that ``p = 0`` or
  ``p = 1`` gives a large finite loss rather than ``inf``.

Label conventions: class indices ``0..C-1`` (``torch.long``) for the
multi-class losses, ``{0, 1}`` (float) for the binary ones, and ``{-1, +1}``
for the margin (SVM) losses :func:`hinge` and :func:`squared_hinge`.
"""

from __future__ import annotations

import math
import numbers

import torch
import torch.nn.functional as F
from torch import Tensor

from .checks import (
    Reduction,
    check_binary_labels,
    check_class_indices,
    check_index_target,
    check_int,
    check_integer_tensor,
    check_pair,
    check_plus_minus_one,
    check_probabilities,
    check_reduction,
    check_same_device,
    check_same_shape,
    check_scalar,
    check_tensor,
    check_weight,
    float32_under_autocast,
    reduce,
)
from .checks import upstream_gradient as _upstream

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "hinge",
    "sigmoid_focal",
    "softmax_focal",
    "squared_hinge",
]


def _check_class_weight(
    weight: Tensor | None, num_classes: int, logits: Tensor, name: str = "weight"
) -> Tensor | None:
    return check_weight(
        name,
        weight,
        input_name="logits",
        input=logits,
        shape=(num_classes,),
        what="one weight per class",
    )


def _check_element_weight(
    name: str, weight: Tensor | None, input_name: str, input: Tensor, what: str = ""
) -> Tensor | None:
    """An optional weight that broadcasts to ``input``'s shape without growing it."""
    return check_weight(
        name,
        weight,
        input_name=input_name,
        input=input,
        shape=input.shape,
        what=what or "one weight per element",
        broadcast=True,
    )


def _check_logits(
    logits: Tensor, target: Tensor | None = None, *, binary: str = "", unbatched: bool = False
) -> None:
    """Validate batched multi-class logits of shape (N, C, d1, ...).

    ``binary`` names the loss to use instead when (N,) logits come with an (N,)
    target: one logit per example is a binary problem, not a one-class softmax.
    ``unbatched``: the loss accepts (C,) logits (so a 1-D input is a target problem).
    """
    check_tensor("logits", logits)
    if logits.dim() >= 2:
        return
    shape = tuple(logits.shape)
    if (
        logits.dim() == 1
        and isinstance(target, Tensor)
        and target.shape == logits.shape
        and not target.is_floating_point()
    ):
        raise ValueError(
            f"logits of shape {shape} with a target of the same shape look like one logit "
            f"per example (a binary problem), but this loss needs a class dimension: "
            f"use {binary}(logits, target.float()), or give two logits per example, "
            f"shape ({shape[0]}, 2)"
        )
    if logits.dim() == 1 and unbatched and isinstance(target, Tensor):
        raise ValueError(
            f"logits of shape {shape} are one unbatched example with C={shape[0]} classes: "
            f"target must then be a 0-d class index or ({shape[0]},) class probabilities, "
            f"got {target.dtype} of shape {tuple(target.shape)}"
        )
    hint = ""
    if logits.dim() == 1:
        hint = (
            "; for a single example add the batch dimension to both: "
            "logits.unsqueeze(0) and target.unsqueeze(0)"
        )
    raise ValueError(f"logits must have shape (N, C) or (N, C, d1, ...), got {shape}{hint}")


def _index_shape(logits: Tensor) -> torch.Size:
    """The shape of class indices for ``(N, C, d1, ...)`` logits: ``(N, d1, ...)``."""
    return logits.shape[:1] + logits.shape[2:]


def _check_float_class_labels(logits: Tensor, target: Tensor) -> None:
    """Float class labels: name the dtype as the problem (not the shape) and suggest .long()."""
    index_shape = _index_shape(logits)
    if target.is_floating_point() and target.shape == index_shape != logits.shape:
        raise TypeError(
            f"target has the shape of class indices {tuple(index_shape)} (logits' shape "
            f"without the class dimension 1) but dtype {target.dtype}: class indices must "
            "be integers; convert with target.long() (class probabilities would have "
            f"logits' shape {tuple(logits.shape)})"
        )


def _check_multiclass(logits: Tensor, target: Tensor, name: str = "target") -> None:
    """Validate logits (N, C, *) against class indices (N, *) ."""
    _check_logits(logits, target, binary="sigmoid_focal")
    check_tensor(name, target, floating=False)
    _check_float_class_labels(logits, target)
    check_integer_tensor(name, target)
    check_index_target(
        name, target, _index_shape(logits), "logits' shape without the class dimension 1"
    )
    check_same_device(("logits", logits), (name, target))


def _class_dim_last(x: Tensor) -> Tensor:
    """(N, C, d1, ...) -> (N, d1, ..., C): puts the class dimension last."""
    return x.movedim(1, -1)


@float32_under_autocast
def cross_entropy(
    logits: Tensor,
    target: Tensor,
    *,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    label_smoothing: float = 0.0,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Cross-entropy between the softmax of ``logits`` and the target classes.

    .. math::

        \ell(z, y) = -\log \operatorname{softmax}(z)_y
                   = -z_y + \log \textstyle\sum_c e^{z_c}

    The negative log-likelihood of a categorical model. Its gradient with
    respect to the logits is ``softmax(z) − onehot(y)``: the error itself,
    never vanishing while the prediction is wrong (chapter 4).

    With class probabilities as target (soft labels, distillation) it is
    ``−Σ_c t_c log softmax(z)_c``. ``label_smoothing = ε`` mixes the target
    with the uniform distribution: ``t ← (1 − ε)·t + ε/C``.

    Stability: computed with ``log_softmax`` (the log-sum-exp trick), never as
    ``log(softmax(z))``, which underflows to ``log 0 = −inf``.

    Reduction ``"mean"`` with class weights divides by the sum of the weights
    of the (non-ignored) targets, as PyTorch does, so it is a weighted average.
    Equals ``torch.nn.functional.cross_entropy`` for every argument (the tests
    run PyTorch's own ``CrossEntropyLoss`` sample inputs through it).

    Unbatched input is accepted as PyTorch accepts it: ``(C,)`` logits with a
    0-d class index, or with ``(C,)`` class probabilities. Averaging over a
    batch in which every target is ``ignore_index`` raises (an empty mean),
    where PyTorch returns NaN.

    Args:
        logits: ``(N, C)`` or ``(N, C, d1, ...)`` unnormalised scores, or ``(C,)``.
        target: class indices ``(N,)`` / ``(N, d1, ...)`` of dtype long, or
            class probabilities with the same shape as ``logits``.
        weight: optional per-class weights ``(C,)``.
        ignore_index: target value whose elements are skipped (indices only).
        label_smoothing: ``ε`` in ``[0, 1]``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: equal logits over two classes give ``p_y = ½`` and a loss of
    ``log 2 ≈ 0.6931``; logits ``(0, log 3)`` give ``p = (¼, ¾)``:

    >>> import torch, lossbook
    >>> logits = torch.tensor([[1.0, 1.0], [1.0, 3.0]]).log()  # (0, 0) and (0, log 3)
    >>> lossbook.cross_entropy(logits, torch.tensor([0, 1]), reduction="none")  # log 2, −log ¾
    tensor([0.6931, 0.2877])
    """
    check_tensor("logits", logits)
    check_tensor("target", target, floating=False)
    check_reduction(reduction)
    ignore_index = check_int("ignore_index", ignore_index)
    label_smoothing = check_scalar("label_smoothing", label_smoothing, low=0, high=1)
    if logits.dim() == 1 and (
        target.dim() == 0 or (target.is_floating_point() and target.shape == logits.shape)
    ):
        # Unbatched, as F.cross_entropy accepts: (C,) logits with a () class index or
        # (C,) class probabilities. Computed as a batch of one.
        loss = cross_entropy(
            logits.unsqueeze(0),
            target.unsqueeze(0),
            weight=weight,
            ignore_index=ignore_index,
            label_smoothing=label_smoothing,
            reduction=reduction,
        )
        return loss.squeeze(0) if reduction == "none" else loss
    _check_logits(logits, target, binary="binary_cross_entropy_with_logits", unbatched=True)
    _check_float_class_labels(logits, target)
    num_classes = logits.shape[1]
    log_probs = _class_dim_last(F.log_softmax(logits, dim=1))  # (N, d1, ..., C)

    if target.is_floating_point():
        # Soft targets: a distribution over classes for every element.
        check_same_shape("logits", logits, "target", target)
        check_same_device(("logits", logits), ("target", target))
        check_probabilities("target", target)
        _check_class_weight(weight, num_classes, logits)
        t = _class_dim_last(target)
        t = (1.0 - label_smoothing) * t + label_smoothing / num_classes
        w = weight if weight is not None else torch.ones_like(log_probs[..., 0:1])
        loss = -(w * t * log_probs).sum(dim=-1)  # (N, d1, ...)
        return reduce(loss, reduction)

    _check_multiclass(logits, target)
    _check_class_weight(weight, num_classes, logits)
    check_class_indices("target", target, num_classes, ignore_index=ignore_index)
    keep = target != ignore_index
    safe_target = torch.where(keep, target, torch.zeros_like(target))

    # -log p_y for the target class, and the uniform part -Σ_c w_c log p_c / C.
    nll = -log_probs.gather(-1, safe_target.unsqueeze(-1)).squeeze(-1)
    if weight is None:
        w_target = torch.ones_like(nll)
        uniform = -log_probs.sum(dim=-1) / num_classes
    else:
        w_target = weight[safe_target]
        uniform = -(weight * log_probs).sum(dim=-1) / num_classes
    loss = (1.0 - label_smoothing) * w_target * nll + label_smoothing * uniform
    loss = torch.where(keep, loss, torch.zeros_like(loss))
    # "mean": the weighted average over the elements that count, as F.cross_entropy takes;
    # ignored elements have weight 0, so a batch of only ignored targets is an empty mean.
    counted_weight = torch.where(keep, w_target, torch.zeros_like(w_target))
    return reduce(loss, reduction, mean_weights=counted_weight)


def _log_clamped(p: Tensor, *, one_minus: bool = False) -> Tensor:
    """``log p`` (or ``log(1 − p)``) clamped below at −100, as PyTorch's BCE does.

    At ``p = 0`` (or 1) the log is ``−inf`` and its slope infinite; clamping the
    *value* alone would still send ``0 · inf = NaN`` backwards. So the argument
    is first replaced by a harmless 0.5 where the log would be infinite (the ``where``
    trick): the value there is −100 and the gradient 0, both finite.
    """
    at_pole = p >= 1 if one_minus else p <= 0
    safe = torch.where(at_pole, torch.full_like(p, 0.5), p)
    log = torch.log1p(-safe) if one_minus else torch.log(safe)
    return torch.where(at_pole, torch.full_like(p, -100.0), log).clamp(min=-100.0)


def _weighted(x: Tensor, weight: Tensor | None) -> Tensor:
    return x if weight is None else x * weight


def _weight_grad(ctx, index: int, per_element: Tensor, weight: Tensor | None) -> Tensor | None:
    """``∂L/∂w``: the per-element factor ``w`` multiplies, summed to ``w``'s own shape."""
    if weight is None or not ctx.needs_input_grad[index]:
        return None
    return per_element.sum_to_size(weight.shape)


#: ``log p`` is clamped at −100 below ``p = e^{−100}``: there the clamped log is flat.
_LOG_FLOOR = -100.0
_P_FLOOR = math.exp(_LOG_FLOOR)


class _BCE(torch.autograd.Function):
    r"""``ℓ = −w[y·log p + (1 − y)·log(1 − p)]`` (each log clamped at −100).

    ``∂ℓ/∂p = w[(1 − y)/(1 − p) − y/p] = w(p − y)/(p(1 − p))`` where neither log is
    clamped; a clamped log is flat, so its term contributes 0 (at ``p = 0`` the
    gradient is ``w(1 − y)``, 0 for ``y = 1``; at ``p = 1`` it is ``−wy``).
    ``∂ℓ/∂y = w[log(1 − p) − log p]`` (clamped logs). Saves only ``p, y, w``.
    """

    @staticmethod
    def forward(ctx, probs: Tensor, target: Tensor, weight: Tensor | None, reduction: Reduction):
        ctx.save_for_backward(probs, target, weight)
        ctx.reduction = reduction
        # The forward builds no graph, so log(0) = −inf may simply be clamped (no NaN
        # gradient can come of it) and every step can work in place.
        log_p = torch.log(probs).clamp_(min=_LOG_FLOOR)
        log_1mp = torch.log1p(-probs).clamp_(min=_LOG_FLOOR)
        loss = log_p.mul_(target).add_(log_1mp.mul_(1.0 - target)).neg_()  # −[y·lp + (1−y)·l1mp]
        return reduce(_weighted(loss, weight), reduction)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        p, y, weight = ctx.saved_tensors
        g = _weighted(_upstream(grad_output, ctx.reduction, p.numel()), weight)
        grad_p = grad_y = grad_w = None
        if ctx.needs_input_grad[0]:
            # y/p and (1 − y)/(1 − p), 0 where that log is clamped (log p ≤ −100); the
            # denominators there are replaced by 1 so that no inf reaches a second derivative.
            p_ok = p > _P_FLOOR
            y_over_p = (y / torch.where(p_ok, p, 1.0)).masked_fill_(~p_ok, 0.0)
            del p_ok
            q = 1.0 - p
            q_clamped = q <= _P_FLOOR
            ny_over_q = (1.0 - y).div_(q.masked_fill_(q_clamped, 1.0)).masked_fill_(q_clamped, 0.0)
            del q, q_clamped
            grad_p = ny_over_q.sub_(y_over_p) * g  # ∂ℓ/∂p = (1 − y)/(1 − p) − y/p
        if ctx.needs_input_grad[1] or ctx.needs_input_grad[2]:
            log_p, log_1mp = _log_clamped(p), _log_clamped(p, one_minus=True)
            if ctx.needs_input_grad[1]:
                grad_y = (log_1mp - log_p) * g  # ∂ℓ/∂y = log(1 − p) − log p
            unweighted = -(y * log_p + (1.0 - y) * log_1mp)
            grad_w = _weight_grad(
                ctx, 2, unweighted * _upstream(grad_output, ctx.reduction, p.numel()), weight
            )
        return grad_p, grad_y, grad_w, None


class _BCEWithLogits(torch.autograd.Function):
    r"""``ℓ = w[w₊·y·softplus(−z) + (1 − y)·softplus(z)]``.

    ``∂ℓ/∂z = w[(1 − y)σ(z) − w₊·y·(1 − σ(z))]``, which is ``w(σ(z) − y) = w(p − y)``
    without ``pos_weight``; ``∂ℓ/∂y = w[w₊·softplus(−z) − softplus(z)]`` (``−wz``
    without it). Saves only ``z, y, w, w₊``.
    """

    @staticmethod
    def forward(ctx, logits, target, weight, pos_weight, reduction: Reduction):
        ctx.save_for_backward(logits, target, weight, pos_weight)
        ctx.reduction = reduction
        positive = _weighted(F.softplus(-logits).mul_(target), pos_weight)  # w₊·y·softplus(−z)
        loss = F.softplus(logits).mul_(1.0 - target).add_(positive)
        return reduce(_weighted(loss, weight), reduction)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        z, y, weight, pos_weight = ctx.saved_tensors
        g = _upstream(grad_output, ctx.reduction, z.numel())
        gw = _weighted(g, weight)
        grad_z = grad_y = grad_w = grad_pw = None
        if ctx.needs_input_grad[0]:
            p = torch.sigmoid(z)
            if pos_weight is None:
                grad_z = (p - y) * gw  # ∂ℓ/∂z = p − y
            else:  # (1 − y)p − w₊y(1 − p) = (1 + (w₊ − 1)y)p − w₊y
                grad_z = ((1.0 + (pos_weight - 1.0) * y) * p - pos_weight * y) * gw
        if ctx.needs_input_grad[1]:
            if pos_weight is None:
                grad_y = -z * gw  # ∂ℓ/∂y = softplus(−z) − softplus(z) = −z
            else:
                grad_y = (pos_weight * F.softplus(-z) - F.softplus(z)) * gw
        if ctx.needs_input_grad[2] or ctx.needs_input_grad[3]:
            positive = y * F.softplus(-z)
            weighted_positive = _weighted(positive, pos_weight)
            unweighted = weighted_positive + (1.0 - y) * F.softplus(z)
            grad_w = _weight_grad(ctx, 2, unweighted * g, weight)
            grad_pw = _weight_grad(ctx, 3, _weighted(positive * g, weight), pos_weight)
        return grad_z, grad_y, grad_w, grad_pw, None


@float32_under_autocast
def binary_cross_entropy(
    probs: Tensor, target: Tensor, *, weight: Tensor | None = None, reduction: Reduction = "mean"
) -> Tensor:
    r"""Binary cross-entropy on probabilities.

    .. math:: \ell(p, y) = -\bigl[\,y \log p + (1 - y)\log(1 - p)\,\bigr]

    The negative log-likelihood of a Bernoulli model; ``y`` may be a soft label
    in ``[0, 1]``. Each log is clamped at ``−100`` as in PyTorch, so ``p = 0``
    with ``y = 1`` costs 100, not ``inf``, and its gradient is 0 there (the
    clamped function is flat), where PyTorch returns ``−1e12``. Prefer
    :func:`binary_cross_entropy_with_logits` when you have logits: it is exact
    where this one saturates, and one fused step instead of two.

    Equals ``torch.nn.functional.binary_cross_entropy``.

    Args:
        probs: predicted probabilities in ``[0, 1]``, any shape ``(*)``.
        target: labels in ``[0, 1]``, the same shape.
        weight: optional element weights, broadcastable to ``probs``' shape.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    check_pair("probs", probs, "target", target)
    check_reduction(reduction)
    check_probabilities("probs", probs)
    check_probabilities("target", target)
    _check_element_weight("weight", weight, "probs", probs)
    return _BCE.apply(probs, target, weight, reduction)


@float32_under_autocast
def binary_cross_entropy_with_logits(
    logits: Tensor,
    target: Tensor,
    *,
    weight: Tensor | None = None,
    pos_weight: Tensor | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Binary cross-entropy on logits: sigmoid and BCE in one stable step.

    .. math::

        \ell(z, y) = -\bigl[\,w_+\, y \log\sigma(z) + (1 - y)\log(1 - \sigma(z))\,\bigr]
                   = w_+\, y\,\operatorname{softplus}(-z) + (1 - y)\operatorname{softplus}(z)

    using ``log σ(z) = −softplus(−z)`` and ``log(1 − σ(z)) = −softplus(z)``.
    (The shorter ``softplus(z) − y·z`` is the same function, but for a
    confident right answer it subtracts two nearly equal numbers and loses the
    tiny loss to rounding; the two-term form keeps it.)
    ``softplus(x) = log(1 + eˣ)`` is evaluated stably
    (``max(x, 0) + log1p(e^{−|x|})``), so logits of ``±1e4`` give exact, finite
    losses. ``pos_weight`` (``w₊``) up-weights the positive term; a per-class
    ``(C,)`` vector is the usual multi-label set-up.

    Equals ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Args:
        logits: real-valued scores, any shape ``(*)``.
        target: labels in ``[0, 1]``, the same shape.
        weight: optional element weights, broadcastable to ``logits``' shape.
        pos_weight: optional positive-class weight, broadcastable to it (e.g. ``(C,)``).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: the logit ``log 3`` is the probability ``σ = ¾``; a positive
    label costs ``−log ¾ ≈ 0.2877``, a negative one ``−log ¼ ≈ 1.3863``:

    >>> import torch, lossbook
    >>> logits = torch.tensor([3.0, 3.0]).log()
    >>> lossbook.binary_cross_entropy_with_logits(logits, torch.tensor([1.0, 0.0]), reduction="none")
    tensor([0.2877, 1.3863])
    """
    check_pair("logits", logits, "target", target)
    check_reduction(reduction)
    check_probabilities("target", target)
    _check_element_weight("weight", weight, "logits", logits)
    _check_element_weight(
        "pos_weight", pos_weight, "logits", logits, what="e.g. one weight per class"
    )
    return _BCEWithLogits.apply(logits, target, weight, pos_weight, reduction)


@float32_under_autocast
def sigmoid_focal(
    logits: Tensor,
    target: Tensor,
    *,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Sigmoid focal loss (Lin et al., 2017) for binary or multi-label targets.

    .. math::

        \ell = -\alpha_t\,(1 - p_t)^\gamma \log p_t, \qquad
        p_t = \begin{cases}\sigma(z) & y = 1\\ 1 - \sigma(z) & y = 0\end{cases},\quad
        \alpha_t = \begin{cases}\alpha & y = 1\\ 1 - \alpha & y = 0\end{cases}

    The factor ``(1 − p_t)^γ`` shrinks the loss of easy, well-classified
    examples (``p_t → 1``) so the rare hard ones dominate; ``γ = 0`` and
    ``alpha = None`` give plain binary cross-entropy.

    Stability: with the signed logit ``s = z`` if ``y = 1`` else ``−z``,
    ``log p_t = −softplus(−s)`` and ``(1 − p_t)^γ = exp(−γ·softplus(s))``. Both
    are computed in log space, so saturated logits (``±1e4``) give finite
    values and gradients for every ``γ ≥ 0`` -- including ``γ < 1``, where
    ``(1 − p_t)^γ`` computed from probabilities has an infinite slope at
    ``p_t = 1`` and yields NaN gradients.

    Args:
        logits: real-valued scores, any shape ``(*)``.
        target: labels in ``{0, 1}``, the same shape (floating dtype).
        alpha: weight of the positive class in ``[0, 1]``; ``None`` disables it.
        gamma: focusing parameter ``≥ 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    check_pair("logits", logits, "target", target)
    check_reduction(reduction)
    gamma = check_scalar("gamma", gamma, low=0)
    alpha = check_scalar(
        "alpha",
        alpha,
        low=0,
        high=1,
        allow_none=True,
        hint=(
            "; sigmoid_focal's alpha is one number, the weight of the positive class "
            "(per-class weights are softmax_focal's alpha, a (C,) tensor)"
        ),
    )
    check_binary_labels("target", target, meaning="sigmoid_focal's binary targets")

    signed_logit = torch.where(target == 1, logits, -logits)  # s: large when right
    log_p_t = -F.softplus(-signed_logit)
    modulating_factor = torch.exp(-gamma * F.softplus(signed_logit))  # (1 - p_t)^γ
    loss = -modulating_factor * log_p_t
    if alpha is not None:
        alpha_t = torch.where(target == 1, alpha, 1.0 - alpha).to(logits.dtype)
        loss = alpha_t * loss
    return reduce(loss, reduction)


@float32_under_autocast
def softmax_focal(
    logits: Tensor,
    target: Tensor,
    *,
    gamma: float = 2.0,
    alpha: Tensor | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Multi-class (softmax) focal loss (Lin et al., 2017).

    .. math:: \ell(z, y) = -\alpha_y\,(1 - p_y)^\gamma \log p_y, \qquad p = \operatorname{softmax}(z)

    Stability: ``log p_y`` comes from ``log_softmax``. The factor is computed
    from the probability of *all the other classes*,
    ``1 − p_y = exp(logsumexp_{c≠y} z_c − logsumexp_c z_c)``, which stays
    accurate (and its gradient finite) when ``p_y`` rounds to 1 -- where
    ``1 − exp(log p_y)`` would cancel to 0.

    ``gamma = 0`` with ``alpha = None`` equals :func:`cross_entropy`. With
    ``alpha`` the ``"mean"`` is a plain mean over elements (as in the paper),
    not the weighted average that :func:`cross_entropy` takes.

    Args:
        logits: ``(N, C)`` or ``(N, C, d1, ...)`` scores, ``C ≥ 2``.
        target: class indices ``(N,)`` / ``(N, d1, ...)``, dtype long.
        gamma: focusing parameter ``≥ 0``.
        alpha: optional per-class weights, a ``(C,)`` tensor (a float ``alpha`` is
            :func:`sigmoid_focal`'s binary positive-class weight, refused here).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    _check_multiclass(logits, target)
    check_reduction(reduction)
    gamma = check_scalar("gamma", gamma, low=0)
    num_classes = logits.shape[1]
    if num_classes < 2:
        raise ValueError(f"logits must have at least 2 classes, got C={num_classes}")
    if alpha is not None and not isinstance(alpha, torch.Tensor):
        kind = type(alpha).__name__
        number = isinstance(alpha, numbers.Real) and not isinstance(alpha, bool)
        raise TypeError(
            f"alpha must be a ({num_classes},) tensor of per-class weights for softmax_focal "
            f"or None, got {kind} {alpha!r}"
            + (
                "; a float alpha is sigmoid_focal's (binary) positive-class weight -- for "
                f"softmax_focal pass one weight per class, e.g. torch.full(({num_classes},), "
                f"{alpha!r})"
                if number
                else ""
            )
        )
    _check_class_weight(alpha, num_classes, logits, name="alpha")
    check_class_indices("target", target, num_classes)

    z = _class_dim_last(logits)  # (..., C)
    is_target = F.one_hot(target, num_classes).bool()
    log_normaliser = torch.logsumexp(z, dim=-1)
    log_p_y = z.gather(-1, target.unsqueeze(-1)).squeeze(-1) - log_normaliser
    others = z.masked_fill(is_target, float("-inf"))
    log_1m_p_y = torch.logsumexp(others, dim=-1) - log_normaliser  # log(1 - p_y)
    loss = -torch.exp(gamma * log_1m_p_y) * log_p_y
    if alpha is not None:
        loss = alpha[target] * loss
    return reduce(loss, reduction)


def _check_margin_inputs(
    scores: Tensor, target: Tensor, margin: float, reduction: Reduction
) -> float:
    check_tensor("scores", scores)
    check_tensor("target", target, floating=False)
    check_same_shape("scores", scores, "target", target)
    check_same_device(("scores", scores), ("target", target))
    check_reduction(reduction)
    margin = check_scalar("margin", margin, low=0, low_open=True)
    check_plus_minus_one("target", target)
    return margin


@float32_under_autocast
def hinge(
    scores: Tensor, target: Tensor, *, margin: float = 1.0, reduction: Reduction = "mean"
) -> Tensor:
    r"""Hinge loss, the loss of the soft-margin linear SVM (Cortes & Vapnik, 1995).

    .. math:: \ell(s, y) = \max(0,\ \text{margin} - y\,s), \qquad y \in \{-1, +1\}

    Zero once an example is on the right side with room to spare
    (``y·s ≥ margin``); linear in how far it falls short. Convex, not
    differentiable at the hinge point (autograd uses the subgradient 0 there).

    Args:
        scores: real-valued decision scores, any shape ``(*)``.
        target: labels in ``{-1, +1}``, the same shape (any real or integer dtype).
        margin: the required margin, ``> 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    margin = _check_margin_inputs(scores, target, margin, reduction)
    functional_margin = target.to(scores.dtype) * scores
    return reduce(torch.clamp(margin - functional_margin, min=0.0), reduction)


@float32_under_autocast
def squared_hinge(
    scores: Tensor, target: Tensor, *, margin: float = 1.0, reduction: Reduction = "mean"
) -> Tensor:
    r"""Squared hinge loss (the L2-SVM).

    .. math:: \ell(s, y) = \max(0,\ \text{margin} - y\,s)^2, \qquad y \in \{-1, +1\}

    Differentiable everywhere (its gradient is continuous at the hinge point),
    but it punishes large violations quadratically, so it is less robust to
    mislabelled points than :func:`hinge`.

    Args:
        scores: real-valued decision scores, any shape ``(*)``.
        target: labels in ``{-1, +1}``, the same shape.
        margin: the required margin, ``> 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    margin = _check_margin_inputs(scores, target, margin, reduction)
    functional_margin = target.to(scores.dtype) * scores
    return reduce(torch.clamp(margin - functional_margin, min=0.0).square(), reduction)
