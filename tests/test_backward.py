"""The closed-form backward passes (issue #16): gradients w.r.t. every input, twice.

mse, huber, binary_cross_entropy, binary_cross_entropy_with_logits and
kl_divergence compute their gradient from the formula the book derives (a
``torch.autograd.Function``). These tests check it against finite differences
(``gradcheck``) for *both* inputs and every reduction, check second derivatives
(``gradgradcheck``: the landscape's Hessian-vector products need them), and
compare both gradients with torch's own losses.
"""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.autograd import gradcheck, gradgradcheck

import lossbook as lb

REDUCTIONS = ["mean", "sum", "none"]
F64 = {"dtype": torch.float64}


def _gen(seed: int = 0) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def _both_checks(fn, args) -> None:
    assert gradcheck(fn, args)
    assert gradgradcheck(fn, args)


def _grads(out: torch.Tensor, inputs) -> tuple[torch.Tensor, ...]:
    return torch.autograd.grad(out.sum(), inputs)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", ["mse", "huber"])
def test_regression_gradients_both_inputs(loss, reduction):
    g = _gen()
    pred = torch.randn(3, 4, generator=g, **F64).requires_grad_()
    # residuals away from the kinks of huber (±delta) where finite differences straddle
    offsets = torch.tensor([0.3, -2.5, 1.7, -0.6], **F64)
    target = (pred.detach() + offsets).requires_grad_()
    fn = getattr(lb, loss)
    _both_checks(lambda a, b: fn(a, b, reduction=reduction), (pred, target))
    theirs_fn = {"mse": F.mse_loss, "huber": F.huber_loss}[loss]
    ours, theirs = (
        fn(pred, target, reduction=reduction),
        theirs_fn(pred, target, reduction=reduction),
    )
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(_grads(ours, (pred, target)), _grads(theirs, (pred, target)))


def test_huber_gradient_is_the_clipped_residual():
    pred = torch.zeros(5, **F64, requires_grad=True)
    target = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0], **F64)
    (grad,) = torch.autograd.grad(lb.huber(pred, target, delta=1.0, reduction="sum"), pred)
    r = target - pred.detach()
    torch.testing.assert_close(grad, -r.clamp(-1.0, 1.0))  # ∂ℓ/∂ŷ = −clamp(r, −δ, δ)


_BCE_KW = ["plain", "weight", "pos_weight", "both"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kind", _BCE_KW)
def test_bce_with_logits_gradients_all_inputs(kind, reduction):
    g = _gen(1)
    logits = (3 * torch.randn(4, 3, generator=g, **F64)).requires_grad_()
    target = torch.rand(4, 3, generator=g, **F64).requires_grad_()
    weights = {
        "weight": torch.rand(4, 3, generator=g, **F64).requires_grad_(),
        "pos_weight": torch.tensor([1.0, 3.0, 0.5], **F64).requires_grad_(),
    }
    chosen = {"plain": [], "weight": ["weight"], "pos_weight": ["pos_weight"]}.get(
        kind, ["weight", "pos_weight"]
    )
    kw = {k: weights[k] for k in chosen}

    def fn(z, y, *ws):
        return lb.binary_cross_entropy_with_logits(
            z, y, reduction=reduction, **dict(zip(chosen, ws, strict=True))
        )

    _both_checks(fn, (logits, target, *kw.values()))
    ours = fn(logits, target, *kw.values())
    detached = {k: v.detach() for k, v in kw.items()}  # torch refuses weight gradients
    theirs = F.binary_cross_entropy_with_logits(logits, target, reduction=reduction, **detached)
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(_grads(ours, (logits, target)), _grads(theirs, (logits, target)))


def test_bce_with_logits_gradient_is_p_minus_y():
    logits = torch.tensor([-2.0, 0.0, 3.0], **F64, requires_grad=True)
    target = torch.tensor([1.0, 0.0, 1.0], **F64)
    out = lb.binary_cross_entropy_with_logits(logits, target, reduction="sum")
    (grad,) = torch.autograd.grad(out, logits)
    torch.testing.assert_close(grad, torch.sigmoid(logits.detach()) - target)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_gradients_all_inputs(weighted, reduction):
    g = _gen(2)
    probs = (0.05 + 0.9 * torch.rand(4, 3, generator=g, **F64)).requires_grad_()
    target = torch.rand(4, 3, generator=g, **F64).requires_grad_()
    weight = torch.rand(3, generator=g, **F64).requires_grad_()
    args = (probs, target, weight) if weighted else (probs, target)

    def fn(p, y, *w):
        return lb.binary_cross_entropy(p, y, reduction=reduction, weight=w[0] if w else None)

    _both_checks(fn, args)
    ours = fn(*args)
    theirs = F.binary_cross_entropy(
        probs, target, reduction=reduction, weight=weight.detach() if weighted else None
    )
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(_grads(ours, (probs, target)), _grads(theirs, (probs, target)))


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
def test_bce_gradient_at_the_clamped_poles(dtype):
    """A clamped log is flat: p = 0 with y = 1 and p = 1 with y = 0 have gradient 0."""
    probs = torch.tensor([0.0, 1.0, 0.0, 1.0], dtype=dtype, requires_grad=True)
    target = torch.tensor([1.0, 0.0, 0.0, 1.0], dtype=dtype)
    loss = lb.binary_cross_entropy(probs, target, reduction="none")
    torch.testing.assert_close(loss, torch.tensor([100.0, 100.0, 0.0, 0.0], dtype=dtype))
    (grad,) = torch.autograd.grad(loss.sum(), probs)
    # the unclamped term's slope remains: (1 − y)/(1 − p) = 1 at p = 0, −y/p = −1 at p = 1
    torch.testing.assert_close(grad, torch.tensor([0.0, 0.0, 1.0, -1.0], dtype=dtype))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("log_inputs", [False, True])
def test_kl_gradients_both_inputs(log_inputs, dim, reduction):
    g = _gen(3)
    p = torch.softmax(torch.randn(3, 4, generator=g, **F64), dim).requires_grad_()
    q = torch.softmax(torch.randn(3, 4, generator=g, **F64), dim).requires_grad_()
    if log_inputs:
        p, q = (t.detach().log().requires_grad_() for t in (p, q))

    def fn(a, b):
        return lb.kl_divergence(a, b, dim=dim, log_inputs=log_inputs, reduction=reduction)

    _both_checks(fn, (p, q))


def test_kl_matches_torch_on_both_inputs():
    g = _gen(4)
    p = torch.softmax(torch.randn(6, 5, generator=g, **F64), 1).requires_grad_()
    q = torch.softmax(torch.randn(6, 5, generator=g, **F64), 1).requires_grad_()
    ours = lb.kl_divergence(p, q)
    theirs = F.kl_div(q.log(), p, reduction="batchmean")
    torch.testing.assert_close(ours, theirs)
    torch.testing.assert_close(_grads(ours, (p, q)), _grads(theirs, (p, q)))


def test_kl_gradient_is_zero_outside_the_support():
    p = torch.tensor([[0.0, 0.5, 0.5]], **F64, requires_grad=True)
    q = torch.tensor([[0.2, 0.3, 0.5]], **F64, requires_grad=True)
    gp, gq = _grads(lb.kl_divergence(p, q), (p, q))
    assert gp[0, 0] == 0 and gq[0, 0] == 0
    torch.testing.assert_close(gq[0, 1:], -p.detach()[0, 1:] / q.detach()[0, 1:])  # −p/q


@pytest.mark.parametrize(
    "call",
    [
        lambda a, b: lb.mse(a, b),
        lambda a, b: lb.huber(a, b, delta=0.5),
        lambda a, b: lb.binary_cross_entropy_with_logits(a, b.sigmoid().detach()),
        lambda a, b: lb.binary_cross_entropy(a.sigmoid(), b.sigmoid().detach()),
        lambda a, b: lb.kl_divergence(b.softmax(-1).detach(), a.softmax(-1)),
    ],
    ids=["mse", "huber", "bce_with_logits", "bce", "kl"],
)
def test_hessian_vector_product_matches_the_formula_graph(call):
    """A Hessian-vector product (what the landscape tools compute) through the Function."""
    g = _gen(5)
    a = torch.randn(4, 3, generator=g, **F64, requires_grad=True)
    b = torch.randn(4, 3, generator=g, **F64)
    v = torch.randn(4, 3, generator=g, **F64)
    (grad,) = torch.autograd.grad(call(a, b), a, create_graph=True)
    (hvp,) = torch.autograd.grad((grad * v).sum(), a)
    (numeric,) = torch.autograd.functional.hvp(lambda x: call(x, b), a.detach(), v)[1:]
    torch.testing.assert_close(hvp, numeric)
