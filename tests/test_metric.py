"""Tests for lossbook.metric: contrastive, triplet, mine_triplets, info_nce, clip_loss, nt_xent.

References, all independent of the code under test:

* torch built-ins: ``F.triplet_margin_loss``; ``F.cross_entropy`` on logits built
  by hand from normalised embeddings (info_nce, clip_loss);
* float64 NumPy transcriptions of each paper's formula, written as plain loops;
* a brute-force Python enumeration of triplets (itertools) for the mining strategies;
* published test vectors: optax's NT-Xent test (google-deepmind/optax,
  ``optax/losses/_self_supervised_test.py``, ``NtxentTest``) and the example in
  optax's ``triplet_margin_loss`` docstring (``optax/losses/_self_supervised.py``);
  for nt_xent, the same NtxentTest vector and the example in optax's ``ntxent``
  docstring (same file), whose four 1-D embeddings are all positive.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from helpers import REDUCTIONS, np_reduce

from lossbook.metric import clip_loss, contrastive, info_nce, mine_triplets, nt_xent, triplet

# --------------------------------------------------------------------------- references


def np_dist(u: np.ndarray, v: np.ndarray) -> float:
    total = 0.0
    for a, b in zip(u, v, strict=True):
        total += (float(a) - float(b)) ** 2
    return math.sqrt(total)


def np_contrastive(x1, x2, y, margin):
    """Hadsell et al. 2006 (without the ½ factors), y = 0 similar, y = 1 dissimilar."""
    out = []
    for u, v, label in zip(x1, x2, y, strict=True):
        d = np_dist(u, v)
        if label == 0:
            out.append(d**2)
        else:
            out.append(max(0.0, margin - d) ** 2)
    return np.array(out)


def np_triplet(a, p, n, margin):
    return np.array(
        [
            max(0.0, np_dist(ai, pi) - np_dist(ai, ni) + margin)
            for ai, pi, ni in zip(a, p, n, strict=True)
        ]
    )


def np_unit(u):
    norm = math.sqrt(sum(float(x) ** 2 for x in u))
    return [float(x) / norm for x in u]


def np_cos(u, v):
    return sum(a * b for a, b in zip(np_unit(u), np_unit(v), strict=True))


def np_neg_log_softmax(logits, target):
    m = max(logits)
    lse = m + math.log(sum(math.exp(z - m) for z in logits))
    return lse - logits[target]


def np_info_nce(q, k, tau, negatives=None):
    out = []
    for i in range(len(q)):
        if negatives is None:
            logits = [np_cos(q[i], k[j]) / tau for j in range(len(k))]
            out.append(np_neg_log_softmax(logits, i))
        else:
            logits = [np_cos(q[i], k[i]) / tau] + [np_cos(q[i], m) / tau for m in negatives]
            out.append(np_neg_log_softmax(logits, 0))
    return np.array(out)


def np_clip(img, txt, tau):
    n = len(img)
    sim = [[np_cos(img[i], txt[j]) / tau for j in range(n)] for i in range(n)]
    rows = [np_neg_log_softmax(sim[i], i) for i in range(n)]
    cols = [np_neg_log_softmax([sim[j][i] for j in range(n)], i) for i in range(n)]
    return np.array([(r + c) / 2 for r, c in zip(rows, cols, strict=True)])


def np_nt_xent(z1, z2, tau):
    """SimCLR eq. 1, one anchor at a time over the 2N views [z1; z2]: partner i ± N, sum k ≠ i."""
    views = [*z1, *z2]
    n = len(z1)
    out = []
    for i in range(2 * n):
        partner = i + n if i < n else i - n
        others = [np_cos(views[i], views[k]) / tau for k in range(2 * n) if k != i]
        m = max(others)
        log_denominator = m + math.log(sum(math.exp(z - m) for z in others))
        out.append(log_denominator - np_cos(views[i], views[partner]) / tau)
    return np.array(out)


def brute_force_triplets(emb, labels, strategy, margin):
    """Enumerate triplets with plain loops in float64; lowest index wins ties."""
    emb = np.asarray(emb, dtype=np.float64)
    labels = [int(v) for v in labels]
    n = len(labels)
    d = [[np_dist(emb[i], emb[j]) for j in range(n)] for i in range(n)]
    out = []
    if strategy == "all":
        for a, p, neg in itertools.product(range(n), repeat=3):
            if a != p and labels[a] == labels[p] and labels[neg] != labels[a]:
                out.append((a, p, neg))
    elif strategy == "hard":
        for a in range(n):
            pos = [p for p in range(n) if p != a and labels[p] == labels[a]]
            negs = [m for m in range(n) if labels[m] != labels[a]]
            if not pos or not negs:
                continue
            best_p = pos[0]
            for p in pos:
                if d[a][p] > d[a][best_p]:
                    best_p = p
            best_n = negs[0]
            for m in negs:
                if d[a][m] < d[a][best_n]:
                    best_n = m
            out.append((a, best_p, best_n))
    else:  # semi-hard
        for a, p in itertools.product(range(n), repeat=2):
            if a == p or labels[a] != labels[p]:
                continue
            best = None
            for m in range(n):
                if labels[m] == labels[a]:
                    continue
                if d[a][p] < d[a][m] < d[a][p] + margin and (best is None or d[a][m] < d[a][best]):
                    best = m
            if best is not None:
                out.append((a, p, best))
    return sorted(out)


def as_np(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().double().numpy()


# --------------------------------------------------------------------------- contrastive


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_contrastive_matches_numpy(device, reduction, dtype):
    x1 = torch.randn(12, 5, dtype=dtype, device=device)
    x2 = x1 + 0.6 * torch.randn(12, 5, dtype=dtype, device=device)
    y = torch.randint(0, 2, (12,), device=device)
    for margin in (0.5, 1.0, 3.0):
        got = contrastive(x1, x2, y, margin=margin, reduction=reduction)
        want = np_reduce(np_contrastive(as_np(x1), as_np(x2), y.tolist(), margin), reduction)
        assert got.dtype == dtype and got.device.type == device.type
        tol = 1e-12 if dtype == torch.float64 else 1e-5
        np.testing.assert_allclose(as_np(got), want, rtol=tol, atol=tol)


def test_contrastive_hand_values(device):
    # D = ‖(0,0) − (3,4)‖ = 5: similar pays 25; dissimilar pays max(0, m − 5)².
    x1 = torch.zeros(3, 2, device=device)
    x2 = torch.tensor([[3.0, 4.0]] * 3, device=device)
    y = torch.tensor([0.0, 1.0, 1.0], device=device)
    assert contrastive(x1, x2, y, margin=6.0, reduction="none").tolist() == [25.0, 1.0, 1.0]
    assert contrastive(x1, x2, y, margin=5.0, reduction="none").tolist() == [25.0, 0.0, 0.0]


def test_contrastive_float_and_long_labels_agree(device):
    x1, x2 = torch.randn(2, 8, 3, device=device)
    y = torch.tensor([0, 1, 1, 0, 1, 0, 0, 1], device=device)
    torch.testing.assert_close(contrastive(x1, x2, y), contrastive(x1, x2, y.float()))


def test_contrastive_gradcheck(device):
    x1 = torch.randn(6, 3, dtype=torch.float64, device=device, requires_grad=True)
    x2 = torch.randn(6, 3, dtype=torch.float64, device=device, requires_grad=True)
    y = torch.tensor([0, 1, 0, 1, 1, 0], device=device)
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda a, b, r=reduction: contrastive(a, b, y, margin=4.0, reduction=r), (x1, x2)
        )


@pytest.mark.parametrize("label", [0, 1])
def test_contrastive_identical_embeddings_finite(device, label):
    x1 = torch.randn(4, 3, device=device, requires_grad=True)
    x2 = x1.detach().clone().requires_grad_(True)
    y = torch.full((4,), label, device=device)
    loss = contrastive(x1, x2, y, margin=2.0, reduction="sum")
    loss.backward()
    assert loss.item() == (0.0 if label == 0 else 4 * 2.0**2)
    assert torch.isfinite(x1.grad).all() and torch.isfinite(x2.grad).all()
    # Similar pair at D = 0: at the minimum, gradient exactly 0.
    if label == 0:
        assert (x1.grad == 0).all()


def test_contrastive_nearly_identical_and_nan(device):
    x1 = torch.ones(2, 3, device=device, requires_grad=True)
    x2 = (
        torch.ones(2, 3, device=device) + torch.tensor([[1e-30], [0.0]], device=device)
    ).requires_grad_()
    loss = contrastive(x1, x2, torch.tensor([1, 1], device=device))
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(x1.grad).all()
    # NaN embeddings propagate (the safe sqrt must not hide them).
    x_nan = torch.full((1, 3), float("nan"), device=device)
    assert torch.isnan(
        contrastive(x_nan, torch.zeros(1, 3, device=device), torch.tensor([1], device=device))
    )


# --------------------------------------------------------------------------- triplet


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_triplet_matches_torch_and_numpy(device, reduction, dtype):
    n, dim = 16, 7
    a, p, neg = torch.randn(3, n, dim, dtype=dtype, device=device)
    for margin in (0.2, 1.0, 5.0):
        got = triplet(a, p, neg, margin=margin, reduction=reduction)
        assert got.dtype == dtype and got.device.type == device.type
        # F.triplet_margin_loss with eps=0 measures the exact distance: rounding only.
        exact = F.triplet_margin_loss(a, p, neg, margin=margin, eps=0.0, reduction=reduction)
        torch.testing.assert_close(got, exact)
        # Its default eps=1e-6 is added to each coordinate: ‖a − p + ε‖ differs from
        # ‖a − p‖ by at most ε·√D, so each loss by at most 2ε·√D (plus rounding).
        default = F.triplet_margin_loss(a, p, neg, margin=margin, reduction=reduction)
        torch.testing.assert_close(got, default, rtol=1e-5, atol=2e-6 * math.sqrt(dim) + 1e-6)
        want = np_reduce(np_triplet(as_np(a), as_np(p), as_np(neg), margin), reduction)
        tol = 1e-12 if dtype == torch.float64 else 2e-5
        np.testing.assert_allclose(as_np(got), want, rtol=tol, atol=tol)


def test_triplet_optax_docstring_vector(device):
    # Example in optax.losses.triplet_margin_loss's docstring
    # (google-deepmind/optax, optax/losses/_self_supervised.py): [0.1414 0.1414].
    anchors = torch.tensor([[0.0, 0.0], [1.0, 1.0]], device=device)
    positives = torch.tensor([[0.1, 0.1], [1.1, 1.1]], device=device)
    negatives = torch.tensor([[1.0, 0.0], [0.0, 1.0]], device=device)
    got = triplet(anchors, positives, negatives, margin=1.0, reduction="none")
    torch.testing.assert_close(got.cpu(), torch.tensor([0.1414, 0.1414]), atol=1e-4, rtol=0)


def test_triplet_gradcheck(device):
    a, p, neg = torch.randn(3, 5, 4, dtype=torch.float64, device=device)
    inputs = tuple(t.clone().requires_grad_(True) for t in (a, p, neg))
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda x, y, z, r=reduction: triplet(x, y, z, margin=3.0, reduction=r), inputs
        )


def test_triplet_identical_embeddings_finite(device):
    a = torch.randn(4, 3, device=device, requires_grad=True)
    p = a.detach().clone().requires_grad_(True)  # anchor == positive
    neg = torch.randn(4, 3, device=device, requires_grad=True)
    loss = triplet(a, p, neg, margin=1.0, reduction="none")
    want = torch.clamp(1.0 - (a - neg).norm(dim=1), min=0.0)
    torch.testing.assert_close(loss, want)
    loss.sum().backward()
    for t in (a, p, neg):
        assert torch.isfinite(t.grad).all()
    # All three identical (a collapsed embedding): loss = margin, gradients finite.
    x = torch.zeros(2, 3, device=device, requires_grad=True)
    loss = triplet(x, x, x, margin=0.5)
    loss.backward()
    assert loss.item() == 0.5 and torch.isfinite(x.grad).all()


# --------------------------------------------------------------------------- mining


def _labels(*values: int, device) -> torch.Tensor:
    return torch.tensor(values, dtype=torch.long, device=device)


@pytest.mark.parametrize("strategy", ["all", "hard", "semi-hard"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mining_matches_brute_force_random(device, strategy, seed):
    gen = torch.Generator().manual_seed(seed)
    n = 14 if strategy == "all" else 30
    emb = torch.randn(n, 3, generator=gen, dtype=torch.float64)
    labels = torch.randint(0, 4, (n,), generator=gen)
    labels[-1] = 99  # a class of size 1: never an anchor, only a negative
    for margin in (0.3, 1.0, 2.5):
        got = mine_triplets(emb.to(device), labels.to(device), strategy=strategy, margin=margin)
        assert got.dtype == torch.long and got.device.type == device.type
        want = brute_force_triplets(emb.numpy(), labels.tolist(), strategy, margin)
        assert [tuple(t) for t in got.tolist()] == want


@pytest.mark.parametrize("strategy", ["all", "hard", "semi-hard"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_mining_ties_on_a_lattice(device, strategy, dtype):
    # Integer coordinates: squared distances are exact integers in any float dtype,
    # so many exact ties (including d(a, n) == d(a, p) and d(a, n) == d(a, p) + margin,
    # both excluded by the strict inequalities) and duplicated points.
    gen = torch.Generator().manual_seed(3)
    n = 12 if strategy == "all" else 24
    emb = torch.randint(0, 3, (n, 2), generator=gen).to(dtype)
    emb[1] = emb[0]  # duplicates
    labels = torch.randint(0, 3, (n,), generator=gen)
    labels[5] = 7  # singleton class
    for margin in (1.0, 2.0):
        got = mine_triplets(emb.to(device), labels.to(device), strategy=strategy, margin=margin)
        want = brute_force_triplets(emb.numpy(), labels.tolist(), strategy, margin)
        assert [tuple(t) for t in got.tolist()] == want


def test_semi_hard_hand_built(device):
    # 1-D points 0, 1 (class 0) and 1.5, 3 (class 1), margin 1:
    # (0,1): d=1, negatives at 1.5 (in (1, 2)) and 3 -> 2.
    # (1,0): d=1, negatives at 0.5 (not > 1) and 2 (not < 2) -> dropped.
    # (2,3): d=1.5, negatives at 1.5 (not > 1.5) and 0.5 -> dropped.
    # (3,2): d=1.5, negatives at 3 (not < 2.5) and 2 -> 1.
    emb = torch.tensor([[0.0], [1.0], [1.5], [3.0]], device=device)
    got = mine_triplets(emb, _labels(0, 0, 1, 1, device=device), strategy="semi-hard", margin=1.0)
    assert got.tolist() == [[0, 1, 2], [3, 2, 1]]


def test_hard_hand_built(device):
    # Points 0, 1, 4 (class 0) and 2, 6 (class 1); class 2 of size 1 at 10.
    emb = torch.tensor([[0.0], [1.0], [4.0], [2.0], [6.0], [10.0]], device=device)
    labels = _labels(0, 0, 0, 1, 1, 2, device=device)
    got = mine_triplets(emb, labels, strategy="hard")
    # anchor 0: farthest positive 2 (d=4), closest negative 3 (d=2)
    # anchor 1: farthest positive 2 (d=3), closest negative 3 (d=1)
    # anchor 2: farthest positive 0 (d=4), closest negative 3 (d=2, ties 6 at 2 -> lower index)
    # anchor 3: positive 4 (d=4), closest negative 1 (d=1)
    # anchor 4: positive 3, closest negative 2 (d=2)
    # anchor 5: no positive -> dropped
    assert got.tolist() == [[0, 2, 3], [1, 2, 3], [2, 0, 3], [3, 4, 1], [4, 3, 2]]


@pytest.mark.parametrize("strategy", ["all", "hard", "semi-hard"])
@pytest.mark.parametrize("labels", [[3, 3, 3, 3, 3], [0, 1, 2, 3, 4]])
def test_mining_no_valid_triplet(device, strategy, labels):
    emb = torch.randn(5, 4, device=device)
    got = mine_triplets(emb, torch.tensor(labels, device=device), strategy=strategy)
    assert got.shape == (0, 3) and got.dtype == torch.long and got.device.type == device.type


def test_mining_large_batch_quadratic_memory(device):
    # 2,048 embeddings: "all" would need an 8.6e9-element tensor; hard and semi-hard
    # stay O(N²). Spot-check a few anchors against a direct float64 computation.
    n = 2048
    emb = torch.randn(n, 8, dtype=torch.float64, device=device)
    labels = torch.randint(0, 16, (n,), device=device)
    margin = 0.5
    semi = mine_triplets(emb, labels, strategy="semi-hard", margin=margin).cpu()
    hard = mine_triplets(emb, labels, strategy="hard").cpu()
    assert hard.shape == (n, 3)
    e, lab = emb.cpu().numpy(), labels.cpu().numpy()
    for a in (0, 777, n - 1):
        d = np.sqrt(((e - e[a]) ** 2).sum(axis=1))
        pos = np.flatnonzero((lab == lab[a]) & (np.arange(n) != a))
        neg = np.flatnonzero(lab != lab[a])
        assert hard[a].tolist() == [a, pos[np.argmax(d[pos])], neg[np.argmin(d[neg])]]
        want = []
        for p in pos:
            window = neg[(d[neg] > d[p]) & (d[neg] < d[p] + margin)]
            if len(window):
                want.append([a, p, window[np.argmin(d[window])]])
        assert semi[semi[:, 0] == a].tolist() == want


def test_mining_ignores_gradients(device):
    emb = torch.randn(6, 2, device=device, requires_grad=True)
    got = mine_triplets(emb, _labels(0, 0, 1, 1, 2, 2, device=device), strategy="hard")
    assert not got.requires_grad
    loss = triplet(emb[got[:, 0]], emb[got[:, 1]], emb[got[:, 2]])
    loss.backward()
    assert torch.isfinite(emb.grad).all()


# --------------------------------------------------------------------------- info_nce, clip


def _hand_logits(a: torch.Tensor, b: torch.Tensor, tau: float) -> torch.Tensor:
    a_unit = a / a.norm(dim=1, keepdim=True)
    b_unit = b / b.norm(dim=1, keepdim=True)
    return a_unit @ b_unit.T / tau


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_info_nce_in_batch(device, reduction, dtype):
    q, k = torch.randn(2, 9, 6, dtype=dtype, device=device)
    k = k + 2 * q  # positives more similar than negatives
    for tau in (0.05, 0.1, 1.0):
        got = info_nce(q, k, temperature=tau, reduction=reduction)
        assert got.dtype == dtype and got.device.type == device.type
        target = torch.arange(9, device=device)
        want = F.cross_entropy(_hand_logits(q, k, tau), target, reduction=reduction)
        torch.testing.assert_close(got, want)
        ref = np_reduce(np_info_nce(as_np(q), as_np(k), tau), reduction)
        tol = 1e-10 if dtype == torch.float64 else 1e-4
        np.testing.assert_allclose(as_np(got), ref, rtol=tol, atol=tol)


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_info_nce_queue(device, reduction):
    q, k = torch.randn(2, 5, 4, dtype=torch.float64, device=device)
    queue = torch.randn(11, 4, dtype=torch.float64, device=device)
    tau = 0.2
    got = info_nce(q, k, temperature=tau, negatives=queue, reduction=reduction)
    positive = (_hand_logits(q, k, tau).diagonal())[:, None]
    logits = torch.cat([positive, _hand_logits(q, queue, tau)], dim=1)
    want = F.cross_entropy(
        logits, torch.zeros(5, dtype=torch.long, device=device), reduction=reduction
    )
    torch.testing.assert_close(got, want)
    ref = np_reduce(np_info_nce(as_np(q), as_np(k), tau, as_np(queue)), reduction)
    np.testing.assert_allclose(as_np(got), ref, rtol=1e-10, atol=1e-10)


def test_info_nce_optax_ntxent_vectors(device):
    # google-deepmind/optax, optax/losses/_self_supervised_test.py (NtxentTest): NT-Xent
    # over 4 embeddings with group labels, τ = 0.07, atol 1e-4. NT-Xent averages, over
    # every ordered positive pair (i, j), -log softmax with the different-label rows as
    # negatives: exactly info_nce(query=y_i, key=y_j, negatives=<other label>) rows.
    ys = torch.tensor(
        [[-1.9540, 1.0780], [0.2380, -0.5703], [1.8745, -0.0195], [-0.6719, -1.9210]],
        device=device,
    )
    # labels [0, 0, 1, 1] -> 14.01032
    first = info_nce(
        ys[[0, 1]], ys[[1, 0]], temperature=0.07, negatives=ys[[2, 3]], reduction="sum"
    )
    second = info_nce(
        ys[[2, 3]], ys[[3, 2]], temperature=0.07, negatives=ys[[0, 1]], reduction="sum"
    )
    assert abs(((first + second) / 4).item() - 14.01032) < 1e-4
    # labels [0, 0, 0, 1] -> 8.968544: six ordered positive pairs, row 3 the only negative.
    q_idx, k_idx = [0, 0, 1, 1, 2, 2], [1, 2, 0, 2, 0, 1]
    got = info_nce(ys[q_idx], ys[k_idx], temperature=0.07, negatives=ys[[3]])
    assert abs(got.item() - 8.968544) < 1e-4


def test_info_nce_is_scale_invariant(device):
    q, k = torch.randn(2, 6, 3, dtype=torch.float64, device=device)
    scale = torch.rand(6, 1, dtype=torch.float64, device=device) * 10 + 0.1
    torch.testing.assert_close(info_nce(q, k), info_nce(q * scale, k))


def test_info_nce_gradcheck(device):
    q, k, m = (torch.randn(s, 3, dtype=torch.float64, device=device) for s in (4, 4, 5))
    q, k, m = (t.requires_grad_(True) for t in (q, k, m))
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda a, b, r=reduction: info_nce(a, b, temperature=0.3, reduction=r), (q, k)
        )
        assert torch.autograd.gradcheck(
            lambda a, b, c, r=reduction: info_nce(a, b, temperature=0.3, negatives=c, reduction=r),
            (q, k, m),
        )


@pytest.mark.parametrize("use_queue", [False, True])
def test_info_nce_tiny_temperature(device, use_queue):
    q, k, m = (torch.randn(8, 5, dtype=torch.float64, device=device) for _ in range(3))
    q, k = q.requires_grad_(True), k.requires_grad_(True)
    queue = m if use_queue else None
    for dtype in (torch.float32, torch.float64):
        qq, kk = q.to(dtype), k.to(dtype)
        mm = None if queue is None else queue.to(dtype)
        loss = info_nce(qq, kk, temperature=1e-3, negatives=mm)
        (gq, gk) = torch.autograd.grad(loss, (q, k))
        assert torch.isfinite(loss) and torch.isfinite(gq).all() and torch.isfinite(gk).all()
        ref = np_info_nce(as_np(qq), as_np(kk), 1e-3, None if mm is None else as_np(mm)).mean()
        assert abs(loss.item() - ref) <= (1e-9 if dtype == torch.float64 else 1e-2) * max(1.0, ref)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_clip_loss(device, reduction, dtype):
    img, txt = torch.randn(2, 7, 5, dtype=dtype, device=device)
    for tau in (0.07, 0.5):
        got = clip_loss(img, txt, temperature=tau, reduction=reduction)
        assert got.dtype == dtype and got.device.type == device.type
        logits = _hand_logits(img, txt, tau)
        target = torch.arange(7, device=device)
        want = 0.5 * (
            F.cross_entropy(logits, target, reduction=reduction)
            + F.cross_entropy(logits.T, target, reduction=reduction)
        )
        torch.testing.assert_close(got, want)
        ref = np_reduce(np_clip(as_np(img), as_np(txt), tau), reduction)
        tol = 1e-10 if dtype == torch.float64 else 1e-4
        np.testing.assert_allclose(as_np(got), ref, rtol=tol, atol=tol)
    # Symmetric in its two arguments, and each half is info_nce.
    torch.testing.assert_close(clip_loss(img, txt), clip_loss(txt, img))
    halves = 0.5 * (info_nce(img, txt, temperature=0.07) + info_nce(txt, img, temperature=0.07))
    torch.testing.assert_close(clip_loss(img, txt), halves)


def test_clip_loss_gradcheck_and_tiny_temperature(device):
    img = torch.randn(5, 3, dtype=torch.float64, device=device, requires_grad=True)
    txt = torch.randn(5, 3, dtype=torch.float64, device=device, requires_grad=True)
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda a, b, r=reduction: clip_loss(a, b, temperature=0.4, reduction=r), (img, txt)
        )
    loss = clip_loss(img.float(), txt.float(), temperature=1e-3)
    gi, gt = torch.autograd.grad(loss, (img, txt))
    assert torch.isfinite(loss) and torch.isfinite(gi).all() and torch.isfinite(gt).all()
    ref = np_clip(as_np(img), as_np(txt), 1e-3).mean()
    assert abs(loss.item() - ref) <= 1e-2 * max(1.0, ref)


# --------------------------------------------------------------------------- nt_xent


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_nt_xent_matches_numpy(device, reduction, dtype):
    z1, z2 = torch.randn(2, 7, 5, dtype=dtype, device=device)
    z2 = z2 + 1.5 * z1  # positives more similar than most negatives
    for tau in (0.05, 0.1, 0.5, 2.0):
        got = nt_xent(z1, z2, temperature=tau, reduction=reduction)
        assert got.dtype == dtype and got.device.type == device.type
        if reduction == "none":
            assert got.shape == (14,)
        want = np_reduce(np_nt_xent(as_np(z1), as_np(z2), tau), reduction)
        tol = 1e-10 if dtype == torch.float64 else 1e-4
        np.testing.assert_allclose(as_np(got), want, rtol=tol, atol=tol)


def test_nt_xent_matches_cross_entropy_without_the_diagonal(device):
    # A second construction: drop each row's self-similarity column (no -inf mask) and
    # let F.cross_entropy pick the partner among the remaining 2N − 1 columns.
    n, tau = 6, 0.3
    z1, z2 = torch.randn(2, n, 4, dtype=torch.float64, device=device)
    views = torch.cat([z1, z2])
    logits = _hand_logits(views, views, tau)
    off_diagonal = ~torch.eye(2 * n, dtype=torch.bool, device=device)
    logits = logits[off_diagonal].reshape(2 * n, 2 * n - 1)
    rows = torch.arange(2 * n, device=device)
    partner = (rows + n) % (2 * n)
    target = partner - (partner > rows).long()  # column index once column i is removed
    want = F.cross_entropy(logits, target, reduction="none")
    torch.testing.assert_close(nt_xent(z1, z2, temperature=tau, reduction="none"), want)


def test_nt_xent_optax_vectors(device):
    # google-deepmind/optax, optax/losses/_self_supervised_test.py (NtxentTest): four
    # embeddings, labels [0, 0, 1, 1] = two positive pairs (rows 0, 1 and rows 2, 3),
    # τ = 0.07 -> 14.01032 (atol 1e-4). optax averages over the 4 ordered pairs, each
    # against the rows of the other label: SimCLR's 2N = 4 views, 2N − 2 = 2 negatives.
    ys = torch.tensor(
        [[-1.9540, 1.0780], [0.2380, -0.5703], [1.8745, -0.0195], [-0.6719, -1.9210]],
        device=device,
    )
    got = nt_xent(ys[[0, 2]], ys[[1, 3]], temperature=0.07)
    assert abs(got.item() - 14.01032) < 1e-4
    # optax.ntxent's docstring example: 1-D embeddings, all positive, labels [0, 0, 1, 1]
    # -> loss 1.0986123 (= log 3: every cosine similarity is 1).
    emb = torch.tensor([[0.08969027], [1.6291292], [0.8622629], [0.13612625]], device=device)
    got = nt_xent(emb[[0, 2]], emb[[1, 3]], temperature=0.07)
    assert abs(got.item() - 1.0986123) < 1e-6


def test_nt_xent_view_order_and_relation_to_info_nce(device):
    n = 5
    z1, z2 = torch.randn(2, n, 3, dtype=torch.float64, device=device)
    per_view = nt_xent(z1, z2, temperature=0.2, reduction="none")
    # "none" lists the view-1 anchors first: swapping the views swaps the halves.
    torch.testing.assert_close(nt_xent(z2, z1, temperature=0.2, reduction="none"), per_view.roll(n))
    # Same positive as info_nce's cross-view form, plus N − 1 same-view negatives in the
    # denominator: every anchor's loss is strictly larger.
    cross_view = torch.cat(
        [
            info_nce(z1, z2, temperature=0.2, reduction="none"),
            info_nce(z2, z1, temperature=0.2, reduction="none"),
        ]
    )
    assert (per_view > cross_view).all()
    # One pair (N = 1): the partner is the only other view, loss exactly 0.
    one = nt_xent(z1[:1], z2[:1], reduction="none")
    assert one.tolist() == [0.0, 0.0]


def test_nt_xent_gradcheck(device):
    z1 = torch.randn(4, 3, dtype=torch.float64, device=device, requires_grad=True)
    z2 = torch.randn(4, 3, dtype=torch.float64, device=device, requires_grad=True)
    for reduction in REDUCTIONS:
        assert torch.autograd.gradcheck(
            lambda a, b, r=reduction: nt_xent(a, b, temperature=0.3, reduction=r), (z1, z2)
        )


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_nt_xent_identical_embeddings(device, dtype):
    # Collapse: every similarity is 1, each anchor picks 1 of 2N − 1 equal candidates.
    n = 6
    z = torch.ones(n, 4, dtype=dtype, device=device, requires_grad=True)
    loss = nt_xent(z, z, temperature=0.1)
    (grad,) = torch.autograd.grad(loss, z)
    assert abs(loss.item() - math.log(2 * n - 1)) < 1e-6
    assert torch.isfinite(grad).all()
    # Each view identical to its partner (but pairs distinct): finite, and below the collapse.
    z1 = torch.randn(n, 4, dtype=dtype, device=device, requires_grad=True)
    loss = nt_xent(z1, z1, temperature=0.1)
    (grad,) = torch.autograd.grad(loss, z1)
    assert torch.isfinite(loss) and torch.isfinite(grad).all()
    assert loss.item() < math.log(2 * n - 1)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_nt_xent_large_norms_and_tiny_temperature(device, dtype):
    z1, z2 = torch.randn(2, 8, 5, dtype=torch.float64, device=device)
    # Scale invariance: norms of 1e4 (or 1e-4) change nothing, and stay finite.
    base = nt_xent(z1.to(dtype), z2.to(dtype))
    for scale in (1e4, 1e-4):
        a = (scale * z1).to(dtype).requires_grad_(True)
        b = (scale * z2).to(dtype).requires_grad_(True)
        loss = nt_xent(a, b)
        ga, gb = torch.autograd.grad(loss, (a, b))
        torch.testing.assert_close(loss, base)
        assert torch.isfinite(ga).all() and torch.isfinite(gb).all()
    # τ = 1e-3: logits ±1000, finite and equal to the float64 reference.
    a, b = z1.to(dtype).requires_grad_(True), z2.to(dtype).requires_grad_(True)
    loss = nt_xent(a, b, temperature=1e-3)
    ga, gb = torch.autograd.grad(loss, (a, b))
    assert torch.isfinite(loss) and torch.isfinite(ga).all() and torch.isfinite(gb).all()
    ref = np_nt_xent(as_np(a), as_np(b), 1e-3).mean()
    assert abs(loss.item() - ref) <= (1e-9 if dtype == torch.float64 else 1e-2) * max(1.0, ref)


def test_nt_xent_half_precision_mask(device):
    # The self-similarity is masked with -inf, which float16 represents: no overflow.
    z1, z2 = torch.randn(2, 6, 4, device=device)
    want = nt_xent(z1.double(), z2.double(), temperature=0.1)
    got = nt_xent(z1.half(), z2.half(), temperature=0.1)
    assert got.dtype == torch.float16 and torch.isfinite(got)
    assert abs(got.item() - want.item()) < 2e-2 * want.item()


# --------------------------------------------------------------------------- bad input
# Bad inputs are rows of the matrix, tests/bad_inputs.py (one test id per case).


def test_nt_xent_sum_over_an_empty_batch_is_zero(device):
    # the mean over an empty batch is refused (a matrix row); the sum of nothing is 0
    empty = torch.zeros(0, 3, device=device)
    assert nt_xent(empty, empty, reduction="sum").item() == 0.0


# --------------------------------------------------------------------------- torch's pairwise
# margin losses and the triplet's swap / distance_function: each equals its F.* counterpart in
# float64, for every option and reduction, in value and in every input's gradient.
import lossbook as lb  # noqa: E402


def _draw(seed, *shape, labels=False):
    gen = torch.Generator().manual_seed(seed)
    if labels:
        return (torch.randint(0, 2, shape, generator=gen) * 2 - 1).to(torch.long)
    return torch.randn(shape, generator=gen, dtype=torch.float64).requires_grad_(True)


def _same_value_and_gradients(ours, theirs, leaves):
    torch.testing.assert_close(ours, theirs, rtol=1e-10, atol=1e-12)
    g_ours = torch.autograd.grad(ours.sum(), leaves, retain_graph=True)
    g_theirs = torch.autograd.grad(theirs.sum(), leaves)
    for a, b in zip(g_ours, g_theirs, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.0, 0.5, 2.0])
@pytest.mark.parametrize("label_dtype", [torch.long, torch.float64])
def test_margin_ranking_equals_torch(reduction, margin, label_dtype):
    x1, x2, y = _draw(1, 11), _draw(2, 11), _draw(3, 11, labels=True).to(label_dtype)
    ours = lb.margin_ranking(x1, x2, y, margin=margin, reduction=reduction)
    theirs = F.margin_ranking_loss(x1, x2, y.double(), margin=margin, reduction=reduction)
    _same_value_and_gradients(ours, theirs, [x1, x2])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [0.5, 1.0, 3.0])
@pytest.mark.parametrize("shape", [(11,), (3, 4), ()])
def test_hinge_embedding_equals_torch(reduction, margin, shape):
    x, y = _draw(4, *shape), _draw(5, *shape, labels=True)
    ours = lb.hinge_embedding(x, y, margin=margin, reduction=reduction)
    theirs = F.hinge_embedding_loss(x, y.double(), margin=margin, reduction=reduction)
    _same_value_and_gradients(ours, theirs, [x])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("margin", [-0.5, 0.0, 0.3, 1.0])
def test_cosine_embedding_equals_torch(reduction, margin):
    x1, x2, y = _draw(6, 9, 5), _draw(7, 9, 5), _draw(8, 9, labels=True)
    ours = lb.cosine_embedding(x1, x2, y, margin=margin, reduction=reduction)
    theirs = F.cosine_embedding_loss(x1, x2, y.double(), margin=margin, reduction=reduction)
    _same_value_and_gradients(ours, theirs, [x1, x2])


def test_cosine_embedding_zero_row_is_finite():
    """A zero embedding has cosine 0 (torch: 0 / sqrt(1e-24) = 0 too) and a finite gradient."""
    x1 = torch.zeros(2, 3, dtype=torch.float64, requires_grad=True)
    x2 = torch.ones(2, 3, dtype=torch.float64, requires_grad=True)
    y = torch.tensor([1, -1])
    ours = lb.cosine_embedding(x1, x2, y, reduction="none")
    theirs = F.cosine_embedding_loss(x1, x2, y.double(), reduction="none")
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(ours, torch.tensor([1.0, 0.0], dtype=torch.float64))
    ours.sum().backward()
    assert torch.isfinite(x1.grad).all() and torch.isfinite(x2.grad).all()


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
@pytest.mark.parametrize(
    "distance",
    [
        None,  # torch's default: F.pairwise_distance
        lambda u, v: 1.0 - F.cosine_similarity(u, v),
        lambda u, v: (u - v).abs().sum(-1),
    ],
    ids=["pairwise", "cosine", "l1"],
)
@pytest.mark.parametrize("margin", [1e-6, 1.0, 10.0])
def test_triplet_with_distance_equals_torch(reduction, swap, distance, margin):
    a, p, n = _draw(9, 6, 4), _draw(10, 6, 4), _draw(11, 6, 4)
    ours = lb.triplet(
        a,
        p,
        n,
        margin=margin,
        swap=swap,
        distance_function=F.pairwise_distance if distance is None else distance,
        reduction=reduction,
    )
    theirs = F.triplet_margin_with_distance_loss(
        a, p, n, distance_function=distance, margin=margin, swap=swap, reduction=reduction
    )
    _same_value_and_gradients(ours, theirs, [a, p, n])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("swap", [False, True])
def test_triplet_exact_distance_equals_torch_without_eps(reduction, swap):
    """The default (exact) distance is torch's p = 2 distance with eps = 0."""
    a, p, n = _draw(12, 6, 4), _draw(13, 6, 4), _draw(14, 6, 4)
    ours = lb.triplet(a, p, n, swap=swap, reduction=reduction)
    theirs = F.triplet_margin_loss(a, p, n, swap=swap, eps=0.0, reduction=reduction)
    _same_value_and_gradients(ours, theirs, [a, p, n])


def test_swap_changes_only_the_triplets_whose_negative_is_closer_to_the_positive():
    a, p, n = _draw(15, 50, 3), _draw(16, 50, 3), _draw(17, 50, 3)
    plain = lb.triplet(a, p, n, reduction="none")
    swapped = lb.triplet(a, p, n, swap=True, reduction="none")
    closer = (p - n).norm(dim=1) < (a - n).norm(dim=1)
    assert closer.any() and (~closer).any()
    torch.testing.assert_close(swapped[~closer], plain[~closer])
    assert (swapped[closer] >= plain[closer]).all()


@pytest.mark.parametrize(
    ("fn", "args"),
    [
        (lb.margin_ranking, (_draw(20, 5), _draw(21, 5), _draw(22, 5, labels=True))),
        (lb.hinge_embedding, (_draw(23, 5), _draw(24, 5, labels=True))),
        (lb.cosine_embedding, (_draw(25, 5, 3), _draw(26, 5, 3), _draw(27, 5, labels=True))),
    ],
    ids=["margin_ranking", "hinge_embedding", "cosine_embedding"],
)
def test_pairwise_margin_losses_gradcheck(fn, args):
    # margins where no term sits exactly on its hinge for these draws
    assert torch.autograd.gradcheck(lambda *t: fn(*t, args[-1], margin=0.25), args[:-1])


def test_triplet_swap_gradcheck():
    a, p, n = _draw(28, 5, 3), _draw(29, 5, 3), _draw(30, 5, 3)
    assert torch.autograd.gradcheck(lambda *t: lb.triplet(*t, swap=True, margin=2.0), (a, p, n))


def test_new_modules_equal_their_functions_and_torchs_modules():
    x1, x2, y = _draw(31, 7, 4), _draw(32, 7, 4), _draw(33, 7, labels=True)
    yd = y.double()
    pairs = [
        (lb.nn.CosineEmbeddingLoss(margin=0.2), torch.nn.CosineEmbeddingLoss(margin=0.2), (x1, x2)),
        (
            lb.nn.MarginRankingLoss(margin=0.3),
            torch.nn.MarginRankingLoss(margin=0.3),
            (x1[:, 0], x2[:, 0]),
        ),
        (
            lb.nn.HingeEmbeddingLoss(margin=0.7),
            torch.nn.HingeEmbeddingLoss(margin=0.7),
            (x1[:, 0],),
        ),
    ]
    for ours, theirs, tensors in pairs:
        torch.testing.assert_close(ours(*tensors, y), theirs(*tensors, yd))
    ours = lb.nn.TripletMarginWithDistanceLoss(swap=True, distance_function=F.pairwise_distance)
    theirs = torch.nn.TripletMarginWithDistanceLoss(swap=True)
    torch.testing.assert_close(ours(x1, x2, x2.flip(0)), theirs(x1, x2, x2.flip(0)))
    assert lb.nn.TripletMarginLoss is lb.nn.TripletLoss
    assert repr(lb.nn.CosineEmbeddingLoss()) == "CosineEmbeddingLoss(margin=0.0, reduction='mean')"
    with pytest.raises(ValueError, match=r"^margin must lie in \[-1\.0, 1\.0\], got 2\.0$"):
        lb.nn.CosineEmbeddingLoss(margin=2.0)
    with pytest.raises(ValueError, match=r"^margin must be a finite number >= 0, got -1\.0$"):
        lb.nn.MarginRankingLoss(margin=-1.0)
