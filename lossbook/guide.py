"""The loss-selection guide (chapter 15) as a function: describe the task, get a short list.

:func:`recommend` maps a task and a few facts about the data (and, optionally,
the metric you will be judged by) to an ordered list of losses, best first,
each with a one-sentence reason and, where it matters, the setting to use it
with. Where a reason rests on a property the catalog records (robust, smooth,
convex), the loss is *chosen* by that property, so the guide cannot claim what
the catalog -- and the tests that check the catalog numerically -- do not.
Where a reason rests on an experiment in the book, the recommendation cites it
(:class:`Evidence`: the chapter, the section and what it shows), and the test
suite opens that chapter and checks that the section shows it.

Every recommended loss is in :data:`lossbook.catalog.CATALOG`, except the few
named in :data:`OUTSIDE_LOSSES` (losses worth knowing that lossbook does not
implement, such as a perceptual loss).

>>> from lossbook.guide import recommend
>>> [r.loss for r in recommend("regression", outliers=True)]
['huber', 'log_cosh', 'mae']
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import Tensor

from .catalog import CATALOG, LossSpec
from .checks import check_not_empty, check_positive, check_tensor

__all__ = [
    "GENERATIVE_MODELS",
    "METRICS",
    "OUTSIDE_LOSSES",
    "PREFERENCES",
    "TASKS",
    "Evidence",
    "Recommendation",
    "huber_delta",
    "recommend",
]

TASKS: tuple[str, ...] = (
    "regression",
    "binary",
    "multiclass",
    "multilabel",
    "ranking",
    "retrieval",
    "segmentation",
    "sequence",
    "generative",
    "alignment",
)

PREFERENCES: tuple[str, ...] = ("paired", "unpaired", "reward_model", "rl")

GENERATIVE_MODELS: tuple[str, ...] = ("gan", "vae")

#: Losses the guide may name that lossbook does not implement, with what they are.
OUTSIDE_LOSSES: dict[str, str] = {
    "perceptual": "a distance between the feature maps a pretrained network (e.g. VGG) computes "
    "for two images (Johnson et al., 2016)",
}


@dataclass(frozen=True)
class Evidence:
    """A result in the book that a recommendation rests on.

    ``chapter`` is the chapter's number (``book/NN_*.ipynb``), ``section`` a
    heading in it (without the ``#``), and ``shows`` text that the section
    shows -- a printed output line or a sentence of its prose, compared with
    runs of white space collapsed.
    """

    chapter: int
    section: str
    shows: str


@dataclass(frozen=True)
class Recommendation:
    """One recommended loss, how to use it, why (one sentence), and the book's evidence."""

    loss: str
    reason: str
    setting: str = ""
    see: tuple[Evidence, ...] = ()

    @property
    def in_lossbook(self) -> bool:
        """Whether lossbook implements the loss (else it is one of :data:`OUTSIDE_LOSSES`)."""
        return self.loss in CATALOG

    @property
    def spec(self) -> LossSpec | None:
        """The catalog entry of the loss (formula, properties, reference); None if outside."""
        return CATALOG.get(self.loss)


def huber_delta(residuals: Tensor, *, k: float = 1.345) -> Tensor:
    r"""Huber's :math:`\delta` on the scale of the residuals: ``k`` robust standard deviations.

    .. math:: \delta = k\,\hat\sigma, \qquad
              \hat\sigma = 1.4826 \cdot \operatorname{median}_i \bigl|r_i - \operatorname{median}(r)\bigr|

    :math:`\hat\sigma` is the median absolute deviation (MAD), scaled to equal
    the standard deviation for Gaussian noise; unlike the standard deviation,
    a few gross outliers barely move it. ``k = 1.345`` gives 95 % of the least
    squares efficiency when the noise is Gaussian (Huber, 1964). Compute it
    from the residuals of a first fit (e.g. with MAE); the default
    ``delta = 1.0`` of :func:`lossbook.huber` only suits residuals of order 1.
    (``torch.median`` takes the lower middle value for an even count.)

    Args:
        residuals: residuals ``y - y_hat``, any shape, not empty.
        k: the multiple of the robust standard deviation, > 0.

    Returns:
        A 0-dimensional tensor, in the residuals' dtype and device.
    """
    check_tensor("residuals", residuals)
    check_not_empty("residuals", residuals)
    check_positive("k", k)
    r = residuals.flatten()
    mad = (r - r.median()).abs().median()
    return k * 1.4826 * mad


# Which task facts make sense for which task; anything else is refused.
_FLAGS: dict[str, frozenset[str]] = {
    "regression": frozenset({"outliers", "intervals", "images", "metric"}),
    "binary": frozenset({"imbalance", "metric"}),
    "multiclass": frozenset({"imbalance", "multi_label", "metric"}),
    "multilabel": frozenset({"imbalance", "multi_label", "metric"}),
    "ranking": frozenset({"metric"}),
    "retrieval": frozenset({"multimodal"}),
    "segmentation": frozenset({"imbalance", "metric"}),
    "sequence": frozenset({"aligned"}),
    "generative": frozenset({"generative_model", "images"}),
    "alignment": frozenset({"preference"}),
}

# The book's results the reasons below cite (chapter, section heading, what it shows).
_CH2_EX3 = "Exercises"
_CH4_FOCAL = "Focal loss: learning from the hard examples"
_CH7 = "7. Sequences: connectionist temporal classification"
_CH12_F1 = "Example 2: a loss aligned with F1"
_CH15_METRIC = "Experiment: each loss wins its own metric"

_POS_WEIGHT_OVERSHOOTS = (
    Evidence(2, _CH2_EX3, "pos_weight 1.00: F1 at 0.5 = 0.465"),
    Evidence(2, _CH2_EX3, "pos_weight 18.32: F1 at 0.5 = 0.381"),
)
_THRESHOLD_IS_ENOUGH = (
    Evidence(12, _CH12_F1, "BCE 0.442 0.29 0.504"),
    Evidence(12, _CH12_F1, "soft-F1 0.510 0.66 0.506"),
    Evidence(
        12,
        _CH12_F1,
        "a proper loss plus a decision rule tuned to the metric is another, and often the "
        "simpler one",
    ),
)
_FOCAL_MAINLY_SPEED = (
    Evidence(4, _CH4_FOCAL, "cross-entropy 0.365 0.603 0.902"),
    Evidence(4, _CH4_FOCAL, "focal γ=2 0.650 0.900 0.917"),
    Evidence(4, _CH4_FOCAL, "by step 300 the three rank the test set almost equally well"),
)
_FOCAL_UNCALIBRATED = (
    Evidence(4, _CH4_FOCAL, "cross-entropy best constant prediction: 0.200"),
    Evidence(4, _CH4_FOCAL, "focal γ=2, α=0.25 best constant prediction: 0.284"),
)
_ALPHA_LOWERS_RECALL = (
    Evidence(4, _CH4_FOCAL, "Note also that $\\alpha = 0.25$ lowers recall at the 0.5 threshold"),
)

_THRESHOLD = "decision threshold tuned on validation data"
_PERCEPTUAL = Recommendation(
    "perceptual",
    "For images, a perceptual loss compares a pretrained network's feature maps (Johnson et "
    "al., 2016) and so rewards the sharp detail that pixel MSE averages into blur; lossbook "
    "has none (build it from torchvision's VGG and mse).",
    setting="beside or instead of the pixel loss",
)


def _robust(*names: str) -> list[str]:
    """The given regression losses the catalog marks robust (bounded derivative), in order."""
    return [name for name in names if CATALOG[name].robust]


def _regression(outliers: bool, intervals: bool) -> list[Recommendation]:
    recs: list[Recommendation] = []
    if intervals:
        recs.append(
            Recommendation(
                "quantile",
                "Train one model per quantile (e.g. q = 0.05 and 0.95) with the pinball loss, "
                "whose minimiser is the q-th quantile: together they give a prediction interval.",
                setting="q = each end of the interval",
            )
        )
    if outliers:
        reasons = {
            "huber": "Quadratic for small residuals and linear beyond delta, so its gradient is "
            "bounded (robust), but delta lives on the scale of the residuals: choose it from a "
            "robust spread estimate of them, not the default 1.",
            "log_cosh": "Robust like Huber (gradient tanh(r) is bounded) and also twice "
            "differentiable, which suits second-order or smooth optimisers (rescale the "
            "targets, since its bend sits at |r| = 1).",
            "mae": "Robust: every residual pulls with force 1, so it estimates the median and "
            "ignores how far out an outlier is; kinked at 0, so use a decaying learning rate.",
        }
        settings = {
            "huber": "delta = huber_delta(residuals): 1.345 × the MAD-based σ of a first fit's "
            "residuals",
        }
        evidence = {
            "huber": (
                Evidence(
                    3,
                    "An outlier experiment",
                    "a small $\\delta$ behaves like MAE, a large one like MSE",
                ),
            ),
        }
        recs += [
            Recommendation(name, reasons[name], settings.get(name, ""), evidence.get(name, ()))
            for name in _robust(*reasons)
        ]
    elif not intervals:
        recs += [
            Recommendation(
                "mse",
                "With clean, roughly Gaussian noise the squared error is the maximum-likelihood "
                "choice: smooth, convex, and it estimates the conditional mean.",
            ),
            Recommendation(
                "huber",
                "A safe alternative if a few large errors may appear: MSE near zero, "
                "bounded gradient in the tails.",
                setting="delta = huber_delta(residuals)",
            ),
        ]
    else:
        recs.append(
            Recommendation(
                "mse",
                "For the point prediction at the centre of the interval (the conditional mean).",
            )
        )
    return recs


def _binary(imbalance: bool) -> list[Recommendation]:
    if not imbalance:
        return [
            Recommendation(
                "binary_cross_entropy_with_logits",
                "The Bernoulli negative log-likelihood computed from logits in log space: "
                "stable for any logit and calibrated.",
            ),
            Recommendation(
                "hinge",
                "If you only need a decision, not probabilities: the SVM's margin loss, zero "
                "once a point is beyond the margin (labels in {-1, +1}).",
            ),
        ]
    return [
        Recommendation(
            "binary_cross_entropy_with_logits",
            "Keep the calibrated likelihood and move the decision instead: tune the threshold "
            "for your metric on validation data, which in chapter 12 made BCE as good as a "
            "soft-F1 loss (held-out F1 0.504 against 0.506).",
            setting=_THRESHOLD,
            see=_THRESHOLD_IS_ENOUGH,
        ),
        Recommendation(
            "sigmoid_focal",
            "The alternative when easy negatives swamp the gradient: in chapter 4 it mainly "
            "sped training (by step 300 all three losses ranked the test set almost equally), "
            "its alpha = 0.25 down-weights the rare positives and its scores are not calibrated.",
            setting="alpha=0.25, gamma=2 (the defaults); tune the threshold too",
            see=_FOCAL_MAINLY_SPEED + _ALPHA_LOWERS_RECALL + _FOCAL_UNCALIBRATED,
        ),
        Recommendation(
            "binary_cross_entropy_with_logits",
            "Only with care: pos_weight shifts the calibrated probabilities like a lower "
            "threshold, and w = negatives/positives overshoots (chapter 2, exercise 3: F1 at "
            "0.5 fell from 0.465 to 0.381), so tune a threshold instead or in addition.",
            setting="pos_weight = w",
            see=_POS_WEIGHT_OVERSHOOTS,
        ),
    ]


def _multiclass(imbalance: bool) -> list[Recommendation]:
    ce_reason = (
        "The softmax negative log-likelihood: convex in the logits, its gradient p - y never "
        "vanishes on a wrong prediction"
    )
    if not imbalance:
        return [
            Recommendation(
                "cross_entropy", ce_reason + "; add label_smoothing for better calibration."
            )
        ]
    return [
        Recommendation(
            "cross_entropy",
            ce_reason + "; if rare classes are under-predicted, tune the decision on validation "
            "data, which chapter 12 found as good as a metric-shaped loss.",
            setting="per-class decision thresholds (or prior correction) tuned on validation data",
            see=_THRESHOLD_IS_ENOUGH,
        ),
        Recommendation(
            "softmax_focal",
            "The alternative when easy examples of the large classes swamp the gradient: in "
            "chapter 4 focal loss mainly sped training, and its scores are not calibrated "
            "probabilities.",
            setting="gamma=2; tune decisions on validation data",
            see=_FOCAL_MAINLY_SPEED + _FOCAL_UNCALIBRATED,
        ),
        Recommendation(
            "cross_entropy",
            "Only with care: class weights shift the probabilities like a moved threshold, and "
            "inverse-frequency weights can overshoot (chapter 2, exercise 3, with pos_weight).",
            setting="weight = per-class weights",
            see=_POS_WEIGHT_OVERSHOOTS,
        ),
    ]


def _multilabel(imbalance: bool) -> list[Recommendation]:
    bce_reason = (
        "Labels are not mutually exclusive, so score each class with its own sigmoid and "
        "binary cross-entropy instead of one softmax"
    )
    if not imbalance:
        return [Recommendation("binary_cross_entropy_with_logits", bce_reason + ".")]
    return [
        Recommendation(
            "binary_cross_entropy_with_logits",
            bce_reason + ", then tune each rare label's threshold on validation data, which "
            "chapter 12 found as good as a metric-shaped loss.",
            setting="one decision threshold per label, tuned on validation data",
            see=_THRESHOLD_IS_ENOUGH,
        ),
        Recommendation(
            "sigmoid_focal",
            "Per-label focal loss when easy negatives swamp the gradient: in chapter 4 it "
            "mainly sped training, its alpha = 0.25 down-weights positives and its scores are "
            "not calibrated.",
            setting="alpha=0.25, gamma=2 (the defaults); tune the thresholds too",
            see=_FOCAL_MAINLY_SPEED + _ALPHA_LOWERS_RECALL + _FOCAL_UNCALIBRATED,
        ),
        Recommendation(
            "binary_cross_entropy_with_logits",
            "Only with care: pos_weight per label shifts its calibrated probabilities like a "
            "lower threshold, and negatives/positives can overshoot (chapter 2, exercise 3).",
            setting="pos_weight = one weight per label",
            see=_POS_WEIGHT_OVERSHOOTS,
        ),
    ]


def _ranking() -> list[Recommendation]:
    return [
        Recommendation(
            "pairwise_ranking",
            "Bradley-Terry loss -log sigmoid(s_i - s_j) on pairs where item i should rank above "
            "item j: smooth, convex in the score difference.",
        ),
        Recommendation(
            "hinge",
            "The margin ranking loss: hinge on the score difference s_i - s_j with label +1, "
            "zero once the pair is ordered by a margin.",
        ),
    ]


def _retrieval(multimodal: bool) -> list[Recommendation]:
    recs = [
        Recommendation(
            "info_nce",
            "Treats retrieval as picking the right key among many: every other item in the batch "
            "(or a MoCo queue) is a negative, so large batches give a strong signal.",
        ),
        Recommendation(
            "triplet",
            "Anchor closer to its positive than to a negative by a margin; works with class "
            "labels and hard or semi-hard mining (FaceNet).",
        ),
        Recommendation(
            "contrastive",
            "When the data comes as labelled pairs (same / different): pulls similar pairs "
            "together and pushes dissimilar ones beyond a margin.",
        ),
    ]
    if multimodal:
        recs.insert(
            0,
            Recommendation(
                "clip_loss",
                "Two modalities (e.g. images and captions): symmetric InfoNCE, each image picks "
                "its text and each text its image.",
            ),
        )
    return recs


def _segmentation(imbalance: bool) -> list[Recommendation]:
    dice_ce = Recommendation(
        "dice_cross_entropy",
        "The nnU-Net default: Dice rewards overlap even for small structures, cross-entropy "
        "keeps the gradients smooth and well scaled.",
    )
    dice = Recommendation(
        "dice",
        "Optimises the overlap (F1) directly, per class, so a tiny foreground is not drowned by "
        "the background pixels.",
    )
    ce = Recommendation(
        "cross_entropy",
        "Per-pixel classification: simple and stable, fine when classes cover similar areas.",
    )
    return [dice_ce, dice, ce] if imbalance else [dice_ce, ce, dice]


def _sequence(aligned: bool | None) -> list[Recommendation]:
    ctc = Recommendation(
        "ctc",
        "The alignment is not known (speech, handwriting): CTC sums over every alignment of "
        "the labels to the frames, so no frame-level labels are needed.",
        see=(Evidence(7, _CH7, "nobody has marked which frames belong"),),
    )
    ce = Recommendation(
        "cross_entropy",
        "The alignment is known, one label per step (part-of-speech tagging, next-token "
        "prediction): per-step cross-entropy, averaged over the steps.",
        see=(
            Evidence(
                7,
                _CH7,
                "Cross-entropy (chapter 4) needs a label for every frame",
            ),
        ),
    )
    if aligned is None:
        return [ctc, ce]
    return [ce] if aligned else [ctc]


def _generative(model: str | None, images: bool) -> list[Recommendation]:
    gan = [
        Recommendation(
            "wasserstein_critic",
            "GAN critic loss estimating the Wasserstein distance: it keeps giving the generator "
            "useful gradients even when real and fake are easy to tell apart.",
        ),
        Recommendation(
            "gradient_penalty",
            "Add to the critic's loss to keep it 1-Lipschitz (WGAN-GP); without it the "
            "Wasserstein loss is unbounded below.",
            setting="weight=10 (the default)",
        ),
        Recommendation(
            "wasserstein_generator",
            "The generator's side of the WGAN: raise the critic's score of generated samples.",
        ),
    ]
    kl = Recommendation(
        "gaussian_kl",
        "The VAE's second term, the closed-form KL of the encoder's Gaussian to the N(0, I) "
        "prior, added to the reconstruction loss: in chapter 5 the two together found the exact "
        "posterior (mu = 1.60, sigma² = 0.204).",
        setting="+ the reconstruction loss",
        see=(
            Evidence(
                5,
                "What the KL term does to $\\mu$ and $\\log\\sigma^2$",
                "ELBO (both) ends at mu = 1.60, sigma² = 0.204",
            ),
        ),
    )
    vae = [
        Recommendation(
            "mse",
            "The VAE's reconstruction term for real-valued data: the negative log-likelihood of "
            "a Gaussian decoder (up to its variance), added to the KL term.",
            setting="reconstruction term, + gaussian_kl",
        ),
        Recommendation(
            "binary_cross_entropy_with_logits",
            "The VAE's reconstruction term for data in [0, 1] (binarised or grey-level pixels): "
            "a Bernoulli decoder's negative log-likelihood, added to the KL term.",
            setting="reconstruction term, + gaussian_kl",
        ),
        kl,
    ]
    if model == "gan":
        recs = gan
    elif model == "vae":
        recs = vae
    else:
        recs = [
            *gan,
            Recommendation(
                "gaussian_kl",
                "For a VAE instead of a GAN: the closed-form KL to the N(0, I) prior, added to a "
                "reconstruction loss (ask with generative_model='vae').",
            ),
        ]
    return [*recs, _PERCEPTUAL] if images else recs


def _alignment(preference: str) -> list[Recommendation]:
    if preference == "paired":
        return [
            Recommendation(
                "dpo",
                "Preference pairs (chosen, rejected) and a reference model: DPO fits the "
                "policy directly, no reward model and no RL.",
            ),
            Recommendation(
                "ipo",
                "Like DPO but regresses the margin to a finite target, which resists "
                "overfitting when preferences are near-deterministic.",
            ),
            Recommendation(
                "orpo",
                "Folds preference learning into supervised fine-tuning and needs no reference "
                "model.",
            ),
        ]
    if preference == "unpaired":
        return [
            Recommendation(
                "kto",
                "Feedback is a thumbs up or down per answer, not pairs: KTO scores each answer "
                "against a KL reference point.",
            )
        ]
    if preference == "reward_model":
        return [
            Recommendation(
                "pairwise_ranking",
                "Train the reward model on preference pairs with the Bradley-Terry loss "
                "-log sigmoid(r_chosen - r_rejected) (InstructGPT).",
            )
        ]
    return [
        Recommendation(
            "ppo_clip",
            "RLHF with a reward model: the clipped surrogate keeps each policy update small (PPO).",
        ),
        Recommendation(
            "kl_divergence",
            "The KL penalty to the reference policy, subtracted from the reward, keeps the "
            "policy from drifting into reward hacking.",
        ),
    ]


def _metric_recommendations() -> dict[str, dict[str, Recommendation]]:
    own_metric = (
        Evidence(15, _CH15_METRIC, "each metric is lowest in the row of the loss that matches it"),
    )
    log_loss = (
        "The metric is this loss itself (the negative log-likelihood), so train on it alone: "
        "focal losses and class weights would pull the probabilities away from calibrated ones."
    )
    accuracy = (
        "A convex surrogate of the 0-1 loss whose minimiser, the true class probabilities, "
        "gives the accuracy-optimal decision, though on a finite set the two can disagree "
        "(chapter 2)."
    )
    accuracy_see = (
        Evidence(
            2,
            "Alignment with the evaluation metric",
            "Model B has the lower loss *and* the lower accuracy",
        ),
    )
    f1 = Recommendation(
        "binary_cross_entropy_with_logits",
        "F1 counts thresholded decisions, so train the calibrated likelihood and pick the "
        "F1-optimal threshold on validation data, which in chapter 12 matched a soft-F1 loss.",
        setting=_THRESHOLD,
        see=_THRESHOLD_IS_ENOUGH,
    )
    return {
        "rmse": {
            "regression": Recommendation(
                "mse",
                "RMSE is the square root of MSE, so MSE trains on the metric itself: its "
                "minimiser is the conditional mean.",
                see=own_metric,
            )
        },
        "mae": {
            "regression": Recommendation(
                "mae",
                "The metric is this loss itself: its minimiser is the conditional median, "
                "which no other loss on the list estimates.",
                see=own_metric,
            )
        },
        "pinball": {
            "regression": Recommendation(
                "quantile",
                "The metric is this loss itself at your q: its minimiser is the q-th quantile.",
                setting="q = the metric's q",
                see=own_metric,
            )
        },
        "log_loss": {
            "binary": Recommendation("binary_cross_entropy_with_logits", log_loss),
            "multiclass": Recommendation("cross_entropy", log_loss),
            "multilabel": Recommendation("binary_cross_entropy_with_logits", log_loss),
        },
        "accuracy": {
            "binary": Recommendation(
                "binary_cross_entropy_with_logits", accuracy, see=accuracy_see
            ),
            "multiclass": Recommendation("cross_entropy", accuracy, see=accuracy_see),
        },
        "f1": {"binary": f1, "multilabel": f1},
        "dice": {
            "segmentation": Recommendation(
                "dice",
                "Soft Dice is the Dice score (F1 over pixels) with probabilities in place of "
                "hard labels, so it trains on the metric itself, per class.",
            )
        },
        "auc": {
            "ranking": Recommendation(
                "pairwise_ranking",
                "AUC is the share of correctly ordered positive-negative pairs, and the "
                "pairwise loss is its smooth, convex surrogate.",
            )
        },
    }


_BY_METRIC = _metric_recommendations()

#: The metrics ``recommend(..., metric=...)`` knows, and the tasks each applies to.
METRICS: dict[str, tuple[str, ...]] = {name: tuple(by_task) for name, by_task in _BY_METRIC.items()}


def recommend(
    task: str,
    *,
    outliers: bool = False,
    imbalance: bool = False,
    multi_label: bool = False,
    intervals: bool = False,
    multimodal: bool = False,
    images: bool = False,
    aligned: bool | None = None,
    generative_model: str | None = None,
    preference: str | None = None,
    metric: str | None = None,
) -> list[Recommendation]:
    """Recommend losses for a task, best first, each with a one-sentence reason.

    The task and the facts about the data pick the family and its members; the
    evaluation metric, when given, puts the loss that matches it first (the
    metric itself when it is a loss, else its standard surrogate).

    Args:
        task: one of :data:`TASKS`: ``"regression"``, ``"binary"``,
            ``"multiclass"``, ``"multilabel"``, ``"ranking"``, ``"retrieval"``,
            ``"segmentation"``, ``"sequence"``, ``"generative"``, ``"alignment"``.
        outliers: (regression) the targets contain gross errors: robust losses
            only, chosen by the catalog's ``robust`` property.
        imbalance: (binary, multiclass, multilabel, segmentation) one class or
            label is much rarer than the others.
        multi_label: (multiclass) an example can belong to several classes at
            once: the same as ``task="multilabel"``.
        intervals: (regression) you need prediction intervals, not only a point.
        multimodal: (retrieval) queries and keys come from two modalities
            (images and text).
        images: (regression, generative) the outputs are images (reconstruction,
            restoration, generation): adds a perceptual loss, which lossbook
            does not implement (:data:`OUTSIDE_LOSSES`).
        aligned: (sequence) whether each input step has its own label (``True``:
            part-of-speech tagging, next-token prediction) or the alignment is
            unknown (``False``: speech, handwriting); ``None`` lists both.
        generative_model: (generative) ``"gan"`` or ``"vae"``; ``None`` lists
            the GAN losses and the VAE's KL term.
        preference: (alignment) the kind of feedback: ``"paired"`` (chosen and
            rejected answers, the default), ``"unpaired"`` (good/bad labels per
            answer), ``"reward_model"`` (training a reward model) or ``"rl"``
            (optimising a policy against a reward model).
        metric: the metric you will be judged by, one of :data:`METRICS` for a
            task it applies to (``"rmse"``, ``"mae"``, ``"pinball"``,
            ``"log_loss"``, ``"accuracy"``, ``"f1"``, ``"dice"``, ``"auc"``).

    Returns:
        A non-empty list of :class:`Recommendation`; every ``loss`` is a key of
        :data:`lossbook.catalog.CATALOG` or of :data:`OUTSIDE_LOSSES`.

    Raises:
        ValueError: an unknown task, preference, generative model or metric, or
            a fact that does not apply to the task (e.g. ``outliers=True`` for
            ``"multiclass"``).
        TypeError: a flag that is not a bool.
    """
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, got {task!r}")
    flags = {
        "outliers": outliers,
        "imbalance": imbalance,
        "multi_label": multi_label,
        "intervals": intervals,
        "multimodal": multimodal,
        "images": images,
    }
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    if aligned is not None and not isinstance(aligned, bool):
        raise TypeError(f"aligned must be True, False or None, got {type(aligned).__name__}")
    set_flags = [name for name, value in flags.items() if value]
    choices = {
        "aligned": aligned,
        "generative_model": generative_model,
        "preference": preference,
        "metric": metric,
    }
    set_flags += [name for name, value in choices.items() if value is not None]
    wrong = [name for name in set_flags if name not in _FLAGS[task]]
    if wrong:
        allowed = ", ".join(sorted(_FLAGS[task])) or "none"
        raise ValueError(
            f"{', '.join(wrong)} does not apply to task {task!r} (flags for it: {allowed})"
        )
    if preference is not None and preference not in PREFERENCES:
        raise ValueError(f"preference must be one of {PREFERENCES}, got {preference!r}")
    if generative_model is not None and generative_model not in GENERATIVE_MODELS:
        raise ValueError(
            f"generative_model must be one of {GENERATIVE_MODELS}, got {generative_model!r}"
        )
    if metric is not None:
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {tuple(METRICS)}, got {metric!r}")
        key = "multilabel" if multi_label else task
        if key not in METRICS[metric]:
            known = ", ".join(m for m, tasks in METRICS.items() if key in tasks)
            raise ValueError(
                f"metric {metric!r} does not apply to task {key!r} (metrics for it: {known})"
            )

    if task == "regression":
        recs = _regression(outliers, intervals)
        if images:
            recs.append(_PERCEPTUAL)
    elif task == "binary":
        recs = _binary(imbalance)
    elif task == "multiclass" and not multi_label:
        recs = _multiclass(imbalance)
    elif task in ("multiclass", "multilabel"):
        recs = _multilabel(imbalance)
    elif task == "ranking":
        recs = _ranking()
    elif task == "retrieval":
        recs = _retrieval(multimodal)
    elif task == "segmentation":
        recs = _segmentation(imbalance)
    elif task == "sequence":
        recs = _sequence(aligned)
    elif task == "generative":
        recs = _generative(generative_model, images)
    else:
        recs = _alignment(preference or "paired")
    if metric is not None:
        recs = _match_metric(recs, _BY_METRIC[metric]["multilabel" if multi_label else task])
        if metric == "log_loss":  # judged on the probabilities: nothing that skews them
            recs = recs[:1]
    for rec in recs:  # the guide must never name a loss the package does not have
        if rec.loss not in CATALOG and rec.loss not in OUTSIDE_LOSSES:
            raise AssertionError(f"guide recommends {rec.loss!r}, which is not in the catalog")
    return recs


def _match_metric(recs: list[Recommendation], first: Recommendation) -> list[Recommendation]:
    """Put the metric's loss first; drop the plain entry (or the same setting) it replaces."""
    rest = [r for r in recs if not (r.loss == first.loss and r.setting in ("", first.setting))]
    return [first, *rest]
