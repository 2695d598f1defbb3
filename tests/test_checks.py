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
