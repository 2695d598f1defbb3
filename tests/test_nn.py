"""lossbook.nn: one generic test over the catalog -- every module equals its function."""

from __future__ import annotations

import inspect

import pytest
import torch

import lossbook as lb
from lossbook.catalog import CATALOG
from lossbook.nn import MODULES
from lossbook.testing.examples import example_inputs

BY_FUNCTION = {cls.function.__name__: (name, cls) for name, cls in MODULES.items()}


def test_every_catalog_loss_has_a_module():
    assert set(BY_FUNCTION) == set(CATALOG)
    assert lb.nn.L1Loss is lb.nn.MAELoss


@pytest.mark.parametrize("loss", list(CATALOG))
def test_module_equals_function(loss, device):
    spec = CATALOG[loss]
    _, cls = BY_FUNCTION[loss]
    settings = dict(spec.example_params)
    has_reduction = "reduction" in inspect.signature(spec.fn).parameters
    for reduction in ("mean", "sum", "none") if has_reduction else (None,):
        extra = {} if reduction is None else {"reduction": reduction}
        ex = example_inputs(loss, 6, device=device, dtype=torch.float64)
        module = cls(**settings, **extra)
        want = spec.fn(*ex.args, **ex.kwargs, **settings, **extra)
        ex = example_inputs(loss, 6, device=device, dtype=torch.float64)  # same seed, same draw
        torch.testing.assert_close(module(*ex.args, **ex.kwargs), want, rtol=0, atol=0)


def keyword_inputs(cls):
    """The keyword arguments of ``forward``: per-batch inputs (``negatives``, ``kl``...)."""
    return {
        p.name
        for p in inspect.signature(cls.forward).parameters.values()
        if p.kind is p.KEYWORD_ONLY
    }


@pytest.mark.parametrize("loss", list(CATALOG))
def test_signature_is_the_functions(loss):
    """``__init__`` takes the function's hyper-parameters with its defaults; the function's
    other keyword arguments are inputs that change with every batch, given to ``forward``."""
    _, cls = BY_FUNCTION[loss]
    function = {
        p.name: p.default
        for p in inspect.signature(CATALOG[loss].fn).parameters.values()
        if p.kind is p.KEYWORD_ONLY
    }
    init = {
        p.name: p.default
        for p in inspect.signature(cls).parameters.values()
        if p.kind is p.KEYWORD_ONLY and p.name != "compile"
    }
    assert list(init) == list(cls.settings)
    assert init == {name: function[name] for name in init}
    assert set(init) | keyword_inputs(cls) == set(function)
    assert not set(init) & keyword_inputs(cls)
    assert inspect.signature(cls).parameters["compile"].default is False
    assert "def __init__" in inspect.getsource(cls) or not cls.settings
    assert "Args:" in (cls.__doc__ or "") and "Shapes:" in cls.__doc__


def test_huber_signature_shows_delta():
    parameters = inspect.signature(lb.nn.HuberLoss).parameters
    assert parameters["delta"].default == 1.0
    assert parameters["delta"].kind is inspect.Parameter.KEYWORD_ONLY


@pytest.mark.parametrize("loss", list(CATALOG))
def test_repr_shows_every_setting(loss):
    name, cls = BY_FUNCTION[loss]
    shown = repr(cls())
    assert shown.startswith(f"{name}(")
    for setting in cls.settings:  # per-batch inputs (forward's keywords) are not settings
        assert f"{setting}=" in shown


@pytest.mark.parametrize("loss", list(CATALOG))
def test_construction_leaves_the_global_random_state_alone(loss):
    """Issue 26: constructing GradientPenalty used to reset the global seed (a dry call on
    example inputs). Construction now draws nothing: the RNG state is unchanged."""
    _, cls = BY_FUNCTION[loss]
    torch.manual_seed(1)
    before = torch.random.get_rng_state()
    cls()
    cls(**dict(CATALOG[loss].example_params))
    assert torch.equal(torch.random.get_rng_state(), before)
    torch.manual_seed(2)
    expected = torch.rand(3)
    torch.manual_seed(2)
    cls()
    assert torch.equal(torch.rand(3), expected)


@pytest.mark.parametrize("loss", list(CATALOG))
def test_a_setting_given_at_call_time_is_an_error(loss):
    _, cls = BY_FUNCTION[loss]
    module = cls()
    ex = example_inputs(loss, 4)
    for setting in cls.settings:
        with pytest.raises(TypeError, match=rf"unexpected keyword argument '{setting}'"):
            module(*ex.args, **ex.kwargs, **{setting: getattr(module, setting)})


FLOATS = [
    (loss, name)
    for loss, spec in CATALOG.items()
    for name, default in spec.defaults.items()
    if type(default) is float
]


@pytest.mark.parametrize(("loss", "param"), FLOATS, ids=[f"{a}.{b}" for a, b in FLOATS])
def test_construction_runs_the_functions_validation(loss, param):
    _, cls = BY_FUNCTION[loss]
    with pytest.raises(ValueError, match=rf"^{param} must (be a finite number|lie in)"):
        cls(**{param: float("nan")})
    with pytest.raises(TypeError, match=rf"^{param} must be a real number"):
        cls(**{param: "0.1"})


def test_construction_validates_reduction_flags_and_unknown_settings():
    with pytest.raises(ValueError, match=r"^reduction must be one of \('mean', 'sum', 'none'\)"):
        lb.nn.MSELoss(reduction="avg")
    with pytest.raises(TypeError, match=r"^log_inputs must be a bool"):
        lb.nn.KLDivergenceLoss(log_inputs="no")
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'delat'"):
        lb.nn.HuberLoss(delat=1.0)
    with pytest.raises(TypeError, match=r"unexpected keyword argument 'delta'"):
        lb.nn.HuberLoss(delta=2.0)(
            torch.zeros(2), torch.zeros(2), delta=0.1
        )  # no call-time override
    with pytest.raises(ValueError, match=r"^q must lie in the open interval \(0\.0, 1\.0\)"):
        lb.nn.QuantileLoss(q=1.5)
    with pytest.raises(ValueError, match=r"^q must hold strictly increasing quantile levels"):
        lb.nn.QuantileLoss(q=[0.9, 0.1])
    with pytest.raises(TypeError, match=r"^weight must be a torch\.Tensor"):
        lb.nn.CrossEntropyLoss(weight=[1.0, 2.0])
    with pytest.raises(TypeError, match=r"^compile must be a bool"):
        lb.nn.MSELoss(compile="yes")


def test_tensor_settings_are_buffers_that_move_with_the_module():
    module = lb.nn.CrossEntropyLoss(weight=torch.tensor([1.0, 2.0, 3.0]))
    assert "weight" in dict(module.named_buffers())
    assert "weight" in module.state_dict()
    assert (
        lb.nn.SoftmaxFocalLoss(alpha=torch.ones(3)).to(torch.float64).alpha.dtype == torch.float64
    )
    assert "q" in dict(lb.nn.QuantileLoss(q=torch.tensor([0.1, 0.9])).named_buffers())
    module = module.to(torch.float64)
    assert module.weight.dtype == torch.float64
    meta = lb.nn.BCEWithLogitsLoss(pos_weight=torch.ones(3)).to("meta")
    assert meta.pos_weight.device.type == "meta"
    assert repr(module) == (
        "CrossEntropyLoss(weight=tensor of shape (3,), ignore_index=-100, "
        "label_smoothing=0.0, reduction='mean')"
    )


def test_a_module_trains_like_torchs():
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    criterion = lb.nn.HuberLoss(delta=0.5)
    x, y = torch.randn(16, 3), torch.randn(16)
    loss = criterion(model(x).squeeze(-1), y)
    loss.backward()
    assert model.weight.grad is not None and torch.isfinite(model.weight.grad).all()
