r"""Regularization penalties: a cost on the parameters, added to the training loss.

.. math:: J(\theta) = \underbrace{\frac1N\sum_i \ell(f_\theta(x_i), y_i)}_{\text{data loss}}
                     + \lambda\,\Omega(\theta)

Each function here is a penalty ``Ω`` over *all* the tensors it is given: an
``nn.Module`` (every one of its ``parameters()``, biases and normalisation
weights included), an iterable of tensors (pass a filtered list to penalise
only some, e.g. the weight matrices), or a single tensor. They take no
``reduction``: a penalty is one number, a sum over every weight.

* L1 (the lasso, Tibshirani, 1996) pulls every weight towards 0 with the same
  force and sets many exactly to 0: sparse models.
* L2 (ridge, Hoerl & Kennard, 1970; "weight decay") pulls in proportion to the
  weight: small weights, rarely exactly 0.
* Elastic net (Zou & Hastie, 2005) mixes the two.

An empty collection of parameters is refused with a ``ValueError`` rather
than penalised as 0: it is almost always a bug, typically a
``model.parameters()`` generator that an earlier call already exhausted.
"""

from __future__ import annotations

from collections.abc import Iterable

from torch import Tensor, nn

from .checks import check_positive, float32_if_autocast

__all__ = ["elastic_net_penalty", "l1_penalty", "l2_penalty"]

Params = nn.Module | Tensor | Iterable[Tensor]


def _as_tensor_list(params: object) -> list[Tensor]:
    """Turn a module, a tensor or an iterable of tensors into a validated list (read once)."""
    tensors: list[Tensor]
    if isinstance(params, nn.Module):
        tensors = list(params.parameters())
    elif isinstance(params, Tensor):
        tensors = [params]
    elif isinstance(params, (str, bytes)) or not isinstance(params, Iterable):
        raise TypeError(
            "params must be an nn.Module, a torch.Tensor or an iterable of tensors, "
            f"got {type(params).__name__}"
        )
    else:
        tensors = list(params)
    if not tensors:
        raise ValueError(
            "params is empty: there is nothing to penalise (a module without parameters, "
            "or a model.parameters() generator already used up by an earlier call?)"
        )
    for i, t in enumerate(tensors):
        if not isinstance(t, Tensor):
            raise TypeError(
                f"params[{i}] must be a torch.Tensor, got {type(t).__name__}"
                + (
                    " (pass model.parameters(), not model.state_dict())"
                    if isinstance(t, str)
                    else ""
                )
            )
        if not t.is_floating_point():
            raise TypeError(f"params[{i}] must have a floating-point dtype, got {t.dtype}")
    devices = {t.device for t in tensors}
    if len(devices) > 1:
        raise ValueError(
            f"all params must be on the same device, got {sorted(str(d) for d in devices)}"
        )
    return float32_if_autocast(tensors)  # the package's autocast policy


def _l1(tensors: list[Tensor]) -> Tensor:
    """Σ|w| over every tensor (``sum`` promotes mixed dtypes as torch does)."""
    return sum((w.abs().sum() for w in tensors[1:]), tensors[0].abs().sum())


def _l2(tensors: list[Tensor]) -> Tensor:
    """Σw² over every tensor."""
    return sum((w.square().sum() for w in tensors[1:]), tensors[0].square().sum())


def l1_penalty(params: Params) -> Tensor:
    r"""L1 penalty: the sum of absolute values of every weight (the lasso, Tibshirani, 1996).

    .. math:: \Omega_1(\theta) = \sum_j |w_j|

    Its (sub)gradient is ``λ·sign(w)``: a constant pull towards 0 whatever the
    weight's size, which drives small weights exactly to 0 and so selects
    features. Not differentiable at ``w = 0``; autograd uses the subgradient
    0 there. With plain SGD the weights only oscillate around 0; proximal
    methods (soft thresholding) land on it exactly.

    Args:
        params: an ``nn.Module`` (all its parameters), a tensor, or an
            iterable of tensors (any shapes, floating point, one device).

    Returns:
        A 0-d tensor.
    """
    return _l1(_as_tensor_list(params))


def l2_penalty(params: Params) -> Tensor:
    r"""L2 penalty: the sum of squares of every weight (ridge, Hoerl & Kennard, 1970).

    .. math:: \Omega_2(\theta) = \sum_j w_j^2

    No factor ``½``: ``λ·l2_penalty`` has gradient ``2λw``. Plain SGD's
    ``weight_decay=λ`` adds ``λw`` to the gradient, so it equals adding
    ``(λ/2)·l2_penalty(model)`` to the loss. That equivalence holds for SGD,
    not for adaptive optimisers: in Adam the L2 gradient is rescaled per
    weight, which is why AdamW decouples the decay (Loshchilov & Hutter, 2019).

    Args:
        params: an ``nn.Module`` (all its parameters), a tensor, or an
            iterable of tensors (any shapes, floating point, one device).

    Returns:
        A 0-d tensor.
    """
    return _l2(_as_tensor_list(params))


def elastic_net_penalty(params: Params, *, l1: float = 1.0, l2: float = 1.0) -> Tensor:
    r"""Elastic-net penalty (Zou & Hastie, 2005): a weighted sum of L1 and L2.

    .. math:: \Omega(\theta) = \lambda_1 \sum_j |w_j| + \lambda_2 \sum_j w_j^2

    The L1 part gives sparsity, the L2 part keeps it stable when features are
    correlated (the lasso alone picks one of a correlated group arbitrarily;
    the elastic net keeps or drops them together). As in :func:`l2_penalty`
    the square has no ``½``. ``params`` is read once, so a
    ``model.parameters()`` generator is fine.

    Args:
        params: an ``nn.Module`` (all its parameters), a tensor, or an
            iterable of tensors (any shapes, floating point, one device).
        l1: the L1 coefficient ``λ₁ ≥ 0``.
        l2: the L2 coefficient ``λ₂ ≥ 0``.

    Returns:
        A 0-d tensor.
    """
    l1 = check_positive("l1", l1, allow_zero=True)
    l2 = check_positive("l2", l2, allow_zero=True)
    tensors = _as_tensor_list(params)
    return l1 * _l1(tensors) + l2 * _l2(tensors)
