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
from typing import Any

import torch
from torch import Tensor

NUM_CLASSES = 5


def _domain(name: str) -> object:
    from . import DOMAINS

    return DOMAINS[name]


def _Domain(*args: Any, **kwargs: Any) -> object:  # the class, imported late
    from . import Domain

    return Domain(*args, **kwargs)


#: A sampled token's log-probability: its ratio to a reference must fit float32 (e^80).
def _sampled_logp() -> object:
    return _Domain("log-probability of a sampled token (within e^80 of the reference)", -80.0, 0.0)


class _TimeMLP(torch.nn.Module):
    """A small network of (x_t, t) for 2-D samples: the diffusion and flow-matching examples."""

    def __init__(self) -> None:
        super().__init__()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(3, 8), torch.nn.Tanh(), torch.nn.Linear(8, 2)
        )

    def forward(self, x: Tensor, t: Tensor) -> Tensor:
        return self.net(torch.cat([x, t[:, None].to(x.dtype)], dim=1))


def _seeded(build: Callable[[], torch.nn.Module], gen: torch.Generator) -> torch.nn.Module:
    """``build()`` with its parameters drawn from ``gen``: the global random state is untouched."""
    with torch.random.fork_rng(devices=[]):  # nn.Linear's own initialisation draws globally
        module = build()
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(0.5 * _rand(gen, *parameter.shape, dtype=torch.float64, device="cpu"))
    return module


EMBEDDING_DIM = 8


@dataclass
class Example:
    """One valid call of a loss: ``fn(*args, **kwargs)``."""

    args: list
    kwargs: dict = field(default_factory=dict)
    none_shape: tuple[int, ...] = ()
    differentiable: tuple[int, ...] = (0,)  # indices into args of the "prediction" side
    batch_dims: tuple[int, ...] = ()  # per positional arg: the batch dimension (for permutation)
    #: Where each input lives (by position; see :class:`lossbook.testing.Domain`): the
    #: extreme-input check of ``check_loss`` probes the edges of these domains.
    domains: dict[int, Any] = field(default_factory=dict)
    #: Inputs of any shape are valid (the loss averages each on its own).
    any_shape: bool = False
    #: ``reduction="mean"`` from the ``"none"`` result, where it is not the plain mean.
    mean_from_none: Callable[..., Tensor] | None = None


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

    for loss in ("mse", "mae", "huber", "log_cosh", "quantile", "smooth_l1"):
        builders[loss] = regression

    def positive(*shape: int) -> Tensor:  # variances, standard deviations: in [0.1, 2.1)
        return (0.1 + 2 * torch.rand(*shape, generator=gen, dtype=torch.float64)).to(
            dtype=dtype, device=device
        )

    def gaussian_nll() -> Example | None:
        if perfect:
            return None  # no lower bound: σ² → 0 at a perfect mean sends the loss to −∞
        return Example(
            [rnd(n), rnd(n), positive(n)],
            none_shape=(n,),
            differentiable=(0, 2),
            batch_dims=(0, 0, 0),
            domains={0: _domain("real"), 2: _domain("positive")},
        )

    builders["gaussian_nll"] = gaussian_nll

    def poisson_nll() -> Example | None:
        if perfect:
            return None  # the minimum e^s − y·s at s = log y is not 0
        log_rate = rnd(n).clamp(-20.0, 20.0)  # e^s stays finite at every scale
        counts = torch.poisson(torch.full((n,), 3.0, dtype=torch.float64), generator=gen)
        return Example(
            [log_rate, counts.to(dtype=dtype, device=device)],
            none_shape=(n,),
            batch_dims=(0, 0),
            # exp(log rate) overflows float32 beyond 88: ±80 is the widest representable rate
            domains={0: _Domain("log-rate", -80.0, 80.0)},
        )

    builders["poisson_nll"] = poisson_nll

    def crps_gaussian() -> Example | None:
        if perfect:
            return None  # the score of a spread-out forecast is > 0 even at y = μ
        return Example(
            [rnd(n), positive(n), rnd(n)],
            none_shape=(n,),
            differentiable=(0, 1),
            batch_dims=(0, 0, 0),
            domains={0: _domain("real"), 1: _domain("positive")},
        )

    builders["crps_gaussian"] = crps_gaussian

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
        return Example(
            [p, target],
            none_shape=(n,),
            batch_dims=(0, 0),
            domains={0: _domain("probability"), 1: _domain("labels01")},
        )

    builders["binary_cross_entropy"] = bce

    def binary_logits() -> Example | None:
        if perfect:
            return None
        return Example(
            [rnd(n), bits(n)],
            none_shape=(n,),
            batch_dims=(0, 0),
            domains={0: _domain("logits"), 1: _domain("labels01")},
        )

    builders["binary_cross_entropy_with_logits"] = binary_logits
    builders["sigmoid_focal"] = binary_logits

    def margin_loss() -> Example:
        target = 2 * bits(n) - 1
        scores = 2.0 * target * max(scale, 1.0) if perfect else rnd(n)
        return Example(
            [scores, target],
            none_shape=(n,),
            batch_dims=(0, 0),
            domains={0: _domain("real"), 1: _domain("labels_pm1")},
        )

    builders["hinge"] = margin_loss
    builders["squared_hinge"] = margin_loss

    def nll() -> Example | None:
        if perfect:
            return None  # log p_y = 0 needs p_y = 1: log-probabilities of -inf elsewhere
        log_probs = torch.log_softmax(rnd(n, NUM_CLASSES), dim=1)
        return Example(
            [log_probs, labels(n)],
            none_shape=(n,),
            batch_dims=(0, 0),
            domains={0: _domain("log_probability")},
        )

    builders["nll"] = nll

    def soft_margin() -> Example | None:
        if perfect:
            return None  # the infimum 0 is only approached as y·s -> inf
        return Example([rnd(n), 2 * bits(n) - 1], none_shape=(n,), batch_dims=(0, 0))

    builders["soft_margin"] = soft_margin

    def multilabel_soft_margin() -> Example | None:
        if perfect:
            return None
        return Example(
            [rnd(n, NUM_CLASSES), bits(n, NUM_CLASSES)], none_shape=(n,), batch_dims=(0, 0)
        )

    builders["multilabel_soft_margin"] = multilabel_soft_margin

    def multi_margin() -> Example:
        target = labels(n)
        if perfect:  # the true class 2 (scaled) above the others: every margin met
            onehot = torch.nn.functional.one_hot(target, NUM_CLASSES).to(dtype)
            return Example(
                [2.0 * max(scale, 1.0) * onehot, target], none_shape=(n,), batch_dims=(0, 0)
            )
        return Example([rnd(n, NUM_CLASSES), target], none_shape=(n,), batch_dims=(0, 0))

    builders["multi_margin"] = multi_margin

    def multilabel_margin() -> Example:
        from ..classification import multilabel_margin_target

        multi_hot = torch.randint(0, 2, (n, NUM_CLASSES), generator=gen).to(device)
        target = multilabel_margin_target(multi_hot)  # true classes first, then -1
        scores = 2.0 * max(scale, 1.0) * multi_hot.to(dtype) if perfect else rnd(n, NUM_CLASSES)
        return Example([scores, target], none_shape=(n,), batch_dims=(0, 0))

    builders["multilabel_margin"] = multilabel_margin

    def brier() -> Example:
        target = labels(n)
        if perfect:
            onehot = torch.nn.functional.one_hot(target, NUM_CLASSES).to(dtype=dtype)
            return Example([onehot, target], none_shape=(n,), batch_dims=(0, 0))
        return Example(
            [probs(n, NUM_CLASSES), target],
            none_shape=(n,),
            batch_dims=(0, 0),
            domains={0: _domain("probability")},
        )

    builders["brier"] = brier

    def kl() -> Example:
        p = probs(n, NUM_CLASSES)
        q = p.clone() if perfect else probs(n, NUM_CLASSES)
        # q > 0 wherever p > 0 (else D(P||Q) is the documented +inf): probed just inside 0
        return Example(
            [p, q],
            none_shape=(n,),
            differentiable=(1,),
            batch_dims=(0, 0),
            domains={1: _domain("open_probability")},
        )

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
            # exp(logvar) overflows float32 beyond 88: a log-variance of ±80 is the widest
            # whose variance float32 can hold, and the loss is finite there
            domains={0: _domain("real"), 1: _Domain("log-variance", -80.0, 80.0)},
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

    def margin_ranking() -> Example:
        y = 2 * bits(n) - 1
        x2 = rnd(n)
        x1 = x2 + 2.0 * y * max(scale, 1.0) if perfect else rnd(n)
        return Example([x1, x2, y], none_shape=(n,), differentiable=(0, 1), batch_dims=(0, 0, 0))

    builders["margin_ranking"] = margin_ranking

    def hinge_embedding() -> Example:
        y = 2 * bits(n) - 1
        # distances: 0 for similar pairs, beyond the margin for dissimilar ones when perfect;
        # otherwise any real x, as torch's own samples (a negative x of a similar pair is a
        # negative loss: the function does not require x >= 0)
        x = torch.where(y > 0, 0.0, 2.0 * max(scale, 1.0)) if perfect else rnd(n)
        return Example([x, y], none_shape=(n,), batch_dims=(0, 0))

    builders["hinge_embedding"] = hinge_embedding

    def cosine_embedding() -> Example:
        y = 2 * bits(n) - 1
        x1 = rnd(n, EMBEDDING_DIM)
        x2 = x1 * y[:, None] if perfect else rnd(n, EMBEDDING_DIM)  # aligned / opposed
        return Example([x1, x2, y], none_shape=(n,), differentiable=(0, 1), batch_dims=(0, 0, 0))

    builders["cosine_embedding"] = cosine_embedding

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
            # log_probs are normalised over classes: their edge is a certain class per frame,
            # which the extreme check cannot build element-wise; "mean" divides by the
            # target lengths first (as F.ctc_loss does)
            domains={},
            mean_from_none=lambda none, args: (none / args[3].to(none.dtype).clamp(min=1)).mean(),
        )

    builders["ctc"] = ctc

    def dice() -> Example:
        target = torch.nn.functional.one_hot(labels(n, 4, 4, classes=2), 2).movedim(-1, 1).to(dtype)
        p = target.clone() if perfect else torch.softmax(rnd(n, 2, 4, 4), dim=1)
        return Example(
            [p, target],
            none_shape=(n, 2),
            batch_dims=(0, 0),
            domains={0: _domain("probability"), 1: _domain("labels01")},
        )

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
        return Example(
            [rnd(n), rnd(n)],
            none_shape=(n,),
            differentiable=(0, 1),
            batch_dims=(0, 0),
            any_shape=True,  # mean(fake) - mean(real): each input averaged on its own
        )

    builders["wasserstein_critic"] = critic

    def generator_loss() -> Example | None:
        if perfect:
            return None
        return Example([rnd(n)], none_shape=(n,), batch_dims=(0,), any_shape=True)

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

    def ranked_lists() -> Example | None:
        # n lists of 4 items: scores, and graded relevance 0..3 (a permutation: no ties)
        if perfect:
            return None
        relevance = torch.stack([torch.randperm(4, generator=gen) for _ in range(n)])
        return Example(
            [rnd(n, 4), relevance.to(dtype=dtype, device=device)],
            none_shape=(n,),
            batch_dims=(0, 0),
        )

    builders["listnet"] = ranked_lists
    builders["listmle"] = ranked_lists

    def four_logps() -> Example | None:
        if perfect and name != "ipo":
            return None
        logps = [-(rnd(n).abs() + 1.0) for _ in range(4)]
        if perfect:  # IPO's minimum: h = 1/(2τ) with τ = 0.1 -> h = 5
            logps[0] = logps[1] + logps[2] - logps[3] + 5.0
        return Example(
            logps,
            none_shape=(n,),
            differentiable=(0, 1),
            batch_dims=(0, 0, 0, 0),
            domains={0: _domain("log_probability"), 1: _domain("log_probability")},
        )

    builders["dpo"] = four_logps
    builders["ipo"] = four_logps

    def kto() -> Example | None:
        if perfect:
            return None
        logps = [-(rnd(n).abs() + 1.0) for _ in range(4)]
        return Example(
            logps,
            none_shape=(2 * n,),
            differentiable=(0, 1),
            batch_dims=(0, 0, 0, 0),
            domains={0: _domain("log_probability"), 1: _domain("log_probability")},
        )

    builders["kto"] = kto

    def orpo() -> Example | None:
        if perfect:
            return None
        avg = [-(rnd(n).abs() / max(scale, 1.0) + 0.1) for _ in range(2)]
        # average log-probabilities: strictly below 0 (the odds P/(1-P) are infinite at P = 1)
        below_zero = _Domain("log-probability < 0", high=0.0, high_open=True)
        return Example(
            avg,
            none_shape=(n,),
            differentiable=(0, 1),
            batch_dims=(0, 0),
            domains={0: below_zero, 1: below_zero},
        )

    builders["orpo"] = orpo

    def ppo() -> Example | None:
        if perfect:
            return None
        old = -(rnd(n).abs() + 0.5)
        new = old + 0.1 * _rand(gen, n, dtype=dtype, device=device)
        return Example(
            [new, old, rnd(n)],
            none_shape=(n,),
            batch_dims=(0, 0, 0),
            domains={0: _domain("log_probability")},
        )

    builders["ppo_clip"] = ppo

    def kwise() -> Example | None:
        if perfect:
            return None
        return Example([rnd(n, 4)], none_shape=(n,), batch_dims=(0,))

    builders["kwise_ranking"] = kwise

    def lm() -> Example | None:
        if perfect:
            return None
        return Example([rnd(n, 5, NUM_CLASSES), labels(n, 5)], none_shape=(n, 4), batch_dims=(0, 0))

    builders["lm_loss"] = lm

    def kl_tokens() -> Example:
        logp = -(rnd(n, 3).abs() + 0.5)
        # the log-ratio stays moderate at any scale: a sampled token's ratio is never e^±1e4
        ref = logp.clone() if perfect else logp + 0.5 * _rand(gen, n, 3, dtype=dtype, device=device)
        return Example(
            [logp, ref],
            none_shape=(n, 3),
            batch_dims=(0, 0),
            domains={0: _sampled_logp()},
        )

    builders["kl_estimate"] = kl_tokens

    def grpo() -> Example | None:
        if perfect:
            return None
        old = -(rnd(n, 4).abs() + 0.5)
        new = old + 0.1 * _rand(gen, n, 4, dtype=dtype, device=device)
        lengths = torch.randint(1, 5, (n, 1), generator=gen)
        mask = (torch.arange(4) < lengths).to(device)  # answers of 1 to 4 tokens
        return Example(
            [new, old, rnd(n), mask],
            none_shape=(n,),
            batch_dims=(0, 0, 0, 0),
            domains={0: _sampled_logp()},
        )

    builders["grpo"] = grpo

    def simpo() -> Example | None:
        if perfect:
            return None
        avg = [-(rnd(n).abs() + 0.1) for _ in range(2)]
        return Example(avg, none_shape=(n,), differentiable=(0, 1), batch_dims=(0, 0))

    builders["simpo"] = simpo

    def critic_penalty() -> Example | None:
        if perfect:
            return None
        # a module (so check_loss can gradcheck its parameters), initialised from ``gen``:
        # building an example never touches the global random state
        critic_net = _seeded(
            lambda: torch.nn.Sequential(torch.nn.Linear(3, 1), torch.nn.Flatten(0)), gen
        ).to(dtype=dtype, device=device)
        return Example(
            [critic_net, rnd(n, 3), rnd(n, 3)],
            {"generator": torch.Generator(device=device).manual_seed(seed)},
            none_shape=(n,),
            differentiable=(),
        )

    builders["gradient_penalty"] = critic_penalty

    builders["hinge_gan_discriminator"] = critic
    builders["hinge_gan_generator"] = generator_loss

    def r1() -> Example | None:
        if perfect:
            return None
        net = _seeded(
            lambda: torch.nn.Sequential(
                torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 1), torch.nn.Flatten(0)
            ),
            gen,
        ).to(dtype=dtype, device=device)
        # real of any shape the critic takes is valid: nothing to compare its shape with
        return Example([net, rnd(n, 3)], none_shape=(n,), differentiable=(), any_shape=True)

    builders["r1_penalty"] = r1

    def time_model(fixed: Tensor | None = None) -> Callable[[Tensor, Tensor], Tensor]:
        """A small network of (x_t, t) for 2-D samples; or one that always answers ``fixed``."""
        if fixed is not None:
            return lambda x, t: fixed
        return _seeded(_TimeMLP, gen).to(dtype=dtype, device=device)

    def denoising() -> Example:
        x0 = rnd(n, 2)
        # perfect: the x0 target, and a model that knows the clean sample
        kwargs: dict[str, object] = {"generator": torch.Generator(device=device).manual_seed(seed)}
        if perfect:
            kwargs["target"] = "x0"
        model = time_model(x0.detach().clone() if perfect else None)
        # x0 of any shape the model takes is valid: lossbook has no shape to compare it with
        return Example([model, x0], kwargs, none_shape=(n,), differentiable=(1,), any_shape=True)

    builders["denoising_loss"] = denoising

    def flow() -> Example:
        x0, x1 = rnd(n, 2), rnd(n, 2)
        model = time_model((x1 - x0).detach() if perfect else None)
        return Example(
            [model, x0, x1],
            {"generator": torch.Generator(device=device).manual_seed(seed)},
            none_shape=(n,),
            differentiable=(1, 2),
        )

    builders["flow_matching"] = flow

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
