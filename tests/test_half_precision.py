"""float16 and bfloat16: every loss either works (finite, within the stated tolerance of
float32, finite gradients) or refuses the dtype with a TypeError that names it."""

from __future__ import annotations

import pytest
import torch

from lossbook._examples import HALF_TOLERANCE, half_precision
from lossbook.catalog import CATALOG


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16], ids=str)
@pytest.mark.parametrize("name", sorted(CATALOG))
def test_half_precision(name, dtype):
    result = half_precision(name, dtype)
    if not result.supported:
        assert result.error and str(dtype).replace("torch.", "") in result.error, result.error
        return
    assert result.finite_gradients
    assert result.within_tolerance, (
        f"{name} in {dtype}: relative error {result.relative_error:.2e} > {HALF_TOLERANCE[dtype]}"
    )
