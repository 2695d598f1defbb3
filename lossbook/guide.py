"""The loss-selection guide (chapter 15) as a function: describe the task, get a short list.

:func:`recommend` maps a task and a few facts about the data to an ordered list
of losses from :data:`lossbook.catalog.CATALOG`, best first, each with a
one-sentence reason. Where a reason rests on a property the catalog records
(robust, smooth, convex), the loss is *chosen* by that property, so the guide
cannot claim what the catalog -- and the tests that check the catalog
numerically -- do not.

>>> from lossbook.guide import recommend
>>> [r.loss for r in recommend("regression", outliers=True)]
['huber', 'log_cosh', 'mae']
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import CATALOG, LossSpec

__all__ = ["PREFERENCES", "TASKS", "Recommendation", "recommend"]

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

# Which flags make sense for which task; anything else is refused.
_FLAGS: dict[str, frozenset[str]] = {
    "regression": frozenset({"outliers", "intervals"}),
    "binary": frozenset({"imbalance"}),
    "multiclass": frozenset({"imbalance", "multi_label"}),
    "multilabel": frozenset({"imbalance", "multi_label"}),
    "ranking": frozenset(),
    "retrieval": frozenset({"multimodal"}),
    "segmentation": frozenset({"imbalance"}),
    "sequence": frozenset(),
    "generative": frozenset(),
    "alignment": frozenset({"preference"}),
}


@dataclass(frozen=True)
class Recommendation:
    """One recommended loss (a key of the catalog) and why, in one sentence."""

    loss: str
    reason: str

    @property
    def spec(self) -> LossSpec:
        """The catalog entry of the loss: formula, properties, reference."""
        return CATALOG[self.loss]


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
            )
        )
    if outliers:
        reasons = {
            "huber": "Quadratic for small residuals and linear beyond delta, so its gradient is "
            "bounded (robust): outliers cannot dominate, yet it stays efficient "
            "on clean points.",
            "log_cosh": "Robust like Huber (gradient tanh(r) is bounded) and also twice "
            "differentiable, which suits second-order or smooth optimisers.",
            "mae": "Robust: every residual pulls with force 1, so it estimates the median and "
            "ignores how far out an outlier is; kinked at 0, so use a decaying learning rate.",
        }
        recs += [Recommendation(name, reasons[name]) for name in _robust(*reasons)]
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
    bce = Recommendation(
        "binary_cross_entropy_with_logits",
        "The Bernoulli negative log-likelihood computed from logits in log space: stable for "
        "any logit and calibrated"
        + (
            "; set pos_weight = negatives/positives to re-balance the classes."
            if imbalance
            else "."
        ),
    )
    if imbalance:
        return [
            Recommendation(
                "sigmoid_focal",
                "Down-weights the many easy (mostly negative) examples by (1 - p_t)^gamma so the "
                "rare class drives the gradient (Lin et al., 2017).",
            ),
            bce,
        ]
    return [
        bce,
        Recommendation(
            "hinge",
            "If you only need a decision, not probabilities: the SVM's margin loss, zero once "
            "a point is beyond the margin (labels in {-1, +1}).",
        ),
    ]


def _multiclass(imbalance: bool) -> list[Recommendation]:
    ce = Recommendation(
        "cross_entropy",
        "The softmax negative log-likelihood: convex in the logits, its gradient p - y never "
        "vanishes on a wrong prediction"
        + (
            "; pass per-class weights to re-balance."
            if imbalance
            else "; add label_smoothing for better calibration."
        ),
    )
    if imbalance:
        return [
            Recommendation(
                "softmax_focal",
                "Focuses training on hard, misclassified examples by down-weighting easy ones "
                "(1 - p_y)^gamma, which helps when a few classes dominate.",
            ),
            ce,
        ]
    return [ce]


def _multilabel(imbalance: bool) -> list[Recommendation]:
    bce = Recommendation(
        "binary_cross_entropy_with_logits",
        "Labels are not mutually exclusive, so score each class with its own sigmoid and "
        "binary cross-entropy instead of one softmax"
        + ("; pos_weight per class re-balances rare labels." if imbalance else "."),
    )
    if imbalance:
        return [
            Recommendation(
                "sigmoid_focal",
                "Per-label focal loss: rare labels are swamped by easy negatives, and "
                "(1 - p_t)^gamma down-weights those.",
            ),
            bce,
        ]
    return [bce]


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


def _sequence() -> list[Recommendation]:
    return [
        Recommendation(
            "ctc",
            "Frames and labels are not aligned (speech, handwriting): CTC sums over every "
            "alignment, so no frame-level labels are needed.",
        ),
        Recommendation(
            "cross_entropy",
            "Only if every time step has its own label (aligned sequences, next-token "
            "prediction): per-step cross-entropy.",
        ),
    ]


def _generative() -> list[Recommendation]:
    return [
        Recommendation(
            "wasserstein_critic",
            "GAN critic loss estimating the Wasserstein distance: it keeps giving the generator "
            "useful gradients even when real and fake are easy to tell apart.",
        ),
        Recommendation(
            "gradient_penalty",
            "Add to the critic's loss to keep it 1-Lipschitz (WGAN-GP); without it the "
            "Wasserstein loss is unbounded below.",
        ),
        Recommendation(
            "wasserstein_generator",
            "The generator's side of the WGAN: raise the critic's score of generated samples.",
        ),
        Recommendation(
            "gaussian_kl",
            "For a VAE instead of a GAN: the closed-form KL to the N(0, I) prior, added to a "
            "reconstruction loss.",
        ),
    ]


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


def recommend(
    task: str,
    *,
    outliers: bool = False,
    imbalance: bool = False,
    multi_label: bool = False,
    intervals: bool = False,
    multimodal: bool = False,
    preference: str | None = None,
) -> list[Recommendation]:
    """Recommend losses for a task, best first, each with a one-sentence reason.

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
        preference: (alignment) the kind of feedback: ``"paired"`` (chosen and
            rejected answers, the default), ``"unpaired"`` (good/bad labels per
            answer), ``"reward_model"`` (training a reward model) or ``"rl"``
            (optimising a policy against a reward model).

    Returns:
        A non-empty list of :class:`Recommendation`; every ``loss`` is a key of
        :data:`lossbook.catalog.CATALOG`.

    Raises:
        ValueError: an unknown task or preference, or a flag that does not apply
            to the task (e.g. ``outliers=True`` for ``"multiclass"``).
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
    }
    for name, value in flags.items():
        if not isinstance(value, bool):
            raise TypeError(f"{name} must be True or False, got {type(value).__name__}")
    set_flags = [name for name, value in flags.items() if value]
    if preference is not None:
        set_flags.append("preference")
    wrong = [name for name in set_flags if name not in _FLAGS[task]]
    if wrong:
        allowed = ", ".join(sorted(_FLAGS[task])) or "none"
        raise ValueError(
            f"{', '.join(wrong)} does not apply to task {task!r} (flags for it: {allowed})"
        )
    if preference is not None and preference not in PREFERENCES:
        raise ValueError(f"preference must be one of {PREFERENCES}, got {preference!r}")

    if task == "regression":
        recs = _regression(outliers, intervals)
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
        recs = _sequence()
    elif task == "generative":
        recs = _generative()
    else:
        recs = _alignment(preference or "paired")
    for rec in recs:  # the guide must never name a loss the package does not have
        if rec.loss not in CATALOG:
            raise AssertionError(f"guide recommends {rec.loss!r}, which is not in the catalog")
    return recs
