"""Input validation and reduction shared by every loss in :mod:`lossbook` -- and by yours.

Every public loss validates its inputs with these helpers before computing
anything, so that a wrong input meets a message that names the argument, says
what was expected and shows what was given -- never a silent broadcast and
never a wrong number. Chapter 12 of the book uses them to write a custom loss:

>>> import torch
>>> from lossbook.checks import check_pair, check_reduction, reduce
>>> def squared_error(pred, target, *, reduction="mean"):
...     check_pair("pred", pred, "target", target)
...     check_reduction(reduction)
...     return reduce((target - pred).square(), reduction)
>>> squared_error(torch.tensor([1.0, 2.0]), torch.tensor([1.0, 4.0]))  # (0 + 4) / 2
tensor(2.)
>>> squared_error(torch.zeros(3, 1), torch.zeros(3))
Traceback (most recent call last):
    ...
ValueError: pred and target must have the same shape, got pred (3, 1) and target (3,); lossbook never broadcasts (did you mean pred.squeeze(-1)?)

What is here: tensors (:func:`check_tensor`, :func:`check_pair`, shapes, devices,
dtypes), labels (:func:`check_class_indices`, :func:`check_binary_labels`,
:func:`check_plus_minus_one`), probabilities and log-probabilities,
hyper-parameters (:func:`check_scalar`, :func:`check_flag`, :func:`check_int`,
:func:`check_weight`), the one reduction every loss applies last
(:func:`check_reduction` up front, :func:`reduce` at the end), the safe square
root (:func:`safe_sqrt`) and the autocast policy (:func:`float32_under_autocast`,
:func:`float32_if_autocast`).

NaN policy: NaN *values* are not an error. They propagate to the result, as in
``torch.nn.functional`` (a NaN in, a NaN out), so a diverging training run is
visible rather than hidden. Range checks (probabilities, labels) therefore only
reject values that are definitely out of range; ``NaN < 0`` is false.

All checks that look at tensor values (range checks) call ``.item()``-like
reductions and so synchronise with the GPU; they are cheap next to the loss.
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Callable, Sequence
from typing import Literal, TypeVar, get_args, overload

import numpy as np
import torch
from torch import Tensor

#: The type of every ``reduction`` argument in lossbook.
Reduction = Literal["mean", "sum", "none"]
REDUCTIONS: tuple[str, ...] = get_args(Reduction)


def checking_values() -> bool:
    """Whether the checks that read tensor *values* run: always, except under ``torch.compile``.

    A range check (probabilities in [0, 1], labels in {0, 1}, class indices below
    ``C``) turns a tensor into a Python ``bool``, which a compiled graph cannot hold:
    it would break the graph (and fail ``fullgraph=True``). While ``torch.compile``
    traces a loss these checks are skipped -- shape, dtype, device and
    hyper-parameter checks, which read no values, still run at trace time. Validate
    a compiled loss's inputs by calling it eagerly once (or see :mod:`lossbook.compiled`).
    """
    return not torch.compiler.is_compiling()


def check_tensor(name: str, value: object, *, floating: bool = True) -> Tensor:
    """Raise ``TypeError`` unless ``value`` is a tensor (of a floating dtype if asked)."""
    if not isinstance(value, Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__}")
    if floating and not value.is_floating_point():
        hint = ""
        if not (value.is_complex() or value.dtype == torch.bool):
            hint = f"; convert with {name}.float()"
        raise TypeError(f"{name} must have a floating-point dtype, got {value.dtype}{hint}")
    return value


def check_integer_tensor(name: str, value: object) -> Tensor:
    """Raise ``TypeError`` unless ``value`` is a tensor of an integer dtype (class indices)."""
    check_tensor(name, value, floating=False)
    assert isinstance(value, Tensor)
    if value.is_floating_point() or value.is_complex() or value.dtype == torch.bool:
        raise TypeError(
            f"{name} must hold integer class indices (torch.long), got dtype {value.dtype}"
            + ("; convert with .long()" if value.is_floating_point() else "")
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


def check_same_dtype(*named: tuple[str, Tensor]) -> None:
    """Raise ``TypeError`` unless all tensors share one dtype (no silent promotion)."""
    dtypes = {t.dtype for _, t in named}
    if len(dtypes) > 1:
        names = [n for n, _ in named]
        who = f"{names[0]} and {names[1]}" if len(names) == 2 else "all inputs"
        listing = ", ".join(f"{n} {t.dtype}" for n, t in named)
        raise TypeError(f"{who} must have the same dtype, got {listing}; cast them with .to(dtype)")


def check_pair(name_a: str, a: object, name_b: str, b: object) -> None:
    """A prediction and its target: floating tensors of the same shape on the same device.

    The first check of every loss that compares two tensors element by element.
    """
    check_tensor(name_a, a)
    check_tensor(name_b, b)
    assert isinstance(a, Tensor) and isinstance(b, Tensor)
    check_same_shape(name_a, a, name_b, b)
    check_same_device((name_a, a), (name_b, b))


def check_index_target(name: str, target: Tensor, expected: torch.Size, what: str) -> None:
    """Raise ``ValueError`` unless integer ``target`` has shape ``expected``.

    ``what`` says how ``expected`` derives from the input, e.g. "logits' shape
    without the class dimension 1".
    """
    if target.shape != expected:
        raise ValueError(
            f"{name} must have shape {tuple(expected)} ({what}), got {tuple(target.shape)}"
        )


def check_batch_size(name_a: str, a: Tensor, name_b: str, b: Tensor) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` agree on their first (batch) dimension."""
    if a.dim() == 0 or b.dim() == 0 or a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same batch size N (first dimension), "
            f"got {name_a} {tuple(a.shape)} and {name_b} {tuple(b.shape)}"
        )


def check_ndim(name: str, value: Tensor, ndim: int | Sequence[int], what: str) -> None:
    """Raise ``ValueError`` unless ``value.dim()`` is ``ndim`` (or one of them)."""
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if value.dim() not in allowed:
        raise ValueError(f"{name} must be {what}, got shape {tuple(value.shape)}")


def check_not_scalar(names: str, value: Tensor, what: str) -> None:
    """Raise ``ValueError`` for a 0-d tensor where a dimension (``what``) is needed."""
    if value.dim() == 0:
        raise ValueError(f"{names} must have at least one dimension ({what}), got a 0-d tensor")


def check_probabilities(name: str, value: Tensor) -> None:
    """Raise ``ValueError`` if any entry lies outside ``[0, 1]`` (NaN propagates)."""
    if checking_values() and value.numel() and bool(((value < 0) | (value > 1)).any()):
        lo, hi = value.min().item(), value.max().item()
        raise ValueError(
            f"{name} must hold probabilities in [0, 1], got values in [{lo:.4g}, {hi:.4g}]"
            + (
                "; if these are logits, use a *_with_logits loss or apply softmax/sigmoid first"
                if name == "probs"
                else ""
            )
        )


def check_log_probabilities(name: str, value: Tensor, *, why: str = "") -> None:
    """Raise ``ValueError`` if a log-probability is positive (NaN propagates).

    ``why`` is appended to the expectation ("because log_inputs=True").
    """
    if checking_values() and value.numel() and bool((value > 0).any()):
        raise ValueError(
            f"{name} must hold log-probabilities (values <= 0){why}, "
            f"got a maximum of {value.max().item():.4g}"
        )


def check_binary_labels(name: str, value: Tensor, *, meaning: str = "") -> None:
    """Raise ``ValueError`` unless every label is 0 or 1 (NaN is not a label).

    ``meaning`` says what the two values stand for ("0 = similar, 1 = dissimilar").
    """
    if checking_values() and value.numel() and not bool(((value == 0) | (value == 1)).all()):
        found = torch.unique(value.detach()).flatten()[:6].tolist()
        said = f" ({meaning})" if meaning else ""
        raise ValueError(f"{name} must hold labels in {{0, 1}}{said}, found values {found}")


def _describe(value: object) -> str:
    """``type value`` for an error message: ``str '0.1'``, ``bool True``, ``torch.Tensor``."""
    if isinstance(value, Tensor):
        return f"a torch.Tensor of shape {tuple(value.shape)}"
    kind = type(value).__name__
    if isinstance(value, (str, bool, np.bool_)):
        return f"{kind} {value!r}"
    return kind


def _is_real_number(value: object) -> bool:
    """Python or NumPy real numbers of any dtype (``np.float32`` too); not bools, not tensors."""
    if isinstance(value, (bool, np.bool_)):
        return False
    return isinstance(value, numbers.Real)


def _range_text(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    if low is not None and high is not None:
        if low_open and high_open:
            return f"lie in the open interval ({low}, {high})"
        return f"lie in {'(' if low_open else '['}{low}, {high}{')' if high_open else ']'}"
    if low is not None:
        return f"be a finite number {'>' if low_open else '>='} {low}"
    if high is not None:
        return f"be a finite number {'<' if high_open else '<='} {high}"
    return "be a finite number"


@overload
def check_scalar(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: Literal[False] = False,
    allow_0d_tensor: bool = False,
    hint: str = "",
) -> float: ...
@overload
def check_scalar(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool,
    allow_0d_tensor: bool = False,
    hint: str = "",
) -> float | None: ...
def check_scalar(
    name: str,
    value: object,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    allow_none: bool = False,
    allow_0d_tensor: bool = False,
    hint: str = "",
) -> float | None:
    """Validate a scalar hyper-parameter and return it as a Python ``float``.

    Accepts any real number -- Python ``int``/``float`` and NumPy scalars of any
    integer or floating dtype (``np.float32`` as well as ``np.float64``). Refuses,
    with a ``TypeError`` that names the argument: bools (``True`` is not a
    number here), strings, tensors (a 0-d tensor would make every range check
    ambiguous; pass ``.item()``) and anything else. Then a ``ValueError`` unless
    the value is finite and inside the bounds: ``low``/``high`` (``None`` for no
    bound), each closed unless ``low_open``/``high_open``. ``allow_none`` lets
    ``None`` through (an optional hyper-parameter, e.g. ``alpha=None``).
    ``allow_0d_tensor`` accepts a 0-d real tensor and reads its value (``.item()``: no
    gradient reaches it, and under ``torch.compile`` the read breaks the graph), for a
    hyper-parameter that a helper computes as a tensor (Huber's ``delta`` from
    :func:`lossbook.guide.huber_delta`).
    ``hint`` is appended to the type error (what to do instead).
    """
    if value is None and allow_none:
        return None
    if (
        allow_0d_tensor
        and isinstance(value, Tensor)
        and value.dim() == 0
        and not (value.is_complex() or value.dtype == torch.bool)
    ):
        value = value.item()
    if not _is_real_number(value):
        wanted = (
            "a real number"
            + (" or a 0-d tensor" if allow_0d_tensor else "")
            + (" or None" if allow_none else "")
        )
        extra = hint
        if isinstance(value, Tensor) and value.dim() == 0 and not extra and not allow_0d_tensor:
            extra = f"; pass a number ({name}=t.item())"
        raise TypeError(f"{name} must be {wanted}, got {_describe(value)}{extra}")
    number = float(value)  # type: ignore[arg-type]
    ok = math.isfinite(number)
    if low is not None:
        ok = ok and (number > low if low_open else number >= low)
    if high is not None:
        ok = ok and (number < high if high_open else number <= high)
    if not ok:
        raise ValueError(f"{name} must {_range_text(low, high, low_open, high_open)}, got {value}")
    return number


def check_int(name: str, value: object, *, low: int | None = None) -> int:
    """Validate an integer argument (Python or NumPy integer, not a bool); return an ``int``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {_describe(value)}")
    number = int(value)
    if low is not None and number < low:
        raise ValueError(f"{name} must be an int >= {low}, got {number}")
    return number


def check_flag(name: str, value: object) -> bool:
    """Validate a boolean flag: exactly ``True`` or ``False`` (or a NumPy bool).

    A string such as ``"no"`` or ``"False"`` is truthy; a silent ``bool(value)``
    would turn it into ``True``. So anything but a real bool is a ``TypeError``.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be a bool (True or False), got {_describe(value)}")
    return bool(value)


def check_choice(name: str, value: object, choices: Sequence[object]) -> object:
    """Raise ``ValueError`` unless ``value`` is one of ``choices`` (strings, or ``None``)."""
    if not any(
        value is choice or (isinstance(value, str) and value == choice) for choice in choices
    ):
        raise ValueError(f"{name} must be one of {tuple(choices)}, got {value!r}")
    return value


def check_weight(
    name: str,
    value: object,
    *,
    input_name: str,
    input: Tensor,
    shape: torch.Size | tuple[int, ...],
    what: str,
    broadcast: bool = False,
) -> Tensor | None:
    """Validate an optional weight tensor against the input it weights; ``None`` passes.

    It must be a floating tensor on the same device as ``input`` (named
    ``input_name`` in the message), of shape ``shape`` -- exactly, or, with
    ``broadcast=True``, any shape that broadcasts to it without growing it.
    ``what`` says what one weight is for ("one weight per class").
    """
    if value is None:
        return None
    check_tensor(name, value)
    assert isinstance(value, Tensor)
    if value.device != input.device:
        raise ValueError(
            f"{name} must be on the same device as {input_name} ({input.device}), "
            f"got {name} on {value.device}"
        )
    shape = torch.Size(shape)
    if broadcast:
        check_broadcasts_to(name, value, shape, what)
    elif value.shape != shape:
        raise ValueError(f"{name} must have shape {tuple(shape)}, {what}, got {tuple(value.shape)}")
    return value


def check_positive(
    name: str, value: object, *, allow_zero: bool = False, allow_0d_tensor: bool = False
) -> float:
    """Raise unless the hyper-parameter is a finite number > 0 (or >= 0): :func:`check_scalar`."""
    result = check_scalar(
        name, value, low=0, low_open=not allow_zero, allow_0d_tensor=allow_0d_tensor
    )
    assert result is not None
    return result


def check_open_interval(name: str, value: object, low: float, high: float) -> float:
    """Raise unless ``low < value < high``: :func:`check_scalar` with two open bounds."""
    return check_scalar(name, value, low=low, high=high, low_open=True, high_open=True)


def check_plus_minus_one(name: str, value: Tensor) -> None:
    """Raise ``ValueError`` unless every label is -1 or +1 (the SVM convention)."""
    if checking_values() and value.numel() and not bool(((value == 1) | (value == -1)).all()):
        found = torch.unique(value.detach()).flatten()[:6].tolist()
        hint = " (convert {0, 1} labels with 2 * y - 1)" if set(found) <= {0, 1} else ""
        raise ValueError(f"{name} must hold labels in {{-1, +1}}, found values {found}{hint}")


def check_class_indices(
    name: str, value: Tensor, num_classes: int, *, ignore_index: int | None = None
) -> None:
    """Raise ``ValueError`` unless every index lies in ``[0, num_classes)`` (or is ignored)."""
    if value.numel() == 0 or not checking_values():
        return
    valid = value if ignore_index is None else value[value != ignore_index]
    if valid.numel() and bool(((valid < 0) | (valid >= num_classes)).any()):
        lo, hi = valid.min().item(), valid.max().item()
        raise ValueError(
            f"{name} must hold class indices in [0, {num_classes - 1}]"
            + (f" or ignore_index={ignore_index}" if ignore_index is not None else "")
            + f", got values in [{lo}, {hi}]"
        )


def check_generator(generator: object) -> torch.Generator | None:
    """A ``torch.Generator`` for a loss's random draws, or ``None`` (the global generator).

    Refused under ``torch.compile``, which cannot trace a generator: the message says to
    seed the global one instead.
    """
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            f"generator must be a torch.Generator or None, got {type(generator).__name__}"
        )
    if generator is not None and torch.compiler.is_compiling():
        raise TypeError(
            "generator cannot be used under torch.compile (Dynamo cannot trace a "
            "torch.Generator): seed the global generator with torch.manual_seed instead"
        )
    return generator


def check_reduction(reduction: object) -> Reduction:
    """Raise ``ValueError`` unless ``reduction`` is ``"mean"``, ``"sum"`` or ``"none"``."""
    if reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {REDUCTIONS}, got {reduction!r}")
    return reduction  # type: ignore[return-value]


def reduce(loss: Tensor, reduction: Reduction, *, mean_weights: Tensor | None = None) -> Tensor:
    """Apply ``reduction`` to per-element losses: ``"mean"``, ``"sum"`` or ``"none"``.

    The mean over an empty batch is refused rather than returned as NaN: an
    empty batch is almost always a bug upstream (a filter that removed
    everything), and NaN would only surface later, far from its cause. The sum
    over nothing is 0 and ``"none"`` returns the empty tensor, both correct.

    Weighted mean: with ``mean_weights`` (the shape of ``loss``, which already
    carries these weights), ``"mean"`` is ``Σ loss / Σ mean_weights`` -- the
    weighted average :func:`~lossbook.cross_entropy` takes with class weights,
    as PyTorch does. Elements of weight 0 (an ignored target) do not count, so
    when no element counts the batch is empty and the mean raises, like any
    other mean over nothing. ``"sum"`` and ``"none"`` ignore ``mean_weights``.
    """
    if reduction == "mean":
        if mean_weights is None:
            counted = loss.numel()
        elif not checking_values():  # compiled: no data-dependent check (all ignored -> NaN)
            return loss.sum() / mean_weights.sum()
        else:
            counted = int((mean_weights != 0).sum().item()) if mean_weights.numel() else 0
        if counted == 0:
            detail = (
                ""
                if mean_weights is None or loss.numel() == 0
                else f"; all {loss.numel()} elements have weight 0 (e.g. every target is ignore_index)"
            )
            raise ValueError(
                f"cannot average a loss over an empty batch (per-element losses of shape "
                f"{tuple(loss.shape)}{detail}); use reduction='sum' (which gives 0) or check "
                "the inputs"
            )
        if mean_weights is None:
            return loss.mean()
        return loss.sum() / mean_weights.sum()
    if reduction == "sum":
        return loss.sum()
    check_reduction(reduction)  # a caller that skipped the check still gets the message
    return loss


def upstream_gradient(grad_output: Tensor, reduction: Reduction, numel: int) -> Tensor:
    """The backward of :func:`reduce` without weights: the gradient reaching each element's loss.

    ``g/N`` for a mean over ``N = numel`` elements, ``g`` otherwise (for ``"none"``,
    ``grad_output`` already has one entry per element). The closed-form backward passes
    of :mod:`lossbook.regression` and :mod:`lossbook.classification` start from it.
    """
    return grad_output / numel if reduction == "mean" else grad_output


def weighted_reduce(loss: Tensor, weight: Tensor | None, reduction: Reduction) -> Tensor:
    """Multiply by an optional element-wise ``weight`` (same shape), then reduce."""
    if weight is not None:
        check_tensor("weight", weight)
        check_broadcasts_to("weight", weight, loss.shape, "one weight per element")
        loss = loss * weight
    return reduce(loss, reduction)


def safe_sqrt(squared: Tensor) -> Tensor:
    """``sqrt`` whose gradient at exactly 0 is 0 instead of ``inf`` (then NaN).

    The *where-trick*: where ``squared == 0`` the square root is fed a dummy 1,
    so neither its value nor its gradient (``1/(2·sqrt 0) = inf``) reaches the
    result, and the output there is the constant 0. Everywhere else this is the
    exact ``sqrt`` -- unlike ``sqrt(squared + eps)`` or a clamp, it changes no
    value. NaN is not 0, so NaN still propagates. Used for Euclidean distances
    (identical embeddings) and gradient norms (a flat critic).

    >>> x = torch.tensor([0.0, 4.0], requires_grad=True)
    >>> y = safe_sqrt(x)
    >>> y.sum().backward()
    >>> y.detach(), x.grad  # d sqrt(u)/du = 1/(2 sqrt u): 1/4 at u = 4; 0 (not inf) at 0
    (tensor([0., 2.]), tensor([0.0000, 0.2500]))
    """
    is_zero = squared == 0
    root = torch.sqrt(torch.where(is_zero, torch.ones_like(squared), squared))
    return torch.where(is_zero, torch.zeros_like(squared), root)


# --------------------------------------------------------------------------- autocast
F_ = TypeVar("F_", bound=Callable[..., Tensor])
_LOW_PRECISION = (torch.float16, torch.bfloat16)


def autocast_enabled(device_type: str) -> bool:
    """Whether ``torch.autocast`` is active for ``device_type``."""
    try:
        return bool(torch.is_autocast_enabled(device_type))  # (the device argument: torch 2.4)
    except RuntimeError:  # a device type autocast does not know (meta...)
        return False


def _first_device_type(values: Sequence[object]) -> str | None:
    for value in values:
        if isinstance(value, Tensor):
            return value.device.type
        if isinstance(value, (list, tuple)):
            found = _first_device_type(value)
            if found is not None:
                return found
    return None


def _upcast(value: object) -> object:
    if isinstance(value, Tensor) and value.dtype in _LOW_PRECISION:
        return value.float()
    if isinstance(value, list):
        return [_upcast(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_upcast(v) for v in value)
    return value


def float32_if_autocast(tensors: Sequence[Tensor]) -> list[Tensor]:
    """The autocast policy of :func:`float32_under_autocast`, applied to tensors in a body.

    For code the decorator cannot wrap: a penalty whose critic must keep running under the
    caller's autocast (:func:`~lossbook.gradient_penalty`), a list of parameters
    (:func:`~lossbook.l1_penalty`). While autocast is enabled for the first tensor's
    device, float16/bfloat16 tensors become float32 (a differentiable cast); otherwise
    the tensors are returned unchanged.
    """
    tensors = list(tensors)
    if not tensors or not autocast_enabled(tensors[0].device.type):
        return tensors
    return [t.float() if t.dtype in _LOW_PRECISION else t for t in tensors]


def float32_under_autocast(fn: F_) -> F_:
    """Decorate a loss so that under ``torch.autocast`` it computes and returns float32.

    PyTorch's own losses are on autocast's float32 list: inside an autocast
    region ``F.mse_loss`` of two bfloat16 tensors returns float32. A loss is a
    sum over a batch, exactly the reduction that low precision gets wrong, so
    every lossbook loss follows that policy: when autocast is enabled for the
    inputs' device, float16/bfloat16 tensor arguments are cast to float32
    (a differentiable cast: gradients flow back in the inputs' dtype) and the
    body runs with autocast disabled. Outside autocast the function is called
    unchanged and keeps its inputs' dtype.
    """

    @functools.wraps(fn)
    def wrapper(*args: object, **kwargs: object) -> Tensor:
        device_type = _first_device_type([*args, *kwargs.values()])
        if device_type is None or not autocast_enabled(device_type):
            return fn(*args, **kwargs)
        args = tuple(_upcast(a) for a in args)
        kwargs = {k: _upcast(v) for k, v in kwargs.items()}
        with torch.autocast(device_type, enabled=False):
            return fn(*args, **kwargs)

    # torch.compile keeps its compiled graphs per *code object*, at most 8 of them
    # (torch._dynamo.config.recompile_limit). Shared by thirty losses, this one wrapper's code
    # would fill that after eight and every further loss would run eagerly, with only a
    # logged warning. So each loss gets its own copy, named after it.
    name = f"{fn.__name__}_under_autocast_policy"
    wrapper.__code__ = wrapper.__code__.replace(co_name=name)  # type: ignore[attr-defined]
    return wrapper  # type: ignore[return-value]
