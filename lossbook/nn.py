"""Every lossbook loss as a ``torch.nn.Module``, named as torch names its own.

>>> import torch
>>> from lossbook.nn import HuberLoss
>>> criterion = HuberLoss(delta=1.0)
>>> criterion
HuberLoss(delta=1.0, reduction='mean')
>>> criterion(torch.zeros(2), torch.tensor([0.5, 3.0]))  # (0.125 + 2.5) / 2
tensor(1.3125)

A module holds the hyper-parameters and ``reduction`` given at construction and is
called with the tensors: ``HuberLoss(delta=2.0)(pred, target)`` is
``lossbook.huber(pred, target, delta=2.0)``. Each class is written out, as torch writes
its own (:class:`LossModule` is their base):

* ``__init__`` takes the function's hyper-parameters, keyword-only, with its defaults,
  and validates them with the function's own :mod:`lossbook.checks` (tensor weights and
  indices such as ``dim`` or ``blank``, whose limits depend on the inputs' shapes, are
  checked again at every call); construction touches no global state;
* tensor settings (``weight``, ``pos_weight``, ``alpha``...) are buffers, so
  ``.to(device)`` moves them and ``state_dict()`` saves them;
* ``forward`` takes the tensors only (and the inputs that change with every batch, such
  as ``negatives`` or ``kl``): a hyper-parameter given at call time is a ``TypeError``;
* ``repr`` shows every setting.

``compile=True`` runs the loss through ``torch.compile`` (see
:mod:`lossbook.compiled`): ``HuberLoss(delta=1.0, compile=True)`` has the fused
speed, the same values and gradients, and falls back to eager with a warning
where compilation is unavailable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

import torch
from torch import Tensor, nn

from . import (
    adversarial,
    alignment,
    classification,
    divergence,
    metric,
    regression,
    regularization,
    segmentation,
    sequence,
)
from .checks import (
    Reduction,
    check_flag,
    check_int,
    check_open_interval,
    check_positive,
    check_reduction,
    check_scalar,
    check_tensor,
)


def _shown(value: object) -> str:
    if isinstance(value, Tensor):
        return f"tensor of shape {tuple(value.shape)}"
    return repr(value)


def _optional_tensor(name: str, value: Tensor | None) -> Tensor | None:
    """A tensor setting (a weight): ``None``, or a floating tensor (its shape is checked at call)."""
    return None if value is None else check_tensor(name, value)


class LossModule(nn.Module):
    """The base of every lossbook Module: settings at construction, tensors at call.

    A subclass sets ``function`` (the loss it wraps), takes its hyper-parameters as
    keyword-only ``__init__`` arguments with the function's defaults, validates them
    there with the function's own :mod:`lossbook.checks`, stores each as an attribute
    (a tensor setting as a buffer, so ``.to(device)`` moves it) and lists their names in
    ``settings``; its ``forward`` takes the tensors only and returns ``self.loss(...)``.
    Construction touches no global state (no random draws, no example inputs).
    """

    function: ClassVar[Callable[..., Tensor]]
    #: The names of the hyper-parameters passed to ``function``, in its signature's order.
    settings: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, compile: bool = False) -> None:
        super().__init__()
        self.compile_loss = check_flag("compile", compile)  # (nn.Module.compile is a method)
        self._compiled: Callable[..., Tensor] | None = None

    def loss(self, *inputs: object, **batch: object) -> Tensor:
        """``function(*inputs, **batch, **settings)``, through ``torch.compile`` if asked to.

        ``batch`` holds the keyword inputs that change with every batch (``negatives``,
        ``kl``, ``chosen_nll``, ``generator``): a ``forward`` names them in its own signature,
        so a setting can never be overridden at call time.
        """
        fn = type(self).function
        if self.compile_loss:  # one compiled function per module, built on first use
            if self._compiled is None:
                from .compiled import compile_loss

                self._compiled = compile_loss(fn)
            fn = self._compiled
        return fn(*inputs, **batch, **{name: getattr(self, name) for name in self.settings})

    def extra_repr(self) -> str:
        shown = [f"{name}={_shown(getattr(self, name))}" for name in self.settings]
        return ", ".join(shown + (["compile=True"] if self.compile_loss else []))


# --- Regression ------------------------------------------------------------------------------


class MSELoss(LossModule):
    """Mean squared error as a Module: :func:`lossbook.mse`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.mse)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


class MAELoss(LossModule):
    """Mean absolute error as a Module: :func:`lossbook.mae` (torch calls it ``L1Loss``).

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.mae)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


class HuberLoss(LossModule):
    """Huber loss as a Module: ``HuberLoss(delta=d)(pred, target)`` is
    :func:`lossbook.huber` ``(pred, target, delta=d)``.

    Args:
        delta: where the quadratic part meets the linear part (> 0): a number, or a 0-d
            tensor such as :func:`lossbook.guide.huber_delta` returns (stored as a float).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.huber)
    settings = ("delta", "reduction")

    def __init__(
        self,
        *,
        delta: float | Tensor = 1.0,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.delta = check_positive("delta", delta, allow_0d_tensor=True)  # huber_delta's tensor
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


# One line per loss, in the book's order.
class LogCoshLoss(LossModule):
    """Log-cosh loss as a Module: :func:`lossbook.log_cosh`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.log_cosh)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


class QuantileLoss(LossModule):
    """Quantile (pinball) loss as a Module: :func:`lossbook.quantile`.

    Args:
        q: the quantile level in the open interval (0, 1), or ``K`` strictly increasing
            levels (a sequence, or a 1-D tensor, kept as a buffer).
        crossing_penalty: ``λ ≥ 0`` per unit of crossing between levels, or ``None``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` ``(*)`` for one level, ``(*, K)`` for ``K`` levels; ``target``
    ``(*)``; the output is a scalar, or the elementwise losses with ``reduction="none"``.
    """

    function = staticmethod(regression.quantile)
    settings = ("q", "crossing_penalty", "reduction")
    q: float | Sequence[float] | Tensor

    def __init__(
        self,
        *,
        q: float | Sequence[float] | Tensor = 0.5,
        crossing_penalty: float | None = None,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        if isinstance(q, Tensor) and q.dim() == 1:
            regression._quantile_levels(q)
            self.register_buffer("q", q)
        elif isinstance(q, Sequence) and not isinstance(q, str):
            regression._quantile_levels(q)
            self.q = list(q)
        else:
            self.q = check_open_interval("q", q, 0.0, 1.0)
        self.crossing_penalty = check_scalar(
            "crossing_penalty", crossing_penalty, low=0, allow_none=True
        )
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


# --- Classification --------------------------------------------------------------------------


class CrossEntropyLoss(LossModule):
    """Cross-entropy as a Module: :func:`lossbook.cross_entropy`.

    Args:
        weight: optional per-class weights ``(C,)`` (a buffer).
        ignore_index: target value whose elements are skipped (class indices only).
        label_smoothing: ``ε`` in ``[0, 1]``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logits`` ``(N, C)``, ``(N, C, d1, ...)`` or ``(C,)``; ``target`` class
    indices ``(N,)`` / ``(N, d1, ...)`` or class probabilities shaped like ``logits``.
    """

    function = staticmethod(classification.cross_entropy)
    settings = ("weight", "ignore_index", "label_smoothing", "reduction")
    weight: Tensor | None

    def __init__(
        self,
        *,
        weight: Tensor | None = None,
        ignore_index: int = -100,
        label_smoothing: float = 0.0,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.register_buffer("weight", _optional_tensor("weight", weight))
        self.ignore_index = check_int("ignore_index", ignore_index)
        self.label_smoothing = check_scalar("label_smoothing", label_smoothing, low=0, high=1)
        self.reduction = check_reduction(reduction)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return self.loss(logits, target)


class BCELoss(LossModule):
    """Binary cross-entropy on probabilities as a Module: :func:`lossbook.binary_cross_entropy`.

    Args:
        weight: optional element weights, broadcastable to ``probs``' shape (a buffer).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``probs`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(classification.binary_cross_entropy)
    settings = ("weight", "reduction")
    weight: Tensor | None

    def __init__(
        self, *, weight: Tensor | None = None, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.register_buffer("weight", _optional_tensor("weight", weight))
        self.reduction = check_reduction(reduction)

    def forward(self, probs: Tensor, target: Tensor) -> Tensor:
        return self.loss(probs, target)


class BCEWithLogitsLoss(LossModule):
    """Binary cross-entropy on logits as a Module:
    :func:`lossbook.binary_cross_entropy_with_logits`.

    Args:
        weight: optional element weights, broadcastable to ``logits``' shape (a buffer).
        pos_weight: optional positive-class weight, broadcastable to it, e.g. ``(C,)``
            (a buffer).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logits`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(classification.binary_cross_entropy_with_logits)
    settings = ("weight", "pos_weight", "reduction")
    weight: Tensor | None
    pos_weight: Tensor | None

    def __init__(
        self,
        *,
        weight: Tensor | None = None,
        pos_weight: Tensor | None = None,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.register_buffer("weight", _optional_tensor("weight", weight))
        self.register_buffer("pos_weight", _optional_tensor("pos_weight", pos_weight))
        self.reduction = check_reduction(reduction)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return self.loss(logits, target)


class SigmoidFocalLoss(LossModule):
    """Binary focal loss as a Module: :func:`lossbook.sigmoid_focal`.

    Args:
        alpha: weight of the positive class in ``[0, 1]``; ``None`` disables it.
        gamma: focusing parameter ``≥ 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logits`` and ``target`` (labels in ``{0, 1}``) the same shape ``(*)``; the
    output is a scalar, or ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(classification.sigmoid_focal)
    settings = ("alpha", "gamma", "reduction")

    def __init__(
        self,
        *,
        alpha: float | None = 0.25,
        gamma: float = 2.0,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.alpha = check_scalar("alpha", alpha, low=0, high=1, allow_none=True)
        self.gamma = check_scalar("gamma", gamma, low=0)
        self.reduction = check_reduction(reduction)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return self.loss(logits, target)


class SoftmaxFocalLoss(LossModule):
    """Multi-class focal loss as a Module: :func:`lossbook.softmax_focal`.

    Args:
        gamma: focusing parameter ``≥ 0``.
        alpha: optional per-class weights, a ``(C,)`` tensor (a buffer).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logits`` ``(N, C)`` or ``(N, C, d1, ...)``; ``target`` class indices
    ``(N,)`` / ``(N, d1, ...)``.
    """

    function = staticmethod(classification.softmax_focal)
    settings = ("gamma", "alpha", "reduction")
    alpha: Tensor | None

    def __init__(
        self,
        *,
        gamma: float = 2.0,
        alpha: Tensor | None = None,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.gamma = check_scalar("gamma", gamma, low=0)
        self.register_buffer("alpha", _optional_tensor("alpha", alpha))
        self.reduction = check_reduction(reduction)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return self.loss(logits, target)


class HingeLoss(LossModule):
    """Hinge loss as a Module: :func:`lossbook.hinge`.

    Args:
        margin: the required margin, ``> 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``scores`` and ``target`` (labels in ``{-1, +1}``) the same shape ``(*)``.
    """

    function = staticmethod(classification.hinge)
    settings = ("margin", "reduction")

    def __init__(
        self, *, margin: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_positive("margin", margin)
        self.reduction = check_reduction(reduction)

    def forward(self, scores: Tensor, target: Tensor) -> Tensor:
        return self.loss(scores, target)


class SquaredHingeLoss(LossModule):
    """Squared hinge loss as a Module: :func:`lossbook.squared_hinge`.

    Args:
        margin: the required margin, ``> 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``scores`` and ``target`` (labels in ``{-1, +1}``) the same shape ``(*)``.
    """

    function = staticmethod(classification.squared_hinge)
    settings = ("margin", "reduction")

    def __init__(
        self, *, margin: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_positive("margin", margin)
        self.reduction = check_reduction(reduction)

    def forward(self, scores: Tensor, target: Tensor) -> Tensor:
        return self.loss(scores, target)


# --- Divergences -----------------------------------------------------------------------------


class KLDivergenceLoss(LossModule):
    """KL divergence ``D(P‖Q)`` as a Module: :func:`lossbook.kl_divergence` (``p`` first).

    Args:
        dim: the dimension holding the distribution (summed over).
        log_inputs: ``True`` if ``p`` and ``q`` are log-probabilities.
        reduction: ``"mean"`` (over the remaining dimensions), ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``p`` and ``q`` the same shape ``(*)``; ``"none"`` returns it without ``dim``.
    """

    function = staticmethod(divergence.kl_divergence)
    settings = ("dim", "log_inputs", "reduction")

    def __init__(
        self,
        *,
        dim: int = -1,
        log_inputs: bool = False,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.dim = check_int("dim", dim)
        self.log_inputs = check_flag("log_inputs", log_inputs)
        self.reduction = check_reduction(reduction)

    def forward(self, p: Tensor, q: Tensor) -> Tensor:
        return self.loss(p, q)


class GaussianKLLoss(LossModule):
    """The VAE's KL term ``KL(N(μ, σ²) ‖ N(0, I))`` as a Module: :func:`lossbook.gaussian_kl`.

    Args:
        reduction: ``"mean"`` (over every dimension but the last), ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``mu`` and ``logvar`` the same shape ``(*, D)``; ``"none"`` returns ``(*)``.
    """

    function = staticmethod(divergence.gaussian_kl)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, mu: Tensor, logvar: Tensor) -> Tensor:
        return self.loss(mu, logvar)


# --- Metric and contrastive learning ---------------------------------------------------------


class ContrastiveLoss(LossModule):
    """Contrastive (pair) loss as a Module: :func:`lossbook.contrastive`.

    Args:
        margin: the distance beyond which a dissimilar pair costs nothing, ``> 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``x1`` and ``x2`` ``(N, D)``; ``y`` ``(N,)`` in ``{0, 1}`` (1 = dissimilar).
    """

    function = staticmethod(metric.contrastive)
    settings = ("margin", "reduction")

    def __init__(
        self, *, margin: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_positive("margin", margin)
        self.reduction = check_reduction(reduction)

    def forward(self, x1: Tensor, x2: Tensor, y: Tensor) -> Tensor:
        return self.loss(x1, x2, y)


class TripletLoss(LossModule):
    """Triplet margin loss as a Module: :func:`lossbook.triplet`.

    Args:
        margin: the required gap between the two distances, ``> 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``anchor``, ``positive`` and ``negative`` ``(N, D)``; ``"none"`` gives ``(N,)``.

    ``swap`` and ``distance_function`` are ``TripletMarginWithDistanceLoss``'s: the distance
    swap of Balntas et al. and a distance of your own (default: Euclidean).
    """

    function = staticmethod(metric.triplet)
    settings = ("margin", "swap", "distance_function", "reduction")

    def __init__(
        self,
        *,
        margin: float = 1.0,
        swap: bool = False,
        distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_positive("margin", margin)
        self.swap = check_flag("swap", swap)
        if distance_function is not None and not callable(distance_function):
            raise TypeError(
                "distance_function must be a callable (x1, x2) -> distances or None, got "
                f"{type(distance_function).__name__}"
            )
        self.distance_function = distance_function
        self.reduction = check_reduction(reduction)

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return self.loss(anchor, positive, negative)


class InfoNCELoss(LossModule):
    """InfoNCE as a Module: :func:`lossbook.info_nce`.

    Args:
        temperature: ``τ > 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        gather: contrast with the global batch inside a ``torch.distributed`` group.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``query`` and ``key`` ``(N, D)``; ``negatives`` (given at call, as it changes
    with every batch: MoCo's queue) ``(M, D)`` or ``None`` for in-batch negatives.
    """

    function = staticmethod(metric.info_nce)
    settings = ("temperature", "reduction", "gather")

    def __init__(
        self,
        *,
        temperature: float = 0.1,
        reduction: Reduction = "mean",
        gather: bool = False,
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.temperature = check_positive("temperature", temperature)
        self.reduction = check_reduction(reduction)
        self.gather = check_flag("gather", gather)

    def forward(self, query: Tensor, key: Tensor, *, negatives: Tensor | None = None) -> Tensor:
        return self.loss(query, key, negatives=negatives)


class CLIPLoss(LossModule):
    """CLIP's symmetric InfoNCE as a Module: :func:`lossbook.clip_loss`.

    Args:
        temperature: ``τ > 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        gather: contrast with the global batch inside a ``torch.distributed`` group.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``image_emb`` and ``text_emb`` ``(N, D)``; ``"none"`` gives ``(N,)``.
    """

    function = staticmethod(metric.clip_loss)
    settings = ("temperature", "reduction", "gather")

    def __init__(
        self,
        *,
        temperature: float = 0.07,
        reduction: Reduction = "mean",
        gather: bool = False,
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.temperature = check_positive("temperature", temperature)
        self.reduction = check_reduction(reduction)
        self.gather = check_flag("gather", gather)

    def forward(self, image_emb: Tensor, text_emb: Tensor) -> Tensor:
        return self.loss(image_emb, text_emb)


class NTXentLoss(LossModule):
    """SimCLR's NT-Xent as a Module: :func:`lossbook.nt_xent`.

    Args:
        temperature: ``τ > 0``.
        reduction: ``"mean"`` (over the ``2N`` anchors), ``"sum"`` or ``"none"``.
        gather: contrast with the global batch inside a ``torch.distributed`` group.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``z1`` and ``z2`` ``(N, D)``; ``"none"`` gives ``(2N,)``, view-1 anchors first.
    """

    function = staticmethod(metric.nt_xent)
    settings = ("temperature", "reduction", "gather")

    def __init__(
        self,
        *,
        temperature: float = 0.1,
        reduction: Reduction = "mean",
        gather: bool = False,
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.temperature = check_positive("temperature", temperature)
        self.reduction = check_reduction(reduction)
        self.gather = check_flag("gather", gather)

    def forward(self, z1: Tensor, z2: Tensor) -> Tensor:
        return self.loss(z1, z2)


# --- Sequences and segmentation --------------------------------------------------------------


class CTCLoss(LossModule):
    """Connectionist temporal classification as a Module: :func:`lossbook.ctc`.

    Args:
        blank: index of the blank symbol in ``[0, C)`` (``C`` is checked at call).
        reduction: ``"mean"`` (each loss divided by its target length), ``"sum"`` or
            ``"none"``.
        zero_infinity: replace infinite losses and their gradients by zero.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``log_probs`` ``(T, N, C)``; ``targets`` ``(N, S)`` or concatenated;
    ``input_lengths`` and ``target_lengths`` ``(N,)``; ``"none"`` gives ``(N,)``.
    """

    function = staticmethod(sequence.ctc)
    settings = ("blank", "reduction", "zero_infinity")

    def __init__(
        self,
        *,
        blank: int = 0,
        reduction: Reduction = "mean",
        zero_infinity: bool = False,
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.blank = check_int("blank", blank)
        self.reduction = check_reduction(reduction)
        self.zero_infinity = check_flag("zero_infinity", zero_infinity)

    def forward(
        self, log_probs: Tensor, targets: Tensor, input_lengths: Tensor, target_lengths: Tensor
    ) -> Tensor:
        return self.loss(log_probs, targets, input_lengths, target_lengths)


class DiceLoss(LossModule):
    """Soft Dice loss as a Module: :func:`lossbook.dice`.

    Args:
        eps: smoothing constant ``ε > 0`` added to numerator and denominator.
        reduction: ``"mean"`` (over samples and classes), ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``probs`` and ``target`` ``(N, C, *spatial)``; ``"none"`` gives ``(N, C)``.
    """

    function = staticmethod(segmentation.dice)
    settings = ("eps", "reduction")

    def __init__(
        self, *, eps: float = 1e-6, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.eps = check_positive("eps", eps)
        self.reduction = check_reduction(reduction)

    def forward(self, probs: Tensor, target: Tensor) -> Tensor:
        return self.loss(probs, target)


class DiceCrossEntropyLoss(LossModule):
    """Dice plus cross-entropy as a Module: :func:`lossbook.dice_cross_entropy`.

    Args:
        dice_weight: weight ``≥ 0`` of the Dice term.
        ce_weight: weight ``≥ 0`` of the cross-entropy term (not both 0).
        eps: the Dice smoothing constant, ``> 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logits`` ``(N, C, *spatial)``; ``target`` class indices ``(N, *spatial)``;
    ``"none"`` gives ``(N,)``.
    """

    function = staticmethod(segmentation.dice_cross_entropy)
    settings = ("dice_weight", "ce_weight", "eps", "reduction")

    def __init__(
        self,
        *,
        dice_weight: float = 1.0,
        ce_weight: float = 1.0,
        eps: float = 1e-6,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.dice_weight = check_positive("dice_weight", dice_weight, allow_zero=True)
        self.ce_weight = check_positive("ce_weight", ce_weight, allow_zero=True)
        self.eps = check_positive("eps", eps)
        self.reduction = check_reduction(reduction)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return self.loss(logits, target)


# --- Generative models -----------------------------------------------------------------------


class WassersteinCriticLoss(LossModule):
    """The WGAN critic's loss ``mean(fake) − mean(real)`` as a Module:
    :func:`lossbook.wasserstein_critic`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``real_scores`` and ``fake_scores``, any shapes (``(N,)``, ``(N, 1)``...).
    """

    function = staticmethod(adversarial.wasserstein_critic)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, real_scores: Tensor, fake_scores: Tensor) -> Tensor:
        return self.loss(real_scores, fake_scores)


class WassersteinGeneratorLoss(LossModule):
    """The WGAN generator's loss ``−mean(fake)`` as a Module:
    :func:`lossbook.wasserstein_generator`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``fake_scores``, any shape.
    """

    function = staticmethod(adversarial.wasserstein_generator)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, fake_scores: Tensor) -> Tensor:
        return self.loss(fake_scores)


class GradientPenalty(LossModule):
    """WGAN-GP's gradient penalty as a Module: :func:`lossbook.gradient_penalty`.

    Args:
        weight: the penalty coefficient ``λ ≥ 0`` (10 in the paper).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``real`` and ``fake`` ``(N, *)``; ``critic`` maps them to ``(N, ...)`` scores.
    ``generator`` (given at call) is an optional ``torch.Generator`` for the
    interpolation draws; without one they come from the global generator, at call time.
    """

    function = staticmethod(adversarial.gradient_penalty)
    settings = ("weight", "reduction")

    def __init__(
        self, *, weight: float = 10.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.weight = check_positive("weight", weight, allow_zero=True)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        critic: Callable[[Tensor], Tensor],
        real: Tensor,
        fake: Tensor,
        *,
        generator: torch.Generator | None = None,
    ) -> Tensor:
        return self.loss(critic, real, fake, generator=generator)


# --- Regularization --------------------------------------------------------------------------


class L1Penalty(LossModule):
    """The L1 penalty ``Σ|w|`` as a Module: :func:`lossbook.l1_penalty`.

    Args:
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``params`` a module, a tensor or an iterable of tensors; the output is 0-d.
    """

    function = staticmethod(regularization.l1_penalty)

    def forward(self, params: nn.Module | Tensor | Sequence[Tensor]) -> Tensor:
        return self.loss(params)


class L2Penalty(LossModule):
    """The L2 penalty ``Σw²`` as a Module: :func:`lossbook.l2_penalty`.

    Args:
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``params`` a module, a tensor or an iterable of tensors; the output is 0-d.
    """

    function = staticmethod(regularization.l2_penalty)

    def forward(self, params: nn.Module | Tensor | Sequence[Tensor]) -> Tensor:
        return self.loss(params)


class ElasticNetPenalty(LossModule):
    """The elastic-net penalty ``λ₁Σ|w| + λ₂Σw²`` as a Module:
    :func:`lossbook.elastic_net_penalty`.

    Args:
        l1: the L1 coefficient ``λ₁ ≥ 0``.
        l2: the L2 coefficient ``λ₂ ≥ 0``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``params`` a module, a tensor or an iterable of tensors; the output is 0-d.
    """

    function = staticmethod(regularization.elastic_net_penalty)
    settings = ("l1", "l2")

    def __init__(self, *, l1: float = 1.0, l2: float = 1.0, compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.l1 = check_positive("l1", l1, allow_zero=True)
        self.l2 = check_positive("l2", l2, allow_zero=True)

    def forward(self, params: nn.Module | Tensor | Sequence[Tensor]) -> Tensor:
        return self.loss(params)


# --- LLM alignment ---------------------------------------------------------------------------


class PairwiseRankingLoss(LossModule):
    """The Bradley–Terry reward-model loss as a Module: :func:`lossbook.pairwise_ranking`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``chosen_rewards`` and ``rejected_rewards`` ``(N,)``.
    """

    function = staticmethod(alignment.pairwise_ranking)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, chosen_rewards: Tensor, rejected_rewards: Tensor) -> Tensor:
        return self.loss(chosen_rewards, rejected_rewards)


class DPOLoss(LossModule):
    """Direct preference optimisation as a Module: :func:`lossbook.dpo`.

    Args:
        beta: inverse temperature ``β > 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: the four summed log-probabilities ``(N,)``, in the paper's order.
    """

    function = staticmethod(alignment.dpo)
    settings = ("beta", "reduction")

    def __init__(
        self, *, beta: float = 0.1, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.beta = check_positive("beta", beta)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        policy_chosen_logps: Tensor,
        policy_rejected_logps: Tensor,
        ref_chosen_logps: Tensor,
        ref_rejected_logps: Tensor,
    ) -> Tensor:
        return self.loss(
            policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps
        )


class IPOLoss(LossModule):
    """Identity preference optimisation as a Module: :func:`lossbook.ipo`.

    Args:
        tau: regularisation ``τ > 0``; the target margin is ``1/(2τ)``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: the four summed log-probabilities ``(N,)``, in the paper's order.
    """

    function = staticmethod(alignment.ipo)
    settings = ("tau", "reduction")

    def __init__(
        self, *, tau: float = 0.1, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.tau = check_positive("tau", tau)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        policy_chosen_logps: Tensor,
        policy_rejected_logps: Tensor,
        ref_chosen_logps: Tensor,
        ref_rejected_logps: Tensor,
    ) -> Tensor:
        return self.loss(
            policy_chosen_logps, policy_rejected_logps, ref_chosen_logps, ref_rejected_logps
        )


class KTOLoss(LossModule):
    """Kahneman–Tversky optimisation as a Module: :func:`lossbook.kto`.

    Args:
        beta: ``β > 0``, as in DPO.
        desirable_weight: ``λ_D > 0``.
        undesirable_weight: ``λ_U > 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: desirable log-probabilities ``(N_c,)``, undesirable ``(N_r,)``. ``kl`` (given
    at call, as it changes with every batch) is the reference point ``z_0`` or ``None`` to
    estimate it from the batch.
    """

    function = staticmethod(alignment.kto)
    settings = ("beta", "desirable_weight", "undesirable_weight", "reduction")

    def __init__(
        self,
        *,
        beta: float = 0.1,
        desirable_weight: float = 1.0,
        undesirable_weight: float = 1.0,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.beta = check_positive("beta", beta)
        self.desirable_weight = check_positive("desirable_weight", desirable_weight)
        self.undesirable_weight = check_positive("undesirable_weight", undesirable_weight)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        policy_chosen_logps: Tensor,
        policy_rejected_logps: Tensor,
        ref_chosen_logps: Tensor,
        ref_rejected_logps: Tensor,
        *,
        kl: float | Tensor | None = None,
    ) -> Tensor:
        return self.loss(
            policy_chosen_logps,
            policy_rejected_logps,
            ref_chosen_logps,
            ref_rejected_logps,
            kl=kl,
        )


class ORPOLoss(LossModule):
    """Odds-ratio preference optimisation as a Module: :func:`lossbook.orpo`.

    Args:
        beta: weight ``β > 0`` of the odds-ratio term.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: average per-token log-probabilities ``(N,)``; ``chosen_nll`` (given at call)
    the optional SFT negative log-likelihood of each chosen answer, ``(N,)``.
    """

    function = staticmethod(alignment.orpo)
    settings = ("beta", "reduction")

    def __init__(
        self, *, beta: float = 0.1, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.beta = check_positive("beta", beta)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        policy_chosen_logps: Tensor,
        policy_rejected_logps: Tensor,
        *,
        chosen_nll: Tensor | None = None,
    ) -> Tensor:
        return self.loss(policy_chosen_logps, policy_rejected_logps, chosen_nll=chosen_nll)


class PPOClipLoss(LossModule):
    """PPO's clipped surrogate (negated) as a Module: :func:`lossbook.ppo_clip`.

    Args:
        clip: the clip range ``ε > 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logp_new``, ``logp_old`` and ``advantages`` the same shape ``(*)``.
    """

    function = staticmethod(alignment.ppo_clip)
    settings = ("clip", "reduction")

    def __init__(
        self, *, clip: float = 0.2, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.clip = check_positive("clip", clip)
        self.reduction = check_reduction(reduction)

    def forward(self, logp_new: Tensor, logp_old: Tensor, advantages: Tensor) -> Tensor:
        return self.loss(logp_new, logp_old, advantages)


L1Loss = MAELoss  # torch's name for the mean absolute error

#: Every module class by name (``L1Loss`` is ``MAELoss``).
MODULES: dict[str, type[LossModule]] = {
    "MSELoss": MSELoss,
    "MAELoss": MAELoss,
    "HuberLoss": HuberLoss,
    "LogCoshLoss": LogCoshLoss,
    "QuantileLoss": QuantileLoss,
    "CrossEntropyLoss": CrossEntropyLoss,
    "BCELoss": BCELoss,
    "BCEWithLogitsLoss": BCEWithLogitsLoss,
    "SigmoidFocalLoss": SigmoidFocalLoss,
    "SoftmaxFocalLoss": SoftmaxFocalLoss,
    "HingeLoss": HingeLoss,
    "SquaredHingeLoss": SquaredHingeLoss,
    "KLDivergenceLoss": KLDivergenceLoss,
    "GaussianKLLoss": GaussianKLLoss,
    "ContrastiveLoss": ContrastiveLoss,
    "TripletLoss": TripletLoss,
    "InfoNCELoss": InfoNCELoss,
    "CLIPLoss": CLIPLoss,
    "NTXentLoss": NTXentLoss,
    "CTCLoss": CTCLoss,
    "DiceLoss": DiceLoss,
    "DiceCrossEntropyLoss": DiceCrossEntropyLoss,
    "WassersteinCriticLoss": WassersteinCriticLoss,
    "WassersteinGeneratorLoss": WassersteinGeneratorLoss,
    "GradientPenalty": GradientPenalty,
    "L1Penalty": L1Penalty,
    "L2Penalty": L2Penalty,
    "ElasticNetPenalty": ElasticNetPenalty,
    "PairwiseRankingLoss": PairwiseRankingLoss,
    "DPOLoss": DPOLoss,
    "IPOLoss": IPOLoss,
    "KTOLoss": KTOLoss,
    "ORPOLoss": ORPOLoss,
    "PPOClipLoss": PPOClipLoss,
}

__all__ = [*MODULES, "L1Loss", "MODULES", "LossModule"]


# --- reg additions ---
class SmoothL1Loss(LossModule):
    """Smooth L1 loss as a Module: ``SmoothL1Loss(beta=b)(pred, target)`` is
    :func:`lossbook.smooth_l1` ``(pred, target, beta=b)`` (torch's ``SmoothL1Loss``).

    Not ``HuberLoss(delta=b)``: smooth L1 is Huber divided by ``b`` (slope-1 tails).

    Args:
        beta: where the quadratic part meets the linear part (>= 0; 0 is the L1 loss).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.smooth_l1)
    settings = ("beta", "reduction")

    def __init__(
        self, *, beta: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.beta = check_positive("beta", beta, allow_zero=True)
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


class GaussianNLLLoss(LossModule):
    """Gaussian negative log-likelihood as a Module: ``GaussianNLLLoss(...)(mean, target,
    var)`` is :func:`lossbook.gaussian_nll` (torch's ``GaussianNLLLoss`` at ``beta=0``).

    Args:
        eps: the smallest variance used (``var`` is clamped to it), > 0.
        full: add the constant ``½ log 2π``.
        beta: the β-NLL exponent in ``[0, 1]`` (Seitzer et al., 2022); 0 is the plain NLL.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``mean`` and ``target`` ``(*)``; ``var`` the same, or shared along one
    dimension (see :func:`lossbook.gaussian_nll`); the output is a scalar, or ``(*)``
    with ``reduction="none"``.
    """

    function = staticmethod(regression.gaussian_nll)
    settings = ("eps", "full", "beta", "reduction")

    def __init__(
        self,
        *,
        eps: float = 1e-6,
        full: bool = False,
        beta: float = 0.0,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.eps = check_positive("eps", eps)
        self.full = check_flag("full", full)
        self.beta = check_scalar("beta", beta, low=0.0, high=1.0)
        self.reduction = check_reduction(reduction)

    def forward(self, mean: Tensor, target: Tensor, var: Tensor) -> Tensor:
        return self.loss(mean, target, var)


class PoissonNLLLoss(LossModule):
    """Poisson negative log-likelihood as a Module: ``PoissonNLLLoss(...)(pred, target)`` is
    :func:`lossbook.poisson_nll` (torch's ``PoissonNLLLoss``).

    Args:
        log_input: whether ``pred`` is the log-rate (default) or the rate.
        full: add Stirling's approximation of ``log y!``.
        eps: added to the rate inside the log when ``log_input=False``, > 0.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` and ``target`` (counts ``>= 0``) the same shape ``(*)``; the output
    is a scalar, or ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.poisson_nll)
    settings = ("log_input", "full", "eps", "reduction")

    def __init__(
        self,
        *,
        log_input: bool = True,
        full: bool = False,
        eps: float = 1e-8,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.log_input = check_flag("log_input", log_input)
        self.full = check_flag("full", full)
        self.eps = check_positive("eps", eps)
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


class CRPSGaussianLoss(LossModule):
    """The CRPS of a normal forecast as a Module: ``CRPSGaussianLoss()(mean, std, target)``
    is :func:`lossbook.crps_gaussian`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``mean``, ``std`` (> 0) and ``target`` the same shape ``(*)``; the output is a
    scalar, or ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.crps_gaussian)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, mean: Tensor, std: Tensor, target: Tensor) -> Tensor:
        return self.loss(mean, std, target)


MODULES.update(
    {
        "SmoothL1Loss": SmoothL1Loss,
        "GaussianNLLLoss": GaussianNLLLoss,
        "PoissonNLLLoss": PoissonNLLLoss,
        "CRPSGaussianLoss": CRPSGaussianLoss,
    }
)
__all__ += ["SmoothL1Loss", "GaussianNLLLoss", "PoissonNLLLoss", "CRPSGaussianLoss"]


# --- cls additions ---
# torch's other classification loss modules, and the Brier score, in the explicit style.


class NLLLoss(LossModule):
    """:func:`lossbook.nll` as a Module, as ``torch.nn.NLLLoss``: ``NLLLoss()(log_probs, target)``.

    Args:
        weight: optional per-class weights ``(C,)`` (a buffer: it moves with ``.to``).
        ignore_index: target value whose elements are skipped.
        reduction: ``"mean"`` (weighted by the targets' class weights), ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``log_probs`` ``(N, C)`` / ``(N, C, d1, ...)`` (``log_softmax``'s output, not
    logits), ``target`` ``(N,)`` / ``(N, d1, ...)`` class indices; or ``(C,)`` and a 0-d index.
    """

    function = staticmethod(classification.nll)
    settings = ("weight", "ignore_index", "reduction")

    def __init__(
        self,
        *,
        weight: Tensor | None = None,
        ignore_index: int = -100,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.register_buffer("weight", None if weight is None else check_tensor("weight", weight))
        self.ignore_index = check_int("ignore_index", ignore_index)
        self.reduction = check_reduction(reduction)

    def forward(self, log_probs: Tensor, target: Tensor) -> Tensor:
        return self.loss(log_probs, target)


class SoftMarginLoss(LossModule):
    """:func:`lossbook.soft_margin` as a Module, as ``torch.nn.SoftMarginLoss``.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``scores`` and ``target`` (labels in {−1, +1}) the same shape ``(*)``.
    """

    function = staticmethod(classification.soft_margin)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, scores: Tensor, target: Tensor) -> Tensor:
        return self.loss(scores, target)


class MultiLabelSoftMarginLoss(LossModule):
    """:func:`lossbook.multilabel_soft_margin` as a Module, as ``torch.nn.MultiLabelSoftMarginLoss``.

    Args:
        weight: optional per-class weights ``(C,)`` (a buffer).
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (one value per example, ``(N,)``).
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logits`` and ``target`` (multi-hot labels in [0, 1]) both ``(N, C)`` or ``(C,)``.
    """

    function = staticmethod(classification.multilabel_soft_margin)
    settings = ("weight", "reduction")

    def __init__(
        self, *, weight: Tensor | None = None, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.register_buffer("weight", None if weight is None else check_tensor("weight", weight))
        self.reduction = check_reduction(reduction)

    def forward(self, logits: Tensor, target: Tensor) -> Tensor:
        return self.loss(logits, target)


class MultiMarginLoss(LossModule):
    """:func:`lossbook.multi_margin` as a Module, as ``torch.nn.MultiMarginLoss``.

    Args:
        p: 1 (hinge) or 2 (squared hinge).
        margin: the required gap between the true class's score and the others' (> 0).
        weight: optional per-class weights ``(C,)`` (a buffer), of the true class.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``scores`` ``(N, C)`` with ``target`` ``(N,)`` class indices, or ``(C,)`` and a 0-d one.
    """

    function = staticmethod(classification.multi_margin)
    settings = ("p", "margin", "weight", "reduction")

    def __init__(
        self,
        *,
        p: int = 1,
        margin: float = 1.0,
        weight: Tensor | None = None,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.p = classification._check_power(p)
        self.margin = classification._check_margin(margin)
        self.register_buffer("weight", None if weight is None else check_tensor("weight", weight))
        self.reduction = check_reduction(reduction)

    def forward(self, scores: Tensor, target: Tensor) -> Tensor:
        return self.loss(scores, target)


class MultiLabelMarginLoss(LossModule):
    """:func:`lossbook.multilabel_margin` as a Module, as ``torch.nn.MultiLabelMarginLoss``.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``scores`` ``(N, C)`` or ``(C,)``; ``target`` the same shape, class *indices*
    with each row ended by ``-1`` (not multi-hot: see :func:`lossbook.multilabel_margin`).
    """

    function = staticmethod(classification.multilabel_margin)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, scores: Tensor, target: Tensor) -> Tensor:
        return self.loss(scores, target)


class BrierLoss(LossModule):
    """:func:`lossbook.brier` as a Module: ``BrierLoss()(probs, target)``.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``probs`` ``(N, C)`` / ``(N, C, d1, ...)``; ``target`` class indices
    ``(N,)`` / ``(N, d1, ...)`` or class probabilities of ``probs``' shape.
    """

    function = staticmethod(classification.brier)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, probs: Tensor, target: Tensor) -> Tensor:
        return self.loss(probs, target)


_CLS_MODULES: dict[str, type[LossModule]] = {
    "NLLLoss": NLLLoss,
    "SoftMarginLoss": SoftMarginLoss,
    "MultiLabelSoftMarginLoss": MultiLabelSoftMarginLoss,
    "MultiMarginLoss": MultiMarginLoss,
    "MultiLabelMarginLoss": MultiLabelMarginLoss,
    "BrierLoss": BrierLoss,
}
MODULES.update(_CLS_MODULES)
__all__ += [*_CLS_MODULES]


# --- metric additions ---


class MarginRankingLoss(LossModule):
    """Margin ranking loss as a Module: ``MarginRankingLoss(margin=m)(x1, x2, y)`` is
    :func:`lossbook.margin_ranking` ``(x1, x2, y, margin=m)``.

    Args:
        margin: the required score gap (>= 0).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``x1``, ``x2`` and the ±1 labels ``y`` the same shape ``(*)``; the output is a
    scalar, or ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(metric.margin_ranking)
    settings = ("margin", "reduction")

    def __init__(
        self, *, margin: float = 0.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_positive("margin", margin, allow_zero=True)
        self.reduction = check_reduction(reduction)

    def forward(self, x1: Tensor, x2: Tensor, y: Tensor) -> Tensor:
        return self.loss(x1, x2, y)


class HingeEmbeddingLoss(LossModule):
    """Hinge embedding loss as a Module: ``HingeEmbeddingLoss(margin=m)(x, y)`` is
    :func:`lossbook.hinge_embedding` ``(x, y, margin=m)``.

    Args:
        margin: the distance beyond which a dissimilar pair costs nothing (> 0).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: distances ``x`` and ±1 labels ``y`` the same shape ``(*)``; the output is a
    scalar, or ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(metric.hinge_embedding)
    settings = ("margin", "reduction")

    def __init__(
        self, *, margin: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_positive("margin", margin)
        self.reduction = check_reduction(reduction)

    def forward(self, x: Tensor, y: Tensor) -> Tensor:
        return self.loss(x, y)


class CosineEmbeddingLoss(LossModule):
    """Cosine embedding loss as a Module: ``CosineEmbeddingLoss(margin=m)(x1, x2, y)`` is
    :func:`lossbook.cosine_embedding` ``(x1, x2, y, margin=m)``.

    Args:
        margin: the cosine below which a dissimilar pair costs nothing, in [-1, 1].
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``x1`` and ``x2`` ``(N, D)``, ±1 labels ``y`` ``(N,)``; the output is a scalar,
    or ``(N,)`` with ``reduction="none"``.
    """

    function = staticmethod(metric.cosine_embedding)
    settings = ("margin", "reduction")

    def __init__(
        self, *, margin: float = 0.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_scalar("margin", margin, low=-1.0, high=1.0)
        self.reduction = check_reduction(reduction)

    def forward(self, x1: Tensor, x2: Tensor, y: Tensor) -> Tensor:
        return self.loss(x1, x2, y)


# torch's names for the triplet loss: lossbook.triplet takes torch's swap and
# distance_function (TripletMarginLoss's p and eps: distance_function=partial(
# F.pairwise_distance, p=p, eps=eps)).
TripletMarginLoss = TripletLoss
TripletMarginWithDistanceLoss = TripletLoss

MODULES.update(
    {
        "MarginRankingLoss": MarginRankingLoss,
        "HingeEmbeddingLoss": HingeEmbeddingLoss,
        "CosineEmbeddingLoss": CosineEmbeddingLoss,
    }
)
__all__ += [
    "MarginRankingLoss",
    "HingeEmbeddingLoss",
    "CosineEmbeddingLoss",
    "TripletMarginLoss",
    "TripletMarginWithDistanceLoss",
]


# --- llm additions ---
from . import llm  # noqa: E402  (kept in this block so that merges stay local)
from .checks import check_choice  # noqa: E402


class KWiseRankingLoss(LossModule):
    """InstructGPT's reward-model loss as a Module: ``KWiseRankingLoss()(rewards)`` is
    :func:`lossbook.kwise_ranking` ``(rewards)``.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (one loss per prompt).
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``rewards`` ``(B, K)``, best answer first; the output is a scalar, or
    ``(B,)`` with ``reduction="none"``.
    """

    function = staticmethod(alignment.kwise_ranking)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, rewards: Tensor) -> Tensor:
        return self.loss(rewards)


class LMLoss(LossModule):
    """The causal language-model loss as a Module: ``LMLoss(z_loss=1e-4)(logits, labels)``
    is :func:`lossbook.lm_loss` ``(logits, labels, z_loss=1e-4)``.

    ``num_items`` (the counted tokens of the whole accumulated batch) changes with every
    batch, so it is an argument of the call, not a setting: ``criterion(logits, labels,
    num_items=n)``.

    Args:
        ignore_index: the label of positions that do not count.
        shift: predict token ``t + 1`` from position ``t``.
        z_loss: coefficient ``≥ 0`` of PaLM's ``log² Z`` penalty.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logits`` ``(B, T, V)``, ``labels`` ``(B, T)``; a scalar, or ``(B, T − 1)``
    (``(B, T)`` unshifted) with ``reduction="none"``.
    """

    function = staticmethod(llm.lm_loss)
    settings = ("ignore_index", "shift", "z_loss", "reduction")
    #: Keyword arguments of the function that are given at every call, not at construction.
    call_arguments = ("num_items",)

    def __init__(
        self,
        *,
        ignore_index: int = -100,
        shift: bool = True,
        z_loss: float = 0.0,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.ignore_index = check_int("ignore_index", ignore_index)
        self.shift = check_flag("shift", shift)
        self.z_loss = check_positive("z_loss", z_loss, allow_zero=True)
        self.reduction = check_reduction(reduction)

    def forward(self, logits: Tensor, labels: Tensor, *, num_items: int | None = None) -> Tensor:
        if num_items is None:
            return self.loss(logits, labels)
        return type(self).function(
            logits, labels, num_items=num_items, **{k: getattr(self, k) for k in self.settings}
        )


class KLEstimateLoss(LossModule):
    """Schulman's KL estimators as a Module: ``KLEstimateLoss(estimator="k3")(logp, ref_logp)``
    is :func:`lossbook.kl_estimate` ``(logp, ref_logp, estimator="k3")``.

    Args:
        estimator: ``"k1"``, ``"k2"`` or ``"k3"``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (the per-token estimates).
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logp`` and ``ref_logp`` the same shape ``(*)``.
    """

    function = staticmethod(llm.kl_estimate)
    settings = ("estimator", "reduction")

    def __init__(
        self, *, estimator: str = "k3", reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.estimator = check_choice("estimator", estimator, llm.ESTIMATORS)
        self.reduction = check_reduction(reduction)

    def forward(self, logp: Tensor, ref_logp: Tensor) -> Tensor:
        return self.loss(logp, ref_logp)


class GRPOLoss(LossModule):
    """GRPO's policy loss as a Module: ``GRPOLoss(normalize="token")(logp, old_logp,
    advantages, mask)`` is :func:`lossbook.grpo` with those settings.

    The reference model's log-probabilities change with every batch: ``ref_logp`` is an
    argument of the call (needed when ``beta > 0``), not a setting.

    Args:
        clip: ``ε > 0``; ``clip_high``: DAPO's ``ε_high > 0`` or ``None`` (= ``clip``).
        beta: weight ``≥ 0`` of the k3 KL penalty to the reference.
        normalize: ``"sequence"`` (GRPO), ``"token"`` (DAPO) or ``"constant"`` (Dr. GRPO).
        reduction: ``"mean"``, ``"sum"`` or ``"none"`` (each answer's share, ``(B,)``).
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``logp``, ``old_logp``, ``mask`` (and ``ref_logp``) ``(B, T)``; ``advantages``
    ``(B,)``.
    """

    function = staticmethod(llm.grpo)
    settings = ("clip", "clip_high", "beta", "normalize", "reduction")
    #: Keyword arguments of the function that are given at every call, not at construction.
    call_arguments = ("ref_logp",)

    def __init__(
        self,
        *,
        clip: float = 0.2,
        clip_high: float | None = None,
        beta: float = 0.0,
        normalize: str = "sequence",
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.clip = check_positive("clip", clip)
        self.clip_high = check_scalar("clip_high", clip_high, low=0, low_open=True, allow_none=True)
        self.beta = check_positive("beta", beta, allow_zero=True)
        self.normalize = check_choice("normalize", normalize, llm.NORMALIZATIONS)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        logp: Tensor,
        old_logp: Tensor,
        advantages: Tensor,
        mask: Tensor,
        *,
        ref_logp: Tensor | None = None,
    ) -> Tensor:
        if ref_logp is None:
            return self.loss(logp, old_logp, advantages, mask)
        return type(self).function(
            logp,
            old_logp,
            advantages,
            mask,
            ref_logp=ref_logp,
            **{k: getattr(self, k) for k in self.settings},
        )


class SimPOLoss(LossModule):
    """SimPO as a Module: ``SimPOLoss(beta=2.0, gamma=1.0)(chosen_avg, rejected_avg)`` is
    :func:`lossbook.simpo` with those settings.

    Args:
        beta: reward scale ``β > 0``.
        gamma: target reward margin ``γ ≥ 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: two ``(N,)`` tensors of average per-token log-probabilities.
    """

    function = staticmethod(llm.simpo)
    settings = ("beta", "gamma", "reduction")

    def __init__(
        self,
        *,
        beta: float = 2.0,
        gamma: float = 1.0,
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.beta = check_positive("beta", beta)
        self.gamma = check_positive("gamma", gamma, allow_zero=True)
        self.reduction = check_reduction(reduction)

    def forward(self, policy_chosen_avg_logps: Tensor, policy_rejected_avg_logps: Tensor) -> Tensor:
        return self.loss(policy_chosen_avg_logps, policy_rejected_avg_logps)


MODULES.update(
    {
        "KWiseRankingLoss": KWiseRankingLoss,
        "LMLoss": LMLoss,
        "KLEstimateLoss": KLEstimateLoss,
        "GRPOLoss": GRPOLoss,
        "SimPOLoss": SimPOLoss,
    }
)
__all__ += ["KWiseRankingLoss", "LMLoss", "KLEstimateLoss", "GRPOLoss", "SimPOLoss"]


# --- guide additions ---
from . import ranking  # noqa: E402


class ListNetLoss(LossModule):
    """ListNet as a Module: ``ListNetLoss(temperature=t)(scores, relevance)`` is
    :func:`lossbook.listnet` ``(scores, relevance, temperature=t)``.

    Args:
        temperature: divides the relevance labels before their softmax (> 0).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``scores`` and ``relevance`` ``(N, K)``, N lists of K items; the output is a
    scalar, or ``(N,)`` with ``reduction="none"``.
    """

    function = staticmethod(ranking.listnet)
    settings = ("temperature", "reduction")

    def __init__(
        self, *, temperature: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.temperature = check_positive("temperature", temperature)
        self.reduction = check_reduction(reduction)

    def forward(self, scores: Tensor, relevance: Tensor) -> Tensor:
        return self.loss(scores, relevance)


class ListMLELoss(LossModule):
    """ListMLE as a Module: ``ListMLELoss()(scores, relevance)`` is
    :func:`lossbook.listmle` ``(scores, relevance)``.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``scores`` and ``relevance`` ``(N, K)``, N lists of K items; the output is a
    scalar, or ``(N,)`` with ``reduction="none"``.
    """

    function = staticmethod(ranking.listmle)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, scores: Tensor, relevance: Tensor) -> Tensor:
        return self.loss(scores, relevance)


MODULES.update({"ListNetLoss": ListNetLoss, "ListMLELoss": ListMLELoss})
__all__ += ["ListNetLoss", "ListMLELoss"]


# --- gen additions ---
from . import generative  # noqa: E402


class _PerCallLossModule(LossModule):
    """A Module whose loss also takes per-call random inputs (``t``, ``generator``).

    They are not settings: they change from batch to batch, as a tensor does, so
    ``forward`` takes them and ``call_arguments`` names them.
    """

    call_arguments: ClassVar[tuple[str, ...]] = ("t", "generator")

    def loss(self, *inputs: object, **draws: object) -> Tensor:
        """``function(*inputs, **draws, **settings)``, through ``torch.compile`` if asked to."""
        if not draws:
            return super().loss(*inputs)
        fn = type(self).function
        if self.compile_loss and "generator" not in draws:  # Dynamo cannot trace a generator
            if self._compiled is None:
                from .compiled import compile_loss

                self._compiled = compile_loss(fn)
            fn = self._compiled
        return fn(*inputs, **draws, **{name: getattr(self, name) for name in self.settings})


class HingeGANDiscriminatorLoss(LossModule):
    """The hinge GAN discriminator's loss as a Module: :func:`lossbook.hinge_gan_discriminator`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``real_scores`` ``(N,)`` and ``fake_scores`` ``(M,)`` (each averaged on its own);
    ``"none"`` gives their per-sample terms.
    """

    function = staticmethod(adversarial.hinge_gan_discriminator)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, real_scores: Tensor, fake_scores: Tensor) -> Tensor:
        return self.loss(real_scores, fake_scores)


class HingeGANGeneratorLoss(LossModule):
    """The hinge GAN generator's loss as a Module: :func:`lossbook.hinge_gan_generator`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile``.

    Shapes: ``fake_scores`` ``(M,)``; the output is a scalar, or ``(M,)`` with ``"none"``.
    """

    function = staticmethod(adversarial.hinge_gan_generator)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(self, fake_scores: Tensor) -> Tensor:
        return self.loss(fake_scores)


class R1Penalty(LossModule):
    """The R1 gradient penalty as a Module: :func:`lossbook.r1_penalty`.

    Args:
        gamma: the penalty's weight ``γ ≥ 0``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the penalty through ``torch.compile``.

    Shapes: called with ``(critic, real)``, a callable critic and real samples ``(N, *)``; the
    output is a scalar, or ``(N,)`` with ``"none"``.
    """

    function = staticmethod(adversarial.r1_penalty)
    settings = ("gamma", "reduction")

    def __init__(
        self, *, gamma: float = 10.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.gamma = check_positive("gamma", gamma, allow_zero=True)
        self.reduction = check_reduction(reduction)

    def forward(self, critic: Callable[[Tensor], Tensor], real: Tensor) -> Tensor:
        return self.loss(critic, real)


class DenoisingLoss(_PerCallLossModule):
    """The diffusion model's loss as a Module: :func:`lossbook.denoising_loss`.

    Args:
        schedule: the forward process, ``"cosine"`` or ``"linear"``.
        target: what the model predicts, ``"eps"``, ``"x0"`` or ``"v"``.
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile``.

    Shapes: called with ``(model, x0)``, ``x0`` ``(N, *)``, and optionally ``t=`` (noise levels
    ``(N,)``) and ``generator=`` for the draws; the output is a scalar, or ``(N,)`` with
    ``"none"``.
    """

    function = staticmethod(generative.denoising_loss)
    settings = ("schedule", "target", "reduction")

    def __init__(
        self,
        *,
        schedule: str = "cosine",
        target: str = "eps",
        reduction: Reduction = "mean",
        compile: bool = False,
    ) -> None:
        super().__init__(compile=compile)
        self.schedule = generative.check_schedule(schedule)
        self.target = generative.check_target(target)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        model: Callable[[Tensor, Tensor], Tensor],
        x0: Tensor,
        *,
        t: Tensor | None = None,
        generator: object = None,
    ) -> Tensor:
        draws = {k: v for k, v in (("t", t), ("generator", generator)) if v is not None}
        return self.loss(model, x0, **draws)


class FlowMatchingLoss(_PerCallLossModule):
    """Flow matching as a Module: :func:`lossbook.flow_matching`.

    Args:
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile``.

    Shapes: called with ``(model, x0, x1)`` -- noise, then data, both ``(N, *)`` -- and
    optionally ``t=`` ``(N,)`` and ``generator=``; the output is a scalar, or ``(N,)``.
    """

    function = staticmethod(generative.flow_matching)
    settings = ("reduction",)

    def __init__(self, *, reduction: Reduction = "mean", compile: bool = False) -> None:
        super().__init__(compile=compile)
        self.reduction = check_reduction(reduction)

    def forward(
        self,
        model: Callable[[Tensor, Tensor], Tensor],
        x0: Tensor,
        x1: Tensor,
        *,
        t: Tensor | None = None,
        generator: object = None,
    ) -> Tensor:
        draws = {k: v for k, v in (("t", t), ("generator", generator)) if v is not None}
        return self.loss(model, x0, x1, **draws)


_GEN_MODULES = {
    "HingeGANDiscriminatorLoss": HingeGANDiscriminatorLoss,
    "HingeGANGeneratorLoss": HingeGANGeneratorLoss,
    "R1Penalty": R1Penalty,
    "DenoisingLoss": DenoisingLoss,
    "FlowMatchingLoss": FlowMatchingLoss,
}
MODULES.update(_GEN_MODULES)
__all__ += [*_GEN_MODULES]
