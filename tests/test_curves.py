"""Loss-curve diagnosis: simulated runs, real runs made here, and hand-built curves.

The real runs (``tests/real_runs.py``) train small float64 models on several data sets
with minibatches, epoch-mean or per-step logs, and are labelled by how they were set up.
The hand-built curves are written from closed forms (exponential decays, a parabola for
the U-shaped validation curve, a constant, a geometric blow-up, an alternating sequence,
log-normal noise around a decay), and one family per threshold
(``tests/curve_families.py``) pins every threshold of :func:`diagnose` from both sides.
"""

from __future__ import annotations

import functools
import math

import curve_families as cf
import numpy as np
import pytest
import real_runs
import torch

from lossbook import curves
from lossbook.curves import ADVICE, MIN_LENGTH, PATTERNS, Diagnosis, diagnose, simulate

SEEDS = (0, 1, 2)
LEVELS = {"start", "top", "bottom", "span", "end", "train_min"}  # evidence in loss units


@functools.cache
def simulated(pattern: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    return simulate(pattern, seed=seed)


decay = cf.decay


# --- simulate → diagnose round trip -----------------------------------------------------------
# What a careful user passes: the chance level of the task (ln 2 for the two-class moons; for
# the stage-wise regression the mean target variance, (1.5² + 1.5²) / 4 over its four outputs).
CHANCE = {p: math.log(2) for p in PATTERNS} | {"drops_then_plateaus": 1.125}


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("pattern", PATTERNS)
def test_diagnose_recognises_every_simulated_pattern(pattern, seed):
    train, val = simulated(pattern, seed)
    assert train.shape == val.shape == (150,)
    assert train.dtype == val.dtype == np.float64
    result = diagnose(train, val, chance=CHANCE[pattern])
    assert isinstance(result, Diagnosis)
    assert result.pattern == pattern, result.evidence
    assert result.advice.startswith(ADVICE[pattern])
    # told nothing, the same verdict -- except underfitting, whose end (a third of the first
    # loss) is only high against the chance level: blind, a fall to a third is a fine run
    blind = diagnose(train, val).pattern
    assert blind == (pattern if pattern != "underfitting" else "healthy"), blind


def test_simulated_runs_show_their_defining_shape():
    # Checked on the raw curves, not through diagnose: what each run is meant to show.
    t, v = simulated("overfitting", 0)
    assert t[-1] < 0.2 * t[0]  # memorises the training set ...
    assert v[-1] > 1.5 * v.min()  # ... while validation loss climbs
    t, v = simulated("plateau", 0)
    assert abs(t[-1] - t[0]) < 0.1 * t[0]
    t, v = simulated("underfitting", 0)
    assert 0.25 * np.log(2) < t[-1] < np.log(2)  # a straight line cannot separate the moons
    t, _ = simulated("lr_too_high", 0)
    assert np.max(t) > 5 * t[0]  # the training loss blows up at least once
    t_healthy, v_healthy = simulated("healthy", 0)
    t_noisy, v_noisy = simulated("noisy_validation", 0)
    np.testing.assert_array_equal(t_noisy, t_healthy)  # the same training run ...
    assert np.std(np.diff(v_noisy)) > 10 * np.std(np.diff(v_healthy))  # ... validated noisily


def test_simulate_is_deterministic_and_leaves_global_state_alone():
    torch.manual_seed(123)
    state = torch.get_rng_state()
    threads = torch.get_num_threads()
    a = simulate("noisy_validation", seed=5, epochs=20)
    b = simulate("noisy_validation", seed=5, epochs=20)
    c = simulate("noisy_validation", seed=6, epochs=20)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.get_num_threads() == threads
    assert len(simulate("healthy", epochs=MIN_LENGTH)[0]) == MIN_LENGTH


# --- hand-built curves it did not generate ------------------------------------------------------
@pytest.mark.parametrize("n", [5, 10, 50, 1000])
@pytest.mark.parametrize("scale", [1e-3, 1.0, 2.3e4])
@pytest.mark.parametrize("tau_fraction", [0.05, 0.2])
def test_exponential_decays_are_healthy(n, scale, tau_fraction):
    train = decay(n, tau=max(0.5, tau_fraction * n), scale=scale)
    val = 1.1 * train  # validation a little above training, falling with it
    assert diagnose(train, val).pattern == "healthy"


@pytest.mark.parametrize("n", [10, 50, 1000])
def test_u_shaped_validation_is_overfitting(n):
    x = np.linspace(0.0, 1.0, n)
    train = decay(n, tau=n / 5)
    val = 0.3 + 3.0 * (x - 0.3) ** 2  # minimum at 30% of training, then up
    result = diagnose(train, val)
    assert result.pattern == "overfitting"
    assert result.evidence["val_min_epoch"] == pytest.approx(0.3 * (n - 1), abs=0.1 * n + 1)


def test_validation_stuck_far_above_training_is_overfitting():
    n = 60
    train = decay(n, tau=8, floor=0.01)
    val = decay(n, tau=8, floor=0.6)  # never comes down with the training loss
    assert diagnose(train, val).pattern == "overfitting"


@pytest.mark.parametrize("n", [5, 40, 1000])
def test_constant_curves_are_a_plateau(n):
    assert diagnose([0.7] * n, [0.75] * n).pattern == "plateau"
    assert diagnose(np.zeros(n), np.zeros(n)).pattern == "plateau"


@pytest.mark.parametrize("bad", [float("nan"), float("inf")])
def test_non_finite_training_loss_is_lr_too_high(bad):
    train = decay(30, tau=5)
    train[20:] = bad
    val = decay(30, tau=5)
    val[20:] = bad  # validation diverges with it: allowed when training did
    result = diagnose(train, val)
    assert result.pattern == "lr_too_high"
    assert result.evidence["first_non_finite"] == 20


@pytest.mark.parametrize("n", [8, 100])
def test_diverging_and_oscillating_training_loss_is_lr_too_high(n):
    i = np.arange(n)
    growing = np.exp(i / 10.0)
    assert diagnose(growing, growing).pattern == "lr_too_high"
    zigzag = 0.5 + 0.3 * (-1.0) ** i
    assert diagnose(zigzag, zigzag).pattern == "lr_too_high"
    spike = decay(n, tau=n / 8)
    spike[n // 2] = 0.9  # one epoch jumps most of the way back up
    assert diagnose(spike, 1.05 * spike).pattern == "lr_too_high"


@pytest.mark.parametrize("n", [10, 200])
def test_high_floor_is_underfitting(n):
    train = decay(n, tau=n / 8, floor=0.5)
    assert diagnose(train, 1.05 * train, chance=1.0).pattern == "underfitting"
    # told nothing, the same shape is a fine-tune that has finished: nothing says it is high
    assert diagnose(train, 1.05 * train).pattern == "healthy"


@pytest.mark.parametrize("n", [30, 300, 1000])
def test_noisy_validation_around_a_stable_trend(n):
    rng = np.random.default_rng(n)
    train = decay(n, tau=n / 5, floor=0.05)
    val = decay(n, tau=n / 5, floor=0.1) * np.exp(0.3 * rng.standard_normal(n))
    assert diagnose(train, val).pattern == "noisy_validation"


def test_accepts_lists_arrays_and_tensors():
    train = decay(20, tau=3)
    val = 1.1 * train
    expected = diagnose(train, val)
    for t, v in [
        (train.tolist(), val.tolist()),
        (torch.tensor(train, dtype=torch.float32), torch.tensor(val, dtype=torch.float32)),
        (tuple(train), val),
    ]:
        assert diagnose(t, v).pattern == expected.pattern


# --- scale invariance ---------------------------------------------------------------------------
@pytest.mark.parametrize("c", [1e-3, 7.5, 1e5])
@pytest.mark.parametrize("pattern", PATTERNS)
def test_multiplying_both_curves_changes_nothing(pattern, c):
    train, val = simulated(pattern, 0)
    a = diagnose(train, val)
    b = diagnose(c * train, c * val)
    assert b.pattern == a.pattern
    assert b.evidence.keys() == a.evidence.keys()
    for key in a.evidence:  # levels scale with the curves, everything else is a ratio
        expected = a.evidence[key] * (c if key in LEVELS else 1.0)
        assert b.evidence[key] == pytest.approx(expected, rel=1e-9, abs=1e-12), key


# --- bad inputs ---------------------------------------------------------------------------------
def test_bad_inputs():
    good = decay(10, tau=2).tolist()
    with pytest.raises(ValueError, match="the same length.*got 10 and 9.*val_steps="):
        diagnose(good, good[:-1])
    with pytest.raises(ValueError, match="train_losses must have at least 5 points.*got 4"):
        diagnose(good[:4], good[:4])
    with pytest.raises(ValueError, match=r"val_losses must be 1-D .*got shape \(2, 5\)"):
        diagnose(good, np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"val_losses must be finite.*epochs \[3\]"):
        diagnose(good, [*good[:3], float("nan"), *good[4:]])
    with pytest.raises(ValueError, match="train_losses must hold non-negative losses"):
        diagnose([-1.0, *good[1:]], good)
    with pytest.raises(TypeError, match="train_losses must be a 1-D list, array or tensor"):
        diagnose(["a"] * 10, good)
    with pytest.raises(ValueError, match="pattern must be one of"):
        simulate("exploding")
    with pytest.raises(ValueError, match="epochs must be an integer >= 5, got 3"):
        simulate("healthy", epochs=3)
    with pytest.raises(TypeError, match="seed must be an int"):
        simulate("healthy", seed=1.5)


def test_bad_levels_steps_and_tensors_that_require_grad():
    good = decay(10, tau=2)
    with pytest.raises(ValueError, match="floor must be below chance"):
        diagnose(good, good, chance=0.5, floor=0.5)
    with pytest.raises(ValueError, match="chance must be a finite loss >= 0"):
        diagnose(good, good, chance=float("nan"))
    with pytest.raises(TypeError, match="floor must be a number or None, got str"):
        diagnose(good, good, floor="0.1")
    with pytest.raises(ValueError, match="val_steps must be 5 integers"):
        diagnose(good, good[:5], val_steps=[1, 3, 5])
    with pytest.raises(ValueError, match="val_steps must increase strictly within 0..9"):
        diagnose(good, good[:5], val_steps=[1, 3, 5, 7, 10])
    # tensors still attached to the graph, whole or as a list of scalars (a forgotten .item())
    graph = torch.tensor(good, requires_grad=True) * 1.0
    assert diagnose(graph, graph).pattern == diagnose(good, good).pattern
    scalars = [torch.tensor(x, requires_grad=True) * 1.0 for x in good]
    assert diagnose(scalars, scalars).pattern == diagnose(good, good).pattern


# --- real training runs, labelled by how they were set up --------------------------------------
def _diagnose_run(name: str, *, with_chance: bool = True, factor: float = 1.0) -> Diagnosis:
    run = real_runs.train(name)
    kwargs = {"val_steps": run["val_steps"]} if "val_steps" in run else {}
    if with_chance and "chance" in run:
        kwargs["chance"] = factor * run["chance"]
    return diagnose(factor * run["train"], factor * run["val"], **kwargs)


@pytest.mark.parametrize("name", list(real_runs.RUNS))
def test_real_runs_are_diagnosed_as_set_up(name):
    setup = real_runs.RUNS[name]
    result = _diagnose_run(name)
    assert result.pattern == setup.expected, (result.second, result.evidence)
    assert set(setup.flags) <= set(result.flags), result.flags
    assert 0.5 <= result.confidence <= 1.0
    if setup.expected == "lr_too_high":
        assert "keep the setup" not in result.advice


# Runs given chance= that also read right without it; sine_adam_lr3 does not (its first-epoch
# blow-up looks like a fast first epoch: only the chance level tells them apart).
@pytest.mark.parametrize(
    "name", [n for n, r in real_runs.RUNS.items() if r.chance and n != "sine_adam_lr3"]
)
def test_real_runs_without_the_chance_level(name):
    assert _diagnose_run(name, with_chance=False).pattern == real_runs.RUNS[name].expected


def test_too_easy_needs_more_than_a_low_loss():
    # The leaked run reads near zero after two epochs; without the chance level there is
    # nothing to call it low against, and a low loss alone (MNIST) is no evidence of a leak.
    assert "too_easy" not in _diagnose_run("moons_leaked_label", with_chance=False).flags
    assert "too_easy" in _diagnose_run("moons_leaked_label").flags


def test_without_the_chance_level_a_first_epoch_blow_up_can_pass_for_a_fast_start():
    # The limit of reading curves blind, kept visible: the reader's chance= decides.
    blind = _diagnose_run("sine_adam_lr3", with_chance=False)
    assert blind.pattern == "healthy"
    assert _diagnose_run("sine_adam_lr3").pattern == "lr_too_high"


def test_the_two_learning_rate_runs_of_the_issue():
    # Explodes in the first epoch, then dead at several times the chance loss.
    run = real_runs.train("moons_relu_sgd_explodes")
    assert run["train"][0] > 100 * run["chance"]
    assert np.median(run["train"][1:]) > 2 * run["chance"]
    assert np.ptp(run["val"][1:]) > 3  # validation jumps about
    assert "blow_up" in _diagnose_run("moons_relu_sgd_explodes").flags
    # Reaches a good value early, then climbs back to chance (ln 2) and stays there.
    run = real_runs.train("moons_relu_sgd_rebounds")
    assert run["train"][:12].min() < 0.5 * math.log(2)
    assert abs(np.median(run["train"][-10:]) - math.log(2)) < 0.15
    assert _diagnose_run("moons_relu_sgd_rebounds").evidence["rebound"] > 1


@pytest.mark.parametrize("factor", [1e-3, 1e4])
@pytest.mark.parametrize("name", list(real_runs.RUNS))
def test_real_runs_scale_invariance(name, factor):
    a, b = _diagnose_run(name), _diagnose_run(name, factor=factor)
    assert (b.pattern, b.second, b.flags) == (a.pattern, a.second, a.flags)
    assert b.confidence == pytest.approx(a.confidence, abs=1e-3)
    for key in ("drop", "spike", "jitter_train", "val_rise", "jitter_val", "end_fraction"):
        assert b.evidence[key] == pytest.approx(a.evidence[key], rel=1e-9, abs=1e-12)


def test_per_step_logs_are_not_a_learning_rate_problem():
    run = real_runs.train("moons_per_step")  # one training loss per minibatch, val per epoch
    train, val, steps = run["train"], run["val"], run["val_steps"]
    assert train.size == 10 * val.size
    assert diagnose(train, val, val_steps=steps).pattern == "healthy"
    # validation repeated at every step: the same length; the minibatch noise is recognised
    per_step_val = np.repeat(val, 10)
    auto = diagnose(train, per_step_val)
    assert auto.pattern == "healthy" and auto.evidence["block"] > 1
    # read as if every wiggle were the model's own, the minibatch noise looks like jitter
    assert diagnose(train, per_step_val, per_step=False).pattern == "lr_too_high"


def test_drops_then_plateaus_is_not_a_plateau():
    t, v = simulate("drops_then_plateaus")
    result = diagnose(t, v)
    assert result.pattern == "drops_then_plateaus"
    a, b = int(result.evidence["stage_start"]), int(result.evidence["stage_end"])
    assert t[a] < t[0] - 0.3 * t[0]  # a fall before it ...
    assert t[-1] < 0.2 * t[a]  # ... and a second fall after it
    assert result.advice.startswith(ADVICE["drops_then_plateaus"])
    # the same curve cut at the end of its flat stretch: nothing later to compare with, so
    # told nothing it is a run that fell and flattened; against the chance level (the mean
    # target variance, 1.125) it is stuck high ...
    assert diagnose(t[:b], v[:b]).pattern == "healthy"
    assert diagnose(t[:b], v[:b], chance=1.125).pattern == "underfitting"
    # ... and only the knowledge that far lower losses are achievable shows the saddle
    assert diagnose(t[:b], v[:b], floor=0.0, chance=t[0]).pattern == "drops_then_plateaus"


def test_a_known_noise_floor_turns_label_noise_underfitting_healthy():
    floor = -(0.15 * math.log(0.15) + 0.85 * math.log(0.85))  # 15 % of labels flipped
    i = np.arange(150)
    perfect = floor + (math.log(2) - floor) * np.exp(-i / 15)
    assert diagnose(perfect, 1.01 * perfect, chance=math.log(2)).pattern == "underfitting"
    known = diagnose(perfect, 1.01 * perfect, chance=math.log(2), floor=floor)
    assert known.pattern == "healthy"


def test_validation_ending_above_its_minimum_is_flagged_whatever_the_order():
    # The training loss ends ABOVE the validation loss (outliers in the training targets).
    n = 60
    train = decay(n, tau=6, floor=0.6)
    x = np.arange(n)
    val = 0.3 + 0.5 * np.exp(-x / 4) + 0.01 * np.clip(x - 12, 0, None)
    result = diagnose(train, val)
    assert result.pattern == "overfitting" and "val_above_min" in result.flags
    assert "keep the setup" not in result.advice


def test_validation_ending_above_its_start_is_never_healthy():
    n = 40
    train = decay(n, tau=4)
    val = np.linspace(1.0, 1.02, n)  # a validation loss that never came down, rising a little
    result = diagnose(train, val)
    assert result.pattern != "healthy"
    assert "keep the setup" not in result.advice


def test_noise_source_small_batch_or_small_validation_set():
    small_set = diagnose(*cf.coherence(0.0), per_step=False)
    t, v = simulated("noisy_validation", 0)
    smooth_train = diagnose(t, v)
    assert smooth_train.pattern == "noisy_validation"
    assert smooth_train.evidence["noise_from_training"] == 0.0
    assert "small validation set" in smooth_train.advice
    in_step = diagnose(*cf.coherence(0.95), per_step=False)
    assert in_step.pattern == "noisy_validation"
    assert in_step.evidence["noise_from_training"] == 1.0
    assert "small batch" in in_step.advice
    assert small_set.pattern != "noisy_validation"  # 2.7x the training jitter, not in step


def test_second_pattern_and_confidence():
    clear = diagnose(*simulated("plateau", 0))
    assert clear.confidence == 1.0 and clear.second is None
    # right at a threshold: a coin flip, and the other side named
    near = diagnose(*cf.high_end(0.2061), chance=1.0)
    assert near.pattern == "underfitting" and near.second == "healthy"
    assert near.confidence < 0.55


# --- every threshold, from both sides ----------------------------------------------------------
# (constant, family, parameter just below, just above, pattern below, pattern above, kwargs):
# each pair puts the family's feature 3 % below and 3 % above the documented threshold. The
# parameters are numbers, not derived from the constants: changing a constant fails a test.
BOUNDARIES = [
    ("BLOW_UP", cf.blow_up, 19.4, 20.6, "healthy", "lr_too_high", {}),
    ("RECOVER", cf.recover, 0.484968, 0.51497, "underfitting", "lr_too_high", {"chance": 1.0}),
    (
        "ABOVE_CHANCE",
        cf.above_chance,
        1.45492,
        1.54493,
        "underfitting",
        "lr_too_high",
        {"chance": 1.0},
    ),
    ("RISE_ABOVE_START", cf.rise, 0.0963468, 0.102306, "plateau", "lr_too_high", {}),
    ("REBOUND", cf.rebound, 0.4365, 0.4635, "overfitting", "lr_too_high", {}),
    ("SPIKE", cf.spike, 0.242625, 0.257625, "healthy", "lr_too_high", {}),
    ("JITTER_TRAIN", cf.jitter_train, 0.0752215, 0.0798008, "noisy_validation", "lr_too_high", {}),
    (
        "COHERENT",
        cf.coherence,
        0.59564,
        0.61984,
        "underfitting",
        "noisy_validation",
        {"per_step": False, "chance": 1.0},
    ),
    ("PLATEAU_DROP", cf.plateau, 0.0963468, 0.102306, "plateau", "underfitting", {"chance": 1.0}),
    ("STAGE_LENGTH", cf.stage_length, 0.2875, 0.3025, "healthy", "drops_then_plateaus", {}),
    ("STAGE_FLAT", cf.stage_flat, 0.102783, 0.097719, "healthy", "drops_then_plateaus", {}),
    (
        "STAGE_GAP",
        cf.stage_gap,
        0.2425,
        0.2575,
        "underfitting",
        "drops_then_plateaus",
        {"chance": 1.0},
    ),
    (
        "STAGE_FALL",
        cf.stage_fall,
        1.084375,
        1.153125,
        "drops_then_plateaus",
        "underfitting",
        {"chance": 1.0},
    ),
    ("OVERFIT_RISE", cf.overfit_rise, 0.0769822, 0.0808975, "healthy", "overfitting", {}),
    (
        "OVERFIT_NOISE",
        cf.overfit_noise,
        0.0776776,
        0.0823627,
        "noisy_validation",
        "overfitting",
        {},
    ),
    ("GAP_RATIO", cf.gap_ratio, 2.91334, 3.09365, "healthy", "overfitting", {}),
    ("GAP", cf.gap, 0.242564, 0.257568, "healthy", "overfitting", {}),
    ("JITTER_VAL", cf.jitter_val, 0.125714, 0.133222, "healthy", "noisy_validation", {}),
    (
        "JITTER_RATIO",
        cf.jitter_ratio,
        2.87791,
        3.05362,
        "underfitting",
        "noisy_validation",
        {"per_step": False, "chance": 1.0},
    ),
    ("HIGH_END", cf.high_end, 0.193789, 0.205792, "healthy", "underfitting", {"chance": 1.0}),
    ("HIGH_END_BLIND", cf.high_end_stalled, 0.485, 0.515, "healthy", "underfitting", {}),
    # a flat end at 68 % of the first loss, then both curves falling by x per step at the end
    (
        "STILL_FALLING",
        cf.still_falling,
        0.047249,
        0.050092,
        "underfitting",
        "healthy",
        {"chance": 1.0},
    ),
    # validation rising 17 % over the last two points: read point by point up to 10 points
    ("SHORT_RUN", cf.short_run, 11, 10, "healthy", "overfitting", {}),
    ("SHORT_RISE", cf.short_rise, 0.0485, 0.0515, "healthy", "overfitting", {}),
    # minibatch noise in a curve of 99 points reads as jitter; from 100 points as a per-step log
    ("PER_STEP_LENGTH", cf.per_step_length, 100, 99, "healthy", "lr_too_high", {}),
]
# (constant, family, parameter without the flag, parameter with it, flag, kwargs)
FLAG_BOUNDARIES = [
    ("JUMP", cf.jump, 0.2427, 0.2577, "val_jump", {}),
    ("JUMP_NOISE", cf.jump_noise, 0.3342, 0.3549, "val_jump", {}),
    ("EASY_TIME", cf.easy_time, 51, 50, "too_easy", {"chance": 1.0}),
    ("EASY_LEVEL", cf.easy_level, 0.0098095, 0.0092381, "too_easy", {"chance": 1.0}),
]


@pytest.mark.parametrize("case", BOUNDARIES, ids=lambda c: c[0])
def test_threshold_boundary(case):
    _, family, below, above, pattern_below, pattern_above, kwargs = case
    assert diagnose(*family(below), **kwargs).pattern == pattern_below
    assert diagnose(*family(above), **kwargs).pattern == pattern_above


@pytest.mark.parametrize("case", FLAG_BOUNDARIES, ids=lambda c: c[0])
def test_flag_threshold_boundary(case):
    _, family, without, with_flag, flag, kwargs = case
    assert flag not in diagnose(*family(without), **kwargs).flags
    assert flag in diagnose(*family(with_flag), **kwargs).flags


def test_every_threshold_has_a_boundary_test_and_is_in_the_docstring():
    tested = {c[0] for c in BOUNDARIES} | {c[0] for c in FLAG_BOUNDARIES}
    assert tested == set(curves.THRESHOLDS)
    # ... and the module has no other threshold-like constant outside THRESHOLDS
    private = {n for n in vars(curves) if n.startswith("_") and n[1:].isupper()}
    assert {n.lstrip("_") for n in private} == set(curves.THRESHOLDS)
    for name, value in curves.THRESHOLDS.items():
        assert f"{value:g}" in diagnose.__doc__, name
        assert name in "".join(rule.condition for rule in curves.RULES) or name in {
            "BLOW_UP",
            "RECOVER",
            "COHERENT",
            "PER_STEP_LENGTH",
            "STILL_FALLING",
            "JUMP",
            "JUMP_NOISE",
            "EASY_TIME",
            "EASY_LEVEL",
        }, name  # the table's conditions name the thresholds they use
    assert "{" not in diagnose.__doc__  # every placeholder filled in


def test_diagnosis_figure_marks_what_the_rules_used():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from lossbook.plot import diagnosis_figure

    labels = {}
    for name in ("moons_corrupted_val", "moons_per_step", "linear_teacher_deep"):
        run = real_runs.train(name)
        steps = run.get("val_steps")
        fig, ax, d = diagnosis_figure(run["train"], run["val"], val_steps=steps)
        assert d.pattern == real_runs.RUNS[name].expected
        labels[name] = {line.get_label() for line in ax.get_lines()}
        plt.close(fig)
    assert "jump" in labels["moons_corrupted_val"]
    assert {"validation, smoothed", "its minimum", "scale: top"} <= labels["moons_per_step"]
    fig, ax, d = diagnosis_figure(*simulated("drops_then_plateaus", 0))
    assert any(p.get_label() == "flat stretch" for p in ax.patches)
    plt.close(fig)


def test_a_per_step_run_still_falling_steeply_is_not_underfitting():
    # The issue's case: validation 0.69 -> 0.12 and still dropping, per-step minibatch losses,
    # chance and per_step given. Still improving: healthy, train longer.
    rng = np.random.default_rng(4)
    steps = np.arange(400)
    trend = math.log(2) * np.exp(-steps / 220)
    train = trend * np.exp(0.3 * rng.standard_normal(400))
    val_steps = np.arange(19, 400, 20)
    val = 1.05 * trend[val_steps]
    assert val[0] > 0.6 and val[-1] < 0.2 and val[-1] < val[-2]
    result = diagnose(train, val, val_steps=val_steps, chance=math.log(2), per_step=True)
    assert result.pattern == "healthy" and "still_improving" in result.flags, result.evidence
    assert "train longer" in result.advice


def test_no_function_of_the_doctor_is_long():
    # diagnose reads as features + table: no function body (docstring excluded) over 60 lines
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(curves))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            body = node.body[1:] if ast.get_docstring(node) else node.body
            length = body[-1].end_lineno - body[0].lineno + 1
            assert length <= 60, (node.name, length)
