r"""Listwise ranking losses: scoring a whole list of items at once.

A ranking model gives every item of a list (the documents retrieved for one
query, the answers sampled for one prompt) a score, and the list is shown in
the order of the scores. The pairwise loss (:func:`lossbook.pairwise_ranking`)
looks at two items at a time, so every wrongly ordered pair costs the same
wherever it sits in the list: it is a surrogate of pairwise accuracy (AUC).
Metrics such as NDCG or average precision weight the *top* of the list; the
listwise losses here see the whole list, and the probability models behind
them put most of their weight on the first positions:

* :func:`listnet` compares two "top-one" distributions over the list, the
  softmax of the scores and the softmax of the relevance labels (Cao et al., 2007);
* :func:`listmle` is the negative log-likelihood of the relevance-sorted order
  under the Plackett–Luce model of the scores (Xia et al., 2008).

Inputs are ``(N, K)``: ``N`` lists (queries) of ``K`` items each, ``scores``
from the model and ``relevance`` labels (graded: 0, 1, 2, ...; larger is more
relevant), both floating point. Lists of different lengths must be split into
groups of equal length (lossbook does not take a padding value).
"""

from __future__ import annotations

import torch
from torch import Tensor

from .checks import (
    Reduction,
    check_not_empty,
    check_pair,
    check_positive,
    check_reduction,
    check_same_dtype,
    float32_under_autocast,
    reduce,
)

__all__ = ["listmle", "listnet"]


def _check_lists(scores: object, relevance: object) -> None:
    """Scores and relevance: floating ``(N, K)`` tensors of one shape, dtype and device."""
    check_pair("scores", scores, "relevance", relevance)
    assert isinstance(scores, Tensor) and isinstance(relevance, Tensor)
    if scores.dim() != 2:
        hint = ""
        if scores.dim() == 1:
            hint = " (did you mean scores.unsqueeze(0) for one list?)"
        elif scores.dim() == 3 and scores.shape[-1] == 1:
            hint = " (did you mean scores.squeeze(-1)?)"
        raise ValueError(
            f"scores must have shape (N, K), N lists of K items, got shape "
            f"{tuple(scores.shape)}{hint}"
        )
    check_same_dtype(("scores", scores), ("relevance", relevance))
    check_not_empty("scores", scores)


@float32_under_autocast
def listnet(
    scores: Tensor,
    relevance: Tensor,
    *,
    temperature: float = 1.0,
    reduction: Reduction = "mean",
) -> Tensor:
    r"""ListNet loss: cross-entropy between the top-one distributions (Cao et al., 2007).

    .. math::

        P_y(j) = \frac{e^{y_j/\tau}}{\sum_k e^{y_k/\tau}}, \qquad
        P_s(j) = \frac{e^{s_j}}{\sum_k e^{s_k}}, \qquad
        \ell = -\sum_{j=1}^{K} P_y(j)\,\log P_s(j)

    for one list of scores :math:`s` and relevance labels :math:`y`.
    :math:`P(j)` is the "top-one probability" of item ``j``: the chance that
    it is ranked first (Cao et al., 2007, §4.2, with :math:`\phi = \exp`). The
    loss is the cross-entropy of the scores' distribution against the
    relevance's, as allRank's ``listNet`` computes it. Its gradient in the
    scores is :math:`P_s - P_y`: every item is pulled towards its share of the
    target distribution, and the items with the highest relevance get most of
    it, which is what ties the loss to the top of the list.

    The temperature :math:`\tau` (lossbook's addition; Cao et al. use 1)
    scales the relevance labels: a small :math:`\tau` puts the target's mass
    on the most relevant items (at :math:`\tau \to 0`, a softmax cross-entropy
    with the top items as the label, shared equally among ties), a large one
    spreads it over the list. It does not act on the scores, which the model
    scales itself. The minimum over the scores is the entropy of
    :math:`P_y`, not 0, reached at :math:`s = y/\tau` (plus any constant).

    Stability: ``log_softmax`` of the scores (no ``log`` of a probability that
    underflowed), so scores of ±1e4 give finite losses and gradients.

    Args:
        scores: model scores ``(N, K)``, one row per list.
        relevance: relevance labels ``(N, K)``, floating point, larger is more
            relevant (graded labels such as 0..4 or real-valued gains).
        temperature: :math:`\tau > 0`, dividing the relevance labels.
        reduction: ``"mean"`` (default) over the lists, ``"sum"``, or ``"none"``
            (returns ``(N,)``).

    Example: two items, scores ``(0, 0)`` and relevance ``(1, 0)``: the scores'
    distribution is ``(1/2, 1/2)``, so the loss is ``−log(1/2) = log 2 = 0.6931``
    whatever the target:

    >>> import torch, lossbook
    >>> lossbook.listnet(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    _check_lists(scores, relevance)
    temperature = check_positive("temperature", temperature)
    check_reduction(reduction)
    target = torch.softmax(relevance / temperature, dim=-1)  # P_y, the top-one target
    log_p = torch.log_softmax(scores, dim=-1)  # log P_s
    loss = -(target * log_p).sum(dim=-1)  # cross-entropy per list
    return reduce(loss, reduction)


@float32_under_autocast
def listmle(scores: Tensor, relevance: Tensor, *, reduction: Reduction = "mean") -> Tensor:
    r"""ListMLE loss: Plackett–Luce likelihood of the relevance order (Xia et al., 2008).

    .. math::

        \ell = -\log P(\pi \mid s)
             = \sum_{i=1}^{K} \Bigl(\log \sum_{j=i}^{K} e^{s_{\pi(j)}} - s_{\pi(i)}\Bigr)

    where :math:`\pi` lists the items from the most to the least relevant.
    The Plackett–Luce model draws a ranking one position at a time: the first
    item with probability :math:`\operatorname{softmax}(s)`, the second from
    the remaining items, and so on; the loss is the negative log-probability
    of drawing the relevance order, summed over the positions (Xia et al.,
    2008, Eq. 9; the last position contributes 0). The first positions are
    the softmax over the most items, so a wrong top item costs the most.
    The loss is convex in the scores and 0 only in the limit of infinitely
    separated scores.

    **Ties.** The relevance order :math:`\pi` sorts by decreasing relevance and
    keeps tied items in their order in the list (a stable sort). Plackett–Luce
    has no notion of a tie, so tied items are asked to appear in that order,
    and the loss depends on it; allRank instead shuffles each list before
    sorting. Shuffle the items yourself (or use :func:`listnet`, which treats
    ties symmetrically) when your labels have many ties.

    Stability: the suffix sums :math:`\log\sum_{j \ge i}` are one
    ``logcumsumexp`` over the reversed sorted scores, so scores of ±1e4 give
    finite losses and gradients.

    Args:
        scores: model scores ``(N, K)``, one row per list.
        relevance: relevance labels ``(N, K)``, floating point, larger is more
            relevant; only their order within a list matters.
        reduction: ``"mean"`` (default) over the lists, ``"sum"``, or ``"none"``
            (returns ``(N,)``).

    Example: two items with scores ``(0, 0)``, the first more relevant: the
    first position costs ``log(e⁰ + e⁰) − 0 = log 2``, the second 0:

    >>> import torch, lossbook
    >>> lossbook.listmle(torch.zeros(1, 2), torch.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """
    _check_lists(scores, relevance)
    check_reduction(reduction)
    order = torch.sort(relevance, dim=-1, descending=True, stable=True).indices  # π
    s = scores.gather(-1, order)  # s_π(1), ..., s_π(K): most relevant first
    suffix_lse = torch.logcumsumexp(s.flip(-1), dim=-1).flip(-1)  # log Σ_{j ≥ i} e^{s_π(j)}
    loss = (suffix_lse - s).sum(dim=-1)  # −log P(π | s), summed over positions
    return reduce(loss, reduction)
