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


# --- gen additions ---
from . import generative  # noqa: E402


class _PerCallLossModule(LossModule):
    """A Module whose loss also takes per-call random inputs (``t``, ``generator``).

    They are not settings: they change from batch to batch, as a tensor does, so
    ``forward`` takes them and ``per_call`` names them.
    """

    per_call: ClassVar[tuple[str, ...]] = ("t", "generator")

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
