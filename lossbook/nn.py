"""Every lossbook loss as a ``torch.nn.Module``, named as torch names its own.

>>> import torch
>>> from lossbook.nn import HuberLoss
>>> criterion = HuberLoss(delta=1.0)
>>> criterion
HuberLoss(delta=1.0, reduction='mean')
>>> criterion(torch.zeros(2), torch.tensor([0.5, 3.0]))  # (0.125 + 2.5) / 2
tensor(1.3125)

``compile=True`` runs the loss through ``torch.compile`` (see
:mod:`lossbook.compiled`): ``HuberLoss(delta=1.0, compile=True)`` has the fused
speed, the same values and gradients, and falls back to eager with a warning
where compilation is unavailable.

A module holds the hyper-parameters and ``reduction`` given at construction
and is called with the tensors: ``HuberLoss(delta=2.0)(pred, target)`` is
``lossbook.huber(pred, target, delta=2.0)``. Each class is made by
:func:`module_for` from its function's signature, so the two cannot drift:

* settings are the function's keyword-only arguments, with its defaults;
* they are validated at construction by the function's own checks (numbers
  and flags by a dry call on a tiny example input; tensor weights and indices
  such as ``dim`` or ``blank``, which depend on the inputs' shapes, at every
  call);
* tensor settings (``weight``, ``pos_weight``, ``alpha``...) are buffers, so
  ``.to(device)`` moves them and ``state_dict()`` saves them;
* ``repr`` shows every setting.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import ClassVar

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
    check_positive,
    check_reduction,
    check_scalar,
    check_tensor,
)


def _validate(fn: Callable[..., Tensor], settings: dict[str, object]) -> None:
    """Run ``fn``'s own checks on ``settings``, before any input exists."""
    from .testing.examples import example_inputs

    numbers_given = {}
    for name, value in settings.items():
        default = inspect.signature(fn).parameters[name].default
        if name == "reduction":
            check_reduction(value)
        elif isinstance(default, bool):
            check_flag(name, value)
        elif isinstance(default, int):
            check_int(name, value)
        elif isinstance(value, Tensor):
            check_tensor(name, value)
        elif type(default) is float and not isinstance(value, (list, tuple)):
            numbers_given[name] = value  # bounds are the function's: a dry call checks them
    if numbers_given:
        example = example_inputs(fn.__name__, 2)
        assert example is not None
        fn(*example.args, **{**example.kwargs, **numbers_given})


def _shown(value: object) -> str:
    if isinstance(value, Tensor):
        return f"tensor of shape {tuple(value.shape)}"
    return repr(value)


def module_for(fn: Callable[..., Tensor], name: str) -> type[nn.Module]:
    """A ``nn.Module`` class named ``name`` that calls ``fn`` with the settings it was built with."""
    keywords = {
        p.name: p for p in inspect.signature(fn).parameters.values() if p.kind is p.KEYWORD_ONLY
    }

    def __init__(self: nn.Module, *, compile: bool = False, **settings: object) -> None:
        nn.Module.__init__(self)
        self.compile_loss = check_flag("compile", compile)  # (nn.Module.compile is a method)
        unknown = set(settings) - set(keywords)
        if unknown:
            raise TypeError(
                f"{name} got unexpected settings {sorted(unknown)}; known: {list(keywords)}"
            )
        settings = {k: settings.get(k, p.default) for k, p in keywords.items()}
        _validate(fn, settings)
        self._setting_names = list(settings)
        for key, value in settings.items():
            if isinstance(value, Tensor) or (
                value is None and "Tensor" in str(keywords[key].annotation)
            ):
                self.register_buffer(key, value if isinstance(value, Tensor) else None)
            else:
                setattr(self, key, value)

    def forward(self: nn.Module, *inputs: object, **overrides: object) -> Tensor:
        loss = fn
        if self.compile_loss:  # one compiled function per module, built on first use
            if getattr(self, "_compiled", None) is None:
                from .compiled import compile_loss

                self._compiled = compile_loss(fn)
            loss = self._compiled
        return loss(*inputs, **{**{k: getattr(self, k) for k in self._setting_names}, **overrides})

    def extra_repr(self: nn.Module) -> str:
        shown = [f"{k}={_shown(getattr(self, k))}" for k in self._setting_names]
        return ", ".join(shown + (["compile=True"] if self.compile_loss else []))

    doc = f"Module form of :func:`lossbook.{fn.__name__}`; settings: {', '.join(keywords)}."
    namespace = {
        "__init__": __init__,
        "forward": forward,
        "extra_repr": extra_repr,
        "__doc__": doc,
        "__module__": __name__,
        "function": staticmethod(fn),
    }
    return type(name, (nn.Module,), namespace)


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

    def loss(self, *inputs: object) -> Tensor:
        """``function(*inputs, **settings)``, through ``torch.compile`` if asked to."""
        fn = type(self).function
        if self.compile_loss:  # one compiled function per module, built on first use
            if self._compiled is None:
                from .compiled import compile_loss

                self._compiled = compile_loss(fn)
            fn = self._compiled
        return fn(*inputs, **{name: getattr(self, name) for name in self.settings})

    def extra_repr(self) -> str:
        shown = [f"{name}={_shown(getattr(self, name))}" for name in self.settings]
        return ", ".join(shown + (["compile=True"] if self.compile_loss else []))


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
MSELoss = module_for(regression.mse, "MSELoss")
MAELoss = module_for(regression.mae, "MAELoss")
LogCoshLoss = module_for(regression.log_cosh, "LogCoshLoss")
QuantileLoss = module_for(regression.quantile, "QuantileLoss")
CrossEntropyLoss = module_for(classification.cross_entropy, "CrossEntropyLoss")
BCELoss = module_for(classification.binary_cross_entropy, "BCELoss")
BCEWithLogitsLoss = module_for(classification.binary_cross_entropy_with_logits, "BCEWithLogitsLoss")
SigmoidFocalLoss = module_for(classification.sigmoid_focal, "SigmoidFocalLoss")
SoftmaxFocalLoss = module_for(classification.softmax_focal, "SoftmaxFocalLoss")
HingeLoss = module_for(classification.hinge, "HingeLoss")
SquaredHingeLoss = module_for(classification.squared_hinge, "SquaredHingeLoss")
KLDivergenceLoss = module_for(divergence.kl_divergence, "KLDivergenceLoss")
GaussianKLLoss = module_for(divergence.gaussian_kl, "GaussianKLLoss")
ContrastiveLoss = module_for(metric.contrastive, "ContrastiveLoss")
TripletLoss = module_for(metric.triplet, "TripletLoss")
InfoNCELoss = module_for(metric.info_nce, "InfoNCELoss")
CLIPLoss = module_for(metric.clip_loss, "CLIPLoss")
NTXentLoss = module_for(metric.nt_xent, "NTXentLoss")
CTCLoss = module_for(sequence.ctc, "CTCLoss")
DiceLoss = module_for(segmentation.dice, "DiceLoss")
DiceCrossEntropyLoss = module_for(segmentation.dice_cross_entropy, "DiceCrossEntropyLoss")
WassersteinCriticLoss = module_for(adversarial.wasserstein_critic, "WassersteinCriticLoss")
WassersteinGeneratorLoss = module_for(adversarial.wasserstein_generator, "WassersteinGeneratorLoss")
GradientPenalty = module_for(adversarial.gradient_penalty, "GradientPenalty")
L1Penalty = module_for(regularization.l1_penalty, "L1Penalty")
L2Penalty = module_for(regularization.l2_penalty, "L2Penalty")
ElasticNetPenalty = module_for(regularization.elastic_net_penalty, "ElasticNetPenalty")
PairwiseRankingLoss = module_for(alignment.pairwise_ranking, "PairwiseRankingLoss")
DPOLoss = module_for(alignment.dpo, "DPOLoss")
IPOLoss = module_for(alignment.ipo, "IPOLoss")
KTOLoss = module_for(alignment.kto, "KTOLoss")
ORPOLoss = module_for(alignment.orpo, "ORPOLoss")
PPOClipLoss = module_for(alignment.ppo_clip, "PPOClipLoss")
L1Loss = MAELoss  # torch's name for the mean absolute error

#: Every module class by name (``L1Loss`` is ``MAELoss``).
MODULES: dict[str, type[nn.Module]] = {
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

__all__ = [*MODULES, "L1Loss", "MODULES", "LossModule", "module_for"]


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


_CLS_MODULES: dict[str, type[nn.Module]] = {
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

    def forward(self, logits: Tensor, labels: Tensor, num_items: int | None = None) -> Tensor:
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

    Call it with ``(real_scores, fake_scores)``.
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

    Call it with ``(fake_scores)``.
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

    Call it with ``(critic, real)``: a callable critic and a batch of real samples ``(N, *)``.
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

    Call it with ``(model, x0)`` and optionally ``t=`` (noise levels ``(N,)``) and
    ``generator=`` for the draws; the output is a scalar, or ``(N,)`` with ``"none"``.
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

    Call it with ``(model, x0, x1)`` -- noise, then data -- and optionally ``t=`` and
    ``generator=``.
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
