"""Metric and contrastive learning: losses on distances and similarities between embeddings.

These losses score no single prediction against a target. They look at *pairs*
(or triplets, or a whole batch) of embedding vectors and ask that things which
belong together lie close and things which do not lie far apart:

* :func:`contrastive` -- a pair and a same/different label (Hadsell et al., 2006);
* :func:`triplet` -- an anchor, a positive and a negative (FaceNet);
  :func:`mine_triplets` picks informative triplets from a labelled batch;
* :func:`info_nce` -- one positive among many negatives, a softmax over cosine
  similarities (CPC, SimCLR, MoCo);
* :func:`clip_loss` -- the symmetric InfoNCE of image-text pairs (CLIP);
* :func:`nt_xent` -- SimCLR's loss over the ``2N`` views of ``N`` inputs;
* :func:`margin_ranking`, :func:`hinge_embedding`, :func:`cosine_embedding` --
  torch's three pairwise margin losses (``MarginRankingLoss``,
  ``HingeEmbeddingLoss``, ``CosineEmbeddingLoss``), labels in ``{-1, +1}``.

Shapes: embeddings are ``(N, D)`` -- ``N`` rows (the batch) of ``D`` features.
Every loss returns one value per row for ``reduction="none"``, i.e. ``(N,)``
(``nt_xent``: one per view, ``(2N,)``).

Distances are Euclidean, computed through :func:`~lossbook.checks.safe_sqrt`, whose gradient is
finite (zero) at distance exactly 0, where ``d sqrt(u)/du = 1/(2 sqrt u)`` is
infinite and would turn into ``0 · inf = NaN`` (identical embeddings are common:
a collapsed network, a pair of the same image).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from .checks import (
    Reduction,
    check_batch_size,
    check_binary_labels,
    check_flag,
    check_integer_tensor,
    check_ndim,
    check_plus_minus_one,
    check_positive,
    check_reduction,
    check_same_device,
    check_same_dtype,
    check_same_shape,
    check_scalar,
    check_tensor,
    float32_under_autocast,
    reduce,
    safe_sqrt,
)
from .distributed import all_gather_with_grad, gather_batch, require_process_group

__all__ = [
    "clip_loss",
    "contrastive",
    "cosine_embedding",
    "hinge_embedding",
    "info_nce",
    "margin_ranking",
    "mine_triplets",
    "nt_xent",
    "triplet",
]

STRATEGIES = ("all", "hard", "semi-hard")


# --------------------------------------------------------------------------- helpers


def _check_embeddings(*named: tuple[str, Tensor]) -> None:
    """Validate ``(N, D)`` floating embeddings that must share ``D``, dtype and device.

    Batch sizes are checked by each loss (they need not agree for a MoCo queue).
    """
    for name, value in named:
        check_tensor(name, value)
        check_ndim(name, value, 2, "a 2-D tensor (N, D) of N embeddings of dimension D")
    (first_name, first), *rest = named
    for name, value in rest:
        if value.shape[1] != first.shape[1]:
            raise ValueError(
                f"{first_name} and {name} must have the same embedding dimension D "
                f"(second dimension), got {first_name} {tuple(first.shape)} and "
                f"{name} {tuple(value.shape)}"
            )
    check_same_dtype(*named)
    check_same_device(*named)


def _squared_distance(u: Tensor, v: Tensor) -> Tensor:
    """Row-wise squared Euclidean distance ``‖u_i − v_i‖²`` of ``(N, D)`` tensors -> ``(N,)``."""
    return (u - v).square().sum(dim=-1)


def _pairwise_distances(x: Tensor) -> Tensor:
    """All pairwise Euclidean distances ``(N, N)`` between the rows of ``x``, exactly.

    ``torch.cdist`` by default uses ``‖u‖² + ‖v‖² − 2u·v`` for large inputs,
    which is fast but inexact (identical rows get a distance ~1e-3 instead of 0
    in float32 and ties are broken by rounding noise); mining needs exact ties,
    so the direct difference is used. Memory stays ``(N, N)``.
    """
    return torch.cdist(x, x, compute_mode="donot_use_mm_for_euclid_dist")


# --------------------------------------------------------------------------- pair losses


@float32_under_autocast
def contrastive(
    x1: Tensor, x2: Tensor, y: Tensor, *, margin: float = 1.0, reduction: Reduction = "mean"
) -> Tensor:
    r"""Contrastive loss of Hadsell, Chopra & LeCun (2006) on pairs of embeddings.

    .. math::

        \ell(x_1, x_2, y) = (1 - y)\,D^2 + y\,\max(0,\ \text{margin} - D)^2,
        \qquad D = \lVert x_1 - x_2 \rVert_2

    **Label convention: y = 0 means SIMILAR (pull together), y = 1 means
    DISSIMILAR (push apart to at least** ``margin`` **).** This is the paper's
    convention; some papers and libraries use the opposite one (1 = same), so
    check before you pass a "same pair" flag. Boolean labels are refused for
    that reason.

    Similar pairs pay the squared distance; dissimilar pairs pay only while
    they are closer than the margin, so the embedding is not pushed to blow up.
    The paper writes a factor ½ in front of both terms; it is dropped here (as
    in most libraries), which doubles the loss and its gradient.

    Numerical stability: the similar term uses ``D²`` directly (a sum of
    squares, gradient ``2(x₁ − x₂)``, zero at ``x₁ = x₂``). The dissimilar term
    needs ``D`` itself; its gradient ``−2(margin − D)·(x₁ − x₂)/D`` is ``0/0``
    at ``x₁ = x₂``, and a plain ``torch.norm``/``sqrt`` returns NaN there. ``D``
    is computed with a safe square root (see :func:`~lossbook.checks.safe_sqrt`) whose gradient
    at ``D = 0`` is 0 -- a valid subgradient: at a point where the two
    embeddings coincide no direction to push them apart is better than another.
    (``F.pairwise_distance`` instead adds ``eps = 1e-6`` to every coordinate
    of ``x₁ − x₂``, which biases every distance slightly.)

    Porting from pytorch-metric-learning: its ``ContrastiveLoss`` is the
    *unsquared* form, ``relu(D − pos_margin)`` for similar pairs and
    ``relu(neg_margin − D)`` for dissimilar ones (defaults ``pos_margin=0``,
    ``neg_margin=1``; ``losses/contrastive_loss.py``), on L2-normalised
    embeddings by default (``distances/base_distance.py``:
    ``normalize_embeddings=True``), over every ordered pair its miner forms
    from labels; the similar and the dissimilar pairs' losses are each averaged
    over the pairs with a non-zero loss only (``AvgNonZeroReducer``) and the
    two averages added. Its numbers differ from this function's even at equal
    margins: ``D`` against ``D²``, and a different average. (Checked against
    pytorch-metric-learning 2.9.0.)

    Args:
        x1: first embeddings of the pairs, ``(N, D)``.
        x2: second embeddings, ``(N, D)``.
        y: pair labels ``(N,)`` in ``{0, 1}``, floating or integer dtype;
            ``0`` = similar, ``1`` = dissimilar.
        margin: the distance beyond which a dissimilar pair costs nothing, ``> 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(N,)``).
    """
    _check_embeddings(("x1", x1), ("x2", x2))
    check_same_shape("x1", x1, "x2", x2)
    check_tensor("y", y, floating=False)
    if y.dtype == torch.bool or y.is_complex():
        raise TypeError(
            f"y must be a floating or integer tensor of 0 (similar) / 1 (dissimilar), got "
            f"dtype {y.dtype}; for a boolean 'is same pair' flag pass (~same).long()"
        )
    if y.shape != x1.shape[:1]:
        raise ValueError(
            f"y must have shape ({x1.shape[0]},), one label per pair of x1 {tuple(x1.shape)}, "
            f"got {tuple(y.shape)}"
        )
    check_same_device(("x1", x1), ("y", y))
    check_positive("margin", margin)
    check_reduction(reduction)
    check_binary_labels("y", y, meaning="0 = similar, 1 = dissimilar")

    y = y.to(x1.dtype)
    squared_dist = _squared_distance(x1, x2)  # D², exact and smooth
    dist = safe_sqrt(squared_dist)  # D, finite gradient at D = 0
    similar_term = squared_dist
    dissimilar_term = torch.clamp(margin - dist, min=0.0).square()
    loss = (1.0 - y) * similar_term + y * dissimilar_term
    return reduce(loss, reduction)


@float32_under_autocast
def triplet(
    anchor: Tensor,
    positive: Tensor,
    negative: Tensor,
    *,
    margin: float = 1.0,
    swap: bool = False,
    distance_function: Callable[[Tensor, Tensor], Tensor] | None = None,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""Triplet margin loss (Schroff et al., 2015; Balntas et al., 2016).

    .. math::

        \ell(a, p, n) = \max\bigl(0,\ d(a, p) - d(a, n) + \text{margin}\bigr),
        \qquad d(u, v) = \lVert u - v \rVert_2

    The anchor must be closer to the positive (same identity) than to the
    negative by at least ``margin``; satisfied triplets cost nothing. FaceNet
    writes it with *squared* distances; this is the plain-distance form of
    ``torch.nn.functional.triplet_margin_loss`` (``p=2``), which Hermans et
    al. (2017) found more stable. The loss depends on the three embeddings only
    through the gap ``d(a, p) − d(a, n)``: a hinge in that gap.

    One function covers both of torch's triplet modules (``TripletMarginLoss``'s
    ``p`` and ``eps`` are ``distance_function=partial(F.pairwise_distance, p=p,
    eps=eps)``):

    * ``swap=True`` is the *distance swap* of Balntas et al. (2016): the
      negative's distance is ``min(d(a, n), d(p, n))``, the harder of the two
      ways the negative can be measured (torch's ``swap``).
    * ``distance_function`` replaces the Euclidean ``d``: any function of two
      ``(N, D)`` tensors returning the ``(N,)`` row-wise distances (e.g.
      ``lambda u, v: 1 - F.cosine_similarity(u, v)``) -- what torch's
      ``TripletMarginWithDistanceLoss`` takes. ``None`` (default) is the exact
      Euclidean distance below. The distance must be non-negative for the
      margin to mean anything; this is not checked (it reads values).

    Difference from PyTorch: ``F.triplet_margin_loss`` (and
    ``TripletMarginWithDistanceLoss`` without a ``distance_function``, which
    uses ``F.pairwise_distance``) measure ``‖a − p + ε‖`` with ``ε = 1e-6``
    added to every coordinate (to keep the gradient finite at ``a = p``), so
    their distances differ from the exact ones by up to ``ε·√D``. Here
    distances are exact, and the gradient at ``a = p`` (or ``a = n``) is kept
    finite by a safe square root whose gradient at 0 is 0 (see
    :func:`~lossbook.checks.safe_sqrt`). With ``eps=0`` the two agree to
    rounding; with ``distance_function=F.pairwise_distance`` they agree
    exactly.

    Porting from pytorch-metric-learning: its ``TripletMarginLoss`` takes a
    labelled batch and forms *every* valid triplet in it (like
    ``mine_triplets(..., strategy="all")``), L2-normalises the embeddings
    first (``LpDistance``, ``normalize_embeddings=True``), defaults to
    ``margin=0.05`` and averages over the triplets with a non-zero loss only
    (``AvgNonZeroReducer``): ``triplet(F.normalize(e)[i], F.normalize(e)[j],
    F.normalize(e)[k], margin=0.05, reduction="none")`` on those triplets,
    summed and divided by the number of positive losses, is its value
    (checked against pytorch-metric-learning 2.9.0).

    A batch of triplets usually comes from :func:`mine_triplets`::

        idx = mine_triplets(emb, labels, strategy="semi-hard", margin=0.2)
        loss = triplet(emb[idx[:, 0]], emb[idx[:, 1]], emb[idx[:, 2]], margin=0.2)

    (with ``K = 0`` mined triplets, ``"mean"`` raises -- there is nothing to
    average -- while ``"sum"`` gives 0: check ``len(idx)`` first).

    Args:
        anchor: anchor embeddings ``(N, D)``.
        positive: positive embeddings ``(N, D)`` (same class as the anchor).
        negative: negative embeddings ``(N, D)`` (another class).
        margin: the required gap between the two distances, ``> 0``.
        swap: use ``min(d(a, n), d(p, n))`` as the negative's distance.
        distance_function: the row-wise distance ``d(u, v) -> (N,)``; ``None``
            for the exact Euclidean distance.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(N,)``).

    Example: ``d(a, p) = ‖(3, 4)‖ = 5`` and ``d(a, n) = 1``, so the loss is
    ``max(0, 5 − 1 + 1) = 5``; swap the two and the triplet is satisfied (0);
    with the L1 distance ``d(a, p) = 3 + 4 = 7`` and the loss is ``7 − 1 + 1 = 7``.
    On a line, ``a = 0``, ``p = 2``, ``n = 3``: ``max(0, 2 − 3 + 1) = 0``, but the
    negative is 1 from the positive, and the swap gives ``max(0, 2 − 1 + 1) = 2``:

    >>> import torch, lossbook
    >>> a, p, n = torch.tensor([[0.0, 0.0]]), torch.tensor([[3.0, 4.0]]), torch.tensor([[0.0, 1.0]])
    >>> lossbook.triplet(a, p, n, margin=1.0)
    tensor(5.)
    >>> lossbook.triplet(a, n, p, margin=1.0)
    tensor(0.)
    >>> lossbook.triplet(a, p, n, distance_function=lambda u, v: (u - v).abs().sum(-1))
    tensor(7.)
    >>> a, p, n = torch.tensor([[0.0]]), torch.tensor([[2.0]]), torch.tensor([[3.0]])
    >>> lossbook.triplet(a, p, n), lossbook.triplet(a, p, n, swap=True)
    (tensor(0.), tensor(2.))
    """
    _check_embeddings(("anchor", anchor), ("positive", positive), ("negative", negative))
    check_same_shape("anchor", anchor, "positive", positive)
    check_same_shape("anchor", anchor, "negative", negative)
    check_positive("margin", margin)
    swap = check_flag("swap", swap)
    if distance_function is not None and not callable(distance_function):
        raise TypeError(
            "distance_function must be a function of two (N, D) tensors returning their (N,) "
            f"row-wise distances, or None, got {type(distance_function).__name__}"
        )
    check_reduction(reduction)

    def distance(u: Tensor, v: Tensor) -> Tensor:
        if distance_function is None:
            return safe_sqrt(_squared_distance(u, v))  # exact Euclidean, finite gradient at 0
        d = distance_function(u, v)
        if not isinstance(d, Tensor) or d.shape != u.shape[:1]:
            shown = tuple(d.shape) if isinstance(d, Tensor) else type(d).__name__
            raise ValueError(
                f"distance_function must return one distance per row, shape ({u.shape[0]},), "
                f"got {shown}"
            )
        return d

    dist_pos = distance(anchor, positive)  # d(a, p)
    dist_neg = distance(anchor, negative)  # d(a, n)
    if swap:  # Balntas et al.: the negative's harder distance, to the anchor or the positive
        dist_neg = torch.minimum(dist_neg, distance(positive, negative))
    loss = torch.clamp(dist_pos - dist_neg + margin, min=0.0)
    return reduce(loss, reduction)


# --------------------------------------------------------------------------- pairwise margin losses


def _check_pm_one_labels(name: str, y: Tensor, shape: torch.Size, what: str) -> None:
    """``y``: a floating or integer tensor of -1/+1 labels, of the given shape (not bool)."""
    check_tensor(name, y, floating=False)
    if y.dtype == torch.bool or y.is_complex():
        raise TypeError(
            f"{name} must be a floating or integer tensor of -1/+1 labels, got dtype {y.dtype}; "
            f"for a boolean flag pass 2 * {name}.long() - 1"
        )
    if y.shape != shape:
        raise ValueError(f"{name} must have shape {tuple(shape)}, {what}, got {tuple(y.shape)}")


@float32_under_autocast
def margin_ranking(
    x1: Tensor, x2: Tensor, y: Tensor, *, margin: float = 0.0, reduction: Reduction = "mean"
) -> Tensor:
    r"""Margin ranking loss: which of two scores should be higher (torch's ``MarginRankingLoss``).

    .. math::

        \ell(x_1, x_2, y) = \max\bigl(0,\ -y\,(x_1 - x_2) + \text{margin}\bigr),
        \qquad y \in \{-1, +1\}

    ``y = +1`` says ``x₁`` should rank above ``x₂``, ``y = −1`` the reverse; a
    pair ordered right by at least ``margin`` costs nothing. It is the
    :func:`~lossbook.classification.hinge` loss of the score difference
    ``x₁ − x₂`` (with ``margin`` in place of 1), the pairwise hinge of
    RankSVM (Herbrich et al., 2000; Joachims, 2002). The Bradley--Terry
    :func:`~lossbook.alignment.pairwise_ranking` is its smooth cousin,
    ``log(1 + e^{−(x₁ − x₂)})``.

    Difference from PyTorch: ``F.margin_ranking_loss`` accepts any ``y``;
    ``y = 0`` (a tie) then costs ``max(0, margin)`` whatever the scores -- a
    constant with zero gradient, usually a label bug. lossbook refuses labels
    outside ``{-1, +1}``, and a negative margin (which would reward wrongly
    ordered pairs inside it). Shapes must match exactly (no broadcasting).

    Args:
        x1: scores of the first items, any shape ``(*)``.
        x2: scores of the second items, the same shape.
        y: ``+1`` where ``x1`` should be higher, ``−1`` where ``x2`` should, the
            same shape (floating or integer dtype).
        margin: the required score gap, ``≥ 0`` (default 0, as torch).
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(*)``).

    Example: pair 1 is ordered right (``2 > 1``, loss 0); pair 2 wrong by 0.5
    (``0.5 < 1``, loss 0.5): the mean is 0.25:

    >>> import torch, lossbook
    >>> x1, x2, y = torch.tensor([2.0, 0.5]), torch.tensor([1.0, 1.0]), torch.tensor([1, 1])
    >>> lossbook.margin_ranking(x1, x2, y)
    tensor(0.2500)
    """
    check_tensor("x1", x1)
    check_tensor("x2", x2)
    check_same_shape("x1", x1, "x2", x2)
    _check_pm_one_labels("y", y, x1.shape, "one label per pair of scores")
    check_same_dtype(("x1", x1), ("x2", x2))
    check_same_device(("x1", x1), ("x2", x2), ("y", y))
    margin = check_positive("margin", margin, allow_zero=True)
    check_reduction(reduction)
    check_plus_minus_one("y", y)

    score_gap = x1 - x2  # > 0 when x1 ranks above x2
    loss = torch.clamp(margin - y.to(x1.dtype) * score_gap, min=0.0)
    return reduce(loss, reduction)


@float32_under_autocast
def hinge_embedding(
    x: Tensor, y: Tensor, *, margin: float = 1.0, reduction: Reduction = "mean"
) -> Tensor:
    r"""Hinge embedding loss: a distance, small for similar pairs, beyond a margin for others.

    .. math::

        \ell(x, y) = \begin{cases} x & y = +1 \\
                                   \max(0,\ \text{margin} - x) & y = -1 \end{cases}

    ``x`` is a (non-negative) distance between two inputs, computed by the
    model -- e.g. the L1 distance of two embeddings; ``y = +1`` marks a
    similar pair, whose distance is the loss, and ``y = −1`` a dissimilar
    one, which costs only while closer than ``margin``. It is torch's
    ``HingeEmbeddingLoss`` (used for semi-supervised embeddings, Weston et
    al. 2008) and the *unsquared* form of :func:`contrastive` written on a
    given distance, with the opposite label convention (+1 = similar).

    Difference from PyTorch: ``F.hinge_embedding_loss`` accepts any ``y``
    (a label that is neither +1 nor −1 gets *both* terms); lossbook refuses
    labels outside ``{-1, +1}`` and a margin ``≤ 0``. Like torch it does not
    check that ``x ≥ 0`` -- a negative "distance" of a similar pair is a
    negative loss, unbounded below.

    Args:
        x: distances, any shape ``(*)``.
        y: ``+1`` (similar) or ``−1`` (dissimilar), the same shape (floating or
            integer dtype).
        margin: the distance beyond which a dissimilar pair costs nothing, ``> 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(*)``).

    Example: a similar pair at distance 0.3 costs 0.3; dissimilar pairs at 2
    and 0.3 cost ``max(0, 1 − 2) = 0`` and ``1 − 0.3 = 0.7``; the mean is 1/3:

    >>> import torch, lossbook
    >>> x, y = torch.tensor([0.3, 2.0, 0.3]), torch.tensor([1, -1, -1])
    >>> lossbook.hinge_embedding(x, y)
    tensor(0.3333)
    """
    check_tensor("x", x)
    _check_pm_one_labels("y", y, x.shape, "one label per distance in x")
    check_same_device(("x", x), ("y", y))
    margin = check_positive("margin", margin)
    check_reduction(reduction)
    check_plus_minus_one("y", y)

    similar = y == 1
    dissimilar_term = torch.clamp(margin - x, min=0.0)
    loss = torch.where(similar, x, dissimilar_term)
    return reduce(loss, reduction)


@float32_under_autocast
def cosine_embedding(
    x1: Tensor, x2: Tensor, y: Tensor, *, margin: float = 0.0, reduction: Reduction = "mean"
) -> Tensor:
    r"""Cosine embedding loss: align similar pairs, separate the others (torch's ``CosineEmbeddingLoss``).

    .. math::

        \ell(x_1, x_2, y) = \begin{cases} 1 - \cos(x_1, x_2) & y = +1 \\
                           \max\bigl(0,\ \cos(x_1, x_2) - \text{margin}\bigr) & y = -1
                           \end{cases}

    with ``cos(u, v) = u·v / (‖u‖‖v‖)``. A similar pair (``y = +1``) pays how
    far its angle is from 0; a dissimilar pair pays while its cosine is above
    ``margin`` (0: orthogonal or opposed is enough). Only directions matter:
    the loss ignores the embeddings' norms.

    Numerical stability: rows are L2-normalised with ``F.normalize`` (norm
    clamped at 1e-12, as in :func:`info_nce`), so a zero row has cosine 0 and
    a finite gradient. PyTorch instead adds ``1e-12`` to each squared norm;
    the two agree to rounding for any row with a norm above ~1e-5.

    Difference from PyTorch: torch accepts any ``y`` (a label other than ±1
    gets neither term: loss 0) and unbatched ``(D,)`` inputs; lossbook refuses
    labels outside ``{-1, +1}``, takes ``(N, D)`` embeddings (add the batch
    dimension with ``x.unsqueeze(0)``), and a margin outside ``[−1, 1]`` (a
    cosine never leaves that interval, so such a margin makes the dissimilar
    term always or never zero).

    Args:
        x1: first embeddings ``(N, D)``.
        x2: second embeddings ``(N, D)``.
        y: ``(N,)`` labels, ``+1`` similar, ``−1`` dissimilar (floating or integer).
        margin: the cosine below which a dissimilar pair costs nothing, in ``[−1, 1]``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(N,)``).

    Example: ``(1, 0)`` and ``(1, 1)`` are 45° apart, ``cos = 1/√2``, so the
    similar pair costs ``1 − 0.7071 = 0.2929``; ``(1, 0)`` and ``(0, 1)`` are
    orthogonal, so the dissimilar pair costs ``max(0, 0 − 0) = 0``; the mean is
    ``0.1464``:

    >>> import torch, lossbook
    >>> x1 = torch.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> x2 = torch.tensor([[1.0, 1.0], [0.0, 1.0]])
    >>> lossbook.cosine_embedding(x1, x2, torch.tensor([1, -1]))
    tensor(0.1464)
    """
    _check_embeddings(("x1", x1), ("x2", x2))
    check_same_shape("x1", x1, "x2", x2)
    _check_pm_one_labels("y", y, x1.shape[:1], f"one label per pair of x1 {tuple(x1.shape)}")
    check_same_device(("x1", x1), ("y", y))
    margin = check_scalar("margin", margin, low=-1.0, high=1.0)
    check_reduction(reduction)
    check_plus_minus_one("y", y)

    cosine = (F.normalize(x1, dim=-1) * F.normalize(x2, dim=-1)).sum(dim=-1)  # cos(x1, x2)
    similar_term = 1.0 - cosine
    dissimilar_term = torch.clamp(cosine - margin, min=0.0)
    loss = torch.where(y == 1, similar_term, dissimilar_term)
    return reduce(loss, reduction)


# --------------------------------------------------------------------------- mining


def mine_triplets(
    embeddings: Tensor, labels: Tensor, *, strategy: str = "semi-hard", margin: float = 1.0
) -> Tensor:
    r"""Choose (anchor, positive, negative) index triplets from a labelled batch.

    A *positive* of anchor ``a`` is another row ``p ≠ a`` with the same label;
    a *negative* is a row with a different label. Distances are Euclidean
    between rows of ``embeddings``, computed without gradient (mining only
    selects indices; feed them to :func:`triplet`).

    Strategies:

    * ``"all"`` -- every valid triplet ``(a, p, n)``. **Materialises an
      N × N × N boolean tensor**: fine for a few hundred embeddings, not for
      thousands.
    * ``"hard"`` -- *batch-hard* (Hermans, Beyer & Leibe, 2017): per anchor,
      its farthest positive and its closest negative, one triplet per anchor.
      Anchors without a positive (a class of size 1) or without a negative are
      dropped. ``margin`` is not used. Memory ``O(N²)``.
    * ``"semi-hard"`` -- FaceNet (Schroff, Kalenichenko & Philbin, 2015): per
      anchor-positive pair, the closest negative that is farther than the
      positive but still inside the margin,

      .. math:: d(a, p) < d(a, n) < d(a, p) + \text{margin};

      pairs with no such negative are dropped. Such negatives violate the
      margin (positive loss) without being the hardest ones, which tend to be
      outliers or label noise and can collapse training.

      Implementation, ``O(N²)`` memory and ``O(N² log N)`` time, no loop: sort
      each anchor's negative distances once (non-negatives set to ``+inf``,
      a *stable* sort so equal distances keep increasing index); for every pair
      ``(a, p)`` at once, ``torch.searchsorted(..., right=True)`` finds the
      first negative strictly farther than ``d(a, p)`` -- the closest one
      beyond the positive; the pair is kept if that distance is ``< d(a, p) +
      margin``. No ``N × N × N`` tensor is formed, so thousands of embeddings
      are fine.

    Deterministic: among equal distances the lowest index wins, and the
    triplets are sorted by (anchor, positive) -- then by negative for ``"all"``.

    Args:
        embeddings: ``(N, D)`` floating embeddings.
        labels: ``(N,)`` integer class labels (any integers; only equality matters).
        strategy: ``"all"``, ``"hard"`` or ``"semi-hard"`` (default).
        margin: the semi-hard window, ``> 0`` (checked, but unused by ``"all"``
            and ``"hard"``).

    Returns:
        A ``torch.long`` tensor ``(K, 3)`` of ``(anchor, positive, negative)``
        row indices on ``embeddings``' device; ``(0, 3)`` when there is no
        valid triplet (a single class, or every label distinct).
    """
    _check_embeddings(("embeddings", embeddings))
    check_integer_tensor("labels", labels)
    if labels.shape != embeddings.shape[:1]:
        raise ValueError(
            f"labels must have shape ({embeddings.shape[0]},), one label per row of "
            f"embeddings {tuple(embeddings.shape)}, got {tuple(labels.shape)}"
        )
    check_same_device(("embeddings", embeddings), ("labels", labels))
    if strategy not in STRATEGIES:
        raise ValueError(f"strategy must be one of {STRATEGIES}, got {strategy!r}")
    check_positive("margin", margin)

    n = embeddings.shape[0]
    device = embeddings.device
    same = labels[:, None] == labels[None, :]  # (N, N)
    eye = torch.eye(n, dtype=torch.bool, device=device)
    is_pos = same & ~eye  # is_pos[a, p]: p is a positive of a
    is_neg = ~same  # is_neg[a, n]: n is a negative of a

    if strategy == "all":
        valid = is_pos[:, :, None] & is_neg[:, None, :]  # (N, N, N) -- see docstring
        return valid.nonzero()  # row-major: sorted by (a, p, n)

    with torch.no_grad():
        dist = _pairwise_distances(embeddings.detach())  # (N, N)
        inf = torch.tensor(float("inf"), dtype=dist.dtype, device=device)

        if strategy == "hard":
            # argmax/argmin return the first (lowest-index) extremum on ties.
            hardest_pos = torch.where(is_pos, dist, -inf).argmax(dim=1)
            hardest_neg = torch.where(is_neg, dist, inf).argmin(dim=1)
            keep = is_pos.any(dim=1) & is_neg.any(dim=1)
            anchors = torch.arange(n, device=device)
            return torch.stack([anchors, hardest_pos, hardest_neg], dim=1)[keep]

        # semi-hard
        neg_dist = torch.where(is_neg, dist, inf)
        sorted_neg, order = torch.sort(neg_dist, dim=1, stable=True)
        # first position in anchor a's sorted negatives with distance > d(a, p):
        first_beyond = torch.searchsorted(sorted_neg, dist.contiguous(), right=True)
        in_range = first_beyond < n
        position = first_beyond.clamp(max=max(n - 1, 0))
        candidate_dist = sorted_neg.gather(1, position)  # d(a, n*) for every (a, p)
        candidate = order.gather(1, position)  # n*
        keep = is_pos & in_range & (candidate_dist < dist + margin)
        anchor_idx, positive_idx = keep.nonzero(as_tuple=True)  # row-major order
        return torch.stack([anchor_idx, positive_idx, candidate[anchor_idx, positive_idx]], 1)


# --------------------------------------------------------------------------- softmax losses


def _cosine_logits(a: Tensor, b: Tensor, temperature: float) -> Tensor:
    """``(N, M)`` matrix of cosine similarities between rows of ``a`` and ``b``, over ``τ``."""
    return F.normalize(a, dim=-1) @ F.normalize(b, dim=-1).T / temperature


def _check_gather(gather: object) -> bool:
    """The contrastive losses' ``gather`` flag; ``True`` needs a process group (checked first)."""
    if check_flag("gather", gather):
        require_process_group()
        return True
    return False


def _global_batch(gather: bool, *local: Tensor) -> tuple[list[Tensor], int]:
    """The rows a contrastive loss contrasts with, and where this process's rows start.

    Without ``gather``: the local tensors themselves, from row 0. With it: each tensor's
    global batch (every process's rows in process order, gathered with their gradients;
    :func:`~lossbook.distributed.gather_batch`) and the first row of this process's slice.
    """
    if not gather:
        return list(local), 0
    gathered, local_rows = gather_batch(*local)
    return list(gathered), local_rows.start


@float32_under_autocast
def info_nce(
    query: Tensor,
    key: Tensor,
    *,
    temperature: float = 0.1,
    negatives: Tensor | None = None,
    reduction: Reduction = "mean",
    gather: bool = False,
) -> Tensor:
    r"""InfoNCE (van den Oord et al., 2018): pick the positive key out of a crowd.

    With cosine similarity ``s(u, v) = u·v / (‖u‖‖v‖)`` and temperature ``τ``,
    row ``i`` of ``query`` has exactly one positive, ``key[i]``:

    .. math::

        \ell_i = -\log \frac{\exp(s(q_i, k_i)/\tau)}
                            {\sum_{j} \exp(s(q_i, c_j)/\tau)}

    a cross-entropy whose "classes" are the candidates ``c_j``:

    * ``negatives=None`` -- *in-batch negatives* (SimCLR, Chen et al. 2020):
      the candidates are all keys, logits ``Q Kᵀ/τ`` ``(N, N)`` with target
      ``i`` for row ``i`` (the diagonal): the other ``N − 1`` keys are the
      negatives.
    * ``negatives`` ``(M, D)`` -- a shared queue of negatives (MoCo, He et al.
      2020): logits ``[s(q_i, k_i), s(q_i, n_1), …, s(q_i, n_M)]/τ``, target
      0. The other keys of the batch are *not* negatives then. MoCo's queue
      holds keys of earlier batches and is not back-propagated into: pass it
      detached.

    SimCLR's NT-Xent (:func:`nt_xent`) differs: it stacks both augmented views into
    ``2N`` rows, and each row's negatives are the other ``2N − 2`` rows (same
    view included). ``(info_nce(z1, z2) + info_nce(z2, z1)) / 2`` is the
    common cross-view-only simplification (compare :func:`clip_loss`).

    Rows are L2-normalised (``F.normalize``, norm clamped at 1e-12 so a zero
    row gives similarity 0, not NaN). Small temperatures sharpen the softmax
    towards the hardest negatives; at ``τ = 1e-3`` the logits reach ±1000, so
    the loss is computed with ``log_softmax`` (the log-sum-exp trick, which
    subtracts the row maximum) and never as ``log(exp(·)/Σexp(·))``, which
    overflows to ``inf/inf = NaN``.

    Args:
        query: ``(N, D)`` query embeddings.
        key: ``(N, D)`` keys; ``key[i]`` is the positive of ``query[i]``.
        temperature: ``τ > 0``.
        negatives: optional ``(M, D)`` negatives shared by every query.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(N,)``).
        gather: contrast this process's rows with the global batch of a
            ``torch.distributed`` process group (see :mod:`lossbook.distributed`
            for what every process gets). With ``negatives`` (the same queue on
            every process) only the losses are gathered: the other keys are not
            candidates anyway.

    Example: two orthogonal queries, each key equal to its query, ``τ = 1``.
    Each row's logits are ``(1, 0)`` with the positive first, so each loss is
    ``−log(e/(e + 1)) = log(1 + e^{−1}) ≈ 0.3133``:

    >>> import torch, lossbook
    >>> eye = torch.eye(2)
    >>> lossbook.info_nce(eye, eye, temperature=1.0)
    tensor(0.3133)
    """
    named = [("query", query), ("key", key)]
    if negatives is not None:
        named.append(("negatives", negatives))
    _check_embeddings(*named)
    check_batch_size("query", query, "key", key)
    check_positive("temperature", temperature)
    check_reduction(reduction)
    gather = _check_gather(gather)

    if negatives is None:
        # the candidates: this batch's keys, or the global batch's (this process's from `first`)
        (keys,), first = _global_batch(gather, key)
        logits = _cosine_logits(query, keys, temperature)  # (N, N_keys), positives on a diagonal
        log_probs = F.log_softmax(logits, dim=1)
        loss = -log_probs.diagonal(first)
    else:
        q = F.normalize(query, dim=-1)
        positive_logit = (q * F.normalize(key, dim=-1)).sum(dim=-1, keepdim=True) / temperature
        negative_logits = _cosine_logits(query, negatives, temperature)  # (N, M)
        logits = torch.cat([positive_logit, negative_logits], dim=1)  # target: column 0
        loss = -F.log_softmax(logits, dim=1)[:, 0]
    if gather:  # every process: the losses of the whole global batch, in process order
        loss = all_gather_with_grad(loss)
    return reduce(loss, reduction)


@float32_under_autocast
def clip_loss(
    image_emb: Tensor,
    text_emb: Tensor,
    *,
    temperature: float = 0.07,
    reduction: Reduction = "mean",
    gather: bool = False,
) -> Tensor:
    r"""CLIP's symmetric contrastive loss (Radford et al., 2021).

    ``N`` matching (image, text) pairs give an ``N × N`` matrix of cosine
    similarities over a temperature, ``L_{ij} = s(\text{img}_i, \text{txt}_j)/τ``,
    whose diagonal holds the true pairs. Each image must pick its text among the
    ``N`` texts (a cross-entropy over row ``i``) and each text its image (over
    column ``i``):

    .. math::

        \ell_i = \tfrac12\Bigl[
            -\log \frac{e^{L_{ii}}}{\sum_j e^{L_{ij}}}
            -\log \frac{e^{L_{ii}}}{\sum_j e^{L_{ji}}} \Bigr]

    so the mean over ``i`` is the mean of the image-to-text and text-to-image
    cross-entropies, as in the paper's pseudocode. Each half is
    :func:`info_nce` with in-batch negatives. CLIP *learns* ``τ`` (initialised
    at 0.07, stored as a log-scale and clipped so ``1/τ ≤ 100``); here it is a
    fixed number. Stable for small ``τ`` (``log_softmax``).

    Args:
        image_emb: ``(N, D)`` image embeddings.
        text_emb: ``(N, D)`` text embeddings; ``text_emb[i]`` describes image ``i``.
        temperature: ``τ > 0``.
        reduction: ``"mean"`` (default), ``"sum"`` or ``"none"`` (shape ``(N,)``:
            the average of pair ``i``'s two cross-entropies).
        gather: contrast this process's pairs with the global batch of a
            ``torch.distributed`` process group (see :mod:`lossbook.distributed`
            for what every process gets).
    """
    _check_embeddings(("image_emb", image_emb), ("text_emb", text_emb))
    check_batch_size("image_emb", image_emb, "text_emb", text_emb)
    check_positive("temperature", temperature)
    check_reduction(reduction)
    if _check_gather(gather):
        # this process's pairs against the global batch: image i picks among all texts, text i
        # among all images; the true partners sit on a diagonal from column `first` on
        (images, texts), first = _global_batch(True, image_emb, text_emb)
        image_logits = _cosine_logits(image_emb, texts, temperature)  # (N, N_global)
        text_logits = _cosine_logits(text_emb, images, temperature)  # (N, N_global)
        image_to_text = -F.log_softmax(image_logits, dim=1).diagonal(first)
        text_to_image = -F.log_softmax(text_logits, dim=1).diagonal(first)
    else:
        logits = _cosine_logits(image_emb, text_emb, temperature)  # (N, N)
        image_to_text = -F.log_softmax(logits, dim=1).diagonal()  # row i: image i picks text i
        text_to_image = -F.log_softmax(logits, dim=0).diagonal()  # column i: text i picks image i
    loss = 0.5 * (image_to_text + text_to_image)
    if gather:  # every process: the losses of the whole global batch, in process order
        loss = all_gather_with_grad(loss)
    return reduce(loss, reduction)


@float32_under_autocast
def nt_xent(
    z1: Tensor,
    z2: Tensor,
    *,
    temperature: float = 0.1,
    reduction: Reduction = "mean",
    gather: bool = False,
) -> Tensor:
    r"""SimCLR's NT-Xent, the normalised temperature-scaled cross-entropy (Chen et al., 2020).

    ``z1[i]`` and ``z2[i]`` embed two augmented views of input ``i``. Stack
    them into ``2N`` rows ``z = [z1; z2]``; row ``i``'s positive is its
    partner ``p(i) = i ± N`` (the other view of the same input), and its
    negatives are the other ``2N − 2`` rows -- the other inputs' views from
    **both** augmentations. With cosine similarity ``s(u, v) = u·v / (‖u‖‖v‖)``
    and temperature ``τ``:

    .. math::

        \ell_i = -\log \frac{\exp\bigl(s(z_i, z_{p(i)})/\tau\bigr)}
                            {\sum_{k \ne i} \exp\bigl(s(z_i, z_k)/\tau\bigr)},
        \qquad \mathcal L = \frac{1}{2N} \sum_{i=1}^{2N} \ell_i

    (equation 1 of the paper; its loss averages over every ordered positive
    pair, ``ℓ(2k−1, 2k) + ℓ(2k, 2k−1)``, which is this mean with the rows
    in another order).

    Difference from :func:`info_nce` and :func:`clip_loss`:
    ``info_nce(z1, z2)`` contrasts a view-1 row only with the ``N`` view-2
    rows (its positive and ``N − 1`` cross-view negatives); ``clip_loss`` and
    ``(info_nce(z1, z2) + info_nce(z2, z1)) / 2`` average both directions of
    that cross-view form -- right for two modalities (CLIP), where an image is
    never compared with another image. NT-Xent's anchors also see the
    ``N − 1`` *same-view* rows, almost twice as many negatives (``2N − 2``)
    from the same batch.

    Numerical stability: rows are L2-normalised (``F.normalize``, norm
    clamped at 1e-12, so a zero row gives similarity 0, not NaN); the
    denominator is a ``logsumexp`` (the row maximum is subtracted before
    ``exp``), so ``τ = 1e-3`` (logits ±1000) neither overflows nor gives
    ``inf/inf``; and the excluded term ``k = i`` (similarity 1 with itself)
    is removed by setting its logit to ``-inf`` -- ``exp(−inf) = 0``
    exactly, in every dtype. (A "large negative" instead, such as ``-1e9``,
    does not fit in float16, whose largest magnitude is 65 504, and a smaller
    one is a guess about how large ``1/τ`` may be.) The positive is never
    masked, so for ``N ≥ 1`` every row has a finite logit and a finite loss.

    The default ``τ = 0.1`` is the default of the authors' code
    (google-research/simclr) and the best value in the paper's Table 5
    (ImageNet, batch 4096); they report ``τ = 0.5`` for CIFAR-10.

    Args:
        z1: ``(N, D)`` embeddings of the first views.
        z2: ``(N, D)`` embeddings of the second views; ``z2[i]`` is the
            positive of ``z1[i]`` and vice versa.
        temperature: ``τ > 0``.
        reduction: ``"mean"`` (default, over all ``2N`` anchors), ``"sum"`` or
            ``"none"``: shape ``(2N,)``, **the view-1 anchors first**
            (entry ``i`` is ``z1[i]``'s loss, entry ``N + i`` is ``z2[i]``'s).
        gather: contrast this process's rows with the global batch of a
            ``torch.distributed`` process group (see :mod:`lossbook.distributed`
            for what every process gets; ``"none"`` gives ``2 N_global`` losses,
            the view-1 anchors of every process first).
    """
    _check_embeddings(("z1", z1), ("z2", z2))
    check_batch_size("z1", z1, "z2", z2)
    check_positive("temperature", temperature)
    check_reduction(reduction)
    gather = _check_gather(gather)

    n = z1.shape[0]
    anchors = torch.cat([z1, z2])  # (2N, D): rows 0..N-1 view 1, rows N..2N-1 view 2
    # the candidates z_k: these 2N views, or the global batch's 2·N_all (this process's from
    # row `first` of each view)
    (z1_all, z2_all), first = _global_batch(gather, z1, z2)
    views, n_all = (anchors, n) if not gather else (torch.cat([z1_all, z2_all]), z1_all.shape[0])
    logits = _cosine_logits(anchors, views, temperature)  # s(z_i, z_k)/τ, (2N, 2N_all)
    # each anchor's own row among the views (row i itself without gather)
    own = torch.arange(n, device=views.device) + first
    own = torch.cat([own, own + n_all])
    # the sum runs over k ≠ i: exp(-inf) = 0 removes each row's similarity with itself
    is_self = own[:, None] == torch.arange(2 * n_all, device=views.device)
    logits = logits.masked_fill(is_self, float("-inf"))
    # numerator: s(z_i, z_p(i))/τ, the partner p(i) = i + N (view 1) or i − N (view 2)
    rows = torch.arange(2 * n, device=views.device)
    partner = (own + n_all) % (2 * n_all)
    positive_logit = logits[rows, partner]
    # denominator: log Σ_{k≠i} exp(s(z_i, z_k)/τ), computed stably
    log_denominator = torch.logsumexp(logits, dim=1)
    loss = log_denominator - positive_logit
    if gather:  # every process: the global batch's 2·N_all losses, all view-1 anchors first
        loss = torch.cat([all_gather_with_grad(loss[:n]), all_gather_with_grad(loss[n:])])
    return reduce(loss, reduction)
