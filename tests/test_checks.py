"""lossbook.checks: the public helpers' own contracts, where no loss of the package exercises them.

Most rules are rows of the bad-input matrix (tests/bad_inputs.py), reached through a loss.
What is here is public API for readers' own losses (chapter 12) that no lossbook loss
calls with these arguments, and the reduction's road under ``torch.compile``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from lossbook import checks


def test_check_int_with_a_lower_bound():
    assert checks.check_int("k", 3, low=1) == 3
    assert checks.check_int("k", np.int64(1), low=1) == 1
    with pytest.raises(ValueError, match=r"^k must be an int >= 1, got 0$"):
        checks.check_int("k", 0, low=1)
    with pytest.raises(TypeError, match=r"^k must be an int, got bool True$"):
        checks.check_int("k", True, low=1)


@pytest.mark.parametrize("compiled", [False, True], ids=["eager", "compiled-road"])
def test_weighted_mean_is_the_weighted_average(compiled, monkeypatch):
    """``reduce(..., mean_weights=w)`` is ``Σ loss / Σ w`` on both roads: eager, and the road
    ``torch.compile`` takes (no value checks), which the compile tests reach only unweighted."""
    monkeypatch.setattr(checks, "checking_values", lambda: not compiled)
    weights = torch.tensor([1.0, 2.0, 0.0, 5.0], dtype=torch.float64)
    loss = torch.tensor([0.5, 1.5, 0.0, 2.0], dtype=torch.float64) * weights
    want = (0.5 * 1 + 1.5 * 2 + 2.0 * 5) / (1 + 2 + 5)
    assert checks.reduce(loss, "mean", mean_weights=weights).item() == pytest.approx(
        want, rel=1e-15
    )
    assert checks.reduce(loss, "sum", mean_weights=weights).item() == pytest.approx(13.5)


# What the mutation run (issue 26) found no test for: each message's variants, one case each.
def _message(call) -> str:
    with pytest.raises((ValueError, TypeError)) as error:
        call()
    return str(error.value)


@pytest.mark.parametrize(
    ("shape_a", "shape_b", "hint"),
    [
        ((3, 1), (3,), " (did you mean a.squeeze(-1)?)"),
        ((3,), (3, 1), " (did you mean b.squeeze(-1)?)"),
        ((3, 2), (3,), ""),  # one more dimension, but not of size 1
        ((3,), (3, 2), ""),
        ((2, 1), (3,), ""),  # a trailing 1, but the rest differs
        ((3,), (2, 1), ""),
        ((1, 3), (3,), ""),  # the extra size-1 dimension is not the last
    ],
)
def test_same_shape_hints_a_squeeze_only_for_a_trailing_one(shape_a, shape_b, hint):
    message = _message(
        lambda: checks.check_same_shape("a", torch.zeros(shape_a), "b", torch.zeros(shape_b))
    )
    assert message.endswith(f"lossbook never broadcasts{hint}")


@pytest.mark.parametrize(("shape_a", "shape_b"), [((), (3,)), ((3,), ()), ((2,), (3,))])
def test_batch_size_needs_a_first_dimension_on_both(shape_a, shape_b):
    message = _message(
        lambda: checks.check_batch_size("a", torch.zeros(shape_a), "b", torch.zeros(shape_b))
    )
    assert message.startswith("a and b must have the same batch size N (first dimension)")
    checks.check_batch_size("a", torch.zeros(3, 2), "b", torch.zeros(3))


@pytest.mark.parametrize(
    ("bounds", "text"),
    [
        (dict(low=0, high=1), "lie in [0, 1]"),
        (dict(low=0, high=1, low_open=True), "lie in (0, 1]"),
        (dict(low=0, high=1, high_open=True), "lie in [0, 1)"),
        (dict(low=0, high=1, low_open=True, high_open=True), "lie in the open interval (0, 1)"),
        (dict(high=1), "be a finite number <= 1"),
        (dict(high=1, high_open=True), "be a finite number < 1"),
    ],
)
def test_scalar_range_messages_say_which_ends_are_open(bounds, text):
    assert _message(lambda: checks.check_scalar("x", 5.0, **bounds)) == f"x must {text}, got 5.0"


def test_scalar_bounds_are_closed_unless_open():
    assert checks.check_scalar("x", 1.0, high=1) == 1.0
    assert checks.check_scalar("x", 0.0, low=0) == 0.0
    with pytest.raises(ValueError, match=r"^x must be a finite number < 1, got 1\.0$"):
        checks.check_scalar("x", 1.0, high=1, high_open=True)


def test_tensor_dtype_hints():
    assert _message(lambda: checks.check_tensor("x", torch.zeros(2, dtype=torch.long))) == (
        "x must have a floating-point dtype, got torch.int64; convert with x.float()"
    )
    assert _message(lambda: checks.check_tensor("x", torch.zeros(2, dtype=torch.bool))) == (
        "x must have a floating-point dtype, got torch.bool"
    )
    assert _message(lambda: checks.check_integer_tensor("t", torch.zeros(2))) == (
        "t must hold integer class indices (torch.long), got dtype torch.float32; "
        "convert with .long()"
    )
    assert _message(lambda: checks.check_integer_tensor("t", torch.zeros(2, dtype=torch.bool))) == (
        "t must hold integer class indices (torch.long), got dtype torch.bool"
    )
    assert _message(
        lambda: checks.check_weight(
            "w", [1.0], input_name="x", input=torch.zeros(1), shape=(1,), what=""
        )
    ) == ("w must be a torch.Tensor, got list")


def test_label_messages_show_at_most_six_values_and_meaning_only_when_given():
    seven = torch.arange(2, 9)
    assert _message(lambda: checks.check_binary_labels("y", seven)) == (
        "y must hold labels in {0, 1}, found values [2, 3, 4, 5, 6, 7]"
    )
    assert _message(lambda: checks.check_plus_minus_one("y", seven)).endswith(
        "found values [2, 3, 4, 5, 6, 7]"
    )


def test_a_log_probability_of_zero_is_allowed():
    checks.check_log_probabilities("q", torch.tensor([0.0, -1.0]))
    with pytest.raises(ValueError, match=r"^q must hold log-probabilities \(values <= 0\)"):
        checks.check_log_probabilities("q", torch.tensor([1e-3]))


def test_class_indices_one_element_and_the_ignored_value():
    with pytest.raises(
        ValueError, match=r"^t must hold class indices in \[0, 2\], got values in \[3, 3\]$"
    ):
        checks.check_class_indices("t", torch.tensor([3]), 3)
    checks.check_class_indices("t", torch.tensor([-100, 1]), 3, ignore_index=-100)
    with pytest.raises(ValueError, match=r"or ignore_index=-1, got values in \[-100, 1\]$"):
        checks.check_class_indices("t", torch.tensor([-100, 1]), 3, ignore_index=-1)
