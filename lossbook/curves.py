r"""Reading loss curves: name the pattern of a training run from its two loss curves.

A training run leaves two curves, the training loss and the validation loss
per epoch (or per step), and most of what went wrong can be read from their
shapes (chapter 14). This module names seven patterns:

======================== ============================================================
``healthy``              both curves fall and level off together, close to each other
                         (or are still falling together: flag ``still_improving``)
``overfitting``          training loss keeps falling while validation loss turns up
                         (or stays far above it)
``underfitting``         both curves level off at a loss that is high against the
                         chance level (or, told nothing, at over half the first loss)
``lr_too_high``          training loss jumps up, oscillates, diverges or becomes NaN
``plateau``              the loss barely moves at all
``noisy_validation``     validation loss jumps around a stable trend
``drops_then_plateaus``  the loss falls, then sits on a long flat stretch well above
                         what it reaches later (a saddle point), often more than once
======================== ============================================================

and flags data problems whatever the pattern. :func:`diagnose` works in four
steps, each readable on its own: the curves are *prepared* (validated, put on
one grid, minibatch noise averaged away); *features* are measured, each by a
small function that returns its numbers (the ``evidence``); the *pattern
table* :data:`RULES` turns features into one strength per pattern (a feature
over its threshold: above 1 the rule matches); the *decision* takes the first
matching rule in the table's order. Every threshold is in :data:`THRESHOLDS`.

:func:`read_log` reads the logs that training libraries write (Hugging Face
``trainer_state.json``, Lightning ``metrics.csv``, Keras CSV or history,
TensorBoard events, a named-column CSV), and ``python -m lossbook.curves PATH``
prints the diagnosis of one. The simulated runs that show each pattern are in
:mod:`lossbook.curve_sims` (re-exported here).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import Tensor

__all__ = [
    "ADVICE",
    "FLAGS",
    "MIN_LENGTH",
    "PATTERNS",
    "RULES",
    "THRESHOLDS",
    "Diagnosis",
    "Log",
    "Rule",
    "diagnose",
    "main",
    "mlp",
    "read_log",
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
        "Both losses fall together: keep the setup, and keep the checkpoint with the lowest "
        "validation loss."
    ),
    "overfitting": (
        "The validation loss climbs back from its minimum (or never came down with the "
        "training loss): stop early at the validation minimum, get more data or augment it, "
        "add regularisation (weight decay, dropout) or use a smaller model; if the training "
        "data holds outliers or label noise, clean them or use a robust loss."
    ),
    "underfitting": (
        "Both losses level off high (against the chance level, or at over half the first "
        "loss): give the model more capacity (wider, deeper, better features), or weaken "
        "the regularisation; training longer will not help a flat curve."
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
    "still_improving": (
        "Still improving: both losses are still falling at the end of the run, so train "
        "longer before judging the level they reach."
    ),
    "too_easy": (
        "Both losses are near zero (against the chance level) within the first few percent "
        "of training: the task is far easier than expected, or the labels leak "
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
_PER_STEP_LENGTH = 100.0  # per_step=None: only a curve of 100+ points can be a per-step log
_PLATEAU_DROP = 0.10  # plateau: less than 10% of the span is ever gained
_STAGE_LENGTH = 0.30  # drops_then_plateaus: a flat stretch over 30% of the run ...
_STAGE_FLAT = 0.05  # ... within 5% of the span ...
_STAGE_GAP = 0.25  # ... 25% of the span above what is reached later (or the floor) ...
_STAGE_FALL = 1.0  # ... by a fall no longer than 1x the flat stretch (not a slow creep)
_OVERFIT_RISE = 0.05  # overfitting: validation climbs 5% of the span above its minimum
_OVERFIT_NOISE = 6.0  # ... and 6 standard errors of the smoothed curve
_SHORT_RUN = 10.0  # a run of up to 10 points is read point by point (no smoothing) ...
_SHORT_RISE = 0.05  # ... overfitting: its last two validation losses 5% above the minimum
_GAP_RATIO = 3.0  # overfitting: validation ends 3x above training ...
_GAP = 0.25  # ... and the gap is 25% of the span
_JITTER_VAL = 0.10  # noisy_validation: validation zig-zags by 10% of its level ...
_JITTER_RATIO = 3.0  # ... and 3x more than the training loss (or in step with it)
_HIGH_END = 0.20  # underfitting, chance or floor given: more than 20% of the span remains
_HIGH_END_BLIND = 0.5  # underfitting, neither given: more than half the first loss remains
_STILL_FALLING = 0.05  # still improving: both curves fell 5% of their level in the last quarter
_JUMP = 0.25  # val_jump: one validation point 25% of the span above its neighbours ...
_JUMP_NOISE = 8.0  # ... and 8x the curve's typical deviation, the training loss calm there
_EASY_TIME = 0.05  # too_easy (chance given): within the first 5% of the run ...
_EASY_LEVEL = 0.01  # ... both losses below 1% of the span

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


# --- 1. preparing the curves ---------------------------------------------------------------------
@dataclass
class Prepared:
    """Both curves on one grid, with what the caller told about the task.

    ``t`` and ``v`` are the training and validation losses at the same points (after the
    training loss was averaged between validation points, or both over blocks of a
    per-step log); ``block`` is how many raw points one grid point stands for.
    """

    t: np.ndarray
    v: np.ndarray
    block: int
    per_step: bool
    chance: float | None
    floor: float | None


def prepare(
    train_losses: object,
    val_losses: object,
    *,
    val_steps: object = None,
    chance: float | None = None,
    floor: float | None = None,
    per_step: bool | None = None,
) -> Prepared | Diagnosis:
    """Validate the curves and put them on one grid (a :class:`Diagnosis` for NaN/inf)."""
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
    block = 1
    if steps is not None:  # the training loss averaged between validations, as Keras reports
        t = _blocks(t, steps)
        block = int(np.median(np.diff(steps))) if steps.size > 1 else 1
    if per_step is None:  # long, noisy and not in step with validation: a minibatch loss
        per_step = (
            steps is None
            and t.size >= _PER_STEP_LENGTH
            and _jitter(t, t.max()) > _JITTER_VAL
            and _coherence(t, v) < _COHERENT
        )
    if per_step and steps is None:
        block = max(2, min(math.isqrt(t.size), t.size // MIN_LENGTH))
        ends = np.arange(block - 1, t.size, block)
        t, v = _blocks(t, ends), _blocks(v, ends)
    return Prepared(t, v, block, bool(per_step), chance, floor)


# --- 2. the features: each a small function returning its numbers --------------------------------
def scale_features(p: Prepared) -> dict[str, float]:
    """*start* (robust to a first-epoch blow-up), *top*, *bottom*, the *span*, *end*."""
    t, n = p.t, p.t.size
    k = max(2, n // 3)
    after = max(float(t[1]), float(np.median(t[1:4])))  # the level right after the first
    blow_up = bool(t[0] > _BLOW_UP * after or (p.chance and t[0] > _BLOW_UP * p.chance))
    end = float(np.median(t[-k:]))
    start = after if blow_up else float(t[0])
    top = p.chance if p.chance is not None else start
    bottom = p.floor if p.floor is not None else 0.0
    span = top - bottom
    if span <= 0.0:  # an all-zero training curve: measure against validation instead
        span = float(p.v.max()) if p.v.max() > 0 else 1.0
    return {
        "block": float(p.block),
        "start": start,
        "top": top,
        "bottom": bottom,
        "span": span,
        "end": end,
        "train_min": float(_smooth(t[1:] if blow_up else t, 3).min()),
        "blow_up_ratio": float(t[0]) / after if after > 0 else math.inf,
        "recovery": end / after if after > 0 else math.inf,
        "blow_up": float(blow_up),
        "dead": float(blow_up and end > _RECOVER * after),
        "known_scale": float(p.chance is not None or p.floor is not None),
        "end_fraction": (end - bottom) / span,
        "drop": (start - end) / span,
    }


def training_features(p: Prepared, s: dict[str, float]) -> dict[str, float]:
    """How the training loss moves: rises, rebounds, spikes, zig-zags."""
    t_fit = p.t[1:] if s["blow_up"] else p.t  # after a blow-up, read the run that follows it
    span, end, t_min = s["span"], s["end"], s["train_min"]
    gain = float(np.median(t_fit[:3])) - t_min  # from a robust start: climbed back how far?
    robust_start = gain + t_min
    return {
        "above_chance": end / p.chance if p.chance else 0.0,
        "rise_above_start": (end - s["start"]) / span,
        "rebound": (end - t_min) / gain if gain > 0 else 0.0,
        "rebound_rise": (end - t_min) / robust_start if robust_start > 0 else 0.0,
        "spike": float(np.max(np.diff(t_fit))) / span,
        "jitter_train": _jitter(t_fit, span),
        "coherence": _coherence(p.t, p.v),
        "per_step": float(p.per_step),
    }


def stage_features(p: Prepared, s: dict[str, float]) -> dict[str, float]:
    """The best flat stretch well above what is reached later (a saddle), and its strength."""
    n, span = p.t.size, s["span"]
    ts = _smooth(p.t, max(3, n // 25))
    best = {"stage_start": 0.0, "stage_end": 0.0, "stage_gap": 0.0, "stage_fell": 0.0}
    best |= {"stage_fall": 0.0, "stage_strength": 0.0}
    for a, b in _flat_stretches(ts, _STAGE_FLAT * span):
        later = float(ts[b:].min()) if b < n else (p.floor if p.floor is not None else math.inf)
        level = float(np.median(ts[a:b]))
        gap = (level - later) / span
        fell = (s["start"] - float(ts[a])) / span
        below = np.flatnonzero(ts[b:] <= level - _STAGE_GAP * span)
        fall = (int(below[0]) + 1) / (b - a) if below.size else 0.0  # in stretch lengths
        strength = min(
            (b - a) / n / _STAGE_LENGTH,
            gap / _STAGE_GAP,
            fell / _PLATEAU_DROP,
            _STAGE_FALL / fall if fall else math.inf,
        )
        if strength > best["stage_strength"] or best["stage_end"] == 0:
            best = {"stage_start": float(a), "stage_end": float(b), "stage_gap": gap}
            best |= {"stage_fell": fell, "stage_fall": fall, "stage_strength": strength}
    best["stage_length"] = (best["stage_end"] - best["stage_start"]) / n
    return best


def validation_features(p: Prepared, s: dict[str, float]) -> dict[str, float]:
    """The validation curve: smoothed, its minimum and rise, its gap, noise and jumps."""
    t, v, n = p.t, p.v, p.v.size
    k = max(2, n // 3)
    w = min(n, max(3, n // 10))
    v_top = p.chance if p.chance is not None else max(float(v[0]), float(np.median(v[:3])))
    v_span = max(v_top - s["bottom"], 1e-300)  # the validation curve's own span
    jumps = _val_jumps(t, v, v_span)
    v_calm = v.copy()  # the curve without its isolated jumps, for its noise and jitter
    v_calm[jumps] = np.median(v[np.clip(jumps[:, None] + [-2, -1, 1, 2], 0, n - 1)], axis=1)
    smooth_v = _smooth(v_calm, w)
    sigma = float(np.std((v_calm - smooth_v)[n // 3 :]))
    i_min = int(np.argmin(smooth_v))
    v_end, v_start = float(np.mean(v_calm[-w:])), float(np.median(v[:3]))
    v_tail, end = float(np.median(v[-k:])), s["end"]
    return {
        "smooth_window": float(w),
        "val_min_epoch": float(i_min),
        "val_min_at_end": float(i_min >= n - w),
        "val_rise": (v_end - float(smooth_v[i_min])) / v_span,
        "val_rise_needed": max(_OVERFIT_RISE, _OVERFIT_NOISE * sigma / math.sqrt(w) / v_span),
        "val_end_over_start": v_end / v_start if v_start > 0 else math.inf,
        "gap": (v_tail - end) / s["span"],
        "gap_ratio": v_tail / end if end > 0 else math.inf,
        "jitter_val": _jitter(v_calm, v_span),
        "val_jump_epoch": float(jumps[0]) if jumps.size else -1.0,
        "val_jumps": float(jumps.size),
        "val_after_blow_up": v_end / p.chance if s["blow_up"] and p.chance else 0.0,
    }


def short_run_features(p: Prepared) -> dict[str, float]:
    """A run of up to SHORT_RUN points, point by point: how far validation rose from its minimum.

    Smoothing a 7-point curve over 3 points hides a rise over its last 3; here the last two
    validation losses are compared with the minimum itself, which must come 2+ points before
    the end.
    """
    v, n = p.v, p.v.size
    i_min = int(np.argmin(v))
    rising = n <= _SHORT_RUN and i_min <= n - 3 and v[i_min] > 0
    return {"short_rise": float(v[-2:].min() / v[i_min] - 1.0) if rising else 0.0}


def ending_features(p: Prepared) -> dict[str, float]:
    """How much each curve fell over the last quarter of the run, relative to its level there.

    Compares the mean of the last eighth with the mean of the eighth before it: a run that
    has levelled off has fallen ~0; one that is still improving has not.
    """
    m = max(1, p.t.size // 8)

    def fall(x: np.ndarray) -> float:
        before, last = float(np.mean(x[-2 * m : -m])), float(np.mean(x[-m:]))
        return (before - last) / last if last > 0 else 0.0

    return {"train_fall_end": fall(p.t), "val_fall_end": fall(p.v)}


def easy_features(p: Prepared, s: dict[str, float]) -> dict[str, float]:
    """The higher of the two losses after EASY_TIME of the run, over the span."""
    t, v, n = p.t, p.v, p.t.size
    i_easy = max(1, math.ceil(_EASY_TIME * n))
    easy = max(float(t[i_easy]), float(v[i_easy]))
    return {"easy_level": (easy - s["bottom"]) / s["span"]}


def features(p: Prepared) -> dict[str, float]:
    """Every feature the rules use (the ``evidence`` of a :class:`Diagnosis`)."""
    s = scale_features(p) | {"chance_given": float(p.chance is not None)}
    return (
        s
        | training_features(p, s)
        | stage_features(p, s)
        | validation_features(p, s)
        | short_run_features(p)
        | ending_features(p)
        | easy_features(p, s)
    )


# --- 3. the pattern table: each rule's strength (> 1: it matches), in the order they are read -----
def _lr_too_high(f: dict[str, float]) -> float:
    rebound = min(f["rebound"] / _REBOUND, f["rebound_rise"] / _RISE_ABOVE_START)
    return max(
        4.0 if f["dead"] else 0.0,
        f["above_chance"] / _ABOVE_CHANCE,
        f["val_after_blow_up"],
        f["rise_above_start"] / _RISE_ABOVE_START,
        rebound,
        f["spike"] / _SPIKE if f["coherence"] > _COHERENT or not f["per_step"] else 0.0,
        f["jitter_train"] / _JITTER_TRAIN,
    )


def _plateau(f: dict[str, float]) -> float:  # not because it is done, when chance is known
    high = f["end_fraction"] / _HIGH_END if f["chance_given"] else math.inf
    return min(_PLATEAU_DROP / abs(f["drop"]) if f["drop"] else math.inf, high)


def _overfitting(f: dict[str, float]) -> float:
    rise = f["val_rise"] / f["val_rise_needed"] if not f["val_min_at_end"] else 0.0
    gap = min(f["gap_ratio"] / _GAP_RATIO, f["gap"] / _GAP)
    return max(rise, gap, f["short_rise"] / _SHORT_RISE)


def _noisy_validation(f: dict[str, float]) -> float:
    ratio = f["jitter_val"] / (_JITTER_RATIO * f["jitter_train"]) if f["jitter_train"] else math.inf
    return min(f["jitter_val"] / _JITTER_VAL, max(ratio, f["coherence"] / _COHERENT))


def _underfitting(f: dict[str, float]) -> float:  # high against something, and flat
    if _still_improving(f) > 1.0:
        return 0.0
    if f["known_scale"]:
        return f["end_fraction"] / _HIGH_END
    # Told nothing, a run that falls and flattens with its validation minimum at the end is a
    # finished run (a fine-tune starts near its floor): high needs a validation that stalled.
    return 0.0 if f["val_min_at_end"] else f["end_fraction"] / _HIGH_END_BLIND


def _still_improving(f: dict[str, float]) -> float:
    return min(f["train_fall_end"], f["val_fall_end"]) / _STILL_FALLING


@dataclass(frozen=True)
class Rule:
    """One row of the pattern table: the pattern, its condition in words, its strength."""

    pattern: str
    condition: str
    strength: Callable[[dict[str, float]], float]


RULES: tuple[Rule, ...] = (
    Rule(
        "lr_too_high",
        "NaN/inf; dead after a blow-up; ends ABOVE_CHANCE x chance; rises RISE_ABOVE_START "
        "above the start; gives back REBOUND of its gain; a SPIKE; JITTER_TRAIN zig-zag",
        _lr_too_high,
    ),
    Rule("plateau", "gains under PLATEAU_DROP of the span (and, with chance, ends high)", _plateau),
    Rule(
        "drops_then_plateaus",
        "a flat stretch (STAGE_FLAT) over STAGE_LENGTH of the run, STAGE_GAP above what "
        "comes later, left within STAGE_FALL x its length",
        lambda f: f["stage_strength"],
    ),
    Rule(
        "overfitting",
        "validation climbs OVERFIT_RISE (and OVERFIT_NOISE standard errors) above its "
        "minimum; or ends GAP_RATIO x and GAP above training; or, in a run of SHORT_RUN "
        "points or fewer, its last two values SHORT_RISE above a minimum before them",
        _overfitting,
    ),
    Rule(
        "noisy_validation",
        "validation zig-zags JITTER_VAL, JITTER_RATIO x training's (or in step with it)",
        _noisy_validation,
    ),
    Rule(
        "underfitting",
        "flat (not still improving) and high: HIGH_END of the span with chance/floor; "
        "without, HIGH_END_BLIND of the first loss and validation stalled before the end",
        _underfitting,
    ),
)


# --- 4. the decision ------------------------------------------------------------------------------
def _flags(f: dict[str, float], pattern: str) -> list[str]:
    flags = []
    if not f["val_min_at_end"] and f["val_rise"] > f["val_rise_needed"]:
        flags.append("val_above_min")
    if f["val_jumps"] and f["jitter_val"] <= _JITTER_VAL:  # in noise a jump is not isolated
        flags.append("val_jump")
    if f["chance_given"] and f["easy_level"] < _EASY_LEVEL:
        flags.append("too_easy")
    if f["blow_up"]:
        flags.append("blow_up")
    if pattern == "healthy" and _still_improving(f) > 1.0:
        flags.append("still_improving")
    return flags


def _confidence(strength: dict[str, float], pattern: str, blow_up: bool):
    """The runner-up and the confidence: 0.5 at a threshold, 1 at twice it with no rival."""
    # underfitting follows from a plateau or a stage-wise run: not a rival to them
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
    return (None if s2 < 0.5 else second), round(confidence, 3)


def decide(f: dict[str, float]) -> Diagnosis:
    """Read the pattern table in order: the first rule whose strength exceeds 1 wins."""
    strength = {rule.pattern: min(rule.strength(f), 1e6) for rule in RULES}
    matched = [p for p in strength if strength[p] > 1.0]
    strength["healthy"] = 1.0 / max(max(strength.values()), 1e-12)
    pattern = matched[0] if matched else "healthy"
    if pattern == "healthy" and f["val_end_over_start"] > 1.0:
        pattern = "overfitting"  # a validation loss that ends above its start is never healthy
        strength["overfitting"] = max(strength["overfitting"], f["val_end_over_start"])
    flags = _flags(f, pattern)
    second, confidence = _confidence(strength, pattern, bool(f["blow_up"]))
    advice = ADVICE[pattern]
    evidence = dict(f)
    if pattern == "noisy_validation":
        coherent = f["coherence"] > _COHERENT
        evidence["noise_from_training"] = float(coherent)
        advice += f" Here the wiggles point to: {NOISE_SOURCES[not coherent].replace('_', ' ')}."
    shown = [FLAGS[g] for g in flags if g != "val_above_min" or pattern != "overfitting"]
    return Diagnosis(
        pattern, " ".join([advice, *shown]), evidence, second, confidence, tuple(flags)
    )


def diagnose(
    train_losses: object,
    val_losses: object,
    *,
    val_steps: object = None,
    chance: float | None = None,
    floor: float | None = None,
    per_step: bool | None = None,
) -> Diagnosis:
    r"""Name the pattern of a pair of loss curves: prepare, measure, read the table, decide.

    **Preparing the curves** (:func:`prepare`). With ``val_steps`` (the index in
    ``train_losses`` of each validation loss, for a validation logged less often), the
    training loss is averaged over each stretch between two validation points, as Keras
    reports an epoch's mean. With ``per_step=True`` (or, when ``None``, for a curve of
    {PER_STEP_LENGTH:g}+ points whose wiggles are not in step with the validation
    curve's: correlation below {COHERENT}) the training loss is minibatch noise around
    a trend, and both curves are averaged over blocks of about √n points first.

    **Scale.** *start* is the first training loss, unless it is {BLOW_UP}× the level
    right after it (a *blow-up*); then it is that level, and a run whose end is not
    below {RECOVER}× that level is dead. *top* = ``chance`` if given (the knows-nothing
    loss: ln C for C classes, the target variance for MSE), else *start*; *bottom* =
    ``floor`` if given, else 0; the *span* ``S`` = top − bottom. *end* is the median of
    the last third of the training curve.

    **The pattern table** (:data:`RULES`, read in this order; the first match wins):

    1. ``lr_too_high``: a NaN or inf; dead after a blow-up; *end* above
       {ABOVE_CHANCE}× ``chance``; *end* − *start* > {RISE_ABOVE_START} S; a climb
       back from the minimum giving back {REBOUND} of the gain; one epoch jumping up
       by {SPIKE} S; a zig-zag (*jitter*) over {JITTER_TRAIN}.
    2. ``plateau``: *start* − *end* < {PLATEAU_DROP} S (and, with ``chance``,
       *end* − *bottom* > {HIGH_END} S: a run flat near zero is done).
    3. ``drops_then_plateaus``: after falling {PLATEAU_DROP} S, the smoothed loss
       stays within {STAGE_FLAT} S for more than {STAGE_LENGTH} of the run, more than
       {STAGE_GAP} S above what it reaches later (or ``floor``), and falls that far
       within {STAGE_FALL}× the stretch's length.
    4. ``overfitting``: the validation loss, smoothed over ``w = max(3, n // 10)``
       points, has its minimum before the last ``w`` points and ends above it by
       {OVERFIT_RISE} S and {OVERFIT_NOISE} standard errors (flag ``val_above_min``);
       or it ends {GAP_RATIO}× above training with a gap over {GAP} S; or, in a run of
       at most {SHORT_RUN:g} points, its last two values sit {SHORT_RISE} above a
       minimum two or more points earlier.
    5. ``noisy_validation``: validation jitter over {JITTER_VAL}, and {JITTER_RATIO}×
       the training jitter (a small validation set) or in step with it (small batches).
    6. ``underfitting``: both curves flat (not still improving) and high: *end* −
       *bottom* > {HIGH_END} S when ``chance`` or ``floor`` is given; told neither,
       more than {HIGH_END_BLIND} of the first loss remains *and* the validation loss
       stalled (its minimum before the last ``w`` points). A fine-tuning run starts near
       its floor: one that falls and flattens with its validation minimum at the end is
       healthy without ``chance``.
    7. ``healthy`` otherwise -- unless the validation loss ends above where it
       started (then ``overfitting``). Flag ``still_improving`` when both curves fell
       {STILL_FALLING} of their level over the last quarter of the run (the mean of
       its second half against its first): train longer.

    Flags, whatever the pattern: ``val_jump`` (one or two validation points {JUMP} S
    and {JUMP_NOISE}× the curve's typical deviation above their neighbours, the
    training loss calm there); ``too_easy`` (with ``chance`` given, both losses below
    {EASY_LEVEL} S after {EASY_TIME} of the run: a low loss alone is not evidence);
    ``blow_up``.

    *Jitter* is the mean zig-zag amplitude over the last two-thirds of a curve divided
    by its median there: a steep but smooth descent has none. Every quantity is a
    ratio of losses, so multiplying both curves (and ``chance``, ``floor``) by a
    constant changes nothing. These are rules of thumb for the textbook shapes, not a
    proof; look at the curves too (:func:`lossbook.plot.diagnosis_figure`).

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
        A :class:`Diagnosis` (its ``evidence`` holds every feature).

    Raises:
        ValueError: curves that are not 1-D, shorter than 5 points, of different
            lengths without ``val_steps``, negative, a validation curve with
            NaN/inf while the training curve is finite, bad ``val_steps``, or
            ``floor`` >= ``chance``.
        TypeError: inputs that are not sequences of numbers.
    """
    prepared = prepare(
        train_losses,
        val_losses,
        val_steps=val_steps,
        chance=chance,
        floor=floor,
        per_step=per_step,
    )
    if isinstance(prepared, Diagnosis):
        return prepared
    return decide(features(prepared))


diagnose.__doc__ = (diagnose.__doc__ or "").format(**THRESHOLDS)


# --- reading the logs that training libraries write ---------------------------------------------
TRAIN_KEYS: tuple[str, ...] = (
    "train_loss_epoch",  # Lightning, logged with on_epoch=True
    "train_loss",
    "loss",  # Keras, Hugging Face
    "training_loss",
    "train/loss",  # Hugging Face's TensorBoard tags
    "train/epoch_loss",  # Keras's TensorBoard callback (the train/ run)
    "epoch_loss",
    "train_loss_step",
    "loss/train",
)
VAL_KEYS: tuple[str, ...] = (
    "val_loss",
    "eval_loss",  # Hugging Face
    "valid_loss",
    "validation_loss",
    "val_loss_epoch",
    "val/loss",
    "eval/loss",
    "validation/epoch_loss",  # Keras's TensorBoard callback (the validation/ run)
    "loss/val",
    "loss/validation",
)
STEP_KEYS: tuple[str, ...] = ("step", "global_step", "epoch")
FORMATS = (
    "a Hugging Face trainer_state.json (log_history), a Lightning metrics.csv, a Keras "
    "CSVLogger file or History JSON ({'loss': [...], 'val_loss': [...]}), a TensorBoard "
    "event directory, or a CSV with named columns"
)


@dataclass(frozen=True)
class Log:
    """Two loss curves read from a log, and what :func:`read_log` learned about them.

    ``val_steps`` is ``None`` when both curves have a value at the same points, else the
    index in ``train`` of each validation loss (for :func:`diagnose`); ``unit`` is
    ``"step"`` or ``"epoch"``; ``format`` names the kind of log; ``train_key`` and
    ``val_key`` the columns or tags used; ``x_train``/``x_val`` their steps or epochs.
    """

    train: np.ndarray
    val: np.ndarray
    val_steps: np.ndarray | None
    unit: str
    format: str
    train_key: str
    val_key: str
    x_train: np.ndarray
    x_val: np.ndarray

    def diagnose(self, **kwargs: Any) -> Diagnosis:
        """:func:`diagnose` of the two curves (``chance=``, ``floor=`` passed through)."""
        return diagnose(self.train, self.val, val_steps=self.val_steps, **kwargs)


def _pick(keys: Iterable[str], wanted: str | None, conventions: tuple[str, ...], what: str) -> str:
    names = list(keys)
    if wanted is not None:
        if wanted not in names:
            raise ValueError(f"{what}={wanted!r} is not in the log; it has {names}")
        return wanted
    lower = {n.lower(): n for n in names}
    for key in conventions:
        if key in lower:
            return lower[key]
    raise ValueError(
        f"no {what.replace('_key', '')} loss found: expected one of {list(conventions)} "
        f"(or pass {what}=), the log has {names}"
    )


def _align(name: str, table: dict, train_key: str, val_key: str, x_key: str | None) -> Log:
    """Two columns with gaps (NaN or missing) → the curves and where validation was measured."""

    def column(key: str) -> tuple[np.ndarray, np.ndarray]:
        values = np.asarray(table[key], dtype=np.float64)
        xs = np.asarray(table[x_key], dtype=np.float64) if x_key else np.arange(values.size)
        keep = ~np.isnan(values)
        return values[keep], xs[keep]

    train, x_train = column(train_key)
    val, x_val = column(val_key)
    if train.size == 0 or val.size == 0:
        raise ValueError(f"{name}: the columns {train_key!r} and {val_key!r} hold no numbers")
    unit = "epoch" if x_key == "epoch" or train_key.endswith("_epoch") or not x_key else "step"
    if np.array_equal(x_train, x_val) or (x_key is None and train.size == val.size):
        return Log(train, val, None, unit, name, train_key, val_key, x_train, x_val)
    # each validation loss belongs after the last training loss logged at or before it
    index = np.searchsorted(x_train, x_val, side="right") - 1
    keep = index >= 0
    keep[1:] &= np.diff(index) > 0  # one validation loss per training point
    steps = index[keep].astype(np.int64)
    return Log(train, val[keep], steps, unit, name, train_key, val_key, x_train, x_val[keep])


def _read_csv(path: Path) -> dict[str, list[float]]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    if not rows or not rows[0]:
        raise ValueError(f"{path}: expected {FORMATS}; got a file with no CSV rows")
    table: dict[str, list[float]] = {}
    for key in rows[0]:
        try:
            table[key.strip()] = [
                float(r[key]) if r[key] not in ("", None) else math.nan for r in rows
            ]
        except ValueError:
            continue  # a text column (a timestamp, a phase name)
    return table


def _read_tensorboard(path: Path) -> dict[str, tuple[list[float], list[float]]]:
    try:
        from tensorboard.backend.event_processing import event_accumulator
    except ImportError:
        raise ImportError(
            "reading a TensorBoard event directory needs the optional extra "
            "'tensorboard': pip install 'lossbook[tensorboard]' (or pip install tensorboard)"
        ) from None
    scalars: dict[str, tuple[list[float], list[float]]] = {}
    for run in sorted({f.parent for f in path.rglob("events.out.tfevents.*")}):
        acc = event_accumulator.EventAccumulator(str(run), size_guidance={"scalars": 0})
        acc.Reload()
        prefix = run.relative_to(path).as_posix()
        for tag in acc.Tags()["scalars"]:
            events = acc.Scalars(tag)
            name = tag if prefix == "." else f"{prefix}/{tag}"
            scalars[name] = ([e.step for e in events], [e.value for e in events])
    if not scalars:
        raise ValueError(f"{path}: expected {FORMATS}; found no TensorBoard scalars in it")
    return scalars


def read_log(
    path: str | Path | dict,
    *,
    train_key: str | None = None,
    val_key: str | None = None,
) -> Log:
    """Read the training and validation loss curves from a training library's log.

    ``path`` is one of: a Hugging Face Trainer ``trainer_state.json`` (``loss`` per
    logging step, ``eval_loss`` per evaluation, from ``log_history``); a PyTorch
    Lightning ``CSVLogger`` ``metrics.csv`` (step and epoch columns, rows padded with
    empty cells); a Keras ``CSVLogger`` file (``epoch,loss,val_loss``) or a
    ``History.history`` dict or its JSON; a TensorBoard event directory (needs the
    ``tensorboard`` extra); any CSV with named columns. The loss columns (tags) are
    found by convention (:data:`TRAIN_KEYS`, :data:`VAL_KEYS`) unless named with
    ``train_key`` and ``val_key``; the x axis is the ``step``, ``global_step`` or
    ``epoch`` column when there is one.

    Returns:
        A :class:`Log`: the curves, ``val_steps`` for :func:`diagnose` when validation
        was logged less often than training, and the unit (``"step"``/``"epoch"``).

    Raises:
        ValueError: a file that is none of these, or has no loss columns (the message
            lists what was expected and what the file holds).
        ImportError: a TensorBoard directory without the ``tensorboard`` package.
    """
    if isinstance(path, dict):
        return _from_history(path, "Keras history", train_key, val_key)
    path = Path(path)
    if path.is_dir():
        scalars = _read_tensorboard(path)
        tk = _pick(scalars, train_key, TRAIN_KEYS, "train_key")
        vk = _pick(scalars, val_key, VAL_KEYS, "val_key")
        x = sorted(set(scalars[tk][0]) | set(scalars[vk][0]))
        table = {"step": [float(s) for s in x]}
        for key in (tk, vk):
            by_step = dict(zip(*scalars[key], strict=True))
            table[key] = [float(by_step.get(s, math.nan)) for s in x]
        return _align("TensorBoard", table, tk, vk, "step")
    if not path.is_file():
        raise ValueError(f"{path} does not exist; expected {FORMATS}")
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text())
        except json.JSONDecodeError as error:
            raise ValueError(f"{path}: expected {FORMATS}; not valid JSON ({error})") from None
        if isinstance(data, dict) and "log_history" in data:
            return _from_trainer_state(data["log_history"], train_key, val_key)
        if isinstance(data, dict):
            return _from_history(data, "Keras history", train_key, val_key)
        raise ValueError(f"{path}: expected {FORMATS}; got JSON of type {type(data).__name__}")
    table = _read_csv(path)
    tk = _pick(table, train_key, TRAIN_KEYS, "train_key")
    vk = _pick(table, val_key, VAL_KEYS, "val_key")
    x_key = next((k for k in STEP_KEYS if k in table and not np.isnan(table[k]).any()), None)
    name = "Lightning metrics.csv" if {"epoch", "step"} <= set(table) else "CSV"
    return _align(name, table, tk, vk, x_key)


def _from_trainer_state(history: list, train_key: str | None, val_key: str | None) -> Log:
    keys = {k for entry in history for k in entry}
    tk = _pick(keys, train_key, ("loss", *TRAIN_KEYS), "train_key")
    vk = _pick(keys, val_key, ("eval_loss", *VAL_KEYS), "val_key")
    table: dict[str, list[float]] = {"step": [], tk: [], vk: []}
    for entry in history:
        if "step" in entry and (tk in entry or vk in entry):
            table["step"].append(float(entry["step"]))
            table[tk].append(float(entry.get(tk, math.nan)))
            table[vk].append(float(entry.get(vk, math.nan)))
    return _align("Hugging Face trainer_state.json", table, tk, vk, "step")


def _from_history(data: dict, name: str, train_key: str | None, val_key: str | None) -> Log:
    tk = _pick(data, train_key, TRAIN_KEYS, "train_key")
    vk = _pick(data, val_key, VAL_KEYS, "val_key")
    if not isinstance(data[tk], list) or len(data[tk]) != len(data[vk]):
        raise ValueError(f"{name}: expected two lists of the same length under {tk!r}, {vk!r}")
    return _align(name, {tk: data[tk], vk: data[vk]}, tk, vk, None)


# --- the command: python -m lossbook.curves PATH ------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """Diagnose a training log from the command line; print the verdict, evidence, advice."""
    parser = argparse.ArgumentParser(
        prog="python -m lossbook.curves", description="Read a training log's loss curves."
    )
    parser.add_argument("path", help=f"the log: {FORMATS}")
    level = parser.add_mutually_exclusive_group()
    level.add_argument("--chance", type=float, help="the knows-nothing loss (ln C, variance)")
    level.add_argument("--classes", type=int, help="C classes: chance = ln C")
    parser.add_argument("--floor", type=float, help="the lowest achievable loss")
    parser.add_argument("--train-key", help="the training-loss column or tag")
    parser.add_argument("--val-key", help="the validation-loss column or tag")
    parser.add_argument("--figure", help="write the evidence figure to this file (PNG, SVG)")
    args = parser.parse_args(argv)
    chance = math.log(args.classes) if args.classes else args.chance
    try:
        log = read_log(args.path, train_key=args.train_key, val_key=args.val_key)
        d = log.diagnose(chance=chance, floor=args.floor)
    except (ValueError, TypeError, ImportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{log.format}: {log.train.size} training losses ({log.train_key!r}, per {log.unit})")
    print(f"  and {log.val.size} validation losses ({log.val_key!r})")
    second = f", runner-up {d.second}" if d.second else ""
    print(f"diagnosis: {d.pattern} (confidence {d.confidence:.2f}{second})")
    if d.flags:
        print(f"flags: {', '.join(d.flags)}")
    print("evidence: " + ", ".join(f"{k}={v:.4g}" for k, v in d.evidence.items()))
    print(f"advice: {d.advice}")
    if args.figure:
        import matplotlib

        matplotlib.use("Agg")
        from lossbook.plot import diagnosis_figure

        fig, _, _ = diagnosis_figure(
            log.train, log.val, val_steps=log.val_steps, chance=chance, floor=args.floor
        )
        fig.savefig(args.figure, dpi=100, bbox_inches="tight")
        print(f"figure: {args.figure}")
    return 0


# The simulations live in their own module; kept importable from here (chapter 14, the tests).
from lossbook.curve_sims import mlp, simulate, snap_parameters, two_modes, two_moons  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
