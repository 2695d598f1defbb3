"""The bad-input matrix: every rule in tests/bad_inputs.py (RULES) gives its documented error."""

from __future__ import annotations

import re

import pytest
import torch
from bad_inputs import RULES


@pytest.mark.parametrize("row", RULES, ids=[f"{r.category}: {r.rule}" for r in RULES])
def test_rule(row):
    if row.error is None:  # documented as not an error: NaN propagates, or it is accepted
        result = torch.as_tensor(row.call())
        if row.category == "NaN":
            assert torch.isnan(result).any()
        else:
            assert row.category == "accepted"
            assert torch.isfinite(result).all()
        return
    with pytest.raises(row.error) as caught:
        row.call()
    assert caught.type is row.error, "exactly the documented type, not a subclass"
    assert re.search(row.match, str(caught.value)), str(caught.value)


def test_one_test_id_per_row():
    ids = [f"{r.category}: {r.rule}" for r in RULES]
    assert len(set(ids)) == len(ids), "two rows share a test id"


def test_every_category_is_covered():
    categories = {r.category for r in RULES}
    wanted = {"shape", "dtype", "labels", "probabilities", "hyper-parameter", "reduction", "empty"}
    assert wanted | {"device", "NaN"} <= categories


# --- one validation for every hyper-parameter of every loss --------------------------------
def _hyper_parameters(kind):
    """(loss, parameter, default) for every keyword-only argument whose default is a ``kind``."""
    import inspect

    from lossbook.catalog import CATALOG

    rows = []
    for name, spec in sorted(CATALOG.items()):
        for param in inspect.signature(spec.fn).parameters.values():
            default = param.default
            if param.kind is not param.KEYWORD_ONLY or param.name == "reduction":
                continue
            if kind is bool and isinstance(default, bool):
                rows.append((name, param.name, default))
            elif kind is not bool and type(default) is kind:
                rows.append((name, param.name, default))
    return rows


def _call(name, **kwargs):
    from lossbook.catalog import CATALOG
    from lossbook.testing.examples import example_inputs

    ex = example_inputs(name, 6)
    return CATALOG[name].fn(*ex.args, **{**ex.kwargs, **kwargs})


FLOATS = _hyper_parameters(float)
#: Hyper-parameters that also take a 0-d tensor: Huber's delta, which
#: lossbook.guide.huber_delta computes as one (issue 28, item 4).
ACCEPT_0D_TENSOR = {("huber", "delta")}
FLAGS = _hyper_parameters(bool)
INTS = _hyper_parameters(int)


def test_the_uniform_checks_see_every_kind_of_hyper_parameter():
    assert len(FLOATS) >= 20 and FLAGS and INTS


@pytest.mark.parametrize(
    ("loss", "param", "default"), FLOATS, ids=[f"{r[0]}.{r[1]}" for r in FLOATS]
)
def test_float_hyper_parameters_are_validated_alike(loss, param, default):
    import numpy as np

    takes_0d = (loss, param) in ACCEPT_0D_TENSOR
    bads = [("0.1", "str '0.1'"), (True, "bool True"), (torch.tensor(0.1), "a torch")]
    for bad, shown in bads[:2] if takes_0d else bads:
        with pytest.raises(TypeError) as caught:
            _call(loss, **{param: bad})
        assert re.match(
            rf"{param} must be a real number( or a 0-d tensor)?( or None)?, got {re.escape(shown)}",
            str(caught.value),
        ), str(caught.value)
    if takes_0d:  # the tensor's value is used: the float's result
        torch.testing.assert_close(
            _call(loss, **{param: torch.tensor(default)}), _call(loss, **{param: default})
        )
    with pytest.raises(ValueError, match=rf"^{param} must (be a finite number|lie in)"):
        _call(loss, **{param: float("nan")})
    # any real number type is a number: NumPy float32 and float64 give the float's result
    expected = _call(loss, **{param: default})
    for numpy_type in (np.float32, np.float64):
        torch.testing.assert_close(_call(loss, **{param: numpy_type(default)}), expected)


@pytest.mark.parametrize(("loss", "param", "default"), FLAGS, ids=[f"{r[0]}.{r[1]}" for r in FLAGS])
def test_flags_must_be_real_bools(loss, param, default):
    for bad, shown in (("no", "str 'no'"), (1, "int"), (None, "NoneType")):
        with pytest.raises(
            TypeError, match=rf"^{param} must be a bool \(True or False\), got {re.escape(shown)}"
        ):
            _call(loss, **{param: bad})


@pytest.mark.parametrize(("loss", "param", "default"), INTS, ids=[f"{r[0]}.{r[1]}" for r in INTS])
def test_integer_arguments_must_be_ints(loss, param, default):
    for bad, shown in ((float(default), "float"), (True, "bool True"), ("0", "str '0'")):
        with pytest.raises(TypeError, match=rf"^{param} must be an int, got {re.escape(shown)}"):
            _call(loss, **{param: bad})


def test_every_error_pattern_is_anchored():
    unanchored = [r.rule for r in RULES if r.error is not None and not r.match.startswith("^")]
    assert not unanchored
