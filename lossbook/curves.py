r"""Reading loss curves: simulate the classic patterns with real training runs, and diagnose them.

A training run leaves two curves, the training loss and the validation loss
per epoch, and most of what went wrong can be read from their shapes
(chapter 14). This module names seven patterns:

======================== ============================================================
``healthy``              both curves fall and level off together, close to each other
``overfitting``          training loss keeps falling while validation loss turns up
                         (or stays far above it)
``underfitting``         both curves level off early, at a high loss, close together
``lr_too_high``          training loss jumps up, oscillates, diverges or becomes NaN
``plateau``              the loss barely moves at all
``noisy_validation``     validation loss jumps around a stable trend
``drops_then_plateaus``  the loss falls, then sits on a long flat stretch well above
                         what it reaches later (a saddle point), often more than once
======================== ============================================================

and flags two data problems whatever the pattern: an isolated jump in the
validation loss, and a training loss that is near zero almost at once.

:func:`simulate` produces each one from a real (tiny) training run, and
:func:`diagnose` reads a pair of curves back into one of these names with
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
    "two_modes",
    "two_moons",
]

PATTERNS: tuple[str, ...] = (
    "healthy",
    "overfitting",
    "underfitting",
    "lr_too_high",
    "plateau",
    "noisy_validation",
    "drops_then_plateaus",
)

MIN_LENGTH = 5

ADVICE: dict[str, str] = {
    "healthy": (
        "Both losses fall and level off together: keep the setup, and keep the checkpoint "
        "with the lowest validation loss."
    ),
    "overfitting": (
        "The validation loss climbs back from its minimum (or never came down with the "
        "training loss): stop early at the validation minimum, get more data or augment it, "
        "add regularisation (weight decay, dropout) or use a smaller model; if the training "
        "data holds outliers or label noise, clean them or use a robust loss."
    ),
    "underfitting": (
        "Both losses stay high: give the model more capacity (wider, deeper, better "
        "features), train longer, or weaken the regularisation."
    ),
    "lr_too_high": (
        "The training loss jumps up, oscillates, diverges, blows up or climbs back from its "
        "minimum: lower the learning rate (try 3-10x smaller), add warm-up or gradient "
        "clipping, and check the data and the loss for NaN/inf."
    ),
    "plateau": (
        "The loss barely moves: raise the learning rate or switch to an adaptive optimiser "
        "(Adam), check the initialisation (saturated or dead units), normalise the inputs, "
        "and check that gradients reach the weights."
    ),
    "noisy_validation": (
        "The validation loss jumps around a stable trend. If the training loss jumps with it, "
        "the weights themselves move from batch to batch: increase the batch size (or use "
        "gradient accumulation) or lower the learning rate. If the training loss is smooth, "
        "the validation set is too small to measure the loss: evaluate on more data (or "
        "average several batches), and smooth the curve or use patience before acting on it."
    ),
    "drops_then_plateaus": (
        "The loss falls, then sits on a long flat stretch well above what the run reaches "
        "later (or what is achievable): a saddle point or local minimum. Try another "
        "optimiser (Adam, momentum), learning-rate warm-up or a restart, a different "
        "initialisation, and train long enough to leave the flat stretch."
    ),
}

FLAGS: dict[str, str] = {
    "val_above_min": (
        "The validation loss ends above its own minimum: keep the checkpoint at the minimum, "
        "not the last one."
    ),
    "val_jump": (
        "The validation loss jumps up at an isolated epoch while the training loss does not: "
        "look for corrupted validation batches (a data-loading bug, a bad shard), or leakage "
        "that the run was relying on being disrupted."
    ),
    "too_easy": (
        "The training loss is near zero within the first few percent of training and the "
        "validation loss follows: the task is far easier than expected, or the labels leak "
        "into the inputs (an ID, a timestamp, a duplicated target column, validation "
        "examples also in the training set)."
    ),
    "blow_up": (
        "The first training loss is far above every later one: a blow-up in the first epoch, "
        "or a first epoch that already learned almost everything. Pass chance= (the "
        "knows-nothing loss) to tell them apart."
    ),
}

NOISE_SOURCES: tuple[str, ...] = ("small_batch", "small_validation_set")


@dataclass(frozen=True)
class Diagnosis:
    """What :func:`diagnose` concluded, what to do about it, and the numbers behind it.

    ``pattern`` is the first rule that matched, ``second`` the next most likely pattern
    (``None`` when no other rule comes close) and ``confidence`` a number in (0, 1]: 1 when
    the deciding feature is twice its threshold or more and no other rule matches, 0.5 for
    a feature exactly at its threshold. ``flags`` are warnings that hold whatever the
    pattern (data problems, a validation loss that ends above its minimum); their advice
    is appended to ``advice``. ``evidence`` holds every feature the rules used.
    """

    pattern: str
    advice: str
    evidence: dict[str, float] = field(default_factory=dict)
    second: str | None = None
    confidence: float = 1.0
    flags: tuple[str, ...] = ()


# --- thresholds of the rules (all scale-free: ratios of losses or fractions of the run) ---------
_BLOW_UP = 20.0  # blow-up: the first training loss is 20x the level right after it
_RECOVER = 0.5  # ... a run that does not halve its loss after the blow-up is dead
_ABOVE_CHANCE = 1.5  # lr_too_high: the training loss ends 1.5x above the chance level
_RISE_ABOVE_START = 0.10  # lr_too_high: the end sits 10% (of the span) above the start
_REBOUND = 0.5  # lr_too_high: the end gave back half of the gain down to the minimum
_SPIKE = 0.25  # lr_too_high: one epoch jumps up by 25% of the span
_JITTER_TRAIN = 0.15  # lr_too_high: the training loss zig-zags by 15% of its level
_COHERENT = 0.5  # wiggles correlated above 0.5 between the curves are the weights' own
_PLATEAU_DROP = 0.10  # plateau: less than 10% of the span is ever gained
_STAGE_LENGTH = 0.30  # drops_then_plateaus: a flat stretch over 30% of the run ...
_STAGE_FLAT = 0.05  # ... within 5% of the span ...
_STAGE_GAP = 0.25  # ... 25% of the span above what is reached later (or the floor) ...
_STAGE_FALL = 1.0  # ... by a fall no longer than 1x the flat stretch (not a slow creep)
_OVERFIT_RISE = 0.05  # overfitting: validation climbs 5% of the span above its minimum
_OVERFIT_NOISE = 6.0  # ... and 6 standard errors of the smoothed curve
_GAP_RATIO = 3.0  # overfitting: validation ends 3x above training ...
_GAP = 0.25  # ... and the gap is 25% of the span
_JITTER_VAL = 0.10  # noisy_validation: validation zig-zags by 10% of its level ...
_JITTER_RATIO = 3.0  # ... and 3x more than the training loss (or in step with it)
_HIGH_END = 0.20  # underfitting: more than 20% of the span remains
_JUMP = 0.25  # val_jump: one validation point 25% of the span above its neighbours ...
_JUMP_NOISE = 8.0  # ... and 8x the curve's typical deviation, the training loss calm there
_EASY_TIME = 0.05  # too_easy: within the first 5% of the run ...
_EASY_LEVEL = 0.05  # ... both losses below 5% of the span

THRESHOLDS: dict[str, float] = {
    name.lstrip("_"): value
    for name, value in dict(globals()).items()
    if name.startswith("_") and name[1:].isupper() and isinstance(value, float)
}


def _as_curve(name: str, values: object) -> np.ndarray:
    """Validate one loss curve (list, array or tensor) and return it as float64 NumPy."""
    if isinstance(values, Tensor):
        array = values.detach().to("cpu", torch.float64).numpy()
    else:
        if isinstance(values, (list, tuple)):  # a list of scalar tensors, as loss.item() forgot
            values = [
                float(v.detach().to("cpu", torch.float64).reshape(-1)[0])
                if isinstance(v, Tensor) and v.numel() == 1
                else v
                for v in values
            ]
        try:
            array = np.asarray(values, dtype=np.float64)
        except (TypeError, ValueError, RuntimeError):
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


def _as_level(name: str, value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, Tensor)):
        raise TypeError(f"{name} must be a number or None, got {type(value).__name__}")
    level = float(value)
    if not math.isfinite(level) or level < 0:
        raise ValueError(f"{name} must be a finite loss >= 0, got {level!r}")
    return level


def _as_steps(val_steps: object, n_val: int, n_train: int) -> np.ndarray:
    steps = np.asarray(val_steps)
    if steps.ndim != 1 or steps.size != n_val or not np.issubdtype(steps.dtype, np.integer):
        raise ValueError(
            f"val_steps must be {n_val} integers (the index in train_losses of each "
            f"validation loss), got {steps.size} values of type {steps.dtype}"
        )
    if steps[0] < 0 or steps[-1] >= n_train or np.any(np.diff(steps) <= 0):
        raise ValueError(
            f"val_steps must increase strictly within 0..{n_train - 1} (indices into "
            f"train_losses), got {steps[:3].tolist()}...{steps[-2:].tolist()}"
        )
    return steps.astype(np.int64)


def _smooth(x: np.ndarray, window: int) -> np.ndarray:
    """Centred moving average; near the ends the window shrinks to the points available."""
    half = window // 2
    csum = np.concatenate([[0.0], np.cumsum(x)])
    idx = np.arange(x.size)
    lo = np.clip(idx - half, 0, x.size)
    hi = np.clip(idx + half + 1, 0, x.size)
    return (csum[hi] - csum[lo]) / (hi - lo)


def _jitter(x: np.ndarray, span: float) -> float:
    """Mean zig-zag amplitude over the last two-thirds, relative to the curve's level there.

    A zig-zag at step i is min(|Δx_i|, |Δx_{i+1}|) when the curve turns (the two
    steps have opposite signs), else 0, so a monotone curve -- however steep --
    has no jitter; only back-and-forth movement counts. The level is the median
    of those points, floored at 5% of ``span`` so that a loss near zero does
    not make tiny wiggles look large.
    """
    tail = x[x.size // 3 :]
    if tail.size < 3:
        return 0.0
    d = np.diff(tail)
    turns = d[:-1] * d[1:] < 0
    zigzag = np.where(turns, np.minimum(np.abs(d[:-1]), np.abs(d[1:])), 0.0)
    level = max(float(np.median(tail)), 0.05 * span)
    return float(zigzag.mean() / level) if level > 0 else 0.0


def _coherence(t: np.ndarray, v: np.ndarray) -> float:
    """Correlation of the two curves' wiggles (each minus its 5-point moving average).

    Near 1 when the weights themselves move (full-batch oscillation, small batches
    evaluated on whole sets); near 0 when the wiggles are measurement noise
    (a minibatch loss, a small validation batch). 0 when either curve is smooth.
    """
    tail = slice(t.size // 3, None)
    rt, rv = (t - _smooth(t, 5))[tail], (v - _smooth(v, 5))[tail]
    if rt.size < 3 or rt.std() <= 1e-12 * np.abs(t).max() or rv.std() <= 1e-12 * np.abs(v).max():
        return 0.0
    return float(np.corrcoef(rt, rv)[0, 1])


def _blocks(x: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """Mean of x over each block (previous end, end]; the first block as long as the second."""
    first = max(0, int(ends[0]) - int(ends[1] - ends[0]) + 1) if ends.size > 1 else 0
    starts = np.concatenate([[first], ends[:-1] + 1])
    csum = np.concatenate([[0.0], np.cumsum(x)])
    return (csum[ends + 1] - csum[starts]) / (ends + 1 - starts)


def _flat_stretches(ts: np.ndarray, tol: float) -> list[tuple[int, int]]:
    """For each start a, the longest run [a, b) of the smoothed curve that stays within tol."""
    stretches = []
    for a in range(ts.size):
        seg = ts[a:]
        spread = np.maximum.accumulate(seg) - np.minimum.accumulate(seg)
        outside = np.flatnonzero(spread > tol)
        stretches.append((a, a + (int(outside[0]) if outside.size else seg.size)))
    return stretches


def _val_jumps(t: np.ndarray, v: np.ndarray, span: float) -> np.ndarray:
    """Epochs where validation jumps above its 5-point running median, training calm there."""
    n = v.size
    pad = np.pad(v, 2, mode="edge")
    med = np.median(np.lib.stride_tricks.sliding_window_view(pad, 5), axis=1)
    resid = v - med
    noise = 1.4826 * float(np.median(np.abs(resid)))
    t_pad = np.pad(t, 2, mode="edge")
    t_resid = t - np.median(np.lib.stride_tricks.sliding_window_view(t_pad, 5), axis=1)
    jumps = np.flatnonzero(
        (resid > _JUMP * span) & (resid > _JUMP_NOISE * noise) & (t_resid < _JUMP * span)
    )
    return jumps if 0 < jumps.size <= max(1, n // 50) + 1 else np.array([], dtype=np.int64)


def diagnose(
    train_losses: object,
    val_losses: object,
    *,
    val_steps: object = None,
    chance: float | None = None,
    floor: float | None = None,
    per_step: bool | None = None,
) -> Diagnosis:
    r"""Name the pattern of a pair of loss curves: the first rule that matches wins.

    **Preparing the curves.** With ``val_steps`` (the index in ``train_losses``
    of each validation loss, for a validation logged less often), the training
    loss is averaged over each stretch between two validation points, as Keras
    reports an epoch's mean. With ``per_step=True`` (or, when ``None``, if the
    training curve's wiggles are not in step with the validation curve's:
    correlation below {COHERENT}) the training loss is minibatch noise around a
    trend, and both curves are averaged over blocks of about √n points first.

    **Scale.** *start* is the first training loss, unless it is {BLOW_UP}× the
    level right after it (the larger of the second loss and the median of the
    second to fourth: a *blow-up*); then it is that level, and a run whose end
    is not below {RECOVER}× that level is dead.
    *top* = ``chance`` if given (the knows-nothing loss: ln C for C classes,
    the target variance for MSE), else *start*; *bottom* = ``floor`` if given
    (the noise floor), else 0; the *span* ``S`` = top − bottom. *end* is the
    median of the last third of the training curve, *min* the minimum of its
    moving average.

    1. ``lr_too_high`` if the training loss has a NaN or inf; or is dead after a
       blow-up; or ends above {ABOVE_CHANCE}× ``chance`` (or, after a blow-up,
       the validation loss ends above ``chance``); or *end* − *start* >
       {RISE_ABOVE_START} S; or it climbs back from its minimum, giving back
       more than {REBOUND} of its gain and more than {RISE_ABOVE_START} S;
       or some epoch jumps up by more than {SPIKE} S in step with the
       validation loss; or its *jitter* exceeds {JITTER_TRAIN}.
    2. ``plateau`` if *start* − *end* < {PLATEAU_DROP} S (and, when ``chance``
       is given, *end* − *bottom* > {HIGH_END} S: a run flat near zero is done).
    3. ``drops_then_plateaus`` if, after falling {PLATEAU_DROP} S, the smoothed
       training loss stays within {STAGE_FLAT} S for more than {STAGE_LENGTH}
       of the run, more than {STAGE_GAP} S above the lowest loss it reaches
       later (or above ``floor``, when the run ends on it), and falls that far
       within {STAGE_FALL}× the stretch's length (a second drop, not a creep).
    4. ``overfitting`` if the validation loss, smoothed over ``w = max(3,
       n // 10)`` points, has its minimum before the last ``w`` points and its
       last ``w`` values sit above that minimum by more than {OVERFIT_RISE} S
       and {OVERFIT_NOISE} standard errors (whatever the order of the two
       curves; this also sets the flag ``val_above_min``); or the validation
       loss ends more than {GAP_RATIO}× above the training loss with a gap
       over {GAP} S.
    5. ``noisy_validation`` if the validation jitter exceeds {JITTER_VAL} and
       is {JITTER_RATIO}× the training jitter (a small validation set) or in
       step with it (small batches: the weights move).
    6. ``underfitting`` if *end* − *bottom* > {HIGH_END} S.
    7. ``healthy`` otherwise -- unless the validation loss ends above where it
       started, which is never healthy (then ``overfitting``).

    Flags, whatever the pattern: ``val_jump`` (one or two validation points
    more than {JUMP} S and {JUMP_NOISE}× the curve's typical deviation above
    their neighbours, the training loss calm there); ``too_easy`` (both losses
    below {EASY_LEVEL} S after {EASY_TIME} of the run); ``blow_up``.

    *Jitter* is the mean zig-zag amplitude over the last two-thirds of a curve
    divided by its median there (floored at 0.05 S): a steep but smooth descent
    has none. Every quantity is a ratio of losses, so multiplying both curves
    (and ``chance``, ``floor``) by a constant changes nothing. They are rules
    of thumb for the textbook shapes, not a proof; look at the curves too
    (:func:`lossbook.plot.diagnosis_figure` marks what the rules used).

    Args:
        train_losses: training loss per epoch or per step (list, NumPy array or
            tensor), at least :data:`MIN_LENGTH` non-negative values; NaN and
            inf are allowed and mean divergence.
        val_losses: validation losses, non-negative and finite, at the same
            points as ``train_losses`` or at ``val_steps``.
        val_steps: optional increasing indices into ``train_losses``, one per
            validation loss.
        chance: optional knows-nothing loss level (ln C, the target variance).
        floor: optional lowest achievable loss (label noise, noise variance).
        per_step: whether the training loss is a per-step minibatch loss
            (``None``: decide from the curves).

    Returns:
        A :class:`Diagnosis`.

    Raises:
        ValueError: curves that are not 1-D, shorter than 5 points, of different
            lengths without ``val_steps``, negative, a validation curve with
            NaN/inf while the training curve is finite, bad ``val_steps``, or
            ``floor`` >= ``chance``.
        TypeError: inputs that are not sequences of numbers.
    """
    t = _as_curve("train_losses", train_losses)
    v = _as_curve("val_losses", val_losses)
    chance, floor = _as_level("chance", chance), _as_level("floor", floor)
    if chance is not None and floor is not None and floor >= chance:
        raise ValueError(f"floor must be below chance, got floor={floor} and chance={chance}")
    if val_steps is None and t.size != v.size:
        raise ValueError(
            "train_losses and val_losses must have one value per epoch each (the same "
            f"length), got {t.size} and {v.size}; if you validate less often, pass "
            "val_steps= (the index in train_losses of each validation loss)"
        )
    steps = None if val_steps is None else _as_steps(val_steps, v.size, t.size)
    if not np.isfinite(t).all():
        first = int(np.flatnonzero(~np.isfinite(t))[0])
        return Diagnosis("lr_too_high", ADVICE["lr_too_high"], {"first_non_finite": first})
    if not np.isfinite(v).all():
        raise ValueError(
            "val_losses must be finite where train_losses is: got NaN/inf at epochs "
            f"{np.flatnonzero(~np.isfinite(v))[:5].tolist()} (check the validation step)"
        )

    # Put both curves on one grid; average minibatch noise away.
    block = 1
    if steps is not None:
        t = _blocks(t, steps)
        block = int(np.median(np.diff(steps))) if steps.size > 1 else 1
    coherence = _coherence(t, v)
    if per_step is None:
        per_step = (  # long, noisy and not in step with validation: a minibatch loss
            steps is None
            and t.size >= 100
            and _jitter(t, t.max()) > _JITTER_VAL
            and coherence < _COHERENT
        )
    if per_step and steps is None:
        block = max(2, min(math.isqrt(t.size), t.size // MIN_LENGTH))
        ends = np.arange(block - 1, t.size, block)
        t, v = _blocks(t, ends), _blocks(v, ends)
        coherence = _coherence(t, v)
    n = t.size
    k = max(2, n // 3)

    # Scale: start (robust to a blow-up), top (chance if known), bottom (floor if known).
    after = max(float(t[1]), float(np.median(t[1:4])))  # the level right after the first
    blow_up = bool(t[0] > _BLOW_UP * after or (chance and t[0] > _BLOW_UP * chance))
    dead = blow_up and float(np.median(t[-k:])) > _RECOVER * after
    start = after if blow_up else float(t[0])
    top = chance if chance is not None else start
    bottom = floor if floor is not None else 0.0
    span = top - bottom
    if span <= 0.0:  # an all-zero training curve: measure against validation instead
        span = float(v.max()) if v.max() > 0 else 1.0
    t_fit = t[1:] if blow_up else t  # after a blow-up, read the run that follows it
    end = float(np.median(t[-k:]))
    t_min = float(_smooth(t_fit, 3).min())
    rise_above_start = (end - start) / span
    gain = float(np.median(t_fit[:3])) - t_min  # from a robust start: climbed back how far?
    rebound = (end - t_min) / gain if gain > 0 else 0.0
    spike = float(np.max(np.diff(t_fit))) / span
    jitter_train = _jitter(t_fit, span)
    drop = (start - end) / span
    above_chance = end / chance if chance else 0.0

    # Stage-wise learning: a long flat stretch well above what is reached later.
    ts = _smooth(t, max(3, n // 25))
    a, b, stage_gap, stage_fell, stage_fall, stage_strength = 0, 0, 0.0, 0.0, 0.0, 0.0
    for a_i, b_i in _flat_stretches(ts, _STAGE_FLAT * span):
        later = float(ts[b_i:].min()) if b_i < n else (floor if floor is not None else math.inf)
        level = float(np.median(ts[a_i:b_i]))
        gap_i = (level - later) / span
        fell_i = (start - float(ts[a_i])) / span
        below = np.flatnonzero(ts[b_i:] <= level - _STAGE_GAP * span)
        fall_i = (int(below[0]) + 1) / (b_i - a_i) if below.size else 0.0  # in stretch lengths
        strength_i = min(
            (b_i - a_i) / n / _STAGE_LENGTH,
            gap_i / _STAGE_GAP,
            fell_i / _PLATEAU_DROP,
            _STAGE_FALL / fall_i if fall_i else math.inf,
        )
        if strength_i > stage_strength or b == 0:
            a, b, stage_strength = a_i, b_i, strength_i
            stage_gap, stage_fell, stage_fall = gap_i, fell_i, fall_i

    # The validation curve: smoothed, its minimum, its rise, its noise, its jumps.
    w = min(n, max(3, n // 10))
    v_top = chance if chance is not None else max(float(v[0]), float(np.median(v[:3])))
    v_span = max(v_top - bottom, 1e-300)  # the validation curve's own span
    jumps = _val_jumps(t, v, v_span)
    v_calm = v.copy()  # the curve without its isolated jumps, for its noise and jitter
    v_calm[jumps] = np.median(v[np.clip(jumps[:, None] + [-2, -1, 1, 2], 0, n - 1)], axis=1)
    smooth_v = _smooth(v_calm, w)
    sigma = float(np.std((v_calm - smooth_v)[n // 3 :]))
    i_min = int(np.argmin(smooth_v))
    v_end = float(np.mean(v_calm[-w:]))
    v_start = float(np.median(v[:3]))
    val_rise = (v_end - float(smooth_v[i_min])) / v_span
    val_rise_needed = max(_OVERFIT_RISE, _OVERFIT_NOISE * sigma / math.sqrt(w) / v_span)
    gap = (float(np.median(v[-k:])) - end) / span
    gap_ratio = float(np.median(v[-k:])) / end if end > 0 else math.inf
    jitter_val = _jitter(v_calm, v_span)
    i_easy = max(1, math.ceil(_EASY_TIME * n))
    easy_top = max(top, float(t[0])) - bottom  # near zero: against the very first loss
    easy_top = easy_top if easy_top > 0 else span
    easy = max(float(t[i_easy]), float(v[i_easy]), float(np.median(v[-k:]))) - bottom

    evidence = {
        "block": float(block),
        "start": start,
        "top": top,
        "bottom": bottom,
        "span": span,
        "end": end,
        "train_min": t_min,
        "blow_up_ratio": float(t[0]) / after if after > 0 else math.inf,
        "recovery": end / after if after > 0 else math.inf,
        "above_chance": above_chance,
        "rise_above_start": rise_above_start,
        "rebound": rebound,
        "spike": spike,
        "jitter_train": jitter_train,
        "coherence": coherence,
        "drop": drop,
        "stage_start": float(a),
        "stage_end": float(b),
        "stage_length": (b - a) / n,
        "stage_gap": stage_gap,
        "stage_fell": stage_fell,
        "stage_fall": stage_fall,
        "smooth_window": float(w),
        "val_min_epoch": float(i_min),
        "val_rise": val_rise,
        "val_rise_needed": val_rise_needed,
        "val_end_over_start": v_end / v_start if v_start > 0 else math.inf,
        "gap": gap,
        "gap_ratio": gap_ratio,
        "jitter_val": jitter_val,
        "val_jump_epoch": float(jumps[0]) if jumps.size else -1.0,
        "easy_level": easy / easy_top,
        "end_fraction": (end - bottom) / span,
    }

    # Each rule's strength: its deciding feature over its threshold (> 1: the rule matches).
    coherent = coherence > _COHERENT
    robust_start = gain + t_min
    rebound_rise = (end - t_min) / robust_start if robust_start > 0 else 0.0
    rebound_strength = min(rebound / _REBOUND, rebound_rise / _RISE_ABOVE_START)
    strength = {
        "lr_too_high": max(
            4.0 if dead else 0.0,
            above_chance / _ABOVE_CHANCE,
            v_end / chance if blow_up and chance else 0.0,
            rise_above_start / _RISE_ABOVE_START,
            rebound_strength,
            spike / _SPIKE if coherent or not per_step else 0.0,
            jitter_train / _JITTER_TRAIN,
        ),
        "plateau": min(  # barely moves -- and, when chance is known, not because it is done
            _PLATEAU_DROP / abs(drop) if drop else math.inf,
            (end - bottom) / span / _HIGH_END if chance is not None else math.inf,
        ),
        "drops_then_plateaus": stage_strength,
        "overfitting": max(
            val_rise / val_rise_needed if i_min < n - w else 0.0,
            min(gap_ratio / _GAP_RATIO, gap / _GAP),
        ),
        "noisy_validation": min(
            jitter_val / _JITTER_VAL,
            max(
                jitter_val / (_JITTER_RATIO * jitter_train) if jitter_train else math.inf,
                coherence / _COHERENT,
            ),
        ),
        "underfitting": (end - bottom) / span / _HIGH_END,
    }
    strength = {p: min(s, 1e6) for p, s in strength.items()}
    matched = [p for p in strength if strength[p] > 1.0]
    strength["healthy"] = 1.0 / max(max(strength.values()), 1e-12)
    pattern = matched[0] if matched else "healthy"
    if pattern == "healthy" and v_end > v_start:
        pattern = "overfitting"  # a validation loss that ends above its start is never healthy
        strength["overfitting"] = max(strength["overfitting"], v_end / v_start)

    flags = []
    if i_min < n - w and val_rise > val_rise_needed:
        flags.append("val_above_min")
    if jumps.size and jitter_val <= _JITTER_VAL:  # in a noisy curve a jump is not isolated
        flags.append("val_jump")
    if easy < _EASY_LEVEL * easy_top:
        flags.append("too_easy")
    if blow_up:
        flags.append("blow_up")

    # The runner-up: the next matching rule, else the strongest of the others; underfitting
    # follows from a plateau or a stage-wise run, so it is not a rival to them.
    implied = {"plateau": {"underfitting"}, "drops_then_plateaus": {"underfitting"}}
    rivals = {p: s for p, s in strength.items() if p != pattern}
    for p in implied.get(pattern, ()):
        rivals.pop(p)
    second = max(rivals, key=lambda p: (rivals[p] > 1.0, rivals[p]))
    if blow_up and pattern != "lr_too_high":
        second, rivals[second] = "lr_too_high", 1.0
    s1, s2 = max(strength[pattern], 1e-12), max(rivals[second], 1e-12)
    confidence = 0.5 + 0.5 * min(1.0, max(0.0, math.log2(s1)))
    if s2 > 1.0:
        confidence = min(confidence, 0.5 + 0.5 * min(1.0, max(0.0, math.log2(s1 / s2))), 0.75)
    if s2 < 0.5:
        second = None

    advice = ADVICE[pattern]
    if pattern == "noisy_validation":
        source = NOISE_SOURCES[0] if coherent else NOISE_SOURCES[1]
        evidence["noise_from_training"] = float(coherent)
        advice += f" Here the wiggles point to: {source.replace('_', ' ')}."
    advice = " ".join(
        [advice, *(FLAGS[f] for f in flags if f != "val_above_min" or pattern != "overfitting")]
    )
    return Diagnosis(pattern, advice, evidence, second, round(confidence, 3), tuple(flags))


diagnose.__doc__ = (diagnose.__doc__ or "").format(**THRESHOLDS)


# --- simulation: one real training run per pattern ----------------------------------------------
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


def two_modes(n: int, generator: torch.Generator) -> tuple[Tensor, Tensor]:
    """A linear regression task with two modes of equal loss learned at speeds 6x apart, float64.

    Input 0 (spread 1.5) maps to output 0 with gain 1, input 1 (spread 1/4) to output 1 with
    gain 6: each carries the same loss, but the second mode's input-output correlation is
    6x weaker, so a deep network started near zero learns it much later -- two drops with a
    plateau between (Saxe et al. 2014). Returns ``x`` (n, 4) and the targets ``y`` (n, 4).
    """
    spread = torch.tensor([1.5, 0.25, 0.0, 0.0], dtype=torch.float64)
    gain = torch.tensor([1.0, 6.0, 0.0, 0.0], dtype=torch.float64)
    x = torch.randn(n, 4, generator=generator, dtype=torch.float64) * spread
    return x, x * gain


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

    ======================== =========================================================
    ``healthy``              MLP 2-16-16-2 (tanh), Adam lr 0.01, 300 training and 300
                             validation points, 150 epochs
    ``overfitting``          MLP 2-32-32-2, Adam lr 0.01, only 30 training points with
                             15% of labels flipped: it memorises the flipped labels
    ``underfitting``         a linear classifier (logistic regression, zero init) on
                             data a straight line cannot separate, Adam lr 0.05
    ``lr_too_high``          the healthy MLP with plain SGD at lr 30: the loss bounces
    ``plateau``              the healthy MLP with plain SGD at lr 5e-4: it barely moves
    ``noisy_validation``     the healthy run, validated each epoch on a fresh random
                             batch of only 8 points
    ``drops_then_plateaus``  the exception to two moons: a 4-4-4 tanh network started
                             at 2% of its usual initialisation (near the saddle at the
                             origin) regresses :func:`two_modes` with the mean squared
                             error, SGD lr 0.3: it learns one mode, sits on a plateau,
                             then learns the second
    ======================== =========================================================

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
    if pattern == "drops_then_plateaus":
        return _stagewise(g, epochs)
    n_train = 30 if pattern == "overfitting" else 300
    flip = 0.15 if pattern == "overfitting" else 0.0
    x, y = two_moons(n_train, g, flip=flip)
    x_val, y_val = two_moons(300, g, flip=flip)

    if pattern == "overfitting":
        model = mlp(2, 32, 32, 2)
    elif pattern == "underfitting":
        model = mlp(2, 2)
        first_layer = model[0]
        assert isinstance(first_layer, nn.Linear)
        nn.init.zeros_(first_layer.weight)
        nn.init.zeros_(first_layer.bias)
    else:
        model = mlp(2, 16, 16, 2)

    optimiser: torch.optim.Optimizer
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


def _stagewise(g: torch.Generator, epochs: int) -> tuple[np.ndarray, np.ndarray]:
    """A 4-4-4 tanh network, scaled to 2% of its initialisation, on :func:`two_modes`."""
    x, y = two_modes(300, g)
    x_val, y_val = two_modes(300, g)
    model = mlp(4, 4, 4)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.mul_(0.02)  # near zero: near the saddle at the origin
    optimiser = torch.optim.SGD(model.parameters(), lr=0.3)
    train_losses, val_losses = [], []
    snap_parameters(model, 0.3)
    for _ in range(epochs):
        optimiser.zero_grad()
        F.mse_loss(model(x), y).backward()
        optimiser.step()
        snap_parameters(model, 0.3)
        with torch.no_grad():
            train_losses.append(F.mse_loss(model(x), y).item())
            val_losses.append(F.mse_loss(model(x_val), y_val).item())
    return np.array(train_losses), np.array(val_losses)
