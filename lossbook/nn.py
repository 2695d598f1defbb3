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
        delta: where the quadratic part meets the linear part (> 0).
        reduction: ``"mean"``, ``"sum"`` or ``"none"``.
        compile: run the loss through ``torch.compile`` (see :mod:`lossbook.compiled`).

    Shapes: ``pred`` and ``target`` the same shape ``(*)``; the output is a scalar, or
    ``(*)`` with ``reduction="none"``.
    """

    function = staticmethod(regression.huber)
    settings = ("delta", "reduction")

    def __init__(
        self, *, delta: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.delta = check_positive("delta", delta)
        self.reduction = check_reduction(reduction)

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        return self.loss(pred, target)


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
    """

    function = staticmethod(metric.triplet)
    settings = ("margin", "reduction")

    def __init__(
        self, *, margin: float = 1.0, reduction: Reduction = "mean", compile: bool = False
    ) -> None:
        super().__init__(compile=compile)
        self.margin = check_positive("margin", margin)
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
