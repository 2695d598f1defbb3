"""Property-based tests over every loss in the catalog (Hypothesis, deterministic profile).

For random batch sizes, seeds and input scales (up to ±1e4 in float32), every
loss must give finite values and gradients; be non-negative where the catalog
says it is bounded below by 0; be exactly 0 at a perfect prediction where one
exists; satisfy ``sum == mean × count`` with ``"none"`` returning the documented
shape; not care about the order of the batch; and keep the input's dtype and
device. Inputs come from :func:`lossbook.testing.examples.example_inputs`.
"""

from __future__ import annotations

import inspect

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from lossbook.catalog import CATALOG
from lossbook.testing.examples import Example, example_inputs

# A fixed, derandomized profile: the same examples on every run and machine.
settings.register_profile(
    "lossbook", max_examples=20, derandomize=True, deadline=None, database=None, print_blob=True
)
settings.load_profile("lossbook")

NAMES = sorted(CATALOG)
REDUCED = [n for n in NAMES if "reduction" in inspect.signature(CATALOG[n].fn).parameters]
SCALES = st.sampled_from([1e-3, 0.1, 1.0, 10.0, 1e3, 1e4])
SIZES = st.integers(min_value=1, max_value=12)
SEEDS = st.integers(min_value=0, max_value=2**16)

#: Losses whose "mean" is not the plain mean of the "none" values (documented).
MEAN_IS_NOT_PLAIN = {"ctc"}  # "mean" divides each sequence by its target length first


def call(name: str, ex: Example, **kwargs):
    return CATALOG[name].fn(*ex.args, **{**ex.kwargs, **kwargs})


def with_grad(ex: Example) -> list[torch.Tensor]:
    leaves = []
    for i in ex.differentiable:
        if isinstance(ex.args[i], list):  # the penalties take a list of parameters
            ex.args[i] = [t.detach().clone().requires_grad_(True) for t in ex.args[i]]
            leaves.extend(ex.args[i])
        else:
            ex.args[i] = ex.args[i].detach().clone().requires_grad_(True)
            leaves.append(ex.args[i])
    return leaves


@pytest.mark.parametrize("name", NAMES)
@given(n=SIZES, seed=SEEDS, scale=SCALES)
def test_finite_values_and_gradients(name, n, seed, scale):
    ex = example_inputs(name, n, seed=seed, scale=scale)
    leaves = with_grad(ex)
    value = call(name, ex)
    assert torch.isfinite(value).all(), f"{name}: {value} at scale {scale}"
    if leaves:
        grads = torch.autograd.grad(value.sum(), leaves)
        assert all(torch.isfinite(g).all() for g in grads), f"{name}: non-finite gradient"


@pytest.mark.parametrize(
    "name", [n for n in REDUCED if CATALOG[n].bounded_below == 0.0 and n not in MEAN_IS_NOT_PLAIN]
)
@given(n=SIZES, seed=SEEDS, scale=SCALES)
def test_non_negative_where_bounded_below_by_zero(name, n, seed, scale):
    ex = example_inputs(name, n, seed=seed, scale=scale)
    assert (call(name, ex, reduction="none") >= 0).all()


@pytest.mark.parametrize("name", [n for n in NAMES if example_inputs(n, 2, perfect=True)])
@given(n=SIZES, seed=SEEDS, scale=st.sampled_from([1e-3, 1.0, 1e3]))
def test_zero_at_a_perfect_prediction(name, n, seed, scale):
    ex = example_inputs(name, n, seed=seed, scale=scale, dtype=torch.float64, perfect=True)
    value = call(name, ex)
    assert value.abs().item() <= 1e-6 * (1 + scale), f"{name}: {value.item()}"


@pytest.mark.parametrize("name", [n for n in REDUCED if n not in MEAN_IS_NOT_PLAIN])
@given(n=SIZES, seed=SEEDS)
def test_reductions_agree(name, n, seed):
    # a fresh example for each call: a loss that draws (denoising_loss) gets the same draws
    def example() -> Example:
        return example_inputs(name, n, seed=seed, dtype=torch.float64)

    none = call(name, example(), reduction="none")
    assert tuple(none.shape) == example().none_shape
    total, mean = call(name, example(), reduction="sum"), call(name, example(), reduction="mean")
    torch.testing.assert_close(total, none.sum())
    torch.testing.assert_close(total, mean * none.numel())


def test_ctc_mean_divides_by_target_lengths_first():
    ex = example_inputs("ctc", 6, dtype=torch.float64)
    none = call("ctc", ex, reduction="none")
    target_lengths = ex.args[3].to(none.dtype)
    torch.testing.assert_close(call("ctc", ex), (none / target_lengths).mean())
    torch.testing.assert_close(call("ctc", ex, reduction="sum"), none.sum())


@pytest.mark.parametrize("name", [n for n in REDUCED if example_inputs(n, 2).batch_dims])
@given(n=st.integers(min_value=2, max_value=12), seed=SEEDS)
def test_invariant_to_the_order_of_the_batch(name, n, seed):
    ex = example_inputs(name, n, seed=seed, dtype=torch.float64)
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    permuted = Example(
        [a.index_select(d, perm) for a, d in zip(ex.args, ex.batch_dims, strict=True)],
        ex.kwargs,
    )
    torch.testing.assert_close(call(name, permuted), call(name, ex))
    if name != "kto":  # kto's "none" lists chosen then rejected examples
        torch.testing.assert_close(
            call(name, permuted, reduction="none"), call(name, ex, reduction="none")[perm]
        )


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dtype_and_device_preserved(name, dtype, device):
    ex = example_inputs(name, 4, dtype=dtype, device=device)
    value = call(name, ex)
    assert value.dtype == dtype
    assert value.device.type == torch.device(device).type
