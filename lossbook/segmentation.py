r"""Segmentation losses: scoring a predicted mask against the true one, pixel by pixel.

Inputs follow the ``(N, C, *spatial)`` layout of ``torch.nn`` image models:
``N`` samples, ``C`` classes (channels), then any number of spatial dimensions
(``H, W`` for images, ``D, H, W`` for volumes).

Cross-entropy scores every pixel on its own, so on an image that is 99 %
background a model that predicts "background everywhere" already has a small
loss. The Dice loss scores the *overlap* of each class's predicted and true
regions, whatever their size, which is why it is the default for small
structures in medical images (chapter 8). The two are often added: the
cross-entropy gives smooth, well-scaled gradients early in training, the Dice
term keeps small classes from being ignored.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor

from .checks import (
    Reduction,
    check_class_indices,
    check_index_target,
    check_integer_tensor,
    check_not_empty,
    check_pair,
    check_positive,
    check_probabilities,
    check_reduction,
    check_same_device,
    check_tensor,
    float32_under_autocast,
    reduce,
)
from .classification import cross_entropy

__all__ = ["dice", "dice_cross_entropy"]


def _check_layout(name: str, value: Tensor) -> None:
    """Raise ``ValueError`` unless ``value`` has the ``(N, C, *spatial)`` layout."""
    if value.dim() < 2:
        raise ValueError(
            f"{name} must have shape (N, C, *spatial) -- batch, classes, then spatial "
            f"dimensions -- got {tuple(value.shape)}"
        )


@float32_under_autocast
def dice(
    probs: Tensor, target: Tensor, *, eps: float = 1e-6, reduction: Reduction = "mean"
) -> Tensor:
    r"""Soft Dice loss (Milletari et al., 2016; Sudre et al., 2017).

    .. math::

        \ell_{n,c} = 1 - \frac{2\sum_i p_{n,c,i}\, y_{n,c,i} + \epsilon}
                              {\sum_i p_{n,c,i} + \sum_i y_{n,c,i} + \epsilon}

    for every sample ``n`` and class ``c``, the sums running over the spatial
    positions ``i``. With binary ``p`` and ``y`` the fraction is the Dice
    coefficient (Dice, 1945) ``2|P ∩ Y| / (|P| + |Y|)``, the F1 score of the
    mask; with probabilities it is its differentiable ("soft") relaxation.
    Each (sample, class) pair is scored on its own, so a class covering ten
    pixels weighs as much as one covering ten thousand.

    The denominator is the plain sum ``Σp + Σy`` used by Sudre et al. (2017)
    and by MONAI's ``DiceLoss``; Milletari et al. (2016) square the terms,
    ``Σp² + Σy²``, which is the same for binary masks but not for soft
    predictions.

    **Porting from other libraries.** optax's ``dice_loss`` (``optax/losses/_segmentation.py``)
    writes the fraction as ``(I + smooth) / (I + ½(P − I) + ½(T − I) + smooth)`` with
    ``I = Σpy``, ``P = Σp``, ``T = Σy`` (α = β = ½), i.e. ``(2I + 2·smooth) / (P + T +
    2·smooth)``: its ``smooth`` is half of this function's ``eps`` (``smooth=1`` is
    ``eps=2``); it also applies the softmax itself by default and averages over classes
    only, per sample. segmentation_models_pytorch's ``DiceLoss``
    (``segmentation_models_pytorch/losses/dice.py`` and ``_functional.py``,
    ``soft_dice_score``) writes ``(2I + smooth) / (P + T + smooth).clamp_min(eps)`` --
    its ``smooth`` enters numerator and denominator once, as this ``eps`` does (its own
    ``eps`` is only a floor under the denominator) -- but it sums over the batch and the
    pixels together (``dims=(0, 2)``): **one Dice per class for the whole batch**
    ("batch Dice"), then zeroes the classes with no true pixel in the batch and averages
    over classes. To reproduce it here, stack the batch into one sample:
    ``dice(probs.movedim(1, 0).reshape(1, C, -1), target.movedim(1, 0).reshape(1, C, -1))``
    (smp's zeroing of absent classes aside).

    **Empty masks.** ``ε`` keeps the loss defined when a class is absent from
    both prediction and target: the fraction is ``ε/ε = 1`` and the loss is
    0 -- predicting nothing where there is nothing is right. Near that point
    the loss is ``≈ Σp / ε`` until it saturates at 1, so a stray prediction on
    an empty class gets a large gradient (about ``1/ε``); a larger ``ε``
    softens it.

    Args:
        probs: predicted probabilities ``(N, C, *spatial)`` in ``[0, 1]``
            (after a softmax over ``C`` or a sigmoid per class).
        target: the true masks, the same shape, floating point in ``[0, 1]``
            (one-hot over ``C``, or one binary mask per class). Class indices
            ``(N, *spatial)`` become one-hot with
            ``F.one_hot(t, C).movedim(-1, 1).float()``.
        eps: smoothing constant ``ε > 0`` added to numerator and denominator.
        reduction: ``"mean"`` (default) averages over samples and classes,
            ``"sum"`` sums, ``"none"`` returns the ``(N, C)`` losses.

    Example: one sample, one class, four pixels; the prediction covers pixels
    1–2, the mask pixels 2–3: ``1 − 2·1/(2 + 2) = 0.5`` (up to ``ε``):

    >>> import torch, lossbook
    >>> probs = torch.tensor([1.0, 1.0, 0.0, 0.0]).reshape(1, 1, 4)
    >>> target = torch.tensor([0.0, 1.0, 1.0, 0.0]).reshape(1, 1, 4)
    >>> lossbook.dice(probs, target, eps=1e-6)
    tensor(0.5000)
    """
    check_tensor("probs", probs)
    check_tensor("target", target, floating=False)
    if not target.is_floating_point():
        raise TypeError(
            f"target must be floating-point masks with the same shape as probs, got dtype "
            f"{target.dtype}; convert class indices with F.one_hot(target, C).movedim(-1, 1)"
            ".float()"
        )
    check_pair("probs", probs, "target", target)
    check_reduction(reduction)
    eps = check_positive("eps", eps)
    _check_layout("probs", probs)
    check_not_empty("probs", probs)
    check_probabilities("probs", probs)
    check_probabilities("target", target)

    n, c = probs.shape[:2]
    p = probs.reshape(n, c, -1)  # (N, C, pixels)
    y = target.reshape(n, c, -1)
    intersection = (p * y).sum(dim=-1)  # Σ p·y   (N, C)
    cardinality = p.sum(dim=-1) + y.sum(dim=-1)  # Σ p + Σ y
    loss = 1.0 - (2.0 * intersection + eps) / (cardinality + eps)
    return reduce(loss, reduction)


@float32_under_autocast
def dice_cross_entropy(
    logits: Tensor,
    target: Tensor,
    *,
    dice_weight: float = 1.0,
    ce_weight: float = 1.0,
    eps: float = 1e-6,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Dice loss plus cross-entropy, the usual compound segmentation loss.

    .. math::

        \ell_n = w_\text{dice}\,\frac1C\sum_c \operatorname{dice}_{n,c}
                 \bigl(\operatorname{softmax}(z),\ \operatorname{onehot}(y)\bigr)
               + w_\text{ce}\,\frac1{|\Omega|}\sum_{i\in\Omega}
                 -\log\operatorname{softmax}(z_{n,\cdot,i})_{y_{n,i}}

    for each sample ``n``: the :func:`dice` loss of the softmax probabilities
    against the one-hot target, averaged over classes, plus the
    :func:`~lossbook.classification.cross_entropy` averaged over the sample's
    pixels ``Ω``. nnU-Net (Isensee et al., 2021) trains with this sum.

    **Reduction.** The loss is defined per sample, so ``"none"`` returns the
    ``(N,)`` per-sample losses above, ``"sum"`` sums them and ``"mean"``
    averages them -- which equals
    ``dice_weight · dice(...) + ce_weight · cross_entropy(...)``, each with its
    own default ``"mean"``. (``"sum"`` is *not* the sum of every pixel's
    cross-entropy: that would drown the Dice term as images grow.)

    Args:
        logits: unnormalised scores ``(N, C, *spatial)``, ``C ≥ 2``.
        target: class indices ``(N, *spatial)``, dtype long, in ``[0, C)``.
        dice_weight: weight ``w_dice ≥ 0`` of the Dice term.
        ce_weight: weight ``w_ce ≥ 0`` of the cross-entropy term (not both 0).
        eps: the Dice smoothing constant, ``> 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(N,)``).
    """
    check_tensor("logits", logits)
    _check_layout("logits", logits)
    check_integer_tensor("target", target)
    check_index_target(
        "target",
        target,
        logits.shape[:1] + logits.shape[2:],
        "logits' shape without the class dimension 1",
    )
    check_same_device(("logits", logits), ("target", target))
    check_reduction(reduction)
    dice_weight = check_positive("dice_weight", dice_weight, allow_zero=True)
    ce_weight = check_positive("ce_weight", ce_weight, allow_zero=True)
    if dice_weight == 0 and ce_weight == 0:
        raise ValueError("dice_weight and ce_weight must not both be 0, got 0 and 0")
    eps = check_positive("eps", eps)
    check_not_empty("logits", logits)
    num_classes = logits.shape[1]
    if num_classes < 2:
        raise ValueError(f"logits must have at least 2 classes, got C={num_classes}")
    check_class_indices("target", target, num_classes)

    n = logits.shape[0]
    probs = F.softmax(logits, dim=1)
    one_hot = F.one_hot(target, num_classes).movedim(-1, 1).to(logits.dtype)  # (N, C, ...)
    dice_per_sample = dice(probs, one_hot, eps=eps, reduction="none").mean(dim=1)  # (N,)
    ce_per_pixel = cross_entropy(logits, target, reduction="none")  # (N, *spatial)
    ce_per_sample = ce_per_pixel.reshape(n, -1).mean(dim=1)  # (N,)
    return reduce(dice_weight * dice_per_sample + ce_weight * ce_per_sample, reduction)
