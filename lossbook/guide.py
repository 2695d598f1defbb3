"""The loss-selection guide (chapter 15) as a function: describe the task, get a short list.

:func:`recommend` maps a task and a few facts about the data (and, optionally,
the metric you will be judged by) to an ordered list of losses, best first,
each with a one-sentence reason, the setting to use it with and, where they
matter, a few notes (what to avoid, what to do when the data are small). Where
a reason rests on a property the catalog records (robust, smooth, convex), the
loss is *chosen* by that property, so the guide cannot claim what the catalog
-- and the tests that check the catalog numerically -- do not. Where a reason
rests on an experiment in the book, the recommendation cites the printed line
it relies on (:class:`Evidence`), and where it states a direction ("lowered
the ECE", "beat the pairwise loss") a :class:`Claim` compares the numbers in
those lines; the test suite opens each chapter, checks that it still prints
the line and that the numbers still point the way the guide says.

Every recommended loss is in :data:`lossbook.catalog.CATALOG`, except the few
named in :data:`OUTSIDE_LOSSES` (losses worth knowing that lossbook does not
implement, such as a perceptual loss) and in :data:`PENDING` (losses that
other parts of the book add; see there).

>>> from lossbook.guide import recommend
>>> [r.loss for r in recommend("regression", outliers=True)]
['huber', 'log_cosh', 'mae']
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from torch import Tensor

from .catalog import CATALOG, LossSpec
from .checks import check_not_empty, check_positive, check_tensor

__all__ = [
    "GENERATIVE_MODELS",
    "METRICS",
    "OUTSIDE_LOSSES",
    "PENDING",
    "PREFERENCES",
    "TASKS",
    "TO_QUOTE",
    "Claim",
    "Evidence",
    "Number",
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
    "lm_pretraining",
    "rl_post_training",
)

PREFERENCES: tuple[str, ...] = ("paired", "unpaired", "reward_model", "rl")

GENERATIVE_MODELS: tuple[str, ...] = ("gan", "vae", "diffusion", "flow")

#: Losses the guide may name that lossbook does not implement, with what they are.
OUTSIDE_LOSSES: dict[str, str] = {
    "perceptual": "a distance between the feature maps a pretrained network (e.g. VGG) computes "
    "for two images (Johnson et al., 2016)",
    "generalized_cross_entropy": "(1 - p_y^q)/q, between cross-entropy (q -> 0) and MAE on the "
    "probabilities (q = 1), tolerant of flipped labels (Zhang and Sabuncu, 2018)",
}

#: Losses that other branches of the book add (name -> the chapter that will teach them).
#: The guide may name them before they exist. ``tests/test_guide.py`` fails as soon as one of
#: them is in the catalog: then remove it here and replace each ``TO_QUOTE`` in its
#: recommendations' :class:`Evidence` by the section and the line its chapter prints.
PENDING: dict[str, int] = {}

#: Stands for a section and a printed line that a chapter will show once :data:`PENDING`
#: losses are merged; allowed only in the evidence of a pending loss's recommendation.
TO_QUOTE = "TO QUOTE AT MERGE"


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

    def numbers(self) -> list[float]:
        """The numbers in ``shows``, in order (``13.4%`` reads as 13.4; the 1 of F1 is no number)."""
        return [float(n) for n in re.findall(r"(?<![\w.])[-+]?\d+(?:\.\d+)?", self.shows)]


@dataclass(frozen=True)
class Number:
    """One number a chapter prints: the ``position``-th number of an evidence line."""

    evidence: Evidence
    position: int

    @property
    def value(self) -> float:
        return self.evidence.numbers()[self.position]


@dataclass(frozen=True)
class Claim:
    """A direction a recommendation states, checked against the numbers its evidence prints.

    ``says`` is the wording in the reason or a note ("raised the ECE"); the claim
    holds when ``left relation right``: ``"<"`` and ``">"`` need the difference to
    exceed ``margin``, ``"≈"`` needs it to be at most ``margin``.
    """

    says: str
    left: Number
    relation: str
    right: Number
    margin: float = 0.0

    def holds(self) -> bool:
        difference = self.left.value - self.right.value
        if self.relation == "<":
            return difference < -self.margin
        if self.relation == ">":
            return difference > self.margin
        if self.relation == "≈":
            return abs(difference) <= self.margin
        raise ValueError(f"relation must be '<', '>' or '≈', got {self.relation!r}")


@dataclass(frozen=True)
class Recommendation:
    """One recommended loss, how to use it, why (one sentence), notes, and the evidence.

    ``notes`` are further one-sentence advice (what to avoid, what to do when the
    data are small); ``see`` the results in the book the reason and notes rest on;
    ``claims`` the directions they state, each checked against ``see``'s numbers.
    """

    loss: str
    reason: str
    setting: str = ""
    see: tuple[Evidence, ...] = ()
    notes: tuple[str, ...] = ()
    claims: tuple[Claim, ...] = ()

    @property
    def in_lossbook(self) -> bool:
        """Whether lossbook implements the loss (else it is outside or pending)."""
        return self.loss in CATALOG

    @property
    def spec(self) -> LossSpec | None:
        """The catalog entry of the loss (formula, properties, reference); None if absent."""
        return CATALOG.get(self.loss)


def _claim(
    says: str, left: Evidence, relation: str, right: Evidence, *, at: int = -2, margin=0.0
) -> Claim:
    """A claim comparing the ``at``-th number of two evidence lines (default: the
    second-to-last, the mean of the capstone's "mean ± sd")."""
    return Claim(says, Number(left, at), relation, Number(right, at), margin)


def huber_delta(residuals: Tensor, *, k: float = 1.345) -> Tensor:
    r"""Huber's :math:`\delta` on the scale of the residuals: ``k`` robust standard deviations.

    .. math:: \delta = k\,\hat\sigma, \qquad
              \hat\sigma = 1.4826 \cdot \operatorname{median}_i \bigl|r_i - \operatorname{median}(r)\bigr|

    :math:`\hat\sigma` is the median absolute deviation (MAD), scaled to equal
    the standard deviation for Gaussian noise; unlike the standard deviation,
    a few gross outliers barely move it. ``k = 1.345`` gives 95 % of the least
    squares efficiency when the noise is Gaussian (Huber and Ronchetti, 2009,
    *Robust Statistics*). Compute it from the residuals of a first fit (e.g.
    with MAE); the default ``delta = 1.0`` of :func:`lossbook.huber` only suits
    residuals of order 1. (``torch.median`` takes the lower middle value for an
    even count.)

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
    "regression": frozenset(
        {"outliers", "intervals", "images", "counts", "heteroscedastic", "metric"}
    ),
    "binary": frozenset({"imbalance", "noisy_labels", "metric"}),
    "multiclass": frozenset({"imbalance", "multi_label", "noisy_labels", "metric"}),
    "multilabel": frozenset({"imbalance", "multi_label", "noisy_labels", "metric"}),
    "ranking": frozenset({"metric"}),
    "retrieval": frozenset({"multimodal"}),
    "segmentation": frozenset({"imbalance", "metric"}),
    "sequence": frozenset({"aligned"}),
    "generative": frozenset({"generative_model", "images"}),
    "alignment": frozenset({"preference"}),
    "lm_pretraining": frozenset(),
    "rl_post_training": frozenset(),
}

# --- The book's results the reasons below cite (chapter, section heading, printed line). ---
_CH2_EX3 = "Exercises"
_CH4_FOCAL = "Focal loss: learning from the hard examples"
_CH4_SMOOTHING = "Label smoothing and calibration"
_CH7 = "7. Sequences: connectionist temporal classification"
_CH12_F1 = "Example 2: a loss aligned with F1"
_CH15_CAPSTONE = "Capstone: three tasks, each judged by its own metric"

_POS_WEIGHT_1 = Evidence(2, _CH2_EX3, "pos_weight 1.00: F1 at 0.5 = 0.465")
_POS_WEIGHT_W = Evidence(2, _CH2_EX3, "pos_weight 18.32: F1 at 0.5 = 0.381")

# Chapter 12 (columns: F1 at 0.5, best threshold, F1 at it, mean p, share hesitant). The
# threshold was chosen on the *training* set; the protocol line guards that statement.
_CH12_BCE = Evidence(12, _CH12_F1, "BCE 0.442 0.25 0.511")
_CH12_SOFT_F1 = Evidence(12, _CH12_F1, "soft-F1 0.510 0.47 0.508")
_CH12_PROTOCOL = Evidence(
    12, _CH12_F1, "at the threshold that maximises F1 on a separate **validation split**"
)
_THRESHOLD_IS_ENOUGH = (_CH12_BCE, _CH12_SOFT_F1, _CH12_PROTOCOL)
_MATCHED_SOFT_F1 = Claim(
    "matched a soft-F1 loss",
    Number(_CH12_BCE, -1),  # held-out F1 at the tuned threshold
    "≈",
    Number(_CH12_SOFT_F1, -1),
    margin=0.01,
)

# Chapter 4's focal table (columns: test AP after 50, 100 and 300 steps).
_CH4_CE_AP = Evidence(4, _CH4_FOCAL, "cross-entropy 0.365 0.603 0.902")
_CH4_FOCAL_AP = Evidence(4, _CH4_FOCAL, "focal γ=2 0.650 0.900 0.917")
_FOCAL_MAINLY_SPEED = (
    _CH4_CE_AP,
    _CH4_FOCAL_AP,
    Evidence(4, _CH4_FOCAL, "by step 300 the three rank the test set almost equally well"),
)
_FOCAL_SPEED_CLAIMS = (
    _claim("sped training", _CH4_FOCAL_AP, ">", _CH4_CE_AP, at=-2, margin=0.1),
    _claim("almost equally", _CH4_FOCAL_AP, "≈", _CH4_CE_AP, at=-1, margin=0.02),
)
_FOCAL_UNCALIBRATED = (
    Evidence(4, _CH4_FOCAL, "cross-entropy best constant prediction: 0.200"),
    Evidence(4, _CH4_FOCAL, "focal γ=2, α=0.25 best constant prediction: 0.284"),
)
_ALPHA_LOWERS_RECALL = (
    Evidence(4, _CH4_FOCAL, "Note also that $\\alpha = 0.25$ lowers recall at the 0.5 threshold"),
)

# Chapter 4's calibration table (columns: train acc, test acc, confidence, ECE).
# (Helper `cls` re-runs chapter 4 with temperature scaling: re-quote these lines at merge.)
_ECE_2000_PLAIN = Evidence(4, _CH4_SMOOTHING, "2000 examples, ε = 0.0 0.85 0.83 0.85 0.022")
_ECE_2000_SMOOTH = Evidence(4, _CH4_SMOOTHING, "2000 examples, ε = 0.1 0.85 0.83 0.80 0.036")
_ECE_200_PLAIN = Evidence(4, _CH4_SMOOTHING, "200 examples, ε = 0.0 0.98 0.78 0.95 0.173")
_ECE_200_SMOOTH = Evidence(4, _CH4_SMOOTHING, "200 examples, ε = 0.1 0.97 0.78 0.88 0.102")
_SMOOTHING_NOTE = (
    "Add label_smoothing only if a reliability diagram shows over-confidence: in chapter 4 it "
    "lowered the ECE of an over-confident model (0.173 to 0.102) but raised it on a "
    "calibrated one (0.022 to 0.036)."
)
_SMOOTHING_CLAIMS = (
    _claim(
        "lowered the ECE of an over-confident model", _ECE_200_SMOOTH, "<", _ECE_200_PLAIN, at=-1
    ),
    _claim("raised it on a calibrated one", _ECE_2000_SMOOTH, ">", _ECE_2000_PLAIN, at=-1),
)

# Chapter 15's capstone (columns: mean, sd over the seeds).
_CAP_TUNED = Evidence(15, _CH15_CAPSTONE, "BCE + threshold tuned on validation 0.535 ± 0.027")
_CAP_POS_WEIGHT = Evidence(15, _CH15_CAPSTONE, "BCE with pos_weight = n-/n+, at 0.5 0.396 ± 0.019")
_CAP_SMALL = Evidence(15, _CH15_CAPSTONE, "tuned on 60 validation examples 0.467 ± 0.084")
_CAP_CROSS = Evidence(15, _CH15_CAPSTONE, "tuned on cross-validated training scores 0.530 ± 0.013")
_CAP_KEEP = Evidence(15, _CH15_CAPSTONE, "kept at 0.5 0.352 ± 0.056")
_CAP_PRIOR = Evidence(15, _CH15_CAPSTONE, "prior-corrected, p > share of positives 0.396 ± 0.019")
_CAP_POISSON = Evidence(15, _CH15_CAPSTONE, "Poisson NLL, log link 1.866 ± 0.018")
_CAP_MSE_COUNTS = Evidence(15, _CH15_CAPSTONE, "MSE on the counts, exp output 1.867 ± 0.019")
_CAP_MSE_LOG = Evidence(15, _CH15_CAPSTONE, "MSE on log(1 + y) 1.955 ± 0.034")
_CAP_LISTNET = Evidence(15, _CH15_CAPSTONE, "ListNet 0.932 ± 0.003")
_CAP_LISTMLE = Evidence(15, _CH15_CAPSTONE, "ListMLE 0.875 ± 0.011")
_CAP_PAIRWISE = Evidence(15, _CH15_CAPSTONE, "pairwise (Bradley–Terry) 0.885 ± 0.003")

_SMALL_VALIDATION_NOTE = (
    "With fewer than about 30 positives for validation a tuned threshold is noisy (in chapter "
    "15 its spread over seeds was larger than a cross-validated one's), so tune it on "
    "cross-validated scores of the training set."
)
_PRIOR_NOTE = (
    "Short of data for both, p > the share of positives is steady but aims at balanced "
    "accuracy, not F1: in chapter 15 it beat keeping 0.5 and fell short of a tuned threshold."
)
_SMALL_VALIDATION_SEE = (_CAP_SMALL, _CAP_CROSS, _CAP_PRIOR, _CAP_KEEP)
_SMALL_VALIDATION_NOTES = (_SMALL_VALIDATION_NOTE, _PRIOR_NOTE)
_SMALL_VALIDATION_CLAIMS = (
    _claim("its spread over seeds was larger", _CAP_SMALL, ">", _CAP_CROSS, at=-1),
    _claim("beat keeping 0.5", _CAP_PRIOR, ">", _CAP_KEEP, margin=0.01),
    _claim("fell short of a tuned threshold", _CAP_PRIOR, "<", _CAP_CROSS, margin=0.01),
)
_POS_WEIGHT_NOTE = (
    "Avoid pos_weight = negatives/positives at 0.5: it acts like a lower threshold chosen "
    "without the metric (F1 at 0.5 fell from 0.465 to 0.381 in chapter 2, exercise 3, and in "
    "chapter 15 it lagged a tuned threshold)."
)
_POS_WEIGHT_1_W = (_POS_WEIGHT_1, _POS_WEIGHT_W)
_POS_WEIGHT_CLAIM = _claim("F1 at 0.5 fell", _POS_WEIGHT_W, "<", _POS_WEIGHT_1, at=-1)
_POS_WEIGHT_LAGGED = _claim("it lagged a tuned threshold", _CAP_POS_WEIGHT, "<", _CAP_TUNED)

_TUNE = "lossbook.thresholds.tune_threshold(scores, labels, metric='f1') on validation data"
_PERCEPTUAL = Recommendation(
    "perceptual",
    "For images, a perceptual loss compares a pretrained network's feature maps (Johnson et "
    "al., 2016) and so rewards the sharp detail that pixel MSE averages into blur; lossbook "
    "has none (build it from torchvision's VGG and mse).",
    setting="beside or instead of the pixel loss",
)
_NOISY_LABELS = Recommendation(
    "generalized_cross_entropy",
    "Flipped labels are not outliers in y: cross-entropy's bounded gradient still lets a "
    "network memorise them, while MAE-like losses on the probabilities (GCE, symmetric CE) "
    "tolerate them; lossbook has none (GCE is one line: (1 - p_y**q) / q).",
    setting="q = 0.7 (Zhang and Sabuncu, 2018)",
)


def _robust(*names: str) -> list[str]:
    """The given regression losses the catalog marks robust (bounded derivative), in order."""
    return [name for name in names if CATALOG[name].robust]


def _regression(
    outliers: bool, intervals: bool, counts: bool, heteroscedastic: bool
) -> list[Recommendation]:
    recs: list[Recommendation] = []
    if counts:
        recs.append(
            Recommendation(
                "poisson_nll",
                "Counts have a variance that grows with their mean, and the Poisson likelihood "
                "with a log link weighs each count by it: in chapter 15 it beat MSE on "
                "log(1 + y) on held-out NLL.",
                setting="log_input=True: the model outputs log λ",
                see=(
                    _CAP_POISSON,
                    _CAP_MSE_COUNTS,
                    _CAP_MSE_LOG,
                    Evidence(
                        3, "Counts: the Poisson likelihood", "Poisson NLL 0.315 1.180 1.0669 0.972"
                    ),
                ),
                notes=(
                    "MSE on the counts themselves, with an exp output, also estimates the "
                    "mean and came close in chapter 15; MSE on log(1 + y) estimates a biased "
                    "mean.",
                ),
                claims=(
                    _claim("beat MSE on log(1 + y)", _CAP_POISSON, "<", _CAP_MSE_LOG, margin=0.01),
                    _claim("came close", _CAP_MSE_COUNTS, "≈", _CAP_POISSON, margin=0.01),
                ),
            )
        )
    if heteroscedastic:
        recs += [
            Recommendation(
                "gaussian_nll",
                "When the noise level varies with the input, predict a mean and a variance "
                "and train both by the Gaussian likelihood, so the model can say where it is "
                "unsure.",
                setting="beta = 0.5 (β-NLL) if the variance swallows the hard points",
                see=(
                    Evidence(
                        3,
                        "Predicting the noise: the Gaussian negative log-likelihood",
                        "Gaussian NLL 89% 89% 89%",
                    ),
                ),
            ),
            Recommendation(
                "crps_gaussian",
                "A proper score of the whole predictive distribution that, unlike the "
                "likelihood, grows only linearly with a miss, so a few bad points do not "
                "dominate.",
                see=(
                    Evidence(
                        3, "Scoring a predictive distribution: the CRPS", "Gaussian NLL 0.4004"
                    ),
                ),
            ),
        ]
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
    elif not (intervals or counts or heteroscedastic):
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
    elif intervals and not (counts or heteroscedastic):
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
                "stable for any logit and calibrated, so the threshold p > c/(1 + c) is the "
                "Bayes decision for a false positive costing c times a false negative.",
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
            "Keep the calibrated likelihood and move the decision instead: in chapter 12, BCE "
            "with its threshold tuned on a validation split matched a soft-F1 loss on held-out "
            "data (F1 0.511 against 0.508).",
            setting=_TUNE,
            see=(
                *_THRESHOLD_IS_ENOUGH,
                *_POS_WEIGHT_1_W,
                *_SMALL_VALIDATION_SEE,
                _CAP_TUNED,
                _CAP_POS_WEIGHT,
            ),
            notes=(*_SMALL_VALIDATION_NOTES, _POS_WEIGHT_NOTE),
            claims=(
                _MATCHED_SOFT_F1,
                *_SMALL_VALIDATION_CLAIMS,
                _POS_WEIGHT_CLAIM,
                _POS_WEIGHT_LAGGED,
            ),
        ),
        Recommendation(
            "sigmoid_focal",
            "The alternative when easy negatives swamp the gradient: in chapter 4 it mainly "
            "sped training (by step 300 all three losses ranked the test set almost equally), "
            "its alpha = 0.25 down-weights the rare positives and its scores are not calibrated.",
            setting="alpha=0.25, gamma=2 (the defaults); tune the threshold too",
            see=_FOCAL_MAINLY_SPEED + _ALPHA_LOWERS_RECALL + _FOCAL_UNCALIBRATED,
            claims=_FOCAL_SPEED_CLAIMS,
        ),
    ]


def _multiclass(imbalance: bool) -> list[Recommendation]:
    ce_reason = (
        "The softmax negative log-likelihood: convex in the logits, its gradient p - y never "
        "vanishes on a wrong prediction"
    )
    smoothing_see = (_ECE_200_PLAIN, _ECE_200_SMOOTH, _ECE_2000_PLAIN, _ECE_2000_SMOOTH)
    if not imbalance:
        return [
            Recommendation(
                "cross_entropy",
                ce_reason + ", and its probabilities are calibrated where the model is not "
                "over-fitted.",
                notes=(_SMOOTHING_NOTE,),
                see=smoothing_see,
                claims=_SMOOTHING_CLAIMS,
            )
        ]
    return [
        Recommendation(
            "cross_entropy",
            ce_reason + "; if rare classes are under-predicted, move the decision instead "
            "(chapter 12: a tuned threshold matched a soft-F1 loss).",
            setting="per-class thresholds (or prior correction) tuned on validation data",
            see=(*_THRESHOLD_IS_ENOUGH, *_POS_WEIGHT_1_W, *smoothing_see),
            notes=(
                "Class weights shift the probabilities like a moved threshold, and "
                "inverse-frequency weights can overshoot as pos_weight did (chapter 2, "
                "exercise 3); tune the decision instead.",
                _SMOOTHING_NOTE,
            ),
            claims=(
                _MATCHED_SOFT_F1,
                replace(_POS_WEIGHT_CLAIM, says="can overshoot as pos_weight did"),
                *_SMOOTHING_CLAIMS,
            ),
        ),
        Recommendation(
            "softmax_focal",
            "The alternative when easy examples of the large classes swamp the gradient: in "
            "chapter 4 focal loss mainly sped training, and its scores are not calibrated "
            "probabilities.",
            setting="gamma=2; tune decisions on validation data",
            see=_FOCAL_MAINLY_SPEED + _FOCAL_UNCALIBRATED,
            claims=_FOCAL_SPEED_CLAIMS[:1],
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
            bce_reason + ", then tune each rare label's threshold (chapter 12: a tuned "
            "threshold matched a soft-F1 loss).",
            setting="one decision threshold per label, tuned on validation data",
            see=(*_THRESHOLD_IS_ENOUGH, *_POS_WEIGHT_1_W, *_SMALL_VALIDATION_SEE),
            notes=(
                *_SMALL_VALIDATION_NOTES,
                "A pos_weight per label shifts its probabilities like a lower threshold, and "
                "negatives/positives can overshoot (chapter 2, exercise 3).",
            ),
            claims=(
                _MATCHED_SOFT_F1,
                *_SMALL_VALIDATION_CLAIMS,
                replace(_POS_WEIGHT_CLAIM, says="negatives/positives can overshoot"),
            ),
        ),
        Recommendation(
            "sigmoid_focal",
            "Per-label focal loss when easy negatives swamp the gradient: in chapter 4 it "
            "mainly sped training, its alpha = 0.25 down-weights positives and its scores are "
            "not calibrated.",
            setting="alpha=0.25, gamma=2 (the defaults); tune the thresholds too",
            see=_FOCAL_MAINLY_SPEED + _ALPHA_LOWERS_RECALL + _FOCAL_UNCALIBRATED,
            claims=_FOCAL_SPEED_CLAIMS[:1],
        ),
    ]


_LISTWISE_SEE = (_CAP_LISTNET, _CAP_LISTMLE, _CAP_PAIRWISE)
_LISTNET = Recommendation(
    "listnet",
    "NDCG and average precision weight the top of the list, and ListNet's softmax over the "
    "whole list does too: in chapter 15 it beat the pairwise loss on NDCG@10.",
    setting="relevance grades as the target; temperature < 1 to sharpen it",
    see=_LISTWISE_SEE,
    claims=(_claim("beat the pairwise loss", _CAP_LISTNET, ">", _CAP_PAIRWISE, margin=0.01),),
)
_LISTMLE = Recommendation(
    "listmle",
    "The Plackett–Luce likelihood of the relevance order, also top-weighted, but it must "
    "order tied items too: with many tied grades in chapter 15 it did not beat the pairwise "
    "loss.",
    setting="shuffle tied items before each step",
    see=_LISTWISE_SEE,
    claims=(_claim("did not beat the pairwise loss", _CAP_LISTMLE, "<", _CAP_PAIRWISE),),
)
_PAIRWISE = Recommendation(
    "pairwise_ranking",
    "Bradley-Terry loss -log sigmoid(s_i - s_j) on pairs where item i should rank above item "
    "j: smooth, convex in the score difference, and a surrogate of pairwise accuracy (AUC), "
    "which counts a swap at the bottom like one at the top.",
)


def _ranking() -> list[Recommendation]:
    return [
        _PAIRWISE,
        _LISTNET,
        _LISTMLE,
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
    bench = "All the losses on one benchmark"
    chapter9 = (
        Evidence(9, bench, "diffusion 88% 4/4 0.16 0.25 0.25 0.21"),
        Evidence(9, bench, "diffusion 86% 4/4 0.22 0.17 0.22 0.26"),
        Evidence(9, bench, "flow matching 90% 4/4 0.20 0.23 0.26 0.22"),
        Evidence(9, bench, "flow matching 92% 4/4 0.21 0.21 0.26 0.25"),
        Evidence(9, bench, "GAN (−log D) 52% 1/4 0.52 0.00 0.00 0.00"),
    )
    diffusion = [
        Recommendation(
            "denoising_loss",
            "A diffusion model learns to remove noise of every level: the MSE to the added "
            "noise is a weighted ELBO, stable to train, and chapter 9 compares it with the "
            "GANs on the same seeds.",
            setting="schedule='cosine', target='eps' (or 'v' for few-step sampling)",
            see=chapter9,
        )
    ]
    flow = [
        Recommendation(
            "flow_matching",
            "Regress the velocity x1 - x0 along the straight path from noise to data: one MSE, "
            "no noise schedule, and sampling is an ODE (chapter 9 compares it on the same "
            "seeds).",
            setting="t uniform in [0, 1]",
            see=chapter9,
        )
    ]
    if model == "gan":
        recs = gan
    elif model == "vae":
        recs = vae
    elif model == "diffusion":
        recs = diffusion
    elif model == "flow":
        recs = flow
    else:
        recs = [
            *gan,
            Recommendation(
                "gaussian_kl",
                "For a VAE instead of a GAN: the closed-form KL to the N(0, I) prior, added to a "
                "reconstruction loss (ask with generative_model='vae').",
            ),
            replace(
                diffusion[0],
                reason="For a diffusion model instead: the MSE to the added noise at a random "
                "noise level (ask with generative_model='diffusion'; chapter 9).",
            ),
        ]
    return [*recs, _PERCEPTUAL] if images else recs


def _lm_pretraining() -> list[Recommendation]:
    section = "Before alignment: the pre-training loss"
    chapter13 = (
        Evidence(13, section, "mean of the two micro-batch means: gradient off by 41.0%"),
        Evidence(13, section, "num_items=2131: equal to the full-batch gradient (to 1e-12): True"),
        Evidence(
            13, section, "loss over the text 1.363; with the padding counted as targets 10.375"
        ),
    )
    return [
        Recommendation(
            "lm_loss",
            "Next-token cross-entropy over the counted tokens only (padding and prompt "
            "masked), whose exponential is the perplexity (chapter 13).",
            setting="num_items = target tokens in the whole accumulated batch; z_loss=1e-4",
            see=chapter13,
            notes=(
                "With gradient accumulation, average over the tokens of the whole batch "
                "(num_items), not per micro-batch, or short sequences weigh more.",
                "A small z-loss keeps the softmax normaliser near 1, which stops the logits "
                "drifting in long runs (PaLM).",
            ),
        )
    ]


def _rl_post_training() -> list[Recommendation]:
    chapter13 = (
        Evidence(13, "A toy world with checkable answers", "GRPO 0.788 0.143 1.10 0.940"),
        Evidence(13, "A toy world with checkable answers", "π_ref 0.397 0.024 0.00"),
        Evidence(13, "The length bias of averaging per answer", "sequence 0.784 2.76 3.73"),
        Evidence(13, "The length bias of averaging per answer", "token 0.775 2.89 3.69"),
    )
    return [
        Recommendation(
            "grpo",
            "Verifiable rewards (the answer is right or wrong) need no reward model: sample a "
            "group of answers per prompt and push up those scoring above the group's mean (chapter 13).",
            setting="normalize='token' or 'constant' (DAPO, Dr. GRPO); clip=0.2",
            see=chapter13,
            notes=(
                "Advantages come from lossbook.group_advantages(rewards): baseline='mean', "
                "scale='std' for GRPO; baseline='leave_one_out', scale=None for RLOO.",
                "Per-sequence normalisation ('sequence') pushes short right answers and long "
                "wrong ones hardest per token (the Dr GRPO analysis); in chapter 13's toy the "
                "lengths it ends with differ only slightly.",
            ),
        ),
        Recommendation(
            "kl_estimate",
            "A per-token estimate of the KL to the reference policy from the policy's own "
            "samples, added to the loss when the policy must stay close to the reference.",
            setting="estimator='k3' (unbiased and never negative); beta small or 0",
            see=chapter13,
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


def _metric_recommendations() -> dict[str, dict[str, Recommendation]]:
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
        "F1-optimal threshold, which in chapter 12 matched a soft-F1 loss.",
        setting=_TUNE,
        see=(*_THRESHOLD_IS_ENOUGH, *_SMALL_VALIDATION_SEE),
        notes=_SMALL_VALIDATION_NOTES,
        claims=(_MATCHED_SOFT_F1, *_SMALL_VALIDATION_CLAIMS),
    )
    auc_binary = Recommendation(
        "binary_cross_entropy_with_logits",
        "AUC only asks that positives score above negatives, and the true probability is the "
        "best such score, which a proper loss estimates: no threshold to tune.",
    )
    auc_pairs = Recommendation(
        "pairwise_ranking",
        "AUC is the share of correctly ordered positive-negative pairs, and the pairwise loss "
        "on those pairs is its smooth, convex surrogate.",
        setting="pairs (positive score, negative score)",
    )
    return {
        "rmse": {
            "regression": Recommendation(
                "mse",
                "RMSE is the square root of MSE, so MSE trains on the metric itself: its "
                "minimiser is the conditional mean.",
            )
        },
        "mae": {
            "regression": Recommendation(
                "mae",
                "The metric is this loss itself: its minimiser is the conditional median, "
                "which no other loss on the list estimates.",
            )
        },
        "pinball": {
            "regression": Recommendation(
                "quantile",
                "The metric is this loss itself at your q: its minimiser is the q-th quantile, "
                "the Bayes decision when a shortfall costs q/(1 - q) times an excess.",
                setting="q = the metric's q",
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
        "auc": {"binary": auc_binary, "ranking": auc_pairs},
        "ndcg": {"ranking": _LISTNET},
        "average_precision": {"ranking": _LISTNET},
    }


_BY_METRIC = _metric_recommendations()

#: The metrics ``recommend(..., metric=...)`` knows, and the tasks each applies to.
METRICS: dict[str, tuple[str, ...]] = {name: tuple(by_task) for name, by_task in _BY_METRIC.items()}

#: Second choices a metric brings along (after its first), per (metric, task).
_METRIC_RUNNERS_UP: dict[tuple[str, str], tuple[Recommendation, ...]] = {
    ("auc", "binary"): (_BY_METRIC["auc"]["ranking"],),
    ("ndcg", "ranking"): (_LISTMLE, _PAIRWISE),
    ("average_precision", "ranking"): (_LISTMLE, _PAIRWISE),
}


def recommend(
    task: str,
    *,
    outliers: bool = False,
    imbalance: bool = False,
    multi_label: bool = False,
    intervals: bool = False,
    counts: bool = False,
    heteroscedastic: bool = False,
    noisy_labels: bool = False,
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
    metric itself when it is a loss, else its standard surrogate). No loss is
    listed twice: a second use of the same loss (a class weight, a smoothing) is a
    note of its recommendation.

    Args:
        task: one of :data:`TASKS`: ``"regression"``, ``"binary"``,
            ``"multiclass"``, ``"multilabel"``, ``"ranking"``, ``"retrieval"``,
            ``"segmentation"``, ``"sequence"``, ``"generative"``, ``"alignment"``,
            ``"lm_pretraining"`` (pre-training a language model) or
            ``"rl_post_training"`` (RL post-training with verifiable rewards).
        outliers: (regression) the targets contain gross errors: robust losses
            only, chosen by the catalog's ``robust`` property.
        imbalance: (binary, multiclass, multilabel, segmentation) one class or
            label is much rarer than the others.
        multi_label: (multiclass) an example can belong to several classes at
            once: the same as ``task="multilabel"``.
        intervals: (regression) you need prediction intervals, not only a point.
        counts: (regression) the targets are counts (0, 1, 2, ...).
        heteroscedastic: (regression) the noise level varies with the input and
            you want the model to predict it.
        noisy_labels: (binary, multiclass, multilabel) some labels are wrong
            (flipped), which a bounded gradient does not protect against.
        multimodal: (retrieval) queries and keys come from two modalities
            (images and text).
        images: (regression, generative) the outputs are images (reconstruction,
            restoration, generation): adds a perceptual loss, which lossbook
            does not implement (:data:`OUTSIDE_LOSSES`).
        aligned: (sequence) whether each input step has its own label (``True``:
            part-of-speech tagging, next-token prediction) or the alignment is
            unknown (``False``: speech, handwriting); ``None`` lists both.
        generative_model: (generative) ``"gan"``, ``"vae"``, ``"diffusion"`` or
            ``"flow"``; ``None`` lists the GAN losses, the VAE's KL term and the
            diffusion loss.
        preference: (alignment) the kind of feedback: ``"paired"`` (chosen and
            rejected answers, the default), ``"unpaired"`` (good/bad labels per
            answer), ``"reward_model"`` (training a reward model) or ``"rl"``
            (optimising a policy against a reward model).
        metric: the metric you will be judged by, one of :data:`METRICS` for a
            task it applies to (``"rmse"``, ``"mae"``, ``"pinball"``,
            ``"log_loss"``, ``"accuracy"``, ``"f1"``, ``"dice"``, ``"auc"``,
            ``"ndcg"``, ``"average_precision"``).

    Returns:
        A non-empty list of :class:`Recommendation`, no loss twice; every
        ``loss`` is a key of :data:`lossbook.catalog.CATALOG`, of
        :data:`OUTSIDE_LOSSES` or of :data:`PENDING`.

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
        "counts": counts,
        "heteroscedastic": heteroscedastic,
        "noisy_labels": noisy_labels,
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
    key = "multilabel" if multi_label else task
    if metric is not None:
        if metric not in METRICS:
            raise ValueError(f"metric must be one of {tuple(METRICS)}, got {metric!r}")
        if key not in METRICS[metric]:
            known = ", ".join(m for m, tasks in METRICS.items() if key in tasks)
            raise ValueError(
                f"metric {metric!r} does not apply to task {key!r} (metrics for it: {known})"
            )

    if task == "regression":
        recs = _regression(outliers, intervals, counts, heteroscedastic)
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
    elif task == "lm_pretraining":
        recs = _lm_pretraining()
    elif task == "rl_post_training":
        recs = _rl_post_training()
    else:
        recs = _alignment(preference or "paired")
    if noisy_labels:
        recs.append(_NOISY_LABELS)
    if metric is not None:
        first = (_BY_METRIC[metric][key], *_METRIC_RUNNERS_UP.get((metric, key), ()))
        recs = _match_metric(recs, first)
        if metric == "log_loss":  # judged on the probabilities: nothing that skews them
            recs = recs[:1]
    for rec in recs:  # the guide must never name a loss the package does not have
        if rec.loss not in CATALOG and rec.loss not in OUTSIDE_LOSSES and rec.loss not in PENDING:
            raise AssertionError(f"guide recommends {rec.loss!r}, which is not in the catalog")
    return recs


def _match_metric(
    recs: list[Recommendation], first: tuple[Recommendation, ...]
) -> list[Recommendation]:
    """Put the metric's losses first; the entries of the same losses they replace give them
    their notes, evidence and claims (so a note such as a pos_weight warning is kept)."""
    leading = []
    for rec in first:
        # a tuned decision keeps the notes about tuning it; a score judged as it is does not
        replaced = [r for r in recs if r.loss == rec.loss and "threshold" in rec.setting]
        notes = tuple(dict.fromkeys(rec.notes + tuple(n for r in replaced for n in r.notes)))
        inherited = [  # the claims the inherited notes state, and their evidence
            c
            for r in replaced
            for c in r.claims
            if any(c.says in n for n in notes) and c not in rec.claims
        ]
        see = rec.see + tuple(
            e for c in inherited for e in (c.left.evidence, c.right.evidence) if e not in rec.see
        )
        see += tuple(  # a note that names a chapter keeps that chapter's evidence
            e
            for r in replaced
            for e in r.see
            if e not in see and any(f"chapter {e.chapter}" in n for n in notes)
        )
        claims = rec.claims + tuple(dict.fromkeys(inherited))
        leading.append(replace(rec, notes=notes, see=tuple(dict.fromkeys(see)), claims=claims))
    names = {rec.loss for rec in first}  # the entries they replace are dropped
    return [*leading, *(r for r in recs if r.loss not in names)]
