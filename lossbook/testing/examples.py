"""Valid example inputs for every loss in the catalog (for tests, benchmarks and demos).

``example_inputs("huber", 8)`` returns an :class:`Example`: the positional and
keyword arguments of one valid call with a batch of 8, the shape that
``reduction="none"`` returns, and which positional arguments are the
differentiable "prediction" side. ``perfect=True`` gives inputs at which the
loss reaches its lower bound 0 (a perfect prediction), for the losses where a
perfect prediction exists; otherwise ``None``.

``scale`` multiplies the unconstrained inputs (residuals, logits, scores,
embeddings, log-ratios) so tests can probe wide ranges such as ±1e4;
probabilities and labels stay valid whatever the scale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

NUM_CLASSES = 5
EMBEDDING_DIM = 8


@dataclass
class Example:
    """One valid call of a loss: ``fn(*args, **kwargs)``."""

    args: list
    kwargs: dict = field(default_factory=dict)
    none_shape: tuple[int, ...] = ()
    differentiable: tuple[int, ...] = (0,)  # indices into args of the "prediction" side
    batch_dims: tuple[int, ...] = ()  # per positional arg: the batch dimension (for permutation)


def _rand(gen: torch.Generator, *shape: int, dtype: torch.dtype, device) -> Tensor:
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype=dtype, device=device)


def example_inputs(
    name: str,
    n: int,
    *,
    dtype: torch.dtype = torch.float32,
    device: str | torch.device = "cpu",
    scale: float = 1.0,
    seed: int = 0,
    perfect: bool = False,
) -> Example | None:
    """Inputs for one valid call of loss ``name`` with batch size ``n`` (see module docs)."""
    gen = torch.Generator().manual_seed(seed)

    def rnd(*shape: int) -> Tensor:
        return scale * _rand(gen, *shape, dtype=dtype, device=device)

    def bits(*shape: int) -> Tensor:
        return torch.randint(0, 2, shape, generator=gen).to(dtype=dtype, device=device)

    def labels(*shape: int, classes: int = NUM_CLASSES) -> Tensor:
        return torch.randint(0, classes, shape, generator=gen).to(device)

    def probs(*shape: int) -> Tensor:
        return torch.softmax(_rand(gen, *shape, dtype=torch.float64, device="cpu"), -1).to(
            dtype=dtype, device=device
        )

    builders: dict[str, Callable[[], Example | None]] = {}

    def regression() -> Example:
        pred = rnd(n)
        target = pred.clone() if perfect else rnd(n)
        return Example([pred, target], none_shape=(n,), batch_dims=(0, 0))

    for loss in ("mse", "mae", "huber", "log_cosh", "quantile"):
        builders[loss] = regression

    def multiclass(name: str) -> Callable[[], Example | None]:
        def build() -> Example | None:
            if perfect:
                return None  # the infimum 0 is only approached as logits -> ±inf
            return Example([rnd(n, NUM_CLASSES), labels(n)], none_shape=(n,), batch_dims=(0, 0))

        return build

    builders["cross_entropy"] = multiclass("cross_entropy")
    builders["softmax_focal"] = multiclass("softmax_focal")

    def bce() -> Example:
        target = bits(n)
        p = (
            target.clone()
            if perfect
            else torch.rand(n, generator=gen).to(dtype=dtype, device=device)
        )
        return Example([p, target], none_shape=(n,), batch_dims=(0, 0))

    builders["binary_cross_entropy"] = bce

    def binary_logits() -> Example | None:
        return None if perfect else Example([rnd(n), bits(n)], none_shape=(n,), batch_dims=(0, 0))

    builders["binary_cross_entropy_with_logits"] = binary_logits
    builders["sigmoid_focal"] = binary_logits

    def margin_loss() -> Example:
        target = 2 * bits(n) - 1
        scores = 2.0 * target * max(scale, 1.0) if perfect else rnd(n)
        return Example([scores, target], none_shape=(n,), batch_dims=(0, 0))

    builders["hinge"] = margin_loss
    builders["squared_hinge"] = margin_loss

    def kl() -> Example:
        p = probs(n, NUM_CLASSES)
        q = p.clone() if perfect else probs(n, NUM_CLASSES)
        return Example([p, q], none_shape=(n,), differentiable=(1,), batch_dims=(0, 0))

    builders["kl_divergence"] = kl

    def gaussian_kl() -> Example:
        if perfect:
            zeros = torch.zeros(n, 4, dtype=dtype, device=device)
            return Example([zeros, zeros.clone()], none_shape=(n,), differentiable=(0, 1))
        return Example(
            [rnd(n, 4), rnd(n, 4).clamp(-20, 20)],
            none_shape=(n,),
            differentiable=(0, 1),
            batch_dims=(0, 0),
        )

    builders["gaussian_kl"] = gaussian_kl

    def contrastive() -> Example:
        x1 = rnd(n, EMBEDDING_DIM)
        if perfect:
            return Example(
                [x1, x1.clone(), torch.zeros(n, dtype=dtype, device=device)],
                none_shape=(n,),
                differentiable=(0, 1),
                batch_dims=(0, 0, 0),
            )
        return Example(
            [x1, rnd(n, EMBEDDING_DIM), bits(n)],
            none_shape=(n,),
            differentiable=(0, 1),
            batch_dims=(0, 0, 0),
        )

    builders["contrastive"] = contrastive

    def triplet() -> Example:
        anchor = rnd(n, EMBEDDING_DIM)
        if perfect:
            far = anchor + 10.0 * max(scale, 1.0)
            return Example(
                [anchor, anchor.clone(), far],
                none_shape=(n,),
                differentiable=(0, 1, 2),
                batch_dims=(0, 0, 0),
            )
        return Example(
            [anchor, rnd(n, EMBEDDING_DIM), rnd(n, EMBEDDING_DIM)],
            none_shape=(n,),
            differentiable=(0, 1, 2),
            batch_dims=(0, 0, 0),
        )

    builders["triplet"] = triplet

    def info_nce() -> Example | None:
        if perfect:
            return None
        return Example(
            [rnd(n, EMBEDDING_DIM), rnd(n, EMBEDDING_DIM)],
            none_shape=(n,),
            differentiable=(0, 1),
            batch_dims=(0, 0),
        )

    builders["info_nce"] = info_nce
    builders["clip_loss"] = info_nce

    def nt_xent() -> Example | None:
        if perfect:
            return None
        # one loss per view: (2N,), so a permutation of the N rows is not a permutation of it
        return Example(
            [rnd(n, EMBEDDING_DIM), rnd(n, EMBEDDING_DIM)],
            none_shape=(2 * n,),
            differentiable=(0, 1),
        )

    builders["nt_xent"] = nt_xent

    def ctc() -> Example | None:
        if perfect:
            return None
        frames, length = 12, 4
        log_probs = torch.log_softmax(rnd(frames, n, NUM_CLASSES), dim=-1)
        targets = torch.randint(1, NUM_CLASSES, (n, length), generator=gen).to(device)
        input_lengths = torch.full((n,), frames, dtype=torch.long)
        target_lengths = torch.randint(1, length + 1, (n,), generator=gen)
        return Example(
            [log_probs, targets, input_lengths, target_lengths],
            none_shape=(n,),
            batch_dims=(1, 0, 0, 0),
        )

    builders["ctc"] = ctc

    def dice() -> Example:
        target = torch.nn.functional.one_hot(labels(n, 4, 4, classes=2), 2).movedim(-1, 1).to(dtype)
        p = target.clone() if perfect else torch.softmax(rnd(n, 2, 4, 4), dim=1)
        return Example([p, target], none_shape=(n, 2), batch_dims=(0, 0))

    builders["dice"] = dice

    def dice_ce() -> Example | None:
        if perfect:
            return None
        return Example(
            [rnd(n, 2, 4, 4), labels(n, 4, 4, classes=2)], none_shape=(n,), batch_dims=(0, 0)
        )

    builders["dice_cross_entropy"] = dice_ce

    def critic() -> Example | None:
        if perfect:
            return None
        return Example([rnd(n), rnd(n)], none_shape=(n,), differentiable=(0, 1), batch_dims=(0, 0))

    builders["wasserstein_critic"] = critic

    def generator_loss() -> Example | None:
        return None if perfect else Example([rnd(n)], none_shape=(n,), batch_dims=(0,))

    builders["wasserstein_generator"] = generator_loss

    def penalty() -> Example:
        w = torch.zeros(n, dtype=dtype, device=device) if perfect else rnd(n)
        return Example([[w]], none_shape=(), batch_dims=())

    for loss in ("l1_penalty", "l2_penalty", "elastic_net_penalty"):
        builders[loss] = penalty

    def pairwise() -> Example | None:
        if perfect:
            return None
        return Example([rnd(n), rnd(n)], none_shape=(n,), differentiable=(0, 1), batch_dims=(0, 0))

    builders["pairwise_ranking"] = pairwise

    def four_logps() -> Example | None:
        if perfect and name != "ipo":
            return None
        logps = [-(rnd(n).abs() + 1.0) for _ in range(4)]
        if perfect:  # IPO's minimum: h = 1/(2τ) with τ = 0.1 -> h = 5
            logps[0] = logps[1] + logps[2] - logps[3] + 5.0
        return Example(logps, none_shape=(n,), differentiable=(0, 1), batch_dims=(0, 0, 0, 0))

    builders["dpo"] = four_logps
    builders["ipo"] = four_logps

    def kto() -> Example | None:
        if perfect:
            return None
        logps = [-(rnd(n).abs() + 1.0) for _ in range(4)]
        return Example(logps, none_shape=(2 * n,), differentiable=(0, 1), batch_dims=(0, 0, 0, 0))

    builders["kto"] = kto

    def orpo() -> Example | None:
        if perfect:
            return None
        avg = [-(rnd(n).abs() / max(scale, 1.0) + 0.1) for _ in range(2)]
        return Example(avg, none_shape=(n,), differentiable=(0, 1), batch_dims=(0, 0))

    builders["orpo"] = orpo

    def ppo() -> Example | None:
        if perfect:
            return None
        old = -(rnd(n).abs() + 0.5)
        new = old + 0.1 * _rand(gen, n, dtype=dtype, device=device)
        return Example([new, old, rnd(n)], none_shape=(n,), batch_dims=(0, 0, 0))

    builders["ppo_clip"] = ppo

    def critic_penalty() -> Example | None:
        if perfect:
            return None
        torch.manual_seed(seed)
        critic_net = torch.nn.Linear(3, 1).to(dtype=dtype, device=device)
        return Example(
            [lambda x: critic_net(x).squeeze(-1), rnd(n, 3), rnd(n, 3)],
            {"generator": torch.Generator(device=device).manual_seed(seed)},
            none_shape=(n,),
            differentiable=(),
        )

    builders["gradient_penalty"] = critic_penalty

    if name not in builders:
        raise KeyError(f"no example inputs for {name!r}")
    return builders[name]()


#: Stated tolerance of a half-precision result relative to float32 on the same example
#: (inputs rounded to half first): |half − float32| <= rtol · max(|float32|, 1).
HALF_TOLERANCE = {torch.float16: 1e-2, torch.bfloat16: 5e-2}


@dataclass
class HalfPrecisionResult:
    """How one loss behaves in one half-precision dtype (see :func:`half_precision`)."""

    loss: str
    dtype: torch.dtype
    supported: bool
    relative_error: float | None = None
    finite_gradients: bool | None = None
    error: str | None = None

    @property
    def within_tolerance(self) -> bool:
        return self.relative_error is not None and self.relative_error <= HALF_TOLERANCE[self.dtype]


def half_precision(
    name: str, dtype: torch.dtype, *, n: int = 16, seed: int = 0
) -> HalfPrecisionResult:
    """Run loss ``name`` on example inputs in ``dtype`` and compare with float32.

    Supported means the loss returns a finite value of dtype ``dtype`` (a loss
    that refuses the dtype must raise a ``TypeError`` naming it).
    """
    from ..catalog import CATALOG

    fn = CATALOG[name].fn
    ex = example_inputs(name, n, seed=seed)
    half = example_inputs(name, n, seed=seed, dtype=dtype)
    assert ex is not None and half is not None, f"{name} has no example inputs"
    reference = fn(*ex.args, **ex.kwargs).item()
    leaves = []
    for i in half.differentiable:
        if isinstance(half.args[i], list):
            half.args[i] = [t.detach().clone().requires_grad_(True) for t in half.args[i]]
            leaves.extend(half.args[i])
        else:
            half.args[i] = half.args[i].detach().clone().requires_grad_(True)
            leaves.append(half.args[i])
    try:
        value = fn(*half.args, **half.kwargs)
    except TypeError as error:
        return HalfPrecisionResult(name, dtype, supported=False, error=str(error))
    supported = value.dtype == dtype and bool(torch.isfinite(value).all())
    grads = torch.autograd.grad(value.sum(), leaves) if leaves else []
    return HalfPrecisionResult(
        name,
        dtype,
        supported=supported,
        relative_error=abs(value.float().item() - reference) / max(abs(reference), 1.0),
        finite_gradients=all(bool(torch.isfinite(g).all()) for g in grads),
    )
