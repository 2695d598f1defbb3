"""Every lossbook loss, compiled: the fused speed without writing ``torch.compile``.

>>> import torch
>>> from lossbook import compiled
>>> compiled.huber(torch.zeros(2), torch.tensor([0.5, 3.0]))  # doctest: +SKIP
tensor(1.3125)

``compiled.huber`` is :func:`lossbook.huber` passed through ``torch.compile``:
the same arguments, the same values and gradients (to float rounding), but the
element-wise steps of the formula run as one generated kernel. The module form is
``lossbook.nn.HuberLoss(delta=1.0, compile=True)``. :func:`compile_loss` does the
same for any loss, your own included.

What to know:

* **When it helps.** The compiled kernel saves memory traffic on large tensors: at 10⁷
  elements it runs the losses in a fraction of the eager time. At coursework sizes on a CPU
  (a batch of a few hundred numbers) the call's fixed overhead dominates and the compiled path
  is *slower* than eager -- about 0.27 ms against 0.11 ms for one Huber call on one thread when
  this was measured. The book's Performance page (``book/performance.md``) has the measured
  table, size by size. Use it in long training loops on large inputs or a GPU.
* **The first call compiles** (seconds; a new input shape or dtype compiles again).
  Worth it in a training loop, not for one evaluation.
* **Value checks are skipped** inside the compiled graph (probabilities in [0, 1],
  labels in {0, 1}, class indices below C: reading a value would break the
  graph). Shape, dtype, device and hyper-parameter checks still run. Call the
  eager loss once on a real batch to have its values checked.
* **Falls back to eager with a warning** where compilation is not available (no
  C compiler, an unsupported platform, a loss that does not compile): the
  result is then the eager loss's, never an error of the compiler's. An error
  that the eager loss raises too (a wrong shape) is raised as it is.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable

import torch
from torch import Tensor

__all__ = ["CompiledLoss", "compile_loss"]


class CompiledLoss:
    """A loss function run through ``torch.compile``, falling back to eager if that fails."""

    def __init__(self, fn: Callable[..., Tensor], **compile_options: object) -> None:
        self.fn = fn
        self.compile_options = compile_options
        self._compiled: Callable[..., Tensor] | None = None
        self.fallback_reason: str | None = None  # set once compilation has failed
        functools.update_wrapper(self, fn)

    def __repr__(self) -> str:
        state = f"eager fallback: {self.fallback_reason}" if self.fallback_reason else "compiled"
        return f"<compiled {getattr(self.fn, '__name__', self.fn)!r} ({state})>"

    def _fall_back(self, error: BaseException) -> None:
        self.fallback_reason = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
        warnings.warn(
            f"torch.compile is not available for {getattr(self.fn, '__name__', 'this loss')} "
            f"({self.fallback_reason}); running it eagerly (same values, eager speed)",
            RuntimeWarning,
            stacklevel=3,
        )

    def __call__(self, *args: object, **kwargs: object) -> Tensor:
        if self.fallback_reason is not None:
            return self.fn(*args, **kwargs)
        try:
            if self._compiled is None:
                self._compiled = torch.compile(self.fn, **self.compile_options)  # type: ignore[call-overload]
            return self._compiled(*args, **kwargs)
        except Exception as error:
            # The eager loss decides whose error it is: if it raises too, the input is
            # wrong (raise the eager, readable error); if not, compilation failed.
            result = self.fn(*args, **kwargs)
            self._fall_back(error)
            return result


def compile_loss(fn: Callable[..., Tensor], **compile_options: object) -> CompiledLoss:
    """``fn`` run through ``torch.compile(fn, **compile_options)``, eager if that fails."""
    return CompiledLoss(fn, **compile_options)


@functools.cache
def _compiled(name: str) -> CompiledLoss:
    import lossbook

    fn = getattr(lossbook, name)
    if not callable(fn) or name.startswith("_"):
        raise AttributeError(name)
    return compile_loss(fn)


def __getattr__(name: str) -> CompiledLoss:
    """``lossbook.compiled.<loss>``: the loss of that name, compiled on first use."""
    from lossbook.catalog import CATALOG

    if name not in CATALOG:
        raise AttributeError(f"module 'lossbook.compiled' has no loss {name!r}")
    return _compiled(name)


def __dir__() -> list[str]:
    from lossbook.catalog import CATALOG

    return sorted([*__all__, *CATALOG])
