"""The catalog: one :class:`LossSpec` per loss, the single source of truth about it.

The book's summary tables, the loss explorer and the selection guide are
generated from here, and the test suite checks every property recorded here
numerically (``tests/test_catalog_claims.py``): a false claim fails CI.

Properties are claims about the loss *as a function of one scalar variable*
(its ``profile``), at the hyper-parameters in ``example_params``:

* ``variable`` names that scalar: the residual ``r = y − ŷ`` for regression,
  the margin ``m`` (the signed logit or score, positive when right) for
  classification, or a probability.
* ``convex``: the profile is convex on ``domain``.
* ``smooth``: twice continuously differentiable everywhere on ``domain``.
* ``bounded_below``: the profile's infimum (``0.0`` for most losses here), or
  ``None`` if unbounded below.
* ``nonnegative``: ``True`` if the loss is ``≥ 0`` for *every* valid input
  (bounded below by 0), ``False`` if it can go below 0. Recorded for every
  loss, profiled or not (a profiled entry derives it from ``bounded_below``);
  :func:`losses_that_can_be_negative` lists the exceptions.
* ``robust``: the derivative stays bounded as the variable grows large in the
  direction of error (large residuals, very wrong margins) -- one bad point
  pulls with bounded force.
* ``symmetric``: ``ℓ(x) = ℓ(−x)`` (``None`` when that makes no sense).
* ``support``: where the variable naturally lives -- the whole real line
  (the default) or an interval such as ``(0, 1)`` for a probability. The
  robustness check follows the variable outward to the edge of its support.

Losses with no scalar profile (CTC, set-based metric losses...) have
``profile=None`` and ``None`` for the shape properties.

``defaults`` are not typed here: they are read from the function's signature
(:func:`signature_defaults`). ``formula`` writes every scalar hyper-parameter
with its symbol (``symbols``: ``margin`` is ``m``...), never a fixed value;
:meth:`LossSpec.display_formula` appends the values (``m = 1``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from . import adversarial as AD
from . import alignment as AL
from . import classification as C
from . import divergence as DV
from . import metric as M
from . import regression as R
from . import regularization as RG
from . import segmentation as SG
from . import sequence as Seq


@dataclass(frozen=True)
class LossSpec:
    """Everything the book and the tests know about one loss."""

    name: str
    family: str
    fn: Callable[..., Tensor]
    formula: str
    problem: str
    summary: str
    reference: str
    defaults: dict[str, object] | None = None  # read from the signature; see __post_init__
    variable: str | None = None
    domain: tuple[float, float] | None = None
    support: tuple[float, float] = (float("-inf"), float("inf"))
    profile: Callable[..., Tensor] | None = None
    example_params: dict[str, float] = field(default_factory=dict)
    convex: bool | None = None
    smooth: bool | None = None
    bounded_below: float | None = None
    robust: bool | None = None
    symmetric: bool | None = None
    nonnegative: bool | None = None
    symbols: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Defaults are never retyped: they are read from the function's signature, so
        # the catalog cannot drift from the code (a given dict is compared by the tests).
        if self.defaults is None:
            object.__setattr__(self, "defaults", signature_defaults(self.fn))
        # ℓ ≥ 0? A profiled entry knows from its infimum; the others must say so.
        if self.nonnegative is None and self.profile is not None:
            nonnegative = self.bounded_below is not None and self.bounded_below >= 0
            object.__setattr__(self, "nonnegative", nonnegative)
        object.__setattr__(
            self,
            "symbols",
            {
                name: self.symbols.get(name, SYMBOLS.get(name, name))
                for name in scalar_hyper_parameters(self.fn)
            },
        )

    def display_formula(self, **params: float) -> str:
        r"""The formula followed by its hyper-parameters' values, e.g. ``… ,\quad m = 1``.

        Values are the signature's defaults unless given in ``params``.
        """
        values = {**self.defaults, **params}
        shown = [
            f"{symbol} = {float(values[name]):g}"
            for name, symbol in self.symbols.items()
            if values.get(name) is not None
        ]
        return self.formula + (r",\quad " + r",\ ".join(shown) if shown else "")

    def __call__(self, *args, **kwargs) -> Tensor:
        return self.fn(*args, **kwargs)

    def curve(self, x: Tensor, **params: float) -> Tensor:
        """Evaluate the scalar profile element-wise at ``x`` (``example_params`` by default)."""
        if self.profile is None:
            raise ValueError(f"{self.name} has no one-dimensional profile")
        return self.profile(x, **{**self.example_params, **params})


def signature_defaults(fn: Callable[..., Tensor]) -> dict[str, object]:
    """The keyword-only arguments of ``fn`` with their defaults (``reduction`` left out)."""
    return {
        name: param.default
        for name, param in inspect.signature(fn).parameters.items()
        if param.kind is param.KEYWORD_ONLY
        and name != "reduction"
        and param.default is not param.empty
    }


def scalar_hyper_parameters(fn: Callable[..., Tensor]) -> list[str]:
    """The keyword-only arguments of ``fn`` whose default is a real number (not a bool/int)."""
    return [name for name, value in signature_defaults(fn).items() if type(value) is float]


#: How the formulas write each scalar hyper-parameter (an entry may override it).
SYMBOLS = {
    "delta": r"\delta",
    "q": "q",
    "alpha": r"\alpha",
    "gamma": r"\gamma",
    "margin": "m",
    "temperature": r"\tau",
    "eps": r"\epsilon",
    "beta": r"\beta",
    "tau": r"\tau",
    "clip": r"\varepsilon",
    "label_smoothing": r"\varepsilon",
    "l1": r"\lambda_1",
    "l2": r"\lambda_2",
    "dice_weight": r"w_{\mathrm{dice}}",
    "ce_weight": r"w_{\mathrm{ce}}",
    "desirable_weight": r"\lambda_D",
    "undesirable_weight": r"\lambda_U",
}


def losses_that_can_be_negative() -> list[str]:
    """Names of the losses that can take values below 0, in catalog order.

    Every other loss is bounded below by 0 (``nonnegative=True``), so a sentence
    such as "every loss is ≥ 0 except …" can be generated from the catalog.
    """
    return [spec.name for spec in _ENTRIES if spec.nonnegative is False]


# Profiles: the loss as a function of one scalar, built by calling the loss itself
# with reduction="none" so that the catalog can never drift from the code.
def _residual_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def profile(r: Tensor, **params: float) -> Tensor:
        return fn(torch.zeros_like(r), r, reduction="none", **params)

    return profile


def _binary_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    def profile(m: Tensor, **params: float) -> Tensor:
        return fn(m, torch.ones_like(m), reduction="none", **params)

    return profile


def _two_class_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # Logits (0, m) with true class 1: m is the margin of the true class.
    def profile(m: Tensor, **params: float) -> Tensor:
        logits = torch.stack([torch.zeros_like(m), m], dim=1)
        target = torch.ones(m.shape[0], dtype=torch.long, device=m.device)
        return fn(logits, target, reduction="none", **params)

    return profile


_REGRESSION = dict(family="regression", problem="regression", variable="residual r = y − ŷ")
_MARGIN = dict(variable="margin m (signed logit, > 0 when right)")

_CORE_ENTRIES: list[LossSpec] = [
    LossSpec(
        name="mse",
        fn=R.mse,
        formula=r"(y - \hat y)^2",
        summary="Squares the residual: smooth and convex, but outliers dominate.",
        reference="gauss1809",
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.mse),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="mae",
        fn=R.mae,
        formula=r"|y - \hat y|",
        summary="Absolute residual: robust, estimates the median, kinked at zero.",
        reference="laplace1774",
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.mae),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="huber",
        fn=R.huber,
        formula=r"\begin{cases}\frac12 r^2 & |r|\le\delta\\ \delta(|r|-\frac12\delta) & |r|>\delta\end{cases}",
        summary="Quadratic near zero, linear in the tails: MSE's smoothness, MAE's robustness.",
        reference="huber1964",
        example_params={"delta": 1.0},
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.huber),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="log_cosh",
        fn=R.log_cosh,
        formula=r"\log\cosh(y - \hat y)",
        summary="Like Huber but twice differentiable; gradient tanh(r) is bounded.",
        reference="wang2022survey",
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.log_cosh),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=True,
        **_REGRESSION,
    ),
    LossSpec(
        name="quantile",
        fn=R.quantile,
        formula=r"\max\bigl(q\,r,\ (q-1)\,r\bigr),\ r = y - \hat y",
        summary="Pinball loss: asymmetric costs; its minimiser is the q-th quantile.",
        reference="koenker1978",
        example_params={"q": 0.9},
        domain=(-10.0, 10.0),
        profile=_residual_profile(R.quantile),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_REGRESSION,
    ),
    LossSpec(
        name="cross_entropy",
        family="classification",
        fn=C.cross_entropy,
        formula=(
            r"-\sum_c t_c \log \frac{e^{z_c}}{\sum_k e^{z_k}},\quad"
            r" t = (1 - \varepsilon)\,\mathrm{onehot}(y) + \varepsilon / C"
        ),
        problem="multi-class classification",
        summary="Negative log-likelihood of the softmax; gradient p − y never vanishes when wrong.",
        reference="goodfellow2016",
        domain=(-10.0, 10.0),
        profile=_two_class_margin_profile(C.cross_entropy),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="binary_cross_entropy",
        family="classification",
        fn=C.binary_cross_entropy,
        formula=r"-\bigl[y\log p + (1-y)\log(1-p)\bigr]",
        problem="binary or multi-label classification",
        summary="Bernoulli negative log-likelihood on probabilities (logs clamped at −100).",
        reference="goodfellow2016",
        variable="probability p of the true class",
        domain=(0.01, 0.99),
        support=(0.0, 1.0),
        profile=lambda p: C.binary_cross_entropy(p, torch.ones_like(p), reduction="none"),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=None,
    ),
    LossSpec(
        name="binary_cross_entropy_with_logits",
        family="classification",
        fn=C.binary_cross_entropy_with_logits,
        formula=r"y\,\mathrm{softplus}(-z) + (1-y)\,\mathrm{softplus}(z)",
        problem="binary or multi-label classification",
        summary="Sigmoid + binary cross-entropy fused in log space: stable for any logit.",
        reference="goodfellow2016",
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.binary_cross_entropy_with_logits),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="sigmoid_focal",
        family="classification",
        fn=C.sigmoid_focal,
        formula=r"-\alpha_t (1-p_t)^\gamma \log p_t",
        problem="binary or multi-label classification with class imbalance",
        summary="Cross-entropy that down-weights easy examples by (1 − p_t)^γ.",
        reference="lin2017focal",
        example_params={"gamma": 2.0},
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.sigmoid_focal),
        convex=False,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="softmax_focal",
        family="classification",
        fn=C.softmax_focal,
        formula=r"-\alpha_y (1-p_y)^\gamma \log p_y",
        problem="multi-class classification with class imbalance",
        summary="Multi-class focal loss; γ = 0 is cross-entropy.",
        reference="lin2017focal",
        example_params={"gamma": 2.0},
        domain=(-10.0, 10.0),
        profile=_two_class_margin_profile(C.softmax_focal),
        convex=False,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="hinge",
        family="classification",
        fn=C.hinge,
        formula=r"\max(0,\ m - y\,s)",
        problem="binary classification (SVM), labels in {−1, +1}",
        summary="Zero beyond the margin, linear inside it: the SVM's loss.",
        reference="cortes1995",
        example_params={"margin": 1.0},
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.hinge),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_MARGIN,
    ),
    LossSpec(
        name="squared_hinge",
        family="classification",
        fn=C.squared_hinge,
        formula=r"\max(0,\ m - y\,s)^2",
        problem="binary classification (L2-SVM), labels in {−1, +1}",
        summary="Hinge squared: differentiable, but quadratic in large violations.",
        reference="cortes1995",
        example_params={"margin": 1.0},
        domain=(-10.0, 10.0),
        profile=_binary_margin_profile(C.squared_hinge),
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=False,
        symmetric=False,
        **_MARGIN,
    ),
]


def _triplet_gap_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # 1-D embeddings: anchor at 0, negative at L, positive at L + g, so that
    # d(a, p) − d(a, n) = (L + g) − L = g. L = 1 + max|g| keeps every distance
    # positive, so autograd's slope is exactly 1 wherever the hinge is active.
    def profile(g: Tensor, **params: float) -> Tensor:
        offset = 1.0 + (g.detach().abs().max() if g.numel() else 0.0)
        column = g.reshape(-1, 1)
        anchor = torch.zeros_like(column)
        negative = anchor + offset
        positive = column + offset
        return fn(anchor, positive, negative, reduction="none", **params).reshape(g.shape)

    return profile


METRIC_ENTRIES = [
    LossSpec(
        name="contrastive",
        family="metric",
        fn=M.contrastive,
        formula=r"(1-y)\,D^2 + y\,\max(0,\ m - D)^2,\ D = \lVert x_1 - x_2\rVert_2",
        problem="metric learning on labelled pairs (y = 0 similar, y = 1 dissimilar)",
        summary="Pulls similar pairs together, pushes dissimilar ones out to a margin.",
        reference="hadsell2006dimensionality",
        nonnegative=True,
    ),
    LossSpec(
        name="triplet",
        family="metric",
        fn=M.triplet,
        formula=r"\max\bigl(0,\ d(a,p) - d(a,n) + m\bigr)",
        problem="metric learning (face recognition, re-identification, retrieval)",
        summary="Anchor closer to its positive than to its negative by a margin; a hinge in the gap.",
        reference="schroff2015facenet",
        variable="distance gap Δ = d(a, p) − d(a, n) (< −margin when satisfied)",
        domain=(-10.0, 10.0),
        profile=_triplet_gap_profile(M.triplet),
        example_params={"margin": 1.0},
        convex=True,
        smooth=False,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="info_nce",
        family="metric",
        fn=M.info_nce,
        formula=r"-\log \frac{e^{s(q_i, k_i)/\tau}}{\sum_j e^{s(q_i, k_j)/\tau}}",
        problem="self-supervised contrastive representation learning (SimCLR, MoCo)",
        summary="Cross-entropy that picks the positive key among negatives by cosine similarity / τ.",
        reference="oord2018representation",
        nonnegative=True,
    ),
    LossSpec(
        name="clip_loss",
        family="metric",
        fn=M.clip_loss,
        formula=r"\tfrac12\bigl[\mathrm{CE}(L, I) + \mathrm{CE}(L^\top, I)\bigr],\ L_{ij} = s(\mathrm{img}_i, \mathrm{txt}_j)/\tau",
        problem="image-text (multimodal) contrastive pre-training",
        summary="Symmetric InfoNCE: each image picks its caption and each caption its image.",
        reference="radford2021learning",
        nonnegative=True,
    ),
    LossSpec(
        name="nt_xent",
        family="metric",
        fn=M.nt_xent,
        formula=r"-\log \frac{e^{s(z_i, z_{p(i)})/\tau}}{\sum_{k \ne i} e^{s(z_i, z_k)/\tau}},\ i = 1 \dots 2N",
        problem="self-supervised contrastive learning from two augmented views (SimCLR)",
        summary="SimCLR's InfoNCE over 2N views: each view picks its partner among the other 2N − 1.",
        reference="chen2020simple",
        nonnegative=True,
    ),
]


SEQUENCE_ENTRIES = [
    LossSpec(
        name="ctc",
        family="sequence",
        fn=Seq.ctc,
        formula=r"-\log \sum_{\pi \in \mathcal{B}^{-1}(l)} \prod_{t=1}^{T} y_t(\pi_t)",
        problem="sequence labelling without alignment (speech, handwriting, OCR)",
        summary="Sums over every blank-padded alignment of the labels to the frames with the forward–backward recursion; no frame-level labels needed.",
        reference="graves2006connectionist",
        nonnegative=True,
        variable=None,
        domain=None,
        profile=None,
        convex=None,
        smooth=None,
        bounded_below=None,
        robust=None,
        symmetric=None,
    ),
]


def _bernoulli_kl_profile(p_ref: float) -> Callable[..., Tensor]:
    # KL(P ‖ Q) for two outcomes, reference P = (p_ref, 1 − p_ref), model Q = (q, 1 − q).
    def profile(q: Tensor, **params: float) -> Tensor:
        p = torch.tensor([p_ref, 1.0 - p_ref], dtype=q.dtype, device=q.device)
        return DV.kl_divergence(
            p.expand(*q.shape, 2), torch.stack([q, 1.0 - q], dim=-1), reduction="none", **params
        )

    return profile


def _latent_mean_profile(mu: Tensor, **params: float) -> Tensor:
    # One latent dimension with logvar = 0: the VAE term as a function of the mean alone.
    return DV.gaussian_kl(mu.unsqueeze(-1), torch.zeros_like(mu).unsqueeze(-1), reduction="none")


def _dice_pixel_profile(p: Tensor, **params: float) -> Tensor:
    # N samples of one class and one pixel each, every pixel foreground (target 1).
    probs = p.reshape(-1, 1, 1)
    return SG.dice(probs, torch.ones_like(probs), reduction="none", **params).reshape(p.shape)


def _fake_score_profile(s: Tensor, **params: float) -> Tensor:
    # The critic's loss as a function of one generated sample's score s, its real score 0.
    return AD.wasserstein_critic(torch.zeros_like(s), s, reduction="none", **params)


def _generator_score_profile(s: Tensor, **params: float) -> Tensor:
    return AD.wasserstein_generator(s, reduction="none", **params)


def _linear_critic_slope_profile(a: Tensor, **params: float) -> Tensor:
    # Critic D(x) = a·x on 1-D samples: its input gradient is a everywhere, its norm |a|.
    one = torch.ones(1, 1, dtype=a.dtype, device=a.device)
    values = [
        AD.gradient_penalty(lambda x, s=s: s * x.sum(dim=1), one, -one, reduction="none", **params)
        for s in a.reshape(-1)
    ]
    return torch.cat(values).reshape(a.shape)


def _weight_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # The penalty of a model with one weight w, evaluated element-wise.
    def profile(w: Tensor, **params: float) -> Tensor:
        return torch.stack([fn([wi], **params) for wi in w.reshape(-1)]).reshape(w.shape)

    return profile


_REGULARIZATION = dict(
    family="regularization",
    problem="regularization: a penalty on the weights, added to the training loss",
    variable="a single weight w",
    domain=(-10.0, 10.0),
    bounded_below=0.0,
    symmetric=True,
)
_SCORE = "critic score s of a generated sample (real score 0)"


# --- entries (paste into _ENTRIES) ------------------------------------------------------------
DIVERGENCE_ETC_ENTRIES = [
    LossSpec(
        name="kl_divergence",
        family="divergence",
        fn=DV.kl_divergence,
        formula=r"D_{\mathrm{KL}}(P\,\|\,Q) = \sum_i p_i \log\frac{p_i}{q_i}",
        problem="matching a model distribution to a reference: distillation, VAEs, KL penalties",
        summary="Extra nats paid for using Q where P is true; asymmetric, so argument order matters.",
        reference="kullback1951information",
        variable="model probability q of the first of two outcomes (reference P = (0.3, 0.7))",
        domain=(0.01, 0.99),
        support=(0.0, 1.0),
        profile=_bernoulli_kl_profile(0.3),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=None,
    ),
    LossSpec(
        name="gaussian_kl",
        family="divergence",
        fn=DV.gaussian_kl,
        formula=r"\tfrac12\sum_j\bigl(\sigma_j^2 + \mu_j^2 - 1 - \log\sigma_j^2\bigr)",
        problem="variational autoencoders: the regulariser pulling the posterior to N(0, I)",
        summary="Closed-form KL from the encoder's diagonal Gaussian to the standard normal prior.",
        reference="kingma2014auto",
        variable="latent mean μ (one dimension, log-variance 0)",
        domain=(-10.0, 10.0),
        profile=_latent_mean_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
    ),
    LossSpec(
        name="dice",
        family="segmentation",
        fn=SG.dice,
        formula=r"1 - \frac{2\sum_i p_i y_i + \epsilon}{\sum_i p_i + \sum_i y_i + \epsilon}",
        problem="semantic segmentation, especially of small or rare structures",
        summary="One minus the soft overlap (F1) of predicted and true masks, per sample and class.",
        reference="milletari2016vnet",
        variable="probability p of the true class at a single foreground pixel",
        domain=(0.01, 0.99),
        support=(0.0, 1.0),
        profile=_dice_pixel_profile,
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=None,
    ),
    LossSpec(
        name="dice_cross_entropy",
        family="segmentation",
        fn=SG.dice_cross_entropy,
        formula=(
            r"w_{\mathrm{dice}}\,\overline{\mathrm{dice}}_\epsilon\bigl(\mathrm{softmax}(z),"
            r" \mathrm{onehot}(y)\bigr) + w_{\mathrm{ce}}\,\overline{\mathrm{CE}}(z, y)"
        ),
        problem="semantic segmentation (the nnU-Net default)",
        summary="Dice for overlap of small classes plus cross-entropy for smooth, well-scaled gradients.",
        reference="isensee2021nnunet",
        variable="margin m of the true class over the other (two classes, one pixel)",
        domain=(-10.0, 10.0),
        profile=_two_class_margin_profile(SG.dice_cross_entropy),
        convex=False,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="wasserstein_critic",
        family="generative",
        fn=AD.wasserstein_critic,
        formula=r"\mathbb{E}[D(\tilde x)] - \mathbb{E}[D(x)]",
        problem="training the critic of a Wasserstein GAN",
        summary="The negated Wasserstein-1 estimate; unbounded below unless the critic is Lipschitz.",
        reference="arjovsky2017wasserstein",
        variable=_SCORE,
        domain=(-10.0, 10.0),
        profile=_fake_score_profile,
        convex=True,
        smooth=True,
        bounded_below=None,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="wasserstein_generator",
        family="generative",
        fn=AD.wasserstein_generator,
        formula=r"-\mathbb{E}[D(G(z))]",
        problem="training the generator of a Wasserstein GAN",
        summary="Raise the critic's score of generated samples; no saturation when the critic wins.",
        reference="arjovsky2017wasserstein",
        variable="critic score s of a generated sample",
        domain=(-10.0, 10.0),
        profile=_generator_score_profile,
        convex=True,
        smooth=True,
        bounded_below=None,
        robust=True,
        symmetric=False,
    ),
    LossSpec(
        name="gradient_penalty",
        family="generative",
        fn=AD.gradient_penalty,
        formula=r"\lambda\,\mathbb{E}_{\hat x}\bigl[(\|\nabla_{\hat x} D(\hat x)\|_2 - 1)^2\bigr]",
        problem="keeping a WGAN critic 1-Lipschitz (WGAN-GP)",
        summary="Pulls the critic's gradient norm towards 1 at random points between real and fake.",
        reference="gulrajani2017improved",
        symbols={"weight": r"\lambda"},
        example_params={"weight": 10.0},
        variable="slope a of a linear critic D(x) = a·x (gradient norm |a|)",
        domain=(-3.0, 3.0),
        profile=_linear_critic_slope_profile,
        convex=False,
        smooth=False,
        bounded_below=0.0,
        robust=False,
        symmetric=True,
    ),
    LossSpec(
        name="l1_penalty",
        fn=RG.l1_penalty,
        formula=r"\sum_j |w_j|",
        summary="Lasso: a constant pull to zero that makes weights exactly 0 (sparsity).",
        reference="tibshirani1996regression",
        profile=_weight_profile(RG.l1_penalty),
        convex=True,
        smooth=False,
        robust=True,
        **_REGULARIZATION,
    ),
    LossSpec(
        name="l2_penalty",
        fn=RG.l2_penalty,
        formula=r"\sum_j w_j^2",
        summary="Ridge / weight decay: a pull proportional to the weight (no ½; SGD decay λ = λ/2·this).",
        reference="hoerl1970ridge",
        profile=_weight_profile(RG.l2_penalty),
        convex=True,
        smooth=True,
        robust=False,
        **_REGULARIZATION,
    ),
    LossSpec(
        name="elastic_net_penalty",
        fn=RG.elastic_net_penalty,
        formula=r"\lambda_1\sum_j |w_j| + \lambda_2\sum_j w_j^2",
        summary="L1's sparsity with L2's stability under correlated features.",
        reference="zou2005regularization",
        example_params={"l1": 1.0, "l2": 1.0},
        profile=_weight_profile(RG.elastic_net_penalty),
        convex=True,
        smooth=False,
        robust=False,
        **_REGULARIZATION,
    ),
]


def _reward_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # Rewards (m, 0): m is the reward margin r_c − r_r.
    def profile(m: Tensor, **params: float) -> Tensor:
        return fn(m, torch.zeros_like(m), reduction="none", **params)

    return profile


def _implicit_margin_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # log π(y_w) = h, and the three other log-probabilities 0: the implicit-reward margin
    # h = (log π_c − log π_ref,c) − (log π_r − log π_ref,r) equals the variable.
    def profile(h: Tensor, **params: float) -> Tensor:
        zero = torch.zeros_like(h)
        return fn(h, zero, zero, zero, reduction="none", **params)

    return profile


def _ratio_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # PPO with a fixed advantage A = +1 as a function of the probability ratio ρ:
    # log π_new = log ρ, log π_old = 0, so π_new/π_old = ρ.
    def profile(rho: Tensor, **params: float) -> Tensor:
        return fn(
            rho.log(), torch.zeros_like(rho), torch.ones_like(rho), reduction="none", **params
        )

    return profile


def _log_odds_ratio_profile(fn: Callable[..., Tensor]) -> Callable[..., Tensor]:
    # log P_w = log σ(d) has log odds exactly d; log P_l = log σ(0) = −log 2 has log odds 0,
    # so the log odds ratio of chosen to rejected equals the variable d.
    def profile(d: Tensor, **params: float) -> Tensor:
        chosen = torch.nn.functional.logsigmoid(d)
        rejected = torch.nn.functional.logsigmoid(torch.zeros_like(d))
        return fn(chosen, rejected, reduction="none", **params)

    return profile


_ALIGNMENT = dict(family="alignment")
_IMPLICIT_MARGIN = "implicit-reward margin h = log(π_θ/π_ref)(y_w) − log(π_θ/π_ref)(y_l)"


# --- entries (paste into _ENTRIES) ------------------------------------------------------------
ALIGNMENT_ENTRIES = [
    LossSpec(
        name="pairwise_ranking",
        fn=AL.pairwise_ranking,
        formula=r"-\log\sigma(r_c - r_r)",
        problem="reward modelling from pairwise preferences",
        summary="Bradley–Terry negative log-likelihood that the chosen answer out-scores the rejected one.",
        reference="ouyang2022training",
        variable="reward margin m = r_c − r_r",
        domain=(-10.0, 10.0),
        profile=_reward_margin_profile(AL.pairwise_ranking),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="dpo",
        fn=AL.dpo,
        formula=(
            r"-\log\sigma\Bigl(\beta\Bigl[\log\frac{\pi_\theta(y_w|x)}{\pi_{\mathrm{ref}}(y_w|x)}"
            r" - \log\frac{\pi_\theta(y_l|x)}{\pi_{\mathrm{ref}}(y_l|x)}\Bigr]\Bigr)"
        ),
        problem="LLM preference alignment from pairs (offline, with a reference model)",
        summary="Bradley–Terry on the policy's implicit rewards β·log(π_θ/π_ref): no reward model, no RL.",
        reference="rafailov2023direct",
        example_params={"beta": 0.1},
        variable=_IMPLICIT_MARGIN,
        domain=(-50.0, 50.0),
        profile=_implicit_margin_profile(AL.dpo),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="ipo",
        fn=AL.ipo,
        formula=(
            r"\Bigl(\log\frac{\pi_\theta(y_w|x)}{\pi_{\mathrm{ref}}(y_w|x)}"
            r" - \log\frac{\pi_\theta(y_l|x)}{\pi_{\mathrm{ref}}(y_l|x)} - \frac{1}{2\tau}\Bigr)^2"
        ),
        problem="LLM preference alignment from pairs (offline, with a reference model)",
        summary="Regresses DPO's margin onto 1/(2τ) instead of pushing it to infinity: resists overfitting.",
        reference="azar2024general",
        example_params={"tau": 0.1},
        variable=_IMPLICIT_MARGIN,
        domain=(-10.0, 20.0),
        profile=_implicit_margin_profile(AL.ipo),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=False,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="kto",
        fn=AL.kto,
        formula=(
            r"\lambda_y - v(x,y),\quad v(x,y) = \begin{cases}"
            r"\lambda_D\,\sigma\bigl(\beta(r_\theta(x,y) - z_0)\bigr) & y\ \text{desirable}\\"
            r"\lambda_U\,\sigma\bigl(\beta(z_0 - r_\theta(x,y))\bigr) & y\ \text{undesirable}"
            r"\end{cases}"
        ),
        problem="LLM alignment from unpaired good/bad feedback (with a reference model)",
        summary="Prospect-theory value of each answer against a KL reference point; needs no pairs.",
        reference="ethayarajh2024kto",
        nonnegative=True,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="orpo",
        fn=AL.orpo,
        formula=(
            r"\mathcal{L}_{\mathrm{SFT}} - \beta\log\sigma\Bigl(\log"
            r"\frac{\mathrm{odds}_\theta(y_w|x)}{\mathrm{odds}_\theta(y_l|x)}\Bigr),\quad"
            r"\mathrm{odds}_\theta(y|x) = \frac{P_\theta(y|x)}{1 - P_\theta(y|x)}"
        ),
        problem="LLM preference alignment from pairs, folded into SFT (no reference model)",
        summary="SFT plus a log-odds-ratio penalty on the rejected answer; inputs are per-token average log-probs.",
        reference="hong2024orpo",
        example_params={"beta": 0.1},
        variable="log odds ratio d = log odds(y_w) − log odds(y_l)",
        domain=(-10.0, 10.0),
        profile=_log_odds_ratio_profile(AL.orpo),
        convex=True,
        smooth=True,
        bounded_below=0.0,
        robust=True,
        symmetric=False,
        **_ALIGNMENT,
    ),
    LossSpec(
        name="ppo_clip",
        fn=AL.ppo_clip,
        formula=(
            r"-\min\bigl(\rho A,\ \mathrm{clip}(\rho, 1-\varepsilon, 1+\varepsilon)\,A\bigr),\quad"
            r"\rho = \frac{\pi_\theta(a|s)}{\pi_{\mathrm{old}}(a|s)}"
        ),
        problem="RLHF policy optimisation (on-policy reinforcement learning)",
        summary=(
            "Pessimistic clipped surrogate: no gain from moving the policy ratio past 1 ± ε. "
            "Can be negative; for fixed advantages bounded below by −(1+ε)·A (A > 0), "
            "unbounded above as ρ grows when A < 0."
        ),
        reference="schulman2017proximal",
        example_params={"clip": 0.2},
        variable="probability ratio ρ = π_θ/π_old of an action with advantage A = +1",
        domain=(0.05, 3.0),
        support=(0.0, float("inf")),
        profile=_ratio_profile(AL.ppo_clip),
        convex=True,
        smooth=False,
        bounded_below=-1.2,  # −(1 + ε)·A at ε = 0.2, A = 1: the gain is capped, not the loss
        robust=True,
        symmetric=None,
        **_ALIGNMENT,
    ),
]


# The book's order of families: the chapters' order.
_FAMILY_ORDER = (
    "regression",
    "classification",
    "divergence",
    "metric",
    "sequence",
    "segmentation",
    "generative",
    "regularization",
    "alignment",
)
_ENTRIES: list[LossSpec] = sorted(
    [
        *_CORE_ENTRIES,
        *DIVERGENCE_ETC_ENTRIES,
        *METRIC_ENTRIES,
        *SEQUENCE_ENTRIES,
        *ALIGNMENT_ENTRIES,
    ],
    key=lambda spec: _FAMILY_ORDER.index(spec.family),
)

CATALOG: dict[str, LossSpec] = {spec.name: spec for spec in _ENTRIES}
FAMILIES: tuple[str, ...] = tuple(dict.fromkeys(spec.family for spec in _ENTRIES))


def get(name: str) -> LossSpec:
    """Look a loss up by name, with a helpful error for a typo."""
    try:
        return CATALOG[name]
    except KeyError:
        raise KeyError(f"unknown loss {name!r}; known losses: {', '.join(CATALOG)}") from None


def by_family(family: str) -> list[LossSpec]:
    """All losses of one family, in catalog order."""
    if family not in FAMILIES:
        raise KeyError(f"unknown family {family!r}; known families: {', '.join(FAMILIES)}")
    return [spec for spec in _ENTRIES if spec.family == family]
