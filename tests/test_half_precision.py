"""float16 and bfloat16: every loss either works (finite, within the stated tolerance of
float32, finite gradients) or refuses the dtype with a TypeError that names it."""

from __future__ import annotations

import pytest
import torch

from lossbook.catalog import CATALOG
from lossbook.testing.examples import HALF_TOLERANCE, half_precision


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


# --- autocast: one policy for every loss ------------------------------------------------------
def _example_call(name, dtype):
    from lossbook.testing.examples import example_inputs

    ex = example_inputs(name, 16, dtype=dtype)
    return lambda: CATALOG[name].fn(*ex.args, **ex.kwargs)


@pytest.mark.parametrize("input_dtype", [torch.float32, torch.bfloat16], ids=str)
@pytest.mark.parametrize("name", sorted(CATALOG))
def test_float32_under_autocast(name, input_dtype):
    """Like torch's losses, every lossbook loss computes and returns float32 under autocast,
    whether its inputs are float32 or already bfloat16; outside autocast it keeps the dtype."""
    call = _example_call(name, input_dtype)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        value = call()
    assert value.dtype == torch.float32, f"{name} returned {value.dtype} under autocast"
    plain = call()
    assert plain.dtype == input_dtype
    reference = _example_call(name, torch.float32)()
    # float32 inputs: the float32 computation (a critic or model the loss calls itself runs
    # under autocast, in bfloat16); bfloat16 inputs: the inputs' own rounding bounds the error
    calls_a_network = {"gradient_penalty", "r1_penalty", "denoising_loss", "flow_matching"}
    tol = 1e-6 if input_dtype == torch.float32 and name not in calls_a_network else 5e-2
    assert abs(value.item() - reference.item()) <= tol * max(abs(reference.item()), 1.0)
