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
* finite values and gradients when the differentiable inputs are scaled to ±1e4;
* dtype and device preserved (float32 in, float32 out; float64 likewise; CUDA when present);
* clear errors for bad input: a prediction with an extra dimension (never broadcast),
  an unknown reduction, a list where a tensor belongs -- a ``ValueError``/``TypeError``
  that names the argument, not a silent result or a ``RuntimeError`` from deep inside.

It returns a :class:`LossReport` that prints one line per check, so a notebook
shows what passed and what failed; in a test suite call
:meth:`LossReport.assert_passed`. :mod:`lossbook.testing.examples` holds the
valid example inputs of every catalog loss (used when you pass none).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch
from torch import Tensor

from ..checks import REDUCTIONS

__all__ = ["CheckResult", "LossReport", "check_loss"]


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
    extreme: float = 1e4,
) -> LossReport:
    """Run chapter 12's checks on ``loss`` called as ``loss(*inputs, **kwargs)``.

    Args:
        loss: a loss function taking the tensors by position and (if it has
            one) a keyword ``reduction`` in ``{"mean", "sum", "none"}``.
        inputs: one valid call's positional arguments, e.g. ``(pred, target)``;
            floating tensors are cast to float32/float64 by the checks. ``None``
            takes the example inputs of a catalog loss of the same name.
        kwargs: hyper-parameters for every call (``{"a": 0.5}``).
        differentiable: positions of the inputs that gradients flow into
            (the prediction side; default the first). Keep them away from kinks.
        extreme: the scale of the extreme-input check.

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
    params = inspect.signature(loss).parameters
    reductions = REDUCTIONS if "reduction" in params else (None,)
    arg_names = [p.name for p in params.values() if p.kind is p.POSITIONAL_OR_KEYWORD]
    report = LossReport(name)

    def call(args: Sequence[object], reduction: str | None) -> Tensor:
        extra = {} if reduction is None else {"reduction": reduction}
        return loss(*args, **kwargs, **extra)

    def cast(dtype: torch.dtype, device: str = "cpu") -> list:
        return [_map_tensors(a, lambda t: t.detach().to(device, dtype)) for a in inputs]

    def run(check: str, body: Callable[[], tuple[bool, str]]) -> None:
        try:
            passed, detail = body()
        except Exception as error:  # a check that crashes is a failed check
            passed, detail = False, f"raised {type(error).__name__}: {error}"
        report.results.append(CheckResult(check, passed, detail))

    def gradients() -> tuple[bool, str]:
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
        wrong = [
            f"{r!r} gives {call(args, r).item():.6g}, {r}('none') is {want.item():.6g}"
            for r, want in (("mean", none.mean()), ("sum", none.sum()))
            if not torch.allclose(call(args, r), want, rtol=1e-10, atol=1e-12)
        ]
        if wrong:
            return False, "; ".join(wrong)
        return True, f"'mean' and 'sum' equal the mean and sum of 'none' {tuple(none.shape)}"

    def extremes() -> tuple[bool, str]:
        bad = []
        for sign in (1.0, -1.0):
            args = cast(torch.float32)
            for i in differentiable:

                def push(t: Tensor, s: float = sign) -> Tensor:
                    return torch.where(t >= 0, s * extreme, -s * extreme)

                args[i] = _map_tensors(args[i], push)
            leaves = _leaves(args, differentiable)
            value = call(args, reductions[0])
            grads = torch.autograd.grad(value.sum(), leaves, allow_unused=True)
            if not bool(torch.isfinite(value).all()):
                bad.append(f"value {value.detach().flatten()[:4].tolist()}")
            if not all(g is None or bool(torch.isfinite(g).all()) for g in grads):
                bad.append("a non-finite gradient")
        if bad:
            return False, f"inputs of ±{extreme:g} give " + ", ".join(dict.fromkeys(bad))
        return True, f"finite values and gradients at inputs of ±{extreme:g} (float32)"

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
        i = differentiable[0] if differentiable else 0
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
        i = differentiable[0] if differentiable else 0
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
