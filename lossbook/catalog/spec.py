"""The :class:`LossSpec` record and the helpers that read defaults from signatures."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field

from torch import Tensor


@dataclass(frozen=True)
class LossSpec:
    """Everything the book and the tests know about one loss."""

    name: str
    family: str
    fn: Callable[..., Tensor]
    formula: str
    problem: str
    summary: str
    reference: str
    defaults: dict[str, object] | None = None  # read from the signature; see __post_init__
    variable: str | None = None
    domain: tuple[float, float] | None = None
    support: tuple[float, float] = (float("-inf"), float("inf"))
    profile: Callable[..., Tensor] | None = None
    example_params: dict[str, float] = field(default_factory=dict)
    convex: bool | None = None
    smooth: bool | None = None
    bounded_below: float | None = None
    robust: bool | None = None
    symmetric: bool | None = None
    nonnegative: bool | None = None
    symbols: dict[str, str] = field(default_factory=dict)
    #: The explorer's slider: one scalar hyper-parameter and the values it steps through.
    slider: tuple[str, tuple[float, ...]] | None = None

    def __post_init__(self) -> None:
        # Defaults are never retyped: they are read from the function's signature, so
        # the catalog cannot drift from the code (a given dict is compared by the tests).
        if self.defaults is None:
            object.__setattr__(self, "defaults", signature_defaults(self.fn))
        # ℓ ≥ 0? A profiled entry knows from its infimum; the others must say so.
        if self.nonnegative is None and self.profile is not None:
            nonnegative = self.bounded_below is not None and self.bounded_below >= 0
            object.__setattr__(self, "nonnegative", nonnegative)
        object.__setattr__(
            self,
            "symbols",
            {
                name: self.symbols.get(name, SYMBOLS.get(name, name))
                for name in scalar_hyper_parameters(self.fn)
            },
        )

    def display_formula(self, **params: float) -> str:
        r"""The formula followed by its hyper-parameters' values, e.g. ``… ,\quad m = 1``.

        Values are the signature's defaults unless given in ``params``.
        """
        values: dict[str, object] = {**(self.defaults or {}), **params}
        shown = [
            f"{symbol} = {float(values[name]):g}"  # type: ignore[arg-type]
            for name, symbol in self.symbols.items()
            if values.get(name) is not None
        ]
        return self.formula + (r",\quad " + r",\ ".join(shown) if shown else "")

    def __call__(self, *args, **kwargs) -> Tensor:
        return self.fn(*args, **kwargs)

    def curve(self, x: Tensor, **params: float) -> Tensor:
        """Evaluate the scalar profile element-wise at ``x`` (``example_params`` by default)."""
        if self.profile is None:
            raise ValueError(f"{self.name} has no one-dimensional profile")
        return self.profile(x, **{**self.example_params, **params})


def signature_defaults(fn: Callable[..., Tensor]) -> dict[str, object]:
    """The keyword-only arguments of ``fn`` with their defaults (``reduction`` left out)."""
    return {
        name: param.default
        for name, param in inspect.signature(fn).parameters.items()
        if param.kind is param.KEYWORD_ONLY
        and name != "reduction"
        and param.default is not param.empty
    }


def scalar_hyper_parameters(fn: Callable[..., Tensor]) -> list[str]:
    """The keyword-only arguments of ``fn`` whose default is a real number (not a bool/int)."""
    return [name for name, value in signature_defaults(fn).items() if type(value) is float]


#: How the formulas write each scalar hyper-parameter (an entry may override it).
SYMBOLS = {
    "delta": r"\delta",
    "q": "q",
    "alpha": r"\alpha",
    "gamma": r"\gamma",
    "margin": "m",
    "temperature": r"\tau",
    "eps": r"\epsilon",
    "beta": r"\beta",
    "tau": r"\tau",
    "clip": r"\varepsilon",
    "label_smoothing": r"\varepsilon",
    "l1": r"\lambda_1",
    "l2": r"\lambda_2",
    "dice_weight": r"w_{\mathrm{dice}}",
    "ce_weight": r"w_{\mathrm{ce}}",
    "desirable_weight": r"\lambda_D",
    "undesirable_weight": r"\lambda_U",
}
