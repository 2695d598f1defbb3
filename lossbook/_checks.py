"""Input validation and reduction shared by every loss in :mod:`lossbook`.

Every public loss validates its inputs with these helpers before computing
anything, so that a wrong input meets a message that names the argument, says
what was expected and shows what was given -- never a silent broadcast and
never a wrong number.

NaN policy: NaN *values* are not an error. They propagate to the result, as in
``torch.nn.functional`` (a NaN in, a NaN out), so a diverging training run is
visible rather than hidden. Range checks (probabilities, labels) therefore only
reject values that are definitely out of range; ``NaN < 0`` is false.

All checks that look at tensor values (range checks) call ``.item()``-like
reductions and so synchronise with the GPU; they are cheap next to the loss.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import Tensor

REDUCTIONS = ("mean", "sum", "none")


def check_tensor(name: str, value: object, *, floating: bool = True) -> Tensor:
    """Raise ``TypeError`` unless ``value`` is a tensor (of a floating dtype if asked)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if floating and not value.is_floating_point():
        raise TypeError(f"{name} must have a floating-point dtype, got {value.dtype}")
    return value


def check_integer_tensor(name: str, value: object) -> Tensor:
    """Raise ``TypeError`` unless ``value`` is a tensor of an integer dtype (class indices)."""
    check_tensor(name, value, floating=False)
    assert isinstance(value, Tensor)
    if value.is_floating_point() or value.is_complex() or value.dtype == torch.bool:
        raise TypeError(
            f"{name} must hold integer class indices (torch.long), got dtype {value.dtype}"
        )
    return value


def check_not_empty(name: str, value: Tensor) -> None:
    """Raise ``ValueError`` for a tensor with no elements (a mean over nothing is NaN)."""
    if value.numel() == 0:
        raise ValueError(f"{name} must not be empty, got shape {tuple(value.shape)}")


def check_same_shape(name_a: str, a: Tensor, name_b: str, b: Tensor) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have exactly the same shape.

    Broadcasting is refused on purpose: ``pred`` of shape ``(N, 1)`` against
    ``target`` of shape ``(N,)`` would broadcast to ``(N, N)`` and silently
    average N² wrong residuals.
    """
    if a.shape != b.shape:
        hint = ""
        if a.dim() == b.dim() + 1 and a.shape[-1] == 1 and a.shape[:-1] == b.shape:
            hint = f" (did you mean {name_a}.squeeze(-1)?)"
        elif b.dim() == a.dim() + 1 and b.shape[-1] == 1 and b.shape[:-1] == a.shape:
            hint = f" (did you mean {name_b}.squeeze(-1)?)"
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape, got {name_a} "
            f"{tuple(a.shape)} and {name_b} {tuple(b.shape)}; lossbook never "
            f"broadcasts{hint}"
        )


def check_broadcasts_to(name: str, value: Tensor, shape: torch.Size, what: str) -> None:
    """Raise ``ValueError`` unless ``value`` broadcasts to ``shape`` *without growing it*.

    Used for weights such as a per-class ``pos_weight`` of shape ``(C,)`` against
    logits ``(N, C)``: broadcasting that keeps the loss's shape is harmless; one
    that would enlarge it is the silent bug this package refuses.
    """
    try:
        ok = torch.broadcast_shapes(value.shape, shape) == shape
    except RuntimeError:
        ok = False
    if not ok:
        raise ValueError(
            f"{name} must have shape {tuple(shape)} or one that broadcasts to it "
            f"({what}), got {tuple(value.shape)}"
        )


def check_same_device(*named: tuple[str, Tensor]) -> None:
    """Raise ``ValueError`` unless all tensors live on the same device."""
    devices = {t.device for _, t in named}
    if len(devices) > 1:
        listing = ", ".join(f"{n} on {t.device}" for n, t in named)
        raise ValueError(f"all inputs must be on the same device, got {listing}")


def check_batch_size(name_a: str, a: Tensor, name_b: str, b: Tensor) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` agree on their first (batch) dimension."""
    if a.dim() == 0 or b.dim() == 0 or a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same batch size (first dimension), "
            f"got {name_a} {tuple(a.shape)} and {name_b} {tuple(b.shape)}"
        )


def check_ndim(name: str, value: Tensor, ndim: int | Sequence[int], what: str) -> None:
    """Raise ``ValueError`` unless ``value.dim()`` is ``ndim`` (or one of them)."""
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if value.dim() not in allowed:
        raise ValueError(f"{name} must be {what}, got shape {tuple(value.shape)}")


def check_probabilities(name: str, value: Tensor) -> None:
    """Raise ``ValueError`` if any entry lies outside ``[0, 1]`` (NaN propagates)."""
    if value.numel() and bool(((value < 0) | (value > 1)).any()):
        lo, hi = value.min().item(), value.max().item()
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values in [{lo:.4g}, {hi:.4g}]"
            + (
                "; if these are logits, use a *_with_logits loss or apply softmax/sigmoid first"
                if name == "probs"
                else ""
            )
        )


def check_positive(name: str, value: float, *, allow_zero: bool = False) -> float:
    """Raise ``ValueError`` unless the hyper-parameter is a positive (or non-negative) number."""
    if isinstance(value, Tensor):
        raise TypeError(f"{name} must be a Python number, got a torch.Tensor")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    ok = value >= 0 if allow_zero else value > 0
    if not ok or value != value or value == float("inf"):
        need = "a finite number >= 0" if allow_zero else "a finite number > 0"
        raise ValueError(f"{name} must be {need}, got {value}")
    return float(value)


def check_open_interval(name: str, value: float, low: float, high: float) -> float:
    """Raise ``ValueError`` unless ``low < value < high``."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not low < value < high:
        raise ValueError(f"{name} must lie in the open interval ({low}, {high}), got {value}")
    return float(value)


def check_plus_minus_one(name: str, value: Tensor) -> None:
    """Raise ``ValueError`` unless every label is -1 or +1 (the SVM convention)."""
    if value.numel() and not bool(((value == 1) | (value == -1)).all()):
        found = torch.unique(value.detach()).flatten()[:6].tolist()
        hint = " (convert {0, 1} labels with 2 * y - 1)" if set(found) <= {0, 1} else ""
        raise ValueError(f"{name} must hold labels in {{-1, +1}}, found values {found}{hint}")


def check_class_indices(
    name: str, value: Tensor, num_classes: int, *, ignore_index: int | None = None
) -> None:
    """Raise ``ValueError`` unless every index lies in ``[0, num_classes)`` (or is ignored)."""
    if value.numel() == 0:
        return
    valid = value if ignore_index is None else value[value != ignore_index]
    if valid.numel() and bool(((valid < 0) | (valid >= num_classes)).any()):
        lo, hi = valid.min().item(), valid.max().item()
        raise ValueError(
            f"{name} must hold class indices in [0, {num_classes - 1}]"
            + (f" or ignore_index={ignore_index}" if ignore_index is not None else "")
            + f", got values in [{lo}, {hi}]"
        )


def check_reduction(reduction: str) -> str:
    """Raise ``ValueError`` unless ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction


def reduce(loss: Tensor, reduction: str) -> Tensor:
    """Apply ``reduction`` to per-element losses: ``"mean"``, ``"sum"`` or ``"none"``.

    The mean over an empty batch is refused rather than returned as NaN: an
    empty batch is almost always a bug upstream (a filter that removed
    everything), and NaN would only surface later, far from its cause. The sum
    over nothing is 0 and ``"none"`` returns the empty tensor, both correct.
    """
    if reduction == "mean":
        if loss.numel() == 0:
            raise ValueError(
                f"cannot average a loss over an empty batch (per-element losses of shape "
                f"{tuple(loss.shape)}); use reduction='sum' (which gives 0) or check the inputs"
            )
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    if reduction == "none":
        return loss
    raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")


def weighted_reduce(loss: Tensor, weight: Tensor | None, reduction: str) -> Tensor:
    """Multiply by an optional element-wise ``weight`` (same shape), then reduce."""
    if weight is not None:
        check_tensor("weight", weight)
        check_broadcasts_to("weight", weight, loss.shape, "one weight per element")
        loss = loss * weight
    return reduce(loss, reduction)
