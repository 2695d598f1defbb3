r"""Reading loss curves: simulate the six classic patterns with real training runs, and diagnose them.

A training run leaves two curves, the training loss and the validation loss
per epoch, and most of what went wrong can be read from their shapes
(chapter 14). This module names six patterns:

====================== ============================================================
``healthy``            both curves fall and level off together, close to each other
``overfitting``        training loss keeps falling while validation loss turns up
                       (or stays far above it)
``underfitting``       both curves level off early, at a high loss, close together
``lr_too_high``        training loss jumps up, oscillates, diverges or becomes NaN
``plateau``            the loss barely moves at all
``noisy_validation``   validation loss jumps around a stable trend
====================== ============================================================

:func:`simulate` produces each one from a real (tiny) training run, and
:func:`diagnose` reads a pair of curves back into one of the six names with
a small set of plain, scale-free rules (see its docstring).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

__all__ = [
    "ADVICE",
    "MIN_LENGTH",
    "PATTERNS",
    "Diagnosis",
    "diagnose",
    "mlp",
    "simulate",
    "snap_parameters",
    "two_moons",
]

PATTERNS: tuple[str, ...] = (
    "healthy",
    "overfitting",
    "underfitting",
    "lr_too_high",
    "plateau",
    "noisy_validation",
)

MIN_LENGTH = 5

ADVICE: dict[str, str] = {
    "healthy": (
        "Both losses fall and level off together: keep the setup, and keep the checkpoint "
        "with the lowest validation loss."
    ),
    "overfitting": (
        "The model is memorising the training set: stop early at the validation minimum, "
        "get more data or augment it, add regularisation (weight decay, dropout) or use a "
        "smaller model."
    ),
    "underfitting": (
        "Both losses stay high: give the model more capacity (wider, deeper, better "
        "features), train longer, or weaken the regularisation."
    ),
    "lr_too_high": (
        "The training loss jumps up, oscillates or diverges: lower the learning rate "
        "(try 3-10x smaller), add warm-up or gradient clipping, and check the data and the "
        "loss for NaN/inf."
    ),
    "plateau": (
        "The loss barely moves: raise the learning rate or switch to an adaptive optimiser "
        "(Adam), check the initialisation (saturated or dead units), normalise the inputs, "
        "and check that gradients reach the weights."
    ),
    "noisy_validation": (
        "The validation loss jumps around a stable trend: evaluate on a larger validation "
        "set (or average several batches), and smooth the curve or use patience before "
        "acting on it."
    ),
}


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` concluded, what to do about it, and the numbers behind it."""

    pattern: str
    advice: str
    evidence: dict[str, float] = field(default_factory=dict)


# --- thresholds of the rules (all scale-free: ratios of losses) ---------------------------------
_RISE_ABOVE_START = 0.10  # lr_too_high: the end sits 10% (of the scale) above the start
_SPIKE = 0.25  # lr_too_high: one epoch jumps up by 25% of the scale
_JITTER_TRAIN = 0.15  # lr_too_high: the training loss zig-zags by 15% of its level
_PLATEAU_DROP = 0.10  # plateau: less than 10% of the initial loss is ever gained
_OVERFIT_RISE = 0.05  # overfitting: validation climbs 5% of the scale above its minimum
_OVERFIT_NOISE = 6.0  # ... and 6 standard errors of the smoothed curve
_GAP_RATIO = 3.0  # overfitting: validation ends 3x above training ...
_GAP = 0.25  # ... and the gap is 25% of the scale
_JITTER_VAL = 0.10  # noisy_validation: validation zig-zags by 10% of its level ...
_JITTER_RATIO = 3.0  # ... and 3x more than the training loss
_HIGH_END = 0.20  # underfitting: more than 20% of the initial loss remains


def _as_curve(name: str, values: object) -> np.ndarray:
    """Validate one loss curve (list, array or tensor) and return it as float64 NumPy."""
    if isinstance(values, Tensor):
        array = values.detach().to("cpu", torch.float64).numpy()
    else:
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{name} must be a 1-D list, array or tensor of numbers, "
                f"got {type(values).__name__}"
            ) from None
    if array.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one loss per epoch), got shape {array.shape}")
    if array.size < MIN_LENGTH:
        raise ValueError(
            f"{name} must have at least {MIN_LENGTH} points to read a trend, got {array.size}"
        )
    finite = array[np.isfinite(array)]
    if finite.size and finite.min() < 0:
        raise ValueError(
            f"{name} must hold non-negative losses (the rules measure how much of the "
            f"initial loss remains), got a minimum of {finite.min():.4g}"
        )
    return array


def _smooth(x: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average; near the ends the window shrinks to the points available."""
    half = window // 2
    csum = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(x.size)
    lo = np.clip(idx - half, 0, x.size)
    hi = np.clip(idx + half + 1, 0, x.size)
    return (csum[hi] - csum[lo]) / (hi - lo)


def _jitter(x: np.ndarray, scale: float) -> float:
    """Mean zig-zag amplitude over the last two-thirds, relative to the curve's level there.

    A zig-zag at step i is min(|Δx_i|, |Δx_{i+1}|) when the curve turns (the two
    steps have opposite signs), else 0, so a monotone curve -- however steep --
    has no jitter; only back-and-forth movement counts. The level is the median
    of those points, floored at 5% of ``scale`` so that a loss near zero does
    not make tiny wiggles look large.
    """
    tail = x[x.size // 3 :]
    if tail.size < 3:
        return 0.0
    d = np.diff(tail)
    turns = d[:-1] * d[1:] < 0
    zigzag = np.where(turns, np.minimum(np.abs(d[:-1]), np.abs(d[1:])), 0.0)
    level = max(float(np.median(tail)), 0.05 * scale)
    return float(zigzag.mean() / level) if level > 0 else 0.0


def diagnose(train_losses: object, val_losses: object) -> Diagnosis:
    r"""Name the pattern of a pair of loss curves: the first rule that matches wins.

    With ``n`` points per curve, ``k = max(2, n // 3)`` (a third), the *scale*
    ``S`` = the largest training loss (normally the first; the largest
    validation loss if the training loss is all zero), *start* = the first
    training loss and *end* = the median of the last ``k`` training losses,
    the rules are:

    1. ``lr_too_high`` if the training loss has a NaN or inf (divergence); or
       its end lies above its start by more than 10% of ``S``; or some epoch
       jumps up by more than 25% of ``S`` (a spike); or its *jitter* over the
       last two-thirds exceeds 0.15 (it zig-zags by 15% of its level from epoch
       to epoch).
    2. ``plateau`` if the training loss barely moves: ``start − end < 0.10 S``.
    3. ``overfitting`` if, on the validation curve smoothed by a centred moving
       average of ``w = max(3, n // 10)`` points, the minimum comes before the
       last ``w`` points and the mean of the last ``w`` validation losses sits
       above that minimum by more than 5% of ``S`` *and* by more than 6 standard
       errors ``σ/√w`` (``σ`` = the spread of the validation loss around its
       smoothed curve), while the training loss ends below the validation loss;
       or if the validation loss ends more than 3× above the training loss and
       the gap is more than 25% of ``S`` (a validation loss that never came
       down with the training loss).
    4. ``noisy_validation`` if the validation jitter exceeds 0.10 and is more
       than 3× the training jitter.
    5. ``underfitting`` if more than 20% of the initial loss remains:
       ``end > 0.20 S``.
    6. ``healthy`` otherwise.

    *Jitter* is the mean zig-zag amplitude over the last two-thirds of a curve
    (``min(|Δx_i|, |Δx_{i+1}|)`` where the curve turns, 0 where it keeps going
    the same way) divided by the curve's median there, floored at ``0.05 S``. A
    steep but smooth descent has no jitter; only back-and-forth movement does.

    Every quantity is a ratio of losses, so the diagnosis does not change when
    both curves are multiplied by a positive constant, and the thresholds do
    not depend on the length of the curves. The rules assume losses bounded
    below by 0 whose first value is the "knows-nothing" loss (cross-entropy,
    MSE...): "20% of the initial loss remains" is what "high" means. They are
    rules of thumb that cover the six textbook shapes, not a proof; always look
    at the curves too.

    Args:
        train_losses: training loss per epoch (list, NumPy array or tensor), at
            least :data:`MIN_LENGTH` (5) non-negative values; NaN and inf are
            allowed and mean divergence.
        val_losses: validation loss at the same epochs: the same length (if you
            validate less often, take the training loss at those epochs) and
            non-negative; NaN/inf only where the training curve diverged too.

    Returns:
        A :class:`Diagnosis` with the pattern, the advice for it and an
        ``evidence`` dict of the features the rules used.

    Raises:
        ValueError: curves that are not 1-D, shorter than 5 points, of different
            lengths, negative, or a validation curve with NaN/inf while the
            training curve is finite.
        TypeError: inputs that are not sequences of numbers.
    """
    t = _as_curve("train_losses", train_losses)
    v = _as_curve("val_losses", val_losses)
    if t.size != v.size:
        raise ValueError(
            "train_losses and val_losses must have one value per epoch each (the same "
            f"length), got {t.size} and {v.size}"
        )
    n = t.size
    if not np.isfinite(t).all():
        first = int(np.flatnonzero(~np.isfinite(t))[0])
        return Diagnosis("lr_too_high", ADVICE["lr_too_high"], {"first_non_finite": first})
    if not np.isfinite(v).all():
        raise ValueError(
            "val_losses must be finite where train_losses is: got NaN/inf at epochs "
            f"{np.flatnonzero(~np.isfinite(v))[:5].tolist()} (check the validation step)"
        )

    k = max(2, n // 3)
    scale = float(t.max())
    if scale <= 0.0:  # an all-zero training curve: measure against validation instead
        scale = float(v.max()) if v.max() > 0 else 1.0
    start, end = float(t[0]), float(np.median(t[-k:]))
    rise_above_start = (end - start) / scale
    spike = float(np.max(np.diff(t))) / scale
    jitter_train = _jitter(t, scale)
    drop = (start - end) / scale

    w = min(n, max(3, n // 10))
    smooth_v = _smooth(v, w)
    tail = slice(n // 3, None)
    sigma = float(np.std((v - smooth_v)[tail]))
    i_min = int(np.argmin(smooth_v))
    v_end = float(np.mean(v[-w:]))
    val_rise = (v_end - float(smooth_v[i_min])) / scale
    val_rise_noise = _OVERFIT_NOISE * sigma / math.sqrt(w) / scale
    gap = (float(np.median(v[-k:])) - end) / scale
    gap_ratio = float(np.median(v[-k:])) / end if end > 0 else math.inf
    jitter_val = _jitter(v, scale)

    evidence = {
        "rise_above_start": rise_above_start,
        "spike": spike,
        "jitter_train": jitter_train,
        "drop": drop,
        "val_min_epoch": float(i_min),
        "val_rise": val_rise,
        "val_rise_needed": max(_OVERFIT_RISE, val_rise_noise),
        "gap": gap,
        "gap_ratio": gap_ratio,
        "jitter_val": jitter_val,
        "end_fraction": end / scale,
    }

    if rise_above_start > _RISE_ABOVE_START or spike > _SPIKE or jitter_train > _JITTER_TRAIN:
        pattern = "lr_too_high"
    elif drop < _PLATEAU_DROP:
        pattern = "plateau"
    elif (
        i_min < n - w
        and val_rise > max(_OVERFIT_RISE, val_rise_noise)
        and end < float(np.median(v[-k:]))
    ) or (gap_ratio > _GAP_RATIO and gap > _GAP):
        pattern = "overfitting"
    elif jitter_val > _JITTER_VAL and jitter_val > _JITTER_RATIO * jitter_train:
        pattern = "noisy_validation"
    elif end / scale > _HIGH_END:
        pattern = "underfitting"
    else:
        pattern = "healthy"
    return Diagnosis(pattern, ADVICE[pattern], evidence)


# --- simulation: six real training runs ---------------------------------------------------------
def two_moons(
    n: int, generator: torch.Generator, *, noise: float = 0.15, flip: float = 0.0
) -> tuple[Tensor, Tensor]:
    """The two-moons toy data set (two interleaved half circles), standardised, float64.

    ``flip`` is the fraction of labels flipped (label noise). Returns ``x`` (n, 2) and the
    labels ``y`` (n,).
    """
    y = torch.randint(0, 2, (n,), generator=generator)
    t = torch.rand(n, generator=generator, dtype=torch.float64) * math.pi
    upper = torch.stack([torch.cos(t), torch.sin(t)], dim=1)
    lower = torch.stack([1.0 - torch.cos(t), 0.5 - torch.sin(t)], dim=1)
    x = torch.where(y[:, None] == 0, upper, lower)
    x = x + noise * torch.randn(n, 2, generator=generator, dtype=torch.float64)
    x = (x - torch.tensor([0.5, 0.25], dtype=torch.float64)) / torch.tensor(
        [0.87, 0.5], dtype=torch.float64
    )
    if flip > 0:  # label noise: flip a fraction of the labels
        flipped = torch.rand(n, generator=generator) < flip
        y = torch.where(flipped, 1 - y, y)
    return x, y


def mlp(*widths: int) -> nn.Sequential:
    """A float64 tanh MLP with the given layer widths, initialised the same on every CPU.

    The initialisation is PyTorch's default for ``nn.Linear`` (uniform in ±1/√fan_in, weights
    then bias, layer by layer), drawn as float32 uniforms and scaled in float64: torch's own
    ``uniform_`` rounds differently on different processors (fused or separate multiply-add).
    """
    layers: list[nn.Module] = []
    for fan_in, fan_out in itertools.pairwise(widths):
        linear = nn.Linear(fan_in, fan_out, dtype=torch.float64, device="meta")
        bound = 1.0 / math.sqrt(fan_in)
        weight = (torch.rand(fan_out, fan_in).double() * 2 - 1) * bound
        bias = (torch.rand(fan_out).double() * 2 - 1) * bound
        linear.weight = nn.Parameter(weight)
        linear.bias = nn.Parameter(bias)
        layers += [linear, nn.Tanh()]
    return nn.Sequential(*layers[:-1])


@torch.no_grad()
def snap_parameters(model: nn.Module, lr: float) -> None:
    """Round every parameter to a multiple of ``lr * 2**-20`` (a millionth of a step).

    Processors differ in the last bit of tanh and exp, and some runs (lr_too_high above all)
    are chaotic: without the rounding those last bits grow into a visibly different curve,
    and the book's printed numbers would depend on the CPU.
    """
    grid = lr * 2.0**-20
    for parameter in model.parameters():
        parameter.copy_(torch.round(parameter / grid) * grid)


def simulate(
    pattern: str, *, seed: int = 0, epochs: int | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Train a tiny classifier so that its loss curves show ``pattern``; return both curves.

    Every run classifies the two-moons data set (2-D points, two classes) with
    cross-entropy and full-batch gradient steps; one epoch is one step, and the
    losses are measured after each step on the whole training and validation
    sets. The settings that produce each pattern:

    ====================== =========================================================
    ``healthy``            MLP 2-16-16-2 (tanh), Adam lr 0.01, 300 training and 300
                           validation points, 150 epochs
    ``overfitting``        MLP 2-32-32-2, Adam lr 0.01, only 30 training points with
                           15% of labels flipped: it memorises the flipped labels
    ``underfitting``       a linear classifier (logistic regression, zero init) on
                           data a straight line cannot separate, Adam lr 0.05
    ``lr_too_high``        the healthy MLP with plain SGD at lr 30: the loss bounces
    ``plateau``            the healthy MLP with plain SGD at lr 5e-4: it barely moves
    ``noisy_validation``   the healthy run, validated each epoch on a fresh random
                           batch of only 8 points
    ====================== =========================================================

    Each run takes well under a second on a CPU. Deterministic for a given
    ``seed`` (data, initialisation, validation batches), and the same on every
    processor: the parameters are rounded to a multiple of lr·2⁻²⁰ (a
    millionth of a step) after every step, so that last-bit differences between
    CPUs' tanh or exp cannot grow through a chaotic run. The global random state and torch's thread count are
    restored afterwards.

    Args:
        pattern: one of :data:`PATTERNS`.
        seed: the random seed.
        epochs: the number of epochs (default 150), at least :data:`MIN_LENGTH`.

    Returns:
        ``(train_losses, val_losses)``, two float64 NumPy arrays of length ``epochs``.
    """
    if pattern not in PATTERNS:
        raise ValueError(f"pattern must be one of {PATTERNS}, got {pattern!r}")
    if epochs is None:
        epochs = 150
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < MIN_LENGTH:
        raise ValueError(f"epochs must be an integer >= {MIN_LENGTH}, got {epochs!r}")
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise TypeError(f"seed must be an int, got {type(seed).__name__}")

    threads = torch.get_num_threads()
    try:
        torch.set_num_threads(1)  # tiny matrices: threads only add overhead
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)  # the layers' default initialisation
            return _run(pattern, seed, epochs)
    finally:
        torch.set_num_threads(threads)


def _run(pattern: str, seed: int, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    g = torch.Generator().manual_seed(seed)
    n_train = 30 if pattern == "overfitting" else 300
    flip = 0.15 if pattern == "overfitting" else 0.0
    x, y = two_moons(n_train, g, flip=flip)
    x_val, y_val = two_moons(300, g, flip=flip)

    if pattern == "overfitting":
        model = mlp(2, 32, 32, 2)
    elif pattern == "underfitting":
        model = mlp(2, 2)
        nn.init.zeros_(model[0].weight)
        nn.init.zeros_(model[0].bias)
    else:
        model = mlp(2, 16, 16, 2)

    if pattern == "lr_too_high":
        optimiser = torch.optim.SGD(model.parameters(), lr=30.0)
    elif pattern == "plateau":
        optimiser = torch.optim.SGD(model.parameters(), lr=5e-4)
    elif pattern == "underfitting":
        optimiser = torch.optim.Adam(model.parameters(), lr=0.05)
    else:
        optimiser = torch.optim.Adam(model.parameters(), lr=0.01)

    lr = optimiser.param_groups[0]["lr"]
    train_losses, val_losses = [], []
    snap_parameters(model, lr)
    for _ in range(epochs):
        optimiser.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimiser.step()
        snap_parameters(model, lr)
        with torch.no_grad():
            train_losses.append(F.cross_entropy(model(x), y).item())
            if pattern == "noisy_validation":  # a fresh, tiny validation batch each epoch
                batch = torch.randint(0, x_val.shape[0], (8,), generator=g)
                val_losses.append(F.cross_entropy(model(x_val[batch]), y_val[batch]).item())
            else:
                val_losses.append(F.cross_entropy(model(x_val), y_val).item())
    return np.array(train_losses), np.array(val_losses)
