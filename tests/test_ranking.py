"""Listwise ranking losses: float64 NumPy transcriptions of the papers, allRank's vector,
the coincidences with the pairwise loss and softmax cross-entropy, gradcheck, extremes."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce

import lossbook as lb


def lists(n: int, k: int, device, *, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    scores = torch.randn(n, k, generator=g, dtype=torch.float64)
    relevance = torch.randint(0, 4, (n, k), generator=g).double()  # graded 0..3, with ties
    return scores.to(device), relevance.to(device)


def np_softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max())
    return e / e.sum()


def ref_listnet(scores, relevance, temperature: float) -> np.ndarray:
    """Cao et al. (2007), §4.2: cross-entropy of the top-one probabilities, φ = exp."""
    out = []
    for s, y in zip(np.asarray(scores), np.asarray(relevance), strict=True):
        p_y = np_softmax(y / temperature)
        p_s = np_softmax(s)
        out.append(-np.sum(p_y * np.log(p_s)))
    return np.array(out)


def ref_listmle(scores, relevance) -> np.ndarray:
    """Xia et al. (2008), Eq. 9: −log of the Plackett–Luce probability of the relevance
    order, one position at a time (ties in list order)."""
    out = []
    for s, y in zip(np.asarray(scores), np.asarray(relevance), strict=True):
        order = sorted(range(len(y)), key=lambda j: -y[j])  # Python's sort is stable
        total = 0.0
        for i in range(len(order)):
            rest = [s[j] for j in order[i:]]
            total += math.log(sum(math.exp(v) for v in rest)) - s[order[i]]
        out.append(total)
    return np.array(out)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("temperature", [0.5, 1.0, 3.0])
def test_listnet_matches_the_paper(device, reduction, temperature):
    s, y = lists(6, 5, device)
    got = lb.listnet(s, y, temperature=temperature, reduction=reduction)
    expected = np_reduce(ref_listnet(s.cpu(), y.cpu(), temperature), reduction)
    np.testing.assert_allclose(got.cpu().numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_listmle_matches_the_paper(device, reduction):
    s, y = lists(6, 5, device)
    got = lb.listmle(s, y, reduction=reduction)
    expected = np_reduce(ref_listmle(s.cpu(), y.cpu()), reduction)
    np.testing.assert_allclose(got.cpu().numpy(), expected, rtol=1e-12)


def test_listmle_is_minus_the_log_plackett_luce_probability():
    # Plackett–Luce probabilities of all K! orders sum to 1: the loss of each order is
    # −log of its probability.
    s = torch.tensor([[0.3, -1.2, 0.8, 0.1]], dtype=torch.float64)
    total = 0.0
    for perm in itertools.permutations(range(4)):
        relevance = torch.zeros(1, 4, dtype=torch.float64)
        relevance[0, list(perm)] = torch.tensor([4.0, 3.0, 2.0, 1.0], dtype=torch.float64)
        total += math.exp(-lb.listmle(s, relevance).item())
    assert total == pytest.approx(1.0, abs=1e-12)


def test_listmle_allrank_vector():
    # allegro/allRank, tests/losses/test_listmle.py (test_listmle_ignores_padded_value):
    # scores [0.5, 0.3], labels [1, 0] (its padded third item dropped) -> 0.5981389284133911
    # (allRank adds eps = 1e-10 inside the log; the difference is below 1e-10).
    got = lb.listmle(torch.tensor([[0.5, 0.3]]), torch.tensor([[1.0, 0.0]]))
    assert got.item() == pytest.approx(0.5981389284133911, abs=1e-6)


def test_listnet_allrank_simple_case():
    # allegro/allRank, tests/test_listnet.py (test_listnet_simple): scores [0.5, 0.2],
    # labels [1, 0]; its expected value is −Σ softmax(y) · log softmax(s).
    s, y = np.array([0.5, 0.2]), np.array([1.0, 0.0])
    expected = -np.sum(np_softmax(y) * np.log(np_softmax(s)))
    got = lb.listnet(torch.from_numpy(s)[None], torch.from_numpy(y)[None])
    assert got.item() == pytest.approx(expected, rel=1e-14)


def test_two_items_listmle_is_the_pairwise_loss(device):
    # For K = 2 the Plackett–Luce likelihood of (i above j) is σ(s_i − s_j): Bradley–Terry.
    s, _ = lists(7, 2, device)
    y = torch.tensor([1.0, 0.0], dtype=torch.float64, device=device).expand(7, 2)
    torch.testing.assert_close(
        lb.listmle(s, y, reduction="none"),
        lb.pairwise_ranking(s[:, 0], s[:, 1], reduction="none"),
    )


def test_listnet_at_a_low_temperature_is_softmax_cross_entropy(device):
    # One relevant item per list and τ -> 0: the target is one-hot, the loss F.cross_entropy.
    s, _ = lists(5, 6, device)
    best = torch.tensor([0, 3, 5, 1, 2], device=device)
    y = F.one_hot(best, 6).double()
    torch.testing.assert_close(
        lb.listnet(s, y, temperature=1e-3, reduction="none"),
        F.cross_entropy(s, best, reduction="none"),
    )


def test_listnet_minimum_is_the_target_entropy_at_scores_y_over_tau():
    y = torch.tensor([[2.0, 1.0, 0.0, 0.0]], dtype=torch.float64)
    p = torch.softmax(y / 0.5, -1)
    entropy = -(p * p.log()).sum()
    s = (y / 0.5 + 7.0).requires_grad_(True)  # shifted: only differences matter
    loss = lb.listnet(s, y, temperature=0.5)
    loss.backward()
    torch.testing.assert_close(loss, entropy)
    torch.testing.assert_close(s.grad, torch.zeros_like(s), atol=1e-15, rtol=0)


def test_ties_keep_their_list_order_in_listmle():
    s = torch.tensor([[0.0, 2.0, -1.0]], dtype=torch.float64)
    tied = torch.tensor([[1.0, 1.0, 0.0]], dtype=torch.float64)
    first_then_second = torch.tensor([[2.0, 1.0, 0.0]], dtype=torch.float64)
    torch.testing.assert_close(lb.listmle(s, tied), lb.listmle(s, first_then_second))
    # ListNet treats tied items symmetrically: swapping them with their scores changes nothing.
    swapped = s[:, [1, 0, 2]]
    torch.testing.assert_close(lb.listnet(s, tied), lb.listnet(swapped, tied))


@pytest.mark.parametrize("loss", [lb.listnet, lb.listmle])
def test_gradcheck(loss):
    s, y = lists(3, 4, "cpu", seed=1)
    s.requires_grad_(True)
    assert torch.autograd.gradcheck(lambda x: loss(x, y), (s,))


@pytest.mark.parametrize("loss", [lb.listnet, lb.listmle])
def test_extreme_scores_give_finite_losses_and_gradients(device, loss):
    s = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], device=device, requires_grad=True)
    y = torch.tensor([[2.0, 1.0, 0.0], [2.0, 1.0, 0.0]], device=device)
    value = loss(s, y, reduction="none")
    value.sum().backward()
    assert torch.isfinite(value).all() and torch.isfinite(s.grad).all()
    assert value[1] > 1e4 - 1  # the wrong order costs about the score gap


@pytest.mark.parametrize("loss", [lb.listnet, lb.listmle])
def test_invariant_to_a_shift_of_the_scores(loss):
    s, y = lists(4, 5, "cpu", seed=2)
    torch.testing.assert_close(loss(s + 3.0, y), loss(s, y))


@pytest.mark.parametrize("loss", [lb.listnet, lb.listmle])
def test_keeps_dtype(loss):
    s, y = lists(2, 3, "cpu")
    assert loss(s.float(), y.float()).dtype == torch.float32
    assert loss(s, y).dtype == torch.float64
