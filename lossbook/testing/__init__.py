"""Test a loss the way lossbook tests its own: chapter 12's recipe as one function.

>>> import torch, lossbook
>>> from lossbook.testing import check_loss
>>> pred, target = torch.randn(6, dtype=torch.float64), torch.randn(6, dtype=torch.float64)
>>> report = check_loss(lossbook.huber, (pred, target))
>>> report.passed
True

:func:`check_loss` runs, on your loss and one valid example call:

* ``gradcheck`` in float64 for every reduction (autograd against finite differences);
* ``"mean"`` and ``"sum"`` against the ``"none"`` result (one reduction road);
* finite values and gradients at the **edges of each input's domain**: ±1e4 for a real
  input (logits, residuals, scores), exactly 0 and 1 for probabilities, 0 and 1e4 for a
  non-negative input, an all-0 and an all-1 batch for labels in {0, 1}... (see
  :class:`Domain`; declare your inputs' domains with ``domain=``);
* dtype and device preserved (float32 in, float32 out; float64 likewise; CUDA when present);
* clear errors for bad input: a prediction with an extra dimension (never broadcast),
  an unknown reduction, a list where a tensor belongs -- a ``ValueError``/``TypeError``
  that names the argument, not a silent result or a ``RuntimeError`` from deep inside.

It returns a :class:`LossReport` that prints one line per check, so a notebook
shows what passed and what failed; in a test suite call
:meth:`LossReport.assert_passed`. :mod:`lossbook.testing.examples` holds the
valid example inputs of every catalog loss (used when you pass none), with their
domains and any reduction convention of their own.

A loss is only wrong at an edge of the inputs it promises to accept. A loss of
probabilities is not broken because ``log(1e4)`` is meaningless, but it is broken
if it returns ``nan`` at a probability of exactly 0 -- so tell ``check_loss`` what
each input is:

>>> def my_bce(probs, target, *, reduction="mean"):  # a student's first try
...     loss = -(target * torch.log(probs) + (1 - target) * torch.log(1 - probs))
...     return loss.mean() if reduction == "mean" else loss.sum() if reduction == "sum" else loss
>>> probs = torch.tensor([0.2, 0.7, 0.9], dtype=torch.float64)
>>> labels = torch.tensor([0.0, 1.0, 1.0], dtype=torch.float64)
>>> report = check_loss(my_bce, (probs, labels), domain={"probs": "probability",
...                                                      "target": "labels01"})
>>> [r.check for r in report.failures][:1]
['extreme inputs']
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import Tensor

from ..checks import REDUCTIONS

__all__ = ["DOMAINS", "CheckResult", "Domain", "LossReport", "check_loss"]


@dataclass(frozen=True)
class Domain:
    """Where one input of a loss lives, and so where :func:`check_loss` probes it.

    A continuous domain is the interval from ``low`` to ``high``; an open end
    (``low_open``/``high_open``) is probed just inside it (one float32 epsilon, relative).
    A discrete domain lists its ``values`` (labels): the probes are a batch of the
    first value only and one of the last value only (an all-negative batch, an
    all-positive batch). ``real`` is the default for a differentiable input: its
    "edges" are ±``extreme`` (a real input has no edge; very large is the stress).
    """

    name: str
    low: float = float("-inf")
    high: float = float("inf")
    low_open: bool = False
    high_open: bool = False
    values: tuple[float, ...] | None = None

    def edges(self, extreme: float, dtype: torch.dtype) -> tuple[float, float]:
        """The two values the extreme-input check uses (infinite ends become ±extreme)."""
        eps = torch.finfo(torch.float32).eps
        if self.values is not None:
            return self.values[0], self.values[-1]
        low = -extreme if self.low == float("-inf") else self.low
        high = extreme if self.high == float("inf") else self.high
        if self.low_open:
            low = low + eps * max(1.0, abs(low))
        if self.high_open:
            high = high - eps * max(1.0, abs(high))
        return low, high

    def probes(self, value: Tensor, extreme: float) -> list[Tensor]:
        """Two versions of ``value`` pushed to the domain's edges."""
        low, high = self.edges(extreme, value.dtype)
        if self.values is not None:
            return [torch.full_like(value, low), torch.full_like(value, high)]
        # keep the input's structure: its larger half goes to one edge, the rest to the other
        upper = value >= value.flatten().median() if value.numel() else value.bool()
        return [
            torch.where(upper, torch.full_like(value, high), torch.full_like(value, low)),
            torch.where(upper, torch.full_like(value, low), torch.full_like(value, high)),
        ]


#: The domains a user can name with a string (``domain={"probs": "probability"}``).
DOMAINS: dict[str, Domain] = {
    "real": Domain("real"),
    "logits": Domain("logits"),
    "probability": Domain("probability", 0.0, 1.0),
    "open_probability": Domain("probability in (0, 1)", 0.0, 1.0, low_open=True, high_open=True),
    "positive": Domain("positive", 0.0, low_open=True),
    "nonnegative": Domain("nonnegative", 0.0),
    "log_probability": Domain("log-probability", high=0.0),
    "labels01": Domain("labels in {0, 1}", values=(0.0, 1.0)),
    "labels_pm1": Domain("labels in {-1, +1}", values=(-1.0, 1.0)),
}


@dataclass(frozen=True)
class CheckResult:
    """One check of :func:`check_loss`: its name, whether it passed, and what was seen."""

    check: str
    passed: bool
    detail: str


@dataclass
class LossReport:
    """What :func:`check_loss` found, one :class:`CheckResult` per check (printable)."""

    loss: str
    results: list[CheckResult] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(r.passed for r in self.results)

    @property
    def failures(self) -> list[CheckResult]:
        return [r for r in self.results if not r.passed]

    def __str__(self) -> str:
        verdict = "all checks passed" if self.passed else f"{len(self.failures)} check(s) FAILED"
        lines = [f"check_loss({self.loss}): {verdict}"]
        width = max(len(r.check) for r in self.results) if self.results else 0
        for r in self.results:
            lines.append(f"  {'ok  ' if r.passed else 'FAIL'}  {r.check:<{width}}  {r.detail}")
        return "\n".join(lines)

    __repr__ = __str__

    def assert_passed(self) -> None:
        """Raise ``AssertionError`` listing the failed checks (for use in a test)."""
        if not self.passed:
            raise AssertionError(str(self))


def _map_tensors(value: object, fn: Callable[[Tensor], Tensor]) -> object:
    """Apply ``fn`` to every floating tensor in ``value`` (lists and tuples too)."""
    if isinstance(value, Tensor):
        return fn(value) if value.is_floating_point() else value
    if isinstance(value, (list, tuple)):
        return type(value)(_map_tensors(v, fn) for v in value)
    return value


def _leaves(args: list, differentiable: Sequence[int]) -> list[Tensor]:
    """Make the differentiable inputs leaves that require grad; return them."""
    leaves: list[Tensor] = []
    for i in differentiable:
        args[i] = _map_tensors(args[i], lambda t: t.detach().clone().requires_grad_(True))
        leaves.extend(args[i] if isinstance(args[i], (list, tuple)) else [args[i]])
    return leaves


def _error_names(error: BaseException, name: str, kinds: tuple[type, ...]) -> str | None:
    """``None`` if ``error`` is one of ``kinds`` and names ``name``; else what is wrong."""
    if not isinstance(error, kinds):
        return f"raised {type(error).__name__} ({error}), not a clear ValueError/TypeError"
    if name not in str(error):
        return f"{type(error).__name__} does not name {name!r}: {error}"
    return None


def check_loss(
    loss: Callable[..., Tensor],
    inputs: Sequence[object] | None = None,
    *,
    kwargs: dict[str, object] | None = None,
    differentiable: Sequence[int] = (0,),
    domain: Domain | str | Mapping[Any, Domain | str] | None = None,
    extreme: float = 1e4,
    same_shape: bool = True,
    mean_from_none: Callable[..., Tensor] | None = None,
) -> LossReport:
    """Run chapter 12's checks on ``loss`` called as ``loss(*inputs, **kwargs)``.

    Args:
        loss: a loss function taking the tensors by position and (if it has
            one) a keyword ``reduction`` in ``{"mean", "sum", "none"}``.
        inputs: one valid call's positional arguments, e.g. ``(pred, target)``;
            floating tensors are cast to float32/float64 by the checks. ``None``
            takes the example inputs of a catalog loss of the same name.
        kwargs: hyper-parameters for every call (``{"a": 0.5}``). A ``torch.Generator``
            among them is restored to its state before every call, so a loss that draws
            noise draws the same noise in every check.
        differentiable: positions of the inputs that gradients flow into
            (the prediction side; default the first). Keep them away from kinks.
        domain: where the inputs live, so that the extreme-input check probes the
            edges of what the loss promises to accept: one :class:`Domain` (or a name
            from :data:`DOMAINS`: ``"real"``, ``"logits"``, ``"probability"``,
            ``"positive"``, ``"nonnegative"``, ``"log_probability"``, ``"labels01"``,
            ``"labels_pm1"``...) for every differentiable input, or a dict from an
            input's position or argument name to its domain (any input, labels too).
            Undeclared differentiable inputs are ``"real"``.
        extreme: the size of a real input in the extreme-input check.
        same_shape: ``False`` for a loss whose inputs may legitimately have any shape
            (it averages each on its own); the bad-shape check is then not applicable.
        mean_from_none: how ``reduction="mean"`` is computed from the ``"none"`` result
            and the inputs, for a loss whose mean is not the plain mean (CTC divides by
            the target lengths first). Default: ``none.mean()``.

    Returns:
        A :class:`LossReport`; ``print(report)`` lists every check.
    """
    name = getattr(loss, "__name__", type(loss).__name__)
    kwargs = dict(kwargs or {})
    if inputs is None:
        from .examples import example_inputs

        example = example_inputs(name, 6)
        if example is None:
            raise ValueError(f"no example inputs for {name!r}: pass inputs=(...)")
        inputs, kwargs = example.args, {**example.kwargs, **kwargs}
        differentiable = example.differentiable
        domain = example.domains if domain is None else domain
        same_shape = same_shape and not example.any_shape
        mean_from_none = mean_from_none or example.mean_from_none
    params = inspect.signature(loss).parameters
    reductions = REDUCTIONS if "reduction" in params else (None,)
    arg_names = [p.name for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    report = LossReport(name)
    domains = _resolve_domains(domain, differentiable, arg_names, len(inputs))
    tensors = [i for i in range(len(inputs)) if _has_tensor(inputs[i])]

    # a loss that draws noise (generator=...) draws the same noise at every call of a check
    generators = {
        key: (value.device, value.get_state())
        for key, value in kwargs.items()
        if isinstance(value, torch.Generator)
    }

    def call(args: Sequence[object], reduction: str | None) -> Tensor:
        extra: dict[str, object] = {} if reduction is None else {"reduction": reduction}
        for key, (device, state) in generators.items():
            fresh = torch.Generator(device=device)
            fresh.set_state(state)
            extra[key] = fresh
        return loss(*args, **{**kwargs, **extra})

    def cast(dtype: torch.dtype, device: str = "cpu") -> list:
        return [
            _module_to(a, dtype, device)
            if isinstance(a, torch.nn.Module)
            else _map_tensors(a, lambda t: t.detach().to(device, dtype))
            for a in inputs
        ]

    def run(check: str, body: Callable[[], tuple[bool, str]]) -> None:
        try:
            passed, detail = body()
        except Exception as error:  # a check that crashes is a failed check
            passed, detail = False, f"raised {type(error).__name__}: {error}"
        report.results.append(CheckResult(check, passed, detail))

    def gradients() -> tuple[bool, str]:
        if not differentiable:
            return _module_gradcheck(inputs, call, reductions, cast)
        failed = []
        for reduction in reductions:
            args = cast(torch.float64)
            leaves = _leaves(args, differentiable)

            def of_leaves(*values: Tensor, reduction: str | None = reduction, args=args) -> Tensor:
                it = iter(values)
                rebuilt = [
                    _map_tensors(a, lambda t: next(it)) if i in differentiable else a
                    for i, a in enumerate(args)
                ]
                return call(rebuilt, reduction)

            if not torch.autograd.gradcheck(of_leaves, tuple(leaves), raise_exception=False):
                failed.append(repr(reduction))
        if failed:
            return False, f"autograd disagrees with finite differences for {', '.join(failed)}"
        return True, "autograd matches finite differences (float64)"

    def reductions_agree() -> tuple[bool, str]:
        if reductions == (None,):
            return True, "no reduction argument (a single number)"
        args = cast(torch.float64)
        none = call(args, "none")
        mean = none.mean() if mean_from_none is None else mean_from_none(none, args)
        wrong = [
            f"{r!r} gives {call(args, r).item():.6g}, {r}('none') is {want.item():.6g}"
            for r, want in (("mean", mean), ("sum", none.sum()))
            if not torch.allclose(call(args, r), want, rtol=1e-10, atol=1e-12)
        ]
        if wrong:
            return False, "; ".join(wrong)
        return True, f"'mean' and 'sum' equal the mean and sum of 'none' {tuple(none.shape)}"

    def extremes() -> tuple[bool, str]:
        bad, probed = [], []
        for i, where in domains.items():
            if not isinstance(inputs[i], Tensor):
                continue
            probed.append(f"{_arg(arg_names, i)} {where.name} at {_edges_text(where, extreme)}")
            for probe in where.probes(cast(torch.float32)[i], extreme):
                args = cast(torch.float32)
                args[i] = probe
                leaves = _leaves(args, differentiable)
                value = call(args, reductions[0])
                grads = torch.autograd.grad(value.sum(), leaves, allow_unused=True)
                if not bool(torch.isfinite(value).all()):
                    bad.append(
                        f"{_arg(arg_names, i)} at its edges: value "
                        f"{value.detach().flatten()[:4].tolist()}"
                    )
                if not all(g is None or bool(torch.isfinite(g).all()) for g in grads):
                    bad.append(f"{_arg(arg_names, i)} at its edges: a non-finite gradient")
        if not probed:
            return True, "not applicable (no tensor input with a domain)"
        if bad:
            return False, "; ".join(dict.fromkeys(bad))
        return True, "finite values and gradients with " + ", ".join(probed) + " (float32)"

    def dtypes_and_devices() -> tuple[bool, str]:
        devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
        wrong = []
        for device in devices:
            for dtype in (torch.float32, torch.float64):
                out = call(cast(dtype, device), reductions[0])
                if out.dtype != dtype or out.device.type != device:
                    wrong.append(f"{dtype} on {device} in, {out.dtype} on {out.device} out")
        if wrong:
            return False, "; ".join(wrong)
        return True, "float32 and float64 in, the same dtype and device out"

    def wrong_shape() -> tuple[bool, str]:
        if not same_shape:
            return True, "not applicable (inputs of any shape are valid: same_shape=False)"
        i = differentiable[0] if differentiable else tensors[0] if tensors else 0
        args = cast(torch.float64)
        if not isinstance(args[i], Tensor):
            return True, "not applicable (the input is not a tensor)"
        arg = arg_names[i] if i < len(arg_names) else f"argument {i}"
        args[i] = args[i].unsqueeze(-1)
        try:
            call(args, reductions[0])
        except Exception as error:
            problem = _error_names(error, arg, (ValueError,))
            return problem is None, problem or f"ValueError naming {arg}: {error}"
        return False, f"{arg} of shape {tuple(args[i].shape)} was accepted (broadcast?)"

    def unknown_reduction() -> tuple[bool, str]:
        if reductions == (None,):
            return True, "no reduction argument"
        try:
            call(cast(torch.float64), "avg")
        except Exception as error:
            problem = _error_names(error, "reduction", (ValueError,))
            return problem is None, problem or f"ValueError: {error}"
        return False, "reduction='avg' was accepted"

    def not_a_tensor() -> tuple[bool, str]:
        i = differentiable[0] if differentiable else tensors[0] if tensors else 0
        args = cast(torch.float64)
        if not isinstance(args[i], Tensor):
            return True, "not applicable (the input is not a tensor)"
        arg = arg_names[i] if i < len(arg_names) else f"argument {i}"
        args[i] = args[i].tolist()
        try:
            call(args, reductions[0])
        except Exception as error:
            problem = _error_names(error, arg, (TypeError,))
            return problem is None, problem or f"TypeError naming {arg}: {error}"
        return False, f"a Python list as {arg} was accepted"

    run("gradcheck", gradients)
    run("reductions", reductions_agree)
    run("extreme inputs", extremes)
    run("dtype and device", dtypes_and_devices)
    run("bad shape", wrong_shape)
    run("bad reduction", unknown_reduction)
    run("not a tensor", not_a_tensor)
    return report


def _arg(arg_names: Sequence[str], i: int) -> str:
    return arg_names[i] if i < len(arg_names) else f"argument {i}"


def _edges_text(where: Domain, extreme: float) -> str:
    low, high = where.edges(extreme, torch.float32)
    return f"{low:g} and {high:g}"


def _has_tensor(value: object) -> bool:
    if isinstance(value, Tensor):
        return True
    return isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value)


def _resolve_domains(
    domain: Domain | str | Mapping[Any, Domain | str] | None,
    differentiable: Sequence[int],
    arg_names: Sequence[str],
    count: int,
) -> dict[int, Domain]:
    """Each input position's :class:`Domain`: declared ones, and ``real`` for the rest of
    the differentiable inputs."""

    def as_domain(value: Domain | str) -> Domain:
        if isinstance(value, Domain):
            return value
        if isinstance(value, str) and value in DOMAINS:
            return DOMAINS[value]
        raise ValueError(f"domain must be a Domain or one of {sorted(DOMAINS)}, got {value!r}")

    declared: dict[int, Domain] = {}
    if isinstance(domain, Mapping):
        for key, value in domain.items():
            if isinstance(key, str):
                if key not in arg_names:
                    raise ValueError(
                        f"domain names an argument {key!r} the loss does not take; "
                        f"its positional arguments are {list(arg_names)}"
                    )
                key = arg_names.index(key)
            if not 0 <= key < count:
                raise ValueError(f"domain names input {key}, but only {count} inputs were given")
            declared[key] = as_domain(value)
    elif domain is not None:
        declared = {i: as_domain(domain) for i in differentiable}
    for i in differentiable:
        declared.setdefault(i, DOMAINS["real"])
    return dict(sorted(declared.items()))


def _module_to(module: torch.nn.Module, dtype: torch.dtype, device: str) -> torch.nn.Module:
    """A copy of ``module`` in ``dtype`` on ``device`` (the caller's module is untouched)."""
    import copy

    return copy.deepcopy(module).to(device=device, dtype=dtype)


def _module_gradcheck(
    inputs: Sequence[object],
    call: Callable[[Sequence[object], str | None], Tensor],
    reductions: Sequence[str | None],
    cast: Callable[..., list],
) -> tuple[bool, str]:
    """gradcheck with respect to the parameters of the module among the inputs (a
    critic, for a gradient penalty), when no input tensor is differentiable."""
    from torch.func import functional_call

    position = next((i for i, a in enumerate(inputs) if isinstance(a, torch.nn.Module)), None)
    if position is None:
        return True, "not applicable (no differentiable input)"
    failed = []
    for reduction in reductions:
        args = cast(torch.float64)
        module = args[position]
        names = [n for n, p in module.named_parameters() if p.requires_grad]
        values = tuple(
            p.detach().clone().requires_grad_(True)
            for n, p in module.named_parameters()
            if p.requires_grad
        )

        def of_parameters(
            *params: Tensor, reduction=reduction, args=args, module=module, names=names
        ) -> Tensor:
            settings = dict(zip(names, params, strict=True))
            rebuilt = list(args)
            rebuilt[position] = lambda *x: functional_call(module, settings, x)
            return call(rebuilt, reduction)

        if not torch.autograd.gradcheck(of_parameters, values, raise_exception=False):
            failed.append(repr(reduction))
    if failed:
        return False, f"autograd disagrees with finite differences for {', '.join(failed)}"
    return True, "autograd matches finite differences in the module's parameters (float64)"
