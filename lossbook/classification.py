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
    check_log_probabilities,
    check_ndim,
    check_not_empty,
    check_pair,
    check_plus_minus_one,
    check_positive,
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
    "brier",
    "cross_entropy",
    "fit_temperature",
    "hinge",
    "multi_margin",
    "multilabel_margin",
    "multilabel_margin_target",
    "multilabel_soft_margin",
    "nll",
    "sigmoid_focal",
    "soft_margin",
    "softmax_focal",
    "squared_hinge",
]


def _check_class_weight(
    weight: Tensor | None,
    num_classes: int,
    logits: Tensor,
    name: str = "weight",
    input_name: str = "logits",
) -> Tensor | None:
    return check_weight(
        name,
        weight,
        input_name=input_name,
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


#: What one entry of each multi-class input is called in the messages (singular, plural).
_UNITS = {
    "logits": ("logit", "logits"),
    "log_probs": ("log-probability", "log-probabilities"),
    "probs": ("probability", "probabilities"),
    "scores": ("score", "scores"),
}


def _check_logits(
    logits: Tensor,
    target: Tensor | None = None,
    *,
    binary: str = "",
    unbatched: bool = False,
    input_name: str = "logits",
) -> None:
    """Validate batched multi-class inputs of shape (N, C, d1, ...) (logits by default).

    ``binary`` names the loss to use instead (or the whole call, if it has a
    parenthesis) when (N,) logits come with an (N,) target: one logit per example
    is a binary problem, not a one-class softmax.
    ``unbatched``: the loss accepts (C,) logits (so a 1-D input is a target problem).
    ``input_name``: the argument's name (``logits``, ``log_probs``, ``probs``, ``scores``).
    """
    check_tensor(input_name, logits)
    if logits.dim() >= 2:
        return
    shape = tuple(logits.shape)
    one, many = _UNITS[input_name]
    binary_call = binary if "(" in binary else f"{binary}({input_name}, target.float())"
    if (
        logits.dim() == 1
        and isinstance(target, Tensor)
        and target.shape == logits.shape
        and not target.is_floating_point()
    ):
        raise ValueError(
            f"{input_name} of shape {shape} with a target of the same shape look like one "
            f"{one} per example (a binary problem), but this loss needs a class dimension: "
            f"use {binary_call}, or give two {many} per example, "
            f"shape ({shape[0]}, 2)"
        )
    if logits.dim() == 1 and unbatched and isinstance(target, Tensor):
        raise ValueError(
            f"{input_name} of shape {shape} are one unbatched example with C={shape[0]} "
            f"classes: target must then be a 0-d class index or ({shape[0]},) class "
            f"probabilities, got {target.dtype} of shape {tuple(target.shape)}"
        )
    hint = ""
    if logits.dim() == 1:
        hint = (
            "; for a single example add the batch dimension to both: "
            f"{input_name}.unsqueeze(0) and target.unsqueeze(0)"
        )
    raise ValueError(f"{input_name} must have shape (N, C) or (N, C, d1, ...), got {shape}{hint}")


def _index_shape(logits: Tensor) -> torch.Size:
    """The shape of class indices for ``(N, C, d1, ...)`` logits: ``(N, d1, ...)``."""
    return logits.shape[:1] + logits.shape[2:]


def _check_float_class_labels(
    logits: Tensor, target: Tensor, input_name: str = "logits", name: str = "target"
) -> None:
    """Float class labels: name the dtype as the problem (not the shape) and suggest .long()."""
    index_shape = _index_shape(logits)
    if target.is_floating_point() and target.shape == index_shape != logits.shape:
        raise TypeError(
            f"{name} has the shape of class indices {tuple(index_shape)} ({input_name}' shape "
            f"without the class dimension 1) but dtype {target.dtype}: class indices must "
            f"be integers; convert with {name}.long() (class probabilities would have "
            f"{input_name}' shape {tuple(logits.shape)})"
        )


def _check_multiclass(
    logits: Tensor,
    target: Tensor,
    name: str = "target",
    *,
    input_name: str = "logits",
    binary: str = "sigmoid_focal",
) -> None:
    """Validate logits (N, C, *) (or another input named ``input_name``) against class
    indices (N, *)."""
    _check_logits(logits, target, binary=binary, input_name=input_name)
    check_tensor(name, target, floating=False)
    _check_float_class_labels(logits, target, input_name, name)
    check_integer_tensor(name, target)
    check_index_target(
        name, target, _index_shape(logits), f"{input_name}' shape without the class dimension 1"
    )
    check_same_device((input_name, logits), (name, target))


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

    # -log p_y for the target class, and the uniform part -Σ_c w_c log p_c / C.
    nll_y, w_target, keep = _target_term(log_probs, target, weight, ignore_index)
    if weight is None:
        uniform = -log_probs.sum(dim=-1) / num_classes
    else:
        uniform = -(weight * log_probs).sum(dim=-1) / num_classes
    loss = (1.0 - label_smoothing) * w_target * nll_y + label_smoothing * uniform
    loss = torch.where(keep, loss, torch.zeros_like(loss))
    # "mean": the weighted average over the elements that count, as F.cross_entropy takes;
    # ignored elements have weight 0, so a batch of only ignored targets is an empty mean.
    counted_weight = torch.where(keep, w_target, torch.zeros_like(w_target))
    return reduce(loss, reduction, mean_weights=counted_weight)


def _target_term(
    log_probs: Tensor, target: Tensor, weight: Tensor | None, ignore_index: int
) -> tuple[Tensor, Tensor, Tensor]:
    """``−log p_y``, the target's class weight ``w_y`` and the mask of counted elements.

    ``log_probs`` has the class dimension last, ``(N, d1, ..., C)``; ignored
    targets read class 0 (their terms are masked out by the caller).
    """
    keep = target != ignore_index
    safe_target = torch.where(keep, target, torch.zeros_like(target))
    nll_y = -log_probs.gather(-1, safe_target.unsqueeze(-1)).squeeze(-1)
    w_target = torch.ones_like(nll_y) if weight is None else weight[safe_target]
    return nll_y, w_target, keep


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


def _softplus(x: Tensor) -> Tensor:
    r"""``softplus(x) = log(1 + eˣ)``, exact for every ``x``: ``logaddexp(x, 0)``.

    That is ``max(x, 0) + log1p(e^{−|x|})``, which neither overflows nor rounds:
    ``F.softplus`` instead returns ``x`` itself above its threshold 20, an error of
    ``log1p(e^{−x})`` (``1.25e-9`` at ``x = 20.5``, far above float64's resolution).
    Written with ``logaddexp`` rather than the two terms, its autograd derivative is
    ``σ(x)`` everywhere, ``½`` at ``x = 0`` included (the two-term form's kinks give 1 there).
    """
    return torch.logaddexp(x, torch.zeros_like(x))


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
        positive = _weighted(_softplus(-logits).mul_(target), pos_weight)  # w₊·y·softplus(−z)
        loss = _softplus(logits).mul_(1.0 - target).add_(positive)
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
                grad_y = (pos_weight * _softplus(-z) - _softplus(z)) * gw
        if ctx.needs_input_grad[2] or ctx.needs_input_grad[3]:
            positive = y * _softplus(-z)
            weighted_positive = _weighted(positive, pos_weight)
            unweighted = weighted_positive + (1.0 - y) * _softplus(z)
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
    ``softplus(x) = log(1 + eˣ)`` is evaluated stably and exactly
    (``max(x, 0) + log1p(e^{−|x|})``, as ``logaddexp(x, 0)``), so logits of ``±1e4``
    give exact, finite losses (``F.softplus`` is not exact: above 20 it returns
    ``x``). ``pos_weight`` (``w₊``) up-weights the positive term; a per-class
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

    The ``"mean"`` averages over every element, classes included: for multi-label or
    one-hot ``(N, C, *)`` targets it is the mean over ``N × C × pixels``, as MONAI's
    ``FocalLoss`` (sigmoid by default) and kornia's ``binary_focal_loss_with_logits``
    average -- not as Lin et al.'s detector, which sums over all anchors and divides
    by the number of anchors assigned to an object (``reduction="sum"``, then divide).

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
    log_p_t = -_softplus(-signed_logit)
    modulating_factor = torch.exp(-gamma * _softplus(signed_logit))  # (1 - p_t)^γ
    loss = -modulating_factor * log_p_t
    if alpha is not None:  # α and 1 − α as tensors of the logits' dtype (float64 stays exact)
        alpha_t = torch.where(
            target == 1, torch.full_like(logits, alpha), torch.full_like(logits, 1.0 - alpha)
        )
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

    Peers' "mean" differs: recent kornia (``kornia.losses.focal_loss``) and MONAI
    (``monai.losses.FocalLoss(use_softmax=True)``) keep the class dimension, one
    term per class and pixel of which only the true class's is nonzero, and average
    over all ``N × C × pixels`` of them: their ``"mean"`` is this one divided by ``C``
    (their ``"sum"`` agrees).

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
    differentiable at the hinge point ``y·s = margin``, where any slope between
    ``−y`` and 0 is a subgradient: autograd uses 0 there (``relu``'s choice, and
    torch's ``MultiMarginLoss``'s): an example exactly on the margin counts as
    satisfied. (optax's ``hinge_loss`` gives ``−y/2`` there, and
    ``torch.clamp(margin − y·s, min=0)`` passes ``−y``.)

    Args:
        scores: real-valued decision scores, any shape ``(*)``.
        target: labels in ``{-1, +1}``, the same shape (any real or integer dtype).
        margin: the required margin, ``> 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.
    """
    margin = _check_margin_inputs(scores, target, margin, reduction)
    functional_margin = target.to(scores.dtype) * scores
    return reduce(torch.relu(margin - functional_margin), reduction)  # slope 0 at the hinge


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


# --------------------------------------------------------------------------------------------
# torch.nn's other classification losses, and calibration: NLL, soft margin, the multi-class
# and multi-label margins, the Brier score and temperature scaling.


def _is_unbatched_index(scores: Tensor, target: Tensor) -> bool:
    """Whether ``(C,)`` scores come with a 0-d class index (torch's unbatched form)."""
    return (
        isinstance(scores, Tensor)
        and isinstance(target, Tensor)
        and (scores.dim() == 1 and target.dim() == 0)
    )


@float32_under_autocast
def nll(
    log_probs: Tensor,
    target: Tensor,
    *,
    weight: Tensor | None = None,
    ignore_index: int = -100,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Negative log-likelihood of the target class, given log-probabilities.

    .. math:: \ell(\log p, y) = -w_y \log p_y

    Torch's ``NLLLoss``. It takes *log-probabilities* -- the output of
    ``log_softmax`` -- and only picks the target's entry: ``nll(log_softmax(z), y)``
    is :func:`cross_entropy` ``(z, y)``, which fuses the two steps. The trap: torch
    checks nothing, so raw logits given to ``F.nll_loss`` silently train on ``−z_y``,
    a loss unbounded below. Here positive entries (impossible for a log-probability)
    are refused; normalisation is not checked (a log-likelihood from any model,
    ``log_softmax`` or not, may be given).

    ``"mean"`` with class weights is the weighted average ``Σ w_y ℓ / Σ w_y`` over
    the targets that are not ``ignore_index``, as torch takes it; a batch whose
    targets are all ignored is an empty mean and raises (torch returns NaN).
    Equals ``torch.nn.functional.nll_loss``.

    Args:
        log_probs: ``(N, C)`` or ``(N, C, d1, ...)`` log-probabilities, or ``(C,)``.
        target: class indices ``(N,)`` / ``(N, d1, ...)`` (dtype long), or a 0-d
            index for ``(C,)`` input.
        weight: optional per-class weights ``(C,)``.
        ignore_index: target value whose elements are skipped.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: log-probabilities ``log(¼, ¾)``; the targets 1 and 0 cost ``−log ¾``
    and ``−log ¼``:

    >>> import torch, lossbook
    >>> log_p = torch.tensor([[0.25, 0.75], [0.25, 0.75]]).log()
    >>> lossbook.nll(log_p, torch.tensor([1, 0]), reduction="none")
    tensor([0.2877, 1.3863])
    """
    check_tensor("log_probs", log_probs)
    check_tensor("target", target, floating=False)
    check_reduction(reduction)
    ignore_index = check_int("ignore_index", ignore_index)
    if _is_unbatched_index(log_probs, target):
        loss = nll(
            log_probs.unsqueeze(0),
            target.unsqueeze(0),
            weight=weight,
            ignore_index=ignore_index,
            reduction=reduction,
        )
        return loss.squeeze(0) if reduction == "none" else loss
    _check_multiclass(
        log_probs,
        target,
        input_name="log_probs",
        binary="binary_cross_entropy(log_probs.exp(), target.float())",
    )
    num_classes = log_probs.shape[1]
    _check_class_weight(weight, num_classes, log_probs, input_name="log_probs")
    check_log_probabilities(
        "log_probs", log_probs, why=": nll takes log_softmax's output; logits go to cross_entropy"
    )
    check_class_indices("target", target, num_classes, ignore_index=ignore_index)
    nll_y, w_target, keep = _target_term(_class_dim_last(log_probs), target, weight, ignore_index)
    counted_weight = torch.where(keep, w_target, torch.zeros_like(w_target))
    return reduce(counted_weight * nll_y, reduction, mean_weights=counted_weight)


def _check_plus_minus_one_pair(scores: Tensor, target: Tensor, reduction: Reduction) -> None:
    check_tensor("scores", scores)
    check_tensor("target", target, floating=False)
    check_same_shape("scores", scores, "target", target)
    check_same_device(("scores", scores), ("target", target))
    check_reduction(reduction)
    check_plus_minus_one("target", target)


@float32_under_autocast
def soft_margin(scores: Tensor, target: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""Soft-margin (logistic) loss on ``{−1, +1}`` labels: torch's ``SoftMarginLoss``.

    .. math:: \ell(s, y) = \log\bigl(1 + e^{-y\,s}\bigr) = \operatorname{softplus}(-y\,s)

    The logistic loss written with the SVM's labels: the smooth counterpart of
    :func:`hinge` (it never reaches 0, and its slope ``−y·σ(−ys)`` fades instead of
    stopping at the margin). It is the same function as
    :func:`binary_cross_entropy_with_logits` with ``y01 = (y + 1)/2``.

    Stability: ``softplus`` is evaluated exactly (``logaddexp(−ys, 0)``). Torch's
    ``SoftMarginLoss`` computes ``log1p(exp(−ys))`` as written, which overflows to
    ``inf`` once ``−ys`` passes ~88 (float32) or ~709 (float64) -- where this one
    returns the exact ``−ys``. Elsewhere it equals ``F.soft_margin_loss``.

    Args:
        scores: real-valued decision scores, any shape ``(*)``.
        target: labels in ``{-1, +1}``, the same shape (any real or integer dtype).
        reduction: ``"mean"`` (default, over every element), ``"sum"`` or ``"none"``.

    Example: a score of 0 costs ``log 2 ≈ 0.6931``; the score ``log 3`` with
    ``y = −1`` costs ``log(1 + 3) ≈ 1.3863``:

    >>> import torch, lossbook
    >>> s = torch.tensor([1.0, 3.0]).log()  # 0 and log 3
    >>> lossbook.soft_margin(s, torch.tensor([1.0, -1.0]), reduction="none")  # log 2, log 4
    tensor([0.6931, 1.3863])
    """
    _check_plus_minus_one_pair(scores, target, reduction)
    return reduce(_softplus(-target.to(scores.dtype) * scores), reduction)


@float32_under_autocast
def multilabel_soft_margin(
    logits: Tensor,
    target: Tensor,
    *,
    weight: Tensor | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Multi-label logistic loss, averaged over the classes: torch's ``MultiLabelSoftMarginLoss``.

    .. math::

        \ell(z, y) = \frac{1}{C}\sum_{c=1}^{C} w_c\,\bigl[\,y_c\,\operatorname{softplus}(-z_c)
                     + (1 - y_c)\operatorname{softplus}(z_c)\,\bigr]

    One independent sigmoid per class, as :func:`binary_cross_entropy_with_logits`
    on ``(N, C)``; the difference is only the bookkeeping, and it is the trap:
    this loss is one number *per example* (the mean over its ``C`` classes), so
    ``reduction="none"`` returns ``(N,)``, not ``(N, C)``. Without weights the two
    ``"mean"`` values are equal; ``"sum"`` here is ``1/C`` of BCE's.

    Stability: exact ``softplus`` (``logaddexp(z, 0)``), finite for any logit.
    Equals ``torch.nn.functional.multilabel_soft_margin_loss``.

    Args:
        logits: ``(N, C)`` scores, or ``(C,)`` for one example.
        target: labels in ``[0, 1]`` (multi-hot, or soft), the same shape; a float
            or an integer dtype (torch accepts ``long`` 0/1 targets too).
        weight: optional per-class weights ``(C,)``.
        reduction: ``"mean"`` (default, over examples), ``"sum"`` or ``"none"``.

    Example: logits ``(0, 0)`` cost ``log 2`` per class whatever the label, so
    their mean over the two classes is ``log 2 ≈ 0.6931``:

    >>> import torch, lossbook
    >>> lossbook.multilabel_soft_margin(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    check_tensor("logits", logits)
    check_tensor("target", target, floating=False)
    check_same_shape("logits", logits, "target", target)
    check_same_device(("logits", logits), ("target", target))
    check_reduction(reduction)
    check_ndim("logits", logits, (1, 2), "(N, C) or (C,) (one row of class scores per example)")
    _check_class_weight(weight, logits.shape[-1], logits)
    if target.is_floating_point():
        check_probabilities("target", target)
    else:
        check_binary_labels("target", target, meaning="multi-hot labels, one per class")
    y = target.to(logits.dtype)
    per_class = y * _softplus(-logits) + (1.0 - y) * _softplus(logits)
    return reduce(_weighted(per_class, weight).mean(dim=-1), reduction)


def _check_class_scores(scores: Tensor, target: Tensor, target_shape: str) -> None:
    """Scores ``(N, C)`` or ``(C,)`` and an integer target (shape checked by the caller)."""
    check_tensor("scores", scores)
    check_integer_tensor("target", target)
    check_same_device(("scores", scores), ("target", target))
    check_ndim("scores", scores, (1, 2), f"(N, C) or (C,) class scores, with {target_shape}")


def _check_power(p: int) -> int:
    """:func:`multi_margin`'s exponent: 1 (hinge) or 2 (squared hinge), as torch allows."""
    p = check_int("p", p)
    if p not in (1, 2):
        raise ValueError(f"p must be 1 (hinge) or 2 (squared hinge), got {p}")
    return p


def _check_margin(margin: float) -> float:
    result = check_scalar("margin", margin, low=0, low_open=True)
    assert result is not None
    return result


@float32_under_autocast
def multi_margin(
    scores: Tensor,
    target: Tensor,
    *,
    p: int = 1,
    margin: float = 1.0,
    weight: Tensor | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Multi-class hinge loss, torch's ``MultiMarginLoss`` (Weston & Watkins, 1999).

    .. math::

        \ell(s, y) = \frac{1}{C}\sum_{c \ne y} w_y\,\max\bigl(0,\ \text{margin} - s_y + s_c\bigr)^p,
        \qquad p \in \{1, 2\}

    Every wrong class whose score comes within ``margin`` of the true class's pays
    the shortfall (``p = 1``) or its square (``p = 2``); :func:`hinge` is the
    two-class case. Torch's conventions, and its traps:

    * it divides by ``C``, the number of *all* classes (the true one included),
      not by the ``C − 1`` wrong ones: with two classes scored ``(−s/2, s/2)`` it
      is half of ``hinge(s, ±1)``;
    * ``weight`` is a per-class weight of the *true* class ``w_y``, multiplying
      the whole example's loss (not the wrong class ``c``'s term), and ``"mean"``
      is a plain mean over examples (not :func:`cross_entropy`'s weighted average);
    * it sums over the wrong classes (Weston & Watkins); Crammer & Singer's
      multi-class SVM takes only the largest violation, ``max_c``.

    At the hinge point (``s_y − s_c = margin``) the slope is 0, as in torch.
    Equals ``torch.nn.functional.multi_margin_loss``.

    Args:
        scores: ``(N, C)`` class scores, or ``(C,)`` for one example.
        target: class indices ``(N,)`` (a 0-d index for ``(C,)`` scores), dtype long.
        p: 1 (hinge) or 2 (squared hinge).
        margin: the required gap ``> 0`` between the true class's score and the others'.
        weight: optional per-class weights ``(C,)``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: scores ``(0, 0, 0)`` with any target: the two wrong classes each miss
    the margin by 1, so the loss is ``(1 + 1)/3 ≈ 0.6667``:

    >>> import torch, lossbook
    >>> lossbook.multi_margin(torch.zeros(1, 3), torch.tensor([2]))
    tensor(0.6667)
    """
    if _is_unbatched_index(scores, target):
        loss = multi_margin(
            scores.unsqueeze(0),
            target.unsqueeze(0),
            p=p,
            margin=margin,
            weight=weight,
            reduction=reduction,
        )
        return loss.squeeze(0) if reduction == "none" else loss
    _check_class_scores(scores, target, "class indices (N,)")
    check_ndim("scores", scores, 2, "(N, C) class scores (or (C,) with a 0-d target)")
    check_index_target("target", target, scores.shape[:1], "one class index per row of scores")
    check_reduction(reduction)
    p = _check_power(p)
    margin = _check_margin(margin)
    num_classes = scores.shape[1]
    _check_class_weight(weight, num_classes, scores, input_name="scores")
    check_class_indices("target", target, num_classes)

    s_y = scores.gather(1, target.unsqueeze(1))  # (N, 1)
    shortfall = torch.relu(margin - s_y + scores)  # (N, C): slope 0 at the hinge point
    is_target = F.one_hot(target, num_classes).bool()
    terms = shortfall.masked_fill(is_target, 0.0)
    loss = (terms if p == 1 else terms.square()).sum(dim=1) / num_classes
    if weight is not None:
        loss = weight[target] * loss
    return reduce(loss, reduction)


@float32_under_autocast
def multilabel_margin(scores: Tensor, target: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""Multi-label hinge loss, torch's ``MultiLabelMarginLoss``.

    .. math::

        \ell(s, Y) = \frac{1}{C}\sum_{j \in Y}\ \sum_{c \notin Y}
                     \max\bigl(0,\ 1 - (s_j - s_c)\bigr)

    Every true label ``j`` must outscore every wrong class ``c`` by a margin of 1:
    a ranking loss over (true, wrong) pairs, divided by the number of classes ``C``.

    **The target format is the trap.** ``target`` is *not* multi-hot. Each row
    lists the true class *indices* first and ends the list with ``-1``; what follows
    the first ``-1`` is ignored. For ``C = 4`` and true classes {3, 0} a row is
    ``[3, 0, -1, 1]`` (the trailing 1 is ignored). So:

    * a multi-hot row ``[0, 1, 1, 0]`` means the classes {0, 1}, listed with
      repeats -- not the classes {1, 2} it encodes;
    * padding with 0 instead of ``-1`` makes class 0 a true class;
    * a repeated index counts its pairs again (torch sums over the list, not the set).

    Convert multi-hot labels with :func:`multilabel_margin_target`. Every entry must
    lie in ``[-1, C − 1]``; torch checks only the range. Gradients have slope 0 at
    the hinge point, as torch's. Equals ``torch.nn.functional.multilabel_margin_loss``.

    Args:
        scores: ``(N, C)`` class scores, or ``(C,)`` for one example.
        target: ``(N, C)`` (or ``(C,)``) class indices, each row ended by ``-1``; long.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"``.

    Example: scores ``(0.1, 0.2, 0.4, 0.8)`` and the true classes {3, 0}: the pairs
    (3, 1) and (3, 2) miss the margin by 0.4 and 0.6, the pairs (0, 1) and (0, 2) by
    1.1 and 1.3, so the loss is ``(0.4 + 0.6 + 1.1 + 1.3)/4 = 0.85`` (torch's own
    documentation example):

    >>> import torch, lossbook
    >>> scores = torch.tensor([[0.1, 0.2, 0.4, 0.8]])
    >>> lossbook.multilabel_margin(scores, torch.tensor([[3, 0, -1, 1]]))
    tensor(0.8500)
    """
    if isinstance(scores, Tensor) and isinstance(target, Tensor) and scores.dim() == 1:
        if target.dim() == 1:
            loss = multilabel_margin(scores.unsqueeze(0), target.unsqueeze(0), reduction=reduction)
            return loss.squeeze(0) if reduction == "none" else loss
    _check_class_scores(scores, target, "a target of the same shape")
    check_same_shape("scores", scores, "target", target)
    check_ndim("scores", scores, 2, "(N, C) class scores (or (C,) with a (C,) target)")
    check_reduction(reduction)
    num_classes = scores.shape[1]
    check_class_indices("target", target, num_classes, ignore_index=-1)

    listed = (target >= 0).cumprod(dim=1).bool()  # (N, C): the entries before the first -1
    index = torch.where(listed, target, torch.zeros_like(target))
    is_true = torch.zeros_like(scores).scatter_add(1, index, listed.to(scores.dtype)) > 0
    s_true = scores.gather(1, index)  # (N, C): the score of each listed true class
    shortfall = torch.relu(1.0 - s_true.unsqueeze(2) + scores.unsqueeze(1))  # (N, j, c)
    counts = listed.unsqueeze(2) & ~is_true.unsqueeze(1)  # j listed, c not a true class
    loss = shortfall.masked_fill(~counts, 0.0).sum(dim=(1, 2)) / num_classes
    return reduce(loss, reduction)


def multilabel_margin_target(multi_hot: Tensor) -> Tensor:
    """Multi-hot ``(N, C)`` labels → :func:`multilabel_margin`'s ``-1``-terminated indices.

    >>> import torch
    >>> multilabel_margin_target(torch.tensor([[1, 0, 0, 1], [0, 0, 0, 0]]))
    tensor([[ 0,  3, -1, -1],
            [-1, -1, -1, -1]])
    """
    check_tensor("multi_hot", multi_hot, floating=False)
    check_binary_labels("multi_hot", multi_hot, meaning="multi-hot labels")
    num_classes = multi_hot.shape[-1]
    classes = torch.arange(num_classes, device=multi_hot.device).expand_as(multi_hot)
    is_true = multi_hot != 0
    # true classes first, in increasing order (a stable sort on "not true"), then -1
    order = torch.sort((~is_true).to(torch.uint8), dim=-1, stable=True).indices
    listed = classes.gather(-1, order)
    return torch.where(is_true.gather(-1, order), listed, torch.full_like(listed, -1))


@float32_under_autocast
def brier(probs: Tensor, target: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""The multi-class Brier score (Brier, 1950): squared error of the predicted distribution.

    .. math:: \ell(p, y) = \sum_{c=1}^{C} \bigl(p_c - t_c\bigr)^2, \qquad t = \mathrm{onehot}(y)

    summed over the classes, so it lies in ``[0, 2]`` (Brier's original form; some
    libraries divide by ``C``, or score only the top class). Like cross-entropy it
    is a *strictly proper scoring rule*: its expectation is minimised only by the
    true class probabilities, so it rewards calibration and sharpness together --
    but it is bounded, so one confident mistake costs at most 2, where
    cross-entropy's ``−log p_y`` is unbounded. As a training loss on ``softmax(z)``
    its gradient saturates like softmax + MSE (chapter 4); it is mostly an
    evaluation score, beside the expected calibration error.

    Args:
        probs: ``(N, C)`` or ``(N, C, d1, ...)`` predicted probabilities (each in
            ``[0, 1]``; they should sum to 1 over ``C``, which is not checked).
        target: class indices ``(N,)`` / ``(N, d1, ...)`` (dtype long), or a
            target distribution (one-hot or soft) with the same shape as ``probs``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (``(N, d1, ...)``).

    Example: ``p = (¼, ¾)``; the target 1 scores ``¼² + ¼² = 0.125``, the target 0
    scores ``(¾)² + (¾)² = 1.125``:

    >>> import torch, lossbook
    >>> p = torch.tensor([[0.25, 0.75], [0.25, 0.75]])
    >>> lossbook.brier(p, torch.tensor([1, 0]), reduction="none")
    tensor([0.1250, 1.1250])
    """
    check_tensor("probs", probs)
    check_tensor("target", target, floating=False)
    check_reduction(reduction)
    _check_logits(probs, target, binary="mse", input_name="probs")
    check_probabilities("probs", probs)
    if target.is_floating_point() and target.shape == probs.shape:
        check_same_device(("probs", probs), ("target", target))
        check_probabilities("target", target)
        t = target
    else:
        _check_multiclass(probs, target, input_name="probs", binary="mse")
        check_class_indices("target", target, probs.shape[1])
        t = F.one_hot(target, probs.shape[1]).movedim(-1, 1).to(probs.dtype)  # (N, C, ...)
    return reduce((probs - t).square().sum(dim=1), reduction)


#: ``fit_temperature`` searches T in this interval (both ends excluded as answers).
TEMPERATURE_RANGE = (1e-3, 1e3)


def fit_temperature(
    logits: Tensor, labels: Tensor, *, max_iter: int = 100, tol: float = 1e-10
) -> float:
    r"""Temperature scaling (Guo et al., 2017): the ``T > 0`` that minimises the NLL of ``logits / T``.

    .. math::

        T^\star = \arg\min_{T > 0}\ \frac{1}{N}\sum_i
                  -\log \operatorname{softmax}(z_i / T)_{y_i}

    Fit it on held-out data (a validation split, never the training set), then
    divide the test logits by it: one scalar, so the predicted class and the
    accuracy do not change -- only the confidence. ``T > 1`` softens an
    over-confident model, ``T < 1`` sharpens an under-confident one.

    How: with ``β = 1/T`` the NLL ``f(β) = mean[logsumexp(β z) − β z_y]`` is convex
    in ``β``, with ``f′(β) = mean[E_{p_β}(z) − z_y]`` and ``f″(β) = mean[Var_{p_β}(z)]``
    (``p_β = softmax(βz)``). So the minimiser is the one root of ``f′``, found by
    Newton's method safeguarded by bisection in float64 on ``β ∈ [1/1000, 1000]``:
    deterministic, no learning rate, converged to ``tol`` (relative, on ``β``).
    If ``f′`` does not change sign there, no temperature in ``[1e-3, 1e3]``
    minimises the NLL (training-set logits that separate the classes want
    ``T → 0``; scores unrelated to the labels want ``T → ∞``), and it raises.

    Args:
        logits: ``(N, C)`` or ``(N, C, d1, ...)`` held-out logits (detached inside).
        labels: class indices ``(N,)`` / ``(N, d1, ...)``, dtype long.
        max_iter: at most this many Newton/bisection steps.
        tol: stop when a step changes ``β`` by less than ``tol · β``.

    Returns:
        The temperature ``T`` as a Python float.

    Example: logits ``±1`` on two classes, right 3 times out of 4: the best
    probability is ``¾ = σ(2/T)``, so ``T = 2 / log 3 ≈ 1.8205``:

    >>> import torch, lossbook
    >>> z = torch.tensor([[1.0, -1.0]] * 4)
    >>> round(lossbook.fit_temperature(z, torch.tensor([0, 0, 0, 1])), 4)
    1.8205
    """
    _check_multiclass(logits, labels, name="labels", binary="binary_cross_entropy_with_logits")
    max_iter = check_int("max_iter", max_iter, low=1)
    tol = check_positive("tol", tol)
    num_classes = logits.shape[1]
    check_class_indices("labels", labels, num_classes)
    check_not_empty("labels", labels)
    z = _class_dim_last(logits.detach().to(torch.float64)).reshape(-1, num_classes)
    z_y = z.gather(1, labels.reshape(-1, 1)).squeeze(1)

    def slope_and_curvature(beta: float) -> tuple[float, float]:
        p = torch.softmax(beta * z, dim=1)
        mean_z = (p * z).sum(dim=1)  # E_p[z]
        slope = (mean_z - z_y).mean().item()
        curvature = ((p * z.square()).sum(dim=1) - mean_z.square()).mean().item()
        return slope, curvature

    low, high = 1.0 / TEMPERATURE_RANGE[1], 1.0 / TEMPERATURE_RANGE[0]
    if slope_and_curvature(low)[0] >= 0:
        raise ValueError(
            f"no temperature in {list(TEMPERATURE_RANGE)} minimises the NLL: it keeps falling "
            "as T grows (the logits carry no information about the labels, or point away "
            "from them)"
        )
    if slope_and_curvature(high)[0] <= 0:
        raise ValueError(
            f"no temperature in {list(TEMPERATURE_RANGE)} minimises the NLL: it keeps falling "
            "as T shrinks (the logits rank every label first, e.g. training-set logits: fit "
            "on held-out data)"
        )
    beta = min(max(1.0, low), high)
    for _ in range(max_iter):
        slope, curvature = slope_and_curvature(beta)
        if slope > 0:
            high = beta
        else:
            low = beta
        newton = beta - slope / curvature if curvature > 0 else math.nan
        step_to = newton if low < newton < high else 0.5 * (low + high)
        converged = abs(step_to - beta) <= tol * beta
        beta = step_to
        if converged:
            break
    return 1.0 / beta
